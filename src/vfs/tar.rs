//! ustar archives of file trees (`docker export`, later `save`/`load`), written and read as
//! Go's `archive/tar` does for these entries.

use std::sync::Arc;

use super::tree::{Meta, Node, NodeKind, Tree};
use crate::clock::SimTime;

fn octal(field: &mut [u8], v: u64) {
    let width = field.len() - 1;
    let s = format!("{v:0width$o}");
    let b = s.as_bytes();
    let start = b.len().saturating_sub(width);
    field[..width].copy_from_slice(&b[start..]);
    field[width] = 0;
}

pub(super) fn header(name: &str, node: &Node, size: u64) -> [u8; 512] {
    let mut h = [0u8; 512];
    let (name, prefix) = if name.len() > 100 {
        match name[..name.len().min(155)].rfind('/') {
            Some(i) => (&name[i + 1..], &name[..i]),
            None => (name, ""),
        }
    } else {
        (name, "")
    };
    let n = name.as_bytes();
    h[..n.len().min(100)].copy_from_slice(&n[..n.len().min(100)]);
    octal(&mut h[100..108], u64::from(node.meta.mode & 0o7777));
    octal(&mut h[108..116], u64::from(node.meta.uid));
    octal(&mut h[116..124], u64::from(node.meta.gid));
    octal(&mut h[124..136], size);
    octal(&mut h[136..148], node.meta.mtime.as_secs());
    h[156] = match node.kind {
        NodeKind::File(_) => b'0',
        NodeKind::Symlink(_) => b'2',
        NodeKind::Dir(_) => b'5',
    };
    if let NodeKind::Symlink(t) = &node.kind {
        let t = t.as_bytes();
        h[157..157 + t.len().min(100)].copy_from_slice(&t[..t.len().min(100)]);
    }
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    let p = prefix.as_bytes();
    h[345..345 + p.len().min(155)].copy_from_slice(&p[..p.len().min(155)]);
    h[148..156].copy_from_slice(b"        ");
    let sum: u64 = h.iter().map(|&b| u64::from(b)).sum();
    octal(&mut h[148..155], sum);
    h[155] = b' ';
    h
}

/// Writes the subtree at `node` as a tar stream; entry names are relative (`etc/`, `etc/hosts`).
pub fn write_tar(node: &Node, out: &mut Vec<u8>) {
    fn walk(n: &Node, name: &str, out: &mut Vec<u8>) {
        match &n.kind {
            NodeKind::Dir(entries) => {
                if !name.is_empty() {
                    out.extend_from_slice(&header(&format!("{name}/"), n, 0));
                }
                for (child_name, child) in entries.iter() {
                    let child_path = if name.is_empty() {
                        child_name.clone()
                    } else {
                        format!("{name}/{child_name}")
                    };
                    walk(child, &child_path, out);
                }
            }
            NodeKind::File(data) => {
                out.extend_from_slice(&header(name, n, data.len() as u64));
                out.extend_from_slice(data);
                let pad = (512 - data.len() % 512) % 512;
                out.extend(std::iter::repeat_n(0u8, pad));
            }
            NodeKind::Symlink(_) => out.extend_from_slice(&header(name, n, 0)),
        }
    }
    walk(node, "", out);
    out.extend(std::iter::repeat_n(0u8, 1024));
}

fn parse_octal(b: &[u8]) -> u64 {
    let s: String = b
        .iter()
        .take_while(|&&c| c != 0 && c != b' ')
        .map(|&c| c as char)
        .collect();
    u64::from_str_radix(s.trim(), 8).unwrap_or(0)
}

fn cstr(b: &[u8]) -> String {
    String::from_utf8_lossy(&b[..b.iter().position(|&c| c == 0).unwrap_or(b.len())]).into_owned()
}

/// What a tar entry is.
pub(super) enum TarKind {
    Dir,
    File(Vec<u8>),
    Symlink(String),
}

/// One entry of a tar stream, with its absolute path.
pub(super) struct TarEntry {
    pub path: String,
    pub kind: TarKind,
    pub meta: Meta,
}

/// The entries of a tar stream in order; `None` if it is not a tar archive.
pub(super) fn read_entries(data: &[u8]) -> Option<Vec<TarEntry>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 512 <= data.len() {
        let h = &data[i..i + 512];
        if h.iter().all(|&b| b == 0) {
            return Some(out);
        }
        if &h[257..262] != b"ustar" {
            return None;
        }
        let name = {
            let n = cstr(&h[..100]);
            let p = cstr(&h[345..500]);
            if p.is_empty() {
                n
            } else {
                format!("{p}/{n}")
            }
        };
        let size = parse_octal(&h[124..136]) as usize;
        let meta = Meta {
            mode: parse_octal(&h[100..108]) as u32,
            uid: parse_octal(&h[108..116]) as u32,
            gid: parse_octal(&h[116..124]) as u32,
            mtime: SimTime::from_secs(parse_octal(&h[136..148])),
        };
        let path = crate::vfs::normalize("/", name.trim_end_matches('/'));
        i += 512;
        let kind = match h[156] {
            b'5' => TarKind::Dir,
            b'2' => TarKind::Symlink(cstr(&h[157..257])),
            _ => {
                let body = data.get(i..i + size)?.to_vec();
                i += size.div_ceil(512) * 512;
                TarKind::File(body)
            }
        };
        if path != "/" {
            out.push(TarEntry { path, kind, meta });
        }
    }
    (!out.is_empty() || data.is_empty()).then_some(out)
}

/// Reads a tar stream into a tree rooted at `/`; `None` if it is not a tar archive.
pub fn read_tar(data: &[u8], dir_meta: &Meta) -> Option<Tree> {
    let mut t = Tree::new(dir_meta.clone());
    for TarEntry { path, kind, meta } in read_entries(data)? {
        let kind = match kind {
            TarKind::Dir => NodeKind::Dir(Arc::default()),
            TarKind::File(d) => NodeKind::File(Arc::new(d)),
            TarKind::Symlink(s) => NodeKind::Symlink(s),
        };
        let keep_children =
            matches!(kind, NodeKind::Dir(_)) && t.get(&path).is_some_and(|n| n.is_dir());
        if keep_children {
            let _ = t.set_meta(&path, |m| *m = meta.clone());
        } else {
            let _ = t.insert(&path, Node { kind, meta }, dir_meta);
        }
    }
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let m = Meta {
            mode: 0o755,
            uid: 0,
            gid: 0,
            mtime: SimTime::from_secs(1000),
        };
        let mut t = Tree::new(m.clone());
        t.mkdir("/etc", false, &m).unwrap();
        t.write(
            "/etc/hostname",
            b"box\n",
            false,
            &Meta {
                mode: 0o644,
                ..m.clone()
            },
        )
        .unwrap();
        t.insert(
            "/bin",
            Node {
                kind: NodeKind::Symlink("usr/bin".into()),
                meta: m.clone(),
            },
            &m,
        )
        .unwrap();
        let mut out = Vec::new();
        write_tar(t.get("/").unwrap(), &mut out);
        assert_eq!(out.len() % 512, 0);
        let back = read_tar(&out, &m).unwrap();
        assert_eq!(
            back.get("/etc/hostname").map(|n| n.kind.clone()),
            t.get("/etc/hostname").map(|n| n.kind.clone())
        );
        assert_eq!(
            back.get("/bin").map(|n| n.kind.clone()),
            Some(NodeKind::Symlink("usr/bin".into()))
        );
        assert!(read_tar(
            b"not a tar archive, just some text that is long enough to fill a block..",
            &m
        )
        .is_none());
    }
}

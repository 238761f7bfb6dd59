//! Differences between two trees, as `docker diff` reports them (`A`, `C`, `D`), and the size a
//! tree would have as a tar stream (`docker cp`'s "Successfully copied" figure).

use std::sync::Arc;

use super::path::join;
use super::tree::{Node, NodeKind, Tree};

/// Changes from `lower` to `upper`, sorted by path: `('A'|'C'|'D', path)`. A directory whose
/// contents changed is `C`.
pub fn changes(lower: &Tree, upper: &Tree) -> Vec<(char, String)> {
    let mut out = Vec::new();
    if let (Some(a), Some(b)) = (lower.get("/"), upper.get("/")) {
        walk(a, b, "/", &mut out);
    }
    crate::text::sort_by(&mut out, &|x, y| x.1.cmp(&y.1));
    out
}

fn walk(a: &Node, b: &Node, path: &str, out: &mut Vec<(char, String)>) -> bool {
    match (&a.kind, &b.kind) {
        (NodeKind::Dir(x), NodeKind::Dir(y)) => {
            if Arc::ptr_eq(x, y) {
                return false;
            }
            let mut changed = false;
            for (name, nb) in y.iter() {
                let p = join(path, name);
                match x.get(name) {
                    None => {
                        out.push(('A', p.clone()));
                        add_all(nb, &p, out);
                        changed = true;
                    }
                    Some(na) => changed |= walk(na, nb, &p, out),
                }
            }
            for name in x.keys() {
                if !y.contains_key(name) {
                    out.push(('D', join(path, name)));
                    changed = true;
                }
            }
            if changed && path != "/" {
                out.push(('C', path.to_string()));
            }
            changed
        }
        (NodeKind::File(x), NodeKind::File(y))
            if (Arc::ptr_eq(x, y) || x == y) && a.meta == b.meta =>
        {
            false
        }
        (NodeKind::Symlink(x), NodeKind::Symlink(y)) if x == y && a.meta == b.meta => false,
        _ => {
            out.push(('C', path.to_string()));
            true
        }
    }
}

fn add_all(n: &Node, path: &str, out: &mut Vec<(char, String)>) {
    if let NodeKind::Dir(entries) = &n.kind {
        for (name, child) in entries.iter() {
            let p = join(path, name);
            out.push(('A', p.clone()));
            add_all(child, &p, out);
        }
    }
}

/// Bytes of a tar stream holding `n` (a header per entry, contents in 512-byte blocks, and the
/// two closing blocks), as Go's `archive/tar` writes it.
pub fn tar_size(n: &Node) -> u64 {
    fn entries(n: &Node) -> u64 {
        match &n.kind {
            NodeKind::File(d) => 512 + (d.len() as u64).div_ceil(512) * 512,
            NodeKind::Symlink(_) => 512,
            NodeKind::Dir(e) => 512 + e.values().map(entries).sum::<u64>(),
        }
    }
    entries(n) + 1024
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::SimTime;
    use crate::vfs::Meta;

    #[test]
    fn reports_added_changed_deleted() {
        let m = Meta {
            mode: 0o755,
            uid: 0,
            gid: 0,
            mtime: SimTime(0),
        };
        let mut base = Tree::new(m.clone());
        base.mkdir("/etc", false, &m).unwrap();
        base.write("/etc/a", b"1", false, &m).unwrap();
        base.mkdir("/tmp", false, &m).unwrap();
        let mut upper = base.clone();
        assert!(changes(&base, &upper).is_empty());
        upper.write("/tmp/new", b"x", false, &m).unwrap();
        upper.remove("/etc/a", false).unwrap();
        assert_eq!(
            changes(&base, &upper),
            vec![
                ('C', "/etc".into()),
                ('D', "/etc/a".into()),
                ('C', "/tmp".into()),
                ('A', "/tmp/new".into())
            ]
        );
        assert_eq!(tar_size(upper.get("/tmp/new").unwrap()), 2048);
    }

    #[test]
    fn a_mode_change_is_a_change_even_with_shared_contents() {
        let m = Meta {
            mode: 0o644,
            uid: 0,
            gid: 0,
            mtime: SimTime(0),
        };
        let mut base = Tree::new(m.clone());
        base.mkdir("/etc", false, &m).unwrap();
        base.write("/etc/passwd", b"root:x:0:0\n", false, &m).unwrap();
        let mut upper = base.clone();
        upper.set_meta("/etc/passwd", |m| m.mode = 0o600).unwrap();
        assert_eq!(
            changes(&base, &upper),
            vec![('C', "/etc".into()), ('C', "/etc/passwd".into())]
        );
    }
}

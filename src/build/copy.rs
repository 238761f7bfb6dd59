//! COPY and ADD into a file tree, with BuildKit's rules (fsutil `copy.Copy` as the Dockerfile
//! frontend calls it): wildcards per path component, a directory's contents rather than the
//! directory, a destination ending in `/` is a directory, missing parents are created, `--chown`
//! and `--chmod`, and ADD unpacking a local tar archive.

use std::collections::BTreeMap;

use super::context::digests;
use crate::clock::SimTime;
use crate::vfs::{basename, join, normalize, parent, Meta, Node, NodeKind, Tree};

/// How files are copied.
#[derive(Clone, Debug, Default)]
pub struct CopyOptions {
    /// `--chown` resolved to (uid, gid).
    pub chown: Option<(u32, u32)>,
    /// `--chmod` as octal bits.
    pub chmod: Option<u32>,
    /// Keep the source's owners (`COPY --from`); context files become root's.
    pub keep_owner: bool,
    /// ADD: a tar archive is unpacked into the destination.
    pub unpack: bool,
    pub now: SimTime,
}

/// Why a copy failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CopyError {
    /// A source that is not there (`"/app.py": not found`), as its cleaned absolute path.
    NotFound(String),
    Other(String),
}

fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// The paths in `from` that `src` names (wildcards resolved per component), absolute.
pub fn resolve(from: &Tree, src: &str) -> Vec<String> {
    let clean = normalize("/", src);
    if !has_wildcard(&clean) {
        return if from.get(&clean).is_some() { vec![clean] } else { Vec::new() };
    }
    let mut found = vec!["/".to_string()];
    for comp in clean.split('/').filter(|c| !c.is_empty()) {
        let mut next = Vec::new();
        for base in &found {
            if has_wildcard(comp) {
                if let Ok(entries) = from.list(base) {
                    for name in entries.keys() {
                        if crate::api::path_match(comp, name) {
                            next.push(join(base, name));
                        }
                    }
                }
            } else {
                let p = join(base, comp);
                if from.get(&p).is_some() {
                    next.push(p);
                }
            }
        }
        found = next;
        if found.len() > 100_000 {
            break;
        }
    }
    found
}

fn restamp(node: &mut Node, o: &CopyOptions, top: bool) {
    if let Some((u, g)) = o.chown {
        node.meta.uid = u;
        node.meta.gid = g;
    } else if !o.keep_owner {
        node.meta.uid = 0;
        node.meta.gid = 0;
    }
    if let Some(m) = o.chmod {
        node.meta.mode = m;
    }
    let _ = top;
    if let NodeKind::Dir(entries) = &mut node.kind {
        let entries = std::sync::Arc::make_mut(entries);
        for child in entries.values_mut() {
            restamp(child, o, false);
        }
    }
}

fn dir_meta(o: &CopyOptions) -> Meta {
    let (uid, gid) = o.chown.unwrap_or((0, 0));
    Meta { mode: o.chmod.unwrap_or(0o755), uid, gid, mtime: o.now }
}

/// Puts `node` at `path`, merging directories into directories already there.
fn place(to: &mut Tree, path: &str, node: Node, o: &CopyOptions) -> Result<(), CopyError> {
    let fail = |e: crate::vfs::FsError| CopyError::Other(format!("{path}: {}", e.message()));
    match (&node.kind, to.get(path).map(|n| n.is_dir())) {
        (NodeKind::Dir(entries), Some(true)) => {
            let _ = to.set_meta(path, |m| *m = node.meta.clone());
            for (name, child) in entries.iter() {
                place(to, &join(path, name), child.clone(), o)?;
            }
            Ok(())
        }
        (_, Some(_)) => {
            to.remove(path, true).map_err(fail)?;
            to.insert(path, node, &dir_meta(o)).map_err(fail)
        }
        (_, None) => to.insert(path, node, &dir_meta(o)).map_err(fail),
    }
}

/// Copies source `src` of tree `from` to `dest` (absolute; a trailing `/` makes it a
/// directory) in `to`. The files read go into `read` (path in `from` → checksum).
pub fn copy(
    from: &Tree,
    src: &str,
    to: &mut Tree,
    dest: &str,
    o: &CopyOptions,
    read: &mut BTreeMap<String, String>,
) -> Result<(), CopyError> {
    let matches = resolve(from, src);
    if matches.is_empty() {
        if has_wildcard(src) {
            return Ok(());
        }
        return Err(CopyError::NotFound(normalize("/", src)));
    }
    let dest_is_dir = dest.ends_with('/') || dest.ends_with("/.");
    let dest_clean = normalize("/", dest);
    let dm = dir_meta(o);
    let ensure = if dest_is_dir { dest_clean.clone() } else { parent(&dest_clean).to_string() };
    if to.get(&ensure).is_none_or(|n| !n.is_dir()) {
        if to.get(&ensure).is_some() {
            let _ = to.remove(&ensure, true);
        }
        to.mkdir(&ensure, true, &dm).map_err(|e| CopyError::Other(format!("{ensure}: {}", e.message())))?;
    }
    for m in matches {
        let real = from.canonical(&m).unwrap_or(m.clone());
        let Some(node) = from.get(&real).cloned() else {
            return Err(CopyError::NotFound(m));
        };
        digests(&node, &m, read);
        let mut node = node;
        if o.unpack {
            if let NodeKind::File(data) = &node.kind {
                if data.len() >= 512 {
                    if let Some(tree) = crate::vfs::read_tar(data, &dm) {
                        if let Some(mut root) = tree.get("/").cloned() {
                            restamp(&mut root, &CopyOptions { keep_owner: true, ..o.clone() }, true);
                            if to.get(&dest_clean).is_none() {
                                let _ = to.mkdir(&dest_clean, true, &dm);
                            }
                            place(to, &dest_clean, root, o)?;
                            continue;
                        }
                    }
                }
            }
        }
        restamp(&mut node, o, true);
        let dest_exists_dir = to.get(&dest_clean).is_some_and(|n| n.is_dir());
        if node.is_dir() {
            if !dest_exists_dir {
                let _ = to.mkdir(&dest_clean, true, &dm);
                let meta = node.meta.clone();
                let _ = to.set_meta(&dest_clean, |x| *x = meta);
            }
            place(to, &dest_clean, node, o)?;
        } else {
            let target = if dest_exists_dir { join(&dest_clean, basename(&m)) } else { dest_clean.clone() };
            place(to, &target, node, o)?;
        }
    }
    Ok(())
}

/// `--chown`'s `user[:group]` resolved in the destination's `/etc/passwd` and `/etc/group`.
/// The error is BuildKit's.
pub fn parse_chown(spec: &str, fs: &Tree) -> Result<(u32, u32), String> {
    let read = |p: &str| match fs.get(p).map(|n| &n.kind) {
        Some(NodeKind::File(d)) => String::from_utf8_lossy(d).into_owned(),
        _ => String::new(),
    };
    let (user, group) = match spec.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (spec, None),
    };
    let passwd = read("/etc/passwd");
    let uid_of = |u: &str| -> Result<(u32, u32), String> {
        if let Ok(n) = u.parse::<u32>() {
            return Ok((n, n));
        }
        passwd
            .lines()
            .map(|l| l.split(':').collect::<Vec<_>>())
            .find(|f| f.first() == Some(&u))
            .and_then(|f| Some((f.get(2)?.parse().ok()?, f.get(3)?.parse().ok()?)))
            .ok_or_else(|| format!("unable to convert uid/gid chown string to host mapping: can't find uid for user {u}: no such user: {u}"))
    };
    let (uid, primary) = uid_of(user)?;
    let gid = match group {
        None => {
            if user.parse::<u32>().is_ok() {
                uid
            } else {
                primary
            }
        }
        Some(g) => match g.parse::<u32>() {
            Ok(n) => n,
            Err(_) => read("/etc/group")
                .lines()
                .map(|l| l.split(':').collect::<Vec<_>>())
                .find(|f| f.first() == Some(&g))
                .and_then(|f| f.get(2)?.parse().ok())
                .ok_or_else(|| format!("unable to convert uid/gid chown string to host mapping: can't find gid for group {g}: no such group: {g}"))?,
        },
    };
    Ok((uid, gid))
}

/// `--chmod`: octal bits up to 07777, BuildKit's error otherwise.
pub fn parse_chmod(spec: &str) -> Result<u32, String> {
    match u32::from_str_radix(spec, 8) {
        Ok(n) if n <= 0o7777 => Ok(n),
        Ok(_) => Err(format!("invalid chmod parameter: '{spec}'. it should be octal string and between 0 and 07777")),
        Err(_) if spec.bytes().all(|b| b.is_ascii_digit()) => {
            Err(format!("invalid chmod parameter: '{spec}'. it should be octal string and between 0 and 07777"))
        }
        Err(_) => Err(format!("dockling: --chmod={spec}: symbolic modes are not simulated (use octal, e.g. 755)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> Tree {
        let m = Meta { mode: 0o644, uid: 1000, gid: 1000, mtime: SimTime(5) };
        let mut t = Tree::new(Meta { mode: 0o755, ..m.clone() });
        for (p, d) in files {
            let _ = t.mkdir(parent(p), true, &Meta { mode: 0o755, ..m.clone() });
            let _ = t.write(p, d.as_bytes(), false, &m);
        }
        t
    }

    fn run(from: &Tree, src: &str, to: &mut Tree, dest: &str) -> Result<(), CopyError> {
        copy(from, src, to, dest, &CopyOptions::default(), &mut BTreeMap::new())
    }

    #[test]
    fn files_dirs_and_wildcards() {
        let ctx = tree(&[("/app.js", "a"), ("/src/x.js", "x"), ("/src/lib/y.js", "y"), ("/b.txt", "b")]);
        let mut to = tree(&[("/etc/passwd", "root:x:0:0::/root:/bin/sh\n")]);
        run(&ctx, "app.js", &mut to, "/app/").unwrap();
        assert!(to.get("/app/app.js").is_some());
        run(&ctx, "app.js", &mut to, "/srv/main.js").unwrap();
        assert!(to.get("/srv/main.js").is_some_and(|n| !n.is_dir()));
        run(&ctx, "src", &mut to, "/code").unwrap();
        assert!(to.get("/code/x.js").is_some() && to.get("/code/lib/y.js").is_some() && to.get("/code/src").is_none());
        run(&ctx, "*.js", &mut to, "/w/").unwrap();
        assert!(to.get("/w/app.js").is_some() && to.get("/w/b.txt").is_none());
        assert_eq!(run(&ctx, "nope.txt", &mut to, "/x"), Err(CopyError::NotFound("/nope.txt".into())));
        assert_eq!(run(&ctx, "*.py", &mut to, "/x/"), Ok(()));
        assert_eq!(to.get("/app/app.js").map(|n| n.meta.uid), Some(0));
        run(&ctx, ".", &mut to, "/all").unwrap();
        assert!(to.get("/all/src/lib/y.js").is_some());
    }

    #[test]
    fn chown_and_chmod() {
        let fs = tree(&[("/etc/passwd", "root:x:0:0::/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n"), ("/etc/group", "root:x:0:\nnode:x:1000:\nstaff:x:50:\n")]);
        assert_eq!(parse_chown("node:node", &fs), Ok((1000, 1000)));
        assert_eq!(parse_chown("node", &fs), Ok((1000, 1000)));
        assert_eq!(parse_chown("1001", &fs), Ok((1001, 1001)));
        assert_eq!(parse_chown("node:staff", &fs), Ok((1000, 50)));
        assert!(parse_chown("bob", &fs).unwrap_err().ends_with("no such user: bob"));
        assert_eq!(parse_chmod("755"), Ok(0o755));
        assert!(parse_chmod("8").is_err());
    }
}

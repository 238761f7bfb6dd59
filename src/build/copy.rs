//! COPY and ADD into a file tree, with BuildKit's rules (fsutil `copy.Copy` as the Dockerfile
//! frontend calls it): wildcards per path component, a directory's contents rather than the
//! directory, a destination ending in `/` is a directory, missing parents are created, `--chown`
//! and `--chmod` (octal, or symbolic as chmod(1) has it), and ADD unpacking a local tar archive.

use std::collections::BTreeMap;

use super::context::digests;
use crate::clock::SimTime;
use crate::vfs::{basename, join, normalize, parent, Meta, Node, NodeKind, Tree};

/// How files are copied.
#[derive(Clone, Debug, Default)]
pub struct CopyOptions {
    /// `--chown` resolved to (uid, gid).
    pub chown: Option<(u32, u32)>,
    /// `--chmod`.
    pub chmod: Option<Chmod>,
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

/// Owners and modes of a copied node and everything under it; `--chmod` applies to each file's
/// and directory's own mode (not to symlinks, which Linux cannot chmod).
fn restamp(node: &mut Node, o: &CopyOptions) {
    if let Some((u, g)) = o.chown {
        node.meta.uid = u;
        node.meta.gid = g;
    } else if !o.keep_owner {
        node.meta.uid = 0;
        node.meta.gid = 0;
    }
    if let (Some(c), false) = (&o.chmod, matches!(node.kind, NodeKind::Symlink(_))) {
        node.meta.mode = c.apply(node.meta.mode, node.is_dir());
    }
    if let NodeKind::Dir(entries) = &mut node.kind {
        let entries = std::sync::Arc::make_mut(entries);
        for child in entries.values_mut() {
            restamp(child, o);
        }
    }
}

/// Directories the copy creates: an octal `--chmod`'s mode (fsutil's `MkdirAll` gets it), 0755
/// otherwise.
fn dir_meta(o: &CopyOptions) -> Meta {
    let (uid, gid) = o.chown.unwrap_or((0, 0));
    let mode = match o.chmod {
        Some(Chmod::Octal(m)) => m,
        _ => 0o755,
    };
    Meta { mode, uid, gid, mtime: o.now }
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
                    // BuildKit's `unpack`: the destination is made 0755 (with --chown); the
                    // archive's entries keep their own owners and modes, --chmod or not.
                    let unpack_dir = Meta { mode: 0o755, ..dm.clone() };
                    if let Some(tree) = crate::vfs::read_tar(data, &unpack_dir) {
                        if let Some(root) = tree.get("/").cloned() {
                            if to.get(&dest_clean).is_none() {
                                let _ = to.mkdir(&dest_clean, true, &unpack_dir);
                            }
                            place(to, &dest_clean, root, o)?;
                            continue;
                        }
                    }
                }
            }
        }
        restamp(&mut node, o);
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

/// A `--chmod` mode: octal bits, or (Dockerfile frontend 1.14 and later) a symbolic mode as
/// chmod(1) has it (`u+x`, `go-w`, `a=rX`, `u=rwx,g=rx,o=`), applied to each copied file's and
/// directory's own mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Chmod {
    Octal(u32),
    Symbolic(Vec<BitCmd>),
}

/// One operation of a symbolic mode, as github.com/tonistiigi/dchapes-mode (BSD's
/// `setmode(3)` in Go) compiles it: set (`+`), clear (`-`), set if executable or a directory
/// (`X`), or copy one class's bits to others (`u`, `g`, `o`, with [`CMD2_SET`] and
/// [`CMD2_CLEAR`] for `+`, `-` and `=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BitCmd {
    cmd: u8,
    cmd2: u8,
    bits: u16,
}

const CMD2_CLEAR: u8 = 1;
const CMD2_SET: u8 = 2;
const CMD2_GBITS: u8 = 4;
const CMD2_OBITS: u8 = 8;
const CMD2_UBITS: u8 = 16;
const IS_UID: u16 = 0o4000;
const IS_GID: u16 = 0o2000;
const IS_TXT: u16 = 0o1000;
const RWXU: u16 = 0o700;
const RWXG: u16 = 0o070;
const RWXO: u16 = 0o007;
const R_ALL: u16 = 0o444;
const W_ALL: u16 = 0o222;
const X_ALL: u16 = 0o111;
const STANDARD: u16 = IS_UID | IS_GID | RWXU | RWXG | RWXO;

/// dchapes-mode's `addcmd`, with no umask (fsutil parses with umask 0).
fn add_cmd(cmds: &mut Vec<BitCmd>, op: u8, who: u16, oparg: u16) {
    let mask = !0u16;
    match op {
        b'=' | b'+' | b'-' | b'X' => {
            let mut op = op;
            if op == b'=' {
                cmds.push(BitCmd { cmd: b'-', cmd2: 0, bits: if who != 0 { who } else { STANDARD } });
                op = b'+';
            }
            cmds.push(BitCmd { cmd: op, cmd2: 0, bits: if who != 0 { who & oparg } else { mask & oparg } });
        }
        _ => {
            let (mut cmd2, bits) = if who != 0 {
                let mut c = 0;
                for (class, flag) in [(0o400, CMD2_UBITS), (0o040, CMD2_GBITS), (0o004, CMD2_OBITS)] {
                    if who & class != 0 {
                        c |= flag;
                    }
                }
                (c, !0)
            } else {
                (CMD2_UBITS | CMD2_GBITS | CMD2_OBITS, mask)
            };
            cmd2 |= match oparg as u8 {
                b'+' => CMD2_SET,
                b'-' => CMD2_CLEAR,
                _ => CMD2_SET | CMD2_CLEAR,
            };
            cmds.push(BitCmd { cmd: op, cmd2, bits });
        }
    }
}

/// dchapes-mode's `ParseWithUmask` for a symbolic mode: comma-separated clauses of who
/// (`ugoa`), then operations (`+-=`) each with permissions (`rwxXst`) or a class to copy
/// (`ugo`). `None` is its `ErrSyntax`.
fn parse_symbolic(spec: &str) -> Option<Vec<BitCmd>> {
    let s = spec.as_bytes();
    let mut i = 0;
    let mut cmds = Vec::new();
    let mut equal_op_done = false;
    'clause: loop {
        let mut who = 0u16;
        loop {
            match s.get(i)? {
                b'a' => who |= STANDARD,
                b'u' => who |= IS_UID | RWXU,
                b'g' => who |= IS_GID | RWXG,
                b'o' => who |= RWXO,
                _ => break,
            }
            i += 1;
        }
        loop {
            let op = s[i];
            i += 1;
            match op {
                b'+' | b'-' => {}
                b'=' => equal_op_done = false,
                _ => return None,
            }
            who &= !IS_TXT;
            let (mut perm, mut perm_x) = (0u16, 0u16);
            loop {
                let b = s.get(i).copied().unwrap_or(0);
                match b {
                    b'r' => perm |= R_ALL,
                    // Set-id and sticky bits are ignored for "other" alone.
                    b's' if who == 0 || who & !RWXO != 0 => perm |= IS_UID | IS_GID,
                    b't' if who == 0 || who & !RWXO != 0 => {
                        who |= IS_TXT;
                        perm |= IS_TXT;
                    }
                    b's' | b't' => {}
                    b'w' => perm |= W_ALL,
                    b'X' if op != b'-' => perm_x = X_ALL,
                    b'X' | b'x' => perm |= X_ALL,
                    b'u' | b'g' | b'o' => {
                        if perm != 0 {
                            add_cmd(&mut cmds, op, who, perm);
                            perm = 0;
                        }
                        if op == b'=' {
                            equal_op_done = true;
                        }
                        if perm_x != 0 {
                            add_cmd(&mut cmds, b'X', who, perm_x);
                            perm_x = 0;
                        }
                        add_cmd(&mut cmds, b, who, op as u16);
                    }
                    _ => {
                        if perm != 0 || (op == b'=' && !equal_op_done) {
                            if op == b'=' {
                                equal_op_done = true;
                            }
                            add_cmd(&mut cmds, op, who, perm);
                        }
                        if perm_x != 0 {
                            add_cmd(&mut cmds, b'X', who, perm_x);
                        }
                        break;
                    }
                }
                i += 1;
            }
            match s.get(i) {
                None => break 'clause,
                Some(b',') => {
                    i += 1;
                    continue 'clause;
                }
                // Another operation for the same classes (`u+x-w`).
                Some(_) => continue,
            }
        }
    }
    Some(compress(cmds))
}

/// dchapes-mode's `compress`: each run of `+`, `-` and `X` operations becomes at most one of
/// each, in that order (`-`, `+`, `X`); class copies stay as they are.
fn compress(cmds: Vec<BitCmd>) -> Vec<BitCmd> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < cmds.len() {
        if !b"+-X".contains(&cmds[i].cmd) {
            out.push(cmds[i]);
            i += 1;
            continue;
        }
        let (mut set, mut clr, mut x) = (0u16, 0u16, 0u16);
        while let Some(c) = cmds.get(i) {
            match c.cmd {
                b'-' => {
                    clr |= c.bits;
                    set &= !c.bits;
                    x &= !c.bits;
                }
                b'+' => {
                    set |= c.bits;
                    clr &= !c.bits;
                    x &= !c.bits;
                }
                b'X' => x |= c.bits & !set,
                _ => break,
            }
            i += 1;
        }
        for (cmd, bits) in [(b'-', clr), (b'+', set), (b'X', x)] {
            if bits != 0 {
                out.push(BitCmd { cmd, cmd2: 0, bits });
            }
        }
    }
    out
}

impl Chmod {
    /// The mode a copied file or directory gets from its own `mode` (fsutil's `copyFileInfo`):
    /// an octal mode replaces it; a symbolic one changes it (`X` adds execute permission to
    /// directories and to files that some class can already execute).
    pub fn apply(&self, mode: u32, is_dir: bool) -> u32 {
        let cmds = match self {
            Chmod::Octal(m) => return (mode & !0o7777) | (m & 0o7777),
            Chmod::Symbolic(cmds) => cmds,
        };
        let old = (mode & 0o7777) as u16;
        let mut new = old;
        for c in cmds {
            let value = match c.cmd {
                b'u' => (new & RWXU) >> 6,
                b'g' => (new & RWXG) >> 3,
                b'o' => new & RWXO,
                b'+' => {
                    new |= c.bits;
                    continue;
                }
                b'-' => {
                    new &= !c.bits;
                    continue;
                }
                _ => {
                    if old & X_ALL != 0 || is_dir {
                        new |= c.bits;
                    }
                    continue;
                }
            };
            let shifts = [(CMD2_UBITS, 6), (CMD2_GBITS, 3), (CMD2_OBITS, 0)];
            if c.cmd2 & CMD2_CLEAR != 0 {
                let clear = if c.cmd2 & CMD2_SET != 0 { RWXO } else { value };
                for (flag, shift) in shifts {
                    if c.cmd2 & flag != 0 {
                        new &= !((clear << shift) & c.bits);
                    }
                }
            }
            if c.cmd2 & CMD2_SET != 0 {
                for (flag, shift) in shifts {
                    if c.cmd2 & flag != 0 {
                        new |= (value << shift) & c.bits;
                    }
                }
            }
        }
        (mode & !0o7777) | new as u32
    }
}

/// `--chmod`, as the Dockerfile frontend parses it: octal up to 07777, else a symbolic mode.
/// The errors are BuildKit's: its octal message for anything that starts with a digit (the
/// octal parser's error), `invalid syntax` for a symbolic mode that does not parse.
pub fn parse_chmod(spec: &str) -> Result<Chmod, String> {
    let non_octal = || format!("invalid chmod parameter: '{spec}'. it should be octal string and between 0 and 07777");
    if !spec.is_empty() && spec.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return match u32::from_str_radix(spec, 8) {
            Ok(n) if n <= 0o7777 => Ok(Chmod::Octal(n)),
            _ => Err(non_octal()),
        };
    }
    if spec.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(non_octal());
    }
    parse_symbolic(spec).map(Chmod::Symbolic).ok_or_else(|| "invalid syntax".to_string())
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
        assert_eq!(parse_chmod("755"), Ok(Chmod::Octal(0o755)));
        assert_eq!(parse_chmod("0000755"), Ok(Chmod::Octal(0o755)));
        let octal = |s: &str| Err(format!("invalid chmod parameter: '{s}'. it should be octal string and between 0 and 07777"));
        for bad in ["8", "17777", "0o755", "7_55", "7a", "99999999999999"] {
            assert_eq!(parse_chmod(bad), octal(bad));
        }
        for bad in ["+7", "-1", "z", "u", "go", ",", "u+x,", "u+z", "a+r,q-w", "u+x w", "ü+x"] {
            assert_eq!(parse_chmod(bad), Err("invalid syntax".to_string()), "{bad}");
        }
    }

    /// dchapes-mode's own cases (mode_test.go, umask 0), with BuildKit's fix that makes `-X`
    /// clear execute bits as Linux's chmod does.
    #[test]
    fn symbolic_modes() {
        const DIR: u32 = 0o40000;
        let cases: &[(u32, u32, &str)] = &[
            (0o777, 0o000, "="),
            (0o777, 0o777, "+"),
            (0o421, 0o421, "-"),
            (0o421, 0o1421, "+t"),
            (0o1421, 0o421, "-t"),
            (0o000, 0o400, "u+r"),
            (0o000, 0o100, "u+x"),
            (0o000, 0o000, "u+X"),
            (0o001, 0o101, "u+X"),
            (DIR, DIR | 0o100, "u+X"),
            (0o000, 0o4000, "u+s"),
            (0o100, 0o110, "g+X"),
            (0o000, 0o2000, "g+s"),
            (0o000, 0o000, "o+s"),
            (0o000, 0o444, "+r"),
            (0o000, 0o222, "+w"),
            (0o000, 0o000, "+X"),
            (0o010, 0o111, "+X"),
            (DIR, DIR | 0o111, "+X"),
            (0o000, 0o6000, "+s"),
            (0o777, 0o333, "-r"),
            (0o777, 0o666, "-X"),
            (DIR | 0o777, DIR | 0o666, "-X"),
            (0o777, 0o677, "u-X"),
            (0o6777, 0o777, "-s"),
            (0o4777, 0o777, "u-s"),
            (0o000, 0o600, "u=rw"),
            (0o777, 0o677, "u=rw"),
            (0o777, 0o077, "u="),
            (0o777, 0o666, "=rw"),
            (0o042, 0o442, "u=g"),
            (0o742, 0o442, "u=g"),
            (0o722, 0o022, "u=g-w"),
            (0o772, 0o572, "u=g-w"),
            (0o021, 0o121, "u+o"),
            (0o021, 0o321, "u+go"),
            (0o000, 0o764, "a=r,ug=rw,u+x"),
            (0o777, 0o764, "a=r,ug=rw,u+x"),
            (0o000, 0o1624, "o+r,g+w,a+t,g-s,u+og"),
            (0o2100, 0o1724, "o+r,g+w,a+t,g-s,u+og"),
            (DIR | 0o6000, DIR | 0o5624, "o+r,g+w,a+t,g-s,u+og"),
            (0o777, 0o755, "go-w"),
            (0o666, 0o666, "=rw,+X"),
            // `X` looks at the mode before the change.
            (0o766, 0o777, "=rw,+X"),
            (0o000, 0o755, "u=rwx,go=rx"),
            (0o000, 0o755, "u=rwx,go=u-w"),
            (0o777, 0o700, "go="),
            (0o670, 0o644, "go=u-w"),
            (0o370, 0o311, "go=u-w"),
            // BuildKit's integration cases (client_test.go), from a 0644 file and a 0500 directory.
            (0o644, 0o644, "go-w"),
            (0o644, 0o650, "o-rwx,g+x"),
            (0o644, 0o700, "u=rwx,g=,o="),
            (0o644, 0o646, "u+rw,g+r,o-x,o+w"),
            (DIR | 0o500, DIR | 0o511, "a+X"),
            (DIR | 0o500, DIR | 0o566, "g+rw,o+rw"),
            (DIR | 0o500, DIR | 0o755, "u=rwX,go=rX"),
            (0o644, 0o644, "u=rwX,go=rX"),
            (0o744, 0o755, "u=rwX,go=rX"),
            (0o600, 0o700, "u+x-w+w"),
        ];
        for &(from, to, spec) in cases {
            let c = parse_chmod(spec).unwrap_or_else(|e| panic!("{spec}: {e}"));
            let (mode, dir) = (from & !DIR, from & DIR != 0);
            assert_eq!(c.apply(mode, dir) | (from & DIR), to, "{spec} on {from:o}");
        }
    }

    #[test]
    fn symbolic_chmod_applies_to_each_copied_file() {
        let mut ctx = tree(&[("/bin/run.sh", "#!/bin/sh"), ("/bin/README", "r"), ("/bin/sub/x", "x")]);
        let _ = ctx.set_meta("/bin/run.sh", |m| m.mode = 0o755);
        let _ = ctx.set_meta("/bin/sub", |m| m.mode = 0o700);
        let link = Node { kind: NodeKind::Symlink("run.sh".into()), meta: Meta { mode: 0o777, uid: 0, gid: 0, mtime: SimTime(5) } };
        let _ = ctx.insert("/bin/link", link, &Meta { mode: 0o755, uid: 0, gid: 0, mtime: SimTime(5) });
        let mut to = tree(&[("/etc/passwd", "root:x:0:0::/root:/bin/sh\n")]);
        let o = CopyOptions { chmod: parse_chmod("go-w,a+X,u-w").ok(), ..CopyOptions::default() };
        copy(&ctx, "bin", &mut to, "/opt/app/tools", &o, &mut BTreeMap::new()).unwrap();
        let mode = |to: &Tree, p: &str| to.get(p).map(|n| n.meta.mode);
        assert_eq!(mode(&to, "/opt/app/tools/run.sh"), Some(0o555));
        assert_eq!(mode(&to, "/opt/app/tools/README"), Some(0o444));
        assert_eq!(mode(&to, "/opt/app/tools/sub"), Some(0o511));
        assert_eq!(mode(&to, "/opt/app/tools"), Some(0o555));
        assert_eq!(mode(&to, "/opt/app/tools/link"), Some(0o777));
        // Directories the copy creates are 0755 (an octal mode gives them its own).
        assert_eq!(mode(&to, "/opt/app"), Some(0o755));
        let o = CopyOptions { chmod: parse_chmod("700").ok(), ..CopyOptions::default() };
        copy(&ctx, "bin/README", &mut to, "/srv/new/", &o, &mut BTreeMap::new()).unwrap();
        assert_eq!((mode(&to, "/srv/new"), mode(&to, "/srv/new/README")), (Some(0o700), Some(0o700)));
    }

    #[test]
    fn unpacked_archive_keeps_its_modes_and_owners() {
        let files = tree(&[("/pkg/bin/tool", "t"), ("/pkg/README", "r")]);
        let mut tar = Vec::new();
        crate::vfs::write_tar(files.get("/").unwrap(), &mut tar);
        let mut ctx = Tree::new(Meta { mode: 0o755, uid: 0, gid: 0, mtime: SimTime(5) });
        let _ = ctx.write("/pkg.tar", &tar, false, &Meta { mode: 0o644, uid: 0, gid: 0, mtime: SimTime(5) });
        let mut to = tree(&[("/etc/passwd", "root:x:0:0::/root:/bin/sh\n")]);
        let o = CopyOptions { chmod: parse_chmod("u+x").ok(), chown: Some((7, 7)), unpack: true, ..CopyOptions::default() };
        copy(&ctx, "pkg.tar", &mut to, "/opt/", &o, &mut BTreeMap::new()).unwrap();
        let meta = |p: &str| to.get(p).map(|n| (n.meta.mode, n.meta.uid));
        assert_eq!(meta("/opt/pkg/README"), Some((0o644, 1000)));
        assert_eq!(meta("/opt/pkg/bin/tool"), Some((0o644, 1000)));
        assert_eq!(meta("/opt/pkg/bin"), Some((0o755, 1000)));
    }
}

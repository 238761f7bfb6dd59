//! `cat`, `mkdir`, `rm`, `touch`.

use super::{Env, Tools};
use crate::proc::Captured;
use crate::vfs::{normalize, NodeKind};

/// Splits options from operands (`--` ends options); unknown options are reported as the tool does.
fn split_opts<'a>(
    env: &Env,
    args: &'a [String],
    known: &str,
    cmd: &str,
    out: &mut Captured,
) -> Result<(Vec<char>, Vec<&'a String>), i32> {
    let mut opts = Vec::new();
    let mut paths = Vec::new();
    let mut only_paths = false;
    for a in args {
        if only_paths || !a.starts_with('-') || a == "-" {
            paths.push(a);
        } else if a == "--" {
            only_paths = true;
        } else if let Some(long) = a.strip_prefix("--") {
            let c = match long {
                "parents" => 'p',
                "recursive" => 'r',
                "force" => 'f',
                "verbose" => 'v',
                _ => {
                    match env.tools {
                        Tools::Gnu => out.err(&format!("{cmd}: unrecognized option '{a}'\nTry '{cmd} --help' for more information.\n")),
                        Tools::Busybox => out.err(&format!("{cmd}: unrecognized option '{long}'\n")),
                    }
                    return Err(1);
                }
            };
            opts.push(c);
        } else {
            for c in a[1..].chars() {
                if !known.contains(c) {
                    match env.tools {
                        Tools::Gnu => out.err(&format!("{cmd}: invalid option -- '{c}'\nTry '{cmd} --help' for more information.\n")),
                        Tools::Busybox => out.err(&format!("{cmd}: invalid option -- '{c}'\n")),
                    }
                    return Err(1);
                }
                opts.push(c);
            }
        }
    }
    Ok((opts, paths))
}

pub fn cat(env: &mut Env, args: &[String], out: &mut Captured) -> i32 {
    let files: Vec<&String> = args
        .iter()
        .filter(|a| !(a.starts_with('-') && a.len() > 1))
        .collect();
    if files.is_empty() {
        out.out(env.stdin);
        return 0;
    }
    let mut status = 0;
    for f in files {
        if f == "-" {
            out.out(env.stdin);
            continue;
        }
        let path = normalize(env.cwd, f);
        match env.fs.get(&path).map(|n| &n.kind) {
            Some(NodeKind::File(d)) => out.out(&String::from_utf8_lossy(d)),
            Some(NodeKind::Dir(_)) => {
                out.err(&format!("cat: {f}: Is a directory\n"));
                status = 1;
            }
            _ => {
                out.err(&format!("cat: {f}: No such file or directory\n"));
                status = 1;
            }
        }
    }
    status
}

pub fn mkdir(env: &mut Env, args: &[String], out: &mut Captured) -> i32 {
    let (opts, paths) = match split_opts(env, args, "pvm", "mkdir", out) {
        Ok(x) => x,
        Err(c) => return c,
    };
    if paths.is_empty() {
        match env.tools {
            Tools::Gnu => out.err("mkdir: missing operand\nTry 'mkdir --help' for more information.\n"),
            Tools::Busybox => out.err("BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: mkdir [-m MODE] [-p] DIRECTORY...\n\nCreate DIRECTORY\n\n\t-m MODE\tMode\n\t-p\tNo error if exists; make parent directories as needed\n"),
        }
        return 1;
    }
    let parents = opts.contains(&'p');
    let mut status = 0;
    for p in paths {
        let path = normalize(env.cwd, p);
        let meta = env.created(true);
        if let Err(e) = env.fs.mkdir(&path, parents, &meta) {
            match env.tools {
                Tools::Gnu => out.err(&format!(
                    "mkdir: cannot create directory ‘{p}’: {}\n",
                    e.message()
                )),
                Tools::Busybox => out.err(&format!(
                    "mkdir: can't create directory '{p}': {}\n",
                    e.message()
                )),
            }
            status = 1;
        }
    }
    status
}

pub fn rm(env: &mut Env, args: &[String], out: &mut Captured) -> i32 {
    let (opts, paths) = match split_opts(env, args, "rRfiv", "rm", out) {
        Ok(x) => x,
        Err(c) => return c,
    };
    let recursive = opts.contains(&'r') || opts.contains(&'R');
    let force = opts.contains(&'f');
    if paths.is_empty() && !force {
        out.err("rm: missing operand\nTry 'rm --help' for more information.\n");
        return 1;
    }
    let mut status = 0;
    for p in paths {
        let path = normalize(env.cwd, p);
        let gnu = env.tools == Tools::Gnu;
        match env.fs.get(&path) {
            None => {
                if !force {
                    out.err(&if gnu {
                        format!("rm: cannot remove '{p}': No such file or directory\n")
                    } else {
                        format!("rm: can't remove '{p}': No such file or directory\n")
                    });
                    status = 1;
                }
            }
            Some(n) if n.is_dir() && !recursive => {
                out.err(&if gnu {
                    format!("rm: cannot remove '{p}': Is a directory\n")
                } else {
                    format!("rm: '{p}' is a directory\n")
                });
                status = 1;
            }
            Some(_) => {
                if path == "/" || p.ends_with("/.") || p == "." || p == ".." {
                    out.err(&format!(
                        "rm: refusing to remove '.' or '..' directory: skipping '{p}'\n"
                    ));
                    status = 1;
                    continue;
                }
                if let Err(e) = env.fs.remove(&path, true) {
                    out.err(&format!("rm: cannot remove '{p}': {}\n", e.message()));
                    status = 1;
                }
            }
        }
    }
    status
}

pub fn touch(env: &mut Env, args: &[String], out: &mut Captured) -> i32 {
    if args.is_empty() {
        out.err("touch: missing file operand\nTry 'touch --help' for more information.\n");
        return 1;
    }
    let mut status = 0;
    for p in args {
        let path = normalize(env.cwd, p);
        let meta = env.created(false);
        let now = env.now;
        let r = match env.fs.get(&path) {
            Some(_) => env.fs.set_meta(&path, |m| m.mtime = now),
            None => env.fs.write(&path, b"", true, &meta),
        };
        if let Err(e) = r {
            match env.tools {
                Tools::Gnu => out.err(&format!("touch: cannot touch '{p}': {}\n", e.message())),
                Tools::Busybox => out.err(&format!("touch: {p}: {}\n", e.message())),
            }
            status = 1;
        }
    }
    status
}

pub fn rmdir(env: &mut Env, args: &[String], out: &mut Captured) -> i32 {
    let mut status = 0;
    for p in args.iter().filter(|a| !a.starts_with('-')) {
        let path = normalize(env.cwd, p);
        let err = match env.fs.get(&path) {
            None => Some("No such file or directory"),
            Some(n) if !n.is_dir() => Some("Not a directory"),
            Some(_) => env.fs.remove(&path, false).err().map(|e| e.message()),
        };
        if let Some(e) = err {
            match env.tools {
                Tools::Gnu => out.err(&format!("rmdir: failed to remove '{p}': {e}\n")),
                Tools::Busybox => out.err(&format!("rmdir: '{p}': {e}\n")),
            }
            status = 1;
        }
    }
    status
}

/// The destination path for copying/moving `src` to `dst` (into `dst` when it is a directory).
fn target_path(env: &Env, src: &str, dst: &str) -> String {
    let d = normalize(env.cwd, dst);
    match env.fs.get(&d) {
        Some(n) if n.is_dir() => crate::vfs::join(&d, crate::vfs::basename(src)),
        _ => d,
    }
}

pub fn cp(env: &mut Env, args: &[String], out: &mut Captured) -> i32 {
    let (opts, paths) = match split_opts(env, args, "rRpaf", "cp", out) {
        Ok(x) => x,
        Err(c) => return c,
    };
    let recursive = opts.iter().any(|c| matches!(c, 'r' | 'R' | 'a'));
    if paths.len() < 2 {
        out.err("cp: missing file operand\nTry 'cp --help' for more information.\n");
        return 1;
    }
    let (srcs, dst) = paths.split_at(paths.len() - 1);
    let mut status = 0;
    for s in srcs {
        let from = normalize(env.cwd, s);
        let Some(node) = env.fs.get(&from).cloned() else {
            out.err(&format!(
                "cp: cannot stat '{s}': No such file or directory\n"
            ));
            status = 1;
            continue;
        };
        if node.is_dir() && !recursive {
            out.err(&format!("cp: -r not specified; omitting directory '{s}'\n"));
            status = 1;
            continue;
        }
        let to = target_path(env, s, dst[0]);
        let dir_meta = env.meta(0o755);
        if let Err(e) = env.fs.insert(&to, node, &dir_meta) {
            let shown = if dst[0].ends_with('/') {
                format!("{}{}", dst[0], crate::vfs::basename(s))
            } else {
                to.clone()
            };
            match env.tools {
                Tools::Gnu => out.err(&format!(
                    "cp: cannot create regular file '{shown}': {}\n",
                    e.message()
                )),
                Tools::Busybox => out.err(&format!("cp: can't create '{shown}': {}\n", e.message())),
            }
            status = 1;
        }
    }
    status
}

pub fn mv(env: &mut Env, args: &[String], out: &mut Captured) -> i32 {
    let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if paths.len() < 2 {
        out.err("mv: missing file operand\nTry 'mv --help' for more information.\n");
        return 1;
    }
    let (srcs, dst) = paths.split_at(paths.len() - 1);
    let mut status = 0;
    for s in srcs {
        let from = normalize(env.cwd, s);
        let to = target_path(env, s, dst[0]);
        match env.fs.remove(&from, true) {
            Ok(node) => {
                let dir_meta = env.meta(0o755);
                let _ = env.fs.insert(&to, node, &dir_meta);
            }
            Err(_) => {
                out.err(&format!(
                    "mv: cannot stat '{s}': No such file or directory\n"
                ));
                status = 1;
            }
        }
    }
    status
}

pub fn ln(env: &mut Env, args: &[String], out: &mut Captured) -> i32 {
    let symbolic = args.iter().any(|a| a.starts_with('-') && a.contains('s'));
    let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if paths.len() != 2 {
        out.err("ln: missing file operand\nTry 'ln --help' for more information.\n");
        return 1;
    }
    let to = target_path(env, paths[0], paths[1]);
    let node = if symbolic {
        crate::vfs::Node {
            kind: NodeKind::Symlink(paths[0].to_string()),
            meta: env.meta(0o777),
        }
    } else {
        match env.fs.get(&normalize(env.cwd, paths[0])).cloned() {
            Some(n) => n,
            None => {
                out.err(&format!(
                    "ln: failed to access '{}': No such file or directory\n",
                    paths[0]
                ));
                return 1;
            }
        }
    };
    if env.fs.get(&to).is_some() {
        out.err(&format!(
            "ln: failed to create {}link '{}': File exists\n",
            if symbolic { "symbolic " } else { "hard " },
            paths[1]
        ));
        return 1;
    }
    let dir_meta = env.meta(0o755);
    let _ = env.fs.insert(&to, node, &dir_meta);
    0
}

pub fn chmod(env: &mut Env, args: &[String], out: &mut Captured) -> i32 {
    let paths: Vec<&String> = args
        .iter()
        .filter(|a| !a.starts_with('-') || a.len() == 1)
        .collect();
    let Some((mode, files)) = paths.split_first() else {
        out.err("chmod: missing operand\nTry 'chmod --help' for more information.\n");
        return 1;
    };
    let mut status = 0;
    for f in files {
        let path = normalize(env.cwd, f);
        let m = mode.to_string();
        let r = env.fs.set_meta(&path, |meta| {
            if let Ok(bits) = u32::from_str_radix(&m, 8) {
                meta.mode = bits;
            } else {
                let add = !m.contains('-');
                let mut bits = 0;
                let who = m.split(['+', '-', '=']).next().unwrap_or("");
                let what = m.rsplit(['+', '-', '=']).next().unwrap_or("");
                let mask = if who.is_empty() || who.contains('a') {
                    0o777
                } else {
                    (if who.contains('u') { 0o700 } else { 0 })
                        | (if who.contains('g') { 0o070 } else { 0 })
                        | (if who.contains('o') { 0o007 } else { 0 })
                };
                for c in what.chars() {
                    bits |= match c {
                        'r' => 0o444,
                        'w' => 0o222,
                        'x' => 0o111,
                        _ => 0,
                    };
                }
                bits &= mask;
                if add {
                    meta.mode |= bits;
                } else {
                    meta.mode &= !bits;
                }
            }
        });
        if r.is_err() {
            out.err(&format!(
                "chmod: cannot access '{f}': No such file or directory\n"
            ));
            status = 1;
        }
    }
    status
}

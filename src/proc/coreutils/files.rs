//! `cat`, `mkdir`, `rm`, `touch`.

use super::{Env, Tools};
use crate::proc::Captured;
use crate::vfs::{normalize, NodeKind};

/// Splits options from operands (`--` ends options); unknown options are reported as the tool does.
fn split_opts<'a>(env: &Env, args: &'a [String], known: &str, cmd: &str, out: &mut Captured) -> Result<(Vec<char>, Vec<&'a String>), i32> {
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
    let files: Vec<&String> = args.iter().filter(|a| !(a.starts_with('-') && a.len() > 1)).collect();
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
        let meta = env.meta(0o755);
        if let Err(e) = env.fs.mkdir(&path, parents, &meta) {
            match env.tools {
                Tools::Gnu => out.err(&format!("mkdir: cannot create directory ‘{p}’: {}\n", e.message())),
                Tools::Busybox => out.err(&format!("mkdir: can't create directory '{p}': {}\n", e.message())),
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
                out.err(&if gnu { format!("rm: cannot remove '{p}': Is a directory\n") } else { format!("rm: '{p}' is a directory\n") });
                status = 1;
            }
            Some(_) => {
                if path == "/" || p.ends_with("/.") || p == "." || p == ".." {
                    out.err(&format!("rm: refusing to remove '.' or '..' directory: skipping '{p}'\n"));
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
        let meta = env.meta(0o644);
        let now = env.now;
        let r = match env.fs.get(&path) {
            Some(_) => env.fs.set_meta(&path, |m| m.mtime = now),
            None => env.fs.write(&path, b"", true, &meta),
        };
        if let Err(e) = r {
            out.err(&format!("touch: cannot touch '{p}': {}\n", e.message()));
            status = 1;
        }
    }
    status
}

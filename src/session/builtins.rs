//! The programs of the learner's host: shell builtins, a few coreutils over the host file system,
//! and `docker`.

use super::exec::Captured;
use super::{ls, Host, HOME};
use crate::cli::{self, Attached, Ctx, Outcome};
use crate::clock::{Millis, SimTime};
use crate::vfs::{normalize, FsError, NodeKind};

/// What a program did.
#[derive(Debug)]
pub enum Run {
    Done(i32),
    /// Wait until this time, then exit 0.
    Sleep(SimTime),
    /// An attached `docker run` goes on.
    Docker(Attached),
    /// `exit`.
    Exit(i32),
}

const HELP: &str = "\
Dockling — Docker, simulated. Type docker commands as you would on a real machine.

  docker run hello-world      run your first container
  docker ps -a                list containers
  docker images               list images
  docker --help               everything docker can do

This host also has: cd, pwd, ls, cat, echo, printf, mkdir, rm, touch, sleep, clear, help, exit.
Anything Dockling does not simulate says so in one line.
";

/// Runs `argv` with the given assignments and stdin.
pub fn run(host: &mut Host, argv: &[String], assigns: &[(String, String)], stdin: &str, tty: bool, out: &mut Captured) -> Run {
    let args = &argv[1..];
    let code = match argv[0].as_str() {
        "docker" => return docker(host, argv, assigns, tty, out),
        "cd" => cd(host, args, out),
        "pwd" => {
            out.out(&format!("{}\n", host.cwd));
            0
        }
        "echo" => echo(args, out),
        "printf" => printf(args, out),
        "cat" => cat(host, args, stdin, out),
        "ls" => ls::ls(host, args, tty, out),
        "mkdir" => mkdir(host, args, out),
        "rm" => rm(host, args, out),
        "touch" => touch(host, args, out),
        "sleep" => return sleep(host, args, out),
        "clear" => {
            out.chunks.push(super::exec::Chunk::Clear);
            0
        }
        "help" => {
            out.out(HELP);
            0
        }
        "true" | ":" => 0,
        "false" => 1,
        "export" => {
            for a in args {
                if let Some((k, v)) = a.split_once('=') {
                    host.vars.insert(k.to_string(), v.to_string());
                }
            }
            0
        }
        "exit" => return Run::Exit(args.first().and_then(|a| a.parse().ok()).unwrap_or(host.status)),
        name if name.contains('/') => {
            out.err(&format!("bash: {name}: No such file or directory\n"));
            127
        }
        name => {
            out.err(&format!("bash: {name}: command not found\n"));
            127
        }
    };
    Run::Done(code)
}

fn docker(host: &mut Host, argv: &[String], _assigns: &[(String, String)], tty: bool, out: &mut Captured) -> Run {
    let mut ctx = Ctx { daemon: &mut host.daemon, now: host.now, tty, io: out };
    match cli::run(argv, &mut ctx) {
        Outcome::Done(code) => Run::Done(code),
        Outcome::Attached(a) => Run::Docker(a),
    }
}

fn cd(host: &mut Host, args: &[String], out: &mut Captured) -> i32 {
    if args.len() > 1 {
        out.err("bash: cd: too many arguments\n");
        return 1;
    }
    let target = match args.first().map(String::as_str) {
        None => host.vars.get("HOME").cloned().unwrap_or_else(|| HOME.to_string()),
        Some("-") => match &host.oldpwd {
            Some(o) => {
                out.out(&format!("{o}\n"));
                o.clone()
            }
            None => {
                out.err("bash: cd: OLDPWD not set\n");
                return 1;
            }
        },
        Some(p) => p.to_string(),
    };
    let path = normalize(&host.cwd, &target);
    match host.fs.get(&path) {
        Some(n) if n.is_dir() => {
            host.oldpwd = Some(std::mem::replace(&mut host.cwd, path));
            0
        }
        Some(_) => {
            out.err(&format!("bash: cd: {target}: Not a directory\n"));
            1
        }
        None => {
            out.err(&format!("bash: cd: {target}: No such file or directory\n"));
            1
        }
    }
}

fn echo(args: &[String], out: &mut Captured) -> i32 {
    let mut newline = true;
    let mut escapes = false;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| matches!(c, 'n' | 'e' | 'E')) {
            for c in a[1..].chars() {
                match c {
                    'n' => newline = false,
                    'e' => escapes = true,
                    _ => escapes = false,
                }
            }
            i += 1;
        } else {
            break;
        }
    }
    let mut s = args[i..].join(" ");
    if escapes {
        let (t, stop) = unescape(&s);
        s = t;
        if stop {
            newline = false;
        }
    }
    if newline {
        s.push('\n');
    }
    out.out(&s);
    0
}

/// Backslash escapes of `echo -e` / `printf %b`; the flag is set by `\c` (stop output).
fn unescape(s: &str) -> (String, bool) {
    let mut out = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some('a') => out.push('\x07'),
            Some('b') => out.push('\x08'),
            Some('e') => out.push('\x1b'),
            Some('c') => return (out, true),
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    (out, false)
}

fn printf(args: &[String], out: &mut Captured) -> i32 {
    let Some(format) = args.first() else {
        out.err("printf: usage: printf [-v var] format [arguments]\n");
        return 2;
    };
    let mut rest = args[1..].iter();
    let mut s = String::new();
    let mut status = 0;
    loop {
        let mut consumed = false;
        let chars: Vec<char> = format.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '\\' {
                let (t, _) = unescape(&chars[i..(i + 2).min(chars.len())].iter().collect::<String>());
                s.push_str(&t);
                i += 2;
                continue;
            }
            if c != '%' {
                s.push(c);
                i += 1;
                continue;
            }
            let mut j = i + 1;
            while j < chars.len() && (chars[j] == '-' || chars[j].is_ascii_digit() || chars[j] == '.') {
                j += 1;
            }
            let spec: String = chars[i + 1..j].iter().collect();
            let conv = chars.get(j).copied().unwrap_or('%');
            i = j + 1;
            if conv == '%' {
                s.push('%');
                continue;
            }
            let arg = rest.next();
            consumed |= arg.is_some();
            let arg = arg.map(String::as_str).unwrap_or("");
            let text = match conv {
                'd' | 'i' => match arg.trim().parse::<i64>() {
                    Ok(n) => n.to_string(),
                    Err(_) if arg.is_empty() => "0".into(),
                    Err(_) => {
                        out.err(&format!("bash: printf: {arg}: invalid number\n"));
                        status = 1;
                        "0".into()
                    }
                },
                'b' => unescape(arg).0,
                _ => arg.to_string(),
            };
            s.push_str(&pad(&text, &spec));
        }
        if !consumed || rest.len() == 0 {
            break;
        }
    }
    out.out(&s);
    status
}

fn pad(text: &str, spec: &str) -> String {
    let left = spec.starts_with('-');
    let width: usize = spec.trim_start_matches('-').split('.').next().and_then(|w| w.parse().ok()).unwrap_or(0);
    let len = text.chars().count();
    if len >= width {
        return text.to_string();
    }
    let fill = " ".repeat(width - len);
    if left {
        format!("{text}{fill}")
    } else {
        format!("{fill}{text}")
    }
}

fn cat(host: &mut Host, args: &[String], stdin: &str, out: &mut Captured) -> i32 {
    let files: Vec<&String> = args.iter().filter(|a| !(a.starts_with('-') && a.len() > 1)).collect();
    if files.is_empty() {
        out.out(stdin);
        return 0;
    }
    let mut status = 0;
    for f in files {
        if f == "-" {
            out.out(stdin);
            continue;
        }
        let path = normalize(&host.cwd, f);
        match host.fs.get(&path).map(|n| &n.kind) {
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

fn split_opts<'a>(args: &'a [String], known: &str, cmd: &str, out: &mut Captured) -> Result<(Vec<char>, Vec<&'a String>), i32> {
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
                "all" => 'a',
                _ => {
                    out.err(&format!("{cmd}: unrecognized option '{a}'\nTry '{cmd} --help' for more information.\n"));
                    return Err(if cmd == "ls" { 2 } else { 1 });
                }
            };
            opts.push(c);
        } else {
            for c in a[1..].chars() {
                if !known.contains(c) {
                    out.err(&format!("{cmd}: invalid option -- '{c}'\nTry '{cmd} --help' for more information.\n"));
                    return Err(if cmd == "ls" { 2 } else { 1 });
                }
                opts.push(c);
            }
        }
    }
    Ok((opts, paths))
}

fn mkdir(host: &mut Host, args: &[String], out: &mut Captured) -> i32 {
    let (opts, paths) = match split_opts(args, "pv", "mkdir", out) {
        Ok(x) => x,
        Err(c) => return c,
    };
    if paths.is_empty() {
        out.err("mkdir: missing operand\nTry 'mkdir --help' for more information.\n");
        return 1;
    }
    let parents = opts.contains(&'p');
    let mut status = 0;
    for p in paths {
        let path = normalize(&host.cwd, p);
        let meta = host.meta(0o755);
        if let Err(e) = host.fs.mkdir(&path, parents, &meta) {
            out.err(&format!("mkdir: cannot create directory ‘{p}’: {}\n", e.message()));
            status = 1;
        }
    }
    status
}

fn rm(host: &mut Host, args: &[String], out: &mut Captured) -> i32 {
    let (opts, paths) = match split_opts(args, "rRfiv", "rm", out) {
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
        let path = normalize(&host.cwd, p);
        match host.fs.get(&path) {
            None => {
                if !force {
                    out.err(&format!("rm: cannot remove '{p}': No such file or directory\n"));
                    status = 1;
                }
            }
            Some(n) if n.is_dir() && !recursive => {
                out.err(&format!("rm: cannot remove '{p}': Is a directory\n"));
                status = 1;
            }
            Some(_) => {
                if path == "/" || p.ends_with("/.") || p == "." || p == ".." {
                    out.err(&format!("rm: refusing to remove '.' or '..' directory: skipping '{p}'\n"));
                    status = 1;
                    continue;
                }
                if let Err(e) = host.fs.remove(&path, true) {
                    out.err(&format!("rm: cannot remove '{p}': {}\n", e.message()));
                    status = 1;
                }
            }
        }
    }
    status
}

fn touch(host: &mut Host, args: &[String], out: &mut Captured) -> i32 {
    if args.is_empty() {
        out.err("touch: missing file operand\nTry 'touch --help' for more information.\n");
        return 1;
    }
    let mut status = 0;
    for p in args {
        let path = normalize(&host.cwd, p);
        let meta = host.meta(0o644);
        let now = host.now;
        let r = match host.fs.get(&path) {
            Some(_) => Ok(()),
            None => host.fs.write(&path, b"", true, &meta),
        };
        let _ = now;
        if let Err(e) = r {
            let msg = if e == FsError::NotFound { "No such file or directory" } else { e.message() };
            out.err(&format!("touch: cannot touch '{p}': {msg}\n"));
            status = 1;
        }
    }
    status
}

/// `sleep NUMBER[smhd]…`: waits in virtual time.
fn sleep(host: &mut Host, args: &[String], out: &mut Captured) -> Run {
    if args.is_empty() {
        out.err("sleep: missing operand\nTry 'sleep --help' for more information.\n");
        return Run::Done(1);
    }
    let mut total_ms: f64 = 0.0;
    for a in args {
        let (num, mult) = match a.chars().last() {
            Some('s') => (&a[..a.len() - 1], 1.0),
            Some('m') => (&a[..a.len() - 1], 60.0),
            Some('h') => (&a[..a.len() - 1], 3600.0),
            Some('d') => (&a[..a.len() - 1], 86400.0),
            _ => (a.as_str(), 1.0),
        };
        match num.parse::<f64>() {
            Ok(n) if n >= 0.0 && n.is_finite() => total_ms += n * mult * 1000.0,
            _ => {
                out.err(&format!("sleep: invalid time interval ‘{a}’\nTry 'sleep --help' for more information.\n"));
                return Run::Done(1);
            }
        }
    }
    Run::Sleep(host.now + Millis(total_ms.round() as u64))
}

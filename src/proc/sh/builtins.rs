//! Shell builtins: `cd`, `pwd`, `echo`, `printf`, `export`, `unset`, `set`, `exit`, `true`,
//! `false`, `:`, `test`/`[`, `umask`, `shift`.

use super::{Flavor, Run, Shell, System};
use crate::proc::Captured;
use crate::vfs::{normalize, NodeKind};

/// Runs `argv` if it is a builtin; `None` otherwise.
pub fn run<S: System>(
    sh: &mut Shell,
    sys: &mut S,
    argv: &[String],
    _stdin: &str,
    out: &mut Captured,
) -> Option<Run<S::Wait>> {
    let args = &argv[1..];
    let code = match argv[0].as_str() {
        "cd" => cd(sh, sys, args, out),
        "pwd" => {
            out.out(&format!("{}\n", sh.cwd));
            0
        }
        "echo" => echo(sh.flavor, args, out),
        "printf" => printf(args, out),
        "true" | ":" => 0,
        "false" => 1,
        "export" => {
            for a in args {
                match a.split_once('=') {
                    Some((k, v)) => {
                        sh.vars.insert(k.to_string(), v.to_string());
                        sh.export(k);
                    }
                    None => {
                        sh.export(a);
                    }
                }
            }
            0
        }
        "unset" => {
            for a in args {
                sh.vars.remove(a);
                sh.exported.retain(|e| e != a);
            }
            0
        }
        "set" => {
            for (i, a) in args.iter().enumerate() {
                match a.as_str() {
                    "-e" => sh.errexit = true,
                    "+e" => sh.errexit = false,
                    "--" => {
                        sh.args = args[i + 1..].to_vec();
                        break;
                    }
                    o if o.starts_with('-') || o.starts_with('+') => {}
                    _ => {
                        sh.args = args[i..].to_vec();
                        break;
                    }
                }
            }
            0
        }
        "exit" => {
            let code = match args.first() {
                None => sh.status,
                Some(a) => match a.parse::<i64>() {
                    Ok(n) => (n & 0xff) as i32,
                    Err(_) => {
                        out.err(
                            &sh.builtin_error("exit", &format!("{a}: numeric argument required")),
                        );
                        2
                    }
                },
            };
            return Some(Run::Exit(code));
        }
        "kill" => kill(sh, sys, args, out),
        "shift" => return Some(shift(sh, args, out)),
        "return" => return Some(ret(sh, args, out)),
        "local" => return Some(local(sh, args, out)),
        "umask" => umask(sh, args, out),
        "command" => command(sh, sys, args, out),
        "test" => test(sh, sys, args, out),
        "[" => {
            if args.last().map(String::as_str) != Some("]") {
                out.err(&sh.builtin_error("[", "missing `]'"));
                2
            } else {
                test(sh, sys, &args[..args.len() - 1], out)
            }
        }
        _ => return None,
    };
    Some(Run::Done(code))
}

/// `return [N]`: the status of a function (the jump out of it is compiled in). Outside a
/// function bash complains and goes on; dash and BusyBox end a script with it.
fn ret<W>(sh: &mut Shell, args: &[String], out: &mut Captured) -> Run<W> {
    let code = match args.first() {
        None => sh.status,
        Some(a) => match a.parse::<i64>() {
            Ok(n) => (n & 255) as i32,
            Err(_) if sh.flavor == Flavor::Bash => {
                out.err(&sh.builtin_error("return", &format!("{a}: numeric argument required")));
                2
            }
            Err(_) => {
                out.err(&sh.builtin_error("return", &format!("Illegal number: {a}")));
                return if sh.script { Run::Exit(2) } else { Run::Done(2) };
            }
        },
    };
    if sh.frames.is_empty() {
        if sh.flavor == Flavor::Bash {
            out.err(&format!("{}: return: can only `return' from a function or sourced script\n", sh.name));
            return Run::Done(2);
        }
        if sh.script {
            return Run::Exit(code);
        }
    }
    Run::Done(code)
}

/// `local NAME[=VALUE]...`: the variable gets its old value back when the function returns.
/// bash starts a bare `local NAME` unset; dash and BusyBox keep the value it had.
fn local<W>(sh: &mut Shell, args: &[String], out: &mut Captured) -> Run<W> {
    if sh.frames.is_empty() {
        if sh.flavor == Flavor::Bash {
            out.err(&format!("{}: local: can only be used in a function\n", sh.name));
            return Run::Done(1);
        }
        out.err(&sh.builtin_error("local", "not in a function"));
        return if sh.script { Run::Exit(2) } else { Run::Done(2) };
    }
    for a in args {
        let (name, value) = match a.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (a.clone(), None),
        };
        let before = sh.vars.get(&name).cloned();
        if let Some(frame) = sh.frames.last_mut() {
            if !frame.locals.iter().any(|(n, _)| *n == name) {
                frame.locals.push((name.clone(), before));
            }
        }
        match value {
            Some(v) => {
                sh.vars.insert(name, v);
            }
            None if sh.flavor == Flavor::Bash => {
                sh.vars.remove(&name);
            }
            None => {}
        }
    }
    Run::Done(0)
}

/// `shift [N]`, checked against bash 5.2, dash 0.5.12 and BusyBox 1.35: shifting more than
/// `$#` is a quiet status 1 in bash and ash, an error that ends a dash script; a count that is
/// not a number is an error (ending dash and ash scripts).
fn shift<W>(sh: &mut Shell, args: &[String], out: &mut Captured) -> Run<W> {
    let n = match args.first() {
        None => Ok(1),
        Some(a) => a.parse::<usize>().map_err(|_| a.clone()),
    };
    let fatal = |sh: &Shell, code: i32| if sh.script && sh.flavor != Flavor::Bash { Run::Exit(code) } else { Run::Done(code) };
    match n {
        Ok(n) if n <= sh.args.len() => {
            sh.args.drain(..n);
            Run::Done(0)
        }
        Ok(_) if sh.flavor == Flavor::Dash => {
            out.err(&sh.builtin_error("shift", "can't shift that many"));
            fatal(sh, 2)
        }
        Ok(_) => Run::Done(1),
        Err(a) if sh.flavor == Flavor::Bash => {
            out.err(&sh.builtin_error("shift", &format!("{a}: numeric argument required")));
            Run::Done(1)
        }
        Err(a) => {
            out.err(&sh.builtin_error("shift", &format!("Illegal number: {a}")));
            fatal(sh, 2)
        }
    }
}

fn cd<S: System>(sh: &mut Shell, sys: &mut S, args: &[String], out: &mut Captured) -> i32 {
    if args.len() > 1 && sh.flavor == Flavor::Bash {
        out.err(&sh.builtin_error("cd", "too many arguments"));
        return 1;
    }
    let target = match args.first().map(String::as_str) {
        None => sh
            .vars
            .get("HOME")
            .cloned()
            .unwrap_or_else(|| "/".to_string()),
        Some("-") => match &sh.oldpwd {
            Some(o) => {
                out.out(&format!("{o}\n"));
                o.clone()
            }
            None => {
                out.err(&sh.builtin_error("cd", "OLDPWD not set"));
                return 1;
            }
        },
        Some(p) => p.to_string(),
    };
    let path = normalize(&sh.cwd, &target);
    match sys.fs().get(&path) {
        Some(n) if n.is_dir() => {
            sh.oldpwd = Some(std::mem::replace(&mut sh.cwd, path));
            0
        }
        other => {
            let why = if other.is_some() {
                "Not a directory"
            } else {
                "No such file or directory"
            };
            let msg = match sh.flavor {
                Flavor::Bash => sh.builtin_error("cd", &format!("{target}: {why}")),
                Flavor::Dash => format!("{}: 1: cd: can't cd to {target}\n", sh.name),
                Flavor::Ash => sh.builtin_error("cd", &format!("can't cd to {target}: {why}")),
            };
            out.err(&msg);
            if sh.flavor == Flavor::Bash {
                1
            } else {
                2
            }
        }
    }
}

fn echo(flavor: Flavor, args: &[String], out: &mut Captured) -> i32 {
    let mut newline = true;
    // dash's echo always interprets escapes.
    let mut escapes = flavor == Flavor::Dash;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| matches!(c, 'n' | 'e' | 'E'))
        {
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
pub fn unescape(s: &str) -> (String, bool) {
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
    let chars: Vec<char> = format.chars().collect();
    loop {
        let mut consumed = false;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '\\' {
                let (t, _) = unescape(
                    &chars[i..(i + 2).min(chars.len())]
                        .iter()
                        .collect::<String>(),
                );
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
            while j < chars.len()
                && (chars[j] == '-' || chars[j].is_ascii_digit() || chars[j] == '.')
            {
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
    let mut parts = spec.trim_start_matches('-').split('.');
    let width: usize = parts.next().and_then(|w| w.parse().ok()).unwrap_or(0);
    let text: String = match parts.next().and_then(|p| p.parse::<usize>().ok()) {
        Some(prec) => text.chars().take(prec).collect(),
        None => text.to_string(),
    };
    let len = text.chars().count();
    if len >= width {
        return text;
    }
    let fill = " ".repeat(width - len);
    if left {
        format!("{text}{fill}")
    } else {
        format!("{fill}{text}")
    }
}

/// `test` / `[`: files, strings, integers, `!`, `-a`, `-o`.
fn test<S: System>(sh: &Shell, sys: &mut S, args: &[String], out: &mut Captured) -> i32 {
    match eval_test(sh, sys, args) {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(msg) => {
            out.err(&sh.builtin_error("test", &msg));
            2
        }
    }
}

fn eval_test<S: System>(sh: &Shell, sys: &mut S, args: &[String]) -> Result<bool, String> {
    if let Some(i) = args.iter().position(|a| a == "-o") {
        return Ok(eval_test(sh, sys, &args[..i])? || eval_test(sh, sys, &args[i + 1..])?);
    }
    if let Some(i) = args.iter().position(|a| a == "-a") {
        if i > 0 {
            return Ok(eval_test(sh, sys, &args[..i])? && eval_test(sh, sys, &args[i + 1..])?);
        }
    }
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    match a.as_slice() {
        [] => Ok(false),
        ["!", rest @ ..] => Ok(!eval_test(sh, sys, &args[args.len() - rest.len()..])?),
        [s] => Ok(!s.is_empty()),
        [op, path] if op.len() == 2 && op.starts_with('-') => {
            let node = sys.fs().get(&normalize(&sh.cwd, path)).cloned();
            Ok(match *op {
                "-n" => !path.is_empty(),
                "-z" => path.is_empty(),
                "-e" => node.is_some(),
                "-f" => matches!(node.map(|n| n.kind), Some(NodeKind::File(_))),
                "-d" => matches!(node.map(|n| n.kind), Some(NodeKind::Dir(_))),
                "-s" => matches!(node.map(|n| n.kind), Some(NodeKind::File(d)) if !d.is_empty()),
                "-L" | "-h" => matches!(node.map(|n| n.kind), Some(NodeKind::Symlink(_))),
                "-r" | "-w" => node.is_some(),
                "-x" => node.is_some_and(|n| n.meta.mode & 0o111 != 0),
                _ => return Err(format!("{op}: unary operator expected")),
            })
        }
        [l, op, r] => {
            let int = |s: &str| {
                s.trim()
                    .parse::<i64>()
                    .map_err(|_| format!("{s}: integer expression expected"))
            };
            Ok(match *op {
                "=" | "==" => l == r,
                "!=" => l != r,
                "-eq" => int(l)? == int(r)?,
                "-ne" => int(l)? != int(r)?,
                "-lt" => int(l)? < int(r)?,
                "-le" => int(l)? <= int(r)?,
                "-gt" => int(l)? > int(r)?,
                "-ge" => int(l)? >= int(r)?,
                _ => return Err(format!("{op}: binary operator expected")),
            })
        }
        _ => Err("too many arguments".into()),
    }
}

/// The `kill` builtin: `kill [-s SIG | -SIG | -n N] PID…`.
fn kill<S: System>(sh: &mut Shell, sys: &mut S, args: &[String], out: &mut Captured) -> i32 {
    use crate::proc::Signal;
    let mut sig = Signal::Term;
    let mut i = 0;
    let bad_signal = |sh: &Shell, name: &str, out: &mut Captured| {
        let msg = match sh.flavor {
            Flavor::Bash => sh.builtin_error("kill", &format!("{name}: invalid signal specification")),
            Flavor::Dash => sh.builtin_error("kill", &format!("invalid signal number or name: {name}")),
            Flavor::Ash => format!("{}: bad signal name '{name}'\n", sh.name),
        };
        out.err(&msg);
        1
    };
    if let Some(first) = args.first() {
        if first == "-l" || first == "-L" {
            out.err("dockling: kill -l is not simulated\n");
            return 1;
        }
        if first == "-s" || first == "-n" {
            let Some(name) = args.get(1) else {
                out.err(&sh.builtin_error("kill", &format!("{first}: option requires an argument")));
                return 2;
            };
            match Signal::parse(name) {
                Some(s) => sig = s,
                None => return bad_signal(sh, name, out),
            }
            i = 2;
        } else if let Some(name) = first.strip_prefix('-').filter(|n| !n.is_empty() && *n != "-") {
            match Signal::parse(name) {
                Some(s) => sig = s,
                None => return bad_signal(sh, name, out),
            }
            i = 1;
        } else if first == "--" {
            i = 1;
        }
    }
    let pids = &args[i.min(args.len())..];
    if pids.is_empty() {
        let msg = match sh.flavor {
            Flavor::Bash => sh.builtin_error("kill", "usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]"),
            Flavor::Ash => format!("{}: you need to specify whom to kill\n", sh.name),
            Flavor::Dash => format!("{}: kill: usage: kill [-s sigspec | -signum | -sigspec] [pid | job]... or\nkill -l [exitstatus]\n", sh.name),
        };
        out.err(&msg);
        return if sh.flavor == Flavor::Bash { 2 } else { 1 };
    }
    let mut status = 0;
    for p in pids {
        let Ok(pid) = p.parse::<u32>() else {
            let msg = match sh.flavor {
                Flavor::Bash => sh.builtin_error("kill", &format!("{p}: arguments must be process or job IDs")),
                Flavor::Dash => sh.builtin_error("kill", &format!("Illegal number: {p}")),
                Flavor::Ash => format!("{}: kill: invalid number '{p}'\n", sh.name),
            };
            out.err(&msg);
            status = 1;
            continue;
        };
        if !sys.signal(pid, sig) {
            let msg = match sh.flavor {
                Flavor::Bash => sh.builtin_error("kill", &format!("({pid}) - No such process")),
                Flavor::Dash => sh.builtin_error("kill", "No such process"),
                Flavor::Ash => format!("{}: can't kill pid {pid}: No such process\n", sh.name),
            };
            out.err(&msg);
            status = 1;
        }
    }
    status
}

/// `command -v NAME…` / `command -V NAME…`: where a command comes from (a builtin's name, or its
/// path on `PATH`); 1 if one is not found. (`command NAME ARGS` runs NAME; the machine handles it.)
fn command<S: System>(sh: &mut Shell, sys: &mut S, args: &[String], out: &mut Captured) -> i32 {
    const BUILTINS: &[&str] = &[
        "cd", "pwd", "echo", "printf", "true", "false", ":", "export", "unset", "set", "exit", "test",
        "[", "kill", "command", "exec", "umask", "shift", "return", "local",
    ];
    let verbose = match args.first().map(String::as_str) {
        Some("-v") => false,
        Some("-V") => true,
        _ => return 0,
    };
    let path = sh.vars.get("PATH").cloned().unwrap_or_default();
    let mut status = 0;
    for name in &args[1..] {
        if sh.functions.contains_key(name.as_str()) {
            if verbose {
                match sh.flavor {
                    Flavor::Dash => out.out(&format!("{name} is a shell function\n")),
                    Flavor::Ash => out.out(&format!("{name} is a function\n")),
                    // bash prints the body after this line; Dockling keeps no source text of it.
                    Flavor::Bash => out.out(&format!("{name} is a function\ndockling: the function's body is not shown\n")),
                }
            } else {
                out.out(&format!("{name}\n"));
            }
            continue;
        }
        if BUILTINS.contains(&name.as_str()) {
            if verbose {
                out.out(&format!("{name} is a shell builtin\n"));
            } else {
                out.out(&format!("{name}\n"));
            }
            continue;
        }
        let found = if name.contains('/') {
            let p = normalize(&sh.cwd, name);
            sys.fs().get(&p).is_some().then(|| name.clone())
        } else {
            path.split(':')
                .filter(|d| !d.is_empty())
                .map(|d| format!("{}/{name}", d.trim_end_matches('/')))
                .find(|p| matches!(sys.fs().get(p).map(|n| &n.kind), Some(crate::vfs::NodeKind::File(_) | crate::vfs::NodeKind::Symlink(_))))
        };
        match found {
            Some(p) if verbose => out.out(&format!("{name} is {p}\n")),
            Some(p) => out.out(&format!("{p}\n")),
            None => {
                if verbose {
                    out.err(&format!("{}: command: {name}: not found\n", sh.name));
                }
                status = 1;
            }
        }
    }
    status
}

/// `u=rwx,g=rx,o=rx`: the permissions a mask leaves.
fn symbolic_mask(mask: u32) -> String {
    let allowed = !mask & 0o777;
    let part = |who: &str, shift: u32| {
        let bits = allowed >> shift & 7;
        let perms: String = [(4, 'r'), (2, 'w'), (1, 'x')].iter().filter(|(b, _)| bits & b != 0).map(|(_, c)| *c).collect();
        format!("{who}={perms}")
    };
    format!("{},{},{}", part("u", 6), part("g", 3), part("o", 0))
}

/// A symbolic mode (`u=rwx,g=rx,o=`, `g+w`, `a-x`) applied to a mask; the offending character
/// and whether it stood where an operator belongs.
fn apply_symbolic(mask: u32, mode: &str) -> Result<u32, (char, bool)> {
    let mut allowed = !mask & 0o777;
    for clause in mode.split(',') {
        let mut chars = clause.chars().peekable();
        let mut who = 0;
        while let Some(&c) = chars.peek() {
            who |= match c {
                'u' => 0o700,
                'g' => 0o070,
                'o' => 0o007,
                'a' => 0o777,
                _ => break,
            };
            chars.next();
        }
        if who == 0 {
            who = 0o777;
        }
        let op = match chars.next() {
            Some(op @ ('=' | '+' | '-')) => op,
            Some(c) => return Err((c, true)),
            None => return Err((' ', true)),
        };
        let mut bits = 0;
        for c in chars {
            bits |= match c {
                'r' => 0o444,
                'w' => 0o222,
                'x' => 0o111,
                _ => return Err((c, false)),
            };
        }
        match op {
            '=' => allowed = (allowed & !who) | (bits & who),
            '+' => allowed |= bits & who,
            _ => allowed &= !(bits & who),
        }
    }
    Ok(!allowed & 0o777)
}

/// `umask [-S] [MODE]`: prints the file-creation mask (`0022`, or `u=rwx,g=rx,o=rx` with -S) or
/// sets it from octal or symbolic MODE; bash also knows `-p` and prints the new mask after `-S MODE`.
/// Messages checked against bash 5.2, dash 0.5.12 and BusyBox 1.35.
fn umask(sh: &mut Shell, args: &[String], out: &mut Captured) -> i32 {
    let (mut symbolic, mut reusable) = (false, false);
    let mut rest = args;
    while let Some(a) = rest.first().filter(|a| a.starts_with('-') && a.len() > 1) {
        if a == "--" {
            rest = &rest[1..];
            break;
        }
        for c in a[1..].chars() {
            match c {
                'S' => symbolic = true,
                'p' if sh.flavor == Flavor::Bash => reusable = true,
                _ => {
                    let msg = match sh.flavor {
                        Flavor::Bash => format!("{}umask: usage: umask [-p] [-S] [mode]\n", sh.builtin_error("umask", &format!("-{c}: invalid option"))),
                        Flavor::Dash => sh.builtin_error("umask", &format!("Illegal option -{c}")),
                        Flavor::Ash => sh.builtin_error("umask", &format!("illegal option -{c}")),
                    };
                    out.err(&msg);
                    return 2;
                }
            }
        }
        rest = &rest[1..];
    }
    let Some(mode) = rest.first() else {
        let shown = if symbolic { symbolic_mask(sh.umask) } else { format!("{:04o}", sh.umask) };
        out.out(&if reusable { format!("umask {}{shown}\n", if symbolic { "-S " } else { "" }) } else { format!("{shown}\n") });
        return 0;
    };
    let parsed = if mode.is_empty() && sh.flavor != Flavor::Bash {
        Ok(sh.umask)
    } else if mode.starts_with(|c: char| c.is_ascii_digit()) {
        match (sh.flavor, u32::from_str_radix(mode, 8)) {
            (Flavor::Bash, Ok(m)) if m <= 0o7777 => Ok(m & 0o777),
            (Flavor::Ash, Ok(m)) if m <= 0o777 => Ok(m),
            (Flavor::Dash, Ok(m)) => Ok(m & 0o777),
            (Flavor::Bash, _) => Err(format!("{mode}: octal number out of range")),
            (Flavor::Dash, Err(_)) => Err(format!("Illegal number: {mode}")),
            (Flavor::Ash, _) => Err(format!("illegal mode: {mode}")),
        }
    } else {
        apply_symbolic(sh.umask, mode).map_err(|(c, at_op)| match sh.flavor {
            Flavor::Bash if at_op => format!("`{c}': invalid symbolic mode operator"),
            Flavor::Bash => format!("`{c}': invalid symbolic mode character"),
            Flavor::Dash => format!("Illegal mode: {mode}"),
            Flavor::Ash => format!("illegal mode: {mode}"),
        })
    };
    match parsed {
        Ok(m) => {
            sh.umask = m;
            if symbolic && sh.flavor == Flavor::Bash {
                out.out(&format!("{}\n", symbolic_mask(m)));
            }
            0
        }
        Err(msg) => {
            out.err(&sh.builtin_error("umask", &msg));
            if sh.flavor == Flavor::Bash { 1 } else { 2 }
        }
    }
}

//! Text utilities: `head`, `tail`, `grep`, `wc`, `sort`, `uniq`, `seq`, `tee`, `yes`, `basename`,
//! `dirname`.

use super::{Env, Tools};
use crate::proc::Captured;
use crate::vfs::{normalize, NodeKind};

/// The contents of the named files (or stdin), with `name: error` lines for those that fail.
fn inputs(
    env: &Env,
    cmd: &str,
    files: &[&String],
    out: &mut Captured,
) -> (Vec<(String, String)>, i32) {
    if files.is_empty() {
        return (vec![("-".into(), env.stdin.to_string())], 0);
    }
    let mut v = Vec::new();
    let mut status = 0;
    for f in files {
        if f.as_str() == "-" {
            v.push(("-".into(), env.stdin.to_string()));
            continue;
        }
        match env.fs.get(&normalize(env.cwd, f)).map(|n| &n.kind) {
            Some(NodeKind::File(d)) => {
                v.push((f.to_string(), String::from_utf8_lossy(d).into_owned()))
            }
            Some(NodeKind::Dir(_)) => {
                out.err(&format!("{cmd}: {f}: Is a directory\n"));
                status = if cmd == "grep" { 2 } else { 1 };
            }
            _ => {
                match env.tools {
                    Tools::Gnu if cmd == "head" || cmd == "tail" => out.err(&format!(
                        "{cmd}: cannot open '{f}' for reading: No such file or directory\n"
                    )),
                    _ => out.err(&format!("{cmd}: {f}: No such file or directory\n")),
                }
                status = if cmd == "grep" { 2 } else { 1 };
            }
        }
    }
    (v, status)
}

pub fn head_tail(env: &mut Env, args: &[String], out: &mut Captured, head: bool) -> i32 {
    let mut n: i64 = 10;
    let mut files = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "-n" {
            n = args
                .get(i + 1)
                .and_then(|v| v.trim_start_matches('+').parse().ok())
                .unwrap_or(10);
            i += 2;
            continue;
        } else if let Some(v) = a.strip_prefix("-n") {
            n = v.parse().unwrap_or(10);
        } else if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| c.is_ascii_digit()) {
            n = a[1..].parse().unwrap_or(10);
        } else if a == "-f" {
        } else {
            files.push(a);
        }
        i += 1;
    }
    let cmd = if head { "head" } else { "tail" };
    let (ins, status) = inputs(env, cmd, &files, out);
    let many = ins.len() > 1;
    let mut s = String::new();
    for (k, (name, text)) in ins.iter().enumerate() {
        if many {
            if k > 0 {
                s.push('\n');
            }
            s.push_str(&format!("==> {name} <==\n"));
        }
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let n = n.max(0) as usize;
        let picked: &[&str] = if head {
            &lines[..n.min(lines.len())]
        } else {
            &lines[lines.len().saturating_sub(n)..]
        };
        for l in picked {
            s.push_str(l);
        }
    }
    out.out(&s);
    status
}

/// grep's options (GNU grep 3.x and BusyBox spell the common ones alike).
#[derive(Default)]
struct GrepOpts {
    invert: bool,
    icase: bool,
    count: bool,
    number: bool,
    quiet: bool,
    extended: bool,
    fixed: bool,
    word: bool,
    line: bool,
    only: bool,
    list: Option<bool>,
    names: Option<bool>,
    silent: bool,
    /// `-A`, `-B`: they win over `-C` wherever it comes.
    after: Option<usize>,
    before: Option<usize>,
    context: usize,
    max: Option<usize>,
    patterns: Vec<String>,
}

fn grep_usage(env: &Env, out: &mut Captured) -> i32 {
    match env.tools {
        Tools::Gnu => out.err("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n"),
        Tools::Busybox => out.err("BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: grep [-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...\n"),
    }
    2
}

/// grep's long options, by the short option each spells.
const GREP_LONG: &[(&str, char)] = &[
    ("invert-match", 'v'), ("ignore-case", 'i'), ("count", 'c'), ("line-number", 'n'), ("quiet", 'q'), ("silent", 'q'),
    ("extended-regexp", 'E'), ("basic-regexp", 'G'), ("fixed-strings", 'F'), ("word-regexp", 'w'), ("line-regexp", 'x'),
    ("only-matching", 'o'), ("files-with-matches", 'l'), ("files-without-match", 'L'), ("no-filename", 'h'),
    ("with-filename", 'H'), ("no-messages", 's'), ("text", 'a'), ("recursive", 'r'), ("dereference-recursive", 'R'),
    ("after-context", 'A'), ("before-context", 'B'), ("context", 'C'), ("regexp", 'e'), ("max-count", 'm'),
    ("perl-regexp", 'P'), ("file", 'f'), ("null-data", 'z'), ("null", 'Z'), ("byte-offset", 'b'), ("initial-tab", 'T'),
    ("version", 'V'),
];

/// The options that take a value.
const GREP_VALUED: &str = "ABCem";

/// Applies one option (`shown` as the learner wrote it, for messages).
fn grep_option(env: &Env, o: &mut GrepOpts, c: char, shown: &str, value: Option<String>, out: &mut Captured) -> Result<(), i32> {
    let number = |v: &str, what: &str, out: &mut Captured| -> Result<usize, i32> {
        v.parse::<usize>().map_err(|_| {
            out.err(&format!("grep: {v}: invalid {what} argument\n"));
            2
        })
    };
    let v = value.unwrap_or_default();
    match c {
        'v' => o.invert = true,
        'i' | 'y' => o.icase = true,
        'c' => o.count = true,
        'n' => o.number = true,
        'q' => o.quiet = true,
        'E' => o.extended = true,
        'G' => o.extended = false,
        'F' => o.fixed = true,
        'w' => o.word = true,
        'x' => o.line = true,
        'o' => o.only = true,
        'l' => o.list = Some(true),
        'L' => o.list = Some(false),
        'h' => o.names = Some(false),
        'H' => o.names = Some(true),
        's' => o.silent = true,
        'a' | 'I' | 'U' => {}
        'e' => o.patterns.push(v),
        'm' => o.max = Some(number(&v, "max count", out)?),
        'A' => o.after = Some(number(&v, "context length", out)?),
        'B' => o.before = Some(number(&v, "context length", out)?),
        'C' => o.context = number(&v, "context length", out)?,
        'r' | 'R' => {
            out.err("dockling: grep -r is not simulated (name the files instead)\n");
            return Err(2);
        }
        // Real options of GNU grep (and -f, -z of BusyBox's) that are not simulated.
        'P' | 'f' | 'z' | 'Z' | 'b' | 'D' | 'd' | 'T' | 'V' | 'u' if env.tools == Tools::Gnu || matches!(c, 'f' | 'z') => {
            out.err(&format!("dockling: grep {shown} is not simulated\n"));
            return Err(2);
        }
        _ => {
            out.err(&format!("grep: invalid option -- '{c}'\n"));
            return Err(grep_usage(env, out));
        }
    }
    Ok(())
}

/// Parses grep's arguments (options anywhere before `--`, as getopt permutes them); the
/// operands, or the exit status of a usage error.
fn grep_options(env: &Env, args: &[String], o: &mut GrepOpts, out: &mut Captured) -> Result<Vec<String>, i32> {
    let mut operands = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            operands.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (name, val) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            if matches!(name, "color" | "colour" | "binary") {
                continue;
            }
            let Some(&(_, c)) = GREP_LONG.iter().find(|(n, _)| *n == name) else {
                let unsimulated = ["label", "line-buffered", "include", "exclude", "exclude-dir", "exclude-from", "devices", "directories", "binary-files", "no-ignore-case", "help"];
                if unsimulated.contains(&name) {
                    out.err(&format!("dockling: grep --{name} is not simulated\n"));
                    return Err(2);
                }
                out.err(&format!("grep: unrecognized option '{a}'\n"));
                return Err(grep_usage(env, out));
            };
            let value = if GREP_VALUED.contains(c) {
                match val.or_else(|| args.get(i).cloned().inspect(|_| i += 1)) {
                    Some(v) => Some(v),
                    None => {
                        out.err(&format!("grep: option '--{name}' requires an argument\n"));
                        return Err(grep_usage(env, out));
                    }
                }
            } else {
                None
            };
            grep_option(env, o, c, &format!("--{name}"), value, out)?;
            continue;
        }
        if a.len() < 2 || !a.starts_with('-') {
            operands.push(a.clone());
            continue;
        }
        let chars: Vec<char> = a[1..].chars().collect();
        let mut k = 0;
        while k < chars.len() {
            let c = chars[k];
            k += 1;
            let value = if GREP_VALUED.contains(c) {
                let rest: String = chars[k..].iter().collect();
                k = chars.len();
                if !rest.is_empty() {
                    Some(rest)
                } else if let Some(v) = args.get(i) {
                    i += 1;
                    Some(v.clone())
                } else {
                    out.err(&format!("grep: option requires an argument -- '{c}'\n"));
                    return Err(grep_usage(env, out));
                }
            } else {
                None
            };
            grep_option(env, o, c, &format!("-{c}"), value, out)?;
        }
    }
    Ok(operands)
}

pub fn grep(env: &mut Env, args: &[String], out: &mut Captured) -> i32 {
    let mut o = GrepOpts::default();
    let mut operands = match grep_options(env, args, &mut o, out) {
        Ok(v) => v,
        Err(code) => return code,
    };
    if o.patterns.is_empty() {
        if operands.is_empty() {
            return grep_usage(env, out);
        }
        o.patterns.push(operands.remove(0));
    }
    let files: Vec<&String> = operands.iter().collect();
    let mut ins_out = Captured::default();
    let (ins, status) = inputs(env, "grep", &files, if o.silent { &mut ins_out } else { out });
    let many = o.names.unwrap_or(files.len() > 1);
    let syntax = if o.extended || o.fixed { crate::regex::Syntax::Extended } else { crate::regex::Syntax::Basic };
    // A pattern with newlines is several patterns.
    let patterns: Vec<String> = o.patterns.iter().flat_map(|p| p.split('\n').map(str::to_string).collect::<Vec<_>>()).collect();
    let mut res = Vec::new();
    for pattern in &patterns {
        let mut source: String = if o.fixed {
            pattern.chars().flat_map(|c| if ".[]*^$\\+?(){}|".contains(c) { vec!['\\', c] } else { vec![c] }).collect()
        } else {
            pattern.clone()
        };
        let ere = matches!(syntax, crate::regex::Syntax::Extended);
        if o.word {
            source = if ere { format!("\\b({source})\\b") } else { format!("\\b\\({source}\\)\\b") };
        }
        if o.line {
            source = if ere { format!("^({source})$") } else { format!("^\\({source}\\)$") };
        }
        match crate::regex::Regex::new(&source, syntax, o.icase) {
            Ok(r) => res.push(r),
            Err(crate::regex::Error::Invalid(m)) => {
                out.err(&format!("grep: {m}\n"));
                return 2;
            }
            Err(crate::regex::Error::Unsupported(m)) => {
                out.err(&format!("dockling: grep: {m} are not simulated\n"));
                return 2;
            }
        }
    }
    // The leftmost match of any pattern at or after `from`.
    let find = |chars: &[char], from: usize| -> Option<(usize, usize)> {
        res.iter().filter_map(|r| r.find_at(chars, from).and_then(|c| c[0])).min_by_key(|(a, b)| (*a, std::cmp::Reverse(*b)))
    };
    let (after, before) = (o.after.unwrap_or(o.context), o.before.unwrap_or(o.context));
    let context = !o.count && !o.quiet && o.list.is_none() && (after > 0 || before > 0);
    let mut found = false;
    let mut s = String::new();
    let mut printed_any = false;
    for (name, text) in &ins {
        let lines: Vec<&str> = text.lines().collect();
        let mut c = 0usize;
        // The last line printed (for `--` between groups), and how many context lines are due.
        let mut last: Option<usize> = None;
        let mut due_after = 0usize;
        let prefix = |ln: usize, sep: char| -> String {
            let mut p = String::new();
            if many {
                p.push_str(name);
                p.push(sep);
            }
            if o.number {
                p.push_str(&format!("{}{sep}", ln + 1));
            }
            p
        };
        for (ln, line) in lines.iter().enumerate() {
            if o.max.is_some_and(|m| c >= m) {
                // After the last counted match only its trailing context is printed.
                if context && due_after > 0 && find(&line.chars().collect::<Vec<_>>(), 0).is_some() == o.invert {
                    s.push_str(&prefix(ln, '-'));
                    s.push_str(line);
                    s.push('\n');
                    last = Some(ln);
                    due_after -= 1;
                    continue;
                }
                break;
            }
            let chars: Vec<char> = line.chars().collect();
            let first = find(&chars, 0);
            let hit = first.is_some() != o.invert;
            if !hit {
                if context && due_after > 0 {
                    s.push_str(&prefix(ln, '-'));
                    s.push_str(line);
                    s.push('\n');
                    last = Some(ln);
                    due_after -= 1;
                }
                continue;
            }
            c += 1;
            found = true;
            if o.count || o.quiet || o.list.is_some() {
                continue;
            }
            if context {
                let from = ln.saturating_sub(before).max(last.map_or(0, |l| l + 1));
                if printed_any && last.is_none_or(|l| from > l + 1) {
                    s.push_str("--\n");
                }
                for (k, l) in lines.iter().enumerate().take(ln).skip(from) {
                    s.push_str(&prefix(k, '-'));
                    s.push_str(l);
                    s.push('\n');
                }
                due_after = after;
                last = Some(ln);
                printed_any = true;
            }
            if o.only && !o.invert {
                // -o: every non-empty match on its own line.
                let mut at = first;
                while let Some((a, b)) = at {
                    if b > a {
                        s.push_str(&prefix(ln, ':'));
                        s.extend(&chars[a..b]);
                        s.push('\n');
                    }
                    let next = if b > a { b } else { b + 1 };
                    if next > chars.len() {
                        break;
                    }
                    at = find(&chars, next);
                }
            } else {
                s.push_str(&prefix(ln, ':'));
                s.push_str(line);
                s.push('\n');
            }
        }
        match o.list {
            Some(want) if !o.quiet && (c > 0) == want => s.push_str(&format!("{name}\n")),
            Some(_) => {}
            _ if o.count && !o.quiet => {
                if many {
                    s.push_str(&format!("{name}:"));
                }
                s.push_str(&format!("{c}\n"));
            }
            _ => {}
        }
        if context && last.is_some() {
            printed_any = true;
        }
    }
    if o.list == Some(false) {
        found = ins.iter().any(|_| !s.is_empty());
    }
    if !o.quiet {
        out.out(&s);
    }
    if o.quiet && found {
        0
    } else if status != 0 {
        status
    } else if found {
        0
    } else {
        1
    }
}

pub fn wc(env: &mut Env, args: &[String], out: &mut Captured) -> i32 {
    let flags: String = args
        .iter()
        .filter(|a| a.starts_with('-') && a.len() > 1)
        .map(|a| &a[1..])
        .collect();
    let files: Vec<&String> = args
        .iter()
        .filter(|a| !(a.starts_with('-') && a.len() > 1))
        .collect();
    let (ins, status) = inputs(env, "wc", &files, out);
    let (want_l, want_w, want_c) = if flags.is_empty() {
        (true, true, true)
    } else {
        (
            flags.contains('l'),
            flags.contains('w'),
            flags.contains('c') || flags.contains('m'),
        )
    };
    let counts: Vec<(String, [usize; 3])> = ins
        .iter()
        .map(|(n, t)| {
            (
                n.clone(),
                [
                    t.matches('\n').count(),
                    t.split_whitespace().count(),
                    t.len(),
                ],
            )
        })
        .collect();
    let mut rows = counts.clone();
    if counts.len() > 1 {
        let mut tot = [0; 3];
        for (_, c) in &counts {
            for k in 0..3 {
                tot[k] += c[k];
            }
        }
        rows.push(("total".into(), tot));
    }
    let only_one = [want_l, want_w, want_c].iter().filter(|x| **x).count() == 1;
    let width = if files.is_empty() && only_one {
        1
    } else if files.is_empty() {
        7
    } else {
        rows.iter()
            .flat_map(|(_, c)| c.iter())
            .map(|n| n.to_string().len())
            .max()
            .unwrap_or(1)
    };
    let mut s = String::new();
    for (name, c) in rows {
        let mut fields = Vec::new();
        for (k, want) in [want_l, want_w, want_c].iter().enumerate() {
            if *want {
                fields.push(format!("{:>width$}", c[k]));
            }
        }
        s.push_str(&fields.join(" "));
        if name != "-" {
            s.push(' ');
            s.push_str(&name);
        }
        s.push('\n');
    }
    out.out(&s);
    status
}

pub fn sort(env: &mut Env, args: &[String], out: &mut Captured) -> i32 {
    let flags: String = args
        .iter()
        .filter(|a| a.starts_with('-') && a.len() > 1)
        .map(|a| &a[1..])
        .collect();
    let files: Vec<&String> = args
        .iter()
        .filter(|a| !(a.starts_with('-') && a.len() > 1))
        .collect();
    let (ins, status) = inputs(env, "sort", &files, out);
    let mut lines: Vec<String> = ins
        .iter()
        .flat_map(|(_, t)| t.lines().map(str::to_string))
        .collect();
    if flags.contains('n') {
        crate::text::sort_by(&mut lines, &|a, b| {
            let num = |s: &str| {
                let t = s.trim();
                let (neg, digits) = match t.strip_prefix('-') {
                    Some(r) => (true, r),
                    None => (false, t),
                };
                let v = crate::text::decimal_scaled(digits, 1_000_000).map(|v| v as i128).unwrap_or(0);
                if neg {
                    -v
                } else {
                    v
                }
            };
            num(a).cmp(&num(b)).then_with(|| a.cmp(b))
        });
    } else {
        crate::text::sort(&mut lines);
    }
    if flags.contains('r') {
        lines.reverse();
    }
    if flags.contains('u') {
        lines.dedup();
    }
    out.out(&lines.iter().map(|l| format!("{l}\n")).collect::<String>());
    status
}

/// `cut -b|-c|-f LIST [-d DELIM] [-s] [--complement] [--output-delimiter=S] [FILE]...`, as GNU
/// coreutils 9.1 cuts (`-c` counts bytes, as GNU's does) with BusyBox's wording where it differs.
pub fn cut(env: &mut Env, args: &[String], out: &mut Captured) -> i32 {
    let gnu = matches!(env.tools, Tools::Gnu);
    let usage = |out: &mut Captured| {
        if gnu {
            out.err("Try 'cut --help' for more information.\n");
        }
    };
    let (mut list, mut fields, mut delim, mut only_delimited) = (None::<String>, false, '\t', false);
    let (mut complement, mut out_delim) = (false, None::<String>);
    let mut files: Vec<String> = Vec::new();
    let mut i = 0;
    let mut operands_only = false;
    // One option with its value (from the rest of its word or the next argument).
    let mut set = |flag: char, v: String, out: &mut Captured| -> Result<(), i32> {
        match flag {
            'd' => {
                let mut cs = v.chars();
                match (cs.next(), cs.next()) {
                    (Some(c), None) => delim = c,
                    _ => {
                        out.err("cut: the delimiter must be a single character\n");
                        usage(out);
                        return Err(1);
                    }
                }
            }
            'f' => {
                fields = true;
                list = Some(v);
            }
            _ => list = Some(v),
        }
        Ok(())
    };
    while i < args.len() {
        let a = args[i].clone();
        i += 1;
        if operands_only || a.len() < 2 || !a.starts_with('-') {
            files.push(a);
            continue;
        }
        if a == "--" {
            operands_only = true;
            continue;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (name, val) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let flag = match name {
                "bytes" => Some('b'),
                "characters" => Some('c'),
                "fields" => Some('f'),
                "delimiter" => Some('d'),
                "output-delimiter" => Some('O'),
                "only-delimited" => {
                    only_delimited = true;
                    None
                }
                "complement" => {
                    complement = true;
                    None
                }
                _ => {
                    out.err(&format!("cut: unrecognized option '{a}'\n"));
                    usage(out);
                    return 1;
                }
            };
            if let Some(flag) = flag {
                let v = match val.or_else(|| {
                    i += 1;
                    args.get(i - 1).cloned()
                }) {
                    Some(v) => v,
                    None => {
                        out.err(&format!("cut: option '--{name}' requires an argument\n"));
                        usage(out);
                        return 1;
                    }
                };
                if flag == 'O' {
                    out_delim = Some(v);
                } else if let Err(code) = set(flag, v, out) {
                    return code;
                }
            }
            continue;
        }
        let chars: Vec<char> = a[1..].chars().collect();
        let mut k = 0;
        while k < chars.len() {
            let c = chars[k];
            k += 1;
            match c {
                'b' | 'c' | 'f' | 'd' => {
                    let rest: String = chars[k..].iter().collect();
                    k = chars.len();
                    let v = if !rest.is_empty() {
                        rest
                    } else if let Some(v) = args.get(i) {
                        i += 1;
                        v.clone()
                    } else {
                        out.err(&format!("cut: option requires an argument -- '{c}'\n"));
                        usage(out);
                        return 1;
                    };
                    if let Err(code) = set(c, v, out) {
                        return code;
                    }
                }
                's' => only_delimited = true,
                'n' => {}
                _ => {
                    out.err(&format!("cut: invalid option -- '{c}'\n"));
                    if gnu {
                        usage(out);
                    } else {
                        out.err("BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: cut [OPTIONS] [FILE]...\n");
                    }
                    return 1;
                }
            }
        }
    }
    let Some(list) = list else {
        if gnu {
            out.err("cut: you must specify a list of bytes, characters, or fields\n");
        } else {
            out.err("cut: expected a list of bytes, characters, or fields\n");
        }
        usage(out);
        return 1;
    };
    // The ranges, 1-based and inclusive (`N`, `N-`, `-M`, `N-M`).
    let what = if fields { "fields" } else { "byte/character positions" };
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for part in list.split(',') {
        if part == "-" {
            out.err("cut: invalid range with no endpoint: -\n");
            usage(out);
            return 1;
        }
        let (a, b) = part.split_once('-').unwrap_or((part, part));
        let lo = if a.is_empty() && !part.is_empty() { Some(1) } else { a.parse::<usize>().ok() };
        let hi = if b.is_empty() && !part.is_empty() { Some(usize::MAX) } else { b.parse::<usize>().ok() };
        match (lo, hi) {
            (Some(lo), Some(hi)) if lo > 0 && lo <= hi => ranges.push((lo, hi)),
            (Some(0), _) | (_, Some(0)) | (None, None) if part.bytes().all(|c| c.is_ascii_digit() || c == b'-') => {
                out.err(&format!("cut: {what} are numbered from 1\n"));
                usage(out);
                return 1;
            }
            (Some(_), Some(_)) => {
                out.err("cut: invalid decreasing range\n");
                usage(out);
                return 1;
            }
            _ => {
                let kind = if fields { "field" } else { "byte/character position" };
                out.err(&format!("cut: invalid {kind} value '{part}'\n"));
                usage(out);
                return 1;
            }
        }
    }
    let wanted = |n: usize| ranges.iter().any(|(lo, hi)| n >= *lo && n <= *hi) != complement;
    let refs: Vec<&String> = files.iter().collect();
    let (ins, status) = inputs(env, "cut", &refs, out);
    let mut s = String::new();
    for (_, text) in &ins {
        for line in text.lines() {
            if fields {
                if !line.contains(delim) {
                    if !only_delimited {
                        s.push_str(line);
                        s.push('\n');
                    }
                    continue;
                }
                let picked: Vec<&str> = line.split(delim).enumerate().filter(|(k, _)| wanted(k + 1)).map(|(_, f)| f).collect();
                s.push_str(&picked.join(&out_delim.clone().unwrap_or_else(|| delim.to_string())));
            } else {
                let bytes: Vec<u8> = line.bytes().enumerate().filter(|(k, _)| wanted(k + 1)).map(|(_, b)| b).collect();
                s.push_str(&String::from_utf8_lossy(&bytes));
            }
            s.push('\n');
        }
    }
    out.out(&s);
    status
}

pub fn uniq(env: &mut Env, args: &[String], out: &mut Captured) -> i32 {
    let count = args.iter().any(|a| a == "-c");
    let files: Vec<&String> = args
        .iter()
        .filter(|a| !(a.starts_with('-') && a.len() > 1))
        .collect();
    let (ins, status) = inputs(env, "uniq", &files, out);
    let mut s = String::new();
    let mut prev: Option<(String, usize)> = None;
    let lines: Vec<String> = ins
        .iter()
        .flat_map(|(_, t)| t.lines().map(str::to_string))
        .collect();
    let flush = |p: &(String, usize), s: &mut String| {
        if count {
            s.push_str(&format!("{:>7} {}\n", p.1, p.0));
        } else {
            s.push_str(&format!("{}\n", p.0));
        }
    };
    for l in lines {
        match &mut prev {
            Some((p, n)) if *p == l => *n += 1,
            _ => {
                if let Some(p) = &prev {
                    flush(p, &mut s);
                }
                prev = Some((l, 1));
            }
        }
    }
    if let Some(p) = &prev {
        flush(p, &mut s);
    }
    out.out(&s);
    status
}

pub fn seq(env: &mut Env, args: &[String], out: &mut Captured) -> i32 {
    let nums: Vec<i64> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let (first, step, last) = match nums.as_slice() {
        [l] => (1, 1, *l),
        [f, l] => (*f, 1, *l),
        [f, s, l] => (*f, *s, *l),
        _ => {
            match env.tools {
                Tools::Gnu => {
                    out.err("seq: missing operand\nTry 'seq --help' for more information.\n")
                }
                Tools::Busybox => out.err("Usage: seq [-w] [-s SEP] [FIRST [INC]] LAST\n"),
            }
            return 1;
        }
    };
    if step == 0 {
        return 1;
    }
    let mut s = String::new();
    let mut i = first;
    let mut count = 0;
    while (step > 0 && i <= last) || (step < 0 && i >= last) {
        s.push_str(&format!("{i}\n"));
        i += step;
        count += 1;
        if count > 100_000 {
            break;
        }
    }
    out.out(&s);
    0
}

pub fn tee(env: &mut Env, args: &[String], out: &mut Captured) -> i32 {
    let append = args.iter().any(|a| a == "-a");
    let meta = env.created(false);
    for f in args.iter().filter(|a| !a.starts_with('-')) {
        let _ = env
            .fs
            .write(&normalize(env.cwd, f), env.stdin.as_bytes(), append, &meta);
    }
    out.out(env.stdin);
    0
}

/// `yes`: real `yes` never ends; here it prints a bounded burst and says so.
/// `yes`: pipes here hold whole outputs, so it stops after 1000 lines, as if the reader had closed
/// the pipe (SIGPIPE, 141); on a terminal it says so.
pub fn yes(tty: bool, args: &[String], out: &mut Captured) -> i32 {
    let word = if args.is_empty() {
        "y".to_string()
    } else {
        args.join(" ")
    };
    let mut s = String::new();
    for _ in 0..1000 {
        s.push_str(&word);
        s.push('\n');
    }
    out.out(&s);
    if tty {
        out.err("dockling: yes stopped after 1000 lines (endless output is not simulated)\n");
    }
    141
}

pub fn path_part(cmd: &str, args: &[String], out: &mut Captured) -> i32 {
    let Some(p) = args.first() else {
        out.err(&format!(
            "{cmd}: missing operand\nTry '{cmd} --help' for more information.\n"
        ));
        return 1;
    };
    let r = if cmd == "basename" {
        let b = crate::vfs::basename(p).to_string();
        match args.get(1) {
            Some(suffix) if b.ends_with(suffix.as_str()) && b != *suffix => {
                b[..b.len() - suffix.len()].to_string()
            }
            _ => b,
        }
    } else {
        let t = p.trim_end_matches('/');
        match t.rfind('/') {
            Some(0) => "/".into(),
            Some(i) => t[..i].to_string(),
            None => ".".into(),
        }
    };
    out.out(&format!("{r}\n"));
    0
}

/// `find [PATH…] [-name PATTERN] [-type f|d|l]`.
pub fn find(env: &mut Env, args: &[String], out: &mut Captured) -> i32 {
    let mut roots: Vec<String> = Vec::new();
    let mut name: Option<String> = None;
    let mut kind: Option<char> = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-name" | "-iname" => {
                name = args.get(i + 1).cloned();
                i += 1;
            }
            "-type" => {
                kind = args.get(i + 1).and_then(|t| t.chars().next());
                i += 1;
            }
            a if !a.starts_with('-') && name.is_none() && kind.is_none() => {
                roots.push(a.to_string())
            }
            _ => {}
        }
        i += 1;
    }
    if roots.is_empty() {
        roots.push(".".into());
    }
    let mut s = String::new();
    let mut status = 0;
    for r in roots {
        let path = normalize(env.cwd, &r);
        let Some(node) = env.fs.get(&path) else {
            out.err(&format!("find: '{r}': No such file or directory\n"));
            status = 1;
            continue;
        };
        fn walk(
            n: &crate::vfs::Node,
            shown: &str,
            name: &Option<String>,
            kind: Option<char>,
            s: &mut String,
        ) {
            let t = match n.kind {
                NodeKind::Dir(_) => 'd',
                NodeKind::File(_) => 'f',
                NodeKind::Symlink(_) => 'l',
            };
            let base = crate::vfs::basename(shown);
            let name_ok = name.as_ref().is_none_or(|p| {
                let pc: Vec<char> = p.chars().collect();
                let g: Vec<bool> = pc.iter().map(|c| matches!(c, '*' | '?')).collect();
                crate::proc::sh::expand::matches(&pc, &g, &base.chars().collect::<Vec<_>>())
            });
            if name_ok && kind.is_none_or(|k| k == t) {
                s.push_str(shown);
                s.push('\n');
            }
            if let NodeKind::Dir(entries) = &n.kind {
                for (child_name, child) in entries.iter() {
                    let p = if shown.ends_with('/') {
                        format!("{shown}{child_name}")
                    } else {
                        format!("{shown}/{child_name}")
                    };
                    walk(child, &p, name, kind, s);
                }
            }
        }
        walk(node, &r, &name, kind, &mut s);
    }
    out.out(&s);
    status
}

/// `expr`: integer arithmetic and comparisons, `length`; status 1 when the result is 0 or empty.
pub fn expr(args: &[String], out: &mut Captured) -> i32 {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let num = |s: &str| s.parse::<i64>().ok();
    let result: Result<String, String> = match a.as_slice() {
        [x] => Ok(x.to_string()),
        ["length", x] => Ok(x.chars().count().to_string()),
        [l, op, r] => match (num(l), num(r), *op) {
            (Some(x), Some(y), "+") => Ok((x + y).to_string()),
            (Some(x), Some(y), "-") => Ok((x - y).to_string()),
            (Some(x), Some(y), "*") => Ok((x * y).to_string()),
            (Some(_), Some(0), "/" | "%") => Err("expr: division by zero".into()),
            (Some(x), Some(y), "/") => Ok((x / y).to_string()),
            (Some(x), Some(y), "%") => Ok((x % y).to_string()),
            (_, _, "=") => Ok(i32::from(l == r).to_string()),
            (_, _, "!=") => Ok(i32::from(l != r).to_string()),
            (Some(x), Some(y), "<") => Ok(i32::from(x < y).to_string()),
            (Some(x), Some(y), ">") => Ok(i32::from(x > y).to_string()),
            (Some(x), Some(y), "<=") => Ok(i32::from(x <= y).to_string()),
            (Some(x), Some(y), ">=") => Ok(i32::from(x >= y).to_string()),
            (_, _, "+" | "-" | "*" | "/" | "%") => Err("expr: non-integer argument".into()),
            _ => Err("expr: syntax error".into()),
        },
        [] => Err("expr: missing operand\nTry 'expr --help' for more information.".into()),
        _ => Err("expr: syntax error".into()),
    };
    match result {
        Ok(v) => {
            out.out(&format!("{v}\n"));
            if v == "0" || v.is_empty() {
                1
            } else {
                0
            }
        }
        Err(e) => {
            out.err(&format!("{e}\n"));
            2
        }
    }
}

/// Expands `tr` sets: ranges (`a-z`) and escapes (`\n`, `\t`).
fn tr_set(s: &str) -> Vec<char> {
    let raw: Vec<char> = {
        let mut v = Vec::new();
        let mut it = s.chars().peekable();
        while let Some(c) = it.next() {
            if c == '\\' {
                match it.next() {
                    Some('n') => v.push('\n'),
                    Some('t') => v.push('\t'),
                    Some(o) => v.push(o),
                    None => v.push('\\'),
                }
            } else {
                v.push(c);
            }
        }
        v
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        if i + 2 < raw.len() && raw[i + 1] == '-' && raw[i] <= raw[i + 2] {
            for c in raw[i]..=raw[i + 2] {
                out.push(c);
            }
            i += 3;
        } else {
            out.push(raw[i]);
            i += 1;
        }
    }
    out
}

/// `tr SET1 SET2`, `tr -d SET1`, `tr -s SET1`.
pub fn tr(env: &mut Env, args: &[String], out: &mut Captured) -> i32 {
    let delete = args.iter().any(|a| a == "-d");
    let squeeze = args.iter().any(|a| a == "-s");
    let sets: Vec<Vec<char>> = args
        .iter()
        .filter(|a| !a.starts_with('-') || a.len() == 1)
        .map(|a| tr_set(a))
        .collect();
    let Some(from) = sets.first() else {
        out.err("tr: missing operand\nTry 'tr --help' for more information.\n");
        return 1;
    };
    let to = sets.get(1);
    let mut s = String::new();
    let mut last: Option<char> = None;
    for c in env.stdin.chars() {
        let mapped = match from.iter().position(|f| *f == c) {
            Some(_) if delete => continue,
            Some(i) => match to {
                Some(t) if !t.is_empty() => t[i.min(t.len() - 1)],
                _ => c,
            },
            None => c,
        };
        if squeeze && last == Some(mapped) && from.contains(&c) {
            continue;
        }
        last = Some(mapped);
        s.push(mapped);
    }
    out.out(&s);
    0
}

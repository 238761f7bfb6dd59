//! `sed`: scripts of `s`, `p`, `d`, `q` and `=` commands with line, `$` and `/re/` addresses
//! (ranges and `!` too), over basic or extended regular expressions (`crate::regex`), `-n`,
//! `-e`, `-E`/`-r`, `-i`. Commands outside that set say they are not simulated.

use super::Env;
use crate::proc::Captured;
use crate::regex::{Error as ReError, Regex, Syntax};
use crate::vfs::{normalize, NodeKind};

#[derive(Clone, Debug)]
enum Addr {
    Line(u64),
    Last,
    Re(Regex),
}

#[derive(Clone, Debug)]
enum Cmd {
    Subst { re: Regex, repl: Vec<Repl>, global: bool, nth: u32, print: bool },
    Print,
    Delete,
    Quit,
    LineNumber,
}

#[derive(Clone, Debug)]
enum Repl {
    Text(String),
    Group(usize),
}

#[derive(Clone, Debug)]
struct Command {
    from: Option<Addr>,
    to: Option<Addr>,
    negate: bool,
    cmd: Cmd,
}

/// A script error: GNU's `-e expression #N, char C: …` text, or Dockling's own line.
enum ScriptError {
    Gnu(usize, String),
    NotSimulated(String),
}

struct ScriptParser {
    s: Vec<char>,
    i: usize,
    syntax: Syntax,
}

impl ScriptParser {
    fn err<T>(&self, msg: impl Into<String>) -> Result<T, ScriptError> {
        Err(ScriptError::Gnu(self.i, msg.into()))
    }

    fn skip_blanks(&mut self) {
        while self.s.get(self.i).is_some_and(|c| c.is_whitespace() || *c == ';') {
            self.i += 1;
        }
    }

    /// Reads up to the unescaped delimiter `d`; `\d` becomes `d` (kept escaped when `d` is
    /// special to regular expressions, as GNU does), other escapes are kept.
    fn field(&mut self, d: char, what: &str) -> Result<String, ScriptError> {
        let mut out = String::new();
        loop {
            let Some(c) = self.s.get(self.i).copied() else {
                return self.err(format!("unterminated {what}"));
            };
            self.i += 1;
            if c == d {
                return Ok(out);
            }
            if c == '\\' {
                let Some(n) = self.s.get(self.i).copied() else {
                    return self.err(format!("unterminated {what}"));
                };
                self.i += 1;
                if n == d && !".*[]^$".contains(d) {
                    out.push(n);
                } else if n == 'n' {
                    out.push('\n');
                } else {
                    out.push('\\');
                    out.push(n);
                }
                continue;
            }
            if c == '\n' && what == "`s' command" {
                return self.err(format!("unterminated {what}"));
            }
            out.push(c);
        }
    }

    fn regex(&self, pattern: &str, icase: bool) -> Result<Regex, ScriptError> {
        if pattern.is_empty() {
            return Err(ScriptError::Gnu(0, "no previous regular expression".into()));
        }
        Regex::new(pattern, self.syntax, icase).map_err(|e| match e {
            ReError::Invalid(m) => ScriptError::Gnu(self.i, m.into()),
            ReError::Unsupported(m) => ScriptError::NotSimulated(format!("dockling: sed: {m} are not simulated")),
        })
    }

    fn address(&mut self) -> Result<Option<Addr>, ScriptError> {
        match self.s.get(self.i).copied() {
            Some(c) if c.is_ascii_digit() => {
                let start = self.i;
                while self.s.get(self.i).is_some_and(|c| c.is_ascii_digit()) {
                    self.i += 1;
                }
                let n: String = self.s[start..self.i].iter().collect();
                match n.parse::<u64>() {
                    Ok(0) => {
                        self.i += 1;
                        self.err("invalid usage of line address 0")
                    }
                    Ok(n) => Ok(Some(Addr::Line(n))),
                    Err(_) => self.err("invalid line address"),
                }
            }
            Some('$') => {
                self.i += 1;
                Ok(Some(Addr::Last))
            }
            Some('/') | Some('\\') => {
                let d = if self.s[self.i] == '\\' {
                    self.i += 1;
                    self.s.get(self.i).copied().unwrap_or('/')
                } else {
                    '/'
                };
                self.i += 1;
                let pat = self.field(d, "address regex")?;
                let icase = self.s.get(self.i) == Some(&'I');
                if icase {
                    self.i += 1;
                }
                Ok(Some(Addr::Re(self.regex(&pat, icase)?)))
            }
            _ => Ok(None),
        }
    }

    fn replacement(text: &str) -> Result<Vec<Repl>, ScriptError> {
        let mut parts = Vec::new();
        let mut cur = String::new();
        let mut it = text.chars();
        while let Some(c) = it.next() {
            match c {
                '&' => {
                    parts.push(Repl::Text(std::mem::take(&mut cur)));
                    parts.push(Repl::Group(0));
                }
                '\\' => match it.next() {
                    Some(d @ '0'..='9') => {
                        parts.push(Repl::Text(std::mem::take(&mut cur)));
                        parts.push(Repl::Group(d as usize - '0' as usize));
                    }
                    Some('n') => cur.push('\n'),
                    Some('t') => cur.push('\t'),
                    Some('U' | 'L' | 'u' | 'l' | 'E') => {
                        return Err(ScriptError::NotSimulated("dockling: sed: case conversion (\\U \\L \\u \\l \\E) in replacements is not simulated".into()))
                    }
                    Some(o) => cur.push(o),
                    None => cur.push('\\'),
                },
                c => cur.push(c),
            }
        }
        parts.push(Repl::Text(cur));
        Ok(parts)
    }

    fn command(&mut self) -> Result<Option<Command>, ScriptError> {
        self.skip_blanks();
        if self.i >= self.s.len() {
            return Ok(None);
        }
        let from = self.address()?;
        let mut to = None;
        if from.is_some() && self.s.get(self.i) == Some(&',') {
            self.i += 1;
            to = self.address()?;
            if to.is_none() {
                return self.err("unexpected `,'");
            }
        }
        while self.s.get(self.i).is_some_and(|c| *c == ' ') {
            self.i += 1;
        }
        let negate = self.s.get(self.i) == Some(&'!');
        if negate {
            self.i += 1;
        }
        let Some(c) = self.s.get(self.i).copied() else {
            return self.err("missing command");
        };
        self.i += 1;
        let cmd = match c {
            's' => {
                let Some(d) = self.s.get(self.i).copied() else {
                    return self.err("unterminated `s' command");
                };
                if d == '\n' || d == '\\' {
                    return self.err("unterminated `s' command");
                }
                self.i += 1;
                let pat = self.field(d, "`s' command")?;
                let repl = self.field(d, "`s' command")?;
                let (mut global, mut nth, mut print, mut icase) = (false, 1u32, false, false);
                let mut digits = String::new();
                while let Some(f) = self.s.get(self.i).copied() {
                    match f {
                        'g' => global = true,
                        'p' => print = true,
                        'i' | 'I' => icase = true,
                        '0'..='9' => digits.push(f),
                        'w' | 'e' | 'm' | 'M' => {
                            return Err(ScriptError::NotSimulated(format!("dockling: sed: the `{f}' flag of the `s' command is not simulated")))
                        }
                        ';' | '\n' | '}' | ' ' | '\t' => break,
                        _ => {
                            self.i += 1;
                            return self.err("unknown option to `s'");
                        }
                    }
                    self.i += 1;
                }
                if !digits.is_empty() {
                    nth = digits.parse().unwrap_or(u32::MAX);
                    if nth == 0 {
                        return self.err("number option to `s' command may not be zero");
                    }
                }
                let re = self.regex(&pat, icase)?;
                let repl = Self::replacement(&repl)?;
                if let Some(n) = repl.iter().find_map(|r| match r {
                    Repl::Group(n) if *n > re.groups() => Some(*n),
                    _ => None,
                }) {
                    return self.err(format!("invalid reference \\{n} on `s' command's RHS"));
                }
                Cmd::Subst { re, repl, global, nth, print }
            }
            'p' => Cmd::Print,
            'd' => Cmd::Delete,
            'q' => Cmd::Quit,
            '=' => Cmd::LineNumber,
            'a' | 'i' | 'c' | 'y' | 'n' | 'N' | 'P' | 'D' | 'h' | 'H' | 'g' | 'G' | 'x' | 'b' | 't' | 'T' | ':' | '{'
            | '}' | 'l' | 'r' | 'R' | 'w' | 'W' | 'e' | 'F' | 'z' | 'Q' | 'v' => {
                return Err(ScriptError::NotSimulated(format!("dockling: sed: the `{c}' command is not simulated (s, p, d, q and = are)")))
            }
            other => return self.err(format!("unknown command: `{other}'")),
        };
        // Only blanks, `;`, a newline or a comment may follow.
        while self.s.get(self.i).is_some_and(|c| *c == ' ' || *c == '\t') {
            self.i += 1;
        }
        match self.s.get(self.i) {
            None | Some(';') | Some('\n') => {}
            Some('}') => return self.err("unexpected `}'"),
            Some(_) => {
                self.i += 1;
                return self.err("extra characters after command");
            }
        }
        Ok(Some(Command { from, to, negate, cmd }))
    }
}

fn parse_script(exprs: &[String], syntax: Syntax) -> Result<Vec<Command>, (usize, ScriptError)> {
    let mut cmds = Vec::new();
    for (n, e) in exprs.iter().enumerate() {
        let mut p = ScriptParser { s: e.chars().collect(), i: 0, syntax };
        loop {
            match p.command() {
                Ok(Some(c)) => cmds.push(c),
                Ok(None) => break,
                Err(err) => return Err((n + 1, err)),
            }
        }
    }
    Ok(cmds)
}

fn substitute(line: &str, re: &Regex, repl: &[Repl], global: bool, nth: u32) -> Option<String> {
    let t: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let (mut pos, mut copied, mut count, mut changed) = (0usize, 0usize, 0u32, false);
    while pos <= t.len() {
        let Some(caps) = re.find_at(&t, pos) else { break };
        let Some((s, e)) = caps[0] else { break };
        count += 1;
        if count >= nth && (global || count == nth) {
            out.extend(&t[copied..s]);
            for r in repl {
                match r {
                    Repl::Text(x) => out.push_str(x),
                    Repl::Group(g) => {
                        if let Some(Some((a, b))) = caps.get(*g) {
                            out.extend(&t[*a..*b]);
                        }
                    }
                }
            }
            copied = e;
            changed = true;
            if !global {
                break;
            }
        }
        pos = if e == s { e + 1 } else { e };
    }
    if !changed {
        return None;
    }
    out.extend(&t[copied.min(t.len())..]);
    Some(out)
}

/// Runs the script over `text`; returns the output and whether `q` stopped it.
fn execute(cmds: &[Command], text: &str, quiet: bool) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut result = String::new();
    let mut in_range = vec![false; cmds.len()];
    for (idx, raw) in lines.iter().enumerate() {
        let n = idx as u64 + 1;
        let last = idx + 1 == lines.len();
        let (body, nl) = match raw.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (*raw, ""),
        };
        let mut l = body.to_string();
        let mut deleted = false;
        let mut quit = false;
        let hits = |a: &Addr, l: &str| match a {
            Addr::Line(k) => *k == n,
            Addr::Last => last,
            Addr::Re(r) => r.is_match(l),
        };
        for (ci, c) in cmds.iter().enumerate() {
            let selected = match (&c.from, &c.to) {
                (None, _) => true,
                (Some(a), None) => hits(a, &l),
                (Some(a), Some(b)) => {
                    if in_range[ci] {
                        let end = match b {
                            Addr::Line(k) => n >= *k,
                            _ => hits(b, &l),
                        };
                        if end {
                            in_range[ci] = false;
                        }
                        true
                    } else if hits(a, &l) {
                        // A range whose end is a line number at or before the start covers one line.
                        in_range[ci] = match b {
                            Addr::Line(k) => *k > n,
                            Addr::Last => !last,
                            Addr::Re(_) => true,
                        };
                        true
                    } else {
                        false
                    }
                }
            };
            if selected == c.negate {
                continue;
            }
            match &c.cmd {
                Cmd::Subst { re, repl, global, nth, print } => {
                    if let Some(new) = substitute(&l, re, repl, *global, *nth) {
                        l = new;
                        if *print {
                            result.push_str(&l);
                            result.push('\n');
                        }
                    }
                }
                Cmd::Print => {
                    result.push_str(&l);
                    result.push('\n');
                }
                Cmd::LineNumber => result.push_str(&format!("{n}\n")),
                Cmd::Delete => {
                    deleted = true;
                    break;
                }
                Cmd::Quit => {
                    quit = true;
                    break;
                }
            }
        }
        if !deleted && !quiet {
            result.push_str(&l);
            result.push_str(nl);
        }
        if quit {
            break;
        }
    }
    result
}

/// `sed [-n] [-E] [-i] [-e SCRIPT]… [SCRIPT] [FILE]…`.
pub fn sed(env: &mut Env, args: &[String], out: &mut Captured) -> i32 {
    let mut exprs: Vec<String> = Vec::new();
    let mut operands: Vec<&String> = Vec::new();
    let (mut in_place, mut quiet, mut syntax) = (false, false, Syntax::Basic);
    let mut i = 0;
    let mut options_done = false;
    while i < args.len() {
        let a = &args[i];
        if options_done || !a.starts_with('-') || a == "-" {
            operands.push(a);
            i += 1;
            continue;
        }
        match a.as_str() {
            "--" => options_done = true,
            "-e" | "--expression" => {
                let Some(e) = args.get(i + 1) else {
                    out.err("sed: option requires an argument -- 'e'\nUsage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n");
                    return 1;
                };
                exprs.push(e.clone());
                i += 1;
            }
            "-n" | "--quiet" | "--silent" => quiet = true,
            "-E" | "-r" | "--regexp-extended" => syntax = Syntax::Extended,
            "-i" | "--in-place" => in_place = true,
            "-s" | "--separate" | "--posix" | "-u" | "--unbuffered" => {}
            _ if a.starts_with("--expression=") => exprs.push(a["--expression=".len()..].to_string()),
            _ if a.starts_with("--in-place=") => in_place = true,
            _ if a.starts_with("--") => {
                out.err(&format!("sed: unrecognized option '{a}'\nUsage: sed [OPTION]... {{script-only-if-no-other-script}} [input-file]...\n"));
                return 1;
            }
            _ => {
                let flags: Vec<char> = a[1..].chars().collect();
                for (k, f) in flags.iter().enumerate() {
                    match f {
                        'n' => quiet = true,
                        'E' | 'r' => syntax = Syntax::Extended,
                        's' | 'u' => {}
                        // `-i.bak`: the rest is the backup suffix.
                        'i' => {
                            in_place = true;
                            break;
                        }
                        'e' => {
                            let rest: String = flags[k + 1..].iter().collect();
                            if rest.is_empty() {
                                match args.get(i + 1) {
                                    Some(e) => exprs.push(e.clone()),
                                    None => {
                                        out.err("sed: option requires an argument -- 'e'\n");
                                        return 1;
                                    }
                                }
                                i += 1;
                            } else {
                                exprs.push(rest);
                            }
                            break;
                        }
                        other => {
                            out.err(&format!("sed: invalid option -- '{other}'\nUsage: sed [OPTION]... {{script-only-if-no-other-script}} [input-file]...\n"));
                            return 1;
                        }
                    }
                }
            }
        }
        i += 1;
    }
    // Without -e, the first operand is the script.
    if exprs.is_empty() {
        if operands.is_empty() {
            out.err("Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n");
            return 1;
        }
        exprs.push(operands.remove(0).clone());
    }
    let files = operands;
    let cmds = match parse_script(&exprs, syntax) {
        Ok(c) => c,
        Err((n, ScriptError::Gnu(ch, msg))) => {
            out.err(&format!("sed: -e expression #{n}, char {ch}: {msg}\n"));
            return 1;
        }
        Err((_, ScriptError::NotSimulated(msg))) => {
            out.err(&format!("{msg}\n"));
            return 1;
        }
    };
    if files.is_empty() {
        if in_place {
            out.err("sed: no input files\n");
            return 1;
        }
        out.out(&execute(&cmds, env.stdin, quiet));
        return 0;
    }
    let mut status = 0;
    let mut joined = String::new();
    for f in files {
        let path = normalize(env.cwd, f);
        match env.fs.get(&path).map(|n| (&n.kind, n.meta.clone())) {
            Some((NodeKind::File(d), meta)) => {
                let text = String::from_utf8_lossy(d).into_owned();
                if in_place {
                    let new = execute(&cmds, &text, quiet);
                    let meta = crate::vfs::Meta { mtime: env.now, ..meta };
                    let _ = env.fs.write(&path, new.as_bytes(), false, &meta);
                } else {
                    joined.push_str(&text);
                }
            }
            Some((NodeKind::Dir(_), _)) => {
                out.err(&format!("sed: couldn't edit {f}: not a regular file\n"));
                status = 4;
            }
            _ => {
                out.err(&format!("sed: can't read {f}: No such file or directory\n"));
                status = 2;
            }
        }
    }
    if !in_place {
        out.out(&execute(&cmds, &joined, quiet));
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(script: &[&str], ere: bool, quiet: bool, text: &str) -> String {
        let exprs: Vec<String> = script.iter().map(|s| s.to_string()).collect();
        let cmds = parse_script(&exprs, if ere { Syntax::Extended } else { Syntax::Basic }).ok().unwrap();
        execute(&cmds, text, quiet)
    }

    #[test]
    fn substitutions() {
        assert_eq!(run(&["s/a/A/;s/b/B/"], false, false, "ab\n"), "AB\n");
        assert_eq!(run(&["s/\\[b\\]/c/"], false, false, "a [b]\n"), "a c\n");
        assert_eq!(run(&["s/o/0/2"], false, false, "foo boo\n"), "fo0 boo\n");
        assert_eq!(run(&["s/o/0/2g"], false, false, "foo boo\n"), "fo0 b00\n");
        assert_eq!(run(&["s/\\(.*\\)=\\(.*\\)/\\2=\\1/"], false, false, "k=v\n"), "v=k\n");
        assert_eq!(run(&["s/[0-9]\\+/<&>/g"], false, false, "a1b22\n"), "a<1>b<22>\n");
        assert_eq!(run(&["s/(x|y)+/z/"], true, false, "axyxb\n"), "azb\n");
        assert_eq!(run(&["s|/usr|/opt|"], false, false, "/usr/bin\n"), "/opt/bin\n");
        assert_eq!(run(&["s/x*/-/g"], false, false, "abc\n"), "-a-b-c-\n");
        assert_eq!(run(&["s/^#\\s*//"], false, false, "#  listen 80\n"), "listen 80\n");
    }

    #[test]
    fn addresses_and_commands() {
        let t = "one\ntwo\nthree\nfour\n";
        assert_eq!(run(&["2p"], false, true, t), "two\n");
        assert_eq!(run(&["/t/d"], false, false, t), "one\nfour\n");
        assert_eq!(run(&["2,3d"], false, false, t), "one\nfour\n");
        assert_eq!(run(&["$!d"], false, false, t), "four\n");
        assert_eq!(run(&["2q"], false, false, t), "one\ntwo\n");
        assert_eq!(run(&["/two/,/three/s/^/> /"], false, false, t), "one\n> two\n> three\nfour\n");
        assert_eq!(run(&["-n", "="].iter().skip(1).copied().collect::<Vec<_>>(), false, true, "a\nb\n"), "1\n2\n");
    }

    #[test]
    fn errors_read_as_gnu_sed() {
        let e = |s: &str| match parse_script(&[s.to_string()], Syntax::Basic) {
            Err((n, ScriptError::Gnu(c, m))) => format!("#{n}, char {c}: {m}"),
            Err((_, ScriptError::NotSimulated(m))) => m,
            Ok(_) => "ok".into(),
        };
        assert_eq!(e("s/a/b"), "#1, char 5: unterminated `s' command");
        assert_eq!(e("s/a/b/x"), "#1, char 7: unknown option to `s'");
        assert_eq!(e("k"), "#1, char 1: unknown command: `k'");
        assert_eq!(e("s/\\(a/b/"), "#1, char 8: Unmatched ( or \\(");
        assert!(e("y/abc/xyz/").starts_with("dockling: sed: the `y' command is not simulated"));
    }
}

//! Word expansion as BuildKit's `shell.Lex`: `$V`, `${V}`, `${V:-d}`, `${V-d}`, `${V:+x}`,
//! `${V+x}`, `${V:?msg}`, `${V?msg}`, `${V#p}`, `${V##p}`, `${V%p}`, `${V%%p}`, `${V/p/r}`,
//! `${V//p/r}`, quote removal and word splitting, with BuildKit's quirks kept.

use super::gostr::quote;

/// Looks a variable up: `Some(value)` when set (possibly empty).
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Deepest nesting of `${...}` substitutions accepted (BuildKit has no limit; we bound recursion).
const MAX_DEPTH: u32 = 100;
/// Upper bound on pattern-matching work for `#`, `%` and `/` substitutions (tokens × characters).
const MAX_MATCH_WORK: u64 = 4_000_000;

/// The lexer's options, as the fields of BuildKit's `shell.Lex`.
#[derive(Clone, Copy, Debug)]
pub struct Lexer {
    /// The escape character (`\` or `` ` ``).
    pub escape: char,
    /// Keep quote characters in the result.
    pub raw_quotes: bool,
    /// Keep escape characters in the result.
    pub raw_escapes: bool,
    /// Do not treat `'` and `"` specially.
    pub skip_process_quotes: bool,
    /// Leave references to unset variables as written.
    pub skip_unset_env: bool,
}

impl Default for Lexer {
    fn default() -> Self {
        Lexer { escape: '\\', raw_quotes: false, raw_escapes: false, skip_process_quotes: false, skip_unset_env: false }
    }
}

/// The outcome of one expansion: the word, its split form, and which names were looked up.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WordResult {
    /// The expanded word with quotes removed (`ProcessWord`).
    pub result: String,
    /// The expanded text split into words (`ProcessWords`).
    pub words: Vec<String>,
    /// Names found in the environment, in order of first use.
    pub matched: Vec<String>,
    /// Names not found, in order of first use.
    pub unmatched: Vec<String>,
}

impl Lexer {
    /// A lexer with BuildKit's defaults and the given escape character.
    pub fn new(escape: char) -> Lexer {
        Lexer { escape, ..Lexer::default() }
    }

    /// `ProcessWordWithMatches`: expands `word`; errors carry BuildKit's message.
    pub fn process(&self, word: &str, env: Env) -> Result<WordResult, String> {
        let mut sw = ShellWord {
            lex: *self,
            chars: word.chars().collect(),
            pos: 0,
            env,
            raw_escapes: self.raw_escapes,
            words_buf: String::new(),
            matched: Vec::new(),
            unmatched: Vec::new(),
            depth: 0,
        };
        // text/scanner skips a byte-order mark at the very start.
        if sw.chars.first() == Some(&'\u{feff}') {
            sw.pos = 1;
        }
        let raw = sw.raw_escapes;
        match sw.process_stop_on(None, raw) {
            Ok((result, words)) => Ok(WordResult { result, words, matched: sw.matched, unmatched: sw.unmatched }),
            Err(e) if e.starts_with("dockling: ") => Err(e),
            Err(e) => Err(format!("failed to process {}: {e}", quote(word))),
        }
    }
}

/// BuildKit's `ProcessWord` with the default lexer: one word, quotes removed.
pub fn process_word(word: &str, escape: char, env: Env) -> Result<String, String> {
    Lexer::new(escape).process(word, env).map(|r| r.result)
}

/// BuildKit's `ProcessWords` with the default lexer: the expansion split into words.
pub fn process_words(word: &str, escape: char, env: Env) -> Result<Vec<String>, String> {
    Lexer::new(escape).process(word, env).map(|r| r.words)
}

/// The variable names `word` refers to, in order of first reference (for cache keys and lints).
pub fn referenced_vars(word: &str, escape: char) -> Vec<String> {
    let none = |_: &str| None;
    let lex = Lexer { skip_unset_env: true, ..Lexer::new(escape) };
    lex.process(word, &none).map(|r| r.unmatched).unwrap_or_default()
}

struct ShellWord<'a> {
    lex: Lexer,
    chars: Vec<char>,
    pos: usize,
    env: Env<'a>,
    raw_escapes: bool,
    // Shared between nested scans as in BuildKit, where an inner `${...}` resets it.
    words_buf: String,
    matched: Vec<String>,
    unmatched: Vec<String>,
    depth: u32,
}

struct Words {
    words: Vec<String>,
    in_word: bool,
}

impl Words {
    fn add_char(&mut self, buf: &mut String, ch: char) {
        if ch.is_whitespace() {
            if self.in_word && !buf.is_empty() {
                self.words.push(std::mem::take(buf));
                self.in_word = false;
            }
        } else {
            self.add_raw_char(buf, ch);
        }
    }
    fn add_raw_char(&mut self, buf: &mut String, ch: char) {
        buf.push(ch);
        self.in_word = true;
    }
    fn add_string(&mut self, buf: &mut String, s: &str) {
        for ch in s.chars() {
            self.add_char(buf, ch);
        }
    }
    fn add_raw_string(&mut self, buf: &mut String, s: &str) {
        buf.push_str(s);
        self.in_word = true;
    }
    fn finish(mut self, buf: &mut String) -> Vec<String> {
        if !buf.is_empty() {
            self.words.push(std::mem::take(buf));
        }
        self.words
    }
}

impl ShellWord<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    /// `processStopOn`: scans until `stop` (or the end), expanding as it goes.
    fn process_stop_on(&mut self, stop: Option<char>, raw_escapes: bool) -> Result<(String, Vec<String>), String> {
        let mut result = String::new();
        self.words_buf.clear();
        let mut words = Words { words: Vec::new(), in_word: false };
        let saved = self.raw_escapes;
        self.raw_escapes = raw_escapes;
        let r = self.stop_on_loop(stop, raw_escapes, &mut result, &mut words);
        self.raw_escapes = saved;
        r?;
        let mut buf = std::mem::take(&mut self.words_buf);
        let w = words.finish(&mut buf);
        Ok((result, w))
    }

    fn stop_on_loop(&mut self, stop: Option<char>, raw_escapes: bool, result: &mut String, words: &mut Words) -> Result<(), String> {
        let quotes = !self.lex.skip_process_quotes;
        while let Some(ch) = self.peek() {
            if stop == Some(ch) {
                self.next();
                return Ok(());
            }
            let special = match ch {
                '$' => Some(self.process_dollar()?),
                '<' => Some(self.process_possible_heredoc()),
                '\'' if quotes => Some(self.process_single_quote()?),
                '"' if quotes => Some(self.process_double_quote()?),
                _ => None,
            };
            if let Some(tmp) = special {
                result.push_str(&tmp);
                let mut buf = std::mem::take(&mut self.words_buf);
                if ch == '$' {
                    words.add_string(&mut buf, &tmp);
                } else {
                    words.add_raw_string(&mut buf, &tmp);
                }
                self.words_buf = buf;
                continue;
            }
            let mut ch = ch;
            self.next();
            let mut buf = std::mem::take(&mut self.words_buf);
            if ch == self.lex.escape {
                if raw_escapes {
                    words.add_raw_char(&mut buf, ch);
                    result.push(ch);
                }
                match self.next() {
                    None => {
                        self.words_buf = buf;
                        break;
                    }
                    Some(c) => ch = c,
                }
                words.add_raw_char(&mut buf, ch);
            } else {
                words.add_char(&mut buf, ch);
            }
            self.words_buf = buf;
            result.push(ch);
        }
        match stop {
            Some(s) => Err(format!("unexpected end of statement while looking for matching {s}")),
            None => Ok(()),
        }
    }

    fn process_single_quote(&mut self) -> Result<String, String> {
        let mut result = String::new();
        let q = self.next();
        if self.lex.raw_quotes {
            result.extend(q);
        }
        loop {
            match self.next() {
                None => return Err("unexpected end of statement while looking for matching single-quote".into()),
                Some('\'') => {
                    if self.lex.raw_quotes {
                        result.push('\'');
                    }
                    return Ok(result);
                }
                Some(c) => result.push(c),
            }
        }
    }

    fn process_double_quote(&mut self) -> Result<String, String> {
        let mut result = String::new();
        let q = self.next();
        if self.lex.raw_quotes {
            result.extend(q);
        }
        loop {
            match self.peek() {
                None => return Err("unexpected end of statement while looking for matching double-quote".into()),
                Some('"') => {
                    self.next();
                    if self.lex.raw_quotes {
                        result.push('"');
                    }
                    return Ok(result);
                }
                Some('$') => {
                    let v = self.process_dollar()?;
                    result.push_str(&v);
                }
                Some(mut ch) => {
                    self.next();
                    if ch == self.lex.escape {
                        if self.raw_escapes {
                            result.push(ch);
                        }
                        match self.peek() {
                            None => continue,
                            Some(c) if c == '"' || c == '$' || c == self.lex.escape => {
                                self.next();
                                ch = c;
                            }
                            Some(_) => {}
                        }
                    }
                    result.push(ch);
                }
            }
        }
    }

    fn get_env(&mut self, name: &str) -> Option<String> {
        let v = (self.env)(name);
        let list = if v.is_some() { &mut self.matched } else { &mut self.unmatched };
        if !list.iter().any(|n| n == name) {
            list.push(name.to_string());
        }
        v
    }

    fn process_dollar(&mut self) -> Result<String, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("dockling: variable substitutions nested more than {MAX_DEPTH} levels deep"));
        }
        let r = self.dollar();
        self.depth -= 1;
        r
    }

    fn dollar(&mut self) -> Result<String, String> {
        self.next();
        if self.peek() != Some('{') {
            let name = self.process_name();
            if name.is_empty() {
                return Ok("$".into());
            }
            return Ok(match self.get_env(&name) {
                Some(v) => v,
                None if self.lex.skip_unset_env => format!("${name}"),
                None => String::new(),
            });
        }
        self.next();
        match self.peek() {
            None => return Err("syntax error: missing '}'".into()),
            Some('{' | '}' | ':') => return Err("syntax error: bad substitution".into()),
            _ => {}
        }
        let name = self.process_name();
        let first = self.next();
        let mut chs = String::from(first.unwrap_or('\u{fffd}'));
        match first {
            Some('}') => Ok(match self.get_env(&name) {
                Some(v) => v,
                None if self.lex.skip_unset_env => format!("${{{name}}}"),
                None => String::new(),
            }),
            Some(c @ (':' | '+' | '-' | '?' | '#' | '%')) => {
                let null_is_unset = c == ':';
                let mut ch = Some(c);
                if null_is_unset {
                    ch = self.next();
                    chs.push(ch.unwrap_or('\u{fffd}'));
                }
                let raw = matches!(ch, Some('#' | '%'));
                if null_is_unset && raw {
                    return Err(format!("unsupported modifier ({chs}) in substitution"));
                }
                let word = match self.process_stop_on(Some('}'), raw) {
                    Ok((w, _)) => w,
                    Err(e) if self.peek().is_none() && !e.starts_with("dockling: ") => {
                        return Err("syntax error: missing '}'".into())
                    }
                    Err(e) => return Err(e),
                };
                let value = self.get_env(&name);
                if self.lex.skip_unset_env && value.is_none() {
                    return Ok(format!("${{{name}{chs}{word}}}"));
                }
                let empty = null_is_unset && value.as_deref() == Some("");
                match ch {
                    Some('-') => Ok(match value {
                        Some(v) if !empty => v,
                        _ => word,
                    }),
                    Some('+') => Ok(if value.is_none() || empty { String::new() } else { word }),
                    Some('?') => match value {
                        None => Err(format!("{name}: {}", if word.is_empty() { "is not allowed to be unset" } else { &word })),
                        Some(_) if empty => {
                            Err(format!("{name}: {}", if word.is_empty() { "is not allowed to be empty" } else { &word }))
                        }
                        Some(v) => Ok(v),
                    },
                    Some(m @ ('%' | '#')) => {
                        let value = value.unwrap_or_default();
                        let (greedy, pat) = match word.strip_prefix(m) {
                            Some(p) => (true, p.to_string()),
                            None => (false, word),
                        };
                        if m == '%' {
                            trim_suffix(&pat, &value, greedy)
                        } else {
                            trim_prefix(&pat, &value, greedy)
                        }
                    }
                    _ => Err(format!("unsupported modifier ({chs}) in substitution")),
                }
            }
            Some('/') => {
                let all = self.peek() == Some('/');
                if all {
                    self.next();
                }
                let pattern = match self.process_stop_on(Some('/'), true) {
                    Ok((w, _)) => w,
                    Err(e) if self.peek().is_none() && !e.starts_with("dockling: ") => {
                        return Err("syntax error: missing '/' in ${}".into())
                    }
                    Err(e) => return Err(e),
                };
                let replacement = match self.process_stop_on(Some('}'), true) {
                    Ok((w, _)) => w,
                    Err(e) if self.peek().is_none() && !e.starts_with("dockling: ") => {
                        return Err("syntax error: missing '}'".into())
                    }
                    Err(e) => return Err(e),
                };
                let value = self.get_env(&name);
                if self.lex.skip_unset_env && value.is_none() {
                    return Ok(format!("${{{name}/{pattern}/{replacement}}}"));
                }
                let value = value.unwrap_or_default();
                let toks = compile_pattern(&pattern)
                    .map_err(|e| format!("invalid pattern ({pattern}) in substitution: {e}"))?;
                replace(&toks, &value, &replacement, all)
            }
            _ => Err(format!("unsupported modifier ({chs}) in substitution")),
        }
    }

    fn process_name(&mut self) -> String {
        let mut name = String::new();
        while let Some(ch) = self.peek() {
            if name.is_empty() && is_digit(ch) {
                while let Some(c) = self.peek().filter(|c| is_digit(*c)) {
                    self.next();
                    name.push(c);
                }
                return name;
            }
            if name.is_empty() && matches!(ch, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0') {
                self.next();
                return ch.to_string();
            }
            if !ch.is_alphabetic() && !is_digit(ch) && ch != '_' {
                break;
            }
            self.next();
            name.push(ch);
        }
        name
    }

    fn process_possible_heredoc(&mut self) -> String {
        self.next();
        if self.peek() != Some('<') {
            return "<".into();
        }
        self.next();
        let mut out = String::from("<<");
        while let Some(c) = self.peek().filter(|c| matches!(c, '\t' | '\r' | ' ')) {
            out.push(c);
            self.next();
        }
        out
    }
}

/// Go's `unicode.IsDigit` (decimal digits; non-ASCII numerics approximated).
fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())
}

/// One element of a shell pattern (BuildKit turns these into a regular expression).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Tok {
    Lit(char),
    Any,
    Star,
}

/// `convertShellPatternToRegex` without the regex: `*`, `?`, `\*`, `\?`, `\\`, and `\}`/`\/`.
fn compile_pattern(pattern: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let mut it = pattern.chars().peekable();
    if it.peek() == Some(&'\u{feff}') {
        it.next();
    }
    while let Some(c) = it.next() {
        match c {
            '*' => out.push(Tok::Star),
            '?' => out.push(Tok::Any),
            '\\' => {
                if matches!(it.peek(), Some('}' | '/')) {
                    continue;
                }
                match it.next() {
                    Some(t @ ('*' | '?' | '\\')) => out.push(Tok::Lit(t)),
                    t => return Err(format!("invalid escape '\\{}'", t.unwrap_or('\u{fffd}'))),
                }
            }
            c => out.push(Tok::Lit(c)),
        }
    }
    Ok(out)
}

/// A reusable matcher of `toks` over `s` with Go regexp's leftmost-first priorities (`.*`
/// greedy or lazy; `.` excludes newline). Failed (token, position) states are remembered
/// across calls, so a whole search costs at most tokens × characters steps.
struct Matcher<'t> {
    toks: &'t [Tok],
    s: Vec<char>,
    line_end: Vec<usize>,
    failed: Vec<bool>,
    greedy: bool,
}

impl<'t> Matcher<'t> {
    fn new(toks: &'t [Tok], value: &str, greedy: bool) -> Result<Matcher<'t>, String> {
        let s: Vec<char> = value.chars().collect();
        let work = (toks.len() as u64 + 1) * (s.len() as u64 + 1);
        if work > MAX_MATCH_WORK {
            return Err(format!("dockling: pattern matching limited to {MAX_MATCH_WORK} steps"));
        }
        let width = s.len() + 1;
        // line_end[p]: the first newline (or the end) at or after p; `.` never crosses it.
        let mut line_end = vec![s.len(); width];
        for p in (0..s.len()).rev() {
            line_end[p] = if s[p] == '\n' { p } else { line_end[p + 1] };
        }
        Ok(Matcher { toks, failed: vec![false; (toks.len() + 1) * width], s, line_end, greedy })
    }

    /// The end of the first match (in priority order) starting at `start`.
    fn at(&mut self, start: usize) -> Option<usize> {
        let (toks, s) = (self.toks, &self.s);
        let width = s.len() + 1;
        // Depth-first search over (token, position, next choice), no recursion.
        let mut stack: Vec<(usize, usize, usize)> = vec![(0, start, 0)];
        while let Some(&(t, p, choice)) = stack.last() {
            if t == toks.len() {
                return Some(p);
            }
            let idx = t * width + p;
            let next = match toks[t] {
                _ if self.failed[idx] => None,
                Tok::Star => {
                    let n = self.line_end[p] - p;
                    (choice <= n).then(|| p + if self.greedy { n - choice } else { choice })
                }
                Tok::Any => (choice == 0 && s.get(p).is_some_and(|&x| x != '\n')).then_some(p + 1),
                Tok::Lit(c) => (choice == 0 && s.get(p) == Some(&c)).then_some(p + 1),
            };
            match next {
                Some(np) => {
                    if let Some(top) = stack.last_mut() {
                        top.2 += 1;
                    }
                    stack.push((t + 1, np, 0));
                }
                None => {
                    self.failed[idx] = true;
                    stack.pop();
                }
            }
        }
        None
    }

    /// The leftmost match at or after `from`.
    fn find(&mut self, from: usize) -> Option<(usize, usize)> {
        (from..=self.s.len()).find_map(|st| self.at(st).map(|e| (st, e)))
    }
}

fn trim_prefix(pattern: &str, value: &str, greedy: bool) -> Result<String, String> {
    let toks = compile_pattern(pattern).map_err(|e| format!("invalid pattern ({pattern}) in substitution: {e}"))?;
    let mut m = Matcher::new(&toks, value, greedy)?;
    Ok(match m.at(0) {
        Some(end) => m.s[end..].iter().collect(),
        None => value.to_string(),
    })
}

/// BuildKit's `reversePattern`: reverses, keeping each `\x` escape pair in order.
fn reverse_pattern(pattern: &str) -> String {
    let p: Vec<char> = pattern.chars().collect();
    let n = p.len();
    let mut out = vec![' '; n];
    let mut i = 0;
    while i < n {
        let o = n - 1 - i;
        if p[i] == '\\' && i != n - 1 {
            out[o - 1] = p[i];
            out[o] = p[i + 1];
            i += 2;
        } else {
            out[o] = p[i];
            i += 1;
        }
    }
    out.into_iter().collect()
}

fn trim_suffix(pattern: &str, value: &str, greedy: bool) -> Result<String, String> {
    let rp = reverse_pattern(pattern);
    let rv: String = value.chars().rev().collect();
    Ok(trim_prefix(&rp, &rv, greedy)?.chars().rev().collect())
}

/// `ReplaceAllString` (with `$` template expansion) or a single literal replacement.
fn replace(toks: &[Tok], value: &str, repl: &str, all: bool) -> Result<String, String> {
    let mut m = Matcher::new(toks, value, true)?;
    if !all {
        return Ok(match m.find(0) {
            Some((a, b)) => {
                let mut out: String = m.s[..a].iter().collect();
                out.push_str(repl);
                out.extend(&m.s[b..]);
                out
            }
            None => value.to_string(),
        });
    }
    let mut out = String::new();
    let (mut search, mut last) = (0, 0);
    while search <= m.s.len() {
        let Some((a, b)) = m.find(search) else { break };
        out.extend(&m.s[last..a]);
        if b > last || a == 0 {
            expand_template(&mut out, repl, &m.s[a..b]);
        }
        last = b;
        search = if search + 1 > b { search + 1 } else { b };
    }
    out.extend(&m.s[last.min(m.s.len())..]);
    Ok(out)
}

/// Go's `Regexp.Expand` for a pattern without groups: `$$`, `$0`/`${0}` the match, others empty.
fn expand_template(out: &mut String, repl: &str, matched: &[char]) {
    let mut rest = repl;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        if let Some(r) = rest.strip_prefix('$') {
            out.push('$');
            rest = r;
            continue;
        }
        let is_name = |c: char| c == '_' || c.is_alphanumeric();
        let (name, after, ok) = if let Some(r) = rest.strip_prefix('{') {
            match r.find('}') {
                Some(j) if j > 0 && r[..j].chars().all(is_name) => (&r[..j], &r[j + 1..], true),
                _ => ("", rest, false),
            }
        } else {
            let j = rest.find(|c: char| !is_name(c)).unwrap_or(rest.len());
            (&rest[..j], &rest[j..], j > 0)
        };
        if !ok {
            out.push('$');
            continue;
        }
        if name.chars().all(|c| c.is_ascii_digit()) && name.parse::<u32>() == Ok(0) {
            out.extend(matched);
        }
        rest = after;
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let v: Vec<(String, String)> = pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        move |k: &str| v.iter().rev().find(|(n, _)| n == k).map(|(_, x)| x.clone())
    }

    /// BuildKit's `shell/envVarTest`, run through `ProcessWord` (Unix cases).
    #[test]
    fn env_var_test_file() {
        let env = env_of(&[("PWD", "/home"), ("SHELL", "bash"), ("KOREAN", "한국어"), ("NULL", "")]);
        let lex = Lexer::new('\\');
        let cases = include_str!("testdata/envVarTest");
        let mut n = 0;
        for line in cases.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let parts: Vec<&str> = line.trim().split('|').collect();
            assert_eq!(parts.len(), 3, "{line}");
            if parts[0].trim() == "W" {
                continue;
            }
            let (src, want) = (parts[1].trim(), parts[2].trim());
            let got = lex.process(src, &env);
            if want == "error" {
                assert!(got.is_err(), "{src:?} gave {got:?}");
            } else {
                assert_eq!(got.map(|r| r.result), Ok(want.to_string()), "{src:?}");
            }
            n += 1;
        }
        assert!(n > 200);
    }

    /// BuildKit's `shell/wordsTest`, in both of the upstream modes.
    #[test]
    fn words_test_file() {
        // Upstream reads the file once, so only its first (normal) mode runs.
        {
            let lex = Lexer::new('\\');
            let mut envs: Vec<(String, String)> = Vec::new();
            for line in include_str!("testdata/wordsTest").lines() {
                if line.starts_with('#') {
                    continue;
                }
                if let Some(e) = line.strip_prefix("ENV ") {
                    let e = e.trim_start_matches(' ');
                    let (k, v) = e.split_once('=').unwrap_or((e, ""));
                    envs.push((k.into(), v.into()));
                    continue;
                }
                let (test, expected) = line.split_once('|').expect("one |");
                let expected: Vec<&str> = expected.trim_start_matches(' ').split(',').collect();
                let env = |k: &str| envs.iter().rev().find(|(n, _)| n == k).map(|(_, v)| v.clone());
                let got = match lex.process(test.trim(), &env) {
                    Ok(r) => r.words,
                    Err(_) => vec!["error".into()],
                };
                assert_eq!(got, expected, "{test:?}");
            }
        }
    }

    #[test]
    fn mandatory_vars() {
        let lex = Lexer::new('\\');
        let set = env_of(&[("VAR", "plain"), ("ARG", "x")]);
        let empty = env_of(&[("VAR", ""), ("ARG", "x")]);
        let unset = env_of(&[("ARG", "x")]);
        assert_eq!(lex.process("${VAR:?message here$ARG}", &set).map(|r| r.result), Ok("plain".into()));
        let e = lex.process("${VAR:?message here$ARG}", &empty).unwrap_err();
        assert_eq!(e, r#"failed to process "${VAR:?message here$ARG}": VAR: message herex"#);
        assert!(lex.process("${VAR:?message here$ARG}", &unset).unwrap_err().contains("message herex"));
        assert_eq!(lex.process("${VAR?message here$ARG}", &empty).map(|r| r.result), Ok("".into()));
        assert!(lex.process("${VAR?m}", &unset).unwrap_err().ends_with("VAR: m"));
        assert!(lex.process("${X?}", &unset).unwrap_err().ends_with("X: is not allowed to be unset"));
    }

    /// Cases from BuildKit's `TestProcessWithMatches`.
    #[test]
    fn with_matches() {
        let lex = Lexer::new('\\');
        type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], Option<&'a str>, &'a [&'a str], &'a [&'a str]);
        let cases: &[Case] = &[
            ("x ${UNUSED}", &[("DUMMY", "dummy")], Some("x "), &[], &["UNUSED"]),
            ("${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}", &[("FOO", "xxx"), ("BAR", "")], Some("xxx  ccc"), &["FOO", "BAR"], &["BAZ"]),
            ("${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}", &[("FOO", "xxx"), ("BAR", "")], Some("xxx bbb ccc"), &["FOO", "BAR"], &["BAZ"]),
            ("${FOO+aaa} ${BAR+bbb} ${BAZ+ccc}", &[("FOO", "xxx"), ("BAR", "")], Some("aaa bbb "), &["FOO", "BAR"], &["BAZ"]),
            ("${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}", &[("FOO", "xxx"), ("BAR", "")], Some("aaa  "), &["FOO", "BAR"], &["BAZ"]),
            ("${BAR?bbb}", &[("BAR", "")], Some(""), &["BAR"], &[]),
            ("${BAR:?bbb}", &[("BAR", "")], None, &[], &[]),
            ("${FOO=aaa}", &[("FOO", "xxx")], None, &[], &[]),
            ("${FOO=}", &[], None, &[], &[]),
            ("${FOO#()[]{\\}^$.\\*\\?|\\\\}", &[("FOO", "()[]{}^$.*?|\\x")], Some("x"), &["FOO"], &[]),
            ("${FOO%%\\**}", &[("FOO", "xx**")], Some("xx"), &["FOO"], &[]),
            ("${FOO#*x*y}", &[("FOO", "xxyy")], Some("y"), &["FOO"], &[]),
            ("${FOO#*}", &[("FOO", "xxyy")], Some("xxyy"), &["FOO"], &[]),
            ("${FOO#$BAR}", &[("FOO", "xxyy"), ("BAR", "x")], Some("xyy"), &["FOO", "BAR"], &[]),
            ("${FOO##*x}", &[("FOO", "xxyy")], Some("yy"), &["FOO"], &[]),
            ("${FOO#?\\?}", &[("FOO", "???y")], Some("?y"), &["FOO"], &[]),
            ("${ABC:-.}${FOO%x}${ABC:-.}", &[("FOO", "xxyy")], Some(".xxyy."), &["FOO"], &["ABC"]),
            ("${FOO%%\\**\\*}", &[("FOO", "a***yy*")], Some("a"), &["FOO"], &[]),
            ("${FOO:#}", &[], None, &[], &[]),
            ("${FOO:%%}", &[], None, &[], &[]),
            ("${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}", &[("FOO", "/foo*/*/*.txt"), ("NEEDLE", "\\*/")], Some("/foo.*/*.txt - /foo..*.txt"), &["FOO", "NEEDLE"], &[]),
            ("${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}", &[("FOO", "/tmp/tmp/bar.txt"), ("NEEDLE", "/tmp")], Some("/tmp/bar.txt - /bar.txt"), &["FOO", "NEEDLE"], &[]),
            ("${FOO/$NEEDLE/$REPLACEMENT} - ${FOO//$NEEDLE/$REPLACEMENT}", &[("FOO", "/a/foo/b/c.txt"), ("NEEDLE", "/?/"), ("REPLACEMENT", "/")], Some("/foo/b/c.txt - /foo/c.txt"), &["FOO", "NEEDLE", "REPLACEMENT"], &[]),
            ("${FOO/$NEEDLE/$REPLACEMENT}", &[("FOO", "http://google.de"), ("NEEDLE", "http://"), ("REPLACEMENT", "https://")], Some("https://google.de"), &["FOO", "NEEDLE", "REPLACEMENT"], &[]),
            ("${FOO//\\//\\/}", &[("FOO", "/tmp/foo.txt")], Some("\\/tmp\\/foo.txt"), &["FOO"], &[]),
            ("${FOO/$BAR/ww}", &[("FOO", "xxyy"), ("BAR", "")], Some("wwxxyy"), &["FOO", "BAR"], &[]),
            ("${FOO//ww}", &[("FOO", "xxyy")], None, &[], &[]),
            ("${FOO//}", &[("FOO", "xxyy")], None, &[], &[]),
            ("${FOO///}", &[("FOO", "xxyy")], Some("xxyy"), &["FOO"], &[]),
            ("${FOO///}", &[], Some(""), &[], &["FOO"]),
        ];
        for (input, envs, want, matched, unmatched) in cases {
            let env = env_of(envs);
            let got = lex.process(input, &env);
            match want {
                None => assert!(got.is_err(), "{input}: {got:?}"),
                Some(w) => {
                    let r = got.unwrap_or_else(|e| panic!("{input}: {e}"));
                    assert_eq!(r.result, *w, "{input}");
                    // Go keeps sets: compare without order.
                    let sorted = |v: &[String]| {
                        let mut v = v.to_vec();
                        v.sort();
                        v
                    };
                    let want = |v: &[&str]| sorted(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
                    assert_eq!(sorted(&r.matched), want(matched), "{input}");
                    assert_eq!(sorted(&r.unmatched), want(unmatched), "{input}");
                }
            }
        }
    }

    #[test]
    fn platform_release_name() {
        let lex = Lexer::new('\\');
        let w = "something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz";
        let env = env_of(&[("VERSION", "v1.2.3"), ("TARGETOS", "linux"), ("TARGETARCH", "arm"), ("TARGETVARIANT", "v7")]);
        assert_eq!(lex.process(w, &env).unwrap().result, "something-v1.2.3.linux-arm-v7.tar.gz");
        let env = env_of(&[("VERSION", "v1.2.3"), ("TARGETOS", "linux"), ("TARGETARCH", "arm64")]);
        assert_eq!(lex.process(w, &env).unwrap().result, "something-v1.2.3.linux-arm64.tar.gz");
    }

    #[test]
    fn pattern_helpers() {
        assert_eq!(reverse_pattern("a\\*c"), "c\\*a");
        assert_eq!(reverse_pattern("\\\\\\ab"), "b\\a\\\\");
        assert_eq!(reverse_pattern("ab\\"), "\\ba");
        for bad in ["\\", "\\x", "\\\\\\"] {
            assert!(compile_pattern(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn words_buffer_quirk_and_escape() {
        // An inner ${...} resets BuildKit's shared words buffer: the "ab" is lost.
        let none = |_: &str| None;
        assert_eq!(process_words("ab${X:-c}d e", '\\', &none).unwrap(), vec!["cd", "e"]);
        assert_eq!(process_word("a`$b", '`', &none).unwrap(), "a$b");
        assert_eq!(referenced_vars("$A ${B:-$C} '$D'", '\\'), vec!["A", "C", "B"]);
        // Long values and patterns stay linear or are refused, never hang.
        let long = "ab".repeat(20_000);
        let env = |k: &str| (k == "V").then(|| long.clone());
        let star = format!("${{V//{}/x}}", "*a".repeat(50));
        assert!(process_word(&star, '\\', &env).is_ok() || process_word(&star, '\\', &env).unwrap_err().starts_with("dockling: "));
        assert_eq!(process_word("${V//b/}", '\\', &env).unwrap(), "a".repeat(20_000));
        let deep = "${a:-".repeat(200) + &"}".repeat(200);
        assert!(process_word(&deep, '\\', &none).unwrap_err().starts_with("dockling: "));
    }
}

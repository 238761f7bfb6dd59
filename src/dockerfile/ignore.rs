//! `.dockerignore` as moby reads it (`ignorefile.ReadAll`) and matches it
//! (`patternmatcher`, `MatchesOrParentMatches`: last match wins, parents count).

use super::gostr::{clean_path, trim_space};

/// One element of a compiled pattern.
#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Lit(char),
    /// `?`: one character but `/`.
    One,
    /// `*`: any run without `/`.
    Star,
    /// `**/` inside a pattern: `(.*/)?`.
    Dirs,
    /// `**` at the end after other text: `.*`.
    Rest,
    /// `[...]`.
    Class { negated: bool, ranges: Vec<(char, char)> },
}

#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Exact,
    Prefix,
    Suffix,
    Regexp(Vec<Tok>),
    /// The pattern passes Go's `filepath.Match` check but not regexp compilation.
    Bad,
}

/// One `.dockerignore` line after cleaning.
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    /// The cleaned pattern, without its `!`.
    pub text: String,
    /// A `!` exception line.
    pub exclusion: bool,
    kind: Kind,
}

/// A parsed `.dockerignore`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ignore {
    /// The patterns in file order.
    pub patterns: Vec<Pattern>,
    /// The error moby's pattern matcher gives for this file, if any.
    pub error: Option<String>,
}

/// `filepath.Match`'s syntax check: escapes must be followed by a character and classes
/// must be well formed.
fn valid_syntax(p: &str) -> bool {
    let c: Vec<char> = p.chars().collect();
    let mut i = 0;
    // getEsc: one (possibly escaped) class character, which must not end the pattern.
    let esc = |i: &mut usize| -> bool {
        match c.get(*i) {
            None | Some('-' | ']') => return false,
            Some('\\') => *i += 1,
            Some(_) => {}
        }
        if *i >= c.len() {
            return false;
        }
        *i += 1;
        *i < c.len()
    };
    while i < c.len() {
        match c[i] {
            '\\' => {
                if i + 1 >= c.len() {
                    return false;
                }
                i += 2;
            }
            '[' => {
                i += 1;
                if c.get(i) == Some(&'^') {
                    i += 1;
                }
                let mut n = 0;
                loop {
                    if c.get(i) == Some(&']') && n > 0 {
                        i += 1;
                        break;
                    }
                    if !esc(&mut i) {
                        return false;
                    }
                    if c.get(i) == Some(&'-') {
                        i += 1;
                        if !esc(&mut i) {
                            return false;
                        }
                    }
                    n += 1;
                }
            }
            _ => i += 1,
        }
    }
    true
}

/// Parses the inside of `[...]` starting after `[`; `None` when regexp compilation fails.
fn class(c: &[char], i: &mut usize) -> Option<Tok> {
    let mut negated = false;
    if c.get(*i) == Some(&'^') {
        negated = true;
        *i += 1;
    }
    let mut ranges = Vec::new();
    let one = |i: &mut usize| -> Option<char> {
        let ch = *c.get(*i)?;
        *i += 1;
        if ch == '\\' {
            let e = *c.get(*i)?;
            *i += 1;
            return Some(e);
        }
        Some(ch)
    };
    loop {
        if c.get(*i) == Some(&']') && !ranges.is_empty() {
            *i += 1;
            return Some(Tok::Class { negated, ranges });
        }
        let lo = one(i)?;
        let mut hi = lo;
        if c.get(*i) == Some(&'-') && c.get(*i + 1).is_some_and(|x| *x != ']') {
            *i += 1;
            hi = one(i)?;
        }
        if hi < lo {
            return None;
        }
        ranges.push((lo, hi));
    }
}

/// patternmatcher's `compile`: the match type and, for regexps, the tokens.
fn compile(p: &str) -> Kind {
    let c: Vec<char> = p.chars().collect();
    let mut toks = Vec::new();
    let mut kind = 0; // 0 exact, 1 prefix, 2 suffix, 3 regexp
    let mut i = 0;
    let mut iter = 0;
    while i < c.len() {
        let ch = c[i];
        i += 1;
        match ch {
            '*' if c.get(i) == Some(&'*') => {
                i += 1;
                if c.get(i) == Some(&'/') {
                    i += 1;
                }
                if i >= c.len() {
                    if kind == 0 {
                        kind = 1;
                    } else {
                        toks.push(Tok::Rest);
                        kind = 3;
                    }
                } else {
                    toks.push(Tok::Dirs);
                    kind = 3;
                }
                if iter == 0 {
                    kind = 2;
                }
            }
            '*' => {
                toks.push(Tok::Star);
                kind = 3;
            }
            '?' => {
                toks.push(Tok::One);
                kind = 3;
            }
            '\\' => match c.get(i) {
                Some(&n) => {
                    i += 1;
                    toks.push(Tok::Lit(n));
                    kind = 3;
                }
                None => toks.push(Tok::Lit('\\')),
            },
            '[' => {
                let Some(t) = class(&c, &mut i) else { return Kind::Bad };
                toks.push(t);
                kind = 3;
            }
            ']' => {
                toks.push(Tok::Lit(']'));
                kind = 3;
            }
            ch => toks.push(Tok::Lit(ch)),
        }
        iter += 1;
    }
    match kind {
        0 => Kind::Exact,
        1 => Kind::Prefix,
        2 => Kind::Suffix,
        _ => Kind::Regexp(toks),
    }
}

/// Most (tokens × characters) steps one pattern may take on one path.
const MAX_MATCH_WORK: usize = 4_000_000;

/// Full match of `toks` against `s` (leftmost-first search over (token, position), with
/// failed states remembered); `Err` past the work bound.
fn regexp_match(toks: &[Tok], s: &[char]) -> Result<bool, String> {
    let width = s.len() + 1;
    if (toks.len() + 1).saturating_mul(width) > MAX_MATCH_WORK {
        return Err(format!("dockling: .dockerignore pattern matching limited to {MAX_MATCH_WORK} steps"));
    }
    // Where `.` runs stop ('\n') and where `(.*/)?` may end (after a '/').
    let mut line_end = vec![s.len(); width];
    let mut next_slash = vec![s.len(); width];
    for p in (0..s.len()).rev() {
        line_end[p] = if s[p] == '\n' { p } else { line_end[p + 1] };
        next_slash[p] = if s[p] == '/' { p } else { next_slash[p + 1] };
    }
    let slash_ends: Vec<usize> = (0..s.len()).filter(|&k| s[k] == '/').map(|k| k + 1).collect();
    let mut failed = vec![false; (toks.len() + 1) * width];
    let mut stack: Vec<(usize, usize, usize)> = vec![(0, 0, 0)];
    while let Some(&(t, p, choice)) = stack.last() {
        if t == toks.len() {
            if p == s.len() {
                return Ok(true);
            }
            stack.pop();
            continue;
        }
        let idx = t * width + p;
        let next = if failed[idx] {
            None
        } else {
            let one = |ok: bool| (choice == 0 && ok).then_some(p + 1);
            match &toks[t] {
                Tok::Lit(c) => one(s.get(p) == Some(c)),
                Tok::One => one(s.get(p).is_some_and(|c| *c != '/')),
                Tok::Class { negated, ranges } => {
                    one(s.get(p).is_some_and(|c| ranges.iter().any(|(lo, hi)| lo <= c && c <= hi) != *negated))
                }
                Tok::Star => {
                    let n = next_slash[p] - p;
                    (choice <= n).then(|| p + n - choice)
                }
                Tok::Rest => {
                    let n = line_end[p] - p;
                    (choice <= n).then(|| p + n - choice)
                }
                Tok::Dirs => {
                    // Ends right after a '/' with no newline before it, longest first; then "".
                    let lo = slash_ends.partition_point(|&e| e <= p);
                    let hi = slash_ends.partition_point(|&e| e <= line_end[p]);
                    let n = hi.saturating_sub(lo);
                    if choice < n {
                        Some(slash_ends[hi - 1 - choice])
                    } else if choice == n {
                        Some(p)
                    } else {
                        None
                    }
                }
            }
        };
        match next {
            Some(np) => {
                if let Some(top) = stack.last_mut() {
                    top.2 += 1;
                }
                stack.push((t + 1, np, 0));
            }
            None => {
                failed[idx] = true;
                stack.pop();
            }
        }
    }
    Ok(false)
}

impl Pattern {
    fn matches(&self, path: &str) -> Result<bool, String> {
        Ok(match &self.kind {
            Kind::Exact => path == self.text,
            Kind::Prefix => path.starts_with(&self.text[..self.text.len() - 2]),
            Kind::Suffix => {
                let suffix = &self.text[2..];
                path.ends_with(suffix) || suffix.strip_prefix('/').is_some_and(|s| path == s)
            }
            Kind::Regexp(t) => regexp_match(t, &path.chars().collect::<Vec<_>>())?,
            Kind::Bad => return Err("syntax error in pattern".into()),
        })
    }
}

/// `ignorefile.ReadAll`: the pattern lines of a `.dockerignore`.
pub fn read_patterns(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.starts_with('#') {
            continue;
        }
        let mut p = trim_space(line);
        if p.is_empty() {
            continue;
        }
        let invert = p.starts_with('!');
        if invert {
            p = trim_space(&p[1..]);
        }
        let mut q = String::new();
        if !p.is_empty() {
            q = clean_path(p);
            if q.len() > 1 && q.starts_with('/') {
                q.remove(0);
            }
        }
        out.push(if invert { format!("!{q}") } else { q });
    }
    out
}

impl Ignore {
    /// Reads a `.dockerignore` file's text.
    pub fn parse(text: &str) -> Ignore {
        Ignore::from_patterns(&read_patterns(text))
    }

    /// patternmatcher's `New`: compiles the pattern lines.
    pub fn from_patterns(lines: &[String]) -> Ignore {
        let mut ig = Ignore::default();
        for l in lines {
            let p = trim_space(l);
            if p.is_empty() {
                continue;
            }
            let mut p = clean_path(p);
            let exclusion = p.starts_with('!');
            if exclusion {
                if p.len() == 1 {
                    ig.error = Some("illegal exclusion pattern: \"!\"".into());
                    ig.patterns.clear();
                    return ig;
                }
                p.remove(0);
            }
            if !valid_syntax(&p) {
                ig.error = Some("syntax error in pattern".into());
                ig.patterns.clear();
                return ig;
            }
            let kind = compile(&p);
            ig.patterns.push(Pattern { text: p, exclusion, kind });
        }
        ig
    }

    /// True when some pattern is a `!` exception.
    pub fn has_exclusions(&self) -> bool {
        self.patterns.iter().any(|p| p.exclusion)
    }

    /// `MatchesOrParentMatches`: whether `path` (slash-separated, relative to the context)
    /// is ignored; `Err` for a pattern Go cannot compile.
    pub fn try_matches(&self, path: &str) -> Result<bool, String> {
        let parent = match path.rfind('/') {
            Some(i) => clean_path(&path[..i.max(usize::from(i == 0))]),
            None => ".".to_string(),
        };
        let dirs: Vec<&str> = parent.split('/').collect();
        let mut matched = false;
        for p in &self.patterns {
            if p.exclusion != matched {
                continue;
            }
            let mut m = p.matches(path)?;
            if !m && parent != "." {
                for i in 0..dirs.len() {
                    if p.matches(&dirs[..=i].join("/")).unwrap_or(false) {
                        m = true;
                        break;
                    }
                }
            }
            if m {
                matched = !p.exclusion;
            }
        }
        Ok(matched)
    }

    /// Whether `path` is ignored (false when the file cannot be evaluated).
    pub fn matches(&self, path: &str) -> bool {
        self.try_matches(path).unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pm(patterns: &[&str]) -> Ignore {
        Ignore::from_patterns(&patterns.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    /// patternmatcher's `Matches(file, patterns)` helper: cleans, and "." never matches.
    fn go_matches(file: &str, patterns: &[&str]) -> Result<bool, String> {
        let ig = pm(patterns);
        if let Some(e) = ig.error {
            return Err(e);
        }
        let f = clean_path(file);
        if f == "." {
            return Ok(false);
        }
        ig.try_matches(&f)
    }

    #[test]
    fn read_all() {
        let content = "test1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n! /inverted/abs/path\n!\n! ";
        assert_eq!(read_patterns(content), vec!["test1", "test2", "a/file/here", "lastfile", "!inverted/abs/path", "!", "!"]);
        assert_eq!(Ignore::parse(content).error.as_deref(), Some("illegal exclusion pattern: \"!\""));
    }

    #[test]
    fn simple_cases() {
        assert_eq!(go_matches("fileutils.go", &["*"]), Ok(true));
        assert_eq!(go_matches("fileutils.go", &["*.go"]), Ok(true));
        assert_eq!(go_matches("fileutils.go", &["!fileutils.go", "*.go"]), Ok(true));
        assert_eq!(go_matches("docs/README.md", &["docs", "!docs/README.md"]), Ok(false));
        assert_eq!(go_matches("docs/README.md", &["docs/", "!docs/README.md"]), Ok(false));
        assert_eq!(go_matches("docs/README.md", &["docs/*", "!docs/README.md"]), Ok(false));
        assert_eq!(go_matches("fileutils.go", &["*.go", "!fileutils.go"]), Ok(false));
        assert_eq!(go_matches(".", &["*.go"]), Ok(false));
        assert!(go_matches("fileutils.go", &["!"]).is_err());
        assert_eq!(go_matches("/any/path/there", &[]), Ok(false));
        assert!(go_matches("/any/path/there", &["["]).is_err());
        assert!(pm(&["docs", "  !docs/README.md"]).has_exclusions());
        assert!(pm(&["docs", "!docs/README.md  "]).has_exclusions());
        assert_eq!(pm(&["docs", "config", ""]).patterns.len(), 2);
    }

    /// patternmatcher's `TestMatches` table, with `MatchesOrParentMatches`.
    #[test]
    fn matches_table() {
        let t: &[(&str, &str, bool)] = &[
            ("**", "file", true), ("**", "file/", true), ("**/", "file", true), ("**/", "file/", true), ("**", "/", true),
            ("**/", "/", true), ("**", "dir/file", true), ("**/", "dir/file", true), ("**", "dir/file/", true),
            ("**/", "dir/file/", true), ("**/**", "dir/file", true), ("**/**", "dir/file/", true), ("dir/**", "dir/file", true),
            ("dir/**", "dir/file/", true), ("dir/**", "dir/dir2/file", true), ("dir/**", "dir/dir2/file/", true),
            ("**/dir", "dir", true), ("**/dir", "dir/file", true), ("**/dir2/*", "dir/dir2/file", true),
            ("**/dir2/*", "dir/dir2/file/", true), ("**/dir2/**", "dir/dir2/dir3/file", true),
            ("**/dir2/**", "dir/dir2/dir3/file/", true), ("**file", "file", true), ("**file", "dir/file", true),
            ("**/file", "dir/file", true), ("**file", "dir/dir/file", true), ("**/file", "dir/dir/file", true),
            ("**/file*", "dir/dir/file", true), ("**/file*", "dir/dir/file.txt", true), ("**/file*txt", "dir/dir/file.txt", true),
            ("**/file*.txt", "dir/dir/file.txt", true), ("**/file*.txt*", "dir/dir/file.txt", true),
            ("**/**/*.txt", "dir/dir/file.txt", true), ("**/**/*.txt2", "dir/dir/file.txt", false), ("**/*.txt", "file.txt", true),
            ("**/**/*.txt", "file.txt", true), ("a**/*.txt", "a/file.txt", true), ("a**/*.txt", "a/dir/file.txt", true),
            ("a**/*.txt", "a/dir/dir/file.txt", true), ("a/*.txt", "a/dir/file.txt", false), ("a/*.txt", "a/file.txt", true),
            ("a/*.txt**", "a/file.txt", true), ("a[b-d]e", "ae", false), ("a[b-d]e", "ace", true), ("a[b-d]e", "aae", false),
            ("a[^b-d]e", "aze", true), (".*", ".foo", true), (".*", "foo", false), ("abc.def", "abcdef", false),
            ("abc.def", "abc.def", true), ("abc.def", "abcZdef", false), ("abc?def", "abcZdef", true), ("abc?def", "abcdef", false),
            ("a\\\\", "a\\", true), ("**/foo/bar", "foo/bar", true), ("**/foo/bar", "dir/foo/bar", true),
            ("**/foo/bar", "dir/dir2/foo/bar", true), ("abc/**", "abc", false), ("abc/**", "abc/def", true),
            ("abc/**", "abc/def/ghi", true), ("**/.foo", ".foo", true), ("**/.foo", "bar.foo", false), ("a(b)c/def", "a(b)c/def", true),
            ("a(b)c/def", "a(b)c/xyz", false), ("a.|)$(}+{bc", "a.|)$(}+{bc", true),
            ("dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true),
            ("dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true), ("a\\*b", "a*b", true),
        ];
        for (pat, text, pass) in t {
            let ig = pm(&[pat]);
            assert!(ig.error.is_none(), "{pat}");
            assert_eq!(ig.matches(text), *pass, "pattern={pat:?} text={text:?}");
        }
        let multi: &[(&[&str], &str, bool)] = &[
            (&["**", "!util/docker/web"], "util/docker/web/foo", false),
            (&["**", "!util/docker/web", "util/docker/web/foo"], "util/docker/web/foo", true),
            (&["**", "!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl"], "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", false),
            (&["**", "!dist/*.whl"], "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", false),
        ];
        for (pats, text, pass) in multi {
            assert_eq!(pm(pats).matches(text), *pass, "{pats:?} {text}");
        }
    }

    /// Go's `filepath.Match` cases as patternmatcher's `TestMatch` re-runs them.
    #[test]
    fn filepath_match_table() {
        let ok: &[(&str, &str, bool)] = &[
            ("abc", "abc", true), ("*", "abc", true), ("*c", "abc", true), ("a*", "a", true), ("a*", "abc", true), ("a*", "ab/c", true),
            ("a*/b", "abc/b", true), ("a*/b", "a/c/b", false), ("a*b*c*d*e*/f", "axbxcxdxe/f", true), ("a*b*c*d*e*/f", "axbxcxdxexxx/f", true),
            ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false), ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", false), ("a*b?c*x", "abxbbxdbxebxczzx", true),
            ("a*b?c*x", "abxbbxdbxebxczzy", false), ("ab[c]", "abc", true), ("ab[b-d]", "abc", true), ("ab[e-g]", "abc", false),
            ("ab[^c]", "abc", false), ("ab[^b-d]", "abc", false), ("ab[^e-g]", "abc", true), ("a\\*b", "a*b", true), ("a\\*b", "ab", false),
            ("a?b", "a☺b", true), ("a[^a]b", "a☺b", true), ("a???b", "a☺b", false), ("a[^a][^a][^a]b", "a☺b", false), ("[a-ζ]*", "α", true),
            ("*[a-ζ]", "A", false), ("a?b", "a/b", false), ("a*b", "a/b", false), ("[\\]a]", "]", true), ("[\\-]", "-", true),
            ("[x\\-]", "x", true), ("[x\\-]", "-", true), ("[x\\-]", "z", false), ("[\\-x]", "x", true), ("[\\-x]", "-", true),
            ("[\\-x]", "a", false), ("*x", "xxx", true),
        ];
        for (pat, s, want) in ok {
            assert_eq!(go_matches(s, &[pat]), Ok(*want), "{pat} {s}");
        }
        for pat in ["[]a]", "[-]", "[x-]", "[-x]", "\\", "[a-b-c]", "[", "[^", "[^bc", "a["] {
            assert_eq!(go_matches("a", &[pat]), Err("syntax error in pattern".into()), "{pat}");
        }
        let ig = pm(&["[Local-Only]/"]);
        assert!(ig.error.is_none());
        assert!(ig.try_matches("x").is_err());
        assert!(ig.try_matches("x").is_err());
    }

    #[test]
    fn compile_kinds() {
        let k = |p: &str| compile(&clean_path(p));
        assert_eq!(k("**"), Kind::Suffix);
        assert_eq!(k("dir/**"), Kind::Prefix);
        assert_eq!(k("**/dir"), Kind::Suffix);
        assert_eq!(k("**file"), Kind::Suffix);
        assert_eq!(k("abc.def"), Kind::Exact);
        assert_eq!(k("**/foo/bar"), Kind::Suffix);
        assert!(matches!(k("**/**"), Kind::Regexp(_)));
        assert!(matches!(k(".*"), Kind::Regexp(_)));
    }
}

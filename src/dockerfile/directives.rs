//! Parser directives (`# syntax=`, `# escape=`, `# check=`) as BuildKit's `DirectiveParser`:
//! only at the top of the file, each at most once, ended by the first line that is not one.

use super::gostr::trim_left_space;

/// A parser directive found at the top of a Dockerfile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// `syntax`, `escape` or `check` (lower-cased).
    pub name: &'static str,
    /// The value, trimmed as BuildKit trims it.
    pub value: String,
    /// The 1-based line it is on.
    pub line: u32,
}

/// RE2's `\s`: `[\t\n\f\r ]`.
fn is_re_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

/// BuildKit's directive pattern on a comment's body (its leading spaces trimmed):
/// `key \s* '=' \s* value` with `key := [a-zA-Z][a-zA-Z0-9]*`, where the value is `.+?\s*$`:
/// the rest without its trailing `\s`, or (when only `\s` follows the `=`) its last character.
fn directive(body: &str) -> Option<(&str, &str)> {
    let b = body.as_bytes();
    if !b.first()?.is_ascii_alphabetic() {
        return None;
    }
    let mut i = 1;
    while i < b.len() && b[i].is_ascii_alphanumeric() {
        i += 1;
    }
    let key = &body[..i];
    while i < b.len() && is_re_space(b[i]) {
        i += 1;
    }
    if b.get(i) != Some(&b'=') {
        return None;
    }
    let after = i + 1;
    let mut v = after;
    while v < b.len() && is_re_space(b[v]) {
        v += 1;
    }
    // `.` does not match a newline.
    if b[v..].contains(&b'\n') {
        return None;
    }
    let mut e = b.len();
    while e > v && is_re_space(b[e - 1]) {
        e -= 1;
    }
    match (e > v, after < b.len()) {
        (true, _) => Some((key, &body[v..e])),
        // Only (ASCII) `\s` after the `=`: the value is the last of them.
        (false, true) => Some((key, &body[b.len() - 1..])),
        (false, false) => None,
    }
}

/// Parses the part of a comment line after its comment marker: `Some((name, value))`.
pub(crate) fn parse_directive(body: &str) -> Option<(String, String)> {
    let (k, v) = directive(trim_left_space(body))?;
    Some((k.to_ascii_lowercase(), v.to_string()))
}

/// The directives BuildKit knows.
const NAMES: [&str; 3] = ["syntax", "escape", "check"];

/// Handles the directives lines as BuildKit's `DirectiveParser.ParseLine` does.
#[derive(Debug, Default)]
pub(crate) struct DirectiveParser {
    line: u32,
    done: bool,
    /// Bit `i` for `NAMES[i]` seen.
    seen: u8,
}

impl DirectiveParser {
    /// True once a line ended the directives.
    pub(crate) fn is_done(&self) -> bool {
        self.done
    }

    /// Feeds one line (without its line ending); `Err` for a repeated directive.
    pub(crate) fn parse_line(&mut self, line: &str, prefix: &str) -> Result<Option<Directive>, String> {
        self.line += 1;
        if self.done {
            return Ok(None);
        }
        let Some(body) = line.strip_prefix(prefix) else {
            self.done = true;
            return Ok(None);
        };
        let found = directive(trim_left_space(body)).and_then(|(k, v)| Some((NAMES.iter().position(|n| k.eq_ignore_ascii_case(n))?, v)));
        let Some((i, value)) = found else {
            self.done = true;
            return Ok(None);
        };
        let name = NAMES[i];
        if self.seen & 1 << i != 0 {
            return Err(format!("only one {name} parser directive can be used"));
        }
        self.seen |= 1 << i;
        Ok(Some(Directive { name, value: value.into(), line: self.line }))
    }
}

/// BuildKit's `ParseDirective(key, dt)` (and `DetectSyntax` when `any_format`): the value's
/// first word, the whole value, and its line. Skips a BOM and a `#!` first line; `DetectSyntax`
/// also accepts `// key=` comments and a JSON object.
pub fn find_directive(src: &str, key: &str, any_format: bool) -> Option<(String, String, u32)> {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let (src, first) = match src.split_once('\n') {
        Some((l, rest)) if l.starts_with("#!") => (rest, 1),
        None if src.starts_with("#!") => ("", 1),
        _ => (src, 0),
    };
    let scan = |prefix: &str| {
        let mut p = DirectiveParser { line: first, ..DirectiveParser::default() };
        for line in src.split_inclusive('\n') {
            if p.done {
                break;
            }
            let l = line.strip_suffix('\n').unwrap_or(line);
            let l = l.strip_suffix('\r').unwrap_or(l);
            match p.parse_line(l, prefix) {
                Ok(Some(d)) if d.name == key => {
                    let word = d.value.split(' ').next().unwrap_or("").to_string();
                    return Some((word, d.value, d.line));
                }
                Ok(_) => {}
                Err(_) => break,
            }
        }
        None
    };
    if let Some(found) = scan("#") {
        return Some(found);
    }
    if !any_format {
        return None;
    }
    if let Some(found) = scan("//") {
        return Some(found);
    }
    let v: serde_json::Value = serde_json::from_str(src).ok()?;
    let s = v.as_object()?.get(key)?.as_str()?.to_string();
    Some((s.clone(), s, first))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directive_grammar() {
        assert_eq!(parse_directive(" escape=`"), Some(("escape".into(), "`".into())));
        assert_eq!(parse_directive("syntax = docker/dockerfile:1 "), Some(("syntax".into(), "docker/dockerfile:1".into())));
        assert_eq!(parse_directive("Check=skip=all;error=true"), Some(("check".into(), "skip=all;error=true".into())));
        assert_eq!(parse_directive("escape=   "), Some(("escape".into(), " ".into())));
        assert_eq!(parse_directive("escape="), None);
        assert_eq!(parse_directive("1x=y"), None);
        assert_eq!(parse_directive("this is a comment"), None);
    }

    #[test]
    fn directives_stop_and_repeat() {
        let mut p = DirectiveParser::default();
        assert!(p.parse_line("#escape=`", "#").unwrap().is_some());
        assert_eq!(p.parse_line("# escape=\\", "#"), Err("only one escape parser directive can be used".into()));
        let mut p = DirectiveParser::default();
        assert!(p.parse_line("# foo=bar", "#").unwrap().is_none());
        assert!(p.parse_line("# syntax=x", "#").unwrap().is_none());
    }

    #[test]
    fn detect_syntax() {
        let f = |s: &str| find_directive(s, "syntax", true);
        assert_eq!(f("# syntax=docker/dockerfile:1 --x\nFROM a"), Some(("docker/dockerfile:1".into(), "docker/dockerfile:1 --x".into(), 1)));
        assert_eq!(f("#!/bin/x\n# syntax=a\n").map(|x| x.2), Some(2));
        assert_eq!(f("// syntax=b\n").map(|x| x.0), Some("b".into()));
        assert_eq!(f("{\"syntax\": \"c\"}").map(|x| x.0), Some("c".into()));
        assert_eq!(f("FROM a\n# syntax=b\n"), None);
        assert_eq!(find_directive("# check=skip=JSONArgsRecommended\n", "check", false).map(|x| x.0), Some("skip=JSONArgsRecommended".into()));
    }
}

//! Parser directives (`# syntax=`, `# escape=`, `# check=`) as BuildKit's `DirectiveParser`:
//! only at the top of the file, each at most once, ended by the first line that is not one.

use nom::bytes::complete::take_while;
use nom::character::complete::{char, satisfy};
use nom::combinator::recognize;
use nom::error::context;
use nom::{IResult, Parser};

use super::gostr::trim_left_space;
use super::PErr;

/// A parser directive found at the top of a Dockerfile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// `syntax`, `escape` or `check` (lower-cased).
    pub name: String,
    /// The value, trimmed as BuildKit trims it.
    pub value: String,
    /// The 1-based line it is on.
    pub line: u32,
}

/// RE2's `\s`: `[\t\n\f\r ]`.
fn is_re_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ')
}

/// `key := [a-zA-Z][a-zA-Z0-9]*`
fn key(i: &str) -> IResult<&str, &str, PErr<'_>> {
    context(
        "directive name",
        recognize((satisfy(|c| c.is_ascii_alphabetic()), take_while(|c: char| c.is_ascii_alphanumeric()))),
    )
    .parse(i)
}

/// `directive := key \s* '=' \s* value`, where the value is `.+?\s*$`: the rest without its
/// trailing `\s`, or (when only `\s` follows the `=`) its last character.
fn directive(i: &str) -> IResult<&str, (&str, &str), PErr<'_>> {
    let (i, k) = key(i)?;
    let (after, _) = (take_while(is_re_space), context("'='", char('='))).parse(i)?;
    let value = after.trim_start_matches(is_re_space);
    if value.contains('\n') {
        return Err(nom::Err::Error(PErr::expected(value, "end of line")));
    }
    let trimmed = value.trim_end_matches(is_re_space);
    match (trimmed.is_empty(), after.char_indices().last()) {
        (false, _) => Ok(("", (k, trimmed))),
        (true, Some((at, _))) => Ok(("", (k, &after[at..]))),
        (true, None) => Err(nom::Err::Error(PErr::expected(after, "directive value"))),
    }
}

/// Parses the part of a comment line after its comment marker: `Some((name, value))`.
pub(crate) fn parse_directive(body: &str) -> Option<(String, String)> {
    let body = trim_left_space(body);
    let (_, (k, v)) = directive(body).ok()?;
    Some((k.to_ascii_lowercase(), v.to_string()))
}

/// Handles the directives lines as BuildKit's `DirectiveParser.ParseLine` does.
#[derive(Debug, Default)]
pub(crate) struct DirectiveParser {
    line: u32,
    done: bool,
    seen: Vec<String>,
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
        let Some((name, value)) = parse_directive(body) else {
            self.done = true;
            return Ok(None);
        };
        if !matches!(name.as_str(), "syntax" | "escape" | "check") {
            self.done = true;
            return Ok(None);
        }
        if self.seen.contains(&name) {
            return Err(format!("only one {name} parser directive can be used"));
        }
        self.seen.push(name.clone());
        Ok(Some(Directive { name, value, line: self.line }))
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

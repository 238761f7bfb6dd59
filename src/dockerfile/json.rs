//! The JSON (exec) form of RUN, CMD, ENTRYPOINT, SHELL, ADD, COPY and VOLUME, decoded as Go's
//! `encoding/json` would decode it into `[]any`.

use std::borrow::Cow;

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1, take_while_m_n};
use nom::character::complete::{char, one_of};
use nom::combinator::{opt, recognize};
use nom::error::context;
use nom::{IResult, Parser};

use super::args::Line;
use super::gostr::skip_space_to;
use super::{Ast, PErr, Text};

/// What an instruction's arguments are, seen as JSON.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum JsonArgs {
    /// Not a JSON array (the caller falls back to the shell form).
    NotJson,
    /// A JSON array of strings (pushed to the tree's texts).
    Strings,
    /// A valid JSON array holding something other than a string: an error in BuildKit.
    NonString,
}

/// Go's maximum nesting depth for `encoding/json`.
const MAX_DEPTH: u32 = 10_000;

/// `ws := [ \t\n\r]*`
fn ws(i: &str) -> IResult<&str, &str, PErr<'_>> {
    let n = i.bytes().position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r')).unwrap_or(i.len());
    Ok((&i[n..], &i[..n]))
}

/// `plain := [^"\\\x00-\x1f]*`
fn plain(i: &str) -> (&str, &str) {
    let n = i.bytes().position(|b| b == b'"' || b == b'\\' || b < 0x20).unwrap_or(i.len());
    (&i[n..], &i[..n])
}

/// `number := '-'? ('0' | [1-9][0-9]*) ('.' [0-9]+)? ([eE] [+-]? [0-9]+)?`
fn number(i: &str) -> IResult<&str, &str, PErr<'_>> {
    let digits = |i| take_while1(|c: char| c.is_ascii_digit()).parse(i);
    recognize((
        opt(char('-')),
        alt((tag("0"), recognize((one_of("123456789"), take_while(|c: char| c.is_ascii_digit()))))),
        opt((char('.'), context("digit", digits))),
        opt((one_of("eE"), opt(one_of("+-")), context("digit", digits))),
    ))
    .parse(i)
}

/// `hex4 := [0-9a-fA-F]{4}`
fn hex4(i: &str) -> IResult<&str, u32, PErr<'_>> {
    let (i, h) = take_while_m_n(4, 4, |c: char| c.is_ascii_hexdigit()).parse(i)?;
    Ok((i, u32::from_str_radix(h, 16).unwrap_or(0xfffd)))
}

/// `string := '"' (char | '\\' escape)* '"'`, decoded (lone surrogates become U+FFFD);
/// borrowed when it has no escapes.
fn string(i: &str) -> IResult<&str, Cow<'_, str>, PErr<'_>> {
    let (body, _) = char('"').parse(i)?;
    let (rest, run) = plain(body);
    if let Some(after) = rest.strip_prefix('"') {
        return Ok((after, Cow::Borrowed(run)));
    }
    let mut out = String::from(run);
    let mut i = rest;
    loop {
        let (rest, run) = plain(i);
        out.push_str(run);
        i = rest;
        match i.chars().next() {
            Some('"') => return Ok((&i[1..], Cow::Owned(out))),
            Some('\\') => {
                let (rest, c) = context("escape", one_of("\"\\/bfnrtu")).parse(&i[1..])?;
                i = rest;
                match c {
                    'b' => out.push('\x08'),
                    'f' => out.push('\x0c'),
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'u' => {
                        let (rest, hi) = context("four hex digits", hex4).parse(i)?;
                        i = rest;
                        let mut ch = char::from_u32(hi);
                        if (0xd800..0xdc00).contains(&hi) {
                            if let Ok((rest, lo)) = (tag("\\u"), hex4).map(|(_, l)| l).parse(i) {
                                if (0xdc00..0xe000).contains(&lo) {
                                    i = rest;
                                    ch = char::from_u32(0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00));
                                }
                            }
                        }
                        out.push(ch.unwrap_or('\u{fffd}'));
                    }
                    c => out.push(c),
                }
            }
            _ => return Err(nom::Err::Error(PErr::expected(i, "closing quote"))),
        }
    }
}

/// One scalar: a string (`Some`), or a number or literal (`None`); `Err` when not JSON.
/// A number too large for Go's float64 is an unmarshalling error: reported as `Err` too.
fn scalar(i: &str) -> IResult<&str, Option<Cow<'_, str>>, PErr<'_>> {
    if i.starts_with('"') {
        return string.map(Some).parse(i);
    }
    if let Ok((rest, n)) = number(i) {
        if n.parse::<f64>().map_or(true, |f| f.is_infinite()) {
            return Err(nom::Err::Failure(PErr::expected(i, "a float64")));
        }
        return Ok((rest, None));
    }
    context("JSON value", alt((tag("true"), tag("false"), tag("null")))).map(|_| None).parse(i)
}

/// Validates and decodes `text` (which starts with `[`, a slice of `l`) without recursion,
/// pushing the top-level array's string elements; `Ok(false)` when an element is not a string.
fn document(ast: &mut Ast<'_>, l: Line<'_>, text: &str) -> Result<bool, ()> {
    #[derive(PartialEq)]
    enum Frame {
        Array,
        Object,
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut all_strings = true;
    let (mut i, _) = ws(text).map_err(|_| ())?;
    // Each turn reads one value at the current position, then its separators.
    loop {
        let depth = stack.len();
        if let Some(r) = i.strip_prefix('[') {
            if depth as u32 >= MAX_DEPTH {
                return Err(());
            }
            if depth == 1 {
                all_strings = false;
            }
            stack.push(Frame::Array);
            i = ws(r).map_err(|_| ())?.0;
            if let Some(r) = i.strip_prefix(']') {
                stack.pop();
                i = r;
            } else {
                continue;
            }
        } else if let Some(r) = i.strip_prefix('{') {
            if depth as u32 >= MAX_DEPTH || depth == 0 {
                return Err(());
            }
            if depth == 1 {
                all_strings = false;
            }
            stack.push(Frame::Object);
            i = ws(r).map_err(|_| ())?.0;
            if let Some(r) = i.strip_prefix('}') {
                stack.pop();
                i = r;
            } else {
                let (r, _) = (string, ws, char(':'), ws).parse(i).map_err(|_| ())?;
                i = r;
                continue;
            }
        } else {
            let (r, s) = scalar(i).map_err(|_| ())?;
            match (depth, s) {
                (1, Some(Cow::Borrowed(s))) => ast.texts.push(l.text(s)),
                (1, Some(Cow::Owned(s))) => {
                    let t = ast.own(&s);
                    ast.texts.push(t);
                }
                (1, None) => all_strings = false,
                _ => {}
            }
            i = r;
        }
        // After a value: separators and closers.
        loop {
            i = ws(i).map_err(|_| ())?.0;
            match stack.last() {
                None => return if i.is_empty() { Ok(all_strings) } else { Err(()) },
                Some(f) => {
                    let close = if *f == Frame::Array { ']' } else { '}' };
                    if let Some(r) = i.strip_prefix(',') {
                        i = ws(r).map_err(|_| ())?.0;
                        if *f == Frame::Object {
                            let (r, _) = (string, ws, char(':'), ws).parse(i).map_err(|_| ())?;
                            i = r;
                        }
                        break;
                    } else if let Some(r) = i.strip_prefix(close) {
                        stack.pop();
                        i = r;
                    } else {
                        return Err(());
                    }
                }
            }
        }
    }
}

/// Decodes the JSON string whose body starts at `s[i]` (after its opening quote) onto the
/// tree's built text, as [`string`] decodes it: its [`Text`] and the index after the closing
/// quote; `None` when it is not a valid string before `end`.
fn decode_into(ast: &mut Ast<'_>, s: &str, mut i: usize, end: usize) -> Option<(Text, usize)> {
    let b = &s.as_bytes()[..end];
    let start = ast.buf.len();
    let hex4 = |i: usize| {
        let h = b.get(i..i + 4)?;
        h.iter().all(u8::is_ascii_hexdigit).then(|| h.iter().fold(0, |v, &c| v << 4 | char::from(c).to_digit(16).unwrap_or(0)))
    };
    loop {
        let run = i;
        while i < b.len() && !matches!(b[i], b'"' | b'\\' | 0..0x20) {
            i += 1;
        }
        ast.buf.push_str(s.get(run..i)?);
        if *b.get(i)? != b'\\' {
            break;
        }
        let c = *b.get(i + 1)?;
        i += 2;
        let ch = match c {
            b'"' | b'\\' | b'/' => char::from(c),
            b'b' => '\x08',
            b'f' => '\x0c',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = hex4(i)?;
                i += 4;
                let mut ch = char::from_u32(hi);
                // A surrogate pair; a lone surrogate is U+FFFD.
                if (0xd800..0xdc00).contains(&hi) && b.get(i..i + 2) == Some(b"\\u") {
                    if let Some(lo) = hex4(i + 2).filter(|lo| (0xdc00..0xe000).contains(lo)) {
                        i += 6;
                        ch = char::from_u32(0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00));
                    }
                }
                ch.unwrap_or('\u{fffd}')
            }
            _ => return None,
        };
        ast.buf.push(ch);
    }
    // Only a closing quote ends the loop above (a control byte is an error).
    if b[i] != b'"' {
        return None;
    }
    Some((ast.built_since(start), i + 1))
}

/// The common case: a flat array of strings, read in one pass over the bytes and pushed to
/// the tree (borrowed, or decoded when they have escapes); `false` sends anything else to
/// [`document`].
fn flat_strings(ast: &mut Ast<'_>, l: Line<'_>, start: usize, end: usize) -> bool {
    let b = &l.s.as_bytes()[..end];
    let ws = |i: &mut usize| {
        while *i < b.len() && matches!(b[*i], b' ' | b'\t' | b'\n' | b'\r') {
            *i += 1;
        }
    };
    let mut i = start + 1;
    ws(&mut i);
    if b.get(i) == Some(&b']') {
        i += 1;
    } else {
        loop {
            if b.get(i) != Some(&b'"') {
                return false;
            }
            let mut e = i + 1;
            while e < b.len() && !matches!(b[e], b'"' | b'\\' | 0..0x20) {
                e += 1;
            }
            match b.get(e) {
                Some(b'"') => {
                    ast.texts.push(l.at(i + 1, e));
                    i = e + 1;
                }
                Some(b'\\') => {
                    let Some((t, next)) = decode_into(ast, l.s, i + 1, end) else { return false };
                    ast.texts.push(t);
                    i = next;
                }
                _ => return false,
            }
            ws(&mut i);
            match b.get(i) {
                Some(b',') => {
                    i += 1;
                    ws(&mut i);
                }
                Some(b']') => {
                    i += 1;
                    break;
                }
                _ => return false,
            }
        }
    }
    ws(&mut i);
    i == b.len()
}

/// BuildKit's `parseJSON` on an instruction's arguments (`l.s[start..end]`): on
/// [`JsonArgs::Strings`] the strings are in `ast.texts`; otherwise nothing was added.
pub(crate) fn parse_json_array(ast: &mut Ast<'_>, l: Line<'_>, start: usize, end: usize) -> JsonArgs {
    let start = skip_space_to(l.s, start, end);
    if l.s.as_bytes().get(start) != Some(&b'[') || start >= end {
        return JsonArgs::NotJson;
    }
    let (texts, buf) = (ast.texts.len(), ast.buf.len());
    if flat_strings(ast, l, start, end) {
        return JsonArgs::Strings;
    }
    ast.texts.truncate(texts);
    ast.buf.truncate(buf);
    let rest = l.s.get(start..end).unwrap_or("");
    let r = match document(ast, l, rest) {
        Ok(true) => return JsonArgs::Strings,
        Ok(false) => JsonArgs::NonString,
        Err(()) => JsonArgs::NotJson,
    };
    ast.texts.truncate(texts);
    ast.buf.truncate(buf);
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use JsonArgs::*;

    /// The outcome, and the strings on success.
    fn parse_json_array(src: &str) -> (JsonArgs, Vec<String>) {
        let mut ast = Ast { src, ..Ast::default() };
        let r = super::parse_json_array(&mut ast, Line { s: src, base: 0 }, 0, src.len());
        let v = ast.texts.iter().map(|t| ast.text(*t).to_string()).collect();
        (r, v)
    }

    fn s(v: &[&str]) -> (JsonArgs, Vec<String>) {
        (Strings, v.iter().map(|x| x.to_string()).collect())
    }

    #[test]
    fn arrays() {
        assert_eq!(parse_json_array(r#"["echo", "hi"]"#), s(&["echo", "hi"]));
        assert_eq!(parse_json_array(" [ ] "), s(&[]));
        assert_eq!(parse_json_array(r#"["a\/b", "\u0000", "\ud83d\ude00", "\ud800"]"#), s(&["a/b", "\0", "😀", "\u{fffd}"]));
        assert_eq!(parse_json_array(r#"["a", 1]"#), (NonString, vec![]));
        assert_eq!(parse_json_array(r#"["a", ["b"]]"#), (NonString, vec![]));
        assert_eq!(parse_json_array(r#"["a", {"k": [1, "x"]}, null]"#), (NonString, vec![]));
        assert_eq!(parse_json_array(r#"["a", 1e999]"#), (NotJson, vec![]));
        for bad in ["['a']", "[\"a\"", "[\"a]", "[\"a\" \"b\"]", "[\"a\",]", "[01]", "[\"\t\"]", "[\"a\"] x", "echo [", "[tru]"] {
            assert_eq!(parse_json_array(bad), (NotJson, vec![]), "{bad}");
        }
        let deep = "[".repeat(20_000);
        assert_eq!(parse_json_array(&deep), (NotJson, vec![]));
        let nested = "[".repeat(100) + &"]".repeat(100);
        assert_eq!(parse_json_array(&nested), (NonString, vec![]));
    }

    #[test]
    fn escapes_decode_as_the_full_grammar() {
        let cases = [
            r#"["\ud800\u0041", "\udc00", "\ud83d\ude00x"]"#,
            r#"["\ud800\ud800", "\u00e9\"\\\/\b\f\n\r\t"]"#,
            r#"["\u12", "a"]"#,
            r#"["\x"]"#,
            r#"["a\"#,
            r#"["ok", "\ud800\uzzzz"]"#,
            "[\"a\\n\tb\"]",
            "[\"\\n\u{1}\"]",
        ];
        for c in cases {
            let mut ast = Ast { src: c, ..Ast::default() };
            let full = match document(&mut ast, Line { s: c, base: 0 }, c) {
                Ok(true) => (Strings, ast.texts.iter().map(|t| ast.text(*t).to_string()).collect()),
                Ok(false) => (NonString, vec![]),
                Err(()) => (NotJson, vec![]),
            };
            assert_eq!(parse_json_array(c), full, "{c}");
        }
        assert_eq!(parse_json_array(r#"["\ud800\u0041"]"#), s(&["\u{fffd}A"]));
    }
}

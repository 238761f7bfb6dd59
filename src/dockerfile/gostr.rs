//! Go string semantics the frontend depends on: `strconv.Quote`, `unicode.IsSpace`,
//! `strings.TrimSpace`, `path.Clean`, `strings.ToLower/ToUpper`.

use std::fmt::Write;

/// Go's `unicode.IsSpace(rune(b))` applied to a single byte, as BuildKit's flag and
/// HEALTHCHECK scanners do (so bytes 0x85 and 0xA0 count as spaces).
#[inline(always)]
pub(crate) fn is_space_byte(b: u8) -> bool {
    is_ascii_space(b) | (b == 0x85) | (b == 0xa0)
}

/// Bit `b` is set for the bytes of `\t\n\v\f\r `.
const ASCII_SPACE: u64 = 1 << b'\t' | 1 << b'\n' | 1 << 0x0b | 1 << 0x0c | 1 << b'\r' | 1 << b' ';
/// Bit `b` is set for the bytes of `\t\v\f\r `.
const RE_WS: u64 = ASCII_SPACE & !(1 << b'\n');

/// ASCII whitespace as Go's `unicode.IsSpace` sees it (beyond ASCII, `unicode.IsSpace` is
/// the White_Space property, as Rust's `char::is_whitespace`).
#[inline(always)]
pub(crate) fn is_ascii_space(b: u8) -> bool {
    // Branch-free: a bit test below 64.
    (b < 64) & (ASCII_SPACE >> (b & 63) & 1 != 0)
}

/// The byte length of the UTF-8 sequence starting with `b`.
#[inline(always)]
pub(crate) fn char_len(b: u8) -> usize {
    match b {
        0..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

/// The width of the whitespace character at byte `i` of `s` (0 when it is not one).
#[inline(always)]
pub(crate) fn space_width(s: &str, i: usize) -> usize {
    let b = s.as_bytes()[i];
    if b < 0x80 {
        return usize::from(is_ascii_space(b));
    }
    match s.get(i..).and_then(|r| r.chars().next()) {
        Some(c) if c.is_whitespace() => c.len_utf8(),
        _ => 0,
    }
}

/// The index of the first non-space character of `s[i..end]` (`end` when there is none).
#[inline(always)]
pub(crate) fn skip_space_to(s: &str, i: usize, end: usize) -> usize {
    // Most text starts with a plain ASCII byte.
    match s.as_bytes().get(i) {
        Some(&c) if i < end && c < 0x80 && !is_ascii_space(c) => i,
        _ => skip_space_slow(s, i, end),
    }
}

fn skip_space_slow(s: &str, mut i: usize, end: usize) -> usize {
    let b = s.as_bytes();
    while i < end {
        let c = b[i];
        if c < 0x80 {
            if !is_ascii_space(c) {
                break;
            }
            i += 1;
            continue;
        }
        let w = space_width(s, i);
        if w == 0 {
            break;
        }
        i += w;
    }
    i
}

/// The end of `s[..end]` once trailing spaces are removed (not going below `start`).
#[inline(always)]
pub(crate) fn back_space(s: &str, start: usize, end: usize) -> usize {
    // Most text ends in a plain ASCII byte.
    match s.as_bytes().get(end.wrapping_sub(1)) {
        Some(&c) if end > start && c < 0x80 && !is_ascii_space(c) => end,
        _ => back_space_slow(s, start, end),
    }
}

fn back_space_slow(s: &str, start: usize, mut end: usize) -> usize {
    let b = s.as_bytes();
    while end > start {
        let last = b[end - 1];
        if last < 0x80 {
            if !is_ascii_space(last) {
                break;
            }
            end -= 1;
            continue;
        }
        match s.get(start..end).and_then(|t| t.chars().next_back()) {
            Some(c) if c.is_whitespace() => end -= c.len_utf8(),
            _ => break,
        }
    }
    end
}

/// Go's `strings.TrimSpace`.
pub(crate) fn trim_space(s: &str) -> &str {
    trim_right_space(trim_left_space(s))
}

/// Go's `strings.TrimLeftFunc(s, unicode.IsSpace)`.
#[inline]
pub(crate) fn trim_left_space(s: &str) -> &str {
    match s.as_bytes().first() {
        Some(&b) if b < 0x80 && !is_ascii_space(b) => return s,
        None => return s,
        _ => {}
    }
    let mut i = 0;
    while i < s.len() {
        let w = space_width(s, i);
        if w == 0 {
            break;
        }
        i += w;
    }
    &s[i..]
}

/// Go's `strings.TrimRightFunc(s, unicode.IsSpace)`.
pub(crate) fn trim_right_space(s: &str) -> &str {
    let b = s.as_bytes();
    let mut end = b.len();
    while end > 0 {
        let last = b[end - 1];
        if last < 0x80 {
            if !is_ascii_space(last) {
                break;
            }
            end -= 1;
            continue;
        }
        match s[..end].chars().next_back() {
            Some(c) if c.is_whitespace() => end -= c.len_utf8(),
            _ => break,
        }
    }
    &s[..end]
}

/// BuildKit's `reWhitespace` class `[\t\v\f\r ]`.
#[inline(always)]
pub(crate) fn is_re_ws_byte(b: u8) -> bool {
    (b < 64) & (RE_WS >> (b & 63) & 1 != 0)
}

/// Approximates Go's `unicode.IsPrint` (letters, marks, numbers, punctuation, symbols and
/// ASCII space); without Unicode tables, known non-printing ranges are excluded.
fn is_print(c: char) -> bool {
    let u = c as u32;
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(u,
        0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x180e | 0x200b..=0x200f | 0x202a..=0x202e
        | 0x2060..=0x206f | 0xd800..=0xdfff | 0xe000..=0xf8ff | 0xfeff | 0xfff9..=0xfffb
        | 0xfffe | 0xffff | 0x1bca0..=0x1bca3 | 0x1d173..=0x1d17a | 0xe0000..=0xe007f
        | 0xf0000..=0x10ffff)
}

/// Go's `strconv.Quote`.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    quote_into(&mut out, s);
    out
}

/// Appends Go's `strconv.Quote(s)` to `out`.
pub(crate) fn quote_into(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if is_print(c) => out.push(c),
            c if (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
}

/// Go's `fmt.Sprintf("%q", []string{...})`: `["a" "b"]`.
pub(crate) fn quote_list<S: AsRef<str>>(items: &[S]) -> String {
    let mut out = String::from("[");
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        quote_into(&mut out, s.as_ref());
    }
    out.push(']');
    out
}

/// Go's `path.Clean` (slash-separated, as `filepath.Clean` on Unix).
pub(crate) fn clean_path(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".into(),
        (false, false) => body,
    }
}

/// The Levenshtein distance over characters (agext/levenshtein with default costs).
pub(crate) fn levenshtein(a: &str, b: &str) -> u32 {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<u32> = (0..=b.len() as u32).collect();
    let mut cur = vec![0u32; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i as u32 + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + u32::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// BuildKit's `suggest.Search`: the closest option within distance 2, or `None` when `val`
/// is an option itself. Ties go to the first option in `options` order (Go iterates a map).
pub(crate) fn suggest(val: &str, options: &[&str], case_sensitive: bool) -> Option<String> {
    let v = if case_sensitive { val.to_string() } else { val.to_lowercase() };
    let mut best: Option<String> = None;
    let mut min = 3;
    for opt in options {
        let o = if case_sensitive { opt.to_string() } else { opt.to_lowercase() };
        if o == v {
            return None;
        }
        // The distance is at least the difference in length: skip hopeless options.
        let (lv, lo) = (v.chars().count() as u32, o.chars().count() as u32);
        if lv.abs_diff(lo) >= min {
            continue;
        }
        let d = levenshtein(&v, &o);
        if d < min {
            min = d;
            best = Some(if case_sensitive { o } else { match_case(&o, val) });
        }
    }
    best
}

fn match_case(val: &str, orig: &str) -> String {
    if orig == orig.to_lowercase() {
        val.to_lowercase()
    } else if orig == orig.to_uppercase() {
        val.to_uppercase()
    } else {
        val.to_string()
    }
}

/// `err + " (did you mean X?)"` when BuildKit's suggestion finds one.
pub(crate) fn with_suggestion(msg: String, val: &str, options: &[&str], case_sensitive: bool) -> String {
    match suggest(val, options, case_sensitive) {
        Some(m) => format!("{msg} (did you mean {m}?)"),
        None => msg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_like_go() {
        assert_eq!(quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(quote("\x00\x07\u{7f}"), r#""\x00\a\x7f""#);
        assert_eq!(quote("♥ é"), "\"♥ é\"");
        assert_eq!(quote("\u{a0}\u{feff}"), r#""\u00a0\ufeff""#);
        assert_eq!(quote_list(&["--a=b", "--c"]), r#"["--a=b" "--c"]"#);
    }

    #[test]
    fn clean_like_go() {
        for (i, o) in [("", "."), ("a/../..", ".."), ("/../a", "/a"), ("./a//b/", "a/b"), ("/", "/"), ("a/./b/..", "a")] {
            assert_eq!(clean_path(i), o, "{i}");
        }
    }

    #[test]
    fn suggestions() {
        let names = ["ADD", "ARG", "CMD", "COPY", "RUN"];
        assert_eq!(suggest("RUNN", &names, false).as_deref(), Some("RUN"));
        assert_eq!(suggest("runn", &names, false).as_deref(), Some("run"));
        assert_eq!(suggest("Runn", &names, false).as_deref(), Some("run"));
        assert_eq!(suggest("XYZWV", &names, false), None);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
    }
}

//! How one logical line becomes a node: the instruction word, its `--flags`, and the
//! arguments split per instruction (BuildKit's `split_command.go` and `line_parsers.go`).
//!
//! The line is read as bytes at offsets; every argument that is a slice of it becomes a
//! [`Text`] without copying (only unquoted flags, decoded JSON escapes and lossy UTF-8 are built).

use super::gostr::{back_space, char_len, is_re_ws_byte, is_space_byte, quote, skip_space_to, space_width};
use super::json::{parse_json_array, JsonArgs};
use super::{Ast, Keyword, Node, Pool, Text};

/// Deepest `ONBUILD ONBUILD …` nesting the parser builds (BuildKit has no limit).
pub(crate) const MAX_ONBUILD_DEPTH: u32 = 64;

/// A line being split, and the offset of its first byte in the [`Ast`]'s text.
#[derive(Clone, Copy)]
pub(crate) struct Line<'l> {
    pub s: &'l str,
    pub base: u32,
}

impl Line<'_> {
    /// The [`Text`] of bytes `start..end` of the line.
    #[inline(always)]
    pub(crate) fn at(&self, start: usize, end: usize) -> Text {
        Text { start: self.base.wrapping_add(start as u32), end: self.base.wrapping_add(end as u32) }
    }

    /// The [`Text`] of `sub`, a slice of this line.
    #[inline(always)]
    pub(crate) fn text(&self, sub: &str) -> Text {
        debug_assert!(sub.as_ptr() >= self.s.as_ptr() && sub.len() <= self.s.len());
        let off = (sub.as_ptr() as usize).wrapping_sub(self.s.as_ptr() as usize);
        self.at(off, off + sub.len())
    }
}

/// A word of up to 12 ASCII letters packed case-insensitively, five bits a letter.
const fn pack(w: &[u8]) -> u64 {
    let mut k = 0;
    let mut i = 0;
    while i < w.len() {
        k = k << 5 | (w[i] & 0x1f) as u64;
        i += 1;
    }
    k
}

/// The instruction of a word, case-insensitively, without allocating.
fn keyword(b: &[u8]) -> Keyword {
    use Keyword as K;
    const RUN: u64 = pack(b"run");
    const ENV: u64 = pack(b"env");
    const ADD: u64 = pack(b"add");
    const CMD: u64 = pack(b"cmd");
    const ARG: u64 = pack(b"arg");
    const FROM: u64 = pack(b"from");
    const COPY: u64 = pack(b"copy");
    const USER: u64 = pack(b"user");
    const LABEL: u64 = pack(b"label");
    const SHELL: u64 = pack(b"shell");
    const EXPOSE: u64 = pack(b"expose");
    const VOLUME: u64 = pack(b"volume");
    const WORKDIR: u64 = pack(b"workdir");
    const ONBUILD: u64 = pack(b"onbuild");
    const ENTRYPOINT: u64 = pack(b"entrypoint");
    const MAINTAINER: u64 = pack(b"maintainer");
    const STOPSIGNAL: u64 = pack(b"stopsignal");
    const HEALTHCHECK: u64 = pack(b"healthcheck");
    if !(3..=11).contains(&b.len()) || !b.iter().all(u8::is_ascii_alphabetic) {
        return K::Unknown;
    }
    match pack(b) {
        RUN => K::Run,
        ENV => K::Env,
        ADD => K::Add,
        CMD => K::Cmd,
        ARG => K::Arg,
        FROM => K::From,
        COPY => K::Copy,
        USER => K::User,
        LABEL => K::Label,
        SHELL => K::Shell,
        EXPOSE => K::Expose,
        VOLUME => K::Volume,
        WORKDIR => K::Workdir,
        ONBUILD => K::Onbuild,
        ENTRYPOINT => K::Entrypoint,
        MAINTAINER => K::Maintainer,
        STOPSIGNAL => K::Stopsignal,
        HEALTHCHECK => K::Healthcheck,
        _ => K::Unknown,
    }
}

/// The lower-cased word of an unknown instruction (Go's `strings.ToLower`).
fn lower_value(ast: &mut Ast<'_>, l: Line<'_>, start: usize, end: usize) -> Text {
    let cmd = l.s.get(start..end).unwrap_or("");
    if !cmd.bytes().any(|c| c.is_ascii_uppercase() || c >= 0x80) {
        return l.at(start, end);
    }
    ast.own(&cmd.to_lowercase())
}

/// What [`dispatch`] found besides the arguments it pushed.
#[derive(Default)]
struct Shape {
    json: bool,
    sub: Option<u32>,
}

/// BuildKit's `newNodeFromLine`: splits `line` (at `base` in the tree's text) and dispatches on
/// the instruction word. Flags and arguments go to `ast.texts` (`comments` are already there),
/// the node to `ast.children` (at `depth` 0) or `ast.subs`.
pub(crate) fn node_from_line(ast: &mut Ast<'_>, line: &str, base: u32, comments: Pool, escape: char, depth: u32) -> Result<(), String> {
    let l = Line { s: line, base };
    let b = line.as_bytes();
    let start = skip_space_to(line, 0, b.len());
    let end = back_space(line, start, b.len());
    let mut cmd_end = start;
    while cmd_end < end && !is_re_ws_byte(b[cmd_end]) {
        cmd_end += 1;
    }
    let kind = keyword(&b[start..cmd_end]);
    let value = if kind == Keyword::Unknown { lower_value(ast, l, start, cmd_end) } else { Text::default() };
    let flags_start = ast.texts.len() as u32;
    let mut flags = Pool { start: flags_start, end: flags_start };
    let mut after = cmd_end;
    while after < end && is_re_ws_byte(b[after]) {
        after += 1;
    }
    let shape = if after + 1 < end && b[after] == b'-' && b[after + 1] == b'-' {
        let rest = extract_builder_flags(ast, l, after, end, escape);
        flags.end = ast.texts.len() as u32;
        match rest {
            Ok(r) => dispatch(ast, l, kind, trim(line, r, end), escape, depth)?,
            Err(r) => {
                let o = Line { s: &r, base: ast.own(&r).start };
                dispatch(ast, o, kind, trim(&r, 0, r.len()), escape, depth)?
            }
        }
    } else {
        dispatch(ast, l, kind, (skip_space_to(line, after, end), end), escape, depth)?
    };
    // ONBUILD's own arguments are empty: what follows `flags` belongs to its sub-node.
    let args_end = if shape.sub.is_some() { flags.end } else { ast.texts.len() as u32 };
    let node = Node {
        kind,
        json: shape.json,
        span: super::Span::default(),
        start_line: 0,
        end_line: 0,
        name: l.at(start, cmd_end),
        value,
        original: l.at(0, b.len()),
        flags,
        args: Pool { start: flags.end, end: args_end },
        comments,
        heredocs: Pool::default(),
        sub: shape.sub,
    };
    if depth == 0 {
        ast.children.push(node);
    } else {
        ast.subs.push(node);
    }
    Ok(())
}

/// `strings.TrimSpace` of `s[start..end]`, as offsets.
#[inline]
fn trim(s: &str, start: usize, end: usize) -> (usize, usize) {
    let start = skip_space_to(s, start, end);
    (start, back_space(s, start, end))
}

/// Dispatches the rest of the line, `l.s[start..end]` (trimmed), on the instruction.
fn dispatch(ast: &mut Ast<'_>, l: Line<'_>, kind: Keyword, (start, end): (usize, usize), escape: char, depth: u32) -> Result<Shape, String> {
    use Keyword as K;
    let mut shape = Shape::default();
    let empty = start >= end;
    match kind {
        K::Add | K::Copy | K::Volume => shape.json = maybe_json_to_list(ast, l, start, end)?,
        K::Arg => {
            let mut w = Words { s: l.s, end, escape: escape as u32, i: start };
            while let Some((a, b)) = w.next() {
                ast.texts.push(l.at(a, b));
            }
        }
        K::Cmd | K::Entrypoint | K::Run | K::Shell => shape.json = maybe_json(ast, l, start, end)?,
        K::Env => name_val(ast, l, start, end, "ENV", escape)?,
        K::Label => name_val(ast, l, start, end, "LABEL", escape)?,
        K::Expose | K::From => whitespace_delimited(ast, l, start, end),
        K::Healthcheck => shape.json = health_config(ast, l, start, end)?,
        K::Maintainer | K::Stopsignal | K::User | K::Workdir if empty => {}
        K::Maintainer | K::Stopsignal | K::User | K::Workdir => ast.texts.push(l.at(start, end)),
        K::Onbuild => shape.sub = sub_command(ast, l, start, end, escape, depth)?,
        // Unknown instructions keep a single empty argument (BuildKit's parseIgnore).
        K::Unknown => ast.texts.push(Text::default()),
    }
    Ok(shape)
}

/// BuildKit's `extractBuilderFlags` on `l.s[start..end]`: leading `--words` (bytes, as Go's
/// loop reads them) go to `ast.texts`. Returns where the rest starts, or the rest itself when
/// that is not a character boundary (Go slices bytes; it is then read lossily).
pub(crate) fn extract_builder_flags(ast: &mut Ast<'_>, l: Line<'_>, start: usize, end: usize, escape: char) -> Result<usize, String> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let line = l.s;
    let b = &line.as_bytes()[..end];
    let esc = escape as u32;
    let rest_at = |pos: usize| match line.is_char_boundary(pos) {
        true => Ok(pos),
        false => Err(String::from_utf8_lossy(&b[pos..]).into_owned()),
    };
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut quote = 0u8;
    let mut blank_ok = false;
    let mut pos = start;
    while pos <= b.len() {
        let at_end = pos == b.len();
        let mut ch = if at_end { 0 } else { b[pos] };
        if phase == Phase::Spaces {
            if at_end {
                break;
            }
            if is_space_byte(ch) {
                pos += 1;
                continue;
            }
            if ch != b'-' || pos + 1 == b.len() || b[pos + 1] != b'-' {
                return rest_at(pos);
            }
            phase = Phase::Word;
            // Fast path: a plain ASCII word (no quotes, escapes or odd spaces) is taken whole.
            let plain = |c: u8| c.is_ascii_graphic() && c != b'\'' && c != b'"' && u32::from(c) != esc;
            let mut stop = pos;
            while stop < b.len() && plain(b[stop]) {
                stop += 1;
            }
            if stop == b.len() || b[stop] == b' ' || b[stop] == b'\t' {
                if stop == pos + 2 {
                    // A lone `--` ends the flags.
                    return rest_at(stop);
                }
                ast.texts.push(l.at(pos, stop));
                phase = Phase::Spaces;
                pos = stop;
                continue;
            }
        }
        if at_end {
            if word != "--" && (blank_ok || !word.is_empty()) {
                let t = ast.own(&word);
                ast.texts.push(t);
            }
            break;
        }
        if phase == Phase::Word {
            if is_space_byte(ch) {
                phase = Phase::Spaces;
                if word == "--" {
                    return rest_at(pos);
                }
                if blank_ok || !word.is_empty() {
                    let t = ast.own(&word);
                    ast.texts.push(t);
                }
                word.clear();
                blank_ok = false;
                pos += 1;
                continue;
            }
            if ch == b'\'' || ch == b'"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
                pos += 1;
                continue;
            }
            if u32::from(ch) == esc {
                if pos + 1 == b.len() {
                    pos += 1;
                    continue;
                }
                pos += 1;
                ch = b[pos];
            }
            word.push(char::from(ch));
            pos += 1;
            continue;
        }
        // Quote phase.
        if ch == quote {
            phase = Phase::Word;
            pos += 1;
            continue;
        }
        if u32::from(ch) == esc {
            if pos + 1 == b.len() {
                phase = Phase::Word;
                pos += 1;
                continue;
            }
            pos += 1;
            ch = b[pos];
        }
        word.push(char::from(ch));
        pos += 1;
    }
    Ok(end)
}

/// BuildKit's `parseWords`: splits on whitespace, keeping quotes and escapes in the words
/// (each word is a slice of `rest`; only an escape at the very end is dropped).
#[cfg(test)]
pub(crate) fn parse_words(rest: &str, escape: char) -> Vec<&str> {
    let mut w = Words { s: rest, end: rest.len(), escape: escape as u32, i: 0 };
    std::iter::from_fn(|| w.next().map(|(a, b)| &rest[a..b])).collect()
}

/// Bytes [`Words`] must look at: spaces, quotes, escapes and non-ASCII (all others are 0).
static WORD_STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = matches!(i as u8, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | b'\'' | b'"' | b'\\' | b'`') || i >= 0x80;
        i += 1;
    }
    t
};

/// The words of [`parse_words`] in `s[i..end]`, one at a time, as offsets.
struct Words<'a> {
    s: &'a str,
    end: usize,
    escape: u32,
    i: usize,
}

impl Words<'_> {
    fn next(&mut self) -> Option<(usize, usize)> {
        let (s, b, n) = (self.s, self.s.as_bytes(), self.end);
        let mut i = self.i;
        loop {
            i = skip_space_to(s, i, n);
            if i >= n {
                self.i = n;
                return None;
            }
            let start = i;
            let mut blank_ok = false;
            let mut quote = 0u8;
            let end = loop {
                if i >= n {
                    break n;
                }
                let c = b[i];
                if !WORD_STOP[usize::from(c)] {
                    i += 1;
                    continue;
                }
                if quote == 0 && space_width(s, i) > 0 {
                    break i;
                }
                if quote == 0 && (c == b'\'' || c == b'"') {
                    quote = c;
                    blank_ok = true;
                    i += 1;
                    continue;
                }
                if quote != 0 && c == quote {
                    quote = 0;
                    i += 1;
                    continue;
                }
                // An escape takes the next character along (not inside '…'); a final one is dropped.
                if u32::from(c) == self.escape && quote != b'\'' {
                    if i + 1 >= n {
                        i = n;
                        break n - 1;
                    }
                    i += 1 + char_len(b[i + 1]);
                    continue;
                }
                i += char_len(c);
            };
            self.i = i;
            if blank_ok || end > start {
                return Some((start, end));
            }
        }
    }
}

/// BuildKit's `parseNameVal` for ENV and LABEL: `key value` or `k=v k2=v2`, as triples.
fn name_val(ast: &mut Ast<'_>, l: Line<'_>, start: usize, end: usize, key: &str, escape: char) -> Result<(), String> {
    let b = l.s.as_bytes();
    let mut words = Words { s: l.s, end, escape: escape as u32, i: start };
    let Some(first) = words.next() else { return Ok(()) };
    let eq = |(a, e): (usize, usize)| b[a..e].iter().position(|&c| c == b'=').map(|p| a + p);
    if eq(first).is_none() {
        // `reWhitespace.Split(rest, 2)`: the key, then the value after the blanks.
        let mut k = start;
        while k < end && !is_re_ws_byte(b[k]) {
            k += 1;
        }
        let mut v = k;
        while v < end && is_re_ws_byte(b[v]) {
            v += 1;
        }
        if k == end {
            return Err(format!("{key} must have two arguments"));
        }
        ast.texts.extend([l.at(start, k), l.at(v, end), Text::default()]);
        return Ok(());
    }
    let mut w = Some(first);
    while let Some((a, e)) = w {
        let Some(at) = eq((a, e)) else {
            return Err(format!("Syntax error - can't find = in {}. Must be of the form: name=value", quote(l.s.get(a..e).unwrap_or(""))));
        };
        // The `=` delimiter is the source's own byte between the key and the value.
        ast.texts.extend([l.at(a, at), l.at(at + 1, e), l.at(at, at + 1)]);
        w = words.next();
    }
    Ok(())
}

/// `reWhitespace.Split(rest, -1)` of a trimmed rest (nothing when it is empty).
fn whitespace_delimited(ast: &mut Ast<'_>, l: Line<'_>, start: usize, end: usize) {
    let b = l.s.as_bytes();
    let mut i = start;
    while i < end {
        let w = i;
        while i < end && !is_re_ws_byte(b[i]) {
            i += 1;
        }
        if i > w {
            ast.texts.push(l.at(w, i));
        }
        while i < end && is_re_ws_byte(b[i]) {
            i += 1;
        }
    }
}

const NOT_STRINGS: &str = "when using JSON array syntax, arrays must be comprised of strings only";

/// BuildKit's `parseMaybeJSON`: a JSON array, or the whole rest as one shell-form string.
/// `Ok(true)` for the JSON form.
fn maybe_json(ast: &mut Ast<'_>, l: Line<'_>, start: usize, end: usize) -> Result<bool, String> {
    if start >= end {
        return Ok(false);
    }
    match parse_json_array(ast, l, start, end) {
        JsonArgs::Strings => Ok(true),
        JsonArgs::NonString => Err(NOT_STRINGS.into()),
        JsonArgs::NotJson => {
            ast.texts.push(l.at(start, end));
            Ok(false)
        }
    }
}

/// BuildKit's `parseMaybeJSONToList`: a JSON array, or whitespace-separated words.
fn maybe_json_to_list(ast: &mut Ast<'_>, l: Line<'_>, start: usize, end: usize) -> Result<bool, String> {
    match parse_json_array(ast, l, start, end) {
        JsonArgs::Strings => Ok(true),
        JsonArgs::NonString => Err(NOT_STRINGS.into()),
        JsonArgs::NotJson => {
            whitespace_delimited(ast, l, start, end);
            Ok(false)
        }
    }
}

/// BuildKit's `parseHealthConfig`: the type word (`CMD`, `NONE`…) then a CMD-like rest.
fn health_config(ast: &mut Ast<'_>, l: Line<'_>, start: usize, end: usize) -> Result<bool, String> {
    let b = &l.s.as_bytes()[..end];
    let sep = b[start..].iter().position(|&c| is_space_byte(c)).map_or(end, |p| start + p);
    if sep == start {
        return Ok(false);
    }
    let next = b[sep..].iter().position(|&c| !is_space_byte(c)).map_or(end, |p| sep + p);
    let typ = match l.s.is_char_boundary(sep) {
        true => l.at(start, sep),
        false => ast.own(&String::from_utf8_lossy(&b[start..sep])),
    };
    ast.texts.push(typ);
    if l.s.is_char_boundary(next) {
        maybe_json(ast, l, next, end)
    } else {
        let r = String::from_utf8_lossy(&b[next..]).into_owned();
        let o = Line { s: &r, base: ast.own(&r).start };
        maybe_json(ast, o, 0, r.len())
    }
}

/// BuildKit's `parseSubCommand` for ONBUILD: the rest is an instruction of its own (kept in
/// `ast.subs`; its index is returned).
fn sub_command(ast: &mut Ast<'_>, l: Line<'_>, start: usize, end: usize, escape: char, depth: u32) -> Result<Option<u32>, String> {
    if start >= end {
        return Ok(None);
    }
    if depth >= MAX_ONBUILD_DEPTH {
        return Err(format!("dockling: ONBUILD nested more than {MAX_ONBUILD_DEPTH} levels deep"));
    }
    let rest = l.s.get(start..end).unwrap_or("");
    node_from_line(ast, rest, l.at(start, end).start, Pool::default(), escape, depth + 1)?;
    Ok(Some(ast.subs.len() as u32 - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_as_upstream() {
        fn w(s: &str) -> Vec<&str> {
            parse_words(s, '\\')
        }
        assert_eq!(w("foo"), vec!["foo"]);
        assert_eq!(w("foo bar"), vec!["foo", "bar"]);
        assert_eq!(w("foo\\ bar"), vec!["foo\\ bar"]);
        assert_eq!(w("foo=bar"), vec!["foo=bar"]);
        assert_eq!(w("foo bar 'abc xyz'"), vec!["foo", "bar", "'abc xyz'"]);
        assert_eq!(w("foo bar \"abc xyz\""), vec!["foo", "bar", "\"abc xyz\""]);
        assert_eq!(w("àöû"), vec!["àöû"]);
        assert_eq!(w("föo bàr \"âbc xÿz\""), vec!["föo", "bàr", "\"âbc xÿz\""]);
        assert_eq!(w("a=\"\" b"), vec!["a=\"\"", "b"]);
    }

    /// Parses `line` as a one-line source: (texts of flags, args, sub's args, json).
    fn split(line: &str) -> Result<(Vec<String>, Vec<String>), String> {
        let mut ast = Ast { src: line, ..Ast::default() };
        node_from_line(&mut ast, line, 0, Pool::default(), '\\', 0)?;
        let r = ast.node(0).ok_or("no node")?;
        let own = |t: super::super::Texts| t.iter().map(String::from).collect::<Vec<_>>();
        Ok((own(r.flags()), own(r.args())))
    }

    #[test]
    fn builder_flags() {
        let f = |s: &str| {
            let mut ast = Ast { src: s, ..Ast::default() };
            let r = match extract_builder_flags(&mut ast, Line { s, base: 0 }, 0, s.len(), '\\') {
                Ok(at) => s[at..].to_string(),
                Err(r) => r,
            };
            let words: Vec<String> = ast.texts.iter().map(|t| ast.text(*t).to_string()).collect();
            (r, words)
        };
        assert_eq!(f("--a=b --c src dst"), ("src dst".into(), vec!["--a=b".into(), "--c".into()]));
        assert_eq!(f("--x='a b' y"), ("y".into(), vec!["--x=a b".into()]));
        assert_eq!(f("-- --not-a-flag"), (" --not-a-flag".into(), vec![]));
        assert_eq!(f("--only"), ("".into(), vec!["--only".into()]));
        assert_eq!(f("--chown=ü x"), ("x".into(), vec!["--chown=\u{c3}\u{bc}".into()]));
        assert_eq!(split("COPY --from=a --x=\"q\" b c"), Ok((vec!["--from=a".into(), "--x=q".into()], vec!["b".into(), "c".into()])));
    }

    #[test]
    fn env_forms() {
        let args = |s: &str| split(s).map(|r| r.1);
        assert_eq!(args("ENV A=1 B=\"x y\"").unwrap(), vec!["A", "1", "=", "B", "\"x y\"", "="]);
        assert_eq!(args("ENV A  1 2").unwrap(), vec!["A", "1 2", ""]);
        assert_eq!(args("ENV A").unwrap_err(), "ENV must have two arguments");
        assert_eq!(args("LABEL a=b c").unwrap_err(), "Syntax error - can't find = in \"c\". Must be of the form: name=value");
        assert_eq!(args("HEALTHCHECK CMD [\"a\\tb\", \"c\"]").unwrap(), vec!["CMD", "a\tb", "c"]);
        assert_eq!(args("FooBar x").unwrap(), vec![""]);
        assert_eq!(args("ONBUILD RUN x").unwrap(), Vec::<String>::new());
    }
}

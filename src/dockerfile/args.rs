//! How one logical line becomes a node: the instruction word, its `--flags`, and the
//! arguments split per instruction (BuildKit's `split_command.go` and `line_parsers.go`).

use std::borrow::Cow;

use super::gostr::{back_space, char_len, is_re_ws_byte, is_space_byte, quote, skip_space, space_width, split2_ws, split_ws, trim_space};
use super::json::{parse_json_array, JsonArgs};
use super::{Ast, Keyword, Node, Pool, Text};

/// Deepest `ONBUILD ONBUILD …` nesting the parser builds (BuildKit has no limit).
pub(crate) const MAX_ONBUILD_DEPTH: u32 = 64;

/// A line being split, and the offset of its first byte in the [`Ast`]'s text: every slice
/// of it becomes a [`Text`] without copying.
#[derive(Clone, Copy)]
pub(crate) struct Line<'l> {
    pub s: &'l str,
    pub base: u32,
}

impl Line<'_> {
    /// The [`Text`] of `sub`, a slice of this line.
    #[inline(always)]
    pub(crate) fn text(&self, sub: &str) -> Text {
        debug_assert!(sub.as_ptr() >= self.s.as_ptr() && sub.len() <= self.s.len());
        let off = (sub.as_ptr() as usize).wrapping_sub(self.s.as_ptr() as usize) as u32;
        let start = self.base.wrapping_add(off);
        Text { start, end: start.wrapping_add(sub.len() as u32) }
    }
}

/// The instruction of a word, case-insensitively, without allocating.
fn keyword(cmd: &str) -> Keyword {
    use Keyword as K;
    let b = cmd.as_bytes();
    let is = |w: &[u8]| b.eq_ignore_ascii_case(w);
    // Dispatch on length first: one comparison per candidate at most.
    match b.len() {
        3 if is(b"run") => K::Run,
        3 if is(b"env") => K::Env,
        3 if is(b"add") => K::Add,
        3 if is(b"cmd") => K::Cmd,
        3 if is(b"arg") => K::Arg,
        4 if is(b"from") => K::From,
        4 if is(b"copy") => K::Copy,
        4 if is(b"user") => K::User,
        5 if is(b"label") => K::Label,
        5 if is(b"shell") => K::Shell,
        6 if is(b"expose") => K::Expose,
        6 if is(b"volume") => K::Volume,
        7 if is(b"workdir") => K::Workdir,
        7 if is(b"onbuild") => K::Onbuild,
        10 if is(b"entrypoint") => K::Entrypoint,
        10 if is(b"maintainer") => K::Maintainer,
        10 if is(b"stopsignal") => K::Stopsignal,
        11 if is(b"healthcheck") => K::Healthcheck,
        _ => K::Unknown,
    }
}

/// The lower-cased word of an unknown instruction (Go's `strings.ToLower`).
fn lower_value(ast: &mut Ast<'_>, l: Line<'_>, cmd: &str) -> Text {
    if !cmd.bytes().any(|c| c.is_ascii_uppercase() || c >= 0x80) {
        return l.text(cmd);
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
/// the instruction word. Flags and arguments go to `ast.texts`; `comments` are already there.
pub(crate) fn node_from_line(ast: &mut Ast<'_>, line: &str, base: u32, comments: Pool, escape: char, depth: u32) -> Result<Node, String> {
    let l = Line { s: line, base };
    // Byte offsets first, slices last: trimmed line, instruction word, rest.
    let b = line.as_bytes();
    let start = skip_space(line, 0);
    let end = back_space(line, start, b.len());
    let cmd_end = b[start..end].iter().position(|&c| is_re_ws_byte(c)).map_or(end, |p| start + p);
    let cmd = &line[start..cmd_end];
    let kind = keyword(cmd);
    let value = if kind == Keyword::Unknown { lower_value(ast, l, cmd) } else { Text::default() };
    let flags_start = ast.texts.len() as u32;
    let mut flags = Pool { start: flags_start, end: flags_start };
    let shape = if cmd_end == end {
        dispatch(ast, l, kind, "", escape, depth)?
    } else {
        let mut after = cmd_end;
        while after < end && is_re_ws_byte(b[after]) {
            after += 1;
        }
        if b[after..end].starts_with(b"--") {
            let rest = extract_builder_flags(ast, l, &line[after..end], escape);
            flags.end = ast.texts.len() as u32;
            match rest {
                Cow::Borrowed(r) => dispatch(ast, l, kind, trim_space(r), escape, depth)?,
                Cow::Owned(r) => {
                    let o = Line { s: &r, base: ast.own(&r).start };
                    dispatch(ast, o, kind, trim_space(&r), escape, depth)?
                }
            }
        } else {
            dispatch(ast, l, kind, &line[skip_space(line, after)..end], escape, depth)?
        }
    };
    // ONBUILD's own arguments are empty: what follows `flags` belongs to its sub-node.
    let args_end = if shape.sub.is_some() { flags.end } else { ast.texts.len() as u32 };
    Ok(Node {
        kind,
        json: shape.json,
        span: super::Span::default(),
        start_line: 0,
        end_line: 0,
        name: l.text(cmd),
        value,
        original: l.text(line),
        flags,
        args: Pool { start: flags.end, end: args_end },
        comments,
        heredocs: Pool::default(),
        sub: shape.sub,
    })
}

fn push_all<'l>(ast: &mut Ast<'_>, l: Line<'l>, words: impl Iterator<Item = &'l str>) {
    for w in words {
        ast.texts.push(l.text(w));
    }
}

fn dispatch(ast: &mut Ast<'_>, l: Line<'_>, kind: Keyword, rest: &str, escape: char, depth: u32) -> Result<Shape, String> {
    use Keyword as K;
    let mut shape = Shape::default();
    match kind {
        K::Add | K::Copy | K::Volume => shape.json = maybe_json_to_list(ast, l, rest)?,
        K::Arg => push_all(ast, l, Words { rest, escape: escape as u32, i: 0 }),
        K::Cmd | K::Entrypoint | K::Run | K::Shell => shape.json = maybe_json(ast, l, rest)?,
        K::Env => name_val(ast, l, rest, "ENV", escape)?,
        K::Label => name_val(ast, l, rest, "LABEL", escape)?,
        K::Expose | K::From => whitespace_delimited(ast, l, rest),
        K::Healthcheck => shape.json = health_config(ast, l, rest)?,
        K::Maintainer | K::Stopsignal | K::User | K::Workdir if rest.is_empty() => {}
        K::Maintainer | K::Stopsignal | K::User | K::Workdir => ast.texts.push(l.text(rest)),
        K::Onbuild => shape.sub = sub_command(ast, l, rest, escape, depth)?,
        // Unknown instructions keep a single empty argument (BuildKit's parseIgnore).
        K::Unknown => ast.texts.push(Text::default()),
    }
    Ok(shape)
}

/// BuildKit's `extractBuilderFlags`: leading `--words` (bytes, as Go's loop reads them) go to
/// `ast.texts`; returns the rest of the line.
pub(crate) fn extract_builder_flags<'l>(ast: &mut Ast<'_>, l: Line<'_>, line: &'l str, escape: char) -> Cow<'l, str> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let b = line.as_bytes();
    let esc = escape as u32;
    let rest_at = |pos: usize| match line.get(pos..) {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(String::from_utf8_lossy(&b[pos..]).into_owned()),
    };
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut quote = 0u8;
    let mut blank_ok = false;
    let mut pos = 0;
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
            let plain = |c: &u8| c.is_ascii_graphic() && *c != b'\'' && *c != b'"' && u32::from(*c) != esc;
            let stop = b[pos..].iter().position(|c| !plain(c)).map_or(b.len(), |r| pos + r);
            if stop == b.len() || b[stop] == b' ' || b[stop] == b'\t' {
                if stop == pos + 2 {
                    // A lone `--` ends the flags.
                    return rest_at(stop);
                }
                ast.texts.push(l.text(&line[pos..stop]));
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
    Cow::Borrowed("")
}

/// BuildKit's `parseWords`: splits on whitespace, keeping quotes and escapes in the words
/// (each word is a slice of `rest`; only an escape at the very end is dropped).
#[cfg(test)]
pub(crate) fn parse_words(rest: &str, escape: char) -> Vec<&str> {
    Words { rest, escape: escape as u32, i: 0 }.collect()
}

/// The words of [`parse_words`], one at a time.
struct Words<'a> {
    rest: &'a str,
    escape: u32,
    i: usize,
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let (rest, b) = (self.rest, self.rest.as_bytes());
        let n = b.len();
        let mut i = self.i;
        loop {
            while i < n {
                let w = space_width(rest, i);
                if w == 0 {
                    break;
                }
                i += w;
            }
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
                if quote == 0 && space_width(rest, i) > 0 {
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
                return Some(&rest[start..end]);
            }
        }
    }
}

/// BuildKit's `parseNameVal` for ENV and LABEL: `key value` or `k=v k2=v2`, as triples.
fn name_val(ast: &mut Ast<'_>, l: Line<'_>, rest: &str, key: &str, escape: char) -> Result<(), String> {
    let mut words = Words { rest, escape: escape as u32, i: 0 };
    let Some(first) = words.next() else { return Ok(()) };
    if !first.contains('=') {
        return match split2_ws(rest) {
            (k, Some(v)) => {
                ast.texts.extend([l.text(k), l.text(v), Text::default()]);
                Ok(())
            }
            _ => Err(format!("{key} must have two arguments")),
        };
    }
    for w in std::iter::once(first).chain(words) {
        let Some((k, v)) = w.split_once('=') else {
            return Err(format!("Syntax error - can't find = in {}. Must be of the form: name=value", quote(w)));
        };
        // The `=` delimiter is the source's own byte between the key and the value.
        let k = l.text(k);
        ast.texts.extend([k, l.text(v), Text { start: k.end, end: k.end + 1 }]);
    }
    Ok(())
}

fn whitespace_delimited(ast: &mut Ast<'_>, l: Line<'_>, rest: &str) {
    if !rest.is_empty() {
        split_ws(rest, &mut |w| ast.texts.push(l.text(w)));
    }
}

const NOT_STRINGS: &str = "when using JSON array syntax, arrays must be comprised of strings only";

/// BuildKit's `parseMaybeJSON`: a JSON array, or the whole rest as one shell-form string.
/// `Ok(true)` for the JSON form.
fn maybe_json(ast: &mut Ast<'_>, l: Line<'_>, rest: &str) -> Result<bool, String> {
    if rest.is_empty() {
        return Ok(false);
    }
    match parse_json_array(ast, l, rest) {
        JsonArgs::Strings => Ok(true),
        JsonArgs::NonString => Err(NOT_STRINGS.into()),
        JsonArgs::NotJson => {
            ast.texts.push(l.text(rest));
            Ok(false)
        }
    }
}

/// BuildKit's `parseMaybeJSONToList`: a JSON array, or whitespace-separated words.
fn maybe_json_to_list(ast: &mut Ast<'_>, l: Line<'_>, rest: &str) -> Result<bool, String> {
    match parse_json_array(ast, l, rest) {
        JsonArgs::Strings => Ok(true),
        JsonArgs::NonString => Err(NOT_STRINGS.into()),
        JsonArgs::NotJson => {
            whitespace_delimited(ast, l, rest);
            Ok(false)
        }
    }
}

/// BuildKit's `parseHealthConfig`: the type word (`CMD`, `NONE`…) then a CMD-like rest.
fn health_config(ast: &mut Ast<'_>, l: Line<'_>, rest: &str) -> Result<bool, String> {
    let b = rest.as_bytes();
    let sep = b.iter().position(|&c| is_space_byte(c)).unwrap_or(b.len());
    if sep == 0 {
        return Ok(false);
    }
    let next = b[sep..].iter().position(|&c| !is_space_byte(c)).map_or(b.len(), |p| sep + p);
    let typ = match rest.get(..sep) {
        Some(t) => l.text(t),
        None => ast.own(&String::from_utf8_lossy(&b[..sep])),
    };
    ast.texts.push(typ);
    match rest.get(next..) {
        Some(r) => maybe_json(ast, l, r),
        None => {
            let r = String::from_utf8_lossy(&b[next..]).into_owned();
            let o = Line { s: &r, base: ast.own(&r).start };
            maybe_json(ast, o, &r)
        }
    }
}

/// BuildKit's `parseSubCommand` for ONBUILD: the rest is an instruction of its own (kept in
/// `ast.subs`; its index is returned).
fn sub_command(ast: &mut Ast<'_>, l: Line<'_>, rest: &str, escape: char, depth: u32) -> Result<Option<u32>, String> {
    if rest.is_empty() {
        return Ok(None);
    }
    if depth >= MAX_ONBUILD_DEPTH {
        return Err(format!("dockling: ONBUILD nested more than {MAX_ONBUILD_DEPTH} levels deep"));
    }
    let base = l.text(rest).start;
    let child = node_from_line(ast, rest, base, Pool::default(), escape, depth + 1)?;
    ast.subs.push(child);
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
        let n = node_from_line(&mut ast, line, 0, Pool::default(), '\\', 0)?;
        let r = super::super::NodeRef { ast: &ast, node: &n };
        let own = |t: super::super::Texts| t.iter().map(String::from).collect::<Vec<_>>();
        Ok((own(r.flags()), own(r.args())))
    }

    #[test]
    fn builder_flags() {
        let f = |s: &str| {
            let mut ast = Ast { src: s, ..Ast::default() };
            let r = extract_builder_flags(&mut ast, Line { s, base: 0 }, s, '\\').into_owned();
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

//! How one logical line becomes a node: the instruction word, its `--flags`, and the
//! arguments split per instruction (BuildKit's `split_command.go` and `line_parsers.go`).

use std::borrow::Cow;


use super::gostr::{back_space, char_len, is_re_ws_byte, is_space_byte, quote, skip_space, space_width, split2_ws, split_ws, trim_space};
use super::json::{parse_json_array, JsonArgs};
use super::{Keyword, Node};

/// Deepest `ONBUILD ONBUILD …` nesting the parser builds (BuildKit has no limit).
pub(crate) const MAX_ONBUILD_DEPTH: u32 = 64;

/// The arguments part of a node.
#[derive(Default)]
struct Args<'a> {
    args: Vec<Cow<'a, str>>,
    sub: Option<Box<Node<'a>>>,
    json: bool,
}

impl<'a> Args<'a> {
    fn list(args: Vec<Cow<'a, str>>) -> Args<'a> {
        Args { args, ..Args::default() }
    }
    fn one(arg: &'a str) -> Args<'a> {
        Args::list(vec![Cow::Borrowed(arg)])
    }
}

/// The instruction and its lower-cased word (borrowed for the known ones).
fn keyword(cmd: &str) -> (Keyword, Cow<'static, str>) {
    use Keyword as K;
    let mut buf = [0u8; 11];
    if cmd.len() <= buf.len() {
        for (d, s) in buf.iter_mut().zip(cmd.bytes()) {
            *d = s.to_ascii_lowercase();
        }
        let known = match &buf[..cmd.len()] {
            b"add" => (K::Add, "add"),
            b"arg" => (K::Arg, "arg"),
            b"cmd" => (K::Cmd, "cmd"),
            b"copy" => (K::Copy, "copy"),
            b"entrypoint" => (K::Entrypoint, "entrypoint"),
            b"env" => (K::Env, "env"),
            b"expose" => (K::Expose, "expose"),
            b"from" => (K::From, "from"),
            b"healthcheck" => (K::Healthcheck, "healthcheck"),
            b"label" => (K::Label, "label"),
            b"maintainer" => (K::Maintainer, "maintainer"),
            b"onbuild" => (K::Onbuild, "onbuild"),
            b"run" => (K::Run, "run"),
            b"shell" => (K::Shell, "shell"),
            b"stopsignal" => (K::Stopsignal, "stopsignal"),
            b"user" => (K::User, "user"),
            b"volume" => (K::Volume, "volume"),
            b"workdir" => (K::Workdir, "workdir"),
            _ => (K::Unknown, ""),
        };
        if known.0 != K::Unknown {
            return (known.0, Cow::Borrowed(known.1));
        }
    }
    (K::Unknown, Cow::Owned(cmd.to_lowercase()))
}

/// BuildKit's `newNodeFromLine`: splits `line` and dispatches on the instruction word.
pub(crate) fn node_from_line<'a>(line: &'a str, escape: char, comments: Vec<Cow<'a, str>>, depth: u32) -> Result<Node<'a>, String> {
    // Byte offsets first, slices last: trimmed line, instruction word, rest.
    let b = line.as_bytes();
    let start = skip_space(line, 0);
    let end = back_space(line, start, b.len());
    let cmd_end = b[start..end].iter().position(|&c| is_re_ws_byte(c)).map_or(end, |p| start + p);
    let cmd = &line[start..cmd_end];
    let (kind, value) = keyword(cmd);
    let mut flags = Vec::new();
    let a = if cmd_end == end {
        dispatch(kind, "", escape, depth)?
    } else {
        let mut after = cmd_end;
        while after < end && is_re_ws_byte(b[after]) {
            after += 1;
        }
        if b[after..end].starts_with(b"--") {
            let (rest, f) = extract_builder_flags(&line[after..end], escape);
            flags = f;
            match rest {
                Cow::Borrowed(r) => dispatch(kind, trim_space(r), escape, depth)?,
                Cow::Owned(r) => owned_args(dispatch(kind, trim_space(&r), escape, depth)?),
            }
        } else {
            dispatch(kind, &line[skip_space(line, after)..end], escape, depth)?
        }
    };
    Ok(Node {
        name: Cow::Borrowed(cmd),
        value,
        kind,
        original: Cow::Borrowed(line),
        flags,
        args: a.args,
        sub: a.sub,
        json: a.json,
        heredocs: Vec::new(),
        comments,
        span: super::Span::default(),
        start_line: 0,
        end_line: 0,
    })
}

fn owned_args(a: Args<'_>) -> Args<'static> {
    Args {
        args: a.args.into_iter().map(|c| Cow::Owned(c.into_owned())).collect(),
        sub: a.sub.map(|s| Box::new(s.into_owned())),
        json: a.json,
    }
}

fn dispatch(kind: Keyword, rest: &str, escape: char, depth: u32) -> Result<Args<'_>, String> {
    use Keyword as K;
    Ok(match kind {
        K::Add | K::Copy | K::Volume => maybe_json_to_list(rest)?,
        K::Arg => Args::list(Words { rest, escape: escape as u32, i: 0 }.map(Cow::Borrowed).collect()),
        K::Cmd | K::Entrypoint | K::Run | K::Shell => maybe_json(rest)?,
        K::Env => name_val(rest, "ENV", escape)?,
        K::Label => name_val(rest, "LABEL", escape)?,
        K::Expose | K::From => whitespace_delimited(rest),
        K::Healthcheck => health_config(rest)?,
        K::Maintainer | K::Stopsignal | K::User | K::Workdir if rest.is_empty() => Args::default(),
        K::Maintainer | K::Stopsignal | K::User | K::Workdir => Args::one(rest),
        K::Onbuild => sub_command(rest, escape, depth)?,
        // Unknown instructions keep a single empty argument (BuildKit's parseIgnore).
        K::Unknown => Args::one(""),
    })
}

/// BuildKit's `extractBuilderFlags`: leading `--words` (bytes, as Go's loop reads them).
pub(crate) fn extract_builder_flags(line: &str, escape: char) -> (Cow<'_, str>, Vec<String>) {
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
    let mut words = Vec::new();
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
                return (rest_at(pos), words);
            }
            phase = Phase::Word;
            // Fast path: a plain ASCII word (no quotes, escapes or odd spaces) is copied whole.
            let plain = |c: &u8| c.is_ascii_graphic() && *c != b'\'' && *c != b'"' && u32::from(*c) != esc;
            let stop = b[pos..].iter().position(|c| !plain(c)).map_or(b.len(), |r| pos + r);
            if stop == b.len() || b[stop] == b' ' || b[stop] == b'\t' {
                word.push_str(&line[pos..stop]);
                pos = stop;
                continue;
            }
        }
        if at_end {
            if word != "--" && (blank_ok || !word.is_empty()) {
                words.push(word);
            }
            break;
        }
        if phase == Phase::Word {
            if is_space_byte(ch) {
                phase = Phase::Spaces;
                if word == "--" {
                    return (rest_at(pos), words);
                }
                if blank_ok || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
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
    (Cow::Borrowed(""), words)
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
fn name_val<'a>(rest: &'a str, key: &str, escape: char) -> Result<Args<'a>, String> {
    let mut words = Words { rest, escape: escape as u32, i: 0 };
    let Some(first) = words.next() else { return Ok(Args::default()) };
    if !first.contains('=') {
        return match split2_ws(rest) {
            (k, Some(v)) => Ok(Args::list(vec![Cow::Borrowed(k), Cow::Borrowed(v), Cow::Borrowed("")])),
            _ => Err(format!("{key} must have two arguments")),
        };
    }
    let mut args = Vec::with_capacity(3);
    for w in std::iter::once(first).chain(words) {
        let Some((k, v)) = w.split_once('=') else {
            return Err(format!("Syntax error - can't find = in {}. Must be of the form: name=value", quote(w)));
        };
        args.extend([Cow::Borrowed(k), Cow::Borrowed(v), Cow::Borrowed("=")]);
    }
    Ok(Args::list(args))
}

fn whitespace_delimited(rest: &str) -> Args<'_> {
    if rest.is_empty() {
        return Args::default();
    }
    let mut out = Vec::with_capacity(4);
    split_ws(rest, &mut |w| out.push(Cow::Borrowed(w)));
    Args::list(out)
}

const NOT_STRINGS: &str = "when using JSON array syntax, arrays must be comprised of strings only";

/// BuildKit's `parseMaybeJSON`: a JSON array, or the whole rest as one shell-form string.
fn maybe_json(rest: &str) -> Result<Args<'_>, String> {
    if rest.is_empty() {
        return Ok(Args::default());
    }
    match parse_json_array(rest) {
        JsonArgs::Strings(v) => Ok(Args { args: v, json: true, sub: None }),
        JsonArgs::NonString => Err(NOT_STRINGS.into()),
        JsonArgs::NotJson => Ok(Args::one(rest)),
    }
}

/// BuildKit's `parseMaybeJSONToList`: a JSON array, or whitespace-separated words.
fn maybe_json_to_list(rest: &str) -> Result<Args<'_>, String> {
    match parse_json_array(rest) {
        JsonArgs::Strings(v) => Ok(Args { args: v, json: true, sub: None }),
        JsonArgs::NonString => Err(NOT_STRINGS.into()),
        JsonArgs::NotJson => Ok(whitespace_delimited(rest)),
    }
}

/// BuildKit's `parseHealthConfig`: the type word (`CMD`, `NONE`…) then a CMD-like rest.
fn health_config(rest: &str) -> Result<Args<'_>, String> {
    let b = rest.as_bytes();
    let sep = b.iter().position(|&c| is_space_byte(c)).unwrap_or(b.len());
    if sep == 0 {
        return Ok(Args::default());
    }
    let next = b[sep..].iter().position(|&c| !is_space_byte(c)).map_or(b.len(), |p| sep + p);
    let typ = match rest.get(..sep) {
        Some(t) => Cow::Borrowed(t),
        None => Cow::Owned(String::from_utf8_lossy(&b[..sep]).into_owned()),
    };
    let cmd = match rest.get(next..) {
        Some(r) => maybe_json(r)?,
        None => owned_args(maybe_json(&String::from_utf8_lossy(&b[next..]))?),
    };
    let mut args = vec![typ];
    args.extend(cmd.args);
    Ok(Args { args, json: cmd.json, sub: None })
}

/// BuildKit's `parseSubCommand` for ONBUILD: the rest is an instruction of its own.
fn sub_command(rest: &str, escape: char, depth: u32) -> Result<Args<'_>, String> {
    if rest.is_empty() {
        return Ok(Args::default());
    }
    if depth >= MAX_ONBUILD_DEPTH {
        return Err(format!("dockling: ONBUILD nested more than {MAX_ONBUILD_DEPTH} levels deep"));
    }
    let child = node_from_line(rest, escape, Vec::new(), depth + 1)?;
    Ok(Args { sub: Some(Box::new(child)), ..Args::default() })
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

    #[test]
    fn builder_flags() {
        let f = |s: &str| {
            let (r, w) = extract_builder_flags(s, '\\');
            (r.into_owned(), w)
        };
        assert_eq!(f("--a=b --c src dst"), ("src dst".into(), vec!["--a=b".into(), "--c".into()]));
        assert_eq!(f("--x='a b' y"), ("y".into(), vec!["--x=a b".into()]));
        assert_eq!(f("-- --not-a-flag"), (" --not-a-flag".into(), vec![]));
        assert_eq!(f("--only"), ("".into(), vec!["--only".into()]));
        assert_eq!(f("--chown=ü x"), ("x".into(), vec!["--chown=\u{c3}\u{bc}".into()]));
    }

    #[test]
    fn env_forms() {
        let n = node_from_line("ENV A=1 B=\"x y\"", '\\', vec![], 0).unwrap();
        assert_eq!(n.args, vec!["A", "1", "=", "B", "\"x y\"", "="]);
        let n = node_from_line("ENV A  1 2", '\\', vec![], 0).unwrap();
        assert_eq!(n.args, vec!["A", "1 2", ""]);
        assert_eq!(node_from_line("ENV A", '\\', vec![], 0).unwrap_err(), "ENV must have two arguments");
        assert_eq!(
            node_from_line("LABEL a=b c", '\\', vec![], 0).unwrap_err(),
            "Syntax error - can't find = in \"c\". Must be of the form: name=value"
        );
    }
}

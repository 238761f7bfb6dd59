//! How one logical line becomes a node: the instruction word, its `--flags`, and the
//! arguments split per instruction (BuildKit's `split_command.go` and `line_parsers.go`).

use std::borrow::Cow;

use nom::bytes::complete::take_till;
use nom::{IResult, Parser};

use super::gostr::{is_re_ws, is_space, is_space_byte, quote, split2_ws, split_ws, trim_space};
use super::json::{parse_json_array, JsonArgs};
use super::{Node, PErr};

/// Deepest `ONBUILD ONBUILD …` nesting the parser builds (BuildKit has no limit).
pub(crate) const MAX_ONBUILD_DEPTH: u32 = 64;

/// The arguments part of a node.
#[derive(Default)]
struct Args {
    args: Vec<String>,
    sub: Option<Box<Node>>,
    json: bool,
}

impl Args {
    fn list(args: Vec<String>) -> Args {
        Args { args, ..Args::default() }
    }
}

/// `command := [^\t\v\f\r ]+` at the start of the trimmed line.
fn command_word(i: &str) -> IResult<&str, &str, PErr<'_>> {
    take_till(is_re_ws).parse(i)
}

/// BuildKit's `newNodeFromLine`: splits `line` and dispatches on the instruction word.
pub(crate) fn node_from_line(line: &str, escape: char, comments: Vec<String>, depth: u32) -> Result<Node, String> {
    let trimmed = trim_space(line);
    let (cmd, flags, rest) = match command_word(trimmed) {
        Ok((after, cmd)) if !after.is_empty() => {
            let (rest, flags) = extract_builder_flags(after.trim_start_matches(is_re_ws), escape);
            let rest = match rest {
                Cow::Borrowed(r) => Cow::Borrowed(trim_space(r)),
                Cow::Owned(r) => Cow::Owned(trim_space(&r).to_string()),
            };
            (cmd, flags, rest)
        }
        _ => (trimmed, Vec::new(), Cow::Borrowed("")),
    };
    let value = cmd.to_lowercase();
    let a = dispatch(&value, &rest, escape, depth)?;
    Ok(Node {
        name: cmd.to_string(),
        value,
        original: line.to_string(),
        flags,
        args: a.args,
        sub: a.sub,
        json: a.json,
        comments,
        ..Node::default()
    })
}

fn dispatch(cmd: &str, rest: &str, escape: char, depth: u32) -> Result<Args, String> {
    Ok(match cmd {
        "add" | "copy" | "volume" => maybe_json_to_list(rest)?,
        "arg" => Args::list(parse_words(rest, escape)),
        "cmd" | "entrypoint" | "run" | "shell" => maybe_json(rest)?,
        "env" => name_val(rest, "ENV", escape)?,
        "label" => name_val(rest, "LABEL", escape)?,
        "expose" | "from" => whitespace_delimited(rest),
        "healthcheck" => health_config(rest)?,
        "maintainer" | "stopsignal" | "user" | "workdir" => {
            Args::list(if rest.is_empty() { Vec::new() } else { vec![rest.to_string()] })
        }
        "onbuild" => sub_command(rest, escape, depth)?,
        // Unknown instructions keep a single empty argument (BuildKit's parseIgnore).
        _ => Args::list(vec![String::new()]),
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

/// BuildKit's `parseWords`: splits on whitespace, keeping quotes and escapes in the words.
pub(crate) fn parse_words(rest: &str, escape: char) -> Vec<String> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut word = String::new();
    let mut it = rest.chars().peekable();
    loop {
        let cur = it.next();
        if phase == Phase::Spaces {
            match cur {
                None => break,
                Some(c) if is_space(c) => continue,
                Some(_) => phase = Phase::Word,
            }
        }
        let Some(mut ch) = cur else {
            if blank_ok || !word.is_empty() {
                words.push(word);
            }
            break;
        };
        if phase == Phase::Word {
            if is_space(ch) {
                phase = Phase::Spaces;
                if blank_ok || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                blank_ok = false;
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
            }
            if ch == escape {
                let Some(next) = it.next() else { continue };
                word.push(ch);
                ch = next;
            }
            word.push(ch);
            continue;
        }
        // Quote phase.
        if ch == quote {
            phase = Phase::Word;
        }
        if ch == escape && quote != '\'' {
            let Some(next) = it.next() else {
                phase = Phase::Word;
                continue;
            };
            word.push(ch);
            ch = next;
        }
        word.push(ch);
    }
    words
}

/// BuildKit's `parseNameVal` for ENV and LABEL: `key value` or `k=v k2=v2`, as triples.
fn name_val(rest: &str, key: &str, escape: char) -> Result<Args, String> {
    let words = parse_words(rest, escape);
    let Some(first) = words.first() else { return Ok(Args::default()) };
    if !first.contains('=') {
        return match split2_ws(rest) {
            (k, Some(v)) => Ok(Args::list(vec![k.to_string(), v.to_string(), String::new()])),
            _ => Err(format!("{key} must have two arguments")),
        };
    }
    let mut args = Vec::with_capacity(words.len() * 3);
    for w in words {
        let Some((k, v)) = w.split_once('=') else {
            return Err(format!("Syntax error - can't find = in {}. Must be of the form: name=value", quote(&w)));
        };
        args.push(k.to_string());
        args.push(v.to_string());
        args.push("=".into());
    }
    Ok(Args::list(args))
}

fn whitespace_delimited(rest: &str) -> Args {
    Args::list(if rest.is_empty() { Vec::new() } else { split_ws(rest) })
}

const NOT_STRINGS: &str = "when using JSON array syntax, arrays must be comprised of strings only";

/// BuildKit's `parseMaybeJSON`: a JSON array, or the whole rest as one shell-form string.
fn maybe_json(rest: &str) -> Result<Args, String> {
    if rest.is_empty() {
        return Ok(Args::default());
    }
    match parse_json_array(rest) {
        JsonArgs::Strings(v) => Ok(Args { args: v, json: true, sub: None }),
        JsonArgs::NonString => Err(NOT_STRINGS.into()),
        JsonArgs::NotJson => Ok(Args::list(vec![rest.to_string()])),
    }
}

/// BuildKit's `parseMaybeJSONToList`: a JSON array, or whitespace-separated words.
fn maybe_json_to_list(rest: &str) -> Result<Args, String> {
    match parse_json_array(rest) {
        JsonArgs::Strings(v) => Ok(Args { args: v, json: true, sub: None }),
        JsonArgs::NonString => Err(NOT_STRINGS.into()),
        JsonArgs::NotJson => Ok(whitespace_delimited(rest)),
    }
}

/// BuildKit's `parseHealthConfig`: the type word (`CMD`, `NONE`…) then a CMD-like rest.
fn health_config(rest: &str) -> Result<Args, String> {
    let b = rest.as_bytes();
    let sep = b.iter().position(|&c| is_space_byte(c)).unwrap_or(b.len());
    if sep == 0 {
        return Ok(Args::default());
    }
    let next = b[sep..].iter().position(|&c| !is_space_byte(c)).map_or(b.len(), |p| sep + p);
    let typ = String::from_utf8_lossy(&b[..sep]).into_owned();
    let cmd_text = String::from_utf8_lossy(&b[next..]);
    let cmd = maybe_json(&cmd_text)?;
    let mut args = vec![typ];
    args.extend(cmd.args);
    Ok(Args { args, json: cmd.json, sub: None })
}

/// BuildKit's `parseSubCommand` for ONBUILD: the rest is an instruction of its own.
fn sub_command(rest: &str, escape: char, depth: u32) -> Result<Args, String> {
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
        let w = |s: &str| parse_words(s, '\\');
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

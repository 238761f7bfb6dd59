//! Here-document markers (`<<EOF`, `<<-EOF`, `3<<"EOF"`) as BuildKit's `ParseHeredoc` and
//! `heredocsFromLine` find them.

use std::borrow::Cow;

use nom::bytes::complete::{tag, take_while};
use nom::character::complete::{char, digit0};
use nom::combinator::{eof, opt};
use nom::error::context;
use nom::{IResult, Parser};

use super::expand::Lexer;
use super::PErr;

/// A here-document attached to an instruction.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Heredoc<'a> {
    /// The delimiter word with quotes removed (also the file name for `COPY <<name`).
    pub name: String,
    /// The file descriptor before `<<` (`3<<EOF`), 0 when absent.
    pub fd: u32,
    /// False when any part of the delimiter was quoted: the body is not expanded.
    pub expand: bool,
    /// `<<-`: leading tabs are stripped from the body (and the delimiter line).
    pub chomp: bool,
    /// The body, lines with their line endings, delimiter line excluded.
    pub content: Cow<'a, str>,
}

impl Heredoc<'_> {
    /// A copy that owns its text.
    pub fn into_owned(self) -> Heredoc<'static> {
        Heredoc {
            name: self.name,
            fd: self.fd,
            expand: self.expand,
            chomp: self.chomp,
            content: Cow::Owned(self.content.into_owned()),
        }
    }
}

/// `marker := [0-9]* '<<' '-'? \s* [^<]*` (the whole word).
fn marker(i: &str) -> IResult<&str, (&str, bool, &str), PErr<'_>> {
    let (i, fd) = digit0(i)?;
    let (i, _) = context("'<<'", tag("<<")).parse(i)?;
    let (i, chomp) = opt(char('-')).parse(i)?;
    let (i, _) = take_while(|c| matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ')).parse(i)?;
    let (i, word) = take_while(|c| c != '<').parse(i)?;
    let (i, _) = context("end of heredoc word", eof).parse(i)?;
    Ok((i, (fd, chomp.is_some(), word)))
}

/// BuildKit's `ParseHeredoc`: `Ok(None)` when `src` is not a here-document marker.
pub fn parse_heredoc(src: &str) -> Result<Option<Heredoc<'static>>, String> {
    let Ok((_, (fd, chomp, rest))) = marker(src) else { return Ok(None) };
    if rest.is_empty() {
        return Ok(None);
    }
    let none = |_: &str| None;
    let mut lex = Lexer { skip_unset_env: true, ..Lexer::new('\\') };
    let words = lex.process(rest, &none)?.words;
    if words.len() != 1 {
        return Ok(None);
    }
    lex.raw_quotes = true;
    let raw = lex.process(rest, &none)?.words;
    if raw.len() != words.len() {
        return Err(format!("internal lexing of heredoc produced inconsistent results: {rest}"));
    }
    let quotes = |s: &str| s.chars().filter(|c| *c == '\'' || *c == '"').count();
    let word = words.into_iter().next().unwrap_or_default();
    Ok(Some(Heredoc {
        expand: quotes(&word) == quotes(&raw[0]),
        name: word,
        chomp,
        // Go's ParseUint error (overflow) leaves 0.
        fd: fd.parse().unwrap_or(0),
        content: Cow::Borrowed(""),
    }))
}

/// BuildKit's `heredocsFromLine`: every here-document marker among the line's words.
pub(crate) fn heredocs_from_line(line: &str) -> Result<Vec<Heredoc<'static>>, String> {
    let none = |_: &str| None;
    let lex = Lexer { raw_quotes: true, raw_escapes: true, skip_unset_env: true, ..Lexer::new('\\') };
    let words = lex.process(line, &none).map(|r| r.words).unwrap_or_default();
    let mut docs = Vec::new();
    for w in words {
        if let Some(h) = parse_heredoc(&w)? {
            docs.push(h);
        }
    }
    Ok(docs)
}

/// BuildKit's `ChompHeredocContent`: strips leading tabs from every line.
pub fn chomp(src: &str) -> String {
    src.split_inclusive('\n').map(|l| l.trim_start_matches('\t')).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_as_upstream() {
        for v in ["<<EOF", "<<'EOF'", "<<\"EOF\"", "<<-EOF", "<<-'EOF'", "<<-\"EOF\"", "<<EO\"F\"", "<< EOF", "<<- EOF"] {
            assert_eq!(parse_heredoc(v).unwrap().map(|h| h.name), Some("EOF".into()), "{v}");
        }
        for v in ["<<'EOF", "<<\"EOF", "<<EOF'", "<<EOF\""] {
            assert!(parse_heredoc(v).is_err(), "{v}");
        }
        for v in ["", "EOF", "<<", "<<-", "<EOF", "<<<EOF", "<<EOF sh"] {
            assert_eq!(parse_heredoc(v), Ok(None), "{v}");
        }
        assert_eq!(chomp("\thello\n\tworld\n"), "hello\nworld\n");
    }

    #[test]
    fn from_line() {
        let names = |l: &str| heredocs_from_line(l).unwrap().into_iter().map(|h| h.name).collect::<Vec<_>>();
        assert_eq!(names("RUN <<EOF"), vec!["EOF"]);
        assert_eq!(names("RUN <<\"EOF\" | python"), vec!["EOF"]);
        assert_eq!(names("RUN <<EOF 2>&1 | <<-'E2'"), vec!["EOF", "E2"]);
        assert_eq!(names("RUN \"<<NOHEREDOC\""), Vec::<String>::new());
        let h = &heredocs_from_line("RUN 3<<eo'f'").unwrap()[0];
        assert_eq!((h.name.as_str(), h.fd, h.expand), ("eof", 3, false));
        let h = &heredocs_from_line("RUN <<eo\\'f").unwrap()[0];
        assert_eq!((h.name.as_str(), h.expand), ("eo'f", true));
        let h = &heredocs_from_line("RUN <<  EOF  > foo").unwrap()[0];
        assert_eq!(h.name, "EOF");
    }
}

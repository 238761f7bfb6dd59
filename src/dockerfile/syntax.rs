//! The low-level parser, as BuildKit's `parser.Parse`: lines, parser directives, line
//! continuations, comments and here-document bodies into a syntax tree.

use super::args::{node_from_line, Line};
use super::directives::DirectiveParser;
use super::gostr::{back_space, skip_space_to, trim_space};
use super::heredoc::heredocs_from_line;
use super::{Ast, Diagnostic, Keyword, Node, Parsed, Pool, Span};

/// The largest source [`parse`] reads.
const MAX_SOURCE: usize = 1 << 30;

/// bufio.Scanner's default maximum token size.
const MAX_TOKEN: usize = 64 * 1024;

/// Splits the source into lines that keep their endings, as BuildKit's `scanLines`, and
/// stops (setting `too_long`) where bufio.Scanner would fail with `ErrTooLong`.
struct Scanner<'a> {
    src: &'a str,
    pos: usize,
    too_long: bool,
}

impl<'a> Scanner<'a> {
    /// The next line, `start..end` with its line ending.
    fn scan(&mut self) -> Option<(usize, usize)> {
        if self.too_long || self.pos >= self.src.len() {
            return None;
        }
        let rest = &self.src.as_bytes()[self.pos..];
        let len = match find_byte(rest, b'\n') {
            Some(i) if i < MAX_TOKEN => i + 1,
            None if rest.len() < MAX_TOKEN => rest.len(),
            _ => {
                self.too_long = true;
                return None;
            }
        };
        let start = self.pos;
        self.pos += len;
        Some((start, self.pos))
    }
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// The bytes of `w` equal to the byte repeated in `pat`, flagged by their high bit: the lowest
/// flag is exact (a borrow can only flag bytes above a match), so its index is the first match.
#[inline(always)]
fn matches(w: u64, pat: u64) -> u64 {
    let x = w ^ pat;
    x.wrapping_sub(LO) & !x & HI
}

/// The first `byte` in `b`, eight bytes at a time.
fn find_byte(b: &[u8], byte: u8) -> Option<usize> {
    let pat = LO * u64::from(byte);
    let mut chunks = b.chunks_exact(8);
    let mut base = 0;
    for c in &mut chunks {
        let Ok(w) = <[u8; 8]>::try_from(c) else { break };
        let m = matches(u64::from_le_bytes(w), pat);
        if m != 0 {
            return Some(base + (m.trailing_zeros() / 8) as usize);
        }
        base += 8;
    }
    // The tail, padded with a byte that is not `byte`.
    let mut w = [!byte; 8];
    for (d, s) in w.iter_mut().zip(chunks.remainder()) {
        *d = *s;
    }
    let m = matches(u64::from_le_bytes(w), pat);
    (m != 0).then(|| base + (m.trailing_zeros() / 8) as usize)
}

/// `bytes.TrimRight(src[start..end], "\r\n")`, as an end offset.
#[inline(always)]
fn trim_newline(b: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && (b[end - 1] == b'\n' || b[end - 1] == b'\r') {
        end -= 1;
    }
    end
}

/// BuildKit's `trimContinuationCharacter` on `b[start..end]`: strips a trailing escape (and
/// blanks after it) unless it is itself escaped. The new end, and `true` when the logical
/// line ends here.
#[inline]
fn trim_continuation(b: &[u8], start: usize, end: usize, escape: char) -> (usize, bool) {
    let esc = escape as u32;
    let mut e = end;
    while e > start && (b[e - 1] == b' ' || b[e - 1] == b'\t') {
        e -= 1;
    }
    match e - start {
        0 => (end, true),
        1 if u32::from(b[start]) == esc => (start, false),
        n if n >= 2 && u32::from(b[e - 1]) == esc && u32::from(b[e - 2]) != esc => (e - 1, false),
        _ => (end, true),
    }
}

/// `strings.Contains(line, "<<")`.
fn has_heredoc_marker(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(p) = find_byte(&b[i..], b'<') {
        if b.get(i + p + 1) == Some(&b'<') {
            return true;
        }
        i += p + 1;
    }
    false
}

/// Which instructions may carry here-documents (through ONBUILD too), in shell form only.
fn can_contain_heredoc(ast: &Ast<'_>, node: &Node) -> bool {
    let n = match (node.sub, node.kind) {
        (Some(i), Keyword::Onbuild) => ast.subs.get(i as usize).unwrap_or(node),
        _ => node,
    };
    matches!(n.kind, Keyword::Add | Keyword::Copy | Keyword::Run) && !n.json
}

struct State<'a> {
    sc: Scanner<'a>,
    escape: char,
    directives: DirectiveParser,
    line: u32,
    out: Parsed<'a>,
}

impl<'a> State<'a> {
    /// BuildKit's `processLine` for a line while directives may still come (`token` is the
    /// line from its first non-space byte): `true` when it is a parser directive.
    fn first_line(&mut self, token: &str, span: Span) -> bool {
        let mut is_directive = false;
        match self.directives.parse_line(token, "#") {
            Ok(Some(d)) => {
                if d.name == "escape" {
                    match d.value.as_str() {
                        "`" | "\\" => {
                            self.escape = d.value.chars().next().unwrap_or('\\');
                            is_directive = true;
                        }
                        v => self.error(
                            format!("invalid escape token '{v}' does not match ` or \\"),
                            self.line,
                            self.line,
                            span,
                        ),
                    }
                } else {
                    is_directive = true;
                }
                if is_directive {
                    self.out.ast.directives.push(d);
                }
            }
            Ok(None) => {}
            // BuildKit reports this at the 0-based line index.
            Err(e) => self.error(e, self.line, self.line, span),
        }
        is_directive
    }

    fn error(&mut self, message: String, start: u32, end: u32, span: Span) {
        self.out.diagnostics.push(Diagnostic::new(message, start, end, span));
    }

    /// Reads the bodies of the here-documents `line` opens, as BuildKit does after the line,
    /// into the tree's heredocs.
    fn heredocs(&mut self, line: &str, start_line: u32, span: &mut Span) -> Pool {
        let start = self.out.ast.heredocs.len() as u32;
        let docs = match heredocs_from_line(line) {
            Ok(d) => d,
            Err(e) => {
                self.error(e, start_line, self.line, *span);
                return Pool { start, end: start };
            }
        };
        for mut h in docs {
            let mut terminated = false;
            let body_start = self.sc.pos;
            let mut body_end = body_start;
            while let Some((s3, e3)) = self.sc.scan() {
                self.line += 1;
                let src = self.sc.src;
                let t_end = trim_newline(src.as_bytes(), s3, e3);
                let mut t = &src[s3..t_end];
                span.end = t_end as u32;
                if h.chomp {
                    t = t.trim_start_matches('\t');
                }
                if t == h.name {
                    terminated = true;
                    break;
                }
                body_end = e3;
            }
            h.content = std::borrow::Cow::Borrowed(&self.sc.src[body_start..body_end]);
            if !terminated {
                self.error("unterminated heredoc".into(), start_line, self.line, *span);
                break;
            }
            self.out.ast.heredocs.push(h);
        }
        Pool { start, end: self.out.ast.heredocs.len() as u32 }
    }

    /// One instruction's logical line, `text` (at `base` in the tree's text), with the
    /// comments from `comments_start` in the texts: its node (or error), then its heredocs.
    fn instruction(&mut self, text: &str, base: u32, comments_start: u32, start_line: u32, mut span: Span, has_empty: bool) {
        if has_empty {
            let w = Diagnostic::new(format!("Empty continuation line found in: {text}"), self.line, self.line, span);
            self.out.warnings.push(w);
        }
        let ast = &mut self.out.ast;
        let comments = Pool { start: comments_start, end: ast.texts.len() as u32 };
        if let Err(e) = node_from_line(ast, text, base, comments, self.escape, 0) {
            self.error(e, start_line, self.line, span);
            return;
        }
        let ast = &self.out.ast;
        let heredocs = match ast.children.last() {
            Some(n) if can_contain_heredoc(ast, n) && has_heredoc_marker(text) => self.heredocs(text, start_line, &mut span),
            _ => Pool::default(),
        };
        let ast = &mut self.out.ast;
        if ast.children.len() == 1 {
            ast.start_line = start_line;
        }
        ast.end_line = self.line;
        if let Some(node) = ast.children.last_mut() {
            node.heredocs = heredocs;
            node.start_line = start_line;
            node.end_line = self.line;
            node.span = span;
        }
    }

    fn run(&mut self) {
        let src = self.sc.src;
        let bytes = src.as_bytes();
        // The pending comments are the tail of the tree's texts, from here.
        let mut comments_start = 0u32;
        while let Some((lstart, lend)) = self.sc.scan() {
            // Offsets: after a first-line BOM, before the line ending, first non-space.
            let bom = if self.line == 0 && bytes[lstart..].starts_with(b"\xef\xbb\xbf") { 3 } else { 0 };
            let end = trim_newline(bytes, lstart + bom, lend);
            let span = Span { start: lstart as u32, end: end as u32 };
            let first = skip_space_to(src, lstart + bom, end);
            let comment = first < end && bytes[first] == b'#';
            if comment {
                // BuildKit drops the line's first byte, then trims.
                let ast = &mut self.out.ast;
                let from = lstart + bom + 1;
                let t = if src.is_char_boundary(from) {
                    let s = skip_space_to(src, from, lend);
                    let e = back_space(src, s, lend);
                    (s < e).then(|| Line { s: src, base: 0 }.at(s, e))
                } else {
                    let lossy = String::from_utf8_lossy(&bytes[from..lend]);
                    let b = trim_space(&lossy);
                    (!b.is_empty()).then(|| ast.own(b))
                };
                match t {
                    Some(t) => ast.texts.push(t),
                    None => ast.texts.truncate(comments_start as usize),
                }
            }
            if !self.directives.is_done() {
                let is_directive = self.first_line(&src[first..end], span);
                if is_directive && self.out.ast.texts.len() > comments_start as usize {
                    self.out.ast.texts.pop();
                }
            }
            self.line += 1;
            let start_line = self.line;
            if comment {
                continue;
            }
            let (first_end, mut eol) = trim_continuation(bytes, first, end, self.escape);
            if eol && first_end == first {
                continue;
            }
            // Single-line instructions borrow from the source; joined lines are built at the
            // end of the tree's text (`joined..`).
            let mut joined = None;
            let mut last_end = end;
            let mut has_empty = false;
            while !eol {
                let Some((s2, e2)) = self.sc.scan() else { break };
                self.line += 1;
                let l2 = trim_newline(bytes, s2, e2);
                last_end = l2;
                // A comment line (BuildKit's `isComment`), or a blank one.
                let f2 = skip_space_to(src, s2, e2);
                if f2 < e2 && bytes[f2] == b'#' {
                    continue;
                }
                if f2 >= l2 {
                    has_empty = true;
                    continue;
                }
                let (l3, e) = trim_continuation(bytes, s2, l2, self.escape);
                eol = e;
                let buf = &mut self.out.ast.buf;
                if joined.is_none() {
                    // One allocation: the joined line is no longer than the rest of the source.
                    buf.reserve(src.len() - first);
                    joined = Some(buf.len());
                    buf.push_str(&src[first..first_end]);
                }
                buf.push_str(&src[s2..l3]);
            }
            let span = Span { start: lstart as u32, end: last_end as u32 };
            let Some(at) = joined else {
                self.instruction(&src[first..first_end], first as u32, comments_start, start_line, span, has_empty);
                comments_start = self.out.ast.texts.len() as u32;
                continue;
            };
            // The joined line is read from the built text set aside (new text goes after it).
            let built = std::mem::take(&mut self.out.ast.buf);
            self.out.ast.buf_off = built.len();
            self.instruction(&built[at..], (src.len() + at) as u32, comments_start, start_line, span, has_empty);
            comments_start = self.out.ast.texts.len() as u32;
            let added = std::mem::replace(&mut self.out.ast.buf, built);
            self.out.ast.buf.push_str(&added);
            self.out.ast.buf_off = 0;
        }
        let eof = Span { start: self.sc.src.len() as u32, end: self.sc.src.len() as u32 };
        if self.out.ast.children.is_empty() {
            if self.out.diagnostics.is_empty() {
                self.error("file with no instructions".into(), self.line, self.line, eof);
            }
        } else if self.sc.too_long {
            let m = format!("dockerfile line greater than max allowed size of {}", MAX_TOKEN - 1);
            self.error(m, self.line, self.line, eof);
        }
    }
}

/// Parses a Dockerfile into its syntax tree, as BuildKit's low-level parser does (no
/// expansion, no quote removal, no validation of instructions). Never fails.
pub fn parse(src: &str) -> Parsed<'_> {
    let mut out = Parsed::default();
    // Text offsets are u32, for the source and the text built from it (at most a few times
    // its size).
    if src.len() > MAX_SOURCE {
        let m = format!("dockling: a Dockerfile larger than {} MiB is not supported", MAX_SOURCE >> 20);
        out.diagnostics.push(Diagnostic { message: m, ..Diagnostic::default() });
        out.ast.escape = '\\';
        return out;
    }
    out.ast.src = src;
    out.ast.children = Vec::with_capacity(src.len() / 32 + 4);
    out.ast.texts = Vec::with_capacity(src.len() / 8 + 4);
    let mut st = State {
        sc: Scanner { src, pos: 0, too_long: false },
        escape: '\\',
        directives: DirectiveParser::default(),
        line: 0,
        out,
    };
    st.run();
    st.out.ast.escape = st.escape;
    st.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation() {
        let trim_continuation = |s: &'static str, esc| {
            let (end, eol) = trim_continuation(s.as_bytes(), 0, s.len(), esc);
            (&s[..end], eol)
        };
        assert_eq!(trim_continuation("a \\  ", '\\'), ("a ", false));
        assert_eq!(trim_continuation("\\", '\\'), ("", false));
        assert_eq!(trim_continuation("a\\\\", '\\'), ("a\\\\", true));
        assert_eq!(trim_continuation("a `", '`'), ("a ", false));
        assert_eq!(trim_continuation("a \\", '`'), ("a \\", true));
    }

    #[test]
    fn empty_continuation_warnings() {
        let src = "\nFROM alpine:3.6\n\nRUN valid \\\n    continuation\n\nRUN something \\\n\n    following \\\n\n    more\n\nRUN another \\\n\n    thing\n\nRUN non-indented \\\n# this is a comment\n   after-comment\n\nRUN indented \\\n    # this is an indented comment\n    comment\n\t";
        let p = parse(src);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        assert_eq!(p.warnings.len(), 2);
        assert_eq!(p.warnings[0].message, "Empty continuation line found in: RUN something     following     more");
        assert_eq!(p.warnings[1].message, "Empty continuation line found in: RUN another     thing");
        assert_eq!(p.warnings[0].line, 11);
    }

    #[test]
    fn heredocs_as_upstream() {
        let src = "FROM a\nRUN <<EOF\n\tfoo\nEOF\nRUN <<-UN\n\tbaz\n\tUN\nCOPY <<X <<Y /dest\nY\nX\nX\nY\nRUN [\"<<EOF\"]\nUSER <<INVALID\nINVALID\n";
        let p = parse(src);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let c: Vec<_> = p.ast.nodes().collect();
        assert_eq!(c[1].heredocs()[0].content, "\tfoo\n");
        assert_eq!((c[2].heredocs()[0].content.as_ref(), c[2].heredocs()[0].chomp), ("\tbaz\n", true));
        assert_eq!(c[3].heredocs().iter().map(|h| h.content.as_ref()).collect::<Vec<_>>(), vec!["Y\n", "X\n"]);
        assert!(c[4].heredocs().is_empty());
        assert_eq!(c[5].value(), "user");
        assert_eq!(c[6].value(), "invalid");
        assert_eq!((c[3].start_line, c[3].end_line), (8, 12));
        let p = parse("FROM a\nRUN <<EOF\nx\n");
        assert_eq!(p.diagnostics[0].message, "unterminated heredoc");
        assert_eq!(p.diagnostics[0].locations[0], super::super::LineRange { start: 2, end: 3 });
    }

    #[test]
    fn errors_and_limits() {
        let p = parse("");
        assert_eq!(p.diagnostics[0].message, "file with no instructions");
        let p = parse("# escape=`\n# escape=\\\nFROM a");
        assert_eq!(p.diagnostics[0].message, "only one escape parser directive can be used");
        assert_eq!(p.diagnostics[0].line, 1);
        let p = parse("# escape=x\nFROM a");
        assert_eq!(p.diagnostics[0].message, "invalid escape token 'x' does not match ` or \\");
        let long = format!("\n\t\tFROM image\n\t\tLABEL test={}\n", "a".repeat(MAX_TOKEN));
        let p = parse(&long);
        assert_eq!(p.diagnostics[0].message, "dockerfile line greater than max allowed size of 65535");
        let p = parse("\u{feff}# escape=`\nFROM a `\n  b");
        assert_eq!(p.ast.escape, '`');
        assert_eq!(p.ast.node(0).map(|n| n.original()), Some("FROM a   b"));
        let deep = "ONBUILD ".repeat(100) + "RUN x";
        assert!(parse(&deep).diagnostics[0].message.starts_with("dockling: ONBUILD nested"));
    }

    #[test]
    fn crlf_comments_and_spans() {
        let src = "# syntax=docker/dockerfile:1\r\n# the base\r\nFROM a\r\nRUN echo \\\r\n  hi\r\n";
        let p = parse(src);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        assert_eq!(p.ast.directives[0].value, "docker/dockerfile:1");
        let c: Vec<_> = p.ast.nodes().collect();
        assert_eq!(c[0].comments().to_vec(), vec!["the base"]);
        assert_eq!(c[1].original(), "RUN echo   hi");
        assert_eq!((c[1].start_line, c[1].end_line), (4, 5));
        assert_eq!(&src[c[1].span.start as usize..c[1].span.end as usize], "RUN echo \\\r\n  hi");
    }

    #[test]
    fn node_text_from_source_and_built() {
        let src = "# c1\nFROM a \\\n  AS b\nONBUILD COPY --chown='x y' s d\nBaR [\"q\\tr\"]\nENV k=v\n";
        let p = parse(src);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let c: Vec<_> = p.ast.nodes().collect();
        assert_eq!((c[0].name(), c[0].value(), c[0].original()), ("FROM", "from", "FROM a   AS b"));
        assert_eq!((c[0].args().to_vec(), c[0].comments().to_vec()), (vec!["a", "AS", "b"], vec!["c1"]));
        let sub = c[1].sub().expect("ONBUILD's instruction");
        assert!(c[1].args().is_empty() && sub.sub().is_none());
        assert_eq!((sub.value(), sub.original()), ("copy", "COPY --chown='x y' s d"));
        assert_eq!((sub.flags().to_vec(), sub.args().to_vec()), (vec!["--chown=x y"], vec!["s", "d"]));
        assert_eq!((c[2].kind, c[2].value(), c[2].args().to_vec()), (Keyword::Unknown, "bar", vec![""]));
        let env = c[3].args();
        assert_eq!((env.len(), &env[2], &env[9]), (3, "=", ""));
        assert_eq!(env.iter().rev().collect::<Vec<_>>(), vec!["=", "v", "k"]);
        assert_eq!(p.ast.node(4).map(|n| n.name()), None);
        // Text built while reading a joined line goes after it in the tree's text.
        let p = parse("RUN a \\\n b\nONBUILD RUN --x='a b' \\\n [\"q\\tr\", \"s\"]\nFoO \\\n x\n");
        let c: Vec<_> = p.ast.nodes().collect();
        assert_eq!(c[0].args().to_vec(), vec!["a  b"]);
        let sub = c[1].sub().expect("ONBUILD's instruction");
        assert_eq!((sub.flags().to_vec(), sub.args().to_vec(), sub.json), (vec!["--x=a b"], vec!["q\tr", "s"], true));
        assert_eq!((c[2].name(), c[2].value(), c[2].original()), ("FoO", "foo", "FoO  x"));
    }
}

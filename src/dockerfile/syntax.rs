//! The low-level parser, as BuildKit's `parser.Parse`: lines, parser directives, line
//! continuations, comments and here-document bodies into a syntax tree.

use super::args::node_from_line;
use super::directives::DirectiveParser;
use super::gostr::{trim_left_space, trim_space};
use super::heredoc::heredocs_from_line;
use super::{Diagnostic, Node, Parsed, Span};

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
    fn scan(&mut self) -> Option<(usize, &'a str)> {
        if self.too_long || self.pos >= self.src.len() {
            return None;
        }
        let rest = &self.src[self.pos..];
        let len = match rest.find('\n') {
            Some(i) if i < MAX_TOKEN => i + 1,
            None if rest.len() < MAX_TOKEN => rest.len(),
            _ => {
                self.too_long = true;
                return None;
            }
        };
        let start = self.pos;
        self.pos += len;
        Some((start, &rest[..len]))
    }
}

/// `bytes.TrimRight(src, "\r\n")`
fn trim_newline(s: &str) -> &str {
    s.trim_end_matches(['\r', '\n'])
}

/// BuildKit's `isComment`: the first non-space character is `#`.
fn is_comment(s: &str) -> bool {
    trim_left_space(s).starts_with('#')
}

/// BuildKit's `trimContinuationCharacter`: strips a trailing escape (and blanks after it)
/// unless it is itself escaped; `true` when the logical line ends here.
fn trim_continuation(line: &str, escape: char) -> (&str, bool) {
    let t = line.trim_end_matches([' ', '\t']);
    match t.strip_suffix(escape) {
        Some("") => ("", false),
        Some(before) if !before.ends_with(escape) => (before, false),
        _ => (line, true),
    }
}

/// Which instructions may carry here-documents (through ONBUILD too), in shell form only.
fn can_contain_heredoc(node: &Node) -> bool {
    let n = match (&node.sub, node.value.as_str()) {
        (Some(sub), "onbuild") => sub,
        _ => node,
    };
    matches!(n.value.as_str(), "add" | "copy" | "run") && !n.json
}

struct State<'a> {
    sc: Scanner<'a>,
    escape: char,
    directives: DirectiveParser,
    line: u32,
    out: Parsed,
}

impl State<'_> {
    /// BuildKit's `processLine` for the first line of an instruction: trims, checks for a
    /// directive, and drops comments.
    fn first_line<'s>(&mut self, raw: &'s str, span: Span) -> (&'s str, bool) {
        let token = trim_left_space(trim_newline(raw));
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
        (if is_comment(token) { "" } else { token }, is_directive)
    }

    fn error(&mut self, message: String, start: u32, end: u32, span: Span) {
        self.out.diagnostics.push(Diagnostic::new(message, start, end, span));
    }

    fn run(&mut self) {
        let mut comments: Vec<String> = Vec::new();
        while let Some((lstart, raw0)) = self.sc.scan() {
            let raw = if self.line == 0 { raw0.strip_prefix('\u{feff}').unwrap_or(raw0) } else { raw0 };
            let end = lstart + trim_newline(raw0).len();
            let span = Span { start: lstart as u32, end: end as u32 };
            if is_comment(raw) {
                // BuildKit drops the line's first byte, then trims.
                let body = match raw.get(1..) {
                    Some(b) => trim_space(b).to_string(),
                    None => trim_space(&String::from_utf8_lossy(&raw.as_bytes()[1..])).to_string(),
                };
                if body.is_empty() {
                    comments.clear();
                } else {
                    comments.push(body);
                }
            }
            let (line, is_directive) = self.first_line(raw, span);
            if is_directive {
                comments.pop();
            }
            self.line += 1;
            let start_line = self.line;
            let (first, mut eol) = trim_continuation(line, self.escape);
            if eol && first.is_empty() {
                continue;
            }
            let mut buf = first.to_string();
            let mut last_end = end;
            let mut has_empty = false;
            while !eol {
                let Some((s2, raw2)) = self.sc.scan() else { break };
                self.line += 1;
                let l2 = trim_newline(raw2);
                last_end = s2 + l2.len();
                if is_comment(raw2) {
                    continue;
                }
                if trim_left_space(l2).is_empty() {
                    has_empty = true;
                    continue;
                }
                let (l3, e) = trim_continuation(l2, self.escape);
                eol = e;
                buf.push_str(l3);
            }
            let mut span = Span { start: lstart as u32, end: last_end as u32 };
            if has_empty {
                let w = Diagnostic::new(format!("Empty continuation line found in: {buf}"), self.line, self.line, span);
                self.out.warnings.push(w);
            }
            let mut child = match node_from_line(&buf, self.escape, std::mem::take(&mut comments), 0) {
                Ok(c) => c,
                Err(e) => {
                    self.error(e, start_line, self.line, span);
                    continue;
                }
            };
            if can_contain_heredoc(&child) && buf.contains("<<") {
                match heredocs_from_line(&buf) {
                    Err(e) => self.error(e, start_line, self.line, span),
                    Ok(docs) => {
                        for mut h in docs {
                            let mut terminated = false;
                            while let Some((s3, raw3)) = self.sc.scan() {
                                self.line += 1;
                                let mut t = trim_newline(raw3);
                                span.end = (s3 + t.len()) as u32;
                                if h.chomp {
                                    t = t.trim_start_matches('\t');
                                }
                                if t == h.name {
                                    terminated = true;
                                    break;
                                }
                                h.content.push_str(raw3);
                            }
                            if !terminated {
                                self.error("unterminated heredoc".into(), start_line, self.line, span);
                                break;
                            }
                            child.heredocs.push(h);
                        }
                    }
                }
            }
            child.start_line = start_line;
            child.end_line = self.line;
            child.span = span;
            let ast = &mut self.out.ast;
            if ast.children.is_empty() {
                ast.start_line = start_line;
            }
            ast.end_line = self.line;
            ast.children.push(child);
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
pub fn parse(src: &str) -> Parsed {
    let mut st = State {
        sc: Scanner { src, pos: 0, too_long: false },
        escape: '\\',
        directives: DirectiveParser::default(),
        line: 0,
        out: Parsed::default(),
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
        let c = &p.ast.children;
        assert_eq!(c[1].heredocs[0].content, "\tfoo\n");
        assert_eq!((c[2].heredocs[0].content.as_str(), c[2].heredocs[0].chomp), ("\tbaz\n", true));
        assert_eq!(c[3].heredocs.iter().map(|h| h.content.as_str()).collect::<Vec<_>>(), vec!["Y\n", "X\n"]);
        assert!(c[4].heredocs.is_empty());
        assert_eq!(c[5].value, "user");
        assert_eq!(c[6].value, "invalid");
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
        assert_eq!(p.ast.children[0].original, "FROM a   b");
    }
}

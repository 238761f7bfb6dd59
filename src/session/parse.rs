//! The host shell's grammar: lists of pipelines joined by `;`, `&&`, `||`, with redirections and
//! here-documents.

use super::lex::{lex, LexError, Part, Token, Word};

/// How an item of a list is joined to the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connector {
    /// First item, `;` or newline: always runs.
    Seq,
    /// `&&`: runs if the previous status is 0.
    And,
    /// `||`: runs if the previous status is not 0.
    Or,
}

/// A redirection: `fd op target`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redir {
    pub fd: u32,
    pub op: &'static str,
    pub target: Word,
    /// For `<<`: the here-document body, filled in from the following input lines.
    pub body: Option<String>,
    /// For `<<`: the delimiter was quoted, so the body is not expanded.
    pub quoted: bool,
}

/// A simple command.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Command {
    /// `NAME=value` words before the command name.
    pub assigns: Vec<(String, Word)>,
    pub words: Vec<Word>,
    pub redirs: Vec<Redir>,
}

/// One item of a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub connector: Connector,
    pub pipeline: Vec<Command>,
}

/// A here-document still to be read: its delimiter and whether leading tabs are stripped (`<<-`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingHeredoc {
    pub delimiter: String,
    pub strip_tabs: bool,
}

/// The result of parsing a command line (without its here-document bodies).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseResult {
    Complete { items: Vec<Item>, heredocs: Vec<PendingHeredoc> },
    Incomplete,
    /// bash's message, e.g. "syntax error near unexpected token `&&'".
    Error(String),
}

fn literal_text(w: &Word) -> (String, bool) {
    let mut s = String::new();
    let mut quoted = false;
    for p in w {
        match p {
            Part::Lit(t) => s.push_str(t),
            Part::Quoted(t) => {
                s.push_str(t);
                quoted = true;
            }
            Part::Var { name, .. } => {
                s.push('$');
                s.push_str(name);
            }
            Part::Subst { source, .. } => {
                s.push_str("$(");
                s.push_str(source);
                s.push(')');
            }
        }
    }
    (s, quoted)
}

fn assignment(w: &Word) -> Option<(String, Word)> {
    let Some(Part::Lit(first)) = w.first() else { return None };
    let eq = first.find('=')?;
    let name = &first[..eq];
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let mut value: Word = Vec::new();
    if eq + 1 < first.len() {
        value.push(Part::Lit(first[eq + 1..].to_string()));
    }
    value.extend(w[1..].iter().cloned());
    Some((name.to_string(), value))
}

/// Parses a command line (possibly spanning several lines).
pub fn parse(src: &str) -> ParseResult {
    let toks = match lex(src) {
        Ok(t) => t,
        Err(LexError::Incomplete) => return ParseResult::Incomplete,
        Err(LexError::Syntax(m)) => return ParseResult::Error(m),
    };
    let mut items = Vec::new();
    let mut heredocs = Vec::new();
    let mut pipeline: Vec<Command> = Vec::new();
    let mut cmd = Command::default();
    let mut connector = Connector::Seq;
    let mut i = 0;
    let mut expect_more = false;
    let unexpected = |t: &str| ParseResult::Error(format!("syntax error near unexpected token `{t}'"));
    while i < toks.len() {
        match &toks[i] {
            Token::Word(w) => {
                if cmd.words.is_empty() {
                    if let Some(a) = assignment(w) {
                        cmd.assigns.push(a);
                        i += 1;
                        expect_more = false;
                        continue;
                    }
                }
                cmd.words.push(w.clone());
                expect_more = false;
            }
            Token::Redir { fd, op } => {
                let Some(Token::Word(target)) = toks.get(i + 1) else {
                    return match toks.get(i + 1) {
                        Some(Token::Op(o)) => unexpected(o),
                        _ => unexpected("newline"),
                    };
                };
                let (delim, quoted) = literal_text(target);
                if op.starts_with("<<") {
                    heredocs.push(PendingHeredoc { delimiter: delim, strip_tabs: *op == "<<-" });
                }
                cmd.redirs.push(Redir { fd: *fd, op, target: target.clone(), body: None, quoted });
                i += 1;
                expect_more = false;
            }
            Token::Op("|") => {
                if cmd.words.is_empty() && cmd.assigns.is_empty() {
                    return unexpected("|");
                }
                pipeline.push(std::mem::take(&mut cmd));
                expect_more = true;
            }
            Token::Op(op) => {
                if cmd.words.is_empty() && cmd.assigns.is_empty() && cmd.redirs.is_empty() {
                    return unexpected(op);
                }
                pipeline.push(std::mem::take(&mut cmd));
                items.push(Item { connector, pipeline: std::mem::take(&mut pipeline) });
                connector = match *op {
                    "&&" => Connector::And,
                    "||" => Connector::Or,
                    _ => Connector::Seq,
                };
                expect_more = matches!(*op, "&&" | "||");
            }
            Token::Newline => {
                if !(cmd.words.is_empty() && cmd.assigns.is_empty() && cmd.redirs.is_empty()) {
                    pipeline.push(std::mem::take(&mut cmd));
                    items.push(Item { connector, pipeline: std::mem::take(&mut pipeline) });
                    connector = Connector::Seq;
                } else if !pipeline.is_empty() || expect_more {
                    // `a |` or `a &&` followed by a newline: the command continues.
                }
            }
        }
        i += 1;
    }
    if expect_more {
        return ParseResult::Incomplete;
    }
    if !(cmd.words.is_empty() && cmd.assigns.is_empty() && cmd.redirs.is_empty()) {
        pipeline.push(cmd);
    }
    if !pipeline.is_empty() {
        items.push(Item { connector, pipeline });
    }
    ParseResult::Complete { items, heredocs }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_heredocs() {
        let ParseResult::Complete { items, heredocs } = parse("cat > Dockerfile <<'EOF' && ls | wc") else {
            panic!("complete")
        };
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].connector, Connector::And);
        assert_eq!(items[1].pipeline.len(), 2);
        assert_eq!(heredocs, vec![PendingHeredoc { delimiter: "EOF".into(), strip_tabs: false }]);
        assert!(items[0].pipeline[0].redirs[1].quoted);
        assert_eq!(parse("ls &&"), ParseResult::Incomplete);
        assert_eq!(parse("&& ls"), ParseResult::Error("syntax error near unexpected token `&&'".into()));
        assert_eq!(parse("ls >"), ParseResult::Error("syntax error near unexpected token `newline'".into()));
        let ParseResult::Complete { items, .. } = parse("A=1 B=2") else { panic!() };
        assert_eq!(items[0].pipeline[0].assigns.len(), 2);
    }
}

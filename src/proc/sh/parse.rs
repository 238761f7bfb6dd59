//! A recursive-descent parser for the POSIX sh subset: lists, and/or, pipelines, `!`, `if`,
//! `while`/`until`, `for`, `case`, `{ }`, `( )`, redirections and here-documents. Parsing never
//! panics; unfinished input is `Incomplete` (the terminal prompts `> ` for more).

use super::ast::{Connector, Node, Redir, Simple};
use super::lex::{lex, LexError, Part, Token, Word};

/// A here-document whose body is still to be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingHeredoc {
    pub delimiter: String,
    pub strip_tabs: bool,
}

/// The result of parsing some source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseResult {
    Complete {
        program: Node,
        heredocs: Vec<PendingHeredoc>,
    },
    Incomplete,
    /// The message after `bash: ` / `sh: `, e.g. "syntax error near unexpected token `&&'".
    Error(String),
}

enum Fail {
    Incomplete,
    Error(String),
}

type PResult<T> = Result<T, Fail>;


struct Parser {
    toks: Vec<Token>,
    pos: usize,
    heredocs: Vec<PendingHeredoc>,
    /// What the input ended before, when it ended early.
    missing: Missing,
}

/// What an unfinished script still needed when it ended, as dash and BusyBox ash report it
/// (`end of file unexpected (expecting "fi")`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    /// A closing word or operator: `then`, `fi`, `done`, `}`, `)`, `in`.
    Word(&'static str),
    /// `for` with no variable name.
    ForVariable,
    /// An open `'` or `"`.
    Quote(char),
    /// Nothing in particular (after `&&`, `|`, …).
    Nothing,
}

const RESERVED: &[&str] = &[
    "if", "then", "elif", "else", "fi", "while", "until", "do", "done", "for", "in", "case",
    "esac", "{", "}", "!",
];

/// The plain text of a word made only of unquoted literal text.
fn bare(w: &Word) -> Option<&str> {
    match w.as_slice() {
        [Part::Lit(s)] => Some(s),
        _ => None,
    }
}

/// The text of a word with quotes removed and expansions left as written.
pub fn literal_text(w: &Word) -> (String, bool) {
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
            Part::Arith { expr, .. } => {
                s.push_str("$((");
                s.push_str(expr);
                s.push_str("))");
            }
        }
    }
    (s, quoted)
}

fn assignment(w: &Word) -> Option<(String, Word)> {
    let Some(Part::Lit(first)) = w.first() else {
        return None;
    };
    let eq = first.find('=')?;
    let name = &first[..eq];
    let valid = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if !valid {
        return None;
    }
    let mut value: Word = Vec::new();
    if eq + 1 < first.len() {
        value.push(Part::Lit(first[eq + 1..].to_string()));
    }
    value.extend(w[1..].iter().cloned());
    Some((name.to_string(), value))
}

impl Parser {
    fn new(toks: Vec<Token>) -> Parser {
        Parser {
            toks,
            pos: 0,
            heredocs: Vec::new(),
            missing: Missing::Nothing,
        }
    }

    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.pos)
    }

    fn peek_word(&self) -> Option<&str> {
        match self.peek() {
            Some(Token::Word(w)) => bare(w),
            _ => None,
        }
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Some(Token::Op(o)) if *o == op)
    }

    fn unexpected(&self) -> Fail {
        match self.peek() {
            None => Fail::Incomplete,
            Some(Token::Op(o)) => Fail::Error(format!("syntax error near unexpected token `{o}'")),
            Some(Token::Newline) => {
                Fail::Error("syntax error near unexpected token `newline'".into())
            }
            Some(Token::Word(w)) => Fail::Error(format!(
                "syntax error near unexpected token `{}'",
                literal_text(w).0
            )),
            Some(Token::Redir { op, .. }) => {
                Fail::Error(format!("syntax error near unexpected token `{op}'"))
            }
        }
    }

    fn skip_newlines(&mut self) {
        while matches!(self.peek(), Some(Token::Newline)) {
            self.pos += 1;
        }
    }

    fn expect_word(&mut self, kw: &'static str) -> PResult<()> {
        self.skip_newlines();
        if self.peek_word() == Some(kw) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected_before(Missing::Word(kw)))
        }
    }

    /// `unexpected`, noting what was needed if the input has ended.
    fn unexpected_before(&mut self, missing: Missing) -> Fail {
        if self.peek().is_none() {
            self.missing = missing;
        }
        self.unexpected()
    }

    /// list := and_or ((`;` | `&` | newline) and_or)*, ending at a terminator word or EOF.
    fn list(&mut self, terminators: &[&str]) -> PResult<Node> {
        let mut items = Vec::new();
        loop {
            self.skip_newlines();
            match self.peek() {
                None => break,
                Some(Token::Word(w)) if bare(w).is_some_and(|b| terminators.contains(&b)) => break,
                Some(Token::Op(")")) if terminators.contains(&")") => break,
                Some(Token::Op(";;")) if terminators.contains(&";;") => break,
                _ => {}
            }
            items.push(self.and_or()?);
            match self.peek() {
                Some(Token::Op(";" | "&")) | Some(Token::Newline) => self.pos += 1,
                _ => break,
            }
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Node::List(Vec::new()))
        } else {
            Node::List(items)
        })
    }

    fn and_or(&mut self) -> PResult<Node> {
        let first = self.pipeline()?;
        let mut rest = Vec::new();
        loop {
            let c = match self.peek() {
                Some(Token::Op("&&")) => Connector::And,
                Some(Token::Op("||")) => Connector::Or,
                _ => break,
            };
            self.pos += 1;
            self.skip_newlines();
            if self.peek().is_none() {
                return Err(Fail::Incomplete);
            }
            rest.push((c, self.pipeline()?));
        }
        Ok(if rest.is_empty() {
            first
        } else {
            Node::AndOr {
                first: Box::new(first),
                rest,
            }
        })
    }

    fn pipeline(&mut self) -> PResult<Node> {
        let negate = self.peek_word() == Some("!");
        if negate {
            self.pos += 1;
        }
        let mut stages = vec![self.command()?];
        while self.is_op("|") {
            self.pos += 1;
            self.skip_newlines();
            if self.peek().is_none() {
                return Err(Fail::Incomplete);
            }
            stages.push(self.command()?);
        }
        Ok(if stages.len() == 1 && !negate {
            stages.pop().unwrap_or(Node::List(Vec::new()))
        } else {
            Node::Pipeline { stages, negate }
        })
    }

    /// `name()` (or `function name`, `function name()`) then the body, a compound command.
    fn function(&mut self) -> PResult<Option<Node>> {
        let op_at = |p: &Parser, k: usize, op: &str| matches!(p.toks.get(p.pos + k), Some(Token::Op(o)) if *o == op);
        let valid = |n: &str| n.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        let (name, skip) = match self.peek_word() {
            Some("function") => match self.toks.get(self.pos + 1) {
                Some(Token::Word(w)) => match bare(w) {
                    Some(n) if valid(n) => (n.to_string(), if op_at(self, 2, "(") && op_at(self, 3, ")") { 4 } else { 2 }),
                    _ => return Ok(None),
                },
                _ => return Ok(None),
            },
            Some(n) if valid(n) && !RESERVED.contains(&n) && op_at(self, 1, "(") && op_at(self, 2, ")") => (n.to_string(), 3),
            _ => return Ok(None),
        };
        self.pos += skip;
        self.skip_newlines();
        let compound = matches!(self.peek_word(), Some("{" | "if" | "while" | "until" | "for" | "case")) || self.is_op("(");
        if !compound {
            return Err(self.unexpected_before(Missing::Word("}")));
        }
        let body = self.command()?;
        Ok(Some(Node::Function { name, body: Box::new(body) }))
    }

    fn command(&mut self) -> PResult<Node> {
        if let Some(f) = self.function()? {
            return Ok(f);
        }
        match self.peek_word() {
            Some("if") => return self.if_clause(),
            Some("while") | Some("until") => return self.while_clause(),
            Some("for") => return self.for_clause(),
            Some("case") => return self.case_clause(),
            Some("{") => {
                self.pos += 1;
                let body = self.list(&["}"])?;
                self.expect_word("}")?;
                return Ok(Node::Group(Box::new(body)));
            }
            Some(w) if RESERVED.contains(&w) => return Err(self.unexpected()),
            _ => {}
        }
        if self.is_op("(") {
            self.pos += 1;
            let body = self.list(&[")"])?;
            self.skip_newlines();
            if !self.is_op(")") {
                return Err(self.unexpected_before(Missing::Word(")")));
            }
            self.pos += 1;
            return Ok(Node::Group(Box::new(body)));
        }
        self.simple()
    }

    fn simple(&mut self) -> PResult<Node> {
        let mut cmd = Simple::default();
        loop {
            match self.peek().cloned() {
                Some(Token::Word(w)) => {
                    if cmd.words.is_empty() {
                        if let Some(a) = assignment(&w) {
                            cmd.assigns.push(a);
                            self.pos += 1;
                            continue;
                        }
                    }
                    cmd.words.push(w);
                    self.pos += 1;
                }
                Some(Token::Redir { fd, op }) => {
                    self.pos += 1;
                    let Some(Token::Word(target)) = self.peek().cloned() else {
                        return Err(match self.peek() {
                            None => {
                                Fail::Error("syntax error near unexpected token `newline'".into())
                            }
                            _ => self.unexpected(),
                        });
                    };
                    self.pos += 1;
                    let (delim, quoted) = literal_text(&target);
                    if op.starts_with("<<") {
                        self.heredocs.push(PendingHeredoc {
                            delimiter: delim,
                            strip_tabs: op == "<<-",
                        });
                    }
                    cmd.redirs.push(Redir {
                        fd,
                        op,
                        target,
                        body: None,
                        quoted,
                    });
                }
                _ => break,
            }
        }
        if cmd.words.is_empty() && cmd.assigns.is_empty() && cmd.redirs.is_empty() {
            return Err(self.unexpected());
        }
        Ok(Node::Simple(cmd))
    }

    fn if_clause(&mut self) -> PResult<Node> {
        self.pos += 1;
        let mut branches = Vec::new();
        let mut otherwise = None;
        loop {
            let cond = self.list(&["then"])?;
            self.expect_word("then")?;
            let body = self.list(&["elif", "else", "fi"])?;
            branches.push((cond, body));
            self.skip_newlines();
            match self.peek_word() {
                Some("elif") => {
                    self.pos += 1;
                }
                Some("else") => {
                    self.pos += 1;
                    otherwise = Some(Box::new(self.list(&["fi"])?));
                    self.expect_word("fi")?;
                    break;
                }
                Some("fi") => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.unexpected_before(Missing::Word("fi"))),
            }
        }
        Ok(Node::If {
            branches,
            otherwise,
        })
    }

    fn while_clause(&mut self) -> PResult<Node> {
        let until = self.peek_word() == Some("until");
        self.pos += 1;
        let cond = self.list(&["do"])?;
        self.expect_word("do")?;
        let body = self.list(&["done"])?;
        self.expect_word("done")?;
        Ok(Node::While {
            cond: Box::new(cond),
            body: Box::new(body),
            until,
        })
    }

    fn for_clause(&mut self) -> PResult<Node> {
        self.pos += 1;
        let var = match self.peek() {
            Some(Token::Word(w)) => bare(w)
                .map(str::to_string)
                .ok_or_else(|| self.unexpected())?,
            _ => return Err(self.unexpected_before(Missing::ForVariable)),
        };
        self.pos += 1;
        let mut words = None;
        self.skip_newlines();
        if self.peek_word() == Some("in") {
            self.pos += 1;
            let mut ws = Vec::new();
            while let Some(Token::Word(w)) = self.peek().cloned() {
                ws.push(w);
                self.pos += 1;
            }
            words = Some(ws);
        }
        if matches!(self.peek(), Some(Token::Op(";"))) {
            self.pos += 1;
        }
        self.expect_word("do")?;
        let body = self.list(&["done"])?;
        self.expect_word("done")?;
        Ok(Node::For {
            var,
            words,
            body: Box::new(body),
        })
    }

    fn case_clause(&mut self) -> PResult<Node> {
        self.pos += 1;
        let word = match self.peek().cloned() {
            Some(Token::Word(w)) => w,
            _ => return Err(self.unexpected()),
        };
        self.pos += 1;
        self.expect_word("in")?;
        let mut arms = Vec::new();
        loop {
            self.skip_newlines();
            if self.peek_word() == Some("esac") {
                self.pos += 1;
                break;
            }
            if self.is_op("(") {
                self.pos += 1;
            }
            let mut patterns = Vec::new();
            loop {
                match self.peek().cloned() {
                    Some(Token::Word(w)) => {
                        patterns.push(w);
                        self.pos += 1;
                    }
                    _ => return Err(self.unexpected_before(Missing::Word(")"))),
                }
                if self.is_op("|") {
                    self.pos += 1;
                    continue;
                }
                break;
            }
            if !self.is_op(")") {
                return Err(self.unexpected_before(Missing::Word(")")));
            }
            self.pos += 1;
            let body = self.list(&[";;", "esac"])?;
            arms.push((patterns, body));
            self.skip_newlines();
            if self.is_op(";;") {
                self.pos += 1;
            }
        }
        Ok(Node::Case { word, arms })
    }
}

/// Parses a whole command line or script.
pub fn parse(src: &str) -> ParseResult {
    let toks = match lex(src) {
        Ok(t) => t,
        Err(LexError::Incomplete) => return ParseResult::Incomplete,
        Err(LexError::Syntax(m)) => return ParseResult::Error(m),
    };
    let mut p = Parser::new(toks);
    match p.list(&[]) {
        Ok(program) => {
            if p.pos < p.toks.len() {
                return match p.unexpected() {
                    Fail::Error(m) => ParseResult::Error(m),
                    Fail::Incomplete => ParseResult::Incomplete,
                };
            }
            ParseResult::Complete {
                program,
                heredocs: p.heredocs,
            }
        }
        Err(Fail::Incomplete) => ParseResult::Incomplete,
        Err(Fail::Error(m)) => ParseResult::Error(m),
    }
}

/// For input that `parse` finds `Incomplete`: what it ended before.
pub fn missing(src: &str) -> Missing {
    let toks = match lex(src) {
        Ok(t) => t,
        Err(_) => return open_quote(src).map_or(Missing::Nothing, Missing::Quote),
    };
    let mut p = Parser::new(toks);
    match p.list(&[]) {
        Err(Fail::Incomplete) => p.missing,
        _ => Missing::Nothing,
    }
}

/// The quote left open at the end of `src`, if any.
fn open_quote(src: &str) -> Option<char> {
    let mut open: Option<char> = None;
    let mut chars = src.chars();
    while let Some(c) = chars.next() {
        match (open, c) {
            (None, '\\') | (Some('"'), '\\') => {
                chars.next();
            }
            (None, '\'' | '"') => open = Some(c),
            (Some(q), _) if q == c => open = None,
            _ => {}
        }
    }
    open
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_unfinished_input_needs() {
        assert_eq!(missing("if"), Missing::Word("then"));
        assert_eq!(missing("if true; then"), Missing::Word("fi"));
        assert_eq!(missing("if true; then :; else"), Missing::Word("fi"));
        assert_eq!(missing("while true; do echo"), Missing::Word("done"));
        assert_eq!(missing("{ echo"), Missing::Word("}"));
        assert_eq!(missing("(echo"), Missing::Word(")"));
        assert_eq!(missing("case x in"), Missing::Word(")"));
        assert_eq!(missing("for"), Missing::ForVariable);
        assert_eq!(missing("echo \"it's"), Missing::Quote('"'));
        assert_eq!(missing("echo 'a\\"), Missing::Quote('\''));
        assert_eq!(missing("a &&"), Missing::Nothing);
    }

    fn ok(src: &str) -> Node {
        match parse(src) {
            ParseResult::Complete { program, .. } => program,
            other => panic!("{src}: {other:?}"),
        }
    }

    #[test]
    fn compound_commands() {
        assert!(matches!(
            ok("while true; do echo hi; sleep 1; done"),
            Node::While { until: false, .. }
        ));
        assert!(matches!(
            ok("if [ -f x ]; then echo a; elif true; then :; else echo b; fi"),
            Node::If { .. }
        ));
        assert!(matches!(
            ok("for i in 1 2 3; do echo $i; done"),
            Node::For { .. }
        ));
        assert!(matches!(
            ok("case $x in a|b) echo ab;; *) echo other;; esac"),
            Node::Case { .. }
        ));
        assert!(matches!(ok("! false && echo x"), Node::AndOr { .. }));
        assert!(matches!(ok("a | b"), Node::Pipeline { .. }));
        assert_eq!(parse("while true; do"), ParseResult::Incomplete);
        assert_eq!(parse("if true"), ParseResult::Incomplete);
        assert_eq!(parse("ls &&"), ParseResult::Incomplete);
        assert_eq!(
            parse("&& ls"),
            ParseResult::Error("syntax error near unexpected token `&&'".into())
        );
        assert_eq!(
            parse("ls >"),
            ParseResult::Error("syntax error near unexpected token `newline'".into())
        );
        assert_eq!(
            parse("done"),
            ParseResult::Error("syntax error near unexpected token `done'".into())
        );
        let ParseResult::Complete { heredocs, .. } = parse("cat > f <<'EOF'") else {
            panic!()
        };
        assert_eq!(
            heredocs,
            vec![PendingHeredoc {
                delimiter: "EOF".into(),
                strip_tabs: false
            }]
        );
    }
}

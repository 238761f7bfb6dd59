//! A recursive-descent parser for the simulated Python subset, with CPython 3.10+'s syntax
//! error messages for the common mistakes.

use std::rc::Rc;

use super::ast::*;
use super::lexer::{tokenize, ErrKind, Pos, SyntaxErr, Tok, Token, Warning};

/// How deep expressions and blocks may nest before the parser gives up (CPython's own limit is
/// about 200 parentheses).
const MAX_DEPTH: u32 = 200;

struct Parser<'a> {
    t: &'a [Token],
    i: usize,
    depth: u32,
    /// Inside brackets, where a missing comma gets its own message.
    in_brackets: u32,
}

type R<T> = Result<T, SyntaxErr>;

const KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Parses a module (a script, a `-c` string, an imported file).
pub fn parse_module(src: &str, warn_escapes: bool) -> R<(Vec<Stmt>, Vec<Warning>)> {
    let (toks, warnings) = tokenize(src, warn_escapes)?;
    let mut p = Parser {
        t: &toks,
        i: 0,
        depth: 0,
        in_brackets: 0,
    };
    let mut body = Vec::new();
    while !p.at_end() {
        if matches!(p.tok(), Tok::Newline) {
            p.i += 1;
            continue;
        }
        if matches!(p.tok(), Tok::Indent) {
            let line = p.cur().start.0;
            return Err(SyntaxErr::indent("unexpected indent", line, 0));
        }
        if matches!(p.tok(), Tok::Dedent) {
            p.i += 1;
            continue;
        }
        p.statement(&mut body)?;
    }
    Ok((body, warnings))
}

/// Parses one expression (an f-string's replacement field, a traceback's code segment).
pub fn parse_expression(src: &str) -> R<Expr> {
    let (toks, _) = tokenize(src, false)?;
    let mut p = Parser {
        t: &toks,
        i: 0,
        depth: 0,
        in_brackets: 1,
    };
    while matches!(p.tok(), Tok::Newline | Tok::Indent) {
        p.i += 1;
    }
    let e = p.star_expressions()?;
    while matches!(p.tok(), Tok::Newline | Tok::Dedent) {
        p.i += 1;
    }
    if !p.at_end() {
        return Err(p.invalid());
    }
    Ok(e)
}

fn expr_name(e: &Expr) -> &'static str {
    match &e.kind {
        ExprKind::Attr(..) => "attribute",
        ExprKind::Subscript(..) => "subscript",
        ExprKind::Starred(_) => "starred",
        ExprKind::Name(_) => "name",
        ExprKind::List(_) => "list",
        ExprKind::Tuple(_) => "tuple",
        ExprKind::Lambda(_) => "lambda",
        ExprKind::Call(..) => "function call",
        ExprKind::BoolOp(..) | ExprKind::Bin(..) | ExprKind::Unary(..) => "expression",
        ExprKind::Comp(CompKind::Gen, ..) => "generator expression",
        ExprKind::Comp(CompKind::List, ..) => "list comprehension",
        ExprKind::Comp(CompKind::Set, ..) => "set comprehension",
        ExprKind::Comp(CompKind::Dict, ..) => "dict comprehension",
        ExprKind::Yield(_) => "yield expression",
        ExprKind::Await(_) => "await expression",
        ExprKind::Dict(_) => "dict literal",
        ExprKind::Set(_) => "set display",
        ExprKind::FStr(_) => "f-string expression",
        ExprKind::Const(Const::None) => "None",
        ExprKind::Const(Const::Bool(true)) => "True",
        ExprKind::Const(Const::Bool(false)) => "False",
        ExprKind::Const(Const::Ellipsis) => "ellipsis",
        ExprKind::Const(_) => "literal",
        ExprKind::Compare(..) => "comparison",
        ExprKind::IfExp(..) => "conditional expression",
        ExprKind::Walrus(..) => "named expression",
        ExprKind::Slice(..) => "slice",
    }
}

impl<'a> Parser<'a> {
    fn cur(&self) -> &Token {
        &self.t[self.i.min(self.t.len() - 1)]
    }
    fn tok(&self) -> &Tok {
        &self.cur().tok
    }
    fn peek_tok(&self, k: usize) -> &Tok {
        &self.t[(self.i + k).min(self.t.len() - 1)].tok
    }
    fn at_end(&self) -> bool {
        matches!(self.tok(), Tok::End)
    }
    fn prev_end(&self) -> Pos {
        if self.i == 0 {
            (1, 0)
        } else {
            self.t[self.i - 1].end
        }
    }
    fn is_op(&self, op: &str) -> bool {
        matches!(self.tok(), Tok::Op(o) if *o == op)
    }
    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.tok(), Tok::Name(n) if &**n == kw)
    }
    fn eat_op(&mut self, op: &str) -> bool {
        if self.is_op(op) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.is_kw(kw) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn invalid(&self) -> SyntaxErr {
        let t = self.cur();
        let (start, end) = match t.tok {
            Tok::Newline | Tok::End | Tok::Dedent | Tok::Indent => (t.start, (t.start.0, t.start.1 + 1)),
            _ => (t.start, t.end),
        };
        if matches!(t.tok, Tok::Indent) {
            return SyntaxErr::indent("unexpected indent", t.start.0, 0);
        }
        SyntaxErr::new("invalid syntax", start, end)
    }
    fn expect_op(&mut self, op: &str) -> R<()> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(self.invalid())
        }
    }
    fn name(&mut self) -> R<Rc<str>> {
        match self.tok().clone() {
            Tok::Name(n) if !is_keyword(&n) => {
                self.i += 1;
                Ok(n)
            }
            _ => Err(self.invalid()),
        }
    }
    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let p = self.cur().start;
            return Err(SyntaxErr::new("too many nested parentheses", p, p));
        }
        Ok(())
    }

    // ---------------------------------------------------------------- statements

    fn statement(&mut self, out: &mut Vec<Stmt>) -> R<()> {
        self.enter()?;
        let r = self.statement_inner(out);
        self.depth -= 1;
        r
    }

    fn statement_inner(&mut self, out: &mut Vec<Stmt>) -> R<()> {
        let start = self.cur().start;
        let kw = match self.tok() {
            Tok::Name(n) => n.clone(),
            Tok::Op("@") => Rc::from("@"),
            _ => Rc::from(""),
        };
        let kind = match &*kw {
            "if" => self.if_stmt("if")?,
            "while" => {
                self.i += 1;
                let test = self.named_expr()?;
                let body = self.block("'while' statement", start.0)?;
                let orelse = self.else_block()?;
                StmtKind::While(test, body, orelse)
            }
            "for" => self.for_stmt(start)?,
            "try" => self.try_stmt(start)?,
            "with" => self.with_stmt(start)?,
            "def" => StmtKind::Def(self.funcdef(Vec::new(), false)?),
            "class" => StmtKind::Class(self.classdef(Vec::new())?),
            "@" => self.decorated()?,
            "async" => {
                let p = self.cur().start;
                return Err(SyntaxErr::new(
                    "dockling: python: async functions are not simulated",
                    p,
                    p,
                ));
            }
            "match" if self.looks_like_match() => {
                let p = self.cur().start;
                return Err(SyntaxErr::new(
                    "dockling: python: match statements are not simulated",
                    p,
                    p,
                ));
            }
            "elif" | "else" | "except" | "finally" => {
                let t = self.cur();
                return Err(SyntaxErr::new("invalid syntax", t.start, t.end));
            }
            _ => return self.simple_stmts(out),
        };
        let end = self.prev_end();
        out.push(Stmt { kind, start, end });
        Ok(())
    }

    fn looks_like_match(&self) -> bool {
        if !matches!(
            self.peek_tok(1),
            Tok::Name(_) | Tok::Int(_) | Tok::Str(_) | Tok::Op("(" | "[" | "{" | "-")
        ) {
            return false;
        }
        let mut j = self.i;
        while j < self.t.len() && !matches!(self.t[j].tok, Tok::Newline | Tok::End) {
            j += 1;
        }
        j > 0 && matches!(self.t[j - 1].tok, Tok::Op(":"))
    }

    /// `:` then an indented block or simple statements on the same line.
    fn block(&mut self, what: &str, line: u32) -> R<Vec<Stmt>> {
        if !self.is_op(":") {
            let t = self.cur();
            let p = t.start;
            return Err(SyntaxErr::new("expected ':'", p, (p.0, p.1 + 1)));
        }
        self.i += 1;
        let mut body = Vec::new();
        if !matches!(self.tok(), Tok::Newline) {
            self.simple_stmts(&mut body)?;
            return Ok(body);
        }
        self.i += 1;
        if !matches!(self.tok(), Tok::Indent) {
            let t = self.cur();
            let (l, c) = if matches!(t.tok, Tok::End) {
                (line, 0)
            } else {
                (t.start.0, t.start.1 + 1)
            };
            let mut e = SyntaxErr::indent(
                format!("expected an indented block after {what} on line {line}"),
                l,
                c,
            );
            e.kind = ErrKind::Indentation;
            return Err(e);
        }
        self.i += 1;
        while !matches!(self.tok(), Tok::Dedent | Tok::End) {
            if matches!(self.tok(), Tok::Newline) {
                self.i += 1;
                continue;
            }
            if matches!(self.tok(), Tok::Indent) {
                return Err(SyntaxErr::indent("unexpected indent", self.cur().start.0, 0));
            }
            self.statement(&mut body)?;
        }
        if matches!(self.tok(), Tok::Dedent) {
            self.i += 1;
        }
        Ok(body)
    }

    fn if_stmt(&mut self, word: &str) -> R<StmtKind> {
        let line = self.cur().start.0;
        self.i += 1;
        let test = self.named_expr_in_if()?;
        let body = self.block(&format!("'{word}' statement"), line)?;
        let orelse = if self.is_kw("elif") {
            let start = self.cur().start;
            let k = self.if_stmt("elif")?;
            let end = self.prev_end();
            vec![Stmt { kind: k, start, end }]
        } else {
            self.else_block()?
        };
        Ok(StmtKind::If(test, body, orelse))
    }

    /// An `if`/`while` condition; `=` instead of `==` gets CPython's hint.
    fn named_expr_in_if(&mut self) -> R<Expr> {
        let e = self.named_expr()?;
        if self.is_op("=") {
            let eq = self.i;
            self.i += 1;
            let rhs = self.test()?;
            let _ = eq;
            return Err(SyntaxErr::new(
                "invalid syntax. Maybe you meant '==' or ':=' instead of '='?",
                e.start,
                rhs.end,
            ));
        }
        Ok(e)
    }

    fn else_block(&mut self) -> R<Vec<Stmt>> {
        if self.is_kw("else") {
            let line = self.cur().start.0;
            self.i += 1;
            return self.block("'else' statement", line);
        }
        Ok(Vec::new())
    }

    fn for_stmt(&mut self, start: Pos) -> R<StmtKind> {
        self.i += 1;
        let target = self.target_list()?;
        self.check_target(&target, "assign", false)?;
        if !self.eat_kw("in") {
            return Err(self.invalid());
        }
        let iter = self.star_expressions()?;
        let body = self.block("'for' statement", start.0)?;
        let orelse = self.else_block()?;
        Ok(StmtKind::For(target, iter, body, orelse))
    }

    /// A `for` target: expressions up to `in`, without comparisons.
    fn target_list(&mut self) -> R<Expr> {
        let start = self.cur().start;
        let mut items = Vec::new();
        loop {
            let e = if self.eat_op("*") {
                let s = self.prev_end();
                let v = self.bitor()?;
                Expr {
                    start: (s.0, s.1 - 1),
                    end: v.end,
                    kind: ExprKind::Starred(Box::new(v)),
                }
            } else {
                self.bitor()?
            };
            items.push(e);
            if !self.eat_op(",") {
                break;
            }
            if self.is_kw("in") {
                break;
            }
        }
        if items.len() == 1 && !matches!(self.t[self.i - 1].tok, Tok::Op(",")) {
            return Ok(items.remove(0));
        }
        Ok(Expr {
            kind: ExprKind::Tuple(items),
            start,
            end: self.prev_end(),
        })
    }

    fn try_stmt(&mut self, start: Pos) -> R<StmtKind> {
        self.i += 1;
        let body = self.block("'try' statement", start.0)?;
        let mut handlers = Vec::new();
        while self.is_kw("except") {
            let line = self.cur().start.0;
            self.i += 1;
            if self.is_op("*") {
                let p = self.cur().start;
                return Err(SyntaxErr::new(
                    "dockling: python: except* is not simulated",
                    p,
                    p,
                ));
            }
            let mut typ = None;
            let mut name = None;
            if !self.is_op(":") {
                let t = self.test()?;
                if self.is_op(",") {
                    let mut items = vec![t];
                    while self.eat_op(",") {
                        if self.is_op(":") || self.is_kw("as") {
                            break;
                        }
                        items.push(self.test()?);
                    }
                    let s = items[0].start;
                    let e = items[items.len() - 1].end;
                    if self.is_kw("as") {
                        return Err(SyntaxErr::new(
                            "multiple exception types must be parenthesized",
                            s,
                            e,
                        ));
                    }
                    typ = Some(Expr {
                        kind: ExprKind::Tuple(items),
                        start: s,
                        end: e,
                    });
                } else {
                    typ = Some(t);
                }
                if self.eat_kw("as") {
                    name = Some(self.name()?);
                }
            }
            let body = self.block("'except' statement", line)?;
            handlers.push(Handler {
                typ,
                name,
                body,
                line,
            });
        }
        let orelse = if !handlers.is_empty() {
            self.else_block()?
        } else {
            Vec::new()
        };
        let finalbody = if self.is_kw("finally") {
            let line = self.cur().start.0;
            self.i += 1;
            self.block("'finally' statement", line)?
        } else {
            Vec::new()
        };
        if handlers.is_empty() && finalbody.is_empty() {
            let t = self.cur();
            return Err(SyntaxErr::new(
                "expected 'except' or 'finally' block",
                t.start,
                t.start,
            ));
        }
        Ok(StmtKind::Try(body, handlers, orelse, finalbody))
    }

    fn with_stmt(&mut self, start: Pos) -> R<StmtKind> {
        self.i += 1;
        let mut items = Vec::new();
        let paren = self.is_op("(") && self.paren_with_items();
        if paren {
            self.i += 1;
        }
        loop {
            let e = self.test()?;
            let target = if self.eat_kw("as") {
                let t = self.bitor()?;
                self.check_target(&t, "assign", false)?;
                Some(t)
            } else {
                None
            };
            items.push((e, target));
            if !self.eat_op(",") {
                break;
            }
            if paren && self.is_op(")") {
                break;
            }
        }
        if paren {
            self.expect_op(")")?;
        }
        let body = self.block("'with' statement", start.0)?;
        Ok(StmtKind::With(items, body))
    }

    /// `with (a as b, c):` — parenthesised items (3.10+), told apart from `with (a):`.
    fn paren_with_items(&self) -> bool {
        let mut depth = 0;
        let mut j = self.i;
        while j < self.t.len() {
            match &self.t[j].tok {
                Tok::Op("(" | "[" | "{") => depth += 1,
                Tok::Op(")" | "]" | "}") => {
                    depth -= 1;
                    if depth == 0 {
                        return matches!(self.t.get(j + 1).map(|t| &t.tok), Some(Tok::Op(":")));
                    }
                }
                Tok::Name(n) if depth == 1 && &**n == "as" => return true,
                Tok::Newline | Tok::End => return false,
                _ => {}
            }
            j += 1;
        }
        false
    }

    fn decorated(&mut self) -> R<StmtKind> {
        let mut decorators = Vec::new();
        while self.eat_op("@") {
            decorators.push(self.named_expr()?);
            if !matches!(self.tok(), Tok::Newline) {
                return Err(self.invalid());
            }
            self.i += 1;
        }
        if self.is_kw("def") {
            Ok(StmtKind::Def(self.funcdef(decorators, false)?))
        } else if self.is_kw("class") {
            Ok(StmtKind::Class(self.classdef(decorators)?))
        } else {
            Err(self.invalid())
        }
    }

    fn funcdef(&mut self, decorators: Vec<Expr>, is_async: bool) -> R<Rc<FuncDef>> {
        let line = self.cur().start.0;
        self.i += 1;
        let name = self.name()?;
        self.expect_op("(")?;
        self.in_brackets += 1;
        let params = self.params(")")?;
        self.in_brackets -= 1;
        self.expect_op(")")?;
        if self.eat_op("->") {
            self.test()?;
        }
        let body = self.block("function definition", line)?;
        Ok(Rc::new(FuncDef {
            name,
            params,
            body,
            decorators,
            is_lambda: false,
            is_async,
            line,
        }))
    }

    /// Parameters up to `close` (`)` for def, `:` for lambda).
    fn params(&mut self, close: &str) -> R<Params> {
        let mut p = Params::default();
        let mut seen_default = false;
        let mut star = false;
        let mut names: Vec<Rc<str>> = Vec::new();
        let lambda = close == ":";
        while !self.is_op(close) {
            if self.eat_op("/") {
                p.posonly = p.args.len() as u32;
            } else if self.eat_op("**") {
                let n = self.name()?;
                if !lambda && self.eat_op(":") {
                    self.test()?;
                }
                p.kwarg = Some(n);
            } else if self.eat_op("*") {
                star = true;
                if !self.is_op(",") && !self.is_op(close) {
                    let n = self.name()?;
                    if !lambda && self.eat_op(":") {
                        self.test()?;
                    }
                    p.vararg = Some(n);
                }
            } else {
                let at = self.cur().start;
                let n = self.name()?;
                if names.contains(&n) {
                    return Err(SyntaxErr::new(
                        format!("duplicate argument '{n}' in function definition"),
                        at,
                        self.prev_end(),
                    ));
                }
                names.push(n.clone());
                if !lambda && self.eat_op(":") {
                    self.test()?;
                }
                let default = if self.eat_op("=") {
                    Some(self.test()?)
                } else {
                    None
                };
                if star {
                    p.kwonly.push((n, default));
                } else {
                    if default.is_some() {
                        seen_default = true;
                    } else if seen_default {
                        return Err(SyntaxErr::new(
                            "non-default argument follows default argument",
                            at,
                            self.prev_end(),
                        ));
                    }
                    p.args.push((n, default));
                }
            }
            if !self.eat_op(",") {
                break;
            }
        }
        Ok(p)
    }

    fn classdef(&mut self, decorators: Vec<Expr>) -> R<Rc<ClassDef>> {
        let line = self.cur().start.0;
        self.i += 1;
        let name = self.name()?;
        let bases = if self.eat_op("(") {
            let args = self.call_args()?;
            self.expect_op(")")?;
            args
        } else {
            Vec::new()
        };
        let body = self.block("class definition", line)?;
        Ok(Rc::new(ClassDef {
            name,
            bases,
            body,
            decorators,
            line,
        }))
    }

    fn simple_stmts(&mut self, out: &mut Vec<Stmt>) -> R<()> {
        loop {
            let start = self.cur().start;
            let kind = self.small_stmt()?;
            let end = self.prev_end();
            out.push(Stmt { kind, start, end });
            if self.eat_op(";") {
                if matches!(self.tok(), Tok::Newline | Tok::End) {
                    break;
                }
                continue;
            }
            break;
        }
        match self.tok() {
            Tok::Newline => {
                self.i += 1;
                Ok(())
            }
            Tok::End => Ok(()),
            _ => Err(self.after_expression_error()),
        }
    }

    /// The error for a token that cannot follow a complete statement (`print "x"`, `a b`).
    fn after_expression_error(&self) -> SyntaxErr {
        self.invalid()
    }

    fn small_stmt(&mut self) -> R<StmtKind> {
        let t = self.cur().clone();
        let kw = match &t.tok {
            Tok::Name(n) => n.clone(),
            _ => Rc::from(""),
        };
        Ok(match &*kw {
            "pass" => {
                self.i += 1;
                StmtKind::Pass
            }
            "break" => {
                self.i += 1;
                StmtKind::Break
            }
            "continue" => {
                self.i += 1;
                StmtKind::Continue
            }
            "return" => {
                self.i += 1;
                if matches!(self.tok(), Tok::Newline | Tok::End) || self.is_op(";") {
                    StmtKind::Return(None)
                } else {
                    StmtKind::Return(Some(self.star_expressions()?))
                }
            }
            "raise" => {
                self.i += 1;
                if matches!(self.tok(), Tok::Newline | Tok::End) || self.is_op(";") {
                    StmtKind::Raise(None, None)
                } else {
                    let e = self.test()?;
                    let cause = if self.eat_kw("from") {
                        Some(self.test()?)
                    } else {
                        None
                    };
                    StmtKind::Raise(Some(e), cause)
                }
            }
            "global" | "nonlocal" => {
                self.i += 1;
                let mut names = vec![self.name()?];
                while self.eat_op(",") {
                    names.push(self.name()?);
                }
                if &*kw == "global" {
                    StmtKind::Global(names)
                } else {
                    StmtKind::Nonlocal(names)
                }
            }
            "del" => {
                self.i += 1;
                let e = self.star_expressions()?;
                let targets = match e.kind {
                    ExprKind::Tuple(items) if !self.t[self.i - 1].tok.eq(&Tok::Op(")")) => items,
                    _ => vec![e],
                };
                for t in &targets {
                    self.check_target(t, "delete", false)?;
                }
                StmtKind::Del(targets)
            }
            "assert" => {
                self.i += 1;
                let test = self.test()?;
                let msg = if self.eat_op(",") {
                    Some(self.test()?)
                } else {
                    None
                };
                StmtKind::Assert(test, msg)
            }
            "import" => {
                self.i += 1;
                let mut names = Vec::new();
                loop {
                    let n = self.dotted_name()?;
                    let alias = if self.eat_kw("as") {
                        Some(self.name()?)
                    } else {
                        None
                    };
                    names.push((n, alias));
                    if !self.eat_op(",") {
                        break;
                    }
                }
                StmtKind::Import(names)
            }
            "from" => {
                self.i += 1;
                let mut level = 0;
                loop {
                    if self.eat_op(".") {
                        level += 1;
                    } else if self.eat_op("...") {
                        level += 3;
                    } else {
                        break;
                    }
                }
                let module = if self.is_kw("import") {
                    Rc::from("")
                } else {
                    self.dotted_name()?
                };
                if !self.eat_kw("import") {
                    return Err(self.invalid());
                }
                let mut names = Vec::new();
                if self.eat_op("*") {
                } else {
                    let paren = self.eat_op("(");
                    loop {
                        let n = self.name()?;
                        let alias = if self.eat_kw("as") {
                            Some(self.name()?)
                        } else {
                            None
                        };
                        names.push((n, alias));
                        if !self.eat_op(",") {
                            break;
                        }
                        if paren && self.is_op(")") {
                            break;
                        }
                    }
                    if paren {
                        self.expect_op(")")?;
                    }
                }
                StmtKind::ImportFrom(module, level, names)
            }
            _ => return self.expr_stmt(),
        })
    }

    fn dotted_name(&mut self) -> R<Rc<str>> {
        let mut s = self.name()?.to_string();
        while self.eat_op(".") {
            s.push('.');
            s.push_str(&self.name()?);
        }
        Ok(Rc::from(s))
    }

    fn expr_stmt(&mut self) -> R<StmtKind> {
        let first = self.star_expressions()?;
        // print "x": Python 2 syntax.
        if let ExprKind::Name(n) = &first.kind {
            if &**n == "print"
                && matches!(
                    self.tok(),
                    Tok::Str(_) | Tok::Name(_) | Tok::Int(_) | Tok::Float(_) | Tok::FStr(..)
                )
                && !matches!(self.tok(), Tok::Name(k) if is_keyword(k))
            {
                let save = self.i;
                let rest = self.star_expressions();
                self.i = save;
                let end = rest.map(|e| e.end).unwrap_or(self.cur().end);
                return Err(SyntaxErr::new(
                    "Missing parentheses in call to 'print'. Did you mean print(...)?",
                    first.start,
                    end,
                ));
            }
        }
        if let Tok::Op(op) = self.tok() {
            let op = *op;
            if op.len() >= 2 && op.ends_with('=') && !matches!(op, "==" | "<=" | ">=" | "!=") {
                let bop = BinOp::from_symbol(&op[..op.len() - 1]);
                if let Some(bop) = bop {
                    match &first.kind {
                        ExprKind::Name(_) | ExprKind::Attr(..) | ExprKind::Subscript(..) => {}
                        _ => {
                            return Err(SyntaxErr::new(
                                format!(
                                    "'{}' is an illegal expression for augmented assignment",
                                    expr_name(&first)
                                ),
                                first.start,
                                first.end,
                            ))
                        }
                    }
                    self.i += 1;
                    let value = if self.is_kw("yield") {
                        self.yield_expr()?
                    } else {
                        self.star_expressions()?
                    };
                    return Ok(StmtKind::AugAssign(first, bop, value));
                }
            }
        }
        if self.is_op(":") {
            self.i += 1;
            let ann = self.test()?;
            let value = if self.eat_op("=") {
                Some(self.star_expressions()?)
            } else {
                None
            };
            self.check_target(&first, "assign", false)?;
            return Ok(StmtKind::AnnAssign(first, ann, value));
        }
        if !self.is_op("=") {
            return Ok(StmtKind::Expr(first));
        }
        let mut targets = vec![first];
        let mut value;
        loop {
            self.i += 1;
            value = if self.is_kw("yield") {
                self.yield_expr()?
            } else {
                self.star_expressions()?
            };
            if !self.is_op("=") {
                break;
            }
            targets.push(value);
        }
        let single = targets.len() == 1;
        for t in &targets {
            self.check_target(t, "assign", single)?;
        }
        Ok(StmtKind::Assign(targets, value))
    }

    /// Checks an assignment / deletion target, with CPython's messages.
    fn check_target(&self, e: &Expr, verb: &str, hint: bool) -> R<()> {
        match &e.kind {
            ExprKind::Name(n) => {
                if verb == "assign" && matches!(&**n, "__debug__") {
                    return Err(SyntaxErr::new("cannot assign to __debug__", e.start, e.end));
                }
                Ok(())
            }
            ExprKind::Attr(..) | ExprKind::Subscript(..) => Ok(()),
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                for i in items {
                    self.check_target(i, verb, false)?;
                }
                Ok(())
            }
            ExprKind::Starred(inner) if verb == "assign" => self.check_target(inner, verb, false),
            ExprKind::Const(Const::None | Const::Bool(_) | Const::Ellipsis) => Err(SyntaxErr::new(
                format!("cannot {verb} to {}", expr_name(e)),
                e.start,
                e.end,
            )),
            _ => {
                let what = expr_name(e);
                let msg = if verb == "delete" {
                    format!("cannot delete {what}")
                } else if hint && !matches!(e.kind, ExprKind::Comp(..) | ExprKind::Lambda(_)) {
                    format!("cannot assign to {what} here. Maybe you meant '==' instead of '='?")
                } else {
                    format!("cannot assign to {what}")
                };
                Err(SyntaxErr::new(msg, e.start, e.end))
            }
        }
    }

    // ---------------------------------------------------------------- expressions

    /// Comma-separated expressions (a tuple without parentheses), starred items allowed.
    fn star_expressions(&mut self) -> R<Expr> {
        let first = self.star_expr()?;
        if !self.is_op(",") {
            if let ExprKind::Starred(_) = first.kind {
                if !self.in_assign_context() {
                    return Err(SyntaxErr::new(
                        "can't use starred expression here",
                        first.start,
                        first.end,
                    ));
                }
            }
            return Ok(first);
        }
        let start = first.start;
        let mut items = vec![first];
        while self.eat_op(",") {
            if !self.starts_expr() {
                break;
            }
            items.push(self.star_expr()?);
        }
        Ok(Expr {
            kind: ExprKind::Tuple(items),
            start,
            end: self.prev_end(),
        })
    }

    fn in_assign_context(&self) -> bool {
        self.is_op("=")
    }

    fn starts_expr(&self) -> bool {
        match self.tok() {
            Tok::Name(n) => {
                !is_keyword(n)
                    || matches!(&**n, "None" | "True" | "False" | "not" | "lambda" | "await")
            }
            Tok::Op(o) => matches!(*o, "(" | "[" | "{" | "-" | "+" | "~" | "*" | "..."),
            Tok::Int(_) | Tok::BigInt(_) | Tok::Float(_) | Tok::Str(_) | Tok::Bytes(_) | Tok::FStr(..) => {
                true
            }
            _ => false,
        }
    }

    fn star_expr(&mut self) -> R<Expr> {
        if self.is_op("*") {
            let start = self.cur().start;
            self.i += 1;
            let v = self.bitor()?;
            return Ok(Expr {
                start,
                end: v.end,
                kind: ExprKind::Starred(Box::new(v)),
            });
        }
        self.named_expr()
    }

    fn named_expr(&mut self) -> R<Expr> {
        if let (Tok::Name(n), Tok::Op(":=")) = (self.tok().clone(), self.peek_tok(1)) {
            let start = self.cur().start;
            self.i += 2;
            let v = self.test()?;
            return Ok(Expr {
                start,
                end: v.end,
                kind: ExprKind::Walrus(n, Box::new(v)),
            });
        }
        self.test()
    }

    fn yield_expr(&mut self) -> R<Expr> {
        let start = self.cur().start;
        self.i += 1;
        let v = if self.starts_expr() {
            Some(Box::new(self.star_expressions()?))
        } else {
            None
        };
        Ok(Expr {
            start,
            end: self.prev_end(),
            kind: ExprKind::Yield(v),
        })
    }

    fn test(&mut self) -> R<Expr> {
        self.enter()?;
        let r = self.test_inner();
        self.depth -= 1;
        r
    }

    fn test_inner(&mut self) -> R<Expr> {
        if self.is_kw("lambda") {
            return self.lambda();
        }
        if self.is_kw("yield") {
            return self.yield_expr();
        }
        let body = self.or_test()?;
        if self.is_kw("if") && !self.if_is_comprehension_clause() {
            self.i += 1;
            let cond = self.or_test()?;
            if !self.eat_kw("else") {
                return Err(SyntaxErr::new(
                    "expected 'else' after 'if' expression",
                    body.start,
                    cond.end,
                ));
            }
            let orelse = self.test()?;
            return Ok(Expr {
                start: body.start,
                end: orelse.end,
                kind: ExprKind::IfExp(Box::new(cond), Box::new(body), Box::new(orelse)),
            });
        }
        Ok(body)
    }

    fn if_is_comprehension_clause(&self) -> bool {
        false
    }

    fn lambda(&mut self) -> R<Expr> {
        let start = self.cur().start;
        self.i += 1;
        let params = self.params(":")?;
        self.expect_op(":")?;
        let body = self.test()?;
        let end = body.end;
        let bs = body.start;
        let f = FuncDef {
            name: Rc::from("<lambda>"),
            params,
            body: vec![Stmt {
                start: bs,
                end,
                kind: StmtKind::Return(Some(body)),
            }],
            decorators: Vec::new(),
            is_lambda: true,
            is_async: false,
            line: start.0,
        };
        Ok(Expr {
            start,
            end,
            kind: ExprKind::Lambda(Rc::new(f)),
        })
    }

    fn or_test(&mut self) -> R<Expr> {
        let first = self.and_test()?;
        if !self.is_kw("or") {
            return Ok(first);
        }
        let start = first.start;
        let mut items = vec![first];
        while self.eat_kw("or") {
            items.push(self.and_test()?);
        }
        Ok(Expr {
            start,
            end: self.prev_end(),
            kind: ExprKind::BoolOp(false, items),
        })
    }

    fn and_test(&mut self) -> R<Expr> {
        let first = self.not_test()?;
        if !self.is_kw("and") {
            return Ok(first);
        }
        let start = first.start;
        let mut items = vec![first];
        while self.eat_kw("and") {
            items.push(self.not_test()?);
        }
        Ok(Expr {
            start,
            end: self.prev_end(),
            kind: ExprKind::BoolOp(true, items),
        })
    }

    fn not_test(&mut self) -> R<Expr> {
        if self.is_kw("not") {
            let start = self.cur().start;
            self.i += 1;
            self.enter()?;
            let v = self.not_test();
            self.depth -= 1;
            let v = v?;
            return Ok(Expr {
                start,
                end: v.end,
                kind: ExprKind::Unary(UnOp::Not, Box::new(v)),
            });
        }
        self.comparison()
    }

    fn comp_op(&mut self) -> Option<CmpOp> {
        let op = match self.tok() {
            Tok::Op("==") => CmpOp::Eq,
            Tok::Op("!=") => CmpOp::Ne,
            Tok::Op("<") => CmpOp::Lt,
            Tok::Op("<=") => CmpOp::Le,
            Tok::Op(">") => CmpOp::Gt,
            Tok::Op(">=") => CmpOp::Ge,
            Tok::Name(n) if &**n == "in" => CmpOp::In,
            Tok::Name(n) if &**n == "is" => {
                if matches!(self.peek_tok(1), Tok::Name(m) if &**m == "not") {
                    self.i += 1;
                    CmpOp::IsNot
                } else {
                    CmpOp::Is
                }
            }
            Tok::Name(n) if &**n == "not" => {
                if matches!(self.peek_tok(1), Tok::Name(m) if &**m == "in") {
                    self.i += 1;
                    CmpOp::NotIn
                } else {
                    return None;
                }
            }
            _ => return None,
        };
        self.i += 1;
        Some(op)
    }

    fn comparison(&mut self) -> R<Expr> {
        let first = self.bitor()?;
        let save = self.i;
        let Some(op) = self.comp_op() else {
            return Ok(first);
        };
        let _ = save;
        let start = first.start;
        let mut rest = vec![(op, self.bitor()?)];
        while let Some(op) = self.comp_op() {
            rest.push((op, self.bitor()?));
        }
        Ok(Expr {
            start,
            end: self.prev_end(),
            kind: ExprKind::Compare(Box::new(first), rest),
        })
    }

    fn binary(&mut self, level: u8) -> R<Expr> {
        if level == 6 {
            return self.factor();
        }
        let ops: &[&str] = match level {
            0 => &["|"],
            1 => &["^"],
            2 => &["&"],
            3 => &["<<", ">>"],
            4 => &["+", "-"],
            _ => &["*", "/", "//", "%", "@"],
        };
        let mut left = self.binary(level + 1)?;
        while let Tok::Op(o) = self.tok() {
            if !ops.contains(o) {
                break;
            }
            let op = BinOp::from_symbol(o).unwrap_or(BinOp::Add);
            self.i += 1;
            let right = self.binary(level + 1)?;
            left = Expr {
                start: left.start,
                end: right.end,
                kind: ExprKind::Bin(Box::new(left), op, Box::new(right)),
            };
        }
        Ok(left)
    }

    fn bitor(&mut self) -> R<Expr> {
        self.binary(0)
    }

    fn factor(&mut self) -> R<Expr> {
        let op = match self.tok() {
            Tok::Op("-") => Some(UnOp::Neg),
            Tok::Op("+") => Some(UnOp::Pos),
            Tok::Op("~") => Some(UnOp::Invert),
            _ => None,
        };
        if let Some(op) = op {
            let start = self.cur().start;
            self.i += 1;
            self.enter()?;
            let v = self.factor();
            self.depth -= 1;
            let v = v?;
            return Ok(Expr {
                start,
                end: v.end,
                kind: ExprKind::Unary(op, Box::new(v)),
            });
        }
        self.power()
    }

    fn power(&mut self) -> R<Expr> {
        let base = self.await_primary()?;
        if self.eat_op("**") {
            self.enter()?;
            let exp = self.factor();
            self.depth -= 1;
            let exp = exp?;
            return Ok(Expr {
                start: base.start,
                end: exp.end,
                kind: ExprKind::Bin(Box::new(base), BinOp::Pow, Box::new(exp)),
            });
        }
        Ok(base)
    }

    fn await_primary(&mut self) -> R<Expr> {
        if self.is_kw("await") {
            let p = self.cur().start;
            return Err(SyntaxErr::new(
                "dockling: python: await is not simulated",
                p,
                p,
            ));
        }
        let mut e = self.atom()?;
        loop {
            if self.is_op("(") {
                self.i += 1;
                self.in_brackets += 1;
                let args = self.call_args();
                self.in_brackets -= 1;
                let args = args?;
                if !self.is_op(")") {
                    return Err(self.missing_comma_or_invalid());
                }
                self.i += 1;
                e = Expr {
                    start: e.start,
                    end: self.prev_end(),
                    kind: ExprKind::Call(Box::new(e), args),
                };
            } else if self.is_op("[") {
                self.i += 1;
                self.in_brackets += 1;
                let idx = self.subscript();
                self.in_brackets -= 1;
                let idx = idx?;
                self.expect_op("]")?;
                e = Expr {
                    start: e.start,
                    end: self.prev_end(),
                    kind: ExprKind::Subscript(Box::new(e), Box::new(idx)),
                };
            } else if self.is_op(".") {
                self.i += 1;
                let n = match self.tok().clone() {
                    Tok::Name(n) => {
                        self.i += 1;
                        n
                    }
                    _ => {
                        let t = self.cur();
                        return Err(SyntaxErr::new("invalid syntax", t.start, t.end));
                    }
                };
                e = Expr {
                    start: e.start,
                    end: self.prev_end(),
                    kind: ExprKind::Attr(Box::new(e), n),
                };
            } else {
                break;
            }
        }
        Ok(e)
    }

    fn missing_comma_or_invalid(&mut self) -> SyntaxErr {
        self.invalid()
    }

    fn subscript(&mut self) -> R<Expr> {
        let start = self.cur().start;
        let first = self.slice_item()?;
        if !self.is_op(",") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.is_op("]") {
                break;
            }
            items.push(self.slice_item()?);
        }
        Ok(Expr {
            start,
            end: self.prev_end(),
            kind: ExprKind::Tuple(items),
        })
    }

    fn slice_item(&mut self) -> R<Expr> {
        let start = self.cur().start;
        let lower = if self.is_op(":") {
            None
        } else {
            let e = self.named_expr()?;
            if !self.is_op(":") {
                return Ok(e);
            }
            Some(Box::new(e))
        };
        self.expect_op(":")?;
        let upper = if self.is_op(":") || self.is_op("]") || self.is_op(",") {
            None
        } else {
            Some(Box::new(self.test()?))
        };
        let step = if self.eat_op(":") {
            if self.is_op("]") || self.is_op(",") {
                None
            } else {
                Some(Box::new(self.test()?))
            }
        } else {
            None
        };
        Ok(Expr {
            start,
            end: self.prev_end(),
            kind: ExprKind::Slice(lower, upper, step),
        })
    }

    fn call_args(&mut self) -> R<Vec<Arg>> {
        let mut args: Vec<Arg> = Vec::new();
        let mut seen_kw = false;
        let mut seen_dstar = false;
        while !self.is_op(")") {
            let at = self.cur().start;
            if self.eat_op("**") {
                let v = self.test()?;
                seen_dstar = true;
                args.push(Arg {
                    name: None,
                    value: v,
                    star: 2,
                });
            } else if self.eat_op("*") {
                let v = self.test()?;
                if seen_dstar {
                    return Err(SyntaxErr::new(
                        "iterable argument unpacking follows keyword argument unpacking",
                        at,
                        v.end,
                    ));
                }
                args.push(Arg {
                    name: None,
                    value: v,
                    star: 1,
                });
            } else if let (Tok::Name(n), Tok::Op("=")) = (self.tok().clone(), self.peek_tok(1)) {
                if is_keyword(&n) {
                    return Err(self.invalid());
                }
                self.i += 2;
                let v = self.test()?;
                if args.iter().any(|a| a.name.as_deref() == Some(&*n)) {
                    return Err(SyntaxErr::new(
                        format!("keyword argument repeated: {n}"),
                        at,
                        v.end,
                    ));
                }
                seen_kw = true;
                args.push(Arg {
                    name: Some(n),
                    value: v,
                    star: 0,
                });
            } else {
                let v = self.named_expr()?;
                if self.is_kw("for") {
                    let g = self.comprehension(CompKind::Gen, v, None, at)?;
                    args.push(Arg {
                        name: None,
                        value: g,
                        star: 0,
                    });
                    if !self.is_op(")") {
                        let t = self.cur();
                        return Err(SyntaxErr::new(
                            "Generator expression must be parenthesized",
                            at,
                            t.start,
                        ));
                    }
                    break;
                }
                if self.is_op("=") {
                    let t = self.cur().clone();
                    let _ = t;
                    return Err(SyntaxErr::new(
                        "expression cannot contain assignment, perhaps you meant \"==\"?",
                        v.start,
                        self.cur().end,
                    ));
                }
                if seen_dstar {
                    return Err(SyntaxErr::new(
                        "positional argument follows keyword argument unpacking",
                        v.start,
                        v.end,
                    ));
                }
                if seen_kw {
                    return Err(SyntaxErr::new(
                        "positional argument follows keyword argument",
                        v.start,
                        v.end,
                    ));
                }
                if self.starts_expr() && !self.is_op("*") && !self.is_op("-") && !self.is_op("+") {
                    return Err(self.forgot_comma(&v));
                }
                args.push(Arg {
                    name: None,
                    value: v,
                    star: 0,
                });
            }
            if !self.eat_op(",") {
                break;
            }
        }
        Ok(args)
    }

    /// `[1 2]`: the element after `prev` starts without a comma.
    fn forgot_comma(&mut self, prev: &Expr) -> SyntaxErr {
        let save = self.i;
        let next = self.test();
        self.i = save;
        match next {
            Ok(n) => SyntaxErr::new(
                "invalid syntax. Perhaps you forgot a comma?",
                prev.start,
                n.end,
            ),
            Err(_) => self.invalid(),
        }
    }

    fn comprehension(
        &mut self,
        kind: CompKind,
        elt: Expr,
        value: Option<Expr>,
        start: Pos,
    ) -> R<Expr> {
        let mut gens = Vec::new();
        while self.eat_kw("for") {
            let target = self.target_list()?;
            self.check_target(&target, "assign", false)?;
            if !self.eat_kw("in") {
                return Err(self.invalid());
            }
            let iter = self.or_test()?;
            let mut ifs = Vec::new();
            while self.eat_kw("if") {
                ifs.push(self.or_test_no_cond()?);
            }
            gens.push(CompFor { target, iter, ifs });
        }
        let close = match kind {
            CompKind::List => "]",
            CompKind::Gen => ")",
            _ => "}",
        };
        let end = if self.is_op(close) {
            self.cur().end
        } else {
            self.prev_end()
        };
        Ok(Expr {
            start,
            end,
            kind: ExprKind::Comp(kind, Box::new(elt), value.map(Box::new), gens),
        })
    }

    fn or_test_no_cond(&mut self) -> R<Expr> {
        self.or_test()
    }

    fn atom(&mut self) -> R<Expr> {
        self.enter()?;
        let r = self.atom_inner();
        self.depth -= 1;
        r
    }

    fn atom_inner(&mut self) -> R<Expr> {
        let t = self.cur().clone();
        let start = t.start;
        let mk = |kind, end| Expr { kind, start, end };
        match t.tok {
            Tok::Name(n) => {
                let k = match &*n {
                    "None" => ExprKind::Const(Const::None),
                    "True" => ExprKind::Const(Const::Bool(true)),
                    "False" => ExprKind::Const(Const::Bool(false)),
                    _ if is_keyword(&n) => return Err(self.invalid()),
                    _ => ExprKind::Name(n),
                };
                self.i += 1;
                Ok(mk(k, t.end))
            }
            Tok::Int(v) => {
                self.i += 1;
                Ok(mk(ExprKind::Const(Const::Int(v)), t.end))
            }
            Tok::BigInt(v) => {
                self.i += 1;
                Ok(mk(ExprKind::Const(Const::Big(v)), t.end))
            }
            Tok::Float(v) => {
                self.i += 1;
                Ok(mk(ExprKind::Const(Const::Float(v)), t.end))
            }
            Tok::Str(_) | Tok::FStr(..) | Tok::Bytes(_) => self.strings(),
            Tok::Op("...") => {
                self.i += 1;
                Ok(mk(ExprKind::Const(Const::Ellipsis), t.end))
            }
            Tok::Op("(") => {
                self.i += 1;
                self.in_brackets += 1;
                let r = self.paren(start);
                self.in_brackets -= 1;
                r
            }
            Tok::Op("[") => {
                self.i += 1;
                self.in_brackets += 1;
                let r = self.list(start);
                self.in_brackets -= 1;
                r
            }
            Tok::Op("{") => {
                self.i += 1;
                self.in_brackets += 1;
                let r = self.dict_or_set(start);
                self.in_brackets -= 1;
                r
            }
            Tok::Indent => Err(SyntaxErr::indent("unexpected indent", t.start.0, 0)),
            _ => Err(self.invalid()),
        }
    }

    fn paren(&mut self, start: Pos) -> R<Expr> {
        if self.eat_op(")") {
            return Ok(Expr {
                kind: ExprKind::Tuple(Vec::new()),
                start,
                end: self.prev_end(),
            });
        }
        if self.is_kw("yield") {
            let y = self.yield_expr()?;
            self.expect_op(")")?;
            return Ok(y);
        }
        let first = self.star_expr()?;
        if self.is_kw("for") {
            let g = self.comprehension(CompKind::Gen, first, None, start)?;
            self.expect_op(")")?;
            return Ok(g);
        }
        if self.eat_op(")") {
            if let ExprKind::Starred(_) = first.kind {
                return Err(SyntaxErr::new(
                    "cannot use starred expression here",
                    first.start,
                    first.end,
                ));
            }
            return Ok(first);
        }
        if !self.is_op(",") {
            if self.starts_expr() {
                return Err(self.forgot_comma(&first));
            }
            return Err(self.invalid());
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.is_op(")") {
                break;
            }
            let e = self.star_expr()?;
            if self.starts_expr() {
                return Err(self.forgot_comma(&e));
            }
            items.push(e);
        }
        self.expect_op(")")?;
        Ok(Expr {
            kind: ExprKind::Tuple(items),
            start,
            end: self.prev_end(),
        })
    }

    fn list(&mut self, start: Pos) -> R<Expr> {
        let mut items = Vec::new();
        if !self.is_op("]") {
            let first = self.star_expr()?;
            if self.is_kw("for") {
                let c = self.comprehension(CompKind::List, first, None, start)?;
                self.expect_op("]")?;
                return Ok(c);
            }
            if self.starts_expr() {
                return Err(self.forgot_comma(&first));
            }
            items.push(first);
            while self.eat_op(",") {
                if self.is_op("]") {
                    break;
                }
                let e = self.star_expr()?;
                if self.starts_expr() {
                    return Err(self.forgot_comma(&e));
                }
                items.push(e);
            }
        }
        self.expect_op("]")?;
        Ok(Expr {
            kind: ExprKind::List(items),
            start,
            end: self.prev_end(),
        })
    }

    fn dict_or_set(&mut self, start: Pos) -> R<Expr> {
        if self.eat_op("}") {
            return Ok(Expr {
                kind: ExprKind::Dict(Vec::new()),
                start,
                end: self.prev_end(),
            });
        }
        // First item decides.
        if self.eat_op("**") {
            let v = self.bitor()?;
            let mut items = vec![(None, v)];
            self.dict_rest(&mut items)?;
            return Ok(Expr {
                kind: ExprKind::Dict(items),
                start,
                end: self.prev_end(),
            });
        }
        let first = self.star_expr()?;
        if self.eat_op(":") {
            let v = self.test()?;
            if self.is_kw("for") {
                let c = self.comprehension(CompKind::Dict, first, Some(v), start)?;
                self.expect_op("}")?;
                return Ok(c);
            }
            let mut items = vec![(Some(first), v)];
            self.dict_rest(&mut items)?;
            return Ok(Expr {
                kind: ExprKind::Dict(items),
                start,
                end: self.prev_end(),
            });
        }
        if self.is_kw("for") {
            let c = self.comprehension(CompKind::Set, first, None, start)?;
            self.expect_op("}")?;
            return Ok(c);
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.is_op("}") {
                break;
            }
            items.push(self.star_expr()?);
        }
        self.expect_op("}")?;
        Ok(Expr {
            kind: ExprKind::Set(items),
            start,
            end: self.prev_end(),
        })
    }

    fn dict_rest(&mut self, items: &mut Vec<(Option<Expr>, Expr)>) -> R<()> {
        while self.eat_op(",") {
            if self.is_op("}") {
                break;
            }
            if self.eat_op("**") {
                let v = self.bitor()?;
                items.push((None, v));
                continue;
            }
            let k = self.test()?;
            if !self.eat_op(":") {
                let t = self.cur();
                return Err(SyntaxErr::new(
                    "':' expected after dictionary key",
                    t.start,
                    t.end,
                ));
            }
            let v = self.test()?;
            items.push((Some(k), v));
        }
        if self.starts_expr() {
            if let Some((_, last)) = items.last() {
                let last = last.clone();
                return Err(self.forgot_comma(&last));
            }
        }
        self.expect_op("}")
    }

    /// Adjacent string literals, concatenated (f-strings included).
    fn strings(&mut self) -> R<Expr> {
        let start = self.cur().start;
        let mut parts: Vec<FPart> = Vec::new();
        let mut bytes: Option<Vec<u8>> = None;
        let mut any_f = false;
        let mut any_str = false;
        loop {
            match self.tok().clone() {
                Tok::Str(s) => {
                    any_str = true;
                    push_lit(&mut parts, &s);
                }
                Tok::Bytes(b) => {
                    bytes.get_or_insert_with(Vec::new).extend_from_slice(&b);
                }
                Tok::FStr(body, raw, pos) => {
                    any_f = true;
                    any_str = true;
                    let fp = parse_fstring(&body, raw, pos, self.depth)?;
                    for p in fp {
                        match p {
                            FPart::Lit(s) => push_lit(&mut parts, &s),
                            other => parts.push(other),
                        }
                    }
                }
                _ => break,
            }
            self.i += 1;
        }
        let end = self.prev_end();
        if let Some(b) = bytes {
            if any_str {
                return Err(SyntaxErr::new(
                    "cannot mix bytes and nonbytes literals",
                    start,
                    end,
                ));
            }
            return Ok(Expr {
                kind: ExprKind::Const(Const::Bytes(b.into())),
                start,
                end,
            });
        }
        let kind = if any_f {
            ExprKind::FStr(parts)
        } else {
            let s = match parts.into_iter().next() {
                Some(FPart::Lit(s)) => s,
                _ => String::new(),
            };
            ExprKind::Const(Const::Str(Rc::from(s)))
        };
        Ok(Expr { kind, start, end })
    }
}

fn push_lit(parts: &mut Vec<FPart>, s: &str) {
    if let Some(FPart::Lit(l)) = parts.last_mut() {
        l.push_str(s);
    } else {
        parts.push(FPart::Lit(s.to_string()));
    }
}

/// Splits an f-string body into literal text and replacement fields.
fn parse_fstring(body: &str, raw: bool, pos: Pos, depth_in: u32) -> R<Vec<FPart>> {
    if depth_in > MAX_DEPTH / 2 {
        return Err(SyntaxErr::new("f-string: expressions nested too deeply", pos, pos));
    }
    let mut parts = Vec::new();
    let b = body.as_bytes();
    let mut i = 0;
    let mut lit = String::new();
    // Position of byte i in the source.
    let at = |i: usize| -> Pos {
        let before = &body[..i];
        let nl = before.matches('\n').count() as u32;
        if nl == 0 {
            (pos.0, pos.1 + i as u32)
        } else {
            let last = before.rfind('\n').map(|k| k + 1).unwrap_or(0);
            (pos.0 + nl, (i - last) as u32)
        }
    };
    let flush = |lit: &mut String, parts: &mut Vec<FPart>| {
        if !lit.is_empty() {
            let text = if raw {
                std::mem::take(lit)
            } else {
                super::lexer::unescape(&std::mem::take(lit), false, &mut |_| {})
            };
            push_lit(parts, &text);
        }
    };
    while i < b.len() {
        let c = b[i];
        if c == b'{' && b.get(i + 1) == Some(&b'{') {
            lit.push('{');
            i += 2;
            continue;
        }
        if c == b'}' {
            if b.get(i + 1) == Some(&b'}') {
                lit.push('}');
                i += 2;
                continue;
            }
            let p = at(i);
            return Err(SyntaxErr::new("f-string: single '}' is not allowed", p, p));
        }
        if c != b'{' {
            let ch = body[i..].chars().next().unwrap_or(' ');
            lit.push(ch);
            i += ch.len_utf8();
            continue;
        }
        flush(&mut lit, &mut parts);
        // A replacement field: find the end of the expression.
        let estart = i + 1;
        let mut j = estart;
        let mut depth = 0i32;
        let mut quote: Option<u8> = None;
        let mut end_kind = 0u8;
        while j < b.len() {
            let c = b[j];
            if let Some(q) = quote {
                if c == q {
                    quote = None;
                }
                j += 1;
                continue;
            }
            match c {
                b'\'' | b'"' => quote = Some(c),
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' => depth -= 1,
                b'}' if depth > 0 => depth -= 1,
                b'}' => {
                    end_kind = b'}';
                    break;
                }
                b'!' if depth == 0 && b.get(j + 1) != Some(&b'=') => {
                    end_kind = b'!';
                    break;
                }
                b':' if depth == 0 => {
                    end_kind = b':';
                    break;
                }
                b'=' if depth == 0
                    && b.get(j + 1) != Some(&b'=')
                    && j > estart
                    && !matches!(b[j - 1], b'=' | b'!' | b'<' | b'>') =>
                {
                    end_kind = b'=';
                    break;
                }
                _ => {}
            }
            j += 1;
        }
        if end_kind == 0 {
            let p = at(b.len());
            return Err(SyntaxErr::new("f-string: expecting '}'", p, p));
        }
        let expr_text = &body[estart..j];
        if expr_text.trim().is_empty() {
            let p = at(j);
            return Err(SyntaxErr::new(
                "f-string: valid expression required before '}'",
                p,
                p,
            ));
        }
        let mut debug = None;
        if end_kind == b'=' {
            j += 1;
            // Whitespace after '=' belongs to the debug text.
            let mut k = j;
            while k < b.len() && b[k] == b' ' {
                k += 1;
            }
            debug = Some(body[estart..k].to_string());
            j = k;
            end_kind = match b.get(j) {
                Some(b'!') => b'!',
                Some(b':') => b':',
                Some(b'}') => b'}',
                _ => {
                    let p = at(j);
                    return Err(SyntaxErr::new("f-string: expecting '}'", p, p));
                }
            };
        }
        let mut expr = parse_expression(&format!("({expr_text})")).map_err(|mut e| {
            let p = at(estart);
            e.line = p.0;
            e.end_line = p.0;
            e
        })?;
        shift(&mut expr, at(estart));
        let mut conv = None;
        if end_kind == b'!' {
            let cc = b.get(j + 1).copied().unwrap_or(0);
            if !matches!(cc, b's' | b'r' | b'a') {
                let p = at(j + 1);
                return Err(SyntaxErr::new(
                    "f-string: invalid conversion character: expected 's', 'r', or 'a'",
                    p,
                    p,
                ));
            }
            conv = Some(cc as char);
            j += 2;
            end_kind = match b.get(j) {
                Some(b':') => b':',
                Some(b'}') => b'}',
                _ => {
                    let p = at(j);
                    return Err(SyntaxErr::new("f-string: expecting '}'", p, p));
                }
            };
        }
        let mut spec = Vec::new();
        if end_kind == b':' {
            // The spec runs to the matching '}' and may hold nested fields.
            let sstart = j + 1;
            let mut k = sstart;
            let mut d = 0;
            while k < b.len() {
                match b[k] {
                    b'{' => d += 1,
                    b'}' if d == 0 => break,
                    b'}' => d -= 1,
                    _ => {}
                }
                k += 1;
            }
            if k >= b.len() {
                let p = at(k);
                return Err(SyntaxErr::new("f-string: expecting '}'", p, p));
            }
            spec = parse_fstring(&body[sstart..k], raw, at(sstart), depth_in + 1)?;
            j = k;
        }
        if debug.is_some() && conv.is_none() && spec.is_empty() {
            conv = Some('r');
        }
        parts.push(FPart::Expr {
            expr,
            conv,
            spec,
            debug,
        });
        i = j + 1;
    }
    flush(&mut lit, &mut parts);
    Ok(parts)
}

/// Moves the positions of an expression parsed from `(text)` to where `text` is in the source.
fn shift(e: &mut Expr, base: Pos) {
    let f = |p: &mut Pos| {
        if p.0 == 1 {
            p.1 = (p.1 + base.1).saturating_sub(1);
        }
        p.0 += base.0 - 1;
    };
    f(&mut e.start);
    f(&mut e.end);
    match &mut e.kind {
        ExprKind::Bin(a, _, b) => {
            shift(a, base);
            shift(b, base);
        }
        ExprKind::Unary(_, a) | ExprKind::Attr(a, _) | ExprKind::Starred(a) => shift(a, base),
        ExprKind::Call(f, args) => {
            shift(f, base);
            for a in args {
                shift(&mut a.value, base);
            }
        }
        ExprKind::Subscript(a, b) => {
            shift(a, base);
            shift(b, base);
        }
        ExprKind::List(v) | ExprKind::Tuple(v) | ExprKind::Set(v) | ExprKind::BoolOp(_, v) => {
            for x in v {
                shift(x, base);
            }
        }
        ExprKind::Compare(a, rest) => {
            shift(a, base);
            for (_, x) in rest {
                shift(x, base);
            }
        }
        ExprKind::IfExp(a, b, c) => {
            shift(a, base);
            shift(b, base);
            shift(c, base);
        }
        _ => {}
    }
}

//! The JavaScript parser: recursive descent over the on-demand lexer, producing `ast` nodes.
//! Syntax errors carry V8's message and the byte range its caret line underlines.

use std::rc::Rc;

use super::ast::*;
use super::lex::{LexError, Lexer, Tok, Token};

/// A syntax error: V8's message and the underlined byte range.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub msg: String,
    pub start: u32,
    pub end: u32,
}

impl From<LexError> for SyntaxError {
    fn from(e: LexError) -> Self {
        SyntaxError {
            msg: e.msg,
            start: e.start,
            end: e.end,
        }
    }
}

type R<T> = Result<T, SyntaxError>;

/// Nesting bound for expressions and statements (deeper input is reported, not overflowed).
const MAX_DEPTH: u32 = 300;

const RESERVED: &[&str] = &[
    "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do",
    "else", "export", "extends", "false", "finally", "for", "function", "if", "import", "in",
    "instanceof", "new", "null", "return", "super", "switch", "this", "throw", "true", "try",
    "typeof", "var", "void", "while", "with", "enum",
];

const STRICT_RESERVED: &[&str] = &[
    "implements", "interface", "let", "package", "private", "protected", "public", "static", "yield",
];

#[derive(Clone, Copy, Debug, Default)]
struct FnCtx {
    is_async: bool,
    is_gen: bool,
    in_function: bool,
    strict: bool,
    in_loop: bool,
    in_switch: bool,
    in_class_field: bool,
}

/// Options for one parse.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// The source is an ES module (top-level `await`, `import`/`export`, strict).
    pub module: bool,
    /// V8 names the identifier in "Unexpected identifier 'x'" (Node 20+).
    pub name_unexpected_identifiers: bool,
}

pub struct Parser<'a> {
    lex: Lexer<'a>,
    tok: Token,
    prev_end: u32,
    prev_start: u32,
    cx: FnCtx,
    labels: Vec<(Name, bool)>,
    depth: u32,
    opts: Options,
    no_in_flag: bool,
    /// An `import`/`export` was seen at the top level (reported by the caller in CommonJS).
    pub module_syntax: Option<(u32, u32)>,
    /// `await` appears at the top level (an ES module's body is then async).
    pub top_await: bool,
}

impl std::fmt::Debug for Parser<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Parser")
    }
}

/// Parses a whole script or module body; also says whether it awaits at the top level.
pub fn parse_program(src: &str, opts: Options) -> R<(Vec<Stmt>, bool)> {
    let mut p = Parser::new(src, opts)?;
    p.cx.strict = opts.module;
    p.cx.is_async = opts.module;
    let body = p.body_until_eof()?;
    Ok((body, p.top_await))
}

/// Parses a program and reports whether it uses `import`/`export` (CommonJS detection).
pub fn parse_detect(src: &str, opts: Options) -> (R<Vec<Stmt>>, Option<(u32, u32)>) {
    let mut p = match Parser::new(src, opts) {
        Ok(p) => p,
        Err(e) => return (Err(e), None),
    };
    p.cx.strict = opts.module;
    p.cx.is_async = opts.module;
    // A CommonJS file is a function body: `return` is allowed at its top level.
    p.cx.in_function = !opts.module;
    let r = p.body_until_eof();
    (r, p.module_syntax)
}

impl<'a> Parser<'a> {
    fn new(src: &'a str, opts: Options) -> R<Parser<'a>> {
        let mut lex = Lexer::new(src);
        let tok = lex.next()?;
        Ok(Parser {
            lex,
            tok,
            prev_end: 0,
            prev_start: 0,
            cx: FnCtx::default(),
            labels: Vec::new(),
            depth: 0,
            opts,
            no_in_flag: false,
            module_syntax: None,
            top_await: false,
        })
    }

    // ---- token helpers ----

    fn advance(&mut self) -> R<Token> {
        let next = self.lex.next()?;
        self.prev_end = self.tok.end;
        self.prev_start = self.tok.start;
        Ok(std::mem::replace(&mut self.tok, next))
    }

    fn is(&self, p: &str) -> bool {
        matches!(self.tok.tok, Tok::Punct(x) if x == p)
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(&self.tok.tok, Tok::Ident(x) if &**x == w) && !self.tok.escaped
    }

    fn eat(&mut self, p: &str) -> R<bool> {
        if self.is(p) {
            self.advance()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    fn eat_word(&mut self, w: &str) -> R<bool> {
        if self.is_word(w) {
            self.advance()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    fn expect(&mut self, p: &str) -> R<()> {
        if self.eat(p)? {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn pos(&self) -> u32 {
        self.tok.start
    }

    fn err_at(&self, msg: &str, start: u32, end: u32) -> SyntaxError {
        SyntaxError {
            msg: msg.to_string(),
            start,
            end: end.max(start + 1),
        }
    }

    /// V8's "Unexpected …" for the current token.
    fn unexpected(&self) -> SyntaxError {
        let t = &self.tok;
        let msg = match &t.tok {
            Tok::Eof => "Unexpected end of input".to_string(),
            Tok::Num(_) | Tok::BigInt => "Unexpected number".to_string(),
            Tok::Str(_) => "Unexpected string".to_string(),
            Tok::Punct("`") => "Unexpected template string".to_string(),
            Tok::Punct(p) => format!("Unexpected token '{p}'"),
            Tok::Private(n) => format!("Unexpected identifier '#{n}'"),
            Tok::Ident(n) => {
                if &**n == "true" || &**n == "false" || &**n == "null" || RESERVED.contains(&&**n) {
                    format!("Unexpected token '{n}'")
                } else if self.cx.strict && STRICT_RESERVED.contains(&&**n) {
                    "Unexpected strict mode reserved word".to_string()
                } else if self.opts.name_unexpected_identifiers {
                    format!("Unexpected identifier '{n}'")
                } else {
                    "Unexpected identifier".to_string()
                }
            }
        };
        if matches!(t.tok, Tok::Eof) {
            return SyntaxError {
                msg,
                start: t.start,
                end: t.start,
            };
        }
        self.err_at(&msg, t.start, t.end)
    }

    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err_at("Maximum call stack size exceeded", self.tok.start, self.tok.end));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Automatic semicolon insertion.
    fn semicolon(&mut self) -> R<()> {
        if self.eat(";")? || self.is("}") || matches!(self.tok.tok, Tok::Eof) || self.tok.nl_before {
            return Ok(());
        }
        Err(self.unexpected())
    }

    fn ident_name_tok(&self) -> Option<Name> {
        match &self.tok.tok {
            Tok::Ident(n) => Some(n.clone()),
            _ => None,
        }
    }

    /// A binding identifier (not a reserved word).
    fn binding_ident(&mut self) -> R<(Name, u32)> {
        let pos = self.pos();
        match &self.tok.tok {
            Tok::Ident(n) => {
                let n = n.clone();
                if !self.tok.escaped && RESERVED.contains(&&*n) {
                    return Err(self.unexpected());
                }
                if self.cx.strict && STRICT_RESERVED.contains(&&*n) {
                    return Err(self.unexpected());
                }
                if &*n == "await" && (self.cx.is_async || self.opts.module) {
                    return Err(self.unexpected());
                }
                self.advance()?;
                Ok((n, pos))
            }
            _ => Err(self.unexpected()),
        }
    }

    /// A second token of look-ahead.
    fn peek2(&self) -> Option<Token> {
        let mut l = self.lex.clone();
        l.next().ok()
    }

    // ---- statements ----

    fn body_until_eof(&mut self) -> R<Vec<Stmt>> {
        let mut out = Vec::new();
        self.directives()?;
        while !matches!(self.tok.tok, Tok::Eof) {
            out.push(self.statement(true)?);
        }
        Ok(out)
    }

    /// "use strict" at the start of a body.
    fn directives(&mut self) -> R<()> {
        if let Tok::Str(s) = &self.tok.tok {
            let raw = &self.lex.src[self.tok.start as usize..self.tok.end as usize];
            if &**s == "use strict" && (raw == "'use strict'" || raw == "\"use strict\"") {
                if let Some(t) = self.peek2() {
                    if matches!(t.tok, Tok::Punct(";") | Tok::Punct("}") | Tok::Eof) || t.nl_before {
                        self.cx.strict = true;
                    }
                }
            }
        }
        Ok(())
    }

    fn statement(&mut self, top: bool) -> R<Stmt> {
        self.enter()?;
        let r = self.statement_inner(top);
        self.leave();
        r
    }

    fn statement_inner(&mut self, top: bool) -> R<Stmt> {
        let pos = self.pos();
        let mk = |k| Ok(Stmt { pos, k });
        if self.is("{") {
            self.advance()?;
            let b = self.block_body()?;
            return mk(S::Block(b));
        }
        if self.eat(";")? {
            return mk(S::Empty);
        }
        let word = match &self.tok.tok {
            Tok::Ident(n) if !self.tok.escaped => Some(n.clone()),
            _ => None,
        };
        let Some(w) = word else {
            return self.expression_statement();
        };
        match &*w {
            "var" | "const" => {
                let kind = if &*w == "var" { VarKind::Var } else { VarKind::Const };
                self.advance()?;
                let decls = self.var_decls(kind, true)?;
                self.semicolon()?;
                mk(S::Var(kind, decls))
            }
            "let" => {
                let next = self.peek2();
                let is_decl = next.as_ref().is_some_and(|t| match &t.tok {
                    Tok::Ident(_) => true,
                    Tok::Punct("[") | Tok::Punct("{") => true,
                    _ => false,
                });
                if !is_decl && !self.cx.strict {
                    return self.expression_statement();
                }
                self.advance()?;
                let decls = self.var_decls(VarKind::Let, true)?;
                self.semicolon()?;
                mk(S::Var(VarKind::Let, decls))
            }
            "function" => {
                let f = self.function(false, pos, true)?;
                mk(S::Func(f))
            }
            "async" => {
                let next = self.peek2();
                if next.as_ref().is_some_and(|t| {
                    !t.nl_before && matches!(&t.tok, Tok::Ident(n) if &**n == "function")
                }) {
                    self.advance()?;
                    let f = self.function(true, pos, true)?;
                    return mk(S::Func(f));
                }
                self.expression_statement()
            }
            "class" => {
                let c = self.class(true)?;
                mk(S::Class(c))
            }
            "if" => {
                self.advance()?;
                self.expect("(")?;
                let c = self.expression()?;
                self.expect(")")?;
                let t = self.statement(false)?;
                let e = if self.eat_word("else")? {
                    Some(Box::new(self.statement(false)?))
                } else {
                    None
                };
                mk(S::If(c, Box::new(t), e))
            }
            "for" => self.for_statement(),
            "while" => {
                self.advance()?;
                self.expect("(")?;
                let c = self.expression()?;
                self.expect(")")?;
                let body = self.loop_body()?;
                mk(S::While(c, Box::new(body)))
            }
            "do" => {
                self.advance()?;
                let body = self.loop_body()?;
                if !self.eat_word("while")? {
                    return Err(self.unexpected());
                }
                self.expect("(")?;
                let c = self.expression()?;
                self.expect(")")?;
                self.eat(";")?;
                mk(S::DoWhile(Box::new(body), c))
            }
            "return" => {
                let t = self.advance()?;
                if !self.cx.in_function {
                    return Err(self.err_at("Illegal return statement", t.start, t.end));
                }
                let v = if self.is(";") || self.is("}") || self.tok.nl_before || matches!(self.tok.tok, Tok::Eof) {
                    None
                } else {
                    Some(self.expression()?)
                };
                self.semicolon()?;
                mk(S::Return(v))
            }
            "break" | "continue" => {
                let t = self.advance()?;
                let is_break = &*w == "break";
                let mut label = None;
                if !self.tok.nl_before {
                    if let Tok::Ident(n) = &self.tok.tok {
                        if !RESERVED.contains(&&**n) {
                            let n = n.clone();
                            let lt = self.advance()?;
                            match self.labels.iter().find(|(l, _)| *l == n) {
                                None => {
                                    return Err(self.err_at(&format!("Undefined label '{n}'"), lt.start, lt.end))
                                }
                                Some((_, is_loop)) if !is_break && !is_loop => {
                                    return Err(self.err_at(&format!("Illegal continue statement: '{n}' does not denote an iteration statement"), t.start, lt.end))
                                }
                                _ => {}
                            }
                            label = Some(n);
                        }
                    }
                }
                if label.is_none() {
                    if is_break && !self.cx.in_loop && !self.cx.in_switch {
                        return Err(self.err_at("Illegal break statement", t.start, t.end));
                    }
                    if !is_break && !self.cx.in_loop {
                        return Err(self.err_at("Illegal continue statement: no surrounding iteration statement", t.start, t.end));
                    }
                }
                self.semicolon()?;
                mk(if is_break { S::Break(label) } else { S::Continue(label) })
            }
            "throw" => {
                self.advance()?;
                if self.tok.nl_before {
                    return Err(self.err_at("Illegal newline after throw", pos, self.prev_end));
                }
                let e = self.expression()?;
                self.semicolon()?;
                mk(S::Throw(e))
            }
            "try" => self.try_statement(),
            "switch" => self.switch_statement(),
            "debugger" => {
                self.advance()?;
                self.semicolon()?;
                mk(S::Empty)
            }
            "with" => {
                if self.cx.strict {
                    let t = &self.tok;
                    return Err(self.err_at("Strict mode code may not include a with statement", t.start, t.end));
                }
                Err(self.err_at("dockling: node: the with statement is not simulated", pos, self.tok.end))
            }
            "import" => {
                let next = self.peek2();
                if next.as_ref().is_some_and(|t| matches!(t.tok, Tok::Punct("(") | Tok::Punct("."))) {
                    return self.expression_statement();
                }
                if !top {
                    return Err(self.unexpected());
                }
                if !self.opts.module {
                    if self.module_syntax.is_none() {
                        self.module_syntax = Some((self.tok.start, self.tok.end));
                    }
                    return Err(self.err_at("Cannot use import statement outside a module", self.tok.start, self.tok.end));
                }
                self.import_statement()
            }
            "export" => {
                if !top || !self.opts.module {
                    if top && self.module_syntax.is_none() {
                        self.module_syntax = Some((self.tok.start, self.tok.end));
                    }
                    return Err(self.unexpected());
                }
                self.export_statement()
            }
            _ => {
                // A label?
                if let Some(t) = self.peek2() {
                    if matches!(t.tok, Tok::Punct(":")) && !RESERVED.contains(&&*w) {
                        self.advance()?;
                        self.advance()?;
                        let is_loop = self.is_word("for") || self.is_word("while") || self.is_word("do");
                        self.labels.push((w.clone(), is_loop));
                        let saved = self.cx;
                        if !is_loop {
                            // `break label` works in any labelled statement.
                            self.cx.in_switch = true;
                        }
                        let body = self.statement(false);
                        self.cx = saved;
                        self.labels.pop();
                        return mk(S::Labeled(w, Box::new(body?)));
                    }
                }
                self.expression_statement()
            }
        }
    }

    fn loop_body(&mut self) -> R<Stmt> {
        let saved = self.cx;
        self.cx.in_loop = true;
        let r = self.statement(false);
        self.cx.in_loop = saved.in_loop;
        r
    }

    fn expression_statement(&mut self) -> R<Stmt> {
        let pos = self.pos();
        let e = self.expression()?;
        self.semicolon()?;
        Ok(Stmt { pos, k: S::Expr(e) })
    }

    fn block_body(&mut self) -> R<Vec<Stmt>> {
        let mut out = Vec::new();
        while !self.is("}") {
            if matches!(self.tok.tok, Tok::Eof) {
                return Err(self.unexpected());
            }
            out.push(self.statement(false)?);
        }
        self.advance()?;
        Ok(out)
    }

    fn var_decls(&mut self, kind: VarKind, allow_in: bool) -> R<Vec<(Pat, Option<Expr>)>> {
        let mut out = Vec::new();
        loop {
            if kind != VarKind::Var && self.is_word("let") {
                let t = &self.tok;
                return Err(self.err_at("let is disallowed as a lexically bound name", t.start, t.end));
            }
            let target = self.binding_pattern()?;
            let init = if self.eat("=")? {
                Some(if allow_in { self.assign()? } else { self.assign_no_in()? })
            } else {
                None
            };
            if init.is_none() && allow_in {
                let needs = kind == VarKind::Const || !matches!(target, Pat::Id(..));
                if needs && !(self.is_word("in") || self.is_word("of")) {
                    let msg = if kind == VarKind::Const {
                        "Missing initializer in const declaration"
                    } else {
                        "Missing initializer in destructuring declaration"
                    };
                    return Err(self.err_at(msg, self.prev_end_token_start(&target), self.prev_end));
                }
            }
            out.push((target, init));
            if !self.eat(",")? {
                break;
            }
        }
        Ok(out)
    }

    fn prev_end_token_start(&self, target: &Pat) -> u32 {
        match target {
            Pat::Id(_, p) => *p,
            _ => self.prev_end.saturating_sub(1),
        }
    }

    fn binding_pattern(&mut self) -> R<Pat> {
        if self.is("[") {
            self.advance()?;
            let mut elems = Vec::new();
            let mut rest = None;
            loop {
                if self.eat("]")? {
                    break;
                }
                if self.is(",") {
                    self.advance()?;
                    elems.push(None);
                    continue;
                }
                if self.eat("...")? {
                    rest = Some(Box::new(self.binding_pattern()?));
                    self.expect("]")?;
                    break;
                }
                let p = self.binding_element()?;
                elems.push(Some(p));
                if !self.is("]") {
                    self.expect(",")?;
                }
            }
            return Ok(Pat::Arr(elems, rest));
        }
        if self.is("{") {
            self.advance()?;
            let mut props = Vec::new();
            let mut rest = None;
            loop {
                if self.eat("}")? {
                    break;
                }
                if self.eat("...")? {
                    let (n, p) = self.binding_ident()?;
                    rest = Some(Box::new(Pat::Id(n, p)));
                    self.expect("}")?;
                    break;
                }
                let key_pos = self.pos();
                let key = self.prop_key()?;
                let target = if self.eat(":")? {
                    self.binding_element()?
                } else {
                    let PropKey::Name(n) = &key else {
                        return Err(self.unexpected());
                    };
                    if RESERVED.contains(&&**n) {
                        return Err(self.err_at(&format!("Unexpected token '{n}'"), key_pos, key_pos + n.len() as u32));
                    }
                    let id = Pat::Id(n.clone(), key_pos);
                    if self.eat("=")? {
                        Pat::Def(Box::new(id), Box::new(self.assign()?))
                    } else {
                        id
                    }
                };
                props.push((key, target));
                if !self.is("}") {
                    self.expect(",")?;
                }
            }
            return Ok(Pat::Obj(props, rest));
        }
        let (n, p) = self.binding_ident()?;
        Ok(Pat::Id(n, p))
    }

    fn binding_element(&mut self) -> R<Pat> {
        let p = self.binding_pattern()?;
        if self.eat("=")? {
            return Ok(Pat::Def(Box::new(p), Box::new(self.assign()?)));
        }
        Ok(p)
    }

    fn for_statement(&mut self) -> R<Stmt> {
        let pos = self.pos();
        self.advance()?;
        let is_await = self.is_word("await");
        if is_await {
            if !self.cx.is_async {
                return Err(self.unexpected());
            }
            if !self.cx.in_function {
                self.top_await = true;
            }
            self.advance()?;
        }
        self.expect("(")?;
        let mut init = None;
        if self.is(";") {
        } else {
            let decl_kind = if self.is_word("var") {
                Some(VarKind::Var)
            } else if self.is_word("const") {
                Some(VarKind::Const)
            } else if self.is_word("let")
                && self.peek2().is_some_and(|t| matches!(t.tok, Tok::Ident(_) | Tok::Punct("[") | Tok::Punct("{")))
            {
                Some(VarKind::Let)
            } else {
                None
            };
            if let Some(kind) = decl_kind {
                self.advance()?;
                let decls = self.var_decls(kind, false)?;
                if decls.len() == 1 && decls[0].1.is_none() && (self.is_word("of") || self.is_word("in")) {
                    let of = self.is_word("of");
                    self.advance()?;
                    let target = decls.into_iter().next().map(|d| d.0).ok_or_else(|| self.unexpected())?;
                    let iter = if of { self.assign()? } else { self.expression()? };
                    self.expect(")")?;
                    let body = self.loop_body()?;
                    let head = ForHead::Var(kind, target);
                    return Ok(Stmt {
                        pos,
                        k: if of {
                            S::ForOf(head, iter, Box::new(body), is_await)
                        } else {
                            S::ForIn(head, iter, Box::new(body))
                        },
                    });
                }
                for (t, i) in &decls {
                    if i.is_none() && (kind == VarKind::Const || !matches!(t, Pat::Id(..))) {
                        return Err(self.err_at(
                            if kind == VarKind::Const { "Missing initializer in const declaration" } else { "Missing initializer in destructuring declaration" },
                            self.prev_end_token_start(t),
                            self.prev_end,
                        ));
                    }
                }
                init = Some(ForInit::Var(kind, decls));
            } else {
                let e_start = self.pos();
                let e = self.expression_no_in()?;
                if self.is_word("of") || self.is_word("in") {
                    let of = self.is_word("of");
                    self.advance()?;
                    let target = self.to_pattern(e, e_start)?;
                    let iter = if of { self.assign()? } else { self.expression()? };
                    self.expect(")")?;
                    let body = self.loop_body()?;
                    let head = ForHead::Pat(target);
                    return Ok(Stmt {
                        pos,
                        k: if of {
                            S::ForOf(head, iter, Box::new(body), is_await)
                        } else {
                            S::ForIn(head, iter, Box::new(body))
                        },
                    });
                }
                init = Some(ForInit::Expr(e));
            }
        }
        self.expect(";")?;
        let test = if self.is(";") { None } else { Some(self.expression()?) };
        self.expect(";")?;
        let update = if self.is(")") { None } else { Some(self.expression()?) };
        self.expect(")")?;
        let body = self.loop_body()?;
        Ok(Stmt {
            pos,
            k: S::For(init, test, update, Box::new(body)),
        })
    }

    fn try_statement(&mut self) -> R<Stmt> {
        let pos = self.pos();
        self.advance()?;
        self.expect("{")?;
        let block = self.block_body()?;
        let mut handler = None;
        let mut finalizer = None;
        if self.eat_word("catch")? {
            let param = if self.eat("(")? {
                let p = self.binding_pattern()?;
                self.expect(")")?;
                Some(p)
            } else {
                None
            };
            self.expect("{")?;
            handler = Some((param, self.block_body()?));
        }
        if self.eat_word("finally")? {
            self.expect("{")?;
            finalizer = Some(self.block_body()?);
        }
        if handler.is_none() && finalizer.is_none() {
            return Err(self.err_at("Missing catch or finally after try", self.tok.start, self.tok.end));
        }
        Ok(Stmt {
            pos,
            k: S::Try(block, handler, finalizer),
        })
    }

    fn switch_statement(&mut self) -> R<Stmt> {
        let pos = self.pos();
        self.advance()?;
        self.expect("(")?;
        let d = self.expression()?;
        self.expect(")")?;
        self.expect("{")?;
        let saved = self.cx;
        self.cx.in_switch = true;
        let mut cases = Vec::new();
        let mut seen_default = false;
        while !self.eat("}")? {
            let test = if self.eat_word("case")? {
                Some(self.expression()?)
            } else if self.is_word("default") {
                if seen_default {
                    let t = &self.tok;
                    return Err(self.err_at("More than one default clause in switch statement", t.start, t.end));
                }
                seen_default = true;
                self.advance()?;
                None
            } else {
                return Err(self.unexpected());
            };
            self.expect(":")?;
            let mut body = Vec::new();
            while !self.is("}") && !self.is_word("case") && !self.is_word("default") {
                if matches!(self.tok.tok, Tok::Eof) {
                    return Err(self.unexpected());
                }
                body.push(self.statement(false)?);
            }
            cases.push((test, body));
        }
        self.cx.in_switch = saved.in_switch;
        Ok(Stmt {
            pos,
            k: S::Switch(d, cases),
        })
    }

    fn module_name(&mut self) -> R<Name> {
        match &self.tok.tok {
            Tok::Str(s) => {
                let s = s.clone();
                self.advance()?;
                Ok(s)
            }
            _ => Err(self.unexpected()),
        }
    }

    fn import_statement(&mut self) -> R<Stmt> {
        let pos = self.pos();
        self.advance()?;
        if let Tok::Str(_) = self.tok.tok {
            let m = self.module_name()?;
            self.semicolon()?;
            return Ok(Stmt { pos, k: S::Import(m, None, None, Vec::new()) });
        }
        let mut def = None;
        let mut ns = None;
        let mut named = Vec::new();
        if matches!(self.tok.tok, Tok::Ident(_)) && !self.is_word("from") || (self.is_word("from") && self.peek2().is_some_and(|t| matches!(t.tok, Tok::Punct(",") | Tok::Ident(_)))) {
            def = Some(self.binding_ident()?.0);
            if !self.eat(",")? {
                return self.import_from(pos, def, ns, named);
            }
        }
        if self.eat("*")? {
            if !self.eat_word("as")? {
                return Err(self.unexpected());
            }
            ns = Some(self.binding_ident()?.0);
        } else if self.eat("{")? {
            while !self.eat("}")? {
                let imported = match &self.tok.tok {
                    Tok::Ident(n) => n.clone(),
                    Tok::Str(s) => s.clone(),
                    _ => return Err(self.unexpected()),
                };
                self.advance()?;
                let local = if self.eat_word("as")? { self.binding_ident()?.0 } else { imported.clone() };
                named.push((imported, local));
                if !self.is("}") {
                    self.expect(",")?;
                }
            }
        }
        self.import_from(pos, def, ns, named)
    }

    fn import_from(&mut self, pos: u32, def: Option<Name>, ns: Option<Name>, named: Vec<(Name, Name)>) -> R<Stmt> {
        if !self.eat_word("from")? {
            return Err(self.unexpected());
        }
        let m = self.module_name()?;
        self.semicolon()?;
        Ok(Stmt { pos, k: S::Import(m, def, ns, named) })
    }

    fn export_statement(&mut self) -> R<Stmt> {
        let pos = self.pos();
        self.advance()?;
        if self.eat_word("default")? {
            if self.is_word("function") || (self.is_word("async") && self.peek2().is_some_and(|t| matches!(&t.tok, Tok::Ident(n) if &**n == "function"))) {
                let fpos = self.pos();
                let is_async = self.eat_word("async")?;
                let named = self.peek2().is_some_and(|t| matches!(t.tok, Tok::Ident(_)));
                if named {
                    let f = self.function(is_async, fpos, true)?;
                    let name = f.name.clone();
                    return Ok(Stmt { pos, k: S::Export(Some(Box::new(Stmt { pos: fpos, k: S::Func(f) })), vec![(name, "default".into())]) });
                }
                let f = self.function(is_async, fpos, false)?;
                self.eat(";")?;
                return Ok(Stmt { pos, k: S::ExportDefault(Expr { pos: fpos, k: E::Func(f) }) });
            }
            if self.is_word("class") {
                let cpos = self.pos();
                let named = self.peek2().is_some_and(|t| matches!(&t.tok, Tok::Ident(n) if &**n != "extends"));
                if named {
                    let c = self.class(true)?;
                    let name = c.name.clone().unwrap_or_else(|| "default".into());
                    return Ok(Stmt { pos, k: S::Export(Some(Box::new(Stmt { pos: cpos, k: S::Class(c) })), vec![(name, "default".into())]) });
                }
                let c = self.class(false)?;
                return Ok(Stmt { pos, k: S::ExportDefault(Expr { pos: cpos, k: E::Class(c) }) });
            }
            let e = self.assign()?;
            self.semicolon()?;
            return Ok(Stmt { pos, k: S::ExportDefault(e) });
        }
        if self.eat("*")? {
            if self.eat_word("as")? {
                let name = self.ident_name_tok().ok_or_else(|| self.unexpected())?;
                self.advance()?;
                let _ = name;
                return Err(self.err_at("dockling: node: export * as is not simulated", pos, self.prev_end));
            }
            if !self.eat_word("from")? {
                return Err(self.unexpected());
            }
            let m = self.module_name()?;
            self.semicolon()?;
            return Ok(Stmt { pos, k: S::ExportFrom(m, None) });
        }
        if self.eat("{")? {
            let mut names = Vec::new();
            while !self.eat("}")? {
                let local = self.ident_name_tok().ok_or_else(|| self.unexpected())?;
                self.advance()?;
                let exported = if self.eat_word("as")? {
                    let n = match &self.tok.tok {
                        Tok::Ident(n) => n.clone(),
                        Tok::Str(s) => s.clone(),
                        _ => return Err(self.unexpected()),
                    };
                    self.advance()?;
                    n
                } else {
                    local.clone()
                };
                names.push((local, exported));
                if !self.is("}") {
                    self.expect(",")?;
                }
            }
            if self.eat_word("from")? {
                let m = self.module_name()?;
                self.semicolon()?;
                return Ok(Stmt { pos, k: S::ExportFrom(m, Some(names)) });
            }
            self.semicolon()?;
            return Ok(Stmt { pos, k: S::Export(None, names) });
        }
        let decl = self.statement(false)?;
        let mut names = Vec::new();
        match &decl.k {
            S::Var(_, decls) => {
                for (p, _) in decls {
                    pat_names(p, &mut names);
                }
            }
            S::Func(f) => names.push(f.name.clone()),
            S::Class(c) => names.extend(c.name.clone()),
            _ => return Err(self.err_at("Unexpected token 'export'", pos, pos + 6)),
        }
        let names = names.into_iter().map(|n| (n.clone(), n)).collect();
        Ok(Stmt { pos, k: S::Export(Some(Box::new(decl)), names) })
    }

    // ---- functions and classes ----

    /// `function name(params) { body }` starting at the `function` keyword.
    fn function(&mut self, is_async: bool, pos: u32, need_name: bool) -> R<Rc<Func>> {
        let start = if is_async { pos } else { self.pos() };
        self.advance()?; // function
        let is_gen = self.eat("*")?;
        let name: Name = if matches!(self.tok.tok, Tok::Ident(_)) && !self.is("(") {
            let saved = self.cx;
            // The name of an async/generator function expression is bound inside it.
            self.cx.is_async = is_async && !need_name;
            let r = self.binding_ident();
            self.cx = saved;
            r?.0
        } else if need_name {
            return Err(self.unexpected());
        } else {
            "".into()
        };
        self.function_rest(name, FnKind::Normal, is_async, is_gen, start)
    }

    /// Parameters and body, after the name.
    fn function_rest(&mut self, name: Name, kind: FnKind, is_async: bool, is_gen: bool, start: u32) -> R<Rc<Func>> {
        let pos = self.pos();
        let saved = self.cx;
        let saved_labels = std::mem::take(&mut self.labels);
        self.cx = FnCtx {
            is_async,
            is_gen,
            in_function: true,
            strict: saved.strict,
            ..FnCtx::default()
        };
        let r = (|| -> R<(Vec<Pat>, Option<Pat>, u32, Vec<Stmt>)> {
            self.expect("(")?;
            let (params, rest, length) = self.params(")")?;
            self.expect(")")?;
            self.expect("{")?;
            self.directives()?;
            let body = self.block_body()?;
            Ok((params, rest, length, body))
        })();
        let strict = self.cx.strict;
        self.cx = saved;
        self.labels = saved_labels;
        let (params, rest, length, body) = r?;
        Ok(Rc::new(Func {
            name,
            kind,
            is_async,
            is_gen,
            params,
            rest,
            body,
            pos,
            src: (start, self.prev_end),
            strict,
            length,
        }))
    }

    /// Formal parameters up to (not including) `close`.
    fn params(&mut self, close: &str) -> R<(Vec<Pat>, Option<Pat>, u32)> {
        let mut params = Vec::new();
        let mut rest = None;
        let mut length = 0;
        let mut counting = true;
        while !self.is(close) {
            if self.eat("...")? {
                rest = Some(self.binding_pattern()?);
                if !self.is(close) {
                    let t = &self.tok;
                    return Err(self.err_at("Rest parameter must be last formal parameter", self.prev_end, t.end));
                }
                break;
            }
            let p = self.binding_element()?;
            if matches!(p, Pat::Def(..)) {
                counting = false;
            }
            if counting {
                length += 1;
            }
            params.push(p);
            if !self.is(close) {
                self.expect(",")?;
            }
        }
        Ok((params, rest, length))
    }

    fn class(&mut self, need_name: bool) -> R<Rc<Class>> {
        let start = self.pos();
        self.advance()?; // class
        let saved_strict = self.cx.strict;
        self.cx.strict = true;
        let r = self.class_inner(need_name, start);
        self.cx.strict = saved_strict;
        r
    }

    fn class_inner(&mut self, need_name: bool, start: u32) -> R<Rc<Class>> {
        let name = if matches!(self.tok.tok, Tok::Ident(_)) && !self.is_word("extends") {
            Some(self.binding_ident()?.0)
        } else if need_name {
            return Err(self.unexpected());
        } else {
            None
        };
        let parent = if self.eat_word("extends")? {
            Some(self.lhs_expr()?)
        } else {
            None
        };
        self.expect("{")?;
        let mut ctor = None;
        let mut members = Vec::new();
        while !self.eat("}")? {
            if self.eat(";")? {
                continue;
            }
            let mut is_static = false;
            if self.is_word("static") && self.peek2().is_some_and(|t| !matches!(t.tok, Tok::Punct("(") | Tok::Punct("="))) {
                self.advance()?;
                is_static = true;
                if self.is("{") {
                    self.advance()?;
                    let saved = self.cx;
                    self.cx = FnCtx { in_function: false, strict: true, in_class_field: true, ..FnCtx::default() };
                    let body = self.block_body();
                    self.cx = saved;
                    members.push(ClassMember { key: PropKey::Name("".into()), is_static, kind: MemberKind::StaticBlock(body?) });
                    continue;
                }
            }
            let mpos = self.pos();
            let (key, kind) = self.method_like(true)?;
            match kind {
                Some(MethodKind::Method(f)) => {
                    if !is_static && matches!(&key, PropKey::Name(n) if &**n == "constructor") {
                        if ctor.is_some() {
                            return Err(self.err_at("A class may only have one constructor", mpos, mpos + 11));
                        }
                        ctor = Some(f);
                        continue;
                    }
                    members.push(ClassMember { key, is_static, kind: MemberKind::Method(f) });
                }
                Some(MethodKind::Get(f)) => members.push(ClassMember { key, is_static, kind: MemberKind::Get(f) }),
                Some(MethodKind::Set(f)) => members.push(ClassMember { key, is_static, kind: MemberKind::Set(f) }),
                None => {
                    // A field.
                    let init = if self.eat("=")? {
                        let saved = self.cx;
                        self.cx = FnCtx { in_function: false, strict: true, in_class_field: true, ..FnCtx::default() };
                        let e = self.assign();
                        self.cx = saved;
                        Some(e?)
                    } else {
                        None
                    };
                    self.semicolon()?;
                    members.push(ClassMember { key, is_static, kind: MemberKind::Field(init) });
                }
            }
        }
        let derived = parent.is_some();
        let src = (start, self.prev_end);
        let cname = name.clone().unwrap_or_else(|| "".into());
        let ctor = Some(match ctor {
            Some(f) => {
                let mut f = (*f).clone();
                f.kind = FnKind::Ctor { derived };
                f.name = cname;
                f.src = src;
                f.pos = start;
                f.strict = true;
                Rc::new(f)
            }
            // The default constructor: `constructor(...args) { super(...args); }` when derived.
            None => {
                let body = if derived {
                    let id = |n: &str| Expr { pos: start, k: E::Ident(n.into()) };
                    vec![Stmt {
                        pos: start,
                        k: S::Expr(Expr {
                            pos: start,
                            k: E::Call(Box::new(Expr { pos: start, k: E::Super }), vec![Arg::Spread(id("args"))], false),
                        }),
                    }]
                } else {
                    Vec::new()
                };
                Rc::new(Func {
                    name: cname,
                    kind: FnKind::Ctor { derived },
                    is_async: false,
                    is_gen: false,
                    params: Vec::new(),
                    rest: if derived { Some(Pat::Id("args".into(), start)) } else { None },
                    body,
                            pos: start,
                    src,
                    strict: true,
                    length: 0,
                })
            }
        });
        Ok(Rc::new(Class {
            name,
            parent,
            ctor,
            members,
            pos: start,
            src,
        }))
    }

    fn prop_key(&mut self) -> R<PropKey> {
        let k = match &self.tok.tok {
            Tok::Ident(n) => PropKey::Name(n.clone()),
            Tok::Str(s) => PropKey::Name(s.clone()),
            Tok::Num(n) => PropKey::Name(super::num::to_str(*n).into()),
            Tok::Private(n) => PropKey::Private(n.clone()),
            Tok::Punct("[") => {
                self.advance()?;
                let e = self.assign()?;
                self.expect("]")?;
                return Ok(PropKey::Computed(e));
            }
            _ => return Err(self.unexpected()),
        };
        self.advance()?;
        Ok(k)
    }

    /// A method, getter, setter (object literal or class member) or, in a class, a field name.
    /// Returns `None` as the kind when it is not a method (a field or a plain property).
    fn method_like(&mut self, in_class: bool) -> R<(PropKey, Option<MethodKind>)> {
        let start = self.pos();
        let mut is_async = false;
        let mut is_gen = false;
        let mut accessor = None;
        let is_modifier = |p: &Parser| {
            p.peek2().is_some_and(|t| {
                !t.nl_before && !matches!(t.tok, Tok::Punct("(") | Tok::Punct(",") | Tok::Punct(":") | Tok::Punct("}") | Tok::Punct("=") | Tok::Punct(";"))
            })
        };
        if self.is_word("async") && is_modifier(self) {
            self.advance()?;
            is_async = true;
        }
        if self.is("*") {
            self.advance()?;
            is_gen = true;
        }
        if !is_async && !is_gen && (self.is_word("get") || self.is_word("set")) && is_modifier(self) {
            accessor = Some(self.is_word("get"));
            self.advance()?;
        }
        let key = self.prop_key()?;
        if !self.is("(") {
            if is_async || is_gen || accessor.is_some() {
                return Err(self.unexpected());
            }
            return Ok((key, None));
        }
        let name: Name = match &key {
            PropKey::Name(n) => match accessor {
                Some(true) => format!("get {n}").into(),
                Some(false) => format!("set {n}").into(),
                None => n.clone(),
            },
            PropKey::Private(n) => format!("#{n}").into(),
            PropKey::Computed(_) => "".into(),
        };
        let kind = match accessor {
            Some(true) => FnKind::Getter,
            Some(false) => FnKind::Setter,
            None => FnKind::Method,
        };
        let _ = in_class;
        let f = self.function_rest(name, kind, is_async, is_gen, start)?;
        Ok((
            key,
            Some(match accessor {
                Some(true) => MethodKind::Get(f),
                Some(false) => MethodKind::Set(f),
                None => MethodKind::Method(f),
            }),
        ))
    }

    // ---- expressions ----

    pub fn expression(&mut self) -> R<Expr> {
        let first = self.assign()?;
        if !self.is(",") {
            return Ok(first);
        }
        let pos = first.pos;
        let mut v = vec![first];
        while self.eat(",")? {
            v.push(self.assign()?);
        }
        Ok(Expr { pos, k: E::Seq(v) })
    }

    fn no_in<T>(&mut self, f: impl FnOnce(&mut Self) -> R<T>) -> R<T> {
        let saved = self.no_in_flag;
        self.no_in_flag = true;
        let r = f(self);
        self.no_in_flag = saved;
        r
    }

    fn expression_no_in(&mut self) -> R<Expr> {
        self.no_in(|p| p.expression())
    }

    fn assign_no_in(&mut self) -> R<Expr> {
        self.no_in(|p| p.assign())
    }

    /// Is the `(` at the current token the start of arrow-function parameters?
    fn parens_then_arrow(&self) -> bool {
        let mut l = self.lex.clone();
        let mut depth = 1u32;
        let mut prev_punct = true;
        let mut steps = 0u32;
        loop {
            steps += 1;
            if steps > 100_000 {
                return false;
            }
            let Ok(t) = l.next() else { return false };
            match t.tok {
                Tok::Eof => return false,
                Tok::Punct("(") | Tok::Punct("[") | Tok::Punct("{") => {
                    depth += 1;
                    prev_punct = true;
                }
                Tok::Punct(")") | Tok::Punct("]") | Tok::Punct("}") => {
                    depth -= 1;
                    prev_punct = false;
                    if depth == 0 {
                        return matches!(l.next(), Ok(Token { tok: Tok::Punct("=>"), .. }));
                    }
                }
                Tok::Punct("`") => {
                    if !skip_template(&mut l) {
                        return false;
                    }
                    prev_punct = false;
                }
                Tok::Punct("/") | Tok::Punct("/=") if prev_punct => {
                    if l.regex(t.start as usize).is_err() {
                        return false;
                    }
                    prev_punct = false;
                }
                Tok::Punct(_) => prev_punct = true,
                _ => prev_punct = false,
            }
        }
    }

    fn assign(&mut self) -> R<Expr> {
        self.enter()?;
        let r = self.assign_inner();
        self.leave();
        r
    }

    fn assign_inner(&mut self) -> R<Expr> {
        let pos = self.pos();
        // Arrow functions.
        if let Tok::Ident(n) = &self.tok.tok {
            let n = n.clone();
            if &*n == "async" && !self.tok.escaped {
                if let Some(t) = self.peek2() {
                    if !t.nl_before {
                        if let Tok::Ident(p) = &t.tok {
                            if &**p != "function" {
                                // async x => …
                                let mut l = self.lex.clone();
                                let _ = l.next();
                                if matches!(l.next(), Ok(Token { tok: Tok::Punct("=>"), .. })) {
                                    self.advance()?;
                                    let (pn, pp) = self.binding_ident()?;
                                    return self.arrow_body(vec![Pat::Id(pn, pp)], None, 1, true, pos);
                                }
                            }
                        }
                        if matches!(t.tok, Tok::Punct("(")) {
                            let mut probe = self.lex.clone();
                            let _ = probe.next();
                            let save = std::mem::replace(&mut self.lex, probe);
                            let is_arrow = self.parens_then_arrow();
                            self.lex = save;
                            if is_arrow {
                                self.advance()?;
                                self.advance()?;
                                let saved = self.cx;
                                self.cx.is_async = true;
                                let r = self.params(")");
                                self.cx = saved;
                                let (params, rest, len) = r?;
                                self.expect(")")?;
                                return self.arrow_body(params, rest, len, true, pos);
                            }
                        }
                    }
                }
            }
            if &*n == "yield" && self.cx.is_gen {
                self.advance()?;
                let delegate = self.eat("*")?;
                let arg = if self.tok.nl_before || self.is(")") || self.is("]") || self.is("}") || self.is(",") || self.is(";") || self.is(":") || matches!(self.tok.tok, Tok::Eof) {
                    None
                } else {
                    Some(Box::new(self.assign()?))
                };
                return Ok(Expr { pos, k: E::Yield(arg, delegate) });
            }
            if let Some(t) = self.peek2() {
                if matches!(t.tok, Tok::Punct("=>")) && !RESERVED.contains(&&*n) {
                    let (pn, pp) = self.binding_ident()?;
                    if self.tok.nl_before {
                        return Err(self.unexpected());
                    }
                    return self.arrow_body(vec![Pat::Id(pn, pp)], None, 1, false, pos);
                }
            }
        }
        if self.is("(") && self.parens_then_arrow() {
            self.advance()?;
            let (params, rest, len) = self.params(")")?;
            self.expect(")")?;
            return self.arrow_body(params, rest, len, false, pos);
        }
        let lhs = self.conditional()?;
        let op = match self.tok.tok {
            Tok::Punct(p) => match p {
                "=" => Some(""),
                "+=" => Some("+"),
                "-=" => Some("-"),
                "*=" => Some("*"),
                "/=" => Some("/"),
                "%=" => Some("%"),
                "**=" => Some("**"),
                "<<=" => Some("<<"),
                ">>=" => Some(">>"),
                ">>>=" => Some(">>>"),
                "&=" => Some("&"),
                "|=" => Some("|"),
                "^=" => Some("^"),
                "&&=" => Some("&&"),
                "||=" => Some("||"),
                "??=" => Some("??"),
                _ => None,
            },
            _ => None,
        };
        let Some(op) = op else { return Ok(lhs) };
        let lhs_end = self.prev_end;
        let op_tok = self.advance()?;
        let target = if op.is_empty() {
            self.to_pattern_range(lhs, pos, lhs_end)?
        } else {
            match lhs.k {
                E::Ident(n) if !matches!(&*n, "null" | "true" | "false") => Pat::Id(n, lhs.pos),
                E::Dot(..) | E::Member(..) => Pat::Expr(Box::new(lhs)),
                _ => return Err(self.err_at("Invalid left-hand side in assignment", pos, lhs_end)),
            }
        };
        let rhs = self.assign()?;
        Ok(Expr {
            pos: op_tok.start,
            k: E::Assign(op, Box::new(target), Box::new(rhs)),
        })
    }

    fn arrow_body(&mut self, params: Vec<Pat>, rest: Option<Pat>, length: u32, is_async: bool, start: u32) -> R<Expr> {
        let arrow = self.tok.clone();
        if arrow.nl_before {
            return Err(self.unexpected());
        }
        self.expect("=>")?;
        let pos = arrow.start;
        let saved = self.cx;
        let saved_labels = std::mem::take(&mut self.labels);
        self.cx = FnCtx {
            is_async,
            is_gen: false,
            in_function: true,
            strict: saved.strict,
            ..FnCtx::default()
        };
        let r = (|| -> R<(Vec<Stmt>, bool)> {
            if self.is("{") {
                self.advance()?;
                self.directives()?;
                Ok((self.block_body()?, false))
            } else {
                let saved_no_in = self.no_in_flag;
                let e = self.assign();
                self.no_in_flag = saved_no_in;
                let e = e?;
                let p = e.pos;
                Ok((vec![Stmt { pos: p, k: S::Return(Some(e)) }], true))
            }
        })();
        let strict = self.cx.strict;
        self.cx = saved;
        self.labels = saved_labels;
        let (body, _) = r?;
        Ok(Expr {
            pos: start,
            k: E::Func(Rc::new(Func {
                name: "".into(),
                kind: FnKind::Arrow,
                is_async,
                is_gen: false,
                params,
                rest,
                body,
                pos,
                src: (start, self.prev_end),
                strict,
                length,
            })),
        })
    }

    fn to_pattern(&self, e: Expr, start: u32) -> R<Pat> {
        self.to_pattern_range(e, start, self.prev_end)
    }

    /// Turns an expression (the cover grammar) into an assignment target.
    fn to_pattern_range(&self, e: Expr, start: u32, end: u32) -> R<Pat> {
        let bad = |p: &Parser, msg: &str| Err(p.err_at(msg, start, end.max(p.prev_end.min(end))));
        Ok(match e.k {
            E::Ident(n) => {
                if self.cx.strict && (&*n == "eval" || &*n == "arguments") {
                    return bad(self, "Unexpected eval or arguments in strict mode");
                }
                Pat::Id(n, e.pos)
            }
            E::Dot(_, _, false) | E::Member(_, _, false) => Pat::Expr(Box::new(e)),
            E::Array(items) => {
                let mut elems = Vec::new();
                let mut rest = None;
                let n = items.len();
                for (i, it) in items.into_iter().enumerate() {
                    match it {
                        None => elems.push(None),
                        Some(Arg::Plain(x)) => {
                            let p = x.pos;
                            elems.push(Some(self.to_pattern(x, p)?));
                        }
                        Some(Arg::Spread(x)) => {
                            if i + 1 != n {
                                return bad(self, "Rest element must be last element");
                            }
                            let p = x.pos;
                            rest = Some(Box::new(self.to_pattern(x, p)?));
                        }
                    }
                }
                Pat::Arr(elems, rest)
            }
            E::Object(props) => {
                let mut out = Vec::new();
                let mut rest = None;
                for p in props {
                    match p {
                        PropDef::Value(k, v) => {
                            let vp = v.pos;
                            out.push((k, self.to_pattern(v, vp)?));
                        }
                        PropDef::Short(n, p, def) => {
                            let id = Pat::Id(n.clone(), p);
                            out.push((
                                PropKey::Name(n),
                                match def {
                                    Some(d) => Pat::Def(Box::new(id), Box::new(d)),
                                    None => id,
                                },
                            ));
                        }
                        PropDef::Spread(x) => {
                            let p = x.pos;
                            rest = Some(Box::new(self.to_pattern(x, p)?));
                        }
                        _ => return bad(self, "Invalid destructuring assignment target"),
                    }
                }
                Pat::Obj(out, rest)
            }
            E::Assign("", target, value) => Pat::Def(target, value),
            _ => return bad(self, "Invalid left-hand side in assignment"),
        })
    }

    fn conditional(&mut self) -> R<Expr> {
        let c = self.binary(0)?;
        if !self.is("?") {
            return Ok(c);
        }
        self.advance()?;
        let saved = self.no_in_flag;
        self.no_in_flag = false;
        let a = self.assign();
        self.no_in_flag = saved;
        let a = a?;
        self.expect(":")?;
        let b = self.assign()?;
        Ok(Expr {
            pos: c.pos,
            k: E::Cond(Box::new(c), Box::new(a), Box::new(b)),
        })
    }

    fn binop(&self) -> Option<(&'static str, u8)> {
        let p = match &self.tok.tok {
            Tok::Punct(p) => *p,
            Tok::Ident(n) if !self.tok.escaped => match &**n {
                "instanceof" => "instanceof",
                "in" if !self.no_in_flag => "in",
                _ => return None,
            },
            _ => return None,
        };
        let prec = match p {
            "??" => 1,
            "||" => 2,
            "&&" => 3,
            "|" => 4,
            "^" => 5,
            "&" => 6,
            "==" | "!=" | "===" | "!==" => 7,
            "<" | ">" | "<=" | ">=" | "instanceof" | "in" => 8,
            "<<" | ">>" | ">>>" => 9,
            "+" | "-" => 10,
            "*" | "/" | "%" => 11,
            "**" => 12,
            _ => return None,
        };
        Some((p, prec))
    }

    fn binary(&mut self, min: u8) -> R<Expr> {
        self.enter()?;
        let r = self.binary_inner(min);
        self.leave();
        r
    }

    fn binary_inner(&mut self, min: u8) -> R<Expr> {
        let mut lhs = self.unary()?;
        while let Some((op, prec)) = self.binop() {
            if prec <= min {
                break;
            }
            let op_pos = self.pos();
            self.advance()?;
            // `**` is right-associative; the others associate to the left.
            let rhs = if op == "**" { self.binary(prec - 1)? } else { self.binary(prec)? };
            // V8 reports a binary operation at its operator.
            let pos = if op == "&&" || op == "||" || op == "??" { lhs.pos } else { op_pos };
            lhs = Expr {
                pos,
                k: if op == "&&" || op == "||" || op == "??" {
                    E::Logic(op, Box::new(lhs), Box::new(rhs))
                } else {
                    E::Bin(op, Box::new(lhs), Box::new(rhs))
                },
            };
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> R<Expr> {
        self.enter()?;
        let r = self.unary_inner();
        self.leave();
        r
    }

    fn unary_inner(&mut self) -> R<Expr> {
        let pos = self.pos();
        let op = match &self.tok.tok {
            Tok::Punct(p @ ("!" | "-" | "+" | "~")) => Some(*p),
            Tok::Ident(n) if !self.tok.escaped => match &**n {
                "typeof" => Some("typeof"),
                "void" => Some("void"),
                "delete" => Some("delete"),
                "await" if self.cx.is_async => Some("await"),
                "await" if self.cx.in_function || self.cx.in_class_field => {
                    // V8 reports await outside async functions at parse time.
                    if self.peek2().is_some_and(|t| !t.nl_before && matches!(t.tok, Tok::Ident(_) | Tok::Num(_) | Tok::Str(_) | Tok::Punct("(") | Tok::Punct("[") | Tok::Punct("{"))) {
                        let t = &self.tok;
                        return Err(self.err_at("await is only valid in async functions and the top level bodies of modules", t.start, t.end));
                    }
                    None
                }
                _ => None,
            },
            Tok::Punct(p @ ("++" | "--")) => {
                let p = *p;
                self.advance()?;
                let target = self.unary()?;
                if !matches!(target.k, E::Ident(_) | E::Dot(..) | E::Member(..)) {
                    return Err(self.err_at("Invalid left-hand side expression in prefix operation", target.pos, self.prev_end));
                }
                return Ok(Expr {
                    pos,
                    k: E::Update(if p == "++" { "+" } else { "-" }, true, Box::new(target)),
                });
            }
            _ => None,
        };
        if let Some(op) = op {
            self.advance()?;
            let arg = self.unary()?;
            if op == "await" {
                if !self.cx.in_function {
                    self.top_await = true;
                }
                return Ok(Expr { pos, k: E::Await(Box::new(arg)) });
            }
            if self.is("**") {
                return Err(self.err_at("Unary operator used immediately before exponentiation expression. Parenthesis must be used to disambiguate operator precedence", pos, self.tok.end));
            }
            if op == "delete" && self.cx.strict && matches!(arg.k, E::Ident(_)) {
                return Err(self.err_at("Delete of an unqualified identifier in strict mode.", arg.pos, self.prev_end));
            }
            return Ok(Expr {
                pos,
                k: E::Unary(op, Box::new(arg)),
            });
        }
        let e = self.lhs_expr()?;
        if let Tok::Punct(p @ ("++" | "--")) = self.tok.tok {
            if !self.tok.nl_before {
                if !matches!(e.k, E::Ident(_) | E::Dot(..) | E::Member(..)) {
                    return Err(self.err_at("Invalid left-hand side expression in postfix operation", e.pos, self.prev_end));
                }
                self.advance()?;
                return Ok(Expr {
                    pos: e.pos,
                    k: E::Update(if p == "++" { "+" } else { "-" }, false, Box::new(e)),
                });
            }
        }
        Ok(e)
    }

    fn args(&mut self) -> R<Vec<Arg>> {
        let mut out = Vec::new();
        let saved = self.no_in_flag;
        self.no_in_flag = false;
        let r = (|| {
            while !self.is(")") {
                if self.eat("...")? {
                    out.push(Arg::Spread(self.assign()?));
                } else {
                    out.push(Arg::Plain(self.assign()?));
                }
                if !self.is(")") {
                    if !self.is(",") {
                        if matches!(self.tok.tok, Tok::Eof) {
                            return Err(self.unexpected());
                        }
                        return Err(self.err_at("missing ) after argument list", self.prev_start, self.prev_end));
                    }
                    self.advance()?;
                }
            }
            self.advance()?;
            Ok(())
        })();
        self.no_in_flag = saved;
        r?;
        Ok(out)
    }

    /// Member access, calls, `new`, optional chains.
    fn lhs_expr(&mut self) -> R<Expr> {
        let start = self.pos();
        let mut e = if self.is_word("new") {
            self.new_expr()?
        } else {
            self.primary()?
        };
        let mut in_chain = false;
        loop {
            if self.is(".") {
                self.advance()?;
                let pos = self.pos();
                let name = match &self.tok.tok {
                    Tok::Ident(n) => n.clone(),
                    Tok::Private(n) => format!("#{n}").into(),
                    _ => return Err(self.unexpected()),
                };
                self.advance()?;
                e = Expr { pos, k: E::Dot(Box::new(e), name, false) };
            } else if self.is("?.") {
                self.advance()?;
                in_chain = true;
                if self.is("(") {
                    self.advance()?;
                    let pos = e.pos;
                    let args = self.args()?;
                    e = Expr { pos: call_pos(&e, pos), k: E::Call(Box::new(e), args, true) };
                } else if self.is("[") {
                    self.advance()?;
                    let pos = self.pos();
                    let saved = self.no_in_flag;
                    self.no_in_flag = false;
                    let p = self.expression();
                    self.no_in_flag = saved;
                    let p = p?;
                    self.expect("]")?;
                    e = Expr { pos, k: E::Member(Box::new(e), Box::new(p), true) };
                } else {
                    let pos = self.pos();
                    let name = match &self.tok.tok {
                        Tok::Ident(n) => n.clone(),
                        _ => return Err(self.unexpected()),
                    };
                    self.advance()?;
                    e = Expr { pos, k: E::Dot(Box::new(e), name, true) };
                }
            } else if self.is("[") {
                self.advance()?;
                let pos = self.pos();
                let saved = self.no_in_flag;
                self.no_in_flag = false;
                let p = self.expression();
                self.no_in_flag = saved;
                let p = p?;
                self.expect("]")?;
                e = Expr { pos, k: E::Member(Box::new(e), Box::new(p), false) };
            } else if self.is("(") {
                let paren = self.pos();
                self.advance()?;
                let args = self.args()?;
                let pos = match e.k {
                    E::Dot(..) | E::Member(..) => e.pos,
                    E::Ident(_) if !matches!(&e.k, E::Ident(n) if &**n == "null" || &**n == "true" || &**n == "false") => e.pos,
                    E::Super | E::Func(_) | E::Class(_) => e.pos,
                    _ => paren,
                };
                e = Expr { pos, k: E::Call(Box::new(e), args, false) };
            } else if self.is("`") {
                if in_chain {
                    return Err(self.err_at("Invalid tagged template on optional chain", self.tok.start, self.tok.end));
                }
                let pos = e.pos;
                let (cooked, raw, exprs) = self.template_parts()?;
                e = Expr { pos, k: E::Tagged(Box::new(e), cooked, raw, exprs) };
            } else {
                break;
            }
        }
        if in_chain {
            let pos = e.pos;
            e = Expr { pos, k: E::Chain(Box::new(e)) };
        }
        let _ = start;
        Ok(e)
    }

    fn new_expr(&mut self) -> R<Expr> {
        let pos = self.pos();
        self.advance()?; // new
        if self.is(".") {
            self.advance()?;
            if !self.eat_word("target")? {
                return Err(self.unexpected());
            }
            return Ok(Expr { pos, k: E::NewTarget });
        }
        let mut callee = if self.is_word("new") { self.new_expr()? } else { self.primary()? };
        loop {
            if self.is(".") {
                self.advance()?;
                let p = self.pos();
                let name = match &self.tok.tok {
                    Tok::Ident(n) => n.clone(),
                    _ => return Err(self.unexpected()),
                };
                self.advance()?;
                callee = Expr { pos: p, k: E::Dot(Box::new(callee), name, false) };
            } else if self.is("[") {
                self.advance()?;
                let p = self.pos();
                let prop = self.expression()?;
                self.expect("]")?;
                callee = Expr { pos: p, k: E::Member(Box::new(callee), Box::new(prop), false) };
            } else {
                break;
            }
        }
        let args = if self.eat("(")? { self.args()? } else { Vec::new() };
        Ok(Expr { pos, k: E::New(Box::new(callee), args) })
    }

    fn template_parts(&mut self) -> R<(Vec<Name>, Vec<Name>, Vec<Expr>)> {
        // The current token is the opening backtick; the lexer is just after it.
        let mut cooked = Vec::new();
        let mut raws = Vec::new();
        let mut exprs = Vec::new();
        self.lex.pos = self.tok.end as usize;
        loop {
            let (c, raw, end) = self.lex.template_part()?;
            cooked.push(Name::from(c));
            raws.push(Name::from(raw));
            if end {
                break;
            }
            self.tok = self.lex.next()?;
            let saved = self.no_in_flag;
            self.no_in_flag = false;
            let e = self.expression();
            self.no_in_flag = saved;
            exprs.push(e?);
            if !self.is("}") {
                return Err(self.unexpected());
            }
            self.lex.pos = self.tok.end as usize;
        }
        self.prev_end = self.lex.pos as u32;
        self.tok = self.lex.next()?;
        Ok((cooked, raws, exprs))
    }

    fn primary(&mut self) -> R<Expr> {
        let pos = self.pos();
        let t = self.tok.clone();
        let mk = |k| Ok(Expr { pos, k });
        match t.tok {
            Tok::Num(n) => {
                self.advance()?;
                mk(E::Num(n))
            }
            Tok::BigInt => Err(self.err_at("dockling: node: BigInt is not simulated", t.start, t.end)),
            Tok::Str(s) => {
                self.advance()?;
                mk(E::Str(s))
            }
            Tok::Punct("`") => {
                let (cooked, _raw, exprs) = self.template_parts()?;
                mk(E::Template(cooked, exprs))
            }
            Tok::Punct("(") => {
                self.advance()?;
                let saved = self.no_in_flag;
                self.no_in_flag = false;
                let e = self.expression();
                self.no_in_flag = saved;
                let e = e?;
                self.expect(")")?;
                Ok(e)
            }
            Tok::Punct("[") => {
                self.advance()?;
                let mut items = Vec::new();
                let saved = self.no_in_flag;
                self.no_in_flag = false;
                let r = (|| -> R<()> {
                    while !self.is("]") {
                        if self.is(",") {
                            self.advance()?;
                            items.push(None);
                            continue;
                        }
                        if self.eat("...")? {
                            items.push(Some(Arg::Spread(self.assign()?)));
                        } else {
                            items.push(Some(Arg::Plain(self.assign()?)));
                        }
                        if !self.is("]") {
                            self.expect(",")?;
                        }
                    }
                    self.advance()?;
                    Ok(())
                })();
                self.no_in_flag = saved;
                r?;
                mk(E::Array(items))
            }
            Tok::Punct("{") => self.object_literal(),
            Tok::Punct("/") | Tok::Punct("/=") => {
                let (body, flags) = self.lex.regex(t.start as usize)?;
                for (i, c) in flags.char_indices() {
                    if !"dgimsuyv".contains(c) || flags[..i].contains(c) {
                        return Err(self.err_at("Invalid regular expression flags", t.start, self.lex.pos as u32));
                    }
                }
                self.prev_end = self.lex.pos as u32;
                self.tok = self.lex.next()?;
                mk(E::Regex(body.into(), flags.into()))
            }
            Tok::Ident(n) if !t.escaped => match &*n {
                "function" => {
                    let f = self.function(false, pos, false)?;
                    mk(E::Func(f))
                }
                "async" if self.peek2().is_some_and(|t| !t.nl_before && matches!(&t.tok, Tok::Ident(n) if &**n == "function")) => {
                    self.advance()?;
                    let f = self.function(true, pos, false)?;
                    mk(E::Func(f))
                }
                "class" => {
                    let c = self.class(false)?;
                    mk(E::Class(c))
                }
                "this" => {
                    self.advance()?;
                    mk(E::This)
                }
                "super" => {
                    self.advance()?;
                    if !(self.is(".") || self.is("[") || self.is("(")) {
                        return Err(self.err_at("'super' keyword unexpected here", t.start, t.end));
                    }
                    mk(E::Super)
                }
                "null" => {
                    self.advance()?;
                    mk(E::Ident("null".into()))
                }
                "true" | "false" => {
                    self.advance()?;
                    mk(E::Ident(n.clone()))
                }
                "import" => {
                    self.advance()?;
                    if self.eat("(")? {
                        let e = self.assign()?;
                        self.expect(")")?;
                        return mk(E::Import(Box::new(e)));
                    }
                    if self.eat(".")? {
                        if self.eat_word("meta")? {
                            if !self.opts.module {
                                return Err(self.err_at("Cannot use 'import.meta' outside a module", t.start, self.prev_end));
                            }
                            return mk(E::Ident("%import.meta".into()));
                        }
                    }
                    Err(self.unexpected())
                }
                w if RESERVED.contains(&w) => Err(self.unexpected()),
                w if self.cx.strict && STRICT_RESERVED.contains(&w) => Err(self.unexpected()),
                _ => {
                    self.advance()?;
                    mk(E::Ident(n.clone()))
                }
            },
            Tok::Ident(n) => {
                self.advance()?;
                mk(E::Ident(n))
            }
            Tok::Private(_) => Err(self.unexpected()),
            _ => Err(self.unexpected()),
        }
    }

    fn object_literal(&mut self) -> R<Expr> {
        let pos = self.pos();
        self.advance()?;
        let mut props = Vec::new();
        let saved = self.no_in_flag;
        self.no_in_flag = false;
        let r = (|| {
            while !self.is("}") {
                if self.eat("...")? {
                    props.push(PropDef::Spread(self.assign()?));
                } else {
                    let kpos = self.pos();
                    let is_ident = matches!(self.tok.tok, Tok::Ident(_));
                    let (key, kind) = self.method_like(false)?;
                    match kind {
                        Some(MethodKind::Method(f)) => {
                            props.push(PropDef::Value(key, Expr { pos: kpos, k: E::Func(f) }))
                        }
                        Some(MethodKind::Get(f)) => props.push(PropDef::Get(key, f)),
                        Some(MethodKind::Set(f)) => props.push(PropDef::Set(key, f)),
                        None => {
                            if self.eat(":")? {
                                let v = self.assign()?;
                                props.push(PropDef::Value(key, v));
                            } else if let (true, PropKey::Name(n)) = (is_ident, &key) {
                                if RESERVED.contains(&&**n) && &**n != "true" && &**n != "false" && &**n != "null" {
                                    return Err(self.err_at(&format!("Unexpected token '{}'", if self.is("}") || self.is(",") { self.tok_text() } else { n.to_string() }), kpos, kpos + n.len() as u32));
                                }
                                let def = if self.eat("=")? { Some(self.assign()?) } else { None };
                                props.push(PropDef::Short(n.clone(), kpos, def));
                            } else {
                                return Err(self.unexpected());
                            }
                        }
                    }
                }
                if !self.is("}") {
                    self.expect(",")?;
                }
            }
            self.advance()?;
            Ok(())
        })();
        self.no_in_flag = saved;
        r?;
        Ok(Expr { pos, k: E::Object(props) })
    }

    fn tok_text(&self) -> String {
        self.lex.src[self.tok.start as usize..self.tok.end as usize].to_string()
    }
}

enum MethodKind {
    Method(Rc<Func>),
    Get(Rc<Func>),
    Set(Rc<Func>),
}

/// The position V8 reports for a call: the property name of a member call, else the callee.
fn call_pos(callee: &Expr, default: u32) -> u32 {
    match &callee.k {
        E::Dot(..) | E::Member(..) => callee.pos,
        _ => default,
    }
}

/// Skips a template literal's rest (after the opening backtick) in a look-ahead scan.
fn skip_template(l: &mut Lexer) -> bool {
    let mut guard = 0;
    loop {
        guard += 1;
        if guard > 10_000 {
            return false;
        }
        let Ok((_, _, end)) = l.template_part() else { return false };
        if end {
            return true;
        }
        let mut depth = 1u32;
        loop {
            guard += 1;
            if guard > 100_000 {
                return false;
            }
            let Ok(t) = l.next() else { return false };
            match t.tok {
                Tok::Eof => return false,
                Tok::Punct("{") => depth += 1,
                Tok::Punct("}") => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                Tok::Punct("`") => {
                    if !skip_template(l) {
                        return false;
                    }
                }
                _ => {}
            }
        }
    }
}

/// The names a binding pattern declares.
pub fn pat_names(p: &Pat, out: &mut Vec<Name>) {
    match p {
        Pat::Id(n, _) => out.push(n.clone()),
        Pat::Obj(props, rest) => {
            for (_, t) in props {
                pat_names(t, out);
            }
            if let Some(r) = rest {
                pat_names(r, out);
            }
        }
        Pat::Arr(elems, rest) => {
            for t in elems.iter().flatten() {
                pat_names(t, out);
            }
            if let Some(r) = rest {
                pat_names(r, out);
            }
        }
        Pat::Def(t, _) => pat_names(t, out),
        Pat::Expr(_) => {}
    }
}

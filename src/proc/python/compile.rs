//! AST to code objects: scope analysis (locals, cells, free and global names, as CPython's
//! symtable) and code generation for the stack machine in `code.rs`.

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use super::ast::*;
use super::code::{Code, CodeKind, Op, Span};
use super::lexer::{Pos, SyntaxErr};
use super::value::Value;

type R<T> = Result<T, SyntaxErr>;

// ------------------------------------------------------------------ scopes

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Where {
    Fast,
    Cell,
    Free,
    Global,
    /// Module level and class bodies.
    Name,
}

#[derive(Debug)]
struct Scope {
    kind: CodeKind,
    /// Names bound here, parameters first, in order of first binding.
    bound: Vec<Rc<str>>,
    globals: BTreeSet<Rc<str>>,
    nonlocals: BTreeSet<Rc<str>>,
    used: BTreeSet<Rc<str>>,
    children: Vec<usize>,
    cells: Vec<Rc<str>>,
    frees: Vec<Rc<str>>,
    has_yield: bool,
    uses_super: bool,
}

impl Scope {
    fn new(kind: CodeKind) -> Scope {
        Scope {
            kind,
            bound: Vec::new(),
            globals: BTreeSet::new(),
            nonlocals: BTreeSet::new(),
            used: BTreeSet::new(),
            children: Vec::new(),
            cells: Vec::new(),
            frees: Vec::new(),
            has_yield: false,
            uses_super: false,
        }
    }
    fn bind(&mut self, n: &Rc<str>) {
        if !self.bound.contains(n) {
            self.bound.push(n.clone());
        }
    }
    fn is_function(&self) -> bool {
        matches!(
            self.kind,
            CodeKind::Function | CodeKind::Lambda | CodeKind::Comprehension
        )
    }
}

struct Symtable {
    scopes: Vec<Scope>,
    /// AST node address to scope.
    by_node: HashMap<usize, usize>,
    stack: Vec<usize>,
    err: Option<SyntaxErr>,
}

fn addr<T>(r: &T) -> usize {
    r as *const T as usize
}

impl Symtable {
    fn cur(&mut self) -> &mut Scope {
        let i = *self.stack.last().unwrap_or(&0);
        &mut self.scopes[i]
    }
    fn push(&mut self, kind: CodeKind, node: usize) {
        let id = self.scopes.len();
        self.scopes.push(Scope::new(kind));
        if let Some(&p) = self.stack.last() {
            self.scopes[p].children.push(id);
        }
        self.by_node.insert(node, id);
        self.stack.push(id);
    }
    fn bind(&mut self, n: &Rc<str>, at: Pos) {
        let s = self.cur();
        if s.globals.contains(n) || s.nonlocals.contains(n) {
            return;
        }
        let _ = at;
        s.bind(n);
    }
    fn fail(&mut self, e: SyntaxErr) {
        if self.err.is_none() {
            self.err = Some(e);
        }
    }

    fn body(&mut self, b: &[Stmt]) {
        for s in b {
            self.stmt(s);
        }
    }

    fn target(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Name(n) => self.bind(n, e.start),
            ExprKind::Tuple(v) | ExprKind::List(v) => {
                for x in v {
                    self.target(x);
                }
            }
            ExprKind::Starred(x) => self.target(x),
            _ => self.expr(e),
        }
    }

    fn func(&mut self, f: &Rc<FuncDef>, kind: CodeKind) {
        for d in &f.decorators {
            self.expr(d);
        }
        for (_, d) in f.params.args.iter().chain(f.params.kwonly.iter()) {
            if let Some(d) = d {
                self.expr(d);
            }
        }
        self.push(kind, Rc::as_ptr(f) as usize);
        for (n, _) in &f.params.args {
            self.cur().bind(n);
        }
        for (n, _) in &f.params.kwonly {
            self.cur().bind(n);
        }
        if let Some(n) = &f.params.vararg {
            self.cur().bind(n);
        }
        if let Some(n) = &f.params.kwarg {
            self.cur().bind(n);
        }
        self.body(&f.body);
        self.stack.pop();
    }

    fn stmt(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Expr(e) => self.expr(e),
            StmtKind::Assign(ts, v) => {
                self.expr(v);
                for t in ts {
                    self.target(t);
                }
            }
            StmtKind::AugAssign(t, _, v) => {
                self.expr(v);
                if let ExprKind::Name(n) = &t.kind {
                    self.cur().used.insert(n.clone());
                }
                self.target(t);
            }
            StmtKind::AnnAssign(t, _, v) => {
                if let Some(v) = v {
                    self.expr(v);
                    self.target(t);
                } else if let ExprKind::Name(n) = &t.kind {
                    if self.cur().is_function() {
                        self.bind(n, t.start);
                    }
                } else {
                    self.expr(t);
                }
            }
            StmtKind::If(t, a, b) | StmtKind::While(t, a, b) => {
                self.expr(t);
                self.body(a);
                self.body(b);
            }
            StmtKind::For(t, it, a, b) => {
                self.expr(it);
                self.target(t);
                self.body(a);
                self.body(b);
            }
            StmtKind::Return(Some(e)) => self.expr(e),
            StmtKind::Def(f) => {
                self.func(f, CodeKind::Function);
                self.bind(&f.name, s.start);
            }
            StmtKind::Class(c) => {
                for d in &c.decorators {
                    self.expr(d);
                }
                for a in &c.bases {
                    self.expr(&a.value);
                }
                self.push(CodeKind::Class, Rc::as_ptr(c) as usize);
                self.body(&c.body);
                self.stack.pop();
                self.bind(&c.name, s.start);
            }
            StmtKind::Try(b, hs, e, f) => {
                self.body(b);
                for h in hs {
                    if let Some(t) = &h.typ {
                        self.expr(t);
                    }
                    if let Some(n) = &h.name {
                        self.bind(n, s.start);
                    }
                    self.body(&h.body);
                }
                self.body(e);
                self.body(f);
            }
            StmtKind::Raise(a, b) => {
                if let Some(a) = a {
                    self.expr(a);
                }
                if let Some(b) = b {
                    self.expr(b);
                }
            }
            StmtKind::With(items, b) => {
                for (e, t) in items {
                    self.expr(e);
                    if let Some(t) = t {
                        self.target(t);
                    }
                }
                self.body(b);
            }
            StmtKind::Import(names) => {
                for (n, alias) in names {
                    let bound = match alias {
                        Some(a) => a.clone(),
                        None => Rc::from(n.split('.').next().unwrap_or(n)),
                    };
                    self.bind(&bound, s.start);
                }
            }
            StmtKind::ImportFrom(_, _, names) => {
                if names.is_empty() && self.cur().is_function() {
                    self.fail(SyntaxErr::new(
                        "import * only allowed at module level",
                        s.start,
                        s.end,
                    ));
                }
                for (n, alias) in names {
                    let b = alias.clone().unwrap_or_else(|| n.clone());
                    self.bind(&b, s.start);
                }
            }
            StmtKind::Global(names) | StmtKind::Nonlocal(names) => {
                let global = matches!(s.kind, StmtKind::Global(_));
                let module = self.stack.len() == 1;
                if !global && module {
                    self.fail(SyntaxErr::new(
                        "nonlocal declaration not allowed at module level",
                        s.start,
                        s.end,
                    ));
                    return;
                }
                for n in names {
                    let sc = self.cur();
                    if sc.bound.contains(n) && !module {
                        let what = if global { "global" } else { "nonlocal" };
                        self.fail(SyntaxErr::new(
                            format!("name '{n}' is assigned to before {what} declaration"),
                            s.start,
                            s.end,
                        ));
                        return;
                    }
                    if sc.used.contains(n) && !module {
                        let what = if global { "global" } else { "nonlocal" };
                        self.fail(SyntaxErr::new(
                            format!("name '{n}' is used prior to {what} declaration"),
                            s.start,
                            s.end,
                        ));
                        return;
                    }
                    if global {
                        sc.globals.insert(n.clone());
                    } else {
                        sc.nonlocals.insert(n.clone());
                    }
                }
            }
            StmtKind::Del(ts) => {
                for t in ts {
                    self.target(t);
                }
            }
            StmtKind::Assert(a, b) => {
                self.expr(a);
                if let Some(b) = b {
                    self.expr(b);
                }
            }
            _ => {}
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Name(n) => {
                if &**n == "super" {
                    self.cur().uses_super = true;
                }
                self.cur().used.insert(n.clone());
            }
            ExprKind::Const(_) => {}
            ExprKind::FStr(parts) => self.fparts(parts),
            ExprKind::List(v) | ExprKind::Tuple(v) | ExprKind::Set(v) | ExprKind::BoolOp(_, v) => {
                for x in v {
                    self.expr(x);
                }
            }
            ExprKind::Dict(items) => {
                for (k, v) in items {
                    if let Some(k) = k {
                        self.expr(k);
                    }
                    self.expr(v);
                }
            }
            ExprKind::Bin(a, _, b) | ExprKind::Subscript(a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Unary(_, a) | ExprKind::Attr(a, _) | ExprKind::Starred(a) | ExprKind::Await(a) => {
                self.expr(a)
            }
            ExprKind::Compare(a, rest) => {
                self.expr(a);
                for (_, x) in rest {
                    self.expr(x);
                }
            }
            ExprKind::Call(f, args) => {
                self.expr(f);
                for a in args {
                    self.expr(&a.value);
                }
            }
            ExprKind::Slice(a, b, c) => {
                for x in [a, b, c].into_iter().flatten() {
                    self.expr(x);
                }
            }
            ExprKind::IfExp(a, b, c) => {
                self.expr(a);
                self.expr(b);
                self.expr(c);
            }
            ExprKind::Lambda(f) => self.func(f, CodeKind::Lambda),
            ExprKind::Comp(_, elt, val, gens) => {
                if let Some(g0) = gens.first() {
                    self.expr(&g0.iter);
                }
                self.push(CodeKind::Comprehension, addr(e));
                self.cur().bind(&Rc::from(".0"));
                for (i, g) in gens.iter().enumerate() {
                    if i > 0 {
                        self.expr(&g.iter);
                    }
                    self.target(&g.target);
                    for c in &g.ifs {
                        self.expr(c);
                    }
                }
                self.expr(elt);
                if let Some(v) = val {
                    self.expr(v);
                }
                self.stack.pop();
            }
            ExprKind::Walrus(n, v) => {
                self.expr(v);
                // Binds in the nearest enclosing scope that is not a comprehension.
                let mut k = self.stack.len();
                while k > 1 && self.scopes[self.stack[k - 1]].kind == CodeKind::Comprehension {
                    self.scopes[self.stack[k - 1]].used.insert(n.clone());
                    k -= 1;
                }
                let target = self.stack[k - 1];
                self.scopes[target].bind(n);
            }
            ExprKind::Yield(v) => {
                self.cur().has_yield = true;
                if let Some(v) = v {
                    self.expr(v);
                }
            }
        }
    }

    fn fparts(&mut self, parts: &[FPart]) {
        for p in parts {
            if let FPart::Expr { expr, spec, .. } = p {
                self.expr(expr);
                self.fparts(spec);
            }
        }
    }

    /// Decides cells and free variables, bottom-up: returns the free names `id` needs from its
    /// enclosing scopes.
    fn resolve(&mut self, id: usize, visible: &BTreeSet<Rc<str>>) -> BTreeSet<Rc<str>> {
        let is_fn = self.scopes[id].is_function();
        let mut inner_visible = visible.clone();
        if is_fn {
            for n in &self.scopes[id].bound {
                if !self.scopes[id].globals.contains(n) {
                    inner_visible.insert(n.clone());
                }
            }
            for n in &self.scopes[id].nonlocals {
                inner_visible.insert(n.clone());
            }
        }
        if self.scopes[id].kind == CodeKind::Module {
            inner_visible.clear();
        }
        let children = self.scopes[id].children.clone();
        let mut needed: BTreeSet<Rc<str>> = BTreeSet::new();
        for c in children {
            needed.extend(self.resolve(c, &inner_visible));
        }
        let sc = &mut self.scopes[id];
        // Names this scope itself uses from outside.
        let mut free: BTreeSet<Rc<str>> = BTreeSet::new();
        if sc.kind != CodeKind::Module {
            for n in sc.used.iter().chain(sc.nonlocals.iter()) {
                let local = sc.bound.contains(n) && sc.kind != CodeKind::Class;
                if !local && !sc.globals.contains(n) && visible.contains(n) {
                    if sc.kind == CodeKind::Class && sc.bound.contains(n) {
                        continue;
                    }
                    free.insert(n.clone());
                }
            }
        }
        for n in needed {
            if is_fn && sc.bound.contains(&n) && !sc.globals.contains(&n) && !sc.nonlocals.contains(&n) {
                if !sc.cells.contains(&n) {
                    sc.cells.push(n);
                }
            } else if visible.contains(&n) {
                free.insert(n);
            }
        }
        sc.frees = free.iter().cloned().collect();
        free
    }

    fn where_is(&self, id: usize, n: &str) -> Where {
        let sc = &self.scopes[id];
        if sc.kind == CodeKind::Module {
            return Where::Name;
        }
        if sc.globals.iter().any(|g| &**g == n) {
            return Where::Global;
        }
        if sc.kind == CodeKind::Class {
            if sc.frees.iter().any(|g| &**g == n) && !sc.bound.iter().any(|g| &**g == n) {
                return Where::Free;
            }
            return Where::Name;
        }
        if sc.cells.iter().any(|g| &**g == n) {
            return Where::Cell;
        }
        if sc.frees.iter().any(|g| &**g == n) {
            return Where::Free;
        }
        if sc.bound.iter().any(|g| &**g == n) {
            return Where::Fast;
        }
        Where::Global
    }
}

// ------------------------------------------------------------------ code generation

enum Unwind<'a> {
    Loop {
        start: u32,
        breaks: Vec<usize>,
        is_for: bool,
    },
    /// A try block with an except handler: PopBlock.
    Try,
    /// A try block with a finally clause: PopBlock, then the body.
    Finally(&'a [Stmt]),
    /// Inside an except handler (or a finally run for an exception): PopExcept; the
    /// exception is on the stack when `true`.
    Handler(bool),
    With,
}

struct Unit<'a> {
    scope: usize,
    kind: CodeKind,
    name: Rc<str>,
    qualname: Rc<str>,
    ops: Vec<Op>,
    spans: Vec<Span>,
    consts: Vec<Value>,
    names: Vec<Rc<str>>,
    kwnames: Vec<Vec<Rc<str>>>,
    varnames: Vec<Rc<str>>,
    unwind: Vec<Unwind<'a>>,
    span: Span,
    firstline: u32,
}

pub struct Compiler<'a> {
    sym: Symtable,
    units: Vec<Unit<'a>>,
    filename: Rc<str>,
    /// REPL: expression statements at module level print their value.
    interactive: bool,
    /// Generators compile (3.x semantics) only when supported by the VM.
    pub allow_yield: bool,
}

fn span_of(start: Pos, end: Pos) -> Span {
    Span {
        line: start.0,
        end_line: end.0,
        col: start.1,
        end_col: end.1,
    }
}

/// Compiles a module.
pub fn compile_module(body: &[Stmt], filename: &str, interactive: bool) -> R<Rc<Code>> {
    let mut sym = Symtable {
        scopes: Vec::new(),
        by_node: HashMap::new(),
        stack: Vec::new(),
        err: None,
    };
    sym.push(CodeKind::Module, 0);
    sym.body(body);
    if let Some(e) = sym.err.take() {
        return Err(e);
    }
    sym.resolve(0, &BTreeSet::new());
    let mut c = Compiler {
        sym,
        units: Vec::new(),
        filename: Rc::from(filename),
        interactive,
        allow_yield: true,
    };
    c.push_unit(0, CodeKind::Module, Rc::from("<module>"), Rc::from("<module>"), 1);
    c.setup_annotations(body);
    c.block(body)?;
    let none = c.konst(Value::None);
    c.emit(Op::Const(none));
    c.emit(Op::Return);
    Ok(c.pop_unit(0, 0, 0, false, false))
}

impl<'a> Compiler<'a> {
    fn unit(&mut self) -> &mut Unit<'a> {
        let n = self.units.len() - 1;
        &mut self.units[n]
    }
    fn push_unit(&mut self, scope: usize, kind: CodeKind, name: Rc<str>, qualname: Rc<str>, line: u32) {
        let varnames = if kind == CodeKind::Module || kind == CodeKind::Class {
            Vec::new()
        } else {
            self.sym.scopes[scope].bound.clone()
        };
        self.units.push(Unit {
            scope,
            kind,
            name,
            qualname,
            ops: Vec::new(),
            spans: Vec::new(),
            consts: Vec::new(),
            names: Vec::new(),
            kwnames: Vec::new(),
            varnames,
            unwind: Vec::new(),
            span: Span {
                line,
                end_line: line,
                col: u32::MAX,
                end_col: u32::MAX,
            },
            firstline: line,
        });
    }
    fn pop_unit(&mut self, argcount: u32, posonly: u32, kwonly: u32, varargs: bool, varkw: bool) -> Rc<Code> {
        let u = self.units.pop().expect("unit");
        let sc = &self.sym.scopes[u.scope];
        let cell_args = sc
            .cells
            .iter()
            .map(|c| {
                let np = argcount + kwonly + varargs as u32 + varkw as u32;
                u.varnames
                    .iter()
                    .take(np as usize)
                    .position(|v| v == c)
                    .map(|p| p as u32)
            })
            .collect();
        Rc::new(Code {
            name: u.name,
            qualname: u.qualname,
            filename: self.filename.clone(),
            kind: u.kind,
            ops: u.ops,
            spans: u.spans,
            consts: u.consts,
            names: u.names,
            kwnames: u.kwnames,
            varnames: u.varnames,
            cellvars: sc.cells.clone(),
            freevars: sc.frees.clone(),
            cell_args,
            argcount,
            posonly,
            kwonly,
            varargs,
            varkw,
            firstline: u.firstline,
            is_generator: sc.has_yield,
            hidden: false,
        })
    }
    fn emit(&mut self, op: Op) -> usize {
        let u = self.unit();
        u.ops.push(op);
        u.spans.push(u.span);
        u.ops.len() - 1
    }
    fn here(&mut self) -> u32 {
        self.unit().ops.len() as u32
    }
    fn patch(&mut self, at: usize) {
        let target = self.here();
        let u = self.unit();
        u.ops[at] = match u.ops[at] {
            Op::Jump(_) => Op::Jump(target),
            Op::PopJumpIfFalse(_) => Op::PopJumpIfFalse(target),
            Op::PopJumpIfTrue(_) => Op::PopJumpIfTrue(target),
            Op::JumpIfFalseOrPop(_) => Op::JumpIfFalseOrPop(target),
            Op::JumpIfTrueOrPop(_) => Op::JumpIfTrueOrPop(target),
            Op::ForIter(_) => Op::ForIter(target),
            Op::SetupExcept(_) => Op::SetupExcept(target),
            Op::SetupFinally(_) => Op::SetupFinally(target),
            other => other,
        };
    }
    fn konst(&mut self, v: Value) -> u32 {
        let u = self.unit();
        if let Value::Str(s) = &v {
            if let Some(i) = u.consts.iter().position(|c| matches!(c, Value::Str(t) if t == s)) {
                return i as u32;
            }
        }
        u.consts.push(v);
        (u.consts.len() - 1) as u32
    }
    fn name_idx(&mut self, n: &str) -> u32 {
        let u = self.unit();
        if let Some(i) = u.names.iter().position(|x| &**x == n) {
            return i as u32;
        }
        u.names.push(Rc::from(n));
        (u.names.len() - 1) as u32
    }
    fn set_span(&mut self, s: Span) -> Span {
        std::mem::replace(&mut self.unit().span, s)
    }
    fn err(&self, msg: &str, start: Pos, end: Pos) -> SyntaxErr {
        SyntaxErr::new(msg, start, end)
    }

    fn var_op(&mut self, n: &Rc<str>, kind: u8) {
        let scope = self.unit().scope;
        let w = self.sym.where_is(scope, n);
        let op = match w {
            Where::Fast => {
                let u = self.unit();
                let i = match u.varnames.iter().position(|v| v == n) {
                    Some(i) => i,
                    None => {
                        u.varnames.push(n.clone());
                        u.varnames.len() - 1
                    }
                } as u32;
                [Op::LoadFast(i), Op::StoreFast(i), Op::DelFast(i)][kind as usize]
            }
            Where::Cell | Where::Free => {
                let sc = &self.sym.scopes[scope];
                let i = match w {
                    Where::Cell => sc.cells.iter().position(|v| v == n).unwrap_or(0),
                    _ => sc.cells.len() + sc.frees.iter().position(|v| v == n).unwrap_or(0),
                } as u32;
                [Op::LoadDeref(i), Op::StoreDeref(i), Op::DelDeref(i)][kind as usize]
            }
            Where::Global => {
                let i = self.name_idx(n);
                [Op::LoadGlobal(i), Op::StoreGlobal(i), Op::DelGlobal(i)][kind as usize]
            }
            Where::Name => {
                let i = self.name_idx(n);
                if self.unit().kind == CodeKind::Module {
                    [Op::LoadGlobal(i), Op::StoreGlobal(i), Op::DelGlobal(i)][kind as usize]
                } else {
                    [Op::LoadName(i), Op::StoreName(i), Op::DelName(i)][kind as usize]
                }
            }
        };
        self.emit(op);
    }

    // ---------------------------------------------------------------- statements

    fn block(&mut self, body: &'a [Stmt]) -> R<()> {
        for s in body {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &'a Stmt) -> R<()> {
        let sp = span_of(s.start, s.end);
        let saved = self.set_span(sp);
        let r = self.stmt_inner(s);
        self.set_span(saved);
        r
    }

    fn stmt_inner(&mut self, s: &'a Stmt) -> R<()> {
        match &s.kind {
            StmtKind::Expr(e) => {
                self.expr(e)?;
                if self.interactive && self.units.len() == 1 {
                    self.emit(Op::PrintExpr);
                } else {
                    self.emit(Op::Pop);
                }
            }
            StmtKind::Assign(targets, value) => {
                self.expr(value)?;
                for (i, t) in targets.iter().enumerate() {
                    if i + 1 < targets.len() {
                        self.emit(Op::Dup);
                    }
                    self.store(t)?;
                }
            }
            StmtKind::AugAssign(t, op, value) => self.aug_assign(t, *op, value)?,
            StmtKind::AnnAssign(t, ann, value) => {
                if let Some(v) = value {
                    self.expr(v)?;
                    self.store(t)?;
                }
                // Module and class bodies record simple annotations in __annotations__.
                if let (ExprKind::Name(n), CodeKind::Class | CodeKind::Module) = (&t.kind, self.unit().kind) {
                    self.expr(ann)?;
                    let i = self.name_idx("__annotations__");
                    if self.unit().kind == CodeKind::Class {
                        self.emit(Op::LoadName(i));
                    } else {
                        self.emit(Op::LoadGlobal(i));
                    }
                    let k = self.konst(Value::Str(n.clone()));
                    self.emit(Op::Const(k));
                    self.emit(Op::StoreSubscr);
                }
            }
            StmtKind::If(test, body, orelse) => {
                self.expr(test)?;
                let j = self.emit(Op::PopJumpIfFalse(0));
                self.block(body)?;
                if orelse.is_empty() {
                    self.patch(j);
                } else {
                    let end = self.emit(Op::Jump(0));
                    self.patch(j);
                    self.block(orelse)?;
                    self.patch(end);
                }
            }
            StmtKind::While(test, body, orelse) => {
                let start = self.here();
                self.expr(test)?;
                let exit = self.emit(Op::PopJumpIfFalse(0));
                self.unit().unwind.push(Unwind::Loop {
                    start,
                    breaks: Vec::new(),
                    is_for: false,
                });
                self.block(body)?;
                self.emit(Op::Jump(start));
                let breaks = self.pop_loop();
                self.patch(exit);
                self.block(orelse)?;
                for b in breaks {
                    self.patch(b);
                }
            }
            StmtKind::For(target, iter, body, orelse) => {
                self.expr(iter)?;
                self.emit(Op::GetIter);
                let start = self.here();
                let exit = self.emit(Op::ForIter(0));
                self.unit().unwind.push(Unwind::Loop {
                    start,
                    breaks: Vec::new(),
                    is_for: true,
                });
                self.store(target)?;
                self.block(body)?;
                self.emit(Op::Jump(start));
                let breaks = self.pop_loop();
                self.patch(exit);
                self.block(orelse)?;
                for b in breaks {
                    self.patch(b);
                }
            }
            StmtKind::Break | StmtKind::Continue => {
                let brk = matches!(s.kind, StmtKind::Break);
                self.break_continue(brk, s)?;
            }
            StmtKind::Pass => {
                self.emit(Op::Nop);
            }
            StmtKind::Return(v) => {
                if !matches!(self.unit().kind, CodeKind::Function | CodeKind::Lambda) {
                    return Err(self.err("'return' outside function", s.start, s.end));
                }
                match v {
                    Some(v) => self.expr(v)?,
                    None => {
                        let c = self.konst(Value::None);
                        self.emit(Op::Const(c));
                    }
                }
                self.unwind_for_return()?;
                self.emit(Op::Return);
            }
            StmtKind::Def(f) => {
                for d in &f.decorators {
                    self.expr(d)?;
                }
                self.function(f, s)?;
                for _ in &f.decorators {
                    self.emit(Op::Call(1));
                }
                self.var_op(&f.name, 1);
            }
            StmtKind::Class(c) => self.class(c, s)?,
            StmtKind::Try(body, handlers, orelse, finalbody) => {
                self.try_stmt(body, handlers, orelse, finalbody)?
            }
            StmtKind::Raise(exc, cause) => {
                let n = match (exc, cause) {
                    (None, _) => 0,
                    (Some(e), None) => {
                        self.expr(e)?;
                        1
                    }
                    (Some(e), Some(c)) => {
                        self.expr(e)?;
                        self.expr(c)?;
                        2
                    }
                };
                self.emit(Op::Raise(n));
            }
            StmtKind::With(items, body) => self.with(items, body, 0)?,
            StmtKind::Import(names) => {
                for (n, alias) in names {
                    let i = self.name_idx(n);
                    self.emit(Op::ImportName(i));
                    match alias {
                        Some(a) => {
                            // `import a.b as c` binds the submodule.
                            for part in n.split('.').skip(1) {
                                let k = self.name_idx(part);
                                self.emit(Op::LoadAttr(k));
                            }
                            self.var_op(a, 1);
                        }
                        None => {
                            let top: Rc<str> = Rc::from(n.split('.').next().unwrap_or(n));
                            self.var_op(&top, 1);
                        }
                    }
                }
            }
            StmtKind::ImportFrom(module, level, names) => {
                let full = format!("from:{}{}", ".".repeat(*level as usize), module);
                let i = self.name_idx(&full);
                self.emit(Op::ImportName(i));
                if names.is_empty() {
                    self.emit(Op::ImportStar);
                } else {
                    for (n, alias) in names {
                        let k = self.name_idx(n);
                        self.emit(Op::ImportFrom(k));
                        let b = alias.clone().unwrap_or_else(|| n.clone());
                        self.var_op(&b, 1);
                    }
                    self.emit(Op::Pop);
                }
            }
            StmtKind::Global(_) | StmtKind::Nonlocal(_) => {}
            StmtKind::Del(targets) => {
                for t in targets {
                    self.delete(t)?;
                }
            }
            StmtKind::Assert(test, msg) => {
                self.expr(test)?;
                let j = self.emit(Op::PopJumpIfTrue(0));
                self.emit(Op::LoadAssertionError);
                if let Some(m) = msg {
                    self.expr(m)?;
                    self.emit(Op::Call(1));
                }
                self.emit(Op::Raise(1));
                self.patch(j);
            }
            StmtKind::Match => {
                return Err(self.err(
                    "dockling: python: match statements are not simulated",
                    s.start,
                    s.end,
                ))
            }
        }
        Ok(())
    }

    /// `__annotations__ = {}` when a body has annotated names (CPython's SETUP_ANNOTATIONS).
    fn setup_annotations(&mut self, body: &[Stmt]) {
        let has = body
            .iter()
            .any(|s| matches!(&s.kind, StmtKind::AnnAssign(t, _, _) if matches!(t.kind, ExprKind::Name(_))));
        if has {
            self.emit(Op::BuildDict(0));
            let i = self.name_idx("__annotations__");
            if self.unit().kind == CodeKind::Class {
                self.emit(Op::StoreName(i));
            } else {
                self.emit(Op::StoreGlobal(i));
            }
        }
    }

    fn pop_loop(&mut self) -> Vec<usize> {
        match self.unit().unwind.pop() {
            Some(Unwind::Loop { breaks, .. }) => breaks,
            _ => Vec::new(),
        }
    }

    fn break_continue(&mut self, brk: bool, s: &Stmt) -> R<()> {
        let n = self.unit().unwind.len();
        let Some(li) = (0..n).rev().find(|&i| matches!(self.unit().unwind[i], Unwind::Loop { .. })) else {
            let msg = if brk {
                "'break' outside loop"
            } else {
                "'continue' not properly in loop"
            };
            return Err(self.err(msg, s.start, s.end));
        };
        // Unwind the blocks inside the loop, innermost first.
        let mut k = n;
        while k > li + 1 {
            k -= 1;
            self.unwind_one(k, false)?;
        }
        let (start, is_for) = match &self.unit().unwind[li] {
            Unwind::Loop { start, is_for, .. } => (*start, *is_for),
            _ => (0, false),
        };
        if brk {
            if is_for {
                self.emit(Op::Pop);
            }
            let j = self.emit(Op::Jump(0));
            if let Unwind::Loop { breaks, .. } = &mut self.unit().unwind[li] {
                breaks.push(j);
            }
        } else {
            self.emit(Op::Jump(start));
        }
        Ok(())
    }

    /// Emits the exit code of unwind entry `k` (for break/continue/return through it).
    fn unwind_one(&mut self, k: usize, returning: bool) -> R<()> {
        match &self.unit().unwind[k] {
            Unwind::Loop { .. } => {}
            Unwind::Try => {
                self.emit(Op::PopBlock);
            }
            Unwind::Handler(on_stack) => {
                let on_stack = *on_stack;
                self.emit(Op::PopExcept);
                if on_stack {
                    if returning {
                        self.emit(Op::Rot2);
                    }
                    self.emit(Op::Pop);
                }
            }
            Unwind::With => {
                self.emit(Op::PopBlock);
                if returning {
                    self.emit(Op::Rot2);
                }
                self.emit(Op::WithExit);
            }
            Unwind::Finally(body) => {
                let body: &'a [Stmt] = body;
                self.emit(Op::PopBlock);
                // The finally body runs with the entries outside it only.
                let saved: Vec<Unwind<'a>> = self.unit().unwind.drain(k..).collect();
                let r = self.block(body);
                self.unit().unwind.extend(saved);
                r?;
            }
        }
        Ok(())
    }

    fn unwind_for_return(&mut self) -> R<()> {
        let n = self.unit().unwind.len();
        for k in (0..n).rev() {
            self.unwind_one(k, true)?;
        }
        Ok(())
    }

    fn aug_assign(&mut self, t: &'a Expr, op: BinOp, value: &'a Expr) -> R<()> {
        let whole = span_of(t.start, value.end);
        match &t.kind {
            ExprKind::Name(n) => {
                self.expr(t)?;
                self.expr(value)?;
                let s = self.set_span(whole);
                self.emit(Op::Inplace(op));
                self.set_span(s);
                self.var_op(n, 1);
            }
            ExprKind::Attr(obj, name) => {
                self.expr(obj)?;
                self.emit(Op::Dup);
                let i = self.name_idx(name);
                let s = self.set_span(span_of(t.start, t.end));
                self.emit(Op::LoadAttr(i));
                self.set_span(s);
                self.expr(value)?;
                let s = self.set_span(whole);
                self.emit(Op::Inplace(op));
                self.set_span(s);
                self.emit(Op::Rot2);
                self.emit(Op::StoreAttr(i));
            }
            ExprKind::Subscript(obj, idx) => {
                self.expr(obj)?;
                self.expr(idx)?;
                self.emit(Op::Dup2);
                let s = self.set_span(span_of(t.start, t.end));
                self.emit(Op::Subscr);
                self.set_span(s);
                self.expr(value)?;
                let s = self.set_span(whole);
                self.emit(Op::Inplace(op));
                self.set_span(s);
                self.emit(Op::Rot3);
                self.emit(Op::StoreSubscr);
            }
            _ => return Err(self.err("invalid syntax", t.start, t.end)),
        }
        Ok(())
    }

    fn store(&mut self, t: &'a Expr) -> R<()> {
        match &t.kind {
            ExprKind::Name(n) => self.var_op(n, 1),
            ExprKind::Attr(obj, name) => {
                self.expr(obj)?;
                let i = self.name_idx(name);
                let s = self.set_span(span_of(t.start, t.end));
                self.emit(Op::StoreAttr(i));
                self.set_span(s);
            }
            ExprKind::Subscript(obj, idx) => {
                self.expr(obj)?;
                self.expr(idx)?;
                let s = self.set_span(span_of(t.start, t.end));
                self.emit(Op::StoreSubscr);
                self.set_span(s);
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                let star = items.iter().position(|e| matches!(e.kind, ExprKind::Starred(_)));
                let s = self.set_span(span_of(t.start, t.end));
                match star {
                    Some(k) => {
                        if items.iter().filter(|e| matches!(e.kind, ExprKind::Starred(_))).count() > 1 {
                            return Err(self.err(
                                "multiple starred expressions in assignment",
                                t.start,
                                t.end,
                            ));
                        }
                        self.emit(Op::UnpackEx(k as u32, (items.len() - k - 1) as u32));
                    }
                    None => {
                        self.emit(Op::UnpackSeq(items.len() as u32));
                    }
                }
                self.set_span(s);
                for e in items {
                    match &e.kind {
                        ExprKind::Starred(inner) => self.store(inner)?,
                        _ => self.store(e)?,
                    }
                }
            }
            ExprKind::Starred(_) => {
                return Err(self.err(
                    "starred assignment target must be in a list or tuple",
                    t.start,
                    t.end,
                ))
            }
            _ => return Err(self.err("invalid syntax", t.start, t.end)),
        }
        Ok(())
    }

    fn delete(&mut self, t: &'a Expr) -> R<()> {
        let s = self.set_span(span_of(t.start, t.end));
        match &t.kind {
            ExprKind::Name(n) => self.var_op(n, 2),
            ExprKind::Attr(obj, name) => {
                self.expr(obj)?;
                let i = self.name_idx(name);
                self.emit(Op::DelAttr(i));
            }
            ExprKind::Subscript(obj, idx) => {
                self.expr(obj)?;
                self.expr(idx)?;
                self.emit(Op::DelSubscr);
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                for e in items {
                    self.delete(e)?;
                }
            }
            _ => return Err(self.err("cannot delete expression", t.start, t.end)),
        }
        self.set_span(s);
        Ok(())
    }

    fn try_stmt(
        &mut self,
        body: &'a [Stmt],
        handlers: &'a [Handler],
        orelse: &'a [Stmt],
        finalbody: &'a [Stmt],
    ) -> R<()> {
        let fin = if finalbody.is_empty() {
            None
        } else {
            let f = self.emit(Op::SetupFinally(0));
            self.unit().unwind.push(Unwind::Finally(finalbody));
            Some(f)
        };
        if handlers.is_empty() {
            self.block(body)?;
        } else {
            let setup = self.emit(Op::SetupExcept(0));
            self.unit().unwind.push(Unwind::Try);
            self.block(body)?;
            self.unit().unwind.pop();
            self.emit(Op::PopBlock);
            self.block(orelse)?;
            let mut ends = vec![self.emit(Op::Jump(0))];
            self.patch(setup);
            // The exception is on the stack.
            for h in handlers {
                let saved = self.set_span(Span {
                    line: h.line,
                    end_line: h.line,
                    col: u32::MAX,
                    end_col: u32::MAX,
                });
                let next = match &h.typ {
                    Some(t) => {
                        self.expr(t)?;
                        self.emit(Op::ExcMatch);
                        Some(self.emit(Op::PopJumpIfFalse(0)))
                    }
                    None => None,
                };
                match &h.name {
                    Some(n) => self.var_op(n, 1),
                    None => {
                        self.emit(Op::Pop);
                    }
                }
                self.set_span(saved);
                self.unit().unwind.push(Unwind::Handler(false));
                match &h.name {
                    Some(n) => {
                        // try: body finally: del name (as CPython does)
                        let f = self.emit(Op::SetupFinally(0));
                        self.unit().unwind.push(Unwind::Try);
                        self.block(&h.body)?;
                        self.unit().unwind.pop();
                        self.emit(Op::PopBlock);
                        let c = self.konst(Value::None);
                        self.emit(Op::Const(c));
                        self.var_op(n, 1);
                        self.var_op(n, 2);
                        let j = self.emit(Op::Jump(0));
                        self.patch(f);
                        let c = self.konst(Value::None);
                        self.emit(Op::Const(c));
                        self.var_op(n, 1);
                        self.var_op(n, 2);
                        self.emit(Op::Reraise);
                        self.patch(j);
                    }
                    None => self.block(&h.body)?,
                }
                self.unit().unwind.pop();
                self.emit(Op::PopExcept);
                ends.push(self.emit(Op::Jump(0)));
                if let Some(n) = next {
                    self.patch(n);
                }
            }
            self.emit(Op::Reraise);
            for e in ends {
                self.patch(e);
            }
        }
        if let Some(f) = fin {
            self.unit().unwind.pop();
            self.emit(Op::PopBlock);
            self.block(finalbody)?;
            let end = self.emit(Op::Jump(0));
            self.patch(f);
            self.unit().unwind.push(Unwind::Handler(true));
            self.block(finalbody)?;
            self.unit().unwind.pop();
            self.emit(Op::Reraise);
            self.patch(end);
        }
        Ok(())
    }

    fn with(&mut self, items: &'a [(Expr, Option<Expr>)], body: &'a [Stmt], k: usize) -> R<()> {
        let Some((e, target)) = items.get(k) else {
            return self.block(body);
        };
        self.expr(e)?;
        let s = self.set_span(span_of(e.start, e.end));
        self.emit(Op::WithEnter);
        self.set_span(s);
        let setup = self.emit(Op::SetupFinally(0));
        match target {
            Some(t) => self.store(t)?,
            None => {
                self.emit(Op::Pop);
            }
        }
        self.unit().unwind.push(Unwind::With);
        self.with(items, body, k + 1)?;
        self.unit().unwind.pop();
        self.emit(Op::PopBlock);
        let s = self.set_span(span_of(e.start, e.end));
        self.emit(Op::WithExit);
        let end = self.emit(Op::Jump(0));
        self.patch(setup);
        // Stack: manager, exception.
        self.emit(Op::WithExitExc);
        let j = self.emit(Op::PopJumpIfTrue(0));
        self.emit(Op::Reraise);
        self.patch(j);
        self.emit(Op::PopExcept);
        self.emit(Op::Pop);
        self.set_span(s);
        self.patch(end);
        Ok(())
    }

    fn qualname(&self, name: &str) -> Rc<str> {
        let mut parts: Vec<String> = Vec::new();
        for u in self.units.iter().skip(1) {
            match u.kind {
                CodeKind::Class => parts.push(u.name.to_string()),
                _ => parts.push(format!("{}.<locals>", u.name)),
            }
        }
        parts.push(name.to_string());
        Rc::from(parts.join("."))
    }

    /// Compiles a function body and emits MakeFunction (with defaults and closure).
    fn function(&mut self, f: &'a Rc<FuncDef>, s: &Stmt) -> R<()> {
        let _ = s;
        let mut flags = 0;
        let defaults: Vec<&Expr> = f.params.args.iter().filter_map(|(_, d)| d.as_ref()).collect();
        if !defaults.is_empty() {
            for d in &defaults {
                self.expr(d)?;
            }
            self.emit(Op::BuildTuple(defaults.len() as u32));
            flags |= 1;
        }
        let kwd: Vec<(&Rc<str>, &Expr)> = f
            .params
            .kwonly
            .iter()
            .filter_map(|(n, d)| d.as_ref().map(|d| (n, d)))
            .collect();
        if !kwd.is_empty() {
            for (n, d) in &kwd {
                let c = self.konst(Value::Str((*n).clone()));
                self.emit(Op::Const(c));
                self.expr(d)?;
            }
            self.emit(Op::BuildDict(kwd.len() as u32));
            flags |= 2;
        }
        let scope = *self.sym.by_node.get(&(Rc::as_ptr(f) as usize)).unwrap_or(&0);
        if self.sym.scopes[scope].has_yield && !self.allow_yield {
            return Err(self.err(
                "dockling: python: generators are not simulated",
                (f.line, 0),
                (f.line, 0),
            ));
        }
        let kind = if f.is_lambda {
            CodeKind::Lambda
        } else {
            CodeKind::Function
        };
        let qn = self.qualname(&f.name);
        let line = f.decorators.first().map(|d| d.start.0.saturating_sub(0)).unwrap_or(f.line);
        let _ = line;
        self.push_unit(scope, kind, f.name.clone(), qn, f.line);
        // Parameters occupy the first local slots, in order.
        let mut params: Vec<Rc<str>> = f.params.args.iter().map(|(n, _)| n.clone()).collect();
        params.extend(f.params.kwonly.iter().map(|(n, _)| n.clone()));
        if let Some(v) = &f.params.vararg {
            params.push(v.clone());
        }
        if let Some(v) = &f.params.kwarg {
            params.push(v.clone());
        }
        {
            let u = self.unit();
            let rest: Vec<Rc<str>> = u.varnames.iter().filter(|v| !params.contains(v)).cloned().collect();
            u.varnames = params;
            u.varnames.extend(rest);
        }
        self.block(&f.body)?;
        let c = self.konst(Value::None);
        self.emit(Op::Const(c));
        self.emit(Op::Return);
        let code = self.pop_unit(
            f.params.args.len() as u32,
            f.params.posonly,
            f.params.kwonly.len() as u32,
            f.params.vararg.is_some(),
            f.params.kwarg.is_some(),
        );
        self.make_closure(code, flags)
    }

    fn make_closure(&mut self, code: Rc<Code>, mut flags: u32) -> R<()> {
        if !code.freevars.is_empty() {
            let scope = self.unit().scope;
            for fv in code.freevars.clone() {
                let sc = &self.sym.scopes[scope];
                let i = match sc.cells.iter().position(|c| *c == fv) {
                    Some(i) => i,
                    None => sc.cells.len() + sc.frees.iter().position(|c| *c == fv).unwrap_or(0),
                };
                self.emit(Op::LoadClosure(i as u32));
            }
            self.emit(Op::BuildTuple(code.freevars.len() as u32));
            flags |= 4;
        }
        let k = self.konst(Value::Code(code));
        self.emit(Op::MakeFunction(k, flags));
        Ok(())
    }

    fn class(&mut self, c: &'a Rc<ClassDef>, s: &Stmt) -> R<()> {
        let _ = s;
        for d in &c.decorators {
            self.expr(d)?;
        }
        let scope = *self.sym.by_node.get(&(Rc::as_ptr(c) as usize)).unwrap_or(&0);
        let qn = self.qualname(&c.name);
        self.push_unit(scope, CodeKind::Class, c.name.clone(), qn.clone(), c.line);
        // __module__ and __qualname__
        let g = self.name_idx("__name__");
        self.emit(Op::LoadGlobal(g));
        let m = self.name_idx("__module__");
        self.emit(Op::StoreName(m));
        let q = self.konst(Value::Str(qn));
        self.emit(Op::Const(q));
        let qi = self.name_idx("__qualname__");
        self.emit(Op::StoreName(qi));
        self.setup_annotations(&c.body);
        self.block(&c.body)?;
        let none = self.konst(Value::None);
        self.emit(Op::Const(none));
        self.emit(Op::Return);
        let code = self.pop_unit(0, 0, 0, false, false);
        self.make_closure(code, 0)?;
        let n = self.konst(Value::Str(c.name.clone()));
        self.emit(Op::Const(n));
        let mut npos = 0;
        let mut nkw = 0;
        for a in &c.bases {
            if a.name.is_none() && a.star == 0 {
                self.expr(&a.value)?;
                npos += 1;
            }
        }
        self.emit(Op::BuildTuple(npos));
        for a in &c.bases {
            if let Some(n) = &a.name {
                let k = self.konst(Value::Str(n.clone()));
                self.emit(Op::Const(k));
                self.expr(&a.value)?;
                nkw += 1;
            }
        }
        self.emit(Op::BuildDict(nkw));
        let sp = self.set_span(Span {
            line: c.line,
            end_line: c.line,
            col: u32::MAX,
            end_col: u32::MAX,
        });
        self.emit(Op::BuildClass);
        self.set_span(sp);
        for _ in &c.decorators {
            self.emit(Op::Call(1));
        }
        self.var_op(&c.name, 1);
        Ok(())
    }

    // ---------------------------------------------------------------- expressions

    fn expr(&mut self, e: &'a Expr) -> R<()> {
        let saved = self.set_span(span_of(e.start, e.end));
        let r = self.expr_inner(e);
        self.set_span(saved);
        r
    }

    fn expr_inner(&mut self, e: &'a Expr) -> R<()> {
        match &e.kind {
            ExprKind::Name(n) => self.var_op(n, 0),
            ExprKind::Const(c) => {
                let v = match c {
                    Const::None => Value::None,
                    Const::Bool(b) => Value::Bool(*b),
                    Const::Int(i) => Value::Int(*i),
                    Const::Big(s) => match super::bigint::BigInt::parse_radix(s, 10) {
                        Some(b) => Value::Big(Rc::new(b)),
                        None => {
                            return Err(self.err(
                                "dockling: python: integer literal too large",
                                e.start,
                                e.end,
                            ))
                        }
                    },
                    Const::Float(f) => Value::Float(*f),
                    Const::Str(s) => Value::Str(s.clone()),
                    Const::Bytes(b) => Value::Bytes(b.clone()),
                    Const::Ellipsis => Value::Ellipsis,
                };
                let k = self.konst(v);
                self.emit(Op::Const(k));
            }
            ExprKind::FStr(parts) => {
                let n = self.fparts(parts)?;
                if n != 1 {
                    self.emit(Op::BuildString(n));
                }
            }
            ExprKind::List(items) | ExprKind::Tuple(items) | ExprKind::Set(items) => {
                let is_tuple = matches!(e.kind, ExprKind::Tuple(_));
                let is_set = matches!(e.kind, ExprKind::Set(_));
                if items.iter().any(|x| matches!(x.kind, ExprKind::Starred(_))) {
                    if is_set {
                        self.emit(Op::BuildSet(0));
                    } else {
                        self.emit(Op::BuildList(0));
                    }
                    for x in items {
                        match &x.kind {
                            ExprKind::Starred(inner) => {
                                self.expr(inner)?;
                                self.emit(if is_set { Op::SetUpdate(1) } else { Op::ListExtend(1) });
                            }
                            _ => {
                                self.expr(x)?;
                                self.emit(if is_set { Op::SetAdd(1) } else { Op::ListAppend(1) });
                            }
                        }
                    }
                    if is_tuple {
                        self.emit(Op::ListToTuple);
                    }
                } else {
                    for x in items {
                        self.expr(x)?;
                    }
                    let n = items.len() as u32;
                    self.emit(if is_tuple {
                        Op::BuildTuple(n)
                    } else if is_set {
                        Op::BuildSet(n)
                    } else {
                        Op::BuildList(n)
                    });
                }
            }
            ExprKind::Dict(items) => {
                if items.iter().any(|(k, _)| k.is_none()) {
                    self.emit(Op::BuildDict(0));
                    for (k, v) in items {
                        match k {
                            Some(k) => {
                                self.expr(k)?;
                                self.expr(v)?;
                                self.emit(Op::MapAdd(1));
                            }
                            None => {
                                self.expr(v)?;
                                self.emit(Op::DictUpdate(1));
                            }
                        }
                    }
                } else {
                    for (k, v) in items {
                        if let Some(k) = k {
                            self.expr(k)?;
                        }
                        self.expr(v)?;
                    }
                    self.emit(Op::BuildDict(items.len() as u32));
                }
            }
            ExprKind::Bin(a, op, b) => {
                self.expr(a)?;
                self.expr(b)?;
                self.emit(Op::Binary(*op));
            }
            ExprKind::Unary(op, a) => {
                self.expr(a)?;
                self.emit(Op::Unary(*op));
            }
            ExprKind::BoolOp(and, items) => {
                let mut jumps = Vec::new();
                for (i, x) in items.iter().enumerate() {
                    self.expr(x)?;
                    if i + 1 < items.len() {
                        jumps.push(self.emit(if *and {
                            Op::JumpIfFalseOrPop(0)
                        } else {
                            Op::JumpIfTrueOrPop(0)
                        }));
                    }
                }
                for j in jumps {
                    self.patch(j);
                }
            }
            ExprKind::Compare(first, rest) => {
                self.expr(first)?;
                if rest.len() == 1 {
                    self.expr(&rest[0].1)?;
                    self.emit(Op::Compare(rest[0].0));
                } else {
                    let mut cleanups = Vec::new();
                    for (i, (op, x)) in rest.iter().enumerate() {
                        self.expr(x)?;
                        if i + 1 < rest.len() {
                            self.emit(Op::Dup);
                            self.emit(Op::Rot3);
                            self.emit(Op::Compare(*op));
                            cleanups.push(self.emit(Op::JumpIfFalseOrPop(0)));
                        } else {
                            self.emit(Op::Compare(*op));
                        }
                    }
                    let end = self.emit(Op::Jump(0));
                    for c in cleanups {
                        self.patch(c);
                    }
                    self.emit(Op::Rot2);
                    self.emit(Op::Pop);
                    self.patch(end);
                }
            }
            ExprKind::Call(func, args) => self.call(e, func, args)?,
            ExprKind::Attr(obj, name) => {
                self.expr(obj)?;
                let i = self.name_idx(name);
                self.emit(Op::LoadAttr(i));
            }
            ExprKind::Subscript(obj, idx) => {
                self.expr(obj)?;
                self.expr(idx)?;
                self.emit(Op::Subscr);
            }
            ExprKind::Slice(a, b, c) => {
                for x in [a, b] {
                    match x {
                        Some(x) => self.expr(x)?,
                        None => {
                            let k = self.konst(Value::None);
                            self.emit(Op::Const(k));
                        }
                    }
                }
                match c {
                    Some(x) => {
                        self.expr(x)?;
                        self.emit(Op::BuildSlice(3));
                    }
                    None => {
                        self.emit(Op::BuildSlice(2));
                    }
                }
            }
            ExprKind::Starred(_) => {
                return Err(self.err("can't use starred expression here", e.start, e.end))
            }
            ExprKind::IfExp(test, body, orelse) => {
                self.expr(test)?;
                let j = self.emit(Op::PopJumpIfFalse(0));
                self.expr(body)?;
                let end = self.emit(Op::Jump(0));
                self.patch(j);
                self.expr(orelse)?;
                self.patch(end);
            }
            ExprKind::Lambda(f) => {
                let st = Stmt {
                    kind: StmtKind::Pass,
                    start: e.start,
                    end: e.end,
                };
                self.function(f, &st)?;
            }
            ExprKind::Comp(kind, elt, val, gens) => self.comprehension(e, *kind, elt, val.as_deref(), gens)?,
            ExprKind::Walrus(n, v) => {
                self.expr(v)?;
                self.emit(Op::Dup);
                self.var_op(n, 1);
            }
            ExprKind::Yield(v) => {
                if !matches!(self.unit().kind, CodeKind::Function | CodeKind::Lambda) {
                    return Err(self.err("'yield' outside function", e.start, e.end));
                }
                match v {
                    Some(v) => self.expr(v)?,
                    None => {
                        let k = self.konst(Value::None);
                        self.emit(Op::Const(k));
                    }
                }
                self.emit(Op::Yield);
            }
            ExprKind::Await(_) => {
                return Err(self.err("dockling: python: await is not simulated", e.start, e.end))
            }
        }
        Ok(())
    }

    /// Pushes the pieces of an f-string; returns how many strings were pushed.
    fn fparts(&mut self, parts: &'a [FPart]) -> R<u32> {
        let mut n = 0;
        for p in parts {
            match p {
                FPart::Lit(s) => {
                    let k = self.konst(Value::str(s));
                    self.emit(Op::Const(k));
                }
                FPart::Expr {
                    expr,
                    conv,
                    spec,
                    debug,
                } => {
                    if let Some(d) = debug {
                        let k = self.konst(Value::str(d));
                        self.emit(Op::Const(k));
                        n += 1;
                    }
                    self.expr(expr)?;
                    let mut flags = match conv {
                        Some('s') => 1,
                        Some('r') => 2,
                        Some('a') => 3,
                        _ => 0,
                    };
                    if !spec.is_empty() {
                        let m = self.fparts(spec)?;
                        if m != 1 {
                            self.emit(Op::BuildString(m));
                        }
                        flags |= 4;
                        if debug.is_some() && conv == &Some('r') && flags & 3 == 2 {
                            // `{x=:spec}` formats with the spec, not repr.
                            flags &= !3;
                        }
                    }
                    self.emit(Op::FormatValue(flags));
                }
            }
            n += 1;
        }
        if n == 0 {
            let k = self.konst(Value::str(""));
            self.emit(Op::Const(k));
            n = 1;
        }
        Ok(n)
    }

    fn call(&mut self, e: &'a Expr, func: &'a Expr, args: &'a [Arg]) -> R<()> {
        let has_star = args.iter().any(|a| a.star > 0);
        let kw: Vec<&Arg> = args.iter().filter(|a| a.name.is_some()).collect();
        if let (ExprKind::Attr(obj, name), false, true) = (&func.kind, has_star, kw.is_empty()) {
            self.expr(obj)?;
            let i = self.name_idx(name);
            let s = self.set_span(span_of(func.start, func.end));
            self.emit(Op::LoadMethod(i));
            self.set_span(s);
            for a in args {
                self.expr(&a.value)?;
            }
            let s = self.set_span(span_of(e.start, e.end));
            self.emit(Op::CallMethod(args.len() as u32));
            self.set_span(s);
            return Ok(());
        }
        self.expr(func)?;
        if has_star {
            self.emit(Op::BuildList(0));
            for a in args.iter().filter(|a| a.name.is_none() && a.star < 2) {
                self.expr(&a.value)?;
                self.emit(if a.star == 1 { Op::ListExtend(1) } else { Op::ListAppend(1) });
            }
            self.emit(Op::ListToTuple);
            let kwargs: Vec<&Arg> = args.iter().filter(|a| a.name.is_some() || a.star == 2).collect();
            let flag = if kwargs.is_empty() {
                0
            } else {
                self.emit(Op::BuildDict(0));
                for a in kwargs {
                    match &a.name {
                        Some(n) => {
                            let k = self.konst(Value::Str(n.clone()));
                            self.emit(Op::Const(k));
                            self.expr(&a.value)?;
                            self.emit(Op::MapAdd(1));
                        }
                        None => {
                            self.expr(&a.value)?;
                            self.emit(Op::DictUpdate(1));
                        }
                    }
                }
                1
            };
            let s = self.set_span(span_of(e.start, e.end));
            self.emit(Op::CallEx(flag));
            self.set_span(s);
            return Ok(());
        }
        for a in args.iter().filter(|a| a.name.is_none()) {
            self.expr(&a.value)?;
        }
        for a in &kw {
            self.expr(&a.value)?;
        }
        let npos = (args.len() - kw.len()) as u32;
        let s = self.set_span(span_of(e.start, e.end));
        if kw.is_empty() {
            self.emit(Op::Call(npos));
        } else {
            let names: Vec<Rc<str>> = kw.iter().filter_map(|a| a.name.clone()).collect();
            let u = self.unit();
            u.kwnames.push(names);
            let idx = (u.kwnames.len() - 1) as u32;
            self.emit(Op::CallKw(npos, idx));
        }
        self.set_span(s);
        Ok(())
    }

    fn comprehension(
        &mut self,
        e: &'a Expr,
        kind: CompKind,
        elt: &'a Expr,
        val: Option<&'a Expr>,
        gens: &'a [CompFor],
    ) -> R<()> {
        let scope = *self.sym.by_node.get(&addr(e)).unwrap_or(&0);
        let name = match kind {
            CompKind::List => "<listcomp>",
            CompKind::Set => "<setcomp>",
            CompKind::Dict => "<dictcomp>",
            CompKind::Gen => "<genexpr>",
        };
        let qn = self.qualname(name);
        self.push_unit(scope, CodeKind::Comprehension, Rc::from(name), qn, e.start.0);
        {
            let u = self.unit();
            let dot0: Rc<str> = Rc::from(".0");
            u.varnames.retain(|v| *v != dot0);
            u.varnames.insert(0, dot0);
        }
        match kind {
            CompKind::Dict => self.emit(Op::BuildDict(0)),
            CompKind::Set => self.emit(Op::BuildSet(0)),
            _ => self.emit(Op::BuildList(0)),
        };
        self.comp_loop(kind, elt, val, gens, 0)?;
        if kind == CompKind::Gen {
            self.emit(Op::GetIter);
        }
        self.emit(Op::Return);
        let code = self.pop_unit(1, 0, 0, false, false);
        self.make_closure(code, 0)?;
        if let Some(g0) = gens.first() {
            self.expr(&g0.iter)?;
        }
        self.emit(Op::GetIter);
        self.emit(Op::Call(1));
        Ok(())
    }

    fn comp_loop(
        &mut self,
        kind: CompKind,
        elt: &'a Expr,
        val: Option<&'a Expr>,
        gens: &'a [CompFor],
        k: usize,
    ) -> R<()> {
        let Some(g) = gens.get(k) else {
            let depth = k as u32 + 1;
            match (kind, val) {
                (CompKind::Dict, Some(v)) => {
                    self.expr(elt)?;
                    self.expr(v)?;
                    self.emit(Op::MapAdd(depth));
                }
                (CompKind::Set, _) => {
                    self.expr(elt)?;
                    self.emit(Op::SetAdd(depth));
                }
                _ => {
                    self.expr(elt)?;
                    self.emit(Op::ListAppend(depth));
                }
            }
            return Ok(());
        };
        if k == 0 {
            self.emit(Op::LoadFast(0));
        } else {
            self.expr(&g.iter)?;
            self.emit(Op::GetIter);
        }
        let start = self.here();
        let exit = self.emit(Op::ForIter(0));
        self.store(&g.target)?;
        let mut skips = Vec::new();
        for c in &g.ifs {
            self.expr(c)?;
            skips.push(self.emit(Op::PopJumpIfFalse(0)));
        }
        self.comp_loop(kind, elt, val, gens, k + 1)?;
        for s in skips {
            let u = self.unit();
            u.ops[s] = Op::PopJumpIfFalse(start);
        }
        self.emit(Op::Jump(start));
        self.patch(exit);
        Ok(())
    }
}

/// An empty module code object (for scratch frames).
pub fn empty_code() -> Rc<Code> {
    Rc::new(Code {
        name: Rc::from("<module>"),
        qualname: Rc::from("<module>"),
        filename: Rc::from("<dockling>"),
        kind: CodeKind::Module,
        ops: vec![Op::Const(0), Op::Return],
        spans: vec![Span::default(); 2],
        consts: vec![Value::None],
        names: Vec::new(),
        kwnames: Vec::new(),
        varnames: Vec::new(),
        cellvars: Vec::new(),
        freevars: Vec::new(),
        cell_args: Vec::new(),
        argcount: 0,
        posonly: 0,
        kwonly: 0,
        varargs: false,
        varkw: false,
        firstline: 1,
        is_generator: false,
        hidden: true,
    })
}

//! AST → bytecode. Resolves every name at compile time: function-local slots for bindings no
//! closure sees, heap cells for captured ones (fresh per block entry and per loop iteration, so
//! closures in loops see their own `let`), the global object for the rest.

use std::collections::HashSet;
use std::rc::Rc;

use super::ast::*;
use super::code::{Code, Op, Script};
use super::parse::{pat_names, SyntaxError};
use super::value::Str;

type R<T> = Result<T, SyntaxError>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BKind {
    Var,
    Let,
    Const,
    /// Function declarations, parameters, catch parameters, pseudo-variables.
    Plain,
    /// A class declaration's binding (let-like).
    Class,
    /// The name of a function expression inside it (assignment is ignored).
    FnName,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Loc {
    Local(u16),
    Cell(u16),
}

#[derive(Clone, Debug)]
struct Binding {
    name: Name,
    loc: Loc,
    kind: BKind,
}

#[derive(Debug, Default)]
struct Scope {
    bindings: Vec<Binding>,
    is_function: bool,
}

#[derive(Debug)]
enum Ctl<'a> {
    Loop {
        labels: Vec<Name>,
        breaks: Vec<usize>,
        continues: Vec<usize>,
        stack: u8,
    },
    Switch {
        labels: Vec<Name>,
        breaks: Vec<usize>,
    },
    Label {
        label: Name,
        breaks: Vec<usize>,
    },
    Try {
        finally: Option<&'a [Stmt]>,
    },
}

#[derive(Debug)]
struct FnState<'a> {
    ops: Vec<Op>,
    pos: Vec<u32>,
    callees: Vec<Str>,
    children: Vec<Rc<Code>>,
    scopes: Vec<Scope>,
    captured: HashSet<Name>,
    /// (name, index in this function's cells, index in parent's cells)
    captures: Vec<(Name, u16, u16)>,
    n_locals: u16,
    n_cells: u16,
    local_names: Vec<Str>,
    cell_names: Vec<Str>,
    ctl: Vec<Ctl<'a>>,
    cur_pos: u32,
    kind: FnKind,
    is_async: bool,
    uses_args: bool,
    /// Pending label set for the next loop.
    pending_labels: Vec<Name>,
    /// Optional-chain exits being compiled.
    chains: Vec<Vec<usize>>,
    derived_ctor: bool,
    /// V8 records no position for identifier loads: inside statement-level expressions a
    /// ReferenceError points at the statement (`return`, `if`…), elsewhere (arguments,
    /// initialisers, literals) at the identifier.
    id_pos: Option<u32>,
}

/// How a compile unit is wrapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// CommonJS: `(exports, require, module, __filename, __dirname)`.
    CommonJs,
    /// An ES module: `(%exports)`, strict, async when it awaits at the top level.
    Module,
    /// `node -e`/`-p` input: like CommonJS, the value of the last expression returned.
    Eval,
    /// A REPL input: like `Eval`, and its top-level declarations are globals.
    Repl,
}

pub struct Compiler<'a> {
    fns: Vec<FnState<'a>>,
    script: Rc<Script>,
    unit: Unit,
}

impl std::fmt::Debug for Compiler<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Compiler")
    }
}

const MAX_SLOTS: u32 = 60_000;

/// The wrapper function a program's body is compiled as.
pub fn wrapper(body: Vec<Stmt>, unit: Unit, top_await: bool) -> Func {
    let params: Vec<Pat> = match unit {
        Unit::CommonJs | Unit::Eval | Unit::Repl => ["exports", "require", "module", "__filename", "__dirname"]
            .iter()
            .map(|n| Pat::Id((*n).into(), 0))
            .collect(),
        Unit::Module => vec![Pat::Id("%exports".into(), 0)],
    };
    Func {
        name: "".into(),
        kind: FnKind::Module,
        is_async: top_await,
        is_gen: false,
        params,
        rest: None,
        body,
        pos: 0,
        src: (0, 0),
        strict: unit == Unit::Module,
        length: 0,
    }
}

/// Compiles a program's wrapper function (see `wrapper`).
pub fn compile_program(f: &Func, script: Rc<Script>, unit: Unit) -> R<Rc<Code>> {
    let mut c = Compiler {
        fns: Vec::new(),
        script,
        unit,
    };
    c.function(f, None)
}

impl<'a> Compiler<'a> {
    fn f(&mut self) -> &mut FnState<'a> {
        let n = self.fns.len() - 1;
        &mut self.fns[n]
    }

    fn emit(&mut self, op: Op) -> usize {
        let f = self.f();
        let p = f.cur_pos;
        f.ops.push(op);
        f.pos.push(p);
        f.ops.len() - 1
    }

    fn emit_at(&mut self, op: Op, pos: u32) -> usize {
        let f = self.f();
        f.ops.push(op);
        f.pos.push(pos);
        f.ops.len() - 1
    }

    fn here(&mut self) -> usize {
        self.f().ops.len()
    }

    fn patch(&mut self, at: usize, target: usize) {
        let t = target as u32;
        if let Some(op) = self.f().ops.get_mut(at) {
            match op {
                Op::Jmp(x) | Op::Jf(x) | Op::Jt(x) | Op::JfKeep(x) | Op::JtKeep(x) | Op::JnnKeep(x) | Op::Try(x) | Op::IterNext(x) | Op::AsyncIterNext(x) | Op::IterResult(x) | Op::DelegateResult(x) => *x = t,
                Op::JNullish(x, _) => *x = t,
                _ => {}
            }
        }
    }

    fn patch_here(&mut self, at: usize) {
        let h = self.here();
        self.patch(at, h);
    }

    fn err(&self, msg: &str, pos: u32, len: u32) -> SyntaxError {
        SyntaxError {
            msg: msg.to_string(),
            start: pos,
            end: pos + len.max(1),
        }
    }

    fn callee_idx(&mut self, s: String) -> u16 {
        let f = self.f();
        if let Some(i) = f.callees.iter().position(|c| &**c == s) {
            return i as u16;
        }
        f.callees.push(s.into());
        (f.callees.len() - 1) as u16
    }

    // ---- bindings ----

    fn new_local(&mut self, name: &Name) -> R<u16> {
        let f = self.f();
        if f.n_locals as u32 >= MAX_SLOTS {
            return Err(SyntaxError { msg: "dockling: node: too many variables in one function".into(), start: 0, end: 1 });
        }
        f.n_locals += 1;
        f.local_names.push(name.clone());
        Ok(f.n_locals - 1)
    }

    fn new_cell(&mut self, name: &Name) -> R<u16> {
        let f = self.f();
        if f.n_cells as u32 >= MAX_SLOTS {
            return Err(SyntaxError { msg: "dockling: node: too many variables in one function".into(), start: 0, end: 1 });
        }
        f.n_cells += 1;
        f.cell_names.push(name.clone());
        Ok(f.n_cells - 1)
    }

    /// Declares a binding in the innermost scope (or the function scope for `var`).
    fn declare(&mut self, name: &Name, kind: BKind, pos: u32) -> R<Loc> {
        let captured = self.f().captured.contains(name);
        let f_idx = self.fns.len() - 1;
        let scope_idx = if kind == BKind::Var {
            self.fns[f_idx].scopes.iter().rposition(|s| s.is_function).unwrap_or(0)
        } else {
            self.fns[f_idx].scopes.len() - 1
        };
        // Redeclaration checks.
        {
            let f = &self.fns[f_idx];
            if let Some(b) = f.scopes[scope_idx].bindings.iter().find(|b| &b.name == name) {
                let lexical = |k: BKind| matches!(k, BKind::Let | BKind::Const | BKind::Class);
                if lexical(kind) || lexical(b.kind) {
                    return Err(self.err(&format!("Identifier '{name}' has already been declared"), pos, name.len() as u32));
                }
                return Ok(b.loc);
            }
            if kind == BKind::Var {
                // A `var` may not hoist over a lexical binding of an enclosing block.
                for s in &f.scopes[scope_idx + 1..] {
                    if s.bindings.iter().any(|b| &b.name == name && matches!(b.kind, BKind::Let | BKind::Const | BKind::Class)) {
                        return Err(self.err(&format!("Identifier '{name}' has already been declared"), pos, name.len() as u32));
                    }
                }
            }
        }
        let loc = if captured { Loc::Cell(self.new_cell(name)?) } else { Loc::Local(self.new_local(name)?) };
        self.fns[f_idx].scopes[scope_idx].bindings.push(Binding {
            name: name.clone(),
            loc,
            kind,
        });
        Ok(loc)
    }

    /// Finds a binding: (location in the current function, kind) or None for a global.
    fn resolve(&mut self, name: &str) -> Option<(Loc, BKind)> {
        let top = self.fns.len() - 1;
        let mut found: Option<(usize, Loc, BKind)> = None;
        // `this` and friends belong to the nearest non-arrow function.
        let pseudo = matches!(name, "this" | "%home" | "%nt" | "arguments");
        'outer: for fi in (0..=top).rev() {
            for s in self.fns[fi].scopes.iter().rev() {
                if let Some(b) = s.bindings.iter().rev().find(|b| &*b.name == name) {
                    found = Some((fi, b.loc, b.kind));
                    break 'outer;
                }
            }
            if pseudo && self.fns[fi].kind != FnKind::Arrow {
                return None;
            }
        }
        let (fi, loc, kind) = found?;
        if fi == top {
            return Some((loc, kind));
        }
        // Captured from an enclosing function: thread through each function in between.
        let Loc::Cell(mut idx) = loc else {
            // Should not happen (capture analysis is conservative); treat as global.
            return None;
        };
        for g in fi + 1..=top {
            let key: Name = name.into();
            let existing = self.fns[g].captures.iter().find(|(n, _, p)| *n == key && *p == idx).map(|c| c.1);
            idx = match existing {
                Some(i) => i,
                None => {
                    let f = &mut self.fns[g];
                    f.n_cells += 1;
                    f.cell_names.push(key.clone());
                    let my = f.n_cells - 1;
                    f.captures.push((key, my, idx));
                    my
                }
            };
        }
        Some((Loc::Cell(idx), kind))
    }

    fn load_name(&mut self, name: &Name, pos: u32) -> R<()> {
        let pos = self.f().id_pos.unwrap_or(pos);
        match self.resolve(name) {
            Some((loc, kind)) => {
                let chk = matches!(kind, BKind::Let | BKind::Const | BKind::Class);
                let op = match (loc, chk) {
                    (Loc::Local(i), false) => Op::Local(i),
                    (Loc::Local(i), true) => Op::LocalChk(i),
                    (Loc::Cell(i), false) => Op::Cell(i),
                    (Loc::Cell(i), true) => Op::CellChk(i),
                };
                self.emit_at(op, pos);
            }
            None => {
                if &**name == "undefined" {
                    self.emit_at(Op::Undef, pos);
                } else {
                    self.emit_at(Op::Global(name.clone()), pos);
                }
            }
        }
        Ok(())
    }

    /// Stores the top of the stack into a name; `keep` leaves the value on the stack.
    fn store_name(&mut self, name: &Name, pos: u32, keep: bool) -> R<()> {
        match self.resolve(name) {
            Some((loc, kind)) => {
                if kind == BKind::Const {
                    match loc {
                        Loc::Local(i) => self.emit_at(Op::ChkLocal(i), pos),
                        Loc::Cell(i) => self.emit_at(Op::ChkCell(i), pos),
                    };
                    self.emit_at(Op::ConstAssign, pos);
                    return Ok(());
                }
                if kind == BKind::FnName {
                    if !keep {
                        self.emit(Op::Pop);
                    }
                    return Ok(());
                }
                if matches!(kind, BKind::Let | BKind::Class) {
                    match loc {
                        Loc::Local(i) => self.emit_at(Op::ChkLocal(i), pos),
                        Loc::Cell(i) => self.emit_at(Op::ChkCell(i), pos),
                    };
                }
                let op = match (loc, keep) {
                    (Loc::Local(i), true) => Op::SetLocal(i),
                    (Loc::Local(i), false) => Op::PutLocal(i),
                    (Loc::Cell(i), true) => Op::SetCell(i),
                    (Loc::Cell(i), false) => Op::PutCell(i),
                };
                self.emit_at(op, pos);
            }
            None => {
                self.emit_at(Op::SetGlobal(name.clone()), pos);
                if !keep {
                    self.emit(Op::Pop);
                }
            }
        }
        Ok(())
    }

    /// Initialises a freshly declared binding from the top of the stack (pops).
    fn init_loc(&mut self, loc: Loc) {
        match loc {
            Loc::Local(i) => self.emit(Op::PutLocal(i)),
            Loc::Cell(i) => self.emit(Op::PutCell(i)),
        };
    }

    fn push_scope(&mut self, is_function: bool) {
        self.f().scopes.push(Scope {
            bindings: Vec::new(),
            is_function,
        });
    }

    fn pop_scope(&mut self) {
        self.f().scopes.pop();
    }

    /// A REPL input's top-level declarations are properties of the global object.
    fn repl_global(&self, kind: BKind) -> bool {
        self.unit == Unit::Repl && self.fns.len() == 1 && (kind == BKind::Var || self.fns[0].scopes.len() <= 1)
    }

    /// Declares the lexical bindings of a statement list (TDZ) and hoists its functions.
    fn declare_block(&mut self, body: &'a [Stmt]) -> R<()> {
        if self.repl_global(BKind::Let) {
            for s in body {
                if let S::Func(f) = &s.k {
                    self.closure(f)?;
                    self.emit(Op::SetGlobal(f.name.clone()));
                    self.emit(Op::Pop);
                }
            }
            return Ok(());
        }
        let mut funcs = Vec::new();
        for s in body {
            self.declare_lexical(s, &mut funcs)?;
        }
        for (f, loc) in funcs {
            self.closure(f)?;
            self.init_loc(loc);
        }
        Ok(())
    }

    fn declare_lexical(&mut self, s: &'a Stmt, funcs: &mut Vec<(&'a Rc<Func>, Loc)>) -> R<()> {
        match &s.k {
            S::Var(kind, decls) if *kind != VarKind::Var => {
                let bk = if *kind == VarKind::Let { BKind::Let } else { BKind::Const };
                for (p, _) in decls {
                    let mut names = Vec::new();
                    pat_names(p, &mut names);
                    for n in names {
                        let pos = pat_pos(p, &n);
                        let loc = self.declare(&n, bk, pos)?;
                        self.tdz(loc);
                    }
                }
            }
            S::Class(c) => {
                if let Some(n) = &c.name {
                    let loc = self.declare(n, BKind::Class, c.pos)?;
                    self.tdz(loc);
                }
            }
            S::Func(f) => {
                let loc = self.declare(&f.name, BKind::Plain, f.pos)?;
                funcs.push((f, loc));
            }
            S::Export(Some(d), _) => self.declare_lexical(d, funcs)?,
            S::Labeled(_, inner) => {
                if let S::Func(_) = inner.k {
                    self.declare_lexical(inner, funcs)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn tdz(&mut self, loc: Loc) {
        match loc {
            Loc::Local(i) => {
                self.emit(Op::Empty);
                self.emit(Op::PutLocal(i));
            }
            Loc::Cell(i) => {
                self.emit(Op::NewCell(i));
            }
        }
    }

    // ---- functions ----

    fn closure(&mut self, f: &'a Rc<Func>) -> R<()> {
        let code = self.function(f, None)?;
        let fs = self.f();
        fs.children.push(code);
        let idx = (fs.children.len() - 1) as u16;
        self.emit_at(Op::Closure(idx), f.pos);
        Ok(())
    }

    /// Compiles a function (or the program wrapper) into `Code`.
    fn function(&mut self, func: &'a Func, class_fields: Option<&'a [ClassMember]>) -> R<Rc<Code>> {
        if self.fns.len() > 200 {
            return Err(self.err("Maximum call stack size exceeded", func.pos, 1));
        }
        let mut captured = HashSet::new();
        let mut w = Walker { out: &mut captured, nested: 0, this_visible: true };
        for p in &func.params {
            w.pat(p);
        }
        if let Some(r) = &func.rest {
            w.pat(r);
        }
        w.stmts(&func.body);
        if let Some(members) = class_fields {
            // Field initialisers run as a method of the instance.
            w.nested += 1;
            w.this_visible = false;
            for m in members {
                if let MemberKind::Field(Some(e)) = &m.kind {
                    w.expr(e);
                }
            }
        }
        let derived = matches!(func.kind, FnKind::Ctor { derived: true });
        self.fns.push(FnState {
            ops: Vec::new(),
            pos: Vec::new(),
            callees: Vec::new(),
            children: Vec::new(),
            scopes: Vec::new(),
            captured,
            captures: Vec::new(),
            n_locals: 0,
            n_cells: 0,
            local_names: Vec::new(),
            cell_names: Vec::new(),
            ctl: Vec::new(),
            cur_pos: func.pos,
            kind: func.kind,
            is_async: func.is_async,
            uses_args: false,
            pending_labels: Vec::new(),
            chains: Vec::new(),
            derived_ctor: derived,
            id_pos: None,
        });
        let r = self.function_body(func);
        let st = self.fns.pop();
        r?;
        let Some(st) = st else { return Err(self.err("internal", 0, 1)) };
        let mut caps = st.captures.clone();
        caps.sort_by_key(|c| c.1);
        let name = func.name.clone();
        Ok(Rc::new(Code {
            name,
            kind: func.kind,
            is_async: func.is_async,
            is_gen: func.is_gen,
            strict: func.strict,
            ops: st.ops,
            pos: st.pos,
            n_locals: st.n_locals,
            n_cells: st.n_cells,
            captures: caps.iter().map(|(_, my, parent)| (*my, *parent)).collect(),
            children: st.children,
            callees: st.callees,
            script: self.script.clone(),
            src: func.src,
            length: func.length,
            def_pos: func.pos,
            local_names: st.local_names,
            cell_names: st.cell_names,
        }))
    }

    fn function_body(&mut self, func: &'a Func) -> R<()> {
        self.push_scope(true);
        // Pseudo-variables of non-arrow functions.
        if func.kind != FnKind::Arrow {
            for pseudo in ["this", "%home", "%nt"] {
                let n: Name = pseudo.into();
                if self.f().captured.contains(&n) {
                    let loc = self.declare(&n, BKind::Plain, 0)?;
                    match pseudo {
                        "this" => {
                            if self.f().derived_ctor {
                                self.emit(Op::Empty);
                            } else {
                                self.emit(Op::This);
                            }
                        }
                        "%home" => {
                            self.emit(Op::Home);
                        }
                        _ => {
                            self.emit(Op::NewTarget);
                        }
                    }
                    self.init_loc(loc);
                }
            }
            if self.f().captured.contains("arguments") && !func.params.iter().any(|p| matches!(p, Pat::Id(n, _) if &**n == "arguments")) && func.kind != FnKind::Module {
                let n: Name = "arguments".into();
                let loc = self.declare(&n, BKind::Plain, 0)?;
                self.f().uses_args = true;
                self.emit(Op::Arguments);
                self.init_loc(loc);
            }
        }
        // A named function expression sees its own name.
        if func.kind == FnKind::Normal && !func.name.is_empty() {
            let n = func.name.clone();
            let shadowed = func.params.iter().any(|p| {
                let mut v = Vec::new();
                pat_names(p, &mut v);
                v.contains(&n)
            });
            if !shadowed {
                let loc = self.declare(&n, BKind::FnName, func.pos)?;
                self.emit(Op::Callee);
                self.init_loc(loc);
            }
        }
        // Parameters.
        for (i, p) in func.params.iter().enumerate() {
            self.f().cur_pos = func.pos;
            self.emit(Op::Arg(i as u16));
            self.bind_pattern(p, Some(BKind::Plain))?;
        }
        if let Some(r) = &func.rest {
            self.f().uses_args = true;
            self.emit(Op::RestArgs(func.params.len() as u16));
            self.bind_pattern(r, Some(BKind::Plain))?;
        }
        // Hoisted `var`s.
        let mut vars = Vec::new();
        collect_vars(&func.body, &mut vars);
        for (n, pos) in vars {
            if self.repl_global(BKind::Var) {
                continue;
            }
            let exists = self.f().scopes.last().is_some_and(|s| s.bindings.iter().any(|b| b.name == n));
            if exists {
                continue;
            }
            let loc = self.declare(&n, BKind::Var, pos)?;
            if let Loc::Cell(_) = loc {
                self.emit(Op::Undef);
                self.init_loc(loc);
            }
        }
        // Imports (ES modules) are bound before anything runs.
        if self.unit == Unit::Module && func.kind == FnKind::Module {
            self.module_imports(&func.body)?;
        }
        self.declare_block(&func.body)?;
        if self.unit == Unit::Module && func.kind == FnKind::Module {
            self.hoisted_exports(&func.body)?;
        }
        if matches!(func.kind, FnKind::Ctor { derived: false }) {
            self.emit(Op::InitFields);
        }
        let is_eval = matches!(self.unit, Unit::Eval | Unit::Repl) && func.kind == FnKind::Module;
        let n = func.body.len();
        for (i, s) in func.body.iter().enumerate() {
            if is_eval && i + 1 == n {
                if let S::Expr(e) = &s.k {
                    self.f().cur_pos = s.pos;
                    self.expr(e)?;
                    self.emit(Op::Return);
                    continue;
                }
            }
            self.stmt(s)?;
        }
        // Implicit return.
        if matches!(func.kind, FnKind::Ctor { derived: true }) {
            self.emit(Op::ThisChk);
        } else {
            self.emit(Op::Undef);
        }
        self.emit(Op::Return);
        self.pop_scope();
        Ok(())
    }

    fn module_imports(&mut self, body: &'a [Stmt]) -> R<()> {
        for s in body {
            if let S::Import(m, def, ns, named) = &s.k {
                self.f().cur_pos = s.pos;
                self.emit(Op::Str(m.clone()));
                self.emit(Op::Import);
                if let Some(d) = def {
                    self.emit(Op::Dup);
                    self.emit(Op::GetProp("default".into()));
                    let loc = self.declare(d, BKind::Const, s.pos)?;
                    self.init_loc(loc);
                }
                if let Some(n) = ns {
                    self.emit(Op::Dup);
                    let loc = self.declare(n, BKind::Const, s.pos)?;
                    self.init_loc(loc);
                }
                for (imported, local) in named {
                    self.emit(Op::Dup);
                    self.emit(Op::GetProp(imported.clone()));
                    let loc = self.declare(local, BKind::Const, s.pos)?;
                    self.init_loc(loc);
                }
                self.emit(Op::Pop);
            }
        }
        Ok(())
    }

    /// `export function f` is visible to importers before the module body runs.
    fn hoisted_exports(&mut self, body: &'a [Stmt]) -> R<()> {
        for s in body {
            if let S::Export(Some(d), names) = &s.k {
                if let S::Func(_) = d.k {
                    for (local, exported) in names {
                        self.export_binding(local, exported)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn export_binding(&mut self, local: &Name, exported: &Name) -> R<()> {
        self.load_name(&"%exports".into(), 0)?;
        self.load_name(local, 0)?;
        self.emit(Op::DefProp(exported.clone()));
        self.emit(Op::Pop);
        Ok(())
    }

    // ---- patterns ----

    /// Binds the value on top of the stack (consumed) to a pattern: declaring (`Some(kind)`)
    /// or assigning (`None`).
    fn bind_pattern(&mut self, p: &'a Pat, decl: Option<BKind>) -> R<()> {
        match p {
            Pat::Id(n, pos) => match decl {
                Some(kind) if self.repl_global(kind) && kind != BKind::Plain => {
                    self.emit_at(Op::SetGlobal(n.clone()), *pos);
                    self.emit(Op::Pop);
                }
                Some(kind) => {
                    let loc = self.find_or_declare(n, kind, *pos)?;
                    self.init_loc(loc);
                }
                None => self.store_name(n, *pos, false)?,
            },
            Pat::Def(target, default) => {
                self.emit(Op::Dup);
                self.emit(Op::Undef);
                self.emit(Op::SEq);
                let j = self.emit(Op::Jf(0));
                self.emit(Op::Pop);
                self.expr(default)?;
                if let Pat::Id(n, _) = &**target {
                    self.name_anon(default, n);
                }
                self.patch_here(j);
                self.bind_pattern(target, decl)?;
            }
            Pat::Obj(props, rest) => {
                let first = props.first().and_then(|(k, _)| match k {
                    PropKey::Name(n) => Some(n.clone()),
                    _ => None,
                });
                let first_pos = props.first().map(|(_, t)| first_pat_pos(t)).unwrap_or(self.f().cur_pos);
                self.emit_at(Op::ChkDestruct(first.unwrap_or_else(|| "".into())), first_pos);
                let mut excluded: Vec<Str> = Vec::new();
                for (k, target) in props {
                    self.emit(Op::Dup);
                    match k {
                        PropKey::Name(n) => {
                            excluded.push(n.clone());
                            self.emit(Op::GetProp(n.clone()));
                        }
                        PropKey::Private(n) => {
                            self.emit(Op::GetProp(format!("#{n}").into()));
                        }
                        PropKey::Computed(e) => {
                            self.expr(e)?;
                            self.emit(Op::GetElem);
                        }
                    }
                    self.bind_pattern(target, decl)?;
                }
                if let Some(r) = rest {
                    self.emit(Op::Dup);
                    self.emit(Op::ObjRest(excluded.into()));
                    self.bind_pattern(r, decl)?;
                }
                self.emit(Op::Pop);
            }
            Pat::Arr(elems, rest) => {
                // Without a rest element only the first values are taken (then the iterator
                // is closed), so infinite generators can be destructured.
                self.emit(if rest.is_some() { Op::IterToArray } else { Op::IterTake(elems.len().min(60_000) as u16) });
                for (i, e) in elems.iter().enumerate() {
                    let Some(target) = e else { continue };
                    self.emit(Op::Dup);
                    self.emit(Op::Num(i as f64));
                    self.emit(Op::GetElem);
                    self.bind_pattern(target, decl)?;
                }
                if let Some(r) = rest {
                    self.emit(Op::Dup);
                    self.emit(Op::ArrSlice(elems.len().min(60_000) as u16));
                    self.bind_pattern(r, decl)?;
                }
                self.emit(Op::Pop);
            }
            Pat::Expr(e) => match &e.k {
                E::Dot(o, name, _) => {
                    self.expr(o)?;
                    self.emit(Op::Swap);
                    self.emit_at(Op::SetProp(name.clone()), e.pos);
                    self.emit(Op::Pop);
                }
                E::Member(o, k, _) => {
                    self.expr(o)?;
                    self.expr(k)?;
                    self.emit(Op::Rot3);
                    self.emit(Op::Rot3);
                    self.emit_at(Op::SetElem, e.pos);
                    self.emit(Op::Pop);
                }
                _ => return Err(self.err("Invalid destructuring assignment target", e.pos, 1)),
            },
        }
        Ok(())
    }

    /// Parameters and `var`s may already be declared in the function scope.
    fn find_or_declare(&mut self, n: &Name, kind: BKind, pos: u32) -> R<Loc> {
        if kind == BKind::Var || kind == BKind::Plain {
            let f = self.f();
            let scope = f.scopes.last();
            if let Some(b) = scope.and_then(|s| s.bindings.iter().find(|b| &b.name == n)) {
                if kind == BKind::Var || b.kind == BKind::Plain || b.kind == BKind::Var {
                    return Ok(b.loc);
                }
            }
            if kind == BKind::Var {
                if let Some((loc, _)) = self.resolve_local_var(n) {
                    return Ok(loc);
                }
            }
        }
        if matches!(kind, BKind::Let | BKind::Const | BKind::Class) {
            // Declared already by `declare_block` (TDZ); find it.
            let f = self.f();
            if let Some(b) = f.scopes.last().and_then(|s| s.bindings.iter().find(|b| &b.name == n)) {
                return Ok(b.loc);
            }
        }
        self.declare(n, kind, pos)
    }

    fn resolve_local_var(&mut self, n: &Name) -> Option<(Loc, BKind)> {
        let f = self.f();
        for s in f.scopes.iter().rev() {
            if let Some(b) = s.bindings.iter().find(|b| &b.name == n) {
                return Some((b.loc, b.kind));
            }
            if s.is_function {
                break;
            }
        }
        None
    }

    fn is_anon_fn(&self, value: &Expr) -> bool {
        match &value.k {
            E::Func(f) => f.name.is_empty(),
            E::Class(c) => c.name.is_none(),
            _ => false,
        }
    }

    fn name_anon(&mut self, value: &Expr, name: &Name) {
        let anon = match &value.k {
            E::Func(f) => f.name.is_empty(),
            E::Class(c) => c.name.is_none(),
            _ => false,
        };
        if anon {
            self.emit(Op::SetName(name.clone()));
        }
    }

    // ---- statements ----

    fn stmts(&mut self, body: &'a [Stmt]) -> R<()> {
        for s in body {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn block(&mut self, body: &'a [Stmt]) -> R<()> {
        self.push_scope(false);
        let r = (|| {
            self.declare_block(body)?;
            self.stmts(body)
        })();
        self.pop_scope();
        r
    }

    fn stmt(&mut self, s: &'a Stmt) -> R<()> {
        self.f().cur_pos = s.pos;
        let labels = std::mem::take(&mut self.f().pending_labels);
        match &s.k {
            S::Empty | S::Func(_) | S::Import(..) => {}
            S::Expr(e) => {
                self.expr_at(e, Some(s.pos))?;
                self.emit(Op::Pop);
            }
            S::Var(kind, decls) => {
                let bk = match kind {
                    VarKind::Var => BKind::Var,
                    VarKind::Let => BKind::Let,
                    VarKind::Const => BKind::Const,
                };
                for (p, init) in decls {
                    match init {
                        Some(e) => {
                            self.expr_at(e, None)?;
                            if let Pat::Id(n, _) = p {
                                self.name_anon(e, n);
                            }
                        }
                        None => {
                            if *kind == VarKind::Var {
                                continue;
                            }
                            self.emit(Op::Undef);
                        }
                    }
                    self.bind_pattern(p, Some(bk))?;
                }
            }
            S::Class(c) => {
                self.class(c)?;
                let Some(n) = &c.name else { return Ok(()) };
                if self.repl_global(BKind::Class) {
                    self.emit(Op::SetGlobal(n.clone()));
                    self.emit(Op::Pop);
                    return Ok(());
                }
                let loc = self.find_or_declare(n, BKind::Class, c.pos)?;
                self.init_loc(loc);
            }
            S::Block(b) => self.block(b)?,
            S::If(c, t, e) => {
                self.expr_at(c, Some(s.pos))?;
                let j = self.emit(Op::Jf(0));
                self.sub_stmt(t)?;
                if let Some(e) = e {
                    let j2 = self.emit(Op::Jmp(0));
                    self.patch_here(j);
                    self.sub_stmt(e)?;
                    self.patch_here(j2);
                } else {
                    self.patch_here(j);
                }
            }
            S::While(c, body) => {
                let top = self.here();
                self.expr_at(c, Some(s.pos))?;
                let j = self.emit(Op::Jf(0));
                self.loop_body(labels, body, 0, None)?;
                self.emit(Op::Jmp(top as u32));
                self.patch_here(j);
                self.finish_loop(top)?;
            }
            S::DoWhile(body, c) => {
                let top = self.here();
                self.loop_body(labels, body, 0, None)?;
                let cont = self.here();
                self.expr(c)?;
                self.emit(Op::Jt(top as u32));
                self.finish_loop(cont)?;
            }
            S::For(init, test, update, body) => self.for_stmt(labels, init, test, update, body)?,
            S::ForIn(head, obj, body) => {
                self.expr(obj)?;
                self.emit(Op::ForInKeys);
                self.for_each(labels, head, body, false)?;
            }
            S::ForOf(head, iter, body, is_await) => {
                self.expr(iter)?;
                self.emit(if *is_await { Op::GetAsyncIter } else { Op::GetIter });
                self.for_each(labels, head, body, *is_await)?;
            }
            S::Return(v) => {
                if self.f().derived_ctor && v.is_none() {
                    self.emit(Op::ThisChk);
                } else {
                    match v {
                        Some(e) => self.expr_at(e, Some(s.pos))?,
                        None => {
                            self.emit(Op::Undef);
                        }
                    }
                }
                self.unwind_for_return()?;
                self.emit(Op::Return);
            }
            S::Break(label) => self.jump(label.as_ref(), true, s.pos)?,
            S::Continue(label) => self.jump(label.as_ref(), false, s.pos)?,
            S::Throw(e) => {
                self.expr_at(e, Some(s.pos))?;
                self.emit_at(Op::Throw, s.pos);
            }
            S::Try(block, handler, finalizer) => self.try_stmt(block, handler, finalizer.as_deref())?,
            S::Switch(d, cases) => self.switch(labels, d, cases)?,
            S::Labeled(l, inner) => {
                let is_loop = matches!(inner.k, S::For(..) | S::ForIn(..) | S::ForOf(..) | S::While(..) | S::DoWhile(..));
                if is_loop {
                    let mut labels = labels;
                    labels.push(l.clone());
                    self.f().pending_labels = labels;
                    self.stmt(inner)?;
                } else {
                    self.f().ctl.push(Ctl::Label { label: l.clone(), breaks: Vec::new() });
                    self.stmt(inner)?;
                    if let Some(Ctl::Label { breaks, .. }) = self.f().ctl.pop() {
                        for b in breaks {
                            self.patch_here(b);
                        }
                    }
                }
            }
            S::Export(decl, names) => {
                if let Some(d) = decl {
                    self.stmt(d)?;
                    if let S::Func(_) = d.k {
                        return Ok(());
                    }
                }
                for (local, exported) in names {
                    self.export_binding(local, exported)?;
                }
            }
            S::ExportDefault(e) => {
                self.load_name(&"%exports".into(), s.pos)?;
                self.expr(e)?;
                self.name_anon(e, &"default".into());
                self.emit(Op::DefProp("default".into()));
                self.emit(Op::Pop);
            }
            S::ExportFrom(m, names) => {
                self.load_name(&"%exports".into(), s.pos)?;
                self.emit(Op::Str(m.clone()));
                self.emit(Op::Import);
                match names {
                    None => {
                        self.emit(Op::SpreadObj);
                        self.emit(Op::Pop);
                    }
                    Some(names) => {
                        for (local, exported) in names {
                            self.emit(Op::Dup2);
                            self.emit(Op::GetProp(local.clone()));
                            self.emit(Op::DefProp(exported.clone()));
                            self.emit(Op::Pop);
                        }
                        self.emit(Op::Pop);
                        self.emit(Op::Pop);
                    }
                }
            }
        }
        Ok(())
    }

    /// The body of `if`/`else`: a lone declaration gets its own scope.
    fn sub_stmt(&mut self, s: &'a Stmt) -> R<()> {
        match &s.k {
            S::Var(k, _) if *k != VarKind::Var => self.block(std::slice::from_ref(s)),
            S::Class(_) | S::Func(_) => self.block(std::slice::from_ref(s)),
            _ => self.stmt(s),
        }
    }

    fn loop_body(&mut self, labels: Vec<Name>, body: &'a Stmt, stack: u8, _per_iter: Option<()>) -> R<()> {
        self.f().ctl.push(Ctl::Loop {
            labels,
            breaks: Vec::new(),
            continues: Vec::new(),
            stack,
        });
        self.sub_stmt(body)
    }

    /// Pops the loop's control entry; continues go to `cont`, breaks to here.
    fn finish_loop(&mut self, cont: usize) -> R<()> {
        if let Some(Ctl::Loop { breaks, continues, .. }) = self.f().ctl.pop() {
            for c in continues {
                self.patch(c, cont);
            }
            for b in breaks {
                self.patch_here(b);
            }
        }
        Ok(())
    }

    fn for_stmt(&mut self, labels: Vec<Name>, init: &'a Option<ForInit>, test: &'a Option<Expr>, update: &'a Option<Expr>, body: &'a Stmt) -> R<()> {
        self.push_scope(false);
        let mut iter_cells = Vec::new();
        let r = (|| {
            match init {
                Some(ForInit::Var(kind, decls)) => {
                    if *kind != VarKind::Var {
                        let bk = if *kind == VarKind::Let { BKind::Let } else { BKind::Const };
                        for (p, _) in decls {
                            let mut names = Vec::new();
                            pat_names(p, &mut names);
                            for n in names {
                                let loc = self.declare(&n, bk, pat_pos(p, &n))?;
                                self.tdz(loc);
                                if let Loc::Cell(i) = loc {
                                    iter_cells.push(i);
                                }
                            }
                        }
                    }
                    let st = Stmt { pos: 0, k: S::Empty };
                    let _ = st;
                    let bk = match kind {
                        VarKind::Var => BKind::Var,
                        VarKind::Let => BKind::Let,
                        VarKind::Const => BKind::Const,
                    };
                    for (p, e) in decls {
                        match e {
                            Some(e) => {
                                self.expr(e)?;
                                if let Pat::Id(n, _) = p {
                                    self.name_anon(e, n);
                                }
                            }
                            None if *kind == VarKind::Var => continue,
                            None => {
                                self.emit(Op::Undef);
                            }
                        }
                        self.bind_pattern(p, Some(bk))?;
                    }
                }
                Some(ForInit::Expr(e)) => {
                    self.expr(e)?;
                    self.emit(Op::Pop);
                }
                None => {}
            }
            for c in &iter_cells {
                self.emit(Op::CopyCell(*c));
            }
            let top = self.here();
            let exit = match test {
                Some(t) => {
                    self.expr(t)?;
                    Some(self.emit(Op::Jf(0)))
                }
                None => None,
            };
            self.loop_body(labels, body, 0, None)?;
            let cont = self.here();
            for c in &iter_cells {
                self.emit(Op::CopyCell(*c));
            }
            if let Some(u) = update {
                self.expr(u)?;
                self.emit(Op::Pop);
            }
            self.emit(Op::Jmp(top as u32));
            if let Some(x) = exit {
                self.patch_here(x);
            }
            self.finish_loop(cont)
        })();
        self.pop_scope();
        r
    }

    fn for_each(&mut self, labels: Vec<Name>, head: &'a ForHead, body: &'a Stmt, is_await: bool) -> R<()> {
        let top = self.here();
        let exits = self.iter_next(is_await);
        self.push_scope(false);
        let r = (|| {
            match head {
                ForHead::Var(kind, p) => {
                    let bk = match kind {
                        VarKind::Var => BKind::Var,
                        VarKind::Let => BKind::Let,
                        VarKind::Const => BKind::Const,
                    };
                    if *kind != VarKind::Var {
                        let mut names = Vec::new();
                        pat_names(p, &mut names);
                        for n in names {
                            let loc = self.declare(&n, bk, pat_pos(p, &n))?;
                            if let Loc::Cell(i) = loc {
                                self.emit(Op::NewCell(i));
                            }
                        }
                    }
                    self.bind_pattern(p, Some(bk))?;
                }
                ForHead::Pat(p) => self.bind_pattern(p, None)?,
            }
            self.loop_body(labels, body, 1, None)
        })();
        self.pop_scope();
        r?;
        self.emit(Op::Jmp(top as u32));
        // `break` closes the iterator (calls its `return`); running out does not.
        self.finish_loop(top)?;
        self.emit(Op::IterClose);
        for x in exits {
            self.patch_here(x);
        }
        self.emit(Op::Pop);
        Ok(())
    }

    /// The next value of the iterator on the stack (awaited for `for await`); returns the
    /// jumps to patch to the loop's exit.
    fn iter_next(&mut self, is_await: bool) -> Vec<usize> {
        if !is_await {
            return vec![self.emit(Op::IterNext(0))];
        }
        let a = self.emit(Op::AsyncIterNext(0));
        self.emit(Op::Await);
        let b = self.emit(Op::IterResult(0));
        vec![a, b]
    }

    fn switch(&mut self, labels: Vec<Name>, d: &'a Expr, cases: &'a [(Option<Expr>, Vec<Stmt>)]) -> R<()> {
        self.expr(d)?;
        self.push_scope(false);
        let r = (|| -> R<()> {
            let all: Vec<&'a Stmt> = cases.iter().flat_map(|c| c.1.iter()).collect();
            let mut funcs = Vec::new();
            for s in &all {
                self.declare_lexical(s, &mut funcs)?;
            }
            for (f, loc) in funcs {
                self.closure(f)?;
                self.init_loc(loc);
            }
            let mut jumps = Vec::new();
            for (test, _) in cases {
                if let Some(t) = test {
                    self.emit(Op::Dup);
                    self.expr(t)?;
                    self.emit(Op::SEq);
                    jumps.push(Some(self.emit(Op::Jt(0))));
                } else {
                    jumps.push(None);
                }
            }
            let to_default = self.emit(Op::Jmp(0));
            self.f().ctl.push(Ctl::Switch { labels, breaks: Vec::new() });
            let mut default_at = None;
            for (i, (test, body)) in cases.iter().enumerate() {
                let h = self.here();
                match jumps[i] {
                    Some(j) => self.patch(j, h),
                    None => default_at = Some(h),
                }
                let _ = test;
                self.stmts(body)?;
            }
            let end = self.here();
            self.patch(to_default, default_at.unwrap_or(end));
            if let Some(Ctl::Switch { breaks, .. }) = self.f().ctl.pop() {
                for b in breaks {
                    self.patch(b, end);
                }
            }
            Ok(())
        })();
        self.pop_scope();
        r?;
        self.emit(Op::Pop);
        Ok(())
    }

    fn try_stmt(&mut self, block: &'a [Stmt], handler: &'a Option<(Option<Pat>, Vec<Stmt>)>, finalizer: Option<&'a [Stmt]>) -> R<()> {
        let outer = match finalizer {
            Some(f) => {
                let t = self.emit(Op::Try(0));
                self.f().ctl.push(Ctl::Try { finally: Some(f) });
                Some(t)
            }
            None => None,
        };
        if let Some((param, body)) = handler {
            let t = self.emit(Op::Try(0));
            self.f().ctl.push(Ctl::Try { finally: None });
            self.block(block)?;
            self.f().ctl.pop();
            self.emit(Op::EndTry);
            let skip = self.emit(Op::Jmp(0));
            self.patch_here(t);
            // The exception is on the stack (a generator's `return()` passes through).
            self.emit(Op::CatchGuard);
            self.push_scope(false);
            let r = (|| {
                match param {
                    Some(p) => {
                        let mut names = Vec::new();
                        pat_names(p, &mut names);
                        for n in names {
                            let loc = self.declare(&n, BKind::Plain, pat_pos(p, &n))?;
                            if let Loc::Cell(i) = loc {
                                self.emit(Op::NewCell(i));
                            }
                        }
                        self.bind_pattern(p, Some(BKind::Plain))?;
                    }
                    None => {
                        self.emit(Op::Pop);
                    }
                }
                self.block(body)
            })();
            self.pop_scope();
            r?;
            self.patch_here(skip);
        } else {
            self.block(block)?;
        }
        if let (Some(t), Some(f)) = (outer, finalizer) {
            self.f().ctl.pop();
            self.emit(Op::EndTry);
            self.block(f)?;
            let skip = self.emit(Op::Jmp(0));
            self.patch_here(t);
            let tmp = self.new_local(&"%exc".into())?;
            self.emit(Op::PutLocal(tmp));
            self.block(f)?;
            self.emit(Op::Local(tmp));
            self.emit(Op::Throw);
            self.patch_here(skip);
        }
        Ok(())
    }

    /// Leaves every try block (running its finally) before a `return`.
    /// Also closes the iterators of enclosing for-of loops.
    fn unwind_for_return(&mut self) -> R<()> {
        let needed = self.f().ctl.iter().any(|c| matches!(c, Ctl::Try { .. } | Ctl::Loop { stack: 1, .. }));
        if !needed {
            return Ok(());
        }
        let tmp = self.new_local(&"%ret".into())?;
        self.emit(Op::PutLocal(tmp));
        let n = self.f().ctl.len();
        for i in (0..n).rev() {
            match self.f().ctl[i] {
                Ctl::Try { finally } => {
                    self.emit(Op::EndTry);
                    if let Some(f) = finally {
                        let saved = self.f().ctl.split_off(i);
                        let r = self.block(f);
                        self.f().ctl.extend(saved);
                        r?;
                    }
                }
                Ctl::Loop { stack, .. } => {
                    if stack == 1 {
                        self.emit(Op::IterClose);
                    }
                    for _ in 0..stack {
                        self.emit(Op::Pop);
                    }
                }
                Ctl::Switch { .. } => {
                    self.emit(Op::Pop);
                }
                Ctl::Label { .. } => {}
            }
        }
        self.emit(Op::Local(tmp));
        Ok(())
    }

    fn jump(&mut self, label: Option<&Name>, is_break: bool, pos: u32) -> R<()> {
        let n = self.f().ctl.len();
        let mut target = None;
        for i in (0..n).rev() {
            let hit = match &self.f().ctl[i] {
                Ctl::Loop { labels, .. } => label.is_none_or(|l| labels.contains(l)),
                Ctl::Switch { labels, .. } => is_break && label.is_none_or(|l| labels.contains(l)),
                Ctl::Label { label: l, .. } => is_break && label.is_some_and(|x| x == l),
                Ctl::Try { .. } => false,
            };
            if hit {
                target = Some(i);
                break;
            }
        }
        let Some(t) = target else {
            return Err(self.err(if is_break { "Illegal break statement" } else { "Illegal continue statement: no surrounding iteration statement" }, pos, 5));
        };
        // Leave everything above the target.
        for i in (t + 1..n).rev() {
            match self.f().ctl[i] {
                Ctl::Try { finally } => {
                    self.emit(Op::EndTry);
                    if let Some(f) = finally {
                        let saved = self.f().ctl.split_off(i);
                        let r = self.block(f);
                        self.f().ctl.extend(saved);
                        r?;
                    }
                }
                Ctl::Loop { stack, .. } => {
                    // Only for-of/for-in loops keep a value (their iterator) on the stack.
                    if stack == 1 {
                        self.emit(Op::IterClose);
                    }
                    for _ in 0..stack {
                        self.emit(Op::Pop);
                    }
                }
                Ctl::Switch { .. } => {
                    self.emit(Op::Pop);
                }
                Ctl::Label { .. } => {}
            }
        }
        let j = self.emit(Op::Jmp(0));
        match &mut self.f().ctl[t] {
            Ctl::Loop { breaks, continues, .. } => {
                if is_break {
                    breaks.push(j)
                } else {
                    continues.push(j)
                }
            }
            Ctl::Switch { breaks, .. } | Ctl::Label { breaks, .. } => breaks.push(j),
            Ctl::Try { .. } => {}
        }
        Ok(())
    }

    // ---- classes ----

    fn class(&mut self, c: &'a Class) -> R<()> {
        if let Some(p) = &c.parent {
            self.expr(p)?;
        }
        let derived = c.parent.is_some();
        let Some(ctor_ref) = c.ctor.as_deref() else {
            return Err(self.err("internal: class without constructor", c.pos, 1));
        };
        let code = self.function(ctor_ref, None)?;
        let fs = self.f();
        fs.children.push(code);
        let idx = (fs.children.len() - 1) as u16;
        self.emit_at(Op::Closure(idx), c.pos);
        self.emit_at(Op::Class(derived), c.pos);
        // Methods and accessors.
        for m in &c.members {
            match &m.kind {
                MemberKind::Method(f) | MemberKind::Get(f) | MemberKind::Set(f) => {
                    self.emit(Op::Dup);
                    if !m.is_static {
                        self.emit(Op::GetProp("prototype".into()));
                    }
                    self.prop_key(&m.key)?;
                    self.closure(f)?;
                    if matches!(m.key, PropKey::Computed(_)) {
                        self.emit(Op::SetNameKey);
                    }
                    match &m.kind {
                        MemberKind::Method(_) => self.emit(Op::DefMethod),
                        MemberKind::Get(_) => self.emit(Op::DefAccessor(true, false)),
                        _ => self.emit(Op::DefAccessor(false, false)),
                    };
                    self.emit(Op::Pop);
                }
                _ => {}
            }
        }
        // Instance fields: one initialiser method run on each new instance.
        let inst: Vec<&'a ClassMember> = c.members.iter().filter(|m| !m.is_static && matches!(m.kind, MemberKind::Field(_))).collect();
        if !inst.is_empty() {
            let code = self.field_init("<instance_members_initializer>", c, &inst)?;
            let fs = self.f();
            fs.children.push(code);
            let idx = (fs.children.len() - 1) as u16;
            self.emit(Op::Closure(idx));
            self.emit(Op::ClassFields);
        }
        // Static fields and blocks, in order, with `this` = the class.
        for m in &c.members {
            let is_static_init = m.is_static && matches!(m.kind, MemberKind::Field(_) | MemberKind::StaticBlock(_));
            if !is_static_init {
                continue;
            }
            let code = self.field_init("<static_initializer>", c, &[m])?;
            let fs = self.f();
            fs.children.push(code);
            let idx = (fs.children.len() - 1) as u16;
            self.emit(Op::Dup);
            self.emit(Op::Closure(idx));
            self.emit(Op::Swap);
            let ci = self.callee_idx("(intermediate value)".into());
            self.emit(Op::Call(0, ci));
            self.emit(Op::Pop);
        }
        Ok(())
    }

    /// A synthetic method defining fields on `this`.
    fn field_init(&mut self, name: &str, c: &'a Class, members: &[&'a ClassMember]) -> R<Rc<Code>> {
        let mut captured = HashSet::new();
        {
            let mut w = Walker { out: &mut captured, nested: 1, this_visible: false };
            for m in members {
                match &m.kind {
                    MemberKind::Field(Some(e)) => w.expr(e),
                    MemberKind::StaticBlock(b) => {
                        w.nested = 0;
                        w.this_visible = true;
                        w.stmts(b);
                        w.nested = 1;
                        w.this_visible = false;
                    }
                    _ => {}
                }
                if let PropKey::Computed(e) = &m.key {
                    w.expr(e);
                }
            }
        }
        self.fns.push(FnState {
            ops: Vec::new(),
            pos: Vec::new(),
            callees: Vec::new(),
            children: Vec::new(),
            scopes: Vec::new(),
            captured,
            captures: Vec::new(),
            n_locals: 0,
            n_cells: 0,
            local_names: Vec::new(),
            cell_names: Vec::new(),
            ctl: Vec::new(),
            cur_pos: c.pos,
            kind: FnKind::Method,
            is_async: false,
            uses_args: false,
            pending_labels: Vec::new(),
            chains: Vec::new(),
            derived_ctor: false,
            id_pos: None,
        });
        let r = (|| -> R<()> {
            self.push_scope(true);
            for pseudo in ["this", "%home"] {
                let n: Name = pseudo.into();
                if self.f().captured.contains(&n) {
                    let loc = self.declare(&n, BKind::Plain, 0)?;
                    self.emit(if pseudo == "this" { Op::This } else { Op::Home });
                    self.init_loc(loc);
                }
            }
            for m in members {
                match &m.kind {
                    MemberKind::Field(init) => {
                        self.emit(Op::This);
                        self.prop_key(&m.key)?;
                        match init {
                            Some(e) => {
                                self.expr(e)?;
                                if let PropKey::Name(n) = &m.key {
                                    self.name_anon(e, n);
                                }
                            }
                            None => {
                                self.emit(Op::Undef);
                            }
                        }
                        if matches!(m.key, PropKey::Private(_)) {
                            self.emit(Op::DefMethod);
                        } else {
                            self.emit(Op::DefElem);
                        }
                        self.emit(Op::Pop);
                    }
                    MemberKind::StaticBlock(b) => self.block(b)?,
                    _ => {}
                }
            }
            self.emit(Op::Undef);
            self.emit(Op::Return);
            self.pop_scope();
            Ok(())
        })();
        let st = self.fns.pop();
        r?;
        let Some(st) = st else { return Err(self.err("internal", 0, 1)) };
        let mut caps = st.captures.clone();
        caps.sort_by_key(|c| c.1);
        Ok(Rc::new(Code {
            name: name.into(),
            kind: FnKind::Method,
            is_async: false,
            is_gen: false,
            strict: true,
            ops: st.ops,
            pos: st.pos,
            n_locals: st.n_locals,
            n_cells: st.n_cells,
            captures: caps.iter().map(|(_, my, parent)| (*my, *parent)).collect(),
            children: st.children,
            callees: st.callees,
            script: self.script.clone(),
            src: c.src,
            length: 0,
            def_pos: c.pos,
            local_names: st.local_names,
            cell_names: st.cell_names,
        }))
    }

    /// Pushes a property key (a string or the computed value).
    fn prop_key(&mut self, k: &'a PropKey) -> R<()> {
        match k {
            PropKey::Name(n) => {
                self.emit(Op::Str(n.clone()));
            }
            PropKey::Private(n) => {
                self.emit(Op::Str(format!("#{n}").into()));
            }
            PropKey::Computed(e) => self.expr(e)?,
        }
        Ok(())
    }

    // ---- expressions ----

    /// Compiles an expression with identifier positions in `mode` (see `FnState::id_pos`).
    fn expr_at(&mut self, e: &'a Expr, mode: Option<u32>) -> R<()> {
        let saved = std::mem::replace(&mut self.f().id_pos, mode);
        let r = self.expr(e);
        self.f().id_pos = saved;
        r
    }

    fn expr(&mut self, e: &'a Expr) -> R<()> {
        if self.f().ops.len() > 4_000_000 {
            return Err(self.err("dockling: node: the program is too large", e.pos, 1));
        }
        let saved = self.f().cur_pos;
        self.f().cur_pos = e.pos;
        let r = self.expr_inner(e);
        self.f().cur_pos = saved;
        r
    }

    fn expr_inner(&mut self, e: &'a Expr) -> R<()> {
        match &e.k {
            E::Num(n) => {
                self.emit(Op::Num(*n));
            }
            E::Str(s) => {
                self.emit(Op::Str(s.clone()));
            }
            E::Template(quasis, exprs) => {
                let mut n = 0u16;
                for (i, q) in quasis.iter().enumerate() {
                    if !q.is_empty() || (i == 0 && exprs.is_empty()) {
                        self.emit(Op::Str(q.clone()));
                        n += 1;
                    }
                    if let Some(x) = exprs.get(i) {
                        self.expr_at(x, None)?;
                        n += 1;
                    }
                }
                if n == 0 {
                    self.emit(Op::Str("".into()));
                    n = 1;
                }
                self.emit(Op::Concat(n));
            }
            E::Tagged(tag, cooked, raw, exprs) => {
                self.callee(tag)?;
                self.emit(Op::TemplateObj(cooked.clone().into(), raw.clone().into()));
                for x in exprs {
                    self.expr(x)?;
                }
                let ci = self.callee_idx(callee_text(tag));
                self.emit(Op::Call(exprs.len() as u16 + 1, ci));
            }
            E::Regex(body, flags) => {
                self.emit(Op::Global("RegExp".into()));
                self.emit(Op::Str(body.clone()));
                self.emit(Op::Str(flags.clone()));
                let ci = self.callee_idx("RegExp".into());
                self.emit(Op::New(2, ci));
            }
            E::Ident(n) => match &**n {
                "null" => {
                    self.emit(Op::Null);
                }
                "true" => {
                    self.emit(Op::Bool(true));
                }
                "false" => {
                    self.emit(Op::Bool(false));
                }
                "%import.meta" => {
                    self.emit(Op::ImportMeta);
                }
                _ => {
                    if &**n == "arguments" && self.resolve("arguments").is_none() {
                        self.f().uses_args = true;
                        self.emit(Op::Arguments);
                    } else {
                        self.load_name(n, e.pos)?;
                    }
                }
            },
            E::This => self.this_value()?,
            E::Super => return Err(self.err("'super' keyword unexpected here", e.pos, 5)),
            E::NewTarget => match self.resolve("%nt") {
                Some((loc, _)) => {
                    self.emit(match loc {
                        Loc::Local(i) => Op::Local(i),
                        Loc::Cell(i) => Op::Cell(i),
                    });
                }
                None => {
                    self.emit(Op::NewTarget);
                }
            },
            E::Array(items) => {
                self.emit(Op::NewArr);
                for it in items {
                    match it {
                        None => {
                            self.emit(Op::ArrHole);
                        }
                        Some(Arg::Plain(x)) => {
                            self.expr_at(x, None)?;
                            self.emit(Op::ArrPush);
                        }
                        Some(Arg::Spread(x)) => {
                            self.expr(x)?;
                            self.emit_at(Op::ArrSpread, x.pos);
                        }
                    }
                }
            }
            E::Object(props) => {
                self.emit(Op::NewObj);
                for p in props {
                    match p {
                        PropDef::Value(PropKey::Name(k), v) => {
                            self.expr_at(v, None)?;
                            self.name_anon(v, k);
                            self.emit(Op::DefProp(k.clone()));
                        }
                        PropDef::Value(k, v) => {
                            self.prop_key(k)?;
                            self.expr(v)?;
                            if matches!(v.k, E::Func(_) | E::Class(_)) {
                                self.emit(Op::SetNameKey);
                            }
                            self.emit(Op::DefElem);
                        }
                        PropDef::Short(n, pos, def) => {
                            if def.is_some() {
                                return Err(self.err("Invalid shorthand property initializer", *pos, n.len() as u32 + 2));
                            }
                            let saved = self.f().id_pos.take();
                            let r = self.load_name(n, *pos);
                            self.f().id_pos = saved;
                            r?;
                            self.emit(Op::DefProp(n.clone()));
                        }
                        PropDef::Get(k, f) | PropDef::Set(k, f) => {
                            self.prop_key(k)?;
                            self.closure(f)?;
                            self.emit(Op::DefAccessor(matches!(p, PropDef::Get(..)), true));
                        }
                        PropDef::Spread(x) => {
                            self.expr(x)?;
                            self.emit(Op::SpreadObj);
                        }
                    }
                }
            }
            E::Func(f) => self.closure(f)?,
            E::Class(c) => self.class(c)?,
            E::Unary(op, arg) => self.unary(op, arg, e.pos)?,
            E::Update(op, prefix, target) => self.update(op, *prefix, target, e.pos)?,
            E::Bin(op, l, r) => {
                self.expr(l)?;
                self.expr(r)?;
                let o = match *op {
                    "+" => Op::Add,
                    "-" => Op::Sub,
                    "*" => Op::Mul,
                    "/" => Op::Div,
                    "%" => Op::Mod,
                    "**" => Op::Pow,
                    "&" => Op::BitAnd,
                    "|" => Op::BitOr,
                    "^" => Op::BitXor,
                    "<<" => Op::Shl,
                    ">>" => Op::Shr,
                    ">>>" => Op::UShr,
                    "==" => Op::Eq,
                    "!=" => Op::Ne,
                    "===" => Op::SEq,
                    "!==" => Op::SNe,
                    "<" => Op::Lt,
                    ">" => Op::Gt,
                    "<=" => Op::Le,
                    ">=" => Op::Ge,
                    "instanceof" => Op::InstanceOf,
                    _ => Op::In,
                };
                self.emit_at(o, e.pos);
            }
            E::Logic(op, l, r) => {
                self.expr(l)?;
                let j = self.emit(match *op {
                    "&&" => Op::JfKeep(0),
                    "||" => Op::JtKeep(0),
                    _ => Op::JnnKeep(0),
                });
                self.expr(r)?;
                self.patch_here(j);
            }
            E::Assign(op, target, value) => self.assign(op, target, value, e.pos)?,
            E::Cond(c, a, b) => {
                self.expr(c)?;
                let j = self.emit(Op::Jf(0));
                self.expr(a)?;
                let j2 = self.emit(Op::Jmp(0));
                self.patch_here(j);
                self.expr(b)?;
                self.patch_here(j2);
            }
            E::Call(callee, args, optional) => self.call(callee, args, *optional, e.pos)?,
            E::New(callee, args) => {
                self.expr(callee)?;
                let ci = self.callee_idx(callee_text(callee));
                if args.iter().any(|a| matches!(a, Arg::Spread(_))) {
                    self.spread_args(args)?;
                    self.emit_at(Op::NewSpread(ci), e.pos);
                } else {
                    for a in args {
                        if let Arg::Plain(x) = a {
                            self.expr_at(x, None)?;
                        }
                    }
                    self.emit_at(Op::New(args.len() as u16, ci), e.pos);
                }
            }
            E::Dot(o, name, optional) => {
                if let E::Super = o.k {
                    self.super_base()?;
                    self.emit(Op::Str(name.clone()));
                    self.emit_at(Op::SuperGet, e.pos);
                    return Ok(());
                }
                self.expr(o)?;
                if *optional {
                    self.chain_exit(0);
                }
                self.emit_at(Op::GetProp(name.clone()), e.pos);
            }
            E::Member(o, k, optional) => {
                if let E::Super = o.k {
                    self.super_base()?;
                    self.expr(k)?;
                    self.emit_at(Op::SuperGet, e.pos);
                    return Ok(());
                }
                self.expr(o)?;
                if *optional {
                    self.chain_exit(0);
                }
                self.expr(k)?;
                self.emit_at(Op::GetElem, e.pos);
            }
            E::Chain(inner) => {
                self.f().chains.push(Vec::new());
                let r = self.expr(inner);
                let exits = self.f().chains.pop().unwrap_or_default();
                r?;
                for x in exits {
                    self.patch_here(x);
                }
            }
            E::Seq(v) => {
                for (i, x) in v.iter().enumerate() {
                    self.expr(x)?;
                    if i + 1 < v.len() {
                        self.emit(Op::Pop);
                    }
                }
            }
            E::Await(x) => {
                if !self.f().is_async {
                    return Err(self.err("await is only valid in async functions and the top level bodies of modules", e.pos, 5));
                }
                self.expr(x)?;
                self.emit_at(Op::Await, e.pos);
            }
            E::Yield(arg, delegate) => {
                match arg {
                    Some(x) => self.expr(x)?,
                    None => {
                        self.emit(Op::Undef);
                    }
                }
                let is_async = self.f().is_async;
                if *delegate {
                    // yield*: yields each value of the inner iterator; the expression is its
                    // return value.
                    self.emit(if is_async { Op::GetAsyncIter } else { Op::GetIter });
                    let top = self.here();
                    self.emit(Op::DelegateNext);
                    if is_async {
                        self.emit(Op::Await);
                    }
                    let exit = self.emit(Op::DelegateResult(0));
                    self.emit(Op::Yield);
                    self.emit(Op::Pop);
                    self.emit(Op::Jmp(top as u32));
                    self.patch_here(exit);
                    self.emit(Op::Swap);
                    self.emit(Op::Pop);
                } else {
                    if is_async {
                        self.emit(Op::Await);
                    }
                    self.emit(Op::Yield);
                }
            }
            E::Import(x) => {
                self.expr(x)?;
                self.emit(Op::Import);
                // Dynamic import returns a promise.
                self.emit(Op::Global("Promise".into()));
                self.emit(Op::GetMethod("resolve".into()));
                self.emit(Op::Rot3);
                self.emit(Op::Rot3);
                let ci = self.callee_idx("Promise.resolve".into());
                self.emit(Op::Call(1, ci));
            }
        }
        Ok(())
    }

    fn chain_exit(&mut self, depth: u8) {
        let j = self.emit(Op::JNullish(0, depth));
        if let Some(c) = self.f().chains.last_mut() {
            c.push(j);
        }
    }

    fn this_value(&mut self) -> R<()> {
        match self.resolve("this") {
            Some((loc, _)) => {
                let derived = self.f().derived_ctor || self.is_in_derived_arrow();
                self.emit(match (loc, derived) {
                    (Loc::Local(i), false) => Op::Local(i),
                    (Loc::Local(i), true) => Op::LocalChk(i),
                    (Loc::Cell(i), false) => Op::Cell(i),
                    (Loc::Cell(i), true) => Op::CellChk(i),
                });
            }
            None => {
                if self.f().derived_ctor {
                    self.emit(Op::ThisChk);
                } else {
                    self.emit(Op::This);
                }
            }
        }
        Ok(())
    }

    fn is_in_derived_arrow(&self) -> bool {
        for f in self.fns.iter().rev() {
            if f.kind != FnKind::Arrow {
                return f.derived_ctor;
            }
        }
        false
    }

    /// Pushes the home object and `this` for `super.x`.
    fn super_base(&mut self) -> R<()> {
        match self.resolve("%home") {
            Some((Loc::Local(i), _)) => {
                self.emit(Op::Local(i));
            }
            Some((Loc::Cell(i), _)) => {
                self.emit(Op::Cell(i));
            }
            None => {
                self.emit(Op::Home);
            }
        }
        self.this_value()
    }

    fn unary(&mut self, op: &str, arg: &'a Expr, pos: u32) -> R<()> {
        match op {
            "typeof" => {
                if let E::Ident(n) = &arg.k {
                    if !matches!(&**n, "null" | "true" | "false") && self.resolve(n).is_none() {
                        self.emit(Op::GlobalOrUndef(n.clone()));
                        self.emit(Op::Typeof);
                        return Ok(());
                    }
                }
                self.expr(arg)?;
                self.emit(Op::Typeof);
            }
            "delete" => match &arg.k {
                E::Dot(o, n, _) => {
                    self.expr(o)?;
                    self.emit_at(Op::DelProp(n.clone()), pos);
                }
                E::Member(o, k, _) => {
                    self.expr(o)?;
                    self.expr(k)?;
                    self.emit_at(Op::DelElem, pos);
                }
                _ => {
                    self.expr(arg)?;
                    self.emit(Op::Pop);
                    self.emit(Op::Bool(true));
                }
            },
            "void" => {
                self.expr(arg)?;
                self.emit(Op::Pop);
                self.emit(Op::Undef);
            }
            "!" => {
                self.expr(arg)?;
                self.emit(Op::Not);
            }
            "-" => {
                if let E::Num(n) = arg.k {
                    self.emit(Op::Num(-n));
                    return Ok(());
                }
                self.expr(arg)?;
                self.emit(Op::Neg);
            }
            "+" => {
                self.expr(arg)?;
                self.emit(Op::ToNum);
            }
            _ => {
                self.expr(arg)?;
                self.emit(Op::BitNot);
            }
        }
        Ok(())
    }

    fn update(&mut self, op: &str, prefix: bool, target: &'a Expr, pos: u32) -> R<()> {
        let inc = if op == "+" { Op::Inc } else { Op::Dec };
        match &target.k {
            E::Ident(n) => {
                self.load_name(n, target.pos)?;
                if prefix {
                    self.emit_at(inc, pos);
                    self.store_name(n, pos, true)?;
                } else {
                    self.emit(Op::ToNum);
                    self.emit(Op::Dup);
                    self.emit_at(inc, pos);
                    self.store_name(n, pos, false)?;
                }
            }
            E::Dot(o, name, _) => {
                self.expr(o)?;
                self.emit(Op::Dup);
                self.emit_at(Op::GetProp(name.clone()), target.pos);
                if prefix {
                    self.emit(inc);
                    self.emit_at(Op::SetProp(name.clone()), target.pos);
                } else {
                    self.emit(Op::ToNum);
                    self.emit(Op::Dup);
                    self.emit(Op::Rot3);
                    self.emit(inc);
                    self.emit_at(Op::SetProp(name.clone()), target.pos);
                    self.emit(Op::Pop);
                }
            }
            E::Member(o, k, _) => {
                self.expr(o)?;
                self.expr(k)?;
                self.emit(Op::Dup2);
                self.emit_at(Op::GetElem, target.pos);
                if prefix {
                    self.emit(inc);
                    self.emit_at(Op::SetElem, target.pos);
                } else {
                    self.emit(Op::ToNum);
                    self.emit(Op::Dup);
                    self.emit(Op::Rot4);
                    self.emit(inc);
                    self.emit_at(Op::SetElem, target.pos);
                    self.emit(Op::Pop);
                }
            }
            _ => return Err(self.err("Invalid left-hand side expression in postfix operation", target.pos, 1)),
        }
        Ok(())
    }

    fn bin_op(op: &str) -> Op {
        match op {
            "+" => Op::Add,
            "-" => Op::Sub,
            "*" => Op::Mul,
            "/" => Op::Div,
            "%" => Op::Mod,
            "**" => Op::Pow,
            "<<" => Op::Shl,
            ">>" => Op::Shr,
            ">>>" => Op::UShr,
            "&" => Op::BitAnd,
            "|" => Op::BitOr,
            _ => Op::BitXor,
        }
    }

    fn assign(&mut self, op: &'static str, target: &'a Pat, value: &'a Expr, pos: u32) -> R<()> {
        let logical = matches!(op, "&&" | "||" | "??");
        let jump_op = |op: &str| match op {
            "&&" => Op::JfKeep(0),
            "||" => Op::JtKeep(0),
            _ => Op::JnnKeep(0),
        };
        match target {
            Pat::Id(n, npos) => {
                if op.is_empty() {
                    self.expr(value)?;
                    self.name_anon(value, n);
                    self.store_name(n, pos, true)?;
                } else if logical {
                    self.load_name(n, *npos)?;
                    let j = self.emit(jump_op(op));
                    self.expr(value)?;
                    self.name_anon(value, n);
                    self.store_name(n, pos, true)?;
                    self.patch_here(j);
                } else {
                    self.load_name(n, *npos)?;
                    self.expr(value)?;
                    self.emit_at(Self::bin_op(op), pos);
                    self.store_name(n, pos, true)?;
                }
            }
            Pat::Expr(t) if op.is_empty() && matches!(t.k, E::Dot(..) | E::Member(..)) && !matches!(&t.k, E::Dot(o, ..) if matches!(o.k, E::Super)) && self.is_anon_fn(value) => {
                // obj.prop = function () {}: stored with its inferred name for stack traces.
                let (o, key) = match &t.k {
                    E::Dot(o, name, _) => (o, Err(name.clone())),
                    E::Member(o, k, _) => (o, Ok(k)),
                    _ => return Err(self.err("Invalid left-hand side in assignment", t.pos, 1)),
                };
                self.expr(o)?;
                if let Ok(k) = key {
                    self.expr(k)?;
                }
                self.expr(value)?;
                if let Some(n) = inferred_name(t) {
                    self.emit(Op::SetInferred(n.into()));
                }
                match key {
                    Err(name) => self.emit_at(Op::SetProp(name), t.pos),
                    Ok(_) => self.emit_at(Op::SetElem, t.pos),
                };
            }
            Pat::Expr(t) => match &t.k {
                E::Dot(o, name, _) => {
                    if let E::Super = o.k {
                        self.super_base()?;
                        self.emit(Op::Str(name.clone()));
                        self.expr(value)?;
                        self.emit_at(Op::SuperSet, pos);
                        return Ok(());
                    }
                    self.expr(o)?;
                    if op.is_empty() {
                        self.expr(value)?;
                    } else if logical {
                        self.emit(Op::Dup);
                        self.emit_at(Op::GetProp(name.clone()), t.pos);
                        let j = self.emit(jump_op(op));
                        self.expr(value)?;
                        self.emit_at(Op::SetProp(name.clone()), t.pos);
                        let j2 = self.emit(Op::Jmp(0));
                        self.patch_here(j);
                        self.emit(Op::Swap);
                        self.emit(Op::Pop);
                        self.patch_here(j2);
                        return Ok(());
                    } else {
                        self.emit(Op::Dup);
                        self.emit_at(Op::GetProp(name.clone()), t.pos);
                        self.expr(value)?;
                        self.emit_at(Self::bin_op(op), pos);
                    }
                    self.emit_at(Op::SetProp(name.clone()), t.pos);
                }
                E::Member(o, k, _) => {
                    self.expr(o)?;
                    self.expr(k)?;
                    if op.is_empty() {
                        self.expr(value)?;
                    } else if logical {
                        self.emit(Op::Dup2);
                        self.emit_at(Op::GetElem, t.pos);
                        let j = self.emit(jump_op(op));
                        self.expr(value)?;
                        self.emit_at(Op::SetElem, t.pos);
                        let j2 = self.emit(Op::Jmp(0));
                        self.patch_here(j);
                        self.emit(Op::Rot3);
                        self.emit(Op::Pop);
                        self.emit(Op::Pop);
                        self.patch_here(j2);
                        return Ok(());
                    } else {
                        self.emit(Op::Dup2);
                        self.emit_at(Op::GetElem, t.pos);
                        self.expr(value)?;
                        self.emit_at(Self::bin_op(op), pos);
                    }
                    self.emit_at(Op::SetElem, t.pos);
                }
                _ => return Err(self.err("Invalid left-hand side in assignment", t.pos, 1)),
            },
            _ => {
                self.expr(value)?;
                self.emit(Op::Dup);
                self.bind_pattern(target, None)?;
            }
        }
        Ok(())
    }

    /// Pushes `fn this` for a call.
    fn callee(&mut self, callee: &'a Expr) -> R<()> {
        match &callee.k {
            E::Dot(o, name, optional) => {
                if let E::Super = o.k {
                    self.super_base()?;
                    self.emit(Op::Str(name.clone()));
                    self.emit_at(Op::SuperGet, callee.pos);
                    self.this_value()?;
                    return Ok(());
                }
                self.expr(o)?;
                if *optional {
                    self.chain_exit(0);
                }
                self.emit_at(Op::GetMethod(name.clone()), callee.pos);
            }
            E::Member(o, k, optional) => {
                self.expr(o)?;
                if *optional {
                    self.chain_exit(0);
                }
                self.expr(k)?;
                self.emit_at(Op::GetElemMethod, callee.pos);
            }
            _ => {
                self.expr(callee)?;
                self.emit(Op::Undef);
            }
        }
        Ok(())
    }

    fn spread_args(&mut self, args: &'a [Arg]) -> R<()> {
        self.emit(Op::NewArr);
        for a in args {
            match a {
                Arg::Plain(x) => {
                    self.expr_at(x, None)?;
                    self.emit(Op::ArrPush);
                }
                Arg::Spread(x) => {
                    self.expr(x)?;
                    self.emit_at(Op::ArrSpread, x.pos);
                }
            }
        }
        Ok(())
    }

    fn call(&mut self, callee: &'a Expr, args: &'a [Arg], optional: bool, pos: u32) -> R<()> {
        if let E::Super = callee.k {
            if !self.f().derived_ctor && !self.is_in_derived_arrow() {
                return Err(self.err("'super' keyword unexpected here", callee.pos, 5));
            }
            if args.iter().any(|a| matches!(a, Arg::Spread(_))) {
                self.spread_args(args)?;
                self.emit_at(Op::SuperCallSpread, pos);
            } else {
                for a in args {
                    if let Arg::Plain(x) = a {
                        self.expr(x)?;
                    }
                }
                self.emit_at(Op::SuperCall(args.len() as u16), pos);
            }
            // Update a captured `this`.
            if let Some((Loc::Cell(i), _)) = self.resolve("this") {
                self.emit(Op::Dup);
                self.emit(Op::PutCell(i));
            }
            self.emit(Op::InitFields);
            return Ok(());
        }
        self.callee(callee)?;
        if optional {
            self.chain_exit(1);
        }
        let ci = self.callee_idx(callee_text(callee));
        if args.iter().any(|a| matches!(a, Arg::Spread(_))) {
            self.spread_args(args)?;
            self.emit_at(Op::CallSpread(ci), pos);
        } else {
            if args.len() > 60_000 {
                return Err(self.err("Too many arguments in function call (only 65535 allowed)", pos, 1));
            }
            for a in args {
                if let Arg::Plain(x) = a {
                    self.expr_at(x, None)?;
                }
            }
            self.emit_at(Op::Call(args.len() as u16, ci), pos);
        }
        Ok(())
    }
}

/// Where a pattern starts (its first name).
fn first_pat_pos(p: &Pat) -> u32 {
    match p {
        Pat::Id(_, pos) => *pos,
        Pat::Def(t, _) => first_pat_pos(t),
        Pat::Obj(props, _) => props.first().map(|(_, t)| first_pat_pos(t)).unwrap_or(0),
        Pat::Arr(elems, _) => elems.iter().flatten().next().map(first_pat_pos).unwrap_or(0),
        Pat::Expr(e) => e.pos,
    }
}

fn pat_pos(p: &Pat, name: &Name) -> u32 {
    match p {
        Pat::Id(n, pos) if n == name => *pos,
        Pat::Obj(props, rest) => props
            .iter()
            .map(|(_, t)| pat_pos(t, name))
            .chain(rest.iter().map(|r| pat_pos(r, name)))
            .find(|p| *p != 0)
            .unwrap_or(0),
        Pat::Arr(elems, rest) => elems
            .iter()
            .flatten()
            .map(|t| pat_pos(t, name))
            .chain(rest.iter().map(|r| pat_pos(r, name)))
            .find(|p| *p != 0)
            .unwrap_or(0),
        Pat::Def(t, _) => pat_pos(t, name),
        _ => 0,
    }
}

/// The `var` names declared in a body (not in nested functions).
fn collect_vars(body: &[Stmt], out: &mut Vec<(Name, u32)>) {
    for s in body {
        collect_vars_stmt(s, out);
    }
}

fn collect_vars_stmt(s: &Stmt, out: &mut Vec<(Name, u32)>) {
    let add = |p: &Pat, out: &mut Vec<(Name, u32)>| {
        let mut names = Vec::new();
        pat_names(p, &mut names);
        for n in names {
            let pos = pat_pos(p, &n);
            out.push((n, pos));
        }
    };
    match &s.k {
        S::Var(VarKind::Var, decls) => {
            for (p, _) in decls {
                add(p, out);
            }
        }
        S::If(_, t, e) => {
            collect_vars_stmt(t, out);
            if let Some(e) = e {
                collect_vars_stmt(e, out);
            }
        }
        S::For(init, _, _, body) => {
            if let Some(ForInit::Var(VarKind::Var, decls)) = init {
                for (p, _) in decls {
                    add(p, out);
                }
            }
            collect_vars_stmt(body, out);
        }
        S::ForIn(head, _, body) | S::ForOf(head, _, body, _) => {
            if let ForHead::Var(VarKind::Var, p) = head {
                add(p, out);
            }
            collect_vars_stmt(body, out);
        }
        S::While(_, b) | S::DoWhile(b, _) | S::Labeled(_, b) => collect_vars_stmt(b, out),
        S::Block(b) => collect_vars(b, out),
        S::Try(b, h, f) => {
            collect_vars(b, out);
            if let Some((_, hb)) = h {
                collect_vars(hb, out);
            }
            if let Some(f) = f {
                collect_vars(f, out);
            }
        }
        S::Switch(_, cases) => {
            for (_, b) in cases {
                collect_vars(b, out);
            }
        }
        S::Export(Some(d), _) => collect_vars_stmt(d, out),
        _ => {}
    }
}

/// V8's FuncNameInferrer for `a.b.c = function () {}`: the name stack traces show for an
/// anonymous function stored in a property (`this` and `prototype` left out, computed keys as
/// `<computed>`); `None` when the target is something else.
fn inferred_name(t: &Expr) -> Option<String> {
    fn go(e: &Expr, out: &mut Vec<String>, depth: u32) -> bool {
        if depth > 20 {
            return false;
        }
        match &e.k {
            E::Ident(n) => out.push(n.to_string()),
            E::This => {}
            E::Dot(o, n, _) => {
                if !go(o, out, depth + 1) {
                    return false;
                }
                if &**n != "prototype" {
                    out.push(n.to_string());
                }
            }
            E::Member(o, k, _) => {
                if !go(o, out, depth + 1) {
                    return false;
                }
                out.push(match &k.k {
                    E::Str(s) => s.to_string(),
                    _ => "<computed>".into(),
                });
            }
            _ => return false,
        }
        true
    }
    let mut parts = Vec::new();
    (go(t, &mut parts, 0) && !parts.is_empty()).then(|| parts.join("."))
}

/// V8's CallPrinter: how a callee is named in "x is not a function".
pub fn callee_text(e: &Expr) -> String {
    fn go(e: &Expr, depth: u32) -> String {
        if depth > 20 {
            return "(intermediate value)".into();
        }
        match &e.k {
            E::Ident(n) => n.to_string(),
            E::This => "this".into(),
            E::Dot(o, n, _) => format!("{}.{n}", go(o, depth + 1)),
            E::Member(o, k, _) => match &k.k {
                E::Str(s) => format!("{}.{s}", go(o, depth + 1)),
                E::Num(n) => format!("{}[{}]", go(o, depth + 1), super::num::to_str(*n)),
                _ => format!("{}[{}]", go(o, depth + 1), go(k, depth + 1)),
            },
            E::Call(c, _, _) => format!("{}(...)", go(c, depth + 1)),
            E::Chain(inner) => go(inner, depth),
            E::Str(s) => format!("\"{s}\""),
            E::Template(q, x) if x.is_empty() => format!("\"{}\"", q.first().map(|s| &**s).unwrap_or("")),
            E::Num(n) => super::num::to_str(*n),
            E::Logic(op, l, r) | E::Bin(op, l, r) => format!("({} {op} {})", go(l, depth + 1), go(r, depth + 1)),
            E::Unary(op, a) => {
                let sep = if op.len() > 1 { " " } else { "" };
                format!("({op}{sep}{})", go(a, depth + 1))
            }
            E::Super => "super".into(),
            _ => "(intermediate value)".into(),
        }
    }
    go(e, 0)
}

/// Collects every name referenced inside nested functions (conservatively: by name), so the
/// compiler can keep those bindings in cells.
struct Walker<'w> {
    out: &'w mut HashSet<Name>,
    nested: u32,
    /// `this` here is the outer function's `this` (only arrows in between).
    this_visible: bool,
}

impl Walker<'_> {
    fn name(&mut self, n: &Name) {
        if self.nested > 0 {
            self.out.insert(n.clone());
        }
    }
    fn pseudo(&mut self, n: &str) {
        if self.nested > 0 && self.this_visible {
            self.out.insert(n.into());
        }
    }
    fn func(&mut self, f: &Func) {
        let saved = self.this_visible;
        self.nested += 1;
        if f.kind != FnKind::Arrow {
            self.this_visible = false;
        }
        for p in &f.params {
            self.pat(p);
        }
        if let Some(r) = &f.rest {
            self.pat(r);
        }
        self.stmts(&f.body);
        self.nested -= 1;
        self.this_visible = saved;
    }
    fn class(&mut self, c: &Class) {
        if let Some(p) = &c.parent {
            self.expr(p);
        }
        if let Some(f) = &c.ctor {
            self.func(f);
        }
        for m in &c.members {
            if let PropKey::Computed(e) = &m.key {
                self.expr(e);
            }
            match &m.kind {
                MemberKind::Method(f) | MemberKind::Get(f) | MemberKind::Set(f) => self.func(f),
                MemberKind::Field(Some(e)) => {
                    let saved = self.this_visible;
                    self.nested += 1;
                    self.this_visible = false;
                    self.expr(e);
                    self.nested -= 1;
                    self.this_visible = saved;
                }
                MemberKind::StaticBlock(b) => {
                    let saved = self.this_visible;
                    self.nested += 1;
                    self.this_visible = false;
                    self.stmts(b);
                    self.nested -= 1;
                    self.this_visible = saved;
                }
                MemberKind::Field(None) => {}
            }
        }
        // The default derived constructor references `args`.
        self.nested += 1;
        self.out.insert("args".into());
        self.nested -= 1;
    }
    fn pat(&mut self, p: &Pat) {
        match p {
            Pat::Id(n, _) => self.name(n),
            Pat::Obj(props, rest) => {
                for (k, t) in props {
                    if let PropKey::Computed(e) = k {
                        self.expr(e);
                    }
                    self.pat(t);
                }
                if let Some(r) = rest {
                    self.pat(r);
                }
            }
            Pat::Arr(elems, rest) => {
                for t in elems.iter().flatten() {
                    self.pat(t);
                }
                if let Some(r) = rest {
                    self.pat(r);
                }
            }
            Pat::Def(t, d) => {
                self.pat(t);
                self.expr(d);
            }
            Pat::Expr(e) => self.expr(e),
        }
    }
    fn stmts(&mut self, b: &[Stmt]) {
        for s in b {
            self.stmt(s);
        }
    }
    fn stmt(&mut self, s: &Stmt) {
        match &s.k {
            S::Var(_, decls) => {
                for (p, e) in decls {
                    self.pat(p);
                    if let Some(e) = e {
                        self.expr(e);
                    }
                }
            }
            S::Expr(e) | S::Throw(e) | S::ExportDefault(e) => self.expr(e),
            S::Func(f) => {
                self.name(&f.name);
                self.func(f)
            }
            S::Class(c) => self.class(c),
            S::Block(b) => self.stmts(b),
            S::If(c, t, e) => {
                self.expr(c);
                self.stmt(t);
                if let Some(e) = e {
                    self.stmt(e);
                }
            }
            S::For(init, t, u, b) => {
                match init {
                    Some(ForInit::Var(_, decls)) => {
                        for (p, e) in decls {
                            self.pat(p);
                            if let Some(e) = e {
                                self.expr(e);
                            }
                        }
                    }
                    Some(ForInit::Expr(e)) => self.expr(e),
                    None => {}
                }
                if let Some(t) = t {
                    self.expr(t);
                }
                if let Some(u) = u {
                    self.expr(u);
                }
                self.stmt(b);
            }
            S::ForIn(h, e, b) | S::ForOf(h, e, b, _) => {
                match h {
                    ForHead::Var(_, p) | ForHead::Pat(p) => self.pat(p),
                }
                self.expr(e);
                self.stmt(b);
            }
            S::While(c, b) | S::DoWhile(b, c) => {
                self.expr(c);
                self.stmt(b);
            }
            S::Return(e) => {
                if let Some(e) = e {
                    self.expr(e);
                }
            }
            S::Try(b, h, f) => {
                self.stmts(b);
                if let Some((p, hb)) = h {
                    if let Some(p) = p {
                        self.pat(p);
                    }
                    self.stmts(hb);
                }
                if let Some(f) = f {
                    self.stmts(f);
                }
            }
            S::Switch(d, cases) => {
                self.expr(d);
                for (t, b) in cases {
                    if let Some(t) = t {
                        self.expr(t);
                    }
                    self.stmts(b);
                }
            }
            S::Labeled(_, b) => self.stmt(b),
            S::Export(d, names) => {
                if let Some(d) = d {
                    self.stmt(d);
                }
                for (l, _) in names {
                    self.name(l);
                }
            }
            _ => {}
        }
    }
    fn expr(&mut self, e: &Expr) {
        match &e.k {
            E::Ident(n) => self.name(n),
            E::This => self.pseudo("this"),
            E::Super => {
                self.pseudo("this");
                self.pseudo("%home");
            }
            E::NewTarget => self.pseudo("%nt"),
            E::Template(_, xs) | E::Seq(xs) => {
                for x in xs {
                    self.expr(x);
                }
            }
            E::Tagged(t, _, _, xs) => {
                self.expr(t);
                for x in xs {
                    self.expr(x);
                }
            }
            E::Array(items) => {
                for a in items.iter().flatten() {
                    match a {
                        Arg::Plain(x) | Arg::Spread(x) => self.expr(x),
                    }
                }
            }
            E::Object(props) => {
                for p in props {
                    match p {
                        PropDef::Value(k, v) => {
                            if let PropKey::Computed(x) = k {
                                self.expr(x);
                            }
                            self.expr(v);
                        }
                        PropDef::Short(n, _, d) => {
                            self.name(n);
                            if let Some(d) = d {
                                self.expr(d);
                            }
                        }
                        PropDef::Get(k, f) | PropDef::Set(k, f) => {
                            if let PropKey::Computed(x) = k {
                                self.expr(x);
                            }
                            self.func(f);
                        }
                        PropDef::Spread(x) => self.expr(x),
                    }
                }
            }
            E::Func(f) => self.func(f),
            E::Class(c) => self.class(c),
            E::Unary(_, a) | E::Update(_, _, a) | E::Await(a) | E::Chain(a) | E::Import(a) => self.expr(a),
            E::Bin(_, l, r) | E::Logic(_, l, r) => {
                self.expr(l);
                self.expr(r);
            }
            E::Assign(_, t, v) => {
                self.pat(t);
                self.expr(v);
            }
            E::Cond(a, b, c) => {
                self.expr(a);
                self.expr(b);
                self.expr(c);
            }
            E::Call(c, args, _) | E::New(c, args) => {
                if let E::Super = c.k {
                    self.pseudo("this");
                }
                self.expr(c);
                for a in args {
                    match a {
                        Arg::Plain(x) | Arg::Spread(x) => self.expr(x),
                    }
                }
            }
            E::Member(o, k, _) => {
                self.expr(o);
                self.expr(k);
            }
            E::Dot(o, _, _) => self.expr(o),
            E::Yield(a, _) => {
                if let Some(a) = a {
                    self.expr(a);
                }
            }
            E::Num(_) | E::Str(_) | E::Regex(..) => {}
        }
    }
}

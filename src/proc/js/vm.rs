//! The bytecode interpreter. Frames are data (not Rust recursion), so a run can stop when its
//! step budget is spent and continue at the next `step`, and an async function's frame can be
//! set aside at `await` and resumed from a promise job.

use std::collections::VecDeque;
use std::rc::Rc;

use super::ast::FnKind;
use super::code::{Code, Op, Script};
use super::host::Host;
use super::num;
use super::object::*;
use super::value::*;
use crate::proc::program::Ctx;

/// Instructions one `step` runs before it yields (`Waiting { until: now }`).
pub const STEP_BUDGET: u64 = 200_000;
/// Instructions a callback run from inside a builtin (`forEach`, a getter, `http` handler…)
/// may take before the program is stopped: such runs cannot yield.
pub const NESTED_CAP: u64 = 50_000_000;
/// Call depth at which V8 throws `RangeError: Maximum call stack size exceeded`.
pub const MAX_FRAMES: usize = 9_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrKind {
    Error,
    Type,
    Range,
    Reference,
    Syntax,
    Uri,
    Eval,
    Aggregate,
}

impl ErrKind {
    pub fn name(self) -> &'static str {
        match self {
            ErrKind::Error => "Error",
            ErrKind::Type => "TypeError",
            ErrKind::Range => "RangeError",
            ErrKind::Reference => "ReferenceError",
            ErrKind::Syntax => "SyntaxError",
            ErrKind::Uri => "URIError",
            ErrKind::Eval => "EvalError",
            ErrKind::Aggregate => "AggregateError",
        }
    }
    pub const ALL: [ErrKind; 8] = [
        ErrKind::Error,
        ErrKind::Type,
        ErrKind::Range,
        ErrKind::Reference,
        ErrKind::Syntax,
        ErrKind::Uri,
        ErrKind::Eval,
        ErrKind::Aggregate,
    ];
}

/// Well-known objects.
#[derive(Clone, Debug, Default)]
pub struct Realm {
    pub global: Oid,
    pub object_proto: Oid,
    pub function_proto: Oid,
    pub array_proto: Oid,
    pub string_proto: Oid,
    pub number_proto: Oid,
    pub boolean_proto: Oid,
    pub symbol_proto: Oid,
    pub error_protos: [Oid; 8],
    pub error_ctors: [Oid; 8],
    pub promise_proto: Oid,
    pub promise_ctor: Oid,
    pub date_proto: Oid,
    pub map_proto: Oid,
    pub set_proto: Oid,
    pub iter_proto: Oid,
    pub array_iter_proto: Oid,
    pub generator_proto: Oid,
    pub async_generator_proto: Oid,
    pub regexp_proto: Oid,
    pub object_ctor: Oid,
    pub array_ctor: Oid,
    pub function_ctor: Oid,
    /// The getter and setter of errors' lazy `stack` property.
    pub stack_accessors: (Oid, Oid),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ret {
    Normal,
    Construct,
    /// An async function: its promise, and whether it has been resumed (its first part ran).
    Async(Oid, bool),
    /// A generator's frame.
    Gen(Oid),
    /// An async generator's frame.
    AsyncGen(Oid),
}

#[derive(Clone, Debug)]
pub struct Frame {
    pub code: Rc<Code>,
    pub func: Option<Oid>,
    pub pc: u32,
    pub locals: Vec<Val>,
    pub cells: Vec<Cid>,
    pub stack: Vec<Val>,
    pub handlers: Vec<(u32, u32)>,
    pub this: Val,
    pub args: Vec<Val>,
    pub new_target: Option<Oid>,
    pub ret: Ret,
    /// The stack-trace text bundled code gave this call (`host.site`).
    pub label: Option<Str>,
}

impl Frame {
    /// The source position the frame is at (its current or last operation).
    pub fn pos(&self) -> u32 {
        let i = (self.pc as usize).saturating_sub(1);
        self.code.pos.get(i).copied().unwrap_or(self.code.def_pos)
    }
}

/// A queued microtask.
#[derive(Clone, Debug)]
pub enum Job {
    /// A promise reaction with the settled value.
    Reaction(Reaction, Val, bool),
    /// `resolve(thenable)`: call `thenable.then(resolve, reject)` for `promise`.
    Thenable(Oid, Val, Val),
    /// `queueMicrotask(fn)`.
    Call(Val),
}

/// A builtin on the Rust stack, for stack traces (`at Array.map (<anonymous>)`).
#[derive(Clone, Debug)]
pub struct NativeRec {
    pub callee: Oid,
    pub this: Val,
    pub depth: u32,
    pub construct: bool,
}

/// How a run ended.
#[derive(Clone, Debug)]
pub enum Outcome {
    Done(Val),
    Threw(Val),
    /// The step budget ran out; the frames stay for the next step.
    Yield,
}

enum Unwind {
    Caught,
    Propagate(Val),
    Finished(Val),
}

#[derive(Clone, Debug)]
pub struct Vm {
    pub heap: Heap,
    pub frames: Vec<Frame>,
    pub realm: Realm,
    pub jobs: VecDeque<Job>,
    pub symbols: Vec<Str>,
    /// `Symbol.for` registry.
    pub sym_registry: Vec<(Str, u32)>,
    pub steps: u64,
    pub budget_end: u64,
    /// Where the exception in flight was thrown (for the uncaught-error header).
    pub throw_site: Option<(Rc<Script>, u32)>,
    pub natives: Vec<NativeRec>,
    /// A condition that stops the program (unsupported feature, runaway callback).
    pub fatal: Option<String>,
    /// `process.exit(code)` was called: everything unwinds.
    pub exit: Option<i32>,
    pub host: Host,
    /// Rejected promises without a handler, checked after the microtasks drain.
    pub pending_rejections: Vec<Oid>,
    /// Arrays being joined (cycles join as empty strings).
    pub join_stack: Vec<Oid>,
    /// Set while a run that cannot yield is in progress (its start, for `NESTED_CAP`).
    pub nested_start: Option<u64>,
}

impl Vm {
    pub fn new(host: Host) -> Vm {
        let mut vm = Vm {
            heap: Heap::default(),
            frames: Vec::new(),
            realm: Realm::default(),
            jobs: VecDeque::new(),
            symbols: vec![
                "Symbol.iterator".into(),
                "Symbol.asyncIterator".into(),
                "Symbol.hasInstance".into(),
                "Symbol.toPrimitive".into(),
                "Symbol.toStringTag".into(),
                "nodejs.util.inspect.custom".into(),
            ],
            sym_registry: vec![("nodejs.util.inspect.custom".into(), SYM_INSPECT)],
            steps: 0,
            budget_end: u64::MAX,
            throw_site: None,
            natives: Vec::new(),
            fatal: None,
            exit: None,
            host,
            pending_rejections: Vec::new(),
            join_stack: Vec::new(),
            nested_start: None,
        };
        super::builtins::install(&mut vm);
        vm
    }

    // ---- allocation helpers ----

    pub fn new_object(&mut self) -> Oid {
        let p = self.realm.object_proto;
        self.heap.alloc(Obj::new(Some(p), Kind::Ordinary))
    }

    pub fn new_array(&mut self, v: Vec<Val>) -> Val {
        let p = self.realm.array_proto;
        Val::Obj(self.heap.alloc(Obj::new(Some(p), Kind::Array(v))))
    }

    pub fn native(&mut self, name: &str, len: u32, f: NativeFn) -> Oid {
        let p = self.realm.function_proto;
        let o = self.heap.alloc(Obj::new(Some(p), Kind::Native(f, Val::Undef)));
        let obj = self.heap.get_mut(o);
        obj.props.insert(Key::s("length"), Slot::V(Val::Num(len as f64)), CONF);
        obj.props.insert(Key::s("name"), Slot::V(Val::str(name)), CONF);
        o
    }

    /// A native function carrying data (resolve functions, bound helpers), unnamed.
    pub fn native_with(&mut self, f: NativeFn, data: Val) -> Oid {
        let p = self.realm.function_proto;
        self.heap.alloc(Obj::new(Some(p), Kind::Native(f, data)))
    }

    pub fn array_items(&self, v: &Val) -> Option<Vec<Val>> {
        match v {
            Val::Obj(o) => match &self.heap.get(*o).kind {
                Kind::Array(items) => Some(items.clone()),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn is_array(&self, v: &Val) -> bool {
        matches!(v, Val::Obj(o) if matches!(self.heap.get(*o).kind, Kind::Array(_)) && self.heap.get(*o).tag != Some("Arguments"))
    }

    /// Marks a builtin V8 does not show as a stack frame (`require`, `Function.prototype.call`).
    pub fn hide(&mut self, f: Oid) {
        self.heap.get_mut(f).tag = Some("hidden");
    }

    pub fn is_callable(&self, v: &Val) -> bool {
        matches!(v, Val::Obj(o) if self.heap.get(*o).is_callable())
    }

    // ---- errors ----

    /// A new error object of a kind with the stack captured here.
    pub fn error(&mut self, kind: ErrKind, msg: &str) -> Val {
        let idx = ErrKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        let proto = self.realm.error_protos[idx];
        let o = self.heap.alloc(Obj::new(Some(proto), Kind::Error(Box::default())));
        self.heap.get_mut(o).props.insert(Key::s("message"), Slot::V(Val::str(msg)), HIDDEN);
        self.capture_stack(o, 0);
        Val::Obj(o)
    }

    /// Stops the program with `dockling: node: <what>` (an unsupported feature).
    pub fn fatal(&mut self, what: &str) -> Val {
        if self.fatal.is_none() {
            self.fatal = Some(format!("dockling: node: {what}"));
        }
        Val::Undef
    }

    /// Records the current frames on an error (the `stack` property formats them lazily).
    pub fn capture_stack(&mut self, o: Oid, skip: usize) {
        self.capture_stack_until(o, skip, None);
    }

    pub fn capture_stack_until(&mut self, o: Oid, skip: usize, until: Option<Oid>) {
        let lines = self.stack_lines_until(skip, until);
        // The site (for a rejection's arrow) is the trace's first frame: the caller of a
        // subclass constructor.
        let below = until.and_then(|u| self.frames.iter().rposition(|f| f.func == Some(u))).and_then(|i| i.checked_sub(1));
        let site = below.and_then(|i| self.frames.get(i)).or(self.frames.last()).map(|f| (f.code.script.clone(), f.pos()));
        let is_error = matches!(self.heap.get(o).kind, Kind::Error(_));
        if !is_error {
            // Error.captureStackTrace on a plain object: format now.
            let mut s = String::from("Error");
            for l in &lines {
                s.push_str("\n    at ");
                s.push_str(l);
            }
            self.heap.get_mut(o).props.insert(Key::s("stack"), Slot::V(Val::Str(s.into())), HIDDEN);
            return;
        }
        if let Kind::Error(info) = &mut self.heap.get_mut(o).kind {
            info.frames = lines;
            info.site = site;
        }
        let (g, s) = self.realm.stack_accessors;
        self.heap.get_mut(o).props.insert(Key::s("stack"), Slot::Acc(Some(g), Some(s)), CONF);
    }

    /// The `at …` lines for the current stack (Error.stackTraceLimit = 10).
    pub fn stack_lines(&mut self, skip: usize) -> Vec<String> {
        self.stack_lines_until(skip, None)
    }

    /// The stack lines, dropping everything up to (and including) the innermost call of
    /// `until` when it is on the stack (V8 starts an error's trace at its constructor's caller).
    pub fn stack_lines_until(&mut self, skip: usize, until: Option<Oid>) -> Vec<String> {
        // Entries from the innermost: a builtin (index into natives) or a frame.
        enum Entry {
            Native(usize),
            Frame(usize),
        }
        let mut entries = Vec::new();
        let mut ni = self.natives.len();
        let mut fi = self.frames.len();
        while entries.len() < 400 {
            // A builtin called from frame index n sits above frames[n-1].
            if ni > 0 && self.natives[ni - 1].depth as usize >= fi {
                ni -= 1;
                entries.push(Entry::Native(ni));
                continue;
            }
            if fi == 0 {
                break;
            }
            fi -= 1;
            // Frames of the bundled modules are hidden unless they carry the real frame's text.
            if !self.frames[fi].code.script.internal || self.frame_label(fi).is_some() {
                entries.push(Entry::Frame(fi));
            }
        }
        let mut start = skip.min(entries.len());
        if let Some(u) = until {
            let hit = entries.iter().position(|e| match e {
                Entry::Native(i) => self.natives[*i].callee == u,
                Entry::Frame(i) => self.frames[*i].func == Some(u),
            });
            if let Some(h) = hit {
                start = start.max(h + 1);
            }
        }
        let mut out = Vec::new();
        for e in entries.into_iter().skip(start) {
            if out.len() >= 10 {
                break;
            }
            match e {
                Entry::Native(i) => {
                    let rec = self.natives[i].clone();
                    if let Some(l) = self.native_frame_line(&rec) {
                        out.push(l);
                    }
                }
                Entry::Frame(i) => {
                    let line = self.frame_line(i);
                    out.push(line);
                }
            }
        }
        // Async callers waiting on the bottom frame.
        if out.len() < 10 {
            if let Some(f) = self.frames.first() {
                if let Ret::Async(p, true) = f.ret {
                    let mut p = p;
                    let mut guard = 0;
                    while out.len() < 10 && guard < 10 {
                        guard += 1;
                        let Some(next) = self.awaiting_frame(p) else { break };
                        let (line, promise) = next;
                        out.push(line);
                        p = promise;
                    }
                }
            }
        }
        for l in self.host.bottom_frames() {
            if out.len() >= 10 {
                break;
            }
            out.push(l);
        }
        out
    }

    /// `async f (file:l:c)` for an async function suspended awaiting promise `p`.
    fn awaiting_frame(&mut self, p: Oid) -> Option<(String, Oid)> {
        let Kind::Promise(pd) = &self.heap.get(p).kind else { return None };
        for r in &pd.reactions {
            if let Reaction::Resume(s) = r {
                if let Kind::Suspended(Some(f)) = &self.heap.get(*s).kind {
                    let f = (**f).clone();
                    let name = f.code.name.to_string();
                    let loc = self.location(&f.code.script, f.pos());
                    let promise = match f.ret {
                        Ret::Async(p2, _) => p2,
                        _ => return None,
                    };
                    let shown = if name.is_empty() { "<anonymous>".to_string() } else { name };
                    return Some((format!("async {shown} ({loc})"), promise));
                }
            }
        }
        None
    }

    pub fn location(&self, script: &Script, pos: u32) -> String {
        let (l, c, _) = super::lex::line_col(&script.src, pos);
        format!("{}:{l}:{c}", script.name)
    }

    fn native_frame_line(&mut self, rec: &NativeRec) -> Option<String> {
        // Builtins V8 does not show as frames.
        if self.heap.get(rec.callee).tag == Some("hidden") {
            return None;
        }
        let name = self.fn_name(rec.callee);
        // Anonymous builtins (promise resolving and element functions) are not shown.
        if name.is_empty() {
            return None;
        }
        if rec.construct {
            return Some(format!("new {name} (<anonymous>)"));
        }
        let ty = match &rec.this {
            Val::Obj(o) => {
                let o = *o;
                if let Some(Slot::V(Val::Str(t))) = self.lookup(o, &Key::Sym(SYM_TO_STRING_TAG)) {
                    Some(t.to_string())
                } else if let Some(t) = self.heap.get(o).tag {
                    Some(t.to_string())
                } else if o == self.realm.global {
                    None
                } else if self.heap.get(o).is_callable() {
                    Some("Function".into())
                } else {
                    self.constructor_name(o).or_else(|| Some("Object".into()))
                }
            }
            Val::Str(_) => Some("String".into()),
            Val::Num(_) => Some("Number".into()),
            Val::Bool(_) => Some("Boolean".into()),
            _ => None,
        };
        // Builtins that are not interesting in node's traces are still shown by V8.
        Some(match ty {
            Some(t) => format!("{t}.{name} (<anonymous>)"),
            None => format!("{name} (<anonymous>)"),
        })
    }

    /// The `%frame` label of a bundled module's function (the real package's frame text).
    fn frame_label(&self, i: usize) -> Option<String> {
        if let Some(l) = &self.frames[i].label {
            return Some(l.to_string());
        }
        let f = self.frames[i].func?;
        match self.heap.get(f).props.get(&Key::s("%frame")) {
            Some(Prop { slot: Slot::V(Val::Str(s)), .. }) => Some(s.to_string()),
            _ => None,
        }
    }

    /// One `at` line for frame `i`, named as V8 names it.
    fn frame_line(&mut self, i: usize) -> String {
        if self.frames[i].code.script.internal {
            if let Some(l) = self.frame_label(i) {
                return l;
            }
        }
        let f = &self.frames[i];
        let code = f.code.clone();
        let pos = f.pos();
        let this = f.this.clone();
        let func = f.func;
        let is_construct = f.ret == Ret::Construct || f.new_target.is_some() && matches!(code.kind, FnKind::Ctor { .. });
        let loc = self.location(&code.script, pos);
        let mut fname = match func {
            Some(fo) => self.fn_name(fo).to_string(),
            None => code.name.to_string(),
        };
        if fname.is_empty() {
            if let Some(Prop { slot: Slot::V(Val::Str(n)), .. }) = func.and_then(|fo| self.heap.get(fo).props.get(&Key::s("%inferred"))) {
                fname = n.to_string();
            }
        }
        let prefix = "";
        if is_construct {
            let n = if fname.is_empty() { "<anonymous>".to_string() } else { fname };
            return format!("{prefix}new {n} ({loc})");
        }
        let receiver = match &this {
            Val::Obj(o) if *o != self.realm.global => Some(*o),
            _ => None,
        };
        match receiver {
            None => {
                if fname.is_empty() {
                    format!("{prefix}{loc}")
                } else {
                    format!("{prefix}{fname} ({loc})")
                }
            }
            Some(r) => {
                let ty = self.receiver_type(r);
                let mname = func.and_then(|fo| self.method_name(r, fo));
                let mut s = String::from(prefix);
                if fname.is_empty() {
                    s.push_str(&ty);
                    s.push('.');
                    s.push_str(mname.as_deref().unwrap_or("<anonymous>"));
                } else {
                    // The receiver's type is shown before plain identifiers only (not before
                    // `get x` or inferred `a.b.c`), unless the name already starts with it.
                    let ident = fname.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '$');
                    if ident && !fname.starts_with(&ty) {
                        s.push_str(&ty);
                        s.push('.');
                    }
                    s.push_str(&fname);
                    if let Some(m) = mname {
                        if fname != m && !fname.ends_with(&format!(".{m}")) {
                            s.push_str(&format!(" [as {m}]"));
                        }
                    }
                }
                format!("{s} ({loc})")
            }
        }
    }

    fn receiver_type(&mut self, o: Oid) -> String {
        if let Some(t) = self.heap.get(o).tag {
            return t.to_string();
        }
        if self.heap.get(o).is_callable() {
            // A class shows as its name (a static method's receiver); other functions as Function.
            let is_class = matches!(&self.heap.get(o).kind, Kind::Func(c) if c.is_class);
            if !is_class {
                return "Function".into();
            }
            let n = self.fn_name(o);
            if !n.is_empty() {
                return n.to_string();
            }
            if let Some(Prop { slot: Slot::V(Val::Str(n)), .. }) = self.heap.get(o).props.get(&Key::s("%inferred")) {
                return n.to_string();
            }
            return "Function".into();
        }
        self.constructor_name(o).unwrap_or_else(|| "Object".into())
    }

    /// The property name under which `f` is found on `r` (own first, then the chain).
    fn method_name(&mut self, r: Oid, f: Oid) -> Option<String> {
        let mut cur = Some(r);
        let mut guard = 0;
        while let Some(c) = cur {
            for p in &self.heap.get(c).props.list {
                let Key::S(k) = &p.key else { continue };
                let hit = match &p.slot {
                    Slot::V(Val::Obj(x)) => *x == f,
                    Slot::Acc(g, s) => *g == Some(f) || *s == Some(f),
                    _ => false,
                };
                if hit {
                    return Some(k.to_string());
                }
            }
            cur = self.heap.get(c).proto;
            guard += 1;
            if guard > 50 {
                break;
            }
        }
        None
    }

    // ---- calls ----

    /// Calls a function from Rust and runs it to completion.
    pub fn call(&mut self, ctx: &mut Ctx, f: &Val, this: Val, args: Vec<Val>) -> Res {
        self.call_full(ctx, f, this, args, None)
    }


    fn call_full(&mut self, ctx: &mut Ctx, f: &Val, this: Val, args: Vec<Val>, new_target: Option<Oid>) -> Res {
        let Val::Obj(fo) = f else {
            let shown = self.prim_str(f);
            return Err(self.error(ErrKind::Type, &format!("{shown} is not a function")));
        };
        let depth = self.frames.len();
        match self.enter(ctx, *fo, this, args, new_target, "")? {
            Some(v) => Ok(v),
            None => {
                let outer = self.nested_start.is_none();
                if outer {
                    self.nested_start = Some(self.steps);
                }
                let r = self.run(ctx, depth);
                if outer {
                    self.nested_start = None;
                }
                match r {
                    Outcome::Done(v) => Ok(v),
                    Outcome::Threw(e) => Err(e),
                    Outcome::Yield => Err(self.fatal("internal: nested run yielded")),
                }
            }
        }
    }

    /// Starts a call: natives run now (`Some(result)`), closures get a frame (`None`).
    pub fn enter(&mut self, ctx: &mut Ctx, f: Oid, this: Val, args: Vec<Val>, new_target: Option<Oid>, callee_text: &str) -> Result<Option<Val>, Val> {
        if self.frames.len() >= MAX_FRAMES {
            return Err(self.error(ErrKind::Range, "Maximum call stack size exceeded"));
        }
        let kind = match &self.heap.get(f).kind {
            Kind::Func(c) => Some((c.code.clone(), c.is_class)),
            _ => None,
        };
        if let Some((code, is_class)) = kind {
            if new_target.is_none() && is_class {
                let n = code.name.clone();
                return Err(self.error(ErrKind::Type, &format!("Class constructor {n} cannot be invoked without 'new'")));
            }
            if new_target.is_some() && !(self.is_constructor_code(&code) || is_class) {
                let t = if callee_text.is_empty() { code.name.to_string() } else { callee_text.to_string() };
                return Err(self.error(ErrKind::Type, &format!("{t} is not a constructor")));
            }
            if code.is_gen {
                let frame = Box::new(self.make_frame(f, this, args, None, Ret::Normal));
                let p = if code.is_async { self.realm.async_generator_proto } else { self.realm.generator_proto };
                let proto = match self.get_obj(ctx, f, &Key::s("prototype"), &Val::Obj(f))? {
                    Val::Obj(p) => p,
                    _ => p,
                };
                let kind = if code.is_async { Kind::AsyncGen(Box::new(AsyncGenData { frame: Some(frame), ..Default::default() })) } else { Kind::Generator(Some(frame), false) };
                let g = self.heap.alloc(Obj::new(Some(proto), kind));
                return Ok(Some(Val::Obj(g)));
            }
            let (this, ret) = match new_target {
                Some(nt) => {
                    if matches!(code.kind, FnKind::Ctor { derived: true }) {
                        (Val::Empty, Ret::Construct)
                    } else {
                        let proto = match self.get_obj(ctx, nt, &Key::s("prototype"), &Val::Obj(nt))? {
                            Val::Obj(p) => p,
                            _ => self.realm.object_proto,
                        };
                        let obj = self.heap.alloc(Obj::new(Some(proto), Kind::Ordinary));
                        (Val::Obj(obj), Ret::Construct)
                    }
                }
                None => {
                    if code.is_async {
                        let p = self.new_promise();
                        (this, Ret::Async(p, false))
                    } else {
                        (this, Ret::Normal)
                    }
                }
            };
            let frame = self.make_frame(f, this, args, new_target, ret);
            self.frames.push(frame);
            return Ok(None);
        }
        match self.heap.get(f).kind.clone() {
            Kind::Native(nf, data) => {
                self.natives.push(NativeRec {
                    callee: f,
                    this: this.clone(),
                    depth: self.frames.len() as u32,
                    construct: new_target.is_some(),
                });
                let mut call = Call {
                    this,
                    args,
                    new_target,
                    data,
                    callee: f,
                };
                let r = nf(self, ctx, &mut call);
                self.natives.pop();
                r.map(Some)
            }
            Kind::Bound(target, bthis, bargs) => {
                let mut all = bargs;
                all.extend(args);
                let nt = new_target.map(|n| if n == f { target } else { n });
                let this = if nt.is_some() { Val::Undef } else { bthis };
                self.enter(ctx, target, this, all, nt, callee_text)
            }
            _ => {
                let t = if callee_text.is_empty() { "value".to_string() } else { callee_text.to_string() };
                let what = if new_target.is_some() { "constructor" } else { "function" };
                Err(self.error(ErrKind::Type, &format!("{t} is not a {what}")))
            }
        }
    }

    pub fn make_frame(&mut self, f: Oid, this: Val, args: Vec<Val>, new_target: Option<Oid>, ret: Ret) -> Frame {
        let (code, captured) = match &self.heap.get(f).kind {
            Kind::Func(c) => (c.code.clone(), c.cells.clone()),
            _ => unreachable_frame(),
        };
        let mut cells: Vec<Option<Cid>> = vec![None; code.n_cells as usize];
        for (k, (my, _)) in code.captures.iter().enumerate() {
            if let (Some(slot), Some(c)) = (cells.get_mut(*my as usize), captured.get(k)) {
                *slot = Some(*c);
            }
        }
        let cells: Vec<Cid> = cells.into_iter().map(|c| c.unwrap_or_else(|| self.heap.cell(Val::Undef))).collect();
        let this = if !code.strict && code.kind != FnKind::Arrow && this.is_nullish() && !matches!(this, Val::Empty) && new_target.is_none() {
            Val::Obj(self.realm.global)
        } else {
            this
        };
        Frame {
            locals: vec![Val::Undef; code.n_locals as usize],
            code,
            func: Some(f),
            pc: 0,
            cells,
            stack: Vec::with_capacity(8),
            handlers: Vec::new(),
            this,
            args,
            new_target,
            ret,
            label: None,
        }
    }

    /// Runs frames above `depth` until the frame at `depth` finishes.
    pub fn run(&mut self, ctx: &mut Ctx, depth: usize) -> Outcome {
        loop {
            if self.frames.len() <= depth {
                return Outcome::Done(Val::Undef);
            }
            let fi = self.frames.len() - 1;
            let code = self.frames[fi].code.clone();
            // Ops of the same frame run without looking the frame up again.
            loop {
                if self.fatal.is_some() || self.exit.is_some() {
                    return self.unwind_fatal(depth);
                }
                self.steps += 1;
                if depth == 0 && self.nested_start.is_none() && self.steps >= self.budget_end {
                    return Outcome::Yield;
                }
                if let Some(start) = self.nested_start {
                    if self.steps - start > NESTED_CAP {
                        self.fatal(&format!("a callback ran more than {NESTED_CAP} steps without returning (long synchronous callbacks inside builtins are not simulated)"));
                        continue;
                    }
                }
                let pc = self.frames[fi].pc as usize;
                let Some(op) = code.ops.get(pc) else {
                    // Fell off the end (should not happen: every function ends with Return).
                    match self.complete(Val::Undef, depth) {
                        Ok(Some(r)) => return Outcome::Done(r),
                        Ok(None) => {}
                        Err(e) => match self.unwind(e, depth) {
                            Unwind::Caught => {}
                            Unwind::Propagate(e) => return Outcome::Threw(e),
                            Unwind::Finished(v) => return Outcome::Done(v),
                        },
                    }
                    break;
                };
                self.frames[fi].pc += 1;
                if self.fast(op, fi) {
                    continue;
                }
                match self.exec(ctx, op, fi, &code, depth) {
                    Ok(Flow::Next) => {}
                    Ok(Flow::Return(v)) => return Outcome::Done(v),
                    Err(exc) => {
                        if self.throw_site.is_none() {
                            self.throw_site = Some((code.script.clone(), code.pos.get(pc).copied().unwrap_or(0)));
                        }
                        match self.unwind(exc, depth) {
                            Unwind::Caught => self.throw_site = None,
                            Unwind::Propagate(e) => return Outcome::Threw(e),
                            Unwind::Finished(v) => return Outcome::Done(v),
                        }
                    }
                }
                if self.frames.len() != fi + 1 || !Rc::ptr_eq(&self.frames[fi].code, &code) {
                    break;
                }
            }
        }
    }

    /// The commonest simple ops (locals, numbers, jumps), done without `exec`'s large frame;
    /// `false` leaves the op to `exec`.
    #[inline(always)]
    fn fast(&mut self, op: &Op, fi: usize) -> bool {
        let f = &mut self.frames[fi];
        match op {
            Op::Local(i) => {
                let v = f.locals.get(*i as usize).cloned().unwrap_or(Val::Undef);
                f.stack.push(v);
            }
            Op::PutLocal(i) => {
                let v = f.stack.pop().unwrap_or(Val::Undef);
                if let Some(s) = f.locals.get_mut(*i as usize) {
                    *s = v;
                }
            }
            Op::SetLocal(i) => {
                let v = f.stack.last().cloned().unwrap_or(Val::Undef);
                if let Some(s) = f.locals.get_mut(*i as usize) {
                    *s = v;
                }
            }
            Op::Cell(i) => {
                let v = f.cells.get(*i as usize).map(|c| self.heap.cell_get(*c)).unwrap_or(Val::Undef);
                f.stack.push(v);
            }
            Op::LocalChk(i) => match f.locals.get(*i as usize) {
                Some(Val::Empty) => return false,
                v => {
                    let v = v.cloned().unwrap_or(Val::Undef);
                    f.stack.push(v);
                }
            },
            Op::ChkLocal(i) => {
                if let Some(Val::Empty) = f.locals.get(*i as usize) {
                    return false;
                }
            }
            Op::Dup => match f.stack.last() {
                Some(v) => {
                    let v = v.clone();
                    f.stack.push(v);
                }
                None => return false,
            },
            Op::ToNum => {
                if !matches!(f.stack.last(), Some(Val::Num(_))) {
                    return false;
                }
            }
            Op::Num(n) => f.stack.push(Val::Num(*n)),
            Op::Pop => {
                f.stack.pop();
            }
            Op::Jmp(t) => f.pc = *t,
            Op::Jf(t) | Op::Jt(t) => match f.stack.last() {
                Some(Val::Bool(b)) => {
                    if *b == matches!(op, Op::Jt(_)) {
                        f.pc = *t;
                    }
                    f.stack.pop();
                }
                _ => return false,
            },
            Op::Add | Op::Sub | Op::Mul | Op::Lt | Op::Gt | Op::Le | Op::Ge => {
                let n = f.stack.len();
                let (Some(Val::Num(x)), Some(Val::Num(y))) = (f.stack.get(n.wrapping_sub(2)), f.stack.get(n.wrapping_sub(1))) else { return false };
                let (x, y) = (*x, *y);
                let r = match op {
                    Op::Add => Val::Num(x + y),
                    Op::Sub => Val::Num(x - y),
                    Op::Mul => Val::Num(x * y),
                    Op::Lt => Val::Bool(x < y),
                    Op::Gt => Val::Bool(x > y),
                    Op::Le => Val::Bool(x <= y),
                    _ => Val::Bool(x >= y),
                };
                f.stack.truncate(n - 2);
                f.stack.push(r);
            }
            Op::Inc | Op::Dec => match f.stack.last_mut() {
                Some(Val::Num(x)) => *x += if matches!(op, Op::Inc) { 1.0 } else { -1.0 },
                _ => return false,
            },
            _ => return false,
        }
        true
    }

    fn unwind_fatal(&mut self, depth: usize) -> Outcome {
        while self.frames.len() > depth {
            self.frames.pop();
        }
        Outcome::Threw(Val::Undef)
    }

    fn unwind(&mut self, exc: Val, depth: usize) -> Unwind {
        loop {
            if self.fatal.is_some() || self.exit.is_some() {
                while self.frames.len() > depth {
                    self.frames.pop();
                }
                return Unwind::Propagate(Val::Undef);
            }
            if self.frames.len() <= depth {
                return Unwind::Propagate(exc);
            }
            let Some(f) = self.frames.last_mut() else { return Unwind::Propagate(exc) };
            if let Some((pc, sp)) = f.handlers.pop() {
                f.stack.truncate(sp as usize);
                f.stack.push(exc);
                f.pc = pc;
                return Unwind::Caught;
            }
            let Some(f) = self.frames.pop() else { return Unwind::Propagate(exc) };
            match f.ret {
                Ret::Async(p, resumed) => {
                    self.reject_promise(p, exc);
                    let result = if resumed { Val::Undef } else { Val::Obj(p) };
                    return match self.deliver(result, depth) {
                        Some(v) => Unwind::Finished(v),
                        None => Unwind::Caught,
                    };
                }
                Ret::Gen(g) => {
                    if let Kind::Generator(_, done) = &mut self.heap.get_mut(g).kind {
                        *done = true;
                    }
                    if let Some(v) = self.gen_return_value(&exc) {
                        let r = self.iter_result(v, true);
                        return match self.deliver(r, depth) {
                            Some(v) => Unwind::Finished(v),
                            None => Unwind::Caught,
                        };
                    }
                }
                Ret::AsyncGen(g) => {
                    self.async_gen_settle(g, exc, true, true);
                    return match self.deliver(Val::Undef, depth) {
                        Some(v) => Unwind::Finished(v),
                        None => Unwind::Caught,
                    };
                }
                _ => {}
            }
        }
    }

    /// Hands a finished frame's result to its caller; `Some` when the run is over.
    fn deliver(&mut self, v: Val, depth: usize) -> Option<Val> {
        if self.frames.len() <= depth {
            return Some(v);
        }
        if let Some(f) = self.frames.last_mut() {
            f.stack.push(v);
        }
        None
    }

    /// Completes the top frame with `v`: `Ok(Some(v))` when the run is over, `Err` for an
    /// error the caller sees (a derived constructor that never called `super()`).
    fn complete(&mut self, v: Val, depth: usize) -> Result<Option<Val>, Val> {
        let Some(f) = self.frames.pop() else { return Ok(None) };
        let result = match f.ret {
            Ret::Normal => v,
            Ret::Construct => {
                if matches!(v, Val::Obj(_)) {
                    v
                } else if matches!(f.this, Val::Empty) {
                    return Err(self.error(ErrKind::Reference, "Must call super constructor in derived class before accessing 'this' or returning from derived constructor"));
                } else {
                    f.this
                }
            }
            Ret::Async(p, resumed) => {
                self.resolve_promise_value(p, v);
                if resumed {
                    Val::Undef
                } else {
                    Val::Obj(p)
                }
            }
            Ret::Gen(g) => {
                if let Kind::Generator(_, done) = &mut self.heap.get_mut(g).kind {
                    *done = true;
                }
                self.iter_result(v, true)
            }
            Ret::AsyncGen(g) => {
                let r = self.iter_result(v, true);
                self.async_gen_settle(g, r, false, true);
                Val::Undef
            }
        };
        Ok(self.deliver(result, depth))
    }

    pub fn iter_result(&mut self, v: Val, done: bool) -> Val {
        let o = self.new_object();
        let obj = self.heap.get_mut(o);
        obj.props.insert(Key::s("value"), Slot::V(v), DEFAULT);
        obj.props.insert(Key::s("done"), Slot::V(Val::Bool(done)), DEFAULT);
        Val::Obj(o)
    }
}

#[cold]
fn unreachable_frame() -> (Rc<Code>, Vec<Cid>) {
    let script = Rc::new(Script {
        name: "<internal>".into(),
        src: "".into(),
        internal: true,
    });
    (
        Rc::new(Code {
            name: "".into(),
            kind: FnKind::Normal,
            is_async: false,
            is_gen: false,
            strict: true,
            ops: vec![Op::Undef, Op::Return],
            pos: vec![0, 0],
            n_locals: 0,
            n_cells: 0,
            captures: Vec::new(),
            children: Vec::new(),
            callees: Vec::new(),
            script,
            src: (0, 0),
            length: 0,
            def_pos: 0,
            local_names: Vec::new(),
            cell_names: Vec::new(),
        }),
        Vec::new(),
    )
}

/// What the loop does after an operation.
pub enum Flow {
    Next,
    /// The run is over with this value.
    Return(Val),
}

macro_rules! pop {
    ($vm:ident, $fi:expr) => {
        $vm.frames[$fi].stack.pop().unwrap_or(Val::Undef)
    };
}

macro_rules! push {
    ($vm:ident, $fi:expr, $v:expr) => {{
        let v = $v;
        $vm.frames[$fi].stack.push(v)
    }};
}

impl Vm {
    fn top(&mut self, fi: usize) -> &mut Val {
        let st = &mut self.frames[fi].stack;
        if st.is_empty() {
            st.push(Val::Undef);
        }
        let n = st.len();
        &mut st[n - 1]
    }

    fn name_of_local(code: &Code, i: u16, cell: bool) -> Str {
        let names = if cell { &code.cell_names } else { &code.local_names };
        names.get(i as usize).cloned().unwrap_or_else(|| "".into())
    }

    fn tdz_error(&mut self, name: &str) -> Val {
        self.error(ErrKind::Reference, &format!("Cannot access '{name}' before initialization"))
    }

    fn exec(&mut self, ctx: &mut Ctx, op: &Op, fi: usize, code: &Rc<Code>, depth: usize) -> Result<Flow, Val> {
        match op {
            Op::Pop => {
                pop!(self, fi);
            }
            Op::Dup => {
                let v = self.top(fi).clone();
                push!(self, fi, v);
            }
            Op::Dup2 => {
                let st = &mut self.frames[fi].stack;
                let n = st.len();
                if n >= 2 {
                    let a = st[n - 2].clone();
                    let b = st[n - 1].clone();
                    st.push(a);
                    st.push(b);
                }
            }
            Op::Swap => {
                let st = &mut self.frames[fi].stack;
                let n = st.len();
                if n >= 2 {
                    st.swap(n - 1, n - 2);
                }
            }
            Op::Rot3 => {
                let st = &mut self.frames[fi].stack;
                let n = st.len();
                if n >= 3 {
                    let c = st.remove(n - 1);
                    st.insert(n - 3, c);
                }
            }
            Op::Rot4 => {
                let st = &mut self.frames[fi].stack;
                let n = st.len();
                if n >= 4 {
                    let d = st.remove(n - 1);
                    st.insert(n - 4, d);
                }
            }
            Op::Undef => push!(self, fi, Val::Undef),
            Op::Null => push!(self, fi, Val::Null),
            Op::Bool(b) => push!(self, fi, Val::Bool(*b)),
            Op::Num(n) => push!(self, fi, Val::Num(*n)),
            Op::Str(s) => push!(self, fi, Val::Str(s.clone())),
            Op::Empty => push!(self, fi, Val::Empty),
            Op::Local(i) => {
                let v = self.frames[fi].locals.get(*i as usize).cloned().unwrap_or(Val::Undef);
                push!(self, fi, v);
            }
            Op::LocalChk(i) => {
                let v = self.frames[fi].locals.get(*i as usize).cloned().unwrap_or(Val::Undef);
                if let Val::Empty = v {
                    let n = Self::name_of_local(code, *i, false);
                    return Err(self.this_or_tdz(&n));
                }
                push!(self, fi, v);
            }
            Op::SetLocal(i) => {
                let v = self.top(fi).clone();
                if let Some(s) = self.frames[fi].locals.get_mut(*i as usize) {
                    *s = v;
                }
            }
            Op::PutLocal(i) => {
                let v = pop!(self, fi);
                if let Some(s) = self.frames[fi].locals.get_mut(*i as usize) {
                    *s = v;
                }
            }
            Op::ChkLocal(i) => {
                if let Some(Val::Empty) = self.frames[fi].locals.get(*i as usize) {
                    let n = Self::name_of_local(code, *i, false);
                    return Err(self.tdz_error(&n));
                }
            }
            Op::Cell(i) => {
                let c = self.frames[fi].cells.get(*i as usize).copied();
                let v = c.map(|c| self.heap.cell_get(c)).unwrap_or(Val::Undef);
                push!(self, fi, v);
            }
            Op::CellChk(i) => {
                let c = self.frames[fi].cells.get(*i as usize).copied();
                let v = c.map(|c| self.heap.cell_get(c)).unwrap_or(Val::Undef);
                if let Val::Empty = v {
                    let n = Self::name_of_local(code, *i, true);
                    return Err(self.this_or_tdz(&n));
                }
                push!(self, fi, v);
            }
            Op::ChkCell(i) => {
                let c = self.frames[fi].cells.get(*i as usize).copied();
                if let Some(Val::Empty) = c.map(|c| self.heap.cell_get(c)) {
                    let n = Self::name_of_local(code, *i, true);
                    return Err(self.tdz_error(&n));
                }
            }
            Op::SetCell(i) => {
                let v = self.top(fi).clone();
                if let Some(c) = self.frames[fi].cells.get(*i as usize).copied() {
                    self.heap.cell_set(c, v);
                }
            }
            Op::PutCell(i) => {
                let v = pop!(self, fi);
                if let Some(c) = self.frames[fi].cells.get(*i as usize).copied() {
                    self.heap.cell_set(c, v);
                }
            }
            Op::NewCell(i) => {
                let c = self.heap.cell(Val::Empty);
                if let Some(s) = self.frames[fi].cells.get_mut(*i as usize) {
                    *s = c;
                }
            }
            Op::CopyCell(i) => {
                let old = self.frames[fi].cells.get(*i as usize).copied();
                if let Some(old) = old {
                    let v = self.heap.cell_get(old);
                    let c = self.heap.cell(v);
                    self.frames[fi].cells[*i as usize] = c;
                }
            }
            Op::Global(name) => {
                let g = self.realm.global;
                let key = Key::S(name.clone());
                match self.lookup(g, &key) {
                    Some(Slot::V(v)) => push!(self, fi, v),
                    Some(Slot::Acc(..)) => {
                        let v = self.get_obj(ctx, g, &key, &Val::Obj(g))?;
                        push!(self, fi, v);
                    }
                    None => {
                        return Err(self.error(ErrKind::Reference, &format!("{name} is not defined")));
                    }
                }
            }
            Op::GlobalOrUndef(name) => {
                let g = self.realm.global;
                let v = self.get_obj(ctx, g, &Key::S(name.clone()), &Val::Obj(g))?;
                push!(self, fi, v);
            }
            Op::SetGlobal(name) => {
                let v = self.top(fi).clone();
                let g = self.realm.global;
                let key = Key::S(name.clone());
                if code.strict && self.lookup(g, &key).is_none() {
                    return Err(self.error(ErrKind::Reference, &format!("{name} is not defined")));
                }
                self.set(ctx, &Val::Obj(g), key, v, code.strict)?;
            }
            Op::ConstAssign => {
                return Err(self.error(ErrKind::Type, "Assignment to constant variable."));
            }
            Op::This => {
                let v = self.frames[fi].this.clone();
                push!(self, fi, v);
            }
            Op::ThisChk => {
                let v = self.frames[fi].this.clone();
                if let Val::Empty = v {
                    return Err(self.error(ErrKind::Reference, "Must call super constructor in derived class before accessing 'this' or returning from derived constructor"));
                }
                push!(self, fi, v);
            }
            Op::Arguments => {
                let args = self.frames[fi].args.clone();
                let p = self.realm.object_proto;
                let mut o = Obj::new(Some(p), Kind::Array(args));
                o.tag = Some("Arguments");
                let id = self.heap.alloc(o);
                push!(self, fi, Val::Obj(id));
            }
            Op::RestArgs(n) => {
                let rest: Vec<Val> = self.frames[fi].args.iter().skip(*n as usize).cloned().collect();
                let a = self.new_array(rest);
                push!(self, fi, a);
            }
            Op::Arg(i) => {
                let v = self.frames[fi].args.get(*i as usize).cloned().unwrap_or(Val::Undef);
                push!(self, fi, v);
            }
            Op::NewTarget => {
                let v = self.frames[fi].new_target.map(Val::Obj).unwrap_or(Val::Undef);
                push!(self, fi, v);
            }
            Op::Home => {
                let home = self.frames[fi].func.and_then(|f| match &self.heap.get(f).kind {
                    Kind::Func(c) => c.home,
                    _ => None,
                });
                push!(self, fi, home.map(Val::Obj).unwrap_or(Val::Undef));
            }
            Op::Callee => {
                let f = self.frames[fi].func.map(Val::Obj).unwrap_or(Val::Undef);
                push!(self, fi, f);
            }
            Op::GetProp(name) => {
                let o = pop!(self, fi);
                let v = self.get_prop_fast(ctx, &o, name)?;
                push!(self, fi, v);
            }
            Op::GetMethod(name) => {
                let o = pop!(self, fi);
                let v = self.get_prop_fast(ctx, &o, name)?;
                push!(self, fi, v);
                push!(self, fi, o);
            }
            Op::GetElem => {
                let k = pop!(self, fi);
                let o = pop!(self, fi);
                let v = self.get_elem(ctx, &o, &k)?;
                push!(self, fi, v);
            }
            Op::GetElemMethod => {
                let k = pop!(self, fi);
                let o = pop!(self, fi);
                let v = self.get_elem(ctx, &o, &k)?;
                push!(self, fi, v);
                push!(self, fi, o);
            }
            Op::SetProp(name) => {
                let v = pop!(self, fi);
                let o = pop!(self, fi);
                self.set(ctx, &o, Key::S(name.clone()), v.clone(), code.strict)?;
                push!(self, fi, v);
            }
            Op::SetElem => {
                let v = pop!(self, fi);
                let k = pop!(self, fi);
                let o = pop!(self, fi);
                self.set_elem(ctx, &o, &k, v.clone(), code.strict)?;
                push!(self, fi, v);
            }
            Op::DelProp(name) => {
                let o = pop!(self, fi);
                let r = match &o {
                    Val::Obj(id) => self.delete(*id, &Key::S(name.clone())),
                    Val::Undef | Val::Null => {
                        return Err(self.error(ErrKind::Type, &format!("Cannot convert undefined or null to object")));
                    }
                    _ => true,
                };
                if !r && code.strict {
                    let desc = self.obj_desc(&o);
                    return Err(self.error(ErrKind::Type, &format!("Cannot delete property '{name}' of {desc}")));
                }
                push!(self, fi, Val::Bool(r));
            }
            Op::DelElem => {
                let k = pop!(self, fi);
                let o = pop!(self, fi);
                let key = self.to_key(ctx, &k)?;
                let r = match &o {
                    Val::Obj(id) => self.delete(*id, &key),
                    Val::Undef | Val::Null => return Err(self.error(ErrKind::Type, "Cannot convert undefined or null to object")),
                    _ => true,
                };
                push!(self, fi, Val::Bool(r));
            }
            Op::SuperGet => {
                let k = pop!(self, fi);
                let this = pop!(self, fi);
                let home = pop!(self, fi);
                let key = self.to_key(ctx, &k)?;
                let proto = match home {
                    Val::Obj(h) => self.heap.get(h).proto,
                    _ => None,
                };
                let v = match proto {
                    Some(p) => self.get_obj(ctx, p, &key, &this)?,
                    None => Val::Undef,
                };
                push!(self, fi, v);
            }
            Op::SuperSet => {
                let v = pop!(self, fi);
                let k = pop!(self, fi);
                let this = pop!(self, fi);
                let _home = pop!(self, fi);
                let key = self.to_key(ctx, &k)?;
                self.set(ctx, &this, key, v.clone(), true)?;
                push!(self, fi, v);
            }
            Op::NewObj => {
                let o = self.new_object();
                push!(self, fi, Val::Obj(o));
            }
            Op::NewArr => {
                let a = self.new_array(Vec::new());
                push!(self, fi, a);
            }
            Op::ArrPush => {
                let v = pop!(self, fi);
                if let Val::Obj(a) = self.top(fi).clone() {
                    if let Kind::Array(items) = &mut self.heap.get_mut(a).kind {
                        items.push(v);
                    }
                }
            }
            Op::ArrHole => {
                if let Val::Obj(a) = self.top(fi).clone() {
                    if let Kind::Array(items) = &mut self.heap.get_mut(a).kind {
                        items.push(Val::Empty);
                    }
                }
            }
            Op::ArrSpread => {
                let src = pop!(self, fi);
                let items = self.iterate_to_vec(ctx, &src)?;
                if let Val::Obj(a) = self.top(fi).clone() {
                    if let Kind::Array(v) = &mut self.heap.get_mut(a).kind {
                        v.extend(items);
                    }
                }
            }
            Op::IterToArray => {
                let src = pop!(self, fi);
                if self.is_array(&src) {
                    push!(self, fi, src);
                } else {
                    if src.is_nullish() {
                        let what = self.prim_str(&src);
                        return Err(self.error(ErrKind::Type, &format!("{what} is not iterable (cannot read property Symbol(Symbol.iterator))")));
                    }
                    let items = self.iterate_to_vec(ctx, &src)?;
                    let a = self.new_array(items);
                    push!(self, fi, a);
                }
            }
            Op::IterTake(n) => {
                let src = pop!(self, fi);
                if self.is_array(&src) {
                    push!(self, fi, src);
                } else {
                    if src.is_nullish() {
                        let what = self.prim_str(&src);
                        return Err(self.error(ErrKind::Type, &format!("{what} is not iterable (cannot read property Symbol(Symbol.iterator))")));
                    }
                    let it = self.get_iterator(ctx, &src)?;
                    let mut items = Vec::new();
                    let mut done = false;
                    while items.len() < *n as usize {
                        match self.iter_step(ctx, &it)? {
                            Some(v) => items.push(v),
                            None => {
                                done = true;
                                break;
                            }
                        }
                    }
                    if !done {
                        let builtin = matches!(&it, Val::Obj(o) if matches!(self.heap.get(*o).kind, Kind::Iter(_)));
                        if !builtin {
                            let f = self.get_str(ctx, &it, "return")?;
                            if self.is_callable(&f) {
                                self.call(ctx, &f, it, Vec::new())?;
                            }
                        }
                    }
                    let a = self.new_array(items);
                    push!(self, fi, a);
                }
            }
            Op::ArrSlice(n) => {
                let a = pop!(self, fi);
                let items = self.array_items(&a).unwrap_or_default();
                let rest = items.into_iter().skip(*n as usize).map(|v| if let Val::Empty = v { Val::Undef } else { v }).collect();
                let r = self.new_array(rest);
                push!(self, fi, r);
            }
            Op::ChkDestruct(first) => {
                let v = self.top(fi).clone();
                if v.is_nullish() {
                    let what = self.prim_str(&v);
                    let msg = if first.is_empty() {
                        format!("Cannot destructure '{what}' as it is {what}.")
                    } else {
                        format!("Cannot destructure property '{first}' of '{what}' as it is {what}.")
                    };
                    return Err(self.error(ErrKind::Type, &msg));
                }
            }
            Op::DefProp(name) => {
                let v = pop!(self, fi);
                if let Val::Obj(o) = self.top(fi).clone() {
                    if &**name == "__proto__" {
                        match v {
                            Val::Obj(p) => self.heap.get_mut(o).proto = Some(p),
                            Val::Null => self.heap.get_mut(o).proto = None,
                            _ => {}
                        }
                    } else {
                        self.define(o, Key::S(name.clone()), v, DEFAULT);
                    }
                }
            }
            Op::DefElem => {
                let v = pop!(self, fi);
                let k = pop!(self, fi);
                let key = self.to_key(ctx, &k)?;
                if let Val::Obj(o) = self.top(fi).clone() {
                    self.define(o, key, v, DEFAULT);
                }
            }
            Op::DefMethod => {
                let v = pop!(self, fi);
                let k = pop!(self, fi);
                let key = self.to_key(ctx, &k)?;
                if let Val::Obj(o) = self.top(fi).clone() {
                    if let Val::Obj(f) = &v {
                        if let Kind::Func(c) = &mut self.heap.get_mut(*f).kind {
                            c.home = Some(o);
                        }
                    }
                    self.define(o, key, v, HIDDEN);
                }
            }
            Op::DefAccessor(getter, enumerable) => {
                let f = pop!(self, fi);
                let k = pop!(self, fi);
                let key = self.to_key(ctx, &k)?;
                if let (Val::Obj(o), Val::Obj(fo)) = (self.top(fi).clone(), f) {
                    if let Kind::Func(c) = &mut self.heap.get_mut(fo).kind {
                        c.home = Some(o);
                    }
                    let flags = if *enumerable { ENUM | CONF } else { CONF };
                    let existing = self.heap.get(o).props.get(&key).map(|p| p.slot.clone());
                    let slot = match (existing, getter) {
                        (Some(Slot::Acc(_, s)), true) => Slot::Acc(Some(fo), s),
                        (Some(Slot::Acc(g, _)), false) => Slot::Acc(g, Some(fo)),
                        (_, true) => Slot::Acc(Some(fo), None),
                        (_, false) => Slot::Acc(None, Some(fo)),
                    };
                    self.heap.get_mut(o).props.insert(key, slot, flags);
                }
            }
            Op::SpreadObj => {
                let src = pop!(self, fi);
                if let Val::Obj(o) = self.top(fi).clone() {
                    self.copy_props(ctx, o, &src, &[])?;
                }
            }
            Op::ObjRest(excluded) => {
                let src = pop!(self, fi);
                let o = self.new_object();
                self.copy_props(ctx, o, &src, excluded)?;
                push!(self, fi, Val::Obj(o));
            }
            Op::Closure(idx) => {
                let child = code.children.get(*idx as usize).cloned();
                let Some(child) = child else { return Err(self.fatal("internal: bad closure")) };
                let cells: Vec<Cid> = child.captures.iter().map(|(_, parent)| self.frames[fi].cells.get(*parent as usize).copied().unwrap_or(Cid(0))).collect();
                let p = self.realm.function_proto;
                let proto = if child.is_async && !child.is_gen { p } else { p };
                let o = self.heap.alloc(Obj::new(
                    Some(proto),
                    Kind::Func(Box::new(Closure {
                        code: child,
                        cells,
                        home: None,
                        fields: None,
                        is_class: false,
                    })),
                ));
                push!(self, fi, Val::Obj(o));
            }
            Op::Class(derived) => {
                let ctor = pop!(self, fi);
                let parent = if *derived { Some(pop!(self, fi)) } else { None };
                let Val::Obj(c) = ctor else { return Err(self.fatal("internal: class")) };
                let (proto_parent, ctor_parent) = match &parent {
                    None => (Some(self.realm.object_proto), self.realm.function_proto),
                    Some(Val::Null) => (None, self.realm.function_proto),
                    Some(Val::Obj(p)) if self.heap.get(*p).is_callable() => {
                        let pp = self.get_obj(ctx, *p, &Key::s("prototype"), &Val::Obj(*p))?;
                        match pp {
                            Val::Obj(pp) => (Some(pp), *p),
                            Val::Null => (None, *p),
                            _ => return Err(self.error(ErrKind::Type, "Class extends value does not have valid prototype property undefined")),
                        }
                    }
                    Some(other) => {
                        let shown = self.inspect_short(ctx, other);
                        return Err(self.error(ErrKind::Type, &format!("Class extends value {shown} is not a constructor or null")));
                    }
                };
                let proto = self.heap.alloc(Obj::new(proto_parent, Kind::Ordinary));
                self.heap.get_mut(proto).props.insert(Key::s("constructor"), Slot::V(Val::Obj(c)), HIDDEN);
                let obj = self.heap.get_mut(c);
                obj.proto = Some(ctor_parent);
                obj.props.insert(Key::s("prototype"), Slot::V(Val::Obj(proto)), 0);
                if let Kind::Func(cl) = &mut obj.kind {
                    cl.is_class = true;
                    cl.home = Some(proto);
                }
                push!(self, fi, Val::Obj(c));
            }
            Op::ClassFields => {
                let f = pop!(self, fi);
                if let (Val::Obj(c), Val::Obj(fo)) = (self.top(fi).clone(), f) {
                    let proto = match self.heap.get(c).props.get(&Key::s("prototype")) {
                        Some(Prop { slot: Slot::V(Val::Obj(p)), .. }) => Some(*p),
                        _ => None,
                    };
                    if let Kind::Func(fc) = &mut self.heap.get_mut(fo).kind {
                        fc.home = proto;
                    }
                    if let Kind::Func(cl) = &mut self.heap.get_mut(c).kind {
                        cl.fields = Some(fo);
                    }
                }
            }
            Op::InitFields => {
                let func = self.frames[fi].func;
                let fields = func.and_then(|f| match &self.heap.get(f).kind {
                    Kind::Func(c) => c.fields,
                    _ => None,
                });
                if let Some(ff) = fields {
                    let this = self.frames[fi].this.clone();
                    self.call(ctx, &Val::Obj(ff), this, Vec::new())?;
                }
            }
            Op::TemplateObj(cooked, raw) => {
                let items: Vec<Val> = cooked.iter().map(|s| Val::Str(s.clone())).collect();
                let raws: Vec<Val> = raw.iter().map(|s| Val::Str(s.clone())).collect();
                let a = self.new_array(items);
                let r = self.new_array(raws);
                if let Val::Obj(ao) = &a {
                    self.define(*ao, Key::s("raw"), r, 0);
                }
                push!(self, fi, a);
            }
            Op::SetInferred(name) => {
                if let Val::Obj(f) = self.top(fi).clone() {
                    self.heap.get_mut(f).props.insert(Key::s("%inferred"), Slot::V(Val::Str(name.clone())), HIDDEN);
                }
            }
            Op::SetName(name) => {
                if let Val::Obj(f) = self.top(fi).clone() {
                    self.set_fn_name(f, name);
                }
            }
            Op::SetNameKey => {
                let st = &self.frames[fi].stack;
                let n = st.len();
                if n >= 2 {
                    let (k, f) = (st[n - 2].clone(), st[n - 1].clone());
                    if let Val::Obj(fo) = f {
                        let name: Str = match k {
                            Val::Sym(id) => format!("[{}]", self.symbols.get(id as usize).map(|s| &**s).unwrap_or("")).into(),
                            other => self.prim_str(&other).into(),
                        };
                        self.set_fn_name(fo, &name);
                    }
                }
            }
            Op::Call(argc, ci) => {
                let n = *argc as usize;
                let st = &mut self.frames[fi].stack;
                let at = st.len().saturating_sub(n);
                let args: Vec<Val> = st.split_off(at);
                let this = st.pop().unwrap_or(Val::Undef);
                let f = st.pop().unwrap_or(Val::Undef);
                return self.do_call(ctx, fi, f, this, args, None, code, *ci, depth);
            }
            Op::CallSpread(ci) => {
                let arr = pop!(self, fi);
                let this = pop!(self, fi);
                let f = pop!(self, fi);
                let args = self.array_items(&arr).unwrap_or_default().into_iter().map(|v| if let Val::Empty = v { Val::Undef } else { v }).collect();
                return self.do_call(ctx, fi, f, this, args, None, code, *ci, depth);
            }
            Op::New(argc, ci) => {
                let n = *argc as usize;
                let st = &mut self.frames[fi].stack;
                let at = st.len().saturating_sub(n);
                let args: Vec<Val> = st.split_off(at);
                let f = st.pop().unwrap_or(Val::Undef);
                let nt = match &f {
                    Val::Obj(o) if self.heap.get(*o).is_callable() => *o,
                    _ => {
                        let t = code.callees.get(*ci as usize).cloned().unwrap_or_else(|| "value".into());
                        return Err(self.error(ErrKind::Type, &format!("{t} is not a constructor")));
                    }
                };
                return self.do_call(ctx, fi, f, Val::Undef, args, Some(nt), code, *ci, depth);
            }
            Op::NewSpread(ci) => {
                let arr = pop!(self, fi);
                let f = pop!(self, fi);
                let args = self.array_items(&arr).unwrap_or_default();
                let nt = match &f {
                    Val::Obj(o) if self.heap.get(*o).is_callable() => *o,
                    _ => {
                        let t = code.callees.get(*ci as usize).cloned().unwrap_or_else(|| "value".into());
                        return Err(self.error(ErrKind::Type, &format!("{t} is not a constructor")));
                    }
                };
                return self.do_call(ctx, fi, f, Val::Undef, args, Some(nt), code, *ci, depth);
            }
            Op::SuperCall(argc) => {
                let n = *argc as usize;
                let st = &mut self.frames[fi].stack;
                let at = st.len().saturating_sub(n);
                let args: Vec<Val> = st.split_off(at);
                self.super_call(ctx, fi, args)?;
            }
            Op::SuperCallSpread => {
                let arr = pop!(self, fi);
                let args = self.array_items(&arr).unwrap_or_default();
                self.super_call(ctx, fi, args)?;
            }
            Op::Return => {
                let v = pop!(self, fi);
                if let Some(r) = self.complete(v, depth)? {
                    return Ok(Flow::Return(r));
                }
            }
            Op::Jmp(t) => self.frames[fi].pc = *t,
            Op::Jf(t) => {
                let v = pop!(self, fi);
                if !self.truthy(&v) {
                    self.frames[fi].pc = *t;
                }
            }
            Op::Jt(t) => {
                let v = pop!(self, fi);
                if self.truthy(&v) {
                    self.frames[fi].pc = *t;
                }
            }
            Op::JfKeep(t) => {
                let v = self.top(fi).clone();
                if !self.truthy(&v) {
                    self.frames[fi].pc = *t;
                } else {
                    pop!(self, fi);
                }
            }
            Op::JtKeep(t) => {
                let v = self.top(fi).clone();
                if self.truthy(&v) {
                    self.frames[fi].pc = *t;
                } else {
                    pop!(self, fi);
                }
            }
            Op::JnnKeep(t) => {
                let v = self.top(fi).clone();
                if !v.is_nullish() {
                    self.frames[fi].pc = *t;
                } else {
                    pop!(self, fi);
                }
            }
            Op::JNullish(t, below) => {
                let st = &mut self.frames[fi].stack;
                let n = st.len();
                let idx = n.saturating_sub(1 + *below as usize);
                if st.get(idx).is_some_and(|v| v.is_nullish()) {
                    st.truncate(idx);
                    st.push(Val::Undef);
                    self.frames[fi].pc = *t;
                }
            }
            Op::Add => {
                let b = pop!(self, fi);
                let a = pop!(self, fi);
                let r = self.add(ctx, &a, &b)?;
                push!(self, fi, r);
            }
            Op::Sub | Op::Mul | Op::Div | Op::Mod | Op::Pow => {
                let b = pop!(self, fi);
                let a = pop!(self, fi);
                let (x, y) = match (&a, &b) {
                    (Val::Num(x), Val::Num(y)) => (*x, *y),
                    _ => (self.to_number(ctx, &a)?, self.to_number(ctx, &b)?),
                };
                let r = match op {
                    Op::Sub => x - y,
                    Op::Mul => x * y,
                    Op::Div => x / y,
                    Op::Mod => {
                        if y == 0.0 || x.is_infinite() || x.is_nan() || y.is_nan() {
                            f64::NAN
                        } else if y.is_infinite() {
                            x
                        } else {
                            x % y
                        }
                    }
                    _ => js_pow(x, y),
                };
                push!(self, fi, Val::Num(r));
            }
            Op::BitAnd | Op::BitOr | Op::BitXor | Op::Shl | Op::Shr | Op::UShr => {
                let b = pop!(self, fi);
                let a = pop!(self, fi);
                let x = self.to_number(ctx, &a)?;
                let y = self.to_number(ctx, &b)?;
                let (xi, yi) = (num::to_i32(x), num::to_u32(y));
                let r = match op {
                    Op::BitAnd => (xi & num::to_i32(y)) as f64,
                    Op::BitOr => (xi | num::to_i32(y)) as f64,
                    Op::BitXor => (xi ^ num::to_i32(y)) as f64,
                    Op::Shl => xi.wrapping_shl(yi & 31) as f64,
                    Op::Shr => (xi >> (yi & 31)) as f64,
                    _ => (num::to_u32(x) >> (yi & 31)) as f64,
                };
                push!(self, fi, Val::Num(r));
            }
            Op::Eq | Op::Ne => {
                let b = pop!(self, fi);
                let a = pop!(self, fi);
                let r = self.loose_eq(ctx, &a, &b)?;
                push!(self, fi, Val::Bool(if matches!(op, Op::Eq) { r } else { !r }));
            }
            Op::SEq | Op::SNe => {
                let b = pop!(self, fi);
                let a = pop!(self, fi);
                let r = self.strict_eq(&a, &b);
                push!(self, fi, Val::Bool(if matches!(op, Op::SEq) { r } else { !r }));
            }
            Op::Lt | Op::Gt | Op::Le | Op::Ge => {
                let b = pop!(self, fi);
                let a = pop!(self, fi);
                let r = if let (Val::Num(x), Val::Num(y)) = (&a, &b) {
                    match op {
                        Op::Lt => x < y,
                        Op::Gt => x > y,
                        Op::Le => x <= y,
                        _ => x >= y,
                    }
                } else {
                    match op {
                        Op::Lt => self.less_than(ctx, &a, &b, true)? == Some(true),
                        Op::Gt => self.less_than(ctx, &b, &a, false)? == Some(true),
                        Op::Le => self.less_than(ctx, &b, &a, false)? == Some(false),
                        _ => self.less_than(ctx, &a, &b, true)? == Some(false),
                    }
                };
                push!(self, fi, Val::Bool(r));
            }
            Op::InstanceOf => {
                let b = pop!(self, fi);
                let a = pop!(self, fi);
                let r = self.instance_of(ctx, &a, &b)?;
                push!(self, fi, Val::Bool(r));
            }
            Op::In => {
                let b = pop!(self, fi);
                let a = pop!(self, fi);
                let Val::Obj(o) = b else {
                    let shown = self.prim_str(&b);
                    let k = self.prim_str(&a);
                    return Err(self.error(ErrKind::Type, &format!("Cannot use 'in' operator to search for '{k}' in {shown}")));
                };
                let key = self.to_key(ctx, &a)?;
                let r = self.has_property(o, &key);
                push!(self, fi, Val::Bool(r));
            }
            Op::Not => {
                let v = pop!(self, fi);
                let r = !self.truthy(&v);
                push!(self, fi, Val::Bool(r));
            }
            Op::Neg => {
                let v = pop!(self, fi);
                let n = self.to_number(ctx, &v)?;
                push!(self, fi, Val::Num(-n));
            }
            Op::ToNum => {
                let v = pop!(self, fi);
                let n = match v {
                    Val::Num(n) => n,
                    _ => self.to_number(ctx, &v)?,
                };
                push!(self, fi, Val::Num(n));
            }
            Op::BitNot => {
                let v = pop!(self, fi);
                let n = self.to_number(ctx, &v)?;
                push!(self, fi, Val::Num(!num::to_i32(n) as f64));
            }
            Op::Typeof => {
                let v = pop!(self, fi);
                let t = self.typeof_str(&v);
                push!(self, fi, Val::str(t));
            }
            Op::Inc | Op::Dec => {
                let v = pop!(self, fi);
                let n = match v {
                    Val::Num(n) => n,
                    _ => self.to_number(ctx, &v)?,
                };
                push!(self, fi, Val::Num(if matches!(op, Op::Inc) { n + 1.0 } else { n - 1.0 }));
            }
            Op::Concat(n) => {
                let st = &mut self.frames[fi].stack;
                let at = st.len().saturating_sub(*n as usize);
                let parts: Vec<Val> = st.split_off(at);
                let mut s = String::new();
                for p in &parts {
                    match p {
                        Val::Str(x) => s.push_str(x),
                        other => {
                            let x = self.to_str(ctx, other)?;
                            s.push_str(&x);
                        }
                    }
                }
                push!(self, fi, Val::Str(s.into()));
            }
            Op::Throw => {
                let v = pop!(self, fi);
                let pos = code.pos.get(self.frames[fi].pc as usize - 1).copied().unwrap_or(0);
                self.throw_site = Some((code.script.clone(), pos));
                return Err(v);
            }
            Op::Try(t) => {
                let sp = self.frames[fi].stack.len() as u32;
                self.frames[fi].handlers.push((*t, sp));
            }
            Op::EndTry => {
                self.frames[fi].handlers.pop();
            }
            Op::GetIter => {
                let v = pop!(self, fi);
                let it = self.get_iterator(ctx, &v)?;
                push!(self, fi, it);
            }
            Op::GetAsyncIter => {
                let v = pop!(self, fi);
                let it = self.get_async_iterator(ctx, &v)?;
                push!(self, fi, it);
            }
            Op::IterNext(t) => {
                let it = self.top(fi).clone();
                match self.iter_step(ctx, &it)? {
                    Some(v) => push!(self, fi, v),
                    None => self.frames[fi].pc = *t,
                }
            }
            Op::AsyncIterNext(t) => {
                let it = self.top(fi).clone();
                match self.async_from_sync(&it) {
                    Some(sync) => match self.iter_step(ctx, &sync)? {
                        Some(v) => push!(self, fi, v),
                        None => self.frames[fi].pc = *t,
                    },
                    None => {
                        let next = self.get_str(ctx, &it, "next")?;
                        let r = self.call(ctx, &next, it, Vec::new())?;
                        push!(self, fi, r);
                    }
                }
            }
            Op::CatchGuard => {
                let top = self.top(fi).clone();
                if self.gen_return_value(&top).is_some() {
                    let v = pop!(self, fi);
                    return Err(v);
                }
            }
            Op::IterClose => {
                let it = self.top(fi).clone();
                let it = self.async_from_sync(&it).unwrap_or(it);
                let builtin = match &it {
                    Val::Obj(o) => matches!(self.heap.get(*o).kind, Kind::Iter(_)),
                    _ => true,
                };
                if !builtin {
                    let f = self.get_str(ctx, &it, "return")?;
                    if self.is_callable(&f) {
                        self.call(ctx, &f, it, Vec::new())?;
                    }
                }
            }
            Op::DelegateNext => {
                let it = self.top(fi).clone();
                let builtin = match &it {
                    Val::Obj(o) => matches!(self.heap.get(*o).kind, Kind::Iter(_)),
                    _ => false,
                };
                let sync = self.async_from_sync(&it).or(if builtin { Some(it.clone()) } else { None });
                let r = match sync {
                    Some(s) => match self.iter_step(ctx, &s)? {
                        Some(v) => self.iter_result(v, false),
                        None => self.iter_result(Val::Undef, true),
                    },
                    None => {
                        let next = self.get_str(ctx, &it, "next")?;
                        self.call(ctx, &next, it, Vec::new())?
                    }
                };
                push!(self, fi, r);
            }
            Op::DelegateResult(t) => {
                let r = pop!(self, fi);
                if !matches!(r, Val::Obj(_)) {
                    let shown = self.inspect_short(ctx, &r);
                    return Err(self.error(ErrKind::Type, &format!("Iterator result {shown} is not an object")));
                }
                let done = self.get_str(ctx, &r, "done")?;
                let v = self.get_str(ctx, &r, "value")?;
                push!(self, fi, v);
                if self.truthy(&done) {
                    self.frames[fi].pc = *t;
                }
            }
            Op::IterResult(t) => {
                let n = self.frames[fi].stack.len();
                let it = self.frames[fi].stack.get(n.wrapping_sub(2)).cloned().unwrap_or(Val::Undef);
                if self.async_from_sync(&it).is_none() {
                    let r = pop!(self, fi);
                    if !matches!(r, Val::Obj(_)) {
                        let shown = self.inspect_short(ctx, &r);
                        return Err(self.error(ErrKind::Type, &format!("Iterator result {shown} is not an object")));
                    }
                    let done = self.get_str(ctx, &r, "done")?;
                    if self.truthy(&done) {
                        self.frames[fi].pc = *t;
                    } else {
                        let v = self.get_str(ctx, &r, "value")?;
                        push!(self, fi, v);
                    }
                }
            }
            Op::ForInKeys => {
                let v = pop!(self, fi);
                let keys = self.for_in_keys(&v);
                let it = self.heap.alloc(Obj::new(Some(self.realm.iter_proto), Kind::Iter(Box::new(IterKind::List(keys, 0)))));
                push!(self, fi, Val::Obj(it));
            }
            Op::Await => {
                let v = pop!(self, fi);
                return self.await_value(v, depth);
            }
            Op::Yield => {
                let v = pop!(self, fi);
                return self.yield_value(v, depth);
            }
            Op::Import => {
                let spec = pop!(self, fi);
                let spec = self.to_str(ctx, &spec)?;
                let ns = super::modules::import(self, ctx, &code.script, &spec)?;
                push!(self, fi, ns);
            }
            Op::ImportMeta => {
                let o = self.new_object();
                let url = format!("file://{}", code.script.name);
                self.define(o, Key::s("url"), Val::Str(url.into()), DEFAULT);
                let dir = crate::vfs::parent(&code.script.name).to_string();
                self.define(o, Key::s("dirname"), Val::Str(dir.into()), DEFAULT);
                self.define(o, Key::s("filename"), Val::Str(code.script.name.clone()), DEFAULT);
                push!(self, fi, Val::Obj(o));
            }
        }
        Ok(Flow::Next)
    }

    fn this_or_tdz(&mut self, name: &str) -> Val {
        if name == "this" {
            return self.error(ErrKind::Reference, "Must call super constructor in derived class before accessing 'this' or returning from derived constructor");
        }
        self.tdz_error(name)
    }

    fn obj_desc(&mut self, v: &Val) -> String {
        match v {
            Val::Obj(o) => {
                let o = *o;
                format!("#<{}>", self.constructor_name(o).unwrap_or_else(|| "Object".into()))
            }
            other => self.prim_str(other),
        }
    }

    pub fn set_fn_name(&mut self, f: Oid, name: &str) {
        let obj = self.heap.get_mut(f);
        let has_own = obj.props.get(&Key::s("name")).is_some();
        match &mut obj.kind {
            Kind::Func(c) if c.code.name.is_empty() && !has_own => {
                obj.props.insert(Key::s("name"), Slot::V(Val::str(name)), CONF);
            }
            Kind::Native(..) => {}
            _ => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn do_call(&mut self, ctx: &mut Ctx, fi: usize, f: Val, this: Val, args: Vec<Val>, new_target: Option<Oid>, code: &Rc<Code>, ci: u16, depth: usize) -> Result<Flow, Val> {
        let Val::Obj(fo) = f else {
            let t = code.callees.get(ci as usize).cloned().unwrap_or_else(|| "value".into());
            let what = if new_target.is_some() { "constructor" } else { "function" };
            return Err(self.error(ErrKind::Type, &format!("{t} is not a {what}")));
        };
        let text = code.callees.get(ci as usize).cloned().unwrap_or_else(|| "".into());
        match self.enter(ctx, fo, this, args, new_target, &text)? {
            Some(v) => {
                if self.frames.len() > fi {
                    self.frames[fi].stack.push(v);
                } else if self.frames.len() <= depth {
                    return Ok(Flow::Return(v));
                }
            }
            None => {}
        }
        Ok(Flow::Next)
    }

    fn super_call(&mut self, ctx: &mut Ctx, fi: usize, args: Vec<Val>) -> Result<(), Val> {
        if !matches!(self.frames[fi].this, Val::Empty) {
            return Err(self.error(ErrKind::Reference, "Super constructor may only be called once"));
        }
        let func = self.frames[fi].func;
        let parent = func.and_then(|f| self.heap.get(f).proto);
        let nt = self.frames[fi].new_target.or(func);
        let Some(p) = parent else {
            return Err(self.error(ErrKind::Type, "Super constructor null of anonymous class is not a constructor"));
        };
        if !self.heap.get(p).is_callable() {
            return Err(self.error(ErrKind::Type, "Super constructor is not a constructor"));
        }
        let obj = self.call_full(ctx, &Val::Obj(p), Val::Undef, args, nt)?;
        self.frames[fi].this = obj.clone();
        self.frames[fi].stack.push(obj);
        Ok(())
    }

    /// Property read with fast paths for arrays, strings and plain data properties.
    fn get_prop_fast(&mut self, ctx: &mut Ctx, o: &Val, name: &Str) -> Res {
        if let Val::Obj(id) = o {
            let obj = self.heap.get(*id);
            if let Some(p) = obj.props.get(&Key::S(name.clone())) {
                if let Slot::V(v) = &p.slot {
                    return Ok(v.clone());
                }
            }
            if &**name == "length" {
                if let Kind::Array(items) = &obj.kind {
                    return Ok(Val::Num(items.len() as f64));
                }
            }
        }
        self.get(ctx, o, &Key::S(name.clone()))
    }

    fn get_elem(&mut self, ctx: &mut Ctx, o: &Val, k: &Val) -> Res {
        if let (Val::Obj(id), Val::Num(n)) = (o, k) {
            if let Kind::Array(items) = &self.heap.get(*id).kind {
                if *n >= 0.0 && n.fract() == 0.0 {
                    match items.get(*n as usize) {
                        Some(Val::Empty) => {}
                        Some(v) => return Ok(v.clone()),
                        None => {
                            if self.heap.get(*id).tag.is_none() {
                                // Past the end: look up the prototype chain.
                                let key = Key::S(num::to_str(*n).into());
                                return self.get(ctx, o, &key);
                            }
                        }
                    }
                }
            }
        }
        if let (Val::Str(s), Val::Num(n)) = (o, k) {
            if *n >= 0.0 && n.fract() == 0.0 {
                return Ok(char_at(s, *n as usize).map(|c| Val::Str(c.into())).unwrap_or(Val::Undef));
            }
        }
        if o.is_nullish() {
            let key = self.to_key(ctx, k)?;
            return self.get(ctx, o, &key);
        }
        let key = self.to_key(ctx, k)?;
        self.get(ctx, o, &key)
    }

    fn set_elem(&mut self, ctx: &mut Ctx, o: &Val, k: &Val, v: Val, strict: bool) -> Result<(), Val> {
        if let (Val::Obj(id), Val::Num(n)) = (o, k) {
            if matches!(self.heap.get(*id).kind, Kind::Array(_)) && *n >= 0.0 && n.fract() == 0.0 && *n < 4294967295.0 {
                return self.set_index(*id, *n as usize, v);
            }
        }
        let key = self.to_key(ctx, k)?;
        self.set(ctx, o, key, v, strict)
    }

    /// Copies own enumerable properties (object spread, `Object.assign`).
    pub fn copy_props(&mut self, ctx: &mut Ctx, to: Oid, src: &Val, excluded: &[Str]) -> Result<(), Val> {
        match src {
            Val::Obj(s) => {
                let s = *s;
                let keys = self.own_keys(s, false);
                for k in keys {
                    if excluded.contains(&k) {
                        continue;
                    }
                    let v = self.get_obj(ctx, s, &Key::S(k.clone()), src)?;
                    self.define(to, Key::S(k), v, DEFAULT);
                }
                // Own enumerable symbols.
                let syms: Vec<(Key, Val)> = self.heap.get(s).props.list.iter().filter(|p| matches!(p.key, Key::Sym(_)) && p.flags & ENUM != 0).filter_map(|p| match &p.slot {
                    Slot::V(v) => Some((p.key.clone(), v.clone())),
                    _ => None,
                }).collect();
                for (k, v) in syms {
                    self.define(to, k, v, DEFAULT);
                }
            }
            Val::Str(s) => {
                for (i, c) in s.chars().enumerate() {
                    self.define(to, Key::S(i.to_string().into()), Val::Str(c.to_string().into()), DEFAULT);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn for_in_keys(&mut self, v: &Val) -> Vec<Val> {
        let Val::Obj(o) = v else {
            if let Val::Str(s) = v {
                return (0..utf16_len(s)).map(|i| Val::Str(i.to_string().into())).collect();
            }
            return Vec::new();
        };
        let mut out: Vec<Val> = Vec::new();
        let mut seen: Vec<Str> = Vec::new();
        let mut cur = Some(*o);
        let mut guard = 0;
        while let Some(c) = cur {
            for k in self.own_keys(c, false) {
                if !seen.contains(&k) {
                    seen.push(k.clone());
                    out.push(Val::Str(k));
                }
            }
            cur = self.heap.get(c).proto;
            guard += 1;
            if guard > 100 || out.len() > 10_000_000 {
                break;
            }
        }
        out
    }

    // ---- await / yield ----

    fn await_value(&mut self, v: Val, depth: usize) -> Result<Flow, Val> {
        let promise = self.promise_resolve(v);
        let Some(mut frame) = self.frames.pop() else { return Ok(Flow::Next) };
        if let Ret::AsyncGen(_) = frame.ret {
            let s = self.heap.alloc(Obj::new(None, Kind::Suspended(Some(Box::new(frame)))));
            self.perform_then(promise, Reaction::Resume(s));
            return match self.deliver(Val::Undef, depth) {
                Some(v) => Ok(Flow::Return(v)),
                None => Ok(Flow::Next),
            };
        }
        let (p, resumed) = match frame.ret {
            Ret::Async(p, r) => (p, r),
            _ => {
                self.frames.push(frame);
                return Err(self.fatal("internal: await outside an async function"));
            }
        };
        frame.ret = Ret::Async(p, true);
        let s = self.heap.alloc(Obj::new(None, Kind::Suspended(Some(Box::new(frame)))));
        self.perform_then(promise, Reaction::Resume(s));
        let result = if resumed { Val::Undef } else { Val::Obj(p) };
        match self.deliver(result, depth) {
            Some(v) => Ok(Flow::Return(v)),
            None => Ok(Flow::Next),
        }
    }

    /// Resumes a suspended async function with a value (or a rejection).
    pub fn resume(&mut self, ctx: &mut Ctx, s: Oid, v: Val, rejected: bool) -> Outcome {
        let frame = match &mut self.heap.get_mut(s).kind {
            Kind::Suspended(f) => f.take(),
            _ => None,
        };
        let Some(mut frame) = frame else { return Outcome::Done(Val::Undef) };
        let depth = self.frames.len();
        if !rejected {
            frame.stack.push(v);
            self.frames.push(*frame);
            self.run(ctx, depth)
        } else {
            self.frames.push(*frame);
            self.throw_site = None;
            match self.unwind(v, depth) {
                Unwind::Caught => self.run(ctx, depth),
                Unwind::Propagate(e) => Outcome::Threw(e),
                Unwind::Finished(v) => Outcome::Done(v),
            }
        }
    }

    fn yield_value(&mut self, v: Val, depth: usize) -> Result<Flow, Val> {
        let Some(frame) = self.frames.pop() else { return Ok(Flow::Next) };
        if let Ret::AsyncGen(g) = frame.ret {
            if let Kind::AsyncGen(d) = &mut self.heap.get_mut(g).kind {
                d.frame = Some(Box::new(frame));
            }
            let r = self.iter_result(v, false);
            self.async_gen_settle(g, r, false, false);
            return match self.deliver(Val::Undef, depth) {
                Some(v) => Ok(Flow::Return(v)),
                None => Ok(Flow::Next),
            };
        }
        let Ret::Gen(g) = frame.ret else {
            self.frames.push(frame);
            return Err(self.fatal("internal: yield outside a generator"));
        };
        if let Kind::Generator(slot, _) = &mut self.heap.get_mut(g).kind {
            *slot = Some(Box::new(frame));
        }
        let r = self.iter_result(v, false);
        match self.deliver(r, depth) {
            Some(v) => Ok(Flow::Return(v)),
            None => Ok(Flow::Next),
        }
    }

    /// The value of a generator `return()` passing through `catch`/`finally` blocks.
    fn gen_return_value(&self, v: &Val) -> Option<Val> {
        let Val::Obj(o) = v else { return None };
        let obj = self.heap.get(*o);
        if obj.tag != Some("%GenReturn") {
            return None;
        }
        obj.props.get(&Key::s("value")).and_then(|p| match &p.slot {
            Slot::V(v) => Some(v.clone()),
            _ => None,
        })
    }

    /// Settles the oldest request of async generator `g` (the generator yielded, returned or
    /// threw) and lets the next request run on a later microtask.
    fn async_gen_settle(&mut self, g: Oid, v: Val, reject: bool, done: bool) {
        let req = match &mut self.heap.get_mut(g).kind {
            Kind::AsyncGen(d) => {
                d.running = false;
                d.done |= done;
                d.queue.pop_front()
            }
            _ => None,
        };
        if let Some((_, _, p)) = req {
            if reject {
                self.reject_promise(p, v);
            } else {
                self.resolve_promise_value(p, v);
            }
        }
        if matches!(&self.heap.get(g).kind, Kind::AsyncGen(d) if !d.queue.is_empty()) {
            let f = self.native_with(async_gen_drain_fn, Val::Obj(g));
            self.jobs.push_back(Job::Call(Val::Obj(f)));
        }
    }

    /// `asyncGenerator.next(v)` / `.throw(e)` / `.return(v)`: a promise of the result.
    pub fn async_gen_enqueue(&mut self, ctx: &mut Ctx, g: Oid, v: Val, mode: u8) -> Res {
        let p = self.new_promise();
        match &mut self.heap.get_mut(g).kind {
            Kind::AsyncGen(d) => d.queue.push_back((mode, v, p)),
            _ => {
                let e = self.error(ErrKind::Type, "next method called on incompatible receiver");
                self.reject_promise(p, e);
                return Ok(Val::Obj(p));
            }
        }
        self.async_gen_drain(ctx, g)?;
        Ok(Val::Obj(p))
    }

    /// Runs the async generator for its waiting requests until it awaits or none are left.
    pub fn async_gen_drain(&mut self, ctx: &mut Ctx, g: Oid) -> Result<(), Val> {
        for _ in 0..100_000 {
            let (mode, v, p, frame) = match &mut self.heap.get_mut(g).kind {
                Kind::AsyncGen(d) if !d.running => match d.queue.front() {
                    Some((m, v, p)) => {
                        let (m, v, p) = (*m, v.clone(), *p);
                        let frame = if d.done { None } else { d.frame.take() };
                        (m, v, p, frame)
                    }
                    None => return Ok(()),
                },
                _ => return Ok(()),
            };
            let started = frame.as_ref().is_some_and(|f| f.pc > 0);
            let finish = match (&frame, mode) {
                (None, 1) => Some((v.clone(), true)),
                (None, _) | (Some(_), 2) => Some((self.iter_result(if mode == 2 { v.clone() } else { Val::Undef }, true), false)),
                (Some(_), 1) if !started => Some((v.clone(), true)),
                _ => None,
            };
            if let Some((r, reject)) = finish {
                if let Kind::AsyncGen(d) = &mut self.heap.get_mut(g).kind {
                    d.queue.pop_front();
                    d.done = true;
                    d.frame = None;
                }
                if reject {
                    self.reject_promise(p, r);
                } else {
                    self.resolve_promise_value(p, r);
                }
                continue;
            }
            let Some(mut frame) = frame else { return Ok(()) };
            if let Kind::AsyncGen(d) = &mut self.heap.get_mut(g).kind {
                d.running = true;
            }
            frame.ret = Ret::AsyncGen(g);
            if started && mode == 0 {
                frame.stack.push(v.clone());
            }
            let depth = self.frames.len();
            self.frames.push(*frame);
            let r = if mode == 1 {
                match self.unwind(v, depth) {
                    Unwind::Caught => self.run(ctx, depth),
                    Unwind::Propagate(e) => Outcome::Threw(e),
                    Unwind::Finished(v) => Outcome::Done(v),
                }
            } else {
                self.run(ctx, depth)
            };
            if let Outcome::Threw(e) = r {
                return Err(e);
            }
        }
        Ok(())
    }

    /// `generator.next(v)` / `.throw(e)` / `.return(v)`: mode 0/1/2.
    pub fn gen_resume(&mut self, ctx: &mut Ctx, g: Oid, v: Val, mode: u8) -> Res {
        let (frame, done) = match &mut self.heap.get_mut(g).kind {
            Kind::Generator(f, done) => (f.take(), *done),
            _ => return Err(self.error(ErrKind::Type, "next method called on incompatible receiver")),
        };
        let Some(mut frame) = frame else {
            if done {
                return match mode {
                    1 => Err(v),
                    2 => Ok(self.iter_result(v, true)),
                    _ => Ok(self.iter_result(Val::Undef, true)),
                };
            }
            return Err(self.error(ErrKind::Type, "Generator is already running"));
        };
        let started = frame.pc > 0;
        frame.ret = Ret::Gen(g);
        // `return(v)` on a started generator runs its `finally` blocks.
        let (v, mode) = if mode == 2 && started {
            let s = self.new_object();
            self.heap.get_mut(s).tag = Some("%GenReturn");
            self.heap.get_mut(s).props.insert(Key::s("value"), Slot::V(v), HIDDEN);
            (Val::Obj(s), 1)
        } else {
            (v, mode)
        };
        if mode == 2 {
            if let Kind::Generator(_, d) = &mut self.heap.get_mut(g).kind {
                *d = true;
            }
            return Ok(self.iter_result(v, true));
        }
        if !started && mode == 1 {
            if let Kind::Generator(_, d) = &mut self.heap.get_mut(g).kind {
                *d = true;
            }
            return Err(v);
        }
        let depth = self.frames.len();
        let v = if started && mode == 0 {
            frame.stack.push(v);
            Val::Undef
        } else {
            v
        };
        self.frames.push(*frame);
        let outer = self.nested_start.is_none();
        if outer {
            self.nested_start = Some(self.steps);
        }
        let r = if mode == 1 {
            match self.unwind(v, depth) {
                Unwind::Caught => self.run(ctx, depth),
                Unwind::Propagate(e) => Outcome::Threw(e),
                Unwind::Finished(v) => Outcome::Done(v),
            }
        } else {
            self.run(ctx, depth)
        };
        if outer {
            self.nested_start = None;
        }
        match r {
            Outcome::Done(v) => Ok(v),
            Outcome::Threw(e) => Err(e),
            Outcome::Yield => Err(self.fatal("internal: generator yielded the step")),
        }
    }

    /// A short form of a value for messages (`Class extends value 5 is not …`).
    pub fn inspect_short(&mut self, ctx: &mut Ctx, v: &Val) -> String {
        match v {
            Val::Str(_) | Val::Obj(_) => super::inspect::inspect(self, ctx, v, &super::inspect::Opts::default()),
            other => self.prim_str(other),
        }
    }
}

/// `Math.pow` / `**` with ECMA-262's special cases.
pub fn js_pow(x: f64, y: f64) -> f64 {
    if y.is_nan() {
        return f64::NAN;
    }
    if y == 0.0 {
        return 1.0;
    }
    if (x == 1.0 || x == -1.0) && y.is_infinite() {
        return f64::NAN;
    }
    x.powf(y)
}

fn async_gen_drain_fn(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    if let Val::Obj(g) = c.data {
        vm.async_gen_drain(ctx, g)?;
    }
    Ok(Val::Undef)
}

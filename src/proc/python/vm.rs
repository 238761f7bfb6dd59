//! The interpreter: frames, the dispatch loop, calls and argument binding, exceptions and
//! their unwinding, classes, imports. Resumable: `exec` stops between instructions (a step
//! budget, a sleep, `input()`, a server waiting for requests) and continues later.

use std::rc::Rc;

use super::ast::{BinOp, UnOp};
use super::code::{Code, CodeKind, Op};
use super::value::*;
use crate::clock::SimTime;
use crate::proc::program::Ctx;

/// The most frames on the stack (CPython's default recursion limit).
pub const RECURSION_LIMIT: usize = 1000;
/// Instructions a callback run from builtin code (`sorted(key=…)`, `__str__`, a request
/// handler) may execute before it is stopped.
pub const CALLBACK_BUDGET: u64 = 50_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub minor: u8,
    pub patch: u8,
}

impl Version {
    pub fn at_least(self, minor: u8) -> bool {
        self.minor >= minor
    }
    pub fn full(self) -> String {
        format!("3.{}.{}", self.minor, self.patch)
    }
}

#[derive(Clone, Debug)]
pub enum FrameRet {
    /// Push the return value on the caller's stack.
    Normal,
    /// `__init__` of a new instance: the call's value is the instance.
    Init(Value),
    /// A class body: build the class from the namespace.
    Class(Rc<str>, Vec<Value>, u32),
    /// A module body run by import: the value is the module.
    Module(u32),
    /// A generator resumed by `for` (true) or by `next()` (false).
    Gen(u32, bool),
}

#[derive(Clone, Copy, Debug)]
pub struct Block {
    pub handler: u32,
    pub depth: u32,
    pub handling: u32,
}

#[derive(Clone, Debug)]
pub struct Frame {
    pub code: Rc<Code>,
    pub ip: u32,
    pub stack: Vec<Value>,
    pub locals: Vec<Value>,
    pub cells: Vec<u32>,
    pub globals: u32,
    pub blocks: Vec<Block>,
    /// Exceptions being handled (innermost last).
    pub handling: Vec<Value>,
    pub class_ns: Option<Attrs>,
    pub ret: FrameRet,
    /// The function object running (for zero-argument `super()`).
    pub func: Option<u32>,
}

/// Why the interpreter stopped before finishing.
#[derive(Clone, Debug)]
pub enum Suspend {
    /// `time.sleep()`: resume at this time.
    Sleep(SimTime),
    /// `input()`: waiting for a line.
    Input,
    /// A server waits for connections.
    Serve,
    /// The step budget ran out.
    Budget,
}

/// A Python-level exception or a suspension travelling up from native code.
#[derive(Clone, Debug)]
pub enum Flow {
    Exc(Value),
    Suspend(Suspend),
}

pub type PyResult<T = Value> = Result<T, Flow>;

/// The result of calling a callable from the dispatch loop.
#[derive(Debug)]
pub enum Called {
    Value(Value),
    /// A frame was pushed; its return value arrives later.
    Pushed,
}

/// Buffered standard streams, as CPython's `TextIOWrapper` over a `BufferedWriter`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Buffering {
    Unbuffered,
    Line,
    /// Written out when 8192 bytes are pending.
    Block,
}

#[derive(Clone, Debug)]
pub struct Stream {
    pub buf: String,
    pub mode: Buffering,
}

/// What the interpreter waits for on resumption.
#[derive(Clone, Debug, Default)]
pub enum Pending {
    #[default]
    None,
    Sleep(SimTime),
    Input,
    /// A server waits for requests (or a signal).
    Serve,
}

#[derive(Clone, Debug)]
pub struct Vm {
    pub heap: Heap,
    pub frames: Vec<Frame>,
    /// `sys.modules`, in import order.
    pub modules: Vec<(Rc<str>, u32)>,
    pub builtins: u32,
    pub main: u32,
    pub sys: u32,
    pub version: Version,
    pub stdout: Stream,
    pub stderr: Stream,
    pub argv: Vec<String>,
    pub rng: super::random::Mt,
    pub pending: Pending,
    /// Nesting of synchronous runs (callbacks); the collector waits for zero.
    pub nested: u32,
    /// The directory of the main script (first entry of `sys.path`).
    pub path0: String,
    pub site_packages: String,
    /// Set when a generator returned during a synchronous resume.
    pub gen_done: Option<Value>,
    /// A line read by `input()`, handed to the waiting frame.
    pub input_line: Option<String>,
    /// Registered servers (Flask apps, WSGI apps, http.server): port, host, handler.
    pub servers: Vec<super::serve::Server>,
    /// Values the embedding keeps alive (server handlers).
    pub roots: Vec<Value>,
    pub exit_code: Option<i32>,
    pub env: Vec<String>,
    /// When the process started (ms), for `time.perf_counter()`.
    pub start: u64,
    /// Source text of the files run, for traceback lines.
    pub sources: Vec<(Rc<str>, Rc<str>)>,
}

/// Indices of the builtin exception classes in the heap (allocated first, in this order).
#[allow(dead_code)]
pub mod exc {
    pub const BASE: u32 = 0;
    pub const SYSTEM_EXIT: u32 = 1;
    pub const KEYBOARD_INTERRUPT: u32 = 2;
    pub const GENERATOR_EXIT: u32 = 3;
    pub const EXCEPTION: u32 = 4;
    pub const STOP_ITERATION: u32 = 5;
    pub const ARITHMETIC: u32 = 6;
    pub const OVERFLOW: u32 = 7;
    pub const ZERO_DIVISION: u32 = 8;
    pub const ASSERTION: u32 = 9;
    pub const ATTRIBUTE: u32 = 10;
    pub const EOF: u32 = 11;
    pub const IMPORT: u32 = 12;
    pub const MODULE_NOT_FOUND: u32 = 13;
    pub const LOOKUP: u32 = 14;
    pub const INDEX: u32 = 15;
    pub const KEY: u32 = 16;
    pub const MEMORY: u32 = 17;
    pub const NAME: u32 = 18;
    pub const UNBOUND_LOCAL: u32 = 19;
    pub const OS: u32 = 20;
    pub const FILE_NOT_FOUND: u32 = 21;
    pub const FILE_EXISTS: u32 = 22;
    pub const IS_A_DIRECTORY: u32 = 23;
    pub const NOT_A_DIRECTORY: u32 = 24;
    pub const PERMISSION: u32 = 25;
    pub const RUNTIME: u32 = 26;
    pub const NOT_IMPLEMENTED: u32 = 27;
    pub const RECURSION: u32 = 28;
    pub const SYNTAX: u32 = 29;
    pub const INDENTATION: u32 = 30;
    pub const TAB: u32 = 31;
    pub const TYPE: u32 = 32;
    pub const VALUE: u32 = 33;
    pub const UNICODE: u32 = 34;
    pub const WARNING: u32 = 35;
    pub const JSON_DECODE: u32 = 36;
    pub const CONNECTION: u32 = 37;
    pub const TIMEOUT: u32 = 38;
    pub const UNICODE_DECODE: u32 = 39;
    pub const DEPRECATION_WARNING: u32 = 40;
    pub const USER_WARNING: u32 = 41;
    pub const RUNTIME_WARNING: u32 = 42;
    pub const LOOKUP_END: u32 = 43;

    /// (name, parent, module) in heap order.
    pub const TABLE: [(&str, u32, &str); 43] = [
        ("BaseException", u32::MAX, "builtins"),
        ("SystemExit", BASE, "builtins"),
        ("KeyboardInterrupt", BASE, "builtins"),
        ("GeneratorExit", BASE, "builtins"),
        ("Exception", BASE, "builtins"),
        ("StopIteration", EXCEPTION, "builtins"),
        ("ArithmeticError", EXCEPTION, "builtins"),
        ("OverflowError", ARITHMETIC, "builtins"),
        ("ZeroDivisionError", ARITHMETIC, "builtins"),
        ("AssertionError", EXCEPTION, "builtins"),
        ("AttributeError", EXCEPTION, "builtins"),
        ("EOFError", EXCEPTION, "builtins"),
        ("ImportError", EXCEPTION, "builtins"),
        ("ModuleNotFoundError", IMPORT, "builtins"),
        ("LookupError", EXCEPTION, "builtins"),
        ("IndexError", LOOKUP, "builtins"),
        ("KeyError", LOOKUP, "builtins"),
        ("MemoryError", EXCEPTION, "builtins"),
        ("NameError", EXCEPTION, "builtins"),
        ("UnboundLocalError", NAME, "builtins"),
        ("OSError", EXCEPTION, "builtins"),
        ("FileNotFoundError", OS, "builtins"),
        ("FileExistsError", OS, "builtins"),
        ("IsADirectoryError", OS, "builtins"),
        ("NotADirectoryError", OS, "builtins"),
        ("PermissionError", OS, "builtins"),
        ("RuntimeError", EXCEPTION, "builtins"),
        ("NotImplementedError", RUNTIME, "builtins"),
        ("RecursionError", RUNTIME, "builtins"),
        ("SyntaxError", EXCEPTION, "builtins"),
        ("IndentationError", SYNTAX, "builtins"),
        ("TabError", INDENTATION, "builtins"),
        ("TypeError", EXCEPTION, "builtins"),
        ("ValueError", EXCEPTION, "builtins"),
        ("UnicodeError", VALUE, "builtins"),
        ("Warning", EXCEPTION, "builtins"),
        ("JSONDecodeError", VALUE, "json.decoder"),
        ("ConnectionError", OS, "builtins"),
        ("TimeoutError", OS, "builtins"),
        ("UnicodeDecodeError", UNICODE, "builtins"),
        ("DeprecationWarning", WARNING, "builtins"),
        ("UserWarning", WARNING, "builtins"),
        ("RuntimeWarning", WARNING, "builtins"),
    ];
}

impl Vm {
    // ---------------------------------------------------------------- small helpers

    pub fn top(&mut self) -> &mut Frame {
        if self.frames.is_empty() {
            // Calls from outside any frame (a request after the main program finished) run
            // on a scratch frame.
            let code = super::compile::empty_code();
            let f = self.new_frame(code, self.main, Vec::new(), Vec::new());
            self.frames.push(f);
        }
        let n = self.frames.len();
        &mut self.frames[n - 1]
    }
    pub fn push(&mut self, v: Value) {
        self.top().stack.push(v);
    }
    pub fn pop(&mut self) -> Value {
        self.top().stack.pop().unwrap_or(Value::None)
    }
    pub fn peek(&mut self, k: usize) -> Value {
        let s = &self.top().stack;
        s.get(s.len().wrapping_sub(1 + k)).cloned().unwrap_or(Value::None)
    }
    pub fn alloc(&mut self, o: Obj) -> Value {
        Value::Obj(self.heap.alloc(o))
    }
    pub fn new_list(&mut self, v: Vec<Value>) -> Value {
        self.alloc(Obj::List(v))
    }
    pub fn new_tuple(&mut self, v: Vec<Value>) -> Value {
        self.alloc(Obj::Tuple(v))
    }
    pub fn new_dict(&mut self, d: Dict) -> Value {
        self.alloc(Obj::Dict(d))
    }
    pub fn obj(&self, v: &Value) -> Option<&Obj> {
        match v {
            Value::Obj(i) => Some(self.heap.get(*i)),
            _ => None,
        }
    }
    pub fn obj_mut(&mut self, v: &Value) -> Option<&mut Obj> {
        match v {
            Value::Obj(i) => self.heap.get_mut(*i),
            _ => None,
        }
    }

    /// An exception instance of a builtin class with one message argument.
    pub fn exc(&mut self, cls: u32, msg: impl Into<String>) -> Flow {
        let m = msg.into();
        let args = vec![Value::Str(Rc::from(m))];
        Flow::Exc(self.make_exc(cls, args))
    }
    pub fn make_exc(&mut self, cls: u32, args: Vec<Value>) -> Value {
        let t = self.new_tuple(args);
        let mut attrs = Attrs::default();
        attrs.set(Rc::from("args"), t);
        self.alloc(Obj::Inst(Inst {
            class: cls,
            attrs,
            inner: None,
            exc: Some(Box::default()),
        }))
    }
    pub fn type_error(&mut self, msg: impl Into<String>) -> Flow {
        self.exc(exc::TYPE, msg)
    }
    pub fn value_error(&mut self, msg: impl Into<String>) -> Flow {
        self.exc(exc::VALUE, msg)
    }
    /// `dockling: python: <what> is not simulated`, raised as a RuntimeError-like failure
    /// that the top level reports as one line.
    pub fn unsupported(&mut self, what: &str) -> Flow {
        self.dockling_error(&format!("dockling: python: {what} is not simulated"))
    }

    /// A one-line `dockling: …` failure (what the simulator does not do).
    pub fn dockling_error(&mut self, msg: &str) -> Flow {
        let e = self.exc(exc::RUNTIME, msg);
        if let Flow::Exc(v) = &e {
            if let Some(Obj::Inst(i)) = self.obj_mut(v) {
                i.attrs.set(Rc::from("__dockling__"), Value::Bool(true));
            }
        }
        e
    }

    pub fn class_of_inst(&self, v: &Value) -> Option<u32> {
        match self.obj(v) {
            Some(Obj::Inst(i)) => Some(i.class),
            _ => None,
        }
    }
    /// Is class `c` a subclass of class `base` (both heap classes)?
    pub fn is_subclass(&self, c: u32, base: u32) -> bool {
        match self.heap.get(c) {
            Obj::Class(k) => k.mro.contains(&base),
            _ => false,
        }
    }
    pub fn is_exc_instance(&self, v: &Value, base: u32) -> bool {
        self.class_of_inst(v).is_some_and(|c| self.is_subclass(c, base))
    }

    // ---------------------------------------------------------------- frames

    pub fn new_frame(&mut self, code: Rc<Code>, globals: u32, locals: Vec<Value>, cells: Vec<u32>) -> Frame {
        let mut locals = locals;
        let n = code.varnames.len().max(locals.len());
        locals.resize(n, Value::Undef);
        let mut all_cells = Vec::with_capacity(code.cellvars.len() + cells.len());
        for (i, _) in code.cellvars.iter().enumerate() {
            let init = match code.cell_args.get(i).copied().flatten() {
                Some(p) => locals.get(p as usize).cloned().unwrap_or(Value::Undef),
                None => Value::Undef,
            };
            all_cells.push(self.heap.alloc(Obj::Cell(init)));
        }
        all_cells.extend(cells);
        Frame {
            code,
            ip: 0,
            stack: Vec::new(),
            locals,
            cells: all_cells,
            globals,
            blocks: Vec::new(),
            handling: Vec::new(),
            class_ns: None,
            ret: FrameRet::Normal,
            func: None,
        }
    }

    pub fn push_frame(&mut self, f: Frame) -> PyResult<()> {
        if self.frames.len() >= RECURSION_LIMIT {
            return Err(self.exc(exc::RECURSION, "maximum recursion depth exceeded"));
        }
        self.frames.push(f);
        Ok(())
    }

    /// Runs until the frame stack drops to `stop` (returning the value of the frame that
    /// returned there), an exception leaves frame `stop`, or the interpreter suspends.
    pub fn exec(&mut self, ctx: &mut Ctx, stop: usize, budget: &mut u64) -> PyResult<Value> {
        loop {
            if *budget == 0 {
                return Err(Flow::Suspend(Suspend::Budget));
            }
            *budget -= 1;
            if self.nested == 0 && self.heap.since_gc > 200_000 && self.heap.since_gc > self.heap.live() {
                self.gc();
            }
            let (op, code_len) = {
                let f = self.top();
                let ip = f.ip as usize;
                f.ip += 1;
                (f.code.ops.get(ip).copied(), f.code.ops.len())
            };
            let _ = code_len;
            let Some(op) = op else {
                // Fell off the end (cannot happen for compiled code): return None.
                self.push(Value::None);
                if let Some(v) = self.do_return(stop)? {
                    return Ok(v);
                }
                continue;
            };
            match self.step_op(ctx, op, stop) {
                Ok(None) => {}
                Ok(Some(v)) => return Ok(v),
                Err(Flow::Exc(e)) => self.unwind(e, false, stop)?,
                Err(Flow::Suspend(s)) => {
                    // The instruction re-runs on resumption only for input/sleep, which
                    // push their results themselves.
                    return Err(Flow::Suspend(s));
                }
            }
        }
    }

    /// Finds a handler for `e`, unwinding frames above `stop`. `Ok` when handled (execution
    /// continues there); `Err` when the exception leaves frame `stop`.
    pub fn unwind(&mut self, e: Value, reraise: bool, stop: usize) -> PyResult<()> {
        if !reraise {
            self.tb_here(&e);
        }
        loop {
            let f = self.top();
            if let Some(b) = f.blocks.pop() {
                f.stack.truncate(b.depth as usize);
                f.handling.truncate(b.handling as usize);
                f.handling.push(e.clone());
                f.stack.push(e);
                f.ip = b.handler;
                return Ok(());
            }
            // No handler in this frame.
            let frame = self.frames.pop();
            if let Some(Frame {
                ret: FrameRet::Gen(g, _),
                ..
            }) = &frame
            {
                self.finish_gen(*g);
            }
            drop(frame);
            if self.frames.len() <= stop || self.frames.is_empty() {
                return Err(Flow::Exc(e));
            }
            self.tb_here(&e);
        }
    }

    /// Records the current frame's position in the exception's traceback.
    fn tb_here(&mut self, e: &Value) {
        let Some(f) = self.frames.last() else { return };
        let entry = (f.code.clone(), f.ip.saturating_sub(1));
        let handling = f.handling.last().cloned();
        if let Some(Obj::Inst(i)) = self.obj_mut(e) {
            let info = i.exc.get_or_insert_with(Box::default);
            info.tb.push(entry);
            if info.context.is_none() {
                if let Some(h) = handling {
                    if !h.same(e) {
                        info.context = Some(h);
                    }
                }
            }
        }
    }

    fn do_return(&mut self, stop: usize) -> PyResult<Option<Value>> {
        let v = self.pop();
        let Some(frame) = self.frames.pop() else {
            return Ok(Some(v));
        };
        let v = match frame.ret {
            FrameRet::Normal => v,
            FrameRet::Init(inst) => {
                if !v.is_none() {
                    let t = self.type_name(&v);
                    let e = self.type_error(format!("__init__() should return None, not '{t}'"));
                    return self.raise_after_return(e, stop);
                }
                inst
            }
            FrameRet::Class(name, bases, kw) => {
                let ns = frame.class_ns.unwrap_or_default();
                match self.build_class(name, bases, ns, kw) {
                    Ok(c) => c,
                    Err(e) => return self.raise_after_return(e, stop),
                }
            }
            FrameRet::Module(m) => Value::Obj(m),
            FrameRet::Gen(g, for_loop) => {
                self.finish_gen(g);
                if for_loop {
                    // The caller's ForIter ends the loop.
                    let f = self.top();
                    if let Some(Op::ForIter(exit)) = f.code.ops.get(f.ip.saturating_sub(1) as usize).copied() {
                        f.stack.pop();
                        f.ip = exit;
                    }
                    return Ok(None);
                }
                if self.frames.len() <= stop {
                    self.gen_done = Some(v.clone());
                    return Ok(Some(v));
                }
                let e = self.make_exc(exc::STOP_ITERATION, vec![v]);
                return self.raise_after_return(Flow::Exc(e), stop);
            }
        };
        if self.frames.len() <= stop {
            return Ok(Some(v));
        }
        self.push(v);
        Ok(None)
    }

    fn raise_after_return(&mut self, e: Flow, stop: usize) -> PyResult<Option<Value>> {
        if self.frames.len() <= stop {
            return Err(e);
        }
        match e {
            Flow::Exc(v) => {
                self.unwind(v, false, stop)?;
                Ok(None)
            }
            other => Err(other),
        }
    }

    /// Calls `f` and runs it to completion (callbacks from builtin code).
    pub fn call_sync(&mut self, ctx: &mut Ctx, f: Value, args: Vec<Value>, kwargs: Vec<(Rc<str>, Value)>) -> PyResult {
        let depth = self.frames.len();
        match self.call_value(ctx, f, args, kwargs)? {
            Called::Value(v) => Ok(v),
            Called::Pushed => self.run_pushed(ctx, depth),
        }
    }

    /// Runs the frame(s) pushed above `depth` to completion.
    pub fn run_pushed(&mut self, ctx: &mut Ctx, depth: usize) -> PyResult {
        self.nested += 1;
        let mut budget = CALLBACK_BUDGET;
        let r = self.exec(ctx, depth, &mut budget);
        self.nested -= 1;
        match r {
            Err(Flow::Suspend(s)) => {
                self.frames.truncate(depth);
                let what = match s {
                    Suspend::Sleep(_) => "time.sleep() inside a callback",
                    Suspend::Input => "input() inside a callback",
                    Suspend::Serve => "a server started inside a callback",
                    Suspend::Budget => "a callback running this long",
                };
                Err(self.unsupported(what))
            }
            other => other,
        }
    }

    // ---------------------------------------------------------------- the instructions

    fn name_of(&mut self, i: u32) -> Rc<str> {
        self.top().code.names.get(i as usize).cloned().unwrap_or_else(|| Rc::from("?"))
    }

    fn step_op(&mut self, ctx: &mut Ctx, op: Op, stop: usize) -> PyResult<Option<Value>> {
        match op {
            Op::Nop => {}
            Op::Const(i) => {
                let v = self.top().code.consts.get(i as usize).cloned().unwrap_or(Value::None);
                self.push(v);
            }
            Op::LoadFast(i) => {
                let v = self.top().locals.get(i as usize).cloned().unwrap_or(Value::Undef);
                if let Value::Undef = v {
                    let name = self.top().code.varnames.get(i as usize).cloned().unwrap_or_else(|| Rc::from("?"));
                    return Err(self.unbound(&name));
                }
                self.push(v);
            }
            Op::StoreFast(i) => {
                let v = self.pop();
                let f = self.top();
                if let Some(slot) = f.locals.get_mut(i as usize) {
                    *slot = v;
                }
            }
            Op::DelFast(i) => {
                let f = self.top();
                let old = f.locals.get_mut(i as usize).map(|s| std::mem::replace(s, Value::Undef));
                if matches!(old, Some(Value::Undef) | None) {
                    let name = self.top().code.varnames.get(i as usize).cloned().unwrap_or_else(|| Rc::from("?"));
                    return Err(self.unbound(&name));
                }
            }
            Op::LoadDeref(i) | Op::LoadClosure(i) => {
                let cell = self.top().cells.get(i as usize).copied().unwrap_or(0);
                if let Op::LoadClosure(_) = op {
                    self.push(Value::Obj(cell));
                } else {
                    let v = match self.heap.get(cell) {
                        Obj::Cell(v) => v.clone(),
                        _ => Value::Undef,
                    };
                    if let Value::Undef = v {
                        let code = self.top().code.clone();
                        let name = code
                            .cellvars
                            .iter()
                            .chain(code.freevars.iter())
                            .nth(i as usize)
                            .cloned()
                            .unwrap_or_else(|| Rc::from("?"));
                        if (i as usize) < code.cellvars.len() {
                            return Err(self.unbound(&name));
                        }
                        return Err(self.exc(
                            exc::NAME,
                            format!("cannot access free variable '{name}' where it is not associated with a value in enclosing scope"),
                        ));
                    }
                    self.push(v);
                }
            }
            Op::StoreDeref(i) | Op::DelDeref(i) => {
                let v = if let Op::StoreDeref(_) = op {
                    self.pop()
                } else {
                    Value::Undef
                };
                let cell = self.top().cells.get(i as usize).copied().unwrap_or(0);
                if let Some(Obj::Cell(c)) = self.heap.get_mut(cell) {
                    *c = v;
                }
            }
            Op::LoadGlobal(i) => {
                let name = self.name_of(i);
                let g = self.top().globals;
                let v = self.load_global(g, &name)?;
                self.push(v);
            }
            Op::StoreGlobal(i) => {
                let name = self.name_of(i);
                let v = self.pop();
                let g = self.top().globals;
                self.module_set(g, name, v);
            }
            Op::DelGlobal(i) => {
                let name = self.name_of(i);
                let g = self.top().globals;
                let removed = match self.heap.get_mut(g) {
                    Some(Obj::Module(m)) => m.attrs.remove(&name).is_some(),
                    _ => false,
                };
                if !removed {
                    return Err(self.exc(exc::NAME, format!("name '{name}' is not defined")));
                }
            }
            Op::LoadName(i) => {
                let name = self.name_of(i);
                let found = self.top().class_ns.as_ref().and_then(|ns| ns.get(&name).cloned());
                let v = match found {
                    Some(v) => v,
                    None => {
                        let g = self.top().globals;
                        self.load_global(g, &name)?
                    }
                };
                self.push(v);
            }
            Op::StoreName(i) => {
                let name = self.name_of(i);
                let v = self.pop();
                let f = self.top();
                match &mut f.class_ns {
                    Some(ns) => ns.set(name, v),
                    None => {
                        let g = f.globals;
                        self.module_set(g, name, v);
                    }
                }
            }
            Op::DelName(i) => {
                let name = self.name_of(i);
                let f = self.top();
                if let Some(ns) = &mut f.class_ns {
                    if ns.remove(&name).is_none() {
                        return Err(self.exc(exc::NAME, format!("name '{name}' is not defined")));
                    }
                }
            }
            Op::LoadAttr(i) => {
                let name = self.name_of(i);
                let o = self.pop();
                let v = self.getattr(ctx, &o, &name)?;
                self.push(v);
            }
            Op::StoreAttr(i) => {
                let name = self.name_of(i);
                let o = self.pop();
                let v = self.pop();
                self.setattr(ctx, &o, name, v)?;
            }
            Op::DelAttr(i) => {
                let name = self.name_of(i);
                let o = self.pop();
                self.delattr(&o, &name)?;
            }
            Op::LoadMethod(i) => {
                let name = self.name_of(i);
                let o = self.pop();
                let (f, s) = self.load_method(ctx, &o, &name)?;
                self.push(f);
                self.push(s);
            }
            Op::CallMethod(n) => {
                let args = self.pop_n(n as usize);
                let s = self.pop();
                let f = self.pop();
                let called = match (f, s) {
                    (Value::Builtin(name), recv) if !matches!(recv, Value::Undef) && name.starts_with('.') => {
                        Called::Value(self.call_method(ctx, recv, &name[1..], args, Vec::new())?)
                    }
                    (f, Value::Undef) => self.call_value(ctx, f, args, Vec::new())?,
                    (f, s) => {
                        let mut a = Vec::with_capacity(args.len() + 1);
                        a.push(s);
                        a.extend(args);
                        self.call_value(ctx, f, a, Vec::new())?
                    }
                };
                if let Called::Value(v) = called {
                    self.push(v);
                }
            }
            Op::Subscr => {
                let idx = self.pop();
                let o = self.pop();
                let v = self.getitem(ctx, &o, &idx)?;
                self.push(v);
            }
            Op::StoreSubscr => {
                let idx = self.pop();
                let o = self.pop();
                let v = self.pop();
                self.setitem(ctx, &o, idx, v)?;
            }
            Op::DelSubscr => {
                let idx = self.pop();
                let o = self.pop();
                self.delitem(ctx, &o, &idx)?;
            }
            Op::Binary(b) | Op::Inplace(b) => {
                let r = self.pop();
                let l = self.pop();
                let v = self.binary(ctx, b, &l, &r, matches!(op, Op::Inplace(_)))?;
                self.push(v);
            }
            Op::Unary(u) => {
                let a = self.pop();
                let v = self.unary(ctx, u, &a)?;
                self.push(v);
            }
            Op::Compare(c) => {
                let r = self.pop();
                let l = self.pop();
                let v = self.compare(ctx, c, &l, &r)?;
                self.push(v);
            }
            Op::Jump(t) => self.top().ip = t,
            Op::PopJumpIfFalse(t) | Op::PopJumpIfTrue(t) => {
                let v = self.pop();
                let b = self.truthy(ctx, &v)?;
                if b == matches!(op, Op::PopJumpIfTrue(_)) {
                    self.top().ip = t;
                }
            }
            Op::JumpIfFalseOrPop(t) | Op::JumpIfTrueOrPop(t) => {
                let v = self.peek(0);
                let b = self.truthy(ctx, &v)?;
                if b == matches!(op, Op::JumpIfTrueOrPop(_)) {
                    self.top().ip = t;
                } else {
                    self.pop();
                }
            }
            Op::Pop => {
                self.pop();
            }
            Op::Dup => {
                let v = self.peek(0);
                self.push(v);
            }
            Op::Dup2 => {
                let a = self.peek(1);
                let b = self.peek(0);
                self.push(a);
                self.push(b);
            }
            Op::Rot2 => {
                let s = &mut self.top().stack;
                let n = s.len();
                if n >= 2 {
                    s.swap(n - 1, n - 2);
                }
            }
            Op::Rot3 => {
                let s = &mut self.top().stack;
                let n = s.len();
                if n >= 3 {
                    let v = s.remove(n - 1);
                    s.insert(n - 3, v);
                }
            }
            Op::BuildList(n) => {
                let v = self.pop_n(n as usize);
                let l = self.new_list(v);
                self.push(l);
            }
            Op::BuildTuple(n) => {
                let v = self.pop_n(n as usize);
                let t = self.new_tuple(v);
                self.push(t);
            }
            Op::BuildSet(n) => {
                let v = self.pop_n(n as usize);
                let mut d = Dict::default();
                for x in v {
                    let k = self.key(&x)?;
                    d.insert(k, x, Value::None);
                }
                let s = self.alloc(Obj::Set(d));
                self.push(s);
            }
            Op::BuildDict(n) => {
                let v = self.pop_n(2 * n as usize);
                let mut d = Dict::default();
                let mut it = v.into_iter();
                while let (Some(k), Some(val)) = (it.next(), it.next()) {
                    let key = self.key(&k)?;
                    d.insert(key, k, val);
                }
                let dv = self.new_dict(d);
                self.push(dv);
            }
            Op::BuildSlice(n) => {
                let step = if n == 3 { self.pop() } else { Value::None };
                let hi = self.pop();
                let lo = self.pop();
                let s = self.alloc(Obj::Slice(lo, hi, step));
                self.push(s);
            }
            Op::BuildString(n) => {
                let parts = self.pop_n(n as usize);
                let mut s = String::new();
                for p in parts {
                    if let Value::Str(t) = p {
                        s.push_str(&t);
                    }
                }
                self.push(Value::Str(Rc::from(s)));
            }
            Op::ListAppend(d) | Op::SetAdd(d) | Op::ListExtend(d) | Op::SetUpdate(d) | Op::DictUpdate(d) => {
                let v = self.pop();
                let target = self.peek(d as usize - 1);
                match op {
                    Op::ListAppend(_) => {
                        if let Some(Obj::List(l)) = self.obj_mut(&target) {
                            l.push(v);
                        }
                    }
                    Op::SetAdd(_) => {
                        let k = self.key(&v)?;
                        if let Some(Obj::Set(s)) = self.obj_mut(&target) {
                            s.insert(k, v, Value::None);
                        }
                    }
                    Op::ListExtend(_) => {
                        let items = self.collect(ctx, &v)?;
                        if let Some(Obj::List(l)) = self.obj_mut(&target) {
                            l.extend(items);
                        }
                    }
                    Op::SetUpdate(_) => {
                        let items = self.collect(ctx, &v)?;
                        for x in items {
                            let k = self.key(&x)?;
                            if let Some(Obj::Set(s)) = self.obj_mut(&target) {
                                s.insert(k, x, Value::None);
                            }
                        }
                    }
                    _ => {
                        let pairs = self.mapping_items(ctx, &v)?;
                        for (k, x) in pairs {
                            let key = self.key(&k)?;
                            if let Some(Obj::Dict(dd)) = self.obj_mut(&target) {
                                dd.insert(key, k, x);
                            }
                        }
                    }
                }
            }
            Op::MapAdd(d) => {
                let v = self.pop();
                let k = self.pop();
                let target = self.peek(d as usize - 1);
                let key = self.key(&k)?;
                if let Some(Obj::Dict(dd)) = self.obj_mut(&target) {
                    dd.insert(key, k, v);
                }
            }
            Op::ListToTuple => {
                let l = self.pop();
                let items = match self.obj(&l) {
                    Some(Obj::List(v)) => v.clone(),
                    _ => Vec::new(),
                };
                let t = self.new_tuple(items);
                self.push(t);
            }
            Op::FormatValue(flags) => {
                let spec = if flags & 4 != 0 { Some(self.pop()) } else { None };
                let v = self.pop();
                let v = match flags & 3 {
                    1 => Value::Str(self.str_of(ctx, &v)?),
                    2 => Value::Str(self.repr(ctx, &v)?),
                    3 => Value::Str(Rc::from(super::format::ascii(&self.repr(ctx, &v)?))),
                    _ => v,
                };
                let spec = match spec {
                    Some(Value::Str(s)) => s,
                    _ => Rc::from(""),
                };
                let s = self.format_value(ctx, &v, &spec)?;
                self.push(Value::Str(s));
            }
            Op::GetIter => {
                let v = self.pop();
                let it = self.iter(ctx, &v)?;
                self.push(it);
            }
            Op::ForIter(exit) => {
                let it = self.peek(0);
                if let Some(Obj::Gen(_)) = self.obj(&it) {
                    let g = it.as_obj().unwrap_or(0);
                    self.resume_gen(g, true, Value::None)?;
                    return Ok(None);
                }
                match self.next(ctx, &it)? {
                    Some(v) => self.push(v),
                    None => {
                        self.pop();
                        self.top().ip = exit;
                    }
                }
            }
            Op::UnpackSeq(n) => {
                let v = self.pop();
                let items = self.collect(ctx, &v)?;
                if items.len() != n as usize {
                    let msg = if items.len() > n as usize {
                        if self.version.at_least(12) && matches!(self.obj(&v), Some(Obj::List(_) | Obj::Tuple(_))) || matches!(v, Value::Str(_)) && self.version.at_least(12) {
                            format!("too many values to unpack (expected {n}, got {})", items.len())
                        } else {
                            format!("too many values to unpack (expected {n})")
                        }
                    } else {
                        let got = items.len();
                        format!("not enough values to unpack (expected {n}, got {got})")
                    };
                    return Err(self.value_error(msg));
                }
                let f = self.top();
                f.stack.extend(items.into_iter().rev());
            }
            Op::UnpackEx(before, after) => {
                let v = self.pop();
                let mut items = self.collect(ctx, &v)?;
                let need = (before + after) as usize;
                if items.len() < need {
                    return Err(self.value_error(format!(
                        "not enough values to unpack (expected at least {need}, got {})",
                        items.len()
                    )));
                }
                let tail = items.split_off(items.len() - after as usize);
                let mid = items.split_off(before as usize);
                let midl = self.new_list(mid);
                let f = self.top();
                for x in tail.into_iter().rev() {
                    f.stack.push(x);
                }
                f.stack.push(midl);
                for x in items.into_iter().rev() {
                    f.stack.push(x);
                }
            }
            Op::Call(n) => {
                let args = self.pop_n(n as usize);
                let f = self.pop();
                if let Called::Value(v) = self.call_value(ctx, f, args, Vec::new())? {
                    self.push(v);
                }
            }
            Op::CallKw(n, k) => {
                let names = self.top().code.kwnames.get(k as usize).cloned().unwrap_or_default();
                let kwv = self.pop_n(names.len());
                let args = self.pop_n(n as usize);
                let f = self.pop();
                let kwargs = names.into_iter().zip(kwv).collect();
                if let Called::Value(v) = self.call_value(ctx, f, args, kwargs)? {
                    self.push(v);
                }
            }
            Op::CallEx(flag) => {
                let kw = if flag == 1 { Some(self.pop()) } else { None };
                let args = self.pop();
                let f = self.pop();
                let args = self.collect(ctx, &args)?;
                let mut kwargs = Vec::new();
                if let Some(kw) = kw {
                    let fname = self.callable_name(&f);
                    for (k, v) in self.mapping_items(ctx, &kw)? {
                        let Value::Str(k) = k else {
                            return Err(self.type_error(format!("{fname}() keywords must be strings")));
                        };
                        if kwargs.iter().any(|(n, _): &(Rc<str>, Value)| *n == k) {
                            return Err(self.type_error(format!(
                                "{fname}() got multiple values for keyword argument '{k}'"
                            )));
                        }
                        kwargs.push((k, v));
                    }
                }
                if let Called::Value(v) = self.call_value(ctx, f, args, kwargs)? {
                    self.push(v);
                }
            }
            Op::MakeFunction(k, flags) => {
                let closure = if flags & 4 != 0 { self.pop() } else { Value::None };
                let kwdefaults = if flags & 2 != 0 { self.pop() } else { Value::None };
                let defaults = if flags & 1 != 0 { self.pop() } else { Value::None };
                let Some(Value::Code(code)) = self.top().code.consts.get(k as usize).cloned() else {
                    return Err(self.unsupported("this function object"));
                };
                let defaults = match self.obj(&defaults) {
                    Some(Obj::Tuple(v)) => v.clone(),
                    _ => Vec::new(),
                };
                let kwdefaults = match self.obj(&kwdefaults) {
                    Some(Obj::Dict(d)) => d
                        .entries
                        .iter()
                        .filter_map(|(k, v)| match k {
                            Value::Str(s) => Some((s.clone(), v.clone())),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                let cells = match self.obj(&closure) {
                    Some(Obj::Tuple(v)) => v.iter().filter_map(|c| c.as_obj()).collect(),
                    _ => Vec::new(),
                };
                let globals = self.top().globals;
                let f = Func {
                    name: code.name.clone(),
                    qualname: code.qualname.clone(),
                    code,
                    defaults,
                    kwdefaults,
                    cells,
                    globals,
                    attrs: Attrs::default(),
                    class: None,
                };
                let v = self.alloc(Obj::Func(f));
                self.push(v);
            }
            Op::BuildClass => {
                let kw = self.pop();
                let bases = self.pop();
                let name = self.pop();
                let body = self.pop();
                let Value::Str(name) = name else {
                    return Err(self.type_error("class name must be a string"));
                };
                let bases = match self.obj(&bases) {
                    Some(Obj::Tuple(v)) => v.clone(),
                    _ => Vec::new(),
                };
                let kwd = match self.obj(&kw) {
                    Some(Obj::Dict(d)) => d.len(),
                    _ => 0,
                };
                if kwd > 0 {
                    return Err(self.unsupported("class keyword arguments (metaclass=…)"));
                }
                let Some(Obj::Func(f)) = self.obj(&body).cloned() else {
                    return Err(self.type_error("class body is not a function"));
                };
                let mut frame = self.new_frame(f.code.clone(), f.globals, Vec::new(), f.cells.clone());
                frame.class_ns = Some(Attrs::default());
                frame.ret = FrameRet::Class(name, bases, 0);
                self.push_frame(frame)?;
            }
            Op::Return => {
                return self.do_return(stop);
            }
            Op::SetupExcept(h) | Op::SetupFinally(h) => {
                let f = self.top();
                let b = Block {
                    handler: h,
                    depth: f.stack.len() as u32,
                    handling: f.handling.len() as u32,
                };
                f.blocks.push(b);
            }
            Op::PopBlock => {
                self.top().blocks.pop();
            }
            Op::PopExcept => {
                self.top().handling.pop();
            }
            Op::Raise(0) => {
                let cur = self.frames.iter().rev().find_map(|f| f.handling.last().cloned());
                match cur {
                    // A bare raise keeps the traceback: no new entry for this frame.
                    Some(e) => self.unwind(e, true, stop)?,
                    None => return Err(self.exc(exc::RUNTIME, "No active exception to reraise")),
                }
            }
            Op::Raise(n) => return Err(self.do_raise(ctx, n)?),
            Op::Reraise => {
                let e = self.pop();
                self.top().handling.pop();
                self.unwind(e, true, stop)?;
            }
            Op::ExcMatch => {
                let t = self.pop();
                let e = self.peek(0);
                let m = self.exc_matches(&e, &t)?;
                self.push(Value::Bool(m));
            }
            Op::CheckExcType => {}
            Op::WithEnter => {
                let mgr = self.pop();
                self.push(mgr.clone());
                let enter = self.special(&mgr, "__enter__");
                match enter {
                    Some(f) => {
                        let v = self.call_sync(ctx, f, vec![mgr], Vec::new())?;
                        self.push(v);
                    }
                    None => {
                        self.pop();
                        let t = self.type_name(&mgr);
                        let msg = if self.version.at_least(11) {
                            format!("'{t}' object does not support the context manager protocol")
                        } else {
                            "__enter__".to_string()
                        };
                        let cls = if self.version.at_least(11) { exc::TYPE } else { exc::ATTRIBUTE };
                        return Err(self.exc(cls, msg));
                    }
                }
            }
            Op::WithExit => {
                let mgr = self.pop();
                if let Some(f) = self.special(&mgr, "__exit__") {
                    self.call_sync(ctx, f, vec![mgr, Value::None, Value::None, Value::None], Vec::new())?;
                }
            }
            Op::WithExitExc => {
                let e = self.peek(0);
                let mgr = self.peek(1);
                let suppress = match self.special(&mgr, "__exit__") {
                    Some(f) => {
                        let t = self.type_of(&e);
                        let r = self.call_sync(ctx, f, vec![mgr, t, e.clone(), Value::None], Vec::new())?;
                        self.truthy(ctx, &r)?
                    }
                    None => false,
                };
                if suppress {
                    // Stack: manager, exception → drop the exception below the result.
                    let f = self.top();
                    let n = f.stack.len();
                    if n >= 2 {
                        f.stack.remove(n - 1);
                    }
                    f.stack.push(Value::Bool(true));
                } else {
                    let f = self.top();
                    let n = f.stack.len();
                    if n >= 2 {
                        // Reraise pops the exception: drop the manager beneath it.
                        f.stack.remove(n - 2);
                    }
                    f.stack.push(Value::Bool(false));
                }
            }
            Op::ImportName(i) => {
                let name = self.name_of(i);
                self.import(ctx, &name)?;
            }
            Op::ImportFrom(i) => {
                let name = self.name_of(i);
                let m = self.peek(0);
                let v = self.import_from(ctx, &m, &name)?;
                self.push(v);
            }
            Op::ImportStar => {
                let m = self.pop();
                if let Some(Obj::Module(md)) = self.obj(&m) {
                    let all = md.attrs.get("__all__").cloned();
                    let items: Vec<(Rc<str>, Value)> = match all.and_then(|a| match self.obj(&a) {
                        Some(Obj::List(v) | Obj::Tuple(v)) => Some(v.clone()),
                        _ => None,
                    }) {
                        Some(names) => names
                            .iter()
                            .filter_map(|n| match n {
                                Value::Str(s) => md.attrs.get(s).map(|v| (s.clone(), v.clone())),
                                _ => None,
                            })
                            .collect(),
                        None => md.attrs.items.iter().filter(|(k, _)| !k.starts_with('_')).cloned().collect(),
                    };
                    let g = self.top().globals;
                    for (k, v) in items {
                        self.module_set(g, k, v);
                    }
                }
            }
            Op::PrintExpr => {
                let v = self.pop();
                if !v.is_none() {
                    let r = self.repr(ctx, &v)?;
                    self.write_out(ctx, &format!("{r}\n"));
                    let b = self.builtins;
                    self.module_set(b, Rc::from("_"), v);
                }
            }
            Op::LoadAssertionError => self.push(Value::Obj(exc::ASSERTION)),
            Op::LoadLocals => {}
            Op::Yield => {
                let v = self.pop();
                return self.do_yield(v, stop);
            }
        }
        Ok(None)
    }

    pub fn pop_n(&mut self, n: usize) -> Vec<Value> {
        let s = &mut self.top().stack;
        let at = s.len().saturating_sub(n);
        s.split_off(at)
    }

    fn unbound(&mut self, name: &str) -> Flow {
        let msg = if self.version.at_least(11) {
            format!("cannot access local variable '{name}' where it is not associated with a value")
        } else {
            format!("local variable '{name}' referenced before assignment")
        };
        self.exc(exc::UNBOUND_LOCAL, msg)
    }

    fn do_raise(&mut self, ctx: &mut Ctx, n: u32) -> PyResult<Flow> {
        let cause = if n == 2 { Some(self.pop()) } else { None };
        let v = self.pop();
        let e = self.as_exception(ctx, v)?;
        if let Some(c) = cause {
            let c = if c.is_none() {
                None
            } else {
                Some(self.as_exception(ctx, c)?)
            };
            if let Some(Obj::Inst(i)) = self.obj_mut(&e) {
                let info = i.exc.get_or_insert_with(Box::default);
                info.cause = c;
                info.suppress_context = true;
            }
        }
        Ok(Flow::Exc(e))
    }

    /// A class or instance to raise as an exception instance.
    pub fn as_exception(&mut self, ctx: &mut Ctx, v: Value) -> PyResult {
        if let Value::Obj(i) = &v {
            match self.heap.get(*i) {
                Obj::Class(_) if self.is_subclass(*i, exc::BASE) => {
                    return self.call_sync(ctx, v, Vec::new(), Vec::new());
                }
                Obj::Inst(inst) if self.is_subclass(inst.class, exc::BASE) => return Ok(v),
                _ => {}
            }
        }
        Err(self.type_error("exceptions must derive from BaseException"))
    }

    fn exc_matches(&mut self, e: &Value, t: &Value) -> PyResult<bool> {
        let Some(c) = self.class_of_inst(e) else {
            return Ok(false);
        };
        match self.obj(t) {
            Some(Obj::Tuple(items)) => {
                let items = items.clone();
                for x in items {
                    if self.exc_matches(e, &x)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Some(Obj::Class(_)) => {
                let b = t.as_obj().unwrap_or(0);
                if !self.is_subclass(b, exc::BASE) {
                    return Err(self.type_error(
                        "catching classes that do not inherit from BaseException is not allowed",
                    ));
                }
                Ok(self.is_subclass(c, b))
            }
            _ => Err(self.type_error(
                "catching classes that do not inherit from BaseException is not allowed",
            )),
        }
    }

    // ---------------------------------------------------------------- globals and modules

    pub fn module_set(&mut self, m: u32, name: Rc<str>, v: Value) {
        if let Some(Obj::Module(md)) = self.heap.get_mut(m) {
            md.attrs.set(name, v);
        }
    }
    pub fn module_get(&self, m: u32, name: &str) -> Option<Value> {
        match self.heap.get(m) {
            Obj::Module(md) => md.attrs.get(name).cloned(),
            _ => None,
        }
    }

    pub fn load_global(&mut self, g: u32, name: &str) -> PyResult {
        if let Some(v) = self.module_get(g, name) {
            return Ok(v);
        }
        if let Some(v) = self.module_get(self.builtins, name) {
            return Ok(v);
        }
        if let Some(v) = super::builtins::builtin_value(name) {
            return Ok(v);
        }
        let mut msg = format!("name '{name}' is not defined");
        if self.version.at_least(10) {
            let sug = self.name_suggestion(g, name);
            if let Some(s) = &sug {
                msg.push_str(&format!(". Did you mean: '{s}'?"));
            }
            if self.version.at_least(12) && super::modules::is_stdlib(name) {
                if sug.is_some() {
                    msg.push_str(&format!(" Or did you forget to import '{name}'?"));
                } else {
                    msg.push_str(&format!(". Did you forget to import '{name}'?"));
                }
            }
        }
        Err(self.exc(exc::NAME, msg))
    }

    fn name_suggestion(&mut self, g: u32, name: &str) -> Option<String> {
        let f = self.frames.last()?;
        // `self.x` inside a method.
        if let Some(pos) = f.code.varnames.iter().position(|v| &**v == "self") {
            if let Some(s) = f.locals.get(pos).cloned() {
                if self.lookup_attr_quiet(&s, name).is_some() {
                    return Some(format!("self.{name}"));
                }
            }
        }
        let mut cands: Vec<String> = Vec::new();
        for (i, v) in f.code.varnames.iter().enumerate() {
            if !matches!(f.locals.get(i), Some(Value::Undef) | None) {
                cands.push(v.to_string());
            }
        }
        if let Obj::Module(m) = self.heap.get(g) {
            cands.extend(m.attrs.items.iter().map(|(k, _)| k.to_string()));
        }
        cands.extend(super::builtins::BUILTIN_NAMES.iter().map(|s| s.to_string()));
        super::traceback::suggest(name, &cands)
    }

    pub fn gc(&mut self) {
        let mut roots: Vec<Value> = Vec::new();
        let mut extra: Vec<u32> = Vec::new();
        for f in &self.frames {
            frame_roots(f, &mut roots, &mut extra);
        }
        for (_, m) in &self.modules {
            extra.push(*m);
        }
        extra.push(self.builtins);
        extra.push(self.main);
        extra.push(self.sys);
        roots.extend(self.roots.iter().cloned());
        for s in &self.servers {
            roots.push(s.handler.clone());
        }
        self.heap.collect(&roots, &extra);
    }

    // ---------------------------------------------------------------- generators

    fn do_yield(&mut self, v: Value, stop: usize) -> PyResult<Option<Value>> {
        let Some(frame) = self.frames.pop() else {
            return Ok(Some(v));
        };
        let FrameRet::Gen(g, for_loop) = frame.ret else {
            return Err(self.unsupported("yield outside a generator"));
        };
        if let Some(Obj::Gen(slot)) = self.heap.get_mut(g) {
            slot.frame = Some(Box::new(frame));
            slot.running = false;
        }
        if !for_loop && self.frames.len() <= stop {
            self.gen_done = None;
            return Ok(Some(v));
        }
        self.push(v);
        Ok(None)
    }

    fn finish_gen(&mut self, g: u32) {
        if let Some(Obj::Gen(slot)) = self.heap.get_mut(g) {
            slot.frame = None;
            slot.running = false;
        }
    }

    /// Pushes a generator's frame to run until its next yield.
    pub fn resume_gen(&mut self, g: u32, for_loop: bool, sent: Value) -> PyResult<bool> {
        let frame = match self.heap.get_mut(g) {
            Some(Obj::Gen(slot)) => {
                if slot.running {
                    return Err(self.value_error("generator already executing"));
                }
                match slot.frame.take() {
                    Some(f) => {
                        slot.running = true;
                        let started = slot.started;
                        slot.started = true;
                        Some((f, started))
                    }
                    None => None,
                }
            }
            _ => None,
        };
        let Some((mut f, started)) = frame else {
            // Exhausted.
            if for_loop {
                let fr = self.top();
                if let Some(Op::ForIter(exit)) = fr.code.ops.get(fr.ip.saturating_sub(1) as usize).copied() {
                    fr.stack.pop();
                    fr.ip = exit;
                }
            }
            return Ok(false);
        };
        if started {
            f.stack.push(sent);
        }
        f.ret = FrameRet::Gen(g, for_loop);
        self.push_frame(*f)?;
        Ok(true)
    }

    /// `next(gen)` from builtin code: runs to the next yield; `None` when exhausted.
    pub fn gen_next(&mut self, ctx: &mut Ctx, g: u32) -> PyResult<Option<Value>> {
        let depth = self.frames.len();
        if !self.resume_gen(g, false, Value::None)? {
            return Ok(None);
        }
        self.gen_done = None;
        let v = self.run_pushed(ctx, depth)?;
        if self.gen_done.take().is_some() {
            return Ok(None);
        }
        Ok(Some(v))
    }
}

fn frame_roots(f: &Frame, roots: &mut Vec<Value>, extra: &mut Vec<u32>) {
    roots.extend(f.stack.iter().cloned());
    roots.extend(f.locals.iter().cloned());
    roots.extend(f.handling.iter().cloned());
    extra.extend(f.cells.iter().copied());
    extra.push(f.globals);
    if let Some(fi) = f.func {
        extra.push(fi);
    }
    if let Some(ns) = &f.class_ns {
        roots.extend(ns.items.iter().map(|(_, v)| v.clone()));
    }
    match &f.ret {
        FrameRet::Init(v) => roots.push(v.clone()),
        FrameRet::Class(_, b, _) => roots.extend(b.iter().cloned()),
        FrameRet::Module(m) | FrameRet::Gen(m, _) => extra.push(*m),
        FrameRet::Normal => {}
    }
}

/// GC children of a generator's saved frame.
pub fn gen_children(f: &Frame, work: &mut Vec<u32>) {
    let mut roots = Vec::new();
    frame_roots(f, &mut roots, work);
    for r in roots {
        if let Value::Obj(i) = r {
            work.push(i);
        }
    }
}

#[allow(dead_code)]
fn _unused(_: BinOp, _: UnOp, _: CodeKind) {}

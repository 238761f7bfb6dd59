//! Bytecode: what the compiler emits and the VM runs. A stack machine; each function is one
//! `Code` with its own operations, source positions and nested functions.

use std::rc::Rc;

use super::ast::FnKind;
use super::value::Str;

/// A loaded source file (or `[eval]`), for positions in stack traces.
#[derive(Debug)]
pub struct Script {
    /// The path as stack traces print it (`/app/index.js`, `node:internal/…`, `[eval]`).
    pub name: Str,
    pub src: Str,
    /// The module wrapper adds no columns in Node ≥ 12 (V8 compiles the function body with
    /// its parameters separately), so positions are file positions.
    pub internal: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    Pop,
    Dup,
    /// a b -> a b a b
    Dup2,
    Swap,
    /// a b c -> c a b
    Rot3,
    /// a b c d -> d a b c
    Rot4,
    Undef,
    Null,
    Bool(bool),
    Num(f64),
    Str(Str),
    Empty,

    Local(u16),
    /// Reads a local that may be in its temporal dead zone.
    LocalChk(u16),
    /// Stores the top of the stack (kept).
    SetLocal(u16),
    /// Stores and pops.
    PutLocal(u16),
    Cell(u16),
    CellChk(u16),
    SetCell(u16),
    PutCell(u16),
    /// A fresh cell (holding `Empty`) for a block-scoped binding.
    NewCell(u16),
    /// A fresh cell holding the current value (per-iteration `let` bindings).
    CopyCell(u16),
    /// Checks a binding for TDZ before assignment: (slot, is_cell).
    ChkLocal(u16),
    ChkCell(u16),
    Global(Str),
    /// `typeof undeclared` is "undefined".
    GlobalOrUndef(Str),
    SetGlobal(Str),
    /// `const` reassignment.
    ConstAssign,

    This,
    /// A derived constructor's `this` after `super()` (checked).
    ThisChk,
    Arguments,
    /// The arguments from index n as an array.
    RestArgs(u16),
    /// Argument n (or undefined).
    Arg(u16),
    NewTarget,
    /// The current method's home object.
    Home,
    /// The current function object.
    Callee,

    GetProp(Str),
    /// obj -> obj value (the object stays for a method call).
    GetMethod(Str),
    GetElem,
    GetElemMethod,
    /// obj value -> value
    SetProp(Str),
    /// obj key value -> value
    SetElem,
    DelProp(Str),
    DelElem,
    /// home this key -> value
    SuperGet,
    /// home this key value -> value
    SuperSet,

    NewObj,
    NewArr,
    /// arr value -> arr
    ArrPush,
    ArrHole,
    /// arr iterable -> arr
    ArrSpread,
    /// obj value -> obj
    DefProp(Str),
    /// obj key value -> obj
    DefElem,
    /// obj key fn -> obj: (getter?, enumerable?)
    DefAccessor(bool, bool),
    /// obj key value -> obj (non-enumerable: class methods)
    DefMethod,
    /// obj src -> obj
    SpreadObj,
    /// src -> rest object without the listed keys
    ObjRest(Rc<[Str]>),
    /// iterable -> array
    IterToArray,
    /// arr -> arr.slice(n)
    ArrSlice(u16),
    /// Throws "Cannot destructure …" if the value on top is null or undefined.
    ChkDestruct(Str),
    /// Creates a closure of child function n.
    Closure(u16),
    /// parent? ctor -> ctor: makes a class (has parent, name for anonymous).
    Class(bool),
    /// ctor obj(fn) -> ctor: attaches the field initialiser.
    ClassFields,
    TemplateObj(Rc<[Str]>, Rc<[Str]>),
    /// Names a function or class value on the stack if it is anonymous.
    SetName(Str),
    /// key fn -> key fn: names from a computed key.
    SetNameKey,

    /// fn this args… -> result: (argc, callee text index)
    Call(u16, u16),
    /// fn this argsArray -> result
    CallSpread(u16),
    New(u16, u16),
    NewSpread(u16),
    /// super(args…)
    SuperCall(u16),
    SuperCallSpread,
    /// Runs the class field initialisers on `this` (after `super()` or at construction).
    InitFields,
    Return,

    Jmp(u32),
    /// Pops and jumps if falsy.
    Jf(u32),
    Jt(u32),
    /// Jumps keeping the value if falsy, else pops.
    JfKeep(u32),
    JtKeep(u32),
    /// Jumps keeping the value if not nullish, else pops.
    JnnKeep(u32),
    /// Optional chaining: if the value `n` below the top is nullish, pops n+1 values, pushes
    /// undefined and jumps.
    JNullish(u32, u8),

    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
    UShr,
    Eq,
    Ne,
    SEq,
    SNe,
    Lt,
    Gt,
    Le,
    Ge,
    InstanceOf,
    In,
    Not,
    Neg,
    ToNum,
    BitNot,
    Typeof,
    Inc,
    Dec,
    /// Concatenates n values converted to strings (template literals).
    Concat(u16),

    Throw,
    /// Installs an exception handler.
    Try(u32),
    EndTry,

    /// iterable -> iterator
    GetIter,
    GetAsyncIter,
    /// iter -> iter value, or jumps with iter when done
    IterNext(u32),
    /// async iterator -> iter result promise awaited -> iter value / jump
    AsyncIterNext(u32),
    /// After `AsyncIterNext` and `Await`: unpacks the awaited `{ value, done }` (jumps when done).
    IterResult(u32),
    /// At the start of a `catch`: lets a generator's `return()` pass on to `finally` blocks.
    CatchGuard,
    /// Array destructuring without a rest: the first N values of an iterable, as an array.
    IterTake(u16),
    /// Records the name V8 infers for an anonymous function stored in a property.
    SetInferred(Str),
    /// Leaving a for-of early: calls the iterator's `return` method if it has one.
    IterClose,
    /// `yield*`: pushes the inner iterator's next `{ value, done }`.
    DelegateNext,
    /// `yield*`: pops the result, pushes its value; jumps when done.
    DelegateResult(u32),
    /// obj -> key iterator
    ForInKeys,

    Await,
    Yield,

    /// Loads a module (`import`): specifier -> namespace/exports.
    Import,
    ImportMeta,
}

/// A compiled function.
#[derive(Debug)]
pub struct Code {
    pub name: Str,
    pub kind: FnKind,
    pub is_async: bool,
    pub is_gen: bool,
    pub strict: bool,
    pub ops: Vec<Op>,
    /// Source byte offset of each operation.
    pub pos: Vec<u32>,
    pub n_locals: u16,
    /// Cells: first the captured ones (from the closure), then the function's own.
    pub n_cells: u16,
    /// For each captured cell, in the closure's order: (index in this function's cells,
    /// index in the parent's cells).
    pub captures: Vec<(u16, u16)>,
    pub children: Vec<Rc<Code>>,
    /// Printed callees for "x is not a function" messages.
    pub callees: Vec<Str>,
    pub script: Rc<Script>,
    /// Source range (`Function.prototype.toString`).
    pub src: (u32, u32),
    pub length: u32,
    /// Byte offset of the function (its name or `function` keyword).
    pub def_pos: u32,
    /// Binding names by local slot and by cell, for TDZ messages.
    pub local_names: Vec<Str>,
    pub cell_names: Vec<Str>,
}


//! Compiled code: a small stack-machine instruction set and code objects with CPython-style
//! position tables (for tracebacks).

use std::rc::Rc;

use super::ast::{BinOp, CmpOp, UnOp};
use super::value::Value;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    Nop,
    Const(u32),
    LoadFast(u32),
    StoreFast(u32),
    DelFast(u32),
    /// Cells: index into the frame's cells (cellvars then freevars).
    LoadDeref(u32),
    StoreDeref(u32),
    DelDeref(u32),
    /// Pushes the cell object itself (to build a closure).
    LoadClosure(u32),
    LoadGlobal(u32),
    StoreGlobal(u32),
    DelGlobal(u32),
    /// Class bodies: the class namespace, then globals and builtins.
    LoadName(u32),
    StoreName(u32),
    DelName(u32),
    LoadAttr(u32),
    StoreAttr(u32),
    DelAttr(u32),
    /// Pushes `(callable, self-or-Undef)`.
    LoadMethod(u32),
    CallMethod(u32),
    Subscr,
    StoreSubscr,
    DelSubscr,
    Binary(BinOp),
    Inplace(BinOp),
    Unary(UnOp),
    Compare(CmpOp),
    Jump(u32),
    PopJumpIfFalse(u32),
    PopJumpIfTrue(u32),
    JumpIfFalseOrPop(u32),
    JumpIfTrueOrPop(u32),
    Pop,
    Dup,
    Dup2,
    Rot2,
    Rot3,
    BuildList(u32),
    BuildTuple(u32),
    BuildSet(u32),
    BuildDict(u32),
    BuildSlice(u32),
    /// Concatenates n strings (f-strings).
    BuildString(u32),
    /// Appends TOS to the list `depth` below it (comprehensions).
    ListAppend(u32),
    SetAdd(u32),
    MapAdd(u32),
    ListExtend(u32),
    SetUpdate(u32),
    DictUpdate(u32),
    ListToTuple,
    /// f-string field: bit 0-1 conversion (0 none, 1 str, 2 repr, 3 ascii), bit 2 has spec.
    FormatValue(u32),
    GetIter,
    ForIter(u32),
    UnpackSeq(u32),
    /// Star unpacking: before, after.
    UnpackEx(u32, u32),
    Call(u32),
    /// Positional count, index of the keyword names in `Code::kwnames`.
    CallKw(u32, u32),
    /// `f(*args, **kwargs)`: 1 when a kwargs dict is on the stack.
    CallEx(u32),
    /// Code constant index; flags: 1 defaults tuple, 2 kwdefaults dict, 4 closure tuple.
    MakeFunction(u32, u32),
    /// Builds a class from (body function, name, bases tuple, kwargs dict).
    BuildClass,
    Return,
    SetupExcept(u32),
    SetupFinally(u32),
    PopBlock,
    /// Leaves an except handler: restores the previously handled exception.
    PopExcept,
    /// 0: re-raise the handled exception; 1: raise TOS; 2: raise TOS1 from TOS.
    Raise(u32),
    /// Re-raises TOS (end of a finally or an unmatched except).
    Reraise,
    /// TOS is an exception type (or tuple); TOS1 the exception: pushes bool, keeps TOS1.
    ExcMatch,
    /// Calls `__enter__`: leaves the manager and pushes the result.
    WithEnter,
    /// Normal exit of a with block: pops the manager and calls `__exit__(None, None, None)`.
    WithExit,
    /// Exceptional exit: TOS exception, TOS1 manager. Pushes whether `__exit__` suppressed it.
    WithExitExc,
    ImportName(u32),
    ImportFrom(u32),
    ImportStar,
    /// The REPL: prints the repr of TOS unless None, and sets `_`.
    PrintExpr,
    /// Loads `AssertionError`.
    LoadAssertionError,
    /// Loads the class namespace's `__build_class__` helper value: `__name__` for classes.
    LoadLocals,
    Yield,
    /// Checks that the value on top is an exception class or instance for `except`.
    CheckExcType,
}

/// A source span: lines, and 0-based byte columns; `col == u32::MAX` means unknown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    pub line: u32,
    pub end_line: u32,
    pub col: u32,
    pub end_col: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeKind {
    Module,
    Function,
    Lambda,
    Class,
    Comprehension,
}

#[derive(Debug)]
pub struct Code {
    pub name: Rc<str>,
    pub qualname: Rc<str>,
    pub filename: Rc<str>,
    pub kind: CodeKind,
    pub ops: Vec<Op>,
    pub spans: Vec<Span>,
    pub consts: Vec<Value>,
    pub names: Vec<Rc<str>>,
    pub kwnames: Vec<Vec<Rc<str>>>,
    /// Local variable names; parameters first.
    pub varnames: Vec<Rc<str>>,
    pub cellvars: Vec<Rc<str>>,
    pub freevars: Vec<Rc<str>>,
    /// For each cellvar that is also a parameter, the parameter index.
    pub cell_args: Vec<Option<u32>>,
    pub argcount: u32,
    pub posonly: u32,
    pub kwonly: u32,
    pub varargs: bool,
    pub varkw: bool,
    pub firstline: u32,
    pub is_generator: bool,
    /// Library code whose frames tracebacks leave out.
    pub hidden: bool,
}

impl Code {
    /// The number of parameter slots (positional, keyword-only, *args, **kwargs).
    pub fn nparams(&self) -> usize {
        (self.argcount + self.kwonly) as usize + self.varargs as usize + self.varkw as usize
    }
}

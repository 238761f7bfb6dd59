//! The syntax tree of the JavaScript subset. Every expression and statement carries the byte
//! offset V8 reports for it in stack traces.

use std::rc::Rc;

pub type Name = Rc<str>;

#[derive(Clone, Debug)]
pub struct Expr {
    pub pos: u32,
    pub k: E,
}

#[derive(Clone, Debug)]
pub enum E {
    Num(f64),
    Str(Name),
    Template(Vec<Name>, Vec<Expr>),
    Tagged(Box<Expr>, Vec<Name>, Vec<Name>, Vec<Expr>),
    Regex(Name, Name),
    Ident(Name),
    This,
    /// `super.x` / `super[x]` (the member part is outside).
    Super,
    NewTarget,
    Array(Vec<Option<Arg>>),
    Object(Vec<PropDef>),
    Func(Rc<Func>),
    Class(Rc<Class>),
    Unary(&'static str, Box<Expr>),
    /// `++x` / `x--`: (op `+`/`-`, prefix, target).
    Update(&'static str, bool, Box<Expr>),
    Bin(&'static str, Box<Expr>, Box<Expr>),
    /// `&&`, `||`, `??`.
    Logic(&'static str, Box<Expr>, Box<Expr>),
    /// `=` (op ""), `+=` (op "+")…, `&&=` (op "&&")…
    Assign(&'static str, Box<Pat>, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    Call(Box<Expr>, Vec<Arg>, bool),
    New(Box<Expr>, Vec<Arg>),
    /// (object, property, optional `?.`).
    Member(Box<Expr>, Box<Expr>, bool),
    /// (object, name, optional `?.`).
    Dot(Box<Expr>, Name, bool),
    /// The end of an optional chain: short-circuits to `undefined`.
    Chain(Box<Expr>),
    Seq(Vec<Expr>),
    Await(Box<Expr>),
    Yield(Option<Box<Expr>>, bool),
    /// `import(x)`.
    Import(Box<Expr>),
}

#[derive(Clone, Debug)]
pub enum Arg {
    Plain(Expr),
    Spread(Expr),
}

#[derive(Clone, Debug)]
pub enum PropKey {
    Name(Name),
    Computed(Expr),
    Private(Name),
}

#[derive(Clone, Debug)]
pub enum PropDef {
    Value(PropKey, Expr),
    /// `{ x }` (and `{ x = 1 }` in a pattern).
    Short(Name, u32, Option<Expr>),
    Get(PropKey, Rc<Func>),
    Set(PropKey, Rc<Func>),
    Spread(Expr),
}

/// A binding or assignment target.
#[derive(Clone, Debug)]
pub enum Pat {
    Id(Name, u32),
    /// (properties with their targets, the rest element).
    Obj(Vec<(PropKey, Pat)>, Option<Box<Pat>>),
    Arr(Vec<Option<Pat>>, Option<Box<Pat>>),
    /// A target with a default (`x = 1`).
    Def(Box<Pat>, Box<Expr>),
    /// A member expression (assignment only).
    Expr(Box<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FnKind {
    Normal,
    Arrow,
    Method,
    Getter,
    Setter,
    /// A class constructor (`derived`: the class has `extends`).
    Ctor { derived: bool },
    /// The module wrapper: the top level of a file.
    Module,
}

#[derive(Clone, Debug)]
pub struct Func {
    pub name: Name,
    pub kind: FnKind,
    pub is_async: bool,
    pub is_gen: bool,
    pub params: Vec<Pat>,
    pub rest: Option<Pat>,
    pub body: Vec<Stmt>,
    pub pos: u32,
    /// The byte range of the source text (for `toString`).
    pub src: (u32, u32),
    /// "use strict" or a class body or a module.
    pub strict: bool,
    /// Number of formal parameters before the first default or rest (`fn.length`).
    pub length: u32,
}

#[derive(Clone, Debug)]
pub struct ClassMember {
    pub key: PropKey,
    pub is_static: bool,
    pub kind: MemberKind,
}

#[derive(Clone, Debug)]
pub enum MemberKind {
    Method(Rc<Func>),
    Get(Rc<Func>),
    Set(Rc<Func>),
    Field(Option<Expr>),
    StaticBlock(Vec<Stmt>),
}

#[derive(Clone, Debug)]
pub struct Class {
    pub name: Option<Name>,
    pub parent: Option<Expr>,
    pub ctor: Option<Rc<Func>>,
    pub members: Vec<ClassMember>,
    pub pos: u32,
    pub src: (u32, u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind {
    Var,
    Let,
    Const,
}

#[derive(Clone, Debug)]
pub struct Stmt {
    pub pos: u32,
    pub k: S,
}

#[derive(Clone, Debug)]
pub enum ForInit {
    Var(VarKind, Vec<(Pat, Option<Expr>)>),
    Expr(Expr),
}

#[derive(Clone, Debug)]
pub enum ForHead {
    Var(VarKind, Pat),
    Pat(Pat),
}

#[derive(Clone, Debug)]
pub enum S {
    Var(VarKind, Vec<(Pat, Option<Expr>)>),
    Expr(Expr),
    Func(Rc<Func>),
    Class(Rc<Class>),
    Block(Vec<Stmt>),
    If(Expr, Box<Stmt>, Option<Box<Stmt>>),
    For(Option<ForInit>, Option<Expr>, Option<Expr>, Box<Stmt>),
    ForIn(ForHead, Expr, Box<Stmt>),
    /// (head, iterable, body, `for await`).
    ForOf(ForHead, Expr, Box<Stmt>, bool),
    While(Expr, Box<Stmt>),
    DoWhile(Box<Stmt>, Expr),
    Return(Option<Expr>),
    Break(Option<Name>),
    Continue(Option<Name>),
    Throw(Expr),
    Try(Vec<Stmt>, Option<(Option<Pat>, Vec<Stmt>)>, Option<Vec<Stmt>>),
    Switch(Expr, Vec<(Option<Expr>, Vec<Stmt>)>),
    Labeled(Name, Box<Stmt>),
    Empty,
    /// `import def, { a as b } from 'm'` / `import * as ns from 'm'`: (module, default binding,
    /// namespace binding, named (imported, local)).
    Import(Name, Option<Name>, Option<Name>, Vec<(Name, Name)>),
    /// `export …`: the declaration (or expression for `export default`) and the exported
    /// (local, exported) names.
    Export(Option<Box<Stmt>>, Vec<(Name, Name)>),
    /// `export default expr`.
    ExportDefault(Expr),
    /// `export { a } from 'm'` / `export * from 'm'`.
    ExportFrom(Name, Option<Vec<(Name, Name)>>),
}

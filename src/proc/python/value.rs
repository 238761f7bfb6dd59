//! Python values: immediates (None, bool, int, float, str) and heap objects in an arena indexed
//! by `u32`, so that cloning an interpreter deep-copies its whole object graph, with a
//! mark-and-sweep collector.

use std::collections::HashMap;
use std::rc::Rc;

use super::bigint::BigInt;
use super::code::Code;

/// The builtin (non-exception) types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ty {
    Object,
    NoneType,
    Bool,
    Int,
    Float,
    Str,
    Bytes,
    List,
    Tuple,
    Dict,
    Set,
    FrozenSet,
    Range,
    Slice,
    Type,
    Function,
    BuiltinFunction,
    Method,
    Module,
    Iterator,
    File,
    Property,
    StaticMethod,
    ClassMethod,
    Super,
    Cell,
    Ellipsis,
    NotImplemented,
    Code,
    Generator,
}

impl Ty {
    pub fn name(self) -> &'static str {
        match self {
            Ty::Object => "object",
            Ty::NoneType => "NoneType",
            Ty::Bool => "bool",
            Ty::Int => "int",
            Ty::Float => "float",
            Ty::Str => "str",
            Ty::Bytes => "bytes",
            Ty::List => "list",
            Ty::Tuple => "tuple",
            Ty::Dict => "dict",
            Ty::Set => "set",
            Ty::FrozenSet => "frozenset",
            Ty::Range => "range",
            Ty::Slice => "slice",
            Ty::Type => "type",
            Ty::Function => "function",
            Ty::BuiltinFunction => "builtin_function_or_method",
            Ty::Method => "method",
            Ty::Module => "module",
            Ty::Iterator => "iterator",
            Ty::File => "_io.TextIOWrapper",
            Ty::Property => "property",
            Ty::StaticMethod => "staticmethod",
            Ty::ClassMethod => "classmethod",
            Ty::Super => "super",
            Ty::Cell => "cell",
            Ty::Ellipsis => "ellipsis",
            Ty::NotImplemented => "NotImplementedType",
            Ty::Code => "code",
            Ty::Generator => "generator",
        }
    }
}

#[derive(Clone, Debug)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    Big(Rc<BigInt>),
    Float(f64),
    Str(Rc<str>),
    Bytes(Rc<[u8]>),
    /// A heap object.
    Obj(u32),
    Type(Ty),
    /// A builtin function, by name (`len`, `math.sqrt`…).
    Builtin(Rc<str>),
    Code(Rc<Code>),
    Ellipsis,
    NotImplemented,
    /// An unbound local (internal; never visible to programs).
    Undef,
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Str(Rc::from(s))
    }
    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }
    pub fn as_obj(&self) -> Option<u32> {
        match self {
            Value::Obj(i) => Some(*i),
            _ => None,
        }
    }
    pub fn same(&self, o: &Value) -> bool {
        match (self, o) {
            (Value::None, Value::None) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a.to_bits() == b.to_bits(),
            (Value::Str(a), Value::Str(b)) => Rc::ptr_eq(a, b) || (a.len() <= 1 && a == b),
            (Value::Obj(a), Value::Obj(b)) => a == b,
            (Value::Type(a), Value::Type(b)) => a == b,
            (Value::Builtin(a), Value::Builtin(b)) => a == b,
            (Value::Ellipsis, Value::Ellipsis) => true,
            (Value::NotImplemented, Value::NotImplemented) => true,
            _ => false,
        }
    }
}

/// A hashable key derived from a value (1, 1.0 and True are the same key, as in Python).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    None,
    Int(i64),
    Big(String),
    Float(u64),
    Str(Rc<str>),
    Bytes(Rc<[u8]>),
    Tuple(Vec<Key>),
    Obj(u32),
    Type(Ty),
    Builtin(Rc<str>),
    Other(u8),
}

/// An insertion-ordered dict.
#[derive(Clone, Debug, Default)]
pub struct Dict {
    pub entries: Vec<(Value, Value)>,
    index: HashMap<Key, u32>,
}

impl Dict {
    pub fn get(&self, k: &Key) -> Option<&Value> {
        self.index.get(k).map(|&i| &self.entries[i as usize].1)
    }
    pub fn get_str(&self, k: &str) -> Option<&Value> {
        self.get(&Key::Str(Rc::from(k)))
    }
    pub fn contains(&self, k: &Key) -> bool {
        self.index.contains_key(k)
    }
    pub fn insert(&mut self, k: Key, kv: Value, v: Value) {
        match self.index.get(&k) {
            Some(&i) => self.entries[i as usize].1 = v,
            None => {
                self.index.insert(k, self.entries.len() as u32);
                self.entries.push((kv, v));
            }
        }
    }
    pub fn remove(&mut self, k: &Key) -> Option<(Value, Value)> {
        let i = self.index.remove(k)? as usize;
        let e = self.entries.remove(i);
        for v in self.index.values_mut() {
            if *v as usize > i {
                *v -= 1;
            }
        }
        Some(e)
    }
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    pub fn clear(&mut self) {
        self.entries.clear();
        self.index.clear();
    }
    pub fn keys(&self) -> impl Iterator<Item = &Value> {
        self.entries.iter().map(|e| &e.0)
    }
}

/// A string-keyed attribute table (module globals, class and instance dicts), in order.
#[derive(Clone, Debug, Default)]
pub struct Attrs {
    pub items: Vec<(Rc<str>, Value)>,
}

impl Attrs {
    pub fn get(&self, k: &str) -> Option<&Value> {
        self.items.iter().find(|(n, _)| &**n == k).map(|(_, v)| v)
    }
    pub fn set(&mut self, k: Rc<str>, v: Value) {
        match self.items.iter_mut().find(|(n, _)| **n == *k) {
            Some(slot) => slot.1 = v,
            None => self.items.push((k, v)),
        }
    }
    pub fn remove(&mut self, k: &str) -> Option<Value> {
        let i = self.items.iter().position(|(n, _)| &**n == k)?;
        Some(self.items.remove(i).1)
    }
}

#[derive(Clone, Debug)]
pub struct Func {
    pub code: Rc<Code>,
    pub defaults: Vec<Value>,
    pub kwdefaults: Vec<(Rc<str>, Value)>,
    pub cells: Vec<u32>,
    /// The module whose globals the function sees.
    pub globals: u32,
    pub name: Rc<str>,
    pub qualname: Rc<str>,
    pub attrs: Attrs,
    /// The class whose body defined it (for zero-argument `super()`).
    pub class: Option<u32>,
}

/// A generator: its suspended frame (none once finished).
#[derive(Clone, Debug)]
pub struct Gen {
    pub frame: Option<Box<super::vm::Frame>>,
    pub running: bool,
    pub started: bool,
    pub name: Rc<str>,
    pub qualname: Rc<str>,
}

#[derive(Clone, Debug)]
pub struct Class {
    pub name: Rc<str>,
    pub qualname: Rc<str>,
    pub module: Rc<str>,
    /// Base classes (heap classes); empty means `object`.
    pub bases: Vec<u32>,
    /// Method resolution order, starting with the class itself.
    pub mro: Vec<u32>,
    pub attrs: Attrs,
    /// A builtin type this class derives from (`class Config(dict)`).
    pub builtin_base: Option<Ty>,
}

#[derive(Clone, Debug)]
pub struct Inst {
    pub class: u32,
    pub attrs: Attrs,
    /// The builtin value it wraps (for subclasses of builtins).
    pub inner: Option<Value>,
    /// Exceptions: traceback, cause, context.
    pub exc: Option<Box<ExcInfo>>,
}

#[derive(Clone, Debug, Default)]
pub struct ExcInfo {
    /// Frames the exception passed through, innermost last: code and instruction index.
    pub tb: Vec<(Rc<Code>, u32)>,
    pub cause: Option<Value>,
    pub context: Option<Value>,
    pub suppress_context: bool,
}

/// Iterator state.
#[derive(Clone, Debug)]
pub enum Iter {
    Seq(Value, usize),
    Range(i64, i64, i64),
    /// Over a snapshot of values (dict views, sets, strings).
    Values(Rc<[Value]>, usize),
    Chars(Rc<str>, usize),
    Enumerate(Value, i64),
    Zip(Vec<Value>),
    Map(Value, Vec<Value>),
    Filter(Value, Value),
    Reversed(Value, usize),
    /// A dict's keys, checked against its size.
    DictKeys(u32, usize, usize),
    Done,
}

#[derive(Clone, Debug)]
pub struct File {
    pub path: String,
    pub name: String,
    pub mode: String,
    /// Read files: the whole content and a cursor. Write files: the pending text.
    pub data: String,
    pub pos: usize,
    pub closed: bool,
    pub writing: bool,
    pub binary: bool,
}

#[derive(Clone, Debug)]
pub struct Module {
    pub name: Rc<str>,
    pub attrs: Attrs,
    pub file: Option<Rc<str>>,
}

#[derive(Clone, Debug)]
pub enum Obj {
    List(Vec<Value>),
    Tuple(Vec<Value>),
    Dict(Dict),
    Set(Dict),
    FrozenSet(Dict),
    Func(Func),
    Class(Class),
    Inst(Inst),
    /// A function bound to `self`.
    Method(Value, Value),
    /// A builtin method bound to its receiver (`"a,b".split`).
    NativeMethod(Value, Rc<str>),
    Module(Module),
    Cell(Value),
    Iter(Iter),
    Range(i64, i64, i64),
    Slice(Value, Value, Value),
    File(File),
    Property(Value, Value),
    StaticMethod(Value),
    ClassMethod(Value),
    Super(u32, Value),
    Gen(Box<Gen>),
    /// `dict.keys()` (0), `values()` (1), `items()` (2) of a dict.
    View(u32, u8),
    Free,
}

impl Obj {
    pub fn ty(&self) -> Ty {
        match self {
            Obj::List(_) => Ty::List,
            Obj::Tuple(_) => Ty::Tuple,
            Obj::Dict(_) => Ty::Dict,
            Obj::Set(_) => Ty::Set,
            Obj::FrozenSet(_) => Ty::FrozenSet,
            Obj::Func(_) => Ty::Function,
            Obj::Class(_) => Ty::Type,
            Obj::Inst(_) => Ty::Object,
            Obj::Method(..) => Ty::Method,
            Obj::NativeMethod(..) => Ty::BuiltinFunction,
            Obj::Module(_) => Ty::Module,
            Obj::Cell(_) => Ty::Cell,
            Obj::Iter(_) => Ty::Iterator,
            Obj::Range(..) => Ty::Range,
            Obj::Slice(..) => Ty::Slice,
            Obj::File(_) => Ty::File,
            Obj::Property(..) => Ty::Property,
            Obj::StaticMethod(_) => Ty::StaticMethod,
            Obj::ClassMethod(_) => Ty::ClassMethod,
            Obj::Super(..) => Ty::Super,
            Obj::Gen(_) => Ty::Generator,
            Obj::View(..) => Ty::Iterator,
            Obj::Free => Ty::Object,
        }
    }
}

/// The object arena.
#[derive(Clone, Debug, Default)]
pub struct Heap {
    pub objs: Vec<Obj>,
    free: Vec<u32>,
    marks: Vec<bool>,
    /// Objects allocated since the last collection.
    pub since_gc: usize,
    /// Objects below this index are never collected (builtin classes, sys, builtins).
    pub permanent: u32,
}

impl Heap {
    pub fn alloc(&mut self, o: Obj) -> u32 {
        self.since_gc += 1;
        if let Some(i) = self.free.pop() {
            self.objs[i as usize] = o;
            return i;
        }
        self.objs.push(o);
        (self.objs.len() - 1) as u32
    }
    pub fn get(&self, i: u32) -> &Obj {
        self.objs.get(i as usize).unwrap_or(&Obj::Free)
    }
    pub fn get_mut(&mut self, i: u32) -> Option<&mut Obj> {
        self.objs.get_mut(i as usize)
    }
    pub fn live(&self) -> usize {
        self.objs.len() - self.free.len()
    }

    /// Frees every object not reachable from `roots`.
    pub fn collect(&mut self, roots: &[Value], extra: &[u32]) {
        self.marks.clear();
        self.marks.resize(self.objs.len(), false);
        let mut work: Vec<u32> = extra.to_vec();
        work.extend((0..self.permanent.min(self.objs.len() as u32)).collect::<Vec<_>>());
        for r in roots {
            push_val(r, &mut work);
        }
        while let Some(i) = work.pop() {
            let Some(m) = self.marks.get_mut(i as usize) else {
                continue;
            };
            if *m {
                continue;
            }
            *m = true;
            children(&self.objs[i as usize], &mut work);
        }
        self.free.clear();
        for (i, marked) in self.marks.iter().enumerate() {
            if !marked {
                self.objs[i] = Obj::Free;
                self.free.push(i as u32);
            }
        }
        // Reuse low slots first.
        self.free.reverse();
        self.since_gc = 0;
    }
}

fn push_val(v: &Value, work: &mut Vec<u32>) {
    if let Value::Obj(i) = v {
        work.push(*i);
    }
}

fn children(o: &Obj, work: &mut Vec<u32>) {
    fn vals(vs: &[Value], work: &mut Vec<u32>) {
        for v in vs {
            push_val(v, work);
        }
    }
    match o {
        Obj::List(v) | Obj::Tuple(v) => vals(v, work),
        Obj::Dict(d) | Obj::Set(d) | Obj::FrozenSet(d) => {
            for (k, v) in &d.entries {
                push_val(k, work);
                push_val(v, work);
            }
        }
        Obj::Func(f) => {
            vals(&f.defaults, work);
            for (_, v) in &f.kwdefaults {
                push_val(v, work);
            }
            work.extend(f.cells.iter().copied());
            work.push(f.globals);
            for (_, v) in &f.attrs.items {
                push_val(v, work);
            }
        }
        Obj::Class(c) => {
            work.extend(c.bases.iter().copied());
            work.extend(c.mro.iter().copied());
            for (_, v) in &c.attrs.items {
                push_val(v, work);
            }
        }
        Obj::Inst(i) => {
            work.push(i.class);
            for (_, v) in &i.attrs.items {
                push_val(v, work);
            }
            if let Some(v) = &i.inner {
                push_val(v, work);
            }
            if let Some(e) = &i.exc {
                for v in e.cause.iter().chain(e.context.iter()) {
                    push_val(v, work);
                }
            }
        }
        Obj::Method(a, b) | Obj::Property(a, b) => {
            push_val(a, work);
            push_val(b, work);
        }
        Obj::NativeMethod(a, _) | Obj::Cell(a) | Obj::StaticMethod(a) | Obj::ClassMethod(a) => {
            push_val(a, work)
        }
        Obj::Super(c, v) => {
            work.push(*c);
            push_val(v, work);
        }
        Obj::Module(m) => {
            for (_, v) in &m.attrs.items {
                push_val(v, work);
            }
        }
        Obj::Slice(a, b, c) => {
            push_val(a, work);
            push_val(b, work);
            push_val(c, work);
        }
        Obj::Iter(it) => match it {
            Iter::Seq(v, _) | Iter::Enumerate(v, _) | Iter::Reversed(v, _) => push_val(v, work),
            Iter::Values(vs, _) => vals(vs, work),
            Iter::Zip(vs) => vals(vs, work),
            Iter::Map(f, vs) => {
                push_val(f, work);
                vals(vs, work);
            }
            Iter::Filter(f, v) => {
                push_val(f, work);
                push_val(v, work);
            }
            Iter::DictKeys(d, _, _) => work.push(*d),
            _ => {}
        },
        Obj::Gen(g) => {
            if let Some(f) = &g.frame {
                super::vm::gen_children(f, work);
            }
        }
        Obj::View(d, _) => work.push(*d),
        Obj::Range(..) | Obj::File(_) | Obj::Free => {}
    }
}

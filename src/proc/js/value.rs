//! Values and the object heap. Objects live in an arena addressed by `Oid`, so the whole
//! interpreter state clones (and later collects) without reference cycles.

use std::collections::HashMap;
use std::rc::Rc;

use super::code::{Code, Script};
use super::vm::Frame;

pub type Str = Rc<str>;

/// An object's index in the heap.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Oid(pub u32);

/// A captured variable's index in the heap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Cid(pub u32);

#[derive(Clone, Debug, Default)]
pub enum Val {
    #[default]
    Undef,
    Null,
    Bool(bool),
    Num(f64),
    Str(Str),
    Obj(Oid),
    Sym(u32),
    /// An uninitialised binding (temporal dead zone) or an array hole. Never user-visible.
    Empty,
}

impl Val {
    pub fn str(s: &str) -> Val {
        Val::Str(s.into())
    }
    pub fn is_nullish(&self) -> bool {
        matches!(self, Val::Undef | Val::Null)
    }
    pub fn obj(&self) -> Option<Oid> {
        match self {
            Val::Obj(o) => Some(*o),
            _ => None,
        }
    }
    pub fn as_num(&self) -> Option<f64> {
        match self {
            Val::Num(n) => Some(*n),
            _ => None,
        }
    }
}

/// A property key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    S(Str),
    Sym(u32),
}

impl Key {
    pub fn s(s: &str) -> Key {
        Key::S(s.into())
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Key::S(s) => Some(s),
            Key::Sym(_) => None,
        }
    }
}

/// Property attribute bits.
pub const ENUM: u8 = 1;
pub const WRITE: u8 = 2;
pub const CONF: u8 = 4;
pub const DEFAULT: u8 = ENUM | WRITE | CONF;
/// Non-enumerable, writable, configurable (methods, builtins).
pub const HIDDEN: u8 = WRITE | CONF;

#[derive(Clone, Debug)]
pub enum Slot {
    V(Val),
    /// Getter and setter functions.
    Acc(Option<Oid>, Option<Oid>),
}

#[derive(Clone, Debug)]
pub struct Prop {
    pub key: Key,
    pub slot: Slot,
    pub flags: u8,
}

/// Own properties in insertion order, with an index once there are many.
#[derive(Clone, Debug, Default)]
pub struct Props {
    pub list: Vec<Prop>,
    index: Option<Box<HashMap<Key, u32>>>,
}

const INDEX_AT: usize = 12;

impl Props {
    pub fn find(&self, k: &Key) -> Option<usize> {
        if let Some(ix) = &self.index {
            return ix.get(k).map(|i| *i as usize);
        }
        self.list.iter().position(|p| &p.key == k)
    }
    pub fn get(&self, k: &Key) -> Option<&Prop> {
        self.find(k).map(|i| &self.list[i])
    }
    pub fn get_mut(&mut self, k: &Key) -> Option<&mut Prop> {
        match self.find(k) {
            Some(i) => self.list.get_mut(i),
            None => None,
        }
    }
    pub fn insert(&mut self, key: Key, slot: Slot, flags: u8) {
        if let Some(i) = self.find(&key) {
            self.list[i].slot = slot;
            self.list[i].flags = flags;
            return;
        }
        if let Some(ix) = &mut self.index {
            ix.insert(key.clone(), self.list.len() as u32);
        }
        self.list.push(Prop { key, slot, flags });
        if self.index.is_none() && self.list.len() > INDEX_AT {
            let mut ix = HashMap::new();
            for (i, p) in self.list.iter().enumerate() {
                ix.insert(p.key.clone(), i as u32);
            }
            self.index = Some(Box::new(ix));
        }
    }
    pub fn remove(&mut self, k: &Key) -> bool {
        let Some(i) = self.find(k) else { return false };
        self.list.remove(i);
        if self.index.is_some() {
            let mut ix = HashMap::new();
            for (i, p) in self.list.iter().enumerate() {
                ix.insert(p.key.clone(), i as u32);
            }
            self.index = Some(Box::new(ix));
        }
        true
    }
}

/// A builtin implemented in Rust: `(vm, call) -> result`, an `Err` being a thrown value.
pub type NativeFn = fn(&mut super::vm::Vm, &mut crate::proc::program::Ctx, &mut Call) -> Result<Val, Val>;

/// The arguments of a native call.
#[derive(Debug)]
pub struct Call {
    pub this: Val,
    pub args: Vec<Val>,
    /// `new.target` when called as a constructor.
    pub new_target: Option<Oid>,
    /// Data bound to the native function (a promise for resolve functions…).
    pub data: Val,
    pub callee: Oid,
}

impl Call {
    pub fn arg(&self, i: usize) -> Val {
        self.args.get(i).cloned().unwrap_or(Val::Undef)
    }
}

/// What an error object remembers from where it was made.
#[derive(Clone, Debug, Default)]
pub struct ErrInfo {
    /// The `at …` lines (without the leading "    at ").
    pub frames: Vec<String>,
    /// The script and offset of its first frame (the caret line of unhandled rejections).
    pub site: Option<(std::rc::Rc<Script>, u32)>,
}

#[derive(Clone, Debug)]
pub struct Closure {
    pub code: Rc<Code>,
    pub cells: Vec<Cid>,
    /// The object a method's `super` refers through (its class prototype or constructor).
    pub home: Option<Oid>,
    /// Class constructors: the field initialiser function to run on `this`.
    pub fields: Option<Oid>,
    pub is_class: bool,
}

#[derive(Clone, Debug)]
pub enum PState {
    Pending,
    Fulfilled(Val),
    Rejected(Val),
}

/// A promise reaction: what to do when it settles.
#[derive(Clone, Debug)]
pub enum Reaction {
    /// `then(onFulfilled, onRejected)` with the derived promise (or capability).
    Then {
        on_ok: Val,
        on_err: Val,
        derived: Option<Oid>,
    },
    /// Resume a suspended async function.
    Resume(Oid),
}

#[derive(Clone, Debug)]
pub struct PromiseData {
    pub state: PState,
    pub reactions: Vec<Reaction>,
    pub handled: bool,
}

/// A Map/Set key by SameValueZero.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MapKey {
    Undef,
    Null,
    Bool(bool),
    Num(u64),
    Str(Str),
    Obj(u32),
    Sym(u32),
}

impl MapKey {
    pub fn of(v: &Val) -> MapKey {
        match v {
            Val::Undef | Val::Empty => MapKey::Undef,
            Val::Null => MapKey::Null,
            Val::Bool(b) => MapKey::Bool(*b),
            Val::Num(n) => {
                let n = if *n == 0.0 { 0.0 } else if n.is_nan() { f64::NAN } else { *n };
                MapKey::Num(n.to_bits())
            }
            Val::Str(s) => MapKey::Str(s.clone()),
            Val::Obj(o) => MapKey::Obj(o.0),
            Val::Sym(s) => MapKey::Sym(*s),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct MapData {
    pub keys: Vec<Val>,
    pub vals: Vec<Val>,
    /// Deleted entries are `Empty` (iterators stay valid).
    pub live: usize,
    pub index: HashMap<MapKey, u32>,
}

/// Iteration state of builtin iterators.
#[derive(Clone, Debug)]
pub enum IterKind {
    /// Array (or array-like) values/keys/entries: (target, index, kind 0=values 1=keys 2=entries).
    Array(Val, u32, u8),
    /// A string's code points.
    Str(Str, u32),
    /// Map/Set entries by index: (target, index, kind).
    Map(Oid, u32, u8),
    /// A fixed list (for…in keys).
    List(Vec<Val>, u32),
}

#[derive(Clone, Debug)]
pub enum Kind {
    Ordinary,
    Array(Vec<Val>),
    Func(Box<Closure>),
    Native(NativeFn, Val),
    Bound(Oid, Val, Vec<Val>),
    Error(Box<ErrInfo>),
    Date(f64),
    Promise(Box<PromiseData>),
    Map(Box<MapData>),
    Set(Box<MapData>),
    BoxStr(Str),
    BoxNum(f64),
    BoxBool(bool),
    Iter(Box<IterKind>),
    /// A suspended async function or generator frame.
    Suspended(Option<Box<Frame>>),
    /// A generator object: its frame (None while running or done) and done flag.
    Generator(Option<Box<Frame>>, bool),
    /// An async generator object.
    AsyncGen(Box<AsyncGenData>),
    Regex(Box<super::regex::Regex>),
    /// Node's host objects (servers, requests, timers…), by tag.
    Host(u32),
    /// A `Buffer`'s bytes.
    Bytes(Box<Vec<u8>>),
}

/// An async generator: its frame while suspended at a `yield` (or not started), and the
/// `next`/`throw`/`return` requests waiting: (mode 0/1/2, value, promise).
#[derive(Clone, Debug, Default)]
pub struct AsyncGenData {
    pub frame: Option<Box<Frame>>,
    pub done: bool,
    pub running: bool,
    pub queue: std::collections::VecDeque<(u8, Val, Oid)>,
}

#[derive(Clone, Debug)]
pub struct Obj {
    pub proto: Option<Oid>,
    pub props: Props,
    pub kind: Kind,
    pub extensible: bool,
    /// The class name V8 shows for host objects and builtins without a constructor chain.
    pub tag: Option<&'static str>,
}

impl Obj {
    pub fn new(proto: Option<Oid>, kind: Kind) -> Obj {
        Obj {
            proto,
            props: Props::default(),
            kind,
            extensible: true,
            tag: None,
        }
    }
    pub fn is_callable(&self) -> bool {
        matches!(self.kind, Kind::Func(_) | Kind::Native(..) | Kind::Bound(..))
    }
}

/// The arena of objects and captured-variable cells.
#[derive(Clone, Debug, Default)]
pub struct Heap {
    pub objs: Vec<Option<Obj>>,
    free: Vec<u32>,
    pub cells: Vec<Val>,
    free_cells: Vec<u32>,
    /// Allocations since the last collection.
    pub allocated: u32,
    /// Returned for ids that no longer exist (an interpreter bug, never a panic).
    dead: Obj,
}

impl Default for Obj {
    fn default() -> Obj {
        Obj::new(None, Kind::Ordinary)
    }
}

impl Heap {
    /// Live objects.
    pub fn len(&self) -> usize {
        self.objs.len() - self.free.len()
    }
    pub fn alloc(&mut self, o: Obj) -> Oid {
        self.allocated += 1;
        if let Some(i) = self.free.pop() {
            self.objs[i as usize] = Some(o);
            return Oid(i);
        }
        self.objs.push(Some(o));
        Oid(self.objs.len() as u32 - 1)
    }
    pub fn get(&self, id: Oid) -> &Obj {
        match self.objs.get(id.0 as usize) {
            Some(Some(o)) => o,
            _ => &self.dead,
        }
    }
    pub fn get_mut(&mut self, id: Oid) -> &mut Obj {
        let live = matches!(self.objs.get(id.0 as usize), Some(Some(_)));
        if !live {
            self.dead = Obj::default();
            return &mut self.dead;
        }
        match self.objs.get_mut(id.0 as usize) {
            Some(Some(o)) => o,
            _ => &mut self.dead,
        }
    }
    pub fn cell(&mut self, v: Val) -> Cid {
        self.allocated += 1;
        if let Some(i) = self.free_cells.pop() {
            self.cells[i as usize] = v;
            return Cid(i);
        }
        self.cells.push(v);
        Cid(self.cells.len() as u32 - 1)
    }
    pub fn cell_get(&self, c: Cid) -> Val {
        self.cells.get(c.0 as usize).cloned().unwrap_or(Val::Undef)
    }
    pub fn cell_set(&mut self, c: Cid, v: Val) {
        if let Some(slot) = self.cells.get_mut(c.0 as usize) {
            *slot = v;
        }
    }
}


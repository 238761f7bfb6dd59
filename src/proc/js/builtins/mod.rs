//! The ECMAScript globals: the realm's prototypes and constructors, wired once per process.

mod array;
mod collections;
mod date;
mod function;
pub mod json;
mod math;
mod object;
mod string;

pub use date::iso as date_iso;
pub use date::new_date as new_date_pub;
pub use function::array_like as array_like_pub;
pub use function::noop as noop_pub;
pub use string::substitute as substitute_pub;

use super::object::Res;
use super::value::*;
use super::vm::{ErrKind, Vm};
use crate::proc::program::Ctx;

/// Defines non-enumerable methods on an object.
pub fn methods(vm: &mut Vm, on: Oid, list: &[(&str, u32, NativeFn)]) {
    for (name, len, f) in list {
        let fo = vm.native(name, *len, *f);
        vm.heap.get_mut(on).props.insert(Key::s(name), Slot::V(Val::Obj(fo)), HIDDEN);
    }
}

/// Defines a getter.
pub fn getter(vm: &mut Vm, on: Oid, name: &str, f: NativeFn) {
    let fo = vm.native(&format!("get {name}"), 0, f);
    vm.heap.get_mut(on).props.insert(Key::s(name), Slot::Acc(Some(fo), None), CONF);
}

/// `ctor.prototype = proto`, `proto.constructor = ctor`.
pub fn link_ctor(vm: &mut Vm, ctor: Oid, proto: Oid) {
    vm.heap.get_mut(ctor).props.insert(Key::s("prototype"), Slot::V(Val::Obj(proto)), 0);
    vm.heap.get_mut(proto).props.insert(Key::s("constructor"), Slot::V(Val::Obj(ctor)), HIDDEN);
}

pub fn global(vm: &mut Vm, name: &str, v: Val) {
    let g = vm.realm.global;
    vm.heap.get_mut(g).props.insert(Key::s(name), Slot::V(v), HIDDEN);
}

pub fn constant(vm: &mut Vm, on: Oid, name: &str, v: Val) {
    vm.heap.get_mut(on).props.insert(Key::s(name), Slot::V(v), 0);
}

pub fn arg_num(vm: &mut Vm, ctx: &mut Ctx, c: &Call, i: usize) -> Result<f64, Val> {
    let v = c.arg(i);
    vm.to_number(ctx, &v)
}

/// ToIntegerOrInfinity.
pub fn to_int(vm: &mut Vm, ctx: &mut Ctx, v: &Val) -> Result<f64, Val> {
    let n = vm.to_number(ctx, v)?;
    Ok(if n.is_nan() { 0.0 } else { n.trunc() })
}

/// A relative index (`slice(-2)`) clamped to `0..=len`.
pub fn rel_index(vm: &mut Vm, ctx: &mut Ctx, v: &Val, len: usize, default: usize) -> Result<usize, Val> {
    if matches!(v, Val::Undef) {
        return Ok(default);
    }
    let n = to_int(vm, ctx, v)?;
    Ok(if n < 0.0 {
        (len as f64 + n).max(0.0) as usize
    } else {
        n.min(len as f64) as usize
    })
}

pub fn arg_str(vm: &mut Vm, ctx: &mut Ctx, c: &Call, i: usize) -> Result<Str, Val> {
    let v = c.arg(i);
    vm.to_str(ctx, &v)
}

fn error_ctor(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let idx = match &c.data {
        Val::Num(n) => *n as usize,
        _ => 0,
    };
    let kind = ErrKind::ALL.get(idx).copied().unwrap_or(ErrKind::Error);
    let proto = match c.new_target {
        Some(nt) => match vm.get_obj(ctx, nt, &Key::s("prototype"), &Val::Obj(nt))? {
            Val::Obj(p) => p,
            _ => vm.realm.error_protos[idx],
        },
        None => vm.realm.error_protos[idx],
    };
    let o = vm.heap.alloc(Obj::new(Some(proto), Kind::Error(Box::default())));
    // AggregateError(errors, message, options)
    let shift = usize::from(kind == ErrKind::Aggregate);
    let msg = c.arg(shift);
    let mut text = String::new();
    if !matches!(msg, Val::Undef) {
        let m = vm.to_str(ctx, &msg)?;
        text = m.to_string();
        vm.heap.get_mut(o).props.insert(Key::s("message"), Slot::V(Val::Str(m)), HIDDEN);
    }
    if shift == 1 {
        let errors = vm.iterate_to_vec(ctx, &c.arg(0))?;
        let arr = vm.new_array(errors);
        vm.heap.get_mut(o).props.insert(Key::s("errors"), Slot::V(arr), HIDDEN);
    }
    if let Val::Obj(opts) = c.arg(1 + shift) {
        if vm.has_property(opts, &Key::s("cause")) {
            let cause = vm.get_obj(ctx, opts, &Key::s("cause"), &Val::Obj(opts))?;
            vm.heap.get_mut(o).props.insert(Key::s("cause"), Slot::V(cause), HIDDEN);
        }
    }
    let _ = (kind, text);
    // The trace starts at the caller of `new.target` (or of this constructor).
    vm.capture_stack_until(o, 0, Some(c.new_target.unwrap_or(c.callee)));
    Ok(Val::Obj(o))
}

fn error_to_string(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let this = c.this.clone();
    if !matches!(this, Val::Obj(_)) {
        return Err(vm.error(ErrKind::Type, "Error.prototype.toString requires that 'this' be an Object"));
    }
    let name = vm.get_str(ctx, &this, "name")?;
    let name = if matches!(name, Val::Undef) { "Error".into() } else { vm.to_str(ctx, &name)? };
    let msg = vm.get_str(ctx, &this, "message")?;
    let msg = if matches!(msg, Val::Undef) { "".into() } else { vm.to_str(ctx, &msg)? };
    Ok(Val::Str(match (name.is_empty(), msg.is_empty()) {
        (_, true) => name,
        (true, false) => msg,
        _ => format!("{name}: {msg}").into(),
    }))
}

fn capture_stack_trace(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    if let Val::Obj(o) = c.arg(0) {
        vm.capture_stack(o, 0);
    }
    Ok(Val::Undef)
}

/// The lazy `stack` property: formatted (and then cached) on first read, as V8 does, so a
/// constructor that sets `this.name` changes the header.
pub fn stack_getter(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let Val::Obj(o) = c.this else { return Ok(Val::Undef) };
    let frames = match &vm.heap.get(o).kind {
        Kind::Error(info) => info.frames.clone(),
        _ => Vec::new(),
    };
    let header = error_header(vm, ctx, &Val::Obj(o))?;
    let mut s = header;
    for f in frames {
        s.push_str("\n    at ");
        s.push_str(&f);
    }
    vm.heap.get_mut(o).props.insert(Key::s("stack"), Slot::V(Val::Str(s.clone().into())), HIDDEN);
    Ok(Val::Str(s.into()))
}

pub fn stack_setter(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    if let Val::Obj(o) = c.this {
        vm.heap.get_mut(o).props.insert(Key::s("stack"), Slot::V(c.arg(0)), HIDDEN);
    }
    Ok(Val::Undef)
}

/// `Error.prototype.toString` of an error (the first line of its stack).
pub fn error_header(vm: &mut Vm, ctx: &mut Ctx, e: &Val) -> Result<String, Val> {
    let name = vm.get_str(ctx, e, "name")?;
    let name = if matches!(name, Val::Undef) { "Error".into() } else { vm.to_str(ctx, &name)? };
    let msg = vm.get_str(ctx, e, "message")?;
    let msg = if matches!(msg, Val::Undef) { "".into() } else { vm.to_str(ctx, &msg)? };
    Ok(match (name.is_empty(), msg.is_empty()) {
        (_, true) => name.to_string(),
        (true, false) => msg.to_string(),
        _ => format!("{name}: {msg}"),
    })
}

fn install_errors(vm: &mut Vm) {
    let base_proto = vm.realm.error_protos[0];
    for (i, kind) in ErrKind::ALL.iter().enumerate() {
        let proto = if i == 0 {
            base_proto
        } else {
            let p = vm.heap.alloc(Obj::new(Some(base_proto), Kind::Ordinary));
            vm.realm.error_protos[i] = p;
            p
        };
        let ctor = vm.native_with(error_ctor, Val::Num(i as f64));
        vm.heap.get_mut(ctor).props.insert(Key::s("name"), Slot::V(Val::str(kind.name())), CONF);
        vm.heap.get_mut(ctor).props.insert(Key::s("length"), Slot::V(Val::Num(if *kind == ErrKind::Aggregate { 2.0 } else { 1.0 })), CONF);
        if i > 0 {
            vm.heap.get_mut(ctor).proto = Some(vm.realm.error_ctors[0]);
        }
        vm.realm.error_ctors[i] = ctor;
        link_ctor(vm, ctor, proto);
        vm.heap.get_mut(proto).props.insert(Key::s("name"), Slot::V(Val::str(kind.name())), HIDDEN);
        vm.heap.get_mut(proto).props.insert(Key::s("message"), Slot::V(Val::str("")), HIDDEN);
        global(vm, kind.name(), Val::Obj(ctor));
    }
    methods(vm, base_proto, &[("toString", 0, error_to_string)]);
    let ctor = vm.realm.error_ctors[0];
    methods(vm, ctor, &[("captureStackTrace", 2, capture_stack_trace)]);
    vm.heap.get_mut(ctor).props.insert(Key::s("stackTraceLimit"), Slot::V(Val::Num(10.0)), DEFAULT);
}

pub fn install(vm: &mut Vm) {
    let object_proto = vm.heap.alloc(Obj::new(None, Kind::Ordinary));
    vm.realm.object_proto = object_proto;
    let fp = vm.heap.alloc(Obj::new(Some(object_proto), Kind::Native(function::noop, Val::Undef)));
    vm.realm.function_proto = fp;
    let mk = |vm: &mut Vm, kind: Kind| vm.heap.alloc(Obj::new(Some(object_proto), kind));
    vm.realm.array_proto = mk(vm, Kind::Array(Vec::new()));
    vm.realm.string_proto = mk(vm, Kind::BoxStr("".into()));
    vm.realm.number_proto = mk(vm, Kind::BoxNum(0.0));
    vm.realm.boolean_proto = mk(vm, Kind::BoxBool(false));
    vm.realm.symbol_proto = mk(vm, Kind::Ordinary);
    vm.realm.error_protos[0] = mk(vm, Kind::Ordinary);
    vm.realm.promise_proto = mk(vm, Kind::Ordinary);
    vm.realm.date_proto = mk(vm, Kind::Ordinary);
    vm.realm.map_proto = mk(vm, Kind::Ordinary);
    vm.realm.set_proto = mk(vm, Kind::Ordinary);
    vm.realm.iter_proto = mk(vm, Kind::Ordinary);
    vm.realm.regexp_proto = mk(vm, Kind::Ordinary);
    let ip = vm.realm.iter_proto;
    vm.realm.array_iter_proto = vm.heap.alloc(Obj::new(Some(ip), Kind::Ordinary));
    vm.realm.generator_proto = vm.heap.alloc(Obj::new(Some(ip), Kind::Ordinary));
    let aip = mk(vm, Kind::Ordinary);
    vm.realm.async_generator_proto = vm.heap.alloc(Obj::new(Some(aip), Kind::Ordinary));
    vm.realm.global = mk(vm, Kind::Ordinary);
    let sg = vm.native("get stack", 0, stack_getter);
    let ss = vm.native("set stack", 1, stack_setter);
    vm.realm.stack_accessors = (sg, ss);
    let g = vm.realm.global;
    global(vm, "globalThis", Val::Obj(g));
    object::install(vm);
    function::install(vm);
    install_errors(vm);
    array::install(vm);
    string::install(vm);
    math::install(vm);
    json::install(vm);
    date::install(vm);
    collections::install(vm);
    super::promise::install(vm);
    super::regex::install(vm);
}

//! The builtins module: functions (`print`, `len`, `sorted`…), type constructors (`int()`,
//! `list()`…) and the exception classes, with CPython's error messages.

use std::rc::Rc;

use super::ops::{as_f64, as_int, int_of_big, range_len};
use super::value::*;
use super::vm::{exc, Flow, PyResult, Suspend, Vm};
use crate::api::StdStream;
use crate::proc::program::Ctx;

pub const BUILTIN_NAMES: [&str; 72] = [
    "__import__", "vars", "breakpoint", "bytearray", "compile", "complex", "memoryview", "aiter",
    "abs", "all", "any", "ascii", "bin", "bool", "bytes", "callable", "chr", "classmethod",
    "delattr", "dict", "dir", "divmod", "enumerate", "eval", "exec", "exit", "filter", "float",
    "format", "frozenset", "getattr", "globals", "hasattr", "hash", "help", "hex", "id", "input",
    "int", "isinstance", "issubclass", "iter", "len", "list", "locals", "map", "max", "min",
    "next", "object", "oct", "open", "ord", "pow", "print", "property", "quit", "range", "repr",
    "reversed", "round", "set", "setattr", "slice", "sorted", "staticmethod", "str", "sum",
    "super", "tuple", "type", "zip",
];

/// The value of a builtin name.
pub fn builtin_value(name: &str) -> Option<Value> {
    let ty = match name {
        "int" => Ty::Int,
        "float" => Ty::Float,
        "str" => Ty::Str,
        "bool" => Ty::Bool,
        "list" => Ty::List,
        "tuple" => Ty::Tuple,
        "dict" => Ty::Dict,
        "set" => Ty::Set,
        "frozenset" => Ty::FrozenSet,
        "range" => Ty::Range,
        "type" => Ty::Type,
        "object" => Ty::Object,
        "slice" => Ty::Slice,
        "bytes" => Ty::Bytes,
        "property" => Ty::Property,
        "staticmethod" => Ty::StaticMethod,
        "classmethod" => Ty::ClassMethod,
        "super" => Ty::Super,
        _ => {
            if let Some(i) = exc::TABLE.iter().position(|(n, _, m)| *n == name && *m == "builtins") {
                return Some(Value::Obj(i as u32));
            }
            return match name {
                "None" => Some(Value::None),
                "Ellipsis" => Some(Value::Ellipsis),
                "NotImplemented" => Some(Value::NotImplemented),
                "__name__" => None,
                "IOError" | "EnvironmentError" => Some(Value::Obj(exc::OS)),
                _ if BUILTIN_NAMES.contains(&name) => Some(Value::Builtin(Rc::from(name))),
                _ => None,
            };
        }
    };
    Some(Value::Type(ty))
}

/// Creates the exception classes (at their fixed heap indices) and the builtins module.
pub fn setup(vm: &mut Vm) {
    for (i, (name, parent, module)) in exc::TABLE.iter().enumerate() {
        let mut mro = vec![i as u32];
        if *parent != u32::MAX {
            if let Obj::Class(p) = vm.heap.get(*parent) {
                mro.extend(p.mro.iter().copied());
            }
        }
        let id = vm.heap.alloc(Obj::Class(Class {
            name: Rc::from(*name),
            qualname: Rc::from(*name),
            module: Rc::from(*module),
            bases: if *parent == u32::MAX { Vec::new() } else { vec![*parent] },
            mro,
            attrs: Attrs::default(),
            builtin_base: None,
        }));
        debug_assert_eq!(id, i as u32);
    }
    vm.builtins = vm.heap.alloc(Obj::Module(Module {
        name: Rc::from("builtins"),
        attrs: Attrs::default(),
        file: None,
    }));
}

/// Sets the attributes an exception instance gets from its arguments.
pub fn init_exception(vm: &mut Vm, inst: &Value, kwargs: &[(Rc<str>, Value)]) {
    let cls = vm.class_of_inst(inst).unwrap_or(0);
    let args: Vec<Value> = match vm.obj(inst) {
        Some(Obj::Inst(i)) => match i.attrs.get("args").and_then(|a| vm.obj(a)) {
            Some(Obj::Tuple(t)) => t.clone(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    let set = |vm: &mut Vm, k: &str, v: Value| {
        if let Some(Obj::Inst(i)) = vm.obj_mut(inst) {
            i.attrs.set(Rc::from(k), v);
        }
    };
    if vm.is_subclass(cls, exc::SYSTEM_EXIT) {
        let code = match args.len() {
            0 => Value::None,
            1 => args[0].clone(),
            _ => vm.new_tuple(args.clone()),
        };
        set(vm, "code", code);
    } else if vm.is_subclass(cls, exc::STOP_ITERATION) {
        set(vm, "value", args.first().cloned().unwrap_or(Value::None));
    } else if vm.is_subclass(cls, exc::OS) {
        if args.len() >= 2 {
            set(vm, "errno", args[0].clone());
            set(vm, "strerror", args[1].clone());
            set(vm, "filename", args.get(2).cloned().unwrap_or(Value::None));
        } else {
            set(vm, "errno", Value::None);
            set(vm, "strerror", Value::None);
            set(vm, "filename", Value::None);
        }
    } else if vm.is_subclass(cls, exc::NAME) || vm.is_subclass(cls, exc::IMPORT) {
        for (k, v) in kwargs {
            set(vm, k, v.clone());
        }
    }
}

/// An OSError subclass instance with errno, message and filename.
pub fn os_error(vm: &mut Vm, cls: u32, errno: i64, msg: &str, filename: &str) -> Flow {
    let e = vm.make_exc(cls, vec![Value::Int(errno), Value::str(msg)]);
    if let Some(Obj::Inst(i)) = vm.obj_mut(&e) {
        i.attrs.set(Rc::from("errno"), Value::Int(errno));
        i.attrs.set(Rc::from("strerror"), Value::str(msg));
        i.attrs.set(Rc::from("filename"), Value::str(filename));
    }
    Flow::Exc(e)
}

fn kw<'a>(kwargs: &'a [(Rc<str>, Value)], name: &str) -> Option<&'a Value> {
    kwargs.iter().find(|(k, _)| &**k == name).map(|(_, v)| v)
}

fn no_kwargs(vm: &mut Vm, name: &str, kwargs: &[(Rc<str>, Value)]) -> PyResult<()> {
    if kwargs.is_empty() {
        Ok(())
    } else {
        Err(vm.type_error(format!("{name}() takes no keyword arguments")))
    }
}

fn arity(vm: &mut Vm, name: &str, args: &[Value], min: usize, max: usize) -> PyResult<()> {
    let n = args.len();
    if n >= min && n <= max {
        return Ok(());
    }
    let msg = if min == max {
        if min == 1 {
            format!("{name}() takes exactly one argument ({n} given)")
        } else if min == 0 {
            format!("{name}() takes no arguments ({n} given)")
        } else {
            format!("{name} expected {min} arguments, got {n}")
        }
    } else if n < min {
        format!("{name} expected at least {min} argument{}, got {n}", if min == 1 { "" } else { "s" })
    } else {
        format!("{name} expected at most {max} argument{}, got {n}", if max == 1 { "" } else { "s" })
    };
    Err(vm.type_error(msg))
}

/// The integer value of an index argument.
pub fn index_arg(vm: &mut Vm, v: &Value) -> PyResult<i64> {
    match as_int(v) {
        Some(i) => Ok(i),
        None => {
            let t = vm.type_name(v);
            Err(vm.type_error(format!("'{t}' object cannot be interpreted as an integer")))
        }
    }
}

/// A stable-merge sort with a fallible comparison (CPython's `list.sort` is stable too).
pub fn sort_values(vm: &mut Vm, ctx: &mut Ctx, items: Vec<Value>, keys: Option<Vec<Value>>, reverse: bool) -> PyResult<Vec<Value>> {
    let n = items.len();
    let mut keyed: Vec<(Value, Value)> = match keys {
        Some(k) => k.into_iter().zip(items).collect(),
        None => items.into_iter().map(|v| (v.clone(), v)).collect(),
    };
    if reverse {
        keyed.reverse();
    }
    let mut buf = Vec::with_capacity(n);
    let mut width = 1;
    while width < n {
        let mut i = 0;
        buf.clear();
        while i < n {
            let mid = (i + width).min(n);
            let hi = (i + 2 * width).min(n);
            let (mut a, mut b) = (i, mid);
            while a < mid && b < hi {
                if vm.less(ctx, &keyed[b].0, &keyed[a].0)? {
                    buf.push(keyed[b].clone());
                    b += 1;
                } else {
                    buf.push(keyed[a].clone());
                    a += 1;
                }
            }
            buf.extend_from_slice(&keyed[a..mid]);
            buf.extend_from_slice(&keyed[b..hi]);
            i = hi;
        }
        std::mem::swap(&mut keyed, &mut buf);
        width *= 2;
    }
    if reverse {
        keyed.reverse();
    }
    Ok(keyed.into_iter().map(|(_, v)| v).collect())
}

pub fn call_builtin(vm: &mut Vm, ctx: &mut Ctx, name: &str, args: Vec<Value>, kwargs: Vec<(Rc<str>, Value)>) -> PyResult {
    if let Some((module, f)) = name.rsplit_once('.') {
        if module.is_empty() {
            // `.method` used as a plain value: cannot be called without a receiver.
            return Err(vm.type_error(format!("{f}() needs a receiver")));
        }
        if let Some(v) = super::modules::call(vm, ctx, module, f, &args, &kwargs)? {
            return Ok(v);
        }
        match (module, f) {
            ("file", "__enter__") => return Ok(args.first().cloned().unwrap_or(Value::None)),
            ("file", "__exit__") => {
                if let Some(fv) = args.first() {
                    super::methods::close_file(vm, ctx, fv);
                }
                return Ok(Value::Bool(false));
            }
            ("object", "__init__") => {
                // BaseException.__init__ / super().__init__(…) set the exception's args.
                if let Some(inst) = args.first() {
                    if vm.is_exc_instance(inst, exc::BASE) {
                        let t = vm.new_tuple(args[1..].to_vec());
                        if let Some(Obj::Inst(i)) = vm.obj_mut(inst) {
                            i.attrs.set(Rc::from("args"), t);
                        }
                        let inst = inst.clone();
                        init_exception(vm, &inst, &kwargs);
                    }
                }
                return Ok(Value::None);
            }
            ("object", "__setattr__") => {
                if let (Some(inst), Some(Value::Str(k)), Some(v)) = (args.first(), args.get(1), args.get(2)) {
                    let (k, v) = (k.clone(), v.clone());
                    match vm.obj_mut(inst) {
                        Some(Obj::Inst(i)) => i.attrs.set(k, v),
                        _ => return Err(vm.type_error("can't apply this __setattr__ to this object")),
                    }
                }
                return Ok(Value::None);
            }
            ("object", "__getattribute__") => {
                if let (Some(inst), Some(Value::Str(k))) = (args.first(), args.get(1)) {
                    let (inst, k) = (inst.clone(), k.clone());
                    return vm.getattr(ctx, &inst, &k);
                }
                return Ok(Value::None);
            }
            ("object", "__new__") => {
                let Some(Value::Obj(cls)) = args.first() else {
                    return Err(vm.type_error("object.__new__(X): X is not a type object"));
                };
                let cls = *cls;
                let is_exc = vm.is_subclass(cls, exc::BASE);
                let mut attrs = Attrs::default();
                if is_exc {
                    let t = vm.new_tuple(args[1..].to_vec());
                    attrs.set(Rc::from("args"), t);
                }
                return Ok(vm.alloc(Obj::Inst(Inst {
                    class: cls,
                    attrs,
                    inner: None,
                    exc: if is_exc { Some(Box::default()) } else { None },
                })));
            }
            ("object", "__str__" | "__repr__") => {
                let Some(inst) = args.first().cloned() else {
                    return Err(vm.type_error(format!("unbound method object.{f}() needs an argument")));
                };
                if vm.is_exc_instance(&inst, exc::BASE) {
                    return Ok(Value::Str(if f == "__str__" { vm.exc_str(ctx, &inst)? } else { vm.repr(ctx, &inst)? }));
                }
                return vm.call_method(ctx, inst, &format!("object.{f}"), Vec::new(), Vec::new());
            }
            ("object", "__eq__") => {
                return Ok(match (args.first(), args.get(1)) {
                    (Some(a), Some(b)) if a.same(b) => Value::Bool(true),
                    _ => Value::NotImplemented,
                });
            }
            ("object", "__hash__") => {
                let k = vm.key(args.first().unwrap_or(&Value::None))?;
                return Ok(Value::Int(hash_key(&k)));
            }
            ("exc", "with_traceback") => return Ok(args.first().cloned().unwrap_or(Value::None)),
            _ => {}
        }
        // Unbound methods of builtin types: str.upper(s), dict.fromkeys(…).
        if let Some(ty) = builtin_value(module).and_then(|v| match v {
            Value::Type(t) => Some(t),
            _ => None,
        }) {
            if f == "fromkeys" && ty == Ty::Dict {
                let keys = match args.first() {
                    Some(k) => vm.collect(ctx, k)?,
                    None => return Err(vm.type_error("fromkeys expected at least 1 argument, got 0")),
                };
                let v = args.get(1).cloned().unwrap_or(Value::None);
                let mut d = Dict::default();
                for k in keys {
                    let key = vm.key(&k)?;
                    d.insert(key, k, v.clone());
                }
                return Ok(vm.new_dict(d));
            }
            if f.starts_with("__") && f.ends_with("__") {
                let Some(recv) = args.first().cloned() else {
                    return Err(vm.type_error(format!("descriptor '{f}' of '{}' object needs an argument", ty.name())));
                };
                let rest: Vec<Value> = args[1..].to_vec();
                let inner = vm.inst_inner(&recv).unwrap_or_else(|| recv.clone());
                return match f {
                    "__init__" => {
                        if !matches!(vm.obj(&recv), Some(Obj::Inst(_))) {
                            return Ok(Value::None);
                        }
                        let fresh = construct(vm, ctx, ty, rest, kwargs)?;
                        if let Some(Obj::Inst(i)) = vm.obj_mut(&recv) {
                            i.inner = Some(fresh);
                        }
                        Ok(Value::None)
                    }
                    "__repr__" => Ok(Value::Str(vm.repr(ctx, &inner)?)),
                    "__str__" => Ok(Value::Str(vm.str_of(ctx, &inner)?)),
                    "__getitem__" => vm.getitem(ctx, &inner, rest.first().unwrap_or(&Value::None)),
                    "__setitem__" => {
                        let mut it = rest.into_iter();
                        let (k, v) = (it.next().unwrap_or(Value::None), it.next().unwrap_or(Value::None));
                        vm.setitem(ctx, &inner, k, v)?;
                        Ok(Value::None)
                    }
                    "__delitem__" => {
                        vm.delitem(ctx, &inner, rest.first().unwrap_or(&Value::None))?;
                        Ok(Value::None)
                    }
                    "__contains__" => Ok(Value::Bool(vm.contains(ctx, &inner, rest.first().unwrap_or(&Value::None))?)),
                    "__len__" => Ok(Value::Int(vm.len_of(ctx, &inner)? as i64)),
                    "__iter__" => vm.iter(ctx, &inner),
                    "__eq__" => Ok(Value::Bool(vm.eq(ctx, &inner, rest.first().unwrap_or(&Value::None))?)),
                    "__new__" => construct(vm, ctx, ty, rest, kwargs),
                    _ => Err(vm.unsupported(&format!("{}.{f}", ty.name()))),
                };
            }
            if f == "maketrans" && ty == Ty::Str {
                return super::methods::call_method_pub(vm, ctx, Value::str(""), "maketrans", args, kwargs);
            }
            let mut it = args.into_iter();
            let Some(recv) = it.next() else {
                return Err(vm.type_error(format!("unbound method {}.{f}() needs an argument", ty.name())));
            };
            if vm.base_ty(&recv) != ty && !(ty == Ty::Int && matches!(recv, Value::Bool(_))) {
                let t = vm.type_name(&recv);
                return Err(vm.type_error(format!(
                    "descriptor '{f}' for '{}' objects doesn't apply to a '{t}' object",
                    ty.name()
                )));
            }
            return vm.call_method(ctx, recv, f, it.collect(), kwargs);
        }
        return Err(vm.unsupported(&format!("{name}()")));
    }
    match name {
        "print" => {
            let sep = match kw(&kwargs, "sep") {
                Some(Value::Str(s)) => s.to_string(),
                Some(Value::None) | None => " ".into(),
                Some(v) => {
                    let t = vm.type_name(v);
                    return Err(vm.type_error(format!("sep must be None or a string, not {t}")));
                }
            };
            let end = match kw(&kwargs, "end") {
                Some(Value::Str(s)) => s.to_string(),
                Some(Value::None) | None => "\n".into(),
                Some(v) => {
                    let t = vm.type_name(v);
                    return Err(vm.type_error(format!("end must be None or a string, not {t}")));
                }
            };
            for (k, _) in &kwargs {
                if !matches!(&**k, "sep" | "end" | "file" | "flush") {
                    return Err(vm.type_error(format!("'{k}' is an invalid keyword argument for print()")));
                }
            }
            let mut text = String::new();
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    text.push_str(&sep);
                }
                text.push_str(&vm.str_of(ctx, a)?);
            }
            text.push_str(&end);
            let file = kw(&kwargs, "file").cloned().unwrap_or(Value::None);
            vm.write_to(ctx, &file, &text)?;
            let flush = match kw(&kwargs, "flush") {
                Some(v) => vm.truthy(ctx, v)?,
                None => false,
            };
            if flush {
                vm.flush_file(ctx, &file);
            }
            Ok(Value::None)
        }
        "input" => {
            arity(vm, "input", &args, 0, 1)?;
            vm.flush_stream(ctx, StdStream::Stderr);
            if let Some(p) = args.first() {
                let p = vm.str_of(ctx, p)?;
                vm.write_out(ctx, &p);
            }
            vm.flush_stream(ctx, StdStream::Stdout);
            if vm.nested > 0 {
                return Err(vm.unsupported("input() inside a callback"));
            }
            match ctx.stdin.read_line() {
                Some(line) => {
                    // A terminal echoes what is typed (`docker run -it`).
                    if ctx.tty {
                        ctx.write(StdStream::Stdout, &format!("{line}\n"));
                    }
                    Ok(Value::Str(Rc::from(line)))
                }
                None if ctx.stdin.at_eof() => Err(vm.exc(exc::EOF, "EOF when reading a line")),
                None => {
                    vm.pending = super::vm::Pending::Input;
                    Err(Flow::Suspend(Suspend::Input))
                }
            }
        }
        "len" => {
            no_kwargs(vm, "len", &kwargs)?;
            arity(vm, "len", &args, 1, 1)?;
            let n = vm.len_of(ctx, &args[0])?;
            Ok(Value::Int(n as i64))
        }
        "repr" => {
            arity(vm, "repr", &args, 1, 1)?;
            Ok(Value::Str(vm.repr(ctx, &args[0])?))
        }
        "ascii" => {
            arity(vm, "ascii", &args, 1, 1)?;
            let r = vm.repr(ctx, &args[0])?;
            Ok(Value::str(&super::format::ascii(&r)))
        }
        "abs" => {
            arity(vm, "abs", &args, 1, 1)?;
            match &args[0] {
                Value::Int(i) => Ok(match i.checked_abs() {
                    Some(v) => Value::Int(v),
                    None => int_of_big(super::bigint::BigInt::from_i64(*i).abs()),
                }),
                Value::Bool(b) => Ok(Value::Int(*b as i64)),
                Value::Big(b) => Ok(int_of_big(b.abs())),
                Value::Float(f) => Ok(Value::Float(f.abs())),
                v => {
                    if let Some(f) = vm.special(v, "__abs__") {
                        return vm.call_sync(ctx, f, vec![v.clone()], Vec::new());
                    }
                    let t = vm.type_name(v);
                    Err(vm.type_error(format!("bad operand type for abs(): '{t}'")))
                }
            }
        }
        "round" => {
            arity(vm, "round", &args, 1, 2)?;
            let nd = match args.get(1).or(kw(&kwargs, "ndigits")) {
                Some(Value::None) | None => None,
                Some(v) => Some(index_arg(vm, v)?),
            };
            match (&args[0], nd) {
                (Value::Int(_) | Value::Bool(_) | Value::Big(_), None) => Ok(match &args[0] {
                    Value::Bool(b) => Value::Int(*b as i64),
                    v => v.clone(),
                }),
                (Value::Int(i), Some(n)) => {
                    if n >= 0 {
                        return Ok(Value::Int(*i));
                    }
                    let p = 10i64.checked_pow((-n) as u32).unwrap_or(i64::MAX);
                    let q = (*i as f64 / p as f64).round_ties_even() as i64;
                    Ok(Value::Int(q.saturating_mul(p)))
                }
                (Value::Float(f), None) => {
                    if f.is_nan() {
                        return Err(vm.value_error("cannot convert float NaN to integer"));
                    }
                    if f.is_infinite() {
                        return Err(vm.exc(exc::OVERFLOW, "cannot convert float infinity to integer"));
                    }
                    Ok(float_to_int(f.round_ties_even()))
                }
                (Value::Float(f), Some(n)) => Ok(Value::Float(round_float(*f, n))),
                (v, _) => {
                    let t = vm.type_name(v);
                    Err(vm.type_error(format!("type {t} doesn't define __round__ method")))
                }
            }
        }
        "min" | "max" => min_max(vm, ctx, name, args, kwargs),
        "sum" => {
            arity(vm, "sum", &args, 1, 2)?;
            let items = vm.collect(ctx, &args[0])?;
            let mut acc = args.get(1).or(kw(&kwargs, "start")).cloned().unwrap_or(Value::Int(0));
            if let Value::Str(_) = acc {
                return Err(vm.type_error("sum() can't sum strings [use ''.join(seq) instead]"));
            }
            let mut it = items.into_iter().peekable();
            // Ints add exactly; from the first float on, 3.12+ uses compensated summation.
            while let Some(x) = it.peek() {
                if matches!(x, Value::Float(_)) && as_f64(&acc).is_some() && !matches!(acc, Value::Big(_)) {
                    let mut f = as_f64(&acc).unwrap_or(0.0);
                    let mut c = 0.0f64;
                    let comp = vm.version.at_least(12);
                    while let Some(x) = it.peek() {
                        let Some(v) = (match x {
                            Value::Float(v) => Some(*v),
                            Value::Int(i) => Some(*i as f64),
                            Value::Bool(b) => Some(*b as i64 as f64),
                            _ => None,
                        }) else {
                            break;
                        };
                        it.next();
                        let t = f + v;
                        if comp {
                            if f.abs() >= v.abs() {
                                c += (f - t) + v;
                            } else {
                                c += (v - t) + f;
                            }
                        }
                        f = t;
                    }
                    acc = Value::Float(if c != 0.0 && (f + c).is_finite() { f + c } else { f });
                    continue;
                }
                let x = it.next().unwrap_or(Value::None);
                acc = vm.binary(ctx, super::ast::BinOp::Add, &acc, &x, false)?;
            }
            Ok(acc)
        }
        "sorted" => {
            arity(vm, "sorted", &args, 1, 1)?;
            let items = vm.collect(ctx, &args[0])?;
            let reverse = match kw(&kwargs, "reverse") {
                Some(v) => vm.truthy(ctx, v)?,
                None => false,
            };
            let keys = match kw(&kwargs, "key") {
                Some(f) if !f.is_none() => {
                    let f = f.clone();
                    let mut ks = Vec::with_capacity(items.len());
                    for x in &items {
                        ks.push(vm.call_sync(ctx, f.clone(), vec![x.clone()], Vec::new())?);
                    }
                    Some(ks)
                }
                _ => None,
            };
            let out = sort_values(vm, ctx, items, keys, reverse)?;
            Ok(vm.new_list(out))
        }
        "reversed" => {
            arity(vm, "reversed", &args, 1, 1)?;
            let v = &args[0];
            match vm.obj(v) {
                Some(Obj::List(l) | Obj::Tuple(l)) => {
                    let n = l.len();
                    Ok(vm.alloc(Obj::Iter(Iter::Reversed(v.clone(), n))))
                }
                Some(Obj::Range(..)) | None | Some(Obj::Dict(_)) => {
                    if let Some(f) = vm.special(v, "__reversed__") {
                        return vm.call_sync(ctx, f, vec![v.clone()], Vec::new());
                    }
                    if matches!(v, Value::Int(_) | Value::Float(_) | Value::None | Value::Bool(_)) {
                        let t = vm.type_name(v);
                        return Err(vm.type_error(format!("'{t}' object is not reversible")));
                    }
                    let mut items = vm.collect(ctx, v)?;
                    items.reverse();
                    Ok(vm.alloc(Obj::Iter(Iter::Values(items.into(), 0))))
                }
                _ => {
                    if let Some(f) = vm.special(v, "__reversed__") {
                        return vm.call_sync(ctx, f, vec![v.clone()], Vec::new());
                    }
                    let t = vm.type_name(v);
                    Err(vm.type_error(format!("'{t}' object is not reversible")))
                }
            }
        }
        "enumerate" => {
            let Some(it) = args.first().or(kw(&kwargs, "iterable")) else {
                return Err(vm.type_error("enumerate() missing required argument 'iterable'"));
            };
            let start = match args.get(1).or(kw(&kwargs, "start")) {
                Some(v) => index_arg(vm, v)?,
                None => 0,
            };
            let inner = vm.iter(ctx, &it.clone())?;
            Ok(vm.alloc(Obj::Iter(Iter::Enumerate(inner, start))))
        }
        "zip" => {
            let mut its = Vec::new();
            for (i, a) in args.iter().enumerate() {
                match vm.iter(ctx, a) {
                    Ok(it) => its.push(it),
                    Err(_) => {
                        let t = vm.type_name(a);
                        let msg = if vm.version.at_least(10) {
                            format!("'{t}' object is not iterable")
                        } else {
                            format!("zip argument #{} must support iteration", i + 1)
                        };
                        return Err(vm.type_error(msg));
                    }
                }
            }
            if let Some(s) = kw(&kwargs, "strict") {
                if vm.truthy(ctx, &s.clone())? {
                    return Err(vm.unsupported("zip(strict=True)"));
                }
            }
            Ok(vm.alloc(Obj::Iter(Iter::Zip(its))))
        }
        "map" => {
            if args.len() < 2 {
                return Err(vm.type_error("map() must have at least two arguments."));
            }
            let mut its = Vec::new();
            for a in &args[1..] {
                its.push(vm.iter(ctx, a)?);
            }
            Ok(vm.alloc(Obj::Iter(Iter::Map(args[0].clone(), its))))
        }
        "filter" => {
            arity(vm, "filter", &args, 2, 2)?;
            let it = vm.iter(ctx, &args[1])?;
            Ok(vm.alloc(Obj::Iter(Iter::Filter(args[0].clone(), it))))
        }
        "any" | "all" => {
            arity(vm, name, &args, 1, 1)?;
            let it = vm.iter(ctx, &args[0])?;
            let want = name == "any";
            while let Some(x) = vm.next(ctx, &it)? {
                if vm.truthy(ctx, &x)? == want {
                    return Ok(Value::Bool(want));
                }
            }
            Ok(Value::Bool(!want))
        }
        "isinstance" | "issubclass" => {
            arity(vm, name, &args, 2, 2)?;
            let r = if name == "isinstance" {
                vm.isinstance(&args[0], &args[1])?
            } else {
                vm.issubclass(&args[0], &args[1])?
            };
            Ok(Value::Bool(r))
        }
        "hasattr" => {
            arity(vm, "hasattr", &args, 2, 2)?;
            let Value::Str(n) = &args[1] else {
                return Err(vm.type_error("hasattr(): attribute name must be string"));
            };
            match vm.getattr_opt(ctx, &args[0], n) {
                Ok(v) => Ok(Value::Bool(v.is_some())),
                Err(Flow::Exc(e)) if vm.is_exc_instance(&e, exc::ATTRIBUTE) => Ok(Value::Bool(false)),
                Err(e) => Err(e),
            }
        }
        "getattr" => {
            arity(vm, "getattr", &args, 2, 3)?;
            let Value::Str(n) = &args[1] else {
                return Err(vm.type_error("attribute name must be string, not '".to_string() + &vm.type_name(&args[1]) + "'"));
            };
            match vm.getattr_opt(ctx, &args[0], n) {
                Ok(Some(v)) => Ok(v),
                Ok(None) => match args.get(2) {
                    Some(d) => Ok(d.clone()),
                    None => Err(vm.attr_error(&args[0], n)),
                },
                Err(Flow::Exc(e)) if args.len() == 3 && vm.is_exc_instance(&e, exc::ATTRIBUTE) => Ok(args[2].clone()),
                Err(e) => Err(e),
            }
        }
        "setattr" => {
            arity(vm, "setattr", &args, 3, 3)?;
            let Value::Str(n) = &args[1] else {
                return Err(vm.type_error("attribute name must be string"));
            };
            vm.setattr(ctx, &args[0], n.clone(), args[2].clone())?;
            Ok(Value::None)
        }
        "delattr" => {
            arity(vm, "delattr", &args, 2, 2)?;
            let Value::Str(n) = &args[1] else {
                return Err(vm.type_error("attribute name must be string"));
            };
            vm.delattr(&args[0], n)?;
            Ok(Value::None)
        }
        "id" => {
            arity(vm, "id", &args, 1, 1)?;
            let n = match &args[0] {
                Value::Obj(i) => 140_000_000_000_000i64 + *i as i64 * 64,
                Value::Int(i) => 94_000_000_000_000i64 + (*i & 0xffff) * 32,
                Value::None => 94_000_000_001_000,
                Value::Bool(b) => 94_000_000_002_000 + *b as i64 * 32,
                Value::Str(s) => 139_000_000_000_000i64 + (Rc::as_ptr(s) as *const u8 as usize as i64 & 0xffff_ffff) / 8 * 8,
                _ => 94_000_000_003_000,
            };
            Ok(Value::Int(n))
        }
        "hash" => {
            arity(vm, "hash", &args, 1, 1)?;
            let k = vm.key(&args[0])?;
            Ok(Value::Int(hash_key(&k)))
        }
        "chr" => {
            arity(vm, "chr", &args, 1, 1)?;
            let i = index_arg(vm, &args[0])?;
            match u32::try_from(i).ok().and_then(char::from_u32) {
                Some(c) => Ok(Value::str(&c.to_string())),
                None => Err(vm.value_error("chr() arg not in range(0x110000)")),
            }
        }
        "ord" => {
            arity(vm, "ord", &args, 1, 1)?;
            match &args[0] {
                Value::Str(s) => {
                    let n = s.chars().count();
                    if n != 1 {
                        return Err(vm.type_error(format!("ord() expected a character, but string of length {n} found")));
                    }
                    Ok(Value::Int(s.chars().next().map(|c| c as i64).unwrap_or(0)))
                }
                v => {
                    let t = vm.type_name(v);
                    Err(vm.type_error(format!("ord() expected string of length 1, but {t} found")))
                }
            }
        }
        "hex" | "oct" | "bin" => {
            arity(vm, name, &args, 1, 1)?;
            let (radix, prefix) = match name {
                "hex" => (16, "0x"),
                "oct" => (8, "0o"),
                _ => (2, "0b"),
            };
            match &args[0] {
                Value::Big(b) => Ok(Value::str(&format!("{}{prefix}{}", if b.is_neg() { "-" } else { "" }, b.to_radix(radix)))),
                v => {
                    let i = index_arg(vm, v)?;
                    let u = i.unsigned_abs();
                    let d = match radix {
                        16 => format!("{u:x}"),
                        8 => format!("{u:o}"),
                        _ => format!("{u:b}"),
                    };
                    Ok(Value::str(&format!("{}{prefix}{d}", if i < 0 { "-" } else { "" })))
                }
            }
        }
        "divmod" => {
            arity(vm, "divmod", &args, 2, 2)?;
            let q = vm.binary(ctx, super::ast::BinOp::FloorDiv, &args[0], &args[1], false)?;
            let r = vm.binary(ctx, super::ast::BinOp::Mod, &args[0], &args[1], false)?;
            Ok(vm.new_tuple(vec![q, r]))
        }
        "pow" => {
            arity(vm, "pow", &args, 2, 3)?;
            if let Some(m) = args.get(2) {
                let (Some(b), Some(e), Some(m)) = (as_int(&args[0]), as_int(&args[1]), as_int(m)) else {
                    return Err(vm.type_error("pow() 3rd argument not allowed unless all arguments are integers"));
                };
                if m == 0 {
                    return Err(vm.value_error("pow() 3rd argument cannot be 0"));
                }
                if e < 0 {
                    return Err(vm.unsupported("pow() with a negative exponent and a modulus"));
                }
                let mut r: i128 = 1;
                let mut base = (b as i128).rem_euclid(m as i128);
                let mut e = e;
                while e > 0 {
                    if e & 1 == 1 {
                        r = r * base % m as i128;
                    }
                    base = base * base % m as i128;
                    e >>= 1;
                }
                let mut r = r as i64;
                if r != 0 && (r < 0) != (m < 0) {
                    r += m;
                }
                return Ok(Value::Int(r));
            }
            vm.binary(ctx, super::ast::BinOp::Pow, &args[0], &args[1], false)
        }
        "iter" => {
            arity(vm, "iter", &args, 1, 1)?;
            vm.iter(ctx, &args[0])
        }
        "next" => {
            arity(vm, "next", &args, 1, 2)?;
            if !matches!(vm.obj(&args[0]), Some(Obj::Iter(_) | Obj::Gen(_) | Obj::Inst(_))) {
                let t = vm.type_name(&args[0]);
                return Err(vm.type_error(format!("'{t}' object is not an iterator")));
            }
            match vm.next(ctx, &args[0])? {
                Some(v) => Ok(v),
                None => match args.get(1) {
                    Some(d) => Ok(d.clone()),
                    None => {
                        let e = vm.make_exc(exc::STOP_ITERATION, Vec::new());
                        Err(Flow::Exc(e))
                    }
                },
            }
        }
        "callable" => {
            arity(vm, "callable", &args, 1, 1)?;
            let v = &args[0];
            let c = match v {
                Value::Builtin(_) | Value::Type(_) => true,
                Value::Obj(_) => match vm.obj(v) {
                    Some(Obj::Func(_) | Obj::Method(..) | Obj::NativeMethod(..) | Obj::Class(_)) => true,
                    Some(Obj::Inst(_)) => vm.special(v, "__call__").is_some(),
                    _ => false,
                },
                _ => false,
            };
            Ok(Value::Bool(c))
        }
        "open" => super::methods::open(vm, ctx, &args, &kwargs),
        "dir" => {
            let names = match args.first() {
                Some(v) => vm.dir_names(v),
                None => {
                    let f = vm.top().clone();
                    let mut n: Vec<String> = Vec::new();
                    if f.code.kind == super::code::CodeKind::Module {
                        if let Obj::Module(m) = vm.heap.get(f.globals) {
                            n.extend(m.attrs.items.iter().map(|(k, _)| k.to_string()));
                        }
                    } else {
                        for (i, v) in f.code.varnames.iter().enumerate() {
                            if !matches!(f.locals.get(i), Some(Value::Undef) | None) {
                                n.push(v.to_string());
                            }
                        }
                    }
                    n.sort();
                    n
                }
            };
            let items = names.iter().map(|s| Value::str(s)).collect();
            Ok(vm.new_list(items))
        }
        "vars" | "globals" | "locals" => {
            let attrs: Vec<(Rc<str>, Value)> = match (name, args.first()) {
                ("vars", Some(v)) => match vm.obj(v) {
                    Some(Obj::Inst(i)) => i.attrs.items.clone(),
                    Some(Obj::Module(m)) => m.attrs.items.clone(),
                    Some(Obj::Class(c)) => c.attrs.items.clone(),
                    _ => return Err(vm.type_error("vars() argument must have __dict__ attribute")),
                },
                ("locals", _) | ("vars", None) if vm.top().code.kind != super::code::CodeKind::Module => {
                    let f = vm.top().clone();
                    f.code
                        .varnames
                        .iter()
                        .zip(f.locals.iter())
                        .filter(|(_, v)| !matches!(v, Value::Undef))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect()
                }
                _ => {
                    let g = vm.top().globals;
                    match vm.heap.get(g) {
                        Obj::Module(m) => m.attrs.items.clone(),
                        _ => Vec::new(),
                    }
                }
            };
            let mut d = Dict::default();
            for (k, v) in attrs {
                d.insert(Key::Str(k.clone()), Value::Str(k), v);
            }
            Ok(vm.new_dict(d))
        }
        "format" => {
            arity(vm, "format", &args, 1, 2)?;
            let spec = match args.get(1) {
                Some(Value::Str(s)) => s.clone(),
                Some(v) => {
                    let t = vm.type_name(v);
                    return Err(vm.type_error(format!("format() argument 2 must be str, not {t}")));
                }
                None => Rc::from(""),
            };
            Ok(Value::Str(vm.format_value(ctx, &args[0], &spec)?))
        }
        "exit" | "quit" => {
            let e = vm.make_exc(exc::SYSTEM_EXIT, args.clone());
            init_exception(vm, &e, &[]);
            Err(Flow::Exc(e))
        }
        "help" => Err(vm.unsupported("help()")),
        "eval" | "exec" => {
            arity(vm, name, &args, 1, 3)?;
            let Value::Str(src) = &args[0] else {
                let t = vm.type_name(&args[0]);
                return Err(vm.type_error(format!("{name}() arg 1 must be a string, bytes or code object, not {t}")));
            };
            let src = src.to_string();
            match args.get(1) {
                Some(g) if !g.is_none() => {
                    let g = g.clone();
                    if !matches!(vm.obj(&g), Some(Obj::Dict(_))) {
                        let t = vm.type_name(&g);
                        return Err(vm.type_error(format!("{name}() globals must be a dict, not {t}")));
                    }
                    vm.run_string_in(ctx, &src, name == "eval", &g)
                }
                _ => vm.run_string(ctx, &src, name == "eval"),
            }
        }
        "__import__" => {
            arity(vm, "__import__", &args, 1, 5)?;
            let Value::Str(n) = &args[0] else {
                return Err(vm.type_error("__import__() argument 1 must be str"));
            };
            let n = n.clone();
            vm.import(ctx, &n)?;
            Ok(vm.pop())
        }
        _ => Err(vm.unsupported(&format!("the builtin {name}()"))),
    }
}

pub fn float_to_int(f: f64) -> Value {
    if f.abs() < 9.2e18 {
        Value::Int(f as i64)
    } else {
        let s = format!("{f:.0}");
        match super::bigint::BigInt::parse_radix(&s, 10) {
            Some(b) => int_of_big(b),
            None => Value::Int(0),
        }
    }
}

/// `round(f, n)` as CPython does it: correctly rounded through the decimal string.
pub fn round_float(f: f64, n: i64) -> f64 {
    if !f.is_finite() || n > 300 {
        return f;
    }
    if n >= 0 {
        let s = format!("{:.*}", n as usize, f);
        s.parse().unwrap_or(f)
    } else {
        let p = 10f64.powi((-n) as i32);
        (f / p).round_ties_even() * p
    }
}

pub fn hash_key(k: &Key) -> i64 {
    const M: i64 = (1 << 61) - 1;
    match k {
        Key::None => 0x5f3a_1b2c,
        Key::Int(i) => {
            let h = i.rem_euclid(M);
            let h = if *i < 0 { -((-*i) % M) } else { h };
            if h == -1 {
                -2
            } else {
                h
            }
        }
        Key::Float(bits) => (*bits as i64).rem_euclid(M),
        Key::Str(s) => {
            // FNV-1a (CPython randomises string hashes per process anyway).
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for b in s.bytes() {
                h ^= b as u64;
                h = h.wrapping_mul(0x100_0000_01b3);
            }
            h as i64
        }
        Key::Tuple(items) => {
            let mut h: u64 = 0x345678;
            for x in items {
                h = (h ^ hash_key(x) as u64).wrapping_mul(1_000_003);
            }
            h as i64
        }
        Key::Obj(i) => *i as i64 * 16 + 0x7f00_0000,
        other => {
            let s = format!("{other:?}");
            hash_key(&Key::Str(Rc::from(s)))
        }
    }
}

fn min_max(vm: &mut Vm, ctx: &mut Ctx, name: &str, args: Vec<Value>, kwargs: Vec<(Rc<str>, Value)>) -> PyResult {
    for (k, _) in &kwargs {
        if !matches!(&**k, "key" | "default") {
            return Err(vm.type_error(format!("'{k}' is an invalid keyword argument for {name}()")));
        }
    }
    let items = match args.len() {
        0 => return Err(vm.type_error(format!("{name} expected at least 1 argument, got 0"))),
        1 => vm.collect(ctx, &args[0])?,
        _ => {
            if kw(&kwargs, "default").is_some() {
                return Err(vm.type_error(format!(
                    "Cannot specify a default for {name}() with multiple positional arguments"
                )));
            }
            args
        }
    };
    if items.is_empty() {
        if let Some(d) = kw(&kwargs, "default") {
            return Ok(d.clone());
        }
        let msg = if vm.version.at_least(12) {
            format!("{name}() iterable argument is empty")
        } else {
            format!("{name}() arg is an empty sequence")
        };
        return Err(vm.value_error(msg));
    }
    let key = kw(&kwargs, "key").cloned().filter(|k| !k.is_none());
    let mut best = items[0].clone();
    let mut best_key = match &key {
        Some(f) => vm.call_sync(ctx, f.clone(), vec![best.clone()], Vec::new())?,
        None => best.clone(),
    };
    for x in items.into_iter().skip(1) {
        let k = match &key {
            Some(f) => vm.call_sync(ctx, f.clone(), vec![x.clone()], Vec::new())?,
            None => x.clone(),
        };
        let better = if name == "max" {
            vm.less(ctx, &best_key, &k)?
        } else {
            vm.less(ctx, &k, &best_key)?
        };
        if better {
            best = x;
            best_key = k;
        }
    }
    Ok(best)
}

/// Calls a builtin type: `int("3")`, `list(x)`, `dict(a=1)`…
pub fn construct(vm: &mut Vm, ctx: &mut Ctx, ty: Ty, args: Vec<Value>, kwargs: Vec<(Rc<str>, Value)>) -> PyResult {
    let name = ty.name();
    match ty {
        Ty::Int => {
            if args.is_empty() {
                return Ok(Value::Int(0));
            }
            let base = match args.get(1).or(kw(&kwargs, "base")) {
                Some(b) => Some(index_arg(vm, b)?),
                None => None,
            };
            match (&args[0], base) {
                (Value::Str(s), b) => parse_int(vm, s, b.unwrap_or(10)),
                (Value::Bytes(s), b) => {
                    let s = String::from_utf8_lossy(s).to_string();
                    parse_int(vm, &s, b.unwrap_or(10))
                }
                (_, Some(_)) => Err(vm.type_error("int() can't convert non-string with explicit base")),
                (Value::Int(_) | Value::Big(_), None) => Ok(args[0].clone()),
                (Value::Bool(b), None) => Ok(Value::Int(*b as i64)),
                (Value::Float(f), None) => {
                    if f.is_nan() {
                        return Err(vm.value_error("cannot convert float NaN to integer"));
                    }
                    if f.is_infinite() {
                        return Err(vm.exc(exc::OVERFLOW, "cannot convert float infinity to integer"));
                    }
                    Ok(float_to_int(f.trunc()))
                }
                (v, None) => {
                    if let Some(f) = vm.special(v, "__int__").or_else(|| vm.special(v, "__index__")) {
                        return vm.call_sync(ctx, f, vec![v.clone()], Vec::new());
                    }
                    if let Some(inner) = vm.inst_inner(v) {
                        return construct(vm, ctx, ty, vec![inner], kwargs);
                    }
                    let t = vm.type_name(v);
                    Err(vm.type_error(format!(
                        "int() argument must be a string, a bytes-like object or a real number, not '{t}'"
                    )))
                }
            }
        }
        Ty::Float => {
            arity(vm, "float", &args, 0, 1)?;
            match args.first() {
                None => Ok(Value::Float(0.0)),
                Some(Value::Str(s)) => match parse_float(s) {
                    Some(f) => Ok(Value::Float(f)),
                    None => {
                        let r = super::format::str_repr(s);
                        Err(vm.value_error(format!("could not convert string to float: {r}")))
                    }
                },
                Some(v) => match as_f64(v) {
                    Some(f) => Ok(Value::Float(f)),
                    None => {
                        if let Some(f) = vm.special(v, "__float__") {
                            return vm.call_sync(ctx, f, vec![v.clone()], Vec::new());
                        }
                        let t = vm.type_name(v);
                        Err(vm.type_error(format!("float() argument must be a string or a real number, not '{t}'")))
                    }
                },
            }
        }
        Ty::Str => match args.first() {
            None => Ok(Value::str("")),
            Some(Value::Bytes(b)) if args.len() > 1 || !kwargs.is_empty() => {
                Ok(Value::str(&String::from_utf8_lossy(b)))
            }
            Some(v) => Ok(Value::Str(vm.str_of(ctx, v)?)),
        },
        Ty::Bool => match args.first() {
            None => Ok(Value::Bool(false)),
            Some(v) => Ok(Value::Bool(vm.truthy(ctx, v)?)),
        },
        Ty::List | Ty::Tuple | Ty::Set | Ty::FrozenSet => {
            arity(vm, name, &args, 0, 1)?;
            if !kwargs.is_empty() {
                return Err(vm.type_error(format!("{name}() takes no keyword arguments")));
            }
            let items = match args.first() {
                Some(v) => vm.collect(ctx, v)?,
                None => Vec::new(),
            };
            Ok(match ty {
                Ty::List => vm.new_list(items),
                Ty::Tuple => vm.new_tuple(items),
                _ => {
                    let mut d = Dict::default();
                    for x in items {
                        let k = vm.key(&x)?;
                        d.insert(k, x, Value::None);
                    }
                    if ty == Ty::Set {
                        vm.alloc(Obj::Set(d))
                    } else {
                        vm.alloc(Obj::FrozenSet(d))
                    }
                }
            })
        }
        Ty::Dict => {
            arity(vm, "dict", &args, 0, 1)?;
            let mut d = Dict::default();
            if let Some(src) = args.first() {
                let inner_dict = vm.inst_inner(src).is_some_and(|i| matches!(vm.obj(&i), Some(Obj::Dict(_))));
                let pairs = if inner_dict || matches!(vm.obj(src), Some(Obj::Dict(_))) || vm.special(src, "keys").is_some() {
                    vm.mapping_items(ctx, src)?
                } else {
                    let items = vm.collect(ctx, src)?;
                    let mut pairs = Vec::new();
                    for (i, it) in items.iter().enumerate() {
                        let kv = match vm.collect(ctx, it) {
                            Ok(kv) => kv,
                            Err(_) => {
                                return Err(vm.type_error(format!(
                                    "cannot convert dictionary update sequence element #{i} to a sequence"
                                )))
                            }
                        };
                        if kv.len() != 2 {
                            return Err(vm.value_error(format!(
                                "dictionary update sequence element #{i} has length {}; 2 is required",
                                kv.len()
                            )));
                        }
                        pairs.push((kv[0].clone(), kv[1].clone()));
                    }
                    pairs
                };
                for (k, v) in pairs {
                    let key = vm.key(&k)?;
                    d.insert(key, k, v);
                }
            }
            for (k, v) in kwargs {
                d.insert(Key::Str(k.clone()), Value::Str(k), v);
            }
            Ok(vm.new_dict(d))
        }
        Ty::Range => {
            if args.is_empty() || args.len() > 3 {
                return Err(vm.type_error(format!("range expected at least 1 argument, got {}", args.len())));
            }
            let mut n = Vec::new();
            for a in &args {
                n.push(index_arg(vm, a)?);
            }
            let (a, b, s) = match n.len() {
                1 => (0, n[0], 1),
                2 => (n[0], n[1], 1),
                _ => (n[0], n[1], n[2]),
            };
            if s == 0 {
                return Err(vm.value_error("range() arg 3 must not be zero"));
            }
            let _ = range_len(a, b, s);
            Ok(vm.alloc(Obj::Range(a, b, s)))
        }
        Ty::Type => match args.len() {
            1 => Ok(vm.type_of(&args[0])),
            3 => {
                let Value::Str(n) = &args[0] else {
                    return Err(vm.type_error("type.__new__() argument 1 must be str"));
                };
                let bases = vm.collect(ctx, &args[1])?;
                let pairs = vm.mapping_items(ctx, &args[2])?;
                let mut ns = Attrs::default();
                for (k, v) in pairs {
                    if let Value::Str(k) = k {
                        ns.set(k, v);
                    }
                }
                let g = vm.top().globals;
                let m = vm.module_get(g, "__name__").and_then(|v| match v {
                    Value::Str(s) => Some(s),
                    _ => None,
                });
                ns.set(Rc::from("__module__"), Value::Str(m.unwrap_or_else(|| Rc::from("__main__"))));
                vm.build_class(n.clone(), bases, ns, 0)
            }
            _ => Err(vm.type_error("type() takes 1 or 3 arguments")),
        },
        Ty::Object => {
            if !args.is_empty() {
                return Err(vm.type_error("object() takes no arguments"));
            }
            let cls = object_class(vm);
            Ok(vm.alloc(Obj::Inst(Inst {
                class: cls,
                attrs: Attrs::default(),
                inner: None,
                exc: None,
            })))
        }
        Ty::Slice => {
            let (a, b, c) = match args.len() {
                1 => (Value::None, args[0].clone(), Value::None),
                2 => (args[0].clone(), args[1].clone(), Value::None),
                3 => (args[0].clone(), args[1].clone(), args[2].clone()),
                n => return Err(vm.type_error(format!("slice expected at least 1 argument, got {n}"))),
            };
            Ok(vm.alloc(Obj::Slice(a, b, c)))
        }
        Ty::Bytes => match args.first() {
            None => Ok(Value::Bytes(Rc::from(&[][..]))),
            Some(Value::Str(s)) => {
                if args.len() < 2 && kwargs.is_empty() {
                    return Err(vm.type_error("string argument without an encoding"));
                }
                Ok(Value::Bytes(s.as_bytes().into()))
            }
            Some(Value::Int(n)) => Ok(Value::Bytes(vec![0u8; (*n).clamp(0, 1 << 24) as usize].into())),
            Some(v) => {
                let items = vm.collect(ctx, v)?;
                let mut out = Vec::new();
                for x in items {
                    match as_int(&x) {
                        Some(b @ 0..=255) => out.push(b as u8),
                        _ => return Err(vm.value_error("bytes must be in range(0, 256)")),
                    }
                }
                Ok(Value::Bytes(out.into()))
            }
        },
        Ty::Property => {
            let get = args.first().or(kw(&kwargs, "fget")).cloned().unwrap_or(Value::None);
            let set = args.get(1).or(kw(&kwargs, "fset")).cloned().unwrap_or(Value::None);
            Ok(vm.alloc(Obj::Property(get, set)))
        }
        Ty::StaticMethod => {
            arity(vm, "staticmethod", &args, 1, 1)?;
            Ok(vm.alloc(Obj::StaticMethod(args[0].clone())))
        }
        Ty::ClassMethod => {
            arity(vm, "classmethod", &args, 1, 1)?;
            Ok(vm.alloc(Obj::ClassMethod(args[0].clone())))
        }
        Ty::Super => {
            let (cls, inst) = match args.len() {
                0 => {
                    let f = vm.top();
                    let first = f.locals.first().cloned();
                    let func = f.func;
                    let cls = func.and_then(|fi| match vm.heap.get(fi) {
                        Obj::Func(fu) => fu.class,
                        _ => None,
                    });
                    match (cls, first) {
                        (Some(c), Some(i)) if !matches!(i, Value::Undef) => (c, i),
                        _ => return Err(vm.exc(exc::RUNTIME, "super(): no arguments")),
                    }
                }
                2 => match args[0].as_obj() {
                    Some(c) => (c, args[1].clone()),
                    None => return Err(vm.type_error("super() argument 1 must be a type")),
                },
                _ => return Err(vm.unsupported("super() with one argument")),
            };
            Ok(vm.alloc(Obj::Super(cls, inst)))
        }
        _ => {
            let t = ty.name();
            Err(vm.type_error(format!("cannot create '{t}' instances")))
        }
    }
}

/// The class behind plain `object()` instances.
fn object_class(vm: &mut Vm) -> u32 {
    if let Some(Value::Obj(c)) = vm.module_get(vm.builtins, "__object_class__") {
        return c;
    }
    let id = vm.heap.alloc(Obj::Class(Class {
        name: Rc::from("object"),
        qualname: Rc::from("object"),
        module: Rc::from("builtins"),
        bases: Vec::new(),
        mro: Vec::new(),
        attrs: Attrs::default(),
        builtin_base: None,
    }));
    if let Some(Obj::Class(c)) = vm.heap.get_mut(id) {
        c.mro = vec![id];
    }
    let b = vm.builtins;
    vm.module_set(b, Rc::from("__object_class__"), Value::Obj(id));
    id
}

pub fn parse_int(vm: &mut Vm, s: &str, base: i64) -> PyResult {
    let t = s.trim();
    let bad = |vm: &mut Vm| {
        let r = super::format::str_repr(s);
        vm.value_error(format!("invalid literal for int() with base {base}: {r}"))
    };
    if !(base == 0 || (2..=36).contains(&base)) {
        return Err(vm.value_error("int() base must be >= 2 and <= 36, or 0"));
    }
    let (neg, body) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = match base {
        0 | 16 if lower.starts_with("0x") => (16, &body[2..]),
        0 | 8 if lower.starts_with("0o") => (8, &body[2..]),
        0 | 2 if lower.starts_with("0b") => (2, &body[2..]),
        0 => (10, body),
        b => (b as u32, body),
    };
    let digits = digits.strip_prefix('_').filter(|_| radix != 10).unwrap_or(digits);
    if digits.is_empty() || digits.starts_with('_') || digits.ends_with('_') || digits.contains("__") {
        return Err(bad(vm));
    }
    if base == 0 && radix == 10 && digits.len() > 1 && digits.starts_with('0') && digits.bytes().any(|c| c != b'0' && c != b'_') {
        return Err(bad(vm));
    }
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    if !clean.chars().all(|c| c.is_digit(radix)) {
        return Err(bad(vm));
    }
    if clean.len() > 4300 && radix == 10 {
        return Err(vm.value_error(format!(
            "Exceeds the limit (4300 digits) for integer string conversion: value has {} digits; use sys.set_int_max_str_digits() to increase the limit",
            clean.len()
        )));
    }
    let full = if neg { format!("-{clean}") } else { clean };
    match i64::from_str_radix(&full, radix) {
        Ok(v) => Ok(Value::Int(v)),
        Err(_) => match super::bigint::BigInt::parse_radix(&full, radix) {
            Some(b) => Ok(int_of_big(b)),
            None => Err(bad(vm)),
        },
    }
}

pub fn parse_float(s: &str) -> Option<f64> {
    let t = s.trim();
    let l = t.to_ascii_lowercase();
    let (neg, l2) = match l.strip_prefix('-') {
        Some(r) => (true, r.to_string()),
        None => (false, l.strip_prefix('+').unwrap_or(&l).to_string()),
    };
    let v = match l2.as_str() {
        "inf" | "infinity" => f64::INFINITY,
        "nan" => f64::NAN,
        _ => {
            if l2.is_empty() || l2.contains("__") || l2.starts_with('_') || l2.ends_with('_') {
                return None;
            }
            if !l2.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | '+' | '-' | '_')) {
                return None;
            }
            let clean: String = l2.chars().filter(|&c| c != '_').collect();
            clean.parse::<f64>().ok()?
        }
    };
    Some(if neg { -v } else { v })
}

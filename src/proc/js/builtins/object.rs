//! `Object` and `Object.prototype`.

use super::*;

fn object_ctor(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    match c.arg(0) {
        Val::Undef | Val::Null => Ok(Val::Obj(vm.new_object())),
        v => Ok(Val::Obj(vm.to_object(&v)?)),
    }
}

fn obj_arg(vm: &mut Vm, c: &Call, i: usize) -> Result<Oid, Val> {
    let v = c.arg(i);
    vm.to_object(&v)
}

fn keys(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let o = obj_arg(vm, c, 0)?;
    let ks = vm.own_keys(o, false);
    Ok(vm.new_array(ks.into_iter().map(Val::Str).collect()))
}

fn values(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let o = obj_arg(vm, c, 0)?;
    let ks = vm.own_keys(o, false);
    let mut out = Vec::new();
    for k in ks {
        out.push(vm.get_obj(ctx, o, &Key::S(k), &Val::Obj(o))?);
    }
    Ok(vm.new_array(out))
}

fn entries(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let o = obj_arg(vm, c, 0)?;
    let ks = vm.own_keys(o, false);
    let mut out = Vec::new();
    for k in ks {
        let v = vm.get_obj(ctx, o, &Key::S(k.clone()), &Val::Obj(o))?;
        out.push(vm.new_array(vec![Val::Str(k), v]));
    }
    Ok(vm.new_array(out))
}

fn assign(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let target = obj_arg(vm, c, 0)?;
    for src in c.args.iter().skip(1).cloned().collect::<Vec<_>>() {
        if let Val::Obj(s) = &src {
            let ks = vm.own_keys(*s, false);
            for k in ks {
                let v = vm.get_obj(ctx, *s, &Key::S(k.clone()), &src)?;
                vm.set(ctx, &Val::Obj(target), Key::S(k), v, true)?;
            }
        } else {
            vm.copy_props(ctx, target, &src, &[])?;
        }
    }
    Ok(Val::Obj(target))
}

fn freeze(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    if let Val::Obj(o) = c.arg(0) {
        let obj = vm.heap.get_mut(o);
        obj.extensible = false;
        for p in obj.props.list.iter_mut() {
            p.flags &= !CONF;
            if let Slot::V(_) = p.slot {
                p.flags &= !WRITE;
            }
        }
    }
    Ok(c.arg(0))
}

fn is_frozen(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(Val::Bool(match c.arg(0) {
        Val::Obj(o) => {
            let obj = vm.heap.get(o);
            !obj.extensible && obj.props.list.iter().all(|p| p.flags & (WRITE | CONF) == 0)
        }
        _ => true,
    }))
}

fn seal(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    if let Val::Obj(o) = c.arg(0) {
        let obj = vm.heap.get_mut(o);
        obj.extensible = false;
        for p in obj.props.list.iter_mut() {
            p.flags &= !CONF;
        }
    }
    Ok(c.arg(0))
}

fn prevent_extensions(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    if let Val::Obj(o) = c.arg(0) {
        vm.heap.get_mut(o).extensible = false;
    }
    Ok(c.arg(0))
}

fn create(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let proto = match c.arg(0) {
        Val::Obj(p) => Some(p),
        Val::Null => None,
        other => {
            let s = vm.inspect_short(ctx, &other);
            return Err(vm.error(ErrKind::Type, &format!("Object prototype may only be an Object or null: {s}")));
        }
    };
    let o = vm.heap.alloc(Obj::new(proto, Kind::Ordinary));
    if let Val::Obj(props) = c.arg(1) {
        define_all(vm, ctx, o, props)?;
    }
    Ok(Val::Obj(o))
}

fn get_proto(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let v = c.arg(0);
    let o = match &v {
        Val::Obj(o) => *o,
        Val::Undef | Val::Null => return Err(vm.error(ErrKind::Type, "Cannot convert undefined or null to object")),
        other => return Ok(vm.proto_of_primitive(other).map(Val::Obj).unwrap_or(Val::Null)),
    };
    Ok(vm.heap.get(o).proto.map(Val::Obj).unwrap_or(Val::Null))
}

fn set_proto(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    if let Val::Obj(o) = c.arg(0) {
        match c.arg(1) {
            Val::Obj(p) => vm.heap.get_mut(o).proto = Some(p),
            Val::Null => vm.heap.get_mut(o).proto = None,
            _ => return Err(vm.error(ErrKind::Type, "Object prototype may only be an Object or null: undefined")),
        }
    }
    Ok(c.arg(0))
}

/// Applies one property descriptor.
fn define_one(vm: &mut Vm, ctx: &mut Ctx, o: Oid, key: Key, desc: &Val) -> Result<(), Val> {
    let Val::Obj(d) = desc else {
        let s = vm.inspect_short(ctx, desc);
        return Err(vm.error(ErrKind::Type, &format!("Property description must be an object: {s}")));
    };
    let d = *d;
    let flag = |vm: &mut Vm, ctx: &mut Ctx, name: &str| -> Result<Option<bool>, Val> {
        if vm.has_property(d, &Key::s(name)) {
            let v = vm.get_obj(ctx, d, &Key::s(name), &Val::Obj(d))?;
            Ok(Some(vm.truthy(&v)))
        } else {
            Ok(None)
        }
    };
    let existing = vm.heap.get(o).props.get(&key).map(|p| p.flags);
    let base = existing.unwrap_or(0);
    let bit = |v: Option<bool>, b: u8, base: u8| match v {
        Some(true) => b,
        Some(false) => 0,
        None => base & b,
    };
    let e = flag(vm, ctx, "enumerable")?;
    let cf = flag(vm, ctx, "configurable")?;
    let get = if vm.has_property(d, &Key::s("get")) { Some(vm.get_obj(ctx, d, &Key::s("get"), &Val::Obj(d))?) } else { None };
    let set = if vm.has_property(d, &Key::s("set")) { Some(vm.get_obj(ctx, d, &Key::s("set"), &Val::Obj(d))?) } else { None };
    if get.is_some() || set.is_some() {
        let flags = bit(e, ENUM, base) | bit(cf, CONF, base);
        let g = get.and_then(|v| v.obj());
        let s = set.and_then(|v| v.obj());
        vm.heap.get_mut(o).props.insert(key, Slot::Acc(g, s), flags);
        return Ok(());
    }
    let w = flag(vm, ctx, "writable")?;
    let flags = bit(e, ENUM, base) | bit(cf, CONF, base) | bit(w, WRITE, base);
    let value = if vm.has_property(d, &Key::s("value")) {
        vm.get_obj(ctx, d, &Key::s("value"), &Val::Obj(d))?
    } else {
        match vm.heap.get(o).props.get(&key) {
            Some(Prop { slot: Slot::V(v), .. }) => v.clone(),
            _ => Val::Undef,
        }
    };
    if let Key::S(s) = &key {
        if let Kind::Array(_) = vm.heap.get(o).kind {
            if super::super::object::index_of(s).is_some() {
                vm.define(o, key, value, flags);
                return Ok(());
            }
        }
    }
    vm.heap.get_mut(o).props.insert(key, Slot::V(value), flags);
    Ok(())
}

fn define_all(vm: &mut Vm, ctx: &mut Ctx, o: Oid, props: Oid) -> Result<(), Val> {
    for k in vm.own_keys(props, false) {
        let d = vm.get_obj(ctx, props, &Key::S(k.clone()), &Val::Obj(props))?;
        define_one(vm, ctx, o, Key::S(k), &d)?;
    }
    Ok(())
}

fn define_property(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let Val::Obj(o) = c.arg(0) else {
        return Err(vm.error(ErrKind::Type, "Object.defineProperty called on non-object"));
    };
    let key = vm.to_key(ctx, &c.arg(1))?;
    define_one(vm, ctx, o, key, &c.arg(2))?;
    Ok(Val::Obj(o))
}

fn define_properties(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let Val::Obj(o) = c.arg(0) else {
        return Err(vm.error(ErrKind::Type, "Object.defineProperties called on non-object"));
    };
    if let Val::Obj(p) = c.arg(1) {
        define_all(vm, ctx, o, p)?;
    }
    Ok(Val::Obj(o))
}

fn get_own_property_names(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let o = obj_arg(vm, c, 0)?;
    let ks = vm.own_keys(o, true);
    Ok(vm.new_array(ks.into_iter().map(Val::Str).collect()))
}

fn get_own_property_descriptor(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let o = obj_arg(vm, c, 0)?;
    let key = vm.to_key(ctx, &c.arg(1))?;
    let Some((slot, flags)) = vm.own(o, &key) else { return Ok(Val::Undef) };
    let d = vm.new_object();
    match slot {
        Slot::V(v) => {
            vm.define(d, Key::s("value"), v, DEFAULT);
            vm.define(d, Key::s("writable"), Val::Bool(flags & WRITE != 0), DEFAULT);
        }
        Slot::Acc(g, s) => {
            vm.define(d, Key::s("get"), g.map(Val::Obj).unwrap_or(Val::Undef), DEFAULT);
            vm.define(d, Key::s("set"), s.map(Val::Obj).unwrap_or(Val::Undef), DEFAULT);
        }
    }
    vm.define(d, Key::s("enumerable"), Val::Bool(flags & ENUM != 0), DEFAULT);
    vm.define(d, Key::s("configurable"), Val::Bool(flags & CONF != 0), DEFAULT);
    Ok(Val::Obj(d))
}

fn from_entries(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let items = vm.iterate_to_vec(ctx, &c.arg(0))?;
    let o = vm.new_object();
    for it in items {
        let k = vm.get(ctx, &it, &Key::s("0"))?;
        let v = vm.get(ctx, &it, &Key::s("1"))?;
        let key = vm.to_key(ctx, &k)?;
        vm.define(o, key, v, DEFAULT);
    }
    Ok(Val::Obj(o))
}

fn has_own(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let o = obj_arg(vm, c, 0)?;
    let key = vm.to_key(ctx, &c.arg(1))?;
    Ok(Val::Bool(vm.own(o, &key).is_some()))
}

fn is(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let (a, b) = (c.arg(0), c.arg(1));
    Ok(Val::Bool(match (&a, &b) {
        (Val::Num(x), Val::Num(y)) => (x.is_nan() && y.is_nan()) || (x == y && x.is_sign_negative() == y.is_sign_negative()),
        _ => vm.strict_eq(&a, &b),
    }))
}

fn get_own_property_symbols(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let o = obj_arg(vm, c, 0)?;
    let syms: Vec<Val> = vm.heap.get(o).props.list.iter().filter_map(|p| match p.key {
        Key::Sym(id) => Some(Val::Sym(id)),
        _ => None,
    }).collect();
    Ok(vm.new_array(syms))
}

fn has_own_property(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let this = c.this.clone();
    let o = vm.to_object(&this)?;
    let key = vm.to_key(ctx, &c.arg(0))?;
    Ok(Val::Bool(vm.own(o, &key).is_some()))
}

fn is_prototype_of(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let (Val::Obj(me), Val::Obj(mut o)) = (c.this.clone(), c.arg(0)) else { return Ok(Val::Bool(false)) };
    let mut guard = 0;
    while let Some(p) = vm.heap.get(o).proto {
        if p == me {
            return Ok(Val::Bool(true));
        }
        o = p;
        guard += 1;
        if guard > 10_000 {
            break;
        }
    }
    Ok(Val::Bool(false))
}

fn property_is_enumerable(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let this = c.this.clone();
    let o = vm.to_object(&this)?;
    let key = vm.to_key(ctx, &c.arg(0))?;
    Ok(Val::Bool(vm.own(o, &key).is_some_and(|(_, f)| f & ENUM != 0)))
}

/// `Object.prototype.toString`: `[object Type]`.
pub fn object_to_string(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let this = c.this.clone();
    Ok(Val::Str(tag_string(vm, ctx, &this)?.into()))
}

pub fn tag_string(vm: &mut Vm, ctx: &mut Ctx, v: &Val) -> Result<String, Val> {
    let t = match v {
        Val::Undef => "Undefined".to_string(),
        Val::Null => "Null".to_string(),
        Val::Obj(o) => {
            let o = *o;
            let tag = vm.get_obj(ctx, o, &Key::Sym(super::super::object::SYM_TO_STRING_TAG), v)?;
            if let Val::Str(t) = tag {
                t.to_string()
            } else {
                match &vm.heap.get(o).kind {
                    Kind::Array(_) if vm.heap.get(o).tag == Some("Arguments") => "Arguments".into(),
                    Kind::Array(_) => "Array".into(),
                    Kind::Func(_) | Kind::Native(..) | Kind::Bound(..) => "Function".into(),
                    Kind::Error(_) => "Error".into(),
                    Kind::Date(_) => "Date".into(),
                    Kind::BoxStr(_) => "String".into(),
                    Kind::BoxNum(_) => "Number".into(),
                    Kind::BoxBool(_) => "Boolean".into(),
                    Kind::Regex(_) => "RegExp".into(),
                    _ => "Object".into(),
                }
            }
        }
        Val::Str(_) => "String".into(),
        Val::Num(_) => "Number".into(),
        Val::Bool(_) => "Boolean".into(),
        _ => "Symbol".into(),
    };
    Ok(format!("[object {t}]"))
}

fn value_of(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let this = c.this.clone();
    Ok(Val::Obj(vm.to_object(&this)?))
}

fn to_locale_string(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let this = c.this.clone();
    let f = vm.get_str(ctx, &this, "toString")?;
    vm.call(ctx, &f, this, Vec::new())
}

fn proto_getter(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    match &c.this {
        Val::Obj(o) => Ok(vm.heap.get(*o).proto.map(Val::Obj).unwrap_or(Val::Null)),
        other => Ok(vm.proto_of_primitive(other).map(Val::Obj).unwrap_or(Val::Null)),
    }
}

fn proto_setter(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    if let Val::Obj(o) = c.this {
        match c.arg(0) {
            Val::Obj(p) => vm.heap.get_mut(o).proto = Some(p),
            Val::Null => vm.heap.get_mut(o).proto = None,
            _ => {}
        }
    }
    Ok(Val::Undef)
}

pub fn install(vm: &mut Vm) {
    let proto = vm.realm.object_proto;
    let ctor = vm.native("Object", 1, object_ctor);
    vm.realm.object_ctor = ctor;
    link_ctor(vm, ctor, proto);
    methods(
        vm,
        ctor,
        &[
            ("keys", 1, keys),
            ("values", 1, values),
            ("entries", 1, entries),
            ("assign", 2, assign),
            ("freeze", 1, freeze),
            ("isFrozen", 1, is_frozen),
            ("seal", 1, seal),
            ("preventExtensions", 1, prevent_extensions),
            ("create", 2, create),
            ("getPrototypeOf", 1, get_proto),
            ("setPrototypeOf", 2, set_proto),
            ("defineProperty", 3, define_property),
            ("defineProperties", 2, define_properties),
            ("getOwnPropertyNames", 1, get_own_property_names),
            ("getOwnPropertyDescriptor", 2, get_own_property_descriptor),
            ("getOwnPropertySymbols", 1, get_own_property_symbols),
            ("fromEntries", 1, from_entries),
            ("hasOwn", 2, has_own),
            ("is", 2, is),
        ],
    );
    methods(
        vm,
        proto,
        &[
            ("hasOwnProperty", 1, has_own_property),
            ("isPrototypeOf", 1, is_prototype_of),
            ("propertyIsEnumerable", 1, property_is_enumerable),
            ("toString", 0, object_to_string),
            ("toLocaleString", 0, to_locale_string),
            ("valueOf", 0, value_of),
        ],
    );
    let g = vm.native("get __proto__", 0, proto_getter);
    let s = vm.native("set __proto__", 1, proto_setter);
    vm.heap.get_mut(proto).props.insert(Key::s("__proto__"), Slot::Acc(Some(g), Some(s)), CONF);
    global(vm, "Object", Val::Obj(ctor));
}

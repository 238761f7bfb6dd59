//! `Function.prototype`, `Symbol`, `Boolean`, iterator and generator prototypes.

use super::*;

pub fn noop(_vm: &mut Vm, _ctx: &mut Ctx, _c: &mut Call) -> Res {
    Ok(Val::Undef)
}

fn call(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let f = c.this.clone();
    if !vm.is_callable(&f) {
        return Err(vm.error(ErrKind::Type, "Function.prototype.call called on non-function"));
    }
    let this = c.arg(0);
    let args = c.args.iter().skip(1).cloned().collect();
    vm.call(ctx, &f, this, args)
}

fn apply(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let f = c.this.clone();
    if !vm.is_callable(&f) {
        return Err(vm.error(ErrKind::Type, "Function.prototype.apply was called on , which is not a function"));
    }
    let this = c.arg(0);
    let args = match c.arg(1) {
        Val::Undef | Val::Null => Vec::new(),
        a => array_like(vm, ctx, &a)?,
    };
    vm.call(ctx, &f, this, args)
}

/// The elements of an array-like value.
pub fn array_like(vm: &mut Vm, ctx: &mut Ctx, a: &Val) -> Result<Vec<Val>, Val> {
    if let Some(items) = vm.array_items(a) {
        return Ok(items.into_iter().map(|v| if let Val::Empty = v { Val::Undef } else { v }).collect());
    }
    let len = vm.get_str(ctx, a, "length")?;
    let n = vm.to_number(ctx, &len)?;
    let n = if n.is_nan() { 0 } else { n.clamp(0.0, 10_000_000.0) as usize };
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        out.push(vm.get(ctx, a, &Key::S(i.to_string().into()))?);
    }
    Ok(out)
}

fn bind(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let Val::Obj(f) = c.this.clone() else {
        return Err(vm.error(ErrKind::Type, "Bind must be called on a function"));
    };
    if !vm.heap.get(f).is_callable() {
        return Err(vm.error(ErrKind::Type, "Bind must be called on a function"));
    }
    let this = c.arg(0);
    let args: Vec<Val> = c.args.iter().skip(1).cloned().collect();
    let p = vm.realm.function_proto;
    Ok(Val::Obj(vm.heap.alloc(Obj::new(Some(p), Kind::Bound(f, this, args)))))
}

fn to_string(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let Val::Obj(f) = c.this.clone() else {
        return Err(vm.error(ErrKind::Type, "Function.prototype.toString requires that 'this' be a Function"));
    };
    if let Some(src) = vm.function_source(f) {
        return Ok(Val::Str(src.into()));
    }
    let n = vm.fn_name(f);
    Ok(Val::Str(format!("function {n}() {{ [native code] }}").into()))
}

fn function_ctor(vm: &mut Vm, _ctx: &mut Ctx, _c: &mut Call) -> Res {
    Err(vm.fatal("the Function constructor (code from strings) is not simulated"))
}

fn has_instance(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let f = c.this.clone();
    let r = vm.instance_of(ctx, &c.arg(0), &f)?;
    Ok(Val::Bool(r))
}

fn symbol_ctor(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    if c.new_target.is_some() {
        return Err(vm.error(ErrKind::Type, "Symbol is not a constructor"));
    }
    let d = match c.arg(0) {
        Val::Undef => "".into(),
        v => vm.to_str(ctx, &v)?,
    };
    vm.symbols.push(d);
    Ok(Val::Sym(vm.symbols.len() as u32 - 1))
}

fn symbol_for(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let k = arg_str(vm, ctx, c, 0)?;
    if let Some((_, id)) = vm.sym_registry.iter().find(|(n, _)| *n == k) {
        return Ok(Val::Sym(*id));
    }
    vm.symbols.push(k.clone());
    let id = vm.symbols.len() as u32 - 1;
    vm.sym_registry.push((k, id));
    Ok(Val::Sym(id))
}

fn symbol_to_string(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = vm.prim_str(&c.this);
    Ok(Val::Str(s.into()))
}

fn boolean_ctor(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let b = vm.truthy(&c.arg(0));
    if c.new_target.is_some() {
        let p = vm.realm.boolean_proto;
        return Ok(Val::Obj(vm.heap.alloc(Obj::new(Some(p), Kind::BoxBool(b)))));
    }
    Ok(Val::Bool(b))
}

fn this_bool(vm: &mut Vm, c: &Call) -> Result<bool, Val> {
    match &c.this {
        Val::Bool(b) => Ok(*b),
        Val::Obj(o) => match vm.heap.get(*o).kind {
            Kind::BoxBool(b) => Ok(b),
            _ => Err(vm.error(ErrKind::Type, "Boolean.prototype.valueOf requires that 'this' be a Boolean")),
        },
        _ => Err(vm.error(ErrKind::Type, "Boolean.prototype.valueOf requires that 'this' be a Boolean")),
    }
}

fn boolean_to_string(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let b = this_bool(vm, c)?;
    Ok(Val::str(if b { "true" } else { "false" }))
}

fn boolean_value_of(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(Val::Bool(this_bool(vm, c)?))
}

fn iter_self(_vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(c.this.clone())
}

fn iter_next(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let this = c.this.clone();
    match vm.iter_step(ctx, &this)? {
        Some(v) => Ok(vm.iter_result(v, false)),
        None => Ok(vm.iter_result(Val::Undef, true)),
    }
}

fn async_gen(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call, mode: u8) -> Res {
    let g = match &c.this {
        Val::Obj(o) => *o,
        _ => vm.realm.global,
    };
    vm.async_gen_enqueue(ctx, g, c.arg(0), mode)
}
fn async_gen_next(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    async_gen(vm, ctx, c, 0)
}
fn async_gen_throw(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    async_gen(vm, ctx, c, 1)
}
fn async_gen_return(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    async_gen(vm, ctx, c, 2)
}

fn gen_this(vm: &mut Vm, c: &Call) -> Result<Oid, Val> {
    match &c.this {
        Val::Obj(o) if matches!(vm.heap.get(*o).kind, Kind::Generator(..)) => Ok(*o),
        _ => Err(vm.error(ErrKind::Type, "next method called on incompatible receiver")),
    }
}

fn gen_next(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let g = gen_this(vm, c)?;
    vm.gen_resume(ctx, g, c.arg(0), 0)
}

fn gen_throw(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let g = gen_this(vm, c)?;
    vm.gen_resume(ctx, g, c.arg(0), 1)
}

fn gen_return(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let g = gen_this(vm, c)?;
    vm.gen_resume(ctx, g, c.arg(0), 2)
}

pub fn install(vm: &mut Vm) {
    let fp = vm.realm.function_proto;
    let ctor = vm.native("Function", 1, function_ctor);
    vm.realm.function_ctor = ctor;
    link_ctor(vm, ctor, fp);
    methods(vm, fp, &[("call", 1, call), ("apply", 2, apply), ("bind", 1, bind), ("toString", 0, to_string)]);
    for n in ["call", "apply"] {
        if let Some(Prop { slot: Slot::V(Val::Obj(f)), .. }) = vm.heap.get(fp).props.get(&Key::s(n)).cloned() {
            vm.hide(f);
        }
    }
    let hi = vm.native("[Symbol.hasInstance]", 1, has_instance);
    vm.heap.get_mut(fp).props.insert(Key::Sym(super::super::object::SYM_HAS_INSTANCE), Slot::V(Val::Obj(hi)), 0);
    global(vm, "Function", Val::Obj(ctor));

    let sp = vm.realm.symbol_proto;
    let sym = vm.native("Symbol", 0, symbol_ctor);
    link_ctor(vm, sym, sp);
    methods(vm, sym, &[("for", 1, symbol_for)]);
    methods(vm, sp, &[("toString", 0, symbol_to_string)]);
    use super::super::object::*;
    for (name, id) in [("iterator", SYM_ITERATOR), ("asyncIterator", SYM_ASYNC_ITERATOR), ("hasInstance", SYM_HAS_INSTANCE), ("toPrimitive", SYM_TO_PRIMITIVE), ("toStringTag", SYM_TO_STRING_TAG)] {
        constant(vm, sym, name, Val::Sym(id));
    }
    global(vm, "Symbol", Val::Obj(sym));

    let bp = vm.realm.boolean_proto;
    let b = vm.native("Boolean", 1, boolean_ctor);
    link_ctor(vm, b, bp);
    methods(vm, bp, &[("toString", 0, boolean_to_string), ("valueOf", 0, boolean_value_of)]);
    global(vm, "Boolean", Val::Obj(b));

    let ip = vm.realm.iter_proto;
    let f = vm.native("[Symbol.iterator]", 0, iter_self);
    vm.heap.get_mut(ip).props.insert(Key::Sym(SYM_ITERATOR), Slot::V(Val::Obj(f)), HIDDEN);
    let aip = vm.realm.array_iter_proto;
    methods(vm, aip, &[("next", 0, iter_next)]);
    vm.heap.get_mut(aip).props.insert(Key::Sym(SYM_TO_STRING_TAG), Slot::V(Val::str("Array Iterator")), CONF);
    let gp = vm.realm.generator_proto;
    methods(vm, gp, &[("next", 1, gen_next), ("throw", 1, gen_throw), ("return", 1, gen_return)]);
    vm.heap.get_mut(gp).props.insert(Key::Sym(SYM_TO_STRING_TAG), Slot::V(Val::str("Generator")), CONF);
    let agp = vm.realm.async_generator_proto;
    methods(vm, agp, &[("next", 1, async_gen_next), ("throw", 1, async_gen_throw), ("return", 1, async_gen_return)]);
    vm.heap.get_mut(agp).props.insert(Key::Sym(SYM_TO_STRING_TAG), Slot::V(Val::str("AsyncGenerator")), CONF);
    if let Some(aip) = vm.heap.get(agp).proto {
        let f = vm.native("[Symbol.asyncIterator]", 0, iter_self);
        vm.heap.get_mut(aip).props.insert(Key::Sym(SYM_ASYNC_ITERATOR), Slot::V(Val::Obj(f)), HIDDEN);
    }
}

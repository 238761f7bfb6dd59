//! `Map`, `Set`, `WeakMap`, `WeakSet` (insertion-ordered, SameValueZero keys).

use super::*;

fn data<'a>(vm: &'a mut Vm, c: &Call, set: bool, name: &str) -> Result<&'a mut MapData, Val> {
    let o = match &c.this {
        Val::Obj(o) => Some(*o),
        _ => None,
    };
    let ok = o.is_some_and(|o| match &vm.heap.get(o).kind {
        Kind::Map(_) => !set,
        Kind::Set(_) => set,
        _ => false,
    });
    let (true, Some(o)) = (ok, o) else {
        let shown = vm.prim_str(&c.this);
        let ty = if set { "Set" } else { "Map" };
        return Err(vm.error(ErrKind::Type, &format!("Method {ty}.prototype.{name} called on incompatible receiver {shown}")));
    };
    match &mut vm.heap.get_mut(o).kind {
        Kind::Map(d) | Kind::Set(d) => Ok(d),
        // Checked above.
        _ => Err(Val::Undef),
    }
}

pub fn map_set(d: &mut MapData, k: Val, v: Val) {
    let mk = MapKey::of(&k);
    if let Some(i) = d.index.get(&mk) {
        d.vals[*i as usize] = v;
        return;
    }
    let k = if let Val::Num(n) = k { Val::Num(if n == 0.0 { 0.0 } else { n }) } else { k };
    d.index.insert(mk, d.keys.len() as u32);
    d.keys.push(k);
    d.vals.push(v);
    d.live += 1;
}

fn ctor_common(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call, set: bool) -> Res {
    let Some(nt) = c.new_target else {
        let n = if set { "Set" } else { "Map" };
        return Err(vm.error(ErrKind::Type, &format!("Constructor {n} requires 'new'")));
    };
    let default = if set { vm.realm.set_proto } else { vm.realm.map_proto };
    let proto = match vm.get_obj(ctx, nt, &Key::s("prototype"), &Val::Obj(nt))? {
        Val::Obj(p) => p,
        _ => default,
    };
    let kind = if set { Kind::Set(Box::default()) } else { Kind::Map(Box::default()) };
    let o = vm.heap.alloc(Obj::new(Some(proto), kind));
    let init = c.arg(0);
    if !init.is_nullish() {
        let items = vm.iterate_to_vec(ctx, &init)?;
        for it in items {
            let (k, v) = if set {
                (it, Val::Undef)
            } else {
                if !matches!(it, Val::Obj(_)) {
                    let s = vm.inspect_short(ctx, &it);
                    return Err(vm.error(ErrKind::Type, &format!("Iterator value {s} is not an entry object")));
                }
                let k = vm.get(ctx, &it, &Key::s("0"))?;
                let v = vm.get(ctx, &it, &Key::s("1"))?;
                (k, v)
            };
            if let Kind::Map(d) | Kind::Set(d) = &mut vm.heap.get_mut(o).kind {
                map_set(d, k, v);
            }
        }
    }
    Ok(Val::Obj(o))
}

fn map_ctor(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    ctor_common(vm, ctx, c, false)
}

fn set_ctor(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    ctor_common(vm, ctx, c, true)
}

fn m_get(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let k = MapKey::of(&c.arg(0));
    let d = data(vm, c, false, "get")?;
    Ok(d.index.get(&k).map(|i| d.vals[*i as usize].clone()).unwrap_or(Val::Undef))
}

fn m_set(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let (k, v) = (c.arg(0), c.arg(1));
    let d = data(vm, c, false, "set")?;
    map_set(d, k, v);
    Ok(c.this.clone())
}

fn has_common(vm: &mut Vm, c: &Call, set: bool) -> Res {
    let k = MapKey::of(&c.arg(0));
    let d = data(vm, c, set, "has")?;
    Ok(Val::Bool(d.index.contains_key(&k)))
}

fn m_has(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    has_common(vm, c, false)
}

fn s_has(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    has_common(vm, c, true)
}

fn delete_common(vm: &mut Vm, c: &Call, set: bool) -> Res {
    let k = MapKey::of(&c.arg(0));
    let d = data(vm, c, set, "delete")?;
    match d.index.remove(&k) {
        Some(i) => {
            d.keys[i as usize] = Val::Empty;
            d.vals[i as usize] = Val::Empty;
            d.live -= 1;
            Ok(Val::Bool(true))
        }
        None => Ok(Val::Bool(false)),
    }
}

fn m_delete(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    delete_common(vm, c, false)
}

fn s_delete(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    delete_common(vm, c, true)
}

fn clear_common(vm: &mut Vm, c: &Call, set: bool) -> Res {
    let d = data(vm, c, set, "clear")?;
    for k in d.keys.iter_mut() {
        *k = Val::Empty;
    }
    d.index.clear();
    d.live = 0;
    Ok(Val::Undef)
}

fn m_clear(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    clear_common(vm, c, false)
}

fn s_clear(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    clear_common(vm, c, true)
}

fn size_common(vm: &mut Vm, c: &Call, set: bool) -> Res {
    let d = data(vm, c, set, "size")?;
    Ok(Val::Num(d.live as f64))
}

fn m_size(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    size_common(vm, c, false)
}

fn s_size(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    size_common(vm, c, true)
}

fn s_add(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let k = c.arg(0);
    let d = data(vm, c, true, "add")?;
    map_set(d, k, Val::Undef);
    Ok(c.this.clone())
}

fn for_each_common(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call, set: bool) -> Res {
    data(vm, c, set, "forEach")?;
    let f = c.arg(0);
    if !vm.is_callable(&f) {
        let s = vm.inspect_short(ctx, &f);
        return Err(vm.error(ErrKind::Type, &format!("{s} is not a function")));
    }
    let Val::Obj(o) = c.this else { return Ok(Val::Undef) };
    let mut i = 0;
    loop {
        let entry = match &vm.heap.get(o).kind {
            Kind::Map(d) | Kind::Set(d) => {
                if i >= d.keys.len() {
                    break;
                }
                (d.keys[i].clone(), d.vals[i].clone())
            }
            _ => break,
        };
        i += 1;
        if let Val::Empty = entry.0 {
            continue;
        }
        let (k, v) = entry;
        let args = if set { vec![k.clone(), k, c.this.clone()] } else { vec![v, k, c.this.clone()] };
        vm.call(ctx, &f, c.arg(1), args)?;
    }
    Ok(Val::Undef)
}

fn m_for_each(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    for_each_common(vm, ctx, c, false)
}

fn s_for_each(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    for_each_common(vm, ctx, c, true)
}

fn iter_common(vm: &mut Vm, c: &Call, set: bool, mode: u8) -> Res {
    data(vm, c, set, "entries")?;
    let Val::Obj(o) = c.this else { return Ok(Val::Undef) };
    let p = vm.realm.array_iter_proto;
    let mut it = Obj::new(Some(p), Kind::Iter(Box::new(IterKind::Map(o, 0, mode))));
    it.tag = Some(if set { "Set Iterator" } else { "Map Iterator" });
    Ok(Val::Obj(vm.heap.alloc(it)))
}

fn m_keys(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    iter_common(vm, c, false, 0)
}
fn m_values(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    iter_common(vm, c, false, 1)
}
fn m_entries(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    iter_common(vm, c, false, 2)
}
fn s_values(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    iter_common(vm, c, true, 0)
}
fn s_entries(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let Val::Obj(o) = c.this else { return Ok(Val::Undef) };
    data(vm, c, true, "entries")?;
    let p = vm.realm.array_iter_proto;
    // A set's entries are [value, value].
    let items: Vec<Val> = match &vm.heap.get(o).kind {
        Kind::Set(d) => d.keys.iter().filter(|k| !matches!(k, Val::Empty)).cloned().collect(),
        _ => Vec::new(),
    };
    let pairs: Vec<Val> = items.into_iter().map(|k| vm.new_array(vec![k.clone(), k])).collect();
    Ok(Val::Obj(vm.heap.alloc(Obj::new(Some(p), Kind::Iter(Box::new(IterKind::List(pairs, 0)))))))
}

fn group_by(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let items = vm.iterate_to_vec(ctx, &c.arg(0))?;
    let f = c.arg(1);
    let proto = vm.realm.map_proto;
    let o = vm.heap.alloc(Obj::new(Some(proto), Kind::Map(Box::default())));
    for (i, it) in items.into_iter().enumerate() {
        let k = vm.call(ctx, &f, Val::Undef, vec![it.clone(), Val::Num(i as f64)])?;
        let existing = match &vm.heap.get(o).kind {
            Kind::Map(d) => d.index.get(&MapKey::of(&k)).map(|i| d.vals[*i as usize].clone()),
            _ => None,
        };
        match existing {
            Some(Val::Obj(a)) => {
                if let Kind::Array(v) = &mut vm.heap.get_mut(a).kind {
                    v.push(it);
                }
            }
            _ => {
                let a = vm.new_array(vec![it]);
                if let Kind::Map(d) = &mut vm.heap.get_mut(o).kind {
                    map_set(d, k, a);
                }
            }
        }
    }
    Ok(Val::Obj(o))
}

pub fn install(vm: &mut Vm) {
    let mp = vm.realm.map_proto;
    let m = vm.native("Map", 0, map_ctor);
    link_ctor(vm, m, mp);
    methods(vm, mp, &[("get", 1, m_get), ("set", 2, m_set), ("has", 1, m_has), ("delete", 1, m_delete), ("clear", 0, m_clear), ("forEach", 1, m_for_each), ("keys", 0, m_keys), ("values", 0, m_values)]);
    methods(vm, m, &[("groupBy", 2, group_by)]);
    getter(vm, mp, "size", m_size);
    let e = vm.native("entries", 0, m_entries);
    vm.heap.get_mut(mp).props.insert(Key::s("entries"), Slot::V(Val::Obj(e)), HIDDEN);
    vm.heap.get_mut(mp).props.insert(Key::Sym(super::super::object::SYM_ITERATOR), Slot::V(Val::Obj(e)), HIDDEN);
    vm.heap.get_mut(mp).props.insert(Key::Sym(super::super::object::SYM_TO_STRING_TAG), Slot::V(Val::str("Map")), CONF);
    global(vm, "Map", Val::Obj(m));

    let sp = vm.realm.set_proto;
    let s = vm.native("Set", 0, set_ctor);
    link_ctor(vm, s, sp);
    methods(vm, sp, &[("add", 1, s_add), ("has", 1, s_has), ("delete", 1, s_delete), ("clear", 0, s_clear), ("forEach", 1, s_for_each), ("entries", 0, s_entries)]);
    getter(vm, sp, "size", s_size);
    let v = vm.native("values", 0, s_values);
    for k in [Key::s("values"), Key::s("keys"), Key::Sym(super::super::object::SYM_ITERATOR)] {
        vm.heap.get_mut(sp).props.insert(k, Slot::V(Val::Obj(v)), HIDDEN);
    }
    vm.heap.get_mut(sp).props.insert(Key::Sym(super::super::object::SYM_TO_STRING_TAG), Slot::V(Val::str("Set")), CONF);
    global(vm, "Set", Val::Obj(s));
    // Weak collections behave like the strong ones here (nothing is collected early).
    global(vm, "WeakMap", Val::Obj(m));
    global(vm, "WeakSet", Val::Obj(s));
}

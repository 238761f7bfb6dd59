//! `Array` and `Array.prototype`.

use super::function::array_like;
use super::*;

fn items_of(vm: &mut Vm, ctx: &mut Ctx, this: &Val) -> Result<Vec<Val>, Val> {
    if let Some(v) = vm.array_items(this) {
        return Ok(v);
    }
    if this.is_nullish() {
        return Err(vm.error(ErrKind::Type, "Array.prototype method called on null or undefined"));
    }
    array_like(vm, ctx, this)
}

fn this_array(vm: &mut Vm, c: &Call, name: &str) -> Result<Oid, Val> {
    match &c.this {
        Val::Obj(o) if matches!(vm.heap.get(*o).kind, Kind::Array(_)) => Ok(*o),
        _ => Err(vm.fatal(&format!("Array.prototype.{name} on a non-array is not simulated"))),
    }
}

fn with_items<T>(vm: &mut Vm, o: Oid, f: impl FnOnce(&mut Vec<Val>) -> T) -> Option<T> {
    match &mut vm.heap.get_mut(o).kind {
        Kind::Array(v) => Some(f(v)),
        _ => None,
    }
}

fn len_of(vm: &Vm, o: Oid) -> usize {
    match &vm.heap.get(o).kind {
        Kind::Array(v) => v.len(),
        _ => 0,
    }
}

fn elem(vm: &Vm, o: Oid, i: usize) -> Option<Val> {
    match &vm.heap.get(o).kind {
        Kind::Array(v) => match v.get(i) {
            Some(Val::Empty) | None => None,
            Some(x) => Some(x.clone()),
        },
        _ => None,
    }
}

fn not_fn(vm: &mut Vm, ctx: &mut Ctx, f: &Val) -> Val {
    let s = vm.inspect_short(ctx, f);
    vm.error(ErrKind::Type, &format!("{s} is not a function"))
}

fn array_ctor(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    if c.args.len() == 1 {
        if let Val::Num(n) = c.arg(0) {
            if n < 0.0 || n.fract() != 0.0 || n > 4294967295.0 {
                return Err(vm.error(ErrKind::Range, "Invalid array length"));
            }
            if n > 50_000_000.0 {
                return Err(vm.fatal("arrays longer than 50000000 elements are not simulated"));
            }
            return Ok(vm.new_array(vec![Val::Empty; n as usize]));
        }
    }
    let _ = ctx;
    Ok(vm.new_array(c.args.clone()))
}

fn is_array(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(Val::Bool(vm.is_array(&c.arg(0))))
}

fn from(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let src = c.arg(0);
    let f = c.arg(1);
    let items = match &src {
        Val::Undef | Val::Null => {
            let s = vm.prim_str(&src);
            return Err(vm.error(ErrKind::Type, &format!("{s} is not iterable (cannot read property Symbol(Symbol.iterator))")));
        }
        Val::Str(_) => vm.iterate_to_vec(ctx, &src)?,
        Val::Obj(o) => {
            let has_iter = vm.has_property(*o, &Key::Sym(super::super::object::SYM_ITERATOR));
            if has_iter {
                vm.iterate_to_vec(ctx, &src)?
            } else {
                array_like(vm, ctx, &src)?
            }
        }
        _ => Vec::new(),
    };
    if matches!(f, Val::Undef) {
        return Ok(vm.new_array(items));
    }
    if !vm.is_callable(&f) {
        return Err(not_fn(vm, ctx, &f));
    }
    let mut out = Vec::with_capacity(items.len());
    for (i, v) in items.into_iter().enumerate() {
        out.push(vm.call(ctx, &f, Val::Undef, vec![v, Val::Num(i as f64)])?);
    }
    Ok(vm.new_array(out))
}

fn of(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(vm.new_array(c.args.clone()))
}

fn push(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let o = this_array(vm, c, "push")?;
    if !vm.heap.get(o).extensible {
        return Err(vm.error(ErrKind::Type, &format!("Cannot add property {}, object is not extensible", len_of(vm, o))));
    }
    let args = std::mem::take(&mut c.args);
    let n = with_items(vm, o, |v| {
        v.extend(args);
        v.len()
    });
    Ok(Val::Num(n.unwrap_or(0) as f64))
}

fn pop(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let o = this_array(vm, c, "pop")?;
    Ok(with_items(vm, o, |v| v.pop()).flatten().map(|x| if let Val::Empty = x { Val::Undef } else { x }).unwrap_or(Val::Undef))
}

fn shift(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let o = this_array(vm, c, "shift")?;
    Ok(with_items(vm, o, |v| if v.is_empty() { None } else { Some(v.remove(0)) }).flatten().map(|x| if let Val::Empty = x { Val::Undef } else { x }).unwrap_or(Val::Undef))
}

fn unshift(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let o = this_array(vm, c, "unshift")?;
    let args = std::mem::take(&mut c.args);
    let n = with_items(vm, o, |v| {
        v.splice(0..0, args);
        v.len()
    });
    Ok(Val::Num(n.unwrap_or(0) as f64))
}

fn slice(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let this = c.this.clone();
    let items = items_of(vm, ctx, &this)?;
    let len = items.len();
    let s = rel_index(vm, ctx, &c.arg(0), len, 0)?;
    let e = rel_index(vm, ctx, &c.arg(1), len, len)?;
    let out = if s < e { items[s..e].to_vec() } else { Vec::new() };
    Ok(vm.new_array(out))
}

fn splice(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let o = this_array(vm, c, "splice")?;
    let len = len_of(vm, o);
    let start = rel_index(vm, ctx, &c.arg(0), len, 0)?;
    let count = if c.args.is_empty() {
        0
    } else if c.args.len() == 1 {
        len - start
    } else {
        let n = to_int(vm, ctx, &c.arg(1))?;
        (n.max(0.0) as usize).min(len - start)
    };
    let insert: Vec<Val> = c.args.iter().skip(2).cloned().collect();
    let removed = with_items(vm, o, |v| v.splice(start..start + count, insert).collect::<Vec<_>>()).unwrap_or_default();
    Ok(vm.new_array(removed))
}

fn concat(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let this = c.this.clone();
    let mut out = items_of(vm, ctx, &this)?;
    for a in c.args.clone() {
        match vm.array_items(&a) {
            Some(items) if vm.is_array(&a) => out.extend(items),
            _ => out.push(a),
        }
    }
    Ok(vm.new_array(out))
}

/// `join`, guarding against arrays that contain themselves.
pub fn join_items(vm: &mut Vm, ctx: &mut Ctx, this: &Val, sep: &str) -> Result<String, Val> {
    if let Val::Obj(o) = this {
        if vm.join_stack.contains(o) {
            return Ok(String::new());
        }
        vm.join_stack.push(*o);
    }
    let r = (|| {
        let items = items_of(vm, ctx, this)?;
        let mut s = String::new();
        for (i, v) in items.iter().enumerate() {
            if i > 0 {
                s.push_str(sep);
            }
            match v {
                Val::Undef | Val::Null | Val::Empty => {}
                other => s.push_str(&vm.to_str(ctx, other)?),
            }
        }
        Ok(s)
    })();
    if let Val::Obj(_) = this {
        vm.join_stack.pop();
    }
    r
}

fn join(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let sep = match c.arg(0) {
        Val::Undef => ",".into(),
        v => vm.to_str(ctx, &v)?,
    };
    let this = c.this.clone();
    Ok(Val::Str(join_items(vm, ctx, &this, &sep)?.into()))
}

fn to_string(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let this = c.this.clone();
    if !vm.is_array(&this) {
        return super::object::object_to_string(vm, ctx, c);
    }
    Ok(Val::Str(join_items(vm, ctx, &this, ",")?.into()))
}

fn reverse(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let o = this_array(vm, c, "reverse")?;
    with_items(vm, o, |v| v.reverse());
    Ok(c.this.clone())
}

fn index_of(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let this = c.this.clone();
    let items = items_of(vm, ctx, &this)?;
    let target = c.arg(0);
    let from = rel_index(vm, ctx, &c.arg(1), items.len(), 0)?;
    for (i, v) in items.iter().enumerate().skip(from) {
        if vm.strict_eq(v, &target) && !matches!(v, Val::Empty) {
            return Ok(Val::Num(i as f64));
        }
    }
    Ok(Val::Num(-1.0))
}

fn last_index_of(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let this = c.this.clone();
    let items = items_of(vm, ctx, &this)?;
    let target = c.arg(0);
    for (i, v) in items.iter().enumerate().rev() {
        if vm.strict_eq(v, &target) && !matches!(v, Val::Empty) {
            return Ok(Val::Num(i as f64));
        }
    }
    Ok(Val::Num(-1.0))
}

fn includes(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let this = c.this.clone();
    let items = items_of(vm, ctx, &this)?;
    let target = c.arg(0);
    let from = rel_index(vm, ctx, &c.arg(1), items.len(), 0)?;
    Ok(Val::Bool(items.iter().skip(from).any(|v| {
        let v = if let Val::Empty = v { &Val::Undef } else { v };
        vm.same_value_zero(v, &target)
    })))
}

/// Calls `f(element, index, array)` for each present element; `visit` decides what to do.
fn each(vm: &mut Vm, ctx: &mut Ctx, c: &Call, skip_holes: bool, mut visit: impl FnMut(&mut Vm, usize, Val, Val) -> Option<Val>) -> Result<Option<Val>, Val> {
    let f = c.arg(0);
    if !vm.is_callable(&f) {
        return Err(not_fn(vm, ctx, &f));
    }
    let this_arg = c.arg(1);
    let this = c.this.clone();
    let (o, snapshot) = match &this {
        Val::Obj(o) if matches!(vm.heap.get(*o).kind, Kind::Array(_)) => (Some(*o), None),
        _ => (None, Some(items_of(vm, ctx, &this)?)),
    };
    let len = match (&o, &snapshot) {
        (Some(o), _) => len_of(vm, *o),
        (_, Some(s)) => s.len(),
        _ => 0,
    };
    for i in 0..len {
        let v = match (&o, &snapshot) {
            (Some(o), _) => elem(vm, *o, i),
            (_, Some(s)) => s.get(i).cloned(),
            _ => None,
        };
        let v = match v {
            Some(v) => v,
            None if skip_holes => continue,
            None => Val::Undef,
        };
        let r = vm.call(ctx, &f, this_arg.clone(), vec![v.clone(), Val::Num(i as f64), this.clone()])?;
        if let Some(stop) = visit(vm, i, v, r) {
            return Ok(Some(stop));
        }
    }
    Ok(None)
}

fn for_each(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    each(vm, ctx, c, true, |_, _, _, _| None)?;
    Ok(Val::Undef)
}

fn map(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let len = match vm.array_items(&c.this) {
        Some(v) => v.len(),
        None => 0,
    };
    let mut out = vec![Val::Empty; len];
    each(vm, ctx, c, true, |_, i, _, r| {
        if i >= out.len() {
            out.resize(i + 1, Val::Empty);
        }
        out[i] = r;
        None
    })?;
    Ok(vm.new_array(out))
}

fn filter(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let mut out = Vec::new();
    each(vm, ctx, c, true, |vm, _, v, r| {
        if vm.truthy(&r) {
            out.push(v);
        }
        None
    })?;
    Ok(vm.new_array(out))
}

fn find(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(each(vm, ctx, c, false, |vm, _, v, r| if vm.truthy(&r) { Some(v) } else { None })?.unwrap_or(Val::Undef))
}

fn find_index(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(each(vm, ctx, c, false, |vm, i, _, r| if vm.truthy(&r) { Some(Val::Num(i as f64)) } else { None })?.unwrap_or(Val::Num(-1.0)))
}

fn find_last_common(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call, want_index: bool) -> Res {
    let f = c.arg(0);
    if !vm.is_callable(&f) {
        return Err(not_fn(vm, ctx, &f));
    }
    let this = c.this.clone();
    let items = items_of(vm, ctx, &this)?;
    for i in (0..items.len()).rev() {
        let v = if let Val::Empty = items[i] { Val::Undef } else { items[i].clone() };
        let r = vm.call(ctx, &f, c.arg(1), vec![v.clone(), Val::Num(i as f64), this.clone()])?;
        if vm.truthy(&r) {
            return Ok(if want_index { Val::Num(i as f64) } else { v });
        }
    }
    Ok(if want_index { Val::Num(-1.0) } else { Val::Undef })
}

fn find_last(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    find_last_common(vm, ctx, c, false)
}

fn find_last_index(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    find_last_common(vm, ctx, c, true)
}

fn some(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(Val::Bool(each(vm, ctx, c, true, |vm, _, _, r| if vm.truthy(&r) { Some(Val::Bool(true)) } else { None })?.is_some()))
}

fn every(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(Val::Bool(each(vm, ctx, c, true, |vm, _, _, r| if !vm.truthy(&r) { Some(Val::Bool(false)) } else { None })?.is_none()))
}

fn reduce_common(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call, right: bool) -> Res {
    let f = c.arg(0);
    if !vm.is_callable(&f) {
        return Err(not_fn(vm, ctx, &f));
    }
    let this = c.this.clone();
    let items = items_of(vm, ctx, &this)?;
    let mut idx: Vec<usize> = (0..items.len()).filter(|i| !matches!(items[*i], Val::Empty)).collect();
    if right {
        idx.reverse();
    }
    let mut it = idx.into_iter();
    let mut acc = if c.args.len() >= 2 {
        c.arg(1)
    } else {
        match it.next() {
            Some(i) => items[i].clone(),
            None => return Err(vm.error(ErrKind::Type, "Reduce of empty array with no initial value")),
        }
    };
    for i in it {
        let cur = match &this {
            Val::Obj(o) if vm.is_array(&this) => elem(vm, *o, i).unwrap_or(Val::Undef),
            _ => items[i].clone(),
        };
        acc = vm.call(ctx, &f, Val::Undef, vec![acc, cur, Val::Num(i as f64), this.clone()])?;
    }
    Ok(acc)
}

fn reduce(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    reduce_common(vm, ctx, c, false)
}

fn reduce_right(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    reduce_common(vm, ctx, c, true)
}

/// A stable merge sort whose comparison may call JavaScript.
fn merge_sort(vm: &mut Vm, ctx: &mut Ctx, v: &mut Vec<Val>, cmp: &mut dyn FnMut(&mut Vm, &mut Ctx, &Val, &Val) -> Result<bool, Val>) -> Result<(), Val> {
    let n = v.len();
    if n < 2 {
        return Ok(());
    }
    let mut buf = v.clone();
    let mut width = 1;
    while width < n {
        let mut i = 0;
        while i < n {
            let mid = (i + width).min(n);
            let hi = (i + 2 * width).min(n);
            let (mut a, mut b, mut k) = (i, mid, i);
            while a < mid && b < hi {
                // Take from the right only if it is strictly less (stability).
                if cmp(vm, ctx, &v[b], &v[a])? {
                    buf[k] = v[b].clone();
                    b += 1;
                } else {
                    buf[k] = v[a].clone();
                    a += 1;
                }
                k += 1;
            }
            while a < mid {
                buf[k] = v[a].clone();
                a += 1;
                k += 1;
            }
            while b < hi {
                buf[k] = v[b].clone();
                b += 1;
                k += 1;
            }
            i += 2 * width;
        }
        std::mem::swap(v, &mut buf);
        width *= 2;
    }
    Ok(())
}

pub fn sort_values(vm: &mut Vm, ctx: &mut Ctx, items: Vec<Val>, f: &Val) -> Result<Vec<Val>, Val> {
    let mut vals: Vec<Val> = Vec::new();
    let mut undefs = 0;
    let mut holes = 0;
    for v in items {
        match v {
            Val::Empty => holes += 1,
            Val::Undef => undefs += 1,
            other => vals.push(other),
        }
    }
    if matches!(f, Val::Undef) {
        let mut keyed = Vec::with_capacity(vals.len());
        for v in vals {
            let s = vm.to_str(ctx, &v)?;
            keyed.push((s.encode_utf16().collect::<Vec<u16>>(), v));
        }
        let mut idx: Vec<usize> = (0..keyed.len()).collect();
        crate::text::sort_by(&mut idx, &|a, b| keyed[*a].0.cmp(&keyed[*b].0));
        vals = idx.into_iter().map(|i| keyed[i].1.clone()).collect();
    } else {
        let f = f.clone();
        merge_sort(vm, ctx, &mut vals, &mut |vm, ctx, a, b| {
            let r = vm.call(ctx, &f, Val::Undef, vec![a.clone(), b.clone()])?;
            let n = vm.to_number(ctx, &r)?;
            Ok(n < 0.0)
        })?;
    }
    vals.extend(std::iter::repeat_n(Val::Undef, undefs));
    vals.extend(std::iter::repeat_n(Val::Empty, holes));
    Ok(vals)
}

fn sort(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let f = c.arg(0);
    if !matches!(f, Val::Undef) && !vm.is_callable(&f) {
        return Err(vm.error(ErrKind::Type, "The comparison function must be either a function or undefined"));
    }
    let o = this_array(vm, c, "sort")?;
    let items = vm.array_items(&Val::Obj(o)).unwrap_or_default();
    let sorted = sort_values(vm, ctx, items, &f)?;
    with_items(vm, o, |v| *v = sorted);
    Ok(c.this.clone())
}

fn flatten(vm: &mut Vm, items: Vec<Val>, depth: f64, out: &mut Vec<Val>, guard: u32) {
    for v in items {
        if let Val::Empty = v {
            continue;
        }
        if depth >= 1.0 && vm.is_array(&v) && guard < 1000 {
            let inner = vm.array_items(&v).unwrap_or_default();
            flatten(vm, inner, depth - 1.0, out, guard + 1);
        } else {
            out.push(v);
        }
    }
}

fn flat(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let depth = match c.arg(0) {
        Val::Undef => 1.0,
        v => to_int(vm, ctx, &v)?,
    };
    let this = c.this.clone();
    let items = items_of(vm, ctx, &this)?;
    let mut out = Vec::new();
    flatten(vm, items, depth, &mut out, 0);
    Ok(vm.new_array(out))
}

fn flat_map(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let mut out = Vec::new();
    each(vm, ctx, c, true, |vm, _, _, r| {
        if vm.is_array(&r) {
            out.extend(vm.array_items(&r).unwrap_or_default().into_iter().filter(|x| !matches!(x, Val::Empty)));
        } else {
            out.push(r);
        }
        None
    })?;
    Ok(vm.new_array(out))
}

fn fill(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let o = this_array(vm, c, "fill")?;
    let len = len_of(vm, o);
    let s = rel_index(vm, ctx, &c.arg(1), len, 0)?;
    let e = rel_index(vm, ctx, &c.arg(2), len, len)?;
    let v = c.arg(0);
    with_items(vm, o, |items| {
        for x in items.iter_mut().take(e).skip(s) {
            *x = v.clone();
        }
    });
    Ok(c.this.clone())
}

fn at(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let this = c.this.clone();
    let items = items_of(vm, ctx, &this)?;
    let n = to_int(vm, ctx, &c.arg(0))?;
    let i = if n < 0.0 { items.len() as f64 + n } else { n };
    if i < 0.0 || i >= items.len() as f64 {
        return Ok(Val::Undef);
    }
    Ok(match &items[i as usize] {
        Val::Empty => Val::Undef,
        v => v.clone(),
    })
}

fn iter_of(vm: &mut Vm, c: &Call, mode: u8) -> Res {
    let p = vm.realm.array_iter_proto;
    Ok(Val::Obj(vm.heap.alloc(Obj::new(Some(p), Kind::Iter(Box::new(IterKind::Array(c.this.clone(), 0, mode)))))))
}

fn values(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    iter_of(vm, c, 0)
}
fn keys(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    iter_of(vm, c, 1)
}
fn entries(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    iter_of(vm, c, 2)
}

fn to_reversed(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let this = c.this.clone();
    let mut items = items_of(vm, ctx, &this)?;
    items.reverse();
    Ok(vm.new_array(items))
}

fn to_sorted(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let this = c.this.clone();
    let items = items_of(vm, ctx, &this)?;
    let f = c.arg(0);
    let sorted = sort_values(vm, ctx, items, &f)?;
    Ok(vm.new_array(sorted))
}

pub fn install(vm: &mut Vm) {
    let proto = vm.realm.array_proto;
    let ctor = vm.native("Array", 1, array_ctor);
    vm.hide(ctor);
    vm.realm.array_ctor = ctor;
    link_ctor(vm, ctor, proto);
    methods(vm, ctor, &[("isArray", 1, is_array), ("from", 1, from), ("of", 0, of)]);
    methods(
        vm,
        proto,
        &[
            ("push", 1, push),
            ("pop", 0, pop),
            ("shift", 0, shift),
            ("unshift", 1, unshift),
            ("slice", 2, slice),
            ("splice", 2, splice),
            ("concat", 1, concat),
            ("join", 1, join),
            ("toString", 0, to_string),
            ("reverse", 0, reverse),
            ("indexOf", 1, index_of),
            ("lastIndexOf", 1, last_index_of),
            ("includes", 1, includes),
            ("forEach", 1, for_each),
            ("map", 1, map),
            ("filter", 1, filter),
            ("find", 1, find),
            ("findIndex", 1, find_index),
            ("findLast", 1, find_last),
            ("findLastIndex", 1, find_last_index),
            ("some", 1, some),
            ("every", 1, every),
            ("reduce", 1, reduce),
            ("reduceRight", 1, reduce_right),
            ("sort", 1, sort),
            ("flat", 0, flat),
            ("flatMap", 1, flat_map),
            ("fill", 1, fill),
            ("at", 1, at),
            ("keys", 0, keys),
            ("entries", 0, entries),
            ("toReversed", 0, to_reversed),
            ("toSorted", 1, to_sorted),
        ],
    );
    let v = vm.native("values", 0, values);
    vm.heap.get_mut(proto).props.insert(Key::s("values"), Slot::V(Val::Obj(v)), HIDDEN);
    vm.heap.get_mut(proto).props.insert(Key::Sym(super::super::object::SYM_ITERATOR), Slot::V(Val::Obj(v)), HIDDEN);
    global(vm, "Array", Val::Obj(ctor));
}

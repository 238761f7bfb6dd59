//! Operations on values: truth, hashing, equality and ordering, arithmetic, attributes,
//! subscripts, iteration, calls with CPython's argument binding, and classes.

use std::cmp::Ordering;
use std::rc::Rc;

use super::ast::{BinOp, CmpOp, UnOp};
use super::bigint::BigInt;
use super::vm::{exc, Called, Flow, FrameRet, PyResult, Vm};
use super::value::*;
use crate::proc::program::Ctx;

/// The most elements a list, string or repetition may have before `MemoryError`.
pub const MAX_LEN: usize = 5_000_000;

/// An int result, small or big.
pub fn int_of_big(b: BigInt) -> Value {
    match b.to_i64() {
        Some(i) => Value::Int(i),
        None => Value::Big(Rc::new(b)),
    }
}

fn big(v: &Value) -> Option<BigInt> {
    match v {
        Value::Int(i) => Some(BigInt::from_i64(*i)),
        Value::Bool(b) => Some(BigInt::from_i64(*b as i64)),
        Value::Big(b) => Some((**b).clone()),
        _ => None,
    }
}

/// A number as f64 (ints, bools, floats).
pub fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Bool(b) => Some(*b as i64 as f64),
        Value::Float(f) => Some(*f),
        Value::Big(b) => Some(b.to_f64()),
        _ => None,
    }
}

pub fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        Value::Bool(b) => Some(*b as i64),
        _ => None,
    }
}

fn is_intlike(v: &Value) -> bool {
    matches!(v, Value::Int(_) | Value::Bool(_) | Value::Big(_))
}

fn floor_div(a: i64, b: i64) -> i64 {
    let q = a.wrapping_div(b);
    if (a % b != 0) && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    }
}

fn py_mod(a: i64, b: i64) -> i64 {
    let r = a.wrapping_rem(b);
    if r != 0 && ((r < 0) != (b < 0)) {
        r + b
    } else {
        r
    }
}

pub fn float_mod(a: f64, b: f64) -> f64 {
    let mut m = a % b;
    if m != 0.0 {
        if (b < 0.0) != (m < 0.0) {
            m += b;
        }
    } else {
        m = 0.0f64.copysign(b);
    }
    m
}

impl Vm {
    pub fn type_name(&self, v: &Value) -> String {
        match v {
            Value::None => "NoneType".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) | Value::Big(_) => "int".into(),
            Value::Float(_) => "float".into(),
            Value::Str(_) => "str".into(),
            Value::Bytes(_) => "bytes".into(),
            Value::Type(_) => "type".into(),
            Value::Builtin(_) => "builtin_function_or_method".into(),
            Value::Code(_) => "code".into(),
            Value::Ellipsis => "ellipsis".into(),
            Value::NotImplemented => "NotImplementedType".into(),
            Value::Undef => "NoneType".into(),
            Value::Obj(i) => match self.heap.get(*i) {
                Obj::Inst(inst) => match self.heap.get(inst.class) {
                    Obj::Class(c) => c.name.to_string(),
                    _ => "object".into(),
                },
                Obj::Iter(it) => match it {
                    Iter::Seq(s, _) => match self.obj(s) {
                        Some(Obj::Tuple(_)) => "tuple_iterator".into(),
                        _ => "list_iterator".into(),
                    },
                    Iter::Range(..) => "range_iterator".into(),
                    Iter::Chars(..) => "str_ascii_iterator".into(),
                    Iter::Enumerate(..) => "enumerate".into(),
                    Iter::Zip(_) => "zip".into(),
                    Iter::Map(..) => "map".into(),
                    Iter::Filter(..) => "filter".into(),
                    Iter::Reversed(..) => "list_reverseiterator".into(),
                    Iter::DictKeys(..) => "dict_keyiterator".into(),
                    _ => "iterator".into(),
                },
                o => o.ty().name().into(),
            },
        }
    }

    /// `type(v)`.
    pub fn type_of(&self, v: &Value) -> Value {
        match v {
            Value::None | Value::Undef => Value::Type(Ty::NoneType),
            Value::Bool(_) => Value::Type(Ty::Bool),
            Value::Int(_) | Value::Big(_) => Value::Type(Ty::Int),
            Value::Float(_) => Value::Type(Ty::Float),
            Value::Str(_) => Value::Type(Ty::Str),
            Value::Bytes(_) => Value::Type(Ty::Bytes),
            Value::Type(_) => Value::Type(Ty::Type),
            Value::Builtin(_) => Value::Type(Ty::BuiltinFunction),
            Value::Code(_) => Value::Type(Ty::Code),
            Value::Ellipsis => Value::Type(Ty::Ellipsis),
            Value::NotImplemented => Value::Type(Ty::NotImplemented),
            Value::Obj(i) => match self.heap.get(*i) {
                Obj::Inst(inst) => Value::Obj(inst.class),
                o => Value::Type(o.ty()),
            },
        }
    }

    /// The builtin type a value is (or derives from, for instances of builtin subclasses).
    pub fn base_ty(&self, v: &Value) -> Ty {
        match self.type_of(v) {
            Value::Type(t) => t,
            _ => Ty::Object,
        }
    }

    pub fn truthy(&mut self, ctx: &mut Ctx, v: &Value) -> PyResult<bool> {
        Ok(match v {
            Value::None | Value::Undef => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Big(b) => !b.is_zero(),
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::Obj(i) => match self.heap.get(*i) {
                Obj::List(l) | Obj::Tuple(l) => !l.is_empty(),
                Obj::Dict(d) | Obj::Set(d) | Obj::FrozenSet(d) => !d.is_empty(),
                Obj::Range(a, b, s) => range_len(*a, *b, *s) > 0,
                Obj::Inst(_) => {
                    if let Some(f) = self.special(v, "__bool__") {
                        let r = self.call_sync(ctx, f, vec![v.clone()], Vec::new())?;
                        match r {
                            Value::Bool(b) => b,
                            other => {
                                let t = self.type_name(&other);
                                return Err(self.type_error(format!(
                                    "__bool__ should return bool, returned {t}"
                                )));
                            }
                        }
                    } else if let Some(f) = self.special(v, "__len__") {
                        let r = self.call_sync(ctx, f, vec![v.clone()], Vec::new())?;
                        as_int(&r).unwrap_or(0) != 0
                    } else {
                        true
                    }
                }
                _ => true,
            },
            _ => true,
        })
    }

    /// The dict/set key of a value, or `TypeError: unhashable type`.
    pub fn key(&mut self, v: &Value) -> PyResult<Key> {
        Ok(match v {
            Value::None => Key::None,
            Value::Bool(b) => Key::Int(*b as i64),
            Value::Int(i) => Key::Int(*i),
            Value::Big(b) => Key::Big(b.to_string()),
            Value::Float(f) => {
                if f.fract() == 0.0 && f.abs() < 9.2e18 {
                    Key::Int(*f as i64)
                } else {
                    Key::Float(f.to_bits())
                }
            }
            Value::Str(s) => Key::Str(s.clone()),
            Value::Bytes(b) => Key::Bytes(b.clone()),
            Value::Type(t) => Key::Type(*t),
            Value::Builtin(b) => Key::Builtin(b.clone()),
            Value::Ellipsis => Key::Other(1),
            Value::NotImplemented => Key::Other(2),
            Value::Code(_) | Value::Undef => Key::Other(3),
            Value::Obj(i) => match self.heap.get(*i) {
                Obj::Tuple(items) => {
                    let items = items.clone();
                    let mut ks = Vec::with_capacity(items.len());
                    for x in &items {
                        ks.push(self.key(x)?);
                    }
                    Key::Tuple(ks)
                }
                Obj::FrozenSet(d) => {
                    let mut ks: Vec<String> = d.keys().map(|k| format!("{k:?}")).collect();
                    ks.sort();
                    Key::Big(ks.join(","))
                }
                Obj::List(_) | Obj::Dict(_) | Obj::Set(_) => {
                    let t = self.type_name(v);
                    return Err(self.type_error(format!("unhashable type: '{t}'")));
                }
                Obj::Inst(inst) => {
                    let cls = inst.class;
                    if self.class_lookup(cls, "__eq__").is_some() && self.class_lookup(cls, "__hash__").is_none() {
                        let t = self.type_name(v);
                        return Err(self.type_error(format!("unhashable type: '{t}'")));
                    }
                    Key::Obj(*i)
                }
                _ => Key::Obj(*i),
            },
        })
    }

    /// `a == b`.
    pub fn eq(&mut self, ctx: &mut Ctx, a: &Value, b: &Value) -> PyResult<bool> {
        if let (Some(x), Some(y)) = (as_int(a), as_int(b)) {
            return Ok(x == y);
        }
        match (a, b) {
            (Value::Str(x), Value::Str(y)) => return Ok(x == y),
            (Value::None, Value::None) => return Ok(true),
            (Value::Float(_) | Value::Int(_) | Value::Bool(_) | Value::Big(_), Value::Float(_) | Value::Int(_) | Value::Bool(_) | Value::Big(_)) => {
                if let (Some(x), Some(y)) = (big(a), big(b)) {
                    return Ok(x.cmp(&y) == Ordering::Equal);
                }
                return Ok(as_f64(a) == as_f64(b));
            }
            (Value::Bytes(x), Value::Bytes(y)) => return Ok(x == y),
            (Value::Type(x), Value::Type(y)) => return Ok(x == y),
            _ => {}
        }
        if let (Value::Obj(x), Value::Obj(y)) = (a, b) {
            if x == y && !matches!(self.heap.get(*x), Obj::Inst(_)) {
                return Ok(true);
            }
            match (self.heap.get(*x), self.heap.get(*y)) {
                (Obj::List(p), Obj::List(q)) | (Obj::Tuple(p), Obj::Tuple(q)) => {
                    if p.len() != q.len() {
                        return Ok(false);
                    }
                    let (p, q) = (p.clone(), q.clone());
                    for (u, w) in p.iter().zip(q.iter()) {
                        if !self.eq(ctx, u, w)? {
                            return Ok(false);
                        }
                    }
                    return Ok(true);
                }
                (Obj::Dict(p), Obj::Dict(q)) => {
                    if p.len() != q.len() {
                        return Ok(false);
                    }
                    let p = p.entries.clone();
                    for (k, v) in p {
                        let key = self.key(&k)?;
                        let other = match self.heap.get(*y) {
                            Obj::Dict(q) => q.get(&key).cloned(),
                            _ => None,
                        };
                        match other {
                            Some(w) => {
                                if !self.eq(ctx, &v, &w)? {
                                    return Ok(false);
                                }
                            }
                            None => return Ok(false),
                        }
                    }
                    return Ok(true);
                }
                (Obj::Set(p) | Obj::FrozenSet(p), Obj::Set(q) | Obj::FrozenSet(q)) => {
                    if p.len() != q.len() {
                        return Ok(false);
                    }
                    let (pk, q) = (p.entries.clone(), q.clone());
                    let keys: Vec<Key> = pk.iter().filter_map(|(k, _)| self.key_quiet(k)).collect();
                    return Ok(keys.iter().all(|k| q.contains(k)));
                }
                (Obj::Range(a1, b1, s1), Obj::Range(a2, b2, s2)) => {
                    return Ok((a1, b1, s1) == (a2, b2, s2));
                }
                _ => {}
            }
        }
        for (l, r) in [(a, b), (b, a)] {
            if let Value::Obj(_) = l {
                if matches!(self.obj(l), Some(Obj::Inst(_))) {
                    if let Some(f) = self.special(l, "__eq__") {
                        let res = self.call_sync(ctx, f, vec![l.clone(), r.clone()], Vec::new())?;
                        if !matches!(res, Value::NotImplemented) {
                            return self.truthy(ctx, &res);
                        }
                    } else if let Some(inner) = self.inst_inner(l) {
                        return self.eq(ctx, &inner, r);
                    }
                }
            }
        }
        Ok(a.same(b))
    }

    pub fn key_quiet(&mut self, v: &Value) -> Option<Key> {
        self.key(v).ok()
    }

    pub fn inst_inner(&self, v: &Value) -> Option<Value> {
        match self.obj(v) {
            Some(Obj::Inst(i)) => i.inner.clone(),
            _ => None,
        }
    }

    /// Orders two values for `<` and sorting; `None` when they cannot be compared.
    pub fn order(&mut self, ctx: &mut Ctx, a: &Value, b: &Value) -> PyResult<Option<Ordering>> {
        if let (Some(x), Some(y)) = (as_int(a), as_int(b)) {
            return Ok(Some(x.cmp(&y)));
        }
        match (a, b) {
            (Value::Str(x), Value::Str(y)) => return Ok(Some(x.cmp(y))),
            (Value::Bytes(x), Value::Bytes(y)) => return Ok(Some(x.cmp(y))),
            _ => {}
        }
        if let (Some(x), Some(y)) = (big(a), big(b)) {
            return Ok(Some(x.cmp(&y)));
        }
        if let (Some(x), Some(y)) = (as_f64(a), as_f64(b)) {
            return Ok(x.partial_cmp(&y));
        }
        if let (Value::Obj(x), Value::Obj(y)) = (a, b) {
            let pair = match (self.heap.get(*x), self.heap.get(*y)) {
                (Obj::List(p), Obj::List(q)) | (Obj::Tuple(p), Obj::Tuple(q)) => Some((p.clone(), q.clone())),
                _ => None,
            };
            if let Some((p, q)) = pair {
                for (u, w) in p.iter().zip(q.iter()) {
                    if !self.eq(ctx, u, w)? {
                        return self.order(ctx, u, w);
                    }
                }
                return Ok(Some(p.len().cmp(&q.len())));
            }
        }
        Ok(None)
    }

    fn rich_compare(&mut self, ctx: &mut Ctx, op: CmpOp, a: &Value, b: &Value) -> PyResult<bool> {
        let (name, rname) = match op {
            CmpOp::Lt => ("__lt__", "__gt__"),
            CmpOp::Le => ("__le__", "__ge__"),
            CmpOp::Gt => ("__gt__", "__lt__"),
            _ => ("__ge__", "__le__"),
        };
        for (l, r, n) in [(a, b, name), (b, a, rname)] {
            if matches!(self.obj(l), Some(Obj::Inst(_))) {
                if let Some(f) = self.special(l, n) {
                    let res = self.call_sync(ctx, f, vec![l.clone(), r.clone()], Vec::new())?;
                    if !matches!(res, Value::NotImplemented) {
                        return self.truthy(ctx, &res);
                    }
                }
            }
        }
        // Sets: subset relations.
        if let (Some(Obj::Set(p) | Obj::FrozenSet(p)), Some(Obj::Set(q) | Obj::FrozenSet(q))) = (self.obj(a), self.obj(b)) {
            let sub = p.entries.len() <= q.entries.len() && p.entries.iter().all(|(k, _)| {
                let _ = k;
                true
            });
            let pk: Vec<Value> = p.keys().cloned().collect();
            let qk: Vec<Value> = q.keys().cloned().collect();
            let _ = sub;
            let (pl, ql) = (pk.len(), qk.len());
            let mut p_in_q = true;
            for k in &pk {
                let key = self.key(k)?;
                if let Some(Obj::Set(q) | Obj::FrozenSet(q)) = self.obj(b) {
                    if !q.contains(&key) {
                        p_in_q = false;
                    }
                }
            }
            let mut q_in_p = true;
            for k in &qk {
                let key = self.key(k)?;
                if let Some(Obj::Set(p) | Obj::FrozenSet(p)) = self.obj(a) {
                    if !p.contains(&key) {
                        q_in_p = false;
                    }
                }
            }
            return Ok(match op {
                CmpOp::Le => p_in_q,
                CmpOp::Lt => p_in_q && pl < ql,
                CmpOp::Ge => q_in_p,
                _ => q_in_p && pl > ql,
            });
        }
        let (ia, ib) = (self.inst_inner(a), self.inst_inner(b));
        if ia.is_some() || ib.is_some() {
            let x = ia.unwrap_or_else(|| a.clone());
            let y = ib.unwrap_or_else(|| b.clone());
            return self.rich_compare(ctx, op, &x, &y);
        }
        match self.order(ctx, a, b)? {
            Some(o) => Ok(match op {
                CmpOp::Lt => o == Ordering::Less,
                CmpOp::Le => o != Ordering::Greater,
                CmpOp::Gt => o == Ordering::Greater,
                _ => o != Ordering::Less,
            }),
            None => {
                if as_f64(a).is_some() && as_f64(b).is_some() {
                    return Ok(false); // NaN
                }
                let (ta, tb) = (self.type_name(a), self.type_name(b));
                Err(self.type_error(format!(
                    "'{}' not supported between instances of '{ta}' and '{tb}'",
                    op.symbol()
                )))
            }
        }
    }

    /// `a < b` as used by sorted/min/max.
    pub fn less(&mut self, ctx: &mut Ctx, a: &Value, b: &Value) -> PyResult<bool> {
        self.rich_compare(ctx, CmpOp::Lt, a, b)
    }

    pub fn contains(&mut self, ctx: &mut Ctx, container: &Value, item: &Value) -> PyResult<bool> {
        match container {
            Value::Str(s) => match item {
                Value::Str(x) => return Ok(s.contains(&**x)),
                _ => {
                    let t = self.type_name(item);
                    return Err(self.type_error(format!("'in <string>' requires string as left operand, not {t}")));
                }
            },
            Value::Bytes(s) => {
                if let Value::Bytes(x) = item {
                    return Ok(x.is_empty() || s.windows(x.len()).any(|w| w == &x[..]));
                }
                if let Some(i) = as_int(item) {
                    return Ok(s.contains(&(i as u8)));
                }
            }
            Value::Obj(i) => match self.heap.get(*i) {
                Obj::Dict(d) | Obj::Set(d) | Obj::FrozenSet(d) => {
                    let _ = d;
                    let k = self.key(item)?;
                    if let Obj::Dict(d) | Obj::Set(d) | Obj::FrozenSet(d) = self.heap.get(*i) {
                        return Ok(d.contains(&k));
                    }
                }
                Obj::List(v) | Obj::Tuple(v) => {
                    let v = v.clone();
                    for x in &v {
                        if x.same(item) || self.eq(ctx, x, item)? {
                            return Ok(true);
                        }
                    }
                    return Ok(false);
                }
                Obj::Range(a, b, s) => {
                    let (a, b, s) = (*a, *b, *s);
                    return Ok(match as_int(item) {
                        Some(x) => {
                            let inside = if s > 0 { x >= a && x < b } else { x <= a && x > b };
                            inside && (x - a) % s == 0
                        }
                        None => false,
                    });
                }
                Obj::Inst(_) => {
                    if let Some(f) = self.special(container, "__contains__") {
                        let r = self.call_sync(ctx, f, vec![container.clone(), item.clone()], Vec::new())?;
                        return self.truthy(ctx, &r);
                    }
                    if let Some(inner) = self.inst_inner(container) {
                        return self.contains(ctx, &inner, item);
                    }
                    if self.special(container, "__iter__").is_some() {
                        let items = self.collect(ctx, container)?;
                        for x in &items {
                            if self.eq(ctx, x, item)? {
                                return Ok(true);
                            }
                        }
                        return Ok(false);
                    }
                }
                Obj::View(d, kind) => {
                    let (d, kind) = (*d, *kind);
                    if kind == 0 {
                        return self.contains(ctx, &Value::Obj(d), item);
                    }
                    let items = self.collect(ctx, container)?;
                    for x in &items {
                        if self.eq(ctx, x, item)? {
                            return Ok(true);
                        }
                    }
                    return Ok(false);
                }
                Obj::Iter(_) | Obj::Gen(_) => {
                    loop {
                        match self.next(ctx, container)? {
                            Some(x) => {
                                if self.eq(ctx, &x, item)? {
                                    return Ok(true);
                                }
                            }
                            None => return Ok(false),
                        }
                    }
                }
                _ => {}
            },
            _ => {}
        }
        let t = self.type_name(container);
        Err(self.type_error(format!("argument of type '{t}' is not iterable")))
    }

    pub fn compare(&mut self, ctx: &mut Ctx, op: CmpOp, a: &Value, b: &Value) -> PyResult {
        Ok(Value::Bool(match op {
            CmpOp::Eq => self.eq(ctx, a, b)?,
            CmpOp::Ne => {
                if matches!(self.obj(a), Some(Obj::Inst(_))) {
                    if let Some(f) = self.special(a, "__ne__") {
                        let r = self.call_sync(ctx, f, vec![a.clone(), b.clone()], Vec::new())?;
                        return Ok(Value::Bool(self.truthy(ctx, &r)?));
                    }
                }
                !self.eq(ctx, a, b)?
            }
            CmpOp::Is => a.same(b),
            CmpOp::IsNot => !a.same(b),
            CmpOp::In => self.contains(ctx, b, a)?,
            CmpOp::NotIn => !self.contains(ctx, b, a)?,
            _ => self.rich_compare(ctx, op, a, b)?,
        }))
    }

    // ---------------------------------------------------------------- arithmetic

    pub fn binary(&mut self, ctx: &mut Ctx, op: BinOp, a: &Value, b: &Value, inplace: bool) -> PyResult {
        if let Some(v) = self.num_binary(op, a, b)? {
            return Ok(v);
        }
        // Sequences and containers.
        match (op, a, b) {
            (BinOp::Add, Value::Str(x), Value::Str(y)) => {
                if x.len() + y.len() > MAX_LEN {
                    return Err(self.exc(exc::MEMORY, ""));
                }
                let mut s = String::with_capacity(x.len() + y.len());
                s.push_str(x);
                s.push_str(y);
                return Ok(Value::Str(Rc::from(s)));
            }
            (BinOp::Add, Value::Bytes(x), Value::Bytes(y)) => {
                let mut v = x.to_vec();
                v.extend_from_slice(y);
                return Ok(Value::Bytes(v.into()));
            }
            (BinOp::Mul, Value::Str(s), n) | (BinOp::Mul, n, Value::Str(s)) if as_int(n).is_some() => {
                let k = as_int(n).unwrap_or(0).max(0) as usize;
                if s.len().saturating_mul(k) > MAX_LEN {
                    return Err(self.exc(exc::MEMORY, ""));
                }
                return Ok(Value::Str(Rc::from(s.repeat(k))));
            }
            (BinOp::Mod, Value::Str(s), args) => {
                let s = s.clone();
                return super::format::percent(self, ctx, &s, args).map(|r| Value::Str(Rc::from(r)));
            }
            _ => {}
        }
        if let (Value::Obj(x), Value::Obj(y)) = (a, b) {
            let (x, y) = (*x, *y);
            match (op, self.heap.get(x), self.heap.get(y)) {
                (BinOp::Add, Obj::List(p), Obj::List(q)) => {
                    if p.len() + q.len() > MAX_LEN {
                        return Err(self.exc(exc::MEMORY, ""));
                    }
                    if inplace {
                        let q = q.clone();
                        if let Some(Obj::List(p)) = self.heap.get_mut(x) {
                            p.extend(q);
                        }
                        return Ok(a.clone());
                    }
                    let mut v = p.clone();
                    v.extend(q.iter().cloned());
                    return Ok(self.new_list(v));
                }
                (BinOp::Add, Obj::Tuple(p), Obj::Tuple(q)) => {
                    let mut v = p.clone();
                    v.extend(q.iter().cloned());
                    return Ok(self.new_tuple(v));
                }
                (BinOp::BitOr, Obj::Dict(p), Obj::Dict(q)) if self.version.at_least(9) => {
                    let mut d = p.clone();
                    for (k, v) in q.entries.clone() {
                        let key = self.key(&k)?;
                        d.insert(key, k, v);
                    }
                    if inplace {
                        if let Some(Obj::Dict(p)) = self.heap.get_mut(x) {
                            *p = d;
                        }
                        return Ok(a.clone());
                    }
                    return Ok(self.new_dict(d));
                }
                (BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor, Obj::Set(p) | Obj::FrozenSet(p), Obj::Set(q) | Obj::FrozenSet(q)) => {
                    let frozen = matches!(self.heap.get(x), Obj::FrozenSet(_));
                    let mut out = Dict::default();
                    let (p, q) = (p.clone(), q.clone());
                    let in_q = |vm: &mut Vm, k: &Value| vm.key(k).map(|key| q.contains(&key));
                    match op {
                        BinOp::BitOr => {
                            out = p.clone();
                            for k in q.keys() {
                                let key = self.key(k)?;
                                out.insert(key, k.clone(), Value::None);
                            }
                        }
                        BinOp::BitAnd => {
                            for k in p.keys() {
                                if in_q(self, k)? {
                                    let key = self.key(k)?;
                                    out.insert(key, k.clone(), Value::None);
                                }
                            }
                        }
                        BinOp::Sub => {
                            for k in p.keys() {
                                if !in_q(self, k)? {
                                    let key = self.key(k)?;
                                    out.insert(key, k.clone(), Value::None);
                                }
                            }
                        }
                        _ => {
                            for k in p.keys() {
                                if !in_q(self, k)? {
                                    let key = self.key(k)?;
                                    out.insert(key, k.clone(), Value::None);
                                }
                            }
                            for k in q.keys() {
                                let key = self.key(k)?;
                                if !p.contains(&key) {
                                    out.insert(key, k.clone(), Value::None);
                                }
                            }
                        }
                    }
                    if inplace {
                        if let Some(Obj::Set(p)) = self.heap.get_mut(x) {
                            *p = out;
                        }
                        return Ok(a.clone());
                    }
                    return Ok(self.alloc(if frozen { Obj::FrozenSet(out) } else { Obj::Set(out) }));
                }
                _ => {}
            }
        }
        if op == BinOp::Mul {
            for (seq, n) in [(a, b), (b, a)] {
                if let (Some(Obj::List(v) | Obj::Tuple(v)), Some(k)) = (self.obj(seq), as_int(n)) {
                    let k = k.max(0) as usize;
                    if v.len().saturating_mul(k) > MAX_LEN {
                        return Err(self.exc(exc::MEMORY, ""));
                    }
                    let mut out = Vec::with_capacity(v.len() * k);
                    for _ in 0..k {
                        out.extend(v.iter().cloned());
                    }
                    let is_list = matches!(self.obj(seq), Some(Obj::List(_)));
                    if is_list && inplace && seq.same(a) {
                        if let Some(Obj::List(l)) = self.obj_mut(a) {
                            *l = out;
                        }
                        return Ok(a.clone());
                    }
                    return Ok(if is_list { self.new_list(out) } else { self.new_tuple(out) });
                }
            }
        }
        if inplace && op == BinOp::Add {
            if let (Some(Obj::List(_)), true) = (self.obj(a), self.is_iterable(b)) {
                let items = self.collect(ctx, b)?;
                if let Some(Obj::List(l)) = self.obj_mut(a) {
                    l.extend(items);
                }
                return Ok(a.clone());
            }
        }
        // User classes.
        let names = dunder(op);
        if inplace && matches!(self.obj(a), Some(Obj::Inst(_))) {
            let iname = format!("__i{}", &names.0[2..]);
            if let Some(f) = self.special(a, &iname) {
                let r = self.call_sync(ctx, f, vec![a.clone(), b.clone()], Vec::new())?;
                if !matches!(r, Value::NotImplemented) {
                    return Ok(r);
                }
            }
        }
        if matches!(self.obj(a), Some(Obj::Inst(_))) {
            if let Some(f) = self.special(a, names.0) {
                let r = self.call_sync(ctx, f, vec![a.clone(), b.clone()], Vec::new())?;
                if !matches!(r, Value::NotImplemented) {
                    return Ok(r);
                }
            }
        }
        if matches!(self.obj(b), Some(Obj::Inst(_))) {
            if let Some(f) = self.special(b, names.1) {
                let r = self.call_sync(ctx, f, vec![b.clone(), a.clone()], Vec::new())?;
                if !matches!(r, Value::NotImplemented) {
                    return Ok(r);
                }
            }
        }
        let (ia, ib) = (self.inst_inner(a), self.inst_inner(b));
        if ia.is_some() || ib.is_some() {
            let x = ia.unwrap_or_else(|| a.clone());
            let y = ib.unwrap_or_else(|| b.clone());
            return self.binary(ctx, op, &x, &y, inplace);
        }
        let (ta, tb) = (self.type_name(a), self.type_name(b));
        let sym = if inplace {
            format!("{}=", op.symbol())
        } else {
            op.symbol().to_string()
        };
        let msg = match (op, a) {
            (BinOp::Add, Value::Str(_)) => format!("can only concatenate str (not \"{tb}\") to str"),
            (BinOp::Add, _) if matches!(self.obj(a), Some(Obj::List(_))) && !inplace => {
                format!("can only concatenate list (not \"{tb}\") to list")
            }
            (BinOp::Add, _) if matches!(self.obj(a), Some(Obj::Tuple(_))) => {
                format!("can only concatenate tuple (not \"{tb}\") to tuple")
            }
            (BinOp::Mul, _)
                if matches!(a, Value::Str(_)) || matches!(self.obj(a), Some(Obj::List(_) | Obj::Tuple(_))) =>
            {
                format!("can't multiply sequence by non-int of type '{tb}'")
            }
            (BinOp::Mul, _)
                if matches!(b, Value::Str(_)) || matches!(self.obj(b), Some(Obj::List(_) | Obj::Tuple(_))) =>
            {
                format!("can't multiply sequence by non-int of type '{ta}'")
            }
            _ => format!("unsupported operand type(s) for {sym}: '{ta}' and '{tb}'"),
        };
        Err(self.type_error(msg))
    }

    fn is_iterable(&self, v: &Value) -> bool {
        match v {
            Value::Str(_) | Value::Bytes(_) => true,
            Value::Obj(_) => matches!(
                self.obj(v),
                Some(Obj::List(_) | Obj::Tuple(_) | Obj::Dict(_) | Obj::Set(_) | Obj::FrozenSet(_) | Obj::Range(..) | Obj::Iter(_) | Obj::Gen(_))
            ),
            _ => false,
        }
    }

    /// Arithmetic on numbers; `None` when the operands are not both numbers.
    fn num_binary(&mut self, op: BinOp, a: &Value, b: &Value) -> PyResult<Option<Value>> {
        if !(is_intlike(a) || matches!(a, Value::Float(_))) || !(is_intlike(b) || matches!(b, Value::Float(_))) {
            return Ok(None);
        }
        if let (Some(x), Some(y)) = (as_int(a), as_int(b)) {
            let both_bool = matches!((a, b), (Value::Bool(_), Value::Bool(_)));
            let r = match op {
                BinOp::Add => x.checked_add(y),
                BinOp::Sub => x.checked_sub(y),
                BinOp::Mul => x.checked_mul(y),
                BinOp::FloorDiv | BinOp::Mod => {
                    if y == 0 {
                        let msg = if op == BinOp::Mod {
                            "integer modulo by zero"
                        } else {
                            "integer division or modulo by zero"
                        };
                        return Err(self.exc(exc::ZERO_DIVISION, msg));
                    }
                    if x == i64::MIN && y == -1 {
                        None
                    } else if op == BinOp::Mod {
                        Some(py_mod(x, y))
                    } else {
                        Some(floor_div(x, y))
                    }
                }
                BinOp::Div => {
                    if y == 0 {
                        return Err(self.exc(exc::ZERO_DIVISION, "division by zero"));
                    }
                    return Ok(Some(Value::Float(x as f64 / y as f64)));
                }
                BinOp::Pow => {
                    if y < 0 {
                        if x == 0 {
                            return Err(self.exc(exc::ZERO_DIVISION, "0.0 cannot be raised to a negative power"));
                        }
                        return Ok(Some(Value::Float((x as f64).powf(y as f64))));
                    }
                    match u32::try_from(y).ok().and_then(|e| x.checked_pow(e)) {
                        Some(v) => Some(v),
                        None => match BigInt::from_i64(x).pow(y as u64) {
                            Some(r) => return Ok(Some(int_of_big(r))),
                            None => return Err(self.dockling_error("dockling: python: integers of this size are not simulated")),
                        },
                    }
                }
                BinOp::LShift => {
                    if y < 0 {
                        return Err(self.value_error("negative shift count"));
                    }
                    if y < 63 && (x.abs() < (1i64 << (62 - y))) {
                        Some(x << y)
                    } else {
                        let Some(p) = BigInt::from_i64(2).pow(y as u64) else {
                            return Err(self.dockling_error("dockling: python: integers of this size are not simulated"));
                        };
                        let r = BigInt::from_i64(x).mul(&p);
                        if r.too_big() {
                            return Err(self.dockling_error("dockling: python: integers of this size are not simulated"));
                        }
                        return Ok(Some(int_of_big(r)));
                    }
                }
                BinOp::RShift => {
                    if y < 0 {
                        return Err(self.value_error("negative shift count"));
                    }
                    Some(if y >= 64 { if x < 0 { -1 } else { 0 } } else { x >> y })
                }
                BinOp::BitAnd => {
                    return Ok(Some(if both_bool { Value::Bool(x & y != 0) } else { Value::Int(x & y) }))
                }
                BinOp::BitOr => {
                    return Ok(Some(if both_bool { Value::Bool(x | y != 0) } else { Value::Int(x | y) }))
                }
                BinOp::BitXor => {
                    return Ok(Some(if both_bool { Value::Bool((x ^ y) != 0) } else { Value::Int(x ^ y) }))
                }
                BinOp::MatMul => return Ok(None),
            };
            if let Some(v) = r {
                return Ok(Some(Value::Int(v)));
            }
        }
        if let (Some(x), Some(y)) = (big(a), big(b)) {
            let r = match op {
                BinOp::Add => x.add(&y),
                BinOp::Sub => x.sub(&y),
                BinOp::Mul => x.mul(&y),
                BinOp::FloorDiv | BinOp::Mod => match x.divmod(&y) {
                    Some((q, r)) => {
                        if op == BinOp::Mod {
                            r
                        } else {
                            q
                        }
                    }
                    None => {
                        let msg = if op == BinOp::Mod {
                            "integer modulo by zero"
                        } else {
                            "integer division or modulo by zero"
                        };
                        return Err(self.exc(exc::ZERO_DIVISION, msg));
                    }
                },
                BinOp::Div => {
                    if y.is_zero() {
                        return Err(self.exc(exc::ZERO_DIVISION, "division by zero"));
                    }
                    return Ok(Some(Value::Float(x.to_f64() / y.to_f64())));
                }
                BinOp::Pow => match y.to_i64() {
                    Some(e) if e >= 0 => match x.pow(e as u64) {
                        Some(r) => r,
                        None => return Err(self.dockling_error("dockling: python: integers of this size are not simulated")),
                    },
                    Some(e) => return Ok(Some(Value::Float(x.to_f64().powf(e as f64)))),
                    None => return Err(self.dockling_error("dockling: python: integers of this size are not simulated")),
                },
                _ => return Err(self.unsupported("bitwise operations on integers beyond 64 bits")),
            };
            if r.too_big() {
                return Err(self.dockling_error("dockling: python: integers of this size are not simulated"));
            }
            return Ok(Some(int_of_big(r)));
        }
        let (Some(x), Some(y)) = (as_f64(a), as_f64(b)) else {
            return Ok(None);
        };
        let r = match op {
            BinOp::Add => x + y,
            BinOp::Sub => x - y,
            BinOp::Mul => x * y,
            BinOp::Div => {
                if y == 0.0 {
                    let msg = if self.version.at_least(14) { "division by zero" } else { "float division by zero" };
                    return Err(self.exc(exc::ZERO_DIVISION, msg));
                }
                x / y
            }
            BinOp::FloorDiv => {
                if y == 0.0 {
                    let msg = if self.version.at_least(14) { "division by zero" } else { "float floor division by zero" };
                    return Err(self.exc(exc::ZERO_DIVISION, msg));
                }
                (x / y).floor()
            }
            BinOp::Mod => {
                if y == 0.0 {
                    let msg = if self.version.at_least(14) { "division by zero" } else { "float modulo" };
                    return Err(self.exc(exc::ZERO_DIVISION, msg));
                }
                float_mod(x, y)
            }
            BinOp::Pow => {
                if x == 0.0 && y < 0.0 {
                    return Err(self.exc(exc::ZERO_DIVISION, "0.0 cannot be raised to a negative power"));
                }
                if x < 0.0 && y.fract() != 0.0 {
                    return Err(self.unsupported("complex numbers"));
                }
                let r = x.powf(y);
                if r.is_infinite() && x.is_finite() && y.is_finite() {
                    return Err(self.exc(exc::OVERFLOW, "(34, 'Numerical result out of range')"));
                }
                r
            }
            _ => return Ok(None),
        };
        Ok(Some(Value::Float(r)))
    }

    pub fn unary(&mut self, ctx: &mut Ctx, op: UnOp, a: &Value) -> PyResult {
        match (op, a) {
            (UnOp::Not, _) => return Ok(Value::Bool(!self.truthy(ctx, a)?)),
            (UnOp::Neg, Value::Int(i)) => {
                return Ok(match i.checked_neg() {
                    Some(v) => Value::Int(v),
                    None => int_of_big(BigInt::from_i64(*i).neg()),
                })
            }
            (UnOp::Neg, Value::Bool(b)) => return Ok(Value::Int(-(*b as i64))),
            (UnOp::Neg, Value::Big(b)) => return Ok(int_of_big(b.neg())),
            (UnOp::Neg, Value::Float(f)) => return Ok(Value::Float(-f)),
            (UnOp::Pos, Value::Int(_) | Value::Float(_) | Value::Big(_)) => return Ok(a.clone()),
            (UnOp::Pos, Value::Bool(b)) => return Ok(Value::Int(*b as i64)),
            (UnOp::Invert, Value::Int(i)) => return Ok(Value::Int(!i)),
            (UnOp::Invert, Value::Bool(b)) => return Ok(Value::Int(!(*b as i64))),
            _ => {}
        }
        if matches!(self.obj(a), Some(Obj::Inst(_))) {
            let name = match op {
                UnOp::Neg => "__neg__",
                UnOp::Pos => "__pos__",
                _ => "__invert__",
            };
            if let Some(f) = self.special(a, name) {
                return self.call_sync(ctx, f, vec![a.clone()], Vec::new());
            }
        }
        let sym = match op {
            UnOp::Neg => "-",
            UnOp::Pos => "+",
            _ => "~",
        };
        let t = self.type_name(a);
        Err(self.type_error(format!("bad operand type for unary {sym}: '{t}'")))
    }

    // ---------------------------------------------------------------- attributes

    /// Looks a name up along a class's MRO.
    pub fn class_lookup(&self, cls: u32, name: &str) -> Option<Value> {
        let Obj::Class(c) = self.heap.get(cls) else {
            return None;
        };
        for &k in &c.mro {
            if let Obj::Class(kc) = self.heap.get(k) {
                if let Some(v) = kc.attrs.get(name) {
                    return Some(v.clone());
                }
            }
        }
        None
    }

    /// A special method of a value's type, unbound (called with the value first).
    pub fn special(&self, v: &Value, name: &str) -> Option<Value> {
        match self.obj(v) {
            Some(Obj::Inst(i)) => {
                let f = self.class_lookup(i.class, name)?;
                match self.obj(&f) {
                    Some(Obj::StaticMethod(inner)) => Some(inner.clone()),
                    _ => Some(f),
                }
            }
            Some(Obj::File(_)) if matches!(name, "__enter__" | "__exit__") => {
                Some(Value::Builtin(Rc::from(format!("file.{name}"))))
            }
            _ => None,
        }
    }

    /// An attribute without side effects (for suggestions).
    pub fn lookup_attr_quiet(&self, v: &Value, name: &str) -> Option<Value> {
        match self.obj(v) {
            Some(Obj::Inst(i)) => i.attrs.get(name).cloned().or_else(|| self.class_lookup(i.class, name)),
            Some(Obj::Class(_)) => self.class_lookup(v.as_obj()?, name),
            Some(Obj::Module(m)) => m.attrs.get(name).cloned(),
            _ => None,
        }
    }

    fn bind_descriptor(&mut self, ctx: &mut Ctx, attr: Value, inst: &Value, cls: u32) -> PyResult {
        match self.obj(&attr) {
            Some(Obj::Func(_)) => Ok(self.alloc(Obj::Method(inst.clone(), attr))),
            Some(Obj::StaticMethod(f)) => Ok(f.clone()),
            Some(Obj::ClassMethod(f)) => {
                let f = f.clone();
                Ok(self.alloc(Obj::Method(Value::Obj(cls), f)))
            }
            Some(Obj::Property(get, _)) => {
                let get = get.clone();
                if get.is_none() {
                    return Err(self.exc(exc::ATTRIBUTE, "property has no getter"));
                }
                self.call_sync(ctx, get, vec![inst.clone()], Vec::new())
            }
            _ => Ok(attr),
        }
    }

    pub fn getattr(&mut self, ctx: &mut Ctx, o: &Value, name: &str) -> PyResult {
        match self.getattr_opt(ctx, o, name)? {
            Some(v) => Ok(v),
            None => Err(self.attr_error(o, name)),
        }
    }

    pub fn attr_error(&mut self, o: &Value, name: &str) -> Flow {
        let t = self.type_name(o);
        let mut msg = match self.obj(o) {
            Some(Obj::Module(m)) => format!("module '{}' has no attribute '{name}'", m.name),
            Some(Obj::Class(c)) => format!("type object '{}' has no attribute '{name}'", c.name),
            _ => match o {
                Value::Type(ty) => format!("type object '{}' has no attribute '{name}'", ty.name()),
                _ => format!("'{t}' object has no attribute '{name}'"),
            },
        };
        if self.version.at_least(10) {
            let cands = self.dir_names(o);
            let hide = !name.starts_with('_');
            let cands: Vec<String> = cands.into_iter().filter(|c| !hide || !c.starts_with('_')).collect();
            if let Some(s) = super::traceback::suggest(name, &cands) {
                msg.push_str(&format!(". Did you mean: '{s}'?"));
            }
        }
        self.exc(exc::ATTRIBUTE, msg)
    }

    /// Attribute names of a value (for `dir()` and suggestions), sorted.
    pub fn dir_names(&self, o: &Value) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        match self.obj(o) {
            Some(Obj::Inst(i)) => {
                names.extend(i.attrs.items.iter().map(|(k, _)| k.to_string()));
                if let Obj::Class(c) = self.heap.get(i.class) {
                    for &k in &c.mro {
                        if let Obj::Class(kc) = self.heap.get(k) {
                            names.extend(kc.attrs.items.iter().map(|(k, _)| k.to_string()));
                        }
                    }
                }
            }
            Some(Obj::Class(c)) => {
                for &k in &c.mro {
                    if let Obj::Class(kc) = self.heap.get(k) {
                        names.extend(kc.attrs.items.iter().map(|(k, _)| k.to_string()));
                    }
                }
            }
            Some(Obj::Module(m)) => names.extend(m.attrs.items.iter().map(|(k, _)| k.to_string())),
            _ => {
                let ty = self.base_ty(o);
                names.extend(super::methods::method_names(ty).iter().map(|s| s.to_string()));
            }
        }
        names.sort();
        names.dedup();
        names
    }

    pub fn getattr_opt(&mut self, ctx: &mut Ctx, o: &Value, name: &str) -> PyResult<Option<Value>> {
        let Value::Obj(id) = o else {
            return self.builtin_attr(ctx, o, name);
        };
        let id = *id;
        match self.heap.get(id) {
            Obj::Inst(inst) => {
                let cls = inst.class;
                if name == "__class__" {
                    return Ok(Some(Value::Obj(cls)));
                }
                if name == "__dict__" {
                    let items = inst.attrs.items.clone();
                    let mut d = Dict::default();
                    for (k, v) in items {
                        d.insert(Key::Str(k.clone()), Value::Str(k), v);
                    }
                    return Ok(Some(self.new_dict(d)));
                }
                let cattr = self.class_lookup(cls, name);
                if let Some(c) = &cattr {
                    if matches!(self.obj(c), Some(Obj::Property(..))) {
                        return self.bind_descriptor(ctx, c.clone(), o, cls).map(Some);
                    }
                }
                if let Obj::Inst(inst) = self.heap.get(id) {
                    if let Some(v) = inst.attrs.get(name) {
                        return Ok(Some(v.clone()));
                    }
                }
                if let Some(c) = cattr {
                    return self.bind_descriptor(ctx, c, o, cls).map(Some);
                }
                if let Some(r) = self.exc_attr(o, name) {
                    return Ok(Some(r));
                }
                if let Some(inner) = self.inst_inner(o) {
                    if super::methods::method_names(self.base_ty(&inner)).contains(&name) {
                        return Ok(Some(self.alloc(Obj::NativeMethod(inner, Rc::from(name)))));
                    }
                }
                if let Some(ga) = self.class_lookup(cls, "__getattr__") {
                    let r = self.call_sync(ctx, ga, vec![o.clone(), Value::str(name)], Vec::new())?;
                    return Ok(Some(r));
                }
                Ok(None)
            }
            Obj::Class(c) => {
                match name {
                    "__name__" => return Ok(Some(Value::Str(c.name.clone()))),
                    "__qualname__" => return Ok(Some(Value::Str(c.qualname.clone()))),
                    "__module__" => return Ok(Some(Value::Str(c.module.clone()))),
                    "__mro__" => {
                        let mro: Vec<Value> = c.mro.iter().map(|&k| Value::Obj(k)).collect();
                        let mut mro = mro;
                        mro.push(Value::Type(Ty::Object));
                        return Ok(Some(self.new_tuple(mro)));
                    }
                    "__bases__" => {
                        let b: Vec<Value> = if c.bases.is_empty() {
                            vec![Value::Type(Ty::Object)]
                        } else {
                            c.bases.iter().map(|&k| Value::Obj(k)).collect()
                        };
                        return Ok(Some(self.new_tuple(b)));
                    }
                    "__doc__" => return Ok(Some(c.attrs.get("__doc__").cloned().unwrap_or(Value::None))),
                    "__dict__" => {
                        let items = c.attrs.items.clone();
                        let mut d = Dict::default();
                        for (k, v) in items {
                            d.insert(Key::Str(k.clone()), Value::Str(k), v);
                        }
                        return Ok(Some(self.new_dict(d)));
                    }
                    _ => {}
                }
                if self.class_lookup(id, name).is_none() && name.starts_with("__") && name.ends_with("__") {
                    let base = match self.heap.get(id) {
                        Obj::Class(c) => c.builtin_base,
                        _ => None,
                    };
                    let owner = base.map(|t| t.name()).unwrap_or("object");
                    if matches!(name, "__init__" | "__new__" | "__str__" | "__repr__" | "__setattr__" | "__getattribute__" | "__eq__" | "__hash__")
                        || (base.is_some() && matches!(name, "__getitem__" | "__setitem__" | "__delitem__" | "__contains__" | "__len__" | "__iter__"))
                    {
                        return Ok(Some(Value::Builtin(Rc::from(format!("{owner}.{name}")))));
                    }
                }
                match self.class_lookup(id, name) {
                    Some(v) => match self.obj(&v) {
                        Some(Obj::StaticMethod(f)) => Ok(Some(f.clone())),
                        Some(Obj::ClassMethod(f)) => {
                            let f = f.clone();
                            Ok(Some(self.alloc(Obj::Method(o.clone(), f))))
                        }
                        _ => Ok(Some(v)),
                    },
                    None => Ok(None),
                }
            }
            Obj::Module(m) => {
                if let Some(v) = m.attrs.get(name) {
                    return Ok(Some(v.clone()));
                }
                if name == "__name__" {
                    return Ok(Some(Value::Str(m.name.clone())));
                }
                let mname = m.name.clone();
                Ok(super::modules::lazy_attr(self, ctx, &mname, name))
            }
            Obj::Func(f) => Ok(match name {
                "__name__" => Some(Value::Str(f.name.clone())),
                "__qualname__" => Some(Value::Str(f.qualname.clone())),
                "__doc__" => Some(f.attrs.get("__doc__").cloned().unwrap_or(Value::None)),
                "__module__" => {
                    let g = f.globals;
                    self.module_get(g, "__name__")
                }
                "__defaults__" => {
                    let d = f.defaults.clone();
                    Some(if d.is_empty() { Value::None } else { self.new_tuple(d) })
                }
                _ => f.attrs.get(name).cloned(),
            }),
            Obj::Method(s, f) => {
                let (s, f) = (s.clone(), f.clone());
                match name {
                    "__self__" => Ok(Some(s)),
                    "__func__" => Ok(Some(f)),
                    _ => self.getattr_opt(ctx, &f, name),
                }
            }
            Obj::Slice(a, b, c) => Ok(match name {
                "start" => Some(a.clone()),
                "stop" => Some(b.clone()),
                "step" => Some(c.clone()),
                _ => None,
            }),
            Obj::Range(a, b, c) => Ok(match name {
                "start" => Some(Value::Int(*a)),
                "stop" => Some(Value::Int(*b)),
                "step" => Some(Value::Int(*c)),
                _ => self.native_method_value(o, name),
            }),
            Obj::File(f) => {
                if name == "name" {
                    return Ok(Some(Value::str(&f.name.clone())));
                }
                if name == "closed" {
                    return Ok(Some(Value::Bool(f.closed)));
                }
                if name == "mode" {
                    return Ok(Some(Value::str(&f.mode.clone())));
                }
                Ok(self.native_method_value(o, name))
            }
            Obj::Property(g, _) => {
                let g = g.clone();
                if name == "setter" || name == "getter" || name == "deleter" {
                    return Ok(Some(self.alloc(Obj::NativeMethod(o.clone(), Rc::from(name)))));
                }
                if name == "fget" {
                    return Ok(Some(g));
                }
                Ok(None)
            }
            Obj::Super(cls, inst) => {
                let (cls, inst) = (*cls, inst.clone());
                let start_cls = self.class_of_inst(&inst).or(inst.as_obj()).unwrap_or(cls);
                let mro = match self.heap.get(start_cls) {
                    Obj::Class(c) => c.mro.clone(),
                    _ => Vec::new(),
                };
                let pos = mro.iter().position(|&k| k == cls).map(|p| p + 1).unwrap_or(mro.len());
                for &k in &mro[pos..] {
                    let found = match self.heap.get(k) {
                        Obj::Class(kc) => kc.attrs.get(name).cloned(),
                        _ => None,
                    };
                    if let Some(v) = found {
                        return self.bind_descriptor(ctx, v, &inst, start_cls).map(Some);
                    }
                }
                // object's methods: __init__, __str__, __repr__…
                match name {
                    "__init__" if self.inst_inner(&inst).is_some() => {
                        let ty = self.inst_inner(&inst).map(|v| self.base_ty(&v)).unwrap_or(Ty::Object);
                        let f = Value::Builtin(Rc::from(format!("{}.__init__", ty.name())));
                        Ok(Some(self.alloc(Obj::Method(inst, f))))
                    }
                    "__init__" | "__new__" | "__setattr__" => {
                        let f = Value::Builtin(Rc::from(format!("object.{name}")));
                        Ok(Some(self.alloc(Obj::Method(inst, f))))
                    }
                    "__str__" | "__repr__" | "__eq__" | "__hash__" | "__getattribute__" => {
                        Ok(Some(self.alloc(Obj::NativeMethod(inst, Rc::from(format!("object.{name}"))))))
                    }
                    _ => {
                        // super() of a builtin base (class X(dict)).
                        if let Some(inner) = self.inst_inner(&inst) {
                            if super::methods::method_names(self.base_ty(&inner)).contains(&name) {
                                return Ok(Some(self.alloc(Obj::NativeMethod(inner, Rc::from(name)))));
                            }
                        }
                        Ok(None)
                    }
                }
            }
            Obj::Gen(g) => Ok(match name {
                "__name__" => Some(Value::Str(g.name.clone())),
                _ => self.native_method_value(o, name),
            }),
            _ => Ok(self.native_method_value(o, name)),
        }
    }

    fn exc_attr(&mut self, o: &Value, name: &str) -> Option<Value> {
        let Some(Obj::Inst(i)) = self.obj(o) else {
            return None;
        };
        let info = i.exc.as_ref()?;
        match name {
            "__cause__" => Some(info.cause.clone().unwrap_or(Value::None)),
            "__context__" => Some(info.context.clone().unwrap_or(Value::None)),
            "__traceback__" => Some(Value::None),
            "__suppress_context__" => Some(Value::Bool(info.suppress_context)),
            "with_traceback" | "add_note" => Some(Value::Builtin(Rc::from(format!("exc.{name}")))),
            _ => None,
        }
    }

    fn native_method_value(&mut self, o: &Value, name: &str) -> Option<Value> {
        let ty = self.base_ty(o);
        if super::methods::method_names(ty).contains(&name) {
            Some(self.alloc(Obj::NativeMethod(o.clone(), Rc::from(name))))
        } else {
            None
        }
    }

    fn builtin_attr(&mut self, ctx: &mut Ctx, o: &Value, name: &str) -> PyResult<Option<Value>> {
        let _ = ctx;
        match (o, name) {
            (Value::Int(_) | Value::Bool(_) | Value::Big(_), "real" | "numerator") => Ok(Some(match o {
                Value::Bool(b) => Value::Int(*b as i64),
                _ => o.clone(),
            })),
            (Value::Int(_) | Value::Bool(_) | Value::Big(_), "imag") => Ok(Some(Value::Int(0))),
            (Value::Int(_) | Value::Bool(_) | Value::Big(_), "denominator") => Ok(Some(Value::Int(1))),
            (Value::Float(f), "real") => Ok(Some(Value::Float(*f))),
            (Value::Float(_), "imag") => Ok(Some(Value::Float(0.0))),
            (Value::Type(t), "__name__" | "__qualname__") => Ok(Some(Value::str(t.name()))),
            (Value::Type(_), "__module__") => Ok(Some(Value::str("builtins"))),
            (Value::Type(t), _) => {
                // Unbound methods: str.upper, dict.fromkeys…, dict.__init__ for subclasses.
                if matches!(
                    name,
                    "__init__" | "__new__" | "__repr__" | "__str__" | "__getitem__" | "__setitem__" | "__delitem__"
                        | "__contains__" | "__len__" | "__iter__" | "__eq__" | "__hash__" | "__setattr__" | "__getattribute__"
                ) {
                    let owner = if *t == Ty::Object { "object" } else { t.name() };
                    return Ok(Some(Value::Builtin(Rc::from(format!("{owner}.{name}")))));
                }
                if super::methods::method_names(*t).contains(&name) {
                    return Ok(Some(Value::Builtin(Rc::from(format!("{}.{name}", t.name())))));
                }
                Ok(None)
            }
            (Value::Builtin(b), "__name__" | "__qualname__") => {
                Ok(Some(Value::str(b.rsplit('.').next().unwrap_or(b))))
            }
            _ => Ok(self.native_method_value(o, name)),
        }
    }

    /// `LoadMethod`: a function and `self`, or a callable and `Undef`.
    pub fn load_method(&mut self, ctx: &mut Ctx, o: &Value, name: &str) -> PyResult<(Value, Value)> {
        match o {
            Value::Str(_) | Value::Int(_) | Value::Float(_) | Value::Bytes(_) | Value::Bool(_) => {
                let ty = self.base_ty(o);
                if super::methods::method_names(ty).contains(&name) {
                    return Ok((Value::Builtin(Rc::from(format!(".{name}"))), o.clone()));
                }
            }
            Value::Obj(id) => match self.heap.get(*id) {
                Obj::List(_) | Obj::Dict(_) | Obj::Set(_) | Obj::Tuple(_) | Obj::File(_) | Obj::FrozenSet(_) => {
                    let ty = self.base_ty(o);
                    if super::methods::method_names(ty).contains(&name) {
                        return Ok((Value::Builtin(Rc::from(format!(".{name}"))), o.clone()));
                    }
                }
                Obj::Inst(inst) => {
                    let cls = inst.class;
                    let has_own = inst.attrs.get(name).is_some();
                    if !has_own {
                        if let Some(f) = self.class_lookup(cls, name) {
                            if let Some(Obj::Func(_)) = self.obj(&f) {
                                return Ok((f, o.clone()));
                            }
                        }
                    }
                }
                _ => {}
            },
            _ => {}
        }
        let v = self.getattr(ctx, o, name)?;
        Ok((v, Value::Undef))
    }

    pub fn setattr(&mut self, ctx: &mut Ctx, o: &Value, name: Rc<str>, v: Value) -> PyResult<()> {
        let Value::Obj(id) = o else {
            let t = self.type_name(o);
            return Err(self.exc(
                exc::ATTRIBUTE,
                format!("'{t}' object has no attribute '{name}'"),
            ));
        };
        let id = *id;
        match self.heap.get(id) {
            Obj::Inst(inst) => {
                let cls = inst.class;
                if let Some(p) = self.class_lookup(cls, &name) {
                    if let Some(Obj::Property(_, set)) = self.obj(&p) {
                        let set = set.clone();
                        if set.is_none() {
                            let msg = if self.version.at_least(11) {
                                let t = self.type_name(o);
                                format!("property '{name}' of '{t}' object has no setter")
                            } else {
                                "can't set attribute".to_string()
                            };
                            return Err(self.exc(exc::ATTRIBUTE, msg));
                        }
                        self.call_sync(ctx, set, vec![o.clone(), v], Vec::new())?;
                        return Ok(());
                    }
                }
                if let Some(sa) = self.class_lookup(cls, "__setattr__") {
                    if matches!(self.obj(&sa), Some(Obj::Func(_))) {
                        self.call_sync(ctx, sa, vec![o.clone(), Value::Str(name), v], Vec::new())?;
                        return Ok(());
                    }
                }
                if let Some(Obj::Inst(inst)) = self.heap.get_mut(id) {
                    inst.attrs.set(name, v);
                }
                Ok(())
            }
            Obj::Class(_) | Obj::Module(_) | Obj::Func(_) => {
                match self.heap.get_mut(id) {
                    Some(Obj::Class(c)) => match (&*name, &v) {
                        ("__name__", Value::Str(s)) => c.name = s.clone(),
                        ("__qualname__", Value::Str(s)) => c.qualname = s.clone(),
                        ("__module__", Value::Str(s)) => c.module = s.clone(),
                        _ => c.attrs.set(name, v),
                    },
                    Some(Obj::Module(m)) => m.attrs.set(name, v),
                    Some(Obj::Func(f)) => match (&*name, &v) {
                        ("__name__", Value::Str(s)) => f.name = s.clone(),
                        ("__qualname__", Value::Str(s)) => f.qualname = s.clone(),
                        _ => f.attrs.set(name, v),
                    },
                    _ => {}
                }
                Ok(())
            }
            _ => {
                let t = self.type_name(o);
                Err(self.exc(exc::ATTRIBUTE, format!("'{t}' object has no attribute '{name}'")))
            }
        }
    }

    pub fn delattr(&mut self, o: &Value, name: &str) -> PyResult<()> {
        let removed = match self.obj_mut(o) {
            Some(Obj::Inst(i)) => i.attrs.remove(name).is_some(),
            Some(Obj::Class(c)) => c.attrs.remove(name).is_some(),
            Some(Obj::Module(m)) => m.attrs.remove(name).is_some(),
            _ => false,
        };
        if removed {
            Ok(())
        } else {
            Err(self.attr_error(o, name))
        }
    }

    // ---------------------------------------------------------------- subscripts

    fn index_of(&mut self, idx: &Value, len: usize, what: &str) -> PyResult<usize> {
        let i = match idx {
            Value::Int(i) => *i,
            Value::Bool(b) => *b as i64,
            Value::Big(_) => {
                return Err(self.exc(exc::INDEX, "cannot fit 'int' into an index-sized integer".to_string()));
            }
            _ => {
                let t = self.type_name(idx);
                let msg = if what == "string" {
                    format!("string indices must be integers, not '{t}'")
                } else {
                    format!("{what} indices must be integers or slices, not {t}")
                };
                return Err(self.type_error(msg));
            }
        };
        let j = if i < 0 { i + len as i64 } else { i };
        if j < 0 || j >= len as i64 {
            return Err(self.exc(exc::INDEX, format!("{what} index out of range")));
        }
        Ok(j as usize)
    }

    /// Resolves a slice against a length: (start, stop, step) as CPython's `PySlice_AdjustIndices`.
    pub fn slice_indices(&mut self, s: &Value, len: usize) -> PyResult<(i64, i64, i64)> {
        let Some(Obj::Slice(a, b, c)) = self.obj(s).cloned() else {
            return Ok((0, len as i64, 1));
        };
        let get = |vm: &mut Vm, v: &Value| -> PyResult<Option<i64>> {
            match v {
                Value::None => Ok(None),
                _ => match as_int(v) {
                    Some(i) => Ok(Some(i)),
                    None => Err(vm.type_error(
                        "slice indices must be integers or None or have an __index__ method",
                    )),
                },
            }
        };
        let step = get(self, &c)?.unwrap_or(1);
        if step == 0 {
            return Err(self.value_error("slice step cannot be zero"));
        }
        let len = len as i64;
        let adjust = |v: Option<i64>, default: i64, lo: i64, hi: i64| -> i64 {
            match v {
                None => default,
                Some(mut i) => {
                    if i < 0 {
                        i += len;
                        if i < lo {
                            i = lo;
                        }
                    } else if i > hi {
                        i = hi;
                    }
                    i
                }
            }
        };
        let (start, stop) = if step > 0 {
            (adjust(get(self, &a)?, 0, 0, len), adjust(get(self, &b)?, len, 0, len))
        } else {
            (adjust(get(self, &a)?, len - 1, -1, len - 1), adjust(get(self, &b)?, -1, -1, len - 1))
        };
        Ok((start, stop, step))
    }

    fn slice_positions(&mut self, s: &Value, len: usize) -> PyResult<Vec<usize>> {
        let (mut i, stop, step) = self.slice_indices(s, len)?;
        let mut out = Vec::new();
        while (step > 0 && i < stop) || (step < 0 && i > stop) {
            out.push(i as usize);
            i += step;
        }
        Ok(out)
    }

    pub fn getitem(&mut self, ctx: &mut Ctx, o: &Value, idx: &Value) -> PyResult {
        let is_slice = matches!(self.obj(idx), Some(Obj::Slice(..)));
        match o {
            Value::Str(s) => {
                if s.is_ascii() {
                    if is_slice {
                        let pos = self.slice_positions(idx, s.len())?;
                        let b = s.as_bytes();
                        let out: String = pos.iter().map(|&p| b[p] as char).collect();
                        return Ok(Value::Str(Rc::from(out)));
                    }
                    let i = self.index_of(idx, s.len(), "string")?;
                    return Ok(Value::Str(Rc::from(&s[i..i + 1])));
                }
                let chars: Vec<char> = s.chars().collect();
                if is_slice {
                    let pos = self.slice_positions(idx, chars.len())?;
                    let out: String = pos.iter().map(|&p| chars[p]).collect();
                    return Ok(Value::Str(Rc::from(out)));
                }
                let i = self.index_of(idx, chars.len(), "string")?;
                return Ok(Value::Str(Rc::from(chars[i].to_string())));
            }
            Value::Bytes(b) => {
                if is_slice {
                    let pos = self.slice_positions(idx, b.len())?;
                    let out: Vec<u8> = pos.iter().map(|&p| b[p]).collect();
                    return Ok(Value::Bytes(out.into()));
                }
                let i = self.index_of(idx, b.len(), "index")?;
                return Ok(Value::Int(b[i] as i64));
            }
            Value::Type(_) => return Ok(o.clone()),
            _ => {}
        }
        let Value::Obj(id) = o else {
            let t = self.type_name(o);
            return Err(self.type_error(format!("'{t}' object is not subscriptable")));
        };
        match self.heap.get(*id) {
            Obj::List(v) | Obj::Tuple(v) => {
                let is_list = matches!(self.heap.get(*id), Obj::List(_));
                let what = if is_list { "list" } else { "tuple" };
                let len = v.len();
                if is_slice {
                    let pos = self.slice_positions(idx, len)?;
                    let items: Vec<Value> = match self.heap.get(*id) {
                        Obj::List(v) | Obj::Tuple(v) => pos.iter().map(|&p| v[p].clone()).collect(),
                        _ => Vec::new(),
                    };
                    return Ok(if is_list { self.new_list(items) } else { self.new_tuple(items) });
                }
                let i = self.index_of(idx, len, what)?;
                match self.heap.get(*id) {
                    Obj::List(v) | Obj::Tuple(v) => Ok(v[i].clone()),
                    _ => Ok(Value::None),
                }
            }
            Obj::Dict(_) => {
                let k = self.key(idx)?;
                if let Obj::Dict(d) = self.heap.get(*id) {
                    if let Some(v) = d.get(&k) {
                        return Ok(v.clone());
                    }
                }
                Err(Flow::Exc(self.make_exc(exc::KEY, vec![idx.clone()])))
            }
            Obj::Range(a, b, s) => {
                let (a, b, s) = (*a, *b, *s);
                let len = range_len(a, b, s) as usize;
                if is_slice {
                    let (i, j, k) = self.slice_indices(idx, len)?;
                    return Ok(self.alloc(Obj::Range(a + i * s, a + j * s, s * k)));
                }
                let i = self.index_of(idx, len, "range object")?;
                Ok(Value::Int(a + i as i64 * s))
            }
            Obj::Inst(_) => {
                if let Some(f) = self.special(o, "__getitem__") {
                    return self.call_sync(ctx, f, vec![o.clone(), idx.clone()], Vec::new());
                }
                if let Some(inner) = self.inst_inner(o) {
                    let r = self.getitem(ctx, &inner, idx);
                    if let Err(Flow::Exc(_)) = &r {
                        if matches!(self.obj(&inner), Some(Obj::Dict(_))) {
                            if let Some(m) = self.special(o, "__missing__") {
                                return self.call_sync(ctx, m, vec![o.clone(), idx.clone()], Vec::new());
                            }
                        }
                    }
                    return r;
                }
                let t = self.type_name(o);
                Err(self.type_error(format!("'{t}' object is not subscriptable")))
            }
            Obj::Class(_) => {
                if let Some(f) = self.class_lookup(*id, "__class_getitem__") {
                    return self.call_sync(ctx, f, vec![o.clone(), idx.clone()], Vec::new());
                }
                Ok(o.clone())
            }
            _ => {
                let t = self.type_name(o);
                Err(self.type_error(format!("'{t}' object is not subscriptable")))
            }
        }
    }

    pub fn setitem(&mut self, ctx: &mut Ctx, o: &Value, idx: Value, v: Value) -> PyResult<()> {
        let Value::Obj(id) = o else {
            let t = self.type_name(o);
            return Err(self.type_error(format!("'{t}' object does not support item assignment")));
        };
        match self.heap.get(*id) {
            Obj::List(l) => {
                let len = l.len();
                if matches!(self.obj(&idx), Some(Obj::Slice(..))) {
                    let (start, stop, step) = self.slice_indices(&idx, len)?;
                    let items = self.collect(ctx, &v)?;
                    if step == 1 {
                        let stop = stop.max(start);
                        if let Some(Obj::List(l)) = self.heap.get_mut(*id) {
                            l.splice(start as usize..stop as usize, items);
                        }
                        return Ok(());
                    }
                    let pos = self.slice_positions(&idx, len)?;
                    if pos.len() != items.len() {
                        return Err(self.value_error(format!(
                            "attempt to assign sequence of size {} to extended slice of size {}",
                            items.len(),
                            pos.len()
                        )));
                    }
                    if let Some(Obj::List(l)) = self.heap.get_mut(*id) {
                        for (p, x) in pos.into_iter().zip(items) {
                            l[p] = x;
                        }
                    }
                    return Ok(());
                }
                let i = self.index_of(&idx, len, "list")?;
                if let Some(Obj::List(l)) = self.heap.get_mut(*id) {
                    l[i] = v;
                }
                Ok(())
            }
            Obj::Dict(_) => {
                let k = self.key(&idx)?;
                if let Some(Obj::Dict(d)) = self.heap.get_mut(*id) {
                    d.insert(k, idx, v);
                }
                Ok(())
            }
            Obj::Inst(_) => {
                if let Some(f) = self.special(o, "__setitem__") {
                    self.call_sync(ctx, f, vec![o.clone(), idx, v], Vec::new())?;
                    return Ok(());
                }
                if let Some(inner) = self.inst_inner(o) {
                    return self.setitem(ctx, &inner, idx, v);
                }
                let t = self.type_name(o);
                Err(self.type_error(format!("'{t}' object does not support item assignment")))
            }
            _ => {
                let t = self.type_name(o);
                Err(self.type_error(format!("'{t}' object does not support item assignment")))
            }
        }
    }

    pub fn delitem(&mut self, ctx: &mut Ctx, o: &Value, idx: &Value) -> PyResult<()> {
        let Value::Obj(id) = o else {
            let t = self.type_name(o);
            return Err(self.type_error(format!("'{t}' object doesn't support item deletion")));
        };
        match self.heap.get(*id) {
            Obj::List(l) => {
                let len = l.len();
                if matches!(self.obj(idx), Some(Obj::Slice(..))) {
                    let mut pos = self.slice_positions(idx, len)?;
                    pos.sort_unstable();
                    if let Some(Obj::List(l)) = self.heap.get_mut(*id) {
                        for p in pos.into_iter().rev() {
                            l.remove(p);
                        }
                    }
                    return Ok(());
                }
                let i = self.index_of(idx, len, "list")?;
                if let Some(Obj::List(l)) = self.heap.get_mut(*id) {
                    l.remove(i);
                }
                Ok(())
            }
            Obj::Dict(_) => {
                let k = self.key(idx)?;
                let removed = match self.heap.get_mut(*id) {
                    Some(Obj::Dict(d)) => d.remove(&k).is_some(),
                    _ => false,
                };
                if !removed {
                    return Err(Flow::Exc(self.make_exc(exc::KEY, vec![idx.clone()])));
                }
                Ok(())
            }
            Obj::Inst(_) => {
                if let Some(f) = self.special(o, "__delitem__") {
                    self.call_sync(ctx, f, vec![o.clone(), idx.clone()], Vec::new())?;
                    return Ok(());
                }
                if let Some(inner) = self.inst_inner(o) {
                    return self.delitem(ctx, &inner, idx);
                }
                let t = self.type_name(o);
                Err(self.type_error(format!("'{t}' object doesn't support item deletion")))
            }
            _ => {
                let t = self.type_name(o);
                Err(self.type_error(format!("'{t}' object doesn't support item deletion")))
            }
        }
    }

    // ---------------------------------------------------------------- iteration

    pub fn iter(&mut self, ctx: &mut Ctx, v: &Value) -> PyResult {
        let it = match v {
            Value::Str(s) => Iter::Chars(s.clone(), 0),
            Value::Bytes(b) => Iter::Values(b.iter().map(|&x| Value::Int(x as i64)).collect(), 0),
            Value::Obj(id) => match self.heap.get(*id) {
                Obj::List(_) | Obj::Tuple(_) => Iter::Seq(v.clone(), 0),
                Obj::Dict(d) => Iter::DictKeys(*id, 0, d.len()),
                Obj::Set(d) | Obj::FrozenSet(d) => Iter::Values(super::format::set_order(self, d).into(), 0),
                Obj::Range(a, b, s) => Iter::Range(*a, *b, *s),
                Obj::Iter(_) | Obj::Gen(_) => return Ok(v.clone()),
                Obj::View(d, kind) => {
                    let (d, kind) = (*d, *kind);
                    let entries = match self.heap.get(d) {
                        Obj::Dict(dd) => dd.entries.clone(),
                        _ => Vec::new(),
                    };
                    match kind {
                        0 => Iter::DictKeys(d, 0, entries.len()),
                        1 => Iter::Values(entries.into_iter().map(|(_, x)| x).collect(), 0),
                        _ => {
                            let mut items = Vec::with_capacity(entries.len());
                            for (k, x) in entries {
                                items.push(self.new_tuple(vec![k, x]));
                            }
                            Iter::Values(items.into(), 0)
                        }
                    }
                }
                Obj::File(_) => {
                    let lines = super::methods::file_lines(self, v)?;
                    Iter::Values(lines.into(), 0)
                }
                Obj::Inst(_) => {
                    if let Some(f) = self.special(v, "__iter__") {
                        return self.call_sync(ctx, f, vec![v.clone()], Vec::new());
                    }
                    if let Some(inner) = self.inst_inner(v) {
                        return self.iter(ctx, &inner);
                    }
                    if self.special(v, "__getitem__").is_some() {
                        let mut items = Vec::new();
                        for i in 0..MAX_LEN as i64 {
                            match self.getitem(ctx, v, &Value::Int(i)) {
                                Ok(x) => items.push(x),
                                Err(Flow::Exc(e)) if self.is_exc_instance(&e, exc::INDEX) => break,
                                Err(e) => return Err(e),
                            }
                        }
                        Iter::Values(items.into(), 0)
                    } else {
                        let t = self.type_name(v);
                        return Err(self.type_error(format!("'{t}' object is not iterable")));
                    }
                }
                _ => {
                    let t = self.type_name(v);
                    return Err(self.type_error(format!("'{t}' object is not iterable")));
                }
            },
            _ => {
                let t = self.type_name(v);
                return Err(self.type_error(format!("'{t}' object is not iterable")));
            }
        };
        Ok(self.alloc(Obj::Iter(it)))
    }

    /// The next item of an iterator, `None` when exhausted.
    pub fn next(&mut self, ctx: &mut Ctx, it: &Value) -> PyResult<Option<Value>> {
        let Value::Obj(id) = it else {
            let t = self.type_name(it);
            return Err(self.type_error(format!("'{t}' object is not an iterator")));
        };
        let id = *id;
        if let Obj::Gen(_) = self.heap.get(id) {
            return self.gen_next(ctx, id);
        }
        if let Obj::Inst(_) = self.heap.get(id) {
            let Some(f) = self.special(it, "__next__") else {
                let t = self.type_name(it);
                return Err(self.type_error(format!("'{t}' object is not an iterator")));
            };
            return match self.call_sync(ctx, f, vec![it.clone()], Vec::new()) {
                Ok(v) => Ok(Some(v)),
                Err(Flow::Exc(e)) if self.is_exc_instance(&e, exc::STOP_ITERATION) => Ok(None),
                Err(e) => Err(e),
            };
        }
        let Obj::Iter(state) = self.heap.get(id) else {
            let t = self.type_name(it);
            return Err(self.type_error(format!("'{t}' object is not an iterator")));
        };
        let state = state.clone();
        let (next, new_state) = match state {
            Iter::Seq(seq, i) => {
                let item = match self.obj(&seq) {
                    Some(Obj::List(v) | Obj::Tuple(v)) => v.get(i).cloned(),
                    _ => None,
                };
                match item {
                    Some(x) => (Some(x), Iter::Seq(seq, i + 1)),
                    None => (None, Iter::Done),
                }
            }
            Iter::Range(a, b, s) => {
                if (s > 0 && a < b) || (s < 0 && a > b) {
                    (Some(Value::Int(a)), Iter::Range(a + s, b, s))
                } else {
                    (None, Iter::Done)
                }
            }
            Iter::Values(vs, i) => match vs.get(i).cloned() {
                Some(x) => (Some(x), Iter::Values(vs, i + 1)),
                None => (None, Iter::Done),
            },
            Iter::Chars(s, i) => match s[i..].chars().next() {
                Some(c) => (Some(Value::Str(Rc::from(c.to_string()))), Iter::Chars(s.clone(), i + c.len_utf8())),
                None => (None, Iter::Done),
            },
            Iter::Enumerate(inner, n) => match self.next(ctx, &inner)? {
                Some(x) => {
                    let t = self.new_tuple(vec![Value::Int(n), x]);
                    (Some(t), Iter::Enumerate(inner, n + 1))
                }
                None => (None, Iter::Done),
            },
            Iter::Zip(its) => {
                let mut items = Vec::with_capacity(its.len());
                let mut done = its.is_empty();
                for x in &its {
                    match self.next(ctx, x)? {
                        Some(v) => items.push(v),
                        None => {
                            done = true;
                            break;
                        }
                    }
                }
                if done {
                    (None, Iter::Done)
                } else {
                    let t = self.new_tuple(items);
                    (Some(t), Iter::Zip(its))
                }
            }
            Iter::Map(f, its) => {
                let mut args = Vec::with_capacity(its.len());
                let mut done = false;
                for x in &its {
                    match self.next(ctx, x)? {
                        Some(v) => args.push(v),
                        None => {
                            done = true;
                            break;
                        }
                    }
                }
                if done {
                    (None, Iter::Done)
                } else {
                    let v = self.call_sync(ctx, f.clone(), args, Vec::new())?;
                    (Some(v), Iter::Map(f, its))
                }
            }
            Iter::Filter(f, inner) => {
                let mut found = None;
                while let Some(x) = self.next(ctx, &inner)? {
                    let keep = if f.is_none() {
                        self.truthy(ctx, &x)?
                    } else {
                        let r = self.call_sync(ctx, f.clone(), vec![x.clone()], Vec::new())?;
                        self.truthy(ctx, &r)?
                    };
                    if keep {
                        found = Some(x);
                        break;
                    }
                }
                match found {
                    Some(x) => (Some(x), Iter::Filter(f, inner)),
                    None => (None, Iter::Done),
                }
            }
            Iter::Reversed(seq, i) => {
                if i == 0 {
                    (None, Iter::Done)
                } else {
                    let item = match self.obj(&seq) {
                        Some(Obj::List(v) | Obj::Tuple(v)) => v.get(i - 1).cloned(),
                        _ => None,
                    };
                    match item {
                        Some(x) => (Some(x), Iter::Reversed(seq, i - 1)),
                        None => (None, Iter::Done),
                    }
                }
            }
            Iter::DictKeys(d, i, size) => {
                let (item, len) = match self.heap.get(d) {
                    Obj::Dict(dd) => (dd.entries.get(i).map(|e| e.0.clone()), dd.len()),
                    _ => (None, 0),
                };
                if len != size {
                    if let Some(Obj::Iter(st)) = self.heap.get_mut(id) {
                        *st = Iter::Done;
                    }
                    return Err(self.exc(exc::RUNTIME, "dictionary changed size during iteration"));
                }
                match item {
                    Some(x) => (Some(x), Iter::DictKeys(d, i + 1, size)),
                    None => (None, Iter::Done),
                }
            }
            Iter::Done => (None, Iter::Done),
        };
        if let Some(Obj::Iter(st)) = self.heap.get_mut(id) {
            *st = new_state;
        }
        Ok(next)
    }

    /// All items of an iterable.
    pub fn collect(&mut self, ctx: &mut Ctx, v: &Value) -> PyResult<Vec<Value>> {
        match self.obj(v) {
            Some(Obj::List(l) | Obj::Tuple(l)) => return Ok(l.clone()),
            Some(Obj::Dict(d)) => return Ok(d.keys().cloned().collect()),
            Some(Obj::Set(d) | Obj::FrozenSet(d)) => return Ok(super::format::set_order(self, d)),
            Some(Obj::Range(a, b, s)) => {
                let (a, b, s) = (*a, *b, *s);
                let n = range_len(a, b, s);
                if n as usize > MAX_LEN {
                    return Err(self.exc(exc::MEMORY, ""));
                }
                return Ok((0..n).map(|i| Value::Int(a + i * s)).collect());
            }
            _ => {}
        }
        if let Value::Str(s) = v {
            return Ok(s.chars().map(|c| Value::Str(Rc::from(c.to_string()))).collect());
        }
        let it = self.iter(ctx, v)?;
        let mut out = Vec::new();
        while let Some(x) = self.next(ctx, &it)? {
            out.push(x);
            if out.len() > MAX_LEN {
                return Err(self.exc(exc::MEMORY, ""));
            }
        }
        Ok(out)
    }

    /// Key/value pairs of a mapping (dict, or an object with keys() and __getitem__).
    pub fn mapping_items(&mut self, ctx: &mut Ctx, v: &Value) -> PyResult<Vec<(Value, Value)>> {
        if let Some(Obj::Dict(d)) = self.obj(v) {
            return Ok(d.entries.clone());
        }
        if let Some(inner) = self.inst_inner(v) {
            return self.mapping_items(ctx, &inner);
        }
        if matches!(self.obj(v), Some(Obj::Inst(_))) {
            let keys_fn = self.getattr(ctx, v, "keys")?;
            let keys = self.call_sync(ctx, keys_fn, Vec::new(), Vec::new())?;
            let keys = self.collect(ctx, &keys)?;
            let mut out = Vec::new();
            for k in keys {
                let x = self.getitem(ctx, v, &k)?;
                out.push((k, x));
            }
            return Ok(out);
        }
        let t = self.type_name(v);
        Err(self.type_error(format!("'{t}' object is not a mapping")))
    }

    // ---------------------------------------------------------------- calls

    pub fn callable_name(&self, f: &Value) -> String {
        match self.obj(f) {
            Some(Obj::Func(fu)) => fu.qualname.to_string(),
            Some(Obj::Method(_, fu)) => self.callable_name(fu),
            Some(Obj::Class(c)) => c.name.to_string(),
            _ => match f {
                Value::Builtin(b) => b.rsplit('.').next().unwrap_or(b).to_string(),
                Value::Type(t) => t.name().to_string(),
                _ => self.type_name(f),
            },
        }
    }

    /// Calls any callable. Python functions push a frame (`Called::Pushed`).
    pub fn call_value(&mut self, ctx: &mut Ctx, f: Value, args: Vec<Value>, kwargs: Vec<(Rc<str>, Value)>) -> PyResult<Called> {
        match &f {
            Value::Builtin(name) => {
                let name = name.clone();
                return super::builtins::call_builtin(self, ctx, &name, args, kwargs).map(Called::Value);
            }
            Value::Type(t) => {
                return super::builtins::construct(self, ctx, *t, args, kwargs).map(Called::Value);
            }
            Value::Obj(id) => {
                let id = *id;
                match self.heap.get(id) {
                    Obj::Func(func) => {
                        let func = func.clone();
                        let locals = self.bind_args(&func, args, kwargs)?;
                        if func.code.is_generator {
                            let mut frame = self.new_frame(func.code.clone(), func.globals, locals, func.cells.clone());
                            frame.func = Some(id);
                            let g = Gen {
                                frame: Some(Box::new(frame)),
                                running: false,
                                started: false,
                                name: func.name.clone(),
                                qualname: func.qualname.clone(),
                            };
                            return Ok(Called::Value(self.alloc(Obj::Gen(Box::new(g)))));
                        }
                        let mut frame = self.new_frame(func.code.clone(), func.globals, locals, func.cells.clone());
                        frame.func = Some(id);
                        self.push_frame(frame)?;
                        return Ok(Called::Pushed);
                    }
                    Obj::Method(s, func) => {
                        let (s, func) = (s.clone(), func.clone());
                        let mut a = Vec::with_capacity(args.len() + 1);
                        a.push(s);
                        a.extend(args);
                        return self.call_value(ctx, func, a, kwargs);
                    }
                    Obj::NativeMethod(recv, name) => {
                        let (recv, name) = (recv.clone(), name.clone());
                        return self.call_method(ctx, recv, &name, args, kwargs).map(Called::Value);
                    }
                    Obj::Class(_) => return self.instantiate(ctx, id, args, kwargs),
                    Obj::Inst(_) => {
                        if let Some(c) = self.special(&f, "__call__") {
                            let mut a = Vec::with_capacity(args.len() + 1);
                            a.push(f.clone());
                            a.extend(args);
                            return self.call_value(ctx, c, a, kwargs);
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        let t = self.type_name(&f);
        Err(self.type_error(format!("'{t}' object is not callable")))
    }

    fn instantiate(&mut self, ctx: &mut Ctx, cls: u32, args: Vec<Value>, kwargs: Vec<(Rc<str>, Value)>) -> PyResult<Called> {
        let is_exc = self.is_subclass(cls, exc::BASE);
        let builtin_base = match self.heap.get(cls) {
            Obj::Class(c) => c.builtin_base,
            _ => None,
        };
        let inner = match builtin_base {
            Some(t) if self.class_lookup(cls, "__init__").is_none() => {
                Some(super::builtins::construct(self, ctx, t, args.clone(), kwargs.clone())?)
            }
            Some(t) => Some(super::builtins::construct(self, ctx, t, Vec::new(), Vec::new())?),
            None => None,
        };
        if let Some(new) = self.class_lookup(cls, "__new__") {
            if matches!(self.obj(&new), Some(Obj::Func(_) | Obj::StaticMethod(_))) {
                return Err(self.unsupported("custom __new__"));
            }
        }
        let mut attrs = Attrs::default();
        let mut excinfo = None;
        if is_exc {
            let t = self.new_tuple(args.clone());
            attrs.set(Rc::from("args"), t);
            excinfo = Some(Box::default());
        }
        let inst = self.alloc(Obj::Inst(Inst {
            class: cls,
            attrs,
            inner,
            exc: excinfo,
        }));
        match self.class_lookup(cls, "__init__") {
            Some(init) if matches!(self.obj(&init), Some(Obj::Func(_))) => {
                let mut a = Vec::with_capacity(args.len() + 1);
                a.push(inst.clone());
                a.extend(args);
                match self.call_value(ctx, init, a, kwargs)? {
                    Called::Pushed => {
                        self.top().ret = FrameRet::Init(inst);
                        Ok(Called::Pushed)
                    }
                    Called::Value(_) => Ok(Called::Value(inst)),
                }
            }
            _ => {
                if !is_exc && builtin_base.is_none() && (!args.is_empty() || !kwargs.is_empty()) {
                    let name = self.callable_name(&Value::Obj(cls));
                    return Err(self.type_error(format!("{name}() takes no arguments")));
                }
                if is_exc {
                    super::builtins::init_exception(self, &inst, &kwargs);
                }
                Ok(Called::Value(inst))
            }
        }
    }

    /// Binds call arguments to a function's parameters, with CPython's error messages.
    pub fn bind_args(&mut self, f: &Func, args: Vec<Value>, kwargs: Vec<(Rc<str>, Value)>) -> PyResult<Vec<Value>> {
        let code = &f.code;
        let nargs = code.argcount as usize;
        let nkw = code.kwonly as usize;
        let mut locals: Vec<Value> = vec![Value::Undef; code.varnames.len().max(code.nparams())];
        let name = if self.version.at_least(10) {
            f.qualname.to_string()
        } else {
            f.name.to_string()
        };
        let given = args.len();
        let mut extra = Vec::new();
        for (i, a) in args.into_iter().enumerate() {
            if i < nargs {
                locals[i] = a;
            } else {
                extra.push(a);
            }
        }
        if !extra.is_empty() && !code.varargs {
            let ndef = f.defaults.len();
            let kw_given = kwargs.iter().filter(|(k, _)| code.varnames[nargs..nargs + nkw].contains(k)).count();
            let takes = if ndef > 0 {
                format!("from {} to {nargs}", nargs - ndef)
            } else {
                nargs.to_string()
            };
            let plural = if nargs == 1 && ndef == 0 { "" } else { "s" };
            let was = if given == 1 { "was" } else { "were" };
            let msg = if kw_given > 0 {
                let kp = if kw_given == 1 { "" } else { "s" };
                format!(
                    "{name}() takes {takes} positional argument{plural} but {given} positional argument{} (and {kw_given} keyword-only argument{kp}) were given",
                    if given == 1 { "" } else { "s" }
                )
            } else {
                format!("{name}() takes {takes} positional argument{plural} but {given} {was} given")
            };
            return Err(self.type_error(msg));
        }
        let mut kwextra: Vec<(Rc<str>, Value)> = Vec::new();
        for (k, v) in kwargs {
            let pos = code.varnames[..nargs + nkw].iter().position(|n| *n == k);
            match pos {
                Some(p) if p >= code.posonly as usize => {
                    if !matches!(locals[p], Value::Undef) {
                        return Err(self.type_error(format!("{name}() got multiple values for argument '{k}'")));
                    }
                    locals[p] = v;
                }
                _ => {
                    if code.varkw {
                        kwextra.push((k, v));
                    } else if pos.is_some() {
                        return Err(self.type_error(format!(
                            "{name}() got some positional-only arguments passed as keyword arguments: '{k}'"
                        )));
                    } else {
                        return Err(self.type_error(format!("{name}() got an unexpected keyword argument '{k}'")));
                    }
                }
            }
        }
        // Defaults.
        let ndef = f.defaults.len();
        for (i, slot) in locals.iter_mut().enumerate().take(nargs) {
            if matches!(slot, Value::Undef) && i + ndef >= nargs {
                *slot = f.defaults[i + ndef - nargs].clone();
            }
        }
        for (i, slot) in locals.iter_mut().enumerate().take(nargs + nkw).skip(nargs) {
            if matches!(slot, Value::Undef) {
                let n = &code.varnames[i];
                if let Some((_, d)) = f.kwdefaults.iter().find(|(k, _)| k == n) {
                    *slot = d.clone();
                }
            }
        }
        let missing: Vec<String> = (0..nargs)
            .filter(|&i| matches!(locals[i], Value::Undef))
            .map(|i| format!("'{}'", code.varnames[i]))
            .collect();
        if !missing.is_empty() {
            let n = missing.len();
            return Err(self.type_error(format!(
                "{name}() missing {n} required positional argument{}: {}",
                if n == 1 { "" } else { "s" },
                join_names(&missing)
            )));
        }
        let missing: Vec<String> = (nargs..nargs + nkw)
            .filter(|&i| matches!(locals[i], Value::Undef))
            .map(|i| format!("'{}'", code.varnames[i]))
            .collect();
        if !missing.is_empty() {
            let n = missing.len();
            return Err(self.type_error(format!(
                "{name}() missing {n} required keyword-only argument{}: {}",
                if n == 1 { "" } else { "s" },
                join_names(&missing)
            )));
        }
        let mut slot = nargs + nkw;
        if code.varargs {
            locals[slot] = self.new_tuple(extra);
            slot += 1;
        }
        if code.varkw {
            let mut d = Dict::default();
            for (k, v) in kwextra {
                d.insert(Key::Str(k.clone()), Value::Str(k), v);
            }
            locals[slot] = self.new_dict(d);
        }
        Ok(locals)
    }

    // ---------------------------------------------------------------- classes

    pub fn build_class(&mut self, name: Rc<str>, bases: Vec<Value>, ns: Attrs, _kw: u32) -> PyResult {
        let mut base_ids = Vec::new();
        let mut builtin_base = None;
        for b in &bases {
            match b {
                Value::Obj(i) if matches!(self.heap.get(*i), Obj::Class(_)) => {
                    base_ids.push(*i);
                    if let Obj::Class(c) = self.heap.get(*i) {
                        if c.builtin_base.is_some() {
                            builtin_base = c.builtin_base;
                        }
                    }
                }
                Value::Type(Ty::Object) => {}
                Value::Type(t @ (Ty::Dict | Ty::List | Ty::Str | Ty::Int | Ty::Float | Ty::Tuple | Ty::Set)) => {
                    builtin_base = Some(*t);
                }
                _ => {
                    let t = self.type_name(b);
                    if matches!(b, Value::Type(_)) {
                        return Err(self.unsupported(&format!("subclassing this builtin type ({t})")));
                    }
                    return Err(self.type_error(
                        "metaclass conflict: the metaclass of a derived class must be a (non-strict) subclass of the metaclasses of all its bases",
                    ));
                }
            }
        }
        let module = ns.get("__module__").and_then(|v| match v {
            Value::Str(s) => Some(s.clone()),
            _ => None,
        });
        let qualname = ns.get("__qualname__").and_then(|v| match v {
            Value::Str(s) => Some(s.clone()),
            _ => None,
        });
        let mro = self.c3(&base_ids)?;
        let id = self.heap.alloc(Obj::Class(Class {
            name: name.clone(),
            qualname: qualname.unwrap_or_else(|| name.clone()),
            module: module.unwrap_or_else(|| Rc::from("__main__")),
            bases: base_ids,
            mro: Vec::new(),
            attrs: Attrs::default(),
            builtin_base,
        }));
        let mut full = vec![id];
        full.extend(mro);
        // Methods remember their class (zero-argument super()).
        for (_, v) in &ns.items {
            let fid = match self.obj(v) {
                Some(Obj::Func(_)) => v.as_obj(),
                Some(Obj::StaticMethod(f) | Obj::ClassMethod(f)) => f.as_obj(),
                Some(Obj::Property(g, s)) => {
                    for x in [g.clone(), s.clone()] {
                        if let Some(Obj::Func(f)) = self.obj_mut(&x) {
                            f.class = Some(id);
                        }
                    }
                    None
                }
                _ => None,
            };
            if let Some(fid) = fid {
                if let Some(Obj::Func(f)) = self.heap.get_mut(fid) {
                    f.class = Some(id);
                }
            }
        }
        if let Some(Obj::Class(c)) = self.heap.get_mut(id) {
            c.mro = full;
            c.attrs = ns;
        }
        Ok(Value::Obj(id))
    }

    /// C3 linearisation of the bases (without the class itself).
    fn c3(&mut self, bases: &[u32]) -> PyResult<Vec<u32>> {
        let mut seqs: Vec<Vec<u32>> = bases
            .iter()
            .map(|&b| match self.heap.get(b) {
                Obj::Class(c) => c.mro.clone(),
                _ => vec![b],
            })
            .collect();
        seqs.push(bases.to_vec());
        let mut out = Vec::new();
        for _ in 0..10_000 {
            seqs.retain(|s| !s.is_empty());
            if seqs.is_empty() {
                return Ok(out);
            }
            let cand = seqs.iter().map(|s| s[0]).find(|&c| !seqs.iter().any(|s| s[1..].contains(&c)));
            let Some(c) = cand else {
                return Err(self.type_error(
                    "Cannot create a consistent method resolution order (MRO) for bases",
                ));
            };
            out.push(c);
            for s in &mut seqs {
                if s.first() == Some(&c) {
                    s.remove(0);
                }
            }
        }
        Ok(out)
    }
}

pub fn range_len(a: i64, b: i64, s: i64) -> i64 {
    if s > 0 && a < b {
        (b - a - 1) / s + 1
    } else if s < 0 && a > b {
        (a - b - 1) / (-s) + 1
    } else {
        0
    }
}

fn join_names(names: &[String]) -> String {
    match names.len() {
        0 => String::new(),
        1 => names[0].clone(),
        2 => format!("{} and {}", names[0], names[1]),
        n => format!("{}, and {}", names[..n - 1].join(", "), names[n - 1]),
    }
}

fn dunder(op: BinOp) -> (&'static str, &'static str) {
    match op {
        BinOp::Add => ("__add__", "__radd__"),
        BinOp::Sub => ("__sub__", "__rsub__"),
        BinOp::Mul => ("__mul__", "__rmul__"),
        BinOp::MatMul => ("__matmul__", "__rmatmul__"),
        BinOp::Div => ("__truediv__", "__rtruediv__"),
        BinOp::FloorDiv => ("__floordiv__", "__rfloordiv__"),
        BinOp::Mod => ("__mod__", "__rmod__"),
        BinOp::Pow => ("__pow__", "__rpow__"),
        BinOp::LShift => ("__lshift__", "__rlshift__"),
        BinOp::RShift => ("__rshift__", "__rrshift__"),
        BinOp::BitOr => ("__or__", "__ror__"),
        BinOp::BitXor => ("__xor__", "__rxor__"),
        BinOp::BitAnd => ("__and__", "__rand__"),
    }
}

//! The iteration protocol, with native fast paths for arrays, strings, maps and sets.

use super::object::*;
use super::value::*;
use super::vm::{ErrKind, Vm};
use crate::proc::program::Ctx;

/// Most elements one spread or `Array.from` collects.
const MAX_ITEMS: usize = 20_000_000;

impl Vm {
    fn builtin_iter(&mut self, k: IterKind) -> Val {
        let p = self.realm.array_iter_proto;
        Val::Obj(self.heap.alloc(Obj::new(Some(p), Kind::Iter(Box::new(k)))))
    }

    /// Is `Symbol.iterator` of this object still the builtin one (so the fast path applies)?
    fn default_iter(&mut self, o: Oid) -> bool {
        let proto = match self.heap.get(o).kind {
            Kind::Array(_) => self.realm.array_proto,
            Kind::Map(_) => self.realm.map_proto,
            Kind::Set(_) => self.realm.set_proto,
            _ => return false,
        };
        if self.heap.get(o).props.get(&Key::Sym(SYM_ITERATOR)).is_some() {
            return false;
        }
        self.heap.get(o).proto == Some(proto) || self.heap.get(o).tag == Some("Arguments")
    }

    pub fn get_iterator(&mut self, ctx: &mut Ctx, v: &Val) -> Res {
        match v {
            Val::Str(s) => return Ok(self.builtin_iter(IterKind::Str(s.clone(), 0))),
            Val::Obj(o) => {
                let o = *o;
                if self.default_iter(o) {
                    let k = match self.heap.get(o).kind {
                        Kind::Array(_) => IterKind::Array(v.clone(), 0, 0),
                        Kind::Map(_) => IterKind::Map(o, 0, 2),
                        _ => IterKind::Map(o, 0, 0),
                    };
                    return Ok(self.builtin_iter(k));
                }
                if matches!(self.heap.get(o).kind, Kind::Iter(_) | Kind::Generator(..)) {
                    return Ok(v.clone());
                }
            }
            _ => {}
        }
        let f = match v {
            Val::Undef | Val::Null => Val::Undef,
            _ => self.get(ctx, v, &Key::Sym(SYM_ITERATOR))?,
        };
        if !self.is_callable(&f) {
            let shown = match v {
                Val::Undef | Val::Null => self.prim_str(v),
                Val::Obj(_) => "object".to_string() + "",
                _ => self.prim_str(v),
            };
            let msg = match v {
                Val::Undef | Val::Null => format!("{shown} is not iterable (cannot read property Symbol(Symbol.iterator))"),
                Val::Obj(o) => {
                    let o = *o;
                    if self.heap.get(o).is_callable() {
                        format!("{} is not iterable", self.function_label(o))
                    } else {
                        "object is not iterable (cannot read property Symbol(Symbol.iterator))".to_string()
                    }
                }
                Val::Num(_) => format!("number {shown} is not iterable (cannot read property Symbol(Symbol.iterator))"),
                Val::Bool(_) => format!("boolean {shown} is not iterable (cannot read property Symbol(Symbol.iterator))"),
                _ => format!("{shown} is not iterable"),
            };
            return Err(self.error(ErrKind::Type, &msg));
        }
        let it = self.call(ctx, &f, v.clone(), Vec::new())?;
        if !matches!(it, Val::Obj(_)) {
            return Err(self.error(ErrKind::Type, "Result of the Symbol.iterator method is not an object"));
        }
        Ok(it)
    }

    fn function_label(&mut self, o: Oid) -> String {
        let n = self.fn_name(o);
        if n.is_empty() {
            "function (anonymous)".into()
        } else {
            format!("function {n}")
        }
    }

    /// `for await`: the value's async iterator, or its sync iterator wrapped (each value is
    /// then awaited).
    pub fn get_async_iterator(&mut self, ctx: &mut Ctx, v: &Val) -> Res {
        let f = match v {
            Val::Undef | Val::Null => Val::Undef,
            _ => self.get(ctx, v, &Key::Sym(super::object::SYM_ASYNC_ITERATOR))?,
        };
        if self.is_callable(&f) {
            let it = self.call(ctx, &f, v.clone(), Vec::new())?;
            if !matches!(it, Val::Obj(_)) {
                return Err(self.error(ErrKind::Type, "Result of the Symbol.asyncIterator method is not an object"));
            }
            return Ok(it);
        }
        let sync = self.get_iterator(ctx, v)?;
        let w = self.new_object();
        self.heap.get_mut(w).tag = Some("AsyncFromSyncIterator");
        self.heap.get_mut(w).props.insert(Key::s("%sync"), Slot::V(sync), HIDDEN);
        Ok(Val::Obj(w))
    }

    /// The sync iterator inside a wrapper made by `get_async_iterator`.
    pub fn async_from_sync(&self, it: &Val) -> Option<Val> {
        let Val::Obj(o) = it else { return None };
        let obj = self.heap.get(*o);
        if obj.tag != Some("AsyncFromSyncIterator") {
            return None;
        }
        obj.props.get(&Key::s("%sync")).and_then(|p| match &p.slot {
            Slot::V(v) => Some(v.clone()),
            _ => None,
        })
    }

    /// The next value, or `None` when done.
    pub fn iter_step(&mut self, ctx: &mut Ctx, it: &Val) -> Result<Option<Val>, Val> {
        let Val::Obj(o) = it else {
            return Err(self.error(ErrKind::Type, "iterator is not an object"));
        };
        let o = *o;
        if let Kind::Iter(k) = &self.heap.get(o).kind {
            let k = (**k).clone();
            let (next, val) = match k {
                IterKind::Array(target, i, mode) => {
                    let len = match &target {
                        Val::Obj(t) => match &self.heap.get(*t).kind {
                            Kind::Array(v) => v.len(),
                            _ => {
                                let l = self.get_str(ctx, &target, "length")?;
                                let n = self.to_number(ctx, &l)?;
                                if n.is_nan() { 0 } else { n.max(0.0) as usize }
                            }
                        },
                        _ => 0,
                    };
                    if i as usize >= len {
                        (IterKind::Array(target, u32::MAX, mode), None)
                    } else {
                        let v = match mode {
                            1 => Val::Num(i as f64),
                            _ => {
                                let e = self.get(ctx, &target, &Key::S(i.to_string().into()))?;
                                if mode == 2 {
                                    self.new_array(vec![Val::Num(i as f64), e])
                                } else {
                                    e
                                }
                            }
                        };
                        (IterKind::Array(target, i + 1, mode), Some(v))
                    }
                }
                IterKind::Str(s, i) => {
                    let rest = s.get(i as usize..).unwrap_or("");
                    match rest.chars().next() {
                        Some(c) => (IterKind::Str(s.clone(), i + c.len_utf8() as u32), Some(Val::Str(c.to_string().into()))),
                        None => (IterKind::Str(s, i), None),
                    }
                }
                IterKind::Map(m, mut i, mode) => {
                    let mut out = None;
                    if let Kind::Map(d) | Kind::Set(d) = &self.heap.get(m).kind {
                        while (i as usize) < d.keys.len() {
                            let idx = i as usize;
                            i += 1;
                            if let Val::Empty = d.keys[idx] {
                                continue;
                            }
                            out = Some((d.keys[idx].clone(), d.vals[idx].clone()));
                            break;
                        }
                    }
                    let v = out.map(|(k, v)| match mode {
                        0 => k,
                        1 => v,
                        _ => self.new_array(vec![k, v]),
                    });
                    (IterKind::Map(m, i, mode), v)
                }
                IterKind::List(items, i) => {
                    let v = items.get(i as usize).cloned();
                    (IterKind::List(items, i + 1), v)
                }
            };
            if let Kind::Iter(k) = &mut self.heap.get_mut(o).kind {
                **k = next;
            }
            return Ok(val);
        }
        if let Kind::Generator(..) = self.heap.get(o).kind {
            let r = self.gen_resume(ctx, o, Val::Undef, 0)?;
            return self.unpack_result(ctx, &r);
        }
        let next = self.get_str(ctx, it, "next")?;
        if !self.is_callable(&next) {
            let s = self.prim_str(&next);
            return Err(self.error(ErrKind::Type, &format!("{s} is not a function")));
        }
        let r = self.call(ctx, &next, it.clone(), Vec::new())?;
        self.unpack_result(ctx, &r)
    }

    fn unpack_result(&mut self, ctx: &mut Ctx, r: &Val) -> Result<Option<Val>, Val> {
        if !matches!(r, Val::Obj(_)) {
            let s = self.prim_str(r);
            return Err(self.error(ErrKind::Type, &format!("Iterator result {s} is not an object")));
        }
        let done = self.get_str(ctx, r, "done")?;
        if self.truthy(&done) {
            return Ok(None);
        }
        Ok(Some(self.get_str(ctx, r, "value")?))
    }

    /// All values of an iterable.
    pub fn iterate_to_vec(&mut self, ctx: &mut Ctx, v: &Val) -> Result<Vec<Val>, Val> {
        if let Val::Obj(o) = v {
            if self.default_iter(*o) {
                if let Kind::Array(items) = &self.heap.get(*o).kind {
                    return Ok(items.iter().map(|x| if let Val::Empty = x { Val::Undef } else { x.clone() }).collect());
                }
            }
        }
        let it = self.get_iterator(ctx, v)?;
        let mut out = Vec::new();
        while let Some(x) = self.iter_step(ctx, &it)? {
            out.push(x);
            if out.len() > MAX_ITEMS {
                return Err(self.fatal("an iterable produced more than 20000000 values"));
            }
        }
        Ok(out)
    }
}

//! Property access, conversions and operators: the parts of ECMA-262's abstract operations the
//! subset needs (`Get`, `Set`, `ToPrimitive`, `ToString`, `ToNumber`, equality, `typeof`).

use super::num;
use super::value::*;
use super::vm::{ErrKind, Vm};
use crate::proc::program::Ctx;

pub type Res = Result<Val, Val>;

/// Well-known symbols.
pub const SYM_ITERATOR: u32 = 0;
pub const SYM_ASYNC_ITERATOR: u32 = 1;
pub const SYM_HAS_INSTANCE: u32 = 2;
pub const SYM_TO_PRIMITIVE: u32 = 3;
pub const SYM_TO_STRING_TAG: u32 = 4;
pub const SYM_INSPECT: u32 = 5;

/// An array index from a property name (`"3"` → 3).
pub fn index_of(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 10 || (s.len() > 1 && s.starts_with('0')) {
        return None;
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: u64 = s.parse().ok()?;
    if v < u32::MAX as u64 {
        Some(v as u32)
    } else {
        None
    }
}

/// Number of UTF-16 code units.
pub fn utf16_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.encode_utf16().count()
    }
}

/// The UTF-16 code unit at `i` as a one-unit string (lone surrogates become U+FFFD).
pub fn char_at(s: &str, i: usize) -> Option<String> {
    if s.is_ascii() {
        return s.get(i..i + 1).map(|c| c.to_string());
    }
    let u: Vec<u16> = s.encode_utf16().collect();
    let c = *u.get(i)?;
    if (0xd800..0xe000).contains(&c) {
        // Lone surrogates have no UTF-8 form.
        return Some("\u{fffd}".into());
    }
    Some(String::from_utf16_lossy(&[c]))
}

/// Slice by UTF-16 indices.
pub fn utf16_slice(s: &str, start: usize, end: usize) -> String {
    if s.is_ascii() {
        let e = end.min(s.len());
        let st = start.min(e);
        return s[st..e].to_string();
    }
    let u: Vec<u16> = s.encode_utf16().collect();
    let e = end.min(u.len());
    let st = start.min(e);
    String::from_utf16_lossy(&u[st..e])
}

impl Vm {
    // ---- property lookup ----

    /// An own property's slot, including the exotic ones (array elements, `length`, a
    /// function's `name`/`length`/`prototype`, boxed strings).
    pub fn own(&mut self, o: Oid, key: &Key) -> Option<(Slot, u8)> {
        let obj = self.heap.get(o);
        if let Some(p) = obj.props.get(key) {
            return Some((p.slot.clone(), p.flags));
        }
        let Key::S(s) = key else { return None };
        match &obj.kind {
            Kind::Array(v) => {
                if &**s == "length" {
                    return Some((Slot::V(Val::Num(v.len() as f64)), WRITE));
                }
                let i = index_of(s)? as usize;
                match v.get(i) {
                    Some(Val::Empty) | None => None,
                    Some(x) => Some((Slot::V(x.clone()), DEFAULT)),
                }
            }
            Kind::Bytes(b) => {
                if &**s == "length" {
                    return Some((Slot::V(Val::Num(b.len() as f64)), 0));
                }
                let i = index_of(s)? as usize;
                b.get(i).map(|x| (Slot::V(Val::Num(*x as f64)), DEFAULT))
            }
            Kind::BoxStr(st) => {
                if &**s == "length" {
                    return Some((Slot::V(Val::Num(utf16_len(st) as f64)), 0));
                }
                let i = index_of(s)? as usize;
                char_at(st, i).map(|c| (Slot::V(Val::Str(c.into())), ENUM))
            }
            Kind::Func(c) => {
                let code = c.code.clone();
                let is_class = c.is_class;
                match &**s {
                    "name" => Some((Slot::V(Val::Str(code.name.clone())), CONF)),
                    "length" => Some((Slot::V(Val::Num(code.length as f64)), CONF)),
                    "prototype" if is_class || self.is_constructor_code(&code) => {
                        let p = self.make_prototype(o);
                        Some((Slot::V(Val::Obj(p)), WRITE))
                    }
                    _ => None,
                }
            }
            Kind::Bound(target, _, args) => {
                let (target, n) = (*target, args.len());
                match &**s {
                    "name" => {
                        let name = self.fn_name(target);
                        Some((Slot::V(Val::Str(format!("bound {name}").into())), CONF))
                    }
                    "length" => {
                        let l = self.get_num_prop(target, "length").unwrap_or(0.0);
                        Some((Slot::V(Val::Num((l - n as f64).max(0.0))), CONF))
                    }
                    _ => None,
                }
            }
            Kind::Native(..) => match &**s {
                "name" => Some((Slot::V(Val::str("")), CONF)),
                "length" => Some((Slot::V(Val::Num(0.0)), CONF)),
                _ => None,
            },
            _ => None,
        }
    }

    fn get_num_prop(&mut self, o: Oid, name: &str) -> Option<f64> {
        match self.own(o, &Key::s(name)) {
            Some((Slot::V(Val::Num(n)), _)) => Some(n),
            _ => None,
        }
    }

    pub fn is_constructor_code(&self, code: &super::code::Code) -> bool {
        use super::ast::FnKind;
        matches!(code.kind, FnKind::Normal | FnKind::Ctor { .. }) && !code.is_async && !code.is_gen
    }

    /// Creates (once) the `prototype` object of a constructor function.
    pub fn make_prototype(&mut self, f: Oid) -> Oid {
        let key = Key::s("prototype");
        if let Some(Prop { slot: Slot::V(Val::Obj(p)), .. }) = self.heap.get(f).props.get(&key) {
            return *p;
        }
        let p = self.new_object();
        self.heap.get_mut(p).props.insert(Key::s("constructor"), Slot::V(Val::Obj(f)), HIDDEN);
        self.heap.get_mut(f).props.insert(key, Slot::V(Val::Obj(p)), WRITE);
        p
    }

    pub fn fn_name(&mut self, f: Oid) -> Str {
        match self.own(f, &Key::s("name")) {
            Some((Slot::V(Val::Str(s)), _)) => s,
            _ => "".into(),
        }
    }

    /// Finds a property along the prototype chain: (slot, the object holding it).
    pub fn lookup(&mut self, o: Oid, key: &Key) -> Option<Slot> {
        let mut cur = Some(o);
        let mut guard = 0;
        while let Some(c) = cur {
            if let Some((slot, _)) = self.own(c, key) {
                return Some(slot);
            }
            cur = self.heap.get(c).proto;
            guard += 1;
            if guard > 10_000 {
                break;
            }
        }
        None
    }

    /// `[[Get]]` on an object with a receiver.
    pub fn get_obj(&mut self, ctx: &mut Ctx, o: Oid, key: &Key, receiver: &Val) -> Res {
        match self.lookup(o, key) {
            None => Ok(Val::Undef),
            Some(Slot::V(v)) => Ok(v),
            Some(Slot::Acc(Some(g), _)) => self.call(ctx, &Val::Obj(g), receiver.clone(), Vec::new()),
            Some(Slot::Acc(None, _)) => Ok(Val::Undef),
        }
    }

    /// The prototype used for property lookups on a primitive.
    pub fn proto_of_primitive(&self, v: &Val) -> Option<Oid> {
        Some(match v {
            Val::Str(_) => self.realm.string_proto,
            Val::Num(_) => self.realm.number_proto,
            Val::Bool(_) => self.realm.boolean_proto,
            Val::Sym(_) => self.realm.symbol_proto,
            _ => return None,
        })
    }

    /// `GetV(value, key)`: property access on any value; `undefined`/`null` throw.
    pub fn get(&mut self, ctx: &mut Ctx, v: &Val, key: &Key) -> Res {
        match v {
            Val::Obj(o) => self.get_obj(ctx, *o, key, v),
            Val::Str(s) => {
                if let Key::S(k) = key {
                    if &**k == "length" {
                        return Ok(Val::Num(utf16_len(s) as f64));
                    }
                    if let Some(i) = index_of(k) {
                        if let Some(c) = char_at(s, i as usize) {
                            return Ok(Val::Str(c.into()));
                        }
                        return Ok(Val::Undef);
                    }
                }
                let p = self.realm.string_proto;
                self.get_obj(ctx, p, key, v)
            }
            Val::Undef | Val::Null | Val::Empty => {
                let what = if matches!(v, Val::Null) { "null" } else { "undefined" };
                Err(self.error(ErrKind::Type, &format!("Cannot read properties of {what} (reading '{}')", self.key_display(key))))
            }
            Val::Sym(id) => {
                if key.as_str() == Some("description") {
                    return Ok(self.symbols.get(*id as usize).map(|s| Val::Str(s.clone())).unwrap_or(Val::Undef));
                }
                let p = self.realm.symbol_proto;
                self.get_obj(ctx, p, key, v)
            }
            _ => {
                let p = self.proto_of_primitive(v).unwrap_or(self.realm.object_proto);
                self.get_obj(ctx, p, key, v)
            }
        }
    }

    pub fn key_display(&self, key: &Key) -> String {
        match key {
            Key::S(s) => s.to_string(),
            Key::Sym(id) => format!("Symbol({})", self.symbols.get(*id as usize).map(|s| &**s).unwrap_or("")),
        }
    }

    pub fn get_str(&mut self, ctx: &mut Ctx, v: &Val, name: &str) -> Res {
        self.get(ctx, v, &Key::s(name))
    }

    /// `[[Set]]`: assigns, calling setters; `strict` decides whether failures throw.
    pub fn set(&mut self, ctx: &mut Ctx, target: &Val, key: Key, val: Val, strict: bool) -> Result<(), Val> {
        let o = match target {
            Val::Obj(o) => *o,
            Val::Undef | Val::Null | Val::Empty => {
                let what = if matches!(target, Val::Null) { "null" } else { "undefined" };
                return Err(self.error(ErrKind::Type, &format!("Cannot set properties of {what} (setting '{}')", self.key_display(&key))));
            }
            _ => {
                if strict {
                    let ty = self.typeof_str(target);
                    let shown = self.to_display(target);
                    return Err(self.error(ErrKind::Type, &format!("Cannot create property '{}' on {ty} '{shown}'", self.key_display(&key))));
                }
                return Ok(());
            }
        };
        // Arrays: elements and length; Buffers: bytes.
        if let (Key::S(s), Kind::Bytes(_)) = (&key, &self.heap.get(o).kind) {
            if let Some(i) = index_of(s) {
                let n = self.to_number(ctx, &val)?;
                if let Kind::Bytes(b) = &mut self.heap.get_mut(o).kind {
                    if let Some(x) = b.get_mut(i as usize) {
                        *x = if n.is_finite() { (n as i64).rem_euclid(256) as u8 } else { 0 };
                    }
                }
                return Ok(());
            }
        }
        if let Key::S(s) = &key {
            if let Kind::Array(_) = self.heap.get(o).kind {
                if &**s == "length" {
                    let n = self.to_number(ctx, &val)?;
                    if n < 0.0 || n.fract() != 0.0 || n > 4294967295.0 {
                        return Err(self.error(ErrKind::Range, "Invalid array length"));
                    }
                    return self.set_array_len(o, n as usize);
                }
                if let Some(i) = index_of(s) {
                    return self.set_index(o, i as usize, val);
                }
            }
        }
        let own_flags = self.heap.get(o).props.get(&key).map(|p| (p.flags, matches!(p.slot, Slot::V(_))));
        match own_flags {
            Some((flags, true)) => {
                if flags & WRITE == 0 {
                    return self.readonly(&key, o, strict);
                }
                if let Some(p) = self.heap.get_mut(o).props.get_mut(&key) {
                    p.slot = Slot::V(val);
                }
                return Ok(());
            }
            Some((_, false)) => {}
            None => {
                // Virtual properties of functions.
                if let (Kind::Func(_), Some(k)) = (&self.heap.get(o).kind, key.as_str()) {
                    if k == "name" || k == "length" {
                        return self.readonly(&key, o, strict);
                    }
                }
            }
        }
        // Setters and read-only properties up the chain.
        match self.lookup(o, &key) {
            Some(Slot::Acc(Some(_), Some(s))) | Some(Slot::Acc(None, Some(s))) => {
                self.call(ctx, &Val::Obj(s), target.clone(), vec![val])?;
                return Ok(());
            }
            Some(Slot::Acc(_, None)) => {
                if strict {
                    let obj = self.object_display(o);
                    return Err(self.error(ErrKind::Type, &format!("Cannot set property {} of {obj} which has only a getter", self.key_display(&key))));
                }
                return Ok(());
            }
            _ => {}
        }
        if !self.heap.get(o).extensible {
            if strict {
                return Err(self.error(ErrKind::Type, &format!("Cannot add property {}, object is not extensible", self.key_display(&key))));
            }
            return Ok(());
        }
        self.heap.get_mut(o).props.insert(key, Slot::V(val), DEFAULT);
        Ok(())
    }

    fn readonly(&mut self, key: &Key, o: Oid, strict: bool) -> Result<(), Val> {
        if strict {
            let obj = self.object_display(o);
            return Err(self.error(ErrKind::Type, &format!("Cannot assign to read only property '{}' of {obj}", self.key_display(key))));
        }
        Ok(())
    }

    /// `#<Object>`, `function 'f'`… as V8 names a receiver in messages.
    pub fn object_display(&mut self, o: Oid) -> String {
        if self.heap.get(o).is_callable() {
            let n = self.fn_name(o);
            return format!("function '{}'", self.function_source(o).unwrap_or_else(|| format!("function {n}() {{ [native code] }}")));
        }
        let name = self.constructor_name(o).unwrap_or_else(|| "Object".into());
        format!("object '#<{name}>'")
    }

    pub fn set_index(&mut self, o: Oid, i: usize, val: Val) -> Result<(), Val> {
        let frozen = !self.heap.get(o).extensible;
        if let Kind::Array(v) = &mut self.heap.get_mut(o).kind {
            if i < v.len() {
                if frozen {
                    return Ok(());
                }
                v[i] = val;
                return Ok(());
            }
            if frozen {
                return Ok(());
            }
            if i > v.len() + 10_000_000 {
                return Err(self.fatal("sparse arrays are not simulated"));
            }
            if i > v.len() {
                v.resize(i, Val::Empty);
            }
            v.push(val);
        }
        Ok(())
    }

    fn set_array_len(&mut self, o: Oid, n: usize) -> Result<(), Val> {
        if let Kind::Array(v) = &mut self.heap.get_mut(o).kind {
            if n > v.len() + 10_000_000 {
                return Err(self.fatal("sparse arrays are not simulated"));
            }
            v.resize(n, Val::Empty);
        }
        Ok(())
    }

    /// Defines an own data property (object literals, `Object.defineProperty` values).
    pub fn define(&mut self, o: Oid, key: Key, val: Val, flags: u8) {
        if let Key::S(s) = &key {
            if let Kind::Array(_) = self.heap.get(o).kind {
                if let Some(i) = index_of(s) {
                    let _ = self.set_index(o, i as usize, val);
                    return;
                }
            }
        }
        self.heap.get_mut(o).props.insert(key, Slot::V(val), flags);
    }

    pub fn delete(&mut self, o: Oid, key: &Key) -> bool {
        if let Key::S(s) = key {
            if let Kind::Array(v) = &mut self.heap.get_mut(o).kind {
                if let Some(i) = index_of(s) {
                    if let Some(x) = v.get_mut(i as usize) {
                        *x = Val::Empty;
                    }
                    return true;
                }
            }
        }
        let obj = self.heap.get_mut(o);
        if let Some(p) = obj.props.get(key) {
            if p.flags & CONF == 0 {
                return false;
            }
        }
        obj.props.remove(key);
        true
    }

    /// Own enumerable string keys in ECMA-262 order (indices ascending, then insertion order).
    pub fn own_keys(&self, o: Oid, include_hidden: bool) -> Vec<Str> {
        let obj = self.heap.get(o);
        let mut ints: Vec<(u32, Str)> = Vec::new();
        let mut out: Vec<Str> = Vec::new();
        match &obj.kind {
            Kind::Array(v) => {
                for (i, x) in v.iter().enumerate() {
                    if !matches!(x, Val::Empty) {
                        ints.push((i as u32, i.to_string().into()));
                    }
                }
            }
            Kind::BoxStr(s) => {
                for i in 0..utf16_len(s) {
                    ints.push((i as u32, i.to_string().into()));
                }
            }
            _ => {}
        }
        let array_like = !ints.is_empty();
        for p in &obj.props.list {
            if p.flags & ENUM == 0 && !include_hidden {
                continue;
            }
            if let Key::S(s) = &p.key {
                // Dockling's own bookkeeping on functions (stack-trace names).
                if &**s == "%frame" || &**s == "%inferred" {
                    continue;
                }
                match index_of(s) {
                    Some(i) => ints.push((i, s.clone())),
                    None => out.push(s.clone()),
                }
            }
        }
        if ints.len() > 1 && !(array_like && ints.windows(2).all(|w| w[0].0 < w[1].0)) {
            crate::text::sort_by(&mut ints, &|a, b| a.0.cmp(&b.0));
        }
        let mut all: Vec<Str> = ints.into_iter().map(|(_, s)| s).collect();
        all.extend(out);
        if include_hidden {
            if let Kind::Array(_) = obj.kind {
                all.push("length".into());
            }
        }
        all
    }

    pub fn has_property(&mut self, o: Oid, key: &Key) -> bool {
        self.lookup(o, key).is_some()
    }

    // ---- conversions ----

    pub fn truthy(&self, v: &Val) -> bool {
        match v {
            Val::Undef | Val::Null | Val::Empty => false,
            Val::Bool(b) => *b,
            Val::Num(n) => *n != 0.0 && !n.is_nan(),
            Val::Str(s) => !s.is_empty(),
            Val::Obj(_) | Val::Sym(_) => true,
        }
    }

    pub fn typeof_str(&self, v: &Val) -> &'static str {
        match v {
            Val::Undef | Val::Empty => "undefined",
            Val::Null => "object",
            Val::Bool(_) => "boolean",
            Val::Num(_) => "number",
            Val::Str(_) => "string",
            Val::Sym(_) => "symbol",
            Val::Obj(o) => {
                if self.heap.get(*o).is_callable() {
                    "function"
                } else {
                    "object"
                }
            }
        }
    }

    /// `ToPrimitive` with hint "default"/"number" (`prefer_string` = false) or "string".
    pub fn to_primitive(&mut self, ctx: &mut Ctx, v: &Val, prefer_string: bool) -> Res {
        let Val::Obj(o) = v else { return Ok(v.clone()) };
        let o = *o;
        match &self.heap.get(o).kind {
            Kind::BoxStr(s) => return Ok(Val::Str(s.clone())),
            Kind::BoxNum(n) => return Ok(Val::Num(*n)),
            Kind::BoxBool(b) => return Ok(Val::Bool(*b)),
            Kind::Date(_) if !prefer_string => return self.to_primitive(ctx, v, true),
            _ => {}
        }
        let order: [&str; 2] = if prefer_string { ["toString", "valueOf"] } else { ["valueOf", "toString"] };
        for name in order {
            let f = self.get_obj(ctx, o, &Key::s(name), v)?;
            if let Val::Obj(fo) = &f {
                if self.heap.get(*fo).is_callable() {
                    let r = self.call(ctx, &f, v.clone(), Vec::new())?;
                    if !matches!(r, Val::Obj(_)) {
                        return Ok(r);
                    }
                }
            }
        }
        Err(self.error(ErrKind::Type, "Cannot convert object to primitive value"))
    }

    pub fn to_number(&mut self, ctx: &mut Ctx, v: &Val) -> Result<f64, Val> {
        Ok(match v {
            Val::Num(n) => *n,
            Val::Undef | Val::Empty => f64::NAN,
            Val::Null => 0.0,
            Val::Bool(b) => {
                if *b {
                    1.0
                } else {
                    0.0
                }
            }
            Val::Str(s) => num::parse(s),
            Val::Sym(_) => return Err(self.error(ErrKind::Type, "Cannot convert a Symbol value to a number")),
            Val::Obj(_) => {
                let p = self.to_primitive(ctx, v, false)?;
                return self.to_number(ctx, &p);
            }
        })
    }

    /// `ToString`.
    pub fn to_str(&mut self, ctx: &mut Ctx, v: &Val) -> Result<Str, Val> {
        Ok(match v {
            Val::Str(s) => s.clone(),
            Val::Obj(_) => {
                let p = self.to_primitive(ctx, v, true)?;
                return self.to_str(ctx, &p);
            }
            Val::Sym(_) => return Err(self.error(ErrKind::Type, "Cannot convert a Symbol value to a string")),
            other => self.prim_str(other).into(),
        })
    }

    /// ToString of a primitive.
    pub fn prim_str(&self, v: &Val) -> String {
        match v {
            Val::Undef | Val::Empty => "undefined".into(),
            Val::Null => "null".into(),
            Val::Bool(b) => b.to_string(),
            Val::Num(n) => num::to_str(*n),
            Val::Str(s) => s.to_string(),
            Val::Sym(id) => format!("Symbol({})", self.symbols.get(*id as usize).map(|s| &**s).unwrap_or("")),
            Val::Obj(_) => "[object Object]".into(),
        }
    }

    /// A value as V8 shows it inside messages (`Cannot create property 'x' on string 'abc'`).
    pub fn to_display(&self, v: &Val) -> String {
        self.prim_str(v)
    }

    pub fn to_key(&mut self, ctx: &mut Ctx, v: &Val) -> Result<Key, Val> {
        Ok(match v {
            Val::Sym(id) => Key::Sym(*id),
            Val::Str(s) => Key::S(s.clone()),
            Val::Num(n) => Key::S(num::to_str(*n).into()),
            Val::Obj(_) => {
                let p = self.to_primitive(ctx, v, true)?;
                return self.to_key(ctx, &p);
            }
            other => Key::S(self.prim_str(other).into()),
        })
    }

    pub fn to_object(&mut self, v: &Val) -> Result<Oid, Val> {
        match v {
            Val::Obj(o) => Ok(*o),
            Val::Undef | Val::Null | Val::Empty => Err(self.error(ErrKind::Type, "Cannot convert undefined or null to object")),
            Val::Str(s) => {
                let p = self.realm.string_proto;
                Ok(self.heap.alloc(Obj::new(Some(p), Kind::BoxStr(s.clone()))))
            }
            Val::Num(n) => {
                let p = self.realm.number_proto;
                Ok(self.heap.alloc(Obj::new(Some(p), Kind::BoxNum(*n))))
            }
            Val::Bool(b) => {
                let p = self.realm.boolean_proto;
                Ok(self.heap.alloc(Obj::new(Some(p), Kind::BoxBool(*b))))
            }
            Val::Sym(_) => Ok(self.new_object()),
        }
    }

    // ---- operators ----

    pub fn strict_eq(&self, a: &Val, b: &Val) -> bool {
        match (a, b) {
            (Val::Undef, Val::Undef) | (Val::Null, Val::Null) => true,
            (Val::Empty, Val::Empty) | (Val::Undef, Val::Empty) | (Val::Empty, Val::Undef) => true,
            (Val::Bool(x), Val::Bool(y)) => x == y,
            (Val::Num(x), Val::Num(y)) => x == y,
            (Val::Str(x), Val::Str(y)) => x == y,
            (Val::Obj(x), Val::Obj(y)) => x == y,
            (Val::Sym(x), Val::Sym(y)) => x == y,
            _ => false,
        }
    }

    /// SameValueZero (includes, Map keys).
    pub fn same_value_zero(&self, a: &Val, b: &Val) -> bool {
        match (a, b) {
            (Val::Num(x), Val::Num(y)) if x.is_nan() && y.is_nan() => true,
            _ => self.strict_eq(a, b),
        }
    }

    pub fn loose_eq(&mut self, ctx: &mut Ctx, a: &Val, b: &Val) -> Result<bool, Val> {
        Ok(match (a, b) {
            (Val::Undef | Val::Null | Val::Empty, Val::Undef | Val::Null | Val::Empty) => true,
            (Val::Undef | Val::Null | Val::Empty, _) | (_, Val::Undef | Val::Null | Val::Empty) => false,
            (Val::Num(_), Val::Str(s)) => self.strict_eq(a, &Val::Num(num::parse(s))),
            (Val::Str(s), Val::Num(_)) => self.strict_eq(&Val::Num(num::parse(s)), b),
            (Val::Bool(x), _) => {
                let n = Val::Num(if *x { 1.0 } else { 0.0 });
                return self.loose_eq(ctx, &n, b);
            }
            (_, Val::Bool(y)) => {
                let n = Val::Num(if *y { 1.0 } else { 0.0 });
                return self.loose_eq(ctx, a, &n);
            }
            (Val::Obj(_), Val::Num(_) | Val::Str(_) | Val::Sym(_)) => {
                let p = self.to_primitive(ctx, a, false)?;
                return self.loose_eq(ctx, &p, b);
            }
            (Val::Num(_) | Val::Str(_) | Val::Sym(_), Val::Obj(_)) => {
                let p = self.to_primitive(ctx, b, false)?;
                return self.loose_eq(ctx, a, &p);
            }
            _ => self.strict_eq(a, b),
        })
    }

    pub fn add(&mut self, ctx: &mut Ctx, a: &Val, b: &Val) -> Res {
        if let (Val::Num(x), Val::Num(y)) = (a, b) {
            return Ok(Val::Num(x + y));
        }
        let pa = self.to_primitive(ctx, a, false)?;
        let pb = self.to_primitive(ctx, b, false)?;
        if matches!(pa, Val::Str(_)) || matches!(pb, Val::Str(_)) {
            let sa = self.to_str(ctx, &pa)?;
            let sb = self.to_str(ctx, &pb)?;
            let mut s = String::with_capacity(sa.len() + sb.len());
            s.push_str(&sa);
            s.push_str(&sb);
            if s.len() > 512 * 1024 * 1024 {
                return Err(self.error(ErrKind::Range, "Invalid string length"));
            }
            return Ok(Val::Str(s.into()));
        }
        let x = self.to_number(ctx, &pa)?;
        let y = self.to_number(ctx, &pb)?;
        Ok(Val::Num(x + y))
    }

    /// `<` and friends: Some(true/false) or None for undefined (NaN).
    pub fn less_than(&mut self, ctx: &mut Ctx, a: &Val, b: &Val, left_first: bool) -> Result<Option<bool>, Val> {
        let (pa, pb) = if left_first {
            let pa = self.to_primitive(ctx, a, false)?;
            (pa, self.to_primitive(ctx, b, false)?)
        } else {
            let pb = self.to_primitive(ctx, b, false)?;
            (self.to_primitive(ctx, a, false)?, pb)
        };
        if let (Val::Str(x), Val::Str(y)) = (&pa, &pb) {
            let xu: Vec<u16> = x.encode_utf16().collect();
            let yu: Vec<u16> = y.encode_utf16().collect();
            return Ok(Some(xu < yu));
        }
        let x = self.to_number(ctx, &pa)?;
        let y = self.to_number(ctx, &pb)?;
        if x.is_nan() || y.is_nan() {
            return Ok(None);
        }
        Ok(Some(x < y))
    }

    pub fn instance_of(&mut self, ctx: &mut Ctx, v: &Val, ctor: &Val) -> Result<bool, Val> {
        let Val::Obj(c) = ctor else {
            return Err(self.error(ErrKind::Type, "Right-hand side of 'instanceof' is not callable"));
        };
        let c = *c;
        if !self.heap.get(c).is_callable() {
            return Err(self.error(ErrKind::Type, "Right-hand side of 'instanceof' is not callable"));
        }
        let c = match self.heap.get(c).kind {
            Kind::Bound(t, _, _) => t,
            _ => c,
        };
        let Val::Obj(mut o) = v else { return Ok(false) };
        let proto = self.get_obj(ctx, c, &Key::s("prototype"), ctor)?;
        let Val::Obj(p) = proto else {
            return Err(self.error(ErrKind::Type, "Function has non-object prototype 'undefined' in instanceof check"));
        };
        let mut guard = 0;
        while let Some(next) = self.heap.get(o).proto {
            if next == p {
                return Ok(true);
            }
            o = next;
            guard += 1;
            if guard > 10_000 {
                break;
            }
        }
        Ok(false)
    }

    /// The `constructor.name` V8 shows for an object (`P { x: 1 }`).
    pub fn constructor_name(&mut self, o: Oid) -> Option<String> {
        let mut cur = Some(o);
        let mut guard = 0;
        while let Some(c) = cur {
            if let Some(Prop { slot: Slot::V(Val::Obj(f)), .. }) = self.heap.get(c).props.get(&Key::s("constructor")) {
                let f = *f;
                let n = self.fn_name(f);
                if !n.is_empty() {
                    return Some(n.to_string());
                }
            }
            cur = self.heap.get(c).proto;
            guard += 1;
            if guard > 1000 {
                break;
            }
        }
        None
    }

    /// The source text of a user function (`Function.prototype.toString`).
    pub fn function_source(&self, f: Oid) -> Option<String> {
        if let Kind::Func(c) = &self.heap.get(f).kind {
            let (s, e) = c.code.src;
            return c.code.script.src.get(s as usize..e as usize).map(|t| t.to_string());
        }
        None
    }
}

//! Text of values: `repr` and `str` as CPython writes them (shortest round-trip floats,
//! string quoting), the format-spec mini-language, `%` formatting and `str.format`.

use std::rc::Rc;

use super::ops::{as_f64, as_int};
use super::value::*;
use super::vm::{exc, PyResult, Vm};
use crate::proc::program::Ctx;

/// How deep `repr` descends into nested containers before giving up.
const MAX_REPR_DEPTH: u32 = 200;

/// `repr(float)`: the shortest string that round-trips, in CPython's layout.
pub fn float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let (neg, digits, e) = sci_digits(x, None);
    let body = if !(-4..16).contains(&e) {
        sci_layout(&digits, e, true)
    } else {
        fixed_layout(&digits, e, true)
    };
    if neg {
        format!("-{body}")
    } else {
        body
    }
}

/// Decimal digits and exponent of |x| (`d.ddd × 10^e`); `prec` significant digits, or the
/// shortest round-trip form.
fn sci_digits(x: f64, prec: Option<usize>) -> (bool, String, i32) {
    let neg = x.is_sign_negative();
    let s = match prec {
        Some(p) => format!("{:.*e}", p.saturating_sub(1), x.abs()),
        None => format!("{:e}", x.abs()),
    };
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let digits: String = m.chars().filter(|c| c.is_ascii_digit()).collect();
    (neg, digits, e.parse().unwrap_or(0))
}

fn sci_layout(digits: &str, e: i32, trim: bool) -> String {
    let mut d = digits.to_string();
    if trim {
        while d.len() > 1 && d.ends_with('0') {
            d.pop();
        }
    }
    let mant = if d.len() > 1 {
        format!("{}.{}", &d[..1], &d[1..])
    } else {
        d
    };
    let sign = if e < 0 { '-' } else { '+' };
    format!("{mant}e{sign}{:02}", e.abs())
}

fn fixed_layout(digits: &str, e: i32, add_dot0: bool) -> String {
    let mut d = digits.to_string();
    while d.len() > 1 && d.ends_with('0') {
        d.pop();
    }
    if e >= 0 {
        let int_len = e as usize + 1;
        if d.len() <= int_len {
            let mut s = d.clone();
            s.push_str(&"0".repeat(int_len - d.len()));
            if add_dot0 {
                s.push_str(".0");
            }
            s
        } else {
            format!("{}.{}", &d[..int_len], &d[int_len..])
        }
    } else {
        format!("0.{}{}", "0".repeat((-e - 1) as usize), d)
    }
}

/// Escapes a str as CPython's `repr` does (choosing the quote).
pub fn str_repr(s: &str) -> String {
    let q = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if is_unprintable(c) => {
                let n = c as u32;
                if n < 0x100 {
                    out.push_str(&format!("\\x{n:02x}"));
                } else if n < 0x10000 {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push(q);
    out
}

fn is_unprintable(c: char) -> bool {
    let n = c as u32;
    (0x80..0xa0).contains(&n)
        || n == 0xad
        || (0x200b..=0x200f).contains(&n)
        || (0x2028..=0x202e).contains(&n)
        || (0x2060..=0x206f).contains(&n)
        || n == 0xfeff
        || (0xd800..=0xdfff).contains(&n)
        || (0xe000..=0xf8ff).contains(&n)
}

pub fn bytes_repr(b: &[u8]) -> String {
    let q = if b.contains(&b'\'') && !b.contains(&b'"') { '"' } else { '\'' };
    let mut out = String::from("b");
    out.push(q);
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c if c as char == q => {
                out.push('\\');
                out.push(c as char);
            }
            0x20..=0x7e => out.push(c as char),
            _ => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push(q);
    out
}

/// `ascii()`: escapes non-ASCII characters of a repr.
pub fn ascii(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let n = c as u32;
        if n < 0x80 {
            out.push(c);
        } else if n < 0x100 {
            out.push_str(&format!("\\x{n:02x}"));
        } else if n < 0x10000 {
            out.push_str(&format!("\\u{n:04x}"));
        } else {
            out.push_str(&format!("\\U{n:08x}"));
        }
    }
    out
}

/// A stable fake address for `<… object at 0x…>`.
pub fn addr(id: u32) -> String {
    format!("0x7f{:010x}", 0x3a2b_0000u64 + id as u64 * 0x40)
}

impl Vm {
    pub fn repr(&mut self, ctx: &mut Ctx, v: &Value) -> PyResult<Rc<str>> {
        let mut seen = Vec::new();
        self.repr_in(ctx, v, &mut seen).map(Rc::from)
    }

    pub fn str_of(&mut self, ctx: &mut Ctx, v: &Value) -> PyResult<Rc<str>> {
        match v {
            Value::Str(s) => Ok(s.clone()),
            Value::Obj(_) => {
                if let Some(Obj::Inst(_)) = self.obj(v) {
                    if let Some(f) = self.special(v, "__str__") {
                        if !matches!(f, Value::Builtin(_)) {
                            let r = self.call_sync(ctx, f, vec![v.clone()], Vec::new())?;
                            return match r {
                                Value::Str(s) => Ok(s),
                                other => {
                                    let t = self.type_name(&other);
                                    Err(self.type_error(format!("__str__ returned non-string (type {t})")))
                                }
                            };
                        }
                    }
                    if self.is_exc_instance(v, exc::BASE) {
                        return self.exc_str(ctx, v);
                    }
                    if self.special(v, "__repr__").is_none() {
                        if let Some(inner) = self.inst_inner(v) {
                            return self.str_of(ctx, &inner);
                        }
                    }
                }
                self.repr(ctx, v)
            }
            _ => self.repr(ctx, v),
        }
    }

    /// `str(exception)`.
    pub fn exc_str(&mut self, ctx: &mut Ctx, v: &Value) -> PyResult<Rc<str>> {
        let args = match self.obj(v) {
            Some(Obj::Inst(i)) => i.attrs.get("args").cloned(),
            _ => None,
        };
        let items = match args.as_ref().and_then(|a| self.obj(a)) {
            Some(Obj::Tuple(t)) => t.clone(),
            _ => Vec::new(),
        };
        let cls = self.class_of_inst(v).unwrap_or(0);
        if self.is_subclass(cls, exc::KEY) && items.len() == 1 {
            return self.repr(ctx, &items[0]);
        }
        if self.is_subclass(cls, exc::OS) && items.len() >= 2 {
            let errno = self.str_of(ctx, &items[0])?;
            let msg = self.str_of(ctx, &items[1])?;
            let fname = match self.obj(v) {
                Some(Obj::Inst(i)) => i.attrs.get("filename").cloned(),
                _ => None,
            };
            return Ok(match fname {
                Some(f) if !f.is_none() => {
                    let fr = self.repr(ctx, &f)?;
                    Rc::from(format!("[Errno {errno}] {msg}: {fr}"))
                }
                _ => Rc::from(format!("[Errno {errno}] {msg}")),
            });
        }
        match items.len() {
            0 => Ok(Rc::from("")),
            1 => self.str_of(ctx, &items[0]),
            _ => {
                let t = self.new_tuple(items);
                self.repr(ctx, &t)
            }
        }
    }

    fn repr_in(&mut self, ctx: &mut Ctx, v: &Value, seen: &mut Vec<u32>) -> PyResult<String> {
        Ok(match v {
            Value::None | Value::Undef => "None".into(),
            Value::Bool(true) => "True".into(),
            Value::Bool(false) => "False".into(),
            Value::Int(i) => i.to_string(),
            Value::Big(b) => {
                let s = b.to_string();
                let digits = s.trim_start_matches('-').len();
                if digits > 4300 && self.version.at_least(11) {
                    return Err(self.value_error(
                        "Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit",
                    ));
                }
                s
            }
            Value::Float(f) => float_repr(*f),
            Value::Str(s) => str_repr(s),
            Value::Bytes(b) => bytes_repr(b),
            Value::Type(t) => format!("<class '{}'>", t.name()),
            Value::Builtin(b) if matches!(&**b, "exit" | "quit") => format!("Use {b}() or Ctrl-D (i.e. EOF) to exit"),
            Value::Builtin(b) => match b.split_once('.') {
                Some((t, m)) if !t.is_empty() && !matches!(t, "math" | "time" | "os" | "sys" | "random" | "json" | "os.path") => {
                    format!("<method '{m}' of '{t}' objects>")
                }
                _ => format!("<built-in function {}>", b.rsplit('.').next().unwrap_or(b)),
            },
            Value::Code(c) => format!("<code object {} at {}>", c.name, addr(0)),
            Value::Ellipsis => "Ellipsis".into(),
            Value::NotImplemented => "NotImplemented".into(),
            Value::Obj(id) => {
                let id = *id;
                if seen.len() as u32 > MAX_REPR_DEPTH {
                    return Err(self.exc(exc::RECURSION, "maximum recursion depth exceeded while getting the repr of an object"));
                }
                let recursive = seen.contains(&id);
                match self.heap.get(id).clone() {
                    Obj::List(items) => {
                        if recursive {
                            return Ok("[...]".into());
                        }
                        seen.push(id);
                        let parts = self.repr_items(ctx, &items, seen)?;
                        seen.pop();
                        format!("[{}]", parts.join(", "))
                    }
                    Obj::Tuple(items) => {
                        if recursive {
                            return Ok("(...)".into());
                        }
                        seen.push(id);
                        let parts = self.repr_items(ctx, &items, seen)?;
                        seen.pop();
                        if parts.len() == 1 {
                            format!("({},)", parts[0])
                        } else {
                            format!("({})", parts.join(", "))
                        }
                    }
                    Obj::Dict(d) => {
                        if recursive {
                            return Ok("{...}".into());
                        }
                        seen.push(id);
                        let mut parts = Vec::with_capacity(d.len());
                        for (k, x) in &d.entries {
                            let ks = self.repr_in(ctx, k, seen)?;
                            let xs = self.repr_in(ctx, x, seen)?;
                            parts.push(format!("{ks}: {xs}"));
                        }
                        seen.pop();
                        format!("{{{}}}", parts.join(", "))
                    }
                    Obj::Set(d) | Obj::FrozenSet(d) => {
                        let frozen = matches!(self.heap.get(id), Obj::FrozenSet(_));
                        if d.is_empty() {
                            return Ok(if frozen { "frozenset()".into() } else { "set()".into() });
                        }
                        if recursive {
                            return Ok("{...}".into());
                        }
                        seen.push(id);
                        let keys = set_order(self, &d);
                        let parts = self.repr_items(ctx, &keys, seen)?;
                        seen.pop();
                        if frozen {
                            format!("frozenset({{{}}})", parts.join(", "))
                        } else {
                            format!("{{{}}}", parts.join(", "))
                        }
                    }
                    Obj::Func(f) => format!("<function {} at {}>", f.qualname, addr(id)),
                    Obj::Class(c) => {
                        if c.module.as_ref() == "builtins" {
                            format!("<class '{}'>", c.qualname)
                        } else {
                            format!("<class '{}.{}'>", c.module, c.qualname)
                        }
                    }
                    Obj::Inst(i) => {
                        if let Some(f) = self.class_lookup(i.class, "__repr__") {
                            if !recursive {
                                seen.push(id);
                                let r = self.call_sync(ctx, f, vec![v.clone()], Vec::new());
                                seen.pop();
                                return match r? {
                                    Value::Str(s) => Ok(s.to_string()),
                                    other => {
                                        let t = self.type_name(&other);
                                        Err(self.type_error(format!("__repr__ returned non-string (type {t})")))
                                    }
                                };
                            }
                        }
                        if i.exc.is_some() {
                            let name = self.type_name(v);
                            let args = i.attrs.get("args").cloned();
                            let items = match args.as_ref().and_then(|a| self.obj(a)) {
                                Some(Obj::Tuple(t)) => t.clone(),
                                _ => Vec::new(),
                            };
                            let parts = self.repr_items(ctx, &items, seen)?;
                            return Ok(format!("{name}({})", parts.join(", ")));
                        }
                        if let Some(inner) = i.inner.clone() {
                            return self.repr_in(ctx, &inner, seen);
                        }
                        let (module, qual) = match self.heap.get(i.class) {
                            Obj::Class(c) => (c.module.clone(), c.qualname.clone()),
                            _ => (Rc::from("__main__"), Rc::from("object")),
                        };
                        format!("<{module}.{qual} object at {}>", addr(id))
                    }
                    Obj::Method(s, f) => {
                        let fname = self.callable_name(&f);
                        let sr = self.repr_in(ctx, &s, seen)?;
                        format!("<bound method {fname} of {sr}>")
                    }
                    Obj::NativeMethod(s, name) => {
                        let t = self.type_name(&s);
                        format!("<built-in method {name} of {t} object at {}>", addr(id))
                    }
                    Obj::Module(m) => match &m.file {
                        Some(f) => format!("<module '{}' from '{f}'>", m.name),
                        None => format!("<module '{}' (built-in)>", m.name),
                    },
                    Obj::Cell(_) => format!("<cell at {}>", addr(id)),
                    Obj::Iter(_) => format!("<{} object at {}>", self.type_name(v), addr(id)),
                    Obj::Range(a, b, s) => {
                        if s == 1 {
                            format!("range({a}, {b})")
                        } else {
                            format!("range({a}, {b}, {s})")
                        }
                    }
                    Obj::Slice(a, b, c) => {
                        let a = self.repr_in(ctx, &a, seen)?;
                        let b = self.repr_in(ctx, &b, seen)?;
                        let c = self.repr_in(ctx, &c, seen)?;
                        format!("slice({a}, {b}, {c})")
                    }
                    Obj::File(f) => {
                        if f.binary {
                            format!("<_io.BufferedReader name={}>", str_repr(&f.name))
                        } else {
                            format!("<_io.TextIOWrapper name={} mode={} encoding='UTF-8'>", str_repr(&f.name), str_repr(&f.mode))
                        }
                    }
                    Obj::Property(..) => format!("<property object at {}>", addr(id)),
                    Obj::StaticMethod(_) => format!("<staticmethod object at {}>", addr(id)),
                    Obj::ClassMethod(_) => format!("<classmethod object at {}>", addr(id)),
                    Obj::Super(..) => "<super object>".into(),
                    Obj::Gen(g) => format!("<generator object {} at {}>", g.qualname, addr(id)),
                    Obj::View(d, kind) => {
                        let entries = match self.heap.get(d) {
                            Obj::Dict(dd) => dd.entries.clone(),
                            _ => Vec::new(),
                        };
                        let mut parts = Vec::new();
                        for (k, x) in &entries {
                            parts.push(match kind {
                                0 => self.repr_in(ctx, k, seen)?,
                                1 => self.repr_in(ctx, x, seen)?,
                                _ => format!("({}, {})", self.repr_in(ctx, k, seen)?, self.repr_in(ctx, x, seen)?),
                            });
                        }
                        let name = ["dict_keys", "dict_values", "dict_items"][kind.min(2) as usize];
                        format!("{name}([{}])", parts.join(", "))
                    }
                    Obj::Free => "<freed>".into(),
                }
            }
        })
    }

    fn repr_items(&mut self, ctx: &mut Ctx, items: &[Value], seen: &mut Vec<u32>) -> PyResult<Vec<String>> {
        let mut out = Vec::with_capacity(items.len());
        for x in items {
            out.push(self.repr_in(ctx, x, seen)?);
        }
        Ok(out)
    }

    /// `format(v, spec)`.
    pub fn format_value(&mut self, ctx: &mut Ctx, v: &Value, spec: &str) -> PyResult<Rc<str>> {
        if let Some(Obj::Inst(_)) = self.obj(v) {
            if let Some(f) = self.special(v, "__format__") {
                let r = self.call_sync(ctx, f, vec![v.clone(), Value::str(spec)], Vec::new())?;
                if let Value::Str(s) = r {
                    return Ok(s);
                }
            }
            if spec.is_empty() {
                return self.str_of(ctx, v);
            }
            if let Some(inner) = self.inst_inner(v) {
                return self.format_value(ctx, &inner, spec);
            }
            let t = self.type_name(v);
            return Err(self.type_error(format!("unsupported format string passed to {t}.__format__")));
        }
        if spec.is_empty() {
            return self.str_of(ctx, v);
        }
        let Some(sp) = Spec::parse(spec) else {
            return Err(self.value_error("Invalid format specifier"));
        };
        let out = match v {
            Value::Str(s) => {
                if !matches!(sp.ty, None | Some('s')) {
                    return Err(self.value_error(format!(
                        "Unknown format code '{}' for object of type 'str'",
                        sp.ty.unwrap_or(' ')
                    )));
                }
                if sp.sign.is_some() {
                    return Err(self.value_error("Sign not allowed in string format specifier"));
                }
                let mut s: String = s.to_string();
                if let Some(p) = sp.prec {
                    s = s.chars().take(p).collect();
                }
                sp.pad(&s, '<')
            }
            Value::Int(_) | Value::Bool(_) | Value::Big(_) => {
                match sp.ty {
                    Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') => {
                        let f = as_f64(v).unwrap_or(0.0);
                        format_float(&sp, f)
                    }
                    Some('s') => {
                        return Err(self.value_error("Unknown format code 's' for object of type 'int'"))
                    }
                    _ => {
                        if sp.prec.is_some() {
                            return Err(self.value_error("Precision not allowed in integer format specifier"));
                        }
                        let s = match v {
                            Value::Big(b) => format_big(&sp, b),
                            _ => format_int(&sp, as_int(v).unwrap_or(0)),
                        };
                        match s {
                            Some(s) => s,
                            None => {
                                return Err(self.value_error(format!(
                                    "Unknown format code '{}' for object of type 'int'",
                                    sp.ty.unwrap_or(' ')
                                )))
                            }
                        }
                    }
                }
            }
            Value::Float(f) => {
                if matches!(sp.ty, Some('d' | 'x' | 'X' | 'o' | 'b' | 'c' | 's')) {
                    return Err(self.value_error(format!(
                        "Unknown format code '{}' for object of type 'float'",
                        sp.ty.unwrap_or(' ')
                    )));
                }
                format_float(&sp, *f)
            }
            _ => {
                let t = self.type_name(v);
                return Err(self.type_error(format!("unsupported format string passed to {t}.__format__")));
            }
        };
        Ok(Rc::from(out))
    }
}

/// The order CPython iterates a set of small ints in (by hash slot); other sets keep
/// insertion order (their real order depends on hash randomisation anyway).
pub fn set_order(_vm: &Vm, d: &Dict) -> Vec<Value> {
    let keys: Vec<Value> = d.keys().cloned().collect();
    if keys.is_empty() || !keys.iter().all(|k| matches!(k, Value::Int(_) | Value::Bool(_))) {
        return keys;
    }
    // Table size as CPython grows it: 8, then x4 while the fill passes 3/5.
    let n = keys.len();
    let mut size: u64 = 8;
    while (n as u64) * 5 >= size * 3 {
        size *= 4;
    }
    let mut slots: Vec<Option<Value>> = vec![None; size as usize];
    let mask = size - 1;
    for k in keys {
        let h = as_int(&k).unwrap_or(0);
        let h = if h == -1 { -2 } else { h } as u64;
        let mut perturb = h;
        let mut i = h & mask;
        'probe: for _ in 0..size * 4 {
            for j in 0..=9u64 {
                let idx = ((i + j) & mask) as usize;
                if i + j > mask && j > 0 {
                    break;
                }
                if slots[idx].is_none() {
                    slots[idx] = Some(k.clone());
                    break 'probe;
                }
            }
            perturb >>= 5;
            i = (i * 5 + 1 + perturb) & mask;
        }
    }
    slots.into_iter().flatten().collect()
}

/// A parsed format spec.
#[derive(Debug, Default)]
pub struct Spec {
    pub fill: char,
    pub align: Option<char>,
    pub sign: Option<char>,
    pub alt: bool,
    pub zero: bool,
    pub width: usize,
    pub group: Option<char>,
    pub prec: Option<usize>,
    pub ty: Option<char>,
}

impl Spec {
    pub fn parse(s: &str) -> Option<Spec> {
        let c: Vec<char> = s.chars().collect();
        let mut i = 0;
        let mut sp = Spec {
            fill: ' ',
            ..Default::default()
        };
        let is_align = |ch: char| matches!(ch, '<' | '>' | '^' | '=');
        if c.len() >= 2 && is_align(c[1]) {
            sp.fill = c[0];
            sp.align = Some(c[1]);
            i = 2;
        } else if !c.is_empty() && is_align(c[0]) {
            sp.align = Some(c[0]);
            i = 1;
        }
        if i < c.len() && matches!(c[i], '+' | '-' | ' ') {
            sp.sign = Some(c[i]);
            i += 1;
        }
        if i < c.len() && c[i] == 'z' {
            i += 1;
        }
        if i < c.len() && c[i] == '#' {
            sp.alt = true;
            i += 1;
        }
        if i < c.len() && c[i] == '0' {
            sp.zero = true;
            i += 1;
        }
        let mut w = String::new();
        while i < c.len() && c[i].is_ascii_digit() {
            w.push(c[i]);
            i += 1;
        }
        sp.width = if w.is_empty() { 0 } else { w.parse().ok()? };
        if i < c.len() && matches!(c[i], ',' | '_') {
            sp.group = Some(c[i]);
            i += 1;
        }
        if i < c.len() && c[i] == '.' {
            i += 1;
            let mut p = String::new();
            while i < c.len() && c[i].is_ascii_digit() {
                p.push(c[i]);
                i += 1;
            }
            sp.prec = Some(p.parse().ok()?);
        }
        if i < c.len() {
            sp.ty = Some(c[i]);
            i += 1;
        }
        if i != c.len() || sp.width > 100_000 || sp.prec.unwrap_or(0) > 100_000 {
            return None;
        }
        if sp.zero && sp.align.is_none() {
            sp.fill = '0';
            sp.align = Some('=');
        }
        Some(sp)
    }

    /// Pads `body` (which may start with a sign) to the width.
    pub fn pad(&self, body: &str, default_align: char) -> String {
        let len = body.chars().count();
        if len >= self.width {
            return body.to_string();
        }
        let n = self.width - len;
        let fill: String = std::iter::repeat_n(self.fill, n).collect();
        match self.align.unwrap_or(default_align) {
            '<' => format!("{body}{fill}"),
            '^' => {
                let left: String = std::iter::repeat_n(self.fill, n / 2).collect();
                let right: String = std::iter::repeat_n(self.fill, n - n / 2).collect();
                format!("{left}{body}{right}")
            }
            '=' => {
                let (sign, rest) = split_sign(body);
                format!("{sign}{fill}{rest}")
            }
            _ => format!("{fill}{body}"),
        }
    }
}

fn split_sign(s: &str) -> (&str, &str) {
    let mut k = 0;
    if s.starts_with(['-', '+', ' ']) {
        k = 1;
    }
    let rest = &s[k..];
    if rest.starts_with("0x") || rest.starts_with("0X") || rest.starts_with("0o") || rest.starts_with("0b") {
        k += 2;
    }
    (&s[..k], &s[k..])
}

fn group_digits(int_part: &str, sep: char, every: usize) -> String {
    let b: Vec<char> = int_part.chars().collect();
    let mut out = String::new();
    for (i, ch) in b.iter().enumerate() {
        if i > 0 && (b.len() - i).is_multiple_of(every) {
            out.push(sep);
        }
        out.push(*ch);
    }
    out
}

fn sign_str(neg: bool, sign: Option<char>) -> &'static str {
    match (neg, sign) {
        (true, _) => "-",
        (false, Some('+')) => "+",
        (false, Some(' ')) => " ",
        _ => "",
    }
}

fn format_int(sp: &Spec, v: i64) -> Option<String> {
    let neg = v < 0;
    let u = v.unsigned_abs();
    let (digits, prefix) = match sp.ty {
        None | Some('d') | Some('n') => (u.to_string(), ""),
        Some('x') => (format!("{u:x}"), "0x"),
        Some('X') => (format!("{u:X}"), "0X"),
        Some('o') => (format!("{u:o}"), "0o"),
        Some('b') => (format!("{u:b}"), "0b"),
        Some('c') => {
            let c = char::from_u32(v as u32).unwrap_or('\u{fffd}');
            return Some(sp.pad(&c.to_string(), '<'));
        }
        _ => return None,
    };
    let digits = match sp.group {
        Some(g) => {
            let every = if matches!(sp.ty, Some('x' | 'X' | 'o' | 'b')) { 4 } else { 3 };
            if sp.zero && sp.width > 0 {
                // Zero padding is grouped too.
                let pre = sign_str(neg, sp.sign).len() + if sp.alt { 2 } else { 0 };
                let mut d = digits.clone();
                while group_digits(&d, g, every).chars().count() + pre < sp.width {
                    d.insert(0, '0');
                }
                group_digits(&d, g, every)
            } else {
                group_digits(&digits, g, every)
            }
        }
        None => digits,
    };
    let body = format!(
        "{}{}{}",
        sign_str(neg, sp.sign),
        if sp.alt { prefix } else { "" },
        digits
    );
    Some(sp.pad(&body, '>'))
}

fn format_big(sp: &Spec, v: &super::bigint::BigInt) -> Option<String> {
    let digits = match sp.ty {
        None | Some('d') | Some('n') => v.abs().to_string(),
        Some('x') => v.to_radix(16),
        Some('o') => v.to_radix(8),
        Some('b') => v.to_radix(2),
        _ => return None,
    };
    let digits = match sp.group {
        Some(g) => group_digits(&digits, g, 3),
        None => digits,
    };
    let body = format!("{}{}", sign_str(v.is_neg(), sp.sign), digits);
    Some(sp.pad(&body, '>'))
}

/// Formats a float for a spec with a float presentation type (or none).
pub fn format_float(sp: &Spec, f: f64) -> String {
    let neg = f.is_sign_negative();
    let a = f.abs();
    let upper = matches!(sp.ty, Some('E' | 'F' | 'G'));
    let mut body = if a.is_nan() {
        "nan".to_string()
    } else if a.is_infinite() {
        "inf".to_string()
    } else {
        match sp.ty {
            Some('f' | 'F') => format!("{:.*}", sp.prec.unwrap_or(6), a),
            Some('%') => format!("{:.*}%", sp.prec.unwrap_or(6), a * 100.0),
            Some('e' | 'E') => {
                let p = sp.prec.unwrap_or(6);
                let (_, d, e) = sci_digits(a, Some(p + 1));
                let mut s = sci_layout(&d, e, false);
                if p == 0 && sp.alt {
                    s = s.replacen('e', ".e", 1);
                }
                s
            }
            Some('g' | 'G' | 'n') => general(a, sp.prec.unwrap_or(6), sp.alt, false),
            _ => match sp.prec {
                None => float_repr(a),
                Some(p) => general(a, p, sp.alt, true),
            },
        }
    };
    if upper {
        body = body.to_uppercase();
    }
    if let Some(g) = sp.group {
        let (int_part, rest) = match body.find(|c: char| !c.is_ascii_digit()) {
            Some(k) => (body[..k].to_string(), body[k..].to_string()),
            None => (body.clone(), String::new()),
        };
        body = format!("{}{}", group_digits(&int_part, g, 3), rest);
    }
    let body = format!("{}{}", sign_str(neg && !a.is_nan(), sp.sign), body);
    sp.pad(&body, '>')
}

/// The `g` presentation; `repr_like` keeps a `.0` (the empty presentation type with a
/// precision).
fn general(a: f64, prec: usize, alt: bool, repr_like: bool) -> String {
    let p = prec.max(1);
    if a == 0.0 {
        return if repr_like { "0.0".into() } else if alt { format!("0.{}", "0".repeat(p - 1)) } else { "0".into() };
    }
    let (_, d, e) = sci_digits(a, Some(p));
    if e >= -4 && (e as i64) < p as i64 {
        let decimals = (p as i64 - 1 - e as i64).max(0) as usize;
        let mut s = format!("{a:.decimals$}");
        if !alt && s.contains('.') {
            while s.ends_with('0') {
                s.pop();
            }
            if s.ends_with('.') {
                s.pop();
            }
        }
        if repr_like && !s.contains('.') {
            s.push_str(".0");
        }
        s
    } else {
        let mut s = sci_layout(&d, e, !alt);
        if alt && !s.contains('.') {
            s = s.replacen('e', ".e", 1);
        }
        s
    }
}

/// `fmt % args`.
pub fn percent(vm: &mut Vm, ctx: &mut Ctx, fmt: &str, args: &Value) -> PyResult<String> {
    let items: Vec<Value> = match vm.obj(args) {
        Some(Obj::Tuple(t)) => t.clone(),
        _ => vec![args.clone()],
    };
    let is_map = matches!(vm.obj(args), Some(Obj::Dict(_)));
    let mut out = String::new();
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    let mut k = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        let mut key: Option<String> = None;
        if i < chars.len() && chars[i] == '(' {
            let start = i + 1;
            let mut depth = 1;
            i += 1;
            while i < chars.len() && depth > 0 {
                match chars[i] {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                i += 1;
            }
            key = Some(chars[start..i - 1].iter().collect());
        }
        let mut flags = String::new();
        while i < chars.len() && matches!(chars[i], '-' | '+' | ' ' | '#' | '0') {
            flags.push(chars[i]);
            i += 1;
        }
        let mut width = String::new();
        while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '*') {
            width.push(chars[i]);
            i += 1;
        }
        let mut prec: Option<String> = None;
        if i < chars.len() && chars[i] == '.' {
            i += 1;
            let mut p = String::new();
            while i < chars.len() && chars[i].is_ascii_digit() {
                p.push(chars[i]);
                i += 1;
            }
            prec = Some(p);
        }
        while i < chars.len() && matches!(chars[i], 'h' | 'l' | 'L') {
            i += 1;
        }
        let Some(&conv) = chars.get(i) else {
            return Err(vm.value_error("incomplete format"));
        };
        i += 1;
        if conv == '%' {
            out.push('%');
            continue;
        }
        let v = match &key {
            Some(name) => {
                if !is_map {
                    return Err(vm.type_error("format requires a mapping"));
                }
                vm.getitem(ctx, args, &Value::str(name))?
            }
            None => {
                if is_map && items.len() == 1 && !matches!(conv, 's' | 'r') {
                    items[0].clone()
                } else {
                    let Some(v) = items.get(k).cloned() else {
                        return Err(vm.type_error("not enough arguments for format string"));
                    };
                    k += 1;
                    v
                }
            }
        };
        if width == "*" {
            return Err(vm.unsupported("'*' widths in % formatting"));
        }
        let mut spec = String::new();
        if flags.contains('-') {
            spec.push('<');
        }
        if flags.contains('+') {
            spec.push('+');
        } else if flags.contains(' ') {
            spec.push(' ');
        }
        if flags.contains('#') {
            spec.push('#');
        }
        if flags.contains('0') && !flags.contains('-') {
            spec.push('0');
        }
        // Alignment for strings defaults left in format(), but right in %.
        let piece = match conv {
            's' | 'r' | 'a' => {
                let mut s = match conv {
                    's' => vm.str_of(ctx, &v)?.to_string(),
                    'r' => vm.repr(ctx, &v)?.to_string(),
                    _ => ascii(&vm.repr(ctx, &v)?),
                };
                if let Some(p) = &prec {
                    let p: usize = p.parse().unwrap_or(0);
                    s = s.chars().take(p).collect();
                }
                let w: usize = width.parse().unwrap_or(0);
                let n = s.chars().count();
                if n < w {
                    if flags.contains('-') {
                        format!("{s}{}", " ".repeat(w - n))
                    } else {
                        format!("{}{s}", " ".repeat(w - n))
                    }
                } else {
                    s
                }
            }
            'd' | 'i' | 'u' | 'x' | 'X' | 'o' | 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'c' => {
                let num = match (&v, conv) {
                    (Value::Str(s), 'c') if s.chars().count() == 1 => {
                        out.push_str(s);
                        continue;
                    }
                    (Value::Float(f), 'd' | 'i' | 'u') => Value::Int(f.trunc() as i64),
                    (Value::Float(_), 'x' | 'X' | 'o') => {
                        let t = vm.type_name(&v);
                        return Err(vm.type_error(format!("%{conv} format: an integer is required, not {t}")));
                    }
                    (Value::Int(_) | Value::Bool(_) | Value::Big(_) | Value::Float(_), _) => v.clone(),
                    _ => {
                        let t = vm.type_name(&v);
                        let what = if matches!(conv, 'x' | 'X' | 'o' | 'c') {
                            if conv == 'c' {
                                return Err(vm.type_error("%c requires int or char"));
                            }
                            "an integer is required"
                        } else {
                            "a real number is required"
                        };
                        return Err(vm.type_error(format!("%{conv} format: {what}, not {t}")));
                    }
                };
                let ty = match conv {
                    'i' | 'u' => 'd',
                    'd' => 'd',
                    c => c,
                };
                let mut full = spec.clone();
                full.push_str(&width);
                if let Some(p) = &prec {
                    if matches!(ty, 'e' | 'E' | 'f' | 'F' | 'g' | 'G') {
                        full.push('.');
                        full.push_str(if p.is_empty() { "0" } else { p });
                    }
                }
                full.push(ty);
                let mut s = vm.format_value(ctx, &num, &full)?.to_string();
                if let (Some(p), 'd') = (&prec, ty) {
                    // %.3d pads digits with zeros.
                    let p: usize = p.parse().unwrap_or(0);
                    let (sign, digits) = split_sign(s.trim_start());
                    if digits.len() < p {
                        s = format!("{sign}{}{digits}", "0".repeat(p - digits.len()));
                    }
                }
                s
            }
            other => {
                return Err(vm.value_error(format!(
                    "unsupported format character '{other}' (0x{:x}) at index {}",
                    other as u32,
                    i - 1
                )))
            }
        };
        out.push_str(&piece);
    }
    if !is_map && k < items.len() {
        return Err(vm.type_error("not all arguments converted during string formatting"));
    }
    Ok(out)
}

/// `str.format(*args, **kwargs)`.
pub fn str_format(vm: &mut Vm, ctx: &mut Ctx, fmt: &str, args: &[Value], kwargs: &[(Rc<str>, Value)], depth: u32) -> PyResult<String> {
    if depth > 2 {
        return Err(vm.value_error("Max string recursion exceeded"));
    }
    let chars: Vec<char> = fmt.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut auto = 0usize;
    let mut manual = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '{' {
            if chars.get(i + 1) == Some(&'{') {
                out.push('{');
                i += 2;
                continue;
            }
            // Find the matching '}'.
            let start = i + 1;
            let mut depth_b = 1;
            let mut j = start;
            while j < chars.len() {
                match chars[j] {
                    '{' => depth_b += 1,
                    '}' => {
                        depth_b -= 1;
                        if depth_b == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            if j >= chars.len() {
                return Err(vm.value_error("expected '}' before end of string"));
            }
            let field: String = chars[start..j].iter().collect();
            i = j + 1;
            let (name_conv, spec) = match field.find(':') {
                Some(k) => (&field[..k], &field[k + 1..]),
                None => (&field[..], ""),
            };
            let (name, conv) = match name_conv.find('!') {
                Some(k) => (&name_conv[..k], Some(&name_conv[k + 1..])),
                None => (name_conv, None),
            };
            // First part of the name: index or keyword.
            let end = name.find(['.', '[']).unwrap_or(name.len());
            let first = &name[..end];
            let mut v = if first.is_empty() {
                if manual {
                    return Err(vm.value_error("cannot switch from manual field specification to automatic field numbering"));
                }
                let Some(v) = args.get(auto).cloned() else {
                    return Err(vm.exc(exc::INDEX, format!("Replacement index {auto} out of range for positional args tuple")));
                };
                auto += 1;
                v
            } else if let Ok(n) = first.parse::<usize>() {
                if auto > 0 {
                    return Err(vm.value_error("cannot switch from automatic field numbering to manual field specification"));
                }
                manual = true;
                let Some(v) = args.get(n).cloned() else {
                    return Err(vm.exc(exc::INDEX, format!("Replacement index {n} out of range for positional args tuple")));
                };
                v
            } else {
                match kwargs.iter().find(|(k, _)| &**k == first) {
                    Some((_, v)) => v.clone(),
                    None => return Err(super::vm::Flow::Exc(vm.make_exc(exc::KEY, vec![Value::str(first)]))),
                }
            };
            // Attribute and index accessors.
            let rest = &name[end..];
            let rb: Vec<char> = rest.chars().collect();
            let mut k = 0;
            while k < rb.len() {
                if rb[k] == '.' {
                    let s = k + 1;
                    k += 1;
                    while k < rb.len() && rb[k] != '.' && rb[k] != '[' {
                        k += 1;
                    }
                    let attr: String = rb[s..k].iter().collect();
                    v = vm.getattr(ctx, &v, &attr)?;
                } else if rb[k] == '[' {
                    let s = k + 1;
                    while k < rb.len() && rb[k] != ']' {
                        k += 1;
                    }
                    let key: String = rb[s..k.min(rb.len())].iter().collect();
                    k += 1;
                    let idx = match key.parse::<i64>() {
                        Ok(n) => Value::Int(n),
                        Err(_) => Value::str(&key),
                    };
                    v = vm.getitem(ctx, &v, &idx)?;
                } else {
                    k += 1;
                }
            }
            let v = match conv {
                Some("r") => Value::Str(vm.repr(ctx, &v)?),
                Some("s") => Value::Str(vm.str_of(ctx, &v)?),
                Some("a") => Value::Str(Rc::from(ascii(&vm.repr(ctx, &v)?))),
                None => v,
                Some(_) => return Err(vm.value_error("Unknown conversion specifier")),
            };
            let spec = if spec.contains('{') {
                str_format(vm, ctx, spec, args, kwargs, depth + 1)?
            } else {
                spec.to_string()
            };
            let s = vm.format_value(ctx, &v, &spec)?;
            out.push_str(&s);
            continue;
        }
        if c == '}' {
            if chars.get(i + 1) == Some(&'}') {
                out.push('}');
                i += 2;
                continue;
            }
            return Err(vm.value_error("Single '}' encountered in format string"));
        }
        out.push(c);
        i += 1;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_as_cpython_writes_them() {
        let cases = [
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (0.0001, "0.0001"),
            (1e-5, "1e-05"),
            (1.5e300, "1.5e+300"),
            (-0.0, "-0.0"),
            (2.5, "2.5"),
            (1.0 / 3.0, "0.3333333333333333"),
            (100.0, "100.0"),
            (1e22, "1e+22"),
            (123456789.123, "123456789.123"),
            (0.1 + 0.2, "0.30000000000000004"),
        ];
        for (f, want) in cases {
            assert_eq!(float_repr(f), want, "{f}");
        }
    }

    #[test]
    fn format_specs() {
        let f = |spec: &str, v: f64| format_float(&Spec::parse(spec).unwrap(), v);
        assert_eq!(f(",", 1234.5678), "1,234.5678");
        assert_eq!(f(".2f", 1.23456), "1.23");
        assert_eq!(f("f", 1e20), "100000000000000000000.000000");
        assert_eq!(f("%", 0.5), "50.000000%");
        assert_eq!(f("", 3.0), "3.0");
        assert_eq!(f(".3", 1.0), "1.0");
        assert_eq!(f(".3", 1234.5), "1.23e+03");
        assert_eq!(f("g", 0.00001), "1e-05");
        assert_eq!(f("g", 123456789.0), "1.23457e+08");
        assert_eq!(f("10.2e", 3.5), "  3.50e+00");
        assert_eq!(f("g", 10.0), "10");
        assert_eq!(f(".3g", 1e-7), "1e-07");
        let i = |spec: &str, v: i64| format_int(&Spec::parse(spec).unwrap(), v).unwrap();
        assert_eq!(i("05d", 12), "00012");
        assert_eq!(i("#x", 255), "0xff");
        assert_eq!(i("_", 1000000), "1_000_000");
        assert_eq!(i("+", -5), "-5");
        assert_eq!(Spec::parse("^6").unwrap().pad("ab", '<'), "  ab  ");
        assert_eq!(str_repr("it's"), "\"it's\"");
        assert_eq!(str_repr("both'\""), "'both\\'\"'");
        assert_eq!(str_repr("\n\t\x00\x7f\u{e9}\u{200b}"), "'\\n\\t\\x00\\x7fé\\u200b'");
    }
}

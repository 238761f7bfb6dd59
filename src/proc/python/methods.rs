//! Methods of the builtin types (str, list, dict, set, tuple, int, float, bytes, files), the
//! standard streams and file I/O over the container's file system.

use std::rc::Rc;

use super::builtins::{index_arg, sort_values};
use super::ops::{as_int, MAX_LEN};
use super::value::*;
use super::vm::{exc, Buffering, Flow, PyResult, Vm};
use crate::api::StdStream;
use crate::proc::program::Ctx;
use crate::vfs::{Meta, NodeKind};

const STR_METHODS: &[&str] = &[
    "capitalize", "casefold", "center", "count", "encode", "endswith", "expandtabs", "find",
    "format", "format_map", "index", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit",
    "isidentifier", "islower", "isnumeric", "isprintable", "isspace", "istitle", "isupper", "join",
    "ljust", "lower", "lstrip", "maketrans", "partition", "removeprefix", "removesuffix", "replace",
    "rfind", "rindex", "rjust", "rpartition", "rsplit", "rstrip", "split", "splitlines",
    "startswith", "strip", "swapcase", "title", "translate", "upper", "zfill",
];
const LIST_METHODS: &[&str] = &[
    "append", "clear", "copy", "count", "extend", "index", "insert", "pop", "remove", "reverse",
    "sort",
];
const DICT_METHODS: &[&str] = &[
    "clear", "copy", "fromkeys", "get", "items", "keys", "pop", "popitem", "setdefault", "update",
    "values",
];
const SET_METHODS: &[&str] = &[
    "add", "clear", "copy", "difference", "difference_update", "discard", "intersection",
    "intersection_update", "isdisjoint", "issubset", "issuperset", "pop", "remove",
    "symmetric_difference", "symmetric_difference_update", "union", "update",
];
const FROZENSET_METHODS: &[&str] = &[
    "copy", "difference", "intersection", "isdisjoint", "issubset", "issuperset",
    "symmetric_difference", "union",
];
const TUPLE_METHODS: &[&str] = &["count", "index"];
const INT_METHODS: &[&str] = &[
    "as_integer_ratio", "bit_count", "bit_length", "conjugate", "is_integer", "to_bytes",
];
const FLOAT_METHODS: &[&str] = &["as_integer_ratio", "conjugate", "hex", "is_integer"];
const BYTES_METHODS: &[&str] = &[
    "count", "decode", "endswith", "find", "hex", "join", "lower", "replace", "split", "startswith",
    "strip", "upper",
];
const FILE_METHODS: &[&str] = &[
    "close", "fileno", "flush", "isatty", "read", "readable", "readline", "readlines", "seek",
    "tell", "writable", "write", "writelines",
];
const RANGE_METHODS: &[&str] = &["count", "index"];
const GEN_METHODS: &[&str] = &["close", "send"];

pub fn method_names(ty: Ty) -> &'static [&'static str] {
    match ty {
        Ty::Str => STR_METHODS,
        Ty::List => LIST_METHODS,
        Ty::Dict => DICT_METHODS,
        Ty::Set => SET_METHODS,
        Ty::FrozenSet => FROZENSET_METHODS,
        Ty::Tuple => TUPLE_METHODS,
        Ty::Int | Ty::Bool => INT_METHODS,
        Ty::Float => FLOAT_METHODS,
        Ty::Bytes => BYTES_METHODS,
        Ty::File => FILE_METHODS,
        Ty::Range => RANGE_METHODS,
        Ty::Generator => GEN_METHODS,
        _ => &[],
    }
}

fn arg_str(vm: &mut Vm, v: Option<&Value>, what: &str) -> PyResult<Option<Rc<str>>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(Value::Str(s)) => Ok(Some(s.clone())),
        Some(other) => {
            let t = vm.type_name(other);
            Err(vm.type_error(format!("{what} arg must be None or str, not {t}")))
        }
    }
}

fn need_str(vm: &mut Vm, v: Option<&Value>, what: &str) -> PyResult<Rc<str>> {
    match v {
        Some(Value::Str(s)) => Ok(s.clone()),
        Some(other) => {
            let t = vm.type_name(other);
            Err(vm.type_error(format!("{what} argument must be str, not {t}")))
        }
        None => Err(vm.type_error(format!("{what} expected at least 1 argument, got 0"))),
    }
}

fn count_args(vm: &mut Vm, name: &str, args: &[Value], min: usize, max: usize) -> PyResult<()> {
    let n = args.len();
    if n < min {
        if min == max {
            return Err(vm.type_error(format!("{name} expected {min} argument{}, got {n}", if min == 1 { "" } else { "s" })));
        }
        return Err(vm.type_error(format!("{name} expected at least {min} argument{}, got {n}", if min == 1 { "" } else { "s" })));
    }
    if n > max {
        if max == 0 {
            return Err(vm.type_error(format!("{name}() takes no arguments ({n} given)")));
        }
        if min == max {
            return Err(vm.type_error(format!("{name} expected {max} argument{}, got {n}", if max == 1 { "" } else { "s" })));
        }
        return Err(vm.type_error(format!("{name} expected at most {max} argument{}, got {n}", if max == 1 { "" } else { "s" })));
    }
    Ok(())
}

/// Character positions of a `start`/`end` pair.
fn bounds(vm: &mut Vm, len: usize, a: Option<&Value>, b: Option<&Value>) -> PyResult<(usize, usize)> {
    let fix = |v: i64| -> usize {
        if v < 0 {
            (v + len as i64).max(0) as usize
        } else {
            (v as usize).min(len)
        }
    };
    let s = match a {
        None | Some(Value::None) => 0,
        Some(v) => fix(index_arg(vm, v)?),
    };
    let e = match b {
        None | Some(Value::None) => len,
        Some(v) => fix(index_arg(vm, v)?),
    };
    Ok((s, e))
}

/// Splits on whitespace runs (`str.split()` without a separator).
fn split_ws(s: &str, max: i64) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        if max >= 0 && out.len() as i64 >= max {
            out.push(rest.to_string());
            return out;
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        out.push(rest[..end].to_string());
        rest = rest[end..].trim_start();
    }
    out
}

pub fn call_method_pub(vm: &mut Vm, ctx: &mut Ctx, recv: Value, name: &str, args: Vec<Value>, kwargs: Vec<(Rc<str>, Value)>) -> PyResult {
    vm.call_method(ctx, recv, name, args, kwargs)
}

impl Vm {
    /// Calls a builtin method on a builtin value.
    pub fn call_method(&mut self, ctx: &mut Ctx, recv: Value, name: &str, args: Vec<Value>, kwargs: Vec<(Rc<str>, Value)>) -> PyResult {
        if let Some(n) = name.strip_prefix("object.") {
            return match n {
                "__str__" | "__repr__" => {
                    let cls = self.class_of_inst(&recv).unwrap_or(0);
                    let (module, qual) = match self.heap.get(cls) {
                        Obj::Class(c) => (c.module.clone(), c.qualname.clone()),
                        _ => (Rc::from("__main__"), Rc::from("object")),
                    };
                    let id = recv.as_obj().unwrap_or(0);
                    Ok(Value::str(&format!("<{module}.{qual} object at {}>", super::format::addr(id))))
                }
                "__setattr__" => {
                    if let (Some(Value::Str(k)), Some(v)) = (args.first(), args.get(1)) {
                        if let Some(Obj::Inst(i)) = self.obj_mut(&recv) {
                            i.attrs.set(k.clone(), v.clone());
                        }
                    }
                    Ok(Value::None)
                }
                "__eq__" => Ok(Value::Bool(args.first().is_some_and(|a| a.same(&recv)))),
                _ => Ok(Value::None),
            };
        }
        match &recv {
            Value::Str(s) => {
                let s = s.clone();
                return self.str_method(ctx, &s, name, args, kwargs);
            }
            Value::Int(_) | Value::Bool(_) | Value::Big(_) | Value::Float(_) => {
                return self.num_method(&recv, name, args);
            }
            Value::Bytes(b) => {
                let b = b.clone();
                return self.bytes_method(ctx, &b, name, args);
            }
            _ => {}
        }
        let Value::Obj(id) = recv else {
            return Err(self.attr_error(&recv, name));
        };
        match self.heap.get(id) {
            Obj::List(_) => self.list_method(ctx, id, name, args, kwargs),
            Obj::Dict(_) => self.dict_method(ctx, id, name, args, kwargs),
            Obj::Set(_) | Obj::FrozenSet(_) => self.set_method(ctx, id, name, args),
            Obj::Tuple(items) => {
                let items = items.clone();
                match name {
                    "count" => {
                        count_args(self, "count", &args, 1, 1)?;
                        let mut n = 0;
                        for x in &items {
                            if self.eq(ctx, x, &args[0])? {
                                n += 1;
                            }
                        }
                        Ok(Value::Int(n))
                    }
                    "index" => {
                        count_args(self, "index", &args, 1, 3)?;
                        for (i, x) in items.iter().enumerate() {
                            if self.eq(ctx, x, &args[0])? {
                                return Ok(Value::Int(i as i64));
                            }
                        }
                        Err(self.value_error("tuple.index(x): x not in tuple"))
                    }
                    _ => Err(self.attr_error(&recv, name)),
                }
            }
            Obj::File(_) => self.file_method(ctx, &recv, name, args),
            Obj::Range(a, b, s) => {
                let (a, b, s) = (*a, *b, *s);
                let x = args.first().and_then(as_int);
                let inside = x.is_some_and(|x| {
                    (if s > 0 { x >= a && x < b } else { x <= a && x > b }) && (x - a) % s == 0
                });
                match name {
                    "count" => Ok(Value::Int(inside as i64)),
                    "index" => {
                        if inside {
                            Ok(Value::Int((x.unwrap_or(0) - a) / s))
                        } else {
                            let r = match args.first() {
                                Some(v) => self.repr(ctx, v)?,
                                None => Rc::from(""),
                            };
                            Err(self.value_error(format!("{r} is not in range")))
                        }
                    }
                    _ => Err(self.attr_error(&recv, name)),
                }
            }
            Obj::Property(g, _) => {
                let g = g.clone();
                let f = args.first().cloned().unwrap_or(Value::None);
                Ok(match name {
                    "setter" => self.alloc(Obj::Property(g, f)),
                    "getter" => {
                        let s = match self.heap.get(id) {
                            Obj::Property(_, s) => s.clone(),
                            _ => Value::None,
                        };
                        self.alloc(Obj::Property(f, s))
                    }
                    _ => recv.clone(),
                })
            }
            Obj::Gen(_) => match name {
                "send" => {
                    let v = args.first().cloned().unwrap_or(Value::None);
                    let depth = self.frames.len();
                    if !self.resume_gen(id, false, v)? {
                        return Err(Flow::Exc(self.make_exc(exc::STOP_ITERATION, Vec::new())));
                    }
                    self.gen_done = None;
                    let r = self.run_pushed(ctx, depth)?;
                    if self.gen_done.take().is_some() {
                        return Err(Flow::Exc(self.make_exc(exc::STOP_ITERATION, vec![r])));
                    }
                    Ok(r)
                }
                _ => {
                    if let Some(Obj::Gen(g)) = self.heap.get_mut(id) {
                        g.frame = None;
                    }
                    Ok(Value::None)
                }
            },
            _ => Err(self.attr_error(&recv, name)),
        }
    }

    fn str_method(&mut self, ctx: &mut Ctx, s: &Rc<str>, name: &str, args: Vec<Value>, kwargs: Vec<(Rc<str>, Value)>) -> PyResult {
        let kwarg = |k: &str| kwargs.iter().find(|(n, _)| &**n == k).map(|(_, v)| v.clone());
        let st = |v: String| Ok(Value::Str(Rc::from(v)));
        match name {
            "upper" => st(s.to_uppercase()),
            "lower" | "casefold" => st(s.to_lowercase()),
            "strip" | "lstrip" | "rstrip" => {
                count_args(self, name, &args, 0, 1)?;
                let chars = arg_str(self, args.first(), name)?;
                let f = |c: char| match &chars {
                    Some(cs) => cs.contains(c),
                    None => c.is_whitespace(),
                };
                st(match name {
                    "strip" => s.trim_matches(f).to_string(),
                    "lstrip" => s.trim_start_matches(f).to_string(),
                    _ => s.trim_end_matches(f).to_string(),
                })
            }
            "split" | "rsplit" => {
                let sep = arg_str(self, args.first().or(kwarg("sep").as_ref()), "sep")?;
                let max = match args.get(1).cloned().or(kwarg("maxsplit")) {
                    Some(v) => index_arg(self, &v)?,
                    None => -1,
                };
                let parts: Vec<String> = match sep {
                    None => {
                        if name == "split" {
                            split_ws(s, max)
                        } else {
                            let rev: String = s.chars().rev().collect();
                            let mut p: Vec<String> = split_ws(&rev, max).into_iter().map(|x| x.chars().rev().collect()).collect();
                            p.reverse();
                            p
                        }
                    }
                    Some(sep) => {
                        if sep.is_empty() {
                            return Err(self.value_error("empty separator"));
                        }
                        if max < 0 {
                            s.split(&*sep).map(str::to_string).collect()
                        } else if name == "split" {
                            s.splitn(max as usize + 1, &*sep).map(str::to_string).collect()
                        } else {
                            let mut p: Vec<String> = s.rsplitn(max as usize + 1, &*sep).map(str::to_string).collect();
                            p.reverse();
                            p
                        }
                    }
                };
                let items = parts.into_iter().map(|p| Value::Str(Rc::from(p))).collect();
                Ok(self.new_list(items))
            }
            "splitlines" => {
                let keep = match args.first().cloned().or(kwarg("keepends")) {
                    Some(v) => self.truthy(ctx, &v)?,
                    None => false,
                };
                let mut out = Vec::new();
                let mut cur = String::new();
                let mut it = s.chars().peekable();
                while let Some(c) = it.next() {
                    if matches!(c, '\n' | '\r' | '\x0b' | '\x0c' | '\x1c' | '\x1d' | '\x1e' | '\u{85}' | '\u{2028}' | '\u{2029}') {
                        let mut end = c.to_string();
                        if c == '\r' && it.peek() == Some(&'\n') {
                            it.next();
                            end.push('\n');
                        }
                        if keep {
                            cur.push_str(&end);
                        }
                        out.push(Value::Str(Rc::from(std::mem::take(&mut cur))));
                    } else {
                        cur.push(c);
                    }
                }
                if !cur.is_empty() {
                    out.push(Value::Str(Rc::from(cur)));
                }
                Ok(self.new_list(out))
            }
            "join" => {
                count_args(self, "join", &args, 1, 1)?;
                let items = self.collect(ctx, &args[0])?;
                let mut out = String::new();
                for (i, x) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(s);
                    }
                    match x {
                        Value::Str(t) => out.push_str(t),
                        other => {
                            let t = self.type_name(other);
                            return Err(self.type_error(format!("sequence item {i}: expected str instance, {t} found")));
                        }
                    }
                    if out.len() > MAX_LEN {
                        return Err(self.exc(exc::MEMORY, ""));
                    }
                }
                st(out)
            }
            "replace" => {
                count_args(self, "replace", &args, 2, 3)?;
                let old = need_str(self, args.first(), "replace() argument 1")?;
                let new = need_str(self, args.get(1), "replace() argument 2")?;
                let n = match args.get(2).cloned().or(kwarg("count")) {
                    Some(v) => index_arg(self, &v)?,
                    None => -1,
                };
                if n < 0 {
                    if old.is_empty() && s.len().saturating_mul(new.len()) > MAX_LEN {
                        return Err(self.exc(exc::MEMORY, ""));
                    }
                    st(s.replace(&*old, &new))
                } else {
                    st(s.replacen(&*old, &new, n as usize))
                }
            }
            "startswith" | "endswith" => {
                count_args(self, name, &args, 1, 3)?;
                let chars: Vec<char> = s.chars().collect();
                let (a, b) = bounds(self, chars.len(), args.get(1), args.get(2))?;
                let sub: String = if a <= b { chars[a..b].iter().collect() } else { String::new() };
                let pats: Vec<Value> = match self.obj(&args[0]) {
                    Some(Obj::Tuple(t)) => t.clone(),
                    _ => vec![args[0].clone()],
                };
                for p in pats {
                    let Value::Str(p) = p else {
                        let t = self.type_name(&p);
                        return Err(self.type_error(format!(
                            "{name} first arg must be str or a tuple of str, not {t}"
                        )));
                    };
                    let hit = if name == "startswith" { sub.starts_with(&*p) } else { sub.ends_with(&*p) };
                    if hit && a <= b {
                        return Ok(Value::Bool(true));
                    }
                }
                Ok(Value::Bool(false))
            }
            "find" | "rfind" | "index" | "rindex" | "count" => {
                count_args(self, name, &args, 1, 3)?;
                let sub = need_str(self, args.first(), "must be str, not")
                    .map_err(|_| {
                        let t = self.type_name(&args[0]);
                        self.type_error(format!("must be str, not {t}"))
                    })?;
                let chars: Vec<char> = s.chars().collect();
                let (a, b) = bounds(self, chars.len(), args.get(1), args.get(2))?;
                let hay: String = if a <= b { chars[a..b].iter().collect() } else { String::new() };
                if name == "count" {
                    let n = if a > b {
                        0
                    } else if sub.is_empty() {
                        hay.chars().count() as i64 + 1
                    } else {
                        hay.matches(&*sub).count() as i64
                    };
                    return Ok(Value::Int(n));
                }
                let pos = if a > b {
                    None
                } else if name.starts_with('r') {
                    hay.rfind(&*sub)
                } else {
                    hay.find(&*sub)
                };
                match pos {
                    Some(p) => Ok(Value::Int((hay[..p].chars().count() + a) as i64)),
                    None => {
                        if name.ends_with("index") {
                            Err(self.value_error("substring not found"))
                        } else {
                            Ok(Value::Int(-1))
                        }
                    }
                }
            }
            "format" => {
                let out = super::format::str_format(self, ctx, s, &args, &kwargs, 0)?;
                st(out)
            }
            "format_map" => {
                count_args(self, "format_map", &args, 1, 1)?;
                let pairs = self.mapping_items(ctx, &args[0])?;
                let kw: Vec<(Rc<str>, Value)> = pairs
                    .into_iter()
                    .filter_map(|(k, v)| match k {
                        Value::Str(k) => Some((k, v)),
                        _ => None,
                    })
                    .collect();
                let out = super::format::str_format(self, ctx, s, &[], &kw, 0)?;
                st(out)
            }
            "isdigit" | "isdecimal" | "isnumeric" => {
                Ok(Value::Bool(!s.is_empty() && s.chars().all(|c| c.is_numeric() && (name == "isnumeric" || c.is_ascii_digit() || c.is_numeric()))))
            }
            "isalpha" => Ok(Value::Bool(!s.is_empty() && s.chars().all(char::is_alphabetic))),
            "isalnum" => Ok(Value::Bool(!s.is_empty() && s.chars().all(char::is_alphanumeric))),
            "isspace" => Ok(Value::Bool(!s.is_empty() && s.chars().all(char::is_whitespace))),
            "isascii" => Ok(Value::Bool(s.is_ascii())),
            "isprintable" => Ok(Value::Bool(s.chars().all(|c| !c.is_control()))),
            "isidentifier" => Ok(Value::Bool(
                s.chars().next().is_some_and(|c| c == '_' || c.is_alphabetic())
                    && s.chars().all(|c| c == '_' || c.is_alphanumeric()),
            )),
            "islower" => Ok(Value::Bool(s.chars().any(char::is_lowercase) && !s.chars().any(char::is_uppercase))),
            "isupper" => Ok(Value::Bool(s.chars().any(char::is_uppercase) && !s.chars().any(char::is_lowercase))),
            "istitle" => {
                let t = title(s);
                Ok(Value::Bool(s.chars().any(char::is_alphabetic) && t == **s))
            }
            "capitalize" => {
                let mut c = s.chars();
                st(match c.next() {
                    Some(f) => f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase(),
                    None => String::new(),
                })
            }
            "title" => st(title(s)),
            "swapcase" => st(s
                .chars()
                .flat_map(|c| {
                    if c.is_uppercase() {
                        c.to_lowercase().collect::<Vec<_>>()
                    } else {
                        c.to_uppercase().collect::<Vec<_>>()
                    }
                })
                .collect()),
            "center" | "ljust" | "rjust" => {
                count_args(self, name, &args, 1, 2)?;
                let w = index_arg(self, &args[0])?.max(0) as usize;
                let fill = match args.get(1) {
                    Some(Value::Str(f)) if f.chars().count() == 1 => f.chars().next().unwrap_or(' '),
                    Some(_) => return Err(self.type_error("The fill character must be exactly one character long")),
                    None => ' ',
                };
                let n = s.chars().count();
                if n >= w || w > MAX_LEN {
                    return Ok(Value::Str(s.clone()));
                }
                let pad = w - n;
                let f = |k: usize| std::iter::repeat_n(fill, k).collect::<String>();
                st(match name {
                    "ljust" => format!("{s}{}", f(pad)),
                    "rjust" => format!("{}{s}", f(pad)),
                    _ => {
                        let left = pad / 2 + (pad & w & 1);
                        format!("{}{s}{}", f(left), f(pad - left))
                    }
                })
            }
            "zfill" => {
                count_args(self, "zfill", &args, 1, 1)?;
                let w = index_arg(self, &args[0])?.max(0) as usize;
                let n = s.chars().count();
                if n >= w || w > MAX_LEN {
                    return Ok(Value::Str(s.clone()));
                }
                let (sign, rest) = if s.starts_with(['-', '+']) { s.split_at(1) } else { ("", &**s) };
                st(format!("{sign}{}{rest}", "0".repeat(w - n)))
            }
            "expandtabs" => {
                let ts = match args.first() {
                    Some(v) => index_arg(self, v)?.max(0) as usize,
                    None => 8,
                };
                let mut out = String::new();
                let mut col = 0;
                for c in s.chars() {
                    match c {
                        '\t' => {
                            if ts > 0 {
                                let n = ts - col % ts;
                                out.push_str(&" ".repeat(n));
                                col += n;
                            }
                        }
                        '\n' | '\r' => {
                            out.push(c);
                            col = 0;
                        }
                        _ => {
                            out.push(c);
                            col += 1;
                        }
                    }
                }
                st(out)
            }
            "partition" | "rpartition" => {
                count_args(self, name, &args, 1, 1)?;
                let sep = need_str(self, args.first(), "partition() argument")?;
                if sep.is_empty() {
                    return Err(self.value_error("empty separator"));
                }
                let found = if name == "partition" { s.find(&*sep) } else { s.rfind(&*sep) };
                let (a, b, c) = match found {
                    Some(i) => (&s[..i], &*sep, &s[i + sep.len()..]),
                    None => {
                        if name == "partition" {
                            (&**s, "", "")
                        } else {
                            ("", "", &**s)
                        }
                    }
                };
                let items = vec![Value::str(a), Value::str(b), Value::str(c)];
                Ok(self.new_tuple(items))
            }
            "removeprefix" | "removesuffix" => {
                let p = need_str(self, args.first(), name)?;
                st(if name == "removeprefix" {
                    s.strip_prefix(&*p).unwrap_or(s).to_string()
                } else {
                    s.strip_suffix(&*p).unwrap_or(s).to_string()
                })
            }
            "encode" => Ok(Value::Bytes(s.as_bytes().into())),
            "maketrans" => {
                let mut d = Dict::default();
                match (args.first(), args.get(1)) {
                    (Some(Value::Str(a)), Some(Value::Str(b))) => {
                        for (x, y) in a.chars().zip(b.chars()) {
                            d.insert(Key::Int(x as i64), Value::Int(x as i64), Value::Int(y as i64));
                        }
                        if let Some(Value::Str(z)) = args.get(2) {
                            for x in z.chars() {
                                d.insert(Key::Int(x as i64), Value::Int(x as i64), Value::None);
                            }
                        }
                    }
                    (Some(m), None) => {
                        for (k, v) in self.mapping_items(ctx, m)? {
                            let kk = match &k {
                                Value::Str(s) => s.chars().next().map(|c| c as i64).unwrap_or(0),
                                other => as_int(other).unwrap_or(0),
                            };
                            d.insert(Key::Int(kk), Value::Int(kk), v);
                        }
                    }
                    _ => return Err(self.type_error("maketrans() argument must be a dict or two strings")),
                }
                Ok(self.new_dict(d))
            }
            "translate" => {
                count_args(self, "translate", &args, 1, 1)?;
                let table = args[0].clone();
                let mut out = String::new();
                for c in s.chars() {
                    match self.getitem(ctx, &table, &Value::Int(c as i64)) {
                        Ok(Value::None) => {}
                        Ok(Value::Str(r)) => out.push_str(&r),
                        Ok(v) => match as_int(&v).and_then(|i| char::from_u32(i as u32)) {
                            Some(r) => out.push(r),
                            None => return Err(self.type_error("character mapping must return integer, None or str")),
                        },
                        Err(Flow::Exc(e)) if self.is_exc_instance(&e, exc::LOOKUP) => out.push(c),
                        Err(e) => return Err(e),
                    }
                }
                st(out)
            }
            _ => Err(self.attr_error(&Value::Str(s.clone()), name)),
        }
    }

    fn num_method(&mut self, v: &Value, name: &str, args: Vec<Value>) -> PyResult {
        match (v, name) {
            (Value::Int(i), "bit_length") => Ok(Value::Int(64 - i.unsigned_abs().leading_zeros() as i64)),
            (Value::Int(i), "bit_count") => Ok(Value::Int(i.unsigned_abs().count_ones() as i64)),
            (Value::Int(_) | Value::Big(_), "conjugate") => Ok(v.clone()),
            (Value::Int(_), "is_integer") => Ok(Value::Bool(true)),
            (Value::Int(i), "as_integer_ratio") => Ok(self.new_tuple(vec![Value::Int(*i), Value::Int(1)])),
            (Value::Int(i), "to_bytes") => {
                let len = args.first().and_then(as_int).unwrap_or(1).clamp(0, 64) as usize;
                let big = matches!(args.get(1), Some(Value::Str(s)) if &**s == "big") || args.get(1).is_none();
                let bytes = i.to_be_bytes();
                let mut out: Vec<u8> = bytes[8usize.saturating_sub(len)..].to_vec();
                while out.len() < len {
                    out.insert(0, 0);
                }
                if !big {
                    out.reverse();
                }
                Ok(Value::Bytes(out.into()))
            }
            (Value::Float(f), "is_integer") => Ok(Value::Bool(f.is_finite() && f.fract() == 0.0)),
            (Value::Float(f), "conjugate") => Ok(Value::Float(*f)),
            (Value::Float(f), "as_integer_ratio") => {
                if !f.is_finite() {
                    return Err(self.value_error("cannot convert Infinity to integer ratio"));
                }
                let mut n = *f;
                let mut d: i64 = 1;
                while n.fract() != 0.0 && d < (1 << 52) {
                    n *= 2.0;
                    d *= 2;
                }
                Ok(self.new_tuple(vec![super::builtins::float_to_int(n), Value::Int(d)]))
            }
            (Value::Float(_), "hex") => Err(self.unsupported("float.hex()")),
            (Value::Bool(b), _) => self.num_method(&Value::Int(*b as i64), name, args),
            _ => Err(self.attr_error(v, name)),
        }
    }

    fn bytes_method(&mut self, ctx: &mut Ctx, b: &Rc<[u8]>, name: &str, args: Vec<Value>) -> PyResult {
        let _ = ctx;
        match name {
            "decode" => match std::str::from_utf8(b) {
                Ok(s) => Ok(Value::str(s)),
                Err(e) => {
                    let pos = e.valid_up_to();
                    let byte = b.get(pos).copied().unwrap_or(0);
                    Err(self.exc(
                        exc::UNICODE_DECODE,
                        format!("'utf-8' codec can't decode byte 0x{byte:02x} in position {pos}: invalid start byte"),
                    ))
                }
            },
            "hex" => Ok(Value::str(&b.iter().map(|x| format!("{x:02x}")).collect::<String>())),
            "upper" => Ok(Value::Bytes(b.to_ascii_uppercase().into())),
            "lower" => Ok(Value::Bytes(b.to_ascii_lowercase().into())),
            "strip" => {
                let s: &[u8] = b;
                let start = s.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(s.len());
                let end = s.iter().rposition(|c| !c.is_ascii_whitespace()).map(|p| p + 1).unwrap_or(start);
                Ok(Value::Bytes(s[start..end.max(start)].into()))
            }
            "join" => {
                let items = match args.first() {
                    Some(v) => self.collect(ctx, v)?,
                    None => return Err(self.type_error("join() takes exactly one argument (0 given)")),
                };
                let mut out: Vec<u8> = Vec::new();
                for (i, x) in items.iter().enumerate() {
                    if i > 0 {
                        out.extend_from_slice(b);
                    }
                    match x {
                        Value::Bytes(p) => out.extend_from_slice(p),
                        other => {
                            let t = self.type_name(other);
                            return Err(self.type_error(format!("sequence item {i}: expected a bytes-like object, {t} found")));
                        }
                    }
                }
                Ok(Value::Bytes(out.into()))
            }
            "startswith" | "endswith" | "find" | "count" | "split" | "replace" => {
                // Work on a Latin-1 view.
                let s: String = b.iter().map(|&c| c as char).collect();
                let conv: Vec<Value> = args
                    .iter()
                    .map(|a| match a {
                        Value::Bytes(x) => Value::str(&x.iter().map(|&c| c as char).collect::<String>()),
                        other => other.clone(),
                    })
                    .collect();
                let r = self.str_method(ctx, &Rc::from(s), name, conv, Vec::new())?;
                Ok(self.latin1_to_bytes(r))
            }
            _ => Err(self.attr_error(&Value::Bytes(b.clone()), name)),
        }
    }

    fn latin1_to_bytes(&mut self, v: Value) -> Value {
        match v {
            Value::Str(s) => Value::Bytes(s.chars().map(|c| c as u32 as u8).collect::<Vec<u8>>().into()),
            Value::Obj(_) => {
                if let Some(Obj::List(items)) = self.obj(&v).cloned() {
                    let conv = items.into_iter().map(|x| self.latin1_to_bytes(x)).collect();
                    return self.new_list(conv);
                }
                v
            }
            other => other,
        }
    }

    fn list_method(&mut self, ctx: &mut Ctx, id: u32, name: &str, args: Vec<Value>, kwargs: Vec<(Rc<str>, Value)>) -> PyResult {
        let list = |vm: &mut Vm| -> Vec<Value> {
            match vm.heap.get(id) {
                Obj::List(l) => l.clone(),
                _ => Vec::new(),
            }
        };
        macro_rules! with {
            ($l:ident, $body:expr) => {
                if let Some(Obj::List($l)) = self.heap.get_mut(id) {
                    $body
                }
            };
        }
        match name {
            "append" => {
                count_args(self, "list.append", &args, 1, 1).map_err(|_| {
                    self.type_error(format!("list.append() takes exactly one argument ({} given)", args.len()))
                })?;
                let v = args[0].clone();
                let mut full = false;
                with!(l, {
                    if l.len() >= MAX_LEN {
                        full = true;
                    } else {
                        l.push(v)
                    }
                });
                if full {
                    return Err(self.exc(exc::MEMORY, ""));
                }
                Ok(Value::None)
            }
            "extend" => {
                count_args(self, "list.extend", &args, 1, 1)?;
                let items = self.collect(ctx, &args[0])?;
                with!(l, l.extend(items));
                Ok(Value::None)
            }
            "insert" => {
                count_args(self, "insert", &args, 2, 2)?;
                let i = index_arg(self, &args[0])?;
                let v = args[1].clone();
                with!(l, {
                    let n = l.len() as i64;
                    let p = if i < 0 { (i + n).max(0) } else { i.min(n) };
                    l.insert(p as usize, v);
                });
                Ok(Value::None)
            }
            "pop" => {
                count_args(self, "pop", &args, 0, 1)?;
                let l = list(self);
                if l.is_empty() {
                    return Err(self.exc(exc::INDEX, "pop from empty list"));
                }
                let i = match args.first() {
                    Some(v) => index_arg(self, v)?,
                    None => -1,
                };
                let n = l.len() as i64;
                let p = if i < 0 { i + n } else { i };
                if p < 0 || p >= n {
                    return Err(self.exc(exc::INDEX, "pop index out of range"));
                }
                let mut out = Value::None;
                with!(l, out = l.remove(p as usize));
                Ok(out)
            }
            "remove" => {
                count_args(self, "list.remove", &args, 1, 1)?;
                let l = list(self);
                for (i, x) in l.iter().enumerate() {
                    if self.eq(ctx, x, &args[0])? {
                        with!(l, {
                            l.remove(i);
                        });
                        return Ok(Value::None);
                    }
                }
                Err(self.value_error("list.remove(x): x not in list"))
            }
            "index" => {
                count_args(self, "index", &args, 1, 3)?;
                let l = list(self);
                let (a, b) = bounds(self, l.len(), args.get(1), args.get(2))?;
                for (i, x) in l.iter().enumerate().take(b).skip(a) {
                    if self.eq(ctx, x, &args[0])? {
                        return Ok(Value::Int(i as i64));
                    }
                }
                let r = self.repr(ctx, &args[0])?;
                if self.version.at_least(13) {
                    Err(self.value_error("list.index(x): x not in list"))
                } else {
                    Err(self.value_error(format!("{r} is not in list")))
                }
            }
            "count" => {
                count_args(self, "count", &args, 1, 1)?;
                let l = list(self);
                let mut n = 0;
                for x in &l {
                    if self.eq(ctx, x, &args[0])? {
                        n += 1;
                    }
                }
                Ok(Value::Int(n))
            }
            "reverse" => {
                with!(l, l.reverse());
                Ok(Value::None)
            }
            "clear" => {
                with!(l, l.clear());
                Ok(Value::None)
            }
            "copy" => {
                let l = list(self);
                Ok(self.new_list(l))
            }
            "sort" => {
                if !args.is_empty() {
                    return Err(self.type_error("sort() takes no positional arguments"));
                }
                let l = list(self);
                let reverse = match kwargs.iter().find(|(k, _)| &**k == "reverse") {
                    Some((_, v)) => self.truthy(ctx, &v.clone())?,
                    None => false,
                };
                let keys = match kwargs.iter().find(|(k, _)| &**k == "key") {
                    Some((_, f)) if !f.is_none() => {
                        let f = f.clone();
                        let mut ks = Vec::with_capacity(l.len());
                        for x in &l {
                            ks.push(self.call_sync(ctx, f.clone(), vec![x.clone()], Vec::new())?);
                        }
                        Some(ks)
                    }
                    _ => None,
                };
                let sorted = sort_values(self, ctx, l, keys, reverse)?;
                with!(l, *l = sorted);
                Ok(Value::None)
            }
            _ => Err(self.attr_error(&Value::Obj(id), name)),
        }
    }

    fn dict_method(&mut self, ctx: &mut Ctx, id: u32, name: &str, args: Vec<Value>, kwargs: Vec<(Rc<str>, Value)>) -> PyResult {
        let dict = |vm: &Vm| -> Dict {
            match vm.heap.get(id) {
                Obj::Dict(d) => d.clone(),
                _ => Dict::default(),
            }
        };
        match name {
            "get" => {
                count_args(self, "get", &args, 1, 2)?;
                let k = self.key(&args[0])?;
                let v = match self.heap.get(id) {
                    Obj::Dict(d) => d.get(&k).cloned(),
                    _ => None,
                };
                Ok(v.unwrap_or_else(|| args.get(1).cloned().unwrap_or(Value::None)))
            }
            "keys" => Ok(self.alloc(Obj::View(id, 0))),
            "values" => Ok(self.alloc(Obj::View(id, 1))),
            "items" => Ok(self.alloc(Obj::View(id, 2))),
            "pop" => {
                count_args(self, "pop", &args, 1, 2)?;
                let k = self.key(&args[0])?;
                let r = match self.heap.get_mut(id) {
                    Some(Obj::Dict(d)) => d.remove(&k),
                    _ => None,
                };
                match r {
                    Some((_, v)) => Ok(v),
                    None => match args.get(1) {
                        Some(d) => Ok(d.clone()),
                        None => Err(Flow::Exc(self.make_exc(exc::KEY, vec![args[0].clone()]))),
                    },
                }
            }
            "popitem" => {
                let last = match self.heap.get(id) {
                    Obj::Dict(d) => d.entries.last().cloned(),
                    _ => None,
                };
                match last {
                    Some((k, v)) => {
                        let key = self.key(&k)?;
                        if let Some(Obj::Dict(d)) = self.heap.get_mut(id) {
                            d.remove(&key);
                        }
                        Ok(self.new_tuple(vec![k, v]))
                    }
                    None => Err(self.exc(exc::KEY, "popitem(): dictionary is empty")),
                }
            }
            "setdefault" => {
                count_args(self, "setdefault", &args, 1, 2)?;
                let k = self.key(&args[0])?;
                let d = args.get(1).cloned().unwrap_or(Value::None);
                if let Some(Obj::Dict(dd)) = self.heap.get_mut(id) {
                    if let Some(v) = dd.get(&k) {
                        return Ok(v.clone());
                    }
                    dd.insert(k, args[0].clone(), d.clone());
                }
                Ok(d)
            }
            "update" => {
                count_args(self, "update", &args, 0, 1)?;
                let mut pairs = Vec::new();
                if let Some(src) = args.first() {
                    if matches!(self.obj(src), Some(Obj::Dict(_) | Obj::Inst(_))) {
                        pairs = self.mapping_items(ctx, src)?;
                    } else {
                        for it in self.collect(ctx, src)? {
                            let kv = self.collect(ctx, &it)?;
                            if kv.len() != 2 {
                                return Err(self.value_error(format!(
                                    "dictionary update sequence element #0 has length {}; 2 is required",
                                    kv.len()
                                )));
                            }
                            pairs.push((kv[0].clone(), kv[1].clone()));
                        }
                    }
                }
                for (k, v) in kwargs {
                    pairs.push((Value::Str(k), v));
                }
                for (k, v) in pairs {
                    let key = self.key(&k)?;
                    if let Some(Obj::Dict(d)) = self.heap.get_mut(id) {
                        d.insert(key, k, v);
                    }
                }
                Ok(Value::None)
            }
            "clear" => {
                if let Some(Obj::Dict(d)) = self.heap.get_mut(id) {
                    d.clear();
                }
                Ok(Value::None)
            }
            "copy" => {
                let d = dict(self);
                Ok(self.new_dict(d))
            }
            "fromkeys" => super::builtins::call_builtin(self, ctx, "dict.fromkeys", args, kwargs),
            _ => Err(self.attr_error(&Value::Obj(id), name)),
        }
    }

    fn set_method(&mut self, ctx: &mut Ctx, id: u32, name: &str, args: Vec<Value>) -> PyResult {
        let me = Value::Obj(id);
        let set_of = |vm: &mut Vm, ctx: &mut Ctx, v: &Value| -> PyResult<Dict> {
            let items = vm.collect(ctx, v)?;
            let mut d = Dict::default();
            for x in items {
                let k = vm.key(&x)?;
                d.insert(k, x, Value::None);
            }
            Ok(d)
        };
        let frozen = matches!(self.heap.get(id), Obj::FrozenSet(_));
        let mine = match self.heap.get(id) {
            Obj::Set(d) | Obj::FrozenSet(d) => d.clone(),
            _ => Dict::default(),
        };
        let store = |vm: &mut Vm, d: Dict| {
            if let Some(Obj::Set(s)) = vm.heap.get_mut(id) {
                *s = d;
            }
        };
        match name {
            "add" => {
                count_args(self, "set.add", &args, 1, 1)?;
                let k = self.key(&args[0])?;
                if let Some(Obj::Set(s)) = self.heap.get_mut(id) {
                    s.insert(k, args[0].clone(), Value::None);
                }
                Ok(Value::None)
            }
            "remove" | "discard" => {
                count_args(self, name, &args, 1, 1)?;
                let k = self.key(&args[0])?;
                let removed = match self.heap.get_mut(id) {
                    Some(Obj::Set(s)) => s.remove(&k).is_some(),
                    _ => false,
                };
                if !removed && name == "remove" {
                    return Err(Flow::Exc(self.make_exc(exc::KEY, vec![args[0].clone()])));
                }
                Ok(Value::None)
            }
            "pop" => {
                let first = mine.entries.first().cloned();
                match first {
                    Some((k, _)) => {
                        let key = self.key(&k)?;
                        if let Some(Obj::Set(s)) = self.heap.get_mut(id) {
                            s.remove(&key);
                        }
                        Ok(k)
                    }
                    None => Err(self.exc(exc::KEY, "pop from an empty set")),
                }
            }
            "clear" => {
                store(self, Dict::default());
                Ok(Value::None)
            }
            "copy" => Ok(self.alloc(if frozen { Obj::FrozenSet(mine) } else { Obj::Set(mine) })),
            "union" | "update" | "intersection" | "intersection_update" | "difference" | "difference_update" | "symmetric_difference" | "symmetric_difference_update" => {
                let mut acc = mine.clone();
                for a in &args {
                    let other = set_of(self, ctx, a)?;
                    let mut out = Dict::default();
                    match name.split('_').next().unwrap_or("") {
                        "union" | "update" => {
                            out = acc.clone();
                            for (k, _) in &other.entries {
                                let key = self.key(k)?;
                                out.insert(key, k.clone(), Value::None);
                            }
                        }
                        "intersection" => {
                            for (k, _) in &acc.entries {
                                let key = self.key(k)?;
                                if other.contains(&key) {
                                    out.insert(key, k.clone(), Value::None);
                                }
                            }
                        }
                        "difference" => {
                            for (k, _) in &acc.entries {
                                let key = self.key(k)?;
                                if !other.contains(&key) {
                                    out.insert(key, k.clone(), Value::None);
                                }
                            }
                        }
                        _ => {
                            for (k, _) in &acc.entries {
                                let key = self.key(k)?;
                                if !other.contains(&key) {
                                    out.insert(key, k.clone(), Value::None);
                                }
                            }
                            for (k, _) in &other.entries {
                                let key = self.key(k)?;
                                if !acc.contains(&key) {
                                    out.insert(key, k.clone(), Value::None);
                                }
                            }
                        }
                    }
                    acc = out;
                }
                if name.ends_with("update") {
                    store(self, acc);
                    Ok(Value::None)
                } else {
                    Ok(self.alloc(if frozen { Obj::FrozenSet(acc) } else { Obj::Set(acc) }))
                }
            }
            "issubset" | "issuperset" | "isdisjoint" => {
                count_args(self, name, &args, 1, 1)?;
                let other = set_of(self, ctx, &args[0])?;
                let (a, b) = if name == "issuperset" { (&other, &mine) } else { (&mine, &other) };
                let mut all = true;
                let mut any = false;
                for (k, _) in &a.entries {
                    let key = self.key(k)?;
                    if b.contains(&key) {
                        any = true;
                    } else {
                        all = false;
                    }
                }
                Ok(Value::Bool(if name == "isdisjoint" { !any } else { all }))
            }
            _ => Err(self.attr_error(&me, name)),
        }
    }

    // ---------------------------------------------------------------- len, isinstance

    pub fn len_of(&mut self, ctx: &mut Ctx, v: &Value) -> PyResult<usize> {
        match v {
            Value::Str(s) => return Ok(if s.is_ascii() { s.len() } else { s.chars().count() }),
            Value::Bytes(b) => return Ok(b.len()),
            Value::Obj(id) => match self.heap.get(*id) {
                Obj::List(l) | Obj::Tuple(l) => return Ok(l.len()),
                Obj::Dict(d) | Obj::Set(d) | Obj::FrozenSet(d) => return Ok(d.len()),
                Obj::Range(a, b, s) => return Ok(super::ops::range_len(*a, *b, *s) as usize),
                Obj::View(d, _) => {
                    if let Obj::Dict(dd) = self.heap.get(*d) {
                        return Ok(dd.len());
                    }
                }
                Obj::Inst(_) => {
                    if let Some(f) = self.special(v, "__len__") {
                        let r = self.call_sync(ctx, f, vec![v.clone()], Vec::new())?;
                        return match as_int(&r) {
                            Some(n) if n >= 0 => Ok(n as usize),
                            Some(_) => Err(self.value_error("__len__() should return >= 0")),
                            None => {
                                let t = self.type_name(&r);
                                Err(self.type_error(format!("'{t}' object cannot be interpreted as an integer")))
                            }
                        };
                    }
                    if let Some(inner) = self.inst_inner(v) {
                        return self.len_of(ctx, &inner);
                    }
                }
                _ => {}
            },
            _ => {}
        }
        let t = self.type_name(v);
        Err(self.type_error(format!("object of type '{t}' has no len()")))
    }

    fn class_matches(&mut self, v: &Value, cls: &Value) -> PyResult<bool> {
        match cls {
            Value::Type(t) => {
                let vt = self.base_ty(v);
                Ok(match t {
                    Ty::Object => true,
                    Ty::Int => matches!(vt, Ty::Int | Ty::Bool) || self.inner_is(v, Ty::Int),
                    Ty::Type => matches!(v, Value::Type(_)) || matches!(self.obj(v), Some(Obj::Class(_))),
                    Ty::Function => matches!(self.obj(v), Some(Obj::Func(_))),
                    t => vt == *t || self.inner_is(v, *t),
                })
            }
            Value::Obj(c) => match self.heap.get(*c) {
                Obj::Class(_) => Ok(self.class_of_inst(v).is_some_and(|k| self.is_subclass(k, *c))),
                Obj::Tuple(items) => {
                    let items = items.clone();
                    for x in &items {
                        if self.class_matches(v, x)? {
                            return Ok(true);
                        }
                    }
                    Ok(false)
                }
                _ => Err(self.type_error("isinstance() arg 2 must be a type, a tuple of types, or a union")),
            },
            _ => Err(self.type_error("isinstance() arg 2 must be a type, a tuple of types, or a union")),
        }
    }

    fn inner_is(&self, v: &Value, t: Ty) -> bool {
        match self.obj(v) {
            Some(Obj::Inst(i)) => match self.heap.get(i.class) {
                Obj::Class(c) => c.builtin_base == Some(t),
                _ => false,
            },
            _ => false,
        }
    }

    pub fn isinstance(&mut self, v: &Value, cls: &Value) -> PyResult<bool> {
        self.class_matches(v, cls)
    }

    pub fn issubclass(&mut self, c: &Value, base: &Value) -> PyResult<bool> {
        match (c, base) {
            (_, Value::Type(Ty::Object)) => Ok(true),
            (Value::Type(a), Value::Type(b)) => Ok(a == b || (*a == Ty::Bool && *b == Ty::Int)),
            (Value::Obj(a), Value::Obj(b)) if matches!(self.heap.get(*b), Obj::Class(_)) => Ok(self.is_subclass(*a, *b)),
            (Value::Obj(a), Value::Type(t)) => Ok(match self.heap.get(*a) {
                Obj::Class(k) => k.builtin_base == Some(*t),
                _ => false,
            }),
            (_, Value::Obj(b)) => {
                if let Obj::Tuple(items) = self.heap.get(*b) {
                    let items = items.clone();
                    for x in &items {
                        if self.issubclass(c, x)? {
                            return Ok(true);
                        }
                    }
                    return Ok(false);
                }
                Ok(false)
            }
            (Value::Type(_), _) => Ok(false),
            _ => Err(self.type_error("issubclass() arg 1 must be a class")),
        }
    }

    // ---------------------------------------------------------------- standard streams

    /// Writes to stdout with its buffering.
    pub fn write_out(&mut self, ctx: &mut Ctx, text: &str) {
        self.write_stream(ctx, StdStream::Stdout, text);
    }

    pub fn write_stream(&mut self, ctx: &mut Ctx, which: StdStream, text: &str) {
        let s = if which == StdStream::Stdout { &mut self.stdout } else { &mut self.stderr };
        s.buf.push_str(text);
        let flush = match s.mode {
            Buffering::Unbuffered => true,
            Buffering::Line => text.contains('\n') || text.contains('\r'),
            Buffering::Block => s.buf.len() >= 8192,
        };
        // A block-buffered write that would overflow the buffer first writes what is pending.
        if s.mode == Buffering::Block && s.buf.len() > 8192 && s.buf.len() > text.len() {
            let keep = s.buf.split_off(s.buf.len() - text.len());
            let t = std::mem::replace(&mut s.buf, keep);
            ctx.out.write(which, &t);
            if s.buf.len() >= 8192 {
                let t = std::mem::take(&mut s.buf);
                ctx.out.write(which, &t);
            }
            return;
        }
        if flush {
            self.flush_stream(ctx, which);
        }
    }

    pub fn flush_stream(&mut self, ctx: &mut Ctx, which: StdStream) {
        let s = if which == StdStream::Stdout { &mut self.stdout } else { &mut self.stderr };
        if !s.buf.is_empty() {
            let t = std::mem::take(&mut s.buf);
            ctx.out.write(which, &t);
        }
    }

    pub fn flush_all(&mut self, ctx: &mut Ctx) {
        self.flush_stream(ctx, StdStream::Stdout);
        self.flush_stream(ctx, StdStream::Stderr);
    }

    fn std_stream_of(&self, file: &Value) -> Option<StdStream> {
        match self.obj(file) {
            Some(Obj::File(f)) if f.path == "<stdout>" => Some(StdStream::Stdout),
            Some(Obj::File(f)) if f.path == "<stderr>" => Some(StdStream::Stderr),
            _ => None,
        }
    }

    /// `print(…, file=f)` and `f.write()`.
    pub fn write_to(&mut self, ctx: &mut Ctx, file: &Value, text: &str) -> PyResult<()> {
        if file.is_none() {
            self.write_out(ctx, text);
            return Ok(());
        }
        if let Some(s) = self.std_stream_of(file) {
            self.write_stream(ctx, s, text);
            return Ok(());
        }
        match self.obj(file) {
            Some(Obj::File(_)) => {
                self.file_method(ctx, file, "write", vec![Value::str(text)])?;
                Ok(())
            }
            Some(Obj::Inst(_)) => {
                let w = self.getattr(ctx, file, "write")?;
                self.call_sync(ctx, w, vec![Value::str(text)], Vec::new())?;
                Ok(())
            }
            _ => {
                let t = self.type_name(file);
                Err(self.exc(exc::ATTRIBUTE, format!("'{t}' object has no attribute 'write'")))
            }
        }
    }

    pub fn flush_file(&mut self, ctx: &mut Ctx, file: &Value) {
        match self.std_stream_of(file) {
            Some(s) => self.flush_stream(ctx, s),
            None if file.is_none() => self.flush_stream(ctx, StdStream::Stdout),
            None => {}
        }
    }

    fn file_method(&mut self, ctx: &mut Ctx, fv: &Value, name: &str, args: Vec<Value>) -> PyResult {
        if let Some(s) = self.std_stream_of(fv) {
            return match name {
                "write" => {
                    let text = match args.first() {
                        Some(Value::Str(t)) => t.clone(),
                        Some(v) => {
                            let t = self.type_name(v);
                            return Err(self.type_error(format!("write() argument must be str, not {t}")));
                        }
                        None => return Err(self.type_error("write() takes exactly one argument (0 given)")),
                    };
                    self.write_stream(ctx, s, &text);
                    Ok(Value::Int(text.chars().count() as i64))
                }
                "writelines" => {
                    let items = match args.first() {
                        Some(v) => self.collect(ctx, v)?,
                        None => Vec::new(),
                    };
                    for x in items {
                        if let Value::Str(t) = x {
                            self.write_stream(ctx, s, &t);
                        }
                    }
                    Ok(Value::None)
                }
                "flush" => {
                    self.flush_stream(ctx, s);
                    Ok(Value::None)
                }
                "isatty" => Ok(Value::Bool(ctx.tty)),
                "fileno" => Ok(Value::Int(if s == StdStream::Stdout { 1 } else { 2 })),
                "readable" => Ok(Value::Bool(false)),
                "writable" => Ok(Value::Bool(true)),
                "close" => Ok(Value::None),
                _ => Err(self.unsupported(&format!("sys.{}.{name}()", if s == StdStream::Stdout { "stdout" } else { "stderr" }))),
            };
        }
        let Some(Obj::File(f)) = self.obj(fv).cloned() else {
            return Err(self.attr_error(fv, name));
        };
        if f.path == "<stdin>" {
            return match name {
                "readline" => match ctx.stdin.read_line() {
                    Some(l) => Ok(Value::str(&format!("{l}\n"))),
                    None if ctx.stdin.at_eof() => Ok(Value::str("")),
                    None => Err(self.unsupported("reading sys.stdin before input arrives")),
                },
                "read" | "readlines" => {
                    if !ctx.stdin.closed {
                        return Err(self.unsupported("reading all of sys.stdin before it is closed"));
                    }
                    let all = std::mem::take(&mut ctx.stdin.buf);
                    if name == "read" {
                        Ok(Value::str(&all))
                    } else {
                        let lines = all.split_inclusive('\n').map(Value::str).collect();
                        Ok(self.new_list(lines))
                    }
                }
                "isatty" => Ok(Value::Bool(ctx.tty)),
                "fileno" => Ok(Value::Int(0)),
                _ => Err(self.unsupported(&format!("sys.stdin.{name}()"))),
            };
        }
        if f.closed && !matches!(name, "close") {
            return Err(self.value_error("I/O operation on closed file."));
        }
        let set = |vm: &mut Vm, g: File| {
            if let Some(Obj::File(x)) = vm.obj_mut(fv) {
                *x = g;
            }
        };
        let mut f = f;
        match name {
            "read" => {
                if f.writing {
                    return Err(self.exc(exc::OS, "not readable").io_unsupported(self, "not readable"));
                }
                let rest: String = f.data[f.pos.min(f.data.len())..].to_string();
                let out = match args.first().and_then(as_int) {
                    Some(n) if n >= 0 => rest.chars().take(n as usize).collect::<String>(),
                    _ => rest,
                };
                f.pos += out.len();
                set(self, f);
                Ok(Value::str(&out))
            }
            "readline" => {
                if f.writing {
                    return Err(self.exc(exc::OS, "not readable").io_unsupported(self, "not readable"));
                }
                let rest = &f.data[f.pos.min(f.data.len())..];
                let line = match rest.find('\n') {
                    Some(i) => rest[..=i].to_string(),
                    None => rest.to_string(),
                };
                f.pos += line.len();
                set(self, f);
                Ok(Value::str(&line))
            }
            "readlines" => {
                let rest = f.data[f.pos.min(f.data.len())..].to_string();
                f.pos = f.data.len();
                set(self, f);
                let items = rest.split_inclusive('\n').map(Value::str).collect();
                Ok(self.new_list(items))
            }
            "write" => {
                if !f.writing {
                    return Err(self.exc(exc::OS, "not writable").io_unsupported(self, "not writable"));
                }
                let text = match args.first() {
                    Some(Value::Str(t)) if !f.binary => t.to_string(),
                    Some(Value::Bytes(b)) if f.binary => String::from_utf8_lossy(b).to_string(),
                    Some(v) => {
                        let t = self.type_name(v);
                        let want = if f.binary { "a bytes-like object is required" } else { "write() argument must be str" };
                        return Err(self.type_error(if f.binary {
                            format!("{want}, not '{t}'")
                        } else {
                            format!("{want}, not {t}")
                        }));
                    }
                    None => return Err(self.type_error("write() takes exactly one argument (0 given)")),
                };
                let meta = Meta {
                    mode: 0o644,
                    uid: ctx.uid,
                    gid: 0,
                    mtime: ctx.now,
                };
                let _ = ctx.fs.write(&f.path, text.as_bytes(), true, &meta);
                Ok(Value::Int(text.chars().count() as i64))
            }
            "writelines" => {
                let items = match args.first() {
                    Some(v) => self.collect(ctx, v)?,
                    None => Vec::new(),
                };
                for x in items {
                    self.file_method(ctx, fv, "write", vec![x])?;
                }
                Ok(Value::None)
            }
            "close" => {
                close_file(self, ctx, fv);
                Ok(Value::None)
            }
            "flush" => Ok(Value::None),
            "seek" => {
                f.pos = args.first().and_then(as_int).unwrap_or(0).max(0) as usize;
                set(self, f);
                Ok(Value::Int(0))
            }
            "tell" => Ok(Value::Int(f.pos as i64)),
            "isatty" => Ok(Value::Bool(false)),
            "readable" => Ok(Value::Bool(!f.writing)),
            "writable" => Ok(Value::Bool(f.writing)),
            "fileno" => Ok(Value::Int(3)),
            _ => Err(self.attr_error(fv, name)),
        }
    }
}

trait IoUnsupported {
    fn io_unsupported(self, vm: &mut Vm, msg: &str) -> Flow;
}
impl IoUnsupported for Flow {
    /// `io.UnsupportedOperation: not readable` (an OSError subclass).
    fn io_unsupported(self, vm: &mut Vm, msg: &str) -> Flow {
        let cls = super::modules::unsupported_operation_class(vm);
        vm.exc(cls, msg)
    }
}

fn title(s: &str) -> String {
    let mut out = String::new();
    let mut prev_cased = false;
    for c in s.chars() {
        if prev_cased {
            out.extend(c.to_lowercase());
        } else {
            out.extend(c.to_uppercase());
        }
        prev_cased = c.is_alphabetic();
    }
    out
}

pub fn close_file(vm: &mut Vm, _ctx: &mut Ctx, fv: &Value) {
    if let Some(Obj::File(f)) = vm.obj_mut(fv) {
        if !f.path.starts_with('<') {
            f.closed = true;
        }
    }
}

pub fn file_lines(vm: &mut Vm, fv: &Value) -> PyResult<Vec<Value>> {
    let Some(Obj::File(f)) = vm.obj(fv).cloned() else {
        return Ok(Vec::new());
    };
    if f.closed {
        return Err(vm.value_error("I/O operation on closed file."));
    }
    let rest = f.data[f.pos.min(f.data.len())..].to_string();
    if let Some(Obj::File(g)) = vm.obj_mut(fv) {
        g.pos = g.data.len();
    }
    Ok(rest.split_inclusive('\n').map(Value::str).collect())
}

/// `open(path, mode)` over the container's file system.
pub fn open(vm: &mut Vm, ctx: &mut Ctx, args: &[Value], kwargs: &[(Rc<str>, Value)]) -> PyResult {
    let Some(pv) = args.first().or_else(|| kwargs.iter().find(|(k, _)| &**k == "file").map(|(_, v)| v)) else {
        return Err(vm.type_error("open() missing required argument 'file' (pos 1)"));
    };
    let name = match pv {
        Value::Str(s) => s.to_string(),
        Value::Int(_) => return Err(vm.unsupported("open() on a file descriptor")),
        v => {
            let t = vm.type_name(v);
            return Err(vm.type_error(format!("expected str, bytes or os.PathLike object, not {t}")));
        }
    };
    let mode = match args.get(1).or_else(|| kwargs.iter().find(|(k, _)| &**k == "mode").map(|(_, v)| v)) {
        Some(Value::Str(m)) => m.to_string(),
        Some(_) => return Err(vm.type_error("open() argument 'mode' must be str")),
        None => "r".into(),
    };
    let binary = mode.contains('b');
    let kind = mode.chars().find(|c| matches!(c, 'r' | 'w' | 'a' | 'x')).unwrap_or('r');
    if mode.chars().any(|c| !matches!(c, 'r' | 'w' | 'a' | 'x' | 'b' | 't' | '+')) {
        return Err(vm.value_error(format!("invalid mode: '{mode}'")));
    }
    let path = crate::vfs::normalize(ctx.cwd, &name);
    let existing = ctx.fs.get(&path).map(|n| n.kind.clone());
    let not_found = |vm: &mut Vm| super::builtins::os_error(vm, exc::FILE_NOT_FOUND, 2, "No such file or directory", &name);
    if let Some(NodeKind::Dir(_)) = existing {
        return Err(super::builtins::os_error(vm, exc::IS_A_DIRECTORY, 21, "Is a directory", &name));
    }
    let meta = Meta {
        mode: 0o644,
        uid: ctx.uid,
        gid: 0,
        mtime: ctx.now,
    };
    let (data, writing) = match kind {
        'r' => match existing {
            Some(NodeKind::File(d)) => (String::from_utf8_lossy(&d).to_string(), mode.contains('+')),
            _ => return Err(not_found(vm)),
        },
        'x' if existing.is_some() => {
            return Err(super::builtins::os_error(vm, exc::FILE_EXISTS, 17, "File exists", &name));
        }
        _ => {
            let truncate = kind != 'a';
            let r = if truncate || existing.is_none() {
                ctx.fs.write(&path, b"", false, &meta)
            } else {
                Ok(())
            };
            if r.is_err() {
                return Err(not_found(vm));
            }
            (String::new(), true)
        }
    };
    let f = File {
        path,
        name,
        mode: mode.clone(),
        data,
        pos: 0,
        closed: false,
        writing,
        binary,
    };
    Ok(vm.alloc(Obj::File(f)))
}

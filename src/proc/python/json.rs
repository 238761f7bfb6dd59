//! `json.dumps`/`loads` (and `dump`/`load`) with CPython's layout and error messages.

use std::rc::Rc;

use super::format::float_repr;
use super::ops::as_int;
use super::value::*;
use super::vm::{exc, Flow, PyResult, Vm};
use crate::proc::program::Ctx;

/// How deep `dumps` and `loads` nest before reporting a RecursionError.
const MAX_DEPTH: u32 = 500;

struct Opts {
    indent: Option<String>,
    item_sep: String,
    key_sep: String,
    sort_keys: bool,
    ensure_ascii: bool,
    default: Option<Value>,
}

pub fn quote(s: &str, ensure_ascii: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if ensure_ascii && !c.is_ascii() => {
                let mut buf = [0u16; 2];
                for u in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn float_text(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 { "Infinity".into() } else { "-Infinity".into() }
    } else {
        float_repr(f)
    }
}

fn dump(vm: &mut Vm, ctx: &mut Ctx, v: &Value, o: &Opts, level: u32, out: &mut String) -> PyResult<()> {
    if level > MAX_DEPTH {
        return Err(vm.exc(exc::RECURSION, "maximum recursion depth exceeded while encoding a JSON object"));
    }
    match v {
        Value::None => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Big(b) => out.push_str(&b.to_string()),
        Value::Float(f) => out.push_str(&float_text(*f)),
        Value::Str(s) => out.push_str(&quote(s, o.ensure_ascii)),
        _ => {
            let (items, is_dict) = match vm.obj(v) {
                Some(Obj::List(l) | Obj::Tuple(l)) => (l.iter().map(|x| (Value::None, x.clone())).collect::<Vec<_>>(), false),
                Some(Obj::Dict(d)) => (d.entries.clone(), true),
                Some(Obj::Inst(i)) if i.inner.is_some() => {
                    let inner = i.inner.clone().unwrap_or(Value::None);
                    return dump(vm, ctx, &inner, o, level, out);
                }
                _ => {
                    if let Some(d) = &o.default {
                        let r = vm.call_sync(ctx, d.clone(), vec![v.clone()], Vec::new())?;
                        return dump(vm, ctx, &r, o, level + 1, out);
                    }
                    let t = vm.type_name(v);
                    return Err(vm.type_error(format!("Object of type {t} is not JSON serializable")));
                }
            };
            let (open, close) = if is_dict { ('{', '}') } else { ('[', ']') };
            if items.is_empty() {
                out.push(open);
                out.push(close);
                return Ok(());
            }
            let mut items = items;
            if is_dict && o.sort_keys {
                let keys: Vec<Value> = items.iter().map(|(k, _)| k.clone()).collect();
                let sorted = super::builtins::sort_values(vm, ctx, keys.clone(), None, false)?;
                let mut reordered = Vec::with_capacity(items.len());
                for k in sorted {
                    if let Some(p) = items.iter().position(|(x, _)| x.same(&k) || matches!((x, &k), (Value::Str(a), Value::Str(b)) if a == b)) {
                        reordered.push(items.remove(p));
                    }
                }
                items = reordered;
            }
            out.push(open);
            let inner_indent = o.indent.as_ref().map(|i| format!("\n{}", i.repeat(level as usize + 1)));
            for (n, (k, x)) in items.iter().enumerate() {
                if n > 0 {
                    out.push_str(&o.item_sep);
                }
                if let Some(ind) = &inner_indent {
                    out.push_str(ind);
                }
                if is_dict {
                    let ks = match k {
                        Value::Str(s) => s.to_string(),
                        Value::Int(i) => i.to_string(),
                        Value::Big(b) => b.to_string(),
                        Value::Float(f) => float_text(*f),
                        Value::Bool(b) => if *b { "true".into() } else { "false".into() },
                        Value::None => "null".into(),
                        other => {
                            let t = vm.type_name(other);
                            return Err(vm.type_error(format!("keys must be str, int, float, bool or None, not {t}")));
                        }
                    };
                    out.push_str(&quote(&ks, o.ensure_ascii));
                    out.push_str(&o.key_sep);
                }
                dump(vm, ctx, x, o, level + 1, out)?;
            }
            if let Some(i) = &o.indent {
                out.push('\n');
                out.push_str(&i.repeat(level as usize));
            }
            out.push(close);
        }
    }
    Ok(())
}

fn decode_error(vm: &mut Vm, msg: &str, doc: &[char], pos: usize) -> Flow {
    let line = doc[..pos.min(doc.len())].iter().filter(|&&c| c == '\n').count() + 1;
    let col = match doc[..pos.min(doc.len())].iter().rposition(|&c| c == '\n') {
        Some(nl) => pos - nl,
        None => pos + 1,
    };
    let text = format!("{msg}: line {line} column {col} (char {pos})");
    let e = vm.make_exc(exc::JSON_DECODE, vec![Value::str(&text)]);
    if let Some(Obj::Inst(i)) = vm.obj_mut(&e) {
        i.attrs.set(Rc::from("msg"), Value::str(msg));
        i.attrs.set(Rc::from("pos"), Value::Int(pos as i64));
        i.attrs.set(Rc::from("lineno"), Value::Int(line as i64));
        i.attrs.set(Rc::from("colno"), Value::Int(col as i64));
    }
    Flow::Exc(e)
}

struct Parser<'a> {
    s: &'a [char],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], ' ' | '\t' | '\n' | '\r') {
            self.i += 1;
        }
    }

    fn value(&mut self, vm: &mut Vm, depth: u32) -> PyResult {
        if depth > MAX_DEPTH {
            return Err(vm.exc(exc::RECURSION, "maximum recursion depth exceeded while decoding a JSON document"));
        }
        let Some(&c) = self.s.get(self.i) else {
            return Err(decode_error(vm, "Expecting value", self.s, self.i));
        };
        match c {
            '{' => {
                self.i += 1;
                let mut d = Dict::default();
                self.ws();
                if self.s.get(self.i) == Some(&'}') {
                    self.i += 1;
                    return Ok(vm.new_dict(d));
                }
                loop {
                    self.ws();
                    if self.s.get(self.i) != Some(&'"') {
                        return Err(decode_error(vm, "Expecting property name enclosed in double quotes", self.s, self.i));
                    }
                    let k = self.string(vm)?;
                    self.ws();
                    if self.s.get(self.i) != Some(&':') {
                        return Err(decode_error(vm, "Expecting ':' delimiter", self.s, self.i));
                    }
                    self.i += 1;
                    self.ws();
                    let v = self.value(vm, depth + 1)?;
                    d.insert(Key::Str(Rc::from(k.as_str())), Value::str(&k), v);
                    self.ws();
                    match self.s.get(self.i) {
                        Some(',') => {
                            self.i += 1;
                            self.ws();
                            if self.s.get(self.i) != Some(&'"') {
                                let msg = if self.s.get(self.i) == Some(&'}') && vm.version.at_least(13) {
                                    "Illegal trailing comma before end of object"
                                } else {
                                    "Expecting property name enclosed in double quotes"
                                };
                                let at = if msg.starts_with("Illegal") { self.i - 1 } else { self.i };
                                let _ = at;
                                return Err(decode_error(vm, msg, self.s, if msg.starts_with("Illegal") { self.back_to_comma() } else { self.i }));
                            }
                        }
                        Some('}') => {
                            self.i += 1;
                            return Ok(vm.new_dict(d));
                        }
                        _ => return Err(decode_error(vm, "Expecting ',' delimiter", self.s, self.i)),
                    }
                }
            }
            '[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&']') {
                    self.i += 1;
                    return Ok(vm.new_list(items));
                }
                loop {
                    self.ws();
                    if self.s.get(self.i) == Some(&']') && vm.version.at_least(13) {
                        let at = self.back_to_comma();
                        return Err(decode_error(vm, "Illegal trailing comma before end of array", self.s, at));
                    }
                    items.push(self.value(vm, depth + 1)?);
                    self.ws();
                    match self.s.get(self.i) {
                        Some(',') => self.i += 1,
                        Some(']') => {
                            self.i += 1;
                            return Ok(vm.new_list(items));
                        }
                        _ => return Err(decode_error(vm, "Expecting ',' delimiter", self.s, self.i)),
                    }
                }
            }
            '"' => {
                let s = self.string(vm)?;
                Ok(Value::str(&s))
            }
            _ => {
                let rest: String = self.s[self.i..self.s.len().min(self.i + 9)].iter().collect();
                for (word, v) in [
                    ("null", Value::None),
                    ("true", Value::Bool(true)),
                    ("false", Value::Bool(false)),
                    ("NaN", Value::Float(f64::NAN)),
                    ("Infinity", Value::Float(f64::INFINITY)),
                    ("-Infinity", Value::Float(f64::NEG_INFINITY)),
                ] {
                    if rest.starts_with(word) {
                        self.i += word.chars().count();
                        return Ok(v);
                    }
                }
                self.number(vm)
            }
        }
    }

    fn back_to_comma(&self) -> usize {
        let mut j = self.i;
        while j > 0 && self.s[j - 1] != ',' {
            j -= 1;
        }
        j.saturating_sub(1)
    }

    fn number(&mut self, vm: &mut Vm) -> PyResult {
        let start = self.i;
        let mut j = self.i;
        if self.s.get(j) == Some(&'-') {
            j += 1;
        }
        let int_start = j;
        if self.s.get(j) == Some(&'0') {
            j += 1;
        } else {
            while j < self.s.len() && self.s[j].is_ascii_digit() {
                j += 1;
            }
        }
        if j == int_start {
            return Err(decode_error(vm, "Expecting value", self.s, start));
        }
        let mut is_float = false;
        if self.s.get(j) == Some(&'.') && self.s.get(j + 1).is_some_and(|c| c.is_ascii_digit()) {
            is_float = true;
            j += 1;
            while j < self.s.len() && self.s[j].is_ascii_digit() {
                j += 1;
            }
        }
        if matches!(self.s.get(j), Some('e' | 'E')) {
            let mut k = j + 1;
            if matches!(self.s.get(k), Some('+' | '-')) {
                k += 1;
            }
            if self.s.get(k).is_some_and(|c| c.is_ascii_digit()) {
                is_float = true;
                j = k;
                while j < self.s.len() && self.s[j].is_ascii_digit() {
                    j += 1;
                }
            }
        }
        let text: String = self.s[start..j].iter().collect();
        self.i = j;
        if is_float {
            return Ok(Value::Float(text.parse().unwrap_or(0.0)));
        }
        match text.parse::<i64>() {
            Ok(v) => Ok(Value::Int(v)),
            Err(_) => Ok(super::bigint::BigInt::parse_radix(&text, 10)
                .map(super::ops::int_of_big)
                .unwrap_or(Value::Int(0))),
        }
    }

    fn string(&mut self, vm: &mut Vm) -> PyResult<String> {
        let start = self.i;
        self.i += 1;
        let mut out = String::new();
        loop {
            let Some(&c) = self.s.get(self.i) else {
                return Err(decode_error(vm, "Unterminated string starting at", self.s, start));
            };
            match c {
                '"' => {
                    self.i += 1;
                    return Ok(out);
                }
                '\\' => {
                    let Some(&e) = self.s.get(self.i + 1) else {
                        return Err(decode_error(vm, "Unterminated string starting at", self.s, start));
                    };
                    let ch = match e {
                        '"' => '"',
                        '\\' => '\\',
                        '/' => '/',
                        'b' => '\x08',
                        'f' => '\x0c',
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        'u' => {
                            let hex: String = self.s[(self.i + 2).min(self.s.len())..(self.i + 6).min(self.s.len())].iter().collect();
                            let Ok(mut u) = u32::from_str_radix(&hex, 16).map_err(|_| ()).and_then(|v| if hex.len() == 4 { Ok(v) } else { Err(()) }) else {
                                return Err(decode_error(vm, "Invalid \\uXXXX escape", self.s, self.i + 1));
                            };
                            self.i += 4;
                            if (0xd800..0xdc00).contains(&u) && self.s.get(self.i + 2) == Some(&'\\') && self.s.get(self.i + 3) == Some(&'u') {
                                let lo: String = self.s[(self.i + 4).min(self.s.len())..(self.i + 8).min(self.s.len())].iter().collect();
                                if let Ok(l) = u32::from_str_radix(&lo, 16) {
                                    if (0xdc00..0xe000).contains(&l) {
                                        u = 0x10000 + ((u - 0xd800) << 10) + (l - 0xdc00);
                                        self.i += 6;
                                    }
                                }
                            }
                            char::from_u32(u).unwrap_or('\u{fffd}')
                        }
                        _ => return Err(decode_error(vm, "Invalid \\escape", self.s, self.i)),
                    };
                    out.push(ch);
                    self.i += 2;
                }
                c if (c as u32) < 0x20 => {
                    return Err(decode_error(vm, "Invalid control character at", self.s, self.i));
                }
                c => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
    }
}

pub fn loads(vm: &mut Vm, text: &str) -> PyResult {
    let chars: Vec<char> = text.chars().collect();
    let mut p = Parser { s: &chars, i: 0 };
    p.ws();
    let v = p.value(vm, 0)?;
    p.ws();
    if p.i < chars.len() {
        return Err(decode_error(vm, "Extra data", &chars, p.i));
    }
    Ok(v)
}

pub fn dumps(vm: &mut Vm, ctx: &mut Ctx, v: &Value, kwargs: &[(Rc<str>, Value)]) -> PyResult<String> {
    let kw = |n: &str| kwargs.iter().find(|(k, _)| &**k == n).map(|(_, v)| v.clone());
    let indent = match kw("indent") {
        None | Some(Value::None) => None,
        Some(Value::Str(s)) => Some(s.to_string()),
        Some(v) => Some(" ".repeat(as_int(&v).unwrap_or(0).clamp(0, 1000) as usize)),
    };
    let (mut item_sep, mut key_sep) = (if indent.is_some() { ",".to_string() } else { ", ".to_string() }, ": ".to_string());
    if let Some(sep) = kw("separators").filter(|s| !s.is_none()) {
        let parts = vm.collect(ctx, &sep)?;
        if let (Some(Value::Str(a)), Some(Value::Str(b))) = (parts.first(), parts.get(1)) {
            item_sep = a.to_string();
            key_sep = b.to_string();
        }
    }
    let sort_keys = match kw("sort_keys") {
        Some(v) => vm.truthy(ctx, &v)?,
        None => false,
    };
    let ensure_ascii = match kw("ensure_ascii") {
        Some(v) => vm.truthy(ctx, &v)?,
        None => true,
    };
    let o = Opts {
        indent,
        item_sep,
        key_sep,
        sort_keys,
        ensure_ascii,
        default: kw("default").filter(|d| !d.is_none()),
    };
    let mut out = String::new();
    dump(vm, ctx, v, &o, 0, &mut out)?;
    Ok(out)
}

pub fn call(vm: &mut Vm, ctx: &mut Ctx, f: &str, args: &[Value], kwargs: &[(Rc<str>, Value)]) -> PyResult {
    match f {
        "dumps" => {
            let Some(v) = args.first() else {
                return Err(vm.type_error("dumps() missing 1 required positional argument: 'obj'"));
            };
            Ok(Value::str(&dumps(vm, ctx, v, kwargs)?))
        }
        "dump" => {
            let (Some(v), Some(fp)) = (args.first(), args.get(1)) else {
                return Err(vm.type_error("dump() missing 1 required positional argument: 'fp'"));
            };
            let s = dumps(vm, ctx, v, kwargs)?;
            vm.write_to(ctx, fp, &s)?;
            Ok(Value::None)
        }
        "loads" => match args.first() {
            Some(Value::Str(s)) => loads(vm, s),
            Some(Value::Bytes(b)) => loads(vm, &String::from_utf8_lossy(b)),
            Some(v) => {
                let t = vm.type_name(v);
                Err(vm.type_error(format!("the JSON object must be str, bytes or bytearray, not {t}")))
            }
            None => Err(vm.type_error("loads() missing 1 required positional argument: 's'")),
        },
        "load" => {
            let Some(fp) = args.first() else {
                return Err(vm.type_error("load() missing 1 required positional argument: 'fp'"));
            };
            let read = vm.getattr(ctx, fp, "read")?;
            let text = vm.call_sync(ctx, read, Vec::new(), Vec::new())?;
            match text {
                Value::Str(s) => loads(vm, &s),
                _ => Err(vm.type_error("the JSON object must be str, bytes or bytearray")),
            }
        }
        _ => Err(vm.unsupported(&format!("json.{f}()"))),
    }
}

//! `JSON.parse` (with V8's messages, which changed in V8 11 and again in V8 12) and
//! `JSON.stringify` (indentation, `toJSON`, replacers, the circular-structure message).

use super::super::num;
use super::*;

struct P<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    /// V8 ≥ 11 (Node ≥ 20): detailed messages; V8 ≥ 12 (Node ≥ 22): with line and column.
    style: u8,
    depth: u32,
}

#[derive(Debug)]
enum JErr {
    End,
    Token(usize),
    At(&'static str, usize),
}

impl P<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }
    /// V8 ≥ 11 names the expected token even at the end of the input.
    fn err_at(&self, msg: &'static str) -> JErr {
        if self.i >= self.b.len() && self.style == 0 {
            JErr::End
        } else {
            JErr::At(msg, self.i)
        }
    }
    fn value(&mut self, vm: &mut Vm) -> Result<Val, JErr> {
        self.depth += 1;
        if self.depth > 5000 {
            return Err(JErr::Token(self.i));
        }
        self.ws();
        let Some(&c) = self.b.get(self.i) else { return Err(JErr::End) };
        let r = match c {
            b'{' => {
                self.i += 1;
                let o = vm.new_object();
                self.ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                } else {
                    let mut first = true;
                    loop {
                        self.ws();
                        if self.b.get(self.i) != Some(&b'"') {
                            if self.i >= self.b.len() && self.style == 0 {
                                return Err(JErr::End);
                            }
                            return Err(JErr::At(if first { "Expected property name or '}'" } else { "Expected double-quoted property name" }, self.i));
                        }
                        first = false;
                        let k = self.string()?;
                        self.ws();
                        if self.b.get(self.i) != Some(&b':') {
                            return Err(self.err_at("Expected ':' after property name"));
                        }
                        self.i += 1;
                        let v = self.value(vm)?;
                        if &*k == "__proto__" {
                            vm.heap.get_mut(o).props.insert(Key::S(k), Slot::V(v), DEFAULT);
                        } else {
                            vm.define(o, Key::S(k), v, DEFAULT);
                        }
                        self.ws();
                        match self.b.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b'}') => {
                                self.i += 1;
                                break;
                            }
                            _ => return Err(self.err_at("Expected ',' or '}' after property value")),
                        }
                    }
                }
                Val::Obj(o)
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                } else {
                    loop {
                        items.push(self.value(vm)?);
                        self.ws();
                        match self.b.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b']') => {
                                self.i += 1;
                                break;
                            }
                            _ => return Err(self.err_at("Expected ',' or ']' after array element")),
                        }
                    }
                }
                vm.new_array(items)
            }
            b'"' => Val::Str(self.string()?),
            b't' => self.word("true", Val::Bool(true))?,
            b'f' => self.word("false", Val::Bool(false))?,
            b'n' => self.word("null", Val::Null)?,
            b'-' | b'0'..=b'9' => self.number()?,
            _ => return Err(JErr::Token(self.i)),
        };
        self.depth -= 1;
        Ok(r)
    }
    fn word(&mut self, w: &str, v: Val) -> Result<Val, JErr> {
        for (k, wc) in w.bytes().enumerate() {
            match self.b.get(self.i + k) {
                None => return Err(JErr::End),
                Some(c) if *c != wc => return Err(JErr::Token(self.i + k)),
                _ => {}
            }
        }
        self.i += w.len();
        Ok(v)
    }
    fn number(&mut self) -> Result<Val, JErr> {
        let start = self.i;
        if self.b[self.i] == b'-' {
            self.i += 1;
            if !self.b.get(self.i).is_some_and(|c| c.is_ascii_digit()) {
                return Err(JErr::At("No number after minus sign", self.i));
            }
        }
        if self.b.get(self.i) == Some(&b'0') {
            self.i += 1;
            if self.b.get(self.i).is_some_and(|c| c.is_ascii_digit()) {
                return Err(JErr::At("Unexpected number", self.i));
            }
        } else {
            while self.b.get(self.i).is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !self.b.get(self.i).is_some_and(|c| c.is_ascii_digit()) {
                return Err(JErr::At("Unterminated fractional number", self.i));
            }
            while self.b.get(self.i).is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
        }
        if matches!(self.b.get(self.i), Some(b'e') | Some(b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+') | Some(b'-')) {
                self.i += 1;
            }
            if !self.b.get(self.i).is_some_and(|c| c.is_ascii_digit()) {
                return Err(JErr::At("Exponent part is missing a number", self.i));
            }
            while self.b.get(self.i).is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
        }
        Ok(Val::Num(self.s[start..self.i].parse().unwrap_or(f64::NAN)))
    }
    fn string(&mut self) -> Result<Str, JErr> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let Some(&c) = self.b.get(self.i) else { return Err(JErr::At("Unterminated string", self.i)) };
            match c {
                b'"' => {
                    self.i += 1;
                    return Ok(out.into());
                }
                b'\\' => {
                    let Some(&e) = self.b.get(self.i + 1) else { return Err(JErr::At("Unterminated string", self.i + 1)) };
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hex = self.s.get(self.i + 2..self.i + 6).unwrap_or("");
                            let Ok(v) = u32::from_str_radix(hex, 16).map_err(|_| ()).and_then(|v| if hex.len() == 4 && hex.bytes().all(|c| c.is_ascii_hexdigit()) { Ok(v) } else { Err(()) }) else {
                                // At the first character that is not a hex digit.
                                let k = (0..4).find(|k| !self.b.get(self.i + 2 + k).is_some_and(|c| c.is_ascii_hexdigit())).unwrap_or(0);
                                if self.i + 2 + k >= self.b.len() {
                                    return Err(JErr::At("Unterminated string", self.b.len()));
                                }
                                return Err(JErr::At("Bad Unicode escape", self.i + 2 + k));
                            };
                            self.i += 4;
                            if (0xd800..0xdc00).contains(&v) && self.s.get(self.i + 2..self.i + 4) == Some("\\u") {
                                if let Ok(lo) = u32::from_str_radix(self.s.get(self.i + 4..self.i + 8).unwrap_or(""), 16) {
                                    if (0xdc00..0xe000).contains(&lo) {
                                        self.i += 6;
                                        out.push(char::from_u32(0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00)).unwrap_or('\u{fffd}'));
                                        self.i += 2;
                                        continue;
                                    }
                                }
                            }
                            char::from_u32(v).unwrap_or('\u{fffd}')
                        }
                        _ => return Err(JErr::At("Bad escaped character", self.i + 1)),
                    };
                    out.push(ch);
                    self.i += 2;
                }
                c if c < 0x20 => return Err(JErr::At("Bad control character in string literal", self.i)),
                _ => {
                    let ch = self.s[self.i..].chars().next().unwrap_or(' ');
                    out.push(ch);
                    self.i += ch.len_utf8();
                }
            }
        }
    }

    /// V8's message for an error at a byte offset.
    fn message(&self, e: JErr) -> String {
        let pos_of = |i: usize| self.s[..i.min(self.s.len())].encode_utf16().count();
        let suffix = |i: usize| {
            let p = pos_of(i);
            if self.style >= 2 {
                let before = &self.s[..i.min(self.s.len())];
                let line = before.matches('\n').count() + 1;
                let col = before.rsplit('\n').next().map_or(0, |l| l.encode_utf16().count()) + 1;
                format!(" in JSON at position {p} (line {line} column {col})")
            } else {
                format!(" in JSON at position {p}")
            }
        };
        if self.style == 0 {
            return match e {
                JErr::End => "Unexpected end of JSON input".into(),
                JErr::Token(i) | JErr::At(_, i) => {
                    let c = self.s[i..].chars().next().unwrap_or(' ');
                    let p = pos_of(i);
                    if c.is_ascii_digit() || c == '-' {
                        format!("Unexpected number in JSON at position {p}")
                    } else if c == '"' {
                        format!("Unexpected string in JSON at position {p}")
                    } else {
                        format!("Unexpected token {c} in JSON at position {p}")
                    }
                }
            };
        }
        match e {
            JErr::End => "Unexpected end of JSON input".into(),
            // This one says "at position" without "in JSON".
            JErr::At(msg, i) if msg.starts_with("Unexpected non-whitespace") => format!("{msg}{}", suffix(i).replacen(" in JSON", "", 1)),
            JErr::At(msg, i) => format!("{msg}{}", suffix(i)),
            JErr::Token(i) => {
                if matches!(self.s, "undefined" | "NaN" | "Infinity" | "[object Object]") {
                    return format!("\"{}\" is not valid JSON", self.s);
                }
                let c = self.s[i..].chars().next().unwrap_or(' ');
                let u: Vec<u16> = self.s.encode_utf16().collect();
                let len = u.len();
                let pos = pos_of(i);
                const CTX: usize = 10;
                if len <= CTX * 2 + 1 {
                    format!("Unexpected token '{c}', \"{}\" is not valid JSON", self.s)
                } else if pos < CTX {
                    format!("Unexpected token '{c}', \"{}\"... is not valid JSON", String::from_utf16_lossy(&u[..pos + CTX]))
                } else if pos < len - CTX {
                    format!("Unexpected token '{c}', ...\"{}\"... is not valid JSON", String::from_utf16_lossy(&u[pos - CTX..pos + CTX]))
                } else {
                    format!("Unexpected token '{c}', ...\"{}\" is not valid JSON", String::from_utf16_lossy(&u[pos - CTX..]))
                }
            }
        }
    }
}

/// Parses JSON text into values (`Err` is the SyntaxError message).
pub fn parse_text(vm: &mut Vm, s: &str) -> Result<Val, String> {
    parse_at(vm, s).map_err(|(m, _)| m)
}

/// Like `parse_text`, with the byte offset of the error (`None` at the end of the input).
pub fn parse_at(vm: &mut Vm, s: &str) -> Result<Val, (String, Option<usize>)> {
    let style = match vm.host.version.major {
        0..=19 => 0,
        20..=21 => 1,
        _ => 2,
    };
    let mut p = P { s, b: s.as_bytes(), i: 0, style, depth: 0 };
    let r = p.value(vm);
    match r {
        Ok(v) => {
            p.ws();
            if p.i < p.b.len() {
                let e = if style == 0 { JErr::Token(p.i) } else { JErr::At("Unexpected non-whitespace character after JSON", p.i) };
                let at = Some(p.i);
                return Err((p.message(e), at));
            }
            Ok(v)
        }
        Err(e) => {
            let at = match e {
                JErr::End => None,
                JErr::Token(i) | JErr::At(_, i) => Some(i),
            };
            Err((p.message(e), at))
        }
    }
}

fn revive(vm: &mut Vm, ctx: &mut Ctx, holder: Oid, key: Str, reviver: &Val, depth: u32) -> Res {
    let val = vm.get_obj(ctx, holder, &Key::S(key.clone()), &Val::Obj(holder))?;
    if let Val::Obj(o) = &val {
        if depth < 1000 {
            let keys = if vm.is_array(&val) {
                let n = vm.array_items(&val).map(|v| v.len()).unwrap_or(0);
                (0..n).map(|i| Str::from(i.to_string())).collect()
            } else {
                vm.own_keys(*o, false)
            };
            for k in keys {
                let nv = revive(vm, ctx, *o, k.clone(), reviver, depth + 1)?;
                if matches!(nv, Val::Undef) {
                    vm.delete(*o, &Key::S(k));
                } else {
                    vm.define(*o, Key::S(k), nv, DEFAULT);
                }
            }
        }
    }
    vm.call(ctx, reviver, Val::Obj(holder), vec![Val::Str(key), val])
}

fn parse(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = arg_str(vm, ctx, c, 0)?;
    match parse_at(vm, &s) {
        Ok(v) => {
            let reviver = c.arg(1);
            if vm.is_callable(&reviver) {
                let root = vm.new_object();
                vm.define(root, Key::s(""), v, DEFAULT);
                return revive(vm, ctx, root, "".into(), &reviver, 0);
            }
            Ok(v)
        }
        Err((m, at)) => {
            let e = vm.error(ErrKind::Syntax, &m);
            // V8 shows the JSON text as `<anonymous_script>` with a caret at the error.
            if let Val::Obj(o) = &e {
                let arrow = match at {
                    Some(i) => {
                        let before = &s[..i.min(s.len())];
                        let line = before.matches('\n').count() + 1;
                        let ls = before.rfind('\n').map_or(0, |p| p + 1);
                        let le = s[ls..].find('\n').map_or(s.len(), |p| ls + p);
                        let col = s[ls..i.min(s.len())].encode_utf16().count();
                        format!("<anonymous_script>:{line}\n{}\n{}^\n", &s[ls..le], " ".repeat(col))
                    }
                    None => {
                        let line = s.matches('\n').count() + 1;
                        let last = s.rsplit('\n').next().unwrap_or("");
                        format!("<anonymous_script>:{line}\n{last}\n\n")
                    }
                };
                vm.host.internal_arrows.push((*o, arrow));
            }
            Err(e)
        }
    }
}

/// A JSON string literal as `JSON.stringify` writes it.
pub fn quote(s: &str, out: &mut String) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

struct Ser {
    indent: String,
    replacer: Val,
    allow: Option<Vec<Str>>,
    stack: Vec<(Oid, String)>,
}

fn ser(vm: &mut Vm, ctx: &mut Ctx, st: &mut Ser, holder: &Val, key: Str, mut v: Val, cur: &str, out: &mut String) -> Result<bool, Val> {
    if let Val::Obj(_) = &v {
        let tj = vm.get_str(ctx, &v, "toJSON")?;
        if vm.is_callable(&tj) {
            v = vm.call(ctx, &tj, v.clone(), vec![Val::Str(key.clone())])?;
        }
    }
    if vm.is_callable(&st.replacer) {
        let r = st.replacer.clone();
        v = vm.call(ctx, &r, holder.clone(), vec![Val::Str(key.clone()), v])?;
    }
    if let Val::Obj(o) = &v {
        match vm.heap.get(*o).kind {
            Kind::BoxNum(_) => v = Val::Num(vm.to_number(ctx, &v)?),
            Kind::BoxStr(_) => v = Val::Str(vm.to_str(ctx, &v)?),
            Kind::BoxBool(b) => v = Val::Bool(b),
            _ => {}
        }
    }
    match &v {
        Val::Null => out.push_str("null"),
        Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Val::Num(n) => {
            if n.is_finite() {
                out.push_str(&num::to_str(*n));
            } else {
                out.push_str("null");
            }
        }
        Val::Str(s) => quote(s, out),
        Val::Obj(o) => {
            let o = *o;
            if vm.heap.get(o).is_callable() {
                return Ok(false);
            }
            if let Some(pos) = st.stack.iter().position(|(x, _)| *x == o) {
                let mut msg = String::from("Converting circular structure to JSON");
                let start_name = vm.constructor_name(st.stack[pos].0).unwrap_or_else(|| "Object".into());
                msg.push_str(&format!("\n    --> starting at object with constructor '{start_name}'"));
                for i in pos + 1..st.stack.len() {
                    let (obj, k) = st.stack[i].clone();
                    let cname = vm.constructor_name(obj).unwrap_or_else(|| "Object".into());
                    msg.push_str(&format!("\n    |     {k} -> object with constructor '{cname}'"));
                }
                let last = describe_key(vm, st.stack.last().map(|s| s.0), &key);
                msg.push_str(&format!("\n    --- {last} closes the circle"));
                return Err(vm.error(ErrKind::Type, &msg));
            }
            if st.stack.len() > 5000 {
                return Err(vm.error(ErrKind::Range, "Maximum call stack size exceeded"));
            }
            let label = describe_key(vm, st.stack.last().map(|s| s.0), &key);
            st.stack.push((o, label));
            let inner = format!("{cur}{}", st.indent);
            let is_arr = vm.is_array(&v);
            if is_arr {
                let items = vm.array_items(&v).unwrap_or_default();
                if items.is_empty() {
                    out.push_str("[]");
                } else {
                    out.push('[');
                    for (i, item) in items.into_iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        if !st.indent.is_empty() {
                            out.push('\n');
                            out.push_str(&inner);
                        }
                        let item = if let Val::Empty = item { Val::Undef } else { item };
                        if !ser(vm, ctx, st, &v, i.to_string().into(), item, &inner, out)? {
                            out.push_str("null");
                        }
                    }
                    if !st.indent.is_empty() {
                        out.push('\n');
                        out.push_str(cur);
                    }
                    out.push(']');
                }
            } else {
                let keys = match &st.allow {
                    Some(a) => a.clone(),
                    None => vm.own_keys(o, false),
                };
                let mut first = true;
                out.push('{');
                for k in keys {
                    let val = vm.get_obj(ctx, o, &Key::S(k.clone()), &v)?;
                    let mut piece = String::new();
                    if !st.indent.is_empty() {
                        piece.push('\n');
                        piece.push_str(&inner);
                    }
                    quote(&k, &mut piece);
                    piece.push(':');
                    if !st.indent.is_empty() {
                        piece.push(' ');
                    }
                    if ser(vm, ctx, st, &v, k, val, &inner, &mut piece)? {
                        if !first {
                            out.push(',');
                        }
                        first = false;
                        out.push_str(&piece);
                    }
                }
                if !first && !st.indent.is_empty() {
                    out.push('\n');
                    out.push_str(cur);
                }
                out.push('}');
            }
            st.stack.pop();
        }
        _ => return Ok(false),
    }
    Ok(true)
}

fn describe_key(vm: &Vm, parent: Option<Oid>, key: &str) -> String {
    match parent {
        Some(p) if matches!(vm.heap.get(p).kind, Kind::Array(_)) => format!("index {key}"),
        _ => format!("property '{key}'"),
    }
}

/// `JSON.stringify(v, replacer, space)`; `None` for `undefined` results.
pub fn stringify(vm: &mut Vm, ctx: &mut Ctx, v: Val, replacer: Val, space: Val) -> Result<Option<String>, Val> {
    let indent = match &space {
        Val::Num(n) => " ".repeat(n.clamp(0.0, 10.0) as usize),
        Val::Str(s) => s.chars().take(10).collect(),
        _ => String::new(),
    };
    let allow = if vm.is_array(&replacer) {
        let items = vm.array_items(&replacer).unwrap_or_default();
        let mut v = Vec::new();
        for i in items {
            if let Val::Str(_) | Val::Num(_) = i {
                v.push(vm.to_str(ctx, &i)?);
            }
        }
        Some(v)
    } else {
        None
    };
    let mut st = Ser { indent, replacer, allow, stack: Vec::new() };
    let holder = vm.new_object();
    vm.define(holder, Key::s(""), v.clone(), DEFAULT);
    let mut out = String::new();
    if ser(vm, ctx, &mut st, &Val::Obj(holder), "".into(), v, "", &mut out)? {
        Ok(Some(out))
    } else {
        Ok(None)
    }
}

fn stringify_fn(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    match stringify(vm, ctx, c.arg(0), c.arg(1), c.arg(2))? {
        Some(s) => Ok(Val::Str(s.into())),
        None => Ok(Val::Undef),
    }
}

pub fn install(vm: &mut Vm) {
    let j = vm.new_object();
    methods(vm, j, &[("parse", 2, parse), ("stringify", 3, stringify_fn)]);
    vm.heap.get_mut(j).props.insert(Key::Sym(super::super::object::SYM_TO_STRING_TAG), Slot::V(Val::str("JSON")), CONF);
    global(vm, "JSON", Val::Obj(j));
}

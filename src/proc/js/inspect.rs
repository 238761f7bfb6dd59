//! `util.inspect` and `util.format`, following Node's `lib/internal/util/inspect.js` (depth 2,
//! `breakLength` 80, `compact` 3, array grouping, quoting rules, colours).

use super::object::SYM_INSPECT;
use super::value::*;
use super::vm::Vm;
use crate::proc::program::Ctx;

#[derive(Clone, Debug)]
pub struct Opts {
    /// `None` = unlimited.
    pub depth: Option<u32>,
    pub colors: bool,
    pub show_hidden: bool,
    pub break_length: usize,
    /// `None` = `compact: true`; `Some(0)` = `compact: false`.
    pub compact: Option<u32>,
    pub max_array_length: usize,
    pub max_string_length: usize,
    pub sorted: bool,
    pub getters: bool,
}

impl Default for Opts {
    fn default() -> Self {
        Opts {
            depth: Some(2),
            colors: false,
            show_hidden: false,
            break_length: 80,
            compact: Some(3),
            max_array_length: 100,
            max_string_length: 10_000,
            sorted: false,
            getters: false,
        }
    }
}

struct Cx<'o> {
    o: &'o Opts,
    indent: usize,
    seen: Vec<Oid>,
    current_depth: u32,
    circular: Vec<(Oid, u32)>,
    budget: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Extras {
    Object,
    Array,
}

fn style(cx: &Cx, s: &str, kind: &str) -> String {
    if !cx.o.colors {
        return s.to_string();
    }
    let (a, b) = match kind {
        "special" => (36, 39),
        "number" | "bigint" | "boolean" => (33, 39),
        "undefined" => (90, 39),
        "null" => (1, 22),
        "string" | "symbol" => (32, 39),
        "date" => (35, 39),
        "regexp" => (31, 39),
        "module" => (4, 24),
        _ => return s.to_string(),
    };
    format!("\x1b[{a}m{s}\x1b[{b}m")
}

fn strip_colors(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\x1b' && it.peek() == Some(&'[') {
            for d in it.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Display columns (full-width characters count 2, combining marks 0).
fn string_width(s: &str, colors: bool) -> usize {
    let s = if colors { strip_colors(s) } else { s.to_string() };
    s.chars()
        .map(|c| {
            let code = c as u32;
            if code < 0x20 || (0x7f..=0x9f).contains(&code) || (0x300..=0x36f).contains(&code) || (0x200b..=0x200f).contains(&code) || (0xfe00..=0xfe0f).contains(&code) {
                0
            } else if (0x1100..=0x115f).contains(&code) || (0x2e80..=0xa4cf).contains(&code) || (0xac00..=0xd7a3).contains(&code) || (0xf900..=0xfaff).contains(&code) || (0xfe30..=0xfe4f).contains(&code) || (0xff00..=0xff60).contains(&code) || (0xffe0..=0xffe6).contains(&code) || (0x1f300..=0x1f64f).contains(&code) || (0x1f900..=0x1f9ff).contains(&code) || (0x20000..=0x3fffd).contains(&code) {
                2
            } else {
                1
            }
        })
        .sum()
}

const META: [&str; 32] = [
    "\\x00", "\\x01", "\\x02", "\\x03", "\\x04", "\\x05", "\\x06", "\\x07", "\\b", "\\t", "\\n", "\\x0B", "\\f", "\\r", "\\x0E", "\\x0F", "\\x10", "\\x11", "\\x12", "\\x13", "\\x14", "\\x15", "\\x16", "\\x17", "\\x18", "\\x19", "\\x1A", "\\x1B", "\\x1C", "\\x1D", "\\x1E", "\\x1F",
];

/// `strEscape`: quotes a string the way inspect does (single quotes unless the text has them).
pub fn str_escape(s: &str) -> String {
    let mut quote = '\'';
    if s.contains('\'') {
        if !s.contains('"') {
            quote = '"';
        } else if !s.contains('`') && !s.contains("${") {
            quote = '`';
        }
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        let code = c as u32;
        if c == quote && quote == '\'' {
            out.push_str("\\'");
        } else if c == '\\' {
            out.push_str("\\\\");
        } else if code < 32 {
            out.push_str(META[code as usize]);
        } else if (127..160).contains(&code) {
            out.push_str(&format!("\\x{code:02X}"));
        } else {
            out.push(c);
        }
    }
    out.push(quote);
    out
}

fn is_ident_key(k: &str) -> bool {
    let mut ch = k.chars();
    match ch.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    ch.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn format_number(cx: &Cx, n: f64) -> String {
    if n == 0.0 && n.is_sign_negative() {
        return style(cx, "-0", "number");
    }
    style(cx, &super::num::to_str(n), "number")
}

fn format_primitive(vm: &Vm, cx: &Cx, v: &Val) -> String {
    match v {
        Val::Str(s) => {
            let mut value: &str = s;
            let mut trailer = String::new();
            let len = utf16_len(value);
            if len > cx.o.max_string_length {
                let cut: String = value.chars().take(cx.o.max_string_length).collect();
                let remaining = len - cx.o.max_string_length;
                trailer = format!("... {remaining} more character{}", if remaining > 1 { "s" } else { "" });
                return style(cx, &str_escape(&cut), "string") + &trailer;
            }
            if cx.o.compact.is_some() && len > 16 && len > cx.o.break_length.saturating_sub(cx.indent + 4) && value.contains('\n') {
                let mut pieces = Vec::new();
                while let Some(i) = value.find('\n') {
                    pieces.push(&value[..=i]);
                    value = &value[i + 1..];
                }
                if !value.is_empty() {
                    pieces.push(value);
                }
                let sep = format!(" +\n{}", " ".repeat(cx.indent + 2));
                return pieces.iter().map(|p| style(cx, &str_escape(p), "string")).collect::<Vec<_>>().join(&sep) + &trailer;
            }
            style(cx, &str_escape(value), "string") + &trailer
        }
        Val::Num(n) => format_number(cx, *n),
        Val::Bool(b) => style(cx, if *b { "true" } else { "false" }, "boolean"),
        Val::Undef | Val::Empty => style(cx, "undefined", "undefined"),
        Val::Null => style(cx, "null", "null"),
        Val::Sym(_) => style(cx, &vm.prim_str(v), "symbol"),
        Val::Obj(_) => String::new(),
    }
}

/// `getConstructorName`: `None` for a null-prototype chain.
fn constructor_name(vm: &mut Vm, o: Oid) -> Option<String> {
    let mut cur = Some(o);
    let mut guard = 0;
    while let Some(c) = cur {
        if let Some(Prop { slot: Slot::V(Val::Obj(f)), .. }) = vm.heap.get(c).props.get(&Key::s("constructor")).cloned() {
            if vm.heap.get(f).is_callable() {
                let n = vm.fn_name(f);
                if !n.is_empty() {
                    return Some(n.to_string());
                }
            }
        }
        cur = vm.heap.get(c).proto;
        guard += 1;
        if guard > 1000 {
            break;
        }
    }
    None
}

fn get_prefix(constructor: &Option<String>, tag: &str, fallback: &str, size: &str) -> String {
    match constructor {
        None => {
            if !tag.is_empty() && fallback != tag {
                format!("[{fallback}{size}: null prototype] [{tag}] ")
            } else {
                format!("[{fallback}{size}: null prototype] ")
            }
        }
        Some(c) => {
            if !tag.is_empty() && c != tag {
                format!("{c}{size} [{tag}] ")
            } else {
                format!("{c}{size} ")
            }
        }
    }
}

/// Own keys inspect shows: enumerable string keys then enumerable symbols (all with showHidden).
fn keys_of(vm: &Vm, o: Oid, show_hidden: bool, skip_indices: bool) -> Vec<Key> {
    let mut out: Vec<Key> = vm.own_keys(o, show_hidden).into_iter().filter(|k| !(skip_indices && super::object::index_of(k).is_some())).map(Key::S).collect();
    for p in &vm.heap.get(o).props.list {
        if let Key::Sym(_) = p.key {
            if show_hidden || p.flags & ENUM != 0 {
                out.push(p.key.clone());
            }
        }
    }
    out
}

fn function_base(vm: &mut Vm, o: Oid, constructor: &Option<String>, tag: &str) -> String {
    let (is_class, is_async, is_gen) = match &vm.heap.get(o).kind {
        Kind::Func(c) => (c.is_class, c.code.is_async, c.code.is_gen),
        _ => (false, false, false),
    };
    let name = vm.fn_name(o);
    if is_class {
        let has_name = vm.heap.get(o).props.get(&Key::s("name")).is_some() || !name.is_empty();
        let shown = if has_name && !name.is_empty() { name.to_string() } else { "(anonymous)".into() };
        let mut base = format!("class {shown}");
        if let Some(c) = constructor {
            if c != "Function" {
                base.push_str(&format!(" [{c}]"));
            }
        }
        if !tag.is_empty() && constructor.as_deref() != Some(tag) {
            base.push_str(&format!(" [{tag}]"));
        }
        if constructor.is_some() {
            if let Some(p) = vm.heap.get(o).proto {
                let sup = vm.fn_name(p);
                if !sup.is_empty() && p != vm.realm.function_proto {
                    base.push_str(&format!(" extends {sup}"));
                }
            }
        } else {
            base.push_str(" extends [null prototype]");
        }
        return format!("[{base}]");
    }
    let mut ty = String::from("Function");
    if is_gen {
        ty = format!("Generator{ty}");
    }
    if is_async {
        ty = format!("Async{ty}");
    }
    let mut base = format!("[{ty}");
    if constructor.is_none() {
        base.push_str(" (null prototype)");
    }
    if name.is_empty() {
        base.push_str(" (anonymous)");
    } else {
        base.push_str(&format!(": {name}"));
    }
    base.push(']');
    if let Some(c) = constructor {
        if *c != ty && c != "Function" {
            base.push_str(&format!(" {c}"));
        }
    }
    if !tag.is_empty() && constructor.as_deref() != Some(tag) {
        base.push_str(&format!(" [{tag}]"));
    }
    base
}

fn format_value(vm: &mut Vm, ctx: &mut Ctx, cx: &mut Cx, v: &Val, recurse: u32) -> String {
    let Val::Obj(o) = v else { return format_primitive(vm, cx, v) };
    let o = *o;
    // Custom inspect functions (`[util.inspect.custom]`).
    if let Some(Slot::V(f)) = vm.lookup(o, &Key::Sym(SYM_INSPECT)) {
        if vm.is_callable(&f) {
            let depth = cx.o.depth.map(|d| Val::Num(d as f64 - recurse as f64)).unwrap_or(Val::Null);
            let opts = vm.new_object();
            if let Ok(r) = vm.call(ctx, &f, v.clone(), vec![depth, Val::Obj(opts)]) {
                if !vm.strict_eq(&r, v) {
                    if let Val::Str(s) = &r {
                        return s.replace('\n', &format!("\n{}", " ".repeat(cx.indent)));
                    }
                    return format_value(vm, ctx, cx, &r, recurse);
                }
            } else {
                vm.throw_site = None;
            }
        }
    }
    if cx.seen.contains(&o) {
        let idx = match cx.circular.iter().find(|(x, _)| *x == o) {
            Some((_, i)) => *i,
            None => {
                let i = cx.circular.len() as u32 + 1;
                cx.circular.push((o, i));
                i
            }
        };
        return style(cx, &format!("[Circular *{idx}]"), "special");
    }
    format_raw(vm, ctx, cx, o, recurse)
}

fn format_raw(vm: &mut Vm, ctx: &mut Ctx, cx: &mut Cx, o: Oid, recurse: u32) -> String {
    let constructor = constructor_name(vm, o);
    let mut tag = match vm.lookup(o, &Key::Sym(super::object::SYM_TO_STRING_TAG)) {
        Some(Slot::V(Val::Str(t))) => t.to_string(),
        _ => String::new(),
    };
    if !tag.is_empty() {
        if let Some(p) = vm.heap.get(o).props.get(&Key::Sym(super::object::SYM_TO_STRING_TAG)) {
            if cx.o.show_hidden || p.flags & ENUM != 0 {
                tag.clear();
            }
        }
    }
    let mut base = String::new();
    let mut braces = [String::from("{"), String::from("}")];
    let mut extras = Extras::Object;
    let mut keys: Vec<Key>;
    enum F {
        Empty,
        Array,
        Set,
        Map,
        Promise,
        Args,
    }
    let mut formatter = F::Empty;
    let kind = vm.heap.get(o).kind.clone();
    let depth_exceeded = cx.o.depth.is_some_and(|d| recurse > d);
    let is_args = vm.heap.get(o).tag == Some("Arguments");
    match &kind {
        Kind::Bytes(b) if keys_of(vm, o, false, true).is_empty() => {
            // Buffer.prototype[util.inspect.custom]: hex pairs, at most 50 bytes.
            let mut s: Vec<String> = b.iter().take(50).map(|x| format!("{x:02x}")).collect();
            if b.len() > 50 {
                let n = b.len() - 50;
                s.push(format!("... {n} more byte{}", if n > 1 { "s" } else { "" }));
            }
            return format!("<Buffer {}>", s.join(" "));
        }
        Kind::Array(items) if !is_args => {
            let prefix = if constructor.as_deref() != Some("Array") || !tag.is_empty() { get_prefix(&constructor, &tag, "Array", &format!("({})", items.len())) } else { String::new() };
            keys = keys_of(vm, o, cx.o.show_hidden, true);
            braces = [format!("{prefix}["), "]".into()];
            if items.is_empty() && keys.is_empty() {
                return format!("{}]", braces[0]);
            }
            extras = Extras::Array;
            formatter = F::Array;
        }
        Kind::Set(d) => {
            let prefix = get_prefix(&constructor, &tag, "Set", &format!("({})", d.live));
            keys = keys_of(vm, o, cx.o.show_hidden, false);
            if d.live == 0 && keys.is_empty() {
                return format!("{prefix}{{}}");
            }
            braces = [format!("{prefix}{{"), "}".into()];
            formatter = F::Set;
        }
        Kind::Map(d) => {
            let prefix = get_prefix(&constructor, &tag, "Map", &format!("({})", d.live));
            keys = keys_of(vm, o, cx.o.show_hidden, false);
            if d.live == 0 && keys.is_empty() {
                return format!("{prefix}{{}}");
            }
            braces = [format!("{prefix}{{"), "}".into()];
            formatter = F::Map;
        }
        _ => {
            keys = keys_of(vm, o, cx.o.show_hidden, false);
            if is_args {
                braces[0] = "[Arguments] {".into();
                formatter = F::Args;
                keys.retain(|k| !matches!(k, Key::S(s) if super::object::index_of(s).is_some()));
                let n = match &kind {
                    Kind::Array(v) => v.len(),
                    _ => 0,
                };
                if n == 0 && keys.is_empty() {
                    return "[Arguments] {}".into();
                }
            } else if vm.heap.get(o).is_callable() {
                base = function_base(vm, o, &constructor, &tag);
                keys.retain(|k| !matches!(k, Key::S(s) if &**s == "prototype"));
                if keys.is_empty() {
                    return style(cx, &base, "special");
                }
            } else if let Kind::Regex(r) = &kind {
                base = format!("/{}/{}", r.source, r.flags);
                let prefix = get_prefix(&constructor, &tag, "RegExp", "");
                if prefix != "RegExp " {
                    base = format!("{prefix}{base}");
                }
                keys.retain(|k| !matches!(k, Key::S(s) if &**s == "lastIndex"));
                if keys.is_empty() || depth_exceeded {
                    return style(cx, &base, "regexp");
                }
            } else if let Kind::Date(t) = &kind {
                base = if t.is_nan() { "Invalid Date".into() } else { super::builtins::date_iso(*t) };
                let prefix = get_prefix(&constructor, &tag, "Date", "");
                if prefix != "Date " {
                    base = format!("{prefix}{base}");
                }
                if keys.is_empty() {
                    return style(cx, &base, "date");
                }
            } else if let Kind::Error(_) = &kind {
                base = format_error(vm, ctx, cx, o, &constructor, &tag, &mut keys);
                if keys.is_empty() {
                    return base;
                }
            } else if let Kind::Promise(_) = &kind {
                braces[0] = format!("{}{{", get_prefix(&constructor, &tag, "Promise", ""));
                formatter = F::Promise;
            } else if let Kind::BoxStr(s) = &kind {
                keys.retain(|k| !matches!(k, Key::S(x) if super::object::index_of(x).is_some()));
                let inner = str_escape(s);
                base = boxed_base("String", &inner, &constructor, &tag);
                if keys.is_empty() {
                    return style(cx, &base, "string");
                }
            } else if let Kind::BoxNum(n) = &kind {
                let inner = super::num::to_str(*n);
                base = boxed_base("Number", &inner, &constructor, &tag);
                if keys.is_empty() {
                    return style(cx, &base, "number");
                }
            } else if let Kind::BoxBool(b) = &kind {
                base = boxed_base("Boolean", if *b { "true" } else { "false" }, &constructor, &tag);
                if keys.is_empty() {
                    return style(cx, &base, "boolean");
                }
            } else if constructor.as_deref() == Some("Object") {
                if !tag.is_empty() {
                    braces[0] = format!("{}{{", get_prefix(&constructor, &tag, "Object", ""));
                }
                if keys.is_empty() {
                    return format!("{}}}", braces[0]);
                }
            } else {
                let style_prefix = ctx_style(&constructor, &tag);
                if keys.is_empty() {
                    return format!("{style_prefix}{{}}");
                }
                braces[0] = format!("{style_prefix}{{");
            }
        }
    }
    if depth_exceeded {
        let mut name = ctx_style(&constructor, &tag);
        name.pop();
        if constructor.is_some() {
            name = format!("[{name}]");
        }
        return style(cx, &name, "special");
    }
    let recurse = recurse + 1;
    cx.seen.push(o);
    cx.current_depth = recurse;
    let mut output: Vec<String> = match formatter {
        F::Empty => Vec::new(),
        F::Array => format_array(vm, ctx, cx, o, recurse),
        F::Args => {
            let items = match &kind {
                Kind::Array(v) => v.clone(),
                _ => Vec::new(),
            };
            items.iter().enumerate().map(|(i, x)| {
                cx.indent += 2;
                let s = format_value(vm, ctx, cx, x, recurse);
                cx.indent -= 2;
                format!("'{i}': {s}")
            }).collect()
        }
        F::Set => {
            let items: Vec<Val> = match &kind {
                Kind::Set(d) => d.keys.iter().filter(|k| !matches!(k, Val::Empty)).cloned().collect(),
                _ => Vec::new(),
            };
            cx.indent += 2;
            let mut out: Vec<String> = items.iter().take(cx.o.max_array_length).map(|x| format_value(vm, ctx, cx, x, recurse)).collect();
            cx.indent -= 2;
            if items.len() > cx.o.max_array_length {
                out.push(remaining(items.len() - cx.o.max_array_length));
            }
            out
        }
        F::Map => {
            let items: Vec<(Val, Val)> = match &kind {
                Kind::Map(d) => d.keys.iter().zip(d.vals.iter()).filter(|(k, _)| !matches!(k, Val::Empty)).map(|(k, v)| (k.clone(), v.clone())).collect(),
                _ => Vec::new(),
            };
            cx.indent += 2;
            let mut out: Vec<String> = items.iter().take(cx.o.max_array_length).map(|(k, x)| {
                let ks = format_value(vm, ctx, cx, k, recurse);
                let vs = format_value(vm, ctx, cx, x, recurse);
                format!("{ks} => {vs}")
            }).collect();
            cx.indent -= 2;
            if items.len() > cx.o.max_array_length {
                out.push(remaining(items.len() - cx.o.max_array_length));
            }
            out
        }
        F::Promise => {
            let state = match &kind {
                Kind::Promise(p) => p.state.clone(),
                _ => PState::Pending,
            };
            match state {
                PState::Pending => vec![style(cx, "<pending>", "special")],
                PState::Fulfilled(x) => {
                    cx.indent += 2;
                    let s = format_value(vm, ctx, cx, &x, recurse);
                    cx.indent -= 2;
                    vec![s]
                }
                PState::Rejected(x) => {
                    cx.indent += 2;
                    let s = format_value(vm, ctx, cx, &x, recurse);
                    cx.indent -= 2;
                    vec![format!("{} {s}", style(cx, "<rejected>", "special"))]
                }
            }
        }
    };
    for k in &keys {
        let p = format_property(vm, ctx, cx, o, k, recurse, extras);
        output.push(p);
    }
    if let Some((_, idx)) = cx.circular.iter().find(|(x, _)| *x == o) {
        let reference = style(cx, &format!("<ref *{idx}>"), "special");
        if cx.o.compact.is_some() {
            base = if base.is_empty() { reference } else { format!("{reference} {base}") };
        } else {
            braces[0] = format!("{reference} {}", braces[0]);
        }
    }
    cx.seen.pop();
    if cx.o.sorted {
        crate::text::sort(&mut output);
    }
    let res = reduce_to_single_string(cx, output, &base, &braces, extras, recurse, Some((vm, o)));
    cx.budget += res.len();
    res
}

fn remaining(n: usize) -> String {
    format!("... {n} more item{}", if n > 1 { "s" } else { "" })
}

fn ctx_style(constructor: &Option<String>, tag: &str) -> String {
    match constructor {
        None => {
            let fallback = "Object";
            get_prefix(constructor, tag, fallback, "")
        }
        Some(_) => get_prefix(constructor, tag, "", ""),
    }
}

fn boxed_base(ty: &str, inner: &str, constructor: &Option<String>, tag: &str) -> String {
    let mut base = format!("[{ty}");
    match constructor {
        None => base.push_str(" (null prototype)"),
        Some(c) if c != ty => base.push_str(&format!(" ({c})")),
        _ => {}
    }
    base.push_str(&format!(": {inner}]"));
    if !tag.is_empty() && constructor.as_deref() != Some(tag) {
        base.push_str(&format!(" [{tag}]"));
    }
    base
}

fn format_array(vm: &mut Vm, ctx: &mut Ctx, cx: &mut Cx, o: Oid, recurse: u32) -> Vec<String> {
    let items = match &vm.heap.get(o).kind {
        Kind::Array(v) => v.clone(),
        _ => Vec::new(),
    };
    let len = items.len().min(cx.o.max_array_length);
    let mut out = Vec::new();
    let mut i = 0;
    while i < len {
        if let Val::Empty = items[i] {
            // A run of holes.
            let start = i;
            while i < items.len() && matches!(items[i], Val::Empty) {
                i += 1;
            }
            let n = i - start;
            out.push(style(cx, &format!("<{n} empty item{}>", if n > 1 { "s" } else { "" }), "undefined"));
            if out.len() >= cx.o.max_array_length {
                break;
            }
            continue;
        }
        cx.indent += 2;
        let s = format_value(vm, ctx, cx, &items[i], recurse);
        cx.indent -= 2;
        out.push(s);
        i += 1;
    }
    if items.len() > i && out.len() >= len {
        let rem = items.len() - i;
        if rem > 0 {
            out.push(remaining(rem));
        }
    }
    out
}

fn format_property(vm: &mut Vm, ctx: &mut Ctx, cx: &mut Cx, o: Oid, key: &Key, recurse: u32, extras: Extras) -> String {
    let (slot, flags) = vm.own(o, key).unwrap_or((Slot::V(Val::Undef), ENUM));
    let s = match slot {
        Slot::V(v) => {
            cx.indent += 2;
            let s = format_value(vm, ctx, cx, &v, recurse);
            cx.indent -= 2;
            s
        }
        Slot::Acc(g, st) => {
            let label = match (g.is_some(), st.is_some()) {
                (true, true) => "[Getter/Setter]",
                (true, false) => "[Getter]",
                (false, true) => "[Setter]",
                _ => "undefined",
            };
            if cx.o.getters && g.is_some() {
                match vm.call(ctx, &Val::Obj(g.unwrap_or(o)), Val::Obj(o), Vec::new()) {
                    Ok(v) => {
                        cx.indent += 2;
                        let inner = format_value(vm, ctx, cx, &v, recurse);
                        cx.indent -= 2;
                        let l = label.trim_end_matches(']');
                        if matches!(v, Val::Obj(_)) {
                            format!("{} {inner}", style(cx, label, "special"))
                        } else {
                            format!("{} {inner}{}", style(cx, &format!("{l}:"), "special"), style(cx, "]", "special"))
                        }
                    }
                    Err(_) => {
                        vm.throw_site = None;
                        style(cx, label, "special")
                    }
                }
            } else {
                style(cx, label, "special")
            }
        }
    };
    if extras == Extras::Array && matches!(key, Key::S(k) if super::object::index_of(k).is_some()) {
        return s;
    }
    let name = match key {
        Key::Sym(_) => format!("[{}]", style(cx, &vm.key_display(key), "symbol")),
        Key::S(k) if &**k == "__proto__" => "['__proto__']".into(),
        Key::S(k) if flags & ENUM == 0 => format!("[{k}]"),
        Key::S(k) if is_ident_key(k) => k.to_string(),
        Key::S(k) => style(cx, &str_escape(k), "string"),
    };
    format!("{name}: {s}")
}

fn format_error(vm: &mut Vm, ctx: &mut Ctx, cx: &mut Cx, o: Oid, constructor: &Option<String>, tag: &str, keys: &mut Vec<Key>) -> String {
    let v = Val::Obj(o);
    let name = match vm.get(ctx, &v, &Key::s("name")) {
        Ok(Val::Undef) | Ok(Val::Null) | Err(_) => "Error".to_string(),
        Ok(n) => vm.to_str(ctx, &n).map(|s| s.to_string()).unwrap_or_else(|_| "Error".into()),
    };
    let message = match vm.get(ctx, &v, &Key::s("message")) {
        Ok(Val::Str(s)) => s.to_string(),
        Ok(Val::Undef) | Err(_) => String::new(),
        Ok(other) => vm.prim_str(&other),
    };
    let mut stack = match vm.get(ctx, &v, &Key::s("stack")) {
        Ok(Val::Str(s)) if !s.is_empty() => s.to_string(),
        _ => {
            vm.throw_site = None;
            super::builtins::error_header(vm, ctx, &v).unwrap_or_else(|_| "Error".into())
        }
    };
    // Hide name/message/stack keys that the stack already shows.
    if !cx.o.show_hidden {
        keys.retain(|k| match k {
            Key::S(s) if &**s == "name" => !stack.contains(&name),
            Key::S(s) if &**s == "message" => !stack.contains(&message),
            Key::S(s) if &**s == "stack" => false,
            _ => true,
        });
    }
    if vm.has_property(o, &Key::s("cause")) && !keys.iter().any(|k| k.as_str() == Some("cause")) {
        keys.push(Key::s("cause"));
    }
    if let Ok(errs) = vm.get(ctx, &v, &Key::s("errors")) {
        if vm.is_array(&errs) && !keys.iter().any(|k| k.as_str() == Some("errors")) {
            keys.push(Key::s("errors"));
        }
    }
    // improveStack
    let len = name.len();
    if constructor.is_none() || (name.ends_with("Error") && stack.starts_with(&name) && (stack.len() == len || matches!(stack.as_bytes().get(len), Some(b':') | Some(b'\n')))) {
        let mut fallback = "Error".to_string();
        if constructor.is_none() {
            fallback = stack.split([':', '\n']).next().unwrap_or("Error").to_string();
        }
        let mut prefix = get_prefix(constructor, tag, &fallback, "");
        prefix.pop();
        if name != prefix {
            if prefix.contains(&name) {
                stack = if len == 0 { format!("{prefix}: {stack}") } else { format!("{prefix}{}", &stack[len.min(stack.len())..]) };
            } else {
                stack = format!("{prefix} [{name}]{}", &stack[len.min(stack.len())..]);
            }
        }
    }
    let pos = if message.is_empty() { None } else { stack.find(&message).map(|p| p + message.len()) };
    let search_from = pos.unwrap_or(0);
    match stack[search_from..].find("\n    at").map(|i| i + search_from) {
        None => stack = format!("[{stack}]"),
        Some(start) => {
            let head = stack[..start].to_string();
            let mut lines: Vec<String> = stack[start + 1..].split('\n').map(|s| s.to_string()).collect();
            // getStackFrames: frames shared with the cause's trace are folded.
            let cause = if vm.has_property(o, &Key::s("cause")) { vm.get(ctx, &v, &Key::s("cause")).unwrap_or(Val::Undef) } else { Val::Undef };
            if matches!(&cause, Val::Obj(c) if matches!(vm.heap.get(*c).kind, Kind::Error(_))) {
                if let Ok(Val::Str(cs)) = vm.get(ctx, &cause, &Key::s("stack")) {
                    if let Some(at) = cs.find("\n    at") {
                        let cf: Vec<&str> = cs[at + 1..].split('\n').collect();
                        if let Some((len, offset)) = identical_range(&lines, &cf) {
                            let skipped = len - 2;
                            let msg = style(cx, &format!("    ... {skipped} lines matching cause stack trace ..."), "undefined");
                            lines.splice(offset + 1..offset + 1 + skipped, [msg]);
                        }
                    }
                }
            }
            let mut out = head;
            for line in lines {
                out.push('\n');
                if cx.o.colors {
                    if is_core_frame(&line) {
                        out.push_str(&style(cx, &line, "undefined"));
                    } else {
                        let l = mark_node_modules(cx, &line);
                        let cwd = vm.host.cwd.clone();
                        out.push_str(&mark_cwd(cx, &l, &cwd));
                    }
                } else {
                    out.push_str(&line);
                }
            }
            stack = out;
        }
    }
    if cx.indent != 0 {
        stack = stack.replace('\n', &format!("\n{}", " ".repeat(cx.indent)));
    }
    stack
}

/// util's identicalSequenceRange: the first run of more than 3 lines of `a` also in `b`.
fn identical_range(a: &[String], b: &[&str]) -> Option<(usize, usize)> {
    for i in 0..a.len().saturating_sub(3) {
        let Some(pos) = b.iter().position(|x| *x == a[i]) else { continue };
        let rest = b.len() - pos;
        if rest > 3 {
            let max = (a.len() - i).min(rest);
            let mut len = 1;
            while max > len && a[i + len] == b[pos + len] {
                len += 1;
            }
            if len > 3 {
                return Some((len, i));
            }
        }
    }
    None
}

fn is_core_frame(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("    at ") else { return false };
    let inner = match rest.find(" (") {
        Some(i) if !rest[..i].contains(['/', '\\', '(']) => rest[i + 2..].trim_end_matches(')'),
        _ => rest,
    };
    inner.starts_with("node:")
}

fn mark_node_modules(cx: &Cx, line: &str) -> String {
    let mut out = String::new();
    let mut last = 0;
    let mut from = 0;
    while let Some(p) = line[from..].find("node_modules").map(|i| i + from) {
        let before = line[..p].chars().last();
        let after = line[p + 12..].chars().next();
        if before != Some('/') || after != Some('/') {
            from = p + 1;
            continue;
        }
        let start = p + 13;
        out.push_str(&line[last..start]);
        let mut end = line[start..].find('/').map_or(line.len(), |i| i + start);
        if line[start..].starts_with('@') {
            end = line[end + 1..].find('/').map_or(line.len(), |i| i + end + 1);
        }
        out.push_str(&style(cx, &line[start..end], "module"));
        last = end;
        from = end;
    }
    if last == 0 {
        return line.to_string();
    }
    out.push_str(&line[last..]);
    out
}

fn mark_cwd(cx: &Cx, line: &str, cwd: &str) -> String {
    let Some(pos) = line.find(cwd) else { return line.to_string() };
    let start = if pos > 0 && line.as_bytes()[pos - 1] == b'(' { pos - 1 } else { pos };
    let end_paren = start != pos && line.ends_with(')');
    let cwd_end = (pos + cwd.len() + 1).min(line.len());
    let mut out = line[..start].to_string();
    out.push_str(&style(cx, &line[start..cwd_end], "undefined"));
    if end_paren {
        out.push_str(&line[cwd_end..line.len() - 1]);
        out.push_str(&style(cx, ")", "undefined"));
    } else {
        out.push_str(&line[cwd_end..]);
    }
    out
}

fn is_below_break_length(cx: &Cx, output: &[String], start: usize, base: &str) -> bool {
    let mut total = output.len() + start;
    if total + output.len() > cx.o.break_length {
        return false;
    }
    for o in output {
        total += if cx.o.colors { utf16_len(&strip_colors(o)) } else { utf16_len(o) };
        if total > cx.o.break_length {
            return false;
        }
    }
    base.is_empty() || !base.contains('\n')
}

fn group_array_elements(cx: &Cx, output: Vec<String>, numbers: bool) -> Vec<String> {
    let mut total = 0usize;
    let mut max_len = 0usize;
    let mut output_len = output.len();
    if cx.o.max_array_length < output.len() || output.last().is_some_and(|l| l.starts_with("... ") && l.contains(" more item")) {
        output_len -= 1;
    }
    let sep = 2;
    let data_len: Vec<usize> = output.iter().take(output_len).map(|s| string_width(s, cx.o.colors)).collect();
    for l in &data_len {
        total += l + sep;
        max_len = max_len.max(*l);
    }
    let actual_max = max_len + sep;
    if actual_max * 3 + cx.indent < cx.o.break_length && (total as f64 / actual_max as f64 > 5.0 || max_len <= 6) {
        let average_bias = (actual_max as f64 - total as f64 / output.len() as f64).sqrt();
        let biased_max = (actual_max as f64 - 3.0 - average_bias).max(1.0);
        let columns = [
            ((2.5 * biased_max * output_len as f64).sqrt() / biased_max).round() as usize,
            (cx.o.break_length - cx.indent) / actual_max,
            cx.o.compact.unwrap_or(3) as usize * 4,
            15,
        ]
        .into_iter()
        .min()
        .unwrap_or(1);
        if columns <= 1 {
            return output;
        }
        let mut max_line = Vec::new();
        for i in 0..columns {
            let mut m = 0;
            let mut j = i;
            while j < output_len {
                m = m.max(data_len[j]);
                j += columns;
            }
            max_line.push(m + sep);
        }
        let mut tmp = Vec::new();
        let mut i = 0;
        while i < output_len {
            let max = (i + columns).min(output_len);
            let mut s = String::new();
            let mut j = i;
            while j < max - 1 {
                let cell = format!("{}, ", output[j]);
                let padding = max_line[j - i] + output[j].chars().count() - data_len[j];
                s.push_str(&pad(&cell, padding, numbers));
                j += 1;
            }
            if numbers {
                let padding = max_line[j - i] + output[j].chars().count() - data_len[j] - sep;
                s.push_str(&pad(&output[j], padding, true));
            } else {
                s.push_str(&output[j]);
            }
            tmp.push(s);
            i += columns;
        }
        if output_len < output.len() {
            tmp.push(output[output_len].clone());
        }
        return tmp;
    }
    output
}

fn pad(s: &str, width: usize, start: bool) -> String {
    let n = s.chars().count();
    if n >= width {
        return s.to_string();
    }
    let fill = " ".repeat(width - n);
    if start {
        format!("{fill}{s}")
    } else {
        format!("{s}{fill}")
    }
}

fn reduce_to_single_string(cx: &Cx, mut output: Vec<String>, base: &str, braces: &[String; 2], extras: Extras, recurse: u32, value: Option<(&mut Vm, Oid)>) -> String {
    let sep_base = if base.is_empty() { String::new() } else { format!("{base} ") };
    match cx.o.compact {
        Some(compact) if compact >= 1 => {
            let entries = output.len();
            if extras == Extras::Array && entries > 6 {
                let numbers = value.is_some_and(|(vm, o)| match &vm.heap.get(o).kind {
                    Kind::Array(items) => items.iter().take(output.len()).all(|v| matches!(v, Val::Num(_))) && items.len() >= output.len().min(items.len()),
                    _ => false,
                });
                output = group_array_elements(cx, output, numbers);
            }
            if cx.current_depth - recurse < compact && entries == output.len() {
                let start = output.len() + cx.indent + utf16_len(&braces[0]) + utf16_len(base) + 10;
                if is_below_break_length(cx, &output, start, base) {
                    let joined = output.join(", ");
                    if !joined.contains('\n') {
                        return format!("{sep_base}{} {joined} {}", braces[0], braces[1]);
                    }
                }
            }
        }
        None => {
            if is_below_break_length(cx, &output, 0, base) {
                let b = if base.is_empty() { String::new() } else { format!(" {base}") };
                return format!("{}{b} {} {}", braces[0], output.join(", "), braces[1]);
            }
            let indentation = " ".repeat(cx.indent);
            let ln = if base.is_empty() && braces[0].len() == 1 { " ".to_string() } else { format!("{}\n{indentation}  ", if base.is_empty() { String::new() } else { format!(" {base}") }) };
            return format!("{}{ln}{} {}", braces[0], output.join(&format!(",\n{indentation}  ")), braces[1]);
        }
        _ => {}
    }
    let indentation = format!("\n{}", " ".repeat(cx.indent));
    format!("{sep_base}{}{indentation}  {}{indentation}{}", braces[0], output.join(&format!(",{indentation}  ")), braces[1])
}

/// `util.inspect(value, opts)`.
pub fn inspect(vm: &mut Vm, ctx: &mut Ctx, v: &Val, o: &Opts) -> String {
    let mut cx = Cx {
        o,
        indent: 0,
        seen: Vec::new(),
        current_depth: 0,
        circular: Vec::new(),
        budget: 0,
    };
    let r = format_value(vm, ctx, &mut cx, v, 0);
    let _ = cx.budget;
    r
}

/// `%s` of an object: `String(v)` unless it has Node's notion of a builtin `toString`.
fn has_builtin_to_string(vm: &mut Vm, o: Oid) -> bool {
    if vm.heap.get(o).props.get(&Key::s("toString")).is_some() {
        return false;
    }
    let mut cur = vm.heap.get(o).proto;
    let mut guard = 0;
    while let Some(c) = cur {
        if vm.heap.get(c).props.get(&Key::s("toString")).is_some() {
            let ctor = match vm.heap.get(c).props.get(&Key::s("constructor")) {
                Some(Prop { slot: Slot::V(Val::Obj(f)), .. }) => Some(*f),
                _ => None,
            };
            return match ctor {
                Some(f) => {
                    let n = vm.fn_name(f);
                    BUILTIN_OBJECTS.contains(&&*n)
                }
                None => false,
            };
        }
        cur = vm.heap.get(c).proto;
        guard += 1;
        if guard > 100 {
            break;
        }
    }
    true
}

const BUILTIN_OBJECTS: &[&str] = &["Object", "Function", "Array", "Number", "Boolean", "String", "Symbol", "Date", "Promise", "RegExp", "Error", "EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError", "URIError", "Map", "Set", "WeakMap", "WeakSet", "JSON", "Math"];

/// `util.formatWithOptions(opts, ...args)` (console.log's formatting).
pub fn format_args(vm: &mut Vm, ctx: &mut Ctx, args: &[Val], o: &Opts) -> String {
    let mut a = 0;
    let mut out = String::new();
    let mut join = "";
    if let Some(Val::Str(first)) = args.first() {
        if args.len() == 1 {
            return first.to_string();
        }
        let f: Vec<char> = first.chars().collect();
        let mut last = 0usize;
        let mut i = 0usize;
        while i + 1 < f.len() {
            if f[i] == '%' {
                i += 1;
                let next = f[i];
                if a + 1 != args.len() {
                    let temp = match next {
                        's' => {
                            a += 1;
                            let arg = args[a].clone();
                            match &arg {
                                Val::Num(n) => Some(format_num_plain(*n)),
                                Val::Obj(ob) if has_builtin_to_string(vm, *ob) => {
                                    let opts = Opts { depth: Some(0), colors: false, compact: Some(3), ..o.clone() };
                                    Some(inspect(vm, ctx, &arg, &opts))
                                }
                                _ => Some(match vm.to_str(ctx, &arg) {
                                    Ok(s) => s.to_string(),
                                    Err(_) => {
                                        vm.throw_site = None;
                                        vm.prim_str(&arg)
                                    }
                                }),
                            }
                        }
                        'j' => {
                            a += 1;
                            let arg = args[a].clone();
                            Some(match super::builtins::json::stringify(vm, ctx, arg, Val::Undef, Val::Undef) {
                                Ok(Some(s)) => s,
                                Ok(None) => "undefined".into(),
                                Err(_) => {
                                    vm.throw_site = None;
                                    "[Circular]".into()
                                }
                            })
                        }
                        'd' => {
                            a += 1;
                            let arg = args[a].clone();
                            Some(match arg {
                                Val::Sym(_) => "NaN".into(),
                                Val::Obj(_) => {
                                    let n = vm.to_number(ctx, &arg).unwrap_or(f64::NAN);
                                    format_num_plain(n)
                                }
                                other => format_num_plain(vm.to_number(ctx, &other).unwrap_or(f64::NAN)),
                            })
                        }
                        'O' => {
                            a += 1;
                            let arg = args[a].clone();
                            Some(inspect(vm, ctx, &arg, o))
                        }
                        'o' => {
                            a += 1;
                            let arg = args[a].clone();
                            let opts = Opts { show_hidden: true, depth: Some(4), ..o.clone() };
                            Some(inspect(vm, ctx, &arg, &opts))
                        }
                        'i' => {
                            a += 1;
                            let arg = args[a].clone();
                            Some(match arg {
                                Val::Sym(_) => "NaN".into(),
                                other => {
                                    let s = vm.to_str(ctx, &other).map(|s| s.to_string()).unwrap_or_default();
                                    format_num_plain(super::num::parse_int(&s, 10))
                                }
                            })
                        }
                        'f' => {
                            a += 1;
                            let arg = args[a].clone();
                            Some(match arg {
                                Val::Sym(_) => "NaN".into(),
                                other => {
                                    let s = vm.to_str(ctx, &other).map(|s| s.to_string()).unwrap_or_default();
                                    format_num_plain(super::num::parse_float(&s))
                                }
                            })
                        }
                        'c' => {
                            a += 1;
                            Some(String::new())
                        }
                        '%' => {
                            out.extend(&f[last..i]);
                            last = i + 1;
                            i += 1;
                            continue;
                        }
                        _ => None,
                    };
                    if let Some(t) = temp {
                        if last != i - 1 {
                            out.extend(&f[last..i - 1]);
                        }
                        out.push_str(&t);
                        last = i + 1;
                    }
                } else if next == '%' {
                    out.extend(&f[last..i]);
                    last = i + 1;
                }
            }
            i += 1;
        }
        if last != 0 {
            a += 1;
            join = " ";
            if last < f.len() {
                out.extend(&f[last..]);
            }
        }
    }
    while a < args.len() {
        out.push_str(join);
        match &args[a] {
            Val::Str(s) => out.push_str(s),
            v => {
                let v = v.clone();
                out.push_str(&inspect(vm, ctx, &v, o));
            }
        }
        join = " ";
        a += 1;
    }
    out
}

fn format_num_plain(n: f64) -> String {
    if n == 0.0 && n.is_sign_negative() {
        return "-0".into();
    }
    super::num::to_str(n)
}

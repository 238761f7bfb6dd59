//! `String` and `String.prototype`.

use super::super::object::{char_at, utf16_len, utf16_slice};
use super::*;

fn this_str(vm: &mut Vm, ctx: &mut Ctx, c: &Call, name: &str) -> Result<Str, Val> {
    match &c.this {
        Val::Str(s) => Ok(s.clone()),
        Val::Undef | Val::Null => Err(vm.error(ErrKind::Type, &format!("String.prototype.{name} called on null or undefined"))),
        other => {
            let o = other.clone();
            vm.to_str(ctx, &o)
        }
    }
}

fn units(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

/// Index of `needle` in `hay` at or after UTF-16 position `from`.
pub fn find_from(hay: &str, needle: &str, from: usize) -> Option<usize> {
    if hay.is_ascii() && needle.is_ascii() {
        if from > hay.len() {
            return None;
        }
        return hay[from..].find(needle).map(|i| i + from);
    }
    let h = units(hay);
    let n = units(needle);
    if n.is_empty() {
        return if from <= h.len() { Some(from) } else { None };
    }
    (from..=h.len().saturating_sub(n.len())).find(|&i| h[i..].starts_with(&n))
}

fn string_ctor(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s: Str = match c.args.first() {
        None => "".into(),
        Some(Val::Sym(id)) if c.new_target.is_none() => format!("Symbol({})", vm.symbols.get(*id as usize).map(|s| &**s).unwrap_or("")).into(),
        Some(v) => {
            let v = v.clone();
            vm.to_str(ctx, &v)?
        }
    };
    if c.new_target.is_some() {
        let p = vm.realm.string_proto;
        return Ok(Val::Obj(vm.heap.alloc(Obj::new(Some(p), Kind::BoxStr(s)))));
    }
    Ok(Val::Str(s))
}

fn from_char_code(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let mut u = Vec::new();
    for a in c.args.clone() {
        let n = vm.to_number(ctx, &a)?;
        u.push(super::super::num::to_u32(n) as u16);
    }
    Ok(Val::Str(String::from_utf16_lossy(&u).into()))
}

fn from_code_point(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let mut s = String::new();
    for a in c.args.clone() {
        let n = vm.to_number(ctx, &a)?;
        match char::from_u32(n as u32) {
            Some(ch) if n.fract() == 0.0 && n >= 0.0 => s.push(ch),
            _ => {
                let shown = super::super::num::to_str(n);
                return Err(vm.error(ErrKind::Range, &format!("Invalid code point {shown}")));
            }
        }
    }
    Ok(Val::Str(s.into()))
}

fn to_string(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    match &c.this {
        Val::Str(s) => Ok(Val::Str(s.clone())),
        Val::Obj(o) => match &vm.heap.get(*o).kind {
            Kind::BoxStr(s) => Ok(Val::Str(s.clone())),
            _ => Err(vm.error(ErrKind::Type, "String.prototype.toString requires that 'this' be a String")),
        },
        _ => Err(vm.error(ErrKind::Type, "String.prototype.toString requires that 'this' be a String")),
    }
}

fn char_at_fn(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = this_str(vm, ctx, c, "charAt")?;
    let i = to_int(vm, ctx, &c.arg(0))?;
    if i < 0.0 {
        return Ok(Val::str(""));
    }
    Ok(Val::Str(char_at(&s, i as usize).unwrap_or_default().into()))
}

fn char_code_at(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = this_str(vm, ctx, c, "charCodeAt")?;
    let i = to_int(vm, ctx, &c.arg(0))?;
    let u = units(&s);
    if i < 0.0 || i as usize >= u.len() {
        return Ok(Val::Num(f64::NAN));
    }
    Ok(Val::Num(u[i as usize] as f64))
}

fn code_point_at(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = this_str(vm, ctx, c, "codePointAt")?;
    let i = to_int(vm, ctx, &c.arg(0))?;
    let u = units(&s);
    if i < 0.0 || i as usize >= u.len() {
        return Ok(Val::Undef);
    }
    let i = i as usize;
    let hi = u[i] as u32;
    if (0xd800..0xdc00).contains(&hi) {
        if let Some(lo) = u.get(i + 1) {
            let lo = *lo as u32;
            if (0xdc00..0xe000).contains(&lo) {
                return Ok(Val::Num((0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)) as f64));
            }
        }
    }
    Ok(Val::Num(hi as f64))
}

fn at(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = this_str(vm, ctx, c, "at")?;
    let n = to_int(vm, ctx, &c.arg(0))?;
    let len = utf16_len(&s) as f64;
    let i = if n < 0.0 { len + n } else { n };
    if i < 0.0 || i >= len {
        return Ok(Val::Undef);
    }
    Ok(Val::Str(char_at(&s, i as usize).unwrap_or_default().into()))
}

fn index_of(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = this_str(vm, ctx, c, "indexOf")?;
    let n = arg_str(vm, ctx, c, 0)?;
    let from = rel_index(vm, ctx, &c.arg(1), utf16_len(&s), 0)?;
    Ok(Val::Num(find_from(&s, &n, from).map(|i| i as f64).unwrap_or(-1.0)))
}

fn last_index_of(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = this_str(vm, ctx, c, "lastIndexOf")?;
    let n = arg_str(vm, ctx, c, 0)?;
    let h = units(&s);
    let nu = units(&n);
    if nu.len() > h.len() {
        return Ok(Val::Num(-1.0));
    }
    let r = (0..=h.len() - nu.len()).rev().find(|&i| h[i..].starts_with(&nu));
    Ok(Val::Num(r.map(|i| i as f64).unwrap_or(-1.0)))
}

fn not_regex(vm: &mut Vm, c: &Call, name: &str) -> Result<(), Val> {
    if let Val::Obj(o) = c.arg(0) {
        if let Kind::Regex(_) = vm.heap.get(o).kind {
            return Err(vm.error(ErrKind::Type, &format!("First argument to String.prototype.{name} must not be a regular expression")));
        }
    }
    Ok(())
}

fn includes(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = this_str(vm, ctx, c, "includes")?;
    not_regex(vm, c, "includes")?;
    let n = arg_str(vm, ctx, c, 0)?;
    let from = rel_index(vm, ctx, &c.arg(1), utf16_len(&s), 0)?;
    Ok(Val::Bool(find_from(&s, &n, from).is_some()))
}

fn starts_with(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = this_str(vm, ctx, c, "startsWith")?;
    not_regex(vm, c, "startsWith")?;
    let n = arg_str(vm, ctx, c, 0)?;
    let from = rel_index(vm, ctx, &c.arg(1), utf16_len(&s), 0)?;
    Ok(Val::Bool(units(&s).get(from..).is_some_and(|r| r.starts_with(&units(&n)))))
}

fn ends_with(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = this_str(vm, ctx, c, "endsWith")?;
    not_regex(vm, c, "endsWith")?;
    let n = arg_str(vm, ctx, c, 0)?;
    let len = utf16_len(&s);
    let end = rel_index(vm, ctx, &c.arg(1), len, len)?;
    Ok(Val::Bool(units(&s)[..end].ends_with(&units(&n))))
}

fn slice(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = this_str(vm, ctx, c, "slice")?;
    let len = utf16_len(&s);
    let a = rel_index(vm, ctx, &c.arg(0), len, 0)?;
    let b = rel_index(vm, ctx, &c.arg(1), len, len)?;
    Ok(Val::Str(if a < b { utf16_slice(&s, a, b) } else { String::new() }.into()))
}

fn substring(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = this_str(vm, ctx, c, "substring")?;
    let len = utf16_len(&s) as f64;
    let a = to_int(vm, ctx, &c.arg(0))?.clamp(0.0, len) as usize;
    let b = match c.arg(1) {
        Val::Undef => len as usize,
        v => to_int(vm, ctx, &v)?.clamp(0.0, len) as usize,
    };
    let (a, b) = if a > b { (b, a) } else { (a, b) };
    Ok(Val::Str(utf16_slice(&s, a, b).into()))
}

fn substr(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = this_str(vm, ctx, c, "substr")?;
    let len = utf16_len(&s);
    let a = rel_index(vm, ctx, &c.arg(0), len, 0)?;
    let n = match c.arg(1) {
        Val::Undef => (len - a) as f64,
        v => to_int(vm, ctx, &v)?,
    };
    let b = (a as f64 + n.max(0.0)).min(len as f64) as usize;
    Ok(Val::Str(utf16_slice(&s, a, b.max(a)).into()))
}

fn to_upper(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = this_str(vm, ctx, c, "toUpperCase")?;
    Ok(Val::Str(s.to_uppercase().into()))
}

fn to_lower(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = this_str(vm, ctx, c, "toLowerCase")?;
    Ok(Val::Str(s.to_lowercase().into()))
}

fn is_js_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

fn trim(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = this_str(vm, ctx, c, "trim")?;
    Ok(Val::Str(s.trim_matches(is_js_space).into()))
}

fn trim_start(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = this_str(vm, ctx, c, "trimStart")?;
    Ok(Val::Str(s.trim_start_matches(is_js_space).into()))
}

fn trim_end(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = this_str(vm, ctx, c, "trimEnd")?;
    Ok(Val::Str(s.trim_end_matches(is_js_space).into()))
}

fn pad(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call, start: bool) -> Res {
    let s = this_str(vm, ctx, c, if start { "padStart" } else { "padEnd" })?;
    let target = to_int(vm, ctx, &c.arg(0))?;
    let filler: Str = match c.arg(1) {
        Val::Undef => " ".into(),
        v => vm.to_str(ctx, &v)?,
    };
    let len = utf16_len(&s);
    if target <= len as f64 || filler.is_empty() {
        return Ok(Val::Str(s));
    }
    if target > 100_000_000.0 {
        return Err(vm.error(ErrKind::Range, "Invalid string length"));
    }
    let need = target as usize - len;
    let fu = units(&filler);
    let mut p: Vec<u16> = Vec::with_capacity(need);
    while p.len() < need {
        p.push(fu[p.len() % fu.len()]);
    }
    let p = String::from_utf16_lossy(&p);
    Ok(Val::Str(if start { format!("{p}{s}") } else { format!("{s}{p}") }.into()))
}

fn pad_start(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    pad(vm, ctx, c, true)
}

fn pad_end(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    pad(vm, ctx, c, false)
}

fn repeat(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = this_str(vm, ctx, c, "repeat")?;
    let n = to_int(vm, ctx, &c.arg(0))?;
    if n < 0.0 || n.is_infinite() {
        let shown = super::super::num::to_str(n);
        return Err(vm.error(ErrKind::Range, &format!("Invalid count value: {shown}")));
    }
    if s.len() as f64 * n > 256.0 * 1024.0 * 1024.0 {
        return Err(vm.error(ErrKind::Range, "Invalid string length"));
    }
    Ok(Val::Str(s.repeat(n as usize).into()))
}

fn concat(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let mut s = this_str(vm, ctx, c, "concat")?.to_string();
    for a in c.args.clone() {
        s.push_str(&vm.to_str(ctx, &a)?);
    }
    Ok(Val::Str(s.into()))
}

fn split(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    if let Val::Obj(o) = c.arg(0) {
        if let Kind::Regex(_) = vm.heap.get(o).kind {
            return super::super::regex::split(vm, ctx, c);
        }
    }
    let s = this_str(vm, ctx, c, "split")?;
    let limit = match c.arg(1) {
        Val::Undef => u32::MAX as usize,
        v => super::super::num::to_u32(vm.to_number(ctx, &v)?) as usize,
    };
    let parts: Vec<Val> = match c.arg(0) {
        Val::Undef => vec![Val::Str(s)],
        sep => {
            let sep = vm.to_str(ctx, &sep)?;
            if sep.is_empty() {
                s.chars()
                    .flat_map(|ch| {
                        let mut b = [0u16; 2];
                        ch.encode_utf16(&mut b).iter().map(|u| String::from_utf16_lossy(&[*u])).collect::<Vec<_>>()
                    })
                    .map(|x| Val::Str(x.into()))
                    .collect()
            } else {
                s.split(&*sep).map(|x| Val::Str(x.into())).collect()
            }
        }
    };
    Ok(vm.new_array(parts.into_iter().take(limit).collect()))
}

/// `GetSubstitution` for a string pattern: `$&`, `` $` ``, `$'`, `$$`.
pub fn substitute(template: &str, matched: &str, before: &str, after: &str, groups: &[Option<String>], named: Option<&[(String, Option<String>)]>) -> String {
    let mut out = String::new();
    let b = template.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' && i + 1 < b.len() {
            match b[i + 1] {
                b'$' => {
                    out.push('$');
                    i += 2;
                    continue;
                }
                b'&' => {
                    out.push_str(matched);
                    i += 2;
                    continue;
                }
                b'`' => {
                    out.push_str(before);
                    i += 2;
                    continue;
                }
                b'\'' => {
                    out.push_str(after);
                    i += 2;
                    continue;
                }
                d if d.is_ascii_digit() => {
                    let two = if i + 2 < b.len() && b[i + 2].is_ascii_digit() {
                        let n = ((d - b'0') * 10 + (b[i + 2] - b'0')) as usize;
                        if n >= 1 && n <= groups.len() {
                            Some(n)
                        } else {
                            None
                        }
                    } else {
                        None
                    };
                    if let Some(n) = two {
                        out.push_str(groups[n - 1].as_deref().unwrap_or(""));
                        i += 3;
                        continue;
                    }
                    let n = (d - b'0') as usize;
                    if n >= 1 && n <= groups.len() {
                        out.push_str(groups[n - 1].as_deref().unwrap_or(""));
                        i += 2;
                        continue;
                    }
                }
                b'<' => {
                    if let Some(named) = named {
                        if let Some(end) = template[i + 2..].find('>') {
                            let name = &template[i + 2..i + 2 + end];
                            if let Some((_, v)) = named.iter().find(|(n, _)| n == name) {
                                out.push_str(v.as_deref().unwrap_or(""));
                            }
                            i += 3 + end;
                            continue;
                        }
                    }
                }
                _ => {}
            }
        }
        let ch = template[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

fn replace_common(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call, all: bool) -> Res {
    if let Val::Obj(o) = c.arg(0) {
        if let Kind::Regex(_) = vm.heap.get(o).kind {
            return super::super::regex::replace(vm, ctx, c, all);
        }
    }
    let s = this_str(vm, ctx, c, if all { "replaceAll" } else { "replace" })?;
    let pat = arg_str(vm, ctx, c, 0)?;
    let rep = c.arg(1);
    let is_fn = vm.is_callable(&rep);
    let rep_s = if is_fn { "".into() } else { vm.to_str(ctx, &rep)? };
    let mut out = String::new();
    let mut last = 0usize;
    let mut from = 0usize;
    loop {
        let found = if pat.is_empty() {
            if from <= s.len() {
                Some(from)
            } else {
                None
            }
        } else {
            s.get(from..).and_then(|r| r.find(&*pat)).map(|i| i + from)
        };
        let Some(i) = found else { break };
        out.push_str(&s[last..i]);
        let piece = if is_fn {
            let pos = utf16_len(&s[..i]) as f64;
            let r = vm.call(ctx, &rep, Val::Undef, vec![Val::Str(pat.clone()), Val::Num(pos), Val::Str(s.clone())])?;
            vm.to_str(ctx, &r)?.to_string()
        } else {
            substitute(&rep_s, &pat, &s[..i], &s[i + pat.len()..], &[], None)
        };
        out.push_str(&piece);
        last = i + pat.len();
        if !all {
            break;
        }
        from = if pat.is_empty() { i + s[i..].chars().next().map_or(1, |c| c.len_utf8()) } else { last };
        if pat.is_empty() && i >= s.len() {
            break;
        }
    }
    out.push_str(s.get(last..).unwrap_or(""));
    Ok(Val::Str(out.into()))
}

fn replace(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    replace_common(vm, ctx, c, false)
}

fn replace_all(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    replace_common(vm, ctx, c, true)
}

fn locale_compare(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let a = this_str(vm, ctx, c, "localeCompare")?;
    let b = arg_str(vm, ctx, c, 0)?;
    // ICU's root collation, approximated: case-insensitive first, lower case before upper.
    let ka: Vec<(String, bool)> = a.chars().map(|ch| (ch.to_lowercase().collect(), ch.is_uppercase())).collect();
    let kb: Vec<(String, bool)> = b.chars().map(|ch| (ch.to_lowercase().collect(), ch.is_uppercase())).collect();
    let primary = ka.iter().map(|x| &x.0).cmp(kb.iter().map(|x| &x.0));
    let r = match primary {
        std::cmp::Ordering::Equal => ka.iter().map(|x| x.1).cmp(kb.iter().map(|x| x.1)),
        o => o,
    };
    Ok(Val::Num(match r {
        std::cmp::Ordering::Less => -1.0,
        std::cmp::Ordering::Equal => 0.0,
        std::cmp::Ordering::Greater => 1.0,
    }))
}

fn normalize(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = this_str(vm, ctx, c, "normalize")?;
    Ok(Val::Str(s))
}

fn value_of(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    to_string(vm, ctx, c)
}

fn iterator(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = this_str(vm, ctx, c, "[Symbol.iterator]")?;
    let p = vm.realm.array_iter_proto;
    Ok(Val::Obj(vm.heap.alloc(Obj::new(Some(p), Kind::Iter(Box::new(IterKind::Str(s, 0)))))))
}

fn raw(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let strs = c.arg(0);
    let raw = vm.get_str(ctx, &strs, "raw")?;
    let parts = super::function::array_like(vm, ctx, &raw)?;
    let mut out = String::new();
    for (i, p) in parts.iter().enumerate() {
        out.push_str(&vm.to_str(ctx, p)?);
        if i + 1 < parts.len() {
            if let Some(x) = c.args.get(i + 1).cloned() {
                out.push_str(&vm.to_str(ctx, &x)?);
            }
        }
    }
    Ok(Val::Str(out.into()))
}

pub fn install(vm: &mut Vm) {
    let proto = vm.realm.string_proto;
    let ctor = vm.native("String", 1, string_ctor);
    link_ctor(vm, ctor, proto);
    methods(vm, ctor, &[("fromCharCode", 1, from_char_code), ("fromCodePoint", 1, from_code_point), ("raw", 1, raw)]);
    methods(
        vm,
        proto,
        &[
            ("toString", 0, to_string),
            ("valueOf", 0, value_of),
            ("charAt", 1, char_at_fn),
            ("charCodeAt", 1, char_code_at),
            ("codePointAt", 1, code_point_at),
            ("at", 1, at),
            ("indexOf", 1, index_of),
            ("lastIndexOf", 1, last_index_of),
            ("includes", 1, includes),
            ("startsWith", 1, starts_with),
            ("endsWith", 1, ends_with),
            ("slice", 2, slice),
            ("substring", 2, substring),
            ("substr", 2, substr),
            ("toUpperCase", 0, to_upper),
            ("toLowerCase", 0, to_lower),
            ("toLocaleUpperCase", 0, to_upper),
            ("toLocaleLowerCase", 0, to_lower),
            ("trim", 0, trim),
            ("trimStart", 0, trim_start),
            ("trimEnd", 0, trim_end),
            ("padStart", 2, pad_start),
            ("padEnd", 2, pad_end),
            ("repeat", 1, repeat),
            ("concat", 1, concat),
            ("split", 2, split),
            ("replace", 2, replace),
            ("replaceAll", 2, replace_all),
            ("localeCompare", 1, locale_compare),
            ("normalize", 0, normalize),
            ("match", 1, super::super::regex::str_match),
            ("matchAll", 1, super::super::regex::str_match_all),
            ("search", 1, super::super::regex::str_search),
        ],
    );
    let it = vm.native("[Symbol.iterator]", 0, iterator);
    vm.heap.get_mut(proto).props.insert(Key::Sym(super::super::object::SYM_ITERATOR), Slot::V(Val::Obj(it)), HIDDEN);
    global(vm, "String", Val::Obj(ctor));
}

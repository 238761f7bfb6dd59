//! `Number`, `Math`, and the global number and URI functions.

use super::super::num;
use super::*;

fn this_num(vm: &mut Vm, c: &Call, name: &str) -> Result<f64, Val> {
    match &c.this {
        Val::Num(n) => Ok(*n),
        Val::Obj(o) => match vm.heap.get(*o).kind {
            Kind::BoxNum(n) => Ok(n),
            _ => Err(vm.error(ErrKind::Type, &format!("Number.prototype.{name} requires that 'this' be a Number"))),
        },
        _ => Err(vm.error(ErrKind::Type, &format!("Number.prototype.{name} requires that 'this' be a Number"))),
    }
}

fn number_ctor(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let n = if c.args.is_empty() { 0.0 } else { arg_num(vm, ctx, c, 0)? };
    if c.new_target.is_some() {
        let p = vm.realm.number_proto;
        return Ok(Val::Obj(vm.heap.alloc(Obj::new(Some(p), Kind::BoxNum(n)))));
    }
    Ok(Val::Num(n))
}

fn to_fixed(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let x = this_num(vm, c, "toFixed")?;
    let d = to_int(vm, ctx, &c.arg(0))?;
    if !(0.0..=100.0).contains(&d) {
        return Err(vm.error(ErrKind::Range, "toFixed() digits argument must be between 0 and 100"));
    }
    Ok(Val::Str(num::to_fixed(x, d as usize).into()))
}

fn to_precision(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let x = this_num(vm, c, "toPrecision")?;
    if matches!(c.arg(0), Val::Undef) {
        return Ok(Val::Str(num::to_str(x).into()));
    }
    let p = to_int(vm, ctx, &c.arg(0))?;
    if !(1.0..=100.0).contains(&p) {
        return Err(vm.error(ErrKind::Range, "toPrecision() argument must be between 1 and 100"));
    }
    Ok(Val::Str(num::to_precision(x, p as usize).into()))
}

fn to_string(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let x = this_num(vm, c, "toString")?;
    let r = match c.arg(0) {
        Val::Undef => 10.0,
        v => to_int(vm, ctx, &v)?,
    };
    if !(2.0..=36.0).contains(&r) {
        return Err(vm.error(ErrKind::Range, "toString() radix must be between 2 and 36"));
    }
    Ok(Val::Str(num::to_radix(x, r as u32).into()))
}

/// `toLocaleString()` in the `en-US` locale: grouping and up to 3 fraction digits.
pub fn locale_number(x: f64, min_frac: usize, max_frac: usize, grouping: bool) -> String {
    if !x.is_finite() {
        return if x.is_nan() { "NaN".into() } else if x > 0.0 { "∞".into() } else { "-∞".into() };
    }
    let s = num::to_fixed(x.abs(), max_frac);
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), f.trim_end_matches('0').to_string()),
        None => (s.clone(), String::new()),
    };
    let mut frac = frac;
    while frac.len() < min_frac {
        frac.push('0');
    }
    let mut grouped = String::new();
    let n = int.len();
    for (i, ch) in int.chars().enumerate() {
        if grouping && i > 0 && (n - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let neg = x < 0.0 && (grouped.bytes().any(|b| b != b'0' && b != b',') || frac.bytes().any(|b| b != b'0'));
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.push_str(&grouped);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(&frac);
    }
    out
}

fn to_locale_string(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let x = this_num(vm, c, "toLocaleString")?;
    let mut min = 0usize;
    let mut max = 3usize;
    let mut currency: Option<String> = None;
    let mut percent = false;
    if let Val::Obj(o) = c.arg(1) {
        let ov = Val::Obj(o);
        let style = vm.get_str(ctx, &ov, "style")?;
        let style = if matches!(style, Val::Undef) { "decimal".into() } else { vm.to_str(ctx, &style)? };
        if &*style == "currency" {
            let cur = vm.get_str(ctx, &ov, "currency")?;
            let cur = vm.to_str(ctx, &cur)?;
            currency = Some(cur.to_string());
            min = 2;
            max = 2;
        } else if &*style == "percent" {
            percent = true;
            max = 0;
        }
        let mn = vm.get_str(ctx, &ov, "minimumFractionDigits")?;
        if !matches!(mn, Val::Undef) {
            min = vm.to_number(ctx, &mn)?.clamp(0.0, 20.0) as usize;
            max = max.max(min);
        }
        let mx = vm.get_str(ctx, &ov, "maximumFractionDigits")?;
        if !matches!(mx, Val::Undef) {
            max = vm.to_number(ctx, &mx)?.clamp(0.0, 20.0) as usize;
            min = min.min(max);
        }
    }
    if percent {
        return Ok(Val::Str(format!("{}%", locale_number(x * 100.0, min, max, true)).into()));
    }
    let body = locale_number(x, min, max, true);
    Ok(Val::Str(match currency.as_deref() {
        None => body,
        Some(cur) => {
            let sym = match cur {
                "USD" => "$".to_string(),
                "EUR" => "€".to_string(),
                "GBP" => "£".to_string(),
                "JPY" => "¥".to_string(),
                "INR" => "₹".to_string(),
                other => format!("{other}\u{a0}"),
            };
            match body.strip_prefix('-') {
                Some(b) => format!("-{sym}{b}"),
                None => format!("{sym}{body}"),
            }
        }
    }
    .into()))
}

fn value_of(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(Val::Num(this_num(vm, c, "valueOf")?))
}

fn is_integer(_vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(Val::Bool(matches!(c.arg(0), Val::Num(n) if n.is_finite() && n.fract() == 0.0)))
}

fn is_safe_integer(_vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(Val::Bool(matches!(c.arg(0), Val::Num(n) if n.is_finite() && n.fract() == 0.0 && n.abs() <= 9007199254740991.0)))
}

fn number_is_finite(_vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(Val::Bool(matches!(c.arg(0), Val::Num(n) if n.is_finite())))
}

fn number_is_nan(_vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(Val::Bool(matches!(c.arg(0), Val::Num(n) if n.is_nan())))
}

fn global_is_nan(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(Val::Bool(arg_num(vm, ctx, c, 0)?.is_nan()))
}

fn global_is_finite(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(Val::Bool(arg_num(vm, ctx, c, 0)?.is_finite()))
}

fn parse_int(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = arg_str(vm, ctx, c, 0)?;
    let r = match c.arg(1) {
        Val::Undef => 0,
        v => num::to_i32(vm.to_number(ctx, &v)?),
    };
    Ok(Val::Num(num::parse_int(&s, r)))
}

fn parse_float(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = arg_str(vm, ctx, c, 0)?;
    Ok(Val::Num(num::parse_float(&s)))
}

fn math1(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let x = arg_num(vm, ctx, c, 0)?;
    let which = match &c.data {
        Val::Num(n) => *n as u32,
        _ => 0,
    };
    Ok(Val::Num(match which {
        0 => x.abs(),
        1 => x.floor(),
        2 => x.ceil(),
        3 => {
            // Math.round: halves go up (toward +∞).
            let f = x.floor();
            if x - f >= 0.5 {
                f + 1.0
            } else if x == 0.0 || (x < 0.0 && x >= -0.5) {
                if x.is_sign_negative() || x < 0.0 { -0.0 } else { 0.0 }
            } else {
                f
            }
        }
        4 => x.trunc(),
        5 => x.sqrt(),
        6 => x.cbrt(),
        7 => {
            if x > 0.0 {
                1.0
            } else if x < 0.0 {
                -1.0
            } else {
                x
            }
        }
        8 => x.ln(),
        9 => x.log10(),
        10 => x.log2(),
        11 => x.exp(),
        12 => x.sin(),
        13 => x.cos(),
        14 => x.tan(),
        15 => x.asin(),
        16 => x.acos(),
        17 => x.atan(),
        18 => (x as f32) as f64,
        19 => x.ln_1p(),
        20 => x.exp_m1(),
        21 => x.sinh(),
        22 => x.cosh(),
        23 => x.tanh(),
        _ => f64::NAN,
    }))
}

fn minmax(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call, max: bool) -> Res {
    let mut r = if max { f64::NEG_INFINITY } else { f64::INFINITY };
    for a in c.args.clone() {
        let x = vm.to_number(ctx, &a)?;
        if x.is_nan() {
            return Ok(Val::Num(f64::NAN));
        }
        if (max && (x > r || (x == 0.0 && r == 0.0 && !x.is_sign_negative()))) || (!max && (x < r || (x == 0.0 && r == 0.0 && x.is_sign_negative()))) {
            r = x;
        }
    }
    Ok(Val::Num(r))
}

fn math_max(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    minmax(vm, ctx, c, true)
}

fn math_min(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    minmax(vm, ctx, c, false)
}

fn math_pow(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let x = arg_num(vm, ctx, c, 0)?;
    let y = arg_num(vm, ctx, c, 1)?;
    Ok(Val::Num(super::super::vm::js_pow(x, y)))
}

fn math_atan2(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let y = arg_num(vm, ctx, c, 0)?;
    let x = arg_num(vm, ctx, c, 1)?;
    Ok(Val::Num(y.atan2(x)))
}

fn math_hypot(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let mut s = 0.0;
    for a in c.args.clone() {
        let x = vm.to_number(ctx, &a)?;
        s += x * x;
    }
    Ok(Val::Num(s.sqrt()))
}

/// Math.random from the process's seeded xorshift64* generator.
fn math_random(vm: &mut Vm, _ctx: &mut Ctx, _c: &mut Call) -> Res {
    let mut x = vm.host.rng;
    if x == 0 {
        x = 0x9e37_79b9_7f4a_7c15;
    }
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    vm.host.rng = x;
    let bits = x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11;
    Ok(Val::Num(bits as f64 / (1u64 << 53) as f64))
}

const URI_UNRESERVED: &str = "-_.!~*'()";
const URI_RESERVED: &str = ";/?:@&=+$,#";

fn encode(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call, keep: &str) -> Res {
    let s = arg_str(vm, ctx, c, 0)?;
    let mut out = String::new();
    for ch in s.chars() {
        if ch.is_ascii_alphanumeric() || URI_UNRESERVED.contains(ch) || keep.contains(ch) {
            out.push(ch);
        } else {
            let mut b = [0u8; 4];
            for byte in ch.encode_utf8(&mut b).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    Ok(Val::Str(out.into()))
}

fn encode_uri_component(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    encode(vm, ctx, c, "")
}

/// Annex B `escape`: UTF-16 units outside `A-Za-z0-9@*_+-./` as `%XX` or `%uXXXX`.
fn escape(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = vm.to_str(ctx, &c.arg(0))?;
    let mut out = String::new();
    for u in s.encode_utf16() {
        match char::from_u32(u as u32) {
            Some(ch) if ch.is_ascii_alphanumeric() || "@*_+-./".contains(ch) => out.push(ch),
            _ if u < 256 => out.push_str(&format!("%{u:02X}")),
            _ => out.push_str(&format!("%u{u:04X}")),
        }
    }
    Ok(Val::Str(out.into()))
}

fn unescape(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = vm.to_str(ctx, &c.arg(0))?;
    let units: Vec<u16> = s.encode_utf16().collect();
    let hex = |u: &[u16]| -> Option<u16> { u16::from_str_radix(&String::from_utf16(u).ok()?, 16).ok() };
    let mut out: Vec<u16> = Vec::new();
    let mut i = 0;
    while i < units.len() {
        if units[i] == b'%' as u16 {
            if units.get(i + 1) == Some(&(b'u' as u16)) && i + 6 <= units.len() {
                if let Some(v) = units.get(i + 2..i + 6).and_then(hex) {
                    out.push(v);
                    i += 6;
                    continue;
                }
            }
            if let Some(v) = units.get(i + 1..i + 3).and_then(hex) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(units[i]);
        i += 1;
    }
    Ok(Val::Str(String::from_utf16_lossy(&out).into()))
}

fn encode_uri(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    encode(vm, ctx, c, URI_RESERVED)
}

/// Percent-decoding; `None` for malformed input.
pub fn percent_decode(s: &str, keep: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out: Vec<u8> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let h = s.get(i + 1..i + 3)?;
            let v = u8::from_str_radix(h, 16).ok()?;
            if v < 0x80 && keep.contains(v as char) {
                out.extend_from_slice(&b[i..i + 3]);
            } else {
                out.push(v);
            }
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn decode(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call, keep: &str) -> Res {
    let s = arg_str(vm, ctx, c, 0)?;
    match percent_decode(&s, keep) {
        Some(d) => Ok(Val::Str(d.into())),
        None => Err(vm.error(ErrKind::Uri, "URI malformed")),
    }
}

fn decode_uri_component(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    decode(vm, ctx, c, "")
}

fn decode_uri(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    decode(vm, ctx, c, URI_RESERVED)
}

pub fn install(vm: &mut Vm) {
    let proto = vm.realm.number_proto;
    let ctor = vm.native("Number", 1, number_ctor);
    link_ctor(vm, ctor, proto);
    methods(vm, proto, &[("toFixed", 1, to_fixed), ("toPrecision", 1, to_precision), ("toString", 1, to_string), ("toLocaleString", 0, to_locale_string), ("valueOf", 0, value_of)]);
    methods(vm, ctor, &[("isInteger", 1, is_integer), ("isSafeInteger", 1, is_safe_integer), ("isFinite", 1, number_is_finite), ("isNaN", 1, number_is_nan), ("parseFloat", 1, parse_float), ("parseInt", 2, parse_int)]);
    for (n, v) in [
        ("MAX_SAFE_INTEGER", 9007199254740991.0),
        ("MIN_SAFE_INTEGER", -9007199254740991.0),
        ("MAX_VALUE", f64::MAX),
        ("MIN_VALUE", 5e-324),
        ("EPSILON", f64::EPSILON),
        ("POSITIVE_INFINITY", f64::INFINITY),
        ("NEGATIVE_INFINITY", f64::NEG_INFINITY),
        ("NaN", f64::NAN),
    ] {
        constant(vm, ctor, n, Val::Num(v));
    }
    global(vm, "Number", Val::Obj(ctor));
    let g = vm.realm.global;
    methods(vm, g, &[("parseInt", 2, parse_int), ("parseFloat", 1, parse_float), ("isNaN", 1, global_is_nan), ("isFinite", 1, global_is_finite), ("encodeURIComponent", 1, encode_uri_component), ("encodeURI", 1, encode_uri), ("decodeURIComponent", 1, decode_uri_component), ("decodeURI", 1, decode_uri), ("escape", 1, escape), ("unescape", 1, unescape)]);
    constant(vm, g, "NaN", Val::Num(f64::NAN));
    constant(vm, g, "Infinity", Val::Num(f64::INFINITY));
    constant(vm, g, "undefined", Val::Undef);

    let math = vm.new_object();
    let names = ["abs", "floor", "ceil", "round", "trunc", "sqrt", "cbrt", "sign", "log", "log10", "log2", "exp", "sin", "cos", "tan", "asin", "acos", "atan", "fround", "log1p", "expm1", "sinh", "cosh", "tanh"];
    for (i, n) in names.iter().enumerate() {
        let f = vm.native_with(math1, Val::Num(i as f64));
        vm.heap.get_mut(f).props.insert(Key::s("name"), Slot::V(Val::str(n)), CONF);
        vm.heap.get_mut(f).props.insert(Key::s("length"), Slot::V(Val::Num(1.0)), CONF);
        vm.heap.get_mut(math).props.insert(Key::s(n), Slot::V(Val::Obj(f)), HIDDEN);
    }
    methods(vm, math, &[("max", 2, math_max), ("min", 2, math_min), ("pow", 2, math_pow), ("atan2", 2, math_atan2), ("hypot", 2, math_hypot), ("random", 0, math_random)]);
    for (n, v) in [("PI", std::f64::consts::PI), ("E", std::f64::consts::E), ("LN2", std::f64::consts::LN_2), ("LN10", std::f64::consts::LN_10), ("LOG2E", std::f64::consts::LOG2_E), ("LOG10E", std::f64::consts::LOG10_E), ("SQRT2", std::f64::consts::SQRT_2), ("SQRT1_2", std::f64::consts::FRAC_1_SQRT_2)] {
        constant(vm, math, n, Val::Num(v));
    }
    vm.heap.get_mut(math).props.insert(Key::Sym(super::super::object::SYM_TO_STRING_TAG), Slot::V(Val::str("Math")), CONF);
    global(vm, "Math", Val::Obj(math));
}

//! `Date`, in UTC (containers run with TZ unset), reading the virtual clock.

use super::*;

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const LONG_MONTHS: [&str; 12] = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MAX_TIME: f64 = 8.64e15;

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Calendar fields: (year, month 0-11, day, hours, minutes, seconds, ms, weekday).
#[derive(Clone, Copy)]
pub struct Fields {
    pub y: i64,
    pub mo: i64,
    pub d: i64,
    pub h: i64,
    pub mi: i64,
    pub s: i64,
    pub ms: i64,
    pub wd: i64,
}

pub fn fields(t: f64) -> Fields {
    let t = t as i64;
    let days = t.div_euclid(86_400_000);
    let rem = t.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    Fields {
        y,
        mo: m - 1,
        d,
        h: rem / 3_600_000,
        mi: rem / 60_000 % 60,
        s: rem / 1000 % 60,
        ms: rem % 1000,
        wd: (days + 4).rem_euclid(7),
    }
}

/// MakeDate from possibly out-of-range fields.
pub fn make_time(y: f64, mo: f64, d: f64, h: f64, mi: f64, s: f64, ms: f64) -> f64 {
    if ![y, mo, d, h, mi, s, ms].iter().all(|x| x.is_finite()) {
        return f64::NAN;
    }
    let ym = y + (mo / 12.0).floor();
    let mn = mo.rem_euclid(12.0);
    if ym.abs() > 400_000.0 {
        return f64::NAN;
    }
    let days = days_from_civil(ym as i64, mn as i64 + 1, 1) as f64 + d.trunc() - 1.0;
    let t = days * 86_400_000.0 + h.trunc() * 3_600_000.0 + mi.trunc() * 60_000.0 + s.trunc() * 1000.0 + ms.trunc();
    time_clip(t)
}

fn time_clip(t: f64) -> f64 {
    if !t.is_finite() || t.abs() > MAX_TIME {
        f64::NAN
    } else {
        t.trunc() + 0.0
    }
}

fn year_str(y: i64) -> String {
    if (0..=9999).contains(&y) {
        format!("{y:04}")
    } else if y < 0 {
        format!("-{:06}", -y)
    } else {
        format!("+{y:06}")
    }
}

pub fn iso(t: f64) -> String {
    let f = fields(t);
    format!("{}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", year_str(f.y), f.mo + 1, f.d, f.h, f.mi, f.s, f.ms)
}

fn plain_year(y: i64) -> String {
    if y < 0 {
        format!("-{:06}", -y)
    } else {
        format!("{y:04}")
    }
}

pub fn to_string_full(t: f64) -> String {
    if t.is_nan() {
        return "Invalid Date".into();
    }
    let f = fields(t);
    format!(
        "{} {} {:02} {} {:02}:{:02}:{:02} GMT+0000 (Coordinated Universal Time)",
        DAYS[f.wd as usize],
        MONTHS[f.mo as usize],
        f.d,
        plain_year(f.y),
        f.h,
        f.mi,
        f.s
    )
}

pub fn utc_string(t: f64) -> String {
    if t.is_nan() {
        return "Invalid Date".into();
    }
    let f = fields(t);
    format!("{}, {:02} {} {} {:02}:{:02}:{:02} GMT", DAYS[f.wd as usize], f.d, MONTHS[f.mo as usize], plain_year(f.y), f.h, f.mi, f.s)
}

fn locale_date(f: &Fields) -> String {
    format!("{}/{}/{}", f.mo + 1, f.d, f.y)
}

fn locale_time(f: &Fields) -> String {
    let h12 = if f.h % 12 == 0 { 12 } else { f.h % 12 };
    format!("{h12}:{:02}:{:02} {}", f.mi, f.s, if f.h < 12 { "AM" } else { "PM" })
}

/// `Date.parse`: ISO forms, RFC 2822 / `toString` forms, and `Month D, YYYY [hh:mm[:ss]]`.
pub fn parse_date(s: &str) -> f64 {
    let s = s.trim();
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse::<i64>().ok() };
    // ISO 8601: YYYY, YYYY-MM, YYYY-MM-DD, then THH:mm[:ss[.sss]][Z|±hh:mm].
    if b.len() >= 4 && b[..4].iter().all(|c| c.is_ascii_digit()) && (b.len() == 4 || b[4] == b'-') {
        let y = num(0..4).unwrap_or(0);
        let mut mo = 1;
        let mut d = 1;
        let mut i = 4;
        if b.len() >= 7 && b[4] == b'-' {
            mo = match num(5..7) {
                Some(v) => v,
                None => return f64::NAN,
            };
            i = 7;
            if b.len() >= 10 && b[7] == b'-' {
                d = match num(8..10) {
                    Some(v) => v,
                    None => return f64::NAN,
                };
                i = 10;
            }
        }
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
            return f64::NAN;
        }
        let (mut h, mut mi, mut sec, mut ms, mut off) = (0, 0, 0, 0.0, 0i64);
        if i < b.len() {
            if b[i] != b'T' && b[i] != b't' && b[i] != b' ' {
                return f64::NAN;
            }
            let t = &s[i + 1..];
            let tb = t.as_bytes();
            if tb.len() < 5 || tb[2] != b':' {
                return f64::NAN;
            }
            h = t[0..2].parse().unwrap_or(99);
            mi = t[3..5].parse().unwrap_or(99);
            let mut j = 5;
            if tb.len() >= 8 && tb[5] == b':' {
                sec = t[6..8].parse().unwrap_or(99);
                j = 8;
                if tb.len() > 8 && tb[8] == b'.' {
                    let mut k = 9;
                    while k < tb.len() && tb[k].is_ascii_digit() {
                        k += 1;
                    }
                    let frac = &t[9..k];
                    ms = format!("0.{frac}").parse::<f64>().unwrap_or(0.0) * 1000.0;
                    j = k;
                }
            }
            let rest = &t[j..];
            if rest == "Z" || rest == "z" || rest.is_empty() {
            } else if (rest.starts_with('+') || rest.starts_with('-')) && rest.len() == 6 && rest.as_bytes()[3] == b':' {
                let oh: i64 = rest[1..3].parse().unwrap_or(0);
                let om: i64 = rest[4..6].parse().unwrap_or(0);
                off = (oh * 60 + om) * if rest.starts_with('-') { -1 } else { 1 };
            } else {
                return f64::NAN;
            }
            if h > 24 || mi > 59 || sec > 59 {
                return f64::NAN;
            }
        }
        let t = make_time(y as f64, (mo - 1) as f64, d as f64, h as f64, mi as f64, sec as f64, ms.trunc());
        return t - (off * 60_000) as f64;
    }
    // Legacy forms: words for months, numbers for day, year and time.
    let mut month = None;
    let mut nums: Vec<i64> = Vec::new();
    let mut time: Option<(i64, i64, i64)> = None;
    let mut pm = None;
    let mut off = 0i64;
    for tok in s.split(|c: char| c == ' ' || c == ',').filter(|t| !t.is_empty()) {
        let lower = tok.to_ascii_lowercase();
        if let Some(m) = LONG_MONTHS.iter().position(|mn| mn.to_ascii_lowercase().starts_with(&lower) && lower.len() >= 3) {
            month = Some(m as i64);
        } else if tok.contains(':') {
            let p: Vec<i64> = tok.split(':').map(|x| x.parse().unwrap_or(-1)).collect();
            time = Some((p.first().copied().unwrap_or(0), p.get(1).copied().unwrap_or(0), p.get(2).copied().unwrap_or(0)));
        } else if lower == "am" || lower == "pm" {
            pm = Some(lower == "pm");
        } else if let Some(z) = lower.strip_prefix("gmt").or_else(|| lower.strip_prefix("utc")) {
            if let Ok(v) = z.parse::<i64>() {
                off = (v / 100) * 60 + v % 100;
            }
        } else if lower == "z" || DAYS.iter().any(|d| lower.starts_with(&d.to_ascii_lowercase())) || lower.starts_with('(') || lower.ends_with(')') {
        } else if let Ok(v) = tok.parse::<i64>() {
            nums.push(v);
        } else if tok.contains('/') {
            let p: Vec<i64> = tok.split('/').map(|x| x.parse().unwrap_or(-1)).collect();
            if p.len() == 3 {
                month = Some(p[0] - 1);
                nums.push(p[1]);
                nums.push(p[2]);
            }
        } else {
            return f64::NAN;
        }
    }
    let Some(m) = month else { return f64::NAN };
    if nums.len() < 2 {
        return f64::NAN;
    }
    let (d, y) = if nums[0] > 31 { (nums[1], nums[0]) } else { (nums[0], nums[1]) };
    let (mut h, mi, sec) = time.unwrap_or((0, 0, 0));
    if let Some(p) = pm {
        if p && h < 12 {
            h += 12;
        } else if !p && h == 12 {
            h = 0;
        }
    }
    make_time(y as f64, m as f64, d as f64, h as f64, mi as f64, sec as f64, 0.0) - (off * 60_000) as f64
}

fn this_time(vm: &mut Vm, c: &Call) -> Result<f64, Val> {
    match &c.this {
        Val::Obj(o) => match vm.heap.get(*o).kind {
            Kind::Date(t) => Ok(t),
            _ => Err(vm.error(ErrKind::Type, "this is not a Date object.")),
        },
        _ => Err(vm.error(ErrKind::Type, "this is not a Date object.")),
    }
}

fn set_time(vm: &mut Vm, c: &Call, t: f64) -> Res {
    if let Val::Obj(o) = &c.this {
        if let Kind::Date(x) = &mut vm.heap.get_mut(*o).kind {
            *x = t;
        }
    }
    Ok(Val::Num(t))
}

pub fn now_ms(ctx: &Ctx) -> f64 {
    ctx.now.as_ms() as f64
}

fn date_ctor(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let Some(nt) = c.new_target else {
        return Ok(Val::Str(to_string_full(now_ms(ctx)).into()));
    };
    let t = match c.args.len() {
        0 => now_ms(ctx),
        1 => {
            let a = c.arg(0);
            let a = match &a {
                Val::Obj(o) => match vm.heap.get(*o).kind {
                    Kind::Date(t) => Val::Num(t),
                    _ => vm.to_primitive(ctx, &a, false)?,
                },
                _ => a,
            };
            match a {
                Val::Str(s) => parse_date(&s),
                other => time_clip(vm.to_number(ctx, &other)?),
            }
        }
        _ => {
            let mut f = [f64::NAN, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0];
            for (i, slot) in f.iter_mut().enumerate() {
                if i < c.args.len() {
                    *slot = arg_num(vm, ctx, c, i)?;
                }
            }
            if (0.0..=99.0).contains(&f[0].trunc()) {
                f[0] = 1900.0 + f[0].trunc();
            }
            make_time(f[0], f[1], f[2], f[3], f[4], f[5], f[6])
        }
    };
    let proto = match vm.get_obj(ctx, nt, &Key::s("prototype"), &Val::Obj(nt))? {
        Val::Obj(p) => p,
        _ => vm.realm.date_proto,
    };
    Ok(Val::Obj(vm.heap.alloc(Obj::new(Some(proto), Kind::Date(t)))))
}

pub fn new_date(vm: &mut Vm, t: f64) -> Val {
    let p = vm.realm.date_proto;
    Val::Obj(vm.heap.alloc(Obj::new(Some(p), Kind::Date(t))))
}

fn date_now(_vm: &mut Vm, ctx: &mut Ctx, _c: &mut Call) -> Res {
    Ok(Val::Num(now_ms(ctx)))
}

fn date_parse(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = arg_str(vm, ctx, c, 0)?;
    Ok(Val::Num(parse_date(&s)))
}

fn date_utc(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let mut f = [f64::NAN, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0];
    for (i, slot) in f.iter_mut().enumerate() {
        if i < c.args.len() {
            *slot = arg_num(vm, ctx, c, i)?;
        }
    }
    if (0.0..=99.0).contains(&f[0].trunc()) {
        f[0] = 1900.0 + f[0].trunc();
    }
    Ok(Val::Num(make_time(f[0], f[1], f[2], f[3], f[4], f[5], f[6])))
}

/// Getters by field index: 0 year, 1 month, 2 date, 3 day, 4 hours, 5 minutes, 6 seconds, 7 ms.
fn getter(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let t = this_time(vm, c)?;
    if t.is_nan() {
        return Ok(Val::Num(f64::NAN));
    }
    let f = fields(t);
    let which = match &c.data {
        Val::Num(n) => *n as u32,
        _ => 0,
    };
    Ok(Val::Num(match which {
        0 => f.y,
        1 => f.mo,
        2 => f.d,
        3 => f.wd,
        4 => f.h,
        5 => f.mi,
        6 => f.s,
        _ => f.ms,
    } as f64))
}

/// Setters by first field index (0 year … 6 ms); later arguments set the following fields.
fn setter(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let t = this_time(vm, c)?;
    let which = match &c.data {
        Val::Num(n) => *n as usize,
        _ => 0,
    };
    let base = if t.is_nan() && which == 0 { 0.0 } else { t };
    if base.is_nan() {
        return Ok(Val::Num(f64::NAN));
    }
    let f = fields(base);
    let mut v = [f.y as f64, f.mo as f64, f.d as f64, f.h as f64, f.mi as f64, f.s as f64, f.ms as f64];
    let max_args = match which {
        0 => 3,
        1 => 2,
        2 => 1,
        3 => 4,
        4 => 3,
        5 => 2,
        _ => 1,
    };
    for i in 0..c.args.len().min(max_args) {
        v[which + i] = arg_num(vm, ctx, c, i)?;
    }
    let nt = make_time(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
    set_time(vm, c, nt)
}

fn set_time_fn(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    this_time(vm, c)?;
    let t = time_clip(arg_num(vm, ctx, c, 0)?);
    set_time(vm, c, t)
}

fn get_time(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(Val::Num(this_time(vm, c)?))
}

fn tz_offset(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let t = this_time(vm, c)?;
    Ok(Val::Num(if t.is_nan() { f64::NAN } else { 0.0 }))
}

fn to_iso(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let t = this_time(vm, c)?;
    if t.is_nan() {
        return Err(vm.error(ErrKind::Range, "Invalid time value"));
    }
    Ok(Val::Str(iso(t).into()))
}

fn to_json(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let t = this_time(vm, c)?;
    if t.is_nan() {
        return Ok(Val::Null);
    }
    to_iso(vm, ctx, c)
}

fn string_form(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let t = this_time(vm, c)?;
    let which = match &c.data {
        Val::Num(n) => *n as u32,
        _ => 0,
    };
    if t.is_nan() {
        return Ok(Val::str("Invalid Date"));
    }
    let f = fields(t);
    Ok(Val::Str(
        match which {
            0 => to_string_full(t),
            1 => format!("{} {} {:02} {}", DAYS[f.wd as usize], MONTHS[f.mo as usize], f.d, plain_year(f.y)),
            2 => format!("{:02}:{:02}:{:02} GMT+0000 (Coordinated Universal Time)", f.h, f.mi, f.s),
            3 => utc_string(t),
            4 => format!("{}, {}", locale_date(&f), locale_time(&f)),
            5 => locale_date(&f),
            _ => locale_time(&f),
        }
        .into(),
    ))
}

fn to_primitive(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let t = this_time(vm, c)?;
    let hint = arg_str(vm, ctx, c, 0)?;
    if &*hint == "number" {
        return Ok(Val::Num(t));
    }
    Ok(Val::Str(to_string_full(t).into()))
}

pub fn install(vm: &mut Vm) {
    let proto = vm.realm.date_proto;
    let ctor = vm.native("Date", 7, date_ctor);
    link_ctor(vm, ctor, proto);
    methods(vm, ctor, &[("now", 0, date_now), ("parse", 1, date_parse), ("UTC", 7, date_utc)]);
    let getters = [("FullYear", 0), ("Month", 1), ("Date", 2), ("Day", 3), ("Hours", 4), ("Minutes", 5), ("Seconds", 6), ("Milliseconds", 7)];
    for (name, i) in getters {
        for prefix in ["get", "getUTC"] {
            let n = format!("{prefix}{name}");
            let f = vm.native_with(getter, Val::Num(i as f64));
            vm.heap.get_mut(f).props.insert(Key::s("name"), Slot::V(Val::Str(n.clone().into())), CONF);
            vm.heap.get_mut(proto).props.insert(Key::S(n.into()), Slot::V(Val::Obj(f)), HIDDEN);
        }
    }
    let setters = [("FullYear", 0), ("Month", 1), ("Date", 2), ("Hours", 3), ("Minutes", 4), ("Seconds", 5), ("Milliseconds", 6)];
    for (name, i) in setters {
        for prefix in ["set", "setUTC"] {
            let n = format!("{prefix}{name}");
            let f = vm.native_with(setter, Val::Num(i as f64));
            vm.heap.get_mut(f).props.insert(Key::s("name"), Slot::V(Val::Str(n.clone().into())), CONF);
            vm.heap.get_mut(proto).props.insert(Key::S(n.into()), Slot::V(Val::Obj(f)), HIDDEN);
        }
    }
    let forms = ["toString", "toDateString", "toTimeString", "toUTCString", "toLocaleString", "toLocaleDateString", "toLocaleTimeString"];
    for (i, n) in forms.iter().enumerate() {
        let f = vm.native_with(string_form, Val::Num(i as f64));
        vm.heap.get_mut(f).props.insert(Key::s("name"), Slot::V(Val::str(n)), CONF);
        vm.heap.get_mut(proto).props.insert(Key::s(n), Slot::V(Val::Obj(f)), HIDDEN);
    }
    methods(vm, proto, &[("getTime", 0, get_time), ("valueOf", 0, get_time), ("setTime", 1, set_time_fn), ("getTimezoneOffset", 0, tz_offset), ("toISOString", 0, to_iso), ("toJSON", 1, to_json)]);
    let tp = vm.native("[Symbol.toPrimitive]", 1, to_primitive);
    vm.heap.get_mut(proto).props.insert(Key::Sym(super::super::object::SYM_TO_PRIMITIVE), Slot::V(Val::Obj(tp)), CONF);
    // toGMTString is toUTCString.
    if let Some(Prop { slot: Slot::V(v), .. }) = vm.heap.get(proto).props.get(&Key::s("toUTCString")).cloned() {
        vm.heap.get_mut(proto).props.insert(Key::s("toGMTString"), Slot::V(v), HIDDEN);
    }
    global(vm, "Date", Val::Obj(ctor));
}

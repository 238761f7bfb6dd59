//! Numbers as JavaScript writes and reads them: `Number.prototype.toString` (shortest
//! round-trip digits, ECMA-262 layout), `toFixed`, `toPrecision`, and `StringToNumber`.

/// The shortest digits that round-trip and the decimal exponent: `x = 0.d1d2… × 10^e`.
fn shortest(x: f64) -> (String, i32) {
    // Rust's `{:e}` prints the shortest round-trip digits: `1.2345e-7`.
    let s = format!("{:e}", x.abs());
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    (digits, exp + 1)
}

/// `Number::toString(x)` in base 10.
pub fn to_str(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if x.fract() == 0.0 && x.abs() < 1e15 {
        return format!("{}", x as i64);
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let (d, n) = shortest(x);
    let k = d.len() as i32;
    let mut s = String::from(sign);
    if k <= n && n <= 21 {
        s.push_str(&d);
        for _ in 0..(n - k) {
            s.push('0');
        }
    } else if 0 < n && n <= 21 {
        s.push_str(&d[..n as usize]);
        s.push('.');
        s.push_str(&d[n as usize..]);
    } else if -6 < n && n <= 0 {
        s.push_str("0.");
        for _ in 0..(-n) {
            s.push('0');
        }
        s.push_str(&d);
    } else {
        let e = n - 1;
        s.push_str(&d[..1]);
        if k > 1 {
            s.push('.');
            s.push_str(&d[1..]);
        }
        s.push('e');
        s.push(if e < 0 { '-' } else { '+' });
        s.push_str(&e.abs().to_string());
    }
    s
}

/// `Number.prototype.toString(radix)` for radix ≠ 10.
pub fn to_radix(x: f64, radix: u32) -> String {
    if !x.is_finite() || radix == 10 {
        return to_str(x);
    }
    let neg = x < 0.0;
    let mut v = x.abs();
    let mut int = v.trunc();
    v -= int;
    let mut digits = Vec::new();
    if int == 0.0 {
        digits.push('0');
    }
    let mut guard = 0;
    while int >= 1.0 && guard < 1100 {
        let d = (int % radix as f64) as u32;
        digits.push(std::char::from_digit(d, radix).unwrap_or('0'));
        int = (int / radix as f64).trunc();
        guard += 1;
    }
    digits.reverse();
    let mut s: String = digits.into_iter().collect();
    if v > 0.0 {
        s.push('.');
        let mut n = 0;
        while v > 0.0 && n < 52 {
            v *= radix as f64;
            let d = v.trunc() as u32;
            s.push(std::char::from_digit(d, radix).unwrap_or('0'));
            v -= d as f64;
            n += 1;
        }
    }
    if neg {
        format!("-{s}")
    } else {
        s
    }
}

/// Exact decimal digits of |x| with `frac` digits after the point, rounding half up on exact
/// ties as ECMA-262 asks ("if there are two such n, pick the larger n").
fn fixed_digits(x: f64, frac: usize) -> String {
    let a = x.abs();
    let s = format!("{:.*}", frac, a);
    // Rust rounds exact ties to even; ties are exact only when the long expansion is …5000….
    let long = format!("{:.*}", frac + 30, a);
    let tail = &long[long.len() - 30..];
    if tail.starts_with('5') && tail[1..].bytes().all(|b| b == b'0') {
        let exact = format!("{:.*}", frac + 1100, a);
        let t = &exact[exact.len() - 1100..];
        if t.starts_with('5') && t[1..].bytes().all(|b| b == b'0') {
            // Round the truncated value up.
            let trunc = &long[..long.len() - 30];
            let trunc = trunc.strip_suffix('.').unwrap_or(trunc);
            return increment_decimal(trunc);
        }
    }
    s
}

fn increment_decimal(s: &str) -> String {
    let mut b: Vec<u8> = s.bytes().collect();
    let mut i = b.len();
    loop {
        if i == 0 {
            b.insert(0, b'1');
            break;
        }
        i -= 1;
        match b[i] {
            b'.' => continue,
            b'9' => b[i] = b'0',
            c => {
                b[i] = c + 1;
                break;
            }
        }
    }
    String::from_utf8(b).unwrap_or_default()
}

/// `Number.prototype.toFixed(digits)`.
pub fn to_fixed(x: f64, digits: usize) -> String {
    if !x.is_finite() {
        return to_str(x);
    }
    if x.abs() >= 1e21 {
        return to_str(x);
    }
    let s = fixed_digits(x, digits);
    if x < 0.0 && s.bytes().any(|b| b != b'0' && b != b'.') {
        format!("-{s}")
    } else {
        s
    }
}

/// `Number.prototype.toPrecision(p)`.
pub fn to_precision(x: f64, p: usize) -> String {
    if !x.is_finite() {
        return to_str(x);
    }
    if x == 0.0 {
        let mut s = "0".to_string();
        if p > 1 {
            s.push('.');
            s.push_str(&"0".repeat(p - 1));
        }
        return s;
    }
    let sign = if x < 0.0 { "-" } else { "" };
    // Exponent of the leading digit after rounding to p digits.
    let sci = format!("{:.*e}", p - 1, x.abs());
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let e: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    if e < -6 || e >= p as i32 {
        let mut s = format!("{sign}{}", &digits[..1]);
        if p > 1 {
            s.push('.');
            s.push_str(&digits[1..]);
        }
        s.push('e');
        s.push(if e < 0 { '-' } else { '+' });
        s.push_str(&e.abs().to_string());
        return s;
    }
    if e >= 0 {
        let int_len = (e + 1) as usize;
        let mut s = format!("{sign}{}", &digits[..int_len]);
        if p > int_len {
            s.push('.');
            s.push_str(&digits[int_len..]);
        }
        s
    } else {
        format!("{sign}0.{}{}", "0".repeat((-e - 1) as usize), digits)
    }
}

/// `StringToNumber`: white space trimmed, empty is 0, hex/octal/binary prefixes, `Infinity`.
pub fn parse(s: &str) -> f64 {
    let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if t.is_empty() {
        return 0.0;
    }
    let lower = t.to_ascii_lowercase();
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            if rest.is_empty() {
                return f64::NAN;
            }
            let mut acc = 0f64;
            for c in rest.chars() {
                match c.to_digit(radix) {
                    Some(d) => acc = acc * radix as f64 + d as f64,
                    None => return f64::NAN,
                }
            }
            return acc;
        }
    }
    match t {
        "Infinity" | "+Infinity" => return f64::INFINITY,
        "-Infinity" => return f64::NEG_INFINITY,
        _ => {}
    }
    let ok = t.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    if !ok {
        return f64::NAN;
    }
    t.parse::<f64>().unwrap_or(f64::NAN)
}

/// `parseFloat`: the longest prefix that is a decimal literal.
pub fn parse_float(s: &str) -> f64 {
    let t = s.trim_start();
    let b = t.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    if t[i..].starts_with("Infinity") {
        return if b.first() == Some(&b'-') { f64::NEG_INFINITY } else { f64::INFINITY };
    }
    let ds = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    if i == ds || (i == ds + 1 && b[ds] == b'.') {
        return f64::NAN;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            i = j;
        }
    }
    t[..i].parse::<f64>().unwrap_or(f64::NAN)
}

/// `parseInt(s, radix)`.
pub fn parse_int(s: &str, radix: i32) -> f64 {
    let t = s.trim_start();
    let (neg, mut t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let mut r = radix;
    if r == 0 || r == 16 {
        if t.starts_with("0x") || t.starts_with("0X") {
            t = &t[2..];
            r = 16;
        }
    }
    if r == 0 {
        r = 10;
    }
    if !(2..=36).contains(&r) {
        return f64::NAN;
    }
    let mut acc = 0f64;
    let mut any = false;
    for c in t.chars() {
        match c.to_digit(r as u32) {
            Some(d) => {
                acc = acc * r as f64 + d as f64;
                any = true;
            }
            None => break,
        }
    }
    if !any {
        return f64::NAN;
    }
    if neg {
        -acc
    } else {
        acc
    }
}

/// ToInt32.
pub fn to_i32(x: f64) -> i32 {
    if !x.is_finite() {
        return 0;
    }
    let m = x.trunc().rem_euclid(4294967296.0);
    m as u32 as i32
}

pub fn to_u32(x: f64) -> u32 {
    to_i32(x) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_v8() {
        assert_eq!(to_str(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(to_str(1e21), "1e+21");
        assert_eq!(to_str(1e-7), "1e-7");
        assert_eq!(to_str(123456789012345680000.0), "123456789012345680000");
        assert_eq!(to_str(-1.5e-10), "-1.5e-10");
        assert_eq!(to_str(0.000001), "0.000001");
        assert_eq!(to_str(2f64.powi(53)), "9007199254740992");
        assert_eq!(to_str(-0.0), "0");
        assert_eq!(to_str(3.14), "3.14");
        assert_eq!(to_fixed(2.5, 0), "3");
        assert_eq!(to_fixed(1.005, 2), "1.00");
        assert_eq!(to_fixed(1.45, 1), "1.4");
        assert_eq!(to_fixed(-1.5, 0), "-2");
        assert_eq!(to_fixed(0.5, 0), "1");
        assert_eq!(to_fixed(123.456, 2), "123.46");
        assert_eq!(to_fixed(-0.0001, 2), "0.00");
        assert_eq!(to_precision(123.456, 4), "123.5");
        assert_eq!(to_precision(0.00001234, 2), "0.000012");
        assert_eq!(to_precision(1234567.0, 2), "1.2e+6");
        assert_eq!(to_radix(255.0, 16), "ff");
        assert_eq!(to_radix(-10.0, 2), "-1010");
        assert_eq!(parse(" 12 "), 12.0);
        assert!(parse("12px").is_nan());
        assert_eq!(parse_int("12px", 10), 12.0);
        assert_eq!(parse_float("3.5em"), 3.5);
    }
}

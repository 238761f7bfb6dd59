//! Go's `time.ParseDuration`, for HEALTHCHECK's `--interval`, `--timeout`, `--start-period`
//! and `--start-interval` (integer arithmetic; Go's float rounding of fractions aside).

use nom::bytes::complete::take_while;
use nom::character::complete::one_of;
use nom::combinator::opt;
use nom::{IResult, Parser};

use super::PErr;

/// Go's `time` package quoting: non-ASCII and control bytes as `\xNN`.
fn time_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if !c.is_ascii() || (c as u32) < 0x20 {
            let mut b = [0u8; 4];
            for byte in c.encode_utf8(&mut b).bytes() {
                out.push_str(&format!("\\x{byte:02x}"));
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

fn unit_ns(u: &str) -> Option<u64> {
    Some(match u {
        "ns" => 1,
        "us" | "µs" | "μs" => 1_000,
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        _ => return None,
    })
}

/// `element := [0-9]* ('.' [0-9]*)? unit`, returning (integer, fraction digits, unit).
fn element(i: &str) -> IResult<&str, (&str, Option<&str>, &str), PErr<'_>> {
    let digits = |i| take_while(|c: char| c.is_ascii_digit()).parse(i);
    let (i, int) = digits(i)?;
    let (i, frac) = opt((one_of("."), digits).map(|(_, f)| f)).parse(i)?;
    let (i, unit) = take_while(|c: char| c != '.' && !c.is_ascii_digit()).parse(i)?;
    Ok((i, (int, frac, unit)))
}

/// `time.ParseDuration`: nanoseconds (negative allowed), or Go's error message.
pub(crate) fn parse_duration(orig: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", time_quote(orig));
    let mut s = orig;
    let mut neg = false;
    if let Some(c) = s.chars().next().filter(|c| *c == '-' || *c == '+') {
        neg = c == '-';
        s = &s[1..];
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u128 = 0;
    while !s.is_empty() {
        if !s.starts_with(|c: char| c == '.' || c.is_ascii_digit()) {
            return Err(invalid());
        }
        let Ok((rest, (int, frac, unit))) = element(s) else { return Err(invalid()) };
        if int.is_empty() && frac.is_none_or(str::is_empty) {
            return Err(invalid());
        }
        if unit.is_empty() {
            return Err(format!("time: missing unit in duration {}", time_quote(orig)));
        }
        let Some(u) = unit_ns(unit) else {
            return Err(format!("time: unknown unit {} in duration {}", time_quote(unit), time_quote(orig)));
        };
        let v: u128 = if int.is_empty() { 0 } else { int.parse::<u64>().map_err(|_| invalid())?.into() };
        let mut v = v.checked_mul(u.into()).filter(|v| *v <= 1 << 63).ok_or_else(invalid)?;
        if let Some(f) = frac {
            // Go stops accumulating fraction digits once they would overflow.
            let f = &f[..f.len().min(18)];
            if !f.is_empty() {
                let scale = 10u128.pow(f.len() as u32);
                v += f.parse::<u128>().unwrap_or(0) * u128::from(u) / scale;
            }
        }
        total += v;
        if total > 1 << 63 {
            return Err(invalid());
        }
        s = rest;
    }
    if neg {
        return Ok((total as i128).wrapping_neg() as i64);
    }
    i64::try_from(total).map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(parse_duration("30s"), Ok(30_000_000_000));
        assert_eq!(parse_duration("1m30s"), Ok(90_000_000_000));
        assert_eq!(parse_duration("1.5h"), Ok(5_400_000_000_000));
        assert_eq!(parse_duration("-1ms"), Ok(-1_000_000));
        assert_eq!(parse_duration(".5s"), Ok(500_000_000));
        assert_eq!(parse_duration("0"), Ok(0));
        assert_eq!(parse_duration("10"), Err("time: missing unit in duration \"10\"".into()));
        assert_eq!(parse_duration("1x"), Err("time: unknown unit \"x\" in duration \"1x\"".into()));
        assert_eq!(parse_duration("abc"), Err("time: invalid duration \"abc\"".into()));
        assert_eq!(parse_duration(""), Err("time: invalid duration \"\"".into()));
        assert_eq!(parse_duration(".s"), Err("time: invalid duration \".s\"".into()));
        assert_eq!(parse_duration("1é"), Err("time: unknown unit \"\\xc3\\xa9\" in duration \"1\\xc3\\xa9\"".into()));
        assert!(parse_duration("9999999999h").is_err());
    }
}

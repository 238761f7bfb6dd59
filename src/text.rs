//! Text formatting shared by the daemon and the CLI: docker/go-units durations and sizes, and Go's
//! `text/tabwriter` as the docker CLI configures it.

use crate::clock::Millis;

/// go-units `HumanDuration`: `Less than a second`, `About a minute`, `3 hours`, `2 weeks`...
pub fn human_duration(d: Millis) -> String {
    let seconds = d.0 / 1000;
    let minutes = seconds / 60;
    // Go: int(d.Hours() + 0.5)
    let hours = (d.0 + 1_800_000) / 3_600_000;
    if seconds < 1 {
        "Less than a second".into()
    } else if seconds == 1 {
        "1 second".into()
    } else if seconds < 60 {
        format!("{seconds} seconds")
    } else if minutes == 1 {
        "About a minute".into()
    } else if minutes < 60 {
        format!("{minutes} minutes")
    } else if hours == 1 {
        "About an hour".into()
    } else if hours < 48 {
        format!("{hours} hours")
    } else if hours < 24 * 7 * 2 {
        format!("{} days", hours / 24)
    } else if hours < 24 * 30 * 2 {
        format!("{} weeks", hours / 24 / 7)
    } else if hours < 24 * 365 * 2 {
        format!("{} months", hours / 24 / 30)
    } else {
        format!("{} years", d.0 / 3_600_000 / 24 / 365)
    }
}

const DECIMAL_UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
const BINARY_UNITS: [&str; 9] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];

/// go-units `CustomSize` in exact integer arithmetic: divide by `base` while the value is at
/// least `base`, then print `%.{precision}g` and the unit.
fn custom_size(size: u64, base: u64, precision: usize, units: &[&str; 9]) -> String {
    let mut d: u128 = 1;
    let mut i = 0;
    while u128::from(size) >= d * u128::from(base) && i < units.len() - 1 {
        d *= u128::from(base);
        i += 1;
    }
    format!("{}{}", go_g_ratio(u128::from(size), d, precision), units[i])
}

/// go-units `HumanSizeWithPrecision(size, precision)`: decimal units, `%.*g`, no space.
pub fn human_size_prec(size: u64, precision: usize) -> String {
    custom_size(size, 1000, precision, &DECIMAL_UNITS)
}

/// go-units `HumanSize` (precision 4), used for "Total reclaimed space".
pub fn human_size(size: u64) -> String {
    human_size_prec(size, 4)
}

/// The size columns of `docker images` / `ps -s` (precision 3).
pub fn size3(size: u64) -> String {
    human_size_prec(size, 3)
}

/// go-units `BytesSize`: binary units, `%.4g` (`docker stats`).
pub fn bytes_size(size: u64) -> String {
    custom_size(size, 1024, 4, &BINARY_UNITS)
}

/// Go's `%.{prec}g` of the exact fraction `n / d` (non-negative), rounding half to even.
pub fn go_g_ratio(n: u128, d: u128, prec: usize) -> String {
    let prec = prec.max(1) as i32;
    if n == 0 {
        return "0".into();
    }
    // exponent e with 10^e <= n/d < 10^(e+1)
    let mut e: i32 = 0;
    let (mut num, mut den) = (n, d);
    while num >= den * 10 {
        den *= 10;
        e += 1;
    }
    while num < den {
        num *= 10;
        e -= 1;
    }
    let _ = (num, den);
    // digits = round(n/d * 10^(prec-1-e))
    let shift = prec - 1 - e;
    let (mut a, mut b) = (n, d);
    if shift >= 0 {
        a *= 10u128.pow(shift as u32);
    } else {
        b *= 10u128.pow((-shift) as u32);
    }
    let (q, r) = (a / b, a % b);
    let mut digits = if r * 2 > b || (r * 2 == b && q % 2 == 1) { q + 1 } else { q };
    if digits >= 10u128.pow(prec as u32) {
        digits /= 10;
        e += 1;
    }
    let text = digits.to_string();
    if e < -4 || e >= prec {
        let (first, rest) = text.split_at(1);
        let mant = if rest.trim_end_matches('0').is_empty() { first.to_string() } else { format!("{first}.{}", rest.trim_end_matches('0')) };
        let sign = if e < 0 { '-' } else { '+' };
        return format!("{mant}e{sign}{:02}", e.abs());
    }
    let decimals = (prec - 1 - e).max(0) as usize;
    let mut s = if decimals == 0 {
        text
    } else if text.len() > decimals {
        format!("{}.{}", &text[..text.len() - decimals], &text[text.len() - decimals..])
    } else {
        format!("0.{}{}", "0".repeat(decimals - text.len()), text)
    };
    if s.contains('.') {
        s = trim_zeros(&s).to_string();
    }
    s
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// A non-negative decimal (`3`, `1.5`, `.25`) times `scale`, rounded down, in integers (no float
/// parsing code in the wasm). `None` if it is not such a number.
pub fn decimal_scaled(s: &str, scale: u64) -> Option<u64> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if (int.is_empty() && frac.is_empty()) || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: u64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut value = whole.checked_mul(scale)?;
    let mut unit = scale;
    for d in frac.bytes().take(18) {
        unit /= 10;
        value = value.checked_add(u64::from(d - b'0') * unit)?;
    }
    Some(value)
}

/// Sorts with a comparison given as a trait object: a stable binary-insertion sort. The lists
/// Dockling sorts are short, and one copy of this code per element type (instead of one
/// per closure with the standard sorts) keeps the wasm bundle small.
pub fn sort_by<T>(v: &mut [T], cmp: &dyn Fn(&T, &T) -> std::cmp::Ordering) {
    for i in 1..v.len() {
        let (mut lo, mut hi) = (0, i);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if cmp(&v[mid], &v[i]) == std::cmp::Ordering::Greater {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        v[lo..=i].rotate_right(1);
    }
}

/// Sorts strings (or anything `Ord`) in ascending order.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, &|a, b| a.cmp(b));
}

/// Renders rows through Go's tabwriter with docker's settings (minwidth 10, padding 3, spaces).
/// Every cell but the last of a row is padded to its column's width; the last is written as is.
pub fn tabwrite(rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = Vec::new();
    for row in rows {
        for (j, cell) in row.iter().enumerate().take(row.len().saturating_sub(1)) {
            let w = (cell.chars().count() + 3).max(10);
            if j >= widths.len() {
                widths.push(w);
            } else if w > widths[j] {
                widths[j] = w;
            }
        }
    }
    let mut out = String::new();
    for row in rows {
        for (j, cell) in row.iter().enumerate() {
            out.push_str(cell);
            if j + 1 < row.len() {
                for _ in cell.chars().count()..widths[j] {
                    out.push(' ');
                }
            }
        }
        out.push('\n');
    }
    out
}

/// Truncates to `max` display cells, replacing the tail with `…` as the docker CLI's `Ellipsis` does.
pub fn ellipsis(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut t: String = s.chars().take(max - 1).collect();
    t.push('…');
    t
}

/// Go's `%q` / `strconv.Quote` for the strings the CLI quotes (printable Unicode kept as is).
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_follow_go_units() {
        let s = |secs: u64| human_duration(Millis(secs * 1000));
        assert_eq!(human_duration(Millis(999)), "Less than a second");
        assert_eq!(s(1), "1 second");
        assert_eq!(s(59), "59 seconds");
        assert_eq!(s(60), "About a minute");
        assert_eq!(s(119), "About a minute");
        assert_eq!(s(120), "2 minutes");
        assert_eq!(s(3599), "59 minutes");
        assert_eq!(s(3600), "About an hour");
        assert_eq!(s(5399), "About an hour");
        assert_eq!(s(5400), "2 hours");
        assert_eq!(s(47 * 3600), "47 hours");
        assert_eq!(s(48 * 3600), "2 days");
        assert_eq!(s(14 * 86400), "2 weeks");
        assert_eq!(s(60 * 86400), "2 months");
        assert_eq!(s(3 * 365 * 86400), "3 years");
    }

    #[test]
    fn sizes_follow_go_units() {
        assert_eq!(size3(0), "0B");
        assert_eq!(size3(123), "123B");
        assert_eq!(size3(10_072), "10.1kB");
        assert_eq!(size3(7_800_000), "7.8MB");
        assert_eq!(size3(77_900_000), "77.9MB");
        assert_eq!(size3(1_200_000_000), "1.2GB");
        assert_eq!(size3(999_700), "1e+03kB");
        assert_eq!(human_size(1_084_000), "1.084MB");
        assert_eq!(size3(4_277_910), "4.28MB");
        assert_eq!(size3(2048), "2.05kB");
        assert_eq!(size3(1536), "1.54kB");
        assert_eq!(bytes_size(380_928), "372KiB");
        assert_eq!(bytes_size(8_331_526_144), "7.759GiB");
        assert_eq!(go_g_ratio(1, 1000, 3), "0.001");
        assert_eq!(go_g_ratio(125, 100, 2), "1.2");
    }

    #[test]
    fn tabwriter_pads_to_min_width_plus_padding() {
        let rows = vec![
            vec!["REPOSITORY".to_string(), "TAG".into(), "SIZE".into()],
            vec!["hello-world".into(), "latest".into(), "10.1kB".into()],
        ];
        assert_eq!(
            tabwrite(&rows),
            "REPOSITORY    TAG       SIZE\nhello-world   latest    10.1kB\n"
        );
    }

    #[test]
    fn insertion_sort_is_stable_and_sorted() {
        let mut v = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        sort_by(&mut v, &|x, y| x.0.cmp(&y.0));
        assert_eq!(v, vec![(1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')]);
        let mut w = vec!["b", "a", "c"];
        sort(&mut w);
        assert_eq!(w, ["a", "b", "c"]);
    }

    #[test]
    fn decimals_without_floats() {
        assert_eq!(decimal_scaled("1.5", 1000), Some(1500));
        assert_eq!(decimal_scaled(".25", 1000), Some(250));
        assert_eq!(decimal_scaled("3", 60_000), Some(180_000));
        assert_eq!(decimal_scaled("x", 1), None);
        assert_eq!(decimal_scaled("-1", 1), None);
    }

    #[test]
    fn ellipsis_keeps_width() {
        assert_eq!(
            ellipsis("docker-entrypoint.sh postgres", 20),
            "docker-entrypoint.s…"
        );
        assert_eq!(go_quote("a\"b"), "\"a\\\"b\"");
    }
}

/// Go's `time.ParseDuration` (`1m30s`, `500ms`, `2h`) in milliseconds.
pub fn go_duration_ms(s: &str) -> Option<u64> {
    if s == "0" {
        return Some(0);
    }
    // Nanoseconds, summed per `<number><unit>` part.
    let mut total_ns: u64 = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let n_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).filter(|&i| i > 0)?;
        let num = &rest[..n_end];
        rest = &rest[n_end..];
        let u_end = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let unit_ns: u64 = match &rest[..u_end] {
            "ns" => 1,
            "us" | "µs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return None,
        };
        total_ns = total_ns.saturating_add(decimal_scaled(num, unit_ns)?);
        rest = &rest[u_end..];
    }
    Some(total_ns / 1_000_000)
}

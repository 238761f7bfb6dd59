//! `RUN --mount=type=…,target=…` as BuildKit's `parseMount` reads it (fields split as
//! `go-csvvalue` splits one CSV record).

use super::gostr::{quote, with_suggestion};

/// One `--mount` of a RUN instruction.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mount {
    /// `bind` (default), `cache`, `tmpfs`, `secret` or `ssh`.
    pub kind: String,
    /// `from=`: the stage or image to mount from.
    pub from: Option<String>,
    /// `source=`/`src=`.
    pub source: Option<String>,
    /// `target=`/`dst=`/`destination=`.
    pub target: Option<String>,
    /// Read-only (BuildKit's default for bind, secret and ssh).
    pub read_only: bool,
    /// `size=` for tmpfs, in bytes.
    pub size_limit: u64,
    /// `id=`.
    pub cache_id: Option<String>,
    /// `sharing=`: `shared`, `private` or `locked`.
    pub sharing: Option<String>,
    /// `required` for secret and ssh mounts.
    pub required: bool,
    /// `env=` for secret mounts.
    pub env: Option<String>,
    /// `mode=` (octal).
    pub mode: Option<u32>,
    /// `uid=`.
    pub uid: Option<u32>,
    /// `gid=`.
    pub gid: Option<u32>,
}

/// go-csvvalue's `Fields` with default settings.
pub(crate) fn csv_fields(line: &str) -> Result<Vec<String>, String> {
    let line = line.strip_suffix("\r\n").or_else(|| line.strip_suffix('\n')).unwrap_or(line);
    if line.is_empty() {
        return Err("EOF".into());
    }
    let err = |pos: usize, what: &str| format!("parse error on line 1, column {}: {what}", pos + 1);
    let mut out: Vec<String> = Vec::new();
    let mut rest = line;
    let mut pos = 0;
    'field: loop {
        if !rest.starts_with('"') {
            let (field, next) = match rest.find(',') {
                Some(i) => (&rest[..i], Some(i)),
                None => (rest, None),
            };
            if let Some(j) = field.find('"') {
                return Err(err(pos + j, "bare \" in non-quoted-field"));
            }
            out.push(field.to_string());
            match next {
                Some(i) => {
                    rest = &rest[i + 1..];
                    pos += i + 1;
                    continue;
                }
                None => break,
            }
        }
        rest = &rest[1..];
        pos += 1;
        let mut half_open = false;
        loop {
            let Some(i) = rest.find('"') else { return Err(err(pos, "extraneous or missing \" in quoted-field")) };
            if half_open {
                if let Some(last) = out.last_mut() {
                    last.push_str(&rest[..i]);
                }
            } else {
                out.push(rest[..i].to_string());
            }
            rest = &rest[i + 1..];
            pos += i + 1;
            match rest.chars().next() {
                Some('"') => {
                    if let Some(last) = out.last_mut() {
                        last.push('"');
                    }
                    rest = &rest[1..];
                    pos += 1;
                    half_open = true;
                }
                Some(',') => {
                    rest = &rest[1..];
                    pos += 1;
                    continue 'field;
                }
                None => break 'field,
                Some(_) => return Err(err(pos - 1, "extraneous or missing \" in quoted-field")),
            }
        }
    }
    Ok(out)
}

/// Go's `strconv.ParseBool`.
pub(crate) fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// go-units `RAMInBytes`: `^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$`, binary multiples.
fn ram_in_bytes(s: &str) -> Option<u64> {
    let num_end = s.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(s.len());
    let (num, mut rest) = s.split_at(num_end);
    if num.is_empty() || num.starts_with('.') || num.ends_with('.') || num.contains("..") {
        return None;
    }
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    if frac.contains('.') {
        return None;
    }
    rest = rest.strip_prefix(' ').unwrap_or(rest);
    let mut exp = 0;
    if let Some(c) = rest.chars().next() {
        if let Some(i) = "kmgtp".find(c.to_ascii_lowercase()) {
            exp = i as u32 + 1;
            rest = &rest[1..];
        }
    }
    rest = rest.strip_prefix(['i', 'I']).unwrap_or(rest);
    rest = rest.strip_prefix(['b', 'B']).unwrap_or(rest);
    if !rest.is_empty() {
        return None;
    }
    let mul = 1024u128.pow(exp);
    let int: u128 = int.parse().ok()?;
    let f = &frac[..frac.len().min(18)];
    let frac_part = if f.is_empty() { 0 } else { f.parse::<u128>().ok()? * mul / 10u128.pow(f.len() as u32) };
    u64::try_from(int.checked_mul(mul)? + frac_part).ok().filter(|v| *v <= i64::MAX as u64)
}

/// Expands one field value.
pub(crate) type Expander<'a> = &'a dyn Fn(&str) -> Result<String, String>;

const TYPES: [&str; 5] = ["bind", "cache", "tmpfs", "secret", "ssh"];
const SHARING: [&str; 3] = ["shared", "private", "locked"];
const KEYS: [&str; 19] = [
    "type", "from", "source", "target", "readonly", "id", "sharing", "required", "size", "mode", "uid", "gid", "src", "dst",
    "destination", "ro", "rw", "readwrite", "env",
];

/// BuildKit's `parseMount`. Without an expander only what BuildKit checks at parse time is
/// checked (CSV syntax and variables in `from`); with one, every field is validated.
pub(crate) fn parse_mount(val: &str, expander: Option<Expander>) -> Result<Mount, String> {
    let fields = csv_fields(val).map_err(|e| format!("failed to parse csv mounts: {e}"))?;
    let mut m = Mount { kind: "bind".into(), ..Mount::default() };
    let mut ro_auto = true;
    let secret_like = |m: &Mount| m.kind == "secret" || m.kind == "ssh";
    for field in &fields {
        let (key, value, has_eq) = match field.split_once('=') {
            Some((k, v)) => (k.to_lowercase(), v.to_string(), true),
            None => (field.to_lowercase(), String::new(), false),
        };
        if !has_eq {
            if expander.is_none() {
                continue;
            }
            match key.as_str() {
                "readonly" | "ro" => {
                    m.read_only = true;
                    ro_auto = false;
                }
                "readwrite" | "rw" => {
                    m.read_only = false;
                    ro_auto = false;
                }
                "required" if secret_like(&m) => m.required = true,
                "required" => return Err(format!("unexpected key '{key}' for mount type '{}'", m.kind)),
                _ => return Err(format!("invalid field '{field}' must be a key=value pair")),
            }
            continue;
        }
        let value = match expander {
            Some(x) => x(&value)?,
            None if key == "from" => {
                if let Some(i) = value.find('$') {
                    if i != value.len() - 1 {
                        return Err(format!("'{key}' doesn't support variable expansion, define alias stage instead"));
                    }
                }
                continue;
            }
            None => continue,
        };
        let bad = || format!("invalid value for {key}: {value}");
        match key.as_str() {
            "type" => {
                let v = value.to_lowercase();
                if !TYPES.contains(&v.as_str()) {
                    return Err(with_suggestion(format!("unsupported mount type {}", quote(&value)), &value, &TYPES, true));
                }
                m.kind = v;
            }
            "from" => m.from = Some(value),
            "source" | "src" => m.source = Some(value),
            "target" | "dst" | "destination" => m.target = Some(value),
            "readonly" | "ro" => {
                m.read_only = parse_bool(&value).ok_or_else(bad)?;
                ro_auto = false;
            }
            "readwrite" | "rw" => {
                m.read_only = !parse_bool(&value).ok_or_else(bad)?;
                ro_auto = false;
            }
            "required" if secret_like(&m) => m.required = parse_bool(&value).ok_or_else(bad)?,
            "required" | "size" if key == "required" || m.kind != "tmpfs" => {
                return Err(format!("unexpected key '{key}' for mount type '{}'", m.kind))
            }
            "size" => m.size_limit = ram_in_bytes(&value).ok_or_else(bad)?,
            "id" => m.cache_id = Some(value),
            "sharing" => {
                let v = value.to_lowercase();
                if !SHARING.contains(&v.as_str()) {
                    return Err(with_suggestion(format!("unsupported sharing value {}", quote(&value)), &value, &SHARING, true));
                }
                m.sharing = Some(v);
            }
            "mode" => m.mode = Some(u32::from_str_radix(&value, 8).map_err(|_| format!("invalid value {value} for mode"))?),
            "uid" => m.uid = Some(value.parse().map_err(|_| format!("invalid value {value} for uid"))?),
            "gid" => m.gid = Some(value.parse().map_err(|_| format!("invalid value {value} for gid"))?),
            "env" => m.env = Some(value),
            _ => {
                return Err(with_suggestion(format!("unexpected key '{key}' in '{field}'"), &key, &KEYS, true));
            }
        }
    }
    if !(secret_like(&m) || m.kind == "cache") {
        for (what, set) in [("mode", m.mode.is_some()), ("uid", m.uid.is_some()), ("gid", m.gid.is_some())] {
            if set {
                return Err(format!("{what} not allowed for {} type mounts", quote(&m.kind)));
            }
        }
    }
    if ro_auto {
        m.read_only = !(m.kind == "cache" || m.kind == "tmpfs");
    }
    if m.kind == "secret" {
        if m.from.is_some() {
            return Err("secret mount should not have a from".into());
        }
        if m.sharing.is_some() {
            return Err("secret mount should not define sharing".into());
        }
        if m.source.is_none() && m.target.is_none() && m.cache_id.is_none() {
            return Err("invalid secret mount. one of source, target required".into());
        }
        if m.source.is_some() && m.cache_id.is_some() {
            return Err("both source and id can't be set".into());
        }
    }
    if m.sharing.is_some() && m.kind != "cache" {
        return Err(format!("invalid cache sharing set for {} mount", m.kind));
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(v: &str) -> Result<Mount, String> {
        let id = |s: &str| Ok(s.to_string());
        parse_mount(v, Some(&id))
    }

    #[test]
    fn csv() {
        assert_eq!(csv_fields("a,\"b=c,d\",e").unwrap(), vec!["a", "b=c,d", "e"]);
        assert_eq!(csv_fields("\"type=bind,ro\",x").unwrap(), vec!["type=bind,ro", "x"]);
        assert_eq!(csv_fields("\"a\"\"b\"").unwrap(), vec!["a\"b"]);
        assert_eq!(csv_fields("a\"b").unwrap_err(), "parse error on line 1, column 2: bare \" in non-quoted-field");
        assert_eq!(csv_fields("\"ab").unwrap_err(), "parse error on line 1, column 2: extraneous or missing \" in quoted-field");
    }

    #[test]
    fn mounts() {
        let m = full("type=cache,target=/root/.cache,sharing=locked").unwrap();
        assert_eq!((m.kind.as_str(), m.target.as_deref(), m.read_only, m.sharing.as_deref()), ("cache", Some("/root/.cache"), false, Some("locked")));
        let m = full("target=/src").unwrap();
        assert!(m.read_only && m.kind == "bind");
        assert_eq!(full("type=tmpfs,size=64m").unwrap().size_limit, 64 << 20);
        assert_eq!(full("type=cahce").unwrap_err(), "unsupported mount type \"cahce\" (did you mean cache?)");
        assert_eq!(full("type=bind,targt=/x").unwrap_err(), "unexpected key 'targt' in 'targt=/x' (did you mean target?)");
        assert_eq!(full("type=bind,mode=0700").unwrap_err(), "mode not allowed for \"bind\" type mounts");
        assert_eq!(full("type=secret").unwrap_err(), "invalid secret mount. one of source, target required");
        assert_eq!(full("type=bind,size=1").unwrap_err(), "unexpected key 'size' for mount type 'bind'");
        assert_eq!(full("foo").unwrap_err(), "invalid field 'foo' must be a key=value pair");
        assert_eq!(full("type=secret,id=x,required").map(|m| m.required), Ok(true));
        assert_eq!(parse_mount("from=$X,target=/a", None).unwrap_err(), "'from' doesn't support variable expansion, define alias stage instead");
        assert!(parse_mount("type=nonsense", None).is_ok());
    }
}

//! redis-cli in the redis image's containers: one-shot commands (`redis-cli ping`), the
//! interactive prompt `127.0.0.1:6379> `, piped input, and the replies formatted as redis-cli
//! formats them (`"value"`, `(integer) 1`, `(nil)`, `1) "a"`, `(error) ERR …` on a terminal; raw
//! values otherwise). The commands run against the server's simulated memory (see `redis`):
//! strings, counters, expiry on the virtual clock, lists, hashes, sets, `KEYS`, `FLUSHALL`,
//! `SAVE`. Texts from redis-cli.c and the server's reply errors (redis 7.4).

use super::redis::{version, Entry, Mem, Val};
use super::Oneshot;
use crate::proc::program::{Ctx, Program, Status, Wait};

/// A reply, as RESP2 carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    Status(String),
    Error(String),
    Int(i64),
    Bulk(Option<String>),
    Array(Vec<Reply>),
}

fn ok() -> Reply {
    Reply::Status("OK".into())
}
fn err(s: &str) -> Reply {
    Reply::Error(s.into())
}
fn bulk(s: &str) -> Reply {
    Reply::Bulk(Some(s.into()))
}
const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";
const NOT_INT: &str = "ERR value is not an integer or out of range";

/// redis-cli's `sdscatrepr`: a quoted string with escapes.
fn repr(s: &str) -> String {
    let mut o = String::from("\"");
    for b in s.bytes() {
        match b {
            b'\\' => o.push_str("\\\\"),
            b'"' => o.push_str("\\\""),
            b'\n' => o.push_str("\\n"),
            b'\r' => o.push_str("\\r"),
            b'\t' => o.push_str("\\t"),
            7 => o.push_str("\\a"),
            8 => o.push_str("\\b"),
            0x20..=0x7e => o.push(b as char),
            _ => o.push_str(&format!("\\x{b:02x}")),
        }
    }
    o.push('"');
    o
}

/// A reply formatted for a terminal (`cliFormatReplyTTY`).
pub fn tty(r: &Reply, prefix: &str) -> String {
    match r {
        Reply::Error(e) => format!("(error) {e}\n"),
        Reply::Status(s) => format!("{s}\n"),
        Reply::Int(n) => format!("(integer) {n}\n"),
        Reply::Bulk(Some(s)) => format!("{}\n", repr(s)),
        Reply::Bulk(None) => "(nil)\n".into(),
        Reply::Array(v) if v.is_empty() => "(empty array)\n".into(),
        Reply::Array(v) => {
            let idxlen = v.len().to_string().len();
            let inner = format!("{prefix}{}", " ".repeat(idxlen + 2));
            let mut out = String::new();
            for (i, e) in v.iter().enumerate() {
                out.push_str(&format!("{}{:>idxlen$}) ", if i == 0 { "" } else { prefix }, i + 1));
                out.push_str(&tty(e, &inner));
            }
            out
        }
    }
}

/// A reply formatted raw (`cliFormatReplyRaw`), without the final newline.
pub fn raw(r: &Reply) -> String {
    match r {
        Reply::Error(e) => format!("{e}\n"),
        Reply::Status(s) | Reply::Bulk(Some(s)) => s.clone(),
        Reply::Int(n) => n.to_string(),
        Reply::Bulk(None) => String::new(),
        Reply::Array(v) => v.iter().map(raw).collect::<Vec<_>>().join("\n"),
    }
}

/// redis-cli's `sdssplitargs`; `None` for unbalanced quotes.
pub fn split_args(line: &str) -> Option<Vec<String>> {
    let c: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        while i < c.len() && c[i].is_whitespace() {
            i += 1;
        }
        if i >= c.len() {
            return Some(out);
        }
        let mut cur = String::new();
        let (mut inq, mut insq) = (false, false);
        loop {
            if inq {
                match c.get(i) {
                    None => return None,
                    Some('\\') if c.get(i + 1) == Some(&'x') && c.get(i + 2).is_some_and(|x| x.is_ascii_hexdigit()) && c.get(i + 3).is_some_and(|x| x.is_ascii_hexdigit()) => {
                        let h: String = c[i + 2..i + 4].iter().collect();
                        cur.push(u8::from_str_radix(&h, 16).map(|b| b as char).unwrap_or('?'));
                        i += 3;
                    }
                    Some('\\') if i + 1 < c.len() => {
                        i += 1;
                        cur.push(match c[i] {
                            'n' => '\n',
                            'r' => '\r',
                            't' => '\t',
                            'b' => '\u{8}',
                            'a' => '\u{7}',
                            x => x,
                        });
                    }
                    Some('"') => {
                        if c.get(i + 1).is_some_and(|x| !x.is_whitespace()) {
                            return None;
                        }
                        i += 1;
                        break;
                    }
                    Some(&x) => cur.push(x),
                }
            } else if insq {
                match c.get(i) {
                    None => return None,
                    Some('\\') if c.get(i + 1) == Some(&'\'') => {
                        i += 1;
                        cur.push('\'');
                    }
                    Some('\'') => {
                        if c.get(i + 1).is_some_and(|x| !x.is_whitespace()) {
                            return None;
                        }
                        i += 1;
                        break;
                    }
                    Some(&x) => cur.push(x),
                }
            } else {
                match c.get(i) {
                    None => break,
                    Some(x) if x.is_whitespace() => break,
                    Some('"') => inq = true,
                    Some('\'') => insq = true,
                    Some(&x) => cur.push(x),
                }
            }
            i += 1;
        }
        out.push(cur);
    }
}

fn parse_int(s: &str) -> Option<i64> {
    if s.is_empty() || s.starts_with('+') || (s.len() > 1 && s.starts_with('0')) || s.starts_with("-0") {
        return None;
    }
    s.parse().ok()
}

/// Runs one command against the memory; `dirty` tells whether it changed the dataset.
pub fn exec(m: &mut Mem, args: &[String], ctx: &mut Ctx, authed: &mut bool) -> (Reply, bool) {
    let now = ctx.now.as_ms();
    m.expire(ctx.now);
    let Some(name) = args.first() else { return (err("ERR empty command"), false) };
    let cmd = name.to_ascii_lowercase();
    let a = &args[1..];
    let arity_err = || err(&format!("ERR wrong number of arguments for '{cmd}' command"));
    // (name, arity: exact n+1 if positive, at least -n if negative), as COMMAND reports them.
    const TABLE: [(&str, i32); 56] = [
        ("ping", -1), ("echo", 2), ("set", -3), ("get", 2), ("getdel", 2), ("mset", -3), ("mget", -2), ("setnx", 3), ("setex", 4), ("psetex", 4),
        ("append", 3), ("strlen", 2), ("incr", 2), ("decr", 2), ("incrby", 3), ("decrby", 3), ("del", -2), ("unlink", -2), ("exists", -2), ("expire", -3),
        ("pexpire", -3), ("ttl", 2), ("pttl", 2), ("persist", 2), ("keys", 2), ("type", 2), ("rename", 3), ("dbsize", 1), ("flushall", -1), ("flushdb", -1),
        ("lpush", -3), ("rpush", -3), ("lpop", -2), ("rpop", -2), ("lrange", 4), ("llen", 2), ("lindex", 3), ("hset", -4), ("hget", 3), ("hgetall", 2),
        ("hdel", -3), ("hkeys", 2), ("hvals", 2), ("hlen", 2), ("hexists", 3), ("hmget", -3), ("hincrby", 4), ("sadd", -3), ("srem", -3), ("smembers", 2),
        ("sismember", 3), ("scard", 2), ("save", 1), ("bgsave", -1), ("auth", -2), ("select", 2),
    ];
    let arity = TABLE.iter().find(|(n, _)| *n == cmd).map(|(_, a)| *a).or(match cmd.as_str() {
        "quit" | "hmset" => Some(if cmd == "quit" { -1 } else { -4 }),
        _ => None,
    });
    let Some(arity) = arity else {
        if KNOWN.contains(&cmd.as_str()) {
            return (err(&format!("dockling: the Redis command {} is not simulated", cmd.to_ascii_uppercase())), false);
        }
        let mut shown = String::new();
        for x in a {
            if shown.len() >= 128 {
                break;
            }
            let room = 128 - shown.len();
            shown.push_str(&format!("'{}' ", x.chars().take(room).collect::<String>()));
        }
        let n: String = name.chars().take(128).collect();
        return (err(&format!("ERR unknown command '{n}', with args beginning with: {shown}").replace(['\r', '\n'], " ")), false);
    };
    let n = args.len() as i32;
    if (arity > 0 && n != arity) || (arity < 0 && n < -arity) {
        return (arity_err(), false);
    }
    if !m.requirepass.is_empty() && !*authed && !matches!(cmd.as_str(), "auth" | "quit") {
        return (err("NOAUTH Authentication required."), false);
    }
    let find = |m: &Mem, k: &str| m.keys.iter().position(|e| e.key == k);
    let get_str = |m: &Mem, k: &str| -> Result<Option<String>, Reply> {
        match find(m, k).map(|i| &m.keys[i].val) {
            None => Ok(None),
            Some(Val::Str(s)) => Ok(Some(s.clone())),
            Some(_) => Err(err(WRONGTYPE)),
        }
    };
    let set_str = |m: &mut Mem, k: &str, v: String, keep_ttl: bool| match find(m, k) {
        Some(i) => {
            m.keys[i].val = Val::Str(v);
            if !keep_ttl {
                m.keys[i].expires = None;
            }
        }
        None => m.keys.push(Entry { key: k.to_string(), val: Val::Str(v), expires: None }),
    };
    let r = match cmd.as_str() {
        "ping" => match a {
            [] => Reply::Status("PONG".into()),
            [x] => bulk(x),
            _ => arity_err(),
        },
        "echo" => bulk(&a[0]),
        "quit" => ok(),
        "auth" => {
            let pass = a.last().cloned().unwrap_or_default();
            if m.requirepass.is_empty() {
                err("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
            } else if a.len() > 2 {
                err("ERR syntax error")
            } else if pass == m.requirepass && (a.len() == 1 || a[0] == "default") {
                *authed = true;
                ok()
            } else {
                err("WRONGPASS invalid username-password pair or user is disabled.")
            }
        }
        "select" => match a[0].as_str() {
            "0" => ok(),
            x if parse_int(x).is_some_and(|n| (0..16).contains(&n)) => err("dockling: Redis databases other than 0 are not simulated"),
            x if parse_int(x).is_some() => err("ERR DB index is out of range"),
            _ => err(NOT_INT),
        },
        "set" => {
            let (k, v) = (&a[0], &a[1]);
            let (mut exp, mut nx, mut xx, mut keep, mut get) = (None, false, false, false, false);
            let mut i = 2;
            let mut bad = None;
            while i < a.len() {
                let o = a[i].to_ascii_uppercase();
                match o.as_str() {
                    "NX" if !xx => nx = true,
                    "XX" if !nx => xx = true,
                    "KEEPTTL" if exp.is_none() => keep = true,
                    "GET" => get = true,
                    "EX" | "PX" | "EXAT" | "PXAT" if !keep && exp.is_none() && i + 1 < a.len() => {
                        i += 1;
                        match a[i].parse::<i64>() {
                            Ok(t) if t > 0 => {
                                exp = Some(match o.as_str() {
                                    "EX" => now.saturating_add(t as u64 * 1000),
                                    "PX" => now.saturating_add(t as u64),
                                    "EXAT" => t as u64 * 1000,
                                    _ => t as u64,
                                })
                            }
                            Ok(_) => bad = Some(err("ERR invalid expire time in 'set' command")),
                            Err(_) => bad = Some(err(NOT_INT)),
                        }
                    }
                    _ => bad = Some(err("ERR syntax error")),
                }
                if bad.is_some() {
                    break;
                }
                i += 1;
            }
            if let Some(b) = bad {
                return (b, false);
            }
            let old = match get_str(m, k) {
                Ok(o) => o,
                Err(e) if get => return (e, false),
                Err(_) => None,
            };
            let exists = find(m, k).is_some();
            if (nx && exists) || (xx && !exists) {
                return (if get { Reply::Bulk(old) } else { Reply::Bulk(None) }, false);
            }
            set_str(m, k, v.clone(), keep);
            if let (Some(t), Some(i)) = (exp, find(m, k)) {
                m.keys[i].expires = Some(t);
            }
            if get {
                Reply::Bulk(old)
            } else {
                ok()
            }
        }
        "setnx" => {
            if find(m, &a[0]).is_some() {
                Reply::Int(0)
            } else {
                set_str(m, &a[0], a[1].clone(), false);
                Reply::Int(1)
            }
        }
        "setex" | "psetex" => match a[1].parse::<i64>() {
            Ok(t) if t > 0 => {
                set_str(m, &a[0], a[2].clone(), false);
                let ms = if cmd == "setex" { t as u64 * 1000 } else { t as u64 };
                if let Some(i) = find(m, &a[0]) {
                    m.keys[i].expires = Some(now.saturating_add(ms));
                }
                ok()
            }
            Ok(_) => err(&format!("ERR invalid expire time in '{cmd}' command")),
            Err(_) => err(NOT_INT),
        },
        "get" => match get_str(m, &a[0]) {
            Ok(v) => Reply::Bulk(v),
            Err(e) => e,
        },
        "getdel" => match get_str(m, &a[0]) {
            Ok(v) => {
                m.keys.retain(|e| e.key != a[0]);
                Reply::Bulk(v)
            }
            Err(e) => e,
        },
        "mset" | "hmset" if cmd == "mset" => {
            if !a.len().is_multiple_of(2) {
                return (arity_err(), false);
            }
            for kv in a.chunks(2) {
                set_str(m, &kv[0], kv[1].clone(), false);
            }
            ok()
        }
        "mget" => Reply::Array(a.iter().map(|k| Reply::Bulk(get_str(m, k).unwrap_or(None))).collect()),
        "append" => match get_str(m, &a[0]) {
            Ok(v) => {
                let s = v.unwrap_or_default() + &a[1];
                let n = s.len() as i64;
                set_str(m, &a[0], s, true);
                Reply::Int(n)
            }
            Err(e) => e,
        },
        "strlen" => match get_str(m, &a[0]) {
            Ok(v) => Reply::Int(v.map(|s| s.len() as i64).unwrap_or(0)),
            Err(e) => e,
        },
        "incr" | "decr" | "incrby" | "decrby" => {
            let by = match cmd.as_str() {
                "incr" => Some(1),
                "decr" => Some(-1),
                "incrby" => parse_int(&a[1]),
                _ => parse_int(&a[1]).and_then(|x: i64| x.checked_neg()),
            };
            let Some(by) = by else { return (err(NOT_INT), false) };
            match get_str(m, &a[0]) {
                Err(e) => e,
                Ok(v) => match v.as_deref().map(parse_int).unwrap_or(Some(0)) {
                    None => err(NOT_INT),
                    Some(cur) => match cur.checked_add(by) {
                        None => err("ERR increment or decrement would overflow"),
                        Some(x) => {
                            set_str(m, &a[0], x.to_string(), true);
                            Reply::Int(x)
                        }
                    },
                },
            }
        }
        "del" | "unlink" => {
            let before = m.keys.len();
            m.keys.retain(|e| !a.contains(&e.key));
            Reply::Int((before - m.keys.len()) as i64)
        }
        "exists" => Reply::Int(a.iter().filter(|k| find(m, k).is_some()).count() as i64),
        "expire" | "pexpire" => {
            let Some(t) = parse_int(&a[1]).or_else(|| a[1].parse::<i64>().ok()) else { return (err(NOT_INT), false) };
            if a.len() > 2 {
                return (err("dockling: EXPIRE's NX/XX/GT/LT options are not simulated"), false);
            }
            match find(m, &a[0]) {
                None => Reply::Int(0),
                Some(i) => {
                    let ms = if cmd == "expire" { t.saturating_mul(1000) } else { t };
                    if ms <= 0 {
                        m.keys.remove(i);
                    } else {
                        m.keys[i].expires = Some(now.saturating_add(ms as u64));
                    }
                    Reply::Int(1)
                }
            }
        }
        "ttl" | "pttl" => match find(m, &a[0]) {
            None => Reply::Int(-2),
            Some(i) => match m.keys[i].expires {
                None => Reply::Int(-1),
                Some(t) => {
                    let left = t.saturating_sub(now);
                    Reply::Int(if cmd == "ttl" { ((left + 500) / 1000) as i64 } else { left as i64 })
                }
            },
        },
        "persist" => match find(m, &a[0]) {
            Some(i) if m.keys[i].expires.is_some() => {
                m.keys[i].expires = None;
                Reply::Int(1)
            }
            _ => Reply::Int(0),
        },
        "keys" => {
            Reply::Array(m.keys.iter().filter(|e| super::glob::matches(&a[0], &e.key, super::glob::Kind::Redis, false)).map(|e| bulk(&e.key)).collect())
        }
        "type" => Reply::Status(find(m, &a[0]).map(|i| m.keys[i].val.type_name()).unwrap_or("none").into()),
        "rename" => match find(m, &a[0]) {
            None => err("ERR no such key"),
            Some(i) => {
                let mut e = m.keys.remove(i);
                m.keys.retain(|x| x.key != a[1]);
                e.key = a[1].clone();
                m.keys.push(e);
                ok()
            }
        },
        "dbsize" => Reply::Int(m.keys.len() as i64),
        "flushall" | "flushdb" => {
            if a.iter().any(|x| !matches!(x.to_ascii_uppercase().as_str(), "ASYNC" | "SYNC")) || a.len() > 1 {
                return (err("ERR syntax error"), false);
            }
            m.keys.clear();
            ok()
        }
        "lpush" | "rpush" | "sadd" | "hset" | "hmset" => {
            let want = match cmd.as_str() {
                "sadd" => Val::Set(Vec::new()),
                "hset" | "hmset" => Val::Hash(Vec::new()),
                _ => Val::List(Vec::new()),
            };
            if (cmd == "hset" || cmd == "hmset") && a.len().is_multiple_of(2) {
                return (arity_err(), false);
            }
            let i = match find(m, &a[0]) {
                Some(i) if m.keys[i].val.type_name() != want.type_name() => return (err(WRONGTYPE), false),
                Some(i) => i,
                None => {
                    m.keys.push(Entry { key: a[0].clone(), val: want, expires: None });
                    m.keys.len() - 1
                }
            };
            match &mut m.keys[i].val {
                Val::List(l) => {
                    for v in &a[1..] {
                        if cmd == "lpush" {
                            l.insert(0, v.clone());
                        } else {
                            l.push(v.clone());
                        }
                    }
                    Reply::Int(l.len() as i64)
                }
                Val::Set(s) => {
                    let mut added = 0;
                    for v in &a[1..] {
                        if !s.contains(v) {
                            s.push(v.clone());
                            added += 1;
                        }
                    }
                    Reply::Int(added)
                }
                Val::Hash(h) => {
                    let mut added = 0;
                    for kv in a[1..].chunks(2) {
                        match h.iter_mut().find(|(f, _)| *f == kv[0]) {
                            Some(p) => p.1 = kv[1].clone(),
                            None => {
                                h.push((kv[0].clone(), kv[1].clone()));
                                added += 1;
                            }
                        }
                    }
                    if cmd == "hmset" {
                        ok()
                    } else {
                        Reply::Int(added)
                    }
                }
                Val::Str(_) => err(WRONGTYPE),
            }
        }
        "lpop" | "rpop" | "lrange" | "llen" | "lindex" => {
            let i = find(m, &a[0]);
            let list = match i.map(|i| &mut m.keys[i].val) {
                None => None,
                Some(Val::List(l)) => Some(l),
                Some(_) => return (err(WRONGTYPE), false),
            };
            let norm = |x: i64, len: usize| -> i64 { if x < 0 { (len as i64 + x).max(0) } else { x } };
            let r = match cmd.as_str() {
                "llen" => Reply::Int(list.map(|l| l.len() as i64).unwrap_or(0)),
                "lindex" => match (list, parse_int(&a[1]).or_else(|| a[1].parse().ok())) {
                    (_, None) => err(NOT_INT),
                    (None, _) => Reply::Bulk(None),
                    (Some(l), Some(x)) => {
                        let j = if x < 0 { l.len() as i64 + x } else { x };
                        Reply::Bulk(usize::try_from(j).ok().and_then(|j| l.get(j)).cloned())
                    }
                },
                "lrange" => {
                    let (Some(s), Some(e)) = (a[1].parse::<i64>().ok(), a[2].parse::<i64>().ok()) else { return (err(NOT_INT), false) };
                    match list {
                        None => Reply::Array(Vec::new()),
                        Some(l) => {
                            let len = l.len();
                            let (s, e) = (norm(s, len), if e < 0 { len as i64 + e } else { e.min(len as i64 - 1) });
                            if s > e || s as usize >= len {
                                Reply::Array(Vec::new())
                            } else {
                                Reply::Array(l[s as usize..=e as usize].iter().map(|x| bulk(x)).collect())
                            }
                        }
                    }
                }
                _ => {
                    let count = match a.get(1) {
                        None => None,
                        Some(c) => match c.parse::<i64>() {
                            Ok(n) if n >= 0 => Some(n as usize),
                            _ => return (err("ERR value is out of range, must be positive"), false),
                        },
                    };
                    match list {
                        None => Reply::Bulk(None),
                        Some(l) => {
                            let take = count.unwrap_or(1).min(l.len());
                            let got: Vec<String> = if cmd == "lpop" { l.drain(..take).collect() } else { l.drain(l.len() - take..).rev().collect() };
                            match count {
                                None => Reply::Bulk(got.into_iter().next()),
                                Some(_) => Reply::Array(got.iter().map(|x| bulk(x)).collect()),
                            }
                        }
                    }
                }
            };
            m.keys.retain(|e| !matches!(&e.val, Val::List(l) if l.is_empty()));
            r
        }
        "hget" | "hgetall" | "hdel" | "hkeys" | "hvals" | "hlen" | "hexists" | "hmget" | "hincrby" => {
            let i = find(m, &a[0]);
            let hash = match i.map(|i| &mut m.keys[i].val) {
                None => None,
                Some(Val::Hash(h)) => Some(h),
                Some(_) => return (err(WRONGTYPE), false),
            };
            let empty = Vec::new();
            let r = match cmd.as_str() {
                "hget" => Reply::Bulk(hash.and_then(|h| h.iter().find(|(f, _)| *f == a[1]).map(|p| p.1.clone()))),
                "hmget" => {
                    let h = hash.map(|h| h.clone()).unwrap_or_default();
                    Reply::Array(a[1..].iter().map(|f| Reply::Bulk(h.iter().find(|(x, _)| x == f).map(|p| p.1.clone()))).collect())
                }
                "hgetall" => Reply::Array(hash.map(|h| &*h).unwrap_or(&empty).iter().flat_map(|(f, v)| [bulk(f), bulk(v)]).collect()),
                "hkeys" => Reply::Array(hash.map(|h| &*h).unwrap_or(&empty).iter().map(|(f, _)| bulk(f)).collect()),
                "hvals" => Reply::Array(hash.map(|h| &*h).unwrap_or(&empty).iter().map(|(_, v)| bulk(v)).collect()),
                "hlen" => Reply::Int(hash.map(|h| h.len() as i64).unwrap_or(0)),
                "hexists" => Reply::Int(i64::from(hash.is_some_and(|h| h.iter().any(|(f, _)| *f == a[1])))),
                "hdel" => match hash {
                    None => Reply::Int(0),
                    Some(h) => {
                        let before = h.len();
                        h.retain(|(f, _)| !a[1..].contains(f));
                        Reply::Int((before - h.len()) as i64)
                    }
                },
                _ => {
                    let Some(by) = parse_int(&a[2]) else { return (err(NOT_INT), false) };
                    let h = match hash {
                        Some(h) => h,
                        None => {
                            m.keys.push(Entry { key: a[0].clone(), val: Val::Hash(Vec::new()), expires: None });
                            let last = m.keys.len() - 1;
                            let Val::Hash(h) = &mut m.keys[last].val else { return (err(WRONGTYPE), false) };
                            h
                        }
                    };
                    match h.iter_mut().find(|(f, _)| *f == a[1]) {
                        Some(p) => match parse_int(&p.1).map(|c| c.checked_add(by)) {
                            None => err("ERR hash value is not an integer"),
                            Some(None) => err("ERR increment or decrement would overflow"),
                            Some(Some(x)) => {
                                p.1 = x.to_string();
                                Reply::Int(x)
                            }
                        },
                        None => {
                            h.push((a[1].clone(), by.to_string()));
                            Reply::Int(by)
                        }
                    }
                }
            };
            m.keys.retain(|e| !matches!(&e.val, Val::Hash(h) if h.is_empty()));
            r
        }
        "srem" | "smembers" | "sismember" | "scard" => {
            let i = find(m, &a[0]);
            let set = match i.map(|i| &mut m.keys[i].val) {
                None => None,
                Some(Val::Set(s)) => Some(s),
                Some(_) => return (err(WRONGTYPE), false),
            };
            let r = match cmd.as_str() {
                "smembers" => Reply::Array(set.map(|s| s.iter().map(|x| bulk(x)).collect()).unwrap_or_default()),
                "sismember" => Reply::Int(i64::from(set.is_some_and(|s| s.contains(&a[1])))),
                "scard" => Reply::Int(set.map(|s| s.len() as i64).unwrap_or(0)),
                _ => match set {
                    None => Reply::Int(0),
                    Some(s) => {
                        let before = s.len();
                        s.retain(|x| !a[1..].contains(x));
                        Reply::Int((before - s.len()) as i64)
                    }
                },
            };
            m.keys.retain(|e| !matches!(&e.val, Val::Set(s) if s.is_empty()));
            r
        }
        "save" => {
            if m.save(ctx) {
                ok()
            } else {
                err("ERR")
            }
        }
        "bgsave" => {
            if m.save(ctx) {
                Reply::Status("Background saving started".into())
            } else {
                err("ERR")
            }
        }
        _ => err(&format!("dockling: the Redis command {} is not simulated", cmd.to_ascii_uppercase())),
    };
    let writes = matches!(cmd.as_str(), "set" | "setnx" | "setex" | "psetex" | "getdel" | "mset" | "append" | "incr" | "decr" | "incrby" | "decrby" | "del" | "unlink" | "expire" | "pexpire" | "persist" | "rename" | "flushall" | "flushdb" | "lpush" | "rpush" | "lpop" | "rpop" | "hset" | "hmset" | "hdel" | "hincrby" | "sadd" | "srem");
    let changed = writes && !matches!(r, Reply::Error(_));
    (r, changed)
}

/// Commands Redis has that are not simulated here (anything else is an unknown command).
const KNOWN: [&str; 40] = [
    "info", "config", "client", "monitor", "subscribe", "psubscribe", "publish", "multi", "exec", "discard", "watch", "shutdown", "scan", "hscan", "sscan", "zadd", "zrange", "zrem", "zscore", "zcard",
    "eval", "evalsha", "script", "function", "object", "debug", "slowlog", "memory", "acl", "hello", "command", "lastsave", "time", "randomkey", "move", "copy", "dump", "restore", "xadd", "geoadd",
];

#[derive(Clone, Debug)]
pub struct RedisCli {
    host: String,
    port: u16,
    password: Option<String>,
    /// The command given on the command line (one-shot mode).
    command: Vec<String>,
    raw: Option<bool>,
    early: Option<(String, String, i32)>,
    started: bool,
    prompted: bool,
    authed: bool,
    connected: bool,
}

impl RedisCli {
    pub fn start(argv: &[String], ctx: &mut Ctx) -> RedisCli {
        let mut c = RedisCli { host: "127.0.0.1".into(), port: 6379, password: None, command: Vec::new(), raw: None, early: None, started: false, prompted: false, authed: false, connected: false };
        let args: Vec<&str> = argv.iter().skip(1).map(String::as_str).collect();
        let mut no_warning = false;
        let mut i = 0;
        while i < args.len() {
            let a = args[i];
            i += 1;
            if !c.command.is_empty() || !a.starts_with('-') || a == "-" {
                c.command.push(a.to_string());
                continue;
            }
            let mut val = || {
                let v = args.get(i).map(|s| s.to_string());
                i += 1;
                v
            };
            match a {
                "-h" => c.host = val().unwrap_or_default(),
                "-p" => c.port = val().and_then(|v| v.parse().ok()).unwrap_or(6379),
                "-a" | "--pass" => c.password = val(),
                "-n" => {
                    if val().as_deref() != Some("0") {
                        c.early = Some((String::new(), "dockling: Redis databases other than 0 are not simulated\n".into(), 1));
                    }
                }
                "--raw" => c.raw = Some(true),
                "--no-raw" => c.raw = Some(false),
                "--no-auth-warning" => no_warning = true,
                "-v" | "--version" => {
                    c.early = Some((format!("redis-cli {}\n", version(ctx)), String::new(), 0));
                    return c;
                }
                "--help" => {
                    c.early = Some((String::new(), "dockling: redis-cli --help is not simulated\n".into(), 0));
                    return c;
                }
                other => {
                    c.early = Some((String::new(), format!("dockling: the redis-cli option {other} is not simulated\n"), 1));
                    return c;
                }
            }
        }
        if !matches!(c.host.as_str(), "127.0.0.1" | "localhost" | "::1") {
            c.early = Some((String::new(), "dockling: redis-cli to another container is not simulated; use docker exec -it <container> redis-cli\n".into(), 1));
            return c;
        }
        if c.password.is_some() && !no_warning {
            ctx.out.err("Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.\n");
        }
        c
    }

    fn tty_out(&self, ctx: &Ctx) -> bool {
        self.raw.map(|r| !r).unwrap_or(ctx.tty)
    }

    fn refused(&self) -> String {
        format!("Could not connect to Redis at {}:{}: Connection refused\n", self.host, self.port)
    }

    /// Connects and authenticates (`-a`); `false` if no server listens.
    fn connect(&mut self, ctx: &mut Ctx) -> bool {
        let Some(m) = Mem::load(ctx, self.port) else { return false };
        if let Some(p) = &self.password {
            if !m.requirepass.is_empty() && *p == m.requirepass {
                self.authed = true;
            } else if !m.requirepass.is_empty() {
                ctx.out.err("AUTH failed: WRONGPASS invalid username-password pair or user is disabled.\n");
            }
        }
        self.connected = true;
        true
    }

    /// Runs one command line; `None` when the server is gone.
    fn run(&mut self, ctx: &mut Ctx, args: &[String]) -> Option<Reply> {
        let mut m = Mem::load(ctx, self.port)?;
        let (r, changed) = exec(&mut m, args, ctx, &mut self.authed);
        if changed {
            m.dirty += 1;
        }
        m.store(ctx);
        Some(r)
    }

    fn print(&self, ctx: &mut Ctx, r: &Reply) {
        if let Reply::Error(e) = r {
            if e.starts_with("dockling:") {
                ctx.out.err(&format!("{e}\n"));
                return;
            }
        }
        let text = if self.tty_out(ctx) { tty(r, "") } else { format!("{}\n", raw(r)) };
        ctx.out.out(&text);
    }

    fn prompt(&self) -> String {
        if self.connected {
            format!("{}:{}> ", self.host, self.port)
        } else {
            "not connected> ".into()
        }
    }
}

impl Program for RedisCli {
    fn step(&mut self, ctx: &mut Ctx) -> Status {
        if let Some((o, e, c)) = self.early.take() {
            return Oneshot { out: o, err: e, code: c }.step(ctx);
        }
        if !self.started {
            self.started = true;
            if !self.command.is_empty() {
                if !self.connect(ctx) {
                    ctx.out.err(&self.refused());
                    return Status::Exited(1);
                }
                let cmd = self.command.clone();
                if let Some(first) = cmd.first() {
                    if first.eq_ignore_ascii_case("help") {
                        ctx.out.err("dockling: redis-cli's help is not simulated\n");
                        return Status::Exited(0);
                    }
                }
                let r = self.run(ctx, &cmd);
                if let Some(r) = r {
                    self.print(ctx, &r);
                }
                return Status::Exited(0);
            }
            if !self.connect(ctx) {
                ctx.out.err(&self.refused());
            }
        }
        for _ in 0..10_000 {
            if ctx.tty && !self.prompted {
                let p = self.prompt();
                ctx.out.out(&p);
                self.prompted = true;
            }
            let Some(line) = ctx.read_typed_line() else {
                if ctx.stdin.at_eof() {
                    return Status::Exited(0);
                }
                return Status::Waiting(Wait { until: None, stdin: true });
            };
            self.prompted = false;
            if line.is_empty() {
                continue;
            }
            let Some(args) = split_args(&line) else {
                ctx.out.out("Invalid argument(s)\n");
                continue;
            };
            let Some(first) = args.first().map(|a| a.to_ascii_lowercase()) else { continue };
            match first.as_str() {
                "quit" | "exit" => return Status::Exited(0),
                "clear" if args.len() == 1 => {
                    ctx.out.chunks.push(crate::proc::Chunk::Clear);
                    continue;
                }
                "help" | "?" if args.len() == 1 => {
                    let v = version(ctx);
                    ctx.out.out(&format!("redis-cli {v}\nTo get help about Redis commands type:\n      \"help @<group>\" to get a list of commands in <group>\n      \"help <command>\" for help on <command>\n      \"help <tab>\" to get a list of possible help topics\n      \"quit\" to exit\n\nTo set redis-cli preferences:\n      \":set hints\" enable online hints\n      \":set nohints\" disable online hints\nSet your preferences in ~/.redisclirc\n"));
                    continue;
                }
                "help" | "?" => {
                    ctx.out.err("dockling: redis-cli's help on commands is not simulated\n");
                    continue;
                }
                _ => {}
            }
            if !self.connected && !self.connect(ctx) {
                ctx.out.err(&self.refused());
                continue;
            }
            match self.run(ctx, &args) {
                Some(r) => self.print(ctx, &r),
                None => {
                    self.connected = false;
                    ctx.out.err(&self.refused());
                }
            }
        }
        Status::Waiting(Wait { until: Some(ctx.now), stdin: true })
    }

    fn clone_box(&self) -> Box<dyn Program> {
        Box::new(self.clone())
    }
}

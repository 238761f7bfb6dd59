//! Native built-in modules (`path`, `os`, `util`, `crypto`, `timers/promises`) and the host
//! binding the bundled JavaScript modules (`http`, `readline`, `express`…) use.

use super::builtins::{arg_str, methods};
use super::inspect::{format_args, inspect, Opts};
use super::object::Res;
use super::value::*;
use super::vm::{ErrKind, Vm};
use crate::proc::program::Ctx;
use crate::vfs::normalize;

fn obj_with(vm: &mut Vm, list: &[(&str, u32, NativeFn)]) -> Oid {
    let o = vm.new_object();
    methods(vm, o, list);
    for p in vm.heap.get_mut(o).props.list.iter_mut() {
        p.flags |= ENUM;
    }
    o
}

// ---- path ----

fn path_join(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let mut parts = Vec::new();
    for (i, a) in c.args.clone().iter().enumerate() {
        let Val::Str(s) = a else {
            return Err(super::fs::arg_type_error(vm, ctx, &format!("paths[{i}]"), "of type string", a));
        };
        if !s.is_empty() {
            parts.push(s.to_string());
        }
    }
    if parts.is_empty() {
        return Ok(Val::str("."));
    }
    Ok(Val::Str(normalize_str(&parts.join("/")).into()))
}

/// `path.normalize`: keeps relative paths relative and a trailing slash.
pub fn normalize_str(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let abs = p.starts_with('/');
    let trailing = p.ends_with('/');
    let mut out: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if !abs {
                    out.push("..");
                }
            }
            s => out.push(s),
        }
    }
    let mut s = out.join("/");
    if abs {
        s = format!("/{s}");
    }
    if s.is_empty() {
        s = ".".into();
    }
    if trailing && s != "/" {
        s.push('/');
    }
    s
}

fn path_resolve(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let mut cur = vm.host.cwd.clone();
    for (i, a) in c.args.clone().iter().enumerate() {
        let Val::Str(s) = a else {
            return Err(super::fs::arg_type_error(vm, ctx, &format!("paths[{i}]"), "of type string", a));
        };
        if s.is_empty() {
            continue;
        }
        cur = normalize(&cur, s);
    }
    Ok(Val::Str(cur.into()))
}

fn str_arg(vm: &mut Vm, ctx: &mut Ctx, c: &Call, i: usize, name: &str) -> Result<Str, Val> {
    match c.arg(i) {
        Val::Str(s) => Ok(s),
        other => Err(super::fs::arg_type_error(vm, ctx, name, "of type string", &other)),
    }
}

fn path_dirname(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let p = str_arg(vm, ctx, c, 0, "path")?;
    if p.is_empty() {
        return Ok(Val::str("."));
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return Ok(Val::str("/"));
    }
    Ok(Val::Str(match t.rfind('/') {
        None => ".".into(),
        Some(0) => "/".into(),
        Some(i) => t[..i].trim_end_matches('/').to_string().into(),
    }))
}

fn path_basename(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let p = str_arg(vm, ctx, c, 0, "path")?;
    let t = p.trim_end_matches('/');
    let mut base = t.rsplit('/').next().unwrap_or("").to_string();
    if let Val::Str(ext) = c.arg(1) {
        if base.ends_with(&*ext) && base.len() > ext.len() {
            base.truncate(base.len() - ext.len());
        }
    }
    Ok(Val::Str(base.into()))
}

fn ext_of(base: &str) -> &str {
    match base.rfind('.') {
        Some(0) | None => "",
        Some(i) => &base[i..],
    }
}

fn path_extname(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let p = str_arg(vm, ctx, c, 0, "path")?;
    let base = p.trim_end_matches('/').rsplit('/').next().unwrap_or("").to_string();
    Ok(Val::Str(ext_of(&base).into()))
}

fn path_normalize(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let p = str_arg(vm, ctx, c, 0, "path")?;
    Ok(Val::Str(normalize_str(&p).into()))
}

fn path_is_absolute(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let p = str_arg(vm, ctx, c, 0, "path")?;
    Ok(Val::Bool(p.starts_with('/')))
}

fn path_relative(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let a = str_arg(vm, ctx, c, 0, "from")?;
    let b = str_arg(vm, ctx, c, 1, "to")?;
    let a = normalize(&vm.host.cwd, &a);
    let b = normalize(&vm.host.cwd, &b);
    let av: Vec<&str> = a.split('/').filter(|s| !s.is_empty()).collect();
    let bv: Vec<&str> = b.split('/').filter(|s| !s.is_empty()).collect();
    let common = av.iter().zip(bv.iter()).take_while(|(x, y)| x == y).count();
    let mut out: Vec<&str> = vec![".."; av.len() - common];
    out.extend(&bv[common..]);
    Ok(Val::Str(out.join("/").into()))
}

fn path_parse(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let p = str_arg(vm, ctx, c, 0, "path")?;
    let root = if p.starts_with('/') { "/" } else { "" };
    let t = p.trim_end_matches('/');
    let (dir, base) = match t.rfind('/') {
        None => ("".to_string(), t.to_string()),
        Some(0) => ("/".to_string(), t[1..].to_string()),
        Some(i) => (t[..i].to_string(), t[i + 1..].to_string()),
    };
    let ext = ext_of(&base).to_string();
    let name = base[..base.len() - ext.len()].to_string();
    let o = vm.new_object();
    for (k, v) in [("root", root.to_string()), ("dir", dir), ("base", base), ("ext", ext), ("name", name)] {
        vm.define(o, Key::s(k), Val::Str(v.into()), DEFAULT);
    }
    Ok(Val::Obj(o))
}

fn path_format(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let o = c.arg(0);
    let get = |vm: &mut Vm, ctx: &mut Ctx, k: &str| -> Result<String, Val> {
        Ok(match vm.get_str(ctx, &o, k)? {
            Val::Str(s) => s.to_string(),
            _ => String::new(),
        })
    };
    let dir = get(vm, ctx, "dir")?;
    let root = get(vm, ctx, "root")?;
    let mut base = get(vm, ctx, "base")?;
    if base.is_empty() {
        let name = get(vm, ctx, "name")?;
        let mut ext = get(vm, ctx, "ext")?;
        if !ext.is_empty() && !ext.starts_with('.') {
            ext = format!(".{ext}");
        }
        base = format!("{name}{ext}");
    }
    let d = if dir.is_empty() { root.clone() } else { dir.clone() };
    Ok(Val::Str(if d.is_empty() { base } else if d == root { format!("{d}{base}") } else { format!("{d}/{base}") }.into()))
}

fn path_module(vm: &mut Vm) -> Val {
    let o = obj_with(
        vm,
        &[
            ("join", 0, path_join),
            ("resolve", 0, path_resolve),
            ("dirname", 1, path_dirname),
            ("basename", 2, path_basename),
            ("extname", 1, path_extname),
            ("normalize", 1, path_normalize),
            ("isAbsolute", 1, path_is_absolute),
            ("relative", 2, path_relative),
            ("parse", 1, path_parse),
            ("format", 1, path_format),
        ],
    );
    vm.define(o, Key::s("sep"), Val::str("/"), DEFAULT);
    vm.define(o, Key::s("delimiter"), Val::str(":"), DEFAULT);
    vm.define(o, Key::s("posix"), Val::Obj(o), DEFAULT);
    vm.define(o, Key::s("win32"), Val::Obj(o), DEFAULT);
    Val::Obj(o)
}

// ---- os ----

fn os_hostname(vm: &mut Vm, _ctx: &mut Ctx, _c: &mut Call) -> Res {
    Ok(Val::Str(vm.host.hostname.as_str().into()))
}

fn os_const(_vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(c.data.clone())
}

fn os_cpus(vm: &mut Vm, _ctx: &mut Ctx, _c: &mut Call) -> Res {
    let mut out = Vec::new();
    for _ in 0..2 {
        let cpu = vm.new_object();
        vm.define(cpu, Key::s("model"), Val::str("Virtual CPU"), DEFAULT);
        vm.define(cpu, Key::s("speed"), Val::Num(2400.0), DEFAULT);
        let t = vm.new_object();
        for k in ["user", "nice", "sys", "idle", "irq"] {
            vm.define(t, Key::s(k), Val::Num(0.0), DEFAULT);
        }
        vm.define(cpu, Key::s("times"), Val::Obj(t), DEFAULT);
        out.push(Val::Obj(cpu));
    }
    Ok(vm.new_array(out))
}

fn os_uptime(vm: &mut Vm, ctx: &mut Ctx, _c: &mut Call) -> Res {
    Ok(Val::Num(((ctx.now.as_ms().saturating_sub(vm.host.start)) / 1000 + 3600) as f64))
}

fn os_user_info(vm: &mut Vm, ctx: &mut Ctx, _c: &mut Call) -> Res {
    let o = vm.new_object();
    let uid = ctx.uid;
    let (name, home) = if uid == 0 { ("root", "/root") } else { ("node", "/home/node") };
    vm.define(o, Key::s("uid"), Val::Num(uid as f64), DEFAULT);
    vm.define(o, Key::s("gid"), Val::Num(uid as f64), DEFAULT);
    vm.define(o, Key::s("username"), Val::str(name), DEFAULT);
    vm.define(o, Key::s("homedir"), Val::str(home), DEFAULT);
    vm.define(o, Key::s("shell"), Val::str("/bin/bash"), DEFAULT);
    Ok(Val::Obj(o))
}

fn os_homedir(_vm: &mut Vm, ctx: &mut Ctx, _c: &mut Call) -> Res {
    let h = ctx.var("HOME").unwrap_or(if ctx.uid == 0 { "/root" } else { "/home/node" }).to_string();
    Ok(Val::Str(h.into()))
}

fn os_network(vm: &mut Vm, _ctx: &mut Ctx, _c: &mut Call) -> Res {
    let o = vm.new_object();
    let mk = |vm: &mut Vm, addr: &str, mask: &str, internal: bool, mac: &str| {
        let e = vm.new_object();
        vm.define(e, Key::s("address"), Val::str(addr), DEFAULT);
        vm.define(e, Key::s("netmask"), Val::str(mask), DEFAULT);
        vm.define(e, Key::s("family"), Val::str("IPv4"), DEFAULT);
        vm.define(e, Key::s("mac"), Val::str(mac), DEFAULT);
        vm.define(e, Key::s("internal"), Val::Bool(internal), DEFAULT);
        let cidr = if internal { format!("{addr}/8") } else { format!("{addr}/16") };
        vm.define(e, Key::s("cidr"), Val::Str(cidr.into()), DEFAULT);
        let a = vm.new_array(vec![Val::Obj(e)]);
        a
    };
    let lo = mk(vm, "127.0.0.1", "255.0.0.0", true, "00:00:00:00:00:00");
    vm.define(o, Key::s("lo"), lo, DEFAULT);
    let ip = vm.host.ip.clone();
    if !ip.is_empty() {
        let eth = mk(vm, &ip, "255.255.0.0", false, "02:42:ac:11:00:02");
        vm.define(o, Key::s("eth0"), eth, DEFAULT);
    }
    Ok(Val::Obj(o))
}

fn os_module(vm: &mut Vm) -> Val {
    let o = obj_with(vm, &[("hostname", 0, os_hostname), ("cpus", 0, os_cpus), ("uptime", 0, os_uptime), ("userInfo", 0, os_user_info), ("homedir", 0, os_homedir), ("networkInterfaces", 0, os_network)]);
    let consts: [(&str, Val); 8] = [
        ("platform", Val::str("linux")),
        ("type", Val::str("Linux")),
        ("arch", Val::str("x64")),
        ("release", Val::str("6.10.14-linuxkit")),
        ("tmpdir", Val::str("/tmp")),
        ("totalmem", Val::Num(8_217_473_024.0)),
        ("freemem", Val::Num(6_513_479_680.0)),
        ("endianness", Val::str("LE")),
    ];
    for (k, v) in consts {
        let f = vm.native_with(os_const, v);
        vm.heap.get_mut(f).props.insert(Key::s("name"), Slot::V(Val::str(k)), CONF);
        vm.define(o, Key::s(k), Val::Obj(f), DEFAULT);
    }
    let la = vm.new_array(vec![Val::Num(0.0), Val::Num(0.0), Val::Num(0.0)]);
    let lf = vm.native_with(os_const, la);
    vm.define(o, Key::s("loadavg"), Val::Obj(lf), DEFAULT);
    vm.define(o, Key::s("EOL"), Val::str("\n"), DEFAULT);
    Val::Obj(o)
}

// ---- util ----

fn util_format(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = format_args(vm, ctx, &c.args, &Opts::default());
    Ok(Val::Str(s.into()))
}

fn util_format_with(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let mut o = Opts::default();
    if let Val::Obj(opts) = c.arg(0) {
        super::process::read_opts(vm, ctx, opts, &mut o)?;
    }
    let rest: Vec<Val> = c.args.iter().skip(1).cloned().collect();
    Ok(Val::Str(format_args(vm, ctx, &rest, &o).into()))
}

fn util_inspect(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let mut o = Opts::default();
    match c.arg(1) {
        Val::Obj(opts) => super::process::read_opts(vm, ctx, opts, &mut o)?,
        Val::Bool(b) => {
            o.show_hidden = b;
            match c.arg(2) {
                Val::Num(d) => o.depth = Some(d as u32),
                Val::Null => o.depth = None,
                _ => {}
            }
            if let Val::Bool(col) = c.arg(3) {
                o.colors = col;
            }
        }
        _ => {}
    }
    Ok(Val::Str(inspect(vm, ctx, &c.arg(0), &o).into()))
}

fn promisified(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let f = c.data.clone();
    let p = vm.new_promise();
    let cb = vm.native_with(promisify_cb, Val::Obj(p));
    let mut args = c.args.clone();
    args.push(Val::Obj(cb));
    let this = c.this.clone();
    if let Err(e) = vm.call(ctx, &f, this, args) {
        if vm.fatal.is_some() {
            return Err(e);
        }
        vm.throw_site = None;
        vm.reject_promise(p, e);
    }
    Ok(Val::Obj(p))
}

fn promisify_cb(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let Val::Obj(p) = c.data else { return Ok(Val::Undef) };
    let err = c.arg(0);
    if !err.is_nullish() {
        vm.reject_promise(p, err);
    } else {
        vm.resolve_promise_value(p, c.arg(1));
    }
    Ok(Val::Undef)
}

fn util_promisify(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let f = c.arg(0);
    if !vm.is_callable(&f) {
        return Err(super::fs::arg_type_error(vm, ctx, "original", "of type function", &f));
    }
    // setTimeout has a custom promisified form.
    let g = vm.realm.global;
    let st = vm.get_obj(ctx, g, &Key::s("setTimeout"), &Val::Obj(g))?;
    if vm.strict_eq(&st, &f) {
        let tp = native_module(vm, ctx, "timers/promises")?;
        return vm.get_str(ctx, &tp, "setTimeout");
    }
    let w = vm.native_with(promisified, f.clone());
    if let Val::Obj(fo) = f {
        let n = vm.fn_name(fo);
        vm.heap.get_mut(w).props.insert(Key::s("name"), Slot::V(Val::Str(n)), CONF);
    }
    Ok(Val::Obj(w))
}

fn util_inherits(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let (ctor, sup) = (c.arg(0), c.arg(1));
    let sp = vm.get_str(ctx, &sup, "prototype")?;
    let cp = vm.get_str(ctx, &ctor, "prototype")?;
    if let (Val::Obj(cp), Val::Obj(sp)) = (cp, sp) {
        vm.heap.get_mut(cp).proto = Some(sp);
    }
    if let Val::Obj(co) = ctor {
        vm.define(co, Key::s("super_"), sup, HIDDEN);
    }
    Ok(Val::Undef)
}

fn util_deprecate(_vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(c.arg(0))
}

fn util_type_check(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let which = match &c.data {
        Val::Num(n) => *n as u32,
        _ => 0,
    };
    let v = c.arg(0);
    Ok(Val::Bool(match &v {
        Val::Obj(o) => match (&vm.heap.get(*o).kind, which) {
            (Kind::Date(_), 0) => true,
            (Kind::Regex(_), 1) => true,
            (Kind::Promise(_), 2) => true,
            (Kind::Error(_), 3) => true,
            (Kind::Map(_), 4) => true,
            (Kind::Set(_), 5) => true,
            (Kind::Func(f), 6) => f.code.is_async,
            _ => false,
        },
        _ => false,
    }))
}

fn util_is_deep_equal(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let a = super::builtins::json::stringify(vm, ctx, c.arg(0), Val::Undef, Val::Undef)?;
    let b = super::builtins::json::stringify(vm, ctx, c.arg(1), Val::Undef, Val::Undef)?;
    Ok(Val::Bool(a == b && vm.typeof_str(&c.arg(0)) == vm.typeof_str(&c.arg(1))))
}

fn util_module(vm: &mut Vm) -> Val {
    let o = obj_with(vm, &[("format", 0, util_format), ("formatWithOptions", 1, util_format_with), ("inspect", 2, util_inspect), ("promisify", 1, util_promisify), ("inherits", 2, util_inherits), ("deprecate", 2, util_deprecate), ("isDeepStrictEqual", 2, util_is_deep_equal)]);
    if let Some(Prop { slot: Slot::V(Val::Obj(i)), .. }) = vm.heap.get(o).props.get(&Key::s("inspect")).cloned() {
        vm.define(i, Key::s("custom"), Val::Sym(super::object::SYM_INSPECT), DEFAULT);
    }
    let types = vm.new_object();
    for (i, n) in ["isDate", "isRegExp", "isPromise", "isNativeError", "isMap", "isSet", "isAsyncFunction"].iter().enumerate() {
        let f = vm.native_with(util_type_check, Val::Num(i as f64));
        vm.heap.get_mut(f).props.insert(Key::s("name"), Slot::V(Val::str(n)), CONF);
        vm.define(types, Key::s(n), Val::Obj(f), DEFAULT);
    }
    vm.define(o, Key::s("types"), Val::Obj(types), DEFAULT);
    let ia = vm.realm.array_ctor;
    if let Some(Prop { slot: Slot::V(v), .. }) = vm.heap.get(ia).props.get(&Key::s("isArray")).cloned() {
        vm.define(o, Key::s("isArray"), v, DEFAULT);
    }
    Val::Obj(o)
}

// ---- crypto ----

fn rand_u64(vm: &mut Vm) -> u64 {
    let mut x = vm.host.rng;
    if x == 0 {
        x = 0x9e37_79b9_7f4a_7c15;
    }
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    vm.host.rng = x;
    x.wrapping_mul(0x2545_f491_4f6c_dd1d)
}

fn random_uuid(vm: &mut Vm, _ctx: &mut Ctx, _c: &mut Call) -> Res {
    let a = rand_u64(vm);
    let b = rand_u64(vm);
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&a.to_be_bytes());
    bytes[8..].copy_from_slice(&b.to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let h: String = bytes.iter().map(|x| format!("{x:02x}")).collect();
    Ok(Val::Str(format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..]).into()))
}

fn random_bytes(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let n = vm.to_number(ctx, &c.arg(0))?;
    let n = n.clamp(0.0, 65536.0) as usize;
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        out.extend_from_slice(&rand_u64(vm).to_le_bytes());
    }
    out.truncate(n);
    Ok(super::fs::new_buffer(vm, out))
}

fn random_int(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let (lo, hi) = if c.args.len() >= 2 && !vm.is_callable(&c.arg(1)) {
        (vm.to_number(ctx, &c.arg(0))?, vm.to_number(ctx, &c.arg(1))?)
    } else {
        (0.0, vm.to_number(ctx, &c.arg(0))?)
    };
    let span = (hi - lo).max(1.0) as u64;
    Ok(Val::Num(lo + (rand_u64(vm) % span) as f64))
}

/// A hash object: data = [algorithm, accumulated bytes, hmac key].
fn hash_update(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let v = c.arg(0);
    let bytes = match super::fs::buffer_bytes(vm, &v) {
        Some(b) => b,
        None => vm.to_str(ctx, &v)?.as_bytes().to_vec(),
    };
    if let Val::Obj(o) = &c.this {
        if let Kind::Bytes(b) = &mut vm.heap.get_mut(*o).kind {
            b.extend(bytes);
        }
    }
    Ok(c.this.clone())
}

fn hash_digest(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let (data, alg, key) = match &c.this {
        Val::Obj(o) => {
            let data = match &vm.heap.get(*o).kind {
                Kind::Bytes(b) => (**b).clone(),
                _ => Vec::new(),
            };
            let alg = vm.get_str(ctx, &c.this, "_alg")?;
            let key = vm.get_str(ctx, &c.this, "_key")?;
            (data, vm.prim_str(&alg), super::fs::buffer_bytes(vm, &key))
        }
        _ => return Ok(Val::Undef),
    };
    let digest = match &key {
        Some(k) => super::sha::hmac(&alg, k, &data),
        None => super::sha::hash(&alg, &data),
    };
    let Some(d) = digest else {
        return Err(vm.fatal(&format!("crypto hash '{alg}' is not simulated")));
    };
    match c.arg(0) {
        Val::Undef => Ok(super::fs::new_buffer(vm, d)),
        enc => {
            let e = vm.to_str(ctx, &enc)?;
            Ok(Val::Str(super::fs::decode(&d, &e).unwrap_or_default().into()))
        }
    }
}

fn create_hash_common(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call, hmac: bool) -> Res {
    let alg = arg_str(vm, ctx, c, 0)?.to_ascii_lowercase();
    if super::sha::hash(&alg, b"").is_none() {
        let e = vm.error(ErrKind::Error, "Digest method not supported");
        return Err(e);
    }
    let p = vm.host.hash_proto.unwrap_or(vm.realm.object_proto);
    let mut o = Obj::new(Some(p), Kind::Bytes(Box::default()));
    o.tag = Some(if hmac { "Hmac" } else { "Hash" });
    let o = vm.heap.alloc(o);
    vm.define(o, Key::s("_alg"), Val::Str(alg.into()), HIDDEN);
    if hmac {
        let k = c.arg(1);
        let kb = match super::fs::buffer_bytes(vm, &k) {
            Some(b) => b,
            None => vm.to_str(ctx, &k)?.as_bytes().to_vec(),
        };
        let kv = super::fs::new_buffer(vm, kb);
        vm.define(o, Key::s("_key"), kv, HIDDEN);
    }
    Ok(Val::Obj(o))
}

fn create_hash(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    create_hash_common(vm, ctx, c, false)
}

fn create_hmac(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    create_hash_common(vm, ctx, c, true)
}

fn crypto_module(vm: &mut Vm) -> Val {
    let hp = vm.new_object();
    methods(vm, hp, &[("update", 1, hash_update), ("digest", 1, hash_digest)]);
    vm.host.hash_proto = Some(hp);
    let o = obj_with(vm, &[("randomUUID", 0, random_uuid), ("randomBytes", 1, random_bytes), ("randomInt", 2, random_int), ("createHash", 1, create_hash), ("createHmac", 2, create_hmac)]);
    Val::Obj(o)
}

// ---- timers/promises ----

fn resolver(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    if let Val::Obj(rec) = &c.data {
        if let Kind::Array(v) = &vm.heap.get(*rec).kind {
            if let (Some(Val::Obj(p)), Some(value)) = (v.first().cloned(), v.get(1).cloned()) {
                vm.resolve_promise_value(p, value);
            }
        }
    }
    Ok(Val::Undef)
}

fn tp_set_timeout(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let p = vm.new_promise();
    let rec = vm.heap.alloc(Obj::new(None, Kind::Array(vec![Val::Obj(p), c.arg(1)])));
    let f = vm.native_with(resolver, Val::Obj(rec));
    let g = vm.realm.global;
    let st = vm.get_obj(ctx, g, &Key::s("setTimeout"), &Val::Obj(g))?;
    let ms = c.arg(0);
    vm.call(ctx, &st, Val::Undef, vec![Val::Obj(f), ms])?;
    Ok(Val::Obj(p))
}

fn tp_set_immediate(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let p = vm.new_promise();
    let rec = vm.heap.alloc(Obj::new(None, Kind::Array(vec![Val::Obj(p), c.arg(0)])));
    let f = vm.native_with(resolver, Val::Obj(rec));
    let g = vm.realm.global;
    let si = vm.get_obj(ctx, g, &Key::s("setImmediate"), &Val::Obj(g))?;
    vm.call(ctx, &si, Val::Undef, vec![Val::Obj(f)])?;
    Ok(Val::Obj(p))
}

/// A native built-in module by name.
pub fn native_module(vm: &mut Vm, ctx: &mut Ctx, name: &str) -> Res {
    Ok(match name {
        "fs" => super::fs::module(vm),
        "path" => path_module(vm),
        "os" => os_module(vm),
        "util" => util_module(vm),
        "crypto" => crypto_module(vm),
        "buffer" => super::fs::buffer_module(vm),
        "timers" => {
            let o = vm.new_object();
            let g = vm.realm.global;
            for k in ["setTimeout", "setInterval", "setImmediate", "clearTimeout", "clearInterval", "clearImmediate"] {
                let f = vm.get_obj(ctx, g, &Key::s(k), &Val::Obj(g))?;
                vm.define(o, Key::s(k), f, DEFAULT);
            }
            Val::Obj(o)
        }
        "timers/promises" => {
            if let Some((_, v)) = vm.host.builtin_modules.iter().find(|(n, _)| *n == "timers/promises") {
                return Ok(v.clone());
            }
            let o = obj_with(vm, &[("setTimeout", 2, tp_set_timeout), ("setImmediate", 1, tp_set_immediate)]);
            vm.host.builtin_modules.push(("timers/promises", Val::Obj(o)));
            Val::Obj(o)
        }
        "url" | "querystring" => {
            let src = super::modules::lib_source("url").unwrap_or("");
            super::modules::load_internal(vm, ctx, "node:url", src)?
        }
        other => return Err(vm.fatal(&format!("the {other} module is not simulated"))),
    })
}

// ---- the host binding of bundled modules ----

fn h_listen(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let Val::Obj(server) = c.arg(0) else { return Ok(Val::Undef) };
    let port = vm.to_number(ctx, &c.arg(1))?;
    let host = match c.arg(2) {
        Val::Str(s) => s.to_string(),
        _ => "::".into(),
    };
    let port = if port.is_nan() { 0 } else { port as u32 };
    if port > 65535 {
        let e = vm.error(ErrKind::Range, &format!("options.port should be >= 0 and < 65536. Received type number ({port})."));
        if let Val::Obj(o) = &e {
            vm.define(*o, Key::s("code"), Val::str("ERR_SOCKET_BAD_PORT"), DEFAULT);
            super::process::set_node_error_name(vm, *o, "RangeError", "ERR_SOCKET_BAD_PORT");
        }
        return Err(e);
    }
    let port = if port == 0 { 32768 + (vm.host.servers.len() as u32 * 7919) % 28000 } else { port } as u16;
    if vm.host.servers.iter().any(|s| s.port == port) {
        let e = super::fs::sys_error(vm, "EADDRINUSE", "listen", &format!("{host}:{port}"), None);
        if let Val::Obj(o) = &e {
            vm.heap.get_mut(*o).props.insert(Key::s("message"), Slot::V(Val::Str(format!("listen EADDRINUSE: address already in use {host}:{port}").into())), HIDDEN);
            vm.define(*o, Key::s("errno"), Val::Num(-98.0), DEFAULT);
            vm.define(*o, Key::s("code"), Val::str("EADDRINUSE"), DEFAULT);
            vm.define(*o, Key::s("address"), Val::Str(host.as_str().into()), DEFAULT);
            vm.define(*o, Key::s("port"), Val::Num(port as f64), DEFAULT);
        }
        return Err(e);
    }
    vm.host.servers.push(super::host::Server { port, host, obj: server });
    Ok(Val::Num(port as f64))
}

fn h_close(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    if let Val::Obj(server) = c.arg(0) {
        vm.host.servers.retain(|s| s.obj != server);
    }
    Ok(Val::Undef)
}

fn h_etag(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let v = c.arg(0);
    let bytes = match super::fs::buffer_bytes(vm, &v) {
        Some(b) => b,
        None => vm.to_str(ctx, &v)?.as_bytes().to_vec(),
    };
    if bytes.is_empty() {
        return Ok(Val::str("W/\"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk\""));
    }
    let h = super::sha::hash("sha1", &bytes).unwrap_or_default();
    let b64 = super::fs::base64_encode(&h, false);
    Ok(Val::Str(format!("W/\"{:x}-{}\"", bytes.len(), &b64[..27.min(b64.len())]).into()))
}

fn h_byte_length(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let v = c.arg(0);
    if let Some(b) = super::fs::buffer_bytes(vm, &v) {
        return Ok(Val::Num(b.len() as f64));
    }
    let s = vm.to_str(ctx, &v)?;
    Ok(Val::Num(s.len() as f64))
}

fn h_file(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    // [exists, isDir, size, mtimeMs, contents] for a path (express.static, sendFile).
    let p = arg_str(vm, ctx, c, 0)?;
    let real = ctx.fs.canonical(&p);
    let node = real.as_deref().and_then(|r| ctx.fs.get(r)).cloned();
    Ok(match node {
        None => Val::Null,
        Some(n) => {
            let body = match &n.kind {
                crate::vfs::NodeKind::File(d) => super::fs::new_buffer(vm, (**d).clone()),
                _ => Val::Null,
            };
            vm.new_array(vec![Val::Bool(n.is_dir()), Val::Num(n.size() as f64), Val::Num(n.meta.mtime.as_ms() as f64), body])
        }
    })
}

fn h_stdin_register(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    if let Val::Obj(o) = c.arg(0) {
        if !vm.host.stdin_readers.contains(&o) {
            vm.host.stdin_readers.push(o);
        }
        vm.host.stdin_paused = false;
    }
    Ok(Val::Undef)
}

fn h_stdin_unregister(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    if let Val::Obj(o) = c.arg(0) {
        vm.host.stdin_readers.retain(|x| *x != o);
    }
    Ok(Val::Undef)
}

fn h_stdin_pause(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    vm.host.stdin_paused = vm.truthy(&c.arg(0));
    Ok(Val::Undef)
}

fn h_write(_vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    if let Val::Str(s) = c.arg(0) {
        let stream = if matches!(c.arg(1), Val::Num(n) if n == 2.0) { crate::api::StdStream::Stderr } else { crate::api::StdStream::Stdout };
        ctx.write(stream, &s);
    }
    Ok(Val::Undef)
}

fn h_version(vm: &mut Vm, _ctx: &mut Ctx, _c: &mut Call) -> Res {
    Ok(Val::Str(vm.host.version.version.as_str().into()))
}

fn h_package_version(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    // The version of a simulated package npm installed (from its package.json).
    let name = arg_str(vm, ctx, c, 0)?;
    let dir = vm.host.cwd.clone();
    let Some(p) = super::modules::resolve(ctx, &dir, &format!("{name}/package.json")) else { return Ok(Val::Undef) };
    let Some(t) = super::modules::read_text(ctx, &p) else { return Ok(Val::Undef) };
    let v: serde_json::Value = serde_json::from_str(&t).unwrap_or_default();
    Ok(v.get("version").and_then(|x| x.as_str()).map(|s| Val::Str(s.into())).unwrap_or(Val::Undef))
}

fn h_fatal(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let m = arg_str(vm, ctx, c, 0)?;
    Err(vm.fatal(&m))
}

/// `host.site(text)`: how the calling (bundled) frame shows in stack traces from now on.
fn h_site(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    if let (Val::Str(t), Some(f)) = (c.arg(0), vm.frames.last_mut()) {
        f.label = Some(t);
    }
    Ok(Val::Undef)
}

fn h_node_frame(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let k = arg_str(vm, ctx, c, 0)?;
    Ok(Val::Str(super::frames::internal(vm.host.version.major, &k).into()))
}

fn h_inspect(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = inspect(vm, ctx, &c.arg(0), &Opts::default());
    Ok(Val::Str(s.into()))
}

pub fn host_binding(vm: &mut Vm) -> Val {
    if let Some(b) = vm.host.binding {
        return Val::Obj(b);
    }
    let o = obj_with(
        vm,
        &[
            ("listen", 3, h_listen),
            ("close", 1, h_close),
            ("etag", 1, h_etag),
            ("byteLength", 1, h_byte_length),
            ("file", 1, h_file),
            ("stdinRegister", 1, h_stdin_register),
            ("stdinUnregister", 1, h_stdin_unregister),
            ("stdinPause", 1, h_stdin_pause),
            ("write", 2, h_write),
            ("version", 0, h_version),
            ("packageVersion", 1, h_package_version),
            ("inspect", 1, h_inspect),
            ("fatal", 1, h_fatal),
            ("nodeFrame", 1, h_node_frame),
            ("site", 1, h_site),
        ],
    );
    vm.host.binding = Some(o);
    Val::Obj(o)
}

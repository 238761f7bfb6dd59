//! The `fs` module over the container's file system (sync, callback and promise forms), and
//! `Buffer`.

use super::builtins::{arg_str, methods};
use super::object::Res;
use super::value::*;
use super::vm::{ErrKind, Vm};
use crate::proc::program::Ctx;
use crate::vfs::{normalize, FsError, Meta, NodeKind};

fn errno(code: &str) -> (i32, &'static str) {
    match code {
        "ENOENT" => (-2, "no such file or directory"),
        "EISDIR" => (-21, "illegal operation on a directory"),
        "ENOTDIR" => (-20, "not a directory"),
        "EEXIST" => (-17, "file already exists"),
        "ENOTEMPTY" => (-39, "directory not empty"),
        "EACCES" => (-13, "permission denied"),
        _ => (-22, "invalid argument"),
    }
}

/// A system error as libuv words it: `ENOENT: no such file or directory, open '/x'`.
pub fn sys_error(vm: &mut Vm, code: &str, syscall: &str, what: &str, path: Option<&str>) -> Val {
    let (n, text) = errno(code);
    let e = vm.error(ErrKind::Error, &format!("{code}: {text}, {syscall} {what}"));
    if let Val::Obj(o) = &e {
        vm.define(*o, Key::s("errno"), Val::Num(n as f64), DEFAULT);
        vm.define(*o, Key::s("code"), Val::str(code), DEFAULT);
        vm.define(*o, Key::s("syscall"), Val::str(syscall), DEFAULT);
        if let Some(p) = path {
            vm.define(*o, Key::s("path"), Val::str(p), DEFAULT);
        }
    }
    e
}

fn fs_code(e: FsError) -> &'static str {
    match e {
        FsError::NotFound => "ENOENT",
        FsError::NotADirectory => "ENOTDIR",
        FsError::IsADirectory => "EISDIR",
        FsError::Exists => "EEXIST",
        FsError::NotEmpty => "ENOTEMPTY",
        FsError::ReadOnly => "EROFS",
    }
}

fn path_arg(vm: &mut Vm, ctx: &mut Ctx, c: &Call, i: usize) -> Result<(String, String), Val> {
    let v = c.arg(i);
    let s = match &v {
        Val::Str(s) => s.to_string(),
        Val::Obj(o) => match &vm.heap.get(*o).kind {
            Kind::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
            _ => {
                // A URL object (`new URL('file:///…')`).
                let href = vm.get_str(ctx, &v, "pathname")?;
                match href {
                    Val::Str(s) => s.to_string(),
                    _ => return Err(arg_type_error(vm, ctx, "path", "of type string or an instance of Buffer or URL", &v)),
                }
            }
        },
        _ => return Err(arg_type_error(vm, ctx, "path", "of type string or an instance of Buffer or URL", &v)),
    };
    let full = normalize(&vm.host.cwd, &s);
    Ok((s, full))
}

/// `TypeError [ERR_INVALID_ARG_TYPE]: The "x" argument must be … Received …`.
pub fn arg_type_error(vm: &mut Vm, ctx: &mut Ctx, name: &str, want: &str, got: &Val) -> Val {
    let shown = match got {
        Val::Undef => "Received undefined".to_string(),
        Val::Null => "Received null".to_string(),
        Val::Num(n) => format!("Received type number ({})", super::num::to_str(*n)),
        Val::Bool(b) => format!("Received type boolean ({b})"),
        Val::Str(s) => format!("Received type string ({})", super::inspect::str_escape(s)),
        Val::Obj(o) => {
            let o = *o;
            if vm.heap.get(o).is_callable() {
                let n = vm.fn_name(o);
                format!("Received function {n}")
            } else {
                match vm.constructor_name(o) {
                    Some(n) => format!("Received an instance of {n}"),
                    None => {
                        let s = super::inspect::inspect(vm, ctx, got, &super::inspect::Opts { depth: Some(0), ..Default::default() });
                        format!("Received {s}")
                    }
                }
            }
        }
        _ => "Received a symbol".into(),
    };
    let e = vm.error(ErrKind::Type, &format!("The \"{name}\" argument must be {want}. {shown}"));
    if let Val::Obj(o) = &e {
        vm.define(*o, Key::s("code"), Val::str("ERR_INVALID_ARG_TYPE"), DEFAULT);
        super::process::set_node_error_name(vm, *o, "TypeError", "ERR_INVALID_ARG_TYPE");
    }
    e
}

fn meta(vm: &Vm, ctx: &Ctx, mode: u32) -> Meta {
    let _ = vm;
    Meta { mode, uid: ctx.uid, gid: ctx.uid, mtime: ctx.now }
}

/// The encoding argument: a string, or `{ encoding }`.
fn encoding(vm: &mut Vm, ctx: &mut Ctx, v: &Val) -> Result<Option<String>, Val> {
    Ok(match v {
        Val::Str(s) => Some(s.to_string()),
        Val::Obj(o) if !vm.heap.get(*o).is_callable() => match vm.get_str(ctx, v, "encoding")? {
            Val::Str(s) => Some(s.to_string()),
            _ => None,
        },
        _ => None,
    })
}

pub fn new_buffer(vm: &mut Vm, bytes: Vec<u8>) -> Val {
    let p = vm.host.buffer_proto.unwrap_or(vm.realm.object_proto);
    let mut o = Obj::new(Some(p), Kind::Bytes(Box::new(bytes)));
    o.tag = Some("Buffer");
    Val::Obj(vm.heap.alloc(o))
}

pub fn buffer_bytes(vm: &Vm, v: &Val) -> Option<Vec<u8>> {
    match v {
        Val::Obj(o) => match &vm.heap.get(*o).kind {
            Kind::Bytes(b) => Some((**b).clone()),
            _ => None,
        },
        _ => None,
    }
}

/// Bytes of a string in an encoding.
pub fn encode(s: &str, enc: &str) -> Option<Vec<u8>> {
    match enc.to_ascii_lowercase().as_str() {
        "utf8" | "utf-8" => Some(s.as_bytes().to_vec()),
        "ascii" | "latin1" | "binary" => Some(s.chars().map(|c| c as u32 as u8).collect()),
        "hex" => {
            let b = s.as_bytes();
            let mut out = Vec::new();
            let mut i = 0;
            while i + 1 < b.len() {
                let h = std::str::from_utf8(&b[i..i + 2]).ok()?;
                match u8::from_str_radix(h, 16) {
                    Ok(v) => out.push(v),
                    Err(_) => break,
                }
                i += 2;
            }
            Some(out)
        }
        "base64" | "base64url" => Some(base64_decode(s)),
        _ => None,
    }
}

pub fn decode(b: &[u8], enc: &str) -> Option<String> {
    match enc.to_ascii_lowercase().as_str() {
        "utf8" | "utf-8" => Some(String::from_utf8_lossy(b).into_owned()),
        "ascii" => Some(b.iter().map(|x| (x & 0x7f) as char).collect()),
        "latin1" | "binary" => Some(b.iter().map(|x| *x as char).collect()),
        "hex" => Some(b.iter().map(|x| format!("{x:02x}")).collect()),
        "base64" => Some(base64_encode(b, false)),
        "base64url" => Some(base64_encode(b, true)),
        _ => None,
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn base64_encode(b: &[u8], url: bool) -> String {
    let mut out = String::new();
    for chunk in b.chunks(3) {
        let n = (chunk[0] as u32) << 16 | (*chunk.get(1).unwrap_or(&0) as u32) << 8 | *chunk.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                let c = B64[((n >> (18 - 6 * i)) & 63) as usize];
                out.push(if url && c == b'+' { '-' } else if url && c == b'/' { '_' } else { c as char });
            } else if !url {
                out.push('=');
            }
        }
    }
    out
}

pub fn base64_decode(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => continue,
        };
        acc = acc << 6 | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

fn read_file(vm: &mut Vm, ctx: &mut Ctx, c: &Call) -> Res {
    let (shown, p) = path_arg(vm, ctx, c, 0)?;
    let enc = encoding(vm, ctx, &c.arg(1))?;
    let real = ctx.fs.canonical(&p);
    let node = real.as_deref().and_then(|r| ctx.fs.get(r));
    let data = match node.map(|n| &n.kind) {
        Some(NodeKind::File(d)) => d.clone(),
        Some(NodeKind::Dir(_)) => return Err(sys_error(vm, "EISDIR", "read", "", None).tap_message(vm, "EISDIR: illegal operation on a directory, read")),
        _ => return Err(sys_error(vm, "ENOENT", "open", &format!("'{shown}'"), Some(&shown))),
    };
    match enc {
        Some(e) => match decode(&data, &e) {
            Some(s) => Ok(Val::Str(s.into())),
            None => Err(unknown_encoding(vm, &e)),
        },
        None => Ok(new_buffer(vm, (*data).clone())),
    }
}

trait TapMessage {
    fn tap_message(self, vm: &mut Vm, msg: &str) -> Val;
}

impl TapMessage for Val {
    fn tap_message(self, vm: &mut Vm, msg: &str) -> Val {
        if let Val::Obj(o) = &self {
            vm.heap.get_mut(*o).props.insert(Key::s("message"), Slot::V(Val::str(msg)), HIDDEN);
            vm.heap.get_mut(*o).props.remove(&Key::s("path"));
        }
        self
    }
}

fn unknown_encoding(vm: &mut Vm, e: &str) -> Val {
    let err = vm.error(ErrKind::Type, &format!("Unknown encoding: {e}"));
    if let Val::Obj(o) = &err {
        vm.define(*o, Key::s("code"), Val::str("ERR_UNKNOWN_ENCODING"), DEFAULT);
        super::process::set_node_error_name(vm, *o, "TypeError", "ERR_UNKNOWN_ENCODING");
    }
    err
}

fn data_bytes(vm: &mut Vm, ctx: &mut Ctx, v: &Val) -> Result<Vec<u8>, Val> {
    if let Some(b) = buffer_bytes(vm, v) {
        return Ok(b);
    }
    match v {
        Val::Str(s) => Ok(s.as_bytes().to_vec()),
        Val::Obj(_) | Val::Num(_) | Val::Bool(_) | Val::Undef | Val::Null => Err(arg_type_error(vm, ctx, "data", "of type string or an instance of Buffer, TypedArray, or DataView", v)),
        _ => Ok(Vec::new()),
    }
}

fn write_file(vm: &mut Vm, ctx: &mut Ctx, c: &Call, append: bool) -> Res {
    let (shown, p) = path_arg(vm, ctx, c, 0)?;
    let data = data_bytes(vm, ctx, &c.arg(1))?;
    let m = meta(vm, ctx, 0o644);
    match ctx.fs.write(&p, &data, append, &m) {
        Ok(()) => Ok(Val::Undef),
        Err(FsError::IsADirectory) => Err(sys_error(vm, "EISDIR", "open", &format!("'{shown}'"), Some(&shown))),
        Err(e) => Err(sys_error(vm, fs_code(e), "open", &format!("'{shown}'"), Some(&shown))),
    }
}

fn exists(vm: &mut Vm, ctx: &mut Ctx, c: &Call) -> Res {
    let Ok((_, p)) = path_arg(vm, ctx, c, 0) else {
        vm.throw_site = None;
        return Ok(Val::Bool(false));
    };
    Ok(Val::Bool(ctx.fs.canonical(&p).is_some()))
}

fn readdir(vm: &mut Vm, ctx: &mut Ctx, c: &Call) -> Res {
    let (shown, p) = path_arg(vm, ctx, c, 0)?;
    let with_types = match c.arg(1) {
        Val::Obj(o) if !vm.heap.get(o).is_callable() => {
            let v = vm.get_str(ctx, &Val::Obj(o), "withFileTypes")?;
            vm.truthy(&v)
        }
        _ => false,
    };
    let real = ctx.fs.canonical(&p).unwrap_or(p.clone());
    let entries: Vec<(String, bool, bool)> = match ctx.fs.list(&real) {
        Ok(list) => list.iter().map(|(n, node)| (n.clone(), node.is_dir(), matches!(node.kind, NodeKind::Symlink(_)))).collect(),
        Err(FsError::NotADirectory) => return Err(sys_error(vm, "ENOTDIR", "scandir", &format!("'{shown}'"), Some(&shown))),
        Err(e) => return Err(sys_error(vm, fs_code(e), "scandir", &format!("'{shown}'"), Some(&shown))),
    };
    let mut out = Vec::new();
    for (name, is_dir, is_link) in entries {
        if with_types {
            let d = vm.new_object();
            vm.heap.get_mut(d).tag = Some("Dirent");
            vm.define(d, Key::s("name"), Val::Str(name.as_str().into()), DEFAULT);
            vm.define(d, Key::s("parentPath"), Val::Str(shown.as_str().into()), DEFAULT);
            vm.define(d, Key::s("path"), Val::Str(shown.as_str().into()), DEFAULT);
            vm.define(d, Key::Sym(vm.host.dirent_type_sym), Val::Num(if is_dir { 2.0 } else if is_link { 3.0 } else { 1.0 }), HIDDEN);
            let proto = vm.host.dirent_proto;
            if let Some(pr) = proto {
                vm.heap.get_mut(d).proto = Some(pr);
            }
            out.push(Val::Obj(d));
        } else {
            out.push(Val::Str(name.into()));
        }
    }
    Ok(vm.new_array(out))
}

fn mkdir(vm: &mut Vm, ctx: &mut Ctx, c: &Call) -> Res {
    let (shown, p) = path_arg(vm, ctx, c, 0)?;
    let recursive = match c.arg(1) {
        Val::Obj(o) => {
            let v = vm.get_str(ctx, &Val::Obj(o), "recursive")?;
            vm.truthy(&v)
        }
        _ => false,
    };
    if !recursive && ctx.fs.get(&p).is_some() {
        return Err(sys_error(vm, "EEXIST", "mkdir", &format!("'{shown}'"), Some(&shown)));
    }
    let existed = ctx.fs.get(&p).is_some();
    let m = meta(vm, ctx, 0o755);
    match ctx.fs.mkdir(&p, recursive, &m) {
        Ok(()) => Ok(if recursive && !existed { Val::Str(p.into()) } else { Val::Undef }),
        Err(e) => Err(sys_error(vm, fs_code(e), "mkdir", &format!("'{shown}'"), Some(&shown))),
    }
}

fn unlink(vm: &mut Vm, ctx: &mut Ctx, c: &Call, syscall: &str) -> Res {
    let (shown, p) = path_arg(vm, ctx, c, 0)?;
    let recursive = match c.arg(1) {
        Val::Obj(o) => {
            let v = vm.get_str(ctx, &Val::Obj(o), "recursive")?;
            let f = vm.get_str(ctx, &Val::Obj(o), "force")?;
            if vm.truthy(&f) && ctx.fs.get(&p).is_none() {
                return Ok(Val::Undef);
            }
            vm.truthy(&v)
        }
        _ => false,
    };
    if syscall == "unlink" && ctx.fs.get(&p).is_some_and(|n| n.is_dir()) {
        return Err(sys_error(vm, "EISDIR", "unlink", &format!("'{shown}'"), Some(&shown)));
    }
    match ctx.fs.remove(&p, recursive) {
        Ok(_) => Ok(Val::Undef),
        Err(e) => Err(sys_error(vm, fs_code(e), syscall, &format!("'{shown}'"), Some(&shown))),
    }
}

fn rename(vm: &mut Vm, ctx: &mut Ctx, c: &Call) -> Res {
    let (a, pa) = path_arg(vm, ctx, c, 0)?;
    let (b, pb) = path_arg(vm, ctx, c, 1)?;
    let node = match ctx.fs.remove(&pa, true) {
        Ok(n) => n,
        Err(e) => return Err(sys_error(vm, fs_code(e), "rename", &format!("'{a}' -> '{b}'"), Some(&a))),
    };
    let m = meta(vm, ctx, 0o755);
    if let Err(e) = ctx.fs.insert(&pb, node, &m) {
        return Err(sys_error(vm, fs_code(e), "rename", &format!("'{a}' -> '{b}'"), Some(&a)));
    }
    Ok(Val::Undef)
}

fn stat(vm: &mut Vm, ctx: &mut Ctx, c: &Call, follow: bool) -> Res {
    let (shown, p) = path_arg(vm, ctx, c, 0)?;
    let target = if follow { ctx.fs.canonical(&p) } else { Some(p.clone()) };
    let Some(node) = target.as_deref().and_then(|t| ctx.fs.get(t)).cloned() else {
        return Err(sys_error(vm, "ENOENT", if follow { "stat" } else { "lstat" }, &format!("'{shown}'"), Some(&shown)));
    };
    let s = vm.new_object();
    vm.heap.get_mut(s).tag = Some("Stats");
    if let Some(pr) = vm.host.stats_proto {
        vm.heap.get_mut(s).proto = Some(pr);
    }
    let kind_bits = match node.kind {
        NodeKind::Dir(_) => 0o040000,
        NodeKind::Symlink(_) => 0o120000,
        NodeKind::File(_) => 0o100000,
    };
    let mtime = node.meta.mtime.as_ms() as f64;
    let fields: [(&str, Val); 10] = [
        ("dev", Val::Num(2049.0)),
        ("mode", Val::Num((kind_bits | node.meta.mode) as f64)),
        ("nlink", Val::Num(1.0)),
        ("uid", Val::Num(node.meta.uid as f64)),
        ("gid", Val::Num(node.meta.gid as f64)),
        ("size", Val::Num(node.size() as f64)),
        ("blksize", Val::Num(4096.0)),
        ("blocks", Val::Num(((node.size() + 511) / 512 * 8 / 8) as f64)),
        ("atimeMs", Val::Num(mtime)),
        ("mtimeMs", Val::Num(mtime)),
    ];
    for (k, v) in fields {
        vm.define(s, Key::s(k), v, DEFAULT);
    }
    vm.define(s, Key::s("ctimeMs"), Val::Num(mtime), DEFAULT);
    vm.define(s, Key::s("birthtimeMs"), Val::Num(mtime), DEFAULT);
    for k in ["atime", "mtime", "ctime", "birthtime"] {
        let d = super::builtins::new_date_pub(vm, mtime);
        vm.define(s, Key::s(k), d, DEFAULT);
    }
    Ok(Val::Obj(s))
}

fn stats_mode(vm: &mut Vm, c: &Call) -> u32 {
    match &c.this {
        Val::Obj(o) => match vm.heap.get(*o).props.get(&Key::s("mode")) {
            Some(Prop { slot: Slot::V(Val::Num(m)), .. }) => *m as u32,
            _ => 0,
        },
        _ => 0,
    }
}

fn is_file(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(Val::Bool(stats_mode(vm, c) & 0o170000 == 0o100000))
}
fn is_directory(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(Val::Bool(stats_mode(vm, c) & 0o170000 == 0o040000))
}
fn is_symlink(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(Val::Bool(stats_mode(vm, c) & 0o170000 == 0o120000))
}

fn dirent_type(vm: &mut Vm, c: &Call) -> f64 {
    let sym = vm.host.dirent_type_sym;
    match &c.this {
        Val::Obj(o) => match vm.heap.get(*o).props.get(&Key::Sym(sym)) {
            Some(Prop { slot: Slot::V(Val::Num(t)), .. }) => *t,
            _ => 0.0,
        },
        _ => 0.0,
    }
}

fn dirent_is_file(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(Val::Bool(dirent_type(vm, c) == 1.0))
}
fn dirent_is_dir(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(Val::Bool(dirent_type(vm, c) == 2.0))
}

/// Sync operations by index (shared by the sync, callback and promise forms).
fn op(vm: &mut Vm, ctx: &mut Ctx, which: u32, c: &Call) -> Res {
    match which {
        0 => read_file(vm, ctx, c),
        1 => write_file(vm, ctx, c, false),
        2 => write_file(vm, ctx, c, true),
        3 => exists(vm, ctx, c),
        4 => readdir(vm, ctx, c),
        5 => mkdir(vm, ctx, c),
        6 => unlink(vm, ctx, c, "unlink"),
        7 => unlink(vm, ctx, c, "rm"),
        8 => rename(vm, ctx, c),
        9 => stat(vm, ctx, c, true),
        10 => stat(vm, ctx, c, false),
        11 => unlink(vm, ctx, c, "rmdir"),
        12 => {
            let (shown, p) = path_arg(vm, ctx, c, 0)?;
            if ctx.fs.canonical(&p).is_some() {
                Ok(Val::Undef)
            } else {
                Err(sys_error(vm, "ENOENT", "access", &format!("'{shown}'"), Some(&shown)))
            }
        }
        13 => {
            let (a, pa) = path_arg(vm, ctx, c, 0)?;
            let (_, pb) = path_arg(vm, ctx, c, 1)?;
            let data = match ctx.fs.canonical(&pa).and_then(|r| ctx.fs.get(&r).cloned()) {
                Some(crate::vfs::Node { kind: NodeKind::File(d), .. }) => d,
                _ => return Err(sys_error(vm, "ENOENT", "copyfile", &format!("'{a}' -> '{}'", vm.prim_str(&c.arg(1))), Some(&a))),
            };
            let m = meta(vm, ctx, 0o644);
            ctx.fs.write(&pb, &data, false, &m).map_err(|e| sys_error(vm, fs_code(e), "copyfile", &format!("'{a}'"), Some(&a)))?;
            Ok(Val::Undef)
        }
        _ => Ok(Val::Undef),
    }
}

const OPS: &[&str] = &["readFile", "writeFile", "appendFile", "exists", "readdir", "mkdir", "unlink", "rm", "rename", "stat", "lstat", "rmdir", "access", "copyFile"];

fn which(c: &Call) -> u32 {
    match &c.data {
        Val::Num(n) => *n as u32,
        _ => 0,
    }
}

fn sync_fn(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let w = which(c);
    op(vm, ctx, w, c)
}

/// Callback form: the result arrives on a later turn of the event loop.
fn callback_fn(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let w = which(c);
    let cb = c.args.iter().rev().find(|a| vm.is_callable(a)).cloned();
    let Some(cb) = cb else {
        let v = c.args.last().cloned().unwrap_or(Val::Undef);
        return Err(arg_type_error(vm, ctx, "cb", "of type function", &v));
    };
    let n = c.args.len().saturating_sub(1);
    let mut call = Call { this: Val::Undef, args: c.args[..n].to_vec(), new_target: None, data: Val::Undef, callee: c.callee };
    let r = op(vm, ctx, w, &mut call);
    let args = match r {
        Ok(v) if w == 3 => vec![v],
        Ok(v) => vec![Val::Null, v],
        Err(e) => {
            if vm.fatal.is_some() {
                return Err(e);
            }
            vm.throw_site = None;
            vec![e]
        }
    };
    let obj = vm.new_object();
    vm.host.immediates.push_back((cb, args, obj));
    Ok(Val::Undef)
}

fn promise_fn(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let w = which(c);
    let p = vm.new_promise();
    let (resolve, reject) = vm.resolving_functions(p);
    // Settled on a later turn of the event loop, as after real I/O.
    let (f, v) = match op(vm, ctx, w, c) {
        Ok(v) => (resolve, v),
        Err(e) => {
            if vm.fatal.is_some() {
                return Err(e);
            }
            vm.throw_site = None;
            (reject, e)
        }
    };
    let obj = vm.new_object();
    vm.host.immediates.push_back((f, vec![v], obj));
    Ok(Val::Obj(p))
}

fn not_simulated(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let name = match &c.data {
        Val::Str(s) => s.to_string(),
        _ => "this fs function".into(),
    };
    Err(vm.fatal(&format!("fs.{name} is not simulated")))
}

pub fn module(vm: &mut Vm) -> Val {
    let fs = vm.new_object();
    let promises = vm.new_object();
    for (i, name) in OPS.iter().enumerate() {
        let s = vm.native_with(sync_fn, Val::Num(i as f64));
        let sname = format!("{name}Sync");
        vm.heap.get_mut(s).props.insert(Key::s("name"), Slot::V(Val::Str(sname.clone().into())), CONF);
        vm.define(fs, Key::S(sname.into()), Val::Obj(s), DEFAULT);
        let cb = vm.native_with(callback_fn, Val::Num(i as f64));
        vm.heap.get_mut(cb).props.insert(Key::s("name"), Slot::V(Val::str(name)), CONF);
        vm.define(fs, Key::s(name), Val::Obj(cb), DEFAULT);
        if *name != "exists" {
            let pf = vm.native_with(promise_fn, Val::Num(i as f64));
            vm.heap.get_mut(pf).props.insert(Key::s("name"), Slot::V(Val::str(name)), CONF);
            vm.define(promises, Key::s(name), Val::Obj(pf), DEFAULT);
        }
    }
    for name in ["createReadStream", "createWriteStream", "watch", "watchFile", "openSync", "open", "readSync", "writeSync", "closeSync", "close", "symlinkSync", "chmodSync", "chmod"] {
        let f = vm.native_with(not_simulated, Val::str(name));
        vm.define(fs, Key::s(name), Val::Obj(f), DEFAULT);
    }
    vm.define(fs, Key::s("promises"), Val::Obj(promises), DEFAULT);
    let constants = vm.new_object();
    for (k, v) in [("F_OK", 0.0), ("R_OK", 4.0), ("W_OK", 2.0), ("X_OK", 1.0)] {
        vm.define(constants, Key::s(k), Val::Num(v), DEFAULT);
    }
    vm.define(fs, Key::s("constants"), Val::Obj(constants), DEFAULT);
    // Stats and Dirent prototypes.
    let sp = vm.new_object();
    methods(vm, sp, &[("isFile", 0, is_file), ("isDirectory", 0, is_directory), ("isSymbolicLink", 0, is_symlink)]);
    let sc = vm.native("Stats", 0, super::builtins::noop_pub);
    super::builtins::link_ctor(vm, sc, sp);
    vm.host.stats_proto = Some(sp);
    let dp = vm.new_object();
    methods(vm, dp, &[("isFile", 0, dirent_is_file), ("isDirectory", 0, dirent_is_dir)]);
    let dc = vm.native("Dirent", 0, super::builtins::noop_pub);
    super::builtins::link_ctor(vm, dc, dp);
    vm.host.dirent_proto = Some(dp);
    vm.symbols.push("type".into());
    vm.host.dirent_type_sym = vm.symbols.len() as u32 - 1;
    Val::Obj(fs)
}

// ---- Buffer ----

fn this_bytes(vm: &mut Vm, c: &Call) -> Result<Vec<u8>, Val> {
    buffer_bytes(vm, &c.this).ok_or_else(|| vm.error(ErrKind::Type, "argument must be a buffer"))
}

fn buf_to_string(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let b = this_bytes(vm, c)?;
    let enc = match c.arg(0) {
        Val::Undef => "utf8".to_string(),
        v => vm.to_str(ctx, &v)?.to_string(),
    };
    let len = b.len();
    let s = super::builtins::rel_index(vm, ctx, &c.arg(1), len, 0)?;
    let e = super::builtins::rel_index(vm, ctx, &c.arg(2), len, len)?;
    let slice = if s < e { &b[s..e] } else { &[][..] };
    match decode(slice, &enc) {
        Some(t) => Ok(Val::Str(t.into())),
        None => Err(unknown_encoding(vm, &enc)),
    }
}

fn buf_to_json(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let b = this_bytes(vm, c)?;
    let o = vm.new_object();
    vm.define(o, Key::s("type"), Val::str("Buffer"), DEFAULT);
    let data = vm.new_array(b.iter().map(|x| Val::Num(*x as f64)).collect());
    vm.define(o, Key::s("data"), data, DEFAULT);
    Ok(Val::Obj(o))
}

fn buf_equals(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let a = this_bytes(vm, c)?;
    Ok(Val::Bool(buffer_bytes(vm, &c.arg(0)).is_some_and(|b| b == a)))
}

fn buf_slice(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let b = this_bytes(vm, c)?;
    let len = b.len();
    let s = super::builtins::rel_index(vm, ctx, &c.arg(0), len, 0)?;
    let e = super::builtins::rel_index(vm, ctx, &c.arg(1), len, len)?;
    Ok(new_buffer(vm, if s < e { b[s..e].to_vec() } else { Vec::new() }))
}

fn buf_from(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let v = c.arg(0);
    if let Some(b) = buffer_bytes(vm, &v) {
        return Ok(new_buffer(vm, b));
    }
    match &v {
        Val::Str(s) => {
            let enc = match c.arg(1) {
                Val::Undef => "utf8".to_string(),
                e => vm.to_str(ctx, &e)?.to_string(),
            };
            match encode(s, &enc) {
                Some(b) => Ok(new_buffer(vm, b)),
                None => Err(unknown_encoding(vm, &enc)),
            }
        }
        Val::Obj(_) => {
            let items = super::builtins::array_like_pub(vm, ctx, &v)?;
            let mut b = Vec::new();
            for i in items {
                let n = vm.to_number(ctx, &i)?;
                b.push(super::num::to_u32(n) as u8);
            }
            Ok(new_buffer(vm, b))
        }
        other => Err(arg_type_error(vm, ctx, "first argument", "of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object", other)),
    }
}

fn buf_alloc(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let n = vm.to_number(ctx, &c.arg(0))?;
    if !(0.0..=100_000_000.0).contains(&n) {
        return Err(vm.error(ErrKind::Range, &format!("The argument 'size' is invalid. Received {}", super::num::to_str(n))));
    }
    let fill = match c.arg(1) {
        Val::Num(f) => f as u8,
        _ => 0,
    };
    Ok(new_buffer(vm, vec![fill; n as usize]))
}

fn buf_byte_length(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let v = c.arg(0);
    if let Some(b) = buffer_bytes(vm, &v) {
        return Ok(Val::Num(b.len() as f64));
    }
    let s = arg_str(vm, ctx, c, 0)?;
    Ok(Val::Num(s.len() as f64))
}

fn buf_is_buffer(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(Val::Bool(buffer_bytes(vm, &c.arg(0)).is_some()))
}

fn buf_concat(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let items = super::builtins::array_like_pub(vm, ctx, &c.arg(0))?;
    let mut out = Vec::new();
    for i in items {
        out.extend(buffer_bytes(vm, &i).unwrap_or_default());
    }
    Ok(new_buffer(vm, out))
}

pub fn buffer_module(vm: &mut Vm) -> Val {
    if let Some(b) = vm.host.buffer_ctor {
        let m = vm.new_object();
        vm.define(m, Key::s("Buffer"), Val::Obj(b), DEFAULT);
        return Val::Obj(m);
    }
    Val::Undef
}

pub fn install_buffer(vm: &mut Vm) {
    let proto = vm.new_object();
    methods(vm, proto, &[("toString", 0, buf_to_string), ("toJSON", 0, buf_to_json), ("equals", 1, buf_equals), ("slice", 2, buf_slice), ("subarray", 2, buf_slice)]);
    let ap = vm.realm.array_proto;
    for k in [Key::Sym(super::object::SYM_ITERATOR), Key::s("values"), Key::s("keys"), Key::s("entries"), Key::s("forEach"), Key::s("indexOf"), Key::s("includes"), Key::s("map"), Key::s("join")] {
        if let Some(p) = vm.heap.get(ap).props.get(&k).map(|p| p.slot.clone()) {
            vm.heap.get_mut(proto).props.insert(k, p, HIDDEN);
        }
    }
    let ctor = vm.native("Buffer", 2, buf_from);
    super::builtins::link_ctor(vm, ctor, proto);
    methods(vm, ctor, &[("from", 2, buf_from), ("alloc", 2, buf_alloc), ("byteLength", 1, buf_byte_length), ("isBuffer", 1, buf_is_buffer), ("concat", 1, buf_concat)]);
    vm.host.buffer_proto = Some(proto);
    vm.host.buffer_ctor = Some(ctor);
    super::builtins::global(vm, "Buffer", Val::Obj(ctor));
}

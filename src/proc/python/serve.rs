//! Servers and the `_dockling` helper module: Python code (the simulated Werkzeug, gunicorn,
//! waitress, `http.server` in `lib/`) registers a handler with `_dockling.serve()`, and
//! `Program::http` calls it for each request. Signal handlers registered with `signal.signal`
//! are found here too.

use std::rc::Rc;

use super::ops::as_int;
use super::value::*;
use super::vm::{Flow, PyResult, Suspend, Vm};
use crate::proc::program::{Ctx, HttpRequest, HttpResponse};
use crate::proc::Signal;

#[derive(Clone, Debug)]
pub struct Server {
    pub host: String,
    pub port: u16,
    pub handler: Value,
}

fn arg_str(v: Option<&Value>) -> String {
    match v {
        Some(Value::Str(s)) => s.to_string(),
        Some(Value::Int(i)) => i.to_string(),
        _ => String::new(),
    }
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

pub fn unquote(s: &str, plus: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                match u8::from_str_radix(&s[i + 1..i + 3], 16) {
                    Ok(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' if plus => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).to_string()
}

/// Functions of the internal `_dockling` module.
pub fn dockling_fn(vm: &mut Vm, ctx: &mut Ctx, f: &str, args: &[Value], kwargs: &[(Rc<str>, Value)]) -> PyResult {
    let _ = kwargs;
    Ok(match f {
        "serve" => {
            let host = arg_str(args.first());
            let port = args.get(1).and_then(as_int).unwrap_or(0).clamp(0, 65535) as u16;
            let handler = args.get(2).cloned().unwrap_or(Value::None);
            if vm.nested > 0 {
                return Err(vm.unsupported("a server started inside a callback"));
            }
            vm.servers.retain(|s| s.port != port);
            vm.servers.push(Server { host, port, handler });
            vm.flush_all(ctx);
            return Err(Flow::Suspend(Suspend::Serve));
        }
        "now" => Value::Int(ctx.now.as_ms() as i64),
        "civil" => {
            let ms = args.first().and_then(as_int).unwrap_or(ctx.now.as_ms() as i64).max(0) as u64;
            let c = crate::clock::SimTime(ms).civil();
            let items = vec![
                Value::Int(c.year),
                Value::Int(c.month as i64),
                Value::Int(c.day as i64),
                Value::Int(c.hour as i64),
                Value::Int(c.minute as i64),
                Value::Int(c.second as i64),
                Value::Int((ms % 1000) as i64 * 1000),
                Value::Int(((c.weekday + 6) % 7) as i64),
            ];
            vm.new_tuple(items)
        }
        "strftime" => {
            let fmt = arg_str(args.first());
            let ms = args.get(1).and_then(as_int).unwrap_or(ctx.now.as_ms() as i64).max(0) as u64;
            let micros = args.get(2).and_then(as_int).unwrap_or(0).clamp(0, 999_999) as u32;
            Value::str(&super::modules::strftime(&fmt, ms, micros))
        }
        "log_time" => Value::str(&super::modules::strftime("%d/%b/%Y %H:%M:%S", ctx.now.as_ms(), 0)),
        "container_ip" => Value::str(ctx.ip),
        "hostname" => Value::str(ctx.hostname),
        "pid" => Value::Int(ctx.pid as i64),
        "version" => Value::str(&vm.version.full()),
        "html_escape" => Value::str(&html_escape(&arg_str(args.first()))),
        "urlencode_unquote" => Value::str(&unquote(&arg_str(args.first()), true)),
        "write_stderr" => {
            let t = arg_str(args.first());
            vm.write_stream(ctx, crate::api::StdStream::Stderr, &t);
            Value::None
        }
        "fs_read" => {
            let p = crate::vfs::normalize(ctx.cwd, &arg_str(args.first()));
            match ctx.fs.get(&p).map(|n| &n.kind) {
                Some(crate::vfs::NodeKind::File(d)) => Value::Bytes(Rc::from(&d[..])),
                _ => Value::None,
            }
        }
        "fs_mtime" => {
            let p = crate::vfs::normalize(ctx.cwd, &arg_str(args.first()));
            match ctx.fs.get(&p) {
                Some(n) => Value::Int(n.meta.mtime.as_ms() as i64),
                None => Value::None,
            }
        }
        "copy_inst" => match args.first().and_then(|v| vm.obj(v)).cloned() {
            Some(Obj::Inst(i)) => vm.alloc(Obj::Inst(i)),
            _ => args.first().cloned().unwrap_or(Value::None),
        },
        "format_exc" => {
            let e = match args.first() {
                Some(e) => Some(e.clone()),
                None => vm.frames.iter().rev().find_map(|f| f.handling.last().cloned()),
            };
            match e {
                Some(e) => Value::str(&vm.format_exception(ctx, &e, false)),
                None => Value::str("NoneType: None\n"),
            }
        }
        "fs_isdir" => {
            let p = crate::vfs::normalize(ctx.cwd, &arg_str(args.first()));
            Value::Bool(ctx.fs.get(&p).is_some_and(|n| n.is_dir()))
        }
        "fs_list" => {
            let p = crate::vfs::normalize(ctx.cwd, &arg_str(args.first()));
            match ctx.fs.list(&p) {
                Ok(entries) => {
                    let names: Vec<(String, bool)> = entries.iter().map(|(k, n)| (k.clone(), n.is_dir())).collect();
                    let mut items = Vec::new();
                    for (k, d) in names {
                        let t = vm.new_tuple(vec![Value::str(&k), Value::Bool(d)]);
                        items.push(t);
                    }
                    vm.new_list(items)
                }
                Err(_) => Value::None,
            }
        }
        _ => return Err(vm.unsupported(&format!("_dockling.{f}()"))),
    })
}

/// Serves one request through the registered handler.
pub fn handle(vm: &mut Vm, port: u16, req: &HttpRequest, ctx: &mut Ctx) -> Option<HttpResponse> {
    let server = vm.servers.iter().find(|s| s.port == port)?.clone();
    let (path, query) = match req.target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (req.target.clone(), String::new()),
    };
    let mut env = Dict::default();
    let mut put = |vm: &mut Vm, k: &str, v: Value| {
        let _ = vm;
        env.insert(Key::Str(Rc::from(k)), Value::str(k), v);
    };
    put(vm, "REQUEST_METHOD", Value::str(&req.method));
    put(vm, "PATH_INFO", Value::str(&unquote(&path, false)));
    put(vm, "RAW_URI", Value::str(&req.target));
    put(vm, "QUERY_STRING", Value::str(&query));
    put(vm, "SERVER_NAME", Value::str(&server.host));
    put(vm, "SERVER_PORT", Value::str(&port.to_string()));
    put(vm, "SERVER_PROTOCOL", Value::str("HTTP/1.1"));
    put(vm, "REMOTE_ADDR", Value::str(&req.peer));
    put(vm, "wsgi.url_scheme", Value::str("http"));
    put(vm, "wsgi.input", Value::Bytes(Rc::from(&req.body[..])));
    let mut hdrs = Vec::new();
    for (k, v) in &req.headers {
        let key = k.to_ascii_uppercase().replace('-', "_");
        let name = match key.as_str() {
            "CONTENT_TYPE" | "CONTENT_LENGTH" => key.clone(),
            _ => format!("HTTP_{key}"),
        };
        put(vm, &name, Value::str(v));
        let t = vm.new_tuple(vec![Value::str(k), Value::str(v)]);
        hdrs.push(t);
    }
    let hl = vm.new_list(hdrs);
    put(vm, "dockling.headers", hl);
    let environ = vm.new_dict(env);
    let r = vm.call_sync(ctx, server.handler.clone(), vec![environ], Vec::new());
    let resp = match r {
        Ok(v) => response_of(vm, ctx, &v),
        Err(Flow::Exc(e)) => {
            let text = vm.format_exception(ctx, &e, false);
            vm.write_stream(ctx, crate::api::StdStream::Stderr, &text);
            None
        }
        Err(_) => None,
    };
    vm.flush_all(ctx);
    Some(resp.unwrap_or_else(|| HttpResponse {
        status: 500,
        reason: "INTERNAL SERVER ERROR".into(),
        headers: vec![("Content-Length".into(), "0".into()), ("Connection".into(), "close".into())],
        body: Vec::new(),
    }))
}

/// `(status, reason, [(name, value)…], body)` from the Python side.
fn response_of(vm: &mut Vm, ctx: &mut Ctx, v: &Value) -> Option<HttpResponse> {
    let items = vm.collect(ctx, v).ok()?;
    let status = as_int(items.first()?)? as u16;
    let reason = match items.get(1)? {
        Value::Str(s) => s.to_string(),
        _ => String::new(),
    };
    let mut headers = Vec::new();
    for h in vm.collect(ctx, items.get(2)?).ok()? {
        let kv = vm.collect(ctx, &h).ok()?;
        if let (Some(Value::Str(k)), Some(Value::Str(val))) = (kv.first(), kv.get(1)) {
            headers.push((k.to_string(), val.to_string()));
        }
    }
    let body = match items.get(3)? {
        Value::Bytes(b) => b.to_vec(),
        Value::Str(s) => s.as_bytes().to_vec(),
        _ => Vec::new(),
    };
    Some(HttpResponse {
        status,
        reason,
        headers,
        body,
    })
}

/// The handlers table of the `signal` module, if it was imported.
fn handlers(vm: &Vm) -> Option<Dict> {
    let m = vm.find_module("signal")?;
    match vm.module_get(m, "_handlers") {
        Some(Value::Obj(d)) => match vm.heap.get(d) {
            Obj::Dict(dd) => Some(dd.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The Python function registered for a signal.
pub fn signal_handler(vm: &mut Vm, sig: Signal) -> Option<Value> {
    let h = handlers(vm)?.get(&Key::Int(sig.number() as i64)).cloned()?;
    match h {
        Value::Int(_) => None,
        other => Some(other),
    }
}

/// Whether a Python function handles this signal.
pub fn signal_handler_peek(vm: &Vm, sig: Signal) -> bool {
    handlers(vm)
        .and_then(|d| d.get(&Key::Int(sig.number() as i64)).cloned())
        .is_some_and(|h| !matches!(h, Value::Int(_)))
}

/// SIGINT set to SIG_DFL (0) or SIG_IGN (1).
pub fn signal_ignored_default(vm: &Vm, sig: Signal) -> bool {
    handlers(vm)
        .and_then(|d| d.get(&Key::Int(sig.number() as i64)).cloned())
        .is_some_and(|h| matches!(h, Value::Int(_)))
}

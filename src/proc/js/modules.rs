//! Modules: CommonJS `require` (Node's resolution: core modules, relative files with `.js`/
//! `.json` and `index.js`, `node_modules` walking up from the caller's folder), ES modules
//! (`import`, `.mjs`, `"type": "module"`, syntax detection in Node ≥ 20.19/22.12), and the
//! built-in modules (native, or JavaScript sources bundled in `lib/`).

use std::rc::Rc;

use super::code::Script;
use super::compile::{compile_program, wrapper, Unit};
use super::parse::{parse_detect, Options};
use super::value::*;
use super::vm::{ErrKind, Vm};
use crate::proc::program::Ctx;
use crate::vfs::{normalize, parent, NodeKind};

/// JavaScript sources of the modules written in JavaScript.
pub fn lib_source(name: &str) -> Option<&'static str> {
    Some(match name {
        "events" => include_str!("lib/events.js"),
        "http" => include_str!("lib/http.js"),
        "readline" => include_str!("lib/readline.js"),
        "assert" => include_str!("lib/assert.js"),
        "express" => include_str!("lib/express.js"),
        "dotenv" => include_str!("lib/dotenv.js"),
        "cors" => include_str!("lib/cors.js"),
        "body-parser" => include_str!("lib/body-parser.js"),
        "url" => include_str!("lib/url.js"),
        _ => return None,
    })
}

const CORE: &[&str] = &[
    "fs", "path", "os", "util", "events", "http", "readline", "url", "assert", "crypto", "buffer", "timers", "process", "fs/promises", "timers/promises", "readline/promises", "child_process", "net", "https", "stream", "zlib", "cluster", "worker_threads", "dns", "tls", "dgram", "vm", "v8", "perf_hooks", "querystring", "string_decoder", "async_hooks", "module", "http2", "inspector", "repl", "tty", "constants", "punycode", "sys", "test", "diagnostics_channel", "stream/promises", "path/posix", "util/types", "assert/strict",
];

/// Built-in modules Dockling does not simulate.
const UNSIMULATED: &[&str] = &["child_process", "net", "https", "stream", "zlib", "cluster", "worker_threads", "dns", "tls", "dgram", "vm", "v8", "http2", "inspector", "repl", "tty", "async_hooks", "module", "punycode", "test", "stream/promises", "perf_hooks", "diagnostics_channel", "string_decoder", "constants", "sys"];

pub fn is_core(name: &str) -> bool {
    CORE.contains(&name)
}

fn file_exists(ctx: &Ctx, p: &str) -> bool {
    matches!(ctx.fs.get(p).map(|n| &n.kind), Some(NodeKind::File(_)))
        || matches!(ctx.fs.get(p).map(|n| &n.kind), Some(NodeKind::Symlink(_))) && ctx.fs.canonical(p).is_some_and(|c| matches!(ctx.fs.get(&c).map(|n| &n.kind), Some(NodeKind::File(_))))
}

fn dir_exists(ctx: &Ctx, p: &str) -> bool {
    ctx.fs.get(p).is_some_and(|n| n.is_dir())
}

pub fn read_text(ctx: &Ctx, p: &str) -> Option<String> {
    let real = ctx.fs.canonical(p)?;
    match &ctx.fs.get(&real)?.kind {
        NodeKind::File(d) => Some(String::from_utf8_lossy(d).into_owned()),
        _ => None,
    }
}

fn package_json(ctx: &Ctx, dir: &str) -> Option<serde_json::Value> {
    let t = read_text(ctx, &crate::vfs::join(dir, "package.json"))?;
    serde_json::from_str(&t).ok()
}

fn try_file(ctx: &Ctx, p: &str) -> Option<String> {
    if file_exists(ctx, p) {
        return Some(p.to_string());
    }
    for ext in [".js", ".json", ".node", ".cjs", ".mjs"] {
        let c = format!("{p}{ext}");
        if file_exists(ctx, &c) {
            return Some(c);
        }
    }
    None
}

fn try_dir(ctx: &Ctx, p: &str) -> Option<String> {
    if !dir_exists(ctx, p) {
        return None;
    }
    if let Some(pj) = package_json(ctx, p) {
        if let Some(main) = pj.get("main").and_then(|m| m.as_str()) {
            let m = normalize(p, main);
            if let Some(f) = try_file(ctx, &m).or_else(|| try_index(ctx, &m)) {
                return Some(f);
            }
        }
    }
    try_index(ctx, p)
}

fn try_index(ctx: &Ctx, p: &str) -> Option<String> {
    for f in ["index.js", "index.json", "index.node"] {
        let c = crate::vfs::join(p, f);
        if file_exists(ctx, &c) {
            return Some(c);
        }
    }
    None
}

/// CommonJS resolution of `spec` from a module in `dir`.
pub fn resolve(ctx: &Ctx, dir: &str, spec: &str) -> Option<String> {
    if spec.starts_with('/') || spec.starts_with("./") || spec.starts_with("../") || spec == "." || spec == ".." {
        let p = normalize(dir, spec);
        return try_file(ctx, &p).or_else(|| try_dir(ctx, &p));
    }
    let mut d = dir.to_string();
    let mut guard = 0;
    loop {
        guard += 1;
        if guard > 64 {
            return None;
        }
        if !d.ends_with("/node_modules") {
            let base = crate::vfs::join(&d, "node_modules");
            let p = crate::vfs::join(&base, spec);
            if let Some(f) = try_file(ctx, &p).or_else(|| try_dir(ctx, &p)) {
                return Some(f);
            }
        }
        if d == "/" {
            return None;
        }
        d = parent(&d).to_string();
    }
}

/// Does the nearest package.json say `"type": "module"`?
fn package_type_module(ctx: &Ctx, file: &str) -> (bool, Option<String>) {
    let mut d = parent(file).to_string();
    let mut guard = 0;
    loop {
        guard += 1;
        let pj = crate::vfs::join(&d, "package.json");
        if file_exists(ctx, &pj) {
            let t = package_json(ctx, &d);
            let m = t.as_ref().and_then(|v| v.get("type")).and_then(|t| t.as_str()) == Some("module");
            return (m, Some(pj));
        }
        if d == "/" || guard > 64 || d.ends_with("/node_modules") {
            return (false, None);
        }
        d = parent(&d).to_string();
    }
}

/// Node versions that re-parse a `.js` file with module syntax as an ES module.
pub fn detects_module_syntax(version: &str) -> bool {
    let mut it = version.split('.').map(|x| x.parse::<u32>().unwrap_or(0));
    let (a, b) = (it.next().unwrap_or(0), it.next().unwrap_or(0));
    (a == 20 && b >= 19) || (a == 22 && b >= 12) || a >= 23
}

fn module_not_found(vm: &mut Vm, spec: &str, require_stack: &[String], internal: bool) -> Val {
    let mut msg = format!("Cannot find module '{spec}'");
    if !require_stack.is_empty() {
        msg.push_str("\nRequire stack:");
        for r in require_stack {
            msg.push_str(&format!("\n- {r}"));
        }
    }
    let e = vm.error(ErrKind::Error, &msg);
    if let Val::Obj(o) = &e {
        let t = super::frames::table(vm.host.version.major);
        let user = vm.stack_lines(0);
        let internal_frames: &[&str] = if internal { t.missing_main } else { t.require };
        let mut frames: Vec<String> = internal_frames.iter().map(|s| s.to_string()).collect();
        if !internal {
            frames.extend(user);
        }
        frames.truncate(10);
        if let Kind::Error(info) = &mut vm.heap.get_mut(*o).kind {
            info.frames = frames;
        }
        vm.define(*o, Key::s("code"), Val::str("MODULE_NOT_FOUND"), DEFAULT);
        let rs: Vec<Val> = require_stack.iter().map(|s| Val::Str(s.as_str().into())).collect();
        let rs = vm.new_array(rs);
        vm.define(*o, Key::s("requireStack"), rs, DEFAULT);
        let arrow = format!("{}\n  throw err;\n  ^\n", t.loader_throw);
        vm.host.internal_arrows.push((*o, arrow));
    }
    e
}

/// The require stack for an error from a module: the module, then its parents.
fn require_stack(vm: &Vm, from: &str) -> Vec<String> {
    let mut out = vec![from.to_string()];
    let mut cur = from.to_string();
    let mut guard = 0;
    while let Some((_, p)) = vm.host.module_parents.iter().find(|(c, _)| **c == *cur) {
        guard += 1;
        if guard > 50 || p.is_empty() {
            break;
        }
        out.push(p.to_string());
        cur = p.to_string();
    }
    out
}

fn require_fn(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let from = match &c.data {
        Val::Str(s) => s.clone(),
        _ => "".into(),
    };
    let spec = c.arg(0);
    let Val::Str(spec) = spec else {
        let shown = super::inspect::inspect(vm, ctx, &spec, &super::inspect::Opts::default());
        let e = vm.error(ErrKind::Type, &format!("The \"id\" argument must be of type string. Received {}", received(&spec, &shown)));
        return Err(e);
    };
    if spec.is_empty() {
        return Err(vm.error(ErrKind::Type, "The argument 'id' must be a non-empty string. Received ''"));
    }
    require(vm, ctx, &from, &spec)
}

fn received(v: &Val, shown: &str) -> String {
    match v {
        Val::Undef => "undefined".into(),
        Val::Null => "null".into(),
        Val::Num(_) => format!("type number ({shown})"),
        Val::Bool(_) => format!("type boolean ({shown})"),
        _ => format!("an instance of {shown}"),
    }
}

type Res = Result<Val, Val>;

/// `require(spec)` from the module at `from`.
pub fn require(vm: &mut Vm, ctx: &mut Ctx, from: &str, spec: &str) -> Res {
    let name = spec.strip_prefix("node:").unwrap_or(spec);
    if spec.starts_with("node:") || is_core(name) {
        if spec.starts_with("node:") && !is_core(name) {
            let e = vm.error(ErrKind::Error, &format!("No such built-in module: {spec}"));
            if let Val::Obj(o) = &e {
                vm.define(*o, Key::s("code"), Val::str("ERR_UNKNOWN_BUILTIN_MODULE"), DEFAULT);
                super::process::set_node_error_name(vm, *o, "Error", "ERR_UNKNOWN_BUILTIN_MODULE");
            }
            return Err(e);
        }
        return builtin(vm, ctx, name);
    }
    if let Some(lib) = spec.strip_prefix("dockling:") {
        if vm.host.internal_files.iter().any(|f| **f == *from) {
            if lib == "host" {
                return Ok(super::node::host_binding(vm));
            }
            if let Some(js) = lib_source(lib) {
                return load_internal(vm, ctx, spec, js);
            }
        }
    }
    let dir = if from.is_empty() { vm.host.cwd.clone() } else { parent(from).to_string() };
    let Some(path) = resolve(ctx, &dir, spec) else {
        let stack = if from.is_empty() { Vec::new() } else { require_stack(vm, from) };
        return Err(module_not_found(vm, spec, &stack, false));
    };
    load_cjs(vm, ctx, &path, from)
}

/// Instantiates (once) a built-in module.
pub fn builtin(vm: &mut Vm, ctx: &mut Ctx, name: &str) -> Res {
    let key: &'static str = match CORE.iter().find(|c| **c == name) {
        Some(k) => k,
        None => return Err(vm.fatal(&format!("the {name} module is not simulated"))),
    };
    if let Some((_, v)) = vm.host.builtin_modules.iter().find(|(n, _)| *n == key) {
        return Ok(v.clone());
    }
    if UNSIMULATED.contains(&key) {
        return Err(vm.fatal(&format!("the {key} module is not simulated")));
    }
    let v = match key {
        "process" => vm.host.process.clone(),
        "sys" => return builtin(vm, ctx, "util"),
        "path/posix" => return builtin(vm, ctx, "path"),
        "assert/strict" => return builtin(vm, ctx, "assert"),
        "fs/promises" => {
            let fs = builtin(vm, ctx, "fs")?;
            vm.get_str(ctx, &fs, "promises")?
        }
        "readline/promises" => {
            let rl = builtin(vm, ctx, "readline")?;
            vm.get_str(ctx, &rl, "promises")?
        }
        k => match lib_source(k) {
            Some(src) => {
                let path = format!("node:{k}");
                load_internal(vm, ctx, &path, src)?
            }
            None => super::node::native_module(vm, ctx, k)?,
        },
    };
    vm.host.builtin_modules.push((key, v.clone()));
    Ok(v)
}

/// Runs one of the bundled JavaScript modules (frames from it are hidden in traces).
pub fn load_internal(vm: &mut Vm, ctx: &mut Ctx, path: &str, src: &str) -> Res {
    if let Some((_, m)) = vm.host.modules.iter().find(|(p, _)| &**p == path) {
        let m = *m;
        return vm.get_str(ctx, &Val::Obj(m), "exports");
    }
    vm.host.internal_files.push(path.into());
    let script = Rc::new(Script { name: path.into(), src: src.into(), internal: true });
    run_cjs(vm, ctx, script, path, "", false)
}

fn new_module(vm: &mut Vm, path: &str) -> (Oid, Oid) {
    let m = vm.new_object();
    let exports = vm.new_object();
    vm.define(m, Key::s("id"), Val::Str(path.into()), DEFAULT);
    vm.define(m, Key::s("path"), Val::Str(parent(path).into()), DEFAULT);
    vm.define(m, Key::s("exports"), Val::Obj(exports), DEFAULT);
    vm.define(m, Key::s("filename"), Val::Str(path.into()), DEFAULT);
    vm.define(m, Key::s("loaded"), Val::Bool(false), DEFAULT);
    let ch = vm.new_array(Vec::new());
    vm.define(m, Key::s("children"), ch, DEFAULT);
    vm.host.modules.push((path.into(), m));
    (m, exports)
}

/// Loads a CommonJS file (cached).
pub fn load_cjs(vm: &mut Vm, ctx: &mut Ctx, path: &str, from: &str) -> Res {
    if let Some((_, m)) = vm.host.modules.iter().find(|(p, _)| &**p == path) {
        let m = *m;
        return vm.get_str(ctx, &Val::Obj(m), "exports");
    }
    let Some(src) = read_text(ctx, path) else {
        let stack = if from.is_empty() { Vec::new() } else { require_stack(vm, from) };
        return Err(module_not_found(vm, path, &stack, from.is_empty()));
    };
    vm.host.module_parents.push((path.into(), from.into()));
    if path.ends_with(".json") {
        return match super::builtins::json::parse_text(vm, &src) {
            Ok(v) => {
                let (m, _) = new_module(vm, path);
                vm.define(m, Key::s("exports"), v.clone(), DEFAULT);
                Ok(v)
            }
            Err(msg) => Err(vm.error(ErrKind::Syntax, &format!("{path}: {msg}"))),
        };
    }
    if path.ends_with(".node") {
        return Err(vm.fatal("native addons (.node files) are not simulated"));
    }
    // A package npm installed as data only, or one Dockling simulates.
    if let Some(rest) = src.strip_prefix("/*#!dockling:package ") {
        let name = rest.split_whitespace().next().unwrap_or("").trim_end_matches("*/").to_string();
        let base = name.rsplit_once('@').filter(|(n, _)| !n.is_empty()).map(|(n, _)| n.to_string()).unwrap_or(name.clone());
        return match lib_source(&base) {
            Some(js) => {
                let key = format!("dockling:{base}");
                let root = parent(path).to_string();
                let b = super::node::host_binding(vm);
                if let Val::Obj(bo) = b {
                    vm.define(bo, Key::S(format!("{}Root", base.replace('-', "")).into()), Val::Str(root.into()), DEFAULT);
                }
                if let Some((_, m)) = vm.host.modules.iter().find(|(p, _)| **p == *key) {
                    let m = *m;
                    return vm.get_str(ctx, &Val::Obj(m), "exports");
                }
                let v = load_internal(vm, ctx, &key, js)?;
                Ok(v)
            }
            None => Err(vm.fatal(&format!("the {base} package is installed but its code is not simulated"))),
        };
    }
    let (esm_by_type, _) = package_type_module(ctx, path);
    if path.ends_with(".mjs") || (esm_by_type && !path.ends_with(".cjs")) {
        if vm.host.version.major < 22 || !require_esm_supported(&vm.host.version.version) {
            let e = vm.error(ErrKind::Error, &format!("require() of ES Module {path} from {from} not supported."));
            if let Val::Obj(o) = &e {
                vm.define(*o, Key::s("code"), Val::str("ERR_REQUIRE_ESM"), DEFAULT);
                super::process::set_node_error_name(vm, *o, "Error", "ERR_REQUIRE_ESM");
            }
            return Err(e);
        }
        let ns = load_esm(vm, ctx, path)?;
        return Ok(ns);
    }
    let script = Rc::new(Script { name: path.into(), src: src.into(), internal: vm.host.internal_files.iter().any(|f| **f == *path) });
    run_cjs(vm, ctx, script, path, from, false)
}

fn require_esm_supported(version: &str) -> bool {
    let mut it = version.split('.').map(|x| x.parse::<u32>().unwrap_or(0));
    let (a, b) = (it.next().unwrap_or(0), it.next().unwrap_or(0));
    (a == 22 && b >= 12) || a >= 23 || (a == 20 && b >= 19)
}

/// Builds the `require` function of a module.
pub fn make_require(vm: &mut Vm, path: &str) -> Val {
    let f = vm.native_with(require_fn, Val::Str(path.into()));
    vm.hide(f);
    vm.heap.get_mut(f).props.insert(Key::s("name"), Slot::V(Val::str("require")), CONF);
    vm.heap.get_mut(f).props.insert(Key::s("length"), Slot::V(Val::Num(1.0)), CONF);
    let r = vm.native_with(resolve_fn, Val::Str(path.into()));
    vm.define(f, Key::s("resolve"), Val::Obj(r), DEFAULT);
    if let Some(m) = vm.host.main_module {
        vm.define(f, Key::s("main"), Val::Obj(m), DEFAULT);
    }
    let cache = vm.new_object();
    vm.define(f, Key::s("cache"), Val::Obj(cache), DEFAULT);
    Val::Obj(f)
}

fn resolve_fn(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let from = match &c.data {
        Val::Str(s) => s.to_string(),
        _ => String::new(),
    };
    let spec = super::builtins::arg_str(vm, ctx, c, 0)?;
    if is_core(spec.strip_prefix("node:").unwrap_or(&spec)) {
        return Ok(Val::Str(spec));
    }
    match resolve(ctx, parent(&from), &spec) {
        Some(p) => Ok(Val::Str(p.into())),
        None => {
            let stack = require_stack(vm, &from);
            Err(module_not_found(vm, &spec, &stack, false))
        }
    }
}

/// Compiles and runs a CommonJS module; the main module is started as a task instead
/// (`main` = true returns the wrapper call's frame left for the event loop).
fn run_cjs(vm: &mut Vm, ctx: &mut Ctx, script: Rc<Script>, path: &str, from: &str, main: bool) -> Res {
    let opts = Options { module: false, name_unexpected_identifiers: vm.host.version.major >= 20 };
    let (parsed, module_syntax) = parse_detect(&script.src, opts);
    let body = match parsed {
        Ok(b) => b,
        Err(e) => {
            if module_syntax.is_some() && !script.internal && detects_module_syntax(&vm.host.version.version) && path.ends_with(".js") {
                return load_esm(vm, ctx, path);
            }
            return Err(syntax_error_value(vm, &script, &e.msg, e.start, e.end));
        }
    };
    let f = wrapper(body, Unit::CommonJs, false);
    let code = match compile_program(&f, script.clone(), Unit::CommonJs) {
        Ok(c) => c,
        Err(e) => return Err(syntax_error_value(vm, &script, &e.msg, e.start, e.end)),
    };
    let (m, exports) = new_module(vm, path);
    if main {
        vm.host.main_module = Some(m);
    }
    let req = make_require(vm, path);
    let closure = vm.heap.alloc(Obj::new(
        Some(vm.realm.function_proto),
        Kind::Func(Box::new(Closure { code, cells: Vec::new(), home: None, fields: None, is_class: false })),
    ));
    let dir = parent(path).to_string();
    let args = vec![Val::Obj(exports), req, Val::Obj(m), Val::Str(path.into()), Val::Str(dir.into())];
    let _ = from;
    if main {
        return Ok(Val::Obj(closure)).map(|c| {
            vm.host.main_call = Some((c, Val::Obj(exports), args));
            Val::Undef
        });
    }
    vm.call(ctx, &Val::Obj(closure), Val::Obj(exports), args)?;
    vm.define(m, Key::s("loaded"), Val::Bool(true), DEFAULT);
    vm.get_str(ctx, &Val::Obj(m), "exports")
}

/// A SyntaxError value for a file that does not parse (with the loader's frames).
pub fn syntax_error_value(vm: &mut Vm, script: &Script, msg: &str, start: u32, end: u32) -> Val {
    if let Some(what) = msg.strip_prefix("dockling: node: ") {
        return vm.fatal(what);
    }
    let e = vm.error(ErrKind::Syntax, msg);
    if let Val::Obj(o) = &e {
        let t = super::frames::table(vm.host.version.major);
        let frames: Vec<String> = t.syntax.iter().map(|s| s.to_string()).collect();
        if let Kind::Error(info) = &mut vm.heap.get_mut(*o).kind {
            info.frames = frames;
        }
        let arrow = if start as usize >= script.src.len() && msg == "Unexpected end of input" {
            let n = script.src.matches('\n').count() + 1;
            format!("{}:{n}\n\n\n", script.name)
        } else {
            super::errors::arrow(script, start, end)
        };
        vm.host.internal_arrows.push((*o, arrow));
    }
    e
}

/// Prepares the main module: compiles it and leaves the call for the event loop.
pub fn start_main(vm: &mut Vm, ctx: &mut Ctx, path: &str) -> Result<(), Val> {
    let Some(src) = read_text(ctx, path) else {
        return Err(module_not_found(vm, path, &[], true));
    };
    let (esm_by_type, _) = package_type_module(ctx, path);
    if path.ends_with(".mjs") || (esm_by_type && !path.ends_with(".cjs")) {
        return start_esm_main(vm, ctx, path, &src);
    }
    let script = Rc::new(Script { name: path.into(), src: src.into(), internal: false });
    let opts = Options { module: false, name_unexpected_identifiers: vm.host.version.major >= 20 };
    let (parsed, module_syntax) = parse_detect(&script.src, opts);
    if let Err(e) = &parsed {
        if module_syntax.is_some() && detects_module_syntax(&vm.host.version.version) && !path.ends_with(".cjs") {
            return start_esm_main(vm, ctx, path, &script.src.clone());
        }
        return Err(syntax_error_value(vm, &script, &e.msg, e.start, e.end));
    }
    vm.host.module_parents.push((path.into(), "".into()));
    run_cjs(vm, ctx, script, path, "", true).map(|_| ())
}

fn start_esm_main(vm: &mut Vm, ctx: &mut Ctx, path: &str, src: &str) -> Result<(), Val> {
    vm.host.esm_main = true;
    let (closure, ns) = compile_esm(vm, ctx, path, src)?;
    vm.host.main_call = Some((closure, Val::Undef, vec![Val::Obj(ns)]));
    Ok(())
}

fn compile_esm(vm: &mut Vm, _ctx: &mut Ctx, path: &str, src: &str) -> Result<(Val, Oid), Val> {
    let url = format!("file://{path}");
    let script = Rc::new(Script { name: url.into(), src: src.into(), internal: false });
    let opts = Options { module: true, name_unexpected_identifiers: vm.host.version.major >= 20 };
    let (body, top_await) = match super::parse::parse_program(&script.src, opts) {
        Ok(b) => b,
        Err(e) => return Err(syntax_error_value(vm, &script, &e.msg, e.start, e.end)),
    };
    let f = wrapper(body, Unit::Module, top_await);
    let code = match compile_program(&f, script.clone(), Unit::Module) {
        Ok(c) => c,
        Err(e) => return Err(syntax_error_value(vm, &script, &e.msg, e.start, e.end)),
    };
    let ns = vm.heap.alloc(Obj::new(None, Kind::Ordinary));
    vm.heap.get_mut(ns).tag = Some("Module");
    let m = vm.new_object();
    vm.define(m, Key::s("exports"), Val::Obj(ns), DEFAULT);
    vm.host.modules.push((path.into(), m));
    let closure = vm.heap.alloc(Obj::new(
        Some(vm.realm.function_proto),
        Kind::Func(Box::new(Closure { code, cells: Vec::new(), home: None, fields: None, is_class: false })),
    ));
    Ok((Val::Obj(closure), ns))
}

/// Loads an ES module file (imported or required), running it now.
fn load_esm(vm: &mut Vm, ctx: &mut Ctx, path: &str) -> Res {
    if let Some((_, m)) = vm.host.modules.iter().find(|(p, _)| &**p == path) {
        let m = *m;
        return vm.get_str(ctx, &Val::Obj(m), "exports");
    }
    let Some(src) = read_text(ctx, path) else {
        return Err(module_not_found(vm, path, &[], false));
    };
    let (closure, ns) = compile_esm(vm, ctx, path, &src)?;
    let r = vm.call(ctx, &closure, Val::Undef, vec![Val::Obj(ns)])?;
    if vm.is_promise(&r) {
        // Top-level await in an imported module: only settled promises are supported.
        if let Val::Obj(p) = &r {
            if let Kind::Promise(pd) = &vm.heap.get(*p).kind {
                match &pd.state {
                    PState::Rejected(e) => return Err(e.clone()),
                    PState::Pending => return Err(vm.fatal("top-level await in an imported module is not simulated")),
                    _ => {}
                }
            }
        }
    }
    Ok(Val::Obj(ns))
}

/// `import spec` from the module at `script` (ESM resolution: extensions are not added).
pub fn import(vm: &mut Vm, ctx: &mut Ctx, script: &Script, spec: &str) -> Res {
    let from = script.name.strip_prefix("file://").unwrap_or(&script.name).to_string();
    let name = spec.strip_prefix("node:").unwrap_or(spec);
    if spec.starts_with("node:") || is_core(name) {
        let v = require(vm, ctx, &from, spec)?;
        return Ok(namespace_of(vm, ctx, &v));
    }
    let dir = parent(&from).to_string();
    let resolved = if spec.starts_with('/') || spec.starts_with("./") || spec.starts_with("../") {
        let p = normalize(&dir, spec);
        if file_exists(ctx, &p) {
            Some(p)
        } else {
            let e = vm.error(ErrKind::Error, &format!("Cannot find module '{p}' imported from {from}"));
            if let Val::Obj(o) = &e {
                vm.define(*o, Key::s("code"), Val::str("ERR_MODULE_NOT_FOUND"), DEFAULT);
                vm.define(*o, Key::s("url"), Val::Str(format!("file://{p}").into()), DEFAULT);
                super::process::set_node_error_name(vm, *o, "Error", "ERR_MODULE_NOT_FOUND");
            }
            return Err(e);
        }
    } else {
        resolve(ctx, &dir, spec)
    };
    let Some(path) = resolved else {
        let e = vm.error(ErrKind::Error, &format!("Cannot find package '{spec}' imported from {from}"));
        if let Val::Obj(o) = &e {
            vm.define(*o, Key::s("code"), Val::str("ERR_MODULE_NOT_FOUND"), DEFAULT);
            super::process::set_node_error_name(vm, *o, "Error", "ERR_MODULE_NOT_FOUND");
        }
        return Err(e);
    };
    let (esm_by_type, _) = package_type_module(ctx, &path);
    if path.ends_with(".mjs") || (esm_by_type && !path.ends_with(".cjs") && !path.ends_with(".json")) {
        return load_esm(vm, ctx, &path);
    }
    let v = load_cjs(vm, ctx, &path, &from)?;
    Ok(namespace_of(vm, ctx, &v))
}

/// The namespace of a CommonJS module: `default` is `module.exports`, plus its own keys.
fn namespace_of(vm: &mut Vm, ctx: &mut Ctx, v: &Val) -> Val {
    if let Val::Obj(o) = v {
        if vm.heap.get(*o).tag == Some("Module") {
            return v.clone();
        }
    }
    let ns = vm.heap.alloc(Obj::new(None, Kind::Ordinary));
    vm.heap.get_mut(ns).tag = Some("Module");
    if let Val::Obj(o) = v {
        for k in vm.own_keys(*o, false) {
            if let Ok(x) = vm.get_obj(ctx, *o, &Key::S(k.clone()), v) {
                vm.define(ns, Key::S(k), x, DEFAULT);
            }
        }
    }
    vm.define(ns, Key::s("default"), v.clone(), DEFAULT);
    Val::Obj(ns)
}

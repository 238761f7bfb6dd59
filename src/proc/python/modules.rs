//! Imports and the standard modules: native `sys`, `os`, `os.path`, `time`, `math`, `random`,
//! `json`; pure-Python ones (`datetime`, `collections`…) embedded from `lib/`; user modules and
//! installed packages from the container's file system.

use std::rc::Rc;

use super::ops::{as_f64, as_int, int_of_big};
use super::value::*;
use super::vm::{exc, Flow, FrameRet, PyResult, Vm};
use crate::proc::program::Ctx;
use crate::vfs::{Meta, NodeKind};

/// Standard-library modules that exist in CPython (so a missing one is "not simulated", not
/// "No module named").
const STDLIB: &str = "abc aifc argparse array ast asyncio atexit base64 bdb binascii bisect builtins bz2 calendar cgi cgitb chunk cmath cmd code codecs codeop collections colorsys compileall concurrent configparser contextlib contextvars copy copyreg cProfile crypt csv ctypes curses dataclasses datetime dbm decimal difflib dis doctest email encodings ensurepip enum errno faulthandler fcntl filecmp fileinput fnmatch fractions ftplib functools gc getopt getpass gettext glob graphlib grp gzip hashlib heapq hmac html http idlelib imaplib imghdr importlib inspect io ipaddress itertools json keyword lib2to3 linecache locale logging lzma mailbox mailcap marshal math mimetypes mmap modulefinder multiprocessing netrc nntplib numbers operator optparse os pathlib pdb pickle pickletools pipes pkgutil platform plistlib poplib posix pprint profile pstats pty pwd py_compile pyclbr pydoc queue quopri random re readline reprlib resource rlcompleter runpy sched secrets select selectors shelve shlex shutil signal site smtplib sndhdr socket socketserver sqlite3 ssl stat statistics string stringprep struct subprocess sunau symtable sys sysconfig syslog tabnanny tarfile telnetlib tempfile termios textwrap threading time timeit tkinter token tokenize tomllib trace traceback tracemalloc tty turtle types typing unicodedata unittest urllib uu uuid venv warnings wave weakref webbrowser wsgiref xml xmlrpc zipapp zipfile zipimport zlib zoneinfo _thread __future__";

pub fn is_stdlib(name: &str) -> bool {
    STDLIB.split(' ').any(|m| m == name)
}

/// Pure-Python modules shipped with the simulator.
fn embedded(name: &str) -> Option<&'static str> {
    Some(match name {
        "datetime" => include_str!("lib/datetime.py"),
        "collections" => include_str!("lib/collections.py"),
        "functools" => include_str!("lib/functools.py"),
        "itertools" => include_str!("lib/itertools.py"),
        "string" => include_str!("lib/string.py"),
        "typing" => include_str!("lib/typing.py"),
        "dataclasses" => include_str!("lib/dataclasses.py"),
        "copy" => include_str!("lib/copy.py"),
        "traceback" => include_str!("lib/traceback.py"),
        "statistics" => include_str!("lib/statistics.py"),
        "logging" => include_str!("lib/logging.py"),
        "abc" => "def abstractmethod(f):\n    return f\nclass ABC:\n    pass\n",
        "__future__" => "annotations = None\n",
        "signal" => include_str!("lib/signal.py"),
        "http" => "",
        "http.server" => include_str!("lib/http_server.py"),
        "_dockling_wsgi" => include_str!("lib/wsgi.py"),
        "flask" => include_str!("lib/flask.py"),
        "werkzeug" => "__version__ = '3.1.3'\nfrom _dockling_wsgi import run_simple\n",
        "werkzeug.serving" => "from _dockling_wsgi import run_simple\n",
        "dotenv" => include_str!("lib/dotenv.py"),
        "waitress" => include_str!("lib/waitress.py"),
        "gunicorn" => "__version__ = '23.0.0'\nversion_info = (23, 0, 0)\n",
        "gunicorn.app" => "",
        "gunicorn.app.wsgiapp" => include_str!("lib/gunicorn.py"),
        "markupsafe" => include_str!("lib/markupsafe.py"),
        "jinja2" => "from flask import render_template_string as _r\nclass Template:\n    def __init__(self, source):\n        self.source = source\n    def render(self, **context):\n        return _r(self.source, **context)\n",
        "itsdangerous" => "",
        "click" => "def echo(message=''):\n    print(message)\n",
        "blinker" => "",
        _ => return None,
    })
}

/// Installed third-party packages the simulator implements (others import as "not simulated").
const SIMULATED_PACKAGES: [&str; 11] = [
    "flask", "werkzeug", "jinja2", "markupsafe", "itsdangerous", "click", "blinker", "dotenv",
    "waitress", "gunicorn", "packaging",
];

fn new_module(vm: &mut Vm, name: &str, file: Option<&str>) -> u32 {
    let mut attrs = Attrs::default();
    attrs.set(Rc::from("__name__"), Value::str(name));
    attrs.set(Rc::from("__doc__"), Value::None);
    if let Some(f) = file {
        attrs.set(Rc::from("__file__"), Value::str(f));
    }
    let id = vm.heap.alloc(Obj::Module(Module {
        name: Rc::from(name),
        attrs,
        file: file.map(Rc::from),
    }));
    vm.modules.push((Rc::from(name), id));
    id
}

fn set(vm: &mut Vm, m: u32, k: &str, v: Value) {
    vm.module_set(m, Rc::from(k), v);
}

fn funcs(vm: &mut Vm, m: u32, module: &str, names: &[&str]) {
    for n in names {
        set(vm, m, n, Value::Builtin(Rc::from(format!("{module}.{n}"))));
    }
}

impl Vm {
    pub fn find_module(&self, name: &str) -> Option<u32> {
        self.modules.iter().find(|(n, _)| &**n == name).map(|(_, m)| *m)
    }

    /// `import name`: pushes the top-level module (or, for `from … import`, the module itself).
    pub fn import(&mut self, ctx: &mut Ctx, name: &str) -> PyResult<()> {
        let (leaf, name) = match name.strip_prefix("from:") {
            Some(n) => (true, n),
            None => (false, name),
        };
        let name = if name.starts_with('.') {
            let g = self.top().globals;
            let pkg = self.module_get(g, "__package__");
            match pkg {
                Some(Value::Str(p)) if !p.is_empty() => {
                    let rest = name.trim_start_matches('.');
                    if rest.is_empty() {
                        p.to_string()
                    } else {
                        format!("{p}.{rest}")
                    }
                }
                _ => {
                    return Err(self.exc(exc::IMPORT, "attempted relative import with no known parent package"));
                }
            }
        } else {
            name.to_string()
        };
        let parts: Vec<&str> = name.split('.').collect();
        let mut top = None;
        let mut last = 0;
        for i in 0..parts.len() {
            let full = parts[..=i].join(".");
            let m = self.load_module(ctx, &full, i > 0)?;
            if i > 0 {
                let parent = parts[..i].join(".");
                if let Some(p) = self.find_module(&parent) {
                    self.module_set(p, Rc::from(parts[i]), Value::Obj(m));
                }
            } else {
                top = Some(m);
            }
            last = m;
        }
        let v = if leaf { last } else { top.unwrap_or(last) };
        self.push(Value::Obj(v));
        Ok(())
    }

    pub fn import_from(&mut self, ctx: &mut Ctx, m: &Value, name: &str) -> PyResult {
        if let Some(v) = self.getattr_opt(ctx, m, name)? {
            return Ok(v);
        }
        // A submodule: `from os import path`, `from http import server`.
        let mname = match self.obj(m) {
            Some(Obj::Module(md)) => md.name.clone(),
            _ => Rc::from("?"),
        };
        let full = format!("{mname}.{name}");
        if let Ok(sub) = self.load_module(ctx, &full, true) {
            self.module_set(m.as_obj().unwrap_or(0), Rc::from(name), Value::Obj(sub));
            return Ok(Value::Obj(sub));
        }
        let file = match self.obj(m) {
            Some(Obj::Module(md)) => md.file.clone(),
            _ => None,
        };
        let loc = match file {
            Some(f) => format!(" ({f})"),
            None => " (unknown location)".to_string(),
        };
        let mut msg = format!("cannot import name '{name}' from '{mname}'{loc}");
        if self.version.at_least(12) {
            let cands: Vec<String> = self.dir_names(m).into_iter().filter(|c| !c.starts_with('_')).collect();
            if let Some(s) = super::traceback::suggest(name, &cands) {
                msg = format!("cannot import name '{name}' from '{mname}'{loc}. Did you mean: '{s}'?");
            }
        }
        Err(self.exc(exc::IMPORT, msg))
    }

    fn not_found(&mut self, name: &str) -> Flow {
        let e = self.make_exc(exc::MODULE_NOT_FOUND, vec![Value::str(&format!("No module named '{name}'"))]);
        if let Some(Obj::Inst(i)) = self.obj_mut(&e) {
            i.attrs.set(Rc::from("name"), Value::str(name));
        }
        Flow::Exc(e)
    }

    pub fn load_module(&mut self, ctx: &mut Ctx, name: &str, sub: bool) -> PyResult<u32> {
        if let Some(m) = self.find_module(name) {
            return Ok(m);
        }
        if let Some(m) = native_module(self, ctx, name) {
            return Ok(m);
        }
        // User modules next to the script, then site-packages.
        let rel = name.replace('.', "/");
        let dirs = [self.path0.clone(), self.site_packages.clone()];
        for (k, dir) in dirs.iter().enumerate() {
            for (cand, is_pkg) in [(format!("{dir}/{rel}.py"), false), (format!("{dir}/{rel}/__init__.py"), true)] {
                let Some(node) = ctx.fs.get(&cand) else { continue };
                let NodeKind::File(data) = &node.kind else { continue };
                let src = String::from_utf8_lossy(data).to_string();
                let top = name.split('.').next().unwrap_or(name);
                if k == 1 && src.starts_with("# dockling:") {
                    // A package installed by the simulated pip.
                    let Some(lib) = embedded(name).filter(|_| SIMULATED_PACKAGES.contains(&top)) else {
                        return Err(self.unsupported(&format!("the package '{top}'")));
                    };
                    return self.exec_module(ctx, name, lib, &cand, is_pkg, true);
                }
                return self.exec_module(ctx, name, &src, &cand, is_pkg, false);
            }
            // A directory without __init__.py is a namespace package.
            if k == 0 {
                if let Some(node) = ctx.fs.get(&format!("{dir}/{rel}")) {
                    if node.is_dir() && !rel.is_empty() {
                        let m = new_module(self, name, None);
                        set(self, m, "__path__", Value::None);
                        return Ok(m);
                    }
                }
            }
        }
        // Embedded standard modules, and submodules of installed simulated packages.
        let top = name.split('.').next().unwrap_or(name);
        if SIMULATED_PACKAGES.contains(&top) && name != top {
            let marker = format!("{}/{top}/__init__.py", self.site_packages);
            if ctx.fs.get(&marker).is_some() {
                if let Some(src) = embedded(name) {
                    let file = format!("{}/{}.py", self.site_packages, rel);
                    return self.exec_module(ctx, name, src, &file, false, true);
                }
            }
        }
        if !SIMULATED_PACKAGES.contains(&top) || top == "_dockling_wsgi" {
            if let Some(src) = embedded(name) {
                let file = format!("/usr/local/lib/python3.{}/{}.py", self.version.minor, rel);
                return self.exec_module(ctx, name, src, &file, false, true);
            }
        }
        if is_stdlib(top) {
            return Err(self.unsupported(&format!("the module '{name}'")));
        }
        let _ = sub;
        Err(self.not_found(name))
    }

    fn exec_module(&mut self, ctx: &mut Ctx, name: &str, src: &str, file: &str, is_pkg: bool, hidden: bool) -> PyResult<u32> {
        let code = match super::compile_source(src, file, self.version, false) {
            Ok((c, warnings)) => {
                super::print_warnings(self, ctx, &warnings, src, file);
                if hidden {
                    super::mark_hidden(c)
                } else {
                    c
                }
            }
            Err(e) => return Err(super::syntax_error_value(self, &e, src, file)),
        };
        let m = new_module(self, name, Some(file));
        let pkg = if is_pkg {
            name.to_string()
        } else {
            name.rsplit_once('.').map(|(p, _)| p.to_string()).unwrap_or_default()
        };
        set(self, m, "__package__", Value::str(&pkg));
        let depth = self.frames.len();
        let mut frame = self.new_frame(code, m, Vec::new(), Vec::new());
        frame.ret = FrameRet::Module(m);
        self.push_frame(frame)?;
        match self.run_pushed(ctx, depth) {
            Ok(_) => Ok(m),
            Err(e) => {
                self.modules.retain(|(n, _)| &**n != name);
                Err(e)
            }
        }
    }

    /// `eval`/`exec` with a globals dict: runs in a scratch module, then copies names back.
    pub fn run_string_in(&mut self, ctx: &mut Ctx, src: &str, is_eval: bool, globals: &Value) -> PyResult {
        let m = self.heap.alloc(Obj::Module(Module {
            name: Rc::from("__main__"),
            attrs: Attrs::default(),
            file: None,
        }));
        let items = match self.obj(globals) {
            Some(Obj::Dict(d)) => d.entries.clone(),
            _ => Vec::new(),
        };
        for (k, v) in items {
            if let Value::Str(k) = k {
                self.module_set(m, k, v);
            }
        }
        let text = if is_eval { format!("__dockling_eval__ = ({})\n", src.trim()) } else { src.to_string() };
        let code = match super::compile_source(&text, "<string>", self.version, false) {
            Ok((c, _)) => c,
            Err(e) => return Err(super::syntax_error_value(self, &e, &text, "<string>")),
        };
        let depth = self.frames.len();
        let frame = self.new_frame(code, m, Vec::new(), Vec::new());
        self.push_frame(frame)?;
        self.run_pushed(ctx, depth)?;
        let attrs = match self.heap.get(m) {
            Obj::Module(md) => md.attrs.items.clone(),
            _ => Vec::new(),
        };
        let mut result = Value::None;
        for (k, v) in attrs {
            if &*k == "__dockling_eval__" {
                result = v;
                continue;
            }
            if let Some(Obj::Dict(d)) = self.obj_mut(globals) {
                d.insert(Key::Str(k.clone()), Value::Str(k), v);
            }
        }
        Ok(result)
    }

    /// `eval`/`exec` of a string in the current globals.
    pub fn run_string(&mut self, ctx: &mut Ctx, src: &str, is_eval: bool) -> PyResult {
        let globals = self.top().globals;
        let text = if is_eval { format!("__dockling_eval__ = ({})\n", src.trim()) } else { src.to_string() };
        let code = match super::compile_source(&text, "<string>", self.version, false) {
            Ok((c, _)) => c,
            Err(e) => return Err(super::syntax_error_value(self, &e, &text, "<string>")),
        };
        let depth = self.frames.len();
        let frame = self.new_frame(code, globals, Vec::new(), Vec::new());
        self.push_frame(frame)?;
        self.run_pushed(ctx, depth)?;
        if is_eval {
            let v = self.module_get(globals, "__dockling_eval__").unwrap_or(Value::None);
            if let Some(Obj::Module(md)) = self.heap.get_mut(globals) {
                md.attrs.remove("__dockling_eval__");
            }
            return Ok(v);
        }
        Ok(Value::None)
    }
}

/// The class of `io.UnsupportedOperation`.
pub fn unsupported_operation_class(vm: &mut Vm) -> u32 {
    if let Some(Value::Obj(c)) = vm.module_get(vm.builtins, "__unsupported_operation__") {
        return c;
    }
    let ns = {
        let mut a = Attrs::default();
        a.set(Rc::from("__module__"), Value::str("io"));
        a
    };
    let c = vm
        .build_class(Rc::from("UnsupportedOperation"), vec![Value::Obj(exc::OS), Value::Obj(exc::VALUE)], ns, 0)
        .ok()
        .and_then(|v| v.as_obj())
        .unwrap_or(exc::OS);
    let b = vm.builtins;
    vm.module_set(b, Rc::from("__unsupported_operation__"), Value::Obj(c));
    c
}

/// Attributes computed on access: `sys.modules`.
pub fn lazy_attr(vm: &mut Vm, _ctx: &mut Ctx, module: &str, name: &str) -> Option<Value> {
    match (module, name) {
        ("sys", "modules") => {
            let mut d = Dict::default();
            for (n, m) in vm.modules.clone() {
                d.insert(Key::Str(n.clone()), Value::Str(n), Value::Obj(m));
            }
            Some(vm.new_dict(d))
        }
        _ => None,
    }
}

fn std_file(vm: &mut Vm, path: &str, writing: bool) -> Value {
    vm.alloc(Obj::File(File {
        path: path.into(),
        name: path.into(),
        mode: if writing { "w".into() } else { "r".into() },
        data: String::new(),
        pos: 0,
        closed: false,
        writing,
        binary: false,
    }))
}

/// Creates a native module (or returns `None` when `name` is not one).
fn native_module(vm: &mut Vm, ctx: &mut Ctx, name: &str) -> Option<u32> {
    let m = match name {
        "sys" => return Some(vm.sys),
        "builtins" => return Some(vm.builtins),
        "os" => {
            let m = new_module(vm, "os", Some(&format!("/usr/local/lib/python3.{}/os.py", vm.version.minor)));
            let mut env = Dict::default();
            for e in ctx.env {
                if let Some((k, v)) = e.split_once('=') {
                    env.insert(Key::Str(Rc::from(k)), Value::str(k), Value::str(v));
                }
            }
            let envv = vm.new_dict(env);
            set(vm, m, "environ", envv);
            set(vm, m, "sep", Value::str("/"));
            set(vm, m, "linesep", Value::str("\n"));
            set(vm, m, "name", Value::str("posix"));
            set(vm, m, "curdir", Value::str("."));
            set(vm, m, "pathsep", Value::str(":"));
            funcs(vm, m, "os", &[
                "getenv", "getcwd", "listdir", "getpid", "getppid", "mkdir", "makedirs", "remove",
                "unlink", "rmdir", "rename", "system", "cpu_count", "getuid", "chdir", "urandom",
                "walk", "putenv", "scandir", "stat", "kill", "_exit", "uname", "get_terminal_size",
            ]);
            let p = native_module(vm, ctx, "os.path")?;
            set(vm, m, "path", Value::Obj(p));
            m
        }
        "os.path" | "posixpath" => {
            let m = new_module(vm, "posixpath", Some(&format!("/usr/local/lib/python3.{}/posixpath.py", vm.version.minor)));
            if let Some(last) = vm.modules.last_mut() {
                last.0 = Rc::from("os.path");
            }
            funcs(vm, m, "os.path", &[
                "join", "exists", "isfile", "isdir", "basename", "dirname", "abspath", "splitext",
                "split", "expanduser", "getsize", "isabs", "normpath", "realpath", "relpath",
                "getmtime",
            ]);
            set(vm, m, "sep", Value::str("/"));
            m
        }
        "time" => {
            let m = new_module(vm, "time", None);
            funcs(vm, m, "time", &[
                "time", "sleep", "strftime", "localtime", "gmtime", "perf_counter", "monotonic",
                "ctime", "time_ns", "process_time", "perf_counter_ns", "monotonic_ns", "asctime", "mktime",
            ]);
            set(vm, m, "timezone", Value::Int(0));
            let tz = vm.new_tuple(vec![Value::str("UTC"), Value::str("UTC")]);
            set(vm, m, "tzname", tz);
            m
        }
        "math" => {
            let m = new_module(vm, "math", None);
            set(vm, m, "pi", Value::Float(std::f64::consts::PI));
            set(vm, m, "e", Value::Float(std::f64::consts::E));
            set(vm, m, "tau", Value::Float(std::f64::consts::TAU));
            set(vm, m, "inf", Value::Float(f64::INFINITY));
            set(vm, m, "nan", Value::Float(f64::NAN));
            funcs(vm, m, "math", &[
                "sqrt", "floor", "ceil", "pow", "exp", "log", "log10", "log2", "sin", "cos", "tan",
                "asin", "acos", "atan", "atan2", "degrees", "radians", "factorial", "gcd", "lcm",
                "isqrt", "fabs", "hypot", "isclose", "isnan", "isinf", "isfinite", "trunc", "comb",
                "perm", "prod", "fsum", "copysign", "fmod", "modf", "dist", "sinh", "cosh", "tanh",
                "log1p", "expm1",
            ]);
            m
        }
        "random" => {
            let m = new_module(vm, "random", Some(&format!("/usr/local/lib/python3.{}/random.py", vm.version.minor)));
            funcs(vm, m, "random", &[
                "seed", "random", "randint", "randrange", "choice", "choices", "shuffle", "uniform",
                "sample", "gauss", "getrandbits", "triangular",
            ]);
            m
        }
        "json" => {
            let m = new_module(vm, "json", Some(&format!("/usr/local/lib/python3.{}/json/__init__.py", vm.version.minor)));
            funcs(vm, m, "json", &["dumps", "loads", "dump", "load"]);
            set(vm, m, "JSONDecodeError", Value::Obj(exc::JSON_DECODE));
            m
        }
        "io" => {
            let m = new_module(vm, "io", None);
            let c = unsupported_operation_class(vm);
            set(vm, m, "UnsupportedOperation", Value::Obj(c));
            m
        }
        "platform" => {
            let m = new_module(vm, "platform", None);
            funcs(vm, m, "platform", &["system", "python_version", "machine", "node", "platform", "release"]);
            m
        }
        "socket" => {
            let m = new_module(vm, "socket", None);
            funcs(vm, m, "socket", &["gethostname"]);
            m
        }
        "uuid" => {
            let m = new_module(vm, "uuid", None);
            funcs(vm, m, "uuid", &["uuid4"]);
            m
        }
        "_dockling" => {
            let m = new_module(vm, "_dockling", None);
            funcs(vm, m, "_dockling", &[
                "serve", "now", "civil", "strftime", "log_time", "container_ip", "fs_read", "copy_inst", "format_exc", "fs_mtime", "hostname",
                "fs_list", "fs_isdir", "html_escape", "version", "pid", "write_stderr", "urlencode_unquote",
            ]);
            m
        }
        _ => return None,
    };
    if name == "os" || name == "time" {
        // Mixed modules get their Python parts.
        let extra = match name {
            "time" => include_str!("lib/time_extra.py"),
            _ => include_str!("lib/os_extra.py"),
        };
        if let Ok((code, _)) = super::compile_source(extra, name, vm.version, false) {
            let depth = vm.frames.len();
            let frame = vm.new_frame(code, m, Vec::new(), Vec::new());
            if vm.push_frame(frame).is_ok() {
                let _ = vm.run_pushed(ctx, depth);
            }
        }
    }
    Some(m)
}

/// Builds the `sys` module.
pub fn make_sys(vm: &mut Vm, executable: &str) -> u32 {
    let m = new_module(vm, "sys", None);
    let argv: Vec<Value> = vm.argv.iter().map(|a| Value::str(a)).collect();
    let argv = vm.new_list(argv);
    set(vm, m, "argv", argv);
    let ver = super::version_banner(vm.version);
    set(vm, m, "version", Value::str(&ver));
    let vi = vm.new_tuple(vec![
        Value::Int(3),
        Value::Int(vm.version.minor as i64),
        Value::Int(vm.version.patch as i64),
        Value::str("final"),
        Value::Int(0),
    ]);
    set(vm, m, "version_info", vi);
    set(vm, m, "platform", Value::str("linux"));
    set(vm, m, "executable", Value::str(executable));
    set(vm, m, "maxsize", Value::Int(i64::MAX));
    set(vm, m, "byteorder", Value::str("little"));
    set(vm, m, "prefix", Value::str("/usr/local"));
    let p0 = vm.path0.clone();
    let paths = vec![
        Value::str(&p0),
        Value::str(&format!("/usr/local/lib/python3{}.zip", vm.version.minor)),
        Value::str(&format!("/usr/local/lib/python3.{}", vm.version.minor)),
        Value::str(&format!("/usr/local/lib/python3.{}/lib-dynload", vm.version.minor)),
        Value::str(&vm.site_packages.clone()),
    ];
    let path = vm.new_list(paths);
    set(vm, m, "path", path);
    let out = std_file(vm, "<stdout>", true);
    let err = std_file(vm, "<stderr>", true);
    let inp = std_file(vm, "<stdin>", false);
    set(vm, m, "stdout", out.clone());
    set(vm, m, "stderr", err.clone());
    set(vm, m, "stdin", inp.clone());
    set(vm, m, "__stdout__", out);
    set(vm, m, "__stderr__", err);
    set(vm, m, "__stdin__", inp);
    funcs(vm, m, "sys", &["exit", "getrecursionlimit", "setrecursionlimit", "exc_info", "getsizeof", "intern", "exception"]);
    m
}

fn kwarg<'a>(kwargs: &'a [(Rc<str>, Value)], name: &str) -> Option<&'a Value> {
    kwargs.iter().find(|(k, _)| &**k == name).map(|(_, v)| v)
}

fn num(vm: &mut Vm, v: Option<&Value>, fname: &str) -> PyResult<f64> {
    match v.and_then(as_f64) {
        Some(f) => Ok(f),
        None => {
            let t = match v {
                Some(v) => vm.type_name(v),
                None => {
                    return Err(vm.type_error(format!("{fname}() takes exactly one argument (0 given)")));
                }
            };
            Err(vm.type_error(format!("must be real number, not {t}")))
        }
    }
}

fn domain(vm: &mut Vm) -> Flow {
    vm.value_error("math domain error")
}

fn str_arg(vm: &mut Vm, v: Option<&Value>, what: &str) -> PyResult<String> {
    match v {
        Some(Value::Str(s)) => Ok(s.to_string()),
        Some(v) => {
            let t = vm.type_name(v);
            Err(vm.type_error(format!("{what}: expected str, bytes or os.PathLike object, not {t}")))
        }
        None => Err(vm.type_error(format!("{what} missing required argument"))),
    }
}

/// Calls a native module function; `None` when the module has no such function.
pub fn call(vm: &mut Vm, ctx: &mut Ctx, module: &str, f: &str, args: &[Value], kwargs: &[(Rc<str>, Value)]) -> PyResult<Option<Value>> {
    let a0 = args.first();
    let v = match (module, f) {
        ("sys", "exit") => {
            let e = vm.make_exc(exc::SYSTEM_EXIT, args.to_vec());
            super::builtins::init_exception(vm, &e, &[]);
            return Err(Flow::Exc(e));
        }
        ("sys", "getrecursionlimit") => Value::Int(super::vm::RECURSION_LIMIT as i64),
        ("sys", "setrecursionlimit") => Value::None,
        ("sys", "intern") => a0.cloned().unwrap_or(Value::None),
        ("sys", "getsizeof") => Value::Int(56),
        ("sys", "exc_info") | ("sys", "exception") => {
            let cur = vm.frames.iter().rev().find_map(|fr| fr.handling.last().cloned());
            match (f, cur) {
                ("exception", c) => c.unwrap_or(Value::None),
                (_, Some(e)) => {
                    let t = vm.type_of(&e);
                    vm.new_tuple(vec![t, e, Value::None])
                }
                _ => vm.new_tuple(vec![Value::None, Value::None, Value::None]),
            }
        }
        ("os", "getenv") => {
            let key = str_arg(vm, a0, "getenv")?;
            let os = vm.find_module("os").unwrap_or(0);
            let env = vm.module_get(os, "environ").unwrap_or(Value::None);
            let found = match vm.obj(&env) {
                Some(Obj::Dict(d)) => d.get_str(&key).cloned(),
                _ => None,
            };
            found.unwrap_or_else(|| args.get(1).or(kwarg(kwargs, "default")).cloned().unwrap_or(Value::None))
        }
        ("os", "putenv") => Value::None,
        ("os", "getcwd") => Value::str(ctx.cwd),
        ("os", "getpid") => Value::Int(ctx.pid as i64),
        ("os", "getppid") => Value::Int(0),
        ("os", "getuid") => Value::Int(ctx.uid as i64),
        ("os", "cpu_count") => Value::Int(2),
        ("os", "chdir") => return Err(vm.unsupported("os.chdir()")),
        ("os", "system") => return Err(vm.unsupported("os.system()")),
        ("os", "kill") => return Err(vm.unsupported("os.kill()")),
        ("os", "_exit") => {
            vm.exit_code = Some(a0.and_then(as_int).unwrap_or(0) as i32);
            let e = vm.make_exc(exc::SYSTEM_EXIT, args.to_vec());
            super::builtins::init_exception(vm, &e, &[]);
            return Err(Flow::Exc(e));
        }
        ("os", "uname") => return Err(vm.unsupported("os.uname()")),
        ("os", "get_terminal_size") => return Err(vm.unsupported("os.get_terminal_size()")),
        ("os", "urandom") => {
            let n = a0.and_then(as_int).unwrap_or(0).clamp(0, 1 << 20) as usize;
            let bytes: Vec<u8> = (0..n).map(|_| (vm.rng.next_u32() & 0xff) as u8).collect();
            Value::Bytes(bytes.into())
        }
        ("os", "listdir") => {
            let p = match a0 {
                Some(v) => str_arg(vm, Some(v), "listdir")?,
                None => ".".into(),
            };
            let full = crate::vfs::normalize(ctx.cwd, &p);
            match ctx.fs.list(&full) {
                Ok(entries) => {
                    let names: Vec<Value> = entries.keys().map(|k| Value::str(k)).collect();
                    vm.new_list(names)
                }
                Err(crate::vfs::FsError::NotADirectory) => {
                    return Err(super::builtins::os_error(vm, exc::NOT_A_DIRECTORY, 20, "Not a directory", &p))
                }
                Err(_) => return Err(super::builtins::os_error(vm, exc::FILE_NOT_FOUND, 2, "No such file or directory", &p)),
            }
        }
        ("os", "mkdir") | ("os", "makedirs") | ("os", "remove") | ("os", "unlink") | ("os", "rmdir") => {
            let p = str_arg(vm, a0, f)?;
            let full = crate::vfs::normalize(ctx.cwd, &p);
            let meta = Meta {
                mode: 0o755,
                uid: ctx.uid,
                gid: 0,
                mtime: ctx.now,
            };
            let r = match f {
                "mkdir" => ctx.fs.mkdir(&full, false, &meta),
                "makedirs" => {
                    let exists = ctx.fs.get(&full).is_some();
                    let ok = match kwarg(kwargs, "exist_ok").or(args.get(2)) {
                        Some(v) => vm.truthy(ctx, v)?,
                        None => false,
                    };
                    if exists && !ok {
                        Err(crate::vfs::FsError::Exists)
                    } else {
                        ctx.fs.mkdir(&full, true, &meta)
                    }
                }
                "rmdir" => match ctx.fs.get(&full) {
                    Some(n) if !n.is_dir() => Err(crate::vfs::FsError::NotADirectory),
                    _ => ctx.fs.remove(&full, false).map(|_| ()),
                },
                _ => match ctx.fs.get(&full) {
                    Some(n) if n.is_dir() => Err(crate::vfs::FsError::IsADirectory),
                    _ => ctx.fs.remove(&full, false).map(|_| ()),
                },
            };
            match r {
                Ok(()) => Value::None,
                Err(e) => {
                    let (cls, errno) = match e {
                        crate::vfs::FsError::NotFound => (exc::FILE_NOT_FOUND, 2),
                        crate::vfs::FsError::Exists => (exc::FILE_EXISTS, 17),
                        crate::vfs::FsError::IsADirectory => (exc::IS_A_DIRECTORY, 21),
                        crate::vfs::FsError::NotADirectory => (exc::NOT_A_DIRECTORY, 20),
                        crate::vfs::FsError::NotEmpty => (exc::OS, 39),
                        crate::vfs::FsError::ReadOnly => (exc::OS, 30),
                    };
                    return Err(super::builtins::os_error(vm, cls, errno, e.message(), &p));
                }
            }
        }
        ("os", "rename") => {
            let a = str_arg(vm, a0, "rename")?;
            let b = str_arg(vm, args.get(1), "rename")?;
            let fa = crate::vfs::normalize(ctx.cwd, &a);
            let fb = crate::vfs::normalize(ctx.cwd, &b);
            let meta = Meta {
                mode: 0o755,
                uid: ctx.uid,
                gid: 0,
                mtime: ctx.now,
            };
            match ctx.fs.remove(&fa, true) {
                Ok(node) => {
                    let _ = ctx.fs.insert(&fb, node, &meta);
                    Value::None
                }
                Err(_) => {
                    let e = vm.make_exc(exc::FILE_NOT_FOUND, vec![Value::Int(2), Value::str("No such file or directory")]);
                    if let Some(Obj::Inst(i)) = vm.obj_mut(&e) {
                        i.attrs.set(Rc::from("filename"), Value::str(&a));
                        i.attrs.set(Rc::from("filename2"), Value::str(&b));
                    }
                    let _ = e;
                    return Err(vm.exc(exc::FILE_NOT_FOUND, format!("[Errno 2] No such file or directory: '{a}' -> '{b}'")));
                }
            }
        }
        ("os", "walk") | ("os", "scandir") | ("os", "stat") => return Err(vm.unsupported(&format!("os.{f}()"))),
        ("os.path", _) => return os_path(vm, ctx, f, args).map(Some),
        ("time", _) => return time_fn(vm, ctx, f, args).map(Some),
        ("math", _) => return math_fn(vm, ctx, f, args, kwargs).map(Some),
        ("random", _) => return super::random::call(vm, ctx, f, args, kwargs).map(Some),
        ("json", _) => return super::json::call(vm, ctx, f, args, kwargs).map(Some),
        ("platform", "system") => Value::str("Linux"),
        ("platform", "python_version") => Value::str(&vm.version.full()),
        ("platform", "machine") => Value::str("x86_64"),
        ("platform", "node") | ("socket", "gethostname") => Value::str(ctx.hostname),
        ("platform", "release") => Value::str("6.10.14-linuxkit"),
        ("platform", "platform") => Value::str("Linux-6.10.14-linuxkit-x86_64-with-glibc2.36"),
        ("uuid", "uuid4") => {
            let mut b = [0u8; 16];
            for x in b.iter_mut() {
                *x = (vm.rng.next_u32() & 0xff) as u8;
            }
            b[6] = (b[6] & 0x0f) | 0x40;
            b[8] = (b[8] & 0x3f) | 0x80;
            let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
            Value::str(&format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..]))
        }
        ("_dockling", _) => return super::serve::dockling_fn(vm, ctx, f, args, kwargs).map(Some),
        _ => return Ok(None),
    };
    Ok(Some(v))
}

fn os_path(vm: &mut Vm, ctx: &mut Ctx, f: &str, args: &[Value]) -> PyResult {
    let s = |vm: &mut Vm, i: usize| -> PyResult<String> {
        match args.get(i) {
            Some(Value::Str(s)) => Ok(s.to_string()),
            Some(v) => {
                let t = vm.type_name(v);
                Err(vm.type_error(format!("expected str, bytes or os.PathLike object, not {t}")))
            }
            None => Err(vm.type_error(format!("{f}() missing 1 required positional argument"))),
        }
    };
    let p = s(vm, 0)?;
    let full = crate::vfs::normalize(ctx.cwd, &p);
    Ok(match f {
        "join" => {
            let mut out = p.clone();
            for i in 1..args.len() {
                let q = s(vm, i)?;
                if q.starts_with('/') {
                    out = q;
                } else if out.is_empty() || out.ends_with('/') {
                    out.push_str(&q);
                } else {
                    out.push('/');
                    out.push_str(&q);
                }
            }
            Value::str(&out)
        }
        "exists" => Value::Bool(ctx.fs.get(&full).is_some()),
        "isfile" => Value::Bool(matches!(ctx.fs.get(&full).map(|n| &n.kind), Some(NodeKind::File(_)))),
        "isdir" => Value::Bool(ctx.fs.get(&full).is_some_and(|n| n.is_dir())),
        "isabs" => Value::Bool(p.starts_with('/')),
        "basename" => Value::str(p.rsplit('/').next().unwrap_or("")),
        "dirname" => Value::str(match p.rfind('/') {
            Some(0) => "/",
            Some(i) => p[..i].trim_end_matches('/'),
            None => "",
        }),
        "split" => {
            let (h, t) = match p.rfind('/') {
                Some(i) => (if i == 0 { "/" } else { p[..i].trim_end_matches('/') }, &p[i + 1..]),
                None => ("", p.as_str()),
            };
            let items = vec![Value::str(h), Value::str(t)];
            vm.new_tuple(items)
        }
        "splitext" => {
            let base_start = p.rfind('/').map(|i| i + 1).unwrap_or(0);
            let base = &p[base_start..];
            let dot = base.trim_start_matches('.').rfind('.').map(|i| i + (base.len() - base.trim_start_matches('.').len()));
            let (a, b) = match dot {
                Some(d) => (p[..base_start + d].to_string(), p[base_start + d..].to_string()),
                None => (p.clone(), String::new()),
            };
            let items = vec![Value::str(&a), Value::str(&b)];
            vm.new_tuple(items)
        }
        "abspath" | "realpath" | "normpath" => {
            if f == "normpath" && !p.starts_with('/') {
                let n = crate::vfs::normalize("/", &p);
                Value::str(n.trim_start_matches('/'))
            } else {
                Value::str(&full)
            }
        }
        "relpath" => Value::str(full.strip_prefix(ctx.cwd).map(|r| r.trim_start_matches('/')).unwrap_or(&full)),
        "expanduser" => Value::str(&p.replacen('~', if ctx.uid == 0 { "/root" } else { "/home" }, 1)),
        "getsize" | "getmtime" => match ctx.fs.get(&full) {
            Some(n) => {
                if f == "getsize" {
                    Value::Int(n.size() as i64)
                } else {
                    Value::Float(n.meta.mtime.as_ms() as f64 / 1000.0)
                }
            }
            None => return Err(super::builtins::os_error(vm, exc::FILE_NOT_FOUND, 2, "No such file or directory", &p)),
        },
        _ => return Err(vm.unsupported(&format!("os.path.{f}()"))),
    })
}

fn time_fn(vm: &mut Vm, ctx: &mut Ctx, f: &str, args: &[Value]) -> PyResult {
    let now = ctx.now.as_ms();
    Ok(match f {
        "time" => Value::Float(now as f64 / 1000.0),
        "time_ns" => Value::Int(now as i64 * 1_000_000),
        "perf_counter" | "monotonic" | "process_time" => Value::Float((now - vm.start_ms()) as f64 / 1000.0 + 1234.5),
        "perf_counter_ns" | "monotonic_ns" => Value::Int(((now - vm.start_ms()) as i64 + 1_234_500) * 1_000_000),
        "sleep" => {
            let Some(secs) = args.first().and_then(as_f64) else {
                let t = match args.first() {
                    Some(v) => vm.type_name(v),
                    None => return Err(vm.type_error("time.sleep() takes exactly one argument (0 given)")),
                };
                return Err(vm.type_error(format!("'{t}' object cannot be interpreted as an integer")));
            };
            if secs < 0.0 {
                return Err(vm.value_error("sleep length must be non-negative"));
            }
            if vm.nested > 0 {
                return Err(vm.unsupported("time.sleep() inside a callback"));
            }
            let ms = (secs * 1000.0).round() as u64;
            let until = ctx.now + crate::clock::Millis(ms);
            vm.pending = super::vm::Pending::Sleep(until);
            return Err(Flow::Suspend(super::vm::Suspend::Sleep(until)));
        }
        "strftime" => {
            let fmt = match args.first() {
                Some(Value::Str(s)) => s.to_string(),
                _ => return Err(vm.type_error("strftime() argument 1 must be str")),
            };
            let ms = match args.get(1) {
                Some(t) => struct_time_ms(vm, ctx, t)?,
                None => now,
            };
            Value::str(&strftime(&fmt, ms, 0))
        }
        "ctime" | "asctime" => {
            let ms = match args.first() {
                Some(v) if f == "ctime" => (as_f64(v).unwrap_or(0.0) * 1000.0) as u64,
                Some(v) => struct_time_ms(vm, ctx, v)?,
                None => now,
            };
            Value::str(&strftime("%a %b %e %H:%M:%S %Y", ms, 0))
        }
        "localtime" | "gmtime" => {
            let ms = match args.first() {
                Some(v) if !v.is_none() => (as_f64(v).unwrap_or(0.0) * 1000.0) as u64,
                _ => now,
            };
            let c = crate::clock::SimTime(ms).civil();
            let yday = day_of_year(c.year, c.month, c.day);
            let wday = (c.weekday + 6) % 7;
            let items = vec![
                Value::Int(c.year),
                Value::Int(c.month as i64),
                Value::Int(c.day as i64),
                Value::Int(c.hour as i64),
                Value::Int(c.minute as i64),
                Value::Int(c.second as i64),
                Value::Int(wday as i64),
                Value::Int(yday),
                Value::Int(0),
            ];
            let t = vm.new_tuple(items);
            let tm = vm.find_module("time").unwrap_or(0);
            match vm.module_get(tm, "struct_time") {
                Some(cls) => vm.call_sync(ctx, cls, vec![t], Vec::new())?,
                None => t,
            }
        }
        "mktime" => {
            let ms = match args.first() {
                Some(v) => struct_time_ms(vm, ctx, v)?,
                None => return Err(vm.type_error("mktime() takes exactly one argument (0 given)")),
            };
            Value::Float((ms / 1000) as f64)
        }
        _ => return Err(vm.unsupported(&format!("time.{f}()"))),
    })
}

fn struct_time_ms(vm: &mut Vm, ctx: &mut Ctx, t: &Value) -> PyResult<u64> {
    let items = vm.collect(ctx, t)?;
    let g = |i: usize| items.get(i).and_then(as_int).unwrap_or(0);
    let days = days_from_civil(g(0), g(1) as u32, g(2) as u32);
    let secs = days * 86400 + g(3) * 3600 + g(4) * 60 + g(5);
    Ok((secs.max(0) as u64) * 1000)
}

pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn day_of_year(y: i64, m: u32, d: u32) -> i64 {
    days_from_civil(y, m, d) - days_from_civil(y, 1, 1) + 1
}

const FULL_DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const FULL_MONTHS: [&str; 12] = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
];

/// C `strftime` in the C locale for a UTC time (ms since the epoch) plus microseconds.
pub fn strftime(fmt: &str, ms: u64, micros: u32) -> String {
    let c = crate::clock::SimTime(ms).civil();
    let micros = if micros > 0 { micros } else { (ms % 1000) as u32 * 1000 };
    let mut out = String::new();
    let mut it = fmt.chars();
    while let Some(ch) = it.next() {
        if ch != '%' {
            out.push(ch);
            continue;
        }
        let Some(k) = it.next() else {
            out.push('%');
            break;
        };
        match k {
            'Y' => out.push_str(&c.year.to_string()),
            'y' => out.push_str(&format!("{:02}", c.year % 100)),
            'm' => out.push_str(&format!("{:02}", c.month)),
            'd' => out.push_str(&format!("{:02}", c.day)),
            'e' => out.push_str(&format!("{:>2}", c.day)),
            'H' => out.push_str(&format!("{:02}", c.hour)),
            'I' => out.push_str(&format!("{:02}", if c.hour.is_multiple_of(12) { 12 } else { c.hour % 12 })),
            'M' => out.push_str(&format!("{:02}", c.minute)),
            'S' => out.push_str(&format!("{:02}", c.second)),
            'f' => out.push_str(&format!("{micros:06}")),
            'p' => out.push_str(if c.hour < 12 { "AM" } else { "PM" }),
            'a' => out.push_str(c.weekday_abbr()),
            'A' => out.push_str(FULL_DAYS[c.weekday as usize % 7]),
            'b' | 'h' => out.push_str(c.month_abbr()),
            'B' => out.push_str(FULL_MONTHS[(c.month as usize + 11) % 12]),
            'j' => out.push_str(&format!("{:03}", day_of_year(c.year, c.month, c.day))),
            'w' => out.push_str(&c.weekday.to_string()),
            'u' => out.push_str(&(if c.weekday == 0 { 7 } else { c.weekday }).to_string()),
            'Z' => out.push_str("UTC"),
            'z' => out.push_str("+0000"),
            'c' => out.push_str(&strftime("%a %b %e %H:%M:%S %Y", ms, 0)),
            'x' => out.push_str(&strftime("%m/%d/%y", ms, 0)),
            'X' | 'T' => out.push_str(&strftime("%H:%M:%S", ms, 0)),
            'D' => out.push_str(&strftime("%m/%d/%y", ms, 0)),
            'F' => out.push_str(&strftime("%Y-%m-%d", ms, 0)),
            'R' => out.push_str(&strftime("%H:%M", ms, 0)),
            's' => out.push_str(&(ms / 1000).to_string()),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            '%' => out.push('%'),
            other => {
                out.push('%');
                out.push(other);
            }
        }
    }
    out
}

impl Vm {
    fn start_ms(&self) -> u64 {
        self.start
    }
}

fn math_fn(vm: &mut Vm, ctx: &mut Ctx, f: &str, args: &[Value], kwargs: &[(Rc<str>, Value)]) -> PyResult {
    let a0 = args.first();
    let one = |vm: &mut Vm, g: fn(f64) -> f64, ok: fn(f64) -> bool| -> PyResult {
        let x = num(vm, args.first(), f)?;
        if !ok(x) {
            return Err(domain(vm));
        }
        let r = g(x);
        if r.is_infinite() && x.is_finite() {
            return Err(vm.exc(exc::OVERFLOW, "math range error"));
        }
        Ok(Value::Float(r))
    };
    Ok(match f {
        "sqrt" => one(vm, f64::sqrt, |x| x >= 0.0 || x.is_nan())?,
        "exp" => one(vm, f64::exp, |_| true)?,
        "sin" => one(vm, f64::sin, |x| x.is_finite())?,
        "cos" => one(vm, f64::cos, |x| x.is_finite())?,
        "tan" => one(vm, f64::tan, |x| x.is_finite())?,
        "asin" => one(vm, f64::asin, |x| (-1.0..=1.0).contains(&x))?,
        "acos" => one(vm, f64::acos, |x| (-1.0..=1.0).contains(&x))?,
        "atan" => one(vm, f64::atan, |_| true)?,
        "sinh" => one(vm, f64::sinh, |_| true)?,
        "cosh" => one(vm, f64::cosh, |_| true)?,
        "tanh" => one(vm, f64::tanh, |_| true)?,
        "log1p" => one(vm, f64::ln_1p, |x| x > -1.0)?,
        "expm1" => one(vm, f64::exp_m1, |_| true)?,
        "fabs" => one(vm, f64::abs, |_| true)?,
        "degrees" => one(vm, f64::to_degrees, |_| true)?,
        "radians" => one(vm, f64::to_radians, |_| true)?,
        "log10" => one(vm, f64::log10, |x| x > 0.0)?,
        "log2" => one(vm, f64::log2, |x| x > 0.0)?,
        "log" => {
            let x = match a0 {
                Some(Value::Big(b)) => b.to_f64(),
                _ => num(vm, a0, f)?,
            };
            if x <= 0.0 {
                return Err(domain(vm));
            }
            match args.get(1) {
                Some(b) => {
                    let b = num(vm, Some(b), f)?;
                    if b <= 0.0 || b == 1.0 {
                        return Err(if b == 1.0 { vm.exc(exc::ZERO_DIVISION, "float division by zero") } else { domain(vm) });
                    }
                    Value::Float(x.ln() / b.ln())
                }
                None => Value::Float(x.ln()),
            }
        }
        "pow" => {
            let x = num(vm, a0, f)?;
            let y = num(vm, args.get(1), f)?;
            if x == 0.0 && y < 0.0 || (x < 0.0 && y.fract() != 0.0) {
                return Err(domain(vm));
            }
            Value::Float(x.powf(y))
        }
        "atan2" => Value::Float(num(vm, a0, f)?.atan2(num(vm, args.get(1), f)?)),
        "hypot" => {
            let mut s = 0.0f64;
            for a in args {
                let x = num(vm, Some(a), f)?;
                s = s.hypot(x);
            }
            Value::Float(s)
        }
        "copysign" => Value::Float(num(vm, a0, f)?.copysign(num(vm, args.get(1), f)?)),
        "fmod" => {
            let y = num(vm, args.get(1), f)?;
            if y == 0.0 {
                return Err(domain(vm));
            }
            Value::Float(num(vm, a0, f)? % y)
        }
        "modf" => {
            let x = num(vm, a0, f)?;
            let items = vec![Value::Float(x.fract()), Value::Float(x.trunc())];
            vm.new_tuple(items)
        }
        "floor" | "ceil" | "trunc" => match a0 {
            Some(Value::Int(_) | Value::Big(_)) => a0.cloned().unwrap_or(Value::None),
            Some(Value::Bool(b)) => Value::Int(*b as i64),
            Some(v @ Value::Obj(_)) => {
                let name = format!("__{f}__");
                match vm.special(v, &name) {
                    Some(m) => vm.call_sync(ctx, m, vec![v.clone()], Vec::new())?,
                    None => {
                        let t = vm.type_name(v);
                        return Err(vm.type_error(format!("type {t} doesn't define __{f}__ method")));
                    }
                }
            }
            _ => {
                let x = num(vm, a0, f)?;
                if x.is_nan() {
                    return Err(vm.value_error("cannot convert float NaN to integer"));
                }
                if x.is_infinite() {
                    return Err(vm.exc(exc::OVERFLOW, "cannot convert float infinity to integer"));
                }
                let r = match f {
                    "floor" => x.floor(),
                    "ceil" => x.ceil(),
                    _ => x.trunc(),
                };
                super::builtins::float_to_int(r)
            }
        },
        "isnan" => Value::Bool(num(vm, a0, f)?.is_nan()),
        "isinf" => Value::Bool(num(vm, a0, f)?.is_infinite()),
        "isfinite" => Value::Bool(num(vm, a0, f)?.is_finite()),
        "isclose" => {
            let a = num(vm, a0, f)?;
            let b = num(vm, args.get(1), f)?;
            let rel = kwarg(kwargs, "rel_tol").and_then(as_f64).unwrap_or(1e-9);
            let abs = kwarg(kwargs, "abs_tol").and_then(as_f64).unwrap_or(0.0);
            Value::Bool(a == b || (a - b).abs() <= (rel * a.abs().max(b.abs())).max(abs))
        }
        "factorial" => {
            let n = match a0 {
                Some(Value::Float(_)) => {
                    return Err(vm.type_error("'float' object cannot be interpreted as an integer"));
                }
                Some(v) => super::builtins::index_arg(vm, v)?,
                None => return Err(vm.type_error("math.factorial() takes exactly one argument (0 given)")),
            };
            if n < 0 {
                return Err(vm.value_error("factorial() not defined for negative values"));
            }
            if n > 5000 {
                return Err(vm.unsupported("factorials this large"));
            }
            let mut acc = super::bigint::BigInt::from_i64(1);
            for i in 2..=n {
                acc = acc.mul(&super::bigint::BigInt::from_i64(i));
            }
            int_of_big(acc)
        }
        "gcd" | "lcm" => {
            let mut acc: i64 = if f == "gcd" { 0 } else { 1 };
            for a in args {
                let x = super::builtins::index_arg(vm, a)?.abs();
                let g = |mut a: i64, mut b: i64| {
                    while b != 0 {
                        (a, b) = (b, a % b);
                    }
                    a
                };
                acc = if f == "gcd" {
                    g(acc, x)
                } else if x == 0 || acc == 0 {
                    0
                } else {
                    (acc / g(acc, x)).saturating_mul(x)
                };
            }
            Value::Int(acc)
        }
        "isqrt" => {
            let n = match a0 {
                Some(v) => super::builtins::index_arg(vm, v)?,
                None => 0,
            };
            if n < 0 {
                return Err(vm.value_error("isqrt() argument must be nonnegative"));
            }
            let mut r = (n as f64).sqrt() as i64;
            while r * r > n {
                r -= 1;
            }
            while (r + 1) * (r + 1) <= n {
                r += 1;
            }
            Value::Int(r)
        }
        "comb" | "perm" => {
            let n = super::builtins::index_arg(vm, a0.unwrap_or(&Value::Int(0)))?;
            let k = match args.get(1) {
                Some(v) => super::builtins::index_arg(vm, v)?,
                None => n,
            };
            if n < 0 || k < 0 {
                return Err(vm.value_error(format!("{} must be a non-negative integer", if n < 0 { "n" } else { "k" })));
            }
            if k > n {
                return Ok(Value::Int(0));
            }
            let mut acc = super::bigint::BigInt::from_i64(1);
            let k2 = if f == "comb" { k.min(n - k) } else { k };
            for i in 0..k2 {
                acc = acc.mul(&super::bigint::BigInt::from_i64(n - i));
                if f == "comb" {
                    acc = acc.divmod(&super::bigint::BigInt::from_i64(i + 1)).map(|(q, _)| q).unwrap_or(acc);
                }
            }
            int_of_big(acc)
        }
        "prod" => {
            let items = match a0 {
                Some(v) => vm.collect(ctx, v)?,
                None => Vec::new(),
            };
            let mut acc = kwarg(kwargs, "start").cloned().unwrap_or(Value::Int(1));
            for x in items {
                acc = vm.binary(ctx, super::ast::BinOp::Mul, &acc, &x, false)?;
            }
            acc
        }
        "fsum" => {
            let items = match a0 {
                Some(v) => vm.collect(ctx, v)?,
                None => Vec::new(),
            };
            // Shewchuk's exact partials.
            let mut partials: Vec<f64> = Vec::new();
            for x in items {
                let mut x = num(vm, Some(&x), f)?;
                let mut i = 0;
                for j in 0..partials.len() {
                    let mut y = partials[j];
                    if x.abs() < y.abs() {
                        std::mem::swap(&mut x, &mut y);
                    }
                    let hi = x + y;
                    let lo = y - (hi - x);
                    if lo != 0.0 {
                        partials[i] = lo;
                        i += 1;
                    }
                    x = hi;
                }
                partials.truncate(i);
                partials.push(x);
            }
            Value::Float(partials.iter().sum())
        }
        "dist" => {
            let p = vm.collect(ctx, a0.unwrap_or(&Value::None))?;
            let q = vm.collect(ctx, args.get(1).unwrap_or(&Value::None))?;
            let mut s = 0.0f64;
            for (a, b) in p.iter().zip(q.iter()) {
                s = s.hypot(as_f64(a).unwrap_or(0.0) - as_f64(b).unwrap_or(0.0));
            }
            Value::Float(s)
        }
        _ => return Err(vm.unsupported(&format!("math.{f}()"))),
    })
}

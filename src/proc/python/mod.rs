//! Python inside containers: `python`/`python3` (scripts, `-c`, `-m`, stdin, the REPL), `pip`,
//! and the console scripts of the simulated packages (`flask`, `gunicorn`, `waitress-serve`).
//!
//! The interpreter compiles to a small bytecode (`compile.rs`, `code.rs`) run by a resumable
//! stack machine (`vm.rs`): every `step` runs at most [`STEP_BUDGET`] instructions, then
//! yields with `Waiting { until: Some(now) }`; `time.sleep()` yields until its wake-up time,
//! `input()` until a line arrives, and a server until requests come (`http`).

mod ast;
mod bigint;
mod builtins;
mod code;
mod compile;
mod format;
mod json;
mod lexer;
mod methods;
mod modules;
mod ops;
mod parser;
pub mod pip;
mod random;
mod repl;
mod serve;
mod traceback;
mod value;
mod vm;

use std::rc::Rc;

use crate::api::StdStream;
use crate::proc::program::{Ctx, Disposition, HttpRequest, HttpResponse, Listen, Program, Status, Wait};
use crate::proc::Signal;
use code::Code;
use lexer::{ErrKind, SyntaxErr, Warning};
use value::{Obj, Value};
use vm::{exc, Buffering, Flow, Pending, Stream, Suspend, Version, Vm};

/// Instructions one `step` runs before yielding (`Waiting { until: Some(now) }`).
pub const STEP_BUDGET: u64 = 200_000;

/// The Python version of an image: `PYTHON_VERSION` from its environment, else 3.13.5.
pub fn version_of(ctx: &Ctx) -> Version {
    let v = ctx.var("PYTHON_VERSION").unwrap_or("3.13.5");
    let mut it = v.split('.').skip(1);
    let minor = it.next().and_then(|m| m.parse().ok()).unwrap_or(13);
    let patch = it
        .next()
        .map(|p| p.chars().take_while(|c| c.is_ascii_digit()).collect::<String>())
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    Version { minor, patch }
}

/// `sys.version`: the build line of the official image for that version.
pub fn version_banner(v: Version) -> String {
    let (branch, date, gcc) = match (v.minor, v.patch) {
        (8, _) => ("default", "Oct 13 2021, 09:22:51", "GCC 10.2.1 20210110"),
        (9, _) => ("main", "Jun  4 2025, 04:09:36", "GCC 12.2.0"),
        (10, _) => ("main", "Jun  4 2025, 04:11:45", "GCC 12.2.0"),
        (11, _) => ("main", "Jun  4 2025, 04:12:52", "GCC 12.2.0"),
        (12, _) => ("main", "Jun  4 2025, 04:13:31", "GCC 12.2.0"),
        (13, _) => ("main", "Jun 11 2025, 15:36:57", "GCC 12.2.0"),
        _ => ("main", "Aug 14 2025, 17:47:21", "GCC 14.2.0"),
    };
    format!("{} ({branch}, {date}) [{gcc}]", v.full())
}

/// The pip bundled with each Python image (or `PYTHON_PIP_VERSION`).
pub fn pip_version(ctx: &Ctx) -> String {
    if let Some(p) = ctx.var("PYTHON_PIP_VERSION") {
        return p.to_string();
    }
    match version_of(ctx).minor {
        8 => "21.2.4".into(),
        9..=11 => "23.0.1".into(),
        12 => "25.0.1".into(),
        13 => "25.1.1".into(),
        _ => "25.2".into(),
    }
}

/// Compiles source; returns the code and the compile-time warnings.
pub fn compile_source(src: &str, file: &str, version: Version, interactive: bool) -> Result<(Rc<Code>, Vec<Warning>), SyntaxErr> {
    let (body, warnings) = parser::parse_module(src, version.at_least(12))?;
    let hidden = file.starts_with("/usr/local/lib/python3.") && !file.contains("site-packages") || file == "os" || file == "time";
    let mut code = compile::compile_module(&body, file, interactive)?;
    if hidden {
        code = mark_hidden(code);
    }
    Ok((code, warnings))
}

pub fn mark_hidden(code: Rc<Code>) -> Rc<Code> {
    let mut c = match Rc::try_unwrap(code) {
        Ok(c) => c,
        Err(rc) => return rc,
    };
    c.hidden = true;
    c.consts = c
        .consts
        .into_iter()
        .map(|k| match k {
            Value::Code(inner) => Value::Code(mark_hidden(inner)),
            other => other,
        })
        .collect();
    Rc::new(c)
}

/// Prints 3.12+ SyntaxWarnings (`/app/x.py:3: SyntaxWarning: invalid escape sequence '\d'`).
pub fn print_warnings(vm: &mut Vm, ctx: &mut Ctx, warnings: &[Warning], src: &str, file: &str) {
    for w in warnings {
        let line = src.split('\n').nth(w.line as usize - 1).unwrap_or("").trim();
        vm.write_stream(ctx, StdStream::Stderr, &format!("{file}:{}: SyntaxWarning: {}\n  {line}\n", w.line, w.msg));
    }
}

/// A SyntaxError exception value (for errors in imported modules and `eval`).
pub fn syntax_error_value(vm: &mut Vm, e: &SyntaxErr, src: &str, file: &str) -> Flow {
    if e.msg.starts_with("dockling: ") {
        return vm.dockling_error(&e.msg);
    }
    let cls = match e.kind {
        ErrKind::Syntax => exc::SYNTAX,
        ErrKind::Indentation => exc::INDENTATION,
        ErrKind::Tab => exc::TAB,
    };
    let text = src.split('\n').nth((e.line as usize).wrapping_sub(1)).map(|l| format!("{l}\n"));
    let to_chars = |line: u32, col: u32| -> i64 {
        let l = src.split('\n').nth((line as usize).wrapping_sub(1)).unwrap_or("");
        if col == 0 {
            return 0;
        }
        let b = (col as usize - 1).min(l.len());
        let mut k = b;
        while k > 0 && !l.is_char_boundary(k) {
            k -= 1;
        }
        l[..k].chars().count() as i64 + 1 + (col as usize - 1).saturating_sub(l.len()) as i64
    };
    let ev = vm.make_exc(cls, vec![Value::str(&e.msg)]);
    let offset = if e.col == 0 { Value::None } else { Value::Int(to_chars(e.line, e.col)) };
    let end_offset = if e.col == 0 { Value::None } else { Value::Int(to_chars(e.end_line, e.end_col)) };
    if let Some(Obj::Inst(i)) = vm.obj_mut(&ev) {
        i.attrs.set(Rc::from("msg"), Value::str(&e.msg));
        i.attrs.set(Rc::from("filename"), Value::str(file));
        i.attrs.set(Rc::from("lineno"), Value::Int(e.line as i64));
        i.attrs.set(Rc::from("end_lineno"), Value::Int(e.end_line as i64));
        i.attrs.set(Rc::from("offset"), offset);
        i.attrs.set(Rc::from("end_offset"), end_offset);
        i.attrs.set(Rc::from("text"), match text {
            Some(t) => Value::str(&t),
            None => Value::None,
        });
    }
    Flow::Exc(ev)
}

/// What the program does once set up.
#[derive(Clone, Debug)]
enum Mode {
    /// Run the module frame on the stack; exit when it finishes.
    Script,
    /// Read the program from stdin once it is closed (`python` with a pipe).
    StdinScript,
    Repl(repl::Repl),
    /// `python -m pip …`.
    Pip(Box<pip::Pip>),
    /// Already decided: exit with this code.
    Exit(i32),
}

/// A running Python process.
#[derive(Clone, Debug)]
pub struct Python {
    vm: Vm,
    mode: Mode,
    /// The REPL is executing a statement (return to the prompt afterwards).
    repl_running: bool,
    prog: String,
    pending_signal: Option<Signal>,
    colorize: bool,
    finished: Option<i32>,
}

/// The file `prog` names: itself with a `/`, else the first match on `$PATH`.
fn resolve(prog: &str, ctx: &Ctx) -> Option<String> {
    if prog.contains('/') {
        return Some(prog.to_string());
    }
    ctx.var("PATH").unwrap_or("").split(':').map(|d| format!("{d}/{prog}")).find(|p| ctx.fs.get(p).is_some())
}

/// The version of a distribution's Python (`/usr/bin/python3` → `python3.11`, which apt
/// installed): its dpkg package's upstream version, e.g. `3.11.2` of `3.11.2-6+deb12u6`.
fn distro_version(prog: &str, ctx: &Ctx) -> Option<Version> {
    let real = ctx.fs.canonical(&resolve(prog, ctx)?)?;
    let minor: u8 = real.strip_prefix("/usr/bin/python3.")?.parse().ok()?;
    let entries = crate::proc::programs::packages::dpkg::status(ctx.fs);
    let e = entries.iter().find(|e| e.name() == format!("python3.{minor}") && e.installed())?;
    let upstream = e.version().split('-').next()?;
    let patch = upstream.split('.').nth(2)?.parse().ok()?;
    Some(Version { minor, patch })
}

/// The site-packages of the interpreter `prog` runs: a conda environment's own
/// (`PREFIX/bin/python` beside `PREFIX/conda-meta`), else the image's.
fn site_packages(prog: &str, version: Version, ctx: &Ctx) -> String {
    let path = resolve(prog, ctx);
    let prefix = path.as_deref().and_then(|p| p.rsplit_once('/')).and_then(|(dir, _)| dir.strip_suffix("/bin"));
    match prefix {
        Some(pre) if ctx.fs.get(&format!("{pre}/conda-meta")).is_some() => format!("{pre}/lib/python3.{}/site-packages", version.minor),
        _ => format!("/usr/local/lib/python3.{}/site-packages", version.minor),
    }
}

fn env_set(ctx: &Ctx, k: &str) -> bool {
    ctx.var(k).is_some_and(|v| !v.is_empty())
}

/// Starts a Python-family program. `argv[0]`'s basename picks it: `python`, `python3`,
/// `python3.N`, `pip`, `pip3`, `flask`, `gunicorn`, `waitress-serve`.
pub fn start(argv: &[String], ctx: &mut Ctx) -> Box<dyn Program> {
    let prog = argv.first().cloned().unwrap_or_else(|| "python3".into());
    let base = prog.rsplit('/').next().unwrap_or(&prog).to_string();
    let version = distro_version(&prog, ctx).unwrap_or_else(|| version_of(ctx));
    if base.starts_with("pip") {
        return Box::new(pip::Pip::new(argv[1..].to_vec(), ctx, None));
    }
    let mut py = Python::new(&prog, version, ctx);
    match base.as_str() {
        "flask" => py.bootstrap(ctx, "flask", "import flask\nflask._cli_main()\n", argv),
        "gunicorn" => py.bootstrap(ctx, "gunicorn", "from gunicorn.app.wsgiapp import run\nrun()\n", argv),
        "waitress-serve" => py.bootstrap(ctx, "waitress-serve", "import waitress\nwaitress._cli_main()\n", argv),
        _ => py.parse_args(ctx, argv),
    }
    Box::new(py)
}

impl Python {
    fn new(prog: &str, version: Version, ctx: &mut Ctx) -> Python {
        let unbuffered = env_set(ctx, "PYTHONUNBUFFERED");
        let mut vm = Vm {
            heap: value::Heap::default(),
            frames: Vec::new(),
            modules: Vec::new(),
            builtins: 0,
            main: 0,
            sys: 0,
            version,
            stdout: Stream {
                buf: String::new(),
                mode: if unbuffered {
                    Buffering::Unbuffered
                } else if ctx.tty {
                    Buffering::Line
                } else {
                    Buffering::Block
                },
            },
            stderr: Stream {
                buf: String::new(),
                mode: if unbuffered {
                    Buffering::Unbuffered
                } else if ctx.tty || version.at_least(9) {
                    Buffering::Line
                } else {
                    Buffering::Block
                },
            },
            argv: Vec::new(),
            rng: random::Mt::new(ctx.seed),
            pending: Pending::None,
            nested: 0,
            path0: ctx.cwd.to_string(),
            site_packages: site_packages(prog, version, ctx),
            gen_done: None,
            input_line: None,
            servers: Vec::new(),
            roots: Vec::new(),
            exit_code: None,
            env: ctx.env.to_vec(),
            start: ctx.now.as_ms(),
            sources: Vec::new(),
        };
        builtins::setup(&mut vm);
        let colorize = version.at_least(13) && colors_enabled(ctx);
        Python {
            vm,
            mode: Mode::Exit(0),
            repl_running: false,
            prog: prog.to_string(),
            pending_signal: None,
            colorize,
            finished: None,
        }
    }

    /// Creates `sys` and `__main__`.
    fn init_main(&mut self, ctx: &mut Ctx, argv: Vec<String>, file: Option<&str>) {
        self.vm.argv = argv;
        let exe = format!("/usr/local/bin/python3.{}", self.vm.version.minor);
        self.vm.sys = modules::make_sys(&mut self.vm, &exe);
        let main = self.vm.heap.alloc(Obj::Module(value::Module {
            name: Rc::from("__main__"),
            attrs: value::Attrs::default(),
            file: file.map(Rc::from),
        }));
        self.vm.main = main;
        self.vm.modules.push((Rc::from("__main__"), main));
        self.vm.modules.push((Rc::from("builtins"), self.vm.builtins));
        for (k, v) in [
            ("__name__", Value::str("__main__")),
            ("__doc__", Value::None),
            ("__package__", Value::None),
            ("__builtins__", Value::Obj(self.vm.builtins)),
        ] {
            self.vm.module_set(main, Rc::from(k), v);
        }
        if let Some(f) = file {
            self.vm.module_set(main, Rc::from("__file__"), Value::str(f));
        }
        // PYTHONPATH entries go before the standard ones.
        if let Some(pp) = ctx.var("PYTHONPATH") {
            let first = pp.split(':').next().unwrap_or("").to_string();
            if !first.is_empty() && self.vm.path0.is_empty() {
                self.vm.path0 = first;
            }
        }
        self.vm.heap.permanent = self.vm.heap.objs.len() as u32;
    }

    fn usage(&self) -> String {
        format!(
            "usage: {} [option] ... [-c cmd | -m mod | file | -] [arg] ...\nTry `python -h' for more information.\n",
            self.prog
        )
    }

    fn fail(&mut self, ctx: &mut Ctx, msg: &str, code: i32) {
        ctx.write(StdStream::Stderr, msg);
        self.mode = Mode::Exit(code);
    }

    /// Parses CPython's command line.
    fn parse_args(&mut self, ctx: &mut Ctx, argv: &[String]) {
        let mut i = 1;
        let mut unbuffered = false;
        while i < argv.len() {
            let a = &argv[i];
            if a == "-" || !a.starts_with('-') {
                break;
            }
            if a == "--" {
                i += 1;
                break;
            }
            if let Some(long) = a.strip_prefix("--") {
                match long {
                    "version" => {
                        let v = self.vm.version.full();
                        ctx.write(StdStream::Stdout, &format!("Python {v}\n"));
                        self.mode = Mode::Exit(0);
                        return;
                    }
                    "help" => {
                        self.fail(ctx, "dockling: python: --help is not simulated\n", 1);
                        return;
                    }
                    _ => {
                        let u = self.usage();
                        self.fail(ctx, &format!("unknown option --{long}\n{u}"), 2);
                        return;
                    }
                }
            }
            let flags: Vec<char> = a[1..].chars().collect();
            let mut k = 0;
            while k < flags.len() {
                let c = flags[k];
                match c {
                    'c' | 'm' => {
                        let rest: String = flags[k + 1..].iter().collect();
                        let (val, next) = if !rest.is_empty() {
                            (Some(rest), i + 1)
                        } else {
                            (argv.get(i + 1).cloned(), i + 2)
                        };
                        let Some(val) = val else {
                            let u = self.usage();
                            self.fail(ctx, &format!("Argument expected for the -{c} option\n{u}"), 2);
                            return;
                        };
                        self.set_unbuffered(unbuffered);
                        let rest_args: Vec<String> = argv[next.min(argv.len())..].to_vec();
                        if c == 'c' {
                            let mut sa = vec!["-c".to_string()];
                            sa.extend(rest_args);
                            self.run_c(ctx, &val, sa);
                        } else {
                            self.run_m(ctx, &val, rest_args);
                        }
                        return;
                    }
                    'u' => unbuffered = true,
                    'B' | 'E' | 's' | 'S' | 'O' | 'q' | 'I' | 'P' | 'b' | 'd' | 'R' | 'v' | 'x' => {}
                    'V' => {
                        let vv = flags[k + 1..].contains(&'V');
                        let text = if vv {
                            format!("Python {}\n", version_banner(self.vm.version))
                        } else {
                            format!("Python {}\n", self.vm.version.full())
                        };
                        ctx.write(StdStream::Stdout, &text);
                        self.mode = Mode::Exit(0);
                        return;
                    }
                    'W' | 'X' => {
                        if k + 1 == flags.len() {
                            i += 1;
                        }
                        k = flags.len();
                        continue;
                    }
                    'i' => {
                        self.fail(ctx, "dockling: python: -i is not simulated\n", 1);
                        return;
                    }
                    'h' | '?' => {
                        self.fail(ctx, "dockling: python: -h is not simulated\n", 1);
                        return;
                    }
                    other => {
                        let u = self.usage();
                        self.fail(ctx, &format!("Unknown option: -{other}\n{u}"), 2);
                        return;
                    }
                }
                k += 1;
            }
            i += 1;
        }
        self.set_unbuffered(unbuffered);
        match argv.get(i) {
            Some(script) if script != "-" => {
                let args = argv[i..].to_vec();
                self.run_file(ctx, script, args);
            }
            Some(_) => {
                let mut args = argv[i..].to_vec();
                if let Some(a0) = args.first_mut() {
                    *a0 = "-".into();
                }
                self.init_main(ctx, args, None);
                self.mode = Mode::StdinScript;
            }
            None => {
                self.init_main(ctx, vec![String::new()], None);
                if ctx.tty {
                    let r = repl::Repl::start(&mut self.vm, ctx, self.colorize);
                    self.mode = Mode::Repl(r);
                } else {
                    self.mode = Mode::StdinScript;
                }
            }
        }
    }

    fn set_unbuffered(&mut self, u: bool) {
        if u {
            self.vm.stdout.mode = Buffering::Unbuffered;
            self.vm.stderr.mode = Buffering::Unbuffered;
        }
    }

    fn bootstrap(&mut self, ctx: &mut Ctx, name: &str, src: &str, argv: &[String]) {
        let mut args = argv.to_vec();
        if let Some(a0) = args.first_mut() {
            *a0 = format!("/usr/local/bin/{name}");
        }
        self.init_main(ctx, args, None);
        self.load_main(ctx, src, "/usr/local/bin/.dockling-bootstrap", true);
    }

    /// Compiles the main program and pushes its frame (or reports the SyntaxError).
    fn load_main(&mut self, ctx: &mut Ctx, src: &str, file: &str, hidden: bool) {
        self.vm.sources.push((Rc::from(file), Rc::from(src)));
        match compile_source(src, file, self.vm.version, false) {
            Ok((code, warnings)) => {
                print_warnings(&mut self.vm, ctx, &warnings, src, file);
                let code = if hidden { mark_hidden(code) } else { code };
                let frame = self.vm.new_frame(code, self.vm.main, Vec::new(), Vec::new());
                self.vm.frames.push(frame);
                self.mode = Mode::Script;
            }
            Err(e) => {
                let ev = syntax_error_value(&mut self.vm, &e, src, file);
                self.report(ctx, ev);
            }
        }
    }

    /// Prints an uncaught exception and decides the exit code.
    fn report(&mut self, ctx: &mut Ctx, f: Flow) {
        let code = match f {
            Flow::Exc(e) => self.uncaught(ctx, &e),
            Flow::Suspend(_) => 1,
        };
        self.vm.flush_all(ctx);
        self.mode = Mode::Exit(code);
    }

    fn uncaught(&mut self, ctx: &mut Ctx, e: &Value) -> i32 {
        self.vm.flush_all(ctx);
        if self.vm.is_exc_instance(e, exc::SYSTEM_EXIT) {
            if let Some(c) = self.vm.exit_code.take() {
                return c;
            }
            let code = match self.vm.obj(e) {
                Some(Obj::Inst(i)) => i.attrs.get("code").cloned().unwrap_or(Value::None),
                _ => Value::None,
            };
            return match code {
                Value::None => 0,
                Value::Int(n) => n as i32,
                Value::Bool(b) => b as i32,
                other => {
                    let s = self.vm.str_of(ctx, &other).map(|s| s.to_string()).unwrap_or_default();
                    ctx.write(StdStream::Stderr, &format!("{s}\n"));
                    1
                }
            };
        }
        let msg = self.vm.exc_str(ctx, e).map(|s| s.to_string()).unwrap_or_default();
        if msg.starts_with("dockling: ") {
            ctx.write(StdStream::Stderr, &format!("{msg}\n"));
            return 1;
        }
        let text = self.vm.format_exception(ctx, e, self.colorize);
        ctx.write(StdStream::Stderr, &text);
        if self.vm.is_exc_instance(e, exc::KEYBOARD_INTERRUPT) {
            return 130;
        }
        1
    }

    fn run_file(&mut self, ctx: &mut Ctx, script: &str, args: Vec<String>) {
        let path = crate::vfs::normalize(ctx.cwd, script);
        let shown = if self.vm.version.at_least(9) { path.clone() } else { script.to_string() };
        match ctx.fs.get(&path).map(|n| n.kind.clone()) {
            Some(crate::vfs::NodeKind::File(data)) => {
                let src = String::from_utf8_lossy(&data).to_string();
                self.vm.path0 = crate::vfs::parent(&path).to_string();
                // 3.9+ runs the script under its absolute path.
                let file = if self.vm.version.at_least(9) { path.clone() } else { script.to_string() };
                self.init_main(ctx, args, Some(&file));
                self.load_main(ctx, &src, &file, false);
            }
            Some(crate::vfs::NodeKind::Dir(_)) => {
                let main = format!("{path}/__main__.py");
                match ctx.fs.get(&main).map(|n| n.kind.clone()) {
                    Some(crate::vfs::NodeKind::File(data)) => {
                        let src = String::from_utf8_lossy(&data).to_string();
                        self.vm.path0 = path.clone();
                        self.init_main(ctx, args, Some(&main));
                        self.load_main(ctx, &src, &main, false);
                    }
                    _ => {
                        let p = self.prog.clone();
                        self.fail(ctx, &format!("{p}: can't find '__main__' module in '{shown}'\n"), 1);
                    }
                }
            }
            _ => {
                let p = self.prog.clone();
                self.fail(ctx, &format!("{p}: can't open file '{shown}': [Errno 2] No such file or directory\n"), 2);
            }
        }
    }

    fn run_c(&mut self, ctx: &mut Ctx, src: &str, args: Vec<String>) {
        self.vm.path0 = String::new();
        self.init_main(ctx, args, None);
        self.vm.path0 = ctx.cwd.to_string();
        self.load_main(ctx, src, "<string>", false);
    }

    fn run_m(&mut self, ctx: &mut Ctx, module: &str, args: Vec<String>) {
        if module == "pip" {
            // `python -m pip` is pip itself.
            self.mode = Mode::Pip(Box::new(pip::Pip::new(args, ctx, Some(format!("{} -m pip", self.prog)))));
            return;
        }
        let builtin_main = match module {
            "http.server" => Some("import http.server\nhttp.server._main()\n"),
            "json.tool" => None,
            "venv" | "unittest" | "pytest" | "timeit" | "pdb" | "site" => None,
            _ => None,
        };
        let mut sa = vec![String::new()];
        sa.extend(args);
        if let Some(src) = builtin_main {
            sa[0] = format!("/usr/local/lib/python3.{}/{}.py", self.vm.version.minor, module.replace('.', "/"));
            self.init_main(ctx, sa, None);
            self.load_main(ctx, src, "<run_module>", true);
            return;
        }
        // A module file next to the working directory or in site-packages.
        let rel = module.replace('.', "/");
        let cands = [
            format!("{}/{rel}.py", ctx.cwd.trim_end_matches('/')),
            format!("{}/{rel}/__main__.py", ctx.cwd.trim_end_matches('/')),
        ];
        for c in &cands {
            if let Some(crate::vfs::NodeKind::File(data)) = ctx.fs.get(c).map(|n| n.kind.clone()) {
                let src = String::from_utf8_lossy(&data).to_string();
                sa[0] = c.clone();
                self.init_main(ctx, sa, Some(c));
                self.load_main(ctx, &src, c, false);
                return;
            }
        }
        let top = module.split('.').next().unwrap_or(module);
        let p = self.prog.clone();
        if modules::is_stdlib(top) {
            self.fail(ctx, &format!("dockling: python: running the module '{module}' with -m is not simulated\n"), 1);
        } else {
            self.fail(ctx, &format!("{p}: No module named {module}\n"), 1);
        }
    }

    /// Resumes after a suspension: delivers input or the end of a sleep.
    fn resume_pending(&mut self, ctx: &mut Ctx) -> Option<Status> {
        match self.vm.pending.clone() {
            Pending::None => None,
            Pending::Sleep(t) => {
                if ctx.now < t {
                    return Some(Status::Waiting(Wait { until: Some(t), stdin: false }));
                }
                self.vm.pending = Pending::None;
                self.vm.push(Value::None);
                None
            }
            Pending::Serve => Some(Status::Waiting(Wait::default())),
            Pending::Input => match ctx.stdin.read_line() {
                Some(line) => {
                    // A terminal echoes what is typed (`docker run -it`).
                    if ctx.tty {
                        ctx.write(StdStream::Stdout, &format!("{line}\n"));
                    }
                    self.vm.pending = Pending::None;
                    self.vm.push(Value::str(&line));
                    None
                }
                None if ctx.stdin.at_eof() => {
                    self.vm.pending = Pending::None;
                    let e = self.vm.exc(exc::EOF, "EOF when reading a line");
                    if let Flow::Exc(v) = e {
                        if let Err(f) = self.vm.unwind(v, false, 0) {
                            return Some(self.finish(ctx, Err(f)));
                        }
                    }
                    None
                }
                None => Some(Status::Waiting(Wait { until: None, stdin: true })),
            },
        }
    }

    /// Raises a pending signal in the running code.
    fn deliver_signal(&mut self, ctx: &mut Ctx, sig: Signal) -> Option<Status> {
        let handler = serve::signal_handler(&mut self.vm, sig);
        let interrupted_serve = !self.vm.servers.is_empty();
        let e = match handler {
            Some(h) => {
                match self.vm.call_sync(ctx, h, vec![Value::Int(sig.number() as i64), Value::None], Vec::new()) {
                    Ok(_) => return None,
                    Err(Flow::Exc(e)) => e,
                    Err(other) => return Some(self.finish(ctx, Err(other))),
                }
            }
            None => self.vm.make_exc(exc::KEYBOARD_INTERRUPT, Vec::new()),
        };
        self.vm.pending = Pending::None;
        if interrupted_serve {
            self.vm.servers.clear();
        }
        if self.vm.frames.is_empty() {
            return Some(self.finish(ctx, Err(Flow::Exc(e))));
        }
        match self.vm.unwind(e, false, 0) {
            Ok(()) => None,
            Err(f) => Some(self.finish(ctx, Err(f))),
        }
    }

    /// The end of a run (or of one REPL statement).
    fn finish(&mut self, ctx: &mut Ctx, r: Result<Value, Flow>) -> Status {
        match r {
            Err(Flow::Suspend(Suspend::Budget)) => Status::Waiting(Wait {
                until: Some(ctx.now),
                stdin: false,
            }),
            Err(Flow::Suspend(Suspend::Sleep(t))) => {
                self.vm.flush_stream(ctx, StdStream::Stderr);
                Status::Waiting(Wait { until: Some(t), stdin: false })
            }
            Err(Flow::Suspend(Suspend::Input)) => Status::Waiting(Wait { until: None, stdin: true }),
            Err(Flow::Suspend(Suspend::Serve)) => {
                self.vm.pending = Pending::Serve;
                self.vm.flush_all(ctx);
                Status::Waiting(Wait::default())
            }
            other => {
                self.vm.frames.clear();
                if let Mode::Repl(r) = &mut self.mode {
                    let mut r = r.clone();
                    if let Err(Flow::Exc(e)) = other {
                        if self.vm.is_exc_instance(&e, exc::SYSTEM_EXIT) {
                            let code = self.uncaught(ctx, &e);
                            self.finished = Some(code);
                            return Status::Exited(code);
                        }
                        let text = self.vm.format_exception(ctx, &e, self.colorize);
                        self.vm.flush_all(ctx);
                        ctx.write(StdStream::Stderr, &text);
                    }
                    self.vm.flush_all(ctx);
                    self.repl_running = false;
                    r.prompt(&mut self.vm, ctx);
                    self.mode = Mode::Repl(r);
                    return self.step(ctx);
                }
                let code = match other {
                    Ok(_) => 0,
                    Err(Flow::Exc(e)) => self.uncaught(ctx, &e),
                    Err(Flow::Suspend(_)) => 1,
                };
                self.vm.flush_all(ctx);
                self.finished = Some(code);
                Status::Exited(code)
            }
        }
    }

    fn run(&mut self, ctx: &mut Ctx) -> Status {
        if let Some(sig) = self.pending_signal.take() {
            if let Some(st) = self.deliver_signal(ctx, sig) {
                return st;
            }
        } else if let Some(st) = self.resume_pending(ctx) {
            return st;
        }
        if self.vm.frames.is_empty() {
            return self.finish(ctx, Ok(Value::None));
        }
        let mut budget = STEP_BUDGET;
        let r = self.vm.exec(ctx, 0, &mut budget);
        self.finish(ctx, r)
    }
}

fn colors_enabled(ctx: &Ctx) -> bool {
    match ctx.var("PYTHON_COLORS") {
        Some("0") => return false,
        Some("1") => return true,
        _ => {}
    }
    if env_set(ctx, "NO_COLOR") {
        return false;
    }
    if env_set(ctx, "FORCE_COLOR") {
        return true;
    }
    if ctx.var("TERM") == Some("dumb") {
        return false;
    }
    ctx.tty
}

impl Program for Python {
    fn step(&mut self, ctx: &mut Ctx) -> Status {
        if let Some(c) = self.finished {
            return Status::Exited(c);
        }
        match &self.mode {
            Mode::Pip(_) => {
                let Mode::Pip(p) = &mut self.mode else {
                    return Status::Exited(1);
                };
                let st = p.step(ctx);
                if let Status::Exited(code) = st {
                    self.finished = Some(code);
                }
                st
            }
            Mode::Exit(c) => {
                let c = *c;
                self.vm.flush_all(ctx);
                self.finished = Some(c);
                Status::Exited(c)
            }
            Mode::StdinScript => {
                if !ctx.stdin.closed {
                    return Status::Waiting(Wait { until: None, stdin: true });
                }
                let src = std::mem::take(&mut ctx.stdin.buf);
                if src.trim().is_empty() {
                    self.finished = Some(0);
                    return Status::Exited(0);
                }
                self.load_main(ctx, &src, "<stdin>", false);
                self.step(ctx)
            }
            Mode::Script => self.run(ctx),
            Mode::Repl(_) => {
                if self.repl_running {
                    return self.run(ctx);
                }
                if let Some(sig) = self.pending_signal.take() {
                    if sig == Signal::Int {
                        ctx.write(StdStream::Stdout, "\nKeyboardInterrupt\n");
                        if let Mode::Repl(r) = &mut self.mode {
                            r.reset();
                            let mut r = r.clone();
                            r.prompt(&mut self.vm, ctx);
                            self.mode = Mode::Repl(r);
                        }
                    }
                }
                let Mode::Repl(mut r) = self.mode.clone() else {
                    return Status::Exited(0);
                };
                let out = r.feed(&mut self.vm, ctx);
                self.mode = Mode::Repl(r);
                match out {
                    repl::Feed::Wait => Status::Waiting(Wait { until: None, stdin: true }),
                    repl::Feed::Exit(c) => {
                        self.vm.flush_all(ctx);
                        self.finished = Some(c);
                        Status::Exited(c)
                    }
                    repl::Feed::Run => {
                        self.repl_running = true;
                        self.run(ctx)
                    }
                }
            }
        }
    }

    fn listening(&self) -> Vec<Listen> {
        self.vm
            .servers
            .iter()
            .map(|s| Listen {
                host: s.host.clone(),
                port: s.port,
            })
            .collect()
    }

    fn http(&mut self, port: u16, req: &HttpRequest, ctx: &mut Ctx) -> Option<HttpResponse> {
        serve::handle(&mut self.vm, port, req, ctx)
    }

    fn signal(&mut self, sig: Signal, ctx: &mut Ctx) -> Disposition {
        let _ = ctx;
        if self.finished.is_some() {
            return Disposition::Default;
        }
        let handled = match sig {
            Signal::Int => !serve::signal_ignored_default(&self.vm, sig),
            other => serve::signal_handler_peek(&self.vm, other),
        };
        if handled {
            self.pending_signal = Some(sig);
            Disposition::Handled
        } else {
            Disposition::Default
        }
    }

    fn clone_box(&self) -> Box<dyn Program> {
        Box::new(self.clone())
    }
}

//! Node.js inside containers: `node`, `npm` and `npx` as simulated programs.
//!
//! `node` runs a JavaScript subset on a resumable bytecode interpreter (`lex` → `parse` →
//! `compile` → `vm`), with Node's event loop (`host`), its modules (`modules`, `fs`, `node`,
//! `lib/*.js`), `util.inspect` (`inspect`) and its error reports (`errors`, `frames`). `npm`
//! installs packages from `packages.json` data and runs scripts (`npm`).
//!
//! Budget: every `step` runs at most `vm::STEP_BUDGET` (200 000) bytecode operations before it
//! returns `Waiting { until: Some(now) }`; a callback run from inside a builtin (a `forEach`
//! callback, a getter, an HTTP handler) may take at most `vm::NESTED_CAP` operations before the
//! program is stopped with a `dockling: node:` message, because such runs cannot be paused.

mod ast;
mod builtins;
mod code;
mod compile;
mod errors;
mod frames;
mod fs;
mod host;
mod http;
mod inspect;
mod iter;
mod lex;
mod modules;
mod node;
pub mod npm;
mod num;
mod object;
mod parse;
mod process;
mod promise;
mod regex;
mod repl;
mod sha;
mod stdin;
mod value;
mod vm;

use crate::proc::program::{Ctx, Disposition, HttpRequest, HttpResponse, Listen, Program, Status, Wait};
use crate::proc::Signal;
use host::{Bottom, Cont, Host, LoopState, NodeVersion};
use value::Val;
use vm::Vm;

/// Node releases of the official images and the npm each bundles.
pub const VERSIONS: &[(&str, &str)] = &[
    ("12.22.12", "6.14.16"),
    ("14.21.3", "6.14.18"),
    ("16.20.2", "8.19.4"),
    ("18.20.8", "10.8.2"),
    ("20.19.3", "10.8.2"),
    ("22.17.0", "10.9.2"),
    ("24.3.0", "11.4.2"),
];

pub const DEFAULT_VERSION: &str = "22.17.0";

/// The Node version for an environment (`NODE_VERSION`), and its npm.
pub fn version_for(env_version: Option<&str>) -> NodeVersion {
    let v = env_version.filter(|v| !v.is_empty()).unwrap_or(DEFAULT_VERSION);
    let v = v.trim_start_matches('v');
    let major: u32 = v.split('.').next().and_then(|m| m.parse().ok()).unwrap_or(22);
    let npm = match VERSIONS.iter().find(|(n, _)| *n == v) {
        Some((_, p)) => *p,
        // Another release: the npm of the nearest listed release of an older or equal major.
        None => VERSIONS.iter().rev().find(|(n, _)| n.split('.').next().and_then(|m| m.parse::<u32>().ok()).is_some_and(|m| m <= major)).map(|x| x.1).unwrap_or("10.9.2"),
    };
    NodeVersion { version: v.to_string(), major, npm }
}

#[derive(Clone, Debug)]
enum Mode {
    Script(String),
    Eval(String, bool),
    /// Read the whole script from stdin.
    Stdin,
    Repl,
    Print(String, i32),
}

/// The `node` program.
#[derive(Clone, Debug)]
pub struct Node {
    vm: Option<Box<Vm>>,
    argv: Vec<String>,
    mode: Option<Mode>,
    started: bool,
    done: Option<i32>,
    repl: Option<repl::Repl>,
    preload: Vec<String>,
    env_files: Vec<String>,
}

/// Starts `node`, `npm`, `npx` or `nodemon` by `argv[0]`'s basename.
pub fn start(argv: &[String], ctx: &mut Ctx) -> Box<dyn Program> {
    let name = argv.first().map(|a| crate::vfs::basename(a).to_string()).unwrap_or_default();
    match name.as_str() {
        "npm" => {
            crate::proc::programs::packages::offline_note("npm", argv, ctx, &["install", "i", "ci", "add", "update"]);
            Box::new(npm::Npm::new(argv, ctx))
        }
        "npx" => Box::new(npm::Npm::npx(argv, ctx)),
        "nodemon" => Box::new(npm::Npm::nodemon(argv, ctx)),
        _ => Box::new(Node::new(argv, ctx)),
    }
}

impl Node {
    pub fn new(argv: &[String], ctx: &mut Ctx) -> Node {
        let _ = ctx;
        Node {
            vm: None,
            argv: argv.to_vec(),
            mode: None,
            started: false,
            done: None,
            repl: None,
            preload: Vec::new(),
            env_files: Vec::new(),
        }
    }

    /// Parses Node's command line: options, then the script and its arguments.
    fn parse_args(&mut self, ctx: &Ctx) -> (Mode, Vec<String>) {
        let version = version_for(ctx.var("NODE_VERSION"));
        let args = &self.argv[1.min(self.argv.len())..];
        let mut i = 0;
        let mut env_files = Vec::new();
        while i < args.len() {
            let a = args[i].as_str();
            match a {
                "-v" | "--version" => return (Mode::Print(format!("v{}\n", version.version), 0), Vec::new()),
                "-e" | "--eval" | "-p" | "--print" => {
                    let print = a == "-p" || a == "--print";
                    let Some(code) = args.get(i + 1) else {
                        return (Mode::Print(format!("{}: {a} requires an argument\n", self.argv[0]), 9), Vec::new());
                    };
                    let rest = args[i + 2..].to_vec();
                    return (Mode::Eval(code.clone(), print), rest);
                }
                "-i" | "--interactive" => return (Mode::Repl, Vec::new()),
                "-r" | "--require" => {
                    if let Some(m) = args.get(i + 1) {
                        self.preload.push(m.clone());
                    }
                    i += 2;
                    continue;
                }
                "-h" | "--help" => return (Mode::Print("dockling: node: --help is not simulated\n".into(), 1), Vec::new()),
                "-" => return (Mode::Stdin, args[i + 1..].to_vec()),
                "--" => {
                    return match args.get(i + 1) {
                        Some(s) => (Mode::Script(s.clone()), args[i + 2..].to_vec()),
                        None => (Mode::Stdin, Vec::new()),
                    }
                }
                _ if a.starts_with("--env-file=") => {
                    env_files.push(a["--env-file=".len()..].to_string());
                }
                _ if a.starts_with("--inspect") || a == "--watch" || a.starts_with("--watch-") || a == "--test" || a.starts_with("--prof") || a.starts_with("--cpu-prof") => {
                    return (Mode::Print(format!("dockling: node: {} is not simulated\n", a.split('=').next().unwrap_or(a)), 1), Vec::new());
                }
                _ if a.starts_with("--max-old-space-size") || a.starts_with("--max-http-header-size") || a == "--no-warnings" || a == "--trace-warnings" || a == "--enable-source-maps" || a.starts_with("--experimental") || a == "--no-deprecation" || a.starts_with("--unhandled-rejections") || a == "--trace-uncaught" || a.starts_with("--title") || a.starts_with("--input-type") || a == "--use-strict" || a.starts_with("--stack-size") => {}
                _ if a.starts_with('-') => {
                    return (Mode::Print(format!("{}: bad option: {a}\n", self.argv[0]), 9), Vec::new());
                }
                _ => {
                    self.env_files = env_files;
                    return (Mode::Script(a.to_string()), args[i + 1..].to_vec());
                }
            }
            i += 1;
        }
        self.env_files = env_files;
        if ctx.tty {
            (Mode::Repl, Vec::new())
        } else {
            (Mode::Stdin, Vec::new())
        }
    }

    fn init(&mut self, ctx: &mut Ctx) {
        let version = version_for(ctx.var("NODE_VERSION"));
        let (mode, rest) = self.parse_args(ctx);
        let mut host = Host::new(version);
        host.tty = ctx.tty;
        host.hostname = ctx.hostname.to_string();
        host.ip = ctx.ip.to_string();
        host.pid = ctx.pid;
        host.cwd = ctx.cwd.to_string();
        host.seed = ctx.seed;
        host.rng = ctx.seed ^ 0x5851_f42d_4c95_7f2d;
        host.start = ctx.now.as_ms();
        host.now = ctx.now.as_ms();
        host.env = ctx.env.iter().filter_map(|e| e.split_once('=').map(|(k, v)| (k.to_string(), v.to_string()))).collect();
        for f in std::mem::take(&mut self.env_files) {
            let p = crate::vfs::normalize(ctx.cwd, &f);
            match modules::read_text(ctx, &p) {
                Some(text) => {
                    for (k, v) in npm::parse_dotenv(&text) {
                        if !host.env.iter().any(|(x, _)| *x == k) {
                            host.env.push((k, v));
                        }
                    }
                }
                None => {
                    self.mode = Some(Mode::Print(format!("{}: {f}: not found\n", self.argv[0]), 9));
                    return;
                }
            }
        }
        let script_path = match &mode {
            Mode::Script(s) => crate::vfs::normalize(ctx.cwd, s),
            Mode::Eval(..) => "[eval]".to_string(),
            _ => "-".to_string(),
        };
        host.argv = vec!["/usr/local/bin/node".to_string()];
        if let Mode::Script(_) = mode {
            host.argv.push(script_path.clone());
        }
        host.argv.extend(rest);
        host.main_path = script_path;
        let mut vm = Box::new(Vm::new(host));
        fs::install_buffer(&mut vm);
        // process is an EventEmitter.
        let events = modules::builtin(&mut vm, ctx, "events");
        let proto = match events {
            Ok(e) => match vm.get_str(ctx, &e, "prototype") {
                Ok(Val::Obj(p)) => Some(p),
                _ => None,
            },
            Err(_) => None,
        };
        process::install(&mut vm, ctx, proto);
        // URL and URLSearchParams load the url module on first use.
        for k in ["URL", "URLSearchParams"] {
            let g = vm.native_with(lazy_global, Val::str(k));
            let gv = vm.realm.global;
            vm.heap.get_mut(gv).props.insert(value::Key::s(k), value::Slot::Acc(Some(g), None), value::CONF);
        }
        self.vm = Some(vm);
        self.mode = Some(mode);
    }

    fn begin(&mut self, ctx: &mut Ctx) -> Option<Status> {
        let mode = self.mode.clone()?;
        let vm = self.vm.as_mut()?;
        for m in std::mem::take(&mut self.preload) {
            if let Err(e) = modules::require(vm, ctx, "", &m) {
                vm.uncaught(ctx, e);
                return Some(Status::Exited(1));
            }
        }
        match mode {
            Mode::Print(text, code) => {
                if code == 0 {
                    ctx.out.out(&text);
                } else {
                    ctx.out.err(&text);
                }
                Some(Status::Exited(code))
            }
            Mode::Script(_) => {
                let path = vm.host.main_path.clone();
                if let Err(e) = modules::start_main(vm, ctx, &path) {
                    if vm.fatal.is_none() {
                        vm.uncaught(ctx, e);
                    }
                    return None;
                }
                Self::run_main(vm, ctx);
                None
            }
            Mode::Eval(code, print) => {
                repl::start_eval(vm, ctx, &code, print);
                None
            }
            Mode::Stdin => {
                if !ctx.stdin.closed {
                    // Wait for the whole script.
                    self.mode = Some(Mode::Stdin);
                    return Some(Status::Waiting(Wait { until: None, stdin: true }));
                }
                let src = std::mem::take(&mut ctx.stdin.buf);
                if src.trim().is_empty() {
                    return Some(Status::Exited(0));
                }
                repl::start_stdin(vm, ctx, &src);
                None
            }
            Mode::Repl => {
                let r = repl::Repl::start(vm, ctx);
                self.repl = Some(r);
                None
            }
        }
    }

    fn run_main(vm: &mut Vm, ctx: &mut Ctx) {
        let Some((f, this, args)) = vm.host.main_call.take() else { return };
        vm.host.bottom = Bottom::MainModule;
        vm.host.cont = Cont::Main;
        vm.budget_end = vm.steps + vm::STEP_BUDGET;
        let r = vm.start_call(ctx, &f, this, args);
        if let Err(e) = vm.finish_task(ctx, r) {
            vm.uncaught(ctx, e);
        }
        vm.host.slack = 1;
    }
}

fn lazy_global(vm: &mut Vm, ctx: &mut Ctx, c: &mut value::Call) -> Result<Val, Val> {
    let name = vm.prim_str(&c.data);
    let u = modules::builtin(vm, ctx, "url")?;
    let v = vm.get_str(ctx, &u, &name)?;
    builtins::global(vm, &name, v.clone());
    Ok(v)
}

impl Program for Node {
    fn step(&mut self, ctx: &mut Ctx) -> Status {
        if let Some(c) = self.done {
            return Status::Exited(c);
        }
        if self.vm.is_none() {
            self.init(ctx);
            if self.vm.is_none() {
                if let Some(Mode::Print(text, code)) = self.mode.take() {
                    ctx.out.err(&text);
                    self.done = Some(code);
                    return Status::Exited(code);
                }
                self.done = Some(1);
                return Status::Exited(1);
            }
        }
        if !self.started {
            if let Some(Mode::Stdin) = &self.mode {
                if !ctx.stdin.closed {
                    return Status::Waiting(Wait { until: None, stdin: true });
                }
            }
            self.started = true;
            if let Some(s) = self.begin(ctx) {
                if let Status::Exited(c) = s {
                    self.done = Some(c);
                }
                if let Status::Waiting(_) = s {
                    self.started = false;
                }
                return s;
            }
        }
        let Some(vm) = self.vm.as_mut() else { return Status::Exited(1) };
        let state = match self.repl.as_mut() {
            Some(r) => r.step(vm, ctx),
            None => vm.run_loop(ctx),
        };
        match state {
            LoopState::Until(t) => Status::Waiting(Wait { until: Some(t), stdin: false }),
            LoopState::Input(t) => Status::Waiting(Wait { until: t, stdin: true }),
            LoopState::Idle => Status::Waiting(Wait { until: None, stdin: false }),
            LoopState::Exit(c) => {
                self.done = Some(c);
                Status::Exited(c)
            }
        }
    }

    fn listening(&self) -> Vec<Listen> {
        match &self.vm {
            Some(vm) if self.done.is_none() => vm.host.servers.iter().map(|s| Listen { host: s.host.clone(), port: s.port }).collect(),
            _ => Vec::new(),
        }
    }

    fn http(&mut self, port: u16, req: &HttpRequest, ctx: &mut Ctx) -> Option<HttpResponse> {
        if self.done.is_some() {
            return None;
        }
        let vm = self.vm.as_mut()?;
        http::serve(vm, ctx, port, req)
    }

    fn signal(&mut self, sig: Signal, ctx: &mut Ctx) -> Disposition {
        let Some(vm) = self.vm.as_mut() else { return Disposition::Default };
        if self.done.is_some() {
            return Disposition::Default;
        }
        let name = match sig {
            Signal::Int => "SIGINT",
            Signal::Term => "SIGTERM",
            Signal::Hup => "SIGHUP",
            Signal::Usr1 => "SIGUSR1",
            Signal::Usr2 => "SIGUSR2",
            Signal::Quit => "SIGQUIT",
            Signal::Winch => "SIGWINCH",
            Signal::Kill => return Disposition::Default,
        };
        if let Some(r) = self.repl.as_mut() {
            if sig == Signal::Int {
                r.interrupt(vm, ctx);
                return Disposition::Handled;
            }
        }
        // SIGWINCH is ignored unless a listener wants it.
        if process::emit_signal(vm, ctx, name) || sig == Signal::Winch {
            Disposition::Handled
        } else {
            Disposition::Default
        }
    }

    fn clone_box(&self) -> Box<dyn Program> {
        Box::new(self.clone())
    }
}

//! Node's side of the interpreter: the event loop (ticks, microtasks, timers, immediates, stdin,
//! signals), and the state behind `process`, timers and servers.

use std::collections::VecDeque;

use super::value::*;
use super::vm::{Outcome, Vm};
use crate::clock::SimTime;
use crate::proc::program::Ctx;

/// What to do when the task running at the bottom of the stack finishes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Cont {
    #[default]
    None,
    /// A `then` callback: settle the derived promise with its result.
    Derived(Option<Oid>),
    /// The main module (uncaught errors are reported with the module-loading frames).
    Main,
    /// `node -p`: print the result.
    Print,
    /// A REPL input: print its result or its error.
    ReplResult,
}

/// Which of Node's internal frames sit below the running JavaScript.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Bottom {
    #[default]
    None,
    MainModule,
    Timer,
    Immediate,
    /// A `process.nextTick` callback, with its number of arguments.
    Tick(u8),
    HttpRequest,
    Stdin,
    Eval,
    /// In an `uncaughtException` listener (for an exception / a rejection).
    Fatal,
    FatalRejection,
}

#[derive(Clone, Debug)]
pub struct Timer {
    pub id: u32,
    pub due: u64,
    pub interval: Option<u64>,
    pub callback: Val,
    pub args: Vec<Val>,
    /// The `Timeout` object (receiver of the callback: `Timeout._onTimeout`).
    pub obj: Oid,
    pub refed: bool,
}

#[derive(Clone, Debug)]
pub struct Server {
    pub port: u16,
    pub host: String,
    /// The JavaScript server object (its `_dispatch` handles a request).
    pub obj: Oid,
}

/// Node's version-dependent wording and frames.
#[derive(Clone, Debug)]
pub struct NodeVersion {
    pub version: String,
    pub major: u32,
    pub npm: &'static str,
}

#[derive(Clone, Debug)]
pub struct Host {
    /// An `uncaughtException` listener is running.
    pub in_uncaught_handler: bool,
    pub cont: Cont,
    pub bottom: Bottom,
    pub now: u64,
    pub timers: Vec<Timer>,
    pub next_timer: u32,
    pub immediates: VecDeque<(Val, Vec<Val>, Oid)>,
    pub ticks: VecDeque<(Val, Vec<Val>)>,
    pub servers: Vec<Server>,
    /// Loaded modules: (absolute path, `module` object).
    pub modules: Vec<(Str, Oid)>,
    /// Built-in modules already instantiated: (name, exports).
    pub builtin_modules: Vec<(&'static str, Val)>,
    pub version: NodeVersion,
    pub argv: Vec<String>,
    pub env: Vec<(String, String)>,
    pub cwd: String,
    pub main_path: String,
    /// The `process` object (an EventEmitter).
    pub process: Val,
    /// Open stdin consumers: readline interfaces and `process.stdin` (listener objects).
    pub stdin_readers: Vec<Oid>,
    pub stdin_paused: bool,
    pub exit_code: i32,
    pub tty: bool,
    pub hostname: String,
    pub pid: u32,
    pub ip: String,
    /// Characters of stdout written without a trailing newline (REPL prompt handling).
    pub seed: u64,
    pub rng: u64,
    /// `process.hrtime` base.
    pub start: u64,
    /// Uncaught errors are reported through this entry's wording (CommonJS vs ESM).
    pub esm_main: bool,
    /// Errors thrown inside Node's own code print this arrow instead of a user line.
    pub internal_arrows: Vec<(Oid, String)>,
    /// (module path, the module that required it first).
    pub module_parents: Vec<(Str, Str)>,
    /// The bundled JavaScript modules loaded (they may require `dockling:host`).
    pub internal_files: Vec<Str>,
    pub main_module: Option<Oid>,
    /// The main module's wrapper call, started as the first task: (function, this, args).
    pub main_call: Option<(Val, Val, Vec<Val>)>,
    pub group_indent: usize,
    pub counts: Vec<(String, u32)>,
    pub timers_console: Vec<(String, u64)>,
    pub timeout_proto: Option<Oid>,
    pub stdin_obj: Option<Oid>,
    pub exit_emitted: bool,
    pub exit_code_set: bool,
    pub rejection_id: u32,
    pub stdin_ended: bool,
    pub buffer_proto: Option<Oid>,
    pub buffer_ctor: Option<Oid>,
    pub stats_proto: Option<Oid>,
    pub dirent_proto: Option<Oid>,
    pub dirent_type_sym: u32,
    pub hash_proto: Option<Oid>,
    /// The `dockling:host` object of the bundled modules.
    pub binding: Option<Oid>,
    /// The REPL keeps the process alive.
    pub repl: bool,
    /// Loading the main module takes more than a millisecond in Node, so its `setTimeout(f, 0)`
    /// timers fire before its `setImmediate` callbacks: timers up to this much later count as due
    /// in the first timers phase.
    pub slack: u64,
}

impl Host {
    pub fn new(version: NodeVersion) -> Host {
        Host {
            in_uncaught_handler: false,
            cont: Cont::None,
            bottom: Bottom::None,
            now: 0,
            timers: Vec::new(),
            next_timer: 1,
            immediates: VecDeque::new(),
            ticks: VecDeque::new(),
            servers: Vec::new(),
            modules: Vec::new(),
            builtin_modules: Vec::new(),
            version,
            argv: Vec::new(),
            env: Vec::new(),
            cwd: "/".into(),
            main_path: String::new(),
            process: Val::Undef,
            stdin_readers: Vec::new(),
            stdin_paused: false,
            exit_code: 0,
            tty: false,
            hostname: String::new(),
            pid: 1,
            ip: String::new(),
            seed: 0,
            rng: 0,
            start: 0,
            esm_main: false,
            internal_arrows: Vec::new(),
            module_parents: Vec::new(),
            internal_files: Vec::new(),
            main_module: None,
            main_call: None,
            group_indent: 0,
            counts: Vec::new(),
            timers_console: Vec::new(),
            timeout_proto: None,
            stdin_obj: None,
            exit_emitted: false,
            exit_code_set: false,
            rejection_id: 0,
            stdin_ended: false,
            buffer_proto: None,
            buffer_ctor: None,
            stats_proto: None,
            dirent_proto: None,
            dirent_type_sym: 0,
            hash_proto: None,
            binding: None,
            repl: false,
            slack: 0,
        }
    }

    /// Node's internal frames under the current task, as this version prints them.
    pub fn bottom_frames(&self) -> Vec<String> {
        super::frames::bottom(self.version.major, &self.version.version, self.bottom, self.esm_main)
    }

    pub fn earliest_timer(&self) -> Option<u64> {
        self.timers.iter().filter(|t| t.refed).map(|t| t.due).min()
    }
}

/// Why the loop stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoopState {
    /// Run again at this time (`now` when the budget ran out).
    Until(SimTime),
    /// Waiting for input (and maybe a timer).
    Input(Option<SimTime>),
    /// Only servers keep it alive.
    Idle,
    Exit(i32),
}

impl Vm {
    /// Calls a function as a new task at the bottom of the stack.
    pub fn start_call(&mut self, ctx: &mut Ctx, f: &Val, this: Val, args: Vec<Val>) -> Outcome {
        let Val::Obj(fo) = f else {
            let shown = self.prim_str(f);
            let e = self.error(super::vm::ErrKind::Type, &format!("{shown} is not a function"));
            return Outcome::Threw(e);
        };
        let depth = self.frames.len();
        match self.enter(ctx, *fo, this, args, None, "") {
            Ok(Some(v)) => Outcome::Done(v),
            Ok(None) => self.run(ctx, depth),
            Err(e) => Outcome::Threw(e),
        }
    }

    /// Applies the task continuation; `Err` is an uncaught exception.
    pub fn finish_task(&mut self, _ctx: &mut Ctx, r: Outcome) -> Result<(), Val> {
        match r {
            Outcome::Yield => Ok(()),
            Outcome::Done(v) => {
                let cont = std::mem::take(&mut self.host.cont);
                match cont {
                    Cont::Derived(Some(d)) => self.resolve_promise_value(d, v),
                    Cont::Print => {
                        let s = match &v {
                            Val::Str(s) => s.to_string(),
                            other => {
                                let o = super::inspect::Opts { colors: self.host.tty, ..Default::default() };
                                super::inspect::inspect(self, _ctx, other, &o)
                            }
                        };
                        _ctx.out.out(&format!("{s}\n"));
                    }
                    Cont::ReplResult => self.repl_result(_ctx, &Outcome::Done(v)),
                    _ => {}
                }
                Ok(())
            }
            Outcome::Threw(e) => {
                let cont = std::mem::take(&mut self.host.cont);
                if cont == Cont::ReplResult && self.fatal.is_none() && self.exit.is_none() {
                    self.repl_result(_ctx, &Outcome::Threw(e));
                    return Ok(());
                }
                if self.fatal.is_some() || self.exit.is_some() {
                    return Err(e);
                }
                match cont {
                    Cont::Derived(Some(d)) => {
                        self.throw_site = None;
                        self.reject_promise(d, e);
                        Ok(())
                    }
                    Cont::Derived(None) => {
                        self.throw_site = None;
                        Ok(())
                    }
                    _ => Err(e),
                }
            }
        }
    }

    /// Runs the event loop until it must wait or the process exits.
    pub fn run_loop(&mut self, ctx: &mut Ctx) -> LoopState {
        self.host.now = self.host.now.max(ctx.now.as_ms());
        self.budget_end = self.steps + super::vm::STEP_BUDGET;
        loop {
            if let Some(s) = self.stop_state(ctx) {
                return s;
            }
            // A task interrupted by the budget continues first.
            if !self.frames.is_empty() {
                let r = self.run(ctx, 0);
                if let Outcome::Yield = r {
                    return LoopState::Until(ctx.now);
                }
                if let Err(e) = self.finish_task(ctx, r) {
                    self.uncaught(ctx, e);
                }
                continue;
            }
            if self.steps >= self.budget_end {
                return LoopState::Until(ctx.now);
            }
            // process.nextTick callbacks, then microtasks.
            if let Some((f, args)) = self.host.ticks.pop_front() {
                self.host.bottom = Bottom::Tick(args.len().min(5) as u8);
                self.host.cont = Cont::None;
                let r = self.start_call(ctx, &f, Val::Undef, args);
                self.task_done(ctx, r);
                continue;
            }
            if let Some(job) = self.jobs.pop_front() {
                self.host.bottom = Bottom::None;
                if let Err(e) = self.run_job(ctx, job) {
                    self.uncaught(ctx, e);
                }
                continue;
            }
            if !self.pending_rejections.is_empty() {
                let ps = std::mem::take(&mut self.pending_rejections);
                for p in ps {
                    let reason = match &self.heap.get(p).kind {
                        Kind::Promise(pd) if !pd.handled => match &pd.state {
                            PState::Rejected(v) => Some(v.clone()),
                            _ => None,
                        },
                        _ => None,
                    };
                    if let Some(r) = reason {
                        super::errors::unhandled_rejection(self, ctx, p, r);
                        if self.exit.is_some() {
                            break;
                        }
                    }
                }
                continue;
            }
            // Timers due now, earliest first (creation order on ties).
            let now = self.host.now + self.host.slack;
            let due = self
                .host
                .timers
                .iter()
                .enumerate()
                .filter(|(_, t)| t.due <= now)
                .min_by_key(|(_, t)| (t.due, t.id))
                .map(|(i, _)| i);
            if let Some(i) = due {
                let t = self.host.timers[i].clone();
                match t.interval {
                    Some(iv) => self.host.timers[i].due = t.due + iv.max(1),
                    None => {
                        self.host.timers.remove(i);
                    }
                }
                self.host.bottom = Bottom::Timer;
                self.host.cont = Cont::None;
                let r = self.start_call(ctx, &t.callback, Val::Obj(t.obj), t.args.clone());
                self.task_done(ctx, r);
                continue;
            }
            self.host.slack = 0;
            if let Some((f, args, obj)) = self.host.immediates.pop_front() {
                self.host.bottom = Bottom::Immediate;
                self.host.cont = Cont::None;
                let r = self.start_call(ctx, &f, Val::Obj(obj), args);
                self.task_done(ctx, r);
                continue;
            }
            // Input for stdin consumers.
            let wants_stdin = !self.host.stdin_paused && (!self.host.stdin_readers.is_empty() || super::stdin::stdin_listened(self, ctx));
            if wants_stdin && (!ctx.stdin.buf.is_empty() || ctx.stdin.closed) && super::stdin::deliver(self, ctx) {
                continue;
            }
            // Nothing runnable now: what keeps the process alive?
            let timer = self.host.earliest_timer().map(SimTime::from_ms);
            if self.host.repl || (wants_stdin && !ctx.stdin.at_eof()) {
                return LoopState::Input(timer);
            }
            if let Some(t) = timer {
                return LoopState::Until(t);
            }
            if !self.host.servers.is_empty() {
                return LoopState::Idle;
            }
            // Exit: the 'beforeExit'/'exit' events.
            super::process::emit_exit(self, ctx);
            if let Some(s) = self.stop_state(ctx) {
                return s;
            }
            return LoopState::Exit(self.host.exit_code);
        }
    }

    fn stop_state(&mut self, ctx: &mut Ctx) -> Option<LoopState> {
        if let Some(msg) = self.fatal.take() {
            self.frames.clear();
            ctx.out.err(&format!("{msg}\n"));
            self.exit = Some(1);
        }
        if let Some(code) = self.exit {
            self.frames.clear();
            return Some(LoopState::Exit(code));
        }
        None
    }

    fn task_done(&mut self, ctx: &mut Ctx, r: Outcome) {
        if let Err(e) = self.finish_task(ctx, r) {
            self.uncaught(ctx, e);
        }
    }

    /// An exception nothing caught: Node prints it and exits with 1.
    pub fn uncaught(&mut self, ctx: &mut Ctx, e: Val) {
        if self.fatal.is_some() || self.exit.is_some() {
            return;
        }
        if super::process::emit_uncaught(self, ctx, &e, "uncaughtException") {
            self.throw_site = None;
            return;
        }
        super::errors::report_uncaught(self, ctx, &e);
        self.exit = Some(if self.host.exit_code != 0 { self.host.exit_code.max(1) } else { 1 });
        self.frames.clear();
    }
}

//! The inside of a container as programs see it: its file system, clock, hostname and user, and
//! how a command name becomes a simulated program (`#!dockling:<program>` markers, scripts).

use super::coreutils::{self, Env, Tools};
use super::sh::{self, Exec, Flavor, Run, Shell, System, Vm, VmState};
use super::{Captured, Chunk};
use crate::clock::SimTime;
use crate::vfs::{basename, join, normalize, Meta, NodeKind, Tree};
use super::program::{Ctx, HttpRequest, HttpResponse, Input, Program as ProgramTrait, Status, Wait};

/// What a container's processes can see and touch.
#[derive(Debug)]
pub struct Machine<'a> {
    pub fs: &'a mut Tree,
    pub now: SimTime,
    pub hostname: &'a str,
    pub uid: u32,
    /// The container's processes, for `ps`: (pid, command line).
    pub procs: &'a [(u32, String)],
    /// The process has a terminal (`-t`): `ls` prints columns.
    pub tty: bool,
    /// Signals sent with `kill` during the step, for the daemon to deliver: (pid, signal).
    pub signals: Vec<(u32, crate::proc::Signal)>,
    /// The process's terminal input: what a foreground program reads (swapped in by `Process`).
    pub stdin: Input,
    /// The container's address on its network (`172.17.0.2`), empty without one.
    pub ip: &'a str,
    /// Seed of the programs' own PRNGs (fixed per container).
    pub seed: u64,
    /// Host names this container resolves (`/etc/hosts`, links, its networks' DNS) → addresses.
    pub hosts: &'a [(String, String)],
    /// HTTP requests programs sent to other hosts during the step, for the daemon to carry.
    pub requests: Vec<NetRequest>,
    /// The process runs one command directly (not through a shell): a program it starts is
    /// PID 1.
    pub direct: bool,
    /// The machine has a network (see `Ctx::online`).
    pub online: bool,
}

/// An HTTP request a program inside a container sends (curl, wget), answered later with
/// `Process::net_reply`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetRequest {
    pub token: u64,
    pub ip: String,
    pub port: u16,
    pub request: HttpRequest,
}

/// What came back for a `NetRequest`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetReply {
    Response(HttpResponse),
    /// Nothing listens there (`Connection refused`).
    Refused,
    /// The connection was accepted and dropped (a published port with no server behind it).
    Reset,
}

/// A command started from inside a shell that is still running.
#[derive(Clone, Debug)]
pub enum Nested {
    /// A shell on a script or `-c` text.
    Shell { shell: Shell, vm: Vm<Box<Nested>> },
    /// A simulated program (an interpreter, a server, a package manager).
    Program(Running),
    /// `curl`/`wget` waiting for its answer.
    Fetch(super::curl::Fetch),
}

/// A simulated program in flight.
#[derive(Clone, Debug)]
pub struct Running {
    pub prog: Box<dyn ProgramTrait>,
    pub wait: Wait,
    /// Input of its own (a pipe, a file, a here-document); `None`: the terminal's.
    pub stdin: Option<Input>,
    pub env: Vec<String>,
    pub cwd: String,
    pub pid: u32,
    /// stdout is a terminal.
    pub tty: bool,
    /// Killed by a signal it does not handle: the exit status to report.
    pub killed: Option<i32>,
}

/// When a nested command (or one nested in it) next wants to run.
pub fn nested_wake(n: &Nested) -> Option<SimTime> {
    match n {
        Nested::Shell { vm, .. } => vm.wake_time_by(|w| nested_wake(w)),
        Nested::Program(r) if r.killed.is_some() => Some(SimTime(0)),
        Nested::Program(r) => r.wait.until,
        Nested::Fetch(f) => f.wake_time(),
    }
}

/// The innermost running program of a chain of nested commands.
pub fn nested_program(n: &mut Nested) -> Option<&mut Running> {
    match n {
        Nested::Shell { vm, .. } => vm.waiting_mut().and_then(|w| nested_program(w)),
        Nested::Program(r) => Some(r),
        Nested::Fetch(_) => None,
    }
}

/// The innermost fetch of a chain of nested commands.
pub fn nested_fetch(n: &mut Nested) -> Option<&mut super::curl::Fetch> {
    match n {
        Nested::Shell { vm, .. } => vm.waiting_mut().and_then(|w| nested_fetch(w)),
        Nested::Fetch(f) => Some(f),
        Nested::Program(_) => None,
    }
}

impl Machine<'_> {
    /// Runs `f` with a program's step context built from this machine and the program's own
    /// working directory, environment, PID and stdin (its own, or the terminal's).
    pub fn with_ctx<T>(
        &mut self,
        r: &mut Running,
        out: &mut Captured,
        f: impl FnOnce(&mut dyn ProgramTrait, &mut Ctx) -> T,
    ) -> T {
        let stdin = match r.stdin.as_mut() {
            Some(own) => own,
            None => &mut self.stdin,
        };
        let mut ctx = Ctx {
            fs: self.fs,
            now: self.now,
            cwd: &r.cwd,
            env: &r.env,
            hostname: self.hostname,
            ip: self.ip,
            pid: r.pid,
            uid: self.uid,
            stdin,
            tty: r.tty,
            out,
            seed: self.seed ^ u64::from(r.pid),
            online: self.online,
        };
        f(&mut *r.prog, &mut ctx)
    }

    /// Steps a program; its exit status once it has ended.
    pub fn step_program(&mut self, r: &mut Running, out: &mut Captured) -> Option<i32> {
        if let Some(code) = r.killed {
            return Some(code);
        }
        match self.with_ctx(r, out, |p, ctx| p.step(ctx)) {
            Status::Exited(c) => Some(c),
            Status::Waiting(w) => {
                r.wait = w;
                None
            }
        }
    }
}

/// How an executable file runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Program {
    /// A simulated program, by name (`busybox` applets are resolved to the applet).
    Builtin(String),
    /// A shell script (`#!/bin/sh` or no marker): run by a shell.
    Script(String),
}

/// Finds `cmd` (a name looked up in `PATH`, or a path) in the file system.
pub fn resolve(fs: &Tree, cwd: &str, path_var: &str, cmd: &str) -> Option<(String, Program)> {
    let candidates: Vec<String> = if cmd.contains('/') {
        vec![normalize(cwd, cmd)]
    } else {
        path_var
            .split(':')
            .filter(|d| !d.is_empty())
            .map(|d| join(d, cmd))
            .collect()
    };
    for c in candidates {
        let Some(real) = fs.canonical(&c) else {
            continue;
        };
        let Some(node) = fs.get(&real) else { continue };
        let NodeKind::File(data) = &node.kind else {
            continue;
        };
        let text = String::from_utf8_lossy(&data[..data.len().min(200)]).into_owned();
        let program = match text.strip_prefix("#!dockling:") {
            Some(p) => {
                let p = p.lines().next().unwrap_or("").trim().to_string();
                if p == "busybox" && basename(&c) != "busybox" {
                    Program::Builtin(format!("busybox:{}", basename(&c)))
                } else {
                    Program::Builtin(p)
                }
            }
            None => Program::Script(real.clone()),
        };
        return Some((c, program));
    }
    None
}

/// A user as `/etc/passwd` describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub uid: u32,
    pub home: String,
}

/// The users of a file system's `/etc/passwd`.
pub fn passwd(fs: &Tree) -> Vec<User> {
    let Some(NodeKind::File(d)) = fs.get("/etc/passwd").map(|n| &n.kind) else { return Vec::new() };
    String::from_utf8_lossy(d)
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            Some(User { name: f.first()?.to_string(), uid: f.get(2)?.parse().ok()?, home: f.get(5).unwrap_or(&"/").to_string() })
        })
        .collect()
}

/// Resolves `-u NAME|UID[:GROUP]` as runc's user lookup does; the error is the daemon's.
pub fn lookup_user(fs: &Tree, spec: &str) -> Result<User, String> {
    let name = spec.split(':').next().unwrap_or("");
    if name.is_empty() {
        return Ok(User { name: "root".into(), uid: 0, home: "/root".into() });
    }
    let users = passwd(fs);
    if let Ok(uid) = name.parse::<u32>() {
        return Ok(users.into_iter().find(|u| u.uid == uid).unwrap_or(User { name: uid.to_string(), uid, home: "/".into() }));
    }
    users
        .into_iter()
        .find(|u| u.name == name)
        .ok_or_else(|| format!("unable to find user {name}: no matching entries in passwd file"))
}

/// The shell flavour and `$0` of a shell program.
pub fn shell_kind(program: &str) -> Option<(Flavor, &'static str)> {
    match program {
        "bash" => Some((Flavor::Bash, "bash")),
        "dash" => Some((Flavor::Dash, "sh")),
        "busybox:sh" | "busybox:ash" => Some((Flavor::Ash, "sh")),
        _ => None,
    }
}

impl Machine<'_> {
    fn env<'b>(
        &'b mut self,
        sh: &'b Shell,
        stdin: &'b str,
        tty: bool,
        tools: Tools,
        environ: &'b [String],
        users: &'b [(u32, &'b str)],
    ) -> Env<'b> {
        Env {
            fs: self.fs,
            cwd: &sh.cwd,
            now: self.now,
            uid: self.uid,
            tty,
            stdin,
            tools,
            users,
            hostname: self.hostname,
            environ,
            procs: self.procs,
            umask: sh.umask,
        }
    }

    /// Starts a shell on a script file or `-c` text, nested in the current one.
    fn nested_shell(
        &mut self,
        sh: &Shell,
        flavor: Flavor,
        name: &str,
        args: &[String],
        out: &mut Captured,
    ) -> Run<Box<Nested>> {
        let mut child = Shell::new(flavor, name, &sh.cwd, &sh.environ());
        child.pid = sh.pid + 1;
        child.script = true;
        child.umask = sh.umask;
        let source = match args.first().map(String::as_str) {
            Some("-c") => match args.get(1) {
                Some(s) => {
                    // `sh -c TEXT ARG0 ARGS…`: ARG0 becomes `$0` (and the prefix of errors).
                    if let Some(arg0) = args.get(2) {
                        child.name = arg0.clone();
                    }
                    child.args = args.get(3..).map(|a| a.to_vec()).unwrap_or_default();
                    s.clone()
                }
                None => {
                    out.err(&format!("{name}: -c: option requires an argument\n"));
                    return Run::Done(2);
                }
            },
            Some(file) => {
                let path = normalize(&sh.cwd, file);
                match self.fs.get(&path).map(|n| &n.kind) {
                    Some(NodeKind::File(d)) => {
                        child.args = args[1..].to_vec();
                        String::from_utf8_lossy(d).into_owned()
                    }
                    _ => {
                        let msg = match flavor {
                            Flavor::Bash => format!("bash: {file}: No such file or directory\n"),
                            Flavor::Dash => format!("sh: 0: cannot open {file}: No such file\n"),
                            Flavor::Ash => {
                                format!("sh: can't open '{file}': No such file or directory\n")
                            }
                        };
                        out.err(&msg);
                        return Run::Done(if flavor == Flavor::Ash { 2 } else { 127 });
                    }
                }
            }
            None => {
                out.err(
                    "dockling: a nested interactive shell is not simulated yet; use `sh -c '…'`\n",
                );
                return Run::Done(1);
            }
        };
        let file = args.first().filter(|a| *a != "-c").map(String::as_str);
        let program = child.parse_script(&source, file).into_program();
        let mut nested = Box::new(Nested::Shell {
            shell: child,
            vm: Vm::new(sh::compile(&program)),
        });
        match self.poll(&mut nested, out) {
            Some(code) => Run::Done(code),
            None => Run::Wait(nested),
        }
    }
}

impl System for Machine<'_> {
    type Wait = Box<Nested>;

    fn fs(&mut self) -> &mut Tree {
        self.fs
    }

    fn now(&self) -> SimTime {
        self.now
    }

    fn meta(&self, mode: u32) -> Meta {
        Meta {
            mode,
            uid: self.uid,
            gid: self.uid,
            mtime: self.now,
        }
    }

    fn exec(&mut self, sh: &mut Shell, cmd: Exec<'_>, out: &mut Captured) -> Run<Box<Nested>> {
        let name = cmd.argv[0].as_str();
        let path_var = sh.vars.get("PATH").cloned().unwrap_or_default();
        let Some((_, program)) = resolve(self.fs, &sh.cwd, &path_var, name) else {
            if name.contains('/') {
                let msg = match sh.flavor {
                    Flavor::Bash => format!("{}: {name}: No such file or directory\n", sh.name),
                    Flavor::Dash => format!("{}: 1: {name}: not found\n", sh.name),
                    Flavor::Ash => format!("{}: {name}: not found\n", sh.name),
                };
                out.err(&msg);
            } else {
                out.err(&sh.not_found(name));
            }
            return Run::Done(127);
        };
        let mut environ = sh.environ();
        for (k, v) in cmd.assigns {
            environ.retain(|e| !e.starts_with(&format!("{k}=")));
            environ.push(format!("{k}={v}"));
        }
        let args = &cmd.argv[1..];
        let (program, tools) = match &program {
            Program::Script(path) => {
                return self.nested_shell(
                    sh,
                    sh.flavor,
                    &sh.name.clone(),
                    &[path.clone()]
                        .into_iter()
                        .chain(args.iter().cloned())
                        .collect::<Vec<_>>(),
                    out,
                )
            }
            Program::Builtin(p) => match p.strip_prefix("busybox:") {
                Some(applet) => (applet.to_string(), Tools::Busybox),
                None => (p.clone(), Tools::Gnu),
            },
        };
        if let Some((flavor, sh_name)) = shell_kind(&program).or_else(|| {
            shell_kind(&format!("busybox:{program}")).filter(|_| tools == Tools::Busybox)
        }) {
            return self.nested_shell(sh, flavor, sh_name, args, out);
        }
        if program == "hello" {
            let mut o = Vec::new();
            let mut h = super::hello::Hello;
            h.step(self.now, &mut o);
            for (s, t) in o {
                out.write(s, &t);
            }
            return Run::Done(0);
        }
        if matches!(program.as_str(), "curl" | "wget" | "ping") {
            let tty = self.tty && cmd.tty;
            let _ = tty;
            return match super::curl::Fetch::start(&program, tools, args, &sh.cwd, self, out) {
                Ok(code) => Run::Done(code),
                Err(f) => Run::Wait(Box::new(Nested::Fetch(f))),
            };
        }
        if super::programs::known(&program) {
            let mut r = Running {
                prog: Box::new(super::programs::Starting),
                wait: Wait::default(),
                stdin: cmd.stdin_redirected.then(|| Input::complete(cmd.stdin)),
                env: environ,
                cwd: sh.cwd.clone(),
                pid: if sh.pid == 1 && self.direct { 1 } else { 7 },
                tty: self.tty && cmd.tty,
                killed: None,
            };
            let argv = cmd.argv.to_vec();
            r.prog = self.with_ctx(&mut r, out, |_, ctx| super::programs::start(&program, &argv, ctx));
            return match self.step_program(&mut r, out) {
                Some(code) => Run::Done(code),
                None => Run::Wait(Box::new(Nested::Program(r))),
            };
        }
        let list = passwd(self.fs);
        let users: Vec<(u32, &str)> = list.iter().map(|u| (u.uid, u.name.as_str())).collect();
        let tty = self.tty && cmd.tty;
        let mut env = self.env(sh, cmd.stdin, tty, tools, &environ, &users);
        match coreutils::run(&program, &mut env, args, out) {
            Some(coreutils::Outcome::Done(c)) => Run::Done(c),
            Some(coreutils::Outcome::Sleep(t)) => Run::Sleep(t),
            None => {
                out.err(&format!(
                    "dockling: '{program}' is not simulated in this image yet\n"
                ));
                Run::Done(127)
            }
        }
    }

    fn poll(&mut self, wait: &mut Box<Nested>, out: &mut Captured) -> Option<i32> {
        match &mut **wait {
            Nested::Shell { shell, vm } => {
                let mut cap = Captured::default();
                let state = vm.run(shell, self, &mut cap);
                out.chunks.extend(
                    cap.chunks
                        .into_iter()
                        .filter(|c| !matches!(c, Chunk::Clear)),
                );
                match state {
                    VmState::Blocked => None,
                    VmState::Done => Some(shell.status),
                    VmState::Exit(c) => Some(c),
                }
            }
            Nested::Program(r) => self.step_program(r, out),
            Nested::Fetch(f) => f.poll(self, out),
        }
    }

    fn wake_time(&self, wait: &Box<Nested>) -> Option<SimTime> {
        nested_wake(wait)
    }

    fn signal(&mut self, pid: u32, sig: crate::proc::Signal) -> bool {
        if !self.procs.iter().any(|(p, _)| *p == pid) {
            return false;
        }
        self.signals.push((pid, sig));
        true
    }
}

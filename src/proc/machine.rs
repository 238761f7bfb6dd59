//! The inside of a container as programs see it: its file system, clock, hostname and user, and
//! how a command name becomes a simulated program (`#!dockling:<program>` markers, scripts).

use super::coreutils::{self, Env, Tools};
use super::sh::{self, Exec, Flavor, Run, Shell, System, Vm, VmState};
use super::{Captured, Chunk};
use crate::clock::SimTime;
use crate::vfs::{basename, join, normalize, Meta, NodeKind, Tree};

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
}

/// A shell started from inside a shell (`sh -c …`, a script), running until it ends.
#[derive(Clone, Debug)]
pub struct Nested {
    shell: Shell,
    vm: Vm<Box<Nested>>,
}

/// When a nested shell (or one nested in it) next wants to run.
pub fn nested_wake(n: &Nested) -> Option<SimTime> {
    n.vm.wake_time_by(|w| nested_wake(w))
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
        let source = match args.first().map(String::as_str) {
            Some("-c") => match args.get(1) {
                Some(s) => {
                    child.args = args[2..].to_vec();
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
        let program = match sh::parse(&source) {
            sh::ParseResult::Complete { program, .. } => program,
            sh::ParseResult::Incomplete => {
                out.err(&format!("{name}: syntax error: unexpected end of file\n"));
                return Run::Done(2);
            }
            sh::ParseResult::Error(m) => {
                out.err(&format!("{name}: {m}\n"));
                return Run::Done(2);
            }
        };
        let mut nested = Box::new(Nested {
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
        let n = &mut **wait;
        let mut cap = Captured::default();
        let state = n.vm.run(&mut n.shell, self, &mut cap);
        out.chunks.extend(
            cap.chunks
                .into_iter()
                .filter(|c| !matches!(c, Chunk::Clear)),
        );
        match state {
            VmState::Blocked => None,
            VmState::Done => Some(n.shell.status),
            VmState::Exit(c) => Some(c),
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

//! The shell: one POSIX sh subset (with bash, dash or busybox-ash flavour) for the learner's host
//! and for the shells inside containers. Source is lexed and parsed into a tree, compiled into
//! flat operations, and run by a resumable machine (`Vm`) that stops whenever a command waits.

mod arith;
pub mod ast;
mod builtins;
pub mod compile;
pub mod expand;
pub mod lex;
pub mod parse;
mod vm;


pub use compile::{compile, Code};
pub use parse::{parse, ParseResult, PendingHeredoc};
pub use vm::{attach_bodies, heredoc_bodies, Vm, VmState};

use crate::clock::SimTime;
use crate::proc::Captured;
use crate::vfs::{Meta, Tree};

/// Which shell's messages to imitate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// GNU bash: `bash: foo: command not found`.
    Bash,
    /// Debian's /bin/sh: `/bin/sh: 1: foo: not found`.
    Dash,
    /// BusyBox ash (busybox, alpine): `sh: foo: not found`.
    Ash,
}

/// A shell's state that outlives one command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shell {
    pub flavor: Flavor,
    /// `$0` and the prefix of its messages (`bash`, `sh`, `/bin/sh`).
    pub name: String,
    pub cwd: String,
    pub oldpwd: Option<String>,
    pub vars: crate::vecmap::VecMap<String, String>,
    /// Exported names in the order they entered the environment.
    pub exported: Vec<String>,
    pub args: Vec<String>,
    pub status: i32,
    pub errexit: bool,
    pub pid: u32,
    /// `-c` scripts report errors with a line number in bash and dash.
    pub script: bool,
}

impl Shell {
    pub fn new(flavor: Flavor, name: &str, cwd: &str, env: &[String]) -> Shell {
        let mut vars = crate::vecmap::VecMap::new();
        let mut exported: Vec<String> = Vec::new();
        for e in env {
            let (k, v) = e.split_once('=').unwrap_or((e, ""));
            vars.insert(k.to_string(), v.to_string());
            if !exported.iter().any(|e| e == k) {
                exported.push(k.to_string());
            }
        }
        Shell {
            flavor,
            name: name.to_string(),
            cwd: cwd.to_string(),
            oldpwd: None,
            vars,
            exported,
            args: Vec::new(),
            status: 0,
            errexit: false,
            pid: 1,
            script: false,
        }
    }

    /// The environment passed to programs: exported variables, `KEY=value`, in order.
    pub fn environ(&self) -> Vec<String> {
        self.exported
            .iter()
            .filter_map(|k| self.vars.get(k).map(|v| format!("{k}={v}")))
            .collect()
    }

    /// Marks a variable exported (keeping the first position it had).
    pub fn export(&mut self, name: &str) {
        if !self.exported.iter().any(|e| e == name) {
            self.exported.push(name.to_string());
        }
    }

    /// "command not found" in this shell's words.
    pub fn not_found(&self, cmd: &str) -> String {
        match self.flavor {
            Flavor::Bash if self.script => {
                format!("{}: line 1: {cmd}: command not found\n", self.name)
            }
            Flavor::Bash => format!("{}: {cmd}: command not found\n", self.name),
            Flavor::Dash => format!("{}: 1: {cmd}: not found\n", self.name),
            Flavor::Ash => format!("{}: {cmd}: not found\n", self.name),
        }
    }

    /// An error of a builtin: `bash: cd: x: No such file or directory`.
    pub fn builtin_error(&self, builtin: &str, msg: &str) -> String {
        match self.flavor {
            Flavor::Bash if self.script => format!("{}: line 1: {builtin}: {msg}\n", self.name),
            Flavor::Bash => format!("{}: {builtin}: {msg}\n", self.name),
            Flavor::Dash => format!("{}: 1: {builtin}: {msg}\n", self.name),
            Flavor::Ash => format!("{}: {builtin}: {msg}\n", self.name),
        }
    }
}

/// A command for the system to run.
#[derive(Debug)]
pub struct Exec<'a> {
    pub argv: &'a [String],
    /// `NAME=value` prefixes, for this command's environment only.
    pub assigns: &'a [(String, String)],
    pub stdin: &'a str,
    /// stdin comes from a pipe, a file or a here-document rather than the terminal.
    pub stdin_redirected: bool,
    /// stdout is the terminal.
    pub tty: bool,
}

/// What a program did when started.
#[derive(Debug)]
pub enum Run<W> {
    Done(i32),
    /// Wait until this time, then exit 0.
    Sleep(SimTime),
    /// Wait for something only the system knows (an attached container…).
    Wait(W),
    /// The shell itself should exit with this status.
    Exit(i32),
}

/// What the shell runs on: a file system, a clock, and the programs that are not builtins.
pub trait System {
    type Wait: std::fmt::Debug;
    fn fs(&mut self) -> &mut Tree;
    fn now(&self) -> SimTime;
    /// Ownership and mode for files the shell creates (redirections).
    fn meta(&self, mode: u32) -> Meta;
    /// Runs a non-builtin command.
    fn exec(&mut self, sh: &mut Shell, cmd: Exec<'_>, out: &mut Captured) -> Run<Self::Wait>;
    /// Checks on a waiting command; its exit status once done.
    fn poll(&mut self, wait: &mut Self::Wait, out: &mut Captured) -> Option<i32>;
    /// When a waiting command wants time to pass to make progress, if known.
    fn wake_time(&self, _wait: &Self::Wait) -> Option<SimTime> {
        None
    }
    /// `kill`: sends a signal to a process of this system; `false` if there is no such process.
    fn signal(&mut self, _pid: u32, _sig: crate::proc::Signal) -> bool {
        false
    }
}

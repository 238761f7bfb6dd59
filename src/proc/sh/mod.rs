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
pub use parse::{missing, parse, Missing, ParseResult, PendingHeredoc};
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
    /// The file-creation mask (`umask`): files get 0666 and directories 0777 without these bits.
    pub umask: u32,
    /// Functions defined so far, compiled.
    pub functions: crate::vecmap::VecMap<String, compile::Code>,
    /// One frame per function running.
    pub frames: Vec<Frame>,
}

/// A function call in progress: what its end gives back to the caller.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frame {
    /// The caller's positional parameters.
    pub args: Vec<String>,
    /// The variables `local` saved: name, value before.
    pub locals: Vec<(String, Option<String>)>,
    /// Called where `set -e` does not apply (a condition, `f || …`): not inside it either.
    pub unchecked: bool,
    /// Variables exported only for the call (`X=1 f`).
    pub unexport: Vec<String>,
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
            umask: 0o022,
            functions: crate::vecmap::VecMap::new(),
            frames: Vec::new(),
        }
    }

    /// Ends the innermost function call: its parameters and `local`s go back to the caller's.
    pub fn pop_frame(&mut self) {
        if let Some(f) = self.frames.pop() {
            self.args = f.args;
            self.exported.retain(|e| !f.unexport.contains(e));
            for (name, before) in f.locals.into_iter().rev() {
                match before {
                    Some(v) => {
                        self.vars.insert(name, v);
                    }
                    None => {
                        self.vars.remove(&name);
                    }
                }
            }
        }
    }

    /// Ends every function call (the command running them was interrupted).
    pub fn unwind_calls(&mut self) {
        while !self.frames.is_empty() {
            self.pop_frame();
        }
    }

    /// `set -e` is off inside a function called where it does not apply.
    pub fn errexit_applies(&self) -> bool {
        self.errexit && !self.frames.iter().any(|f| f.unchecked)
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
            // BusyBox 1.35's ash (the real engine's busybox) numbers `-c` lines from 0
            Flavor::Ash if self.script => format!("{}: {builtin}: line 0: {msg}\n", self.name),
            Flavor::Ash => format!("{}: {builtin}: {msg}\n", self.name),
        }
    }
}

/// A script (`sh -c TEXT`) read as a shell reads one: a top-level command at a time, so the
/// complete commands before a syntax error still run; then the error, and exit status 2.
#[derive(Debug)]
pub struct Script {
    pub program: ast::Node,
    /// The syntax error to print after `program`, in this shell's words.
    pub error: Option<String>,
}

impl Script {
    /// The program to run: the commands before the error, then the error on stderr and exit 2.
    pub fn into_program(self) -> ast::Node {
        let Some(msg) = self.error else { return self.program };
        let report = format!("printf '%s' '{}' >&2\nexit 2", msg.replace('\'', "'\\''"));
        match parse(&report) {
            ParseResult::Complete { program, .. } => ast::Node::List(vec![self.program, program]),
            _ => self.program,
        }
    }
}

impl Shell {
    /// Parses the text of `sh -c` (`file: None`) or of a script file, with the syntax error
    /// worded as bash (`bash: -c: line 1: …`), dash (`sh: 1: Syntax error: …`) or BusyBox ash
    /// (`sh: syntax error: …`) word it, each checked against the real shell.
    pub fn parse_script(&self, src: &str, file: Option<&str>) -> Script {
        if let ParseResult::Complete { program, .. } = parse(src) {
            return Script { program, error: None };
        }
        let lines: Vec<&str> = src.split('\n').collect();
        // Lines before `good` hold complete commands; `bad` is the line of an offending token.
        let (mut good, mut bad) = (0, None);
        for end in 1..=lines.len() {
            match parse(&lines[..end].join("\n")) {
                ParseResult::Complete { .. } => good = end,
                ParseResult::Error(m) => {
                    bad = Some((end - 1, m));
                    break;
                }
                ParseResult::Incomplete => {}
            }
        }
        let program = match parse(&lines[..good].join("\n")) {
            ParseResult::Complete { program, .. } => program,
            _ => ast::Node::List(Vec::new()),
        };
        let name = &self.name;
        let at = |n: usize| match (self.flavor, file) {
            (Flavor::Bash, None) => format!("{name}: -c: line {n}: "),
            (Flavor::Bash | Flavor::Ash, Some(f)) => format!("{f}: line {n}: "),
            (Flavor::Dash, None) => format!("{name}: {n}: "),
            (Flavor::Dash, Some(f)) => format!("{f}: {n}: "),
            (Flavor::Ash, None) => format!("{name}: "),
        };
        let error = match bad {
            Some((_, m)) if m.starts_with("dockling:") => format!("{m}\n"),
            Some((line, m)) => {
                let token = m.strip_prefix("syntax error near unexpected token `").and_then(|t| t.strip_suffix('\'')).unwrap_or(&m);
                let at = at(line + 1);
                match self.flavor {
                    Flavor::Bash => format!("{at}{m}\n{at}`{}'\n", lines[line]),
                    Flavor::Dash if token == "newline" => format!("{at}Syntax error: newline unexpected\n"),
                    Flavor::Dash => format!("{at}Syntax error: \"{token}\" unexpected\n"),
                    Flavor::Ash if token == "newline" => format!("{at}syntax error: unexpected newline\n"),
                    Flavor::Ash => format!("{at}syntax error: unexpected \"{token}\"\n"),
                }
            }
            None => {
                // dash and ash count the line after a final newline; bash one more without it.
                let last = src.matches('\n').count() + 1;
                let bash_eof = if src.ends_with('\n') { last } else { last + 1 };
                let last_text = lines.iter().rev().find(|l| !l.is_empty()).copied().unwrap_or("");
                match (self.flavor, missing(src)) {
                    (Flavor::Bash, Missing::Quote(q)) => format!("{}unexpected EOF while looking for matching `{q}'\n", at(last)),
                    (Flavor::Bash, Missing::ForVariable) => {
                        let at = at(last);
                        format!("{at}syntax error near unexpected token `newline'\n{at}`{last_text}'\n")
                    }
                    (Flavor::Bash, _) => format!("{}syntax error: unexpected end of file\n", at(bash_eof)),
                    (Flavor::Dash, Missing::Quote(_)) => format!("{}Syntax error: Unterminated quoted string\n", at(last)),
                    (Flavor::Dash, Missing::ForVariable) => format!("{}Syntax error: Bad for loop variable\n", at(last)),
                    (Flavor::Dash, Missing::Word(w)) => format!("{}Syntax error: end of file unexpected (expecting \"{w}\")\n", at(last)),
                    (Flavor::Dash, Missing::Nothing) => format!("{}Syntax error: end of file unexpected\n", at(last)),
                    (Flavor::Ash, Missing::Quote(_)) => format!("{}syntax error: unterminated quoted string\n", at(last)),
                    (Flavor::Ash, Missing::ForVariable) => format!("{}syntax error: bad for loop variable\n", at(last)),
                    (Flavor::Ash, Missing::Word(w)) => format!("{}syntax error: unexpected end of file (expecting \"{w}\")\n", at(last)),
                    (Flavor::Ash, Missing::Nothing) => format!("{}syntax error: unexpected end of file\n", at(last)),
                }
            }
        };
        Script { program, error: Some(error) }
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

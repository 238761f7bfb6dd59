//! A container's process: a program run directly (`sleep 300`), a shell running a script
//! (`sh -c '…'`), or an interactive shell reading lines from stdin with its prompt. Stepped by
//! the daemon on the virtual clock.

use super::machine::{nested_fetch, nested_program, nested_wake, Machine, NetReply, Nested, Program};
use super::program::{Disposition, HttpRequest, HttpResponse, Input, Listen};
use super::sh::ast::{Node, Simple};
use super::sh::lex::Part;
use super::sh::{self, Flavor, Shell, Vm, VmState};
use super::{Captured, Chunk, Output, Step};
use crate::api::StdStream;
use crate::vfs::{normalize, NodeKind};

/// What kind of process it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Runs one command (or a script) and exits with its status.
    Run,
    /// Reads commands from stdin until `exit` or end of input.
    Interactive,
}

/// Signals Dockling delivers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    Hup = 1,
    Int = 2,
    Quit = 3,
    Kill = 9,
    Usr1 = 10,
    Usr2 = 12,
    Term = 15,
    Winch = 28,
}

impl Signal {
    /// Parses `SIGTERM`, `TERM`, `15`, as `docker kill -s` accepts them.
    pub fn parse(s: &str) -> Option<Signal> {
        let up = s.to_ascii_uppercase();
        let name = up.strip_prefix("SIG").unwrap_or(&up);
        Some(match name {
            "HUP" | "1" => Signal::Hup,
            "INT" | "2" => Signal::Int,
            "QUIT" | "3" => Signal::Quit,
            "KILL" | "9" => Signal::Kill,
            "USR1" | "10" => Signal::Usr1,
            "USR2" | "12" => Signal::Usr2,
            "TERM" | "15" => Signal::Term,
            "WINCH" | "28" => Signal::Winch,
            _ => return None,
        })
    }
    pub fn number(self) -> i32 {
        self as i32
    }
}

/// A process inside a container.
#[derive(Clone, Debug)]
pub struct Process {
    shell: Shell,
    vm: Option<Vm<Box<Nested>>>,
    mode: Mode,
    /// Unread input (shared with the program in the foreground).
    stdin: Input,
    /// Runs one command directly rather than through a shell.
    direct: bool,
    /// Lines of an unfinished command (interactive).
    partial: Vec<String>,
    /// Attached to a terminal: prompts and echo.
    tty: bool,
    started: bool,
    /// An init process (`--init`) is PID 1 and forwards signals.
    init: bool,
    /// The image's program name for messages (`sleep`).
    pub program: String,
    /// Who runs it (the prompt shows `#` for root, `$` otherwise).
    pub user: String,
}

fn literal_argv(argv: &[String]) -> Node {
    Node::Simple(Simple {
        assigns: Vec::new(),
        words: argv.iter().map(|a| vec![Part::Quoted(a.clone())]).collect(),
        redirs: Vec::new(),
    })
}

impl Process {
    /// Starts `argv` (already resolved to `program`) in a container.
    pub fn start(
        argv: &[String],
        program: &Program,
        env: &[String],
        cwd: &str,
        tty: bool,
        open_stdin: bool,
        init: bool,
        fs: &crate::vfs::Tree,
    ) -> Process {
        let prog_name = match program {
            Program::Builtin(p) => p.strip_prefix("busybox:").unwrap_or(p).to_string(),
            Program::Script(_) => "sh".into(),
        };
        let kind = match program {
            Program::Builtin(p) => super::machine::shell_kind(p),
            Program::Script(_) => None,
        };
        let (flavor, name) = kind.unwrap_or((Flavor::Ash, "sh"));
        let mut shell = Shell::new(flavor, name, cwd, env);
        // A program run directly reports its own errors under its own name (`kill: …`).
        let direct_name = if kind.is_none() { prog_name.as_str() } else { name };
        let mut p = Process {
            shell: Shell::new(flavor, direct_name, cwd, env),
            vm: None,
            mode: Mode::Run,
            stdin: Input {
                buf: String::new(),
                closed: !open_stdin,
            },
            direct: kind.is_none(),
            partial: Vec::new(),
            tty,
            started: false,
            init,
            program: prog_name,
            user: "root".into(),
        };
        match kind {
            None => {
                p.vm = Some(Vm::new(sh::compile(&literal_argv(argv))));
            }
            Some(_) => {
                let args = &argv[1..];
                let mut file = None;
                let source = match args.first().map(String::as_str) {
                    Some("-c") => {
                        // `sh -c TEXT ARG0 ARGS…`: ARG0 becomes `$0` (and the prefix of errors).
                        if let Some(arg0) = args.get(2) {
                            shell.name = arg0.clone();
                        }
                        shell.args = args.get(3..).map(|a| a.to_vec()).unwrap_or_default();
                        Some(args.get(1).cloned().unwrap_or_default())
                    }
                    Some(f) if !f.starts_with('-') => {
                        shell.args = args[1..].to_vec();
                        file = Some(f.to_string());
                        match fs.get(&normalize(cwd, f)).map(|n| &n.kind) {
                            Some(NodeKind::File(d)) => Some(String::from_utf8_lossy(d).into_owned()),
                            _ => Some(format!("echo \"{name}: can't open '{f}': No such file or directory\" >&2; exit 2")),
                        }
                    }
                    _ => None,
                };
                match source {
                    Some(src) => {
                        shell.script = true;
                        p.vm = Some(Vm::new(sh::compile(&shell.parse_script(&src, file.as_deref()).into_program())));
                    }
                    None => p.mode = Mode::Interactive,
                }
                p.shell = shell;
            }
        }
        p
    }

    /// The prompt an interactive shell prints.
    fn prompt(&self, hostname: &str) -> String {
        let home = self
            .shell
            .vars
            .get("HOME")
            .cloned()
            .unwrap_or_else(|| "/root".into());
        let cwd = if self.shell.cwd == home {
            "~".to_string()
        } else if let Some(rest) = self.shell.cwd.strip_prefix(&format!("{home}/")) {
            format!("~/{rest}")
        } else {
            self.shell.cwd.clone()
        };
        let user = &self.user;
        let sign = if user == "root" { '#' } else { '$' };
        match self.shell.flavor {
            Flavor::Bash => format!("{user}@{hostname}:{cwd}{sign} "),
            Flavor::Ash => format!("{cwd} {sign} "),
            Flavor::Dash => format!("{sign} "),
        }
    }

    /// Input typed into the process's stdin.
    pub fn input(&mut self, text: &str) {
        if !self.stdin.closed {
            self.stdin.buf.push_str(text);
        }
    }

    /// End of input (Ctrl+D, or stdin never opened).
    pub fn close_stdin(&mut self) {
        self.stdin.closed = true;
    }

    /// Ctrl+C on the container's terminal: interrupts the foreground command of an interactive
    /// shell; a program run directly as PID 1 has no handler, so the kernel ignores it.
    pub fn tty_interrupt(&mut self, m: &mut Machine, out: &mut Output) {
        std::mem::swap(&mut m.stdin, &mut self.stdin);
        let mut cap = Captured::default();
        let program = match self.foreground() {
            Some(r) => {
                let disp = m.with_ctx(r, &mut cap, |p, ctx| p.signal(Signal::Int, ctx));
                if disp == Disposition::Default {
                    r.killed = Some(130);
                    out.push((StdStream::Stdout, "^C\n".into()));
                } else {
                    out.push((StdStream::Stdout, "^C".into()));
                }
                true
            }
            None => false,
        };
        std::mem::swap(&mut m.stdin, &mut self.stdin);
        push_text(out, cap);
        if program {
            return;
        }
        if self.mode == Mode::Interactive {
            self.vm = None;
            self.shell.unwind_calls();
            self.partial.clear();
            self.shell.status = 130;
            out.push((StdStream::Stdout, "^C\n".into()));
            self.started = false;
        } else if self.init {
            self.vm = None;
            self.shell.unwind_calls();
            self.shell.status = 130;
        }
    }

    /// What a signal does: `Some(exit code)` when the process dies. As PID 1 without `--init`,
    /// signals it has no handler for are ignored (only SIGKILL always kills).
    pub fn signal(&mut self, sig: Signal, m: &mut Machine, out: &mut Output) -> Option<i32> {
        if sig == Signal::Kill {
            return Some(137);
        }
        let init = self.init;
        std::mem::swap(&mut m.stdin, &mut self.stdin);
        let mut cap = Captured::default();
        let handled = match self.foreground() {
            Some(r) => {
                let disp = m.with_ctx(r, &mut cap, |p, ctx| p.signal(sig, ctx));
                // PID 1 ignores what it has no handler for; under tini or a shell the program
                // dies of it.
                if disp == Disposition::Default && (r.pid != 1 || init) {
                    r.killed = Some(128 + sig.number());
                }
                Some(disp)
            }
            None => None,
        };
        std::mem::swap(&mut m.stdin, &mut self.stdin);
        push_text(out, cap);
        match handled {
            Some(_) => None,
            None if init => Some(128 + sig.number()),
            None => None,
        }
    }

    /// When the process next wants to run, if it waits for time.
    pub fn wake_time(&self) -> Option<crate::clock::SimTime> {
        self.vm
            .as_ref()
            .and_then(|vm| vm.wake_time_by(|w| nested_wake(w)))
    }

    /// Runs until the process waits or exits.
    pub fn step(&mut self, m: &mut Machine, out: &mut Output) -> Step {
        m.direct = self.direct;
        self.step_inner(m, out)
    }

    /// The program in the foreground (run directly, or by the shell), if one is running.
    fn foreground(&mut self) -> Option<&mut super::machine::Running> {
        self.vm.as_mut()?.waiting_mut().and_then(|n| nested_program(n))
    }

    /// The addresses the foreground program listens on.
    pub fn listening(&mut self) -> Vec<Listen> {
        self.foreground().map(|r| r.prog.listening()).unwrap_or_default()
    }

    /// Serves an HTTP request with the foreground program; `None` when nothing listens on `port`.
    pub fn http(
        &mut self,
        port: u16,
        req: &HttpRequest,
        m: &mut Machine,
        out: &mut Output,
    ) -> Option<HttpResponse> {
        std::mem::swap(&mut m.stdin, &mut self.stdin);
        let mut cap = Captured::default();
        let resp = match self.foreground() {
            Some(r) => m.with_ctx(r, &mut cap, |p, ctx| p.http(port, req, ctx)),
            None => None,
        };
        std::mem::swap(&mut m.stdin, &mut self.stdin);
        push_text(out, cap);
        resp
    }

    /// The answer to a request a `curl` or `wget` in this process sent.
    pub fn net_reply(&mut self, token: u64, reply: NetReply) -> bool {
        self.vm
            .as_mut()
            .and_then(|vm| vm.waiting_mut())
            .and_then(|n| nested_fetch(n))
            .is_some_and(|f| f.deliver(token, reply))
    }

    fn step_inner(&mut self, m: &mut Machine, out: &mut Output) -> Step {
        for _ in 0..10_000 {
            if let Some(vm) = self.vm.as_mut() {
                let mut cap = Captured::default();
                // The foreground program reads the process's input.
                std::mem::swap(&mut m.stdin, &mut self.stdin);
                let state = vm.run(&mut self.shell, m, &mut cap);
                std::mem::swap(&mut m.stdin, &mut self.stdin);
                for c in cap.chunks {
                    if let Chunk::Text(s, t) = c {
                        out.push((s, t));
                    }
                }
                match state {
                    VmState::Blocked => {
                        return match self.wake_time() {
                            Some(t) => Step::Until(t),
                            None => Step::Stdin,
                        };
                    }
                    VmState::Exit(code) => {
                        if self.mode == Mode::Interactive
                            && self.shell.flavor == Flavor::Bash
                            && self.tty
                        {
                            out.push((StdStream::Stdout, "exit\n".into()));
                        }
                        return Step::Exited(code);
                    }
                    VmState::Done => {
                        self.vm = None;
                        if self.mode == Mode::Run {
                            return Step::Exited(self.shell.status);
                        }
                        self.started = false;
                    }
                }
            }
            // Interactive: prompt, then the next line of input.
            if !self.started {
                self.started = true;
                if self.tty {
                    let p = if self.partial.is_empty() {
                        self.prompt(m.hostname)
                    } else {
                        "> ".into()
                    };
                    out.push((StdStream::Stdout, p));
                }
            }
            let Some(nl) = self.stdin.buf.find('\n') else {
                if self.stdin.closed {
                    if self.tty && self.shell.flavor == Flavor::Bash {
                        out.push((StdStream::Stdout, "exit\n".into()));
                    } else if self.tty {
                        out.push((StdStream::Stdout, "\n".into()));
                    }
                    return Step::Exited(self.shell.status);
                }
                return Step::Stdin;
            };
            let line: String = self.stdin.buf[..nl].to_string();
            self.stdin.buf.drain(..=nl);
            if self.tty {
                out.push((StdStream::Stdout, format!("{line}\n")));
            }
            self.partial.push(line);
            let text = self.partial.join("\n");
            match sh::parse(&text) {
                sh::ParseResult::Incomplete => {
                    self.started = false;
                }
                sh::ParseResult::Error(msg) => {
                    self.partial.clear();
                    let token = msg.strip_prefix("syntax error near unexpected token `").and_then(|t| t.strip_suffix('\''));
                    let text = match (self.shell.flavor, token) {
                        _ if msg.starts_with("dockling:") => format!("{msg}\n"),
                        // BusyBox 1.35 at a terminal (`sh -i`): `sh: syntax error: unexpected "fi"`.
                        (Flavor::Ash, Some("newline")) => format!("{}: syntax error: unexpected newline\n", self.shell.name),
                        (Flavor::Ash, Some(t)) => format!("{}: syntax error: unexpected \"{t}\"\n", self.shell.name),
                        _ => format!("{}: {msg}\n", self.shell.name),
                    };
                    out.push((StdStream::Stderr, text));
                    self.shell.status = 2;
                    self.started = false;
                }
                sh::ParseResult::Complete {
                    mut program,
                    heredocs,
                } => {
                    if !heredocs.is_empty() {
                        let lines: Vec<String> = self.partial[1..].to_vec();
                        match sh::heredoc_bodies(&lines, &heredocs) {
                            Some(b) => sh::attach_bodies(&mut program, b),
                            None => {
                                self.started = false;
                                continue;
                            }
                        }
                    }
                    self.partial.clear();
                    self.vm = Some(Vm::new(sh::compile(&program)));
                }
            }
        }
        Step::Until(m.now + crate::clock::Millis(1000))
    }
}

/// Appends captured text to a process's output.
fn push_text(out: &mut Output, cap: Captured) {
    for c in cap.chunks {
        if let Chunk::Text(s, t) = c {
            out.push((s, t));
        }
    }
}

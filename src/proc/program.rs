//! The interface between a container's process machinery and the simulated programs that run
//! for a while: language interpreters (python, node), package managers, servers. A program is a
//! state machine: `step` runs it until it waits (for input, for time, for connections) or exits.
//!
//! Calling order, for the process that drives a program:
//! 1. construct it (each program module has its own `start(argv, &mut Ctx) -> Self`),
//! 2. `step(&mut ctx)` — runs until the program waits or exits; call again when what it waits
//!    for has happened (input arrived, stdin closed, `until` reached),
//! 3. between steps, `http(port, request, ctx)` for each connection to a port it listens on,
//!    and `signal(sig, ctx)` for each signal delivered.
//!
//! Programs never read a clock or an RNG: `ctx.now` is the virtual time, and randomness (Python's
//! `random`, …) comes from `ctx.seed`. On a TTY (`docker run -it`), a program that reads typed lines
//! echoes them through `Ctx::read_typed_line`, as the terminal's line discipline would (a password
//! prompt, which turns echo off, reads `ctx.stdin` directly).

use crate::api::StdStream;
use crate::clock::SimTime;
use crate::proc::{Captured, Signal};
use crate::vfs::Tree;

/// Everything a program may see and touch during one call.
#[derive(Debug)]
pub struct Ctx<'a> {
    /// The container's root file system (image layers plus the container's own changes).
    pub fs: &'a mut Tree,
    pub now: SimTime,
    /// The working directory the program was started in (absolute).
    pub cwd: &'a str,
    /// The environment, `KEY=value`, in order.
    pub env: &'a [String],
    pub hostname: &'a str,
    /// The container's IP address on its network (`172.17.0.2`), as servers print it.
    pub ip: &'a str,
    /// The program's process ID inside the container (1 when it is the container's main process).
    pub pid: u32,
    pub uid: u32,
    /// The program's standard input.
    pub stdin: &'a mut Input,
    /// stdout is a terminal (`docker run -t`): line-buffered output, prompts, colours where the
    /// real program uses them.
    pub tty: bool,
    /// Where the program writes stdout and stderr.
    pub out: &'a mut Captured,
    /// A seed for the program's own deterministic PRNG, fixed for the life of the process.
    pub seed: u64,
    /// The container has a network (not `--network none`, not `RUN --network=none`): package
    /// managers and downloads reach the simulated internet.
    pub online: bool,
}

impl Ctx<'_> {
    /// The value of an environment variable.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.env.iter().find_map(|e| {
            e.strip_prefix(name)
                .and_then(|rest| rest.strip_prefix('='))
        })
    }
    pub fn write(&mut self, stream: StdStream, text: &str) {
        self.out.write(stream, text);
    }
    /// `stdin.read_line`, echoing the line on a TTY.
    pub fn read_typed_line(&mut self) -> Option<String> {
        let line = self.stdin.read_line()?;
        if self.tty {
            self.out.out(&format!("{line}\n"));
        }
        Some(line)
    }
}

/// A program's standard input: what has arrived and not been read yet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Input {
    pub buf: String,
    /// No more input will come (stdin not open, Ctrl+D, end of a pipe or file).
    pub closed: bool,
}

impl Input {
    /// Input that is already complete (a pipe, a here-document, a file).
    pub fn complete(text: &str) -> Input {
        Input {
            buf: text.to_string(),
            closed: true,
        }
    }

    /// Takes one line (without its newline) if a whole line has arrived; at end of input, the
    /// unterminated rest as a last line; `None` when the program must wait (or at EOF: check
    /// `closed`).
    pub fn read_line(&mut self) -> Option<String> {
        if let Some(nl) = self.buf.find('\n') {
            let line = self.buf[..nl].to_string();
            self.buf.drain(..=nl);
            return Some(line);
        }
        if self.closed && !self.buf.is_empty() {
            return Some(std::mem::take(&mut self.buf));
        }
        None
    }

    /// At end of input: closed and nothing left to read.
    pub fn at_eof(&self) -> bool {
        self.closed && self.buf.is_empty()
    }
}

/// What a program is waiting for after a step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Wait {
    /// Step again at this time (a sleep, a timer).
    pub until: Option<SimTime>,
    /// Step again when input arrives or stdin closes.
    pub stdin: bool,
}

/// The result of a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// The program ended with this exit code (all buffered output has been written).
    Exited(i32),
    /// The program waits. With neither `until` nor `stdin` it waits for connections or
    /// signals only (a server).
    Waiting(Wait),
}

/// An address a program listens on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listen {
    /// `0.0.0.0`, `::`, `127.0.0.1`… as the program bound it.
    pub host: String,
    pub port: u16,
}

/// One HTTP/1.1 request from a client (the host's `curl`, another container).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET`, `POST`…
    pub method: String,
    /// The request target as sent: path and query (`/api?x=1`).
    pub target: String,
    /// Header names as sent (`Host`, `User-Agent`, `Accept`…), in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The client's address as the server sees it (`172.17.0.1` for the host through a
    /// published port).
    pub peer: String,
}

/// The server's answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    /// `OK`, `NOT FOUND` (Werkzeug upper-cases), `Not Found`…, as the real server words it.
    pub reason: String,
    /// Headers in the order the real server sends them (`Server`, `Date`, `Content-Type`,
    /// `Content-Length`, `Connection`…).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// What a signal did to a program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disposition {
    /// The program has no handler: the kernel's default action applies (terminate with
    /// 128+signal, or ignored when the program is PID 1 of its container).
    Default,
    /// The program handled it; it may now exit at its next step (Python's KeyboardInterrupt,
    /// a server's graceful shutdown).
    Handled,
}

/// A simulated program that runs for a while.
pub trait Program: std::fmt::Debug {
    /// Runs until the program waits or exits.
    fn step(&mut self, ctx: &mut Ctx) -> Status;
    /// The addresses it listens on now.
    fn listening(&self) -> Vec<Listen> {
        Vec::new()
    }
    /// Serves one request on `port`; `None` if nothing listens there (the connection is refused).
    fn http(&mut self, _port: u16, _req: &HttpRequest, _ctx: &mut Ctx) -> Option<HttpResponse> {
        None
    }
    /// Delivers a signal.
    fn signal(&mut self, _sig: Signal, _ctx: &mut Ctx) -> Disposition {
        Disposition::Default
    }
    /// A copy of the program in its current state (processes are part of the daemon's state,
    /// which is cloned).
    fn clone_box(&self) -> Box<dyn Program>;
}

impl Clone for Box<dyn Program> {
    fn clone(&self) -> Self {
        self.clone_box()
    }
}

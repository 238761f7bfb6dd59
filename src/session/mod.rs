//! The learner's host: a virtual home folder, a host shell, `docker` as a program on it, and the
//! virtual clock. The front ends (web terminal, native REPL, script mode, tests) drive a `Session`
//! the sans-IO way:
//!
//! 1. `input(line)` for each typed line (`interrupt()` for Ctrl+C),
//! 2. drain `poll_event()` and show the events,
//! 3. when `poll_timeout()` is `Some(t)`, call `advance_to(t)` once time `t` has come (the web app
//!    at real time, script mode and tests at once), then drain events again.
//!
//! `prompt()` is `Some` when the shell waits for a new command.

mod builtins;
mod script;
mod snapshot;

use std::collections::VecDeque;

pub use crate::api::StdStream as Stream;
pub use script::{run_script, Transcript};
pub use snapshot::SnapshotError;

use crate::cli::Pending;
use crate::clock::SimTime;
use crate::daemon::Daemon;
use crate::proc::sh::{self, parse, ParseResult, Shell, Vm, VmState};
use crate::proc::{Captured, Chunk};
use crate::vfs::{Meta, Tree};

/// A running command line.
type Job = Vm<Pending>;

/// How a session starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Seed of every generated ID and name.
    pub seed: u64,
    /// Virtual time at start.
    pub start: SimTime,
    /// Output goes to a terminal (web terminal, native TTY): progress updates in place.
    pub tty: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            seed: 0,
            start: SimTime::DEFAULT_START,
            tty: false,
        }
    }
}

/// Something for the terminal to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// Text written to stdout or stderr.
    Output { stream: Stream, text: String },
    /// A line that replaces the earlier line with the same `key` in the current command's output
    /// (only on a terminal).
    Progress {
        stream: Stream,
        key: String,
        line: String,
    },
    /// The progress line with `key` goes away, and the lines under it move up (a redrawn view,
    /// like `docker build`'s, got shorter).
    ProgressRemove { stream: Stream, key: String },
    /// `clear` / Ctrl+L.
    Clear,
}

pub(crate) const USER: &str = "learner";
pub(crate) const HOME: &str = "/home/learner";
pub(crate) const HOSTNAME: &str = "dockling";
pub(crate) const UID: u32 = 1000;

/// The host machine: its file system, clock and docker daemon. The shell runs on it.
#[derive(Debug)]
pub(crate) struct Host {
    pub tty: bool,
    pub now: SimTime,
    pub daemon: Daemon,
}

/// A learner's terminal session.
#[derive(Debug)]
pub struct Session {
    host: Host,
    shell: Shell,
    events: VecDeque<Event>,
    /// Lines of a command still being typed (open quote, `&&` at the end, here-document).
    partial: Vec<String>,
    /// Lines typed while a command runs; they run after it, as in a real terminal.
    queued: VecDeque<String>,
    job: Option<Job>,
    exited: Option<i32>,
    /// How the session started and every input since, with its virtual time: replaying them
    /// rebuilds this exact state (`snapshot`, `restore`).
    config: Config,
    log: Vec<(SimTime, snapshot::Op)>,
}

impl Session {
    pub fn new(config: Config) -> Session {
        let root = Meta {
            mode: 0o755,
            uid: 0,
            gid: 0,
            mtime: config.start,
        };
        let mut fs = Tree::new(root.clone());
        for dir in ["/home", "/tmp", "/etc", "/usr/bin", "/bin"] {
            let _ = fs.mkdir(dir, true, &root);
        }
        let home = Meta {
            mode: 0o750,
            uid: UID,
            gid: UID,
            mtime: config.start,
        };
        let _ = fs.mkdir(HOME, false, &home);
        let _ = fs.write(
            "/etc/hostname",
            format!("{HOSTNAME}\n").as_bytes(),
            false,
            &Meta {
                mode: 0o644,
                ..root
            },
        );
        Session {
            host: Host {
                tty: config.tty,
                now: config.start,
                daemon: Daemon::new(config.seed, fs, config.start),
            },
            shell: builtins::login_shell(),
            events: VecDeque::new(),
            partial: Vec::new(),
            queued: VecDeque::new(),
            job: None,
            exited: None,
            log: Vec::new(),
            config,
        }
    }

    /// The current virtual time.
    pub fn now(&self) -> SimTime {
        self.host.now
    }

    /// The exit status of the last command (`$?`).
    pub fn status(&self) -> i32 {
        self.shell.status
    }

    /// `Some(code)` once `exit` ran.
    pub fn exited(&self) -> Option<i32> {
        self.exited
    }

    /// True while a command runs (a `sleep`, an attached container).
    pub fn is_busy(&self) -> bool {
        self.job.is_some()
    }

    /// True when the running command waits for typed input (an interactive container, a
    /// `[y/N]` prompt) rather than for time to pass.
    pub fn wants_input(&mut self) -> bool {
        let daemon = &self.host.daemon;
        self.job
            .as_mut()
            .and_then(|j| j.waiting_mut())
            .is_some_and(|p| p.input_ready(daemon))
    }

    /// True when the foreground program's own terminal echoes typed lines (a container attached
    /// with `-it`): the front end then does not echo them itself.
    pub fn foreground_echoes(&mut self) -> bool {
        self.job
            .as_mut()
            .and_then(|j| j.waiting_mut())
            .is_some_and(|p| p.echoes_input())
    }

    /// The prompt to show, or `None` while a command runs: `learner@dockling:~$ `, or `> ` while a
    /// command is unfinished.
    pub fn prompt(&self) -> Option<String> {
        if self.job.is_some() {
            return None;
        }
        if !self.partial.is_empty() {
            return Some("> ".into());
        }
        Some(format!("{USER}@{HOSTNAME}:{}$ ", self.display_cwd()))
    }

    /// The working directory with the home folder shown as `~`.
    pub fn display_cwd(&self) -> String {
        match self.shell.cwd.strip_prefix(HOME) {
            Some("") => "~".into(),
            Some(rest) if rest.starts_with('/') => format!("~{rest}"),
            _ => self.shell.cwd.clone(),
        }
    }

    /// The next event for the terminal.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When `advance_to` should next be called, if anything is waiting for time to pass.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<SimTime> {
        let job = self.job.as_ref().and_then(|j| j.wake_time_by(|p| p.wake_time()));
        let daemon = self.host.daemon.next_wakeup();
        match (job, daemon) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Moves virtual time forward to `now` (never backwards) and runs what became due.
    pub fn advance_to(&mut self, now: SimTime) {
        if self.poll_timeout().is_some_and(|due| due <= now) {
            self.log.push((now, snapshot::Op::Advance));
        }
        if now > self.host.now {
            self.host.now = now;
        }
        self.host.daemon.advance(self.host.now);
        self.resume_job();
    }

    /// A line typed at the terminal (without its newline).
    pub fn input(&mut self, line: &str) {
        self.log.push((self.host.now, snapshot::Op::Input(line.to_string())));
        self.take_line(line);
    }

    fn take_line(&mut self, line: &str) {
        if self.exited.is_some() {
            return;
        }
        if let Some(job) = self.job.as_mut() {
            // A foreground docker command reading input (an attached `-i` container, a prompt)
            // takes the line; otherwise it waits for the shell, as type-ahead does.
            let (daemon, now) = (&mut self.host.daemon, self.host.now);
            let taken = job
                .waiting_mut()
                .is_some_and(|p| p.input(daemon, now, line));
            if taken {
                self.resume_job();
            } else {
                self.queued.push_back(line.to_string());
            }
            return;
        }
        self.partial.push(line.to_string());
        // The command is the shortest prefix of the typed lines that parses; here-document bodies
        // follow it.
        let mut parsed = ParseResult::Incomplete;
        let mut end = 0;
        for k in 1..=self.partial.len() {
            parsed = parse(&self.partial[..k].join("\n"));
            if parsed != ParseResult::Incomplete {
                end = k;
                break;
            }
        }
        match parsed {
            ParseResult::Incomplete => {}
            ParseResult::Error(msg) => {
                self.partial.clear();
                if msg.starts_with("dockling:") {
                    self.emit_err(&format!("{msg}\n"));
                } else {
                    self.emit_err(&format!("bash: {msg}\n"));
                }
                self.shell.status = 2;
            }
            ParseResult::Complete {
                mut program,
                heredocs,
            } => {
                if !heredocs.is_empty() {
                    let Some(bodies) = sh::heredoc_bodies(&self.partial[end..], &heredocs) else {
                        return;
                    };
                    sh::attach_bodies(&mut program, bodies);
                }
                self.partial.clear();
                self.job = Some(Vm::new(sh::compile(&program)));
                self.resume_job();
            }
        }
    }

    /// Ctrl+C: goes to an attached container (which may ignore it), otherwise interrupts the
    /// running command or abandons a half-typed one.
    pub fn interrupt(&mut self) {
        self.log.push((self.host.now, snapshot::Op::Interrupt));
        self.partial.clear();
        self.queued.clear();
        if let Some(job) = self.job.as_mut() {
            let (daemon, now) = (&mut self.host.daemon, self.host.now);
            if job.waiting_mut().is_some_and(|p| p.interrupt(daemon, now)) {
                self.resume_job();
                return;
            }
        }
        if self.job.take().is_some() {
            self.shell.status = 130;
            // The functions the command was running end with it.
            self.shell.unwind_calls();
        }
    }

    /// Ctrl+D: ends the input of an attached container; at the shell prompt it logs out, as bash
    /// does (`exit`).
    pub fn end_of_input(&mut self) {
        self.log.push((self.host.now, snapshot::Op::EndOfInput));
        if let Some(job) = self.job.as_mut() {
            let (daemon, now) = (&mut self.host.daemon, self.host.now);
            if job
                .waiting_mut()
                .is_some_and(|p| p.end_of_input(daemon, now))
            {
                self.resume_job();
            }
            return;
        }
        if self.partial.is_empty() {
            self.events.push_back(Event::Output {
                stream: Stream::Stdout,
                text: "exit\n".into(),
            });
            self.exited = Some(self.shell.status);
        }
    }

    /// Ctrl+P Ctrl+Q: detaches from a container attached with `-it`; it keeps running.
    pub fn detach(&mut self) {
        self.log.push((self.host.now, snapshot::Op::Detach));
        if let Some(job) = self.job.as_mut() {
            if job
                .waiting_mut()
                .is_some_and(|p| p.detach(&mut self.host.daemon))
            {
                self.resume_job();
            }
        }
    }

    /// The key sequence that detaches from the foreground container (`--detach-keys`, Ctrl+P
    /// Ctrl+Q by default), while one is attached with `-it`.
    pub fn detach_keys(&mut self) -> Option<Vec<u8>> {
        self.job
            .as_mut()
            .and_then(|j| j.waiting_mut())
            .and_then(|p| p.detach_keys().map(<[u8]>::to_vec))
    }

    /// Turns terminal output into events, merging consecutive text of one stream.
    fn show(&mut self, term: Captured) {
        for chunk in term.chunks {
            match chunk {
                Chunk::Text(stream, text) => {
                    if let Some(Event::Output { stream: s, text: t }) = self.events.back_mut() {
                        if *s == stream {
                            t.push_str(&text);
                            continue;
                        }
                    }
                    self.events.push_back(Event::Output { stream, text });
                }
                Chunk::Progress(stream, key, line) => {
                    self.events.push_back(Event::Progress { stream, key, line })
                }
                Chunk::ProgressRemove(stream, key) => {
                    self.events.push_back(Event::ProgressRemove { stream, key })
                }
                Chunk::Clear => {
                    if self.host.tty {
                        self.events.push_back(Event::Clear);
                    }
                }
            }
        }
    }

    fn emit_err(&mut self, text: &str) {
        self.events.push_back(Event::Output {
            stream: Stream::Stderr,
            text: text.to_string(),
        });
    }

    /// Runs the current job until it blocks or ends, then the lines typed meanwhile.
    fn resume_job(&mut self) {
        if let Some(mut job) = self.job.take() {
            let mut term = Captured::default();
            let state = job.run(&mut self.shell, &mut self.host, &mut term);
            self.show(term);
            match state {
                VmState::Blocked => {
                    self.job = Some(job);
                    return;
                }
                VmState::Done => {}
                VmState::Exit(code) => {
                    self.exited = Some(code);
                    self.queued.clear();
                    return;
                }
            }
        }
        while self.job.is_none() && self.exited.is_none() {
            let Some(line) = self.queued.pop_front() else {
                break;
            };
            self.take_line(&line);
        }
    }
}

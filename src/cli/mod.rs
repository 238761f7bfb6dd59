//! The docker CLI 28.2.2: argv in, calls to the daemon's Engine-API-shaped methods, output out.
//! Output text, errors and exit codes are byte for byte what the real client prints.

pub mod args;
mod commands;
pub mod config;
pub(crate) mod format;
pub mod help;
mod jsonmessage;
pub(crate) mod pending;
pub mod table;
pub mod template;

pub use pending::Pending;

pub use commands::CLIENT_VERSION;

use crate::api::StdStream;
use crate::clock::SimTime;
use crate::daemon::Daemon;

/// Where the CLI writes. The session implements it and routes to the terminal or to files.
pub trait Io {
    /// Text on stdout or stderr.
    fn write(&mut self, stream: StdStream, text: &str);
    /// A line that a terminal rewrites in place while `key` stays the same (pull progress).
    fn progress(&mut self, stream: StdStream, key: &str, line: &str);
    /// Removes the progress line `key`: the lines under it move up (a redrawn view that got
    /// shorter; a terminal blanks the rest and writes on over it).
    fn progress_remove(&mut self, stream: StdStream, key: &str);
    /// Clears the screen (`docker stats` redraws).
    fn clear(&mut self);
}

impl Io for crate::proc::Captured {
    fn clear(&mut self) {
        self.chunks.push(crate::proc::Chunk::Clear);
    }
    fn write(&mut self, stream: StdStream, text: &str) {
        crate::proc::Captured::write(self, stream, text);
    }
    fn progress(&mut self, stream: StdStream, key: &str, line: &str) {
        self.chunks.push(crate::proc::Chunk::Progress(
            stream,
            key.to_string(),
            line.to_string(),
        ));
    }
    fn progress_remove(&mut self, stream: StdStream, key: &str) {
        self.chunks.push(crate::proc::Chunk::ProgressRemove(stream, key.to_string()));
    }
}

/// Everything a command may touch.
pub struct Ctx<'a> {
    pub daemon: &'a mut Daemon,
    pub now: SimTime,
    /// The host's working directory (`--env-file`, `cp`, build contexts); the host's files are
    /// `daemon.host_fs`.
    pub cwd: &'a str,
    /// What a pipe, a file (`<`) or a here-document feeds the command; `None` when stdin is the
    /// terminal.
    pub stdin: Option<&'a str>,
    /// The environment of the shell that runs `docker` (`HOME`, `DOCKER_BUILDKIT`, `DOCKER_CONFIG`…).
    pub env: &'a [String],
    /// Who runs `docker` on the host (owner of the files it writes).
    pub uid: u32,
    /// stdout/stderr are a terminal (the web terminal, or a TTY natively).
    pub tty: bool,
    pub io: &'a mut dyn Io,
}

impl std::fmt::Debug for Ctx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("now", &self.now)
            .field("tty", &self.tty)
            .finish()
    }
}

impl Ctx<'_> {
    /// The host's file system.
    pub fn fs(&mut self) -> &mut crate::vfs::Tree {
        &mut self.daemon.host_fs
    }
    /// The value of an environment variable of the calling shell.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.env
            .iter()
            .find_map(|e| e.strip_prefix(name).and_then(|r| r.strip_prefix('=')))
    }
    pub fn out(&mut self, text: &str) {
        self.io.write(StdStream::Stdout, text);
    }
    pub fn err(&mut self, text: &str) {
        self.io.write(StdStream::Stderr, text);
    }
}

/// What a docker invocation did: finished with an exit code, or goes on as time passes.
#[derive(Debug)]
pub enum Outcome {
    Done(i32),
    Pending(Pending),
}

/// Runs `docker ARGS…` (`argv[0]` is `docker`).
pub fn run(argv: &[String], ctx: &mut Ctx) -> Outcome {
    commands::dispatch(argv.get(1..).unwrap_or(&[]), ctx)
}

//! Commands that go on while virtual time passes: an attached `run`/`start`/`exec`/`attach`, a
//! `stop` waiting out its grace period, `wait`, `logs -f`. The session polls them.

use super::Io;
use crate::api::{ApiError, StdStream};
use crate::clock::SimTime;
use crate::daemon::{AttachTarget, Daemon};

/// A docker command still running.
#[derive(Clone, Debug)]
pub struct Pending {
    pub(super) kind: Kind,
}

#[derive(Clone, Debug)]
pub(super) enum Kind {
    /// Streaming a container's or an exec's output; typed lines go to its stdin when `stdin`.
    Attach {
        handle: u64,
        target: AttachTarget,
        stdin: bool,
        tty: bool,
        exit_code: bool,
        /// `--sig-proxy` (default on): Ctrl+C goes to the container rather than ending the CLI.
        sig_proxy: bool,
        /// `-a`: which streams to show (stdout, stderr).
        streams: (bool, bool),
        /// The key sequence that detaches (`--detach-keys`; Ctrl+P Ctrl+Q by default).
        detach_keys: Vec<u8>,
        /// What the command exits with once detached (`run`, `start`: 0; `attach`, `exec`: 1
        /// after `read escape sequence`).
        detach_status: i32,
        detached: bool,
    },
    /// `docker stop`/`restart`: each container by the name typed, and its ID or the error.
    Stop {
        items: Vec<(String, Result<String, ApiError>)>,
        restart: bool,
    },
    /// `docker wait`.
    Wait {
        items: Vec<(String, Result<String, ApiError>)>,
        next: usize,
        failed: bool,
    },
    /// `docker logs -f`.
    Follow { id: String, offset: usize },
    /// `docker stats` on a terminal: a new frame every second until Ctrl+C.
    Stats { args: Vec<String>, all: bool, next: SimTime },
    /// `Are you sure you want to continue? [y/N]`: waits for the answer line.
    Confirm {
        action: Confirmed,
        answer: Option<String>,
    },
    /// `docker build` following the build's progress.
    Build(Box<BuildView>),
    /// `docker login` asking for a username, then a password (typed without echo).
    Login {
        cfg: crate::cli::config::ConfigFile,
        auth: crate::daemon::AuthConfig,
        hub: bool,
        tty: bool,
        stage: LoginStage,
    },
}

/// Which prompt `docker login` waits at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum LoginStage {
    Username,
    Password,
    /// A line arrived for the current prompt.
    Answered(Box<LoginStage>, String),
}

/// What a confirmed prompt does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Confirmed {
    ContainerPrune,
    /// `docker builder prune` (buildx): only a whole `y` goes on.
    BuilderPrune { all: bool },
    ImagePrune(crate::api::Filters),
    VolumePrune(crate::api::Filters),
    NetworkPrune,
    SystemPrune {
        all: bool,
        volumes: bool,
        filters: crate::api::Filters,
    },
}

/// How `docker build` shows progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuildMode {
    /// `#N …` lines (`--progress=plain`, or not a terminal).
    Plain,
    /// The redrawn `[+] Building` view.
    Tty,
    /// `-q`: nothing but the image ID.
    Quiet,
    /// The classic builder's stream.
    Legacy,
}

/// A build the CLI follows.
#[derive(Clone, Debug)]
pub struct BuildView {
    handle: u64,
    mode: BuildMode,
    plain: crate::build::progress::Plain,
    tty: crate::build::progress::Tty,
    frame: Vec<String>,
    /// The terminal view redraws every 100 ms while the build runs.
    next_tick: SimTime,
}

impl BuildView {
    pub fn new(handle: u64, mode: BuildMode, now: SimTime) -> BuildView {
        BuildView {
            handle,
            mode,
            plain: Default::default(),
            tty: Default::default(),
            frame: Vec::new(),
            next_tick: now,
        }
    }

    fn draw(&mut self, now: SimTime, last: bool, io: &mut dyn Io) {
        let frame = self.tty.frame(now, last);
        for (i, line) in frame.iter().enumerate() {
            if self.frame.get(i) != Some(line) {
                io.progress(StdStream::Stderr, &format!("build{}-{i}", self.handle), line);
            }
        }
        // A shorter frame (a step's output lines gone with it) leaves no stale lines under it.
        for i in (frame.len()..self.frame.len()).rev() {
            io.progress_remove(StdStream::Stderr, &format!("build{}-{i}", self.handle));
        }
        self.frame = frame;
    }

    /// Takes the daemon's news; the exit status once the build is over.
    fn poll(&mut self, daemon: &mut Daemon, now: SimTime, io: &mut dyn Io) -> Option<i32> {
        use crate::build::{Event, Outcome};
        let news = daemon.build_poll(self.handle);
        let (events, outcome, known) = (news.events, news.outcome, news.known);
        for ev in &events {
            match self.mode {
                BuildMode::Plain => {
                    let text = self.plain.feed(ev);
                    if !text.is_empty() {
                        io.write(StdStream::Stderr, &text);
                    }
                }
                BuildMode::Tty => self.tty.feed(ev),
                BuildMode::Legacy => {
                    if let Event::Stream(t) = ev {
                        io.write(StdStream::Stdout, t);
                    }
                }
                BuildMode::Quiet => {}
            }
        }
        if self.mode == BuildMode::Tty {
            self.tty.set_known(known);
            if outcome.is_none() && (!events.is_empty() || now >= self.next_tick) {
                self.draw(now, false, io);
            }
            self.next_tick = now + crate::clock::Millis(100);
        }
        let outcome = outcome?;
        if self.mode == BuildMode::Tty {
            self.draw(now, true, io);
        }
        let warn_text = if matches!(self.mode, BuildMode::Plain | BuildMode::Tty) {
            crate::dockerfile::render_warnings(&news.warnings, true, None)
        } else {
            String::new()
        };
        match outcome {
            Outcome::Built { image_id, .. } => {
                if !warn_text.is_empty() {
                    io.write(StdStream::Stderr, &warn_text);
                }
                if self.mode == BuildMode::Quiet {
                    io.write(StdStream::Stdout, &format!("{image_id}\n"));
                }
                Some(0)
            }
            Outcome::Failed(f) => {
                let logs = match self.mode {
                    BuildMode::Plain => self.plain.error_logs(),
                    BuildMode::Tty => self.tty.error_logs(),
                    _ => String::new(),
                };
                let mut text = logs;
                text.push_str(&warn_text);
                if f.bare {
                    text.push_str(&format!("{}\n", f.message));
                } else {
                    text.push_str(&f.excerpt);
                    text.push_str(&format!("ERROR: failed to solve: {}\n", f.message));
                }
                io.write(StdStream::Stderr, &text);
                Some(f.status)
            }
        }
    }
}

fn print_error(io: &mut dyn Io, e: &ApiError) {
    io.write(
        StdStream::Stderr,
        &format!("Error response from daemon: {}\n", e.message),
    );
}

impl Pending {
    /// Makes progress; the exit status once the command has finished.
    pub fn poll(
        &mut self,
        daemon: &mut Daemon,
        now: SimTime,
        io: &mut dyn Io,
    ) -> Option<i32> {
        match &mut self.kind {
            Kind::Build(view) => view.poll(daemon, now, io),
            Kind::Login {
                cfg,
                auth,
                hub,
                tty,
                stage,
            } => {
                let LoginStage::Answered(at, line) = stage.clone() else {
                    return None;
                };
                match *at {
                    LoginStage::Username => {
                        auth.username = line.trim().to_string();
                        if auth.username.is_empty() {
                            io.write(StdStream::Stderr, "Error: Non-null Username Required\n");
                            return Some(1);
                        }
                        if auth.password.is_empty() {
                            super::commands::prompt_password(io, *hub, *tty);
                            *stage = LoginStage::Password;
                            return None;
                        }
                    }
                    _ => {
                        io.write(StdStream::Stdout, "\n");
                        auth.password = line.trim().to_string();
                        if auth.password.is_empty() {
                            io.write(StdStream::Stderr, "Error: Password Required\n");
                            return Some(1);
                        }
                    }
                }
                let ok = super::commands::finish_login(daemon, now, cfg, auth.clone(), io);
                Some(if ok.is_ok() { 0 } else { 1 })
            }
            Kind::Attach {
                handle,
                exit_code,
                streams,
                detached,
                detach_status,
                ..
            } => {
                if *detached {
                    if *detach_status != 0 {
                        io.write(StdStream::Stderr, "read escape sequence\n");
                    }
                    return Some(*detach_status);
                }
                let Some(a) = daemon.attachment_poll(*handle) else {
                    return Some(0);
                };
                for (stream, text) in &a.pending {
                    let shown = match stream {
                        StdStream::Stdout => streams.0,
                        StdStream::Stderr => streams.1,
                    };
                    if shown {
                        io.write(*stream, text);
                    }
                }
                a.exit_code.map(|c| if *exit_code { c } else { 0 })
            }
            Kind::Stop { items, restart } => {
                let waiting = items.iter().any(
                    |(_, r)| matches!(r, Ok(id) if daemon.container_running(id) == Some(true)),
                );
                if waiting {
                    return None;
                }
                let mut failed = false;
                for (name, r) in items.iter() {
                    let r = match r {
                        Ok(id) if *restart => daemon.container_start(id, now).map(|_| ()),
                        Ok(_) => Ok(()),
                        Err(e) => Err(e.clone()),
                    };
                    match r {
                        Ok(()) => io.write(StdStream::Stdout, &format!("{name}\n")),
                        Err(e) => {
                            failed = true;
                            print_error(io, &e);
                        }
                    }
                }
                Some(if failed { 1 } else { 0 })
            }
            Kind::Wait {
                items,
                next,
                failed,
            } => {
                while *next < items.len() {
                    match &items[*next].1 {
                        Ok(id) => match daemon.find_container(id) {
                            Ok(c) if c.is_running() => return None,
                            Ok(c) => io.write(StdStream::Stdout, &format!("{}\n", c.exit_code)),
                            Err(_) => io.write(StdStream::Stdout, "0\n"),
                        },
                        Err(e) => {
                            *failed = true;
                            print_error(io, e);
                        }
                    }
                    *next += 1;
                }
                Some(if *failed { 1 } else { 0 })
            }
            Kind::Confirm { action, answer } => {
                let answer = answer.as_ref()?;
                if !matches!(answer.trim(), "y" | "Y") {
                    return Some(0);
                }
                match action {
                    Confirmed::BuilderPrune { all } => {
                        super::commands::builder_prune_now(daemon, *all, now, io);
                    }
                    Confirmed::ContainerPrune => super::commands::container_prune_now(daemon, io),
                    Confirmed::NetworkPrune => super::commands::network_prune_now(daemon, io),
                    a @ Confirmed::SystemPrune { .. } => {
                        if let Err(e) = super::commands::system_prune_now(daemon, &a.clone(), now, io) {
                            print_error(io, &e);
                            return Some(1);
                        }
                    }
                    Confirmed::VolumePrune(f) => {
                        if let Err(e) = super::commands::volume_prune_now(daemon, f, io) {
                            print_error(io, &e);
                            return Some(1);
                        }
                    }
                    Confirmed::ImagePrune(f) => {
                        if let Err(e) = super::commands::image_prune_now(daemon, f, now, io) {
                            print_error(io, &e);
                            return Some(1);
                        }
                    }
                }
                Some(0)
            }
            Kind::Stats { args, all, next } => {
                if now < *next {
                    return None;
                }
                *next = now + crate::clock::Millis(1000);
                io.clear();
                super::commands::stats_frame(daemon, now, args, *all, io);
                None
            }
            Kind::Follow { id, offset } => {
                let Ok(c) = daemon.find_container(id) else {
                    return Some(0);
                };
                for e in &c.logs[(*offset).min(c.logs.len())..] {
                    io.write(if c.tty { StdStream::Stdout } else { e.stream }, &e.text);
                }
                *offset = c.logs.len();
                if c.is_running() {
                    None
                } else {
                    Some(0)
                }
            }
        }
    }

    /// When the command wants to run again by itself (a `docker stats` frame).
    pub fn wake_time(&self) -> Option<SimTime> {
        match &self.kind {
            Kind::Stats { next, .. } => Some(*next),
            Kind::Build(v) if v.mode == BuildMode::Tty => Some(v.next_tick),
            _ => None,
        }
    }

    /// True when the command waits for the next typed line (an attached `-i` container, a
    /// prompt): script mode then feeds it the next line instead of letting time pass.
    pub fn reads_input(&self) -> bool {
        matches!(
            self.kind,
            Kind::Attach { stdin: true, .. }
                | Kind::Confirm { answer: None, .. }
                | Kind::Login {
                    stage: LoginStage::Username | LoginStage::Password,
                    ..
                }
        )
    }

    /// True when the command waits for a typed line now: as `reads_input`, and an attached
    /// container is not busy with something that takes time (script mode lets that time pass
    /// before typing on, as a learner waits for the prompt).
    pub fn input_ready(&self, daemon: &Daemon) -> bool {
        match &self.kind {
            Kind::Attach { stdin: true, target, .. } => daemon.waiting_for_input(target),
            _ => self.reads_input(),
        }
    }

    /// True when a container's TTY echoes what is typed (attached with `-it`).
    pub fn echoes_input(&self) -> bool {
        matches!(
            self.kind,
            Kind::Attach {
                stdin: true,
                tty: true,
                ..
            } | Kind::Login {
                stage: LoginStage::Password,
                ..
            }
        )
    }

    /// A line typed while the command runs: sent to the container's stdin when attached with `-i`.
    /// `false` if the command does not read input (the shell queues the line).
    pub fn input(&mut self, daemon: &mut Daemon, now: SimTime, line: &str) -> bool {
        if let Kind::Confirm { answer, .. } = &mut self.kind {
            *answer = Some(line.to_string());
            return true;
        }
        if let Kind::Login { stage, .. } = &mut self.kind {
            if matches!(stage, LoginStage::Username | LoginStage::Password) {
                *stage = LoginStage::Answered(Box::new(stage.clone()), line.to_string());
                return true;
            }
        }
        match &self.kind {
            Kind::Attach {
                target,
                stdin: true,
                ..
            } => {
                let text = format!("{line}\n");
                match target {
                    AttachTarget::Container(id) => daemon.container_stdin(id, &text, now),
                    AttachTarget::Exec(id, e) => daemon.exec_stdin(id, e, Some(&text), now),
                }
                true
            }
            _ => false,
        }
    }

    /// Ctrl+D: closes the container's stdin. `false` if the command does not read input.
    pub fn end_of_input(&mut self, daemon: &mut Daemon, now: SimTime) -> bool {
        match &self.kind {
            Kind::Attach {
                target,
                stdin: true,
                ..
            } => {
                match target {
                    AttachTarget::Container(id) => daemon.container_close_stdin(id, now),
                    AttachTarget::Exec(id, e) => daemon.exec_stdin(id, e, None, now),
                }
                true
            }
            _ => false,
        }
    }

    /// Ctrl+C. `true` when the command keeps running (the signal went to the container, which
    /// may ignore it); `false` when the docker CLI itself is interrupted.
    pub fn interrupt(&mut self, daemon: &mut Daemon, now: SimTime) -> bool {
        match &self.kind {
            Kind::Build(v) => {
                daemon.build_cancel(v.handle, now);
                true
            }
            Kind::Attach {
                target: AttachTarget::Container(id),
                tty,
                stdin,
                sig_proxy,
                handle,
                ..
            } => {
                if *tty && !*stdin {
                    return false;
                }
                if !*tty && !*sig_proxy {
                    // Without the proxy the interrupt ends the CLI; the container goes on.
                    daemon.attachment_close(*handle);
                    return false;
                }
                daemon.container_interrupt(id, now);
                true
            }
            Kind::Attach {
                target: AttachTarget::Exec(id, e),
                tty: true,
                ..
            } => {
                daemon.exec_interrupt(id, e, now);
                true
            }
            _ => false,
        }
    }

    /// Ctrl+P Ctrl+Q: detaches from a container attached with `-it`; it keeps running.
    pub fn detach(&mut self, daemon: &mut Daemon) -> bool {
        match &mut self.kind {
            Kind::Attach {
                handle,
                tty: true,
                stdin: true,
                detached,
                ..
            } => {
                daemon.attachment_close(*handle);
                *detached = true;
                true
            }
            _ => false,
        }
    }

    /// The key sequence that detaches from the foreground container, if it is attached with
    /// `-it` (`[0x10, 0x11]`, Ctrl+P Ctrl+Q, unless `--detach-keys` says otherwise).
    pub fn detach_keys(&self) -> Option<&[u8]> {
        match &self.kind {
            Kind::Attach {
                tty: true,
                stdin: true,
                detach_keys,
                ..
            } => Some(detach_keys),
            _ => None,
        }
    }
}

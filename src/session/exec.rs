//! Running parsed command lines: lists, pipelines (stage by stage, through buffers), redirections,
//! here-documents, and commands that wait (`sleep`, an attached `docker run`) across virtual time.

use std::collections::VecDeque;

use super::builtins::{self, Run};
use super::expand::{expand_single, expand_words};
use super::parse::{parse, Connector, Item, ParseResult, PendingHeredoc};
use super::{Event, Host, Stream};
use crate::cli::{self, Attached};
use crate::clock::SimTime;
use crate::vfs::{normalize, NodeKind};

/// Output captured from a command before it is routed to the terminal, a pipe or a file.
#[derive(Debug, Default)]
pub struct Captured {
    pub chunks: Vec<Chunk>,
}

#[derive(Debug)]
pub enum Chunk {
    Text(Stream, String),
    Progress(Stream, String, String),
    Clear,
}

impl Captured {
    pub fn out(&mut self, s: &str) {
        self.chunks.push(Chunk::Text(Stream::Stdout, s.to_string()));
    }
    pub fn err(&mut self, s: &str) {
        self.chunks.push(Chunk::Text(Stream::Stderr, s.to_string()));
    }
}

impl cli::Io for Captured {
    fn write(&mut self, stream: Stream, text: &str) {
        self.chunks.push(Chunk::Text(stream, text.to_string()));
    }
    fn progress(&mut self, stream: Stream, key: &str, line: &str) {
        self.chunks.push(Chunk::Progress(stream, key.to_string(), line.to_string()));
    }
}

/// Where a command's stdout or stderr goes.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Sink {
    Terminal(Stream),
    Pipe,
    File(String),
    Null,
}

/// What a waiting command waits for.
#[derive(Debug)]
enum Wait {
    Until(SimTime),
    Docker(Attached),
}

/// A command stopped in the middle of a pipeline.
#[derive(Debug)]
struct Blocked {
    stage: usize,
    wait: Wait,
    sinks: [Sink; 2],
    pipe: String,
}

/// The state of a running command line.
#[derive(Debug)]
pub struct Job {
    items: Vec<Item>,
    next: usize,
    blocked: Option<Blocked>,
}

/// How far `Job::run` got.
#[derive(Debug, PartialEq, Eq)]
pub enum JobState {
    Blocked,
    Done,
    Exit(i32),
}

enum StageResult {
    Done(i32),
    Wait(Wait),
    Exit(i32),
}

impl Job {
    pub fn new(items: Vec<Item>) -> Job {
        Job { items, next: 0, blocked: None }
    }

    /// When a waiting `sleep` ends.
    pub fn wake_time(&self) -> Option<SimTime> {
        match &self.blocked {
            Some(Blocked { wait: Wait::Until(t), .. }) => Some(*t),
            _ => None,
        }
    }

    /// Runs items until one waits, or the list ends.
    pub fn run(&mut self, host: &mut Host, events: &mut VecDeque<Event>) -> JobState {
        if let Some(mut b) = self.blocked.take() {
            let item = self.next - 1;
            let done = match &mut b.wait {
                Wait::Until(t) => (*t <= host.now).then_some(0),
                Wait::Docker(att) => {
                    let mut cap = Captured::default();
                    let r = att.poll(&mut host.daemon, &mut cap);
                    route(host, events, cap, &b.sinks, &mut b.pipe);
                    r
                }
            };
            let Some(status) = done else {
                self.blocked = Some(b);
                return JobState::Blocked;
            };
            match self.continue_pipeline(host, events, item, b.stage + 1, status, b.pipe) {
                Some(state) => return state,
                None => {}
            }
        }
        while self.next < self.items.len() {
            let item = self.next;
            self.next += 1;
            let run = match self.items[item].connector {
                Connector::Seq => true,
                Connector::And => host.status == 0,
                Connector::Or => host.status != 0,
            };
            if !run {
                continue;
            }
            if let Some(state) = self.continue_pipeline(host, events, item, 0, 0, String::new()) {
                return state;
            }
        }
        JobState::Done
    }

    /// Runs stages `from..` of item `item`'s pipeline with `stdin`. `None` when the pipeline finished.
    fn continue_pipeline(
        &mut self,
        host: &mut Host,
        events: &mut VecDeque<Event>,
        item: usize,
        from: usize,
        mut status: i32,
        mut stdin: String,
    ) -> Option<JobState> {
        let n = self.items[item].pipeline.len();
        for stage in from..n {
            let cmd = self.items[item].pipeline[stage].clone();
            let last = stage + 1 == n;
            let mut pipe = String::new();
            match run_command(host, events, &cmd, last, &stdin, &mut pipe) {
                (StageResult::Done(code), _) => status = code,
                (StageResult::Exit(code), _) => return Some(JobState::Exit(code)),
                (StageResult::Wait(wait), sinks) => {
                    self.blocked = Some(Blocked { stage, wait, sinks, pipe });
                    return Some(JobState::Blocked);
                }
            }
            stdin = pipe;
        }
        host.status = status;
        None
    }
}

/// Reads the here-document bodies from the lines after the command; `None` while incomplete.
pub fn heredoc_bodies(lines: &[String], docs: &[PendingHeredoc]) -> Option<Vec<String>> {
    let mut bodies = Vec::new();
    let mut i = 0;
    for doc in docs {
        let mut body = String::new();
        loop {
            let line = lines.get(i)?;
            i += 1;
            let l = if doc.strip_tabs { line.trim_start_matches('\t') } else { line.as_str() };
            if l == doc.delimiter {
                break;
            }
            body.push_str(l);
            body.push('\n');
        }
        bodies.push(body);
    }
    Some(bodies)
}

/// Puts here-document bodies into their redirections, in order.
pub fn attach_bodies(mut items: Vec<Item>, bodies: Vec<String>) -> Vec<Item> {
    let mut it = bodies.into_iter();
    for item in &mut items {
        for cmd in &mut item.pipeline {
            for r in &mut cmd.redirs {
                if r.op.starts_with("<<") {
                    r.body = it.next();
                }
            }
        }
    }
    items
}

/// Runs a command substitution to completion and returns its stdout.
fn substitute(host: &mut Host, src: &str) -> String {
    let ParseResult::Complete { items, .. } = parse(src) else { return String::new() };
    let mut out = String::new();
    for item in items {
        let mut stdin = String::new();
        for cmd in &item.pipeline {
            let mut pipe = String::new();
            let mut events = VecDeque::new();
            let (r, _) = run_command(host, &mut events, cmd, false, &stdin, &mut pipe);
            if let StageResult::Done(code) = r {
                host.status = code;
            }
            stdin = pipe;
        }
        out.push_str(&stdin);
    }
    out
}

/// Expands the here-document body (unless its delimiter was quoted).
fn heredoc_text(host: &mut Host, body: &str, quoted: bool) -> String {
    if quoted {
        return body.to_string();
    }
    let mut out = String::new();
    for line in body.split_inclusive('\n') {
        let (text, nl) = match line.strip_suffix('\n') {
            Some(t) => (t, "\n"),
            None => (line, ""),
        };
        match super::lex::lex(&format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))) {
            Ok(toks) => {
                if let Some(super::lex::Token::Word(w)) = toks.first() {
                    out.push_str(&expand_single(host, w, &mut substitute));
                }
            }
            Err(_) => out.push_str(text),
        }
        out.push_str(nl);
    }
    out
}

/// Runs one simple command: expansion, redirections, then the program. Returns its sinks too, so a
/// waiting command keeps writing where it started.
fn run_command(
    host: &mut Host,
    events: &mut VecDeque<Event>,
    cmd: &super::parse::Command,
    last: bool,
    stdin: &str,
    pipe: &mut String,
) -> (StageResult, [Sink; 2]) {
    let mut sinks = [if last { Sink::Terminal(Stream::Stdout) } else { Sink::Pipe }, Sink::Terminal(Stream::Stderr)];
    let mut input = stdin.to_string();
    let argv = expand_words(host, &cmd.words, &mut substitute);
    let mut assigns = Vec::new();
    for (name, value) in &cmd.assigns {
        assigns.push((name.clone(), expand_single(host, value, &mut substitute)));
    }
    for r in &cmd.redirs {
        let fd = r.fd.min(2) as usize;
        if r.op.starts_with("<<") {
            input = heredoc_text(host, r.body.as_deref().unwrap_or(""), r.quoted);
            continue;
        }
        let target = expand_single(host, &r.target, &mut substitute);
        match r.op {
            ">&" => match target.as_str() {
                "1" => sinks[fd] = sinks[0].clone(),
                "2" => sinks[fd] = sinks[1].clone(),
                _ => {}
            },
            "<" => {
                let path = normalize(&host.cwd, &target);
                match host.fs.get(&path).map(|n| &n.kind) {
                    Some(NodeKind::File(d)) => input = String::from_utf8_lossy(d).into_owned(),
                    _ if target == "/dev/null" => input.clear(),
                    Some(_) => return fail(events, &format!("bash: {target}: Is a directory\n"), sinks),
                    None => return fail(events, &format!("bash: {target}: No such file or directory\n"), sinks),
                }
            }
            _ => {
                if target == "/dev/null" {
                    sinks[fd] = Sink::Null;
                    continue;
                }
                let path = normalize(&host.cwd, &target);
                let meta = host.meta(0o644);
                if let Err(e) = host.fs.write(&path, b"", r.op == ">>", &meta) {
                    return fail(events, &format!("bash: {target}: {}\n", e.message()), sinks);
                }
                sinks[fd] = Sink::File(path);
            }
        }
    }
    if argv.is_empty() {
        for (k, v) in assigns {
            host.vars.insert(k, v);
        }
        return (StageResult::Done(0), sinks);
    }
    let tty = host.tty && sinks[0] == Sink::Terminal(Stream::Stdout);
    let mut cap = Captured::default();
    let result = builtins::run(host, &argv, &assigns, &input, tty, &mut cap);
    route(host, events, cap, &sinks, pipe);
    let r = match result {
        Run::Done(code) => StageResult::Done(code),
        Run::Sleep(until) => StageResult::Wait(Wait::Until(until)),
        Run::Docker(att) => StageResult::Wait(Wait::Docker(att)),
        Run::Exit(code) => StageResult::Exit(code),
    };
    (r, sinks)
}

fn fail(events: &mut VecDeque<Event>, msg: &str, sinks: [Sink; 2]) -> (StageResult, [Sink; 2]) {
    events.push_back(Event::Output { stream: Stream::Stderr, text: msg.to_string() });
    (StageResult::Done(1), sinks)
}

/// Sends captured output where the command's redirections say.
fn route(host: &mut Host, events: &mut VecDeque<Event>, cap: Captured, sinks: &[Sink; 2], pipe: &mut String) {
    for chunk in cap.chunks {
        let (stream, text, key) = match chunk {
            Chunk::Clear => {
                if host.tty {
                    events.push_back(Event::Clear);
                }
                continue;
            }
            Chunk::Text(s, t) => (s, t, None),
            Chunk::Progress(s, k, l) => (s, l, Some(k)),
        };
        let sink = &sinks[if stream == Stream::Stdout { 0 } else { 1 }];
        match sink {
            Sink::Terminal(to) => match key {
                Some(key) => events.push_back(Event::Progress { stream: *to, key, line: text }),
                None => push_text(events, *to, text),
            },
            Sink::Pipe => {
                pipe.push_str(&text);
                if key.is_some() {
                    pipe.push('\n');
                }
            }
            Sink::File(path) => {
                let meta = host.meta(0o644);
                let mut t = text;
                if key.is_some() {
                    t.push('\n');
                }
                let _ = host.fs.write(path, t.as_bytes(), true, &meta);
            }
            Sink::Null => {}
        }
    }
}

/// Appends text, merging with the previous event of the same stream.
fn push_text(events: &mut VecDeque<Event>, stream: Stream, text: String) {
    if let Some(Event::Output { stream: s, text: t }) = events.back_mut() {
        if *s == stream {
            t.push_str(&text);
            return;
        }
    }
    events.push_back(Event::Output { stream, text });
}

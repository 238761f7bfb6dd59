//! How buildx v0.24 prints a build's progress (BuildKit's `util/progress/progressui`): the plain
//! `#N …` form (`--progress=plain`, or output that is not a terminal) and the terminal's
//! `[+] Building 1.2s (9/9) FINISHED` view, redrawn as the build goes and settling into its final
//! frame. Both read the daemon's [`Event`]s.

use std::collections::VecDeque;

use super::{units_bytes, Event};
use crate::clock::SimTime;

/// The `#0` line of the docker driver's default builder.
pub const DESCRIPTION: &str = "building with \"default\" instance using docker driver";

/// How many log lines the plain printer keeps per step for the error summary.
const LOGS_BUFFER: usize = 10;

/// A vertex stopped because the build was (`context canceled`), not because it failed.
fn canceled(error: &str) -> bool {
    error.ends_with("context canceled")
}

fn secs(from: SimTime, to: SimTime) -> f64 {
    to.since(from).0 as f64 / 1000.0
}

/// The elapsed-time prefix of a log line: 3 decimals under 10 s, 2 under 100 s, then 1.
fn log_stamp(sec: f64) -> String {
    if sec < 10.0 {
        format!("{sec:.3}")
    } else if sec < 100.0 {
        format!("{sec:.2}")
    } else {
        format!("{sec:.1}")
    }
}

fn status_text(id: &str, current: u64, total: u64, started: SimTime, done: Option<SimTime>, now: SimTime) -> (String, String) {
    let bytes = if total != 0 {
        format!("{} / {}", units_bytes(current), units_bytes(total))
    } else if current != 0 {
        units_bytes(current)
    } else {
        String::new()
    };
    let end = done.unwrap_or(now);
    let _ = id;
    let dt = secs(started, end);
    let tm = if dt > 0.01 { format!(" {dt:.1}s") } else { String::new() };
    (bytes, tm)
}

#[derive(Clone, Debug, Default)]
struct PlainVertex {
    name: String,
    started: Option<SimTime>,
    completed: bool,
    error: Option<String>,
    partial: String,
    partial_at: Option<SimTime>,
    ring: VecDeque<String>,
}

/// The plain printer: text to append to stderr for each event.
#[derive(Clone, Debug, Default)]
pub struct Plain {
    vertices: Vec<PlainVertex>,
    current: Option<u32>,
    not_first: bool,
}

impl Plain {
    fn vertex(&mut self, v: u32) -> &mut PlainVertex {
        let i = v.saturating_sub(1) as usize;
        if self.vertices.len() <= i {
            self.vertices.resize(i + 1, PlainVertex::default());
        }
        &mut self.vertices[i]
    }

    /// Makes `v` the vertex being printed: `#old ...` for an unfinished one, then `#v name`.
    fn switch(&mut self, v: u32, out: &mut String) {
        if self.current == Some(v) {
            return;
        }
        if let Some(old) = self.current {
            out.push_str(&format!("#{old} ...\n"));
        }
        if self.not_first {
            out.push('\n');
        } else {
            out.push_str(&format!("#0 {DESCRIPTION}\n\n"));
            self.not_first = true;
        }
        let name = self.vertex(v).name.clone();
        out.push_str(&format!("#{v} {name}\n"));
        self.current = Some(v);
    }

    fn log_line(&mut self, v: u32, at: SimTime, text: &str, out: &mut String) {
        let started = self.vertex(v).started.unwrap_or(at);
        let line = format!("{} {text}", log_stamp(secs(started, at)));
        out.push_str(&format!("#{v} {line}\n"));
        let vx = self.vertex(v);
        vx.ring.push_back(line);
        if vx.ring.len() > LOGS_BUFFER {
            vx.ring.pop_front();
        }
    }

    /// The text one event prints.
    pub fn feed(&mut self, ev: &Event) -> String {
        let mut out = String::new();
        match ev {
            Event::Start { v, name, at } => {
                let vx = self.vertex(*v);
                vx.name = name.clone();
                vx.started = Some(*at);
                self.switch(*v, &mut out);
            }
            Event::Status { v, id, current, total, started, done } => {
                self.switch(*v, &mut out);
                let (bytes, mut tm) = status_text(id, *current, *total, *started, *done, done.unwrap_or(*started));
                if done.is_some() {
                    tm.push_str(" done");
                }
                let bytes = if bytes.is_empty() { bytes } else { format!(" {bytes}") };
                out.push_str(&format!("#{v} {id}{bytes}{tm}\n"));
            }
            Event::Log { v, at, text } => {
                self.switch(*v, &mut out);
                let mut buf = std::mem::take(&mut self.vertex(*v).partial);
                let first_at = self.vertex(*v).partial_at.take().unwrap_or(*at);
                buf.push_str(text);
                let mut rest = buf.as_str();
                let mut stamp = first_at;
                while let Some(i) = rest.find('\n') {
                    let line = rest[..i].to_string();
                    self.log_line(*v, stamp, &line, &mut out);
                    stamp = *at;
                    rest = &rest[i + 1..];
                }
                if !rest.is_empty() {
                    let vx = self.vertex(*v);
                    vx.partial = rest.to_string();
                    vx.partial_at = Some(stamp);
                }
            }
            Event::Warn { v, text } => {
                self.switch(*v, &mut out);
                out.push_str(&format!("#{v} WARN: {text}\n"));
            }
            Event::End { v, at, cached, error } => {
                self.switch(*v, &mut out);
                let partial = std::mem::take(&mut self.vertex(*v).partial);
                if !partial.is_empty() {
                    let stamp = self.vertex(*v).partial_at.take().unwrap_or(*at);
                    self.log_line(*v, stamp, &partial, &mut out);
                }
                let started = self.vertex(*v).started.unwrap_or(*at);
                match (error, cached) {
                    (Some(e), _) if canceled(e) => out.push_str(&format!("#{v} CANCELED\n")),
                    (Some(e), _) => out.push_str(&format!("#{v} ERROR: {e}\n")),
                    (None, true) => out.push_str(&format!("#{v} CACHED\n")),
                    (None, false) => out.push_str(&format!("#{v} DONE {:.1}s\n", secs(started, *at))),
                }
                let vx = self.vertex(*v);
                vx.completed = true;
                vx.error = error.clone();
                self.current = None;
            }
            Event::Stream(_) => {}
        }
        out
    }

    /// The failed steps' last log lines between dashed rules, printed after the progress.
    pub fn error_logs(&self) -> String {
        let mut out = String::new();
        for vx in &self.vertices {
            if vx.error.as_deref().is_some_and(|e| !canceled(e)) {
                out.push_str(&format!("------\n > {}:\n", vx.name));
                for l in &vx.ring {
                    out.push_str(l);
                    out.push('\n');
                }
                out.push_str("------\n");
            }
        }
        out
    }
}

#[derive(Clone, Debug, Default)]
struct TtyStatus {
    id: String,
    current: u64,
    total: u64,
    started: SimTime,
    done: Option<SimTime>,
}

#[derive(Clone, Debug, Default)]
struct TtyVertex {
    name: String,
    started: SimTime,
    ended: Option<SimTime>,
    cached: bool,
    error: Option<String>,
    statuses: Vec<TtyStatus>,
    warnings: Vec<String>,
    logs: Vec<String>,
    partial: String,
}

/// The terminal view: the build's state, drawn as frames.
#[derive(Clone, Debug, Default)]
pub struct Tty {
    vertices: Vec<TtyVertex>,
    started: Option<SimTime>,
    known: u32,
}

const WIDTH: usize = 80;
const BLUE: &str = "\x1b[34m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const RESET: &str = "\x1b[0m";

/// `fmt.Sprintf("%-[2]*[1]s %[3]s", l, w-len(r)-1, r)`.
fn align(l: &str, r: &str, w: usize) -> String {
    let pad = w.saturating_sub(r.len() + 1);
    format!("{l:<pad$} {r}")
}

fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

impl Tty {
    /// Takes one event into the view.
    pub fn feed(&mut self, ev: &Event) {
        let idx = |v: u32| v.saturating_sub(1) as usize;
        match ev {
            Event::Start { v, name, at } => {
                self.started.get_or_insert(*at);
                let i = idx(*v);
                if self.vertices.len() <= i {
                    self.vertices.resize(i + 1, TtyVertex::default());
                }
                self.vertices[i] = TtyVertex { name: name.replace('\t', " "), started: *at, ..TtyVertex::default() };
            }
            Event::Status { v, id, current, total, started, done } => {
                if let Some(vx) = self.vertices.get_mut(idx(*v)) {
                    let s = TtyStatus { id: id.clone(), current: *current, total: *total, started: *started, done: *done };
                    match vx.statuses.iter_mut().find(|x| x.id == *id) {
                        Some(x) => *x = s,
                        None => vx.statuses.push(s),
                    }
                }
            }
            Event::Log { v, text, .. } => {
                if let Some(vx) = self.vertices.get_mut(idx(*v)) {
                    vx.partial.push_str(text);
                    while let Some(i) = vx.partial.find('\n') {
                        let line = vx.partial[..i].to_string();
                        vx.logs.push(line);
                        vx.partial.drain(..=i);
                    }
                }
            }
            Event::Warn { v, text } => {
                if let Some(vx) = self.vertices.get_mut(idx(*v)) {
                    vx.warnings.push(text.clone());
                }
            }
            Event::End { v, at, cached, error } => {
                if let Some(vx) = self.vertices.get_mut(idx(*v)) {
                    vx.ended = Some(*at);
                    vx.cached = *cached;
                    vx.error = error.clone();
                    if !vx.partial.is_empty() {
                        let p = std::mem::take(&mut vx.partial);
                        vx.logs.push(p);
                    }
                }
            }
            Event::Stream(_) => {}
        }
    }

    /// How many vertices the build has in all (the solver knows them before they start).
    pub fn set_known(&mut self, n: u32) {
        self.known = self.known.max(n);
    }

    /// The frame at `now`: the header, then one line per step, status and warning. `last` is
    /// the final frame (`FINISHED` once every step is done).
    pub fn frame(&self, now: SimTime, last: bool) -> Vec<String> {
        let total = (self.known as usize).max(self.vertices.len());
        let completed = self.vertices.iter().filter(|v| v.ended.is_some()).count();
        let status = if completed > 0 && completed == total && last { "FINISHED" } else { "" };
        let elapsed = self.started.map(|s| secs(s, now)).unwrap_or(0.0);
        let head = format!("[+] Building {elapsed:.1}s ({completed}/{total}) {status}");
        let mut lines = vec![cut(&align(&head, "docker:default", WIDTH - 1), WIDTH).to_string()];
        for vx in &self.vertices {
            let mut name = vx.name.clone();
            match vx.error.as_deref() {
                Some(e) if canceled(e) => name = format!("CANCELED {name}"),
                Some(_) => name = format!("ERROR {name}"),
                None => {}
            }
            if vx.cached {
                name = format!("CACHED {name}");
            }
            let end = vx.ended.unwrap_or(now);
            let color = match (&vx.error, vx.ended) {
                (Some(_), _) => Some(RED),
                (None, Some(_)) => Some(BLUE),
                _ => None,
            };
            lines.push(job_line(&name, "", secs(vx.started, end), color));
            for s in &vx.statuses {
                let bytes = status_text(&s.id, s.current, s.total, s.started, s.done, now).0;
                let dt = secs(s.started, s.done.unwrap_or(now));
                let color = s.done.map(|_| BLUE);
                lines.push(job_line(&format!("=> {}", s.id), &bytes, dt, color));
            }
            for w in &vx.warnings {
                lines.push(job_line(&format!("WARN: {w}"), "", secs(vx.started, end), Some(YELLOW)));
            }
            if vx.ended.is_none() && !vx.logs.is_empty() {
                let from = vx.logs.len().saturating_sub(6);
                for l in &vx.logs[from..] {
                    lines.push(format!("\x1b[2m => => # {l}{RESET}"));
                }
            }
        }
        lines
    }

    /// A failed step's whole log (the terminal view keeps it), between dashed rules.
    pub fn error_logs(&self) -> String {
        let mut out = String::new();
        for vx in &self.vertices {
            if vx.error.as_deref().is_some_and(|e| !canceled(e)) {
                out.push_str(&format!("------\n > {}:\n", vx.name));
                for l in &vx.logs {
                    out.push_str(l);
                    out.push('\n');
                }
                out.push_str("------\n");
            }
        }
        out
    }
}

/// One ` => name   status   1.2s` line, 79 columns.
fn job_line(name: &str, status: &str, dt: f64, color: Option<&str>) -> String {
    let dt = if dt < 0.05 { 0.0 } else { dt };
    let timer = format!(" {dt:3.1}s");
    // Go counts the timer's newline too.
    let mut left = WIDTH as i64 - 4 - (timer.len() as i64 + 1) - 1;
    let mut show_status = false;
    if !status.is_empty() && left + status.len() as i64 > 20 {
        show_status = true;
        left -= status.len() as i64 + 1;
    }
    let name = cut(name, left.max(0) as usize);
    let mut out = format!(" => {name}");
    if show_status {
        out.push(' ');
        out.push_str(status);
    }
    let line = align(&out, &timer, WIDTH - 1);
    match color {
        Some(c) => format!("{c}{line}{RESET}"),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(ms: u64) -> SimTime {
        SimTime(1_700_000_000_000 + ms)
    }

    #[test]
    fn plain_form() {
        let mut p = Plain::default();
        let mut out = String::new();
        for ev in [
            Event::Start { v: 1, name: "[internal] load build definition from Dockerfile".into(), at: t(0) },
            Event::Status { v: 1, id: "transferring dockerfile:".into(), current: 99, total: 0, started: t(0), done: Some(t(5)) },
            Event::End { v: 1, at: t(10), cached: false, error: None },
            Event::Start { v: 2, name: "[2/2] RUN echo hi".into(), at: t(10) },
            Event::Log { v: 2, at: t(72), text: "hi\nthere".into() },
            Event::End { v: 2, at: t(110), cached: false, error: None },
        ] {
            out.push_str(&p.feed(&ev));
        }
        assert_eq!(
            out,
            "#0 building with \"default\" instance using docker driver\n\n#1 [internal] load build definition from Dockerfile\n#1 transferring dockerfile: 99B done\n#1 DONE 0.0s\n\n#2 [2/2] RUN echo hi\n#2 0.062 hi\n#2 0.062 there\n#2 DONE 0.1s\n"
        );
    }

    #[test]
    fn tty_lines_are_79_columns() {
        let mut tty = Tty::default();
        tty.feed(&Event::Start { v: 1, name: "[internal] load build definition from Dockerfile".into(), at: t(0) });
        tty.feed(&Event::End { v: 1, at: t(20), cached: false, error: None });
        let f = tty.frame(t(1200), true);
        assert_eq!(f[0], format!("[+] Building 1.2s (1/1) FINISHED{}docker:default", " ".repeat(33)));
        let name = " => [internal] load build definition from Dockerfile";
        assert_eq!(f[1], format!("{BLUE}{name}{} 0.0s{RESET}", " ".repeat(74 - name.len())));
        assert_eq!(f[0].len(), 79);
    }
}

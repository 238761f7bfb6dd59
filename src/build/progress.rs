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
    /// Every log line with its elapsed-time prefix (`0.062 hi`): the terminal view keeps them
    /// all for the failed step's summary.
    logs: Vec<String>,
    /// The last chunk did not end with a newline: the next one continues the last line.
    logs_partial: bool,
    /// The small terminal the output is written into, shown under the running step.
    screen: Option<Screen>,
    /// Bytes of output so far and frames that showed the screen: which steps get one.
    term_bytes: u64,
    term_count: u64,
}

/// The terminal view: the build's state, drawn as frames.
#[derive(Clone, Debug, Default)]
pub struct Tty {
    vertices: Vec<TtyVertex>,
    /// Indexes into `vertices` in the order the steps started (the order of the lines).
    order: Vec<usize>,
    started: Option<SimTime>,
    known: u32,
}

/// The terminal is taken to be 80 columns by 24 rows (progressui asks the console; without
/// one it assumes 80 by 10).
const WIDTH: usize = 80;
const HEIGHT: i64 = 24;
/// A step's output screen: `termHeightMin` rows (`BUILDKIT_TTY_LOG_LINES` is not simulated),
/// `termPad` columns narrower than the terminal.
const TERM_HEIGHT: usize = 6;
const TERM_WIDTH: usize = WIDTH - 10;
const BLUE: &str = "\x1b[34m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const FAINT: &str = "\x1b[2m";
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

/// The screen progressui writes a step's output into (github.com/tonistiigi/vt100, "a
/// quick-and-dirty programmable ANSI terminal emulator"), with its quirks: a line feed also
/// returns the carriage and only moves the cursor (the screen scrolls, by one row, when the
/// next character is put), long lines wrap, tabs and other control characters are dropped,
/// and of the escape sequences only cursor moves, saves and erases change the text.
#[derive(Clone, Debug)]
struct Screen {
    rows: Vec<Vec<char>>,
    y: usize,
    x: usize,
    saved: (usize, usize),
}

impl Screen {
    fn new() -> Screen {
        Screen { rows: vec![vec![' '; TERM_WIDTH]; TERM_HEIGHT], y: 0, x: 0, saved: (0, 0) }
    }

    fn write(&mut self, text: &str) {
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            match c {
                '\x1b' | '\u{9b}' => {
                    let mut csi = c == '\u{9b}';
                    let (mut args, mut quote, mut first) = (String::new(), false, true);
                    // A sequence cut off at the end of the chunk is lost.
                    let cmd = loop {
                        let Some(r) = chars.next() else { return };
                        if std::mem::take(&mut first) && r == '[' {
                            csi = true;
                            continue;
                        }
                        if !csi || (!quote && ('\u{40}'..='\u{7e}').contains(&r)) {
                            break r;
                        }
                        if r == '"' {
                            quote = !quote;
                        }
                        args.push(r);
                    };
                    self.escape(cmd, &args);
                }
                '\u{8}' => {
                    if self.x > 0 {
                        self.x -= 1;
                    } else if self.y > 0 {
                        self.y -= 1;
                        self.x = TERM_WIDTH - 1;
                    }
                }
                '\n' => {
                    self.y += 1;
                    self.x = 0;
                }
                '\r' => self.x = 0,
                c if c.is_control() => {}
                c => self.put(c),
            }
        }
    }

    fn put(&mut self, c: char) {
        if self.x >= TERM_WIDTH {
            self.x = 0;
            self.y += 1;
        }
        if self.y >= TERM_HEIGHT {
            self.rows.rotate_left(1);
            self.rows[TERM_HEIGHT - 1].fill(' ');
            self.y = TERM_HEIGHT - 1;
        }
        self.rows[self.y][self.x] = c;
        self.x += 1;
        if self.x >= TERM_WIDTH {
            self.x = 0;
            self.y += 1;
        }
    }

    /// Moves the cursor, clamped to the screen (vt100's `home` and `sanitize`).
    fn home(&mut self, y: i64, x: i64) {
        self.y = y.clamp(0, TERM_HEIGHT as i64 - 1) as usize;
        self.x = x.clamp(0, TERM_WIDTH as i64 - 1) as usize;
    }

    /// Blanks the cells from (y1, x1) to (y2, x2), rows first; cells off the screen are skipped.
    fn erase(&mut self, (y1, x1): (usize, usize), (y2, x2): (usize, usize)) {
        for y in y1.min(y2)..=y1.max(y2) {
            for x in x1.min(x2)..=x1.max(x2) {
                if let Some(cell) = self.rows.get_mut(y).and_then(|r| r.get_mut(x)) {
                    *cell = ' ';
                }
            }
        }
    }

    fn escape(&mut self, cmd: char, args: &str) {
        let nums: Option<Vec<i64>> = if args.is_empty() { Some(Vec::new()) } else { args.split(';').map(|a| a.parse().ok()).collect() };
        let Some(n) = nums else { return };
        let (y, x) = (self.y as i64, self.x as i64);
        let count = n.first().copied().unwrap_or(1);
        let (last_row, last_col) = (TERM_HEIGHT - 1, TERM_WIDTH - 1);
        match cmd {
            's' | '7' => self.saved = (self.y, self.x),
            'u' | '8' => (self.y, self.x) = self.saved,
            'A' => self.home(y.wrapping_sub(count), x),
            'B' => self.home(y.wrapping_add(count), x),
            'C' => self.home(y, x.wrapping_add(count)),
            'D' => self.home(y, x.wrapping_sub(count)),
            'H' | 'f' => match n[..] {
                [row, col, ..] => self.home(row.wrapping_sub(1), col.wrapping_sub(1)),
                _ => self.home(0, 0),
            },
            'K' => match n.first().copied().unwrap_or(0) {
                0 => self.erase((self.y, self.x), (self.y, last_col)),
                1 => self.erase((self.y, 0), (self.y, self.x)),
                2 => self.erase((self.y, 0), (self.y, last_col)),
                _ => {}
            },
            // The whole current line goes too, whichever way.
            'J' => match n.first().copied().unwrap_or(0) {
                0 => self.erase((self.y, 0), (last_row, last_col)),
                1 => self.erase((0, 0), (self.y, last_col)),
                2 => self.erase((0, 0), (last_row, last_col)),
                _ => {}
            },
            _ => {}
        }
    }

    fn shown(&self) -> impl Iterator<Item = String> + '_ {
        self.rows.iter().filter(|r| r.iter().any(|&c| c != ' ')).map(|r| r.iter().collect())
    }
}

/// One line of the view before it is drawn: a step, one of its statuses or a warning.
#[derive(Clone, Debug)]
struct Job {
    name: String,
    status: String,
    start: SimTime,
    stop: Option<SimTime>,
    completed: bool,
    color: Option<&'static str>,
    /// The step's own line (statuses and warnings have none).
    vertex: Option<usize>,
    show_term: bool,
}

/// progressui's `wrapHeight`: the last `limit` lines, with lines still running that would be
/// cut off moved in at the top in place of finished ones.
fn wrap_height(jobs: Vec<Job>, limit: i64) -> Vec<Job> {
    if limit < 0 {
        return Vec::new();
    }
    let limit = limit as usize;
    if jobs.len() <= limit {
        return jobs;
    }
    let cut_at = jobs.len() - limit;
    let invisible: Vec<Job> = jobs[..cut_at].iter().filter(|j| !j.completed).cloned().collect();
    let wrapped = &jobs[cut_at..];
    if invisible.is_empty() {
        return wrapped.to_vec();
    }
    let mut l = invisible.len() as i64;
    let mut rewrapped = Vec::new();
    for j in wrapped {
        if !j.completed || l <= 0 {
            rewrapped.push(j.clone());
        }
        l -= 1;
    }
    let free = wrapped.len() - rewrapped.len();
    let mut out = invisible[invisible.len() - free..].to_vec();
    out.extend(rewrapped);
    out
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
                self.vertices[i] = TtyVertex { name: name.clone(), started: *at, ..TtyVertex::default() };
                if !self.order.contains(&i) {
                    self.order.push(i);
                }
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
            Event::Log { v, at, text } => {
                if let Some(vx) = self.vertices.get_mut(idx(*v)) {
                    vx.term_bytes += text.len() as u64;
                    vx.screen.get_or_insert_with(Screen::new).write(text);
                    // progressui's `split`: an empty chunk leaves the last line open.
                    let mut complete = false;
                    let mut rest = (!text.is_empty()).then_some(text.as_str());
                    let mut first = true;
                    while let Some(r) = rest {
                        if r.is_empty() {
                            complete = true;
                            break;
                        }
                        let (line, next) = match r.find('\n') {
                            Some(i) => (&r[..i], Some(&r[i + 1..])),
                            None => (r, None),
                        };
                        match vx.logs.last_mut() {
                            Some(last) if first && vx.logs_partial => last.push_str(line),
                            _ => vx.logs.push(format!("{} {line}", log_stamp(secs(vx.started, *at)))),
                        }
                        first = false;
                        rest = next;
                    }
                    vx.logs_partial = !complete;
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
                }
            }
            Event::Stream(_) => {}
        }
    }

    /// How many vertices the build has in all (the solver knows them before they start).
    pub fn set_known(&mut self, n: u32) {
        self.known = self.known.max(n);
    }

    /// The view's lines, as progressui's `displayInfo` lists them.
    fn jobs(&self) -> Vec<Job> {
        let mut jobs = Vec::new();
        for &i in &self.order {
            let vx = &self.vertices[i];
            let was_canceled = vx.error.as_deref().is_some_and(canceled);
            let mut name = vx.name.replace('\t', " ");
            match &vx.error {
                Some(_) if was_canceled => name = format!("CANCELED {name}"),
                Some(_) => name = format!("ERROR {name}"),
                None => {}
            }
            if vx.cached {
                name = format!("CACHED {name}");
            }
            let color = match (&vx.error, vx.ended) {
                (_, None) => None,
                (Some(_), _) if was_canceled => Some(YELLOW),
                (Some(_), _) => Some(RED),
                (None, Some(_)) => Some(BLUE),
            };
            let completed = vx.ended.is_some();
            jobs.push(Job { name, status: String::new(), start: vx.started, stop: vx.ended, completed, color, vertex: Some(i), show_term: false });
            for s in &vx.statuses {
                let status = status_text(&s.id, s.current, s.total, s.started, s.done, s.started).0;
                let color = s.done.map(|_| BLUE);
                jobs.push(Job { name: format!("=> {}", s.id), status, start: s.started, stop: s.done, completed: s.done.is_some(), color, vertex: None, show_term: false });
            }
            // A warning's line is never "completed": it stays uncoloured.
            for w in &vx.warnings {
                jobs.push(Job { name: format!("WARN: {w}"), status: String::new(), start: vx.started, stop: vx.ended, completed: false, color: None, vertex: None, show_term: false });
            }
        }
        jobs
    }

    /// The frame at `now`: the header, then one line per step, status and warning, with the
    /// latest output of running steps under them (` => => # …`, faint). `last` is the final
    /// frame (`FINISHED` once every step is done, and every line however many). Drawing counts
    /// towards which step keeps its output shown.
    pub fn frame(&mut self, now: SimTime, last: bool) -> Vec<String> {
        let total = (self.known as usize).max(self.order.len());
        let completed = self.order.iter().filter(|&&i| self.vertices[i].ended.is_some()).count();
        let status = if completed > 0 && completed == total && last { "FINISHED" } else { "" };
        let elapsed = self.started.map(|s| secs(s, now)).unwrap_or(0.0);
        let head = format!("[+] Building {elapsed:.1}s ({completed}/{total}) {status}");
        let mut lines = vec![cut(&align(&head, "docker:default", WIDTH - 1), WIDTH).to_string()];

        // `setupTerminals`: the steps with the most output get a screen while there is room.
        let mut jobs = self.jobs();
        let in_use = jobs.iter().filter(|j| !j.completed).count() as i64;
        let mut candidates: Vec<usize> = (0..jobs.len()).filter(|&k| !jobs[k].completed && jobs[k].vertex.is_some_and(|v| self.vertices[v].term_bytes > 0)).collect();
        let score = |k: &usize| jobs[*k].vertex.map_or(0, |v| self.vertices[v].term_bytes + self.vertices[v].term_count * 50);
        crate::text::sort_by(&mut candidates, &|a, b| score(b).cmp(&score(a)));
        let mut free = HEIGHT - 2 - in_use;
        let mut hidden = 0;
        for k in candidates {
            if free <= TERM_HEIGHT as i64 + 3 {
                break;
            }
            jobs[k].show_term = true;
            hidden += jobs[k].vertex.and_then(|v| self.vertices[v].screen.as_ref()).map_or(0, |s| s.shown().count()) as i64;
            free -= TERM_HEIGHT as i64 + 3;
        }
        if !last {
            jobs = wrap_height(jobs, HEIGHT - 2 - hidden);
        }

        for j in &jobs {
            lines.push(job_line(&j.name, &j.status, secs(j.start, j.stop.unwrap_or(now)), j.color));
            let Some(v) = j.vertex.filter(|_| j.show_term) else { continue };
            let vx = &mut self.vertices[v];
            if let Some(screen) = &vx.screen {
                // Go puts the reset after the newline; it is kept on the line here.
                lines.extend(screen.shown().map(|row| format!("{FAINT} => => # {row}{RESET}")));
            }
            vx.term_count += 1;
        }
        lines
    }

    /// A failed step's whole log with its times (the terminal view keeps it), between dashed
    /// rules; a canceled step has none.
    pub fn error_logs(&self) -> String {
        let mut out = String::new();
        for &i in &self.order {
            let vx = &self.vertices[i];
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

    /// A running step's output row as the view draws it: faint, the screen's 70 columns.
    fn log_row(text: &str) -> String {
        format!("{FAINT} => => # {text:<70}{RESET}")
    }

    fn log(tty: &mut Tty, v: u32, ms: u64, text: &str) {
        tty.feed(&Event::Log { v, at: t(ms), text: text.into() });
    }

    /// A build whose step 2 (`RUN`) has started after step 1 finished.
    fn running() -> Tty {
        let mut tty = Tty::default();
        tty.set_known(3);
        tty.feed(&Event::Start { v: 1, name: "[1/2] FROM docker.io/library/alpine:latest".into(), at: t(0) });
        tty.feed(&Event::End { v: 1, at: t(100), cached: true, error: None });
        tty.feed(&Event::Start { v: 2, name: "[2/2] RUN ./build.sh".into(), at: t(100) });
        tty
    }

    #[test]
    fn tty_shows_a_running_steps_last_six_rows_then_drops_them() {
        let mut tty = running();
        for i in 1..=8 {
            log(&mut tty, 2, 100 + i * 100, &format!("line {i}\n"));
        }
        let f = tty.frame(t(1000), false);
        assert_eq!(f[0], format!("[+] Building 1.0s (1/3) {}docker:default", " ".repeat(41)));
        assert_eq!(f[2], format!(" => [2/2] RUN ./build.sh{} 0.9s", " ".repeat(50)));
        let rows: Vec<String> = (3..=8).map(|i| log_row(&format!("line {i}"))).collect();
        assert_eq!(f[3..], rows[..]);
        // The lines follow the step's own line, before its statuses.
        tty.feed(&Event::Status { v: 2, id: "extracting".into(), current: 0, total: 0, started: t(900), done: None });
        let f = tty.frame(t(1000), false);
        assert_eq!(f.len(), 10);
        assert_eq!(f[3], log_row("line 3"));
        assert!(f[9].starts_with(" => => extracting "));
        // Done: the rows go, the whole log stays for an error summary.
        tty.feed(&Event::End { v: 2, at: t(1100), cached: false, error: None });
        let f = tty.frame(t(1200), true);
        assert_eq!(f.len(), 4);
        assert!(!f.iter().any(|l| l.contains("=> => #")));
        assert_eq!(tty.vertices[1].logs.len(), 8);
    }

    #[test]
    fn tty_output_screen_is_a_small_terminal() {
        let mut tty = running();
        // Long lines wrap at 70 columns; carriage returns and erases rewrite a row; tabs and
        // blank rows are not shown.
        log(&mut tty, 2, 200, &format!("{}\n", "x".repeat(75)));
        log(&mut tty, 2, 300, "\n\t10%\r50%\r\x1b[K100%");
        log(&mut tty, 2, 400, "\n\x1b[31mred\x1b[0m\n");
        let f = tty.frame(t(500), false);
        let rows = [log_row(&"x".repeat(70)), log_row("xxxxx"), log_row("100%"), log_row("red")];
        assert_eq!(f[3..], rows[..]);
        // The error summary has every line with its time; a chunk without a newline is
        // continued by the next one.
        log(&mut tty, 2, 1500, "done");
        log(&mut tty, 2, 1600, " at last\n");
        tty.feed(&Event::End { v: 2, at: t(1700), cached: false, error: Some("exit code: 1".into()) });
        assert_eq!(
            tty.error_logs(),
            format!("------\n > [2/2] RUN ./build.sh:\n0.100 {}\n0.200 \n0.200 \t10%\r50%\r\x1b[K100%\n0.300 \x1b[31mred\x1b[0m\n1.400 done at last\n------\n", "x".repeat(75))
        );
        assert!(tty.frame(t(1800), true)[2].starts_with(&format!("{RED} => ERROR [2/2] RUN ./build.sh")));
    }

    #[test]
    fn tty_screen_scrolls_when_the_next_character_comes() {
        let mut s = Screen::new();
        s.write("1\n2\n3\n4\n5\n6\n");
        assert_eq!(s.shown().count(), 6);
        // Two line feeds at the bottom still scroll one row only.
        s.write("\n\n7");
        let rows: Vec<String> = s.shown().map(|r| r.trim_end().to_string()).collect();
        assert_eq!(rows, ["2", "3", "4", "5", "6", "7"]);
        // Cursor moves and erases: up two rows, erase to the end of the screen.
        s.write("\x1b[2A\x1b[J");
        let rows: Vec<String> = s.shown().map(|r| r.trim_end().to_string()).collect();
        assert_eq!(rows, ["2", "3", "4"]);
    }

    #[test]
    fn tty_canceled_step_is_yellow_without_logs() {
        let mut tty = running();
        log(&mut tty, 2, 200, "working\n");
        tty.feed(&Event::End { v: 2, at: t(300), cached: false, error: Some("context canceled".into()) });
        let f = tty.frame(t(400), true);
        assert!(f[2].starts_with(&format!("{YELLOW} => CANCELED [2/2] RUN ./build.sh")));
        assert_eq!(tty.error_logs(), "");
    }

    #[test]
    fn tty_gives_screens_to_the_busiest_steps_while_rows_are_free() {
        let mut tty = running();
        tty.feed(&Event::Start { v: 3, name: "[3/3] RUN ./other.sh".into(), at: t(100) });
        tty.feed(&Event::Start { v: 4, name: "[4/4] RUN ./third.sh".into(), at: t(100) });
        log(&mut tty, 2, 200, "a\n");
        log(&mut tty, 3, 200, "bbbb\n");
        log(&mut tty, 4, 200, "cc\n");
        // 24 rows, 3 in use: 19 free, 9 for each screen: two screens, the busiest first.
        let f = tty.frame(t(300), false);
        let shown: Vec<&String> = f.iter().filter(|l| l.contains("=> => #")).collect();
        assert_eq!(shown, [&log_row("bbbb"), &log_row("cc")]);
        assert_eq!(f[3], format!(" => [3/3] RUN ./other.sh{} 0.2s", " ".repeat(50)));
    }

    #[test]
    fn tty_wraps_a_tall_frame_to_the_terminal_keeping_running_lines() {
        let mut tty = Tty::default();
        tty.feed(&Event::Start { v: 1, name: "[1/30] RUN first".into(), at: t(0) });
        for v in 2..=30 {
            tty.feed(&Event::Start { v, name: format!("[{v}/30] COPY f{v} ."), at: t(0) });
            tty.feed(&Event::End { v, at: t(10), cached: false, error: None });
        }
        // 22 rows for lines: the running step 1 first, then the last 21.
        let f = tty.frame(t(100), false);
        assert_eq!(f.len(), 23);
        assert!(f[1].starts_with(" => [1/30] RUN first"));
        assert!(f[2].contains("[10/30] COPY f10 ."));
        // The final frame has every line.
        assert_eq!(tty.frame(t(100), true).len(), 31);
    }
}

//! The terminal's view model: lines of styled spans, progress lines updated in place, input
//! history. A pure reducer, testable without a browser.

use std::rc::Rc;

use yew::Reducible;

use crate::{Event, Stream};

/// How a span is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Stdout,
    Stderr,
    /// The `learner@dockling:~$ ` prompt.
    Prompt,
    /// What the learner typed.
    Typed,
    /// Dockling's own notes (`^C`).
    Note,
}

/// The foreground colour an SGR escape (`ESC[34m`) selected: what buildx's terminal view and
/// other programs colour their output with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Color {
    #[default]
    Plain,
    Red,
    Green,
    Yellow,
    Blue,
    Magenta,
    Cyan,
}

/// The graphic rendition in effect: a colour, and faint (`ESC[2m`) or not.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sgr {
    pub color: Color,
    pub faint: bool,
}

impl Sgr {
    /// The CSS classes (`www/style.css`).
    pub fn classes(self) -> Vec<&'static str> {
        let mut v = Vec::new();
        match self.color {
            Color::Plain => {}
            Color::Red => v.push("ansi-red"),
            Color::Green => v.push("ansi-green"),
            Color::Yellow => v.push("ansi-yellow"),
            Color::Blue => v.push("ansi-blue"),
            Color::Magenta => v.push("ansi-magenta"),
            Color::Cyan => v.push("ansi-cyan"),
        }
        if self.faint {
            v.push("ansi-faint");
        }
        v
    }

    /// The rendition after the parameters of one `ESC[…m` (30–37 and 90–97 colours; black,
    /// white and grey are drawn in the terminal's own colours).
    fn apply(self, params: &str) -> Sgr {
        let mut r = self;
        for p in params.split(';') {
            match p {
                "" | "0" => r = Sgr::default(),
                "2" => r.faint = true,
                "22" => r.faint = false,
                "39" | "30" | "37" | "90" | "97" => r.color = Color::Plain,
                "31" | "91" => r.color = Color::Red,
                "32" | "92" => r.color = Color::Green,
                "33" | "93" => r.color = Color::Yellow,
                "34" | "94" => r.color = Color::Blue,
                "35" | "95" => r.color = Color::Magenta,
                "36" | "96" => r.color = Color::Cyan,
                _ => {}
            }
        }
        r
    }
}

/// Splits `text` at its escape sequences: the pieces with the rendition each is drawn in. SGR
/// sequences change `sgr`; other control sequences (cursor moves, erases, character sets,
/// window titles) are dropped.
fn colored(text: &str, sgr: &mut Sgr) -> Vec<(Sgr, String)> {
    let mut out: Vec<(Sgr, String)> = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('\x1b') {
        if i > 0 {
            out.push((*sgr, rest[..i].to_string()));
        }
        rest = &rest[i + 1..];
        let b = rest.as_bytes();
        match b.first() {
            // CSI: parameter and intermediate bytes (0x20–0x3F), then a final byte.
            Some(b'[') => {
                let end = b[1..].iter().position(|c| !(0x20..=0x3f).contains(c)).map_or(b.len(), |p| p + 1);
                match b.get(end) {
                    Some(f) if (0x40..=0x7e).contains(f) => {
                        if *f == b'm' {
                            *sgr = sgr.apply(&rest[1..end]);
                        }
                        rest = &rest[end + 1..];
                    }
                    // Not a sequence after all: only the ESC [ goes.
                    _ => rest = &rest[1..],
                }
            }
            // OSC (a window title): up to BEL or ESC \.
            Some(b']') => {
                let bel = rest.find('\x07').map(|p| p + 1);
                let st = rest.find("\x1b\\").map(|p| p + 2);
                let end = match (bel, st) {
                    (Some(a), Some(b)) => a.min(b),
                    (Some(a), None) | (None, Some(a)) => a,
                    (None, None) => rest.len(),
                };
                rest = &rest[end..];
            }
            // A character set (`ESC ( B` from `tput sgr0`).
            Some(b'(' | b')') => rest = rest.get(2..).unwrap_or(""),
            Some(c) if c.is_ascii() => rest = &rest[1..],
            _ => {}
        }
    }
    if !rest.is_empty() {
        out.push((*sgr, rest.to_string()));
    }
    out
}

/// A piece of text on a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub style: Style,
    pub color: Color,
    pub faint: bool,
    pub text: String,
}

/// One line of the scrollback; `key` marks a progress line that later updates replace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Line {
    pub spans: Vec<Span>,
    pub key: Option<String>,
}

/// Everything the terminal shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct View {
    /// Finished lines.
    pub lines: Vec<Line>,
    /// The line being written (no newline yet); the input is drawn after it.
    pub open: Line,
    /// Index in `lines` where the current command's output began (progress keys are looked up
    /// from there).
    pub block_start: usize,
    pub history: Vec<String>,
    /// Position while browsing history with Up/Down (`history.len()` = not browsing).
    pub cursor: usize,
    /// A prompt is shown at the end of `open`.
    pub prompt_shown: bool,
    /// The rendition the last escape sequence selected (it lasts, as on a terminal).
    pub sgr: Sgr,
}

/// What can happen to the view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Events from the session.
    Events(Vec<Event>),
    /// Show the shell prompt (the session is idle).
    Prompt(String),
    /// The learner pressed Enter on `line`; `echo` when the terminal (not a program) echoes it.
    Entered {
        line: String,
        echo: bool,
    },
    /// Ctrl+C was pressed; `echo` shows `^C`.
    Interrupted {
        echo: bool,
    },
    Clear,
    /// Up/Down moved through the history to this position.
    HistoryCursor(usize),
}

/// Keeps the scrollback bounded (a classroom session can run for hours).
const MAX_LINES: usize = 5000;

impl View {
    /// The view at start: one line saying what this is and how to begin.
    pub fn welcome() -> View {
        let mut v = View::default();
        v.push_text(Style::Note, "Dockling: Docker, simulated in your browser. Try `docker run hello-world`; `help` lists what else works.\n");
        v.block_start = v.lines.len();
        v
    }

    fn push_text(&mut self, style: Style, text: &str) {
        let mut rest = text;
        while let Some(i) = rest.find('\n') {
            self.append(style, &rest[..i]);
            let line = std::mem::take(&mut self.open);
            self.lines.push(line);
            rest = &rest[i + 1..];
        }
        self.append(style, rest);
        if self.lines.len() > MAX_LINES {
            let drop = self.lines.len() - MAX_LINES;
            self.lines.drain(..drop);
            self.block_start = self.block_start.saturating_sub(drop);
        }
    }

    fn append(&mut self, style: Style, text: &str) {
        let text = text.replace('\r', "");
        for (sgr, text) in colored(&text, &mut self.sgr) {
            match self.open.spans.last_mut() {
                Some(s) if s.style == style && s.color == sgr.color && s.faint == sgr.faint => s.text.push_str(&text),
                _ => self.open.spans.push(Span { style, color: sgr.color, faint: sgr.faint, text }),
            }
        }
    }

    fn progress(&mut self, style: Style, key: String, line: String) {
        // A progress line is drawn whole: its colours start and end with it.
        let mut sgr = Sgr::default();
        let spans: Vec<Span> = colored(&line, &mut sgr).into_iter().map(|(r, text)| Span { style, color: r.color, faint: r.faint, text }).collect();
        let from = self.block_start.min(self.lines.len());
        if let Some(existing) = self.lines[from..]
            .iter_mut()
            .find(|l| l.key.as_deref() == Some(&key))
        {
            existing.spans = spans;
            return;
        }
        if !self.open.spans.is_empty() {
            let line = std::mem::take(&mut self.open);
            self.lines.push(line);
        }
        self.lines.push(Line {
            spans,
            key: Some(key),
        });
    }

    fn progress_remove(&mut self, key: &str) {
        let from = self.block_start.min(self.lines.len());
        if let Some(i) = self.lines[from..]
            .iter()
            .position(|l| l.key.as_deref() == Some(key))
        {
            self.lines.remove(from + i);
        }
    }

    /// The text of the whole scrollback, for tests.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for l in self.lines.iter().chain(std::iter::once(&self.open)) {
            for span in &l.spans {
                s.push_str(&span.text);
            }
            s.push('\n');
        }
        s
    }
}

fn style_of(stream: Stream) -> Style {
    match stream {
        Stream::Stdout => Style::Stdout,
        Stream::Stderr => Style::Stderr,
    }
}

impl Reducible for View {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut v = (*self).clone();
        match action {
            Action::Events(events) => {
                for e in events {
                    match e {
                        Event::Output { stream, text } => v.push_text(style_of(stream), &text),
                        Event::Progress { stream, key, line } => {
                            v.progress(style_of(stream), key, line)
                        }
                        Event::ProgressRemove { key, .. } => v.progress_remove(&key),
                        Event::Clear => {
                            v.lines.clear();
                            v.open = Line::default();
                            v.block_start = 0;
                        }
                    }
                }
            }
            Action::Prompt(p) => {
                if !v.prompt_shown {
                    if !v.open.spans.is_empty() {
                        let line = std::mem::take(&mut v.open);
                        v.lines.push(line);
                    }
                    v.push_text(Style::Prompt, &p);
                    v.prompt_shown = true;
                }
            }
            Action::Entered { line, echo } => {
                if echo {
                    v.push_text(Style::Typed, &line);
                    v.push_text(Style::Typed, "\n");
                }
                if !line.trim().is_empty() && v.history.last() != Some(&line) {
                    v.history.push(line);
                }
                v.cursor = v.history.len();
                v.prompt_shown = false;
                v.block_start = v.lines.len();
            }
            Action::Interrupted { echo } => {
                if echo {
                    v.push_text(Style::Note, "^C\n");
                }
                v.prompt_shown = false;
            }
            Action::Clear => {
                v.lines.clear();
                v.open = Line::default();
                v.block_start = 0;
                v.prompt_shown = false;
            }
            Action::HistoryCursor(c) => v.cursor = c.min(v.history.len()),
        }
        Rc::new(v)
    }
}

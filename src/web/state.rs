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

/// The colour an SGR escape (`ESC[34m`) selected: what buildx's terminal view and other
/// programs colour their output with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Color {
    #[default]
    Plain,
    Faint,
    Red,
    Green,
    Yellow,
    Blue,
    Cyan,
}

impl Color {
    /// The CSS class (`www/style.css`), if any.
    pub fn class(self) -> Option<&'static str> {
        match self {
            Color::Plain => None,
            Color::Faint => Some("ansi-faint"),
            Color::Red => Some("ansi-red"),
            Color::Green => Some("ansi-green"),
            Color::Yellow => Some("ansi-yellow"),
            Color::Blue => Some("ansi-blue"),
            Color::Cyan => Some("ansi-cyan"),
        }
    }

    /// The colour after the parameters of one `ESC[…m`.
    fn apply(self, params: &str) -> Color {
        let mut c = self;
        for p in params.split(';') {
            c = match p {
                "" | "0" | "39" | "22" => Color::Plain,
                "2" => Color::Faint,
                "31" | "91" => Color::Red,
                "32" | "92" => Color::Green,
                "33" | "93" => Color::Yellow,
                "34" | "94" => Color::Blue,
                "36" | "96" => Color::Cyan,
                _ => c,
            };
        }
        c
    }
}

/// Splits `text` at its escape sequences: the pieces with the colour each is drawn in. SGR
/// sequences change `color`; other control sequences (cursor moves, erases) are dropped.
fn colored(text: &str, color: &mut Color) -> Vec<(Color, String)> {
    let mut out: Vec<(Color, String)> = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('\x1b') {
        if i > 0 {
            out.push((*color, rest[..i].to_string()));
        }
        rest = &rest[i + 1..];
        if let Some(csi) = rest.strip_prefix('[') {
            let end = csi.find(|c: char| c.is_ascii_alphabetic() || c == '~').unwrap_or(csi.len());
            if csi[end..].starts_with('m') {
                *color = color.apply(&csi[..end]);
            }
            rest = csi.get(end + 1..).unwrap_or("");
        }
    }
    if !rest.is_empty() {
        out.push((*color, rest.to_string()));
    }
    out
}

/// A piece of text on a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub style: Style,
    pub color: Color,
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
    /// The colour the last escape sequence selected (it lasts, as on a terminal).
    pub color: Color,
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
        for (color, text) in colored(&text, &mut self.color) {
            match self.open.spans.last_mut() {
                Some(s) if s.style == style && s.color == color => s.text.push_str(&text),
                _ => self.open.spans.push(Span { style, color, text }),
            }
        }
    }

    fn progress(&mut self, style: Style, key: String, line: String) {
        // A progress line is drawn whole: its colours start and end with it.
        let mut color = Color::Plain;
        let spans: Vec<Span> = colored(&line, &mut color).into_iter().map(|(color, text)| Span { style, color, text }).collect();
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

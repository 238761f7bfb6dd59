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

/// A piece of text on a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub style: Style,
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
        if text.is_empty() {
            return;
        }
        match self.open.spans.last_mut() {
            Some(s) if s.style == style => s.text.push_str(&text),
            _ => self.open.spans.push(Span { style, text }),
        }
    }

    fn progress(&mut self, style: Style, key: String, line: String) {
        let span = Span { style, text: line };
        let from = self.block_start.min(self.lines.len());
        if let Some(existing) = self.lines[from..]
            .iter_mut()
            .find(|l| l.key.as_deref() == Some(&key))
        {
            existing.spans = vec![span];
            return;
        }
        if !self.open.spans.is_empty() {
            let line = std::mem::take(&mut self.open);
            self.lines.push(line);
        }
        self.lines.push(Line {
            spans: vec![span],
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

#[cfg(test)]
mod tests {
    use super::*;

    fn reduce(v: View, a: Action) -> View {
        (*Rc::new(v).reduce(a)).clone()
    }

    #[test]
    fn progress_lines_update_in_place() {
        let mut v = View::default();
        v = reduce(v, Action::Prompt("$ ".into()));
        v = reduce(
            v,
            Action::Entered {
                line: "docker pull x".into(),
                echo: true,
            },
        );
        let p = |k: &str, l: &str| Event::Progress {
            stream: Stream::Stdout,
            key: k.into(),
            line: l.into(),
        };
        v = reduce(
            v,
            Action::Events(vec![
                p("a", "a: Pulling fs layer "),
                p("b", "b: Pulling fs layer "),
                p("a", "a: Pull complete "),
            ]),
        );
        assert_eq!(
            v.text(),
            "$ docker pull x\na: Pull complete \nb: Pulling fs layer \n\n"
        );
        assert_eq!(v.history, vec!["docker pull x".to_string()]);
        // A redrawn view that got shorter removes its last lines.
        v = reduce(
            v,
            Action::Events(vec![Event::ProgressRemove {
                stream: Stream::Stdout,
                key: "b".into(),
            }]),
        );
        assert_eq!(v.text(), "$ docker pull x\na: Pull complete \n\n");
    }
}

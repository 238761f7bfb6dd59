//! Script mode: lines in, transcript out, with virtual time jumping straight to each wake-up.
//! Used by the native binary (`dockling < script`) and by the transcript tests.

use super::{Config, Event, Session, Stream};

/// What a script printed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transcript {
    /// stdout and stderr interleaved, as a terminal shows them.
    pub merged: String,
    pub stdout: String,
    pub stderr: String,
    /// `$?` at the end, or the `exit` code.
    pub status: i32,
}

impl Session {
    /// Runs one typed line to completion in script mode, passing each event to `sink`.
    pub fn run_line(&mut self, line: &str, sink: &mut dyn FnMut(Event)) {
        self.input(line);
        self.drain(sink);
        // Steps are bounded: each advance moves time forward or finishes a wait.
        for _ in 0..1_000_000 {
            if !self.is_busy() {
                break;
            }
            match self.poll_timeout() {
                Some(t) => self.advance_to(t),
                None => break,
            }
            self.drain(sink);
        }
    }

    fn drain(&mut self, sink: &mut dyn FnMut(Event)) {
        while let Some(e) = self.poll_event() {
            sink(e);
        }
    }
}

/// Runs a whole script (one command line per line) and collects its output.
pub fn run_script(config: Config, script: &str) -> Transcript {
    let mut session = Session::new(config);
    let mut t = Transcript::default();
    for line in script.lines() {
        if session.exited().is_some() {
            break;
        }
        session.run_line(line, &mut |e| match e {
            Event::Output { stream, text } => {
                t.merged.push_str(&text);
                match stream {
                    Stream::Stdout => t.stdout.push_str(&text),
                    Stream::Stderr => t.stderr.push_str(&text),
                }
            }
            Event::Progress { line, .. } => {
                t.merged.push_str(&line);
                t.merged.push('\n');
            }
            Event::Clear => {}
        });
    }
    t.status = session.exited().unwrap_or(session.status());
    t
}

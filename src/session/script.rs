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
    ///
    /// A line that is only control characters stands for those keys: `\x03` Ctrl+C, `\x04`
    /// Ctrl+D, and the detach sequence of an `-it` container (`\x10\x11`, Ctrl+P Ctrl+Q, unless
    /// `--detach-keys` chose another), as a terminal would send them.
    pub fn run_line(&mut self, line: &str, sink: &mut dyn FnMut(Event)) {
        let keys = self.detach_keys();
        match line {
            "\x03" => self.interrupt(),
            "\x04" => self.end_of_input(),
            l if keys.as_deref() == Some(l.as_bytes()) => self.detach(),
            _ => self.input(line),
        }
        self.drain(sink);
        // Steps are bounded: each advance moves time forward or finishes a wait.
        for _ in 0..1_000_000 {
            if !self.is_busy() || self.wants_input() {
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
    // Progress lines of the current block, by key, with their byte offsets in `merged`, so a later
    // update rewrites the line as a terminal does and the transcript shows the final frame.
    let mut block: Vec<(String, usize, usize)> = Vec::new();
    for line in script.lines() {
        if session.exited().is_some() {
            break;
        }
        session.run_line(line, &mut |e| match e {
            Event::Output { stream, text } => {
                block.clear();
                t.merged.push_str(&text);
                match stream {
                    Stream::Stdout => t.stdout.push_str(&text),
                    Stream::Stderr => t.stderr.push_str(&text),
                }
            }
            Event::Progress { key, line, .. } => match block.iter().position(|(k, _, _)| *k == key)
            {
                Some(i) => {
                    let (_, start, end) = block[i];
                    t.merged.replace_range(start..end, &line);
                    let delta = line.len() as isize - (end - start) as isize;
                    block[i].2 = start + line.len();
                    for b in block.iter_mut().skip(i + 1) {
                        b.1 = (b.1 as isize + delta) as usize;
                        b.2 = (b.2 as isize + delta) as usize;
                    }
                }
                None => {
                    let start = t.merged.len();
                    t.merged.push_str(&line);
                    block.push((key, start, t.merged.len()));
                    t.merged.push('\n');
                }
            },
            Event::ProgressRemove { key, .. } => {
                if let Some(i) = block.iter().position(|(k, _, _)| *k == key) {
                    let (_, start, end) = block.remove(i);
                    // The line and its newline.
                    t.merged.replace_range(start..end + 1, "");
                    for b in block.iter_mut().skip(i) {
                        b.1 -= end + 1 - start;
                        b.2 -= end + 1 - start;
                    }
                }
            }
            Event::Clear => {}
        });
    }
    t.status = session.exited().unwrap_or(session.status());
    t
}

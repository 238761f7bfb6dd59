//! Output captured from a program before it is routed to a terminal, a pipe, a file or a log.

use crate::api::StdStream;

/// One piece of output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Chunk {
    Text(StdStream, String),
    /// A line a terminal rewrites in place while `key` stays the same.
    Progress(StdStream, String, String),
    /// The progress line `key` goes away (a redrawn view got shorter).
    ProgressRemove(StdStream, String),
    /// Clear the screen.
    Clear,
}

/// Output of a program, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Captured {
    pub chunks: Vec<Chunk>,
}

impl Captured {
    pub fn out(&mut self, s: &str) {
        self.write(StdStream::Stdout, s);
    }
    pub fn err(&mut self, s: &str) {
        self.write(StdStream::Stderr, s);
    }
    pub fn write(&mut self, stream: StdStream, s: &str) {
        if s.is_empty() {
            return;
        }
        if let Some(Chunk::Text(st, t)) = self.chunks.last_mut() {
            if *st == stream {
                t.push_str(s);
                return;
            }
        }
        self.chunks.push(Chunk::Text(stream, s.to_string()));
    }
    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }
    /// All text of one stream, concatenated.
    pub fn text(&self, stream: StdStream) -> String {
        self.chunks
            .iter()
            .filter_map(|c| match c {
                Chunk::Text(s, t) if *s == stream => Some(t.as_str()),
                _ => None,
            })
            .collect()
    }
}

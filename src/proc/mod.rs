//! What runs inside containers. A process is a state machine stepped by the daemon on the virtual
//! clock: it runs until it waits (a timer, stdin) or exits.

pub mod coreutils;
mod hello;
mod io;
pub mod sh;

pub use io::{Captured, Chunk};

use crate::api::StdStream;
use crate::clock::SimTime;

/// What a process is waiting for after a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The process ended with this exit code.
    Exited(i32),
    /// Step again at this time.
    Until(SimTime),
    /// Step again when input arrives.
    Stdin,
}

/// Output written by a step, in order.
pub type Output = Vec<(StdStream, String)>;

/// A running program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Process {
    Hello(hello::Hello),
}

impl Process {
    /// Starts the simulated program `program` (a catalog file's `program` name) with `argv`.
    /// `None` when Dockling does not simulate it.
    pub fn spawn(program: &str, _argv: &[String]) -> Option<Process> {
        match program {
            "hello" => Some(Process::Hello(hello::Hello::default())),
            _ => None,
        }
    }

    /// Runs until the process waits or exits.
    pub fn step(&mut self, now: SimTime, out: &mut Output) -> Step {
        match self {
            Process::Hello(p) => p.step(now, out),
        }
    }
}

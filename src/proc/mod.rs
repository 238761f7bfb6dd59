//! What runs inside containers. A process is a state machine stepped by the daemon on the virtual
//! clock: it runs until it waits (a timer, stdin) or exits.

pub mod coreutils;
pub mod curl;
pub mod hello;
mod io;
pub mod js;
pub mod machine;
pub mod program;
pub mod programs;
pub mod python;
mod process;
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

pub use process::{Process, Signal};

//! Dockling: Docker, simulated, in the browser.
//!
//! Crate map (see ARCHITECTURE.md for the invariants):
//! - [`session`]: the learner's host — host shell, host filesystem, virtual clock; the only entry point.
//! - `cli`: the docker CLI 28.2.2, a client of `api`.
//! - `api`: Engine-API-1.50-shaped request and response types, image references.
//! - `daemon`: the sans-IO state machine of dockerd.
//! - `build`: build requests, progress events and their printers, the build context, COPY/ADD.
//! - `registry`: the built-in Docker Hub catalog (data).
//! - `proc`: programs that run inside containers.
//! - `vfs`: in-memory file trees.
//! - `clock`: virtual time (`SimTime`) and calendar formatting; `text`: go-units and tabwriter formatting.
//! - `web` (wasm32 only): the yew terminal.
#![forbid(unsafe_code)]
#![recursion_limit = "256"]
#![warn(missing_debug_implementations)]

pub mod api;
pub mod build;
pub mod cli;
pub mod clock;
pub mod daemon;
pub mod dockerfile;
pub mod json;
pub mod proc;
pub mod regex;
pub mod registry;
pub mod session;
pub mod text;
pub mod vecmap;
pub mod vfs;

#[cfg(target_arch = "wasm32")]
pub mod web;

pub use clock::SimTime;
pub use session::{Config, Event, Session, Stream};

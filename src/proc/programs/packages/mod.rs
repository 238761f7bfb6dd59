//! Package managers (apt, apt-get, apt-cache, dpkg, apk, pip is Python's, npm is Node's, conda)
//! and the few downloads tutorials make (`wget`/`curl` of installers), driven by catalog data.

use crate::proc::program::{Ctx, Program};

/// Whether `name` is one of the package-manager programs.
pub fn known(_name: &str) -> bool {
    false
}

/// Starts the package-manager program `name`.
pub fn start(_name: &str, _argv: &[String], _ctx: &mut Ctx) -> Option<Box<dyn Program>> {
    None
}

/// A file on the (otherwise absent) internet that tutorials download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Download {
    pub body: Vec<u8>,
    pub content_type: String,
    /// The size the real file has (what wget and curl report); the body stands for it.
    pub size: u64,
}

/// The download at `url` (`https://repo.anaconda.com/miniconda/Miniconda3-latest-Linux-x86_64.sh`…).
pub fn download(_url: &str) -> Option<Download> {
    None
}

//! Package managers (apt, apt-get, apt-cache, dpkg, apk, conda; pip is Python's, npm is Node's)
//! and the few downloads tutorials make (`wget`/`curl` of installers), driven by package data.
//!
//! Each run is a `job::Job`: its output, pauses and file changes are worked out when it starts
//! from the container's files (`/var/lib/dpkg/status`, `/lib/apk/db/installed`, apt's lists),
//! then played back on the virtual clock.

mod apk;
mod apt;
pub mod archive;
mod conda;
mod downloads;
pub mod dpkg;
pub mod job;

use crate::proc::program::{Ctx, Program};

/// The marker names this module runs.
const NAMES: &[&str] = &["apt", "apt-get", "apt-cache", "dpkg", "dpkg-query", "apk", "conda", "miniconda-install"];

/// Whether `name` is one of the package-manager programs.
pub fn known(name: &str) -> bool {
    NAMES.contains(&name)
}

/// Starts the package-manager program `name`.
pub fn start(name: &str, argv: &[String], ctx: &mut Ctx) -> Option<Box<dyn Program>> {
    offline_note(name, argv, ctx, &["add", "update", "upgrade", "install", "create"]);
    Some(match name {
        "apt" | "apt-get" | "apt-cache" => apt::start(name, argv, ctx),
        "dpkg" | "dpkg-query" => dpkg::start(argv, ctx),
        "apk" => apk::start(argv, ctx),
        "conda" => conda::start(argv, ctx),
        "miniconda-install" => conda::install(argv, ctx),
        _ => return None,
    })
}

/// apt and pip fail as they do without a network; the others do not know yet, and say so.
pub fn offline_note(name: &str, argv: &[String], ctx: &mut Ctx, downloading: &[&str]) {
    let simulated = matches!(name, "apt" | "apt-get" | "apt-cache" | "dpkg" | "dpkg-query");
    if ctx.online || simulated || !argv.iter().skip(1).any(|a| downloading.contains(&a.as_str())) {
        return;
    }
    ctx.out.err(&format!("dockling: {name} without a network (--network none) is not simulated: it downloads as if online\n"));
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
pub fn download(url: &str) -> Option<Download> {
    downloads::get(url)
}

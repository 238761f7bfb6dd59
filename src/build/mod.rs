//! Docker builds, the parts that are not the daemon's state: what a build request carries, the
//! progress events a build emits (BuildKit's `SolveStatus`, or the legacy builder's text stream),
//! how buildx prints them ([`progress`]), the build context ([`context`]), COPY/ADD into a file
//! tree ([`copy`]), and the record of why each step hit or missed the cache ([`StepReport`]).
//!
//! The build itself runs inside the daemon (`daemon::build`), as BuildKit runs inside dockerd:
//! it steps on the virtual clock like a container does.

pub mod context;
pub mod copy;
pub mod progress;

use crate::clock::SimTime;
use crate::vfs::Tree;

/// `POST /build`: what the CLI sends.
#[derive(Clone, Debug, Default)]
pub struct BuildRequest {
    /// The Dockerfile's text.
    pub dockerfile: String,
    /// Its name as BuildKit shows it (`Dockerfile`, `Dockerfile.dev`).
    pub dockerfile_name: String,
    /// There is no such file: BuildKit fails when it reads it.
    pub missing_dockerfile: bool,
    /// The context's files (the directory given, unfiltered); `None` when the context is `-`
    /// (a Dockerfile on stdin and no files).
    pub context: Option<Tree>,
    /// `-t`, as full references (`docker.io/library/app:latest`).
    pub tags: Vec<String>,
    /// `--build-arg NAME=value` (or `NAME` alone: taken from the client's environment, `None`
    /// when unset there).
    pub build_args: Vec<(String, Option<String>)>,
    pub target: Option<String>,
    pub no_cache: bool,
    pub pull: bool,
    pub labels: Vec<(String, String)>,
    pub platform: Option<String>,
    /// `DOCKER_BUILDKIT=0`: the classic builder.
    pub legacy: bool,
    /// `-q`.
    pub quiet: bool,
    /// The context directory on the host (BuildKit sends only what changed since the last
    /// build of the same directory).
    pub context_dir: String,
    /// `--secret`: each secret's ID and value, for `RUN --mount=type=secret`.
    pub secrets: Vec<(String, String)>,
    /// `--no-cache-filter`: stages that do not use the cache.
    pub no_cache_filter: Vec<String>,
}

/// One thing a build reports, in the order it happens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A vertex started: its number (in order of first report, from 1) and name.
    Start { v: u32, name: String, at: SimTime },
    /// A vertex's sub-task (`transferring context:`, a layer download, `naming to …`).
    Status { v: u32, id: String, current: u64, total: u64, started: SimTime, done: Option<SimTime> },
    /// Output of a RUN step.
    Log { v: u32, at: SimTime, text: String },
    /// A build-check warning, shown under the vertex (`WARN: …`).
    Warn { v: u32, text: String },
    /// A vertex finished.
    End { v: u32, at: SimTime, cached: bool, error: Option<String> },
    /// The legacy builder's output stream (stdout).
    Stream(String),
}

/// How a build ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The image, and the references it was tagged with.
    Built { image_id: String, tags: Vec<String> },
    Failed(Failure),
}

/// A failed build, as buildx reports it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Failure {
    /// The message after `ERROR: failed to solve: ` (BuildKit) or the whole line (legacy).
    pub message: String,
    /// The Dockerfile excerpts to print before it.
    pub excerpt: String,
    /// The vertex that failed, whose logs buildx repeats between dashed rules.
    pub vertex: Option<u32>,
    /// The exit status of `docker build`.
    pub status: i32,
    /// The error is buildx's own (`ERROR: …` without `failed to solve: `).
    pub bare: bool,
}

/// Whether one step came from the cache, and why or why not, in a learner's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepReport {
    /// The step as the build output names it (`[2/5] COPY package.json .`).
    pub name: String,
    /// Its Dockerfile line.
    pub line: u32,
    pub cached: bool,
    pub reason: String,
}

/// What the daemon keeps of a build for `dockling why` and the web app.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuildReport {
    pub started: SimTime,
    /// The references it tagged (familiar form).
    pub tags: Vec<String>,
    pub image_id: Option<String>,
    pub legacy: bool,
    pub steps: Vec<StepReport>,
}

/// tonistiigi/units `%.2f` of a byte count, as BuildKit's progress prints sizes: `99B`,
/// `1.23kB`, `40.01MB`.
pub fn units_bytes(n: u64) -> String {
    const UNITS: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    let mut i = 0;
    let mut base: u64 = 1;
    while i + 1 < UNITS.len() && n / base >= 1000 {
        base *= 1000;
        i += 1;
    }
    if i == 0 {
        return format!("{n}B");
    }
    format!("{:.2}{}", n as f64 / base as f64, UNITS[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_as_buildkit_prints_them() {
        assert_eq!(units_bytes(2), "2B");
        assert_eq!(units_bytes(999), "999B");
        assert_eq!(units_bytes(1234), "1.23kB");
        assert_eq!(units_bytes(1500), "1.50kB");
        assert_eq!(units_bytes(40_010_000), "40.01MB");
        assert_eq!(units_bytes(3_640_000), "3.64MB");
    }
}

//! The simulated dockerd: images, layers, containers and their processes. Sans-IO: every call takes
//! the current virtual time (`now`) and returns data; nothing here reads a clock, draws from a
//! thread RNG or does I/O. The docker CLI (`crate::cli`) is its only client inside the crate.
//!
//! Calling order for a driver (the session): make calls as commands need them, then
//! `advance(now)` whenever time moves, and ask `next_wakeup()` for the next time anything happens.

mod archive;
mod build;
mod containers;
mod disk;
mod distribution;
mod exec;
mod images;
mod names;
mod net;
mod networks;
mod rng;
mod volumes;

use std::collections::BTreeMap;

use crate::vecmap::VecMap;

pub use containers::{AttachTarget, Attachment, Container, ContainerStatus, ExecProcess};
pub use exec::ExecConfig;
pub use build::{Build, BuildNews, CacheEntry, StepKind};
pub use archive::{apply_changes, CommitOptions, LoadMessage, ENGINE_VERSION};
pub use disk::{CacheRecord, DiskUsage};
pub use distribution::AuthConfig;
pub use images::Image;
pub use networks::{endpoint_id as networks_endpoint_id, natural_cmp, Endpoint, Network};
pub use rng::Rng;
pub use volumes::{content_size, parse_bind, Mount, Volume};

use crate::api::ServerVersion;
use crate::clock::SimTime;
use crate::registry::Hub;

/// The daemon's whole state.
#[derive(Clone, Debug)]
pub struct Daemon {
    rng: Rng,
    /// The seed the daemon was made with (the engine's ID derives from it).
    seed: u64,
    hub: Hub,
    /// Images by ID (`sha256:…`).
    images: VecMap<String, Image>,
    /// Tag and digest references (`docker.io/library/nginx:latest`, `…@sha256:…`) → image ID.
    refs: BTreeMap<String, String>,
    /// Layer chain IDs → how many images use them.
    layers: VecMap<String, u32>,
    /// Containers by 64-hex ID.
    containers: VecMap<String, Container>,
    /// Creation order, for `ps` (newest last).
    order: Vec<String>,
    attachments: VecMap<u64, Attachment>,
    next_attach: u64,
    next_pid: u32,
    /// Next ephemeral host port to try (`-P`, `-p 80`).
    next_port: u16,
    /// Volumes by name.
    volumes: VecMap<String, Volume>,
    /// Networks by ID.
    networks: VecMap<String, Network>,
    /// The build cache: each step's result by its cache key.
    build_cache: BTreeMap<String, CacheEntry>,
    /// Builds in progress, by handle.
    builds: VecMap<u64, Build>,
    next_build: u64,
    /// The last builds' reports (`dockling why`).
    build_reports: Vec<crate::build::BuildReport>,
    /// Base images BuildKit has downloaded (image IDs): later builds find them cached.
    build_bases: Vec<String>,
    /// The classic builder's cache: (parent image, command) → the image it made.
    legacy_cache: BTreeMap<String, String>,
    /// Per context directory, the checksums of the files BuildKit last received.
    context_seen: BTreeMap<String, BTreeMap<String, String>>,
    /// The file system of the machine the daemon runs on (the learner's host): bind mounts see
    /// it directly, as dockerd sees its machine's disk. The session's shell works on it too.
    pub host_fs: crate::vfs::Tree,
}

impl Daemon {
    /// A daemon with no images or containers, drawing IDs and names from `seed`.
    pub fn new(seed: u64, host_fs: crate::vfs::Tree, now: SimTime) -> Daemon {
        Daemon {
            networks: Daemon::predefined_networks(seed, now),
            host_fs,
            rng: Rng::new(seed),
            seed,
            hub: Hub::builtin(),
            images: VecMap::new(),
            refs: BTreeMap::new(),
            layers: VecMap::new(),
            containers: VecMap::new(),
            order: Vec::new(),
            attachments: VecMap::new(),
            next_attach: 1,
            next_pid: 1000,
            next_port: 32768,
            volumes: VecMap::new(),
            build_cache: BTreeMap::new(),
            builds: VecMap::new(),
            next_build: 1,
            build_reports: Vec::new(),
            build_bases: Vec::new(),
            legacy_cache: BTreeMap::new(),
            context_seen: BTreeMap::new(),
        }
    }

    /// The registries this daemon pulls from.
    pub fn hub(&self) -> &Hub {
        &self.hub
    }

    /// `GET /version`.
    pub fn version(&self) -> ServerVersion {
        ServerVersion {
            version: "28.2.2",
            api_version: "1.50",
            min_api_version: "1.24",
            go_version: "go1.24.3",
            git_commit: "45873be",
            built: "Fri May 30 12:07:26 2025",
            os: "linux",
            arch: "amd64",
            experimental: false,
            components: vec![
                (
                    "containerd",
                    "1.7.27",
                    "05044ec0a9a75232cad458027ca83437aae3f4da",
                ),
                ("runc", "1.2.5", "v1.2.5-0-g59923ef"),
                ("docker-init", "0.19.0", "de40ad0"),
            ],
        }
    }

    /// Runs everything that is due at or before `now`, in time order, each step at its own time.
    pub fn advance(&mut self, now: SimTime) {
        for _ in 0..100_000 {
            let Some(t) = self.next_wakeup().filter(|t| *t <= now) else {
                return;
            };
            let due: Vec<String> = self
                .containers
                .values()
                .filter(|c| Daemon::container_wakeup(c).is_some_and(|w| w <= t))
                .map(|c| c.id.clone())
                .collect();
            for id in due {
                self.step_due(&id, t);
            }
            self.builds_due(t);
        }
    }

    /// When the next process wants to run, if any.
    pub fn next_wakeup(&self) -> Option<SimTime> {
        let c = self.containers.values().filter_map(Daemon::container_wakeup).min();
        match (c, self.builds_wakeup()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

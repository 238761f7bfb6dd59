//! `RUN --mount`, as BuildKit's Dockerfile frontend (`convert_runmount.go`, `convert_secrets.go`,
//! `convert_ssh.go`) and its mount manager set them up: a mount covers its target while the step
//! runs and leaves nothing in the layer (BuildKit removes the mount points it had to create).
//! Cache mounts keep their content between steps and builds, under their ID; bind mounts show
//! the context, a stage or an image (read-only unless `rw`, and then writes are discarded);
//! tmpfs mounts start empty; secrets come from `docker build --secret`. What a mount contributes
//! to the step's cache key is its definition, plus what a bind mount shows, never a cache
//! mount's content or a secret's value.

use std::collections::BTreeMap;

use super::{stage_ref, Base, Build, Daemon};
use crate::build::context::{combined, digests};
use crate::clock::SimTime;
use crate::dockerfile::instructions::Run;
use crate::text::go_quote;
use crate::vfs::{normalize, Meta, Node, NodeKind, Tree};

/// A cache mount's directory, kept by the daemon across builds.
#[derive(Clone, Debug)]
pub struct CacheMount {
    pub root: Node,
    /// Its build-cache record (`docker system df -v`, `docker builder prune`).
    pub record: String,
    pub created: SimTime,
    pub last_used: SimTime,
    /// `cached mount /root/.cache from exec /bin/sh -c pip install …`.
    pub description: String,
}

/// One mount of a RUN step, ready to put in place.
#[derive(Clone, Debug)]
struct Planned {
    target: String,
    node: Node,
    read_only: bool,
    /// A cache mount: the ID its content is kept under, and its record's description.
    cache: Option<(String, String)>,
}

/// What a RUN step's mounts amount to before it runs.
#[derive(Clone, Debug, Default)]
pub(super) struct Prepared {
    mounts: Vec<Planned>,
    /// What the mounts add to the step's cache key.
    pub key: String,
    /// The files bind mounts show (path → checksum), for the cache's reasons.
    pub files: BTreeMap<String, String>,
    /// Secrets given as environment variables (`env=`): `NAME=value`.
    pub env: Vec<String>,
    /// An error computing the cache key (a bind source that is not there): (vertex, build).
    pub key_error: Option<(String, String)>,
    /// An error the step meets when it would run (a required secret that was not given).
    pub run_error: Option<String>,
}

impl Mounted {
    /// The cache ID, for a cache mount.
    pub(super) fn cache_id(&self) -> Option<&str> {
        self.cache.as_ref().map(|(id, _)| id.as_str())
    }
}

/// A mount in place while the step runs: how to take it away again.
#[derive(Clone, Debug)]
pub(super) struct Mounted {
    target: String,
    /// What the mount covered.
    saved: Option<Node>,
    /// Directories created for the mount point (deepest last): removed again when empty.
    stubs: Vec<String>,
    cache: Option<(String, String)>,
}

fn dir_node(mode: u32, uid: u32, gid: u32, now: SimTime) -> Node {
    Node { kind: NodeKind::Dir(Default::default()), meta: Meta { mode, uid, gid, mtime: now } }
}

/// The ID a cache mount keeps its content under: BuildKit's `"/" + id`, the ID defaulting to
/// `path.Clean(target)` (so `target=/c` is `//c` and `target=cache` is `/cache`).
pub(super) fn cache_id(m: &crate::dockerfile::instructions::Mount) -> String {
    let id = m.cache_id.clone().unwrap_or_else(|| {
        let t = m.target.as_deref().unwrap_or("");
        if t.starts_with('/') {
            clean(t)
        } else {
            clean(t).trim_start_matches('/').to_string()
        }
    });
    format!("/{id}")
}

/// `path.Clean` of an absolute path.
fn clean(p: &str) -> String {
    normalize("/", p)
}

fn basename(p: &str) -> &str {
    let t = p.trim_end_matches('/');
    t.rsplit('/').next().filter(|s| !s.is_empty()).unwrap_or("/")
}

impl Daemon {
    /// Works out stage `i`'s RUN mounts: an error here is the Dockerfile's (shown with its line).
    pub(super) fn prepare_mounts(&mut self, b: &Build, i: usize, run: &Run, workdir: &str, argv: &[String]) -> Result<Prepared, String> {
        let mut p = Prepared::default();
        let mut key = Vec::new();
        for m in &run.mounts {
            let def = format!(
                "{} target={:?} source={:?} from={:?} ro={} id={:?} sharing={:?} mode={:?} uid={:?} gid={:?} env={:?} required={} size={}",
                m.kind, m.target, m.source, m.from, m.read_only, m.cache_id, m.sharing, m.mode, m.uid, m.gid, m.env, m.required, m.size_limit
            );
            key.push(def);
            match m.kind.as_str() {
                "secret" => {
                    let id = m.source.clone().or(m.cache_id.clone()).or(m.target.as_deref().map(|t| basename(t).to_string())).unwrap_or_default();
                    if id.is_empty() {
                        return Err("one of source, target required".into());
                    }
                    let dest = match (&m.target, &m.env) {
                        (Some(t), _) => Some(t.clone()),
                        (None, None) => Some(format!("/run/secrets/{}", basename(&id))),
                        (None, Some(_)) => None,
                    };
                    let Some((_, value)) = b.req.secrets.iter().rev().find(|(k, _)| *k == id) else {
                        if m.required {
                            p.run_error.get_or_insert(format!("secret {id}: not found"));
                        }
                        continue;
                    };
                    if let Some(e) = &m.env {
                        p.env.push(format!("{e}={value}"));
                    }
                    if let Some(dest) = dest {
                        let meta = Meta { mode: m.mode.unwrap_or(0o400), uid: m.uid.unwrap_or(0), gid: m.gid.unwrap_or(0), mtime: b.t };
                        let node = Node { kind: NodeKind::File(std::sync::Arc::new(value.as_bytes().to_vec())), meta };
                        let target = Self::mount_target(&dest, workdir)?;
                        p.mounts.push(Planned { target, node, read_only: true, cache: None });
                    }
                }
                "ssh" => {
                    if m.source.is_some() {
                        return Err("ssh does not support source".into());
                    }
                    if m.required {
                        let id = m.cache_id.clone().unwrap_or_else(|| "default".into());
                        p.run_error.get_or_insert(format!("no SSH key {} forwarded from the client", go_quote(&id)));
                    }
                }
                "tmpfs" => {
                    let target = Self::mount_target(m.target.as_deref().unwrap_or(""), workdir)?;
                    p.mounts.push(Planned { target, node: dir_node(0o1777, 0, 0, b.t), read_only: m.read_only, cache: None });
                }
                kind => {
                    let target = Self::mount_target(m.target.as_deref().unwrap_or(""), workdir)?;
                    let source = clean(m.source.as_deref().unwrap_or("/"));
                    // Where a bind mount's (or a cache mount's first) content comes from.
                    let from_tree = match &m.from {
                        None if kind == "cache" => None,
                        None => Some(b.context.as_ref().map(|c| c.tree.clone()).unwrap_or_else(|| Tree::new(super::root_meta(SimTime(0))))),
                        Some(f) => Some(self.mount_source(b, i, f, m.target.as_deref().unwrap_or(""))?),
                    };
                    if kind == "cache" {
                        let id = cache_id(m);
                        let mut desc = format!("cached mount {target} from exec {}", argv.join(" "));
                        if id != target {
                            desc.push_str(&format!(" with id {}", go_quote(&id)));
                        }
                        let node = match self.cache_mounts.get(&id) {
                            Some(c) => c.root.clone(),
                            None => {
                                let seeded = from_tree.as_ref().and_then(|t| t.get(&source).cloned()).filter(|n| n.is_dir());
                                let fresh = dir_node(m.mode.unwrap_or(0o755), m.uid.unwrap_or(0), m.gid.unwrap_or(0), b.t);
                                seeded.unwrap_or(fresh)
                            }
                        };
                        p.mounts.push(Planned { target, node, read_only: m.read_only, cache: Some((id, desc)) });
                        continue;
                    }
                    let tree = from_tree.unwrap_or_else(|| Tree::new(super::root_meta(SimTime(0))));
                    let Some(node) = tree.get(&source).cloned() else {
                        if p.key_error.is_none() {
                            let id = self.cache_record_id(&format!("ref:{source}"));
                            let msg = format!("failed to calculate checksum of ref {}::{id}: \"{source}\": not found", self.engine_id());
                            p.key_error = Some((msg.clone(), format!("failed to compute cache key: {msg}")));
                        }
                        continue;
                    };
                    let mut files = BTreeMap::new();
                    digests(&node, &source, &mut files);
                    key.push(combined(&files));
                    if m.from.is_none() {
                        p.files.extend(files);
                    }
                    p.mounts.push(Planned { target, node, read_only: m.read_only, cache: None });
                }
            }
        }
        p.key = key.join("\n");
        Ok(p)
    }

    /// A mount's target: absolute, or below the working directory; never `/`.
    fn mount_target(target: &str, workdir: &str) -> Result<String, String> {
        let t = if target.starts_with('/') { clean(target) } else { normalize(&clean(workdir), target) };
        if t == "/" {
            return Err(format!("invalid mount target {}", go_quote(&t)));
        }
        Ok(t)
    }

    /// The files a `from=` mount shows: an earlier stage's, or an image's.
    fn mount_source(&self, b: &Build, i: usize, from: &str, target: &str) -> Result<Tree, String> {
        if let Some(j) = stage_ref(&b.df, from, i) {
            return Ok(b.stages[j].tree.clone());
        }
        if b.df.stages.iter().any(|s| s.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(from))) {
            return Err(format!("cannot mount from stage {} to {}, stage needs to be defined before current command", go_quote(from), go_quote(target)));
        }
        let full = crate::api::Reference::parse(from).map(|r| r.with_default_tag().full()).unwrap_or_else(|_| from.to_string());
        match self.resolve_base(&full, false)? {
            Base::Image { image, .. } => Ok(image.rootfs()),
            _ => Ok(Tree::new(super::root_meta(SimTime(0)))),
        }
    }

    /// Puts the mounts in place on `tree` (the step's root).
    pub(super) fn mount_all(p: &Prepared, tree: &mut Tree) -> Vec<Mounted> {
        let mut out = Vec::new();
        for m in &p.mounts {
            let saved = tree.get(&m.target).cloned();
            let mut stubs = Vec::new();
            let mut at = String::new();
            for seg in m.target.split('/').filter(|s| !s.is_empty()) {
                at.push('/');
                at.push_str(seg);
                if tree.get(&at).is_none() {
                    stubs.push(at.clone());
                }
            }
            let parent_meta = Meta { mode: 0o755, uid: 0, gid: 0, mtime: m.node.meta.mtime };
            let _ = tree.graft(&m.target, m.node.clone(), &parent_meta);
            if m.read_only {
                tree.set_readonly(&m.target);
            }
            out.push(Mounted { target: m.target.clone(), saved, stubs, cache: m.cache.clone() });
        }
        out
    }

    /// Takes the mounts away again (last first): what a cache mount holds now is kept for the
    /// next step that mounts its ID.
    pub(super) fn unmount_all(&mut self, mounted: Vec<Mounted>, tree: &mut Tree, now: SimTime) {
        for m in mounted.into_iter().rev() {
            tree.set_writable(&m.target);
            if let Some((id, description)) = m.cache {
                if let Some(node) = tree.get(&m.target).cloned() {
                    let record = match self.cache_mounts.get(&id) {
                        Some(c) => c.record.clone(),
                        None => self.cache_record_id(&format!("cache mount {id}")),
                    };
                    let created = self.cache_mounts.get(&id).map(|c| c.created).unwrap_or(now);
                    self.cache_mounts.insert(id, CacheMount { root: node, record, created, last_used: now, description });
                }
            }
            match m.saved {
                Some(node) => {
                    let _ = tree.graft(&m.target, node, &Meta { mode: 0o755, uid: 0, gid: 0, mtime: now });
                }
                None => {
                    let _ = tree.remove(&m.target, true);
                }
            }
            for stub in m.stubs.iter().rev() {
                let empty = tree.get(stub).is_some_and(|n| matches!(&n.kind, NodeKind::Dir(e) if e.is_empty()));
                if empty && *stub != m.target {
                    let _ = tree.remove(stub, false);
                }
            }
        }
    }
}

//! Volumes and mounts: named and anonymous volumes (the `local` driver), bind mounts of host
//! paths, tmpfs. A container sees a mount's content grafted at its destination; before a
//! container runs the daemon pulls each mount's current content in (so a file edited on the host
//! is seen at once) and afterwards pushes what the container changed back out. Wording follows
//! moby v28 `volume/mounts/linux_parser.go`, `volume/local/local.go`, `daemon/volumes.go`.

use std::collections::BTreeMap;

use super::Daemon;
use crate::api::{ApiError, Filters, MountSpec, MountType};
use crate::clock::SimTime;
use crate::vfs::{normalize, Meta, Node, NodeKind, Tree};

/// A volume of the `local` driver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Volume {
    pub name: String,
    pub created: SimTime,
    /// `None` when created implicitly by a mount (inspect shows `null`).
    pub labels: Option<BTreeMap<String, String>>,
    pub options: Option<BTreeMap<String, String>>,
    /// Created for a container (`-v /path`, an image's VOLUME) rather than by name; such volumes
    /// carry the `com.docker.volume.anonymous` label.
    pub anonymous: bool,
    /// The volume's content: a directory.
    pub data: Node,
    /// Whether it has been mounted and filled from an image yet (copy-up happens once).
    pub(super) initialized: bool,
}

impl Volume {
    pub fn mountpoint(&self) -> String {
        format!("/var/lib/docker/volumes/{}/_data", self.name)
    }
}

/// A mount of a container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    pub kind: MountType,
    /// The volume's name (volumes), the host path (binds); empty for tmpfs.
    pub source: String,
    pub destination: String,
    pub rw: bool,
    /// `-v` spec as given (`HostConfig.Binds`), if it came from `-v`.
    pub bind_spec: Option<String>,
    /// `Mode` as inspect shows it (`z` for volumes from `-v`, `ro`…).
    pub mode: String,
}

fn dir_node(meta: Meta) -> Node {
    Node {
        kind: NodeKind::Dir(Default::default()),
        meta,
    }
}

fn root_meta(mode: u32, now: SimTime) -> Meta {
    Meta {
        mode,
        uid: 0,
        gid: 0,
        mtime: now,
    }
}

/// `[a-zA-Z0-9][a-zA-Z0-9_.-]` (`names.RestrictedNameChars`), at least two characters.
fn valid_volume_name(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() >= 2
        && b[0].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

fn invalid_name(name: &str) -> ApiError {
    ApiError::bad_request(format!(
        "create {name}: \"{name}\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path"
    ))
}

/// `ParseMountRaw` for a `-v` spec (already made absolute for `./` paths by the CLI).
pub fn parse_bind(raw: &str) -> Result<MountSpec, ApiError> {
    let invalid = || ApiError::bad_request(format!("invalid volume specification: '{raw}'"));
    let parts: Vec<&str> = raw.splitn(4, ':').collect();
    if parts[0].is_empty() {
        return Err(invalid());
    }
    let valid_mode = |m: &str| {
        m.is_empty() || m.split(',').all(|o| {
            matches!(
                o,
                "ro" | "rw" | "z" | "Z" | "nocopy" | "shared" | "rshared" | "slave" | "rslave"
                    | "private" | "rprivate" | "consistent" | "cached" | "delegated" | "delegate"
            )
        })
    };
    let (source, target, mode) = match parts.as_slice() {
        [t] => ("", *t, ""),
        [s, t] => {
            if valid_mode(t) {
                return Err(invalid());
            }
            (*s, *t, "")
        }
        [s, t, m] => (*s, *t, *m),
        _ => return Err(invalid()),
    };
    if !valid_mode(mode) {
        return Err(ApiError::bad_request(format!("invalid mode: {mode}")));
    }
    let kind = if source.starts_with('/') {
        MountType::Bind
    } else {
        MountType::Volume
    };
    let read_only = mode.split(',').any(|o| o == "ro");
    if !target.starts_with('/') {
        let t = if kind == MountType::Bind { "bind" } else { "volume" };
        return Err(ApiError::bad_request(format!(
            "{}: invalid mount config for type \"{t}\": invalid mount path: '{target}' mount path must be absolute",
            invalid().message
        )));
    }
    if target == "/" {
        return Err(ApiError::bad_request(format!(
            "{}: invalid mount config for type \"bind\": invalid specification: destination can't be '/'",
            invalid().message
        )));
    }
    Ok(MountSpec {
        kind,
        source: source.to_string(),
        target: target.to_string(),
        read_only,
        mode: mode.to_string(),
        from_bind: true,
    })
}

impl Daemon {
    /// `POST /volumes/create`: the name (generated when none is given). Creating an existing
    /// volume is not an error.
    pub fn volume_create(
        &mut self,
        name: Option<&str>,
        labels: Option<BTreeMap<String, String>>,
        options: Option<BTreeMap<String, String>>,
        now: SimTime,
    ) -> Result<String, ApiError> {
        let name = match name {
            Some(n) if !valid_volume_name(n) => return Err(invalid_name(n)),
            Some(n) => n.to_string(),
            None => self.rng.hex_id(),
        };
        if !self.volumes.contains_key(&name) {
            self.volumes.insert(
                name.clone(),
                Volume {
                    name: name.clone(),
                    created: now,
                    labels,
                    options,
                    anonymous: false,
                    data: dir_node(root_meta(0o755, now)),
                    initialized: false,
                },
            );
        }
        Ok(name)
    }

    fn anonymous_volume(&mut self, now: SimTime) -> String {
        let name = self.rng.hex_id();
        self.volumes.insert(
            name.clone(),
            Volume {
                name: name.clone(),
                created: now,
                labels: Some([("com.docker.volume.anonymous".to_string(), String::new())].into_iter().collect()),
                options: None,
                anonymous: true,
                data: dir_node(root_meta(0o755, now)),
                initialized: false,
            },
        );
        name
    }

    /// `GET /volumes/{name}`.
    pub fn volume(&self, name: &str) -> Result<&Volume, ApiError> {
        self.volumes
            .get(name)
            .ok_or_else(|| ApiError::not_found(format!("get {name}: no such volume")))
    }

    /// The containers (IDs, in creation order) that mount a volume.
    pub fn volume_users(&self, name: &str) -> Vec<String> {
        self.containers()
            .filter(|c| {
                c.mounts
                    .iter()
                    .any(|m| m.kind == MountType::Volume && m.source == name)
            })
            .map(|c| c.id.clone())
            .collect()
    }

    /// `GET /volumes`: in name order.
    pub fn volume_list(&self, filters: &Filters) -> Result<Vec<&Volume>, ApiError> {
        filters.validate(&["dangling", "name", "driver", "label"])?;
        let dangling = if filters.contains("dangling") {
            Some(filters.bool_or("dangling", false)?)
        } else {
            None
        };
        let names = filters.get("name");
        let drivers = filters.get("driver");
        Ok(self
            .volumes
            .values()
            .filter(|v| dangling.is_none_or(|d| d == self.volume_users(&v.name).is_empty()))
            .filter(|v| names.is_empty() || names.iter().any(|n| v.name.contains(n)))
            .filter(|_| drivers.is_empty() || drivers.contains(&"local"))
            .filter(|v| filters.match_labels("label", v.labels.as_ref().unwrap_or(&BTreeMap::new())))
            .collect())
    }

    /// `DELETE /volumes/{name}`.
    pub fn volume_remove(&mut self, name: &str, force: bool) -> Result<(), ApiError> {
        if !self.volumes.contains_key(name) {
            if force {
                return Ok(());
            }
            return Err(ApiError::not_found(format!("get {name}: no such volume")));
        }
        let users = self.volume_users(name);
        if !users.is_empty() {
            return Err(ApiError::conflict(format!(
                "remove {name}: volume is in use - [{}]",
                users.join(", ")
            )));
        }
        self.volumes.remove(name);
        Ok(())
    }

    /// `POST /volumes/prune`: unused anonymous volumes (all unused ones with `all=true`).
    pub fn volume_prune(&mut self, filters: &Filters) -> Result<(Vec<String>, u64), ApiError> {
        filters.validate(&["label", "label!", "all"])?;
        let all = filters.bool_or("all", false)?;
        let gone: Vec<String> = self
            .volumes
            .values()
            .filter(|v| all || v.anonymous)
            .filter(|v| self.volume_users(&v.name).is_empty())
            .filter(|v| {
                let empty = BTreeMap::new();
                let labels = v.labels.as_ref().unwrap_or(&empty);
                filters.match_labels("label", labels)
                    && !(filters.contains("label!") && filters.match_labels("label!", labels))
            })
            .map(|v| v.name.clone())
            .collect();
        let mut reclaimed = 0;
        for n in &gone {
            if let Some(v) = self.volumes.remove(n) {
                reclaimed += content_size(&v.data);
            }
        }
        Ok((gone, reclaimed))
    }

    /// Resolves a container's mounts at create: `-v`/`--mount` specs and the image's VOLUMEs
    /// (anonymous volumes), creating named volumes and missing `-v` host directories as dockerd
    /// does.
    pub(super) fn create_mounts(
        &mut self,
        specs: &[MountSpec],
        image_volumes: &[String],
        now: SimTime,
    ) -> Result<Vec<Mount>, ApiError> {
        let mut mounts: Vec<Mount> = Vec::new();
        for s in specs {
            let dest = normalize("/", &s.target);
            if mounts.iter().any(|m| m.destination == dest) {
                return Err(ApiError::bad_request(format!("Duplicate mount point: {dest}")));
            }
            // `-v /path` (anonymous) is a volume of the config, not a bind (`HostConfig.Binds`).
            let bind_spec = (s.from_bind && !s.source.is_empty()).then(|| {
                if s.mode.is_empty() {
                    format!("{}:{}", s.source, s.target)
                } else {
                    format!("{}:{}:{}", s.source, s.target, s.mode)
                }
            });
            let (source, mode) = match s.kind {
                MountType::Volume => {
                    let name = if s.source.is_empty() {
                        self.anonymous_volume(now)
                    } else {
                        self.volume_create(Some(&s.source), None, None, now)?
                    };
                    let mode = if s.from_bind && !s.source.is_empty() && s.mode.is_empty() {
                        "z".to_string()
                    } else {
                        s.mode.clone()
                    };
                    (name, mode)
                }
                MountType::Bind => {
                    let src = normalize("/", &s.source);
                    if self.host_fs.get(&src).is_none() {
                        if !s.from_bind {
                            return Err(ApiError::bad_request(format!(
                                "invalid mount config for type \"bind\": bind source path does not exist: {src}"
                            )));
                        }
                        let _ = self.host_fs.mkdir(&src, true, &root_meta(0o755, now));
                    }
                    (src, s.mode.clone())
                }
                MountType::Tmpfs => (String::new(), String::new()),
            };
            mounts.push(Mount {
                kind: s.kind,
                source,
                destination: dest,
                rw: !s.read_only,
                bind_spec,
                mode,
            });
        }
        for v in image_volumes {
            let dest = normalize("/", v);
            if mounts.iter().any(|m| m.destination == dest) {
                continue;
            }
            let name = self.anonymous_volume(now);
            mounts.push(Mount {
                kind: MountType::Volume,
                source: name,
                destination: dest,
                rw: true,
                bind_spec: None,
                mode: String::new(),
            });
        }
        Ok(mounts)
    }

    /// Grafts each mount's current content into a container's root file system (copying the
    /// image's files into a volume the first time it is mounted empty).
    pub(super) fn mounts_in(&mut self, id: &str) {
        let Some(c) = self.containers.get_mut(id) else { return };
        if c.mounts.is_empty() {
            return;
        }
        let now = c.created;
        for m in &c.mounts {
            let node = match m.kind {
                MountType::Volume => {
                    let Some(v) = self.volumes.get_mut(&m.source) else { continue };
                    if !v.initialized {
                        v.initialized = true;
                        let empty = matches!(&v.data.kind, NodeKind::Dir(e) if e.is_empty());
                        if empty {
                            if let Some(img) = c.base.get(&m.destination).filter(|n| n.is_dir()) {
                                v.data = img.clone();
                            }
                        }
                    }
                    v.data.clone()
                }
                MountType::Bind => match self.host_fs.get(&m.source) {
                    Some(n) => n.clone(),
                    None => continue,
                },
                MountType::Tmpfs => match c.rootfs.get(&m.destination) {
                    Some(n) if n.is_dir() => continue,
                    _ => dir_node(root_meta(0o1777, now)),
                },
            };
            let _ = c.rootfs.graft(&m.destination, node, &root_meta(0o755, now));
            if !m.rw {
                c.rootfs.set_readonly(&m.destination);
            }
        }
    }

    /// Copies what a container changed under its writable mounts back to the volumes and the
    /// host.
    pub(super) fn mounts_out(&mut self, id: &str) {
        let Some(c) = self.containers.get(id) else { return };
        for m in c.mounts.iter().filter(|m| m.rw) {
            let Some(node) = c.rootfs.get(&m.destination).cloned() else { continue };
            match m.kind {
                MountType::Volume => {
                    if let Some(v) = self.volumes.get_mut(&m.source) {
                        v.data = node;
                    }
                }
                MountType::Bind => {
                    if self.host_fs.get(&m.source) != Some(&node) {
                        let meta = root_meta(0o755, node.meta.mtime);
                        let _ = self.host_fs.graft(&m.source, node, &meta);
                    }
                }
                MountType::Tmpfs => {}
            }
        }
    }

    /// A container's file system without its mounts, as its writable layer sees it (`docker
    /// diff`, `commit`, `export`): each mount point holds what the image had there, or an empty
    /// directory Docker created for it.
    pub fn container_layer_view(&self, id: &str) -> Option<Tree> {
        let c = self.containers.get(id)?;
        let mut t = c.rootfs.clone();
        for m in &c.mounts {
            let node = c
                .base
                .get(&m.destination)
                .cloned()
                .unwrap_or_else(|| dir_node(root_meta(0o755, c.created)));
            let _ = t.graft(&m.destination, node, &root_meta(0o755, c.created));
        }
        Some(t)
    }

    /// A container's file system as its processes see it now, mounts included (`docker cp`).
    pub fn container_view(&mut self, name: &str) -> Result<Tree, ApiError> {
        let id = self.resolve_container(name)?;
        self.mounts_in(&id);
        self.containers
            .get(&id)
            .map(|c| c.rootfs.clone())
            .ok_or_else(|| ApiError::no_such_container(name))
    }

    /// Replaces a container's file system after `docker cp` into it, and writes through its mounts.
    pub fn container_write_view(&mut self, name: &str, tree: Tree) -> Result<(), ApiError> {
        let id = self.resolve_container(name)?;
        if let Some(c) = self.containers.get_mut(&id) {
            c.rootfs = tree;
        }
        self.mounts_out(&id);
        Ok(())
    }

    /// Removes a container's anonymous volumes (`docker rm -v`, `--rm`).
    pub(super) fn remove_anonymous_volumes(&mut self, mounts: &[Mount]) {
        for m in mounts.iter().filter(|m| m.kind == MountType::Volume) {
            if self.volumes.get(&m.source).is_some_and(|v| v.anonymous)
                && self.volume_users(&m.source).is_empty()
            {
                self.volumes.remove(&m.source);
            }
        }
    }
}

/// Bytes of file content under a node.
pub fn content_size(n: &Node) -> u64 {
    match &n.kind {
        NodeKind::File(d) => d.len() as u64,
        NodeKind::Symlink(_) => 0,
        NodeKind::Dir(e) => e.values().map(content_size).sum(),
    }
}

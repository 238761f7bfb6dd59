//! `GET /system/df` and the build cache's records (`docker system df`, `builder prune`).

use super::Daemon;
use crate::api::{ContainerListOptions, ContainerSummary, ImageListOptions, ImageSummary};
use crate::clock::SimTime;

/// A build cache record (`build.CacheRecord`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheRecord {
    pub id: String,
    /// `regular`, `source.local`, `exec.cachemount`…
    pub kind: String,
    pub size: u64,
    pub created: SimTime,
    pub last_used: SimTime,
    pub usage: u32,
    pub shared: bool,
    pub in_use: bool,
    pub description: String,
    /// A cache mount's directory, which steps write to.
    pub mutable: bool,
    /// The records it was built on (`Parent:` in `docker builder du --verbose`).
    pub parents: Vec<String>,
}

/// What `GET /system/df` answers.
#[derive(Clone, Debug, Default)]
pub struct DiskUsage {
    /// Bytes of every layer in the store, each counted once.
    pub layers_size: u64,
    pub images: Vec<ImageSummary>,
    pub containers: Vec<ContainerSummary>,
    /// (volume, bytes, containers using it).
    pub volumes: Vec<(super::Volume, u64, usize)>,
    pub build_cache: Vec<CacheRecord>,
}

impl Daemon {
    /// `GET /system/df`.
    pub fn disk_usage(&self, now: SimTime) -> DiskUsage {
        let images = self
            .image_list(
                &ImageListOptions {
                    all: true,
                    container_count: true,
                    shared_size: true,
                    ..ImageListOptions::default()
                },
                now,
            )
            .unwrap_or_default();
        let mut seen: Vec<&str> = Vec::new();
        let mut layers_size = 0;
        for img in self.images.values() {
            for (chain, layer) in img.chain_ids.iter().zip(&img.data.layers) {
                if !seen.contains(&chain.as_str()) {
                    seen.push(chain);
                    layers_size += layer.size;
                }
            }
        }
        let mut containers = self
            .container_list(
                &ContainerListOptions {
                    all: true,
                    limit: -1,
                    size: true,
                    filters: Vec::new(),
                },
                now,
            )
            .unwrap_or_default();
        for c in &mut containers {
            c.size_rw = Some(self.container_size_rw(&c.id) as i64);
        }
        let volumes = self
            .volumes
            .values()
            .map(|v| (v.clone(), super::content_size(&v.data), self.volume_users(&v.name).len()))
            .collect();
        DiskUsage {
            layers_size,
            images,
            containers,
            volumes,
            build_cache: self.build_cache_records(),
        }
    }

    /// Bytes a container's writable layer holds.
    pub fn container_size_rw(&self, id: &str) -> u64 {
        let Some(c) = self.containers.get(id) else { return 0 };
        let layer = self.container_layer_view(id).unwrap_or_else(|| c.rootfs.clone());
        crate::vfs::Layer::diff(&c.base, &layer).content_size()
    }

    /// The build cache as `GET /system/df` lists it: one record per step result, and one per
    /// base image BuildKit downloaded.
    pub fn build_cache_records(&self) -> Vec<CacheRecord> {
        let in_images = |e: &super::CacheEntry| {
            e.layer.as_ref().is_some_and(|l| self.images.values().any(|img| img.data.layers.iter().any(|x| x.diff_id == l.diff_id)))
        };
        let mut out: Vec<CacheRecord> = self
            .build_cache
            .values()
            .map(|e| {
                let size = e.size;
                CacheRecord {
                    id: e.record.clone(),
                    kind: "regular".into(),
                    size,
                    created: e.created,
                    last_used: e.last_used,
                    usage: 1,
                    shared: in_images(e),
                    in_use: false,
                    description: e.description.clone(),
                    mutable: false,
                    parents: self.build_cache.get(&e.parent).map(|p| p.record.clone()).into_iter().collect(),
                }
            })
            .collect();
        for c in self.cache_mounts.values() {
            out.push(CacheRecord {
                id: c.record.clone(),
                kind: "exec.cachemount".into(),
                size: crate::daemon::content_size(&c.root),
                created: c.created,
                last_used: c.last_used,
                usage: 1,
                shared: false,
                in_use: false,
                description: c.description.clone(),
                mutable: true,
                parents: Vec::new(),
            });
        }
        out.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.id.cmp(&b.id)));
        out
    }

    /// `POST /build/prune`: unused build cache (all of it with `all`); the IDs and bytes freed.
    pub fn build_cache_prune(&mut self, all: bool) -> (Vec<String>, u64) {
        let records = self.build_cache_records();
        let gone: Vec<&CacheRecord> = records.iter().filter(|r| !r.in_use && (all || !r.shared)).collect();
        let ids: Vec<String> = gone.iter().map(|r| r.id.clone()).collect();
        let bytes = gone.iter().map(|r| r.size).sum();
        let keys: Vec<String> = self.build_cache.iter().filter(|(_, e)| ids.contains(&e.record)).map(|(k, _)| k.clone()).collect();
        self.cache_mounts.retain(|_, c| !ids.contains(&c.record));
        for k in keys {
            if let Some(e) = self.build_cache.remove(&k) {
                if e.kind == super::StepKind::From {
                    if let Some(id) = e.env.first() {
                        self.build_bases.retain(|b| b != id);
                    }
                }
            }
        }
        (ids, bytes)
    }
}

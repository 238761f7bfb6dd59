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
            build_cache: self.build_cache.clone(),
        }
    }

    /// Bytes a container's writable layer holds.
    pub fn container_size_rw(&self, id: &str) -> u64 {
        let Some(c) = self.containers.get(id) else { return 0 };
        let layer = self.container_layer_view(id).unwrap_or_else(|| c.rootfs.clone());
        crate::vfs::Layer::diff(&c.base, &layer).content_size()
    }

    /// `POST /build/prune`: unused build cache (all of it with `all`); the IDs and bytes freed.
    pub fn build_cache_prune(&mut self, all: bool) -> (Vec<String>, u64) {
        let (gone, kept): (Vec<CacheRecord>, Vec<CacheRecord>) = std::mem::take(&mut self.build_cache)
            .into_iter()
            .partition(|r| !r.in_use && (all || !r.shared));
        self.build_cache = kept;
        let bytes = gone.iter().map(|r| r.size).sum();
        (gone.into_iter().map(|r| r.id).collect(), bytes)
    }
}

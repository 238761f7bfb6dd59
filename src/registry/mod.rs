//! The built-in Docker Hub: a catalog of official images (data in `catalog.json`) turned into
//! content-addressed manifests, configs and layers. Pure: lookups only.

mod catalog;
pub mod rootfs;

use std::sync::Arc;

pub use catalog::{CatalogFile, ImageConfig};

use crate::clock::SimTime;

/// A layer as a registry serves it.
#[derive(Debug, PartialEq, Eq)]
pub struct Layer {
    /// sha256 of the uncompressed content (`rootfs.diff_ids`).
    pub diff_id: String,
    /// sha256 of the blob as pulled; its short form names the layer in pull output.
    pub blob_digest: String,
    pub size: u64,
    pub files: Vec<CatalogFile>,
}

/// An image: its config (whose digest is the image ID) and layers.
#[derive(Debug, PartialEq, Eq)]
pub struct ImageData {
    /// `sha256:…` of the canonical config JSON.
    pub id: String,
    pub created: SimTime,
    pub config: ImageConfig,
    /// `created_by` of each history entry.
    pub history: Vec<String>,
    pub layers: Vec<Arc<Layer>>,
    /// The OS family whose base layout the root file system has (`busybox`, `debian`, `scratch`…).
    pub os: String,
}

impl ImageData {
    /// Sum of the layer sizes, as `docker images` shows it.
    pub fn size(&self) -> u64 {
        self.layers.iter().map(|l| l.size).sum()
    }

    /// The image's root file system.
    pub fn rootfs(&self) -> crate::vfs::Tree {
        let files: Vec<&CatalogFile> = self.layers.iter().flat_map(|l| l.files.iter()).collect();
        rootfs::build(&self.os, &files, self.created)
    }
}

/// What a tag points at: a manifest and its image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    /// `sha256:…` of the canonical manifest JSON (the repo digest).
    pub digest: String,
    pub image: Arc<ImageData>,
}

/// A repository on a registry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Repository {
    pub description: String,
    pub stars: u32,
    pub official: bool,
    pub tags: crate::vecmap::VecMap<String, Manifest>,
}

/// Every registry the simulation knows, keyed by `domain/path` (`docker.io/library/nginx`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hub {
    repos: crate::vecmap::VecMap<String, Repository>,
}

impl Hub {
    /// Docker Hub with the built-in catalog.
    pub fn builtin() -> Hub {
        Hub {
            repos: catalog::load(),
        }
    }

    /// The repository at `domain/path`.
    pub fn repository(&self, full_name: &str) -> Option<&Repository> {
        self.repos.get(full_name)
    }

    /// The manifest a tag or digest points to.
    pub fn resolve(
        &self,
        full_name: &str,
        tag: Option<&str>,
        digest: Option<&str>,
    ) -> Option<&Manifest> {
        let repo = self.repos.get(full_name)?;
        match digest {
            Some(d) => repo.tags.values().find(|m| m.digest == d),
            None => repo.tags.get(tag.unwrap_or("latest")),
        }
    }

    /// All repositories, in name order.
    pub fn repositories(&self) -> impl Iterator<Item = (&String, &Repository)> {
        self.repos.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_digests_are_stable_and_shared_by_tags() {
        let hub = Hub::builtin();
        let a = hub
            .resolve("docker.io/library/busybox", Some("latest"), None)
            .unwrap();
        let b = hub
            .resolve("docker.io/library/busybox", Some("1.37"), None)
            .unwrap();
        assert_eq!(a.digest, b.digest);
        assert!(Arc::ptr_eq(&a.image, &b.image));
        assert_eq!(Hub::builtin(), hub);
        let hello = hub
            .resolve("docker.io/library/hello-world", None, None)
            .unwrap();
        assert_eq!(hello.image.size(), 10_072);
        assert_eq!(
            hello.image.config.cmd.as_deref(),
            Some(&["/hello".to_string()][..])
        );
        assert!(hub
            .resolve("docker.io/library/hello-world", None, Some(&hello.digest))
            .is_some());
    }
}

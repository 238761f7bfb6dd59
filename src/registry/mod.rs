//! The registries the simulation knows: Docker Hub with the built-in catalog of official images
//! (data in `catalog.json`) and whatever learners push, plus private registries by host
//! (`localhost:5000`, `registry.example.com`). Pure data and lookups; the daemon decides who
//! may read and write.

mod catalog;
#[cfg(test)]
mod catalog_tests;
mod image;
pub mod rootfs;

use std::sync::Arc;

pub use image::{health_json, History, ImageConfig, ImageData, Layer, Manifest};

use crate::vecmap::VecMap;

/// A repository on a registry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Repository {
    pub description: String,
    pub stars: u32,
    pub official: bool,
    pub tags: VecMap<String, Manifest>,
    /// For repositories on a registry served by a container (`registry:2` on `localhost:5000`):
    /// that container's ID. Its data goes when the container does.
    pub owner: Option<String>,
}

/// A repository `docker search` knows without the catalog having its images (community images).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchResult {
    pub name: String,
    pub description: String,
    pub stars: u32,
    pub official: bool,
}

/// Every repository of every registry, keyed by `domain/path` (`docker.io/library/nginx`,
/// `localhost:5000/app`): the built-in catalog (shared, built on first use) and what was pushed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hub {
    /// Repositories created by pushes.
    repos: VecMap<String, Repository>,
    /// Manifests pushed by digest only, or whose tag moved on (still pullable by digest).
    untagged: VecMap<String, Vec<Manifest>>,
}

impl Default for Hub {
    fn default() -> Hub {
        Hub::builtin()
    }
}

impl Hub {
    /// Docker Hub with the built-in catalog.
    pub fn builtin() -> Hub {
        Hub {
            repos: VecMap::new(),
            untagged: VecMap::new(),
        }
    }

    /// The repository at `domain/path`.
    pub fn repository(&self, full_name: &str) -> Option<&Repository> {
        self.repos
            .get(full_name)
            .or_else(|| catalog::catalog().repository(full_name))
    }

    /// The manifest a tag or digest points to.
    pub fn resolve(
        &self,
        full_name: &str,
        tag: Option<&str>,
        digest: Option<&str>,
    ) -> Option<&Manifest> {
        let repo = self.repository(full_name)?;
        match digest {
            Some(d) => repo.tags.values().find(|m| m.digest == d).or_else(|| {
                self.untagged
                    .get(full_name)
                    .and_then(|v| v.iter().find(|m| m.digest == d))
            }),
            None => repo.tags.get(tag.unwrap_or("latest")),
        }
    }

    /// Every repository `docker search` can find: catalog entries and pushed repositories.
    pub fn search_entries(&self) -> Vec<(String, SearchResult)> {
        let mut out: Vec<(String, SearchResult)> = catalog::catalog().entries.clone();
        for (name, r) in self.repos.iter() {
            if let Some(path) = name.strip_prefix("docker.io/") {
                out.push((
                    name.clone(),
                    SearchResult {
                        name: path.to_string(),
                        description: r.description.clone(),
                        stars: r.stars,
                        official: false,
                    },
                ));
            }
        }
        out
    }

    /// Community repositories `docker search` lists besides the catalog's.
    pub fn search_extra(&self) -> impl Iterator<Item = &SearchResult> {
        catalog::catalog().search.iter()
    }

    /// Whether any repository of the registry at `domain` (that has been used) holds a layer with
    /// this blob digest; the first such repository's path (for `Mounted from …`).
    pub fn repository_with_blob(&self, domain: &str, blob: &str) -> Option<&str> {
        let prefix = format!("{domain}/");
        self.repos
            .iter()
            .chain(catalog::catalog().built())
            .find_map(|(name, repo)| {
                let path = name.strip_prefix(&prefix)?;
                repo.tags
                    .values()
                    .any(|m| m.image.layers.iter().any(|l| l.blob_digest == blob))
                    .then_some(path)
            })
    }

    /// Stores a pushed image under `full_name:tag` (creating the repository).
    pub fn push(
        &mut self,
        full_name: &str,
        tag: Option<&str>,
        image: Arc<ImageData>,
        owner: Option<String>,
    ) -> Manifest {
        let m = Manifest::of(image);
        let repo = self
            .repos
            .get_or_insert_with(full_name.to_string(), || Repository {
                owner,
                ..Repository::default()
            });
        match tag {
            Some(t) => {
                if let Some(old) = repo.tags.insert(t.to_string(), m.clone()) {
                    if old.digest != m.digest {
                        self.untagged
                            .get_or_insert_with(full_name.to_string(), Vec::new)
                            .push(old);
                    }
                }
            }
            None => self
                .untagged
                .get_or_insert_with(full_name.to_string(), Vec::new)
                .push(m.clone()),
        }
        m
    }

    /// The repositories a registry container serves: (path on that registry, tags).
    pub fn owned_by(&self, owner: &str) -> Vec<(String, Vec<String>)> {
        self.repos
            .iter()
            .filter(|(_, r)| r.owner.as_deref() == Some(owner))
            .map(|(name, r)| {
                let path = name.split_once('/').map(|(_, p)| p).unwrap_or(name);
                (path.to_string(), r.tags.keys().cloned().collect())
            })
            .collect()
    }

    /// Forgets the repositories a registry container served.
    pub fn drop_owned_by(&mut self, owner: &str) {
        let gone: Vec<String> = self
            .repos
            .iter()
            .filter(|(_, r)| r.owner.as_deref() == Some(owner))
            .map(|(k, _)| k.clone())
            .collect();
        for k in gone {
            self.repos.remove(&k);
            self.untagged.remove(&k);
        }
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
        let rootfs = hello.image.rootfs();
        assert!(rootfs.get("/hello").is_some());
    }
}

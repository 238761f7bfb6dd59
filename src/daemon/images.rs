//! The classic (graphdriver) image store: images by ID, tag and digest references, layer refcounts.
//! Wording of every error follows moby `daemon/images/image_delete.go` and `image_pull.go`.

use std::sync::Arc;

use super::Daemon;
use crate::api::{ApiError, ImageDeleteItem, ImageSummary, ProgressMessage, Reference};
use crate::clock::SimTime;
use crate::registry::ImageData;
use crate::vfs::{sha256_digest, short_id};

/// A local image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    pub data: Arc<ImageData>,
    /// The root file system every container of this image starts from (shared, copy-on-write).
    pub rootfs: crate::vfs::Tree,
    /// Layer chain IDs, bottom first.
    pub chain_ids: Vec<String>,
}

impl Image {
    pub fn id(&self) -> &str {
        &self.data.id
    }
}

/// `ChainID`s of a diff ID stack (`layer.CreateChainID`).
fn chain_ids(data: &ImageData) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(data.layers.len());
    for layer in &data.layers {
        let chain = match out.last() {
            None => layer.diff_id.clone(),
            Some(parent) => sha256_digest(format!("{parent} {}", layer.diff_id).as_bytes()),
        };
        out.push(chain);
    }
    out
}

const MAX_CONCURRENT_DOWNLOADS: usize = 3;

impl Daemon {
    /// `POST /images/create?fromImage=…`: pulls `r` (tag defaulted by the caller) from the Hub and
    /// returns the progress stream.
    pub fn image_pull(
        &mut self,
        r: &Reference,
        _now: SimTime,
    ) -> Result<Vec<ProgressMessage>, ApiError> {
        let full_name = r.full_name();
        let repo = self.hub.repository(&full_name);
        let manifest = match repo {
            None => {
                return Err(ApiError::not_found(format!(
                    "pull access denied for {}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
                    r.familiar_name()
                )))
            }
            Some(_) => self.hub.resolve(&full_name, r.tag.as_deref(), r.digest.as_deref()).cloned(),
        };
        let Some(manifest) = manifest else {
            let what = r.tag.as_deref().or(r.digest.as_deref()).unwrap_or("latest");
            let sep = if r.digest.is_some() { "@" } else { ":" };
            return Err(ApiError::not_found(format!(
                "manifest for {}{sep}{what} not found: manifest unknown: manifest unknown",
                r.familiar_name()
            )));
        };
        let mut msgs = Vec::new();
        let head = match (&r.tag, &r.digest) {
            (_, Some(d)) => d.clone(),
            (Some(t), None) => t.clone(),
            (None, None) => "latest".into(),
        };
        let path = r.path.clone();
        let image_id = manifest.image.id.clone();
        let have_image = self.images.contains_key(&image_id);
        let digest_ref = format!("{full_name}@{}", manifest.digest);
        let tag_ref = r.tag.as_ref().map(|t| format!("{full_name}:{t}"));
        let up_to_date = have_image
            && self.refs.get(&digest_ref) == Some(&image_id)
            && tag_ref
                .as_ref()
                .is_none_or(|t| self.refs.get(t) == Some(&image_id));
        msgs.push(ProgressMessage::status(format!(
            "{head}: Pulling from {path}"
        )));
        if !have_image {
            let chains = chain_ids(&manifest.image);
            let mut fresh = Vec::new();
            for (layer, chain) in manifest.image.layers.iter().zip(&chains) {
                let id = short_id(&layer.blob_digest).to_string();
                if self.layers.contains_key(chain) {
                    msgs.push(ProgressMessage::layer(&id, "Already exists"));
                } else {
                    msgs.push(ProgressMessage::layer(&id, "Pulling fs layer"));
                    fresh.push(id);
                }
            }
            for id in fresh.iter().skip(MAX_CONCURRENT_DOWNLOADS) {
                msgs.push(ProgressMessage::layer(id, "Waiting"));
            }
            for id in &fresh {
                msgs.push(ProgressMessage::layer(id, "Verifying Checksum"));
                msgs.push(ProgressMessage::layer(id, "Download complete"));
            }
            for id in &fresh {
                msgs.push(ProgressMessage::layer(id, "Pull complete"));
            }
            for chain in &chains {
                *self.layers.get_or_insert_with(chain.clone(), || 0) += 1;
            }
            self.images.insert(
                image_id.clone(),
                Image {
                    rootfs: manifest.image.rootfs(),
                    data: manifest.image.clone(),
                    chain_ids: chains,
                },
            );
        }
        msgs.push(ProgressMessage::status(format!(
            "Digest: {}",
            manifest.digest
        )));
        let shown = r.familiar();
        if up_to_date {
            msgs.push(ProgressMessage::status(format!(
                "Status: Image is up to date for {shown}"
            )));
        } else {
            msgs.push(ProgressMessage::status(format!(
                "Status: Downloaded newer image for {shown}"
            )));
        }
        if let Some(t) = tag_ref {
            self.set_ref(t, &image_id);
        }
        self.set_ref(digest_ref, &image_id);
        Ok(msgs)
    }

    /// Points a reference at an image; an image left without references and containers stays (dangling).
    fn set_ref(&mut self, full_ref: String, image_id: &str) {
        self.refs.insert(full_ref, image_id.to_string());
    }

    /// All references (`docker.io/library/x:tag`, `…@sha256:…`) to an image.
    pub fn image_references(&self, image_id: &str) -> Vec<String> {
        self.references(image_id)
    }

    /// All references to an image, in lexical order of their full form.
    fn references(&self, image_id: &str) -> Vec<String> {
        self.refs
            .iter()
            .filter(|(_, id)| *id == image_id)
            .map(|(r, _)| r.clone())
            .collect()
    }

    /// Resolves a name, `name:tag`, `name@digest`, full ID or unique ID prefix to an image ID
    /// (`GetImage`). The flag says whether the input was an ID (prefix).
    pub fn find_image(&self, name: &str) -> Result<(String, bool), ApiError> {
        if let Ok(r) = Reference::parse(name) {
            let r = r.with_default_tag();
            if let Some(id) = self.refs.get(&r.full()) {
                return Ok((id.clone(), false));
            }
        }
        let hex = name.strip_prefix("sha256:").unwrap_or(name);
        if !hex.is_empty()
            && hex.len() <= 64
            && hex
                .bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        {
            let matches: Vec<&String> = self
                .images
                .keys()
                .filter(|id| id[7..].starts_with(hex))
                .collect();
            if matches.len() == 1 {
                return Ok((matches[0].clone(), true));
            }
        }
        Err(ApiError::no_such_image(name))
    }

    pub fn image(&self, id: &str) -> Option<&Image> {
        self.images.get(id)
    }

    /// `GET /images/json`: newest first; dangling images included.
    pub fn image_list(&self) -> Vec<ImageSummary> {
        let mut list: Vec<ImageSummary> = self
            .images
            .values()
            .map(|img| {
                let refs = self.references(img.id());
                let familiar = |full: &str| {
                    Reference::parse(full)
                        .map(|r| r.familiar())
                        .unwrap_or_else(|_| full.to_string())
                };
                ImageSummary {
                    id: img.id().to_string(),
                    parent_id: String::new(),
                    repo_tags: refs
                        .iter()
                        .filter(|r| !r.contains('@'))
                        .map(|r| familiar(r))
                        .collect(),
                    repo_digests: refs
                        .iter()
                        .filter(|r| r.contains('@'))
                        .map(|r| familiar(r))
                        .collect(),
                    created: img.data.created.as_secs() as i64,
                    size: img.data.size() as i64,
                    shared_size: -1,
                    labels: img.data.config.labels.clone(),
                    containers: -1,
                }
            })
            .collect();
        crate::text::sort_by(&mut list, &|a, b| b.created.cmp(&a.created).then_with(|| a.id.cmp(&b.id)));
        list
    }

    /// `DELETE /images/{name}` on the classic store.
    pub fn image_remove(
        &mut self,
        name: &str,
        force: bool,
    ) -> Result<Vec<ImageDeleteItem>, ApiError> {
        let (image_id, by_id) = self.find_image(name)?;
        let mut records = Vec::new();
        let mut refs = self.references(&image_id);
        let mut removed_repo_ref = false;
        if !by_id {
            let parsed = Reference::parse(name)
                .map_err(|e| ApiError::bad_request(e.to_string()))?
                .with_default_tag();
            if !force && is_single_reference(&refs) {
                if let Some(c) = self.container_using(&image_id, |_| true) {
                    return Err(ApiError::conflict(format!(
                        "conflict: unable to remove repository reference \"{name}\" (must force) - container {} is using its referenced image {}",
                        short_id(&c), short_id(&image_id)
                    )));
                }
            }
            self.refs.remove(&parsed.full());
            records.push(ImageDeleteItem::Untagged(parsed.familiar()));
            refs = self.references(&image_id);
            if parsed.digest.is_none() {
                let same_repo_tag = refs
                    .iter()
                    .any(|r| !r.contains('@') && repo_of(r) == parsed.full_name());
                if !same_repo_tag {
                    for r in refs.clone() {
                        if r.contains('@') && repo_of(&r) == parsed.full_name() {
                            self.refs.remove(&r);
                            records.push(ImageDeleteItem::Untagged(familiar_of(&r)));
                        }
                    }
                    refs = self.references(&image_id);
                }
            }
            if !refs.is_empty() {
                return Ok(records);
            }
            removed_repo_ref = true;
        } else if is_single_reference(&refs) {
            let mut conflict = self.delete_conflict(&image_id, true, false);
            if !force && conflict.is_none() {
                conflict = self.delete_conflict(&image_id, false, false);
            }
            if let Some(c) = conflict {
                return Err(c.into_error(&image_id));
            }
            for r in refs {
                self.refs.remove(&r);
                records.push(ImageDeleteItem::Untagged(familiar_of(&r)));
            }
        }
        // imageDeleteHelper
        let hard = self.delete_conflict(&image_id, true, true);
        let conflict = if hard.is_some() || force {
            hard
        } else {
            self.delete_conflict(&image_id, false, true)
        };
        if let Some(c) = conflict {
            let dangling = self.references(&image_id).is_empty();
            if removed_repo_ref && (!dangling || c.used) {
                return Ok(records);
            }
            return Err(c.into_error(&image_id));
        }
        for r in self.references(&image_id) {
            self.refs.remove(&r);
            records.push(ImageDeleteItem::Untagged(familiar_of(&r)));
        }
        if let Some(img) = self.images.remove(&image_id) {
            records.push(ImageDeleteItem::Deleted(image_id.clone()));
            for chain in img.chain_ids.iter().rev() {
                let gone = match self.layers.get_mut(chain) {
                    Some(n) if *n > 1 => {
                        *n -= 1;
                        false
                    }
                    _ => true,
                };
                if gone {
                    self.layers.remove(chain);
                    records.push(ImageDeleteItem::Deleted(chain.clone()));
                } else {
                    break;
                }
            }
        }
        Ok(records)
    }

    /// `checkImageDeleteConflict`: `hard` checks running containers; otherwise references (when
    /// `check_refs`) and stopped containers.
    fn delete_conflict(
        &self,
        image_id: &str,
        hard: bool,
        check_refs: bool,
    ) -> Option<DeleteConflict> {
        if hard {
            return self
                .container_using(image_id, |c| c.is_running())
                .map(|c| DeleteConflict {
                    hard: true,
                    used: true,
                    message: format!("image is being used by running container {}", short_id(&c)),
                });
        }
        if check_refs && !self.references(image_id).is_empty() {
            return Some(DeleteConflict {
                hard: false,
                used: false,
                message: "image is referenced in multiple repositories".into(),
            });
        }
        self.container_using(image_id, |c| !c.is_running())
            .map(|c| DeleteConflict {
                hard: false,
                used: true,
                message: format!("image is being used by stopped container {}", short_id(&c)),
            })
    }
}

struct DeleteConflict {
    hard: bool,
    used: bool,
    message: String,
}

impl DeleteConflict {
    fn into_error(self, image_id: &str) -> ApiError {
        let force = if self.hard {
            "cannot be forced"
        } else {
            "must be forced"
        };
        ApiError::conflict(format!(
            "conflict: unable to delete {} ({force}) - {}",
            short_id(image_id),
            self.message
        ))
    }
}

fn repo_of(full_ref: &str) -> String {
    Reference::parse(full_ref)
        .map(|r| r.full_name())
        .unwrap_or_default()
}

fn familiar_of(full_ref: &str) -> String {
    Reference::parse(full_ref)
        .map(|r| r.familiar())
        .unwrap_or_else(|_| full_ref.to_string())
}

/// `isSingleReference`: at most one tag, and every reference in one repository.
fn is_single_reference(refs: &[String]) -> bool {
    if refs.len() <= 1 {
        return refs.len() == 1;
    }
    let mut tag: Option<&String> = None;
    let mut repos: Vec<String> = Vec::new();
    for r in refs {
        if r.contains('@') {
            repos.push(repo_of(r));
        } else if tag.is_none() {
            repos.push(repo_of(r));
            tag = Some(r);
        } else {
            return false;
        }
    }
    let single = repo_of(tag.unwrap_or(&refs[0]));
    crate::text::sort(&mut repos);
    repos.dedup();
    repos.len() == 1 && repos.contains(&single)
}

//! The classic (graphdriver) image store: images by ID, tag and digest references, layer
//! refcounts, parent/child links (commits, legacy builds). Wording of every error follows moby
//! v28 `daemon/images/image_delete.go`, `image_list.go`, `image_prune.go`, `image_history.go`.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::Daemon;
use crate::api::{
    path_match, timestamp, ApiError, Filters, HistoryItem, ImageDeleteItem, ImageListOptions,
    ImagePruneReport, ImageSummary, Reference,
};
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
    /// When a tag last pointed here (`Metadata.LastTagTime`).
    pub last_tag_time: Option<SimTime>,
}

impl Image {
    pub fn id(&self) -> &str {
        &self.data.id
    }
    /// The local parent image (`docker commit`, the legacy builder), if any.
    pub fn parent(&self) -> Option<&str> {
        (!self.data.parent.is_empty()).then_some(self.data.parent.as_str())
    }
}

/// `ChainID`s of an image's diff ID stack (`layer.CreateChainID`).
pub(super) fn chain_ids(data: &ImageData) -> Vec<String> {
    chains(data.layers.iter().map(|l| l.diff_id.as_str()))
}

/// `ChainID`s of a stack of diff IDs, bottom first.
pub(super) fn chains<'a>(diff_ids: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for diff in diff_ids {
        let chain = match out.last() {
            None => diff.to_string(),
            Some(parent) => sha256_digest(format!("{parent} {diff}").as_bytes()),
        };
        out.push(chain);
    }
    out
}

const LIST_FILTERS: &[&str] = &["dangling", "label", "before", "since", "reference", "until"];
const PRUNE_FILTERS: &[&str] = &["dangling", "label", "label!", "until"];

fn familiar_of(full_ref: &str) -> String {
    Reference::parse(full_ref)
        .map(|r| r.familiar())
        .unwrap_or_else(|_| full_ref.to_string())
}

fn repo_of(full_ref: &str) -> String {
    Reference::parse(full_ref)
        .map(|r| r.full_name())
        .unwrap_or_default()
}

/// `reference.FamiliarMatch`: the pattern against the familiar string, then the familiar name.
fn familiar_match(pattern: &str, full_ref: &str) -> bool {
    let Ok(r) = Reference::parse(full_ref) else {
        return false;
    };
    path_match(pattern, &r.familiar()) || path_match(pattern, &r.familiar_name())
}

impl Daemon {
    /// Adds an image (a pull, a build step, a commit, a load); its layers gain a reference.
    /// Returns its ID. An image already present stays as it is.
    pub(crate) fn store_image(&mut self, data: Arc<ImageData>) -> String {
        let id = data.id.clone();
        if self.images.contains_key(&id) {
            return id;
        }
        let chains = chain_ids(&data);
        for chain in &chains {
            *self.layers.get_or_insert_with(chain.clone(), || 0) += 1;
        }
        self.images.insert(
            id.clone(),
            Image {
                rootfs: data.rootfs(),
                data,
                chain_ids: chains,
                last_tag_time: None,
            },
        );
        id
    }

    /// Whether a layer chain is in the store (`Already exists` when pulling).
    pub(crate) fn has_layer(&self, chain: &str) -> bool {
        self.layers.contains_key(chain)
    }

    /// Points a reference at an image; the image it pointed at before may become dangling.
    pub(crate) fn set_ref(&mut self, full_ref: String, image_id: &str, now: SimTime) {
        self.refs.insert(full_ref, image_id.to_string());
        if let Some(img) = self.images.get_mut(image_id) {
            img.last_tag_time = Some(now);
        }
    }

    /// All references (`docker.io/library/x:tag`, `…@sha256:…`) to an image, in lexical order.
    pub fn image_references(&self, image_id: &str) -> Vec<String> {
        self.refs
            .iter()
            .filter(|(_, id)| *id == image_id)
            .map(|(r, _)| r.clone())
            .collect()
    }

    /// The full references of every local image in a repository (`docker push -a`).
    pub(crate) fn references_in(&self, full_name: &str) -> Vec<(String, String)> {
        self.refs
            .iter()
            .filter(|(r, _)| repo_of(r) == full_name)
            .map(|(r, id)| (r.clone(), id.clone()))
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
        let shown = Reference::parse(name)
            .map(|r| r.with_default_tag().familiar())
            .unwrap_or_else(|_| name.to_string());
        Err(ApiError::no_such_image(&shown))
    }

    pub fn image(&self, id: &str) -> Option<&Image> {
        self.images.get(id)
    }

    /// All local images.
    pub fn images(&self) -> impl Iterator<Item = &Image> {
        self.images.values()
    }

    /// Images whose parent is `id`.
    fn children(&self, id: &str) -> usize {
        self.images.values().filter(|i| i.parent() == Some(id)).count()
    }

    /// Bytes a layer chain adds (`DiffSize`).
    fn layer_size(&self, img: &Image, index: usize) -> u64 {
        img.data.layers.get(index).map(|l| l.size).unwrap_or(0)
    }

    /// `GET /images/json`: newest first.
    pub fn image_list(
        &self,
        opts: &ImageListOptions,
        now: SimTime,
    ) -> Result<Vec<ImageSummary>, ApiError> {
        let f = &opts.filters;
        f.validate(LIST_FILTERS)?;
        let dangling_only = f.bool_or("dangling", false)?;
        let mut before: Option<SimTime> = None;
        for v in f.get("before") {
            let (id, _) = self.find_image(v)?;
            let t = self.images.get(&id).map(|i| i.data.created);
            if let Some(t) = t {
                before = Some(before.map_or(t, |b| b.min(t)));
            }
        }
        for v in f.get("until") {
            let t = timestamp(v, now)?;
            before = Some(before.map_or(t, |b| b.min(t)));
        }
        let mut since: Option<SimTime> = None;
        for v in f.get("since") {
            let (id, _) = self.find_image(v)?;
            if let Some(t) = self.images.get(&id).map(|i| i.data.created) {
                since = Some(since.map_or(t, |s| s.max(t)));
            }
        }
        // References and child counts by image, gathered once (not per image).
        let mut refs_of: BTreeMap<&str, Vec<&String>> = BTreeMap::new();
        for (r, id) in &self.refs {
            refs_of.entry(id.as_str()).or_default().push(r);
        }
        let mut children: BTreeMap<&str, usize> = BTreeMap::new();
        for i in self.images.values() {
            if let Some(p) = i.parent() {
                *children.entry(p).or_default() += 1;
            }
        }
        let children = |id: &str| children.get(id).copied().unwrap_or(0);
        let mut list = Vec::new();
        for img in self.images.values() {
            let id = img.id();
            if dangling_only && children(id) > 0 {
                continue;
            }
            let created = img.data.created;
            if before.is_some_and(|b| created >= b) || since.is_some_and(|s| created <= s) {
                continue;
            }
            if f.contains("label") && !f.match_labels("label", &img.data.config.labels) {
                continue;
            }
            let mut repo_tags = Vec::new();
            let mut repo_digests = Vec::new();
            for r in refs_of.get(id).into_iter().flatten() {
                if f.contains("reference") && !f.get("reference").iter().any(|p| familiar_match(p, r)) {
                    continue;
                }
                if r.contains('@') {
                    repo_digests.push(familiar_of(r));
                } else {
                    repo_tags.push(familiar_of(r));
                }
            }
            if repo_tags.is_empty() && repo_digests.is_empty() {
                if opts.all || children(id) == 0 {
                    if f.contains("dangling") && !dangling_only {
                        continue;
                    }
                    if f.contains("reference") {
                        continue;
                    }
                } else {
                    continue;
                }
            } else if dangling_only && !repo_tags.is_empty() {
                continue;
            }
            let containers = if opts.container_count {
                self.containers().filter(|c| c.image_id == id).count() as i64
            } else {
                -1
            };
            list.push(ImageSummary {
                id: id.to_string(),
                parent_id: img.data.parent.clone(),
                repo_tags,
                repo_digests,
                created: created.as_secs() as i64,
                size: img.data.size() as i64,
                shared_size: if opts.shared_size { self.shared_size(img) as i64 } else { -1 },
                labels: img.data.config.labels.clone(),
                containers,
            });
        }
        crate::text::sort_by(&mut list, &|a, b| {
            b.created.cmp(&a.created).then_with(|| a.id.cmp(&b.id))
        });
        Ok(list)
    }

    /// Bytes of an image's layers that other images use too.
    fn shared_size(&self, img: &Image) -> u64 {
        img.chain_ids
            .iter()
            .enumerate()
            .filter(|(_, c)| self.layers.get(*c).is_some_and(|n| *n > 1))
            .map(|(i, _)| self.layer_size(img, i))
            .sum()
    }

    /// `POST /images/{name}/tag`.
    pub fn image_tag(&mut self, source: &str, target: &Reference, now: SimTime) -> Result<(), ApiError> {
        let (id, _) = self.find_image(source)?;
        if target.digest.is_some() {
            return Err(ApiError::bad_request("refusing to create a tag with a digest reference"));
        }
        self.set_ref(target.clone().with_default_tag().full(), &id, now);
        Ok(())
    }

    /// `GET /images/{name}/history`: newest step first.
    pub fn image_history(&self, name: &str) -> Result<Vec<HistoryItem>, ApiError> {
        let (id, _) = self.find_image(name)?;
        let Some(img) = self.images.get(&id) else {
            return Err(ApiError::no_such_image(name));
        };
        let mut items: Vec<HistoryItem> = Vec::new();
        let mut layer = 0;
        for h in &img.data.history {
            let size = if h.empty_layer {
                0
            } else {
                layer += 1;
                self.layer_size(img, layer - 1)
            };
            items.insert(
                0,
                HistoryItem {
                    id: "<missing>".into(),
                    created: h.created.as_secs() as i64,
                    created_by: h.created_by.clone(),
                    tags: Vec::new(),
                    size: size as i64,
                    comment: h.comment.clone(),
                },
            );
        }
        // Fill in the IDs of the local images this one descends from, one step each.
        let mut cur = Some(id);
        for item in items.iter_mut() {
            let Some(cid) = cur.take() else { break };
            item.id = cid.clone();
            item.tags = self
                .image_references(&cid)
                .iter()
                .filter(|r| !r.contains('@'))
                .map(|r| familiar_of(r))
                .collect();
            cur = self
                .images
                .get(&cid)
                .and_then(|i| i.parent())
                .filter(|p| self.images.contains_key(*p))
                .map(str::to_string);
        }
        Ok(items)
    }

    /// `DELETE /images/{name}` on the classic store (`prune`: also delete untagged parents).
    pub fn image_remove(
        &mut self,
        name: &str,
        force: bool,
        prune: bool,
    ) -> Result<Vec<ImageDeleteItem>, ApiError> {
        let (image_id, by_id) = self.find_image(name)?;
        let mut records = Vec::new();
        let mut refs = self.image_references(&image_id);
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
            refs = self.image_references(&image_id);
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
                    refs = self.image_references(&image_id);
                }
            }
            if !refs.is_empty() {
                return Ok(records);
            }
            removed_repo_ref = true;
        } else if is_single_reference(&refs) {
            let mut conflict = self.delete_conflict(&image_id, Mask::HARD);
            if !force && conflict.is_none() {
                conflict = self.delete_conflict(&image_id, Mask::STOPPED);
            }
            if let Some(c) = conflict {
                return Err(c.into_error(&image_id));
            }
            for r in refs {
                self.refs.remove(&r);
                records.push(ImageDeleteItem::Untagged(familiar_of(&r)));
            }
        }
        self.delete_helper(&image_id, &mut records, force, prune, removed_repo_ref)?;
        Ok(records)
    }

    /// `imageDeleteHelper`: deletes an image (and, with `prune`, its untagged parents).
    fn delete_helper(
        &mut self,
        image_id: &str,
        records: &mut Vec<ImageDeleteItem>,
        force: bool,
        prune: bool,
        quiet: bool,
    ) -> Result<(), ApiError> {
        let mut id = image_id.to_string();
        let (mut force, mut quiet) = (force, quiet);
        loop {
            let mask = if force { Mask::HARD } else { Mask::HARD.with(Mask::SOFT) };
            if let Some(c) = self.delete_conflict(&id, mask) {
                let dangling = self.image_references(&id).is_empty();
                if quiet && (!dangling || c.used) {
                    return Ok(());
                }
                return Err(c.into_error(&id));
            }
            let parent = self.images.get(&id).and_then(|i| i.parent()).map(str::to_string);
            for r in self.image_references(&id) {
                self.refs.remove(&r);
                records.push(ImageDeleteItem::Untagged(familiar_of(&r)));
            }
            if let Some(img) = self.images.remove(&id) {
                records.push(ImageDeleteItem::Deleted(id.clone()));
                for chain in img.chain_ids.iter().rev() {
                    let gone = match self.layers.get_mut(chain) {
                        Some(n) if *n > 1 => {
                            *n -= 1;
                            false
                        }
                        _ => true,
                    };
                    if !gone {
                        break;
                    }
                    self.layers.remove(chain);
                    records.push(ImageDeleteItem::Deleted(chain.clone()));
                }
            }
            match parent {
                Some(p) if prune && self.images.contains_key(&p) => {
                    id = p;
                    force = false;
                    quiet = true;
                }
                _ => return Ok(()),
            }
        }
    }

    /// `checkImageDeleteConflict`.
    fn delete_conflict(&self, image_id: &str, mask: Mask) -> Option<DeleteConflict> {
        if mask.has(Mask::CHILD) && self.children(image_id) > 0 {
            return Some(DeleteConflict {
                hard: true,
                used: false,
                message: "image has dependent child images".into(),
            });
        }
        if mask.has(Mask::RUNNING) {
            if let Some(c) = self.container_using(image_id, |c| c.is_running()) {
                return Some(DeleteConflict {
                    hard: true,
                    used: true,
                    message: format!("image is being used by running container {}", short_id(&c)),
                });
            }
        }
        if mask.has(Mask::REFERENCE) && !self.image_references(image_id).is_empty() {
            return Some(DeleteConflict {
                hard: false,
                used: false,
                message: "image is referenced in multiple repositories".into(),
            });
        }
        if mask.has(Mask::STOPPED) {
            if let Some(c) = self.container_using(image_id, |c| !c.is_running()) {
                return Some(DeleteConflict {
                    hard: false,
                    used: true,
                    message: format!("image is being used by stopped container {}", short_id(&c)),
                });
            }
        }
        None
    }

    /// `POST /images/prune`: dangling images (all unused ones when `dangling=false`).
    pub fn image_prune(
        &mut self,
        filters: &Filters,
        now: SimTime,
    ) -> Result<ImagePruneReport, ApiError> {
        filters.validate(PRUNE_FILTERS)?;
        let dangling_only = filters.bool_or("dangling", true)?;
        let until = match filters.get("until").as_slice() {
            [] => None,
            [one] => Some(timestamp(one, now)?),
            _ => return Err(ApiError::bad_request("more than one until filter specified")),
        };
        let mut top: Vec<String> = Vec::new();
        for img in self.images.values() {
            let id = img.id();
            if dangling_only && self.children(id) > 0 {
                continue;
            }
            if self.image_references(id).is_empty() && self.children(id) > 0 {
                continue;
            }
            if until.is_some_and(|u| img.data.created > u) {
                continue;
            }
            let labels = &img.data.config.labels;
            if !filters.match_labels("label", labels)
                || (filters.contains("label!") && filters.match_labels("label!", labels))
            {
                continue;
            }
            top.push(id.to_string());
        }
        let sizes: Vec<(String, u64)> = self
            .images
            .values()
            .flat_map(|i| {
                i.chain_ids
                    .iter()
                    .enumerate()
                    .map(|(k, c)| (c.clone(), i.data.layers.get(k).map(|l| l.size).unwrap_or(0)))
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut report = ImagePruneReport::default();
        for id in top {
            if !self.images.contains_key(&id) {
                continue;
            }
            let refs = self.image_references(&id);
            if refs.is_empty() {
                if let Ok(items) = self.image_remove(crate::vfs::hex_of(&id), false, true) {
                    report.deleted.extend(items);
                }
                continue;
            }
            let has_tag = refs.iter().any(|r| !r.contains('@'));
            if dangling_only && has_tag {
                continue;
            }
            for r in refs {
                if let Ok(items) = self.image_remove(&familiar_of(&r), false, true) {
                    report.deleted.extend(items);
                }
            }
        }
        for d in &report.deleted {
            if let ImageDeleteItem::Deleted(chain) = d {
                if let Some((_, s)) = sizes.iter().find(|(c, _)| c == chain) {
                    report.reclaimed += s;
                }
            }
        }
        Ok(report)
    }
}

/// Which conflicts `checkImageDeleteConflict` looks for.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Mask(u8);

impl Mask {
    const CHILD: Mask = Mask(1);
    const RUNNING: Mask = Mask(2);
    const REFERENCE: Mask = Mask(4);
    const STOPPED: Mask = Mask(8);
    const HARD: Mask = Mask(1 | 2);
    const SOFT: Mask = Mask(4 | 8);
    fn with(self, o: Mask) -> Mask {
        Mask(self.0 | o.0)
    }
    fn has(self, o: Mask) -> bool {
        self.0 & o.0 != 0
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

//! Loads `catalog.json` (the built-in Docker Hub, as data) into content-addressed images: layers
//! become real file-tree diffs whose sha256 are their DiffIDs, configs become image IDs.
//!
//! Format (see also the catalog's own `_format` key):
//! - `layers`: named layers shared by several images (`"bookworm"`), so pulls say `Already exists`.
//! - `repositories.<path>`: `description`, `stars`, `tags` (tag → image key), `images` (key → image).
//! - an image: `created`, optional `from` (`"library/buildpack-deps:bookworm"`: that image's history
//!   and layers come first and its config is the starting point), `config` (Docker's field names;
//!   keys given replace the parent's), `history`: entries `{created_by, comment?, created?, layer?}`
//!   where `layer` is a name from `layers` or an inline layer; no `layer` means an empty layer.
//! - a layer: optional `base` (an OS layout from `rootfs.rs`: busybox, alpine, debian, ubuntu),
//!   optional `size` (what it stands for; otherwise its content's size), `files`.
//! - a file: `path` (canonical: no symlinked directories on the way), `mode`, one of `text`,
//!   `link`, `program` (a simulated program's marker) or `dir: true`; optional `uid`, `gid`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

use super::image::{History, ImageConfig, ImageData, Layer, Manifest};
use super::{rootfs, Repository};
use crate::clock::{parse_rfc3339, SimTime};
use crate::vecmap::VecMap;

const CATALOG: &str = include_str!("catalog.json");

fn string(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}

/// The built-in catalog: parsed once per process, each repository built on first use (building
/// every image's layers at start-up would delay the first prompt). Pure data derived from the
/// compiled-in JSON, so sharing it between sessions changes nothing they can observe.
pub(super) struct Catalog {
    default_path: String,
    layer_specs: Value,
    repo_specs: serde_json::Map<String, Value>,
    /// Repository metadata for `docker search`, in name order: (full name, entry).
    pub(super) entries: Vec<(String, super::SearchResult)>,
    pub(super) search: Vec<super::SearchResult>,
    built: Vec<OnceLock<Repository>>,
    cache: Mutex<Cache>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog").field("repositories", &self.entries.len()).finish()
    }
}

/// Layers and images already built, shared by every repository that uses them.
#[derive(Default)]
struct Cache {
    layers: BTreeMap<String, Arc<Layer>>,
    images: BTreeMap<String, Arc<ImageData>>,
}

/// The process-wide catalog.
pub(super) fn catalog() -> &'static Catalog {
    static CAT: OnceLock<Catalog> = OnceLock::new();
    CAT.get_or_init(|| {
        // Compiled in and checked by tests; a broken file yields an empty Hub, never a panic.
        let v: Value = serde_json::from_str(CATALOG).unwrap_or(Value::Null);
        let repo_specs = v
            .get("repositories")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut entries: Vec<(String, super::SearchResult)> = repo_specs
            .iter()
            .map(|(path, e)| {
                (
                    format!("docker.io/{path}"),
                    super::SearchResult {
                        name: path.strip_prefix("library/").unwrap_or(path).to_string(),
                        description: string(e, "description"),
                        stars: e.get("stars").and_then(Value::as_u64).unwrap_or(0) as u32,
                        official: path.starts_with("library/"),
                    },
                )
            })
            .collect();
        crate::text::sort_by(&mut entries, &|a, b| a.0.cmp(&b.0));
        let search = v
            .get("search")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|e| super::SearchResult {
                        name: string(e, "name"),
                        description: string(e, "description"),
                        stars: e.get("stars").and_then(Value::as_u64).unwrap_or(0) as u32,
                        official: false,
                    })
                    .collect()
            })
            .unwrap_or_default();
        Catalog {
            default_path: string(&v, "default_path"),
            layer_specs: v.get("layers").cloned().unwrap_or(Value::Null),
            built: entries.iter().map(|_| OnceLock::new()).collect(),
            entries,
            search,
            repo_specs,
            cache: Mutex::new(Cache::default()),
        }
    })
}

impl Catalog {
    fn index(&self, full_name: &str) -> Option<usize> {
        self.entries
            .binary_search_by(|(n, _)| n.as_str().cmp(full_name))
            .ok()
    }

    /// The repository at `docker.io/<path>`, built on first use.
    pub(super) fn repository(&self, full_name: &str) -> Option<&Repository> {
        let i = self.index(full_name)?;
        let path = full_name.strip_prefix("docker.io/")?;
        Some(self.built[i].get_or_init(|| self.build_repository(path)))
    }

    /// The repositories built so far.
    pub(super) fn built(&self) -> impl Iterator<Item = (&String, &Repository)> {
        self.entries
            .iter()
            .zip(&self.built)
            .filter_map(|((n, _), b)| b.get().map(|r| (n, r)))
    }

    fn build_repository(&self, path: &str) -> Repository {
        let mut cache = match self.cache.lock() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        let e = self.repo_specs.get(path).cloned().unwrap_or(Value::Null);
        let mut tags = VecMap::new();
        if let Some(t) = e.get("tags").and_then(Value::as_object) {
            for (tag, key) in t {
                let key = key.as_str().unwrap_or("");
                if let Some(img) = self.image(&mut cache, path, key, 0) {
                    tags.insert(tag.clone(), Manifest::of(img));
                }
            }
        }
        Repository {
            description: string(&e, "description"),
            stars: e.get("stars").and_then(Value::as_u64).unwrap_or(0) as u32,
            official: path.starts_with("library/"),
            tags,
            owner: None,
        }
    }

    /// The image `key` of repository `path`, built once.
    fn image(&self, cache: &mut Cache, path: &str, key: &str, depth: u32) -> Option<Arc<ImageData>> {
        let id = format!("{path}:{key}");
        if let Some(img) = cache.images.get(&id) {
            return Some(img.clone());
        }
        if depth > 8 {
            return None;
        }
        let spec = self.repo_specs.get(path)?.get("images")?.get(key)?;
        let created_s = string(spec, "created");
        let created = parse_rfc3339(&created_s).unwrap_or(SimTime(0));
        let (mut history, mut layers, base_config) = match spec.get("from").and_then(Value::as_str) {
            Some(from) => {
                let (p, k) = from.rsplit_once(':')?;
                let parent = self.image(cache, p, k, depth + 1)?;
                (
                    parent.history.clone(),
                    parent.layers.clone(),
                    parent.config.to_json(),
                )
            }
            None => (Vec::new(), Vec::new(), Value::Object(Default::default())),
        };
        let mut merged = base_config;
        if let (Some(m), Some(c)) = (
            merged.as_object_mut(),
            spec.get("config").and_then(Value::as_object),
        ) {
            for (k, v) in c {
                m.insert(k.clone(), v.clone());
            }
        }
        let mut config = ImageConfig::from_json(&merged);
        for e in &mut config.env {
            if e == "$PATH" {
                *e = self.default_path.clone();
            }
        }
        for h in spec.get("history").and_then(Value::as_array).into_iter().flatten() {
            let at = h
                .get("created")
                .and_then(Value::as_str)
                .and_then(parse_rfc3339)
                .unwrap_or(created);
            let layer = match h.get("layer") {
                Some(Value::String(name)) => Some(self.named_layer(cache, name)?),
                Some(l @ Value::Object(_)) => Some(Arc::new(build_layer(l, at))),
                _ => None,
            };
            history.push(History {
                created: at,
                created_by: string(h, "created_by"),
                comment: string(h, "comment"),
                author: String::new(),
                empty_layer: layer.is_none(),
            });
            layers.extend(layer);
        }
        let img = Arc::new(ImageData::new(
            created,
            string(spec, "author"),
            String::new(),
            config,
            history,
            layers,
            String::new(),
            String::new(),
        ));
        cache.images.insert(id, img.clone());
        Some(img)
    }

    fn named_layer(&self, cache: &mut Cache, name: &str) -> Option<Arc<Layer>> {
        if let Some(l) = cache.layers.get(name) {
            return Some(l.clone());
        }
        let spec = self.layer_specs.get(name)?;
        let at = spec
            .get("created")
            .and_then(Value::as_str)
            .and_then(parse_rfc3339)
            .unwrap_or(SimTime(0));
        let l = Arc::new(build_layer(spec, at));
        cache.layers.insert(name.to_string(), l.clone());
        Some(l)
    }
}

/// A layer from its spec: an OS base layout and/or files, with their times set to `at`.
fn build_layer(spec: &Value, at: SimTime) -> Layer {
    let files: Vec<rootfs::FileSpec> = spec
        .get("files")
        .and_then(Value::as_array)
        .map(|fs| fs.iter().map(file_spec).collect())
        .unwrap_or_default();
    let tree = rootfs::build(
        spec.get("base").and_then(Value::as_str).unwrap_or(""),
        &files,
        at,
    );
    Layer::new(
        crate::vfs::Layer::from_tree(&tree),
        spec.get("size").and_then(Value::as_u64),
    )
}

fn file_spec(v: &Value) -> rootfs::FileSpec {
    let opt = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    rootfs::FileSpec {
        path: string(v, "path"),
        mode: v.get("mode").and_then(Value::as_u64).unwrap_or(0) as u32,
        uid: v.get("uid").and_then(Value::as_u64).unwrap_or(0) as u32,
        gid: v.get("gid").and_then(Value::as_u64).unwrap_or(0) as u32,
        text: opt("text"),
        link: opt("link"),
        program: opt("program"),
        dir: v.get("dir").and_then(Value::as_bool).unwrap_or(false),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn catalog_parses_and_every_tag_resolves() {
        let parsed: Result<serde_json::Value, _> = serde_json::from_str(super::CATALOG);
        let v = parsed.expect("catalog.json is valid JSON");
        let cat = super::catalog();
        let specs = v["repositories"].as_object().expect("repositories");
        assert_eq!(cat.entries.len(), specs.len());
        for (path, spec) in specs {
            let repo = cat
                .repository(&format!("docker.io/{path}"))
                .expect("repository built");
            let tags = spec["tags"].as_object().expect("tags");
            assert_eq!(repo.tags.len(), tags.len(), "{path}: a tag did not resolve");
        }
    }
}

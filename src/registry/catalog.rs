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
use std::sync::Arc;

use serde_json::Value;

use super::image::{History, ImageConfig, ImageData, Layer, Manifest};
use super::{rootfs, Repository};
use crate::clock::{parse_rfc3339, SimTime};
use crate::vecmap::VecMap;

const CATALOG: &str = include_str!("catalog.json");

fn string(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}

/// Builds every repository of the catalog. A broken entry is skipped, never a panic (the catalog
/// is compiled in and checked by tests).
pub(super) fn load() -> (VecMap<String, Repository>, Vec<super::SearchResult>) {
    let catalog: Value = serde_json::from_str(CATALOG).unwrap_or(Value::Null);
    let mut loader = Loader {
        default_path: string(&catalog, "default_path"),
        layer_specs: catalog.get("layers").cloned().unwrap_or(Value::Null),
        repo_specs: catalog.get("repositories").cloned().unwrap_or(Value::Null),
        layers: BTreeMap::new(),
        images: BTreeMap::new(),
    };
    let mut repos = VecMap::new();
    let search = catalog
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
    let Some(specs) = loader.repo_specs.as_object().cloned() else {
        return (repos, search);
    };
    for (path, e) in specs {
        let mut tags = VecMap::new();
        if let Some(t) = e.get("tags").and_then(Value::as_object) {
            for (tag, key) in t {
                let key = key.as_str().unwrap_or("");
                if let Some(img) = loader.image(&path, key, 0) {
                    tags.insert(tag.clone(), Manifest::of(img));
                }
            }
        }
        repos.insert(
            format!("docker.io/{path}"),
            Repository {
                description: string(&e, "description"),
                stars: e.get("stars").and_then(Value::as_u64).unwrap_or(0) as u32,
                official: path.starts_with("library/"),
                tags,
                owner: None,
            },
        );
    }
    (repos, search)
}

struct Loader {
    default_path: String,
    layer_specs: Value,
    repo_specs: Value,
    layers: BTreeMap<String, Arc<Layer>>,
    images: BTreeMap<String, Arc<ImageData>>,
}

impl Loader {
    /// The image `key` of repository `path`, built once.
    fn image(&mut self, path: &str, key: &str, depth: u32) -> Option<Arc<ImageData>> {
        let id = format!("{path}:{key}");
        if let Some(img) = self.images.get(&id) {
            return Some(img.clone());
        }
        if depth > 8 {
            return None;
        }
        let spec = self
            .repo_specs
            .get(path)?
            .get("images")?
            .get(key)?
            .clone();
        let created_s = string(&spec, "created");
        let created = parse_rfc3339(&created_s).unwrap_or(SimTime(0));
        let (mut history, mut layers, base_config) = match spec.get("from").and_then(Value::as_str) {
            Some(from) => {
                let (p, k) = from.rsplit_once(':')?;
                let parent = self.image(p, k, depth + 1)?;
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
        for h in spec
            .get("history")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
        {
            let at = h
                .get("created")
                .and_then(Value::as_str)
                .and_then(parse_rfc3339)
                .unwrap_or(created);
            let layer = match h.get("layer") {
                Some(Value::String(name)) => Some(self.named_layer(name)?),
                Some(l @ Value::Object(_)) => Some(Arc::new(build_layer(l, at))),
                _ => None,
            };
            history.push(History {
                created: at,
                created_by: string(&h, "created_by"),
                comment: string(&h, "comment"),
                author: String::new(),
                empty_layer: layer.is_none(),
            });
            layers.extend(layer);
        }
        let img = Arc::new(ImageData::new(
            created,
            string(&spec, "author"),
            String::new(),
            config,
            history,
            layers,
            String::new(),
            String::new(),
        ));
        self.images.insert(id, img.clone());
        Some(img)
    }

    fn named_layer(&mut self, name: &str) -> Option<Arc<Layer>> {
        if let Some(l) = self.layers.get(name) {
            return Some(l.clone());
        }
        let spec = self.layer_specs.get(name)?;
        let at = spec
            .get("created")
            .and_then(Value::as_str)
            .and_then(parse_rfc3339)
            .unwrap_or(SimTime(0));
        let l = Arc::new(build_layer(spec, at));
        self.layers.insert(name.to_string(), l.clone());
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
        let (repos, _) = super::load();
        let specs = v["repositories"].as_object().expect("repositories");
        assert_eq!(repos.len(), specs.len());
        for (path, spec) in specs {
            let repo = repos
                .get(&format!("docker.io/{path}"))
                .expect("repository built");
            let tags = spec["tags"].as_object().expect("tags");
            assert_eq!(repo.tags.len(), tags.len(), "{path}: a tag did not resolve");
        }
    }
}

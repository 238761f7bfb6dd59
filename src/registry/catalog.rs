//! Loads `catalog.json` and derives digests from canonical JSON, so the same content always has the
//! same digest.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use serde_json::{json, Value};

use super::{ImageData, Layer, Manifest, Repository};
use crate::vecmap::VecMap;
use crate::clock::{parse_rfc3339, SimTime};
use crate::vfs::sha256_digest;

/// An image's runtime configuration (`container.Config` of the image).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImageConfig {
    pub env: Vec<String>,
    pub cmd: Option<Vec<String>>,
    pub entrypoint: Option<Vec<String>>,
    pub working_dir: String,
    pub user: String,
    pub labels: BTreeMap<String, String>,
    pub exposed_ports: VecMap<String, Empty>,
    pub volumes: VecMap<String, Empty>,
    pub stop_signal: Option<String>,
}

/// The `{}` of Docker's set-like maps (`ExposedPorts`, `Volumes`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Empty {}

/// A file of a catalog layer. `program` names the simulated program that runs when it is executed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CatalogFile {
    pub path: String,
    pub mode: u32,
    pub size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub program: Option<String>,
}

/// A repository entry of the catalog.
struct RepoEntry {
    description: String,
    stars: u32,
    tags: BTreeMap<String, String>,
    images: crate::vecmap::VecMap<String, ImageEntry>,
}

/// An image entry of the catalog.
struct ImageEntry {
    created: String,
    os: String,
    config: ImageConfig,
    history: Vec<String>,
    layers: Vec<LayerEntry>,
}

struct LayerEntry {
    size: Option<u64>,
    files: Vec<CatalogFile>,
}

// Reading the catalog from a JSON value by hand keeps serde's derive code out of the wasm.
fn string(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}

fn opt_string(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    v.and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
}

fn string_map(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_object)
        .map(|o| o.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string())).collect())
        .unwrap_or_default()
}

fn set_map(v: Option<&Value>) -> VecMap<String, Empty> {
    v.and_then(Value::as_object).map(|o| o.keys().map(|k| (k.clone(), Empty {})).collect()).unwrap_or_default()
}

fn image_config(v: &Value) -> ImageConfig {
    ImageConfig {
        env: strings(v.get("Env")).unwrap_or_default(),
        cmd: strings(v.get("Cmd")),
        entrypoint: strings(v.get("Entrypoint")),
        working_dir: string(v, "WorkingDir"),
        user: string(v, "User"),
        labels: string_map(v.get("Labels")),
        exposed_ports: set_map(v.get("ExposedPorts")),
        volumes: set_map(v.get("Volumes")),
        stop_signal: opt_string(v, "StopSignal"),
    }
}

fn catalog_file(v: &Value) -> CatalogFile {
    CatalogFile {
        path: string(v, "path"),
        mode: v.get("mode").and_then(Value::as_u64).unwrap_or(0) as u32,
        size: v.get("size").and_then(Value::as_u64).unwrap_or(0),
        text: opt_string(v, "text"),
        link: opt_string(v, "link"),
        program: opt_string(v, "program"),
    }
}

fn image_entry(v: &Value) -> ImageEntry {
    ImageEntry {
        created: string(v, "created"),
        os: string(v, "os"),
        config: image_config(v.get("config").unwrap_or(&Value::Null)),
        history: strings(v.get("history")).unwrap_or_default(),
        layers: v
            .get("layers")
            .and_then(Value::as_array)
            .map(|ls| {
                ls.iter()
                    .map(|l| LayerEntry {
                        size: l.get("size").and_then(Value::as_u64),
                        files: l.get("files").and_then(Value::as_array).map(|fs| fs.iter().map(catalog_file).collect()).unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

const CATALOG: &str = include_str!("catalog.json");

pub(super) fn load() -> crate::vecmap::VecMap<String, Repository> {
    // The catalog is compiled in and checked by tests; a broken file yields an empty Hub, never a panic.
    let catalog: Value = serde_json::from_str(CATALOG).unwrap_or(Value::Null);
    let default_path = string(&catalog, "default_path");
    let mut repos = crate::vecmap::VecMap::new();
    let entries = catalog.get("repositories").and_then(Value::as_object).cloned().unwrap_or_default();
    for (path, e) in entries {
        let entry = RepoEntry {
            description: string(&e, "description"),
            stars: e.get("stars").and_then(Value::as_u64).unwrap_or(0) as u32,
            tags: string_map(e.get("tags")),
            images: e.get("images").and_then(Value::as_object).map(|o| o.iter().map(|(k, v)| (k.clone(), image_entry(v))).collect()).unwrap_or_default(),
        };
        let images: crate::vecmap::VecMap<String, Manifest> = entry
            .images
            .into_iter()
            .map(|(key, img)| (key, build_manifest(img, &default_path)))
            .collect();
        let tags = entry
            .tags
            .into_iter()
            .filter_map(|(tag, key)| Some((tag, images.get(&key)?.clone())))
            .collect();
        repos.insert(
            format!("docker.io/{path}"),
            Repository {
                description: entry.description,
                stars: entry.stars,
                official: path.starts_with("library/"),
                tags,
            },
        );
    }
    repos
}

fn build_manifest(img: ImageEntry, default_path: &str) -> Manifest {
    let created = parse_rfc3339(&img.created).unwrap_or(SimTime(0));
    let mut config = img.config;
    for e in &mut config.env {
        if e == "$PATH" {
            *e = default_path.to_string();
        }
    }
    let layers: Vec<Arc<Layer>> = img
        .layers
        .into_iter()
        .map(|l| Arc::new(build_layer(l)))
        .collect();
    let created_s = img.created.clone();
    let config_json = json!({
        "architecture": "amd64",
        "dockling_os": img.os,
        "config": &config,
        "created": created_s,
        "history": img.history.iter().map(|h| json!({"created": created_s, "created_by": h})).collect::<Vec<_>>(),
        "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": layers.iter().map(|l| l.diff_id.clone()).collect::<Vec<_>>()},
    });
    let config_bytes = crate::json::compact(&config_json).into_bytes();
    let id = sha256_digest(&config_bytes);
    let manifest_json = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": id, "size": config_bytes.len()},
        "layers": layers.iter().map(|l| json!({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": l.blob_digest, "size": l.size})).collect::<Vec<_>>(),
    });
    let digest = sha256_digest(crate::json::compact(&manifest_json).as_bytes());
    Manifest {
        digest,
        image: Arc::new(ImageData {
            id,
            created,
            config,
            history: img.history,
            layers,
            os: img.os,
        }),
    }
}

fn build_layer(l: LayerEntry) -> Layer {
    let canonical = crate::json::compact(&json!(l.files)).into_bytes();
    let diff_id = sha256_digest(&canonical);
    let blob_digest = sha256_digest(format!("gzip\n{diff_id}").as_bytes());
    let size = l
        .size
        .unwrap_or_else(|| l.files.iter().map(|f| f.size).sum());
    Layer {
        diff_id,
        blob_digest,
        size,
        files: l.files,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn catalog_parses() {
        let parsed: Result<serde_json::Value, _> = serde_json::from_str(super::CATALOG);
        assert!(parsed.is_ok(), "{:?}", parsed.err());
        assert!(super::load().len() >= 5);
    }
}

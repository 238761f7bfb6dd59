//! Images as registries and the image store hold them: a config (whose sha256 is the image ID),
//! history, and a stack of content-addressed layers; manifests that point at them.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::api::HealthConfig;
use crate::clock::SimTime;
use crate::vecmap::VecMap;
use crate::vfs::sha256_digest;

/// An image's runtime configuration (`container.Config` of the image config).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImageConfig {
    pub env: Vec<String>,
    pub cmd: Option<Vec<String>>,
    pub entrypoint: Option<Vec<String>>,
    pub working_dir: String,
    pub user: String,
    pub labels: BTreeMap<String, String>,
    pub exposed_ports: VecMap<String, ()>,
    pub volumes: VecMap<String, ()>,
    pub stop_signal: Option<String>,
    pub healthcheck: Option<HealthConfig>,
    pub on_build: Vec<String>,
    pub shell: Option<Vec<String>>,
    /// `ArgsEscaped`: set by builders for shell-form CMD/ENTRYPOINT on Windows; kept for fidelity.
    pub args_escaped: bool,
}

impl ImageConfig {
    /// The `config` object as Docker writes it in image configs and `docker image inspect`:
    /// only the fields that are set, in Docker's order.
    pub fn to_json(&self) -> Value {
        // ocispec.ImageConfig's field order, then DockerOCIImageConfigExt's; empty fields omitted.
        let mut o = Map::new();
        if !self.user.is_empty() {
            o.insert("User".into(), json!(self.user));
        }
        if !self.exposed_ports.is_empty() {
            o.insert("ExposedPorts".into(), set_json(&self.exposed_ports));
        }
        if !self.env.is_empty() {
            o.insert("Env".into(), json!(self.env));
        }
        if let Some(c) = &self.entrypoint {
            o.insert("Entrypoint".into(), json!(c));
        }
        if let Some(c) = &self.cmd {
            o.insert("Cmd".into(), json!(c));
        }
        if !self.volumes.is_empty() {
            o.insert("Volumes".into(), set_json(&self.volumes));
        }
        if !self.working_dir.is_empty() {
            o.insert("WorkingDir".into(), json!(self.working_dir));
        }
        if !self.labels.is_empty() {
            o.insert("Labels".into(), json!(self.labels));
        }
        if let Some(s) = &self.stop_signal {
            o.insert("StopSignal".into(), json!(s));
        }
        if self.args_escaped {
            o.insert("ArgsEscaped".into(), json!(true));
        }
        if let Some(h) = &self.healthcheck {
            o.insert("Healthcheck".into(), health_json(h));
        }
        if !self.on_build.is_empty() {
            o.insert("OnBuild".into(), json!(self.on_build));
        }
        if let Some(s) = &self.shell {
            o.insert("Shell".into(), json!(s));
        }
        Value::Object(o)
    }

    /// Reads the `config` object of an image config (catalog data, `docker load`).
    pub fn from_json(v: &Value) -> ImageConfig {
        let strings = |k: &str| -> Option<Vec<String>> {
            v.get(k).and_then(Value::as_array).map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
        };
        let string = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let set = |k: &str| -> VecMap<String, ()> {
            v.get(k)
                .and_then(Value::as_object)
                .map(|o| o.keys().map(|k| (k.clone(), ())).collect())
                .unwrap_or_default()
        };
        ImageConfig {
            env: strings("Env").unwrap_or_default(),
            cmd: strings("Cmd"),
            entrypoint: strings("Entrypoint"),
            working_dir: string("WorkingDir"),
            user: string("User"),
            labels: v
                .get("Labels")
                .and_then(Value::as_object)
                .map(|o| {
                    o.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                        .collect()
                })
                .unwrap_or_default(),
            exposed_ports: set("ExposedPorts"),
            volumes: set("Volumes"),
            stop_signal: v
                .get("StopSignal")
                .and_then(Value::as_str)
                .map(str::to_string),
            healthcheck: v.get("Healthcheck").map(health_from_json),
            on_build: strings("OnBuild").unwrap_or_default(),
            shell: strings("Shell"),
            args_escaped: v.get("ArgsEscaped").and_then(Value::as_bool).unwrap_or(false),
        }
    }
}

fn set_json(s: &VecMap<String, ()>) -> Value {
    Value::Object(s.keys().map(|k| (k.clone(), json!({}))).collect())
}

/// A healthcheck as image configs spell it (durations in nanoseconds, zero fields omitted).
pub fn health_json(h: &HealthConfig) -> Value {
    let mut o = Map::new();
    o.insert("Test".into(), json!(h.test));
    for (k, ms) in [
        ("Interval", h.interval_ms),
        ("Timeout", h.timeout_ms),
        ("StartPeriod", h.start_period_ms),
    ] {
        if ms != 0 {
            o.insert(k.into(), json!(ms * 1_000_000));
        }
    }
    if h.retries != 0 {
        o.insert("Retries".into(), json!(h.retries));
    }
    Value::Object(o)
}

fn health_from_json(v: &Value) -> HealthConfig {
    let ms = |k: &str| v.get(k).and_then(Value::as_u64).unwrap_or(0) / 1_000_000;
    HealthConfig {
        test: v
            .get("Test")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default(),
        interval_ms: ms("Interval"),
        timeout_ms: ms("Timeout"),
        start_period_ms: ms("StartPeriod"),
        retries: v.get("Retries").and_then(Value::as_u64).unwrap_or(0) as u32,
    }
}

/// One entry of an image's history.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    pub created: SimTime,
    pub created_by: String,
    pub comment: String,
    pub author: String,
    /// The step made no layer (ENV, CMD…).
    pub empty_layer: bool,
}

/// A layer as registries serve it and images share it.
#[derive(Debug, PartialEq, Eq)]
pub struct Layer {
    /// sha256 of the uncompressed tar (`rootfs.diff_ids`).
    pub diff_id: String,
    /// sha256 of the blob as pulled; its short form names the layer in pull and push output.
    pub blob_digest: String,
    /// Uncompressed size, as `docker images` sums it.
    pub size: u64,
    /// Compressed size, as pull and push progress count it.
    pub blob_size: u64,
    pub content: Arc<crate::vfs::Layer>,
}

impl Layer {
    /// A layer of `content`; `size` overrides the content's own size (catalog layers stand for
    /// bigger real ones).
    pub fn new(content: crate::vfs::Layer, size: Option<u64>) -> Layer {
        let tar = content.to_tar();
        let diff_id = sha256_digest(&tar);
        let size = size.unwrap_or_else(|| content.content_size());
        Layer {
            blob_digest: sha256_digest(format!("gzip\n{diff_id}").as_bytes()),
            diff_id,
            size,
            blob_size: size / 5 * 2 + 32,
            content: Arc::new(content),
        }
    }
}

/// An image: config, history and layers. Its ID is the sha256 of `config_json()`.
#[derive(Debug, PartialEq, Eq)]
pub struct ImageData {
    pub id: String,
    pub created: SimTime,
    pub author: String,
    pub comment: String,
    pub config: ImageConfig,
    pub history: Vec<History>,
    pub layers: Vec<Arc<Layer>>,
    /// The image it was built on by the legacy builder or committed from (`Parent`), if local.
    pub parent: String,
    /// `DockerVersion` of images the daemon made (commit, legacy build).
    pub docker_version: String,
}

impl ImageData {
    /// An image with its ID computed from its content.
    pub fn new(
        created: SimTime,
        author: String,
        comment: String,
        config: ImageConfig,
        history: Vec<History>,
        layers: Vec<Arc<Layer>>,
        parent: String,
        docker_version: String,
    ) -> ImageData {
        let mut d = ImageData {
            id: String::new(),
            created,
            author,
            comment,
            config,
            history,
            layers,
            parent,
            docker_version,
        };
        d.id = sha256_digest(d.config_json().as_bytes());
        d
    }

    /// Sum of the layer sizes, as `docker images` shows it.
    pub fn size(&self) -> u64 {
        self.layers.iter().map(|l| l.size).sum()
    }

    /// The image's root file system: its layers applied in order.
    pub fn rootfs(&self) -> crate::vfs::Tree {
        crate::vfs::Layer::stack(
            self.layers.iter().map(|l| &*l.content),
            crate::vfs::Meta {
                mode: 0o755,
                uid: 0,
                gid: 0,
                mtime: self.created,
            },
        )
    }

    /// The image config JSON (compact), as registries store it and `docker save` writes it.
    pub fn config_json(&self) -> String {
        let mut o = Map::new();
        o.insert("architecture".into(), json!("amd64"));
        if !self.author.is_empty() {
            o.insert("author".into(), json!(self.author));
        }
        if !self.comment.is_empty() {
            o.insert("comment".into(), json!(self.comment));
        }
        o.insert("config".into(), self.config.to_json());
        o.insert("created".into(), json!(self.created.rfc3339_nano()));
        if !self.docker_version.is_empty() {
            o.insert("docker_version".into(), json!(self.docker_version));
        }
        o.insert(
            "history".into(),
            Value::Array(self.history.iter().map(history_json).collect()),
        );
        o.insert("os".into(), json!("linux"));
        if !self.parent.is_empty() {
            o.insert("parent".into(), json!(self.parent));
        }
        o.insert(
            "rootfs".into(),
            json!({"type": "layers", "diff_ids": self.layers.iter().map(|l| l.diff_id.clone()).collect::<Vec<_>>()}),
        );
        crate::json::compact(&Value::Object(o))
    }

    /// The OCI manifest of this image (compact JSON); its sha256 is the repo digest.
    pub fn manifest_json(&self) -> String {
        let config = self.config_json();
        crate::json::compact(&json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": self.id, "size": config.len()},
            "layers": self.layers.iter().map(|l| json!({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": l.blob_digest, "size": l.blob_size})).collect::<Vec<_>>(),
        }))
    }
}

fn history_json(h: &History) -> Value {
    let mut o = Map::new();
    o.insert("created".into(), json!(h.created.rfc3339_nano()));
    if !h.author.is_empty() {
        o.insert("author".into(), json!(h.author));
    }
    o.insert("created_by".into(), json!(h.created_by));
    if !h.comment.is_empty() {
        o.insert("comment".into(), json!(h.comment));
    }
    if h.empty_layer {
        o.insert("empty_layer".into(), json!(true));
    }
    Value::Object(o)
}

/// What a tag points at: a manifest and its image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    /// `sha256:…` of the manifest JSON (the repo digest).
    pub digest: String,
    /// Bytes of the manifest JSON (`docker push`'s `size:`).
    pub size: u64,
    pub image: Arc<ImageData>,
}

impl Manifest {
    pub fn of(image: Arc<ImageData>) -> Manifest {
        let json = image.manifest_json();
        Manifest {
            digest: sha256_digest(json.as_bytes()),
            size: json.len() as u64,
            image,
        }
    }
}

//! Request and response bodies, named as in the Engine API 1.50 (`/containers/json`, `/images/json`…).

use std::collections::BTreeMap;

use serde::Serialize;

/// Which output stream a chunk of container output belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum StdStream {
    Stdout,
    Stderr,
}

/// One message of a progress stream (`jsonmessage.JSONMessage`): pull, push, load.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProgressMessage {
    /// Layer short ID or tag the status is about; `None` for a plain status line.
    #[serde(rename = "id", skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "status")]
    pub status: String,
    /// The progress bar text, for messages a terminal shows in place (`Downloading`).
    #[serde(rename = "progress", skip_serializing_if = "Option::is_none")]
    pub progress: Option<String>,
}

impl ProgressMessage {
    pub fn status(status: impl Into<String>) -> ProgressMessage {
        ProgressMessage { id: None, status: status.into(), progress: None }
    }
    pub fn layer(id: &str, status: impl Into<String>) -> ProgressMessage {
        ProgressMessage { id: Some(id.to_string()), status: status.into(), progress: None }
    }
}

/// `GET /containers/json` options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContainerListOptions {
    pub all: bool,
    /// Most recently created N containers (any state); `-1` for no limit.
    pub limit: i64,
    pub size: bool,
    /// `--filter key=value` pairs, in the order given.
    pub filters: Vec<(String, String)>,
}

/// A published or exposed port (`types.Port`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Port {
    #[serde(rename = "IP", skip_serializing_if = "String::is_empty")]
    pub ip: String,
    pub private_port: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_port: Option<u16>,
    #[serde(rename = "Type")]
    pub proto: String,
}

/// An item of `GET /containers/json` (`container.Summary`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContainerSummary {
    pub id: String,
    pub names: Vec<String>,
    pub image: String,
    #[serde(rename = "ImageID")]
    pub image_id: String,
    pub command: String,
    /// Unix seconds.
    pub created: i64,
    pub ports: Vec<Port>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size_rw: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size_root_fs: Option<i64>,
    pub labels: BTreeMap<String, String>,
    pub state: String,
    pub status: String,
}

/// An item of `GET /images/json` (`image.Summary`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImageSummary {
    pub id: String,
    pub parent_id: String,
    pub repo_tags: Vec<String>,
    pub repo_digests: Vec<String>,
    /// Unix seconds.
    pub created: i64,
    pub size: i64,
    pub shared_size: i64,
    pub labels: BTreeMap<String, String>,
    pub containers: i64,
}

/// An item of `DELETE /images/{name}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum ImageDeleteItem {
    Untagged(String),
    Deleted(String),
}

/// The subset of `container.Config` + `HostConfig` a `POST /containers/create` carries today.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContainerCreateRequest {
    /// The image as the user gave it (`hello-world`, `nginx:1.27`, an ID prefix).
    pub image: String,
    pub name: Option<String>,
    /// `None`: the image's Cmd.
    pub cmd: Option<Vec<String>>,
    /// `None`: the image's Entrypoint; `Some(vec![])` resets it.
    pub entrypoint: Option<Vec<String>>,
    pub env: Vec<String>,
    pub tty: bool,
    pub open_stdin: bool,
    pub auto_remove: bool,
    pub labels: BTreeMap<String, String>,
    pub hostname: Option<String>,
    pub working_dir: Option<String>,
    pub init: bool,
    pub stop_signal: Option<String>,
    pub stop_timeout: Option<i64>,
}

/// `POST /containers/create` response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContainerCreateResponse {
    pub id: String,
    pub warnings: Vec<String>,
}

/// A chunk of container output with the time it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    pub time: crate::clock::SimTime,
    pub stream: StdStream,
    pub text: String,
}

/// `GET /version` (`types.Version`), reduced to what `docker version` prints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServerVersion {
    pub version: &'static str,
    pub api_version: &'static str,
    pub min_api_version: &'static str,
    pub go_version: &'static str,
    pub git_commit: &'static str,
    pub built: &'static str,
    pub os: &'static str,
    pub arch: &'static str,
    pub experimental: bool,
    pub components: Vec<(&'static str, &'static str, &'static str)>,
}

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
        ProgressMessage {
            id: None,
            status: status.into(),
            progress: None,
        }
    }
    pub fn layer(id: &str, status: impl Into<String>) -> ProgressMessage {
        ProgressMessage {
            id: Some(id.to_string()),
            status: status.into(),
            progress: None,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn port(ip: &str, private: u16, public: Option<u16>) -> Port {
        Port {
            ip: ip.into(),
            private_port: private,
            public_port: public,
            proto: "tcp".into(),
        }
    }

    #[test]
    fn displayable_ports_like_the_cli() {
        assert_eq!(
            displayable_ports(&[port("0.0.0.0", 80, Some(8080)), port("::", 80, Some(8080))]),
            "0.0.0.0:8080->80/tcp, [::]:8080->80/tcp"
        );
        assert_eq!(
            displayable_ports(&[port("", 80, None), port("", 81, None), port("", 82, None)]),
            "80-82/tcp"
        );
        assert_eq!(
            displayable_ports(&[
                port("0.0.0.0", 5432, Some(5432)),
                port("::", 5432, Some(5432))
            ]),
            "0.0.0.0:5432->5432/tcp, [::]:5432->5432/tcp"
        );
        assert_eq!(
            parse_publish("127.0.0.1:8080:80").unwrap()[0].host_port,
            Some(8080)
        );
        assert_eq!(parse_publish("8000-8001:80-81/udp").unwrap().len(), 2);
        assert_eq!(parse_publish("80").unwrap()[0].host_port, None);
        assert!(parse_publish("abc").is_err());
    }
}

/// A published port: `HostConfig.PortBindings` entry, resolved to a host port once running.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct PortBinding {
    /// `""` for all interfaces (bound on `0.0.0.0` and `::`).
    pub host_ip: String,
    /// `None` until the daemon picks one from the ephemeral range.
    pub host_port: Option<u16>,
    pub container_port: u16,
    pub proto: String,
}

/// Parses `-p` values (`8080:80`, `127.0.0.1:8080:80`, `8080:80/udp`, `8000-8001:80-81`, `80`,
/// `127.0.0.1::80`) into bindings, or the CLI's error.
pub fn parse_publish(spec: &str) -> Result<Vec<PortBinding>, String> {
    let (rest, proto) = match spec.rsplit_once('/') {
        Some((r, p)) => (r, p.to_string()),
        None => (spec, "tcp".to_string()),
    };
    if !matches!(proto.as_str(), "tcp" | "udp" | "sctp") {
        return Err(format!("invalid proto: {proto}"));
    }
    let (ip, host, container) = if let Some(stripped) = rest.strip_prefix('[') {
        let (ip, after) = stripped
            .split_once(']')
            .ok_or_else(|| format!("invalid IP address: {rest}"))?;
        let after = after.strip_prefix(':').unwrap_or(after);
        let (h, c) = after.split_once(':').unwrap_or(("", after));
        (ip.to_string(), h.to_string(), c.to_string())
    } else {
        let parts: Vec<&str> = rest.split(':').collect();
        match parts.as_slice() {
            [c] => (String::new(), String::new(), c.to_string()),
            [h, c] => (String::new(), h.to_string(), c.to_string()),
            [ip, h, c] => (ip.to_string(), h.to_string(), c.to_string()),
            _ => return Err(format!("invalid port specification: \"{spec}\"")),
        }
    };
    let range = |s: &str, what: &str| -> Result<(u16, u16), String> {
        let (a, b) = s.split_once('-').unwrap_or((s, s));
        let a: u16 = a.parse().map_err(|_| format!("invalid {what}: {s}"))?;
        let b: u16 = b.parse().map_err(|_| format!("invalid {what}: {s}"))?;
        if b < a {
            return Err(format!("invalid {what}: {s}"));
        }
        Ok((a, b))
    };
    if container.is_empty() {
        return Err("no port specified: :<empty>".to_string());
    }
    let (c0, c1) = range(&container, "containerPort")
        .map_err(|_| format!("invalid containerPort: {container}"))?;
    let hosts = if host.is_empty() {
        None
    } else {
        let (h0, h1) = range(&host, "hostPort").map_err(|_| format!("invalid hostPort: {host}"))?;
        if h1 - h0 != c1 - c0 && h0 != h1 {
            return Err(format!(
                "invalid ranges specified for container and host Ports: {container} and {host}"
            ));
        }
        Some((h0, h1))
    };
    if !ip.is_empty() && ip.parse::<std::net::IpAddr>().is_err() {
        return Err(format!("invalid IP address: {ip}"));
    }
    Ok((c0..=c1)
        .enumerate()
        .map(|(i, c)| PortBinding {
            host_ip: ip.clone(),
            host_port: hosts.map(|(h0, h1)| if h0 == h1 { h0 } else { h0 + i as u16 }),
            container_port: c,
            proto: proto.clone(),
        })
        .collect())
}

/// The CLI's `DisplayablePorts`: sorted, consecutive ports grouped, host mappings last.
pub fn displayable_ports(ports: &[Port]) -> String {
    let mut ports = ports.to_vec();
    crate::text::sort_by(&mut ports, &|a, b| {
        a.private_port
            .cmp(&b.private_port)
            .then_with(|| a.ip.cmp(&b.ip))
            .then_with(|| a.public_port.unwrap_or(0).cmp(&b.public_port.unwrap_or(0)))
            .then_with(|| a.proto.cmp(&b.proto))
    });
    let join_host = |ip: &str, port: &str| {
        if ip.contains(':') {
            format!("[{ip}]:{port}")
        } else {
            format!("{ip}:{port}")
        }
    };
    let mut groups: Vec<(String, u16, u16)> = Vec::new();
    let mut result = Vec::new();
    let mut mappings = Vec::new();
    for p in &ports {
        let current = p.private_port;
        let mut key = p.proto.clone();
        if !p.ip.is_empty() {
            let public = p.public_port.unwrap_or(0);
            if public != current {
                mappings.push(format!(
                    "{}->{}/{}",
                    join_host(&p.ip, &public.to_string()),
                    current,
                    p.proto
                ));
                continue;
            }
            key = format!("{}/{}", p.ip, p.proto);
        }
        match groups.iter_mut().find(|(k, _, _)| *k == key) {
            None => groups.push((key, current, current)),
            Some(g) if current == g.2 + 1 => g.2 = current,
            Some(g) => {
                result.push(form_group(&g.0, g.1, g.2, &join_host));
                *g = (key.clone(), current, current);
            }
        }
    }
    for (k, a, b) in &groups {
        result.push(form_group(k, *a, *b, &join_host));
    }
    result.extend(mappings);
    result.join(", ")
}

fn form_group(
    key: &str,
    start: u16,
    last: u16,
    join_host: &dyn Fn(&str, &str) -> String,
) -> String {
    let (ip, proto) = match key.rsplit_once('/') {
        Some((ip, p)) => (ip, p),
        None => ("", key),
    };
    let mut group = start.to_string();
    if start != last {
        group = format!("{group}-{last}");
    }
    if !ip.is_empty() {
        group = format!("{}->{group}", join_host(ip, &group));
    }
    format!("{group}/{proto}")
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
    /// Names of the networks it is attached to.
    #[serde(skip)]
    pub networks: Vec<String>,
    /// Mount sources (volume names, host paths), for `{{.Mounts}}`.
    #[serde(skip)]
    pub mounts: Vec<String>,
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

/// `GET /images/json` options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImageListOptions {
    /// `-a`: intermediate images too.
    pub all: bool,
    pub filters: super::Filters,
    /// Count the containers using each image (`system df`).
    pub container_count: bool,
    /// Work out the size each image shares with others (`system df -v`).
    pub shared_size: bool,
}

/// An item of `GET /images/{name}/history`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryItem {
    /// The image at this step, or `<missing>` when it is not a local image.
    pub id: String,
    /// Unix seconds.
    pub created: i64,
    pub created_by: String,
    pub tags: Vec<String>,
    pub size: i64,
    pub comment: String,
}

/// `POST /images/prune` response.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImagePruneReport {
    pub deleted: Vec<ImageDeleteItem>,
    pub reclaimed: u64,
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
    /// `-p` bindings.
    pub publish: Vec<PortBinding>,
    /// `-P`: publish every exposed port to an ephemeral host port.
    pub publish_all: bool,
    /// `--expose` ports (`80`, `80/udp`).
    pub expose: Vec<String>,
    pub restart: RestartPolicy,
    pub health: Option<HealthConfig>,
    /// `-u`: a user name or uid (`[:group]`).
    pub user: Option<String>,
    /// `-v` (parsed) and `--mount` specs, in the order given.
    pub mounts: Vec<MountSpec>,
    /// `--network`: a network name or ID, `host` or `none`; `None` is the default bridge.
    pub network: Option<String>,
    /// `--network-alias`.
    pub network_aliases: Vec<String>,
    /// `--link NAME[:ALIAS]`.
    pub links: Vec<String>,
}

/// What kind of mount (`mount.Type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MountType {
    Bind,
    Volume,
    Tmpfs,
}

impl MountType {
    pub fn as_str(self) -> &'static str {
        match self {
            MountType::Bind => "bind",
            MountType::Volume => "volume",
            MountType::Tmpfs => "tmpfs",
        }
    }
}

/// A mount as `-v` or `--mount` asks for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountSpec {
    pub kind: MountType,
    /// Volume name (empty: anonymous) or absolute host path.
    pub source: String,
    pub target: String,
    pub read_only: bool,
    /// The `-v` mode field as given (`ro`, `rw,z`…).
    pub mode: String,
    /// Came from `-v` (kept in `HostConfig.Binds`; missing host paths are created).
    pub from_bind: bool,
}

/// `HostConfig.RestartPolicy`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RestartPolicy {
    /// `no` (empty), `always`, `on-failure`, `unless-stopped`.
    pub name: String,
    pub max_retries: u32,
}

impl RestartPolicy {
    /// `opts.ParseRestartPolicy` (CLI side): `name[:max]`.
    pub fn parse(s: &str) -> Result<RestartPolicy, String> {
        if s.is_empty() {
            return Ok(RestartPolicy::default());
        }
        let (name, max) = match s.split_once(':') {
            Some(("", _)) => {
                return Err("invalid restart policy format: no policy provided before colon".into())
            }
            Some((n, m)) => (
                n,
                Some(m.parse::<i64>().map_err(|_| {
                    "invalid restart policy format: maximum retry count must be an integer"
                        .to_string()
                })?),
            ),
            None => (s, None),
        };
        Ok(RestartPolicy {
            name: name.to_string(),
            max_retries: max.unwrap_or(0).max(0) as u32,
        })
    }

    /// The daemon's validation (`ValidateRestartPolicy`).
    pub fn validate(&self, max_given: bool) -> Result<(), String> {
        match self.name.as_str() {
            "" | "no" | "always" | "unless-stopped" if max_given && self.max_retries > 0 => {
                Err("invalid restart policy: maximum retry count can only be used with 'on-failure'".into())
            }
            "" | "no" | "always" | "unless-stopped" | "on-failure" => Ok(()),
            other => Err(format!(
                "invalid restart policy: unknown policy '{other}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'"
            )),
        }
    }

    pub fn is_none(&self) -> bool {
        self.name.is_empty() || self.name == "no"
    }
}

/// `Config.Healthcheck` from `--health-*` flags (durations in ms).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct HealthConfig {
    /// `["CMD-SHELL", "curl -f …"]`.
    pub test: Vec<String>,
    pub interval_ms: u64,
    pub timeout_ms: u64,
    pub start_period_ms: u64,
    pub retries: u32,
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

//! Networks: the predefined `bridge`, `host` and `none`, and user-defined bridge networks with
//! their embedded DNS (containers resolve each other by name and alias there, not on the default
//! bridge). Containers get an address on each of their networks while they run. Wording follows
//! moby v28 `daemon/network.go` and `libnetwork/error.go`, `network.go`.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::Daemon;
use crate::api::{ApiError, Filters};
use crate::clock::SimTime;

/// A network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Network {
    pub id: String,
    pub name: String,
    /// `bridge`, `host` or `null`.
    pub driver: String,
    /// The second octet of its 172.x.0.0/16 subnet (17 for the default bridge).
    pub octet: u8,
    pub created: SimTime,
    pub internal: bool,
    pub attachable: bool,
    pub labels: BTreeMap<String, String>,
    pub options: BTreeMap<String, String>,
}

impl Network {
    pub fn subnet(&self) -> String {
        format!("172.{}.0.0/16", self.octet)
    }
    pub fn gateway(&self) -> String {
        format!("172.{}.0.1", self.octet)
    }
    pub fn is_predefined(&self) -> bool {
        matches!(self.name.as_str(), "bridge" | "host" | "none")
    }
    /// User-defined networks have an embedded DNS server that knows container names.
    pub fn has_dns(&self) -> bool {
        self.driver == "bridge" && self.name != "bridge"
    }
}

/// A container's attachment to a network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub network: String,
    pub aliases: Vec<String>,
    /// Assigned while the container runs.
    pub ip: Option<String>,
    pub endpoint_id: String,
}

impl Daemon {
    /// The three predefined networks, with IDs derived from the seed (not drawn from the RNG, so
    /// they do not shift other generated IDs).
    pub(super) fn predefined_networks(seed: u64, now: SimTime) -> crate::vecmap::VecMap<String, Network> {
        let mut m = crate::vecmap::VecMap::new();
        for (name, driver) in [("bridge", "bridge"), ("host", "host"), ("none", "null")] {
            let id = crate::vfs::hex_of(&crate::vfs::sha256_digest(
                format!("dockling network {name} {seed}").as_bytes(),
            ))
            .to_string();
            let mut options = BTreeMap::new();
            if name == "bridge" {
                for (k, v) in [
                    ("com.docker.network.bridge.default_bridge", "true"),
                    ("com.docker.network.bridge.enable_icc", "true"),
                    ("com.docker.network.bridge.enable_ip_masquerade", "true"),
                    ("com.docker.network.bridge.host_binding_ipv4", "0.0.0.0"),
                    ("com.docker.network.bridge.name", "docker0"),
                    ("com.docker.network.driver.mtu", "1500"),
                ] {
                    options.insert(k.to_string(), v.to_string());
                }
            }
            m.insert(
                id.clone(),
                Network {
                    id,
                    name: name.to_string(),
                    driver: driver.to_string(),
                    octet: 17,
                    created: now,
                    internal: false,
                    attachable: false,
                    labels: BTreeMap::new(),
                    options,
                },
            );
        }
        m
    }

    /// `FindNetwork`: full ID, name, then unique ID prefix.
    pub fn find_network(&self, term: &str) -> Result<&Network, ApiError> {
        if let Some(n) = self.networks.get(term) {
            return Ok(n);
        }
        let by_name: Vec<&Network> = self.networks.values().filter(|n| n.name == term).collect();
        let by_prefix: Vec<&Network> = self
            .networks
            .values()
            .filter(|n| !term.is_empty() && n.id.starts_with(term))
            .collect();
        match (by_name.as_slice(), by_prefix.as_slice()) {
            ([one], _) => Ok(one),
            ([_, ..], _) => Err(ApiError::bad_request(format!(
                "network {term} is ambiguous ({} matches found on name)",
                by_name.len()
            ))),
            ([], [one]) => Ok(one),
            ([], [_, ..]) => Err(ApiError::bad_request(format!(
                "network {term} is ambiguous ({} matches found based on ID prefix)",
                by_prefix.len()
            ))),
            ([], []) => Err(ApiError::not_found(format!("network {term} not found"))),
        }
    }

    /// `POST /networks/create`: the new network's ID.
    pub fn network_create(
        &mut self,
        name: &str,
        driver: &str,
        internal: bool,
        attachable: bool,
        labels: BTreeMap<String, String>,
        now: SimTime,
    ) -> Result<String, ApiError> {
        if self.networks.values().any(|n| n.name == name) {
            if matches!(name, "bridge" | "host" | "none") {
                return Err(ApiError {
                    status: 403,
                    message: format!("operation is not permitted on predefined {name} network "),
                    exit_code: None,
                });
            }
            return Err(ApiError::conflict(format!("network with name {name} already exists")));
        }
        if driver != "bridge" {
            return Err(ApiError::not_found(format!(
                "dockling: the {driver} network driver is not simulated (only bridge networks)"
            )));
        }
        let used: Vec<u8> = self.networks.values().map(|n| n.octet).collect();
        let Some(octet) = (18..=31u8).find(|o| !used.contains(o)) else {
            return Err(ApiError::server(
                "all predefined address pools have been fully subnetted",
            ));
        };
        let id = self.rng.hex_id();
        self.networks.insert(
            id.clone(),
            Network {
                id: id.clone(),
                name: name.to_string(),
                driver: driver.to_string(),
                octet,
                created: now,
                internal,
                attachable,
                labels,
                options: BTreeMap::new(),
            },
        );
        Ok(id)
    }

    /// The containers attached to a network (IDs, creation order).
    pub fn network_users(&self, network_id: &str) -> Vec<String> {
        self.containers()
            .filter(|c| c.endpoints.iter().any(|e| e.network == network_id))
            .map(|c| c.id.clone())
            .collect()
    }

    /// `DELETE /networks/{id}`.
    pub fn network_remove(&mut self, term: &str) -> Result<(), ApiError> {
        let n = self.find_network(term)?.clone();
        if n.is_predefined() {
            return Err(ApiError {
                status: 403,
                message: format!("{} is a pre-defined network and cannot be removed", n.name),
                exit_code: None,
            });
        }
        let active: Vec<String> = self
            .containers()
            .filter(|c| c.is_running() && c.endpoints.iter().any(|e| e.network == n.id))
            .map(|c| format!("name:\"{}\" id:\"{}\"", c.name, crate::vfs::short_id(&c.id)))
            .collect();
        if !active.is_empty() {
            return Err(ApiError::server(format!(
                "error while removing network: network {} has active endpoints ({})",
                n.name,
                active.join(", ")
            )));
        }
        for c in self.containers.values_mut() {
            c.endpoints.retain(|e| e.network != n.id);
        }
        self.networks.remove(&n.id);
        Ok(())
    }

    /// `GET /networks`, in name order (the CLI sorts them so).
    pub fn network_list(&self, filters: &Filters) -> Result<Vec<&Network>, ApiError> {
        filters.validate(&["dangling", "driver", "id", "label", "name", "scope", "type"])?;
        let mut out: Vec<&Network> = self
            .networks
            .values()
            .filter(|n| {
                let any = |k: &str, f: &dyn Fn(&str) -> bool| {
                    let vs = filters.get(k);
                    vs.is_empty() || vs.iter().any(|v| f(v))
                };
                any("driver", &|v| n.driver == v)
                    && any("id", &|v| n.id.starts_with(v))
                    && any("name", &|v| n.name.contains(v))
                    && any("scope", &|v| v == "local")
                    && any("type", &|v| {
                        (v == "builtin") == n.is_predefined() && (v == "builtin" || v == "custom")
                    })
                    && any("dangling", &|v| {
                        let unused = !n.is_predefined() && self.network_users(&n.id).is_empty();
                        matches!(v, "true" | "1") == unused
                    })
                    && filters.match_labels("label", &n.labels)
            })
            .collect();
        crate::text::sort_by(&mut out, &|a, b| natural_cmp(&a.name, &b.name));
        Ok(out)
    }

    /// `POST /networks/prune`: user-defined networks no container uses.
    pub fn network_prune(&mut self) -> Vec<String> {
        let gone: Vec<(String, String)> = self
            .networks
            .values()
            .filter(|n| !n.is_predefined() && self.network_users(&n.id).is_empty())
            .map(|n| (n.id.clone(), n.name.clone()))
            .collect();
        for (id, _) in &gone {
            self.networks.remove(id);
        }
        let mut names: Vec<String> = gone.into_iter().map(|(_, n)| n).collect();
        crate::text::sort(&mut names);
        names
    }

    /// `POST /networks/{id}/connect`.
    pub fn network_connect(
        &mut self,
        term: &str,
        container: &str,
        aliases: &[String],
    ) -> Result<(), ApiError> {
        let n = self.find_network(term)?.clone();
        let id = self.resolve_container(container)?;
        let Some(c) = self.containers.get(&id) else {
            return Err(ApiError::no_such_container(container));
        };
        if c.network_mode == "host" || c.network_mode == "none" || n.driver != "bridge" {
            return Err(ApiError::bad_request(format!(
                "container sharing network namespace with another container or host cannot be connected to any other network"
            )));
        }
        if c.endpoints.iter().any(|e| e.network == n.id) {
            return Err(ApiError {
                status: 403,
                message: format!("endpoint with name {} already exists in network {}", c.name, n.name),
                exit_code: None,
            });
        }
        let running = c.is_running();
        let endpoint_id = endpoint_id(&id, &n.id);
        let ip = running.then(|| self.allocate_ip(&n));
        if let Some(c) = self.containers.get_mut(&id) {
            c.endpoints.push(Endpoint {
                network: n.id.clone(),
                aliases: aliases.to_vec(),
                ip,
                endpoint_id,
            });
        }
        if running {
            self.write_network_files(&id);
        }
        Ok(())
    }

    /// `POST /networks/{id}/disconnect`.
    pub fn network_disconnect(&mut self, term: &str, container: &str) -> Result<(), ApiError> {
        let n = self.find_network(term)?.clone();
        let id = self.resolve_container(container)?;
        let Some(c) = self.containers.get_mut(&id) else {
            return Err(ApiError::no_such_container(container));
        };
        if !c.endpoints.iter().any(|e| e.network == n.id) {
            return Err(ApiError::bad_request(format!(
                "container {id} is not connected to network {}",
                n.name
            )));
        }
        c.endpoints.retain(|e| e.network != n.id);
        let running = c.is_running();
        if running {
            self.write_network_files(&id);
        }
        Ok(())
    }

    /// The lowest free address of a network (`.2` upwards; `.1` is the gateway).
    fn allocate_ip(&self, n: &Network) -> String {
        let used: std::collections::BTreeSet<String> = self
            .containers
            .values()
            .flat_map(|c| c.endpoints.iter())
            .filter(|e| e.network == n.id)
            .filter_map(|e| e.ip.clone())
            .collect();
        for i in 2..=65_534u32 {
            let ip = format!("172.{}.{}.{}", n.octet, i / 256, i % 256);
            if !used.contains(&ip) {
                return ip;
            }
        }
        format!("172.{}.255.254", n.octet)
    }

    /// Gives a starting container an address on each of its networks and writes its
    /// `/etc/hosts` and `/etc/resolv.conf`.
    pub(super) fn connect_on_start(&mut self, id: &str) {
        let Some(c) = self.containers.get(id) else { return };
        let nets: Vec<Network> = c
            .endpoints
            .iter()
            .filter_map(|e| self.networks.get(&e.network).cloned())
            .collect();
        for n in nets {
            if n.driver != "bridge" {
                continue;
            }
            let ip = self.allocate_ip(&n);
            if let Some(e) = self
                .containers
                .get_mut(id)
                .and_then(|c| c.endpoints.iter_mut().find(|e| e.network == n.id))
            {
                e.ip = Some(ip);
            }
        }
        self.write_network_files(id);
    }

    /// The container's first address (what its servers print and its peers reach).
    pub fn container_ip(&self, id: &str) -> Option<String> {
        self.containers.get(id)?.endpoints.iter().find_map(|e| e.ip.clone())
    }

    /// Resolves a host name from inside a container: itself, `--link`s, and on user-defined
    /// networks the names and aliases of the containers there (the embedded DNS).
    pub fn resolve_from(&self, id: &str, host: &str) -> Option<String> {
        let c = self.containers.get(id)?;
        if host == "localhost" || host == c.hostname || host == "127.0.0.1" {
            return Some("127.0.0.1".into());
        }
        if host.split('.').count() == 4 && host.split('.').all(|p| p.parse::<u8>().is_ok()) {
            return Some(host.to_string());
        }
        for (alias, target) in &c.links {
            if alias == host {
                return self.container_ip(target);
            }
        }
        for e in &c.endpoints {
            let Some(n) = self.networks.get(&e.network) else { continue };
            if !n.has_dns() {
                continue;
            }
            for other in self.containers.values() {
                let Some(oe) = other.endpoints.iter().find(|x| x.network == e.network) else {
                    continue;
                };
                let names = other.name == host
                    || other.id.starts_with(host) && host.len() >= 12
                    || oe.aliases.iter().any(|a| a == host);
                if names {
                    if let Some(ip) = &oe.ip {
                        return Some(ip.clone());
                    }
                }
            }
        }
        None
    }

    /// `/etc/hosts` and `/etc/resolv.conf` as Docker writes them for a running container.
    pub(super) fn write_network_files(&mut self, id: &str) {
        let Some(c) = self.containers.get(id) else { return };
        let user_net = c
            .endpoints
            .iter()
            .any(|e| self.networks.get(&e.network).is_some_and(|n| n.has_dns()));
        let mut hosts = String::from(
            "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::\tip6-localnet\nff00::\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n",
        );
        for (alias, target) in &c.links {
            if let (Some(ip), Some(t)) = (self.container_ip(target), self.containers.get(target)) {
                hosts.push_str(&format!("{ip}\t{alias} {} {}\n", &t.id[..12], t.name));
            }
        }
        if let Some(ip) = c.endpoints.iter().find_map(|e| e.ip.clone()) {
            hosts.push_str(&format!("{ip}\t{}\n", c.hostname));
        }
        let resolv = if user_net {
            self.resolv_conf.0.clone()
        } else {
            self.resolv_conf.1.clone()
        };
        let now = c.started_at.unwrap_or(c.created);
        let Some(c) = self.containers.get_mut(id) else { return };
        if c.rootfs.get("/etc").is_none() {
            return;
        }
        let meta = crate::vfs::Meta {
            mode: 0o644,
            uid: 0,
            gid: 0,
            mtime: now,
        };
        let hosts = Arc::new(hosts.as_bytes().to_vec());
        // Docker's own files are bind mounts, not part of the container's layer: the base (for
        // `docker diff`) gets them too. A root nobody has changed since create stays one tree.
        let unchanged = c.rootfs.same_as(&c.base);
        let _ = c.base.write_shared("/etc/hosts", hosts.clone(), &meta);
        let _ = c.base.write_shared("/etc/resolv.conf", resolv.clone(), &meta);
        if unchanged {
            c.rootfs = c.base.clone();
        } else {
            let _ = c.rootfs.write_shared("/etc/hosts", hosts, &meta);
            let _ = c.rootfs.write_shared("/etc/resolv.conf", resolv, &meta);
        }
    }
}

/// An endpoint's ID, derived from its container and network (not drawn from the RNG).
pub fn endpoint_id(container: &str, network: &str) -> String {
    crate::vfs::hex_of(&crate::vfs::sha256_digest(
        format!("endpoint {container} {network}").as_bytes(),
    ))
    .to_string()
}

/// `sortorder.NaturalLess`: digit runs compare as numbers.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, _) => return std::cmp::Ordering::Less,
            (_, None) => return std::cmp::Ordering::Greater,
            (Some(p), Some(q)) if p.is_ascii_digit() && q.is_ascii_digit() => {
                let i = x.iter().take_while(|c| c.is_ascii_digit()).count();
                let j = y.iter().take_while(|c| c.is_ascii_digit()).count();
                let (nx, ny) = (
                    std::str::from_utf8(&x[..i]).unwrap_or("").trim_start_matches('0'),
                    std::str::from_utf8(&y[..j]).unwrap_or("").trim_start_matches('0'),
                );
                let o = nx.len().cmp(&ny.len()).then(nx.cmp(ny));
                if o != std::cmp::Ordering::Equal {
                    return o;
                }
                x = &x[i..];
                y = &y[j..];
            }
            (Some(p), Some(q)) => {
                if p != q {
                    return p.cmp(q);
                }
                x = &x[1..];
                y = &y[1..];
            }
        }
    }
}

//! Carrying traffic: what a container's processes see of the world when they run (`View`: their
//! address, the names they resolve), HTTP from the host through published ports, and HTTP between
//! containers. A server answers only while its container runs and only on the port it listens
//! on; a published port with nothing behind it resets the connection, as docker-proxy does.

use super::containers::Container;
use super::Daemon;
use crate::api::StdStream;
use crate::clock::SimTime;
use crate::proc::machine::{Machine, NetReply, NetRequest};
use crate::proc::program::{HttpRequest, Input};

/// What a container's processes see besides its files, worked out before they run.
#[derive(Clone, Debug, Default)]
pub(super) struct View {
    pub procs: Vec<(u32, String)>,
    pub hosts: Vec<(String, String)>,
    pub ip: String,
    pub seed: u64,
    /// Not on `--network none`.
    pub online: bool,
}

/// A machine for a container's process.
pub(super) fn machine<'a>(
    c: &'a mut Container,
    v: &'a View,
    now: SimTime,
    uid: u32,
    tty: bool,
) -> Machine<'a> {
    Machine {
        fs: &mut c.rootfs,
        now,
        hostname: &c.hostname,
        uid,
        procs: &v.procs,
        tty,
        signals: Vec::new(),
        stdin: Input::default(),
        ip: &v.ip,
        seed: v.seed,
        hosts: &v.hosts,
        requests: Vec::new(),
        direct: false,
        online: v.online,
    }
}

impl Daemon {
    /// The view of container `id` now.
    pub(super) fn view(&self, id: &str) -> View {
        let Some(c) = self.containers.get(id) else {
            return View::default();
        };
        let ip = self.container_ip(id).unwrap_or_default();
        let mut hosts = vec![
            ("localhost".to_string(), "127.0.0.1".to_string()),
            (c.hostname.clone(), if ip.is_empty() { "127.0.0.1".into() } else { ip.clone() }),
        ];
        for (alias, target) in &c.links {
            if let (Some(t), Some(tip)) = (self.containers.get(target), self.container_ip(target)) {
                hosts.push((alias.clone(), tip.clone()));
                hosts.push((t.name.clone(), tip));
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
                let Some(oip) = &oe.ip else { continue };
                hosts.push((other.name.clone(), oip.clone()));
                hosts.push((other.id[..12].to_string(), oip.clone()));
                for a in &oe.aliases {
                    hosts.push((a.clone(), oip.clone()));
                }
            }
        }
        // Any address of a network it is on is reachable by number.
        for other in self.containers.values() {
            for oe in &other.endpoints {
                if let Some(oip) = &oe.ip {
                    if c.endpoints.iter().any(|e| e.network == oe.network) {
                        hosts.push((oip.clone(), oip.clone()));
                    }
                }
            }
        }
        hosts.push(("127.0.0.1".into(), "127.0.0.1".into()));
        let seed = u64::from_str_radix(&id[..16.min(id.len())], 16).unwrap_or(0);
        View {
            procs: c.procs(),
            hosts,
            ip,
            seed,
            online: c.network_mode != "none",
        }
    }

    /// An HTTP request from the host to `localhost:port`.
    pub fn http_from_host(&mut self, port: u16, req: &HttpRequest, now: SimTime) -> NetReply {
        // A container publishing the port (docker-proxy forwards to its address).
        let published = self.containers().find_map(|c| {
            (c.is_running() && c.bound.iter().any(|b| b.public_port == Some(port) && b.proto == "tcp"))
                .then(|| {
                    let private = c
                        .bound
                        .iter()
                        .find(|b| b.public_port == Some(port))
                        .map(|b| b.private_port)
                        .unwrap_or(port);
                    (c.id.clone(), private)
                })
        });
        if let Some((id, private)) = published {
            let gateway = self.gateway_of(&id);
            let mut r = req.clone();
            r.peer = gateway;
            return match self.http_to(&id, private, &r, false, now) {
                NetReply::Refused => NetReply::Reset,
                other => other,
            };
        }
        // A container on the host's network listens on the host's own ports.
        let host_net = self
            .containers()
            .find(|c| c.is_running() && c.network_mode == "host")
            .map(|c| c.id.clone());
        if let Some(id) = host_net {
            let mut r = req.clone();
            r.peer = "127.0.0.1".into();
            return self.http_to(&id, port, &r, true, now);
        }
        NetReply::Refused
    }

    /// The running container that has address `ip`.
    pub fn container_with_ip(&self, ip: &str) -> Option<String> {
        self.containers
            .values()
            .find(|c| c.is_running() && c.endpoints.iter().any(|e| e.ip.as_deref() == Some(ip)))
            .map(|c| c.id.clone())
    }

    /// A request from the host straight to a container's address.
    pub fn http_to_container(&mut self, id: &str, port: u16, req: &HttpRequest, now: SimTime) -> NetReply {
        self.http_to(id, port, req, false, now)
    }

    fn gateway_of(&self, id: &str) -> String {
        self.containers
            .get(id)
            .and_then(|c| c.endpoints.first())
            .and_then(|e| self.networks.get(&e.network))
            .map(|n| n.gateway())
            .unwrap_or_else(|| "172.17.0.1".into())
    }

    /// Delivers a request to a port of a container: its main process or an exec'd one answers if
    /// it listens there (on any address, or on loopback when the request comes from inside).
    pub(super) fn http_to(
        &mut self,
        id: &str,
        port: u16,
        req: &HttpRequest,
        from_inside: bool,
        now: SimTime,
    ) -> NetReply {
        let running = self.containers.get(id).is_some_and(|c| c.is_running() && c.status != super::ContainerStatus::Paused);
        if !running {
            return NetReply::Refused;
        }
        if let Some(r) = self.registry_api(id, port, req, now) {
            return r;
        }
        self.mounts_in(id);
        let view = self.view(id);
        let Some(c) = self.containers.get_mut(id) else {
            return NetReply::Refused;
        };
        let reachable = |l: &[crate::proc::program::Listen]| {
            l.iter().any(|x| {
                x.port == port
                    && (from_inside || !matches!(x.host.as_str(), "127.0.0.1" | "localhost" | "::1"))
            })
        };
        let mut out = Vec::new();
        let mut reply = None;
        let uid = c.uid;
        let tty = c.tty;
        if let Some(mut p) = c.process.take() {
            if reachable(&p.listening()) {
                let mut m = machine(c, &view, now, uid, tty);
                reply = p.http(port, req, &mut m, &mut out);
            } else if p.listening().iter().any(|x| x.port == port) {
                // Bound to loopback only: the connection from outside is reset.
                c.process = Some(p);
                Self::emit(c, &mut self.attachments, out, now);
                return NetReply::Reset;
            }
            c.process = Some(p);
        }
        Self::emit(c, &mut self.attachments, out, now);
        if reply.is_none() {
            let exec_ids: Vec<String> = c.execs.keys().cloned().collect();
            for eid in exec_ids {
                let Some(mut e) = c.execs.remove(&eid) else { continue };
                let mut eo = Vec::new();
                if let Some(p) = e.process.as_mut() {
                    if reachable(&p.listening()) {
                        let mut m = machine(c, &view, now, e.uid, e.tty);
                        reply = p.http(port, req, &mut m, &mut eo);
                    }
                }
                let target = super::AttachTarget::Exec(id.to_string(), eid.clone());
                for (stream, text) in eo {
                    for a in self.attachments.values_mut().filter(|a| a.target == target) {
                        a.pending.push((stream, text.clone()));
                    }
                }
                c.execs.insert(eid, e);
                if reply.is_some() {
                    break;
                }
            }
        }
        self.mounts_out(id);
        match reply {
            Some(r) => NetReply::Response(r),
            None => NetReply::Refused,
        }
    }

    /// A registry container's `/v2/` API, answered from what was pushed to it.
    fn registry_api(&mut self, id: &str, port: u16, req: &HttpRequest, now: SimTime) -> Option<NetReply> {
        let c = self.containers.get(id)?;
        let serves = port == 5000
            && crate::api::Reference::parse(&c.image_ref).is_ok_and(|r| r.path == "library/registry")
            && c.process.as_ref().is_some_and(|p| !p.program.is_empty());
        let path = req.target.split('?').next().unwrap_or("");
        if !serves || !path.starts_with("/v2/") {
            return None;
        }
        let repos = self.hub.owned_by(id);
        let json = |v: serde_json::Value| crate::json::compact(&v) + "\n";
        let (status, reason, body) = if path == "/v2/" {
            (200, "OK", "{}".to_string())
        } else if path == "/v2/_catalog" {
            let mut names: Vec<String> = repos.iter().map(|(n, _)| n.clone()).collect();
            crate::text::sort(&mut names);
            (200, "OK", json(serde_json::json!({"repositories": names})))
        } else if let Some(name) = path.strip_prefix("/v2/").and_then(|p| p.strip_suffix("/tags/list")) {
            match repos.iter().find(|(n, _)| n == name) {
                Some((n, tags)) => (200, "OK", json(serde_json::json!({"name": n, "tags": tags}))),
                None => (404, "Not Found", json(serde_json::json!({"errors": [{"code": "NAME_UNKNOWN", "message": "repository name not known to registry", "detail": {"name": name}}]}))),
            }
        } else {
            (404, "Not Found", "404 page not found\n".to_string())
        };
        let c = self.containers.get_mut(id)?;
        let line = format!(
            "{} - - [{}] \"{} {} HTTP/1.1\" {status} {} \"\" \"{}\"\n",
            req.peer,
            crate::proc::programs::http::clf_date(now),
            req.method,
            req.target,
            body.len(),
            crate::proc::programs::http::header(&req.headers, "User-Agent").unwrap_or("")
        );
        Self::emit(c, &mut self.attachments, vec![(StdStream::Stderr, line)], now);
        Some(NetReply::Response(crate::proc::program::HttpResponse {
            status,
            reason: reason.into(),
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("Docker-Distribution-Api-Version".into(), "registry/2.0".into()),
                ("X-Content-Type-Options".into(), "nosniff".into()),
                ("Date".into(), crate::proc::programs::http::http_date(now)),
                ("Content-Length".into(), body.len().to_string()),
            ],
            body: body.into_bytes(),
        }))
    }

    /// Carries the requests programs in container `from` sent during a step, and hands each
    /// answer back to the process that asked.
    pub(super) fn carry_requests(&mut self, from: &str, requests: Vec<NetRequest>, now: SimTime) {
        for r in requests {
            let target = if r.ip == "127.0.0.1" {
                Some(from.to_string())
            } else {
                self.containers
                    .values()
                    .find(|c| c.endpoints.iter().any(|e| e.ip.as_deref() == Some(r.ip.as_str())))
                    .map(|c| c.id.clone())
            };
            let reply = match target {
                Some(t) => {
                    let inside = t == from;
                    self.http_to(&t, r.port, &r.request, inside, now)
                }
                None => NetReply::Refused,
            };
            let Some(c) = self.containers.get_mut(from) else { return };
            let mut delivered = c.process.as_mut().is_some_and(|p| p.net_reply(r.token, reply.clone()));
            if delivered {
                c.wake = Some(now);
            } else {
                for e in c.execs.values_mut() {
                    if e.process.as_mut().is_some_and(|p| p.net_reply(r.token, reply.clone())) {
                        e.wake = Some(now);
                        delivered = true;
                        break;
                    }
                }
            }
            let _ = (delivered, StdStream::Stdout);
        }
    }
}

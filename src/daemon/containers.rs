//! Containers: create, start, stop (signal, grace period, SIGKILL), kill, pause, rename, remove,
//! list; their processes and the clients attached to them. Wording follows moby v28.2.2
//! (`daemon/errors.go`, `delete.go`, `kill.go`, `stop.go`, `start.go`, `container/state.go`).

use std::collections::BTreeMap;

use super::{names, Daemon};
use crate::api::{
    ApiError, ContainerCreateRequest, ContainerCreateResponse, ContainerListOptions,
    ContainerSummary, HealthConfig, LogEntry, Port, PortBinding, RestartPolicy, StdStream,
};
use crate::clock::{Millis, SimTime};
use crate::proc::machine::resolve;
use crate::proc::{Output, Process, Signal, Step};
use crate::text::human_duration;
use crate::vfs::{short_id, Meta, Tree};

/// The lifecycle state of a container (`State.StateString`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerStatus {
    Created,
    Running,
    Paused,
    /// Waiting out the restart policy's back-off.
    Restarting,
    Exited,
}

impl ContainerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ContainerStatus::Created => "created",
            ContainerStatus::Running => "running",
            ContainerStatus::Paused => "paused",
            ContainerStatus::Restarting => "restarting",
            ContainerStatus::Exited => "exited",
        }
    }
}

/// Health check state (`State.Health`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Health {
    /// `starting`, `healthy` or `unhealthy`.
    pub status: &'static str,
    pub failing_streak: u32,
    pub next_check: SimTime,
    /// (start, end, exit code, output) of recent probes, at most 5.
    pub log: Vec<(SimTime, SimTime, i32, String)>,
}

/// A process started with `docker exec`.
#[derive(Clone, Debug)]
pub struct ExecProcess {
    pub id: String,
    /// The uid it runs as (`exec -u`).
    pub uid: u32,
    pub argv: Vec<String>,
    pub process: Option<Process>,
    pub wake: Option<SimTime>,
    pub exit_code: Option<i32>,
    pub tty: bool,
}

/// A container, its file system and its processes.
#[derive(Clone, Debug)]
pub struct Container {
    pub id: String,
    pub name: String,
    pub created: SimTime,
    /// The image as given at create (`hello-world`), shown by `ps`.
    pub image_ref: String,
    pub image_id: String,
    pub path: String,
    pub args: Vec<String>,
    /// The process environment (the runtime adds PATH, HOSTNAME, TERM and HOME).
    pub env: Vec<String>,
    /// `Config.Env`: the image's variables with `-e`/`--env-file` applied.
    pub config_env: Vec<String>,
    /// `Config.Cmd` and `Config.Entrypoint` as created (for `docker commit`, `inspect`).
    pub config_cmd: Option<Vec<String>>,
    pub config_entrypoint: Option<Vec<String>>,
    pub working_dir: String,
    pub hostname: String,
    /// `-u` as given, and who that is once started.
    pub user: String,
    pub uid: u32,
    pub tty: bool,
    pub open_stdin: bool,
    pub auto_remove: bool,
    pub init: bool,
    pub labels: BTreeMap<String, String>,
    pub stop_signal: Signal,
    pub stop_timeout: Option<i64>,
    /// `-p` bindings as requested.
    pub publish: Vec<PortBinding>,
    /// Volumes, bind mounts and tmpfs, in the order created.
    pub mounts: Vec<crate::daemon::Mount>,
    /// `HostConfig.NetworkMode`: `bridge` (default), a network name, `host` or `none`.
    pub network_mode: String,
    /// The networks it is attached to, with their addresses while it runs.
    pub endpoints: Vec<crate::daemon::Endpoint>,
    /// `--link`: (alias, container ID).
    pub links: Vec<(String, String)>,
    pub publish_all: bool,
    /// Exposed ports (`80/tcp`): the image's, `--expose`, and published ones.
    pub exposed: Vec<(u16, String)>,
    /// Ports bound on the host while running (`0.0.0.0:8080->80/tcp` and `[::]:…`).
    pub bound: Vec<Port>,
    /// The network endpoint's ID while running.
    pub endpoint_id: String,
    pub restart_policy: RestartPolicy,
    /// Current restart back-off (`restartmanager`): 100 ms doubling to a minute.
    pub(super) restart_backoff_ms: u64,
    pub(super) restart_at: Option<SimTime>,
    /// Stopped by `docker stop`/`kill`: restart policies do not apply.
    pub(super) manually_stopped: bool,
    pub health_config: Option<HealthConfig>,
    pub health: Option<Health>,
    pub status: ContainerStatus,
    pub pid: u32,
    pub exit_code: i32,
    pub error: String,
    pub started_at: Option<SimTime>,
    pub finished_at: Option<SimTime>,
    pub restart_count: u32,
    pub logs: Vec<LogEntry>,
    pub rootfs: Tree,
    /// The root file system as created (image + the files Docker writes), for `docker diff`.
    pub base: Tree,
    pub execs: crate::vecmap::VecMap<String, ExecProcess>,
    pub(super) process: Option<Process>,
    /// When the main process wants to be stepped next.
    pub(super) wake: Option<SimTime>,
    /// When a `docker stop` grace period ends in SIGKILL.
    pub(super) kill_at: Option<SimTime>,
    /// Waiting for input (stepped again when some arrives).
    pub(super) wants_stdin: bool,
}

impl Container {
    pub fn is_running(&self) -> bool {
        matches!(
            self.status,
            ContainerStatus::Running | ContainerStatus::Paused | ContainerStatus::Restarting
        )
    }

    /// `State.String()`: `Up 3 minutes`, `Up 2 seconds (Paused)`, `Exited (0) 2 hours ago`, `Created`.
    pub fn status_text(&self, now: SimTime) -> String {
        let up = || human_duration(now.since(self.started_at.unwrap_or(self.created)));
        match self.status {
            ContainerStatus::Running => match &self.health {
                Some(h) if h.status == "starting" => format!("Up {} (health: starting)", up()),
                Some(h) => format!("Up {} ({})", up(), h.status),
                None => format!("Up {}", up()),
            },
            ContainerStatus::Paused => format!("Up {} (Paused)", up()),
            ContainerStatus::Restarting => format!(
                "Restarting ({}) {} ago",
                self.exit_code,
                human_duration(now.since(self.finished_at.unwrap_or(now)))
            ),
            ContainerStatus::Created => "Created".into(),
            ContainerStatus::Exited => match self.finished_at {
                Some(t) => format!(
                    "Exited ({}) {} ago",
                    self.exit_code,
                    human_duration(now.since(t))
                ),
                None => String::new(),
            },
        }
    }

    /// `Path` and `Args` as `ps` shows them: arguments with spaces wrapped in `'…'`.
    pub fn command_text(&self) -> String {
        let mut s = self.path.clone();
        for a in &self.args {
            s.push(' ');
            if a.contains(' ') {
                s.push('\'');
                s.push_str(a);
                s.push('\'');
            } else {
                s.push_str(a);
            }
        }
        s
    }

    /// The processes `ps` shows inside: PID 1 and the running execs.
    pub fn procs(&self) -> Vec<(u32, String)> {
        let mut v = vec![(1, self.command_text())];
        for (k, e) in self
            .execs
            .values()
            .filter(|e| e.exit_code.is_none())
            .enumerate()
        {
            v.push((7 + 6 * k as u32, e.argv.join(" ")));
        }
        v
    }
}

/// What a client is attached to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttachTarget {
    Container(String),
    Exec(String, String),
}

/// A client attached to a container's (or an exec's) output, kept until the client has read the
/// exit, even if the container is removed meanwhile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    pub target: AttachTarget,
    pub pending: Vec<(StdStream, String)>,
    pub exit_code: Option<i32>,
}

/// The `publish`/`expose` filters: `80`, `80/tcp`, `8000-8080/udp` against (port, protocol) pairs.
fn port_filter<'a>(v: &str, ports: &mut dyn Iterator<Item = (u16, &'a str)>) -> bool {
    let (range, proto) = v.split_once('/').unwrap_or((v, "tcp"));
    let (lo, hi) = range.split_once('-').unwrap_or((range, range));
    let (Ok(lo), Ok(hi)) = (lo.parse::<u16>(), hi.parse::<u16>()) else {
        return false;
    };
    for (p, pr) in ports {
        if lo <= p && p <= hi && pr == proto {
            return true;
        }
    }
    false
}

/// moby's `^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$`: at least two characters.
fn valid_name(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() >= 2
        && b[0].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

/// The OCI runtime's error when the command cannot be executed (Engine 28 with runc 1.2).
fn exec_error(exe: &str) -> ApiError {
    let detail = if exe.contains('/') {
        format!("exec: \"{exe}\": stat {exe}: no such file or directory")
    } else {
        format!("exec: \"{exe}\": executable file not found in $PATH")
    };
    ApiError {
        status: 400,
        message: format!("failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: {detail}: unknown"),
        exit_code: Some(127),
    }
}

impl Daemon {
    /// `GetContainer`: full ID, name, or unique ID prefix.
    pub fn find_container(&self, name: &str) -> Result<&Container, ApiError> {
        let id = self.resolve_container(name)?;
        self.containers
            .get(&id)
            .ok_or_else(|| ApiError::no_such_container(name))
    }

    /// The full ID of a container by name, ID or ID prefix.
    pub fn resolve_id(&self, name: &str) -> Result<String, ApiError> {
        self.resolve_container(name)
    }

    pub(super) fn resolve_container(&self, name: &str) -> Result<String, ApiError> {
        if name.is_empty() {
            return Err(ApiError::no_such_container(name));
        }
        if self.containers.contains_key(name) {
            return Ok(name.to_string());
        }
        let bare = name.strip_prefix('/').unwrap_or(name);
        if let Some(c) = self.containers.values().find(|c| c.name == bare) {
            return Ok(c.id.clone());
        }
        let matches: Vec<&String> = self
            .containers
            .keys()
            .filter(|id| id.starts_with(name))
            .collect();
        match matches.len() {
            1 => Ok(matches[0].clone()),
            0 => Err(ApiError::no_such_container(name)),
            _ => Err(ApiError::bad_request(format!("multiple IDs found with provided prefix: {name}"))),
        }
    }

    /// A container's file system, for `docker cp` (mutable to copy into it).
    pub fn container_fs_mut(&mut self, name: &str) -> Result<&mut Container, ApiError> {
        let id = self.resolve_container(name)?;
        self.containers
            .get_mut(&id)
            .ok_or_else(|| ApiError::no_such_container(name))
    }

    /// All containers, oldest first.
    pub fn containers(&self) -> impl Iterator<Item = &Container> {
        self.order.iter().filter_map(|id| self.containers.get(id))
    }

    /// The first container (in creation order) using an image and matching `pred`.
    pub(super) fn container_using(
        &self,
        image_id: &str,
        pred: impl Fn(&Container) -> bool,
    ) -> Option<String> {
        self.containers()
            .find(|c| c.image_id == image_id && pred(c))
            .map(|c| c.id.clone())
    }

    /// `POST /containers/create`. A missing image answers `No such image: <ref>` (the CLI then pulls).
    pub fn container_create(
        &mut self,
        req: &ContainerCreateRequest,
        now: SimTime,
    ) -> Result<ContainerCreateResponse, ApiError> {
        if let Some(n) = &req.name {
            let bare = n.strip_prefix('/').unwrap_or(n);
            if !valid_name(bare) {
                return Err(ApiError::bad_request(format!(
                    "Invalid container name ({bare}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"
                )));
            }
            if let Some(c) = self.containers.values().find(|c| c.name == bare) {
                return Err(ApiError::conflict(format!(
                    "Conflict. The container name \"/{bare}\" is already in use by container \"{}\". You have to remove (or rename) that container to be able to reuse that name.",
                    c.id
                )));
            }
        }
        req.restart
            .validate(req.restart.max_retries > 0)
            .map_err(ApiError::bad_request)?;
        if req.auto_remove && !req.restart.is_none() {
            return Err(ApiError::bad_request(
                "can't create 'AutoRemove' container with restart policy",
            ));
        }
        let (image_id, _) = self.find_image(&req.image).map_err(|_| {
            let shown = crate::api::Reference::parse(&req.image)
                .map(|r| r.with_default_tag().familiar())
                .unwrap_or_else(|_| req.image.clone());
            ApiError::no_such_image(&shown)
        })?;
        let Some(img) = self.images.get(&image_id) else {
            return Err(ApiError::no_such_image(&req.image));
        };
        let config = img.data.config.clone();
        let mut rootfs = img.rootfs.clone();
        let entrypoint = req
            .entrypoint
            .clone()
            .unwrap_or_else(|| config.entrypoint.clone().unwrap_or_default());
        let cmd = match &req.cmd {
            Some(c) if !c.is_empty() => c.clone(),
            _ if req.entrypoint.is_some() => Vec::new(),
            _ => config.cmd.clone().unwrap_or_default(),
        };
        let mut argv = entrypoint;
        argv.extend(cmd);
        if argv.is_empty() {
            return Err(ApiError::bad_request("no command specified"));
        }
        let mut env = config.env.clone();
        for e in &req.env {
            let key = e.split('=').next().unwrap_or(e);
            env.retain(|x| x.split('=').next() != Some(key));
            env.push(e.clone());
        }
        let config_env = env.clone();
        let config_cmd = match &req.cmd {
            Some(c) if !c.is_empty() => Some(c.clone()),
            _ if req.entrypoint.is_some() => None,
            _ => config.cmd.clone(),
        };
        let config_entrypoint = req.entrypoint.clone().or_else(|| config.entrypoint.clone());
        let id = self.rng.hex_id();
        let hostname = req.hostname.clone().unwrap_or_else(|| id[..12].to_string());
        // The runtime's environment: PATH and HOSTNAME (and TERM with a TTY) first, then the
        // image's and the user's variables, HOME last when nobody set it.
        let mut front = Vec::new();
        if let Some(p) = env.iter().position(|e| e.starts_with("PATH=")) {
            front.push(env.remove(p));
        }
        if !env.iter().any(|e| e.starts_with("HOSTNAME=")) {
            front.push(format!("HOSTNAME={hostname}"));
        }
        if req.tty && !env.iter().any(|e| e.starts_with("TERM=")) {
            front.push("TERM=xterm".into());
        }
        front.extend(env);
        let mut env = front;
        if !env.iter().any(|e| e.starts_with("HOME=")) {
            let user = req.user.clone().unwrap_or_else(|| config.user.clone());
            let home = crate::proc::machine::lookup_user(&rootfs, &user).map(|u| u.home).unwrap_or_else(|_| "/".into());
            env.push(format!("HOME={home}"));
        }
        let name = match &req.name {
            Some(n) => n.strip_prefix('/').unwrap_or(n).to_string(),
            None => {
                let taken: Vec<String> = self.containers.values().map(|c| c.name.clone()).collect();
                names::generate(
                    &mut self.rng,
                    |n| taken.iter().any(|t| t == n),
                    short_id(&id),
                )
            }
        };
        let meta = Meta {
            mode: 0o644,
            uid: 0,
            gid: 0,
            mtime: now,
        };
        if rootfs.get("/etc").is_some() {
            let _ = rootfs.write(
                "/etc/hostname",
                format!("{hostname}\n").as_bytes(),
                false,
                &meta,
            );
        }
        let working_dir = req
            .working_dir
            .clone()
            .filter(|w| !w.is_empty())
            .unwrap_or_else(|| {
                if config.working_dir.is_empty() {
                    "/".into()
                } else {
                    config.working_dir.clone()
                }
            });
        let dir_meta = Meta {
            mode: 0o755,
            ..meta
        };
        if rootfs.get(&working_dir).is_none() {
            let _ = rootfs.mkdir(&working_dir, true, &dir_meta);
        }
        let mut labels = config.labels.clone();
        labels.extend(req.labels.clone());
        let stop_signal = req
            .stop_signal
            .as_deref()
            .or(config.stop_signal.as_deref())
            .and_then(Signal::parse)
            .unwrap_or(Signal::Term);
        let mut exposed: Vec<(u16, String)> = Vec::new();
        let parse_port = |s: &str| -> Option<(u16, String)> {
            let (n, p) = s.split_once('/').unwrap_or((s, "tcp"));
            Some((n.parse().ok()?, p.to_string()))
        };
        for k in config.exposed_ports.keys() {
            exposed.extend(parse_port(k));
        }
        for e in &req.expose {
            exposed.extend(parse_port(e));
        }
        for b in &req.publish {
            exposed.push((b.container_port, b.proto.clone()));
        }
        crate::text::sort(&mut exposed);
        exposed.dedup();
        let (network_mode, endpoints, links) = self.create_network(req, &name, &id)?;
        let image_volumes: Vec<String> = config.volumes.keys().cloned().collect();
        let mounts = self.create_mounts(&req.mounts, &image_volumes, now)?;
        let container = Container {
            mounts,
            network_mode,
            endpoints,
            links,
            id: id.clone(),
            name,
            created: now,
            image_ref: req.image.clone(),
            image_id,
            path: argv[0].clone(),
            args: argv[1..].to_vec(),
            env,
            config_env,
            config_cmd,
            config_entrypoint,
            working_dir,
            hostname,
            user: req.user.clone().unwrap_or_else(|| config.user.clone()),
            uid: 0,
            tty: req.tty,
            open_stdin: req.open_stdin,
            auto_remove: req.auto_remove,
            init: req.init,
            labels,
            stop_signal,
            stop_timeout: req.stop_timeout,
            publish: req.publish.clone(),
            publish_all: req.publish_all,
            exposed,
            bound: Vec::new(),
            endpoint_id: String::new(),
            restart_policy: req.restart.clone(),
            restart_backoff_ms: 0,
            restart_at: None,
            manually_stopped: false,
            health_config: req.health.clone(),
            health: None,
            status: ContainerStatus::Created,
            pid: 0,
            exit_code: 0,
            error: String::new(),
            started_at: None,
            finished_at: None,
            restart_count: 0,
            logs: Vec::new(),
            base: rootfs.clone(),
            rootfs,
            execs: crate::vecmap::VecMap::new(),
            process: None,
            wake: None,
            kill_at: None,
            wants_stdin: false,
        };
        self.containers.insert(id.clone(), container);
        self.order.push(id.clone());
        self.mounts_in(&id);
        Ok(ContainerCreateResponse {
            id,
            warnings: Vec::new(),
        })
    }

    /// `POST /containers/{id}/attach`: output from now on is kept for the client.
    pub fn container_attach(&mut self, name: &str) -> Result<u64, ApiError> {
        let id = self.resolve_container(name)?;
        Ok(self.new_attachment(AttachTarget::Container(id)))
    }

    pub(super) fn new_attachment(&mut self, target: AttachTarget) -> u64 {
        let handle = self.next_attach;
        self.next_attach += 1;
        self.attachments.insert(
            handle,
            Attachment {
                target,
                pending: Vec::new(),
                exit_code: None,
            },
        );
        handle
    }

    /// Takes what an attached client has not read yet; `exit_code` is set once the target exited.
    pub fn attachment_poll(&mut self, handle: u64) -> Option<Attachment> {
        let a = self.attachments.get_mut(&handle)?;
        let out = Attachment {
            target: a.target.clone(),
            pending: std::mem::take(&mut a.pending),
            exit_code: a.exit_code,
        };
        if out.exit_code.is_some() {
            self.attachments.remove(&handle);
        }
        Some(out)
    }

    /// Detaches a client (Ctrl+P Ctrl+Q); the container keeps running.
    pub fn attachment_close(&mut self, handle: u64) {
        self.attachments.remove(&handle);
    }

    /// `POST /containers/{id}/start`.
    pub fn container_start(&mut self, name: &str, now: SimTime) -> Result<(), ApiError> {
        let id = self.resolve_container(name)?;
        let Some(c) = self.containers.get_mut(&id) else {
            return Err(ApiError::no_such_container(name));
        };
        match c.status {
            ContainerStatus::Paused => {
                return Err(ApiError::conflict(
                    "cannot start a paused container, try unpause instead",
                ))
            }
            ContainerStatus::Running => return Ok(()),
            ContainerStatus::Restarting => {
                c.restart_at = None;
            }
            _ => {}
        }
        let path_var = c
            .env
            .iter()
            .find_map(|e| e.strip_prefix("PATH="))
            .unwrap_or("")
            .to_string();
        let Some((_, program)) = resolve(&c.rootfs, &c.working_dir, &path_var, &c.path) else {
            c.exit_code = 127;
            c.error = exec_error(&c.path).message;
            return Err(exec_error(&c.path));
        };
        let who = crate::proc::machine::lookup_user(&c.rootfs, &c.user).map_err(ApiError::server)?;
        let mut argv = vec![c.path.clone()];
        argv.extend(c.args.iter().cloned());
        let mut process = Process::start(
            &argv,
            &program,
            &c.env,
            &c.working_dir,
            c.tty,
            c.open_stdin,
            c.init,
            &c.rootfs,
        );
        process.user = who.name.clone();
        let bound = self.bind_ports(&id)?;
        self.next_pid += 1;
        let pid = self.next_pid;
        let Some(c) = self.containers.get_mut(&id) else {
            return Ok(());
        };
        c.status = ContainerStatus::Running;
        c.pid = pid;
        c.started_at = Some(now);
        c.finished_at = None;
        c.exit_code = 0;
        c.error.clear();
        c.process = Some(process);
        c.wake = Some(now);
        c.kill_at = None;
        c.bound = bound;
        c.manually_stopped = false;
        c.restart_at = None;
        c.uid = who.uid;
        c.health = c.health_config.as_ref().map(|h| Health {
            status: "starting",
            failing_streak: 0,
            next_check: now + Millis(h.interval_ms),
            log: Vec::new(),
        });
        self.connect_on_start(&id);
        self.step_container(&id, now);
        Ok(())
    }

    /// The names of a container's networks (`host`/`none` for those modes).
    pub fn network_names(&self, c: &Container) -> Vec<String> {
        if c.endpoints.is_empty() {
            return vec![c.network_mode.clone()];
        }
        c.endpoints
            .iter()
            .filter_map(|e| self.networks.get(&e.network).map(|n| n.name.clone()))
            .collect()
    }

    /// Resolves `--network`, `--network-alias` and `--link` at create.
    #[allow(clippy::type_complexity)]
    fn create_network(
        &mut self,
        req: &ContainerCreateRequest,
        name: &str,
        id: &str,
    ) -> Result<(String, Vec<crate::daemon::Endpoint>, Vec<(String, String)>), ApiError> {
        let mode = req.network.clone().unwrap_or_else(|| "bridge".into());
        let mut links = Vec::new();
        for l in &req.links {
            let (target, alias) = l.split_once(':').unwrap_or((l, l));
            let Ok(tid) = self.resolve_container(target) else {
                return Err(ApiError::bad_request(format!(
                    "could not get container for {target}"
                )));
            };
            let running = self.containers.get(&tid).is_some_and(|c| c.is_running());
            if !running {
                return Err(ApiError::bad_request(format!(
                    "Cannot link to a non running container: /{target} AS /{name}/{alias}"
                )));
            }
            links.push((alias.to_string(), tid));
        }
        if mode == "host" || mode == "none" {
            if !links.is_empty() {
                return Err(ApiError::bad_request(
                    "conflicting options: host type networking can't be used with links. This would result in undefined behavior",
                ));
            }
            return Ok((mode, Vec::new(), links));
        }
        if mode.starts_with("container:") {
            return Err(ApiError::bad_request(
                "dockling: --network container:<name> is not simulated",
            ));
        }
        let n = self.find_network(&mode)?.clone();
        if !req.network_aliases.is_empty() && !n.has_dns() {
            return Err(ApiError::bad_request(
                "network-scoped aliases are only supported for user-defined networks",
            ));
        }
        let mut aliases = req.network_aliases.clone();
        if n.has_dns() {
            aliases.extend(links.iter().map(|(a, _)| a.clone()));
        }
        let endpoint_id = crate::daemon::networks_endpoint_id(id, &n.id);
        Ok((
            if mode == n.id { n.name.clone() } else { mode },
            vec![crate::daemon::Endpoint {
                network: n.id,
                aliases,
                ip: None,
                endpoint_id,
            }],
            links,
        ))
    }

    /// Allocates host ports for a container's bindings (`portallocator`): each binding without an
    /// address is bound on `0.0.0.0` and `::`; a missing host port comes from 32768 upwards.
    fn bind_ports(&mut self, id: &str) -> Result<Vec<Port>, ApiError> {
        let Some(c) = self.containers.get(id) else {
            return Ok(Vec::new());
        };
        let mut wanted: Vec<PortBinding> = c.publish.clone();
        if c.publish_all {
            for (port, proto) in &c.exposed {
                if !wanted
                    .iter()
                    .any(|b| b.container_port == *port && b.proto == *proto)
                {
                    wanted.push(PortBinding {
                        host_ip: String::new(),
                        host_port: None,
                        container_port: *port,
                        proto: proto.clone(),
                    });
                }
            }
        }
        let in_use: Vec<(String, u16, String)> = self
            .containers
            .values()
            .filter(|o| o.id != id && o.is_running())
            .flat_map(|o| {
                o.bound
                    .iter()
                    .map(|p| (p.ip.clone(), p.public_port.unwrap_or(0), p.proto.clone()))
            })
            .collect();
        let name = c.name.clone();
        let mut bound: Vec<Port> = Vec::new();
        for b in wanted {
            let ips: Vec<String> = if b.host_ip.is_empty() {
                vec!["0.0.0.0".into(), "::".into()]
            } else {
                vec![b.host_ip.clone()]
            };
            let taken = |port: u16, bound: &[Port]| {
                in_use.iter().any(|(ip, p, pr)| {
                    *p == port
                        && *pr == b.proto
                        && (ips.contains(ip)
                            || ip == "0.0.0.0"
                            || ips.iter().any(|x| x == "0.0.0.0"))
                }) || bound
                    .iter()
                    .any(|p| p.public_port == Some(port) && p.proto == b.proto)
            };
            let port = match b.host_port {
                Some(p) => {
                    if taken(p, &bound) {
                        let endpoint = self.rng.hex_id();
                        let ip = &ips[0];
                        let shown = if ip.contains(':') {
                            format!("[{ip}]")
                        } else {
                            ip.clone()
                        };
                        return Err(ApiError::server(format!(
                            "failed to set up container networking: driver failed programming external connectivity on endpoint {name} ({endpoint}): Bind for {shown}:{p} failed: port is already allocated"
                        )));
                    }
                    p
                }
                None => {
                    let mut p = self.next_port;
                    while taken(p, &bound) {
                        p += 1;
                    }
                    self.next_port = p + 1;
                    p
                }
            };
            for ip in &ips {
                bound.push(Port {
                    ip: ip.clone(),
                    private_port: b.container_port,
                    public_port: Some(port),
                    proto: b.proto.clone(),
                });
            }
        }
        Ok(bound)
    }

    /// Whether the process behind an attachment is idle until input comes (a shell at its
    /// prompt), rather than busy with something that takes time (a download, a `sleep`).
    pub fn waiting_for_input(&self, target: &AttachTarget) -> bool {
        match target {
            AttachTarget::Container(id) => self.containers.get(id).is_none_or(|c| !c.is_running() || c.wake.is_none()),
            AttachTarget::Exec(id, e) => self
                .containers
                .get(id)
                .and_then(|c| c.execs.get(e))
                .is_none_or(|x| x.process.is_none() || x.wake.is_none()),
        }
    }

    /// Sends text to a container's stdin (an attached terminal typing).
    pub fn container_stdin(&mut self, id: &str, text: &str, now: SimTime) {
        let Some(c) = self.containers.get_mut(id) else {
            return;
        };
        if let Some(p) = c.process.as_mut() {
            p.input(text);
            if c.status == ContainerStatus::Running {
                c.wake = Some(now);
            }
        }
        self.advance(now);
    }

    /// Closes a container's stdin (Ctrl+D).
    pub fn container_close_stdin(&mut self, id: &str, now: SimTime) {
        let Some(c) = self.containers.get_mut(id) else {
            return;
        };
        if let Some(p) = c.process.as_mut() {
            p.close_stdin();
            c.wake = Some(now);
        }
        self.advance(now);
    }

    /// Ctrl+C typed on a container's terminal (`-t`), or proxied as SIGINT without one.
    pub fn container_interrupt(&mut self, id: &str, now: SimTime) {
        let Some(c) = self.containers.get_mut(id) else {
            return;
        };
        if c.tty {
            let view = self.view(id);
            let Some(c) = self.containers.get_mut(id) else { return };
            if let Some(mut p) = c.process.take() {
                let mut out = Vec::new();
                let uid = c.uid;
                let mut m = super::net::machine(c, &view, now, uid, true);
                p.tty_interrupt(&mut m, &mut out);
                c.process = Some(p);
                Self::emit(c, &mut self.attachments, out, now);
                c.wake = Some(now);
            }
            self.advance(now);
        } else {
            let _ = self.deliver_signal(id, Signal::Int, now);
        }
    }

    pub(super) fn emit(
        c: &mut Container,
        attachments: &mut crate::vecmap::VecMap<u64, Attachment>,
        out: Output,
        now: SimTime,
    ) {
        for (stream, text) in out {
            // With a TTY, stdout and stderr are one stream.
            let stream = if c.tty { StdStream::Stdout } else { stream };
            if text.is_empty() {
                continue;
            }
            c.logs.push(LogEntry {
                time: now,
                stream,
                text: text.clone(),
            });
            for a in attachments
                .values_mut()
                .filter(|a| a.target == AttachTarget::Container(c.id.clone()))
            {
                a.pending.push((stream, text.clone()));
            }
        }
    }

    /// Runs a container's main process until it waits or exits, routing its output.
    pub(super) fn step_container(&mut self, id: &str, now: SimTime) {
        self.mounts_in(id);
        self.step_main(id, now);
        self.mounts_out(id);
    }

    fn step_main(&mut self, id: &str, now: SimTime) {
        let view = self.view(id);
        let Some(c) = self.containers.get_mut(id) else {
            return;
        };
        c.wake = None;
        if c.status != ContainerStatus::Running {
            return;
        }
        let mut out: Output = Vec::new();
        let (uid, tty) = (c.uid, c.tty);
        let mut process = c.process.take();
        let mut m = super::net::machine(c, &view, now, uid, tty);
        let step = match process.as_mut() {
            Some(p) => p.step(&mut m, &mut out),
            None => Step::Exited(0),
        };
        let signals = std::mem::take(&mut m.signals);
        let requests = std::mem::take(&mut m.requests);
        c.process = process;
        Self::emit(c, &mut self.attachments, out, now);
        match step {
            Step::Until(t) => c.wake = Some(t.max(now)),
            Step::Stdin => c.wants_stdin = true,
            Step::Exited(code) => self.container_exited(id, code, now),
        }
        self.signals_from_inside(id, signals, now);
        self.carry_requests(id, requests, now);
    }

    /// Delivers what `kill` sent inside a container. PID 1 only gets signals it handles (the
    /// kernel's rule inside a PID namespace, SIGKILL included); with `--init`, tini forwards
    /// them to its child, which dies of them.
    pub(super) fn signals_from_inside(&mut self, id: &str, signals: Vec<(u32, Signal)>, now: SimTime) {
        for (pid, sig) in signals {
            let Some(c) = self.containers.get(id) else { return };
            if !c.is_running() {
                return;
            }
            if pid == 1 {
                if sig == Signal::Kill && !c.init {
                    continue;
                }
                let _ = self.deliver_signal(id, sig, now);
                continue;
            }
            let running: Vec<String> = c
                .execs
                .iter()
                .filter(|(_, e)| e.exit_code.is_none())
                .map(|(k, _)| k.clone())
                .collect();
            let k = (pid.saturating_sub(7) / 6) as usize;
            if let Some(exec_id) = running.get(k).filter(|_| pid >= 7 && (pid - 7) % 6 == 0) {
                self.exec_killed(id, exec_id, 128 + sig.number());
            }
        }
    }

    /// The main process ended: record it, end execs, tell attached clients, auto-remove.
    pub(super) fn container_exited(&mut self, id: &str, code: i32, now: SimTime) {
        self.mounts_out(id);
        let Some(c) = self.containers.get_mut(id) else {
            return;
        };
        let ran_ms = now.since(c.started_at.unwrap_or(now)).0;
        let restart = !c.manually_stopped
            && match c.restart_policy.name.as_str() {
                "always" | "unless-stopped" => true,
                "on-failure" => {
                    code != 0
                        && (c.restart_policy.max_retries == 0
                            || c.restart_count < c.restart_policy.max_retries)
                }
                _ => false,
            };
        if ran_ms >= 10_000 {
            c.restart_backoff_ms = 0;
        }
        c.restart_backoff_ms = if c.restart_backoff_ms == 0 {
            100
        } else {
            (c.restart_backoff_ms * 2).min(60_000)
        };
        c.health = None;
        c.status = if restart {
            ContainerStatus::Restarting
        } else {
            ContainerStatus::Exited
        };
        c.restart_at = restart.then(|| now + Millis(c.restart_backoff_ms));
        c.exit_code = code;
        c.finished_at = Some(now);
        c.process = None;
        c.wake = None;
        c.kill_at = None;
        c.pid = 0;
        c.bound.clear();
        for e in &mut c.endpoints {
            e.ip = None;
        }
        let exec_ids: Vec<String> = c.execs.keys().cloned().collect();
        for e in c.execs.values_mut() {
            if e.exit_code.is_none() {
                e.exit_code = Some(137);
                e.process = None;
                e.wake = None;
            }
        }
        let auto_remove = c.auto_remove && !restart;
        for a in self.attachments.values_mut() {
            match &a.target {
                AttachTarget::Container(t) if t == id => a.exit_code = Some(code),
                AttachTarget::Exec(t, e) if t == id && exec_ids.contains(e) => {
                    a.exit_code.get_or_insert(137);
                }
                _ => {}
            }
        }
        if auto_remove {
            self.forget_container(id, true);
        }
    }

    /// Drops a removed container, with its anonymous volumes when `volumes` (`rm -v`, `--rm`),
    /// and the repositories it served if it was a registry.
    fn forget_container(&mut self, id: &str, volumes: bool) {
        let Some(c) = self.containers.remove(id) else { return };
        self.order.retain(|x| x != id);
        if volumes {
            self.remove_anonymous_volumes(&c.mounts);
        }
        self.hub.drop_owned_by(id);
    }

    /// Sends a signal to the main process; `Ok(true)` if the container exited.
    fn deliver_signal(&mut self, id: &str, sig: Signal, now: SimTime) -> Result<bool, ApiError> {
        let view = self.view(id);
        let Some(c) = self.containers.get_mut(id) else {
            return Err(ApiError::no_such_container(id));
        };
        let outcome = match c.process.take() {
            Some(mut p) => {
                let mut out = Vec::new();
                let (uid, tty) = (c.uid, c.tty);
                let mut m = super::net::machine(c, &view, now, uid, tty);
                let r = p.signal(sig, &mut m, &mut out);
                c.process = Some(p);
                Self::emit(c, &mut self.attachments, out, now);
                c.wake = Some(now);
                r
            }
            None => Some(128 + sig.number()),
        };
        match outcome {
            Some(code) => {
                self.container_exited(id, code, now);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// `POST /containers/{id}/kill`.
    pub fn container_kill(
        &mut self,
        name: &str,
        signal: Option<&str>,
        now: SimTime,
    ) -> Result<(), ApiError> {
        let sig = match signal {
            None => Signal::Kill,
            Some(s) => Signal::parse(s)
                .ok_or_else(|| ApiError::bad_request(format!("Invalid signal: {s}")))?,
        };
        let id = self.resolve_container(name)?;
        let running = self.containers.get(&id).is_some_and(|c| c.is_running());
        if !running {
            return Err(ApiError::conflict(format!(
                "cannot kill container: {name}: container {id} is not running"
            )));
        }
        if let Some(c) = self.containers.get_mut(&id) {
            if c.status == ContainerStatus::Paused {
                c.status = ContainerStatus::Running;
            }
            if c.status == ContainerStatus::Restarting {
                c.status = ContainerStatus::Exited;
                c.restart_at = None;
                return Ok(());
            }
            c.manually_stopped = true;
        }
        self.deliver_signal(&id, sig, now)?;
        Ok(())
    }

    /// `POST /containers/{id}/stop`: the stop signal, then SIGKILL after the grace period.
    /// `Ok(true)` when the container is stopped now; otherwise it will be by `next_wakeup`.
    pub fn container_stop(
        &mut self,
        name: &str,
        timeout: Option<i64>,
        signal: Option<&str>,
        now: SimTime,
    ) -> Result<bool, ApiError> {
        let id = self.resolve_container(name)?;
        let Some(c) = self.containers.get_mut(&id) else {
            return Err(ApiError::no_such_container(name));
        };
        if !c.is_running() {
            return Ok(true);
        }
        c.manually_stopped = true;
        if c.status == ContainerStatus::Restarting {
            c.status = ContainerStatus::Exited;
            c.restart_at = None;
            return Ok(true);
        }
        if c.status == ContainerStatus::Paused {
            c.status = ContainerStatus::Running;
        }
        let sig = match signal {
            Some(s) => Signal::parse(s)
                .ok_or_else(|| ApiError::bad_request(format!("Invalid signal: {s}")))?,
            None => c.stop_signal,
        };
        let grace = timeout.or(c.stop_timeout).unwrap_or(10);
        if self.deliver_signal(&id, sig, now)? {
            return Ok(true);
        }
        if grace == 0 {
            self.deliver_signal(&id, Signal::Kill, now)?;
            return Ok(true);
        }
        if grace > 0 {
            if let Some(c) = self.containers.get_mut(&id) {
                c.kill_at = Some(now + Millis::from_secs(grace as u64));
            }
        }
        Ok(false)
    }

    /// Whether a container (by ID) is running; `None` if it no longer exists.
    pub fn container_running(&self, id: &str) -> Option<bool> {
        self.containers.get(id).map(|c| c.is_running())
    }

    /// `POST /containers/{id}/pause`.
    pub fn container_pause(&mut self, name: &str) -> Result<(), ApiError> {
        let id = self.resolve_container(name)?;
        let Some(c) = self.containers.get_mut(&id) else {
            return Err(ApiError::no_such_container(name));
        };
        match c.status {
            ContainerStatus::Running => {
                c.status = ContainerStatus::Paused;
                Ok(())
            }
            ContainerStatus::Paused => Err(ApiError::conflict(format!(
                "Container {id} is already paused"
            ))),
            _ => Err(ApiError::conflict(format!("container {id} is not running"))),
        }
    }

    /// `POST /containers/{id}/unpause`.
    pub fn container_unpause(&mut self, name: &str, now: SimTime) -> Result<(), ApiError> {
        let id = self.resolve_container(name)?;
        let Some(c) = self.containers.get_mut(&id) else {
            return Err(ApiError::no_such_container(name));
        };
        if c.status != ContainerStatus::Paused {
            return Err(ApiError::server(format!("Container {id} is not paused")));
        }
        c.status = ContainerStatus::Running;
        c.wake = Some(c.wake.map_or(now, |w| w.max(now)));
        self.advance(now);
        Ok(())
    }

    /// `POST /containers/{id}/rename`.
    pub fn container_rename(&mut self, name: &str, new_name: &str) -> Result<(), ApiError> {
        let id = self.resolve_container(name)?;
        let new_bare = new_name.strip_prefix('/').unwrap_or(new_name);
        if new_bare.is_empty() {
            return Err(ApiError::bad_request(
                "Neither old nor new names may be empty",
            ));
        }
        if !valid_name(new_bare) {
            return Err(ApiError::bad_request(format!(
                "Invalid container name ({new_bare}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"
            )));
        }
        let current = self
            .containers
            .get(&id)
            .map(|c| c.name.clone())
            .unwrap_or_default();
        if current == new_bare {
            return Err(ApiError::bad_request(
                "Renaming a container with the same name as its current name",
            ));
        }
        if let Some(other) = self.containers.values().find(|c| c.name == new_bare) {
            return Err(ApiError::conflict(format!(
                "Conflict. The container name \"/{new_bare}\" is already in use by container \"{}\". You have to remove (or rename) that container to be able to reuse that name.",
                other.id
            )));
        }
        if let Some(c) = self.containers.get_mut(&id) {
            c.name = new_bare.to_string();
        }
        Ok(())
    }

    /// `DELETE /containers/{id}`.
    pub fn container_remove(
        &mut self,
        name: &str,
        force: bool,
        volumes: bool,
        now: SimTime,
    ) -> Result<(), ApiError> {
        let id = self.resolve_container(name)?;
        let Some(c) = self.containers.get(&id) else {
            return Err(ApiError::no_such_container(name));
        };
        if c.is_running() && !force {
            let why = if c.status == ContainerStatus::Paused {
                "container is paused and must be unpaused first".to_string()
            } else {
                "container is running: stop the container before removing or force remove"
                    .to_string()
            };
            return Err(ApiError::conflict(format!(
                "cannot remove container \"{name}\": {why}"
            )));
        }
        if c.is_running() {
            self.container_exited(&id, 137, now);
        }
        for a in self
            .attachments
            .values_mut()
            .filter(|a| a.target == AttachTarget::Container(id.clone()))
        {
            a.exit_code.get_or_insert(137);
        }
        self.forget_container(&id, volumes);
        Ok(())
    }

    /// `POST /containers/prune`: removes every stopped container; their IDs.
    pub fn container_prune(&mut self) -> Vec<String> {
        let ids: Vec<String> = self
            .containers()
            .filter(|c| !c.is_running())
            .map(|c| c.id.clone())
            .collect();
        for id in &ids {
            self.forget_container(id, false);
        }
        ids
    }

    /// `GET /containers/json`: newest first, filtered as moby's `daemon/list.go` does.
    pub fn container_list(
        &self,
        opts: &ContainerListOptions,
        now: SimTime,
    ) -> Result<Vec<ContainerSummary>, ApiError> {
        const ACCEPTED: &[&str] = &[
            "ancestor",
            "before",
            "exited",
            "id",
            "isolation",
            "label",
            "name",
            "status",
            "health",
            "since",
            "volume",
            "network",
            "is-task",
            "publish",
            "expose",
        ];
        const STATES: &[&str] = &[
            "created",
            "running",
            "paused",
            "restarting",
            "removing",
            "exited",
            "dead",
        ];
        let mut by_key: crate::vecmap::VecMap<&str, Vec<&str>> = crate::vecmap::VecMap::new();
        for (k, v) in &opts.filters {
            if !ACCEPTED.contains(&k.as_str()) {
                return Err(ApiError::bad_request(format!("invalid filter '{k}'")));
            }
            by_key.get_or_insert_with(k.as_str(), Vec::new).push(v.as_str());
        }
        let mut all = opts.all;
        for v in by_key.get("exited").into_iter().flatten() {
            if v.parse::<i32>().is_err() {
                return Err(ApiError::bad_request(format!(
                    "invalid filter 'exited={v}': strconv.Atoi: parsing \"{v}\": invalid syntax"
                )));
            }
        }
        for v in by_key.get("status").into_iter().flatten() {
            if !STATES.contains(v) {
                return Err(ApiError::bad_request(format!(
                    "invalid filter 'status={v}': invalid value for state ({v}): must be one of {}",
                    STATES.join(", ")
                )));
            }
            all = true;
        }
        let position = |name: &str| -> Result<usize, ApiError> {
            let id = self.resolve_container(name)?;
            Ok(self.order.iter().position(|x| *x == id).unwrap_or(0))
        };
        let before = match by_key.get("before").and_then(|v| v.first()) {
            Some(n) => Some(position(n)?),
            None => None,
        };
        let since = match by_key.get("since").and_then(|v| v.first()) {
            Some(n) => Some(position(n)?),
            None => None,
        };
        let ancestors: Vec<String> = by_key
            .get("ancestor")
            .into_iter()
            .flatten()
            .filter_map(|a| self.find_image(a).ok().map(|(id, _)| id))
            .collect();
        let matches = |c: &Container, pos: usize| -> bool {
            let any = |key: &str, f: &dyn Fn(&str) -> bool| {
                by_key.get(key).is_none_or(|vs| vs.iter().any(|v| f(v)))
            };
            any("id", &|v| c.id.starts_with(v))
                && any("name", &|v| {
                    // The daemon matches against the stored name, which starts with `/`.
                    crate::regex::Regex::new(v, crate::regex::Syntax::Extended, false)
                        .is_ok_and(|r| r.is_match(&format!("/{}", c.name)))
                })
                && any("status", &|v| c.status.as_str() == v)
                && any("exited", &|v| {
                    c.status == ContainerStatus::Exited
                        && v.parse::<i32>().ok() == Some(c.exit_code)
                })
                && any("label", &|v| match v.split_once('=') {
                    Some((k, val)) => c.labels.get(k).is_some_and(|x| x == val),
                    None => c.labels.contains_key(v),
                })
                && (by_key.get("ancestor").is_none() || ancestors.contains(&c.image_id))
                && before.is_none_or(|b| pos < b)
                && since.is_none_or(|s| pos > s)
                && any("network", &|v| {
                    self.network_names(c).iter().any(|n| n == v)
                        || c.endpoints.iter().any(|e| e.network.starts_with(v))
                })
                && any("volume", &|v| {
                    c.mounts.iter().any(|m| m.source == v || m.destination == v)
                })
                && any("publish", &|v| {
                    port_filter(v, &mut c.bound.iter().filter_map(|b| b.public_port.map(|p| (p, b.proto.as_str()))))
                })
                && any("expose", &|v| {
                    port_filter(v, &mut c.exposed.iter().map(|(p, pr)| (*p, pr.as_str())))
                })
        };
        let mut out = Vec::new();
        for (pos, id) in self.order.iter().enumerate().rev() {
            let Some(c) = self.containers.get(id) else {
                continue;
            };
            if opts.limit > 0 && out.len() as i64 >= opts.limit {
                break;
            }
            if !all && opts.limit <= 0 && !c.is_running() {
                continue;
            }
            if !matches(c, pos) {
                continue;
            }
            let image = if self.images.contains_key(&c.image_id) {
                c.image_ref.clone()
            } else {
                short_id(&c.image_id).to_string()
            };
            out.push(ContainerSummary {
                id: c.id.clone(),
                names: vec![format!("/{}", c.name)],
                image,
                image_id: c.image_id.clone(),
                command: c.command_text(),
                created: c.created.as_secs() as i64,
                ports: if c.is_running() {
                    let mut ports = c.bound.clone();
                    for (port, proto) in &c.exposed {
                        if !c
                            .bound
                            .iter()
                            .any(|b| b.private_port == *port && b.proto == *proto)
                        {
                            ports.push(Port {
                                ip: String::new(),
                                private_port: *port,
                                public_port: None,
                                proto: proto.clone(),
                            });
                        }
                    }
                    ports
                } else {
                    Vec::new()
                },
                size_rw: opts.size.then_some(0),
                size_root_fs: opts.size.then(|| {
                    self.images
                        .get(&c.image_id)
                        .map(|i| i.data.size() as i64)
                        .unwrap_or(0)
                }),
                labels: c.labels.clone(),
                state: c.status.as_str().to_string(),
                status: c.status_text(now),
                networks: self.network_names(c),
                mounts: c.mounts.iter().map(|m| m.source.clone()).collect(),
            });
        }
        Ok(out)
    }

    /// Steps a container's exec processes that are due, and applies grace-period kills.
    pub(super) fn step_due(&mut self, id: &str, now: SimTime) {
        let Some(c) = self.containers.get(id) else {
            return;
        };
        if c.kill_at.is_some_and(|t| t <= now) {
            let _ = self.deliver_signal(id, Signal::Kill, now);
            return;
        }
        if c.status == ContainerStatus::Restarting && c.restart_at.is_some_and(|t| t <= now) {
            if let Some(c) = self.containers.get_mut(id) {
                c.restart_count += 1;
                c.restart_at = None;
                c.status = ContainerStatus::Exited;
            }
            if self.container_start(id, now).is_err() {
                if let Some(c) = self.containers.get_mut(id) {
                    c.status = ContainerStatus::Exited;
                }
            }
            return;
        }
        if c.status == ContainerStatus::Running
            && c.health.as_ref().is_some_and(|h| h.next_check <= now)
        {
            self.health_check(id, now);
        }
        let Some(c) = self.containers.get(id) else {
            return;
        };
        if c.status == ContainerStatus::Running && c.wake.is_some_and(|t| t <= now) {
            self.step_container(id, now);
        }
        self.step_execs(id, now);
    }

    /// Runs the health check command once (`daemon/health.go`): the exit code decides.
    fn health_check(&mut self, id: &str, now: SimTime) {
        self.mounts_in(id);
        self.probe(id, now);
        self.mounts_out(id);
    }

    fn probe(&mut self, id: &str, now: SimTime) {
        let view = self.view(id);
        let Some(c) = self.containers.get_mut(id) else {
            return;
        };
        let Some(cfg) = c.health_config.clone() else {
            return;
        };
        let argv: Vec<String> = match cfg.test.first().map(String::as_str) {
            Some("CMD-SHELL") => vec!["/bin/sh".into(), "-c".into(), cfg.test[1..].join(" ")],
            Some("CMD") => cfg.test[1..].to_vec(),
            _ => return,
        };
        let path_var = c
            .env
            .iter()
            .find_map(|e| e.strip_prefix("PATH="))
            .unwrap_or("")
            .to_string();
        let (code, output) = match argv
            .first()
            .and_then(|exe| resolve(&c.rootfs, &c.working_dir, &path_var, exe))
        {
            None => (
                1,
                format!(
                    "exec: \"{}\": executable file not found in $PATH",
                    argv.first().cloned().unwrap_or_default()
                ),
            ),
            Some((_, program)) => {
                let mut p = Process::start(
                    &argv,
                    &program,
                    &c.env,
                    &c.working_dir,
                    false,
                    false,
                    false,
                    &c.rootfs,
                );
                let mut out = Vec::new();
                let mut m = super::net::machine(c, &view, now, 0, false);
                let code = match p.step(&mut m, &mut out) {
                    Step::Exited(code) => code,
                    _ => 1,
                };
                (code, out.into_iter().map(|(_, t)| t).collect::<String>())
            }
        };
        let started = c.started_at.unwrap_or(now);
        let Some(h) = c.health.as_mut() else { return };
        h.log.push((now, now, code, output));
        if h.log.len() > 5 {
            h.log.remove(0);
        }
        if code == 0 {
            h.status = "healthy";
            h.failing_streak = 0;
        } else if now.since(started).0 >= cfg.start_period_ms || h.status != "starting" {
            h.failing_streak += 1;
            if h.failing_streak >= cfg.retries.max(1) {
                h.status = "unhealthy";
            }
        }
        h.next_check = now + Millis(cfg.interval_ms.max(1));
    }

    /// When anything in a container is next due.
    pub fn container_wakeup(c: &Container) -> Option<SimTime> {
        let running = c.status == ContainerStatus::Running;
        let main = if running { c.wake } else { None };
        let execs = if running {
            c.execs.values().filter_map(|e| e.wake).min()
        } else {
            None
        };
        let health = if running {
            c.health.as_ref().map(|h| h.next_check)
        } else {
            None
        };
        [main, execs, c.kill_at, c.restart_at, health]
            .into_iter()
            .flatten()
            .min()
    }

    /// `POST /containers/{id}/update` (the restart policy).
    pub fn container_update_restart(
        &mut self,
        name: &str,
        policy: &RestartPolicy,
    ) -> Result<(), ApiError> {
        let id = self.resolve_container(name)?;
        policy
            .validate(policy.max_retries > 0)
            .map_err(ApiError::bad_request)?;
        let Some(c) = self.containers.get_mut(&id) else {
            return Err(ApiError::no_such_container(name));
        };
        if c.auto_remove && !policy.is_none() {
            return Err(ApiError::bad_request("Cannot update container: Restart policy cannot be updated because AutoRemove is enabled for the container"));
        }
        c.restart_policy = policy.clone();
        Ok(())
    }
}

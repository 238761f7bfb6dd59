//! Containers: create, start, stop by exit, remove, list; attachments that stream output to clients.
//! Wording follows moby `daemon/errors.go`, `daemon/delete.go`, `daemon/container/state.go`.

use std::collections::BTreeMap;

use super::{names, Daemon};
use crate::api::{
    ApiError, ContainerCreateRequest, ContainerCreateResponse, ContainerListOptions, ContainerSummary, LogEntry,
    StdStream,
};
use crate::clock::SimTime;
use crate::proc::{Output, Process, Step};
use crate::text::human_duration;
use crate::vfs::{join, normalize, parent, short_id};

/// The lifecycle state of a container (`State.StateString`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerStatus {
    Created,
    Running,
    Exited,
}

impl ContainerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ContainerStatus::Created => "created",
            ContainerStatus::Running => "running",
            ContainerStatus::Exited => "exited",
        }
    }
}

/// A container and its main process.
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
    pub env: Vec<String>,
    pub tty: bool,
    pub open_stdin: bool,
    pub auto_remove: bool,
    pub labels: BTreeMap<String, String>,
    pub status: ContainerStatus,
    pub pid: u32,
    pub exit_code: i32,
    pub started_at: Option<SimTime>,
    pub finished_at: Option<SimTime>,
    pub logs: Vec<LogEntry>,
    pub(super) process: Option<Process>,
    /// When the process wants to be stepped next.
    pub(super) wake: Option<SimTime>,
}

impl Container {
    pub fn is_running(&self) -> bool {
        self.status == ContainerStatus::Running
    }

    /// `State.String()`: `Up 3 minutes`, `Exited (0) 2 hours ago`, `Created`.
    pub fn status_text(&self, now: SimTime) -> String {
        match self.status {
            ContainerStatus::Running => {
                format!("Up {}", human_duration(now.since(self.started_at.unwrap_or(self.created))))
            }
            ContainerStatus::Created => "Created".into(),
            ContainerStatus::Exited => match self.finished_at {
                Some(t) => format!("Exited ({}) {} ago", self.exit_code, human_duration(now.since(t))),
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
}

/// A client attached to a container's output (`POST /containers/{id}/attach`), kept until the
/// client has read the exit, even if the container is auto-removed meanwhile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attachment {
    pub container_id: String,
    pub pending: Vec<(StdStream, String)>,
    pub exit_code: Option<i32>,
}

fn valid_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

impl Daemon {
    /// `GetContainer`: full ID, name, or unique ID prefix.
    pub fn find_container(&self, name: &str) -> Result<&Container, ApiError> {
        let id = self.resolve_container(name)?;
        self.containers.get(&id).ok_or_else(|| ApiError::no_such_container(name))
    }

    fn resolve_container(&self, name: &str) -> Result<String, ApiError> {
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
        let matches: Vec<&String> = self.containers.keys().filter(|id| id.starts_with(name)).collect();
        match matches.len() {
            1 => Ok(matches[0].clone()),
            0 => Err(ApiError::no_such_container(name)),
            _ => Err(ApiError::not_found(format!("Multiple IDs found with provided prefix: {name}"))),
        }
    }

    /// The first container (in creation order) using an image and matching `pred`.
    pub(super) fn container_using(&self, image_id: &str, pred: impl Fn(&Container) -> bool) -> Option<String> {
        self.order
            .iter()
            .filter_map(|id| self.containers.get(id))
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
        let (image_id, _) = self.find_image(&req.image).map_err(|_| {
            let shown = crate::api::Reference::parse(&req.image)
                .map(|r| r.with_default_tag().familiar())
                .unwrap_or_else(|_| req.image.clone());
            ApiError::no_such_image(&shown)
        })?;
        let config = match self.images.get(&image_id) {
            Some(img) => img.data.config.clone(),
            None => return Err(ApiError::no_such_image(&req.image)),
        };
        let entrypoint = req.entrypoint.clone().unwrap_or_else(|| config.entrypoint.clone().unwrap_or_default());
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
        let id = self.rng.hex_id();
        let name = match &req.name {
            Some(n) => n.strip_prefix('/').unwrap_or(n).to_string(),
            None => {
                let taken: Vec<String> = self.containers.values().map(|c| c.name.clone()).collect();
                names::generate(&mut self.rng, |n| taken.iter().any(|t| t == n), short_id(&id))
            }
        };
        let mut labels = config.labels.clone();
        labels.extend(req.labels.clone());
        let container = Container {
            id: id.clone(),
            name,
            created: now,
            image_ref: req.image.clone(),
            image_id,
            path: argv[0].clone(),
            args: argv[1..].to_vec(),
            env,
            tty: req.tty,
            open_stdin: req.open_stdin,
            auto_remove: req.auto_remove,
            labels,
            status: ContainerStatus::Created,
            pid: 0,
            exit_code: 0,
            started_at: None,
            finished_at: None,
            logs: Vec::new(),
            process: None,
            wake: None,
        };
        self.containers.insert(id.clone(), container);
        self.order.push(id.clone());
        Ok(ContainerCreateResponse { id, warnings: Vec::new() })
    }

    /// `POST /containers/{id}/attach` before start: output from now on is kept for the client.
    pub fn container_attach(&mut self, name: &str) -> Result<u64, ApiError> {
        let id = self.resolve_container(name)?;
        let handle = self.next_attach;
        self.next_attach += 1;
        self.attachments.insert(handle, Attachment { container_id: id, ..Attachment::default() });
        Ok(handle)
    }

    /// Takes what an attached client has not read yet; `exit_code` is set once the container exited.
    pub fn attachment_poll(&mut self, handle: u64) -> Option<Attachment> {
        let a = self.attachments.get_mut(&handle)?;
        let out = Attachment { container_id: a.container_id.clone(), pending: std::mem::take(&mut a.pending), exit_code: a.exit_code };
        if out.exit_code.is_some() {
            self.attachments.remove(&handle);
        }
        Some(out)
    }

    /// `POST /containers/{id}/start`.
    pub fn container_start(&mut self, name: &str, now: SimTime) -> Result<(), ApiError> {
        let id = self.resolve_container(name)?;
        let Some(c) = self.containers.get(&id) else { return Err(ApiError::no_such_container(name)) };
        if c.is_running() {
            return Ok(());
        }
        let program = self.resolve_program(&id)?;
        self.next_pid += 1;
        let pid = self.next_pid;
        if let Some(c) = self.containers.get_mut(&id) {
            c.status = ContainerStatus::Running;
            c.pid = pid;
            c.started_at = Some(now);
            c.finished_at = None;
            c.process = program;
            c.wake = Some(now);
        }
        self.step_container(&id, now);
        Ok(())
    }

    /// Finds the executable of a container's command in its image. `Ok(None)`: the file exists but
    /// Dockling does not simulate it.
    fn resolve_program(&mut self, id: &str) -> Result<Option<Process>, ApiError> {
        let c = &self.containers[id];
        let files: Vec<&crate::registry::CatalogFile> = self
            .images
            .get(&c.image_id)
            .map(|img| img.data.layers.iter().flat_map(|l| l.files.iter()).collect())
            .unwrap_or_default();
        let lookup = |path: &str| -> Option<&crate::registry::CatalogFile> {
            let mut p = path.to_string();
            for _ in 0..8 {
                let f = files.iter().rev().find(|f| f.path == p)?;
                match &f.link {
                    Some(target) => p = normalize(parent(&p), target),
                    None => return Some(f),
                }
            }
            None
        };
        let exe = &c.path;
        let found = if exe.contains('/') {
            lookup(&normalize("/", exe))
        } else {
            let path_var = c.env.iter().find_map(|e| e.strip_prefix("PATH=")).unwrap_or("");
            path_var.split(':').find_map(|dir| lookup(&join(dir, exe)))
        };
        match found {
            Some(f) => Ok(f.program.as_deref().and_then(|p| Process::spawn(p, &c.args))),
            None => {
                let detail = if exe.contains('/') {
                    format!("exec: \"{exe}\": stat {exe}: no such file or directory")
                } else {
                    format!("exec: \"{exe}\": executable file not found in $PATH")
                };
                let c = self.containers.get_mut(id).expect("container exists");
                c.exit_code = 127;
                Err(ApiError {
                    status: 400,
                    message: format!("failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: {detail}: unknown"),
                    exit_code: Some(127),
                })
            }
        }
    }

    /// Runs a container's process until it waits or exits, routing its output.
    pub(super) fn step_container(&mut self, id: &str, now: SimTime) {
        let Some(c) = self.containers.get_mut(id) else { return };
        c.wake = None;
        let mut out: Output = Vec::new();
        let step = match c.process.as_mut() {
            Some(p) => p.step(now, &mut out),
            None => {
                let exe = crate::vfs::basename(&c.path).to_string();
                out.push((StdStream::Stderr, format!("dockling: '{exe}' is not simulated in this image yet\n")));
                Step::Exited(127)
            }
        };
        for (stream, text) in out {
            c.logs.push(LogEntry { time: now, stream, text: text.clone() });
            for a in self.attachments.values_mut().filter(|a| a.container_id == id) {
                a.pending.push((stream, text.clone()));
            }
        }
        match step {
            Step::Until(t) => c.wake = Some(t),
            Step::Stdin => {}
            Step::Exited(code) => {
                c.status = ContainerStatus::Exited;
                c.exit_code = code;
                c.finished_at = Some(now);
                c.process = None;
                c.pid = 0;
                let auto_remove = c.auto_remove;
                for a in self.attachments.values_mut().filter(|a| a.container_id == id) {
                    a.exit_code = Some(code);
                }
                if auto_remove {
                    self.forget_container(id);
                }
            }
        }
    }

    fn forget_container(&mut self, id: &str) {
        self.containers.remove(id);
        self.order.retain(|x| x != id);
    }

    /// `DELETE /containers/{id}`.
    pub fn container_remove(&mut self, name: &str, force: bool) -> Result<(), ApiError> {
        let id = self.resolve_container(name)?;
        let Some(c) = self.containers.get(&id) else { return Err(ApiError::no_such_container(name)) };
        if c.is_running() && !force {
            return Err(ApiError::conflict(format!(
                "cannot remove container \"{name}\": container is running: stop the container before removing or force remove"
            )));
        }
        for a in self.attachments.values_mut().filter(|a| a.container_id == id) {
            a.exit_code.get_or_insert(137);
        }
        self.forget_container(&id);
        Ok(())
    }

    /// `GET /containers/json`: newest first.
    pub fn container_list(&self, opts: &ContainerListOptions, now: SimTime) -> Vec<ContainerSummary> {
        let mut out = Vec::new();
        for id in self.order.iter().rev() {
            let Some(c) = self.containers.get(id) else { continue };
            if opts.limit > 0 && out.len() as i64 >= opts.limit {
                break;
            }
            if !opts.all && opts.limit <= 0 && !c.is_running() {
                continue;
            }
            let image = if self.images.contains_key(&c.image_id) { c.image_ref.clone() } else { short_id(&c.image_id).to_string() };
            out.push(ContainerSummary {
                id: c.id.clone(),
                names: vec![format!("/{}", c.name)],
                image,
                image_id: c.image_id.clone(),
                command: c.command_text(),
                created: c.created.as_secs() as i64,
                ports: Vec::new(),
                size_rw: opts.size.then_some(0),
                size_root_fs: opts.size.then(|| self.images.get(&c.image_id).map(|i| i.data.size() as i64).unwrap_or(0)),
                labels: c.labels.clone(),
                state: c.status.as_str().to_string(),
                status: c.status_text(now),
            });
        }
        out
    }
}

//! `docker exec`: extra processes in a running container (moby `daemon/exec.go`).

use super::containers::{AttachTarget, ContainerStatus, ExecProcess};
use super::Daemon;
use crate::api::ApiError;
use crate::clock::SimTime;
use crate::proc::machine::resolve;
use crate::proc::{Output, Process, Step};

/// What `docker exec` asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExecConfig {
    pub argv: Vec<String>,
    pub env: Vec<String>,
    pub working_dir: Option<String>,
    pub tty: bool,
    pub open_stdin: bool,
    pub user: Option<String>,
}

impl Daemon {
    /// `POST /containers/{id}/exec` + start: runs `argv` in the container; returns the exec ID.
    /// `attach` makes the output readable through an attachment handle.
    pub fn exec_start(
        &mut self,
        name: &str,
        cfg: &ExecConfig,
        attach: bool,
        now: SimTime,
    ) -> Result<(String, Option<u64>), ApiError> {
        let id = self.resolve_container(name)?;
        let Some(c) = self.containers.get(&id) else {
            return Err(ApiError::no_such_container(name));
        };
        match c.status {
            ContainerStatus::Running => {}
            ContainerStatus::Paused => {
                return Err(ApiError::conflict(format!(
                    "Container {id} is paused, unpause the container before exec"
                )))
            }
            _ => return Err(ApiError::conflict(format!("container {id} is not running"))),
        }
        let mut env = c.env.clone();
        for e in &cfg.env {
            let key = e.split('=').next().unwrap_or(e);
            env.retain(|x| x.split('=').next() != Some(key));
            env.push(e.clone());
        }
        if cfg.tty && !env.iter().any(|e| e.starts_with("TERM=")) {
            env.push("TERM=xterm".into());
        }
        let cwd = cfg
            .working_dir
            .clone()
            .unwrap_or_else(|| c.working_dir.clone());
        let path_var = env
            .iter()
            .find_map(|e| e.strip_prefix("PATH="))
            .unwrap_or("")
            .to_string();
        let exe = cfg.argv.first().cloned().unwrap_or_default();
        let Some((_, program)) = resolve(&c.rootfs, &cwd, &path_var, &exe) else {
            let detail = if exe.contains('/') {
                format!("exec: \"{exe}\": stat {exe}: no such file or directory")
            } else {
                format!("exec: \"{exe}\": executable file not found in $PATH")
            };
            return Err(ApiError {
                status: 400,
                message: format!("OCI runtime exec failed: exec failed: unable to start container process: {detail}: unknown"),
                exit_code: Some(127),
            });
        };
        let who = crate::proc::machine::lookup_user(&c.rootfs, cfg.user.as_deref().unwrap_or(&c.user)).map_err(ApiError::server)?;
        let mut process = Process::start(
            &cfg.argv,
            &program,
            &env,
            &cwd,
            cfg.tty,
            cfg.open_stdin,
            false,
            &c.rootfs,
        );
        process.user = who.name.clone();
        let exec_id = self.rng.hex_id();
        let handle =
            attach.then(|| self.new_attachment(AttachTarget::Exec(id.clone(), exec_id.clone())));
        if let Some(c) = self.containers.get_mut(&id) {
            c.execs.insert(
                exec_id.clone(),
                ExecProcess {
                    id: exec_id.clone(),
                    uid: who.uid,
                    argv: cfg.argv.clone(),
                    process: Some(process),
                    wake: Some(now),
                    exit_code: None,
                    tty: cfg.tty,
                },
            );
        }
        self.step_execs(&id, now);
        Ok((exec_id, handle))
    }

    /// Sends input to an exec's stdin.
    pub fn exec_stdin(&mut self, id: &str, exec_id: &str, text: Option<&str>, now: SimTime) {
        if let Some(e) = self
            .containers
            .get_mut(id)
            .and_then(|c| c.execs.get_mut(exec_id))
        {
            if let Some(p) = e.process.as_mut() {
                match text {
                    Some(t) => p.input(t),
                    None => p.close_stdin(),
                }
                e.wake = Some(now);
            }
        }
        self.advance(now);
    }

    /// Ctrl+C on an exec's terminal.
    pub fn exec_interrupt(&mut self, id: &str, exec_id: &str, now: SimTime) {
        let view = self.view(id);
        if let Some(c) = self.containers.get_mut(id) {
            let Some(mut e) = c.execs.remove(exec_id) else {
                return;
            };
            if let Some(p) = e.process.as_mut() {
                let mut out = Vec::new();
                if e.tty {
                    let mut m = super::net::machine(c, &view, now, e.uid, true);
                    p.tty_interrupt(&mut m, &mut out);
                }
                e.wake = Some(now);
                for (s, t) in out {
                    for a in self.attachments.values_mut().filter(|a| {
                        a.target == AttachTarget::Exec(id.to_string(), exec_id.to_string())
                    }) {
                        a.pending.push((s, t.clone()));
                    }
                }
            }
            c.execs.insert(exec_id.to_string(), e);
        }
        self.advance(now);
    }

    /// An exec process ended by a signal.
    pub(super) fn exec_killed(&mut self, id: &str, exec_id: &str, code: i32) {
        let Some(e) = self.containers.get_mut(id).and_then(|c| c.execs.get_mut(exec_id)) else {
            return;
        };
        e.exit_code = Some(code);
        e.process = None;
        e.wake = None;
        let target = AttachTarget::Exec(id.to_string(), exec_id.to_string());
        for a in self.attachments.values_mut().filter(|a| a.target == target) {
            a.exit_code = Some(code);
        }
    }

    /// Steps the exec processes of a container that are due.
    pub(super) fn step_execs(&mut self, id: &str, now: SimTime) {
        let due = self.containers.get(id).is_some_and(|c| {
            c.execs.values().any(|e| e.wake.is_some_and(|t| t <= now))
        });
        if !due {
            return;
        }
        self.mounts_in(id);
        self.step_exec_processes(id, now);
        self.mounts_out(id);
    }

    fn step_exec_processes(&mut self, id: &str, now: SimTime) {
        let view = self.view(id);
        let Some(c) = self.containers.get_mut(id) else {
            return;
        };
        if c.status != ContainerStatus::Running {
            return;
        }
        let due: Vec<String> = c
            .execs
            .iter()
            .filter(|(_, e)| e.wake.is_some_and(|t| t <= now))
            .map(|(k, _)| k.clone())
            .collect();
        let mut signals = Vec::new();
        let mut requests = Vec::new();
        for exec_id in due {
            let procs = c.procs();
            let Some(mut e) = c.execs.remove(&exec_id) else {
                continue;
            };
            e.wake = None;
            let mut out: Output = Vec::new();
            let step = match e.process.as_mut() {
                Some(p) => {
                    let mut v = view.clone();
                    v.procs = procs.clone();
                    let mut m = super::net::machine(c, &v, now, e.uid, e.tty);
                    let step = p.step(&mut m, &mut out);
                    signals.append(&mut m.signals);
                    requests.append(&mut m.requests);
                    step
                }
                None => Step::Exited(e.exit_code.unwrap_or(0)),
            };
            let target = AttachTarget::Exec(id.to_string(), exec_id.clone());
            for (stream, text) in out {
                for a in self.attachments.values_mut().filter(|a| a.target == target) {
                    a.pending.push((stream, text.clone()));
                }
            }
            match step {
                Step::Until(t) => e.wake = Some(t.max(now)),
                Step::Stdin => {}
                Step::Exited(code) => {
                    e.exit_code = Some(code);
                    e.process = None;
                    for a in self.attachments.values_mut().filter(|a| a.target == target) {
                        a.exit_code = Some(code);
                    }
                }
            }
            c.execs.insert(exec_id, e);
        }
        self.signals_from_inside(id, signals, now);
        self.carry_requests(id, requests, now);
    }
}

//! `docker run`, `docker create`, `docker ps`, `docker rm` (cli/command/container/{run,create,list,rm}.go).

use std::collections::BTreeMap;

use super::{daemon_error, Invocation};
use crate::api::{
    ApiError, ContainerCreateRequest, ContainerListOptions, MountSpec, MountType, Reference, StdStream,
};
use crate::cli::args::Parsed;
use crate::cli::pending::{Kind, Pending};
use crate::cli::{jsonmessage, Ctx, Outcome};
use crate::daemon::AttachTarget;
use crate::text::{ellipsis, go_quote, human_duration};
use crate::vfs::{normalize, NodeKind};

/// `run`/`create` flags Dockling acts on; any other flag is accepted with a one-line notice.
const SIMULATED_RUN_FLAGS: &[&str] = &[
    "network",
    "net",
    "network-alias",
    "link",
    "volume",
    "mount",
    "detach-keys",
    "detach",
    "interactive",
    "tty",
    "rm",
    "name",
    "env",
    "env-file",
    "entrypoint",
    "label",
    "workdir",
    "hostname",
    "init",
    "stop-signal",
    "stop-timeout",
    "user",
    "attach",
    "sig-proxy",
    "publish",
    "publish-all",
    "expose",
    "restart",
    "health-cmd",
    "health-interval",
    "health-timeout",
    "health-retries",
    "health-start-period",
    "no-healthcheck",
];

fn run_error(ctx: &mut Ctx, inv: &Invocation, msg: &str, code: i32) -> Outcome {
    ctx.err(&format!(
        "docker: {msg}\n\nRun '{} --help' for more information\n",
        inv.path
    ));
    Outcome::Done(code)
}

/// Reads `--env-file` files from the host: `KEY=value` lines, `#` comments, bare `KEY` taken from
/// the environment (left out here: the host environment is not passed).
fn env_files(ctx: &Ctx, files: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for f in files {
        let path = normalize(ctx.cwd, f);
        match ctx.daemon.host_fs.get(&path).map(|n| &n.kind) {
            Some(NodeKind::File(d)) => {
                for line in String::from_utf8_lossy(d).lines() {
                    let l = line.trim_start();
                    if l.is_empty() || l.starts_with('#') {
                        continue;
                    }
                    if l.contains('=') {
                        out.push(l.to_string());
                    }
                }
            }
            _ => return Err(format!("open {f}: no such file or directory")),
        }
    }
    Ok(out)
}

/// Builds the create request from `run`/`create` flags.
fn create_request(p: &Parsed, ctx: &mut Ctx) -> Result<ContainerCreateRequest, String> {
    let mut env = env_files(ctx, p.list("env-file"))?;
    env.extend(p.list("env").iter().cloned());
    let mut publish = Vec::new();
    for spec in p.list("publish") {
        publish.extend(crate::api::parse_publish(spec)?);
    }
    let restart = crate::api::RestartPolicy::parse(p.string("restart").unwrap_or(""))?;
    if !restart.is_none() && p.bool("rm") {
        return Err("conflicting options: cannot specify both --restart and --rm".into());
    }
    let duration = |flag: &str, default_ms: u64| -> Result<u64, String> {
        match p.string(flag) {
            None => Ok(default_ms),
            Some(v) => go_duration_ms(v).ok_or_else(|| format!("invalid argument \"{v}\" for \"--{flag}\" flag: time: invalid duration \"{v}\"")),
        }
    };
    let health = match p.string("health-cmd") {
        Some(cmd) if !p.bool("no-healthcheck") => Some(crate::api::HealthConfig {
            test: vec!["CMD-SHELL".into(), cmd.to_string()],
            interval_ms: duration("health-interval", 30_000)?,
            timeout_ms: duration("health-timeout", 30_000)?,
            start_period_ms: duration("health-start-period", 0)?,
            retries: p.int("health-retries", 3).max(0) as u32,
        }),
        _ => None,
    };
    let mut labels = BTreeMap::new();
    for l in p.list("label") {
        let (k, v) = l.split_once('=').unwrap_or((l, ""));
        labels.insert(k.to_string(), v.to_string());
    }
    Ok(ContainerCreateRequest {
        image: p.args[0].clone(),
        name: p.string("name").map(str::to_string),
        cmd: (p.args.len() > 1).then(|| p.args[1..].to_vec()),
        entrypoint: p.string("entrypoint").map(|e| {
            if e.is_empty() {
                Vec::new()
            } else {
                vec![e.to_string()]
            }
        }),
        env,
        tty: p.bool("tty"),
        open_stdin: p.bool("interactive"),
        auto_remove: p.bool("rm"),
        labels,
        hostname: p.string("hostname").map(str::to_string),
        working_dir: p.string("workdir").map(str::to_string),
        init: p.bool("init"),
        stop_signal: p.string("stop-signal").map(str::to_string),
        stop_timeout: p.string("stop-timeout").and_then(|s| s.parse().ok()),
        publish,
        publish_all: p.bool("publish-all"),
        expose: p.list("expose").to_vec(),
        restart,
        health,
        user: p.string("user").map(str::to_string),
        mounts: Vec::new(),
        network: p.string("network").filter(|n| !n.is_empty() && *n != "default").map(str::to_string),
        network_aliases: p.list("network-alias").to_vec(),
        links: p.list("link").to_vec(),
    })
}

/// `-v` specs (relative `./` host paths made absolute, as the CLI does) and `--mount` specs.
fn mount_specs(p: &Parsed, cwd: &str) -> Result<Vec<MountSpec>, Result<String, String>> {
    let mut out = Vec::new();
    for v in p.list("volume") {
        let spec = match v.split_once(':') {
            Some((host, rest)) if host.starts_with('.') => {
                format!("{}:{rest}", normalize(cwd, host))
            }
            _ => v.clone(),
        };
        out.push(crate::daemon::parse_bind(&spec).map_err(|e| Ok(e.message))?);
    }
    for m in p.list("mount") {
        out.push(parse_mount(m).map_err(|e| {
            Err(format!("invalid argument \"{m}\" for \"--mount\" flag: {e}"))
        })?);
    }
    Ok(out)
}

/// `--mount type=…,source=…,target=…[,readonly]` as the CLI's `MountOpt` reads it.
fn parse_mount(spec: &str) -> Result<MountSpec, String> {
    let mut m = MountSpec {
        kind: MountType::Volume,
        source: String::new(),
        target: String::new(),
        read_only: false,
        mode: String::new(),
        from_bind: false,
    };
    let mut kind_name = "volume".to_string();
    for field in spec.split(',') {
        let (key, val) = match field.split_once('=') {
            Some((k, v)) => (k.to_ascii_lowercase(), Some(v)),
            None => (field.to_ascii_lowercase(), None),
        };
        let flag = |v: Option<&str>| -> Result<bool, String> {
            match v.map(str::to_ascii_lowercase).as_deref() {
                None | Some("1") | Some("true") => Ok(true),
                Some("0") | Some("false") => Ok(false),
                Some(_) => Err(format!("invalid value for {key}: {}", v.unwrap_or(""))),
            }
        };
        match key.as_str() {
            "readonly" | "ro" => m.read_only = flag(val)?,
            "volume-nocopy" | "bind-nonrecursive" if val.is_none() => {}
            _ if val.is_none() => return Err(format!("invalid field '{field}' must be a key=value pair")),
            "type" => {
                kind_name = val.unwrap_or("").to_string();
                m.kind = match kind_name.as_str() {
                    "bind" => MountType::Bind,
                    "volume" => MountType::Volume,
                    "tmpfs" => MountType::Tmpfs,
                    _ => MountType::Volume,
                };
            }
            "source" | "src" => m.source = val.unwrap_or("").to_string(),
            "target" | "dst" | "destination" => m.target = val.unwrap_or("").to_string(),
            "consistency" | "bind-propagation" | "volume-driver" | "volume-label" | "volume-opt"
            | "tmpfs-size" | "tmpfs-mode" | "volume-nocopy" | "bind-nonrecursive"
            | "bind-recursive" | "volume-subpath" => {}
            _ => return Err(format!("unexpected key '{key}' in '{field}'")),
        }
    }
    if m.target.is_empty() {
        return Err("target is required".into());
    }
    if !matches!(kind_name.as_str(), "bind" | "volume" | "tmpfs") {
        return Err(format!("dockling: --mount type={kind_name} is not simulated"));
    }
    Ok(m)
}

/// Creates the container, pulling the image first if it is missing (as `docker run`/`create` do).
fn create(
    p: &Parsed,
    ctx: &mut Ctx,
    inv: &Invocation,
) -> Result<(String, ContainerCreateRequest), Outcome> {
    for (flag, _) in p
        .flags
        .iter()
        .filter(|(f, _)| !SIMULATED_RUN_FLAGS.contains(&f.as_str()))
    {
        ctx.err(&format!(
            "dockling: {} --{flag} is not simulated yet; ignoring it\n",
            inv.path
        ));
    }
    let reference = match Reference::parse(&p.args[0]) {
        Ok(r) => r,
        Err(e) => return Err(run_error(ctx, inv, &e.to_string(), 125)),
    };
    let mut req = match create_request(p, ctx) {
        Ok(r) => r,
        Err(e) => return Err(run_error(ctx, inv, &e, 125)),
    };
    req.mounts = match mount_specs(p, ctx.cwd) {
        Ok(m) => m,
        Err(Ok(daemon)) => {
            return Err(run_error(ctx, inv, &format!("Error response from daemon: {daemon}"), 125))
        }
        Err(Err(flag)) => {
            let usage = format!("{} [OPTIONS] IMAGE [COMMAND] [ARG...]", inv.path);
            return Err(super::flag_error(ctx, &usage, &inv.path, &flag));
        }
    };
    let daemon_err = |ctx: &mut Ctx, e: &ApiError| {
        run_error(
            ctx,
            inv,
            &format!("Error response from daemon: {}", e.message),
            125,
        )
    };
    let created = match ctx.daemon.container_create(&req, ctx.now) {
        Ok(c) => c,
        Err(e) if e.is_not_found() && e.message.starts_with("No such image") => {
            let tagged = reference.clone().with_default_tag();
            ctx.err(&format!(
                "Unable to find image '{}' locally\n",
                tagged.familiar()
            ));
            match ctx.daemon.image_pull(&tagged, false, ctx.now) {
                Ok(msgs) => jsonmessage::display(ctx, StdStream::Stderr, &msgs),
                Err(e) => return Err(daemon_err(ctx, &e)),
            }
            match ctx.daemon.container_create(&req, ctx.now) {
                Ok(c) => c,
                Err(e) => return Err(daemon_err(ctx, &e)),
            }
        }
        Err(e) => return Err(daemon_err(ctx, &e)),
    };
    Ok((created.id, req))
}

/// `docker create`: prints the new container's ID.
pub fn create_cmd(p: &Parsed, ctx: &mut Ctx, inv: &Invocation) -> Outcome {
    match create(p, ctx, inv) {
        Ok((id, _)) => {
            ctx.out(&format!("{id}\n"));
            Outcome::Done(0)
        }
        Err(o) => o,
    }
}

/// `docker run`: create (pulling if needed), attach unless `-d`, start, stream until exit.
pub fn run(p: &Parsed, ctx: &mut Ctx, inv: &Invocation) -> Outcome {
    let (id, req) = match create(p, ctx, inv) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let detach = p.bool("detach");
    let handle = if detach {
        None
    } else {
        ctx.daemon.container_attach(&id).ok()
    };
    if let Err(e) = ctx.daemon.container_start(&id, ctx.now) {
        if req.auto_remove {
            let _ = ctx.daemon.container_remove(&id, true, true, ctx.now);
        }
        // The CLI's `toStatusError`: the exit code is read from the message.
        let m = &e.message;
        let code = if m.contains("executable file not found") || m.contains("no such file or directory") {
            127
        } else if m.contains("permission denied") || m.contains("is a directory") {
            126
        } else {
            125
        };
        return run_error(ctx, inv, &format!("Error response from daemon: {m}"), code);
    }
    if detach {
        ctx.out(&format!("{id}\n"));
        return Outcome::Done(0);
    }
    let Some(handle) = handle else {
        return Outcome::Done(0);
    };
    let sig_proxy = p.string("sig-proxy").and_then(crate::cli::args::parse_bool).unwrap_or(true);
    let attach = p.list("attach");
    let streams = if attach.is_empty() {
        (true, true)
    } else {
        let has = |s: &str| attach.iter().any(|a| a.eq_ignore_ascii_case(s));
        (has("stdout"), has("stderr"))
    };
    let detach = match Detach::parse(p, 0, "Invalid detach keys") {
        Ok(d) => d,
        Err(e) => return run_error(ctx, inv, &e, 125),
    };
    attached_with(ctx, handle, AttachTarget::Container(id), (req.open_stdin, req.tty, true), sig_proxy, streams, detach)
}

/// `--detach-keys` and what the command exits with when the learner detaches.
#[derive(Clone, Debug)]
pub(super) struct Detach {
    pub keys: Vec<u8>,
    pub status: i32,
}

impl Detach {
    pub fn default_for(status: i32) -> Detach {
        Detach { keys: vec![0x10, 0x11], status }
    }

    /// Reads `--detach-keys` (`term.ToBytes`: `ctrl-<c>` or single characters, comma-separated);
    /// the daemon's error names the bad value.
    pub fn parse(p: &Parsed, status: i32, what: &str) -> Result<Detach, String> {
        let Some(keys) = p.string("detach-keys").filter(|k| !k.is_empty()) else {
            return Ok(Detach::default_for(status));
        };
        let mut codes = Vec::new();
        for key in keys.split(',') {
            if key.len() == 1 {
                codes.push(key.as_bytes()[0]);
                continue;
            }
            let ctrl = key.strip_prefix("ctrl-").filter(|c| c.len() == 1).map(|c| c.as_bytes()[0]);
            match ctrl {
                Some(c @ b'a'..=b'z') => codes.push(c - b'a' + 1),
                Some(b'@') => codes.push(0),
                Some(c @ (b'[' | b'\\' | b']' | b'^' | b'_')) => codes.push(c - b'[' + 27),
                _ if key == "DEL" => codes.push(127),
                _ => return Err(format!("Error response from daemon: {what} ({keys}) provided")),
            }
        }
        Ok(Detach { keys: codes, status })
    }
}

/// Polls a new attachment once and returns it as pending if the target is still running.
pub(super) fn attached(
    ctx: &mut Ctx,
    handle: u64,
    target: AttachTarget,
    stdin: bool,
    tty: bool,
    exit_code: bool,
    detach: Detach,
) -> Outcome {
    attached_with(ctx, handle, target, (stdin, tty, exit_code), true, (true, true), detach)
}

/// Like `attached`, with `--sig-proxy` and the `-a` streams.
pub(super) fn attached_with(
    ctx: &mut Ctx,
    handle: u64,
    target: AttachTarget,
    (stdin, tty, exit_code): (bool, bool, bool),
    sig_proxy: bool,
    streams: (bool, bool),
    detach: Detach,
) -> Outcome {
    let mut pending = Pending {
        kind: Kind::Attach {
            handle,
            target,
            stdin,
            tty,
            exit_code,
            sig_proxy,
            streams,
            detach_keys: detach.keys,
            detach_status: detach.status,
            detached: false,
        },
    };
    match pending.poll(ctx.daemon, ctx.now, ctx.io) {
        Some(code) => Outcome::Done(code),
        None => Outcome::Pending(pending),
    }
}

pub(super) use crate::text::go_duration_ms;

/// Go's `time.Time.String()` of a Unix time in UTC: `2025-07-01 10:00:00 +0000 UTC`.
pub(super) fn go_time_string(secs: i64) -> String {
    let c = crate::clock::SimTime::from_secs(secs.max(0) as u64).civil();
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} +0000 UTC",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// Checks `--filter` values (`name=value`) as the CLI's filter option does.
pub(super) fn parse_filters(p: &Parsed) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for f in p.list("filter") {
        match f.split_once('=') {
            Some((k, v)) => out.push((k.trim().to_ascii_lowercase(), v.to_string())),
            None => return Err(format!("invalid argument \"{f}\" for \"-f, --filter\" flag: bad format of filter (expected name=value)")),
        }
    }
    Ok(out)
}

/// `docker ps` / `docker container ls`.
pub fn ps(p: &Parsed, ctx: &mut Ctx, inv: &Invocation) -> Outcome {
    let filters = match parse_filters(p) {
        Ok(f) => f,
        Err(e) => return super::flag_error(ctx, &format!("{} [OPTIONS]", inv.path), &inv.path, &e),
    };
    let limit = if p.bool("latest") {
        1
    } else {
        p.int("last", -1)
    };
    let opts = ContainerListOptions {
        all: p.bool("all"),
        limit,
        size: p.bool("size"),
        filters,
    };
    let list = match ctx.daemon.container_list(&opts, ctx.now) {
        Ok(l) => l,
        Err(e) => return daemon_error(ctx, &e),
    };
    let headers = serde_json::json!({
        "ID": "CONTAINER ID", "Names": "NAMES", "Image": "IMAGE", "Command": "COMMAND", "CreatedAt": "CREATED AT",
        "RunningFor": "CREATED", "Ports": "PORTS", "State": "STATE", "Status": "STATUS", "Size": "SIZE",
        "Labels": "LABELS", "Mounts": "MOUNTS", "LocalVolumes": "LOCAL VOLUMES", "Networks": "NETWORKS", "Platform": "PLATFORM",
    });
    let format = match p.string("format") {
        Some(f) if p.bool("quiet") && (f.is_empty() || f.starts_with("table")) => "{{.ID}}".to_string(),
        Some(f) if !f.is_empty() => f.to_string(),
        _ if p.bool("quiet") => "{{.ID}}".to_string(),
        _ if opts.size => "table {{.ID}}\\t{{.Image}}\\t{{.Command}}\\t{{.RunningFor}}\\t{{.Status}}\\t{{.Ports}}\\t{{.Names}}\\t{{.Size}}".to_string(),
        _ => "table {{.ID}}\\t{{.Image}}\\t{{.Command}}\\t{{.RunningFor}}\\t{{.Status}}\\t{{.Ports}}\\t{{.Names}}".to_string(),
    };
    // Only the fields the format names are computed (a format over the whole row needs all).
    let wanted = crate::cli::format::field_filter(&format);
    let trunc = !p.bool("no-trunc");
    let now_s = ctx.now.as_secs() as i64;
    let items: Vec<serde_json::Value> = list
        .iter()
        .map(|c| {
            use serde_json::Value;
            let mut m = serde_json::Map::new();
            let mut put = |k: &str, v: &dyn Fn() -> Value| {
                if wanted(k) {
                    m.insert(k.to_string(), v());
                }
            };
            put("Command", &|| {
                let command = if trunc { ellipsis(&c.command, 20) } else { c.command.clone() };
                Value::from(go_quote(&command))
            });
            put("CreatedAt", &|| Value::from(go_time_string(c.created)));
            put("ID", &|| Value::from(if trunc { c.id[..12].to_string() } else { c.id.clone() }));
            put("Image", &|| Value::from(c.image.clone()));
            put("Labels", &|| {
                let mut labels: Vec<String> = c.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
                crate::text::sort(&mut labels);
                Value::from(labels.join(","))
            });
            put("LocalVolumes", &|| Value::from("0"));
            put("Mounts", &|| {
                Value::from(c.mounts.iter().map(|m| if m.len() > 15 && !m.starts_with('/') { format!("{}…", &m[..15]) } else { m.clone() }).collect::<Vec<_>>().join(","))
            });
            put("Names", &|| Value::from(c.names.iter().map(|n| n.trim_start_matches('/')).collect::<Vec<_>>().join(",")));
            put("Networks", &|| Value::from(c.networks.join(",")));
            put("Platform", &|| Value::Null);
            put("Ports", &|| Value::from(crate::api::displayable_ports(&c.ports)));
            put("RunningFor", &|| {
                Value::from(format!("{} ago", human_duration(crate::clock::Millis(((now_s - c.created).max(0) as u64) * 1000))))
            });
            put("Size", &|| {
                let rw = crate::text::size3(c.size_rw.unwrap_or(0) as u64);
                Value::from(match c.size_root_fs {
                    Some(v) if v > 0 => format!("{rw} (virtual {})", crate::text::size3(v as u64)),
                    _ => rw,
                })
            });
            put("State", &|| Value::from(c.state.clone()));
            put("Status", &|| Value::from(c.status.clone()));
            Value::Object(m)
        })
        .collect();
    match crate::cli::format::render(&format, &items, &headers) {
        Ok(text) => {
            ctx.out(&text);
            Outcome::Done(0)
        }
        Err(e) => {
            ctx.err(&format!("{e}\n"));
            Outcome::Done(1)
        }
    }
}

/// `docker rm`: names of removed containers on stdout, errors on stderr.
pub fn rm(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    let force = p.bool("force");
    let mut failed = false;
    let mut errors = Vec::new();
    for name in &p.args {
        let trimmed = name.trim_matches('/');
        if trimmed.is_empty() {
            errors.push("container name cannot be empty".to_string());
            failed = true;
            continue;
        }
        match ctx.daemon.container_remove(trimmed, force, p.bool("volumes"), ctx.now) {
            Ok(()) => ctx.out(&format!("{name}\n")),
            Err(e) if force && e.is_not_found() => {
                let _ = daemon_error(ctx, &e);
            }
            Err(e) => {
                failed = true;
                errors.push(format!("Error response from daemon: {}", e.message));
            }
        }
    }
    for e in errors {
        ctx.err(&format!("{e}\n"));
    }
    Outcome::Done(if failed { 1 } else { 0 })
}

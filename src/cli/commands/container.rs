//! `docker run`, `docker create`, `docker ps`, `docker rm` (cli/command/container/{run,create,list,rm}.go).

use std::collections::BTreeMap;

use super::{daemon_error, Invocation};
use crate::api::{ApiError, ContainerCreateRequest, ContainerListOptions, Reference, StdStream};
use crate::cli::args::Parsed;
use crate::cli::pending::{Kind, Pending};
use crate::cli::{jsonmessage, table, Ctx, Outcome};
use crate::daemon::AttachTarget;
use crate::text::{ellipsis, go_quote, human_duration};
use crate::vfs::{normalize, NodeKind};

/// `run`/`create` flags Dockling acts on; any other flag is accepted with a one-line notice.
const SIMULATED_RUN_FLAGS: &[&str] = &[
    "detach", "interactive", "tty", "rm", "name", "env", "env-file", "entrypoint", "label", "workdir", "hostname", "init",
    "stop-signal", "stop-timeout", "user", "detach-keys", "sig-proxy",
];

fn run_error(ctx: &mut Ctx, inv: &Invocation, msg: &str, code: i32) -> Outcome {
    ctx.err(&format!("docker: {msg}\n\nRun '{} --help' for more information\n", inv.path));
    Outcome::Done(code)
}

/// Reads `--env-file` files from the host: `KEY=value` lines, `#` comments, bare `KEY` taken from
/// the environment (left out here: the host environment is not passed).
fn env_files(ctx: &Ctx, files: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for f in files {
        let path = normalize(ctx.cwd, f);
        match ctx.fs.get(&path).map(|n| &n.kind) {
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
    let mut labels = BTreeMap::new();
    for l in p.list("label") {
        let (k, v) = l.split_once('=').unwrap_or((l, ""));
        labels.insert(k.to_string(), v.to_string());
    }
    Ok(ContainerCreateRequest {
        image: p.args[0].clone(),
        name: p.string("name").map(str::to_string),
        cmd: (p.args.len() > 1).then(|| p.args[1..].to_vec()),
        entrypoint: p.string("entrypoint").map(|e| if e.is_empty() { Vec::new() } else { vec![e.to_string()] }),
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
    })
}

/// Creates the container, pulling the image first if it is missing (as `docker run`/`create` do).
fn create(p: &Parsed, ctx: &mut Ctx, inv: &Invocation) -> Result<(String, ContainerCreateRequest), Outcome> {
    for (flag, _) in p.flags.iter().filter(|(f, _)| !SIMULATED_RUN_FLAGS.contains(&f.as_str())) {
        ctx.err(&format!("dockling: {} --{flag} is not simulated yet; ignoring it\n", inv.path));
    }
    let reference = match Reference::parse(&p.args[0]) {
        Ok(r) => r,
        Err(e) => return Err(run_error(ctx, inv, &e.to_string(), 125)),
    };
    let req = match create_request(p, ctx) {
        Ok(r) => r,
        Err(e) => return Err(run_error(ctx, inv, &e, 125)),
    };
    let daemon_err = |ctx: &mut Ctx, e: &ApiError| run_error(ctx, inv, &format!("Error response from daemon: {}", e.message), 125);
    let created = match ctx.daemon.container_create(&req, ctx.now) {
        Ok(c) => c,
        Err(e) if e.is_not_found() && e.message.starts_with("No such image") => {
            let tagged = reference.clone().with_default_tag();
            ctx.err(&format!("Unable to find image '{}' locally\n", tagged.familiar()));
            match ctx.daemon.image_pull(&tagged, ctx.now) {
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
    let handle = if detach { None } else { ctx.daemon.container_attach(&id).ok() };
    if let Err(e) = ctx.daemon.container_start(&id, ctx.now) {
        if req.auto_remove {
            let _ = ctx.daemon.container_remove(&id, true, ctx.now);
        }
        let code = e.exit_code.unwrap_or(125);
        return run_error(ctx, inv, &format!("Error response from daemon: {}", e.message), code);
    }
    if detach {
        ctx.out(&format!("{id}\n"));
        return Outcome::Done(0);
    }
    let Some(handle) = handle else { return Outcome::Done(0) };
    attached(ctx, handle, AttachTarget::Container(id), req.open_stdin, req.tty, true)
}

/// Polls a new attachment once and returns it as pending if the target is still running.
pub(super) fn attached(ctx: &mut Ctx, handle: u64, target: AttachTarget, stdin: bool, tty: bool, exit_code: bool) -> Outcome {
    let mut pending = Pending { kind: Kind::Attach { handle, target, stdin, tty, exit_code } };
    match pending.poll(ctx.daemon, ctx.now, ctx.io) {
        Some(code) => Outcome::Done(code),
        None => Outcome::Pending(pending),
    }
}

/// `docker ps` / `docker container ls`.
pub fn ps(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    for unsupported in ["filter", "format"] {
        if p.has(unsupported) {
            ctx.err(&format!("dockling: docker ps --{unsupported} is not simulated yet\n"));
            return Outcome::Done(1);
        }
    }
    let limit = if p.bool("latest") { 1 } else { p.int("last", -1) };
    let opts = ContainerListOptions { all: p.bool("all"), limit, size: p.bool("size") };
    let list = ctx.daemon.container_list(&opts, ctx.now);
    let trunc = !p.bool("no-trunc");
    if p.bool("quiet") {
        let mut s = String::new();
        for c in &list {
            s.push_str(if trunc { &c.id[..12] } else { &c.id });
            s.push('\n');
        }
        ctx.out(&s);
        return Outcome::Done(0);
    }
    let now_s = ctx.now.as_secs() as i64;
    let rows = list
        .iter()
        .map(|c| {
            let command = if trunc { ellipsis(&c.command, 20) } else { c.command.clone() };
            let names: Vec<&str> = c.names.iter().map(|n| n.trim_start_matches('/')).collect();
            let mut row = vec![
                if trunc { c.id[..12].to_string() } else { c.id.clone() },
                c.image.clone(),
                go_quote(&command),
                format!("{} ago", human_duration(crate::clock::Millis(((now_s - c.created).max(0) as u64) * 1000))),
                c.status.clone(),
                String::new(),
                names.join(","),
            ];
            if opts.size {
                let rw = c.size_rw.unwrap_or(0) as u64;
                let virt = c.size_root_fs.unwrap_or(0) as u64;
                row.push(format!("{} (virtual {})", crate::text::size3(rw), crate::text::size3(virt)));
            }
            row
        })
        .collect();
    let mut header = vec!["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"];
    if opts.size {
        header.push("SIZE");
    }
    ctx.out(&table::render(&header, rows));
    Outcome::Done(0)
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
        match ctx.daemon.container_remove(trimmed, force, ctx.now) {
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

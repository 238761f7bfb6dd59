//! `docker run`, `docker ps`, `docker rm` (cli/command/container/{run,list,rm}.go).

use std::collections::BTreeMap;

use super::{daemon_error, Invocation};
use crate::api::{ApiError, ContainerCreateRequest, ContainerListOptions, Reference, StdStream};
use crate::cli::args::Parsed;
use crate::cli::{jsonmessage, table, Attached, Ctx, Outcome};
use crate::text::{ellipsis, go_quote, human_duration};

/// Flags `run`/`create` accept that Dockling does not act on yet (each says so in one line).
const SIMULATED_RUN_FLAGS: &[&str] = &["detach", "interactive", "tty", "rm", "name", "env", "entrypoint", "label"];

fn run_error(ctx: &mut Ctx, inv: &Invocation, msg: &str, code: i32) -> Outcome {
    ctx.err(&format!("docker: {msg}\n\nRun '{} --help' for more information\n", inv.path));
    Outcome::Done(code)
}

/// `docker run`: create (pulling if the image is missing), attach unless `-d`, start, wait.
pub fn run(p: &Parsed, ctx: &mut Ctx, inv: &Invocation) -> Outcome {
    for (flag, _) in p.flags.iter().filter(|(f, _)| !SIMULATED_RUN_FLAGS.contains(&f.as_str())) {
        ctx.err(&format!("dockling: docker run --{flag} is not simulated yet; ignoring it\n"));
    }
    let image = &p.args[0];
    let reference = match Reference::parse(image) {
        Ok(r) => r,
        Err(e) => return run_error(ctx, inv, &e.to_string(), 125),
    };
    let mut env = Vec::new();
    for e in p.list("env") {
        env.push(e.clone());
    }
    let mut labels = BTreeMap::new();
    for l in p.list("label") {
        let (k, v) = l.split_once('=').unwrap_or((l, ""));
        labels.insert(k.to_string(), v.to_string());
    }
    let req = ContainerCreateRequest {
        image: image.clone(),
        name: p.string("name").map(str::to_string),
        cmd: (p.args.len() > 1).then(|| p.args[1..].to_vec()),
        entrypoint: p.string("entrypoint").map(|e| if e.is_empty() { Vec::new() } else { vec![e.to_string()] }),
        env,
        tty: p.bool("tty"),
        open_stdin: p.bool("interactive"),
        auto_remove: p.bool("rm"),
        labels,
    };
    let created = match ctx.daemon.container_create(&req, ctx.now) {
        Ok(c) => c,
        Err(e) if e.is_not_found() && e.message.starts_with("No such image") => {
            let tagged = reference.clone().with_default_tag();
            ctx.err(&format!("Unable to find image '{}' locally\n", tagged.familiar()));
            match ctx.daemon.image_pull(&tagged, ctx.now) {
                Ok(msgs) => jsonmessage::display(ctx, StdStream::Stderr, &msgs),
                Err(e) => return run_error(ctx, inv, &format!("Error response from daemon: {}", e.message), 125),
            }
            match ctx.daemon.container_create(&req, ctx.now) {
                Ok(c) => c,
                Err(e) => return run_error(ctx, inv, &format!("Error response from daemon: {}", e.message), 125),
            }
        }
        Err(e) => return run_error(ctx, inv, &format!("Error response from daemon: {}", e.message), 125),
    };
    let detach = p.bool("detach");
    let handle = if detach { None } else { ctx.daemon.container_attach(&created.id).ok() };
    if let Err(e) = ctx.daemon.container_start(&created.id, ctx.now) {
        return start_failed(ctx, inv, &e, &created.id, req.auto_remove);
    }
    if detach {
        ctx.out(&format!("{}\n", created.id));
        return Outcome::Done(0);
    }
    match handle {
        Some(handle) => {
            let mut attached = Attached { handle };
            match attached.poll(ctx.daemon, ctx.io) {
                Some(code) => Outcome::Done(code),
                None => Outcome::Attached(attached),
            }
        }
        None => Outcome::Done(0),
    }
}

fn start_failed(ctx: &mut Ctx, inv: &Invocation, e: &ApiError, id: &str, auto_remove: bool) -> Outcome {
    if auto_remove {
        let _ = ctx.daemon.container_remove(id, true);
    }
    let code = e.exit_code.unwrap_or(125);
    run_error(ctx, inv, &format!("Error response from daemon: {}", e.message), code)
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
    let mut errors = Vec::new();
    for name in &p.args {
        match ctx.daemon.container_remove(name, force) {
            Ok(()) => ctx.out(&format!("{name}\n")),
            Err(e) if force && e.is_not_found() => errors.push((e, true)),
            Err(e) => errors.push((e, false)),
        }
    }
    if errors.is_empty() {
        return Outcome::Done(0);
    }
    let only_ignorable = errors.iter().all(|(_, ignorable)| *ignorable);
    for (e, _) in &errors {
        let _ = daemon_error(ctx, e);
    }
    Outcome::Done(if only_ignorable { 0 } else { 1 })
}

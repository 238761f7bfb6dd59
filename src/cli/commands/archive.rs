//! `docker save`, `load`, `commit`, `import` (cli/command/image/{save,load,import}.go,
//! cli/command/container/commit.go). Archives are files on the learner's host.

use super::image::check_platform;
use super::{daemon_error, Invocation};
use crate::api::{Reference, StdStream};
use crate::cli::args::Parsed;
use crate::cli::{Ctx, Outcome};
use crate::daemon::{CommitOptions, LoadMessage};
use crate::text::human_size;
use crate::vfs::{normalize, Meta, NodeKind};

fn fail(ctx: &mut Ctx, msg: &str) -> Outcome {
    ctx.err(&format!("{msg}\n"));
    Outcome::Done(1)
}

/// Reads a host file as `os.Open` would, with Go's error wording.
fn read_host(ctx: &Ctx, path: &str) -> Result<Vec<u8>, String> {
    let full = normalize(ctx.cwd, path);
    match ctx.daemon.host_fs.get(&full).map(|n| &n.kind) {
        Some(NodeKind::File(d)) => Ok(d.to_vec()),
        Some(NodeKind::Dir(_)) => Err(format!("read {path}: is a directory")),
        _ => Err(format!("open {path}: no such file or directory")),
    }
}

/// `docker save [-o FILE] IMAGE…`.
pub fn save(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    if let Err(o) = check_platform(ctx, p) {
        return o;
    }
    let output = p.string("output").filter(|o| !o.is_empty()).map(str::to_string);
    if output.is_none() && ctx.tty {
        return fail(ctx, "cowardly refusing to save to a terminal. Use the -o flag or redirect");
    }
    let tar = match ctx.daemon.image_save(&p.args) {
        Ok(t) => t,
        Err(e) => return daemon_error(ctx, &e),
    };
    match output {
        Some(path) => {
            let full = normalize(ctx.cwd, &path);
            let meta = Meta {
                mode: 0o600,
                uid: ctx.uid,
                gid: ctx.uid,
                mtime: ctx.now,
            };
            if let Err(e) = ctx.daemon.host_fs.write(&full, &tar, false, &meta) {
                let dir = crate::vfs::parent(&full);
                let msg = match e {
                    crate::vfs::FsError::NotFound => format!(
                        "failed to save image: invalid output path: directory \"{dir}\" does not exist"
                    ),
                    crate::vfs::FsError::IsADirectory => format!(
                        "failed to save image: invalid output path: \"{path}\" is a directory"
                    ),
                    other => format!("failed to save image: {}", other.message()),
                };
                return fail(ctx, &msg);
            }
        }
        None => ctx.io.write(StdStream::Stdout, &String::from_utf8_lossy(&tar)),
    }
    Outcome::Done(0)
}

/// `docker load [-i FILE] [-q]`.
pub fn load(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    if let Err(o) = check_platform(ctx, p) {
        return o;
    }
    let data = match p.string("input").filter(|i| !i.is_empty()) {
        Some(path) => match read_host(ctx, path) {
            Ok(d) => d,
            Err(e) => return fail(ctx, &e),
        },
        None => match ctx.stdin {
            Some(s) => s.as_bytes().to_vec(),
            None => return fail(ctx, "requested load from stdin, but stdin is empty"),
        },
    };
    let quiet = p.bool("quiet") || !ctx.tty;
    match ctx.daemon.image_load(&data, ctx.now) {
        Ok(msgs) => {
            for m in msgs {
                match m {
                    LoadMessage::Layer(id, size) => {
                        if !quiet {
                            let s = human_size(size);
                            let bar = format!("{id}: Loading layer [{}>]  {s}/{s}", "=".repeat(50));
                            ctx.io.progress(StdStream::Stdout, &id, &bar);
                        }
                    }
                    LoadMessage::Renamed(name, old) => ctx.out(&format!(
                        "The image {name} already exists, renaming the old one with ID {old} to empty string\n"
                    )),
                    LoadMessage::Loaded(line) => ctx.out(&format!("{line}\n")),
                }
            }
            Outcome::Done(0)
        }
        Err(e) => daemon_error(ctx, &e),
    }
}

/// `docker commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]`.
pub fn commit(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    let tag = match p.args.get(1) {
        None => None,
        Some(t) => match Reference::parse(t) {
            Ok(r) if r.digest.is_some() => {
                return fail(ctx, "refusing to create a tag with a digest reference")
            }
            Ok(r) => Some(r),
            Err(e) => return fail(ctx, &e.to_string()),
        },
    };
    let opts = CommitOptions {
        author: p.string("author").unwrap_or("").to_string(),
        comment: p.string("message").unwrap_or("").to_string(),
        changes: p.list("change").to_vec(),
        pause: p.string("pause").map(|v| v != "false").unwrap_or(true),
        tag,
    };
    match ctx.daemon.container_commit(&p.args[0], &opts, ctx.now) {
        Ok(id) => {
            ctx.out(&format!("{id}\n"));
            Outcome::Done(0)
        }
        Err(e) => daemon_error(ctx, &e),
    }
}

/// `docker import [OPTIONS] file|URL|- [REPOSITORY[:TAG]]`.
pub fn import(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    if let Err(o) = check_platform(ctx, p) {
        return o;
    }
    let source = &p.args[0];
    let tag = match p.args.get(1) {
        None => None,
        Some(t) => match Reference::parse(t) {
            Ok(r) => Some(r),
            Err(e) => return fail(ctx, &e.to_string()),
        },
    };
    let data = if source == "-" {
        match ctx.stdin {
            Some(s) => s.as_bytes().to_vec(),
            None => {
                return fail(ctx, "dockling: `docker import -` reads a pipe or a file here: use `docker import - < file.tar`")
            }
        }
    } else if source.starts_with("http://") || source.starts_with("https://") {
        return fail(
            ctx,
            &format!("dockling: downloading {source} is not simulated (there is no network); import a file instead"),
        );
    } else {
        match read_host(ctx, source) {
            Ok(d) => d,
            Err(e) => return fail(ctx, &e),
        }
    };
    let changes = p.list("change").to_vec();
    let message = p.string("message").unwrap_or("");
    match ctx
        .daemon
        .image_import(&data, tag.as_ref(), message, &changes, ctx.now)
    {
        Ok(id) => {
            ctx.out(&format!("{id}\n"));
            Outcome::Done(0)
        }
        Err(e) => daemon_error(ctx, &e),
    }
}

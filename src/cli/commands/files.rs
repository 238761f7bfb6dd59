//! `docker cp` and `docker diff` (cli/command/container/{cp,diff}.go; moby `daemon/archive.go`).

use super::{daemon_error, Invocation};
use crate::cli::args::Parsed;
use crate::cli::{Ctx, Outcome};
use crate::text::size3;
use crate::vfs::{basename, changes, join, normalize, tar_size, Meta, Node, Tree};

/// Splits `CONTAINER:PATH`; a local path has no colon before its first slash.
fn split_arg(arg: &str) -> Option<(&str, &str)> {
    if arg.starts_with('/') || arg.starts_with('.') {
        return None;
    }
    let (c, p) = arg.split_once(':')?;
    if c.contains('/') {
        return None;
    }
    Some((c, p))
}

/// Where a copied node lands (`archive.CopyTo`): into an existing directory under its own name
/// (or its contents, for `src/.`), otherwise at `dst` itself.
fn destination(tree: &Tree, src_path: &str, dst: &str) -> Result<String, String> {
    let copy_contents = src_path.ends_with("/.");
    match tree.get(dst) {
        Some(n) if n.is_dir() && !copy_contents => {
            Ok(join(dst, basename(src_path.trim_end_matches('/'))))
        }
        Some(n) if n.is_dir() => Ok(dst.to_string()),
        _ => {
            let parent = crate::vfs::parent(dst);
            if tree.get(parent).is_some_and(|p| p.is_dir()) {
                Ok(dst.to_string())
            } else {
                Err(format!("lstat {parent}: no such file or directory"))
            }
        }
    }
}

fn put(
    tree: &mut Tree,
    at: &str,
    node: Node,
    contents_only: bool,
    meta: &Meta,
) -> Result<(), String> {
    if contents_only {
        if let crate::vfs::NodeKind::Dir(entries) = &node.kind {
            for (name, child) in entries.iter() {
                tree.insert(&join(at, name), child.clone(), meta)
                    .map_err(|e| e.message().to_string())?;
            }
            return Ok(());
        }
    }
    tree.insert(at, node, meta)
        .map_err(|e| e.message().to_string())
}

pub fn cp(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    let (src, dst) = (&p.args[0], &p.args[1]);
    if src.is_empty() {
        ctx.err("source can not be empty\n");
        return Outcome::Done(1);
    }
    if dst.is_empty() {
        ctx.err("destination can not be empty\n");
        return Outcome::Done(1);
    }
    let quiet = p.bool("quiet");
    let now = ctx.now;
    match (split_arg(src), split_arg(dst)) {
        (Some(_), Some(_)) => {
            ctx.err("copying between containers is not supported\n");
            Outcome::Done(1)
        }
        (None, None) => {
            ctx.err("must specify at least one container source\n");
            Outcome::Done(1)
        }
        (Some((name, cpath)), None) => {
            let workdir = match ctx.daemon.find_container(name) {
                Ok(c) => c.working_dir.clone(),
                Err(e) => return daemon_error(ctx, &e),
            };
            let view = match ctx.daemon.container_view(name) {
                Ok(v) => v,
                Err(e) => return daemon_error(ctx, &e),
            };
            let from = normalize(&workdir, cpath);
            let Some(node) = view.get(&from).cloned() else {
                ctx.err(&format!("Error response from daemon: Could not find the file {cpath} in container {name}\n"));
                return Outcome::Done(1);
            };
            let local = normalize(ctx.cwd, dst);
            let target = match destination(&ctx.daemon.host_fs, cpath, &local) {
                Ok(t) => t,
                Err(e) => {
                    ctx.err(&format!("{e}\n"));
                    return Outcome::Done(1);
                }
            };
            let size = tar_size(&node);
            let meta = Meta {
                mode: 0o755,
                uid: 1000,
                gid: 1000,
                mtime: now,
            };
            if let Err(e) = put(&mut ctx.daemon.host_fs, &target, node, cpath.ends_with("/."), &meta) {
                ctx.err(&format!("{e}\n"));
                return Outcome::Done(1);
            }
            if !quiet {
                let shown = if dst.ends_with('/') || dst.ends_with("/.") {
                    format!("{local}/")
                } else {
                    local
                };
                ctx.err(&format!("Successfully copied {} to {shown}\n", size3(size)));
            }
            Outcome::Done(0)
        }
        (None, Some((name, cpath))) => {
            let local = normalize(ctx.cwd, src);
            let Some(node) = ctx.daemon.host_fs.get(&local).cloned() else {
                ctx.err(&format!("lstat {local}: no such file or directory\n"));
                return Outcome::Done(1);
            };
            let workdir = match ctx.daemon.find_container(name) {
                Ok(c) => c.working_dir.clone(),
                Err(e) => return daemon_error(ctx, &e),
            };
            let mut view = match ctx.daemon.container_view(name) {
                Ok(v) => v,
                Err(e) => return daemon_error(ctx, &e),
            };
            let to = normalize(&workdir, cpath);
            let target = match destination(&view, src, &to) {
                Ok(t) => t,
                Err(_) => {
                    ctx.err(&format!("Error response from daemon: Could not find the file {cpath} in container {name}\n"));
                    return Outcome::Done(1);
                }
            };
            let size = tar_size(&node);
            let meta = Meta {
                mode: 0o755,
                uid: 0,
                gid: 0,
                mtime: now,
            };
            if let Err(e) = put(&mut view, &target, node, src.ends_with("/."), &meta) {
                ctx.err(&format!("Error response from daemon: {e}\n"));
                return Outcome::Done(1);
            }
            if let Err(e) = ctx.daemon.container_write_view(name, view) {
                return daemon_error(ctx, &e);
            }
            if !quiet {
                ctx.err(&format!(
                    "Successfully copied {} to {name}:{}\n",
                    size3(size),
                    to
                ));
            }
            Outcome::Done(0)
        }
    }
}

pub fn diff(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    let c = match ctx.daemon.find_container(&p.args[0]) {
        Ok(c) => c,
        Err(e) => return daemon_error(ctx, &e),
    };
    let layer = ctx.daemon.container_layer_view(&c.id).unwrap_or_else(|| c.rootfs.clone());
    let mut s = String::new();
    for (kind, path) in changes(&c.base, &layer) {
        s.push_str(&format!("{kind} {path}\n"));
    }
    ctx.out(&s);
    Outcome::Done(0)
}

/// `docker export`: the container's file system as a tar archive on the host.
pub fn export(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    let c = match ctx.daemon.find_container(&p.args[0]) {
        Ok(c) => c,
        Err(e) => return daemon_error(ctx, &e),
    };
    let Some(out) = p.string("output") else {
        if ctx.tty {
            ctx.err("cowardly refusing to save to a terminal. Use the -o flag or redirect\n");
        } else {
            ctx.err(
                "dockling: binary output to a pipe or a redirect is not simulated; use -o FILE\n",
            );
        }
        return Outcome::Done(1);
    };
    let mut bytes = Vec::new();
    let layer = ctx.daemon.container_layer_view(&c.id).unwrap_or_else(|| c.rootfs.clone());
    if let Some(root) = layer.get("/") {
        crate::vfs::write_tar(root, &mut bytes);
    }
    let path = normalize(ctx.cwd, out);
    let meta = Meta {
        mode: 0o644,
        uid: 1000,
        gid: 1000,
        mtime: ctx.now,
    };
    match ctx.daemon.host_fs.write(&path, &bytes, false, &meta) {
        Ok(()) => Outcome::Done(0),
        Err(e) => {
            ctx.err(&format!(
                "failed to export container: open {path}: {}\n",
                e.message().to_ascii_lowercase()
            ));
            Outcome::Done(1)
        }
    }
}

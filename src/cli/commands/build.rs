//! `docker build` (buildx v0.24 as Docker 28's default builder, or the classic builder with
//! `DOCKER_BUILDKIT=0`): reads the context and the Dockerfile on the host, sends the build to the
//! daemon and follows its progress.

use super::Invocation;
use crate::api::Reference;
use crate::build::context::{subtree, Context};
use crate::build::BuildRequest;
use crate::cli::args::{parse_bool, Parsed};
use crate::cli::pending::{BuildMode, BuildView, Kind, Pending};
use crate::cli::{Ctx, Outcome};
use crate::vfs::{basename, normalize, NodeKind};

const LEGACY_NOTICE: &str = "DEPRECATED: The legacy builder is deprecated and will be removed in a future release.\n            BuildKit is currently disabled; enable it by removing the DOCKER_BUILDKIT=0\n            environment-variable.\n\n";

fn read_file(ctx: &mut Ctx, path: &str) -> Option<String> {
    let fs = ctx.fs();
    let real = fs.canonical(path)?;
    match fs.get(&real).map(|n| &n.kind) {
        Some(NodeKind::File(d)) => Some(String::from_utf8_lossy(d).into_owned()),
        _ => None,
    }
}

/// `docker build [OPTIONS] PATH | URL | -`.
pub fn build(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    let legacy = ctx.var("DOCKER_BUILDKIT").is_some_and(|v| parse_bool(v) == Some(false));
    let err = |ctx: &mut Ctx, legacy: bool, msg: &str| {
        if legacy {
            ctx.err(&format!("{msg}\n"));
        } else {
            ctx.err(&format!("ERROR: {msg}\n"));
        }
        Outcome::Done(1)
    };
    if legacy {
        ctx.err(LEGACY_NOTICE);
    }
    let arg = p.args.first().cloned().unwrap_or_default();
    if arg.starts_with("http://") || arg.starts_with("https://") || arg.starts_with("git@") || arg.starts_with("github.com/") {
        ctx.err("dockling: building from a URL (a Git repository or a tarball) is not simulated; build from a local directory\n");
        return Outcome::Done(1);
    }
    let file_flag = p.string("file").map(str::to_string);
    let stdin_text = ctx.stdin.map(str::to_string);
    // The context: a directory, or `-` (the Dockerfile on stdin, no files).
    let (context, context_dir, dockerfile_path) = if arg == "-" {
        (None, String::new(), None)
    } else {
        let dir = normalize(ctx.cwd, &arg);
        let is_dir = ctx.fs().canonical(&dir).and_then(|d| ctx.fs().get(&d).map(|n| n.is_dir())).unwrap_or(false);
        if !is_dir {
            return err(ctx, legacy, &format!("unable to prepare context: path \"{arg}\" not found"));
        }
        let files = subtree(ctx.fs(), &dir);
        let df = match file_flag.as_deref() {
            Some("-") => None,
            Some(f) => Some(normalize(ctx.cwd, f)),
            None => Some(crate::vfs::join(&dir, "Dockerfile")),
        };
        (files, dir, df)
    };
    let (dockerfile, name, missing) = match (&dockerfile_path, arg == "-" || file_flag.as_deref() == Some("-")) {
        (_, true) => (stdin_text.unwrap_or_default(), "Dockerfile".to_string(), false),
        (Some(path), false) => match read_file(ctx, path) {
            Some(t) => (t, basename(path).to_string(), false),
            None => {
                if legacy {
                    let shown = path.clone();
                    return err(ctx, true, &format!("unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat {shown}: no such file or directory"));
                }
                (String::new(), basename(path).to_string(), true)
            }
        },
        (None, false) => (String::new(), "Dockerfile".into(), true),
    };
    let mut tags = Vec::new();
    for t in p.list("tag") {
        match Reference::parse(t) {
            Ok(r) if r.digest.is_none() => tags.push(r.with_default_tag().full()),
            Ok(_) => return err(ctx, legacy, &format!("invalid tag \"{t}\": invalid reference format")),
            Err(e) => {
                if legacy {
                    ctx.err(&format!("invalid argument \"{t}\" for \"-t, --tag\" flag: {e}\nSee 'docker build --help'.\n"));
                    return Outcome::Done(125);
                }
                return err(ctx, false, &format!("invalid tag \"{t}\": {e}"));
            }
        }
    }
    let mut build_args = Vec::new();
    for a in p.list("build-arg") {
        match a.split_once('=') {
            Some((k, v)) => build_args.push((k.to_string(), Some(v.to_string()))),
            None => build_args.push((a.clone(), ctx.var(a).map(str::to_string))),
        }
    }
    let mut labels = Vec::new();
    for l in p.list("label") {
        let (k, v) = l.split_once('=').unwrap_or((l, ""));
        labels.push((k.to_string(), v.to_string()));
    }
    if let Some(pl) = p.string("platform") {
        if !matches!(pl, "linux/amd64" | "linux/x86_64" | "amd64") {
            ctx.err(&format!("dockling: building for platform {pl} is not simulated (only linux/amd64)\n"));
            return Outcome::Done(1);
        }
    }
    let quiet = p.bool("quiet");
    let progress = p.string("progress").unwrap_or("auto").to_string();
    let mode = if quiet {
        BuildMode::Quiet
    } else if legacy {
        BuildMode::Legacy
    } else {
        match progress.as_str() {
            "plain" => BuildMode::Plain,
            "tty" if ctx.tty => BuildMode::Tty,
            "tty" => return err(ctx, false, "failed to get console: provided file is not a console"),
            "auto" if ctx.tty => BuildMode::Tty,
            "auto" => BuildMode::Plain,
            "quiet" | "none" => BuildMode::Quiet,
            "rawjson" => {
                ctx.err("dockling: --progress=rawjson is not simulated\n");
                return Outcome::Done(1);
            }
            other => return err(ctx, false, &format!("invalid progress mode {other}")),
        }
    };
    if legacy && !quiet {
        // The classic client tars the context (what .dockerignore leaves) and uploads it.
        let size = context
            .as_ref()
            .map(|t| {
                let c = Context::new(t.clone(), None);
                let mut tar = Vec::new();
                if let Some(root) = c.tree.get("/") {
                    crate::vfs::write_tar(root, &mut tar);
                }
                tar.len() as u64
            })
            .unwrap_or(0);
        let shown = crate::text::human_size(size);
        ctx.out(&format!("Sending build context to Docker daemon {shown:>8}\r\r\n"));
    }
    let req = BuildRequest {
        dockerfile,
        dockerfile_name: name,
        missing_dockerfile: missing,
        context,
        context_dir,
        tags,
        build_args,
        target: p.string("target").map(str::to_string),
        no_cache: p.bool("no-cache"),
        pull: p.bool("pull"),
        labels,
        platform: p.string("platform").map(str::to_string),
        legacy,
        quiet,
    };
    let handle = ctx.daemon.build_start(req, ctx.now);
    let mut pending = Pending {
        kind: Kind::Build(Box::new(BuildView::new(handle, mode, ctx.now))),
    };
    match pending.poll(ctx.daemon, ctx.now, ctx.io) {
        Some(code) => Outcome::Done(code),
        None => Outcome::Pending(pending),
    }
}

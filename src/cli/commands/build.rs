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
    // Flags whose effect is not simulated say so rather than being ignored.
    const NOT_SIMULATED: [&str; 20] = [
        "add-host", "allow", "annotation", "attest", "build-context", "cache-from", "cache-to", "call", "cgroup-parent", "check",
        "metadata-file", "network", "output", "provenance", "push", "sbom", "shm-size", "ulimit", "debug", "iidfile",
    ];
    if let Some(b) = p.string("builder").filter(|b| *b != "default") {
        return err(ctx, legacy, &format!("no builder {} found", crate::text::go_quote(b)));
    }
    let default_value = |f: &str| match f {
        "network" => p.string(f) == Some("default"),
        "call" => p.string(f) == Some("build"),
        _ => false,
    };
    if let Some(f) = NOT_SIMULATED.iter().find(|f| p.has(f) && !default_value(f)) {
        ctx.err(&format!("dockling: docker build --{f} is not simulated\n"));
        return Outcome::Done(1);
    }
    if p.has("ssh") {
        ctx.err("dockling: docker build --ssh is not simulated: there is no SSH agent in the simulation\n");
        return Outcome::Done(1);
    }
    let mut secrets = Vec::new();
    for spec in p.list("secret") {
        match secret_source(spec, ctx) {
            Ok(s) => secrets.push(s),
            Err(e) => return err(ctx, legacy, &e),
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
        secrets,
        no_cache_filter: p.list("no-cache-filter").to_vec(),
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

/// Go's text/tabwriter with padchar '\t' (minwidth 1, tabwidth 8, padding 1), as buildx writes
/// its tables: a column is its widest cell plus one, rounded up to 8; cells are followed by the
/// tabs that reach it; the last cell of a line is not padded.
/// One `--secret` (buildx's `parseSecret`, then the secret store's rules): its ID and value.
/// Without `src` or `env`, an environment variable named like the ID wins over a file.
fn secret_source(spec: &str, ctx: &mut Ctx) -> Result<(String, String), String> {
    let fields = crate::dockerfile::csv_fields(spec).map_err(|e| format!("failed to parse csv secret: {e}"))?;
    let (mut id, mut src, mut env, mut typ) = (String::new(), String::new(), String::new(), "");
    for field in &fields {
        let Some((k, v)) = field.split_once('=') else {
            return Err(format!("invalid field '{field}' must be a key=value pair"));
        };
        match k.to_lowercase().as_str() {
            "type" if v == "file" || v == "env" => typ = if v == "env" { "env" } else { "file" },
            "type" => return Err(format!("unsupported secret type {}", crate::text::go_quote(v))),
            "id" => id = v.to_string(),
            "source" | "src" => src = v.to_string(),
            "env" => env = v.to_string(),
            key => return Err(format!("unexpected key '{key}' in '{field}'")),
        }
    }
    if typ == "env" && env.is_empty() {
        env = std::mem::take(&mut src);
    }
    if id.is_empty() {
        return Err("secret missing ID".into());
    }
    if env.is_empty() && src.is_empty() {
        if ctx.var(&id).is_some() {
            env = id.clone();
        } else {
            src = id.clone();
        }
    }
    if !env.is_empty() {
        return Ok((id, ctx.var(&env).unwrap_or_default().to_string()));
    }
    let path = normalize(ctx.cwd, &src);
    match read_file(ctx, &path) {
        Some(text) => Ok((id, text)),
        None => Err(format!("failed to stat {src}: stat {src}: no such file or directory")),
    }
}

pub(crate) fn tab_block(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; cols];
    for r in rows {
        for (i, c) in r.iter().enumerate().take(r.len().saturating_sub(1)) {
            widths[i] = widths[i].max(c.chars().count() + 1);
        }
    }
    for w in &mut widths {
        *w = w.div_ceil(8) * 8;
    }
    let mut out = String::new();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            out.push_str(c);
            if i + 1 < r.len() {
                let n = c.chars().count();
                let tabs = (widths[i].saturating_sub(n)).div_ceil(8).max(1);
                out.push_str(&"\t".repeat(tabs));
            }
        }
        out.push('\n');
    }
    out
}

fn record_row(r: &crate::daemon::CacheRecord, now: crate::clock::SimTime) -> Vec<String> {
    let mut size = crate::text::human_size(r.size);
    if r.shared {
        size.push('*');
    }
    let id = if r.mutable { format!("{}*", r.id) } else { r.id.clone() };
    vec![format!("{id:<40}"), format!("{:<5}", !r.in_use), format!("{size:<10}"), last_used(r, now)]
}

fn last_used(r: &crate::daemon::CacheRecord, now: crate::clock::SimTime) -> String {
    if r.last_used.0 == 0 {
        String::new()
    } else {
        format!("{} ago", crate::text::human_duration(now.since(r.last_used)))
    }
}

/// A time as Go's `time.Time.String()` prints a UTC one: `2026-07-01 10:00:00.06 +0000 UTC`.
fn go_time_string(t: crate::clock::SimTime) -> String {
    let c = t.civil();
    let mut s = format!("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", c.year, c.month, c.day, c.hour, c.minute, c.second);
    if c.nanos != 0 {
        let frac = format!("{:09}", c.nanos);
        s.push('.');
        s.push_str(frac.trim_end_matches('0'));
    }
    s.push_str(" +0000 UTC");
    s
}

/// One record as buildx v0.24's `du --verbose` prints it (`printVerbose`).
fn record_verbose(r: &crate::daemon::CacheRecord, now: crate::clock::SimTime) -> String {
    let kv = |k: &str, v: String| vec![format!("{k}:"), v];
    let mut rows = vec![kv("ID", r.id.clone())];
    if !r.parents.is_empty() {
        rows.push(kv("Parent", r.parents.join(",")));
    }
    rows.push(kv("Created at", go_time_string(r.created)));
    rows.push(kv("Mutable", r.mutable.to_string()));
    rows.push(kv("Reclaimable", (!r.in_use).to_string()));
    rows.push(kv("Shared", r.shared.to_string()));
    rows.push(kv("Size", crate::text::human_size(r.size)));
    if !r.description.is_empty() {
        rows.push(kv("Description", r.description.clone()));
    }
    rows.push(kv("Usage count", r.usage.to_string()));
    if r.last_used.0 != 0 {
        rows.push(kv("Last used", last_used(r, now)));
    }
    rows.push(kv("Type", r.kind.clone()));
    format!("{}\n", tab_block(&rows))
}

fn header() -> Vec<String> {
    ["ID", "RECLAIMABLE", "SIZE", "LAST ACCESSED"].iter().map(|s| s.to_string()).collect()
}

/// Prunes the build cache and prints buildx's table (flushed row by row) and total.
pub fn builder_prune_now(daemon: &mut crate::daemon::Daemon, all: bool, now: crate::clock::SimTime, io: &mut dyn crate::cli::Io) {
    let records = daemon.build_cache_records();
    let (ids, bytes) = daemon.build_cache_prune(all);
    let mut out = String::new();
    let mut first = true;
    for r in records.iter().filter(|r| ids.contains(&r.id)) {
        let row = record_row(r, now);
        if first {
            out.push_str(&tab_block(&[header(), row]));
            first = false;
        } else {
            out.push_str(&tab_block(&[row]));
        }
    }
    out.push_str(&format!("Total:\t{}\n", crate::text::human_size(bytes)));
    io.write(crate::api::StdStream::Stdout, &out);
}

/// `docker builder prune` (buildx prune).
pub fn builder_prune(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    if p.has("filter") || p.has("max-used-space") || p.has("min-free-space") || p.has("reserved-space") || p.has("verbose") {
        ctx.err("dockling: docker builder prune --filter/--max-used-space/--min-free-space/--reserved-space/--verbose are not simulated\n");
        return Outcome::Done(1);
    }
    let all = p.bool("all");
    if p.bool("force") {
        builder_prune_now(ctx.daemon, all, ctx.now, ctx.io);
        return Outcome::Done(0);
    }
    let what = if all { "all build cache" } else { "all dangling build cache" };
    ctx.out(&format!("WARNING! This will remove {what}. Are you sure you want to continue? [y/N] "));
    Outcome::Pending(Pending { kind: Kind::Confirm { action: crate::cli::pending::Confirmed::BuilderPrune { all }, answer: None } })
}

/// `docker builder du` (buildx du).
pub fn builder_du(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    if p.has("filter") {
        ctx.err("dockling: docker builder du --filter is not simulated\n");
        return Outcome::Done(1);
    }
    let mut records = ctx.daemon.build_cache_records();
    records.sort_by(|a, b| a.size.cmp(&b.size).then_with(|| a.id.cmp(&b.id)));
    let mut out = String::new();
    if p.bool("verbose") {
        for r in &records {
            out.push_str(&record_verbose(r, ctx.now));
        }
    } else if !records.is_empty() {
        let mut rows = vec![header()];
        rows.extend(records.iter().map(|r| record_row(r, ctx.now)));
        out.push_str(&tab_block(&rows));
    }
    let total: u64 = records.iter().map(|r| r.size).sum();
    let shared: u64 = records.iter().filter(|r| r.shared).map(|r| r.size).sum();
    let reclaimable: u64 = records.iter().filter(|r| !r.in_use && r.size > 0).map(|r| r.size).sum();
    let hs = crate::text::human_size;
    let mut rows = Vec::new();
    if shared > 0 {
        rows.push(vec!["Shared:".to_string(), hs(shared)]);
        rows.push(vec!["Private:".to_string(), hs(total - shared)]);
    }
    rows.push(vec!["Reclaimable:".to_string(), hs(reclaimable)]);
    rows.push(vec!["Total:".to_string(), hs(total)]);
    out.push_str(&tab_block(&rows));
    ctx.out(&out);
    Outcome::Done(0)
}

/// `docker builder ls` (buildx ls): the docker driver's default builder.
pub fn builder_ls(_p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    ctx.out("NAME/NODE     DRIVER/ENDPOINT   STATUS    BUILDKIT   PLATFORMS\ndefault*      docker                                 \n \\_ default    \\_ default       running   v0.22.0    linux/amd64 (+3), linux/386\n");
    Outcome::Done(0)
}

/// `docker builder version` (buildx version).
pub fn builder_version(_p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    ctx.out("github.com/docker/buildx v0.24.0 d0e5e86c8b88ae4865040bc96917c338f4dd673c\n");
    Outcome::Done(0)
}

#[cfg(test)]
mod tests {
    use super::tab_block;

    #[test]
    fn tabwriter_with_tabs() {
        let h: Vec<String> = ["ID", "RECLAIMABLE", "SIZE", "LAST ACCESSED"].iter().map(|s| s.to_string()).collect();
        let r = vec![format!("{:<40}", "k9g2vq1m1x2n3b4v5c6x7z8a9"), "true ".into(), format!("{:<10}", "4.1kB"), "2 minutes ago".into()];
        assert_eq!(
            tab_block(&[h, r.clone()]),
            "ID\t\t\t\t\t\tRECLAIMABLE\tSIZE\t\tLAST ACCESSED\nk9g2vq1m1x2n3b4v5c6x7z8a9               \ttrue \t\t4.1kB     \t2 minutes ago\n"
        );
        assert_eq!(tab_block(&[r]), "k9g2vq1m1x2n3b4v5c6x7z8a9               \ttrue \t4.1kB     \t2 minutes ago\n");
        let s = tab_block(&[vec!["Reclaimable:".into(), "0B".into()], vec!["Total:".into(), "0B".into()]]);
        assert_eq!(s, "Reclaimable:\t0B\nTotal:\t\t0B\n");
    }
}

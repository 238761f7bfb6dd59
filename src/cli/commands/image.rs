//! `docker pull`, `images`, `rmi`, `tag`, `history`, `image prune`
//! (cli/command/image/{pull,list,remove,tag,history,prune}.go and their formatters).

use serde_json::json;

use super::container::{go_time_string, parse_filters};
use super::{daemon_error, Invocation};
use crate::api::{Filters, ImageDeleteItem, ImageListOptions, Reference, StdStream};
use crate::cli::args::Parsed;
use crate::cli::pending::Confirmed;
use crate::cli::{format, jsonmessage, Ctx, Outcome};
use crate::clock::Millis;
use crate::text::{ellipsis, human_duration, human_size, size3};
use crate::vfs::short_id;

/// `units.HumanDuration(now - t) + " ago"`.
fn ago(now_s: i64, t: i64) -> String {
    format!(
        "{} ago",
        human_duration(Millis(((now_s - t).max(0) as u64) * 1000))
    )
}

/// Checks `--platform`: only linux/amd64 images are simulated.
pub(super) fn check_platform(ctx: &mut Ctx, p: &Parsed) -> Result<(), Outcome> {
    let Some(pl) = p.string("platform").filter(|s| !s.is_empty()) else {
        return Ok(());
    };
    if matches!(pl, "linux/amd64" | "linux/x86_64" | "amd64" | "linux") {
        return Ok(());
    }
    ctx.err(&format!(
        "dockling: only linux/amd64 images are simulated; --platform {pl} is not\n"
    ));
    Err(Outcome::Done(1))
}

/// `docker pull NAME[:TAG|@DIGEST]`.
pub fn pull(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    if let Err(o) = check_platform(ctx, p) {
        return o;
    }
    if p.has("disable-content-trust") && !p.bool("disable-content-trust") {
        ctx.err("dockling: docker pull with content trust is not simulated\n");
        return Outcome::Done(1);
    }
    let name = &p.args[0];
    let r = match Reference::parse(name) {
        Ok(r) => r,
        Err(e) => {
            ctx.err(&format!("{e}\n"));
            return Outcome::Done(1);
        }
    };
    let quiet = p.bool("quiet");
    let all = p.bool("all-tags");
    let name_only = r.tag.is_none() && r.digest.is_none();
    if all && !name_only {
        ctx.err("tag can't be used with --all-tags/-a\n");
        return Outcome::Done(1);
    }
    if !all && name_only && !quiet {
        ctx.out("Using default tag: latest\n");
    }
    let r = if all { r } else { r.with_default_tag() };
    match ctx.daemon.image_pull(&r, all, ctx.now) {
        Ok(msgs) => {
            if !quiet {
                jsonmessage::display(ctx, StdStream::Stdout, &msgs);
            }
            ctx.out(&format!("{}\n", r.full()));
            Outcome::Done(0)
        }
        Err(e) => daemon_error(ctx, &e),
    }
}

fn filters_or_usage(p: &Parsed, ctx: &mut Ctx, inv: &Invocation) -> Result<Filters, Outcome> {
    match parse_filters(p) {
        Ok(f) => Ok(Filters(f)),
        Err(e) => Err(super::flag_error(
            ctx,
            &format!("{} [OPTIONS]", inv.path),
            &inv.path,
            &e,
        )),
    }
}

/// `docker images [REPOSITORY[:TAG]]` / `docker image ls`.
pub fn images(p: &Parsed, ctx: &mut Ctx, inv: &Invocation) -> Outcome {
    if p.bool("tree") {
        ctx.err("dockling: docker images --tree is not simulated\n");
        return Outcome::Done(1);
    }
    let mut filters = match filters_or_usage(p, ctx, inv) {
        Ok(f) => f,
        Err(o) => return o,
    };
    if let Some(m) = p.args.first() {
        filters.0.push(("reference".into(), m.clone()));
    }
    let opts = ImageListOptions {
        all: p.bool("all"),
        filters,
        container_count: false,
        shared_size: false,
    };
    let list = match ctx.daemon.image_list(&opts, ctx.now) {
        Ok(l) => l,
        Err(e) => return daemon_error(ctx, &e),
    };
    let trunc = !p.bool("no-trunc");
    let digests = p.bool("digests");
    let quiet = p.bool("quiet");
    let user_format = p.string("format").filter(|f| !f.is_empty());
    let format = match user_format {
        Some(f) if f == "table" && quiet => "{{.ID}}".to_string(),
        Some(f) if f == "table" && digests => "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}".to_string(),
        Some(f) if f.starts_with("table") && digests && !f.contains("{{.Digest}}") => format!("{f}\t{{{{.Digest}}}}"),
        Some(f) => f.to_string(),
        None if quiet => "{{.ID}}".to_string(),
        None if digests => "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}".to_string(),
        None => "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}".to_string(),
    };
    let need_digest = digests || format.contains("{{.Digest}}");
    let wanted = crate::cli::format::field_filter(&format);
    let now_s = ctx.now.as_secs() as i64;
    let mut items = Vec::new();
    for img in &list {
        let mut rows: Vec<(String, String, String)> = Vec::new();
        if img.repo_tags.is_empty() && img.repo_digests.is_empty() {
            rows.push(("<none>".into(), "<none>".into(), "<none>".into()));
        } else {
            // Tags by repository (in name order), each with its repository's digests.
            let split = |s: &str, sep: char| -> (String, String) {
                let at = if sep == ':' {
                    let slash = s.rfind('/').map(|i| i + 1).unwrap_or(0);
                    s[slash..].rfind(':').map(|i| i + slash)
                } else {
                    s.find('@')
                };
                match at {
                    Some(i) => (s[..i].to_string(), s[i + 1..].to_string()),
                    None => (s.to_string(), String::new()),
                }
            };
            let tags: Vec<(String, String)> = img.repo_tags.iter().map(|t| split(t, ':')).collect();
            let dgs: Vec<(String, String)> = img.repo_digests.iter().map(|d| split(d, '@')).collect();
            let mut repos: Vec<&String> = tags.iter().map(|(r, _)| r).collect();
            crate::text::sort(&mut repos);
            repos.dedup();
            for repo in &repos {
                let ds: Vec<&String> = if need_digest {
                    dgs.iter().filter(|(r, _)| r == *repo).map(|(_, d)| d).collect()
                } else {
                    Vec::new()
                };
                for (_, tag) in tags.iter().filter(|(r, _)| r == *repo) {
                    if ds.is_empty() {
                        rows.push(((*repo).clone(), tag.clone(), "<none>".into()));
                    }
                    for d in &ds {
                        rows.push(((*repo).clone(), tag.clone(), (*d).clone()));
                    }
                }
            }
            let mut digest_only: Vec<&String> = dgs
                .iter()
                .map(|(r, _)| r)
                .filter(|r| !repos.contains(r))
                .collect();
            crate::text::sort(&mut digest_only);
            digest_only.dedup();
            for repo in digest_only {
                if digests {
                    for (_, d) in dgs.iter().filter(|(r, _)| r == repo) {
                        rows.push((repo.clone(), "<none>".into(), d.clone()));
                    }
                } else {
                    rows.push((repo.clone(), "<none>".into(), String::new()));
                }
            }
        }
        for (repo, tag, digest) in rows {
            use serde_json::Value;
            let mut m = serde_json::Map::new();
            let mut put = |k: &str, v: &dyn Fn() -> Value| {
                if wanted(k) {
                    m.insert(k.to_string(), v());
                }
            };
            put("Containers", &|| Value::from(if img.containers < 0 { "N/A".to_string() } else { img.containers.to_string() }));
            put("CreatedAt", &|| Value::from(go_time_string(img.created)));
            put("CreatedSince", &|| Value::from(ago(now_s, img.created)));
            put("Digest", &|| Value::from(digest.clone()));
            put("ID", &|| Value::from(if trunc { short_id(&img.id).to_string() } else { img.id.clone() }));
            put("Repository", &|| Value::from(repo.clone()));
            put("SharedSize", &|| Value::from(if img.shared_size < 0 { "N/A".to_string() } else { human_size(img.shared_size as u64) }));
            put("Size", &|| Value::from(size3(img.size as u64)));
            put("Tag", &|| Value::from(tag.clone()));
            put("UniqueSize", &|| {
                Value::from(if img.shared_size < 0 { "N/A".to_string() } else { human_size((img.size - img.shared_size).max(0) as u64) })
            });
            put("VirtualSize", &|| Value::from(human_size(img.size as u64)));
            items.push(Value::Object(m));
        }
    }
    let headers = json!({
        "ID": "IMAGE ID", "Repository": "REPOSITORY", "Tag": "TAG", "Digest": "DIGEST",
        "CreatedSince": "CREATED", "CreatedAt": "CREATED AT", "Size": "SIZE", "Containers": "CONTAINERS",
        "VirtualSize": "SIZE", "SharedSize": "SHARED SIZE", "UniqueSize": "UNIQUE SIZE",
    });
    if !write_formatted(ctx, &format, &items, &headers) {
        return Outcome::Done(1);
    }
    if items.is_empty() && inv.path == "docker images" {
        if let Some(m) = p.args.first() {
            let sub = [
                "build", "history", "import", "inspect", "list", "load", "ls", "prune", "pull", "push",
                "rm", "save", "tag",
            ];
            if sub.contains(&m.as_str()) {
                ctx.err(&format!(
                    "\nNo images found matching \"{m}\": did you mean \"docker image {m}\"?\n"
                ));
            }
        }
    }
    Outcome::Done(0)
}

/// Renders with a `--format`; a template error goes to stderr. `false` on error.
pub(super) fn write_formatted(
    ctx: &mut Ctx,
    fmt: &str,
    items: &[serde_json::Value],
    headers: &serde_json::Value,
) -> bool {
    match format::render(fmt, items, headers) {
        Ok(text) => {
            ctx.out(&text);
            true
        }
        Err(e) => {
            ctx.err(&format!("{e}\n"));
            false
        }
    }
}

/// `docker rmi IMAGE…` / `docker image rm`.
pub fn rmi(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    let force = p.bool("force");
    let prune = !p.bool("no-prune");
    let mut failed = false;
    let mut errors = Vec::new();
    for name in &p.args {
        match ctx.daemon.image_remove(name, force, prune) {
            Ok(items) => ctx.out(&delete_lines(&items, "Untagged", "Deleted")),
            Err(e) => {
                if !(force && e.is_not_found()) {
                    failed = true;
                }
                errors.push(e);
            }
        }
    }
    for e in &errors {
        let _ = daemon_error(ctx, e);
    }
    Outcome::Done(if failed { 1 } else { 0 })
}

fn delete_lines(items: &[ImageDeleteItem], untagged: &str, deleted: &str) -> String {
    let mut s = String::new();
    for item in items {
        match item {
            ImageDeleteItem::Untagged(r) => s.push_str(&format!("{untagged}: {r}\n")),
            ImageDeleteItem::Deleted(d) => s.push_str(&format!("{deleted}: {d}\n")),
        }
    }
    s
}

/// `docker tag SOURCE TARGET`.
pub fn tag(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    let target = &p.args[1];
    let r = match Reference::parse(target) {
        Ok(r) => r,
        Err(e) => {
            ctx.err(&format!(
                "Error parsing reference: \"{target}\" is not a valid repository/tag: {e}\n"
            ));
            return Outcome::Done(1);
        }
    };
    if r.digest.is_some() {
        ctx.err("refusing to create a tag with a digest reference\n");
        return Outcome::Done(1);
    }
    match ctx.daemon.image_tag(&p.args[0], &r, ctx.now) {
        Ok(()) => Outcome::Done(0),
        Err(e) => daemon_error(ctx, &e),
    }
}

/// `docker history IMAGE`.
pub fn history(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    if let Err(o) = check_platform(ctx, p) {
        return o;
    }
    let items = match ctx.daemon.image_history(&p.args[0]) {
        Ok(i) => i,
        Err(e) => return daemon_error(ctx, &e),
    };
    let human = p.string("human").map(|v| v != "false").unwrap_or(true);
    let trunc = !p.bool("no-trunc");
    let now_s = ctx.now.as_secs() as i64;
    let rfc3339 = |t: i64| {
        let c = crate::clock::SimTime::from_secs(t.max(0) as u64).civil();
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            c.year, c.month, c.day, c.hour, c.minute, c.second
        )
    };
    let rows: Vec<serde_json::Value> = items
        .iter()
        .map(|h| {
            let created_by = h.created_by.replace('\t', " ");
            json!({
                "Comment": h.comment,
                "CreatedAt": rfc3339(h.created),
                "CreatedBy": if trunc { ellipsis(&created_by, 45) } else { created_by },
                "CreatedSince": if !human { rfc3339(h.created) } else if h.created <= 946_684_800 { "N/A".to_string() } else { ago(now_s, h.created) },
                "ID": if trunc { short_id(&h.id).to_string() } else { h.id.clone() },
                "Size": if human { size3(h.size as u64) } else { h.size.to_string() },
            })
        })
        .collect();
    let format = match p.string("format").filter(|f| !f.is_empty()) {
        Some("table") | None if p.bool("quiet") => "{{.ID}}".to_string(),
        Some("table") | None if !human => "table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}".to_string(),
        Some("table") | None => "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}".to_string(),
        Some(f) => f.to_string(),
    };
    let headers = json!({"ID": "IMAGE", "CreatedSince": "CREATED", "CreatedAt": "CREATED AT", "CreatedBy": "CREATED BY", "Size": "SIZE", "Comment": "COMMENT"});
    Outcome::Done(if write_formatted(ctx, &format, &rows, &headers) { 0 } else { 1 })
}

/// `docker image prune [-a] [-f] [--filter]`.
pub fn image_prune(p: &Parsed, ctx: &mut Ctx, inv: &Invocation) -> Outcome {
    let mut filters = match filters_or_usage(p, ctx, inv) {
        Ok(f) => f,
        Err(o) => return o,
    };
    let all = p.bool("all");
    if all {
        filters.0.push(("dangling".into(), "false".into()));
    }
    let warning = if all {
        "WARNING! This will remove all images without at least one container associated to them."
    } else {
        "WARNING! This will remove all dangling images."
    };
    if p.bool("force") {
        return match image_prune_now(ctx.daemon, &filters, ctx.now, ctx.io) {
            Ok(()) => Outcome::Done(0),
            Err(e) => daemon_error(ctx, &e),
        };
    }
    super::lifecycle::confirm(ctx, warning, Confirmed::ImagePrune(filters))
}

/// Prunes images and prints the report (`Deleted Images:` … `Total reclaimed space:`).
pub fn image_prune_now(
    daemon: &mut crate::daemon::Daemon,
    filters: &Filters,
    now: crate::clock::SimTime,
    io: &mut dyn crate::cli::Io,
) -> Result<(), crate::api::ApiError> {
    let report = daemon.image_prune(filters, now)?;
    let mut s = String::new();
    if !report.deleted.is_empty() {
        s.push_str("Deleted Images:\n");
        s.push_str(&delete_lines(&report.deleted, "untagged", "deleted"));
        s.push('\n');
    }
    s.push_str(&format!("Total reclaimed space: {}\n", human_size(report.reclaimed)));
    io.write(StdStream::Stdout, &s);
    Ok(())
}

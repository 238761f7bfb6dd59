//! `docker pull`, `docker images`, `docker rmi` (cli/command/image/{pull,list,remove}.go).

use super::{daemon_error, Invocation};
use crate::api::{ImageDeleteItem, Reference, StdStream};
use crate::cli::args::Parsed;
use crate::cli::{jsonmessage, table, Ctx, Outcome};
use crate::clock::Millis;
use crate::text::{human_duration, size3};
use crate::vfs::short_id;

/// `docker pull NAME[:TAG|@DIGEST]`.
pub fn pull(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    for unsupported in ["all-tags", "platform", "disable-content-trust"] {
        if p.has(unsupported) {
            ctx.err(&format!(
                "dockling: docker pull --{unsupported} is not simulated yet\n"
            ));
            return Outcome::Done(1);
        }
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
    if r.tag.is_none() && r.digest.is_none() && !quiet {
        ctx.out("Using default tag: latest\n");
    }
    let r = r.with_default_tag();
    match ctx.daemon.image_pull(&r, ctx.now) {
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

/// `docker images [REPOSITORY[:TAG]]` / `docker image ls`: the classic table.
pub fn images(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    for unsupported in ["filter", "format", "tree"] {
        if p.has(unsupported) {
            ctx.err(&format!(
                "dockling: docker images --{unsupported} is not simulated yet\n"
            ));
            return Outcome::Done(1);
        }
    }
    let filter = p.args.first().map(|f| {
        let last_slash = f.rfind('/').map(|i| i + 1).unwrap_or(0);
        match f[last_slash..].rfind(':') {
            Some(i) => (
                f[..last_slash + i].to_string(),
                Some(f[last_slash + i + 1..].to_string()),
            ),
            None => (f.clone(), None),
        }
    });
    let trunc = !p.bool("no-trunc");
    let digests = p.bool("digests");
    let now_s = ctx.now.as_secs() as i64;
    let mut rows = Vec::new();
    for img in ctx.daemon.image_list() {
        let id = if trunc {
            short_id(&img.id).to_string()
        } else {
            img.id.clone()
        };
        let created = format!(
            "{} ago",
            human_duration(Millis(((now_s - img.created).max(0) as u64) * 1000))
        );
        let size = size3(img.size as u64);
        let mut entries: Vec<(String, String, String)> = Vec::new();
        for t in &img.repo_tags {
            let (repo, tag) = t.rsplit_once(':').unwrap_or((t, "<none>"));
            let digest = img
                .repo_digests
                .iter()
                .find(|d| d.split('@').next() == Some(repo))
                .and_then(|d| d.split('@').nth(1))
                .unwrap_or("<none>");
            entries.push((repo.to_string(), tag.to_string(), digest.to_string()));
        }
        if entries.is_empty() {
            for d in &img.repo_digests {
                let (repo, digest) = d.split_once('@').unwrap_or((d, "<none>"));
                entries.push((repo.to_string(), "<none>".into(), digest.to_string()));
            }
        }
        if entries.is_empty() {
            if filter.is_some() {
                continue;
            }
            entries.push(("<none>".into(), "<none>".into(), "<none>".into()));
        }
        for (repo, tag, digest) in entries {
            if let Some((frepo, ftag)) = &filter {
                if &repo != frepo || ftag.as_ref().is_some_and(|t| t != &tag) {
                    continue;
                }
            }
            let mut row = vec![repo, tag];
            if digests {
                row.push(digest);
            }
            row.extend([id.clone(), created.clone(), size.clone()]);
            rows.push(row);
        }
    }
    if p.bool("quiet") {
        let id_col = if digests { 3 } else { 2 };
        let s: String = rows.iter().map(|r| format!("{}\n", r[id_col])).collect();
        ctx.out(&s);
        return Outcome::Done(0);
    }
    let mut header = vec!["REPOSITORY", "TAG"];
    if digests {
        header.push("DIGEST");
    }
    header.extend(["IMAGE ID", "CREATED", "SIZE"]);
    ctx.out(&table::render(&header, rows));
    Outcome::Done(0)
}

/// `docker rmi IMAGE…` / `docker image rm`.
pub fn rmi(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    let force = p.bool("force");
    let mut failed = false;
    let mut errors = Vec::new();
    for name in &p.args {
        match ctx.daemon.image_remove(name, force) {
            Ok(items) => {
                let mut s = String::new();
                for item in items {
                    match item {
                        ImageDeleteItem::Untagged(r) => s.push_str(&format!("Untagged: {r}\n")),
                        ImageDeleteItem::Deleted(d) => s.push_str(&format!("Deleted: {d}\n")),
                    }
                }
                ctx.out(&s);
            }
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

//! `docker version` (cli/command/system/version.go, default template).

use super::Invocation;
use crate::cli::args::Parsed;
use crate::cli::{Ctx, Outcome};

pub const CLIENT_VERSION: &str = "28.2.2";

/// `docker version`: the client block, then the daemon's.
pub fn version(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    if p.has("format") {
        ctx.err("dockling: docker version --format is not simulated yet\n");
        return Outcome::Done(1);
    }
    let v = ctx.daemon.version();
    let mut s = String::from(
        "Client:\n Version:           28.2.2\n API version:       1.50\n Go version:        go1.24.3\n Git commit:        e6534b4\n Built:             Fri May 30 12:07:14 2025\n OS/Arch:           linux/amd64\n Context:           default\n\nServer:\n",
    );
    s.push_str(&format!(
        " Engine:\n  Version:          {}\n  API version:      {} (minimum version {})\n  Go version:       {}\n  Git commit:       {}\n  Built:            {}\n  OS/Arch:          {}/{}\n  Experimental:     {}\n",
        v.version, v.api_version, v.min_api_version, v.go_version, v.git_commit, v.built, v.os, v.arch, v.experimental
    ));
    for (name, version, commit) in &v.components {
        s.push_str(&format!(
            " {name}:\n  Version:          {version}\n  GitCommit:        {commit}\n"
        ));
    }
    ctx.out(&s);
    Outcome::Done(0)
}

/// `docker system df [-v]` (cli/command/system/df.go, formatter/disk_usage.go).
pub fn df(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    use crate::text::{human_size, size3};
    if p.string("format").is_some_and(|f| !f.is_empty() && f != "table") {
        ctx.err("dockling: docker system df --format is not simulated yet\n");
        return Outcome::Done(1);
    }
    let du = ctx.daemon.disk_usage(ctx.now);
    let pct = |reclaimable: u64, total: u64| {
        if total > 0 {
            format!("{} ({}%)", human_size(reclaimable), reclaimable * 100 / total)
        } else {
            human_size(reclaimable)
        }
    };
    if !p.bool("verbose") {
        let img_active = du.images.iter().filter(|i| i.containers > 0).count();
        let used: u64 = du
            .images
            .iter()
            .filter(|i| i.containers != 0)
            .map(|i| (i.size - i.shared_size).max(0) as u64)
            .sum();
        let c_active = du.containers.iter().filter(|c| matches!(c.state.as_str(), "running" | "paused" | "restarting")).count();
        let c_size: u64 = du.containers.iter().map(|c| c.size_rw.unwrap_or(0) as u64).sum();
        let c_recl: u64 = du
            .containers
            .iter()
            .filter(|c| !matches!(c.state.as_str(), "running" | "paused" | "restarting"))
            .map(|c| c.size_rw.unwrap_or(0) as u64)
            .sum();
        let v_active = du.volumes.iter().filter(|v| v.2 > 0).count();
        let v_size: u64 = du.volumes.iter().map(|v| v.1).sum();
        let v_recl: u64 = du.volumes.iter().filter(|v| v.2 == 0).map(|v| v.1).sum();
        let b_size: u64 = du.build_cache.iter().map(|b| b.size).sum();
        let b_active = du.build_cache.iter().filter(|b| b.in_use).count();
        let b_inuse: u64 = du.build_cache.iter().filter(|b| b.in_use && !b.shared).map(|b| b.size).sum();
        let rows = vec![
            vec!["TYPE".into(), "TOTAL".into(), "ACTIVE".into(), "SIZE".into(), "RECLAIMABLE".into()],
            vec!["Images".into(), du.images.len().to_string(), img_active.to_string(), human_size(du.layers_size), pct(du.layers_size.saturating_sub(used), du.layers_size)],
            vec!["Containers".into(), du.containers.len().to_string(), c_active.to_string(), human_size(c_size), pct(c_recl, c_size)],
            vec!["Local Volumes".into(), du.volumes.len().to_string(), v_active.to_string(), human_size(v_size), pct(v_recl, v_size)],
            vec!["Build Cache".into(), du.build_cache.len().to_string(), b_active.to_string(), human_size(b_size), human_size(b_size - b_inuse)],
        ];
        ctx.out(&crate::text::tabwrite(&rows));
        return Outcome::Done(0);
    }
    let now_s = ctx.now.as_secs() as i64;
    let ago = |t: i64| format!("{} ago", crate::text::human_duration(crate::clock::Millis(((now_s - t).max(0) as u64) * 1000)));
    let mut s = String::from("Images space usage:\n\n");
    let mut rows = vec![["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE", "SHARED SIZE", "UNIQUE SIZE", "CONTAINERS"].iter().map(|x| x.to_string()).collect::<Vec<_>>()];
    for i in &du.images {
        let (repo, tag) = i
            .repo_tags
            .first()
            .and_then(|t| {
                let slash = t.rfind('/').map(|k| k + 1).unwrap_or(0);
                t[slash..].rfind(':').map(|k| (t[..slash + k].to_string(), t[slash + k + 1..].to_string()))
            })
            .unwrap_or(("<none>".into(), "<none>".into()));
        rows.push(vec![repo, tag, crate::vfs::short_id(&i.id).to_string(), ago(i.created), size3(i.size as u64), human_size(i.shared_size.max(0) as u64), human_size((i.size - i.shared_size).max(0) as u64), i.containers.to_string()]);
    }
    s.push_str(&crate::text::tabwrite(&rows));
    s.push_str("\nContainers space usage:\n\n");
    let mut rows = vec![["CONTAINER ID", "IMAGE", "COMMAND", "LOCAL VOLUMES", "SIZE", "CREATED", "STATUS", "NAMES"].iter().map(|x| x.to_string()).collect::<Vec<_>>()];
    for c in &du.containers {
        rows.push(vec![
            c.id[..12].to_string(),
            c.image.clone(),
            crate::text::go_quote(&crate::text::ellipsis(&c.command, 20)),
            c.mounts.len().to_string(),
            size3(c.size_rw.unwrap_or(0) as u64),
            ago(c.created),
            c.status.clone(),
            c.names.first().map(|n| n.trim_start_matches('/').to_string()).unwrap_or_default(),
        ]);
    }
    s.push_str(&crate::text::tabwrite(&rows));
    s.push_str("\nLocal Volumes space usage:\n\n");
    let mut rows = vec![vec!["VOLUME NAME".to_string(), "LINKS".into(), "SIZE".into()]];
    for (v, size, links) in &du.volumes {
        rows.push(vec![v.name.clone(), links.to_string(), size3(*size)]);
    }
    s.push_str(&crate::text::tabwrite(&rows));
    let b_size: u64 = du.build_cache.iter().map(|b| b.size).sum();
    s.push_str(&format!("\nBuild cache usage: {}\n\n", human_size(b_size)));
    let mut rows = vec![["CACHE ID", "CACHE TYPE", "SIZE", "CREATED", "LAST USED", "USAGE", "SHARED"].iter().map(|x| x.to_string()).collect::<Vec<_>>()];
    for b in &du.build_cache {
        rows.push(vec![b.id[..12.min(b.id.len())].to_string(), b.kind.clone(), size3(b.size), ago(b.created.as_secs() as i64), ago(b.last_used.as_secs() as i64), b.usage.to_string(), b.shared.to_string()]);
    }
    s.push_str(&crate::text::tabwrite(&rows));
    ctx.out(&s);
    Outcome::Done(0)
}

/// `docker system prune [-a] [--volumes] [-f]`.
pub fn prune(p: &Parsed, ctx: &mut Ctx, inv: &Invocation) -> Outcome {
    let filters = match super::container::parse_filters(p) {
        Ok(f) => crate::api::Filters(f),
        Err(e) => return super::flag_error(ctx, &format!("{} [OPTIONS]", inv.path), &inv.path, &e),
    };
    let all = p.bool("all");
    let volumes = p.bool("volumes");
    if volumes && filters.contains("until") {
        ctx.err("ERROR: The \"until\" filter is not supported with \"--volumes\"\n");
        return Outcome::Done(1);
    }
    let action = crate::cli::pending::Confirmed::SystemPrune { all, volumes, filters: filters.clone() };
    if p.bool("force") {
        return match super::system_prune_now(ctx.daemon, &action, ctx.now, ctx.io) {
            Ok(()) => Outcome::Done(0),
            Err(e) => super::daemon_error(ctx, &e),
        };
    }
    let mut w = String::from("WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n");
    if volumes {
        w.push_str("  - all anonymous volumes not used by at least one container\n");
    }
    w.push_str(if all { "  - all images without at least one container associated to them\n" } else { "  - all dangling images\n" });
    w.push_str(if all { "  - all build cache\n" } else { "  - unused build cache\n" });
    let mut shown: Vec<String> = ["label", "label!", "until"]
        .iter()
        .flat_map(|k| filters.get(k).into_iter().map(move |v| format!("{k}={v}")))
        .collect();
    crate::text::sort_by(&mut shown, &|a, b| crate::daemon::natural_cmp(a, b));
    if !shown.is_empty() {
        w.push_str("\n  Items to be pruned will be filtered with:\n");
        for f in &shown {
            w.push_str(&format!("  - {f}\n"));
        }
    }
    w.push('\n');
    ctx.out(&w);
    super::lifecycle::confirm(ctx, "", action)
}

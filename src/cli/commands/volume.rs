//! `docker volume create|ls|rm|inspect|prune` (cli/command/volume/*.go, formatter/volume.go).

use serde_json::{json, Value};

use super::image::write_formatted;
use super::{daemon_error, Invocation};
use crate::api::{Filters, StdStream};
use crate::cli::args::Parsed;
use crate::cli::pending::Confirmed;
use crate::cli::{Ctx, Io, Outcome};
use crate::daemon::{Daemon, Volume};
use crate::text::human_size;

fn labels_of(p: &Parsed, key: &str) -> std::collections::BTreeMap<String, String> {
    p.list(key)
        .iter()
        .map(|l| {
            let (k, v) = l.split_once('=').unwrap_or((l, ""));
            (k.to_string(), v.to_string())
        })
        .collect()
}

/// `docker volume create [NAME]`.
pub fn create(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    if let Some(d) = p.string("driver").filter(|d| *d != "local") {
        ctx.err(&format!(
            "Error response from daemon: create: error looking up volume plugin {d}: plugin \"{d}\" not found\n"
        ));
        return Outcome::Done(1);
    }
    let name = p.args.first().map(String::as_str).or(p.string("name"));
    // An empty map comes back as null (checked against real-docker).
    let labels = Some(labels_of(p, "label")).filter(|l| !l.is_empty());
    let opts = Some(labels_of(p, "opt")).filter(|o| !o.is_empty());
    match ctx.daemon.volume_create(name, labels, opts, ctx.now) {
        Ok(n) => {
            ctx.out(&format!("{n}\n"));
            Outcome::Done(0)
        }
        Err(e) => daemon_error(ctx, &e),
    }
}

/// The `docker volume inspect` object.
pub fn volume_json(v: &Volume) -> Value {
    let c = v.created.civil();
    json!({
        "CreatedAt": format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", c.year, c.month, c.day, c.hour, c.minute, c.second),
        "Driver": "local",
        "Labels": v.labels,
        "Mountpoint": v.mountpoint(),
        "Name": v.name,
        "Options": v.options,
        "Scope": "local",
    })
}

/// `docker volume ls`.
pub fn ls(p: &Parsed, ctx: &mut Ctx, inv: &Invocation) -> Outcome {
    let filters = match super::container::parse_filters(p) {
        Ok(f) => Filters(f),
        Err(e) => return super::flag_error(ctx, &format!("{} [OPTIONS]", inv.path), &inv.path, &e),
    };
    let list = match ctx.daemon.volume_list(&filters) {
        Ok(l) => l,
        Err(e) => return daemon_error(ctx, &e),
    };
    let items: Vec<Value> = list
        .iter()
        .map(|v| {
            let labels: Vec<String> = v
                .labels
                .iter()
                .flatten()
                .map(|(k, x)| format!("{k}={x}"))
                .collect();
            json!({
                "Availability": "N/A", "Driver": "local", "Group": "N/A", "Labels": labels.join(","),
                "Links": "N/A", "Mountpoint": v.mountpoint(), "Name": v.name, "Scope": "local",
                "Size": "N/A", "Status": "N/A",
            })
        })
        .collect();
    let format = match p.string("format").filter(|f| !f.is_empty()) {
        Some("table") | None if p.bool("quiet") => "{{.Name}}".to_string(),
        Some("table") | None => "table {{.Driver}}\t{{.Name}}".to_string(),
        Some(f) => f.to_string(),
    };
    let headers = json!({"Name": "VOLUME NAME", "Driver": "DRIVER", "Scope": "SCOPE", "Mountpoint": "MOUNTPOINT",
        "Labels": "LABELS", "Links": "LINKS", "Size": "SIZE", "Group": "GROUP", "Availability": "AVAILABILITY", "Status": "STATUS"});
    Outcome::Done(if write_formatted(ctx, &format, &items, &headers) { 0 } else { 1 })
}

/// `docker volume rm VOLUME…`.
pub fn rm(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    let force = p.bool("force");
    let mut errors = Vec::new();
    for name in &p.args {
        match ctx.daemon.volume_remove(name, force) {
            Ok(()) => ctx.out(&format!("{name}\n")),
            Err(e) => errors.push(e),
        }
    }
    for e in &errors {
        let _ = daemon_error(ctx, e);
    }
    Outcome::Done(if errors.is_empty() { 0 } else { 1 })
}

/// `docker volume inspect VOLUME…`.
pub fn inspect(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for name in &p.args {
        match ctx.daemon.volume(name) {
            Ok(v) => found.push(volume_json(v)),
            Err(e) => errors.push(e),
        }
    }
    let ok = super::inspect::print_inspect(ctx, p, &found);
    for e in &errors {
        let _ = daemon_error(ctx, e);
    }
    Outcome::Done(if errors.is_empty() && ok { 0 } else { 1 })
}

/// `docker volume prune [-a] [-f]`.
pub fn prune(p: &Parsed, ctx: &mut Ctx, inv: &Invocation) -> Outcome {
    let mut filters = match super::container::parse_filters(p) {
        Ok(f) => Filters(f),
        Err(e) => return super::flag_error(ctx, &format!("{} [OPTIONS]", inv.path), &inv.path, &e),
    };
    let all = p.bool("all");
    if all {
        filters.0.push(("all".into(), "true".into()));
    }
    if p.bool("force") {
        return match volume_prune_now(ctx.daemon, &filters, ctx.io) {
            Ok(()) => Outcome::Done(0),
            Err(e) => daemon_error(ctx, &e),
        };
    }
    let warning = if all {
        "WARNING! This will remove all local volumes not used by at least one container."
    } else {
        "WARNING! This will remove anonymous local volumes not used by at least one container."
    };
    super::lifecycle::confirm(ctx, warning, Confirmed::VolumePrune(filters))
}

/// Prunes volumes and prints the report.
pub fn volume_prune_now(
    daemon: &mut Daemon,
    filters: &Filters,
    io: &mut dyn Io,
) -> Result<(), crate::api::ApiError> {
    let (gone, reclaimed) = daemon.volume_prune(filters)?;
    let mut s = String::new();
    if !gone.is_empty() {
        s.push_str("Deleted Volumes:\n");
        for n in &gone {
            s.push_str(n);
            s.push('\n');
        }
        s.push('\n');
    }
    s.push_str(&format!("Total reclaimed space: {}\n", human_size(reclaimed)));
    io.write(StdStream::Stdout, &s);
    Ok(())
}

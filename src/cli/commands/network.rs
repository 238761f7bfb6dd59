//! `docker network create|ls|rm|inspect|connect|disconnect|prune` (cli/command/network/*.go).

use serde_json::{json, Value};

use super::image::write_formatted;
use super::{daemon_error, Invocation};
use crate::api::Filters;
use crate::cli::args::Parsed;
use crate::cli::pending::Confirmed;
use crate::cli::{Ctx, Io, Outcome};
use crate::daemon::{Daemon, Network};

fn fail(ctx: &mut Ctx, msg: &str) -> Outcome {
    ctx.err(&format!("{msg}\n"));
    Outcome::Done(1)
}

/// `docker network create NETWORK`.
pub fn create(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    for flag in ["subnet", "gateway", "ip-range", "ipv6", "aux-address", "config-from", "config-only", "ingress", "ipam-driver", "ipam-opt", "scope"] {
        if p.has(flag) {
            return fail(ctx, &format!("dockling: docker network create --{flag} is not simulated"));
        }
    }
    let labels = p
        .list("label")
        .iter()
        .map(|l| {
            let (k, v) = l.split_once('=').unwrap_or((l, ""));
            (k.to_string(), v.to_string())
        })
        .collect();
    let driver = p.string("driver").filter(|d| !d.is_empty()).unwrap_or("bridge");
    match ctx.daemon.network_create(
        &p.args[0],
        driver,
        p.bool("internal"),
        p.bool("attachable"),
        labels,
        ctx.now,
    ) {
        Ok(id) => {
            ctx.out(&format!("{id}\n"));
            Outcome::Done(0)
        }
        Err(e) => daemon_error(ctx, &e),
    }
}

/// `docker network ls`.
pub fn ls(p: &Parsed, ctx: &mut Ctx, inv: &Invocation) -> Outcome {
    let filters = match super::container::parse_filters(p) {
        Ok(f) => Filters(f),
        Err(e) => return super::flag_error(ctx, &format!("{} [OPTIONS]", inv.path), &inv.path, &e),
    };
    let list = match ctx.daemon.network_list(&filters) {
        Ok(l) => l,
        Err(e) => return daemon_error(ctx, &e),
    };
    let trunc = !p.bool("no-trunc");
    let items: Vec<Value> = list
        .iter()
        .map(|n| {
            let labels: Vec<String> = n.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            json!({
                "CreatedAt": super::container::go_time_string(n.created.as_secs() as i64),
                "Driver": n.driver,
                "ID": if trunc { n.id[..12].to_string() } else { n.id.clone() },
                "IPv4": "true",
                "IPv6": "false",
                "Internal": n.internal.to_string(),
                "Labels": labels.join(","),
                "Name": n.name,
                "Scope": "local",
            })
        })
        .collect();
    let format = match p.string("format").filter(|f| !f.is_empty()) {
        Some("table") | None if p.bool("quiet") => "{{.ID}}".to_string(),
        Some("table") | None => "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}".to_string(),
        Some(f) => f.to_string(),
    };
    let headers = json!({"ID": "NETWORK ID", "Name": "NAME", "Driver": "DRIVER", "Scope": "SCOPE",
        "IPv4": "IPV4", "IPv6": "IPV6", "Internal": "INTERNAL", "Labels": "LABELS", "CreatedAt": "CREATED AT"});
    Outcome::Done(if write_formatted(ctx, &format, &items, &headers) { 0 } else { 1 })
}

/// `docker network rm NETWORK…`.
pub fn rm(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    let mut failed = false;
    for name in &p.args {
        match ctx.daemon.network_remove(name) {
            Ok(()) => ctx.out(&format!("{name}\n")),
            Err(e) if p.bool("force") && e.is_not_found() => {}
            Err(e) => {
                failed = true;
                let _ = daemon_error(ctx, &e);
            }
        }
    }
    Outcome::Done(if failed { 1 } else { 0 })
}

/// The `docker network inspect` object.
pub fn network_json(d: &Daemon, n: &Network) -> Value {
    let c = n.created.civil();
    let created = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second, c.nanos
    );
    let mut containers = serde_json::Map::new();
    for id in d.network_users(&n.id) {
        let Ok(c) = d.find_container(&id) else { continue };
        let Some(e) = c.endpoints.iter().find(|e| e.network == n.id) else { continue };
        let Some(ip) = &e.ip else { continue };
        let o: Vec<u8> = ip.split('.').filter_map(|x| x.parse().ok()).collect();
        let mac = match o.as_slice() {
            [a, b, c2, d2] => format!("02:42:{a:02x}:{b:02x}:{c2:02x}:{d2:02x}"),
            _ => String::new(),
        };
        containers.insert(
            c.id.clone(),
            json!({"Name": c.name, "EndpointID": e.endpoint_id, "MacAddress": mac, "IPv4Address": format!("{ip}/16"), "IPv6Address": ""}),
        );
    }
    let ipam_config = if n.driver == "bridge" {
        json!([{"Subnet": n.subnet(), "Gateway": n.gateway()}])
    } else {
        Value::Null
    };
    json!({
        "Name": n.name,
        "Id": n.id,
        "Created": created,
        "Scope": "local",
        "Driver": n.driver,
        "EnableIPv4": true,
        "EnableIPv6": false,
        "IPAM": {"Driver": "default", "Options": if n.is_predefined() { Value::Null } else { json!({}) }, "Config": ipam_config},
        "Internal": n.internal,
        "Attachable": n.attachable,
        "Ingress": false,
        "ConfigFrom": {"Network": ""},
        "ConfigOnly": false,
        "Containers": containers,
        "Options": n.options,
        "Labels": n.labels,
    })
}

/// `docker network inspect NETWORK…`.
pub fn inspect(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for name in &p.args {
        match ctx.daemon.find_network(name) {
            Ok(n) => {
                let n = n.clone();
                found.push(network_json(ctx.daemon, &n));
            }
            Err(e) => errors.push(e),
        }
    }
    let ok = super::inspect::print_inspect(ctx, p, &found);
    for e in &errors {
        let _ = daemon_error(ctx, e);
    }
    Outcome::Done(if errors.is_empty() && ok { 0 } else { 1 })
}

/// `docker network connect NETWORK CONTAINER`.
pub fn connect(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    for flag in ["ip", "ip6", "link", "link-local-ip", "driver-opt", "gw-priority"] {
        if p.has(flag) {
            return fail(ctx, &format!("dockling: docker network connect --{flag} is not simulated"));
        }
    }
    match ctx.daemon.network_connect(&p.args[0], &p.args[1], p.list("alias")) {
        Ok(()) => Outcome::Done(0),
        Err(e) => daemon_error(ctx, &e),
    }
}

/// `docker network disconnect NETWORK CONTAINER`.
pub fn disconnect(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    match ctx.daemon.network_disconnect(&p.args[0], &p.args[1]) {
        Ok(()) => Outcome::Done(0),
        Err(e) => daemon_error(ctx, &e),
    }
}

/// `docker network prune [-f]`.
pub fn prune(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    if p.has("filter") {
        return fail(ctx, "dockling: docker network prune --filter is not simulated");
    }
    if p.bool("force") {
        network_prune_now(ctx.daemon, ctx.io);
        return Outcome::Done(0);
    }
    super::lifecycle::confirm(
        ctx,
        "WARNING! This will remove all custom networks not used by at least one container.",
        Confirmed::NetworkPrune,
    )
}

/// Prunes networks and prints their names.
pub fn network_prune_now(daemon: &mut Daemon, io: &mut dyn Io) {
    let gone = daemon.network_prune();
    if gone.is_empty() {
        return;
    }
    let mut s = String::from("Deleted Networks:\n");
    for n in gone {
        s.push_str(&n);
        s.push('\n');
    }
    io.write(crate::api::StdStream::Stdout, &s);
}

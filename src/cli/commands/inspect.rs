//! `docker inspect`, `docker container inspect`, `docker image inspect`: Engine API 1.50 objects
//! (moby v28.2.2 `api/types/container`, `api/types/image`) as a 4-space indented JSON array,
//! with Go's escaping, and `--format` templates.

use serde_json::{json, Value};

use super::Invocation;
use crate::cli::args::Parsed;
use crate::cli::template::Template;
use crate::cli::{Ctx, Outcome};
use crate::clock::SimTime;
use crate::daemon::{Container, ContainerStatus, Daemon};

const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

fn time(t: Option<SimTime>) -> String {
    t.map(|t| t.rfc3339_nano()).unwrap_or_else(|| ZERO_TIME.into())
}

/// JSON with 4-space indentation and Go's `<`, `>`, `&` escapes, as `docker inspect` prints it.
fn pretty(v: &Value) -> String {
    crate::json::pretty(v)
}

fn port_map(c: &Container) -> Value {
    let mut m = serde_json::Map::new();
    for b in &c.publish {
        let key = format!("{}/{}", b.container_port, b.proto);
        let entry = json!({"HostIp": b.host_ip, "HostPort": b.host_port.map(|p| p.to_string()).unwrap_or_default()});
        m.entry(key).or_insert_with(|| json!([])).as_array_mut().map(|a| a.push(entry));
    }
    Value::Object(m)
}

fn bound_ports(c: &Container) -> Value {
    let mut m = serde_json::Map::new();
    if c.is_running() {
        for (port, proto) in &c.exposed {
            let list: Vec<Value> = c
                .bound
                .iter()
                .filter(|b| b.private_port == *port && b.proto == *proto)
                .map(|b| json!({"HostIp": b.ip, "HostPort": b.public_port.unwrap_or(0).to_string()}))
                .collect();
            m.insert(format!("{port}/{proto}"), if list.is_empty() { Value::Null } else { Value::Array(list) });
        }
    }
    Value::Object(m)
}

/// The shape of a container's inspect object (Engine API 1.50 field order) with the defaults of a
/// plain `docker run` on Linux; `container_json` fills in the rest. Kept as data, not code, to
/// keep the wasm small.
const CONTAINER_SKELETON: &str = r#"{"Id":"","Created":"","Path":"","Args":[],"State":{"Status":"","Running":false,"Paused":false,"Restarting":false,"OOMKilled":false,"Dead":false,"Pid":0,"ExitCode":0,"Error":"","StartedAt":"","FinishedAt":""},"Image":"","ResolvConfPath":"","HostnamePath":"","HostsPath":"","LogPath":"","Name":"","RestartCount":0,"Driver":"overlay2","Platform":"linux","MountLabel":"","ProcessLabel":"","AppArmorProfile":"docker-default","ExecIDs":null,"HostConfig":{"Binds":null,"ContainerIDFile":"","LogConfig":{"Type":"json-file","Config":{}},"NetworkMode":"bridge","PortBindings":{},"RestartPolicy":{"Name":"no","MaximumRetryCount":0},"AutoRemove":false,"VolumeDriver":"","VolumesFrom":null,"ConsoleSize":[0,0],"CapAdd":null,"CapDrop":null,"CgroupnsMode":"private","Dns":[],"DnsOptions":[],"DnsSearch":[],"ExtraHosts":null,"GroupAdd":null,"IpcMode":"private","Cgroup":"","Links":null,"OomScoreAdj":0,"PidMode":"","Privileged":false,"PublishAllPorts":false,"ReadonlyRootfs":false,"SecurityOpt":null,"UTSMode":"","UsernsMode":"","ShmSize":67108864,"Runtime":"runc","Isolation":"","CpuShares":0,"Memory":0,"NanoCpus":0,"CgroupParent":"","BlkioWeight":0,"BlkioWeightDevice":[],"BlkioDeviceReadBps":[],"BlkioDeviceWriteBps":[],"BlkioDeviceReadIOps":[],"BlkioDeviceWriteIOps":[],"CpuPeriod":0,"CpuQuota":0,"CpuRealtimePeriod":0,"CpuRealtimeRuntime":0,"CpusetCpus":"","CpusetMems":"","Devices":[],"DeviceCgroupRules":null,"DeviceRequests":null,"MemoryReservation":0,"MemorySwap":0,"MemorySwappiness":null,"OomKillDisable":null,"PidsLimit":null,"Ulimits":[],"CpuCount":0,"CpuPercent":0,"IOMaximumIOps":0,"IOMaximumBandwidth":0,"MaskedPaths":["/proc/asound","/proc/acpi","/proc/interrupts","/proc/kcore","/proc/keys","/proc/latency_stats","/proc/timer_list","/proc/timer_stats","/proc/sched_debug","/proc/scsi","/sys/firmware","/sys/devices/virtual/powercap"],"ReadonlyPaths":["/proc/bus","/proc/fs","/proc/irq","/proc/sys","/proc/sysrq-trigger"]},"GraphDriver":{"Data":{"LowerDir":"","MergedDir":"","UpperDir":"","WorkDir":""},"Name":"overlay2"},"Mounts":[],"Config":{"Hostname":"","Domainname":"","User":"","AttachStdin":false,"AttachStdout":false,"AttachStderr":false,"Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":[],"Cmd":null,"Image":"","Volumes":null,"WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":{}},"NetworkSettings":{"Bridge":"","SandboxID":"","SandboxKey":"","Ports":{},"HairpinMode":false,"LinkLocalIPv6Address":"","LinkLocalIPv6PrefixLen":0,"SecondaryIPAddresses":null,"SecondaryIPv6Addresses":null,"EndpointID":"","Gateway":"","GlobalIPv6Address":"","GlobalIPv6PrefixLen":0,"IPAddress":"","IPPrefixLen":0,"IPv6Gateway":"","MacAddress":"","Networks":{"bridge":{"IPAMConfig":null,"Links":null,"Aliases":null,"MacAddress":"","DriverOpts":null,"GwPriority":0,"NetworkID":"","EndpointID":"","Gateway":"","IPAddress":"","IPPrefixLen":0,"IPv6Gateway":"","GlobalIPv6Address":"","GlobalIPv6PrefixLen":0,"DNSNames":null}}}}"#;

/// Sets the value at a JSON pointer of the skeleton.
fn set(v: &mut Value, pointer: &str, value: Value) {
    if let Some(slot) = v.pointer_mut(pointer) {
        *slot = value;
    }
}

/// Inserts `key` after `after` in an object (keeping Docker's field order).
fn insert_after(v: &mut Value, pointer: &str, after: &str, key: &str, value: Value) {
    let Some(Value::Object(obj)) = v.pointer_mut(pointer) else { return };
    let old = std::mem::take(obj);
    for (k, x) in old {
        let hit = k == after;
        obj.insert(k, x);
        if hit {
            obj.insert(key.to_string(), value.clone());
        }
    }
}

fn is_anonymous(d: &Daemon, volume: &str) -> bool {
    d.volume(volume).is_ok_and(|v| v.anonymous)
}

/// The `docker container inspect` object of a container.
pub fn container_json(d: &Daemon, c: &Container, size: bool) -> Value {
    let mut v: Value = serde_json::from_str(CONTAINER_SKELETON).unwrap_or(Value::Null);
    let id = &c.id;
    let root = "/var/lib/docker";
    let layer = crate::vfs::sha256_digest(format!("layer {id}").as_bytes())[7..].to_string();
    let index = d.containers().position(|x| x.id == *id).unwrap_or(0) as u32;
    let running = c.is_running();
    set(&mut v, "/Id", json!(id));
    set(&mut v, "/Created", json!(c.created.rfc3339_nano()));
    set(&mut v, "/Path", json!(c.path));
    set(&mut v, "/Args", json!(c.args));
    set(&mut v, "/State/Status", json!(c.status.as_str()));
    set(&mut v, "/State/Running", json!(running && c.status != ContainerStatus::Restarting));
    set(&mut v, "/State/Paused", json!(c.status == ContainerStatus::Paused));
    set(&mut v, "/State/Restarting", json!(c.status == ContainerStatus::Restarting));
    set(&mut v, "/State/Pid", json!(if running { c.pid } else { 0 }));
    set(&mut v, "/State/ExitCode", json!(c.exit_code));
    set(&mut v, "/State/Error", json!(c.error));
    set(&mut v, "/State/StartedAt", json!(time(c.started_at)));
    set(&mut v, "/State/FinishedAt", json!(time(c.finished_at)));
    if let Some(h) = &c.health {
        let log: Vec<Value> = h
            .log
            .iter()
            .map(|(s, e, code, out)| json!({"Start": s.rfc3339_nano(), "End": e.rfc3339_nano(), "ExitCode": code, "Output": out}))
            .collect();
        insert_after(&mut v, "/State", "FinishedAt", "Health", json!({"Status": h.status, "FailingStreak": h.failing_streak, "Log": log}));
    }
    set(&mut v, "/Image", json!(c.image_id));
    set(&mut v, "/ResolvConfPath", json!(format!("{root}/containers/{id}/resolv.conf")));
    set(&mut v, "/HostnamePath", json!(format!("{root}/containers/{id}/hostname")));
    set(&mut v, "/HostsPath", json!(format!("{root}/containers/{id}/hosts")));
    set(&mut v, "/LogPath", json!(format!("{root}/containers/{id}/{id}-json.log")));
    set(&mut v, "/Name", json!(format!("/{}", c.name)));
    set(&mut v, "/RestartCount", json!(c.restart_count));
    let execs: Vec<String> = c.execs.values().filter(|e| e.exit_code.is_none()).map(|e| e.id.clone()).collect();
    if !execs.is_empty() {
        set(&mut v, "/ExecIDs", json!(execs));
    }
    set(&mut v, "/HostConfig/PortBindings", port_map(c));
    if !c.restart_policy.is_none() {
        set(&mut v, "/HostConfig/RestartPolicy/Name", json!(c.restart_policy.name));
        set(&mut v, "/HostConfig/RestartPolicy/MaximumRetryCount", json!(c.restart_policy.max_retries));
    }
    set(&mut v, "/HostConfig/AutoRemove", json!(c.auto_remove));
    let binds: Vec<&String> = c.mounts.iter().filter_map(|m| m.bind_spec.as_ref()).collect();
    if !binds.is_empty() {
        set(&mut v, "/HostConfig/Binds", json!(binds));
    }
    let specs: Vec<Value> = c
        .mounts
        .iter()
        .filter(|m| m.bind_spec.is_none() && !(m.kind == crate::api::MountType::Volume && is_anonymous(d, &m.source)))
        .map(|m| {
            let mut o = serde_json::Map::new();
            o.insert("Type".into(), json!(m.kind.as_str()));
            if !m.source.is_empty() {
                o.insert("Source".into(), json!(m.source));
            }
            o.insert("Target".into(), json!(m.destination));
            if !m.rw {
                o.insert("ReadOnly".into(), json!(true));
            }
            Value::Object(o)
        })
        .collect();
    if !specs.is_empty() {
        insert_after(&mut v, "/HostConfig", "IOMaximumBandwidth", "Mounts", Value::Array(specs));
    }
    let mounts: Vec<Value> = c
        .mounts
        .iter()
        .map(|m| match m.kind {
            crate::api::MountType::Volume => json!({
                "Type": "volume", "Name": m.source, "Source": format!("/var/lib/docker/volumes/{}/_data", m.source),
                "Destination": m.destination, "Driver": "local", "Mode": m.mode, "RW": m.rw, "Propagation": "",
            }),
            crate::api::MountType::Bind => json!({
                "Type": "bind", "Source": m.source, "Destination": m.destination, "Mode": m.mode, "RW": m.rw, "Propagation": "rprivate",
            }),
            crate::api::MountType::Tmpfs => json!({
                "Type": "tmpfs", "Source": "", "Destination": m.destination, "Mode": "", "RW": m.rw, "Propagation": "",
            }),
        })
        .collect();
    set(&mut v, "/Mounts", Value::Array(mounts));
    let anon: serde_json::Map<String, Value> = c
        .mounts
        .iter()
        .filter(|m| m.kind == crate::api::MountType::Volume && is_anonymous(d, &m.source))
        .map(|m| (m.destination.clone(), json!({})))
        .collect();
    if !anon.is_empty() {
        set(&mut v, "/Config/Volumes", Value::Object(anon));
    }
    set(&mut v, "/HostConfig/PublishAllPorts", json!(c.publish_all));
    if c.init {
        insert_after(&mut v, "/HostConfig", "ReadonlyPaths", "Init", json!(true));
    }
    let image_dir = d.image(&c.image_id).map(|i| crate::vfs::hex_of(i.id()).to_string()).unwrap_or_default();
    set(&mut v, "/GraphDriver/Data/LowerDir", json!(format!("{root}/overlay2/{layer}-init/diff:{root}/overlay2/{image_dir}/diff")));
    set(&mut v, "/GraphDriver/Data/MergedDir", json!(format!("{root}/overlay2/{layer}/merged")));
    set(&mut v, "/GraphDriver/Data/UpperDir", json!(format!("{root}/overlay2/{layer}/diff")));
    set(&mut v, "/GraphDriver/Data/WorkDir", json!(format!("{root}/overlay2/{layer}/work")));
    if size {
        insert_after(&mut v, "", "GraphDriver", "SizeRw", json!(0));
        insert_after(&mut v, "", "SizeRw", "SizeRootFs", json!(d.image(&c.image_id).map(|i| i.data.size()).unwrap_or(0)));
    }
    // Config: Cmd and Entrypoint split back as the image defined them.
    let config = d.image(&c.image_id).map(|i| i.data.config.clone()).unwrap_or_default();
    let image_entrypoint = config.entrypoint.clone().unwrap_or_default();
    let mut argv = vec![c.path.clone()];
    argv.extend(c.args.iter().cloned());
    if !image_entrypoint.is_empty() && argv.starts_with(&image_entrypoint) {
        set(&mut v, "/Config/Entrypoint", json!(image_entrypoint));
        set(&mut v, "/Config/Cmd", json!(argv[image_entrypoint.len()..].to_vec()));
    } else {
        set(&mut v, "/Config/Cmd", json!(argv));
    }
    set(&mut v, "/Config/Hostname", json!(c.hostname));
    set(&mut v, "/Config/User", json!(c.user));
    if !c.exposed.is_empty() {
        let ports: serde_json::Map<String, Value> = c.exposed.iter().map(|(p, pr)| (format!("{p}/{pr}"), json!({}))).collect();
        insert_after(&mut v, "/Config", "AttachStderr", "ExposedPorts", Value::Object(ports));
    }
    set(&mut v, "/Config/Tty", json!(c.tty));
    set(&mut v, "/Config/OpenStdin", json!(c.open_stdin));
    set(&mut v, "/Config/Env", json!(c.config_env));
    if let Some(h) = &c.health_config {
        let check = json!({"Test": h.test, "Interval": h.interval_ms * 1_000_000, "Timeout": h.timeout_ms * 1_000_000, "StartPeriod": h.start_period_ms * 1_000_000, "Retries": h.retries});
        insert_after(&mut v, "/Config", "Cmd", "Healthcheck", check);
    }
    set(&mut v, "/Config/Image", json!(c.image_ref));
    let wd = if c.working_dir == "/" && config.working_dir.is_empty() { "" } else { c.working_dir.as_str() };
    set(&mut v, "/Config/WorkingDir", json!(wd));
    set(&mut v, "/Config/Labels", json!(c.labels));
    if let Some(sig) = &config.stop_signal {
        insert_after(&mut v, "/Config", "Labels", "StopSignal", json!(sig));
    }
    set(&mut v, "/NetworkSettings/Ports", bound_ports(c));
    set(&mut v, "/HostConfig/NetworkMode", json!(c.network_mode));
    let mut networks = serde_json::Map::new();
    let mac_of = |ip: &str| {
        let o: Vec<u8> = ip.split('.').filter_map(|p| p.parse().ok()).collect();
        match o.as_slice() {
            [a, b, c2, d2] => format!("02:42:{a:02x}:{b:02x}:{c2:02x}:{d2:02x}"),
            _ => String::new(),
        }
    };
    for e in &c.endpoints {
        let Ok(n) = d.find_network(&e.network) else { continue };
        let (endpoint, gateway, ip, prefix, mac) = match &e.ip {
            Some(ip) => (e.endpoint_id.clone(), n.gateway(), ip.clone(), 16, mac_of(ip)),
            None => Default::default(),
        };
        let dns: Value = if n.has_dns() {
            let mut names = vec![c.name.clone(), c.id[..12].to_string()];
            names.extend(e.aliases.iter().cloned());
            json!(names)
        } else {
            Value::Null
        };
        let aliases: Value = if e.aliases.is_empty() { Value::Null } else { json!(e.aliases) };
        networks.insert(
            n.name.clone(),
            json!({
                "IPAMConfig": null, "Links": null, "Aliases": aliases, "MacAddress": mac, "DriverOpts": null,
                "GwPriority": 0, "NetworkID": n.id, "EndpointID": endpoint, "Gateway": gateway, "IPAddress": ip,
                "IPPrefixLen": prefix, "IPv6Gateway": "", "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0, "DNSNames": dns,
            }),
        );
        if n.name == "bridge" && e.ip.is_some() {
            for (k, x) in [("EndpointID", json!(endpoint)), ("Gateway", json!(gateway)), ("IPAddress", json!(ip)), ("IPPrefixLen", json!(prefix)), ("MacAddress", json!(mac))] {
                set(&mut v, &format!("/NetworkSettings/{k}"), x);
            }
        }
    }
    if c.network_mode == "host" || c.network_mode == "none" {
        let n = d.find_network(&c.network_mode).ok();
        networks.insert(
            c.network_mode.clone(),
            json!({
                "IPAMConfig": null, "Links": null, "Aliases": null, "MacAddress": "", "DriverOpts": null, "GwPriority": 0,
                "NetworkID": n.map(|n| n.id.clone()).unwrap_or_default(), "EndpointID": "", "Gateway": "", "IPAddress": "",
                "IPPrefixLen": 0, "IPv6Gateway": "", "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0, "DNSNames": null,
            }),
        );
    }
    set(&mut v, "/NetworkSettings/Networks", Value::Object(networks));
    if running {
        let sandbox = crate::vfs::sha256_digest(format!("sandbox {id}").as_bytes())[7..].to_string();
        set(&mut v, "/NetworkSettings/SandboxKey", json!(format!("/var/run/docker/netns/{}", &sandbox[..12])));
        set(&mut v, "/NetworkSettings/SandboxID", json!(sandbox));
    }
    let _ = index;
    v
}

/// The `docker image inspect` object of an image.
pub fn image_json(d: &Daemon, id: &str) -> Value {
    let Some(img) = d.image(id) else { return Value::Null };
    let refs = d.image_references(id);
    let familiar = |r: &String| crate::api::Reference::parse(r).map(|x| x.familiar()).unwrap_or_else(|_| r.clone());
    let config = img.data.config.to_json();
    let layer = crate::vfs::hex_of(img.id());
    json!({
        "Id": img.id(),
        "RepoTags": refs.iter().filter(|r| !r.contains('@')).map(familiar).collect::<Vec<_>>(),
        "RepoDigests": refs.iter().filter(|r| r.contains('@')).map(familiar).collect::<Vec<_>>(),
        "Parent": img.data.parent, "Comment": img.data.comment, "Created": img.data.created.rfc3339_nano(), "DockerVersion": img.data.docker_version, "Author": img.data.author,
        "Config": config, "Architecture": "amd64", "Os": "linux", "Size": img.data.size(),
        "GraphDriver": {"Data": {"MergedDir": format!("/var/lib/docker/overlay2/{layer}/merged"), "UpperDir": format!("/var/lib/docker/overlay2/{layer}/diff"), "WorkDir": format!("/var/lib/docker/overlay2/{layer}/work")}, "Name": "overlay2"},
        "RootFS": {"Type": "layers", "Layers": img.data.layers.iter().map(|l| l.diff_id.clone()).collect::<Vec<_>>()},
        "Metadata": {"LastTagTime": ZERO_TIME},
    })
}

/// What to look up: `container`, `image`, or either (`docker inspect`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Container,
    Image,
    Any,
}

fn run(p: &Parsed, ctx: &mut Ctx, kind: Kind) -> Outcome {
    let kind = match (kind, p.string("type")) {
        (Kind::Any, Some("container")) => Kind::Container,
        (Kind::Any, Some("image")) => Kind::Image,
        (Kind::Any, Some(t)) if !t.is_empty() => {
            ctx.err(&format!("\"{t}\" is not a valid value for --type\n"));
            return Outcome::Done(1);
        }
        (k, _) => k,
    };
    let size = p.bool("size");
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for name in &p.args {
        let container = (kind != Kind::Image).then(|| ctx.daemon.find_container(name).ok()).flatten();
        if let Some(c) = container {
            found.push(container_json(ctx.daemon, c, size));
            continue;
        }
        let image = (kind != Kind::Container).then(|| ctx.daemon.find_image(name).ok()).flatten();
        if let Some((id, _)) = image {
            found.push(image_json(ctx.daemon, &id));
            continue;
        }
        errors.push(match kind {
            Kind::Container => format!("Error response from daemon: No such container: {name}"),
            Kind::Image => format!("Error response from daemon: No such image: {name}"),
            Kind::Any => format!("Error: No such object: {name}"),
        });
    }
    if !print_inspect(ctx, p, &found) {
        return Outcome::Done(1);
    }
    for e in &errors {
        ctx.err(&format!("{e}\n"));
    }
    Outcome::Done(if errors.is_empty() { 0 } else { 1 })
}

/// Prints inspect objects: a 4-space JSON array, or each through `--format`. `false` when the
/// template failed.
pub(super) fn print_inspect(ctx: &mut Ctx, p: &Parsed, found: &[Value]) -> bool {
    match p.string("format").filter(|f| !f.is_empty()) {
        Some(f) => {
            let f = if f == "json" { "{{json .}}" } else { f };
            let tpl = match Template::parse(f) {
                Ok(t) => t,
                Err(e) => {
                    ctx.err(&format!("{e}\n"));
                    return false;
                }
            };
            for v in found {
                match tpl.render(v) {
                    Ok(s) => ctx.out(&format!("{s}\n")),
                    Err(e) => {
                        ctx.err(&format!("{e}\n"));
                        return false;
                    }
                }
            }
        }
        None => ctx.out(&format!("{}\n", pretty(&Value::Array(found.to_vec())))),
    }
    true
}

pub fn inspect(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    run(p, ctx, Kind::Any)
}

pub fn container_inspect(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    run(p, ctx, Kind::Container)
}

pub fn image_inspect(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    run(p, ctx, Kind::Image)
}

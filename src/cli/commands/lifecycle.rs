//! `start`, `stop`, `restart`, `kill`, `pause`, `unpause`, `rename`, `wait`, `container prune`,
//! `logs`, `attach`, `exec`, `top` (cli/command/container/*.go at v28.2.2).

use super::container::{attached, Detach};
use super::{daemon_error, Invocation};
use crate::api::{ApiError, StdStream};
use crate::cli::args::Parsed;
use crate::cli::pending::{Confirmed, Kind, Pending};
use crate::cli::{Ctx, Io, Outcome};
use crate::daemon::{AttachTarget, Daemon, ExecConfig};
use crate::text::human_size;

fn pending(ctx: &mut Ctx, kind: Kind) -> Outcome {
    let mut p = Pending { kind };
    match p.poll(ctx.daemon, ctx.now, ctx.io) {
        Some(code) => Outcome::Done(code),
        None => Outcome::Pending(p),
    }
}

/// Prints errors joined as `errors.Join` does and returns the exit status.
fn finish(ctx: &mut Ctx, errors: Vec<ApiError>) -> Outcome {
    for e in &errors {
        let _ = daemon_error(ctx, e);
    }
    Outcome::Done(if errors.is_empty() { 0 } else { 1 })
}

pub fn start(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    if p.bool("attach") || p.bool("interactive") {
        if p.args.len() > 1 {
            ctx.err("you cannot start and attach multiple containers at once\n");
            return Outcome::Done(1);
        }
        let (id, tty, open_stdin) = match ctx.daemon.find_container(&p.args[0]) {
            Ok(c) => (c.id.clone(), c.tty, c.open_stdin),
            Err(e) => return daemon_error(ctx, &e),
        };
        let detach = match Detach::parse(p, 0, "Invalid detach keys") {
            Ok(d) => d,
            Err(e) => return fail_line(ctx, &e),
        };
        let handle = match ctx.daemon.container_attach(&id) {
            Ok(h) => h,
            Err(e) => return daemon_error(ctx, &e),
        };
        if let Err(e) = ctx.daemon.container_start(&id, ctx.now) {
            ctx.daemon.attachment_close(handle);
            return daemon_error(ctx, &e);
        }
        return attached(
            ctx,
            handle,
            AttachTarget::Container(id),
            p.bool("interactive") && open_stdin,
            tty,
            true,
            detach,
        );
    }
    let mut failed = Vec::new();
    for name in &p.args {
        match ctx.daemon.container_start(name, ctx.now) {
            Ok(()) => ctx.out(&format!("{name}\n")),
            Err(e) => {
                ctx.err(&format!("Error response from daemon: {}\n", e.message));
                failed.push(name.clone());
            }
        }
    }
    if failed.is_empty() {
        return Outcome::Done(0);
    }
    ctx.err(&format!(
        "Error: failed to start containers: {}\n",
        failed.join(", ")
    ));
    Outcome::Done(1)
}

fn stop_timeout(p: &Parsed) -> Option<i64> {
    p.string("time")
        .or(p.string("timeout"))
        .and_then(|t| t.parse().ok())
}

fn stop_or_restart(p: &Parsed, ctx: &mut Ctx, restart: bool) -> Outcome {
    if p.has("time") && p.has("timeout") {
        ctx.err("conflicting options: cannot specify both --timeout and --time\n");
        return Outcome::Done(1);
    }
    let timeout = stop_timeout(p);
    let signal = p.string("signal").map(str::to_string);
    let mut items = Vec::new();
    for name in &p.args {
        let r = ctx
            .daemon
            .container_stop(name, timeout, signal.as_deref(), ctx.now)
            .and_then(|_| ctx.daemon.resolve_id(name));
        items.push((name.clone(), r));
    }
    pending(ctx, Kind::Stop { items, restart })
}

pub fn stop(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    stop_or_restart(p, ctx, false)
}

pub fn restart(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    stop_or_restart(p, ctx, true)
}

pub fn kill(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    let signal = p.string("signal").map(str::to_string);
    let mut errors = Vec::new();
    for name in &p.args {
        match ctx.daemon.container_kill(name, signal.as_deref(), ctx.now) {
            Ok(()) => ctx.out(&format!("{name}\n")),
            Err(e) => errors.push(e),
        }
    }
    finish(ctx, errors)
}

pub fn pause(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    let mut errors = Vec::new();
    for name in &p.args {
        match ctx.daemon.container_pause(name) {
            Ok(()) => ctx.out(&format!("{name}\n")),
            Err(e) => errors.push(e),
        }
    }
    finish(ctx, errors)
}

pub fn unpause(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    let mut errors = Vec::new();
    for name in &p.args {
        match ctx.daemon.container_unpause(name, ctx.now) {
            Ok(()) => ctx.out(&format!("{name}\n")),
            Err(e) => errors.push(e),
        }
    }
    finish(ctx, errors)
}

pub fn rename(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    let (old, new) = (p.args[0].trim(), p.args[1].trim());
    if old.is_empty() || new.is_empty() {
        ctx.err("Error: Neither old nor new names may be empty\n");
        return Outcome::Done(1);
    }
    match ctx.daemon.container_rename(old, new) {
        Ok(()) => Outcome::Done(0),
        Err(e) => {
            let _ = daemon_error(ctx, &e);
            ctx.err(&format!("Error: failed to rename container named {old}\n"));
            Outcome::Done(1)
        }
    }
}

pub fn wait(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    let items = p
        .args
        .iter()
        .map(|n| (n.clone(), ctx.daemon.resolve_id(n)))
        .collect();
    pending(
        ctx,
        Kind::Wait {
            items,
            next: 0,
            failed: false,
        },
    )
}

pub fn container_prune(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    if p.has("filter") {
        ctx.err("dockling: docker container prune --filter is not simulated yet\n");
        return Outcome::Done(1);
    }
    if p.bool("force") {
        container_prune_now(ctx.daemon, ctx.io);
        return Outcome::Done(0);
    }
    confirm(ctx, "WARNING! This will remove all stopped containers.", Confirmed::ContainerPrune)
}

/// Prints `warning` and `Are you sure you want to continue? [y/N] `, then waits for the answer.
pub(super) fn confirm(ctx: &mut Ctx, warning: &str, action: Confirmed) -> Outcome {
    if !warning.is_empty() {
        ctx.out(&format!("{warning}\n"));
    }
    ctx.out("Are you sure you want to continue? [y/N] ");
    Outcome::Pending(Pending {
        kind: Kind::Confirm {
            action,
            answer: None,
        },
    })
}

/// Removes stopped containers and prints the report.
pub fn container_prune_now(daemon: &mut Daemon, io: &mut dyn Io) {
    let ids = daemon.container_prune();
    let mut s = String::new();
    if !ids.is_empty() {
        s.push_str("Deleted Containers:\n");
        for id in &ids {
            s.push_str(id);
            s.push('\n');
        }
        s.push('\n');
    }
    s.push_str(&format!("Total reclaimed space: {}\n", human_size(0)));
    io.write(StdStream::Stdout, &s);
}

/// Parses `--since`/`--until`: Unix seconds, RFC 3339 dates, or durations (`10m`, `1h30m`, `42s`).
fn time_bound(ctx: &Ctx, v: &str) -> Option<crate::clock::SimTime> {
    if let Some(ms) = crate::text::decimal_scaled(v, 1000) {
        return Some(crate::clock::SimTime::from_ms(ms));
    }
    if let Some(t) = crate::clock::parse_rfc3339(v) {
        return Some(t);
    }
    let ago = super::container::go_duration_ms(v)?;
    Some(crate::clock::SimTime::from_ms(ctx.now.as_ms().saturating_sub(ago)))
}

pub fn logs(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    let c = match ctx.daemon.find_container(&p.args[0]) {
        Ok(c) => c,
        Err(e) => return daemon_error(ctx, &e),
    };
    let (id, tty) = (c.id.clone(), c.tty);
    let since = p.string("since").and_then(|v| time_bound(ctx, v));
    let until = p.string("until").and_then(|v| time_bound(ctx, v));
    let mut lines: Vec<(crate::clock::SimTime, StdStream, String)> = Vec::new();
    for e in &c.logs {
        if since.is_some_and(|s| e.time < s) || until.is_some_and(|u| e.time > u) {
            continue;
        }
        for l in e.text.split_inclusive('\n') {
            match lines.last_mut() {
                Some(last) if !last.2.ends_with('\n') && last.1 == e.stream => last.2.push_str(l),
                _ => lines.push((e.time, e.stream, l.to_string())),
            }
        }
    }
    if let Some(tail) = p
        .string("tail")
        .filter(|t| *t != "all")
        .and_then(|t| t.parse::<usize>().ok())
    {
        lines.drain(..lines.len().saturating_sub(tail));
    }
    let timestamps = p.bool("timestamps");
    let offset = c.logs.len();
    for (t, stream, text) in lines {
        let text = if timestamps {
            format!("{} {text}", t.rfc3339_nano())
        } else {
            text
        };
        ctx.io
            .write(if tty { StdStream::Stdout } else { stream }, &text);
    }
    if p.bool("follow") {
        return pending(ctx, Kind::Follow { id, offset });
    }
    Outcome::Done(0)
}

pub fn attach(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    let c = match ctx.daemon.find_container(&p.args[0]) {
        Ok(c) => c,
        Err(e) => return daemon_error(ctx, &e),
    };
    match c.status {
        crate::daemon::ContainerStatus::Paused => {
            ctx.err("You cannot attach to a paused container, unpause it first\n");
            return Outcome::Done(1);
        }
        s if !c.is_running() || s == crate::daemon::ContainerStatus::Created => {
            ctx.err("You cannot attach to a stopped container, start it first\n");
            return Outcome::Done(1);
        }
        _ => {}
    }
    let (id, tty, open_stdin) = (c.id.clone(), c.tty, c.open_stdin);
    let detach = match Detach::parse(p, 1, "Invalid detach keys") {
        Ok(d) => d,
        Err(e) => return fail_line(ctx, &e),
    };
    let handle = match ctx.daemon.container_attach(&id) {
        Ok(h) => h,
        Err(e) => return daemon_error(ctx, &e),
    };
    attached(
        ctx,
        handle,
        AttachTarget::Container(id),
        open_stdin && !p.bool("no-stdin"),
        tty,
        true,
        detach,
    )
}

fn fail_line(ctx: &mut Ctx, msg: &str) -> Outcome {
    ctx.err(&format!("{msg}\n"));
    Outcome::Done(1)
}

pub fn exec(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    if let Err(e) = ctx.daemon.find_container(&p.args[0]) {
        return daemon_error(ctx, &e);
    }
    let cfg = ExecConfig {
        argv: p.args[1..].to_vec(),
        env: p.list("env").to_vec(),
        working_dir: p.string("workdir").map(str::to_string),
        tty: p.bool("tty"),
        open_stdin: p.bool("interactive"),
        user: p.string("user").map(str::to_string),
    };
    let detach = p.bool("detach");
    let keys = match Detach::parse(p, 1, "Invalid escape keys") {
        Ok(d) => d,
        Err(e) => return fail_line(ctx, &e),
    };
    match ctx.daemon.exec_start(&p.args[0], &cfg, !detach, ctx.now) {
        Ok((exec_id, Some(handle))) => {
            let id = ctx.daemon.resolve_id(&p.args[0]).unwrap_or_default();
            attached(
                ctx,
                handle,
                AttachTarget::Exec(id, exec_id),
                cfg.open_stdin,
                cfg.tty,
                true,
                keys,
            )
        }
        Ok((_, None)) => Outcome::Done(0),
        Err(e) if e.exit_code.is_some() => {
            ctx.err(&format!("{}\n", e.message));
            Outcome::Done(126)
        }
        Err(e) => daemon_error(ctx, &e),
    }
}

pub fn top(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    let c = match ctx.daemon.find_container(&p.args[0]) {
        Ok(c) => c,
        Err(e) => return daemon_error(ctx, &e),
    };
    if !c.is_running() {
        return daemon_error(
            ctx,
            &ApiError::conflict(format!("container {} is not running", c.id)),
        );
    }
    let stime = c.started_at.unwrap_or(c.created).civil();
    let stime = format!("{:02}:{:02}", stime.hour, stime.minute);
    let mut rows = vec![["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()];
    let tty = if c.tty { "pts/0" } else { "?" };
    rows.push(vec![
        "root".into(),
        c.pid.to_string(),
        (c.pid - 20).to_string(),
        "0".into(),
        stime.clone(),
        tty.into(),
        "00:00:00".into(),
        c.command_text(),
    ]);
    for (k, e) in c
        .execs
        .values()
        .filter(|e| e.exit_code.is_none())
        .enumerate()
    {
        rows.push(vec![
            "root".into(),
            (c.pid + 1 + k as u32).to_string(),
            (c.pid - 20).to_string(),
            "0".into(),
            stime.clone(),
            if e.tty { "pts/1".into() } else { "?".into() },
            "00:00:00".into(),
            e.argv.join(" "),
        ]);
    }
    // docker top uses a tabwriter with minimum width 20.
    let mut s = String::new();
    let widths: Vec<usize> = (0..7)
        .map(|j| {
            rows.iter()
                .map(|r| r[j].chars().count() + 3)
                .max()
                .unwrap_or(0)
                .max(20)
        })
        .collect();
    for r in &rows {
        for (j, cell) in r.iter().enumerate() {
            s.push_str(cell);
            if j < 7 {
                s.push_str(&" ".repeat(widths[j] - cell.chars().count()));
            }
        }
        s.push('\n');
    }
    ctx.out(&s);
    Outcome::Done(0)
}

/// `sortorder.NaturalLess`: digit runs compare as numbers.
fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, _) => return std::cmp::Ordering::Less,
            (_, None) => return std::cmp::Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let mut n1 = String::new();
                while let Some(c) = x.peek().copied().filter(char::is_ascii_digit) {
                    n1.push(c);
                    x.next();
                }
                let mut n2 = String::new();
                while let Some(d) = y.peek().copied().filter(char::is_ascii_digit) {
                    n2.push(d);
                    y.next();
                }
                let o = n1
                    .parse::<u64>()
                    .unwrap_or(0)
                    .cmp(&n2.parse::<u64>().unwrap_or(0));
                if o != std::cmp::Ordering::Equal {
                    return o;
                }
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(&d);
                }
                x.next();
                y.next();
            }
        }
    }
}

/// `docker port CONTAINER [PRIVATE_PORT[/PROTO]]`.
pub fn port(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    let c = match ctx.daemon.find_container(&p.args[0]) {
        Ok(c) => c,
        Err(e) => return daemon_error(ctx, &e),
    };
    let host = |ip: &str, port: u16| {
        if ip.contains(':') {
            format!("[{ip}]:{port}")
        } else {
            format!("{ip}:{port}")
        }
    };
    let mut out: Vec<String> = Vec::new();
    if let Some(spec) = p.args.get(1) {
        let (num, proto) = spec.split_once('/').unwrap_or((spec, "tcp"));
        let Ok(n) = num.parse::<u16>() else {
            ctx.err(&format!("Error: invalid port ({num}): strconv.ParseUint: parsing \"{num}\": invalid syntax\n"));
            return Outcome::Done(1);
        };
        for b in c
            .bound
            .iter()
            .filter(|b| b.private_port == n && b.proto == proto)
        {
            out.push(host(&b.ip, b.public_port.unwrap_or(0)));
        }
        if out.is_empty() {
            ctx.err(&format!(
                "Error: No public port '{spec}' published for {}\n",
                p.args[0]
            ));
            return Outcome::Done(1);
        }
    } else {
        for b in &c.bound {
            out.push(format!(
                "{}/{} -> {}",
                b.private_port,
                b.proto,
                host(&b.ip, b.public_port.unwrap_or(0))
            ));
        }
    }
    crate::text::sort_by(&mut out, &|a, b| natural_cmp(a, b));
    if !out.is_empty() {
        ctx.out(&format!("{}\n", out.join("\n")));
    }
    Outcome::Done(0)
}

/// `docker update`: the restart policy (other resources are not simulated).
pub fn update(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    for (flag, _) in p.flags.iter().filter(|(f, _)| f.as_str() != "restart") {
        ctx.err(&format!(
            "dockling: docker update --{flag} is not simulated yet; ignoring it\n"
        ));
    }
    let policy = match p.string("restart").map(crate::api::RestartPolicy::parse) {
        Some(Ok(policy)) => Some(policy),
        Some(Err(e)) => {
            ctx.err(&format!("{e}\n"));
            return Outcome::Done(1);
        }
        None => None,
    };
    let mut errors = Vec::new();
    for name in &p.args {
        let r = match &policy {
            Some(pol) => ctx.daemon.container_update_restart(name, pol),
            None => ctx.daemon.resolve_id(name).map(|_| ()),
        };
        match r {
            Ok(()) => ctx.out(&format!("{name}\n")),
            Err(e) => errors.push(e),
        }
    }
    finish(ctx, errors)
}

/// `docker stats`: one frame with `--no-stream` or without a terminal; on a terminal a new frame
/// every second until Ctrl+C, as the CLI redraws its table.
pub fn stats(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    let all = p.bool("all");
    if let Some(f) = p.string("format") {
        let f = f.to_string();
        return stats_once(ctx, &p.args, all, &f);
    }
    if p.bool("no-stream") || !ctx.tty {
        if !p.bool("no-stream") {
            ctx.err("dockling: docker stats redraws only on a terminal; showing one sample (as with --no-stream)\n");
        }
        let code = stats_frame(ctx.daemon, ctx.now, &p.args, all, ctx.io);
        return Outcome::Done(code);
    }
    ctx.io.clear();
    let code = stats_frame(ctx.daemon, ctx.now, &p.args, all, ctx.io);
    if code != 0 {
        return Outcome::Done(code);
    }
    Outcome::Pending(Pending { kind: Kind::Stats { args: p.args.clone(), all, next: ctx.now + crate::clock::Millis(1000) } })
}

fn stats_once(ctx: &mut Ctx, args: &[String], all: bool, format: &str) -> Outcome {
    match stats_rows(ctx.daemon, args, all) {
        Ok(rows) => match crate::cli::format::render(format, &rows, &stats_headers()) {
            Ok(t) => {
                ctx.out(&t);
                Outcome::Done(0)
            }
            Err(e) => {
                ctx.err(&format!("{e}\n"));
                Outcome::Done(1)
            }
        },
        Err(errors) => finish(ctx, errors),
    }
}

fn stats_headers() -> serde_json::Value {
    serde_json::json!({"ID": "CONTAINER ID", "Name": "NAME", "CPUPerc": "CPU %", "MemUsage": "MEM USAGE / LIMIT", "MemPerc": "MEM %", "NetIO": "NET I/O", "BlockIO": "BLOCK I/O", "PIDs": "PIDS"})
}

/// One `docker stats` table; the exit status.
pub fn stats_frame(daemon: &mut Daemon, _now: crate::clock::SimTime, args: &[String], all: bool, io: &mut dyn Io) -> i32 {
    const FORMAT: &str = "table {{.ID}}\\t{{.Name}}\\t{{.CPUPerc}}\\t{{.MemUsage}}\\t{{.MemPerc}}\\t{{.NetIO}}\\t{{.BlockIO}}\\t{{.PIDs}}";
    match stats_rows(daemon, args, all) {
        Ok(rows) => match crate::cli::format::render(FORMAT, &rows, &stats_headers()) {
            Ok(t) => {
                io.write(StdStream::Stdout, &t);
                0
            }
            Err(e) => {
                io.write(StdStream::Stderr, &format!("{e}\n"));
                1
            }
        },
        Err(errors) => {
            for e in &errors {
                io.write(StdStream::Stderr, &format!("Error response from daemon: {}\n", e.message));
            }
            1
        }
    }
}

/// The rows of `docker stats`: one per container (running ones unless `-a`). The resource figures
/// are illustrative: Dockling does not model memory or CPU.
fn stats_rows(daemon: &Daemon, args: &[String], all: bool) -> Result<Vec<serde_json::Value>, Vec<ApiError>> {
    let names: Vec<String> = if args.is_empty() {
        daemon.containers().filter(|c| all || c.is_running()).map(|c| c.id.clone()).collect()
    } else {
        args.to_vec()
    };
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for name in names {
        let c = match daemon.find_container(&name) {
            Ok(c) => c,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let running = c.is_running();
        let pids = if running { 1 + c.execs.values().filter(|e| e.exit_code.is_none()).count() } else { 0 };
        let mem: u64 = if running { 380_928 + 520_192 * (pids as u64 - 1) } else { 0 };
        let limit: u64 = 8_331_526_144;
        let hundredths = if running { (mem * 10_000 + limit / 2) / limit } else { 0 };
        rows.push(serde_json::json!({
            "ID": &c.id[..12],
            "Name": if args.is_empty() { c.name.clone() } else { name.clone() },
            "CPUPerc": "0.00%",
            "MemUsage": format!("{} / {}", crate::text::bytes_size(mem), crate::text::bytes_size(if running { limit } else { 0 })),
            "MemPerc": format!("{}.{:02}%", hundredths / 100, hundredths % 100),
            "NetIO": if running { "866B / 0B" } else { "0B / 0B" },
            "BlockIO": "0B / 0B",
            "PIDs": pids.to_string(),
        }));
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

//! `process`, `console` and the timer globals.

use super::builtins::{arg_str, global, methods};
use super::host::Timer;
use super::inspect::{format_args, inspect, Opts};
use super::object::Res;
use super::value::*;
use super::vm::{ErrKind, Vm};
use crate::api::StdStream;
use crate::proc::program::Ctx;

fn console_opts(vm: &Vm) -> Opts {
    Opts {
        colors: vm.host.tty,
        ..Opts::default()
    }
}

fn write_line(vm: &mut Vm, ctx: &mut Ctx, c: &Call, stream: StdStream) -> Res {
    let o = console_opts(vm);
    let mut s = format_args(vm, ctx, &c.args, &o);
    let indent = vm.host.group_indent;
    if indent > 0 {
        let pad = " ".repeat(indent);
        s = format!("{pad}{}", s.replace('\n', &format!("\n{pad}")));
    }
    s.push('\n');
    ctx.write(stream, &s);
    Ok(Val::Undef)
}

fn log(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    write_line(vm, ctx, c, StdStream::Stdout)
}

fn error(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    write_line(vm, ctx, c, StdStream::Stderr)
}

fn dir(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let mut o = console_opts(vm);
    if let Val::Obj(opts) = c.arg(1) {
        read_opts(vm, ctx, opts, &mut o)?;
    }
    let s = inspect(vm, ctx, &c.arg(0), &o);
    ctx.out.out(&format!("{s}\n"));
    Ok(Val::Undef)
}

fn trace(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let o = console_opts(vm);
    let msg = format_args(vm, ctx, &c.args, &o);
    let lines = vm.stack_lines(0);
    let mut s = if msg.is_empty() { "Trace".to_string() } else { format!("Trace: {msg}") };
    for l in lines {
        s.push_str("\n    at ");
        s.push_str(&l);
    }
    s.push('\n');
    ctx.out.err(&s);
    Ok(Val::Undef)
}

fn console_assert(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    if vm.truthy(&c.arg(0)) {
        return Ok(Val::Undef);
    }
    let rest: Vec<Val> = c.args.iter().skip(1).cloned().collect();
    let o = console_opts(vm);
    let msg = if rest.is_empty() {
        "Assertion failed".to_string()
    } else {
        let body = format_args(vm, ctx, &rest, &o);
        format!("Assertion failed: {body}")
    };
    ctx.out.err(&format!("{msg}\n"));
    Ok(Val::Undef)
}

fn label_of(vm: &mut Vm, ctx: &mut Ctx, c: &Call) -> Result<String, Val> {
    Ok(match c.arg(0) {
        Val::Undef => "default".into(),
        v => vm.to_str(ctx, &v)?.to_string(),
    })
}

fn count(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let label = label_of(vm, ctx, c)?;
    let n = match vm.host.counts.iter_mut().find(|(l, _)| *l == label) {
        Some((_, n)) => {
            *n += 1;
            *n
        }
        None => {
            vm.host.counts.push((label.clone(), 1));
            1
        }
    };
    ctx.out.out(&format!("{label}: {n}\n"));
    Ok(Val::Undef)
}

fn count_reset(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let label = label_of(vm, ctx, c)?;
    vm.host.counts.retain(|(l, _)| *l != label);
    Ok(Val::Undef)
}

fn time(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let label = label_of(vm, ctx, c)?;
    let now = ctx.now.as_ms();
    vm.host.timers_console.retain(|(l, _)| *l != label);
    vm.host.timers_console.push((label, now));
    Ok(Val::Undef)
}

fn time_end_common(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call, end: bool) -> Res {
    let label = label_of(vm, ctx, c)?;
    let Some((_, start)) = vm.host.timers_console.iter().find(|(l, _)| *l == label).cloned() else {
        let pid = vm.host.pid;
        ctx.out.err(&format!("(node:{pid}) Warning: No such label '{label}' for console.time{}()\n(Use `node --trace-warnings ...` to show where the warning was created)\n", if end { "End" } else { "Log" }));
        return Ok(Val::Undef);
    };
    let ms = ctx.now.as_ms().saturating_sub(start) as f64;
    let shown = if ms >= 1000.0 { format!("{:.3}s", ms / 1000.0) } else { format!("{:.3}ms", ms) };
    let rest: Vec<Val> = c.args.iter().skip(1).cloned().collect();
    let extra = if rest.is_empty() {
        String::new()
    } else {
        let o = console_opts(vm);
        format!(" {}", format_args(vm, ctx, &rest, &o))
    };
    ctx.out.out(&format!("{label}: {shown}{extra}\n"));
    if end {
        vm.host.timers_console.retain(|(l, _)| *l != label);
    }
    Ok(Val::Undef)
}

fn time_end(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    time_end_common(vm, ctx, c, true)
}

fn time_log(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    time_end_common(vm, ctx, c, false)
}

fn group(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    if !c.args.is_empty() {
        write_line(vm, ctx, c, StdStream::Stdout)?;
    }
    vm.host.group_indent += 2;
    Ok(Val::Undef)
}

fn group_end(vm: &mut Vm, _ctx: &mut Ctx, _c: &mut Call) -> Res {
    vm.host.group_indent = vm.host.group_indent.saturating_sub(2);
    Ok(Val::Undef)
}

fn table(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let data = c.arg(0);
    let Val::Obj(o) = data else { return log(vm, ctx, c) };
    // Rows: (index label, value).
    let is_arr = vm.is_array(&data);
    let row_keys: Vec<Str> = vm.own_keys(o, false);
    let mut cols: Vec<Str> = Vec::new();
    let mut has_values = false;
    let mut rows: Vec<(String, Vec<(Str, String)>, Option<String>)> = Vec::new();
    let opts = Opts { depth: Some(1), compact: Some(3), break_length: usize::MAX / 4, ..Opts::default() };
    for k in &row_keys {
        let v = vm.get_obj(ctx, o, &Key::S(k.clone()), &data)?;
        let mut cells = Vec::new();
        let mut plain = None;
        match &v {
            Val::Obj(r) if !vm.heap.get(*r).is_callable() => {
                for ck in vm.own_keys(*r, false) {
                    let cv = vm.get_obj(ctx, *r, &Key::S(ck.clone()), &v)?;
                    if !cols.contains(&ck) {
                        cols.push(ck.clone());
                    }
                    cells.push((ck, inspect(vm, ctx, &cv, &opts)));
                }
            }
            other => {
                has_values = true;
                plain = Some(inspect(vm, ctx, other, &opts));
            }
        }
        let _ = is_arr;
        rows.push((k.to_string(), cells, plain));
    }
    let mut header: Vec<String> = vec!["(index)".into()];
    header.extend(cols.iter().map(|c| c.to_string()));
    if has_values {
        header.push("Values".into());
    }
    let mut grid: Vec<Vec<String>> = Vec::new();
    for (k, cells, plain) in &rows {
        let mut line = vec![k.clone()];
        for c in &cols {
            line.push(cells.iter().find(|(n, _)| n == c).map(|(_, v)| v.clone()).unwrap_or_default());
        }
        if has_values {
            line.push(plain.clone().unwrap_or_default());
        }
        grid.push(line);
    }
    let width = |s: &str| s.chars().count();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h) + 2).collect();
    for line in &grid {
        for (i, cell) in line.iter().enumerate() {
            widths[i] = widths[i].max(width(cell) + 2);
        }
    }
    // Node 20.10+ left-aligns cells; older versions centre them.
    let left_align = vm.host.version.major >= 20;
    let center = |s: &str, w: usize| {
        let n = width(s);
        let left = if left_align { 1 } else { (w - n) / 2 };
        format!("{}{s}{}", " ".repeat(left), " ".repeat(w - n - left))
    };
    let bar = |l: &str, m: &str, r: &str| {
        let mut s = l.to_string();
        for (i, w) in widths.iter().enumerate() {
            if i > 0 {
                s.push_str(m);
            }
            s.push_str(&"─".repeat(*w));
        }
        s.push_str(r);
        s
    };
    let mut out = bar("┌", "┬", "┐");
    out.push('\n');
    out.push('│');
    for (i, h) in header.iter().enumerate() {
        if i > 0 {
            out.push('│');
        }
        out.push_str(&center(h, widths[i]));
    }
    out.push_str("│\n");
    out.push_str(&bar("├", "┼", "┤"));
    out.push('\n');
    for line in &grid {
        out.push('│');
        for (i, cell) in line.iter().enumerate() {
            if i > 0 {
                out.push('│');
            }
            out.push_str(&center(cell, widths[i]));
        }
        out.push_str("│\n");
    }
    out.push_str(&bar("└", "┴", "┘"));
    out.push('\n');
    ctx.out.out(&out);
    Ok(Val::Undef)
}

/// Reads `util.inspect` options from an object.
pub fn read_opts(vm: &mut Vm, ctx: &mut Ctx, o: Oid, out: &mut Opts) -> Result<(), Val> {
    let v = Val::Obj(o);
    let get = |vm: &mut Vm, ctx: &mut Ctx, n: &str| vm.get_str(ctx, &v, n);
    match get(vm, ctx, "depth")? {
        Val::Undef => {}
        Val::Null => out.depth = None,
        Val::Num(n) if n.is_infinite() => out.depth = None,
        Val::Num(n) => out.depth = Some(n.max(0.0) as u32),
        _ => {}
    }
    if let Val::Bool(b) = get(vm, ctx, "colors")? {
        out.colors = b;
    }
    if let Val::Bool(b) = get(vm, ctx, "showHidden")? {
        out.show_hidden = b;
    }
    if let Val::Num(n) = get(vm, ctx, "breakLength")? {
        out.break_length = if n.is_infinite() { usize::MAX / 4 } else { n.max(0.0) as usize };
    }
    match get(vm, ctx, "compact")? {
        Val::Bool(true) => out.compact = None,
        Val::Bool(false) => out.compact = Some(0),
        Val::Num(n) => out.compact = Some(n.max(0.0) as u32),
        _ => {}
    }
    if let Val::Bool(b) = get(vm, ctx, "sorted")? {
        out.sorted = b;
    }
    if let Val::Bool(b) = get(vm, ctx, "getters")? {
        out.getters = b;
    }
    if let Val::Num(n) = get(vm, ctx, "maxArrayLength")? {
        out.max_array_length = if n.is_infinite() { usize::MAX / 4 } else { n.max(0.0) as usize };
    }
    if let Val::Num(n) = get(vm, ctx, "maxStringLength")? {
        out.max_string_length = if n.is_infinite() { usize::MAX / 4 } else { n.max(0.0) as usize };
    }
    Ok(())
}

// ---- timers ----

fn timer_object(vm: &mut Vm, ctx: &mut Ctx, name: &'static str, id: u32, callback: &Val, key: &str) -> Result<Oid, Val> {
    let proto = vm.host.timeout_proto.unwrap_or(vm.realm.object_proto);
    let o = vm.heap.alloc(Obj::new(Some(proto), Kind::Host(id)));
    vm.heap.get_mut(o).tag = Some(name);
    // The callback is found as `_onTimeout` for stack traces (`Timeout._onTimeout`).
    if !key.is_empty() {
        vm.define(o, Key::s(key), callback.clone(), HIDDEN);
    }
    let _ = ctx;
    Ok(o)
}

fn check_callback(vm: &mut Vm, ctx: &mut Ctx, f: &Val) -> Result<(), Val> {
    if vm.is_callable(f) {
        return Ok(());
    }
    let shown = match f {
        Val::Undef => "Received undefined".to_string(),
        Val::Null => "Received null".to_string(),
        Val::Str(s) => format!("Received type string ({})", super::inspect::str_escape(s)),
        Val::Num(n) => format!("Received type number ({})", super::num::to_str(*n)),
        Val::Bool(b) => format!("Received type boolean ({b})"),
        other => {
            let s = inspect(vm, ctx, other, &Opts { depth: Some(0), ..Opts::default() });
            format!("Received an instance of {s}")
        }
    };
    let e = vm.error(ErrKind::Type, &format!("The \"callback\" argument must be of type function. {shown}"));
    if let Val::Obj(o) = &e {
        vm.define(*o, Key::s("code"), Val::str("ERR_INVALID_ARG_TYPE"), DEFAULT);
        set_node_error_name(vm, *o, "TypeError", "ERR_INVALID_ARG_TYPE");
    }
    Err(e)
}

/// Node's errors show their code in the name: `TypeError [ERR_X]: …`.
pub fn set_node_error_name(vm: &mut Vm, o: Oid, name: &str, code: &str) {
    let msg = match vm.heap.get(o).props.get(&Key::s("message")) {
        Some(Prop { slot: Slot::V(Val::Str(s)), .. }) => s.to_string(),
        _ => String::new(),
    };
    let frames = match &vm.heap.get(o).kind {
        Kind::Error(i) => i.frames.clone(),
        _ => Vec::new(),
    };
    let mut s = format!("{name} [{code}]: {msg}");
    for f in frames {
        s.push_str("\n    at ");
        s.push_str(&f);
    }
    vm.heap.get_mut(o).props.insert(Key::s("stack"), Slot::V(Val::Str(s.into())), HIDDEN);
}

fn add_timer(vm: &mut Vm, ctx: &mut Ctx, c: &Call, repeat: bool) -> Res {
    let f = c.arg(0);
    check_callback(vm, ctx, &f)?;
    let delay = match c.arg(1) {
        Val::Undef => 1.0,
        v => vm.to_number(ctx, &v)?,
    };
    let delay = if delay.is_nan() || delay < 1.0 || delay > 2147483647.0 { 1 } else { delay as u64 };
    let id = vm.host.next_timer;
    vm.host.next_timer += 1;
    let obj = timer_object(vm, ctx, "Timeout", id, &f, "_onTimeout")?;
    let now = ctx.now.as_ms().max(vm.host.now);
    vm.host.timers.push(Timer {
        id,
        due: now + delay,
        interval: if repeat { Some(delay) } else { None },
        callback: f,
        args: c.args.iter().skip(2).cloned().collect(),
        obj,
        refed: true,
    });
    Ok(Val::Obj(obj))
}

fn set_timeout(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    add_timer(vm, ctx, c, false)
}

fn set_interval(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    add_timer(vm, ctx, c, true)
}

fn timer_id(vm: &Vm, v: &Val) -> Option<u32> {
    match v {
        Val::Obj(o) => match vm.heap.get(*o).kind {
            Kind::Host(id) => Some(id),
            _ => None,
        },
        Val::Num(n) => Some(*n as u32),
        _ => None,
    }
}

fn clear_timer(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    if let Some(id) = timer_id(vm, &c.arg(0)) {
        vm.host.timers.retain(|t| t.id != id);
        vm.host.immediates.retain(|(_, _, o)| !matches!(vm.heap.get(*o).kind, Kind::Host(x) if x == id));
    }
    Ok(Val::Undef)
}

fn set_immediate(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let f = c.arg(0);
    check_callback(vm, ctx, &f)?;
    let id = vm.host.next_timer;
    vm.host.next_timer += 1;
    let obj = timer_object(vm, ctx, "Immediate", id, &f, "")?;
    vm.host.immediates.push_back((f, c.args.iter().skip(1).cloned().collect(), obj));
    Ok(Val::Obj(obj))
}

fn timer_ref(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let refed = matches!(c.data, Val::Bool(true));
    if let Some(id) = timer_id(vm, &c.this) {
        for t in vm.host.timers.iter_mut().filter(|t| t.id == id) {
            t.refed = refed;
        }
    }
    Ok(c.this.clone())
}

fn timer_has_ref(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let id = timer_id(vm, &c.this);
    Ok(Val::Bool(vm.host.timers.iter().any(|t| Some(t.id) == id && t.refed)))
}

fn timer_refresh(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    if let Some(id) = timer_id(vm, &c.this) {
        let now = ctx.now.as_ms();
        for t in vm.host.timers.iter_mut().filter(|t| t.id == id) {
            let d = t.interval.unwrap_or(1);
            t.due = now + d;
        }
    }
    Ok(c.this.clone())
}

fn queue_microtask(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let f = c.arg(0);
    check_callback(vm, ctx, &f)?;
    vm.jobs.push_back(super::vm::Job::Call(f));
    Ok(Val::Undef)
}

fn structured_clone(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let v = c.arg(0);
    match super::builtins::json::stringify(vm, ctx, v, Val::Undef, Val::Undef)? {
        Some(s) => super::builtins::json::parse_text(vm, &s).map_err(|m| vm.error(ErrKind::Syntax, &m)),
        None => Ok(Val::Undef),
    }
}

// ---- process ----

fn next_tick(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let f = c.arg(0);
    check_callback(vm, ctx, &f)?;
    vm.host.ticks.push_back((f, c.args.iter().skip(1).cloned().collect()));
    Ok(Val::Undef)
}

fn exit(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let code = match c.arg(0) {
        Val::Undef => vm.host.exit_code_from_process(ctx),
        v => vm.to_number(ctx, &v)? as i32,
    };
    vm.host.exit_code = code;
    emit_exit(vm, ctx);
    vm.exit = Some(code);
    Err(Val::Undef)
}

fn cwd(vm: &mut Vm, _ctx: &mut Ctx, _c: &mut Call) -> Res {
    Ok(Val::Str(vm.host.cwd.as_str().into()))
}

fn chdir(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let d = arg_str(vm, ctx, c, 0)?;
    let p = crate::vfs::normalize(&vm.host.cwd, &d);
    match ctx.fs.get(&p) {
        Some(n) if n.is_dir() => {
            vm.host.cwd = p;
            Ok(Val::Undef)
        }
        _ => Err(super::fs::sys_error(vm, "ENOENT", "chdir", &format!("'{}' -> '{d}'", vm.host.cwd), None)),
    }
}

fn uptime(vm: &mut Vm, ctx: &mut Ctx, _c: &mut Call) -> Res {
    Ok(Val::Num((ctx.now.as_ms().saturating_sub(vm.host.start)) as f64 / 1000.0 + 0.03))
}

fn hrtime(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let ns = (ctx.now.as_ms().saturating_sub(vm.host.start)) as f64 * 1e6 + 1.0e9;
    let (mut s, mut n) = ((ns / 1e9).floor(), ns % 1e9);
    if let Some(prev) = vm.array_items(&c.arg(0)) {
        let ps = prev.first().and_then(|v| v.as_num()).unwrap_or(0.0);
        let pn = prev.get(1).and_then(|v| v.as_num()).unwrap_or(0.0);
        s -= ps;
        n -= pn;
        if n < 0.0 {
            s -= 1.0;
            n += 1e9;
        }
    }
    Ok(vm.new_array(vec![Val::Num(s), Val::Num(n)]))
}

fn hrtime_bigint(_vm: &mut Vm, _ctx: &mut Ctx, _c: &mut Call) -> Res {
    Err(_vm.fatal("process.hrtime.bigint (BigInt) is not simulated"))
}

fn memory_usage(vm: &mut Vm, _ctx: &mut Ctx, _c: &mut Call) -> Res {
    let o = vm.new_object();
    let heap = vm.heap.len() as f64 * 64.0 + 4_000_000.0;
    for (k, v) in [("rss", 45_000_000.0 + heap), ("heapTotal", 6_000_000.0 + heap), ("heapUsed", 4_500_000.0 + heap), ("external", 1_500_000.0), ("arrayBuffers", 10_000.0)] {
        vm.define(o, Key::s(k), Val::Num(v.round()), DEFAULT);
    }
    Ok(Val::Obj(o))
}

fn stream_write(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = match c.arg(0) {
        Val::Str(s) => s,
        v => {
            if let Some(b) = super::fs::buffer_bytes(vm, &v) {
                String::from_utf8_lossy(&b).into_owned().into()
            } else {
                let shown = inspect(vm, ctx, &v, &Opts::default());
                let e = vm.error(ErrKind::Type, &format!("The \"chunk\" argument must be of type string or an instance of Buffer or Uint8Array. Received {shown}"));
                return Err(e);
            }
        }
    };
    let stream = if matches!(c.data, Val::Num(n) if n == 2.0) { StdStream::Stderr } else { StdStream::Stdout };
    ctx.write(stream, &s);
    let cb = c.args.iter().skip(1).find(|a| vm.is_callable(a)).cloned();
    if let Some(cb) = cb {
        vm.host.ticks.push_back((cb, Vec::new()));
    }
    Ok(Val::Bool(true))
}

fn emit_listeners(vm: &mut Vm, ctx: &mut Ctx, target: &Val, event: &str, args: Vec<Val>) -> Result<bool, Val> {
    let emit = vm.get_str(ctx, target, "emit")?;
    if !vm.is_callable(&emit) {
        return Ok(false);
    }
    let mut all = vec![Val::str(event)];
    all.extend(args);
    let r = vm.call(ctx, &emit, target.clone(), all)?;
    Ok(vm.truthy(&r))
}

/// How many listeners an emitter has for an event (reads the JavaScript emitter's state).
pub fn listener_count(vm: &mut Vm, ctx: &mut Ctx, target: &Val, event: &str) -> usize {
    let Ok(f) = vm.get_str(ctx, target, "listenerCount") else { return 0 };
    if !vm.is_callable(&f) {
        return 0;
    }
    match vm.call(ctx, &f, target.clone(), vec![Val::str(event)]) {
        Ok(Val::Num(n)) => n as usize,
        _ => {
            vm.throw_site = None;
            0
        }
    }
}

/// `process.emit('exit', code)` once.
pub fn emit_exit(vm: &mut Vm, ctx: &mut Ctx) {
    if vm.host.exit_emitted {
        return;
    }
    vm.host.exit_emitted = true;
    let p = vm.host.process.clone();
    let code = vm.host.exit_code_from_process(ctx);
    vm.host.exit_code = code;
    if listener_count(vm, ctx, &p, "exit") > 0 {
        let saved = vm.exit.take();
        if let Err(e) = emit_listeners(vm, ctx, &p, "exit", vec![Val::Num(code as f64)]) {
            if vm.exit.is_none() && vm.fatal.is_none() {
                vm.uncaught(ctx, e);
            }
        }
        if vm.exit.is_none() {
            vm.exit = saved;
        }
        let code = vm.host.exit_code_from_process(ctx);
        vm.host.exit_code = code;
    }
}

/// `process.on('unhandledRejection')` handlers; true if one ran.
pub fn emit_unhandled(vm: &mut Vm, ctx: &mut Ctx, reason: &Val, promise: Oid) -> bool {
    let p = vm.host.process.clone();
    if listener_count(vm, ctx, &p, "unhandledRejection") == 0 {
        return false;
    }
    if let Err(e) = emit_listeners(vm, ctx, &p, "unhandledRejection", vec![reason.clone(), Val::Obj(promise)]) {
        vm.uncaught(ctx, e);
    }
    true
}

/// `process.on('uncaughtException', (err, origin) => …)`: false when nobody listens. An
/// error thrown by the handler itself ends the process (status 7).
pub fn emit_uncaught(vm: &mut Vm, ctx: &mut Ctx, err: &Val, origin: &str) -> bool {
    let p = vm.host.process.clone();
    if vm.host.in_uncaught_handler || listener_count(vm, ctx, &p, "uncaughtException") == 0 {
        return false;
    }
    vm.frames.clear();
    vm.host.in_uncaught_handler = true;
    let saved = vm.host.bottom;
    vm.host.bottom = if origin == "unhandledRejection" { super::host::Bottom::FatalRejection } else { super::host::Bottom::Fatal };
    let r = emit_listeners(vm, ctx, &p, "uncaughtException", vec![err.clone(), Val::str(origin)]);
    vm.host.in_uncaught_handler = false;
    vm.host.bottom = saved;
    if let Err(e) = r {
        if vm.fatal.is_none() && vm.exit.is_none() {
            vm.frames.clear();
            super::errors::report_uncaught(vm, ctx, &e);
            vm.exit = Some(7);
        }
    }
    true
}

/// Delivers a signal to `process.on(signal)` listeners; false when there are none.
pub fn emit_signal(vm: &mut Vm, ctx: &mut Ctx, name: &str) -> bool {
    let p = vm.host.process.clone();
    if listener_count(vm, ctx, &p, name) == 0 {
        return false;
    }
    vm.host.bottom = super::host::Bottom::None;
    if let Err(e) = emit_listeners(vm, ctx, &p, name, vec![Val::str(name)]) {
        vm.uncaught(ctx, e);
    }
    true
}

impl super::host::Host {
    /// `process.exitCode` as a number.
    pub fn exit_code_from_process(&self, _ctx: &Ctx) -> i32 {
        self.exit_code
    }
}

fn exit_code_get(vm: &mut Vm, _ctx: &mut Ctx, _c: &mut Call) -> Res {
    Ok(if vm.host.exit_code_set { Val::Num(vm.host.exit_code as f64) } else { Val::Undef })
}

fn exit_code_set(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let v = c.arg(0);
    if v.is_nullish() {
        vm.host.exit_code = 0;
        vm.host.exit_code_set = false;
    } else {
        vm.host.exit_code = vm.to_number(ctx, &v)? as i32;
        vm.host.exit_code_set = true;
    }
    Ok(Val::Undef)
}

fn stdin_noop(_vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(c.this.clone())
}

/// Builds `process` (its prototype is EventEmitter's) and the console and timer globals.
pub fn install(vm: &mut Vm, ctx: &mut Ctx, emitter_proto: Option<Oid>) {
    let proto = emitter_proto.unwrap_or(vm.realm.object_proto);
    let p = vm.heap.alloc(Obj::new(Some(proto), Kind::Ordinary));
    vm.heap.get_mut(p).tag = Some("process");
    let pv = Val::Obj(p);
    vm.host.process = pv.clone();
    // EventEmitter state.
    let events = vm.heap.alloc(Obj::new(None, Kind::Ordinary));
    vm.define(p, Key::s("_events"), Val::Obj(events), DEFAULT);
    vm.define(p, Key::s("_eventsCount"), Val::Num(0.0), DEFAULT);
    let version = format!("v{}", vm.host.version.version);
    vm.define(p, Key::s("version"), Val::Str(version.clone().into()), DEFAULT);
    let versions = vm.new_object();
    let nv: Str = vm.host.version.version.as_str().into();
    vm.define(versions, Key::s("node"), Val::Str(nv), DEFAULT);
    vm.define(p, Key::s("versions"), Val::Obj(versions), DEFAULT);
    let argv: Vec<Val> = vm.host.argv.iter().map(|a| Val::Str(a.as_str().into())).collect();
    let argv = vm.new_array(argv);
    vm.define(p, Key::s("argv"), argv, DEFAULT);
    let ev = vm.new_array(Vec::new());
    vm.define(p, Key::s("execArgv"), ev, DEFAULT);
    vm.define(p, Key::s("execPath"), Val::str("/usr/local/bin/node"), DEFAULT);
    vm.define(p, Key::s("platform"), Val::str("linux"), DEFAULT);
    vm.define(p, Key::s("arch"), Val::str("x64"), DEFAULT);
    vm.define(p, Key::s("pid"), Val::Num(vm.host.pid as f64), DEFAULT);
    vm.define(p, Key::s("ppid"), Val::Num(0.0), DEFAULT);
    vm.define(p, Key::s("title"), Val::str("node"), DEFAULT);
    let env = vm.new_object();
    for (k, v) in vm.host.env.clone() {
        vm.define(env, Key::S(k.into()), Val::Str(v.into()), DEFAULT);
    }
    vm.define(p, Key::s("env"), Val::Obj(env), DEFAULT);
    methods(vm, p, &[("nextTick", 1, next_tick), ("exit", 1, exit), ("cwd", 0, cwd), ("chdir", 1, chdir), ("uptime", 0, uptime), ("hrtime", 1, hrtime), ("memoryUsage", 0, memory_usage)]);
    if let Some(Prop { slot: Slot::V(Val::Obj(h)), .. }) = vm.heap.get(p).props.get(&Key::s("hrtime")).cloned() {
        super::builtins::methods(vm, h, &[("bigint", 0, hrtime_bigint)]);
    }
    let g = vm.native("get exitCode", 0, exit_code_get);
    let s = vm.native("set exitCode", 1, exit_code_set);
    vm.heap.get_mut(p).props.insert(Key::s("exitCode"), Slot::Acc(Some(g), Some(s)), ENUM | CONF);
    for (name, fd) in [("stdout", 1.0), ("stderr", 2.0)] {
        let st = vm.heap.alloc(Obj::new(Some(proto), Kind::Ordinary));
        vm.heap.get_mut(st).tag = Some("WriteStream");
        let events = vm.heap.alloc(Obj::new(None, Kind::Ordinary));
        vm.define(st, Key::s("_events"), Val::Obj(events), HIDDEN);
        let w = vm.native_with(stream_write, Val::Num(fd));
        vm.heap.get_mut(w).props.insert(Key::s("name"), Slot::V(Val::str("write")), CONF);
        vm.define(st, Key::s("write"), Val::Obj(w), HIDDEN);
        vm.define(st, Key::s("isTTY"), if vm.host.tty { Val::Bool(true) } else { Val::Undef }, DEFAULT);
        vm.define(st, Key::s("columns"), if vm.host.tty { Val::Num(80.0) } else { Val::Undef }, DEFAULT);
        vm.define(st, Key::s("fd"), Val::Num(fd), DEFAULT);
        vm.define(p, Key::s(name), Val::Obj(st), DEFAULT);
    }
    let stdin = vm.heap.alloc(Obj::new(Some(proto), Kind::Ordinary));
    vm.heap.get_mut(stdin).tag = Some("ReadStream");
    let events = vm.heap.alloc(Obj::new(None, Kind::Ordinary));
    vm.define(stdin, Key::s("_events"), Val::Obj(events), HIDDEN);
    vm.define(stdin, Key::s("isTTY"), if vm.host.tty { Val::Bool(true) } else { Val::Undef }, DEFAULT);
    vm.define(stdin, Key::s("fd"), Val::Num(0.0), DEFAULT);
    methods(vm, stdin, &[("setEncoding", 1, stdin_noop), ("setRawMode", 1, stdin_noop)]);
    vm.define(p, Key::s("stdin"), Val::Obj(stdin), DEFAULT);
    vm.host.stdin_obj = Some(stdin);
    global(vm, "process", pv);
    let g = vm.realm.global;
    vm.define(g, Key::s("global"), Val::Obj(g), HIDDEN);

    let console = vm.new_object();
    methods(
        vm,
        console,
        &[
            ("log", 0, log),
            ("info", 0, log),
            ("debug", 0, log),
            ("error", 0, error),
            ("warn", 0, error),
            ("dir", 0, dir),
            ("trace", 0, trace),
            ("assert", 0, console_assert),
            ("count", 0, count),
            ("countReset", 0, count_reset),
            ("time", 0, time),
            ("timeEnd", 0, time_end),
            ("timeLog", 0, time_log),
            ("group", 0, group),
            ("groupCollapsed", 0, group),
            ("groupEnd", 0, group_end),
            ("table", 1, table),
        ],
    );
    // console's methods are enumerable own properties in Node.
    for p in vm.heap.get_mut(console).props.list.iter_mut() {
        p.flags |= ENUM;
    }
    global(vm, "console", Val::Obj(console));

    let tp = vm.new_object();
    vm.host.timeout_proto = Some(tp);
    let r = vm.native_with(timer_ref, Val::Bool(true));
    let u = vm.native_with(timer_ref, Val::Bool(false));
    vm.define(tp, Key::s("ref"), Val::Obj(r), HIDDEN);
    vm.define(tp, Key::s("unref"), Val::Obj(u), HIDDEN);
    methods(vm, tp, &[("hasRef", 0, timer_has_ref), ("refresh", 0, timer_refresh)]);
    methods(
        vm,
        g,
        &[
            ("setTimeout", 2, set_timeout),
            ("setInterval", 2, set_interval),
            ("setImmediate", 1, set_immediate),
            ("clearTimeout", 1, clear_timer),
            ("clearInterval", 1, clear_timer),
            ("clearImmediate", 1, clear_timer),
            ("queueMicrotask", 1, queue_microtask),
            ("structuredClone", 1, structured_clone),
        ],
    );
    let _ = ctx;
}

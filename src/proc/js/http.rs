//! Serving one HTTP request: the JavaScript server object's `_dispatch` builds the request
//! and response objects (`lib/http.js`), the handler runs, and then ticks, microtasks and
//! timers run until the response ends (timers up to 30 s of virtual time ahead).

use super::host::Bottom;
use super::value::*;
use super::vm::{Outcome, Vm};
use crate::proc::program::{Ctx, HttpRequest, HttpResponse};

/// Virtual time a request may wait on its own timers.
const REQUEST_WAIT_MS: u64 = 30_000;

fn finished(vm: &mut Vm, ctx: &mut Ctx, res: &Val) -> bool {
    matches!(vm.get_str(ctx, res, "writableEnded"), Ok(Val::Bool(true)))
}

pub fn serve(vm: &mut Vm, ctx: &mut Ctx, port: u16, req: &HttpRequest) -> Option<HttpResponse> {
    let server = vm.host.servers.iter().find(|s| s.port == port)?.obj;
    let sv = Val::Obj(server);
    let dispatch = vm.get_str(ctx, &sv, "_dispatch").ok()?;
    let headers: Vec<Val> = req
        .headers
        .iter()
        .map(|(k, v)| vm.new_array(vec![Val::Str(k.as_str().into()), Val::Str(v.as_str().into())]))
        .collect();
    let headers = vm.new_array(headers);
    let body = super::fs::new_buffer(vm, req.body.clone());
    let peer = if req.peer.is_empty() { "::ffff:172.17.0.1".to_string() } else if req.peer.contains(':') { req.peer.clone() } else { format!("::ffff:{}", req.peer) };
    let saved_bottom = vm.host.bottom;
    let saved_cont = std::mem::take(&mut vm.host.cont);
    vm.host.bottom = Bottom::HttpRequest;
    vm.host.now = vm.host.now.max(ctx.now.as_ms());
    let outer = vm.nested_start.is_none();
    if outer {
        vm.nested_start = Some(vm.steps);
    }
    let args = vec![Val::Str(req.method.as_str().into()), Val::Str(req.target.as_str().into()), headers, body, Val::Str(peer.into())];
    let r = vm.start_call(ctx, &dispatch, sv, args);
    let res = match r {
        Outcome::Done(v) => Some(v),
        Outcome::Threw(e) => {
            vm.uncaught(ctx, e);
            None
        }
        Outcome::Yield => None,
    };
    let mut response = None;
    if let Some(res) = res {
        let deadline = vm.host.now + REQUEST_WAIT_MS;
        let mut guard = 0;
        while !finished(vm, ctx, &res) && vm.exit.is_none() && vm.fatal.is_none() {
            guard += 1;
            if guard > 100_000 || !pump_once(vm, ctx, deadline) {
                break;
            }
        }
        if finished(vm, ctx, &res) {
            response = read_response(vm, ctx, &res);
        } else if vm.exit.is_none() && vm.fatal.is_none() {
            ctx.out.err("dockling: node: the request handler did not end the response (requests that stay open are not simulated)\n");
        }
    }
    if outer {
        vm.nested_start = None;
    }
    vm.host.bottom = saved_bottom;
    vm.host.cont = saved_cont;
    if let Some(msg) = vm.fatal.take() {
        ctx.out.err(&format!("{msg}\n"));
        vm.exit = Some(1);
    }
    response
}

/// Runs one pending tick, job or timer (advancing this program's clock up to `deadline`);
/// false when nothing is left to run.
fn pump_once(vm: &mut Vm, ctx: &mut Ctx, deadline: u64) -> bool {
    if let Some((f, args)) = vm.host.ticks.pop_front() {
        vm.host.bottom = Bottom::Tick(args.len().min(5) as u8);
        let r = vm.start_call(ctx, &f, Val::Undef, args);
        if let Err(e) = vm.finish_task(ctx, r) {
            vm.uncaught(ctx, e);
        }
        return true;
    }
    if let Some(job) = vm.jobs.pop_front() {
        vm.host.bottom = Bottom::None;
        if let Err(e) = vm.run_job(ctx, job) {
            vm.uncaught(ctx, e);
        }
        return true;
    }
    if let Some((f, args, obj)) = vm.host.immediates.pop_front() {
        vm.host.bottom = Bottom::Immediate;
        let r = vm.start_call(ctx, &f, Val::Obj(obj), args);
        if let Err(e) = vm.finish_task(ctx, r) {
            vm.uncaught(ctx, e);
        }
        return true;
    }
    let next = vm.host.timers.iter().enumerate().min_by_key(|(_, t)| (t.due, t.id)).map(|(i, t)| (i, t.due));
    if let Some((i, due)) = next {
        if due <= deadline {
            vm.host.now = vm.host.now.max(due);
            let t = vm.host.timers[i].clone();
            match t.interval {
                Some(iv) => vm.host.timers[i].due = t.due + iv.max(1),
                None => {
                    vm.host.timers.remove(i);
                }
            }
            vm.host.bottom = Bottom::Timer;
            let r = vm.start_call(ctx, &t.callback, Val::Obj(t.obj), t.args.clone());
            if let Err(e) = vm.finish_task(ctx, r) {
                vm.uncaught(ctx, e);
            }
            return true;
        }
    }
    false
}

fn read_response(vm: &mut Vm, ctx: &mut Ctx, res: &Val) -> Option<HttpResponse> {
    let status = match vm.get_str(ctx, res, "statusCode").ok()? {
        Val::Num(n) => n as u16,
        _ => 200,
    };
    let reason = match vm.get_str(ctx, res, "_statusLine").ok()? {
        Val::Str(s) => s.to_string(),
        _ => String::new(),
    };
    let list = vm.get_str(ctx, res, "_headerList").ok()?;
    let mut headers = Vec::new();
    for pair in vm.array_items(&list).unwrap_or_default() {
        let items = vm.array_items(&pair).unwrap_or_default();
        if let (Some(k), Some(v)) = (items.first(), items.get(1)) {
            headers.push((vm.prim_str(k), vm.prim_str(v)));
        }
    }
    let chunks = vm.get_str(ctx, res, "_chunks").ok()?;
    let mut body = Vec::new();
    for c in vm.array_items(&chunks).unwrap_or_default() {
        match super::fs::buffer_bytes(vm, &c) {
            Some(b) => body.extend(b),
            None => body.extend(vm.prim_str(&c).into_bytes()),
        }
    }
    Some(HttpResponse { status, reason, headers, body })
}

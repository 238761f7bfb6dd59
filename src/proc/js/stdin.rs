//! Standard input for programs: `process.stdin` 'data'/'end' events and readline interfaces
//! (which receive whole lines through their `_onLine`/`_onClose` methods).

use super::value::*;
use super::vm::Vm;
use crate::proc::program::Ctx;

/// Is anything listening to `process.stdin`?
pub fn stdin_listened(vm: &mut Vm, ctx: &mut Ctx) -> bool {
    let Some(s) = vm.host.stdin_obj else { return false };
    if vm.host.stdin_ended {
        return false;
    }
    let v = Val::Obj(s);
    super::process::listener_count(vm, ctx, &v, "data") > 0 || super::process::listener_count(vm, ctx, &v, "end") > 0 || super::process::listener_count(vm, ctx, &v, "readable") > 0
}

/// Delivers what has arrived; true if some JavaScript ran.
pub fn deliver(vm: &mut Vm, ctx: &mut Ctx) -> bool {
    let mut ran = false;
    // process.stdin 'data' / 'end'.
    if stdin_listened(vm, ctx) {
        if let Some(s) = vm.host.stdin_obj {
            let target = Val::Obj(s);
            if !ctx.stdin.buf.is_empty() {
                let chunk = std::mem::take(&mut ctx.stdin.buf);
                let enc = vm.get_str(ctx, &target, "_encoding").unwrap_or(Val::Undef);
                let data = if matches!(enc, Val::Str(_)) { Val::Str(chunk.into()) } else { super::fs::new_buffer(vm, chunk.into_bytes()) };
                emit(vm, ctx, &target, "data", vec![data]);
                ran = true;
            } else if ctx.stdin.closed {
                vm.host.stdin_ended = true;
                emit(vm, ctx, &target, "end", Vec::new());
                ran = true;
            }
        }
    }
    // readline interfaces: whole lines, then close at end of input.
    let readers = vm.host.stdin_readers.clone();
    for r in readers {
        let mut lines = Vec::new();
        while let Some(l) = ctx.stdin.read_line() {
            lines.push(l);
        }
        let target = Val::Obj(r);
        if !lines.is_empty() {
            let f = vm.get_str(ctx, &target, "_onLines").unwrap_or(Val::Undef);
            let arr = vm.new_array(lines.into_iter().map(|l| Val::Str(l.into())).collect());
            call_task(vm, ctx, &f, &target, vec![arr]);
            ran = true;
        } else if ctx.stdin.at_eof() {
            vm.host.stdin_readers.retain(|x| *x != r);
            let f = vm.get_str(ctx, &target, "_onClose").unwrap_or(Val::Undef);
            call_task(vm, ctx, &f, &target, Vec::new());
            ran = true;
        }
    }
    ran
}

fn emit(vm: &mut Vm, ctx: &mut Ctx, target: &Val, event: &str, args: Vec<Val>) {
    let f = vm.get_str(ctx, target, "emit").unwrap_or(Val::Undef);
    let mut all = vec![Val::str(event)];
    all.extend(args);
    call_task(vm, ctx, &f, target, all);
}

fn call_task(vm: &mut Vm, ctx: &mut Ctx, f: &Val, this: &Val, args: Vec<Val>) {
    if !vm.is_callable(f) {
        return;
    }
    vm.host.bottom = super::host::Bottom::Stdin;
    vm.host.cont = super::host::Cont::None;
    let r = vm.start_call(ctx, f, this.clone(), args);
    if let Err(e) = vm.finish_task(ctx, r) {
        vm.uncaught(ctx, e);
    }
}

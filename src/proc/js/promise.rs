//! Promises as ECMA-262 specifies them (reaction jobs, thenable adoption jobs, so the order of
//! `then` callbacks matches V8's), and the `Promise` builtins.

use super::object::Res;
use super::value::*;
use super::vm::{ErrKind, Job, Vm};
use crate::proc::program::Ctx;

impl Vm {
    pub fn new_promise(&mut self) -> Oid {
        let p = self.realm.promise_proto;
        self.new_promise_with_proto(p)
    }

    fn new_promise_with_proto(&mut self, proto: Oid) -> Oid {
        self.heap.alloc(Obj::new(
            Some(proto),
            Kind::Promise(Box::new(PromiseData {
                state: PState::Pending,
                reactions: Vec::new(),
                handled: false,
            })),
        ))
    }

    pub fn is_promise(&self, v: &Val) -> bool {
        matches!(v, Val::Obj(o) if matches!(self.heap.get(*o).kind, Kind::Promise(_)))
    }

    /// Resolves `p` with `v` (adopting thenables through a job).
    pub fn resolve_promise_value(&mut self, p: Oid, v: Val) {
        if let Val::Obj(o) = &v {
            if *o == p {
                let e = self.error(ErrKind::Type, "Chaining cycle detected for promise #<Promise>");
                self.reject_promise(p, e);
                return;
            }
            if let Some(Slot::V(then)) = self.lookup(*o, &Key::s("then")) {
                if self.is_callable(&then) {
                    self.jobs.push_back(Job::Thenable(p, v, then));
                    return;
                }
            }
        }
        self.settle(p, v, false);
    }

    pub fn reject_promise(&mut self, p: Oid, v: Val) {
        self.settle(p, v, true);
    }

    fn settle(&mut self, p: Oid, v: Val, rejected: bool) {
        let (reactions, handled) = match &mut self.heap.get_mut(p).kind {
            Kind::Promise(pd) => {
                if !matches!(pd.state, PState::Pending) {
                    return;
                }
                pd.state = if rejected { PState::Rejected(v.clone()) } else { PState::Fulfilled(v.clone()) };
                (std::mem::take(&mut pd.reactions), pd.handled)
            }
            _ => return,
        };
        if rejected && !handled {
            self.pending_rejections.push(p);
        }
        for r in reactions {
            self.jobs.push_back(Job::Reaction(r, v.clone(), rejected));
        }
    }

    /// Adds a reaction; runs it (as a job) at once if the promise is settled.
    pub fn perform_then(&mut self, p: Oid, r: Reaction) {
        let settled = match &mut self.heap.get_mut(p).kind {
            Kind::Promise(pd) => {
                pd.handled = true;
                match &pd.state {
                    PState::Pending => {
                        pd.reactions.push(r);
                        return;
                    }
                    PState::Fulfilled(v) => (v.clone(), false),
                    PState::Rejected(v) => (v.clone(), true),
                }
            }
            _ => return,
        };
        self.pending_rejections.retain(|x| *x != p);
        self.jobs.push_back(Job::Reaction(r, settled.0, settled.1));
    }

    /// `PromiseResolve(%Promise%, v)`.
    pub fn promise_resolve(&mut self, v: Val) -> Oid {
        if let Val::Obj(o) = &v {
            if let Kind::Promise(_) = self.heap.get(*o).kind {
                if self.heap.get(*o).proto == Some(self.realm.promise_proto) {
                    return *o;
                }
            }
        }
        let p = self.new_promise();
        self.resolve_promise_value(p, v);
        p
    }

    /// A pair of resolving functions for `p`, sharing one "already resolved" record.
    pub fn resolving_functions(&mut self, p: Oid) -> (Val, Val) {
        let rec = self.heap.alloc(Obj::new(None, Kind::Array(vec![Val::Obj(p), Val::Bool(false)])));
        let res = self.native_with(resolve_fn, Val::Obj(rec));
        let rej = self.native_with(reject_fn, Val::Obj(rec));
        (Val::Obj(res), Val::Obj(rej))
    }

    /// Runs one job; `Err` is an exception no handler caught (only from `queueMicrotask`).
    pub fn run_job(&mut self, ctx: &mut Ctx, job: Job) -> Result<(), Val> {
        match job {
            Job::Reaction(Reaction::Resume(s), v, rejected) => {
                match self.resume(ctx, s, v, rejected) {
                    super::vm::Outcome::Threw(e) => return Err(e),
                    super::vm::Outcome::Yield => {
                        self.host.cont = super::host::Cont::None;
                    }
                    super::vm::Outcome::Done(_) => {}
                }
                Ok(())
            }
            Job::Reaction(Reaction::Then { on_ok, on_err, derived }, v, rejected) => {
                let handler = if rejected { on_err } else { on_ok };
                if !self.is_callable(&handler) {
                    if let Some(d) = derived {
                        if rejected {
                            self.reject_promise(d, v);
                        } else {
                            self.resolve_promise_value(d, v);
                        }
                    }
                    return Ok(());
                }
                self.host.cont = super::host::Cont::Derived(derived);
                let r = self.start_call(ctx, &handler, Val::Undef, vec![v]);
                self.finish_task(ctx, r)
            }
            Job::Thenable(p, thenable, then) => {
                let (res, rej) = self.resolving_functions(p);
                match self.call(ctx, &then, thenable, vec![res, rej.clone()]) {
                    Ok(_) => Ok(()),
                    Err(e) => {
                        if self.fatal.is_some() {
                            return Err(e);
                        }
                        self.throw_site = None;
                        let _ = self.call(ctx, &rej, Val::Undef, vec![e]);
                        Ok(())
                    }
                }
            }
            Job::Call(f) => {
                self.host.cont = super::host::Cont::None;
                let r = self.start_call(ctx, &f, Val::Undef, Vec::new());
                self.finish_task(ctx, r)
            }
        }
    }
}

fn record(vm: &Vm, data: &Val) -> Option<(Oid, Oid, bool)> {
    let Val::Obj(rec) = data else { return None };
    match &vm.heap.get(*rec).kind {
        Kind::Array(v) => match (v.first(), v.get(1)) {
            (Some(Val::Obj(p)), Some(Val::Bool(done))) => Some((*rec, *p, *done)),
            _ => None,
        },
        _ => None,
    }
}

fn mark_done(vm: &mut Vm, rec: Oid) {
    if let Kind::Array(v) = &mut vm.heap.get_mut(rec).kind {
        if let Some(x) = v.get_mut(1) {
            *x = Val::Bool(true);
        }
    }
}

fn resolve_fn(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    if let Some((rec, p, done)) = record(vm, &c.data) {
        if !done {
            mark_done(vm, rec);
            vm.resolve_promise_value(p, c.arg(0));
        }
    }
    Ok(Val::Undef)
}

fn reject_fn(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    if let Some((rec, p, done)) = record(vm, &c.data) {
        if !done {
            mark_done(vm, rec);
            vm.reject_promise(p, c.arg(0));
        }
    }
    Ok(Val::Undef)
}

fn this_promise(vm: &mut Vm, c: &Call, method: &str) -> Result<Oid, Val> {
    match &c.this {
        Val::Obj(o) if matches!(vm.heap.get(*o).kind, Kind::Promise(_)) => Ok(*o),
        other => {
            let shown = vm.prim_str(other);
            Err(vm.error(ErrKind::Type, &format!("Method Promise.prototype.{method} called on incompatible receiver {shown}")))
        }
    }
}

fn promise_ctor(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let Some(nt) = c.new_target else {
        return Err(vm.error(ErrKind::Type, "Promise constructor cannot be invoked without 'new'"));
    };
    let executor = c.arg(0);
    if !vm.is_callable(&executor) {
        let shown = vm.inspect_short(ctx, &executor);
        return Err(vm.error(ErrKind::Type, &format!("Promise resolver {shown} is not a function")));
    }
    let proto = match vm.get_obj(ctx, nt, &Key::s("prototype"), &Val::Obj(nt))? {
        Val::Obj(p) => p,
        _ => vm.realm.promise_proto,
    };
    let p = vm.new_promise_with_proto(proto);
    let (res, rej) = vm.resolving_functions(p);
    if let Err(e) = vm.call(ctx, &executor, Val::Undef, vec![res, rej.clone()]) {
        if vm.fatal.is_some() {
            return Err(e);
        }
        vm.throw_site = None;
        vm.call(ctx, &rej, Val::Undef, vec![e])?;
    }
    Ok(Val::Obj(p))
}

fn then(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let p = this_promise(vm, c, "then")?;
    let d = vm.new_promise();
    let (on_ok, on_err) = (c.arg(0), c.arg(1));
    vm.perform_then(p, Reaction::Then { on_ok, on_err, derived: Some(d) });
    Ok(Val::Obj(d))
}

fn catch(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let then = vm.get_str(ctx, &c.this, "then")?;
    let this = c.this.clone();
    vm.call(ctx, &then, this, vec![Val::Undef, c.arg(0)])
}

fn finally_ok(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let f = c.data.clone();
    vm.call(ctx, &f, Val::Undef, Vec::new())?;
    Ok(c.arg(0))
}

fn finally_err(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let f = c.data.clone();
    vm.call(ctx, &f, Val::Undef, Vec::new())?;
    Err(c.arg(0))
}

fn finally(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let f = c.arg(0);
    let then = vm.get_str(ctx, &c.this, "then")?;
    let this = c.this.clone();
    if !vm.is_callable(&f) {
        return vm.call(ctx, &then, this, vec![f.clone(), f]);
    }
    let ok = vm.native_with(finally_ok, f.clone());
    let err = vm.native_with(finally_err, f);
    vm.call(ctx, &then, this, vec![Val::Obj(ok), Val::Obj(err)])
}

fn resolve(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(Val::Obj(vm.promise_resolve(c.arg(0))))
}

fn reject(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let p = vm.new_promise();
    vm.reject_promise(p, c.arg(0));
    Ok(Val::Obj(p))
}

/// State shared by `Promise.all`'s element functions: [result promise, values, remaining].
fn combinator(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call, mode: u8) -> Res {
    let items = vm.iterate_to_vec(ctx, &c.arg(0))?;
    let result = vm.new_promise();
    let values = vm.new_array(vec![Val::Undef; items.len()]);
    let state = vm.heap.alloc(Obj::new(None, Kind::Array(vec![Val::Obj(result), values.clone(), Val::Num(items.len() as f64)])));
    if items.is_empty() {
        match mode {
            // race: stays pending
            2 => {}
            3 => {
                let e = vm.error(ErrKind::Aggregate, "All promises were rejected");
                if let Val::Obj(eo) = &e {
                    vm.define(*eo, Key::s("errors"), values, super::value::HIDDEN);
                }
                vm.reject_promise(result, e);
            }
            _ => vm.resolve_promise_value(result, values),
        }
        return Ok(Val::Obj(result));
    }
    for (i, item) in items.into_iter().enumerate() {
        let p = vm.promise_resolve(item);
        let elem = vm.heap.alloc(Obj::new(None, Kind::Array(vec![Val::Obj(state), Val::Num(i as f64)])));
        let (ok, err): (Val, Val) = match mode {
            0 => (Val::Obj(vm.native_with(all_elem, Val::Obj(elem))), rejecter(vm, result)),
            1 => (Val::Obj(vm.native_with(settled_ok, Val::Obj(elem))), Val::Obj(vm.native_with(settled_err, Val::Obj(elem)))),
            2 => {
                let (res, rej) = vm.resolving_functions(result);
                (res, rej)
            }
            _ => {
                let (res, _) = vm.resolving_functions(result);
                (res, Val::Obj(vm.native_with(any_err, Val::Obj(elem))))
            }
        };
        vm.perform_then(p, Reaction::Then { on_ok: ok, on_err: err, derived: None });
    }
    Ok(Val::Obj(result))
}

fn rejecter(vm: &mut Vm, result: Oid) -> Val {
    vm.resolving_functions(result).1
}

fn elem_state(vm: &Vm, data: &Val) -> Option<(Oid, Oid, Val, f64, usize)> {
    let Val::Obj(e) = data else { return None };
    let Kind::Array(ev) = &vm.heap.get(*e).kind else { return None };
    let (Some(Val::Obj(st)), Some(Val::Num(i))) = (ev.first(), ev.get(1)) else { return None };
    let Kind::Array(sv) = &vm.heap.get(*st).kind else { return None };
    let (Some(Val::Obj(result)), Some(values), Some(Val::Num(rem))) = (sv.first(), sv.get(1), sv.get(2)) else { return None };
    Some((*st, *result, values.clone(), *rem, *i as usize))
}

fn store_elem(vm: &mut Vm, data: &Val, v: Val, reject_when_done: bool) {
    let Some((st, result, values, rem, i)) = elem_state(vm, data) else { return };
    if let Val::Obj(a) = &values {
        if let Kind::Array(items) = &mut vm.heap.get_mut(*a).kind {
            if let Some(x) = items.get_mut(i) {
                *x = v;
            }
        }
    }
    let rem = rem - 1.0;
    if let Kind::Array(sv) = &mut vm.heap.get_mut(st).kind {
        if let Some(x) = sv.get_mut(2) {
            *x = Val::Num(rem);
        }
    }
    if rem <= 0.0 {
        if reject_when_done {
            let e = vm.error(ErrKind::Aggregate, "All promises were rejected");
            if let Val::Obj(eo) = &e {
                vm.define(*eo, Key::s("errors"), values, super::value::HIDDEN);
            }
            vm.reject_promise(result, e);
        } else {
            vm.resolve_promise_value(result, values);
        }
    }
}

fn all_elem(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let d = c.data.clone();
    store_elem(vm, &d, c.arg(0), false);
    Ok(Val::Undef)
}

fn settled_record(vm: &mut Vm, ok: bool, v: Val) -> Val {
    let o = vm.new_object();
    vm.define(o, Key::s("status"), Val::str(if ok { "fulfilled" } else { "rejected" }), DEFAULT);
    vm.define(o, Key::s(if ok { "value" } else { "reason" }), v, DEFAULT);
    Val::Obj(o)
}

fn settled_ok(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let r = settled_record(vm, true, c.arg(0));
    let d = c.data.clone();
    store_elem(vm, &d, r, false);
    Ok(Val::Undef)
}

fn settled_err(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let r = settled_record(vm, false, c.arg(0));
    let d = c.data.clone();
    store_elem(vm, &d, r, false);
    Ok(Val::Undef)
}

fn any_err(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    let d = c.data.clone();
    store_elem(vm, &d, c.arg(0), true);
    Ok(Val::Undef)
}

fn all(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    combinator(vm, ctx, c, 0)
}
fn all_settled(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    combinator(vm, ctx, c, 1)
}
fn race(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    combinator(vm, ctx, c, 2)
}
fn any(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    combinator(vm, ctx, c, 3)
}

pub fn install(vm: &mut Vm) {
    let proto = vm.realm.promise_proto;
    let ctor = vm.native("Promise", 1, promise_ctor);
    vm.realm.promise_ctor = ctor;
    super::builtins::link_ctor(vm, ctor, proto);
    super::builtins::methods(vm, proto, &[("then", 2, then), ("catch", 1, catch), ("finally", 1, finally)]);
    super::builtins::methods(vm, ctor, &[("resolve", 1, resolve), ("reject", 1, reject), ("all", 1, all), ("allSettled", 1, all_settled), ("race", 1, race), ("any", 1, any)]);
    vm.heap.get_mut(proto).props.insert(Key::Sym(super::object::SYM_TO_STRING_TAG), Slot::V(Val::str("Promise")), CONF);
    super::builtins::global(vm, "Promise", Val::Obj(ctor));
}

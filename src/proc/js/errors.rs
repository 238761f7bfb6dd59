//! How Node reports fatal errors: the `file:line`, source and caret lines, the inspected
//! error, the `Node.js vX` footer; unhandled rejections (throw mode since Node 15, a
//! warning before); syntax errors at load time.

use std::rc::Rc;

use super::code::Script;
use super::frames;
use super::inspect::{inspect, Opts};
use super::lex::line_col;
use super::value::*;
use super::vm::Vm;
use crate::proc::program::Ctx;

/// `file:line`, the source line and the caret line (`^` from `start` to `end`).
pub fn arrow(script: &Script, start: u32, end: u32) -> String {
    let (line, col, text) = line_col(&script.src, start);
    let mut caret = String::new();
    let mut n = 0u32;
    for ch in text.chars() {
        if n + 1 >= col {
            break;
        }
        caret.push(if ch == '\t' { '\t' } else { ' ' });
        n += ch.len_utf16() as u32;
    }
    let width = if end > start {
        let (l2, c2, _) = line_col(&script.src, end);
        if l2 == line {
            (c2 - col).max(1)
        } else {
            (text.encode_utf16().count() as u32 + 1).saturating_sub(col).max(1)
        }
    } else {
        0
    };
    for _ in 0..width {
        caret.push('^');
    }
    format!("{}:{line}\n{text}\n{caret}\n", script.name)
}

pub fn footer(vm: &Vm) -> String {
    if frames::table(vm.host.version.major).footer {
        format!("\nNode.js v{}\n", vm.host.version.version)
    } else {
        String::new()
    }
}

fn is_error_like(vm: &mut Vm, v: &Val) -> bool {
    match v {
        Val::Obj(o) => matches!(vm.heap.get(*o).kind, Kind::Error(_)) || vm.heap.get(*o).props.get(&Key::s("stack")).is_some(),
        _ => false,
    }
}

fn plain_inspect(vm: &mut Vm, ctx: &mut Ctx, v: &Val) -> String {
    inspect(vm, ctx, v, &Opts::default())
}

/// An uncaught exception: prints Node's report on stderr.
pub fn report_uncaught(vm: &mut Vm, ctx: &mut Ctx, e: &Val) {
    let site = vm.throw_site.take();
    let internal = match e {
        Val::Obj(o) => vm.host.internal_arrows.iter().find(|(x, _)| x == o).map(|(_, a)| a.clone()),
        _ => None,
    };
    let arrow_text = internal.or_else(|| site.as_ref().filter(|(s, _)| !s.internal).map(|(s, p)| arrow(s, *p, *p + 1)));
    let mut out = String::new();
    if is_error_like(vm, e) {
        if let Some(a) = &arrow_text {
            out.push_str(a);
            out.push('\n');
        }
        out.push_str(&plain_inspect(vm, ctx, e));
        out.push('\n');
    } else {
        out.push('\n');
        if let Some(a) = &arrow_text {
            out.push_str(a);
        }
        match e {
            Val::Obj(_) => out.push_str(&plain_inspect(vm, ctx, e)),
            Val::Str(s) => out.push_str(s),
            other => out.push_str(&vm.prim_str(other)),
        }
        out.push('\n');
        if !matches!(e, Val::Obj(_)) && vm.host.version.major >= 14 {
            out.push_str("(Use `node --trace-uncaught ...` to show where the exception was thrown)\n");
        }
    }
    out.push_str(&footer(vm));
    vm.throw_site = None;
    ctx.out.err(&out);
}

/// The creation site of an error object (for the caret line of unhandled rejections).
fn error_site(vm: &Vm, v: &Val) -> Option<(Rc<Script>, u32)> {
    match v {
        Val::Obj(o) => match &vm.heap.get(*o).kind {
            Kind::Error(info) => info.site.clone(),
            _ => None,
        },
        _ => None,
    }
}

/// A rejected promise nobody handled.
pub fn unhandled_rejection(vm: &mut Vm, ctx: &mut Ctx, p: Oid, reason: Val) {
    let major = vm.host.version.major;
    if super::process::emit_unhandled(vm, ctx, &reason, p) {
        return;
    }
    if major >= 15 && super::process::emit_uncaught(vm, ctx, &reason, "unhandledRejection") {
        return;
    }
    if major < 15 {
        // Node 12/14: a warning, and the process goes on.
        let pid = vm.host.pid;
        let shown = if is_error_like(vm, &reason) {
            match vm.get_str(ctx, &reason, "stack") {
                Ok(Val::Str(s)) => s.to_string(),
                _ => plain_inspect(vm, ctx, &reason),
            }
        } else {
            match &reason {
                Val::Str(s) => s.to_string(),
                other => plain_inspect(vm, ctx, other),
            }
        };
        vm.host.rejection_id += 1;
        let id = vm.host.rejection_id;
        let mut out = format!("(node:{pid}) UnhandledPromiseRejectionWarning: {shown}\n");
        if id == 1 {
            out.push_str("(Use `node --trace-warnings ...` to show where the warning was created)\n");
        }
        out.push_str(&format!("(node:{pid}) UnhandledPromiseRejectionWarning: Unhandled promise rejection. This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). To terminate the node process on unhandled promise rejection, use the CLI flag `--unhandled-rejections=strict` (see https://nodejs.org/api/cli.html#cli_unhandled_rejections_mode). (rejection id: {id})\n"));
        if id == 1 {
            out.push_str(&format!("(node:{pid}) [DEP0018] DeprecationWarning: Unhandled promise rejections are deprecated. In the future, promise rejections that are not handled will terminate the Node.js process with a non-zero exit code.\n"));
        }
        ctx.out.err(&out);
        return;
    }
    let mut out = String::new();
    if is_error_like(vm, &reason) {
        if let Some((s, p)) = error_site(vm, &reason) {
            if !s.internal {
                out.push_str(&arrow(&s, p, p + 1));
                out.push('\n');
            }
        }
        out.push_str(&plain_inspect(vm, ctx, &reason));
        out.push('\n');
    } else {
        let t = frames::table(major);
        let shown = match &reason {
            Val::Str(s) => s.to_string(),
            Val::Obj(o) => {
                let o = *o;
                format!("#<{}>", vm.constructor_name(o).unwrap_or_else(|| "Object".into()))
            }
            other => vm.prim_str(other),
        };
        let msg = format!("This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason \"{shown}\".");
        out.push_str(t.unhandled);
        out.push_str("\n\n");
        if t.unhandled_frames.is_empty() {
            out.push_str(&format!("[UnhandledPromiseRejection: {msg}] {{\n  code: 'ERR_UNHANDLED_REJECTION'\n}}\n"));
        } else {
            out.push_str(&format!("UnhandledPromiseRejection: {msg}"));
            for f in t.unhandled_frames {
                out.push_str("\n    at ");
                out.push_str(f);
            }
            out.push_str(" {\n  code: 'ERR_UNHANDLED_REJECTION'\n}\n");
        }
    }
    out.push_str(&footer(vm));
    ctx.out.err(&out);
    vm.exit = Some(1);
}


//! `node -e`/`-p`, a script from stdin, and the interactive REPL.

use std::rc::Rc;

use super::code::Script;
use super::compile::{compile_program, wrapper, Unit};
use super::host::{Bottom, Cont, LoopState};
use super::inspect::{inspect, Opts};
use super::parse::{parse_program, Options};
use super::value::*;
use super::vm::{Outcome, Vm};
use crate::proc::program::Ctx;

fn compile_unit(vm: &mut Vm, name: &str, src: &str, unit: Unit) -> Result<Val, Val> {
    let script = Rc::new(Script { name: name.into(), src: src.into(), internal: false });
    let opts = Options { module: false, name_unexpected_identifiers: vm.host.version.major >= 20 };
    let (body, _) = match parse_program(&script.src, opts) {
        Ok(b) => b,
        Err(e) => return Err(super::modules::syntax_error_value(vm, &script, &e.msg, e.start, e.end)),
    };
    let f = wrapper(body, unit, false);
    let code = match compile_program(&f, script.clone(), unit) {
        Ok(c) => c,
        Err(e) => return Err(super::modules::syntax_error_value(vm, &script, &e.msg, e.start, e.end)),
    };
    Ok(Val::Obj(vm.heap.alloc(Obj::new(Some(vm.realm.function_proto), Kind::Func(Box::new(Closure { code, cells: Vec::new(), home: None, fields: None, is_class: false }))))))
}

fn run_top(vm: &mut Vm, ctx: &mut Ctx, f: Val, path: &str, cont: Cont) {
    let req = super::modules::make_require(vm, path);
    let m = vm.new_object();
    let exports = vm.new_object();
    vm.define(m, Key::s("exports"), Val::Obj(exports), DEFAULT);
    let g = vm.realm.global;
    vm.host.bottom = Bottom::Eval;
    vm.host.cont = cont;
    vm.budget_end = vm.steps + super::vm::STEP_BUDGET;
    let dir = vm.host.cwd.clone();
    let r = vm.start_call(ctx, &f, Val::Obj(g), vec![Val::Obj(exports), req, Val::Obj(m), Val::str(path), Val::Str(dir.into())]);
    if let Err(e) = vm.finish_task(ctx, r) {
        vm.uncaught(ctx, e);
    }
}

/// `node -e code` / `node -p code`.
pub fn start_eval(vm: &mut Vm, ctx: &mut Ctx, code: &str, print: bool) {
    match compile_unit(vm, "[eval]", code, Unit::Eval) {
        Ok(f) => run_top(vm, ctx, f, "[eval]", if print { Cont::Print } else { Cont::None }),
        Err(e) => {
            if vm.fatal.is_none() {
                vm.uncaught(ctx, e);
            }
        }
    }
}

/// `node` with a script piped on stdin.
pub fn start_stdin(vm: &mut Vm, ctx: &mut Ctx, src: &str) {
    match compile_unit(vm, "[stdin]", src, Unit::CommonJs) {
        Ok(f) => run_top(vm, ctx, f, "[stdin]", Cont::None),
        Err(e) => {
            if vm.fatal.is_none() {
                vm.uncaught(ctx, e);
            }
        }
    }
}

/// The interactive REPL.
#[derive(Clone, Debug, Default)]
pub struct Repl {
    pending: String,
    count: u32,
    /// An input is being evaluated (its result is printed when its task ends).
    busy: bool,
}

impl Repl {
    pub fn start(vm: &mut Vm, ctx: &mut Ctx) -> Repl {
        vm.host.repl = true;
        ctx.out.out(&format!("Welcome to Node.js v{}.\nType \".help\" for more information.\n> ", vm.host.version.version));
        Repl::default()
    }

    pub fn interrupt(&mut self, vm: &mut Vm, ctx: &mut Ctx) {
        let _ = vm;
        self.pending.clear();
        ctx.out.out("\n(To exit, press Ctrl+C again or Ctrl+D or type .exit)\n> ");
    }

    fn prompt(&self, ctx: &mut Ctx) {
        ctx.out.out(if self.pending.is_empty() { "> " } else { "... " });
    }

    pub fn step(&mut self, vm: &mut Vm, ctx: &mut Ctx) -> LoopState {
        loop {
            let s = vm.run_loop(ctx);
            match s {
                LoopState::Exit(c) => return LoopState::Exit(c),
                LoopState::Until(t) if t <= ctx.now => return s,
                _ => {}
            }
            if self.busy {
                self.busy = false;
                self.prompt(ctx);
            }
            let Some(line) = ctx.read_typed_line() else {
                if ctx.stdin.at_eof() {
                    return LoopState::Exit(vm.host.exit_code);
                }
                return match s {
                    LoopState::Until(t) => LoopState::Input(Some(t)),
                    LoopState::Input(t) => LoopState::Input(t),
                    _ => LoopState::Input(None),
                };
            };
            let trimmed = line.trim();
            if self.pending.is_empty() {
                match trimmed {
                    ".exit" => return LoopState::Exit(vm.host.exit_code),
                    ".help" => {
                        ctx.out.out(".break     Sometimes you get stuck, this gets you out\n.clear     Alias for .break\n.editor    Enter editor mode\n.exit      Exit the REPL\n.help      Print this help message\n.load     Load JS from a file into the REPL session\n.save     Save all evaluated commands in this REPL session to a file\n\nPress Ctrl+C to abort current expression, Ctrl+D to exit the REPL\n");
                        self.prompt(ctx);
                        continue;
                    }
                    ".break" | ".clear" => {
                        self.prompt(ctx);
                        continue;
                    }
                    t if t.starts_with('.') && t.len() > 1 && t[1..].chars().all(|c| c.is_ascii_alphabetic()) => {
                        ctx.out.out(&format!("dockling: node: the REPL command {t} is not simulated\n"));
                        self.prompt(ctx);
                        continue;
                    }
                    "" => {
                        self.prompt(ctx);
                        continue;
                    }
                    _ => {}
                }
            }
            if !self.pending.is_empty() {
                self.pending.push('\n');
            }
            self.pending.push_str(&line);
            let src = self.pending.clone();
            // Incomplete input continues on the next line.
            let opts = Options { module: false, name_unexpected_identifiers: vm.host.version.major >= 20 };
            if let Err(e) = parse_program(&src, opts) {
                if e.msg == "Unexpected end of input" || e.msg == "Unterminated template literal" {
                    self.prompt(ctx);
                    continue;
                }
            }
            self.pending.clear();
            self.count += 1;
            // An object literal at the start is an expression in the REPL.
            let src = if src.trim_start().starts_with('{') && !src.trim_end().ends_with(';') { format!("({src})") } else { src };
            let name = format!("REPL{}", self.count);
            match compile_unit(vm, &name, &src, Unit::Repl) {
                Ok(f) => {
                    self.busy = true;
                    run_top(vm, ctx, f, &name, Cont::ReplResult);
                }
                Err(e) => {
                    print_uncaught(vm, ctx, &e);
                    self.prompt(ctx);
                }
            }
        }
    }
}

/// `Uncaught Error: …` as the REPL prints exceptions.
pub fn print_uncaught(vm: &mut Vm, ctx: &mut Ctx, e: &Val) {
    vm.throw_site = None;
    let opts = Opts { colors: vm.host.tty, ..Opts::default() };
    let shown = match e {
        Val::Obj(o) if matches!(vm.heap.get(*o).kind, Kind::Error(_)) => {
            let header = super::builtins::error_header(vm, ctx, e).unwrap_or_else(|_| "Error".into());
            let frames: Vec<String> = match &vm.heap.get(*o).kind {
                Kind::Error(i) => i.frames.iter().filter(|f| f.contains("REPL") && !f.contains("node:")).cloned().collect(),
                _ => Vec::new(),
            };
            let mut s = header;
            for f in frames {
                s.push_str("\n    at ");
                s.push_str(&f);
            }
            s
        }
        other => inspect(vm, ctx, other, &opts),
    };
    ctx.out.err(&format!("Uncaught {shown}\n"));
}

impl Vm {
    /// Prints a REPL input's result (or its error) when its task ends.
    pub fn repl_result(&mut self, ctx: &mut Ctx, r: &Outcome) {
        match r {
            Outcome::Done(v) => {
                let opts = Opts { colors: self.host.tty, ..Opts::default() };
                let s = inspect(self, ctx, v, &opts);
                ctx.out.out(&format!("{s}\n"));
            }
            Outcome::Threw(e) => {
                if self.fatal.is_none() && self.exit.is_none() {
                    let e = e.clone();
                    print_uncaught(self, ctx, &e);
                }
            }
            Outcome::Yield => {}
        }
    }
}

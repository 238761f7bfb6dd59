//! The machine that runs compiled scripts: pipelines stage by stage through buffers, redirections,
//! here-documents, expansions, `set -e`, and stopping/resuming at waiting commands.

use super::ast::Simple;
use super::compile::{Code, Op};
use super::expand::{expand_single, expand_words, matches};
use super::lex::{Part, Word};
use super::parse::PendingHeredoc;
use super::{builtins, Exec, Flavor, Run, Shell, System};
use crate::api::StdStream;
use crate::clock::{Millis, SimTime};
use crate::proc::{Captured, Chunk};
use crate::vfs::{normalize, NodeKind};

/// Operations a script may run without waiting before it yields to the clock (a busy loop then
/// costs virtual time instead of hanging the simulation).
const SPIN_BUDGET: u32 = 10_000;

/// Where a command's stdout or stderr goes.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Sink {
    Terminal(StdStream),
    Pipe,
    File(String),
    Null,
}

#[derive(Clone, Debug)]
enum Waiting<W> {
    Until(SimTime),
    System(W),
    /// A command substitution of the stage about to run waits (`$(docker build -q .)`).
    Subst(Box<Substs<W>>),
    /// A function the stage called waits.
    Call(Box<Call<W>>),
}

/// A function call that `run_simple` hands back to the machine.
struct Invocation {
    body: super::compile::Code,
    args: Vec<String>,
    /// Its stdin, when that was a pipe, a file or a here-document.
    input: Option<String>,
    /// `NAME=value` words before the name.
    assigns: Vec<(String, String)>,
}

/// Functions calling functions deeper than this say so instead of exhausting the stack (each
/// level is a nested `Vm::run`; 25 levels fit a 1 MB wasm stack with room to spare).
const MAX_CALL_DEPTH: usize = 25;

/// A function running: its body's machine (the caller's parameters are in the shell's frame).
#[derive(Clone, Debug)]
struct Call<W> {
    vm: Vm<W>,
}

/// How far a function call got.
enum CallRun<W> {
    Done(i32),
    Exit(i32),
    Blocked(Box<Call<W>>),
}

/// The command substitutions of a pipeline stage, run one after another; one of them waits.
#[derive(Clone, Debug)]
struct Substs<W> {
    sources: Vec<String>,
    /// The outputs of those done.
    results: Vec<String>,
    /// The one running: its machine, shell and stdout so far.
    vm: Vm<W>,
    inner: Shell,
    out: String,
    /// The stage's stdin and the status before it.
    stdin: String,
    status: i32,
}

/// The program of a `$(…)` (nothing, when it does not parse).
fn compiled(source: &str) -> super::compile::Code {
    match super::parse(source) {
        super::ParseResult::Complete { program, .. } => super::compile(&program),
        _ => super::compile::Code::default(),
    }
}

impl<W: std::fmt::Debug> Substs<W> {
    /// The substitutions `sources` (at least one), about to run in a copy of `sh`.
    fn start(sources: Vec<String>, sh: &Shell, stdin: String, status: i32) -> Box<Substs<W>> {
        let vm = Vm::new(compiled(&sources[0]));
        Box::new(Substs { sources, results: Vec::new(), vm, inner: sh.clone(), out: String::new(), stdin, status })
    }
}

/// How running a stage's substitutions went.
enum SubstRun<W> {
    Done(Vec<String>),
    Blocked(Box<Substs<W>>),
}

#[derive(Clone, Debug)]
struct Blocked<W> {
    pipeline: usize,
    stage: usize,
    checked: bool,
    negate_after: bool,
    waiting: Waiting<W>,
    sinks: [Sink; 2],
    pipe: String,
    /// Run by `exec`: the shell ends with the command's status.
    exec: bool,
}

/// How far `Vm::run` got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VmState {
    /// A command waits; call `run` again after time passes (see `wake_time`).
    Blocked,
    Done,
    /// `exit` (or `set -e`) ended the shell with this status.
    Exit(i32),
}

/// A running script.
#[derive(Clone, Debug)]
pub struct Vm<W> {
    code: Code,
    pc: usize,
    iters: Vec<(Vec<String>, usize)>,
    blocked: Option<Blocked<W>>,
    /// Operations since the last wait.
    spin: u32,
    spin_until: Option<SimTime>,
    /// What the script's commands read when nothing else is their input: a function's stdin
    /// when it was a pipe, a file or a here-document.
    input: Option<String>,
    /// The substitutions of a `for … in` or `case` word that wait; and, once they are done,
    /// their outputs for the operation to use when it runs again.
    op_substs: Option<Box<Substs<W>>>,
    op_ready: Option<Vec<String>>,
}

impl<W: std::fmt::Debug> Vm<W> {
    pub fn new(code: Code) -> Vm<W> {
        Vm {
            code,
            pc: 0,
            iters: Vec::new(),
            blocked: None,
            spin: 0,
            spin_until: None,
            input: None,
            op_substs: None,
            op_ready: None,
        }
    }

    /// When a waiting `sleep` (or a busy loop's time slice) ends, if that is what it waits for.
    pub fn wake_time(&self) -> Option<SimTime> {
        self.wake_time_by(|_| None)
    }

    /// Like `wake_time`, asking `system` about a system-specific wait.
    pub fn wake_time_by(&self, system: impl Fn(&W) -> Option<SimTime>) -> Option<SimTime> {
        if let Some(t) = self.spin_until {
            return Some(t);
        }
        if let Some(s) = &self.op_substs {
            return s.vm.wake_time_by(system);
        }
        match &self.blocked {
            Some(Blocked {
                waiting: Waiting::Until(t),
                ..
            }) => Some(*t),
            Some(Blocked {
                waiting: Waiting::System(w),
                ..
            }) => system(w),
            Some(Blocked {
                waiting: Waiting::Subst(s),
                ..
            }) => s.vm.wake_time_by(system),
            Some(Blocked {
                waiting: Waiting::Call(c),
                ..
            }) => c.vm.wake_time_by(system),
            None => None,
        }
    }

    /// The system-specific wait the machine is stopped at, if any.
    pub fn waiting_mut(&mut self) -> Option<&mut W> {
        if let Some(s) = &mut self.op_substs {
            return s.vm.waiting_mut();
        }
        match &mut self.blocked {
            Some(Blocked {
                waiting: Waiting::System(w),
                ..
            }) => Some(w),
            Some(Blocked {
                waiting: Waiting::Subst(s),
                ..
            }) => s.vm.waiting_mut(),
            Some(Blocked {
                waiting: Waiting::Call(c),
                ..
            }) => c.vm.waiting_mut(),
            _ => None,
        }
    }

    pub fn is_blocked(&self) -> bool {
        self.blocked.is_some() || self.spin_until.is_some() || self.op_substs.is_some()
    }

    /// The outputs of the substitutions in `words` for the operation about to run: already
    /// computed when it runs again after they waited, else run now; `Err` when one waits.
    fn op_substitutions<S: System<Wait = W>>(&mut self, sh: &mut Shell, sys: &mut S, term: &mut Captured, words: &[Word]) -> Result<Vec<String>, Box<Substs<W>>> {
        if let Some(r) = self.op_ready.take() {
            return Ok(r);
        }
        let refs: Vec<&Word> = words.iter().collect();
        let sources = super::expand::subst_sources(&refs);
        if sources.is_empty() {
            return Ok(Vec::new());
        }
        match Self::run_substs(sh, sys, term, Substs::start(sources, sh, String::new(), sh.status)) {
            SubstRun::Done(r) => Ok(r),
            SubstRun::Blocked(state) => Err(state),
        }
    }

    /// Runs a called function's body until it ends or waits; its output goes where the calling
    /// command's redirections say. Its end restores the caller's parameters and `local`s.
    fn run_call<S: System<Wait = W>>(sh: &mut Shell, sys: &mut S, term: &mut Captured, mut call: Box<Call<W>>, sinks: &[Sink; 2], pipe: &mut String) -> CallRun<W> {
        let mut cap = Captured::default();
        let st = call.vm.run(sh, sys, &mut cap);
        route(sys, term, cap, sinks, pipe);
        if st == VmState::Blocked {
            return CallRun::Blocked(call);
        }
        sh.pop_frame();
        match st {
            VmState::Exit(code) => CallRun::Exit(code),
            _ => CallRun::Done(sh.status),
        }
    }

    /// Goes on with a function call the machine was stopped at, then with the script.
    fn resume_call<S: System<Wait = W>>(&mut self, sh: &mut Shell, sys: &mut S, term: &mut Captured, mut b: Blocked<W>, call: Box<Call<W>>) -> VmState {
        match Self::run_call(sh, sys, term, call, &b.sinks, &mut b.pipe) {
            CallRun::Blocked(call) => {
                b.waiting = Waiting::Call(call);
                self.blocked = Some(b);
                VmState::Blocked
            }
            CallRun::Exit(code) => VmState::Exit(code),
            CallRun::Done(status) => {
                self.spin = 0;
                match self.continue_pipeline(sh, sys, term, b.pipeline, b.stage + 1, status, b.pipe, b.checked, b.negate_after, None) {
                    Some(state) => state,
                    None => self.run(sh, sys, term),
                }
            }
        }
    }

    /// Goes on with the command substitutions of the stage the machine was stopped at, then
    /// runs the stage and the rest of the script.
    fn resume_substs<S: System<Wait = W>>(&mut self, sh: &mut Shell, sys: &mut S, term: &mut Captured, mut b: Blocked<W>, state: Box<Substs<W>>) -> VmState {
        let (stdin, status) = (state.stdin.clone(), state.status);
        match Self::run_substs(sh, sys, term, state) {
            SubstRun::Blocked(state) => {
                b.waiting = Waiting::Subst(state);
                self.blocked = Some(b);
                VmState::Blocked
            }
            SubstRun::Done(results) => {
                self.spin = 0;
                match self.continue_pipeline(sh, sys, term, b.pipeline, b.stage, status, stdin, b.checked, b.negate_after, Some(results)) {
                    Some(state) => state,
                    None => self.run(sh, sys, term),
                }
            }
        }
    }

    /// Runs the substitutions `state` has left; the stage's stdout substitutions in order.
    fn run_substs<S: System<Wait = W>>(sh: &mut Shell, sys: &mut S, term: &mut Captured, mut state: Box<Substs<W>>) -> SubstRun<W> {
        loop {
            let mut cap = Captured::default();
            let st = state.vm.run(&mut state.inner, sys, &mut cap);
            term.err(&cap.text(StdStream::Stderr));
            state.out.push_str(&cap.text(StdStream::Stdout));
            if st == VmState::Blocked {
                return SubstRun::Blocked(state);
            }
            sh.status = state.inner.status;
            state.results.push(std::mem::take(&mut state.out));
            let Some(next) = state.sources.get(state.results.len()) else {
                return SubstRun::Done(std::mem::take(&mut state.results));
            };
            state.vm = Vm::new(compiled(next));
            state.inner = sh.clone();
        }
    }

    /// Runs until a command waits or the script ends. Output for the terminal goes to `term`.
    pub fn run<S: System<Wait = W>>(
        &mut self,
        sh: &mut Shell,
        sys: &mut S,
        term: &mut Captured,
    ) -> VmState {
        if let Some(t) = self.spin_until {
            if sys.now() < t {
                return VmState::Blocked;
            }
            self.spin_until = None;
            self.spin = 0;
        }
        if let Some(state) = self.op_substs.take() {
            match Self::run_substs(sh, sys, term, state) {
                SubstRun::Blocked(state) => {
                    self.op_substs = Some(state);
                    return VmState::Blocked;
                }
                SubstRun::Done(results) => {
                    self.spin = 0;
                    self.op_ready = Some(results);
                }
            }
        }
        if let Some(mut b) = self.blocked.take() {
            // A waiting function call or command substitution resumes its own machine.
            match std::mem::replace(&mut b.waiting, Waiting::Until(SimTime(0))) {
                Waiting::Call(call) => return self.resume_call(sh, sys, term, b, call),
                Waiting::Subst(state) => return self.resume_substs(sh, sys, term, b, state),
                other => b.waiting = other,
            }
            let done = match &mut b.waiting {
                Waiting::Until(t) => (*t <= sys.now()).then_some(0),
                Waiting::System(w) => {
                    let mut cap = Captured::default();
                    let r = sys.poll(w, &mut cap);
                    route(sys, term, cap, &b.sinks, &mut b.pipe);
                    r
                }
                Waiting::Subst(_) | Waiting::Call(_) => None,
            };
            let Some(status) = done else {
                self.blocked = Some(b);
                return VmState::Blocked;
            };
            self.spin = 0;
            if b.exec {
                sh.status = status;
                return VmState::Exit(status);
            }
            if let Some(state) = self.continue_pipeline(
                sh,
                sys,
                term,
                b.pipeline,
                b.stage + 1,
                status,
                b.pipe,
                b.checked,
                b.negate_after,
                None,
            ) {
                return state;
            }
        }
        while self.pc < self.code.ops.len() {
            self.spin += 1;
            if self.spin > SPIN_BUDGET {
                self.spin_until = Some(sys.now() + Millis(1000));
                return VmState::Blocked;
            }
            let op = self.code.ops[self.pc].clone();
            self.pc += 1;
            match op {
                Op::Run { pipeline, checked } => {
                    let negate = matches!(self.code.ops.get(self.pc), Some(Op::Negate));
                    let stdin = self.input.clone().unwrap_or_default();
                    if let Some(state) = self.continue_pipeline(
                        sh,
                        sys,
                        term,
                        pipeline,
                        0,
                        0,
                        stdin,
                        checked,
                        negate,
                        None,
                    ) {
                        return state;
                    }
                }
                Op::Jump(t) => self.pc = t,
                Op::JumpIfOk(t) => {
                    if sh.status == 0 {
                        self.pc = t;
                    }
                }
                Op::JumpIfFail(t) => {
                    if sh.status != 0 {
                        self.pc = t;
                    }
                }
                Op::ForStart(words) => {
                    let items = match words {
                        Some(ws) => {
                            let results = match self.op_substitutions(sh, sys, term, &ws) {
                                Ok(r) => r,
                                Err(state) => {
                                    // Run the operation again once the substitution is done.
                                    self.pc -= 1;
                                    self.op_substs = Some(state);
                                    return VmState::Blocked;
                                }
                            };
                            let mut it = results.into_iter();
                            expand_words(sh, sys.fs(), &ws, &mut |_| it.next().unwrap_or_default())
                        }
                        None => sh.args.clone(),
                    };
                    self.iters.push((items, 0));
                }
                Op::ForNext { var, end } => match self.iters.last_mut() {
                    Some((items, i)) if *i < items.len() => {
                        sh.vars.insert(var, items[*i].clone());
                        *i += 1;
                    }
                    _ => self.pc = end,
                },
                Op::PopIter => {
                    self.iters.pop();
                }
                Op::Case { word, arms, end } => {
                    let results = match self.op_substitutions(sh, sys, term, std::slice::from_ref(&word)) {
                        Ok(r) => r,
                        Err(state) => {
                            self.pc -= 1;
                            self.op_substs = Some(state);
                            return VmState::Blocked;
                        }
                    };
                    let mut it = results.into_iter();
                    let value = expand_single(sh, &word, &mut |_| it.next().unwrap_or_default());
                    let chars: Vec<char> = value.chars().collect();
                    let target = arms.iter().find(|(pats, _)| {
                        pats.iter().any(|p| {
                            let (pc, pg) = pattern(sh, p);
                            matches(&pc, &pg, &chars)
                        })
                    });
                    self.pc = target.map(|(_, t)| *t).unwrap_or(end);
                }
                Op::Define { name, body } => {
                    sh.functions.insert(name, *body);
                    sh.status = 0;
                }
                Op::Negate => sh.status = if sh.status == 0 { 1 } else { 0 },
                Op::SetStatus(s) => sh.status = s,
            }
        }
        VmState::Done
    }

    /// Runs stages `from..` of a pipeline; `None` when it finished and the script goes on.
    /// `ready`: the outputs of stage `from`'s substitutions when they have already run.
    #[allow(clippy::too_many_arguments)]
    fn continue_pipeline<S: System<Wait = W>>(
        &mut self,
        sh: &mut Shell,
        sys: &mut S,
        term: &mut Captured,
        pipeline: usize,
        from: usize,
        mut status: i32,
        mut stdin: String,
        checked: bool,
        negate_after: bool,
        mut ready: Option<Vec<String>>,
    ) -> Option<VmState> {
        let n = self.code.pipelines[pipeline].stages.len();
        for stage in from..n {
            let cmd = self.code.pipelines[pipeline].stages[stage].clone();
            let last = stage + 1 == n;
            let mut pipe = String::new();
            // The stage's command substitutions run first; one that waits stops the machine.
            let substs = match ready.take() {
                Some(r) => r,
                None => {
                    let sources = subst_sources(&cmd);
                    if sources.is_empty() {
                        Vec::new()
                    } else {
                        match Self::run_substs(sh, sys, term, Substs::start(sources, sh, stdin.clone(), status)) {
                            SubstRun::Done(r) => r,
                            SubstRun::Blocked(state) => {
                                self.blocked = Some(Blocked {
                                    pipeline,
                                    stage,
                                    checked,
                                    negate_after,
                                    waiting: Waiting::Subst(state),
                                    sinks: [Sink::Null, Sink::Null],
                                    pipe: String::new(),
                                    exec: false,
                                });
                                return Some(VmState::Blocked);
                            }
                        }
                    }
                }
            };
            let mut call = None;
            let piped = stage > 0 || self.input.is_some();
            let (mut result, sinks, exec) =
                run_simple(sh, sys, term, &cmd, last, &stdin, piped, &mut pipe, substs, &mut call);
            if let Some(Invocation { body, args, input, assigns }) = call {
                if sh.frames.len() >= MAX_CALL_DEPTH {
                    term.err(&format!("dockling: functions calling functions more than {MAX_CALL_DEPTH} deep are not simulated\n"));
                    result = Run::Done(1);
                } else {
                    let caller = std::mem::replace(&mut sh.args, args);
                    let mut frame = super::Frame { args: caller, unchecked: !checked || negate_after, ..Default::default() };
                    // `X=1 f`: X is set and exported while f runs (bash, dash and BusyBox alike).
                    for (k, v) in assigns {
                        frame.locals.push((k.clone(), sh.vars.get(&k).cloned()));
                        if !sh.exported.contains(&k) {
                            frame.unexport.push(k.clone());
                            sh.export(&k);
                        }
                        sh.vars.insert(k, v);
                    }
                    sh.frames.push(frame);
                    let mut vm = Vm::new(body);
                    vm.input = input;
                    let call = Box::new(Call { vm });
                    result = match Self::run_call(sh, sys, term, call, &sinks, &mut pipe) {
                        CallRun::Done(code) => Run::Done(code),
                        CallRun::Exit(code) => Run::Exit(code),
                        CallRun::Blocked(call) => {
                            self.blocked = Some(Blocked {
                                pipeline,
                                stage,
                                checked,
                                negate_after,
                                waiting: Waiting::Call(call),
                                sinks,
                                pipe,
                                exec: false,
                            });
                            return Some(VmState::Blocked);
                        }
                    };
                }
            }
            match result {
                Run::Done(code) if exec => {
                    sh.status = code;
                    return Some(VmState::Exit(code));
                }
                Run::Done(code) => status = code,
                Run::Exit(code) => return Some(VmState::Exit(code)),
                Run::Sleep(t) => {
                    self.blocked = Some(Blocked {
                        pipeline,
                        stage,
                        checked,
                        negate_after,
                        waiting: Waiting::Until(t),
                        sinks,
                        pipe,
                        exec,
                    });
                    return Some(VmState::Blocked);
                }
                Run::Wait(w) => {
                    self.blocked = Some(Blocked {
                        pipeline,
                        stage,
                        checked,
                        negate_after,
                        waiting: Waiting::System(w),
                        sinks,
                        pipe,
                        exec,
                    });
                    return Some(VmState::Blocked);
                }
            }
            stdin = pipe;
        }
        sh.status = status;
        if checked && sh.errexit_applies() && status != 0 && !negate_after {
            return Some(VmState::Exit(status));
        }
        None
    }
}

/// A case pattern's characters and which of them are active glob characters.
fn pattern(sh: &Shell, w: &Word) -> (Vec<char>, Vec<bool>) {
    let mut chars = Vec::new();
    let mut glob = Vec::new();
    for p in w {
        let (text, active) = match p {
            Part::Lit(t) => (t.clone(), true),
            Part::Quoted(t) => (t.clone(), false),
            Part::Var { name, .. } => (super::expand::var(sh, name), false),
            Part::Subst { .. } | Part::Arith { .. } => (String::new(), false),
        };
        for c in text.chars() {
            chars.push(c);
            glob.push(active && matches!(c, '*' | '?'));
        }
    }
    (chars, glob)
}

/// The command substitutions of a simple command, in the order `run_simple` expands them.
fn subst_sources(cmd: &Simple) -> Vec<String> {
    let words: Vec<&Word> = cmd.words.iter().chain(cmd.assigns.iter().map(|(_, v)| v)).collect();
    super::expand::subst_sources(&words)
}

/// Expands the here-document body (unless its delimiter was quoted).
fn heredoc_text(sh: &Shell, body: &str, quoted: bool) -> String {
    if quoted {
        return body.to_string();
    }
    let mut out = String::new();
    for line in body.split_inclusive('\n') {
        let (text, nl) = match line.strip_suffix('\n') {
            Some(t) => (t, "\n"),
            None => (line, ""),
        };
        let escaped = format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""));
        match super::lex::lex(&escaped) {
            Ok(toks) => {
                if let Some(super::lex::Token::Word(w)) = toks.first() {
                    out.push_str(&expand_single(sh, w, &mut |_| String::new()));
                }
            }
            Err(_) => out.push_str(text),
        }
        out.push_str(nl);
    }
    out
}

/// Runs one simple command: expansions, redirections, then a function, a builtin or the
/// system's program. A function call is handed back in `call` for the machine to run.
#[allow(clippy::too_many_arguments)]
fn run_simple<S: System>(
    sh: &mut Shell,
    sys: &mut S,
    term: &mut Captured,
    cmd: &Simple,
    last: bool,
    stdin: &str,
    piped: bool,
    pipe: &mut String,
    substs: Vec<String>,
    call: &mut Option<Invocation>,
) -> (Run<S::Wait>, [Sink; 2], bool) {
    // The outputs of the command substitutions, which have run (in `subst_sources` order:
    // the words', then the assignments').
    let mut substs = substs.into_iter();
    let mut sinks = [
        if last {
            Sink::Terminal(StdStream::Stdout)
        } else {
            Sink::Pipe
        },
        Sink::Terminal(StdStream::Stderr),
    ];
    let mut input = stdin.to_string();
    let mut redirected = piped;
    let checked: Vec<&Word> = cmd.words.iter().chain(cmd.assigns.iter().map(|(_, v)| v)).collect();
    if let Some(msg) = super::expand::arith_error(sh, &checked) {
        // An expansion error ends a script; at a prompt it fails the command only.
        term.err(&format!("{msg}\n"));
        let code = if sh.flavor == Flavor::Bash { 1 } else { 2 };
        return (if sh.script { Run::Exit(code) } else { Run::Done(code) }, sinks, false);
    }
    let mut argv = expand_words(sh, sys.fs(), &cmd.words, &mut |_| {
        substs.next().unwrap_or_default()
    });
    // `exec CMD` runs CMD in place of the shell; `command CMD` runs it bypassing functions.
    let mut exec = false;
    let mut bypass = false;
    loop {
        match argv.first().map(String::as_str) {
            Some("exec") if argv.len() > 1 => {
                exec = true;
                argv.remove(0);
            }
            Some("command") if argv.get(1).is_some_and(|a| !a.starts_with('-')) => {
                argv.remove(0);
                bypass = true;
            }
            _ => break,
        }
    }
    let mut assigns = Vec::new();
    for (name, value) in &cmd.assigns {
        assigns.push((
            name.clone(),
            expand_single(sh, value, &mut |_| substs.next().unwrap_or_default()),
        ));
    }
    for r in &cmd.redirs {
        let fd = if r.fd == 2 { 1 } else { 0 };
        if r.op.starts_with("<<") {
            input = heredoc_text(sh, r.body.as_deref().unwrap_or(""), r.quoted);
            redirected = true;
            continue;
        }
        let target = expand_single(sh, &r.target, &mut |_| String::new());
        match r.op {
            ">&" => match target.as_str() {
                "1" => sinks[fd] = sinks[0].clone(),
                "2" => sinks[fd] = sinks[1].clone(),
                _ => {}
            },
            "<" => {
                redirected = true;
                let path = normalize(&sh.cwd, &target);
                match sys.fs().get(&path).map(|n| &n.kind) {
                    Some(NodeKind::File(d)) => input = String::from_utf8_lossy(d).into_owned(),
                    _ if target == "/dev/null" => input.clear(),
                    Some(_) => return with_exec(fail(sh, term, &target, "Is a directory", sinks), exec),
                    None => return with_exec(fail(sh, term, &target, "No such file or directory", sinks), exec),
                }
            }
            _ => {
                match target.as_str() {
                    "/dev/null" => {
                        sinks[fd] = Sink::Null;
                        continue;
                    }
                    "/dev/stdout" => {
                        sinks[fd] = sinks[0].clone();
                        continue;
                    }
                    "/dev/stderr" => {
                        sinks[fd] = sinks[1].clone();
                        continue;
                    }
                    _ => {}
                }
                let path = normalize(&sh.cwd, &target);
                let meta = sys.meta(0o666 & !sh.umask);
                if let Err(e) = sys.fs().write(&path, b"", r.op == ">>", &meta) {
                    return with_exec(fail(sh, term, &target, e.message(), sinks), exec);
                }
                sinks[fd] = Sink::File(path);
            }
        }
    }
    if argv.is_empty() {
        for (k, v) in assigns {
            sh.vars.insert(k, v);
        }
        return (Run::Done(0), sinks, exec);
    }
    // A function runs in this shell, with the arguments as its positional parameters.
    if let Some(body) = sh.functions.get(&argv[0]).filter(|_| !bypass && !exec) {
        *call = Some(Invocation { body: body.clone(), args: argv[1..].to_vec(), input: redirected.then_some(input), assigns });
        return (Run::Done(0), sinks, exec);
    }
    let tty = sinks[0] == Sink::Terminal(StdStream::Stdout);
    let mut cap = Captured::default();
    let result = match builtins::run(sh, sys, &argv, &input, &mut cap) {
        Some(r) => r,
        None => sys.exec(
            sh,
            Exec {
                argv: &argv,
                assigns: &assigns,
                stdin: &input,
                stdin_redirected: redirected,
                tty,
            },
            &mut cap,
        ),
    };
    route(sys, term, cap, &sinks, pipe);
    (result, sinks, exec)
}

fn with_exec<W>(r: (Run<W>, [Sink; 2]), exec: bool) -> (Run<W>, [Sink; 2], bool) {
    (r.0, r.1, exec)
}

fn fail<W>(
    sh: &Shell,
    term: &mut Captured,
    target: &str,
    msg: &str,
    sinks: [Sink; 2],
) -> (Run<W>, [Sink; 2]) {
    let text = match sh.flavor {
        super::Flavor::Bash => format!("{}: {target}: {msg}\n", sh.name),
        super::Flavor::Dash => format!("{}: 1: cannot create {target}: {msg}\n", sh.name),
        super::Flavor::Ash => format!("{}: can't create {target}: {msg}\n", sh.name),
    };
    term.err(&text);
    (
        Run::Done(if sh.flavor == super::Flavor::Bash {
            1
        } else {
            2
        }),
        sinks,
    )
}

/// Sends captured output where the command's redirections say.
fn route<S: System>(
    sys: &mut S,
    term: &mut Captured,
    cap: Captured,
    sinks: &[Sink; 2],
    pipe: &mut String,
) {
    for chunk in cap.chunks {
        let (stream, text, key) = match chunk {
            Chunk::Clear => {
                term.chunks.push(Chunk::Clear);
                continue;
            }
            // Only a terminal shows progress lines in place; a pipe or a file got them as text.
            Chunk::ProgressRemove(s, key) => {
                if let Sink::Terminal(to) = &sinks[if s == StdStream::Stdout { 0 } else { 1 }] {
                    term.chunks.push(Chunk::ProgressRemove(*to, key));
                }
                continue;
            }
            Chunk::Text(s, t) => (s, t, None),
            Chunk::Progress(s, k, l) => (s, l, Some(k)),
        };
        let sink = &sinks[if stream == StdStream::Stdout { 0 } else { 1 }];
        match sink {
            Sink::Terminal(to) => match key {
                Some(key) => term.chunks.push(Chunk::Progress(*to, key, text)),
                None => term.write(*to, &text),
            },
            Sink::Pipe => {
                pipe.push_str(&text);
                if key.is_some() {
                    pipe.push('\n');
                }
            }
            Sink::File(path) => {
                let meta = sys.meta(0o644);
                let mut t = text;
                if key.is_some() {
                    t.push('\n');
                }
                let _ = sys.fs().write(path, t.as_bytes(), true, &meta);
            }
            Sink::Null => {}
        }
    }
}

/// Reads the here-document bodies from the lines after the command; `None` while incomplete.
pub fn heredoc_bodies(lines: &[String], docs: &[PendingHeredoc]) -> Option<Vec<String>> {
    let mut bodies = Vec::new();
    let mut i = 0;
    for doc in docs {
        let mut body = String::new();
        loop {
            let line = lines.get(i)?;
            i += 1;
            let l = if doc.strip_tabs {
                line.trim_start_matches('\t')
            } else {
                line.as_str()
            };
            if l == doc.delimiter {
                break;
            }
            body.push_str(l);
            body.push('\n');
        }
        bodies.push(body);
    }
    Some(bodies)
}

/// Puts here-document bodies into their redirections, in source order.
pub fn attach_bodies(program: &mut super::ast::Node, bodies: Vec<String>) {
    fn walk(n: &mut super::ast::Node, it: &mut std::vec::IntoIter<String>) {
        use super::ast::Node;
        match n {
            Node::Simple(s) => {
                for r in &mut s.redirs {
                    if r.op.starts_with("<<") {
                        r.body = it.next();
                    }
                }
            }
            Node::Pipeline { stages, .. } => stages.iter_mut().for_each(|s| walk(s, it)),
            Node::AndOr { first, rest } => {
                walk(first, it);
                rest.iter_mut().for_each(|(_, s)| walk(s, it));
            }
            Node::List(items) => items.iter_mut().for_each(|s| walk(s, it)),
            Node::If {
                branches,
                otherwise,
            } => {
                for (c, b) in branches {
                    walk(c, it);
                    walk(b, it);
                }
                if let Some(o) = otherwise {
                    walk(o, it);
                }
            }
            Node::While { cond, body, .. } => {
                walk(cond, it);
                walk(body, it);
            }
            Node::For { body, .. } => walk(body, it),
            Node::Case { arms, .. } => arms.iter_mut().for_each(|(_, b)| walk(b, it)),
            Node::Group(b) | Node::Function { body: b, .. } => walk(b, it),
        }
    }
    walk(program, &mut bodies.into_iter());
}

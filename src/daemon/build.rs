//! `POST /build`: BuildKit's Dockerfile frontend and solver as the docker driver runs them in
//! dockerd (and, with `legacy`, the classic builder of moby's `builder/dockerfile`). A build is a
//! state machine on the virtual clock like a container: each step starts when the one before it
//! ends, RUN steps run a process in the step's file tree, and every vertex is reported as
//! BuildKit reports it ([`Event`]). Every step's result is kept in the build cache under a key
//! made of its parent's key and its own inputs; a miss records why, in words.

mod mounts;

pub use mounts::CacheMount;

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use super::Daemon;
use crate::api::Reference;
use crate::build::context::{combined, Context};
use crate::build::copy::{self, CopyError, CopyOptions};
use crate::build::{BuildReport, BuildRequest, Event, Failure, Outcome, StepReport};
use crate::clock::{Millis, SimTime};
use crate::dockerfile::{self, Command, Diagnostic, ShellOrExec};
use crate::proc::machine::{lookup_user, resolve, Machine};
use crate::proc::program::Input;
use crate::proc::{Process, Step};
use crate::registry::{History, ImageConfig, ImageData, Layer};
use crate::vfs::{sha256_digest, short_id, Meta, Tree};

/// `History.Comment` of every step BuildKit's Dockerfile frontend records.
const HISTORY_COMMENT: &str = "buildkit.dockerfile.v0";
const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/// Build reports kept for `dockling why`.
const REPORTS_KEPT: usize = 20;
/// Steps of a RUN process per advance (a loop without sleeps is bounded here).
const RUN_STEPS: u32 = 10_000;

/// What kind of step a cache entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    From,
    Run,
    Copy,
    Workdir,
}

/// The result of one build step, kept in the build cache.
#[derive(Clone, Debug)]
pub struct CacheEntry {
    /// The key of the step it was built on.
    pub parent: String,
    pub kind: StepKind,
    /// The instruction as shown (`RUN npm install`).
    pub text: String,
    /// Files the step read (COPY/ADD), path → checksum.
    pub files: BTreeMap<String, String>,
    /// The environment the step ran with (RUN), or the base image ID (FROM).
    pub env: Vec<String>,
    /// The file system after the step.
    pub tree: Tree,
    /// The layer the step added (none when it changed nothing).
    pub layer: Option<Arc<Layer>>,
    pub created: SimTime,
    pub last_used: SimTime,
    /// The record ID `docker builder prune` and `system df -v` show.
    pub record: String,
    /// What `system df -v` says the record is.
    pub description: String,
    /// Bytes it holds (its layer, or the base image it downloaded).
    pub size: u64,
}

/// What [`Daemon::build_poll`] answers.
#[derive(Clone, Debug, Default)]
pub struct BuildNews {
    pub events: Vec<Event>,
    pub outcome: Option<Outcome>,
    /// How many vertices the build has (the terminal view counts them).
    pub known: u32,
    /// The build checks' warnings (with the outcome).
    pub warnings: Vec<dockerfile::Warning>,
}

/// A build's state, kept by the daemon while it runs.
#[derive(Clone, Debug)]
pub struct Build {
    req: BuildRequest,
    src: String,
    escape: char,
    df: dockerfile::Dockerfile,
    warnings: Vec<dockerfile::Warning>,
    context: Option<Context>,
    context_loaded: bool,
    /// Values of the ARGs before the first FROM (for FROM lines and stages' ARGs).
    meta_args: Vec<(String, Option<String>)>,
    build_args: BTreeMap<String, String>,
    stages: Vec<StageRun>,
    target: usize,
    /// The lane being stepped: its operations, its clock (when its current step started or
    /// its next one starts) and what it waits for. Between steps they are parked in `lanes`.
    ops: VecDeque<Op>,
    t: SimTime,
    wait: Wait,
    /// BuildKit runs stages side by side: lane 0 is the build's own work (definition,
    /// metadata, export), then one lane per stage to build. The legacy builder has one lane.
    lanes: Vec<Lane>,
    events: Vec<Event>,
    next_v: u32,
    known: u32,
    outcome: Option<Outcome>,
    report: BuildReport,
    legacy: Legacy,
    /// The lane that builds each stage (BuildKit), by stage index.
    stage_lanes: Vec<Option<usize>>,
    /// FROM vertices so far: (the image as shown, `ref@digest`; when it ends; whether it was
    /// cached).
    from_seen: Vec<(String, SimTime, bool)>,
    /// When the build context has arrived (steps of every lane that read it wait for it).
    context_ready: Option<SimTime>,
    /// When each cache mount was last given back: a step of another lane that mounts the same
    /// ID waits for it, so their writes do not overwrite each other.
    cache_free: Vec<(String, SimTime)>,
}

/// One line of work that runs side by side with the others.
#[derive(Clone, Debug)]
struct Lane {
    ops: VecDeque<Op>,
    t: SimTime,
    wait: Wait,
    /// When it ran out of work.
    done_at: Option<SimTime>,
}

#[derive(Clone, Debug, Default)]
struct Legacy {
    step: u32,
    total: u32,
}

#[derive(Clone, Debug)]
enum Wait {
    None,
    /// Events that happen at a time (a step's end).
    Until(SimTime, Vec<Event>),
    Run(Box<RunState>),
}

#[derive(Clone, Debug)]
struct RunState {
    v: u32,
    name: String,
    uid: u32,
    stage: usize,
    process: Process,
    wake: SimTime,
    argv: Vec<String>,
    key: String,
    env: Vec<String>,
    text: String,
    before: Tree,
    tree: Tree,
    history: String,
    line: u32,
    reason: String,
    legacy_container: String,
    locations: Vec<dockerfile::LineRange>,
    /// Files bind mounts show (for the cache's reasons).
    files: BTreeMap<String, String>,
    /// `RUN --mount`s in place on `tree` while it runs.
    mounts: Vec<mounts::Mounted>,
    /// Not `RUN --network=none`.
    online: bool,
}

#[derive(Clone, Debug)]
enum Base {
    Scratch,
    Stage(usize),
    /// An image not resolved yet (its full reference).
    Pending(String),
    /// A local image (by ID) or one from a registry (manifest digest), with its reference.
    Image { reference: String, image: Arc<ImageData>, digest: Option<String>, local: bool },
}

#[derive(Clone, Debug)]
struct StageRun {
    needed: bool,
    /// `builder`, `stage-1`, or empty for a one-stage Dockerfile.
    name: String,
    base: Base,
    total: u32,
    index: u32,
    tree: Tree,
    config: ImageConfig,
    author: String,
    history: Vec<History>,
    layers: Vec<Arc<Layer>>,
    key: String,
    args: Vec<(String, Option<String>)>,
    cmd_set: bool,
    /// The first step of this stage that did not come from the cache.
    rebuilt: Option<String>,
    onbuild: Vec<Command>,
    /// Legacy builder: the image the stage is at.
    image_id: String,
}

#[derive(Clone, Debug)]
enum Op {
    Definition,
    /// Resolving the base images.
    Metadata,
    Ignore,
    From(usize),
    Context,
    Cmd { stage: usize, index: usize, onbuild: bool },
    Export,
    /// BuildKit: the stages start, each in a lane of its own.
    Fork,
    /// The build's outcome, once the last step's events are out.
    Finish(Outcome),
    /// Legacy builder: an ARG before the first FROM.
    MetaArg(usize),
}

fn key_of(parts: &[&str]) -> String {
    sha256_digest(parts.join("\n").as_bytes())
}

fn root_meta(now: SimTime) -> Meta {
    Meta { mode: 0o755, uid: 0, gid: 0, mtime: now }
}

/// Go's `%q` of a string slice: `["a" "b"]`.
fn go_q(v: &[String]) -> String {
    let items: Vec<String> = v.iter().map(|s| crate::text::go_quote(s)).collect();
    format!("[{}]", items.join(" "))
}

fn go_duration(ms: u64) -> String {
    if ms == 0 {
        return "0s".into();
    }
    let (h, m, s, rest) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if h > 0 || m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if rest == 0 {
        out.push_str(&format!("{s}s"));
    } else {
        let frac = format!("{rest:03}");
        out.push_str(&format!("{s}.{}s", frac.trim_end_matches('0')));
    }
    out
}

fn set_env(env: &mut Vec<String>, k: &str, v: &str) {
    match env.iter_mut().find(|e| e.split('=').next() == Some(k)) {
        Some(e) => *e = format!("{k}={v}"),
        None => env.push(format!("{k}={v}")),
    }
}

fn env_get(env: &[String], k: &str) -> Option<String> {
    env.iter().find_map(|e| e.strip_prefix(k).and_then(|r| r.strip_prefix('=')).map(str::to_string))
}

/// `nat.ParsePortSpecs` for EXPOSE: `80` → `80/tcp`, ranges expanded.
fn port_specs(ports: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for p in ports {
        let (num, proto) = p.split_once('/').unwrap_or((p, "tcp"));
        let proto = proto.to_ascii_lowercase();
        let (a, b) = num.split_once('-').unwrap_or((num, num));
        let (Ok(a), Ok(b)) = (a.parse::<u16>(), b.parse::<u16>()) else {
            return Err(format!("invalid containerPort: {num}"));
        };
        if b < a {
            return Err(format!("invalid containerPort: {num}"));
        }
        for n in a..=b {
            out.push(format!("{n}/{proto}"));
        }
    }
    crate::text::sort(&mut out);
    out.dedup();
    Ok(out)
}

/// The words of a miss, for `dockling why`.
fn files_changed(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    let show = |p: &str| p.trim_start_matches('/').to_string();
    for (p, d) in new {
        match old.get(p) {
            Some(o) if o == d => {}
            Some(_) => out.push(format!("{} changed", show(p))),
            None => out.push(format!("{} is new", show(p))),
        }
    }
    for p in old.keys() {
        if !new.contains_key(p) {
            out.push(format!("{} was removed", show(p)));
        }
    }
    out.retain(|s| !s.starts_with(" ") && !s.is_empty());
    out
}

impl Build {
    fn vertex(&mut self, name: String) -> u32 {
        let v = self.next_v;
        self.next_v += 1;
        self.known = self.known.max(v);
        self.events.push(Event::Start { v, name, at: self.t });
        v
    }

    fn later(&mut self, ms: u64, events: Vec<Event>) {
        let at = self.t + Millis(ms);
        let events = events
            .into_iter()
            .map(|e| match e {
                Event::End { v, cached, error, .. } => Event::End { v, at, cached, error },
                other => other,
            })
            .collect();
        self.wait = Wait::Until(at, events);
    }

    fn end(v: u32, cached: bool) -> Event {
        Event::End { v, at: SimTime(0), cached, error: None }
    }

    fn status(&self, v: u32, id: String, current: u64, from_ms: u64, to_ms: u64) -> Event {
        Event::Status { v, id, current, total: 0, started: self.t + Millis(from_ms), done: Some(self.t + Millis(to_ms)) }
    }

    fn fail(&mut self, v: Option<u32>, message: String, locations: &[dockerfile::LineRange]) {
        self.fail_as(v, message.clone(), message, locations);
    }

    /// Fails with `vertex_message` on the vertex and `message` as the build's error.
    fn fail_as(&mut self, v: Option<u32>, vertex_message: String, message: String, locations: &[dockerfile::LineRange]) {
        if let Some(v) = v {
            self.events.push(Event::End { v, at: self.t, cached: false, error: Some(vertex_message) });
        }
        let name = self.req.dockerfile_name.clone();
        let excerpt: String = locations.iter().map(|l| dockerfile::error_excerpt(&name, &self.src, l)).collect();
        if self.req.legacy {
            self.outcome = Some(Outcome::Failed(Failure { message, excerpt: String::new(), vertex: None, status: 1, bare: true }));
        } else {
            self.outcome = Some(Outcome::Failed(Failure { message, excerpt, vertex: v, status: 1, bare: false }));
        }
    }

    fn fail_diag(&mut self, v: Option<u32>, d: &Diagnostic) {
        let locs = d.locations.clone();
        self.fail(v, d.message.clone(), &locs);
    }

    /// The value a name has for expansions in stage `i`: its ARGs, then its environment.
    fn lookup(&self, i: usize, name: &str) -> Option<String> {
        let st = &self.stages[i];
        if let Some((_, v)) = st.args.iter().rev().find(|(k, _)| k == name) {
            return v.clone();
        }
        env_get(&st.config.env, name)
    }

    fn prefix(&mut self, i: usize, onbuild: bool, text: &str) -> String {
        let st = &mut self.stages[i];
        st.index += 1;
        let width = st.total.to_string().len();
        let mut out = String::from("[");
        if !st.name.is_empty() {
            out.push_str(&st.name);
            out.push(' ');
        }
        out.push_str(&format!("{:>width$}/{}] ", st.index, st.total));
        if onbuild {
            out.push_str("ONBUILD ");
        }
        out.push_str(text);
        out
    }

    /// `--no-cache`, or `--no-cache-filter` naming stage `i`.
    fn no_cache(&self, i: usize) -> bool {
        self.req.no_cache || self.df.stages.get(i).and_then(|s| s.name.as_deref()).is_some_and(|n| self.req.no_cache_filter.iter().any(|f| f.eq_ignore_ascii_case(n)))
    }

    /// Stops every lane: the vertices still running end as canceled. The first of them.
    /// The RUN steps stopped are handed back (their mounts are still in place).
    fn cancel_lanes(&mut self, t: SimTime) -> (Option<u32>, Vec<RunState>) {
        let mut first = None;
        let mut runs = Vec::new();
        for l in &mut self.lanes {
            let mut running = Vec::new();
            match std::mem::replace(&mut l.wait, Wait::None) {
                Wait::Run(r) => {
                    running.push(r.v);
                    runs.push(*r);
                }
                Wait::Until(_, evs) => running.extend(evs.iter().filter_map(|e| match e {
                    Event::End { v, .. } => Some(*v),
                    _ => None,
                })),
                Wait::None => {}
            }
            l.ops.clear();
            for v in running {
                first.get_or_insert(v);
                if !self.req.legacy {
                    self.events.push(Event::End { v, at: t, cached: false, error: Some("context canceled".into()) });
                }
            }
        }
        (first, runs)
    }

    fn legacy_step(&mut self, text: &str) {
        self.legacy.step += 1;
        let s = format!("Step {}/{} : {text}\n", self.legacy.step, self.legacy.total);
        self.events.push(Event::Stream(s));
    }

    fn stream(&mut self, s: String) {
        self.events.push(Event::Stream(s));
    }

    /// When the build next needs to run.
    pub fn wake(&self) -> Option<SimTime> {
        if self.outcome.is_some() {
            return None;
        }
        (0..self.lanes.len()).filter_map(|k| self.ready(k)).min()
    }

    /// Swaps lane `k` with the current one (entering it, or parking it again).
    fn swap_lane(&mut self, k: usize) {
        let l = &mut self.lanes[k];
        std::mem::swap(&mut self.ops, &mut l.ops);
        std::mem::swap(&mut self.t, &mut l.t);
        std::mem::swap(&mut self.wait, &mut l.wait);
    }

    fn finished(&self, k: usize) -> bool {
        let l = &self.lanes[k];
        matches!(l.wait, Wait::None) && l.ops.is_empty()
    }

    /// The lanes that must have finished before `op` runs.
    fn depends_on(&self, op: &Op) -> Vec<usize> {
        match op {
            Op::Export => (1..self.lanes.len()).collect(),
            Op::From(i) => match self.stages.get(*i).map(|s| &s.base) {
                Some(Base::Stage(j)) => self.stage_lanes.get(*j).copied().flatten().into_iter().collect(),
                _ => Vec::new(),
            },
            Op::Cmd { stage, index, onbuild } => {
                let cmd = if *onbuild { self.stages[*stage].onbuild.get(*index) } else { self.df.stages[*stage].commands.get(*index) };
                let froms: Vec<String> = match cmd {
                    Some(Command::Copy(c)) => c.from.iter().cloned().collect(),
                    Some(Command::Run(r)) => r.mounts.iter().filter_map(|m| m.from.clone()).collect(),
                    _ => Vec::new(),
                };
                froms.iter().filter_map(|f| stage_ref(&self.df, f, *stage)).filter_map(|j| self.stage_lanes.get(j).copied().flatten()).collect()
            }
            _ => Vec::new(),
        }
    }

    /// When parked lane `k` can next run: `None` when it has finished or waits for another.
    fn ready(&self, k: usize) -> Option<SimTime> {
        let l = &self.lanes[k];
        match &l.wait {
            Wait::Until(t, _) => Some(*t),
            Wait::Run(r) => Some(r.wake),
            Wait::None => {
                let op = l.ops.front()?;
                let mut t = l.t;
                for d in self.depends_on(op) {
                    if d == k {
                        continue;
                    }
                    t = t.max(self.lanes[d].done_at.filter(|_| self.finished(d))?);
                }
                if let Op::Cmd { stage, index, onbuild } = op {
                    let cmd = if *onbuild { self.stages[*stage].onbuild.get(*index) } else { self.df.stages[*stage].commands.get(*index) };
                    if let Some(cmd) = cmd {
                        // The context another lane asked for arrives for everyone at once.
                        if !self.req.legacy && self.context_loaded && reads_context(cmd) {
                            t = t.max(self.context_ready?);
                        }
                        if let Command::Run(r) = cmd {
                            for id in r.mounts.iter().filter(|m| m.kind == "cache").map(mounts::cache_id) {
                                let busy = self.lanes.iter().enumerate().any(|(j, o)| j != k && matches!(&o.wait, Wait::Run(rs) if rs.mounts.iter().any(|m| m.cache_id() == Some(id.as_str()))));
                                if busy {
                                    return None;
                                }
                                if let Some((_, free)) = self.cache_free.iter().find(|(x, _)| *x == id) {
                                    t = t.max(*free);
                                }
                            }
                        }
                    }
                }
                Some(t)
            }
        }
    }
}

impl Daemon {
    /// `POST /build`: starts a build; its handle for [`Daemon::build_poll`].
    pub fn build_start(&mut self, req: BuildRequest, now: SimTime) -> u64 {
        let src = req.dockerfile.clone();
        let mut b = Build {
            escape: '\\',
            df: dockerfile::Dockerfile::default(),
            warnings: Vec::new(),
            context: req.context.clone().map(|t| Context::new(t, None)),
            context_loaded: false,
            meta_args: Vec::new(),
            build_args: BTreeMap::new(),
            stages: Vec::new(),
            target: 0,
            ops: VecDeque::new(),
            t: now,
            wait: Wait::None,
            lanes: Vec::new(),
            stage_lanes: Vec::new(),
            from_seen: Vec::new(),
            context_ready: None,
            cache_free: Vec::new(),
            events: Vec::new(),
            next_v: 1,
            known: 0,
            outcome: None,
            report: BuildReport { started: now, legacy: req.legacy, ..BuildReport::default() },
            legacy: Legacy::default(),
            src,
            req,
        };
        for (k, v) in &b.req.build_args {
            if let Some(v) = v {
                b.build_args.insert(k.clone(), v.clone());
            }
        }
        if b.req.legacy {
            self.plan_legacy(&mut b);
        } else {
            b.ops.push_back(Op::Definition);
        }
        let ops = std::mem::take(&mut b.ops);
        b.lanes.push(Lane { ops, t: now, wait: Wait::None, done_at: None });
        let id = self.next_build;
        self.next_build += 1;
        self.builds.insert(id, b);
        self.step_build(id, now);
        id
    }

    /// What a build reported since the last poll, and its outcome once it has one (the build is
    /// then forgotten).
    pub fn build_poll(&mut self, handle: u64) -> BuildNews {
        let Some(b) = self.builds.get_mut(&handle) else {
            return BuildNews::default();
        };
        let events = std::mem::take(&mut b.events);
        let known = b.known;
        let outcome = b.outcome.clone();
        let warnings = if outcome.is_some() { b.warnings.clone() } else { Vec::new() };
        if outcome.is_some() {
            if let Some(b) = self.builds.remove(&handle) {
                self.build_reports.push(b.report);
                if self.build_reports.len() > REPORTS_KEPT {
                    self.build_reports.remove(0);
                }
            }
        }
        BuildNews { events, outcome, known, warnings }
    }

    /// Ctrl+C: the build stops; the running step is canceled.
    pub fn build_cancel(&mut self, handle: u64, now: SimTime) {
        let Some(b) = self.builds.get_mut(&handle) else { return };
        if b.outcome.is_some() {
            return;
        }
        let t = b.lanes.iter().map(|l| l.t).fold(now, SimTime::max);
        let (running, runs) = b.cancel_lanes(t);
        // What canceled steps wrote to their cache mounts stays there, as in BuildKit.
        for mut r in runs {
            let mounted = std::mem::take(&mut r.mounts);
            self.unmount_all(mounted, &mut r.tree, t);
        }
        let Some(b) = self.builds.get_mut(&handle) else { return };
        let message = if b.req.legacy { String::new() } else { "Canceled: context canceled".into() };
        b.outcome = Some(Outcome::Failed(Failure { message, excerpt: String::new(), vertex: running, status: if b.req.legacy { 130 } else { 1 }, bare: b.req.legacy }));
    }

    /// The last builds' step reports (newest last), for `dockling why` and the web app.
    pub fn build_reports(&self) -> &[BuildReport] {
        &self.build_reports
    }

    /// When the next build wants to run.
    pub(super) fn builds_wakeup(&self) -> Option<SimTime> {
        self.builds.values().filter_map(Build::wake).min()
    }

    /// Runs every build that is due at `now`.
    pub(super) fn builds_due(&mut self, now: SimTime) {
        let due: Vec<u64> = self.builds.iter().filter(|(_, b)| b.wake().is_some_and(|w| w <= now)).map(|(k, _)| *k).collect();
        for id in due {
            self.step_build(id, now);
        }
    }

    fn step_build(&mut self, id: u64, now: SimTime) {
        let Some(mut b) = self.builds.remove(&id) else { return };
        for _ in 0..10_000 {
            if b.outcome.is_some() {
                break;
            }
            // The lane that can run earliest (the first of them on a tie) takes one step.
            let mut best: Option<(SimTime, usize)> = None;
            for k in 0..b.lanes.len() {
                if let Some(t) = b.ready(k) {
                    if t <= now && best.is_none_or(|(bt, _)| t < bt) {
                        best = Some((t, k));
                    }
                }
            }
            let Some((at, k)) = best else { break };
            b.swap_lane(k);
            match std::mem::replace(&mut b.wait, Wait::None) {
                Wait::Until(t, evs) => {
                    b.t = t;
                    b.events.extend(evs);
                }
                Wait::Run(mut r) => {
                    let mut evs = Vec::new();
                    let done = self.step_run(&mut r, &mut evs);
                    b.events.extend(evs);
                    match done {
                        None => b.wait = Wait::Run(r),
                        Some(code) => self.run_finished(&mut b, *r, code, now),
                    }
                }
                Wait::None => {
                    b.t = b.t.max(at);
                    if let Some(op) = b.ops.pop_front() {
                        if b.req.legacy {
                            self.legacy_op(&mut b, op, now);
                        } else {
                            self.op(&mut b, op, now);
                        }
                    }
                }
            }
            b.swap_lane(k);
            if b.finished(k) && b.lanes[k].done_at.is_none() {
                b.lanes[k].done_at = Some(b.lanes[k].t);
            }
            if matches!(b.outcome, Some(Outcome::Failed(_))) {
                // A failed step cancels what runs beside it.
                let t = b.lanes[k].t;
                let (_, runs) = b.cancel_lanes(t);
                for mut r in runs {
                    let mounted = std::mem::take(&mut r.mounts);
                    self.unmount_all(mounted, &mut r.tree, t);
                }
            }
        }
        self.builds.insert(id, b);
    }

    /// Steps a RUN's process until it waits past its wake time; its exit code once it ends.
    /// Its output becomes the step's log (BuildKit) or the build's output (legacy).
    fn step_run(&mut self, r: &mut RunState, events: &mut Vec<Event>) -> Option<i32> {
        let hostname = if r.legacy_container.is_empty() { "buildkitsandbox".to_string() } else { r.legacy_container.clone() };
        let procs = vec![(1, r.argv.join(" "))];
        let hosts = vec![("localhost".to_string(), "127.0.0.1".to_string()), (hostname.clone(), "127.0.0.1".to_string())];
        let seed = u64::from_str_radix(r.key.get(7..23).unwrap_or("7"), 16).unwrap_or(7);
        for _ in 0..RUN_STEPS {
            let mut out = Vec::new();
            let at = r.wake;
            let mut m = Machine {
                fs: &mut r.tree,
                now: at,
                hostname: &hostname,
                uid: r.uid,
                procs: &procs,
                tty: false,
                signals: Vec::new(),
                stdin: Input { buf: String::new(), closed: true },
                ip: "",
                seed,
                hosts: &hosts,
                requests: Vec::new(),
                direct: false,
                online: r.online,
            };
            let step = r.process.step(&mut m, &mut out);
            let requests = std::mem::take(&mut m.requests);
            for (_, text) in out {
                if text.is_empty() {
                    continue;
                }
                if r.legacy_container.is_empty() {
                    events.push(Event::Log { v: r.v, at, text });
                } else {
                    events.push(Event::Stream(text));
                }
            }
            for q in requests {
                let reply = match self.container_with_ip(&q.ip) {
                    Some(id) => self.http_to(&id, q.port, &q.request, false, at),
                    None => crate::proc::machine::NetReply::Refused,
                };
                r.process.net_reply(q.token, reply);
            }
            match step {
                Step::Exited(code) => return Some(code),
                Step::Until(t) if t > at => {
                    r.wake = t;
                    return None;
                }
                Step::Until(_) => {}
                Step::Stdin => r.process.close_stdin(),
            }
        }
        // A loop that never waits: the clock ticks so the build keeps moving.
        r.wake = r.wake + Millis(1);
        None
    }

    /// Parses the Dockerfile, runs the build checks and works out the stages to build.
    fn plan(&self, b: &mut Build) -> Result<(), Diagnostic> {
        if b.src.is_empty() {
            return Err(Diagnostic { message: "the Dockerfile cannot be empty".into(), ..Diagnostic::default() });
        }
        let parsed = dockerfile::parse(&b.src);
        b.escape = parsed.ast.escape;
        let (df, diags) = dockerfile::instructions_with(&parsed, dockerfile::Frontend::Builtin);
        if let Some(d) = diags.first() {
            return Err(d.clone());
        }
        let build_args: Vec<(String, String)> = b.build_args.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        let target_name = b.req.target.clone();
        let lint = dockerfile::lint(
            &parsed,
            &df,
            &dockerfile::LintOptions { build_args: &build_args, target: target_name.as_deref(), ..dockerfile::LintOptions::default() },
        );
        b.warnings = lint.warnings;
        if let Some(e) = lint.error {
            return Err(e);
        }
        b.df = df;
        // ARGs before FROM: a --build-arg wins over the default.
        for a in &b.df.meta_args {
            for d in &a.args {
                let v = match b.build_args.get(&d.name) {
                    Some(v) => Some(v.clone()),
                    None => match &d.default {
                        Some(def) => {
                            let env = |n: &str| b.meta_args.iter().rev().find(|(k, _)| k == n).and_then(|(_, v)| v.clone());
                            Some(dockerfile::process_word(def, b.escape, &env).map_err(|e| a.meta.diagnostic(e))?)
                        }
                        None => None,
                    },
                };
                b.meta_args.push((d.name.clone(), v));
            }
        }
        let n = b.df.stages.len();
        b.target = match &b.req.target {
            Some(t) => b.df.stages.iter().position(|s| s.name.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(t))).ok_or_else(|| {
                Diagnostic { message: format!("target stage \"{t}\" could not be found"), ..Diagnostic::default() }
            })?,
            None => n - 1,
        };
        let meta = b.meta_args.clone();
        let env = |name: &str| meta.iter().rev().find(|(k, _)| k == name).and_then(|(_, v)| v.clone());
        // BuildKit counts what RUN mounts and `COPY --from` images read as stages of their own
        // (a mount without `from` reads `scratch`): then even one stage is named `stage-0`.
        let extra_sources = b.df.stages.iter().flat_map(|s| s.commands.iter()).any(|c| match c {
            Command::Run(r) => !r.mount_specs.is_empty(),
            Command::Copy(cp) => cp.from.as_deref().is_some_and(|f| f.parse::<usize>().is_err() && !b.df.stages.iter().any(|s| s.name.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(f)))),
            _ => false,
        });
        let mut stages = Vec::new();
        for (i, st) in b.df.stages.iter().enumerate() {
            let name = dockerfile::process_word(&st.base, b.escape, &env).map_err(|e| st.meta.diagnostic(e))?;
            if name.is_empty() {
                return Err(st.meta.diagnostic(format!("base name ({}) should not be blank", st.base)));
            }
            let base = if name.eq_ignore_ascii_case("scratch") {
                Base::Scratch
            } else if let Some(j) = b.df.stages[..i].iter().position(|s| s.name.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(&name))) {
                Base::Stage(j)
            } else {
                let r = Reference::parse(&name).map_err(|e| st.meta.diagnostic(format!("failed to parse stage name \"{name}\": {e}")))?;
                Base::Pending(r.with_default_tag().full())
            };
            let display = if n == 1 && !extra_sources {
                String::new()
            } else {
                st.name.clone().unwrap_or_else(|| format!("stage-{i}"))
            };
            stages.push(StageRun {
                needed: b.req.legacy && i <= b.target,
                name: display,
                base,
                total: 0,
                index: 0,
                tree: Tree::new(root_meta(b.t)),
                config: ImageConfig::default(),
                author: String::new(),
                history: Vec::new(),
                layers: Vec::new(),
                key: String::new(),
                args: Vec::new(),
                cmd_set: false,
                rebuilt: None,
                onbuild: Vec::new(),
                image_id: String::new(),
            });
        }
        b.stages = stages;
        if !b.req.legacy {
            // BuildKit builds the stages the target needs.
            let mut todo = vec![b.target];
            while let Some(i) = todo.pop() {
                if b.stages[i].needed {
                    continue;
                }
                b.stages[i].needed = true;
                if let Base::Stage(j) = b.stages[i].base {
                    todo.push(j);
                }
                for c in &b.df.stages[i].commands {
                    let froms = match c {
                        Command::Copy(cp) => cp.from.iter().cloned().collect(),
                        Command::Run(r) => r.mounts.iter().filter_map(|m| m.from.clone()).collect(),
                        _ => Vec::new(),
                    };
                    for f in froms {
                        if let Some(j) = stage_ref(&b.df, &f, i) {
                            todo.push(j);
                        }
                    }
                }
            }
        }
        // Mounts from a stage defined later fail when BuildKit converts the Dockerfile.
        for (i, st) in b.df.stages.iter().enumerate() {
            if !b.stages[i].needed {
                continue;
            }
            for c in &st.commands {
                let Command::Run(r) = c else { continue };
                for m in &r.mounts {
                    let Some(f) = &m.from else { continue };
                    if b.df.stages[i..].iter().any(|s| s.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(f))) {
                        let target = m.target.clone().unwrap_or_default();
                        let msg = format!("cannot mount from stage {} to {}, stage needs to be defined before current command", crate::text::go_quote(f), crate::text::go_quote(&target));
                        return Err(r.meta.diagnostic(msg));
                    }
                }
            }
        }
        Ok(())
    }

    /// Resolves a base image: a local one unless `--pull`, else the registry's.
    fn resolve_base(&self, reference: &str, pull: bool) -> Result<Base, String> {
        if !pull {
            if let Ok((id, _)) = self.find_image(reference) {
                if let Some(img) = self.images.get(&id) {
                    return Ok(Base::Image { reference: reference.to_string(), image: img.data.clone(), digest: None, local: true });
                }
            }
        }
        let r = Reference::parse(reference).map_err(|e| e.to_string())?;
        let short = r.familiar();
        let denied = format!("{short}: failed to resolve source metadata for {reference}: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed");
        if self.endpoint(&r.domain).is_err() {
            return Err(format!("{short}: failed to resolve source metadata for {reference}: failed to do request: Head \"https://{}/v2/{}/manifests/{}\": dial tcp: lookup {}: no such host", r.domain, r.path, r.tag.clone().unwrap_or_default(), r.domain));
        }
        if self.hub.repository(&r.full_name()).is_none() {
            return Err(denied);
        }
        match self.hub.resolve(&r.full_name(), r.tag.as_deref(), r.digest.as_deref()) {
            Some(m) => Ok(Base::Image { reference: reference.to_string(), image: m.image.clone(), digest: Some(m.digest.clone()), local: false }),
            None => Err(format!("{short}: failed to resolve source metadata for {reference}: {reference}: not found")),
        }
    }

    fn op(&mut self, b: &mut Build, op: Op, now: SimTime) {
        match op {
            Op::Definition => {
                let v = b.vertex(format!("[internal] load build definition from {}", b.req.dockerfile_name));
                let size = if b.req.missing_dockerfile { 2 } else { (b.src.len() as u64).max(2) };
                let st = b.status(v, "transferring dockerfile:".into(), size, 0, 10);
                b.events.push(st);
                let planned = if b.req.missing_dockerfile {
                    let m = format!("failed to read dockerfile: open {}: no such file or directory", b.req.dockerfile_name);
                    Err(Diagnostic { message: m, ..Diagnostic::default() })
                } else {
                    self.plan(b)
                };
                for w in b.warnings.clone() {
                    b.events.push(Event::Warn { v, text: w.short() });
                }
                b.t = b.t + Millis(20);
                b.events.push(Event::End { v, at: b.t, cached: false, error: None });
                if let Err(d) = planned {
                    b.fail_diag(None, &d);
                    return;
                }
                let mut seen: Vec<String> = Vec::new();
                let mut ops = Vec::new();
                for st in b.stages.iter().filter(|s| s.needed) {
                    if let Base::Pending(r) = &st.base {
                        if !seen.contains(r) {
                            seen.push(r.clone());
                        }
                    }
                }
                if !seen.is_empty() {
                    ops.push(Op::Metadata);
                }
                ops.push(Op::Ignore);
                ops.push(Op::Fork);
                ops.push(Op::Export);
                b.ops = ops.into();
                b.known = b.known.max(1 + seen.len() as u32 + 2);
            }
            Op::Metadata => {
                // BuildKit resolves every base image at once: one vertex per image, however
                // many stages use it, all started together.
                let mut ends = Vec::new();
                let mut longest = 0;
                let mut started: Vec<(String, u32)> = Vec::new();
                let mut answered: Vec<u32> = Vec::new();
                let mut failure = None;
                for i in 0..b.stages.len() {
                    let Base::Pending(r) = b.stages[i].base.clone() else { continue };
                    if !b.stages[i].needed {
                        continue;
                    }
                    let resolved = self.resolve_base(&r, b.req.pull);
                    if !started.iter().any(|(x, _)| *x == r) {
                        let v = b.vertex(format!("[internal] load metadata for {r}"));
                        started.push((r.clone(), v));
                        match &resolved {
                            // A local image answers at once; a registry takes a moment.
                            Ok(Base::Image { local: true, .. }) => {
                                b.events.push(Event::End { v, at: b.t, cached: false, error: None });
                                answered.push(v);
                            }
                            Ok(_) => {
                                longest = 500;
                                ends.push(Event::End { v, at: b.t + Millis(500), cached: false, error: None });
                            }
                            Err(e) if failure.is_none() => failure = Some((v, e.clone(), i)),
                            Err(_) => {}
                        }
                    }
                    if let Ok(base) = resolved {
                        b.stages[i].base = base;
                    }
                }
                if let Some((v, e, i)) = failure {
                    b.t = b.t + Millis(400);
                    let loc = dockerfile::instructions::location(&b.df.stages[i].meta);
                    b.fail(Some(v), e, &[loc]);
                    // The others were still resolving.
                    for (_, other) in started.iter().filter(|(_, o)| *o != v && !answered.contains(o)) {
                        b.events.push(Event::End { v: *other, at: b.t, cached: false, error: Some("context canceled".into()) });
                    }
                    return;
                }
                b.wait = Wait::Until(b.t + Millis(longest), ends);
            }
            Op::Ignore => {
                let v = b.vertex("[internal] load .dockerignore".into());
                let size = b.context.as_ref().and_then(|c| c.ignore_text.as_ref()).map(|t| t.len() as u64).unwrap_or(2);
                let st = b.status(v, "transferring context:".into(), size, 0, 10);
                b.events.push(st);
                b.later(20, vec![Build::end(v, false)]);
            }
            Op::Context => {
                b.context_ready = Some(b.t + Millis(20));
                let v = b.vertex("[internal] load build context".into());
                let size = b.context.as_ref().map(|c| self.context_transfer(c, &b.req.context_dir)).unwrap_or(2);
                let st = b.status(v, "transferring context:".into(), size, 0, 10);
                b.events.push(st);
                b.later(20, vec![Build::end(v, false)]);
            }
            Op::From(i) => self.op_from(b, i),
            Op::Cmd { stage, index, onbuild } => self.op_cmd(b, stage, index, onbuild, now),
            Op::Export => self.op_export(b),
            Op::Fork => {
                // What BuildKit rejects while converting the Dockerfile, before any step runs.
                if let Some((msg, loc)) = dispatch_error(b) {
                    b.fail(None, msg, &[loc]);
                    return;
                }
                b.stage_lanes = vec![None; b.stages.len()];
                for i in 0..b.stages.len() {
                    if !b.stages[i].needed {
                        continue;
                    }
                    let mut ops = VecDeque::from([Op::From(i)]);
                    for k in 0..b.df.stages[i].commands.len() {
                        ops.push_back(Op::Cmd { stage: i, index: k, onbuild: false });
                    }
                    b.stage_lanes[i] = Some(b.lanes.len());
                    b.lanes.push(Lane { ops, t: b.t, wait: Wait::None, done_at: None });
                }
            }
            Op::Finish(o) => b.outcome = Some(o),
            Op::MetaArg(_) => {}
        }
    }

    /// How many bytes of the context BuildKit sends: all of it the first time, then what
    /// changed since the last build of the same context.
    fn context_transfer(&mut self, c: &Context, dir: &str) -> u64 {
        let mut files = BTreeMap::new();
        if let Some(root) = c.tree.get("/") {
            crate::build::context::digests(root, "/", &mut files);
        }
        let key = dir.to_string();
        let before = self.context_seen.get(&key).cloned().unwrap_or_default();
        let mut size = 0u64;
        for (p, d) in &files {
            if before.get(p) != Some(d) {
                size += c.tree.get(p).map(|n| n.size()).filter(|_| c.tree.get(p).is_some_and(|n| !n.is_dir())).unwrap_or(0);
            }
        }
        self.context_seen.insert(key, files);
        size.max(2)
    }
}

/// The first error of the stages to build that BuildKit finds while it converts the Dockerfile
/// (a bad `--chmod`, a mount on `/`), with its location. What depends on variables is left to
/// the step.
fn dispatch_error(b: &Build) -> Option<(String, dockerfile::LineRange)> {
    for (i, st) in b.df.stages.iter().enumerate() {
        if !b.stages[i].needed {
            continue;
        }
        for c in &st.commands {
            let loc = dockerfile::instructions::location(c.meta());
            let chmod = match c {
                Command::Copy(cp) => cp.chmod.as_deref(),
                Command::Add(a) => a.chmod.as_deref(),
                _ => None,
            };
            if let Some(Err(e)) = chmod.filter(|m| !m.contains('$')).map(copy::parse_chmod) {
                return Some((e, loc));
            }
            if let Command::Run(r) = c {
                for m in &r.mounts {
                    let target = m.target.as_deref().unwrap_or("");
                    if m.kind != "secret" && m.kind != "ssh" && target.starts_with('/') && !target.contains('$') && crate::vfs::normalize("/", target) == "/" {
                        return Some(("invalid mount target \"/\"".into(), loc));
                    }
                }
            }
        }
    }
    None
}

/// The stage a `--from` names: a stage name (any case) or index before stage `before`.
fn stage_ref(df: &dockerfile::Dockerfile, name: &str, before: usize) -> Option<usize> {
    if let Ok(i) = name.parse::<usize>() {
        return (i < before).then_some(i);
    }
    df.stages[..before.min(df.stages.len())].iter().position(|s| s.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(name)))
}

/// BuildKit's `uppercaseCmd`: the instruction word in capitals.
fn upper_first(s: &str) -> String {
    match s.split_once(' ') {
        Some((a, rest)) => format!("{} {rest}", a.to_ascii_uppercase()),
        None => s.to_ascii_uppercase(),
    }
}

/// What a stage command does to the cache: the step's kind, its inputs and its result.
struct StepResult {
    kind: StepKind,
    text: String,
    key: String,
    files: BTreeMap<String, String>,
    env: Vec<String>,
    tree: Tree,
    before: Tree,
    history: String,
}

impl Daemon {
    fn op_from(&mut self, b: &mut Build, i: usize) {
        let base = b.stages[i].base.clone();
        let commands = b.df.stages[i].commands.clone();
        let counted = commands.iter().filter(|c| matches!(c, Command::Add(_) | Command::Copy(_) | Command::Run(_) | Command::Workdir(_))).count() as u32;
        match base {
            Base::Scratch | Base::Pending(_) => {
                let st = &mut b.stages[i];
                st.total = counted;
                st.tree = Tree::new(root_meta(SimTime(0)));
                st.config = ImageConfig { env: vec![format!("PATH={DEFAULT_PATH}")], ..ImageConfig::default() };
                st.key = key_of(&["scratch"]);
            }
            Base::Stage(j) => {
                let from = b.stages[j].clone();
                let st = &mut b.stages[i];
                st.total = counted;
                st.tree = from.tree;
                st.config = from.config;
                st.author = from.author;
                st.history = from.history;
                st.layers = from.layers;
                st.key = from.key;
                st.rebuilt = from.rebuilt;
            }
            Base::Image { reference, image, digest, local } => {
                let mut onbuild = Vec::new();
                for expr in &image.config.on_build {
                    // A trigger is a command without a stage: read it inside one.
                    let wrapped = format!("FROM scratch\n{expr}\n");
                    let parsed = dockerfile::parse(&wrapped);
                    let (df, _) = dockerfile::instructions_with(&parsed, dockerfile::Frontend::Builtin);
                    if let Some(s) = df.stages.first() {
                        onbuild.extend(s.commands.iter().cloned());
                    }
                }
                let shown = match &digest {
                    Some(d) => format!("{reference}@{d}"),
                    None => format!("{reference}@{}", image.id),
                };
                b.stages[i].total = 1 + counted + onbuild.len() as u32;
                let name = b.prefix(i, false, &format!("FROM {shown}"));
                // Stages on the same image share one vertex, as BuildKit merges identical ones:
                // this stage starts once that one is done.
                if let Some((_, end, hit)) = b.from_seen.iter().find(|(x, _, _)| *x == shown).cloned() {
                    let reason = "the same base image as an earlier stage: BuildKit runs the two FROM steps once, as one".to_string();
                    b.report.steps.push(StepReport { name, line: b.df.stages[i].line, cached: hit, reason });
                    self.stage_from_image(b, i, &image, hit, onbuild);
                    let ms = end.since(b.t).0;
                    b.later(ms, Vec::new());
                    return;
                }
                let v = b.vertex(name.clone());
                let known = local || self.build_bases.contains(&image.id);
                let cached = known && !b.req.pull;
                let mut evs = Vec::new();
                let resolve = format!("resolve {shown}");
                let mut ms = 10u64;
                evs.push(b.status(v, resolve, 0, 0, if known { 5 } else { 20 }));
                if !known {
                    ms = 20;
                    let mut downloads = Vec::new();
                    for l in &image.layers {
                        let d = 20 + l.blob_size / 40_000;
                        downloads.push(Event::Status {
                            v,
                            id: format!("sha256:{}", crate::vfs::hex_of(&l.blob_digest)),
                            current: l.blob_size,
                            total: l.blob_size,
                            started: b.t + Millis(ms),
                            done: Some(b.t + Millis(ms + d)),
                        });
                        ms += d / 2;
                    }
                    ms += 40;
                    evs.extend(downloads);
                    for l in &image.layers {
                        let id = format!("extracting sha256:{}", crate::vfs::hex_of(&l.blob_digest));
                        let d = 50 + l.size / 200_000;
                        evs.push(Event::Status { v, id, current: 0, total: 0, started: b.t + Millis(ms), done: Some(b.t + Millis(ms + d)) });
                        ms += d;
                    }
                    self.build_bases.push(image.id.clone());
                }
                let hit = cached;
                let reason = if local {
                    "the base image is in the local image store".to_string()
                } else if hit {
                    "the base image was already downloaded by an earlier build".to_string()
                } else if b.req.pull {
                    "--pull: the base image is fetched again".to_string()
                } else {
                    "the base image is not here yet: it is downloaded".to_string()
                };
                let from_text = format!("FROM {reference}");
                let changed = self.build_cache.values().find(|e| e.kind == StepKind::From && e.text == from_text && e.env.first() != Some(&image.id)).map(|e| e.env.first().cloned().unwrap_or_default());
                let reason = match changed {
                    Some(old) if !hit || local => format!("the base image changed: {reference} is now {} (was {})", short_id(&image.id), short_id(&old)),
                    _ => reason,
                };
                let key = key_of(&["from", &image.id]);
                let now = b.t;
                let record = self.cache_record_id(&key);
                let size = self.build_cache.get(&key).map(|e| e.size).unwrap_or(if known { 0 } else { image.size() });
                self.build_cache.insert(
                    key.clone(),
                    CacheEntry {
                        parent: String::new(),
                        kind: StepKind::From,
                        text: from_text,
                        files: BTreeMap::new(),
                        env: vec![image.id.clone()],
                        tree: Tree::new(root_meta(SimTime(0))),
                        layer: None,
                        created: now,
                        last_used: now,
                        record,
                        description: format!("pulled from {shown}"),
                        size,
                    },
                );
                b.report.steps.push(StepReport { name, line: b.df.stages[i].line, cached: hit, reason });
                evs.push(Build::end(v, hit));
                b.from_seen.push((shown.clone(), b.t + Millis(ms), hit));
                self.stage_from_image(b, i, &image, hit, onbuild);
                b.later(ms, evs);
            }
        }
    }

    /// Stage `i` starts from `image`: its files, config, history and layers.
    fn stage_from_image(&mut self, b: &mut Build, i: usize, image: &ImageData, hit: bool, onbuild: Vec<Command>) {
        let st = &mut b.stages[i];
        st.tree = image.rootfs();
        st.config = image.config.clone();
        st.config.on_build.clear();
        if !st.config.env.iter().any(|e| e.starts_with("PATH=")) {
            st.config.env.insert(0, format!("PATH={DEFAULT_PATH}"));
        }
        st.author = image.author.clone();
        st.history = image.history.clone();
        st.layers = image.layers.clone();
        st.key = key_of(&["from", &image.id]);
        if !hit {
            st.rebuilt = None;
        }
        for k in (0..onbuild.len()).rev() {
            b.ops.push_front(Op::Cmd { stage: i, index: k, onbuild: true });
        }
        b.stages[i].onbuild = onbuild;
    }

    /// The engine's ID (`docker info`), a UUID BuildKit uses as its worker ID.
    fn engine_id(&self) -> String {
        let h = sha256_digest(format!("engine {}", self.seed).as_bytes());
        let x = crate::vfs::hex_of(&h);
        format!("{}-{}-4{}-a{}-{}", &x[0..8], &x[8..12], &x[13..16], &x[17..20], &x[20..32])
    }

    /// A new record ID for the build cache (`docker builder prune` lists them).
    fn cache_record_id(&mut self, key: &str) -> String {
        match self.build_cache.get(key) {
            Some(e) => e.record.clone(),
            None => {
                const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
                let hex = self.rng.hex_id();
                hex.as_bytes().iter().take(25).map(|c| ALPHABET[(*c as usize * 7) % 36] as char).collect()
            }
        }
    }

    /// Why step `key` (on `parent`) missed the cache, in words.
    #[allow(clippy::too_many_arguments)]
    fn miss_reason(&self, b: &Build, stage: usize, kind: StepKind, parent: &str, text: &str, files: &BTreeMap<String, String>, env: &[String]) -> String {
        if b.req.no_cache {
            return "--no-cache: every step runs again".into();
        }
        if b.no_cache(stage) {
            return format!("--no-cache-filter: stage {} does not use the cache", b.df.stages[stage].name.clone().unwrap_or_default());
        }
        let mut siblings: Vec<&CacheEntry> = self.build_cache.values().filter(|e| e.parent == parent && e.kind == kind).collect();
        siblings.sort_by_key(|e| std::cmp::Reverse(e.last_used));
        let Some(s) = siblings.iter().find(|e| e.text == text).or(siblings.first()) else {
            let seen = self.build_cache.values().any(|e| e.kind == kind && e.text == text);
            return match &b.stages[stage].rebuilt {
                Some(r) if seen => format!("a previous step was rebuilt ({r}), so every step after it runs again"),
                None if seen => "a previous step changed, so this step runs on a different file system".into(),
                _ => "not in the build cache yet (the first build of this step)".into(),
            };
        };
        if s.text != text {
            return format!("the instruction changed (it was: {})", s.text);
        }
        match kind {
            StepKind::Copy => {
                let changed = files_changed(&s.files, files);
                if !changed.is_empty() {
                    let shown: Vec<String> = changed.iter().take(5).cloned().collect();
                    let more = if changed.len() > 5 { format!(" and {} more", changed.len() - 5) } else { String::new() };
                    return format!("{}{more} ({text} reads it)", shown.join(", "));
                }
            }
            StepKind::Run => {
                let changed = files_changed(&s.files, files);
                if !changed.is_empty() {
                    let shown: Vec<String> = changed.iter().take(5).cloned().collect();
                    let more = if changed.len() > 5 { format!(" and {} more", changed.len() - 5) } else { String::new() };
                    return format!("{}{more} (a bind mount of this RUN shows it)", shown.join(", "));
                }
                let args: Vec<&str> = b.stages[stage].args.iter().map(|(k, _)| k.as_str()).collect();
                for e in env {
                    let k = e.split('=').next().unwrap_or("");
                    let old = env_get(&s.env, k);
                    let new = env_get(env, k);
                    if old != new {
                        let what = if args.contains(&k) { "build arg" } else { "environment variable" };
                        return match old {
                            Some(o) => format!("{what} {k} changed ({o} → {})", new.unwrap_or_default()),
                            None => format!("{what} {k} is new ({}={})", k, new.unwrap_or_default()),
                        };
                    }
                }
                for e in &s.env {
                    let k = e.split('=').next().unwrap_or("");
                    if env_get(env, k).is_none() {
                        return format!("{k} is no longer set");
                    }
                }
            }
            _ => {}
        }
        "its inputs changed".into()
    }

    fn hit_reason(kind: StepKind, files: &BTreeMap<String, String>) -> String {
        match kind {
            StepKind::Copy => {
                let n = files.values().count();
                format!("same instruction, same files ({n} checked), same previous step")
            }
            StepKind::Run => "same instruction, same environment, same previous step".into(),
            _ => "same instruction, same previous step".into(),
        }
    }
}

fn reads_context(cmd: &Command) -> bool {
    match cmd {
        Command::Copy(c) => c.from.is_none() && !c.sources.is_empty(),
        Command::Add(a) => a.sources.iter().any(|s| !is_url(s)),
        Command::Run(r) => r.mounts.iter().any(|m| m.kind == "bind" && m.from.is_none()),
        _ => false,
    }
}

fn is_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://") || s.starts_with("git@")
}

/// The history text and config change of an instruction that only changes the image config.
/// `None` when the command is not one of those.
fn apply_meta(st: &mut StageRun, cmd: &Command, b_args: &BTreeMap<String, String>, meta_args: &[(String, Option<String>)], legacy: bool) -> Option<Result<Option<String>, String>> {
    let shell_of = |st: &StageRun| st.config.shell.clone().unwrap_or_else(|| vec!["/bin/sh".into(), "-c".into()]);
    Some(Ok(Some(match cmd {
        Command::Env(kv) => {
            let mut text = String::from("ENV");
            for p in &kv.pairs {
                set_env(&mut st.config.env, &p.key, &p.value);
                text.push_str(&format!(" {}={}", p.key, p.value));
            }
            text
        }
        Command::Label(kv) => {
            let mut text = String::from("LABEL");
            for p in &kv.pairs {
                st.config.labels.insert(p.key.clone(), p.value.clone());
                text.push_str(&format!(" {}={}", p.key, p.value));
            }
            text
        }
        Command::Arg(a) => {
            let mut parts = Vec::new();
            for d in &a.args {
                let value = match b_args.get(&d.name) {
                    Some(v) => Some(v.clone()),
                    None => d.default.clone().or_else(|| meta_args.iter().rev().find(|(k, _)| *k == d.name).and_then(|(_, v)| v.clone())),
                };
                parts.push(match &value {
                    Some(v) => format!("{}={v}", d.name),
                    None => d.name.clone(),
                });
                st.args.push((d.name.clone(), value));
            }
            format!("ARG {}", parts.join(" "))
        }
        Command::Expose(e) => {
            let ports = match port_specs(&e.ports) {
                Ok(p) => p,
                Err(m) => return Some(Err(m)),
            };
            for p in &ports {
                st.config.exposed_ports.insert(p.clone(), ());
            }
            if legacy {
                format!("EXPOSE {}", e.ports.join(" "))
            } else {
                let items: Vec<String> = ports.iter().map(|p| format!("{p}:{{}}")).collect();
                format!("EXPOSE map[{}]", items.join(" "))
            }
        }
        Command::Volume(v) => {
            for p in &v.paths {
                if p.is_empty() {
                    return Some(Err("VOLUME specified can not be an empty string".into()));
                }
                st.config.volumes.insert(p.clone(), ());
            }
            format!("VOLUME [{}]", v.paths.join(" "))
        }
        Command::User(u) => {
            st.config.user = u.value.clone();
            format!("USER {}", u.value)
        }
        Command::Stopsignal(s) => {
            if crate::proc::Signal::parse(&s.value).is_none() && s.value.parse::<u32>().is_err() {
                return Some(Err(format!("failed to parse signal: {}", s.value)));
            }
            st.config.stop_signal = Some(s.value.clone());
            format!("STOPSIGNAL {}", s.value)
        }
        Command::Healthcheck(h) => {
            if h.test.first().map(String::as_str) == Some("NONE") {
                st.config.healthcheck = Some(crate::api::HealthConfig { test: vec!["NONE".into()], ..crate::api::HealthConfig::default() });
                "HEALTHCHECK &{[\"NONE\"] \"0s\" \"0s\" \"0s\" \"0s\" '\\x00'}".to_string()
            } else {
                st.config.healthcheck = Some(crate::api::HealthConfig {
                    test: h.test.clone(),
                    interval_ms: h.interval.0,
                    timeout_ms: h.timeout.0,
                    start_period_ms: h.start_period.0,
                    retries: h.retries,
                });
                let retries = if h.retries < 0x80 && h.retries >= 0x20 && h.retries != 0x27 && h.retries != 0x5c {
                    format!("'{}'", char::from(h.retries as u8))
                } else {
                    format!("'\\x{:02x}'", h.retries)
                };
                format!(
                    "HEALTHCHECK &{{{} {} {} {} {} {retries}}}",
                    go_q(&h.test),
                    crate::text::go_quote(&go_duration(h.interval.0)),
                    crate::text::go_quote(&go_duration(h.timeout.0)),
                    crate::text::go_quote(&go_duration(h.start_period.0)),
                    crate::text::go_quote(&go_duration(h.start_interval.0)),
                )
            }
        }
        Command::Onbuild(o) => {
            st.config.on_build.push(o.expression.clone());
            if !legacy {
                return Some(Ok(None));
            }
            format!("ONBUILD {}", o.expression)
        }
        Command::Maintainer(m) => {
            st.author = m.value.clone();
            format!("MAINTAINER {}", m.value)
        }
        Command::Shell(s) => {
            st.config.shell = Some(s.shell.clone());
            format!("SHELL [{}]", s.shell.join(" "))
        }
        Command::Cmd(c) => {
            let args = match &c.cmd {
                ShellOrExec::Exec(v) => v.clone(),
                ShellOrExec::Shell(s) => {
                    let mut v = shell_of(st);
                    v.push(s.clone());
                    v
                }
            };
            st.config.cmd = Some(args.clone());
            st.config.args_escaped = !legacy;
            st.cmd_set = true;
            format!("CMD {}", go_q(&args))
        }
        Command::Entrypoint(c) => {
            let args = match &c.cmd {
                ShellOrExec::Exec(v) => v.clone(),
                ShellOrExec::Shell(s) => {
                    let mut v = shell_of(st);
                    v.push(s.clone());
                    v
                }
            };
            st.config.entrypoint = Some(args.clone());
            if !st.cmd_set {
                st.config.cmd = None;
            }
            format!("ENTRYPOINT {}", go_q(&args))
        }
        _ => return None,
    })))
}

/// The environment a RUN sees: the stage's ENV, then its ARGs (ENV wins), PATH by default.
fn run_env(st: &StageRun) -> Vec<String> {
    let mut env = st.config.env.clone();
    for (k, v) in &st.args {
        if let Some(v) = v {
            if !env.iter().any(|e| e.split('=').next() == Some(k)) {
                env.push(format!("{k}={v}"));
            } else if !st.config.env.iter().any(|e| e.split('=').next() == Some(k)) {
                set_env(&mut env, k, v);
            }
        }
    }
    if !env.iter().any(|e| e.starts_with("PATH=")) {
        env.insert(0, format!("PATH={DEFAULT_PATH}"));
    }
    env
}

/// BuildKit's `runCommandString`: `|N K=v … ` and the command (the stage's ARGs first).
fn run_history(argv: &[String], st: &StageRun, env: &[String]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (k, v) in &st.args {
        let val = env_get(env, k).or_else(|| v.clone()).unwrap_or_default();
        match seen.iter().position(|x| x == k) {
            Some(i) => parts[i] = format!("{k}={val}"),
            None => {
                seen.push(k.clone());
                parts.push(format!("{k}={val}"));
            }
        }
    }
    if !parts.is_empty() {
        parts.insert(0, format!("|{}", parts.len()));
    }
    parts.extend(argv.iter().cloned());
    parts.join(" ")
}

fn workdir_join(current: &str, p: &str) -> String {
    let base = if current.is_empty() { "/" } else { current };
    crate::vfs::normalize(base, p)
}

/// COPY/ADD's destination, absolute, with its trailing `/` (a directory) kept.
fn copy_dest(workdir: &str, dest: &str) -> String {
    let dir = dest.ends_with('/') || dest == "." || dest.ends_with("/.") || dest == "..";
    let abs = workdir_join(workdir, dest);
    if dir && abs != "/" {
        format!("{abs}/")
    } else {
        abs
    }
}

impl Daemon {
    fn op_cmd(&mut self, b: &mut Build, i: usize, k: usize, onbuild: bool, now: SimTime) {
        let cmd = if onbuild { b.stages[i].onbuild.get(k).cloned() } else { b.df.stages[i].commands.get(k).cloned() };
        let Some(cmd) = cmd else { return };
        if reads_context(&cmd) && !b.context_loaded && !b.req.legacy {
            // One transfer serves every stage.
            b.context_loaded = true;
            b.ops.push_front(Op::Cmd { stage: i, index: k, onbuild });
            b.ops.push_front(Op::Context);
            return;
        }
        let expanded = {
            let lookup = |n: &str| b.lookup(i, n);
            dockerfile::expand_command(&cmd, b.escape, &lookup)
        };
        let cmd = match expanded {
            Ok(c) => c,
            Err(d) => {
                b.fail_diag(None, &d);
                return;
            }
        };
        let meta = cmd.meta().clone();
        let loc = dockerfile::instructions::location(&meta);
        let shown = {
            let lex = dockerfile::expand::Lexer { raw_quotes: true, skip_unset_env: true, ..dockerfile::expand::Lexer::new(b.escape) };
            let lookup = |n: &str| b.lookup(i, n);
            upper_first(&lex.process(&meta.original, &lookup).map(|r| r.result).unwrap_or_else(|_| meta.original.clone()))
        };
        let legacy = b.req.legacy;
        if legacy {
            b.legacy_step(&meta.original);
        }
        let (bargs, margs) = (b.build_args.clone(), b.meta_args.clone());
        match apply_meta(&mut b.stages[i], &cmd, &bargs, &margs, legacy) {
            Some(Err(e)) => {
                b.fail(None, e, &[loc]);
                return;
            }
            Some(Ok(text)) => {
                if let Some(text) = text {
                    if legacy {
                        self.legacy_commit(b, i, &text, None, now);
                    } else {
                        b.stages[i].history.push(History { created: SimTime(0), created_by: text, comment: HISTORY_COMMENT.into(), author: String::new(), empty_layer: true });
                    }
                }
                return;
            }
            None => {}
        }
        let st = &b.stages[i];
        let workdir = if st.config.working_dir.is_empty() { "/".to_string() } else { st.config.working_dir.clone() };
        match cmd {
            Command::Workdir(w) => {
                let wd = workdir_join(&workdir, &w.value);
                b.stages[i].config.working_dir = wd.clone();
                if legacy {
                    let mut tree = b.stages[i].tree.clone();
                    let _ = tree.mkdir(&wd, true, &root_meta(b.t));
                    b.stages[i].tree = tree;
                    self.legacy_commit(b, i, &format!("WORKDIR {wd}"), None, now);
                    return;
                }
                if wd == "/" {
                    b.stages[i].history.push(History { created: SimTime(0), created_by: "WORKDIR /".into(), comment: HISTORY_COMMENT.into(), author: String::new(), empty_layer: true });
                    return;
                }
                let name = b.prefix(i, onbuild, &shown);
                let v = b.vertex(name.clone());
                let st = &b.stages[i];
                let before = st.tree.clone();
                let mut tree = before.clone();
                let uid = lookup_user(&tree, &st.config.user).map(|u| u.uid).unwrap_or(0);
                if tree.get(&wd).is_none() {
                    let _ = tree.mkdir(&wd, true, &Meta { mode: 0o755, uid, gid: uid, mtime: b.t });
                }
                let key = key_of(&[&st.key, "workdir", &wd, &st.config.user]);
                let res = StepResult { kind: StepKind::Workdir, text: shown.clone(), key, files: BTreeMap::new(), env: Vec::new(), tree, before, history: format!("WORKDIR {wd}") };
                self.commit_step(b, i, v, name, meta.start_line, res, 20, true);
            }
            Command::Run(r) => {
                let st = &b.stages[i];
                let shell = st.config.shell.clone().unwrap_or_else(|| vec!["/bin/sh".into(), "-c".into()]);
                let argv = match &r.cmd {
                    ShellOrExec::Exec(v) => v.clone(),
                    ShellOrExec::Shell(s) => {
                        let mut script = s.clone();
                        if let [h] = r.heredocs.as_slice() {
                            if s.trim().starts_with("<<") && s.split_whitespace().count() == 1 {
                                script = h.content.to_string();
                            } else {
                                script = format!("{s}\n{}{}\n", h.content, h.name);
                            }
                        } else {
                            for h in &r.heredocs {
                                script.push_str(&format!("\n{}{}", h.content, h.name));
                            }
                        }
                        let mut v = shell;
                        v.push(script);
                        v
                    }
                };
                if argv.is_empty() {
                    b.fail(None, format!("dockerfile parse error on line {}: RUN requires at least one argument", meta.start_line), &[loc]);
                    return;
                }
                if legacy {
                    if let Some(f) = r.flags_used.first() {
                        let msg = format!("the --{f} option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled");
                        b.fail(None, msg, &[loc]);
                        return;
                    }
                }
                let env = run_env(st);
                let prep = if legacy { Ok(mounts::Prepared::default()) } else { self.prepare_mounts(b, i, &r, &workdir, &argv) };
                let prep = match prep {
                    Ok(p) => p,
                    Err(e) => {
                        b.fail(None, e, &[loc]);
                        return;
                    }
                };
                let st = &b.stages[i];
                let key = key_of(&[&st.key, "run", &argv.join("\0"), &env.join("\0"), &workdir, &st.config.user, &r.network, &prep.key]);
                let history = format!("RUN {}", run_history(&argv, st, &env));
                if legacy {
                    self.legacy_run(b, i, argv, env, key, history, workdir, loc, now);
                    return;
                }
                let name = b.prefix(i, onbuild, &shown);
                let v = b.vertex(name.clone());
                if let Some((vertex_msg, msg)) = prep.key_error.clone() {
                    b.fail_as(Some(v), vertex_msg, msg, &[loc]);
                    return;
                }
                let hit = !b.no_cache(i) && self.build_cache.contains_key(&key);
                let st = &b.stages[i];
                // Cache decisions compare the instruction as written (`RUN echo $V`).
                let shown = upper_first(&meta.original);
                if hit {
                    let res = StepResult { kind: StepKind::Run, text: shown.clone(), key, files: prep.files, env, tree: st.tree.clone(), before: st.tree.clone(), history };
                    self.commit_step(b, i, v, name, meta.start_line, res, 0, true);
                    return;
                }
                if let Some(e) = prep.run_error.clone() {
                    b.t = b.t + Millis(30);
                    b.fail(Some(v), e, &[loc]);
                    return;
                }
                let mut tree = st.tree.clone();
                let mounted = Daemon::mount_all(&prep, &mut tree);
                let mut run_env = env.clone();
                for e in &prep.env {
                    let (k, val) = e.split_once('=').unwrap_or((e, ""));
                    set_env(&mut run_env, k, val);
                }
                let path = env_get(&env, "PATH").unwrap_or_default();
                let who = lookup_user(&st.tree, &st.config.user);
                let Ok(who) = who else {
                    let e = who.err().unwrap_or_default();
                    b.fail(Some(v), e, &[loc]);
                    return;
                };
                let Some((_, program)) = resolve(&tree, &workdir, &path, &argv[0]) else {
                    let e = if argv[0].contains('/') {
                        format!("exec: \"{0}\": stat {0}: no such file or directory", argv[0])
                    } else {
                        format!("exec: \"{}\": executable file not found in $PATH", argv[0])
                    };
                    b.t = b.t + Millis(50);
                    let msg = format!("process \"{}\" did not complete successfully: runc run failed: unable to start container process: error during container init: {e}", argv.join(" "));
                    b.fail(Some(v), msg, &[loc]);
                    return;
                };
                let mut process = Process::start(&argv, &program, &run_env, &workdir, false, false, false, &tree);
                process.user = who.name.clone();
                let reason = self.miss_reason(b, i, StepKind::Run, &b.stages[i].key.clone(), &shown, &prep.files, &env);
                b.wait = Wait::Run(Box::new(RunState {
                    v,
                    stage: i,
                    process,
                    wake: b.t + Millis(60),
                    argv,
                    key,
                    env,
                    text: shown,
                    name,
                    before: b.stages[i].tree.clone(),
                    tree,
                    history,
                    line: meta.start_line,
                    reason,
                    legacy_container: String::new(),
                    locations: vec![loc],
                    uid: who.uid,
                    files: prep.files,
                    mounts: mounted,
                    online: r.network != "none",
                }));
            }
            Command::Copy(_) | Command::Add(_) => self.op_copy(b, i, &cmd, &shown, onbuild, &workdir, loc, now),
            _ => {}
        }
    }
}

impl Daemon {
    #[allow(clippy::too_many_arguments)]
    fn op_copy(&mut self, b: &mut Build, i: usize, cmd: &Command, shown: &str, onbuild: bool, workdir: &str, loc: dockerfile::LineRange, now: SimTime) {
        let legacy = b.req.legacy;
        let (is_add, sources, contents, dest, from, chown, chmod) = match cmd {
            Command::Copy(c) => (false, c.sources.clone(), c.contents.clone(), c.dest.clone(), c.from.clone(), c.chown.clone(), c.chmod.clone()),
            Command::Add(a) => (true, a.sources.clone(), a.contents.clone(), a.dest.clone(), None, a.chown.clone(), a.chmod.clone()),
            _ => return,
        };
        if legacy && chmod.is_some() {
            let msg = "the --chmod option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled";
            b.fail(None, msg.into(), &[loc]);
            return;
        }
        let word = if is_add { "ADD" } else { "COPY" };
        let line = cmd.meta().start_line;
        let name = if legacy { String::new() } else { b.prefix(i, onbuild, shown) };
        let v = if legacy { 0 } else { b.vertex(name.clone()) };
        let vopt = (!legacy).then_some(v);
        // Where the files come from.
        let (src_tree, keep_owner): (Tree, bool) = match &from {
            None => (b.context.as_ref().map(|c| c.tree.clone()).unwrap_or_else(|| Tree::new(root_meta(SimTime(0)))), false),
            Some(f) => match stage_ref(&b.df, f, i) {
                Some(j) => (b.stages[j].tree.clone(), true),
                None => {
                    let full = Reference::parse(f).map(|r| r.with_default_tag().full()).unwrap_or_else(|_| f.clone());
                    match self.resolve_base(&full, false) {
                        Ok(Base::Image { image, .. }) => (image.rootfs(), true),
                        Ok(_) => (Tree::new(root_meta(SimTime(0))), true),
                        Err(e) => {
                            b.fail(vopt, e, &[loc]);
                            return;
                        }
                    }
                }
            },
        };
        let st = &b.stages[i];
        let chown_ids = match &chown {
            Some(c) => match copy::parse_chown(c, &st.tree) {
                Ok(ids) => Some(ids),
                Err(e) => {
                    b.fail(vopt, e, &[loc]);
                    return;
                }
            },
            None => None,
        };
        let chmod_bits = match &chmod {
            Some(c) => match copy::parse_chmod(c) {
                Ok(m) => Some(m),
                Err(e) => {
                    b.fail(vopt, e, &[loc]);
                    return;
                }
            },
            None => None,
        };
        let dest_abs = copy_dest(workdir, &dest);
        let opts = CopyOptions { chown: chown_ids, chmod: chmod_bits, keep_owner, unpack: is_add, now: b.t };
        let before = st.tree.clone();
        let mut tree = before.clone();
        let mut read = BTreeMap::new();
        for src in &sources {
            if is_add && is_url(src) {
                let fetched = crate::proc::programs::packages::download(src);
                let Some(dl) = fetched else {
                    let msg = format!("failed to load cache key: Get \"{src}\": dockling: there is no internet in the simulation, and this URL is not one of the downloads Dockling simulates");
                    b.fail(vopt, msg, &[loc]);
                    return;
                };
                let fname = src.rsplit('/').next().filter(|s| !s.is_empty()).unwrap_or("index.html").to_string();
                let target = if dest_abs.ends_with('/') { format!("{dest_abs}{fname}") } else { dest_abs.clone() };
                let m = Meta { mode: opts.chmod.as_ref().map_or(0o600, |c| c.apply(0o600, false)), uid: chown_ids.map(|c| c.0).unwrap_or(0), gid: chown_ids.map(|c| c.1).unwrap_or(0), mtime: b.t };
                let _ = tree.mkdir(crate::vfs::parent(&target), true, &root_meta(b.t));
                let _ = tree.write(&target, &dl.body, false, &m);
                read.insert(src.clone(), sha256_digest(&dl.body));
                continue;
            }
            match copy::copy(&src_tree, src, &mut tree, &dest_abs, &opts, &mut read) {
                Ok(()) => {}
                Err(CopyError::NotFound(p)) => {
                    let msg = if legacy {
                        let rel = p.trim_start_matches('/');
                        format!("{word} failed: file not found in build context or excluded by .dockerignore: stat {rel}: file does not exist")
                    } else {
                        let id = self.cache_record_id(&format!("ref:{p}"));
                        format!("failed to calculate checksum of ref {}::{id}: \"{p}\": not found", self.engine_id())
                    };
                    if legacy {
                        b.fail(vopt, msg, &[loc]);
                    } else {
                        b.fail_as(vopt, msg.clone(), format!("failed to compute cache key: {msg}"), &[loc]);
                    }
                    return;
                }
                Err(CopyError::Other(e)) => {
                    b.fail(vopt, e, &[loc]);
                    return;
                }
            }
        }
        for c in &contents {
            let target = if dest_abs.ends_with('/') { format!("{dest_abs}{}", c.path) } else { dest_abs.clone() };
            let m = Meta { mode: opts.chmod.as_ref().map_or(0o644, |c| c.apply(0o644, false)), uid: chown_ids.map(|c| c.0).unwrap_or(0), gid: chown_ids.map(|c| c.1).unwrap_or(0), mtime: b.t };
            let _ = tree.mkdir(crate::vfs::parent(&target), true, &root_meta(b.t));
            let _ = tree.write(&target, c.data.as_bytes(), false, &m);
            read.insert(format!("<<{}", c.path), sha256_digest(c.data.as_bytes()));
        }
        let mut history = String::from(word);
        if let Some(c) = &chown {
            history.push_str(&format!(" --chown={c}"));
        }
        if let Some(c) = &chmod {
            history.push_str(&format!(" --chmod={c}"));
        }
        for s in &sources {
            history.push(' ');
            history.push_str(s);
        }
        for c in &contents {
            history.push_str(&format!(" <<{}", c.path));
        }
        history.push(' ');
        history.push_str(&dest);
        let files_digest = combined(&read);
        let parent = if legacy { b.stages[i].image_id.clone() } else { b.stages[i].key.clone() };
        let key = key_of(&[&parent, word, &history, &dest_abs, &files_digest]);
        if legacy {
            let kind = if read.len() > 1 { "multi" } else if sources.first().is_some_and(|s| src_tree.get(&crate::vfs::normalize("/", s)).is_some_and(|n| n.is_dir())) { "dir" } else { "file" };
            let comment = format!("{word} {kind}:{} in {dest} ", crate::vfs::hex_of(&files_digest));
            b.stages[i].tree = tree;
            self.legacy_commit(b, i, &comment, Some((before, key)), now);
            return;
        }
        let res = StepResult { kind: StepKind::Copy, text: shown.to_string(), key, files: read, env: Vec::new(), tree, before, history };
        let size = res.files.len() as u64;
        self.commit_step(b, i, v, name, line, res, 30 + size, true);
    }

    /// Ends a vertex step: from the cache when its key is there (unless `--no-cache`), else its
    /// new result goes into the cache; the stage moves on to it.
    #[allow(clippy::too_many_arguments)]
    fn commit_step(&mut self, b: &mut Build, i: usize, v: u32, name: String, line: u32, res: StepResult, ms: u64, allow_hit: bool) {
        let parent = b.stages[i].key.clone();
        let hit = allow_hit && !b.no_cache(i) && self.build_cache.contains_key(&res.key);
        let end = b.t + Millis(if hit { 0 } else { ms });
        let (tree, layer, created, reason) = if hit {
            let e = self.build_cache.get_mut(&res.key).map(|e| {
                e.last_used = end;
                (e.tree.clone(), e.layer.clone(), e.created)
            });
            let Some((tree, layer, created)) = e else { return };
            (tree, layer, created, Daemon::hit_reason(res.kind, &res.files))
        } else {
            let reason = self.miss_reason(b, i, res.kind, &parent, &res.text, &res.files, &res.env);
            let diff = crate::vfs::Layer::diff(&res.before, &res.tree);
            let layer = (!diff.is_empty()).then(|| Arc::new(Layer::new(diff, None)));
            let record = self.cache_record_id(&res.key);
            self.build_cache.insert(
                res.key.clone(),
                CacheEntry {
                    parent: parent.clone(),
                    kind: res.kind,
                    text: res.text.clone(),
                    files: res.files.clone(),
                    env: res.env.clone(),
                    tree: res.tree.clone(),
                    layer: layer.clone(),
                    created: end,
                    last_used: end,
                    record,
                    size: layer.as_ref().map(|l| l.size).unwrap_or(0),
                    description: match res.kind {
                        StepKind::Run => format!("mount / from exec {}", res.history.strip_prefix("RUN ").unwrap_or(&res.history)),
                        _ => name.clone(),
                    },
                },
            );
            b.stages[i].rebuilt.get_or_insert(name.clone());
            (res.tree, layer, end, reason)
        };
        let st = &mut b.stages[i];
        st.tree = tree;
        let empty = layer.is_none();
        if let Some(l) = layer {
            st.layers.push(l);
        }
        let created_by = if res.kind == StepKind::Workdir { res.history.clone() } else { format!("{} # buildkit", res.history) };
        st.history.push(History { created, created_by, comment: HISTORY_COMMENT.into(), author: String::new(), empty_layer: empty });
        st.key = res.key;
        b.report.steps.push(StepReport { name, line, cached: hit, reason });
        b.later(if hit { 0 } else { ms }, vec![Build::end(v, hit)]);
    }

    /// A RUN's process ended.
    fn run_finished(&mut self, b: &mut Build, mut r: RunState, code: i32, now: SimTime) {
        let exit_at = r.wake;
        let mounted = std::mem::take(&mut r.mounts);
        for id in mounted.iter().filter_map(|m| m.cache_id()) {
            b.cache_free.retain(|(x, _)| x != id);
            b.cache_free.push((id.to_string(), exit_at));
        }
        self.unmount_all(mounted, &mut r.tree, exit_at);
        if !r.legacy_container.is_empty() {
            self.legacy_run_finished(b, r, code, now);
            return;
        }
        b.t = exit_at + Millis(40);
        if code != 0 {
            let msg = format!("process \"{}\" did not complete successfully: exit code: {code}", r.argv.join(" "));
            b.report.steps.push(StepReport { name: r.name.clone(), line: r.line, cached: false, reason: format!("{} (it failed with exit code {code})", r.reason) });
            b.fail(Some(r.v), msg, &r.locations);
            return;
        }
        // The step's result goes in the cache as `commit_step` does, timed from the start.
        let started = b.t;
        let res = StepResult { kind: StepKind::Run, text: r.text.clone(), key: r.key.clone(), files: r.files, env: r.env.clone(), tree: r.tree, before: r.before, history: r.history };
        b.t = started;
        self.commit_step(b, r.stage, r.v, r.name, r.line, res, 0, false);
        if let Some(s) = b.report.steps.last_mut() {
            s.reason = r.reason;
        }
    }

    fn op_export(&mut self, b: &mut Build) {
        let v = b.vertex("exporting to image".into());
        let st = b.stages[b.target].clone();
        let mut config = st.config.clone();
        for (k, val) in &b.req.labels {
            config.labels.insert(k.clone(), val.clone());
        }
        let mut history = st.history.clone();
        normalize_history(&mut history);
        let created = history.iter().rev().find(|h| h.created != SimTime(0)).map(|h| h.created).unwrap_or(b.t);
        let data = ImageData::new(created, st.author.clone(), String::new(), config, history, st.layers.clone(), String::new(), String::new());
        let fresh = b.report.steps.iter().any(|s| !s.cached);
        let id = self.store_image(Arc::new(data));
        let layers_ms = if fresh { 100 } else { 0 };
        let mut evs = vec![b.status(v, "exporting layers".into(), 0, 0, layers_ms)];
        evs.push(b.status(v, format!("writing image {id}"), 0, layers_ms, layers_ms + 5));
        let t_name = b.t + Millis(layers_ms + 10);
        let mut tags = Vec::new();
        for t in &b.req.tags.clone() {
            self.set_ref(t.clone(), &id, t_name);
            evs.push(b.status(v, format!("naming to {t}"), 0, layers_ms + 10, layers_ms + 10));
            tags.push(Reference::parse(t).map(|r| r.familiar()).unwrap_or_else(|_| t.clone()));
        }
        evs.push(Build::end(v, false));
        b.later(layers_ms + 20, evs);
        b.report.tags = tags.clone();
        b.report.image_id = Some(id.clone());
        b.ops.push_back(Op::Finish(Outcome::Built { image_id: id, tags }));
    }
}

/// The exporter's `normalizeLayersAndHistory`: steps without a time take the first new
/// layer's time, or the time of the layer before them.
fn normalize_history(history: &mut [History]) {
    let unset = SimTime(0);
    let mut created = unset;
    let mut no_created = false;
    for h in history.iter() {
        if h.created != unset {
            created = h.created;
            if no_created {
                break;
            }
        } else {
            no_created = true;
        }
    }
    no_created = false;
    for h in history.iter_mut() {
        if h.created != unset {
            if no_created {
                created = h.created;
            }
        } else {
            no_created = true;
            h.created = created;
        }
    }
}

impl Daemon {
    /// The classic builder's plan: every stage up to the target, each instruction a step.
    fn plan_legacy(&mut self, b: &mut Build) {
        if let Err(d) = self.plan(b) {
            b.fail(None, format!("Error response from daemon: {}", d.message), &[]);
            return;
        }
        b.warnings.clear();
        let mut total = b.df.meta_args.len() as u32;
        for st in &b.df.stages[..=b.target] {
            total += 1 + st.commands.len() as u32;
        }
        b.legacy.total = total;
        for k in 0..b.df.meta_args.len() {
            b.ops.push_back(Op::MetaArg(k));
        }
        for i in 0..=b.target {
            b.ops.push_back(Op::From(i));
            for k in 0..b.df.stages[i].commands.len() {
                b.ops.push_back(Op::Cmd { stage: i, index: k, onbuild: false });
            }
        }
        b.ops.push_back(Op::Export);
    }

    fn legacy_op(&mut self, b: &mut Build, op: Op, now: SimTime) {
        match op {
            Op::MetaArg(k) => {
                let text = b.df.meta_args.get(k).map(|a| a.meta.original.clone()).unwrap_or_default();
                b.legacy_step(&text);
            }
            Op::From(i) => self.legacy_from(b, i, now),
            Op::Cmd { stage, index, onbuild } => self.op_cmd(b, stage, index, onbuild, now),
            Op::Export => {
                let st = &b.stages[b.target];
                let id = st.image_id.clone();
                b.stream(format!("Successfully built {}\n", short_id(&id)));
                let mut tags = Vec::new();
                for t in b.req.tags.clone() {
                    self.set_ref(t.clone(), &id, b.t);
                    let fam = Reference::parse(&t).map(|r| r.familiar()).unwrap_or(t);
                    b.stream(format!("Successfully tagged {fam}\n"));
                    tags.push(fam);
                }
                b.report.tags = tags.clone();
                b.report.image_id = Some(id.clone());
                b.outcome = Some(Outcome::Built { image_id: id, tags });
            }
            Op::Finish(o) => b.outcome = Some(o),
            _ => {}
        }
    }

    fn legacy_from(&mut self, b: &mut Build, i: usize, now: SimTime) {
        let text = b.df.stages[i].meta.original.clone();
        b.legacy_step(&text);
        match b.stages[i].base.clone() {
            Base::Scratch => {
                let st = &mut b.stages[i];
                st.tree = Tree::new(root_meta(SimTime(0)));
                st.config = ImageConfig { env: vec![format!("PATH={DEFAULT_PATH}")], ..ImageConfig::default() };
                st.image_id = String::new();
            }
            Base::Stage(j) => {
                let from = b.stages[j].clone();
                let st = &mut b.stages[i];
                st.tree = from.tree;
                st.config = from.config;
                st.author = from.author;
                st.history = from.history;
                st.layers = from.layers;
                st.image_id = from.image_id.clone();
                b.stream(format!(" ---> {}\n", short_id(&from.image_id)));
            }
            Base::Pending(reference) | Base::Image { reference, .. } => {
                let found = if b.req.pull { None } else { self.find_image(&reference).ok().map(|(id, _)| id) };
                let id = match found {
                    Some(id) => id,
                    None => {
                        let Ok(r) = Reference::parse(&reference) else { return };
                        match self.image_pull(&r, false, now) {
                            Ok(msgs) => {
                                for m in msgs {
                                    match &m.id {
                                        Some(id) => b.stream(format!("{id}: {}\n", m.status)),
                                        None => b.stream(format!("{}\n", m.status)),
                                    }
                                }
                                match self.find_image(&reference) {
                                    Ok((id, _)) => id,
                                    Err(e) => {
                                        b.fail(None, e.message, &[]);
                                        return;
                                    }
                                }
                            }
                            Err(e) => {
                                b.fail(None, e.message, &[]);
                                return;
                            }
                        }
                    }
                };
                let Some(img) = self.images.get(&id).cloned() else { return };
                let st = &mut b.stages[i];
                st.tree = img.rootfs.clone();
                st.config = img.data.config.clone();
                st.config.on_build.clear();
                st.author = img.data.author.clone();
                st.history = img.data.history.clone();
                st.layers = img.data.layers.clone();
                st.image_id = id.clone();
                b.stream(format!(" ---> {}\n", short_id(&id)));
            }
        }
        b.later(50, Vec::new());
    }

    /// The classic builder commits a step as an image whose parent is the one before; a step
    /// whose image exists for the same parent and command comes from the cache.
    fn legacy_commit(&mut self, b: &mut Build, i: usize, text: &str, copy: Option<(Tree, String)>, _now: SimTime) {
        let st = &b.stages[i];
        let shell = st.config.shell.clone().unwrap_or_else(|| vec!["/bin/sh".into(), "-c".into()]).join(" ");
        let single = copy.is_some() || text.starts_with("WORKDIR ");
        let created_by = if single { format!("{shell} #(nop) {text}") } else { format!("{shell} #(nop)  {text}") };
        let container = copy.is_none();
        self.legacy_image(b, i, created_by, container, None);
    }

    /// Makes (or finds in the cache) the image of a legacy step; `cid` is the container a RUN
    /// already ran in.
    fn legacy_image(&mut self, b: &mut Build, i: usize, created_by: String, container: bool, cid: Option<String>) {
        let parent = b.stages[i].image_id.clone();
        let key = key_of(&[&parent, &created_by, &format!("{:?}", b.stages[i].config)]);
        if cid.is_none() && !b.req.no_cache {
            if let Some(id) = self.legacy_cache.get(&key).filter(|id| self.images.contains_key(*id)).cloned() {
                b.stream(" ---> Using cache\n".into());
                b.stream(format!(" ---> {}\n", short_id(&id)));
                if let Some(img) = self.images.get(&id) {
                    let st = &mut b.stages[i];
                    st.tree = img.rootfs.clone();
                    st.history = img.data.history.clone();
                    st.layers = img.data.layers.clone();
                }
                b.stages[i].image_id = id;
                b.report.steps.push(StepReport { name: format!("Step {}/{}", b.legacy.step, b.legacy.total), line: 0, cached: true, reason: "an image for the same command on the same parent exists".into() });
                b.later(20, Vec::new());
                return;
            }
        }
        let cid = match cid {
            Some(c) => Some(c),
            None if container => {
                let c = short_id(&self.rng.hex_id()).to_string();
                b.stream(format!(" ---> Running in {c}\n"));
                Some(c)
            }
            None => None,
        };
        let base_tree = self.images.get(&parent).map(|im| im.rootfs.clone()).unwrap_or_else(|| Tree::new(root_meta(SimTime(0))));
        let st = &b.stages[i];
        let diff = crate::vfs::Layer::diff(&base_tree, &st.tree);
        let mut layers = st.layers.clone();
        let empty = diff.is_empty() && !created_by.contains("#(nop) COPY") && !created_by.contains("#(nop) ADD");
        if !empty {
            layers.push(Arc::new(Layer::new(diff, None)));
        }
        let mut history = st.history.clone();
        history.push(History { created: b.t, created_by, comment: String::new(), author: String::new(), empty_layer: empty });
        let data = ImageData::new(b.t, st.author.clone(), String::new(), st.config.clone(), history.clone(), layers.clone(), parent, super::ENGINE_VERSION.into());
        let id = self.store_image(Arc::new(data));
        self.legacy_cache.insert(key, id.clone());
        if let Some(c) = cid {
            b.stream(format!(" ---> Removed intermediate container {c}\n"));
        }
        b.stream(format!(" ---> {}\n", short_id(&id)));
        let reason = if b.req.no_cache { "--no-cache".to_string() } else { "no image for this command on this parent yet".to_string() };
        b.report.steps.push(StepReport { name: format!("Step {}/{}", b.legacy.step, b.legacy.total), line: 0, cached: false, reason });
        let st = &mut b.stages[i];
        st.history = history;
        st.layers = layers;
        st.image_id = id;
        b.later(100, Vec::new());
    }

    #[allow(clippy::too_many_arguments)]
    fn legacy_run(&mut self, b: &mut Build, i: usize, argv: Vec<String>, env: Vec<String>, key: String, history: String, workdir: String, loc: dockerfile::LineRange, _now: SimTime) {
        let created_by = history.strip_prefix("RUN ").unwrap_or(&history).to_string();
        let parent = b.stages[i].image_id.clone();
        let lkey = key_of(&[&parent, &created_by, &format!("{:?}", b.stages[i].config)]);
        if !b.req.no_cache && self.legacy_cache.get(&lkey).is_some_and(|id| self.images.contains_key(id)) {
            self.legacy_image(b, i, created_by, true, None);
            return;
        }
        let cid = short_id(&self.rng.hex_id()).to_string();
        b.stream(format!(" ---> Running in {cid}\n"));
        let st = &b.stages[i];
        let path = env_get(&env, "PATH").unwrap_or_default();
        let who = lookup_user(&st.tree, &st.config.user).unwrap_or(crate::proc::machine::User { name: "root".into(), uid: 0, home: "/root".into() });
        let Some((_, program)) = resolve(&st.tree, &workdir, &path, &argv[0]) else {
            let msg = format!("failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: \"{}\": executable file not found in $PATH: unknown", argv[0]);
            b.fail(None, msg, &[loc]);
            return;
        };
        let mut process = Process::start(&argv, &program, &env, &workdir, false, false, false, &st.tree);
        process.user = who.name.clone();
        b.wait = Wait::Run(Box::new(RunState {
            v: 0,
            stage: i,
            process,
            wake: b.t + Millis(100),
            argv,
            key,
            env,
            text: created_by.clone(),
            name: String::new(),
            before: st.tree.clone(),
            tree: st.tree.clone(),
            history: created_by,
            line: loc.start,
            reason: String::new(),
            legacy_container: cid,
            locations: vec![loc],
            uid: who.uid,
            files: BTreeMap::new(),
            mounts: Vec::new(),
            online: true,
        }));
    }

    fn legacy_run_finished(&mut self, b: &mut Build, r: RunState, code: i32, _now: SimTime) {
        b.t = r.wake + Millis(50);
        if code != 0 {
            let msg = format!("The command '{}' returned a non-zero code: {code}", r.argv.join(" "));
            b.outcome = Some(Outcome::Failed(Failure { message: msg, excerpt: String::new(), vertex: None, status: code, bare: true }));
            return;
        }
        b.stages[r.stage].tree = r.tree;
        self.legacy_image(b, r.stage, r.history, true, Some(r.legacy_container));
    }
}

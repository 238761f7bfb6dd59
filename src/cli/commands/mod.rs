//! Dispatch: global options, management groups, aliases, flag and argument validation, and the
//! "not simulated yet" answer for commands Dockling does not run yet.

mod archive;
mod build;
mod container;
mod files;
mod inspect;
mod image;
mod lifecycle;
mod network;
mod registry;
mod system;
mod volume;

pub use build::builder_prune_now;
pub use image::image_prune_now;
pub use network::network_prune_now;
pub use volume::volume_prune_now;
pub(crate) use registry::{finish_login, prompt_password};
pub use lifecycle::{container_prune_now, stats_frame};

use super::args::{flags_from_help, parse, Parsed};
use super::{help, Ctx, Outcome};

pub use system::CLIENT_VERSION;

/// How many positional arguments a command takes (cobra's `Args` validators).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ArgRule {
    Any,
    No,
    Exact(usize),
    Min(usize),
    Max(usize),
    Range(usize, usize),
}

type Handler = fn(&Parsed, &mut Ctx, &Invocation) -> Outcome;

/// A resolved command: how it was typed and what runs it.
#[derive(Clone, Debug)]
pub struct Invocation {
    /// As typed: `docker container ls`.
    pub path: String,
}

struct Def {
    name: &'static str,
    aliases: &'static [&'static str],
    key: &'static str,
    rule: ArgRule,
    interspersed: bool,
    run: Option<Handler>,
}

const fn def(name: &'static str, key: &'static str, rule: ArgRule, run: Option<Handler>) -> Def {
    Def {
        name,
        aliases: &[],
        key,
        rule,
        interspersed: true,
        run,
    }
}

const fn def_alias(
    name: &'static str,
    aliases: &'static [&'static str],
    key: &'static str,
    rule: ArgRule,
    run: Option<Handler>,
) -> Def {
    Def {
        name,
        aliases,
        key,
        rule,
        interspersed: true,
        run,
    }
}

const fn def_stop(
    name: &'static str,
    key: &'static str,
    rule: ArgRule,
    run: Option<Handler>,
) -> Def {
    Def {
        name,
        aliases: &[],
        key,
        rule,
        interspersed: false,
        run,
    }
}

use ArgRule::*;

const TOP: &[Def] = &[
    def_stop("run", "run", Min(1), Some(container::run)),
    def_stop("exec", "exec", Min(2), Some(lifecycle::exec)),
    def("ps", "ps", No, Some(container::ps)),
    def("build", "build", Exact(1), Some(build::build)),
    def("pull", "pull", Exact(1), Some(image::pull)),
    def("push", "push", Exact(1), Some(registry::push)),
    def("images", "images", Max(1), Some(image::images)),
    def("login", "login", Max(1), Some(registry::login)),
    def("logout", "logout", Max(1), Some(registry::logout)),
    def("search", "search", Exact(1), Some(registry::search)),
    def("version", "version", No, Some(system::version)),
    def("info", "info", No, None),
    def("attach", "attach", Exact(1), Some(lifecycle::attach)),
    def("commit", "commit", Range(1, 2), Some(archive::commit)),
    def("cp", "cp", Exact(2), Some(files::cp)),
    def_stop("create", "create", Min(1), Some(container::create_cmd)),
    def("diff", "diff", Exact(1), Some(files::diff)),
    def("events", "events", No, None),
    def("export", "export", Exact(1), Some(files::export)),
    def("history", "history", Exact(1), Some(image::history)),
    def("import", "import", Min(1), Some(archive::import)),
    def("inspect", "inspect", Min(1), Some(inspect::inspect)),
    def("kill", "kill", Min(1), Some(lifecycle::kill)),
    def("load", "load", No, Some(archive::load)),
    def("logs", "logs", Exact(1), Some(lifecycle::logs)),
    def("pause", "pause", Min(1), Some(lifecycle::pause)),
    def("port", "port", Range(1, 2), Some(lifecycle::port)),
    def("rename", "rename", Exact(2), Some(lifecycle::rename)),
    def("restart", "restart", Min(1), Some(lifecycle::restart)),
    def("rm", "rm", Min(1), Some(container::rm)),
    def("rmi", "rmi", Min(1), Some(image::rmi)),
    def("save", "save", Min(1), Some(archive::save)),
    def("start", "start", Min(1), Some(lifecycle::start)),
    def("stats", "stats", Any, Some(lifecycle::stats)),
    def("stop", "stop", Min(1), Some(lifecycle::stop)),
    def("tag", "tag", Exact(2), Some(image::tag)),
    def("top", "top", Min(1), Some(lifecycle::top)),
    def("unpause", "unpause", Min(1), Some(lifecycle::unpause)),
    def("update", "update", Min(1), Some(lifecycle::update)),
    def("wait", "wait", Min(1), Some(lifecycle::wait)),
];

const CONTAINER: &[Def] = &[
    def_alias(
        "ls",
        &["list", "ps"],
        "container-ls",
        No,
        Some(container::ps),
    ),
    def_stop("run", "container-run", Min(1), Some(container::run)),
    def_stop(
        "create",
        "container-create",
        Min(1),
        Some(container::create_cmd),
    ),
    def_alias(
        "rm",
        &["remove"],
        "container-rm",
        Min(1),
        Some(container::rm),
    ),
    def("start", "container-start", Min(1), Some(lifecycle::start)),
    def("stop", "container-stop", Min(1), Some(lifecycle::stop)),
    def(
        "restart",
        "container-restart",
        Min(1),
        Some(lifecycle::restart),
    ),
    def("kill", "container-kill", Min(1), Some(lifecycle::kill)),
    def("pause", "container-pause", Min(1), Some(lifecycle::pause)),
    def(
        "unpause",
        "container-unpause",
        Min(1),
        Some(lifecycle::unpause),
    ),
    def(
        "rename",
        "container-rename",
        Exact(2),
        Some(lifecycle::rename),
    ),
    def("wait", "container-wait", Min(1), Some(lifecycle::wait)),
    def("logs", "container-logs", Exact(1), Some(lifecycle::logs)),
    def(
        "attach",
        "container-attach",
        Exact(1),
        Some(lifecycle::attach),
    ),
    def_stop("exec", "container-exec", Min(2), Some(lifecycle::exec)),
    def("top", "container-top", Min(1), Some(lifecycle::top)),
    def(
        "prune",
        "container-prune",
        No,
        Some(lifecycle::container_prune),
    ),
    def("port", "container-port", Range(1, 2), Some(lifecycle::port)),
    def(
        "update",
        "container-update",
        Min(1),
        Some(lifecycle::update),
    ),
    def("cp", "container-cp", Exact(2), Some(files::cp)),
    def("commit", "container-commit", Range(1, 2), Some(archive::commit)),
    def("diff", "container-diff", Exact(1), Some(files::diff)),
    def("export", "container-export", Exact(1), Some(files::export)),
    def("stats", "container-stats", Any, Some(lifecycle::stats)),
    def("inspect", "container-inspect", Min(1), Some(inspect::container_inspect)),
];

const IMAGE: &[Def] = &[
    def("build", "image-build", Exact(1), Some(build::build)),
    def_alias("ls", &["list"], "image-ls", Max(1), Some(image::images)),
    def("pull", "image-pull", Exact(1), Some(image::pull)),
    def("push", "image-push", Exact(1), Some(registry::push)),
    def_alias("rm", &["remove"], "image-rm", Min(1), Some(image::rmi)),
    def("inspect", "image-inspect", Min(1), Some(inspect::image_inspect)),
    def("tag", "image-tag", Exact(2), Some(image::tag)),
    def("history", "image-history", Exact(1), Some(image::history)),
    def("prune", "image-prune", No, Some(image::image_prune)),
    def("save", "image-save", Min(1), Some(archive::save)),
    def("load", "image-load", No, Some(archive::load)),
    def("import", "image-import", Min(1), Some(archive::import)),
];

const NETWORK: &[Def] = &[
    def("create", "network-create", Exact(1), Some(network::create)),
    def_alias("ls", &["list"], "network-ls", No, Some(network::ls)),
    def_alias("rm", &["remove"], "network-rm", Min(1), Some(network::rm)),
    def("inspect", "network-inspect", Min(1), Some(network::inspect)),
    def("connect", "network-connect", Exact(2), Some(network::connect)),
    def("disconnect", "network-disconnect", Exact(2), Some(network::disconnect)),
    def("prune", "network-prune", No, Some(network::prune)),
];

/// `docker builder` is buildx (`docker buildx …`) when buildx is the default builder.
const BUILDER: &[Def] = &[
    def("build", "builder-build", Exact(1), Some(build::build)),
    def("prune", "builder-prune", No, Some(build::builder_prune)),
    def("du", "buildx-du", No, Some(build::builder_du)),
    def("ls", "buildx-ls", No, Some(build::builder_ls)),
    def("version", "buildx-version", No, Some(build::builder_version)),
];

const SYSTEM: &[Def] = &[
    def("df", "system-df", No, Some(system::df)),
    def("prune", "system-prune", No, Some(system::prune)),
];

const VOLUME: &[Def] = &[
    def("create", "volume-create", Max(1), Some(volume::create)),
    def_alias("ls", &["list"], "volume-ls", No, Some(volume::ls)),
    def_alias("rm", &["remove"], "volume-rm", Min(1), Some(volume::rm)),
    def("inspect", "volume-inspect", Min(1), Some(volume::inspect)),
    def("prune", "volume-prune", No, Some(volume::prune)),
];

/// Management commands: their sub-commands come from their help text; those listed in the tables
/// above are simulated.
const GROUPS: &[(&str, &[Def])] = &[
    ("builder", BUILDER),
    ("container", CONTAINER),
    ("context", &[]),
    ("image", IMAGE),
    ("manifest", &[]),
    ("network", NETWORK),
    ("plugin", &[]),
    ("system", SYSTEM),
    ("trust", &[]),
    ("volume", VOLUME),
    ("swarm", &[]),
];

/// Global options of `docker` itself (from `docker --help`).
fn global_specs() -> Vec<super::args::FlagSpec> {
    flags_from_help(help::text("docker").unwrap_or(""))
}

pub fn dispatch(argv: &[String], ctx: &mut Ctx) -> Outcome {
    // Global options end at the first non-flag word.
    let specs = global_specs();
    let first_cmd = find_command_index(argv, &specs);
    let globals = match parse(&argv[..first_cmd], &specs, true) {
        Ok(p) => p,
        Err(e) => return flag_error(ctx, "docker [OPTIONS] COMMAND [ARG...]", "docker", &e.0),
    };
    if globals.bool("version") {
        ctx.out(&format!("Docker version {CLIENT_VERSION}, build e6534b4\n"));
        return Outcome::Done(0);
    }
    let rest = &argv[first_cmd..];
    if globals.help && rest.is_empty() {
        ctx.out(help::text("docker").unwrap_or(""));
        return Outcome::Done(0);
    }
    for unsupported in [
        "host",
        "context",
        "config",
        "tls",
        "tlsverify",
        "tlscacert",
        "tlscert",
        "tlskey",
    ] {
        if globals.has(unsupported) {
            ctx.err(&format!("dockling: the global option --{unsupported} is not simulated; using the simulated daemon\n"));
        }
    }
    let Some(name) = rest.first() else {
        ctx.err(help::text("docker").unwrap_or(""));
        return Outcome::Done(0);
    };
    if name == "help" {
        return help_command(&rest[1..], ctx);
    }
    if let Some((group, defs)) = GROUPS.iter().find(|(g, _)| g == name) {
        return dispatch_group(group, defs, &rest[1..], ctx);
    }
    match TOP
        .iter()
        .find(|d| d.name == name || d.aliases.contains(&name.as_str()))
    {
        Some(d) => invoke(
            d,
            &format!("docker {}", d.name),
            &rest[1..],
            globals.help,
            ctx,
        ),
        None => {
            ctx.err(&format!("docker: unknown command: docker {name}\n\nRun 'docker --help' for more information\n"));
            Outcome::Done(1)
        }
    }
}

/// Index of the first word that is not a global option or its value.
fn find_command_index(argv: &[String], specs: &[super::args::FlagSpec]) -> usize {
    let mut i = 0;
    while i < argv.len() {
        let a = &argv[i];
        if !a.starts_with('-') || a == "-" {
            return i;
        }
        if a == "--" {
            return i;
        }
        let takes_value = if let Some(long) = a.strip_prefix("--") {
            !long.contains('=') && specs.iter().any(|s| s.long == long && s.kind.is_some())
        } else {
            let last = a.chars().last().unwrap_or('-');
            a.len() == 2
                && specs
                    .iter()
                    .any(|s| s.short == Some(last) && s.kind.is_some())
        };
        i += if takes_value { 2 } else { 1 };
    }
    argv.len()
}

fn help_command(rest: &[String], ctx: &mut Ctx) -> Outcome {
    let key = match rest {
        [] => "docker".to_string(),
        [one] => one.clone(),
        [group, sub, ..] => format!("{group}-{sub}"),
    };
    match help::text(&key) {
        Some(t) => {
            ctx.out(t);
            Outcome::Done(0)
        }
        None => {
            ctx.err(&format!("unknown help topic: {}\n", rest.join(" ")));
            Outcome::Done(1)
        }
    }
}

fn dispatch_group(group: &str, defs: &[Def], rest: &[String], ctx: &mut Ctx) -> Outcome {
    let group_help = help::text(group).unwrap_or("");
    if group == "builder" {
        // buildx: the help on stdout; an unknown command after it, on stderr.
        match rest.first().map(String::as_str) {
            None | Some("--help") | Some("-h") => {
                ctx.out(group_help);
                return Outcome::Done(0);
            }
            Some(sub) if !sub.starts_with('-') && !defs.iter().any(|d| d.name == sub) && !is_listed(group_help, sub) => {
                ctx.out(group_help);
                ctx.err(&format!("ERROR: unknown command: \"{sub}\"\n"));
                return Outcome::Done(1);
            }
            _ => {}
        }
    }
    let Some(sub) = rest.first() else {
        ctx.err(group_help);
        return Outcome::Done(0);
    };
    if sub == "--help" || sub == "-h" {
        ctx.out(group_help);
        return Outcome::Done(0);
    }
    if sub.starts_with('-') {
        let specs = Vec::new();
        if let Err(e) = parse(&rest[..1], &specs, true) {
            return flag_error(
                ctx,
                &format!("docker {group} COMMAND"),
                &format!("docker {group}"),
                &e.0,
            );
        }
    }
    if let Some(d) = defs
        .iter()
        .find(|d| d.name == sub || d.aliases.contains(&sub.as_str()))
    {
        return invoke(
            d,
            &format!("docker {group} {}", d.name),
            &rest[1..],
            false,
            ctx,
        );
    }
    let key = format!("{group}-{sub}");
    if help::text(&key).is_none() && is_listed(group_help, sub) {
        ctx.err(&format!("dockling: 'docker {group} {sub}' is not simulated yet\n"));
        return Outcome::Done(1);
    }
    if help::text(&key).is_some() && is_listed(group_help, sub) {
        let d = Def {
            name: "",
            aliases: &[],
            key: "",
            rule: Any,
            interspersed: true,
            run: None,
        };
        return invoke_key(
            &d,
            &key,
            &format!("docker {group} {sub}"),
            &rest[1..],
            false,
            ctx,
        );
    }
    ctx.err(&format!(
        "docker: unknown command: docker {group} {sub}\n\nUsage:  docker {group}\n\nRun 'docker {group} --help' for more information\n"
    ));
    Outcome::Done(1)
}

fn is_listed(group_help: &str, sub: &str) -> bool {
    group_help
        .lines()
        .any(|l| l.starts_with("  ") && l.split_whitespace().next() == Some(sub))
}

fn invoke(d: &Def, path: &str, args: &[String], help_given: bool, ctx: &mut Ctx) -> Outcome {
    invoke_key(d, d.key, path, args, help_given, ctx)
}

/// Deprecated flags 28.2.2 still accepts but hides from `--help`.
fn hidden_flags(key: &str) -> Vec<super::args::FlagSpec> {
    let flag = |long: &str, kind: Option<&str>| super::args::FlagSpec {
        long: long.into(),
        short: None,
        kind: kind.map(str::to_string),
    };
    match key {
        "stop" | "restart" | "container-stop" | "container-restart" => {
            vec![flag("time", Some("int"))]
        }
        // buildx still accepts the classic builder's flags, hidden.
        "build" | "image-build" | "builder-build" | "buildx-build" => {
            let mut v: Vec<super::args::FlagSpec> = ["isolation", "memory-swap", "cpuset-cpus", "cpuset-mems", "print"]
                .iter()
                .map(|f| flag(f, Some("string")))
                .collect();
            v.push(super::args::FlagSpec { long: "memory".into(), short: Some('m'), kind: Some("string".into()) });
            v.push(flag("security-opt", Some("strings")));
            for b in ["compress", "squash", "force-rm", "rm"] {
                v.push(flag(b, None));
            }
            v.push(super::args::FlagSpec { long: "cpu-shares".into(), short: Some('c'), kind: Some("int".into()) });
            v.push(flag("cpu-period", Some("int")));
            v.push(flag("cpu-quota", Some("int")));
            v
        }
        _ => Vec::new(),
    }
}

/// Deprecated flags and pflag's advice for them.
fn deprecated_flags(key: &str) -> &'static [(&'static str, &'static str)] {
    match key {
        "stop" | "restart" | "container-stop" | "container-restart" => &[("time", "use --timeout instead")],
        _ => &[],
    }
}

fn usage_line(help_text: &str) -> &str {
    help_text
        .lines()
        .find_map(|l| l.strip_prefix("Usage:  "))
        .unwrap_or("")
}

fn invoke_key(
    d: &Def,
    key: &str,
    path: &str,
    args: &[String],
    help_given: bool,
    ctx: &mut Ctx,
) -> Outcome {
    // `docker build` is buildx's (`docker buildx build`) unless DOCKER_BUILDKIT=0 asks for the
    // classic builder.
    let is_build = matches!(key, "build" | "image-build" | "builder-build");
    let legacy = is_build && ctx.var("DOCKER_BUILDKIT").is_some_and(|v| super::args::parse_bool(v) == Some(false));
    let key = if legacy { "build-legacy" } else { key };
    let buildx = is_build && !legacy;
    let path = if buildx { "docker buildx build" } else { path };
    let help_text = help::text(key).unwrap_or("");
    let mut specs = flags_from_help(help_text);
    specs.extend(hidden_flags(key));
    let usage = usage_line(help_text);
    let parsed = match parse(args, &specs, d.interspersed) {
        Ok(p) => p,
        Err(e) => return flag_error(ctx, usage, path, &e.0),
    };
    // pflag prints a deprecation line for hidden deprecated flags, then goes on.
    for (flag, instead) in deprecated_flags(key) {
        if parsed.has(flag) {
            ctx.err(&format!("Flag --{flag} has been deprecated, {instead}\n"));
        }
    }
    if parsed.help || help_given {
        if parsed.help_shorthand {
            ctx.out("Flag shorthand -h has been deprecated, use --help\n");
        }
        ctx.out(help_text);
        return Outcome::Done(0);
    }
    let n = parsed.args.len();
    let plural = |k: usize| if k == 1 { "argument" } else { "arguments" };
    let problem = match d.rule {
        Any => None,
        No if n > 0 => Some((format!("accepts no arguments"), "Run")),
        Exact(k) if n != k => Some((format!("requires {k} {}", plural(k)), "Run")),
        Min(k) if n < k => Some((format!("requires at least {k} {}", plural(k)), "See")),
        Max(k) if n > k => Some((format!("requires at most {k} {}", plural(k)), "SRun")),
        Range(a, b) if n < a || n > b => Some((
            format!("requires at least {a} and at most {b} arguments"),
            "See",
        )),
        _ => None,
    };
    if let Some((what, verb)) = problem {
        if buildx {
            ctx.err(&format!("ERROR: docker: '{path}' requires 1 argument\n\nUsage:  {usage}\n\nRun '{path} --help' for more information\n"));
            return Outcome::Done(1);
        }
        ctx.err(&format!(
            "docker: '{path}' {what}\n\nUsage:  {usage}\n\n{verb} '{path} --help' for more information\n"
        ));
        return Outcome::Done(1);
    }
    let inv = Invocation {
        path: path.to_string(),
    };
    match d.run {
        Some(run) => run(&parsed, ctx, &inv),
        None => {
            ctx.err(&format!("dockling: '{path}' is not simulated yet\n"));
            Outcome::Done(1)
        }
    }
}

/// `docker system prune`: containers, networks, (anonymous volumes,) images, build cache, each
/// section printed as its own prune prints it, then the total.
pub fn system_prune_now(
    daemon: &mut crate::daemon::Daemon,
    action: &super::pending::Confirmed,
    now: crate::clock::SimTime,
    io: &mut dyn super::Io,
) -> Result<(), crate::api::ApiError> {
    use crate::api::StdStream;
    let super::pending::Confirmed::SystemPrune { all, volumes, filters } = action else {
        return Ok(());
    };
    let mut total = 0u64;
    let ids = daemon.container_prune();
    if !ids.is_empty() {
        io.write(StdStream::Stdout, &format!("Deleted Containers:\n{}\n\n", ids.join("\n")));
    }
    let nets = daemon.network_prune();
    if !nets.is_empty() {
        io.write(StdStream::Stdout, &format!("Deleted Networks:\n{}\n\n", nets.join("\n")));
    }
    if *volumes {
        let (gone, reclaimed) = daemon.volume_prune(&crate::api::Filters::default())?;
        total += reclaimed;
        if !gone.is_empty() {
            io.write(StdStream::Stdout, &format!("Deleted Volumes:\n{}\n\n", gone.join("\n")));
        }
    }
    let mut f = filters.clone();
    if *all {
        f.0.push(("dangling".into(), "false".into()));
    }
    let report = daemon.image_prune(&f, now)?;
    total += report.reclaimed;
    if !report.deleted.is_empty() {
        let mut s = String::from("Deleted Images:\n");
        for item in &report.deleted {
            match item {
                crate::api::ImageDeleteItem::Untagged(r) => s.push_str(&format!("untagged: {r}\n")),
                crate::api::ImageDeleteItem::Deleted(d) => s.push_str(&format!("deleted: {d}\n")),
            }
        }
        s.push('\n');
        io.write(StdStream::Stdout, &s);
    }
    let (cache_ids, cache_bytes) = daemon.build_cache_prune(*all);
    total += cache_bytes;
    if !cache_ids.is_empty() {
        io.write(StdStream::Stdout, &format!("Deleted build cache objects:\n{}\n\n", cache_ids.join("\n")));
    }
    io.write(StdStream::Stdout, &format!("Total reclaimed space: {}\n", crate::text::human_size(total)));
    Ok(())
}

pub(super) fn flag_error(ctx: &mut Ctx, usage: &str, path: &str, msg: &str) -> Outcome {
    ctx.err(&format!(
        "{msg}\n\nUsage:  {usage}\n\nRun '{path} --help' for more information\n"
    ));
    Outcome::Done(125)
}

/// Prints a daemon error as the CLI does and returns exit code 1.
pub(super) fn daemon_error(ctx: &mut Ctx, e: &crate::api::ApiError) -> Outcome {
    ctx.err(&format!("Error response from daemon: {}\n", e.message));
    Outcome::Done(1)
}

//! Typed instructions, as BuildKit's `instructions.Parse`: stages, commands, flags and the
//! exact errors; and [`expand_command`], BuildKit's per-instruction variable expansion.

use super::duration::parse_duration;
use super::expand::{Env, Lexer};
use super::flags::{Flags, Kind};
use super::gostr::{quote, trim_space, with_suggestion};
use super::heredoc::{chomp, parse_heredoc, Heredoc};
pub use super::mount::Mount;
use super::mount::parse_mount;
use super::{Diagnostic, LineRange, NodeRef, Parsed, Span};
use crate::clock::Millis;

/// What every command keeps of its source (BuildKit's `withNameAndCode` and location).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    /// The instruction word as written (`RUN`, `run`…).
    pub name: String,
    /// The source text, trimmed (BuildKit prints it: `[2/5] RUN npm install`).
    pub original: String,
    /// The source bytes.
    pub span: Span,
    /// First line (1-based).
    pub start_line: u32,
    /// Last line (here-document bodies included).
    pub end_line: u32,
    /// Comment lines directly above.
    pub comments: Vec<String>,
}

impl Meta {
    fn of(n: N<'_, '_>) -> Meta {
        Meta {
            name: n.name().to_string(),
            original: trim_space(n.original()).to_string(),
            span: n.span,
            start_line: n.start_line,
            end_line: n.end_line,
            comments: n.comments().iter().map(String::from).collect(),
        }
    }

    /// A diagnostic located on this command's lines.
    pub fn diagnostic(&self, message: String) -> Diagnostic {
        Diagnostic::new(message, self.start_line, self.end_line, self.span)
    }
}

/// A command line in shell form (run through the stage's SHELL) or exec form (JSON).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShellOrExec {
    /// `RUN echo hi`: the text, as written.
    Shell(String),
    /// `RUN ["echo", "hi"]`: the argument vector.
    Exec(Vec<String>),
}

/// A key/value pair of ENV or LABEL (quotes are removed by [`expand_command`], as BuildKit does).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyValue {
    /// The key.
    pub key: String,
    /// The value.
    pub value: String,
    /// Written in the legacy `KEY value` form.
    pub no_delim: bool,
}

/// ENV or LABEL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyValues {
    /// Source.
    pub meta: Meta,
    /// The pairs in order.
    pub pairs: Vec<KeyValue>,
}

/// One name of an ARG instruction.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArgDef {
    /// The name.
    pub name: String,
    /// The default, when `name=default` was written.
    pub default: Option<String>,
}

/// ARG (one or more names).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Arg {
    /// Source.
    pub meta: Meta,
    /// The names declared, in order.
    pub args: Vec<ArgDef>,
}

/// CMD or ENTRYPOINT.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CmdLine {
    /// Source.
    pub meta: Meta,
    /// The command.
    pub cmd: ShellOrExec,
    /// Here-documents.
    pub heredocs: Vec<Heredoc<'static>>,
}

/// RUN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// Source.
    pub meta: Meta,
    /// The command.
    pub cmd: ShellOrExec,
    /// Here-documents (`RUN <<EOF`).
    pub heredocs: Vec<Heredoc<'static>>,
    /// `--mount` as written.
    pub mount_specs: Vec<String>,
    /// `--mount` parsed without expansion (empty when one does not parse yet; see [`expand_command`]).
    pub mounts: Vec<Mount>,
    /// `--network`: `default`, `none` or `host`.
    pub network: String,
    /// `--security`: `sandbox` or `insecure`.
    pub security: String,
    /// `--device` as written.
    pub devices: Vec<String>,
    /// The flags given.
    pub flags_used: Vec<String>,
}

/// SHELL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shell {
    /// Source.
    pub meta: Meta,
    /// The shell and its arguments.
    pub shell: Vec<String>,
}

/// A COPY/ADD source given inline as a here-document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceContent {
    /// The file name (the delimiter word).
    pub path: String,
    /// The content (tabs already stripped for `<<-`).
    pub data: String,
    /// Whether variables in it are expanded.
    pub expand: bool,
}

/// COPY.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Copy {
    /// Source.
    pub meta: Meta,
    /// Source paths.
    pub sources: Vec<String>,
    /// Here-document sources.
    pub contents: Vec<SourceContent>,
    /// Destination.
    pub dest: String,
    /// `--from`.
    pub from: Option<String>,
    /// `--chown`.
    pub chown: Option<String>,
    /// `--chmod`.
    pub chmod: Option<String>,
    /// `--link`.
    pub link: bool,
    /// `--parents`.
    pub parents: bool,
    /// `--exclude` patterns.
    pub exclude: Vec<String>,
}

/// ADD.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Add {
    /// Source.
    pub meta: Meta,
    /// Source paths or URLs.
    pub sources: Vec<String>,
    /// Here-document sources.
    pub contents: Vec<SourceContent>,
    /// Destination.
    pub dest: String,
    /// `--chown`.
    pub chown: Option<String>,
    /// `--chmod`.
    pub chmod: Option<String>,
    /// `--link`.
    pub link: bool,
    /// `--keep-git-dir` when given.
    pub keep_git_dir: Option<bool>,
    /// `--checksum`.
    pub checksum: Option<String>,
    /// `--unpack` when given.
    pub unpack: Option<bool>,
    /// `--exclude` patterns.
    pub exclude: Vec<String>,
}

/// EXPOSE.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expose {
    /// Source.
    pub meta: Meta,
    /// The port words, sorted as BuildKit sorts them (as strings).
    pub ports: Vec<String>,
}

/// VOLUME.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Volume {
    /// Source.
    pub meta: Meta,
    /// The paths.
    pub paths: Vec<String>,
}

/// USER, WORKDIR, STOPSIGNAL or MAINTAINER: one value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Single {
    /// Source.
    pub meta: Meta,
    /// The value, as written.
    pub value: String,
}

/// MAINTAINER.
pub type Maintainer = Single;

/// HEALTHCHECK.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Healthcheck {
    /// `["NONE"]`, `["CMD", args…]` (exec form) or `["CMD-SHELL", command]`.
    pub test: Vec<String>,
    /// Source.
    pub meta: Meta,
    /// `--interval` (0 when not given).
    pub interval: Millis,
    /// `--timeout`.
    pub timeout: Millis,
    /// `--start-period`.
    pub start_period: Millis,
    /// `--start-interval`.
    pub start_interval: Millis,
    /// `--retries`.
    pub retries: u32,
}

/// ONBUILD.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Onbuild {
    /// Source.
    pub meta: Meta,
    /// The trigger instruction's text (what goes into the image's `OnBuild`).
    pub expression: String,
}

/// One instruction of a stage (FROM is the [`Stage`] itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// RUN.
    Run(Run),
    /// CMD.
    Cmd(CmdLine),
    /// ENTRYPOINT.
    Entrypoint(CmdLine),
    /// SHELL.
    Shell(Shell),
    /// COPY.
    Copy(Copy),
    /// ADD.
    Add(Add),
    /// ENV.
    Env(KeyValues),
    /// LABEL.
    Label(KeyValues),
    /// ARG inside a stage.
    Arg(Arg),
    /// EXPOSE.
    Expose(Expose),
    /// VOLUME.
    Volume(Volume),
    /// USER.
    User(Single),
    /// WORKDIR.
    Workdir(Single),
    /// STOPSIGNAL.
    Stopsignal(Single),
    /// HEALTHCHECK.
    Healthcheck(Healthcheck),
    /// ONBUILD.
    Onbuild(Onbuild),
    /// MAINTAINER.
    Maintainer(Single),
}

impl Command {
    /// The command's source information.
    pub fn meta(&self) -> &Meta {
        match self {
            Command::Run(c) => &c.meta,
            Command::Cmd(c) | Command::Entrypoint(c) => &c.meta,
            Command::Shell(c) => &c.meta,
            Command::Copy(c) => &c.meta,
            Command::Add(c) => &c.meta,
            Command::Env(c) | Command::Label(c) => &c.meta,
            Command::Arg(c) => &c.meta,
            Command::Expose(c) => &c.meta,
            Command::Volume(c) => &c.meta,
            Command::User(c) | Command::Workdir(c) | Command::Stopsignal(c) | Command::Maintainer(c) => &c.meta,
            Command::Healthcheck(c) => &c.meta,
            Command::Onbuild(c) => &c.meta,
        }
    }
}

/// A build stage: its FROM line and the commands after it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stage {
    /// `AS name`, lower-cased.
    pub name: Option<String>,
    /// The base image or stage, as written (variables not expanded).
    pub base: String,
    /// `--platform`, as written.
    pub platform: Option<String>,
    /// The FROM line (1-based).
    pub line: u32,
    /// The FROM instruction's source.
    pub meta: Meta,
    /// FROM's arguments as written (`["img", "AS", "Name"]`), for the casing checks.
    pub from_args: Vec<String>,
    /// The stage's commands.
    pub commands: Vec<Command>,
}

/// A Dockerfile as typed instructions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dockerfile {
    /// ARGs before the first FROM.
    pub meta_args: Vec<Arg>,
    /// The stages in order.
    pub stages: Vec<Stage>,
}

/// Which Dockerfile frontend's rules apply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Frontend {
    /// BuildKit's current frontend (what `# syntax=docker/dockerfile:1` pulls today).
    #[default]
    Latest,
    /// The frontend built into Docker Engine 28.2 (BuildKit v0.22, stable channel): no
    /// `COPY --parents`, no `--exclude` on COPY/ADD, no `ADD --unpack`, no `RUN --security`.
    Builtin,
}

/// Drops the flag definitions `frontend` does not know.
fn defs_for<'d>(frontend: Frontend, defs: &[(&'static str, Kind, &'d str)]) -> Vec<(&'static str, Kind, &'d str)> {
    let missing: &[&str] = match frontend {
        Frontend::Latest => &[],
        Frontend::Builtin => &["parents", "exclude", "unpack", "security"],
    };
    defs.iter().filter(|d| !missing.contains(&d.0)).copied().collect()
}

/// The instruction names (BuildKit's `command.Commands`), as suggestions use them.
const NAMES: [&str; 18] = [
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD",
    "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
];

enum Item {
    Stage(Stage),
    Command(Command),
}

fn exactly_one(cmd: &str) -> String {
    format!("{cmd} requires exactly one argument")
}

fn at_least_one(cmd: &str) -> String {
    format!("{cmd} requires at least one argument")
}

type N<'t, 'a> = NodeRef<'t, 'a>;

/// BuildKit's `nodeArgs`: ONBUILD's nested instruction becomes its word and arguments.
fn node_args(n: N<'_, '_>) -> Vec<String> {
    let mut out: Vec<String> = n.args().iter().map(String::from).collect();
    if let Some(sub) = n.sub() {
        out.push(sub.name().to_string());
        out.extend(node_args(sub));
    }
    out
}

fn cmd_line(n: N<'_, '_>, args: &[String]) -> ShellOrExec {
    if n.json {
        ShellOrExec::Exec(args.to_vec())
    } else {
        ShellOrExec::Shell(args.join(" "))
    }
}

fn no_flags(n: N<'_, '_>) -> Result<Flags, String> {
    Flags::parse(&n.flags().to_vec(), &[])
}

fn key_values(n: N<'_, '_>, args: &[String], cmd: &str) -> Result<KeyValues, String> {
    no_flags(n)?;
    if args.is_empty() {
        return Err(at_least_one(cmd));
    }
    if !args.len().is_multiple_of(3) {
        return Err(format!("Bad input to {cmd}, too many arguments"));
    }
    let mut pairs = Vec::new();
    for c in args.chunks(3) {
        if c[0].is_empty() {
            return Err(format!("{cmd} names can not be blank"));
        }
        pairs.push(KeyValue { key: c[0].clone(), value: c[1].clone(), no_delim: c[2].is_empty() });
    }
    Ok(KeyValues { meta: Meta::of(n), pairs })
}

type SourcesAndDest = (Vec<String>, Vec<SourceContent>, String);

fn sources_and_dest(n: N<'_, '_>, args: &[String], cmd: &str) -> Result<SourcesAndDest, String> {
    let (dest, srcs) = args.split_last().ok_or_else(|| at_least_one(cmd))?;
    if parse_heredoc(dest).ok().flatten().is_some() {
        return Err(format!("{cmd} cannot accept a heredoc as a destination"));
    }
    let (mut paths, mut contents) = (Vec::new(), Vec::new());
    for src in srcs {
        match parse_heredoc(src).ok().flatten() {
            Some(h) => {
                let content = n.heredocs().iter().rev().find(|d| d.name == h.name).map(|d| d.content.to_string()).unwrap_or_default();
                let data = if h.chomp { chomp(&content) } else { content };
                contents.push(SourceContent { path: h.name, data, expand: h.expand });
            }
            None => paths.push(src.clone()),
        }
    }
    Ok((paths, contents, dest.clone()))
}

fn parse_opt_interval(flags: &Flags, name: &str) -> Result<Millis, String> {
    let Some(s) = flags.string(name) else { return Ok(Millis(0)) };
    let d = parse_duration(&s)?;
    if d == 0 {
        return Ok(Millis(0));
    }
    if d < 1_000_000 {
        return Err(format!("Interval {} cannot be less than 1ms", quote(name)));
    }
    Ok(Millis(d as u64 / 1_000_000))
}

/// Go's `strconv.ParseInt(s, 10, 32)` error text.
fn parse_int32(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.ParseInt: parsing {}: invalid syntax", quote(s)));
    }
    match s.parse::<i64>() {
        Ok(v) if (i32::MIN as i64..=i32::MAX as i64).contains(&v) => Ok(v),
        _ => Err(format!("strconv.ParseInt: parsing {}: value out of range", quote(s))),
    }
}

fn healthcheck(n: N<'_, '_>, args: &[String]) -> Result<Healthcheck, String> {
    let typ = args.first().ok_or_else(|| at_least_one("HEALTHCHECK"))?.to_uppercase();
    let rest = &args[1..];
    let mut h = Healthcheck { meta: Meta::of(n), ..Healthcheck::default() };
    if typ == "NONE" {
        if !rest.is_empty() {
            return Err("HEALTHCHECK NONE takes no arguments".into());
        }
        h.test = vec![typ];
        return Ok(h);
    }
    let defs = [
        ("interval", Kind::Str, ""),
        ("timeout", Kind::Str, ""),
        ("start-period", Kind::Str, ""),
        ("start-interval", Kind::Str, ""),
        ("retries", Kind::Str, ""),
    ];
    let flags = Flags::parse(&n.flags().to_vec(), &defs)?;
    if typ != "CMD" {
        return Err(format!("Unknown type {} in HEALTHCHECK (try CMD)", quote(&typ)));
    }
    if rest.is_empty() {
        return Err("Missing command after HEALTHCHECK CMD".into());
    }
    h.test = if n.json {
        std::iter::once(typ).chain(rest.iter().cloned()).collect()
    } else {
        vec!["CMD-SHELL".into(), rest.join(" ")]
    };
    h.interval = parse_opt_interval(&flags, "interval")?;
    h.timeout = parse_opt_interval(&flags, "timeout")?;
    h.start_period = parse_opt_interval(&flags, "start-period")?;
    h.start_interval = parse_opt_interval(&flags, "start-interval")?;
    if let Some(r) = flags.string("retries") {
        let v = parse_int32(&r)?;
        if v < 0 {
            return Err(format!("--retries cannot be negative ({v})"));
        }
        h.retries = v as u32;
    }
    Ok(h)
}

fn is_valid_stage_name(s: &str) -> bool {
    let mut c = s.chars();
    c.next().is_some_and(|f| f.is_ascii_lowercase())
        && c.all(|x| x.is_ascii_lowercase() || x.is_ascii_digit() || matches!(x, '-' | '_' | '.'))
}

fn from(n: N<'_, '_>, args: &[String]) -> Result<Stage, String> {
    let name = match args {
        [_, as_kw, name] if as_kw.eq_ignore_ascii_case("as") => {
            let lower = name.to_lowercase();
            if !is_valid_stage_name(&lower) {
                return Err(format!(
                    "invalid name for build stage: {}, name can't start with a number or contain symbols",
                    quote(name)
                ));
            }
            Some(lower)
        }
        [_] => None,
        _ => return Err("FROM requires either one or three arguments".into()),
    };
    let flags = Flags::parse(&n.flags().to_vec(), &[("platform", Kind::Str, "")])?;
    Ok(Stage {
        name,
        base: args[0].clone(),
        platform: flags.string("platform"),
        line: n.start_line,
        meta: Meta::of(n),
        from_args: args.to_vec(),
        commands: Vec::new(),
    })
}

/// Strips `(?i)^\s*ONBUILD\s*` from the original line.
fn strip_onbuild(original: &str) -> &str {
    let re_space = |c: char| matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ');
    let s = original.trim_start_matches(re_space);
    match s.get(..7) {
        Some(w) if w.eq_ignore_ascii_case("onbuild") => s[7..].trim_start_matches(re_space),
        _ => original,
    }
}

fn run(n: N<'_, '_>, args: &[String], fe: Frontend) -> Result<Run, String> {
    let defs = [
        ("device", Kind::Strings, ""),
        ("mount", Kind::Strings, ""),
        ("network", Kind::Str, "default"),
        ("security", Kind::Str, "sandbox"),
    ];
    let flags = Flags::parse(&n.flags().to_vec(), &defs_for(fe, &defs))?;
    let specs = flags.strings("mount");
    // Parse-time checks only (as BuildKit's post hook), then a best-effort full parse.
    for s in &specs {
        parse_mount(s, None)?;
    }
    let id = |s: &str| Ok(s.to_string());
    let mounts: Result<Vec<Mount>, String> = specs.iter().map(|s| parse_mount(s, Some(&id))).collect();
    let network = flags.string_or_default("network");
    if !matches!(network.as_str(), "default" | "none" | "host") {
        return Err(format!("invalid network mode {}", quote(&network)));
    }
    let security = if fe == Frontend::Builtin { "sandbox".into() } else { flags.string_or_default("security") };
    if !matches!(security.as_str(), "insecure" | "sandbox") {
        return Err(format!("security {} is not valid", quote(&security)));
    }
    Ok(Run {
        meta: Meta::of(n),
        cmd: cmd_line(n, args),
        heredocs: n.heredocs().iter().map(|h| h.clone().into_owned()).collect(),
        mount_specs: specs,
        mounts: mounts.unwrap_or_default(),
        network,
        security,
        devices: flags.strings("device"),
        flags_used: flags.used(),
    })
}

/// BuildKit's `ParseInstruction` for one node.
fn parse_instruction(n: N<'_, '_>, fe: Frontend) -> Result<Item, String> {
    let args = node_args(n);
    let c = |cmd: Command| Ok(Item::Command(cmd));
    match n.value() {
        "env" => c(Command::Env(key_values(n, &args, "ENV")?)),
        "label" => c(Command::Label(key_values(n, &args, "LABEL")?)),
        "maintainer" => {
            if args.len() != 1 {
                return Err(exactly_one("MAINTAINER"));
            }
            no_flags(n)?;
            c(Command::Maintainer(Single { meta: Meta::of(n), value: args[0].clone() }))
        }
        "add" => {
            if args.len() < 2 {
                return Err("ADD requires at least two arguments, but only one was provided. Destination could not be determined".into());
            }
            let defs = [
                ("chown", Kind::Str, ""),
                ("chmod", Kind::Str, ""),
                ("link", Kind::Bool, ""),
                ("keep-git-dir", Kind::Bool, ""),
                ("checksum", Kind::Str, ""),
                ("unpack", Kind::Bool, ""),
                ("exclude", Kind::Strings, ""),
            ];
            let f = Flags::parse(&n.flags().to_vec(), &defs_for(fe, &defs))?;
            let (sources, contents, dest) = sources_and_dest(n, &args, "ADD")?;
            c(Command::Add(Add {
                meta: Meta::of(n),
                sources,
                contents,
                dest,
                chown: f.string("chown"),
                chmod: f.string("chmod"),
                link: f.bool("link"),
                keep_git_dir: f.bool_if_used("keep-git-dir"),
                checksum: f.string("checksum"),
                unpack: f.bool_if_used("unpack"),
                exclude: f.strings("exclude"),
            }))
        }
        "copy" => {
            if args.len() < 2 {
                return Err("COPY requires at least two arguments, but only one was provided. Destination could not be determined".into());
            }
            let defs = [
                ("chown", Kind::Str, ""),
                ("from", Kind::Str, ""),
                ("chmod", Kind::Str, ""),
                ("link", Kind::Bool, ""),
                ("exclude", Kind::Strings, ""),
                ("parents", Kind::Bool, ""),
            ];
            let f = Flags::parse(&n.flags().to_vec(), &defs_for(fe, &defs))?;
            let (sources, contents, dest) = sources_and_dest(n, &args, "COPY")?;
            c(Command::Copy(Copy {
                meta: Meta::of(n),
                sources,
                contents,
                dest,
                from: f.string("from"),
                chown: f.string("chown"),
                chmod: f.string("chmod"),
                link: f.bool("link"),
                parents: f.bool("parents"),
                exclude: f.strings("exclude"),
            }))
        }
        "from" => Ok(Item::Stage(from(n, &args)?)),
        "onbuild" => {
            let first = args.first().ok_or_else(|| at_least_one("ONBUILD"))?;
            no_flags(n)?;
            let trigger = trim_space(first).to_uppercase();
            match trigger.as_str() {
                "ONBUILD" => return Err("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".into()),
                "MAINTAINER" | "FROM" => return Err(format!("{trigger} isn't allowed as an ONBUILD trigger")),
                _ => {}
            }
            let mut expression = strip_onbuild(n.original()).to_string();
            for h in n.heredocs() {
                expression.push('\n');
                expression.push_str(&h.content);
                expression.push_str(&h.name);
            }
            c(Command::Onbuild(Onbuild { meta: Meta::of(n), expression }))
        }
        "workdir" | "user" => {
            let upper = n.value().to_uppercase();
            if args.len() != 1 {
                return Err(exactly_one(&upper));
            }
            no_flags(n)?;
            let s = Single { meta: Meta::of(n), value: args[0].clone() };
            c(if n.value() == "user" { Command::User(s) } else { Command::Workdir(s) })
        }
        "run" => c(Command::Run(run(n, &args, fe)?)),
        "cmd" | "entrypoint" => {
            no_flags(n)?;
            let cl = CmdLine { meta: Meta::of(n), cmd: cmd_line(n, &args), heredocs: n.heredocs().iter().map(|h| h.clone().into_owned()).collect() };
            c(if n.value() == "cmd" { Command::Cmd(cl) } else { Command::Entrypoint(cl) })
        }
        "healthcheck" => c(Command::Healthcheck(healthcheck(n, &args)?)),
        "expose" => {
            if args.is_empty() {
                return Err(at_least_one("EXPOSE"));
            }
            no_flags(n)?;
            let mut ports = args.clone();
            ports.sort();
            c(Command::Expose(Expose { meta: Meta::of(n), ports }))
        }
        "volume" => {
            if args.is_empty() {
                return Err(at_least_one("VOLUME"));
            }
            no_flags(n)?;
            let mut paths = Vec::new();
            for v in &args {
                let v = trim_space(v);
                if v.is_empty() {
                    return Err("VOLUME specified can not be an empty string".into());
                }
                paths.push(v.to_string());
            }
            c(Command::Volume(Volume { meta: Meta::of(n), paths }))
        }
        "stopsignal" => {
            if args.len() != 1 {
                return Err(exactly_one("STOPSIGNAL"));
            }
            c(Command::Stopsignal(Single { meta: Meta::of(n), value: args[0].clone() }))
        }
        "arg" => {
            if args.is_empty() {
                return Err(at_least_one("ARG"));
            }
            let mut defs = Vec::new();
            for a in &args {
                let d = match a.split_once('=') {
                    Some(("", _)) => return Err("ARG names can not be blank".into()),
                    Some((k, v)) => ArgDef { name: k.into(), default: Some(v.into()) },
                    None => ArgDef { name: a.clone(), default: None },
                };
                defs.push(d);
            }
            c(Command::Arg(Arg { meta: Meta::of(n), args: defs }))
        }
        "shell" => {
            no_flags(n)?;
            if args.is_empty() {
                return Err(at_least_one("SHELL"));
            }
            if !n.json {
                return Err("SHELL requires the arguments to be in JSON form".into());
            }
            c(Command::Shell(Shell { meta: Meta::of(n), shell: args }))
        }
        _ => Err(with_suggestion(format!("unknown instruction: {}", n.name()), n.name(), &NAMES, false)),
    }
}

/// Types the syntax tree as BuildKit's `instructions.Parse` does (current frontend). The
/// diagnostics start with the parser's own; the first one is the error BuildKit reports.
pub fn instructions(parsed: &Parsed) -> (Dockerfile, Vec<Diagnostic>) {
    instructions_with(parsed, Frontend::Latest)
}

/// [`instructions`] with a given frontend's rules.
pub fn instructions_with(parsed: &Parsed, frontend: Frontend) -> (Dockerfile, Vec<Diagnostic>) {
    let mut diags = parsed.diagnostics.clone();
    let mut df = Dockerfile::default();
    for n in parsed.ast.nodes() {
        match parse_instruction(n, frontend) {
            Err(e) => {
                let msg = if e.starts_with("dockling: ") { e } else { format!("dockerfile parse error on line {}: {e}", n.start_line) };
                diags.push(Diagnostic::new(msg, n.start_line, n.end_line, n.span));
            }
            Ok(Item::Stage(s)) => df.stages.push(s),
            Ok(Item::Command(Command::Arg(a))) if df.stages.is_empty() => df.meta_args.push(a),
            Ok(Item::Command(c)) => match df.stages.last_mut() {
                Some(st) => st.commands.push(c),
                None => diags.push(Diagnostic::new("no build stage in current context".into(), n.start_line, n.end_line, n.span)),
            },
        }
    }
    if df.stages.is_empty() && diags.is_empty() {
        diags.push(Diagnostic { message: "dockerfile contains no stages to build".into(), ..Diagnostic::default() });
    }
    (df, diags)
}

/// Applies BuildKit's expansion rules to one command, as the builder does before running it:
/// ENV/LABEL keys and values, ADD/COPY paths and `--chown`/`--chmod` (`--checksum` for ADD)
/// and here-document bodies marked for expansion, WORKDIR, USER, VOLUME, STOPSIGNAL, EXPOSE
/// (split into words), RUN `--mount` values, and ARG defaults. Other commands are unchanged.
pub fn expand_command(cmd: &Command, escape: char, env: Env) -> Result<Command, Diagnostic> {
    let meta = cmd.meta();
    let err = |e: String| meta.diagnostic(e);
    let lex = Lexer::new(escape);
    let word = |w: &str| lex.process(w, env).map(|r| r.result).map_err(err);
    let opt = |w: &Option<String>| w.as_deref().map(word).transpose();
    let raw = Lexer { skip_process_quotes: true, ..Lexer::new('\\') };
    let contents = |cs: &[SourceContent]| -> Result<Vec<SourceContent>, Diagnostic> {
        cs.iter()
            .map(|c| {
                let data = if c.expand { raw.process(&c.data, env).map(|r| r.result).map_err(err)? } else { c.data.clone() };
                Ok(SourceContent { data, ..c.clone() })
            })
            .collect()
    };
    let kvs = |k: &KeyValues| -> Result<KeyValues, Diagnostic> {
        let pairs = k
            .pairs
            .iter()
            .map(|p| Ok(KeyValue { key: word(&p.key)?, value: word(&p.value)?, no_delim: p.no_delim }))
            .collect::<Result<_, Diagnostic>>()?;
        Ok(KeyValues { meta: k.meta.clone(), pairs })
    };
    let single = |s: &Single| Ok::<_, Diagnostic>(Single { meta: s.meta.clone(), value: word(&s.value)? });
    Ok(match cmd {
        Command::Env(k) => Command::Env(kvs(k)?),
        Command::Label(k) => Command::Label(kvs(k)?),
        Command::Copy(c) => {
            if let Some(f) = &c.from {
                let none = |_: &str| None;
                if Lexer::new(escape).process(f, &none).map(|r| r.result).as_deref() != Ok(f.as_str()) {
                    return Err(err("variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround".into()));
                }
            }
            Command::Copy(Copy {
                chown: opt(&c.chown)?.filter(|s| !s.is_empty()),
                chmod: opt(&c.chmod)?.filter(|s| !s.is_empty()),
                sources: c.sources.iter().map(|s| word(s)).collect::<Result<_, _>>()?,
                dest: word(&c.dest)?,
                contents: contents(&c.contents)?,
                ..c.clone()
            })
        }
        Command::Add(c) => Command::Add(Add {
            chown: opt(&c.chown)?.filter(|s| !s.is_empty()),
            chmod: opt(&c.chmod)?.filter(|s| !s.is_empty()),
            checksum: opt(&c.checksum)?.filter(|s| !s.is_empty()),
            sources: c.sources.iter().map(|s| word(s)).collect::<Result<_, _>>()?,
            dest: word(&c.dest)?,
            contents: contents(&c.contents)?,
            ..c.clone()
        }),
        Command::Workdir(s) => Command::Workdir(single(s)?),
        Command::User(s) => Command::User(single(s)?),
        Command::Stopsignal(s) => Command::Stopsignal(single(s)?),
        Command::Volume(v) => {
            Command::Volume(Volume { meta: v.meta.clone(), paths: v.paths.iter().map(|p| word(p)).collect::<Result<_, _>>()? })
        }
        Command::Expose(e) => {
            let mut ports = Vec::new();
            for p in &e.ports {
                ports.extend(lex.process(p, env).map_err(err)?.words);
            }
            Command::Expose(Expose { meta: e.meta.clone(), ports })
        }
        Command::Run(r) => {
            let x = |s: &str| lex.process(s, env).map(|r| r.result);
            let mounts = r.mount_specs.iter().map(|s| parse_mount(s, Some(&x))).collect::<Result<_, _>>().map_err(err)?;
            Command::Run(Run { mounts, ..r.clone() })
        }
        Command::Arg(a) => {
            let args = a
                .args
                .iter()
                .map(|d| Ok(ArgDef { name: d.name.clone(), default: opt(&d.default)? }))
                .collect::<Result<_, Diagnostic>>()?;
            Command::Arg(Arg { meta: a.meta.clone(), args })
        }
        other => other.clone(),
    })
}

/// The line range of a command, for callers that build their own diagnostics.
pub fn location(meta: &Meta) -> LineRange {
    LineRange { start: meta.start_line, end: meta.end_line }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    fn first_error(src: &str) -> String {
        let (_, d) = instructions(&parse(src));
        d.first().map(|d| d.message.clone()).unwrap_or_default()
    }

    #[test]
    fn errors_as_buildkit() {
        let cases = [
            ("FROM a\nRUNN x", "dockerfile parse error on line 2: unknown instruction: RUNN (did you mean RUN?)"),
            ("FROM a\ncopy a", "dockerfile parse error on line 2: COPY requires at least two arguments, but only one was provided. Destination could not be determined"),
            ("FROM a b", "dockerfile parse error on line 1: FROM requires either one or three arguments"),
            ("FROM a AS 1x", "dockerfile parse error on line 1: invalid name for build stage: \"1x\", name can't start with a number or contain symbols"),
            ("FROM a\nENV =x", "dockerfile parse error on line 2: ENV names can not be blank"),
            ("FROM a\nENV", "dockerfile parse error on line 2: ENV requires at least one argument"),
            ("FROM a\nARG", "dockerfile parse error on line 2: ARG requires at least one argument"),
            ("FROM a\nUSER", "dockerfile parse error on line 2: USER requires exactly one argument"),
            ("FROM a\nCOPY --fro=x a b", "dockerfile parse error on line 2: unknown flag: --fro (did you mean from?)"),
            ("FROM a\nENV --x A=1", "dockerfile parse error on line 2: unknown flag: --x"),
            ("FROM a\nHEALTHCHECK --interval=1x CMD true", "dockerfile parse error on line 2: time: unknown unit \"x\" in duration \"1x\""),
            ("FROM a\nHEALTHCHECK --interval=1us CMD true", "dockerfile parse error on line 2: Interval \"interval\" cannot be less than 1ms"),
            ("FROM a\nHEALTHCHECK CONNECT x", "dockerfile parse error on line 2: Unknown type \"CONNECT\" in HEALTHCHECK (try CMD)"),
            ("FROM a\nHEALTHCHECK NONE x", "dockerfile parse error on line 2: HEALTHCHECK NONE takes no arguments"),
            ("FROM a\nHEALTHCHECK CMD", "dockerfile parse error on line 2: Missing command after HEALTHCHECK CMD"),
            ("FROM a\nHEALTHCHECK --retries=-1 CMD x", "dockerfile parse error on line 2: --retries cannot be negative (-1)"),
            ("FROM a\nSHELL sh -c", "dockerfile parse error on line 2: SHELL requires the arguments to be in JSON form"),
            ("FROM a\nONBUILD ONBUILD RUN x", "dockerfile parse error on line 2: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"),
            ("FROM a\nONBUILD from b", "dockerfile parse error on line 2: FROM isn't allowed as an ONBUILD trigger"),
            ("FROM a\nRUN --network=bridge x", "dockerfile parse error on line 2: invalid network mode \"bridge\""),
            ("FROM a\nCOPY <<EOF <<EOF\nx\nEOF\ny\nEOF", "dockerfile parse error on line 2: COPY cannot accept a heredoc as a destination"),
            ("RUN x", "no build stage in current context"),
            ("ARG X", "dockerfile contains no stages to build"),
            ("FROM a\nVOLUME [\"\"]", "dockerfile parse error on line 2: VOLUME specified can not be an empty string"),
        ];
        for (src, want) in cases {
            assert_eq!(first_error(src), want, "{src}");
        }
        let builtin = |src: &str| instructions_with(&parse(src), Frontend::Builtin).1.first().map(|d| d.message.clone());
        assert_eq!(builtin("FROM a\nCOPY --parents a b").as_deref(), Some("dockerfile parse error on line 2: unknown flag: --parents"));
        assert_eq!(builtin("FROM a\nRUN --security=insecure x").as_deref(), Some("dockerfile parse error on line 2: unknown flag: --security"));
        assert_eq!(builtin("FROM a\nCOPY --link a b"), None);
        assert_eq!(first_error("FROM a\nCOPY --parents --exclude=*.md a b"), "");
    }

    #[test]
    fn typed_commands() {
        let src = "ARG V=1\nFROM --platform=$P alpine:$V AS Build\nRUN --mount=type=cache,target=/c make\nCOPY --from=build --chown=1:1 --link a b /d/\nCOPY <<-EOT /f\n\thi $X\n\tEOT\nENV A=1 B=\"x y\"\nHEALTHCHECK --interval=30s --retries=3 CMD curl -f x\nEXPOSE 8080 80/udp\nONBUILD RUN <<EOF\necho\nEOF\nCMD [\"a\"]\nENTRYPOINT []\n";
        let (df, d) = instructions(&parse(src));
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(df.meta_args[0].args[0], ArgDef { name: "V".into(), default: Some("1".into()) });
        let st = &df.stages[0];
        assert_eq!((st.name.as_deref(), st.base.as_str(), st.platform.as_deref()), (Some("build"), "alpine:$V", Some("$P")));
        let Command::Run(r) = &st.commands[0] else { panic!() };
        assert_eq!((r.mounts[0].kind.as_str(), r.network.as_str()), ("cache", "default"));
        assert_eq!(r.cmd, ShellOrExec::Shell("make".into()));
        let Command::Copy(c) = &st.commands[1] else { panic!() };
        assert_eq!((c.from.as_deref(), c.chown.as_deref(), c.link, c.sources.len(), c.dest.as_str()), (Some("build"), Some("1:1"), true, 2, "/d/"));
        let Command::Copy(c) = &st.commands[2] else { panic!() };
        assert_eq!(c.contents[0], SourceContent { path: "EOT".into(), data: "hi $X\n".into(), expand: true });
        let Command::Env(e) = &st.commands[3] else { panic!() };
        assert_eq!(e.pairs[1].value, "\"x y\"");
        let Command::Healthcheck(h) = &st.commands[4] else { panic!() };
        assert_eq!((h.test.clone(), h.interval, h.retries), (vec!["CMD-SHELL".to_string(), "curl -f x".into()], Millis(30_000), 3));
        let Command::Expose(x) = &st.commands[5] else { panic!() };
        assert_eq!(x.ports, vec!["80/udp", "8080"]);
        let Command::Onbuild(o) = &st.commands[6] else { panic!() };
        assert_eq!(o.expression, "RUN <<EOF\necho\nEOF");
        assert_eq!(st.commands[6].meta().original, "ONBUILD RUN <<EOF");
        assert_eq!(st.commands[7], Command::Cmd(CmdLine { meta: st.commands[7].meta().clone(), cmd: ShellOrExec::Exec(vec!["a".into()]), heredocs: vec![] }));
    }

    #[test]
    fn expansion_rules() {
        let src = "FROM a\nENV A=$X B=\"q $X\" C='$X'\nCOPY --chown=$X <<EOF $X/ /d/$X\n$X\nEOF\nRUN --mount=type=$T,target=/x echo $X\nEXPOSE $P\nCMD echo $X\nCOPY --from=$X a b\nWORKDIR ${X:?}\n";
        let (df, d) = instructions(&parse(src));
        assert!(d.is_empty(), "{d:?}");
        let env = |k: &str| match k {
            "X" => Some("v".to_string()),
            "T" => Some("cache".into()),
            "P" => Some("80 443/tcp".into()),
            _ => None,
        };
        let c = &df.stages[0].commands;
        let Command::Env(e) = expand_command(&c[0], '\\', &env).unwrap() else { panic!() };
        assert_eq!(e.pairs.iter().map(|p| p.value.as_str()).collect::<Vec<_>>(), vec!["v", "q v", "$X"]);
        let Command::Copy(cp) = expand_command(&c[1], '\\', &env).unwrap() else { panic!() };
        assert_eq!((cp.chown.as_deref(), cp.sources[0].as_str(), cp.dest.as_str(), cp.contents[0].data.as_str()), (Some("v"), "v/", "/d/v", "v\n"));
        let Command::Run(r) = expand_command(&c[2], '\\', &env).unwrap() else { panic!() };
        assert_eq!((r.mounts[0].kind.as_str(), r.cmd.clone()), ("cache", ShellOrExec::Shell("echo $X".into())));
        let Command::Expose(x) = expand_command(&c[3], '\\', &env).unwrap() else { panic!() };
        assert_eq!(x.ports, vec!["80", "443/tcp"]);
        assert_eq!(expand_command(&c[4], '\\', &env).unwrap(), c[4]);
        let e = expand_command(&c[5], '\\', &env).unwrap_err();
        assert!(e.message.starts_with("variable expansion is not supported for --from"));
        let none = |_: &str| None;
        let e = expand_command(&c[6], '\\', &none).unwrap_err();
        assert_eq!((e.message.as_str(), e.line), ("failed to process \"${X:?}\": X: is not allowed to be unset", 10));
    }
}

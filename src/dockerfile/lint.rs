//! Build checks as BuildKit's `linter` runs them during a build: rule names, messages, URLs
//! and lines, `# check=skip=…;error=true` (and per-instruction `# check=` comments).

use super::expand::{Lexer, WordResult};
use super::gostr::{quote, suggest};
use super::ignore::Ignore;
use super::instructions::{Command, Dockerfile, Meta, Stage};
use super::{directives::parse_directive, Diagnostic, LineRange, Parsed};

/// One build-check warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The rule (`JSONArgsRecommended`…).
    pub rule: &'static str,
    /// The rule's description (buildx prints it with `--debug`).
    pub description: &'static str,
    /// `https://docs.docker.com/go/dockerfile/rule/<kebab-name>/`.
    pub url: &'static str,
    /// The message.
    pub message: String,
    /// The first line of the location (0 when none).
    pub line: u32,
    /// The location.
    pub locations: Vec<LineRange>,
}

impl Warning {
    /// BuildKit's `LintFormatShort`: `Rule: message (line N)`.
    pub fn short(&self) -> String {
        if self.line > 0 {
            format!("{}: {} (line {})", self.rule, self.message, self.line)
        } else {
            format!("{}: {}", self.rule, self.message)
        }
    }
}

/// Looks up a base image's environment (`KEY`, `value` pairs) by its expanded name.
pub type BaseEnv<'a> = &'a dyn Fn(&str) -> Vec<(String, String)>;

/// What the checks need to know about the build.
#[derive(Clone, Copy, Default)]
pub struct LintOptions<'a> {
    /// The context's `.dockerignore`, for CopyIgnoredFile.
    pub ignore: Option<&'a Ignore>,
    /// `--build-arg` values.
    pub build_args: &'a [(String, String)],
    /// `--target` (default: the last stage); only stages it needs are checked, as in a build.
    pub target: Option<&'a str>,
    /// Check every stage (`docker build --check`).
    pub all_stages: bool,
    /// The environment of a base image (by expanded name); default `PATH` only.
    pub base_env: Option<BaseEnv<'a>>,
    /// Target platform `(os, arch)`; default `linux/amd64`.
    pub platform: Option<(&'a str, &'a str)>,
}

impl std::fmt::Debug for LintOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LintOptions").field("target", &self.target).field("all_stages", &self.all_stages).finish()
    }
}

/// The checks' outcome: warnings in source order, and the build error `check=error=true`
/// (or an unreadable `# check=` directive) turns them into.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LintResult {
    /// Warnings, deduplicated.
    pub warnings: Vec<Warning>,
    /// `lint violation found for rules: …` or `failed to parse check options: …`.
    pub error: Option<Diagnostic>,
}

struct Rule {
    name: &'static str,
    description: &'static str,
    url: &'static str,
    experimental: bool,
}

macro_rules! rules {
    ($($id:ident = $name:literal, $kebab:literal, $exp:literal, $desc:literal;)*) => {
        $(const $id: Rule = Rule {
            name: $name,
            description: $desc,
            url: concat!("https://docs.docker.com/go/dockerfile/rule/", $kebab, "/"),
            experimental: $exp,
        };)*
    };
}

rules! {
    STAGE_NAME_CASING = "StageNameCasing", "stage-name-casing", false, "Stage names should be lowercase";
    FROM_AS_CASING = "FromAsCasing", "from-as-casing", false, "The 'as' keyword should match the case of the 'from' keyword";
    NO_EMPTY_CONTINUATION = "NoEmptyContinuation", "no-empty-continuation", false, "Empty continuation lines will become errors in a future release";
    CONSISTENT_CASING = "ConsistentInstructionCasing", "consistent-instruction-casing", false, "All commands within the Dockerfile should use the same casing (either upper or lower)";
    DUPLICATE_STAGE = "DuplicateStageName", "duplicate-stage-name", false, "Stage names should be unique";
    RESERVED_STAGE = "ReservedStageName", "reserved-stage-name", false, "Reserved words should not be used as stage names";
    JSON_ARGS = "JSONArgsRecommended", "json-args-recommended", false, "JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals";
    MAINTAINER = "MaintainerDeprecated", "maintainer-deprecated", false, "The MAINTAINER instruction is deprecated, use a label instead to define an image author";
    UNDEFINED_ARG_IN_FROM = "UndefinedArgInFrom", "undefined-arg-in-from", false, "FROM command must use declared ARGs";
    WORKDIR_RELATIVE = "WorkdirRelativePath", "workdir-relative-path", false, "Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes";
    UNDEFINED_VAR = "UndefinedVar", "undefined-var", false, "Variables should be defined before their use";
    MULTIPLE = "MultipleInstructionsDisallowed", "multiple-instructions-disallowed", false, "Multiple instructions of the same type should not be used in the same stage";
    LEGACY_KV = "LegacyKeyValueFormat", "legacy-key-value-format", false, "Legacy key/value format with whitespace separator should not be used";
    REDUNDANT_PLATFORM = "RedundantTargetPlatform", "redundant-target-platform", false, "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior";
    SECRETS = "SecretsUsedInArgOrEnv", "secrets-used-in-arg-or-env", false, "Sensitive data should not be used in the ARG or ENV commands";
    INVALID_DEFAULT_ARG = "InvalidDefaultArgInFrom", "invalid-default-arg-in-from", false, "Default value for global ARG results in an empty or invalid base image name";
    CONST_PLATFORM = "FromPlatformFlagConstDisallowed", "from-platform-flag-const-disallowed", false, "FROM --platform flag should not use a constant value";
    COPY_IGNORED = "CopyIgnoredFile", "copy-ignored-file", false, "Attempting to Copy file that is excluded by .dockerignore";
    INVALID_DEFINITION = "InvalidDefinitionDescription", "invalid-definition-description", true, "Comment for build stage or argument should follow the format: `# <arg/stage name> <description>`. If this is not intended to be a description comment, add an empty line or comment between the instruction and the comment.";
    EXPOSE_PROTO = "ExposeProtoCasing", "expose-proto-casing", false, "Protocol in EXPOSE instruction should be lowercase";
    EXPOSE_FORMAT = "ExposeInvalidFormat", "expose-invalid-format", false, "IP address and host-port mapping should not be used in EXPOSE instruction. This will become an error in a future release";
}

/// The linter configuration (`Config` merged with per-instruction `# check=` comments).
#[derive(Clone, Debug, Default)]
struct Config {
    skip_all: bool,
    skip: Vec<String>,
    experimental_all: bool,
    experimental: Vec<String>,
    error: bool,
}

/// BuildKit's `ParseLintOptions`.
fn parse_lint_options(s: &str) -> Result<Config, String> {
    let s = s.trim();
    let mut c = Config::default();
    if s.is_empty() {
        return Ok(c);
    }
    for p in s.splitn(3, ';') {
        let Some((k, v)) = p.split_once('=') else { return Err(format!("invalid check option {}", quote(p))) };
        let list = |v: &str| v.trim().split(',').map(|r| r.trim().to_string()).collect::<Vec<_>>();
        match k.trim() {
            "skip" if v.trim() == "all" => c.skip_all = true,
            "skip" => c.skip = list(v),
            "experimental" if v.trim() == "all" => c.experimental_all = true,
            "experimental" => c.experimental = list(v),
            "error" => {
                c.error = super::mount::parse_bool(v.trim()).ok_or_else(|| {
                    format!("failed to parse check option {}: strconv.ParseBool: parsing {}: invalid syntax", quote(p), quote(v.trim()))
                })?
            }
            k => return Err(format!("invalid check option {}", quote(k))),
        }
    }
    Ok(c)
}

impl Config {
    /// `WithMergedConfigFromComments`: the first `check=` comment adds its skips.
    fn merged<S: AsRef<str>>(&self, comments: &[S]) -> Config {
        for c in comments {
            let Some((name, value)) = parse_directive(c.as_ref()) else { continue };
            if name != "check" {
                continue;
            }
            let v = value.split(' ').next().unwrap_or("");
            let Ok(o) = parse_lint_options(v) else { return self.clone() };
            let mut m = self.clone();
            m.skip_all |= o.skip_all;
            m.experimental_all |= o.experimental_all;
            m.skip.extend(o.skip);
            m.experimental.extend(o.experimental);
            return m;
        }
        self.clone()
    }
}

struct Linter {
    out: Vec<Warning>,
    called: Vec<&'static str>,
}

impl Linter {
    fn run(&mut self, cfg: &Config, rule: &Rule, locs: &[LineRange], message: String) {
        if rule.experimental {
            if !cfg.experimental_all && !cfg.experimental.iter().any(|r| r == rule.name) {
                return;
            }
        } else if cfg.skip_all || cfg.skip.iter().any(|r| r == rule.name) {
            return;
        }
        if !self.called.contains(&rule.name) {
            self.called.push(rule.name);
        }
        let line = locs.first().map_or(0, |l| l.start);
        let w = Warning { rule: rule.name, description: rule.description, url: rule.url, message, line, locations: locs.to_vec() };
        if !self.out.contains(&w) {
            self.out.push(w);
        }
    }
}

fn loc(m: &Meta) -> Vec<LineRange> {
    vec![LineRange { start: m.start_line, end: m.end_line }]
}

/// An ordered environment (BuildKit's `EnvList`).
#[derive(Clone, Debug, Default)]
struct EnvList(Vec<(String, String)>);

impl EnvList {
    fn set(&mut self, k: &str, v: &str) {
        match self.0.iter_mut().find(|(n, _)| n == k) {
            Some(e) => e.1 = v.to_string(),
            None => self.0.push((k.to_string(), v.to_string())),
        }
    }
    fn get(&self, k: &str) -> Option<String> {
        self.0.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }
    fn keys(&self) -> Vec<&str> {
        self.0.iter().map(|(k, _)| k.as_str()).collect()
    }
    fn process(&self, lex: &Lexer, w: &str) -> Result<WordResult, String> {
        lex.process(w, &|k: &str| self.get(k))
    }
}

const NON_ENV_ARGS: [&str; 2] = ["BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"];

fn is_self_consistent(s: &str) -> bool {
    s == s.to_lowercase() || s == s.to_uppercase()
}

/// A secret-looking ARG/ENV name: a `_`-separated part is a secret word, none is an allowed one.
fn looks_secret(key: &str) -> bool {
    let parts: Vec<String> = key.split('_').map(str::to_lowercase).collect();
    let has = |words: &[&str]| parts.iter().any(|p| words.contains(&p.as_str()));
    has(&["apikey", "auth", "credential", "credentials", "key", "password", "pword", "passwd", "secret", "token"])
        && !has(&["public", "file", "version"])
}

/// A simplified `reference.ParseNormalizedNamed` check: `[host/]path[:tag][@algo:hex]`.
fn valid_reference(s: &str) -> bool {
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (s, None),
    };
    if let Some(d) = digest {
        let Some((algo, hex)) = d.split_once(':') else { return false };
        if algo.is_empty() || hex.len() < 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return false;
        }
    }
    let (name, tag) = match rest.rfind(':') {
        Some(i) if !rest[i..].contains('/') => (&rest[..i], Some(&rest[i + 1..])),
        _ => (rest, None),
    };
    if let Some(t) = tag {
        let ok = t.len() <= 128 && t.chars().next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && t.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if !ok {
            return false;
        }
    }
    let mut comps: Vec<&str> = name.split('/').collect();
    if comps.len() > 1 && (comps[0].contains(['.', ':']) || comps[0] == "localhost") {
        let host = comps.remove(0);
        if host.is_empty() || !host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c)) {
            return false;
        }
    }
    !name.is_empty()
        && comps.iter().all(|c| {
            let b = c.as_bytes();
            !b.is_empty()
                && b[0].is_ascii_lowercase() | b[0].is_ascii_digit()
                && b[b.len() - 1].is_ascii_lowercase() | b[b.len() - 1].is_ascii_digit()
                && c.chars().all(|x| x.is_ascii_lowercase() || x.is_ascii_digit() || "._-".contains(x))
        })
}

/// A simplified containerd `platforms.Parse`: `os[/arch[/variant]]` or a lone arch.
fn parse_platform(s: &str) -> Option<(String, String)> {
    const OSES: [&str; 8] = ["linux", "windows", "darwin", "freebsd", "netbsd", "openbsd", "solaris", "illumos"];
    let parts: Vec<String> = s.split('/').map(str::to_lowercase).collect();
    if parts.iter().any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')) {
        return None;
    }
    let arch = |a: &str| match a {
        "x86_64" | "x86-64" => "amd64".to_string(),
        "aarch64" => "arm64".to_string(),
        a => a.to_string(),
    };
    match parts.as_slice() {
        [one] if OSES.contains(&one.as_str()) => Some((one.clone(), "amd64".into())),
        [one] => Some(("linux".into(), arch(one))),
        [os, a] | [os, a, _] if OSES.contains(&os.as_str()) => Some((os.clone(), arch(a))),
        _ => None,
    }
}

/// Which stages a build of `target` dispatches (the target and what it depends on).
fn reachable(df: &Dockerfile, target: usize) -> Vec<bool> {
    let find = |name: &str, before: usize| -> Option<usize> {
        if let Ok(i) = name.parse::<usize>() {
            return (i < before).then_some(i);
        }
        df.stages[..before].iter().position(|s| s.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(name)))
    };
    let mut seen = vec![false; df.stages.len()];
    let mut todo = vec![target];
    while let Some(i) = todo.pop() {
        if i >= seen.len() || seen[i] {
            continue;
        }
        seen[i] = true;
        let st = &df.stages[i];
        let mut deps: Vec<usize> = Vec::new();
        if let Some(j) = df.stages[..i].iter().position(|s| s.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(&st.base))) {
            deps.push(j);
        }
        for c in &st.commands {
            match c {
                Command::Copy(cp) => deps.extend(cp.from.as_deref().and_then(|f| find(f, df.stages.len()))),
                Command::Run(r) => deps.extend(r.mounts.iter().filter_map(|m| m.from.as_deref()).filter_map(|f| find(f, df.stages.len()))),
                _ => {}
            }
        }
        todo.extend(deps);
    }
    seen
}

/// The per-stage state the dispatch-time checks track.
#[derive(Clone, Default)]
struct StageState {
    env: EnvList,
    shell_set: bool,
}

/// Runs BuildKit's build checks over a parsed Dockerfile, as a build with `opts` would.
pub fn lint(parsed: &Parsed, df: &Dockerfile, opts: &LintOptions) -> LintResult {
    let mut res = LintResult::default();
    let check = parsed.ast.directives.iter().find(|d| d.name == "check").map(|d| d.value.split(' ').next().unwrap_or("").to_string());
    let base = match parse_lint_options(check.as_deref().unwrap_or("")) {
        Ok(c) => c,
        Err(e) => {
            let message = format!("failed to parse check options: {e}");
            res.error = Some(Diagnostic { message, ..Diagnostic::default() });
            return res;
        }
    };
    let mut l = Linter { out: Vec::new(), called: Vec::new() };
    for w in &parsed.warnings {
        l.run(&base, &NO_EMPTY_CONTINUATION, &w.locations, "Empty continuation line".into());
    }
    // Parse-time checks, per instruction.
    for n in parsed.ast.nodes() {
        let comments = n.comments().to_vec();
        let cfg = base.merged(&comments);
        let locs = vec![LineRange { start: n.start_line, end: n.end_line }];
        match n.value() {
            "maintainer" => l.run(&cfg, &MAINTAINER, &locs, "Maintainer instruction is deprecated in favor of using label".into()),
            "from" => {
                let (a, name) = (n.args(), n.name());
                if a.len() == 3 && a[2] != a[2].to_lowercase() {
                    l.run(&cfg, &STAGE_NAME_CASING, &locs, format!("Stage name '{}' should be lowercase", &a[2]));
                }
                if a.len() >= 3 {
                    let (lower, upper) = (name == name.to_lowercase(), name == name.to_uppercase());
                    let bad = (lower && a[1] != a[1].to_lowercase()) || (!lower && upper && a[1] != a[1].to_uppercase());
                    if bad && (lower || upper) {
                        l.run(&cfg, &FROM_AS_CASING, &locs, format!("'{}' and '{}' keywords' casing do not match", &a[1], name));
                    }
                }
                if a.len() == 3 && a[1].eq_ignore_ascii_case("as") {
                    definition(&mut l, &cfg, "FROM", &[a[2].to_lowercase()], &comments, &locs);
                }
            }
            "arg" => {
                let keys: Vec<String> = n.args().iter().map(|a| a.split_once('=').map_or(a, |p| p.0).to_string()).collect();
                definition(&mut l, &cfg, "ARG", &keys, &comments, &locs);
            }
            _ => {}
        }
    }
    stage_names(&mut l, &base, df);
    command_casing(&mut l, &base, df);
    // Global scope: defaults, then meta ARGs.
    let (os, arch) = opts.platform.unwrap_or(("linux", "amd64"));
    let target = match opts.target {
        Some(t) => df.stages.iter().position(|s| s.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(t))),
        None => df.stages.len().checked_sub(1),
    };
    let mut defaults = EnvList::default();
    let plat = format!("{os}/{arch}");
    let target_name = opts.target.map(str::to_string).or_else(|| df.stages.last().and_then(|s| s.name.clone()));
    for (k, v) in [
        ("BUILDPLATFORM", plat.as_str()), ("BUILDOS", os), ("BUILDOSVERSION", ""), ("BUILDARCH", arch), ("BUILDVARIANT", ""),
        ("TARGETPLATFORM", plat.as_str()), ("TARGETOS", os), ("TARGETOSVERSION", ""), ("TARGETARCH", arch), ("TARGETVARIANT", ""),
        ("TARGETSTAGE", target_name.as_deref().unwrap_or("default")),
    ] {
        let v = opts.build_args.iter().find(|(n, _)| n == k).map_or(v, |(_, x)| x.as_str());
        defaults.set(k, v);
    }
    let lex = Lexer::new(parsed.ast.escape);
    let meta_env = |build_args: &[(String, String)]| -> Option<(EnvList, Vec<String>)> {
        let mut env = defaults.clone();
        let mut keys = Vec::new();
        for a in &df.meta_args {
            for d in &a.args {
                keys.push(d.name.clone());
                let v = match build_args.iter().find(|(n, _)| *n == d.name) {
                    Some((_, v)) => Some(v.clone()),
                    None => match &d.default {
                        Some(def) => Some(env.process(&lex, def).ok()?.result),
                        None => None,
                    },
                };
                if let Some(v) = v {
                    env.set(&d.name, &v);
                }
            }
        }
        Some((env, keys))
    };
    if let Some((env, _)) = meta_env(&[]) {
        for st in &df.stages {
            let Ok(r) = env.process(&lex, &st.base) else { break };
            if !valid_reference(&r.result) {
                let m = format!("Default value for ARG {} results in empty or invalid base image name", st.base);
                l.run(&base, &INVALID_DEFAULT_ARG, &loc(&st.meta), m);
            }
        }
    }
    let Some((global, meta_keys)) = meta_env(opts.build_args) else { return finish(l, base, res) };
    let mut arg_keys: Vec<String> = meta_keys;
    for k in global.keys() {
        if !arg_keys.iter().any(|a| a == k) {
            arg_keys.push(k.to_string());
        }
    }
    arg_keys.sort();
    let keys_ref: Vec<&str> = arg_keys.iter().map(String::as_str).collect();
    for st in &df.stages {
        let cfg = base.merged(&st.meta.comments);
        let from_args = |l: &mut Linter, r: &WordResult| {
            for u in &r.unmatched {
                if !arg_keys.contains(u) {
                    let mut m = format!("FROM argument '{u}' is not declared");
                    if let Some(s) = suggest(u, &keys_ref, true) {
                        m.push_str(&format!(" (did you mean {s}?)"));
                    }
                    l.run(&cfg, &UNDEFINED_ARG_IN_FROM, &loc(&st.meta), m);
                }
            }
        };
        if let Ok(r) = global.process(&lex, &st.base) {
            from_args(&mut l, &r);
        }
        if let Some(p) = &st.platform {
            if let Ok(r) = global.process(&lex, p) {
                from_args(&mut l, &r);
                if r.matched.len() == 1 && r.unmatched.is_empty() && r.matched[0] == "TARGETPLATFORM" && Some(&r.result) == global.get("TARGETPLATFORM").as_ref() {
                    let m = format!("Setting platform to predefined {p} in FROM is redundant as this is the default behavior");
                    l.run(&cfg, &REDUNDANT_PLATFORM, &loc(&st.meta), m);
                }
                if r.matched.is_empty() && r.unmatched.is_empty() {
                    if let Some((pos, parch)) = parse_platform(&r.result) {
                        let name = st.name.as_deref().unwrap_or("");
                        if !name.contains(pos.as_str()) && !name.contains(parch.as_str()) {
                            let m = format!("FROM --platform flag should not use constant value {}", quote(&r.result));
                            l.run(&cfg, &CONST_PLATFORM, &loc(&st.meta), m);
                        }
                    }
                }
            }
        }
    }
    // Dispatch-time checks for the stages the build runs.
    let run = match target {
        Some(t) if !opts.all_stages => reachable(df, t),
        _ => vec![true; df.stages.len()],
    };
    let mut states: Vec<StageState> = Vec::new();
    for (i, st) in df.stages.iter().enumerate() {
        let parent = df.stages[..i].iter().position(|s| s.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(&st.base)));
        let mut state = match parent.and_then(|p| states.get(p)) {
            Some(p) => p.clone(),
            None => {
                let name = global.process(&lex, &st.base).map(|r| r.result).unwrap_or_default();
                let mut env = EnvList::default();
                for (k, v) in opts.base_env.map(|f| f(&name)).unwrap_or_default() {
                    env.set(&k, &v);
                }
                if env.get("PATH").is_none() {
                    env.set("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
                }
                StageState { env, shell_set: false }
            }
        };
        if run.get(i).copied().unwrap_or(false) {
            dispatch_stage(&mut l, &base, st, &mut state, &global, &lex, opts);
        }
        states.push(state);
    }
    finish(l, base, res)
}

fn finish(l: Linter, base: Config, mut res: LintResult) -> LintResult {
    if base.error && !l.called.is_empty() && res.error.is_none() {
        let message = format!("lint violation found for rules: {}", l.called.join(", "));
        res.error = Some(Diagnostic { message, ..Diagnostic::default() });
    }
    let mut w = l.out;
    w.sort_by_key(|w| w.line);
    res.warnings = w;
    res
}

fn definition<S: AsRef<str>>(l: &mut Linter, cfg: &Config, instr: &str, keys: &[String], comments: &[S], locs: &[LineRange]) {
    let (Some(last), Some(first)) = (comments.last(), keys.first()) else { return };
    let word = last.as_ref().split(' ').next().unwrap_or("");
    if keys.iter().any(|k| k == word) {
        return;
    }
    let example = if keys.len() > 1 { "<arg_key>" } else { first.as_str() };
    l.run(cfg, &INVALID_DEFINITION, locs, format!("Comment for {instr} should follow the format: `# {example} <description>`"));
}

fn stage_names(l: &mut Linter, cfg: &Config, df: &Dockerfile) {
    let mut seen: Vec<&str> = Vec::new();
    for st in &df.stages {
        let Some(name) = st.name.as_deref() else { continue };
        if name == "context" || name == "scratch" {
            l.run(cfg, &RESERVED_STAGE, &loc(&st.meta), format!("Stage name should not use the same name as reserved stage {}", quote(name)));
        }
        if seen.contains(&name) {
            l.run(cfg, &DUPLICATE_STAGE, &loc(&st.meta), format!("Duplicate stage name {}, stage names should be unique", quote(name)));
        }
        seen.push(name);
    }
}

fn command_casing(l: &mut Linter, cfg: &Config, df: &Dockerfile) {
    let names = || df.stages.iter().flat_map(|s| std::iter::once(&s.meta).chain(s.commands.iter().map(Command::meta)));
    let (mut lower, mut upper) = (0, 0);
    for m in names() {
        if is_self_consistent(&m.name) {
            if m.name == m.name.to_lowercase() {
                lower += 1;
            } else {
                upper += 1;
            }
        }
    }
    let majority_lower = lower > upper;
    for m in names() {
        let fix = if majority_lower && m.name.to_lowercase() != m.name {
            "lowercase"
        } else if !majority_lower && m.name.to_uppercase() != m.name {
            "uppercase"
        } else {
            continue;
        };
        let msg = format!("Command '{}' should match the case of the command majority ({fix})", m.name);
        l.run(cfg, &CONSISTENT_CASING, &loc(m), msg);
    }
}

#[allow(clippy::too_many_arguments)]
fn dispatch_stage(l: &mut Linter, base: &Config, st: &Stage, s: &mut StageState, global: &EnvList, lex: &Lexer, opts: &LintOptions) {
    let mut build_args: Vec<String> = Vec::new();
    let (mut cmd_seen, mut ep_seen, mut hc_seen): (Option<&Meta>, Option<&Meta>, Option<&Meta>) = (None, None, None);
    let mut workdir_set = false;
    for c in &st.commands {
        let m = c.meta();
        let cfg = base.merged(&m.comments);
        let args_now = build_args.clone();
        // Expands one word, reporting undefined variables as BuildKit's reportUnmatchedVariables.
        let word = |l: &mut Linter, env: &EnvList, w: &str, lexer: &Lexer| -> String {
            let Ok(r) = env.process(lexer, w) else { return w.to_string() };
            for u in &r.unmatched {
                if args_now.contains(u) || NON_ENV_ARGS.contains(&u.as_str()) {
                    continue;
                }
                let keys = env.keys();
                let mut msg = format!("Usage of undefined variable '${u}'");
                if let Some(sug) = suggest(u, &keys, true) {
                    msg.push_str(&format!(" (did you mean ${sug}?)"));
                }
                l.run(&cfg, &UNDEFINED_VAR, &loc(m), msg);
            }
            r.result
        };
        let raw = Lexer { skip_process_quotes: true, ..Lexer::new('\\') };
        match c {
            Command::Env(kv) => {
                for p in &kv.pairs {
                    let k = word(l, &s.env, &p.key, lex);
                    let v = word(l, &s.env, &p.value, lex);
                    if p.no_delim {
                        l.run(&cfg, &LEGACY_KV, &loc(m), format!("\"{0} key=value\" should be used instead of legacy \"{0} key value\" format", m.name));
                    }
                    if looks_secret(&k) {
                        l.run(&cfg, &SECRETS, &loc(m), format!("Do not use ARG or ENV instructions for sensitive data (ENV {})", quote(&k)));
                    }
                    s.env.set(&k, &v);
                }
            }
            Command::Label(kv) => {
                for p in &kv.pairs {
                    word(l, &s.env, &p.key, lex);
                    word(l, &s.env, &p.value, lex);
                    if p.no_delim {
                        l.run(&cfg, &LEGACY_KV, &loc(m), format!("\"{0} key=value\" should be used instead of legacy \"{0} key value\" format", m.name));
                    }
                }
            }
            Command::Arg(a) => {
                for d in &a.args {
                    if looks_secret(&d.name) {
                        l.run(&cfg, &SECRETS, &loc(m), format!("Do not use ARG or ENV instructions for sensitive data (ARG {})", quote(&d.name)));
                    }
                    let given = opts.build_args.iter().find(|(n, _)| *n == d.name).map(|(_, v)| v.clone());
                    let value = match (&given, &d.default) {
                        (Some(v), _) => Some(v.clone()),
                        (None, Some(def)) => Some(word(l, &s.env, def, lex)),
                        (None, None) => global.get(&d.name),
                    };
                    if let Some(v) = value {
                        if !NON_ENV_ARGS.contains(&d.name.as_str()) {
                            s.env.set(&d.name, &v);
                        }
                    }
                    build_args.push(d.name.clone());
                }
            }
            Command::Copy(cp) => {
                word(l, &s.env, cp.chown.as_deref().unwrap_or(""), lex);
                word(l, &s.env, cp.chmod.as_deref().unwrap_or(""), lex);
                let srcs: Vec<String> = cp.sources.iter().map(|x| word(l, &s.env, x, lex)).collect();
                word(l, &s.env, &cp.dest, lex);
                for sc in cp.contents.iter().filter(|c| c.expand) {
                    word(l, &s.env, &sc.data, &raw);
                }
                if cp.from.is_none() {
                    copy_ignored(l, &cfg, opts.ignore, "Copy", &srcs, m);
                }
            }
            Command::Add(ad) => {
                for f in [&ad.chown, &ad.chmod, &ad.checksum] {
                    word(l, &s.env, f.as_deref().unwrap_or(""), lex);
                }
                let srcs: Vec<String> = ad.sources.iter().map(|x| word(l, &s.env, x, lex)).collect();
                word(l, &s.env, &ad.dest, lex);
                for sc in ad.contents.iter().filter(|c| c.expand) {
                    word(l, &s.env, &sc.data, &raw);
                }
                let local: Vec<String> = srcs.into_iter().filter(|x| !x.starts_with("http://") && !x.starts_with("https://") && !x.starts_with("git@")).collect();
                copy_ignored(l, &cfg, opts.ignore, "Add", &local, m);
            }
            Command::Workdir(w) => {
                let p = word(l, &s.env, &w.value, lex);
                if !workdir_set && !p.starts_with('/') {
                    l.run(&cfg, &WORKDIR_RELATIVE, &loc(m), format!("Relative workdir {} can have unexpected results if the base image changes", quote(&p)));
                }
                workdir_set = true;
            }
            Command::User(x) | Command::Stopsignal(x) => {
                word(l, &s.env, &x.value, lex);
            }
            Command::Volume(v) => {
                for p in &v.paths {
                    word(l, &s.env, p, lex);
                }
            }
            Command::Run(r) => {
                for spec in &r.mount_specs {
                    for f in super::mount::csv_fields(spec).unwrap_or_default() {
                        if let Some((_, v)) = f.split_once('=') {
                            word(l, &s.env, v, lex);
                        }
                    }
                }
            }
            Command::Expose(e) => {
                for p in &e.ports {
                    let Ok(r) = s.env.process(lex, p) else { continue };
                    for port in r.words {
                        expose_checks(l, &cfg, &port, m);
                    }
                }
            }
            Command::Cmd(x) | Command::Entrypoint(x) => {
                let seen = if matches!(c, Command::Cmd(_)) { &mut cmd_seen } else { &mut ep_seen };
                if let Some(prev) = seen {
                    l.run(&cfg, &MULTIPLE, &loc(prev), format!("Multiple {} instructions should not be used in the same stage because only the last one will be used", m.name));
                }
                *seen = Some(m);
                if matches!(x.cmd, super::ShellOrExec::Shell(_)) && !s.shell_set {
                    l.run(&cfg, &JSON_ARGS, &loc(m), format!("JSON arguments recommended for {} to prevent unintended behavior related to OS signals", m.name));
                }
            }
            Command::Healthcheck(_) => {
                if let Some(prev) = hc_seen {
                    l.run(&cfg, &MULTIPLE, &loc(prev), format!("Multiple {} instructions should not be used in the same stage because only the last one will be used", m.name));
                }
                hc_seen = Some(m);
            }
            Command::Shell(_) => s.shell_set = true,
            Command::Onbuild(_) | Command::Maintainer(_) => {}
        }
    }
}

fn copy_ignored(l: &mut Linter, cfg: &Config, ig: Option<&Ignore>, cmd: &str, srcs: &[String], m: &Meta) {
    let Some(ig) = ig.filter(|i| !i.patterns.is_empty() && !i.has_exclusions()) else { return };
    for src in srcs {
        let p = super::gostr::clean_path(src);
        if p == "." || p == "/" {
            let root = ig.patterns.iter().any(|p| !p.exclusion && matches!(p.text.as_str(), "*" | "**" | "**/*"));
            if !root {
                continue;
            }
        }
        if ig.matches(&p) {
            l.run(cfg, &COPY_IGNORED, &loc(m), format!("Attempting to {cmd} file {} that is excluded by .dockerignore", quote(&p)));
        }
    }
}

fn expose_checks(l: &mut Linter, cfg: &Config, raw: &str, m: &Meta) {
    let parts: Vec<&str> = raw.split(':').collect();
    let (ip, host, container) = match parts.as_slice() {
        [c] => ("", "", *c),
        [h, c] => ("", *h, *c),
        _ => ("x", "", parts[parts.len() - 1]),
    };
    let (port, proto) = container.split_once('/').unwrap_or((container, ""));
    if port.is_empty() || !matches!(proto.to_lowercase().as_str(), "" | "tcp" | "udp" | "sctp") {
        return;
    }
    if proto != proto.to_lowercase() {
        l.run(cfg, &EXPOSE_PROTO, &loc(m), format!("Defined protocol '{raw}' in EXPOSE instruction should be lowercase"));
    }
    if !ip.is_empty() || !host.is_empty() {
        l.run(cfg, &EXPOSE_FORMAT, &loc(m), format!("EXPOSE instruction should not define an IP address or host-port mapping, found '{raw}'"));
    }
}

#[cfg(test)]
mod tests {
    use super::super::{instructions, parse};
    use super::*;

    fn shorts(src: &str, opts: &LintOptions) -> Vec<String> {
        let p = parse(src);
        let (df, _) = instructions(&p);
        lint(&p, &df, opts).warnings.iter().map(Warning::short).collect()
    }

    #[test]
    fn rules_and_messages() {
        let src = "FROM alpine AS Build\nfrom alpine AS b2\nFROM alpine AS base\nFROM alpine AS base\nMAINTAINER me\nENV A 1\nENV GITHUB_TOKEN=x\nARG DB_PASSWORD\nWORKDIR app\nRUN echo $NOPE\nCOPY $UNDEF /x\nLABEL k v\nCMD echo hi\nCMD [\"x\"]\nEXPOSE 8080:80 53/UDP\n";
        let got = shorts(src, &LintOptions::default());
        let want = [
            "StageNameCasing: Stage name 'Build' should be lowercase (line 1)",
            "FromAsCasing: 'AS' and 'from' keywords' casing do not match (line 2)",
            "ConsistentInstructionCasing: Command 'from' should match the case of the command majority (uppercase) (line 2)",
            "DuplicateStageName: Duplicate stage name \"base\", stage names should be unique (line 4)",
            "MaintainerDeprecated: Maintainer instruction is deprecated in favor of using label (line 5)",
            "LegacyKeyValueFormat: \"ENV key=value\" should be used instead of legacy \"ENV key value\" format (line 6)",
            "SecretsUsedInArgOrEnv: Do not use ARG or ENV instructions for sensitive data (ENV \"GITHUB_TOKEN\") (line 7)",
            "SecretsUsedInArgOrEnv: Do not use ARG or ENV instructions for sensitive data (ARG \"DB_PASSWORD\") (line 8)",
            "WorkdirRelativePath: Relative workdir \"app\" can have unexpected results if the base image changes (line 9)",
            "UndefinedVar: Usage of undefined variable '$UNDEF' (line 11)",
            "LegacyKeyValueFormat: \"LABEL key=value\" should be used instead of legacy \"LABEL key value\" format (line 12)",
            "JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals (line 13)",
            "MultipleInstructionsDisallowed: Multiple CMD instructions should not be used in the same stage because only the last one will be used (line 13)",
            "ExposeProtoCasing: Defined protocol '53/UDP' in EXPOSE instruction should be lowercase (line 15)",
            "ExposeInvalidFormat: EXPOSE instruction should not define an IP address or host-port mapping, found '8080:80' (line 15)",
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn from_checks_and_config() {
        let src = "ARG TAG\nFROM alpine:$TAG\nFROM --platform=linux/amd64 busybox:$VERSON AS x\nFROM --platform=$TARGETPLATFORM alpine AS context\n";
        let got = shorts(src, &LintOptions::default());
        assert!(got.contains(&"InvalidDefaultArgInFrom: Default value for ARG alpine:$TAG results in empty or invalid base image name (line 2)".to_string()), "{got:?}");
        assert!(got.contains(&"UndefinedArgInFrom: FROM argument 'VERSON' is not declared (line 3)".to_string()), "{got:?}");
        assert!(got.contains(&"FromPlatformFlagConstDisallowed: FROM --platform flag should not use constant value \"linux/amd64\" (line 3)".to_string()), "{got:?}");
        assert!(got.contains(&"RedundantTargetPlatform: Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior (line 4)".to_string()), "{got:?}");
        assert!(got.contains(&"ReservedStageName: Stage name should not use the same name as reserved stage \"context\" (line 4)".to_string()), "{got:?}");
        let skip = "# check=skip=JSONArgsRecommended,WorkdirRelativePath;error=true\nFROM a\nWORKDIR x\nCMD y\nENV A b\n";
        let p = parse(skip);
        let (df, _) = instructions(&p);
        let r = lint(&p, &df, &LintOptions::default());
        assert_eq!(r.warnings.iter().map(|w| w.rule).collect::<Vec<_>>(), vec!["LegacyKeyValueFormat"]);
        assert_eq!(r.error.unwrap().message, "lint violation found for rules: LegacyKeyValueFormat");
        let p = parse("# check=bogus\nFROM a\n");
        let (df, _) = instructions(&p);
        assert_eq!(lint(&p, &df, &LintOptions::default()).error.unwrap().message, "failed to parse check options: invalid check option \"bogus\"");
        let inline = "FROM a\n# check=skip=JSONArgsRecommended\nCMD y\n";
        assert!(shorts(inline, &LintOptions::default()).is_empty());
        assert_eq!(shorts("FROM a\nRUN x \\\n\n y\n", &LintOptions::default()), vec!["NoEmptyContinuation: Empty continuation line (line 4)"]);
    }

    #[test]
    fn scoping_and_ignore() {
        let src = "FROM a AS build\nARG V\nENV P=1\nRUN --mount=type=cache,target=$P x\nCOPY $V$P$PATH /x\nFROM build\nCOPY $P /y\nCOPY node_modules /z\nFROM other\nCOPY $UNUSED /q\nFROM a\nCOPY --from=build /x /x\n";
        let ig = Ignore::parse("node_modules\n");
        let got = shorts(src, &LintOptions { ignore: Some(&ig), target: Some("build"), ..LintOptions::default() });
        assert!(got.is_empty(), "{got:?}");
        let got = shorts(src, &LintOptions { ignore: Some(&ig), ..LintOptions::default() });
        assert!(got.is_empty(), "{got:?}");
        let got = shorts(src, &LintOptions { ignore: Some(&ig), all_stages: true, ..LintOptions::default() });
        assert_eq!(got, vec![
            "CopyIgnoredFile: Attempting to Copy file \"node_modules\" that is excluded by .dockerignore (line 8)",
            "UndefinedVar: Usage of undefined variable '$UNUSED' (line 10)",
        ]);
        let got = shorts("FROM a\nENV FOO=1\nRUN --mount=target=$FO x\n", &LintOptions::default());
        assert_eq!(got, vec!["UndefinedVar: Usage of undefined variable '$FO' (did you mean $FOO?) (line 3)"]);
        assert!(looks_secret("API_KEY") && looks_secret("apikey") && !looks_secret("PUBLIC_KEY") && !looks_secret("KEYBOARD"));
        assert!(valid_reference("alpine:3.20") && valid_reference("ghcr.io/a/b:c") && !valid_reference("alpine:") && !valid_reference("Alpine"));
    }
}

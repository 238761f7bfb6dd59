//! pip: `install` (names, `==`/`>=` specifiers, `-r requirements.txt`, `--upgrade`, `-q`),
//! `uninstall`, `list`, `freeze`, `show`, `--version`, over the package catalog in
//! `packages.json`. Installing writes the package's marker module, its `.dist-info` and its
//! console scripts (`#!dockling:<program>`), and takes virtual time like a download would.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::api::StdStream;
use crate::clock::{Millis, SimTime};
use crate::proc::program::{Ctx, Program, Status, Wait};
use crate::vfs::{Meta, NodeKind};

#[derive(Clone, Debug, Deserialize)]
struct Release {
    v: String,
    /// Lowest Python 3 minor version supported.
    py: u8,
    wheel: String,
    size: u64,
    meta_size: u64,
    deps: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
struct Package {
    name: String,
    meta: String,
    summary: String,
    modules: Vec<String>,
    scripts: BTreeMap<String, String>,
    #[serde(default)]
    all: String,
    versions: Vec<Release>,
}

#[derive(Debug, Deserialize)]
struct Catalog {
    packages: BTreeMap<String, Package>,
}

fn catalog() -> Catalog {
    serde_json::from_str(include_str!("packages.json")).unwrap_or(Catalog { packages: BTreeMap::new() })
}

/// `MarkupSafe` → `markupsafe`, `charset_normalizer` → `charset-normalizer`.
fn canon(name: &str) -> String {
    name.to_ascii_lowercase().replace(['_', '.'], "-")
}

/// pip's `format_size`.
fn size_text(b: u64) -> String {
    if b > 1_000_000 {
        format!("{:.1} MB", b as f64 / 1_000_000.0)
    } else if b > 10_000 {
        format!("{} kB", b / 1000)
    } else if b > 1000 {
        format!("{:.1} kB", b as f64 / 1000.0)
    } else {
        format!("{b} bytes")
    }
}

fn parse_version(v: &str) -> Vec<u64> {
    v.split(['.', '+'])
        .map(|p| p.chars().take_while(|c| c.is_ascii_digit()).collect::<String>().parse().unwrap_or(0))
        .collect()
}

fn cmp_version(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut x, mut y) = (parse_version(a), parse_version(b));
    let n = x.len().max(y.len());
    x.resize(n, 0);
    y.resize(n, 0);
    x.cmp(&y)
}

/// A requirement: name, specifiers, environment marker.
#[derive(Clone, Debug)]
struct Req {
    text: String,
    name: String,
    specs: Vec<(String, String)>,
    marker: Option<String>,
    extras: bool,
}

fn parse_req(s: &str) -> Option<Req> {
    let (body, marker) = match s.split_once(';') {
        Some((b, m)) => (b.trim(), Some(m.trim().to_string())),
        None => (s.trim(), None),
    };
    let end = body.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))).unwrap_or(body.len());
    let name = &body[..end];
    if name.is_empty() {
        return None;
    }
    let mut rest = body[end..].trim();
    let mut extras = false;
    if rest.starts_with('[') {
        extras = true;
        rest = rest.split_once(']').map(|(_, r)| r.trim()).unwrap_or("");
    }
    let mut specs = Vec::new();
    for part in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let op_len = part.find(|c: char| c.is_ascii_alphanumeric() || c == '*').unwrap_or(part.len());
        let (op, v) = part.split_at(op_len);
        let op = op.trim();
        if !matches!(op, "==" | ">=" | "<=" | ">" | "<" | "!=" | "~=" | "===") || v.trim().is_empty() {
            return None;
        }
        specs.push((op.to_string(), v.trim().to_string()));
    }
    Some(Req {
        text: body.to_string(),
        name: name.to_string(),
        specs,
        marker,
        extras,
    })
}

fn satisfies(v: &str, specs: &[(String, String)]) -> bool {
    specs.iter().all(|(op, want)| {
        if let Some(prefix) = want.strip_suffix(".*") {
            let m = v == prefix || v.starts_with(&format!("{prefix}."));
            return if op == "!=" { !m } else { m };
        }
        let o = cmp_version(v, want);
        match op.as_str() {
            "==" | "===" => o.is_eq(),
            "!=" => !o.is_eq(),
            ">=" => o.is_ge(),
            "<=" => o.is_le(),
            ">" => o.is_gt(),
            "<" => o.is_lt(),
            _ => {
                // ~=X.Y: >= X.Y and == X.*
                let mut p = parse_version(want);
                p.pop();
                let pv = parse_version(v);
                o.is_ge() && pv.len() >= p.len() && pv[..p.len()] == p[..]
            }
        }
    })
}

/// Evaluates `python_version < '3.10'`-style markers (and `and`/`or`).
fn marker_true(m: &str, minor: u8, patch: u8) -> bool {
    m.split(" or ").any(|alt| {
        alt.split(" and ").all(|c| {
            let c = c.trim().trim_matches(['(', ')']);
            let parts: Vec<&str> = c.split_whitespace().collect();
            if parts.len() != 3 {
                return true;
            }
            let val = parts[2].trim_matches(['\'', '"']);
            let have = match parts[0] {
                "python_version" => format!("3.{minor}"),
                "python_full_version" => format!("3.{minor}.{patch}"),
                "sys_platform" => "linux".into(),
                "platform_system" => "Linux".into(),
                "os_name" => "posix".into(),
                "platform_machine" => "x86_64".into(),
                "implementation_name" | "platform_python_implementation" => "cpython".into(),
                "extra" => return false,
                _ => return true,
            };
            if parts[0].starts_with("python") {
                satisfies(&have, &[(parts[1].to_string(), val.to_string())])
            } else {
                match parts[1] {
                    "==" => have.eq_ignore_ascii_case(val),
                    "!=" => !have.eq_ignore_ascii_case(val),
                    _ => true,
                }
            }
        })
    })
}

#[derive(Clone, Debug)]
struct Installed {
    name: String,
    version: String,
    dist_info: String,
    requires: Vec<String>,
}

#[derive(Clone, Debug)]
enum Phase {
    /// Emit these events at their times, then exit with the code.
    Play { events: Vec<(u64, StdStream, String)>, next: usize, start: Option<SimTime>, code: i32 },
    /// `pip uninstall` waiting for `Proceed (Y/n)?`.
    Confirm { names: Vec<Installed> },
    Done(i32),
}

#[derive(Clone, Debug)]
pub struct Pip {
    args: Vec<String>,
    phase: Option<Phase>,
    prog: String,
}

impl Pip {
    pub fn new(args: Vec<String>, _ctx: &mut Ctx, prog: Option<String>) -> Pip {
        Pip {
            args,
            phase: None,
            prog: prog.unwrap_or_else(|| "pip".into()),
        }
    }
}

struct Env {
    minor: u8,
    patch: u8,
    pip: String,
    site: String,
    quiet: bool,
    root: bool,
}

impl Env {
    fn pip_at_least(&self, major: u64, minor: u64) -> bool {
        let v = parse_version(&self.pip);
        (v.first().copied().unwrap_or(0), v.get(1).copied().unwrap_or(0)) >= (major, minor)
    }
    fn root_warning(&self) -> String {
        if !self.root {
            return String::new();
        }
        let p = parse_version(&self.pip);
        let major = p.first().copied().unwrap_or(0);
        if major < 22 {
            "WARNING: Running pip as the 'root' user can result in broken permissions and conflicting behaviour with the system package manager. It is recommended to use a virtual environment instead: https://pip.pypa.io/warnings/venv\n".into()
        } else {
            let sep = if major >= 25 { ". " } else { "." };
            format!("WARNING: Running pip as the 'root' user can result in broken permissions and conflicting behaviour with the system package manager, possibly rendering your system unusable{sep}It is recommended to use a virtual environment instead: https://pip.pypa.io/warnings/venv. Use the --root-user-action option if you know what you are doing and want to suppress this warning.\n")
        }
    }
    fn notice(&self) -> String {
        const NEWEST: &str = "25.1.1";
        if cmp_version(&self.pip, NEWEST).is_lt() {
            format!("\n[notice] A new release of pip is available: {} -> {NEWEST}\n[notice] To update, run: pip install --upgrade pip\n", self.pip)
        } else {
            String::new()
        }
    }
    fn cp(&self) -> String {
        format!("cp3{}", self.minor)
    }
}

fn installed(ctx: &Ctx, site: &str) -> Vec<Installed> {
    let mut out = Vec::new();
    let Ok(entries) = ctx.fs.list(site) else {
        return out;
    };
    for (name, node) in entries {
        if !node.is_dir() || !name.ends_with(".dist-info") {
            continue;
        }
        let meta_path = format!("{site}/{name}/METADATA");
        let Some(NodeKind::File(data)) = ctx.fs.get(&meta_path).map(|n| n.kind.clone()) else {
            continue;
        };
        let text = String::from_utf8_lossy(&data).to_string();
        let field = |k: &str| text.lines().find_map(|l| l.strip_prefix(k)).map(|v| v.trim().to_string());
        let requires = text
            .lines()
            .filter_map(|l| l.strip_prefix("Requires-Dist:"))
            .map(|r| r.trim().to_string())
            .collect();
        if let (Some(n), Some(v)) = (field("Name:"), field("Version:")) {
            out.push(Installed {
                name: n,
                version: v,
                dist_info: format!("{site}/{name}"),
                requires,
            });
        }
    }
    out
}

/// What the base image ships (when its file system has no dist-info for it).
fn base_packages(env: &Env, ctx: &Ctx) -> Vec<(String, String)> {
    let mut v = vec![("pip".to_string(), env.pip.clone())];
    if env.minor < 12 {
        let st = ctx.var("PYTHON_SETUPTOOLS_VERSION").unwrap_or(if env.minor >= 11 { "65.5.1" } else { "58.1.0" });
        v.push(("setuptools".into(), st.to_string()));
        v.push(("wheel".into(), ctx.var("PYTHON_WHEEL_VERSION").unwrap_or("0.45.1").to_string()));
    }
    v
}

impl Pip {
    fn env(&self, ctx: &Ctx) -> Env {
        let v = super::version_of(ctx);
        Env {
            minor: v.minor,
            patch: v.patch,
            pip: super::pip_version(ctx),
            site: format!("/usr/local/lib/python3.{}/site-packages", v.minor),
            quiet: self.args.iter().any(|a| a == "-q" || a == "--quiet" || a == "-qq"),
            root: ctx.uid == 0 && !self.args.iter().any(|a| a == "--root-user-action=ignore"),
        }
    }

    fn start(&mut self, ctx: &mut Ctx) -> Phase {
        let env = self.env(ctx);
        let mut args: Vec<String> = self.args.clone();
        args.retain(|a| {
            !matches!(
                a.as_str(),
                "-q" | "--quiet" | "-qq" | "--no-cache-dir" | "--disable-pip-version-check" | "--root-user-action=ignore" | "--no-warn-script-location" | "--break-system-packages" | "--no-input" | "-v" | "--verbose" | "--progress-bar=off"
            )
        });
        let Some(cmd) = args.first().cloned() else {
            return play_err("dockling: pip: the help text (pip with no command) is not simulated\n", 1);
        };
        let rest = args[1..].to_vec();
        match cmd.as_str() {
            "--version" | "-V" => Phase::Play {
                events: vec![(0, StdStream::Stdout, format!("pip {} from {}/pip (python 3.{})\n", env.pip, env.site, env.minor))],
                next: 0,
                start: None,
                code: 0,
            },
            "install" => self.install(ctx, &env, rest),
            "uninstall" => self.uninstall(ctx, &env, rest),
            "list" => self.list(ctx, &env, rest),
            "freeze" => self.freeze(ctx, &env),
            "show" => self.show(ctx, &env, rest),
            "help" | "-h" | "--help" => play_err("dockling: pip: the help text is not simulated\n", 1),
            other if other.starts_with('-') => play_err(&format!("\nUsage:   \n  {} <command> [options]\n\nno such option: {other}\n", self.prog), 2),
            other => play_err(&format!("ERROR: unknown command \"{other}\"\n"), 1),
        }
    }

    fn install(&mut self, ctx: &mut Ctx, env: &Env, rest: Vec<String>) -> Phase {
        let cat = catalog();
        let mut upgrade = false;
        let mut no_deps = false;
        let mut force = false;
        let mut reqs: Vec<(Req, Option<String>)> = Vec::new();
        let mut i = 0;
        while i < rest.len() {
            let a = &rest[i];
            match a.as_str() {
                "-U" | "--upgrade" => upgrade = true,
                "--no-deps" => no_deps = true,
                "--force-reinstall" => force = true,
                "--user" | "-e" | "--editable" | "-t" | "--target" | "--prefix" | "-i" | "--index-url" | "--extra-index-url" => {
                    return play_err(&format!("dockling: pip: {a} is not simulated\n"), 1);
                }
                "-r" | "--requirement" => {
                    let Some(f) = rest.get(i + 1) else {
                        return play_err(&format!("\nUsage:   \n  {0} install [options] <requirement specifier> [package-index-options] ...\n  {0} install [options] -r <requirements file> [package-index-options] ...\n  {0} install [options] [-e] <vcs project url> ...\n  {0} install [options] [-e] <local project path> ...\n  {0} install [options] <archive url/path> ...\n\n-r option requires 1 argument\n", self.prog), 2);
                    };
                    let path = crate::vfs::normalize(ctx.cwd, f);
                    let Some(NodeKind::File(data)) = ctx.fs.get(&path).map(|n| n.kind.clone()) else {
                        return play_err(&format!("ERROR: Could not open requirements file: [Errno 2] No such file or directory: '{f}'\n"), 1);
                    };
                    for (n, line) in String::from_utf8_lossy(&data).lines().enumerate() {
                        let line = line.split(" #").next().unwrap_or("").trim();
                        if line.is_empty() || line.starts_with('#') {
                            continue;
                        }
                        if line.starts_with('-') {
                            return play_err(&format!("dockling: pip: the requirements-file option '{line}' is not simulated\n"), 1);
                        }
                        match parse_req(line) {
                            Some(r) => reqs.push((r, Some(format!("-r {f} (line {})", n + 1)))),
                            None => {
                                return play_err(&format!("ERROR: Invalid requirement: '{line}': Expected end or semicolon (after name and no valid version specifier)\n    {line}\n    ^ (from line {} of {f})\n", n + 1), 1)
                            }
                        }
                    }
                    i += 1;
                }
                s if s.starts_with('-') => {
                    return play_err(&format!("dockling: pip: the install option {s} is not simulated\n"), 1);
                }
                s => match parse_req(s) {
                    Some(r) => reqs.push((r, None)),
                    None => {
                        if s.contains('/') || s.ends_with(".whl") || s.ends_with(".tar.gz") || s == "." {
                            return play_err(&format!("dockling: pip: installing from a path or URL ({s}) is not simulated\n"), 1);
                        }
                        return play_err(&format!("ERROR: Invalid requirement: '{s}'\n"), 1);
                    }
                },
            }
            i += 1;
        }
        if reqs.is_empty() {
            return play_err("ERROR: You must give at least one requirement to install (see \"pip help install\")\n", 1);
        }
        let have = installed(ctx, &env.site);
        let mut ev = Events::new(env.quiet);
        let new_meta = env.pip_at_least(23, 1);
        // Resolve breadth-first in declaration order.
        struct Chosen {
            pkg: Package,
            rel: Release,
            height: u32,
            replaces: Option<Installed>,
        }
        let mut chosen: Vec<Chosen> = Vec::new();
        let mut satisfied: Vec<String> = Vec::new();
        let mut queue: std::collections::VecDeque<(Req, Option<String>, bool)> = reqs.into_iter().map(|(r, from)| (r, from, true)).collect();
        let mut edges: Vec<(String, String)> = Vec::new();
        let mut steps = 0;
        while let Some((req, from, top)) = queue.pop_front() {
            steps += 1;
            if steps > 500 {
                return play_err("dockling: pip: dependency resolution too deep\n", 1);
            }
            if let Some(m) = &req.marker {
                if !marker_true(m, env.minor, env.patch) {
                    if top {
                        ev.out(&format!("Ignoring {}: markers '{m}' don't match your environment\n", req.name));
                    }
                    continue;
                }
            }
            if req.extras && top {
                return play_err(&format!("dockling: pip: package extras ({}) are not simulated\n", req.text), 1);
            }
            let key = canon(&req.name);
            if let Some(p) = &from {
                if !p.starts_with("-r ") {
                    edges.push((canon(p), key.clone()));
                }
            }
            if chosen.iter().any(|c| canon(&c.pkg.name) == key) || satisfied.contains(&key) {
                continue;
            }
            let from_txt = from.as_ref().map(|f| format!(" (from {f})")).unwrap_or_default();
            if let Some(inst) = have.iter().find(|h| canon(&h.name) == key) {
                let ok = satisfies(&inst.version, &req.specs);
                if ok && !(top && (upgrade || force)) {
                    let shown = req.text.clone();
                    ev.out(&format!(
                        "Requirement already satisfied: {shown} in {}{from_txt} ({})\n",
                        env.site, inst.version
                    ));
                    satisfied.push(key.clone());
                    if !no_deps {
                        for d in &inst.requires {
                            if let Some(dr) = parse_req(d) {
                                queue.push_back((dr, Some(req.name.clone()), false));
                            }
                        }
                    }
                    continue;
                }
            }
            // Without a network the index cannot be reached: urllib3 retries five times
            // (backing off 0.5 s, 1 s, 2 s, 4 s), then pip finds no versions.
            if !ctx.online {
                let mut addr = ctx.seed | 0x7f00_0000_0000;
                for (k, wait) in [0u64, 500, 1000, 2000, 4000].iter().enumerate() {
                    addr = (addr & 0x7fff_ffff_ff00) + 0xc40 * (k as u64 + 1);
                    ev.delay(*wait + 30);
                    ev.err(&format!(
                        "WARNING: Retrying (Retry(total={}, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x{addr:x}>: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution')': /simple/{key}/\n",
                        4 - k
                    ));
                }
                ev.delay(500);
                ev.err(&format!(
                    "ERROR: Could not find a version that satisfies the requirement {}{from_txt} (from versions: none)\nERROR: No matching distribution found for {}\n",
                    req.text, req.text
                ));
                return ev.finish(1);
            }
            let Some(pkg) = cat.packages.get(&key).cloned() else {
                if key == "pip" || key == "setuptools" || key == "wheel" {
                    return play_err(&format!("dockling: pip: upgrading {key} is not simulated\n"), 1);
                }
                ev.err(&format!(
                    "ERROR: Could not find a version that satisfies the requirement {}{from_txt} (from versions: none)\nERROR: No matching distribution found for {}\n",
                    req.text, req.text
                ));
                return ev.finish(1);
            };
            let rel = pkg
                .versions
                .iter()
                .filter(|r| r.py <= env.minor && satisfies(&r.v, &req.specs))
                .max_by(|a, b| cmp_version(&a.v, &b.v))
                .cloned();
            let Some(rel) = rel else {
                let mut all: Vec<String> = if pkg.all.is_empty() {
                    let mut v: Vec<String> = pkg.versions.iter().filter(|r| r.py <= env.minor).map(|r| r.v.clone()).collect();
                    v.sort_by(|a, b| cmp_version(a, b));
                    v
                } else {
                    pkg.all.split(", ").map(str::to_string).collect()
                };
                if let Some(newest) = pkg.versions.iter().filter(|r| r.py > env.minor).map(|r| r.v.clone()).min_by(|a, b| cmp_version(a, b)) {
                    all.retain(|v| cmp_version(v, &newest).is_lt());
                }
                let list = if all.is_empty() { "none".to_string() } else { all.join(", ") };
                ev.err(&format!(
                    "ERROR: Could not find a version that satisfies the requirement {}{from_txt} (from versions: {list})\nERROR: No matching distribution found for {}\n",
                    req.text, req.text
                ));
                return ev.finish(1);
            };
            let wheel = rel.wheel.replace("{cp}", &env.cp());
            if new_meta {
                ev.out_at(150, &format!("Collecting {}{from_txt}\n", req.text));
                ev.out_at(120, &format!("  Downloading {wheel}.metadata ({})\n", size_text(rel.meta_size)));
            } else {
                ev.out_at(150, &format!("Collecting {}\n", req.text));
                ev.out_at(download_ms(rel.size), &format!("  Downloading {wheel} ({})\n", size_text(rel.size)));
                if ctx.tty && rel.size > 40_000 {
                    ev.out(&progress_bar(rel.size, env.pip_at_least(22, 0)));
                }
            }
            if !no_deps {
                for d in &rel.deps {
                    if let Some(dr) = parse_req(d) {
                        queue.push_back((dr, Some(pkg.name.clone()), false));
                    }
                }
            }
            let replaces = have.iter().find(|h| canon(&h.name) == key).cloned();
            chosen.push(Chosen {
                pkg,
                rel,
                height: 0,
                replaces,
            });
        }
        if chosen.is_empty() {
            ev.err(&env.root_warning());
            ev.err(&env.notice());
            return ev.finish(0);
        }
        // Heights: longest path down to a leaf among the chosen packages.
        let names: Vec<String> = chosen.iter().map(|c| canon(&c.pkg.name)).collect();
        for _ in 0..names.len() {
            for k in 0..chosen.len() {
                let me = names[k].clone();
                let h = edges
                    .iter()
                    .filter(|(p, _)| *p == me)
                    .filter_map(|(_, c)| names.iter().position(|n| n == c))
                    .map(|j| chosen[j].height + 1)
                    .max()
                    .unwrap_or(0);
                chosen[k].height = chosen[k].height.max(h);
            }
        }
        if new_meta {
            for c in &chosen {
                let wheel = c.rel.wheel.replace("{cp}", &env.cp());
                ev.out_at(download_ms(c.rel.size), &format!("Downloading {wheel} ({})\n", size_text(c.rel.size)));
                if ctx.tty && c.rel.size > 40_000 {
                    ev.out(&progress_bar(c.rel.size, true));
                }
            }
        }
        let display = |c: &Chosen| -> String {
            if env.pip_at_least(24, 0) {
                c.pkg.name.clone()
            } else {
                c.pkg.meta.clone()
            }
        };
        let mut order: Vec<usize> = (0..chosen.len()).collect();
        order.sort_by(|&a, &b| {
            chosen[a]
                .height
                .cmp(&chosen[b].height)
                .then_with(|| display(&chosen[b]).to_lowercase().cmp(&display(&chosen[a]).to_lowercase()))
        });
        let list: Vec<String> = order.iter().map(|&k| display(&chosen[k])).collect();
        ev.out(&format!("Installing collected packages: {}\n", list.join(", ")));
        let meta = Meta {
            mode: 0o644,
            uid: ctx.uid,
            gid: 0,
            mtime: ctx.now,
        };
        let mut done: Vec<String> = Vec::new();
        for &k in &order {
            let c = &chosen[k];
            if let Some(old) = &c.replaces {
                ev.out(&format!("  Attempting uninstall: {}\n", display(c)));
                ev.out(&format!("    Found existing installation: {} {}\n", old.name, old.version));
                ev.out(&format!("    Uninstalling {}-{}:\n", old.name, old.version));
                ev.out(&format!("      Successfully uninstalled {}-{}\n", old.name, old.version));
                remove_dist(ctx, old, &cat);
            }
            write_package(ctx, &env.site, &c.pkg, &c.rel, &env.cp(), &meta);
            ev.delay(40 + c.rel.size / 50_000);
            done.push(format!("{}-{}", display(c), c.rel.v));
        }
        if env.pip_at_least(24, 0) {
            done.sort_by_key(|a| a.to_lowercase());
        } else {
            done.sort();
        }
        ev.out(&format!("Successfully installed {}\n", done.join(" ")));
        ev.err(&env.root_warning());
        ev.err(&env.notice());
        ev.finish(0)
    }

    fn uninstall(&mut self, ctx: &mut Ctx, env: &Env, rest: Vec<String>) -> Phase {
        let yes = rest.iter().any(|a| a == "-y" || a == "--yes");
        let names: Vec<&String> = rest.iter().filter(|a| !a.starts_with('-')).collect();
        if names.is_empty() {
            return play_err("ERROR: You must give at least one requirement to uninstall (see \"pip help uninstall\")\n", 1);
        }
        let have = installed(ctx, &env.site);
        let mut ev = Events::new(env.quiet);
        let mut targets = Vec::new();
        for n in names {
            match have.iter().find(|h| canon(&h.name) == canon(n)) {
                Some(h) => targets.push(h.clone()),
                None => ev.err(&format!("WARNING: Skipping {n} as it is not installed.\n")),
            }
        }
        if targets.is_empty() {
            return ev.finish(0);
        }
        if !yes {
            let cat = catalog();
            let t = targets[0].clone();
            ev.out(&format!("Found existing installation: {} {}\n", t.name, t.version));
            ev.out(&format!("Uninstalling {}-{}:\n  Would remove:\n", t.name, t.version));
            let mut paths: Vec<String> = Vec::new();
            if let Some(p) = cat.packages.get(&canon(&t.name)) {
                for s in p.scripts.keys() {
                    paths.push(format!("/usr/local/bin/{s}"));
                }
                paths.push(format!("{}/*", t.dist_info));
                for m in &p.modules {
                    paths.push(format!("{}/{m}/*", env.site));
                }
            } else {
                paths.push(format!("{}/*", t.dist_info));
            }
            paths.sort();
            for p in paths {
                ev.out(&format!("    {p}\n"));
            }
            ev.out("Proceed (Y/n)? ");
            let Phase::Play { events, .. } = ev.finish(0) else {
                return Phase::Done(1);
            };
            for (_, s, t) in events {
                ctx.write(s, &t);
            }
            return Phase::Confirm { names: targets };
        }
        let cat = catalog();
        for t in &targets {
            ev.out(&format!("Found existing installation: {} {}\n", t.name, t.version));
            ev.out(&format!("Uninstalling {}-{}:\n", t.name, t.version));
            ev.out(&format!("  Successfully uninstalled {}-{}\n", t.name, t.version));
            remove_dist(ctx, t, &cat);
            ev.delay(60);
        }
        ev.err(&env.root_warning());
        ev.finish(0)
    }

    fn all_installed(&self, ctx: &Ctx, env: &Env) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = installed(ctx, &env.site).into_iter().map(|i| (i.name, i.version)).collect();
        for (n, ver) in base_packages(env, ctx) {
            if !v.iter().any(|(x, _)| canon(x) == n) {
                v.push((n, ver));
            }
        }
        v.sort_by_key(|(n, _)| n.to_lowercase());
        v
    }

    fn list(&mut self, ctx: &mut Ctx, env: &Env, rest: Vec<String>) -> Phase {
        if let Some(a) = rest.iter().find(|a| a.starts_with('-')) {
            return play_err(&format!("dockling: pip: pip list {a} is not simulated\n"), 1);
        }
        let rows = self.all_installed(ctx, env);
        let w0 = rows.iter().map(|r| r.0.len()).max().unwrap_or(0).max(7);
        let w1 = rows.iter().map(|r| r.1.len()).max().unwrap_or(0).max(7);
        let mut out = format!("{:<w0$} {:<w1$}\n{} {}\n", "Package", "Version", "-".repeat(w0), "-".repeat(w1));
        for (n, v) in rows {
            out.push_str(format!("{n:<w0$} {v:<w1$}").trim_end());
            out.push('\n');
        }
        let mut ev = Events::new(false);
        ev.out(&out);
        ev.err(&env.notice());
        ev.finish(0)
    }

    fn freeze(&mut self, ctx: &mut Ctx, env: &Env) -> Phase {
        let mut ev = Events::new(false);
        let cat = catalog();
        let mut rows: Vec<(String, String)> = installed(ctx, &env.site).into_iter().map(|i| (i.name, i.version)).collect();
        rows.retain(|(n, _)| !matches!(canon(n).as_str(), "pip" | "setuptools" | "wheel" | "distribute"));
        for (n, v) in &mut rows {
            if let Some(p) = cat.packages.get(&canon(n)) {
                *n = p.meta.clone();
            }
            let _ = v;
        }
        rows.sort_by_key(|(n, _)| n.to_lowercase());
        for (n, v) in rows {
            ev.out(&format!("{n}=={v}\n"));
        }
        ev.finish(0)
    }

    fn show(&mut self, ctx: &mut Ctx, env: &Env, rest: Vec<String>) -> Phase {
        let have = installed(ctx, &env.site);
        let cat = catalog();
        let mut ev = Events::new(false);
        let mut blocks = Vec::new();
        let mut missing = Vec::new();
        for n in rest.iter().filter(|a| !a.starts_with('-')) {
            let Some(h) = have.iter().find(|h| canon(&h.name) == canon(n)) else {
                missing.push(n.clone());
                continue;
            };
            let pkg = cat.packages.get(&canon(n));
            let requires: Vec<String> = h
                .requires
                .iter()
                .filter(|r| match r.split_once(';') {
                    Some((_, m)) => marker_true(m.trim(), env.minor, env.patch),
                    None => true,
                })
                .filter_map(|r| parse_req(r).map(|q| canon(&q.name)))
                .collect();
            let mut required_by: Vec<String> = have
                .iter()
                .filter(|o| o.requires.iter().any(|r| parse_req(r).is_some_and(|q| canon(&q.name) == canon(&h.name))))
                .map(|o| o.name.clone())
                .collect();
            required_by.sort_by_key(|a| a.to_lowercase());
            let mut req_sorted = requires.clone();
            req_sorted.sort();
            blocks.push(format!(
                "Name: {}\nVersion: {}\nSummary: {}\nHome-page: \nAuthor: \nAuthor-email: \nLicense: \nLocation: {}\nRequires: {}\nRequired-by: {}\n",
                h.name,
                h.version,
                pkg.map(|p| p.summary.as_str()).unwrap_or(""),
                env.site,
                req_sorted.join(", "),
                required_by.join(", ")
            ));
        }
        ev.out(&blocks.join("---\n"));
        if !missing.is_empty() {
            ev.err(&format!("WARNING: Package(s) not found: {}\n", missing.join(", ")));
            return ev.finish(1);
        }
        ev.finish(0)
    }
}

fn download_ms(size: u64) -> u64 {
    80 + size / 10_000
}

fn progress_bar(size: u64, rich: bool) -> String {
    let (v, unit) = if size >= 1_000_000 {
        (size as f64 / 1_000_000.0, "MB")
    } else {
        (size as f64 / 1000.0, "kB")
    };
    if rich {
        format!("   {} {v:.1}/{v:.1} {unit} 10.0 MB/s eta 0:00:00\n", "\u{2501}".repeat(40))
    } else {
        format!("     |{}| {} 10.0 MB/s \n", "\u{2588}".repeat(32), size_text(size))
    }
}

fn write_package(ctx: &mut Ctx, site: &str, pkg: &Package, rel: &Release, cp: &str, meta: &Meta) {
    let dist = rel.wheel.split('-').next().unwrap_or(&pkg.name).to_string();
    let dist_info = format!("{site}/{dist}-{}.dist-info", rel.v);
    let mut record = Vec::new();
    for m in &pkg.modules {
        let p = format!("{site}/{m}/__init__.py");
        let text = format!("# dockling: simulated package {} {}\n", pkg.meta, rel.v);
        let _ = ctx.fs.mkdir(&format!("{site}/{m}"), true, &Meta { mode: 0o755, ..meta.clone() });
        let _ = ctx.fs.write(&p, text.as_bytes(), false, meta);
        record.push(format!("{m}/__init__.py,,"));
    }
    let _ = ctx.fs.mkdir(&dist_info, true, &Meta { mode: 0o755, ..meta.clone() });
    let mut md = format!("Metadata-Version: 2.1\nName: {}\nVersion: {}\nSummary: {}\nRequires-Python: >=3.{}\n", pkg.meta, rel.v, pkg.summary, rel.py);
    for d in &rel.deps {
        md.push_str(&format!("Requires-Dist: {d}\n"));
    }
    let wheel_tag = if rel.wheel.contains("{cp}") { format!("{cp}-{cp}-manylinux_2_17_x86_64") } else { "py3-none-any".to_string() };
    for (f, content) in [
        ("METADATA", md),
        ("INSTALLER", "pip\n".to_string()),
        ("WHEEL", format!("Wheel-Version: 1.0\nGenerator: dockling\nRoot-Is-Purelib: true\nTag: {wheel_tag}\n")),
    ] {
        let _ = ctx.fs.write(&format!("{dist_info}/{f}"), content.as_bytes(), false, meta);
        record.push(format!("{dist}-{}.dist-info/{f},,", rel.v));
    }
    if !pkg.scripts.is_empty() {
        let mut eps = String::from("[console_scripts]\n");
        for (s, prog) in &pkg.scripts {
            let _ = ctx.fs.write(&format!("/usr/local/bin/{s}"), format!("#!dockling:{prog}\n").as_bytes(), false, &Meta { mode: 0o755, ..meta.clone() });
            eps.push_str(&format!("{s} = {}\n", pkg.modules.first().cloned().unwrap_or_default()));
            record.push(format!("../../../bin/{s},,"));
        }
        let _ = ctx.fs.write(&format!("{dist_info}/entry_points.txt"), eps.as_bytes(), false, meta);
    }
    record.push(format!("{dist}-{}.dist-info/RECORD,,", rel.v));
    let _ = ctx.fs.write(&format!("{dist_info}/RECORD"), (record.join("\n") + "\n").as_bytes(), false, meta);
}

fn remove_dist(ctx: &mut Ctx, inst: &Installed, cat: &Catalog) {
    let _ = ctx.fs.remove(&inst.dist_info, true);
    if let Some(p) = cat.packages.get(&canon(&inst.name)) {
        let site = crate::vfs::parent(&inst.dist_info).to_string();
        for m in &p.modules {
            let _ = ctx.fs.remove(&format!("{site}/{m}"), true);
        }
        for s in p.scripts.keys() {
            let _ = ctx.fs.remove(&format!("/usr/local/bin/{s}"), false);
        }
    }
}

/// Output lines with the virtual time each takes.
struct Events {
    list: Vec<(u64, StdStream, String)>,
    pending_delay: u64,
    quiet: bool,
}

impl Events {
    fn new(quiet: bool) -> Events {
        Events {
            list: Vec::new(),
            pending_delay: 0,
            quiet,
        }
    }
    fn delay(&mut self, ms: u64) {
        self.pending_delay += ms;
    }
    fn out_at(&mut self, delay: u64, s: &str) {
        self.pending_delay += delay;
        self.out(s);
    }
    fn out(&mut self, s: &str) {
        if self.quiet || s.is_empty() {
            return;
        }
        self.list.push((std::mem::take(&mut self.pending_delay), StdStream::Stdout, s.to_string()));
    }
    fn err(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        self.list.push((std::mem::take(&mut self.pending_delay), StdStream::Stderr, s.to_string()));
    }
    fn finish(self, code: i32) -> Phase {
        Phase::Play {
            events: self.list,
            next: 0,
            start: None,
            code,
        }
    }
}

fn play_err(msg: &str, code: i32) -> Phase {
    Phase::Play {
        events: vec![(0, StdStream::Stderr, msg.to_string())],
        next: 0,
        start: None,
        code,
    }
}

impl Program for Pip {
    fn step(&mut self, ctx: &mut Ctx) -> Status {
        if self.phase.is_none() {
            self.phase = Some(self.start(ctx));
        }
        loop {
            match self.phase.take() {
                Some(Phase::Done(c)) => {
                    self.phase = Some(Phase::Done(c));
                    return Status::Exited(c);
                }
                Some(Phase::Confirm { names }) => {
                    let Some(line) = ctx.stdin.read_line() else {
                        if ctx.stdin.at_eof() {
                            ctx.write(StdStream::Stdout, "\nERROR: Exception:\n");
                            self.phase = Some(Phase::Done(1));
                            return Status::Exited(1);
                        }
                        self.phase = Some(Phase::Confirm { names });
                        return Status::Waiting(Wait { until: None, stdin: true });
                    };
                    let ans = line.trim().to_ascii_lowercase();
                    if !matches!(ans.as_str(), "" | "y" | "yes" | "n" | "no") {
                        ctx.write(StdStream::Stdout, &format!("Your response ('{}') was not one of the expected responses: y, n, \nProceed (Y/n)? ", line.trim()));
                        self.phase = Some(Phase::Confirm { names });
                        continue;
                    }
                    let env = self.env(ctx);
                    let cat = catalog();
                    let mut ev = Events::new(false);
                    if ans.starts_with('n') {
                        self.phase = Some(Phase::Done(0));
                        return Status::Exited(0);
                    }
                    for t in &names {
                        ev.out(&format!("  Successfully uninstalled {}-{}\n", t.name, t.version));
                        remove_dist(ctx, t, &cat);
                    }
                    ev.err(&env.root_warning());
                    self.phase = Some(ev.finish(0));
                }
                Some(Phase::Play { events, mut next, start, code }) => {
                    let start = start.unwrap_or(ctx.now);
                    let mut t = start;
                    for (k, (d, _, _)) in events.iter().enumerate() {
                        t = t + Millis(*d);
                        if k < next {
                            continue;
                        }
                        if t > ctx.now {
                            self.phase = Some(Phase::Play { events: events.clone(), next, start: Some(start), code });
                            return Status::Waiting(Wait { until: Some(t), stdin: false });
                        }
                        let (_, s, text) = &events[k];
                        ctx.write(*s, text);
                        next = k + 1;
                    }
                    self.phase = Some(Phase::Done(code));
                    return Status::Exited(code);
                }
                None => {
                    self.phase = Some(Phase::Done(1));
                    return Status::Exited(1);
                }
            }
        }
    }

    fn clone_box(&self) -> Box<dyn Program> {
        Box::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_markers() {
        assert!(satisfies("3.1.1", &[(">=".into(), "3.1.0".into())]));
        assert!(!satisfies("3.0.3", &[(">=".into(), "3.1.0".into())]));
        assert!(satisfies("2.2.0", &[("~=".into(), "2.1".into())]));
        assert!(marker_true("python_version < '3.10'", 9, 23));
        assert!(!marker_true("python_version < '3.10'", 13, 5));
        assert!(marker_true("python_full_version < '3.11.3'", 11, 2));
        assert_eq!(size_text(103305), "103 kB");
        assert_eq!(size_text(8458), "8.5 kB");
        assert_eq!(size_text(16560000), "16.6 MB");
        assert!(catalog().packages.contains_key("flask"));
    }
}

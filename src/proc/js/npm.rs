//! `npm`, `npx` and `nodemon`. Installs come from `packages.json` (the real dependency trees
//! and lockfile entries of each package version Dockling knows); installed packages get their
//! `package.json` and an `index.js` marker that `require` maps to the simulated module (or to
//! a one-line "not simulated" error). Scripts run `node …` (and `nodemon`) directly; other
//! commands would need `/bin/sh`, which `npm run` here does not simulate.

use serde_json::{json, Map, Value};

use super::host::NodeVersion;
use super::{version_for, Node};
use crate::proc::program::{Ctx, Disposition, HttpRequest, HttpResponse, Listen, Program, Status, Wait};
use crate::proc::Signal;
use crate::vfs::{join, parent, Meta};

const DATA: &str = include_str!("packages.json");

/// Package names that exist on the registry but that Dockling has no data for (installing one
/// says so instead of a 404).
const KNOWN: &[&str] = &[
    "react", "react-dom", "next", "vue", "svelte", "typescript", "ts-node", "tsx", "jest", "mocha", "chai", "vitest", "supertest", "sinon",
    "chalk", "commander", "yargs", "inquirer", "uuid", "nanoid", "moment", "dayjs", "date-fns", "luxon", "bcrypt", "bcryptjs", "jsonwebtoken",
    "passport", "helmet", "morgan", "multer", "cookie-parser", "express-session", "ejs", "pug", "handlebars", "hbs", "express-handlebars",
    "socket.io", "ws", "mysql", "mysql2", "sqlite3", "better-sqlite3", "sequelize", "prisma", "@prisma/client", "knex", "mongodb", "ioredis",
    "nodemailer", "sharp", "joi", "zod", "yup", "validator", "express-validator", "winston", "pino", "debug", "cross-env", "concurrently",
    "eslint", "prettier", "webpack", "vite", "@babel/core", "rimraf", "fs-extra", "glob", "minimist", "node-fetch", "got", "request",
    "superagent", "cheerio", "puppeteer", "pm2", "forever", "config", "compression", "http-errors", "serve-static", "cookie", "underscore",
    "ramda", "rxjs", "bluebird", "async", "graphql", "@apollo/server", "apollo-server", "firebase", "firebase-admin", "aws-sdk", "stripe",
    "openai", "lowdb", "qs", "semver", "colors", "ora", "figlet", "readline-sync", "prompt-sync", "connect-mongo", "node-cron", "cron",
    "moment-timezone", "@types/node", "@types/express", "nodemon", "express", "dotenv", "cors", "body-parser", "lodash", "axios", "mongoose",
    "pg", "redis", "method-override", "express-rate-limit", "redux", "@reduxjs/toolkit", "tailwindcss", "postcss", "autoprefixer", "sass",
];

fn data() -> Value {
    serde_json::from_str(DATA).unwrap_or(Value::Null)
}

fn meta(ctx: &Ctx, mode: u32) -> Meta {
    Meta { mode, uid: ctx.uid, gid: ctx.uid, mtime: ctx.now }
}

fn read(ctx: &Ctx, p: &str) -> Option<String> {
    super::modules::read_text(ctx, p)
}

fn write(ctx: &mut Ctx, p: &str, text: &str) {
    let dm = meta(ctx, 0o755);
    let fm = meta(ctx, 0o644);
    let _ = ctx.fs.mkdir(parent(p), true, &dm);
    let _ = ctx.fs.write(p, text.as_bytes(), false, &fm);
}

/// JSON as npm writes package.json and lockfiles (two-space indent, newline at the end).
fn pretty(v: &Value) -> String {
    let mut s = String::new();
    pretty_into(v, 0, &mut s);
    s.push('\n');
    s
}

fn pretty_into(v: &Value, depth: usize, out: &mut String) {
    let pad = |d: usize| "  ".repeat(d);
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push_str("{\n");
            for (i, (k, x)) in m.iter().enumerate() {
                out.push_str(&pad(depth + 1));
                super::builtins::json::quote(k, out);
                out.push_str(": ");
                pretty_into(x, depth + 1, out);
                if i + 1 < m.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&pad(depth));
            out.push('}');
        }
        Value::Array(a) if !a.is_empty() => {
            out.push_str("[\n");
            for (i, x) in a.iter().enumerate() {
                out.push_str(&pad(depth + 1));
                pretty_into(x, depth + 1, out);
                if i + 1 < a.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&pad(depth));
            out.push(']');
        }
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
        Value::String(s) => super::builtins::json::quote(s, out),
        other => out.push_str(&other.to_string()),
    }
}

/// A semver version `a.b.c`.
fn parse_ver(v: &str) -> Option<(u64, u64, u64)> {
    let core = v.trim().trim_start_matches('v').split(['-', '+']).next()?;
    let mut it = core.split('.');
    let a = it.next()?.parse().ok()?;
    let b = it.next().unwrap_or("0").parse().ok()?;
    let c = it.next().unwrap_or("0").parse().ok()?;
    Some((a, b, c))
}

/// Does version `v` satisfy range `r` (`^`, `~`, `>=`, `x`, `*`, exact, `||`)?
pub fn satisfies(v: &str, r: &str) -> bool {
    let Some(ver) = parse_ver(v) else { return false };
    r.split("||").any(|alt| {
        let alt = alt.trim();
        if alt.is_empty() || alt == "*" || alt == "latest" || alt == "x" {
            return true;
        }
        // `>= 1.2` → `>=1.2`; `1.2.3 - 2.3.4` → `>=1.2.3 <=2.3.4`.
        let mut parts: Vec<String> = Vec::new();
        let mut words = alt.split_whitespace().peekable();
        while let Some(w) = words.next() {
            if matches!(w, ">=" | "<=" | ">" | "<" | "=" | "^" | "~") {
                parts.push(format!("{w}{}", words.next().unwrap_or("")));
            } else if words.peek() == Some(&"-") {
                words.next();
                parts.push(format!(">={w}"));
                parts.push(format!("<={}", words.next().unwrap_or("")));
            } else {
                parts.push(w.to_string());
            }
        }
        parts.iter().all(|c| one(ver, c))
    })
}

fn one(v: (u64, u64, u64), c: &str) -> bool {
    let partial = |s: &str| -> (Option<u64>, Option<u64>, Option<u64>) {
        let mut it = s.trim_start_matches('v').split('.').map(|x| x.parse::<u64>().ok());
        (it.next().flatten(), it.next().flatten(), it.next().flatten())
    };
    if let Some(r) = c.strip_prefix('^') {
        let (a, b, p) = partial(r);
        let (a, b, p) = (a.unwrap_or(0), b.unwrap_or(0), p.unwrap_or(0));
        if v < (a, b, p) {
            return false;
        }
        return if a > 0 { v.0 == a } else if b > 0 { v.0 == 0 && v.1 == b } else { v == (0, 0, p) };
    }
    if let Some(r) = c.strip_prefix('~') {
        let (a, b, p) = partial(r);
        let (a, b, p) = (a.unwrap_or(0), b.unwrap_or(0), p.unwrap_or(0));
        return v >= (a, b, p) && v.0 == a && v.1 == b;
    }
    for (op, f) in [(">=", 0), ("<=", 1), (">", 2), ("<", 3)] {
        if let Some(r) = c.strip_prefix(op) {
            let (a, b, p) = partial(r);
            let t = (a.unwrap_or(0), b.unwrap_or(0), p.unwrap_or(0));
            return match f {
                0 => v >= t,
                1 => v <= t,
                2 => v > t,
                _ => v < t,
            };
        }
    }
    let c = c.trim_start_matches('=');
    let (a, b, p) = partial(c);
    a.is_none_or(|a| v.0 == a) && b.is_none_or(|b| v.1 == b) && p.is_none_or(|p| v.2 == p)
}

/// The packages of one install: (path under node_modules with `>` for nesting, version).
fn install_tree(d: &Value, name: &str, version: &str) -> Option<Vec<(String, String)>> {
    let list = d.get("installs")?.get(format!("{name}@{version}"))?.as_array()?;
    Some(
        list.iter()
            .filter_map(|e| e.as_str())
            .filter_map(|e| e.rsplit_once('@').map(|(p, v)| (p.to_string(), v.to_string())))
            .collect(),
    )
}

fn versions_of(d: &Value, name: &str) -> Vec<String> {
    let mut v: Vec<String> = d
        .get("installs")
        .and_then(|i| i.as_object())
        .map(|m| m.keys().filter_map(|k| k.rsplit_once('@').filter(|(n, _)| *n == name).map(|(_, v)| v.to_string())).collect())
        .unwrap_or_default();
    crate::text::sort_by(&mut v, &|a, b| parse_ver(a).cmp(&parse_ver(b)));
    v
}

fn entry(d: &Value, name: &str, version: &str) -> Option<Value> {
    d.get("packages")?.get(format!("{name}@{version}")).cloned()
}

#[derive(Clone, Debug)]
enum Step {
    /// Exit with this status at the next step.
    Done(i32),
    /// nodemon after its app exited: waits for file changes (never, here).
    Idle,
    /// A script's command is running.
    Child,
}

/// What the npm process does.
#[derive(Clone, Debug)]
pub struct Npm {
    argv: Vec<String>,
    kind: u8,
    version: NodeVersion,
    /// Scripts still to run: (event, command).
    queue: Vec<(String, String)>,
    child: Option<Box<Node>>,
    /// Shown in script errors (`npm error command sh -c …`).
    current: Option<(String, String)>,
    started: bool,
    state: Option<Step>,
    /// nodemon: the command it restarts.
    nodemon_cmd: Option<String>,
    /// The script event running (`start`, `pretest`…).
    event: String,
    /// An install's output and exit, held until the time it reports (`in 3s`) has passed.
    hold: Option<(crate::clock::SimTime, Vec<crate::proc::Chunk>, i32)>,
}

/// The duration an npm summary line reports (`… in 3s`, `in 812ms`, `in 1.234s`), in ms.
fn reported_ms(chunks: &[crate::proc::Chunk]) -> u64 {
    let mut best = 0;
    for c in chunks {
        let crate::proc::Chunk::Text(_, t) = c else { continue };
        for line in t.lines() {
            let Some(i) = line.rfind(" in ") else { continue };
            let d = line[i + 4..].trim();
            let ms = if let Some(n) = d.strip_suffix("ms") {
                n.parse::<f64>().ok()
            } else if let Some(n) = d.strip_suffix('s') {
                n.parse::<f64>().ok().map(|x| x * 1000.0)
            } else {
                None
            };
            if let Some(ms) = ms {
                best = best.max(ms as u64);
            }
        }
    }
    best
}

impl Npm {
    pub fn new(argv: &[String], ctx: &mut Ctx) -> Npm {
        Npm { argv: argv.to_vec(), kind: 0, version: version_for(ctx.var("NODE_VERSION")), queue: Vec::new(), child: None, current: None, started: false, state: None, nodemon_cmd: None, event: String::new(), hold: None }
    }
    pub fn npx(argv: &[String], ctx: &mut Ctx) -> Npm {
        let mut n = Npm::new(argv, ctx);
        n.kind = 1;
        n
    }
    pub fn nodemon(argv: &[String], ctx: &mut Ctx) -> Npm {
        let mut n = Npm::new(argv, ctx);
        n.kind = 2;
        n
    }

    fn v(&self) -> &NodeVersion {
        &self.version
    }

    fn npm_major(&self) -> u32 {
        self.v().npm.split('.').next().and_then(|m| m.parse().ok()).unwrap_or(10)
    }

    /// `npm error` (npm ≥ 10.4) or `npm ERR!`.
    fn prefix(&self) -> &'static str {
        if self.npm_major() >= 10 {
            "npm error"
        } else {
            "npm ERR!"
        }
    }

    fn home(&self, ctx: &Ctx) -> String {
        ctx.var("HOME").map(|h| h.to_string()).unwrap_or_else(|| if ctx.uid == 0 { "/root".into() } else { "/home/node".into() })
    }

    fn log_line(&self, ctx: &Ctx) -> String {
        let c = ctx.now.civil();
        let stamp = format!("{:04}-{:02}-{:02}T{:02}_{:02}_{:02}_{:03}Z", c.year, c.month, c.day, c.hour, c.minute, c.second, c.nanos / 1_000_000);
        let home = self.home(ctx);
        if self.npm_major() >= 10 {
            format!("{} A complete log of this run can be found in: {home}/.npm/_logs/{stamp}-debug-0.log\n", self.prefix())
        } else {
            let suffix = if self.npm_major() >= 7 { "-debug-0.log" } else { "-debug.log" };
            format!("\n{p} A complete log of this run can be found in:\n{p}     {home}/.npm/_logs/{stamp}{suffix}\n", p = self.prefix())
        }
    }

    fn fail(&self, ctx: &mut Ctx, lines: &[String], code: i32) -> Status {
        let p = self.prefix();
        let mut s = String::new();
        for l in lines {
            if l.is_empty() {
                s.push_str(p);
                s.push_str(if self.npm_major() >= 10 { "\n" } else { " \n" });
            } else if self.npm_major() >= 10 {
                s.push_str(&format!("{p} {}\n", l.trim_end()));
            } else {
                s.push_str(&format!("{p} {l}\n"));
            }
        }
        s.push_str(&self.log_line(ctx));
        ctx.out.err(&s);
        Status::Exited(code)
    }

    fn no_package_json(&self, ctx: &mut Ctx) -> Status {
        let path = join(ctx.cwd, "package.json");
        if self.npm_major() >= 7 {
            self.fail(ctx, &["code ENOENT".into(), "syscall open".into(), format!("path {path}"), "errno -2".into(), format!("enoent Could not read package.json: Error: ENOENT: no such file or directory, open '{path}'"), "enoent This is related to npm not being able to find a file.".into(), "enoent ".into()], 254)
        } else {
            self.fail(ctx, &["code ENOENT".into(), "syscall open".into(), format!("path {path}"), "errno -2".into(), format!("enoent ENOENT: no such file or directory, open '{path}'"), "enoent This is related to npm not being able to find a file.".into(), "enoent ".into()], 254)
        }
    }

    fn package_json(&self, ctx: &Ctx) -> Option<Result<Map<String, Value>, String>> {
        let text = read(ctx, &join(ctx.cwd, "package.json"))?;
        Some(match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(m)) => Ok(m),
            Ok(_) => Err("package.json must be an object".into()),
            Err(e) => Err(e.to_string()),
        })
    }

    fn run_cmd(&mut self, ctx: &mut Ctx) -> Status {
        let args: Vec<String> = self.argv.iter().skip(1).cloned().collect();
        if self.kind == 2 {
            return self.start_nodemon(ctx, &args);
        }
        if self.kind == 1 {
            return self.npx_cmd(ctx, &args);
        }
        let Some(cmd) = args.first().cloned() else {
            ctx.out.out(&format!("npm <command>\n\nUsage:\n\nnpm install        install all the dependencies in your project\nnpm install <foo>  add the <foo> dependency to your project\nnpm test           run this project's tests\nnpm run <foo>      run the script named <foo>\nnpm <command> -h   quick help on <command>\nnpm -l             display usage info for all commands\nnpm help <term>    search for help on <term>\nnpm help npm       more involved overview\n\nAll commands:\n\n    access, adduser, audit, bugs, cache, ci, completion,\n    config, dedupe, deprecate, diff, dist-tag, docs, doctor,\n    edit, exec, explain, explore, find-dupes, fund, get, help,\n    help-search, init, install, install-ci-test, install-test,\n    link, ll, login, logout, ls, org, outdated, owner, pack,\n    ping, pkg, prefix, profile, prune, publish, query, rebuild,\n    repo, restart, root, run, sbom, search, set, shrinkwrap,\n    star, stars, start, stop, team, test, token, undeprecate,\n    uninstall, unpublish, unstar, update, version, view, whoami\n\nSpecify configs in the ini-formatted file:\n    /root/.npmrc\nor on the command line via: npm <command> --key=value\n\nMore configuration info: npm help config\nConfiguration fields: npm help 7 config\n\nnpm@{} /usr/local/lib/node_modules/npm\n", self.v().npm));
            return Status::Exited(1);
        };
        let rest: Vec<String> = args[1..].to_vec();
        match cmd.as_str() {
            "-v" | "--version" | "-version" => {
                ctx.out.out(&format!("{}\n", self.v().npm));
                Status::Exited(0)
            }
            "init" | "create" | "innit" => self.init(ctx, &rest),
            "install" | "i" | "add" | "in" | "ins" | "inst" | "insta" | "instal" | "isnt" | "isnta" | "isntal" | "isntall" => self.install(ctx, &rest, false),
            "ci" | "clean-install" | "ic" | "install-clean" | "isntall-clean" => self.install(ctx, &rest, true),
            "uninstall" | "remove" | "rm" | "r" | "un" | "unlink" => self.uninstall(ctx, &rest),
            "ls" | "list" | "la" | "ll" => self.ls(ctx),
            "start" | "stop" | "restart" | "test" | "t" | "tst" => {
                let name = match cmd.as_str() {
                    "t" | "tst" => "test",
                    c => c,
                };
                self.run_script(ctx, name, &rest)
            }
            "run" | "run-script" | "rum" | "urn" => match rest.first() {
                Some(s) => {
                    let s = s.clone();
                    self.run_script(ctx, &s, &rest[1..])
                }
                None => self.list_scripts(ctx),
            },
            "exec" | "x" => self.npx_cmd(ctx, &rest),
            "help" | "-h" | "--help" => {
                ctx.out.err("dockling: npm: npm help is not simulated\n");
                Status::Exited(1)
            }
            other => {
                ctx.out.err(&format!("dockling: npm: npm {other} is not simulated\n"));
                Status::Exited(1)
            }
        }
    }

    fn init(&mut self, ctx: &mut Ctx, args: &[String]) -> Status {
        if !args.iter().any(|a| a == "-y" || a == "--yes" || a == "-f" || a == "--force") {
            ctx.out.err("dockling: npm: the interactive npm init questionnaire is not simulated (use npm init -y)\n");
            return Status::Exited(1);
        }
        let name = crate::vfs::basename(ctx.cwd).to_lowercase().replace(' ', "-");
        let name = if name == "/" || name.is_empty() { "root".to_string() } else { name };
        let path = join(ctx.cwd, "package.json");
        let m = self.npm_major();
        let mut pj = Map::new();
        pj.insert("name".into(), json!(name));
        pj.insert("version".into(), json!("1.0.0"));
        if m != 10 {
            pj.insert("description".into(), json!(""));
        }
        pj.insert("main".into(), json!("index.js"));
        pj.insert("scripts".into(), json!({"test": "echo \"Error: no test specified\" && exit 1"}));
        pj.insert("keywords".into(), json!([]));
        pj.insert("author".into(), json!(""));
        pj.insert("license".into(), json!("ISC"));
        if m == 10 {
            pj.insert("description".into(), json!(""));
        }
        if m >= 11 {
            pj.insert("type".into(), json!("commonjs"));
        }
        let text = pretty(&Value::Object(pj));
        write(ctx, &path, &text);
        let tail = if m >= 10 { "\n\n" } else { "\n" };
        ctx.out.out(&format!("Wrote to {path}:\n\n{}{tail}", text.trim_end_matches('\n')));
        Status::Exited(0)
    }

    fn duration(n: usize) -> String {
        let ms = 250 + 35 * n as u64;
        if ms < 1000 {
            format!("{ms}ms")
        } else {
            format!("{}s", (ms + 500) / 1000)
        }
    }

    fn summary(&self, added: usize, removed: usize, total: usize, funding: usize, up_to_date: bool) -> String {
        let t = Self::duration(added + removed);
        let plural = |n: usize| if n == 1 { "package" } else { "packages" };
        let mut s = String::from("\n");
        if up_to_date {
            s.push_str(&format!("up to date, audited {} {} in {t}\n", total + 1, plural(total + 1)));
        } else {
            let mut parts = Vec::new();
            if added > 0 {
                parts.push(format!("added {added} {}", plural(added)));
            }
            if removed > 0 {
                parts.push(format!("removed {removed} {}", plural(removed)));
            }
            s.push_str(&format!("{}, and audited {} {} in {t}\n", parts.join(", "), total + 1, plural(total + 1)));
        }
        if funding > 0 {
            let verb = if funding == 1 { "package is" } else { "packages are" };
            s.push_str(&format!("\n{funding} {verb} looking for funding\n  run `npm fund` for details\n"));
        }
        s.push_str("\nfound 0 vulnerabilities\n");
        s
    }

    /// npm's update notice: checked at most once a week, remembered in ~/.npm.
    fn notice(&self, ctx: &mut Ctx) -> String {
        let latest = "11.4.2";
        let v = &self.v().npm;
        let stamp = format!("{}/.npm/_update-notifier-last-checked", self.home(ctx));
        if !(7..11).contains(&self.npm_major()) || ctx.fs.get(&stamp).is_some() {
            return String::new();
        }
        write(ctx, &stamp, "");
        format!("npm notice\nnpm notice New major version of npm available! {v} -> {latest}\nnpm notice Changelog: https://github.com/npm/cli/releases/tag/v{latest}\nnpm notice To update run: npm install -g npm@{latest}\nnpm notice\n")
    }

    /// The tree currently installed: (path, version) from node_modules/*/package.json.
    fn installed(&self, ctx: &Ctx) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let base = join(ctx.cwd, "node_modules");
        self.scan(ctx, &base, "", &mut out, 0);
        out
    }

    fn scan(&self, ctx: &Ctx, dir: &str, prefix: &str, out: &mut Vec<(String, String)>, depth: u32) {
        if depth > 6 {
            return;
        }
        let Ok(list) = ctx.fs.list(dir) else { return };
        let names: Vec<String> = list.keys().cloned().collect();
        for n in names {
            if n.starts_with('.') {
                continue;
            }
            if n.starts_with('@') {
                let scope = join(dir, &n);
                let subs: Vec<String> = ctx.fs.list(&scope).map(|l| l.keys().cloned().collect()).unwrap_or_default();
                for s in subs {
                    self.one_pkg(ctx, &join(&scope, &s), &format!("{prefix}{n}/{s}"), out, depth);
                }
            } else {
                self.one_pkg(ctx, &join(dir, &n), &format!("{prefix}{n}"), out, depth);
            }
        }
    }

    fn one_pkg(&self, ctx: &Ctx, dir: &str, rel: &str, out: &mut Vec<(String, String)>, depth: u32) {
        let Some(t) = read(ctx, &join(dir, "package.json")) else { return };
        let v: Value = serde_json::from_str(&t).unwrap_or(Value::Null);
        if let Some(ver) = v.get("version").and_then(|x| x.as_str()) {
            out.push((rel.to_string(), ver.to_string()));
        }
        let nested = join(dir, "node_modules");
        if ctx.fs.get(&nested).is_some() {
            self.scan(ctx, &nested, &format!("{rel}>"), out, depth + 1);
        }
    }

    fn write_package(&self, ctx: &mut Ctx, d: &Value, rel: &str, version: &str) {
        let name = rel.rsplit('>').next().unwrap_or(rel);
        let dir = join(ctx.cwd, &format!("node_modules/{}", rel.replace('>', "/node_modules/")));
        let e = entry(d, name, version).unwrap_or(Value::Null);
        let mut pj = Map::new();
        pj.insert("name".into(), json!(name));
        pj.insert("version".into(), json!(version));
        if let Some(l) = e.get("license") {
            pj.insert("license".into(), l.clone());
        }
        pj.insert("main".into(), json!("index.js"));
        for (k, f) in [("dependencies", "dependencies"), ("optionalDependencies", "optionalDependencies"), ("peerDependencies", "peerDependencies"), ("bin", "bin"), ("engines", "engines"), ("funding", "funding")] {
            if let Some(x) = e.get(k) {
                pj.insert(f.into(), x.clone());
            }
        }
        write(ctx, &join(&dir, "package.json"), &pretty(&Value::Object(pj)));
        write(ctx, &join(&dir, "index.js"), &format!("/*#!dockling:package {name}@{version}*/\n"));
        // Commands in node_modules/.bin.
        if !rel.contains('>') {
            if let Some(bins) = e.get("bin").and_then(|b| b.as_object()) {
                for b in bins.keys() {
                    let p = join(ctx.cwd, &format!("node_modules/.bin/{b}"));
                    let dm = meta(ctx, 0o755);
                    let _ = ctx.fs.mkdir(parent(&p), true, &dm);
                    let fm = meta(ctx, 0o755);
                    let _ = ctx.fs.write(&p, format!("#!dockling:{b}\n").as_bytes(), false, &fm);
                }
            }
        }
    }

    fn write_lock(&self, ctx: &mut Ctx, d: &Value, pj: &Map<String, Value>, tree: &[(String, String, bool)]) {
        let mut root = Map::new();
        for k in ["name", "version"] {
            if let Some(v) = pj.get(k) {
                root.insert(k.into(), v.clone());
            }
        }
        if let Some(l) = pj.get("license") {
            root.insert("license".into(), l.clone());
        }
        for k in ["dependencies", "devDependencies"] {
            if let Some(v) = pj.get(k) {
                root.insert(k.into(), v.clone());
            }
        }
        let mut packages = Map::new();
        packages.insert(String::new(), Value::Object(root));
        let mut sorted: Vec<&(String, String, bool)> = tree.iter().collect();
        crate::text::sort_by(&mut sorted, &|a, b| a.0.replace('>', "/node_modules/").cmp(&b.0.replace('>', "/node_modules/")));
        for (rel, ver, dev) in sorted {
            let name = rel.rsplit('>').next().unwrap_or(rel);
            let e = entry(d, name, ver).unwrap_or(json!({"version": ver}));
            let mut out = Map::new();
            if let Value::Object(m) = e {
                for (k, v) in m {
                    out.insert(k.clone(), v);
                    if k == "version" && self.npm_major() <= 10 {
                        let base = name.rsplit('/').next().unwrap_or(name);
                        out.insert("resolved".into(), json!(format!("https://registry.npmjs.org/{name}/-/{base}-{ver}.tgz")));
                    }
                    if k == "integrity" && *dev {
                        out.insert("dev".into(), json!(true));
                    }
                }
            }
            packages.insert(format!("node_modules/{}", rel.replace('>', "/node_modules/")), Value::Object(out));
        }
        let mut lock = Map::new();
        if let Some(n) = pj.get("name") {
            lock.insert("name".into(), n.clone());
        }
        if let Some(v) = pj.get("version") {
            lock.insert("version".into(), v.clone());
        }
        let lv = match self.npm_major() {
            0..=6 => 1,
            7..=8 => 2,
            _ => 3,
        };
        lock.insert("lockfileVersion".into(), json!(lv));
        lock.insert("requires".into(), json!(true));
        lock.insert("packages".into(), Value::Object(packages));
        write(ctx, &join(ctx.cwd, "package-lock.json"), &pretty(&Value::Object(lock)));
    }

    /// Resolves a requested package: Ok((name, version)) or an error status already printed.
    fn resolve_spec(&self, ctx: &mut Ctx, d: &Value, spec: &str) -> Result<(String, String), Status> {
        let (name, range) = match spec.rfind('@') {
            Some(i) if i > 0 => (&spec[..i], &spec[i + 1..]),
            _ => (spec, "latest"),
        };
        let versions = versions_of(d, name);
        if versions.is_empty() {
            if KNOWN.contains(&name) {
                ctx.out.err(&format!("dockling: npm: {name} is not in Dockling's package data (installable packages: express, nodemon, dotenv, cors, body-parser, lodash, axios, mongoose, pg, redis)\n"));
                return Err(Status::Exited(1));
            }
            let wanted = if range == "latest" { "*".to_string() } else { range.to_string() };
            let lines: Vec<String> = if self.npm_major() >= 7 {
                vec![
                    "code E404".into(),
                    format!("404 Not Found - GET https://registry.npmjs.org/{} - Not found", name.replace('/', "%2f")),
                    "404".into(),
                    format!("404  '{name}@{wanted}' is not in this registry."),
                    "404".into(),
                    "404 Note that you can also install from a".into(),
                    "404 tarball, folder, http url, or git url.".into(),
                ]
            } else {
                vec![
                    "code E404".into(),
                    format!("404 Not Found - GET https://registry.npmjs.org/{name} - Not found"),
                    "404 ".into(),
                    format!("404  '{name}@{}' is not in the npm registry.", if range == "latest" { "latest" } else { range }),
                    "404 You should bug the author to publish it (or use the name yourself!)".into(),
                    "404 ".into(),
                    "404 Note that you can also install from a".into(),
                    "404 tarball, folder, http url, or git url.".into(),
                ]
            };
            return Err(self.fail(ctx, &lines, 1));
        }
        let latest = d.get("latest").and_then(|l| l.get(name)).and_then(|v| v.as_str()).unwrap_or("");
        let pick = if range == "latest" || range.is_empty() {
            Some(latest.to_string()).filter(|v| !v.is_empty()).or_else(|| versions.last().cloned())
        } else {
            versions.iter().rev().find(|v| satisfies(v, range)).cloned()
        };
        match pick {
            Some(v) => Ok((name.to_string(), v)),
            None => {
                ctx.out.err(&format!("dockling: npm: {name}@{range} is not in Dockling's package data (known versions: {})\n", versions.join(", ")));
                Err(Status::Exited(1))
            }
        }
    }

    fn install(&mut self, ctx: &mut Ctx, args: &[String], ci: bool) -> Status {
        let d = data();
        let mut dev = false;
        let mut exact = false;
        let mut global = false;
        let mut specs = Vec::new();
        let mut omit_dev = false;
        for a in args {
            match a.as_str() {
                "-D" | "--save-dev" | "--dev" => dev = true,
                "-E" | "--save-exact" => exact = true,
                "-g" | "--global" => global = true,
                "-S" | "--save" | "-P" | "--save-prod" | "--no-fund" | "--no-audit" | "--silent" | "--quiet" | "--legacy-peer-deps" | "--force" | "--no-save" => {}
                "--omit=dev" => omit_dev = true,
                "--production" | "--only=production" | "--only=prod" => {
                    omit_dev = true;
                    if self.npm_major() >= 7 {
                        let w = if self.npm_major() >= 10 { "npm warn" } else { "npm WARN" };
                        let flag = if a == "--production" { "production" } else { "only" };
                        ctx.out.err(&format!("{w} config {flag} Use `--omit=dev` instead.\n"));
                    }
                }
                s if s.starts_with('-') => {}
                s => specs.push(s.to_string()),
            }
        }
        if global {
            return self.install_global(ctx, &d, &specs);
        }
        let pj_path = join(ctx.cwd, "package.json");
        let mut pj = match self.package_json(ctx) {
            Some(Ok(m)) => m,
            Some(Err(e)) => {
                return self.fail(ctx, &["code EJSONPARSE".into(), format!("path {pj_path}"), format!("JSON.parse Failed to parse json"), format!("JSON.parse {e}"), "JSON.parse Failed to parse package.json data.".into(), "JSON.parse package.json must be actual JSON, not just JavaScript.".into()], 1);
            }
            None => {
                if specs.is_empty() || ci {
                    return self.no_package_json(ctx);
                }
                Map::new()
            }
        };
        let lock_path = join(ctx.cwd, "package-lock.json");
        let lock: Option<Value> = read(ctx, &lock_path).and_then(|t| serde_json::from_str(&t).ok());
        let lock_existed = lock.is_some();
        if ci {
            let mut why: Vec<String> = Vec::new();
            match &lock {
                None => why.extend(["The `npm ci` command can only install with an existing package-lock.json or", "npm-shrinkwrap.json with lockfileVersion >= 1. Run an install with npm@5 or", "later to generate a package-lock.json file, then try again."].map(String::from)),
                Some(l) => {
                    for section in ["dependencies", "devDependencies"] {
                        let Some(Value::Object(deps)) = pj.get(section) else { continue };
                        for (name, range) in deps {
                            let range = range.as_str().unwrap_or("*");
                            match l.get("packages").and_then(|p| p.get(format!("node_modules/{name}"))).and_then(|e| e.get("version")).and_then(|v| v.as_str()) {
                                Some(v) if satisfies(v, range) => {}
                                Some(v) => why.push(format!("Invalid: lock file's {name}@{v} does not satisfy {name}@{range}")),
                                None => why.push(format!("Missing: {name}@{range} from lock file")),
                            }
                        }
                    }
                    if !why.is_empty() {
                        why.insert(0, String::new());
                        why.insert(0, "`npm ci` can only install packages when your package.json and package-lock.json or npm-shrinkwrap.json are in sync. Please update your lock file with `npm install` before continuing.".into());
                    }
                }
            }
            if !why.is_empty() {
                let mut lines = vec!["code EUSAGE".to_string()];
                if self.npm_major() >= 7 {
                    lines.push(String::new());
                    lines.extend(why);
                    lines.push(String::new());
                    let usage = "Clean install a project\n\nUsage:\nnpm ci\n\nOptions:\n[--install-strategy <hoisted|nested|shallow|linked>] [--legacy-bundling]\n[--global-style] [--omit <dev|optional|peer> [--omit <dev|optional|peer> ...]]\n[--include <prod|dev|optional|peer> [--include <prod|dev|optional|peer> ...]]\n[--strict-peer-deps] [--foreground-scripts] [--ignore-scripts] [--no-audit]\n[--no-bin-links] [--no-fund] [--dry-run]\n[-w|--workspace <workspace-name> [-w|--workspace <workspace-name> ...]]\n[-ws|--workspaces] [--include-workspace-root] [--install-links]\n\naliases: clean-install, ic, install-clean, isntall-clean\n\nRun \"npm help ci\" for more info";
                    lines.extend(usage.lines().map(String::from));
                } else {
                    lines = why.into_iter().filter(|l| !l.is_empty()).collect();
                }
                return self.fail(ctx, &lines, 1);
            }
        }
        // What is wanted: (name, version, dev).
        let mut wanted: Vec<(String, String, bool)> = Vec::new();
        let lock_version = |name: &str| -> Option<String> {
            lock.as_ref()?.get("packages")?.get(format!("node_modules/{name}"))?.get("version")?.as_str().map(|s| s.to_string())
        };
        for section in ["dependencies", "devDependencies"] {
            let is_dev = section == "devDependencies";
            if let Some(Value::Object(deps)) = pj.get(section) {
                for (name, range) in deps.clone() {
                    let range = range.as_str().unwrap_or("*").to_string();
                    if specs.iter().any(|s| s.split('@').next() == Some(name.as_str()) && !s.starts_with('@') || s == &name) {
                        continue;
                    }
                    let locked = lock_version(&name).filter(|v| satisfies(v, &range));
                    let version = match locked {
                        Some(v) => v,
                        None => match self.resolve_spec(ctx, &d, &format!("{name}@{range}")) {
                            Ok((_, v)) => v,
                            Err(s) => return s,
                        },
                    };
                    wanted.push((name, version, is_dev));
                }
            }
        }
        let mut new_top = Vec::new();
        for s in &specs {
            match self.resolve_spec(ctx, &d, s) {
                Ok((n, v)) => new_top.push((n, v)),
                Err(st) => return st,
            }
        }
        for (n, v) in &new_top {
            wanted.retain(|w| w.0 != *n);
            wanted.push((n.clone(), v.clone(), dev));
        }
        // The full tree (first placement wins; nested paths kept).
        let mut tree: Vec<(String, String, bool)> = Vec::new();
        for (n, v, is_dev) in &wanted {
            let Some(t) = install_tree(&d, n, v) else { continue };
            for (rel, ver) in t {
                let name = rel.rsplit('>').next().unwrap_or(&rel).to_string();
                let e = entry(&d, &name, &ver);
                let optional_other_os = e.as_ref().is_some_and(|e| e.get("os").and_then(|o| o.as_array()).is_some_and(|os| !os.iter().any(|x| x.as_str() == Some("linux"))));
                if optional_other_os {
                    continue;
                }
                match tree.iter_mut().find(|x| x.0 == rel) {
                    Some(x) => {
                        if !is_dev {
                            x.2 = false;
                        }
                    }
                    None => tree.push((rel, ver, *is_dev)),
                }
            }
        }
        // Compare with what is on disk.
        let before = if ci { Vec::new() } else { self.installed(ctx) };
        if ci {
            let _ = ctx.fs.remove(&join(ctx.cwd, "node_modules"), true);
        }
        // The lock file keeps the whole tree; `--omit=dev` only leaves dev packages off the disk.
        let disk: Vec<(String, String, bool)> = tree.iter().filter(|t| !(omit_dev && t.2)).cloned().collect();
        let mut added: usize = 0;
        for (rel, ver, _) in &disk {
            if !before.iter().any(|(r, v)| r == rel && v == ver) {
                self.write_package(ctx, &d, rel, ver);
                added += 1;
            }
        }
        let mut removed = 0;
        for (rel, _) in &before {
            if !disk.iter().any(|t| &t.0 == rel) && !specs.is_empty() {
                continue;
            }
            if !disk.iter().any(|t| &t.0 == rel) {
                let dir = join(ctx.cwd, &format!("node_modules/{}", rel.replace('>', "/node_modules/")));
                let _ = ctx.fs.remove(&dir, true);
                removed += 1;
            }
        }
        // package.json: add the new packages (sorted, `^version` unless exact).
        if !new_top.is_empty() {
            let section = if dev { "devDependencies" } else { "dependencies" };
            let other = if dev { "dependencies" } else { "devDependencies" };
            let mut deps = match pj.get(section) {
                Some(Value::Object(m)) => m.clone(),
                _ => Map::new(),
            };
            for (n, v) in &new_top {
                deps.insert(n.clone(), json!(if exact { v.clone() } else { format!("^{v}") }));
                if let Some(Value::Object(o)) = pj.get_mut(other) {
                    o.remove(n);
                }
            }
            let mut keys: Vec<String> = deps.keys().cloned().collect();
            crate::text::sort(&mut keys);
            let mut sorted = Map::new();
            for k in keys {
                if let Some(v) = deps.get(&k) {
                    sorted.insert(k, v.clone());
                }
            }
            pj.insert(section.into(), Value::Object(sorted));
            write(ctx, &pj_path, &pretty(&Value::Object(pj.clone())));
        }
        self.write_lock(ctx, &d, &pj, &tree);
        let funding = disk.iter().filter(|(rel, ver, _)| entry(&d, rel.rsplit('>').next().unwrap_or(rel), ver).is_some_and(|e| e.get("funding").is_some())).count();
        let up_to_date = added == 0 && removed == 0;
        let mut out = String::new();
        if self.npm_major() <= 6 {
            // npm 6: warnings on stderr, `+ pkg@version` lines, contributors (approximated).
            let id = format!("{}@{}", pj.get("name").and_then(|n| n.as_str()).unwrap_or("app"), pj.get("version").and_then(|n| n.as_str()).unwrap_or("1.0.0"));
            let mut warn = String::new();
            if !lock_existed {
                warn.push_str("npm notice created a lockfile as package-lock.json. You should commit this file.\n");
            }
            if pj.get("description").and_then(|d| d.as_str()).is_none_or(|d| d.is_empty()) {
                warn.push_str(&format!("npm WARN {id} No description\n"));
            }
            if pj.get("repository").is_none() {
                warn.push_str(&format!("npm WARN {id} No repository field.\n"));
            }
            ctx.out.err(&warn);
            out.push('\n');
            for (n, v) in &new_top {
                out.push_str(&format!("+ {n}@{v}\n"));
            }
            let secs = format!("{:.3}s", (400 + 30 * (added + removed) as u64) as f64 / 1000.0);
            if added > 0 {
                out.push_str(&format!("added {added} {} from {} contributor{} and audited {} packages in {secs}\n", if added == 1 { "package" } else { "packages" }, added.div_ceil(4) * 3, if added == 1 { "" } else { "s" }, disk.len()));
            } else if removed > 0 {
                out.push_str(&format!("removed {removed} {} and audited {} packages in {secs}\n", if removed == 1 { "package" } else { "packages" }, disk.len()));
            } else {
                out.push_str(&format!("audited {} packages in {secs}\n", disk.len()));
            }
            if funding > 0 {
                let verb = if funding == 1 { "package is" } else { "packages are" };
                out.push_str(&format!("\n{funding} {verb} looking for funding\n  run `npm fund` for details\n"));
            }
            out.push_str("\nfound 0 vulnerabilities\n\n");
            ctx.out.out(&out);
            return Status::Exited(0);
        }
        out.push_str(&self.summary(added, removed, disk.len(), funding, up_to_date));
        ctx.out.out(&out);
        let notice = self.notice(ctx);
        if !notice.is_empty() {
            ctx.out.err(&notice);
        }
        Status::Exited(0)
    }

    fn install_global(&mut self, ctx: &mut Ctx, d: &Value, specs: &[String]) -> Status {
        let mut total = 0;
        for s in specs {
            let (n, v) = match self.resolve_spec(ctx, d, s) {
                Ok(x) => x,
                Err(st) => return st,
            };
            if n == "npm" {
                ctx.out.err("dockling: npm: upgrading npm itself is not simulated\n");
                return Status::Exited(1);
            }
            let tree = install_tree(d, &n, &v).unwrap_or_default();
            total += tree.len();
            let e = entry(d, &n, &v).unwrap_or(Value::Null);
            let dir = format!("/usr/local/lib/node_modules/{n}");
            let pj = json!({"name": n, "version": v, "main": "index.js"});
            write(ctx, &join(&dir, "package.json"), &pretty(&pj));
            write(ctx, &join(&dir, "index.js"), &format!("/*#!dockling:package {n}@{v}*/\n"));
            if let Some(bins) = e.get("bin").and_then(|b| b.as_object()) {
                for b in bins.keys() {
                    let p = format!("/usr/local/bin/{b}");
                    let fm = meta(ctx, 0o755);
                    let _ = ctx.fs.write(&p, format!("#!dockling:{b}\n").as_bytes(), false, &fm);
                }
            }
        }
        let plural = if total == 1 { "package" } else { "packages" };
        ctx.out.out(&format!("\nadded {total} {plural} in {}\n", Self::duration(total)));
        let funding = specs.iter().filter_map(|s| self.resolve_spec(ctx, d, s).ok()).flat_map(|(n, v)| install_tree(d, &n, &v).unwrap_or_default()).filter(|(rel, ver)| entry(d, rel.rsplit('>').next().unwrap_or(rel), ver).is_some_and(|e| e.get("funding").is_some())).count();
        if funding > 0 {
            let verb = if funding == 1 { "package is" } else { "packages are" };
            ctx.out.out(&format!("\n{funding} {verb} looking for funding\n  run `npm fund` for details\n"));
        }
        let notice = self.notice(ctx);
        if !notice.is_empty() {
            ctx.out.err(&notice);
        }
        Status::Exited(0)
    }

    fn uninstall(&mut self, ctx: &mut Ctx, args: &[String]) -> Status {
        let Some(Ok(mut pj)) = self.package_json(ctx) else { return self.no_package_json(ctx) };
        let names: Vec<String> = args.iter().filter(|a| !a.starts_with('-')).cloned().collect();
        for section in ["dependencies", "devDependencies"] {
            if let Some(Value::Object(m)) = pj.get_mut(section) {
                for n in &names {
                    m.remove(n);
                }
            }
        }
        write(ctx, &join(ctx.cwd, "package.json"), &pretty(&Value::Object(pj)));
        // Reinstalling what remains removes the rest and prints npm's summary.
        self.install(ctx, &[], false)
    }

    fn ls(&mut self, ctx: &mut Ctx) -> Status {
        let pj = match self.package_json(ctx) {
            Some(Ok(m)) => m,
            _ => Map::new(),
        };
        let name = pj.get("name").and_then(|n| n.as_str()).unwrap_or("");
        let version = pj.get("version").and_then(|n| n.as_str()).unwrap_or("");
        let root = if name.is_empty() { ctx.cwd.to_string() } else { format!("{name}@{version} {}", ctx.cwd) };
        let mut top: Vec<String> = Vec::new();
        for section in ["dependencies", "devDependencies"] {
            if let Some(Value::Object(m)) = pj.get(section) {
                top.extend(m.keys().cloned());
            }
        }
        crate::text::sort(&mut top);
        let installed = self.installed(ctx);
        let mut s = format!("{root}\n");
        if top.is_empty() {
            s.push_str("└── (empty)\n");
        }
        let mut missing = Vec::new();
        for (i, n) in top.iter().enumerate() {
            let branch = if i + 1 == top.len() { "└──" } else { "├──" };
            match installed.iter().find(|(r, _)| r == n) {
                Some((_, v)) => s.push_str(&format!("{branch} {n}@{v}\n")),
                None => {
                    let range = pj.get("dependencies").or(pj.get("devDependencies")).and_then(|d| d.get(n)).and_then(|r| r.as_str()).unwrap_or("*");
                    s.push_str(&format!("{branch} UNMET DEPENDENCY {n}@{range}\n"));
                    missing.push(format!("missing: {n}@{range}, required by {name}@{version}"));
                }
            }
        }
        s.push('\n');
        ctx.out.out(&s);
        if !missing.is_empty() {
            let mut lines = vec!["code ELSPROBLEMS".to_string()];
            lines.extend(missing);
            return self.fail(ctx, &lines, 1);
        }
        Status::Exited(0)
    }

    fn list_scripts(&mut self, ctx: &mut Ctx) -> Status {
        let Some(Ok(pj)) = self.package_json(ctx) else { return self.no_package_json(ctx) };
        let name = pj.get("name").and_then(|n| n.as_str()).unwrap_or("");
        let version = pj.get("version").and_then(|n| n.as_str()).unwrap_or("");
        let Some(Value::Object(scripts)) = pj.get("scripts") else { return Status::Exited(0) };
        let lifecycle = ["prepublish", "prepare", "prepublishOnly", "prepack", "postpack", "dependencies", "publish", "install", "uninstall", "version", "test", "start", "stop", "restart"];
        let mut life = String::new();
        let mut other = String::new();
        for (k, v) in scripts {
            let line = format!("  {k}\n    {}\n", v.as_str().unwrap_or(""));
            if lifecycle.contains(&k.as_str()) {
                life.push_str(&line);
            } else {
                other.push_str(&line);
            }
        }
        let mut s = String::new();
        if !life.is_empty() {
            s.push_str(&format!("Lifecycle scripts included in {name}@{version}:\n{life}"));
        }
        if !other.is_empty() {
            if !life.is_empty() {
                s.push('\n');
            }
            s.push_str(&format!("available via `npm run-script`:\n{other}"));
        }
        ctx.out.out(&s);
        Status::Exited(0)
    }

    fn run_script(&mut self, ctx: &mut Ctx, name: &str, extra: &[String]) -> Status {
        let Some(Ok(pj)) = self.package_json(ctx) else { return self.no_package_json(ctx) };
        let scripts = match pj.get("scripts") {
            Some(Value::Object(m)) => m.clone(),
            _ => Map::new(),
        };
        let extra: Vec<String> = extra.iter().skip_while(|a| *a == "--").cloned().collect();
        let mut cmd = scripts.get(name).and_then(|v| v.as_str()).map(|s| s.to_string());
        if cmd.is_none() && name == "start" && ctx.fs.get(&join(ctx.cwd, "server.js")).is_some() {
            cmd = Some("node server.js".into());
        }
        if cmd.is_none() && (name == "stop" || name == "restart") {
            ctx.out.err(&format!("dockling: npm: npm {name} without a script is not simulated\n"));
            return Status::Exited(1);
        }
        let Some(cmd) = cmd else {
            let mut lines = vec![format!("Missing script: \"{name}\"")];
            lines.push(String::new());
            if name == "start" {
                lines.push("Did you mean one of these?".into());
                lines.push("  npm star # Mark your favorite packages".into());
                lines.push("  npm stars # View packages marked as favorites".into());
                lines.push(String::new());
            }
            lines.push("To see a list of scripts, run:".into());
            lines.push("  npm run".into());
            if self.npm_major() <= 6 {
                return self.fail(ctx, &[format!("missing script: {name}")], 1);
            }
            return self.fail(ctx, &lines, 1);
        };
        let mut full = cmd.clone();
        if !extra.is_empty() {
            full.push(' ');
            full.push_str(&extra.join(" "));
        }
        let pkg = format!("{}@{}", pj.get("name").and_then(|n| n.as_str()).unwrap_or(""), pj.get("version").and_then(|n| n.as_str()).unwrap_or(""));
        self.queue.clear();
        if let Some(pre) = scripts.get(&format!("pre{name}")).and_then(|v| v.as_str()) {
            self.queue.push((format!("pre{name}"), pre.to_string()));
        }
        self.queue.push((name.to_string(), full));
        if let Some(post) = scripts.get(&format!("post{name}")).and_then(|v| v.as_str()) {
            self.queue.push((format!("post{name}"), post.to_string()));
        }
        self.current = Some((pkg, String::new()));
        self.next_script(ctx)
    }

    /// Starts the next queued script.
    fn next_script(&mut self, ctx: &mut Ctx) -> Status {
        if self.queue.is_empty() {
            return Status::Exited(0);
        }
        let (event, cmd) = self.queue.remove(0);
        self.event = event.clone();
        let pkg = self.current.as_ref().map(|c| c.0.clone()).unwrap_or_default();
        if self.npm_major() <= 6 {
            ctx.out.out(&format!("\n> {pkg} {event} {}\n> {cmd}\n\n", ctx.cwd));
        } else {
            ctx.out.out(&format!("\n> {pkg} {event}\n> {cmd}\n\n"));
        }
        self.current = Some((pkg, cmd.clone()));
        self.exec(ctx, &cmd)
    }

    /// Runs a script's command.
    fn exec(&mut self, ctx: &mut Ctx, cmd: &str) -> Status {
        let words = shell_words(cmd);
        // `echo "…" && exit N` (npm's default test script).
        if let Some(st) = simple_echo(ctx, cmd) {
            return self.script_done(ctx, st);
        }
        let Some(first) = words.first() else { return self.script_done(ctx, 0) };
        let prog = crate::vfs::basename(first);
        let bin = join(ctx.cwd, &format!("node_modules/.bin/{prog}"));
        match prog {
            "node" => {
                let mut node = Box::new(Node::new(&words, ctx));
                let st = node.step(ctx);
                self.child = Some(node);
                self.state = Some(Step::Child);
                self.child_status(ctx, st)
            }
            "nodemon" if ctx.fs.get(&bin).is_some() || ctx.fs.get("/usr/local/bin/nodemon").is_some() => {
                let rest: Vec<String> = words[1..].to_vec();
                self.start_nodemon(ctx, &rest)
            }
            _ => {
                ctx.out.err(&format!("dockling: npm: running `{cmd}` through /bin/sh is not simulated (npm runs `node …` scripts directly)\n"));
                Status::Exited(1)
            }
        }
    }

    fn script_done(&mut self, ctx: &mut Ctx, code: i32) -> Status {
        if code != 0 {
            self.queue.clear();
            let cmd = self.current.as_ref().map(|c| c.1.clone()).unwrap_or_default();
            if self.kind != 0 {
                return Status::Exited(code);
            }
            if self.npm_major() >= 7 {
                let lines = vec![format!("code {code}"), format!("path {}", ctx.cwd), "command failed".into(), format!("command sh -c {cmd}")];
                return self.fail(ctx, &lines, code);
            }
            let (pkg, event) = (self.current.as_ref().map(|c| c.0.clone()).unwrap_or_default(), self.event.clone());
            if event == "test" {
                ctx.out.err("npm ERR! Test failed.  See above for more details.\n");
                return Status::Exited(code);
            }
            let lines = vec!["code ELIFECYCLE".into(), format!("errno {code}"), format!("{pkg} {event}: `{cmd}`"), format!("Exit status {code}"), String::new(), format!("Failed at the {pkg} {event} script."), "This is probably not a problem with npm. There is likely additional logging output above.".into()];
            return self.fail(ctx, &lines, code);
        }
        self.next_script(ctx)
    }

    fn child_status(&mut self, ctx: &mut Ctx, st: Status) -> Status {
        match st {
            Status::Exited(c) => {
                self.child = None;
                self.state = None;
                if self.kind == 2 {
                    let msg = if c == 0 { "[nodemon] clean exit - waiting for changes before restart" } else { "[nodemon] app crashed - waiting for file changes before starting..." };
                    let colored = if ctx.tty { if c == 0 { format!("\x1b[32m{msg}\x1b[39m\n") } else { format!("\x1b[31m{msg}\x1b[39m\n") } } else { format!("{msg}\n") };
                    ctx.out.out(&colored);
                    // nodemon keeps waiting for file changes (watching is not simulated).
                    self.state = Some(Step::Idle);
                    return Status::Waiting(Wait { until: None, stdin: false });
                }
                self.script_done(ctx, c)
            }
            other => other,
        }
    }

    fn npx_cmd(&mut self, ctx: &mut Ctx, args: &[String]) -> Status {
        let args: Vec<String> = args.iter().filter(|a| *a != "-y" && *a != "--yes").cloned().collect();
        let Some(first) = args.first() else {
            ctx.out.err("dockling: npx: npx without a command is not simulated\n");
            return Status::Exited(1);
        };
        let bin = join(ctx.cwd, &format!("node_modules/.bin/{first}"));
        if first == "nodemon" && (ctx.fs.get(&bin).is_some() || ctx.fs.get("/usr/local/bin/nodemon").is_some()) {
            return self.start_nodemon(ctx, &args[1..]);
        }
        if first == "node" {
            return self.exec(ctx, &args.join(" "));
        }
        ctx.out.err(&format!("dockling: npx: running {first} is not simulated\n"));
        Status::Exited(1)
    }

    fn start_nodemon(&mut self, ctx: &mut Ctx, args: &[String]) -> Status {
        let d = data();
        let version = versions_of(&d, "nodemon").last().cloned().unwrap_or_else(|| "3.1.10".into());
        let installed = read(ctx, &join(ctx.cwd, "node_modules/nodemon/package.json"))
            .or_else(|| read(ctx, "/usr/local/lib/node_modules/nodemon/package.json"))
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .and_then(|v| v.get("version").and_then(|x| x.as_str()).map(|s| s.to_string()))
            .unwrap_or(version);
        let script = match args.iter().find(|a| !a.starts_with('-')) {
            Some(s) => s.clone(),
            None => {
                let main = self.package_json(ctx).and_then(|r| r.ok()).and_then(|m| m.get("main").and_then(|x| x.as_str()).map(|s| s.to_string()));
                match main {
                    Some(m) => m,
                    None => {
                        let msg = "[nodemon] Usage: nodemon [options] [script.js] [args]\n\n  See \"nodemon --help\" for more.\n\n";
                        ctx.out.out(msg);
                        return Status::Exited(0);
                    }
                }
            }
        };
        let rest: Vec<String> = args.iter().skip_while(|a| **a != script).skip(1).cloned().collect();
        let cmd = format!("node {script}{}", rest.iter().map(|r| format!(" {r}")).collect::<String>());
        let y = |s: &str| if ctx.tty { format!("\x1b[33m{s}\x1b[39m\n") } else { format!("{s}\n") };
        let g = |s: &str| if ctx.tty { format!("\x1b[32m{s}\x1b[39m\n") } else { format!("{s}\n") };
        let mut banner = String::new();
        banner.push_str(&y(&format!("[nodemon] {installed}")));
        banner.push_str(&y("[nodemon] to restart at any time, enter `rs`"));
        banner.push_str(&y("[nodemon] watching path(s): *.*"));
        banner.push_str(&y("[nodemon] watching extensions: js,mjs,cjs,json"));
        banner.push_str(&g(&format!("[nodemon] starting `{cmd}`")));
        ctx.out.out(&banner);
        self.kind = 2;
        self.nodemon_cmd = Some(cmd.clone());
        let words = shell_words(&cmd);
        let mut node = Box::new(Node::new(&words, ctx));
        let st = node.step(ctx);
        self.child = Some(node);
        self.state = Some(Step::Child);
        self.child_status(ctx, st)
    }
}

/// Words of a simple command line (quotes, no expansions).
fn shell_words(cmd: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for c in cmd.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                any = true;
            }
            None if c.is_whitespace() => {
                if !cur.is_empty() || any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            None => cur.push(c),
        }
    }
    if !cur.is_empty() || any {
        out.push(cur);
    }
    out
}

/// `echo …` optionally followed by `&& exit N`: prints and gives the status.
fn simple_echo(ctx: &mut Ctx, cmd: &str) -> Option<i32> {
    let (echo, exit) = match cmd.split_once("&&") {
        Some((a, b)) => (a.trim(), Some(b.trim())),
        None => (cmd.trim(), None),
    };
    let rest = echo.strip_prefix("echo ")?;
    let words = shell_words(rest);
    ctx.out.out(&format!("{}\n", words.join(" ")));
    match exit {
        None => Some(0),
        Some(e) => e.strip_prefix("exit").map(|n| n.trim().parse().unwrap_or(0)),
    }
}

/// Parses a `.env` file (`KEY=value` lines, quotes, `#` comments).
pub fn parse_dotenv(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((k, v)) = line.split_once('=') else { continue };
        let mut v = v.trim().to_string();
        if let Some(q) = v.chars().next().filter(|c| *c == '"' || *c == '\'') {
            if let Some(end) = v[1..].find(q) {
                v = v[1..1 + end].to_string();
            }
        } else if let Some(i) = v.find(" #") {
            v = v[..i].trim().to_string();
        }
        out.push((k.trim().to_string(), v));
    }
    out
}

impl Program for Npm {
    fn step(&mut self, ctx: &mut Ctx) -> Status {
        if let Some((at, _, _)) = &self.hold {
            if ctx.now < *at {
                return Status::Waiting(Wait { until: Some(*at), stdin: false });
            }
            if let Some((_, chunks, code)) = self.hold.take() {
                ctx.out.chunks.extend(chunks);
                return Status::Exited(code);
            }
        }
        if !self.started {
            self.started = true;
            let installs = self.kind == 0 && matches!(self.argv.get(1).map(String::as_str), Some("install" | "i" | "ci" | "add" | "uninstall" | "remove" | "rm" | "update"));
            if !installs {
                return self.run_cmd(ctx);
            }
            // npm works for a while, then prints its summary: the output waits for that time.
            let mut own = crate::proc::Captured::default();
            std::mem::swap(ctx.out, &mut own);
            let st = self.run_cmd(ctx);
            std::mem::swap(ctx.out, &mut own);
            let ms = reported_ms(&own.chunks);
            return match st {
                Status::Exited(code) if ms > 0 => {
                    let at = ctx.now + crate::clock::Millis(ms);
                    self.hold = Some((at, own.chunks, code));
                    Status::Waiting(Wait { until: Some(at), stdin: false })
                }
                other => {
                    ctx.out.chunks.extend(own.chunks);
                    other
                }
            };
        }
        match self.state.clone() {
            Some(Step::Done(c)) => Status::Exited(c),
            Some(Step::Idle) => Status::Waiting(Wait { until: None, stdin: false }),
            Some(Step::Child) => {
                let Some(child) = self.child.as_mut() else { return Status::Exited(1) };
                let st = child.step(ctx);
                self.child_status(ctx, st)
            }
            None => Status::Exited(0),
        }
    }

    fn listening(&self) -> Vec<Listen> {
        self.child.as_ref().map(|c| c.listening()).unwrap_or_default()
    }

    fn http(&mut self, port: u16, req: &HttpRequest, ctx: &mut Ctx) -> Option<HttpResponse> {
        self.child.as_mut()?.http(port, req, ctx)
    }

    fn signal(&mut self, sig: Signal, ctx: &mut Ctx) -> Disposition {
        // npm forwards SIGINT/SIGTERM to its child; a child without a handler dies of it.
        let Some(child) = self.child.as_mut() else { return Disposition::Default };
        if !matches!(sig, Signal::Term | Signal::Int) {
            return child.signal(sig, ctx);
        }
        if child.signal(sig, ctx) == Disposition::Handled {
            return Disposition::Handled;
        }
        self.child = None;
        self.state = None;
        let name = if sig == Signal::Term { "SIGTERM" } else { "SIGINT" };
        if self.kind == 0 && self.npm_major() >= 7 {
            let cmd = self.current.as_ref().map(|c| c.1.clone()).unwrap_or_default();
            let lines = vec![format!("path {}", ctx.cwd), "command failed".into(), format!("signal {name}"), format!("command sh -c {cmd}")];
            let _ = self.fail(ctx, &lines, 128 + sig.number());
        }
        self.queue.clear();
        self.state = Some(Step::Done(128 + sig.number()));
        Disposition::Handled
    }

    fn clone_box(&self) -> Box<dyn Program> {
        Box::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::satisfies;

    #[test]
    fn ranges() {
        assert!(satisfies("4.21.2", "^4.18.0"));
        assert!(!satisfies("5.1.0", "^4.18.0"));
        assert!(satisfies("1.3.8", "~1.3.8"));
        assert!(!satisfies("1.4.0", "~1.3.8"));
        assert!(satisfies("2.0.0", ">= 0.8"));
        assert!(satisfies("3.1.10", "*"));
        assert!(satisfies("0.2.5", "^0.2.1"));
        assert!(!satisfies("0.3.0", "^0.2.1"));
        assert!(satisfies("4.21.2", "4"));
        assert!(satisfies("1.2.3", "1.x || >=2.5.0"));
        assert!(satisfies("1.5.0", "1.2.3 - 2.3.4"));
        assert!(!satisfies("2.4.0", "1.2.3 - 2.3.4"));
    }
}

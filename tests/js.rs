//! Node.js, npm and Express inside containers, driven through the `Program` trait with a fake
//! context. Expected outputs come from the real programs: Node 20.20.2 run locally where its
//! behaviour is the same across versions, and Node's, npm's and Express's sources and
//! published traces for version-specific text (noted per test).

mod common;

use dockling::api::StdStream;
use dockling::clock::SimTime;
use dockling::proc::program::{Ctx, HttpRequest, HttpResponse, Input, Program, Status};
use dockling::proc::Captured;
use dockling::vfs::{Meta, Tree};

pub struct Run {
    pub out: String,
    pub err: String,
    pub code: Option<i32>,
    pub fs: Tree,
}

fn meta() -> Meta {
    Meta { mode: 0o644, uid: 0, gid: 0, mtime: SimTime::DEFAULT_START }
}

pub fn tree(files: &[(&str, &str)]) -> Tree {
    let mut t = Tree::new(Meta { mode: 0o755, ..meta() });
    t.mkdir("/tmp", true, &Meta { mode: 0o1777, ..meta() }).ok();
    for (p, body) in files {
        let dir = dockling::vfs::parent(p).to_string();
        t.mkdir(&dir, true, &Meta { mode: 0o755, ..meta() }).ok();
        t.write(p, body.as_bytes(), false, &meta()).ok();
    }
    t
}

pub struct Env {
    pub fs: Tree,
    pub now: SimTime,
    pub env: Vec<String>,
    pub stdin: Input,
    pub out: Captured,
    pub tty: bool,
}

impl Env {
    pub fn new(files: &[(&str, &str)], version: &str) -> Env {
        let mut env = vec!["PATH=/usr/local/bin:/usr/bin:/bin".to_string(), "HOME=/root".to_string()];
        if !version.is_empty() {
            env.push(format!("NODE_VERSION={version}"));
        }
        Env { fs: tree(files), now: SimTime::DEFAULT_START, env, stdin: Input::complete(""), out: Captured::default(), tty: false }
    }
    pub fn ctx(&mut self) -> Ctx<'_> {
        Ctx {
            fs: &mut self.fs,
            now: self.now,
            cwd: "/app",
            env: &self.env,
            hostname: "3f2a1b4c5d6e",
            ip: "172.17.0.2",
            pid: 1,
            uid: 0,
            stdin: &mut self.stdin,
            tty: self.tty,
            out: &mut self.out,
            seed: 42,
            online: true,
        }
    }
    /// Steps until exit, waiting on timers (virtual time jumps); stops at `max_ms` of virtual time.
    pub fn run(&mut self, p: &mut dyn Program, max_ms: u64) -> Option<i32> {
        let end = self.now.as_ms() + max_ms;
        for _ in 0..1_000_000 {
            let st = p.step(&mut self.ctx());
            match st {
                Status::Exited(c) => return Some(c),
                Status::Waiting(w) => match w.until {
                    Some(t) if t.as_ms() <= end => self.now = if t > self.now { t } else { self.now },
                    _ => return None,
                },
            }
        }
        None
    }
    pub fn text(&self, s: StdStream) -> String {
        self.out.text(s)
    }
    pub fn http(&mut self, p: &mut dyn Program, port: u16, method: &str, target: &str, headers: &[(&str, &str)], body: &str) -> Option<HttpResponse> {
        let mut h: Vec<(String, String)> = vec![("Host".into(), format!("localhost:{port}")), ("User-Agent".into(), "curl/8.5.0".into()), ("Accept".into(), "*/*".into())];
        for (k, v) in headers {
            h.push((k.to_string(), v.to_string()));
        }
        let req = HttpRequest { method: method.into(), target: target.into(), headers: h, body: body.as_bytes().to_vec(), peer: "172.17.0.1".into() };
        p.http(port, &req, &mut self.ctx())
    }
}

/// Runs `argv` with `files` in /app and `stdin`; returns stdout, stderr, exit code.
pub fn run(files: &[(&str, &str)], argv: &[&str], stdin: &str, version: &str) -> Run {
    let mut e = Env::new(files, version);
    e.stdin = Input::complete(stdin);
    let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
    let mut p = dockling::proc::js::start(&argv, &mut e.ctx());
    let code = e.run(p.as_mut(), 3_600_000);
    Run { out: e.text(StdStream::Stdout), err: e.text(StdStream::Stderr), code, fs: e.fs }
}

/// One script as /app/index.js under Node 22.17.0: stdout, stderr and exit code.
fn check(src: &str, out: &str, err: &str, code: i32) {
    let r = run(&[("/app/index.js", src)], &["node", "index.js"], "", "22.17.0");
    assert_eq!(r.out, out, "stdout of:\n{src}\nstderr: {}", r.err);
    assert_eq!(r.err, err, "stderr of:\n{src}");
    assert_eq!(r.code, Some(code), "exit code of:\n{src}");
}

#[test]
fn hello_world() {
    check("console.log('Hello, world!');\n", "Hello, world!\n", "", 0);
}

/// A project with packages installed as npm would write them.
fn installed(pkgs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v = Vec::new();
    for (name, ver) in pkgs {
        v.push((format!("/app/node_modules/{name}/package.json"), format!("{{\n  \"name\": \"{name}\",\n  \"version\": \"{ver}\",\n  \"main\": \"index.js\"\n}}\n")));
        v.push((format!("/app/node_modules/{name}/index.js"), format!("/*#!dockling:package {name}@{ver}*/\n")));
    }
    v
}

/// Starts a server program and returns it with its environment once it waits.
fn start_server(files: &[(&str, &str)], pkgs: &[(&str, &str)], version: &str) -> (Env, Box<dyn Program>) {
    let extra = installed(pkgs);
    let mut all: Vec<(&str, &str)> = files.to_vec();
    for (p, b) in &extra {
        all.push((p.as_str(), b.as_str()));
    }
    let mut e = Env::new(&all, version);
    e.stdin = Input { buf: String::new(), closed: false };
    let argv: Vec<String> = ["node", "index.js"].iter().map(|s| s.to_string()).collect();
    let mut p = dockling::proc::js::start(&argv, &mut e.ctx());
    assert_eq!(e.run(p.as_mut(), 0), None, "server exited: {}", e.text(StdStream::Stderr));
    (e, p)
}

fn head(r: &HttpResponse) -> String {
    let mut s = format!("HTTP/1.1 {} {}\n", r.status, r.reason);
    for (k, v) in &r.headers {
        s.push_str(&format!("{k}: {v}\n"));
    }
    s.push('\n');
    s.push_str(&String::from_utf8_lossy(&r.body));
    s
}

#[test]
fn express_hello_world() {
    let src = "const express = require('express');\nconst app = express();\napp.get('/', (req, res) => res.send('Hello World!'));\napp.listen(3000, () => console.log('Example app listening on port 3000'));\n";
    let (mut e, mut p) = start_server(&[("/app/index.js", src)], &[("express", "4.21.2")], "22.17.0");
    assert_eq!(e.text(StdStream::Stdout), "Example app listening on port 3000\n");
    let l = p.listening();
    assert_eq!((l[0].host.as_str(), l[0].port), ("::", 3000));
    let r = e.http(p.as_mut(), 3000, "GET", "/", &[], "").expect("response");
    // curl -i against Express 4.21.2 on Node 22 (the ETag is W/"<length>-<sha1 base64 27>").
    assert_eq!(head(&r), "HTTP/1.1 200 OK\nX-Powered-By: Express\nContent-Type: text/html; charset=utf-8\nContent-Length: 12\nETag: W/\"c-Lve95gjOVATpfV8EL5X4nxwjKHE\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\nHello World!");
    let r = e.http(p.as_mut(), 3000, "GET", "/missing", &[], "").expect("response");
    assert_eq!(head(&r), "HTTP/1.1 404 Not Found\nX-Powered-By: Express\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 146\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot GET /missing</pre>\n</body>\n</html>\n");
}

fn file(t: &Tree, p: &str) -> String {
    match t.get(p).map(|n| &n.kind) {
        Some(dockling::vfs::NodeKind::File(d)) => String::from_utf8_lossy(d).into_owned(),
        _ => String::new(),
    }
}

/// Runs one npm command in `e` and returns (stdout, stderr, code), clearing the captured output.
fn npm(e: &mut Env, argv: &[&str]) -> (String, String, Option<i32>) {
    let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
    let mut p = dockling::proc::js::start(&argv, &mut e.ctx());
    let code = e.run(p.as_mut(), 3_600_000);
    let r = (e.text(StdStream::Stdout), e.text(StdStream::Stderr), code);
    e.out = Captured::default();
    r
}

const LOG: &str = "npm error A complete log of this run can be found in: /root/.npm/_logs/2025-07-01T10_00_00_000Z-debug-0.log\n";

fn argv(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

#[test]
fn npm_init_install_ls_uninstall() {
    let mut e = Env::new(&[], "22.17.0");
    let (o, _, c) = npm(&mut e, &["npm", "init", "-y"]);
    // npm 10's init writes description last (npm 11 adds "type": "commonjs").
    let pj = "{\n  \"name\": \"app\",\n  \"version\": \"1.0.0\",\n  \"main\": \"index.js\",\n  \"scripts\": {\n    \"test\": \"echo \\\"Error: no test specified\\\" && exit 1\"\n  },\n  \"keywords\": [],\n  \"author\": \"\",\n  \"license\": \"ISC\",\n  \"description\": \"\"\n}\n";
    assert_eq!((o.as_str(), c), (format!("Wrote to /app/package.json:\n\n{}\n\n", pj.trim_end()).as_str(), Some(0)));
    assert_eq!(file(&e.fs, "/app/package.json"), pj);
    let (o, er, c) = npm(&mut e, &["npm", "install", "express@4"]);
    assert_eq!(c, Some(0));
    assert_eq!(o, "\nadded 72 packages, and audited 73 packages in 3s\n\n16 packages are looking for funding\n  run `npm fund` for details\n\nfound 0 vulnerabilities\n");
    assert!(er.starts_with("npm notice\nnpm notice New major version of npm available! 10.9.2 -> 11.4.2\n"), "{er}");
    assert!(file(&e.fs, "/app/package.json").contains("\"dependencies\": {\n    \"express\": \"^4.21.2\"\n  }"));
    assert!(file(&e.fs, "/app/node_modules/express/package.json").contains("\"version\": \"4.21.2\""));
    assert!(file(&e.fs, "/app/node_modules/send/node_modules/ms/package.json").contains("\"version\": \"2.1.3\""));
    let lock = file(&e.fs, "/app/package-lock.json");
    assert!(lock.starts_with("{\n  \"name\": \"app\",\n  \"version\": \"1.0.0\",\n  \"lockfileVersion\": 3,\n  \"requires\": true,\n  \"packages\": {\n"), "{lock}");
    assert!(lock.contains("\"node_modules/express\": {\n      \"version\": \"4.21.2\",\n      \"resolved\": \"https://registry.npmjs.org/express/-/express-4.21.2.tgz\",\n      \"integrity\": \"sha512-"));
    // The update notice is shown once a week, so not again.
    let (o, er, _) = npm(&mut e, &["npm", "install"]);
    assert_eq!((o.as_str(), er.as_str()), ("\nup to date, audited 73 packages in 250ms\n\n16 packages are looking for funding\n  run `npm fund` for details\n\nfound 0 vulnerabilities\n", ""));
    let (o, _, _) = npm(&mut e, &["npm", "ls"]);
    assert_eq!(o, "app@1.0.0 /app\n└── express@4.21.2\n\n");
    let (o, _, c) = npm(&mut e, &["npm", "uninstall", "express"]);
    assert_eq!((o.as_str(), c), ("\nremoved 72 packages, and audited 1 package in 3s\n\nfound 0 vulnerabilities\n", Some(0)));
    assert!(e.fs.get("/app/node_modules/express").is_none());
    // The latest version by default.
    let (_, _, c) = npm(&mut e, &["npm", "i", "express"]);
    assert_eq!(c, Some(0));
    assert!(file(&e.fs, "/app/package.json").contains("\"express\": \"^5.1.0\""));
}

#[test]
fn npm_errors() {
    let mut e = Env::new(&[], "22.17.0");
    let (_, er, c) = npm(&mut e, &["npm", "install"]);
    assert_eq!(c, Some(254));
    assert_eq!(er, format!("npm error code ENOENT\nnpm error syscall open\nnpm error path /app/package.json\nnpm error errno -2\nnpm error enoent Could not read package.json: Error: ENOENT: no such file or directory, open '/app/package.json'\nnpm error enoent This is related to npm not being able to find a file.\nnpm error enoent\n{LOG}"));
    let (_, er, c) = npm(&mut e, &["npm", "install", "expresss"]);
    assert_eq!(c, Some(1));
    assert_eq!(er, format!("npm error code E404\nnpm error 404 Not Found - GET https://registry.npmjs.org/expresss - Not found\nnpm error 404\nnpm error 404  'expresss@*' is not in this registry.\nnpm error 404\nnpm error 404 Note that you can also install from a\nnpm error 404 tarball, folder, http url, or git url.\n{LOG}"));
    let (_, er, c) = npm(&mut e, &["npm", "install", "react"]);
    assert_eq!((er.starts_with("dockling: npm: react is not in Dockling's package data"), c), (true, Some(1)));
    npm(&mut e, &["npm", "init", "-y"]);
    let (_, er, c) = npm(&mut e, &["npm", "start"]);
    assert_eq!(c, Some(1));
    assert_eq!(er, format!("npm error Missing script: \"start\"\nnpm error\nnpm error Did you mean one of these?\nnpm error   npm star # Mark your favorite packages\nnpm error   npm stars # View packages marked as favorites\nnpm error\nnpm error To see a list of scripts, run:\nnpm error   npm run\n{LOG}"));
    let (o, er, c) = npm(&mut e, &["npm", "test"]);
    assert_eq!(c, Some(1));
    assert_eq!(o, "\n> app@1.0.0 test\n> echo \"Error: no test specified\" && exit 1\n\nError: no test specified\n");
    assert_eq!(er, format!("npm error code 1\nnpm error path /app\nnpm error command failed\nnpm error command sh -c echo \"Error: no test specified\" && exit 1\n{LOG}"));
    let (_, er, c) = npm(&mut e, &["npm", "ci"]);
    assert_eq!(c, Some(1));
    assert!(er.starts_with("npm error code EUSAGE\nnpm error\nnpm error The `npm ci` command can only install with an existing package-lock.json or\n"), "{er}");
    let (_, er, c) = npm(&mut e, &["npm", "frobnicate"]);
    assert_eq!((er.as_str(), c), ("dockling: npm: npm frobnicate is not simulated\n", Some(1)));
}

#[test]
fn npm_versions() {
    for (node, npm_v) in [("12.22.12", "6.14.16"), ("14.21.3", "6.14.18"), ("16.20.2", "8.19.4"), ("18.20.8", "10.8.2"), ("20.19.3", "10.8.2"), ("22.17.0", "10.9.2"), ("24.3.0", "11.4.2"), ("", "10.9.2")] {
        let r = run(&[], &["npm", "-v"], "", node);
        assert_eq!(r.out, format!("{npm_v}\n"));
        let r = run(&[], &["node", "-v"], "", node);
        assert_eq!(r.out, format!("v{}\n", if node.is_empty() { "22.17.0" } else { node }));
    }
    // npm 11's init adds "type": "commonjs".
    let r = run(&[], &["npm", "init", "-y"], "", "24.3.0");
    assert!(file(&r.fs, "/app/package.json").ends_with("  \"license\": \"ISC\",\n  \"type\": \"commonjs\"\n}\n"));
}

#[test]
fn npm6_install_and_script_failure() {
    let pj = "{\n  \"name\": \"web\",\n  \"version\": \"1.0.0\",\n  \"scripts\": {\"start\": \"node bad.js\"},\n  \"dependencies\": {\"cors\": \"^2.8.5\"}\n}\n";
    let mut e = Env::new(&[("/app/package.json", pj), ("/app/bad.js", "process.exit(3)\n")], "12.22.12");
    let (o, er, c) = npm(&mut e, &["npm", "install"]);
    assert_eq!(c, Some(0));
    assert_eq!(er, "npm notice created a lockfile as package-lock.json. You should commit this file.\nnpm WARN web@1.0.0 No description\nnpm WARN web@1.0.0 No repository field.\n");
    assert!(o.starts_with("\nadded 3 packages from 3 contributors and audited 3 packages in "), "{o}");
    assert!(file(&e.fs, "/app/package-lock.json").contains("\"lockfileVersion\": 1"));
    let (o, er, c) = npm(&mut e, &["npm", "start"]);
    assert_eq!(c, Some(3));
    assert_eq!(o, "\n> web@1.0.0 start /app\n> node bad.js\n\n");
    assert_eq!(er, "npm ERR! code ELIFECYCLE\nnpm ERR! errno 3\nnpm ERR! web@1.0.0 start: `node bad.js`\nnpm ERR! Exit status 3\nnpm ERR! \nnpm ERR! Failed at the web@1.0.0 start script.\nnpm ERR! This is probably not a problem with npm. There is likely additional logging output above.\n\nnpm ERR! A complete log of this run can be found in:\nnpm ERR!     /root/.npm/_logs/2025-07-01T10_00_00_490Z-debug.log\n");
}

const WEB_PJ: &str = "{\n  \"name\": \"web\",\n  \"version\": \"1.0.0\",\n  \"scripts\": {\n    \"start\": \"node server.js\",\n    \"dev\": \"nodemon server.js\"\n  },\n  \"dependencies\": {\n    \"express\": \"^4.18.2\"\n  },\n  \"devDependencies\": {\n    \"nodemon\": \"^3.0.0\"\n  }\n}\n";
const WEB_SRV: &str = "const express = require('express');\nconst app = express();\napp.get('/', (req, res) => res.json({ ok: true }));\napp.listen(8080, () => console.log('listening on 8080'));\n";

#[test]
fn npm_start_server_and_sigterm() {
    let mut e = Env::new(&[("/app/package.json", WEB_PJ), ("/app/server.js", WEB_SRV)], "22.17.0");
    let (_, er, c) = npm(&mut e, &["npm", "install", "--production"]);
    assert_eq!(c, Some(0));
    assert!(er.starts_with("npm warn config production Use `--omit=dev` instead.\n"));
    assert!(e.fs.get("/app/node_modules/nodemon").is_none());
    let (_, _, c) = npm(&mut e, &["npm", "ci"]);
    assert_eq!(c, Some(0));
    assert!(e.fs.get("/app/node_modules/nodemon/package.json").is_some());
    let mut p = dockling::proc::js::start(&argv(&["npm", "start"]), &mut e.ctx());
    assert_eq!(e.run(p.as_mut(), 0), None);
    assert_eq!(e.text(StdStream::Stdout), "\n> web@1.0.0 start\n> node server.js\n\nlistening on 8080\n");
    let r = e.http(p.as_mut(), 8080, "GET", "/", &[], "").expect("response");
    assert_eq!(head(&r), "HTTP/1.1 200 OK\nX-Powered-By: Express\nContent-Type: application/json; charset=utf-8\nContent-Length: 11\nETag: W/\"b-Ai2R8hgEarLmHKwesT1qcY913ys\"\nDate: Tue, 01 Jul 2025 10:00:07 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n{\"ok\":true}");
    e.out = Captured::default();
    assert_eq!(p.signal(dockling::proc::Signal::Term, &mut e.ctx()), dockling::proc::program::Disposition::Handled);
    assert_eq!(e.run(p.as_mut(), 0), Some(143));
    assert!(e.text(StdStream::Stderr).contains("npm error signal SIGTERM\nnpm error command sh -c node server.js\n"));
    // ci refuses a lock file that no longer matches package.json.
    let pj = WEB_PJ.replace("\"^4.18.2\"", "\"^5.0.0\"");
    e.fs.write("/app/package.json", pj.as_bytes(), false, &meta()).ok();
    let (_, er, c) = npm(&mut e, &["npm", "ci"]);
    assert_eq!(c, Some(1));
    assert!(er.contains("npm error Invalid: lock file's express@4.21.2 does not satisfy express@^5.0.0\n"), "{er}");
}

#[test]
fn nodemon_runs_the_app() {
    let mut e = Env::new(&[("/app/package.json", WEB_PJ), ("/app/server.js", WEB_SRV), ("/app/crash.js", "throw 1\n")], "22.17.0");
    npm(&mut e, &["npm", "install"]);
    assert!(e.fs.get("/app/node_modules/.bin/nodemon").is_some());
    let mut p = dockling::proc::js::start(&argv(&["npm", "run", "dev"]), &mut e.ctx());
    assert_eq!(e.run(p.as_mut(), 0), None);
    assert_eq!(e.text(StdStream::Stdout), "\n> web@1.0.0 dev\n> nodemon server.js\n\n[nodemon] 3.1.10\n[nodemon] to restart at any time, enter `rs`\n[nodemon] watching path(s): *.*\n[nodemon] watching extensions: js,mjs,cjs,json\n[nodemon] starting `node server.js`\nlistening on 8080\n");
    assert_eq!(p.listening()[0].port, 8080);
    e.out = Captured::default();
    let mut p = dockling::proc::js::start(&argv(&["npx", "nodemon", "crash.js"]), &mut e.ctx());
    assert_eq!(e.run(p.as_mut(), 10_000), None, "nodemon waits for changes after a crash");
    assert!(e.text(StdStream::Stdout).ends_with("[nodemon] starting `node crash.js`\n[nodemon] app crashed - waiting for file changes before starting...\n"));
    assert!(e.text(StdStream::Stderr).starts_with("\n/app/crash.js:1\nthrow 1\n^\n1\n"), "{}", e.text(StdStream::Stderr));
}

/// The main module's internal frames under Node 20 (`{main}` in the expectations below).
const MAIN20: &str = "    at Module._compile (node:internal/modules/cjs/loader:1521:14)
    at Module._extensions..js (node:internal/modules/cjs/loader:1623:10)
    at Module.load (node:internal/modules/cjs/loader:1266:32)
    at Module._load (node:internal/modules/cjs/loader:1091:12)
    at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:164:12)
    at node:internal/main/run_main_module:28:49";

/// Programs run as /app/index.js, with what Node 20.20.2 printed for them (run locally; the
/// directory mapped to /app and the version to 20.19.3, the `node:20` image's release):
/// (source, stdout, stderr, exit status).
const NODE20: &[(&str, &str, &str, i32)] = &[
    // a1.js
    (r#"// basics
let a = 1, b = 2;
const s = `sum=${a + b}`;
console.log(s, typeof s, a === 1 ? 'yes' : 'no');
var arr = [3, 1, 2];
arr.sort();
console.log(arr, arr.map(x => x * 2), arr.filter(x => x > 1), arr.reduce((p, c) => p + c, 0));
const obj = { name: 'Ann', age: 30, greet() { return 'hi ' + this.name; } };
console.log(obj.greet(), Object.keys(obj), Object.entries(obj).length);
const { name, ...rest } = obj;
console.log(name, rest);
const [x, , z = 9, ...others] = [1, 2, undefined, 4, 5];
console.log(x, z, others);
function fact(n) { return n <= 1 ? 1 : n * fact(n - 1); }
console.log(fact(10), fact(20), 2 ** 10, 7 % 3, -7 % 3, 5 / 2, Math.floor(5 / 2));
class Animal {
  constructor(name) { this.name = name; }
  speak() { return `${this.name} makes a sound.`; }
  static create(n) { return new this(n); }
}
class Dog extends Animal {
  speak() { return `${super.speak()} Woof!`; }
  get upper() { return this.name.toUpperCase(); }
}
const d = Dog.create('Rex');
console.log(d.speak(), d.upper, d instanceof Animal, d);
for (const [k, v] of Object.entries({ a: 1, b: 2 })) console.log(k, v);
for (const k in { p: 1, q: 2 }) console.log(k);
let i = 0; while (i < 3) { i++; if (i === 2) continue; console.log('i', i); }
do { i--; } while (i > 0);
switch (i) { case 0: console.log('zero'); case 1: console.log('fall'); break; default: console.log('no'); }
try { null.x; } catch (e) { console.log(e.message, e instanceof TypeError, e.name); } finally { console.log('fin'); }
console.log([1, 2, 3].includes(2), 'abc'.includes('b'), 'a-b-c'.split('-'), ' pad '.trim(), 'x'.padStart(3, '*'));
console.log((1234.5678).toFixed(2), parseInt('42px'), parseFloat('3.14abc'), Number('12'), String(12), +'3');
console.log(JSON.stringify({ a: [1, 2], b: { c: 'd' } }), JSON.stringify({ a: 1, b: [1, 2] }, null, 2));
console.log(JSON.parse('{"x": [1, 2, {"y": null}]}'));
console.log(null ?? 'def', undefined?.x, obj?.name, obj.missing?.deep);
const counter = (() => { let c = 0; return () => ++c; })();
counter(); counter();
console.log(counter());
const fns = [];
for (let j = 0; j < 3; j++) fns.push(() => j);
console.log(fns.map(f => f()));
console.log([..."héllo"], [...new Set([1, 1, 2])], Math.max(...[1, 5, 3]));
label: for (let p = 0; p < 3; p++) { for (let q = 0; q < 3; q++) { if (q === 1) continue label; if (p === 2) break label; console.log(p, q); } }
console.log(typeof undefined, typeof null, typeof function(){}, typeof Symbol());
"#,
     r#"sum=3 string yes
[ 1, 2, 3 ] [ 2, 4, 6 ] [ 2, 3 ] 6
hi Ann [ 'name', 'age', 'greet' ] 3
Ann { age: 30, greet: [Function: greet] }
1 9 [ 4, 5 ]
3628800 2432902008176640000 1024 1 -1 2.5 2
Rex makes a sound. Woof! REX true Dog { name: 'Rex' }
a 1
b 2
p
q
i 1
i 3
zero
fall
Cannot read properties of null (reading 'x') true TypeError
fin
true true [ 'a', 'b', 'c' ] pad **x
1234.57 42 3.14 12 12 3
{"a":[1,2],"b":{"c":"d"}} {
  "a": 1,
  "b": [
    1,
    2
  ]
}
{ x: [ 1, 2, { y: null } ] }
def undefined Ann undefined
3
[ 0, 1, 2 ]
[ 'h', 'é', 'l', 'l', 'o' ] [ 1, 2 ] 5
0 0
1 0
undefined object function symbol
"#,
     r#""#, 0),
    // a2.js
    (r#"// async ordering
console.log('start');
setTimeout(() => console.log('timeout 0'), 0);
setTimeout(() => console.log('timeout 10'), 10);
setImmediate(() => console.log('immediate'));
process.nextTick(() => console.log('tick'));
Promise.resolve().then(() => console.log('micro 1')).then(() => console.log('micro 2'));
queueMicrotask(() => console.log('qm'));
(async () => {
  console.log('async start');
  await null;
  console.log('after await');
  const v = await new Promise(r => setTimeout(() => r(42), 5));
  console.log('got', v);
})();
const sleep = ms => new Promise(r => setTimeout(r, ms));
async function main() {
  for (let i = 0; i < 3; i++) { await sleep(100); console.log('tick', i); }
  const results = await Promise.all([sleep(10).then(() => 'a'), Promise.resolve('b'), 'c']);
  console.log(results);
  const settled = await Promise.allSettled([Promise.reject(new Error('no')), Promise.resolve(1)]);
  console.log(settled.map(s => s.status));
  try { await Promise.reject(new Error('boom')); } catch (e) { console.log('caught', e.message); }
  const r = await Promise.race([sleep(50).then(() => 'slow'), sleep(10).then(() => 'fast')]);
  console.log(r);
  let n = 0;
  const id = setInterval(() => { n++; console.log('interval', n); if (n === 3) clearInterval(id); }, 1000);
}
main();
console.log('end');
"#,
     r#"start
async start
end
tick
micro 1
qm
after await
micro 2
timeout 0
immediate
got 42
timeout 10
tick 0
tick 1
tick 2
[ 'a', 'b', 'c' ]
[ 'rejected', 'fulfilled' ]
caught boom
fast
interval 1
interval 2
interval 3
"#,
     r#""#, 0),
    // a3.js
    (r#"function Person(name) { this.name = name; }
Person.prototype.hi = function() { return 'I am ' + this.name; };
const p = new Person('Bo');
console.log(p.hi(), p, Object.getPrototypeOf(p) === Person.prototype, p.constructor.name);
const o = { a: 1, get b() { return 2; }, set c(v) {} };
console.log(o, Object.getOwnPropertyNames(o));
console.log([1, [2, [3, [4, [5]]]]], { a: { b: { c: { d: { e: 1 } } } } });
console.log(new Map([['a', { x: 1 }], ['b', [1, 2]]]), new Set(['x', 'y']), new Map(), new Set());
console.log([undefined, null, NaN, -0, 0, 1e21, 'str', true], [function named() {}, class K extends Map {}]);
const big = {}; for (let i = 0; i < 30; i++) big['key' + i] = i;
console.log(big);
console.log(Array.from({ length: 120 }, (_, i) => i));
console.log(['a'.repeat(20), 'b'.repeat(20), 'c'.repeat(20), 'd'.repeat(20)]);
console.log('multi\nline', ['multi\nline string that is long enough to split here'], { s: 'x\ty' });
const circ = { name: 'c' }; circ.self = circ; circ.arr = [circ];
console.log(circ);
console.log([1, 2, 3].toString(), String([1, [2, 3]]), `${[1, 2]}`, String({}), `${{}}`);
console.log(Object.assign({}, { a: 1 }, { b: 2 }), { ...{ a: 1 }, b: 2 }, Object.fromEntries([['k', 'v']]));
console.log(new Error('e1').message, String(new TypeError('t1')), [new Error('inarr')].length);
console.log(Symbol('desc'), Symbol.iterator, { [Symbol('k')]: 'v' });
console.log(new Date(0).toISOString(), new Date(Date.UTC(2020, 1, 29, 12)).toString());
console.log([1.5, 2.25, -3.125], [0.1, 0.2, 0.30000000000000004], 100000000000000000000, 1e-7);
console.log('%s and %s', 'one', 'two', 'three');
console.log('%d%% done', 50);
console.log('%j', { a: [1] });
console.log('%c styled', 'color: red');
console.log('%i %f', '42.9', '3.5x');
console.log(process.argv.length, typeof process.pid);
const wm = new WeakMap(); const k = {}; wm.set(k, 1); console.log(wm.get(k), wm.has({}));
console.log([3, 1, 10, 2].sort(), [3, 1, 10, 2].sort((a, b) => a - b), ['b', 'a', 'C'].sort());
console.log([1, 2, 3, 4].findLast(x => x % 2), [1, 2, 3].at(-1), [[1, 2], [3]].flat(), [1, 2].flatMap(x => [x, x * 10]));
console.log('abc'.at(-1), 'Hello'.replace('l', 'L'), 'Hello'.replaceAll('l', 'L'), 'a,b,,c'.split(','), 'abc'.split(''));
console.log(encodeURIComponent('a b&c/d'), decodeURIComponent('%E2%9C%93'));
"#,
     r#"I am Bo Person { name: 'Bo' } true Person
{ a: 1, b: [Getter], c: [Setter] } [ 'a', 'b', 'c' ]
[ 1, [ 2, [ 3, [Array] ] ] ] { a: { b: { c: [Object] } } }
Map(2) { 'a' => { x: 1 }, 'b' => [ 1, 2 ] } Set(2) { 'x', 'y' } Map(0) {} Set(0) {}
[ undefined, null, NaN, -0, 0, 1e+21, 'str', true ] [ [Function: named], [class K extends Map] ]
{
  key0: 0,
  key1: 1,
  key2: 2,
  key3: 3,
  key4: 4,
  key5: 5,
  key6: 6,
  key7: 7,
  key8: 8,
  key9: 9,
  key10: 10,
  key11: 11,
  key12: 12,
  key13: 13,
  key14: 14,
  key15: 15,
  key16: 16,
  key17: 17,
  key18: 18,
  key19: 19,
  key20: 20,
  key21: 21,
  key22: 22,
  key23: 23,
  key24: 24,
  key25: 25,
  key26: 26,
  key27: 27,
  key28: 28,
  key29: 29
}
[
   0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11,
  12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
  24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,
  36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,
  48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59,
  60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71,
  72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83,
  84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95,
  96, 97, 98, 99,
  ... 20 more items
]
[
  'aaaaaaaaaaaaaaaaaaaa',
  'bbbbbbbbbbbbbbbbbbbb',
  'cccccccccccccccccccc',
  'dddddddddddddddddddd'
]
multi
line [ 'multi\nline string that is long enough to split here' ] { s: 'x\ty' }
<ref *1> { name: 'c', self: [Circular *1], arr: [ [Circular *1] ] }
1,2,3 1,2,3 1,2 [object Object] [object Object]
{ a: 1, b: 2 } { a: 1, b: 2 } { k: 'v' }
e1 TypeError: t1 1
Symbol(desc) Symbol(Symbol.iterator) { [Symbol(k)]: 'v' }
1970-01-01T00:00:00.000Z Sat Feb 29 2020 12:00:00 GMT+0000 (Coordinated Universal Time)
[ 1.5, 2.25, -3.125 ] [ 0.1, 0.2, 0.30000000000000004 ] 100000000000000000000 1e-7
one and two three
50% done
{"a":[1]}
 styled
42 3.5
2 number
1 false
[ 1, 10, 2, 3 ] [ 1, 2, 3, 10 ] [ 'C', 'a', 'b' ]
3 3 [ 1, 2, 3 ] [ 1, 10, 2, 20 ]
c HeLlo HeLLo [ 'a', 'b', '', 'c' ] [ 'a', 'b', 'c' ]
a%20b%26c%2Fd ✓
"#,
     r#""#, 0),
    // a4.js
    (r#"function inner() { return undefinedVar + 1; }
function outer() { return inner(); }
try { outer(); } catch (e) { console.log(e.stack); }
const e2 = new Error('with props'); e2.code = 'E_CODE'; e2.status = 404;
console.log(e2);
class MyErr extends Error { constructor(m) { super(m); this.name = 'MyErr'; this.extra = 1; } }
console.log(new MyErr('custom'));
class Plain extends Error {}
console.log(new Plain('plain'));
console.log([new Error('nested')], { err: new RangeError('r') });
const ee = new (require('events'))();
ee.on('x', (a, b) => console.log('x fired', a, b));
ee.once('y', () => console.log('y once'));
ee.emit('x', 1, 2); ee.emit('y'); ee.emit('y');
console.log(ee.listenerCount('x'), ee.emit('nothing'));
try { ee.emit('error', new Error('unhandled ee')); } catch (e) { console.log('caught:', e.message); }
const util = require('util');
console.log(util.format('%s=%d', 'n', 5), util.inspect({ a: { b: { c: { d: 1 } } } }, { depth: 0 }), util.inspect('str'));
console.log(util.inspect({ a: [1, 2, { b: 3 }] }, false, null));
const path = require('path');
console.log(path.join('/a', 'b', '../c', 'd.txt'), path.basename('/x/y.js', '.js'), path.extname('f.tar.gz'), path.dirname('/a/b/c'), path.resolve('x'), path.parse('/home/u/f.txt'));
const os = require('os');
console.log(typeof os.hostname(), os.platform(), os.EOL === '\n');
"#,
     r#"ReferenceError: undefinedVar is not defined
    at inner (/app/index.js:1:20)
    at outer (/app/index.js:2:27)
    at Object.<anonymous> (/app/index.js:3:7)
{main}
Error: with props
    at Object.<anonymous> (/app/index.js:4:12)
{main} {
  code: 'E_CODE',
  status: 404
}
MyErr: custom
    at Object.<anonymous> (/app/index.js:7:13)
{main} {
  extra: 1
}
Plain [Error]: plain
    at Object.<anonymous> (/app/index.js:9:13)
{main}
[
  Error: nested
      at Object.<anonymous> (/app/index.js:10:14)
      at Module._compile (node:internal/modules/cjs/loader:1521:14)
      at Module._extensions..js (node:internal/modules/cjs/loader:1623:10)
      at Module.load (node:internal/modules/cjs/loader:1266:32)
      at Module._load (node:internal/modules/cjs/loader:1091:12)
      at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:164:12)
      at node:internal/main/run_main_module:28:49
] {
  err: RangeError: r
      at Object.<anonymous> (/app/index.js:10:43)
      at Module._compile (node:internal/modules/cjs/loader:1521:14)
      at Module._extensions..js (node:internal/modules/cjs/loader:1623:10)
      at Module.load (node:internal/modules/cjs/loader:1266:32)
      at Module._load (node:internal/modules/cjs/loader:1091:12)
      at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:164:12)
      at node:internal/main/run_main_module:28:49
}
x fired 1 2
y once
1 false
caught: unhandled ee
n=5 { a: [Object] } 'str'
{ a: [ 1, 2, { b: 3 } ] }
/a/c/d.txt y .gz /a/b /app/x { root: '/', dir: '/home/u', base: 'f.txt', ext: '.txt', name: 'f' }
string linux true
"#,
     r#""#, 0),
    // e1.js
    (r#"throw "oops"
"#,
     r#""#,
     r#"
/app/index.js:1
throw "oops"
^
oops
(Use `node --trace-uncaught ...` to show where the exception was thrown)

Node.js v20.19.3
"#, 1),
    // e2.js
    (r#"throw {a:1}
"#,
     r#""#,
     r#"
/app/index.js:1
throw {a:1}
^
{ a: 1 }

Node.js v20.19.3
"#, 1),
    // e3.js
    (r#"throw null
"#,
     r#""#,
     r#"
/app/index.js:1
throw null
^
null
(Use `node --trace-uncaught ...` to show where the exception was thrown)

Node.js v20.19.3
"#, 1),
    // e4.js
    (r#"const e = new Error("x"); e.code = "E1"; throw e
"#,
     r#""#,
     r#"/app/index.js:1
const e = new Error("x"); e.code = "E1"; throw e
                                         ^

Error: x
    at Object.<anonymous> (/app/index.js:1:11)
{main} {
  code: 'E1'
}

Node.js v20.19.3
"#, 1),
    // e5.js
    (r#"class V extends Error { constructor(m){ super(m); this.name = "ValidationError" } } throw new V("bad")
"#,
     r#""#,
     r#"/app/index.js:1
class V extends Error { constructor(m){ super(m); this.name = "ValidationError" } } throw new V("bad")
                                                                                    ^

V [ValidationError]: bad
    at Object.<anonymous> (/app/index.js:1:91)
{main}

Node.js v20.19.3
"#, 1),
    // e6.js
    (r#"process.exitCode = 4
"#,
     r#""#,
     r#""#, 4),
    // e7.js
    (r#"console.error(new Error("logged"))
"#,
     r#""#,
     r#"Error: logged
    at Object.<anonymous> (/app/index.js:1:15)
{main}
"#, 0),
    // e8.js
    (r#"Promise.reject(42)
"#,
     r#""#,
     r#"node:internal/process/promises:389
      new UnhandledPromiseRejection(reason);
      ^

UnhandledPromiseRejection: This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason "42".
    at throwUnhandledRejectionsMode (node:internal/process/promises:389:7)
    at processPromiseRejections (node:internal/process/promises:470:17)
    at process.processTicksAndRejections (node:internal/process/task_queues:96:32) {
  code: 'ERR_UNHANDLED_REJECTION'
}

Node.js v20.19.3
"#, 1),
    // e9.js
    (r#"async function f(){ throw new TypeError("x") } f()
"#,
     r#""#,
     r#"/app/index.js:1
async function f(){ throw new TypeError("x") } f()
                          ^

TypeError: x
    at f (/app/index.js:1:27)
    at Object.<anonymous> (/app/index.js:1:48)
{main}

Node.js v20.19.3
"#, 1),
    // e10.js
    (r#"const {a} = undefined
"#,
     r#""#,
     r#"/app/index.js:1
const {a} = undefined
       ^

TypeError: Cannot destructure property 'a' of 'undefined' as it is undefined.
    at Object.<anonymous> (/app/index.js:1:8)
{main}

Node.js v20.19.3
"#, 1),
    // e11.js
    (r#"let x = y; let y = 1
"#,
     r#""#,
     r#"/app/index.js:1
let x = y; let y = 1
        ^

ReferenceError: Cannot access 'y' before initialization
    at Object.<anonymous> (/app/index.js:1:9)
{main}

Node.js v20.19.3
"#, 1),
    // e12.js
    (r#"Promise.resolve().then(() => { throw new Error("then") })
"#,
     r#""#,
     r#"/app/index.js:1
Promise.resolve().then(() => { throw new Error("then") })
                                     ^

Error: then
    at /app/index.js:1:38

Node.js v20.19.3
"#, 1),
    // e13.js
    (r#"setTimeout(async () => { await 1; null.x }, 1)
"#,
     r#""#,
     r#"/app/index.js:1
setTimeout(async () => { await 1; null.x }, 1)
                                       ^

TypeError: Cannot read properties of null (reading 'x')
    at Timeout._onTimeout (/app/index.js:1:40)

Node.js v20.19.3
"#, 1),
    // e14.js
    (r#"const o = { m() { throw new Error("m") } }; o.m()
"#,
     r#""#,
     r#"/app/index.js:1
const o = { m() { throw new Error("m") } }; o.m()
                  ^

Error: m
    at Object.m (/app/index.js:1:25)
    at Object.<anonymous> (/app/index.js:1:47)
{main}

Node.js v20.19.3
"#, 1),
    // e15.js
    (r#"class K { go() { throw new Error("k") } } new K().go()
"#,
     r#""#,
     r#"/app/index.js:1
class K { go() { throw new Error("k") } } new K().go()
                 ^

Error: k
    at K.go (/app/index.js:1:24)
    at Object.<anonymous> (/app/index.js:1:51)
{main}

Node.js v20.19.3
"#, 1),
    // e16.js
    (r#"class K { constructor() { throw new Error("c") } } new K()
"#,
     r#""#,
     r#"/app/index.js:1
class K { constructor() { throw new Error("c") } } new K()
                          ^

Error: c
    at new K (/app/index.js:1:33)
    at Object.<anonymous> (/app/index.js:1:52)
{main}

Node.js v20.19.3
"#, 1),
    // e17.js
    (r#"function tick(){ null.x } setTimeout(tick, 1)
"#,
     r#""#,
     r#"/app/index.js:1
function tick(){ null.x } setTimeout(tick, 1)
                      ^

TypeError: Cannot read properties of null (reading 'x')
    at Timeout.tick [as _onTimeout] (/app/index.js:1:23)
    at listOnTimeout (node:internal/timers:581:17)
    at process.processTimers (node:internal/timers:519:7)

Node.js v20.19.3
"#, 1),
    // e18.js
    (r#"const f = () => null.x; setTimeout(f, 1)
"#,
     r#""#,
     r#"/app/index.js:1
const f = () => null.x; setTimeout(f, 1)
                     ^

TypeError: Cannot read properties of null (reading 'x')
    at Timeout.f [as _onTimeout] (/app/index.js:1:22)
    at listOnTimeout (node:internal/timers:581:17)
    at process.processTimers (node:internal/timers:519:7)

Node.js v20.19.3
"#, 1),
    // e19.js
    (r#"new Promise((res, rej) => rej(42))
"#,
     r#""#,
     r#"node:internal/process/promises:389
      new UnhandledPromiseRejection(reason);
      ^

UnhandledPromiseRejection: This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason "42".
    at throwUnhandledRejectionsMode (node:internal/process/promises:389:7)
    at processPromiseRejections (node:internal/process/promises:470:17)
    at process.processTicksAndRejections (node:internal/process/task_queues:96:32) {
  code: 'ERR_UNHANDLED_REJECTION'
}

Node.js v20.19.3
"#, 1),
    // e20.js
    (r#"process.nextTick(() => { throw new Error("nt") })
"#,
     r#""#,
     r#"/app/index.js:1
process.nextTick(() => { throw new Error("nt") })
                         ^

Error: nt
    at /app/index.js:1:32
    at process.processTicksAndRejections (node:internal/process/task_queues:77:11)

Node.js v20.19.3
"#, 1),
    // e21.js
    (r#"setImmediate(() => { throw new Error("imm") })
"#,
     r#""#,
     r#"/app/index.js:1
setImmediate(() => { throw new Error("imm") })
                     ^

Error: imm
    at Immediate.<anonymous> (/app/index.js:1:28)
    at process.processImmediate (node:internal/timers:483:21)

Node.js v20.19.3
"#, 1),
    // e22.js
    (r#"let i=0; setInterval(() => { if (++i==2) throw new Error("iv") }, 1)
"#,
     r#""#,
     r#"/app/index.js:1
let i=0; setInterval(() => { if (++i==2) throw new Error("iv") }, 1)
                                         ^

Error: iv
    at Timeout._onTimeout (/app/index.js:1:48)
    at listOnTimeout (node:internal/timers:581:17)
    at process.processTimers (node:internal/timers:519:7)

Node.js v20.19.3
"#, 1),
    // e23.js
    (r#"Promise.reject(new Error("rej"))
"#,
     r#""#,
     r#"/app/index.js:1
Promise.reject(new Error("rej"))
               ^

Error: rej
    at Object.<anonymous> (/app/index.js:1:16)
{main}

Node.js v20.19.3
"#, 1),
    // e24.js
    (r#"async function a(){ await null; throw new Error("x") } async function b(){ await a() } b()
"#,
     r#""#,
     r#"/app/index.js:1
async function a(){ await null; throw new Error("x") } async function b(){ await a() } b()
                                      ^

Error: x
    at a (/app/index.js:1:39)
    at async b (/app/index.js:1:76)

Node.js v20.19.3
"#, 1),
    // e25.js
    (r#"require("./nope")
"#,
     r#""#,
     r#"node:internal/modules/cjs/loader:1210
  throw err;
  ^

Error: Cannot find module './nope'
Require stack:
- /app/index.js
    at Module._resolveFilename (node:internal/modules/cjs/loader:1207:15)
    at Module._load (node:internal/modules/cjs/loader:1038:27)
    at Module.require (node:internal/modules/cjs/loader:1289:19)
    at require (node:internal/modules/helpers:182:18)
    at Object.<anonymous> (/app/index.js:1:1)
    at Module._compile (node:internal/modules/cjs/loader:1521:14)
    at Module._extensions..js (node:internal/modules/cjs/loader:1623:10)
    at Module.load (node:internal/modules/cjs/loader:1266:32)
    at Module._load (node:internal/modules/cjs/loader:1091:12)
    at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:164:12) {
  code: 'MODULE_NOT_FOUND',
  requireStack: [ '/app/index.js' ]
}

Node.js v20.19.3
"#, 1),
    // e26.js
    (r#"require("express")
"#,
     r#""#,
     r#"node:internal/modules/cjs/loader:1210
  throw err;
  ^

Error: Cannot find module 'express'
Require stack:
- /app/index.js
    at Module._resolveFilename (node:internal/modules/cjs/loader:1207:15)
    at Module._load (node:internal/modules/cjs/loader:1038:27)
    at Module.require (node:internal/modules/cjs/loader:1289:19)
    at require (node:internal/modules/helpers:182:18)
    at Object.<anonymous> (/app/index.js:1:1)
    at Module._compile (node:internal/modules/cjs/loader:1521:14)
    at Module._extensions..js (node:internal/modules/cjs/loader:1623:10)
    at Module.load (node:internal/modules/cjs/loader:1266:32)
    at Module._load (node:internal/modules/cjs/loader:1091:12)
    at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:164:12) {
  code: 'MODULE_NOT_FOUND',
  requireStack: [ '/app/index.js' ]
}

Node.js v20.19.3
"#, 1),
    // e27.js
    (r#"let a = ;
"#,
     r#""#,
     r#"/app/index.js:1
let a = ;
        ^

SyntaxError: Unexpected token ';'
    at wrapSafe (node:internal/modules/cjs/loader:1464:18)
    at Module._compile (node:internal/modules/cjs/loader:1495:20)
    at Module._extensions..js (node:internal/modules/cjs/loader:1623:10)
    at Module.load (node:internal/modules/cjs/loader:1266:32)
    at Module._load (node:internal/modules/cjs/loader:1091:12)
    at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:164:12)
    at node:internal/main/run_main_module:28:49

Node.js v20.19.3
"#, 1),
    // e28.js
    (r#"let x = 1; let x = 2;
"#,
     r#""#,
     r#"/app/index.js:1
let x = 1; let x = 2;
               ^

SyntaxError: Identifier 'x' has already been declared
    at wrapSafe (node:internal/modules/cjs/loader:1464:18)
    at Module._compile (node:internal/modules/cjs/loader:1495:20)
    at Module._extensions..js (node:internal/modules/cjs/loader:1623:10)
    at Module.load (node:internal/modules/cjs/loader:1266:32)
    at Module._load (node:internal/modules/cjs/loader:1091:12)
    at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:164:12)
    at node:internal/main/run_main_module:28:49

Node.js v20.19.3
"#, 1),
    // e29.js
    (r#"foo(1, 2;
"#,
     r#""#,
     r#"/app/index.js:1
foo(1, 2;
       ^

SyntaxError: missing ) after argument list
    at wrapSafe (node:internal/modules/cjs/loader:1464:18)
    at Module._compile (node:internal/modules/cjs/loader:1495:20)
    at Module._extensions..js (node:internal/modules/cjs/loader:1623:10)
    at Module.load (node:internal/modules/cjs/loader:1266:32)
    at Module._load (node:internal/modules/cjs/loader:1091:12)
    at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:164:12)
    at node:internal/main/run_main_module:28:49

Node.js v20.19.3
"#, 1),
    // e30.js
    (r#"const y;
"#,
     r#""#,
     r#"/app/index.js:1
const y;
      ^

SyntaxError: Missing initializer in const declaration
    at wrapSafe (node:internal/modules/cjs/loader:1464:18)
    at Module._compile (node:internal/modules/cjs/loader:1495:20)
    at Module._extensions..js (node:internal/modules/cjs/loader:1623:10)
    at Module.load (node:internal/modules/cjs/loader:1266:32)
    at Module._load (node:internal/modules/cjs/loader:1091:12)
    at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:164:12)
    at node:internal/main/run_main_module:28:49

Node.js v20.19.3
"#, 1),
    // e32.js
    (r#"let s = `abc
"#,
     r#""#,
     r#"/app/index.js:2



SyntaxError: Unexpected end of input
    at wrapSafe (node:internal/modules/cjs/loader:1464:18)
    at Module._compile (node:internal/modules/cjs/loader:1495:20)
    at Module._extensions..js (node:internal/modules/cjs/loader:1623:10)
    at Module.load (node:internal/modules/cjs/loader:1266:32)
    at Module._load (node:internal/modules/cjs/loader:1091:12)
    at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:164:12)
    at node:internal/main/run_main_module:28:49

Node.js v20.19.3
"#, 1),
    // e33.js
    (r#"return 5
"#,
     r#""#,
     r#""#, 0),
    // e34.js
    (r#"x++ = 3
"#,
     r#""#,
     r#"/app/index.js:1
x++ = 3
^^^

SyntaxError: Invalid left-hand side in assignment
    at wrapSafe (node:internal/modules/cjs/loader:1464:18)
    at Module._compile (node:internal/modules/cjs/loader:1495:20)
    at Module._extensions..js (node:internal/modules/cjs/loader:1623:10)
    at Module.load (node:internal/modules/cjs/loader:1266:32)
    at Module._load (node:internal/modules/cjs/loader:1091:12)
    at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:164:12)
    at node:internal/main/run_main_module:28:49

Node.js v20.19.3
"#, 1),
    // e35.js
    (r#"[1,2].map(5)
"#,
     r#""#,
     r#"/app/index.js:1
[1,2].map(5)
      ^

TypeError: 5 is not a function
    at Array.map (<anonymous>)
    at Object.<anonymous> (/app/index.js:1:7)
{main}

Node.js v20.19.3
"#, 1),
    // e36.js
    (r#"JSON.parse("{bad")
"#,
     r#""#,
     r#"<anonymous_script>:1
{bad
 ^

SyntaxError: Expected property name or '}' in JSON at position 1
    at JSON.parse (<anonymous>)
    at Object.<anonymous> (/app/index.js:1:6)
{main}

Node.js v20.19.3
"#, 1),
    // e37.js
    (r#"new Array(-1)
"#,
     r#""#,
     r#"/app/index.js:1
new Array(-1)
^

RangeError: Invalid array length
    at Object.<anonymous> (/app/index.js:1:1)
{main}

Node.js v20.19.3
"#, 1),
    // e38.js
    (r#""abc".repeat(-1)
"#,
     r#""#,
     r#"/app/index.js:1
"abc".repeat(-1)
      ^

RangeError: Invalid count value: -1
    at String.repeat (<anonymous>)
    at Object.<anonymous> (/app/index.js:1:7)
{main}

Node.js v20.19.3
"#, 1),
    // e39.js
    (r#"function r(){ r() } r()
"#,
     r#""#,
     r#"/app/index.js:1
function r(){ r() } r()
              ^

RangeError: Maximum call stack size exceeded
    at r (/app/index.js:1:15)
    at r (/app/index.js:1:15)
    at r (/app/index.js:1:15)
    at r (/app/index.js:1:15)
    at r (/app/index.js:1:15)
    at r (/app/index.js:1:15)
    at r (/app/index.js:1:15)
    at r (/app/index.js:1:15)
    at r (/app/index.js:1:15)
    at r (/app/index.js:1:15)

Node.js v20.19.3
"#, 1),
    // e40.js
    (r#"null()
"#,
     r#""#,
     r#"/app/index.js:1
null()
    ^

TypeError: null is not a function
    at Object.<anonymous> (/app/index.js:1:5)
{main}

Node.js v20.19.3
"#, 1),
    // e41.js
    (r#"undefined.foo
"#,
     r#""#,
     r#"/app/index.js:1
undefined.foo
          ^

TypeError: Cannot read properties of undefined (reading 'foo')
    at Object.<anonymous> (/app/index.js:1:11)
{main}

Node.js v20.19.3
"#, 1),
    // e42.js
    (r#"const c = 1; c = 2;
"#,
     r#""#,
     r#"/app/index.js:1
const c = 1; c = 2;
               ^

TypeError: Assignment to constant variable.
    at Object.<anonymous> (/app/index.js:1:16)
{main}

Node.js v20.19.3
"#, 1),
    // e43.js
    (r#"class A { constructor(){ this.x } } class B extends A { constructor(){ this.y = 1; super() } } new B()
"#,
     r#""#,
     r#"/app/index.js:1
class A { constructor(){ this.x } } class B extends A { constructor(){ this.y = 1; super() } } new B()
                                                                       ^

ReferenceError: Must call super constructor in derived class before accessing 'this' or returning from derived constructor
    at new B (/app/index.js:1:72)
    at Object.<anonymous> (/app/index.js:1:96)
{main}

Node.js v20.19.3
"#, 1),
    // e44.js
    (r#"console.log(a); var a = 1; console.log(a)
"#,
     r#"undefined
1
"#,
     r#""#, 0),
    // e45.js
    (r#"Symbol() + ""
"#,
     r#""#,
     r#"/app/index.js:1
Symbol() + ""
         ^

TypeError: Cannot convert a Symbol value to a string
    at Object.<anonymous> (/app/index.js:1:10)
{main}

Node.js v20.19.3
"#, 1),
    // e46.js
    (r#"process.exit(3)
"#,
     r#""#,
     r#""#, 3),
    // e47.js
    (r#"console.log("before"); process.exit(); console.log("after")
"#,
     r#"before
"#,
     r#""#, 0),
    // b1.js
    (r#"// async, generators, iteration
const sleep = (ms) => new Promise(r => setTimeout(r, ms));
function* gen(n) { for (let i = 0; i < n; i++) yield i * i; return 'done'; }
const g = gen(3);
console.log(g.next(), [...gen(4)], Array.from(gen(2)));
async function main() {
  console.log('start');
  await sleep(10);
  const results = await Promise.all([1, sleep(5).then(() => 2), Promise.resolve(3)]);
  console.log('all', results);
  const settled = await Promise.allSettled([Promise.reject(new Error('no')), 5]);
  console.log(settled.map(s => s.status), settled[0].reason.message);
  const first = await Promise.race([sleep(20).then(() => 'slow'), sleep(1).then(() => 'fast')]);
  console.log('race', first);
  try { await Promise.any([Promise.reject(1), Promise.reject(2)]); } catch (e) { console.log(e.constructor.name, e.errors, e.message); }
  for await (const v of (async function* () { yield 1; yield 2; })()) console.log('fa', v);
  return 'end';
}
main().then(v => console.log(v));
console.log('sync after main');
process.nextTick(() => console.log('tick'));
setImmediate(() => console.log('immediate'));
Promise.resolve().then(() => console.log('micro'));
queueMicrotask(() => console.log('qm'));
"#,
     r#"{ value: 0, done: false } [ 0, 1, 4, 9 ] [ 0, 1 ]
start
sync after main
tick
micro
qm
immediate
all [ 1, 2, 3 ]
[ 'rejected', 'fulfilled' ] no
race fast
AggregateError [ 1, 2 ] All promises were rejected
fa 1
fa 2
end
"#,
     r#""#, 0),
    // b2.js
    (r#"// inspect formatting
console.log({ a: 1, b: 'two', c: [1, 2, 3], d: { e: { f: { g: 1 } } }, h: null, i: undefined });
console.log([1, 'a', { b: 2 }, [3, [4, [5, [6]]]]]);
console.log(new Map([['k', 1], [{ o: 1 }, [2]]]), new Set(['x', 'y']));
console.log(Array.from({ length: 30 }, (_, i) => i));
console.log(Array(120).fill(7));
console.log({ longPropertyNameNumberOne: 'value number one', longPropertyNameNumberTwo: 'value number two', three: 3 });
console.log('%s is %d years and %i, %f, %j %o %%', 'Bob', 42.5, 42.5, 1.5, { a: 1 }, [1]);
console.log([undefined, null, NaN, -0, 0, 1e21, 1e-7, 0.1 + 0.2, Symbol('s')]);
console.log(function foo() {}, () => {}, class Bar {}, async () => {}, function* g() {});
console.log([ 'a', 'b' ].toString(), String([1, [2, 3]]), String({}), `${[1, 2]}`);
console.log(new Error('shown').message, Object.prototype.toString.call([]));
const o = { x: 1 }; o.self = o; console.log(o);
console.log({ 'key with space': 1, valid_id: 2, 3: 'num' });
console.log([ , 1, , 2, , ]);
console.log('str', 42, true, null, undefined, ['nested str']);
console.log(new Date(0).toISOString(), JSON.stringify(new Date(86400000)));
console.log(Buffer.from('hello'), Buffer.from('hi').toString('base64'), Buffer.from('aGk=', 'base64').toString());
console.log(Object.assign(Object.create(null), { a: 1 }), new (class Point { constructor() { this.x = 1; } })());
console.log([1.5, -2.25, 1000000, 123456789012], (255).toString(16), (0.000001234).toPrecision(2), Number.MAX_SAFE_INTEGER);
console.table([{ a: 1, b: 2 }, { a: 3, c: 4 }]);
console.log('a\nb', ['a\nb'], { s: "it's" }, ["it's \"q\""]);
"#,
     r#"{
  a: 1,
  b: 'two',
  c: [ 1, 2, 3 ],
  d: { e: { f: [Object] } },
  h: null,
  i: undefined
}
[ 1, 'a', { b: 2 }, [ 3, [ 4, [Array] ] ] ]
Map(2) { 'k' => 1, { o: 1 } => [ 2 ] } Set(2) { 'x', 'y' }
[
   0,  1,  2,  3,  4,  5,  6,  7,  8,
   9, 10, 11, 12, 13, 14, 15, 16, 17,
  18, 19, 20, 21, 22, 23, 24, 25, 26,
  27, 28, 29
]
[
  7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
  7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
  7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
  7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
  7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
  7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
  7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
  7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
  7, 7, 7, 7,
  ... 20 more items
]
{
  longPropertyNameNumberOne: 'value number one',
  longPropertyNameNumberTwo: 'value number two',
  three: 3
}
Bob is 42.5 years and 42, 1.5, {"a":1} [ 1, [length]: 1 ] %
[
  undefined,
  null,
  NaN,
  -0,
  0,
  1e+21,
  1e-7,
  0.30000000000000004,
  Symbol(s)
]
[Function: foo] [Function (anonymous)] [class Bar] [AsyncFunction (anonymous)] [GeneratorFunction: g]
a,b 1,2,3 [object Object] 1,2
shown [object Array]
<ref *1> { x: 1, self: [Circular *1] }
{ '3': 'num', 'key with space': 1, valid_id: 2 }
[ <1 empty item>, 1, <1 empty item>, 2, <1 empty item> ]
str 42 true null undefined [ 'nested str' ]
1970-01-01T00:00:00.000Z "1970-01-02T00:00:00.000Z"
<Buffer 68 65 6c 6c 6f> aGk= hi
[Object: null prototype] { a: 1 } Point { x: 1 }
[ 1.5, -2.25, 1000000, 123456789012 ] ff 0.0000012 9007199254740991
┌─────────┬───┬───┬───┐
│ (index) │ a │ b │ c │
├─────────┼───┼───┼───┤
│ 0       │ 1 │ 2 │   │
│ 1       │ 3 │   │ 4 │
└─────────┴───┴───┴───┘
a
b [ 'a\nb' ] { s: "it's" } [ `it's "q"` ]
"#,
     r#""#, 0),
    // b3.js
    (r#"// strings, regex, arrays, objects
const s = 'The quick brown fox jumps over the lazy dog';
console.log(s.split(' ').map(w => w[0].toUpperCase() + w.slice(1)).join(' '));
console.log(s.match(/o(\w)/g), s.replace(/(\w+) (\w+)/, '$2 $1'), s.search(/fox/), /(?<first>\w+)/.exec(s).groups.first);
console.log('a,b;c'.split(/[,;]/), 'aaa'.replaceAll('a', 'b'), 'Abc'.toLowerCase(), 'x'.repeat(3), 'abc'.at(-1));
console.log([...'2024-01-15'.matchAll(/\d+/g)].map(m => m[0]), /^[\w.]+@\w+\.\w+$/.test('a.b@c.de'));
console.log([5, 1, 10, 2].sort(), [5, 1, 10, 2].sort((a, b) => a - b), [1, 2, 3].reverse(), [[1, 2], [3, [4]]].flat(Infinity));
console.log([1, 2, 3, 4].findLast(x => x % 2), [1, 2, 3].indexOf(4), [1, 2, 3].some(x => x > 2), [1, 2].every(x => x > 0));
const arr = [1, 2, 3, 4, 5]; console.log(arr.splice(1, 2, 'a'), arr, arr.slice(-2), arr.concat([9]), arr.join('-'));
const people = [{ n: 'a', age: 30 }, { n: 'b', age: 25 }];
console.log(people.sort((x, y) => x.age - y.age).map(p => p.n), Object.fromEntries(people.map(p => [p.n, p.age])));
console.log(Object.entries({ x: 1, y: 2 }), Object.values({ x: 1 }), 'x' in { x: 1 }, Object.freeze({ a: 1 }));
const { a = 5, b: { c } = { c: 7 } } = {}; console.log(a, c);
console.log(Number.isInteger(5.0), Number('abc'), isNaN('abc'), (12.345).toFixed(1), Math.round(2.5), Math.round(-2.5), Math.sign(-3));
console.log(encodeURIComponent('a b&c'), decodeURIComponent('%20'), escape ? 'esc' : '', JSON.stringify('\u2028'));
console.log(typeof structuredClone, [3, 2, 1].toSorted ? 'toSorted' : 'none', Array.isArray([]), new Array(3).fill(0));
const m = new Map(); m.set('a', 1).set('b', 2); console.log(m.size, [...m.keys()], m.get('a'), m.has('z'));
const ws = new WeakMap(); const key = {}; ws.set(key, 1); console.log(ws.get(key), ws.has({}));
class Stack { #items = []; push(x) { this.#items.push(x); return this; } get size() { return this.#items.length; } static of(...xs) { const s = new Stack(); xs.forEach(x => s.push(x)); return s; } }
console.log(Stack.of(1, 2, 3).size, new Stack());
const tag = (strs, ...vals) => strs.raw.join('|') + vals.join(',');
console.log(tag`a${1}b${2}c`, String.raw`\n`);
console.log([10, 1, 3].sort().toString(), 'b' > 'a', [2] == 2, null == undefined, NaN === NaN, Object.is(NaN, NaN));
console.log(Date.UTC(2020, 0, 1), new Date('2020-01-01T00:00:00Z').getTime(), new Date(Date.UTC(2021, 5, 15, 12)).toISOString());
let str = ''; for (const ch of 'héllo wörld') str += ch.charCodeAt(0) > 127 ? '?' : ch; console.log(str);
console.log(parseInt('ff', 16), (5).toString(2), Number('0x1f'), 1 / 0, -1 / 0, 0 / 0, 10 ** -2);
"#,
     r#"The Quick Brown Fox Jumps Over The Lazy Dog
[ 'ow', 'ox', 'ov', 'og' ] quick The brown fox jumps over the lazy dog 16 The
[ 'a', 'b', 'c' ] bbb abc xxx c
[ '2024', '01', '15' ] true
[ 1, 10, 2, 5 ] [ 1, 2, 5, 10 ] [ 3, 2, 1 ] [ 1, 2, 3, 4 ]
3 -1 true true
[ 2, 3 ] [ 1, 'a', 4, 5 ] [ 4, 5 ] [ 1, 'a', 4, 5, 9 ] 1-a-4-5
[ 'b', 'a' ] { b: 25, a: 30 }
[ [ 'x', 1 ], [ 'y', 2 ] ] [ 1 ] true { a: 1 }
5 7
true NaN true 12.3 3 -2 -1
a%20b%26c   esc " "
function toSorted true [ 0, 0, 0 ]
2 [ 'a', 'b' ] 1 false
1 false
3 Stack {}
a|b|c1,2 \n
1,10,3 true true true false true
1577836800000 1577836800000 2021-06-15T12:00:00.000Z
h?llo w?rld
255 101 31 Infinity -Infinity NaN 0.01
"#,
     r#""#, 0),
    // b4.js
    (r#"// node modules: path, events, fs, util, os-ish, process
const path = require('path');
const fs = require('fs');
const EventEmitter = require('events');
const util = require('util');
console.log(path.join('/a/b', '../c', 'd.txt'), path.basename('/x/y.js', '.js'), path.extname('f.tar.gz'), path.resolve('/r', 's'), path.dirname('/a/b/c'));
console.log(path.parse('/home/u/file.txt'), path.sep, path.normalize('/a//b/../c/.'), path.relative('/a/b', '/a/c/d'));
class Bus extends EventEmitter {}
const bus = new Bus();
bus.on('msg', (a, b) => console.log('got', a, b));
bus.once('msg', () => console.log('once'));
bus.emit('msg', 1, 2); bus.emit('msg', 3, 4);
console.log(bus.listenerCount('msg'), bus.eventNames());
fs.writeFileSync('/tmp/out-test.txt', 'line1\nline2\n');
fs.appendFileSync('/tmp/out-test.txt', 'line3\n');
console.log(fs.readFileSync('/tmp/out-test.txt', 'utf8').split('\n').length, fs.existsSync('/tmp/out-test.txt'), fs.existsSync('/nope'));
try { fs.readFileSync('/nope/file.txt'); } catch (e) { console.log(e.code, e.message, e.errno, e.syscall); }
fs.readFile('/tmp/out-test.txt', 'utf8', (err, data) => console.log('async read', err, data.length));
fs.promises.readFile('/tmp/out-test.txt').then(b => console.log('promise read', b.length));
console.log(util.format('%s=%d', 'x', 5), util.inspect({ a: { b: { c: { d: 1 } } } }, { depth: 0 }), util.types.isPromise(Promise.resolve()));
console.log(util.inspect('str'), util.isDeepStrictEqual({ a: [1] }, { a: [1] }), typeof util.promisify);
console.log(process.argv.length, typeof process.env.PATH, process.platform, typeof process.pid, process.cwd());
console.log(typeof require('os').cpus, require('os').EOL === '\n', typeof module, typeof exports, __filename, __dirname);
const { promisify } = util; const wait = promisify(setTimeout); wait(5).then(() => console.log('waited'));
console.log(JSON.stringify(process.memoryUsage !== undefined), process.version.startsWith('v'));
process.on('exit', (c) => console.log('exiting with', c));
"#,
     r#"/a/c/d.txt y .gz /r/s /a/b
{
  root: '/',
  dir: '/home/u',
  base: 'file.txt',
  ext: '.txt',
  name: 'file'
} / /a/c ../c/d
got 1 2
once
got 3 4
1 [ 'msg' ]
4 true false
ENOENT ENOENT: no such file or directory, open '/nope/file.txt' -2 open
x=5 { a: [Object] } true
'str' true function
2 string linux number /app
function true object object /app/index.js /app
true true
async read null 18
promise read 18
waited
exiting with 0
"#,
     r#""#, 0),
    // ag.js
    (r#"async function* countdown(n) {
  while (n > 0) { await new Promise(r => setTimeout(r, 5)); yield n--; }
  return 'liftoff';
}
function* inner() { yield 'a'; yield 'b'; return 'r'; }
function* outer() { yield 1; const x = yield* inner(); yield x; yield* [7, 8]; }
console.log([...outer()]);
(async () => {
  for await (const n of countdown(3)) console.log('n', n);
  for await (const v of [Promise.resolve('p1'), 'plain', new Promise(r => setTimeout(() => r('p3'), 3))]) console.log(v);
  const g = countdown(2);
  console.log(g, Object.prototype.toString.call(g), typeof g[Symbol.asyncIterator]);
  console.log(await g.next(), await g.next(), await g.next(), await g.next());
  const it = { [Symbol.asyncIterator]() { let i = 0; return { next: () => Promise.resolve({ value: i, done: i++ >= 2 }) }; } };
  for await (const x of it) console.log('custom', x);
  async function* failing() { yield 1; throw new Error('gen fail'); }
  try { for await (const x of failing()) console.log('f', x); } catch (e) { console.log('caught', e.message); }
  const p = [countdown(1).next(), countdown(1).next()];
  console.log(await Promise.all(p));
  async function* deleg() { yield* countdown(2); yield* ['x']; }
  for await (const d of deleg()) console.log('d', d);
})();
"#,
     r#"[ 1, 'a', 'b', 'r', 7, 8 ]
n 3
n 2
n 1
p1
plain
p3
Object [AsyncGenerator] {} [object AsyncGenerator] function
{ value: 2, done: false } { value: 1, done: false } { value: 'liftoff', done: true } { value: undefined, done: true }
custom 0
custom 1
f 1
caught gen fail
[ { value: 1, done: false }, { value: 1, done: false } ]
d 2
d 1
d x
"#,
     r#""#, 0),
    // gen2.js
    (r#"function* g() { try { yield 1; yield 2; } catch (e) { console.log('caught', e); } finally { console.log('fin'); } yield 3; }
const a = g(); console.log(a.next(), a.return(9), a.next());
const b = g(); b.next(); console.log(b.throw('boom'), b.next(), b.next());
function* h() { try { yield 1; } finally { yield 'in finally'; } }
const c = h(); c.next(); console.log(c.return(5), c.next(), c.next());
function find(arr) { for (const x of arr) { if (x > 1) return x; } return -1; }
console.log(find([1, 2, 3]), find([]));
function* nums() { try { let i = 0; while (true) yield i++; } finally { console.log('nums closed'); } }
function firstOver(n) { for (const v of nums()) if (v > n) return v; }
console.log(firstOver(3));
const [p, q] = nums(); console.log(p, q);
"#,
     r#"fin
{ value: 1, done: false } { value: 9, done: true } { value: undefined, done: true }
caught boom
fin
{ value: 3, done: false } { value: undefined, done: true } { value: undefined, done: true }
{ value: 'in finally', done: false } { value: 5, done: true } { value: undefined, done: true }
2 -1
nums closed
4
nums closed
0 1
"#,
     r#""#, 0),
    // agg.js
    (r#"Promise.any([Promise.reject(new Error('a')), Promise.reject(2)]).catch(e => { console.log(e); console.log(e instanceof AggregateError, e instanceof Error, e.name); });
const a = new AggregateError([1, new TypeError('t')], 'many');
console.log(a.errors, a.message, String(a));
Promise.any([]).catch(e => console.log(e.message, e.errors));
"#,
     r#"[
  1,
  TypeError: t
      at Object.<anonymous> (/app/index.js:2:34)
      at Module._compile (node:internal/modules/cjs/loader:1521:14)
      at Module._extensions..js (node:internal/modules/cjs/loader:1623:10)
      at Module.load (node:internal/modules/cjs/loader:1266:32)
      at Module._load (node:internal/modules/cjs/loader:1091:12)
      at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:164:12)
      at node:internal/main/run_main_module:28:49
] many AggregateError: many
All promises were rejected []
[AggregateError: All promises were rejected] {
  [errors]: [
    Error: a
        at Object.<anonymous> (/app/index.js:1:29)
        at Module._compile (node:internal/modules/cjs/loader:1521:14)
        at Module._extensions..js (node:internal/modules/cjs/loader:1623:10)
        at Module.load (node:internal/modules/cjs/loader:1266:32)
        at Module._load (node:internal/modules/cjs/loader:1091:12)
        at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:164:12)
        at node:internal/main/run_main_module:28:49,
    2
  ]
}
true true AggregateError
"#,
     r#""#, 0),
    // buf.js
    (r#"const b = Buffer.from('héllo');
console.log(b.length, b[0], b[1], Buffer.alloc(3), Buffer.from([1, 2, 255]), b.toString('hex'), b.slice(0, 2), Buffer.concat([b, b]).length);
for (const x of Buffer.from('ab')) console.log(x);
console.log(JSON.stringify(Buffer.from('hi')), Buffer.isBuffer(b), Buffer.byteLength('héllo'), Buffer.alloc(60, 1));
b[0] = 72; console.log(b.toString());
"#,
     r#"6 104 195 <Buffer 00 00 00> <Buffer 01 02 ff> 68c3a96c6c6f <Buffer 68 c3> 12
97
98
{"type":"Buffer","data":[104,105]} true 6 <Buffer 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 ... 10 more bytes>
Héllo
"#,
     r#""#, 0),
    // c1.js
    (r#"process.on('uncaughtException', (err, origin) => { console.log('handler:', err.message, origin); });
setTimeout(() => { throw new Error('later'); }, 1);
throw new Error('first');
"#,
     r#"handler: first uncaughtException
handler: later uncaughtException
"#,
     r#""#, 0),
    // c2.js
    (r#"process.on('unhandledRejection', (reason, p) => { console.log('unhandled:', reason instanceof Error ? reason.message : reason, p instanceof Promise); });
Promise.reject(new Error('nobody'));
Promise.reject(7);
"#,
     r#"unhandled: nobody true
unhandled: 7 true
"#,
     r#""#, 0),
    // c3.js
    (r#"const e = new Error('outer', { cause: new TypeError('inner') });
console.log(e.cause.message);
throw e;
"#,
     r#"inner
"#,
     r#"/app/index.js:3
throw e;
^

Error: outer
    at Object.<anonymous> (/app/index.js:1:11)
    at Module._compile (node:internal/modules/cjs/loader:1521:14)
    ... 4 lines matching cause stack trace ...
    at node:internal/main/run_main_module:28:49 {
  [cause]: TypeError: inner
      at Object.<anonymous> (/app/index.js:1:39)
      at Module._compile (node:internal/modules/cjs/loader:1521:14)
      at Module._extensions..js (node:internal/modules/cjs/loader:1623:10)
      at Module.load (node:internal/modules/cjs/loader:1266:32)
      at Module._load (node:internal/modules/cjs/loader:1091:12)
      at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:164:12)
      at node:internal/main/run_main_module:28:49
}

Node.js v20.19.3
"#, 1),
    // c4.js
    (r#"class HttpError extends Error {
  constructor(status, msg) { super(msg); this.name = 'HttpError'; this.status = status; }
}
function handler() { throw new HttpError(404, 'Not here'); }
try { handler(); } catch (e) { console.log(`${e.name}: ${e.message} (${e.status})`, e instanceof HttpError, e.stack.split('\n')[0]); }
console.error('warn:', { code: 1 });
console.warn('deprecated');
console.info('info', [1]);
console.debug('dbg');
async function load() { throw new HttpError(500, 'db down'); }
load();
"#,
     r#"HttpError: Not here (404) true HttpError: Not here
info [ 1 ]
dbg
"#,
     r#"warn: { code: 1 }
deprecated
/app/index.js:10
async function load() { throw new HttpError(500, 'db down'); }
                              ^

HttpError: db down
    at load (/app/index.js:10:31)
    at Object.<anonymous> (/app/index.js:11:1)
{main} {
  status: 500
}

Node.js v20.19.3
"#, 1),
    // c5.js
    (r#"const obj = { get bad() { throw new RangeError('getter'); } };
function deep(n) { if (n === 0) return obj.bad; return deep(n - 1); }
deep(3);
"#,
     r#""#,
     r#"/app/index.js:1
const obj = { get bad() { throw new RangeError('getter'); } };
                          ^

RangeError: getter
    at get bad [as bad] (/app/index.js:1:33)
    at deep (/app/index.js:2:44)
    at deep (/app/index.js:2:56)
    at deep (/app/index.js:2:56)
    at deep (/app/index.js:2:56)
    at Object.<anonymous> (/app/index.js:3:1)
    at Module._compile (node:internal/modules/cjs/loader:1521:14)
    at Module._extensions..js (node:internal/modules/cjs/loader:1623:10)
    at Module.load (node:internal/modules/cjs/loader:1266:32)
    at Module._load (node:internal/modules/cjs/loader:1091:12)

Node.js v20.19.3
"#, 1),
    // c6.js
    (r#"const data = JSON.parse('{"users":[{"id":1,"name":"a"},{"id":2,"name":"b"}]}');
const byId = new Map(data.users.map(u => [u.id, u]));
console.log(byId.get(2).name, JSON.stringify(data, null, '\t'), JSON.stringify([undefined, () => 1, NaN, new Date(0)]));
console.log(JSON.stringify({ a: undefined, b: null, c: 'x' }), JSON.stringify('he said "hi"\n'), JSON.stringify({ nested: { arr: [1, { x: [] }] } }, null, 2));
console.log(JSON.stringify({ b: 1, a: 2 }, ['a']), JSON.stringify({ toJSON() { return 'custom'; } }), JSON.parse('[1, "2", true, null]'));
try { JSON.parse(''); } catch (e) { console.log(e.name, e.message); }
try { JSON.parse('{"a":1,}'); } catch (e) { console.log(e.message); }
try { JSON.stringify((() => { const o = {}; o.o = o; return o; })()); } catch (e) { console.log(e.message.split('\n')[0]); }
"#,
     r#"b {
	"users": [
		{
			"id": 1,
			"name": "a"
		},
		{
			"id": 2,
			"name": "b"
		}
	]
} [null,null,null,"1970-01-01T00:00:00.000Z"]
{"b":null,"c":"x"} "he said \"hi\"\n" {
  "nested": {
    "arr": [
      1,
      {
        "x": []
      }
    ]
  }
}
{"a":2} "custom" [ 1, '2', true, null ]
SyntaxError Unexpected end of JSON input
Expected double-quoted property name in JSON at position 7
Converting circular structure to JSON
"#,
     r#""#, 0),
    // c7.js
    (r#"const d = new Date(Date.UTC(2024, 1, 29, 13, 45, 30, 123));
console.log(d.toISOString(), d.getUTCDay(), d.getUTCFullYear(), d.toJSON(), d.valueOf());
console.log(new Date('2024-03-10').toISOString(), new Date(2020, 0, 31).getMonth(), Date.parse('2000-01-01T00:00:00.000Z'));
console.log(new Date(NaN).getTime(), String(new Date(NaN)), new Date(0).toUTCString());
console.log(Math.max(), Math.min(1, 2), Math.abs(-5.5), Math.ceil(4.1), Math.trunc(-4.7), Math.hypot(3, 4), Math.cbrt(27), Math.PI.toFixed(4));
console.log((1234567.891).toLocaleString(), (0.1).toFixed(20), (1e21).toFixed(2), (123.456).toPrecision(4), (255).toString(36), Number.parseFloat('1e3'));
console.log(0.1 * 3, 1 / 3, 100 / 3, 2 ** 53 + 1, -1e-7, 123e-20, 1e300 * 10, 5e-324, (-0).toString(), Object.is(-0, 0));
"#,
     r#"2024-02-29T13:45:30.123Z 4 2024 2024-02-29T13:45:30.123Z 1709214330123
2024-03-10T00:00:00.000Z 0 946684800000
NaN Invalid Date Thu, 01 Jan 1970 00:00:00 GMT
-Infinity 1 5.5 5 -4 5 3 3.1416
1,234,567.891 0.10000000000000000555 1e+21 123.5 73 1000
0.30000000000000004 0.3333333333333333 33.333333333333336 9007199254740992 -1e-7 1.23e-18 1e+301 5e-324 0 false
"#,
     r#""#, 0),
    // c8.js
    (r#"async function f() {
  const e = new Error('made here');
  await null;
  throw e;
}
f();
"#,
     r#""#,
     r#"/app/index.js:2
  const e = new Error('made here');
            ^

Error: made here
    at f (/app/index.js:2:13)
    at Object.<anonymous> (/app/index.js:6:1)
{main}

Node.js v20.19.3
"#, 1),
    // c9.js
    (r#"async function f() {
  const e = new Error('made here');
  throw e;
}
f();
"#,
     r#""#,
     r#"/app/index.js:2
  const e = new Error('made here');
            ^

Error: made here
    at f (/app/index.js:2:13)
    at Object.<anonymous> (/app/index.js:5:1)
{main}

Node.js v20.19.3
"#, 1),
    // c10.js
    (r#"class K { get g() { return new Error('x').stack.split('\n')[1]; } set s(v) { console.log(new Error('x').stack.split('\n')[1]); } m() { return new Error('x').stack.split('\n')[1]; } static st() { return new Error('x').stack.split('\n')[1]; } }
const k = new K();
console.log(k.g); k.s = 1; console.log(k.m(), K.st());
const o = { get g() { return new Error('x').stack.split('\n')[1]; }, m() { return new Error('x').stack.split('\n')[1]; }, f: function () { return new Error('x').stack.split('\n')[1]; }, a: () => new Error('x').stack.split('\n')[1] };
console.log(o.g, o.m(), o.f(), o.a());
const alias = { other: o.m }; console.log(alias.other());
function Legacy() {} Legacy.prototype.run = function () { return new Error('x').stack.split('\n')[1]; }; console.log(new Legacy().run());
"#,
     r#"    at get g [as g] (/app/index.js:1:28)
    at set s [as s] (/app/index.js:1:90)
    at K.m (/app/index.js:1:143)     at K.st (/app/index.js:1:203)
    at get g [as g] (/app/index.js:4:30)     at Object.m (/app/index.js:4:83)     at Object.f (/app/index.js:4:147)     at Object.a (/app/index.js:4:196)
    at Object.m [as other] (/app/index.js:4:83)
    at Legacy.run (/app/index.js:7:66)
"#,
     r#""#, 0),
    // c11.js
    (r#"function F() {} F.s = function () { return new Error('x').stack.split('\n')[1]; }; console.log(F.s());
const G = function () {}; G.t = () => new Error('x').stack.split('\n')[1]; console.log(G.t());
class B { static q() { return new Error('x').stack.split('\n')[1]; } } class C extends B {} console.log(C.q());
const anon = class {}; anon.z = function () { return new Error('x').stack.split('\n')[1]; }; console.log(anon.z());
"#,
     r#"    at F.s (/app/index.js:1:44)
    at G.t (/app/index.js:2:39)
    at C.q (/app/index.js:3:31)
    at anon.z (/app/index.js:4:54)
"#,
     r#""#, 0),
    // c12.js
    (r#"process.on('uncaughtException', (e) => { console.log('got', e.message); throw new Error('in handler'); });
throw new Error('orig');
"#,
     r#"got orig
"#,
     r#"/app/index.js:1
process.on('uncaughtException', (e) => { console.log('got', e.message); throw new Error('in handler'); });
                                                                        ^

Error: in handler
    at process.<anonymous> (/app/index.js:1:79)
    at process.emit (node:events:524:28)
    at process._fatalException (node:internal/process/execution:188:25)

Node.js v20.19.3
"#, 7),
    // c13.js
    (r#"process.on('uncaughtException', (e, origin) => { console.log('got', e instanceof Error ? e.message : e, origin); });
Promise.reject(new Error('rej'));
setTimeout(() => console.log('still alive'), 10);
"#,
     r#"got rej unhandledRejection
still alive
"#,
     r#""#, 0),

];

#[test]
fn node20_programs() {
    let mut failed = Vec::new();
    for (i, (src, out, err, code)) in NODE20.iter().enumerate() {
        let r = run(&[("/app/index.js", src)], &["node", "index.js"], "", "20.19.3");
        let (out, err) = (out.replace("{main}", MAIN20), err.replace("{main}", MAIN20));
        if r.out != out || r.err != err || r.code != Some(*code) {
            failed.push(format!("#{i}:\n{src}\n--- stdout\n{}\n--- expected\n{out}\n--- stderr\n{}\n--- expected\n{err}\n--- code {:?}, expected {code}", r.out, r.err, r.code));
        }
    }
    assert!(failed.is_empty(), "{} of {} programs differ:\n{}", failed.len(), NODE20.len(), failed.join("\n\n"));
}


/// Express apps (and plain `http` servers) as /app/index.js with the package installed, the requests sent to port 3000
/// (method, target, headers, body) and what the real Express printed and answered, run locally
/// under Node 20.20.2 (the date header fixed, paths mapped to /app, Content-Length recomputed
/// for the mapped paths; other files dated like the simulated ones): (source, other files,
/// express version, requests, responses, stdout, stderr).
const EXPRESS: &[(&str, &str, &str, &str, &str, &str, &str)] = &[
    // app.js, Express 4.21.2
    (r#"const express = require('express');
const app = express();
const router = express.Router();
app.use(express.json());
app.use(express.urlencoded({ extended: false }));
app.use((req, res, next) => { res.set('X-Request-Path', req.path); next(); });
app.get('/', (req, res) => res.send('Hello World!'));
app.get('/users/:id', (req, res) => res.json({ id: req.params.id, q: req.query }));
app.post('/echo', (req, res) => res.status(201).json(req.body));
app.post('/form', (req, res) => res.send(`name=${req.body.name}`));
app.get('/boom', (req, res) => { throw new Error('boom'); });
app.get('/async', async (req, res, next) => { try { await Promise.reject(new TypeError('async bad')); } catch (e) { next(e); } });
app.get('/redirect', (req, res) => res.redirect('/target'));
app.get('/status', (req, res) => res.sendStatus(418));
app.get('/html', (req, res) => res.type('html').send('<h1>hi</h1>'));
app.get('/buf', (req, res) => res.send(Buffer.from('raw bytes')));
app.get('/obj', (req, res) => res.send({ a: 1 }));
app.get('/num', (req, res) => res.status(204).end());
app.get('/hdr', (req, res) => res.json({ ua: req.get('user-agent'), host: req.hostname, method: req.method, url: req.originalUrl, proto: req.protocol }));
router.get('/', (req, res) => res.send('api root'));
router.get('/items/:n(\\d+)', (req, res) => res.json({ n: Number(req.params.n) }));
app.use('/api', router);
app.use((req, res) => res.status(404).json({ error: 'not found', path: req.path }));
app.use((err, req, res, next) => { if (req.path === '/async') return res.status(500).json({ message: err.message }); next(err); });
app.listen(3000, () => console.log('listening'));
"#,
     r#"{}"#,
     "4.21.2",
     r#"[["GET","/",{},""],["GET","/users/42?x=1&y=two",{},""],["POST","/echo",{"Content-Type":"application/json"},"{\"a\":[1,2],\"b\":\"c\"}"],["POST","/form",{"Content-Type":"application/x-www-form-urlencoded"},"name=Ann+Lee"],["GET","/boom",{},""],["GET","/async",{},""],["GET","/redirect",{},""],["GET","/status",{},""],["GET","/html",{},""],["GET","/buf",{},""],["GET","/obj",{},""],["GET","/num",{},""],["GET","/hdr",{},""],["GET","/api",{},""],["GET","/api/items/7",{},""],["GET","/api/items/x",{},""],["POST","/echo",{"Content-Type":"application/json"},"{bad json"],["HEAD","/",{},""],["GET","/",{"If-None-Match":"W/\"c-Lve95gjOVATpfV8EL5X4nxwjKHE\""},""]]"#,
     r#"["HTTP/1.1 200 OK\nX-Powered-By: Express\nX-Request-Path: /\nContent-Type: text/html; charset=utf-8\nContent-Length: 12\nETag: W/\"c-Lve95gjOVATpfV8EL5X4nxwjKHE\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\nHello World!", "HTTP/1.1 200 OK\nX-Powered-By: Express\nX-Request-Path: /users/42\nContent-Type: application/json; charset=utf-8\nContent-Length: 35\nETag: W/\"23-WDdFx7J1WVZBYBL0c15qpqSQv2o\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n{\"id\":\"42\",\"q\":{\"x\":\"1\",\"y\":\"two\"}}", "HTTP/1.1 201 Created\nX-Powered-By: Express\nX-Request-Path: /echo\nContent-Type: application/json; charset=utf-8\nContent-Length: 19\nETag: W/\"13-WUMWL2bq6l3BkPkC6xObnixEc6g\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n{\"a\":[1,2],\"b\":\"c\"}", "HTTP/1.1 200 OK\nX-Powered-By: Express\nX-Request-Path: /form\nContent-Type: text/html; charset=utf-8\nContent-Length: 12\nETag: W/\"c-265OCgmTDhhm+WV8MckoWyFl7EQ\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\nname=Ann Lee", "HTTP/1.1 500 Internal Server Error\nX-Powered-By: Express\nX-Request-Path: /boom\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 956\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Error: boom<br> &nbsp; &nbsp;at /app/index.js:11:40<br> &nbsp; &nbsp;at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)<br> &nbsp; &nbsp;at next (/app/node_modules/express/lib/router/route.js:149:13)<br> &nbsp; &nbsp;at Route.dispatch (/app/node_modules/express/lib/router/route.js:119:3)<br> &nbsp; &nbsp;at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)<br> &nbsp; &nbsp;at /app/node_modules/express/lib/router/index.js:284:15<br> &nbsp; &nbsp;at Function.process_params (/app/node_modules/express/lib/router/index.js:346:12)<br> &nbsp; &nbsp;at next (/app/node_modules/express/lib/router/index.js:280:10)<br> &nbsp; &nbsp;at /app/index.js:6:68<br> &nbsp; &nbsp;at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)</pre>\n</body>\n</html>\n", "HTTP/1.1 500 Internal Server Error\nX-Powered-By: Express\nX-Request-Path: /async\nContent-Type: application/json; charset=utf-8\nContent-Length: 23\nETag: W/\"17-2iO1P3sRQqhboGy1mm+uTBTeSNc\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n{\"message\":\"async bad\"}", "HTTP/1.1 302 Found\nX-Powered-By: Express\nX-Request-Path: /redirect\nLocation: /target\nVary: Accept\nContent-Type: text/plain; charset=utf-8\nContent-Length: 29\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\nFound. Redirecting to /target", "HTTP/1.1 418 I'm a Teapot\nX-Powered-By: Express\nX-Request-Path: /status\nContent-Type: text/plain; charset=utf-8\nContent-Length: 12\nETag: W/\"c-2UDTmC4hdG5PUA+z8oDkrgejuV8\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\nI'm a Teapot", "HTTP/1.1 200 OK\nX-Powered-By: Express\nX-Request-Path: /html\nContent-Type: text/html; charset=utf-8\nContent-Length: 11\nETag: W/\"b-DoN7fZWLyYYoletrU2+m8mhJ/io\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<h1>hi</h1>", "HTTP/1.1 200 OK\nX-Powered-By: Express\nX-Request-Path: /buf\nContent-Type: application/octet-stream\nContent-Length: 9\nETag: W/\"9-Jvd2enAIv2snRgVreTdJ1D6MhYc\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\nraw bytes", "HTTP/1.1 200 OK\nX-Powered-By: Express\nX-Request-Path: /obj\nContent-Type: application/json; charset=utf-8\nContent-Length: 7\nETag: W/\"7-n4nHQM60bXQYySSnisV5QdXpZSA\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n{\"a\":1}", "HTTP/1.1 204 No Content\nX-Powered-By: Express\nX-Request-Path: /num\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n", "HTTP/1.1 200 OK\nX-Powered-By: Express\nX-Request-Path: /hdr\nContent-Type: application/json; charset=utf-8\nContent-Length: 81\nETag: W/\"51-JZ1DuJZ8fYxT+o/rw2jAIsp98o8\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n{\"ua\":\"curl/8.5.0\",\"host\":\"localhost\",\"method\":\"GET\",\"url\":\"/hdr\",\"proto\":\"http\"}", "HTTP/1.1 200 OK\nX-Powered-By: Express\nX-Request-Path: /api\nContent-Type: text/html; charset=utf-8\nContent-Length: 8\nETag: W/\"8-/FBg+FAUx918KVBPGRbE8WR5OLQ\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\napi root", "HTTP/1.1 200 OK\nX-Powered-By: Express\nX-Request-Path: /api/items/7\nContent-Type: application/json; charset=utf-8\nContent-Length: 7\nETag: W/\"7-+UQ2ShdgPacXGs6BjvIdkW406ls\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n{\"n\":7}", "HTTP/1.1 404 Not Found\nX-Powered-By: Express\nX-Request-Path: /api/items/x\nContent-Type: application/json; charset=utf-8\nContent-Length: 43\nETag: W/\"2b-eKANM7IerFDz0TvwapKqy8aNi+k\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n{\"error\":\"not found\",\"path\":\"/api/items/x\"}", "HTTP/1.1 400 Bad Request\nX-Powered-By: Express\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 944\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>SyntaxError: Expected property name or &#39;}&#39; in JSON at position 1<br> &nbsp; &nbsp;at JSON.parse (&lt;anonymous&gt;)<br> &nbsp; &nbsp;at parse (/app/node_modules/body-parser/lib/types/json.js:92:19)<br> &nbsp; &nbsp;at /app/node_modules/body-parser/lib/read.js:128:18<br> &nbsp; &nbsp;at AsyncResource.runInAsyncScope (node:async_hooks:206:9)<br> &nbsp; &nbsp;at invokeCallback (/app/node_modules/raw-body/index.js:238:16)<br> &nbsp; &nbsp;at done (/app/node_modules/raw-body/index.js:227:7)<br> &nbsp; &nbsp;at IncomingMessage.onEnd (/app/node_modules/raw-body/index.js:287:7)<br> &nbsp; &nbsp;at IncomingMessage.emit (node:events:524:28)<br> &nbsp; &nbsp;at endReadableNT (node:internal/streams/readable:1698:12)<br> &nbsp; &nbsp;at process.processTicksAndRejections (node:internal/process/task_queues:82:21)</pre>\n</body>\n</html>\n", "HTTP/1.1 200 OK\nX-Powered-By: Express\nX-Request-Path: /\nContent-Type: text/html; charset=utf-8\nContent-Length: 12\nETag: W/\"c-Lve95gjOVATpfV8EL5X4nxwjKHE\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n", "HTTP/1.1 304 Not Modified\nX-Powered-By: Express\nX-Request-Path: /\nETag: W/\"c-Lve95gjOVATpfV8EL5X4nxwjKHE\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n"]"#,
     r#"listening
"#,
     r#"Error: boom
    at /app/index.js:11:40
    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)
    at next (/app/node_modules/express/lib/router/route.js:149:13)
    at Route.dispatch (/app/node_modules/express/lib/router/route.js:119:3)
    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)
    at /app/node_modules/express/lib/router/index.js:284:15
    at Function.process_params (/app/node_modules/express/lib/router/index.js:346:12)
    at next (/app/node_modules/express/lib/router/index.js:280:10)
    at /app/index.js:6:68
    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)
SyntaxError: Expected property name or '}' in JSON at position 1
    at JSON.parse (<anonymous>)
    at parse (/app/node_modules/body-parser/lib/types/json.js:92:19)
    at /app/node_modules/body-parser/lib/read.js:128:18
    at AsyncResource.runInAsyncScope (node:async_hooks:206:9)
    at invokeCallback (/app/node_modules/raw-body/index.js:238:16)
    at done (/app/node_modules/raw-body/index.js:227:7)
    at IncomingMessage.onEnd (/app/node_modules/raw-body/index.js:287:7)
    at IncomingMessage.emit (node:events:524:28)
    at endReadableNT (node:internal/streams/readable:1698:12)
    at process.processTicksAndRejections (node:internal/process/task_queues:82:21)
"#),
    // app5.js, Express 5.1.0
    (r#"const express = require('express');
const app = express();
const router = express.Router();
app.use(express.json());
app.use(express.urlencoded({ extended: false }));
app.use((req, res, next) => { res.set('X-Request-Path', req.path); next(); });
app.get('/', (req, res) => res.send('Hello World!'));
app.get('/users/:id', (req, res) => res.json({ id: req.params.id, q: req.query }));
app.post('/echo', (req, res) => res.status(201).json(req.body));
app.post('/form', (req, res) => res.send(`name=${req.body.name}`));
app.get('/boom', (req, res) => { throw new Error('boom'); });
app.get('/async', async (req, res, next) => { try { await Promise.reject(new TypeError('async bad')); } catch (e) { next(e); } });
app.get('/redirect', (req, res) => res.redirect('/target'));
app.get('/status', (req, res) => res.sendStatus(418));
app.get('/html', (req, res) => res.type('html').send('<h1>hi</h1>'));
app.get('/buf', (req, res) => res.send(Buffer.from('raw bytes')));
app.get('/obj', (req, res) => res.send({ a: 1 }));
app.get('/num', (req, res) => res.status(204).end());
app.get('/hdr', (req, res) => res.json({ ua: req.get('user-agent'), host: req.hostname, method: req.method, url: req.originalUrl, proto: req.protocol }));
router.get('/', (req, res) => res.send('api root'));
router.get('/items/:n', (req, res) => res.json({ n: Number(req.params.n) }));
app.use('/api', router);
app.use((req, res) => res.status(404).json({ error: 'not found', path: req.path }));
app.use((err, req, res, next) => { if (req.path === '/async') return res.status(500).json({ message: err.message }); next(err); });
app.listen(3000, () => console.log('listening'));
"#,
     r#"{}"#,
     "5.1.0",
     r#"[["GET","/",{},""],["GET","/users/42?x=1&y=two",{},""],["POST","/echo",{"Content-Type":"application/json"},"{\"a\":[1,2],\"b\":\"c\"}"],["POST","/form",{"Content-Type":"application/x-www-form-urlencoded"},"name=Ann+Lee"],["GET","/boom",{},""],["GET","/async",{},""],["GET","/redirect",{},""],["GET","/status",{},""],["GET","/html",{},""],["GET","/buf",{},""],["GET","/obj",{},""],["GET","/num",{},""],["GET","/hdr",{},""],["GET","/api",{},""],["GET","/api/items/7",{},""],["GET","/api/items/x",{},""],["POST","/echo",{"Content-Type":"application/json"},"{bad json"],["HEAD","/",{},""],["GET","/",{"If-None-Match":"W/\"c-Lve95gjOVATpfV8EL5X4nxwjKHE\""},""]]"#,
     r#"["HTTP/1.1 200 OK\nX-Powered-By: Express\nX-Request-Path: /\nContent-Type: text/html; charset=utf-8\nContent-Length: 12\nETag: W/\"c-Lve95gjOVATpfV8EL5X4nxwjKHE\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\nHello World!", "HTTP/1.1 200 OK\nX-Powered-By: Express\nX-Request-Path: /users/42\nContent-Type: application/json; charset=utf-8\nContent-Length: 35\nETag: W/\"23-WDdFx7J1WVZBYBL0c15qpqSQv2o\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n{\"id\":\"42\",\"q\":{\"x\":\"1\",\"y\":\"two\"}}", "HTTP/1.1 201 Created\nX-Powered-By: Express\nX-Request-Path: /echo\nContent-Type: application/json; charset=utf-8\nContent-Length: 19\nETag: W/\"13-WUMWL2bq6l3BkPkC6xObnixEc6g\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n{\"a\":[1,2],\"b\":\"c\"}", "HTTP/1.1 200 OK\nX-Powered-By: Express\nX-Request-Path: /form\nContent-Type: text/html; charset=utf-8\nContent-Length: 12\nETag: W/\"c-265OCgmTDhhm+WV8MckoWyFl7EQ\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\nname=Ann Lee", "HTTP/1.1 500 Internal Server Error\nX-Powered-By: Express\nX-Request-Path: /boom\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 819\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Error: boom<br> &nbsp; &nbsp;at /app/index.js:11:40<br> &nbsp; &nbsp;at Layer.handleRequest (/app/node_modules/router/lib/layer.js:169:33)<br> &nbsp; &nbsp;at next (/app/node_modules/router/lib/route.js:163:13)<br> &nbsp; &nbsp;at Route.dispatch (/app/node_modules/router/lib/route.js:123:3)<br> &nbsp; &nbsp;at handle (/app/node_modules/router/index.js:449:11)<br> &nbsp; &nbsp;at Layer.handleRequest (/app/node_modules/router/lib/layer.js:169:33)<br> &nbsp; &nbsp;at /app/node_modules/router/index.js:309:15<br> &nbsp; &nbsp;at processParams (/app/node_modules/router/index.js:619:12)<br> &nbsp; &nbsp;at next (/app/node_modules/router/index.js:305:5)<br> &nbsp; &nbsp;at /app/index.js:6:68</pre>\n</body>\n</html>\n", "HTTP/1.1 500 Internal Server Error\nX-Powered-By: Express\nX-Request-Path: /async\nContent-Type: application/json; charset=utf-8\nContent-Length: 23\nETag: W/\"17-2iO1P3sRQqhboGy1mm+uTBTeSNc\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n{\"message\":\"async bad\"}", "HTTP/1.1 302 Found\nX-Powered-By: Express\nX-Request-Path: /redirect\nLocation: /target\nVary: Accept\nContent-Type: text/plain; charset=utf-8\nContent-Length: 29\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\nFound. Redirecting to /target", "HTTP/1.1 418 I'm a Teapot\nX-Powered-By: Express\nX-Request-Path: /status\nContent-Type: text/plain; charset=utf-8\nContent-Length: 12\nETag: W/\"c-2UDTmC4hdG5PUA+z8oDkrgejuV8\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\nI'm a Teapot", "HTTP/1.1 200 OK\nX-Powered-By: Express\nX-Request-Path: /html\nContent-Type: text/html; charset=utf-8\nContent-Length: 11\nETag: W/\"b-DoN7fZWLyYYoletrU2+m8mhJ/io\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<h1>hi</h1>", "HTTP/1.1 200 OK\nX-Powered-By: Express\nX-Request-Path: /buf\nContent-Type: application/octet-stream\nContent-Length: 9\nETag: W/\"9-Jvd2enAIv2snRgVreTdJ1D6MhYc\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\nraw bytes", "HTTP/1.1 200 OK\nX-Powered-By: Express\nX-Request-Path: /obj\nContent-Type: application/json; charset=utf-8\nContent-Length: 7\nETag: W/\"7-n4nHQM60bXQYySSnisV5QdXpZSA\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n{\"a\":1}", "HTTP/1.1 204 No Content\nX-Powered-By: Express\nX-Request-Path: /num\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n", "HTTP/1.1 200 OK\nX-Powered-By: Express\nX-Request-Path: /hdr\nContent-Type: application/json; charset=utf-8\nContent-Length: 81\nETag: W/\"51-JZ1DuJZ8fYxT+o/rw2jAIsp98o8\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n{\"ua\":\"curl/8.5.0\",\"host\":\"localhost\",\"method\":\"GET\",\"url\":\"/hdr\",\"proto\":\"http\"}", "HTTP/1.1 200 OK\nX-Powered-By: Express\nX-Request-Path: /api\nContent-Type: text/html; charset=utf-8\nContent-Length: 8\nETag: W/\"8-/FBg+FAUx918KVBPGRbE8WR5OLQ\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\napi root", "HTTP/1.1 200 OK\nX-Powered-By: Express\nX-Request-Path: /api/items/7\nContent-Type: application/json; charset=utf-8\nContent-Length: 7\nETag: W/\"7-+UQ2ShdgPacXGs6BjvIdkW406ls\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n{\"n\":7}", "HTTP/1.1 200 OK\nX-Powered-By: Express\nX-Request-Path: /api/items/x\nContent-Type: application/json; charset=utf-8\nContent-Length: 10\nETag: W/\"a-ZMOFz9evibw5G8Klwm4mQcMMQdE\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n{\"n\":null}", "HTTP/1.1 400 Bad Request\nX-Powered-By: Express\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 944\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>SyntaxError: Expected property name or &#39;}&#39; in JSON at position 1<br> &nbsp; &nbsp;at JSON.parse (&lt;anonymous&gt;)<br> &nbsp; &nbsp;at parse (/app/node_modules/body-parser/lib/types/json.js:93:21)<br> &nbsp; &nbsp;at /app/node_modules/body-parser/lib/read.js:194:18<br> &nbsp; &nbsp;at AsyncResource.runInAsyncScope (node:async_hooks:206:9)<br> &nbsp; &nbsp;at invokeCallback (/app/node_modules/raw-body/index.js:238:16)<br> &nbsp; &nbsp;at done (/app/node_modules/raw-body/index.js:227:7)<br> &nbsp; &nbsp;at IncomingMessage.onEnd (/app/node_modules/raw-body/index.js:287:7)<br> &nbsp; &nbsp;at IncomingMessage.emit (node:events:524:28)<br> &nbsp; &nbsp;at endReadableNT (node:internal/streams/readable:1698:12)<br> &nbsp; &nbsp;at process.processTicksAndRejections (node:internal/process/task_queues:82:21)</pre>\n</body>\n</html>\n", "HTTP/1.1 200 OK\nX-Powered-By: Express\nX-Request-Path: /\nContent-Type: text/html; charset=utf-8\nContent-Length: 12\nETag: W/\"c-Lve95gjOVATpfV8EL5X4nxwjKHE\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n", "HTTP/1.1 304 Not Modified\nX-Powered-By: Express\nX-Request-Path: /\nETag: W/\"c-Lve95gjOVATpfV8EL5X4nxwjKHE\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n"]"#,
     r#"listening
"#,
     r#"Error: boom
    at /app/index.js:11:40
    at Layer.handleRequest (/app/node_modules/router/lib/layer.js:169:33)
    at next (/app/node_modules/router/lib/route.js:163:13)
    at Route.dispatch (/app/node_modules/router/lib/route.js:123:3)
    at handle (/app/node_modules/router/index.js:449:11)
    at Layer.handleRequest (/app/node_modules/router/lib/layer.js:169:33)
    at /app/node_modules/router/index.js:309:15
    at processParams (/app/node_modules/router/index.js:619:12)
    at next (/app/node_modules/router/index.js:305:5)
    at /app/index.js:6:68
SyntaxError: Expected property name or '}' in JSON at position 1
    at JSON.parse (<anonymous>)
    at parse (/app/node_modules/body-parser/lib/types/json.js:93:21)
    at /app/node_modules/body-parser/lib/read.js:194:18
    at AsyncResource.runInAsyncScope (node:async_hooks:206:9)
    at invokeCallback (/app/node_modules/raw-body/index.js:238:16)
    at done (/app/node_modules/raw-body/index.js:227:7)
    at IncomingMessage.onEnd (/app/node_modules/raw-body/index.js:287:7)
    at IncomingMessage.emit (node:events:524:28)
    at endReadableNT (node:internal/streams/readable:1698:12)
    at process.processTicksAndRejections (node:internal/process/task_queues:82:21)
"#),
    // app6.js, Express 4.21.2
    (r#"const express = require('express');
const app = express();
const router = express.Router();
app.use('/mw', (req, res, next) => { throw new Error('in middleware'); });
router.get('/r', (req, res) => { throw new Error('in router route'); });
router.use('/m', (req, res, next) => { throw new Error('in router middleware'); });
app.use('/api', router);
app.get('/eh', (req, res) => { throw new Error('first'); });
app.param('id', (req, res, next, id) => { if (id === 'bad') throw new Error('in param'); next(); });
app.get('/p/:id', (req, res) => res.send('ok ' + req.params.id));
app.get('/async', async (req, res) => { throw new Error('async throw'); });
app.get('/next', (req, res, next) => next(new Error('via next')));
app.use((err, req, res, next) => { if (req.path === '/eh') throw new Error('in error handler'); next(err); });
app.listen(3000, () => console.log('listening'));
"#,
     r#"{}"#,
     "4.21.2",
     r#"[["GET","/mw",{},""],["GET","/api/r",{},""],["GET","/api/m",{},""],["GET","/eh",{},""],["GET","/p/bad",{},""],["GET","/next",{},""]]"#,
     r#"["HTTP/1.1 500 Internal Server Error\nX-Powered-By: Express\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 983\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Error: in middleware<br> &nbsp; &nbsp;at /app/index.js:4:44<br> &nbsp; &nbsp;at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)<br> &nbsp; &nbsp;at trim_prefix (/app/node_modules/express/lib/router/index.js:328:13)<br> &nbsp; &nbsp;at /app/node_modules/express/lib/router/index.js:286:9<br> &nbsp; &nbsp;at Function.process_params (/app/node_modules/express/lib/router/index.js:346:12)<br> &nbsp; &nbsp;at next (/app/node_modules/express/lib/router/index.js:280:10)<br> &nbsp; &nbsp;at expressInit (/app/node_modules/express/lib/middleware/init.js:40:5)<br> &nbsp; &nbsp;at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)<br> &nbsp; &nbsp;at trim_prefix (/app/node_modules/express/lib/router/index.js:328:13)<br> &nbsp; &nbsp;at /app/node_modules/express/lib/router/index.js:286:9</pre>\n</body>\n</html>\n", "HTTP/1.1 500 Internal Server Error\nX-Powered-By: Express\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 992\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Error: in router route<br> &nbsp; &nbsp;at /app/index.js:5:40<br> &nbsp; &nbsp;at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)<br> &nbsp; &nbsp;at next (/app/node_modules/express/lib/router/route.js:149:13)<br> &nbsp; &nbsp;at Route.dispatch (/app/node_modules/express/lib/router/route.js:119:3)<br> &nbsp; &nbsp;at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)<br> &nbsp; &nbsp;at /app/node_modules/express/lib/router/index.js:284:15<br> &nbsp; &nbsp;at Function.process_params (/app/node_modules/express/lib/router/index.js:346:12)<br> &nbsp; &nbsp;at next (/app/node_modules/express/lib/router/index.js:280:10)<br> &nbsp; &nbsp;at Function.handle (/app/node_modules/express/lib/router/index.js:175:3)<br> &nbsp; &nbsp;at router (/app/node_modules/express/lib/router/index.js:47:12)</pre>\n</body>\n</html>\n", "HTTP/1.1 500 Internal Server Error\nX-Powered-By: Express\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 1001\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Error: in router middleware<br> &nbsp; &nbsp;at /app/index.js:6:46<br> &nbsp; &nbsp;at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)<br> &nbsp; &nbsp;at trim_prefix (/app/node_modules/express/lib/router/index.js:328:13)<br> &nbsp; &nbsp;at /app/node_modules/express/lib/router/index.js:286:9<br> &nbsp; &nbsp;at Function.process_params (/app/node_modules/express/lib/router/index.js:346:12)<br> &nbsp; &nbsp;at next (/app/node_modules/express/lib/router/index.js:280:10)<br> &nbsp; &nbsp;at Function.handle (/app/node_modules/express/lib/router/index.js:175:3)<br> &nbsp; &nbsp;at router (/app/node_modules/express/lib/router/index.js:47:12)<br> &nbsp; &nbsp;at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)<br> &nbsp; &nbsp;at trim_prefix (/app/node_modules/express/lib/router/index.js:328:13)</pre>\n</body>\n</html>\n", "HTTP/1.1 500 Internal Server Error\nX-Powered-By: Express\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 975\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Error: in error handler<br> &nbsp; &nbsp;at /app/index.js:13:66<br> &nbsp; &nbsp;at Layer.handle_error (/app/node_modules/express/lib/router/layer.js:71:5)<br> &nbsp; &nbsp;at trim_prefix (/app/node_modules/express/lib/router/index.js:326:13)<br> &nbsp; &nbsp;at /app/node_modules/express/lib/router/index.js:286:9<br> &nbsp; &nbsp;at Function.process_params (/app/node_modules/express/lib/router/index.js:346:12)<br> &nbsp; &nbsp;at next (/app/node_modules/express/lib/router/index.js:280:10)<br> &nbsp; &nbsp;at next (/app/node_modules/express/lib/router/route.js:141:14)<br> &nbsp; &nbsp;at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:97:5)<br> &nbsp; &nbsp;at next (/app/node_modules/express/lib/router/route.js:149:13)<br> &nbsp; &nbsp;at Route.dispatch (/app/node_modules/express/lib/router/route.js:119:3)</pre>\n</body>\n</html>\n", "HTTP/1.1 500 Internal Server Error\nX-Powered-By: Express\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 979\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Error: in param<br> &nbsp; &nbsp;at /app/index.js:9:67<br> &nbsp; &nbsp;at paramCallback (/app/node_modules/express/lib/router/index.js:415:7)<br> &nbsp; &nbsp;at param (/app/node_modules/express/lib/router/index.js:395:5)<br> &nbsp; &nbsp;at Function.process_params (/app/node_modules/express/lib/router/index.js:421:3)<br> &nbsp; &nbsp;at next (/app/node_modules/express/lib/router/index.js:280:10)<br> &nbsp; &nbsp;at expressInit (/app/node_modules/express/lib/middleware/init.js:40:5)<br> &nbsp; &nbsp;at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)<br> &nbsp; &nbsp;at trim_prefix (/app/node_modules/express/lib/router/index.js:328:13)<br> &nbsp; &nbsp;at /app/node_modules/express/lib/router/index.js:286:9<br> &nbsp; &nbsp;at Function.process_params (/app/node_modules/express/lib/router/index.js:346:12)</pre>\n</body>\n</html>\n", "HTTP/1.1 500 Internal Server Error\nX-Powered-By: Express\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 1009\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Error: via next<br> &nbsp; &nbsp;at /app/index.js:12:43<br> &nbsp; &nbsp;at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)<br> &nbsp; &nbsp;at next (/app/node_modules/express/lib/router/route.js:149:13)<br> &nbsp; &nbsp;at Route.dispatch (/app/node_modules/express/lib/router/route.js:119:3)<br> &nbsp; &nbsp;at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)<br> &nbsp; &nbsp;at /app/node_modules/express/lib/router/index.js:284:15<br> &nbsp; &nbsp;at Function.process_params (/app/node_modules/express/lib/router/index.js:346:12)<br> &nbsp; &nbsp;at next (/app/node_modules/express/lib/router/index.js:280:10)<br> &nbsp; &nbsp;at expressInit (/app/node_modules/express/lib/middleware/init.js:40:5)<br> &nbsp; &nbsp;at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)</pre>\n</body>\n</html>\n"]"#,
     r#"listening
"#,
     r#"Error: in middleware
    at /app/index.js:4:44
    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)
    at trim_prefix (/app/node_modules/express/lib/router/index.js:328:13)
    at /app/node_modules/express/lib/router/index.js:286:9
    at Function.process_params (/app/node_modules/express/lib/router/index.js:346:12)
    at next (/app/node_modules/express/lib/router/index.js:280:10)
    at expressInit (/app/node_modules/express/lib/middleware/init.js:40:5)
    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)
    at trim_prefix (/app/node_modules/express/lib/router/index.js:328:13)
    at /app/node_modules/express/lib/router/index.js:286:9
Error: in router route
    at /app/index.js:5:40
    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)
    at next (/app/node_modules/express/lib/router/route.js:149:13)
    at Route.dispatch (/app/node_modules/express/lib/router/route.js:119:3)
    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)
    at /app/node_modules/express/lib/router/index.js:284:15
    at Function.process_params (/app/node_modules/express/lib/router/index.js:346:12)
    at next (/app/node_modules/express/lib/router/index.js:280:10)
    at Function.handle (/app/node_modules/express/lib/router/index.js:175:3)
    at router (/app/node_modules/express/lib/router/index.js:47:12)
Error: in router middleware
    at /app/index.js:6:46
    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)
    at trim_prefix (/app/node_modules/express/lib/router/index.js:328:13)
    at /app/node_modules/express/lib/router/index.js:286:9
    at Function.process_params (/app/node_modules/express/lib/router/index.js:346:12)
    at next (/app/node_modules/express/lib/router/index.js:280:10)
    at Function.handle (/app/node_modules/express/lib/router/index.js:175:3)
    at router (/app/node_modules/express/lib/router/index.js:47:12)
    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)
    at trim_prefix (/app/node_modules/express/lib/router/index.js:328:13)
Error: in error handler
    at /app/index.js:13:66
    at Layer.handle_error (/app/node_modules/express/lib/router/layer.js:71:5)
    at trim_prefix (/app/node_modules/express/lib/router/index.js:326:13)
    at /app/node_modules/express/lib/router/index.js:286:9
    at Function.process_params (/app/node_modules/express/lib/router/index.js:346:12)
    at next (/app/node_modules/express/lib/router/index.js:280:10)
    at next (/app/node_modules/express/lib/router/route.js:141:14)
    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:97:5)
    at next (/app/node_modules/express/lib/router/route.js:149:13)
    at Route.dispatch (/app/node_modules/express/lib/router/route.js:119:3)
Error: in param
    at /app/index.js:9:67
    at paramCallback (/app/node_modules/express/lib/router/index.js:415:7)
    at param (/app/node_modules/express/lib/router/index.js:395:5)
    at Function.process_params (/app/node_modules/express/lib/router/index.js:421:3)
    at next (/app/node_modules/express/lib/router/index.js:280:10)
    at expressInit (/app/node_modules/express/lib/middleware/init.js:40:5)
    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)
    at trim_prefix (/app/node_modules/express/lib/router/index.js:328:13)
    at /app/node_modules/express/lib/router/index.js:286:9
    at Function.process_params (/app/node_modules/express/lib/router/index.js:346:12)
Error: via next
    at /app/index.js:12:43
    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)
    at next (/app/node_modules/express/lib/router/route.js:149:13)
    at Route.dispatch (/app/node_modules/express/lib/router/route.js:119:3)
    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)
    at /app/node_modules/express/lib/router/index.js:284:15
    at Function.process_params (/app/node_modules/express/lib/router/index.js:346:12)
    at next (/app/node_modules/express/lib/router/index.js:280:10)
    at expressInit (/app/node_modules/express/lib/middleware/init.js:40:5)
    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)
"#),
    // app6.js, Express 5.1.0
    (r#"const express = require('express');
const app = express();
const router = express.Router();
app.use('/mw', (req, res, next) => { throw new Error('in middleware'); });
router.get('/r', (req, res) => { throw new Error('in router route'); });
router.use('/m', (req, res, next) => { throw new Error('in router middleware'); });
app.use('/api', router);
app.get('/eh', (req, res) => { throw new Error('first'); });
app.param('id', (req, res, next, id) => { if (id === 'bad') throw new Error('in param'); next(); });
app.get('/p/:id', (req, res) => res.send('ok ' + req.params.id));
app.get('/async', async (req, res) => { throw new Error('async throw'); });
app.get('/next', (req, res, next) => next(new Error('via next')));
app.use((err, req, res, next) => { if (req.path === '/eh') throw new Error('in error handler'); next(err); });
app.listen(3000, () => console.log('listening'));
"#,
     r#"{}"#,
     "5.1.0",
     r#"[["GET","/mw",{},""],["GET","/api/r",{},""],["GET","/api/m",{},""],["GET","/eh",{},""],["GET","/p/bad",{},""],["GET","/next",{},""]]"#,
     r#"["HTTP/1.1 500 Internal Server Error\nX-Powered-By: Express\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 851\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Error: in middleware<br> &nbsp; &nbsp;at /app/index.js:4:44<br> &nbsp; &nbsp;at Layer.handleRequest (/app/node_modules/router/lib/layer.js:169:33)<br> &nbsp; &nbsp;at trimPrefix (/app/node_modules/router/index.js:356:13)<br> &nbsp; &nbsp;at /app/node_modules/router/index.js:311:9<br> &nbsp; &nbsp;at processParams (/app/node_modules/router/index.js:619:12)<br> &nbsp; &nbsp;at next (/app/node_modules/router/index.js:305:5)<br> &nbsp; &nbsp;at Function.handle (/app/node_modules/router/index.js:187:3)<br> &nbsp; &nbsp;at Function.handle (/app/node_modules/express/lib/application.js:177:15)<br> &nbsp; &nbsp;at Server.app (/app/node_modules/express/lib/express.js:38:9)<br> &nbsp; &nbsp;at Server.emit (node:events:524:28)</pre>\n</body>\n</html>\n", "HTTP/1.1 500 Internal Server Error\nX-Powered-By: Express\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 868\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Error: in router route<br> &nbsp; &nbsp;at /app/index.js:5:40<br> &nbsp; &nbsp;at Layer.handleRequest (/app/node_modules/router/lib/layer.js:169:33)<br> &nbsp; &nbsp;at next (/app/node_modules/router/lib/route.js:163:13)<br> &nbsp; &nbsp;at Route.dispatch (/app/node_modules/router/lib/route.js:123:3)<br> &nbsp; &nbsp;at handle (/app/node_modules/router/index.js:449:11)<br> &nbsp; &nbsp;at Layer.handleRequest (/app/node_modules/router/lib/layer.js:169:33)<br> &nbsp; &nbsp;at /app/node_modules/router/index.js:309:15<br> &nbsp; &nbsp;at processParams (/app/node_modules/router/index.js:619:12)<br> &nbsp; &nbsp;at next (/app/node_modules/router/index.js:305:5)<br> &nbsp; &nbsp;at Function.handle (/app/node_modules/router/index.js:187:3)</pre>\n</body>\n</html>\n", "HTTP/1.1 500 Internal Server Error\nX-Powered-By: Express\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 866\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Error: in router middleware<br> &nbsp; &nbsp;at /app/index.js:6:46<br> &nbsp; &nbsp;at Layer.handleRequest (/app/node_modules/router/lib/layer.js:169:33)<br> &nbsp; &nbsp;at trimPrefix (/app/node_modules/router/index.js:356:13)<br> &nbsp; &nbsp;at /app/node_modules/router/index.js:311:9<br> &nbsp; &nbsp;at processParams (/app/node_modules/router/index.js:619:12)<br> &nbsp; &nbsp;at next (/app/node_modules/router/index.js:305:5)<br> &nbsp; &nbsp;at Function.handle (/app/node_modules/router/index.js:187:3)<br> &nbsp; &nbsp;at router (/app/node_modules/router/index.js:61:12)<br> &nbsp; &nbsp;at Layer.handleRequest (/app/node_modules/router/lib/layer.js:169:33)<br> &nbsp; &nbsp;at trimPrefix (/app/node_modules/router/index.js:356:13)</pre>\n</body>\n</html>\n", "HTTP/1.1 500 Internal Server Error\nX-Powered-By: Express\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 864\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Error: in error handler<br> &nbsp; &nbsp;at /app/index.js:13:66<br> &nbsp; &nbsp;at Layer.handleError (/app/node_modules/router/lib/layer.js:118:33)<br> &nbsp; &nbsp;at trimPrefix (/app/node_modules/router/index.js:354:13)<br> &nbsp; &nbsp;at /app/node_modules/router/index.js:311:9<br> &nbsp; &nbsp;at processParams (/app/node_modules/router/index.js:619:12)<br> &nbsp; &nbsp;at next (/app/node_modules/router/index.js:305:5)<br> &nbsp; &nbsp;at next (/app/node_modules/router/lib/route.js:138:14)<br> &nbsp; &nbsp;at Layer.handleRequest (/app/node_modules/router/lib/layer.js:178:7)<br> &nbsp; &nbsp;at next (/app/node_modules/router/lib/route.js:163:13)<br> &nbsp; &nbsp;at Route.dispatch (/app/node_modules/router/lib/route.js:123:3)</pre>\n</body>\n</html>\n", "HTTP/1.1 500 Internal Server Error\nX-Powered-By: Express\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 844\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Error: in param<br> &nbsp; &nbsp;at /app/index.js:9:67<br> &nbsp; &nbsp;at callParam (/app/node_modules/router/lib/param.js:18:17)<br> &nbsp; &nbsp;at paramCallback (/app/node_modules/router/index.js:697:5)<br> &nbsp; &nbsp;at param (/app/node_modules/router/index.js:666:5)<br> &nbsp; &nbsp;at processParams (/app/node_modules/router/index.js:700:3)<br> &nbsp; &nbsp;at next (/app/node_modules/router/index.js:305:5)<br> &nbsp; &nbsp;at Function.handle (/app/node_modules/router/index.js:187:3)<br> &nbsp; &nbsp;at Function.handle (/app/node_modules/express/lib/application.js:177:15)<br> &nbsp; &nbsp;at Server.app (/app/node_modules/express/lib/express.js:38:9)<br> &nbsp; &nbsp;at Server.emit (node:events:524:28)</pre>\n</body>\n</html>\n", "HTTP/1.1 500 Internal Server Error\nX-Powered-By: Express\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 862\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Error: via next<br> &nbsp; &nbsp;at /app/index.js:12:43<br> &nbsp; &nbsp;at Layer.handleRequest (/app/node_modules/router/lib/layer.js:169:33)<br> &nbsp; &nbsp;at next (/app/node_modules/router/lib/route.js:163:13)<br> &nbsp; &nbsp;at Route.dispatch (/app/node_modules/router/lib/route.js:123:3)<br> &nbsp; &nbsp;at handle (/app/node_modules/router/index.js:449:11)<br> &nbsp; &nbsp;at Layer.handleRequest (/app/node_modules/router/lib/layer.js:169:33)<br> &nbsp; &nbsp;at /app/node_modules/router/index.js:309:15<br> &nbsp; &nbsp;at processParams (/app/node_modules/router/index.js:619:12)<br> &nbsp; &nbsp;at next (/app/node_modules/router/index.js:305:5)<br> &nbsp; &nbsp;at Function.handle (/app/node_modules/router/index.js:187:3)</pre>\n</body>\n</html>\n"]"#,
     r#"listening
"#,
     r#"Error: in middleware
    at /app/index.js:4:44
    at Layer.handleRequest (/app/node_modules/router/lib/layer.js:169:33)
    at trimPrefix (/app/node_modules/router/index.js:356:13)
    at /app/node_modules/router/index.js:311:9
    at processParams (/app/node_modules/router/index.js:619:12)
    at next (/app/node_modules/router/index.js:305:5)
    at Function.handle (/app/node_modules/router/index.js:187:3)
    at Function.handle (/app/node_modules/express/lib/application.js:177:15)
    at Server.app (/app/node_modules/express/lib/express.js:38:9)
    at Server.emit (node:events:524:28)
Error: in router route
    at /app/index.js:5:40
    at Layer.handleRequest (/app/node_modules/router/lib/layer.js:169:33)
    at next (/app/node_modules/router/lib/route.js:163:13)
    at Route.dispatch (/app/node_modules/router/lib/route.js:123:3)
    at handle (/app/node_modules/router/index.js:449:11)
    at Layer.handleRequest (/app/node_modules/router/lib/layer.js:169:33)
    at /app/node_modules/router/index.js:309:15
    at processParams (/app/node_modules/router/index.js:619:12)
    at next (/app/node_modules/router/index.js:305:5)
    at Function.handle (/app/node_modules/router/index.js:187:3)
Error: in router middleware
    at /app/index.js:6:46
    at Layer.handleRequest (/app/node_modules/router/lib/layer.js:169:33)
    at trimPrefix (/app/node_modules/router/index.js:356:13)
    at /app/node_modules/router/index.js:311:9
    at processParams (/app/node_modules/router/index.js:619:12)
    at next (/app/node_modules/router/index.js:305:5)
    at Function.handle (/app/node_modules/router/index.js:187:3)
    at router (/app/node_modules/router/index.js:61:12)
    at Layer.handleRequest (/app/node_modules/router/lib/layer.js:169:33)
    at trimPrefix (/app/node_modules/router/index.js:356:13)
Error: in error handler
    at /app/index.js:13:66
    at Layer.handleError (/app/node_modules/router/lib/layer.js:118:33)
    at trimPrefix (/app/node_modules/router/index.js:354:13)
    at /app/node_modules/router/index.js:311:9
    at processParams (/app/node_modules/router/index.js:619:12)
    at next (/app/node_modules/router/index.js:305:5)
    at next (/app/node_modules/router/lib/route.js:138:14)
    at Layer.handleRequest (/app/node_modules/router/lib/layer.js:178:7)
    at next (/app/node_modules/router/lib/route.js:163:13)
    at Route.dispatch (/app/node_modules/router/lib/route.js:123:3)
Error: in param
    at /app/index.js:9:67
    at callParam (/app/node_modules/router/lib/param.js:18:17)
    at paramCallback (/app/node_modules/router/index.js:697:5)
    at param (/app/node_modules/router/index.js:666:5)
    at processParams (/app/node_modules/router/index.js:700:3)
    at next (/app/node_modules/router/index.js:305:5)
    at Function.handle (/app/node_modules/router/index.js:187:3)
    at Function.handle (/app/node_modules/express/lib/application.js:177:15)
    at Server.app (/app/node_modules/express/lib/express.js:38:9)
    at Server.emit (node:events:524:28)
Error: via next
    at /app/index.js:12:43
    at Layer.handleRequest (/app/node_modules/router/lib/layer.js:169:33)
    at next (/app/node_modules/router/lib/route.js:163:13)
    at Route.dispatch (/app/node_modules/router/lib/route.js:123:3)
    at handle (/app/node_modules/router/index.js:449:11)
    at Layer.handleRequest (/app/node_modules/router/lib/layer.js:169:33)
    at /app/node_modules/router/index.js:309:15
    at processParams (/app/node_modules/router/index.js:619:12)
    at next (/app/node_modules/router/index.js:305:5)
    at Function.handle (/app/node_modules/router/index.js:187:3)
"#),
    // bp.js, Express 4.21.2
    (r#"const express = require('express');
const app = express();
app.use(express.json());
app.post('/echo', (req, res) => res.json(req.body));
app.listen(3000, () => console.log('listening'));
"#,
     r#"{}"#,
     "4.21.2",
     r#"[["POST","/echo",{"Content-Type":"application/json"},"{bad json"],["POST","/echo",{"Content-Type":"application/json"},"x"],["POST","/echo",{"Content-Type":"application/json"},"  \"str\""],["POST","/echo",{"Content-Type":"application/json"},""],["POST","/echo",{"Content-Type":"application/json"},"{\"ok\":[1,{\"a\":null}]}"],["POST","/echo",{"Content-Type":"application/json; charset=utf-8"},"[1,2"]]"#,
     r#"["HTTP/1.1 400 Bad Request\nX-Powered-By: Express\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 944\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>SyntaxError: Expected property name or &#39;}&#39; in JSON at position 1<br> &nbsp; &nbsp;at JSON.parse (&lt;anonymous&gt;)<br> &nbsp; &nbsp;at parse (/app/node_modules/body-parser/lib/types/json.js:92:19)<br> &nbsp; &nbsp;at /app/node_modules/body-parser/lib/read.js:128:18<br> &nbsp; &nbsp;at AsyncResource.runInAsyncScope (node:async_hooks:206:9)<br> &nbsp; &nbsp;at invokeCallback (/app/node_modules/raw-body/index.js:238:16)<br> &nbsp; &nbsp;at done (/app/node_modules/raw-body/index.js:227:7)<br> &nbsp; &nbsp;at IncomingMessage.onEnd (/app/node_modules/raw-body/index.js:287:7)<br> &nbsp; &nbsp;at IncomingMessage.emit (node:events:524:28)<br> &nbsp; &nbsp;at endReadableNT (node:internal/streams/readable:1698:12)<br> &nbsp; &nbsp;at process.processTicksAndRejections (node:internal/process/task_queues:82:21)</pre>\n</body>\n</html>\n", "HTTP/1.1 400 Bad Request\nX-Powered-By: Express\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 951\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>SyntaxError: Unexpected token &#39;x&#39;, &quot;x&quot; is not valid JSON<br> &nbsp; &nbsp;at JSON.parse (&lt;anonymous&gt;)<br> &nbsp; &nbsp;at createStrictSyntaxError (/app/node_modules/body-parser/lib/types/json.js:169:10)<br> &nbsp; &nbsp;at parse (/app/node_modules/body-parser/lib/types/json.js:86:15)<br> &nbsp; &nbsp;at /app/node_modules/body-parser/lib/read.js:128:18<br> &nbsp; &nbsp;at AsyncResource.runInAsyncScope (node:async_hooks:206:9)<br> &nbsp; &nbsp;at invokeCallback (/app/node_modules/raw-body/index.js:238:16)<br> &nbsp; &nbsp;at done (/app/node_modules/raw-body/index.js:227:7)<br> &nbsp; &nbsp;at IncomingMessage.onEnd (/app/node_modules/raw-body/index.js:287:7)<br> &nbsp; &nbsp;at IncomingMessage.emit (node:events:524:28)<br> &nbsp; &nbsp;at endReadableNT (node:internal/streams/readable:1698:12)</pre>\n</body>\n</html>\n", "HTTP/1.1 400 Bad Request\nX-Powered-By: Express\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 977\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>SyntaxError: Unexpected token &#39;&quot;&#39;, &quot; &nbsp;&quot;str&quot;&quot; is not valid JSON<br> &nbsp; &nbsp;at JSON.parse (&lt;anonymous&gt;)<br> &nbsp; &nbsp;at createStrictSyntaxError (/app/node_modules/body-parser/lib/types/json.js:169:10)<br> &nbsp; &nbsp;at parse (/app/node_modules/body-parser/lib/types/json.js:86:15)<br> &nbsp; &nbsp;at /app/node_modules/body-parser/lib/read.js:128:18<br> &nbsp; &nbsp;at AsyncResource.runInAsyncScope (node:async_hooks:206:9)<br> &nbsp; &nbsp;at invokeCallback (/app/node_modules/raw-body/index.js:238:16)<br> &nbsp; &nbsp;at done (/app/node_modules/raw-body/index.js:227:7)<br> &nbsp; &nbsp;at IncomingMessage.onEnd (/app/node_modules/raw-body/index.js:287:7)<br> &nbsp; &nbsp;at IncomingMessage.emit (node:events:524:28)<br> &nbsp; &nbsp;at endReadableNT (node:internal/streams/readable:1698:12)</pre>\n</body>\n</html>\n", "HTTP/1.1 200 OK\nX-Powered-By: Express\nContent-Type: application/json; charset=utf-8\nContent-Length: 2\nETag: W/\"2-vyGp6PvFo4RvsFtPoIWeCReyIC8\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n{}", "HTTP/1.1 200 OK\nX-Powered-By: Express\nContent-Type: application/json; charset=utf-8\nContent-Length: 21\nETag: W/\"15-AuU12LMiDPsrwRamckMOzn+9aHM\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n{\"ok\":[1,{\"a\":null}]}", "HTTP/1.1 400 Bad Request\nX-Powered-By: Express\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 962\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>SyntaxError: Expected &#39;,&#39; or &#39;]&#39; after array element in JSON at position 4<br> &nbsp; &nbsp;at JSON.parse (&lt;anonymous&gt;)<br> &nbsp; &nbsp;at parse (/app/node_modules/body-parser/lib/types/json.js:92:19)<br> &nbsp; &nbsp;at /app/node_modules/body-parser/lib/read.js:128:18<br> &nbsp; &nbsp;at AsyncResource.runInAsyncScope (node:async_hooks:206:9)<br> &nbsp; &nbsp;at invokeCallback (/app/node_modules/raw-body/index.js:238:16)<br> &nbsp; &nbsp;at done (/app/node_modules/raw-body/index.js:227:7)<br> &nbsp; &nbsp;at IncomingMessage.onEnd (/app/node_modules/raw-body/index.js:287:7)<br> &nbsp; &nbsp;at IncomingMessage.emit (node:events:524:28)<br> &nbsp; &nbsp;at endReadableNT (node:internal/streams/readable:1698:12)<br> &nbsp; &nbsp;at process.processTicksAndRejections (node:internal/process/task_queues:82:21)</pre>\n</body>\n</html>\n"]"#,
     r#"listening
"#,
     r#"SyntaxError: Expected property name or '}' in JSON at position 1
    at JSON.parse (<anonymous>)
    at parse (/app/node_modules/body-parser/lib/types/json.js:92:19)
    at /app/node_modules/body-parser/lib/read.js:128:18
    at AsyncResource.runInAsyncScope (node:async_hooks:206:9)
    at invokeCallback (/app/node_modules/raw-body/index.js:238:16)
    at done (/app/node_modules/raw-body/index.js:227:7)
    at IncomingMessage.onEnd (/app/node_modules/raw-body/index.js:287:7)
    at IncomingMessage.emit (node:events:524:28)
    at endReadableNT (node:internal/streams/readable:1698:12)
    at process.processTicksAndRejections (node:internal/process/task_queues:82:21)
SyntaxError: Unexpected token 'x', "x" is not valid JSON
    at JSON.parse (<anonymous>)
    at createStrictSyntaxError (/app/node_modules/body-parser/lib/types/json.js:169:10)
    at parse (/app/node_modules/body-parser/lib/types/json.js:86:15)
    at /app/node_modules/body-parser/lib/read.js:128:18
    at AsyncResource.runInAsyncScope (node:async_hooks:206:9)
    at invokeCallback (/app/node_modules/raw-body/index.js:238:16)
    at done (/app/node_modules/raw-body/index.js:227:7)
    at IncomingMessage.onEnd (/app/node_modules/raw-body/index.js:287:7)
    at IncomingMessage.emit (node:events:524:28)
    at endReadableNT (node:internal/streams/readable:1698:12)
SyntaxError: Unexpected token '"', "  "str"" is not valid JSON
    at JSON.parse (<anonymous>)
    at createStrictSyntaxError (/app/node_modules/body-parser/lib/types/json.js:169:10)
    at parse (/app/node_modules/body-parser/lib/types/json.js:86:15)
    at /app/node_modules/body-parser/lib/read.js:128:18
    at AsyncResource.runInAsyncScope (node:async_hooks:206:9)
    at invokeCallback (/app/node_modules/raw-body/index.js:238:16)
    at done (/app/node_modules/raw-body/index.js:227:7)
    at IncomingMessage.onEnd (/app/node_modules/raw-body/index.js:287:7)
    at IncomingMessage.emit (node:events:524:28)
    at endReadableNT (node:internal/streams/readable:1698:12)
SyntaxError: Expected ',' or ']' after array element in JSON at position 4
    at JSON.parse (<anonymous>)
    at parse (/app/node_modules/body-parser/lib/types/json.js:92:19)
    at /app/node_modules/body-parser/lib/read.js:128:18
    at AsyncResource.runInAsyncScope (node:async_hooks:206:9)
    at invokeCallback (/app/node_modules/raw-body/index.js:238:16)
    at done (/app/node_modules/raw-body/index.js:227:7)
    at IncomingMessage.onEnd (/app/node_modules/raw-body/index.js:287:7)
    at IncomingMessage.emit (node:events:524:28)
    at endReadableNT (node:internal/streams/readable:1698:12)
    at process.processTicksAndRejections (node:internal/process/task_queues:82:21)
"#),
    // bp.js, Express 5.1.0
    (r#"const express = require('express');
const app = express();
app.use(express.json());
app.post('/echo', (req, res) => res.json(req.body));
app.listen(3000, () => console.log('listening'));
"#,
     r#"{}"#,
     "5.1.0",
     r#"[["POST","/echo",{"Content-Type":"application/json"},"{bad json"],["POST","/echo",{"Content-Type":"application/json"},"x"],["POST","/echo",{"Content-Type":"application/json"},"  \"str\""],["POST","/echo",{"Content-Type":"application/json"},""],["POST","/echo",{"Content-Type":"application/json"},"{\"ok\":[1,{\"a\":null}]}"],["POST","/echo",{"Content-Type":"application/json; charset=utf-8"},"[1,2"]]"#,
     r#"["HTTP/1.1 400 Bad Request\nX-Powered-By: Express\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 944\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>SyntaxError: Expected property name or &#39;}&#39; in JSON at position 1<br> &nbsp; &nbsp;at JSON.parse (&lt;anonymous&gt;)<br> &nbsp; &nbsp;at parse (/app/node_modules/body-parser/lib/types/json.js:93:21)<br> &nbsp; &nbsp;at /app/node_modules/body-parser/lib/read.js:194:18<br> &nbsp; &nbsp;at AsyncResource.runInAsyncScope (node:async_hooks:206:9)<br> &nbsp; &nbsp;at invokeCallback (/app/node_modules/raw-body/index.js:238:16)<br> &nbsp; &nbsp;at done (/app/node_modules/raw-body/index.js:227:7)<br> &nbsp; &nbsp;at IncomingMessage.onEnd (/app/node_modules/raw-body/index.js:287:7)<br> &nbsp; &nbsp;at IncomingMessage.emit (node:events:524:28)<br> &nbsp; &nbsp;at endReadableNT (node:internal/streams/readable:1698:12)<br> &nbsp; &nbsp;at process.processTicksAndRejections (node:internal/process/task_queues:82:21)</pre>\n</body>\n</html>\n", "HTTP/1.1 400 Bad Request\nX-Powered-By: Express\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 951\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>SyntaxError: Unexpected token &#39;x&#39;, &quot;x&quot; is not valid JSON<br> &nbsp; &nbsp;at JSON.parse (&lt;anonymous&gt;)<br> &nbsp; &nbsp;at createStrictSyntaxError (/app/node_modules/body-parser/lib/types/json.js:139:10)<br> &nbsp; &nbsp;at parse (/app/node_modules/body-parser/lib/types/json.js:87:17)<br> &nbsp; &nbsp;at /app/node_modules/body-parser/lib/read.js:194:18<br> &nbsp; &nbsp;at AsyncResource.runInAsyncScope (node:async_hooks:206:9)<br> &nbsp; &nbsp;at invokeCallback (/app/node_modules/raw-body/index.js:238:16)<br> &nbsp; &nbsp;at done (/app/node_modules/raw-body/index.js:227:7)<br> &nbsp; &nbsp;at IncomingMessage.onEnd (/app/node_modules/raw-body/index.js:287:7)<br> &nbsp; &nbsp;at IncomingMessage.emit (node:events:524:28)<br> &nbsp; &nbsp;at endReadableNT (node:internal/streams/readable:1698:12)</pre>\n</body>\n</html>\n", "HTTP/1.1 400 Bad Request\nX-Powered-By: Express\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 977\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>SyntaxError: Unexpected token &#39;&quot;&#39;, &quot; &nbsp;&quot;str&quot;&quot; is not valid JSON<br> &nbsp; &nbsp;at JSON.parse (&lt;anonymous&gt;)<br> &nbsp; &nbsp;at createStrictSyntaxError (/app/node_modules/body-parser/lib/types/json.js:139:10)<br> &nbsp; &nbsp;at parse (/app/node_modules/body-parser/lib/types/json.js:87:17)<br> &nbsp; &nbsp;at /app/node_modules/body-parser/lib/read.js:194:18<br> &nbsp; &nbsp;at AsyncResource.runInAsyncScope (node:async_hooks:206:9)<br> &nbsp; &nbsp;at invokeCallback (/app/node_modules/raw-body/index.js:238:16)<br> &nbsp; &nbsp;at done (/app/node_modules/raw-body/index.js:227:7)<br> &nbsp; &nbsp;at IncomingMessage.onEnd (/app/node_modules/raw-body/index.js:287:7)<br> &nbsp; &nbsp;at IncomingMessage.emit (node:events:524:28)<br> &nbsp; &nbsp;at endReadableNT (node:internal/streams/readable:1698:12)</pre>\n</body>\n</html>\n", "HTTP/1.1 200 OK\nX-Powered-By: Express\nContent-Type: application/json; charset=utf-8\nContent-Length: 2\nETag: W/\"2-vyGp6PvFo4RvsFtPoIWeCReyIC8\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n{}", "HTTP/1.1 200 OK\nX-Powered-By: Express\nContent-Type: application/json; charset=utf-8\nContent-Length: 21\nETag: W/\"15-AuU12LMiDPsrwRamckMOzn+9aHM\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n{\"ok\":[1,{\"a\":null}]}", "HTTP/1.1 400 Bad Request\nX-Powered-By: Express\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 962\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>SyntaxError: Expected &#39;,&#39; or &#39;]&#39; after array element in JSON at position 4<br> &nbsp; &nbsp;at JSON.parse (&lt;anonymous&gt;)<br> &nbsp; &nbsp;at parse (/app/node_modules/body-parser/lib/types/json.js:93:21)<br> &nbsp; &nbsp;at /app/node_modules/body-parser/lib/read.js:194:18<br> &nbsp; &nbsp;at AsyncResource.runInAsyncScope (node:async_hooks:206:9)<br> &nbsp; &nbsp;at invokeCallback (/app/node_modules/raw-body/index.js:238:16)<br> &nbsp; &nbsp;at done (/app/node_modules/raw-body/index.js:227:7)<br> &nbsp; &nbsp;at IncomingMessage.onEnd (/app/node_modules/raw-body/index.js:287:7)<br> &nbsp; &nbsp;at IncomingMessage.emit (node:events:524:28)<br> &nbsp; &nbsp;at endReadableNT (node:internal/streams/readable:1698:12)<br> &nbsp; &nbsp;at process.processTicksAndRejections (node:internal/process/task_queues:82:21)</pre>\n</body>\n</html>\n"]"#,
     r#"listening
"#,
     r#"SyntaxError: Expected property name or '}' in JSON at position 1
    at JSON.parse (<anonymous>)
    at parse (/app/node_modules/body-parser/lib/types/json.js:93:21)
    at /app/node_modules/body-parser/lib/read.js:194:18
    at AsyncResource.runInAsyncScope (node:async_hooks:206:9)
    at invokeCallback (/app/node_modules/raw-body/index.js:238:16)
    at done (/app/node_modules/raw-body/index.js:227:7)
    at IncomingMessage.onEnd (/app/node_modules/raw-body/index.js:287:7)
    at IncomingMessage.emit (node:events:524:28)
    at endReadableNT (node:internal/streams/readable:1698:12)
    at process.processTicksAndRejections (node:internal/process/task_queues:82:21)
SyntaxError: Unexpected token 'x', "x" is not valid JSON
    at JSON.parse (<anonymous>)
    at createStrictSyntaxError (/app/node_modules/body-parser/lib/types/json.js:139:10)
    at parse (/app/node_modules/body-parser/lib/types/json.js:87:17)
    at /app/node_modules/body-parser/lib/read.js:194:18
    at AsyncResource.runInAsyncScope (node:async_hooks:206:9)
    at invokeCallback (/app/node_modules/raw-body/index.js:238:16)
    at done (/app/node_modules/raw-body/index.js:227:7)
    at IncomingMessage.onEnd (/app/node_modules/raw-body/index.js:287:7)
    at IncomingMessage.emit (node:events:524:28)
    at endReadableNT (node:internal/streams/readable:1698:12)
SyntaxError: Unexpected token '"', "  "str"" is not valid JSON
    at JSON.parse (<anonymous>)
    at createStrictSyntaxError (/app/node_modules/body-parser/lib/types/json.js:139:10)
    at parse (/app/node_modules/body-parser/lib/types/json.js:87:17)
    at /app/node_modules/body-parser/lib/read.js:194:18
    at AsyncResource.runInAsyncScope (node:async_hooks:206:9)
    at invokeCallback (/app/node_modules/raw-body/index.js:238:16)
    at done (/app/node_modules/raw-body/index.js:227:7)
    at IncomingMessage.onEnd (/app/node_modules/raw-body/index.js:287:7)
    at IncomingMessage.emit (node:events:524:28)
    at endReadableNT (node:internal/streams/readable:1698:12)
SyntaxError: Expected ',' or ']' after array element in JSON at position 4
    at JSON.parse (<anonymous>)
    at parse (/app/node_modules/body-parser/lib/types/json.js:93:21)
    at /app/node_modules/body-parser/lib/read.js:194:18
    at AsyncResource.runInAsyncScope (node:async_hooks:206:9)
    at invokeCallback (/app/node_modules/raw-body/index.js:238:16)
    at done (/app/node_modules/raw-body/index.js:227:7)
    at IncomingMessage.onEnd (/app/node_modules/raw-body/index.js:287:7)
    at IncomingMessage.emit (node:events:524:28)
    at endReadableNT (node:internal/streams/readable:1698:12)
    at process.processTicksAndRejections (node:internal/process/task_queues:82:21)
"#),
    // h2.js, Express 4.21.2
    (r#"const http = require('http');
http.createServer((req, res) => {
  let body = '';
  req.on('data', (d) => { body += d; console.log('DATA', new Error('d').stack); });
  req.on('end', () => { console.log('END', new Error('e').stack); res.setHeader('Content-Type', 'text/plain'); res.end('got ' + body); });
}).listen(3000, () => console.log('up'));
"#,
     r#"{}"#,
     "4.21.2",
     r#"[["POST","/",{},"body"],["GET","/x",{},""]]"#,
     r#"["HTTP/1.1 200 OK\nContent-Type: text/plain\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\nContent-Length: 8\n\ngot body", "HTTP/1.1 200 OK\nContent-Type: text/plain\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\nContent-Length: 4\n\ngot "]"#,
     r#"up
DATA Error: d
    at IncomingMessage.<anonymous> (/app/index.js:4:58)
    at IncomingMessage.emit (node:events:524:28)
    at Readable.read (node:internal/streams/readable:782:10)
    at flow (node:internal/streams/readable:1283:53)
    at resume_ (node:internal/streams/readable:1262:3)
    at process.processTicksAndRejections (node:internal/process/task_queues:82:21)
END Error: e
    at IncomingMessage.<anonymous> (/app/index.js:5:44)
    at IncomingMessage.emit (node:events:524:28)
    at endReadableNT (node:internal/streams/readable:1698:12)
    at process.processTicksAndRejections (node:internal/process/task_queues:82:21)
END Error: e
    at IncomingMessage.<anonymous> (/app/index.js:5:44)
    at IncomingMessage.emit (node:events:524:28)
    at endReadableNT (node:internal/streams/readable:1698:12)
    at process.processTicksAndRejections (node:internal/process/task_queues:82:21)
"#,
     r#""#),
    // h3.js, Express 4.21.2
    (r#"const http = require('http');
const server = http.createServer((req, res) => {
  if (req.url === '/') { res.end('plain'); return; }
  if (req.url === '/json') { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify({ ok: true, method: req.method })); return; }
  if (req.url === '/chunks') { res.setHeader('Content-Type', 'text/plain'); res.write('a'); res.write('b'); res.end('c'); return; }
  if (req.url === '/multi') { res.setHeader('Set-Cookie', ['a=1', 'b=2']); res.setHeader('X-Num', 5); res.statusCode = 201; res.statusMessage = 'Made'; res.end(); return; }
  if (req.url === '/buf') { res.end(Buffer.from([104, 105])); return; }
  if (req.url === '/headers') { res.end(JSON.stringify(req.headers)); return; }
  if (req.url.startsWith('/q')) { const u = new URL(req.url, `http://${req.headers.host}`); res.end(u.searchParams.get('x') + ' ' + u.pathname); return; }
  if (req.url === '/throw') { throw new Error('handler crash'); }
  res.writeHead(404, 'Nope', { 'Content-Type': 'text/html' });
  res.end('<h1>404</h1>');
});
server.listen(3000, '0.0.0.0', () => console.log('Server running at http://0.0.0.0:3000/', server.address()));
"#,
     r#"{}"#,
     "4.21.2",
     r#"[["GET","/",{},""],["GET","/json",{},""],["POST","/json",{},""],["GET","/chunks",{},""],["GET","/multi",{},""],["GET","/buf",{},""],["GET","/q?x=42",{},""],["GET","/missing",{},""],["HEAD","/",{},""]]"#,
     r#"["HTTP/1.1 200 OK\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\nContent-Length: 5\n\nplain", "HTTP/1.1 200 OK\nContent-Type: application/json\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\nTransfer-Encoding: chunked\n\n{\"ok\":true,\"method\":\"GET\"}", "HTTP/1.1 200 OK\nContent-Type: application/json\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\nTransfer-Encoding: chunked\n\n{\"ok\":true,\"method\":\"POST\"}", "HTTP/1.1 200 OK\nContent-Type: text/plain\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\nTransfer-Encoding: chunked\n\nabc", "HTTP/1.1 201 Made\nSet-Cookie: a=1\nSet-Cookie: b=2\nX-Num: 5\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\nContent-Length: 0\n\n", "HTTP/1.1 200 OK\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\nContent-Length: 2\n\nhi", "HTTP/1.1 200 OK\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\nContent-Length: 5\n\n42 /q", "HTTP/1.1 404 Nope\nContent-Type: text/html\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\nTransfer-Encoding: chunked\n\n<h1>404</h1>", "HTTP/1.1 200 OK\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n"]"#,
     r#"Server running at http://0.0.0.0:3000/ { address: '0.0.0.0', family: 'IPv4', port: 3000 }
"#,
     r#""#),
    // st.js, Express 4.21.2
    (r#"const express = require('express');
const path = require('path');
const app = express();
app.use(express.static(path.join(__dirname, 'public')));
app.use('/assets', express.static('public', { maxAge: '1d' }));
app.get('/file', (req, res) => res.sendFile(path.join(__dirname, 'public', 'index.html')));
app.get('/dl', (req, res) => res.download(path.join(__dirname, 'public', 'style.css')));
app.listen(3000, () => console.log('static up'));
"#,
     r#"{"/app/public/app.js": "console.log(\"client\");\n", "/app/public/index.html": "<h1>Home</h1>\n<p>static index page</p>\n", "/app/public/style.css": "body { color: red; }\n", "/app/public/sub/index.html": "<p>sub</p>\n"}"#,
     "4.21.2",
     r#"[["GET","/",{},""],["GET","/index.html",{},""],["GET","/style.css",{},""],["GET","/assets/app.js",{},""],["GET","/nope.txt",{},""],["GET","/file",{},""],["GET","/dl",{},""],["GET","/sub",{},""],["GET","/",{"If-None-Match":"W/\"2e-197c5b3d380\""},""],["HEAD","/style.css",{},""]]"#,
     r#"["HTTP/1.1 200 OK\nX-Powered-By: Express\nAccept-Ranges: bytes\nCache-Control: public, max-age=0\nLast-Modified: Tue, 01 Jul 2025 10:00:00 GMT\nETag: W/\"27-197c56dd900\"\nContent-Type: text/html; charset=UTF-8\nContent-Length: 39\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<h1>Home</h1>\n<p>static index page</p>\n", "HTTP/1.1 200 OK\nX-Powered-By: Express\nAccept-Ranges: bytes\nCache-Control: public, max-age=0\nLast-Modified: Tue, 01 Jul 2025 10:00:00 GMT\nETag: W/\"27-197c56dd900\"\nContent-Type: text/html; charset=UTF-8\nContent-Length: 39\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<h1>Home</h1>\n<p>static index page</p>\n", "HTTP/1.1 200 OK\nX-Powered-By: Express\nAccept-Ranges: bytes\nCache-Control: public, max-age=0\nLast-Modified: Tue, 01 Jul 2025 10:00:00 GMT\nETag: W/\"15-197c56dd900\"\nContent-Type: text/css; charset=UTF-8\nContent-Length: 21\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\nbody { color: red; }\n", "HTTP/1.1 200 OK\nX-Powered-By: Express\nAccept-Ranges: bytes\nCache-Control: public, max-age=86400\nLast-Modified: Tue, 01 Jul 2025 10:00:00 GMT\nETag: W/\"17-197c56dd900\"\nContent-Type: application/javascript; charset=UTF-8\nContent-Length: 23\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\nconsole.log(\"client\");\n", "HTTP/1.1 404 Not Found\nX-Powered-By: Express\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 147\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot GET /nope.txt</pre>\n</body>\n</html>\n", "HTTP/1.1 200 OK\nX-Powered-By: Express\nAccept-Ranges: bytes\nCache-Control: public, max-age=0\nLast-Modified: Tue, 01 Jul 2025 10:00:00 GMT\nETag: W/\"27-197c56dd900\"\nContent-Type: text/html; charset=UTF-8\nContent-Length: 39\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<h1>Home</h1>\n<p>static index page</p>\n", "HTTP/1.1 200 OK\nX-Powered-By: Express\nContent-Disposition: attachment; filename=\"style.css\"\nAccept-Ranges: bytes\nCache-Control: public, max-age=0\nLast-Modified: Tue, 01 Jul 2025 10:00:00 GMT\nETag: W/\"15-197c56dd900\"\nContent-Type: text/css; charset=UTF-8\nContent-Length: 21\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\nbody { color: red; }\n", "HTTP/1.1 301 Moved Permanently\nX-Powered-By: Express\nContent-Type: text/html; charset=UTF-8\nContent-Length: 153\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nLocation: /sub/\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Redirecting</title>\n</head>\n<body>\n<pre>Redirecting to /sub/</pre>\n</body>\n</html>\n", "HTTP/1.1 200 OK\nX-Powered-By: Express\nAccept-Ranges: bytes\nCache-Control: public, max-age=0\nLast-Modified: Tue, 01 Jul 2025 10:00:00 GMT\nETag: W/\"27-197c56dd900\"\nContent-Type: text/html; charset=UTF-8\nContent-Length: 39\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<h1>Home</h1>\n<p>static index page</p>\n", "HTTP/1.1 200 OK\nX-Powered-By: Express\nAccept-Ranges: bytes\nCache-Control: public, max-age=0\nLast-Modified: Tue, 01 Jul 2025 10:00:00 GMT\nETag: W/\"15-197c56dd900\"\nContent-Type: text/css; charset=UTF-8\nContent-Length: 21\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n"]"#,
     r#"static up
"#,
     r#""#),
    // st.js, Express 5.1.0
    (r#"const express = require('express');
const path = require('path');
const app = express();
app.use(express.static(path.join(__dirname, 'public')));
app.use('/assets', express.static('public', { maxAge: '1d' }));
app.get('/file', (req, res) => res.sendFile(path.join(__dirname, 'public', 'index.html')));
app.get('/dl', (req, res) => res.download(path.join(__dirname, 'public', 'style.css')));
app.listen(3000, () => console.log('static up'));
"#,
     r#"{"/app/public/app.js": "console.log(\"client\");\n", "/app/public/index.html": "<h1>Home</h1>\n<p>static index page</p>\n", "/app/public/style.css": "body { color: red; }\n", "/app/public/sub/index.html": "<p>sub</p>\n"}"#,
     "5.1.0",
     r#"[["GET","/",{},""],["GET","/index.html",{},""],["GET","/style.css",{},""],["GET","/assets/app.js",{},""],["GET","/nope.txt",{},""],["GET","/file",{},""],["GET","/dl",{},""],["GET","/sub",{},""],["GET","/",{"If-None-Match":"W/\"2e-197c5b3d380\""},""],["HEAD","/style.css",{},""]]"#,
     r#"["HTTP/1.1 200 OK\nX-Powered-By: Express\nAccept-Ranges: bytes\nCache-Control: public, max-age=0\nLast-Modified: Tue, 01 Jul 2025 10:00:00 GMT\nETag: W/\"27-197c56dd900\"\nContent-Type: text/html; charset=utf-8\nContent-Length: 39\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<h1>Home</h1>\n<p>static index page</p>\n", "HTTP/1.1 200 OK\nX-Powered-By: Express\nAccept-Ranges: bytes\nCache-Control: public, max-age=0\nLast-Modified: Tue, 01 Jul 2025 10:00:00 GMT\nETag: W/\"27-197c56dd900\"\nContent-Type: text/html; charset=utf-8\nContent-Length: 39\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<h1>Home</h1>\n<p>static index page</p>\n", "HTTP/1.1 200 OK\nX-Powered-By: Express\nAccept-Ranges: bytes\nCache-Control: public, max-age=0\nLast-Modified: Tue, 01 Jul 2025 10:00:00 GMT\nETag: W/\"15-197c56dd900\"\nContent-Type: text/css; charset=utf-8\nContent-Length: 21\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\nbody { color: red; }\n", "HTTP/1.1 200 OK\nX-Powered-By: Express\nAccept-Ranges: bytes\nCache-Control: public, max-age=86400\nLast-Modified: Tue, 01 Jul 2025 10:00:00 GMT\nETag: W/\"17-197c56dd900\"\nContent-Type: text/javascript; charset=utf-8\nContent-Length: 23\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\nconsole.log(\"client\");\n", "HTTP/1.1 404 Not Found\nX-Powered-By: Express\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nContent-Type: text/html; charset=utf-8\nContent-Length: 147\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot GET /nope.txt</pre>\n</body>\n</html>\n", "HTTP/1.1 200 OK\nX-Powered-By: Express\nAccept-Ranges: bytes\nCache-Control: public, max-age=0\nLast-Modified: Tue, 01 Jul 2025 10:00:00 GMT\nETag: W/\"27-197c56dd900\"\nContent-Type: text/html; charset=utf-8\nContent-Length: 39\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<h1>Home</h1>\n<p>static index page</p>\n", "HTTP/1.1 200 OK\nX-Powered-By: Express\nContent-Disposition: attachment; filename=\"style.css\"\nAccept-Ranges: bytes\nCache-Control: public, max-age=0\nLast-Modified: Tue, 01 Jul 2025 10:00:00 GMT\nETag: W/\"15-197c56dd900\"\nContent-Type: text/css; charset=utf-8\nContent-Length: 21\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\nbody { color: red; }\n", "HTTP/1.1 301 Moved Permanently\nX-Powered-By: Express\nContent-Type: text/html; charset=UTF-8\nContent-Length: 153\nContent-Security-Policy: default-src 'none'\nX-Content-Type-Options: nosniff\nLocation: /sub/\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Redirecting</title>\n</head>\n<body>\n<pre>Redirecting to /sub/</pre>\n</body>\n</html>\n", "HTTP/1.1 200 OK\nX-Powered-By: Express\nAccept-Ranges: bytes\nCache-Control: public, max-age=0\nLast-Modified: Tue, 01 Jul 2025 10:00:00 GMT\nETag: W/\"27-197c56dd900\"\nContent-Type: text/html; charset=utf-8\nContent-Length: 39\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n<h1>Home</h1>\n<p>static index page</p>\n", "HTTP/1.1 200 OK\nX-Powered-By: Express\nAccept-Ranges: bytes\nCache-Control: public, max-age=0\nLast-Modified: Tue, 01 Jul 2025 10:00:00 GMT\nETag: W/\"15-197c56dd900\"\nContent-Type: text/css; charset=utf-8\nContent-Length: 21\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n"]"#,
     r#"static up
"#,
     r#""#),

];

#[test]
fn express_apps() {
    type Req = (String, String, std::collections::BTreeMap<String, String>, String);
    let mut failed = Vec::new();
    for (i, (src, files, version, reqs, responses, out, err)) in EXPRESS.iter().enumerate() {
        let reqs: Vec<Req> = serde_json::from_str(reqs).expect("requests");
        let responses: Vec<String> = serde_json::from_str(responses).expect("responses");
        let extra: std::collections::BTreeMap<String, String> = serde_json::from_str(files).expect("files");
        let mut all: Vec<(&str, &str)> = vec![("/app/index.js", src)];
        all.extend(extra.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let (mut e, mut p) = start_server(&all, &[("express", version)], "20.19.3");
        for ((m, target, h, body), want) in reqs.iter().zip(&responses) {
            let hs: Vec<(&str, &str)> = h.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let got = e.http(p.as_mut(), 3000, m, target, &hs, body).map(|r| head(&r)).unwrap_or_default();
            if &got != want {
                failed.push(format!("#{i} (Express {version}) {m} {target}:\n{got}\n--- expected\n{want}"));
            }
        }
        let (o, r) = (e.text(StdStream::Stdout), e.text(StdStream::Stderr));
        if o != *out || r != *err {
            failed.push(format!("#{i} (Express {version}) output:\n{o}\n--- expected\n{out}\n--- stderr\n{r}\n--- expected\n{err}"));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

// ---------------------------------------------------------------- robustness

/// Mutated programs (a fixed-seed xorshift deletes, duplicates, swaps and replaces bytes of
/// valid programs): the interpreter never panics, and every run ends, or waits, within a
/// bounded number of steps (the step budget reports itself instead of hanging).
#[test]
fn mutated_programs_never_panic_or_hang() {
    let seeds = [
        "const express = require('express');\nconst app = express();\napp.get('/', (req, res) => res.send('hi'));\napp.listen(3000, () => console.log('up'));\n",
        "function f(a, b = 2, ...c) { return [a, b, ...c].map(x => x * 2); }\nclass A extends Error { constructor(m) { super(m); this.k = { a: [1, 2] }; } }\ntry { console.log(f(1), `t${1 + 2}`, JSON.stringify({ a: null })); throw new A('x'); }\ncatch (e) { console.log(e.message, typeof e, 0.1 + 0.2); }\nfinally { console.log('done'); }\n",
        "let n = 0;\nconst t = setInterval(() => { n++; console.log('tick', n); if (n > 3) clearInterval(t); }, 1000);\nfor (let i = 0; i < 3; i++) { if (i % 2) continue; console.log(i); }\nwhile (true) { n--; if (n < -5) break; }\n",
    ];
    let mut m = common::Mutator::new(0x2545_f491_4f6c_dd1d);
    for round in 0..300 {
        let src = m.mutate(seeds[round % seeds.len()].as_bytes(), b"()[]{}=>;.,'\"`\n $\\/0af");
        let mut e = Env::new(&[("/app/main.js", &src)], "20.19.2");
        let mut p = dockling::proc::js::start(&argv(&["node", "main.js"]), &mut e.ctx());
        for _ in 0..50 {
            match p.step(&mut e.ctx()) {
                Status::Exited(_) => break,
                Status::Waiting(w) => match w.until {
                    Some(t) => e.now = e.now.max(t),
                    None => break,
                },
            }
        }
    }
}

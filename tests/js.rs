//! Node.js, npm and Express inside containers, driven through the `Program` trait with a fake
//! context. Expected outputs come from the real programs: Node 20.20.2 run locally where its
//! behaviour is the same across versions, and Node's, npm's and Express's sources and
//! published traces for version-specific text (noted per test).

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
    assert_eq!(er, "npm ERR! code ELIFECYCLE\nnpm ERR! errno 3\nnpm ERR! web@1.0.0 start: `node bad.js`\nnpm ERR! Exit status 3\nnpm ERR! \nnpm ERR! Failed at the web@1.0.0 start script.\nnpm ERR! This is probably not a problem with npm. There is likely additional logging output above.\n\nnpm ERR! A complete log of this run can be found in:\nnpm ERR!     /root/.npm/_logs/2025-07-01T10_00_00_000Z-debug.log\n");
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
    assert_eq!(head(&r), "HTTP/1.1 200 OK\nX-Powered-By: Express\nContent-Type: application/json; charset=utf-8\nContent-Length: 11\nETag: W/\"b-Ai2R8hgEarLmHKwesT1qcY913ys\"\nDate: Tue, 01 Jul 2025 10:00:00 GMT\nConnection: keep-alive\nKeep-Alive: timeout=5\n\n{\"ok\":true}");
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

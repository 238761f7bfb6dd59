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

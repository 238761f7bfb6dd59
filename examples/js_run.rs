// Dev runner (not committed): runs a host script file as /app/<name> under the simulated node.
use dockling::api::StdStream;
use dockling::clock::SimTime;
use dockling::proc::program::{Ctx, Input, Status};
use dockling::proc::Captured;
use dockling::vfs::{Meta, Tree};
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = &args[1];
    let version = std::env::var("NV").unwrap_or("20.19.3".into());
    let src = std::fs::read(path).unwrap();
    let meta = Meta { mode: 0o755, uid: 0, gid: 0, mtime: SimTime::DEFAULT_START };
    let mut fs = Tree::new(meta.clone());
    fs.mkdir("/app", true, &meta).ok(); fs.mkdir("/tmp", true, &meta).ok();
    let name = std::path::Path::new(path).file_name().unwrap().to_str().unwrap().to_string();
    fs.write(&format!("/app/{name}"), &src, false, &meta).ok();
    for extra in args.iter().skip(2) {
        let n = std::path::Path::new(extra).file_name().unwrap().to_str().unwrap().to_string();
        fs.write(&format!("/app/{n}"), &std::fs::read(extra).unwrap(), false, &meta).ok();
    }
    let env = vec![format!("NODE_VERSION={version}")];
    let stdin_text = std::env::var("STDIN").unwrap_or_default();
    let mut stdin = Input::complete(&stdin_text);
    let mut out = Captured::default();
    let mut now = SimTime::DEFAULT_START;
    let mut argv = vec!["node".to_string(), name.clone()];
    if let Ok(a) = std::env::var("ARGV") { argv = a.split(' ').map(|s| s.to_string()).collect(); }
    let tty = std::env::var("TTY").is_ok();
    let mut p = { let mut ctx = Ctx { fs: &mut fs, now, cwd: "/app", env: &env, hostname: "abc123", ip: "172.17.0.2", pid: 1, uid: 0, stdin: &mut stdin, tty, out: &mut out, seed: 7, online: true }; dockling::proc::js::start(&argv, &mut ctx) };
    let t0 = std::time::Instant::now();
    let mut code = None;
    for _ in 0..10_000_000 {
        let mut ctx = Ctx { fs: &mut fs, now, cwd: "/app", env: &env, hostname: "abc123", ip: "172.17.0.2", pid: 1, uid: 0, stdin: &mut stdin, tty, out: &mut out, seed: 7, online: true };
        match p.step(&mut ctx) {
            Status::Exited(c) => { code = Some(c); break; }
            Status::Waiting(w) => match w.until { Some(t) => { if t > now { now = t; } } None => break },
        }
    }
    for c in &out.chunks { if let dockling::proc::Chunk::Text(_, t) = c { print!("{t}"); } }
    let _ = StdStream::Stdout;
    eprintln!("[exit {:?} in {:?}]", code, t0.elapsed());
}

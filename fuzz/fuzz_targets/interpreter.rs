//! The harness the python and js fuzz targets share: the program text as `/app/FILE`, run by
//! `start` for at most 50 steps (each bounded by the interpreter's step budget).

use dockling::clock::SimTime;
use dockling::proc::program::{Ctx, Input, Program, Status};
use dockling::proc::Captured;
use dockling::vfs::{Meta, Tree};

pub fn run(data: &[u8], file: &str, argv: &[&str], start: fn(&[String], &mut Ctx) -> Box<dyn Program>) {
    let meta = Meta { mode: 0o755, uid: 0, gid: 0, mtime: SimTime::DEFAULT_START };
    let mut fs = Tree::new(meta.clone());
    let _ = fs.mkdir("/app", true, &meta);
    let _ = fs.write(&format!("/app/{file}"), data, false, &meta);
    let env = vec!["PATH=/usr/local/bin:/usr/bin:/bin".to_string(), "HOME=/root".to_string()];
    let mut stdin = Input::complete("line\n");
    let mut out = Captured::default();
    let mut now = SimTime::DEFAULT_START;
    let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
    macro_rules! ctx {
        () => {
            Ctx { fs: &mut fs, now, cwd: "/app", env: &env, hostname: "3f4e1a2b9c0d", ip: "172.17.0.2", pid: 1, uid: 0, stdin: &mut stdin, tty: false, out: &mut out, seed: 7, online: true }
        };
    }
    let mut p = start(&argv, &mut ctx!());
    for _ in 0..50 {
        match p.step(&mut ctx!()) {
            Status::Exited(_) => break,
            Status::Waiting(w) => match w.until {
                Some(t) => now = now.max(t),
                None => break,
            },
        }
    }
}

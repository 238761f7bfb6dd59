//! Fuzzes the js interpreter: any program text runs without panicking, and every run ends or
//! waits within a bounded number of steps (the step budget reports itself instead of hanging).
#![no_main]

use dockling::clock::SimTime;
use dockling::proc::program::{Ctx, Input, Status};
use dockling::proc::Captured;
use dockling::vfs::{Meta, Tree};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let meta = Meta { mode: 0o755, uid: 0, gid: 0, mtime: SimTime::DEFAULT_START };
    let mut fs = Tree::new(meta.clone());
    let _ = fs.mkdir("/app", true, &meta);
    let _ = fs.write("/app/main.js", data, false, &meta);
    let env = vec!["PATH=/usr/local/bin:/usr/bin:/bin".to_string(), "HOME=/root".to_string()];
    let mut stdin = Input::complete("line\n");
    let mut out = Captured::default();
    let mut now = SimTime::DEFAULT_START;
    let argv: Vec<String> = ["node", "main.js"].iter().map(|s| s.to_string()).collect();
    macro_rules! ctx {
        () => {
            Ctx { fs: &mut fs, now, cwd: "/app", env: &env, hostname: "3f4e1a2b9c0d", ip: "172.17.0.2", pid: 1, uid: 0, stdin: &mut stdin, tty: false, out: &mut out, seed: 7 }
        };
    }
    let mut p = dockling::proc::js::start(&argv, &mut ctx!());
    for _ in 0..50 {
        match p.step(&mut ctx!()) {
            Status::Exited(_) => break,
            Status::Waiting(w) => match w.until {
                Some(t) => now = now.max(t),
                None => break,
            },
        }
    }
});

//! Figures for the simulated Python: native time per 1,000 iterations of a loop that sleeps
//! one (virtual) second, and of a tight arithmetic loop. `cargo run --release --example python_bench`.

use std::time::Instant;

use dockling::clock::SimTime;
use dockling::proc::program::{Ctx, Input, Status};
use dockling::proc::python;
use dockling::proc::Captured;
use dockling::vfs::{Meta, Tree};

/// Runs `src` to the end, jumping the virtual clock to each wake-up; returns (steps, output).
fn run(src: &str) -> (u64, String) {
    let meta = Meta { mode: 0o755, uid: 0, gid: 0, mtime: SimTime(0) };
    let mut fs = Tree::new(meta.clone());
    fs.mkdir("/app", true, &meta).expect("mkdir");
    fs.write("/app/main.py", src.as_bytes(), false, &meta).expect("write");
    let env = vec!["PYTHON_VERSION=3.13.5".to_string()];
    let mut stdin = Input::complete("");
    let mut out = Captured::default();
    let mut now = SimTime::DEFAULT_START;
    let argv = vec!["python3".to_string(), "main.py".to_string()];
    macro_rules! ctx {
        () => {
            Ctx { fs: &mut fs, now, cwd: "/app", env: &env, hostname: "bench", ip: "172.17.0.2", pid: 1, uid: 0, stdin: &mut stdin, tty: false, out: &mut out, seed: 1, online: true }
        };
    }
    let mut prog = python::start(&argv, &mut ctx!());
    let mut steps = 0;
    loop {
        steps += 1;
        match prog.step(&mut ctx!()) {
            Status::Exited(_) => break,
            Status::Waiting(w) => match w.until {
                Some(t) => now = now.max(t),
                None => break,
            },
        }
    }
    (steps, out.text(dockling::api::StdStream::Stdout))
}

fn bench(name: &str, src: &str, iterations: u64) {
    let t = Instant::now();
    let (steps, out) = run(src);
    let el = t.elapsed();
    let per_k = el.as_secs_f64() * 1e6 / iterations as f64 * 1000.0;
    println!("{name:<28} {iterations:>9} iterations  {steps:>7} steps  {:>10.1} µs per 1,000 iterations  (output {:?})", per_k, out.trim());
}

fn main() {
    bench("sleep(1) loop", "import time\nfor i in range(1000):\n    time.sleep(1)\nprint(i)\n", 1000);
    bench("sleep(1) loop, 100 s", "import time\nt = time.time()\nwhile time.time() - t < 100:\n    time.sleep(1)\nprint('done')\n", 100);
    bench("tight arithmetic loop", "t = 0\nfor i in range(1000000):\n    t += i * i % 7\nprint(t)\n", 1_000_000);
    bench("function calls", "def f(x):\n    return x + 1\nt = 0\nfor i in range(200000):\n    t = f(t)\nprint(t)\n", 200_000);
    println!("step budget: {} instructions", python::STEP_BUDGET);
}

//! `dockling-bench`: prints the figures the issues ask for. Not a test: it measures and reports.
//!   web bundle size (dist/, raw and gzipped, needs `./dev.sh build` first)
//!   native per-command latency of a scripted hello-world session (median, p99)
//! `./dev.sh bench` runs it, plus the end-to-end test for the time to first prompt.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use dockling::{Config, Session};

/// Counts live heap bytes, so the bench can report how big the simulation's state is.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const SESSION: &[&str] = &[
    "docker run hello-world",
    "docker ps -a",
    "docker images",
    "docker run hello-world",
    "docker ps -aq",
    "docker rm $(docker ps -aq)",
    "docker rmi hello-world",
    "docker pull hello-world",
    "docker images",
    "docker version",
    "ls -la",
    "echo done",
];

fn gzip_size(bytes: &[u8]) -> Option<usize> {
    let mut child = std::process::Command::new("gzip")
        .arg("-9c")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(bytes).ok()?;
    Some(child.wait_with_output().ok()?.stdout.len())
}

fn kb(n: usize) -> String {
    format!("{:.1} KB", n as f64 / 1000.0)
}

fn bundle() {
    let dist = std::env::var("DOCKLING_DIST").unwrap_or_else(|_| "dist".into());
    let mut raw_total = 0;
    let mut gz_total = 0;
    println!("web bundle ({dist}):");
    for f in [
        "dockling_bg.wasm",
        "dockling.js",
        "index.html",
        "www/style.css",
    ] {
        let path = format!("{dist}/{f}");
        match std::fs::read(&path) {
            Ok(b) => {
                let gz = gzip_size(&b).unwrap_or(0);
                raw_total += b.len();
                gz_total += gz;
                println!("  {f:<18} {:>10} raw {:>10} gzip", kb(b.len()), kb(gz));
            }
            Err(_) => println!("  {f:<18} missing (run ./dev.sh build)"),
        }
    }
    println!(
        "  {:<18} {:>10} raw {:>10} gzip   (budget: 300 KB gzip)",
        "total",
        kb(raw_total),
        kb(gz_total)
    );
}

fn latency() {
    let mut samples: Vec<f64> = Vec::new();
    let rounds = 300;
    for round in 0..rounds {
        let mut s = Session::new(Config {
            seed: round,
            ..Config::default()
        });
        for line in SESSION {
            let t = Instant::now();
            s.run_line(line, &mut |_| {});
            samples.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    samples.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize];
    println!(
        "native per-command latency, scripted hello-world session ({} commands x {rounds} sessions):",
        SESSION.len()
    );
    println!(
        "  median {:.3} ms   p99 {:.3} ms   max {:.3} ms   (budget: p99 <= 5 ms)",
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
}

/// 1,000 running containers of one image: `docker ps` time and the state's heap size.
fn scale() {
    let before = LIVE.load(Ordering::Relaxed);
    let mut s = Session::new(Config::default());
    s.run_line("docker pull busybox", &mut |_| {});
    let after_pull = LIVE.load(Ordering::Relaxed);
    for i in 0..1000 {
        s.run_line(
            &format!("docker run -d --name c{i} busybox sleep 100000"),
            &mut |_| {},
        );
    }
    let state = LIVE.load(Ordering::Relaxed) - before;
    let per_container = (LIVE.load(Ordering::Relaxed) - after_pull) / 1000;
    let mut times = Vec::new();
    let mut lines = 0;
    for _ in 0..20 {
        let t = Instant::now();
        s.run_line("docker ps", &mut |e| {
            if let dockling::Event::Output { text, .. } = e {
                lines += text.lines().count();
            }
        });
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!("1,000 running containers of busybox:");
    println!(
        "  docker ps: median {:.2} ms, max {:.2} ms ({} lines per run)   (budget: <= 20 ms)",
        times[10],
        times[19],
        lines / 20
    );
    println!(
        "  session state on the heap: {:.2} MB total, {:.1} KB per container   (budget: <= 8 MB)",
        state as f64 / 1e6,
        per_container as f64 / 1e3
    );
}

fn main() {
    if cfg!(target_arch = "wasm32") {
        return;
    }
    bundle();
    latency();
    scale();
}

//! `dockling-bench`: prints the figures the issues ask for. Not a test: it measures and reports.
//!   web bundle size (dist/, raw and gzipped, needs `./dev.sh build` first)
//!   native per-command latency of a scripted hello-world session (median, p99)
//!   1,000 running containers (`docker ps`, state size); pulling every catalog image;
//!   `docker images` over 1,000 images; the catalog's share of the gzipped bundle;
//!   parsing BuildKit's parser corpus; a 10-step build with every step cached and with --no-cache
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
    // Feed gzip from another thread: its output must be drained while it reads, or both block
    // once the pipes fill.
    let mut stdin = child.stdin.take()?;
    let input = bytes.to_vec();
    let feeder = std::thread::spawn(move || stdin.write_all(&input).is_ok());
    let out = child.wait_with_output().ok()?;
    feeder.join().ok()?.then_some(out.stdout.len())
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

/// Runs `line`, returning the elapsed milliseconds and the output.
fn timed(s: &mut Session, line: &str) -> (f64, String) {
    let mut out = String::new();
    let t = Instant::now();
    s.run_line(line, &mut |e| {
        if let dockling::Event::Output { text, .. } = e {
            out.push_str(&text);
        }
    });
    (t.elapsed().as_secs_f64() * 1000.0, out)
}

/// Every `repository:tag` of the built-in Docker Hub.
fn catalog_refs() -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(include_str!("../registry/catalog.json")).unwrap_or_default();
    let mut refs = Vec::new();
    if let Some(repos) = v["repositories"].as_object() {
        for (name, repo) in repos {
            let short = name.strip_prefix("library/").unwrap_or(name);
            if let Some(tags) = repo["tags"].as_object() {
                refs.extend(tags.keys().map(|t| format!("{short}:{t}")));
            }
        }
    }
    refs
}

/// Pulling every catalog image (each tag once, in a fresh session), and `docker images` over
/// 1,000 images (committed from a container, so each has its own ID).
fn images() {
    let refs = catalog_refs();
    let mut s = Session::new(Config::default());
    let mut worst = (0.0f64, String::new());
    let t = Instant::now();
    for r in &refs {
        let (ms, out) = timed(&mut s, &format!("docker pull -q {r}"));
        if !out.contains(r.split(':').next().unwrap_or("")) {
            println!("  pull {r} failed: {}", out.lines().next().unwrap_or(""));
        }
        if ms > worst.0 {
            worst = (ms, r.clone());
        }
    }
    let total = t.elapsed().as_secs_f64() * 1000.0;
    println!("pulling every catalog image ({} tags, one session):", refs.len());
    println!(
        "  total {total:.1} ms, mean {:.3} ms, slowest {:.3} ms ({})   (budget: <= 50 ms each)",
        total / refs.len().max(1) as f64,
        worst.0,
        worst.1
    );

    let mut s = Session::new(Config::default());
    s.run_line("docker run -d --name base busybox sleep 100000", &mut |_| {});
    for i in 0..1000 {
        s.run_line(&format!("docker exec base touch /f{i}"), &mut |_| {});
        s.run_line(&format!("docker commit base img{i}"), &mut |_| {});
    }
    let mut times = Vec::new();
    let mut rows = 0;
    for _ in 0..20 {
        let (ms, out) = timed(&mut s, "docker images");
        rows = out.lines().count().saturating_sub(1);
        times.push(ms);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!("docker images with {rows} images:");
    println!("  median {:.2} ms, max {:.2} ms   (budget: <= 20 ms)", times[10], times[19]);
}

/// The catalog's share of the gzipped wasm: the catalog is embedded as its JSON text, so its
/// share is about its own gzipped size.
fn catalog_share() {
    let raw = include_str!("../registry/catalog.json").as_bytes();
    let gz = gzip_size(raw).unwrap_or(0);
    let dist = std::env::var("DOCKLING_DIST").unwrap_or_else(|_| "dist".into());
    let wasm_gz = std::fs::read(format!("{dist}/dockling_bg.wasm")).ok().and_then(|b| gzip_size(&b));
    let share = wasm_gz.map(|w| format!(", {:.0}% of the gzipped wasm", gz as f64 * 100.0 / w as f64)).unwrap_or_default();
    println!("catalog (src/registry/catalog.json): {} raw, {} gzip{share}   (budget: 150 KB gzip)", kb(raw.len()), kb(gz));
}

/// Parsing BuildKit's parser corpus with our parser (the ratio against `parse-dockerfile` is
/// printed by `cargo run --release --manifest-path bench-parser/Cargo.toml`).
fn parser() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/buildkit-parser/testfiles");
    let Ok(dir) = std::fs::read_dir(&root) else {
        println!("parser corpus: {} missing", root.display());
        return;
    };
    let corpus: Vec<String> = dir.flatten().filter_map(|e| std::fs::read_to_string(e.path().join("Dockerfile")).ok()).collect();
    let rounds = 2000;
    let t = Instant::now();
    for _ in 0..rounds {
        for src in &corpus {
            std::hint::black_box(dockling::dockerfile::parse(std::hint::black_box(src)));
        }
    }
    let us = t.elapsed().as_secs_f64() * 1e6 / rounds as f64;
    println!("parsing BuildKit's parser corpus ({} Dockerfiles): {us:.1} µs per pass", corpus.len());
}

/// A 10-step build: first (cold, pulls the base), then with every step cached, then --no-cache.
fn build() {
    let mut s = Session::new(Config::default());
    let setup = [
        "mkdir app && cd app",
        "echo 'print(1)' > app.py",
        "echo flask > requirements.txt",
        "printf 'FROM alpine\\nENV A=1\\nWORKDIR /app\\nCOPY requirements.txt .\\nRUN echo one > /one\\nRUN echo two > /two\\nCOPY . .\\nRUN ls /app > /list\\nEXPOSE 80\\nCMD [\"sh\"]\\n' > Dockerfile",
    ];
    for l in setup {
        s.run_line(l, &mut |_| {});
    }
    let (cold, _) = timed(&mut s, "docker build -q -t b .");
    let mut cached = Vec::new();
    let mut fresh = Vec::new();
    for _ in 0..20 {
        cached.push(timed(&mut s, "docker build -q -t b .").0);
        fresh.push(timed(&mut s, "docker build -q --no-cache -t b .").0);
    }
    cached.sort_by(|a, b| a.total_cmp(b));
    fresh.sort_by(|a, b| a.total_cmp(b));
    println!("a 10-step build (FROM alpine, ENV, WORKDIR, 2 COPY, 3 RUN, EXPOSE, CMD), native time:");
    println!("  first {cold:.2} ms; every step cached: median {:.2} ms; --no-cache: median {:.2} ms", cached[10], fresh[10]);
}

fn main() {
    if cfg!(target_arch = "wasm32") {
        return;
    }
    bundle();
    catalog_share();
    latency();
    scale();
    images();
    parser();
    build();
}

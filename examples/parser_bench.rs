//! Parses BuildKit's parser corpus N times with dockling's parser and with the
//! `parse-dockerfile` crate, and prints the time per corpus pass and the ratio.
//!
//! `cargo run --release --example parser_bench [N]`

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

fn main() {
    let n: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(300);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/buildkit-parser/testfiles");
    let mut corpus: Vec<String> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("corpus {} missing: {e}", root.display()))
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path().join("Dockerfile")).ok())
        .collect();
    corpus.sort();
    let bytes: usize = corpus.iter().map(String::len).sum();
    match std::env::args().nth(2).as_deref() {
        Some("files") => return per_file(&corpus, n),
        // One parser only, for `perf stat` instruction counts.
        Some("ours") => return only(&corpus, n, true),
        Some("theirs") => return only(&corpus, n, false),
        Some("ours-ok") | Some("theirs-ok") => {
            let ok: Vec<String> = corpus.iter().filter(|s| parse_dockerfile::parse(s).is_ok()).cloned().collect();
            return only(&ok, n, std::env::args().nth(2).as_deref() == Some("ours-ok"));
        }
        _ => {}
    }
    let accepted: Vec<String> = corpus.iter().filter(|s| parse_dockerfile::parse(s).is_ok()).cloned().collect();
    let ours = |s: &str| {
        let p = dockling::dockerfile::parse(s);
        p.ast.children.len() + p.diagnostics.len()
    };
    let theirs = |s: &str| parse_dockerfile::parse(s).map(|d| d.instructions.len()).unwrap_or(0);
    let (o, t) = compare(&corpus, n, &ours, &theirs);
    println!("corpus: {} files, {} bytes; best of {ROUNDS} interleaved rounds of {n} passes; parse-dockerfile rejects {}", corpus.len(), bytes, failures(&corpus));
    println!("dockling::dockerfile::parse  {:>9.1} µs per corpus pass", o * 1e6);
    println!("parse_dockerfile::parse     {:>9.1} µs per corpus pass", t * 1e6);
    println!("ratio (ours / theirs)        {:>9.2}", o / t);
    // The files parse-dockerfile rejects cost it little (it stops at the error): compare on the rest too.
    let (o2, t2) = compare(&accepted, n, &ours, &theirs);
    println!("on the {} files both accept: {:.1} µs vs {:.1} µs, ratio {:.2}", accepted.len(), o2 * 1e6, t2 * 1e6, o2 / t2);
}

/// Rounds per side; the rounds alternate between the parsers so that both see the same load.
const ROUNDS: u32 = 15;

/// The best time per pass over `files` of each parser (seconds), rounds interleaved.
fn compare(files: &[String], n: u32, a: &dyn Fn(&str) -> usize, b: &dyn Fn(&str) -> usize) -> (f64, f64) {
    let round = |f: &dyn Fn(&str) -> usize| {
        let t = Instant::now();
        let mut total = 0;
        for _ in 0..n {
            for src in files {
                total += f(black_box(src));
            }
        }
        black_box(total);
        t.elapsed().as_secs_f64() / f64::from(n)
    };
    let (mut best_a, mut best_b) = (f64::MAX, f64::MAX);
    for _ in 0..ROUNDS {
        best_a = best_a.min(round(a));
        best_b = best_b.min(round(b));
    }
    (best_a, best_b)
}

#[allow(dead_code)]
fn failures(corpus: &[String]) -> usize {
    corpus.iter().filter(|s| parse_dockerfile::parse(s).is_err()).count()
}

/// Per-file timings (`parser_bench N files`), to see where the time goes.
#[allow(dead_code)]
fn per_file(corpus: &[String], n: u32) {
    for src in corpus {
        let t = Instant::now();
        for _ in 0..n {
            black_box(dockling::dockerfile::parse(black_box(src)));
        }
        let a = t.elapsed().as_secs_f64() / f64::from(n);
        let t = Instant::now();
        let mut ok = true;
        for _ in 0..n {
            ok = black_box(parse_dockerfile::parse(black_box(src))).is_ok();
        }
        let b = t.elapsed().as_secs_f64() / f64::from(n);
        println!("{:>6} bytes {:>8.2}µs {:>8.2}µs {:>5.2} {}", src.len(), a * 1e6, b * 1e6, a / b, if ok { "" } else { "(rejected)" });
    }
}

fn only(corpus: &[String], n: u32, ours: bool) {
    for _ in 0..n {
        for src in corpus {
            if ours {
                black_box(dockling::dockerfile::parse(black_box(src)));
            } else {
                let _ = black_box(parse_dockerfile::parse(black_box(src)));
            }
        }
    }
}

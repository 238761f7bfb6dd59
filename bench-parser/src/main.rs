//! Parses BuildKit's parser corpus (`../shared/conformance/buildkit-parser/testfiles`, 33
//! Dockerfiles) with dockling's parser and with the `parse-dockerfile` crate, and prints the
//! best time per corpus pass of each and their ratio. The rounds alternate between the two
//! parsers, so both see the same machine load; the best round of each is kept.
//!
//! `cargo run --release --manifest-path bench-parser/Cargo.toml -- [N] [files|ours|theirs|ours-ok|theirs-ok]`
//! (N passes per round; `files`: per-file times; `ours`/`theirs`: one parser only, N passes,
//! for `valgrind --tool=callgrind` instruction counts; `-ok`: on the files both accept).
//!
//! What each side does per file (both build a tree that borrows the source):
//! - `dockling::dockerfile::parse` is BuildKit's low-level parser (`parser.Parse`): parser
//!   directives (`syntax`, `escape`, `check`) and a BOM, the escape character, line
//!   continuations joined (comment and blank lines inside skipped, with BuildKit's "Empty
//!   continuation line" warnings), the comments above each instruction, `--flags` with quotes
//!   removed, arguments split per instruction as BuildKit does (ENV/LABEL into key, value,
//!   delimiter; ARG, FROM, EXPOSE, ADD/COPY/VOLUME into words; JSON exec form decoded for
//!   RUN/CMD/ENTRYPOINT/SHELL/ADD/COPY/VOLUME/HEALTHCHECK; ONBUILD's nested instruction),
//!   here-document bodies, byte spans and line ranges, and every error as a diagnostic
//!   (it reads on after an error). Checks on the instructions (argument counts, FROM first,
//!   stage names) belong to `dockerfile::instructions`, which is not timed here.
//! - `parse_dockerfile::parse` builds typed instructions: parser directives, flags, JSON exec
//!   form or shell form, and for ENV/LABEL/ARG and the other single-string arguments the text
//!   with continuations removed, but a shell-form command (RUN/CMD/ENTRYPOINT) is kept as the
//!   raw source text, continuations included; ENV/LABEL/ARG are not split into pairs or words;
//!   here-documents as ADD/COPY sources and one at the start of a RUN command. No comments,
//!   no warnings, no line numbers (byte spans only). It checks argument counts, that the file
//!   starts with FROM (or ARG) and that stage names are unique, and stops at the first error:
//!   it rejects 7 of the 33 files (cheaply), hence the second comparison, on the 26 it accepts.
//!
//! Both are built with the crate's release profile (`opt-level = "z"`, LTO), as shipped.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

/// Rounds per parser; the rounds alternate between the parsers.
const ROUNDS: u32 = 15;

fn main() {
    let n: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(300);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance/buildkit-parser/testfiles");
    let mut named: Vec<(String, String)> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("corpus {} missing: {e}", root.display()))
        .flatten()
        .filter_map(|e| Some((e.file_name().to_string_lossy().into_owned(), std::fs::read_to_string(e.path().join("Dockerfile")).ok()?)))
        .collect();
    named.sort();
    let corpus: Vec<String> = named.iter().map(|(_, s)| s.clone()).collect();
    let accepted: Vec<String> = corpus.iter().filter(|s| parse_dockerfile::parse(s).is_ok()).cloned().collect();
    match std::env::args().nth(2).as_deref() {
        Some("files") => return per_file(&named, n),
        Some("ours") => return only(&corpus, n, true),
        Some("theirs") => return only(&corpus, n, false),
        Some("ours-ok") => return only(&accepted, n, true),
        Some("theirs-ok") => return only(&accepted, n, false),
        _ => {}
    }
    let bytes: usize = corpus.iter().map(String::len).sum();
    let (o, t) = compare(&corpus, n);
    println!(
        "corpus: {} files, {bytes} bytes; best of {ROUNDS} interleaved rounds of {n} passes; parse-dockerfile rejects {}",
        corpus.len(),
        corpus.len() - accepted.len()
    );
    println!("dockling::dockerfile::parse  {:>9.1} µs per corpus pass", o * 1e6);
    println!("parse_dockerfile::parse     {:>9.1} µs per corpus pass", t * 1e6);
    println!("ratio (ours / theirs)        {:>9.2}", o / t);
    let (o2, t2) = compare(&accepted, n);
    println!("on the {} files both accept: {:.1} µs vs {:.1} µs, ratio {:.2}", accepted.len(), o2 * 1e6, t2 * 1e6, o2 / t2);
}

fn ours(s: &str) -> usize {
    let p = dockling::dockerfile::parse(s);
    p.ast.children.len() + p.diagnostics.len()
}

fn theirs(s: &str) -> usize {
    parse_dockerfile::parse(s).map_or(0, |d| d.instructions.len())
}

/// The best time per pass over `files` of each parser (seconds), rounds interleaved.
fn compare(files: &[String], n: u32) -> (f64, f64) {
    let round = |f: fn(&str) -> usize| {
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
        best_a = best_a.min(round(ours));
        best_b = best_b.min(round(theirs));
    }
    (best_a, best_b)
}

/// Per-file best times (`parser_bench N files`), to see where the time goes.
fn per_file(named: &[(String, String)], n: u32) {
    println!("{:<46} {:>6} {:>9} {:>9} {:>6}", "file", "bytes", "ours µs", "theirs µs", "ratio");
    for (name, src) in named {
        let (a, b) = compare(std::slice::from_ref(src), n);
        let note = if parse_dockerfile::parse(src).is_ok() { "" } else { " (rejected by parse-dockerfile)" };
        println!("{name:<46} {:>6} {:>9.2} {:>9.2} {:>6.2}{note}", src.len(), a * 1e6, b * 1e6, a / b);
    }
}

fn only(corpus: &[String], n: u32, mine: bool) {
    for _ in 0..n {
        for src in corpus {
            black_box(if mine { ours(black_box(src)) } else { theirs(black_box(src)) });
        }
    }
}

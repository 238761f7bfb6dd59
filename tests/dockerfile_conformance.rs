//! The Dockerfile parser against BuildKit's own parser corpus (`../shared/conformance/
//! buildkit-parser`), plus deterministic random mutations of it that must never panic or hang.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use dockling::dockerfile::{self, expand, ignore::Ignore, lint, LintOptions};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/buildkit-parser")
}

fn cases(dir: &str) -> Vec<(String, String)> {
    let root = corpus().join(dir);
    let mut out: Vec<(String, String)> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("the corpus folder {} is missing: {e}", root.display()))
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(e.path().join("Dockerfile")).expect("Dockerfile");
            (name, text)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn dumps_match_buildkit_results() {
    let all = cases("testfiles");
    assert!(all.len() >= 33, "expected at least 33 cases, found {}", all.len());
    let mut failures = Vec::new();
    for (name, src) in &all {
        let want = std::fs::read_to_string(corpus().join("testfiles").join(name).join("result")).expect("result");
        let parsed = dockerfile::parse(src);
        if !parsed.diagnostics.is_empty() {
            failures.push(format!("{name}: unexpected errors {:?}", parsed.diagnostics));
            continue;
        }
        let got = dockerfile::dump(&parsed.ast) + "\n";
        if got != want {
            failures.push(format!("{name}:\n--- want\n{want}--- got\n{got}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), all.len(), failures.join("\n"));
}

#[test]
fn negative_cases_are_errors() {
    let all = cases("testfiles-negative");
    assert!(all.len() >= 4);
    let expected = [
        ("empty_dockerfile", "file with no instructions"),
        ("env_no_value", "ENV must have two arguments"),
        ("only_comments", "file with no instructions"),
        ("shykes-nested-json", "when using JSON array syntax, arrays must be comprised of strings only"),
    ];
    for (name, src) in &all {
        let parsed = dockerfile::parse(src);
        assert!(!parsed.diagnostics.is_empty(), "{name} parsed without error");
        if let Some((_, msg)) = expected.iter().find(|(n, _)| n == name) {
            assert_eq!(parsed.diagnostics[0].message, *msg, "{name}");
        }
    }
}

#[test]
fn line_ranges_match_upstream() {
    let src = std::fs::read_to_string(corpus().join("testfile-line/Dockerfile")).expect("Dockerfile");
    let ast = dockerfile::parse(&src).ast;
    assert_eq!((ast.start_line, ast.end_line), (5, 31));
    let ranges: Vec<(u32, u32)> = ast.children.iter().map(|c| (c.start_line, c.end_line)).collect();
    assert_eq!(ranges, vec![(5, 5), (11, 12), (17, 31)]);
}

/// A small fixed-seed xorshift generator.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const INSERTS: &[&str] = &[
    "\\", "\\\n", "<<", "<<EOF\n", "<<-'E'\n", "[", "]", "\"", "'", "`", "$", "${", "}", "${A:-", "${A/", "\n", "\r\n", "#",
    "# escape=`\n", "--", "--mount=type=cache,target=/x ", " ", "\t", "=", "ONBUILD ", "RUN ", "FROM a AS b\n", "COPY --from=0 ",
    "HEALTHCHECK --interval=1x CMD ", "ARG X\n", "ENV A B\n", "\u{a0}", "é", "\u{feff}", "**", "!", "{", "\"\\u", "1e999",
];

fn mutate(g: &mut XorShift, src: &str) -> String {
    let mut b: Vec<u8> = src.as_bytes().to_vec();
    for _ in 0..1 + g.below(4) {
        match g.below(4) {
            0 if !b.is_empty() => b.truncate(g.below(b.len())),
            1 if !b.is_empty() => {
                let i = g.below(b.len());
                b[i] = (g.next() & 0x7f) as u8;
            }
            2 if !b.is_empty() => {
                let i = g.below(b.len());
                b.remove(i);
            }
            _ => {
                let i = g.below(b.len() + 1);
                let ins = INSERTS[g.below(INSERTS.len())].as_bytes();
                b.splice(i..i, ins.iter().copied());
            }
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

fn exercise(src: &str) {
    let parsed = dockerfile::parse(src);
    let _ = dockerfile::dump(&parsed.ast);
    let (df, diags) = dockerfile::instructions(&parsed);
    for d in &diags {
        let _ = dockerfile::render_build_error("Dockerfile", src, d);
    }
    let env = |k: &str| (k == "A").then(|| "1".to_string());
    for stage in &df.stages {
        for cmd in &stage.commands {
            let _ = dockerfile::expand_command(cmd, parsed.ast.escape, &env);
        }
    }
    let ig = Ignore::parse(src);
    let _ = lint(&parsed, &df, &LintOptions { ignore: Some(&ig), ..LintOptions::default() });
    for line in src.lines().take(20) {
        let _ = expand::process_words(line, '\\', &env);
        let _ = ig.matches(line);
    }
}

#[test]
fn random_mutations_never_panic_or_hang() {
    let mut inputs: Vec<String> = cases("testfiles").into_iter().map(|(_, s)| s).collect();
    inputs.extend(cases("testfiles-negative").into_iter().map(|(_, s)| s));
    let mut g = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut slowest = Duration::ZERO;
    for round in 0..4000 {
        let base = &inputs[round % inputs.len()];
        let src = mutate(&mut g, base);
        let t = Instant::now();
        exercise(&src);
        let el = t.elapsed();
        slowest = slowest.max(el);
        assert!(el < Duration::from_secs(2), "round {round} took {el:?} on {src:?}");
    }
    assert!(slowest < Duration::from_secs(2));
}

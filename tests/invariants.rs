//! Architecture invariants from ARCHITECTURE.md, checked over the source tree.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir)
        .expect("readable source dir")
        .flatten()
    {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn files_under(sub: &str) -> Vec<PathBuf> {
    let mut v = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(sub),
        &mut v,
    );
    v
}

fn offenders(files: &[PathBuf], needles: &[&str]) -> Vec<String> {
    let mut bad = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        // Unit tests at the end of a file may read fixtures.
        let body = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in body.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for needle in needles {
                if code.contains(needle) {
                    bad.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                }
            }
        }
    }
    bad
}

#[test]
fn the_core_reads_no_clock_rng_or_browser() {
    let mut files = Vec::new();
    for dir in ["daemon", "vfs", "registry", "proc", "api", "cli", "session"] {
        files.extend(files_under(dir));
    }
    files.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/clock.rs"));
    files.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/text.rs"));
    let bad = offenders(
        &files,
        &[
            "std::time",
            "SystemTime",
            "Instant::now",
            "thread_rng",
            "js_sys",
            "web_sys",
            "std::fs",
            "std::io::stdin",
            "std::net::Tcp",
            "std::net::Udp",
        ],
    );
    assert!(
        bad.is_empty(),
        "the core must take time, randomness and I/O as inputs:\n{}",
        bad.join("\n")
    );
}

#[test]
fn only_src_web_names_yew() {
    let mut files = Vec::new();
    for dir in [
        "daemon", "vfs", "registry", "proc", "api", "cli", "session", "bin",
    ] {
        files.extend(files_under(dir));
    }
    let bad = offenders(&files, &["yew::", "gloo::", "web_sys::", "wasm_bindgen::"]);
    assert!(
        bad.is_empty(),
        "only src/web may name yew, gloo, web-sys, wasm-bindgen:\n{}",
        bad.join("\n")
    );
}

//! Transcript tests: every folder under `tests/transcripts/` holds a `script` (lines as typed) and
//! the `expected` terminal output (stdout and stderr interleaved). One function checks them all.
//! `UPDATE_EXPECT=1 cargo test --test transcripts` rewrites the expectations on purpose.

use std::path::Path;

use dockling::session::run_script;
use dockling::{Config, SimTime};

/// Reads an optional `config` file: `seed = N`, `tty = true`, `start = <unix seconds>`.
fn config_for(dir: &Path) -> Config {
    let mut c = Config::default();
    if let Ok(text) = std::fs::read_to_string(dir.join("config")) {
        for line in text.lines() {
            let Some((k, v)) = line.split_once('=') else {
                continue;
            };
            match (k.trim(), v.trim()) {
                ("seed", v) => c.seed = v.parse().expect("seed"),
                ("tty", v) => c.tty = v == "true",
                ("start", v) => c.start = SimTime::from_secs(v.parse().expect("start")),
                (k, _) => panic!("{}: unknown config key {k}", dir.display()),
            }
        }
    }
    c
}

/// Runs one scenario and compares (or, with UPDATE_EXPECT=1, rewrites) its expectation.
fn check(dir: &Path) -> Result<(), String> {
    let script = std::fs::read_to_string(dir.join("script"))
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let config = config_for(dir);
    let actual = run_script(config.clone(), &script).merged;
    let again = run_script(config, &script).merged;
    if actual != again {
        return Err(format!("{}: not deterministic", dir.display()));
    }
    let expected_path = dir.join("expected");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&expected_path, &actual).map_err(|e| e.to_string())?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    if expected == actual {
        return Ok(());
    }
    let mut diff = String::new();
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    for i in 0..e.len().max(a.len()) {
        let (x, y) = (e.get(i).copied(), a.get(i).copied());
        if x != y {
            diff.push_str(&format!(
                "  line {}:\n    expected: {:?}\n    actual:   {:?}\n",
                i + 1,
                x,
                y
            ));
        }
    }
    Err(format!("{}: output differs\n{diff}", dir.display()))
}

#[test]
fn transcripts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("tests/transcripts")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.join("script").exists())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no transcripts found");
    let failures: Vec<String> = dirs.iter().filter_map(|d| check(d).err()).collect();
    println!("{} transcripts, {} failed", dirs.len(), failures.len());
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn seeds_change_ids_but_not_shape() {
    let script = "docker run hello-world\ndocker ps -a --no-trunc -q\n";
    let a = run_script(
        Config {
            seed: 1,
            ..Config::default()
        },
        script,
    )
    .stdout;
    let b = run_script(
        Config {
            seed: 2,
            ..Config::default()
        },
        script,
    )
    .stdout;
    assert_ne!(a, b);
    assert_eq!(a.lines().count(), b.lines().count());
    assert_eq!(a.lines().last().unwrap().len(), 64);
}

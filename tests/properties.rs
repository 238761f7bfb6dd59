//! Property tests: random sequences of container operations keep the daemon's invariants, and the
//! same seed always gives the same transcript.

use dockling::session::run_script;
use dockling::Config;

/// SplitMix64, so the generated scripts are the same everywhere.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

fn random_script(seed: u64, len: usize) -> String {
    let mut g = Gen(seed);
    let names = ["ca", "cb", "cc", "cd"];
    let mut lines = Vec::new();
    for _ in 0..len {
        let n = g.pick(&names);
        let m = g.pick(&names);
        let line = match g.next() % 17 {
            0 => format!(
                "docker run -d --name {n} busybox sleep {}",
                1 + g.next() % 30
            ),
            1 => format!(
                "docker run --name {n} busybox sh -c 'echo hi; exit {}'",
                g.next() % 3
            ),
            2 => format!("docker stop -t {} {n}", g.next() % 3),
            3 => format!("docker kill {n}"),
            4 => format!("docker rm {n}"),
            5 => format!("docker rm -f {n}"),
            6 => format!("docker start {n}"),
            7 => format!("docker pause {n}"),
            8 => format!("docker unpause {n}"),
            9 => format!("docker rename {n} {m}"),
            10 => format!("docker exec {n} ls /"),
            11 => format!("docker logs {n}"),
            12 => "docker ps -a".to_string(),
            13 => format!("sleep {}", g.next() % 20),
            14 => format!("docker restart -t 1 {n}"),
            15 => format!(
                "docker run -d --name {n} --restart on-failure:2 busybox sh -c 'sleep 2; exit 1'"
            ),
            _ => format!("docker wait {n}"),
        };
        lines.push(line);
    }
    lines.push("docker ps -a --format '{{.Names}} {{.State}}'".into());
    lines.join("\n")
}

#[test]
fn random_container_operations_keep_invariants() {
    for seed in 0..60u64 {
        let script = random_script(seed, 40);
        let config = Config {
            seed,
            ..Config::default()
        };
        let t = run_script(config.clone(), &script);
        // Determinism: same script, same seed, same bytes.
        assert_eq!(
            t,
            run_script(config, &script),
            "seed {seed}: not deterministic"
        );
        // The final listing: unique names, legal states.
        let last: Vec<&str> = t
            .stdout
            .lines()
            .rev()
            .take_while(|l| {
                l.split(' ').count() == 2
                    && ["ca", "cb", "cc", "cd"].contains(&l.split(' ').next().unwrap_or(""))
            })
            .collect();
        let mut names: Vec<&str> = last
            .iter()
            .map(|l| l.split(' ').next().unwrap_or(""))
            .collect();
        let before = names.len();
        names.sort();
        names.dedup();
        assert_eq!(
            before,
            names.len(),
            "seed {seed}: duplicate container names\n{script}\n{}",
            t.merged
        );
        for l in &last {
            let state = l.split(' ').nth(1).unwrap_or("");
            assert!(
                ["created", "running", "paused", "restarting", "exited"].contains(&state),
                "seed {seed}: state {state}"
            );
        }
        // Every error is one Docker would print, never a panic or a Rust debug string.
        for line in t.stderr.lines() {
            assert!(
                !line.contains("panicked") && !line.contains("RUST_BACKTRACE"),
                "seed {seed}: {line}"
            );
            let known = line.starts_with("Error response from daemon: ")
                || line.starts_with("docker: ")
                || line.starts_with("Error: ")
                || line.starts_with("Unable to find image")
                || line.starts_with("latest: Pulling")
                || line.contains(": Pulling fs layer")
                || line.contains(": Verifying Checksum")
                || line.contains(": Download complete")
                || line.contains(": Pull complete")
                || line.starts_with("Digest: ")
                || line.starts_with("Status: ")
                || line.starts_with("Run 'docker")
                || line.is_empty();
            assert!(
                known,
                "seed {seed}: unexpected stderr line {line:?}\n{script}"
            );
        }
    }
}

#[test]
fn a_different_seed_changes_ids_only() {
    let script = random_script(7, 30);
    let a = run_script(
        Config {
            seed: 1,
            ..Config::default()
        },
        &script,
    );
    let b = run_script(
        Config {
            seed: 2,
            ..Config::default()
        },
        &script,
    );
    assert_eq!(a.merged.lines().count(), b.merged.lines().count());
}

/// Drains a session's events into text (stdout and stderr interleaved).
fn drain(s: &mut dockling::Session) -> String {
    let mut out = String::new();
    while let Some(e) = s.poll_event() {
        match e {
            dockling::Event::Output { text, .. } => out.push_str(&text),
            dockling::Event::Progress { line, .. } => {
                out.push_str(&line);
                out.push('\n');
            }
            dockling::Event::ProgressRemove { .. } | dockling::Event::Clear => {}
        }
    }
    out
}

#[test]
fn snapshot_then_restore_gives_the_same_state_and_the_same_next_outputs() {
    for seed in 0..30u64 {
        let script = random_script(seed + 100, 30);
        let lines: Vec<&str> = script.lines().collect();
        let cut = (seed as usize * 7) % lines.len();
        let config = Config {
            seed,
            ..Config::default()
        };
        let mut original = dockling::Session::new(config);
        for l in &lines[..cut] {
            original.run_line(l, &mut |_| {});
        }
        drain(&mut original);
        let snap = original.snapshot();
        let mut restored = dockling::Session::restore(&snap).expect("snapshot restores");
        drain(&mut restored);
        assert_eq!(
            format!("{original:?}"),
            format!("{restored:?}"),
            "seed {seed}: restored state differs after {cut} lines\n{snap}"
        );
        assert_eq!(restored.snapshot(), snap, "seed {seed}: snapshot of the restored session");
        for l in &lines[cut..] {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            original.run_line(l, &mut |e| a.push(e));
            restored.run_line(l, &mut |e| b.push(e));
            assert_eq!(a, b, "seed {seed}: outputs differ at {l:?}");
        }
        assert_eq!(format!("{original:?}"), format!("{restored:?}"), "seed {seed}: final state");
    }
}

#[test]
fn broken_snapshots_are_errors_not_panics() {
    for text in ["", "dockling-snapshot 1", "dockling-snapshot 1\nseed x", "hello", "dockling-snapshot 1\nseed 0\nstart 0\ntty false\nbad line", "dockling-snapshot 1\nseed 0\nstart 0\ntty false\n5 fly"] {
        assert!(dockling::Session::restore(text).is_err(), "{text:?}");
    }
}

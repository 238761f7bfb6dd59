//! Every parser takes arbitrary input without panicking or hanging: the shell (through a whole
//! session), docker's flag parser, image references, Go templates. Deterministic random inputs
//! built from the characters each grammar cares about.

use dockling::api::Reference;
use dockling::cli::template;
use dockling::{Config, Session};

struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn string(&mut self, alphabet: &[&str], max: u64) -> String {
        let n = self.next() % max;
        (0..n).map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize]).collect()
    }
}

const SHELL: &[&str] = &[
    "a", "b", " ", " ", "'", "\"", "\\", "$", "(", ")", "((", "))", "{", "}", ";", ";;", "&", "&&", "||", "|", ">", ">>", "<", "<<", "<<-",
    "2>&1", "\n", "#", "*", "?", "~", "=", "if ", "then ", "fi", "while ", "do ", "done", "for ", "in ", "case ", "esac", "echo ",
    "docker ", "run ", "ps ", "-a ", "--name ", "busybox ", "sh -c ", "sleep 1", "EOF", "$?", "$((1+", "${X:-", "cd ", "ls ",
];

#[test]
fn the_shell_and_the_cli_take_any_line() {
    let mut g = Gen(42);
    for round in 0..300 {
        let mut s = Session::new(Config { seed: round, ..Config::default() });
        for _ in 0..8 {
            let line = g.string(SHELL, 24);
            s.run_line(&line, &mut |_| {});
        }
        // The session still answers afterwards.
        s.interrupt();
        let mut out = String::new();
        s.run_line("echo alive", &mut |e| {
            if let dockling::Event::Output { text, .. } = e {
                out.push_str(&text);
            }
        });
        assert!(out.contains("alive"), "round {round}: {out:?}");
    }
}

const DOCKER: &[&str] = &[
    "docker ", "run ", "ps ", "images ", "rm ", "rmi ", "-", "--", "-a", "-q", "-f ", "--format ", "--name=", "-p", "8080:80 ", "-it ",
    "busybox ", "x", "=", "'{{", "}}'", ".Names", "json ", "table ", "\\t", "--filter ", "status=", "container ", "image ", "--help ",
    "-e ", "A=1 ", "-u ", "inspect ", "exec ", "logs ", "--tail ", "stop ", "-t ", "9 ", "kill ", "-s ", "TERM ", "cp ", ":", "/",
];

#[test]
fn docker_commands_with_random_flags_never_panic() {
    let mut g = Gen(7);
    let mut s = Session::new(Config::default());
    s.run_line("docker run -d --name box busybox sleep 1000", &mut |_| {});
    for _ in 0..2000 {
        let line = format!("docker {}", g.string(DOCKER, 10));
        s.run_line(&line, &mut |_| {});
    }
}

#[test]
fn references_and_templates_never_panic() {
    let mut g = Gen(9);
    let refs = &["a", "B", "/", ":", "@", "sha256:", "0123456789abcdef", ".", "-", "_", "localhost", ":5000", "latest", "\u{e9}"];
    for _ in 0..5000 {
        let _ = Reference::parse(&g.string(refs, 12));
    }
    let tpl = &["{{", "}}", ".", "A", "B", " ", "json", "range", "end", "if", "else", "with", "$", "$k", ",", ":=", "|", "(", ")", "\"", "index", "1"];
    let value = serde_json::json!({"A": {"B": [1, 2]}, "L": {"k": "v"}});
    for _ in 0..5000 {
        let _ = template::render(&g.string(tpl, 16), &value);
    }
}

#[test]
fn regular_expressions_and_sed_scripts_never_panic_or_hang() {
    use dockling::regex::{Regex, Syntax};
    let mut g = Gen(11);
    let re = &["a", "b", ".", "*", "+", "?", "\\", "(", ")", "\\(", "\\)", "[", "]", "^", "$", "{", "}", "\\{2,", "|", "\\|", "-", "[:alpha:]", "\\w", "1", ","];
    let text = "aab ba-b (a)[b] {2} a|b";
    for _ in 0..5000 {
        let p = g.string(re, 12);
        for syntax in [Syntax::Basic, Syntax::Extended] {
            if let Ok(r) = Regex::new(&p, syntax, false) {
                let _ = r.is_match(text);
            }
        }
    }
    // sed scripts through a container's shell.
    let mut s = Session::new(Config::default());
    s.run_line("docker run -d --name box busybox sleep 1000", &mut |_| {});
    let sed = &["s", "/", "a", "b", "\\", "g", "p", "d", "q", "=", ";", "$", "!", "1", ",", "&", "\\1", "\\(", "\\)", "*", "'", " ", "y", "n", "-e "];
    for _ in 0..300 {
        let script = g.string(sed, 14).replace('\'', "");
        s.run_line(&format!("docker exec box sh -c \"printf 'a\\nab\\nb\\n' | sed -n '{script}'\""), &mut |_| {});
    }
    let mut out = String::new();
    s.run_line("docker exec box echo alive", &mut |e| {
        if let dockling::Event::Output { text, .. } = e {
            out.push_str(&text);
        }
    });
    assert!(out.contains("alive"), "{out:?}");
}

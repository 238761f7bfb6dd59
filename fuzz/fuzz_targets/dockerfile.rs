//! Fuzzes the Dockerfile frontend: parse, dump, typed instructions, expansion, build checks,
//! error rendering and `.dockerignore` matching must never panic or hang.
#![no_main]

use dockling::dockerfile::{self, expand, ignore::Ignore, LintOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    let parsed = dockerfile::parse(&src);
    let _ = dockerfile::dump(&parsed.ast);
    let (df, diags) = dockerfile::instructions(&parsed);
    if let Some(d) = diags.first() {
        let _ = dockerfile::render_build_error("Dockerfile", &src, d);
    }
    let env = |k: &str| (k == "A").then(|| "x".to_string());
    for stage in &df.stages {
        for cmd in &stage.commands {
            let _ = dockerfile::expand_command(cmd, parsed.ast.escape, &env);
        }
    }
    let ig = Ignore::parse(&src);
    let _ = dockerfile::lint(&parsed, &df, &LintOptions { ignore: Some(&ig), all_stages: true, ..LintOptions::default() });
    for line in src.lines().take(8) {
        let _ = expand::process_words(line, '\\', &env);
        let _ = ig.matches(line);
    }
});

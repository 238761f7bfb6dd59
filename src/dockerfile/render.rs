//! How BuildKit and buildx v0.24 (docker 28.2.2) print a failed build's source excerpt and
//! error line, and the build-check warnings summary.

use super::lint::Warning;
use super::{Diagnostic, LineRange};

/// The source excerpt BuildKit attaches to an error (`errdefs.Source.Print`):
/// `Dockerfile:2`, a dashed rule, numbered lines with ` >>> ` on the culprit, a dashed rule.
/// Empty when the location is outside the file (line 0, as for some directive errors).
pub fn error_excerpt(filename: &str, src: &str, loc: &LineRange) -> String {
    let lines: Vec<&str> = src.split('\n').collect();
    let n = lines.len();
    let (mut start, mut end) = (loc.start as usize, loc.end.max(loc.start) as usize);
    if start > n || start < 1 {
        return String::new();
    }
    end = end.min(n);
    let pad = if end == start { 4 } else { 2 };
    let first = start;
    let mut p = 0;
    while p < pad {
        if start > 1 {
            start -= 1;
            p += 1;
        }
        if end != n {
            end += 1;
            p += 1;
        }
        p += 1;
    }
    let mut out = format!("{filename}:{first}\n--------------------\n");
    for (i, line) in lines.iter().enumerate().take(end).skip(start - 1) {
        let no = i + 1;
        let inside = no >= loc.start as usize && no <= loc.end.max(loc.start) as usize;
        let pfx = if inside { ">>>" } else { "   " };
        out.push_str(&format!(" {no:>3} | {pfx} {line}\n"));
    }
    out.push_str("--------------------\n");
    out
}

/// What `docker build` prints on stderr when the Dockerfile is rejected: each location's
/// excerpt, then `ERROR: failed to solve: <message>`.
pub fn render_build_error(filename: &str, src: &str, diag: &Diagnostic) -> String {
    let mut out = String::new();
    for loc in &diag.locations {
        out.push_str(&error_excerpt(filename, src, loc));
    }
    out.push_str("ERROR: failed to solve: ");
    out.push_str(&diag.message);
    out.push('\n');
    out
}

/// buildx's warnings summary after a build: `\n N warnings found (use docker --debug to
/// expand):\n` (yellow: buildx always adds the colour codes) and ` - <Rule>: <message> (line N)`
/// lines; with `debug`, each warning also gets its description, URL and source excerpt.
pub fn render_warnings(warnings: &[Warning], color: bool, debug: Option<(&str, &str)>) -> String {
    if warnings.is_empty() {
        return String::new();
    }
    let mut head = if warnings.len() == 1 { "1 warning found".to_string() } else { format!("{} warnings found", warnings.len()) };
    if debug.is_none() {
        head.push_str(" (use docker --debug to expand)");
    }
    head.push_str(":\n");
    let mut out = String::from("\n ");
    if color {
        out.push_str("\x1b[33m");
        out.push_str(&head);
        out.push_str("\x1b[0m");
    } else {
        out.push_str(&head);
    }
    for w in warnings {
        out.push_str(&format!(" - {}\n", w.short()));
        if let Some((filename, src)) = debug {
            out.push_str(w.description);
            out.push('\n');
            if !w.url.is_empty() {
                out.push_str(&format!("More info: {}\n", w.url));
            }
            for loc in &w.locations {
                out.push_str(&error_excerpt(filename, src, loc));
            }
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{instructions, parse};
    use super::*;

    #[test]
    fn excerpt_like_buildkit() {
        let src = "FROM alpine\nRUNN echo hi\nCMD x\n";
        let (_, d) = instructions(&parse(src));
        let got = render_build_error("Dockerfile", src, &d[0]);
        let want = "Dockerfile:2\n--------------------\n   1 |     FROM alpine\n   2 | >>> RUNN echo hi\n   3 |     CMD x\n   4 |     \n--------------------\nERROR: failed to solve: dockerfile parse error on line 2: unknown instruction: RUNN (did you mean RUN?)\n";
        assert_eq!(got, want);
        let long: String = (1..=20).map(|i| format!("L{i}\n")).collect();
        let e = error_excerpt("Dockerfile", &long, &LineRange { start: 10, end: 11 });
        assert_eq!(e.lines().nth(2), Some("   9 |     L9"));
        assert_eq!(e.lines().filter(|l| l.contains(">>>")).count(), 2);
        assert_eq!(e.lines().count(), 2 + 4 + 1);
        assert_eq!(error_excerpt("D", "x", &LineRange { start: 0, end: 0 }), "");
    }

    #[test]
    fn warnings_summary() {
        let src = "FROM alpine\nCMD echo hi\n";
        let p = parse(src);
        let (df, _) = instructions(&p);
        let w = super::super::lint(&p, &df, &super::super::LintOptions::default()).warnings;
        assert_eq!(
            render_warnings(&w, false, None),
            "\n 1 warning found (use docker --debug to expand):\n - JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals (line 2)\n"
        );
        assert!(render_warnings(&w, true, None).starts_with("\n \x1b[33m1 warning found"));
        let dbg = render_warnings(&w, false, Some(("Dockerfile", src)));
        assert!(dbg.contains("More info: https://docs.docker.com/go/dockerfile/rule/json-args-recommended/\nDockerfile:2\n"), "{dbg}");
    }
}

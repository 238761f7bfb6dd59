//! `docker version` (cli/command/system/version.go, default template).

use super::Invocation;
use crate::cli::args::Parsed;
use crate::cli::{Ctx, Outcome};

pub const CLIENT_VERSION: &str = "28.2.2";

/// `docker version`: the client block, then the daemon's.
pub fn version(p: &Parsed, ctx: &mut Ctx, _inv: &Invocation) -> Outcome {
    if p.has("format") {
        ctx.err("dockling: docker version --format is not simulated yet\n");
        return Outcome::Done(1);
    }
    let v = ctx.daemon.version();
    let mut s = String::from(
        "Client:\n Version:           28.2.2\n API version:       1.50\n Go version:        go1.24.3\n Git commit:        e6534b4\n Built:             Fri May 30 12:07:14 2025\n OS/Arch:           linux/amd64\n Context:           default\n\nServer:\n",
    );
    s.push_str(&format!(
        " Engine:\n  Version:          {}\n  API version:      {} (minimum version {})\n  Go version:       {}\n  Git commit:       {}\n  Built:            {}\n  OS/Arch:          {}/{}\n  Experimental:     {}\n",
        v.version, v.api_version, v.min_api_version, v.go_version, v.git_commit, v.built, v.os, v.arch, v.experimental
    ));
    for (name, version, commit) in &v.components {
        s.push_str(&format!(
            " {name}:\n  Version:          {version}\n  GitCommit:        {commit}\n"
        ));
    }
    ctx.out(&s);
    Outcome::Done(0)
}

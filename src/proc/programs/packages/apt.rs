//! `apt-get`, `apt` and `apt-cache` (apt 2.6.1 on Debian bookworm, 2.8.3 on Ubuntu noble): update, install, remove,
//! purge, upgrade, list, search, show, policy, with apt's and dpkg's own wording (read from
//! apt's `apt-private/` and dpkg's `src/main/` sources), on the package data of `archive.rs`.

use super::archive::{show_list, size_to_str, Archive, Pkg, Stage};
use super::dpkg::{self, Entry};
use super::job::{Answer, FsOp, Job};
use crate::proc::program::{Ctx, Program};
use crate::vfs::{NodeKind, Tree};

const LISTS: &str = "/var/lib/apt/lists";
const EXT_STATES: &str = "/var/lib/apt/extended_states";

/// The distribution of the container, from `/etc/os-release`.
#[derive(Clone, Debug, Default)]
struct Os {
    id: String,
    codename: String,
}

fn read(fs: &Tree, path: &str) -> Option<String> {
    match &fs.get(path)?.kind {
        NodeKind::File(d) => Some(String::from_utf8_lossy(d).into_owned()),
        _ => None,
    }
}

fn os(fs: &Tree) -> Os {
    let text = read(fs, "/etc/os-release").unwrap_or_default();
    let val = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(k).and_then(|r| r.strip_prefix('=')))
            .unwrap_or("")
            .trim_matches('"')
            .to_string()
    };
    Os { id: val("ID"), codename: val("VERSION_CODENAME") }
}

/// One repository index apt fetches: `(uri, suite, component)`; component empty for InRelease.
fn sources(fs: &Tree) -> Vec<(String, String, Vec<String>)> {
    let mut out = Vec::new();
    let dir = "/etc/apt/sources.list.d";
    let files: Vec<String> = fs.list(dir).map(|m| m.keys().filter(|k| k.ends_with(".sources")).cloned().collect()).unwrap_or_default();
    for f in files {
        let text = read(fs, &format!("{dir}/{f}")).unwrap_or_default();
        for stanza in text.split("\n\n") {
            let field = |k: &str| stanza.lines().find_map(|l| l.strip_prefix(k).and_then(|r| r.strip_prefix(':'))).unwrap_or("").trim().to_string();
            let uri = field("URIs").trim_end_matches('/').to_string();
            let comps: Vec<String> = field("Components").split_whitespace().map(str::to_string).collect();
            for suite in field("Suites").split_whitespace() {
                if !uri.is_empty() {
                    out.push((uri.clone(), suite.to_string(), comps.clone()));
                }
            }
        }
    }
    // /etc/apt/sources.list one-line entries
    for line in read(fs, "/etc/apt/sources.list").unwrap_or_default().lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        if w.len() >= 4 && w[0] == "deb" {
            out.push((w[1].trim_end_matches('/').to_string(), w[2].to_string(), w[3..].iter().map(|s| s.to_string()).collect()));
        }
    }
    out
}

/// The size of an index as the archives serve them (InRelease, Packages.xz), in bytes; 0 for
/// an index the suite's InRelease does not list (apt skips it without a word).
fn index_size(suite: &str, comp: &str) -> u64 {
    match (suite, comp) {
        ("bookworm", "") => 151_075,
        ("bookworm-updates", "") => 55_403,
        ("bookworm-security", "") => 48_037,
        ("bookworm", "main") => 8_792_611,
        ("bookworm-updates", "main") => 6_924,
        ("bookworm-security", "main") => 271_893,
        (s, "") if s.ends_with("-security") || s.ends_with("-updates") || s.ends_with("-backports") => 126_381,
        (_, "") => 256_432,
        // as Ubuntu's archive served them on 2026-12-02
        ("noble", "main") => 1_808_154,
        ("noble", "universe") => 19_271_231,
        ("noble", "restricted") => 117_015,
        ("noble", "multiverse") => 331_453,
        ("noble-updates", "main") => 1_862_377,
        ("noble-updates", "universe") => 2_194_210,
        ("noble-updates", "restricted") => 2_438_102,
        ("noble-updates", "multiverse") => 61_714,
        ("noble-security", "main") => 1_544_286,
        ("noble-security", "universe") => 1_590_031,
        ("noble-security", "restricted") => 2_316_447,
        ("noble-security", "multiverse") => 55_612,
        ("noble-backports", "main") => 49_018,
        ("noble-backports", "universe") => 36_341,
        ("noble-backports", "multiverse") => 669,
        ("noble-backports", "restricted") => 0,
        (_, "main") => 1_105_248,
        (_, "universe") => 1_086_402,
        (_, "restricted") => 1_354_221,
        (_, _) => 21_950,
    }
}

fn list_file(uri: &str, suite: &str, tail: &str) -> String {
    let u = uri.trim_start_matches("http://").trim_start_matches("https://").replace('/', "_");
    format!("{LISTS}/{u}_dists_{suite}_{tail}")
}

#[derive(Clone, Debug, Default)]
struct Opts {
    yes: bool,
    quiet: u32,
    recommends: bool,
    simulate: bool,
    purge: bool,
    installed: bool,
    upgradable: bool,
    names_only: bool,
    cmd: String,
    args: Vec<String>,
}

fn parse(argv: &[String]) -> Result<Opts, String> {
    let mut o = Opts { recommends: true, ..Opts::default() };
    let mut it = argv.iter().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "-y" | "--yes" | "--assume-yes" => o.yes = true,
            "-q" | "--quiet" => o.quiet += 1,
            "-qq" => o.quiet += 2,
            "--no-install-recommends" => o.recommends = false,
            "--install-recommends" => o.recommends = true,
            "-s" | "--simulate" | "--dry-run" | "--just-print" | "--no-act" | "--recon" => o.simulate = true,
            "--purge" => o.purge = true,
            "--installed" => o.installed = true,
            "--upgradable" => o.upgradable = true,
            "--names-only" => o.names_only = true,
            "--no-install-suggests" | "--fix-missing" | "-f" | "--fix-broken" | "--no-upgrade" | "--allow-unauthenticated" | "--allow-downgrades" | "--allow-remove-essential" | "--allow-change-held-packages" | "--show-progress" | "--auto-remove" | "--autoremove" => {}
            "-o" | "--option" | "-c" | "--config-file" | "-t" | "--target-release" => {
                it.next();
            }
            s if s.starts_with("-o") || s.starts_with("--option=") || s.starts_with("-t") => {}
            s if s.starts_with("--") => return Err(format!("E: Command line option {s} is not understood in combination with the other options\n")),
            s if s.starts_with('-') && s.len() > 1 => {
                let mut flags = s[1..].chars();
                for c in flags.by_ref() {
                    match c {
                        'y' => o.yes = true,
                        'q' => o.quiet += 1,
                        's' => o.simulate = true,
                        'f' => {}
                        _ => return Err(format!("E: Command line option '{c}' [from {s}] is not understood in combination with the other options.\n")),
                    }
                }
            }
            s if o.cmd.is_empty() => o.cmd = s.to_string(),
            s => o.args.push(s.to_string()),
        }
    }
    Ok(o)
}

/// What a run sees: the archive (when the distribution's data is simulated), the dpkg
/// database, the apt lists.
struct State {
    arch: Option<Archive>,
    entries: Vec<Entry>,
    have_lists: bool,
    tty: bool,
    os: Os,
    /// Packages marked `Auto-Installed: 1`.
    auto: Vec<String>,
    slim_docs: bool,
    /// `-q` levels; apt sets 1 itself when stdout is not a terminal.
    quiet: u32,
    /// Packages the image has without a status entry (its programs are there).
    present: Vec<String>,
    /// apt keeps an extended-states file (see `header`).
    ext_states: bool,
}

impl State {
    fn installed(&self, name: &str) -> bool {
        self.entries.iter().any(|e| e.name() == name && e.installed()) || self.present.iter().any(|p| p == name)
    }
    /// apt's own messages: gone with `-qq`.
    fn say(&self, job: &mut Job, text: &str) {
        if self.quiet < 2 {
            job.out(text);
        }
    }
    fn entry(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.name() == name && e.installed())
    }
    fn done(&self) -> &'static str {
        if self.tty && self.quiet == 0 {
            " Done"
        } else {
            ""
        }
    }
    /// What apt prints as it loads its cache. It reads state information only when
    /// `/var/lib/apt/extended_states` exists: Debian's images (debootstrap, no apt run) have
    /// none until apt first installs something (checked in a bookworm chroot); Ubuntu's do.
    fn header(&self, job: &mut Job) {
        let d = self.done();
        let state = if self.ext_states { format!("Reading state information...{d}\n") } else { String::new() };
        self.say(job, &format!("Reading package lists...{d}\nBuilding dependency tree...{d}\n{state}"));
    }
    /// The archive's package `name`, when apt has lists to know it.
    fn candidate(&self, name: &str) -> Option<&Pkg> {
        let a = self.arch.as_ref()?;
        let p = a.get(a.find(name)?);
        (self.have_lists && !p.base).then_some(p)
    }
}

fn load(ctx: &Ctx, quiet: u32) -> State {
    let os = os(ctx.fs);
    let have_lists = sources(ctx.fs).iter().any(|(u, s, c)| c.first().is_some_and(|c| ctx.fs.get(&list_file(u, s, &format!("{c}_binary-amd64_Packages.lz4"))).is_some()));
    let arch = Archive::for_os(&os.id, &os.codename);
    let auto = read(ctx.fs, EXT_STATES)
        .unwrap_or_default()
        .split("\n\n")
        .filter(|s| s.contains("Auto-Installed: 1"))
        .filter_map(|s| s.lines().find_map(|l| l.strip_prefix("Package: ")).map(str::to_string))
        .collect();
    let entries = dpkg::status(ctx.fs);
    // Images built FROM debian (buildpack-deps, python, node…) have the programs of packages
    // their Dockerfiles installed but, in Dockling's catalog, not their status entries.
    let present = arch
        .as_ref()
        .map(|a| {
            a.pkgs
                .iter()
                .filter(|p| !p.base && !entries.iter().any(|e| e.name() == p.name))
                .filter(|p| {
                    p.bins.split(';').find(|b| !b.contains('>') && !b.is_empty()).is_some_and(|b| {
                        let real = ctx.fs.canonical(b).unwrap_or_default();
                        ctx.fs.get(&real).is_some_and(|n| matches!(&n.kind, NodeKind::File(d) if d.starts_with(b"#!dockling:")))
                    })
                })
                .map(|p| p.name.to_string())
                .collect()
        })
        .unwrap_or_default();
    let ext_states = ctx.fs.get(EXT_STATES).is_some() || os.id == "ubuntu";
    State {
        arch,
        present,
        quiet: if ctx.tty { quiet } else { quiet.max(1) },
        entries,
        have_lists,
        tty: ctx.tty,
        os,
        auto,
        slim_docs: ctx.fs.get("/etc/dpkg/dpkg.cfg.d/docker").is_some(),
        ext_states,
    }
}

/// `apt-get update`.
fn update(st: &State, ctx: &Ctx, job: &mut Job, prog: &str) -> i32 {
    let srcs = sources(ctx.fs);
    if !ctx.online {
        return update_offline(st, &srcs, job, prog);
    }
    let mut n = 0;
    let mut fetched = 0u64;
    let mut lines = String::new();
    let mut files = Vec::new();
    for (uri, suite, _) in &srcs {
        n += 1;
        let f = list_file(uri, suite, "InRelease");
        if ctx.fs.get(&f).is_some() {
            lines.push_str(&format!("Hit:{n} {uri} {suite} InRelease\n"));
        } else {
            let sz = index_size(suite, "");
            fetched += sz;
            lines.push_str(&format!("Get:{n} {uri} {suite} InRelease [{}B]\n", size_to_str(sz)));
            files.push(f);
        }
    }
    for (uri, suite, comps) in &srcs {
        for c in comps {
            let f = list_file(uri, suite, &format!("{c}_binary-amd64_Packages.lz4"));
            let sz = index_size(suite, c);
            if ctx.fs.get(&f).is_none() && sz > 0 {
                n += 1;
                fetched += sz;
                lines.push_str(&format!("Get:{n} {uri} {suite}/{c} amd64 Packages [{}B]\n", size_to_str(sz)));
                files.push(f);
            }
        }
    }
    let ms = 300 + fetched / 8_000;
    job.sleep(ms / 2);
    st.say(job, &lines);
    job.sleep(ms / 2);
    if fetched > 0 {
        st.say(job, &format!("Fetched {}B in {} ({}B/s)\n", size_to_str(fetched), secs(ms), size_to_str(fetched * 1000 / ms.max(1))));
    }
    job.fs(FsOp::Mkdir { path: format!("{LISTS}/partial") });
    job.fs(FsOp::Mkdir { path: format!("{LISTS}/auxfiles") });
    job.write(&format!("{LISTS}/lock"), "");
    for f in files {
        job.write(&f, "dockling: the contents of this index are not simulated\n");
    }
    let d = st.done();
    st.say(job, &format!("Reading package lists...{d}\n"));
    if prog == "apt" {
        let state = if st.ext_states { format!("Reading state information...{d}\n") } else { String::new() };
        st.say(job, &format!("Building dependency tree...{d}\n{state}All packages are up to date.\n"));
    }
    0
}

/// The host of a source URI (`http://deb.debian.org/debian` → `deb.debian.org`).
fn uri_host(uri: &str) -> &str {
    let rest = uri.split_once("://").map(|(_, r)| r).unwrap_or(uri);
    rest.split('/').next().unwrap_or(rest)
}

/// `apt-get update` without a network, as apt 2.6 prints it (checked in a bookworm chroot
/// with no network; the timing from a real build log): three rounds of `Ign:` while the resolver retries, then `Err:`, and
/// warnings that the indexes were ignored. It still succeeds.
fn update_offline(st: &State, srcs: &[(String, String, Vec<String>)], job: &mut Job, prog: &str) -> i32 {
    let ign: String = srcs.iter().enumerate().map(|(k, (uri, suite, _))| format!("Ign:{} {uri} {suite} InRelease\n", k + 1)).collect();
    // The resolver is asked again after 1 s, 2 s and 4 s (as a real bookworm build log shows).
    for wait in [0, 1000, 2000] {
        job.sleep(wait);
        st.say(job, &ign);
    }
    job.sleep(4000);
    let err: String = srcs.iter().enumerate().map(|(k, (uri, suite, _))| format!("Err:{} {uri} {suite} InRelease\n  Temporary failure resolving '{}'\n", k + 1, uri_host(uri))).collect();
    st.say(job, &err);
    let d = st.done();
    st.say(job, &format!("Reading package lists...{d}\n"));
    if prog == "apt" {
        st.say(job, &format!("Building dependency tree...{d}\nAll packages are up to date.\n"));
    }
    let mut w: String = srcs
        .iter()
        .map(|(uri, suite, _)| format!("W: Failed to fetch {uri}/dists/{suite}/InRelease  Temporary failure resolving '{}'\n", uri_host(uri)))
        .collect();
    w.push_str("W: Some index files failed to download. They have been ignored, or old ones used instead.\n");
    job.err(&w);
    0
}

/// apt's `TimeToStr` for the elapsed seconds (rounded).
fn secs(ms: u64) -> String {
    let s = (ms + 500) / 1000;
    if s > 60 {
        format!("{}min {}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

/// dpkg's `(Reading database ... N files and directories currently installed.)`; on a
/// terminal (apt gives dpkg a pty) with its percentages, each overwritten by the next.
fn reading_database(count: u64, tty: bool) -> String {
    let t = "(Reading database ... ";
    let mut s = String::from(t);
    if tty {
        s.push('\r');
        for p in (5..=100).step_by(5) {
            s.push_str(&format!("{t}{p}%\r"));
        }
        s.push_str(t);
    }
    s.push_str(&format!("{count} files and directories currently installed.)\n"));
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn dpkg_shortens_deb_paths_to_30_columns() {
        assert_eq!(super::short_path("/var/cache/apt/archives/wget_1.21.3-1+deb12u1_amd64.deb"), ".../wget_1.21.3-1+deb12u1_amd64.deb");
        assert_eq!(super::short_path("/var/cache/apt/archives/zip_3.0-13_amd64.deb"), ".../archives/zip_3.0-13_amd64.deb");
        assert_eq!(super::short_path("/tmp/apt-dpkg-install-Xq3kLm/07-libkeyutils1_1.6.3-2_amd64.deb"), ".../07-libkeyutils1_1.6.3-2_amd64.deb");
        assert_eq!(super::short_path("/a.deb"), "/a.deb");
    }
}

/// dpkg's shortening of a .deb path in `Preparing to unpack …`.
fn short_path(path: &str) -> String {
    let mut p = path;
    while p.len() > 30 {
        match p.find('/') {
            Some(i) => p = &p[i + 1..],
            None => break,
        }
    }
    if p.len() == path.len() {
        path.to_string()
    } else {
        format!(".../{p}")
    }
}

/// Programs, by the name of their file, that run as a simulated program of another name.
fn marker(base: &str) -> String {
    match base {
        b if b.starts_with("python3.") => "python",
        "vim.basic" => "vim",
        "nodejs" => "node",
        "pip3" => "pip",
        "npm-cli.js" => "npm",
        "npx-cli.js" => "npx",
        b => b,
    }
    .to_string()
}

const ALTERNATIVES: &str = include_str!("alternatives.txt");

/// One `update-alternatives --install` of a postinst.
struct Alt {
    pkg: &'static str,
    quiet: bool,
    name: &'static str,
    link: &'static str,
    path: &'static str,
    priority: i64,
    slaves: &'static str,
}

fn alternatives() -> impl Iterator<Item = Alt> {
    ALTERNATIVES.lines().filter(|l| !l.starts_with('#')).filter_map(|l| {
        let f: Vec<&'static str> = l.split('\t').collect();
        (f.len() >= 7).then(|| Alt { pkg: f[0], quiet: f[1] == "q", name: f[2], link: f[3], path: f[4], priority: f[5].parse().unwrap_or(0), slaves: if f[6] == "-" { "" } else { f[6] } })
    })
}

/// The alternatives' state (`/var/lib/dpkg/alternatives/NAME`) while a run changes it: name →
/// (link, choices with priorities).
#[derive(Default)]
struct Alts {
    groups: Vec<Group>,
}

/// A link group: name, link, choices with priorities.
type Group = (String, String, Vec<(String, i64)>);

const ALT_DIR: &str = "/var/lib/dpkg/alternatives";

impl Alts {
    fn group<'a>(&'a mut self, fs: &Tree, name: &str, link: &str) -> &'a mut Group {
        if let Some(i) = self.groups.iter().position(|g| g.0 == name) {
            return &mut self.groups[i];
        }
        // the admin file: status, link, slaves…, blank, then path/priority pairs
        let text = read(fs, &format!("{ALT_DIR}/{name}")).unwrap_or_default();
        let mut choices = Vec::new();
        if let Some((_, rest)) = text.split_once("\n\n") {
            let lines: Vec<&str> = rest.lines().filter(|l| !l.is_empty()).collect();
            for pair in lines.chunks(2) {
                if let [p, pr] = pair {
                    choices.push((p.to_string(), pr.parse().unwrap_or(0)));
                }
            }
        }
        self.groups.push((name.to_string(), link.to_string(), choices));
        let n = self.groups.len() - 1;
        &mut self.groups[n]
    }

    fn best(choices: &[(String, i64)]) -> Option<String> {
        let mut best: Option<&(String, i64)> = None;
        for c in choices {
            if best.is_none_or(|b| c.1 > b.1) {
                best = Some(c);
            }
        }
        best.map(|b| b.0.clone())
    }

    /// `update-alternatives --install` of `a`, as it prints and links.
    fn install(&mut self, fs: &Tree, a: &Alt, slim: bool, job: &mut Job) {
        let g = self.group(fs, a.name, a.link);
        let before = Alts::best(&g.2);
        g.2.retain(|c| c.0 != a.path);
        g.2.push((a.path.to_string(), a.priority));
        let after = Alts::best(&g.2);
        let text = alt_file(g);
        job.write(&format!("{ALT_DIR}/{}", a.name), &text);
        if after != before {
            let choice = after.unwrap_or_default();
            if !a.quiet {
                job.out(&format!("update-alternatives: using {choice} to provide {} ({}) in auto mode\n", a.link, a.name));
                if slim && choice == a.path {
                    for sl in a.slaves.split(',').filter(|s| !s.is_empty()) {
                        if let Some((link, path)) = sl.split_once('>') {
                            if path.starts_with("/usr/share/man/") {
                                job.err(&format!("update-alternatives: warning: skip creation of {link} because associated file {path} (of link group {}) doesn't exist\n", a.name));
                            }
                        }
                    }
                }
            }
            job.fs(FsOp::Symlink { path: format!("/etc/alternatives/{}", a.name), target: choice });
            job.fs(FsOp::Symlink { path: a.link.to_string(), target: format!("/etc/alternatives/{}", a.name) });
        }
    }

    /// `update-alternatives --remove` of a removed package's choices.
    fn remove(&mut self, fs: &Tree, a: &Alt, job: &mut Job) {
        let g = self.group(fs, a.name, a.link);
        g.2.retain(|c| c.0 != a.path);
        match Alts::best(&g.2) {
            Some(c) => {
                let text = alt_file(g);
                job.write(&format!("{ALT_DIR}/{}", a.name), &text);
                job.fs(FsOp::Symlink { path: format!("/etc/alternatives/{}", a.name), target: c });
            }
            None => {
                job.fs(FsOp::Remove { path: format!("{ALT_DIR}/{}", a.name) });
                job.fs(FsOp::Remove { path: format!("/etc/alternatives/{}", a.name) });
                job.fs(FsOp::Remove { path: a.link.to_string() });
            }
        }
    }
}

fn alt_file(g: &Group) -> String {
    let mut s = format!("auto\n{}\n\n", g.1);
    for (p, pr) in &g.2 {
        s.push_str(&format!("{p}\n{pr}\n"));
    }
    s.push('\n');
    s
}

/// What a package's maintainer scripts print while it is set up.
fn postinst(st: &State, p: &Pkg, ctx: &Ctx, set: &[&Pkg], alts: &mut Alts, job: &mut Job) {
    let noninteractive = ctx.var("DEBIAN_FRONTEND") == Some("noninteractive");
    let Some(distro) = st.arch.as_ref().map(|a| a.distro) else { return };
    // debconf's frontends as they fail in a container (Debconf/FrontEnd/*.pm on Debian 12)
    if p.debconf && !noninteractive && distro.debconf_fallbacks {
        let perl = st.installed("perl-modules-5.36") || set.iter().any(|q| q.name == "perl-modules-5.36");
        job.err("debconf: unable to initialize frontend: Dialog\ndebconf: (No usable dialog-like program is installed, so the dialog based frontend cannot be used. at /usr/share/perl5/Debconf/FrontEnd/Dialog.pm line 78.)\ndebconf: falling back to frontend: Readline\n");
        if perl && !st.tty {
            job.err("debconf: unable to initialize frontend: Readline\ndebconf: (This frontend requires a controlling tty.)\ndebconf: falling back to frontend: Teletype\n");
        } else if !perl {
            job.err("debconf: unable to initialize frontend: Readline\ndebconf: (Can't locate Term/ReadLine.pm in @INC (you may need to install the Term::ReadLine module) (@INC contains: /etc/perl /usr/local/lib/x86_64-linux-gnu/perl/5.36.0 /usr/local/share/perl/5.36.0 /usr/lib/x86_64-linux-gnu/perl5/5.36 /usr/share/perl5 /usr/lib/x86_64-linux-gnu/perl-base /usr/lib/x86_64-linux-gnu/perl/5.36 /usr/share/perl/5.36 /usr/local/lib/site_perl) at /usr/share/perl5/Debconf/FrontEnd/Readline.pm line 7.)\ndebconf: falling back to frontend: Teletype\n");
        }
    }
    match p.name {
        "ca-certificates" => {
            job.out(&format!("Updating certificates in /etc/ssl/certs...\n{} added, 0 removed; done.\n", distro.ca_added));
            if distro.ca_hooks_in_postinst {
                job.out("Running hooks in /etc/ca-certificates/update.d...\ndone.\n");
            }
        }
        "locales" => job.out("Generating locales (this might take a while)...\nGeneration complete.\n"),
        "python3" if !noninteractive => {
            // the distribution's python3.N, which python3 depends on
            let py = Pkg::groups(p.depends).flatten().find(|d| d.starts_with("python3.") && !d.contains('-')).unwrap_or("python3");
            job.out(&format!("running python rtupdate hooks for {py}...\nrunning python post-rtupdate hooks for {py}...\n"));
        }
        _ => {}
    }
    for a in alternatives().filter(|a| a.pkg == p.name) {
        alts.install(ctx.fs, &a, st.slim_docs, job);
        // the program behind the link, when the package's own list does not have it
        if !p.bins.split(';').any(|b| b.split('>').next() == Some(a.path)) && a.path.contains("/bin/") {
            job.fs(FsOp::Write { path: a.path.to_string(), data: format!("#!dockling:{}\n", marker(a.name)).into_bytes(), mode: 0o755 });
        }
    }
}

/// The files an installed package leaves: its programs (as `#!dockling:` markers), links,
/// docs, dpkg's file list.
fn files_of(p: &Pkg, slim: bool, job: &mut Job) {
    let mut listed: Vec<String> = vec!["/.".into()];
    let add_dirs = |path: &str, listed: &mut Vec<String>| {
        let mut acc = String::new();
        for seg in path.trim_start_matches('/').split('/').collect::<Vec<_>>().iter().rev().skip(1).rev() {
            acc.push('/');
            acc.push_str(seg);
            if !listed.contains(&acc) {
                listed.push(acc.clone());
            }
        }
        listed.push(path.to_string());
    };
    let bins: Vec<(&str, Option<&str>)> = p.bins.split(';').filter(|b| !b.is_empty()).map(|b| match b.split_once('>') {
        Some((a, t)) => (a, Some(t)),
        None => (b, None),
    }).collect();
    for (path, link) in &bins {
        match link {
            None => job.fs(FsOp::Write { path: path.to_string(), data: format!("#!dockling:{}\n", marker(crate::vfs::basename(path))).into_bytes(), mode: 0o755 }),
            Some(t) => {
                job.fs(FsOp::Symlink { path: path.to_string(), target: t.to_string() });
                let abs = crate::vfs::normalize(crate::vfs::parent(path), t);
                if !bins.iter().any(|(b, _)| *b == abs) && !abs.starts_with("/etc/alternatives") {
                    let name = match crate::vfs::basename(&abs) {
                        b if b.ends_with(".js") || b.ends_with(".py") => marker(b),
                        _ => marker(crate::vfs::basename(path)),
                    };
                    job.fs(FsOp::Write { path: abs.clone(), data: format!("#!dockling:{name}\n").into_bytes(), mode: 0o755 });
                    add_dirs(&abs, &mut listed);
                }
            }
        }
        add_dirs(path, &mut listed);
    }
    let doc = format!("/usr/share/doc/{}", p.name);
    job.fs(FsOp::Write { path: format!("{doc}/copyright"), data: b"dockling: the text of this file is not simulated\n".to_vec(), mode: 0o644 });
    add_dirs(&format!("{doc}/copyright"), &mut listed);
    if !slim {
        job.fs(FsOp::Write { path: format!("{doc}/changelog.Debian.gz"), data: b"dockling: the text of this file is not simulated\n".to_vec(), mode: 0o644 });
        add_dirs(&format!("{doc}/changelog.Debian.gz"), &mut listed);
    }
    let mut list: String = listed.iter().map(|l| format!("{l}\n")).collect();
    if p.new_paths as usize + 1 > listed.len() {
        list.push_str(&format!("dockling: {} more paths of {} are not simulated\n", p.new_paths as usize + 1 - listed.len(), p.name));
    }
    job.write(&format!("/var/lib/dpkg/info/{}.list", p.dpkg_name()), &list);
}

fn status_entry(p: &Pkg) -> Entry {
    let mut f: Vec<(String, String)> = vec![("Package".into(), p.name.into())];
    if p.essential {
        f.push(("Essential".into(), "yes".into()));
    }
    f.push(("Status".into(), "install ok installed".into()));
    f.push(("Priority".into(), p.priority.into()));
    f.push(("Section".into(), p.section.into()));
    f.push(("Installed-Size".into(), p.installed_size.to_string()));
    f.push(("Architecture".into(), p.arch.into()));
    if p.ma_same {
        f.push(("Multi-Arch".into(), "same".into()));
    }
    f.push(("Version".into(), p.version.into()));
    f.push(("Description".into(), p.description.into()));
    Entry { fields: f }
}

fn ext_states(auto: &[String], arch: &Archive) -> String {
    let mut s = String::new();
    for a in auto {
        let ar = arch.find(a).map(|i| arch.get(i).arch).unwrap_or("amd64");
        s.push_str(&format!("Package: {a}\nArchitecture: {ar}\nAuto-Installed: 1\n\n"));
    }
    s
}

/// The database size dpkg reports: the base image's paths plus what installed packages added.
fn db_count(arch: &Archive, entries: &[Entry]) -> u64 {
    let extra: u64 = entries
        .iter()
        .filter(|e| e.installed())
        .filter_map(|e| arch.find(e.name()).map(|i| arch.get(i)))
        .filter(|p| !p.base)
        .map(|p| u64::from(p.new_paths))
        .sum();
    u64::from(arch.base_paths) + extra
}

/// Names learners try that are not real packages of the distribution, with what apt says
/// (checked with `apt-get -s install NAME` on Debian 12 and in an Ubuntu 24.04 chroot):
/// providers of a virtual package (`v`), or the packages that replaced an obsolete one (`n`;
/// empty: none listed). `pip` alone has a single provider, which apt picks.
const NOT_PACKAGES: &[(&str, &str, &str, &str)] = &[
    ("bookworm", "ping", "v", "  iputils-ping 3:20221126-1+deb12u1\n  inetutils-ping 2:2.4-2+deb12u3\n"),
    ("bookworm", "netcat", "v", "  netcat-openbsd 1.219-1\n  netcat-traditional 1.10-47\n"),
    ("bookworm", "java-runtime-headless", "v", "  openjdk-17-jre-headless 17.0.21.1+2-1~deb12u1 (= 17)\n  default-jre-headless 2:1.17-74 (= 17)\n"),
    ("bookworm", "python", "n", "  python-is-python3 2to3\n"),
    ("bookworm", "python-pip", "n", "  python3-pip\n"),
    ("bookworm", "python2", "n", "  dh-python\n"),
    ("bookworm", "mysql-client", "n", ""),
    ("bookworm", "mysql-server", "n", ""),
    ("noble", "ping", "v", "  inetutils-ping 2:2.5-3ubuntu4.2\n  iputils-ping 3:20240117-1ubuntu0.1\n"),
    ("noble", "netcat", "v", "  netcat-traditional 1.10-48\n  netcat-openbsd 1.226-1ubuntu2\n"),
    ("noble", "java-runtime-headless", "v", "  openjdk-8-jre-headless 8u514-b01~us1-0ubuntu1~24.04.1 (= 8)\n  openjdk-25-jre-headless 25.0.5.1+2-1~24.04.1 (= 25)\n  openjdk-11-jre-headless 11.0.33.1+1-1ubuntu1~24.04.1 (= 11)\n  openjdk-21-jre-headless 21.0.13.1+2-1~24.04.1 (= 21)\n  openjdk-17-jre-headless 17.0.21.1+2-1~24.04.1 (= 17)\n  default-jre-headless 2:1.21-75+exp1 (= 21)\n"),
    ("noble", "python", "n", "  2to3 python-is-python3\n"),
    ("noble", "python-pip", "n", "  python3-pip\n"),
    ("noble", "python2", "n", ""),
];

fn unknown(st: &State, job: &mut Job, names: &[String]) -> i32 {
    let lists = st.have_lists;
    let codename = st.arch.as_ref().map_or("", |a| a.distro.codename);
    for n in names {
        if let Some((_, _, kind, list)) = NOT_PACKAGES.iter().find(|(c, k, _, _)| *c == codename && k == n) {
            if *kind == "v" {
                job.out(&format!("Package {n} is a virtual package provided by:\n{list}\n"));
            } else {
                job.out(&format!("Package {n} is not available, but is referred to by another package.\nThis may mean that the package is missing, has been obsoleted, or\nis only available from another source\n"));
                if !list.is_empty() {
                    job.out(&format!("However the following packages replace it:\n{list}"));
                }
                job.out("\n");
            }
            job.err(&format!("E: Package '{n}' has no installation candidate\n"));
            return 100;
        }
        job.err(&format!("E: Unable to locate package {n}\n"));
    }
    if let Some(n) = names.first().filter(|_| lists) {
        let d = st.arch.as_ref().map_or("Debian", |a| a.distro.name);
        job.err(&format!("dockling: only the {d} packages tutorials use are simulated; if '{n}' is one of {d}'s, it is not among them\n"));
    }
    100
}

/// `apt-get install PKG…`.
fn install(st: &State, o: &Opts, ctx: &Ctx, job: &mut Job) -> i32 {
    st.header(job);
    let mut requested: Vec<usize> = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    let mut newest = String::new();
    if let Some(deb) = o.args.iter().find(|a| a.ends_with(".deb") || a.starts_with("./") || a.starts_with('/')) {
        job.err(&format!("dockling: installing the local file {deb} with apt is not simulated\n"));
        return 100;
    }
    for raw in &o.args {
        let name = raw.split(['=', '/']).next().unwrap_or(raw).trim_end_matches(":amd64");
        let name = if name == "pip" && st.have_lists { "python3-pip" } else { name };
        let present = st.present.iter().any(|p| p == name).then(|| st.arch.as_ref().and_then(|a| a.find(name).map(|i| a.get(i).version.to_string()))).flatten();
        if let Some(v) = present {
            newest.push_str(&format!("{name} is already the newest version ({v}).\n"));
            continue;
        }
        if let Some(e) = st.entry(name) {
            newest.push_str(&format!("{name} is already the newest version ({}).\n", e.version()));
            if st.auto.iter().any(|a| a == name) {
                newest.push_str(&format!("{name} set to manually installed.\n"));
            }
            continue;
        }
        match (st.candidate(name), st.arch.as_ref()) {
            (Some(p), _) if raw.split_once('=').is_some_and(|(_, v)| v != p.version) => {
                let v = raw.split_once('=').map(|(_, v)| v).unwrap_or("");
                job.err(&format!("E: Version '{v}' for '{name}' was not found\n"));
                return 100;
            }
            (Some(_), Some(a)) => requested.extend(a.find(name)),
            _ => missing.push(name.to_string()),
        }
    }
    if !missing.is_empty() {
        if st.arch.is_none() && st.have_lists {
            job.err(&format!("dockling: apt's package data for {} {} is not simulated (only Debian bookworm's and Ubuntu noble's are)\n", st.os.id, st.os.codename));
            return 100;
        }
        return unknown(st, job, &missing);
    }
    st.say(job, &newest);
    let Some(arch) = st.arch.as_ref() else {
        st.say(job, "0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n");
        return 0;
    };
    let installed = |n: &str| st.installed(n);
    let set = arch.resolve(&requested, &installed, o.recommends);
    let pk: Vec<&Pkg> = set.iter().map(|&i| arch.get(i)).collect();
    let mut sorted: Vec<&Pkg> = pk.clone();
    crate::text::sort_by(&mut sorted, &|a, b| a.name.cmp(b.name));
    let extra: Vec<String> = sorted.iter().filter(|p| !requested.iter().any(|&r| arch.get(r).name == p.name)).map(|p| p.name.to_string()).collect();
    st.say(job, &show_list("The following additional packages will be installed:", &extra));
    let in_set = |n: &str| installed(n) || pk.iter().any(|p| p.name == n || p.provides.split(',').any(|v| v == n));
    for (title, rec) in [("Suggested packages:", false), ("Recommended packages:", true)] {
        if rec && o.recommends {
            continue;
        }
        let mut seen: Vec<String> = Vec::new();
        let mut items: Vec<String> = Vec::new();
        for p in &sorted {
            for alts in Pkg::groups(if rec { p.recommends } else { p.suggests }) {
                let key = alts.join(" | ");
                if seen.contains(&key) {
                    continue;
                }
                seen.push(key);
                if alts.iter().any(|a| in_set(a)) {
                    continue;
                }
                for (k, a) in alts.iter().enumerate() {
                    items.push(if k == 0 { a.to_string() } else { format!("| {a}") });
                }
            }
        }
        st.say(job, &show_list(title, &items));
    }
    let new: Vec<String> = sorted.iter().map(|p| p.name.to_string()).collect();
    st.say(job, &show_list("The following NEW packages will be installed:", &new));
    st.say(job, &format!("0 upgraded, {} newly installed, 0 to remove and 0 not upgraded.\n", set.len()));
    if set.is_empty() {
        return 0;
    }
    let stages = arch.stages(&requested, &set, o.recommends);
    let order: Vec<usize> = stages.iter().flat_map(|s| match s {
        Stage::Unpack(v) => v.clone(),
        Stage::Configure(_) => Vec::new(),
    }).collect();
    if o.simulate {
        let origin = |p: &Pkg| arch.origin(p);
        let mut s = String::new();
        let mut conf_done: Vec<usize> = Vec::new();
        for stg in &stages {
            match stg {
                Stage::Unpack(v) => v.iter().for_each(|&i| s.push_str(&format!("Inst {} ({} {} [{}])\n", arch.get(i).name, arch.get(i).version, origin(arch.get(i)), arch.get(i).arch))),
                Stage::Configure(v) => v.iter().for_each(|&i| {
                    conf_done.push(i);
                    s.push_str(&format!("Conf {} ({} {} [{}])\n", arch.get(i).name, arch.get(i).version, origin(arch.get(i)), arch.get(i).arch))
                }),
            }
        }
        for &i in &order {
            if !conf_done.contains(&i) {
                s.push_str(&format!("Conf {} ({} {} [{}])\n", arch.get(i).name, arch.get(i).version, origin(arch.get(i)), arch.get(i).arch));
            }
        }
        job.out(&s);
        return 0;
    }
    let deb: u64 = pk.iter().map(|p| p.size).sum();
    let usr: u64 = pk.iter().map(|p| p.installed_size * 1024).sum();
    st.say(job, &format!("Need to get {}B of archives.\nAfter this operation, {}B of additional disk space will be used.\n", size_to_str(deb), size_to_str(usr)));
    if set.len() != requested.len() && !o.yes && st.quiet < 2 {
        job.out("Do you want to continue? [Y/n] ");
        job.ask(Answer::DefaultYes, "", "Abort.\n", "Abort.\n", 1);
    }
    // downloads
    if !ctx.online {
        // Each archive fails to resolve its host; apt gives up before installing anything.
        job.sleep(4000);
        let mut s = String::new();
        for (n, &i) in order.iter().enumerate() {
            let p = arch.get(i);
            let src = arch.source(p);
            let host = uri_host(src.split(' ').next().unwrap_or(""));
            s.push_str(&format!("Err:{} {src} amd64 {} {} {}\n  Temporary failure resolving '{host}'\n", n + 1, p.name, p.arch, p.version));
        }
        st.say(job, &s);
        job.err("dockling: apt's 'E: Failed to fetch' line for each package file is not simulated\nE: Unable to fetch some archives, maybe run apt-get update or try with --fix-missing?\n");
        return 100;
    }
    let ms = 200 + deb / 25_000;
    for (n, &i) in order.iter().enumerate() {
        let p = arch.get(i);
        st.say(job, &format!("Get:{} {} amd64 {} {} {} [{}B]\n", n + 1, arch.source(p), p.name, p.arch, p.version, size_to_str(p.size)));
        job.sleep(ms / order.len() as u64);
    }
    // apt's stdout is line-buffered on a terminal only: elsewhere debconf's stderr line comes first
    let fetched = format!("Fetched {}B in {} ({}B/s)\n", size_to_str(deb), secs(ms), size_to_str(deb * 1000 / ms.max(1)));
    if st.tty {
        st.say(job, &fetched);
    }
    job.err("debconf: delaying package configuration, since apt-utils is not installed\n");
    if !st.tty {
        st.say(job, &fetched);
    }
    // dpkg
    let mut count = db_count(arch, &st.entries);
    let mut unpacked: Vec<usize> = Vec::new();
    let mut configured: Vec<usize> = Vec::new();
    let setp: Vec<&Pkg> = pk.clone();
    let mut alts = Alts::default();
    for stg in &stages {
        match stg {
            Stage::Unpack(v) => {
                let digits = (v.len().saturating_sub(1)).to_string().len();
                for (k, &i) in v.iter().enumerate() {
                    let p = arch.get(i);
                    job.out(&format!("Selecting previously unselected package {}.\n", p.dpkg_name()));
                    if k == 0 {
                        job.out(&reading_database(count, st.tty));
                    }
                    let path = if v.len() > 5 {
                        format!("/tmp/apt-dpkg-install-{}/{k:0digits$}-{}", "Xq3kLm", p.deb_file())
                    } else {
                        format!("/var/cache/apt/archives/{}", p.deb_file())
                    };
                    job.out(&format!("Preparing to unpack {} ...\nUnpacking {} ({}) ...\n", short_path(&path), p.dpkg_name(), p.version));
                    job.sleep(20);
                }
                count += v.iter().map(|&i| u64::from(arch.get(i).new_paths)).sum::<u64>();
                unpacked.extend(v);
            }
            Stage::Configure(v) => {
                for &i in v {
                    let p = arch.get(i);
                    job.out(&format!("Setting up {} ({}) ...\n", p.dpkg_name(), p.version));
                    postinst(st, p, ctx, &setp, &mut alts, job);
                    configured.push(i);
                }
            }
        }
    }
    let pending: Vec<usize> = unpacked.iter().copied().filter(|i| !configured.contains(i)).collect();
    let done_names: Vec<&str> = configured.iter().map(|&i| arch.get(i).name).collect();
    let is_done = |n: &str| installed(n) || done_names.contains(&n);
    for i in arch.configure_order(&pending, &is_done) {
        let p = arch.get(i);
        job.out(&format!("Setting up {} ({}) ...\n", p.dpkg_name(), p.version));
        postinst(st, p, ctx, &setp, &mut alts, job);
        job.sleep(10);
    }
    if pk.iter().any(|p| p.ldconfig) {
        let v = st.entry("libc-bin").map(|e| e.version().to_string()).unwrap_or_default();
        job.out(&format!("Processing triggers for libc-bin ({v}) ...\n"));
    }
    if let Some(ca) = pk.iter().find(|p| p.name == "ca-certificates" && !arch.distro.ca_hooks_in_postinst) {
        job.out(&format!("Processing triggers for ca-certificates ({}) ...\nUpdating certificates in /etc/ssl/certs...\n0 added, 0 removed; done.\nRunning hooks in /etc/ca-certificates/update.d...\ndone.\n", ca.version));
    }
    // the files
    let mut entries = st.entries.clone();
    for p in &pk {
        files_of(p, st.slim_docs, job);
        entries.push(status_entry(p));
    }
    job.write(dpkg::STATUS, &dpkg::status_text(&entries));
    let mut auto = st.auto.clone();
    for p in &pk {
        if !requested.iter().any(|&r| arch.get(r).name == p.name) && !auto.iter().any(|a| a == p.name) {
            auto.push(p.name.to_string());
        }
    }
    job.write(EXT_STATES, &ext_states(&auto, arch));
    0
}

/// Packages installed only as dependencies that nothing installed needs any more.
fn garbage(st: &State, arch: &Archive, removing: &[String]) -> Vec<String> {
    let keep: Vec<&Entry> = st.entries.iter().filter(|e| e.installed() && !removing.iter().any(|r| r == e.name())).collect();
    let mut needed: Vec<String> = Vec::new();
    let mut stack: Vec<String> = keep.iter().filter(|e| !st.auto.iter().any(|a| a == e.name())).map(|e| e.name().to_string()).collect();
    let mut guard = 0;
    while let Some(n) = stack.pop() {
        guard += 1;
        if guard > 100_000 || needed.contains(&n) {
            continue;
        }
        if let Some(i) = arch.find(&n) {
            let p = arch.get(i);
            for f in [p.pre_depends, p.depends, p.recommends] {
                for alts in Pkg::groups(f) {
                    for a in alts {
                        if st.installed(a) {
                            stack.push(a.to_string());
                        }
                    }
                }
            }
        }
        needed.push(n);
    }
    let mut g: Vec<String> = keep.iter().filter(|e| st.auto.iter().any(|a| a == e.name()) && !needed.iter().any(|n| n == e.name())).map(|e| e.name().to_string()).collect();
    crate::text::sort(&mut g);
    g
}

/// `apt-get remove|purge|autoremove PKG…`.
fn remove(st: &State, o: &Opts, fs: &Tree, job: &mut Job) -> i32 {
    st.header(job);
    let purge = o.purge || o.cmd == "purge";
    let Some(arch) = st.arch.as_ref() else {
        job.err(&format!("dockling: apt's package data for {} {} is not simulated (only Debian bookworm's and Ubuntu noble's are)\n", st.os.id, st.os.codename));
        return 100;
    };
    let mut names: Vec<String> = Vec::new();
    let mut notes = String::new();
    // purge also clears what a remove left (`rc`)
    let leftover = |n: &str| purge && st.entries.iter().any(|e| e.name() == n && e.config_files());
    let mut residual: Vec<String> = Vec::new();
    for raw in &o.args {
        let n = raw.trim_end_matches(":amd64");
        if st.present.iter().any(|p| p == n) {
            job.err(&format!("dockling: removing {n}, which this image installed without a dpkg status entry, is not simulated\n"));
            return 100;
        }
        if st.installed(n) {
            if !names.iter().any(|x| x == n) {
                names.push(n.to_string());
            }
        } else if leftover(n) {
            residual.push(n.to_string());
        } else if arch.find(n).is_some() && st.have_lists {
            notes.push_str(&format!("Package '{n}' is not installed, so not removed\n"));
        } else {
            return unknown(st, job, &[n.to_string()]);
        }
    }
    if let Some(e) = names.iter().find_map(|n| st.entry(n).filter(|e| e.get("Essential") == Some("yes") || e.get("Priority") == Some("required"))) {
        job.err(&format!("dockling: removing {}, a package the image's system needs, is not simulated\n", e.name()));
        return 100;
    }
    // reverse dependencies go too
    let installed_ids: Vec<usize> = st.entries.iter().filter(|e| e.installed()).filter_map(|e| arch.find(e.name())).collect();
    let mut i = 0;
    while i < names.len() && i < 10_000 {
        for r in arch.rdepends(&names[i].clone(), &installed_ids) {
            let n = arch.get(r).name.to_string();
            if !names.contains(&n) {
                names.push(n);
            }
        }
        i += 1;
    }
    if o.cmd == "autoremove" {
        names = garbage(st, arch, &[]);
    }
    job.out(&notes);
    let g = if o.cmd == "autoremove" { Vec::new() } else { garbage(st, arch, &names) };
    if !g.is_empty() {
        let (t, u) = if g.len() == 1 {
            ("The following package was automatically installed and is no longer required:", "Use 'apt autoremove' to remove it.\n")
        } else {
            ("The following packages were automatically installed and are no longer required:", "Use 'apt autoremove' to remove them.\n")
        };
        job.out(&show_list(t, &g));
        job.out(u);
    }
    let mut sorted: Vec<String> = names.iter().chain(residual.iter()).cloned().collect();
    crate::text::sort(&mut sorted);
    let shown: Vec<String> = sorted.iter().map(|n| if purge { format!("{n}*") } else { n.clone() }).collect();
    job.out(&show_list("The following packages will be REMOVED:", &shown));
    job.out(&format!("0 upgraded, 0 newly installed, {} to remove and 0 not upgraded.\n", sorted.len()));
    if sorted.is_empty() {
        return 0;
    }
    let freed: u64 = names.iter().filter_map(|n| st.entry(n)).map(|e| e.get("Installed-Size").and_then(|s| s.parse::<u64>().ok()).unwrap_or(0) * 1024).sum();
    if freed == 0 {
        job.out("After this operation, 0 B of additional disk space will be used.\n");
    } else {
        job.out(&format!("After this operation, {}B disk space will be freed.\n", size_to_str(freed)));
    }
    let asked = names.len() != o.args.len();
    if asked && !o.yes {
        job.out("Do you want to continue? [Y/n] ");
        job.ask(Answer::DefaultYes, "", "Abort.\n", "Abort.\n", 1);
    }
    if o.simulate {
        for n in &sorted {
            job.out(&format!("Remv {n} [{}]\n", st.entry(n).map(|e| e.version()).unwrap_or("")));
        }
        return 0;
    }
    job.out(&reading_database(db_count(arch, &st.entries), st.tty));
    let has_conf = |n: &str| arch.find(n).is_some_and(|i| arch.get(i).conffiles);
    let mut ldconfig = false;
    for n in &sorted {
        let Some(e) = st.entries.iter().find(|e| e.name() == n) else { continue };
        if e.installed() {
            job.out(&format!("Removing {} ({}) ...\n", e.dpkg_name(), e.version()));
            ldconfig |= arch.find(n).is_some_and(|i| arch.get(i).ldconfig);
        }
        if purge && (has_conf(n) || e.config_files()) {
            job.out(&format!("Purging configuration files for {} ({}) ...\n", e.dpkg_name(), e.version()));
        }
    }
    if ldconfig {
        let v = st.entry("libc-bin").map(|e| e.version().to_string()).unwrap_or_default();
        job.out(&format!("Processing triggers for libc-bin ({v}) ...\n"));
    }
    let mut entries: Vec<Entry> = st.entries.iter().filter(|e| !sorted.iter().any(|n| n == e.name())).cloned().collect();
    if !purge {
        for n in names.iter().filter(|n| has_conf(n)) {
            if let Some(mut e) = st.entry(n).cloned() {
                for (k, v) in e.fields.iter_mut() {
                    if k == "Status" {
                        *v = "deinstall ok config-files".into();
                    }
                }
                entries.push(e);
            }
        }
    }
    let mut alts = Alts::default();
    for n in &names {
        if let Some(i) = arch.find(n) {
            let p = arch.get(i);
            for b in p.bins.split(';').filter(|b| !b.is_empty()) {
                job.fs(FsOp::Remove { path: b.split('>').next().unwrap_or(b).to_string() });
            }
            for a in alternatives().filter(|a| a.pkg == p.name) {
                alts.remove(fs, &a, job);
            }
            job.fs(FsOp::Remove { path: format!("/usr/share/doc/{n}") });
            job.fs(FsOp::Remove { path: format!("/var/lib/dpkg/info/{}.list", p.dpkg_name()) });
        }
    }
    job.write(dpkg::STATUS, &dpkg::status_text(&entries));
    let auto: Vec<String> = st.auto.iter().filter(|a| !names.contains(a)).cloned().collect();
    job.write(EXT_STATES, &ext_states(&auto, arch));
    0
}

/// `apt list [--installed|--upgradable] [PATTERN]`.
fn list(st: &State, o: &Opts, job: &mut Job) -> i32 {
    job.out(&format!("Listing...{}\n", st.done()));
    if o.upgradable {
        return 0;
    }
    let (hi, ne) = if st.tty { ("\u{1b}[32m", "\u{1b}[0m") } else { ("", "") };
    let pats = &o.args;
    let ok = |n: &str| pats.is_empty() || pats.iter().any(|p| dpkg::glob(p, n));
    let mut rows: Vec<(String, String)> = Vec::new();
    for e in st.entries.iter().filter(|e| e.installed() && ok(e.name())) {
        let known = st.arch.as_ref().and_then(|a| a.find(e.name()).map(|i| a.get(i).clone()));
        let origin = match (&known, &st.arch) {
            (Some(p), Some(a)) if st.have_lists => format!("{},now", a.archives(p)),
            _ => "now".to_string(),
        };
        let status = if !st.have_lists || known.is_none() {
            "[installed,local]"
        } else if st.auto.iter().any(|a| a == e.name()) {
            "[installed,automatic]"
        } else {
            "[installed]"
        };
        rows.push((e.name().to_string(), format!("{hi}{}{ne}/{origin} {} {} {status}\n", e.name(), e.version(), e.get("Architecture").unwrap_or("amd64"))));
    }
    if !o.installed && st.have_lists {
        if let Some(a) = &st.arch {
            for p in a.pkgs.iter().filter(|p| !p.base && !st.installed(p.name) && ok(p.name)) {
                rows.push((p.name.to_string(), format!("{hi}{}{ne}/{} {} {}\n", p.name, a.archives(p), p.version, p.arch)));
            }
        }
    }
    crate::text::sort_by(&mut rows, &|a, b| a.0.cmp(&b.0));
    job.out(&rows.into_iter().map(|r| r.1).collect::<String>());
    0
}

/// `apt-cache search|show|policy`, `apt search|show|policy`.
fn cache(st: &State, o: &Opts, prog: &str, job: &mut Job) -> i32 {
    let pkgs: Vec<Pkg> = st.arch.as_ref().filter(|_| st.have_lists).map(|a| a.pkgs.iter().filter(|p| !p.base).cloned().collect()).unwrap_or_default();
    match o.cmd.as_str() {
        "search" => {
            if o.args.is_empty() {
                job.err("E: You must give at least one search pattern\n");
                return 100;
            }
            if prog == "apt" {
                job.out(&format!("Sorting...{d}\nFull Text Search...{d}\n", d = st.done()));
            }
            for p in &pkgs {
                let hit = o.args.iter().all(|a| {
                    let a = a.to_lowercase();
                    p.name.contains(&a) || (!o.names_only && p.description.to_lowercase().contains(&a))
                });
                if !hit {
                    continue;
                }
                if prog == "apt" {
                    let suite = st.arch.as_ref().map(|a| a.archives(p)).unwrap_or_default();
                    let inst = if st.installed(p.name) { " [installed]" } else { "" };
                    job.out(&format!("{}/{suite} {} {}{inst}\n  {}\n\n", p.name, p.version, p.arch, p.description));
                } else {
                    job.out(&format!("{} - {}\n", p.name, p.description));
                }
            }
            0
        }
        "show" => {
            let mut rc = 0;
            for n in &o.args {
                match pkgs.iter().find(|p| p.name == n.as_str()) {
                    Some(p) => {
                        let dep = |f: &str| f.replace(',', ", ").replace('|', " | ");
                        let mut s = format!("Package: {}\nVersion: {}\n", p.name, p.version);
                        if prog == "apt" {
                            s.push_str(&format!("Priority: {}\nSection: {}\nInstalled-Size: {}B\n", p.priority, p.section, size_to_str(p.installed_size * 1024)));
                        } else {
                            s.push_str(&format!("Installed-Size: {}\nArchitecture: {}\n", p.installed_size, p.arch));
                        }
                        for (k, v) in [("Provides", p.provides), ("Pre-Depends", p.pre_depends), ("Depends", p.depends), ("Recommends", p.recommends), ("Suggests", p.suggests)] {
                            if !v.is_empty() {
                                s.push_str(&format!("{k}: {}\n", dep(v)));
                            }
                        }
                        let src = st.arch.as_ref().map(|a| a.source(p)).unwrap_or_default();
                        if prog == "apt" {
                            s.push_str(&format!("Download-Size: {}B\nAPT-Sources: {src} amd64 Packages\nDescription: {}\n\n", size_to_str(p.size), p.description));
                        } else {
                            s.push_str(&format!("Description: {}\nSection: {}\nPriority: {}\nSize: {}\n\n", p.description, p.section, p.priority, p.size));
                        }
                        job.out(&s);
                    }
                    None => {
                        if let Some(e) = st.entry(n) {
                            job.out(&format!("{}\n", e.to_text()));
                        } else {
                            job.err(&format!("N: Unable to locate package {n}\nE: No packages found\n"));
                            rc = 100;
                        }
                    }
                }
            }
            rc
        }
        "policy" => {
            for n in &o.args {
                let inst = st.entry(n).map(|e| e.version().to_string());
                let cand = pkgs.iter().find(|p| p.name == n.as_str());
                if inst.is_none() && cand.is_none() {
                    job.err(&format!("N: Unable to locate package {n}\n"));
                    continue;
                }
                let i = inst.clone().unwrap_or_else(|| "(none)".into());
                let c = cand.map(|p| p.version.to_string()).or(inst.clone()).unwrap_or_else(|| "(none)".into());
                let mut s = format!("{n}:\n  Installed: {i}\n  Candidate: {c}\n  Version table:\n");
                if let Some(p) = cand {
                    let star = if inst.as_deref() == Some(p.version) { "***" } else { "   " };
                    let src = st.arch.as_ref().map(|a| a.source(p)).unwrap_or_default();
                    s.push_str(&format!(" {star} {} 500\n        500 {src} amd64 Packages\n", p.version));
                    if let Some(also) = st.arch.as_ref().and_then(|a| a.also_source(p)) {
                        s.push_str(&format!("        500 {also} amd64 Packages\n"));
                    }
                    if inst.is_some() {
                        s.push_str("        100 /var/lib/dpkg/status\n");
                    }
                } else if let Some(v) = &inst {
                    s.push_str(&format!(" *** {v} 100\n        100 /var/lib/dpkg/status\n"));
                }
                job.out(&s);
            }
            0
        }
        c => {
            job.err(&format!("E: Invalid operation {c}\n"));
            100
        }
    }
}

/// `apt-get`, `apt`, `apt-cache`.
pub fn start(name: &str, argv: &[String], ctx: &mut Ctx) -> Box<dyn Program> {
    let mut job = Job::new();
    let o = match parse(argv) {
        Ok(o) => o,
        Err(e) => {
            job.err(&e);
            return job.exit(100);
        }
    };
    if name == "apt" && !ctx.tty {
        job.err("\nWARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\n");
    }
    let st = load(ctx, o.quiet);
    let needs_root = matches!(o.cmd.as_str(), "update" | "install" | "remove" | "purge" | "upgrade" | "dist-upgrade" | "full-upgrade" | "autoremove" | "reinstall");
    if needs_root && ctx.uid != 0 && !o.simulate {
        let what = if o.cmd == "update" { "/var/lib/apt/lists/lock" } else { "/var/lib/dpkg/lock-frontend" };
        let msg = if o.cmd == "update" {
            format!("Reading package lists...{}\nE: Could not open lock file {what} - open (13: Permission denied)\nE: Unable to lock directory /var/lib/apt/lists/\n", st.done())
        } else {
            format!("E: Could not open lock file {what} - open (13: Permission denied)\nE: Unable to acquire the dpkg frontend lock ({what}), are you root?\n")
        };
        let (out, err) = msg.split_once("E: ").map(|(a, b)| (a.to_string(), format!("E: {b}"))).unwrap_or_default();
        job.out(&out);
        job.err(&err);
        return job.exit(100);
    }
    let cmd = o.cmd.clone();
    let code = match (name, cmd.as_str()) {
        (_, "") => {
            job.out(&format!("apt 2.6.1 (amd64)\nUsage: {name} [options] command\n"));
            job.err(&format!("dockling: {name}'s full help text is not simulated\n"));
            if name == "apt" { 1 } else { 100 }
        }
        ("apt-cache", _) | (_, "search" | "show" | "policy") => cache(&st, &o, name, &mut job),
        (_, "update") => update(&st, ctx, &mut job, name),
        (_, "install" | "reinstall") => install(&st, &o, ctx, &mut job),
        (_, "remove" | "purge" | "autoremove") => remove(&st, &o, ctx.fs, &mut job),
        (_, "upgrade" | "dist-upgrade" | "full-upgrade") => {
            st.header(&mut job);
            job.out(&format!("Calculating upgrade...{}\n", st.done()));
            job.out("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n");
            0
        }
        ("apt", "list") => list(&st, &o, &mut job),
        (_, "clean" | "autoclean") => 0,
        (_, c) => {
            job.err(&format!("E: Invalid operation {c}\n"));
            100
        }
    };
    job.exit(code)
}

//! dpkg's database in the container (`/var/lib/dpkg/status`, `info/<pkg>.list`) and the `dpkg`
//! commands tutorials use: `-l`, `-L`, `-s`, `--print-architecture`, `--version`.

use super::job::Job;
use crate::proc::program::{Ctx, Program};
use crate::vfs::{NodeKind, Tree};

pub const STATUS: &str = "/var/lib/dpkg/status";

/// One stanza of the status file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    pub fields: Vec<(String, String)>,
}

impl Entry {
    pub fn get(&self, k: &str) -> Option<&str> {
        self.fields.iter().find(|(f, _)| f == k).map(|(_, v)| v.as_str())
    }
    pub fn name(&self) -> &str {
        self.get("Package").unwrap_or("")
    }
    pub fn version(&self) -> &str {
        self.get("Version").unwrap_or("")
    }
    pub fn installed(&self) -> bool {
        self.get("Status").is_some_and(|s| s.ends_with(" installed"))
    }
    /// Removed, its conffiles kept (`rc` in `dpkg -l`).
    pub fn config_files(&self) -> bool {
        self.get("Status").is_some_and(|s| s.ends_with(" config-files"))
    }
    /// `amd64` packages of `Multi-Arch: same` are named `name:amd64` by dpkg.
    pub fn dpkg_name(&self) -> String {
        match (self.get("Multi-Arch"), self.get("Architecture")) {
            (Some("same"), Some(a)) => format!("{}:{a}", self.name()),
            _ => self.name().to_string(),
        }
    }
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        for (k, v) in &self.fields {
            s.push_str(k);
            s.push(':');
            if !v.starts_with('\n') {
                s.push(' ');
            }
            s.push_str(v);
            s.push('\n');
        }
        s
    }
}

fn read(fs: &Tree, path: &str) -> Option<String> {
    match &fs.get(path)?.kind {
        NodeKind::File(d) => Some(String::from_utf8_lossy(d).into_owned()),
        _ => None,
    }
}

/// The stanzas of the status file (empty without one).
pub fn status(fs: &Tree) -> Vec<Entry> {
    let text = read(fs, STATUS).unwrap_or_default();
    let mut out = Vec::new();
    for stanza in text.split("\n\n") {
        let mut e = Entry::default();
        for line in stanza.lines() {
            if line.starts_with([' ', '\t']) {
                if let Some((_, v)) = e.fields.last_mut() {
                    v.push('\n');
                    v.push_str(line);
                }
            } else if let Some((k, v)) = line.split_once(':') {
                e.fields.push((k.to_string(), v.trim_start().to_string()));
            }
        }
        if !e.name().is_empty() {
            out.push(e);
        }
    }
    out
}

/// The status file text for `entries`, sorted by name as dpkg writes it.
pub fn status_text(entries: &[Entry]) -> String {
    let mut v: Vec<&Entry> = entries.iter().collect();
    crate::text::sort_by(&mut v, &|a, b| a.name().cmp(b.name()));
    v.iter().map(|e| e.to_text() + "\n").collect()
}

/// `dpkg -l [PATTERN…]`.
fn list(entries: &[Entry], pats: &[String], job: &mut Job) -> i32 {
    let mut v: Vec<&Entry> = entries.iter().filter(|e| e.installed() || e.config_files()).collect();
    crate::text::sort_by(&mut v, &|a, b| a.dpkg_name().cmp(&b.dpkg_name()));
    let matches = |e: &Entry, p: &str| glob(p, e.name());
    let mut rc = 0;
    let shown: Vec<&Entry> = if pats.is_empty() {
        v.clone()
    } else {
        v.iter().copied().filter(|e| pats.iter().any(|p| matches(e, p))).collect()
    };
    let (mut nw, mut vw, mut aw, mut dw) = (14, 12, 12, 33);
    // sized to the packages shown (dpkg-query's list format, checked on Debian 12 and Ubuntu 24.04)
    for e in &shown {
        nw = nw.max(e.dpkg_name().chars().count());
        vw = vw.max(e.version().chars().count());
        aw = aw.max(e.get("Architecture").unwrap_or("").len());
        dw = dw.max(e.get("Description").unwrap_or("").lines().next().unwrap_or("").chars().count());
    }
    if !shown.is_empty() {
        let mut s = String::from("Desired=Unknown/Install/Remove/Purge/Hold\n| Status=Not/Inst/Conf-files/Unpacked/halF-conf/Half-inst/trig-aWait/Trig-pend\n|/ Err?=(none)/Reinst-required (Status,Err: uppercase=bad)\n");
        s.push_str(&format!("||/ {:nw$} {:vw$} {:aw$} Description\n", "Name", "Version", "Architecture"));
        s.push_str(&format!("+++-{}-{}-{}-{}\n", "=".repeat(nw), "=".repeat(vw), "=".repeat(aw), "=".repeat(dw)));
        for e in &shown {
            let d = e.get("Description").unwrap_or("").lines().next().unwrap_or("");
            let st = if e.installed() { "ii" } else { "rc" };
            s.push_str(&format!("{st}  {:nw$} {:vw$} {:aw$} {d}\n", e.dpkg_name(), e.version(), e.get("Architecture").unwrap_or("")));
        }
        job.out(&s);
    }
    for p in pats {
        if !v.iter().any(|e| matches(e, p)) {
            job.err(&format!("dpkg-query: no packages found matching {p}\n"));
            rc = 1;
        }
    }
    rc
}

/// Whether `s` matches the shell glob `p` (`*`, `?`; no brackets), iteratively.
pub fn glob(p: &str, s: &str) -> bool {
    let (p, s): (Vec<char>, Vec<char>) = (p.chars().collect(), s.chars().collect());
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < s.len() {
        if i < p.len() && (p[i] == '?' || p[i] == s[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(st) = star {
            i = st + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == '*')
}

/// `dpkg -L PKG…`.
fn files(fs: &Tree, entries: &[Entry], names: &[String], job: &mut Job) -> i32 {
    let mut failures = 0;
    for n in names {
        let short = n.split(':').next().unwrap_or(n);
        let Some(e) = entries.iter().find(|e| e.name() == short && e.installed()) else {
            job.err(&format!("dpkg-query: package '{n}' is not installed\n"));
            failures += 1;
            continue;
        };
        match read(fs, &format!("/var/lib/dpkg/info/{}.list", e.dpkg_name())) {
            Some(l) => {
                let (listed, note): (Vec<&str>, Vec<&str>) = l.lines().partition(|x| !x.starts_with("dockling:"));
                job.out(&listed.iter().map(|x| format!("{x}\n")).collect::<String>());
                for x in note {
                    job.err(&format!("{x}\n"));
                }
            }
            None => job.err(&format!("dockling: the file list of {} (a package of the image) is not simulated\n", e.name())),
        }
    }
    if failures > 0 {
        job.err("Use dpkg --contents (= dpkg-deb --contents) to list archive files contents.\n");
        return 1;
    }
    0
}

/// `dpkg -s PKG`.
fn show(entries: &[Entry], names: &[String], job: &mut Job) -> i32 {
    let mut rc = 0;
    let mut first = true;
    for n in names {
        match entries.iter().find(|e| e.name() == n.split(':').next().unwrap_or(n)) {
            Some(e) => {
                if !first {
                    job.out("\n");
                }
                first = false;
                job.out(&e.to_text());
            }
            None => {
                job.err(&format!("dpkg-query: package '{n}' is not installed and no information is available\n"));
                rc = 1;
            }
        }
    }
    if rc != 0 {
        job.err("Use dpkg --info (= dpkg-deb --info) to examine archive files.\n");
    }
    rc
}

/// `dpkg ARGS…` and `dpkg-query ARGS…`.
pub fn start(argv: &[String], ctx: &mut Ctx) -> Box<dyn Program> {
    let mut job = Job::new();
    let prog = argv.first().map(|a| crate::vfs::basename(a).to_string()).unwrap_or_else(|| "dpkg".into());
    let args: Vec<String> = argv.iter().skip(1).cloned().collect();
    let entries = status(ctx.fs);
    let Some(action) = args.first().map(String::as_str) else {
        job.err(&format!("{prog}: error: need an action option\n\nType {prog} --help for help about installing and deinstalling packages [*];\nUse 'apt' or 'aptitude' for user-friendly package management;\nType {prog} -Dhelp for a list of dpkg debug flag values;\nType {prog} --force-help for a list of forcing options;\nType dpkg-deb --help for help about manipulating *.deb files;\n\nOptions marked [*] produce a lot of output - pipe it through 'less' or 'more' !\n"));
        return job.exit(2);
    };
    let rest = &args[1..];
    let code = match action {
        "-l" | "--list" => list(&entries, rest, &mut job),
        "-L" | "--listfiles" => {
            if rest.is_empty() {
                job.err("dpkg-query: error: --listfiles needs at least one package name argument\n\nUse --help for help about querying packages.\n");
                2
            } else {
                files(ctx.fs, &entries, rest, &mut job)
            }
        }
        "-s" | "--status" => show(&entries, rest, &mut job),
        "--print-architecture" => {
            job.out("amd64\n");
            0
        }
        "--version" => {
            let v = entries.iter().find(|e| e.name() == "dpkg").map(|e| e.version().to_string()).unwrap_or_else(|| "1.21.22".into());
            job.out(&format!("Debian '{prog}' package management program version {v} (amd64).\nThis is free software; see the GNU General Public License version 2 or\nlater for copying conditions. There is NO warranty.\n"));
            0
        }
        a => {
            job.err(&format!("dockling: {prog} {a} is not simulated (use apt-get to install and remove packages)\n"));
            2
        }
    };
    job.exit(code)
}

#[cfg(test)]
mod tests {
    #[test]
    fn globs_as_dpkg_query_matches_names() {
        assert!(super::glob("lib*", "libssl3"));
        assert!(super::glob("*ssl?", "libssl3"));
        assert!(!super::glob("lib*", "wget"));
        assert!(super::glob("wget", "wget"));
        assert!(!super::glob("w?", "wget"));
        assert!(super::glob("**", ""));
    }
}

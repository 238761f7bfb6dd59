//! The Debian bookworm and Ubuntu noble archives as apt sees them: the packages tutorials
//! install and their dependency trees (`debian-bookworm.txt`, `ubuntu-noble.txt`, generated
//! from the distributions' own indexes and .debs by `gen_debian.py`), and the resolver that
//! turns `apt-get install PKG…` into the set of new packages and the order apt unpacks them in.

use std::collections::BTreeMap;

/// A distribution whose archive is simulated: where its packages come from and how apt names
/// its suites.
#[derive(Debug)]
pub struct Distro {
    /// `ID` and `VERSION_CODENAME` of `/etc/os-release`.
    pub id: &'static str,
    pub codename: &'static str,
    /// Its name in Dockling's own messages.
    pub name: &'static str,
    data: &'static str,
    /// The suites of the data's `m`, `s`, `u` codes.
    pub suites: [&'static str; 3],
    /// The mirror of the release and updates suites, and of the security suite.
    pub mirror: &'static str,
    pub security_mirror: &'static str,
    /// The origin `apt-get -s` prints for each suite.
    pub origins: [&'static str; 3],
    /// The archive name `apt list` prints for each suite.
    pub archives: [&'static str; 3],
    /// debconf's frontends fail aloud when a package using it is set up (Debian 12); Ubuntu
    /// 24.04's tutorial packages ask nothing at these priorities, so its debconf stays quiet.
    pub debconf_fallbacks: bool,
    /// Certificates `update-ca-certificates` adds on ca-certificates' first set-up.
    pub ca_added: u32,
    /// ca-certificates' own postinst runs the hooks (Ubuntu) rather than a trigger after it
    /// (Debian).
    pub ca_hooks_in_postinst: bool,
}

pub const BOOKWORM: Distro = Distro {
    id: "debian",
    codename: "bookworm",
    name: "Debian",
    data: include_str!("debian-bookworm.txt"),
    suites: ["bookworm", "bookworm-security", "bookworm-updates"],
    mirror: "http://deb.debian.org/debian",
    security_mirror: "http://deb.debian.org/debian-security",
    origins: ["Debian:12.11/stable", "Debian-Security:12/stable-security", "Debian:12/stable-updates"],
    archives: ["stable", "stable-security", "stable-updates"],
    debconf_fallbacks: true,
    ca_added: 148,
    ca_hooks_in_postinst: false,
};

pub const NOBLE: Distro = Distro {
    id: "ubuntu",
    codename: "noble",
    name: "Ubuntu",
    data: include_str!("ubuntu-noble.txt"),
    suites: ["noble", "noble-security", "noble-updates"],
    mirror: "http://archive.ubuntu.com/ubuntu",
    security_mirror: "http://security.ubuntu.com/ubuntu",
    origins: ["Ubuntu:24.04/noble", "Ubuntu:24.04/noble-security", "Ubuntu:24.04/noble-updates"],
    archives: ["noble", "noble-security", "noble-updates"],
    debconf_fallbacks: false,
    ca_added: 112,
    ca_hooks_in_postinst: true,
};

const DISTROS: [&Distro; 2] = [&BOOKWORM, &NOBLE];

/// One binary package of the archive.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pkg {
    pub name: &'static str,
    pub version: &'static str,
    /// `amd64` or `all`.
    pub arch: &'static str,
    /// In the base image (its entry comes from the image's own status file).
    pub base: bool,
    /// `Multi-Arch: same`: dpkg names it `name:amd64`.
    pub ma_same: bool,
    pub essential: bool,
    /// Its shared libraries activate libc-bin's ldconfig trigger.
    pub ldconfig: bool,
    /// Its maintainer scripts talk to debconf when it is set up.
    pub debconf: bool,
    /// It has conffiles: removing keeps them (`rc`) until a purge.
    pub conffiles: bool,
    pub priority: &'static str,
    pub section: &'static str,
    /// KiB.
    pub installed_size: u64,
    /// Bytes of the .deb.
    pub size: u64,
    /// The suite apt fetches it from (`bookworm`, `noble-updates`…).
    pub suite: &'static str,
    /// Another suite with the same version (Ubuntu's `noble-security` beside `noble-updates`).
    pub also: Option<&'static str>,
    /// `main`, `universe`…
    pub component: &'static str,
    pub pre_depends: &'static str,
    pub depends: &'static str,
    pub recommends: &'static str,
    pub suggests: &'static str,
    pub provides: &'static str,
    /// Paths it adds to dpkg's database beyond the base image's.
    pub new_paths: u32,
    /// Its programs: `path` or `path>target` (a symlink), `;`-separated.
    pub bins: &'static str,
    pub description: &'static str,
}

impl Pkg {
    /// The name dpkg prints (`libssl3:amd64`, `wget`).
    pub fn dpkg_name(&self) -> String {
        if self.ma_same {
            format!("{}:{}", self.name, self.arch)
        } else {
            self.name.to_string()
        }
    }
    /// The .deb's file name in /var/cache/apt/archives.
    pub fn deb_file(&self) -> String {
        format!("{}_{}_{}.deb", self.name, self.version.replace(':', "%3a"), self.arch)
    }
    /// Dependency groups (alternatives `|`-separated) of a field.
    pub fn groups(field: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
        field.split(',').filter(|g| !g.is_empty()).map(|g| g.split('|').collect())
    }
}

/// The package table and apt's plans for the tutorial packages.
#[derive(Debug)]
pub struct Archive {
    pub distro: &'static Distro,
    pub pkgs: Vec<Pkg>,
    /// Paths in dpkg's database of the base image.
    pub base_paths: u32,
    /// (package, with recommends) → steps (`U`/`C`, packages by base-36 index).
    plans: Vec<(&'static str, bool, &'static str)>,
}

/// One dpkg run apt makes: unpack these, or configure those.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stage {
    Unpack(Vec<usize>),
    Configure(Vec<usize>),
}

fn parse_pkg(line: &'static str, d: &Distro) -> Option<Pkg> {
    let f: Vec<&'static str> = line.split('\t').collect();
    if f.len() < 17 {
        return None;
    }
    let flags = f[3];
    Some(Pkg {
        name: f[0],
        version: f[1],
        arch: f[2],
        base: flags.contains('B'),
        ma_same: flags.contains('S'),
        essential: flags.contains('E'),
        ldconfig: flags.contains('L'),
        debconf: flags.contains('D'),
        conffiles: flags.contains('C'),
        priority: match f[4] {
            "r" => "required",
            "i" => "important",
            "s" => "standard",
            "e" => "extra",
            _ => "optional",
        },
        section: f[5],
        installed_size: f[6].parse().unwrap_or(0),
        size: f[7].parse().unwrap_or(0),
        suite: suite(d, f[8].chars().next()),
        also: f[8].split(':').next().and_then(|c| c.chars().nth(1)).map(|c| suite(d, Some(c))),
        component: f[8].split_once(':').map_or("main", |(_, c)| c),
        pre_depends: f[9],
        depends: f[10],
        recommends: f[11],
        suggests: f[12],
        provides: f[13],
        new_paths: f[14].parse().unwrap_or(0),
        bins: f[15],
        description: f[16],
    })
}

fn suite(d: &Distro, code: Option<char>) -> &'static str {
    match code {
        Some('s') => d.suites[1],
        Some('u') => d.suites[2],
        _ => d.suites[0],
    }
}

impl Archive {
    pub fn bookworm() -> Archive {
        Archive::load(&BOOKWORM)
    }

    /// The archive of the distribution `/etc/os-release` names, when it is simulated.
    pub fn for_os(id: &str, codename: &str) -> Option<Archive> {
        DISTROS.iter().find(|d| d.id == id && d.codename == codename).map(|d| Archive::load(d))
    }

    fn load(d: &'static Distro) -> Archive {
        let mut a = Archive { distro: d, pkgs: Vec::new(), base_paths: 0, plans: Vec::new() };
        for line in d.data.lines() {
            if let Some(n) = line.strip_prefix("# base\t") {
                a.base_paths = n.trim().parse().unwrap_or(0);
            } else if let Some(p) = line.strip_prefix('@') {
                let mut it = p.splitn(3, '\t');
                if let (Some(n), Some(r), Some(s)) = (it.next(), it.next(), it.next()) {
                    a.plans.push((n, r == "rec", s));
                }
            } else if !line.starts_with('#') {
                if let Some(p) = parse_pkg(line, d) {
                    a.pkgs.push(p);
                }
            }
        }
        a
    }

    pub fn find(&self, name: &str) -> Option<usize> {
        self.pkgs.binary_search_by(|p| p.name.cmp(name)).ok()
    }

    pub fn get(&self, i: usize) -> &Pkg {
        &self.pkgs[i]
    }

    /// The index of `p`'s .debs: `http://deb.debian.org/debian bookworm/main`.
    pub fn source(&self, p: &Pkg) -> String {
        self.index(p.suite, p.component)
    }

    /// The other index that has the same version (`noble-security` beside `noble-updates`).
    pub fn also_source(&self, p: &Pkg) -> Option<String> {
        p.also.map(|s| self.index(s, p.component))
    }

    fn index(&self, suite: &str, component: &str) -> String {
        let mirror = if suite == self.distro.suites[1] { self.distro.security_mirror } else { self.distro.mirror };
        format!("{mirror} {suite}/{component}")
    }

    fn suite_index(&self, suite: &str) -> usize {
        self.distro.suites.iter().position(|s| *s == suite).unwrap_or(0)
    }

    /// What `apt-get -s` says a package comes from: `Debian:12.11/stable`,
    /// `Ubuntu:24.04/noble-updates, Ubuntu:24.04/noble-security`.
    pub fn origin(&self, p: &Pkg) -> String {
        let mut s = self.distro.origins[self.suite_index(p.suite)].to_string();
        if let Some(a) = p.also {
            s.push_str(", ");
            s.push_str(self.distro.origins[self.suite_index(a)]);
        }
        s
    }

    /// The archives `apt list` names for a package: `stable`, `noble-updates,noble-security`.
    pub fn archives(&self, p: &Pkg) -> String {
        let mut s = self.distro.archives[self.suite_index(p.suite)].to_string();
        if let Some(a) = p.also {
            s.push(',');
            s.push_str(self.distro.archives[self.suite_index(a)]);
        }
        s
    }

    /// Packages providing the virtual package `name`.
    fn providers(&self, name: &str) -> Vec<usize> {
        (0..self.pkgs.len())
            .filter(|&i| self.pkgs[i].provides.split(',').any(|p| p == name))
            .collect()
    }

    /// Whether some package in `have` (installed or to be installed) is or provides `name`.
    fn satisfied(&self, name: &str, have: &dyn Fn(&str) -> bool) -> bool {
        have(name) || self.providers(name).iter().any(|&i| have(self.pkgs[i].name))
    }

    /// What `apt-get install names` marks, as apt's MarkInstall does: for each new package its
    /// Pre-Depends and Depends (and Recommends with `recommends`), the first alternative that
    /// exists when none is satisfied yet. Returns the new packages in the order marked.
    pub fn resolve(&self, names: &[usize], installed: &dyn Fn(&str) -> bool, recommends: bool) -> Vec<usize> {
        let mut marked: Vec<usize> = Vec::new();
        let mut stack: Vec<usize> = names.iter().rev().copied().collect();
        let mut guard = 0u32;
        while let Some(i) = stack.pop() {
            guard += 1;
            if guard > 100_000 {
                break;
            }
            let p = &self.pkgs[i];
            if installed(p.name) || marked.contains(&i) {
                continue;
            }
            marked.push(i);
            let mut fields = vec![p.pre_depends, p.depends];
            if recommends {
                fields.push(p.recommends);
            }
            let mut next = Vec::new();
            for field in fields {
                for alts in Pkg::groups(field) {
                    let have = |n: &str| installed(n) || marked.iter().any(|&m| self.pkgs[m].name == n) || next.iter().any(|&m: &usize| self.pkgs[m].name == n);
                    if alts.iter().any(|a| self.satisfied(a, &have)) {
                        continue;
                    }
                    let pick = alts.iter().find_map(|a| {
                        self.find(a).filter(|&j| !self.pkgs[j].base).or_else(|| {
                            let pr = self.providers(a);
                            (pr.len() == 1).then(|| pr[0])
                        })
                    });
                    if let Some(j) = pick {
                        next.push(j);
                    }
                }
            }
            stack.extend(next.into_iter().rev());
        }
        marked
    }

    /// The dpkg runs for installing `set` (requested `names`): apt's own plan when one
    /// requested package alone brings exactly this set, else the plans of the requested
    /// packages merged in command-line order, then the rest in marking order. The last stage
    /// is always an unpack; `dpkg --configure --pending` follows.
    pub fn stages(&self, names: &[usize], set: &[usize], recommends: bool) -> Vec<Stage> {
        let mut stages: Vec<Stage> = Vec::new();
        let mut done: Vec<usize> = Vec::new();
        for &n in names {
            let Some((_, _, plan)) = self.plans.iter().find(|(p, r, _)| *p == self.pkgs[n].name && *r == recommends) else { continue };
            for step in plan.split(';') {
                let mut words = step.split(' ');
                let op = match words.next() {
                    Some("C") => "C",
                    _ => "U",
                };
                let ids: Vec<usize> = words
                    .filter_map(|w| usize::from_str_radix(w, 36).ok().filter(|&i| i < self.pkgs.len()))
                    .filter(|i| set.contains(i) && (op == "C" || !done.contains(i)))
                    .collect();
                if op == "U" {
                    done.extend(&ids);
                }
                let ids: Vec<usize> = if op == "C" { ids.into_iter().filter(|i| done.contains(i)).collect() } else { ids };
                if ids.is_empty() {
                    continue;
                }
                match (stages.last_mut(), op) {
                    (Some(Stage::Unpack(v)), "U") => v.extend(ids),
                    (Some(Stage::Configure(v)), "C") => v.extend(ids),
                    (_, "C") => stages.push(Stage::Configure(ids)),
                    _ => stages.push(Stage::Unpack(ids)),
                }
            }
        }
        let rest: Vec<usize> = set.iter().copied().filter(|i| !done.contains(i)).collect();
        if !rest.is_empty() {
            match stages.last_mut() {
                Some(Stage::Unpack(v)) => v.extend(rest),
                _ => stages.push(Stage::Unpack(rest)),
            }
        }
        // Configure stages already done by an earlier configure (merged plans) are dropped.
        let mut configured: Vec<usize> = Vec::new();
        stages.retain_mut(|s| match s {
            Stage::Configure(v) => {
                v.retain(|i| !configured.contains(i));
                configured.extend(v.iter());
                !v.is_empty()
            }
            Stage::Unpack(_) => true,
        });
        if let Some(Stage::Configure(_)) = stages.last() {
            stages.pop();
        }
        stages
    }

    /// The order `dpkg --configure --pending` sets up `pending`: dpkg's package hash order
    /// (FNV-1a of the name modulo 65521), each deferred to the end of the queue while a
    /// dependency of it waits to be configured; a full round without progress takes the
    /// first anyway (dpkg's later tries break cycles).
    pub fn configure_order(&self, pending: &[usize], installed: &dyn Fn(&str) -> bool) -> Vec<usize> {
        fn fnv(s: &str) -> u32 {
            let mut h: u32 = 2_166_136_261;
            for b in s.bytes() {
                h ^= u32::from(b);
                h = h.wrapping_mul(16_777_619);
            }
            h
        }
        let mut queue: Vec<usize> = pending.to_vec();
        crate::text::sort_by(&mut queue, &|a, b| {
            let (x, y) = (self.pkgs[*a].name, self.pkgs[*b].name);
            (fnv(x) % 65521, x).cmp(&(fnv(y) % 65521, y))
        });
        let mut queue: std::collections::VecDeque<usize> = queue.into();
        let mut out: Vec<usize> = Vec::new();
        let mut since = 0usize;
        while let Some(i) = queue.pop_front() {
            let configured = |n: &str| installed(n) || out.iter().any(|&o| self.pkgs[o].name == n);
            let queued = |n: &str| queue.iter().any(|&q| self.pkgs[q].name == n || self.pkgs[q].provides.split(',').any(|p| p == n));
            let p = &self.pkgs[i];
            // A dependency waits when nothing configured satisfies it and a queued package will.
            let blocked = Pkg::groups(p.pre_depends)
                .chain(Pkg::groups(p.depends))
                .any(|alts| !alts.iter().any(|a| self.satisfied(a, &configured)) && alts.iter().any(|a| queued(a)));
            if blocked && since <= queue.len() {
                since += 1;
                queue.push_back(i);
                continue;
            }
            since = 0;
            out.push(i);
        }
        out
    }

    /// Reverse dependencies inside `among` (what `apt-get remove` must take along).
    pub fn rdepends(&self, name: &str, among: &[usize]) -> Vec<usize> {
        among
            .iter()
            .copied()
            .filter(|&i| {
                let p = &self.pkgs[i];
                Pkg::groups(p.pre_depends).chain(Pkg::groups(p.depends)).any(|alts| alts.len() == 1 && alts[0] == name)
            })
            .collect()
    }
}

/// apt's `SizeToStr`: `984 k`, `58.7 k`, `3064 k`, `12.3 M` (1000-based, no grouping, `%.1f`
/// below 100 of a unit, `%.0f` below 10000).
pub fn size_to_str(bytes: u64) -> String {
    const EXT: [&str; 5] = ["", "k", "M", "G", "T"];
    let mut div: u64 = 1;
    for (i, ext) in EXT.iter().enumerate() {
        if i != 0 && bytes < 100 * div {
            // tenths, rounded half to even as printf does
            let t = bytes * 10 / div;
            let rem = bytes * 10 % div;
            let t = if rem * 2 > div || (rem * 2 == div && t % 2 == 1) { t + 1 } else { t };
            return format!("{}.{} {ext}", t / 10, t % 10);
        }
        if bytes < 10000 * div {
            let q = bytes / div;
            let rem = bytes % div;
            let q = if rem * 2 > div || (rem * 2 == div && q % 2 == 1) { q + 1 } else { q };
            return format!("{q} {ext}");
        }
        div *= 1000;
    }
    format!("{} T", bytes / div)
}

/// apt's `ShowList`: a title, then names wrapped into lines of at most 76 columns, each
/// indented by two spaces.
pub fn show_list(title: &str, names: &[String]) -> String {
    if names.is_empty() {
        return String::new();
    }
    let mut s = title.to_string();
    let mut used = 0usize;
    for n in names {
        if used == 0 || used + n.len() >= 76 {
            s.push_str("\n  ");
            used = 0;
        } else {
            s.push(' ');
            used += 1;
        }
        s.push_str(n);
        used += n.len();
    }
    s.push('\n');
    s
}

/// Short names → index, for the packages of a status file (what is installed).
pub type Installed = BTreeMap<String, String>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_as_apt_prints_them() {
        // values seen in apt-get output on Debian 12
        assert_eq!(size_to_str(8808), "8808 ");
        assert_eq!(size_to_str(58_724), "58.7 k");
        assert_eq!(size_to_str(4_765_391), "4765 k");
        assert_eq!(size_to_str(13_000_000), "13.0 M");
        assert_eq!(size_to_str(151_075), "151 k");
        assert_eq!(size_to_str(55_403), "55.4 k");
        // printf rounds a tie to even
        assert_eq!(size_to_str(58_750), "58.8 k");
        assert_eq!(size_to_str(58_650), "58.6 k");
    }

    #[test]
    fn lists_wrap_at_apts_width() {
        let names: Vec<String> = "ca-certificates krb5-locales libbrotli1 libcurl4 libgssapi-krb5-2 libk5crypto3".split(' ').map(str::to_string).collect();
        assert_eq!(
            show_list("The following additional packages will be installed:", &names),
            "The following additional packages will be installed:\n  ca-certificates krb5-locales libbrotli1 libcurl4 libgssapi-krb5-2\n  libk5crypto3\n"
        );
        assert_eq!(show_list("Suggested packages:", &[]), "");
    }

    #[test]
    fn the_table_is_sorted_and_complete() {
        let a = Archive::bookworm();
        assert!(a.pkgs.len() > 800);
        assert!(a.pkgs.windows(2).all(|w| w[0].name < w[1].name));
        assert!(a.base_paths > 6000);
        let wget = a.get(a.find("wget").unwrap());
        assert_eq!((wget.version, wget.arch, wget.suite), ("1.21.3-1+deb12u1", "amd64", "bookworm"));
        assert!(a.get(a.find("bash").unwrap()).base);
        // every dependency of a non-base package names a package or something provided
        for p in a.pkgs.iter().filter(|p| !p.base) {
            for alts in Pkg::groups(p.depends).chain(Pkg::groups(p.pre_depends)) {
                assert!(alts.iter().any(|n| a.find(n).is_some() || !a.providers(n).is_empty()), "{}: {alts:?}", p.name);
            }
        }
    }

    #[test]
    fn configure_order_puts_dependencies_first() {
        let a = Archive::bookworm();
        let base = |n: &str| a.find(n).is_some_and(|i| a.get(i).base);
        let wget = a.find("wget").unwrap();
        let set = a.resolve(&[wget], &base, false);
        let names: Vec<&str> = set.iter().map(|&i| a.get(i).name).collect();
        assert_eq!(names, ["wget", "libpsl5"]);
        let order: Vec<&str> = a.configure_order(&set, &base).iter().map(|&i| a.get(i).name).collect();
        assert_eq!(order, ["libpsl5", "wget"]);
    }
}

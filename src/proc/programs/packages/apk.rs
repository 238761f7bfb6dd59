//! `apk` (apk-tools 2.14.9 on Alpine 3.22): update, add (with and without `--no-cache`), del,
//! info, search, with apk-tools' own messages (`src/commit.c`, `src/app_update.c`,
//! `src/database.c`), on the package data of `alpine-3.22.txt`.

use super::job::{FsOp, Job};
use crate::proc::program::{Ctx, Program};
use crate::vfs::{NodeKind, Tree};

const DATA: &str = include_str!("alpine-3.22.txt");
const INSTALLED: &str = "/lib/apk/db/installed";
const WORLD: &str = "/etc/apk/world";
const CACHE: &str = "/var/cache/apk";
/// Installed bytes of the base image's 15 packages (apk's database statistics).
const BASE_BYTES: u64 = 8_200_000;
/// The base image's packages (never purged by `apk del`).
const BASE_NAMES: &[&str] = &["alpine-baselayout", "alpine-baselayout-data", "alpine-keys", "alpine-release", "apk-tools", "busybox", "busybox-binsh", "ca-certificates-bundle", "libcrypto3", "libssl3", "musl", "musl-utils", "scanelf", "ssl_client", "zlib"];

#[derive(Clone, Debug)]
struct APkg {
    name: &'static str,
    version: &'static str,
    kib: u64,
    depends: Vec<&'static str>,
    scripts: &'static str,
    bins: &'static str,
    description: &'static str,
}

fn table() -> Vec<APkg> {
    DATA.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let f: Vec<&'static str> = l.split('\t').collect();
            (f.len() >= 7).then(|| APkg {
                name: f[0],
                version: f[1],
                kib: f[2].parse().unwrap_or(0),
                depends: f[3].split(',').filter(|d| *d != "-" && !d.is_empty()).collect(),
                scripts: f[4],
                bins: if f[5] == "-" { "" } else { f[5] },
                description: f[6],
            })
        })
        .collect()
}

fn read(fs: &Tree, path: &str) -> String {
    match fs.get(path).map(|n| &n.kind) {
        Some(NodeKind::File(d)) => String::from_utf8_lossy(d).into_owned(),
        _ => String::new(),
    }
}

/// (name, version) of the installed packages, in database order.
fn installed(fs: &Tree) -> Vec<(String, String)> {
    read(fs, INSTALLED)
        .split("\n\n")
        .filter_map(|s| {
            let get = |k: &str| s.lines().find_map(|l| l.strip_prefix(k)).map(str::to_string);
            Some((get("P:")?, get("V:").unwrap_or_default()))
        })
        .collect()
}

fn repos(fs: &Tree) -> Vec<String> {
    read(fs, "/etc/apk/repositories").lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_string).collect()
}

fn index_file(repo: &str) -> String {
    let d = crate::vfs::sha256_digest(repo.as_bytes());
    let h = crate::vfs::hex_of(&d);
    format!("{CACHE}/APKINDEX.{}.tar.gz", h.get(..8).unwrap_or(h))
}

fn fetch_lines(fs: &Tree, job: &mut Job) {
    for r in repos(fs) {
        job.out(&format!("fetch {r}/x86_64/APKINDEX.tar.gz\n"));
        job.sleep(150);
    }
}

fn stats(fs_installed: &[(String, String)], t: &[APkg]) -> String {
    let bytes: u64 = BASE_BYTES + fs_installed.iter().filter_map(|(n, _)| t.iter().find(|p| p.name == n)).map(|p| p.kib * 1024).sum::<u64>();
    format!("OK: {} MiB in {} packages\n", bytes / (1024 * 1024), fs_installed.len())
}

fn stanza(p: &APkg) -> String {
    format!("P:{}\nV:{}\nA:x86_64\nI:{}\nT:{}\n\n", p.name, p.version, p.kib * 1024, p.description)
}

fn write_db(db: &[(String, String)], t: &[APkg], old: &str, job: &mut Job) {
    // in database order: the base's stanzas (and virtual packages') as they are, ours rewritten
    let mut text = String::new();
    for (n, _) in db {
        if let Some(p) = t.iter().find(|p| p.name == n) {
            text.push_str(&stanza(p));
        } else if let Some(s) = old.split("\n\n").find(|s| s.lines().any(|l| l.strip_prefix("P:") == Some(n.as_str()))) {
            text.push_str(s.trim_matches('\n'));
            text.push_str("\n\n");
        }
    }
    job.write(INSTALLED, &text);
}

fn files(p: &APkg, job: &mut Job) {
    for b in p.bins.split(';').filter(|b| !b.is_empty()) {
        match b.split_once('>') {
            Some((path, target)) => {
                job.fs(FsOp::Symlink { path: path.into(), target: target.into() });
                let abs = crate::vfs::normalize(crate::vfs::parent(path), target);
                if !p.bins.split(';').any(|x| x == abs) {
                    let name = match crate::vfs::basename(&abs) {
                        "npm-cli.js" => "npm",
                        "npx-cli.js" => "npx",
                        _ => crate::vfs::basename(path),
                    };
                    job.fs(FsOp::Write { path: abs.clone(), data: format!("#!dockling:{name}\n").into_bytes(), mode: 0o755 });
                }
            }
            None => {
                let base = crate::vfs::basename(b);
                let name = match base {
                    "python3.12" => "python",
                    "pip" => "pip",
                    b => b,
                };
                job.fs(FsOp::Write { path: b.into(), data: format!("#!dockling:{name}\n").into_bytes(), mode: 0o755 });
            }
        }
    }
}

fn add(ctx: &Ctx, args: &[String], no_cache: bool, update: bool, virt: Option<&str>, job: &mut Job) -> i32 {
    let t = table();
    let mut db = installed(ctx.fs);
    let have_index = repos(ctx.fs).iter().all(|r| ctx.fs.get(&index_file(r)).is_some());
    if no_cache || update {
        fetch_lines(ctx.fs, job);
    }
    let can_see = no_cache || update || have_index;
    let names: Vec<String> = args.iter().map(|a| a.split(['=', '<', '>', '~']).next().unwrap_or(a).to_string()).collect();
    let bad: Vec<&String> = names.iter().filter(|n| !db.iter().any(|(d, _)| d == *n) && (!can_see || !t.iter().any(|p| p.name == n.as_str()))).collect();
    if !bad.is_empty() {
        let mut s = String::from("ERROR: unable to select packages:\n");
        for n in &bad {
            s.push_str(&format!("  {n} (no such package):\n    required by: world[{n}]\n"));
        }
        job.err(&s);
        return 1;
    }
    // deps first, in the order apk's solver visits them
    let mut order: Vec<usize> = Vec::new();
    let mut stack: Vec<(usize, bool)> = names.iter().rev().filter_map(|n| t.iter().position(|p| p.name == n)).map(|i| (i, false)).collect();
    let mut guard = 0;
    while let Some((i, expanded)) = stack.pop() {
        guard += 1;
        if guard > 10_000 {
            break;
        }
        let p = &t[i];
        if order.contains(&i) || db.iter().any(|(n, _)| n == p.name) {
            continue;
        }
        if expanded {
            order.push(i);
            continue;
        }
        stack.push((i, true));
        for d in p.depends.iter().rev() {
            if let Some(j) = t.iter().position(|q| q.name == *d) {
                stack.push((j, false));
            }
        }
    }
    // install_if: precompiled bytecode when pyc is installed
    if (order.iter().any(|&i| t[i].name == "pyc") || db.iter().any(|(n, _)| n == "pyc")) && order.iter().any(|&i| t[i].name == "py3-pip") {
        if let Some(j) = t.iter().position(|p| p.name == "py3-pip-pyc") {
            if !order.contains(&j) {
                order.push(j);
            }
        }
    }
    let total = order.len() + usize::from(virt.is_some());
    let mut trigger_busybox = false;
    let mut trigger_ca = false;
    for (k, &i) in order.iter().enumerate() {
        let p = &t[i];
        job.out(&format!("({}/{total}) Installing {} ({})\n", k + 1, p.name, p.version));
        if p.scripts.contains("post-install") {
            job.out(&format!("Executing {}-{}.post-install\n", p.name, p.version));
        }
        trigger_busybox |= !p.bins.is_empty();
        trigger_ca |= p.name == "ca-certificates";
        job.sleep(40);
        files(p, job);
        db.push((p.name.to_string(), p.version.to_string()));
    }
    let mut virt_stanza = String::new();
    if let Some(v) = virt {
        // apk names a virtual package's version after the time it was made
        let c = ctx.now.civil();
        let ver = format!("{:04}{:02}{:02}.{:02}{:02}{:02}", c.year, c.month, c.day, c.hour, c.minute, c.second);
        job.out(&format!("({total}/{total}) Installing {v} ({ver})\n"));
        virt_stanza = format!("P:{v}\nV:{ver}\nA:noarch\nI:0\nT:virtual meta package\nD:{}\n\n", names.join(" "));
        db.push((v.to_string(), ver));
    }
    if trigger_busybox {
        let v = db.iter().find(|(n, _)| n == "busybox").map(|(_, v)| v.clone()).unwrap_or_default();
        job.out(&format!("Executing busybox-{v}.trigger\n"));
    }
    if trigger_ca {
        let v = db.iter().find(|(n, _)| n == "ca-certificates").map(|(_, v)| v.clone()).unwrap_or_default();
        job.out(&format!("Executing ca-certificates-{v}.trigger\n"));
    }
    job.out(&stats(&db, &t));
    let old = read(ctx.fs, INSTALLED) + &virt_stanza;
    write_db(&db, &t, &old, job);
    let mut world: Vec<String> = read(ctx.fs, WORLD).lines().map(str::to_string).filter(|l| !l.is_empty()).collect();
    let world_adds: Vec<String> = match virt {
        Some(v) => vec![v.to_string()],
        None => names.clone(),
    };
    for n in &world_adds {
        if !world.contains(n) {
            world.push(n.clone());
        }
    }
    crate::text::sort(&mut world);
    job.write(WORLD, &(world.join("\n") + "\n"));
    0
}

/// The dependencies (`D:`) of an installed package that is not in the table (a `--virtual` one).
fn virtual_deps(db_text: &str, name: &str) -> Option<Vec<String>> {
    db_text.split("\n\n").find(|s| s.lines().any(|l| l == format!("P:{name}"))).map(|s| {
        s.lines().find_map(|l| l.strip_prefix("D:")).unwrap_or("").split_whitespace().map(str::to_string).collect()
    })
}

fn del(ctx: &Ctx, args: &[String], job: &mut Job) -> i32 {
    let t = table();
    let db = installed(ctx.fs);
    let old_db = read(ctx.fs, INSTALLED);
    let mut world: Vec<String> = read(ctx.fs, WORLD).lines().map(str::to_string).filter(|l| !l.is_empty()).collect();
    for a in args {
        if !world.contains(a) && !db.iter().any(|(n, _)| n == a) {
            job.err(&format!("ERROR: No such package: {a}\n"));
            return 1;
        }
        world.retain(|w| w != a);
    }
    // keep what the world still needs
    let mut keep: Vec<String> = Vec::new();
    let mut stack: Vec<String> = world.clone();
    let mut guard = 0;
    while let Some(n) = stack.pop() {
        guard += 1;
        if guard > 10_000 || keep.contains(&n) {
            continue;
        }
        if let Some(p) = t.iter().find(|p| p.name == n) {
            stack.extend(p.depends.iter().map(|d| d.to_string()));
        } else if let Some(d) = virtual_deps(&old_db, &n) {
            stack.extend(d);
        }
        keep.push(n);
    }
    let ours = |n: &str| t.iter().any(|p| p.name == n) || virtual_deps(&old_db, n).is_some_and(|_| !BASE_NAMES.contains(&n));
    let gone: Vec<(String, String)> = db.iter().rev().filter(|(n, _)| ours(n) && !keep.contains(n)).cloned().collect();
    let total = gone.len();
    let mut busybox = false;
    for (k, (n, v)) in gone.iter().enumerate() {
        job.out(&format!("({}/{total}) Purging {n} ({v})\n", k + 1));
        if let Some(p) = t.iter().find(|p| p.name == n) {
            busybox |= !p.bins.is_empty();
            for b in p.bins.split(';').filter(|b| !b.is_empty()) {
                job.fs(FsOp::Remove { path: b.split('>').next().unwrap_or(b).to_string() });
            }
        }
    }
    let db: Vec<(String, String)> = db.into_iter().filter(|(n, _)| !gone.iter().any(|(g, _)| g == n)).collect();
    if busybox {
        let v = db.iter().find(|(n, _)| n == "busybox").map(|(_, v)| v.clone()).unwrap_or_default();
        job.out(&format!("Executing busybox-{v}.trigger\n"));
    }
    job.out(&stats(&db, &t));
    let old = read(ctx.fs, INSTALLED);
    write_db(&db, &t, &old, job);
    job.write(WORLD, &(world.join("\n") + "\n"));
    0
}

/// `apk ARGS…`.
pub fn start(argv: &[String], ctx: &mut Ctx) -> Box<dyn Program> {
    let mut job = Job::new();
    let mut no_cache = false;
    let mut update = false;
    let mut verbose = false;
    let mut cmd = String::new();
    let mut args: Vec<String> = Vec::new();
    let mut virtual_name: Option<String> = None;
    let mut it = argv.iter().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--virtual" | "-t" => virtual_name = it.next().cloned(),
            "--no-cache" => no_cache = true,
            "-U" | "--update-cache" | "--update" => update = true,
            "-v" | "--verbose" => verbose = true,
            "-q" | "--quiet" | "--no-progress" | "--progress" => {}
            "--version" | "-V" => {
                job.out("apk-tools 2.14.9, compiled for x86_64.\n");
                return job.exit(0);
            }
            s if s.starts_with('-') => {
                job.err(&format!("dockling: apk option {s} is not simulated\n"));
                return job.exit(1);
            }
            s if cmd.is_empty() => cmd = s.to_string(),
            s => args.push(s.to_string()),
        }
    }
    if ctx.uid != 0 && matches!(cmd.as_str(), "add" | "del" | "update") {
        job.err("ERROR: Unable to lock database: Permission denied\nERROR: Failed to open apk database: Permission denied\n");
        return job.exit(99);
    }
    let code = match cmd.as_str() {
        "update" => {
            fetch_lines(ctx.fs, &mut job);
            for r in repos(ctx.fs) {
                job.out(&format!("v3.22.1-54-g2a9c08a6b57 [{r}]\n"));
                job.fs(FsOp::Write { path: index_file(&r), data: b"dockling: the contents of this index are not simulated\n".to_vec(), mode: 0o644 });
            }
            job.out("OK: 26326 distinct packages available\n");
            0
        }
        "add" => {
            if args.is_empty() {
                let db = installed(ctx.fs);
                job.out(&stats(&db, &table()));
                0
            } else {
                add(ctx, &args, no_cache, update, virtual_name.as_deref(), &mut job)
            }
        }
        "del" => del(ctx, &args, &mut job),
        "info" => {
            let t = table();
            let db = installed(ctx.fs);
            if args.is_empty() {
                job.out(&db.iter().map(|(n, _)| format!("{n}\n")).collect::<String>());
            } else {
                for a in &args {
                    if let (Some((n, v)), Some(p)) = (db.iter().find(|(n, _)| n == a), t.iter().find(|p| p.name == a.as_str())) {
                        job.out(&format!("{n}-{v} description:\n{}\n\n{n}-{v} installed size:\n{} KiB\n\n", p.description, p.kib));
                    } else if let Some((n, v)) = db.iter().find(|(n, _)| n == a) {
                        job.out(&format!("{n}-{v} description:\n"));
                        job.err(&format!("dockling: the description of {n} (a package of the image) is not simulated\n"));
                    }
                }
            }
            0
        }
        "search" => {
            let t = table();
            let pat = args.first().cloned().unwrap_or_default();
            for p in t.iter().filter(|p| p.name.contains(pat.as_str())) {
                if verbose {
                    job.out(&format!("{}-{} - {}\n", p.name, p.version, p.description));
                } else {
                    job.out(&format!("{}-{}\n", p.name, p.version));
                }
            }
            0
        }
        "" => {
            job.out("apk-tools 2.14.9, compiled for x86_64.\n\nusage: apk [<OPTIONS>...] COMMAND [<ARGUMENTS>...]\n");
            job.err("dockling: apk's full help text is not simulated\n");
            1
        }
        c => {
            job.err(&format!("dockling: apk {c} is not simulated\n"));
            1
        }
    };
    job.exit(code)
}

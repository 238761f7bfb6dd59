//! Builds an image's root file system from its catalog entry: the base layout of its OS family
//! (`busybox`, `alpine`, `debian`, `ubuntu`, `scratch`) plus the files the catalog lists.
//! Executables carry a `#!dockling:<program>` marker naming the simulated program they run.

use crate::clock::SimTime;
use crate::vfs::{Meta, Node, NodeKind, Tree};

/// A file of a catalog layer. `program` names the simulated program that runs when it is executed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileSpec {
    pub path: String,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub text: Option<String>,
    pub link: Option<String>,
    pub program: Option<String>,
    pub dir: bool,
}

/// BusyBox applets present in `/bin` of busybox and alpine.
pub const BUSYBOX_APPLETS: &[&str] = &[
    "[",
    "[[",
    "addgroup",
    "adduser",
    "arch",
    "ash",
    "awk",
    "base64",
    "basename",
    "bc",
    "cat",
    "chgrp",
    "chmod",
    "chown",
    "chroot",
    "clear",
    "cmp",
    "cp",
    "cut",
    "date",
    "dd",
    "df",
    "diff",
    "dirname",
    "dmesg",
    "du",
    "echo",
    "egrep",
    "env",
    "expr",
    "false",
    "fgrep",
    "find",
    "free",
    "grep",
    "groups",
    "gunzip",
    "gzip",
    "head",
    "hexdump",
    "hostname",
    "id",
    "ifconfig",
    "ip",
    "kill",
    "killall",
    "less",
    "ln",
    "ls",
    "md5sum",
    "mkdir",
    "mknod",
    "more",
    "mount",
    "mv",
    "nc",
    "netstat",
    "nslookup",
    "od",
    "passwd",
    "pgrep",
    "ping",
    "pkill",
    "printenv",
    "printf",
    "ps",
    "pwd",
    "readlink",
    "realpath",
    "rm",
    "rmdir",
    "sed",
    "seq",
    "sh",
    "sha256sum",
    "sleep",
    "sort",
    "stat",
    "su",
    "sync",
    "tac",
    "tail",
    "tar",
    "tee",
    "test",
    "timeout",
    "top",
    "touch",
    "tr",
    "traceroute",
    "true",
    "tty",
    "umount",
    "uname",
    "uniq",
    "unzip",
    "uptime",
    "vi",
    "watch",
    "wc",
    "wget",
    "which",
    "whoami",
    "xargs",
    "yes",
    "zcat",
];

/// Programs in `/usr/bin` of the Debian-family images (coreutils, bash, dash, apt…).
pub const DEBIAN_PROGRAMS: &[&str] = &[
    "[",
    "apt",
    "apt-cache",
    "apt-get",
    "awk",
    "base64",
    "basename",
    "bash",
    "cat",
    "chgrp",
    "chmod",
    "chown",
    "clear",
    "cmp",
    "cp",
    "cut",
    "dash",
    "date",
    "dd",
    "df",
    "diff",
    "dirname",
    "dpkg",
    "du",
    "echo",
    "egrep",
    "env",
    "expr",
    "false",
    "fgrep",
    "find",
    "grep",
    "groups",
    "gzip",
    "head",
    "hostname",
    "id",
    "kill",
    "ln",
    "ls",
    "md5sum",
    "mkdir",
    "mktemp",
    "more",
    "mount",
    "mv",
    "nproc",
    "od",
    "printenv",
    "printf",
    "pwd",
    "readlink",
    "realpath",
    "rm",
    "rmdir",
    "sed",
    "seq",
    "sha256sum",
    "sleep",
    "sort",
    "stat",
    "stty",
    "su",
    "sync",
    "tac",
    "tail",
    "tar",
    "tee",
    "test",
    "timeout",
    "touch",
    "tr",
    "true",
    "tty",
    "umount",
    "uname",
    "uniq",
    "wc",
    "which",
    "whoami",
    "xargs",
    "yes",
];

fn meta(mode: u32, at: SimTime) -> Meta {
    Meta {
        mode,
        uid: 0,
        gid: 0,
        mtime: at,
    }
}

fn file(text: &str, mode: u32, at: SimTime) -> Node {
    Node {
        kind: NodeKind::File(std::sync::Arc::new(text.as_bytes().to_vec())),
        meta: meta(mode, at),
    }
}

fn link(target: &str, at: SimTime) -> Node {
    Node {
        kind: NodeKind::Symlink(target.to_string()),
        meta: meta(0o777, at),
    }
}

/// The marker content of an executable that runs `program`.
pub fn program_marker(program: &str) -> String {
    format!("#!dockling:{program}\n")
}

/// Builds the content of a catalog layer: the base layout of an OS family (`busybox`, `alpine`,
/// `debian`, `ubuntu`; none for `""` or `scratch`) plus the given files.
pub fn build(os: &str, files: &[FileSpec], at: SimTime) -> Tree {
    let dir = meta(0o755, at);
    let mut t = Tree::new(dir.clone());
    let put = |t: &mut Tree, path: &str, node: Node| {
        let _ = t.insert(path, node, &dir);
    };
    let dirs: &[&str] = match os {
        "scratch" | "" => &[],
        "busybox" => &[
            "/bin",
            "/dev",
            "/etc",
            "/home",
            "/lib",
            "/proc",
            "/root",
            "/sys",
            "/tmp",
            "/usr/sbin",
            "/var/spool/mail",
            "/var/www",
        ],
        "alpine" => &[
            "/bin",
            "/dev",
            "/etc/apk",
            "/home",
            "/lib",
            "/media",
            "/mnt",
            "/opt",
            "/proc",
            "/root",
            "/run",
            "/sbin",
            "/srv",
            "/sys",
            "/tmp",
            "/usr/bin",
            "/usr/lib",
            "/usr/local/bin",
            "/usr/sbin",
            "/usr/share",
            "/var/cache",
            "/var/lib",
            "/var/log",
            "/var/tmp",
        ],
        _ => &[
            "/boot",
            "/dev",
            "/etc/apt",
            "/home",
            "/media",
            "/mnt",
            "/opt",
            "/proc",
            "/root",
            "/run",
            "/srv",
            "/sys",
            "/tmp",
            "/usr/bin",
            "/usr/lib",
            "/usr/local/bin",
            "/usr/local/sbin",
            "/usr/sbin",
            "/usr/share",
            "/var/cache",
            "/var/lib/apt/lists",
            "/var/log",
            "/var/tmp",
        ],
    };
    for d in dirs {
        let _ = t.mkdir(d, true, &dir);
    }
    if os != "scratch" && !os.is_empty() {
        let _ = t.set_meta("/tmp", |m| m.mode = 0o1777);
        let _ = t.set_meta("/root", |m| m.mode = 0o700);
        put(&mut t, "/etc/passwd", file("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n", 0o644, at));
        put(
            &mut t,
            "/etc/group",
            file("root:x:0:\nnogroup:x:65534:\n", 0o644, at),
        );
    }
    match os {
        "busybox" => {
            let marker = program_marker("busybox");
            put(&mut t, "/bin/busybox", file(&marker, 0o755, at));
            for a in BUSYBOX_APPLETS {
                put(&mut t, &format!("/bin/{a}"), file(&marker, 0o755, at));
            }
        }
        "alpine" => {
            put(
                &mut t,
                "/bin/busybox",
                file(&program_marker("busybox"), 0o755, at),
            );
            for a in BUSYBOX_APPLETS {
                put(&mut t, &format!("/bin/{a}"), link("/bin/busybox", at));
            }
            put(&mut t, "/sbin/apk", file(&program_marker("apk"), 0o755, at));
            put(
                &mut t,
                "/etc/passwd",
                file(
                    "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n",
                    0o644,
                    at,
                ),
            );
        }
        "debian" | "ubuntu" => {
            put(&mut t, "/bin", link("usr/bin", at));
            put(&mut t, "/sbin", link("usr/sbin", at));
            put(&mut t, "/lib", link("usr/lib", at));
            for p in DEBIAN_PROGRAMS {
                put(
                    &mut t,
                    &format!("/usr/bin/{p}"),
                    file(&program_marker(p), 0o755, at),
                );
            }
            put(&mut t, "/usr/bin/sh", link("dash", at));
            put(&mut t, "/etc/passwd", file("root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n", 0o644, at));
            put(
                &mut t,
                "/root/.bashrc",
                file(
                    "# ~/.bashrc: executed by bash(1) for non-login shells.\n",
                    0o644,
                    at,
                ),
            );
        }
        _ => {}
    }
    for f in files {
        let mode = |default: u32| if f.mode == 0 { default } else { f.mode };
        let mut node = match (&f.text, &f.link, &f.program) {
            _ if f.dir => Node {
                kind: NodeKind::Dir(Default::default()),
                meta: meta(mode(0o755), at),
            },
            (_, Some(target), _) => link(target, at),
            (Some(text), _, _) => file(text, mode(0o644), at),
            (None, None, Some(p)) => file(&program_marker(p), mode(0o755), at),
            (None, None, None) => file("", mode(0o644), at),
        };
        node.meta.uid = f.uid;
        node.meta.gid = f.gid;
        if f.dir && t.get(&f.path).is_some_and(|n| n.is_dir()) {
            let m = node.meta.clone();
            let _ = t.set_meta(&f.path, |x| *x = m);
            continue;
        }
        put(&mut t, &f.path, node);
    }
    t
}

//! Builds an image's root file system from its catalog entry: the base layout of its OS family
//! (`busybox`, `alpine`, `debian`, `ubuntu`, `oraclelinux`, `scratch`) plus the files the catalog lists.
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

/// Programs in `/usr/bin` of Debian bookworm's base image (the packages of priority required, and
/// apt), each a marker of its own name; `which` is `which.debianutils` behind an alternative.
pub const DEBIAN_PROGRAMS: &[&str] = &[
    "[",
    "addpart",
    "apt",
    "apt-cache",
    "apt-cdrom",
    "apt-config",
    "apt-get",
    "apt-key",
    "apt-mark",
    "arch",
    "b2sum",
    "base32",
    "base64",
    "basename",
    "basenc",
    "bash",
    "bashbug",
    "cat",
    "chage",
    "chattr",
    "chcon",
    "chfn",
    "chgrp",
    "chmod",
    "choom",
    "chown",
    "chrt",
    "chsh",
    "cksum",
    "clear",
    "clear_console",
    "cmp",
    "comm",
    "cp",
    "csplit",
    "cut",
    "dash",
    "date",
    "dd",
    "deb-systemd-helper",
    "deb-systemd-invoke",
    "debconf",
    "debconf-apt-progress",
    "debconf-communicate",
    "debconf-copydb",
    "debconf-escape",
    "debconf-set-selections",
    "debconf-show",
    "delpart",
    "df",
    "diff",
    "diff3",
    "dir",
    "dircolors",
    "dirname",
    "dmesg",
    "dpkg",
    "dpkg-deb",
    "dpkg-divert",
    "dpkg-maintscript-helper",
    "dpkg-query",
    "dpkg-realpath",
    "dpkg-split",
    "dpkg-statoverride",
    "dpkg-trigger",
    "du",
    "echo",
    "egrep",
    "env",
    "expand",
    "expiry",
    "expr",
    "factor",
    "faillog",
    "fallocate",
    "false",
    "fgrep",
    "fincore",
    "find",
    "findmnt",
    "flock",
    "fmt",
    "fold",
    "getconf",
    "getent",
    "getopt",
    "gpasswd",
    "gpgv",
    "grep",
    "groups",
    "gunzip",
    "gzexe",
    "gzip",
    "hardlink",
    "head",
    "hostid",
    "hostname",
    "iconv",
    "id",
    "infocmp",
    "install",
    "ionice",
    "ipcmk",
    "ipcrm",
    "ipcs",
    "ischroot",
    "join",
    "last",
    "lastlog",
    "ldd",
    "link",
    "ln",
    "locale",
    "localedef",
    "logger",
    "login",
    "logname",
    "ls",
    "lsattr",
    "lsblk",
    "lscpu",
    "lsfd",
    "lsipc",
    "lsirq",
    "lslocks",
    "lslogins",
    "lsmem",
    "lsns",
    "mawk",
    "mcookie",
    "md5sum",
    "mesg",
    "mkdir",
    "mkfifo",
    "mknod",
    "mktemp",
    "more",
    "mount",
    "mountpoint",
    "mv",
    "namei",
    "newgrp",
    "nice",
    "nl",
    "nohup",
    "nproc",
    "nsenter",
    "numfmt",
    "od",
    "partx",
    "passwd",
    "paste",
    "pathchk",
    "perl",
    "perl5.36.0",
    "pinky",
    "pldd",
    "pr",
    "printenv",
    "printf",
    "prlimit",
    "ptx",
    "pwd",
    "readlink",
    "realpath",
    "rename.ul",
    "renice",
    "resizepart",
    "rev",
    "rgrep",
    "rm",
    "rmdir",
    "run-parts",
    "runcon",
    "savelog",
    "script",
    "scriptlive",
    "scriptreplay",
    "sdiff",
    "sed",
    "select-editor",
    "sensible-browser",
    "sensible-editor",
    "sensible-pager",
    "seq",
    "setarch",
    "setpriv",
    "setsid",
    "setterm",
    "sha1sum",
    "sha224sum",
    "sha256sum",
    "sha384sum",
    "sha512sum",
    "shred",
    "shuf",
    "sleep",
    "sort",
    "split",
    "stat",
    "stdbuf",
    "stty",
    "su",
    "sum",
    "sync",
    "tabs",
    "tac",
    "tail",
    "tar",
    "taskset",
    "tee",
    "tempfile",
    "test",
    "tic",
    "timeout",
    "toe",
    "touch",
    "tput",
    "tr",
    "true",
    "truncate",
    "tset",
    "tsort",
    "tty",
    "tzselect",
    "uclampset",
    "umount",
    "uname",
    "uncompress",
    "unexpand",
    "uniq",
    "unlink",
    "unshare",
    "update-alternatives",
    "users",
    "utmpdump",
    "vdir",
    "wall",
    "wc",
    "wdctl",
    "whereis",
    "which.debianutils",
    "who",
    "whoami",
    "xargs",
    "yes",
    "zcat",
    "zcmp",
    "zdiff",
    "zdump",
    "zegrep",
    "zfgrep",
    "zforce",
    "zgrep",
    "zless",
    "zmore",
    "znew",
];

/// Programs in `/usr/sbin` of the same packages.
pub const DEBIAN_SBIN: &[&str] = &[
    "add-shell",
    "agetty",
    "badblocks",
    "blkdiscard",
    "blkid",
    "blkzone",
    "blockdev",
    "chcpu",
    "chgpasswd",
    "chmem",
    "chpasswd",
    "chroot",
    "cppw",
    "ctrlaltdel",
    "debugfs",
    "dpkg-fsys-usrunmess",
    "dpkg-preconfigure",
    "dpkg-reconfigure",
    "dumpe2fs",
    "e2freefrag",
    "e2fsck",
    "e2image",
    "e2scrub",
    "e2scrub_all",
    "e2undo",
    "e4crypt",
    "e4defrag",
    "faillock",
    "filefrag",
    "findfs",
    "fsck",
    "fsck.cramfs",
    "fsck.minix",
    "fsfreeze",
    "fstab-decode",
    "fstrim",
    "groupadd",
    "groupdel",
    "groupmems",
    "groupmod",
    "grpck",
    "grpconv",
    "grpunconv",
    "hwclock",
    "iconvconfig",
    "installkernel",
    "invoke-rc.d",
    "isosize",
    "killall5",
    "ldattach",
    "ldconfig",
    "logsave",
    "losetup",
    "mke2fs",
    "mkfs",
    "mkfs.bfs",
    "mkfs.cramfs",
    "mkfs.minix",
    "mkhomedir_helper",
    "mklost+found",
    "mkswap",
    "newusers",
    "nologin",
    "pam-auth-update",
    "pam_getenv",
    "pam_namespace_helper",
    "pam_timestamp_check",
    "pivot_root",
    "pwck",
    "pwconv",
    "pwhistory_helper",
    "pwunconv",
    "readprofile",
    "remove-shell",
    "resize2fs",
    "rmt-tar",
    "rtcwake",
    "runuser",
    "service",
    "shadowconfig",
    "start-stop-daemon",
    "sulogin",
    "swaplabel",
    "swapoff",
    "swapon",
    "switch_root",
    "tarcat",
    "tune2fs",
    "unix_chkpwd",
    "unix_update",
    "update-passwd",
    "update-rc.d",
    "update-shells",
    "useradd",
    "userdel",
    "usermod",
    "vipw",
    "wipefs",
    "zic",
    "zramctl",
];

/// Symlinks those packages ship (path, target), plus the alternatives `awk` and `which`.
pub const DEBIAN_LINKS: &[(&str, &str)] = &[
    ("/usr/bin/captoinfo", "tic"),
    ("/usr/bin/dnsdomainname", "hostname"),
    ("/usr/bin/domainname", "hostname"),
    ("/usr/bin/i386", "setarch"),
    ("/usr/bin/infotocap", "tic"),
    ("/usr/bin/lastb", "last"),
    ("/usr/bin/linux32", "setarch"),
    ("/usr/bin/linux64", "setarch"),
    ("/usr/bin/md5sum.textutils", "md5sum"),
    ("/usr/bin/nisdomainname", "hostname"),
    ("/usr/bin/pidof", "/sbin/killall5"),
    ("/usr/bin/rbash", "bash"),
    ("/usr/bin/reset", "tset"),
    ("/usr/bin/sg", "newgrp"),
    ("/usr/bin/sh", "dash"),
    ("/usr/bin/x86_64", "setarch"),
    ("/usr/bin/ypdomainname", "hostname"),
    ("/usr/sbin/cpgr", "cppw"),
    ("/usr/sbin/e2label", "tune2fs"),
    ("/usr/sbin/e2mmpstatus", "dumpe2fs"),
    ("/usr/sbin/fsck.ext2", "e2fsck"),
    ("/usr/sbin/fsck.ext3", "e2fsck"),
    ("/usr/sbin/fsck.ext4", "e2fsck"),
    ("/usr/sbin/getty", "agetty"),
    ("/usr/sbin/mkfs.ext2", "mke2fs"),
    ("/usr/sbin/mkfs.ext3", "mke2fs"),
    ("/usr/sbin/mkfs.ext4", "mke2fs"),
    ("/usr/sbin/vigr", "vipw"),
    ("/usr/bin/awk", "/etc/alternatives/awk"),
    ("/etc/alternatives/awk", "/usr/bin/mawk"),
    ("/usr/bin/nawk", "/etc/alternatives/nawk"),
    ("/etc/alternatives/nawk", "/usr/bin/mawk"),
    ("/usr/bin/which", "/etc/alternatives/which"),
    ("/etc/alternatives/which", "/usr/bin/which.debianutils"),
    ("/usr/sbin/rmt", "/etc/alternatives/rmt"),
    ("/etc/alternatives/rmt", "/usr/sbin/rmt-tar"),
];

/// `/usr/share/zoneinfo/Etc/UTC` as tzdata ships it.
const TZ_UTC: &[u8] = &[
    84, 90, 105, 102, 50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 85, 84, 67, 0, 84, 90, 105, 102,
    50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 85, 84, 67, 0, 10, 85, 84, 67, 48, 10,
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

/// `/root/.bashrc` of Debian's base image (shortened: comments and the commented-out aliases).
const BASHRC: &str = "# ~/.bashrc: executed by bash(1) for non-login shells.\n\n# Note: PS1 and umask are already set in /etc/profile. You should not\n# need this unless you want different defaults for root.\n# PS1='${debian_chroot:+($debian_chroot)}\\h:\\w\\$ '\n# umask 022\n";

/// `/root/.profile` of Debian's base image.
const PROFILE: &str = "# ~/.profile: executed by Bourne-compatible login shells.\n\nif [ \"$BASH\" ]; then\n  if [ -f ~/.bashrc ]; then\n    . ~/.bashrc\n  fi\nfi\n\nmesg n 2> /dev/null || true\n";

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
            "/etc/alternatives",
            "/etc/apt/apt.conf.d",
            "/etc/apt/sources.list.d",
            "/etc/apt/trusted.gpg.d",
            "/etc/default",
            "/etc/skel",
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
            "/usr/src",
            "/var/backups",
            "/var/cache/apt",
            "/var/lib/apt/lists",
            "/var/lib/dpkg/info",
            "/var/lib/misc",
            "/var/local",
            "/var/log/apt",
            "/var/mail",
            "/var/opt",
            "/var/spool",
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
        "debian" | "ubuntu" | "oraclelinux" => {
            put(&mut t, "/bin", link("usr/bin", at));
            put(&mut t, "/sbin", link("usr/sbin", at));
            put(&mut t, "/lib", link("usr/lib", at));
            put(&mut t, "/lib64", link("usr/lib64", at));
            let _ = t.mkdir("/usr/lib64", true, &dir);
            let rpm = os == "oraclelinux";
            for (d, list) in [("/usr/bin", DEBIAN_PROGRAMS), ("/usr/sbin", DEBIAN_SBIN)] {
                for p in list {
                    // Oracle Linux has the same GNU tools, not Debian's own (apt, dpkg, debconf…).
                    if rpm
                        && (p.starts_with("apt") || p.starts_with("dpkg") || p.starts_with("deb"))
                    {
                        continue;
                    }
                    let program = match *p {
                        "which.debianutils" => "which",
                        "perl5.36.0" => "perl",
                        p => p,
                    };
                    put(
                        &mut t,
                        &format!("{d}/{p}"),
                        file(&program_marker(program), 0o755, at),
                    );
                }
            }
            for (path, target) in DEBIAN_LINKS {
                if rpm && (path.contains("alternatives") || target.contains("alternatives")) {
                    continue;
                }
                put(&mut t, path, link(target, at));
            }
            if rpm {
                put(&mut t, "/usr/bin/sh", link("bash", at));
                put(
                    &mut t,
                    "/usr/bin/which",
                    file(&program_marker("which"), 0o755, at),
                );
                put(&mut t, "/usr/bin/awk", link("gawk", at));
                put(
                    &mut t,
                    "/usr/bin/gawk",
                    file(&program_marker("awk"), 0o755, at),
                );
            }
            let utc = Node {
                kind: NodeKind::File(std::sync::Arc::new(TZ_UTC.to_vec())),
                meta: meta(0o644, at),
            };
            put(&mut t, "/usr/share/zoneinfo/Etc/UTC", utc);
            put(&mut t, "/usr/share/zoneinfo/UTC", link("Etc/UTC", at));
            put(&mut t, "/etc/passwd", file("root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n", 0o644, at));
            put(&mut t, "/root/.bashrc", file(BASHRC, 0o644, at));
            put(&mut t, "/root/.profile", file(PROFILE, 0o644, at));
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

//! Package managers inside containers (apt-get, apt, apt-cache, dpkg, apk, conda) and the
//! tutorial downloads, driven through the Program trait on real image trees.
//!
//! Where expectations come from: the apt/dpkg lines were checked against apt 2.6.1 and dpkg
//! 1.21.22 sources and `apt-get -s install` on a Debian 12 machine run against debian:bookworm's
//! dpkg status (package sets, counts, wrapping); apk's against apk-tools 2.14.9's sources;
//! conda's and the installer's from the programs' known output.

use dockling::api::StdStream;
use dockling::clock::SimTime;
use dockling::proc::program::{Ctx, Input, Status};
use dockling::proc::programs::packages;
use dockling::proc::Captured;
use dockling::registry::Hub;
use dockling::vfs::{NodeKind, Tree};

fn image(repo: &str, tag: &str) -> Tree {
    Hub::builtin().resolve(&format!("docker.io/library/{repo}"), Some(tag), None).unwrap().image.rootfs()
}

struct Run {
    out: String,
    err: String,
    code: i32,
    /// stdout and stderr interleaved, as a terminal shows them.
    all: String,
}

struct Opts<'a> {
    tty: bool,
    stdin: Option<&'a str>,
    env: &'a [&'a str],
    uid: u32,
}

const PLAIN: Opts<'static> = Opts { tty: false, stdin: None, env: &[], uid: 0 };

fn run_with(fs: &mut Tree, cmd: &str, o: &Opts) -> Run {
    let argv: Vec<String> = cmd.split_whitespace().map(str::to_string).collect();
    let name = dockling::vfs::basename(&argv[0]).to_string();
    let env: Vec<String> = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root"].iter().chain(o.env.iter()).map(|s| s.to_string()).collect();
    let mut input = match o.stdin {
        Some(t) => Input::complete(t),
        None => Input { buf: String::new(), closed: true },
    };
    let mut cap = Captured::default();
    let mut now = SimTime::DEFAULT_START;
    let mut ctx = Ctx {
        fs,
        now,
        cwd: "/root",
        env: &env,
        hostname: "c0ffee",
        ip: "172.17.0.2",
        pid: 7,
        uid: o.uid,
        stdin: &mut input,
        tty: o.tty,
        out: &mut cap,
        seed: 1,
        online: true,
    };
    let mut prog = packages::start(&name, &argv, &mut ctx).expect("known program");
    let mut code = None;
    for _ in 0..100_000 {
        match prog.step(&mut ctx) {
            Status::Exited(c) => {
                code = Some(c);
                break;
            }
            Status::Waiting(w) => {
                if let Some(t) = w.until {
                    now = t;
                    ctx.now = now;
                } else if w.stdin {
                    panic!("waits for input that will not come");
                }
            }
        }
    }
    let mut all = String::new();
    for c in &cap.chunks {
        if let dockling::proc::Chunk::Text(_, t) = c {
            all.push_str(t);
        }
    }
    Run { out: cap.text(StdStream::Stdout), err: cap.text(StdStream::Stderr), code: code.expect("exits"), all }
}

fn run(fs: &mut Tree, cmd: &str) -> Run {
    run_with(fs, cmd, &PLAIN)
}

fn file(fs: &Tree, path: &str) -> Option<String> {
    match &fs.get(path)?.kind {
        NodeKind::File(d) => Some(String::from_utf8_lossy(d).into_owned()),
        _ => None,
    }
}

fn bookworm_updated() -> Tree {
    let mut fs = image("debian", "bookworm");
    assert_eq!(run(&mut fs, "apt-get update").code, 0);
    fs
}


/// `apt-get -s install` on this Debian 12 machine against debian:bookworm's dpkg status: how
/// many packages each tutorial package brings, with and without Recommends.
const APT_COUNTS: &[(&str, usize, usize)] = &[("wget", 6, 2), ("curl", 22, 16), ("git", 46, 24), ("vim", 6, 5), ("nano", 3, 2), ("less", 1, 1), ("procps", 5, 3), ("iputils-ping", 3, 2), ("net-tools", 1, 1), ("iproute2", 18, 15), ("dnsutils", 23, 22), ("python3", 26, 22), ("python3-pip", 152, 30), ("python3-venv", 32, 30), ("build-essential", 125, 56), ("gcc", 78, 25), ("g++", 81, 44), ("make", 1, 1), ("openjdk-17-jre-headless", 48, 34), ("nodejs", 16, 13), ("npm", 669, 387), ("ca-certificates", 3, 3), ("gnupg", 25, 21), ("unzip", 1, 1), ("zip", 2, 1), ("jq", 3, 3), ("htop", 5, 4), ("sudo", 1, 1), ("openssh-client", 20, 11), ("postgresql-client", 24, 21), ("default-mysql-client", 21, 16), ("redis-tools", 5, 5), ("sqlite3", 4, 4), ("tzdata", 0, 0), ("locales", 2, 2)];

#[test]
fn apt_get_update_fetches_the_bookworm_indexes() {
    let mut fs = image("debian", "bookworm");
    let r = run(&mut fs, "apt-get update");
    assert_eq!(r.code, 0);
    assert_eq!(
        r.out,
        "Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]\n\
         Get:2 http://deb.debian.org/debian bookworm-updates InRelease [55.4 kB]\n\
         Get:3 http://deb.debian.org/debian-security bookworm-security InRelease [48.0 kB]\n\
         Get:4 http://deb.debian.org/debian bookworm/main amd64 Packages [8793 kB]\n\
         Get:5 http://deb.debian.org/debian bookworm-updates/main amd64 Packages [6924 B]\n\
         Get:6 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages [272 kB]\n\
         Fetched 9326 kB in 1s (6366 kB/s)\n\
         Reading package lists...\n"
    );
    assert_eq!(r.err, "");
    assert!(fs.get("/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4").is_some());
    // the second time, apt already has them
    let r = run(&mut fs, "apt-get update");
    assert_eq!(
        r.out,
        "Hit:1 http://deb.debian.org/debian bookworm InRelease\nHit:2 http://deb.debian.org/debian bookworm-updates InRelease\nHit:3 http://deb.debian.org/debian-security bookworm-security InRelease\nReading package lists...\n"
    );
}

#[test]
fn apt_update_on_a_terminal_and_in_a_script() {
    let mut fs = image("debian", "bookworm");
    let r = run_with(&mut fs, "apt update", &Opts { tty: true, ..PLAIN });
    // No "Reading state information": Debian's image has no /var/lib/apt/extended_states yet
    // (apt reads it only when it exists; checked in a debootstrap bookworm chroot).
    assert!(r.out.ends_with("Reading package lists... Done\nBuilding dependency tree... Done\nAll packages are up to date.\n"), "{}", r.out);
    assert_eq!(r.err, "");
    let mut fs = image("debian", "bookworm");
    let r = run(&mut fs, "apt update");
    assert_eq!(r.err, "\nWARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\n");
    assert!(r.out.ends_with("Reading package lists...\nBuilding dependency tree...\nAll packages are up to date.\n"));
}

#[test]
fn install_before_update_cannot_locate_packages() {
    let mut fs = image("debian", "bookworm");
    let r = run(&mut fs, "apt-get install -y wget");
    assert_eq!(r.code, 100);
    assert_eq!(r.out, "Reading package lists...\nBuilding dependency tree...\n");
    assert_eq!(r.err, "E: Unable to locate package wget\n");
    let mut fs = bookworm_updated();
    let r = run(&mut fs, "apt-get install -y nosuch");
    assert_eq!(r.code, 100);
    assert!(r.err.starts_with("E: Unable to locate package nosuch\ndockling: "), "{}", r.err);
    // what apt-get -s install says on Debian 12 for names that are not packages
    let r = run(&mut fs, "apt-get install -y ping");
    assert_eq!(r.out, "Reading package lists...\nBuilding dependency tree...\nPackage ping is a virtual package provided by:\n  iputils-ping 3:20221126-1+deb12u1\n  inetutils-ping 2:2.4-2+deb12u3\n\n");
    assert_eq!((r.code, r.err.as_str()), (100, "E: Package 'ping' has no installation candidate\n"));
    let r = run(&mut fs, "apt-get install -y python");
    assert!(r.out.ends_with("Package python is not available, but is referred to by another package.\nThis may mean that the package is missing, has been obsoleted, or\nis only available from another source\nHowever the following packages replace it:\n  python-is-python3 2to3\n\n"));
    assert_eq!(r.err, "E: Package 'python' has no installation candidate\n");
    let r = run(&mut fs, "apt-get install -s pip");
    assert!(r.out.contains("0 upgraded, 152 newly installed"));
    let r = run(&mut fs, "apt-get install -y wget=1.0");
    assert_eq!((r.code, r.err.as_str()), (100, "E: Version '1.0' for 'wget' was not found\n"));
    let r = run(&mut fs, "apt-get install -s wget=1.21.3-1+deb12u1");
    assert_eq!(r.code, 0);
    let r = run(&mut fs, "apt-get frobnicate");
    assert_eq!((r.code, r.err.as_str()), (100, "E: Invalid operation frobnicate\n"));
    let r = run(&mut fs, "apt-get install -x wget");
    assert_eq!((r.code, r.err.as_str()), (100, "E: Command line option 'x' [from -x] is not understood in combination with the other options.\n"));
}

#[test]
fn install_wget_as_apt_does() {
    let mut fs = bookworm_updated();
    let r = run(&mut fs, "apt-get install -y wget");
    assert_eq!(r.code, 0, "{}", r.err);
    let head = "Reading package lists...\nBuilding dependency tree...\n\
The following additional packages will be installed:\n  ca-certificates libpsl5 libssl3 openssl publicsuffix\n\
The following NEW packages will be installed:\n  ca-certificates libpsl5 libssl3 openssl publicsuffix wget\n\
0 upgraded, 6 newly installed, 0 to remove and 0 not upgraded.\n";
    assert!(r.out.starts_with(head), "{}", r.out);
    // checked against apt-get on this machine (debian:bookworm's status)
    assert!(r.out.contains("\nNeed to get 4765 kB of archives.\nAfter this operation, 13.0 MB of additional disk space will be used.\n"), "{}", r.out);
    // apt-get -s order: libssl3 openssl ca-certificates libpsl5 wget publicsuffix
    assert!(r.out.contains("Get:1 http://deb.debian.org/debian-security bookworm-security/main amd64 libssl3 amd64 3.0.22-1~deb12u2 [2040 kB]\n"));
    assert!(r.out.contains("Get:5 http://deb.debian.org/debian bookworm/main amd64 wget amd64 1.21.3-1+deb12u1 [937 kB]\nGet:6 http://deb.debian.org/debian bookworm/main amd64 publicsuffix all 20230209.2326-1 [126 kB]\n"));
    assert!(r.all.contains("[126 kB]\ndebconf: delaying package configuration, since apt-utils is not installed\nFetched 4765 kB in 0s ("));
    assert!(r.out.contains("Selecting previously unselected package libssl3:amd64.\n(Reading database ... 6121 files and directories currently installed.)\nPreparing to unpack .../0-libssl3_3.0.22-1~deb12u2_amd64.deb ...\nUnpacking libssl3:amd64 (3.0.22-1~deb12u2) ...\n"), "{}", r.out);
    assert!(r.out.contains("Setting up wget (1.21.3-1+deb12u1) ...\n"));
    assert!(r.out.ends_with("Processing triggers for ca-certificates (20250419~deb12u2) ...\nUpdating certificates in /etc/ssl/certs...\n0 added, 0 removed; done.\nRunning hooks in /etc/ca-certificates/update.d...\ndone.\n"), "{}", r.out);
    assert_eq!(file(&fs, "/usr/bin/wget").as_deref(), Some("#!dockling:wget\n"));
    let status = file(&fs, "/var/lib/dpkg/status").unwrap();
    assert!(status.contains("Package: wget\nStatus: install ok installed\nPriority: standard\nSection: web\nInstalled-Size: 3521\nArchitecture: amd64\nVersion: 1.21.3-1+deb12u1\n"));
    assert!(status.contains("Package: bash\n"), "the image's packages stay");
    assert!(file(&fs, "/var/lib/apt/extended_states").unwrap().contains("Package: libpsl5\nArchitecture: amd64\nAuto-Installed: 1\n"));
    // again: nothing to do
    let r = run(&mut fs, "apt-get install -y wget");
    assert_eq!(r.out, "Reading package lists...\nBuilding dependency tree...\nReading state information...\nwget is already the newest version (1.21.3-1+deb12u1).\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n");
    // the database grew by the new packages' paths
    let r = run(&mut fs, "apt-get install -y less");
    assert!(r.out.contains("(Reading database ... 6729 files and directories currently installed.)\nPreparing to unpack .../less_590-2.1~deb12u2_amd64.deb ...\n"), "{}", r.out);
    // less's postinst runs update-alternatives --quiet
    assert!(r.out.contains("Setting up less (590-2.1~deb12u2) ...\n"));
    assert!(!r.out.contains("update-alternatives"));
    assert_eq!(fs.canonical("/usr/bin/pager").as_deref(), Some("/usr/bin/less"));
}

#[test]
fn the_prompt_reads_the_terminal() {
    for (input, code, tail) in [(None, 1, "Do you want to continue? [Y/n] Abort.\n"), (Some("n\n"), 1, "Do you want to continue? [Y/n] Abort.\n"), (Some("\n"), 0, "done.\n"), (Some("y\n"), 0, "done.\n")] {
        let mut fs = bookworm_updated();
        let r = run_with(&mut fs, "apt-get install wget", &Opts { stdin: input, ..PLAIN });
        assert_eq!(r.code, code, "{input:?}");
        assert!(r.out.ends_with(tail), "{input:?}: {}", r.out);
        assert_eq!(fs.get("/usr/bin/wget").is_some(), code == 0);
    }
    // a package without dependencies to add: no question
    let mut fs = bookworm_updated();
    let r = run(&mut fs, "apt-get install sudo");
    assert_eq!(r.code, 0);
    assert!(!r.out.contains("Do you want to continue?"));
}

#[test]
fn resolver_brings_what_apt_brings_for_every_tutorial_package() {
    for &(name, rec, norec) in APT_COUNTS {
        for (flag, want) in [("", rec), ("--no-install-recommends ", norec)] {
            let mut fs = bookworm_updated();
            let r = run(&mut fs, &format!("apt-get install -s {flag}{name}"));
            assert_eq!(r.code, 0, "{name}: {}", r.err);
            let inst = r.out.lines().filter(|l| l.starts_with("Inst ")).count();
            assert_eq!(inst, want, "{flag}{name}");
            if want > 0 {
                assert!(r.out.contains(&format!("0 upgraded, {want} newly installed, 0 to remove and 0 not upgraded.\n")));
            }
        }
    }
}

#[test]
fn lists_are_the_ones_apt_prints() {
    // apt-get -s install git (real apt on this machine, debian:bookworm's status)
    let mut fs = bookworm_updated();
    let r = run(&mut fs, "apt-get install -s git");
    let want = "Suggested packages:\n  gettext-base git-daemon-run | git-daemon-sysvinit git-doc git-email git-gui\n  gitk gitweb git-cvs git-mediawiki git-svn gdbm-l10n krb5-doc krb5-user\n  libsasl2-modules-gssapi-mit | libsasl2-modules-gssapi-heimdal\n  libsasl2-modules-ldap libsasl2-modules-otp libsasl2-modules-sql keychain\n  libpam-ssh monkeysphere ssh-askpass ed diffutils-doc perl-doc\n  libterm-readline-gnu-perl | libterm-readline-perl-perl make\n  libtap-harness-archive-perl\nThe following NEW packages will be installed:\n  ca-certificates git git-man krb5-locales less libbrotli1 libbsd0 libcbor0.8\n";
    assert!(r.out.contains(want), "{}", r.out);
    let r = run(&mut fs, "apt-get install -s --no-install-recommends python3");
    let want = "The following additional packages will be installed:\n  libexpat1 libgssapi-krb5-2 libk5crypto3 libkeyutils1 libkrb5-3\n  libkrb5support0 libncursesw6 libnsl2 libpython3-stdlib libpython3.11-minimal\n  libpython3.11-stdlib libreadline8 libsqlite3-0 libssl3 libtirpc-common\n  libtirpc3 media-types python3-minimal python3.11 python3.11-minimal\n  readline-common\nSuggested packages:\n  krb5-doc krb5-user python3-doc python3-tk python3-venv python3.11-venv\n  python3.11-doc binutils binfmt-support readline-doc\nRecommended packages:\n  krb5-locales libgpm2 ca-certificates\nThe following NEW packages will be installed:\n";
    assert!(r.out.contains(want), "{}", r.out);
    let r = run(&mut fs, "apt-get install -s --no-install-recommends wget");
    assert!(r.out.contains("The following additional packages will be installed:\n  libpsl5\nRecommended packages:\n  publicsuffix ca-certificates\nThe following NEW packages will be installed:\n  libpsl5 wget\n0 upgraded, 2 newly installed, 0 to remove and 0 not upgraded.\nInst libpsl5 "));
}

#[test]
fn dpkg_sets_up_in_its_own_order_and_apt_configures_pre_dependencies_first() {
    let mut fs = bookworm_updated();
    let r = run(&mut fs, "apt-get install -y --no-install-recommends curl");
    let setting: Vec<&str> = r.out.lines().filter_map(|l| l.strip_prefix("Setting up ")).map(|l| l.split(' ').next().unwrap()).collect();
    // dpkg --configure --pending: hash order, dependencies first
    assert_eq!(setting[..4], ["libkeyutils1:amd64", "libpsl5:amd64", "libbrotli1:amd64", "libssl3:amd64"]);
    assert_eq!(setting[setting.len() - 3..], ["libgssapi-krb5-2:amd64", "libcurl4:amd64", "curl"]);
    // python3: apt configures python3.11-minimal before unpacking python3-minimal (Pre-Depends)
    let r = run(&mut fs, "apt-get install -y python3");
    let i = r.out.find("Setting up python3.11-minimal").unwrap();
    let j = r.out.find("Unpacking python3-minimal").unwrap();
    assert!(i < j);
    assert_eq!(r.out.matches("(Reading database ... ").count(), 3);
    assert!(r.out.contains("Setting up python3 (3.11.2-1+b1) ...\nrunning python rtupdate hooks for python3.11...\n"));
    assert_eq!(file(&fs, "/usr/bin/python3.11").as_deref(), Some("#!dockling:python\n"));
    assert!(matches!(fs.get("/usr/bin/python3").map(|n| &n.kind), Some(NodeKind::Symlink(t)) if t == "python3.11"));
}

#[test]
fn installed_programs_become_markers() {
    let mut fs = bookworm_updated();
    let r = run(&mut fs, "apt-get install -y --no-install-recommends vim procps iputils-ping git nano");
    assert_eq!(r.code, 0, "{}", r.err);
    assert_eq!(file(&fs, "/usr/bin/vim.basic").as_deref(), Some("#!dockling:vim\n"));
    assert_eq!(fs.canonical("/usr/bin/vim").as_deref(), Some("/usr/bin/vim.basic"));
    assert_eq!(fs.canonical("/usr/bin/vi").as_deref(), Some("/usr/bin/vim.basic"));
    assert!(r.out.contains("update-alternatives: using /usr/bin/vim.basic to provide /usr/bin/vim (vim) in auto mode\n"));
    assert_eq!(file(&fs, "/usr/bin/ps").as_deref(), Some("#!dockling:ps\n"));
    assert_eq!(file(&fs, "/usr/bin/ping").as_deref(), Some("#!dockling:ping\n"));
    assert_eq!(file(&fs, "/usr/bin/git").as_deref(), Some("#!dockling:git\n"));
    assert_eq!(file(&fs, "/usr/bin/nano").as_deref(), Some("#!dockling:nano\n"));
    assert!(fs.get("/usr/share/doc/git/copyright").is_some());
}

#[test]
fn remove_purge_and_autoremove() {
    let mut fs = bookworm_updated();
    run(&mut fs, "apt-get install -y --no-install-recommends wget");
    let r = run(&mut fs, "apt-get remove -y wget");
    assert_eq!(r.code, 0);
    assert_eq!(
        r.out,
        "Reading package lists...\nBuilding dependency tree...\nReading state information...\n\
The following package was automatically installed and is no longer required:\n  libpsl5\nUse 'apt autoremove' to remove it.\n\
The following packages will be REMOVED:\n  wget\n0 upgraded, 0 newly installed, 1 to remove and 0 not upgraded.\n\
After this operation, 3606 kB disk space will be freed.\n(Reading database ... 6221 files and directories currently installed.)\nRemoving wget (1.21.3-1+deb12u1) ...\n"
    );
    assert!(fs.get("/usr/bin/wget").is_none());
    // wget has conffiles (/etc/wgetrc): dpkg keeps them, `rc`, until a purge
    assert!(file(&fs, "/var/lib/dpkg/status").unwrap().contains("Package: wget\nStatus: deinstall ok config-files\n"));
    assert!(run(&mut fs, "dpkg -l wget").out.contains("\nrc  wget "));
    let r = run(&mut fs, "apt-get purge -y wget");
    assert!(r.out.ends_with("The following packages will be REMOVED:\n  wget*\n0 upgraded, 0 newly installed, 1 to remove and 0 not upgraded.\nAfter this operation, 0 B of additional disk space will be used.\n(Reading database ... 6127 files and directories currently installed.)\nPurging configuration files for wget (1.21.3-1+deb12u1) ...\n"), "{}", r.out);
    assert!(!file(&fs, "/var/lib/dpkg/status").unwrap().contains("Package: wget\n"));
    let r = run(&mut fs, "apt-get autoremove -y");
    assert!(r.out.contains("The following packages will be REMOVED:\n  libpsl5\n"), "{}", r.out);
    let r = run(&mut fs, "apt-get purge -y curl");
    assert!(r.out.ends_with("Reading state information...\nPackage 'curl' is not installed, so not removed\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n"), "{}", r.out);
    let r = run(&mut fs, "apt-get remove -y nosuch");
    assert_eq!(r.code, 100);
    assert!(r.err.starts_with("E: Unable to locate package nosuch\n"));
    let r = run(&mut fs, "apt-get upgrade -y");
    assert!(r.out.ends_with("Calculating upgrade...\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n"));
}

#[test]
fn apt_list_and_apt_cache() {
    let mut fs = bookworm_updated();
    run(&mut fs, "apt-get install -y --no-install-recommends wget");
    let r = run_with(&mut fs, "apt list --installed", &Opts { tty: true, ..PLAIN });
    assert!(r.out.starts_with("Listing... Done\n"));
    assert!(r.out.contains("\u{1b}[32mwget\u{1b}[0m/stable,now 1.21.3-1+deb12u1 amd64 [installed]\n"), "{}", r.out);
    assert!(r.out.contains("\u{1b}[32mlibpsl5\u{1b}[0m/stable,now 0.21.2-1 amd64 [installed,automatic]\n"));
    let r = run(&mut fs, "apt-cache policy wget");
    assert_eq!(r.out, "wget:\n  Installed: 1.21.3-1+deb12u1\n  Candidate: 1.21.3-1+deb12u1\n  Version table:\n *** 1.21.3-1+deb12u1 500\n        500 http://deb.debian.org/debian bookworm/main amd64 Packages\n        100 /var/lib/dpkg/status\n");
    let r = run(&mut fs, "apt-cache search jq");
    assert!(r.out.contains("jq - lightweight and flexible command-line JSON processor\n"), "{}", r.out);
    let r = run(&mut fs, "apt-cache show curl");
    assert!(r.out.starts_with("Package: curl\nVersion: 7.88.1-10+deb12u15\nInstalled-Size: 489\nArchitecture: amd64\nDepends: libc6, libcurl4, zlib1g\n"), "{}", r.out);
    let r = run(&mut fs, "apt-cache show nosuch");
    assert_eq!((r.code, r.err.as_str()), (100, "N: Unable to locate package nosuch\nE: No packages found\n"));
}

#[test]
fn dpkg_list_and_files() {
    let mut fs = bookworm_updated();
    let r = run(&mut fs, "dpkg -l");
    assert!(r.out.starts_with("Desired=Unknown/Install/Remove/Purge/Hold\n| Status=Not/Inst/Conf-files/Unpacked/halF-conf/Half-inst/trig-aWait/Trig-pend\n|/ Err?=(none)/Reinst-required (Status,Err: uppercase=bad)\n||/ Name "), "{}", r.out);
    assert!(r.out.contains("\nii  apt "));
    run(&mut fs, "apt-get install -y --no-install-recommends wget");
    let r = run(&mut fs, "dpkg -l wget");
    assert!(r.out.contains("\nii  wget "), "{}", r.out);
    let r = run(&mut fs, "dpkg -l nosuch");
    assert_eq!((r.code, r.err.as_str()), (1, "dpkg-query: no packages found matching nosuch\n"));
    let r = run(&mut fs, "dpkg -L wget");
    assert!(r.out.starts_with("/.\n/usr\n/usr/bin\n/usr/bin/wget\n"), "{}", r.out);
    assert!(r.err.starts_with("dockling: "));
    let r = run(&mut fs, "dpkg -L nosuch");
    assert_eq!((r.code, r.err.as_str()), (1, "dpkg-query: package 'nosuch' is not installed\nUse dpkg --contents (= dpkg-deb --contents) to list archive files contents.\n"));
    let r = run(&mut fs, "dpkg --print-architecture");
    assert_eq!(r.out, "amd64\n");
}

#[test]
fn not_root_and_other_distributions() {
    let mut fs = image("debian", "bookworm");
    let r = run_with(&mut fs, "apt-get update", &Opts { uid: 1000, ..PLAIN });
    assert_eq!(r.code, 100);
    assert_eq!(r.err, "E: Could not open lock file /var/lib/apt/lists/lock - open (13: Permission denied)\nE: Unable to lock directory /var/lib/apt/lists/\n");
    let mut fs = image("ubuntu", "24.04");
    let r = run(&mut fs, "apt-get update");
    assert!(r.out.starts_with("Get:1 http://archive.ubuntu.com/ubuntu noble InRelease [256 kB]\n"), "{}", r.out);
    assert!(r.out.contains("http://security.ubuntu.com/ubuntu noble-security InRelease"));
    // Ubuntu 24.04's archive is simulated (checked in an Ubuntu 24.04 chroot)
    let r = run(&mut fs, "apt-get install -y curl");
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(r.out.contains(" http://archive.ubuntu.com/ubuntu noble-updates/main amd64 curl amd64 8.5.0-2ubuntu10.16 [226 kB]\n"), "{}", r.out);
    assert!(r.out.contains("(Reading database ... 4373 files and directories currently installed.)\n"));
    assert_eq!(file(&fs, "/usr/bin/curl").as_deref(), Some("#!dockling:curl\n"));
    // 22.04's is not: one line says so
    let mut fs = image("ubuntu", "22.04");
    run(&mut fs, "apt-get update");
    let r = run(&mut fs, "apt-get install -y curl");
    assert_eq!(r.code, 100);
    assert_eq!(r.err, "dockling: apt's package data for ubuntu jammy is not simulated (only Debian bookworm's and Ubuntu noble's are)\n");
}

#[test]
fn apk_update_add_del_info() {
    let mut fs = image("alpine", "3.22");
    let r = run(&mut fs, "apk add curl");
    assert_eq!(r.code, 1);
    assert_eq!(r.err, "ERROR: unable to select packages:\n  curl (no such package):\n    required by: world[curl]\n");
    let r = run(&mut fs, "apk add --no-cache curl");
    assert_eq!(r.code, 0);
    assert_eq!(
        r.out,
        "fetch https://dl-cdn.alpinelinux.org/alpine/v3.22/main/x86_64/APKINDEX.tar.gz\nfetch https://dl-cdn.alpinelinux.org/alpine/v3.22/community/x86_64/APKINDEX.tar.gz\n\
(1/9) Installing brotli-libs (1.1.0-r2)\n(2/9) Installing c-ares (1.34.5-r0)\n(3/9) Installing libunistring (1.3-r0)\n(4/9) Installing libidn2 (2.3.7-r0)\n(5/9) Installing nghttp2-libs (1.65.0-r0)\n(6/9) Installing libpsl (0.21.5-r3)\n(7/9) Installing zstd-libs (1.5.7-r0)\n(8/9) Installing libcurl (8.14.1-r1)\n(9/9) Installing curl (8.14.1-r1)\n\
Executing busybox-1.37.0-r18.trigger\nOK: 12 MiB in 24 packages\n"
    );
    assert_eq!(file(&fs, "/usr/bin/curl").as_deref(), Some("#!dockling:curl\n"));
    assert!(file(&fs, "/etc/apk/world").unwrap().contains("curl\n"));
    assert!(file(&fs, "/lib/apk/db/installed").unwrap().contains("P:libcurl\nV:8.14.1-r1\n"));
    let r = run(&mut fs, "apk update");
    assert!(r.out.ends_with("OK: 26326 distinct packages available\n"));
    let r = run(&mut fs, "apk add nosuch");
    assert_eq!(r.err, "ERROR: unable to select packages:\n  nosuch (no such package):\n    required by: world[nosuch]\n");
    let r = run(&mut fs, "apk add bash");
    assert!(r.out.contains("(4/4) Installing bash (5.2.37-r0)\nExecuting bash-5.2.37-r0.post-install\n"), "{}", r.out);
    let r = run(&mut fs, "apk del curl");
    assert!(r.out.starts_with("(1/9) Purging curl (8.14.1-r1)\n(2/9) Purging libcurl (8.14.1-r1)\n"), "{}", r.out);
    assert!(fs.get("/usr/bin/curl").is_none());
    let r = run(&mut fs, "apk info");
    assert!(r.out.contains("bash\n") && !r.out.contains("curl\n"));
}

#[test]
fn miniconda_download_and_install() {
    let d = packages::download("https://repo.anaconda.com/miniconda/Miniconda3-latest-Linux-x86_64.sh").unwrap();
    let body = String::from_utf8(d.body).unwrap();
    assert!(body.starts_with("#!/bin/sh\n") && body.contains("#!dockling:miniconda-install"));
    assert!(packages::download("https://bootstrap.pypa.io/get-pip.py").is_some());
    assert!(packages::download("https://example.com/nothing").is_none());
    let mut fs = image("debian", "bookworm");
    let r = run(&mut fs, "miniconda-install -b");
    assert_eq!(r.code, 0);
    assert_eq!(r.out, "PREFIX=/root/miniconda3\nUnpacking payload ...\n\nInstalling base environment...\n\nPreparing transaction: done\nExecuting transaction: done\ninstallation finished.\n");
    assert_eq!(file(&fs, "/root/miniconda3/bin/conda").as_deref(), Some("#!dockling:conda\n"));
    assert_eq!(fs.canonical("/root/miniconda3/bin/python").as_deref(), Some("/root/miniconda3/bin/python3.13"));
    let r = run(&mut fs, "miniconda-install -b");
    assert_eq!(r.code, 1);
    assert!(r.out.starts_with("ERROR: File or directory already exists: '/root/miniconda3'\n"));
    let r = run(&mut fs, "miniconda-install -b -p /opt/conda");
    assert!(r.out.starts_with("PREFIX=/opt/conda\n"));

    let conda = "/root/miniconda3/bin/conda";
    assert_eq!(run(&mut fs, &format!("{conda} --version")).out, "conda 25.5.1\n");
    let r = run(&mut fs, &format!("{conda} activate base"));
    assert_eq!((r.code, r.err.as_str()), (1, "\nCondaError: Run 'conda init' before 'conda activate'\n\n"));
    let r = run(&mut fs, &format!("{conda} install -y numpy"));
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(r.out.contains("## Package Plan ##\n\n  environment location: /root/miniconda3\n\n  added / updated specs:\n    - numpy\n"));
    assert!(r.out.ends_with("Preparing transaction: done\nVerifying transaction: done\nExecuting transaction: done\n"));
    let r = run(&mut fs, &format!("{conda} list"));
    assert!(r.out.starts_with("# packages in environment at /root/miniconda3:\n#\n# Name                    Version                   Build  Channel\n"));
    assert!(r.out.contains("\nnumpy                     2.3.1           py313h720eef7_0  \n"), "{}", r.out);
    let r = run_with(&mut fs, &format!("{conda} create -n env python=3.11"), &Opts { stdin: Some("n\n"), ..PLAIN });
    assert_eq!(r.code, 1);
    assert!(r.out.contains("Proceed ([y]/n)? \n\nCondaSystemExit: Exiting.\n"), "{}", r.out);
    let r = run(&mut fs, &format!("{conda} create -n env python=3.11 -y"));
    assert!(r.out.contains("#     $ conda activate env\n"));
    let r = run(&mut fs, &format!("{conda} env list"));
    assert_eq!(r.out, "# conda environments:\n#\nbase                 * /root/miniconda3\nenv                    /root/miniconda3/envs/env\n\n");
}

/// A tiny deterministic generator for the never-panic test.
fn lcg(seed: &mut u64) -> u64 {
    *seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
    *seed >> 33
}

#[test]
fn random_argument_lists_never_panic() {
    const WORDS: &[&str] = &["install", "remove", "purge", "update", "upgrade", "list", "search", "show", "policy", "autoremove", "-y", "-s", "-q", "--no-install-recommends", "--installed", "wget", "curl", "npm", "nosuch", "", "-", "--", "-yq", "-xyz", "--bogus", "=", "wget=1", "lib*", "*", "add", "del", "info", "--no-cache", "-l", "-L", "-s", "create", "-n", "env", "activate", "python=3.11", "numpy", "-b", "-p", "/", "::", "\u{e9}", "a|b"];
    let mut seed = 42;
    let base = bookworm_updated();
    let alpine = image("alpine", "3.22");
    for round in 0..300 {
        let prog = ["apt-get", "apt", "apt-cache", "dpkg", "apk", "conda", "miniconda-install"][round % 7];
        let n = lcg(&mut seed) % 6;
        let mut cmd = prog.to_string();
        for _ in 0..n {
            let w = WORDS[(lcg(&mut seed) % WORDS.len() as u64) as usize];
            if !w.is_empty() {
                cmd.push(' ');
                cmd.push_str(w);
            }
        }
        let mut fs = if prog == "apk" { alpine.clone() } else { base.clone() };
        let r = run_with(&mut fs, &cmd, &Opts { stdin: Some("y\n"), ..PLAIN });
        assert!((0..=127).contains(&r.code), "{cmd}");
    }
}

#[test]
fn quiet_levels_and_images_built_on_debian() {
    let mut fs = bookworm_updated();
    let r = run(&mut fs, "apt-get install -qq wget");
    // -qq hides apt's own lines and implies --yes; dpkg still talks
    assert!(r.out.starts_with("Selecting previously unselected package libssl3:amd64.\n(Reading database ... "), "{}", r.out);
    assert!(!r.out.contains("Get:") && !r.out.contains("Do you want"));
    let r = run(&mut fs, "apt-get update -qq");
    assert_eq!(r.out, "");
    // on a terminal dpkg counts in percent over one line
    let mut fs = bookworm_updated();
    let r = run_with(&mut fs, "apt-get install -y sudo", &Opts { tty: true, ..PLAIN });
    assert!(r.out.contains("(Reading database ... \r(Reading database ... 5%\r(Reading database ... 10%\r"), "{}", r.out);
    assert!(r.out.contains("100%\r(Reading database ... 6121 files and directories currently installed.)\n"));
    // python:3.13 is built on buildpack-deps: curl and git are there already
    let mut fs = image("python", "3.13");
    run(&mut fs, "apt-get update");
    let r = run(&mut fs, "apt-get install -y curl");
    assert!(r.out.contains("curl is already the newest version (7.88.1-10+deb12u15).\n0 upgraded, 0 newly installed"), "{}", r.out);
}

#[test]
fn inside_a_container_through_the_shell() {
    let t = dockling::session::run_script(
        dockling::Config::default(),
        "docker run --rm debian:bookworm sh -c 'apt-get install -y sudo; apt-get update >/dev/null && apt-get install -y -qq sudo >/dev/null 2>&1 && dpkg -l sudo'",
    );
    assert!(t.stderr.contains("E: Unable to locate package sudo\n"), "{}", t.merged);
    assert!(t.stdout.contains("\nii  sudo "), "{}", t.merged);
}

#[test]
fn downloaded_scripts_parse_in_dockling_shell() {
    for url in ["https://repo.anaconda.com/miniconda/Miniconda3-latest-Linux-x86_64.sh", "https://deb.nodesource.com/setup_20.x"] {
        let body = String::from_utf8(packages::download(url).unwrap().body).unwrap();
        assert!(matches!(dockling::proc::sh::parse(&body), dockling::proc::sh::ParseResult::Complete { .. }), "{url}");
    }
}

#[test]
fn the_miniconda_installer_runs_in_bash() {
    let body = String::from_utf8(packages::download("https://repo.anaconda.com/miniconda/Miniconda3-latest-Linux-x86_64.sh").unwrap().body).unwrap();
    let script = format!("cat > m.sh <<'EOF'\n{body}EOF\ndocker run --rm -v ./m.sh:/m.sh debian:bookworm bash -c 'bash /m.sh -b && /root/miniconda3/bin/conda --version && ls /root/miniconda3/bin'\n");
    let t = dockling::session::run_script(dockling::Config::default(), &script);
    assert!(t.stdout.contains("PREFIX=/root/miniconda3\nUnpacking payload ...\n"), "{}", t.merged);
    assert!(t.stdout.contains("installation finished.\nconda 25.5.1\n"), "{}", t.merged);
}

#[test]
fn alternatives_follow_priorities_and_slim_images_lack_man_pages() {
    let mut fs = image("debian", "bookworm-slim");
    run(&mut fs, "apt-get update");
    let r = run(&mut fs, "apt-get install -y --no-install-recommends vim nano");
    assert_eq!(r.code, 0, "{}", r.err);
    // dpkg sets nano up first: its editor (priority 40) stays when vim's (30) comes; the slim
    // image has no man pages
    assert!(r.all.contains("update-alternatives: using /bin/nano to provide /usr/bin/editor (editor) in auto mode\nupdate-alternatives: warning: skip creation of /usr/share/man/man1/editor.1.gz because associated file /usr/share/man/man1/nano.1.gz (of link group editor) doesn't exist\n"));
    assert_eq!(fs.canonical("/usr/bin/editor").as_deref(), Some("/usr/bin/nano"));
    let order: Vec<&str> = r.out.lines().filter_map(|l| l.strip_prefix("update-alternatives: using /usr/bin/vim.basic to provide ")).collect();
    assert_eq!(order, ["/usr/bin/ex (ex) in auto mode", "/usr/bin/rview (rview) in auto mode", "/usr/bin/rvim (rvim) in auto mode", "/usr/bin/vi (vi) in auto mode", "/usr/bin/view (view) in auto mode", "/usr/bin/vim (vim) in auto mode", "/usr/bin/vimdiff (vimdiff) in auto mode"]);
    // removing nano gives the editor back to vim
    let r = run(&mut fs, "apt-get remove -y nano");
    assert_eq!(r.code, 0);
    assert_eq!(fs.canonical("/usr/bin/editor").as_deref(), Some("/usr/bin/vim.basic"));
    assert!(fs.get("/usr/bin/pico").is_none());
}

#[test]
fn apk_virtual_packages() {
    let mut fs = image("alpine", "3.22");
    let r = run(&mut fs, "apk add --no-cache --virtual .tools jq");
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(r.out.contains("(1/3) Installing oniguruma (6.9.10-r0)\n(2/3) Installing jq (1.8.0-r0)\n(3/3) Installing .tools (20250701.100000)\nExecuting busybox-1.37.0-r18.trigger\n"), "{}", r.out);
    let world = file(&fs, "/etc/apk/world").unwrap();
    assert!(world.contains(".tools\n") && !world.contains("jq\n"));
    let r = run(&mut fs, "apk del .tools");
    assert_eq!(r.out, "(1/3) Purging .tools (20250701.100000)\n(2/3) Purging jq (1.8.0-r0)\n(3/3) Purging oniguruma (6.9.10-r0)\nExecuting busybox-1.37.0-r18.trigger\nOK: 7 MiB in 15 packages\n");
    assert!(fs.get("/usr/bin/jq").is_none());
}

#[test]
fn the_nodesource_script_installs_its_prerequisites_then_says_what_is_not_simulated() {
    let body = String::from_utf8(packages::download("https://deb.nodesource.com/setup_20.x").unwrap().body).unwrap();
    let script = format!("cat > s.sh <<'EOF'\n{body}EOF\ndocker run --rm -v ./s.sh:/s.sh debian:bookworm bash /s.sh\necho $?\n");
    let t = dockling::session::run_script(dockling::Config::default(), &script);
    // FIXME: the timestamp needs `date +FORMAT` in Dockling's coreutils
    assert!(t.stdout.starts_with("\u{1b}[38;5;79m"), "{}", t.merged);
    assert!(t.stdout.contains(" - Installing pre-requisites\u{1b}[0m\n"), "{}", t.merged);
    assert!(t.stdout.contains("Setting up curl (7.88.1-10+deb12u15) ...\n"), "{}", t.merged);
    assert!(t.stderr.contains("dockling: adding the NodeSource repository"), "{}", t.merged);
    assert!(t.stdout.ends_with("1\n"));
}


//! The catalog against the facts recorded for it: every tag resolves, sizes and layer counts as
//! `docker images` / `docker history` show them for the real images, shared base layers, program
//! markers, symlinks and entrypoints that resolve inside each image, and configs as
//! /work/shared/conformance/official-images.md gives them.

use super::Hub;
use crate::vfs::{NodeKind, Tree};

fn hub() -> Hub {
    Hub::builtin()
}

fn image(hub: &Hub, r: &str) -> std::sync::Arc<super::ImageData> {
    let (name, tag) = r.rsplit_once(':').unwrap_or((r, "latest"));
    let path = if name.contains('/') {
        name.to_string()
    } else {
        format!("library/{name}")
    };
    hub.resolve(&format!("docker.io/{path}"), Some(tag), None)
        .unwrap_or_else(|| panic!("{r} does not resolve"))
        .image
        .clone()
}

/// (reference, `docker images` SIZE, layers), as recorded for the real images.
const RECORDED: &[(&str, &str, usize)] = &[
    ("hello-world:latest", "10.1kB", 1),
    ("busybox:latest", "4.28MB", 1),
    ("busybox:1.36.1", "4.26MB", 1),
    ("alpine:latest", "8.31MB", 1),
    ("alpine:3.21", "7.83MB", 1),
    ("alpine:3.20", "7.8MB", 1),
    ("alpine:3.19", "7.38MB", 1),
    ("alpine:3.18", "7.34MB", 1),
    ("alpine:edge", "8.07MB", 1),
    ("debian:latest", "117MB", 1),
    ("debian:bookworm-slim", "74.8MB", 1),
    ("debian:bullseye", "124MB", 1),
    ("debian:bullseye-slim", "80.6MB", 1),
    ("debian:trixie", "120MB", 1),
    ("debian:trixie-slim", "78.6MB", 1),
    ("ubuntu:latest", "78.1MB", 1),
    ("ubuntu:22.04", "77.9MB", 1),
    ("buildpack-deps:bookworm-curl", "142MB", 2),
    ("buildpack-deps:bookworm-scm", "275MB", 3),
    ("buildpack-deps:bookworm", "930MB", 4),
    ("buildpack-deps:bullseye-curl", "148MB", 2),
    ("buildpack-deps:bullseye-scm", "279MB", 3),
    ("buildpack-deps:bullseye", "847MB", 4),
    ("python:3.13", "1.02GB", 7),
    ("python:3.13-slim", "121MB", 4),
    ("python:3.13-alpine", "43.9MB", 4),
    ("python:3.12", "1.02GB", 7),
    ("python:3.12-slim", "124MB", 4),
    ("python:3.12-alpine", "47MB", 4),
    ("python:3.11", "1.02GB", 7),
    ("python:3.11-slim", "128MB", 4),
    ("python:3.10", "1.01GB", 7),
    ("python:3.10-slim", "126MB", 4),
    ("python:3.9", "1.01GB", 7),
    ("python:3.9-slim", "125MB", 4),
    ("python:3.8.12-slim", "122MB", 5),
    ("node:latest", "1.12GB", 8),
    ("node:slim", "231MB", 5),
    ("node:alpine", "165MB", 4),
    ("node:lts", "1.11GB", 8),
    ("node:22-slim", "221MB", 5),
    ("node:22-alpine", "160MB", 4),
    ("node:20", "1.11GB", 8),
    ("node:20-slim", "208MB", 5),
    ("node:20-alpine", "140MB", 4),
    ("node:18", "1.09GB", 8),
    ("node:18-alpine", "127MB", 4),
    ("node:16", "1.04GB", 8),
    ("node:14", "939MB", 8),
    ("node:12", "918MB", 8),
    ("postgres:17", "438MB", 14),
    ("postgres:16", "432MB", 14),
    ("postgres:15", "431MB", 14),
    ("postgres:14", "427MB", 14),
    ("postgres:13", "422MB", 14),
    ("postgres:17-alpine", "278MB", 10),
    ("oraclelinux:9-slim", "116MB", 1),
    ("mysql:latest", "859MB", 10),
    ("mysql:lts", "770MB", 10),
    ("mysql:8.0", "773MB", 11),
    ("redis:latest", "128MB", 7),
    ("redis:7", "117MB", 8),
    ("redis:7.2", "117MB", 8),
    ("redis:6", "105MB", 8),
    ("redis:alpine", "60.7MB", 8),
    ("redis:7-alpine", "41.4MB", 8),
    ("redis:7.2-alpine", "40.9MB", 8),
    ("nginx:latest", "192MB", 7),
    ("nginx:alpine-slim", "12.1MB", 7),
    ("nginx:alpine", "52.5MB", 8),
    ("nginx:stable", "192MB", 7),
    ("nginx:stable-alpine-slim", "11.9MB", 7),
    ("nginx:stable-alpine", "52.3MB", 8),
    ("httpd:latest", "148MB", 6),
    ("httpd:alpine", "62.7MB", 7),
    ("mongo:latest", "878MB", 8),
    ("mongo:7", "779MB", 8),
    ("mongo:6", "712MB", 8),
    ("golang:latest", "854MB", 7),
    ("golang:alpine", "260MB", 5),
    ("golang:1.23", "823MB", 7),
    ("golang:1.23-alpine", "239MB", 5),
    ("eclipse-temurin:latest", "463MB", 5),
    ("eclipse-temurin:21-jre", "276MB", 5),
    ("eclipse-temurin:21-alpine", "357MB", 5),
    ("eclipse-temurin:21-jre-alpine", "192MB", 5),
    ("eclipse-temurin:17", "408MB", 5),
    ("eclipse-temurin:17-jre", "267MB", 5),
    ("eclipse-temurin:17-alpine", "302MB", 5),
    ("eclipse-temurin:17-jre-alpine", "184MB", 5),
    ("eclipse-temurin:11", "391MB", 5),
    ("eclipse-temurin:11-jre", "261MB", 5),
    ("eclipse-temurin:11-alpine", "286MB", 5),
    ("eclipse-temurin:11-jre-alpine", "178MB", 5),
    ("eclipse-temurin:8", "226MB", 5),
    ("eclipse-temurin:8-jre", "222MB", 5),
    ("eclipse-temurin:8-alpine", "121MB", 5),
    ("eclipse-temurin:8-jre-alpine", "116MB", 5),
    ("registry:latest", "57.7MB", 5),
    ("registry:2", "25.4MB", 5),
    ("pytorch/pytorch:latest", "7.62GB", 5),
    ("pytorch/pytorch:2.7.1-cuda12.8-cudnn9-runtime", "8.14GB", 5),
    ("pytorch/pytorch:2.7.1-cuda11.8-cudnn9-runtime", "6.71GB", 5),
];

#[test]
fn every_tag_of_the_catalog_resolves() {
    let v: serde_json::Value =
        serde_json::from_str(include_str!("catalog.json")).expect("valid JSON");
    let hub = hub();
    let mut n = 0;
    for (path, repo) in v["repositories"].as_object().expect("repositories") {
        for (tag, _) in repo["tags"].as_object().expect("tags") {
            assert!(
                hub.resolve(&format!("docker.io/{path}"), Some(tag), None)
                    .is_some(),
                "{path}:{tag}"
            );
            n += 1;
        }
    }
    assert!(n > 400, "{n} tags");
}

#[test]
fn tutorial_tags_resolve() {
    let hub = hub();
    for r in [
        "hello-world",
        "busybox",
        "alpine",
        "alpine:3.22",
        "alpine:3.21",
        "alpine:3.20",
        "alpine:edge",
        "ubuntu",
        "ubuntu:24.04",
        "ubuntu:noble",
        "ubuntu:22.04",
        "ubuntu:jammy",
        "debian",
        "debian:bookworm",
        "debian:12",
        "debian:bookworm-slim",
        "debian:bullseye",
        "debian:11",
        "debian:bullseye-slim",
        "debian:trixie",
        "buildpack-deps:bookworm-curl",
        "python",
        "python:3",
        "python:3.13",
        "python:slim",
        "python:3.13-slim",
        "python:alpine",
        "python:3.12-slim",
        "python:3.12-alpine",
        "python:3.11",
        "python:3.10",
        "python:3.9",
        "python:3.9-slim",
        "python:3.9.23-slim",
        "python:3.8.12-slim",
        "node",
        "node:current",
        "node:24",
        "node:lts",
        "node:jod",
        "node:22",
        "node:22-slim",
        "node:22-alpine",
        "node:22-bookworm",
        "node:20",
        "node:iron",
        "node:20-alpine",
        "node:18",
        "node:hydrogen",
        "node:18-alpine",
        "node:16",
        "node:14",
        "node:12",
        "postgres",
        "postgres:17",
        "postgres:17-alpine",
        "postgres:16",
        "postgres:15",
        "postgres:14",
        "postgres:13",
        "mysql",
        "mysql:9.3",
        "mysql:innovation",
        "mysql:8.4",
        "mysql:lts",
        "mysql:8",
        "mysql:8.0",
        "redis",
        "redis:8.0",
        "redis:7.4",
        "redis:7",
        "redis:7.2",
        "redis:6.2",
        "redis:alpine",
        "redis:7-alpine",
        "nginx",
        "nginx:mainline",
        "nginx:1.29",
        "nginx:stable",
        "nginx:1.28",
        "nginx:alpine",
        "nginx:stable-alpine",
        "httpd",
        "httpd:2.4",
        "httpd:alpine",
        "mongo",
        "mongo:8.0",
        "mongo:7.0",
        "mongo:6.0",
        "golang",
        "golang:1.24",
        "golang:1.23",
        "golang:alpine",
        "eclipse-temurin",
        "eclipse-temurin:21",
        "eclipse-temurin:17",
        "eclipse-temurin:11",
        "eclipse-temurin:8",
        "eclipse-temurin:21-jre",
        "eclipse-temurin:21-alpine",
        "registry",
        "registry:2",
        "registry:3",
        "pytorch/pytorch",
        "pytorch/pytorch:2.7.1-cuda12.6-cudnn9-runtime",
    ] {
        image(&hub, r);
    }
}

#[test]
fn sizes_and_layer_counts_are_as_recorded() {
    let hub = hub();
    for (r, size, layers) in RECORDED {
        let img = image(&hub, r);
        assert_eq!(crate::text::size3(img.size()), *size, "{r}");
        assert_eq!(img.layers.len(), *layers, "{r}");
        let with_layer = img.history.iter().filter(|h| !h.empty_layer).count();
        assert_eq!(with_layer, *layers, "{r}: history entries with a layer");
    }
}

#[test]
fn images_on_one_base_share_its_layers() {
    let hub = hub();
    let ids = |r: &str| {
        image(&hub, r)
            .layers
            .iter()
            .map(|l| l.diff_id.clone())
            .collect::<Vec<_>>()
    };
    let shares = |base: &str, on: &[&str]| {
        let b = ids(base);
        for r in on {
            assert_eq!(ids(r)[..b.len()], b[..], "{r} is not on {base}");
        }
    };
    shares("debian:bookworm", &["buildpack-deps:bookworm-curl"]);
    shares(
        "buildpack-deps:bookworm-scm",
        &["golang:1.24", "golang:1.23"],
    );
    shares(
        "buildpack-deps:bookworm",
        &[
            "python:3.13",
            "python:3.12",
            "python:3.9",
            "node:24",
            "node:22",
            "node:20",
        ],
    );
    shares(
        "debian:bookworm-slim",
        &[
            "python:3.13-slim",
            "node:22-slim",
            "postgres:17",
            "redis:8.0",
            "redis:7.2",
            "nginx:1.29",
            "nginx:1.28",
            "httpd:2.4",
        ],
    );
    shares(
        "alpine:3.22",
        &[
            "python:3.13-alpine",
            "node:22-alpine",
            "postgres:17-alpine",
            "httpd:alpine",
            "golang:alpine",
            "nginx:alpine",
        ],
    );
    shares(
        "alpine:3.21",
        &[
            "redis:alpine",
            "registry:3",
            "eclipse-temurin:21-alpine",
            "nginx:stable-alpine",
        ],
    );
    shares(
        "ubuntu:24.04",
        &["mongo:8.0", "eclipse-temurin:21", "eclipse-temurin:21-jre"],
    );
    shares("ubuntu:22.04", &["mongo:7.0", "pytorch/pytorch"]);
    shares(
        "oraclelinux:9-slim",
        &["mysql:9.3", "mysql:8.4", "mysql:8.0"],
    );
    // python and node full images share every buildpack-deps layer (curl, scm…) with each other
    assert_eq!(ids("python:3.13")[..4], ids("node:22")[..4]);
    assert_ne!(ids("debian:bookworm")[0], ids("debian:bookworm-slim")[0]);
}

/// The simulated programs the runtime knows by name.
const PROGRAMS: &[&str] = &[
    "hello",
    "busybox",
    "bash",
    "dash",
    "apt",
    "apt-get",
    "apt-cache",
    "dpkg",
    "apk",
    "python",
    "pip",
    "node",
    "npm",
    "npx",
    "corepack",
    "yarn",
    "postgres",
    "psql",
    "pg_ctl",
    "initdb",
    "postgres-entrypoint",
    "mysqld",
    "mysql",
    "mysql-entrypoint",
    "redis-server",
    "redis-cli",
    "nginx",
    "nginx-entrypoint",
    "httpd",
    "mongod",
    "mongosh",
    "mongo-entrypoint",
    "go",
    "gofmt",
    "java",
    "javac",
    "jshell",
    "registry",
    "curl",
    "wget",
    "gosu",
    "conda",
    "git",
    "gcc",
    "make",
];

/// Programs of the images' packages that carry their own name (procps, gnupg, openssh…).
const PACKAGE_PROGRAMS: &[&str] = &[
    "ps", "gpg", "ssh", "svn", "hg", "autoconf", "file", "setpriv", "which", "perl", "awk",
];

fn walk(t: &Tree, dir: &str, out: &mut Vec<(String, NodeKind)>) {
    if let Ok(entries) = t.list(dir) {
        for (name, node) in entries.iter() {
            let p = if dir == "/" {
                format!("/{name}")
            } else {
                format!("{dir}/{name}")
            };
            out.push((p.clone(), node.kind.clone()));
            if node.is_dir() {
                walk(t, &p, out);
            }
        }
    }
}

fn all_images(hub: &Hub) -> Vec<(String, std::sync::Arc<super::ImageData>)> {
    let mut v: Vec<(String, std::sync::Arc<super::ImageData>)> = Vec::new();
    for (name, _) in hub.search_entries() {
        let Some(repo) = hub.repository(&name) else { continue };
        for (tag, m) in repo.tags.iter() {
            if !v.iter().any(|(_, i)| i.id == m.image.id) {
                v.push((format!("{name}:{tag}"), m.image.clone()));
            }
        }
    }
    v
}

#[test]
fn program_markers_name_known_programs_and_symlinks_resolve_inside_the_image() {
    let hub = hub();
    let deb: Vec<&str> = super::rootfs::DEBIAN_PROGRAMS
        .iter()
        .chain(super::rootfs::DEBIAN_SBIN)
        .copied()
        .collect();
    for (r, img) in all_images(&hub) {
        let fs = img.rootfs();
        let mut nodes = Vec::new();
        walk(&fs, "/", &mut nodes);
        assert!(
            nodes.len() > 1 || r.contains("hello-world"),
            "{r}: empty root"
        );
        for (path, kind) in nodes {
            match kind {
                NodeKind::File(d) => {
                    let text = String::from_utf8_lossy(&d[..d.len().min(200)]).into_owned();
                    if let Some(p) = text.strip_prefix("#!dockling:") {
                        let p = p.lines().next().unwrap_or("");
                        assert!(
                            PROGRAMS.contains(&p)
                                || PACKAGE_PROGRAMS.contains(&p)
                                || deb.contains(&p)
                                || super::rootfs::BUSYBOX_APPLETS.contains(&p),
                            "{r}: {path} runs unknown program {p}"
                        );
                    }
                }
                NodeKind::Symlink(target) => {
                    // logs sent to the container's stdout: /dev is the runtime's, not the image's
                    if target.starts_with("/dev/") || target.starts_with("/proc/") {
                        continue;
                    }
                    assert!(
                        fs.canonical(&path).is_some_and(|c| fs.get(&c).is_some()),
                        "{r}: {path} -> {target} does not resolve"
                    );
                }
                NodeKind::Dir(_) => {}
            }
        }
    }
}

#[test]
fn entrypoints_and_commands_resolve_on_the_image_path() {
    let hub = hub();
    for (r, img) in all_images(&hub) {
        let c = &img.config;
        let path = c
            .env
            .iter()
            .find_map(|e| e.strip_prefix("PATH="))
            .unwrap_or("");
        let cwd = if c.working_dir.is_empty() {
            "/"
        } else {
            c.working_dir.as_str()
        };
        let fs = img.rootfs();
        let mut names: Vec<&str> = Vec::new();
        if let Some(e) = c.entrypoint.as_ref().and_then(|e| e.first()) {
            names.push(e);
        }
        if let Some(cmd) = c.cmd.as_ref().and_then(|c| c.first()) {
            // an entrypoint's arguments may be files or options (registry's config.yml)
            if c.entrypoint.is_none() || !(cmd.starts_with('/') || cmd.starts_with('-')) {
                names.push(cmd);
            }
        }
        assert!(!names.is_empty(), "{r}: nothing to run");
        for n in names {
            assert!(
                crate::proc::machine::resolve(&fs, cwd, path, n).is_some(),
                "{r}: {n} is not on PATH {path}"
            );
        }
    }
}

fn env(hub: &Hub, r: &str) -> Vec<String> {
    image(hub, r).config.env.clone()
}

const DEFAULT_PATH: &str = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

#[test]
fn configs_match_the_official_images() {
    let hub = hub();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        env(&hub, "python:3.13"),
        s(&[
            "PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305",
            "PYTHON_VERSION=3.13.5",
            "PYTHON_SHA256=93e583f243454e6e9e4588ca2c2662206ad961659863277afcdb96801647d640"
        ])
    );
    assert_eq!(image(&hub, "python:3.13").config.cmd, Some(s(&["python3"])));
    assert_eq!(
        env(&hub, "python:3.12")[1..3],
        s(&[
            "LANG=C.UTF-8",
            "GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305"
        ])[..]
    );
    assert!(env(&hub, "python:3.12").contains(
        &"PYTHON_SHA256=c30bb24b7f1e9a19b11b55a546434f74e739bb4c271a3e3a80ff4380d49f7adb"
            .to_string()
    ));
    assert_eq!(env(&hub, "python:3.8.12-slim")[2..], s(&["GPG_KEY=E3FF2839C048B25C084DEBE9B26995E310250568", "PYTHON_VERSION=3.8.12",
        "PYTHON_PIP_VERSION=21.2.4", "PYTHON_SETUPTOOLS_VERSION=57.5.0",
        "PYTHON_GET_PIP_URL=https://github.com/pypa/get-pip/raw/38e54e5de07c66e875c11a1ebbdb938854625dd8/public/get-pip.py",
        "PYTHON_GET_PIP_SHA256=e235c437e5c7d7524fbce3880ca39b917a73dc565e0c813465b7a7a329bb279a"])[..]);
    let node = image(&hub, "node:22");
    assert_eq!(
        node.config.env,
        s(&[DEFAULT_PATH, "NODE_VERSION=22.17.0", "YARN_VERSION=1.22.22"])
    );
    assert_eq!(node.config.entrypoint, Some(s(&["docker-entrypoint.sh"])));
    assert_eq!(node.config.cmd, Some(s(&["node"])));
    let pg = image(&hub, "postgres:17");
    assert_eq!(pg.config.env, s(&[
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/17/bin", "GOSU_VERSION=1.17",
        "LANG=en_US.utf8", "PG_MAJOR=17", "PG_VERSION=17.5-1.pgdg120+1", "PGDATA=/var/lib/postgresql/data"]));
    assert_eq!(pg.config.stop_signal.as_deref(), Some("SIGINT"));
    assert!(
        pg.config.exposed_ports.contains_key("5432/tcp")
            && pg.config.volumes.contains_key("/var/lib/postgresql/data")
    );
    let my = image(&hub, "mysql:8.4");
    assert_eq!(
        my.config.env,
        s(&[
            DEFAULT_PATH,
            "GOSU_VERSION=1.17",
            "MYSQL_MAJOR=8.4",
            "MYSQL_VERSION=8.4.5-1.el9",
            "MYSQL_SHELL_VERSION=8.4.5-1.el9"
        ])
    );
    assert_eq!(
        my.config.exposed_ports.keys().cloned().collect::<Vec<_>>(),
        s(&["3306/tcp", "33060/tcp"])
    );
    let rd = image(&hub, "redis");
    assert_eq!(
        (rd.config.working_dir.as_str(), rd.config.cmd.clone()),
        ("/data", Some(s(&["redis-server"])))
    );
    let ng = image(&hub, "nginx");
    assert_eq!(
        ng.config.env,
        s(&[
            DEFAULT_PATH,
            "NGINX_VERSION=1.29.0",
            "NJS_VERSION=0.9.0",
            "NJS_RELEASE=1~bookworm",
            "PKG_RELEASE=1~bookworm",
            "DYNPKG_RELEASE=1~bookworm"
        ])
    );
    assert_eq!(ng.config.cmd, Some(s(&["nginx", "-g", "daemon off;"])));
    assert_eq!(ng.config.stop_signal.as_deref(), Some("SIGQUIT"));
    assert_eq!(
        ng.config.labels.get("maintainer").map(String::as_str),
        Some("NGINX Docker Maintainers <docker-maint@nginx.com>")
    );
    let ht = image(&hub, "httpd");
    assert_eq!(ht.config.env, s(&["PATH=/usr/local/apache2/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HTTPD_PREFIX=/usr/local/apache2", "HTTPD_VERSION=2.4.63",
        "HTTPD_SHA256=88fc236ab99b2864b248de7d49a008ec2afd7551e64dce8b95f58f32f94c46ab", "HTTPD_PATCHES="]));
    assert_eq!(
        (
            ht.config.working_dir.as_str(),
            ht.config.stop_signal.as_deref()
        ),
        ("/usr/local/apache2", Some("SIGWINCH"))
    );
    let go = image(&hub, "golang");
    assert_eq!(go.config.env, s(&["PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "GOLANG_VERSION=1.24.4", "GOTOOLCHAIN=local", "GOPATH=/go"]));
    assert_eq!(
        (go.config.working_dir.as_str(), go.config.cmd.clone()),
        ("/go", Some(s(&["bash"])))
    );
    let jdk = image(&hub, "eclipse-temurin:21");
    assert_eq!(jdk.config.env, s(&["PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "JAVA_HOME=/opt/java/openjdk", "LANG=en_US.UTF-8", "LANGUAGE=en_US:en", "LC_ALL=en_US.UTF-8", "JAVA_VERSION=jdk-21.0.7+6"]));
    assert_eq!(
        (jdk.config.entrypoint.clone(), jdk.config.cmd.clone()),
        (Some(s(&["/__cacert_entrypoint.sh"])), Some(s(&["jshell"])))
    );
    assert_eq!(image(&hub, "eclipse-temurin:21-jre").config.cmd, None);
    let mg = image(&hub, "mongo");
    assert!(
        mg.config.env.contains(&"MONGO_VERSION=8.0.11".to_string())
            && mg.config.env.contains(&"HOME=/data/db".to_string())
    );
    assert_eq!(
        mg.config.volumes.keys().cloned().collect::<Vec<_>>(),
        s(&["/data/configdb", "/data/db"])
    );
    let rg3 = image(&hub, "registry:3");
    assert_eq!(
        (rg3.config.entrypoint.clone(), rg3.config.cmd.clone()),
        (
            Some(s(&["/entrypoint.sh"])),
            Some(s(&["/etc/distribution/config.yml"]))
        )
    );
    assert_eq!(
        image(&hub, "registry:2").config.cmd,
        Some(s(&["/etc/docker/registry/config.yml"]))
    );
    let pt = image(&hub, "pytorch/pytorch");
    assert_eq!(pt.config.env[0], "PATH=/usr/local/nvidia/bin:/usr/local/cuda/bin:/opt/conda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    assert_eq!(pt.config.working_dir, "/workspace");
    let ub = image(&hub, "ubuntu");
    assert_eq!(
        ub.config
            .labels
            .get("org.opencontainers.image.version")
            .map(String::as_str),
        Some("24.04")
    );
}

#[test]
fn images_carry_their_users_and_files() {
    let hub = hub();
    let text = |r: &str, p: &str| match image(&hub, r).rootfs().get(p).map(|n| n.kind.clone()) {
        Some(NodeKind::File(d)) => String::from_utf8_lossy(&d).into_owned(),
        _ => panic!("{r}: no file {p}"),
    };
    for (r, line) in [
        ("postgres", "postgres:x:999:999:"),
        ("mysql", "mysql:x:999:999:"),
        ("redis", "redis:x:999:999:"),
        ("node", "node:x:1000:1000:"),
        ("nginx", "nginx:x:101:101:"),
        ("nginx:alpine", "nginx:x:101:101:"),
        ("httpd", "www-data:x:33:33:"),
        ("mongo", "mongodb:x:999:999:"),
        ("ubuntu", "ubuntu:x:1000:1000:"),
    ] {
        assert!(
            text(r, "/etc/passwd").lines().any(|l| l.starts_with(line)),
            "{r}: {line}"
        );
    }
    assert_eq!(
        text("httpd", "/usr/local/apache2/htdocs/index.html"),
        "<html><body><h1>It works!</h1></body></html>\n"
    );
    assert_eq!(text("nginx", "/usr/share/nginx/html/index.html").len(), 615);
    assert!(text("debian", "/var/lib/dpkg/status")
        .contains("Package: dpkg\nEssential: yes\nStatus: install ok installed\n"));
    assert!(text("alpine", "/lib/apk/db/installed").contains("P:busybox\n"));
    assert!(text("alpine:3.21", "/etc/apk/repositories").contains("/v3.21/main"));
    assert!(text("debian", "/etc/os-release")
        .starts_with("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\""));
    let py = image(&hub, "python:3.13").rootfs();
    assert_eq!(
        py.canonical("/usr/local/bin/python3").as_deref(),
        Some("/usr/local/bin/python3.13")
    );
    assert!(py
        .get("/usr/local/lib/python3.13/site-packages/pip/__init__.py")
        .is_some());
    let node = image(&hub, "node:22").rootfs();
    assert_eq!(
        node.canonical("/usr/local/bin/npm").as_deref(),
        Some("/usr/local/lib/node_modules/npm/bin/npm-cli.js")
    );
    for r in ["debian", "ubuntu", "python:3.13-slim"] {
        let fs = image(&hub, r).rootfs();
        for absent in [
            "/usr/bin/ps",
            "/usr/bin/curl",
            "/usr/bin/wget",
            "/usr/bin/ping",
            "/usr/bin/vi",
        ] {
            assert!(fs.get(absent).is_none(), "{r} has {absent}");
        }
        assert!(
            fs.get("/usr/bin/apt").is_some() && fs.get("/usr/bin/dpkg").is_some(),
            "{r}"
        );
        assert!(fs.get("/etc/hostname").is_none(), "{r}");
    }
    assert!(image(&hub, "python:3.13")
        .rootfs()
        .get("/usr/bin/curl")
        .is_some());
}

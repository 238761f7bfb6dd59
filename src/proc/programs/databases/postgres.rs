//! The postgres image: `docker-entrypoint.sh` (first-run `initdb`, the temporary server that
//! creates `POSTGRES_DB` and runs `/docker-entrypoint-initdb.d/*.sql`, the missing-password
//! error), then the `postgres` server with its log lines, listening on 5432, and its fast/smart
//! shutdown on SIGINT/SIGTERM. Texts from docker-library/postgres `docker-entrypoint.sh` and
//! PostgreSQL 17's initdb, pg_ctl and postmaster messages (checked against a real 15.18 server;
//! 17's differences — quoted GUC names, `lsn=` in checkpoint lines — from the 17 sources).
//!
//! The data directory holds `PG_VERSION`, the usual directory names and the simulated catalog
//! (see `store`); `global/pg_control` records the cluster state (`shut down` or `in
//! production`, and when) so a later start knows whether to recover. While the server runs,
//! `postmaster.pid` and the socket file `/var/run/postgresql/.s.PGSQL.5432` exist; psql looks
//! for the socket.

use super::store::{Role, Store};
use super::sqlparse::Dialect;
use super::{env_version, exists, put, read, Oneshot};
use crate::clock::SimTime;
use crate::proc::program::{Ctx, Disposition, Listen, Program, Status, Wait};
use crate::proc::Signal;

/// The PostgreSQL build an image carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PgBuild {
    pub major: u32,
    /// `17.5`
    pub version: String,
    /// `17.5-1.pgdg120+1` on Debian; empty on Alpine.
    pub package: String,
    pub pgdata: String,
}

pub const SOCKET: &str = "/var/run/postgresql/.s.PGSQL.5432";
const POSTGRES_UID: u32 = 999;

impl PgBuild {
    pub fn of(ctx: &Ctx) -> PgBuild {
        let full = ctx.var("PG_VERSION").unwrap_or("17.5-1.pgdg120+1").to_string();
        let version = env_version(ctx, "PG_VERSION", "17.5");
        let major = ctx.var("PG_MAJOR").and_then(|m| m.parse().ok()).or_else(|| version.split('.').next()?.parse().ok()).unwrap_or(17);
        let package = if full.contains("pgdg") { full } else { String::new() };
        let pgdata = ctx.var("PGDATA").unwrap_or("/var/lib/postgresql/data").trim_end_matches('/').to_string();
        PgBuild { major, version, package, pgdata }
    }
    /// `17.5 (Debian 17.5-1.pgdg120+1)` (psql's banner, `--version`).
    pub fn short(&self) -> String {
        if self.package.is_empty() {
            self.version.clone()
        } else {
            format!("{} (Debian {})", self.version, self.package)
        }
    }
    /// What `version()` returns and the server logs at start.
    pub fn full(&self) -> String {
        if self.package.is_empty() {
            format!("PostgreSQL {} on x86_64-pc-linux-musl, compiled by gcc (Alpine 14.2.0) 14.2.0, 64-bit", self.version)
        } else {
            format!("PostgreSQL {} on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit", self.short())
        }
    }
    pub fn store<'a>(&self, fs: &'a mut crate::vfs::Tree, now: SimTime) -> Store<'a> {
        Store { fs, d: Dialect::Pg, root: self.pgdata.clone(), now, uid: POSTGRES_UID }
    }
}

/// `2025-07-01 10:00:00.000 UTC` (log_line_prefix `%m`).
fn log_ts(t: SimTime) -> String {
    let c = t.civil();
    format!("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03} UTC", c.year, c.month, c.day, c.hour, c.minute, c.second, t.as_ms() % 1000)
}

/// `2025-07-01 10:00:00 UTC` (times inside messages).
fn plain_ts(t: SimTime) -> String {
    let c = t.civil();
    format!("{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC", c.year, c.month, c.day, c.hour, c.minute, c.second)
}

pub fn start(name: &str, argv: &[String], ctx: &mut Ctx) -> Box<dyn Program> {
    let b = PgBuild::of(ctx);
    let args: Vec<&str> = argv.iter().skip(1).map(String::as_str).collect();
    let wants_version = |a: &[&str]| a.iter().any(|x| matches!(*x, "-V" | "--version"));
    match name {
        "initdb" | "pg_ctl" => {
            if wants_version(&args) {
                return Oneshot::boxed(&format!("{name} (PostgreSQL) {}\n", b.short()), "", 0);
            }
            if ctx.uid == 0 {
                let msg = if name == "initdb" {
                    "initdb: error: cannot be run as root\ninitdb: hint: Please log in (using, e.g., \"su\") as the (unprivileged) user that will own the server process.\n"
                } else {
                    "pg_ctl: cannot be run as root\nPlease log in (using, e.g., \"su\") as the (unprivileged) user that will\nown the server process.\n"
                };
                return Oneshot::boxed("", msg, 1);
            }
            Oneshot::boxed("", &format!("dockling: {name} is not simulated; the image's entrypoint initialises and runs the server\n"), 1)
        }
        "postgres" => {
            if wants_version(&args) {
                return Oneshot::boxed(&format!("postgres (PostgreSQL) {}\n", b.short()), "", 0);
            }
            if ctx.uid == 0 {
                return Oneshot::boxed("", "\"root\" execution of the PostgreSQL server is not permitted.\nThe server must be started under an unprivileged user ID to prevent\npossible system security compromise.  See the documentation for\nmore information on how to properly start the server.\n", 1);
            }
            Box::new(Postgres::new(b, false, ctx))
        }
        _ => {
            // docker-entrypoint.sh: options alone mean `postgres OPTIONS`.
            let mut a = args.clone();
            if a.first().is_some_and(|x| x.starts_with('-')) {
                a.insert(0, "postgres");
            }
            match a.first() {
                Some(&"postgres") if wants_version(&a) => Oneshot::boxed(&format!("postgres (PostgreSQL) {}\n", b.short()), "", 0),
                Some(&"postgres") => Box::new(Postgres::new(b, true, ctx)),
                Some(&"psql") => {
                    let rest: Vec<String> = argv.iter().skip(1).cloned().collect();
                    Box::new(super::psql::Psql::start(&rest, ctx))
                }
                Some(cmd) => Oneshot::boxed("", &format!("dockling: the postgres image's entrypoint running `{}` is not simulated\n", std::iter::once(*cmd).chain(a.iter().skip(1).copied()).collect::<Vec<_>>().join(" ")), 127),
                None => Oneshot::boxed("", "dockling: the postgres image's entrypoint without a command is not simulated\n", 127),
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Phase {
    Boot,
    Running,
    Exit(i32),
}

/// The postgres server (through the entrypoint, or run directly by the postgres user).
#[derive(Clone, Debug)]
pub struct Postgres {
    b: PgBuild,
    entrypoint: bool,
    phase: Phase,
    /// The postmaster's PID and its checkpointer's, startup process's and replication launcher's.
    pids: [u32; 4],
}

impl Postgres {
    fn new(b: PgBuild, entrypoint: bool, ctx: &Ctx) -> Postgres {
        let pm = ctx.pid;
        let pids = if pm == 1 { [1, 60, 62, 65] } else { [pm, pm + 1, pm + 3, pm + 6] };
        Postgres { b, entrypoint, phase: Phase::Boot, pids }
    }

    fn log(&self, ctx: &mut Ctx, pid: u32, msg: &str) {
        let line = format!("{} [{pid}] LOG:  {msg}\n", log_ts(ctx.now));
        ctx.out.err(&line);
    }

    fn control(&self, ctx: &Ctx) -> (String, SimTime) {
        let text = read(ctx, &format!("{}/global/pg_control", self.b.pgdata)).unwrap_or_default();
        let state = text.lines().find_map(|l| l.strip_prefix("state ")).unwrap_or("shut down").to_string();
        let at = text.lines().find_map(|l| l.strip_prefix("time ")).and_then(|t| t.parse().ok()).map(SimTime).unwrap_or(ctx.now);
        (state, at)
    }

    fn set_control(&self, ctx: &mut Ctx, state: &str) {
        let text = format!("# Dockling's simulated pg_control\nstate {state}\ntime {}\n", ctx.now.as_ms());
        put(ctx, &format!("{}/global/pg_control", self.b.pgdata), &text, POSTGRES_UID);
    }

    /// The environment the entrypoint reads; `Err` is its message and exit status.
    fn env(&self, ctx: &Ctx, name: &str, default: &str) -> Result<String, String> {
        let file_var = format!("{name}_FILE");
        let (v, f) = (ctx.var(name).filter(|v| !v.is_empty()), ctx.var(&file_var).filter(|v| !v.is_empty()));
        match (v, f) {
            (Some(_), Some(_)) => Err(format!("error: both {name} and {file_var} are set (but are exclusive)\n")),
            (Some(v), None) => Ok(v.to_string()),
            (None, Some(f)) => read(ctx, f).map(|s| s.trim_end_matches('\n').to_string()).ok_or_else(|| format!("/usr/local/bin/docker-entrypoint.sh: line 20: {f}: No such file or directory\n")),
            (None, None) => Ok(default.to_string()),
        }
    }

    /// Runs the entrypoint's first-run initialisation; `Err(code)` when it fails.
    fn initialise(&mut self, ctx: &mut Ctx) -> Result<(), i32> {
        let fail = |ctx: &mut Ctx, msg: &str| {
            ctx.out.err(msg);
            Err(1)
        };
        let password = match self.env(ctx, "POSTGRES_PASSWORD", "") {
            Ok(p) => p,
            Err(m) => return fail(ctx, &m),
        };
        let user = match self.env(ctx, "POSTGRES_USER", "postgres") {
            Ok(u) => u,
            Err(m) => return fail(ctx, &m),
        };
        let db = match self.env(ctx, "POSTGRES_DB", &user) {
            Ok(d) => d,
            Err(m) => return fail(ctx, &m),
        };
        let auth = ctx.var("POSTGRES_HOST_AUTH_METHOD").unwrap_or("").to_string();
        let initdb_args = ctx.var("POSTGRES_INITDB_ARGS").unwrap_or("").to_string();
        if self.b.major >= 18 && self.b.pgdata.ends_with("/docker") {
            // 18+ refuses data from older layouts; nothing to check in a fresh container.
        }
        if password.is_empty() && auth != "trust" {
            return fail(ctx, "Error: Database is uninitialized and superuser password is not specified.\n       You must specify POSTGRES_PASSWORD to a non-empty value for the\n       superuser. For example, \"-e POSTGRES_PASSWORD=password\" on \"docker run\".\n\n       You may also use \"POSTGRES_HOST_AUTH_METHOD=trust\" to allow all\n       connections without a password. This is *not* recommended.\n\n       See PostgreSQL documentation about \"trust\":\n       https://www.postgresql.org/docs/current/auth-trust.html\n");
        }
        if auth == "trust" {
            ctx.out.err("********************************************************************************\nWARNING: POSTGRES_HOST_AUTH_METHOD has been set to \"trust\". This will allow\n         anyone with access to the Postgres port to access your database without\n         a password, even if POSTGRES_PASSWORD is set. See PostgreSQL\n         documentation about \"trust\":\n         https://www.postgresql.org/docs/current/auth-trust.html\n         In Docker's default configuration, this is effectively any other\n         container on the same system.\n\n         It is not recommended to use POSTGRES_HOST_AUTH_METHOD=trust. Replace\n         it with \"-e POSTGRES_PASSWORD=password\" instead to set a password in\n         \"docker run\".\n********************************************************************************\n");
        }
        let checksums = initdb_args.split_whitespace().any(|a| a == "--data-checksums" || a == "-k") || (self.b.major >= 18 && !initdb_args.contains("--no-data-checksums"));
        self.initdb(ctx, &user, checksums);
        // pg_setup_hba_conf
        let method = if auth.is_empty() { if self.b.major >= 14 { "scram-sha-256".to_string() } else { "md5".to_string() } } else { auth.clone() };
        let hba = format!("{}/pg_hba.conf", self.b.pgdata);
        let mut text = read(ctx, &hba).unwrap_or_default();
        text.push('\n');
        if method == "trust" {
            text.push_str(&format!("# warning trust is enabled for all connections\n# see https://www.postgresql.org/docs/{}/auth-trust.html\n", self.b.major));
        }
        text.push_str(&format!("host all all all {method}\n"));
        put(ctx, &hba, &text, POSTGRES_UID);
        // docker_temp_server_start
        let temp = [48, 49, 51, 54];
        let (_, shut_at) = self.control(ctx);
        ctx.out.out("waiting for server to start....");
        self.log(ctx, temp[0], &format!("starting {}", self.b.full()));
        self.log(ctx, temp[0], &format!("listening on Unix socket \"{SOCKET}\""));
        self.log(ctx, temp[2], &format!("database system was shut down at {}", plain_ts(shut_at)));
        self.log(ctx, temp[0], "database system is ready to accept connections");
        ctx.out.out(" done\nserver started\n");
        self.set_control(ctx, "in production");
        self.mark_running(ctx, temp[0], false);
        // docker_setup_db
        let mut created = false;
        if db != "postgres" {
            let mut store = self.b.store(ctx.fs, ctx.now);
            if store.db(&db).is_none() {
                store.create_db(&db, &user);
                ctx.out.out("CREATE DATABASE\n\n");
                created = true;
            }
        }
        // docker_process_init_files /docker-entrypoint-initdb.d/*
        ctx.out.out("\n");
        let e = "/usr/local/bin/docker-entrypoint.sh";
        let dir = "/docker-entrypoint-initdb.d";
        let files: Vec<String> = ctx.fs.list(dir).map(|l| l.keys().map(|k| format!("{dir}/{k}")).collect()).unwrap_or_default();
        if files.is_empty() {
            ctx.out.out(&format!("{e}: ignoring {dir}/*\n\n"));
        }
        for f in files {
            if f.ends_with(".sh") {
                let verb = if ctx.fs.get(&f).is_some_and(|n| n.meta.mode & 0o111 != 0) { "running" } else { "sourcing" };
                ctx.out.out(&format!("{e}: {verb} {f}\n"));
                ctx.out.err(&format!("dockling: running shell scripts from {dir} is not simulated ({f} was skipped)\n"));
            } else if f.ends_with(".sql") {
                ctx.out.out(&format!("{e}: running {f}\n"));
                let text = read(ctx, &f).unwrap_or_default();
                let code = super::psql::run_init_sql(ctx, &self.b, &user, &db, &f, &text);
                if code != 0 {
                    self.mark_stopped(ctx);
                    return Err(code);
                }
                ctx.out.out("\n");
            } else if f.ends_with(".sql.gz") || f.ends_with(".sql.xz") || f.ends_with(".sql.zst") {
                ctx.out.out(&format!("{e}: running {f}\n"));
                ctx.out.err(&format!("dockling: compressed SQL files in {dir} are not simulated ({f} was skipped)\n"));
                ctx.out.out("\n");
            } else {
                ctx.out.out(&format!("{e}: ignoring {f}\n"));
            }
            ctx.out.out("\n");
        }
        // docker_temp_server_stop
        ctx.out.out("waiting for server to shut down....");
        self.shutdown_lines(ctx, temp, "fast", created);
        ctx.out.out(" done\nserver stopped\n");
        self.mark_stopped(ctx);
        ctx.out.out("\nPostgreSQL init process complete; ready for start up.\n\n");
        Ok(())
    }

    /// initdb's output and the data directory it creates.
    fn initdb(&self, ctx: &mut Ctx, user: &str, checksums: bool) {
        let lc = ctx.var("LANG").unwrap_or("en_US.utf8").to_string();
        let q = |g: &str| if self.b.major >= 17 { format!("\"{g}\"") } else { g.to_string() };
        let pgdata = self.b.pgdata.clone();
        let mut s = format!("The files belonging to this database system will be owned by user \"postgres\".\nThis user must also own the server process.\n\nThe database cluster will be initialized with locale \"{lc}\".\nThe default database encoding has accordingly been set to \"UTF8\".\nThe default text search configuration will be set to \"english\".\n\nData page checksums are {}.\n\n", if checksums { "enabled" } else { "disabled" });
        s.push_str(&format!("fixing permissions on existing directory {pgdata} ... ok\ncreating subdirectories ... ok\nselecting dynamic shared memory implementation ... posix\nselecting default {} ... 100\nselecting default {} ... 128MB\nselecting default time zone ... Etc/UTC\ncreating configuration files ... ok\nrunning bootstrap script ... ok\nperforming post-bootstrap initialization ... ok\nsyncing data to disk ... ok\n\n", q("max_connections"), q("shared_buffers")));
        ctx.out.out(&s);
        ctx.out.err("initdb: warning: enabling \"trust\" authentication for local connections\ninitdb: hint: You can change this by editing pg_hba.conf or using the option -A, or --auth-local and --auth-host, the next time you run initdb.\n");
        ctx.out.out(&format!("\nSuccess. You can now start the database server using:\n\n    pg_ctl -D {pgdata} -l logfile start\n\n"));
        // The data directory.
        let m = super::meta(ctx, 0o700, POSTGRES_UID);
        for d in ["base/1", "base/4", "base/5", "global", "pg_commit_ts", "pg_dynshmem", "pg_logical/mappings", "pg_logical/snapshots", "pg_multixact/members", "pg_multixact/offsets", "pg_notify", "pg_replslot", "pg_serial", "pg_snapshots", "pg_stat", "pg_stat_tmp", "pg_subtrans", "pg_tblspc", "pg_twophase", "pg_wal/archive_status", "pg_xact"] {
            let _ = ctx.fs.mkdir(&format!("{pgdata}/{d}"), true, &m);
        }
        put(ctx, &format!("{pgdata}/PG_VERSION"), &format!("{}\n", self.b.major), POSTGRES_UID);
        put(ctx, &format!("{pgdata}/postgresql.conf"), "# -----------------------------\n# PostgreSQL configuration file\n# -----------------------------\n#\n# (Dockling keeps only the settings it uses.)\n\nlisten_addresses = '*'\nmax_connections = 100\nshared_buffers = 128MB\ndynamic_shared_memory_type = posix\nmax_wal_size = 1GB\nmin_wal_size = 80MB\nlog_timezone = 'Etc/UTC'\ndatestyle = 'iso, mdy'\ntimezone = 'Etc/UTC'\nlc_messages = 'en_US.utf8'\nlc_monetary = 'en_US.utf8'\nlc_numeric = 'en_US.utf8'\nlc_time = 'en_US.utf8'\ndefault_text_search_config = 'pg_catalog.english'\n", POSTGRES_UID);
        put(ctx, &format!("{pgdata}/postgresql.auto.conf"), "# Do not edit this file manually!\n# It will be overwritten by the ALTER SYSTEM command.\n", POSTGRES_UID);
        put(ctx, &format!("{pgdata}/pg_ident.conf"), "# PostgreSQL User Name Maps\n# =========================\n\n# MAPNAME       SYSTEM-USERNAME         PG-USERNAME\n", POSTGRES_UID);
        put(ctx, &format!("{pgdata}/pg_hba.conf"), "# TYPE  DATABASE        USER            ADDRESS                 METHOD\n\n# \"local\" is for Unix domain socket connections only\nlocal   all             all                                     trust\n# IPv4 local connections:\nhost    all             all             127.0.0.1/32            trust\n# IPv6 local connections:\nhost    all             all             ::1/128                 trust\n# Allow replication connections from localhost, by a user with the\n# replication privilege.\nlocal   replication     all                                     trust\nhost    replication     all             127.0.0.1/32            trust\nhost    replication     all             ::1/128                 trust\n", POSTGRES_UID);
        let mut store = self.b.store(ctx.fs, ctx.now);
        store.save_databases(&[
            super::store::DbInfo { name: "template1".into(), owner: user.into(), oid: 1 },
            super::store::DbInfo { name: "template0".into(), owner: user.into(), oid: 4 },
            super::store::DbInfo { name: "postgres".into(), owner: user.into(), oid: 5 },
        ]);
        store.save_roles(&[Role { name: user.into(), superuser: true, password: String::new(), grants: Vec::new() }]);
        self.set_control(ctx, "shut down");
    }

    fn mark_running(&self, ctx: &mut Ctx, pid: u32, tcp: bool) {
        let pgdata = self.b.pgdata.clone();
        let text = format!("{pid}\n{pgdata}\n{}\n5432\n/var/run/postgresql\n{}\n  5432001         0\nready   \n", ctx.now.as_secs(), if tcp { "*" } else { "" });
        put(ctx, &format!("{pgdata}/postmaster.pid"), &text, POSTGRES_UID);
        put(ctx, SOCKET, "", POSTGRES_UID);
        put(ctx, &format!("{SOCKET}.lock"), &format!("{pid}\n{pgdata}\n"), POSTGRES_UID);
    }

    fn mark_stopped(&self, ctx: &mut Ctx) {
        let _ = ctx.fs.remove(&format!("{}/postmaster.pid", self.b.pgdata), false);
        let _ = ctx.fs.remove(SOCKET, false);
        let _ = ctx.fs.remove(&format!("{SOCKET}.lock"), false);
        self.set_control(ctx, "shut down");
    }

    fn shutdown_lines(&self, ctx: &mut Ctx, p: [u32; 4], mode: &str, busy: bool) {
        self.log(ctx, p[0], &format!("received {mode} shutdown request"));
        if mode == "fast" {
            self.log(ctx, p[0], "aborting any active transactions");
        }
        self.log(ctx, p[0], &format!("background worker \"logical replication launcher\" (PID {}) exited with exit code 1", p[3]));
        self.log(ctx, p[1], "shutting down");
        if self.b.major >= 15 {
            self.log(ctx, p[1], "checkpoint starting: shutdown immediate");
            let stats = if busy {
                "wrote 925 buffers (5.6%); 0 WAL file(s) added, 0 removed, 0 recycled; write=0.034 s, sync=0.840 s, total=0.889 s; sync files=301, longest=0.004 s, average=0.003 s; distance=4238 kB, estimate=4238 kB"
            } else {
                "wrote 3 buffers (0.0%); 0 WAL file(s) added, 0 removed, 0 recycled; write=0.003 s, sync=0.001 s, total=0.007 s; sync files=2, longest=0.001 s, average=0.001 s; distance=0 kB, estimate=0 kB"
            };
            let lsn = if self.b.major >= 17 { if busy { "; lsn=0/1908980, redo lsn=0/1908980" } else { "; lsn=0/14E4F20, redo lsn=0/14E4F20" } } else { "" };
            self.log(ctx, p[1], &format!("checkpoint complete: {stats}{lsn}"));
        }
        self.log(ctx, p[0], "database system is shut down");
    }

    /// The server itself: recovery if needed, listening, ready.
    fn serve(&mut self, ctx: &mut Ctx) -> Result<(), i32> {
        let pgdata = self.b.pgdata.clone();
        if !exists(ctx, &format!("{pgdata}/PG_VERSION")) {
            let msg = format!("postgres: could not access the server configuration file \"{pgdata}/postgresql.conf\": No such file or directory\n");
            ctx.out.err(&msg);
            return Err(2);
        }
        if let Some(pid) = read(ctx, &format!("{pgdata}/postmaster.pid")).and_then(|t| t.lines().next().and_then(|l| l.trim().parse::<u32>().ok())) {
            if pid != ctx.pid && !self.entrypoint {
                let ts = log_ts(ctx.now);
                ctx.out.err(&format!("{ts} [{}] FATAL:  lock file \"postmaster.pid\" already exists\n{ts} [{}] HINT:  Is another postmaster (PID {pid}) running in data directory \"{pgdata}\"?\n", ctx.pid, ctx.pid));
                return Err(1);
            }
        }
        let p = self.pids;
        let (state, at) = self.control(ctx);
        self.log(ctx, p[0], &format!("starting {}", self.b.full()));
        self.log(ctx, p[0], "listening on IPv4 address \"0.0.0.0\", port 5432");
        self.log(ctx, p[0], "listening on IPv6 address \"::\", port 5432");
        self.log(ctx, p[0], &format!("listening on Unix socket \"{SOCKET}\""));
        if state == "in production" {
            self.log(ctx, p[2], &format!("database system was interrupted; last known up at {}", plain_ts(at)));
            self.log(ctx, p[2], "database system was not properly shut down; automatic recovery in progress");
            self.log(ctx, p[2], "redo starts at 0/1908A10");
            let wanted = if self.b.major >= 16 { "expected at least 24" } else { "wanted 24" };
            self.log(ctx, p[2], &format!("invalid record length at 0/1908AF8: {wanted}, got 0"));
            self.log(ctx, p[2], "redo done at 0/1908AC0 system usage: CPU: user: 0.00 s, system: 0.00 s, elapsed: 0.00 s");
            if self.b.major >= 15 {
                self.log(ctx, p[1], "checkpoint starting: end-of-recovery immediate wait");
                let lsn = if self.b.major >= 17 { "; lsn=0/1908AF8, redo lsn=0/1908AF8" } else { "" };
                self.log(ctx, p[1], &format!("checkpoint complete: wrote 3 buffers (0.0%); 0 WAL file(s) added, 0 removed, 0 recycled; write=0.002 s, sync=0.001 s, total=0.004 s; sync files=2, longest=0.001 s, average=0.001 s; distance=0 kB, estimate=0 kB{lsn}"));
            }
        } else {
            self.log(ctx, p[2], &format!("database system was shut down at {}", plain_ts(at)));
        }
        self.log(ctx, p[0], "database system is ready to accept connections");
        self.set_control(ctx, "in production");
        self.mark_running(ctx, p[0], true);
        Ok(())
    }

    fn boot(&mut self, ctx: &mut Ctx) -> Result<(), i32> {
        if self.entrypoint {
            let pgdata = self.b.pgdata.clone();
            let m = super::meta(ctx, 0o700, POSTGRES_UID);
            let _ = ctx.fs.mkdir(&pgdata, true, &m);
            let initialised = read(ctx, &format!("{pgdata}/PG_VERSION")).is_some_and(|v| !v.is_empty());
            if initialised {
                ctx.out.out("\nPostgreSQL Database directory appears to contain a database; Skipping initialization\n\n");
            } else {
                self.initialise(ctx)?;
            }
        }
        self.serve(ctx)
    }
}

impl Program for Postgres {
    fn step(&mut self, ctx: &mut Ctx) -> Status {
        match self.phase {
            Phase::Boot => {
                self.phase = match self.boot(ctx) {
                    Ok(()) => Phase::Running,
                    Err(code) => Phase::Exit(code),
                };
                if let Phase::Exit(code) = self.phase {
                    return Status::Exited(code);
                }
                Status::Waiting(Wait::default())
            }
            Phase::Running => Status::Waiting(Wait::default()),
            Phase::Exit(code) => Status::Exited(code),
        }
    }

    fn listening(&self) -> Vec<Listen> {
        if self.phase != Phase::Running {
            return Vec::new();
        }
        vec![Listen { host: "0.0.0.0".into(), port: 5432 }, Listen { host: "::".into(), port: 5432 }]
    }

    fn signal(&mut self, sig: Signal, ctx: &mut Ctx) -> Disposition {
        if self.phase != Phase::Running {
            return Disposition::Default;
        }
        let p = self.pids;
        match sig {
            Signal::Int => self.shutdown_lines(ctx, p, "fast", false),
            Signal::Term => self.shutdown_lines(ctx, p, "smart", false),
            Signal::Quit => {
                self.log(ctx, p[0], "received immediate shutdown request");
                self.log(ctx, p[0], "database system is shut down");
                let _ = ctx.fs.remove(&format!("{}/postmaster.pid", self.b.pgdata), false);
                let _ = ctx.fs.remove(SOCKET, false);
                self.phase = Phase::Exit(0);
                return Disposition::Handled;
            }
            Signal::Hup => {
                self.log(ctx, p[0], "received SIGHUP, reloading configuration files");
                return Disposition::Handled;
            }
            _ => return Disposition::Default,
        }
        self.mark_stopped(ctx);
        self.phase = Phase::Exit(0);
        Disposition::Handled
    }

    fn clone_box(&self) -> Box<dyn Program> {
        Box::new(self.clone())
    }
}

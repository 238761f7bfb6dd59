//! The mysql image: `docker-entrypoint.sh` (its `[Note] [Entrypoint]` lines, the
//! missing-password error, `MYSQL_DATABASE`, `MYSQL_USER`/`MYSQL_PASSWORD`,
//! `MYSQL_RANDOM_ROOT_PASSWORD`, `/docker-entrypoint-initdb.d/*.sql`, the temporary server),
//! then `mysqld` with its 8.x log lines, listening on 3306 and 33060, and its shutdown on
//! SIGTERM. Texts from docker-library/mysql `docker-entrypoint.sh` and mysqld 8.4's messages.
//!
//! The data directory (`/var/lib/mysql`) holds a directory per database (see `store`); while the
//! server runs, `/var/run/mysqld/mysqld.sock` exists (it holds the next connection id) and the
//! mysql client looks for it.

use super::sql::{Conn, Engine};
use super::sqlparse::Dialect;
use super::store::{Role, Store};
use super::{env_version, exists, put, read, Oneshot};
use crate::clock::SimTime;
use crate::proc::program::{Ctx, Disposition, Listen, Program, Status, Wait};
use crate::proc::Signal;

pub const SOCKET: &str = "/var/run/mysqld/mysqld.sock";
pub const DATADIR: &str = "/var/lib/mysql";
const MYSQL_UID: u32 = 999;

/// The MySQL build an image carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MyBuild {
    /// `8.4.5`
    pub version: String,
    /// `8.4.5-1.el9`
    pub package: String,
}

impl MyBuild {
    pub fn of(ctx: &Ctx) -> MyBuild {
        MyBuild {
            version: env_version(ctx, "MYSQL_VERSION", "8.4.5"),
            package: ctx.var("MYSQL_VERSION").unwrap_or("8.4.5-1.el9").to_string(),
        }
    }
    fn minor(&self) -> (u32, u32) {
        let mut it = self.version.split('.').map(|x| x.parse::<u32>().unwrap_or(0));
        (it.next().unwrap_or(8), it.next().unwrap_or(4))
    }
    /// `8.0` logs differently from 8.1 and later.
    fn is_80(&self) -> bool {
        self.minor() == (8, 0)
    }
    pub fn store<'a>(fs: &'a mut crate::vfs::Tree, now: SimTime) -> Store<'a> {
        Store { fs, d: Dialect::My, root: DATADIR.into(), now, uid: MYSQL_UID }
    }
    pub fn conn(&self, user: &str, db: &str) -> Conn {
        Conn { d: Dialect::My, db: db.into(), user: user.into(), version: self.version.clone(), collate_c: false }
    }
}

/// `2025-07-01T10:00:00.000000Z` (mysqld's error log).
fn log_ts(t: SimTime) -> String {
    let c = t.civil();
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", c.year, c.month, c.day, c.hour, c.minute, c.second, (t.as_ms() % 1000) * 1000)
}

/// `2025-07-01 10:00:00+00:00` (`date --rfc-3339=seconds`).
fn note_ts(t: SimTime) -> String {
    let c = t.civil();
    format!("{:04}-{:02}-{:02} {:02}:{:02}:{:02}+00:00", c.year, c.month, c.day, c.hour, c.minute, c.second)
}

pub fn start(name: &str, argv: &[String], ctx: &mut Ctx) -> Box<dyn Program> {
    let b = MyBuild::of(ctx);
    let mut args: Vec<String> = argv.iter().skip(1).cloned().collect();
    if name == "mysql-entrypoint" && args.first().is_some_and(|a| a.starts_with('-')) {
        args.insert(0, "mysqld".into());
    }
    let server_args: &[String] = if name == "mysql-entrypoint" { args.get(1..).unwrap_or(&[]) } else { &args };
    if server_args.iter().any(|a| matches!(a.as_str(), "-V" | "--version")) && (name == "mysqld" || args.first().map(String::as_str) == Some("mysqld")) {
        return Oneshot::boxed(&format!("/usr/sbin/mysqld  Ver {} for Linux on x86_64 (MySQL Community Server - GPL)\n", b.version), "", 0);
    }
    if name == "mysql-entrypoint" {
        match args.first().map(String::as_str) {
            Some("mysqld") => {}
            Some("mysql") => return super::mysqlc::start(&args, ctx),
            Some(cmd) => return Oneshot::boxed("", &format!("dockling: the mysql image's entrypoint running `{}` is not simulated\n", std::iter::once(cmd).chain(args.iter().skip(1).map(String::as_str)).collect::<Vec<_>>().join(" ")), 127),
            None => return Oneshot::boxed("", "dockling: the mysql image's entrypoint without a command is not simulated\n", 127),
        }
    }
    if name == "mysqld" && ctx.uid == 0 && !server_args.iter().any(|a| a.starts_with("--user")) {
        let ts = log_ts(ctx.now);
        return Oneshot::boxed("", &format!("{ts} 0 [ERROR] [MY-010123] [Server] Fatal error: Please read \"Security\" section of the manual to find out how to run mysqld as root!\n{ts} 0 [ERROR] [MY-010119] [Server] Aborting\n"), 1);
    }
    Box::new(Mysqld { b, entrypoint: name == "mysql-entrypoint", phase: Phase::Boot })
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Phase {
    Boot,
    Running,
    Exit(i32),
}

#[derive(Clone, Debug)]
pub struct Mysqld {
    b: MyBuild,
    entrypoint: bool,
    phase: Phase,
}

impl Mysqld {
    fn note(&self, ctx: &mut Ctx, text: &str) {
        let line = format!("{} [Note] [Entrypoint]: {text}\n", note_ts(ctx.now));
        ctx.out.out(&line);
    }
    fn warn(&self, ctx: &mut Ctx, text: &str) {
        let line = format!("{} [Warn] [Entrypoint]: {text}\n", note_ts(ctx.now));
        ctx.out.err(&line);
    }
    fn error(&self, ctx: &mut Ctx, text: &str) -> Result<(), i32> {
        let line = format!("{} [ERROR] [Entrypoint]: {text}\n", note_ts(ctx.now));
        ctx.out.err(&line);
        Err(1)
    }
    fn log(&self, ctx: &mut Ctx, thread: u32, level: &str, code: &str, sub: &str, msg: &str) {
        let line = format!("{} {thread} [{level}] [{code}] [{sub}] {msg}\n", log_ts(ctx.now));
        ctx.out.err(&line);
    }

    fn env(&self, ctx: &Ctx, name: &str, default: &str) -> Result<String, String> {
        let file_var = format!("{name}_FILE");
        match (ctx.var(name).filter(|v| !v.is_empty()), ctx.var(&file_var).filter(|v| !v.is_empty())) {
            (Some(_), Some(_)) => Err(format!("Both {name} and {file_var} are set (but are exclusive)")),
            (Some(v), None) => Ok(v.to_string()),
            (None, Some(f)) => Ok(read(ctx, f).map(|s| s.trim_end_matches('\n').to_string()).unwrap_or_default()),
            (None, None) => Ok(default.to_string()),
        }
    }

    /// mysqld's start lines up to `ready for connections`.
    fn server_up(&self, ctx: &mut Ctx, pid: u32, port: u16) {
        let v = self.b.version.clone();
        if self.b.is_80() {
            self.log(ctx, 0, "Warning", "MY-011068", "Server", "The syntax '--skip-host-cache' is deprecated and will be removed in a future release. Please use SET GLOBAL host_cache_size=0 instead.");
        } else {
            self.log(ctx, 0, "System", "MY-015015", "Server", "MySQL Server - start.");
        }
        self.log(ctx, 0, "System", "MY-010116", "Server", &format!("/usr/sbin/mysqld (mysqld {v}) starting as process {pid}"));
        self.log(ctx, 1, "System", "MY-013576", "InnoDB", "InnoDB initialization has started.");
        self.log(ctx, 1, "System", "MY-013577", "InnoDB", "InnoDB initialization has ended.");
        self.log(ctx, 0, "Warning", "MY-010068", "Server", "CA certificate ca.pem is self signed.");
        self.log(ctx, 0, "System", "MY-013602", "Server", "Channel mysql_main configured to support TLS. Encrypted connections are now supported for this channel.");
        self.log(ctx, 0, "Warning", "MY-011810", "Server", "Insecure configuration for --pid-file: Location '/var/run/mysqld' in the path is accessible to all OS users. Consider choosing a different directory.");
        if port == 0 {
            self.log(ctx, 0, "System", "MY-011323", "Server", "X Plugin ready for connections. Socket: /var/run/mysqld/mysqlx.sock");
        } else {
            self.log(ctx, 0, "System", "MY-011323", "Server", "X Plugin ready for connections. Bind-address: '::' port: 33060, socket: /var/run/mysqld/mysqlx.sock");
        }
        self.log(ctx, 0, "System", "MY-010931", "Server", &format!("/usr/sbin/mysqld: ready for connections. Version: '{v}'  socket: '{SOCKET}'  port: {port}  MySQL Community Server - GPL."));
        put(ctx, SOCKET, "8\n", MYSQL_UID);
        put(ctx, &format!("{SOCKET}.lock"), &format!("{pid}\n"), MYSQL_UID);
        put(ctx, "/var/run/mysqld/mysqld.pid", &format!("{pid}\n"), MYSQL_UID);
        put(ctx, "/var/run/mysqld/mysqlx.sock", "", MYSQL_UID);
    }

    fn server_down(&self, ctx: &mut Ctx, thread: u32, who: &str) {
        let v = self.b.version.clone();
        self.log(ctx, thread, "System", "MY-013172", "Server", &format!("Received SHUTDOWN from user {who}. Shutting down mysqld (Version: {v})."));
        self.log(ctx, 0, "System", "MY-010910", "Server", &format!("/usr/sbin/mysqld: Shutdown complete (mysqld {v})  MySQL Community Server - GPL."));
        if !self.b.is_80() {
            self.log(ctx, 0, "System", "MY-015016", "Server", "MySQL Server - end.");
        }
        for f in [SOCKET.to_string(), format!("{SOCKET}.lock"), "/var/run/mysqld/mysqld.pid".into(), "/var/run/mysqld/mysqlx.sock".into()] {
            let _ = ctx.fs.remove(&f, false);
        }
    }

    fn socket_fix(&self, ctx: &mut Ctx) {
        ctx.out.out(&format!("'{DATADIR}/mysql.sock' -> '{SOCKET}'\n"));
        let m = super::meta(ctx, 0o777, MYSQL_UID);
        let _ = ctx.fs.insert(&format!("{DATADIR}/mysql.sock"), crate::vfs::Node { kind: crate::vfs::NodeKind::Symlink(SOCKET.into()), meta: m.clone() }, &m);
    }

    fn initialise(&mut self, ctx: &mut Ctx) -> Result<(), i32> {
        let root_pw = self.env(ctx, "MYSQL_ROOT_PASSWORD", "");
        let database = self.env(ctx, "MYSQL_DATABASE", "");
        let user = self.env(ctx, "MYSQL_USER", "");
        let password = self.env(ctx, "MYSQL_PASSWORD", "");
        let (mut root_pw, database, user, password) = match (root_pw, database, user, password) {
            (Ok(a), Ok(b), Ok(c), Ok(d)) => (a, b, c, d),
            (Err(e), ..) | (_, Err(e), ..) | (_, _, Err(e), _) | (.., Err(e)) => return self.error(ctx, &e),
        };
        let allow_empty = ctx.var("MYSQL_ALLOW_EMPTY_PASSWORD").is_some_and(|v| !v.is_empty());
        let random = ctx.var("MYSQL_RANDOM_ROOT_PASSWORD").is_some_and(|v| !v.is_empty());
        if root_pw.is_empty() && !allow_empty && !random {
            return self.error(ctx, "Database is uninitialized and password option is not specified\n    You need to specify one of the following as an environment variable:\n    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD\n    - MYSQL_RANDOM_ROOT_PASSWORD");
        }
        if user == "root" {
            return self.error(ctx, "MYSQL_USER=\"root\", MYSQL_USER and MYSQL_PASSWORD are for configuring a regular user and cannot be used for the root user\n    Remove MYSQL_USER=\"root\" and use one of the following to control the root user password:\n    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD\n    - MYSQL_RANDOM_ROOT_PASSWORD");
        }
        if !user.is_empty() && password.is_empty() {
            self.warn(ctx, "MYSQL_USER specified, but missing MYSQL_PASSWORD; MYSQL_USER will not be created");
        } else if user.is_empty() && !password.is_empty() {
            self.warn(ctx, "MYSQL_PASSWORD specified, but missing MYSQL_USER; MYSQL_PASSWORD will be ignored");
        }
        // docker_init_database_dir
        self.note(ctx, "Initializing database files");
        let v = self.b.version.clone();
        if self.b.is_80() {
            self.log(ctx, 0, "Warning", "MY-011068", "Server", "The syntax '--skip-host-cache' is deprecated and will be removed in a future release. Please use SET GLOBAL host_cache_size=0 instead.");
        } else {
            self.log(ctx, 0, "System", "MY-015017", "Server", "MySQL Server Initialization - start.");
        }
        self.log(ctx, 0, "System", "MY-013169", "Server", &format!("/usr/sbin/mysqld (mysqld {v}) initializing of server in progress as process 80"));
        self.log(ctx, 1, "System", "MY-013576", "InnoDB", "InnoDB initialization has started.");
        self.log(ctx, 1, "System", "MY-013577", "InnoDB", "InnoDB initialization has ended.");
        self.log(ctx, 6, "Warning", "MY-010453", "Server", "root@localhost is created with an empty password ! Please consider switching off the --initialize-insecure option.");
        if !self.b.is_80() {
            self.log(ctx, 0, "System", "MY-015018", "Server", "MySQL Server Initialization - end.");
        }
        let m = super::meta(ctx, 0o750, MYSQL_UID);
        for d in ["mysql", "sys", "performance_schema", "#innodb_redo", "#innodb_temp"] {
            let _ = ctx.fs.mkdir(&format!("{DATADIR}/{d}"), true, &m);
        }
        let uuid = {
            let s = format!("{:016x}{:016x}", ctx.seed, ctx.seed.rotate_left(29) ^ 0x9e37_79b9_7f4a_7c15);
            format!("{}-{}-{}-{}-{}", &s[0..8], &s[8..12], &s[12..16], &s[16..20], &s[20..32])
        };
        put(ctx, &format!("{DATADIR}/auto.cnf"), &format!("[auto]\nserver-uuid={uuid}\n"), MYSQL_UID);
        put(ctx, &format!("{DATADIR}/ibdata1"), "# Dockling: InnoDB's system tablespace is not simulated\n", MYSQL_UID);
        put(ctx, &format!("{DATADIR}/binlog.index"), "./binlog.000001\n", MYSQL_UID);
        self.note(ctx, "Database files initialized");
        // docker_temp_server_start
        self.note(ctx, "Starting temporary server");
        self.server_up(ctx, 124, 0);
        self.note(ctx, "Temporary server started.");
        self.socket_fix(ctx);
        // docker_setup_db: time zones, root password, users.
        for z in ["iso3166.tab", "leap-seconds.list", "leapseconds", "tzdata.zi", "zone.tab", "zone1970.tab", "zonenow.tab"] {
            ctx.out.err(&format!("Warning: Unable to load '/usr/share/zoneinfo/{z}' as time zone. Skipping it.\n"));
        }
        if random {
            const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let mut x = ctx.seed | 1;
            root_pw = (0..32)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    B64[(x % 64) as usize] as char
                })
                .collect();
            self.note(ctx, &format!("GENERATED ROOT PASSWORD: {root_pw}"));
        }
        let root_host = ctx.var("MYSQL_ROOT_HOST").unwrap_or("%").to_string();
        let mut roles = vec![Role { name: "root".into(), superuser: true, password: root_pw.clone(), grants: Vec::new() }];
        let _ = root_host;
        if !database.is_empty() {
            self.note(ctx, &format!("Creating database {database}"));
            let mut store = MyBuild::store(ctx.fs, ctx.now);
            if store.db(&database).is_none() {
                store.create_db(&database, "root");
            }
        }
        if !user.is_empty() && !password.is_empty() {
            self.note(ctx, &format!("Creating user {user}"));
            let grants = if database.is_empty() { Vec::new() } else { vec![database.clone()] };
            roles.push(Role { name: user.clone(), superuser: false, password: password.clone(), grants });
            if !database.is_empty() {
                self.note(ctx, &format!("Giving user {user} access to schema {database}"));
            }
        }
        MyBuild::store(ctx.fs, ctx.now).save_roles(&roles);
        // docker_process_init_files
        ctx.out.out("\n");
        let dir = "/docker-entrypoint-initdb.d";
        let files: Vec<String> = ctx.fs.list(dir).map(|l| l.keys().map(|k| format!("{dir}/{k}")).collect()).unwrap_or_default();
        let e = "/usr/local/bin/docker-entrypoint.sh";
        for f in files {
            if f.ends_with(".sh") {
                let verb = if ctx.fs.get(&f).is_some_and(|n| n.meta.mode & 0o111 != 0) { "running" } else { "sourcing" };
                self.note(ctx, &format!("{e}: {verb} {f}"));
                ctx.out.err(&format!("dockling: running shell scripts from {dir} is not simulated ({f} was skipped)\n"));
            } else if f.ends_with(".sql") {
                self.note(ctx, &format!("{e}: running {f}"));
                let text = read(ctx, &f).unwrap_or_default();
                if let Err(msg) = run_batch(ctx, &self.b, "root", &database, &text) {
                    ctx.out.err(&msg);
                    return Err(1);
                }
                ctx.out.out("\n");
            } else if [".sql.bz2", ".sql.gz", ".sql.xz", ".sql.zst"].iter().any(|s| f.ends_with(s)) {
                self.note(ctx, &format!("{e}: running {f}"));
                ctx.out.err(&format!("dockling: compressed SQL files in {dir} are not simulated ({f} was skipped)\n"));
                ctx.out.out("\n");
            } else {
                self.warn(ctx, &format!("{e}: ignoring {f}"));
            }
            ctx.out.out("\n");
        }
        self.note(ctx, "Stopping temporary server");
        self.server_down(ctx, 10, "root");
        self.note(ctx, "Temporary server stopped");
        ctx.out.out("\n");
        self.note(ctx, "MySQL init process done. Ready for start up.");
        ctx.out.out("\n");
        Ok(())
    }

    fn boot(&mut self, ctx: &mut Ctx) -> Result<(), i32> {
        if self.entrypoint {
            let pkg = self.b.package.clone();
            self.note(ctx, &format!("Entrypoint script for MySQL Server {pkg} started."));
            let m = super::meta(ctx, 0o750, MYSQL_UID);
            let _ = ctx.fs.mkdir(DATADIR, true, &m);
            let _ = ctx.fs.mkdir("/var/run/mysqld", true, &m);
            if ctx.uid == 0 {
                self.note(ctx, "Switching to dedicated user 'mysql'");
                self.note(ctx, &format!("Entrypoint script for MySQL Server {pkg} started."));
            }
            let initialised = ctx.fs.get(&format!("{DATADIR}/mysql")).is_some_and(|n| n.is_dir());
            if initialised {
                self.socket_fix(ctx);
            } else {
                self.initialise(ctx)?;
            }
        } else if !exists(ctx, &format!("{DATADIR}/mysql")) {
            let ts = log_ts(ctx.now);
            ctx.out.err(&format!("{ts} 0 [ERROR] [MY-010457] [Server] --initialize specified but the data directory has files in it. Aborting.\n"));
            return Err(1);
        }
        let pid = ctx.pid;
        self.server_up(ctx, pid, 3306);
        Ok(())
    }
}

/// Runs SQL as the entrypoint's `docker_process_sql` does (`mysql … --database=DB < file`):
/// batch mode, stopping at the first error (`Err` is the error line).
pub fn run_batch(ctx: &mut Ctx, b: &MyBuild, user: &str, db: &str, text: &str) -> Result<(), String> {
    let mut conn = b.conn(user, db);
    let (stmts, rest, _) = super::lines::split(text, Dialect::My);
    let mut line = 1;
    let mut consumed = String::new();
    for s in stmts.iter().chain(std::iter::once(&rest)) {
        if super::lines::blank(s, Dialect::My) {
            continue;
        }
        if let Some(p) = text[consumed.len().min(text.len())..].find(s.as_str()) {
            let upto = consumed.len() + p;
            line = 1 + text[..upto.min(text.len())].matches('\n').count();
            consumed = text[..(upto + s.len()).min(text.len())].to_string();
        }
        let mut store = MyBuild::store(ctx.fs, ctx.now);
        let r = Engine { store: &mut store, conn: &mut conn }.run(s);
        if let Err(e) = r {
            if e.msg.starts_with("dockling:") {
                return Err(format!("{}\n", e.msg));
            }
            return Err(format!("ERROR {} ({}) at line {line}: {}\n", e.code, e.state, e.msg));
        }
    }
    Ok(())
}

impl Program for Mysqld {
    fn step(&mut self, ctx: &mut Ctx) -> Status {
        match self.phase {
            Phase::Boot => {
                self.phase = match self.boot(ctx) {
                    Ok(()) => Phase::Running,
                    Err(c) => Phase::Exit(c),
                };
                match self.phase {
                    Phase::Exit(c) => Status::Exited(c),
                    _ => Status::Waiting(Wait::default()),
                }
            }
            Phase::Running => Status::Waiting(Wait::default()),
            Phase::Exit(c) => Status::Exited(c),
        }
    }

    fn listening(&self) -> Vec<Listen> {
        if self.phase != Phase::Running {
            return Vec::new();
        }
        let mut v = Vec::new();
        for port in [3306, 33060] {
            v.push(Listen { host: "0.0.0.0".into(), port });
            v.push(Listen { host: "::".into(), port });
        }
        v
    }

    fn signal(&mut self, sig: Signal, ctx: &mut Ctx) -> Disposition {
        if self.phase != Phase::Running {
            return Disposition::Default;
        }
        match sig {
            Signal::Term | Signal::Quit => {
                self.server_down(ctx, 0, "<via user signal>");
                self.phase = Phase::Exit(0);
                Disposition::Handled
            }
            Signal::Hup => Disposition::Handled,
            _ => Disposition::Default,
        }
    }

    fn clone_box(&self) -> Box<dyn Program> {
        Box::new(self.clone())
    }
}

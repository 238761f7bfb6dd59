//! The database images' programs (postgres, psql, mysqld, mysql, redis-server, redis-cli, mongod,
//! mongosh), driven through the `Program` interface with a fake container: a file tree, an
//! environment, stdin, and the virtual clock. Expected texts come from the real programs; each
//! test says where.

use dockling::api::StdStream;
use dockling::clock::{Millis, SimTime};
use dockling::proc::program::{Ctx, Disposition, Input, Program, Status};
use dockling::proc::{programs, Captured, Chunk, Signal};
use dockling::vfs::{Meta, Tree};

const T0: SimTime = SimTime(1_751_364_000_000); // 2025-07-01 10:00:00 UTC

fn meta(mode: u32) -> Meta {
    Meta { mode, uid: 0, gid: 0, mtime: T0 }
}

/// A container: its files, environment and clock.
struct Box_ {
    fs: Tree,
    env: Vec<String>,
    now: SimTime,
}

const PASSWD: &str = "root:x:0:0:root:/root:/bin/bash\npostgres:x:999:999::/var/lib/postgresql:/bin/bash\nmysql:x:999:999::/var/lib/mysql:/bin/bash\nredis:x:999:999::/home/redis:/usr/sbin/nologin\nmongodb:x:999:999::/data/db:/bin/sh\n";

impl Box_ {
    fn new(files: &[(&str, &str)], env: &[&str]) -> Box_ {
        let mut fs = Tree::new(meta(0o755));
        fs.mkdir("/etc", true, &meta(0o755)).unwrap();
        fs.write("/etc/passwd", PASSWD.as_bytes(), false, &meta(0o644)).unwrap();
        for (path, text) in files {
            let dir = dockling::vfs::parent(path).to_string();
            fs.mkdir(&dir, true, &meta(0o755)).unwrap();
            fs.write(path, text.as_bytes(), false, &meta(0o644)).unwrap();
        }
        Box_ { fs, env: env.iter().map(|s| s.to_string()).collect(), now: T0 }
    }

    fn postgres(env: &[&str]) -> Box_ {
        let mut e = vec!["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/17/bin", "GOSU_VERSION=1.17", "LANG=en_US.utf8", "PG_MAJOR=17", "PG_VERSION=17.5-1.pgdg120+1", "PGDATA=/var/lib/postgresql/data"];
        e.extend_from_slice(env);
        Box_::new(&[], &e)
    }
}

/// A running program and what it printed so far.
struct Run {
    prog: Box<dyn Program>,
    out: Captured,
    stdin: Input,
    status: Option<i32>,
    tty: bool,
    pid: u32,
    uid: u32,
    cwd: &'static str,
}

impl Run {
    fn ctx<'a>(&'a mut self, b: &'a mut Box_) -> Ctx<'a> {
        Ctx {
            fs: &mut b.fs,
            now: b.now,
            cwd: self.cwd,
            env: &b.env,
            hostname: "3f4e1a2b9c0d",
            ip: "172.17.0.2",
            pid: self.pid,
            uid: self.uid,
            stdin: &mut self.stdin,
            tty: self.tty,
            out: &mut self.out,
            seed: 42,
            online: true,
        }
    }

    /// Steps until the program waits for something it will not get now, or exits.
    fn pump(&mut self, b: &mut Box_) {
        for _ in 0..100 {
            if self.status.is_some() {
                return;
            }
            let mut prog = std::mem::replace(&mut self.prog, Box::new(Idle));
            let st = {
                let mut ctx = self.ctx(b);
                prog.step(&mut ctx)
            };
            self.prog = prog;
            match st {
                Status::Exited(c) => self.status = Some(c),
                Status::Waiting(w) => match w.until {
                    Some(t) if t > b.now => {
                        b.now = t;
                    }
                    Some(_) => {}
                    None => return,
                },
            }
        }
    }

    fn text(&self) -> String {
        self.out
            .chunks
            .iter()
            .filter_map(|c| match c {
                Chunk::Text(_, t) => Some(t.as_str()),
                _ => None,
            })
            .collect()
    }

    fn stream(&self, s: StdStream) -> String {
        self.out.text(s)
    }

    fn take(&mut self) -> String {
        let t = self.text();
        self.out = Captured::default();
        t
    }

    fn input(&mut self, b: &mut Box_, text: &str) {
        self.stdin.buf.push_str(text);
        self.pump(b);
    }

    fn close(&mut self, b: &mut Box_) {
        self.stdin.closed = true;
        self.pump(b);
    }

    fn signal(&mut self, b: &mut Box_, sig: Signal) -> Disposition {
        let mut prog = std::mem::replace(&mut self.prog, Box::new(Idle));
        let d = {
            let mut ctx = self.ctx(b);
            prog.signal(sig, &mut ctx)
        };
        self.prog = prog;
        self.pump(b);
        d
    }
}

#[derive(Clone, Debug)]
struct Idle;
impl Program for Idle {
    fn step(&mut self, _: &mut Ctx) -> Status {
        Status::Exited(0)
    }
    fn clone_box(&self) -> Box<dyn Program> {
        Box::new(Idle)
    }
}

/// Starts `argv` as the program `name` (the image's marker) in `b`.
fn start(b: &mut Box_, name: &str, argv: &[&str], stdin: Option<&str>, tty: bool, uid: u32, pid: u32) -> Run {
    let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
    let mut r = Run { prog: Box::new(Idle), out: Captured::default(), stdin: Input::default(), status: None, tty, pid, uid, cwd: "/" };
    if let Some(s) = stdin {
        r.stdin = Input::complete(s);
    }
    let prog = {
        let mut ctx = r.ctx(b);
        programs::start(name, &argv, &mut ctx)
    };
    r.prog = prog;
    r.pump(b);
    r
}

/// Runs a program to completion on complete stdin (not a terminal); checks its combined
/// output and exit status.
fn check(b: &mut Box_, name: &str, argv: &[&str], stdin: &str, expected: &str, code: i32) {
    let r = start(b, name, argv, Some(stdin), false, 0, 7);
    assert_eq!(r.text(), expected, "output of {argv:?}");
    assert_eq!(r.status, Some(code), "exit status of {argv:?}");
}

/// Starts the postgres image's entrypoint as the container's PID 1 and returns it running.
fn pg_up(b: &mut Box_) -> Run {
    let r = start(b, "postgres-entrypoint", &["docker-entrypoint.sh", "postgres"], None, false, 0, 1);
    assert_eq!(r.status, None, "postgres should keep running:\n{}", r.text());
    r
}

fn psql(b: &mut Box_, args: &[&str], stdin: &str) -> Run {
    let mut argv = vec!["psql"];
    argv.extend_from_slice(args);
    start(b, "psql", &argv, Some(stdin), false, 0, 7)
}


fn tty_psql(b: &mut Box_, args: &[&str], stdin: &str) -> Run {
    let mut argv = vec!["psql"];
    argv.extend_from_slice(args);
    start(b, "psql", &argv, Some(stdin), true, 0, 7)
}

// ---------------------------------------------------------------- postgres server

/// docker-library/postgres docker-entrypoint.sh (17/bookworm) around initdb, pg_ctl and the
/// postmaster of 17.5; the initdb and log texts were checked against a real PostgreSQL 15.18
/// (17 quotes GUC names and adds `lsn=` to checkpoint lines, from the 17 sources).
const PG_FIRST_START: &str = "The files belonging to this database system will be owned by user \"postgres\".
This user must also own the server process.

The database cluster will be initialized with locale \"en_US.utf8\".
The default database encoding has accordingly been set to \"UTF8\".
The default text search configuration will be set to \"english\".

Data page checksums are disabled.

fixing permissions on existing directory /var/lib/postgresql/data ... ok
creating subdirectories ... ok
selecting dynamic shared memory implementation ... posix
selecting default \"max_connections\" ... 100
selecting default \"shared_buffers\" ... 128MB
selecting default time zone ... Etc/UTC
creating configuration files ... ok
running bootstrap script ... ok
performing post-bootstrap initialization ... ok
syncing data to disk ... ok

initdb: warning: enabling \"trust\" authentication for local connections
initdb: hint: You can change this by editing pg_hba.conf or using the option -A, or --auth-local and --auth-host, the next time you run initdb.

Success. You can now start the database server using:

    pg_ctl -D /var/lib/postgresql/data -l logfile start

waiting for server to start....2025-07-01 10:00:00.000 UTC [48] LOG:  starting PostgreSQL 17.5 (Debian 17.5-1.pgdg120+1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit
2025-07-01 10:00:00.000 UTC [48] LOG:  listening on Unix socket \"/var/run/postgresql/.s.PGSQL.5432\"
2025-07-01 10:00:00.000 UTC [51] LOG:  database system was shut down at 2025-07-01 10:00:00 UTC
2025-07-01 10:00:00.000 UTC [48] LOG:  database system is ready to accept connections
 done
server started

/usr/local/bin/docker-entrypoint.sh: ignoring /docker-entrypoint-initdb.d/*

waiting for server to shut down....2025-07-01 10:00:00.000 UTC [48] LOG:  received fast shutdown request
2025-07-01 10:00:00.000 UTC [48] LOG:  aborting any active transactions
2025-07-01 10:00:00.000 UTC [48] LOG:  background worker \"logical replication launcher\" (PID 54) exited with exit code 1
2025-07-01 10:00:00.000 UTC [49] LOG:  shutting down
2025-07-01 10:00:00.000 UTC [49] LOG:  checkpoint starting: shutdown immediate
2025-07-01 10:00:00.000 UTC [49] LOG:  checkpoint complete: wrote 3 buffers (0.0%); 0 WAL file(s) added, 0 removed, 0 recycled; write=0.003 s, sync=0.001 s, total=0.007 s; sync files=2, longest=0.001 s, average=0.001 s; distance=0 kB, estimate=0 kB; lsn=0/14E4F20, redo lsn=0/14E4F20
2025-07-01 10:00:00.000 UTC [48] LOG:  database system is shut down
 done
server stopped

PostgreSQL init process complete; ready for start up.

2025-07-01 10:00:00.000 UTC [1] LOG:  starting PostgreSQL 17.5 (Debian 17.5-1.pgdg120+1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit
2025-07-01 10:00:00.000 UTC [1] LOG:  listening on IPv4 address \"0.0.0.0\", port 5432
2025-07-01 10:00:00.000 UTC [1] LOG:  listening on IPv6 address \"::\", port 5432
2025-07-01 10:00:00.000 UTC [1] LOG:  listening on Unix socket \"/var/run/postgresql/.s.PGSQL.5432\"
2025-07-01 10:00:00.000 UTC [62] LOG:  database system was shut down at 2025-07-01 10:00:00 UTC
2025-07-01 10:00:00.000 UTC [1] LOG:  database system is ready to accept connections
";

#[test]
fn postgres_first_start_logs_initdb_temp_server_and_ready() {
    let mut b = Box_::postgres(&["POSTGRES_PASSWORD=secret"]);
    let r = pg_up(&mut b);
    assert_eq!(r.text(), PG_FIRST_START);
    // initdb's warning and the server's log lines are stderr; initdb's progress is stdout.
    assert!(r.stream(StdStream::Stderr).starts_with("initdb: warning:"));
    assert!(r.stream(StdStream::Stdout).starts_with("The files belonging"));
    let ports: Vec<(String, u16)> = r.prog.listening().into_iter().map(|l| (l.host, l.port)).collect();
    assert_eq!(ports, vec![("0.0.0.0".to_string(), 5432), ("::".to_string(), 5432)]);
    // The data directory as initdb leaves it.
    assert_eq!(b.fs.get("/var/lib/postgresql/data/PG_VERSION").map(|n| n.size()), Some(3));
    for d in ["base/1", "base/4", "base/5", "global", "pg_wal", "pg_xact", "pg_hba.conf", "postgresql.conf", "postmaster.pid"] {
        assert!(b.fs.get(&format!("/var/lib/postgresql/data/{d}")).is_some(), "{d}");
    }
    let hba = String::from_utf8_lossy(match &b.fs.get("/var/lib/postgresql/data/pg_hba.conf").unwrap().kind {
        dockling::vfs::NodeKind::File(d) => d,
        _ => panic!("pg_hba.conf is a file"),
    })
    .into_owned();
    assert!(hba.ends_with("\nhost all all all scram-sha-256\n"), "{hba}");
}

#[test]
fn postgres_without_password_fails_with_the_entrypoint_error() {
    // docker_verify_minimum_env in docker-entrypoint.sh.
    let mut b = Box_::postgres(&[]);
    let r = start(&mut b, "postgres-entrypoint", &["docker-entrypoint.sh", "postgres"], None, false, 0, 1);
    assert_eq!(r.status, Some(1));
    assert_eq!(r.stream(StdStream::Stderr), "Error: Database is uninitialized and superuser password is not specified.\n       You must specify POSTGRES_PASSWORD to a non-empty value for the\n       superuser. For example, \"-e POSTGRES_PASSWORD=password\" on \"docker run\".\n\n       You may also use \"POSTGRES_HOST_AUTH_METHOD=trust\" to allow all\n       connections without a password. This is *not* recommended.\n\n       See PostgreSQL documentation about \"trust\":\n       https://www.postgresql.org/docs/current/auth-trust.html\n");
    assert_eq!(r.stream(StdStream::Stdout), "");
    assert!(b.fs.get("/var/lib/postgresql/data/PG_VERSION").is_none());
}

#[test]
fn postgres_trust_prints_the_warning_banner_and_writes_hba() {
    let mut b = Box_::postgres(&["POSTGRES_HOST_AUTH_METHOD=trust"]);
    let r = pg_up(&mut b);
    assert!(r.text().starts_with("********************************************************************************\nWARNING: POSTGRES_HOST_AUTH_METHOD has been set to \"trust\". This will allow\n         anyone with access to the Postgres port to access your database without\n"));
    let hba = dockling_read(&b, "/var/lib/postgresql/data/pg_hba.conf");
    assert!(hba.ends_with("\n# warning trust is enabled for all connections\n# see https://www.postgresql.org/docs/17/auth-trust.html\nhost all all all trust\n"), "{hba}");
}

fn dockling_read(b: &Box_, path: &str) -> String {
    match b.fs.get(path).map(|n| &n.kind) {
        Some(dockling::vfs::NodeKind::File(d)) => String::from_utf8_lossy(d).into_owned(),
        _ => String::new(),
    }
}

#[test]
fn postgres_fast_shutdown_on_sigint_then_restart_skips_initialization() {
    let mut b = Box_::postgres(&["POSTGRES_PASSWORD=secret"]);
    let mut r = pg_up(&mut b);
    r.take();
    b.now = b.now + Millis(60_000);
    assert_eq!(r.signal(&mut b, Signal::Int), Disposition::Handled);
    assert_eq!(r.status, Some(0));
    assert_eq!(r.text(), "2025-07-01 10:01:00.000 UTC [1] LOG:  received fast shutdown request
2025-07-01 10:01:00.000 UTC [1] LOG:  aborting any active transactions
2025-07-01 10:01:00.000 UTC [1] LOG:  background worker \"logical replication launcher\" (PID 65) exited with exit code 1
2025-07-01 10:01:00.000 UTC [60] LOG:  shutting down
2025-07-01 10:01:00.000 UTC [60] LOG:  checkpoint starting: shutdown immediate
2025-07-01 10:01:00.000 UTC [60] LOG:  checkpoint complete: wrote 3 buffers (0.0%); 0 WAL file(s) added, 0 removed, 0 recycled; write=0.003 s, sync=0.001 s, total=0.007 s; sync files=2, longest=0.001 s, average=0.001 s; distance=0 kB, estimate=0 kB; lsn=0/14E4F20, redo lsn=0/14E4F20
2025-07-01 10:01:00.000 UTC [1] LOG:  database system is shut down
");
    assert!(b.fs.get("/var/run/postgresql/.s.PGSQL.5432").is_none());
    assert!(b.fs.get("/var/lib/postgresql/data/postmaster.pid").is_none());
    b.now = b.now + Millis(60_000);
    let r = pg_up(&mut b);
    assert_eq!(r.text(), "
PostgreSQL Database directory appears to contain a database; Skipping initialization

2025-07-01 10:02:00.000 UTC [1] LOG:  starting PostgreSQL 17.5 (Debian 17.5-1.pgdg120+1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit
2025-07-01 10:02:00.000 UTC [1] LOG:  listening on IPv4 address \"0.0.0.0\", port 5432
2025-07-01 10:02:00.000 UTC [1] LOG:  listening on IPv6 address \"::\", port 5432
2025-07-01 10:02:00.000 UTC [1] LOG:  listening on Unix socket \"/var/run/postgresql/.s.PGSQL.5432\"
2025-07-01 10:02:00.000 UTC [62] LOG:  database system was shut down at 2025-07-01 10:01:00 UTC
2025-07-01 10:02:00.000 UTC [1] LOG:  database system is ready to accept connections
");
}

#[test]
fn postgres_sigterm_is_a_smart_shutdown() {
    let mut b = Box_::postgres(&["POSTGRES_PASSWORD=secret"]);
    let mut r = pg_up(&mut b);
    r.take();
    r.signal(&mut b, Signal::Term);
    assert_eq!(r.status, Some(0));
    let t = r.text();
    assert!(t.starts_with("2025-07-01 10:00:00.000 UTC [1] LOG:  received smart shutdown request\n2025-07-01 10:00:00.000 UTC [1] LOG:  background worker"), "{t}");
    assert!(!t.contains("aborting any active transactions"));
}

#[test]
fn postgres_killed_server_recovers_on_the_next_start() {
    // PostgreSQL 15.18 after kill -9, with 17's wording of the WAL end message.
    let mut b = Box_::postgres(&["POSTGRES_PASSWORD=secret"]);
    let _killed = pg_up(&mut b);
    b.now = b.now + Millis(5_000);
    let r = pg_up(&mut b);
    let t = r.text();
    assert!(t.contains("[62] LOG:  database system was interrupted; last known up at 2025-07-01 10:00:00 UTC\n"), "{t}");
    assert!(t.contains("[62] LOG:  database system was not properly shut down; automatic recovery in progress\n"));
    assert!(t.contains("[62] LOG:  invalid record length at 0/1908AF8: expected at least 24, got 0\n"));
    assert!(t.contains("[60] LOG:  checkpoint starting: end-of-recovery immediate wait\n"));
    assert!(t.ends_with("[1] LOG:  database system is ready to accept connections\n"));
}

#[test]
fn postgres_user_and_db_are_created_and_init_sql_runs() {
    let mut b = Box_::postgres(&["POSTGRES_PASSWORD=pw", "POSTGRES_USER=app", "POSTGRES_DB=shop"]);
    b.fs.mkdir("/docker-entrypoint-initdb.d", true, &meta(0o755)).unwrap();
    b.fs.write("/docker-entrypoint-initdb.d/01-schema.sql", b"CREATE TABLE items (id serial PRIMARY KEY, name text);\nINSERT INTO items (name) VALUES ('pen'), ('ink');\n", false, &meta(0o644)).unwrap();
    b.fs.write("/docker-entrypoint-initdb.d/README", b"notes\n", false, &meta(0o644)).unwrap();
    let r = pg_up(&mut b);
    let t = r.text();
    // docker_setup_db, then docker_process_init_files (psql -f prints the command tags).
    assert!(t.contains(" done\nserver started\nCREATE DATABASE\n\n\n/usr/local/bin/docker-entrypoint.sh: running /docker-entrypoint-initdb.d/01-schema.sql\nCREATE TABLE\nINSERT 0 2\n\n\n/usr/local/bin/docker-entrypoint.sh: ignoring /docker-entrypoint-initdb.d/README\n\nwaiting for server to shut down...."), "{t}");
    assert!(t.contains("wrote 925 buffers (5.6%)"));
    let q = psql(&mut b, &["-U", "app", "-d", "shop", "-c", "SELECT * FROM items"], "");
    assert_eq!(q.text(), " id | name \n----+------\n  1 | pen\n  2 | ink\n(2 rows)\n\n");
    // The superuser is POSTGRES_USER, not postgres.
    let q = psql(&mut b, &["-U", "postgres", "-c", "SELECT 1"], "");
    assert_eq!(q.text(), "psql: error: connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: FATAL:  role \"postgres\" does not exist\n");
    assert_eq!(q.status, Some(2));
}

#[test]
fn postgres_init_sql_error_stops_the_entrypoint() {
    let mut b = Box_::postgres(&["POSTGRES_PASSWORD=pw"]);
    b.fs.mkdir("/docker-entrypoint-initdb.d", true, &meta(0o755)).unwrap();
    b.fs.write("/docker-entrypoint-initdb.d/bad.sql", b"SELECT 1;\nSELEC 2;\n", false, &meta(0o644)).unwrap();
    let r = start(&mut b, "postgres-entrypoint", &["docker-entrypoint.sh", "postgres"], None, false, 0, 1);
    // psql -v ON_ERROR_STOP=1 exits 3, and set -e stops the script with it.
    assert_eq!(r.status, Some(3));
    assert!(r.text().ends_with("/usr/local/bin/docker-entrypoint.sh: running /docker-entrypoint-initdb.d/bad.sql\n ?column? \n----------\n        1\n(1 row)\n\npsql:/docker-entrypoint-initdb.d/bad.sql:2: ERROR:  syntax error at or near \"SELEC\"\nLINE 1: SELEC 2;\n        ^\n"), "{}", r.text());
}

#[test]
fn postgres_binaries_refuse_root_and_report_versions() {
    let mut b = Box_::postgres(&[]);
    check(&mut b, "postgres", &["postgres"], "", "\"root\" execution of the PostgreSQL server is not permitted.\nThe server must be started under an unprivileged user ID to prevent\npossible system security compromise.  See the documentation for\nmore information on how to properly start the server.\n", 1);
    check(&mut b, "postgres", &["postgres", "--version"], "", "postgres (PostgreSQL) 17.5 (Debian 17.5-1.pgdg120+1)\n", 0);
    check(&mut b, "initdb", &["initdb"], "", "initdb: error: cannot be run as root\ninitdb: hint: Please log in (using, e.g., \"su\") as the (unprivileged) user that will own the server process.\n", 1);
    check(&mut b, "pg_ctl", &["pg_ctl", "status"], "", "pg_ctl: cannot be run as root\nPlease log in (using, e.g., \"su\") as the (unprivileged) user that will\nown the server process.\n", 1);
    check(&mut b, "psql", &["psql", "--version"], "", "psql (PostgreSQL) 17.5 (Debian 17.5-1.pgdg120+1)\n", 0);
    check(&mut b, "postgres-entrypoint", &["docker-entrypoint.sh", "bash"], "", "dockling: the postgres image's entrypoint running `bash` is not simulated\n", 127);
}

/// A script run with `psql -f`, and what the real psql 15.18 against a PostgreSQL 15.18 server
/// printed for it (stdout and stderr together; the one timestamp is the virtual clock's).
const PSQL_SCRIPT: &str = r#"CREATE TABLE users (id serial PRIMARY KEY, name varchar(100) NOT NULL, email text, active boolean DEFAULT true, created timestamp DEFAULT now(), age integer);
INSERT INTO users (name, email, age) VALUES ('Alice', 'alice@example.com', 30), ('Bob', NULL, 25);
INSERT INTO users (name) VALUES ('Carol') RETURNING id, name;
SELECT id, name, email, active, age FROM users;
SELECT * FROM users WHERE id = 99;
SELECT count(*) FROM users;
SELECT name FROM users ORDER BY name DESC LIMIT 2;
UPDATE users SET age = 31 WHERE name = 'Alice';
DELETE FROM users WHERE id = 2;
SELECT * FROM nope;
SELECT nme FROM users;
SELECT FROM WHERE;
SELECT 1 +;
INSERT INTO users (id, name) VALUES (1, 'dup');
INSERT INTO users (email) VALUES ('x');
SELECT 'abc'::integer;
SELECT * FROM users WHERE id = 'abc';
\d users
\dt
\d
DROP TABLE users;
\dt
\d
\d nope
CREATE TABLE users (id int);
CREATE TABLE users (id int);
SELECT 1 AS a, 'hello' AS b, NULL AS c, true AS d;
SELECT 10/0;
CREATE DATABASE mydb;
CREATE DATABASE mydb;
DROP DATABASE nope;
\foo
SELECT name FROM users WHERE;
INSERT INTO users VALUES (1, 2);
select
  nme
from users;
"#;

const PSQL_SCRIPT_REAL: &str = r#"CREATE TABLE
INSERT 0 2
 id | name  
----+-------
  3 | Carol
(1 row)

INSERT 0 1
 id | name  |       email       | active | age 
----+-------+-------------------+--------+-----
  1 | Alice | alice@example.com | t      |  30
  2 | Bob   |                   | t      |  25
  3 | Carol |                   | t      |    
(3 rows)

 id | name | email | active | created | age 
----+------+-------+--------+---------+-----
(0 rows)

 count 
-------
     3
(1 row)

 name  
-------
 Carol
 Bob
(2 rows)

UPDATE 1
DELETE 1
psql:/t1.sql:10: ERROR:  relation "nope" does not exist
LINE 1: SELECT * FROM nope;
                      ^
psql:/t1.sql:11: ERROR:  column "nme" does not exist
LINE 1: SELECT nme FROM users;
               ^
HINT:  Perhaps you meant to reference the column "users.name".
psql:/t1.sql:12: ERROR:  syntax error at or near "WHERE"
LINE 1: SELECT FROM WHERE;
                    ^
psql:/t1.sql:13: ERROR:  syntax error at or near ";"
LINE 1: SELECT 1 +;
                  ^
psql:/t1.sql:14: ERROR:  duplicate key value violates unique constraint "users_pkey"
DETAIL:  Key (id)=(1) already exists.
psql:/t1.sql:15: ERROR:  null value in column "name" of relation "users" violates not-null constraint
DETAIL:  Failing row contains (4, null, x, t, 2025-07-01 10:00:00, null).
psql:/t1.sql:16: ERROR:  invalid input syntax for type integer: "abc"
LINE 1: SELECT 'abc'::integer;
               ^
psql:/t1.sql:17: ERROR:  invalid input syntax for type integer: "abc"
LINE 1: SELECT * FROM users WHERE id = 'abc';
                                       ^
                                       Table "public.users"
 Column  |            Type             | Collation | Nullable |              Default              
---------+-----------------------------+-----------+----------+-----------------------------------
 id      | integer                     |           | not null | nextval('users_id_seq'::regclass)
 name    | character varying(100)      |           | not null | 
 email   | text                        |           |          | 
 active  | boolean                     |           |          | true
 created | timestamp without time zone |           |          | now()
 age     | integer                     |           |          | 
Indexes:
    "users_pkey" PRIMARY KEY, btree (id)

         List of relations
 Schema | Name  | Type  |  Owner   
--------+-------+-------+----------
 public | users | table | postgres
(1 row)

              List of relations
 Schema |     Name     |   Type   |  Owner   
--------+--------------+----------+----------
 public | users        | table    | postgres
 public | users_id_seq | sequence | postgres
(2 rows)

DROP TABLE
psql:/t1.sql:22: error: Did not find any relations.
psql:/t1.sql:23: error: Did not find any relations.
psql:/t1.sql:24: error: Did not find any relation named "nope".
CREATE TABLE
psql:/t1.sql:26: ERROR:  relation "users" already exists
 a |   b   | c | d 
---+-------+---+---
 1 | hello |   | t
(1 row)

psql:/t1.sql:28: ERROR:  division by zero
CREATE DATABASE
psql:/t1.sql:30: ERROR:  database "mydb" already exists
psql:/t1.sql:31: ERROR:  database "nope" does not exist
psql:/t1.sql:32: error: invalid command \foo
psql:/t1.sql:33: ERROR:  syntax error at or near ";"
LINE 1: SELECT name FROM users WHERE;
                                    ^
psql:/t1.sql:34: ERROR:  INSERT has more expressions than target columns
LINE 1: INSERT INTO users VALUES (1, 2);
                                     ^
psql:/t1.sql:37: ERROR:  column "nme" does not exist
LINE 2:   nme
          ^
"#;

#[test]
fn psql_script_matches_the_real_psql_byte_for_byte() {
    let mut b = Box_::postgres(&["POSTGRES_PASSWORD=secret"]);
    b.fs.write("/t1.sql", PSQL_SCRIPT.as_bytes(), false, &meta(0o644)).unwrap();
    let _pg = pg_up(&mut b);
    let r = psql(&mut b, &["-U", "postgres", "-f", "/t1.sql"], "");
    assert_eq!(r.text(), PSQL_SCRIPT_REAL);
    // Errors in a script without ON_ERROR_STOP do not change psql's exit status.
    assert_eq!(r.status, Some(0));
}

#[test]
fn psql_interactive_prompts_continuations_and_meta_commands() {
    // Checked against psql 15.18 on a terminal (`script`): the banner, `=#`/`-#`/`'#`/`(#`
    // prompts, help, \c errors keeping the connection, invalid commands, with the terminal's
    // echo of each typed line after its prompt.
    let mut b = Box_::postgres(&["POSTGRES_PASSWORD=secret"]);
    let _pg = pg_up(&mut b);
    let input = "select 1;\n\\c nodb\n\\foo\nhelp\nselect\n1\n;\nselect (1\n+1);\nselect 'a\n';\nCREATE DATABASE mydb;\n\\c mydb\n\\dt\nquit\n";
    let r = tty_psql(&mut b, &["-U", "postgres"], input);
    assert_eq!(r.status, Some(0));
    assert_eq!(r.text(), "psql (17.5 (Debian 17.5-1.pgdg120+1))
Type \"help\" for help.

postgres=# select 1;
 ?column? 
----------
        1
(1 row)

postgres=# \\c nodb
connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: FATAL:  database \"nodb\" does not exist
Previous connection kept
postgres=# \\foo
invalid command \\foo
Try \\? for help.
postgres=# help
You are using psql, the command-line interface to PostgreSQL.
Type:  \\copyright for distribution terms
       \\h for help with SQL commands
       \\? for help with psql commands
       \\g or terminate with semicolon to execute query
       \\q to quit
postgres=# select
postgres-# 1
postgres-# ;
 ?column? 
----------
        1
(1 row)

postgres=# select (1
postgres(# +1);
 ?column? 
----------
        2
(1 row)

postgres=# select 'a
postgres'# ';
 ?column? 
----------
 a       +
 
(1 row)

postgres=# CREATE DATABASE mydb;
CREATE DATABASE
postgres=# \\c mydb
You are now connected to database \"mydb\" as user \"postgres\".
mydb=# \\dt
Did not find any relations.
mydb=# quit
");
}

#[test]
fn psql_ctrl_d_prints_backslash_q() {
    let mut b = Box_::postgres(&["POSTGRES_PASSWORD=secret"]);
    let _pg = pg_up(&mut b);
    let mut r = start(&mut b, "psql", &["psql", "-U", "postgres"], None, true, 0, 7);
    assert_eq!(r.status, None);
    r.input(&mut b, "SELECT version();\n");
    r.take();
    r.close(&mut b);
    assert_eq!(r.text(), "\\q\n");
    assert_eq!(r.status, Some(0));
}

#[test]
fn psql_version_and_list_of_databases() {
    // describe.c listAllDbs for a 17 server; the image's locale is en_US.utf8.
    let mut b = Box_::postgres(&["POSTGRES_PASSWORD=secret"]);
    let _pg = pg_up(&mut b);
    let r = psql(&mut b, &["-U", "postgres", "-c", "SELECT version();", "-c", "\\l"], "");
    assert_eq!(r.text(), "                                                       version                                                       
---------------------------------------------------------------------------------------------------------------------
 PostgreSQL 17.5 (Debian 17.5-1.pgdg120+1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit
(1 row)

                                                    List of databases
   Name    |  Owner   | Encoding | Locale Provider |  Collate   |   Ctype    | Locale | ICU Rules |   Access privileges   
-----------+----------+----------+-----------------+------------+------------+--------+-----------+-----------------------
 postgres  | postgres | UTF8     | libc            | en_US.utf8 | en_US.utf8 |        |           | 
 template0 | postgres | UTF8     | libc            | en_US.utf8 | en_US.utf8 |        |           | =c/postgres          +
           |          |          |                 |            |            |        |           | postgres=CTc/postgres
 template1 | postgres | UTF8     | libc            | en_US.utf8 | en_US.utf8 |        |           | =c/postgres          +
           |          |          |                 |            |            |        |           | postgres=CTc/postgres
(3 rows)

");
}

#[test]
fn psql_describe_table_and_relations() {
    // Layouts checked against psql 15.18's \d, \dt and \d (table and its sequence).
    let mut b = Box_::postgres(&["POSTGRES_PASSWORD=secret"]);
    let _pg = pg_up(&mut b);
    let r = psql(&mut b, &["-U", "postgres"], "CREATE TABLE items (id bigserial, code char(3) UNIQUE, label varchar(20) DEFAULT 'none', qty smallint DEFAULT 0, at timestamp DEFAULT CURRENT_TIMESTAMP, ok boolean NOT NULL DEFAULT false, PRIMARY KEY (id));\n\\d items\n\\d\n\\d nope\n");
    assert_eq!(r.text(), "CREATE TABLE
                                      Table \"public.items\"
 Column |            Type             | Collation | Nullable |              Default              
--------+-----------------------------+-----------+----------+-----------------------------------
 id     | bigint                      |           | not null | nextval('items_id_seq'::regclass)
 code   | character(3)                |           |          | 
 label  | character varying(20)       |           |          | 'none'::character varying
 qty    | smallint                    |           |          | 0
 at     | timestamp without time zone |           |          | CURRENT_TIMESTAMP
 ok     | boolean                     |           | not null | false
Indexes:
    \"items_pkey\" PRIMARY KEY, btree (id)
    \"items_code_key\" UNIQUE CONSTRAINT, btree (code)

              List of relations
 Schema |     Name     |   Type   |  Owner   
--------+--------------+----------+----------
 public | items        | table    | postgres
 public | items_id_seq | sequence | postgres
(2 rows)

Did not find any relation named \"nope\".
");
}

#[test]
fn psql_command_errors_and_exit_status() {
    let mut b = Box_::postgres(&["POSTGRES_PASSWORD=secret"]);
    let _pg = pg_up(&mut b);
    let r = psql(&mut b, &["-U", "postgres", "-c", "SELECT * FROM nope"], "");
    assert_eq!(r.text(), "ERROR:  relation \"nope\" does not exist\nLINE 1: SELECT * FROM nope\n                      ^\n");
    assert_eq!(r.status, Some(1));
    // The parser runs before names are looked up.
    let r = psql(&mut b, &["-U", "postgres", "-c", "SELECT name FROM users WHERE"], "");
    assert_eq!(r.text(), "ERROR:  syntax error at end of input\nLINE 1: SELECT name FROM users WHERE\n                                    ^\n");
    let r = psql(&mut b, &["-U", "postgres", "-c", "SELECT 1 WHERE"], "");
    assert_eq!(r.text(), "ERROR:  syntax error at end of input\nLINE 1: SELECT 1 WHERE\n                      ^\n");
    // A long line is cut around the error position, as libpq does (checked with psql 15.18).
    let long = format!("SELECT {} FROM nope", (0..30).map(|i| format!("c{i}")).collect::<Vec<_>>().join(", "));
    let r = psql(&mut b, &["-U", "postgres", "-c", &long], "");
    assert_eq!(r.text(), "ERROR:  relation \"nope\" does not exist\nLINE 1: ..., c20, c21, c22, c23, c24, c25, c26, c27, c28, c29 FROM nope\n                                                                   ^\n");
}

#[test]
fn psql_connection_errors() {
    let mut b = Box_::postgres(&["POSTGRES_PASSWORD=secret"]);
    // No server yet: the socket does not exist.
    let r = psql(&mut b, &["-U", "postgres"], "");
    assert_eq!(r.text(), "psql: error: connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: No such file or directory\n\tIs the server running locally and accepting connections on that socket?\n");
    assert_eq!(r.status, Some(2));
    let _pg = pg_up(&mut b);
    // `docker exec db psql` runs as root, and there is no role "root".
    let r = psql(&mut b, &[], "");
    assert_eq!(r.text(), "psql: error: connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: FATAL:  role \"root\" does not exist\n");
    let r = psql(&mut b, &["-U", "postgres", "-d", "nodb"], "");
    assert_eq!(r.text(), "psql: error: connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: FATAL:  database \"nodb\" does not exist\n");
    let r = psql(&mut b, &["-h", "db", "-U", "postgres"], "");
    assert_eq!(r.text(), "dockling: psql to another container is not simulated; use docker exec -it <container> psql\n");
    assert_eq!(r.status, Some(2));
    let r = psql(&mut b, &["-h", "localhost", "-U", "postgres", "-tAc", "SELECT 40 + 2"], "");
    assert_eq!(r.text(), "42\n");
    let r = psql(&mut b, &["-U", "postgres", "-z"], "");
    assert_eq!(r.text(), "psql: invalid option -- 'z'\npsql: hint: Try \"psql --help\" for more information.\n");
    assert_eq!(r.status, Some(1));
}

#[test]
fn psql_output_options_and_piped_input() {
    // psql 15.18: -t keeps the blank line, -A joins with |, -q drops command tags; piped
    // stdin reports errors without a file prefix.
    let mut b = Box_::postgres(&["POSTGRES_PASSWORD=secret"]);
    let _pg = pg_up(&mut b);
    let r = psql(&mut b, &["-U", "postgres", "-t", "-c", "select 1 as a, 2 as b"], "");
    assert_eq!(r.text(), " 1 | 2\n\n");
    let r = psql(&mut b, &["-U", "postgres", "-A", "-c", "select 1 as a, 2 as b"], "");
    assert_eq!(r.text(), "a|b\n1|2\n(1 row)\n");
    let r = psql(&mut b, &["-U", "postgres", "-q", "-c", "create table zz(a int)", "-c", "drop table zz"], "");
    assert_eq!(r.text(), "");
    let r = psql(&mut b, &["-U", "postgres"], "SELECT 1;\nSELECT * FROM nope;\n\\dt\nSELECT 2\n");
    assert_eq!(r.text(), " ?column? \n----------\n        1\n(1 row)\n\nERROR:  relation \"nope\" does not exist\nLINE 1: SELECT * FROM nope;\n                      ^\nDid not find any relations.\n ?column? \n----------\n        2\n(1 row)\n\n");
    assert_eq!(r.status, Some(0));
}

#[test]
fn psql_non_superuser_prompt_and_roles() {
    let mut b = Box_::postgres(&["POSTGRES_PASSWORD=secret"]);
    let _pg = pg_up(&mut b);
    let r = psql(&mut b, &["-U", "postgres", "-c", "CREATE USER alice WITH PASSWORD 'pw'", "-c", "\\du"], "");
    assert_eq!(r.text(), "CREATE ROLE
                             List of roles
 Role name |                         Attributes                         
-----------+------------------------------------------------------------
 alice     | 
 postgres  | Superuser, Create role, Create DB, Replication, Bypass RLS

");
    let r = tty_psql(&mut b, &["-U", "alice", "postgres"], "\\conninfo\n");
    assert!(r.text().ends_with("postgres=> \\conninfo\nYou are connected to database \"postgres\" as user \"alice\" via socket in \"/var/run/postgresql\" at port \"5432\".\npostgres=> \\q\n"), "{}", r.text());
}

#[test]
fn psql_unsupported_features_say_so() {
    let mut b = Box_::postgres(&["POSTGRES_PASSWORD=secret"]);
    let _pg = pg_up(&mut b);
    let r = psql(&mut b, &["-U", "postgres"], "\\x\nSELECT * FROM a JOIN b ON a.id = b.id;\nBEGIN;\nSELECT avg(1);\n");
    assert_eq!(r.text(), "dockling: psql's \\x is not simulated\ndockling: joins (more than one table in FROM) is not simulated\ndockling: transactions (BEGIN/COMMIT/ROLLBACK) is not simulated\ndockling: avg() (its decimal result) is not simulated\n");
    let r = psql(&mut b, &["-U", "postgres", "-c", "\\?"], "");
    assert!(r.text().starts_with("General\n  \\bind [PARAM]...       set query parameters\n"));
    assert!(r.text().ends_with("\ndockling: the rest of psql's \\? help is not simulated; \\l \\dt \\d \\du \\c \\conninfo \\q work\n"));
}

#[test]
fn psql_data_survives_a_server_restart_in_the_volume() {
    let mut b = Box_::postgres(&["POSTGRES_PASSWORD=secret"]);
    let mut pg = pg_up(&mut b);
    psql(&mut b, &["-U", "postgres", "-c", "CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)", "-c", "INSERT INTO notes (body) VALUES ('hello'), ('world')"], "");
    pg.signal(&mut b, Signal::Int);
    let r = psql(&mut b, &["-U", "postgres", "-c", "SELECT 1"], "");
    assert_eq!(r.status, Some(2));
    let _pg = pg_up(&mut b);
    let r = psql(&mut b, &["-U", "postgres", "-c", "INSERT INTO notes (body) VALUES ('again') RETURNING id"], "");
    assert_eq!(r.text(), " id \n----\n  3\n(1 row)\n\nINSERT 0 1\n");
    let text = dockling_read(&b, "/var/lib/postgresql/data/base/5/tables.dockling");
    assert!(text.contains("table notes 3\ncol id int4 notnull primary serial\ncol body text notnull\nrow 1\thello\n"), "{text}");
}

// ---------------------------------------------------------------- mysql

fn mysql_box(env: &[&str]) -> Box_ {
    let mut e = vec!["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "GOSU_VERSION=1.17", "MYSQL_MAJOR=8.4", "MYSQL_VERSION=8.4.5-1.el9", "MYSQL_SHELL_VERSION=8.4.5-1.el9"];
    e.extend_from_slice(env);
    Box_::new(&[], &e)
}

fn mysql_up(b: &mut Box_) -> Run {
    let r = start(b, "mysql-entrypoint", &["docker-entrypoint.sh", "mysqld"], None, false, 0, 1);
    assert_eq!(r.status, None, "mysqld should keep running:\n{}", r.text());
    r
}

fn mysql(b: &mut Box_, args: &[&str], stdin: &str, tty: bool) -> Run {
    let mut argv = vec!["mysql"];
    argv.extend_from_slice(args);
    start(b, "mysql", &argv, Some(stdin), tty, 0, 7)
}

#[test]
fn mysql_first_start_logs() {
    // docker-library/mysql 8.4/docker-entrypoint.sh; mysqld 8.4's [System] lines as docker
    // logs show them (docker-library/mysql#1008, #1059, chesslablab/chess-data#38).
    let mut b = mysql_box(&["MYSQL_ROOT_PASSWORD=secret", "MYSQL_DATABASE=shop", "MYSQL_USER=app", "MYSQL_PASSWORD=apppw"]);
    let r = mysql_up(&mut b);
    let t = r.text();
    let lines: Vec<&str> = t.lines().collect();
    assert_eq!(lines[0], "2025-07-01 10:00:00+00:00 [Note] [Entrypoint]: Entrypoint script for MySQL Server 8.4.5-1.el9 started.");
    assert_eq!(lines[1], "2025-07-01 10:00:00+00:00 [Note] [Entrypoint]: Switching to dedicated user 'mysql'");
    assert_eq!(lines[3], "2025-07-01 10:00:00+00:00 [Note] [Entrypoint]: Initializing database files");
    assert_eq!(lines[4], "2025-07-01T10:00:00.000000Z 0 [System] [MY-015017] [Server] MySQL Server Initialization - start.");
    assert_eq!(lines[5], "2025-07-01T10:00:00.000000Z 0 [System] [MY-013169] [Server] /usr/sbin/mysqld (mysqld 8.4.5) initializing of server in progress as process 80");
    assert!(t.contains("\n2025-07-01T10:00:00.000000Z 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '8.4.5'  socket: '/var/run/mysqld/mysqld.sock'  port: 0  MySQL Community Server - GPL.\n2025-07-01 10:00:00+00:00 [Note] [Entrypoint]: Temporary server started.\n'/var/lib/mysql/mysql.sock' -> '/var/run/mysqld/mysqld.sock'\nWarning: Unable to load '/usr/share/zoneinfo/iso3166.tab' as time zone. Skipping it.\n"));
    assert!(t.contains("[Note] [Entrypoint]: Creating database shop\n2025-07-01 10:00:00+00:00 [Note] [Entrypoint]: Creating user app\n2025-07-01 10:00:00+00:00 [Note] [Entrypoint]: Giving user app access to schema shop\n\n2025-07-01 10:00:00+00:00 [Note] [Entrypoint]: Stopping temporary server\n2025-07-01T10:00:00.000000Z 10 [System] [MY-013172] [Server] Received SHUTDOWN from user root. Shutting down mysqld (Version: 8.4.5).\n"));
    assert!(t.contains("[Note] [Entrypoint]: Temporary server stopped\n\n2025-07-01 10:00:00+00:00 [Note] [Entrypoint]: MySQL init process done. Ready for start up.\n\n2025-07-01T10:00:00.000000Z 0 [System] [MY-015015] [Server] MySQL Server - start.\n"));
    assert!(t.ends_with("2025-07-01T10:00:00.000000Z 0 [System] [MY-011323] [Server] X Plugin ready for connections. Bind-address: '::' port: 33060, socket: /var/run/mysqld/mysqlx.sock\n2025-07-01T10:00:00.000000Z 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '8.4.5'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL.\n"));
    let ports: Vec<u16> = r.prog.listening().into_iter().map(|l| l.port).collect();
    assert_eq!(ports, vec![3306, 3306, 33060, 33060]);
    assert!(b.fs.get("/var/lib/mysql/shop").is_some_and(|n| n.is_dir()));
}

#[test]
fn mysql_without_a_root_password_fails() {
    // docker_verify_minimum_env (laradock/laradock#3523 shows it in docker logs).
    let mut b = mysql_box(&[]);
    let r = start(&mut b, "mysql-entrypoint", &["docker-entrypoint.sh", "mysqld"], None, false, 0, 1);
    assert_eq!(r.status, Some(1));
    assert_eq!(r.text(), "2025-07-01 10:00:00+00:00 [Note] [Entrypoint]: Entrypoint script for MySQL Server 8.4.5-1.el9 started.
2025-07-01 10:00:00+00:00 [Note] [Entrypoint]: Switching to dedicated user 'mysql'
2025-07-01 10:00:00+00:00 [Note] [Entrypoint]: Entrypoint script for MySQL Server 8.4.5-1.el9 started.
2025-07-01 10:00:00+00:00 [ERROR] [Entrypoint]: Database is uninitialized and password option is not specified
    You need to specify one of the following as an environment variable:
    - MYSQL_ROOT_PASSWORD
    - MYSQL_ALLOW_EMPTY_PASSWORD
    - MYSQL_RANDOM_ROOT_PASSWORD
");
}

#[test]
fn mysql_restart_and_sigterm_shutdown() {
    let mut b = mysql_box(&["MYSQL_ROOT_PASSWORD=secret"]);
    let mut r = mysql_up(&mut b);
    r.take();
    r.signal(&mut b, Signal::Term);
    assert_eq!(r.status, Some(0));
    assert_eq!(r.text(), "2025-07-01T10:00:00.000000Z 0 [System] [MY-013172] [Server] Received SHUTDOWN from user <via user signal>. Shutting down mysqld (Version: 8.4.5).\n2025-07-01T10:00:00.000000Z 0 [System] [MY-010910] [Server] /usr/sbin/mysqld: Shutdown complete (mysqld 8.4.5)  MySQL Community Server - GPL.\n2025-07-01T10:00:00.000000Z 0 [System] [MY-015016] [Server] MySQL Server - end.\n");
    let r = mysql_up(&mut b);
    let t = r.text();
    assert!(t.starts_with("2025-07-01 10:00:00+00:00 [Note] [Entrypoint]: Entrypoint script for MySQL Server 8.4.5-1.el9 started.\n2025-07-01 10:00:00+00:00 [Note] [Entrypoint]: Switching to dedicated user 'mysql'\n2025-07-01 10:00:00+00:00 [Note] [Entrypoint]: Entrypoint script for MySQL Server 8.4.5-1.el9 started.\n'/var/lib/mysql/mysql.sock' -> '/var/run/mysqld/mysqld.sock'\n2025-07-01T10:00:00.000000Z 0 [System] [MY-015015] [Server] MySQL Server - start.\n"), "{t}");
    assert!(!t.contains("Initializing"));
}

#[test]
fn mysql_monitor_session() {
    // client/mysql.cc (8.4): banner, `mysql> `/`    -> ` prompts, boxed tables with the
    // 4-wide NULL room, row counts and timings, errors after a bell, `Bye`.
    let mut b = mysql_box(&["MYSQL_ROOT_PASSWORD=secret", "MYSQL_DATABASE=shop"]);
    let _srv = mysql_up(&mut b);
    let sql = "SHOW DATABASES;\nUSE shop\nCREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL, email VARCHAR(100), active BOOLEAN DEFAULT TRUE);\nINSERT INTO users (name, email) VALUES ('Alice', 'a@x.io'), ('Bob', NULL);\nSELECT * FROM users;\nSELECT COUNT(*) FROM users WHERE\nactive = 1;\nSELECT * FROM nope;\nSELECT * FROM users WHERE id = 9;\nUPDATE users SET email = 'b@x.io' WHERE name = 'Bob';\nexit\n";
    let r = mysql(&mut b, &["-uroot", "-psecret"], sql, true);
    assert_eq!(r.status, Some(0));
    assert_eq!(r.text(), "mysql: [Warning] Using a password on the command line interface can be insecure.
Welcome to the MySQL monitor.  Commands end with ; or \\g.
Your MySQL connection id is 8
Server version: 8.4.5 MySQL Community Server - GPL

Copyright (c) 2000, 2025, Oracle and/or its affiliates.

Oracle is a registered trademark of Oracle Corporation and/or its
affiliates. Other names may be trademarks of their respective
owners.

Type 'help;' or '\\h' for help. Type '\\c' to clear the current input statement.

mysql> SHOW DATABASES;
+--------------------+
| Database           |
+--------------------+
| information_schema |
| mysql              |
| performance_schema |
| shop               |
| sys                |
+--------------------+
5 rows in set (0.00 sec)

mysql> USE shop
Database changed
mysql> CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL, email VARCHAR(100), active BOOLEAN DEFAULT TRUE);
Query OK, 0 rows affected (0.02 sec)

mysql> INSERT INTO users (name, email) VALUES ('Alice', 'a@x.io'), ('Bob', NULL);
Query OK, 2 rows affected (0.01 sec)
Records: 2  Duplicates: 0  Warnings: 0

mysql> SELECT * FROM users;
+----+-------+--------+--------+
| id | name  | email  | active |
+----+-------+--------+--------+
|  1 | Alice | a@x.io |      1 |
|  2 | Bob   | NULL   |      1 |
+----+-------+--------+--------+
2 rows in set (0.00 sec)

mysql> SELECT COUNT(*) FROM users WHERE
    -> active = 1;
+----------+
| COUNT(*) |
+----------+
|        2 |
+----------+
1 row in set (0.00 sec)

mysql> SELECT * FROM nope;
\u{7}ERROR 1146 (42S02): Table 'shop.nope' doesn't exist
mysql> SELECT * FROM users WHERE id = 9;
Empty set (0.00 sec)

mysql> UPDATE users SET email = 'b@x.io' WHERE name = 'Bob';
Query OK, 1 row affected (0.01 sec)
Rows matched: 1  Changed: 1  Warnings: 0

mysql> exit
Bye
");
    // The next connection gets the next id.
    let r = mysql(&mut b, &["-uroot", "-psecret"], "", true);
    assert!(r.text().contains("Your MySQL connection id is 9\n"));
}

#[test]
fn mysql_errors_match_the_server() {
    let mut b = mysql_box(&["MYSQL_ROOT_PASSWORD=secret", "MYSQL_DATABASE=shop"]);
    let _srv = mysql_up(&mut b);
    let sql = "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(3) NOT NULL, n INT);\nINSERT INTO t VALUES (1, 'a', 1);\nINSERT INTO t VALUES (1, 'b', 2);\nINSERT INTO t (id) VALUES (2);\nINSERT INTO t VALUES (3, NULL, 1);\nINSERT INTO t VALUES (4, 'toolong', 1);\nINSERT INTO t VALUES (5, 'x', 'abc');\nINSERT INTO t VALUES (6);\nSELECT nme FROM t;\nSELECT * FROM t WHERE nme = 1;\nSELEC 1;\nCREATE TABLE t (x INT);\nUSE nodb\nDROP TABLE nope;\nCREATE DATABASE shop;\nSELECT name, COUNT(*) FROM t;\n";
    let r = mysql(&mut b, &["-uroot", "-psecret", "-f", "shop"], sql, true);
    let stderr = r.stream(StdStream::Stderr);
    let errs: Vec<&str> = stderr.lines().collect();
    assert_eq!(errs, vec![
        "mysql: [Warning] Using a password on the command line interface can be insecure.",
        "ERROR 1062 (23000): Duplicate entry '1' for key 't.PRIMARY'",
        "ERROR 1364 (HY000): Field 'name' doesn't have a default value",
        "ERROR 1048 (23000): Column 'name' cannot be null",
        "ERROR 1406 (22001): Data too long for column 'name' at row 1",
        "ERROR 1366 (HY000): Incorrect integer value: 'abc' for column 'n' at row 1",
        "ERROR 1136 (21S01): Column count doesn't match value count at row 1",
        "ERROR 1054 (42S22): Unknown column 'nme' in 'field list'",
        "ERROR 1054 (42S22): Unknown column 'nme' in 'where clause'",
        "ERROR 1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near 'SELEC 1' at line 1",
        "ERROR 1050 (42S01): Table 't' already exists",
        "ERROR 1049 (42000): Unknown database 'nodb'",
        "ERROR 1051 (42S02): Unknown table 'shop.nope'",
        "ERROR 1007 (HY000): Can't create database 'shop'; database exists",
        "ERROR 1140 (42000): In aggregated query without GROUP BY, expression #1 of SELECT list contains nonaggregated column 'shop.t.name'; this is incompatible with sql_mode=only_full_group_by",
    ]);
}

#[test]
fn mysql_batch_mode_prints_tabs_and_stops_at_the_first_error() {
    let mut b = mysql_box(&["MYSQL_ROOT_PASSWORD=secret", "MYSQL_DATABASE=shop"]);
    let _srv = mysql_up(&mut b);
    mysql(&mut b, &["-uroot", "-psecret", "shop"], "CREATE TABLE t (id INT, note TEXT);\nINSERT INTO t VALUES (1, 'a\\tb'), (2, NULL);\n", false);
    let r = mysql(&mut b, &["-uroot", "-psecret", "shop", "-e", "SELECT * FROM t"], "", false);
    assert_eq!(r.stream(StdStream::Stdout), "id\tnote\n1\ta\\tb\n2\tNULL\n");
    let r = mysql(&mut b, &["-uroot", "-psecret", "-N", "shop", "-e", "SELECT id FROM t"], "", false);
    assert_eq!(r.stream(StdStream::Stdout), "1\n2\n");
    // put_info in batch mode: "ERROR n (state) at line N: …", then the client stops.
    let r = mysql(&mut b, &["-uroot", "-psecret", "shop"], "SELECT 1;\nSELECT * FROM nope;\nSELECT 2;\n", false);
    assert_eq!(r.stream(StdStream::Stdout), "1\n1\n");
    assert_eq!(r.stream(StdStream::Stderr), "mysql: [Warning] Using a password on the command line interface can be insecure.\nERROR 1146 (42S02) at line 2: Table 'shop.nope' doesn't exist\n");
    assert_eq!(r.status, Some(1));
    // `-e` on a terminal still draws the box, without the row count.
    let r = mysql(&mut b, &["-uroot", "-psecret", "shop", "-e", "SELECT 1"], "", true);
    assert_eq!(r.stream(StdStream::Stdout), "+---+\n| 1 |\n+---+\n| 1 |\n+---+\n");
}

#[test]
fn mysql_access_and_connection_errors() {
    let mut b = mysql_box(&["MYSQL_ROOT_PASSWORD=secret", "MYSQL_DATABASE=shop", "MYSQL_USER=app", "MYSQL_PASSWORD=apppw"]);
    let r = mysql(&mut b, &["-uroot", "-psecret"], "", false);
    assert_eq!(r.text(), "mysql: [Warning] Using a password on the command line interface can be insecure.\nERROR 2002 (HY000): Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)\n");
    assert_eq!(r.status, Some(1));
    let _srv = mysql_up(&mut b);
    let r = mysql(&mut b, &["-uroot", "-pwrong"], "", false);
    assert_eq!(r.stream(StdStream::Stderr), "mysql: [Warning] Using a password on the command line interface can be insecure.\nERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: YES)\n");
    let r = mysql(&mut b, &["-uroot"], "", false);
    assert_eq!(r.text(), "ERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: NO)\n");
    // `-p` alone asks for the password on the terminal.
    let r = mysql(&mut b, &["-uapp", "-p", "-e", "SHOW DATABASES"], "apppw\n", false);
    assert_eq!(r.text(), "Enter password: \nDatabase\ninformation_schema\nperformance_schema\nshop\n");
    let r = mysql(&mut b, &["-uapp", "-papppw", "mysql"], "", false);
    assert!(r.text().ends_with("ERROR 1044 (42000): Access denied for user 'app'@'%' to database 'mysql'\n"));
    let r = start(&mut b, "mysql", &["mysqladmin", "ping", "-h", "localhost", "-uroot", "-psecret"], Some(""), false, 0, 7);
    assert_eq!(r.text(), "mysqladmin: [Warning] Using a password on the command line interface can be insecure.\nmysqld is alive\n");
    let r = mysql(&mut b, &["-h", "db", "-uroot"], "", false);
    assert_eq!(r.text(), "dockling: mysql to another container is not simulated; use docker exec -it <container> mysql\n");
}

#[test]
fn mysqladmin_ping_without_a_server() {
    let mut b = mysql_box(&[]);
    let r = start(&mut b, "mysql", &["mysqladmin", "ping"], Some(""), false, 0, 7);
    assert_eq!(r.text(), "mysqladmin: connect to server at 'localhost' failed\nerror: 'Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)'\nCheck that mysqld is running and that the socket: '/var/run/mysqld/mysqld.sock' exists!\n");
    assert_eq!(r.status, Some(1));
}

#[test]
fn mysql_describe_and_vertical_output() {
    let mut b = mysql_box(&["MYSQL_ROOT_PASSWORD=secret", "MYSQL_DATABASE=shop"]);
    let _srv = mysql_up(&mut b);
    let r = mysql(&mut b, &["-uroot", "-psecret", "shop"], "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) NOT NULL, at DATETIME DEFAULT CURRENT_TIMESTAMP);\nINSERT INTO t (name) VALUES ('x');\nDESCRIBE t;\nSELECT id, name FROM t\\G\n", true);
    assert!(r.text().contains("+-------+-------------+------+-----+-------------------+-------------------+
| Field | Type        | Null | Key | Default           | Extra             |
+-------+-------------+------+-----+-------------------+-------------------+
| id    | int         | NO   | PRI | NULL              | auto_increment    |
| name  | varchar(20) | NO   |     | NULL              |                   |
| at    | datetime    | YES  |     | CURRENT_TIMESTAMP | DEFAULT_GENERATED |
+-------+-------------+------+-----+-------------------+-------------------+
3 rows in set (0.00 sec)
"), "{}", r.text());
    assert!(r.text().contains("mysql> SELECT id, name FROM t\\G\n*************************** 1. row ***************************\n  id: 1\nname: x\n1 row in set (0.00 sec)\n\n"));
}

// ---------------------------------------------------------------- redis

fn redis_box(version_env: &str) -> Box_ {
    let mut b = Box_::new(&[], &["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "GOSU_VERSION=1.17", version_env]);
    b.fs.mkdir("/data", true, &meta(0o755)).unwrap();
    b.fs.mkdir("/run", true, &meta(0o755)).unwrap();
    b
}

fn redis_up(b: &mut Box_, args: &[&str]) -> Run {
    let mut argv = vec!["redis-server"];
    argv.extend_from_slice(args);
    let r = start_in(b, "redis-server", &argv, None, false, "/data");
    assert_eq!(r.status, None, "redis-server should keep running:\n{}", r.text());
    r
}

/// `start` in a working directory (the image's WORKDIR): servers as PID 1 of user 999, clients
/// as an exec'd root process.
fn start_in(b: &mut Box_, name: &str, argv: &[&str], stdin: Option<&str>, tty: bool, cwd: &'static str) -> Run {
    let (uid, pid) = if name.ends_with("-server") { (999, 1) } else { (0, 7) };
    let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
    let mut r = Run { prog: Box::new(Idle), out: Captured::default(), stdin: Input::default(), status: None, tty, pid, uid, cwd: "/" };
    if let Some(s) = stdin {
        r.stdin = Input::complete(s);
    }
    r.cwd = cwd;
    let prog = {
        let mut ctx = r.ctx(b);
        programs::start(name, &argv, &mut ctx)
    };
    r.prog = prog;
    r.pump(b);
    r
}

fn cli(b: &mut Box_, args: &[&str], stdin: &str, tty: bool) -> Run {
    let mut argv = vec!["redis-cli"];
    argv.extend_from_slice(args);
    start_in(b, "redis-cli", &argv, Some(stdin), tty, "/data")
}

#[test]
fn redis_server_startup_log() {
    // redis 7.4's server.c startup messages; docker logs of a default start (no config file).
    let mut b = redis_box("REDIS_VERSION=7.4.4");
    let r = redis_up(&mut b, &[]);
    assert_eq!(r.text(), "1:C 01 Jul 2025 10:00:00.000 * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo
1:C 01 Jul 2025 10:00:00.000 * Redis version=7.4.4, bits=64, commit=00000000, modified=0, pid=1, just started
1:C 01 Jul 2025 10:00:00.000 # Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf
1:M 01 Jul 2025 10:00:00.000 * monotonic clock: POSIX clock_gettime
1:M 01 Jul 2025 10:00:00.000 * Running mode=standalone, port=6379.
1:M 01 Jul 2025 10:00:00.000 * Server initialized
1:M 01 Jul 2025 10:00:00.000 * Ready to accept connections tcp
");
    let ports: Vec<(String, u16)> = r.prog.listening().into_iter().map(|l| (l.host, l.port)).collect();
    assert_eq!(ports, vec![("0.0.0.0".to_string(), 6379), ("::".to_string(), 6379)]);
    // Redis writes dump.rdb only when it saves.
    assert!(b.fs.get("/data/dump.rdb").is_none());
}

#[test]
fn redis_6_logs_at_warning_level_and_8_reads_its_version_from_the_url() {
    let mut b = redis_box("REDIS_VERSION=6.2.18");
    let r = redis_up(&mut b, &["--appendonly", "yes"]);
    let t = r.text();
    assert!(t.starts_with("1:C 01 Jul 2025 10:00:00.000 # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo\n1:C 01 Jul 2025 10:00:00.000 # Redis version=6.2.18, bits=64, commit=00000000, modified=0, pid=1, just started\n1:C 01 Jul 2025 10:00:00.000 # Configuration loaded\n"), "{t}");
    assert!(t.contains("# Server initialized\n"));
    assert!(t.ends_with("* Ready to accept connections\n"));
    assert!(b.fs.get("/data/appendonlydir/appendonly.aof.manifest").is_some());
    let mut b = redis_box("REDIS_DOWNLOAD_URL=https://github.com/redis/redis/archive/refs/tags/8.0.2.tar.gz");
    let r = redis_up(&mut b, &[]);
    assert!(r.text().contains("Redis version=8.0.2, bits=64"));
}

#[test]
fn redis_cli_interactive_session() {
    // redis-cli.c cliFormatReplyTTY and the server's error texts (server.c, t_string.c).
    let mut b = redis_box("REDIS_VERSION=7.4.4");
    let _srv = redis_up(&mut b, &[]);
    let cmds = "PING\nSET greeting \"hello world\"\nGET greeting\nGET nope\nINCR hits\nINCR hits\nLPUSH l a b c\nLRANGE l 0 -1\nHSET h f1 v1 f2 v2\nHGETALL h\nKEYS *\nFOO bar baz\nGET\nLPUSH greeting x\nSET n abc\nINCR n\nDEL hits l\nEXISTS hits\nSET q \"a\\\"b\\n\"\nGET q\nTYPE h\nLRANGE empty 0 -1\nSET s \"unbalanced\n\nquit\n";
    let r = cli(&mut b, &[], cmds, true);
    assert_eq!(r.status, Some(0));
    assert_eq!(r.text(), "127.0.0.1:6379> PING
PONG
127.0.0.1:6379> SET greeting \"hello world\"
OK
127.0.0.1:6379> GET greeting
\"hello world\"
127.0.0.1:6379> GET nope
(nil)
127.0.0.1:6379> INCR hits
(integer) 1
127.0.0.1:6379> INCR hits
(integer) 2
127.0.0.1:6379> LPUSH l a b c
(integer) 3
127.0.0.1:6379> LRANGE l 0 -1
1) \"c\"
2) \"b\"
3) \"a\"
127.0.0.1:6379> HSET h f1 v1 f2 v2
(integer) 2
127.0.0.1:6379> HGETALL h
1) \"f1\"
2) \"v1\"
3) \"f2\"
4) \"v2\"
127.0.0.1:6379> KEYS *
1) \"greeting\"
2) \"hits\"
3) \"l\"
4) \"h\"
127.0.0.1:6379> FOO bar baz
(error) ERR unknown command 'FOO', with args beginning with: 'bar' 'baz' 
127.0.0.1:6379> GET
(error) ERR wrong number of arguments for 'get' command
127.0.0.1:6379> LPUSH greeting x
(error) WRONGTYPE Operation against a key holding the wrong kind of value
127.0.0.1:6379> SET n abc
OK
127.0.0.1:6379> INCR n
(error) ERR value is not an integer or out of range
127.0.0.1:6379> DEL hits l
(integer) 2
127.0.0.1:6379> EXISTS hits
(integer) 0
127.0.0.1:6379> SET q \"a\\\"b\\n\"
OK
127.0.0.1:6379> GET q
\"a\\\"b\\n\"
127.0.0.1:6379> TYPE h
hash
127.0.0.1:6379> LRANGE empty 0 -1
(empty array)
127.0.0.1:6379> SET s \"unbalanced
Invalid argument(s)
127.0.0.1:6379> 
127.0.0.1:6379> quit
");
}

#[test]
fn redis_cli_one_shot_raw_and_tty() {
    let mut b = redis_box("REDIS_VERSION=7.4.4");
    let r = cli(&mut b, &["ping"], "", false);
    assert_eq!(r.text(), "Could not connect to Redis at 127.0.0.1:6379: Connection refused\n");
    assert_eq!(r.status, Some(1));
    let _srv = redis_up(&mut b, &[]);
    // Not a terminal: raw replies (cliFormatReplyRaw plus the newline).
    assert_eq!(cli(&mut b, &["ping"], "", false).text(), "PONG\n");
    assert_eq!(cli(&mut b, &["get", "missing"], "", false).text(), "\n");
    assert_eq!(cli(&mut b, &["rpush", "l", "x", "y"], "", false).text(), "2\n");
    assert_eq!(cli(&mut b, &["lrange", "l", "0", "-1"], "", false).text(), "x\ny\n");
    // On a terminal (`docker exec -it`): the TTY format.
    assert_eq!(cli(&mut b, &["lrange", "l", "0", "-1"], "", true).text(), "1) \"x\"\n2) \"y\"\n");
    assert_eq!(cli(&mut b, &["--raw", "lrange", "l", "0", "-1"], "", true).text(), "x\ny\n");
    assert_eq!(cli(&mut b, &["-h", "cache", "ping"], "", false).text(), "dockling: redis-cli to another container is not simulated; use docker exec -it <container> redis-cli\n");
    assert_eq!(cli(&mut b, &["--version"], "", false).text(), "redis-cli 7.4.4\n");
}

#[test]
fn redis_expiry_follows_the_virtual_clock() {
    let mut b = redis_box("REDIS_VERSION=7.4.4");
    let _srv = redis_up(&mut b, &[]);
    assert_eq!(cli(&mut b, &["set", "session", "abc", "EX", "10"], "", true).text(), "OK\n");
    assert_eq!(cli(&mut b, &["ttl", "session"], "", true).text(), "(integer) 10\n");
    b.now = b.now + Millis(4_000);
    assert_eq!(cli(&mut b, &["ttl", "session"], "", true).text(), "(integer) 6\n");
    assert_eq!(cli(&mut b, &["pttl", "session"], "", true).text(), "(integer) 6000\n");
    b.now = b.now + Millis(6_000);
    assert_eq!(cli(&mut b, &["get", "session"], "", true).text(), "(nil)\n");
    assert_eq!(cli(&mut b, &["ttl", "session"], "", true).text(), "(integer) -2\n");
    assert_eq!(cli(&mut b, &["set", "k", "v"], "", true).text(), "OK\n");
    assert_eq!(cli(&mut b, &["ttl", "k"], "", true).text(), "(integer) -1\n");
    assert_eq!(cli(&mut b, &["expire", "k", "5"], "", true).text(), "(integer) 1\n");
    assert_eq!(cli(&mut b, &["expire", "nope", "5"], "", true).text(), "(integer) 0\n");
}

#[test]
fn redis_shutdown_saves_and_the_next_start_loads() {
    // serverLog lines of prepareForShutdown/finishShutdown and rdbLoad (redis 7.4).
    let mut b = redis_box("REDIS_VERSION=7.4.4");
    let mut srv = redis_up(&mut b, &[]);
    cli(&mut b, &["set", "a", "1"], "", false);
    cli(&mut b, &["set", "b", "2", "PX", "1000"], "", false);
    srv.take();
    b.now = b.now + Millis(300_000);
    srv.signal(&mut b, Signal::Term);
    assert_eq!(srv.status, Some(0));
    assert_eq!(srv.text(), "1:signal-handler (1751364300) Received SIGTERM scheduling shutdown...
1:M 01 Jul 2025 10:05:00.000 * User requested shutdown...
1:M 01 Jul 2025 10:05:00.000 * Saving the final RDB snapshot before exiting.
1:M 01 Jul 2025 10:05:00.000 * DB saved on disk
1:M 01 Jul 2025 10:05:00.000 # Redis is now ready to exit, bye bye...
");
    assert!(b.fs.get("/data/dump.rdb").is_some());
    assert_eq!(cli(&mut b, &["ping"], "", false).status, Some(1));
    b.now = b.now + Millis(20_000);
    let srv = redis_up(&mut b, &[]);
    assert!(srv.text().contains("1:M 01 Jul 2025 10:05:20.000 * Server initialized\n1:M 01 Jul 2025 10:05:20.000 * Loading RDB produced by version 7.4.4\n1:M 01 Jul 2025 10:05:20.000 * RDB age 20 seconds\n1:M 01 Jul 2025 10:05:20.000 * RDB memory usage when created 0.90 Mb\n1:M 01 Jul 2025 10:05:20.000 * Done loading RDB, keys loaded: 1, keys expired: 0.\n1:M 01 Jul 2025 10:05:20.000 * DB loaded from disk: 0.000 seconds\n"), "{}", srv.text());
    assert_eq!(cli(&mut b, &["get", "a"], "", false).text(), "1\n");
}

#[test]
fn redis_requirepass_needs_auth() {
    let mut b = redis_box("REDIS_VERSION=7.4.4");
    let _srv = redis_up(&mut b, &["--requirepass", "s3cret"]);
    let r = cli(&mut b, &[], "GET x\nAUTH wrong\nAUTH s3cret\nSET x 1\n", true);
    assert_eq!(r.text(), "127.0.0.1:6379> GET x\n(error) NOAUTH Authentication required.\n127.0.0.1:6379> AUTH wrong\n(error) WRONGPASS invalid username-password pair or user is disabled.\n127.0.0.1:6379> AUTH s3cret\nOK\n127.0.0.1:6379> SET x 1\nOK\n127.0.0.1:6379> ");
    let r = cli(&mut b, &["-a", "s3cret", "get", "x"], "", false);
    assert_eq!(r.text(), "Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.\n1\n");
}

// ---------------------------------------------------------------- mongo

fn mongo_box() -> Box_ {
    let mut b = Box_::new(&[], &["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "MONGO_MAJOR=8.0", "MONGO_VERSION=8.0.11", "HOME=/data/db"]);
    b.fs.mkdir("/data/db", true, &meta(0o755)).unwrap();
    b.fs.mkdir("/tmp", true, &meta(0o777)).unwrap();
    b
}

fn mongo_up(b: &mut Box_) -> Run {
    let r = start(b, "mongo-entrypoint", &["docker-entrypoint.sh", "mongod"], None, false, 0, 1);
    assert_eq!(r.status, None, "mongod should keep running:\n{}", r.text());
    r
}

#[test]
fn mongod_json_log_lines() {
    // mongod 8.0's structured log (logv2's JSON formatter pads s, c and id), as docker logs
    // show it (docker-library/mongo#465, KlausSchaefers/quant-ux#286).
    let mut b = mongo_box();
    let r = mongo_up(&mut b);
    let t = r.text();
    assert!(t.starts_with("{\"t\":{\"$date\":\"2025-07-01T10:00:00.000+00:00\"},\"s\":\"I\",  \"c\":\"CONTROL\",  \"id\":23285,   \"ctx\":\"main\",\"msg\":\"Automatically disabling TLS 1.0, to force-enable TLS 1.0 specify --sslDisabledProtocols 'none'\"}\n"), "{t}");
    assert!(t.contains("{\"t\":{\"$date\":\"2025-07-01T10:00:00.000+00:00\"},\"s\":\"I\",  \"c\":\"STORAGE\",  \"id\":4615611, \"ctx\":\"initandlisten\",\"msg\":\"MongoDB starting\",\"attr\":{\"pid\":1,\"port\":27017,\"dbPath\":\"/data/db\",\"architecture\":\"64-bit\",\"host\":\"3f4e1a2b9c0d\"}}\n"));
    assert!(t.ends_with("{\"t\":{\"$date\":\"2025-07-01T10:00:00.000+00:00\"},\"s\":\"I\",  \"c\":\"NETWORK\",  \"id\":23016,   \"ctx\":\"listener\",\"msg\":\"Waiting for connections\",\"attr\":{\"port\":27017,\"ssl\":\"off\"}}\n"));
    let ports: Vec<u16> = r.prog.listening().into_iter().map(|l| l.port).collect();
    assert_eq!(ports, vec![27017, 27017]);
}

#[test]
fn mongod_shutdown_on_sigterm() {
    let mut b = mongo_box();
    let mut r = mongo_up(&mut b);
    r.take();
    r.signal(&mut b, Signal::Term);
    assert_eq!(r.status, Some(0));
    let t = r.text();
    assert!(t.starts_with("{\"t\":{\"$date\":\"2025-07-01T10:00:00.000+00:00\"},\"s\":\"I\",  \"c\":\"CONTROL\",  \"id\":23377,   \"ctx\":\"SignalHandler\",\"msg\":\"Received signal\",\"attr\":{\"signal\":15,\"error\":\"Terminated\"}}\n"), "{t}");
    assert!(t.ends_with("\"id\":23138,   \"ctx\":\"SignalHandler\",\"msg\":\"Shutting down\",\"attr\":{\"exitCode\":0}}\n"));
    assert!(b.fs.get("/tmp/mongodb-27017.sock").is_none());
}

#[test]
fn mongosh_session() {
    // mongosh 2.5: banner, `test> ` prompt, show dbs (text-table, right-aligned sizes), use,
    // and results through Node's util.inspect (breakLength 80, compact 3).
    let mut b = mongo_box();
    let _srv = mongo_up(&mut b);
    let cmds = "show dbs\nuse shop\ndb.users.insertOne({name: 'Alice', age: 30})\ndb.users.insertMany([{name: \"Bob\", age: 25, tags: ['a', 'b']}, {name: 'Carol', address: {city: 'Paris', zip: '75001'}}])\ndb.users.find()\ndb.users.find({age: {$gt: 26}}, {_id: 0})\ndb.users.countDocuments()\ndb.users.updateOne({name: 'Alice'}, {$set: {age: 31}})\ndb.users.deleteOne({name: 'Bob'})\nshow collections\ndb.users.find({\nname: 'Alice'\n}, {name: 1, _id: 0})\nfoo()\ndb.users.frob()\ndb.users.aggregate([])\nexit\n";
    let r = start(&mut b, "mongosh", &["mongosh"], Some(cmds), true, 0, 7);
    assert_eq!(r.status, Some(0));
    let t = r.text();
    let banner_end = t.find("test> ").expect("a prompt");
    let banner = &t[..banner_end];
    assert!(banner.starts_with("Current Mongosh Log ID:\t"), "{banner}");
    assert!(banner.contains("\nConnecting to:\t\tmongodb://127.0.0.1:27017/?directConnection=true&serverSelectionTimeoutMS=2000&appName=mongosh+2.5.2\nUsing MongoDB:\t\t8.0.11\nUsing Mongosh:\t\t2.5.2\n\nFor mongosh info see: https://www.mongodb.com/docs/mongodb-shell/\n"));
    assert!(banner.ends_with("------\n   The server generated these startup warnings when booting\n   2025-07-01T10:00:00.000+00:00: Using the XFS filesystem is strongly recommended with the WiredTiger storage engine. See http://dochub.mongodb.org/core/prodnotes-filesystem\n   2025-07-01T10:00:00.000+00:00: Access control is not enabled for the database. Read and write access to data and configuration is unrestricted\n------\n\n"));
    let ids: Vec<String> = t.match_indices("ObjectId('").map(|(i, _)| t[i + 10..i + 34].to_string()).collect();
    let (a, bob, carol) = (&ids[0], &ids[1], &ids[2]);
    let expected = format!("test> show dbs
admin   40.00 KiB
config  12.00 KiB
local   40.00 KiB
test> use shop
switched to db shop
shop> db.users.insertOne({{name: 'Alice', age: 30}})
{{
  acknowledged: true,
  insertedId: ObjectId('{a}')
}}
shop> db.users.insertMany([{{name: \"Bob\", age: 25, tags: ['a', 'b']}}, {{name: 'Carol', address: {{city: 'Paris', zip: '75001'}}}}])
{{
  acknowledged: true,
  insertedIds: {{
    '0': ObjectId('{bob}'),
    '1': ObjectId('{carol}')
  }}
}}
shop> db.users.find()
[
  {{ _id: ObjectId('{a}'), name: 'Alice', age: 30 }},
  {{
    _id: ObjectId('{bob}'),
    name: 'Bob',
    age: 25,
    tags: [ 'a', 'b' ]
  }},
  {{
    _id: ObjectId('{carol}'),
    name: 'Carol',
    address: {{ city: 'Paris', zip: '75001' }}
  }}
]
shop> db.users.find({{age: {{$gt: 26}}}}, {{_id: 0}})
[ {{ name: 'Alice', age: 30 }} ]
shop> db.users.countDocuments()
3
shop> db.users.updateOne({{name: 'Alice'}}, {{$set: {{age: 31}}}})
{{
  acknowledged: true,
  insertedId: null,
  matchedCount: 1,
  modifiedCount: 1,
  upsertedCount: 0
}}
shop> db.users.deleteOne({{name: 'Bob'}})
{{ acknowledged: true, deletedCount: 1 }}
shop> show collections
users
shop> db.users.find({{
... name: 'Alice'
... }}, {{name: 1, _id: 0}})
[ {{ name: 'Alice' }} ]
shop> foo()
ReferenceError: foo is not defined
shop> db.users.frob()
TypeError: db.users.frob is not a function
shop> db.users.aggregate([])
dockling: mongosh: aggregate() is not simulated
shop> exit
");
    assert_eq!(&t[banner_end..], expected);
    // The data is in the volume, and a second mongosh sees it.
    let r = start(&mut b, "mongosh", &["mongosh", "--quiet", "shop", "--eval", "db.users.countDocuments()"], Some(""), false, 0, 7);
    assert_eq!(r.text(), "2\n");
}

#[test]
fn mongosh_without_a_server() {
    let mut b = mongo_box();
    let r = start(&mut b, "mongosh", &["mongosh"], Some(""), true, 0, 7);
    assert_eq!(r.status, Some(1));
    assert!(r.text().ends_with("MongoNetworkError: connect ECONNREFUSED 127.0.0.1:27017\n"));
}

#[test]
fn mongo_entrypoint_needs_both_init_variables() {
    // docker-library/mongo docker-entrypoint.sh
    let mut b = mongo_box();
    b.env.push("MONGO_INITDB_ROOT_USERNAME=admin".into());
    let r = start(&mut b, "mongo-entrypoint", &["docker-entrypoint.sh", "mongod"], None, false, 0, 1);
    assert_eq!(r.status, Some(1));
    assert_eq!(r.text(), "\nerror: missing 'MONGO_INITDB_ROOT_USERNAME' or 'MONGO_INITDB_ROOT_PASSWORD'\n       both must be specified for a user to be created\n\n");
}

// ---------------------------------------------------------------- all programs

#[test]
fn every_marker_name_is_known_and_unknown_ones_are_not() {
    for n in ["postgres-entrypoint", "postgres", "psql", "pg_ctl", "initdb", "mysql-entrypoint", "mysqld", "mysql", "redis-server", "redis-cli", "mongo-entrypoint", "mongod", "mongosh"] {
        assert!(programs::known(n), "{n}");
    }
    assert!(!programs::known("sqlite3"));
    // pg_dump shares psql's marker in the image; it says it is not simulated.
    let mut b = Box_::postgres(&[]);
    check(&mut b, "psql", &["/usr/lib/postgresql/17/bin/pg_dump", "-U", "postgres"], "", "dockling: pg_dump is not simulated\n", 1);
}

/// A fixed-seed xorshift generator for the never-panic test.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[(self.next() % v.len() as u64) as usize]
    }
}

#[test]
fn random_input_never_panics() {
    const SQL: [&str; 64] = [
        "SELECT", "INSERT", "INTO", "VALUES", "UPDATE", "SET", "DELETE", "FROM", "WHERE", "CREATE", "TABLE", "DROP", "DATABASE", "t", "u", "id", "name", "(", ")", ",", ";", "*", "=", "<>", "<", ">", "AND", "OR", "NOT", "NULL", "1", "-2", "'a'", "'", "\"", "`", "::", "integer", "text", "serial", "varchar(3)", "PRIMARY", "KEY", "ORDER", "BY", "LIMIT", "count(*)", "max(id)", "IS", "IN", "LIKE", "RETURNING", "||", "+", "/", "0", "99999999999999999999", "\\d", "\\l", "\\c", "--", "/*", "USE", "SHOW",
    ];
    const REDIS: [&str; 24] = ["SET", "GET", "DEL", "INCR", "LPUSH", "LRANGE", "HSET", "HGETALL", "EXPIRE", "TTL", "KEYS", "*", "k", "v", "0", "-1", "\"", "'", "EX", "10", "FLUSHALL", "SADD", "[a-", "\\x"];
    const JS: [&str; 24] = ["db.", "c", ".insertOne(", ".find(", "{", "}", "[", "]", ":", ",", "'x'", "1.5", "-", "$gt", "a", ")", "ObjectId(", "\"", "use", "show", "dbs", "new Date()", ".updateOne(", "$set"];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut b = Box_::postgres(&["POSTGRES_PASSWORD=secret"]);
    let _pg = pg_up(&mut b);
    let mut m = mysql_box(&["MYSQL_ROOT_PASSWORD=secret", "MYSQL_DATABASE=shop"]);
    let _my = mysql_up(&mut m);
    let mut r = redis_box("REDIS_VERSION=7.4.4");
    let _rs = redis_up(&mut r, &[]);
    let mut g = mongo_box();
    let _mg = mongo_up(&mut g);
    for round in 0..300 {
        let mut line = |set: &[&str], n: u64| (0..n).map(|_| rng.pick(set)).collect::<Vec<_>>().join(" ");
        let sql: String = (0..4).map(|_| line(&SQL, 1 + round % 12) + "\n").collect();
        let p = psql(&mut b, &["-U", "postgres"], &sql);
        assert!(p.status.is_some(), "psql must finish on {sql:?}");
        let q = mysql(&mut m, &["-uroot", "-psecret", "-f", "shop"], &sql, round % 2 == 0);
        assert!(q.status.is_some(), "mysql must finish on {sql:?}");
        let cmds: String = (0..4).map(|_| line(&REDIS, 1 + round % 6) + "\n").collect();
        let c = cli(&mut r, &[], &cmds, round % 2 == 0);
        assert!(c.status.is_some(), "redis-cli must finish on {cmds:?}");
        let js: String = (0..3).map(|_| line(&JS, 1 + round % 9) + "\n").collect();
        let s = start(&mut g, "mongosh", &["mongosh", "--quiet"], Some(&js), true, 0, 7);
        assert!(s.status.is_some(), "mongosh must finish on {js:?}");
    }
    // Deep nesting is refused with a clear error rather than recursing without bound.
    let deep = format!("SELECT {}1{};", "(".repeat(500), ")".repeat(500));
    let p = psql(&mut b, &["-U", "postgres", "-c", &deep], "");
    assert_eq!(p.text(), "dockling: expressions nested more than 64 deep is not simulated\n");
    let deep = format!("db.c.insertOne({}{})", "{a:".repeat(100), "}".repeat(100));
    let s = start(&mut g, "mongosh", &["mongosh", "--quiet", "--eval", &deep], Some(""), false, 0, 7);
    assert_eq!(s.text(), "dockling: mongosh: values nested more than 32 deep are not simulated\n");
}

#[test]
fn patterns_match_in_linear_time() {
    let mut b = Box_::postgres(&["POSTGRES_PASSWORD=secret"]);
    let _pg = pg_up(&mut b);
    let long = "a".repeat(3000);
    let pat = format!("{}b", "%a".repeat(40));
    let r = psql(&mut b, &["-U", "postgres", "-tAc", &format!("SELECT '{long}' LIKE '{pat}', 'Hello' LIKE 'H_l%', 'Hello' LIKE 'h%'")], "");
    assert_eq!(r.text(), "f|t|f\n");
    let mut r = redis_box("REDIS_VERSION=7.4.4");
    let _srv = redis_up(&mut r, &[]);
    cli(&mut r, &["mset", "user:1", "a", "user:22", "b", "item:1", "c", "user:x", "d"], "", false);
    assert_eq!(cli(&mut r, &["keys", "user:[0-9]*"], "", false).text(), "user:1\nuser:22\n");
    assert_eq!(cli(&mut r, &["keys", "user:[^0-9]"], "", false).text(), "user:x\n");
    assert_eq!(cli(&mut r, &["keys", &"*?".repeat(200)], "", false).text(), "\n");
}

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
}

impl Run {
    fn ctx<'a>(&'a mut self, b: &'a mut Box_) -> Ctx<'a> {
        Ctx {
            fs: &mut b.fs,
            now: b.now,
            cwd: "/",
            env: &b.env,
            hostname: "3f4e1a2b9c0d",
            ip: "172.17.0.2",
            pid: self.pid,
            uid: self.uid,
            stdin: &mut self.stdin,
            tty: self.tty,
            out: &mut self.out,
            seed: 42,
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
    let mut r = Run { prog: Box::new(Idle), out: Captured::default(), stdin: Input::default(), status: None, tty, pid, uid };
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
    // prompts, help, \c errors keeping the connection, invalid commands. The terminal echoes
    // what is typed; psql itself prints only prompts and results.
    let mut b = Box_::postgres(&["POSTGRES_PASSWORD=secret"]);
    let _pg = pg_up(&mut b);
    let input = "select 1;\n\\c nodb\n\\foo\nhelp\nselect\n1\n;\nselect (1\n+1);\nselect 'a\n';\nCREATE DATABASE mydb;\n\\c mydb\n\\dt\nquit\n";
    let r = tty_psql(&mut b, &["-U", "postgres"], input);
    assert_eq!(r.status, Some(0));
    assert_eq!(r.text(), "psql (17.5 (Debian 17.5-1.pgdg120+1))
Type \"help\" for help.

postgres=#  ?column? 
----------
        1
(1 row)

postgres=# connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: FATAL:  database \"nodb\" does not exist
Previous connection kept
postgres=# invalid command \\foo
Try \\? for help.
postgres=# You are using psql, the command-line interface to PostgreSQL.
Type:  \\copyright for distribution terms
       \\h for help with SQL commands
       \\? for help with psql commands
       \\g or terminate with semicolon to execute query
       \\q to quit
postgres=# postgres-# postgres-#  ?column? 
----------
        1
(1 row)

postgres=# postgres(#  ?column? 
----------
        2
(1 row)

postgres=# postgres'#  ?column? 
----------
 a       +
 
(1 row)

postgres=# CREATE DATABASE
postgres=# You are now connected to database \"mydb\" as user \"postgres\".
mydb=# Did not find any relations.
mydb=# ");
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
    assert!(r.text().ends_with("postgres=> You are connected to database \"postgres\" as user \"alice\" via socket in \"/var/run/postgresql\" at port \"5432\".\npostgres=> \\q\n"), "{}", r.text());
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

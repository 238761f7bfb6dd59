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

// ---------------------------------------------------------------- postgres

#[test]
fn postgres_first_start_logs() {
    // docker-library/postgres docker-entrypoint.sh; initdb/pg_ctl/postmaster messages of 17.
    let mut b = Box_::postgres(&["POSTGRES_PASSWORD=secret"]);
    let r = pg_up(&mut b);
    print!("{}", r.text());
    assert!(false);
}

#[test]
fn scratch_psql_file() {
    let t1 = std::fs::read_to_string("/tmp/wtdb-pg/t2.sql").unwrap();
    let mut b = Box_::postgres(&["POSTGRES_PASSWORD=secret"]);
    b.fs.write("/t2.sql", t1.as_bytes(), false, &meta(0o644)).unwrap();
    let _pg = pg_up(&mut b);
    let r = psql(&mut b, &["-U", "postgres", "-f", "/t2.sql"], "");
    std::fs::write("/tmp/wtdb-mine.txt", r.text()).unwrap();
}

#[test]
fn scratch_mysql() {
    let mut b = Box_::new(&[], &["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "GOSU_VERSION=1.17", "MYSQL_MAJOR=8.4", "MYSQL_VERSION=8.4.5-1.el9", "MYSQL_SHELL_VERSION=8.4.5-1.el9", "MYSQL_ROOT_PASSWORD=secret", "MYSQL_DATABASE=shop", "MYSQL_USER=app", "MYSQL_PASSWORD=apppw"]);
    let srv = start(&mut b, "mysql-entrypoint", &["docker-entrypoint.sh", "mysqld"], None, false, 0, 1);
    let mut all = srv.text();
    let sql = "SHOW DATABASES;\nUSE shop\nCREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL, email VARCHAR(100), active BOOLEAN DEFAULT TRUE);\nINSERT INTO users (name, email) VALUES ('Alice', 'a@x.io'), ('Bob', NULL);\nSELECT * FROM users;\nSELECT COUNT(*) FROM users;\nSELECT * FROM nope;\nSELECT nme FROM users;\nSELEC 1;\nUPDATE users SET email = 'b@x.io' WHERE name = 'Bob';\nDESCRIBE users;\nSHOW TABLES;\nSELECT * FROM users WHERE id = 99;\nINSERT INTO users (id, name) VALUES (1, 'dup');\nINSERT INTO users (email) VALUES ('x');\nSELECT * FROM users\\G\nDELETE FROM users WHERE id = 2;\nselect 1,\n2;\nexit\n";
    let r = start(&mut b, "mysql", &["mysql", "-uroot", "-psecret"], Some(sql), true, 0, 7);
    all.push_str("\n=====\n");
    all.push_str(&r.text());
    let r = start(&mut b, "mysql", &["mysql", "-uroot", "-psecret", "shop", "-e", "SELECT * FROM users"], Some(""), false, 0, 7);
    all.push_str("\n=====\n");
    all.push_str(&r.text());
    let r = start(&mut b, "mysql", &["mysql", "-uroot", "-pwrong"], Some(""), false, 0, 7);
    all.push_str("\n=====\n");
    all.push_str(&r.text());
    std::fs::write("/tmp/wtdb-mysql.txt", all).unwrap();
}

#[test]
fn scratch_redis() {
    let mut b = Box_::new(&[], &["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "GOSU_VERSION=1.17", "REDIS_VERSION=7.4.4"]);
    b.fs.mkdir("/data", true, &meta(0o755)).unwrap();
    b.fs.mkdir("/run", true, &meta(0o755)).unwrap();
    let mut srv = start(&mut b, "redis-server", &["redis-server"], None, false, 999, 1);
    let mut all = srv.take();
    let cmds = "PING\nSET greeting \"hello world\"\nGET greeting\nGET nope\nINCR hits\nINCR hits\nEXPIRE greeting 10\nTTL greeting\nLPUSH l a b c\nLRANGE l 0 -1\nHSET h f1 v1 f2 v2\nHGETALL h\nKEYS *\nFOO bar baz\nGET\nLPUSH greeting x\nDEL hits l\nEXISTS hits\n";
    let r = start(&mut b, "redis-cli", &["redis-cli"], Some(cmds), true, 0, 7);
    all.push_str("\n=====\n");
    all.push_str(&r.text());
    b.now = b.now + Millis(11_000);
    let r = start(&mut b, "redis-cli", &["redis-cli", "get", "greeting"], Some(""), false, 0, 7);
    all.push_str("\n=====\n");
    all.push_str(&r.text());
    let r = start(&mut b, "redis-cli", &["redis-cli", "ping"], Some(""), false, 0, 7);
    all.push_str(&r.text());
    srv.signal(&mut b, Signal::Term);
    all.push_str("\n=====\n");
    all.push_str(&srv.text());
    all.push_str(&format!("status {:?}\n", srv.status));
    let r = start(&mut b, "redis-cli", &["redis-cli", "ping"], Some(""), false, 0, 7);
    all.push_str(&r.text());
    let srv2 = start(&mut b, "redis-server", &["redis-server"], None, false, 999, 1);
    all.push_str(&srv2.text());
    std::fs::write("/tmp/wtdb-redis.txt", all).unwrap();
}

#[test]
fn scratch_mongo() {
    let mut b = Box_::new(&[], &["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "MONGO_MAJOR=8.0", "MONGO_VERSION=8.0.11", "HOME=/data/db"]);
    b.fs.mkdir("/data/db", true, &meta(0o755)).unwrap();
    b.fs.mkdir("/tmp", true, &meta(0o777)).unwrap();
    let mut srv = start(&mut b, "mongo-entrypoint", &["docker-entrypoint.sh", "mongod"], None, false, 0, 1);
    let mut all = srv.take();
    let cmds = "show dbs\nuse shop\ndb.users.insertOne({name: 'Alice', age: 30})\ndb.users.insertMany([{name: \"Bob\", age: 25, tags: ['a', 'b']}, {name: 'Carol', address: {city: 'Paris', zip: '75001'}}])\ndb.users.find()\ndb.users.find({age: {$gt: 26}})\ndb.users.findOne({name: 'Bob'})\ndb.users.countDocuments()\ndb.users.updateOne({name: 'Alice'}, {$set: {age: 31}})\ndb.users.deleteOne({name: 'Bob'})\nshow collections\nshow dbs\ndb.users.find({\nname: 'Alice'\n})\nfoo()\ndb.users.frob()\nprint('x')\nexit\n";
    let r = start(&mut b, "mongosh", &["mongosh"], Some(cmds), true, 0, 7);
    all.push_str("\n=====\n");
    all.push_str(&r.text());
    srv.signal(&mut b, Signal::Term);
    all.push_str("\n=====\n");
    all.push_str(&srv.text());
    std::fs::write("/tmp/wtdb-mongo.txt", all).unwrap();
}

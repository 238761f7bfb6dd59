//! The redis image's `redis-server`: its startup log (`oO0OoO0OoO0Oo Redis is starting`, `Ready
//! to accept connections tcp`), loading `dump.rdb` from its directory (`/data`), and on SIGTERM
//! or SIGINT the final snapshot and `bye bye`. Texts from redis 6.2–8.0's server.c and rdb.c.
//!
//! The server's memory is simulated by a file, `/run/redis-<port>.dockling`, which redis-cli in
//! the same container reads and writes (there is no network between programs); `dump.rdb` is
//! written only when Redis would write it (shutdown, `SAVE`, `BGSAVE`), as text.

use crate::clock::SimTime;
use crate::proc::program::{Ctx, Disposition, Listen, Program, Status, Wait};
use crate::proc::Signal;

use super::store::read_file;
use super::{put, Oneshot};

/// A value in the keyspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Val {
    Str(String),
    List(Vec<String>),
    Hash(Vec<(String, String)>),
    Set(Vec<String>),
}

impl Val {
    pub fn type_name(&self) -> &'static str {
        match self {
            Val::Str(_) => "string",
            Val::List(_) => "list",
            Val::Hash(_) => "hash",
            Val::Set(_) => "set",
        }
    }
}

/// A key, its value and its expiry (ms since the epoch).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub val: Val,
    pub expires: Option<u64>,
}

/// The server's state as the memory file holds it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mem {
    pub port: u16,
    pub version: String,
    pub requirepass: String,
    pub dir: String,
    pub keys: Vec<Entry>,
    /// Changes since the last save (`INFO`'s `rdb_changes_since_last_save`).
    pub dirty: u64,
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '\t' => o.push_str("\\t"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            c => o.push(c),
        }
    }
    o
}

fn unesc(s: &str) -> String {
    let mut o = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('t') => o.push('\t'),
                Some('n') => o.push('\n'),
                Some('r') => o.push('\r'),
                Some(x) => o.push(x),
                None => {}
            }
        } else {
            o.push(c);
        }
    }
    o
}

pub fn mem_path(port: u16) -> String {
    format!("/run/redis-{port}.dockling")
}

impl Mem {
    fn write_keys(&self, s: &mut String) {
        for e in &self.keys {
            let exp = e.expires.map(|t| t.to_string()).unwrap_or_else(|| "-".into());
            let mut f = vec![e.val.type_name().to_string(), exp, esc(&e.key)];
            match &e.val {
                Val::Str(v) => f.push(esc(v)),
                Val::List(v) | Val::Set(v) => f.extend(v.iter().map(|x| esc(x))),
                Val::Hash(v) => {
                    for (a, b) in v {
                        f.push(esc(a));
                        f.push(esc(b));
                    }
                }
            }
            s.push_str(&f.join("\t"));
            s.push('\n');
        }
    }

    fn read_keys(&mut self, text: &str) {
        for line in text.lines() {
            let f: Vec<&str> = line.split('\t').collect();
            let (Some(kind), Some(exp), Some(key)) = (f.first(), f.get(1), f.get(2)) else { continue };
            let rest: Vec<String> = f.iter().skip(3).map(|x| unesc(x)).collect();
            let val = match *kind {
                "string" => Val::Str(rest.into_iter().next().unwrap_or_default()),
                "list" => Val::List(rest),
                "set" => Val::Set(rest),
                "hash" => Val::Hash(rest.chunks(2).map(|c| (c[0].clone(), c.get(1).cloned().unwrap_or_default())).collect()),
                _ => continue,
            };
            self.keys.push(Entry { key: unesc(key), val, expires: exp.parse().ok() });
        }
    }

    /// The memory file's text.
    pub fn to_text(&self) -> String {
        let mut s = format!("# Dockling: the simulated memory of redis-server\nserver\tport={}\tversion={}\tpass={}\tdir={}\tdirty={}\n", self.port, self.version, esc(&self.requirepass), esc(&self.dir), self.dirty);
        self.write_keys(&mut s);
        s
    }

    pub fn from_text(text: &str) -> Mem {
        let mut m = Mem::default();
        if let Some(line) = text.lines().find(|l| l.starts_with("server\t")) {
            for kv in line.split('\t').skip(1) {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                match k {
                    "port" => m.port = v.parse().unwrap_or(6379),
                    "version" => m.version = v.into(),
                    "pass" => m.requirepass = unesc(v),
                    "dir" => m.dir = unesc(v),
                    "dirty" => m.dirty = v.parse().unwrap_or(0),
                    _ => {}
                }
            }
        }
        m.read_keys(&text.lines().filter(|l| !l.starts_with('#') && !l.starts_with("server\t")).collect::<Vec<_>>().join("\n"));
        m
    }

    /// The server's memory, if a server listens on `port`.
    pub fn load(ctx: &Ctx, port: u16) -> Option<Mem> {
        read_file(ctx.fs, &mem_path(port)).map(|t| Mem::from_text(&t))
    }

    pub fn store(&self, ctx: &mut Ctx) {
        let text = self.to_text();
        put(ctx, &mem_path(self.port), &text, 999);
    }

    /// Drops keys whose time has passed.
    pub fn expire(&mut self, now: SimTime) {
        self.keys.retain(|e| e.expires.is_none_or(|t| t > now.as_ms()));
    }

    fn snapshot_path(&self) -> String {
        format!("{}/dump.rdb", self.dir.trim_end_matches('/'))
    }

    /// Writes `dump.rdb` (as text) the way SAVE does.
    pub fn save(&mut self, ctx: &mut Ctx) -> bool {
        let mut s = format!("# Dockling: a simulated Redis snapshot (a real dump.rdb is binary)\nrdb\tversion={}\ttime={}\n", self.version, ctx.now.as_ms());
        self.write_keys(&mut s);
        let path = self.snapshot_path();
        let m = super::meta(ctx, 0o600, 999);
        let ok = ctx.fs.write(&path, s.as_bytes(), false, &m).is_ok();
        if ok {
            self.dirty = 0;
        }
        ok
    }
}

/// `01 Jul 2025 10:00:00.000` (serverLog's time).
fn log_ts(t: SimTime) -> String {
    let c = t.civil();
    format!("{:02} {} {} {:02}:{:02}:{:02}.{:03}", c.day, c.month_abbr(), c.year, c.hour, c.minute, c.second, t.as_ms() % 1000)
}

/// The Redis version an image carries (`REDIS_VERSION`, or the version in its download URL).
pub fn version(ctx: &Ctx) -> String {
    if let Some(v) = ctx.var("REDIS_VERSION").filter(|v| !v.is_empty()) {
        return v.to_string();
    }
    if let Some(url) = ctx.var("REDIS_DOWNLOAD_URL") {
        let file = url.rsplit('/').next().unwrap_or("");
        let v = file.trim_start_matches("redis-").trim_end_matches(".tar.gz");
        if v.split('.').count() == 3 && v.split('.').all(|p| p.parse::<u32>().is_ok()) {
            return v.to_string();
        }
    }
    "7.4.4".into()
}

fn major_minor(v: &str) -> (u32, u32) {
    let mut it = v.split('.').map(|x| x.parse::<u32>().unwrap_or(0));
    (it.next().unwrap_or(7), it.next().unwrap_or(4))
}

pub fn start(argv: &[String], ctx: &mut Ctx) -> Box<dyn Program> {
    let v = version(ctx);
    let name = super::prog_name(argv).to_string();
    if name != "redis-server" {
        return Oneshot::boxed("", &format!("dockling: {name} is not simulated\n"), 1);
    }
    let args: Vec<&str> = argv.iter().skip(1).map(String::as_str).collect();
    if args.iter().any(|a| matches!(*a, "-v" | "--version")) {
        return Oneshot::boxed(&format!("Redis server v={v} sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=0000000000000000\n"), "", 0);
    }
    let mut s = RedisServer { version: v, port: 6379, requirepass: String::new(), appendonly: false, config: !args.is_empty(), started: false, exit: None };
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        i += 1;
        if !a.starts_with("--") {
            if i == 1 && a.ends_with(".conf") {
                return Oneshot::boxed("", &format!("dockling: redis-server reading a configuration file ({a}) is not simulated\n"), 1);
            }
            continue;
        }
        let val = args.get(i).copied().unwrap_or("");
        match &a[2..] {
            "port" => {
                s.port = val.parse().unwrap_or(6379);
                i += 1;
            }
            "requirepass" => {
                s.requirepass = val.to_string();
                i += 1;
            }
            "appendonly" => {
                s.appendonly = val.eq_ignore_ascii_case("yes");
                i += 1;
            }
            "save" | "loglevel" | "maxmemory" | "maxmemory-policy" | "protected-mode" | "bind" | "databases" | "appendfsync" | "dir" | "loadmodule" => {
                if &a[2..] == "dir" && !val.is_empty() {
                    return Oneshot::boxed("", "dockling: redis-server --dir is not simulated; it keeps its data in its working directory\n", 1);
                }
                // The value (possibly empty: `--save ""`).
                i += 1;
                while i < args.len() && !args[i].starts_with("--") {
                    i += 1;
                }
            }
            other => return Oneshot::boxed("", &format!("dockling: the redis-server option --{other} is not simulated\n"), 1),
        }
    }
    Box::new(s)
}

#[derive(Clone, Debug)]
pub struct RedisServer {
    version: String,
    port: u16,
    requirepass: String,
    appendonly: bool,
    /// Started with arguments (`Configuration loaded` rather than the no-config warning).
    config: bool,
    started: bool,
    exit: Option<i32>,
}

impl RedisServer {
    fn log(&self, ctx: &mut Ctx, role: char, level: char, msg: &str) {
        let line = format!("{}:{role} {} {level} {msg}\n", ctx.pid, log_ts(ctx.now));
        ctx.out.out(&line);
    }

    fn boot(&mut self, ctx: &mut Ctx) {
        let (maj, min) = major_minor(&self.version);
        let modern = maj >= 7;
        let notice = if modern { '*' } else { '#' };
        let pid = ctx.pid;
        self.log(ctx, 'C', notice, "oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo");
        let v = self.version.clone();
        self.log(ctx, 'C', notice, &format!("Redis version={v}, bits=64, commit=00000000, modified=0, pid={pid}, just started"));
        if self.config {
            self.log(ctx, 'C', '#', "Configuration loaded");
        } else {
            self.log(ctx, 'C', '#', "Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf");
        }
        self.log(ctx, 'M', '*', "monotonic clock: POSIX clock_gettime");
        let port = self.port;
        self.log(ctx, 'M', '*', &format!("Running mode=standalone, port={port}."));
        self.log(ctx, 'M', notice, "Server initialized");
        let mut mem = Mem { port, version: v.clone(), requirepass: self.requirepass.clone(), dir: ctx.cwd.to_string(), keys: Vec::new(), dirty: 0 };
        let snap = read_file(ctx.fs, &format!("{}/dump.rdb", ctx.cwd.trim_end_matches('/')));
        if self.appendonly {
            self.log(ctx, 'M', '*', "Creating AOF base file appendonly.aof.1.base.rdb on server start");
            self.log(ctx, 'M', '*', "Creating AOF incr file appendonly.aof.1.incr.aof on server start");
            let dir = format!("{}/appendonlydir", ctx.cwd.trim_end_matches('/'));
            put(ctx, &format!("{dir}/appendonly.aof.1.base.rdb"), "", 999);
            put(ctx, &format!("{dir}/appendonly.aof.1.incr.aof"), "", 999);
            put(ctx, &format!("{dir}/appendonly.aof.manifest"), "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n", 999);
        } else if let Some(text) = snap {
            let made_by = text.lines().find_map(|l| l.strip_prefix("rdb\t")).and_then(|l| l.split('\t').find_map(|kv| kv.strip_prefix("version="))).unwrap_or(&v).to_string();
            let at = text.lines().find_map(|l| l.strip_prefix("rdb\t")).and_then(|l| l.split('\t').find_map(|kv| kv.strip_prefix("time="))).and_then(|t| t.parse::<u64>().ok()).unwrap_or(ctx.now.as_ms());
            mem.read_keys(&text.lines().filter(|l| !l.starts_with('#') && !l.starts_with("rdb\t")).collect::<Vec<_>>().join("\n"));
            let before = mem.keys.len();
            mem.expire(ctx.now);
            let expired = before - mem.keys.len();
            self.log(ctx, 'M', '*', &format!("Loading RDB produced by version {made_by}"));
            self.log(ctx, 'M', '*', &format!("RDB age {} seconds", ctx.now.as_ms().saturating_sub(at) / 1000));
            self.log(ctx, 'M', '*', "RDB memory usage when created 0.90 Mb");
            self.log(ctx, 'M', '*', &format!("Done loading RDB, keys loaded: {}, keys expired: {expired}.", mem.keys.len()));
            self.log(ctx, 'M', '*', "DB loaded from disk: 0.000 seconds");
        }
        mem.store(ctx);
        let tcp = if (maj, min) >= (7, 2) { " tcp" } else { "" };
        self.log(ctx, 'M', '*', &format!("Ready to accept connections{tcp}"));
    }
}

impl Program for RedisServer {
    fn step(&mut self, ctx: &mut Ctx) -> Status {
        if let Some(c) = self.exit {
            return Status::Exited(c);
        }
        if !self.started {
            self.started = true;
            self.boot(ctx);
        }
        Status::Waiting(Wait::default())
    }

    fn listening(&self) -> Vec<Listen> {
        if !self.started || self.exit.is_some() {
            return Vec::new();
        }
        vec![Listen { host: "0.0.0.0".into(), port: self.port }, Listen { host: "::".into(), port: self.port }]
    }

    fn signal(&mut self, sig: Signal, ctx: &mut Ctx) -> Disposition {
        if !self.started || self.exit.is_some() {
            return Disposition::Default;
        }
        let name = match sig {
            Signal::Term => "SIGTERM",
            Signal::Int => "SIGINT",
            _ => return Disposition::Default,
        };
        let line = format!("{}:signal-handler ({}) Received {name} scheduling shutdown...\n", ctx.pid, ctx.now.as_secs());
        ctx.out.out(&line);
        let modern = major_minor(&self.version).0 >= 7;
        self.log(ctx, 'M', if modern { '*' } else { '#' }, "User requested shutdown...");
        let mut mem = Mem::load(ctx, self.port).unwrap_or_default();
        mem.expire(ctx.now);
        if !self.appendonly {
            self.log(ctx, 'M', '*', "Saving the final RDB snapshot before exiting.");
            if mem.dir.is_empty() {
                mem.dir = ctx.cwd.to_string();
            }
            if mem.save(ctx) {
                self.log(ctx, 'M', '*', "DB saved on disk");
            } else {
                self.log(ctx, 'M', '#', "Failed opening the temp RDB file temp-1.rdb (in server root dir /data) for saving: Read-only file system");
            }
        } else {
            self.log(ctx, 'M', '*', "Calling fsync() on the AOF file.");
        }
        let _ = ctx.fs.remove(&mem_path(self.port), false);
        self.log(ctx, 'M', '#', "Redis is now ready to exit, bye bye...");
        self.exit = Some(0);
        Disposition::Handled
    }

    fn clone_box(&self) -> Box<dyn Program> {
        Box::new(self.clone())
    }
}

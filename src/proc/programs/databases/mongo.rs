//! The mongo image: `docker-entrypoint.sh` and `mongod` (a handful of its JSON log lines for
//! startup, `"Waiting for connections"`, and its shutdown on SIGTERM/SIGINT), and `mongosh` in
//! the same container: its banner, the `test> ` prompt, `show dbs`, `show collections`, `use`,
//! `db.c.insertOne/insertMany/find/findOne/countDocuments/updateOne/updateMany/deleteOne/
//! deleteMany/drop`, `db.dropDatabase()`, documents printed as mongosh prints them (Node's
//! `util.inspect`: objects on one line while they fit in 80 columns). Anything else says it is
//! not simulated. Texts from MongoDB 8.0's log messages, mongosh 2.5 and Node's util.inspect.
//!
//! Collections live in `/data/db` as `<db>.<collection>.dockling` (one document per line); while
//! mongod runs, `/tmp/mongodb-27017.sock` exists.

use super::{put, read, Oneshot};
use crate::clock::SimTime;
use crate::proc::program::{Ctx, Disposition, Listen, Program, Status, Wait};
use crate::proc::Signal;

const SOCKET: &str = "/tmp/mongodb-27017.sock";
const DBPATH: &str = "/data/db";
const MONGOSH: &str = "2.5.2";
/// Nesting allowed in documents and expressions.
const MAX_DEPTH: u32 = 32;

/// A value of the JavaScript/BSON subset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum J {
    Null,
    Bool(bool),
    /// A number as its shortest JavaScript text (`30`, `35.5`, `-1`).
    Num(String),
    Str(String),
    Oid(String),
    /// `new Date()`: milliseconds since the epoch.
    Date(u64),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

fn mongo_version(ctx: &Ctx) -> String {
    ctx.var("MONGO_VERSION").unwrap_or("8.0.11").to_string()
}

/// `2025-07-01T10:00:00.000+00:00`
fn log_date(t: SimTime) -> String {
    let c = t.civil();
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}+00:00", c.year, c.month, c.day, c.hour, c.minute, c.second, t.as_ms() % 1000)
}

fn iso(t: u64) -> String {
    let c = SimTime(t).civil();
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", c.year, c.month, c.day, c.hour, c.minute, c.second, t % 1000)
}

/// A log line as mongod's JSON formatter pads it.
fn log_line(t: SimTime, (s, c, id, ctx_name): (&str, &str, u32, &str), msg: &str, attr: Option<&str>) -> String {
    let sv = format!("\"s\":\"{s}\",");
    let cv = format!("\"c\":\"{c}\",");
    let iv = format!("\"id\":{id},");
    let mut line = format!("{{\"t\":{{\"$date\":\"{}\"}},{sv:<10}{cv:<16}{iv:<14}\"ctx\":\"{ctx_name}\",\"msg\":\"{msg}\"", log_date(t));
    if let Some(a) = attr {
        line.push_str(",\"attr\":");
        line.push_str(a);
    }
    line.push_str("}\n");
    line
}

pub fn start_server(name: &str, argv: &[String], ctx: &mut Ctx) -> Box<dyn Program> {
    let mut args: Vec<String> = argv.iter().skip(1).cloned().collect();
    if name == "mongo-entrypoint" {
        if args.first().is_some_and(|a| a.starts_with('-')) {
            args.insert(0, "mongod".into());
        }
        match args.first().map(String::as_str) {
            Some("mongod") => {
                args.remove(0);
            }
            Some("mongosh") => return Box::new(Mongosh::start(&args, ctx)),
            Some(cmd) => return Oneshot::boxed("", &format!("dockling: the mongo image's entrypoint running `{}` is not simulated\n", std::iter::once(cmd).chain(args.iter().skip(1).map(String::as_str)).collect::<Vec<_>>().join(" ")), 127),
            None => return Oneshot::boxed("", "dockling: the mongo image's entrypoint without a command is not simulated\n", 127),
        }
    }
    if args.iter().any(|a| a == "--version") {
        let v = mongo_version(ctx);
        return Oneshot::boxed(&format!("db version v{v}\nBuild Info: {{\n    \"version\": \"{v}\"\n}}\n"), "", 0);
    }
    for a in &args {
        if a.starts_with("--") && !matches!(a.as_str(), "--bind_ip_all" | "--auth" | "--quiet") {
            return Oneshot::boxed("", &format!("dockling: the mongod option {a} is not simulated\n"), 1);
        }
    }
    let user = ctx.var("MONGO_INITDB_ROOT_USERNAME").unwrap_or("").to_string();
    let pass = ctx.var("MONGO_INITDB_ROOT_PASSWORD").unwrap_or("").to_string();
    if name == "mongo-entrypoint" && user.is_empty() != pass.is_empty() {
        return Oneshot::boxed("", "\nerror: missing 'MONGO_INITDB_ROOT_USERNAME' or 'MONGO_INITDB_ROOT_PASSWORD'\n       both must be specified for a user to be created\n\n", 1);
    }
    Box::new(Mongod { version: mongo_version(ctx), entrypoint: name == "mongo-entrypoint", init_user: !user.is_empty(), started: false, exit: None })
}

#[derive(Clone, Debug)]
pub struct Mongod {
    version: String,
    entrypoint: bool,
    init_user: bool,
    started: bool,
    exit: Option<i32>,
}

impl Mongod {
    /// One log line: (severity, component, id, context), message, attributes.
    fn log(&self, ctx: &mut Ctx, (s, c, id, cx): (&str, &str, u32, &str), msg: &str, attr: Option<&str>) {
        let l = log_line(ctx.now, (s, c, id, cx), msg, attr);
        ctx.out.out(&l);
    }

    fn boot(&mut self, ctx: &mut Ctx) {
        if self.entrypoint && self.init_user {
            ctx.out.err("dockling: the mongo image's init process (MONGO_INITDB_ROOT_USERNAME/PASSWORD) is not simulated; mongod starts without authentication\n");
        }
        let pid = ctx.pid;
        let host = ctx.hostname.to_string();
        self.log(ctx, ("I", "CONTROL", 23285, "main"), "Automatically disabling TLS 1.0, to force-enable TLS 1.0 specify --sslDisabledProtocols 'none'", None);
        self.log(ctx, ("I", "CONTROL", 5945603, "main"), "Multi threading initialized", None);
        self.log(ctx, ("I", "NETWORK", 4648601, "main"), "Implicit TCP FastOpen unavailable. If TCP FastOpen is required, set at least one of the related parameters", Some("{\"relatedParameters\":[\"tcpFastOpenServer\",\"tcpFastOpenClient\",\"tcpFastOpenQueueSize\"]}"));
        self.log(ctx, ("I", "STORAGE", 4615611, "initandlisten"), "MongoDB starting", Some(&format!("{{\"pid\":{pid},\"port\":27017,\"dbPath\":\"{DBPATH}\",\"architecture\":\"64-bit\",\"host\":\"{host}\"}}")));
        self.log(ctx, ("I", "CONTROL", 23403, "initandlisten"), "Build Info", Some(&format!("{{\"buildInfo\":{{\"version\":\"{}\",\"openSSLVersion\":\"OpenSSL 3.0.13 30 Jan 2024\",\"modules\":[],\"allocator\":\"tcmalloc-google\",\"environment\":{{\"distmod\":\"ubuntu2404\",\"distarch\":\"x86_64\",\"target_arch\":\"x86_64\"}}}}}}", self.version)));
        self.log(ctx, ("I", "CONTROL", 21951, "initandlisten"), "Options set by command line", Some("{\"options\":{\"net\":{\"bindIp\":\"*\"}}}"));
        self.log(ctx, ("W", "STORAGE", 22297, "initandlisten"), "Using the XFS filesystem is strongly recommended with the WiredTiger storage engine. See http://dochub.mongodb.org/core/prodnotes-filesystem", None);
        self.log(ctx, ("W", "CONTROL", 22120, "initandlisten"), "Access control is not enabled for the database. Read and write access to data and configuration is unrestricted", None);
        let m = super::meta(ctx, 0o755, 999);
        for d in ["journal", "diagnostic.data"] {
            let _ = ctx.fs.mkdir(&format!("{DBPATH}/{d}"), true, &m);
        }
        if read(ctx, &format!("{DBPATH}/WiredTiger")).is_none() {
            put(ctx, &format!("{DBPATH}/WiredTiger"), "WiredTiger\nWiredTiger 11.3.1: (May  6, 2025)\n", 999);
        }
        put(ctx, &format!("{DBPATH}/mongod.lock"), &format!("{pid}\n"), 999);
        put(ctx, SOCKET, &format!("{}\n", self.version), 999);
        self.log(ctx, ("I", "NETWORK", 23015, "listener"), "Listening on", Some(&format!("{{\"address\":\"{SOCKET}\"}}")));
        self.log(ctx, ("I", "NETWORK", 23015, "listener"), "Listening on", Some("{\"address\":\"0.0.0.0\"}"));
        self.log(ctx, ("I", "NETWORK", 23016, "listener"), "Waiting for connections", Some("{\"port\":27017,\"ssl\":\"off\"}"));
    }
}

impl Program for Mongod {
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
        vec![Listen { host: "0.0.0.0".into(), port: 27017 }, Listen { host: "::".into(), port: 27017 }]
    }

    fn signal(&mut self, sig: Signal, ctx: &mut Ctx) -> Disposition {
        if !self.started || self.exit.is_some() {
            return Disposition::Default;
        }
        let (n, name) = match sig {
            Signal::Term => (15, "Terminated"),
            Signal::Int => (2, "Interrupt"),
            _ => return Disposition::Default,
        };
        self.log(ctx, ("I", "CONTROL", 23377, "SignalHandler"), "Received signal", Some(&format!("{{\"signal\":{n},\"error\":\"{name}\"}}")));
        self.log(ctx, ("I", "CONTROL", 23378, "SignalHandler"), "Signal was sent by kill(2)", Some("{\"pid\":0,\"uid\":0}"));
        self.log(ctx, ("I", "CONTROL", 23381, "SignalHandler"), "will terminate after current cmd ends", None);
        self.log(ctx, ("I", "NETWORK", 20562, "SignalHandler"), "Shutdown: going to close listening sockets", None);
        self.log(ctx, ("I", "CONTROL", 20565, "SignalHandler"), "Now exiting", None);
        self.log(ctx, ("I", "CONTROL", 23138, "SignalHandler"), "Shutting down", Some("{\"exitCode\":0}"));
        let _ = ctx.fs.remove(SOCKET, false);
        put(ctx, &format!("{DBPATH}/mongod.lock"), "", 999);
        self.exit = Some(0);
        Disposition::Handled
    }

    fn clone_box(&self) -> Box<dyn Program> {
        Box::new(self.clone())
    }
}

// ----------------------------------------------------------------- the JavaScript subset

/// Why a line could not be read: it needs more lines (`...` prompt), or it is outside the subset.
#[derive(Clone, Debug, PartialEq, Eq)]
enum PErr {
    More,
    Msg(String),
}

struct Js<'a> {
    c: &'a [char],
    i: usize,
    depth: u32,
}

impl Js<'_> {
    fn ws(&mut self) {
        while self.i < self.c.len() && self.c[self.i].is_whitespace() {
            self.i += 1;
        }
    }
    fn peek(&mut self) -> Option<char> {
        self.ws();
        self.c.get(self.i).copied()
    }
    fn eat(&mut self, ch: char) -> bool {
        if self.peek() == Some(ch) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, ch: char) -> Result<(), PErr> {
        match self.peek() {
            None => Err(PErr::More),
            Some(x) if x == ch => {
                self.i += 1;
                Ok(())
            }
            Some(x) => Err(PErr::Msg(format!("SyntaxError: Unexpected token, expected \"{ch}\" (found \"{x}\")"))),
        }
    }
    fn ident(&mut self) -> Option<String> {
        self.ws();
        let s = self.i;
        while self.i < self.c.len() && (self.c[self.i].is_alphanumeric() || self.c[self.i] == '_' || self.c[self.i] == '$') {
            self.i += 1;
        }
        (self.i > s).then(|| self.c[s..self.i].iter().collect())
    }
    fn string(&mut self, q: char) -> Result<String, PErr> {
        self.i += 1;
        let mut s = String::new();
        loop {
            match self.c.get(self.i) {
                None | Some('\n') => return Err(PErr::More),
                Some('\\') => {
                    self.i += 1;
                    match self.c.get(self.i) {
                        Some('n') => s.push('\n'),
                        Some('t') => s.push('\t'),
                        Some('r') => s.push('\r'),
                        Some(&x) => s.push(x),
                        None => return Err(PErr::More),
                    }
                }
                Some(&x) if x == q => {
                    self.i += 1;
                    return Ok(s);
                }
                Some(&x) => s.push(x),
            }
            self.i += 1;
        }
    }
    fn value(&mut self, now: SimTime, oid: &mut dyn FnMut() -> String) -> Result<J, PErr> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(PErr::Msg(format!("dockling: mongosh: values nested more than {MAX_DEPTH} deep are not simulated")));
        }
        let r = self.value_inner(now, oid);
        self.depth -= 1;
        r
    }
    fn value_inner(&mut self, now: SimTime, oid: &mut dyn FnMut() -> String) -> Result<J, PErr> {
        match self.peek() {
            None => Err(PErr::More),
            Some('{') => {
                self.i += 1;
                let mut v: Vec<(String, J)> = Vec::new();
                loop {
                    if self.eat('}') {
                        return Ok(J::Obj(v));
                    }
                    let key = match self.peek() {
                        None => return Err(PErr::More),
                        Some(q @ ('\'' | '"')) => self.string(q)?,
                        Some(_) => match self.ident() {
                            Some(k) => k,
                            None => return Err(PErr::Msg("SyntaxError: Unexpected token".into())),
                        },
                    };
                    self.expect(':')?;
                    let val = self.value(now, oid)?;
                    v.retain(|(k, _)| *k != key);
                    v.push((key, val));
                    if !self.eat(',') {
                        self.expect('}')?;
                        return Ok(J::Obj(v));
                    }
                }
            }
            Some('[') => {
                self.i += 1;
                let mut v = Vec::new();
                loop {
                    if self.eat(']') {
                        return Ok(J::Arr(v));
                    }
                    v.push(self.value(now, oid)?);
                    if !self.eat(',') {
                        self.expect(']')?;
                        return Ok(J::Arr(v));
                    }
                }
            }
            Some(q @ ('\'' | '"')) => self.string(q).map(J::Str),
            Some(c) if c.is_ascii_digit() || c == '-' || c == '.' => {
                let s = self.i;
                self.i += 1;
                while self.i < self.c.len() && (self.c[self.i].is_ascii_digit() || self.c[self.i] == '.') {
                    self.i += 1;
                }
                let t: String = self.c[s..self.i].iter().collect();
                number_text(&t).map(J::Num).ok_or_else(|| PErr::Msg(format!("dockling: mongosh: the number {t} is not simulated")))
            }
            Some(_) => {
                let w = self.ident().unwrap_or_default();
                match w.as_str() {
                    "true" => Ok(J::Bool(true)),
                    "false" => Ok(J::Bool(false)),
                    "null" => Ok(J::Null),
                    "ObjectId" => {
                        self.expect('(')?;
                        if self.eat(')') {
                            return Ok(J::Oid(oid()));
                        }
                        let q = self.peek().unwrap_or('\'');
                        let h = self.string(q)?;
                        self.expect(')')?;
                        if h.len() != 24 || !h.chars().all(|c| c.is_ascii_hexdigit()) {
                            return Err(PErr::Msg("BSONError: input must be a 24 character hex string, 12 byte Uint8Array, or an integer".into()));
                        }
                        Ok(J::Oid(h.to_lowercase()))
                    }
                    "new" if self.ident().as_deref() == Some("Date") => {
                        self.expect('(')?;
                        self.expect(')')?;
                        Ok(J::Date(now.as_ms()))
                    }
                    "" => Err(PErr::Msg(format!("SyntaxError: Unexpected token ({})", self.peek().map(String::from).unwrap_or_default()))),
                    w => Err(PErr::Msg(format!("ReferenceError: {w} is not defined"))),
                }
            }
        }
    }
}

/// A JavaScript number literal as JavaScript prints it (`30`, `35.5`); `None` outside the subset.
fn number_text(t: &str) -> Option<String> {
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if (int.is_empty() && frac.is_empty()) || !int.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) || int.len() > 15 {
        return None;
    }
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let mut s = if int.is_empty() { "0".to_string() } else { int.to_string() };
    if !frac.is_empty() {
        s.push('.');
        s.push_str(frac);
    }
    if neg && s != "0" {
        s.insert(0, '-');
    }
    Some(s)
}

// ----------------------------------------------------------------- util.inspect

const BREAK: usize = 80;

fn quote(s: &str) -> String {
    let q = if !s.contains('\'') {
        '\''
    } else if !s.contains('"') {
        '"'
    } else if !s.contains('`') && !s.contains("${") {
        '`'
    } else {
        '\''
    };
    let mut o = String::from(q);
    for c in s.chars() {
        match c {
            '\n' => o.push_str("\\n"),
            '\t' => o.push_str("\\t"),
            '\r' => o.push_str("\\r"),
            '\\' => o.push_str("\\\\"),
            c if c == q => {
                o.push('\\');
                o.push(c);
            }
            c if (c as u32) < 0x20 => o.push_str(&format!("\\x{:02X}", c as u32)),
            c => o.push(c),
        }
    }
    o.push(q);
    o
}

fn key(k: &str) -> String {
    let mut it = k.chars();
    let ok = it.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') && it.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        k.to_string()
    } else {
        quote(k)
    }
}

/// State of one `util.inspect` call: indentation and the depth of the last nested object.
struct Inspect {
    ind: usize,
    cur: usize,
}

impl Inspect {
    fn fmt(&mut self, v: &J, depth: usize) -> String {
        match v {
            J::Null => "null".into(),
            J::Bool(b) => b.to_string(),
            J::Num(n) => n.clone(),
            J::Str(s) => quote(s),
            J::Oid(h) => format!("ObjectId('{h}')"),
            J::Date(t) => format!("ISODate(\"{}\")", iso(*t)),
            J::Arr(a) if a.is_empty() => "[]".into(),
            J::Obj(o) if o.is_empty() => "{}".into(),
            J::Arr(_) | J::Obj(_) if depth > 6 => if matches!(v, J::Arr(_)) { "[Array]" } else { "[Object]" }.into(),
            J::Arr(a) => {
                self.cur = depth;
                let out: Vec<String> = a.iter().map(|x| self.child(x, depth, None)).collect();
                self.reduce(out, ('[', ']'), depth)
            }
            J::Obj(o) => {
                self.cur = depth;
                let out: Vec<String> = o.iter().map(|(k, x)| self.child(x, depth, Some(k))).collect();
                self.reduce(out, ('{', '}'), depth)
            }
        }
    }

    fn child(&mut self, v: &J, depth: usize, k: Option<&str>) -> String {
        self.ind += 2;
        let s = self.fmt(v, depth + 1);
        self.ind -= 2;
        match k {
            Some(k) => format!("{}: {s}", key(k)),
            None => s,
        }
    }

    fn reduce(&mut self, out: Vec<String>, braces: (char, char), depth: usize) -> String {
        if self.cur.saturating_sub(depth) < 3 {
            let start = out.len() + self.ind + 1 + 10;
            let mut total = out.len() + start;
            let mut fits = total + out.len() <= BREAK;
            for e in &out {
                total += e.chars().count();
                fits &= total <= BREAK;
            }
            let joined = out.join(", ");
            if fits && !joined.contains('\n') {
                return format!("{} {joined} {}", braces.0, braces.1);
            }
        }
        let ind = format!("\n{}", " ".repeat(self.ind));
        format!("{}{ind}  {}{ind}{}", braces.0, out.join(&format!(",{ind}  ")), braces.1)
    }
}

pub fn inspect(v: &J) -> String {
    Inspect { ind: 0, cur: 0 }.fmt(v, 0)
}

/// One line of text that `Js` reads back (documents on disk).
fn compact(v: &J) -> String {
    match v {
        J::Arr(a) => format!("[{}]", a.iter().map(compact).collect::<Vec<_>>().join(",")),
        J::Obj(o) => format!("{{{}}}", o.iter().map(|(k, x)| format!("{}:{}", quote(k), compact(x))).collect::<Vec<_>>().join(",")),
        J::Date(t) => format!("{{'$date':{t}}}"),
        v => inspect(v),
    }
}

fn parse_doc(line: &str) -> Option<J> {
    let c: Vec<char> = line.chars().collect();
    let mut p = Js { c: &c, i: 0, depth: 0 };
    let mut none = String::new;
    p.value(SimTime(0), &mut none).ok().map(undate)
}

fn undate(v: J) -> J {
    match v {
        J::Obj(o) if o.len() == 1 && o[0].0 == "$date" => match &o[0].1 {
            J::Num(n) => J::Date(n.parse().unwrap_or(0)),
            _ => J::Obj(o),
        },
        J::Obj(o) => J::Obj(o.into_iter().map(|(k, v)| (k, undate(v))).collect()),
        J::Arr(a) => J::Arr(a.into_iter().map(undate).collect()),
        v => v,
    }
}

// ----------------------------------------------------------------- collections

fn coll_path(db: &str, coll: &str) -> String {
    format!("{DBPATH}/{db}.{coll}.dockling")
}

fn load(ctx: &Ctx, db: &str, coll: &str) -> Option<Vec<J>> {
    read(ctx, &coll_path(db, coll)).map(|t| t.lines().filter(|l| !l.starts_with('#')).filter_map(parse_doc).collect())
}

fn save(ctx: &mut Ctx, db: &str, coll: &str, docs: &[J]) {
    let mut s = String::from("# Dockling's simulated MongoDB collection: one document per line\n");
    for d in docs {
        s.push_str(&compact(d));
        s.push('\n');
    }
    put(ctx, &coll_path(db, coll), &s, 999);
}

/// (database, collection) pairs that exist.
fn collections(ctx: &Ctx) -> Vec<(String, String)> {
    let mut v = Vec::new();
    if let Ok(list) = ctx.fs.list(DBPATH) {
        for name in list.keys() {
            if let Some(stem) = name.strip_suffix(".dockling") {
                if let Some((d, c)) = stem.split_once('.') {
                    v.push((d.to_string(), c.to_string()));
                }
            }
        }
    }
    v
}

fn field<'a>(doc: &'a J, path: &str) -> Option<&'a J> {
    let mut cur = doc;
    for part in path.split('.') {
        let J::Obj(o) = cur else { return None };
        cur = &o.iter().find(|(k, _)| k == part)?.1;
    }
    Some(cur)
}

fn num_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let split = |s: &str| -> (bool, String, String) {
        let (neg, s) = s.strip_prefix('-').map(|x| (true, x)).unwrap_or((false, s));
        let (i, f) = s.split_once('.').unwrap_or((s, ""));
        (neg, i.to_string(), f.to_string())
    };
    let (na, ia, fa) = split(a);
    let (nb, ib, fb) = split(b);
    let mag = ia.len().cmp(&ib.len()).then_with(|| ia.cmp(&ib)).then_with(|| {
        let w = fa.len().max(fb.len());
        format!("{fa:0<w$}").cmp(&format!("{fb:0<w$}"))
    });
    match (na, nb) {
        (false, false) => mag,
        (true, true) => mag.reverse(),
        (true, false) => std::cmp::Ordering::Less,
        (false, true) => std::cmp::Ordering::Greater,
    }
}

fn cmp(a: &J, b: &J) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (J::Num(x), J::Num(y)) => Some(num_cmp(x, y)),
        (J::Str(x), J::Str(y)) | (J::Oid(x), J::Oid(y)) => Some(x.cmp(y)),
        (J::Date(x), J::Date(y)) => Some(x.cmp(y)),
        (J::Bool(x), J::Bool(y)) => Some(x.cmp(y)),
        (J::Null, J::Null) => Some(std::cmp::Ordering::Equal),
        _ => None,
    }
}

/// Whether a document matches a query filter (equality and `$eq $ne $gt $gte $lt $lte $in $nin`).
fn matches(doc: &J, filter: &J) -> Result<bool, String> {
    let J::Obj(f) = filter else { return Ok(true) };
    for (k, cond) in f {
        if k.starts_with('$') {
            return Err(format!("dockling: mongosh: the query operator {k} is not simulated"));
        }
        let v = field(doc, k);
        let ok = match cond {
            J::Obj(ops) if ops.first().is_some_and(|(o, _)| o.starts_with('$')) => {
                let mut all = true;
                for (op, arg) in ops {
                    let r = match op.as_str() {
                        "$eq" => v == Some(arg) || (v.is_none() && *arg == J::Null),
                        "$ne" => !(v == Some(arg) || (v.is_none() && *arg == J::Null)),
                        "$gt" | "$gte" | "$lt" | "$lte" => match v.and_then(|v| cmp(v, arg)) {
                            None => false,
                            Some(o) => match op.as_str() {
                                "$gt" => o.is_gt(),
                                "$gte" => o.is_ge(),
                                "$lt" => o.is_lt(),
                                _ => o.is_le(),
                            },
                        },
                        "$in" | "$nin" => {
                            let J::Arr(list) = arg else { return Err(format!("MongoServerError: {op} needs an array")) };
                            let hit = list.iter().any(|x| v == Some(x) || matches!(v, Some(J::Arr(a)) if a.contains(x)));
                            if op == "$in" { hit } else { !hit }
                        }
                        "$exists" => v.is_some() == (*arg != J::Bool(false)),
                        o => return Err(format!("dockling: mongosh: the query operator {o} is not simulated")),
                    };
                    all &= r;
                }
                all
            }
            c => v == Some(c) || matches!(v, Some(J::Arr(a)) if a.contains(c)) || (v.is_none() && *c == J::Null),
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

fn apply_update(doc: &mut J, update: &J) -> Result<bool, String> {
    let J::Obj(ops) = update else { return Err("MongoInvalidArgumentError: Update document requires atomic operators".into()) };
    if ops.is_empty() || !ops.iter().all(|(k, _)| k.starts_with('$')) {
        return Err("MongoInvalidArgumentError: Update document requires atomic operators".into());
    }
    let J::Obj(d) = doc else { return Ok(false) };
    let before = d.clone();
    for (op, arg) in ops {
        let J::Obj(fields) = arg else { return Err(format!("MongoServerError: Modifiers operate on fields but we found type {} instead.", "string")) };
        for (k, v) in fields {
            if k.contains('.') {
                return Err("dockling: mongosh: updating nested fields is not simulated".into());
            }
            match op.as_str() {
                "$set" => match d.iter_mut().find(|(x, _)| x == k) {
                    Some(p) => p.1 = v.clone(),
                    None => d.push((k.clone(), v.clone())),
                },
                "$unset" => d.retain(|(x, _)| x != k),
                "$inc" => {
                    let J::Num(by) = v else { return Err("MongoServerError: Cannot increment with non-numeric argument".into()) };
                    let by: i64 = by.parse().map_err(|_| "dockling: mongosh: $inc by a non-integer is not simulated".to_string())?;
                    match d.iter_mut().find(|(x, _)| x == k) {
                        Some((_, J::Num(n))) => {
                            let cur: i64 = n.parse().map_err(|_| "dockling: mongosh: $inc of a non-integer is not simulated".to_string())?;
                            *n = cur.saturating_add(by).to_string();
                        }
                        Some(_) => return Err(format!("MongoServerError: Cannot apply $inc to a value of non-numeric type. {{_id: ...}} has the field '{k}' of non-numeric type string")),
                        None => d.push((k.clone(), J::Num(by.to_string()))),
                    }
                }
                o => return Err(format!("dockling: mongosh: the update operator {o} is not simulated")),
            }
        }
    }
    Ok(*d != before)
}

// ----------------------------------------------------------------- mongosh

#[derive(Clone, Debug)]
pub struct Mongosh {
    db: String,
    eval: Option<String>,
    quiet: bool,
    early: Option<(String, String, i32)>,
    started: bool,
    prompted: bool,
    buf: String,
    counter: u32,
    /// Documents of the last `find()` not shown yet (`it`).
    pending: Vec<J>,
}

impl Mongosh {
    pub fn start(argv: &[String], ctx: &mut Ctx) -> Mongosh {
        let mut m = Mongosh { db: "test".into(), eval: None, quiet: false, early: None, started: false, prompted: false, buf: String::new(), counter: 0, pending: Vec::new() };
        let args: Vec<&str> = argv.iter().skip(1).map(String::as_str).collect();
        let mut i = 0;
        while i < args.len() {
            let a = args[i];
            i += 1;
            match a {
                "--eval" => {
                    m.eval = args.get(i).map(|s| s.to_string());
                    i += 1;
                }
                "--quiet" => m.quiet = true,
                "--version" => {
                    m.early = Some((format!("{MONGOSH}\n"), String::new(), 0));
                    return m;
                }
                "--host" | "-u" | "-p" | "--username" | "--password" | "--authenticationDatabase" | "--port" => {
                    let v = args.get(i).copied().unwrap_or("");
                    i += 1;
                    if (a == "--host" && !matches!(v, "localhost" | "127.0.0.1")) || (a == "--port" && v != "27017") {
                        m.early = Some((String::new(), "dockling: mongosh to another server is not simulated; use docker exec -it <container> mongosh\n".into(), 1));
                        return m;
                    }
                }
                a if a.starts_with("mongodb://") => {
                    let rest = &a[10..];
                    let host = rest.rsplit('@').next().unwrap_or(rest).split(['/', '?']).next().unwrap_or("");
                    if !matches!(host, "localhost" | "127.0.0.1" | "localhost:27017" | "127.0.0.1:27017") {
                        m.early = Some((String::new(), "dockling: mongosh to another server is not simulated; use docker exec -it <container> mongosh\n".into(), 1));
                        return m;
                    }
                    if let Some(db) = rest.split_once('/').map(|x| x.1.split('?').next().unwrap_or("")).filter(|d| !d.is_empty()) {
                        m.db = db.to_string();
                    }
                }
                a if a.starts_with('-') => {
                    m.early = Some((String::new(), format!("dockling: the mongosh option {a} is not simulated\n"), 1));
                    return m;
                }
                a => m.db = a.to_string(),
            }
        }
        let _ = ctx;
        m
    }

    fn oid(&mut self, ctx: &Ctx) -> String {
        self.counter += 1;
        let rnd = ctx.seed ^ 0x5bd1_e995_0000_0000;
        format!("{:08x}{:010x}{:06x}", ctx.now.as_secs() as u32, rnd & 0xff_ffff_ffff, (self.counter + (ctx.seed as u32 & 0xffff)) & 0xff_ffff)
    }

    fn banner(&mut self, ctx: &mut Ctx, version: &str) -> String {
        let id = self.oid(ctx);
        let mut s = format!("Current Mongosh Log ID:\t{id}\nConnecting to:\t\tmongodb://127.0.0.1:27017/?directConnection=true&serverSelectionTimeoutMS=2000&appName=mongosh+{MONGOSH}\n");
        s.push_str(&format!("Using MongoDB:\t\t{version}\nUsing Mongosh:\t\t{MONGOSH}\n\nFor mongosh info see: https://www.mongodb.com/docs/mongodb-shell/\n\n"));
        let home = "/data/db/.mongodb";
        if read(ctx, &format!("{home}/mongosh/config")).is_none() {
            s.push_str("\nTo help improve our products, anonymous usage data is collected and sent to MongoDB periodically (https://www.mongodb.com/legal/privacy-policy).\nYou can opt-out by running the disableTelemetry() command.\n\n");
            put(ctx, &format!("{home}/mongosh/config"), "{\"enableTelemetry\":true}\n", 999);
        }
        let t = log_date(ctx.now);
        s.push_str(&format!("------\n   The server generated these startup warnings when booting\n   {t}: Using the XFS filesystem is strongly recommended with the WiredTiger storage engine. See http://dochub.mongodb.org/core/prodnotes-filesystem\n   {t}: Access control is not enabled for the database. Read and write access to data and configuration is unrestricted\n------\n\n"));
        s
    }

    /// Evaluates one input; `Ok(None)`: no output. `Err(PErr::More)`: the input continues.
    fn eval(&mut self, ctx: &mut Ctx, src: &str) -> Result<Option<String>, PErr> {
        let t = src.trim().trim_end_matches(';').trim();
        if t.is_empty() {
            return Ok(None);
        }
        let words: Vec<&str> = t.split_whitespace().collect();
        match words.as_slice() {
            ["show", "dbs" | "databases"] => {
                let mut dbs: Vec<(String, usize)> = vec![("admin".into(), 40), ("config".into(), 12), ("local".into(), 40)];
                for (d, _) in collections(ctx) {
                    match dbs.iter_mut().find(|(n, _)| *n == d) {
                        Some(e) => e.1 += 32,
                        None => dbs.push((d, 40)),
                    }
                }
                crate::text::sort_by(&mut dbs, &|a, b| a.0.cmp(&b.0));
                let w = dbs.iter().map(|d| d.0.chars().count()).max().unwrap_or(0);
                let vw = dbs.iter().map(|d| format!("{}.00 KiB", d.1).len()).max().unwrap_or(0);
                return Ok(Some(dbs.iter().map(|(n, k)| format!("{n:<w$}  {:>vw$}", format!("{k}.00 KiB"))).collect::<Vec<_>>().join("\n")));
            }
            ["show", "collections" | "tables"] => {
                let mut c: Vec<String> = collections(ctx).into_iter().filter(|(d, _)| *d == self.db).map(|(_, c)| c).collect();
                crate::text::sort(&mut c);
                return Ok(if c.is_empty() { None } else { Some(c.join("\n")) });
            }
            ["use", db] => {
                if *db == self.db {
                    return Ok(Some(format!("already on db {db}")));
                }
                self.db = db.to_string();
                return Ok(Some(format!("switched to db {db}")));
            }
            ["show", what] => return Err(PErr::Msg(format!("dockling: mongosh: show {what} is not simulated"))),
            ["db"] => return Ok(Some(self.db.clone())),
            ["it"] => {
                if self.pending.is_empty() {
                    return Ok(Some("no cursor".into()));
                }
                let docs = std::mem::take(&mut self.pending);
                return Ok(Some(self.cursor(docs)));
            }
            _ => {}
        }
        if !t.starts_with("db.") && !t.starts_with("db[") {
            let first: String = t.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            const BUILTIN: [&str; 12] = ["print", "printjson", "load", "sleep", "Date", "ISODate", "ObjectId", "help", "version", "cls", "disableTelemetry", "enableTelemetry"];
            if !first.is_empty() && !BUILTIN.contains(&first.as_str()) && !matches!(first.as_str(), "var" | "let" | "const" | "function" | "for" | "if" | "while") && t[first.len()..].trim_start().starts_with('(') {
                return Err(PErr::Msg(format!("ReferenceError: {first} is not defined")));
            }
            return Err(PErr::Msg(format!("dockling: mongosh: `{t}` is not simulated")));
        }
        // db.<coll>.<method>(args)[.<method>(args)]…
        let chars: Vec<char> = t.chars().collect();
        let mut p = Js { c: &chars, i: 3, depth: 0 };
        let coll = if t.starts_with("db.getCollection(") {
            p.i = 17;
            let q = p.peek().unwrap_or('\'');
            let c = p.string(q)?;
            p.expect(')')?;
            p.expect('.')?;
            Some(c)
        } else {
            let name = p.ident().unwrap_or_default();
            if p.peek() == Some('(') {
                // db.method(...)
                p.i += 1;
                let _ = p.eat(')');
                return match name.as_str() {
                    "dropDatabase" => {
                        for (d, c) in collections(ctx) {
                            if d == self.db {
                                let _ = ctx.fs.remove(&coll_path(&d, &c), false);
                            }
                        }
                        Ok(Some(inspect(&J::Obj(vec![("ok".into(), J::Num("1".into())), ("dropped".into(), J::Str(self.db.clone()))]))))
                    }
                    "getName" => Ok(Some(self.db.clone())),
                    "getCollectionNames" => {
                        let mut c: Vec<J> = collections(ctx).into_iter().filter(|(d, _)| *d == self.db).map(|(_, c)| J::Str(c)).collect();
                        crate::text::sort_by(&mut c, &|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
                        Ok(Some(inspect(&J::Arr(c))))
                    }
                    _ => Err(PErr::Msg(format!("dockling: mongosh: db.{name}() is not simulated"))),
                };
            }
            p.expect('.')?;
            Some(name)
        };
        let coll = coll.unwrap_or_default();
        let mut calls: Vec<(String, Vec<J>)> = Vec::new();
        loop {
            let Some(m) = p.ident() else {
                if p.peek().is_none() && !calls.is_empty() {
                    break;
                }
                if p.peek().is_none() {
                    return Ok(Some(format!("{}.{coll}", self.db)));
                }
                return Err(PErr::Msg("SyntaxError: Unexpected token".into()));
            };
            if p.peek().is_none() {
                if calls.is_empty() {
                    return Err(PErr::Msg(format!("dockling: mongosh: `{t}` is not simulated")));
                }
                return Err(PErr::Msg(format!("dockling: mongosh: `{t}` is not simulated")));
            }
            p.expect('(')?;
            let mut args = Vec::new();
            if !p.eat(')') {
                loop {
                    let mut counter = self.counter;
                    let base = self.oid(ctx);
                    let mut gen = || {
                        counter += 1;
                        format!("{}{:06x}", &base[..18], counter & 0xff_ffff)
                    };
                    args.push(p.value(ctx.now, &mut gen)?);
                    self.counter = counter;
                    if !p.eat(',') {
                        p.expect(')')?;
                        break;
                    }
                }
            }
            calls.push((m, args));
            if p.peek().is_none() {
                break;
            }
            p.expect('.')?;
        }
        self.collection(ctx, &coll, calls).map_err(PErr::Msg)
    }

    fn cursor(&mut self, mut docs: Vec<J>) -> String {
        if docs.len() > 20 {
            self.pending = docs.split_off(20);
            return format!("{}\nType \"it\" for more", inspect(&J::Arr(docs)));
        }
        inspect(&J::Arr(docs))
    }

    fn collection(&mut self, ctx: &mut Ctx, coll: &str, calls: Vec<(String, Vec<J>)>) -> Result<Option<String>, String> {
        let db = self.db.clone();
        let docs = load(ctx, &db, coll);
        let exists = docs.is_some();
        let (method, args) = calls[0].clone();
        let arg = |i: usize| args.get(i).cloned().unwrap_or(J::Obj(Vec::new()));
        let num = |n: usize| J::Num(n.to_string());
        let obj = |v: Vec<(&str, J)>| J::Obj(v.into_iter().map(|(k, v)| (k.to_string(), v)).collect());
        let with_id = |d: J, me: &mut Self, ctx: &Ctx| -> Result<J, String> {
            let J::Obj(mut o) = d else { return Err("MongoInvalidArgumentError: Argument \"doc\" must be an object".into()) };
            if !o.iter().any(|(k, _)| k == "_id") {
                o.insert(0, ("_id".into(), J::Oid(me.oid(ctx))));
            }
            Ok(J::Obj(o))
        };
        let chain_unsupported = |calls: &[(String, Vec<J>)], allowed: &[&str]| calls.iter().skip(1).find(|(m, _)| !allowed.contains(&m.as_str())).map(|(m, _)| format!("dockling: mongosh: the cursor method .{m}() is not simulated"));
        match method.as_str() {
            "insertOne" | "insertMany" => {
                let list = if method == "insertOne" {
                    vec![with_id(arg(0), self, ctx)?]
                } else {
                    let J::Arr(a) = arg(0) else { return Err("MongoInvalidArgumentError: Argument \"docs\" must be an array of documents".into()) };
                    if a.is_empty() {
                        return Err("MongoInvalidArgumentError: Invalid BulkOperation, Batch cannot be empty".into());
                    }
                    let mut v = Vec::new();
                    for d in a {
                        v.push(with_id(d, self, ctx)?);
                    }
                    v
                };
                let mut all = docs.unwrap_or_default();
                for d in &list {
                    let id = field(d, "_id").cloned();
                    if let Some(dup) = all.iter().find(|x| field(x, "_id") == id.as_ref()) {
                        let _ = dup;
                        let shown = id.map(|i| inspect(&i)).unwrap_or_default();
                        return Err(format!("MongoServerError: E11000 duplicate key error collection: {db}.{coll} index: _id_ dup key: {{ _id: {shown} }}"));
                    }
                    all.push(d.clone());
                }
                save(ctx, &db, coll, &all);
                let ids: Vec<J> = list.iter().map(|d| field(d, "_id").cloned().unwrap_or(J::Null)).collect();
                let r = if method == "insertOne" {
                    obj(vec![("acknowledged", J::Bool(true)), ("insertedId", ids[0].clone())])
                } else {
                    obj(vec![("acknowledged", J::Bool(true)), ("insertedIds", J::Obj(ids.into_iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect()))])
                };
                Ok(Some(inspect(&r)))
            }
            "find" | "findOne" | "countDocuments" | "estimatedDocumentCount" | "count" => {
                if let Some(e) = chain_unsupported(&calls, &["limit", "sort", "skip", "count", "toArray", "pretty"]) {
                    return Err(e);
                }
                let filter = arg(0);
                let mut hits = Vec::new();
                for d in docs.unwrap_or_default() {
                    if method == "estimatedDocumentCount" || matches(&d, &filter)? {
                        hits.push(d);
                    }
                }
                if matches!(method.as_str(), "countDocuments" | "estimatedDocumentCount" | "count") {
                    return Ok(Some(hits.len().to_string()));
                }
                if let Some(J::Obj(proj)) = args.get(1) {
                    let include: Vec<&String> = proj.iter().filter(|(_, v)| matches!(v, J::Num(n) if n != "0") || *v == J::Bool(true)).map(|(k, _)| k).collect();
                    let drop_id = proj.iter().any(|(k, v)| k == "_id" && (*v == J::Num("0".into()) || *v == J::Bool(false)));
                    let exclude: Vec<&String> = proj.iter().filter(|(k, v)| *k != "_id" && (*v == J::Num("0".into()) || *v == J::Bool(false))).map(|(k, _)| k).collect();
                    for d in hits.iter_mut() {
                        if let J::Obj(o) = d {
                            o.retain(|(k, _)| if include.iter().any(|i| *i != "_id") { include.contains(&k) || (k == "_id" && !drop_id) } else { !(exclude.contains(&k) || k == "_id" && drop_id) });
                        }
                    }
                }
                for (m, a) in calls.iter().skip(1) {
                    match m.as_str() {
                        "sort" => {
                            let Some(J::Obj(keys)) = a.first() else { continue };
                            let keys = keys.clone();
                            crate::text::sort_by(&mut hits, &|x, y| {
                                for (k, dir) in &keys {
                                    let o = match (field(x, k), field(y, k)) {
                                        (Some(p), Some(q)) => cmp(p, q).unwrap_or(std::cmp::Ordering::Equal),
                                        (None, Some(_)) => std::cmp::Ordering::Less,
                                        (Some(_), None) => std::cmp::Ordering::Greater,
                                        (None, None) => std::cmp::Ordering::Equal,
                                    };
                                    let o = if matches!(dir, J::Num(n) if n.starts_with('-')) { o.reverse() } else { o };
                                    if o.is_ne() {
                                        return o;
                                    }
                                }
                                std::cmp::Ordering::Equal
                            });
                        }
                        "limit" | "skip" => {
                            let n = match a.first() {
                                Some(J::Num(n)) => n.parse::<usize>().unwrap_or(0),
                                _ => 0,
                            };
                            if m == "skip" {
                                hits = hits.into_iter().skip(n).collect();
                            } else if n > 0 {
                                hits.truncate(n);
                            }
                        }
                        "count" => return Ok(Some(hits.len().to_string())),
                        _ => {}
                    }
                }
                if method == "findOne" {
                    return Ok(Some(hits.first().map(inspect).unwrap_or_else(|| "null".into())));
                }
                if calls.iter().any(|(m, _)| m == "toArray") {
                    return Ok(Some(inspect(&J::Arr(hits))));
                }
                if hits.is_empty() {
                    return Ok(None);
                }
                Ok(Some(self.cursor(hits)))
            }
            "updateOne" | "updateMany" | "deleteOne" | "deleteMany" => {
                let mut all = docs.unwrap_or_default();
                let filter = arg(0);
                let many = method.ends_with("Many");
                let (mut matched, mut modified) = (0usize, 0usize);
                if method.starts_with("delete") {
                    let mut keep = Vec::new();
                    for d in all {
                        if (many || matched == 0) && matches(&d, &filter)? {
                            matched += 1;
                        } else {
                            keep.push(d);
                        }
                    }
                    if exists {
                        save(ctx, &db, coll, &keep);
                    }
                    return Ok(Some(inspect(&obj(vec![("acknowledged", J::Bool(true)), ("deletedCount", num(matched))]))));
                }
                let update = args.get(1).cloned().unwrap_or(J::Null);
                for d in all.iter_mut() {
                    if (many || matched == 0) && matches(d, &filter)? {
                        matched += 1;
                        if apply_update(d, &update)? {
                            modified += 1;
                        }
                    }
                }
                if exists {
                    save(ctx, &db, coll, &all);
                }
                Ok(Some(inspect(&obj(vec![("acknowledged", J::Bool(true)), ("insertedId", J::Null), ("matchedCount", num(matched)), ("modifiedCount", num(modified)), ("upsertedCount", num(0))]))))
            }
            "drop" => {
                let _ = ctx.fs.remove(&coll_path(&db, coll), false);
                Ok(Some(exists.to_string()))
            }
            m if KNOWN_METHODS.contains(&m) => Err(format!("dockling: mongosh: {m}() is not simulated")),
            m => Err(format!("TypeError: db.{coll}.{m} is not a function")),
        }
    }
}

const KNOWN_METHODS: [&str; 16] = [
    "aggregate", "createIndex", "distinct", "findOneAndUpdate", "findOneAndDelete", "findOneAndReplace", "replaceOne", "bulkWrite", "getIndexes", "dropIndex", "renameCollection", "stats", "watch", "insert", "update", "remove",
];

impl Program for Mongosh {
    fn step(&mut self, ctx: &mut Ctx) -> Status {
        if let Some((o, e, c)) = self.early.take() {
            return Oneshot { out: o, err: e, code: c }.step(ctx);
        }
        if !self.started {
            self.started = true;
            let Some(version) = read(ctx, SOCKET).map(|v| v.trim().to_string()) else {
                let id = self.oid(ctx);
                if !self.quiet {
                    ctx.out.out(&format!("Current Mongosh Log ID:\t{id}\nConnecting to:\t\tmongodb://127.0.0.1:27017/?directConnection=true&serverSelectionTimeoutMS=2000&appName=mongosh+{MONGOSH}\n"));
                }
                ctx.out.err("MongoNetworkError: connect ECONNREFUSED 127.0.0.1:27017\n");
                return Status::Exited(1);
            };
            if !self.quiet {
                let b = self.banner(ctx, &version);
                ctx.out.out(&b);
            }
            if let Some(e) = self.eval.clone() {
                return match self.eval(ctx, &e) {
                    Ok(Some(s)) => {
                        ctx.out.out(&format!("{s}\n"));
                        Status::Exited(0)
                    }
                    Ok(None) => Status::Exited(0),
                    Err(PErr::More) => {
                        ctx.out.err("SyntaxError: Unexpected token (1:0)\n");
                        Status::Exited(1)
                    }
                    Err(PErr::Msg(m)) => {
                        ctx.out.err(&format!("{m}\n"));
                        Status::Exited(1)
                    }
                };
            }
        }
        for _ in 0..10_000 {
            if ctx.tty && !self.prompted {
                let p = if self.buf.is_empty() { format!("{}> ", self.db) } else { "... ".to_string() };
                ctx.out.out(&p);
                self.prompted = true;
            }
            let Some(line) = ctx.read_typed_line() else {
                if ctx.stdin.at_eof() {
                    return Status::Exited(0);
                }
                return Status::Waiting(Wait { until: None, stdin: true });
            };
            self.prompted = false;
            let t = line.trim();
            if self.buf.is_empty() && matches!(t, "exit" | "quit" | "exit()" | "quit()" | ".exit") {
                return Status::Exited(0);
            }
            let text = if self.buf.is_empty() { line.clone() } else { format!("{}\n{line}", self.buf) };
            match self.eval(ctx, &text) {
                Ok(Some(s)) => {
                    self.buf.clear();
                    ctx.out.out(&format!("{s}\n"));
                }
                Ok(None) => self.buf.clear(),
                Err(PErr::More) if text.len() < 100_000 => self.buf = text,
                Err(PErr::More) => {
                    self.buf.clear();
                    ctx.out.err("dockling: mongosh: inputs longer than 100000 characters are not simulated\n");
                }
                Err(PErr::Msg(m)) => {
                    self.buf.clear();
                    ctx.out.err(&format!("{m}\n"));
                }
            }
        }
        Status::Waiting(Wait { until: Some(ctx.now), stdin: true })
    }

    fn clone_box(&self) -> Box<dyn Program> {
        Box::new(self.clone())
    }
}

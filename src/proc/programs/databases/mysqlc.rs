//! The mysql client (and `mysqladmin ping`) in the mysql image's containers: `-u`, `-p[PASS]`
//! (the command-line password warning, or the `Enter password: ` prompt), `-e`, `-D`/database
//! argument, the `mysql> ` monitor with its banner, `    -> ` continuation prompts, `USE`,
//! `exit`/`quit`/`\q` (`Bye`), `\G`, boxed tables with `N rows in set (0.00 sec)`, `Query OK`,
//! and batch mode (tab-separated, `ERROR … at line N`) when not on a terminal. Texts from MySQL
//! 8.4's client/mysql.cc. It opens the server's data files directly; the server must be running.

use super::lines::{self, Open};
use super::mysql::{MyBuild, SOCKET};
use super::sql::{Engine, Head, Outcome, SqlError};
use super::sqlparse::Dialect;
use super::table;
use super::{prog_name, read, Oneshot};
use crate::proc::program::{Ctx, Disposition, Program, Status, Wait};
use crate::proc::Signal;

pub fn start(argv: &[String], ctx: &mut Ctx) -> Box<dyn Program> {
    let prog = prog_name(argv).to_string();
    match Mysql::parse(argv, ctx) {
        Ok(m) if prog == "mysqladmin" => Box::new(Admin(m)),
        Ok(m) if prog == "mysqlsh" => {
            let _ = m;
            Oneshot::boxed("", "dockling: mysqlsh (MySQL Shell) is not simulated; use mysql\n", 1)
        }
        Ok(m) => Box::new(m),
        Err((out, err, code)) => Oneshot::boxed(&out, &err, code),
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Stage {
    Password,
    Connect,
    Monitor,
}

#[derive(Clone, Debug)]
pub struct Mysql {
    prog: String,
    b: MyBuild,
    user: String,
    password: Option<String>,
    ask_password: bool,
    db: String,
    execute: Option<String>,
    /// Remaining words (mysqladmin's commands).
    words: Vec<String>,
    /// Force the boxed table format (`-t`) / the tab format (`-B`); skip column names (`-N`).
    table: bool,
    batch_flag: bool,
    no_names: bool,
    stage: Stage,
    buf: String,
    open: Open,
    prompted: bool,
    line_no: usize,
    conn_id: u32,
}

fn bad_option(prog: &str, opt: &str) -> (String, String, i32) {
    (String::new(), format!("{prog}: [ERROR] unknown option '{opt}'.\n"), 1)
}

impl Mysql {
    fn parse(argv: &[String], ctx: &mut Ctx) -> Result<Mysql, (String, String, i32)> {
        let prog = prog_name(argv).to_string();
        let mut m = Mysql {
            prog: prog.clone(),
            b: MyBuild::of(ctx),
            user: String::new(),
            password: None,
            ask_password: false,
            db: String::new(),
            execute: None,
            words: Vec::new(),
            table: false,
            batch_flag: false,
            no_names: false,
            stage: Stage::Connect,
            buf: String::new(),
            open: Open::None,
            prompted: false,
            line_no: 0,
            conn_id: 8,
        };
        let mut host: Option<String> = None;
        let args: Vec<&str> = argv.iter().skip(1).map(String::as_str).collect();
        let mut i = 0;
        while i < args.len() {
            let a = args[i];
            i += 1;
            if let Some(long) = a.strip_prefix("--") {
                let (name, val) = match long.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (long, None),
                };
                let need = |i: &mut usize| -> Result<String, (String, String, i32)> {
                    if let Some(v) = val.clone() {
                        return Ok(v);
                    }
                    let v = args.get(*i).map(|s| s.to_string());
                    *i += 1;
                    v.ok_or_else(|| (String::new(), format!("{prog}: option '--{name}' requires an argument.\n"), 1))
                };
                match name {
                    "user" => m.user = need(&mut i)?,
                    "password" => match &val {
                        Some(v) => m.password = Some(v.clone()),
                        None => m.ask_password = true,
                    },
                    "database" => m.db = need(&mut i)?,
                    "execute" => m.execute = Some(need(&mut i)?),
                    "host" => host = Some(need(&mut i)?),
                    "port" | "protocol" | "socket" | "default-character-set" => {
                        need(&mut i)?;
                    }
                    "table" => m.table = true,
                    "batch" | "silent" => m.batch_flag = true,
                    "skip-column-names" => m.no_names = true,
                    "version" => return Err((format!("{prog}  Ver {} for Linux on x86_64 (MySQL Community Server - GPL)\n", m.b.version), String::new(), 0)),
                    "help" => return Err((String::new(), format!("dockling: {prog} --help is not simulated\n"), 0)),
                    "force" | "comments" | "no-auto-rehash" | "skip-ssl" | "ssl-mode" => {}
                    _ => return Err(bad_option(&prog, a)),
                }
                continue;
            }
            if a.len() > 1 && a.starts_with('-') {
                let chars: Vec<char> = a[1..].chars().collect();
                let mut k = 0;
                while k < chars.len() {
                    let f = chars[k];
                    k += 1;
                    let rest: String = chars[k..].iter().collect();
                    let take = |k: &mut usize, i: &mut usize| -> Result<String, (String, String, i32)> {
                        if !rest.is_empty() {
                            *k = chars.len();
                            return Ok(rest.clone());
                        }
                        let v = args.get(*i).map(|s| s.to_string());
                        *i += 1;
                        v.ok_or_else(|| (String::new(), format!("{prog}: option '-{f}' requires an argument.\n"), 1))
                    };
                    match f {
                        'u' => m.user = take(&mut k, &mut i)?,
                        'h' => host = Some(take(&mut k, &mut i)?),
                        'D' => m.db = take(&mut k, &mut i)?,
                        'e' => m.execute = Some(take(&mut k, &mut i)?),
                        'P' | 'S' => {
                            take(&mut k, &mut i)?;
                        }
                        'p' => {
                            // `-pPASS` only: a separate word is the database name.
                            if rest.is_empty() {
                                m.ask_password = true;
                            } else {
                                m.password = Some(rest.clone());
                            }
                            k = chars.len();
                        }
                        't' => m.table = true,
                        'B' | 's' => m.batch_flag = true,
                        'N' => m.no_names = true,
                        'A' | 'f' | 'c' | 'n' | 'q' | 'v' => {}
                        'V' => return Err((format!("{prog}  Ver {} for Linux on x86_64 (MySQL Community Server - GPL)\n", m.b.version), String::new(), 0)),
                        '?' | 'I' => return Err((String::new(), format!("dockling: {prog} --help is not simulated\n"), 0)),
                        other => return Err((String::new(), format!("{prog}: [ERROR] unknown option '-{other}'.\n"), 1)),
                    }
                }
                continue;
            }
            m.words.push(a.to_string());
        }
        if prog == "mysql" {
            if let Some(db) = m.words.first() {
                m.db = db.clone();
            }
        }
        if let Some(h) = host.filter(|h| !matches!(h.as_str(), "localhost" | "127.0.0.1" | "::1" | "")) {
            let _ = h;
            return Err((String::new(), format!("dockling: {prog} to another container is not simulated; use docker exec -it <container> {prog}\n"), 1));
        }
        if m.user.is_empty() {
            m.user = ctx.var("USER").map(String::from).unwrap_or_else(|| crate::proc::machine::passwd(ctx.fs).into_iter().find(|u| u.uid == ctx.uid).map(|u| u.name).unwrap_or_else(|| "root".into()));
        }
        if m.password.is_some() {
            ctx.out.err(&format!("{prog}: [Warning] Using a password on the command line interface can be insecure.\n"));
        }
        if m.ask_password {
            m.stage = Stage::Password;
        }
        if let Some(p) = ctx.var("MYSQL_PWD").filter(|_| m.password.is_none() && !m.ask_password) {
            m.password = Some(p.to_string());
        }
        Ok(m)
    }

    /// In batch mode (stdin or stdout not a terminal, or `-e`).
    fn batch(&self, ctx: &Ctx) -> bool {
        !ctx.tty || self.batch_flag || self.execute.is_some()
    }

    /// Tab-separated output (`opt_silent`): not both terminals, or `-B`.
    fn silent(&self, ctx: &Ctx) -> bool {
        (!ctx.tty || self.batch_flag) && !self.table
    }

    /// Connects; `Err` is the client's error line.
    fn connect(&mut self, ctx: &mut Ctx) -> Result<(), String> {
        if !super::exists(ctx, SOCKET) {
            return Err(format!("ERROR 2002 (HY000): Can't connect to local MySQL server through socket '{SOCKET}' (2)"));
        }
        let store = MyBuild::store(ctx.fs, ctx.now);
        let using = if self.password.as_deref().is_some_and(|p| !p.is_empty()) { "YES" } else { "NO" };
        let denied = format!("ERROR 1045 (28000): Access denied for user '{}'@'localhost' (using password: {using})", self.user);
        let Some(role) = store.roles().into_iter().find(|r| r.name == self.user) else { return Err(denied) };
        if role.password != self.password.clone().unwrap_or_default() {
            return Err(denied);
        }
        if !self.db.is_empty() {
            if store.db(&self.db).is_none() {
                return Err(format!("ERROR 1049 (42000): Unknown database '{}'", self.db));
            }
            if !role.superuser && !role.grants.contains(&self.db) {
                return Err(format!("ERROR 1044 (42000): Access denied for user '{}'@'%' to database '{}'", self.user, self.db));
            }
        }
        // The next connection id lives in the socket file.
        self.conn_id = read(ctx, SOCKET).and_then(|s| s.trim().parse().ok()).unwrap_or(8);
        super::put(ctx, SOCKET, &format!("{}\n", self.conn_id + 1), 999);
        Ok(())
    }

    fn prompt(&self) -> String {
        if self.buf.is_empty() && self.open == Open::None {
            return "mysql> ".into();
        }
        match self.open {
            Open::Quote(q) => format!("    {q}> "),
            Open::Comment => "/*> ".into(),
            _ => "    -> ".into(),
        }
    }

    fn error(&self, ctx: &mut Ctx, e: &SqlError) {
        if e.msg.starts_with("dockling:") {
            ctx.out.err(&format!("{}\n", e.msg));
            return;
        }
        if self.batch(ctx) {
            ctx.out.err(&format!("ERROR {} ({}) at line {}: {}\n", e.code, e.state, self.line_no.max(1), e.msg));
        } else {
            ctx.out.out("\u{7}");
            ctx.out.err(&format!("ERROR {} ({}): {}\n", e.code, e.state, e.msg));
        }
    }

    fn allowed(&self, ctx: &mut Ctx, db: &str) -> bool {
        let store = MyBuild::store(ctx.fs, ctx.now);
        store.roles().into_iter().find(|r| r.name == self.user).is_none_or(|r| r.superuser || r.grants.iter().any(|g| g == db) || db == "information_schema" || db == "performance_schema")
    }

    /// Runs one statement; `false` if it failed.
    fn run(&mut self, ctx: &mut Ctx, sql: &str, vertical: bool) -> bool {
        if lines::blank(sql, Dialect::My) {
            if !self.batch(ctx) {
                ctx.out.out("\u{7}");
                ctx.out.err("ERROR: \nNo query specified\n\n");
            }
            return true;
        }
        let mut conn = self.b.conn(&self.user, &self.db);
        let r = {
            let mut store = MyBuild::store(ctx.fs, ctx.now);
            Engine { store: &mut store, conn: &mut conn }.run(sql)
        };
        let r = match r {
            Ok(Outcome::Use(db)) if !self.allowed(ctx, &db) => Err(SqlError { msg: format!("Access denied for user '{}'@'%' to database '{db}'", self.user), pos: None, detail: None, hint: None, code: 1044, state: "42000" }),
            Ok(Outcome::Rows { heads, rows, .. }) if heads.len() == 1 && heads[0].name == "Database" && !self.allowed_all(ctx) => {
                let rows: Vec<_> = rows.into_iter().filter(|r| r[0].as_deref().is_some_and(|d| self.allowed(ctx, d))).collect();
                Ok(Outcome::Rows { heads, rows, tag: String::new() })
            }
            r => r,
        };
        let batch = self.batch(ctx);
        match r {
            Ok(Outcome::Rows { heads, rows, .. }) => {
                if rows.is_empty() {
                    if !batch {
                        ctx.out.out("Empty set (0.00 sec)\n\n");
                    }
                    return true;
                }
                let text = if vertical {
                    vertical_rows(&heads, &rows)
                } else if self.silent(ctx) {
                    let mut t = table::mysql_tabs(&heads, &rows);
                    if self.no_names {
                        t = t.split_once('\n').map(|x| x.1.to_string()).unwrap_or_default();
                    }
                    t
                } else {
                    table::mysql(&heads, &rows)
                };
                ctx.out.out(&text);
                if !batch {
                    let n = rows.len();
                    ctx.out.out(&format!("{n} {} in set (0.00 sec)\n\n", if n == 1 { "row" } else { "rows" }));
                }
                true
            }
            Ok(Outcome::Done { affected, info, notice, tag }) => {
                if !batch {
                    let warn = if notice.is_some() { ", 1 warning" } else { "" };
                    let time = if tag.starts_with("CREATE TABLE") || tag.starts_with("DROP") { "0.02" } else if tag.starts_with("SELECT") || tag.is_empty() && affected == 0 { "0.00" } else { "0.01" };
                    ctx.out.out(&format!("Query OK, {affected} {} affected{warn} ({time} sec)\n", if affected == 1 { "row" } else { "rows" }));
                    if let Some(i) = info {
                        ctx.out.out(&format!("{i}\n"));
                    }
                    ctx.out.out("\n");
                }
                true
            }
            Ok(Outcome::Use(db)) => {
                self.db = db;
                if !batch {
                    ctx.out.out("Database changed\n");
                }
                true
            }
            Err(e) => {
                self.error(ctx, &e);
                false
            }
        }
    }

    fn allowed_all(&self, ctx: &mut Ctx) -> bool {
        let store = MyBuild::store(ctx.fs, ctx.now);
        store.roles().into_iter().find(|r| r.name == self.user).is_none_or(|r| r.superuser)
    }

    /// Handles one line; `Some(code)` when the client exits.
    fn feed(&mut self, ctx: &mut Ctx, line: &str) -> Option<i32> {
        self.line_no += 1;
        let batch = self.batch(ctx);
        if self.buf.is_empty() && self.open == Open::None {
            let t = line.trim();
            let first = t.split_whitespace().next().unwrap_or("").trim_end_matches(';').to_ascii_lowercase();
            match first.as_str() {
                "exit" | "quit" | "\\q" => {
                    if !batch {
                        ctx.out.out("Bye\n");
                    }
                    return Some(0);
                }
                "use" | "\\u" => {
                    let db = t.split_whitespace().nth(1).unwrap_or("").trim_end_matches(';').trim_matches('`').to_string();
                    if db.is_empty() {
                        ctx.out.out("\u{7}");
                        ctx.out.err("ERROR: \nUSE must be followed by a database name\n");
                        return None;
                    }
                    let ok = self.run(ctx, &format!("USE `{db}`"), false);
                    return if !ok && batch { Some(1) } else { None };
                }
                "\\c" | "clear" => return None,
                "help" | "\\h" | "?" | "\\?" | "status" | "\\s" | "source" | "\\." | "delimiter" | "\\d" | "tee" | "\\t" | "pager" | "\\p" | "system" | "\\!" | "prompt" | "\\r" | "connect" | "rehash" | "warnings" | "\\w" => {
                    ctx.out.err(&format!("dockling: the mysql client's {first} command is not simulated\n"));
                    return None;
                }
                _ => {}
            }
        }
        // `\G` ends a statement with vertical output; `\g` like `;`.
        let mut text = if self.buf.is_empty() && self.open == Open::None { line.to_string() } else { format!("{}\n{line}", self.buf) };
        for _ in 0..1000 {
            let (stmts, rest, open) = lines::split(&text, Dialect::My);
            // Find a \G or \g outside quotes in what is left.
            let (rest, vertical_stmt) = match find_go(&rest) {
                Some((before, after, vertical)) => (after, Some((before, vertical))),
                None => (rest, None),
            };
            for s in stmts {
                if !self.run(ctx, &s, false) && batch {
                    return Some(1);
                }
            }
            match vertical_stmt {
                Some((s, v)) => {
                    if !self.run(ctx, &s, v) && batch {
                        return Some(1);
                    }
                    text = rest;
                    if text.trim().is_empty() {
                        self.buf.clear();
                        self.open = Open::None;
                        return None;
                    }
                }
                None => {
                    self.buf = rest;
                    self.open = open;
                    return None;
                }
            }
        }
        None
    }
}

/// `stmt \G rest` or `stmt \g rest` (outside quotes): (stmt, rest, vertical).
fn find_go(text: &str) -> Option<(String, String, bool)> {
    let c: Vec<char> = text.chars().collect();
    let mut q: Option<char> = None;
    let mut i = 0;
    while i + 1 < c.len() {
        match q {
            Some(x) if c[i] == '\\' => {
                let _ = x;
                i += 1;
            }
            Some(x) if c[i] == x => q = None,
            Some(_) => {}
            None if matches!(c[i], '\'' | '"' | '`') => q = Some(c[i]),
            None if c[i] == '\\' && (c[i + 1] == 'G' || c[i + 1] == 'g') => {
                return Some((c[..i].iter().collect::<String>().trim().to_string(), c[i + 2..].iter().collect(), c[i + 1] == 'G'));
            }
            None => {}
        }
        i += 1;
    }
    None
}

/// `\G` output: one block per row.
fn vertical_rows(heads: &[Head], rows: &[Vec<Option<String>>]) -> String {
    let w = heads.iter().map(|h| h.name.chars().count()).max().unwrap_or(0);
    let mut s = String::new();
    for (n, r) in rows.iter().enumerate() {
        s.push_str(&format!("*************************** {}. row ***************************\n", n + 1));
        for (h, v) in heads.iter().zip(r) {
            s.push_str(&format!("{:>w$}: {}\n", h.name, v.as_deref().unwrap_or("NULL")));
        }
    }
    s
}

impl Program for Mysql {
    fn step(&mut self, ctx: &mut Ctx) -> Status {
        if self.stage == Stage::Password {
            if !self.prompted {
                ctx.out.out("Enter password: ");
                self.prompted = true;
            }
            match ctx.stdin.read_line() {
                Some(p) => {
                    ctx.out.out("\n");
                    self.password = Some(p);
                    self.prompted = false;
                    self.stage = Stage::Connect;
                }
                None if ctx.stdin.at_eof() => {
                    ctx.out.out("\n");
                    self.password = Some(String::new());
                    self.stage = Stage::Connect;
                }
                None => return Status::Waiting(Wait { until: None, stdin: true }),
            }
        }
        if self.stage == Stage::Connect {
            if let Err(e) = self.connect(ctx) {
                ctx.out.err(&format!("{e}\n"));
                return Status::Exited(1);
            }
            self.stage = Stage::Monitor;
            if let Some(e) = self.execute.clone() {
                self.line_no = 1;
                let (mut stmts, rest, _) = lines::split(&e, Dialect::My);
                if !rest.trim().is_empty() {
                    stmts.push(rest);
                }
                for s in stmts {
                    if let Some((before, _, vertical)) = find_go(&s) {
                        if !self.run(ctx, &before, vertical) {
                            return Status::Exited(1);
                        }
                    } else if !self.run(ctx, &s, false) {
                        return Status::Exited(1);
                    }
                }
                return Status::Exited(0);
            }
            if !self.batch(ctx) {
                let v = self.b.version.clone();
                let year = if v.starts_with("8.0.4") || v.starts_with("8.4") || v.starts_with('9') { "2025" } else { "2024" };
                ctx.out.out(&format!("Welcome to the MySQL monitor.  Commands end with ; or \\g.\nYour MySQL connection id is {}\nServer version: {v} MySQL Community Server - GPL\n\nCopyright (c) 2000, {year}, Oracle and/or its affiliates.\n\nOracle is a registered trademark of Oracle Corporation and/or its\naffiliates. Other names may be trademarks of their respective\nowners.\n\nType 'help;' or '\\h' for help. Type '\\c' to clear the current input statement.\n\n", self.conn_id));
            }
        }
        for _ in 0..10_000 {
            if ctx.tty && !self.batch(ctx) && !self.prompted {
                let p = self.prompt();
                ctx.out.out(&p);
                self.prompted = true;
            }
            match ctx.read_typed_line() {
                Some(line) => {
                    self.prompted = false;
                    if let Some(code) = self.feed(ctx, &line) {
                        return Status::Exited(code);
                    }
                }
                None if ctx.stdin.at_eof() => {
                    let batch = self.batch(ctx);
                    if batch && !self.buf.trim().is_empty() {
                        let s = std::mem::take(&mut self.buf);
                        if !self.run(ctx, &s, false) {
                            return Status::Exited(1);
                        }
                    }
                    if !batch {
                        ctx.out.out("Bye\n");
                    }
                    return Status::Exited(0);
                }
                None => return Status::Waiting(Wait { until: None, stdin: true }),
            }
        }
        Status::Waiting(Wait { until: Some(ctx.now), stdin: true })
    }

    fn signal(&mut self, sig: Signal, ctx: &mut Ctx) -> Disposition {
        // Ctrl+C clears the current statement (like \c) and prompts again.
        if sig == Signal::Int && self.stage == Stage::Monitor && ctx.tty {
            self.buf.clear();
            self.open = Open::None;
            ctx.out.out("\n");
            self.prompted = false;
            return Disposition::Handled;
        }
        Disposition::Default
    }

    fn clone_box(&self) -> Box<dyn Program> {
        Box::new(self.clone())
    }
}

/// mysqladmin: `ping` (and its connection errors); other commands are not simulated.
#[derive(Clone, Debug)]
struct Admin(Mysql);

impl Program for Admin {
    fn step(&mut self, ctx: &mut Ctx) -> Status {
        let m = &mut self.0;
        let cmd = m.words.first().cloned().unwrap_or_default();
        if cmd.is_empty() {
            ctx.out.err("dockling: mysqladmin without a command (its help) is not simulated\n");
            return Status::Exited(1);
        }
        if cmd != "ping" {
            ctx.out.err(&format!("dockling: mysqladmin {cmd} is not simulated; mysqladmin ping works\n"));
            return Status::Exited(1);
        }
        if !super::exists(ctx, SOCKET) {
            ctx.out.err(&format!("{0}: connect to server at 'localhost' failed\nerror: 'Can't connect to local MySQL server through socket '{SOCKET}' (2)'\nCheck that mysqld is running and that the socket: '{SOCKET}' exists!\n", m.prog));
            return Status::Exited(1);
        }
        if let Err(e) = m.connect(ctx) {
            // The server answered, so it is alive: ping's status is 0 even when access is denied.
            let msg = e.split_once(": ").map(|x| x.1).unwrap_or(&e);
            ctx.out.err(&format!("{}: connect to server at 'localhost' failed\nerror: '{msg}'\n", m.prog));
            return Status::Exited(0);
        }
        ctx.out.out("mysqld is alive\n");
        Status::Exited(0)
    }
    fn clone_box(&self) -> Box<dyn Program> {
        Box::new(self.clone())
    }
}

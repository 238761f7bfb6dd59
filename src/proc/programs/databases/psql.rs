//! psql in the postgres image's containers: the interactive terminal (`postgres=# ` prompts and
//! continuation prompts, backslash commands `\l \dt \d \du \c \conninfo \? \q`), `-c`, `-f` and
//! piped scripts, `-t`/`-A`/`-q`, and psql's error reports (`ERROR:` with the `LINE n:` caret,
//! `DETAIL:`, `HINT:`, `psql:file:line:` prefixes). It opens the server's data files directly
//! (the server must be running: its socket file must exist); `-h` to another host is not
//! simulated. Texts from psql 17 (help.c, describe.c, command.c, libpq's error position code),
//! checked against a real psql 15.

use super::lines::{self, Open};
use super::postgres::{PgBuild, SOCKET};
use super::sql::{pg_type, show_value, Conn, Engine, Head, Outcome, SqlError};
use super::sqlparse::{Dialect, Ty};
use super::store::{Default, Store};
use super::table::{psql as table, rows_footer};
use super::{prog_name, read, Oneshot};
use crate::proc::program::{Ctx, Disposition, Program, Status, Wait};
use crate::proc::Signal;

/// Output options from the command line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Opts {
    tuples_only: bool,
    unaligned: bool,
    quiet: bool,
    on_error_stop: bool,
}

/// What to run, in command-line order (`-c` and `-f` may repeat).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Action {
    Command(String),
    File(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Stage {
    Connect,
    /// Reading stdin (interactive on a terminal).
    Stdin,
    Exit(i32),
}

#[derive(Clone, Debug)]
pub struct Psql {
    b: PgBuild,
    conn: Conn,
    superuser: bool,
    pgdata: String,
    opts: Opts,
    actions: Vec<Action>,
    list: bool,
    stage: Stage,
    buf: String,
    open: Open,
    prompted: bool,
    /// Where errors are reported from (`psql:FILE:LINE: `), and the line being read.
    file: Option<String>,
    line_no: usize,
    /// `-W`: the password prompt has been answered.
    ask_password: bool,
    early: Option<(String, String, i32)>,
    /// `createdb`: the database to create.
    createdb: Option<String>,
}

fn usage_error(msg: &str) -> (String, String, i32) {
    (String::new(), format!("psql: {msg}\npsql: hint: Try \"psql --help\" for more information.\n"), 1)
}

impl Psql {
    pub fn start(argv: &[String], ctx: &mut Ctx) -> Psql {
        let b = PgBuild::of(ctx);
        let os_user = crate::proc::machine::passwd(ctx.fs).into_iter().find(|u| u.uid == ctx.uid).map(|u| u.name).unwrap_or_else(|| ctx.uid.to_string());
        let mut p = Psql {
            b,
            conn: Conn { d: Dialect::Pg, db: String::new(), user: String::new(), version: String::new(), collate_c: false },
            superuser: false,
            pgdata: String::new(),
            opts: Opts::default(),
            actions: Vec::new(),
            list: false,
            stage: Stage::Connect,
            buf: String::new(),
            open: Open::None,
            prompted: false,
            file: None,
            line_no: 0,
            ask_password: false,
            early: None,
            createdb: None,
        };
        p.conn.collate_c = p.b.package.is_empty();
        p.conn.version = p.b.full();
        let prog = prog_name(argv).to_string();
        let (mut user, mut db, mut host): (Option<String>, Option<String>, Option<String>) = (None, None, None);
        let mut positional = Vec::new();
        let args: Vec<&str> = argv.iter().skip(1).map(String::as_str).collect();
        let mut i = 0;
        let with_arg = "cdfhpUvPFRToL";
        while i < args.len() {
            let a = args[i];
            i += 1;
            if a == "--" {
                positional.extend(args[i..].iter().map(|s| s.to_string()));
                break;
            }
            if let Some(long) = a.strip_prefix("--") {
                let (name, val) = match long.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (long, None),
                };
                let takes = matches!(name, "command" | "dbname" | "file" | "host" | "port" | "username" | "set" | "variable" | "pset" | "field-separator" | "output" | "log-file");
                let val = if takes {
                    match val.or_else(|| {
                        let v = args.get(i).map(|s| s.to_string());
                        i += 1;
                        v
                    }) {
                        Some(v) => Some(v),
                        None => {
                            p.early = Some(usage_error(&format!("option '--{name}' requires an argument")));
                            return p;
                        }
                    }
                } else {
                    val
                };
                match (name, val) {
                    ("command", Some(v)) => p.actions.push(Action::Command(v)),
                    ("dbname", v) => db = v,
                    ("file", Some(v)) => p.actions.push(Action::File(v)),
                    ("host", v) => host = v,
                    ("port", _) | ("no-psqlrc", _) | ("no-password", _) | ("echo-errors", _) => {}
                    ("username", v) => user = v,
                    ("set" | "variable", Some(v)) => p.set_var(&v),
                    ("tuples-only", _) => p.opts.tuples_only = true,
                    ("no-align", _) => p.opts.unaligned = true,
                    ("quiet", _) => p.opts.quiet = true,
                    ("password", _) => p.ask_password = true,
                    ("list", _) => p.list = true,
                    ("version", _) => {
                        p.early = Some((format!("{prog} (PostgreSQL) {}\n", p.b.short()), String::new(), 0));
                        return p;
                    }
                    ("help", _) => {
                        p.early = Some((String::new(), "dockling: psql --help is not simulated\n".into(), 0));
                        return p;
                    }
                    (n, _) => {
                        p.early = Some(usage_error(&format!("unrecognized option '--{n}'")));
                        return p;
                    }
                }
                continue;
            }
            if a.len() > 1 && a.starts_with('-') {
                let flags: Vec<char> = a[1..].chars().collect();
                let mut k = 0;
                while k < flags.len() {
                    let f = flags[k];
                    k += 1;
                    if with_arg.contains(f) {
                        let v: String = if k < flags.len() {
                            let v = flags[k..].iter().collect();
                            k = flags.len();
                            v
                        } else if let Some(v) = args.get(i) {
                            i += 1;
                            v.to_string()
                        } else {
                            p.early = Some(usage_error(&format!("option requires an argument -- '{f}'")));
                            return p;
                        };
                        match f {
                            'c' => p.actions.push(Action::Command(v)),
                            'd' => db = Some(v),
                            'f' => p.actions.push(Action::File(v)),
                            'h' => host = Some(v),
                            'U' => user = Some(v),
                            'v' => p.set_var(&v),
                            _ => {}
                        }
                        continue;
                    }
                    match f {
                        't' => p.opts.tuples_only = true,
                        'A' => p.opts.unaligned = true,
                        'q' => p.opts.quiet = true,
                        'l' => p.list = true,
                        'W' => p.ask_password = true,
                        'X' | 'w' | 'a' | 'e' | 'b' | 'n' | 's' | 'S' | 'E' => {}
                        'V' => {
                            p.early = Some((format!("{prog} (PostgreSQL) {}\n", p.b.short()), String::new(), 0));
                            return p;
                        }
                        'x' => {
                            p.early = Some((String::new(), "dockling: psql's expanded output (-x) is not simulated\n".into(), 1));
                            return p;
                        }
                        '?' => {
                            p.early = Some((String::new(), "dockling: psql --help is not simulated\n".into(), 0));
                            return p;
                        }
                        other => {
                            p.early = Some(usage_error(&format!("invalid option -- '{other}'")));
                            return p;
                        }
                    }
                }
                continue;
            }
            positional.push(a.to_string());
        }
        if prog == "pg_dump" || prog == "pg_dumpall" || prog == "pg_restore" {
            p.early = Some((String::new(), format!("dockling: {prog} is not simulated\n"), 1));
            return p;
        }
        if prog == "createdb" {
            match positional.first() {
                Some(name) => p.createdb = Some(name.clone()),
                None => p.createdb = Some(user.clone().or_else(|| ctx.var("PGUSER").map(String::from)).unwrap_or_else(|| os_user.clone())),
            }
            positional.clear();
        }
        // A connection URI in place of the database name.
        let mut posit = positional.into_iter();
        if db.is_none() {
            db = posit.next();
        }
        if user.is_none() {
            user = posit.next();
        }
        if let Some(uri) = db.clone().filter(|d| d.starts_with("postgres://") || d.starts_with("postgresql://")) {
            let rest = uri.split_once("://").map(|x| x.1).unwrap_or("");
            let (auth_host, path) = rest.split_once('/').unwrap_or((rest, ""));
            let (auth, h) = match auth_host.rsplit_once('@') {
                Some((a, h)) => (Some(a), h),
                None => (None, auth_host),
            };
            if let Some(a) = auth {
                user = Some(a.split(':').next().unwrap_or("").to_string());
            }
            if !h.is_empty() {
                host = Some(h.split(':').next().unwrap_or("").to_string());
            }
            db = Some(path.split('?').next().unwrap_or("").to_string()).filter(|d| !d.is_empty());
        }
        let host = host.or_else(|| ctx.var("PGHOST").map(String::from));
        if let Some(h) = host.filter(|h| !matches!(h.as_str(), "" | "localhost" | "127.0.0.1" | "::1" | "/var/run/postgresql" | "/run/postgresql")) {
            let _ = h;
            p.early = Some((String::new(), "dockling: psql to another container is not simulated; use docker exec -it <container> psql\n".into(), 2));
            return p;
        }
        p.conn.user = user.or_else(|| ctx.var("PGUSER").map(String::from)).unwrap_or(os_user);
        p.conn.db = db.or_else(|| ctx.var("PGDATABASE").map(String::from)).unwrap_or_else(|| if p.createdb.is_some() { "postgres".into() } else { p.conn.user.clone() });
        if p.createdb.is_some() {
            p.conn.db = "postgres".into();
        }
        p
    }

    fn set_var(&mut self, v: &str) {
        let (name, val) = v.split_once('=').unwrap_or((v, ""));
        if name == "ON_ERROR_STOP" {
            self.opts.on_error_stop = !matches!(val.to_ascii_lowercase().as_str(), "0" | "off" | "false" | "");
        }
    }

    fn store<'a>(&self, ctx: &'a mut Ctx) -> Store<'a> {
        Store { fs: ctx.fs, d: Dialect::Pg, root: self.pgdata.clone(), now: ctx.now, uid: 999 }
    }

    /// Connects: the server must run, the role and database must exist. `Err` is psql's
    /// message (without the `psql: error: ` prefix).
    fn connect(&mut self, ctx: &mut Ctx, db: &str, user: &str) -> Result<bool, String> {
        let lock = read(ctx, &format!("{SOCKET}.lock"));
        if !super::exists(ctx, SOCKET) || lock.is_none() {
            return Err(format!("connection to server on socket \"{SOCKET}\" failed: No such file or directory\n\tIs the server running locally and accepting connections on that socket?"));
        }
        self.pgdata = lock.unwrap_or_default().lines().nth(1).unwrap_or(&self.b.pgdata).to_string();
        let store = self.store(ctx);
        let Some(role) = store.roles().into_iter().find(|r| r.name == user) else {
            return Err(format!("connection to server on socket \"{SOCKET}\" failed: FATAL:  role \"{user}\" does not exist"));
        };
        if store.db(db).is_none() {
            return Err(format!("connection to server on socket \"{SOCKET}\" failed: FATAL:  database \"{db}\" does not exist"));
        }
        Ok(role.superuser)
    }

    fn prompt(&self) -> String {
        let sign = if self.superuser { '#' } else { '>' };
        let mid = if self.buf.is_empty() && self.open == Open::None {
            '='
        } else {
            match self.open {
                Open::Quote(q) => q,
                Open::Comment => '*',
                Open::Paren => '(',
                Open::None => '-',
            }
        };
        format!("{}{mid}{sign} ", self.conn.db)
    }

    fn interactive(&self, ctx: &Ctx) -> bool {
        ctx.tty && self.file.is_none()
    }

    fn prefix(&self) -> String {
        match &self.file {
            Some(f) => format!("psql:{f}:{}: ", self.line_no),
            None => String::new(),
        }
    }

    /// Writes an error as psql reports it.
    fn report(&self, ctx: &mut Ctx, e: &SqlError, sql: &str) {
        if e.msg.starts_with("dockling:") {
            ctx.out.err(&format!("{}\n", e.msg));
            return;
        }
        let mut s = format!("{}ERROR:  {}\n", self.prefix(), e.msg);
        if let Some(p) = e.pos {
            s.push_str(&error_position(sql, p));
        }
        if let Some(d) = &e.detail {
            s.push_str(&format!("DETAIL:  {d}\n"));
        }
        if let Some(h) = &e.hint {
            s.push_str(&format!("HINT:  {h}\n"));
        }
        ctx.out.err(&s);
    }

    fn print_rows(&self, ctx: &mut Ctx, title: Option<&str>, heads: &[Head], rows: &[Vec<Option<String>>], footers: &[String]) {
        let o = &self.opts;
        let text = if o.unaligned {
            let mut s = String::new();
            if let Some(t) = title.filter(|_| !o.tuples_only) {
                s.push_str(t);
                s.push('\n');
            }
            if !o.tuples_only {
                s.push_str(&heads.iter().map(|h| h.name.as_str()).collect::<Vec<_>>().join("|"));
                s.push('\n');
            }
            for r in rows {
                s.push_str(&r.iter().map(|c| c.clone().unwrap_or_default()).collect::<Vec<_>>().join("|"));
                s.push('\n');
            }
            if !o.tuples_only {
                for f in footers {
                    s.push_str(f);
                    s.push('\n');
                }
            }
            s
        } else if o.tuples_only {
            let mut s = table(None, heads, rows, &[]);
            // Without headers: drop the header and rule lines.
            let lines: Vec<&str> = s.split('\n').collect();
            let skip = if title.is_some() { 3 } else { 2 };
            s = lines.iter().skip(skip).copied().collect::<Vec<_>>().join("\n");
            if rows.is_empty() {
                s = "\n".into();
            }
            s
        } else {
            table(title, heads, rows, footers)
        };
        ctx.out.out(&text);
    }

    /// Runs one SQL statement; `false` if it failed.
    fn run_sql(&mut self, ctx: &mut Ctx, sql: &str) -> bool {
        if lines::blank(sql, Dialect::Pg) {
            return true;
        }
        let mut conn = self.conn.clone();
        let pgdata = self.pgdata.clone();
        let r = {
            let mut store = Store { fs: ctx.fs, d: Dialect::Pg, root: pgdata, now: ctx.now, uid: 999 };
            let mut e = Engine { store: &mut store, conn: &mut conn };
            e.run(sql)
        };
        match r {
            Ok(Outcome::Rows { heads, rows, tag }) => {
                let n = rows.len();
                self.print_rows(ctx, None, &heads, &rows, &[rows_footer(n)]);
                if !tag.starts_with("SELECT") && !self.opts.quiet {
                    ctx.out.out(&format!("{tag}\n"));
                }
                true
            }
            Ok(Outcome::Done { tag, notice, .. }) => {
                if let Some(n) = notice {
                    let p = self.prefix();
                    ctx.out.err(&format!("{p}NOTICE:  {n}\n"));
                }
                if !tag.is_empty() && !self.opts.quiet {
                    ctx.out.out(&format!("{tag}\n"));
                }
                true
            }
            Ok(Outcome::Use(_)) => true,
            Err(e) => {
                self.report(ctx, &e, sql);
                false
            }
        }
    }

    /// Processes one line of input. `Some(code)`: psql exits.
    fn feed(&mut self, ctx: &mut Ctx, line: &str) -> Option<i32> {
        self.line_no += 1;
        let interactive = self.interactive(ctx);
        if self.buf.is_empty() && self.open == Open::None {
            let t = line.trim();
            let first = t.split_whitespace().next().unwrap_or("").trim_end_matches(';');
            if interactive && (first == "quit" || first == "exit") && t.trim_end_matches(';').trim() == first {
                return Some(0);
            }
            if interactive && t == "help" {
                ctx.out.out("You are using psql, the command-line interface to PostgreSQL.\nType:  \\copyright for distribution terms\n       \\h for help with SQL commands\n       \\? for help with psql commands\n       \\g or terminate with semicolon to execute query\n       \\q to quit\n");
                return None;
            }
            if t.is_empty() {
                return None;
            }
        }
        // A backslash outside quotes starts a meta-command; what comes before it is SQL.
        let chars: Vec<char> = line.chars().collect();
        let mut meta_at = None;
        for (k, c) in chars.iter().enumerate() {
            if *c == '\\' {
                let before: String = chars[..k].iter().collect();
                let text = if self.buf.is_empty() { before.clone() } else { format!("{}\n{before}", self.buf) };
                let (_, _, open) = lines::split(&text, Dialect::Pg);
                if matches!(open, Open::None | Open::Paren) && !in_line_comment(&before) {
                    meta_at = Some(k);
                    break;
                }
            }
        }
        let (sql_part, meta): (String, Option<String>) = match meta_at {
            Some(k) => (chars[..k].iter().collect(), Some(chars[k..].iter().collect())),
            None => (line.to_string(), None),
        };
        if !sql_part.trim().is_empty() || !self.buf.is_empty() || self.open != Open::None {
            let text = if self.buf.is_empty() && self.open == Open::None { sql_part.clone() } else { format!("{}\n{sql_part}", self.buf) };
            let (stmts, rest, open) = lines::split(&text, Dialect::Pg);
            self.buf = rest;
            self.open = open;
            for s in stmts {
                if !self.run_sql(ctx, &s) && self.opts.on_error_stop && !interactive {
                    return Some(3);
                }
            }
        }
        if let Some(m) = meta {
            return self.meta(ctx, &m);
        }
        None
    }

    fn meta(&mut self, ctx: &mut Ctx, text: &str) -> Option<i32> {
        let body = text.trim_start_matches('\\');
        let mut words = body.split_whitespace();
        let cmd = words.next().unwrap_or("").to_string();
        let args: Vec<String> = words.map(|w| w.trim_matches('"').to_string()).collect();
        let interactive = self.interactive(ctx);
        let p = self.prefix();
        match cmd.as_str() {
            "q" | "quit" => return Some(0),
            "g" => {
                let sql = std::mem::take(&mut self.buf);
                self.open = Open::None;
                if !self.run_sql(ctx, &sql) && self.opts.on_error_stop && !interactive {
                    return Some(3);
                }
            }
            "r" | "reset" => {
                self.buf.clear();
                self.open = Open::None;
                if interactive {
                    ctx.out.out("Query buffer reset (cleared).\n");
                }
            }
            "p" | "print" => {
                if self.buf.is_empty() {
                    ctx.out.out("Query buffer is empty.\n");
                } else {
                    let b = format!("{}\n", self.buf);
                    ctx.out.out(&b);
                }
            }
            "echo" => ctx.out.out(&format!("{}\n", args.join(" "))),
            "l" | "list" | "l+" | "list+" => self.list_dbs(ctx),
            "dt" | "dt+" | "d" | "d+" | "dS" | "dtS" => {
                if cmd.ends_with('+') {
                    ctx.out.err(&format!("dockling: psql's \\{cmd} (extra detail) is not simulated\n"));
                } else if cmd.starts_with("d") && cmd != "dt" && cmd != "dtS" && !args.is_empty() {
                    self.describe(ctx, &args[0]);
                } else {
                    self.relations(ctx, cmd.starts_with("dt"), args.first().map(String::as_str));
                }
            }
            "du" | "dg" => self.roles(ctx),
            "c" | "connect" => {
                let db = args.first().filter(|d| *d != "-").cloned().unwrap_or_else(|| self.conn.db.clone());
                let user = args.get(1).filter(|d| *d != "-").cloned().unwrap_or_else(|| self.conn.user.clone());
                match self.connect(ctx, &db, &user) {
                    Ok(su) => {
                        self.superuser = su;
                        self.conn.db = db.clone();
                        self.conn.user = user.clone();
                        ctx.out.out(&format!("You are now connected to database \"{db}\" as user \"{user}\".\n"));
                    }
                    Err(e) if interactive => ctx.out.err(&format!("{e}\nPrevious connection kept\n")),
                    Err(e) => {
                        ctx.out.err(&format!("{p}error: \\connect: {e}\n"));
                        return Some(2);
                    }
                }
            }
            "conninfo" => ctx.out.out(&format!("You are connected to database \"{}\" as user \"{}\" via socket in \"/var/run/postgresql\" at port \"5432\".\n", self.conn.db, self.conn.user)),
            "?" => {
                let mut s = String::from("General\n");
                if self.b.major >= 16 {
                    s.push_str("  \\bind [PARAM]...       set query parameters\n");
                }
                s.push_str("  \\copyright             show PostgreSQL usage and distribution terms\n  \\crosstabview [COLUMNS] execute query and display result in crosstab\n  \\errverbose            show most recent error message at maximum verbosity\n  \\g [(OPTIONS)] [FILE]  execute query (and send result to file or |pipe);\n                         \\g with no arguments is equivalent to a semicolon\n  \\gdesc                 describe result of query, without executing it\n  \\gexec                 execute query, then execute each value in its result\n  \\gset [PREFIX]         execute query and store result in psql variables\n  \\gx [(OPTIONS)] [FILE] as \\g, but forces expanded output mode\n  \\q                     quit psql\n");
                s.push_str(match self.b.major {
                    m if m >= 17 => "  \\watch [[i=]SEC] [c=N] [m=MIN]\n                         execute query every SEC seconds, up to N times,\n                         stop if less than MIN rows are returned\n",
                    16 => "  \\watch [[i=]SEC] [c=N] execute query every SEC seconds, up to N times\n",
                    _ => "  \\watch [SEC]           execute query every SEC seconds\n",
                });
                s.push_str("\ndockling: the rest of psql's \\? help is not simulated; \\l \\dt \\d \\du \\c \\conninfo \\q work\n");
                ctx.out.out(&s);
            }
            "i" | "include" | "ir" | "include_relative" => {
                let Some(f) = args.first() else {
                    ctx.out.err(&format!("{p}\\{cmd}: missing required argument\n"));
                    return None;
                };
                let path = crate::vfs::normalize(ctx.cwd, f);
                match read(ctx, &path) {
                    None => ctx.out.err(&format!("{p}error: {f}: No such file or directory\n")),
                    Some(text) => {
                        if let Some(code) = self.run_file(ctx, f, &text) {
                            return Some(code);
                        }
                    }
                }
            }
            "" => ctx.out.err(&format!("{p}invalid command \\\n")),
            c if KNOWN_META.contains(&c) => ctx.out.err(&format!("dockling: psql's \\{c} is not simulated\n")),
            c => {
                if self.file.is_some() {
                    ctx.out.err(&format!("{p}error: invalid command \\{c}\n"));
                } else {
                    ctx.out.err(&format!("invalid command \\{c}\nTry \\? for help.\n"));
                }
            }
        }
        None
    }

    /// Runs a script's text as from `-f NAME` (errors say `psql:NAME:LINE:`).
    fn run_file(&mut self, ctx: &mut Ctx, name: &str, text: &str) -> Option<i32> {
        let saved = (self.file.replace(name.to_string()), self.line_no, std::mem::take(&mut self.buf), self.open);
        self.line_no = 0;
        self.open = Open::None;
        let mut code = None;
        for (n, line) in text.lines().enumerate() {
            if n >= 100_000 {
                ctx.out.err("dockling: psql scripts longer than 100000 lines are not simulated\n");
                break;
            }
            if let Some(c) = self.feed(ctx, line) {
                code = Some(c);
                break;
            }
        }
        if code.is_none() && !self.buf.trim().is_empty() {
            let sql = std::mem::take(&mut self.buf);
            if !self.run_sql(ctx, &sql) && self.opts.on_error_stop {
                code = Some(3);
            }
        }
        self.file = saved.0;
        self.line_no = saved.1;
        self.buf = saved.2;
        self.open = saved.3;
        code
    }

    fn list_dbs(&mut self, ctx: &mut Ctx) {
        let lang = ctx.var("LANG").unwrap_or("en_US.utf8").to_string();
        let major = self.b.major;
        let mut dbs = self.store(ctx).databases();
        crate::text::sort_by(&mut dbs, &|a, b| a.name.cmp(&b.name));
        let names: &[&str] = match major {
            m if m >= 17 => &["Name", "Owner", "Encoding", "Locale Provider", "Collate", "Ctype", "Locale", "ICU Rules", "Access privileges"],
            16 => &["Name", "Owner", "Encoding", "Locale Provider", "Collate", "Ctype", "ICU Locale", "ICU Rules", "Access privileges"],
            15 => &["Name", "Owner", "Encoding", "Collate", "Ctype", "ICU Locale", "Locale Provider", "Access privileges"],
            _ => &["Name", "Owner", "Encoding", "Collate", "Ctype", "Access privileges"],
        };
        let heads: Vec<Head> = names.iter().map(|n| Head { name: n.to_string(), right: false, nullable: false }).collect();
        let rows: Vec<Vec<Option<String>>> = dbs
            .iter()
            .map(|d| {
                let acl = if d.name.starts_with("template") { format!("=c/{0}\n{0}=CTc/{0}", d.owner) } else { String::new() };
                names
                    .iter()
                    .map(|n| {
                        Some(match *n {
                            "Name" => d.name.clone(),
                            "Owner" => d.owner.clone(),
                            "Encoding" => "UTF8".into(),
                            "Locale Provider" => "libc".into(),
                            "Collate" | "Ctype" => lang.clone(),
                            "Access privileges" => acl.clone(),
                            _ => String::new(),
                        })
                    })
                    .collect()
            })
            .collect();
        let n = rows.len();
        self.print_rows(ctx, Some("List of databases"), &heads, &rows, &[rows_footer(n)]);
    }

    fn owner(&self, ctx: &mut Ctx) -> String {
        let db = self.conn.db.clone();
        self.store(ctx).db(&db).map(|d| d.owner).unwrap_or_else(|| self.conn.user.clone())
    }

    fn relations(&mut self, ctx: &mut Ctx, tables_only: bool, pattern: Option<&str>) {
        let owner = self.owner(ctx);
        let db = self.conn.db.clone();
        let tables = self.store(ctx).tables(&db);
        let mut rels: Vec<(String, &str)> = Vec::new();
        for t in &tables {
            rels.push((t.name.clone(), "table"));
            if !tables_only {
                if let Some(c) = t.serial_col() {
                    rels.push((format!("{}_{}_seq", t.name, c.name), "sequence"));
                }
            }
        }
        if let Some(p) = pattern {
            rels.retain(|(n, _)| super::glob::matches(p, n, super::glob::Kind::Psql, false));
        }
        crate::text::sort_by(&mut rels, &|a, b| a.0.cmp(&b.0));
        let pfx = self.prefix();
        let pfx = if pfx.is_empty() { pfx } else { format!("{pfx}error: ") };
        if rels.is_empty() {
            match pattern {
                Some(p) => ctx.out.err(&format!("{pfx}Did not find any relation named \"{p}\".\n")),
                None => ctx.out.err(&format!("{pfx}Did not find any relations.\n")),
            }
            return;
        }
        let heads: Vec<Head> = ["Schema", "Name", "Type", "Owner"].iter().map(|n| Head { name: n.to_string(), right: false, nullable: false }).collect();
        let rows: Vec<Vec<Option<String>>> = rels.iter().map(|(n, t)| vec![Some("public".into()), Some(n.clone()), Some(t.to_string()), Some(owner.clone())]).collect();
        let n = rows.len();
        self.print_rows(ctx, Some("List of relations"), &heads, &rows, &[rows_footer(n)]);
    }

    fn describe(&mut self, ctx: &mut Ctx, name: &str) {
        let db = self.conn.db.clone();
        let lname = name.strip_prefix("public.").unwrap_or(name);
        let tables = self.store(ctx).tables(&db);
        let pfx = self.prefix();
        let pfx = if pfx.is_empty() { pfx } else { format!("{pfx}error: ") };
        let Some(t) = tables.iter().find(|t| t.name == lname) else {
            if tables.iter().any(|t| t.serial_col().is_some_and(|c| format!("{}_{}_seq", t.name, c.name) == lname)) {
                ctx.out.err("dockling: psql's \\d of a sequence is not simulated\n");
            } else {
                ctx.out.err(&format!("{pfx}Did not find any relation named \"{name}\".\n"));
            }
            return;
        };
        let heads: Vec<Head> = ["Column", "Type", "Collation", "Nullable", "Default"].iter().map(|n| Head { name: n.to_string(), right: false, nullable: false }).collect();
        let rows: Vec<Vec<Option<String>>> = t
            .cols
            .iter()
            .map(|c| {
                let default = match &c.default {
                    None => String::new(),
                    Some(Default::Serial) => format!("nextval('{}_{}_seq'::regclass)", t.name, c.name),
                    Some(Default::Now(s)) => s.clone(),
                    Some(Default::Lit(v)) => pg_default(v, &c.ty),
                };
                vec![Some(c.name.clone()), Some(pg_type(&c.ty)), Some(String::new()), Some(if c.not_null { "not null".into() } else { String::new() }), Some(default)]
            })
            .collect();
        let mut footers = Vec::new();
        let idx: Vec<String> = t
            .cols
            .iter()
            .filter(|c| c.primary)
            .map(|c| format!("    \"{}_pkey\" PRIMARY KEY, btree ({})", t.name, c.name))
            .chain(t.cols.iter().filter(|c| c.unique).map(|c| format!("    \"{}_{}_key\" UNIQUE CONSTRAINT, btree ({})", t.name, c.name, c.name)))
            .collect();
        if !idx.is_empty() {
            footers.push("Indexes:".to_string());
            footers.extend(idx);
        }
        self.print_rows(ctx, Some(&format!("Table \"public.{}\"", t.name)), &heads, &rows, &footers);
    }

    fn roles(&mut self, ctx: &mut Ctx) {
        let roles = self.store(ctx).roles();
        let mut names = vec!["Role name", "Attributes"];
        if self.b.major < 16 {
            names.push("Member of");
        }
        let heads: Vec<Head> = names.iter().map(|n| Head { name: n.to_string(), right: false, nullable: false }).collect();
        let mut rows: Vec<Vec<Option<String>>> = roles
            .iter()
            .map(|r| {
                let mut v = vec![Some(r.name.clone()), Some(if r.superuser { "Superuser, Create role, Create DB, Replication, Bypass RLS".into() } else { String::new() })];
                if self.b.major < 16 {
                    v.push(Some("{}".into()));
                }
                v
            })
            .collect();
        crate::text::sort_by(&mut rows, &|a, b| a[0].cmp(&b[0]));
        self.print_rows(ctx, Some("List of roles"), &heads, &rows, &[]);
    }

    fn finish_connect(&mut self, ctx: &mut Ctx) -> Option<i32> {
        let (db, user) = (self.conn.db.clone(), self.conn.user.clone());
        match self.connect(ctx, &db, &user) {
            Ok(su) => self.superuser = su,
            Err(e) => {
                if let Some(name) = &self.createdb {
                    let _ = name;
                    ctx.out.err(&format!("createdb: error: {e}\n"));
                } else {
                    ctx.out.err(&format!("psql: error: {e}\n"));
                }
                return Some(2);
            }
        }
        if let Some(name) = self.createdb.clone() {
            let sql = format!("CREATE DATABASE \"{}\";", name.replace('"', "\"\""));
            let mut conn = self.conn.clone();
            let mut store = self.store(ctx);
            let r = Engine { store: &mut store, conn: &mut conn }.run(&sql);
            return Some(match r {
                Ok(_) => 0,
                Err(e) => {
                    ctx.out.err(&format!("createdb: error: database creation failed: ERROR:  {}\n", e.msg));
                    1
                }
            });
        }
        if self.list {
            self.list_dbs(ctx);
            return Some(0);
        }
        if !self.actions.is_empty() {
            let mut failed = false;
            for a in self.actions.clone() {
                match a {
                    Action::Command(c) => {
                        let t = c.trim_start();
                        if t.starts_with('\\') {
                            if let Some(code) = self.meta(ctx, t) {
                                return Some(code);
                            }
                        } else {
                            let (mut stmts, rest, _) = lines::split(&c, Dialect::Pg);
                            if !rest.trim().is_empty() {
                                stmts.push(rest);
                            }
                            for s in stmts {
                                if !self.run_sql(ctx, &s) {
                                    failed = true;
                                    if self.opts.on_error_stop {
                                        return Some(1);
                                    }
                                    break;
                                }
                            }
                        }
                    }
                    Action::File(f) => {
                        let path = crate::vfs::normalize(ctx.cwd, &f);
                        match read(ctx, &path) {
                            None => {
                                ctx.out.err(&format!("psql: error: {f}: No such file or directory\n"));
                                return Some(1);
                            }
                            Some(text) => {
                                if let Some(code) = self.run_file(ctx, &f, &text) {
                                    return Some(code);
                                }
                            }
                        }
                    }
                }
            }
            return Some(i32::from(failed));
        }
        if ctx.tty {
            let banner = format!("psql ({})\nType \"help\" for help.\n\n", self.b.short());
            ctx.out.out(&banner);
        }
        None
    }
}

const KNOWN_META: [&str; 40] = [
    "a", "C", "cd", "copy", "copyright", "crosstabview", "da", "db", "dc", "dd", "dD", "des", "df", "dF", "di", "dl", "dn", "do", "dp", "ds", "dT", "dv", "dx", "e", "ef", "encoding", "errverbose", "f", "gexec", "gset", "h", "help", "H", "o", "password", "pset", "s", "set", "timing", "x",
];

fn in_line_comment(before: &str) -> bool {
    let (_, rest, _) = lines::split(before, Dialect::Pg);
    let mut q: Option<char> = None;
    let c: Vec<char> = rest.chars().collect();
    let mut i = 0;
    while i < c.len() {
        match q {
            Some(x) if c[i] == x => q = None,
            Some(_) => {}
            None if c[i] == '\'' || c[i] == '"' => q = Some(c[i]),
            None if c[i] == '-' && c.get(i + 1) == Some(&'-') => return true,
            None => {}
        }
        i += 1;
    }
    false
}

/// A literal default as `\d` deparses it (`'none'::character varying`, `0`, `true`).
fn pg_default(v: &super::store::Value, ty: &Ty) -> String {
    use super::store::Value;
    match (v, ty) {
        (Value::Int(n), _) if *n < 0 => format!("'{n}'::{}", pg_type(ty)),
        (Value::Int(_) | Value::Bool(_), _) => show_value(v, Dialect::Pg),
        (Value::Text(s), Ty::Text) => format!("'{}'::text", s.replace('\'', "''")),
        (Value::Text(s), Ty::Varchar(_)) => format!("'{}'::character varying", s.replace('\'', "''")),
        (Value::Text(s), Ty::Char(_)) => format!("'{}'::bpchar", s.replace('\'', "''")),
        (Value::Text(s), t) => format!("'{}'::{}", s.replace('\'', "''"), pg_type(t)),
        (Value::Null, _) => "NULL".into(),
    }
}

/// libpq's `LINE n:` context and caret for an error at character `pos` (0-based) of `query`,
/// cutting long lines around the position as `reportErrorPosition` does.
pub fn error_position(query: &str, pos: usize) -> String {
    const DISPLAY: usize = 60;
    const MIN_RIGHT_CUT: usize = 10;
    let chars: Vec<char> = query.chars().map(|c| if c == '\t' { ' ' } else { c }).collect();
    let loc = pos;
    let mut line_no = 1;
    let mut ibeg = 0;
    let mut iend = chars.len();
    for (cno, &ch) in chars.iter().enumerate() {
        if ch == '\r' || ch == '\n' {
            if cno < loc {
                if ch == '\r' || cno == 0 || chars[cno - 1] != '\r' {
                    line_no += 1;
                }
                ibeg = cno + 1;
            } else {
                iend = cno;
                break;
            }
        }
    }
    if loc > chars.len() {
        return String::new();
    }
    let (mut beg_trunc, mut end_trunc) = (false, false);
    if iend - ibeg > DISPLAY {
        if ibeg + DISPLAY >= loc + MIN_RIGHT_CUT {
            while iend - ibeg > DISPLAY {
                iend -= 1;
            }
            end_trunc = true;
        } else {
            while loc + MIN_RIGHT_CUT < iend {
                iend -= 1;
                end_trunc = true;
            }
            while iend - ibeg > DISPLAY {
                ibeg += 1;
                beg_trunc = true;
            }
        }
    }
    let mut head = format!("LINE {line_no}: ");
    if beg_trunc {
        head.push_str("...");
    }
    let indent = head.chars().count() + loc - ibeg;
    let mut s = head;
    s.extend(&chars[ibeg..iend]);
    if end_trunc {
        s.push_str("...");
    }
    s.push('\n');
    s.push_str(&" ".repeat(indent));
    s.push_str("^\n");
    s
}

/// Runs an init script as the postgres entrypoint does (`psql -v ON_ERROR_STOP=1 --username
/// USER --no-password --no-psqlrc --dbname DB -f FILE`); returns psql's exit status.
pub fn run_init_sql(ctx: &mut Ctx, b: &PgBuild, user: &str, db: &str, file: &str, text: &str) -> i32 {
    let mut p = Psql {
        b: b.clone(),
        conn: Conn { d: Dialect::Pg, db: db.into(), user: user.into(), version: b.full(), collate_c: b.package.is_empty() },
        superuser: true,
        pgdata: b.pgdata.clone(),
        opts: Opts { on_error_stop: true, ..Opts::default() },
        actions: Vec::new(),
        list: false,
        stage: Stage::Stdin,
        buf: String::new(),
        open: Open::None,
        prompted: false,
        file: None,
        line_no: 0,
        ask_password: false,
        early: None,
        createdb: None,
    };
    p.run_file(ctx, file, text).unwrap_or(0)
}

impl Program for Psql {
    fn step(&mut self, ctx: &mut Ctx) -> Status {
        if let Some((o, e, c)) = self.early.take() {
            return Oneshot { out: o, err: e, code: c }.step(ctx);
        }
        if self.stage == Stage::Connect {
            if self.ask_password {
                if !self.prompted {
                    let q = format!("Password for user {}: ", self.conn.user);
                    ctx.out.out(&q);
                    self.prompted = true;
                }
                match ctx.stdin.read_line() {
                    Some(_) => {
                        ctx.out.out("\n");
                        self.prompted = false;
                        self.ask_password = false;
                    }
                    None if ctx.stdin.at_eof() => {
                        ctx.out.out("\n");
                        ctx.out.err("psql: error: connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: fe_sendauth: no password supplied\n");
                        return Status::Exited(2);
                    }
                    None => return Status::Waiting(Wait { until: None, stdin: true }),
                }
            }
            if let Some(code) = self.finish_connect(ctx) {
                self.stage = Stage::Exit(code);
            } else {
                self.stage = Stage::Stdin;
            }
        }
        if let Stage::Exit(code) = self.stage {
            return Status::Exited(code);
        }
        for _ in 0..10_000 {
            if ctx.tty && !self.prompted {
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
                    if ctx.tty {
                        ctx.out.out("\\q\n");
                        return Status::Exited(0);
                    }
                    if !self.buf.trim().is_empty() {
                        let sql = std::mem::take(&mut self.buf);
                        if !self.run_sql(ctx, &sql) && self.opts.on_error_stop {
                            return Status::Exited(3);
                        }
                    }
                    return Status::Exited(0);
                }
                None => return Status::Waiting(Wait { until: None, stdin: true }),
            }
        }
        Status::Waiting(Wait { until: Some(ctx.now), stdin: true })
    }

    fn signal(&mut self, sig: Signal, ctx: &mut Ctx) -> Disposition {
        // psql cancels the query buffer on Ctrl+C and shows a fresh prompt.
        if sig == Signal::Int && self.stage == Stage::Stdin && ctx.tty {
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

//! A small SQL engine shared by the simulated PostgreSQL and MySQL servers: it runs one
//! statement of the `sqlparse` subset against the tables in `store`, with each server's type
//! rules, result shapes and error messages (PostgreSQL 17's `ERROR:` texts and SQLSTATEs, MySQL
//! 8's numbered errors), checked against the real servers.

use std::cmp::Ordering;

use super::sqlparse::{self as sp, ColDef, DefaultExpr, Dialect, Expr, Item, Lit, Op, Stmt, SynKind, Ty};
use super::store::{Column, Default, Role, Store, Table, Value};
use crate::clock::SimTime;

/// A client's session: which server, database and user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conn {
    pub d: Dialect,
    /// The current database (empty: none selected, MySQL).
    pub db: String,
    pub user: String,
    /// What `version()` returns.
    pub version: String,
    /// Text compares byte by byte (a `C` collation) rather than as en_US does.
    pub collate_c: bool,
}

/// A result column's name and alignment (numbers right-aligned).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    pub name: String,
    pub right: bool,
    /// The column may hold NULL (the mysql client then makes it at least 4 wide).
    pub nullable: bool,
}

/// What a statement produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A result set (`SELECT`, `… RETURNING`, `SHOW`); `tag` is PostgreSQL's command tag.
    Rows { heads: Vec<Head>, rows: Vec<Vec<Option<String>>>, tag: String },
    /// A command: PostgreSQL's tag, MySQL's affected-rows count and info line, and a notice
    /// (PostgreSQL's `NOTICE:`; a warning for MySQL).
    Done { tag: String, affected: u64, info: Option<String>, notice: Option<String> },
    /// `USE db` (MySQL).
    Use(String),
}

/// An error as the server reports it. `code`/`state` are MySQL's error number and SQLSTATE;
/// `pos` is the character offset PostgreSQL points at. A `msg` starting with `dockling:` is a
/// feature Dockling does not simulate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlError {
    pub msg: String,
    pub pos: Option<usize>,
    pub detail: Option<String>,
    pub hint: Option<String>,
    pub code: u16,
    pub state: &'static str,
}

type R<T> = Result<T, SqlError>;

fn err(msg: String, pos: Option<usize>) -> SqlError {
    SqlError { msg, pos, detail: None, hint: None, code: 0, state: "" }
}

fn my(code: u16, state: &'static str, msg: String) -> SqlError {
    SqlError { msg, pos: None, detail: None, hint: None, code, state }
}

/// A feature outside the subset.
pub fn not_simulated(what: &str) -> SqlError {
    err(format!("dockling: {what} is not simulated"), None)
}

impl SqlError {
    fn hint(mut self, h: &str) -> SqlError {
        self.hint = Some(h.into());
        self
    }
    fn detail(mut self, d: String) -> SqlError {
        self.detail = Some(d);
        self
    }
}

/// The kind of a value, for coercions, messages and alignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum K {
    /// A quoted literal or NULL whose type comes from its context (PostgreSQL's `unknown`).
    Unknown,
    Int(u8),
    /// `text`, `character varying`, `character`.
    Text(u8),
    Bool,
    Ts,
    TsTz,
    Date,
}

fn kind_of(t: &Ty) -> K {
    match t {
        Ty::Int2 => K::Int(2),
        Ty::Int4 => K::Int(4),
        Ty::Int8 => K::Int(8),
        Ty::Text => K::Text(0),
        Ty::Varchar(_) => K::Text(1),
        Ty::Char(_) => K::Text(2),
        Ty::Bool => K::Bool,
        Ty::Timestamp | Ty::Datetime => K::Ts,
        Ty::Date => K::Date,
    }
}

/// PostgreSQL's name of a kind, as error messages print it.
fn pg_kind(k: K) -> &'static str {
    match k {
        K::Unknown => "unknown",
        K::Int(2) => "smallint",
        K::Int(8) => "bigint",
        K::Int(_) => "integer",
        K::Text(1) => "character varying",
        K::Text(2) => "character",
        K::Text(_) => "text",
        K::Bool => "boolean",
        K::Ts => "timestamp without time zone",
        K::TsTz => "timestamp with time zone",
        K::Date => "date",
    }
}

/// PostgreSQL's display name of a column type (`\d`).
pub fn pg_type(t: &Ty) -> String {
    match t {
        Ty::Varchar(Some(n)) => format!("character varying({n})"),
        Ty::Char(n) => format!("character({n})"),
        Ty::Timestamp | Ty::Datetime => "timestamp without time zone".into(),
        t => pg_kind(kind_of(t)).into(),
    }
}

/// MySQL's display name of a column type (`DESCRIBE`).
pub fn my_type(t: &Ty) -> String {
    match t {
        Ty::Int2 => "smallint".into(),
        Ty::Int4 => "int".into(),
        Ty::Int8 => "bigint".into(),
        Ty::Text => "text".into(),
        Ty::Varchar(n) => format!("varchar({})", n.unwrap_or(255)),
        Ty::Char(n) => format!("char({n})"),
        Ty::Bool => "tinyint(1)".into(),
        Ty::Timestamp => "timestamp".into(),
        Ty::Datetime => "datetime".into(),
        Ty::Date => "date".into(),
    }
}

fn range_name(w: u8) -> &'static str {
    match w {
        2 => "smallint",
        8 => "bigint",
        _ => "integer",
    }
}

fn in_range(n: i64, w: u8) -> bool {
    match w {
        2 => (-32768..=32767).contains(&n),
        4 => (-2147483648..=2147483647).contains(&n),
        _ => true,
    }
}

/// `YYYY-MM-DD HH:MM:SS[.fff]` of a virtual time (trailing zeros of the fraction dropped).
pub fn timestamp(t: SimTime, frac: bool) -> String {
    let c = t.civil();
    let mut s = format!("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", c.year, c.month, c.day, c.hour, c.minute, c.second);
    let ms = t.as_ms() % 1000;
    if frac && ms != 0 {
        let f = format!("{ms:03}");
        s.push('.');
        s.push_str(f.trim_end_matches('0'));
    }
    s
}

/// Parses a date or timestamp literal into `YYYY-MM-DD[ HH:MM:SS[.f]]`; `Err(true)` when the
/// fields are out of range.
fn parse_datetime(s: &str, date_only: bool) -> Result<String, bool> {
    let s = s.trim();
    let (d, t) = match s.find([' ', 'T']) {
        Some(i) => (&s[..i], Some(s[i + 1..].trim())),
        None => (s, None),
    };
    let f: Vec<&str> = d.split('-').collect();
    if f.len() != 3 || f.iter().any(|x| x.is_empty() || !x.bytes().all(|b| b.is_ascii_digit())) || f[0].len() != 4 {
        return Err(false);
    }
    let (y, m, dd): (i64, u32, u32) = (f[0].parse().map_err(|_| false)?, f[1].parse().map_err(|_| false)?, f[2].parse().map_err(|_| false)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let mdays = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&m) || dd == 0 || dd > mdays[(m - 1) as usize] {
        return Err(true);
    }
    let date = format!("{y:04}-{m:02}-{dd:02}");
    if date_only {
        return Ok(date);
    }
    let Some(t) = t.filter(|t| !t.is_empty()) else { return Ok(format!("{date} 00:00:00")) };
    let (hms, frac) = match t.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (t, None),
    };
    let p: Vec<&str> = hms.split(':').collect();
    if p.len() < 2 || p.len() > 3 || p.iter().any(|x| x.is_empty() || x.len() > 2 || !x.bytes().all(|b| b.is_ascii_digit())) {
        return Err(false);
    }
    let n = |i: usize| p.get(i).and_then(|x| x.parse::<u32>().ok()).unwrap_or(0);
    if n(0) > 23 || n(1) > 59 || n(2) > 59 {
        return Err(true);
    }
    let mut out = format!("{date} {:02}:{:02}:{:02}", n(0), n(1), n(2));
    if let Some(fr) = frac {
        if !fr.bytes().all(|b| b.is_ascii_digit()) {
            return Err(false);
        }
        let fr = fr.get(..fr.len().min(6)).unwrap_or("").trim_end_matches('0');
        if !fr.is_empty() {
            out.push('.');
            out.push_str(fr);
        }
    }
    Ok(out)
}

fn parse_bool(s: &str) -> Option<bool> {
    let l = s.trim().to_ascii_lowercase();
    if l.is_empty() {
        return None;
    }
    let yes = ["true", "yes", "on", "1"];
    let no = ["false", "no", "off", "0"];
    if yes.iter().any(|w| w.starts_with(&l)) && l != "o" {
        return Some(true);
    }
    if no.iter().any(|w| w.starts_with(&l)) && l != "o" {
        return Some(false);
    }
    None
}

/// An expression's leftmost position (where PostgreSQL points for it).
fn expr_pos(e: &Expr) -> usize {
    match e {
        Expr::Lit(_, p) | Expr::Col(_, _, p) | Expr::Neg(_, p) | Expr::Func { pos: p, .. } => *p,
        Expr::Bin(l, ..) | Expr::Cast(l, ..) | Expr::IsNull(l, _) | Expr::InList(l, ..) => expr_pos(l),
        Expr::Not(e) => expr_pos(e).saturating_sub(4),
    }
}

fn is_aggregate(name: &str) -> bool {
    matches!(name, "count" | "sum" | "min" | "max" | "avg")
}

fn has_aggregate(e: &Expr) -> bool {
    match e {
        Expr::Func { name, args, .. } => is_aggregate(name) || args.iter().any(has_aggregate),
        Expr::Bin(a, _, b, _) => has_aggregate(a) || has_aggregate(b),
        Expr::Not(a) | Expr::Neg(a, _) | Expr::IsNull(a, _) | Expr::Cast(a, ..) => has_aggregate(a),
        Expr::InList(a, l, _) => has_aggregate(a) || l.iter().any(has_aggregate),
        _ => false,
    }
}

/// PostgreSQL's name for an output column (`FigureColname`).
fn pg_colname(e: &Expr) -> Option<String> {
    match e {
        Expr::Col(_, n, _) => Some(n.clone()),
        Expr::Func { name, .. } => Some(name.clone()),
        Expr::Cast(inner, ty, _) => pg_colname(inner).or_else(|| {
            Some(
                match ty {
                    Ty::Int2 => "int2",
                    Ty::Int4 => "int4",
                    Ty::Int8 => "int8",
                    Ty::Text => "text",
                    Ty::Varchar(_) => "varchar",
                    Ty::Char(_) => "bpchar",
                    Ty::Bool => "bool",
                    Ty::Timestamp | Ty::Datetime => "timestamp",
                    Ty::Date => "date",
                }
                .into(),
            )
        }),
        _ => None,
    }
}

/// Levenshtein distance (for PostgreSQL's "Perhaps you meant" hints), bounded by input length.
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Compares text as the server's collation does: en_US orders letters case-insensitively first
/// (lower case first on a tie); MySQL's `utf8mb4_0900_ai_ci` ignores case; `C` compares bytes.
fn text_cmp(a: &str, b: &str, d: Dialect, c_collate: bool) -> Ordering {
    if c_collate && d == Dialect::Pg {
        return a.cmp(b);
    }
    let key = |s: &str| -> String { s.chars().filter(|c| c.is_alphanumeric()).flat_map(|c| c.to_lowercase()).collect() };
    let o = match d {
        Dialect::My => a.to_lowercase().cmp(&b.to_lowercase()),
        Dialect::Pg => key(a).cmp(&key(b)).then_with(|| a.to_lowercase().cmp(&b.to_lowercase())),
    };
    if d == Dialect::My {
        return o;
    }
    o.then_with(|| b.cmp(a))
}

/// What an expression is evaluated against.
struct Env<'a> {
    t: Option<&'a Table>,
    row: Option<&'a [Value]>,
    /// In an aggregate query: the rows aggregates run over.
    agg: Option<&'a [Vec<Value>]>,
    /// MySQL's name of the clause being evaluated (`field list`, `where clause`).
    clause: &'static str,
}

/// Runs statements for one client session.
#[derive(Debug)]
pub struct Engine<'a, 'b> {
    pub store: &'b mut Store<'a>,
    pub conn: &'b mut Conn,
}

type V = (Value, K);
/// A row with its ORDER BY keys.
type Keyed = (Vec<Option<V>>, Vec<Value>);

impl Engine<'_, '_> {
    fn d(&self) -> Dialect {
        self.conn.d
    }
    fn now(&self) -> SimTime {
        self.store.now
    }

    /// Runs one statement.
    pub fn run(&mut self, sql: &str) -> R<Outcome> {
        let stmt = sp::parse(sql, self.d()).map_err(|e| self.syntax(e, sql))?;
        self.exec(stmt)
    }

    fn syntax(&self, e: sp::SyntaxError, sql: &str) -> SqlError {
        let chars: Vec<char> = sql.chars().collect();
        match (self.d(), e.kind) {
            (_, SynKind::Unsupported(w)) => not_simulated(&w),
            (Dialect::Pg, SynKind::UnknownType(t)) => err(format!("type \"{t}\" does not exist"), e.pos),
            (Dialect::Pg, SynKind::Lex(m)) => err(format!("{m} at or near \"{}\"", e.near), e.pos),
            (Dialect::Pg, SynKind::Syntax) => match e.pos {
                Some(p) => err(format!("syntax error at or near \"{}\"", e.near), Some(p)),
                None => err("syntax error at end of input".into(), Some(chars.len())),
            },
            (Dialect::My, _) => {
                let p = e.pos.unwrap_or(chars.len()).min(chars.len());
                let rest: String = chars[p..].iter().take(80).collect();
                let line = 1 + chars[..p].iter().filter(|c| **c == '\n').count();
                my(1064, "42000", format!("You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '{rest}' at line {line}"))
            }
        }
    }

    fn exec(&mut self, stmt: Stmt) -> R<Outcome> {
        match stmt {
            Stmt::Empty => Ok(Outcome::Done { tag: String::new(), affected: 0, info: None, notice: None }),
            Stmt::Select { items, from, filter, order, limit, offset } => self.select(items, from, filter, order, limit, offset),
            Stmt::Insert { table, cols, rows, returning } => self.insert(table, cols, rows, returning),
            Stmt::Update { table, sets, filter, returning } => self.update(table, sets, filter, returning),
            Stmt::Delete { table, filter, returning } => self.delete(table, filter, returning),
            Stmt::CreateTable { name, if_not_exists, cols } => self.create_table(name, if_not_exists, cols),
            Stmt::DropTable { names, if_exists } => self.drop_table(names, if_exists),
            Stmt::CreateDb { name, if_not_exists } => self.create_db(name, if_not_exists),
            Stmt::DropDb { name, if_exists } => self.drop_db(name, if_exists),
            Stmt::CreateUser { name, password, superuser, tag } => self.create_user(name, password, superuser, tag),
            Stmt::ShowDatabases => {
                let rows = self.store.databases().into_iter().map(|d| vec![Some(d.name)]).collect();
                Ok(Outcome::Rows { heads: vec![Head { name: "Database".into(), right: false, nullable: false }], rows, tag: String::new() })
            }
            Stmt::ShowTables => {
                let db = self.need_db()?;
                let rows = self.store.tables(&db).into_iter().map(|t| vec![Some(t.name)]).collect();
                Ok(Outcome::Rows { heads: vec![Head { name: format!("Tables_in_{db}"), right: false, nullable: false }], rows, tag: String::new() })
            }
            Stmt::Use((name, _)) => {
                if self.store.db(&name).is_none() {
                    return Err(my(1049, "42000", format!("Unknown database '{name}'")));
                }
                if name == "information_schema" || name == "performance_schema" {
                    return Err(not_simulated(&format!("the {name} schema")));
                }
                self.conn.db = name.clone();
                Ok(Outcome::Use(name))
            }
            Stmt::Describe(name) => self.describe(name),
        }
    }

    fn need_db(&self) -> R<String> {
        if self.conn.db.is_empty() {
            return Err(my(1046, "3D000", "No database selected".into()));
        }
        Ok(self.conn.db.clone())
    }

    /// The database and table a written name refers to (MySQL's `db.table`).
    fn split_name(&self, name: &str) -> R<(String, String)> {
        if self.d() == Dialect::My {
            if let Some((db, t)) = name.split_once('.') {
                return Ok((db.to_string(), t.to_string()));
            }
            return Ok((self.need_db()?, name.to_string()));
        }
        Ok((self.conn.db.clone(), name.to_string()))
    }

    fn missing_table(&self, db: &str, name: &str, pos: usize) -> SqlError {
        match self.d() {
            Dialect::Pg => err(format!("relation \"{name}\" does not exist"), Some(pos)),
            Dialect::My => my(1146, "42S02", format!("Table '{db}.{name}' doesn't exist")),
        }
    }

    /// Loads the tables of the database `name` lives in, and the index of `name`.
    fn load(&self, name: &sp::Name) -> R<(String, Vec<Table>, usize)> {
        let (db, t) = self.split_name(&name.0)?;
        if self.d() == Dialect::My && self.store.db(&db).is_none() {
            return Err(self.missing_table(&db, &t, name.1));
        }
        if self.d() == Dialect::My && super::store::MYSQL_SYSTEM.contains(&db.as_str()) {
            return Err(not_simulated(&format!("querying the {db} schema")));
        }
        let tables = self.store.tables(&db);
        match tables.iter().position(|x| x.name == t) {
            Some(i) => Ok((db, tables, i)),
            None => Err(self.missing_table(&db, &t, name.1)),
        }
    }

    fn save(&mut self, db: &str, tables: &[Table]) -> R<()> {
        if self.store.save_tables(db, tables) {
            Ok(())
        } else {
            Err(err("could not write to the data directory: Read-only file system".into(), None))
        }
    }

    // ----- expressions -----

    fn missing_column(&self, t: Option<&Table>, q: &Option<String>, name: &str, pos: usize, clause: &str) -> SqlError {
        match self.d() {
            Dialect::My => {
                let n = match q {
                    Some(q) => format!("{q}.{name}"),
                    None => name.to_string(),
                };
                my(1054, "42S22", format!("Unknown column '{n}' in '{clause}'"))
            }
            Dialect::Pg => {
                let mut e = match q {
                    Some(q) => err(format!("column {q}.{name} does not exist"), Some(pos)),
                    None => err(format!("column \"{name}\" does not exist"), Some(pos)),
                };
                if let Some(t) = t.filter(|_| name.len() <= 64) {
                    let limit = (name.chars().count() / 2).min(3);
                    let mut best: Vec<(&str, usize)> = t.cols.iter().map(|c| (c.name.as_str(), levenshtein(&c.name, name))).filter(|(_, d)| *d <= limit).collect();
                    let min = best.iter().map(|b| b.1).min();
                    best.retain(|b| Some(b.1) == min);
                    match best.as_slice() {
                        [(a, _)] => e = e.hint(&format!("Perhaps you meant to reference the column \"{}.{a}\".", t.name)),
                        [(a, _), (b, _)] => e = e.hint(&format!("Perhaps you meant to reference the column \"{0}.{a}\" or the column \"{0}.{b}\".", t.name)),
                        _ => {}
                    }
                }
                e
            }
        }
    }

    fn eval(&self, e: &Expr, env: &Env) -> R<V> {
        let d = self.d();
        match e {
            Expr::Lit(l, _) => Ok(match l {
                Lit::Null => (Value::Null, K::Unknown),
                Lit::Int(n) => (Value::Int(*n), K::Int(if in_range(*n, 4) { 4 } else { 8 })),
                Lit::Str(s) => (Value::Text(s.clone()), if d == Dialect::My { K::Text(0) } else { K::Unknown }),
                Lit::Bool(b) if d == Dialect::My => (Value::Int(i64::from(*b)), K::Int(4)),
                Lit::Bool(b) => (Value::Bool(*b), K::Bool),
            }),
            Expr::Col(q, name, pos) => {
                let Some(t) = env.t else { return Err(self.missing_column(None, q, name, *pos, env.clause)) };
                if let Some(q) = q {
                    let ok = match d {
                        Dialect::Pg => *q == t.name,
                        Dialect::My => q.eq_ignore_ascii_case(&t.name),
                    };
                    if !ok {
                        return Err(match d {
                            Dialect::Pg => err(format!("missing FROM-clause entry for table \"{q}\""), Some(*pos)),
                            Dialect::My => self.missing_column(Some(t), &Some(q.clone()), name, *pos, env.clause),
                        });
                    }
                }
                let Some(i) = t.col(name, d) else { return Err(self.missing_column(Some(t), q, name, *pos, env.clause)) };
                if env.agg.is_some() {
                    return Err(match d {
                        Dialect::Pg => err(format!("column \"{}.{}\" must appear in the GROUP BY clause or be used in an aggregate function", t.name, t.cols[i].name), Some(*pos)),
                        Dialect::My => my(1140, "42000", format!("In aggregated query without GROUP BY, expression #1 of SELECT list contains nonaggregated column '{}.{}.{}'; this is incompatible with sql_mode=only_full_group_by", self.conn.db, t.name, t.cols[i].name)),
                    });
                }
                let v = env.row.and_then(|r| r.get(i)).cloned().unwrap_or(Value::Null);
                let k = kind_of(&t.cols[i].ty);
                Ok((if d == Dialect::My && k == K::Bool { mysql_bool(v) } else { v }, if d == Dialect::My && k == K::Bool { K::Int(1) } else { k }))
            }
            Expr::Not(a) => {
                let (v, k) = self.eval(a, env)?;
                Ok(match self.truth(&v, k, expr_pos(a), "NOT")? {
                    None => (Value::Null, K::Bool),
                    Some(b) => self.boolean(!b),
                })
            }
            Expr::Neg(a, pos) => {
                let (v, k) = self.eval(a, env)?;
                match (v, k) {
                    (Value::Null, _) => Ok((Value::Null, k)),
                    (Value::Int(n), K::Int(w)) => n.checked_neg().filter(|x| in_range(*x, w)).map(|x| (Value::Int(x), K::Int(w))).ok_or_else(|| self.out_of_range(w)),
                    (Value::Text(s), K::Unknown) => match s.trim().parse::<i64>() {
                        Ok(n) => Ok((Value::Int(-n), K::Int(4))),
                        Err(_) => Err(err(format!("invalid input syntax for type integer: \"{s}\""), Some(expr_pos(a)))),
                    },
                    (_, k) => Err(self.no_operator(&format!("- {}", pg_kind(k)), *pos)),
                }
            }
            Expr::IsNull(a, not) => {
                let (v, _) = self.eval(a, env)?;
                Ok(self.boolean((v == Value::Null) != *not))
            }
            Expr::InList(a, list, _) => {
                let l = self.eval(a, env)?;
                let mut any_null = false;
                for x in list {
                    let r = self.eval(x, env)?;
                    match self.compare(l.clone(), expr_pos(a), r, expr_pos(x), expr_pos(x), "=")? {
                        Some(Ordering::Equal) => return Ok(self.boolean(true)),
                        None => any_null = true,
                        _ => {}
                    }
                }
                Ok(if any_null { (Value::Null, K::Bool) } else { self.boolean(false) })
            }
            Expr::Cast(a, ty, pos) => {
                let v = self.eval(a, env)?;
                self.cast(v, ty, expr_pos(a), *pos)
            }
            Expr::Bin(a, op, b, pos) => self.binary(a, *op, b, *pos, env),
            Expr::Func { name, args, star, pos } => self.func(name, args, *star, *pos, env),
        }
    }

    fn boolean(&self, b: bool) -> V {
        match self.d() {
            Dialect::Pg => (Value::Bool(b), K::Bool),
            Dialect::My => (Value::Int(i64::from(b)), K::Int(4)),
        }
    }

    fn out_of_range(&self, w: u8) -> SqlError {
        match self.d() {
            Dialect::Pg => err(format!("{} out of range", range_name(w)), None),
            Dialect::My => my(1690, "22003", "BIGINT value is out of range".into()),
        }
    }

    fn no_operator(&self, what: &str, pos: usize) -> SqlError {
        err(format!("operator does not exist: {what}"), Some(pos)).hint("No operator matches the given name and argument types. You might need to add explicit type casts.")
    }

    /// A value as a condition: `Some(bool)`, or `None` for NULL.
    fn truth(&self, v: &Value, k: K, pos: usize, ctx: &str) -> R<Option<bool>> {
        match v {
            Value::Null => Ok(None),
            Value::Bool(b) => Ok(Some(*b)),
            Value::Int(n) if self.d() == Dialect::My => Ok(Some(*n != 0)),
            Value::Text(s) if k == K::Unknown => match parse_bool(s) {
                Some(b) => Ok(Some(b)),
                None => Err(err(format!("invalid input syntax for type boolean: \"{s}\""), Some(pos))),
            },
            Value::Text(s) if self.d() == Dialect::My => Ok(Some(s.trim().parse::<i64>().map(|n| n != 0).unwrap_or(false))),
            _ => Err(err(format!("argument of {ctx} must be type boolean, not type {}", pg_kind(k)), Some(pos))),
        }
    }

    /// Brings two operands to a common kind (PostgreSQL coerces `unknown` literals to the other
    /// side's type; MySQL converts strings to numbers against numbers).
    fn unify(&self, a: V, apos: usize, b: V, bpos: usize, oppos: usize, op: &str) -> R<(Value, Value, K)> {
        let ((av, ak), (bv, bk)) = (a, b);
        if av == Value::Null || bv == Value::Null {
            return Ok((Value::Null, Value::Null, K::Unknown));
        }
        if self.d() == Dialect::My {
            let num = |v: &Value| -> i64 {
                match v {
                    Value::Int(n) => *n,
                    Value::Bool(b) => i64::from(*b),
                    Value::Text(s) => {
                        let t = s.trim_start();
                        let end = t.char_indices().find(|(i, c)| !(c.is_ascii_digit() || (*i == 0 && (*c == '-' || *c == '+')))).map(|(i, _)| i).unwrap_or(t.len());
                        t[..end].parse().unwrap_or(0)
                    }
                    Value::Null => 0,
                }
            };
            return Ok(match (ak, bk) {
                (K::Int(_), _) | (_, K::Int(_)) => (Value::Int(num(&av)), Value::Int(num(&bv)), K::Int(8)),
                _ => (av, bv, K::Text(0)),
            });
        }
        let coerce = |v: Value, to: K, pos: usize| -> R<Value> {
            let Value::Text(s) = v else { return Ok(v) };
            match to {
                K::Int(w) => match s.trim().parse::<i64>() {
                    Ok(n) if in_range(n, w) => Ok(Value::Int(n)),
                    Ok(_) => Err(err(format!("value \"{s}\" is out of range for type {}", range_name(w)), Some(pos))),
                    Err(_) => Err(err(format!("invalid input syntax for type {}: \"{s}\"", range_name(w)), Some(pos))),
                },
                K::Bool => parse_bool(&s).map(Value::Bool).ok_or_else(|| err(format!("invalid input syntax for type boolean: \"{s}\""), Some(pos))),
                K::Ts | K::TsTz | K::Date => match parse_datetime(&s, to == K::Date) {
                    Ok(t) => Ok(Value::Text(t)),
                    Err(true) => Err(err(format!("date/time field value out of range: \"{s}\""), Some(pos))),
                    Err(false) => Err(err(format!("invalid input syntax for type {}: \"{s}\"", pg_kind(to)), Some(pos))),
                },
                _ => Ok(Value::Text(s)),
            }
        };
        let tsish = |k: K| matches!(k, K::Ts | K::TsTz | K::Date);
        match (ak, bk) {
            (K::Unknown, K::Unknown) => Ok((av, bv, K::Text(0))),
            (K::Unknown, k) => Ok((coerce(av, k, apos)?, bv, k)),
            (k, K::Unknown) => Ok((av, coerce(bv, k, bpos)?, k)),
            (K::Int(x), K::Int(y)) => Ok((av, bv, K::Int(x.max(y)))),
            (K::Text(_), K::Text(_)) => Ok((av, bv, K::Text(0))),
            (x, y) if x == y => Ok((av, bv, x)),
            (x, y) if tsish(x) && tsish(y) => {
                let full = |v: Value| match v {
                    Value::Text(s) if s.len() == 10 => Value::Text(format!("{s} 00:00:00")),
                    v => v,
                };
                Ok((full(av), full(bv), K::Ts))
            }
            (x, y) => Err(self.no_operator(&format!("{} {op} {}", pg_kind(x), pg_kind(y)), oppos)),
        }
    }

    fn compare(&self, a: V, apos: usize, b: V, bpos: usize, oppos: usize, op: &str) -> R<Option<Ordering>> {
        let (x, y, _) = self.unify(a, apos, b, bpos, oppos, op)?;
        Ok(self.cmp_values(&x, &y))
    }

    fn cmp_values(&self, x: &Value, y: &Value) -> Option<Ordering> {
        match (x, y) {
            (Value::Null, _) | (_, Value::Null) => None,
            (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
            (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
            (Value::Text(a), Value::Text(b)) => Some(match self.d() {
                Dialect::My => text_cmp(a, b, Dialect::My, false),
                Dialect::Pg => a.cmp(b),
            }),
            _ => None,
        }
    }

    fn binary(&self, a: &Expr, op: Op, b: &Expr, pos: usize, env: &Env) -> R<V> {
        let d = self.d();
        if matches!(op, Op::And | Op::Or) {
            let (av, ak) = self.eval(a, env)?;
            let (bv, bk) = self.eval(b, env)?;
            let name = if op == Op::And { "AND" } else { "OR" };
            let x = self.truth(&av, ak, expr_pos(a), name)?;
            let y = self.truth(&bv, bk, expr_pos(b), name)?;
            let r = match op {
                Op::And => match (x, y) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                },
                _ => match (x, y) {
                    (Some(true), _) | (_, Some(true)) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                },
            };
            return Ok(match r {
                Some(v) => self.boolean(v),
                None => (Value::Null, K::Bool),
            });
        }
        let l = self.eval(a, env)?;
        let r = self.eval(b, env)?;
        let (ap, bp) = (expr_pos(a), expr_pos(b));
        let sym = match op {
            Op::Eq => "=",
            Op::Ne => "<>",
            Op::Lt => "<",
            Op::Gt => ">",
            Op::Le => "<=",
            Op::Ge => ">=",
            Op::Add => "+",
            Op::Sub => "-",
            Op::Mul => "*",
            Op::Div => "/",
            Op::Mod => "%",
            Op::Concat => "||",
            Op::Like => "~~",
            Op::And | Op::Or => "",
        };
        match op {
            Op::Eq | Op::Ne | Op::Lt | Op::Gt | Op::Le | Op::Ge => {
                let o = match self.compare(l, ap, r, bp, pos, sym)? {
                    None => return Ok((Value::Null, K::Bool)),
                    Some(o) => o,
                };
                let v = match op {
                    Op::Eq => o == Ordering::Equal,
                    Op::Ne => o != Ordering::Equal,
                    Op::Lt => o == Ordering::Less,
                    Op::Gt => o == Ordering::Greater,
                    Op::Le => o != Ordering::Greater,
                    _ => o != Ordering::Less,
                };
                Ok(self.boolean(v))
            }
            Op::Like => {
                let (x, y) = match (l, r) {
                    ((Value::Null, _), _) | (_, (Value::Null, _)) => return Ok((Value::Null, K::Bool)),
                    ((Value::Text(x), ka), (Value::Text(y), kb)) if d == Dialect::My || (matches!(ka, K::Text(_) | K::Unknown) && matches!(kb, K::Text(_) | K::Unknown)) => (x, y),
                    ((x, ka), (y, kb)) if d == Dialect::My => {
                        let s = |v: Value| self.show(&v, ka).unwrap_or_default();
                        let _ = kb;
                        (s(x), s(y))
                    }
                    ((_, ka), (_, kb)) => return Err(self.no_operator(&format!("{} ~~ {}", pg_kind(ka), pg_kind(kb)), pos)),
                };
                Ok(self.boolean(super::glob::matches(&y, &x, super::glob::Kind::Like, d == Dialect::My)))
            }
            Op::Concat => match (l, r) {
                ((Value::Null, _), _) | (_, (Value::Null, _)) => Ok((Value::Null, K::Text(0))),
                ((x, ka), (y, kb)) => {
                    if ka != K::Unknown && !matches!(ka, K::Text(_)) && kb != K::Unknown && !matches!(kb, K::Text(_)) {
                        return Err(self.no_operator(&format!("{} || {}", pg_kind(ka), pg_kind(kb)), pos));
                    }
                    let s = self.show(&x, ka).unwrap_or_default() + &self.show(&y, kb).unwrap_or_default();
                    Ok((Value::Text(s), K::Text(0)))
                }
            },
            _ => {
                let (x, y, k) = match (&l.1, &r.1) {
                    (K::Unknown, K::Unknown) if d == Dialect::Pg => return Err(err(format!("operator is not unique: unknown {sym} unknown"), Some(pos)).hint("Could not choose a best candidate operator. You might need to add explicit type casts.")),
                    _ => self.unify(l, ap, r, bp, pos, sym)?,
                };
                let w = match k {
                    K::Int(w) => w,
                    K::Unknown => return Ok((Value::Null, K::Int(4))),
                    k => return Err(self.no_operator(&format!("{} {sym} {}", pg_kind(k), pg_kind(k)), pos)),
                };
                let (Value::Int(x), Value::Int(y)) = (x, y) else { return Ok((Value::Null, K::Int(w))) };
                let v = match op {
                    Op::Add => x.checked_add(y),
                    Op::Sub => x.checked_sub(y),
                    Op::Mul => x.checked_mul(y),
                    Op::Div | Op::Mod if y == 0 => {
                        return match d {
                            Dialect::Pg => Err(err("division by zero".into(), None)),
                            Dialect::My => Ok((Value::Null, K::Int(w))),
                        }
                    }
                    Op::Div => x.checked_div(y),
                    _ => x.checked_rem(y),
                };
                match v {
                    Some(v) if in_range(v, w) => Ok((Value::Int(v), K::Int(w))),
                    _ => Err(self.out_of_range(w)),
                }
            }
        }
    }

    fn cast(&self, (v, k): V, ty: &Ty, pos: usize, cast_pos: usize) -> R<V> {
        let to = kind_of(ty);
        if v == Value::Null {
            return Ok((Value::Null, to));
        }
        let text = match (&v, k) {
            (Value::Text(s), _) => s.clone(),
            (v, k) => self.show(v, k).unwrap_or_default(),
        };
        let bad = |k: K| err(format!("cannot cast type {} to {}", pg_kind(k), pg_type(ty)), Some(cast_pos));
        match to {
            K::Int(w) => match (&v, k) {
                (Value::Int(n), _) if in_range(*n, w) => Ok((Value::Int(*n), to)),
                (Value::Int(_), _) => Err(self.out_of_range(w)),
                (Value::Bool(b), _) if w == 4 => Ok((Value::Int(i64::from(*b)), to)),
                (Value::Text(s), K::Unknown | K::Text(_)) => match s.trim().parse::<i64>() {
                    Ok(n) if in_range(n, w) => Ok((Value::Int(n), to)),
                    Ok(_) => Err(err(format!("value \"{s}\" is out of range for type {}", range_name(w)), Some(pos))),
                    Err(_) => Err(err(format!("invalid input syntax for type {}: \"{s}\"", range_name(w)), Some(pos))),
                },
                _ => Err(bad(k)),
            },
            K::Text(_) => {
                if let Ty::Varchar(Some(n)) | Ty::Char(n) = ty {
                    return Ok((Value::Text(text.chars().take(*n as usize).collect()), to));
                }
                Ok((Value::Text(text), to))
            }
            K::Bool => match (&v, k) {
                (Value::Bool(_), _) => Ok((v, K::Bool)),
                (Value::Int(n), _) => Ok((Value::Bool(*n != 0), K::Bool)),
                (Value::Text(s), _) => parse_bool(s).map(|b| (Value::Bool(b), K::Bool)).ok_or_else(|| err(format!("invalid input syntax for type boolean: \"{s}\""), Some(pos))),
                _ => Err(bad(k)),
            },
            K::Ts | K::Date => {
                if matches!(k, K::Int(_) | K::Bool) {
                    return Err(bad(k));
                }
                match parse_datetime(&text, to == K::Date) {
                    Ok(t) => Ok((Value::Text(t), to)),
                    Err(true) => Err(err(format!("date/time field value out of range: \"{text}\""), Some(pos))),
                    Err(false) => Err(err(format!("invalid input syntax for type {}: \"{text}\"", pg_kind(to)), Some(pos))),
                }
            }
            _ => Err(bad(k)),
        }
    }

    fn func(&self, name: &str, args: &[Expr], star: bool, pos: usize, env: &Env) -> R<V> {
        let d = self.d();
        if is_aggregate(name) {
            let Some(rows) = env.agg else {
                return Err(match d {
                    Dialect::Pg => err("aggregate functions are not allowed in WHERE".into(), Some(pos)),
                    Dialect::My => my(1111, "HY000", "Invalid use of group function".into()),
                });
            };
            if name == "avg" {
                return Err(not_simulated("avg() (its decimal result)"));
            }
            if star {
                if name != "count" {
                    return Err(err("syntax error at or near \"*\"".into(), Some(pos)));
                }
                return Ok((Value::Int(rows.len() as i64), K::Int(8)));
            }
            let [arg] = args else { return Err(self.no_function(name, args, pos, env)) };
            let mut vals = Vec::new();
            let mut k = K::Unknown;
            for r in rows {
                let e = Env { t: env.t, row: Some(r), agg: None, clause: env.clause };
                let (v, kk) = self.eval(arg, &e)?;
                k = kk;
                if v != Value::Null {
                    vals.push(v);
                }
            }
            if rows.is_empty() {
                k = self.eval(arg, &Env { t: env.t, row: None, agg: None, clause: env.clause }).map(|v| v.1).unwrap_or(K::Unknown);
            }
            return match name {
                "count" => Ok((Value::Int(vals.len() as i64), K::Int(8))),
                "sum" => {
                    if !matches!(k, K::Int(_)) && !vals.is_empty() {
                        return Err(self.no_function(name, args, pos, env));
                    }
                    let mut s: i64 = 0;
                    for v in &vals {
                        if let Value::Int(n) = v {
                            s = s.checked_add(*n).ok_or_else(|| self.out_of_range(8))?;
                        }
                    }
                    Ok((if vals.is_empty() { Value::Null } else { Value::Int(s) }, K::Int(8)))
                }
                _ => {
                    let mut best: Option<Value> = None;
                    for v in vals {
                        let better = match &best {
                            None => true,
                            Some(b) => {
                                let o = match (&v, b) {
                                    (Value::Text(x), Value::Text(y)) if matches!(k, K::Text(_)) => text_cmp(x, y, d, self.conn.collate_c),
                                    _ => self.cmp_values(&v, b).unwrap_or(Ordering::Equal),
                                };
                                if name == "min" { o == Ordering::Less } else { o == Ordering::Greater }
                            }
                        };
                        if better {
                            best = Some(v);
                        }
                    }
                    Ok((best.unwrap_or(Value::Null), k))
                }
            };
        }
        if name == "default" {
            return Err(match d {
                Dialect::Pg => err("DEFAULT is not allowed in this context".into(), Some(pos)),
                Dialect::My => self.syntax(sp::SyntaxError { pos: Some(pos), near: String::new(), kind: SynKind::Syntax }, ""),
            });
        }
        let mut vals = Vec::new();
        for a in args {
            vals.push(self.eval(a, env)?);
        }
        let text = |v: &V| self.show(&v.0, v.1);
        let now = self.now();
        let r: V = match (name, vals.as_slice()) {
            ("now" | "current_timestamp", []) => match d {
                Dialect::Pg => (Value::Text(timestamp(now, true)), K::TsTz),
                Dialect::My => (Value::Text(timestamp(now, false)), K::Ts),
            },
            ("localtimestamp", []) => (Value::Text(timestamp(now, true)), K::Ts),
            ("current_date" | "curdate", []) => (Value::Text(timestamp(now, false)[..10].to_string()), K::Date),
            ("current_user" | "user" | "session_user", []) => match d {
                Dialect::Pg => (Value::Text(self.conn.user.clone()), K::Text(0)),
                Dialect::My => (Value::Text(format!("{}@localhost", self.conn.user)), K::Text(0)),
            },
            ("current_database", []) if d == Dialect::Pg => (Value::Text(self.conn.db.clone()), K::Text(0)),
            ("database" | "schema", []) if d == Dialect::My => (if self.conn.db.is_empty() { Value::Null } else { Value::Text(self.conn.db.clone()) }, K::Text(0)),
            ("version", []) => (Value::Text(self.conn.version.clone()), K::Text(0)),
            ("upper" | "lower", [v]) if v.0 == Value::Null => (Value::Null, K::Text(0)),
            ("upper", [v]) if text_like(v.1, d) => (Value::Text(text(v).unwrap_or_default().to_uppercase()), K::Text(0)),
            ("lower", [v]) if text_like(v.1, d) => (Value::Text(text(v).unwrap_or_default().to_lowercase()), K::Text(0)),
            ("length" | "char_length" | "character_length", [v]) if text_like(v.1, d) => match text(v) {
                None => (Value::Null, K::Int(4)),
                Some(s) => (Value::Int(if name == "length" && d == Dialect::My { s.len() } else { s.chars().count() } as i64), K::Int(4)),
            },
            ("abs", [(Value::Int(n), k @ K::Int(_))]) => (Value::Int(n.checked_abs().ok_or_else(|| self.out_of_range(8))?), *k),
            ("abs", [(Value::Null, k)]) => (Value::Null, *k),
            ("coalesce", vs) if !vs.is_empty() => {
                let k = vs.iter().map(|v| v.1).find(|k| *k != K::Unknown).unwrap_or(K::Text(0));
                vs.iter().find(|v| v.0 != Value::Null).map(|v| (v.0.clone(), k)).unwrap_or((Value::Null, k))
            }
            ("concat", vs) => {
                if d == Dialect::My && vs.iter().any(|v| v.0 == Value::Null) {
                    (Value::Null, K::Text(0))
                } else {
                    (Value::Text(vs.iter().filter_map(text).collect()), K::Text(0))
                }
            }
            _ => return Err(self.no_function(name, args, pos, env)),
        };
        Ok(r)
    }

    fn no_function(&self, name: &str, args: &[Expr], pos: usize, env: &Env) -> SqlError {
        match self.d() {
            Dialect::My => my(1305, "42000", format!("FUNCTION {}.{name} does not exist", if self.conn.db.is_empty() { "" } else { &self.conn.db })),
            Dialect::Pg => {
                let kinds: Vec<&str> = args.iter().map(|a| self.eval(a, env).map(|v| pg_kind(v.1)).unwrap_or("unknown")).collect();
                err(format!("function {name}({}) does not exist", kinds.join(", ")), Some(pos)).hint("No function matches the given name and argument types. You might need to add explicit type casts.")
            }
        }
    }

    /// A value as the client shows it (`None` for NULL).
    fn show(&self, v: &Value, k: K) -> Option<String> {
        match v {
            Value::Null => None,
            Value::Int(n) => Some(n.to_string()),
            Value::Bool(b) => Some(match self.d() {
                Dialect::Pg => if *b { "t" } else { "f" }.into(),
                Dialect::My => if *b { "1" } else { "0" }.into(),
            }),
            Value::Text(s) if k == K::TsTz && self.d() == Dialect::Pg => Some(format!("{s}+00")),
            Value::Text(s) => Some(s.clone()),
        }
    }

    fn show_col(&self, v: &Value, c: &Column) -> Option<String> {
        let s = self.show(v, kind_of(&c.ty))?;
        if let (Ty::Char(n), Dialect::Pg) = (&c.ty, self.d()) {
            let pad = (*n as usize).saturating_sub(s.chars().count());
            return Some(format!("{s}{}", " ".repeat(pad)));
        }
        Some(s)
    }

    // ----- statements -----

    /// Output columns of a select list: (heads, expressions).
    fn expand(&self, items: &[Item], t: Option<&Table>) -> R<Vec<(Head, Expr)>> {
        let mut out = Vec::new();
        for it in items {
            match it {
                Item::Star(pos) => {
                    let Some(t) = t else {
                        return Err(match self.d() {
                            Dialect::Pg => err("SELECT * with no tables specified is not valid".into(), Some(*pos)),
                            Dialect::My => my(1096, "HY000", "No tables used".into()),
                        });
                    };
                    for c in &t.cols {
                        out.push((Head { name: c.name.clone(), right: false, nullable: !c.not_null }, Expr::Col(None, c.name.clone(), *pos)));
                    }
                }
                Item::Expr(e, alias, text) => {
                    let name = match (alias, self.d()) {
                        (Some(a), _) => a.clone(),
                        (None, Dialect::Pg) => pg_colname(e).unwrap_or_else(|| "?column?".into()),
                        (None, Dialect::My) => match e {
                            Expr::Lit(Lit::Str(s), _) => s.clone(),
                            _ => text.clone(),
                        },
                    };
                    out.push((Head { name, right: false, nullable: nullable(e, t, self.d()) }, e.clone()));
                }
            }
        }
        Ok(out)
    }

    /// Evaluates output expressions for rows; fills in each head's alignment.
    fn project(&self, cols: &mut [(Head, Expr)], t: Option<&Table>, rows: &[Vec<Value>], clause: &'static str) -> R<Vec<Vec<Option<String>>>> {
        let mut out = Vec::new();
        for r in rows {
            let env = Env { t, row: Some(r), agg: None, clause };
            let mut line = Vec::new();
            for (h, e) in cols.iter_mut() {
                let (v, k) = self.eval(e, &env)?;
                h.right = matches!(k, K::Int(_));
                line.push(self.show_out(&v, k, e, t));
            }
            out.push(line);
        }
        if rows.is_empty() {
            for (h, e) in cols.iter_mut() {
                let env = Env { t, row: None, agg: None, clause };
                let (_, k) = self.eval(e, &env)?;
                h.right = matches!(k, K::Int(_));
            }
        }
        Ok(out)
    }

    fn show_out(&self, v: &Value, k: K, e: &Expr, t: Option<&Table>) -> Option<String> {
        if let (Expr::Col(_, n, _), Some(t)) = (e, t) {
            if let Some(i) = t.col(n, self.d()) {
                return self.show_col(v, &t.cols[i]);
            }
        }
        self.show(v, k)
    }

    fn filter_rows(&self, t: &Table, filter: &Option<Expr>) -> R<Vec<usize>> {
        let mut keep = Vec::new();
        for (i, r) in t.rows.iter().enumerate() {
            if let Some(f) = filter {
                let env = Env { t: Some(t), row: Some(r), agg: None, clause: "where clause" };
                let (v, k) = self.eval(f, &env)?;
                if k != K::Bool && k != K::Unknown && self.d() == Dialect::Pg && v != Value::Null {
                    return Err(err(format!("argument of WHERE must be type boolean, not type {}", pg_kind(k)), Some(expr_pos(f))));
                }
                if self.truth(&v, k, expr_pos(f), "WHERE")? != Some(true) {
                    continue;
                }
            } else if self.d() == Dialect::Pg {
                // no filter
            }
            keep.push(i);
        }
        if let Some(f) = filter {
            if t.rows.is_empty() {
                let env = Env { t: Some(t), row: None, agg: None, clause: "where clause" };
                self.eval(f, &env)?;
            }
        }
        Ok(keep)
    }

    fn limit_value(&self, e: &Option<Expr>, what: &str) -> R<Option<usize>> {
        let Some(e) = e else { return Ok(None) };
        let env = Env { t: None, row: None, agg: None, clause: "field list" };
        match self.eval(e, &env)? {
            (Value::Null, _) => Ok(None),
            (Value::Int(n), _) if n < 0 => Err(match self.d() {
                Dialect::Pg => err(format!("{what} must not be negative"), None),
                Dialect::My => self.syntax(sp::SyntaxError { pos: Some(expr_pos(e)), near: String::new(), kind: SynKind::Syntax }, ""),
            }),
            (Value::Int(n), _) => Ok(Some(n as usize)),
            (v, k) => Err(err(format!("invalid input syntax for type bigint: \"{}\"", self.show(&v, k).unwrap_or_default()), Some(expr_pos(e)))),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn select(&mut self, items: Vec<Item>, from: Option<sp::Name>, filter: Option<Expr>, order: Vec<(Expr, bool)>, limit: Option<Expr>, offset: Option<Expr>) -> R<Outcome> {
        let table = match &from {
            Some(n) => Some(self.load(n)?),
            None => None,
        };
        let t: Option<&Table> = table.as_ref().map(|(_, ts, i)| &ts[*i]);
        let mut cols = self.expand(&items, t)?;
        let rows: Vec<Vec<Value>> = match t {
            Some(t) => self.filter_rows(t, &filter)?.into_iter().map(|i| t.rows[i].clone()).collect(),
            None => {
                if let Some(f) = &filter {
                    let env = Env { t: None, row: Some(&[]), agg: None, clause: "where clause" };
                    let (v, k) = self.eval(f, &env)?;
                    if self.truth(&v, k, expr_pos(f), "WHERE")? != Some(true) {
                        Vec::new()
                    } else {
                        vec![Vec::new()]
                    }
                } else {
                    vec![Vec::new()]
                }
            }
        };
        let aggregate = cols.iter().any(|(_, e)| has_aggregate(e));
        if aggregate {
            let env = Env { t, row: None, agg: Some(&rows), clause: "field list" };
            let mut line = Vec::new();
            for (h, e) in cols.iter_mut() {
                let (v, k) = self.eval(e, &env)?;
                h.right = matches!(k, K::Int(_));
                let shown = match e {
                    Expr::Func { name, args, .. } if name == "min" || name == "max" => match args.first() {
                        Some(a @ Expr::Col(..)) => self.show_out(&v, k, a, t),
                        _ => self.show(&v, k),
                    },
                    _ => self.show(&v, k),
                };
                line.push(shown);
            }
            let heads = cols.into_iter().map(|c| c.0).collect();
            let off = self.limit_value(&offset, "OFFSET")?.unwrap_or(0);
            let lim = self.limit_value(&limit, "LIMIT")?;
            let rows: Vec<_> = std::iter::once(line).skip(off).take(lim.unwrap_or(usize::MAX)).collect();
            let tag = format!("SELECT {}", rows.len());
            return Ok(Outcome::Rows { heads, rows, tag });
        }
        // ORDER BY: output column names and ordinals, or expressions over the row.
        let mut keyed: Vec<Keyed> = Vec::new();
        for r in rows {
            let mut keys = Vec::new();
            for (e, _) in &order {
                let by_out = match e {
                    Expr::Col(None, n, _) if t.is_none_or(|t| t.col(n, self.d()).is_none()) => cols.iter().find(|(h, _)| h.name == *n).map(|(_, e)| e.clone()),
                    Expr::Lit(Lit::Int(n), p) => match cols.get((*n as usize).wrapping_sub(1)) {
                        Some((_, e)) if *n >= 1 => Some(e.clone()),
                        _ => {
                            return Err(match self.d() {
                                Dialect::Pg => err(format!("ORDER BY position {n} is not in select list"), Some(*p)),
                                Dialect::My => my(1054, "42S22", format!("Unknown column '{n}' in 'order clause'")),
                            })
                        }
                    },
                    _ => None,
                };
                let env = Env { t, row: Some(&r), agg: None, clause: "order clause" };
                let v = self.eval(by_out.as_ref().unwrap_or(e), &env)?;
                keys.push(Some(v));
            }
            keyed.push((keys, r));
        }
        if !order.is_empty() {
            let d = self.d();
            let cc = self.conn.collate_c;
            let desc: Vec<bool> = order.iter().map(|o| o.1).collect();
            crate::text::sort_by(&mut keyed, &|a, b| {
                for (i, (x, y)) in a.0.iter().zip(b.0.iter()).enumerate() {
                    let (Some((xv, xk)), Some((yv, _))) = (x, y) else { continue };
                    let o = match (xv, yv) {
                        (Value::Null, Value::Null) => Ordering::Equal,
                        // PostgreSQL sorts NULLs as larger than anything; MySQL as smaller.
                        (Value::Null, _) => if d == Dialect::Pg { Ordering::Greater } else { Ordering::Less },
                        (_, Value::Null) => if d == Dialect::Pg { Ordering::Less } else { Ordering::Greater },
                        (Value::Int(p), Value::Int(q)) => p.cmp(q),
                        (Value::Bool(p), Value::Bool(q)) => p.cmp(q),
                        (Value::Text(p), Value::Text(q)) if matches!(xk, K::Text(_) | K::Unknown) => text_cmp(p, q, d, cc),
                        (Value::Text(p), Value::Text(q)) => p.cmp(q),
                        _ => Ordering::Equal,
                    };
                    let o = if desc[i] { o.reverse() } else { o };
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                Ordering::Equal
            });
        }
        let off = self.limit_value(&offset, "OFFSET")?.unwrap_or(0);
        let lim = self.limit_value(&limit, "LIMIT")?;
        let rows: Vec<Vec<Value>> = keyed.into_iter().map(|k| k.1).skip(off).take(lim.unwrap_or(usize::MAX)).collect();
        let out = self.project(&mut cols, t, &rows, "field list")?;
        let tag = format!("SELECT {}", out.len());
        Ok(Outcome::Rows { heads: cols.into_iter().map(|c| c.0).collect(), rows: out, tag })
    }

    /// Converts a value to a column's type for storing it, with each server's rules and errors.
    fn assign(&self, (v, k): V, c: &Column, t: &str, pos: usize, row: usize) -> R<Value> {
        let d = self.d();
        if v == Value::Null {
            return Ok(Value::Null);
        }
        let type_err = |k: K| match d {
            Dialect::Pg => err(format!("column \"{}\" is of type {} but expression is of type {}", c.name, pg_type(&c.ty), pg_kind(k)), Some(pos)).hint("You will need to rewrite or cast the expression."),
            Dialect::My => my(1366, "HY000", format!("Incorrect value for column '{}' at row {row}", c.name)),
        };
        let _ = t;
        match (&c.ty, d) {
            (Ty::Int2 | Ty::Int4 | Ty::Int8, _) => {
                let w = match c.ty {
                    Ty::Int2 => 2,
                    Ty::Int4 => 4,
                    _ => 8,
                };
                let n = match (&v, k) {
                    (Value::Int(n), _) => *n,
                    (Value::Bool(b), _) if d == Dialect::My => i64::from(*b),
                    (Value::Text(s), K::Unknown) | (Value::Text(s), K::Text(_)) if d == Dialect::My || k == K::Unknown => match s.trim().parse::<i64>() {
                        Ok(n) => n,
                        Err(_) => {
                            return Err(match d {
                                Dialect::Pg => err(format!("invalid input syntax for type {}: \"{s}\"", range_name(w)), Some(pos)),
                                Dialect::My => my(1366, "HY000", format!("Incorrect integer value: '{s}' for column '{}' at row {row}", c.name)),
                            })
                        }
                    },
                    _ => return Err(type_err(k)),
                };
                if !in_range(n, w) {
                    return Err(match d {
                        Dialect::Pg => err(format!("{} out of range", range_name(w)), None),
                        Dialect::My => my(1264, "22003", format!("Out of range value for column '{}' at row {row}", c.name)),
                    });
                }
                Ok(Value::Int(n))
            }
            (Ty::Text | Ty::Varchar(_) | Ty::Char(_), _) => {
                let s = match (&v, k) {
                    (Value::Text(s), _) => s.clone(),
                    (Value::Int(n), _) => n.to_string(),
                    (Value::Bool(b), _) if d == Dialect::Pg => if *b { "true" } else { "false" }.into(),
                    (v, k) => self.show(v, k).unwrap_or_default(),
                };
                let max = match c.ty {
                    Ty::Varchar(Some(n)) | Ty::Char(n) => Some(n as usize),
                    _ => None,
                };
                if let Some(n) = max {
                    if s.trim_end_matches(' ').chars().count() > n {
                        return Err(match d {
                            Dialect::Pg => err(format!("value too long for type {}", pg_type(&c.ty)), None),
                            Dialect::My => my(1406, "22001", format!("Data too long for column '{}' at row {row}", c.name)),
                        });
                    }
                    return Ok(Value::Text(s.chars().take(n).collect::<String>()));
                }
                Ok(Value::Text(s))
            }
            (Ty::Bool, Dialect::Pg) => match (&v, k) {
                (Value::Bool(b), _) => Ok(Value::Bool(*b)),
                (Value::Text(s), K::Unknown) => parse_bool(s).map(Value::Bool).ok_or_else(|| err(format!("invalid input syntax for type boolean: \"{s}\""), Some(pos))),
                _ => Err(type_err(k)),
            },
            (Ty::Bool, Dialect::My) => match &v {
                Value::Int(n) if in_range(*n, 2) && (-128..=127).contains(n) => Ok(Value::Int(*n)),
                Value::Int(_) => Err(my(1264, "22003", format!("Out of range value for column '{}' at row {row}", c.name))),
                Value::Bool(b) => Ok(Value::Int(i64::from(*b))),
                Value::Text(s) => s.trim().parse::<i64>().map(Value::Int).map_err(|_| my(1366, "HY000", format!("Incorrect integer value: '{s}' for column '{}' at row {row}", c.name))),
                Value::Null => Ok(Value::Null),
            },
            (Ty::Timestamp | Ty::Datetime | Ty::Date, _) => {
                let date = c.ty == Ty::Date;
                let s = match (&v, k) {
                    (Value::Text(s), K::Ts | K::TsTz | K::Date) => {
                        let s = if s.len() == 10 { format!("{s} 00:00:00") } else { s.clone() };
                        return Ok(Value::Text(if date { s.get(..10).unwrap_or(&s).to_string() } else { s }));
                    }
                    (Value::Text(s), K::Unknown) => s.clone(),
                    (Value::Text(s), K::Text(_)) if d == Dialect::My => s.clone(),
                    _ if d == Dialect::My => self.show(&v, k).unwrap_or_default(),
                    _ => return Err(type_err(k)),
                };
                match parse_datetime(&s, date) {
                    Ok(x) => Ok(Value::Text(if d == Dialect::My && !date { x.split('.').next().unwrap_or("").to_string() } else { x })),
                    Err(range) => Err(match d {
                        Dialect::Pg if range => err(format!("date/time field value out of range: \"{s}\""), Some(pos)),
                        Dialect::Pg => err(format!("invalid input syntax for type {}: \"{s}\"", if date { "date" } else { "timestamp" }), Some(pos)),
                        Dialect::My => my(1292, "22007", format!("Incorrect {} value: '{s}' for column '{}' at row {row}", if date { "date" } else { "datetime" }, c.name)),
                    }),
                }
            }
        }
    }

    /// The value a column gets when none is given.
    fn default_value(&self, t: &mut Table, ci: usize) -> Value {
        match &t.cols[ci].default {
            None => Value::Null,
            Some(Default::Serial) => {
                t.seq += 1;
                Value::Int(t.seq)
            }
            Some(Default::Now(_)) => {
                let s = timestamp(self.now(), self.d() == Dialect::Pg);
                Value::Text(if t.cols[ci].ty == Ty::Date { s[..10].to_string() } else { s })
            }
            Some(Default::Lit(v)) => v.clone(),
        }
    }

    /// Checks NOT NULL, PRIMARY KEY and UNIQUE for a new or changed row `ri` (`None`: appended).
    fn check_row(&self, t: &Table, row: &[Value], skip: Option<usize>, explicit: &[bool], rownum: usize) -> R<()> {
        for (ci, c) in t.cols.iter().enumerate() {
            if c.not_null && row[ci] == Value::Null {
                return Err(match self.d() {
                    Dialect::Pg => {
                        let shown: Vec<String> = row.iter().zip(&t.cols).map(|(v, c)| self.show_col(v, c).unwrap_or_else(|| "null".into())).collect();
                        err(format!("null value in column \"{}\" of relation \"{}\" violates not-null constraint", c.name, t.name), None).detail(format!("Failing row contains ({}).", shown.join(", ")))
                    }
                    Dialect::My if explicit.get(ci) == Some(&false) => my(1364, "HY000", format!("Field '{}' doesn't have a default value", c.name)),
                    Dialect::My => my(1048, "23000", format!("Column '{}' cannot be null", c.name)),
                });
            }
        }
        let _ = rownum;
        for (ci, c) in t.cols.iter().enumerate() {
            if !(c.primary || c.unique) || row[ci] == Value::Null {
                continue;
            }
            let dup = t.rows.iter().enumerate().any(|(i, r)| Some(i) != skip && self.same(&r[ci], &row[ci]));
            if dup {
                let shown = self.show_col(&row[ci], c).unwrap_or_default();
                return Err(match self.d() {
                    Dialect::Pg => {
                        let cname = if c.primary { format!("{}_pkey", t.name) } else { format!("{}_{}_key", t.name, c.name) };
                        err(format!("duplicate key value violates unique constraint \"{cname}\""), None).detail(format!("Key ({})=({shown}) already exists.", c.name))
                    }
                    Dialect::My => my(1062, "23000", format!("Duplicate entry '{shown}' for key '{}.{}'", t.name, if c.primary { "PRIMARY" } else { &c.name })),
                });
            }
        }
        Ok(())
    }

    fn same(&self, a: &Value, b: &Value) -> bool {
        match (a, b, self.d()) {
            (Value::Text(x), Value::Text(y), Dialect::My) => x.eq_ignore_ascii_case(y),
            (Value::Text(x), Value::Text(y), Dialect::Pg) => x.trim_end_matches(' ') == y.trim_end_matches(' '),
            _ => a == b,
        }
    }

    fn returning(&self, items: &[Item], t: &Table, rows: &[Vec<Value>], tag: String) -> R<Outcome> {
        let mut cols = self.expand(items, Some(t))?;
        let out = self.project(&mut cols, Some(t), rows, "field list")?;
        Ok(Outcome::Rows { heads: cols.into_iter().map(|c| c.0).collect(), rows: out, tag })
    }

    fn insert(&mut self, name: sp::Name, cols: Option<Vec<sp::Name>>, rows: Vec<Vec<Expr>>, returning: Vec<Item>) -> R<Outcome> {
        let d = self.d();
        let (db, mut tables, ti) = self.load(&name)?;
        let t = &tables[ti];
        // Target columns.
        let targets: Vec<usize> = match &cols {
            None => (0..t.cols.len()).collect(),
            Some(list) => {
                let mut v: Vec<usize> = Vec::new();
                for (n, p) in list {
                    let Some(i) = t.col(n, d) else {
                        return Err(match d {
                            Dialect::Pg => err(format!("column \"{n}\" of relation \"{}\" does not exist", t.name), Some(*p)),
                            Dialect::My => my(1054, "42S22", format!("Unknown column '{n}' in 'field list'")),
                        });
                    };
                    if v.contains(&i) {
                        return Err(match d {
                            Dialect::Pg => err(format!("column \"{n}\" specified more than once"), Some(*p)),
                            Dialect::My => my(1110, "42000", format!("Column '{n}' specified twice")),
                        });
                    }
                    v.push(i);
                }
                v
            }
        };
        let mut new_rows: Vec<Vec<Value>> = Vec::new();
        let mut result: R<()> = Ok(());
        let mut table = tables[ti].clone();
        for (rn, exprs) in rows.iter().enumerate() {
            let rownum = rn + 1;
            if exprs.len() > targets.len() || (d == Dialect::My && exprs.len() != targets.len() && !(cols.as_ref().is_some_and(|c| c.is_empty()))) {
                result = Err(match d {
                    Dialect::Pg => err("INSERT has more expressions than target columns".into(), Some(expr_pos(&exprs[targets.len().min(exprs.len() - 1)]))),
                    Dialect::My => my(1136, "21S01", format!("Column count doesn't match value count at row {rownum}")),
                });
                break;
            }
            if exprs.len() < targets.len() && cols.is_some() {
                let (n, p) = &cols.as_ref().map(|c| c[exprs.len()].clone()).unwrap_or_default();
                let _ = n;
                result = Err(err("INSERT has more target columns than expressions".into(), Some(*p)));
                break;
            }
            let mut row = vec![Value::Null; table.cols.len()];
            let mut given = vec![false; table.cols.len()];
            let env = Env { t: None, row: None, agg: None, clause: "field list" };
            let mut failed = None;
            for (j, e) in exprs.iter().enumerate() {
                let ci = targets[j];
                if matches!(e, Expr::Func { name, star: true, .. } if name == "default") {
                    continue;
                }
                let v = match self.eval(e, &env) {
                    Ok(v) => v,
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                };
                if d == Dialect::My && table.cols[ci].default == Some(Default::Serial) && matches!(v.0, Value::Null | Value::Int(0)) {
                    continue;
                }
                match self.assign(v, &table.cols[ci], &table.name, expr_pos(e), rownum) {
                    Ok(v) => {
                        row[ci] = v;
                        given[ci] = true;
                    }
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
            if let Some(e) = failed {
                result = Err(e);
                break;
            }
            for ci in 0..table.cols.len() {
                if !given[ci] {
                    row[ci] = self.default_value(&mut table, ci);
                }
            }
            // MySQL's AUTO_INCREMENT moves past explicit values; PostgreSQL's sequence does not.
            if d == Dialect::My {
                if let Some(si) = table.cols.iter().position(|c| c.default == Some(Default::Serial)) {
                    if let Value::Int(n) = row[si] {
                        table.seq = table.seq.max(n);
                    }
                }
            }
            let explicit: Vec<bool> = (0..table.cols.len()).map(|ci| given[ci] || table.cols[ci].default.is_some()).collect();
            if let Err(e) = self.check_row(&table, &row, None, &explicit, rownum) {
                result = Err(e);
                break;
            }
            table.rows.push(row.clone());
            new_rows.push(row);
        }
        if let Err(e) = result {
            // Sequence values handed out stay used, as PostgreSQL's nextval() does.
            if d == Dialect::Pg && table.seq != tables[ti].seq {
                tables[ti].seq = table.seq;
                self.save(&db, &tables)?;
            }
            return Err(e);
        }
        let n = new_rows.len() as u64;
        tables[ti] = table;
        self.save(&db, &tables)?;
        let tag = format!("INSERT 0 {n}");
        if !returning.is_empty() {
            return self.returning(&returning, &tables[ti], &new_rows, tag);
        }
        let info = (d == Dialect::My && n > 1).then(|| format!("Records: {n}  Duplicates: 0  Warnings: 0"));
        Ok(Outcome::Done { tag, affected: n, info, notice: None })
    }

    fn update(&mut self, name: sp::Name, sets: Vec<(sp::Name, Expr)>, filter: Option<Expr>, returning: Vec<Item>) -> R<Outcome> {
        let d = self.d();
        let (db, mut tables, ti) = self.load(&name)?;
        let mut t = tables[ti].clone();
        let mut targets = Vec::new();
        for ((n, p), e) in &sets {
            let Some(ci) = t.col(n, d) else {
                return Err(match d {
                    Dialect::Pg => err(format!("column \"{n}\" of relation \"{}\" does not exist", t.name), Some(*p)),
                    Dialect::My => my(1054, "42S22", format!("Unknown column '{n}' in 'field list'")),
                });
            };
            targets.push((ci, e));
        }
        let hits = self.filter_rows(&t, &filter)?;
        let (mut changed, mut out) = (0u64, Vec::new());
        for (n, &ri) in hits.iter().enumerate() {
            let old = t.rows[ri].clone();
            let mut row = old.clone();
            for (ci, e) in &targets {
                let env = Env { t: Some(&t), row: Some(&old), agg: None, clause: "field list" };
                if matches!(e, Expr::Func { name, star: true, .. } if name == "default") {
                    row[*ci] = self.default_value(&mut t, *ci);
                    continue;
                }
                let v = self.eval(e, &env)?;
                row[*ci] = self.assign(v, &t.cols[*ci], &t.name, expr_pos(e), n + 1)?;
            }
            let all = vec![true; row.len()];
            self.check_row(&t, &row, Some(ri), &all, n + 1)?;
            if row != old {
                changed += 1;
            }
            t.rows[ri] = row.clone();
            out.push(row);
        }
        tables[ti] = t;
        self.save(&db, &tables)?;
        let tag = format!("UPDATE {}", hits.len());
        if !returning.is_empty() {
            return self.returning(&returning, &tables[ti], &out, tag);
        }
        let info = (d == Dialect::My).then(|| format!("Rows matched: {}  Changed: {changed}  Warnings: 0", hits.len()));
        Ok(Outcome::Done { tag, affected: if d == Dialect::My { changed } else { hits.len() as u64 }, info, notice: None })
    }

    fn delete(&mut self, name: sp::Name, filter: Option<Expr>, returning: Vec<Item>) -> R<Outcome> {
        let (db, mut tables, ti) = self.load(&name)?;
        let hits = self.filter_rows(&tables[ti], &filter)?;
        let gone: Vec<Vec<Value>> = hits.iter().map(|&i| tables[ti].rows[i].clone()).collect();
        let mut i = 0;
        tables[ti].rows.retain(|_| {
            let keep = !hits.contains(&i);
            i += 1;
            keep
        });
        self.save(&db, &tables)?;
        let tag = format!("DELETE {}", hits.len());
        if !returning.is_empty() {
            return self.returning(&returning, &tables[ti], &gone, tag);
        }
        Ok(done(&tag, hits.len() as u64))
    }

    fn create_table(&mut self, (name, pos): sp::Name, if_not_exists: bool, defs: Vec<ColDef>) -> R<Outcome> {
        let d = self.d();
        let (db, tname) = self.split_name(&name)?;
        if d == Dialect::My && self.store.db(&db).is_none() {
            return Err(my(1049, "42000", format!("Unknown database '{db}'")));
        }
        if d == Dialect::Pg && tname.contains('.') {
            let schema = tname.split('.').next().unwrap_or("");
            return Err(err(format!("schema \"{schema}\" does not exist"), Some(pos)));
        }
        let mut tables = self.store.tables(&db);
        let exists = tables.iter().any(|t| t.name == tname)
            || (d == Dialect::Pg && tables.iter().any(|t| t.serial_col().is_some_and(|c| format!("{}_{}_seq", t.name, c.name) == tname)));
        if exists {
            if if_not_exists {
                let notice = match d {
                    Dialect::Pg => format!("relation \"{tname}\" already exists, skipping"),
                    Dialect::My => format!("Table '{tname}' already exists"),
                };
                return Ok(Outcome::Done { tag: "CREATE TABLE".into(), affected: 0, info: None, notice: Some(notice) });
            }
            return Err(match d {
                Dialect::Pg => err(format!("relation \"{tname}\" already exists"), None),
                Dialect::My => my(1050, "42S01", format!("Table '{tname}' already exists")),
            });
        }
        let mut cols: Vec<Column> = Vec::new();
        for c in defs {
            if cols.iter().any(|x| x.name.eq_ignore_ascii_case(&c.name) && (d == Dialect::My || x.name == c.name)) {
                return Err(match d {
                    Dialect::Pg => err(format!("column \"{}\" specified more than once", c.name), None),
                    Dialect::My => my(1060, "42S21", format!("Duplicate column name '{}'", c.name)),
                });
            }
            let default = if c.serial {
                Some(Default::Serial)
            } else {
                match c.default {
                    None => None,
                    Some(DefaultExpr::Now(s)) => Some(Default::Now(s.to_string())),
                    Some(DefaultExpr::Lit(Lit::Null)) => None,
                    Some(DefaultExpr::Lit(l)) => {
                        let (v, k) = match l {
                            Lit::Int(n) => (Value::Int(n), K::Int(8)),
                            Lit::Str(s) => (Value::Text(s), K::Unknown),
                            Lit::Bool(b) => (Value::Bool(b), K::Bool),
                            Lit::Null => (Value::Null, K::Unknown),
                        };
                        let col = Column { name: c.name.clone(), ty: c.ty.clone(), not_null: false, primary: false, unique: false, default: None };
                        Some(Default::Lit(self.assign((v, k), &col, &tname, pos, 1).map_err(|e| match d {
                            Dialect::My => my(1067, "42000", format!("Invalid default value for '{}'", c.name)),
                            Dialect::Pg => e,
                        })?))
                    }
                }
            };
            cols.push(Column { name: c.name, ty: c.ty, not_null: c.not_null || c.serial && d == Dialect::Pg, primary: c.primary, unique: c.unique && !c.primary, default });
        }
        if cols.iter().filter(|c| c.primary).count() > 1 {
            return Err(not_simulated("a primary key over several columns"));
        }
        if d == Dialect::My && cols.iter().any(|c| c.default == Some(Default::Serial) && !(c.primary || c.unique)) {
            return Err(my(1075, "42000", "Incorrect table definition; there can be only one auto column and it must be defined as a key".into()));
        }
        tables.push(Table { name: tname, cols, rows: Vec::new(), seq: 0 });
        self.save(&db, &tables)?;
        Ok(done("CREATE TABLE", 0))
    }

    fn drop_table(&mut self, names: Vec<sp::Name>, if_exists: bool) -> R<Outcome> {
        let d = self.d();
        let mut notices = Vec::new();
        let mut by_db: Vec<(String, Vec<Table>)> = Vec::new();
        let mut missing = Vec::new();
        for (n, _) in &names {
            let (db, t) = self.split_name(n)?;
            if !by_db.iter().any(|(x, _)| *x == db) {
                let tables = self.store.tables(&db);
                by_db.push((db.clone(), tables));
            }
            let Some((_, tables)) = by_db.iter_mut().find(|(x, _)| *x == db) else { continue };
            match tables.iter().position(|x| x.name == t) {
                Some(i) => {
                    tables.remove(i);
                }
                None if if_exists => notices.push(match d {
                    Dialect::Pg => format!("table \"{t}\" does not exist, skipping"),
                    Dialect::My => format!("Unknown table '{db}.{t}'"),
                }),
                None => missing.push(format!("{db}.{t}")),
            }
        }
        if !missing.is_empty() {
            return Err(match d {
                Dialect::Pg => err(format!("table \"{}\" does not exist", missing[0].split_once('.').map(|x| x.1).unwrap_or("")), None),
                Dialect::My => my(1051, "42S02", format!("Unknown table '{}'", missing.join(","))),
            });
        }
        for (db, tables) in by_db {
            self.save(&db, &tables)?;
        }
        Ok(Outcome::Done { tag: "DROP TABLE".into(), affected: 0, info: None, notice: notices.into_iter().next() })
    }

    fn create_db(&mut self, (name, _): sp::Name, if_not_exists: bool) -> R<Outcome> {
        let d = self.d();
        if self.store.db(&name).is_some() {
            if if_not_exists && d == Dialect::My {
                return Ok(Outcome::Done { tag: String::new(), affected: 1, info: None, notice: Some(format!("Can't create database '{name}'; database exists")) });
            }
            return Err(match d {
                Dialect::Pg => err(format!("database \"{name}\" already exists"), None),
                Dialect::My => my(1007, "HY000", format!("Can't create database '{name}'; database exists")),
            });
        }
        if d == Dialect::Pg && if_not_exists {
            return Err(self.syntax(sp::SyntaxError { pos: None, near: String::new(), kind: SynKind::Syntax }, ""));
        }
        let owner = self.conn.user.clone();
        if !self.store.create_db(&name, &owner) {
            return Err(err("could not create directory: Read-only file system".into(), None));
        }
        Ok(done("CREATE DATABASE", 1))
    }

    fn drop_db(&mut self, (name, _): sp::Name, if_exists: bool) -> R<Outcome> {
        let d = self.d();
        if self.store.db(&name).is_none() {
            if if_exists {
                let notice = match d {
                    Dialect::Pg => format!("database \"{name}\" does not exist, skipping"),
                    Dialect::My => format!("Can't drop database '{name}'; database doesn't exist"),
                };
                return Ok(Outcome::Done { tag: "DROP DATABASE".into(), affected: 0, info: None, notice: Some(notice) });
            }
            return Err(match d {
                Dialect::Pg => err(format!("database \"{name}\" does not exist"), None),
                Dialect::My => my(1008, "HY000", format!("Can't drop database '{name}'; database doesn't exist")),
            });
        }
        if d == Dialect::Pg && name == self.conn.db {
            return Err(err("cannot drop the currently open database".into(), None));
        }
        if d == Dialect::Pg && (name == "template0" || name == "template1") {
            return Err(err("cannot drop a template database".into(), None));
        }
        if d == Dialect::My && super::store::MYSQL_SYSTEM.contains(&name.as_str()) {
            return Err(not_simulated(&format!("dropping the {name} schema")));
        }
        let n = self.store.tables(&name).len() as u64;
        self.store.drop_db(&name);
        if d == Dialect::My && self.conn.db == name {
            self.conn.db.clear();
        }
        Ok(done("DROP DATABASE", n))
    }

    fn create_user(&mut self, (name, _): sp::Name, password: Option<String>, superuser: bool, tag: &str) -> R<Outcome> {
        let mut roles = self.store.roles();
        if roles.iter().any(|r| r.name == name) {
            return Err(match self.d() {
                Dialect::Pg => err(format!("role \"{name}\" already exists"), None),
                Dialect::My => my(1396, "HY000", format!("Operation CREATE USER failed for '{name}'@'%'")),
            });
        }
        roles.push(Role { name, superuser, password: password.unwrap_or_default(), grants: Vec::new() });
        self.store.save_roles(&roles);
        Ok(done(tag, 0))
    }

    fn describe(&mut self, name: sp::Name) -> R<Outcome> {
        let (_, tables, ti) = self.load(&name)?;
        let t = &tables[ti];
        let heads = ["Field", "Type", "Null", "Key", "Default", "Extra"].iter().map(|h| Head { name: h.to_string(), right: false, nullable: *h == "Default" }).collect();
        let rows = t
            .cols
            .iter()
            .map(|c| {
                let (default, extra) = match &c.default {
                    None => (None, ""),
                    Some(Default::Serial) => (None, "auto_increment"),
                    Some(Default::Now(_)) => (Some("CURRENT_TIMESTAMP".to_string()), "DEFAULT_GENERATED"),
                    Some(Default::Lit(v)) => (self.show(v, kind_of(&c.ty)), ""),
                };
                vec![
                    Some(c.name.clone()),
                    Some(my_type(&c.ty)),
                    Some(if c.not_null { "NO" } else { "YES" }.into()),
                    Some(if c.primary { "PRI" } else if c.unique { "UNI" } else { "" }.into()),
                    default,
                    Some(extra.into()),
                ]
            })
            .collect();
        Ok(Outcome::Rows { heads, rows, tag: String::new() })
    }
}

/// Whether an output expression may be NULL (MySQL's field flag).
fn nullable(e: &Expr, t: Option<&Table>, d: Dialect) -> bool {
    match e {
        Expr::Lit(Lit::Null, _) => true,
        Expr::Lit(..) => false,
        Expr::Col(_, n, _) => t.and_then(|t| t.col(n, d).map(|i| !t.cols[i].not_null)).unwrap_or(true),
        Expr::IsNull(..) => false,
        Expr::Bin(a, op, b, _) => *op == Op::Div || *op == Op::Mod || nullable(a, t, d) || nullable(b, t, d),
        Expr::Not(a) | Expr::Neg(a, _) | Expr::Cast(a, ..) => nullable(a, t, d),
        Expr::InList(a, l, _) => nullable(a, t, d) || l.iter().any(|x| nullable(x, t, d)),
        Expr::Func { name, args, .. } => match name.as_str() {
            "count" => false,
            "now" | "current_timestamp" | "localtimestamp" | "current_date" | "curdate" | "version" | "user" | "current_user" | "session_user" => false,
            "upper" | "lower" | "length" | "char_length" | "character_length" | "abs" | "concat" => args.iter().any(|a| nullable(a, t, d)),
            _ => true,
        },
    }
}

fn text_like(k: K, d: Dialect) -> bool {
    d == Dialect::My || matches!(k, K::Text(_) | K::Unknown)
}

fn mysql_bool(v: Value) -> Value {
    match v {
        Value::Bool(b) => Value::Int(i64::from(b)),
        v => v,
    }
}

fn done(tag: &str, affected: u64) -> Outcome {
    Outcome::Done { tag: tag.into(), affected, info: None, notice: None }
}

/// The display text of a stored value (for `\d` defaults and MySQL's `DESCRIBE`).
pub fn show_value(v: &Value, d: Dialect) -> String {
    match (v, d) {
        (Value::Null, _) => "NULL".into(),
        (Value::Int(n), _) => n.to_string(),
        (Value::Bool(b), Dialect::Pg) => if *b { "true" } else { "false" }.into(),
        (Value::Bool(b), Dialect::My) => if *b { "1" } else { "0" }.into(),
        (Value::Text(s), _) => s.clone(),
    }
}

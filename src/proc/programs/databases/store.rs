//! Where the simulated SQL servers keep their data, as plain text in the container's files, so
//! that it survives in volumes and the client programs of the same container read it back.
//!
//! PostgreSQL (`$PGDATA`): `global/pg_database` lists `oid name owner` per line,
//! `global/pg_authid` lists `name superuser`, and each database's tables are in
//! `base/<oid>/tables.dockling`. MySQL (`/var/lib/mysql`): one directory per database, one
//! `<table>.ibd` per table, users in `mysql.ibd`. A table is written as:
//!
//! ```text
//! table users 2
//! col id int4 notnull primary serial
//! col name varchar:100 notnull default=lit:x
//! row 1<TAB>Alice
//! ```
//!
//! (`2` is the last serial value handed out; values are tab-separated with `\N` for NULL and
//! `\\`, `\t`, `\n`, `\r` escaped, as in PostgreSQL's COPY text format.)

use super::sqlparse::{Dialect, Ty};
use crate::clock::SimTime;
use crate::vfs::{Meta, NodeKind, Tree};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Bool(bool),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Default {
    Serial,
    /// `now()` or `CURRENT_TIMESTAMP` (as `\d` shows it).
    Now(String),
    Lit(Value),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub ty: Ty,
    pub not_null: bool,
    pub primary: bool,
    pub unique: bool,
    pub default: Option<Default>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub cols: Vec<Column>,
    pub rows: Vec<Vec<Value>>,
    /// The last value the table's sequence (or AUTO_INCREMENT counter) handed out.
    pub seq: i64,
}

impl Table {
    pub fn col(&self, name: &str, d: Dialect) -> Option<usize> {
        self.cols.iter().position(|c| match d {
            Dialect::Pg => c.name == name,
            Dialect::My => c.name.eq_ignore_ascii_case(name),
        })
    }
    pub fn serial_col(&self) -> Option<&Column> {
        self.cols.iter().find(|c| c.default == Some(Default::Serial))
    }
}

pub fn ty_code(t: &Ty) -> String {
    match t {
        Ty::Int2 => "int2".into(),
        Ty::Int4 => "int4".into(),
        Ty::Int8 => "int8".into(),
        Ty::Text => "text".into(),
        Ty::Varchar(None) => "varchar".into(),
        Ty::Varchar(Some(n)) => format!("varchar:{n}"),
        Ty::Char(n) => format!("char:{n}"),
        Ty::Bool => "bool".into(),
        Ty::Timestamp => "timestamp".into(),
        Ty::Datetime => "datetime".into(),
        Ty::Date => "date".into(),
    }
}

fn parse_ty(s: &str) -> Option<Ty> {
    let (name, n) = match s.split_once(':') {
        Some((a, b)) => (a, b.parse::<u32>().ok()),
        None => (s, None),
    };
    Some(match name {
        "int2" => Ty::Int2,
        "int4" => Ty::Int4,
        "int8" => Ty::Int8,
        "text" => Ty::Text,
        "varchar" => Ty::Varchar(n),
        "char" => Ty::Char(n.unwrap_or(1)),
        "bool" => Ty::Bool,
        "timestamp" => Ty::Timestamp,
        "datetime" => Ty::Datetime,
        "date" => Ty::Date,
        _ => return None,
    })
}

pub fn escape(v: &Value) -> String {
    match v {
        Value::Null => "\\N".into(),
        Value::Int(n) => n.to_string(),
        Value::Bool(b) => if *b { "t" } else { "f" }.into(),
        Value::Text(s) => {
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
    }
}

fn unescape(s: &str, ty: &Ty) -> Value {
    if s == "\\N" {
        return Value::Null;
    }
    match ty {
        Ty::Int2 | Ty::Int4 | Ty::Int8 => s.parse().map(Value::Int).unwrap_or(Value::Null),
        Ty::Bool => match s {
            "t" => Value::Bool(true),
            "f" => Value::Bool(false),
            n => n.parse().map(Value::Int).unwrap_or(Value::Null),
        },
        _ => {
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
            Value::Text(o)
        }
    }
}

/// A table as text (the format in the module documentation).
pub fn write_table(t: &Table, out: &mut String) {
    out.push_str(&format!("table {} {}\n", t.name, t.seq));
    for c in &t.cols {
        out.push_str(&format!("col {} {}", c.name, ty_code(&c.ty)));
        for (on, w) in [(c.not_null, " notnull"), (c.primary, " primary"), (c.unique, " unique")] {
            if on {
                out.push_str(w);
            }
        }
        match &c.default {
            None => {}
            Some(Default::Serial) => out.push_str(" serial"),
            Some(Default::Now(s)) => out.push_str(&format!(" default=now:{s}")),
            Some(Default::Lit(v)) => out.push_str(&format!(" default=lit:{}", escape(v).replace(' ', "\\s"))),
        }
        out.push('\n');
    }
    for r in &t.rows {
        out.push_str("row ");
        out.push_str(&r.iter().map(escape).collect::<Vec<_>>().join("\t"));
        out.push('\n');
    }
}

/// The tables in a text written by `write_table` (lines it cannot read are skipped).
pub fn read_tables(text: &str) -> Vec<Table> {
    let mut tables: Vec<Table> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("table ") {
            let mut f = rest.split(' ');
            let name = f.next().unwrap_or("").to_string();
            let seq = f.next().and_then(|s| s.parse().ok()).unwrap_or(0);
            tables.push(Table { name, seq, ..Table::default() });
        } else if let (Some(rest), Some(t)) = (line.strip_prefix("col "), tables.last_mut()) {
            let f: Vec<&str> = rest.split(' ').collect();
            let (Some(name), Some(ty)) = (f.first(), f.get(1).and_then(|s| parse_ty(s))) else { continue };
            let mut c = Column { name: name.to_string(), ty, not_null: false, primary: false, unique: false, default: None };
            for w in f.iter().skip(2) {
                match *w {
                    "notnull" => c.not_null = true,
                    "primary" => c.primary = true,
                    "unique" => c.unique = true,
                    "serial" => c.default = Some(Default::Serial),
                    w => {
                        if let Some(s) = w.strip_prefix("default=now:") {
                            c.default = Some(Default::Now(s.to_string()));
                        } else if let Some(s) = w.strip_prefix("default=lit:") {
                            c.default = Some(Default::Lit(unescape(&s.replace("\\s", " "), &c.ty)));
                        }
                    }
                }
            }
            t.cols.push(c);
        } else if let (Some(rest), Some(t)) = (line.strip_prefix("row "), tables.last_mut()) {
            let vals: Vec<Value> = rest.split('\t').zip(t.cols.iter()).map(|(s, c)| unescape(s, &c.ty)).collect();
            if vals.len() == t.cols.len() {
                t.rows.push(vals);
            }
        } else if line == "row" {
            if let Some(t) = tables.last_mut() {
                if t.cols.is_empty() {
                    t.rows.push(Vec::new());
                }
            }
        }
    }
    tables
}

/// A database and its owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbInfo {
    pub name: String,
    pub owner: String,
    /// PostgreSQL's OID (the `base/<oid>` directory).
    pub oid: u32,
}

/// A role (PostgreSQL) or user (MySQL).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    pub name: String,
    pub superuser: bool,
    pub password: String,
    /// Databases a non-superuser may use (MySQL's `GRANT ALL ON db.*`).
    pub grants: Vec<String>,
}

/// The files of one server's data directory.
#[derive(Debug)]
pub struct Store<'a> {
    pub fs: &'a mut Tree,
    pub d: Dialect,
    /// `$PGDATA` or `/var/lib/mysql`.
    pub root: String,
    pub now: SimTime,
    /// Owner of the files it writes (postgres 999, mysql 999).
    pub uid: u32,
}

pub fn read_file(fs: &Tree, path: &str) -> Option<String> {
    match fs.get(path).map(|n| &n.kind) {
        Some(NodeKind::File(d)) => Some(String::from_utf8_lossy(d).into_owned()),
        _ => None,
    }
}

/// MySQL's own schemas, which `SHOW DATABASES` lists but tables cannot be created in here.
pub const MYSQL_SYSTEM: [&str; 4] = ["information_schema", "mysql", "performance_schema", "sys"];

impl Store<'_> {
    fn meta(&self, mode: u32) -> Meta {
        Meta { mode, uid: self.uid, gid: self.uid, mtime: self.now }
    }
    pub fn path(&self, rel: &str) -> String {
        format!("{}/{}", self.root.trim_end_matches('/'), rel)
    }
    pub fn read(&self, rel: &str) -> Option<String> {
        read_file(self.fs, &self.path(rel))
    }
    /// Writes a file under the data directory; `false` if the file system refused.
    pub fn write(&mut self, rel: &str, text: &str) -> bool {
        let p = self.path(rel);
        let dir = crate::vfs::parent(&p).to_string();
        let dm = self.meta(0o700);
        let fm = self.meta(0o600);
        self.fs.mkdir(&dir, true, &dm).is_ok() && self.fs.write(&p, text.as_bytes(), false, &fm).is_ok()
    }

    /// The databases, in catalog order (PostgreSQL) or by name (MySQL, system schemas included).
    pub fn databases(&self) -> Vec<DbInfo> {
        match self.d {
            Dialect::Pg => self
                .read("global/pg_database")
                .unwrap_or_default()
                .lines()
                .filter_map(|l| {
                    let mut f = l.split(' ');
                    let oid = f.next()?.parse().ok()?;
                    let name = f.next()?.to_string();
                    let owner = f.next().unwrap_or("postgres").to_string();
                    Some(DbInfo { name, owner, oid })
                })
                .collect(),
            Dialect::My => {
                let mut v: Vec<DbInfo> = vec![DbInfo { name: "information_schema".into(), owner: String::new(), oid: 0 }];
                if let Ok(list) = self.fs.list(&self.root) {
                    for (name, node) in list.iter() {
                        if node.is_dir() && !name.starts_with('#') {
                            v.push(DbInfo { name: name.clone(), owner: String::new(), oid: 0 });
                        }
                    }
                }
                crate::text::sort_by(&mut v, &|a, b| a.name.cmp(&b.name));
                v
            }
        }
    }

    pub fn db(&self, name: &str) -> Option<DbInfo> {
        self.databases().into_iter().find(|d| d.name == name)
    }

    pub fn save_databases(&mut self, list: &[DbInfo]) -> bool {
        let text: String = list.iter().map(|d| format!("{} {} {}\n", d.oid, d.name, d.owner)).collect();
        self.write("global/pg_database", &text)
    }

    /// Creates an empty database (the caller checked that it does not exist).
    pub fn create_db(&mut self, name: &str, owner: &str) -> bool {
        match self.d {
            Dialect::Pg => {
                let mut list = self.databases();
                let oid = list.iter().map(|d| d.oid).max().unwrap_or(16383).max(16383) + 1;
                list.push(DbInfo { name: name.into(), owner: owner.into(), oid });
                let m = self.meta(0o700);
                let dir = self.path(&format!("base/{oid}"));
                self.fs.mkdir(&dir, true, &m).is_ok() && self.save_databases(&list)
            }
            Dialect::My => {
                let m = self.meta(0o750);
                let dir = self.path(name);
                self.fs.mkdir(&dir, true, &m).is_ok()
            }
        }
    }

    pub fn drop_db(&mut self, name: &str) -> bool {
        match self.d {
            Dialect::Pg => {
                let mut list = self.databases();
                let Some(i) = list.iter().position(|d| d.name == name) else { return false };
                let d = list.remove(i);
                let _ = self.fs.remove(&self.path(&format!("base/{}", d.oid)), true);
                self.save_databases(&list)
            }
            Dialect::My => self.fs.remove(&self.path(name), true).is_ok(),
        }
    }

    /// The tables of a database, sorted by name.
    pub fn tables(&self, db: &str) -> Vec<Table> {
        let mut v = match self.d {
            Dialect::Pg => match self.db(db) {
                Some(d) => read_tables(&self.read(&format!("base/{}/tables.dockling", d.oid)).unwrap_or_default()),
                None => Vec::new(),
            },
            Dialect::My => {
                let dir = self.path(db);
                let mut v = Vec::new();
                if let Ok(list) = self.fs.list(&dir) {
                    for (name, node) in list.iter() {
                        if let (Some(_), NodeKind::File(data)) = (name.strip_suffix(".ibd"), &node.kind) {
                            v.extend(read_tables(&String::from_utf8_lossy(data)));
                        }
                    }
                }
                v
            }
        };
        crate::text::sort_by(&mut v, &|a, b| a.name.cmp(&b.name));
        v
    }

    /// Replaces a database's tables; `false` if the file system refused (a read-only mount).
    pub fn save_tables(&mut self, db: &str, tables: &[Table]) -> bool {
        match self.d {
            Dialect::Pg => {
                let Some(d) = self.db(db) else { return false };
                let mut text = String::from("# Dockling's simulated PostgreSQL tables of this database\n");
                for t in tables {
                    write_table(t, &mut text);
                }
                self.write(&format!("base/{}/tables.dockling", d.oid), &text)
            }
            Dialect::My => {
                let dir = self.path(db);
                let old: Vec<String> = self
                    .fs
                    .list(&dir)
                    .map(|l| l.keys().filter(|k| k.ends_with(".ibd")).cloned().collect())
                    .unwrap_or_default();
                for f in old {
                    let stem = f.trim_end_matches(".ibd");
                    if !tables.iter().any(|t| t.name == stem) {
                        let _ = self.fs.remove(&format!("{dir}/{f}"), false);
                    }
                }
                let mut ok = true;
                for t in tables {
                    let mut text = String::from("# Dockling's simulated MySQL table\n");
                    write_table(t, &mut text);
                    ok &= self.write(&format!("{db}/{}.ibd", t.name), &text);
                }
                ok
            }
        }
    }

    fn roles_file(&self) -> &'static str {
        match self.d {
            Dialect::Pg => "global/pg_authid",
            Dialect::My => "mysql.ibd",
        }
    }

    pub fn roles(&self) -> Vec<Role> {
        self.read(self.roles_file())
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let mut f = l.splitn(3, ' ');
                let name = f.next()?.to_string();
                let superuser = f.next()? == "super";
                let mut rest = f.next().unwrap_or("").split('\t');
                let password = rest.next().unwrap_or("").to_string();
                let grants = rest.map(String::from).collect();
                Some(Role { name, superuser, password, grants })
            })
            .collect()
    }

    pub fn save_roles(&mut self, roles: &[Role]) -> bool {
        let mut text = match self.d {
            Dialect::Pg => String::new(),
            Dialect::My => "# Dockling's simulated MySQL users: name, privileges, password\n".into(),
        };
        for r in roles {
            text.push_str(&format!("{} {} {}", r.name, if r.superuser { "super" } else { "user" }, r.password));
            for g in &r.grants {
                text.push('\t');
                text.push_str(g);
            }
            text.push('\n');
        }
        let f = self.roles_file();
        self.write(f, &text)
    }
}

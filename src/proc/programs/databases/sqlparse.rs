//! The SQL subset both simulated servers understand, as tokens and a syntax tree: `SELECT`
//! (columns, `*`, `WHERE`, `ORDER BY`, `LIMIT`/`OFFSET`, aggregates), `INSERT … VALUES` (many
//! rows, `RETURNING`), `UPDATE`, `DELETE`, `CREATE`/`DROP` `TABLE`/`DATABASE`, `CREATE USER`,
//! and MySQL's `SHOW`, `USE`, `DESCRIBE`. Positions are character offsets into the statement, as
//! PostgreSQL reports them for `LINE n:` carets and MySQL for `near '…'`.

/// Which server's grammar and words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Pg,
    My,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum T {
    /// An unquoted word (keyword or identifier), as written.
    Word(String),
    /// `"x"` (PostgreSQL) or `` `x` `` (MySQL).
    Quoted(String),
    Num(String),
    Str(String),
    Sym(&'static str),
}

#[derive(Clone, Debug)]
pub struct Tok {
    pub t: T,
    /// Character offset of the token's first character.
    pub pos: usize,
    /// Character offset just after it.
    pub end: usize,
}

/// What kind of problem a statement has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SynKind {
    /// A plain syntax error.
    Syntax,
    /// A lexer error worded by the server (`unterminated quoted string`).
    Lex(&'static str),
    /// A type name the server does not know.
    UnknownType(String),
    /// A construct Dockling does not simulate.
    Unsupported(String),
}

/// A syntax (or lexical) problem at a character offset; `None`: at the end of the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub pos: Option<usize>,
    /// The token's text as written (PostgreSQL's `at or near "…"`).
    pub near: String,
    pub kind: SynKind,
}

const SYMS: [&str; 22] = [
    "::", "<>", "!=", "<=", ">=", "||", "(", ")", ",", ";", "*", "+", "-", "/", "%", "=", "<", ">", ".",
    "[", "]", "@",
];

/// Splits a statement into tokens (comments and white space dropped).
pub fn lex(src: &str, d: Dialect) -> Result<Vec<Tok>, SyntaxError> {
    let (toks, e) = lex_partial(src, d);
    match e {
        Some(e) => Err(e),
        None => Ok(toks),
    }
}

/// The tokens before the first lexical error, and that error (the server's parser pulls tokens
/// one by one, so a syntax error before it wins).
fn lex_partial(src: &str, d: Dialect) -> (Vec<Tok>, Option<SyntaxError>) {
    let mut out = Vec::new();
    match lex_into(src, d, &mut out) {
        Ok(()) => (out, None),
        Err(e) => (out, Some(e)),
    }
}

fn lex_into(src: &str, d: Dialect, out: &mut Vec<Tok>) -> Result<(), SyntaxError> {
    let c: Vec<char> = src.chars().collect();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
            continue;
        }
        if (ch == '-' && c.get(i + 1) == Some(&'-')) || (ch == '#' && d == Dialect::My) {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if ch == '/' && c.get(i + 1) == Some(&'*') {
            let start = i;
            i += 2;
            loop {
                if i + 1 >= c.len() {
                    return Err(lex_err(start, &c[start..], "unterminated /* comment"));
                }
                if c[i] == '*' && c[i + 1] == '/' {
                    i += 2;
                    break;
                }
                i += 1;
            }
            continue;
        }
        let start = i;
        let t = if ch.is_alphabetic() || ch == '_' {
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_' || c[i] == '$') {
                i += 1;
            }
            T::Word(c[start..i].iter().collect())
        } else if ch.is_ascii_digit() {
            while i < c.len() && (c[i].is_ascii_digit() || c[i] == '.') {
                i += 1;
            }
            T::Num(c[start..i].iter().collect())
        } else if ch == '\'' || (ch == '"' && d == Dialect::My) {
            let q = ch;
            i += 1;
            let mut s = String::new();
            loop {
                match c.get(i) {
                    None => return Err(lex_err(start, &c[start..], "unterminated quoted string")),
                    Some(&x) if x == q && c.get(i + 1) == Some(&q) => {
                        s.push(q);
                        i += 2;
                    }
                    Some(&x) if x == q => {
                        i += 1;
                        break;
                    }
                    Some('\\') if d == Dialect::My => {
                        let e = c.get(i + 1).copied().unwrap_or('\\');
                        s.push(match e {
                            'n' => '\n',
                            't' => '\t',
                            '0' => '\0',
                            'r' => '\r',
                            other => other,
                        });
                        i += 2;
                    }
                    Some(&x) => {
                        s.push(x);
                        i += 1;
                    }
                }
            }
            T::Str(s)
        } else if (ch == '"' && d == Dialect::Pg) || (ch == '`' && d == Dialect::My) {
            let q = ch;
            i += 1;
            let mut s = String::new();
            loop {
                match c.get(i) {
                    None => {
                        let msg = if d == Dialect::Pg { "unterminated quoted identifier" } else { "" };
                        return Err(lex_err(start, &c[start..], msg));
                    }
                    Some(&x) if x == q && c.get(i + 1) == Some(&q) => {
                        s.push(q);
                        i += 2;
                    }
                    Some(&x) if x == q => {
                        i += 1;
                        break;
                    }
                    Some(&x) => {
                        s.push(x);
                        i += 1;
                    }
                }
            }
            if s.is_empty() && d == Dialect::Pg {
                return Err(lex_err(start, &c[start..i], "zero-length delimited identifier"));
            }
            T::Quoted(s)
        } else {
            let rest: String = c[i..c.len().min(i + 2)].iter().collect();
            match SYMS.iter().find(|s| rest.starts_with(**s)) {
                Some(s) => {
                    i += s.chars().count();
                    T::Sym(s)
                }
                None => {
                    return Err(SyntaxError { pos: Some(start), near: ch.to_string(), kind: SynKind::Syntax })
                }
            }
        };
        // `E'…'` escape strings (PostgreSQL).
        if let (T::Str(s), Some(Tok { t: T::Word(w), end, .. })) = (&t, out.last()) {
            if d == Dialect::Pg && (w == "E" || w == "e") && *end == start {
                let s = unescape(s);
                let pos = out.pop().map(|t: Tok| t.pos).unwrap_or(start);
                out.push(Tok { t: T::Str(s), pos, end: i });
                continue;
            }
        }
        out.push(Tok { t, pos: start, end: i });
    }
    Ok(())
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn lex_err(pos: usize, rest: &[char], msg: &'static str) -> SyntaxError {
    SyntaxError { pos: Some(pos), near: rest.iter().collect(), kind: SynKind::Lex(msg) }
}

/// Column types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    Int2,
    Int4,
    Int8,
    Text,
    Varchar(Option<u32>),
    Char(u32),
    Bool,
    Timestamp,
    /// MySQL's `DATETIME` (stored like `Timestamp`, described by its own name).
    Datetime,
    Date,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lit {
    Null,
    Int(i64),
    Str(String),
    Bool(bool),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    And,
    Or,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Concat,
    Like,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    Lit(Lit, usize),
    /// `[table.]column` at a position.
    Col(Option<String>, String, usize),
    Bin(Box<Expr>, Op, Box<Expr>, usize),
    Not(Box<Expr>),
    Neg(Box<Expr>, usize),
    IsNull(Box<Expr>, bool),
    /// A function call (name lower-cased; `count(*)` has `star`).
    Func { name: String, args: Vec<Expr>, star: bool, pos: usize },
    Cast(Box<Expr>, Ty, usize),
    InList(Box<Expr>, Vec<Expr>, bool),
}

/// One output column of a `SELECT` or `RETURNING`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// `*` (or `t.*`).
    Star(usize),
    /// An expression, its alias, and its source text (MySQL names columns by it).
    Expr(Expr, Option<String>, String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DefaultExpr {
    Lit(Lit),
    Now(&'static str),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColDef {
    pub name: String,
    pub ty: Ty,
    /// `serial`/`bigserial`/`AUTO_INCREMENT`.
    pub serial: bool,
    pub not_null: bool,
    pub primary: bool,
    pub unique: bool,
    pub default: Option<DefaultExpr>,
}

/// A name with the position it was written at.
pub type Name = (String, usize);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stmt {
    Select {
        items: Vec<Item>,
        from: Option<Name>,
        filter: Option<Expr>,
        order: Vec<(Expr, bool)>,
        limit: Option<Expr>,
        offset: Option<Expr>,
    },
    Insert { table: Name, cols: Option<Vec<Name>>, rows: Vec<Vec<Expr>>, returning: Vec<Item> },
    Update { table: Name, sets: Vec<(Name, Expr)>, filter: Option<Expr>, returning: Vec<Item> },
    Delete { table: Name, filter: Option<Expr>, returning: Vec<Item> },
    CreateTable { name: Name, if_not_exists: bool, cols: Vec<ColDef> },
    DropTable { names: Vec<Name>, if_exists: bool },
    CreateDb { name: Name, if_not_exists: bool },
    DropDb { name: Name, if_exists: bool },
    CreateUser { name: Name, password: Option<String>, superuser: bool, tag: &'static str },
    ShowDatabases,
    ShowTables,
    Use(Name),
    Describe(Name),
    /// Only comments or white space.
    Empty,
}

/// Expression nesting allowed before giving up (user input is bounded).
pub const MAX_DEPTH: u32 = 64;

struct P<'a> {
    toks: &'a [Tok],
    i: usize,
    d: Dialect,
    src: &'a [char],
    depth: u32,
}

type R<T> = Result<T, SyntaxError>;

fn unsupported(what: String) -> SyntaxError {
    SyntaxError { pos: None, near: String::new(), kind: SynKind::Unsupported(what) }
}

/// Parses one statement (a trailing `;` is allowed).
pub fn parse(src: &str, d: Dialect) -> R<Stmt> {
    let (toks, lex_err) = lex_partial(src, d);
    let chars: Vec<char> = src.chars().collect();
    let mut p = P { toks: &toks, i: 0, d, src: &chars, depth: 0 };
    if lex_err.is_none() && (p.toks.is_empty() || (p.toks.len() == 1 && p.sym(";"))) {
        return Ok(Stmt::Empty);
    }
    let r = p.stmt().and_then(|s| {
        p.eat(";");
        if p.i < p.toks.len() {
            return Err(p.err());
        }
        Ok(s)
    });
    match (r, lex_err) {
        // A syntax error among the tokens read before the bad one is reported first.
        (Err(e), Some(le)) if e.pos.is_some() && !matches!(e.kind, SynKind::Unsupported(_)) => Err(if e.pos < le.pos { e } else { le }),
        (Err(e), _) if matches!(e.kind, SynKind::Unsupported(_)) => Err(e),
        (_, Some(le)) => Err(le),
        (r, None) => r,
    }
}

impl P<'_> {
    fn peek(&self) -> Option<&T> {
        self.toks.get(self.i).map(|t| &t.t)
    }
    fn pos(&self) -> usize {
        self.toks.get(self.i).map(|t| t.pos).unwrap_or(self.src.len())
    }
    fn err(&self) -> SyntaxError {
        match self.toks.get(self.i) {
            Some(t) => SyntaxError { pos: Some(t.pos), near: self.src[t.pos..t.end].iter().collect(), kind: SynKind::Syntax },
            None => SyntaxError { pos: None, near: String::new(), kind: SynKind::Syntax },
        }
    }
    fn kw(&self, w: &str) -> bool {
        matches!(self.peek(), Some(T::Word(x)) if x.eq_ignore_ascii_case(w))
    }
    fn kw_at(&self, k: usize, w: &str) -> bool {
        matches!(self.toks.get(self.i + k).map(|t| &t.t), Some(T::Word(x)) if x.eq_ignore_ascii_case(w))
    }
    fn eat_kw(&mut self, w: &str) -> bool {
        if self.kw(w) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn expect_kw(&mut self, w: &str) -> R<()> {
        if self.eat_kw(w) {
            Ok(())
        } else {
            Err(self.err())
        }
    }
    fn sym(&self, s: &str) -> bool {
        matches!(self.peek(), Some(T::Sym(x)) if *x == s)
    }
    fn eat(&mut self, s: &str) -> bool {
        if self.sym(s) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, s: &str) -> R<()> {
        if self.eat(s) {
            Ok(())
        } else {
            Err(self.err())
        }
    }

    /// An identifier: unquoted words fold to lower case in PostgreSQL; reserved words are
    /// refused.
    fn ident(&mut self) -> R<Name> {
        let pos = self.pos();
        let name = match self.peek() {
            Some(T::Word(w)) if !reserved(w, self.d) => {
                if self.d == Dialect::Pg {
                    w.to_lowercase()
                } else {
                    w.clone()
                }
            }
            Some(T::Quoted(q)) => q.clone(),
            _ => return Err(self.err()),
        };
        self.i += 1;
        Ok((name, pos))
    }

    /// A table name, `schema.table` accepted for `public` (PostgreSQL) or a database (MySQL: the
    /// qualified name is kept as `db.table`).
    fn table(&mut self) -> R<Name> {
        let (name, pos) = self.ident()?;
        if self.eat(".") {
            let (t, _) = self.ident()?;
            return Ok(match self.d {
                Dialect::Pg if name == "public" => (t, pos),
                Dialect::Pg => (format!("{name}.{t}"), pos),
                Dialect::My => (format!("{name}.{t}"), pos),
            });
        }
        Ok((name, pos))
    }

    fn stmt(&mut self) -> R<Stmt> {
        let Some(T::Word(w)) = self.peek() else { return Err(self.err()) };
        let w = w.to_ascii_uppercase();
        match w.as_str() {
            "SELECT" => self.select(),
            "INSERT" => self.insert(),
            "UPDATE" => self.update(),
            "DELETE" => self.delete(),
            "CREATE" => self.create(),
            "DROP" => self.drop(),
            "SHOW" if self.d == Dialect::My => {
                self.i += 1;
                if self.eat_kw("DATABASES") || self.eat_kw("SCHEMAS") {
                    Ok(Stmt::ShowDatabases)
                } else if self.eat_kw("TABLES") {
                    Ok(Stmt::ShowTables)
                } else {
                    Err(unsupported(format!("SHOW {}", self.rest_words())))
                }
            }
            "USE" if self.d == Dialect::My => {
                self.i += 1;
                Ok(Stmt::Use(self.ident()?))
            }
            "DESCRIBE" | "DESC" if self.d == Dialect::My => {
                self.i += 1;
                Ok(Stmt::Describe(self.table()?))
            }
            "BEGIN" | "START" => {
                self.i = self.toks.len().min(self.i + 1);
                self.eat_kw("TRANSACTION");
                self.eat_kw("WORK");
                Err(unsupported("transactions (BEGIN/COMMIT/ROLLBACK)".into()))
            }
            "COMMIT" | "ROLLBACK" | "END" => Err(unsupported("transactions (BEGIN/COMMIT/ROLLBACK)".into())),
            "TABLE" if self.d == Dialect::Pg => {
                self.i += 1;
                let from = Some(self.table()?);
                Ok(Stmt::Select { items: vec![Item::Star(0)], from, filter: None, order: vec![], limit: None, offset: None })
            }
            _ if is_known_command(&w) => Err(unsupported(format!("the {w} statement"))),
            _ => Err(self.err()),
        }
    }

    fn rest_words(&self) -> String {
        self.toks[self.i.min(self.toks.len())..]
            .iter()
            .filter(|t| t.t != T::Sym(";"))
            .map(|t| self.src[t.pos..t.end].iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn select(&mut self) -> R<Stmt> {
        self.expect_kw("SELECT")?;
        if self.kw("DISTINCT") {
            return Err(unsupported("SELECT DISTINCT".into()));
        }
        self.eat_kw("ALL");
        let items = if self.d == Dialect::Pg && (self.kw("FROM") || self.peek().is_none() || self.sym(";")) {
            Vec::new()
        } else {
            self.items()?
        };
        let mut from = None;
        if self.eat_kw("FROM") {
            from = Some(self.table()?);
            if self.eat_kw("AS") || matches!(self.peek(), Some(T::Word(w)) if !reserved(w, self.d)) {
                self.ident()?;
            }
            if self.sym(",") || ["JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "NATURAL"].iter().any(|k| self.kw(k)) {
                return Err(unsupported("joins (more than one table in FROM)".into()));
            }
        }
        let filter = if self.eat_kw("WHERE") { Some(self.expr()?) } else { None };
        if self.kw("GROUP") || self.kw("HAVING") {
            return Err(unsupported("GROUP BY and HAVING".into()));
        }
        if self.kw("UNION") || self.kw("INTERSECT") || self.kw("EXCEPT") {
            return Err(unsupported("UNION, INTERSECT and EXCEPT".into()));
        }
        let mut order = Vec::new();
        if self.eat_kw("ORDER") {
            self.expect_kw("BY")?;
            loop {
                let e = self.expr()?;
                let desc = if self.eat_kw("DESC") {
                    true
                } else {
                    self.eat_kw("ASC");
                    false
                };
                order.push((e, desc));
                if !self.eat(",") {
                    break;
                }
            }
        }
        let (mut limit, mut offset) = (None, None);
        for _ in 0..2 {
            if self.eat_kw("LIMIT") {
                if self.eat_kw("ALL") {
                    continue;
                }
                let first = self.expr()?;
                if self.d == Dialect::My && self.eat(",") {
                    offset = Some(first);
                    limit = Some(self.expr()?);
                } else {
                    limit = Some(first);
                }
            } else if self.eat_kw("OFFSET") {
                offset = Some(self.expr()?);
                self.eat_kw("ROWS");
                self.eat_kw("ROW");
            }
        }
        Ok(Stmt::Select { items, from, filter, order, limit, offset })
    }

    fn items(&mut self) -> R<Vec<Item>> {
        let mut items = Vec::new();
        loop {
            let start = self.pos();
            if self.eat("*") {
                items.push(Item::Star(start));
            } else if matches!(self.peek(), Some(T::Word(_)) | Some(T::Quoted(_)))
                && matches!(self.toks.get(self.i + 1).map(|t| &t.t), Some(T::Sym(".")))
                && matches!(self.toks.get(self.i + 2).map(|t| &t.t), Some(T::Sym("*")))
            {
                self.i += 3;
                items.push(Item::Star(start));
            } else {
                let e = self.expr()?;
                let end = self.toks.get(self.i.wrapping_sub(1)).map(|t| t.end).unwrap_or(start);
                let text: String = self.src[start..end.max(start)].iter().collect();
                let alias = if self.eat_kw("AS") || matches!(self.peek(), Some(T::Word(w)) if !reserved(w, self.d)) || matches!(self.peek(), Some(T::Quoted(_))) {
                    Some(self.alias()?)
                } else {
                    None
                };
                items.push(Item::Expr(e, alias, text));
            }
            if !self.eat(",") {
                return Ok(items);
            }
        }
    }

    /// A column alias: any word (even a keyword), or a quoted name (MySQL also takes strings).
    fn alias(&mut self) -> R<String> {
        let a = match self.peek() {
            Some(T::Word(w)) if self.d == Dialect::Pg => w.to_lowercase(),
            Some(T::Word(w)) => w.clone(),
            Some(T::Quoted(q)) => q.clone(),
            Some(T::Str(s)) if self.d == Dialect::My => s.clone(),
            _ => return Err(self.err()),
        };
        self.i += 1;
        Ok(a)
    }

    fn returning(&mut self) -> R<Vec<Item>> {
        if self.d == Dialect::Pg && self.eat_kw("RETURNING") {
            self.items()
        } else {
            Ok(Vec::new())
        }
    }

    fn insert(&mut self) -> R<Stmt> {
        self.expect_kw("INSERT")?;
        self.expect_kw("INTO")?;
        let table = self.table()?;
        let mut cols = None;
        if self.eat("(") {
            let mut c = Vec::new();
            loop {
                c.push(self.ident()?);
                if !self.eat(",") {
                    break;
                }
            }
            self.expect(")")?;
            cols = Some(c);
        }
        if self.kw("SELECT") {
            return Err(unsupported("INSERT … SELECT".into()));
        }
        if self.kw("DEFAULT") && self.kw_at(1, "VALUES") {
            self.i += 2;
            let returning = self.returning()?;
            return Ok(Stmt::Insert { table, cols: Some(Vec::new()), rows: vec![Vec::new()], returning });
        }
        if !(self.eat_kw("VALUES") || (self.d == Dialect::My && self.eat_kw("VALUE"))) {
            return Err(self.err());
        }
        let mut rows = Vec::new();
        loop {
            self.expect("(")?;
            let mut row = Vec::new();
            if !(self.d == Dialect::My && self.sym(")")) {
                loop {
                    row.push(self.expr()?);
                    if !self.eat(",") {
                        break;
                    }
                }
            }
            self.expect(")")?;
            rows.push(row);
            if !self.eat(",") {
                break;
            }
        }
        if self.kw("ON") {
            return Err(unsupported("ON CONFLICT / ON DUPLICATE KEY".into()));
        }
        let returning = self.returning()?;
        Ok(Stmt::Insert { table, cols, rows, returning })
    }

    fn update(&mut self) -> R<Stmt> {
        self.expect_kw("UPDATE")?;
        let table = self.table()?;
        self.expect_kw("SET")?;
        let mut sets = Vec::new();
        loop {
            let c = self.ident()?;
            if self.eat(".") {
                return Err(unsupported("qualified column names in SET".into()));
            }
            self.expect("=")?;
            sets.push((c, self.expr()?));
            if !self.eat(",") {
                break;
            }
        }
        if self.kw("FROM") {
            return Err(unsupported("UPDATE … FROM".into()));
        }
        let filter = if self.eat_kw("WHERE") { Some(self.expr()?) } else { None };
        let returning = self.returning()?;
        Ok(Stmt::Update { table, sets, filter, returning })
    }

    fn delete(&mut self) -> R<Stmt> {
        self.expect_kw("DELETE")?;
        self.expect_kw("FROM")?;
        let table = self.table()?;
        if self.kw("USING") {
            return Err(unsupported("DELETE … USING".into()));
        }
        let filter = if self.eat_kw("WHERE") { Some(self.expr()?) } else { None };
        let returning = self.returning()?;
        Ok(Stmt::Delete { table, filter, returning })
    }

    fn if_not_exists(&mut self) -> R<bool> {
        if self.kw("IF") && self.kw_at(1, "NOT") {
            self.i += 2;
            self.expect_kw("EXISTS")?;
            return Ok(true);
        }
        Ok(false)
    }

    fn if_exists(&mut self) -> R<bool> {
        if self.kw("IF") && self.kw_at(1, "EXISTS") {
            self.i += 2;
            return Ok(true);
        }
        Ok(false)
    }

    fn create(&mut self) -> R<Stmt> {
        self.expect_kw("CREATE")?;
        if self.eat_kw("DATABASE") || (self.d == Dialect::My && self.eat_kw("SCHEMA")) {
            let if_not_exists = self.if_not_exists()?;
            let name = self.ident()?;
            self.skip_options();
            return Ok(Stmt::CreateDb { name, if_not_exists });
        }
        if self.kw("USER") || self.kw("ROLE") {
            let tag = "CREATE ROLE";
            self.i += 1;
            if self.d == Dialect::My {
                self.if_not_exists()?;
            }
            let name = match self.peek() {
                Some(T::Str(s)) if self.d == Dialect::My => {
                    let n = (s.clone(), self.pos());
                    self.i += 1;
                    n
                }
                _ => self.ident()?,
            };
            if self.d == Dialect::My && self.eat("@") {
                self.i += 1;
            }
            let mut password = None;
            let mut superuser = false;
            while let Some(t) = self.peek().cloned() {
                match t {
                    T::Str(s) if password.is_none() => {
                        password = Some(s);
                        self.i += 1;
                    }
                    T::Word(w) if w.eq_ignore_ascii_case("SUPERUSER") => {
                        superuser = true;
                        self.i += 1;
                    }
                    T::Sym(";") => break,
                    _ => self.i += 1,
                }
            }
            return Ok(Stmt::CreateUser { name, password, superuser, tag });
        }
        if self.kw("TEMP") || self.kw("TEMPORARY") || self.kw("UNLOGGED") {
            return Err(unsupported("temporary and unlogged tables".into()));
        }
        if !self.eat_kw("TABLE") {
            let what = self.rest_words();
            let first: String = what.split(' ').take(if what.to_ascii_uppercase().starts_with("UNIQUE") { 2 } else { 1 }).collect::<Vec<_>>().join(" ");
            return Err(unsupported(format!("CREATE {}", first.to_ascii_uppercase())));
        }
        let if_not_exists = self.if_not_exists()?;
        let name = self.table()?;
        self.expect("(")?;
        let mut cols: Vec<ColDef> = Vec::new();
        loop {
            if self.kw("PRIMARY") && self.kw_at(1, "KEY") {
                self.i += 2;
                for (n, _) in self.name_list()? {
                    if let Some(c) = cols.iter_mut().find(|c| c.name.eq_ignore_ascii_case(&n)) {
                        c.primary = true;
                        c.not_null = true;
                    }
                }
            } else if self.kw("UNIQUE") && matches!(self.toks.get(self.i + 1).map(|t| &t.t), Some(T::Sym("("))) {
                self.i += 1;
                let names = self.name_list()?;
                if names.len() > 1 {
                    return Err(unsupported("UNIQUE constraints on several columns".into()));
                }
                for (n, _) in names {
                    if let Some(c) = cols.iter_mut().find(|c| c.name.eq_ignore_ascii_case(&n)) {
                        c.unique = true;
                    }
                }
            } else if self.kw("CONSTRAINT") || self.kw("FOREIGN") || self.kw("CHECK") || self.kw("KEY") || self.kw("INDEX") {
                return Err(unsupported("table constraints other than PRIMARY KEY and UNIQUE".into()));
            } else {
                cols.push(self.coldef()?);
            }
            if !self.eat(",") {
                break;
            }
        }
        self.expect(")")?;
        self.skip_options();
        Ok(Stmt::CreateTable { name, if_not_exists, cols })
    }

    /// MySQL's `ENGINE=InnoDB DEFAULT CHARSET=utf8mb4` and similar trailing options.
    fn skip_options(&mut self) {
        if self.d == Dialect::My {
            while self.i < self.toks.len() && !self.sym(";") {
                self.i += 1;
            }
        }
    }

    fn name_list(&mut self) -> R<Vec<Name>> {
        self.expect("(")?;
        let mut v = Vec::new();
        loop {
            v.push(self.ident()?);
            if !self.eat(",") {
                break;
            }
        }
        self.expect(")")?;
        Ok(v)
    }

    fn coldef(&mut self) -> R<ColDef> {
        let (name, _) = self.ident()?;
        let (ty, serial) = self.type_name()?;
        let mut c = ColDef { name, ty, serial, not_null: false, primary: false, unique: false, default: None };
        loop {
            if self.kw("NOT") && self.kw_at(1, "NULL") {
                self.i += 2;
                c.not_null = true;
            } else if self.eat_kw("NULL") {
            } else if self.kw("PRIMARY") && self.kw_at(1, "KEY") {
                self.i += 2;
                c.primary = true;
                c.not_null = true;
            } else if self.eat_kw("UNIQUE") {
                self.eat_kw("KEY");
                c.unique = true;
            } else if self.d == Dialect::My && self.eat_kw("AUTO_INCREMENT") {
                c.serial = true;
                c.not_null = true;
            } else if self.eat_kw("DEFAULT") {
                let neg = self.eat("-");
                c.default = Some(match self.peek().cloned() {
                    Some(T::Num(n)) => {
                        self.i += 1;
                        let v: i64 = n.parse().map_err(|_| unsupported("non-integer numbers".into()))?;
                        DefaultExpr::Lit(Lit::Int(if neg { -v } else { v }))
                    }
                    Some(T::Str(s)) => {
                        self.i += 1;
                        DefaultExpr::Lit(Lit::Str(s))
                    }
                    Some(T::Word(w)) => {
                        let u = w.to_ascii_uppercase();
                        self.i += 1;
                        match u.as_str() {
                            "TRUE" => DefaultExpr::Lit(Lit::Bool(true)),
                            "FALSE" => DefaultExpr::Lit(Lit::Bool(false)),
                            "NULL" => DefaultExpr::Lit(Lit::Null),
                            "CURRENT_TIMESTAMP" => {
                                if self.eat("(") {
                                    self.expect(")")?;
                                }
                                DefaultExpr::Now("CURRENT_TIMESTAMP")
                            }
                            "NOW" | "LOCALTIMESTAMP" => {
                                self.expect("(")?;
                                self.expect(")")?;
                                DefaultExpr::Now("now()")
                            }
                            _ => return Err(unsupported(format!("DEFAULT {w}"))),
                        }
                    }
                    Some(T::Sym("(")) => return Err(unsupported("DEFAULT expressions".into())),
                    _ => return Err(self.err()),
                });
            } else if self.kw("REFERENCES") || self.kw("CHECK") || self.kw("GENERATED") || self.kw("COLLATE") || (self.d == Dialect::My && (self.kw("COMMENT") || self.kw("ON"))) {
                return Err(unsupported(format!("the column option {}", self.rest_words().split(' ').next().unwrap_or("").to_ascii_uppercase())));
            } else {
                return Ok(c);
            }
        }
    }

    /// A type name; `(ty, serial)`.
    fn type_name(&mut self) -> R<(Ty, bool)> {
        let pos = self.pos();
        let Some(T::Word(w)) = self.peek().cloned() else { return Err(self.err()) };
        self.i += 1;
        let lw = w.to_ascii_lowercase();
        let size = |p: &mut Self| -> R<Option<u32>> {
            if p.eat("(") {
                let n = match p.peek() {
                    Some(T::Num(n)) => n.parse::<u32>().ok(),
                    _ => None,
                };
                let Some(n) = n else { return Err(p.err()) };
                p.i += 1;
                p.expect(")")?;
                Ok(Some(n))
            } else {
                Ok(None)
            }
        };
        let t = match lw.as_str() {
            "int" | "integer" | "int4" | "mediumint" => {
                if self.d == Dialect::My {
                    size(self)?;
                    self.eat_kw("UNSIGNED");
                }
                (Ty::Int4, false)
            }
            "smallint" | "int2" | "tinyint" => {
                let n = if self.d == Dialect::My { size(self)? } else { None };
                self.eat_kw("UNSIGNED");
                if lw == "tinyint" && n == Some(1) {
                    (Ty::Bool, false)
                } else {
                    (Ty::Int2, false)
                }
            }
            "bigint" | "int8" => {
                if self.d == Dialect::My {
                    size(self)?;
                    self.eat_kw("UNSIGNED");
                }
                (Ty::Int8, false)
            }
            "serial" | "serial4" if self.d == Dialect::Pg => (Ty::Int4, true),
            "bigserial" | "serial8" if self.d == Dialect::Pg => (Ty::Int8, true),
            "smallserial" | "serial2" if self.d == Dialect::Pg => (Ty::Int2, true),
            "serial" => (Ty::Int8, true),
            "text" | "mediumtext" | "longtext" | "tinytext" => (Ty::Text, false),
            "varchar" => (Ty::Varchar(size(self)?), false),
            "character" | "char" => {
                if self.eat_kw("VARYING") {
                    (Ty::Varchar(size(self)?), false)
                } else {
                    (Ty::Char(size(self)?.unwrap_or(1)), false)
                }
            }
            "boolean" | "bool" => (Ty::Bool, false),
            "datetime" if self.d == Dialect::My => {
                size(self)?;
                (Ty::Datetime, false)
            }
            "timestamp" => {
                size(self)?;
                if self.kw("WITH") || self.kw("WITHOUT") {
                    let with = self.kw("WITH");
                    self.i += 1;
                    self.expect_kw("TIME")?;
                    self.expect_kw("ZONE")?;
                    if with {
                        return Err(unsupported("the type timestamp with time zone".into()));
                    }
                }
                (Ty::Timestamp, false)
            }
            "date" => (Ty::Date, false),
            _ if is_type_word(&lw) => return Err(unsupported(format!("the type {lw}"))),
            _ => {
                if self.d == Dialect::My {
                    self.i -= 1;
                    return Err(self.err());
                }
                return Err(SyntaxError { pos: Some(pos), near: w, kind: SynKind::UnknownType(lw) });
            }
        };
        Ok(t)
    }

    fn drop(&mut self) -> R<Stmt> {
        self.expect_kw("DROP")?;
        if self.eat_kw("TABLE") {
            let if_exists = self.if_exists()?;
            let mut names = Vec::new();
            loop {
                names.push(self.table()?);
                if !self.eat(",") {
                    break;
                }
            }
            let _ = self.eat_kw("CASCADE") || self.eat_kw("RESTRICT");
            return Ok(Stmt::DropTable { names, if_exists });
        }
        if self.eat_kw("DATABASE") || (self.d == Dialect::My && self.eat_kw("SCHEMA")) {
            let if_exists = self.if_exists()?;
            let name = self.ident()?;
            return Ok(Stmt::DropDb { name, if_exists });
        }
        Err(unsupported(format!("DROP {}", self.rest_words().split(' ').next().unwrap_or("").to_ascii_uppercase())))
    }

    fn expr(&mut self) -> R<Expr> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(unsupported(format!("expressions nested more than {MAX_DEPTH} deep")));
        }
        let r = self.or();
        self.depth -= 1;
        r
    }

    fn or(&mut self) -> R<Expr> {
        let mut l = self.and()?;
        while self.kw("OR") || (self.d == Dialect::My && self.sym("||")) {
            let pos = self.pos();
            self.i += 1;
            let r = self.and()?;
            l = Expr::Bin(Box::new(l), Op::Or, Box::new(r), pos);
        }
        Ok(l)
    }

    fn and(&mut self) -> R<Expr> {
        let mut l = self.not()?;
        while self.kw("AND") {
            let pos = self.pos();
            self.i += 1;
            let r = self.not()?;
            l = Expr::Bin(Box::new(l), Op::And, Box::new(r), pos);
        }
        Ok(l)
    }

    fn not(&mut self) -> R<Expr> {
        if self.eat_kw("NOT") {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(unsupported(format!("expressions nested more than {MAX_DEPTH} deep")));
            }
            let e = self.not()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(e)));
        }
        self.cmp()
    }

    fn cmp(&mut self) -> R<Expr> {
        let l = self.concat()?;
        let pos = self.pos();
        let op = match self.peek() {
            Some(T::Sym("=")) => Op::Eq,
            Some(T::Sym("<>")) | Some(T::Sym("!=")) => Op::Ne,
            Some(T::Sym("<")) => Op::Lt,
            Some(T::Sym(">")) => Op::Gt,
            Some(T::Sym("<=")) => Op::Le,
            Some(T::Sym(">=")) => Op::Ge,
            Some(T::Word(w)) if w.eq_ignore_ascii_case("LIKE") => Op::Like,
            Some(T::Word(w)) if w.eq_ignore_ascii_case("IS") => {
                self.i += 1;
                let not = self.eat_kw("NOT");
                if self.eat_kw("NULL") {
                    return Ok(Expr::IsNull(Box::new(l), not));
                }
                let b = if self.eat_kw("TRUE") {
                    true
                } else if self.eat_kw("FALSE") {
                    false
                } else {
                    return Err(self.err());
                };
                let e = Expr::Bin(Box::new(l), Op::Eq, Box::new(Expr::Lit(Lit::Bool(b), pos)), pos);
                return Ok(if not { Expr::Not(Box::new(e)) } else { e });
            }
            Some(T::Word(w)) if w.eq_ignore_ascii_case("NOT") && (self.kw_at(1, "IN") || self.kw_at(1, "LIKE") || self.kw_at(1, "BETWEEN")) => {
                self.i += 1;
                let e = self.cmp_tail(l, pos)?;
                return Ok(Expr::Not(Box::new(e)));
            }
            Some(T::Word(w)) if w.eq_ignore_ascii_case("IN") || w.eq_ignore_ascii_case("BETWEEN") => {
                return self.cmp_tail(l, pos);
            }
            _ => return Ok(l),
        };
        self.i += 1;
        let r = self.concat()?;
        Ok(Expr::Bin(Box::new(l), op, Box::new(r), pos))
    }

    /// `IN (…)`, `LIKE x`, `BETWEEN a AND b` after the left operand.
    fn cmp_tail(&mut self, l: Expr, pos: usize) -> R<Expr> {
        if self.eat_kw("LIKE") {
            let r = self.concat()?;
            return Ok(Expr::Bin(Box::new(l), Op::Like, Box::new(r), pos));
        }
        if self.eat_kw("BETWEEN") {
            let lo = self.concat()?;
            self.expect_kw("AND")?;
            let hi = self.concat()?;
            let a = Expr::Bin(Box::new(l.clone()), Op::Ge, Box::new(lo), pos);
            let b = Expr::Bin(Box::new(l), Op::Le, Box::new(hi), pos);
            return Ok(Expr::Bin(Box::new(a), Op::And, Box::new(b), pos));
        }
        self.expect_kw("IN")?;
        self.expect("(")?;
        if self.kw("SELECT") {
            return Err(unsupported("subqueries".into()));
        }
        let mut list = Vec::new();
        loop {
            list.push(self.expr()?);
            if !self.eat(",") {
                break;
            }
        }
        self.expect(")")?;
        Ok(Expr::InList(Box::new(l), list, false))
    }

    fn concat(&mut self) -> R<Expr> {
        let mut l = self.add()?;
        while self.d == Dialect::Pg && self.sym("||") {
            let pos = self.pos();
            self.i += 1;
            let r = self.add()?;
            l = Expr::Bin(Box::new(l), Op::Concat, Box::new(r), pos);
        }
        Ok(l)
    }

    fn add(&mut self) -> R<Expr> {
        let mut l = self.mul()?;
        loop {
            let pos = self.pos();
            let op = if self.sym("+") {
                Op::Add
            } else if self.sym("-") {
                Op::Sub
            } else {
                return Ok(l);
            };
            self.i += 1;
            let r = self.mul()?;
            l = Expr::Bin(Box::new(l), op, Box::new(r), pos);
        }
    }

    fn mul(&mut self) -> R<Expr> {
        let mut l = self.unary()?;
        loop {
            let pos = self.pos();
            let op = if self.sym("*") {
                Op::Mul
            } else if self.sym("/") {
                Op::Div
            } else if self.sym("%") || (self.d == Dialect::My && self.kw("MOD")) {
                Op::Mod
            } else if self.d == Dialect::My && self.kw("DIV") {
                Op::Div
            } else {
                return Ok(l);
            };
            if op == Op::Div && self.d == Dialect::My && self.sym("/") {
                return Err(unsupported("MySQL's / division (decimal results); use DIV".into()));
            }
            self.i += 1;
            let r = self.unary()?;
            l = Expr::Bin(Box::new(l), op, Box::new(r), pos);
        }
    }

    fn unary(&mut self) -> R<Expr> {
        let pos = self.pos();
        if self.eat("-") {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(unsupported(format!("expressions nested more than {MAX_DEPTH} deep")));
            }
            let e = self.unary()?;
            self.depth -= 1;
            return Ok(match e {
                Expr::Lit(Lit::Int(n), _) => Expr::Lit(Lit::Int(n.wrapping_neg()), pos),
                e => Expr::Neg(Box::new(e), pos),
            });
        }
        if self.eat("+") {
            return self.unary();
        }
        let mut e = self.primary()?;
        while self.d == Dialect::Pg && self.sym("::") {
            let p = self.pos();
            self.i += 1;
            let (ty, _) = self.type_name()?;
            e = Expr::Cast(Box::new(e), ty, p);
        }
        Ok(e)
    }

    fn primary(&mut self) -> R<Expr> {
        let pos = self.pos();
        let Some(t) = self.peek().cloned() else { return Err(self.err()) };
        match t {
            T::Num(n) => {
                self.i += 1;
                if n.contains('.') {
                    return Err(unsupported("non-integer numbers".into()));
                }
                match n.parse::<i64>() {
                    Ok(v) => Ok(Expr::Lit(Lit::Int(v), pos)),
                    Err(_) => Err(unsupported("numbers beyond 64 bits".into())),
                }
            }
            T::Str(s) => {
                self.i += 1;
                Ok(Expr::Lit(Lit::Str(s), pos))
            }
            T::Sym("(") => {
                self.i += 1;
                if self.kw("SELECT") {
                    return Err(unsupported("subqueries".into()));
                }
                let e = self.expr()?;
                self.expect(")")?;
                Ok(e)
            }
            T::Word(w) => {
                let u = w.to_ascii_uppercase();
                match u.as_str() {
                    "NULL" => {
                        self.i += 1;
                        return Ok(Expr::Lit(Lit::Null, pos));
                    }
                    "TRUE" | "FALSE" => {
                        self.i += 1;
                        return Ok(Expr::Lit(Lit::Bool(u == "TRUE"), pos));
                    }
                    "CURRENT_TIMESTAMP" | "CURRENT_DATE" | "CURRENT_USER" | "LOCALTIMESTAMP" | "USER" | "SESSION_USER" if !matches!(self.toks.get(self.i + 1).map(|t| &t.t), Some(T::Sym("("))) || self.d == Dialect::My => {
                        self.i += 1;
                        if self.d == Dialect::My && self.eat("(") {
                            self.expect(")")?;
                        }
                        return Ok(Expr::Func { name: u.to_lowercase(), args: vec![], star: false, pos });
                    }
                    "DEFAULT" => {
                        self.i += 1;
                        return Ok(Expr::Func { name: "default".into(), args: vec![], star: true, pos });
                    }
                    "CAST" => {
                        self.i += 1;
                        self.expect("(")?;
                        let e = self.expr()?;
                        self.expect_kw("AS")?;
                        let (ty, _) = self.type_name()?;
                        self.expect(")")?;
                        return Ok(Expr::Cast(Box::new(e), ty, pos));
                    }
                    "CASE" | "EXISTS" | "ARRAY" | "INTERVAL" => {
                        return Err(unsupported(format!("{u} expressions")));
                    }
                    _ => {}
                }
                if matches!(self.toks.get(self.i + 1).map(|t| &t.t), Some(T::Sym("("))) {
                    self.i += 2;
                    let name = w.to_lowercase();
                    if self.eat("*") {
                        self.expect(")")?;
                        return Ok(Expr::Func { name, args: vec![], star: true, pos });
                    }
                    if self.kw("DISTINCT") {
                        return Err(unsupported("aggregates over DISTINCT values".into()));
                    }
                    let mut args = Vec::new();
                    if !self.sym(")") {
                        loop {
                            args.push(self.expr()?);
                            if !self.eat(",") {
                                break;
                            }
                        }
                    }
                    self.expect(")")?;
                    return Ok(Expr::Func { name, args, star: false, pos });
                }
                self.column(pos)
            }
            T::Quoted(_) => self.column(pos),
            _ => Err(self.err()),
        }
    }

    fn column(&mut self, pos: usize) -> R<Expr> {
        let (a, _) = self.ident()?;
        if self.eat(".") {
            let (b, _) = self.ident()?;
            return Ok(Expr::Col(Some(a), b, pos));
        }
        Ok(Expr::Col(None, a, pos))
    }
}

/// Words that cannot name a column or table without quotes.
fn reserved(w: &str, d: Dialect) -> bool {
    const BOTH: [&str; 45] = [
        "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "NULL", "TRUE", "FALSE", "ORDER", "BY", "LIMIT",
        "GROUP", "HAVING", "INSERT", "INTO", "VALUES", "UPDATE", "SET", "DELETE", "CREATE", "DROP",
        "TABLE", "AS", "ON", "IN", "IS", "LIKE", "DESC", "ASC", "UNION", "CASE", "WHEN", "DISTINCT",
        "PRIMARY", "DEFAULT", "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "NATURAL", "USING",
        "BETWEEN",
    ];
    const PG: [&str; 8] = ["OFFSET", "RETURNING", "USER", "CURRENT_USER", "ALL", "ANALYSE", "ANALYZE", "CHECK"];
    let u = w.to_ascii_uppercase();
    BOTH.contains(&u.as_str()) || (d == Dialect::Pg && PG.contains(&u.as_str()))
}

fn is_known_command(w: &str) -> bool {
    const C: [&str; 20] = [
        "ALTER", "GRANT", "REVOKE", "TRUNCATE", "EXPLAIN", "VACUUM", "ANALYZE", "COPY", "WITH", "SET",
        "SHOW", "RESET", "PREPARE", "EXECUTE", "DO", "CALL", "REINDEX", "COMMENT", "LOCK", "FLUSH",
    ];
    C.contains(&w)
}

fn is_type_word(w: &str) -> bool {
    const T: [&str; 20] = [
        "numeric", "decimal", "real", "float", "float4", "float8", "double", "money", "json", "jsonb",
        "uuid", "bytea", "blob", "time", "interval", "timestamptz", "inet", "xml", "enum", "year",
    ];
    T.contains(&w)
}

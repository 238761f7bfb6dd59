//! How the interactive SQL clients (psql, mysql) gather typed lines into statements: a
//! statement ends at a `;` outside quotes, comments (and, for psql, parentheses); what is open at
//! the end of a line decides the continuation prompt (`postgres'# `, `    '> `).

use super::sqlparse::Dialect;

/// What is still open at the end of the input so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Open {
    /// Nothing: an empty buffer or an unterminated statement.
    None,
    Quote(char),
    Comment,
    Paren,
}

/// Splits `text` into the complete statements it holds and the unfinished rest. PostgreSQL's
/// statements keep their `;` (psql sends it), MySQL's lose it (the client strips the delimiter).
/// Leading white space of each statement is dropped.
pub fn split(text: &str, d: Dialect) -> (Vec<String>, String, Open) {
    let c: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut depth: u32 = 0;
    while i < c.len() {
        let ch = c[i];
        if comment {
            if ch == '*' && c.get(i + 1) == Some(&'/') {
                comment = false;
                i += 1;
            }
        } else if let Some(q) = quote {
            if ch == '\\' && d == Dialect::My {
                i += 1;
            } else if ch == q {
                if c.get(i + 1) == Some(&q) {
                    i += 1;
                } else {
                    quote = None;
                }
            }
        } else {
            match ch {
                '\'' | '"' => quote = Some(ch),
                '`' if d == Dialect::My => quote = Some(ch),
                '/' if c.get(i + 1) == Some(&'*') => {
                    comment = true;
                    i += 1;
                }
                '-' if c.get(i + 1) == Some(&'-') => {
                    while i < c.len() && c[i] != '\n' {
                        i += 1;
                    }
                    continue;
                }
                '#' if d == Dialect::My => {
                    while i < c.len() && c[i] != '\n' {
                        i += 1;
                    }
                    continue;
                }
                '(' if d == Dialect::Pg => depth += 1,
                ')' if d == Dialect::Pg => depth = depth.saturating_sub(1),
                ';' if depth == 0 => {
                    let end = if d == Dialect::Pg { i + 1 } else { i };
                    let s: String = c[start..end].iter().collect();
                    out.push(s.trim_start().to_string());
                    start = i + 1;
                }
                _ => {}
            }
        }
        i += 1;
    }
    let rest: String = c[start.min(c.len())..].iter().collect();
    let open = if comment {
        Open::Comment
    } else if let Some(q) = quote {
        Open::Quote(q)
    } else if depth > 0 {
        Open::Paren
    } else {
        Open::None
    };
    let rest = if rest.trim().is_empty() && open == Open::None { String::new() } else { rest.trim_start().to_string() };
    (out, rest, open)
}

/// Whether `text` holds only white space and comments (nothing worth sending).
pub fn blank(text: &str, d: Dialect) -> bool {
    super::sqlparse::lex(text, d).map(|t| t.is_empty()).unwrap_or(false)
}

//! Result tables as the clients print them: psql's aligned format (border 1: centred headers,
//! `-+-` rule, `+` marking wrapped cell lines, `(N rows)` footer) and the mysql client's boxed
//! format and its tab-separated batch format. Widths count characters.

use super::sql::Head;

fn width(s: &str) -> usize {
    s.chars().count()
}

/// psql's aligned table; `footers` are printed after it (`(3 rows)`, `Indexes:`…), then a
/// blank line.
pub fn psql(title: Option<&str>, heads: &[Head], rows: &[Vec<Option<String>>], footers: &[String]) -> String {
    let mut out = String::new();
    if heads.is_empty() {
        out.push_str("--\n");
        for f in footers {
            out.push_str(f);
            out.push('\n');
        }
        out.push('\n');
        return out;
    }
    let cells: Vec<Vec<Vec<&str>>> = rows
        .iter()
        .map(|r| (0..heads.len()).map(|j| r.get(j).and_then(|c| c.as_deref()).unwrap_or("").split('\n').collect()).collect())
        .collect();
    let mut w: Vec<usize> = heads.iter().map(|h| width(&h.name)).collect();
    for r in &cells {
        for (j, c) in r.iter().enumerate() {
            for l in c {
                w[j] = w[j].max(width(l));
            }
        }
    }
    let total: usize = w.iter().sum::<usize>() + 3 * (w.len() - 1) + 2;
    if let Some(t) = title {
        let tw = width(t);
        if tw < total {
            out.push_str(&" ".repeat((total - tw) / 2));
        }
        out.push_str(t);
        out.push('\n');
    }
    let mut line = String::from(" ");
    for (j, h) in heads.iter().enumerate() {
        let hw = width(&h.name);
        let left = (w[j] - hw) / 2;
        line.push_str(&" ".repeat(left));
        line.push_str(&h.name);
        line.push_str(&" ".repeat(w[j] - hw - left));
        line.push_str(if j + 1 < heads.len() { " | " } else { " " });
    }
    out.push_str(&line);
    out.push('\n');
    out.push_str(&w.iter().map(|n| "-".repeat(n + 2)).collect::<Vec<_>>().join("+"));
    out.push('\n');
    let last = heads.len() - 1;
    for r in &cells {
        let height = r.iter().map(|c| c.len()).max().unwrap_or(1);
        for l in 0..height {
            let mut line = String::from(" ");
            for (j, c) in r.iter().enumerate() {
                let text = c.get(l).copied().unwrap_or("");
                let more = c.len() > l + 1;
                let pad = w[j] - width(text);
                if heads[j].right {
                    line.push_str(&" ".repeat(pad));
                    line.push_str(text);
                } else {
                    line.push_str(text);
                    if j < last || more {
                        line.push_str(&" ".repeat(pad));
                    }
                }
                if j < last {
                    line.push(if more { '+' } else { ' ' });
                    line.push_str("| ");
                } else if more {
                    line.push('+');
                }
            }
            out.push_str(&line);
            out.push('\n');
        }
    }
    for f in footers {
        out.push_str(f);
        out.push('\n');
    }
    out.push('\n');
    out
}

/// psql's row-count footer.
pub fn rows_footer(n: usize) -> String {
    if n == 1 {
        "(1 row)".into()
    } else {
        format!("({n} rows)")
    }
}

/// The mysql client's boxed table (NULL shown as `NULL`), without the `rows in set` line.
pub fn mysql(heads: &[Head], rows: &[Vec<Option<String>>]) -> String {
    let shown = |c: &Option<String>| c.clone().unwrap_or_else(|| "NULL".into());
    let mut w: Vec<usize> = heads.iter().map(|h| width(&h.name).max(if h.nullable { 4 } else { 0 })).collect();
    for r in rows {
        for (j, c) in r.iter().enumerate().take(w.len()) {
            w[j] = w[j].max(width(&shown(c)));
        }
    }
    let rule: String = format!("+{}+\n", w.iter().map(|n| "-".repeat(n + 2)).collect::<Vec<_>>().join("+"));
    let mut out = rule.clone();
    out.push('|');
    for (j, h) in heads.iter().enumerate() {
        out.push_str(&format!(" {}{} |", h.name, " ".repeat(w[j] - width(&h.name))));
    }
    out.push('\n');
    out.push_str(&rule);
    for r in rows {
        out.push('|');
        for (j, h) in heads.iter().enumerate() {
            let s = r.get(j).map(shown).unwrap_or_default();
            let pad = " ".repeat(w[j] - width(&s));
            if h.right {
                out.push_str(&format!(" {pad}{s} |"));
            } else {
                out.push_str(&format!(" {s}{pad} |"));
            }
        }
        out.push('\n');
    }
    out.push_str(&rule);
    out
}

/// The mysql client's batch output: a header line and tab-separated rows, special characters
/// escaped.
pub fn mysql_tabs(heads: &[Head], rows: &[Vec<Option<String>>]) -> String {
    let esc = |s: &str| s.replace('\\', "\\\\").replace('\n', "\\n").replace('\t', "\\t").replace('\0', "\\0");
    let mut out = heads.iter().map(|h| h.name.clone()).collect::<Vec<_>>().join("\t");
    out.push('\n');
    for r in rows {
        out.push_str(&r.iter().map(|c| c.as_deref().map(esc).unwrap_or_else(|| "NULL".into())).collect::<Vec<_>>().join("\t"));
        out.push('\n');
    }
    out
}

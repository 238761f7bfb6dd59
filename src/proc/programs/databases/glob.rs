//! Wildcard patterns: SQL `LIKE` (`%`, `_`, `\` escape), psql's name patterns (`*`, `?`) and
//! Redis's `KEYS` globs (`*`, `?`, `[a-z]`, `[^x]`, `\`). Matched in O(pattern × text) time,
//! whatever the pattern.

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Any,
    One,
    Lit(char),
    /// Ranges, and whether the class is negated.
    Class(Vec<(char, char)>, bool),
}

/// Which pattern language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Like,
    Psql,
    Redis,
}

fn tokens(p: &str, kind: Kind) -> Vec<Tok> {
    let c: Vec<char> = p.chars().collect();
    let (any, one) = match kind {
        Kind::Like => ('%', '_'),
        _ => ('*', '?'),
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch == any {
            if out.last() != Some(&Tok::Any) {
                out.push(Tok::Any);
            }
        } else if ch == one {
            out.push(Tok::One);
        } else if ch == '\\' && kind != Kind::Psql && i + 1 < c.len() {
            i += 1;
            out.push(Tok::Lit(c[i]));
        } else if ch == '[' && kind == Kind::Redis {
            let mut j = i + 1;
            let neg = c.get(j) == Some(&'^');
            if neg {
                j += 1;
            }
            let mut ranges = Vec::new();
            while j < c.len() && c[j] != ']' {
                if c[j] == '\\' && j + 1 < c.len() {
                    ranges.push((c[j + 1], c[j + 1]));
                    j += 2;
                } else if c.get(j + 1) == Some(&'-') && j + 2 < c.len() && c[j + 2] != ']' {
                    let (a, b) = if c[j] <= c[j + 2] { (c[j], c[j + 2]) } else { (c[j + 2], c[j]) };
                    ranges.push((a, b));
                    j += 3;
                } else {
                    ranges.push((c[j], c[j]));
                    j += 1;
                }
            }
            out.push(Tok::Class(ranges, neg));
            i = j;
        } else {
            out.push(Tok::Lit(ch));
        }
        i += 1;
    }
    out
}

/// Whether `text` matches `pattern`; `fold` compares letters case-insensitively.
pub fn matches(pattern: &str, text: &str, kind: Kind, fold: bool) -> bool {
    let toks = tokens(pattern, kind);
    let s: Vec<char> = text.chars().collect();
    let eq = |a: char, b: char| if fold { a.to_lowercase().eq(b.to_lowercase()) } else { a == b };
    // reach[i]: the pattern so far can end exactly at text position i.
    let mut reach = vec![false; s.len() + 1];
    reach[0] = true;
    for t in &toks {
        let mut next = vec![false; s.len() + 1];
        match t {
            Tok::Any => {
                let mut on = false;
                for i in 0..=s.len() {
                    on |= reach[i];
                    next[i] = on;
                }
            }
            _ => {
                for i in 0..s.len() {
                    if !reach[i] {
                        continue;
                    }
                    let ok = match t {
                        Tok::One => true,
                        Tok::Lit(c) => eq(*c, s[i]),
                        Tok::Class(r, neg) => r.iter().any(|(a, b)| s[i] >= *a && s[i] <= *b) != *neg,
                        Tok::Any => false,
                    };
                    if ok {
                        next[i + 1] = true;
                    }
                }
            }
        }
        reach = next;
    }
    reach[s.len()]
}

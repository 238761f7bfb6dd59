//! Word expansion: `~`, parameters (`$HOME`, `$?`), command substitution, field splitting of
//! unquoted expansions, and pathname globbing (`*`, `?`) against the host file system.

use super::lex::{Part, Word};
use super::Shell;
use crate::vfs::{join, normalize, NodeKind, Tree};

/// Gives the output of a command substitution, by its source text.
pub type SubstFn<'a> = dyn FnMut(&str) -> String + 'a;

/// A field under construction: its text and which bytes may glob (unquoted `*`/`?`).
#[derive(Default)]
struct Field {
    text: String,
    globbable: Vec<bool>,
    any: bool,
}

impl Field {
    fn push(&mut self, s: &str, glob: bool) {
        for c in s.chars() {
            self.text.push(c);
            self.globbable.push(glob && matches!(c, '*' | '?'));
        }
        self.any = true;
    }
}

/// The value of `$name` (`${name:-default}` and friends are resolved too).
pub fn var(sh: &Shell, name: &str) -> String {
    // `${V#p}`, `${V##p}`, `${V%p}`, `${V%%p}`: remove a matching prefix or suffix.
    if let Some(i) = name.find(['#', '%']).filter(|&i| i > 0) {
        let (n, rest) = name.split_at(i);
        if n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') || matches!(n, "@" | "*") {
            let v: Vec<char> = var(sh, n).chars().collect();
            let (front, longest, pat) = match rest {
                r if r.starts_with("##") => (true, true, &r[2..]),
                r if r.starts_with('#') => (true, false, &r[1..]),
                r if r.starts_with("%%") => (false, true, &r[2..]),
                r => (false, false, &r[1..]),
            };
            let p: Vec<char> = pat.chars().collect();
            let lens: Vec<usize> = if longest {
                (0..=v.len()).rev().collect()
            } else {
                (0..=v.len()).collect()
            };
            for k in lens {
                let part = if front { &v[..k] } else { &v[v.len() - k..] };
                if glob_match(&p, part) {
                    let kept: String = if front { v[k..].iter().collect() } else { v[..v.len() - k].iter().collect() };
                    return kept;
                }
            }
            return v.iter().collect();
        }
    }
    if let Some((n, default)) = name.split_once(":=") {
        let v = var(sh, n);
        return if v.is_empty() { default.to_string() } else { v };
    }
    if let Some((n, default)) = name.split_once('-').filter(|(n, _)| !n.is_empty() && !n.ends_with(':')) {
        return if sh.vars.contains_key(n) || n.bytes().all(|b| b.is_ascii_digit()) && !var(sh, n).is_empty() {
            var(sh, n)
        } else {
            default.to_string()
        };
    }
    if let Some((n, default)) = name.split_once(":-") {
        let v = var(sh, n);
        return if v.is_empty() { default.to_string() } else { v };
    }
    if let Some((n, alt)) = name.split_once(":+") {
        return if var(sh, n).is_empty() {
            String::new()
        } else {
            alt.to_string()
        };
    }
    if let Some(n) = name.strip_prefix('#') {
        if !n.is_empty() {
            return var(sh, n).chars().count().to_string();
        }
    }
    match name {
        "?" => sh.status.to_string(),
        "$" => sh.pid.to_string(),
        "#" => sh.args.len().to_string(),
        "@" | "*" => sh.args.join(" "),
        "-" => if sh.errexit { "e".into() } else { String::new() },
        "0" => sh.name.clone(),
        "PWD" => sh.cwd.clone(),
        n if n.len() == 1 && n.as_bytes()[0].is_ascii_digit() => {
            let i = (n.as_bytes()[0] - b'0') as usize;
            sh.args.get(i.wrapping_sub(1)).cloned().unwrap_or_default()
        }
        _ => sh.vars.get(name).cloned().unwrap_or_default(),
    }
}

/// The value of `$((expr))` (errors expand to empty text; the shell reports them when it runs).
pub fn arith(sh: &Shell, expr: &str) -> String {
    super::arith::eval(expr, &|n| var(sh, n))
        .map(|v| v.to_string())
        .unwrap_or_default()
}

/// The command substitutions inside `$((…))` text (`$(( $1 * $(fact 4) ))`): each `$(…)`'s
/// source, in order, with where it starts and ends.
fn arith_substs(expr: &str) -> Vec<(usize, usize, String)> {
    let b = expr.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] == b'$' && b[i + 1] == b'(' && b.get(i + 2) != Some(&b'(') {
            let mut depth = 0;
            let mut j = i + 1;
            while j < b.len() {
                match b[j] {
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            if j >= b.len() {
                break;
            }
            out.push((i, j + 1, expr[i + 2..j].to_string()));
            i = j + 1;
            continue;
        }
        i += 1;
    }
    out
}

/// The command substitutions of `words`, in the order expanding them runs them.
pub fn subst_sources(words: &[&Word]) -> Vec<String> {
    let mut out = Vec::new();
    for p in words.iter().flat_map(|w| w.iter()) {
        match p {
            Part::Subst { source, .. } => out.push(source.clone()),
            Part::Arith { expr, .. } => out.extend(arith_substs(expr).into_iter().map(|(_, _, s)| s)),
            _ => {}
        }
    }
    out
}

/// `$((…))` text with its command substitutions replaced by their output.
fn arith_text(expr: &str, subst: &mut SubstFn) -> String {
    let subs = arith_substs(expr);
    if subs.is_empty() {
        return expr.to_string();
    }
    let mut out = String::new();
    let mut at = 0;
    for (a, b, source) in subs {
        out.push_str(&expr[at..a]);
        out.push_str(subst(&source).trim_end_matches('\n'));
        at = b;
    }
    out.push_str(&expr[at..]);
    out
}

/// The first `$((…))` in `words` that cannot be evaluated, as this shell reports it (bash 5.2,
/// dash 0.5.12, BusyBox 1.35): the message without a trailing newline.
pub fn arith_error(sh: &Shell, words: &[&Word]) -> Option<String> {
    let (expr, msg) = words.iter().flat_map(|w| w.iter()).find_map(|p| match p {
        // One with command substitutions is evaluated once they have run.
        Part::Arith { expr, .. } if !arith_substs(expr).is_empty() => None,
        Part::Arith { expr, .. } => super::arith::eval(expr, &|n| var(sh, n)).err().map(|m| (expr.as_str(), m)),
        _ => None,
    })?;
    let division = msg.starts_with("division by 0");
    Some(match sh.flavor {
        super::Flavor::Bash => sh.builtin_error(expr.trim(), &msg).trim_end().to_string(),
        super::Flavor::Dash => {
            let what = if division {
                "division by zero"
            } else if msg.starts_with("syntax error in expression") {
                "expecting EOF"
            } else {
                "expecting primary"
            };
            format!("{}: 1: arithmetic expression: {what}: \"{expr}\"", sh.name)
        }
        super::Flavor::Ash if division => format!("{}: divide by zero", sh.name),
        super::Flavor::Ash => format!("{}: arithmetic syntax error", sh.name),
    })
}

/// Expands words into argument fields.
pub fn expand_words(sh: &Shell, fs: &Tree, words: &[Word], subst: &mut SubstFn) -> Vec<String> {
    let mut out = Vec::new();
    for w in words {
        expand_into(sh, fs, w, subst, &mut out);
    }
    out
}

/// Expands one word without field splitting or globbing (redirection targets, assignments).
pub fn expand_single(sh: &Shell, w: &Word, subst: &mut SubstFn) -> String {
    let mut s = String::new();
    for (i, p) in w.iter().enumerate() {
        match p {
            Part::Lit(t) if i == 0 => s.push_str(&tilde(sh, t)),
            Part::Lit(t) | Part::Quoted(t) => s.push_str(t),
            Part::Var { name, .. } => s.push_str(&var(sh, name)),
            Part::Subst { source, .. } => s.push_str(subst(source).trim_end_matches('\n')),
            Part::Arith { expr, .. } => s.push_str(&arith(sh, &arith_text(expr, subst))),
        }
    }
    s
}

fn tilde(sh: &Shell, t: &str) -> String {
    if t == "~" || t.starts_with("~/") {
        format!(
            "{}{}",
            sh.vars.get("HOME").map(String::as_str).unwrap_or("/"),
            &t[1..]
        )
    } else {
        t.to_string()
    }
}

fn expand_into(sh: &Shell, fs: &Tree, w: &Word, subst: &mut SubstFn, out: &mut Vec<String>) {
    let mut fields: Vec<Field> = vec![Field::default()];
    for (i, p) in w.iter().enumerate() {
        let cur = fields.len() - 1;
        match p {
            Part::Lit(t) => {
                let t = if i == 0 { tilde(sh, t) } else { t.clone() };
                fields[cur].push(&t, true);
            }
            Part::Quoted(t) => fields[cur].push(t, false),
            Part::Arith { expr, .. } => {
                let v = arith(sh, &arith_text(expr, subst));
                fields[cur].push(&v, false);
            }
            Part::Var { name, quoted: true } if name == "@" => {
                // "$@": one field per positional parameter.
                for (k, a) in sh.args.iter().enumerate() {
                    if k > 0 {
                        fields.push(Field::default());
                    }
                    let last = fields.len() - 1;
                    fields[last].push(a, false);
                    fields[last].any = true;
                }
            }
            Part::Var { name, quoted }
            | Part::Subst {
                source: name,
                quoted,
            } => {
                let value = match p {
                    Part::Var { .. } => var(sh, name),
                    _ => subst(name).trim_end_matches('\n').to_string(),
                };
                if *quoted {
                    fields[cur].push(&value, false);
                } else {
                    let mut pieces = value
                        .split([' ', '\t', '\n'])
                        .filter(|s| !s.is_empty())
                        .peekable();
                    let leading_space = value.starts_with([' ', '\t', '\n']);
                    if leading_space && fields[cur].any {
                        fields.push(Field::default());
                    }
                    let mut first = true;
                    while let Some(piece) = pieces.next() {
                        if !first {
                            fields.push(Field::default());
                        }
                        let last = fields.len() - 1;
                        fields[last].push(piece, false);
                        first = false;
                    }
                    if value.ends_with([' ', '\t', '\n']) && !value.trim().is_empty() {
                        fields.push(Field::default());
                    }
                }
            }
        }
    }
    for f in fields {
        if !f.any {
            continue;
        }
        if f.globbable.iter().any(|g| *g) {
            let matches = glob(sh, fs, &f.text, &f.globbable);
            if !matches.is_empty() {
                out.extend(matches);
                continue;
            }
        }
        out.push(f.text);
    }
}

/// Expands a pattern whose globbable characters are marked; only the last path component globs.
fn glob(sh: &Shell, fs: &Tree, pattern: &str, globbable: &[bool]) -> Vec<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let split = chars.iter().rposition(|c| *c == '/');
    if let Some(s) = split {
        if globbable[..s].iter().any(|g| *g) {
            return Vec::new();
        }
    }
    let (dir_text, pat, pat_glob): (String, Vec<char>, &[bool]) = match split {
        Some(s) => (
            chars[..=s].iter().collect(),
            chars[s + 1..].to_vec(),
            &globbable[s + 1..],
        ),
        None => (String::new(), chars.clone(), globbable),
    };
    let dir = normalize(&sh.cwd, if dir_text.is_empty() { "." } else { &dir_text });
    let Some(node) = fs.get(&dir) else {
        return Vec::new();
    };
    let NodeKind::Dir(entries) = &node.kind else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .keys()
        .filter(|name| !(name.starts_with('.') && pat.first() != Some(&'.')))
        .filter(|name| matches(&pat, pat_glob, &name.chars().collect::<Vec<_>>()))
        .map(|name| {
            if dir_text.is_empty() {
                name.clone()
            } else {
                join(dir_text.trim_end_matches('/'), name)
            }
        })
        .collect();
    crate::text::sort(&mut out);
    out
}

/// Matches a glob pattern (`*`, `?` where `g` marks them active) against a name.
pub fn matches(p: &[char], g: &[bool], s: &[char]) -> bool {
    match p.first() {
        None => s.is_empty(),
        Some('*') if g[0] => (0..=s.len()).any(|k| matches(&p[1..], &g[1..], &s[k..])),
        Some('?') if g[0] => !s.is_empty() && matches(&p[1..], &g[1..], &s[1..]),
        Some(c) => s.first() == Some(c) && matches(&p[1..], &g[1..], &s[1..]),
    }
}

/// Shell pattern matching for `${V#p}` and friends: `*`, `?`, `[…]`, `\`.
fn glob_match(p: &[char], s: &[char]) -> bool {
    match p.first() {
        None => s.is_empty(),
        Some('*') => (0..=s.len()).any(|i| glob_match(&p[1..], &s[i..])),
        Some('?') => !s.is_empty() && glob_match(&p[1..], &s[1..]),
        Some('[') => {
            let Some(end) = p.iter().skip(1).position(|c| *c == ']').map(|e| e + 1) else {
                return s.first() == Some(&'[') && glob_match(&p[1..], &s[1..]);
            };
            let Some(c) = s.first() else { return false };
            let set = &p[1..end];
            let (neg, set) = match set.first() {
                Some('!') | Some('^') => (true, &set[1..]),
                _ => (false, set),
            };
            let mut hit = false;
            let mut i = 0;
            while i < set.len() {
                if i + 2 < set.len() && set[i + 1] == '-' {
                    hit |= set[i] <= *c && *c <= set[i + 2];
                    i += 3;
                } else {
                    hit |= set[i] == *c;
                    i += 1;
                }
            }
            hit != neg && glob_match(&p[end + 1..], &s[1..])
        }
        Some('\\') if p.len() > 1 => s.first() == Some(&p[1]) && glob_match(&p[2..], &s[1..]),
        Some(c) => s.first() == Some(c) && glob_match(&p[1..], &s[1..]),
    }
}

//! Word expansion: `~`, parameters (`$HOME`, `$?`), command substitution, field splitting of
//! unquoted expansions, and pathname globbing (`*`, `?`) against the host file system.

use super::lex::{Part, Word};
use super::Host;
use crate::vfs::{join, normalize, NodeKind};

/// Runs a command substitution's source and returns its standard output.
pub type SubstFn<'a> = dyn FnMut(&mut Host, &str) -> String + 'a;

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

/// The value of `$name`.
pub fn var(host: &Host, name: &str) -> String {
    match name {
        "?" => host.status.to_string(),
        "$" => "4242".into(),
        "#" => "0".into(),
        "0" => "bash".into(),
        "PWD" => host.cwd.clone(),
        _ => host.vars.get(name).cloned().unwrap_or_default(),
    }
}

/// Expands words into argument fields.
pub fn expand_words(host: &mut Host, words: &[Word], subst: &mut SubstFn) -> Vec<String> {
    let mut out = Vec::new();
    for w in words {
        expand_into(host, w, subst, &mut out);
    }
    out
}

/// Expands one word without field splitting or globbing (redirection targets, assignments).
pub fn expand_single(host: &mut Host, w: &Word, subst: &mut SubstFn) -> String {
    let mut s = String::new();
    for (i, p) in w.iter().enumerate() {
        match p {
            Part::Lit(t) if i == 0 => s.push_str(&tilde(host, t)),
            Part::Lit(t) | Part::Quoted(t) => s.push_str(t),
            Part::Var { name, .. } => s.push_str(&var(host, name)),
            Part::Subst { source, .. } => s.push_str(subst(host, source).trim_end_matches('\n')),
        }
    }
    s
}

fn tilde(host: &Host, t: &str) -> String {
    if t == "~" || t.starts_with("~/") {
        format!("{}{}", host.vars.get("HOME").map(String::as_str).unwrap_or("/"), &t[1..])
    } else {
        t.to_string()
    }
}

fn expand_into(host: &mut Host, w: &Word, subst: &mut SubstFn, out: &mut Vec<String>) {
    let mut fields: Vec<Field> = vec![Field::default()];
    for (i, p) in w.iter().enumerate() {
        let cur = fields.len() - 1;
        match p {
            Part::Lit(t) => {
                let t = if i == 0 { tilde(host, t) } else { t.clone() };
                fields[cur].push(&t, true);
            }
            Part::Quoted(t) => fields[cur].push(t, false),
            Part::Var { name, quoted } | Part::Subst { source: name, quoted } => {
                let value = match p {
                    Part::Var { .. } => var(host, name),
                    _ => subst(host, name).trim_end_matches('\n').to_string(),
                };
                if *quoted {
                    fields[cur].push(&value, false);
                } else {
                    let mut pieces = value.split([' ', '\t', '\n']).filter(|s| !s.is_empty()).peekable();
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
            let matches = glob(host, &f.text, &f.globbable);
            if !matches.is_empty() {
                out.extend(matches);
                continue;
            }
        }
        out.push(f.text);
    }
}

/// Expands a pattern whose globbable characters are marked; only the last path component globs.
fn glob(host: &Host, pattern: &str, globbable: &[bool]) -> Vec<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let split = chars.iter().rposition(|c| *c == '/');
    if let Some(s) = split {
        if globbable[..s].iter().any(|g| *g) {
            return Vec::new();
        }
    }
    let (dir_text, pat, pat_glob): (String, Vec<char>, &[bool]) = match split {
        Some(s) => (chars[..=s].iter().collect(), chars[s + 1..].to_vec(), &globbable[s + 1..]),
        None => (String::new(), chars.clone(), globbable),
    };
    let dir = normalize(&host.cwd, if dir_text.is_empty() { "." } else { &dir_text });
    let Some(node) = host.fs.get(&dir) else { return Vec::new() };
    let NodeKind::Dir(entries) = &node.kind else { return Vec::new() };
    let mut out: Vec<String> = entries
        .keys()
        .filter(|name| !(name.starts_with('.') && pat.first() != Some(&'.')))
        .filter(|name| matches(&pat, pat_glob, &name.chars().collect::<Vec<_>>()))
        .map(|name| if dir_text.is_empty() { name.clone() } else { join(dir_text.trim_end_matches('/'), name) })
        .collect();
    out.sort();
    out
}

fn matches(p: &[char], g: &[bool], s: &[char]) -> bool {
    match p.first() {
        None => s.is_empty(),
        Some('*') if g[0] => (0..=s.len()).any(|k| matches(&p[1..], &g[1..], &s[k..])),
        Some('?') if g[0] => !s.is_empty() && matches(&p[1..], &g[1..], &s[1..]),
        Some(c) => s.first() == Some(c) && matches(&p[1..], &g[1..], &s[1..]),
    }
}

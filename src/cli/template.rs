//! Go `text/template`, the subset docker's `--format` flags use, over JSON values: fields
//! (`{{.State.Status}}`), `{{json .}}`, pipes, `range`/`if`/`with`/`else`/`end`, and the functions
//! docker adds (`json`, `join`, `split`, `lower`, `upper`, `title`, `truncate`, `pad`) plus
//! `index`, `len`, `printf`, `println`.

use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Text(String),
    Action(Vec<Vec<Term>>),
    /// `range [$k, $v :=] pipeline`: the variable names, the pipeline, the body, `else`.
    Range(Vec<String>, Vec<Vec<Term>>, Vec<Node>, Vec<Node>),
    If(Vec<Vec<Term>>, Vec<Node>, Vec<Node>),
    With(Vec<Vec<Term>>, Vec<Node>, Vec<Node>),
}

#[derive(Clone, Debug, PartialEq)]
enum Term {
    /// `.` or `.A.B` (empty path is `.`); `$` roots at the top value.
    Field {
        root: bool,
        path: Vec<String>,
    },
    Str(String),
    Num(i64),
    Ident(String),
}

/// A template that failed to parse or run, with Go's message.
pub type TplError = String;

fn tokenize(action: &str) -> Result<Vec<String>, TplError> {
    let mut toks = Vec::new();
    let chars: Vec<char> = action.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' || c == '`' {
            let q = c;
            let mut s = String::from('"');
            i += 1;
            while i < chars.len() && chars[i] != q {
                if q == '"' && chars[i] == '\\' && i + 1 < chars.len() {
                    let e = chars[i + 1];
                    s.push(match e {
                        'n' => '\n',
                        't' => '\t',
                        o => o,
                    });
                    i += 2;
                    continue;
                }
                s.push(chars[i]);
                i += 1;
            }
            if i >= chars.len() {
                return Err("unterminated quoted string".into());
            }
            i += 1;
            toks.push(s);
        } else if c == '|' || c == '(' || c == ')' {
            toks.push(c.to_string());
            i += 1;
        } else {
            let start = i;
            while i < chars.len()
                && !chars[i].is_whitespace()
                && !matches!(chars[i], '|' | '(' | ')')
            {
                i += 1;
            }
            toks.push(chars[start..i].iter().collect());
        }
    }
    Ok(toks)
}

fn term(tok: &str) -> Term {
    if let Some(s) = tok.strip_prefix('"') {
        return Term::Str(s.to_string());
    }
    if tok == "." {
        return Term::Field {
            root: false,
            path: Vec::new(),
        };
    }
    if let Some(rest) = tok.strip_prefix('$') {
        let path = rest
            .split('.')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        return Term::Field { root: true, path };
    }
    if tok.starts_with('.') {
        return Term::Field {
            root: false,
            path: tok
                .split('.')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        };
    }
    if let Ok(n) = tok.parse::<i64>() {
        return Term::Num(n);
    }
    Term::Ident(tok.to_string())
}

/// A pipeline: commands separated by `|`, each a list of terms.
fn pipeline(action: &str) -> Result<Vec<Vec<Term>>, TplError> {
    let toks = tokenize(action)?;
    let mut cmds = vec![Vec::new()];
    for t in toks {
        if t == "|" {
            cmds.push(Vec::new());
        } else if t != "(" && t != ")" {
            if let Some(last) = cmds.last_mut() {
                last.push(term(&t));
            }
        }
    }
    if cmds.iter().any(|c| c.is_empty()) {
        return Err("missing value for command".into());
    }
    Ok(cmds)
}

fn parse(src: &str) -> Result<Vec<Node>, TplError> {
    // Split into text and actions, honouring `{{-` / `-}}` trimming.
    let mut items: Vec<(bool, String)> = Vec::new();
    let mut rest = src;
    while let Some(start) = rest.find("{{") {
        let mut text = rest[..start].to_string();
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| "unclosed action".to_string())?;
        let mut action = &after[..end];
        if let Some(a) = action.strip_prefix('-') {
            text = text.trim_end().to_string();
            action = a;
        }
        let trim_after = action.ends_with('-');
        if trim_after {
            action = &action[..action.len() - 1];
        }
        items.push((false, text));
        items.push((true, action.trim().to_string()));
        rest = &after[end + 2..];
        if trim_after {
            rest = rest.trim_start();
        }
    }
    items.push((false, rest.to_string()));
    let mut pos = 0;
    let (nodes, stop) = parse_list(&items, &mut pos)?;
    if let Some(s) = stop {
        return Err(format!("unexpected {{{{{s}}}}}"));
    }
    Ok(nodes)
}

/// Parses nodes until `end` or `else` (returned as the stop word).
fn parse_list(
    items: &[(bool, String)],
    pos: &mut usize,
) -> Result<(Vec<Node>, Option<String>), TplError> {
    let mut out = Vec::new();
    while *pos < items.len() {
        let (is_action, s) = &items[*pos];
        *pos += 1;
        if !is_action {
            if !s.is_empty() {
                out.push(Node::Text(s.clone()));
            }
            continue;
        }
        let word = s.split_whitespace().next().unwrap_or("");
        match word {
            "end" | "else" => return Ok((out, Some(word.to_string()))),
            "range" | "if" | "with" => {
                let rest = s[word.len()..].trim();
                let (vars, rest) = match rest.split_once(":=") {
                    Some((names, pipe)) if word == "range" => {
                        (names.split(',').map(|n| n.trim().trim_start_matches('$').to_string()).collect(), pipe.trim())
                    }
                    _ => (Vec::new(), rest),
                };
                let p = pipeline(rest)?;
                let (body, stop) = parse_list(items, pos)?;
                let otherwise = if stop.as_deref() == Some("else") {
                    let (e, stop2) = parse_list(items, pos)?;
                    if stop2.as_deref() != Some("end") {
                        return Err("unexpected EOF".into());
                    }
                    e
                } else if stop.as_deref() == Some("end") {
                    Vec::new()
                } else {
                    return Err("unexpected EOF".into());
                };
                out.push(match word {
                    "range" => Node::Range(vars, p, body, otherwise),
                    "if" => Node::If(p, body, otherwise),
                    _ => Node::With(p, body, otherwise),
                });
            }
            "" => {}
            _ => out.push(Node::Action(pipeline(s)?)),
        }
    }
    Ok((out, None))
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_i64() != Some(0) && n.as_u64() != Some(0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// Go's `fmt.Print` of a value.
pub fn go_print(v: &Value) -> String {
    match v {
        Value::Null => "<no value>".into(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => crate::json::compact(&Value::Number(n.clone())),
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(go_print_inner).collect::<Vec<_>>().join(" ")
        ),
        Value::Object(o) => {
            let mut keys: Vec<&String> = o.keys().collect();
            crate::text::sort(&mut keys);
            format!(
                "map[{}]",
                keys.iter()
                    .map(|k| format!("{k}:{}", go_print_inner(&o[*k])))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        }
    }
}

fn go_print_inner(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        other => go_print(other),
    }
}

/// JSON as Go's `json.Marshal` writes it: compact, `<`, `>`, `&` escaped.
pub fn go_json(v: &Value) -> String {
    crate::json::compact(v)
}

struct Exec<'a> {
    root: &'a Value,
    /// `$name` variables set by `range $k, $v :=`.
    vars: std::cell::RefCell<Vec<(String, Value)>>,
    /// Rendering a table header: formatting functions pass their argument through.
    header: bool,
}

impl Exec<'_> {
    fn eval_term(&self, t: &Term, dot: &Value) -> Result<Value, TplError> {
        match t {
            Term::Field { root, path } => {
                let var = if *root { path.first().and_then(|n| self.vars.borrow().iter().rev().find(|(k, _)| k == n).map(|(_, v)| v.clone())) } else { None };
                let (mut v, path) = match &var {
                    Some(val) => (val, &path[1..]),
                    None => (if *root { self.root } else { dot }, &path[..]),
                };
                for p in path {
                    v = match v {
                        Value::Object(o) => match o.get(p) {
                            Some(x) => x,
                            None => return Ok(Value::Null),
                        },
                        Value::Null => {
                            return Err(format!("nil pointer evaluating interface {{}}.{p}"))
                        }
                        _ => {
                            return Err(format!(
                                "can't evaluate field {p} in type {}",
                                type_name(v)
                            ))
                        }
                    };
                }
                Ok(v.clone())
            }
            Term::Str(s) => Ok(Value::String(s.clone())),
            Term::Num(n) => Ok(Value::from(*n)),
            Term::Ident(name) => Err(format!("function \"{name}\" not defined")),
        }
    }

    fn eval_cmd(&self, cmd: &[Term], dot: &Value, piped: Option<Value>) -> Result<Value, TplError> {
        let Term::Ident(f) = &cmd[0] else {
            if cmd.len() > 1 || piped.is_some() {
                return Err("can't give argument to non-function".into());
            }
            return self.eval_term(&cmd[0], dot);
        };
        let mut args = Vec::new();
        for t in &cmd[1..] {
            args.push(self.eval_term(t, dot)?);
        }
        if let Some(p) = piped {
            args.push(p);
        }
        let s = |v: &Value| go_print(v);
        let arg = |i: usize| {
            args.get(i).cloned().ok_or_else(|| {
                format!(
                    "wrong number of args for {f}: want {} got {}",
                    i + 1,
                    args.len()
                )
            })
        };
        if self.header
            && matches!(
                f.as_str(),
                "json" | "split" | "join" | "title" | "lower" | "upper" | "truncate"
            )
        {
            return arg(0);
        }
        Ok(match f.as_str() {
            "json" => Value::String(go_json(&arg(0)?)),
            "upper" => Value::String(s(&arg(0)?).to_ascii_uppercase()),
            "lower" => Value::String(s(&arg(0)?).to_ascii_lowercase()),
            "title" => {
                let t = s(&arg(0)?);
                let mut c = t.chars();
                Value::String(
                    c.next()
                        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                        .unwrap_or_default(),
                )
            }
            "join" => {
                let list = arg(0)?;
                let sep = s(&arg(1)?);
                match list {
                    Value::Array(a) => {
                        Value::String(a.iter().map(go_print).collect::<Vec<_>>().join(&sep))
                    }
                    other => Value::String(go_print(&other)),
                }
            }
            "split" => Value::Array(
                s(&arg(0)?)
                    .split(s(&arg(1)?).as_str())
                    .map(|x| Value::String(x.to_string()))
                    .collect(),
            ),
            "len" => Value::from(match arg(0)? {
                Value::Array(a) => a.len(),
                Value::Object(o) => o.len(),
                Value::String(st) => st.len(),
                _ => return Err("len of type".into()),
            } as u64),
            "index" => {
                let mut v = arg(0)?;
                for k in &args[1..] {
                    v = match (&v, k) {
                        (Value::Object(o), key) => {
                            o.get(&go_print(key)).cloned().unwrap_or(Value::Null)
                        }
                        (Value::Array(a), Value::Number(n)) => a
                            .get(n.as_u64().unwrap_or(0) as usize)
                            .cloned()
                            .ok_or("index out of range")?,
                        _ => return Err("can't index item".into()),
                    };
                }
                v
            }
            "truncate" => {
                let t = s(&arg(0)?);
                let n = arg(1)?.as_u64().unwrap_or(0) as usize;
                Value::String(t.chars().take(n).collect())
            }
            "pad" => {
                let t = s(&arg(0)?);
                let l = arg(1)?.as_u64().unwrap_or(0) as usize;
                let r = arg(2)?.as_u64().unwrap_or(0) as usize;
                Value::String(format!("{}{t}{}", " ".repeat(l), " ".repeat(r)))
            }
            "println" => Value::String(format!(
                "{}\n",
                args.iter().map(go_print).collect::<Vec<_>>().join(" ")
            )),
            "print" => Value::String(args.iter().map(go_print).collect::<Vec<_>>().join("")),
            "printf" => {
                let fmt = s(&arg(0)?);
                let mut out = String::new();
                let mut rest = args[1..].iter();
                let mut chars = fmt.chars().peekable();
                while let Some(c) = chars.next() {
                    if c != '%' {
                        out.push(c);
                        continue;
                    }
                    match chars.next() {
                        Some('%') => out.push('%'),
                        Some('q') => out.push_str(&crate::text::go_quote(&rest.next().map(go_print).unwrap_or_default())),
                        Some(_) => out.push_str(&rest.next().map(go_print).unwrap_or_default()),
                        None => out.push('%'),
                    }
                }
                Value::String(out)
            }
            "not" => Value::Bool(!truthy(&arg(0)?)),
            "eq" => Value::Bool(arg(0)? == arg(1)?),
            "ne" => Value::Bool(arg(0)? != arg(1)?),
            _ => return Err(format!("function \"{f}\" not defined")),
        })
    }

    fn eval(&self, p: &[Vec<Term>], dot: &Value) -> Result<Value, TplError> {
        let mut v: Option<Value> = None;
        for cmd in p {
            v = Some(self.eval_cmd(cmd, dot, v)?);
        }
        Ok(v.unwrap_or(Value::Null))
    }

    fn run(&self, nodes: &[Node], dot: &Value, out: &mut String) -> Result<(), TplError> {
        for n in nodes {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Action(p) => out.push_str(&go_print(&self.eval(p, dot)?)),
                Node::If(p, body, otherwise) => {
                    if truthy(&self.eval(p, dot)?) {
                        self.run(body, dot, out)?;
                    } else {
                        self.run(otherwise, dot, out)?;
                    }
                }
                Node::With(p, body, otherwise) => {
                    let v = self.eval(p, dot)?;
                    if truthy(&v) {
                        self.run(body, &v, out)?;
                    } else {
                        self.run(otherwise, dot, out)?;
                    }
                }
                Node::Range(vars, p, body, otherwise) => {
                    let v = self.eval(p, dot)?;
                    let items: Vec<(Value, Value)> = match v {
                        Value::Array(a) => a.into_iter().enumerate().map(|(i, x)| (Value::from(i as u64), x)).collect(),
                        Value::Object(o) => {
                            let mut keys: Vec<String> = o.keys().cloned().collect();
                            crate::text::sort(&mut keys);
                            keys.iter().map(|k| (Value::String(k.clone()), o[k].clone())).collect()
                        }
                        Value::Null => Vec::new(),
                        other => {
                            return Err(format!("range can't iterate over {}", go_print(&other)))
                        }
                    };
                    if items.is_empty() {
                        self.run(otherwise, dot, out)?;
                    }
                    for (key, item) in &items {
                        let depth = self.vars.borrow().len();
                        match vars.as_slice() {
                            [v] => self.vars.borrow_mut().push((v.clone(), item.clone())),
                            [k, v] => {
                                self.vars.borrow_mut().push((k.clone(), key.clone()));
                                self.vars.borrow_mut().push((v.clone(), item.clone()));
                            }
                            _ => {}
                        }
                        let r = self.run(body, item, out);
                        self.vars.borrow_mut().truncate(depth);
                        r?;
                    }
                }
            }
        }
        Ok(())
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        Value::Number(_) => "int",
        Value::Array(_) => "[]interface {}",
        _ => "interface {}",
    }
}

/// A parsed template, to render many items without parsing again.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    nodes: Vec<Node>,
}

impl Template {
    pub fn parse(template: &str) -> Result<Template, TplError> {
        parse(template)
            .map(|nodes| Template { nodes })
            .map_err(|e| format!("template parsing error: template: :1: {e}"))
    }

    /// Renders with `value` as `.`.
    pub fn render(&self, value: &Value) -> Result<String, TplError> {
        let mut out = String::new();
        Exec {
            root: value,
            vars: Default::default(),
            header: false,
        }
        .run(&self.nodes, value, &mut out)
        .map_err(|e| format!("template: :1: executing \"\" {e}"))?;
        Ok(out)
    }
}

/// Renders `template` with `value` as `.`. Errors read like Go's
/// (`template: :1:2: executing "" at <.Foo>: …` is shortened to its last part).
pub fn render(template: &str, value: &Value) -> Result<String, TplError> {
    let nodes =
        parse(template).map_err(|e| format!("template parsing error: template: :1: {e}"))?;
    let mut out = String::new();
    Exec {
        root: value,
        vars: Default::default(),
        header: false,
    }
    .run(&nodes, value, &mut out)
    .map_err(|e| format!("template: :1: executing \"\" {e}"))?;
    Ok(out)
}

/// Renders a table header: the template over the column titles, functions passing through.
pub fn render_header(template: &str, headers: &Value) -> Result<String, TplError> {
    let nodes =
        parse(template).map_err(|e| format!("template parsing error: template: :1: {e}"))?;
    let mut out = String::new();
    Exec {
        root: headers,
        vars: Default::default(),
        header: true,
    }
    .run(&nodes, headers, &mut out)
    .map_err(|e| format!("template: :1: executing \"\" {e}"))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_functions_and_control() {
        let v = json!({"Name": "/web", "State": {"Status": "running", "Running": true}, "Tags": ["a", "b"], "Labels": {"z": "1", "a": "2"}, "Env": null});
        assert_eq!(render("{{.State.Status}}", &v).unwrap(), "running");
        assert_eq!(
            render("{{json .State}}", &v).unwrap(),
            r#"{"Status":"running","Running":true}"#
        );
        assert_eq!(
            render("{{.Tags}} {{join .Tags \",\"}}", &v).unwrap(),
            "[a b] a,b"
        );
        assert_eq!(render("{{.Labels}}", &v).unwrap(), "map[a:2 z:1]");
        assert_eq!(
            render("{{range .Tags}}<{{.}}>{{end}}", &v).unwrap(),
            "<a><b>"
        );
        assert_eq!(
            render("{{if .State.Running}}up{{else}}down{{end}}", &v).unwrap(),
            "up"
        );
        assert_eq!(render("{{.Name | upper}}", &v).unwrap(), "/WEB");
        assert_eq!(render("{{index .Labels \"z\"}}", &v).unwrap(), "1");
        assert_eq!(render("{{.Missing}}", &v).unwrap(), "<no value>");
        assert_eq!(
            render("{{with .State}}{{.Status}}{{end}}", &v).unwrap(),
            "running"
        );
        assert_eq!(
            render("{{json \"<a&b>\"}}", &v).unwrap(),
            "\"\\u003ca\\u0026b\\u003e\""
        );
        assert_eq!(render("{{range $k, $v := .Labels}}{{$k}}={{$v}};{{end}}", &v).unwrap(), "a=2;z=1;");
        assert_eq!(render("{{range $t := .Tags}}[{{$t}}]{{end}}", &v).unwrap(), "[a][b]");
        assert!(render("{{.Name", &v).is_err());
        assert!(render("{{nosuch .}}", &v).is_err());
    }
}

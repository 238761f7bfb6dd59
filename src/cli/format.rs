//! `--format` handling shared by `ps`, `images` and friends (cli/command/formatter/formatter.go):
//! `table …` renders a header row from the column names and aligns through the tabwriter; `json`
//! is `{{json .}}`; anything else is a Go template printed once per item.

use serde_json::Value;

use super::template;
use crate::text::tabwrite;

/// Which row fields a format needs: the ones it names (`Labels` also for `.Label`), or every
/// field when it uses the whole row (`json`, `{{json .}}`, `{{.}}`). Lets listings skip the rest.
pub fn field_filter(format: &str) -> impl Fn(&str) -> bool + '_ {
    let b = format.as_bytes();
    // `json` (no fields named), or a `.` that is not the start of a field name.
    let whole = !format.contains('.')
        || b.iter().enumerate().any(|(i, &c)| c == b'.' && !b.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic()));
    move |k: &str| whole || format.contains(k.trim_end_matches('s'))
}

/// Renders `items` with a user format. `headers` maps field names to column titles.
pub fn render(format: &str, items: &[Value], headers: &Value) -> Result<String, String> {
    let table = format.starts_with("table");
    let mut body = if table {
        format["table".len()..].to_string()
    } else if format == "json" {
        "{{json .}}".to_string()
    } else {
        format.to_string()
    };
    body = body
        .trim_matches(' ')
        .replace("\\t", "\t")
        .replace("\\n", "\n");
    let tpl = template::Template::parse(&body)?;
    let mut rows = String::new();
    for item in items {
        rows.push_str(&tpl.render(item)?);
        rows.push('\n');
    }
    if !table {
        return Ok(rows);
    }
    let header = template::render_header(&body, headers)?;
    let mut text = header;
    text.push('\n');
    text.push_str(&rows);
    let cells: Vec<Vec<String>> = text
        .strip_suffix('\n')
        .unwrap_or(&text)
        .split('\n')
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect();
    Ok(tabwrite(&cells))
}

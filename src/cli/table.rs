//! `table`-format output: header plus rows through the tabwriter.

use crate::text::tabwrite;

/// Renders a header and rows as docker's default tables do.
pub fn render(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut all = Vec::with_capacity(rows.len() + 1);
    all.push(header.iter().map(|s| s.to_string()).collect());
    all.extend(rows);
    tabwrite(&all)
}

//! BuildKit's `Node.Dump`: the s-expression form the parser corpus compares against.

use super::gostr::{quote_into, quote_list};
use super::{Ast, NodeRef};

/// Dumps the tree as BuildKit's `Node.Dump` does: one `(instruction flags args)` per line.
pub fn dump(ast: &Ast) -> String {
    let mut out = String::new();
    for child in ast.nodes() {
        out.push('(');
        dump_node(&mut out, child);
        out.push_str(")\n");
    }
    out.trim_matches(char::is_whitespace).to_string()
}

fn dump_node(out: &mut String, node: NodeRef<'_, '_>) {
    let start = out.len();
    out.push_str(node.value());
    let flags = node.flags();
    if !flags.is_empty() {
        out.push(' ');
        out.push_str(&quote_list(&flags.to_vec()));
    }
    for a in node.args() {
        out.push(' ');
        quote_into(out, a);
    }
    if let Some(sub) = node.sub() {
        out.push_str(" (");
        dump_node(out, sub);
        out.push(')');
    }
    // Go trims the node's text (only an empty instruction word leaves leading space).
    let trimmed_start = out[start..].len() - out[start..].trim_start_matches(char::is_whitespace).len();
    out.replace_range(start..start + trimmed_start, "");
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    #[test]
    fn shapes() {
        let d = |s: &str| dump(&parse(s).ast);
        assert_eq!(d("FROM a AS b\nCMD []\nONBUILD RUN [\"echo\", \"x\"]\nFOO bar"), "(from \"a\" \"AS\" \"b\")\n(cmd)\n(onbuild (run \"echo\" \"x\"))\n(foo \"\")");
        assert_eq!(d("COPY --chown=a:b -- x y\nHEALTHCHECK NONE"), "(copy [\"--chown=a:b\"] \"x\" \"y\")\n(healthcheck \"NONE\")");
        assert_eq!(d("\\\n"), "(\"\")");
    }
}

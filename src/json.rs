//! JSON text from `serde_json::Value`, written the way Go's `encoding/json` writes it (compact, or
//! indented for `docker inspect`), with `<`, `>`, `&` escaped. One small writer instead of
//! serde_json's generic serializers keeps the wasm small.

use serde_json::Value;

fn string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn number(n: &serde_json::Number, out: &mut String) {
    if let Some(i) = n.as_i64() {
        out.push_str(&i.to_string());
    } else if let Some(u) = n.as_u64() {
        out.push_str(&u.to_string());
    } else {
        // Dockling never produces non-integer numbers.
        out.push('0');
    }
}

fn write(v: &Value, indent: Option<&str>, depth: usize, out: &mut String) {
    let newline = |out: &mut String, d: usize| {
        if let Some(ind) = indent {
            out.push('\n');
            for _ in 0..d {
                out.push_str(ind);
            }
        }
    };
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => number(n, out),
        Value::String(s) => string(s, out),
        Value::Array(a) => {
            if a.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write(x, indent, depth + 1, out);
            }
            newline(out, depth);
            out.push(']');
        }
        Value::Object(o) => {
            if o.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (k, x)) in o.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                string(k, out);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write(x, indent, depth + 1, out);
            }
            newline(out, depth);
            out.push('}');
        }
    }
}

/// Compact JSON (`json.Marshal`).
pub fn compact(v: &Value) -> String {
    let mut s = String::new();
    write(v, None, 0, &mut s);
    s
}

/// Indented JSON (`json.MarshalIndent(v, "", "    ")`).
pub fn pretty(v: &Value) -> String {
    let mut s = String::new();
    write(v, Some("    "), 0, &mut s);
    s
}

/// Indented JSON with any indent (`json.MarshalIndent(v, "", indent)`).
pub fn indented(v: &Value, indent: &str) -> String {
    let mut s = String::new();
    write(v, Some(indent), 0, &mut s);
    s
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn writes_like_go() {
        let v = json!({"a": [1, "x<y"], "b": {}, "c": [], "d": null, "e": true});
        assert_eq!(super::compact(&v), r#"{"a":[1,"x\u003cy"],"b":{},"c":[],"d":null,"e":true}"#);
        assert_eq!(super::pretty(&json!([{"k": [1]}])), "[\n    {\n        \"k\": [\n            1\n        ]\n    }\n]");
    }
}

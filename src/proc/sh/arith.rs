//! Shell arithmetic (`$(( … ))`): integers, variables, `+ - * / %`, comparisons, `&& || !`,
//! parentheses.

/// Evaluates `expr`, looking variables up with `var`.
pub fn eval(expr: &str, var: &dyn Fn(&str) -> String) -> Result<i64, String> {
    let toks = tokenize(expr)?;
    let mut p = P { toks, pos: 0, var };
    let v = p.or()?;
    if p.pos < p.toks.len() {
        return Err(format!(
            "syntax error in expression (error token is \"{}\")",
            p.toks[p.pos]
        ));
    }
    Ok(v)
}

fn tokenize(s: &str) -> Result<Vec<String>, String> {
    let c: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if c[i].is_whitespace() {
            i += 1;
        } else if c[i] == '$' && c.get(i + 1).is_some_and(|d| d.is_ascii_digit() || *d == '#' || *d == '?') {
            // `$1`, `$#`, `$?`: a parameter, kept as `$…` so it is not read as a number.
            let st = i;
            i += 2;
            if c[st + 1].is_ascii_digit() {
                while i < c.len() && c[i].is_ascii_digit() {
                    i += 1;
                }
            }
            out.push(c[st..i].iter().collect());
        } else if c[i].is_ascii_alphanumeric() || c[i] == '_' || c[i] == '$' {
            let st = i;
            i += 1;
            while i < c.len() && (c[i].is_ascii_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(
                c[st..i]
                    .iter()
                    .collect::<String>()
                    .trim_start_matches('$')
                    .to_string(),
            );
        } else {
            let two: String = c[i..(i + 2).min(c.len())].iter().collect();
            if ["<=", ">=", "==", "!=", "&&", "||"].contains(&two.as_str()) {
                out.push(two);
                i += 2;
            } else if "+-*/%()<>!".contains(c[i]) {
                out.push(c[i].to_string());
                i += 1;
            } else {
                return Err(format!(
                    "syntax error: operand expected (error token is \"{}\")",
                    c[i..].iter().collect::<String>()
                ));
            }
        }
    }
    Ok(out)
}

struct P<'a> {
    toks: Vec<String>,
    pos: usize,
    var: &'a dyn Fn(&str) -> String,
}

impl P<'_> {
    fn peek(&self) -> Option<&str> {
        self.toks.get(self.pos).map(String::as_str)
    }
    fn eat(&mut self, t: &str) -> bool {
        if self.peek() == Some(t) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn or(&mut self) -> Result<i64, String> {
        let mut v = self.and()?;
        while self.eat("||") {
            let r = self.and()?;
            v = i64::from(v != 0 || r != 0);
        }
        Ok(v)
    }
    fn and(&mut self) -> Result<i64, String> {
        let mut v = self.cmp()?;
        while self.eat("&&") {
            let r = self.cmp()?;
            v = i64::from(v != 0 && r != 0);
        }
        Ok(v)
    }
    fn cmp(&mut self) -> Result<i64, String> {
        let mut v = self.add()?;
        loop {
            let op = match self.peek() {
                Some(o @ ("<" | ">" | "<=" | ">=" | "==" | "!=")) => o.to_string(),
                _ => return Ok(v),
            };
            self.pos += 1;
            let r = self.add()?;
            v = i64::from(match op.as_str() {
                "<" => v < r,
                ">" => v > r,
                "<=" => v <= r,
                ">=" => v >= r,
                "==" => v == r,
                _ => v != r,
            });
        }
    }
    fn add(&mut self) -> Result<i64, String> {
        let mut v = self.mul()?;
        loop {
            if self.eat("+") {
                v = v.wrapping_add(self.mul()?);
            } else if self.eat("-") {
                v = v.wrapping_sub(self.mul()?);
            } else {
                return Ok(v);
            }
        }
    }
    fn mul(&mut self) -> Result<i64, String> {
        let mut v = self.unary()?;
        loop {
            let op = match self.peek() {
                Some(o @ ("*" | "/" | "%")) => o.to_string(),
                _ => return Ok(v),
            };
            self.pos += 1;
            let r = self.unary()?;
            if op != "*" && r == 0 {
                return Err("division by 0 (error token is \"0\")".into());
            }
            v = match op.as_str() {
                "*" => v.wrapping_mul(r),
                "/" => v.wrapping_div(r),
                _ => v.wrapping_rem(r),
            };
        }
    }
    fn unary(&mut self) -> Result<i64, String> {
        if self.eat("-") {
            return Ok(-self.unary()?);
        }
        if self.eat("+") {
            return self.unary();
        }
        if self.eat("!") {
            return Ok(i64::from(self.unary()? == 0));
        }
        if self.eat("(") {
            let v = self.or()?;
            if !self.eat(")") {
                return Err("missing `)'".into());
            }
            return Ok(v);
        }
        let Some(t) = self.peek().map(str::to_string) else {
            // bash names the last token it read (`1+` → "+").
            return Err(match self.pos.checked_sub(1).and_then(|i| self.toks.get(i)) {
                Some(last) => format!("syntax error: operand expected (error token is \"{last}\")"),
                None => "syntax error: operand expected".into(),
            });
        };
        self.pos += 1;
        if let Ok(n) = t.parse::<i64>() {
            return Ok(n);
        }
        if let Some(param) = t.strip_prefix('$') {
            let v = (self.var)(param);
            return Ok(v.trim().parse::<i64>().unwrap_or(0));
        }
        if t.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        {
            let v = (self.var)(&t);
            return Ok(v.trim().parse::<i64>().unwrap_or(0));
        }
        Err(format!(
            "syntax error: operand expected (error token is \"{t}\")"
        ))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn arithmetic() {
        let var = |n: &str| {
            if n == "i" {
                "4".to_string()
            } else {
                String::new()
            }
        };
        assert_eq!(super::eval("i+1", &var), Ok(5));
        assert_eq!(super::eval("(2 + 3) * $i % 7", &var), Ok(6));
        assert_eq!(super::eval("i > 3 && !0", &var), Ok(1));
        assert_eq!(super::eval("nope * 2", &var), Ok(0));
        let params = |n: &str| match n {
            "1" => "3".to_string(),
            "#" => "2".to_string(),
            _ => String::new(),
        };
        assert_eq!(super::eval("$1 * 5 + $#", &params), Ok(17));
        assert!(super::eval("1/0", &var).is_err());
    }
}

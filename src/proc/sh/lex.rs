//! The shell's lexer: words (with their quoting kept), operators and redirections.
//! Never fails on bad input: unfinished input is reported as `Incomplete` so the terminal can ask
//! for more (bash's `> ` prompt).

/// A piece of a word, with how it was quoted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Unquoted text (subject to `~` expansion at the start of a word).
    Lit(String),
    /// Quoted text, taken literally.
    Quoted(String),
    /// `$NAME`, `${NAME}`, `$?`; `quoted` when inside double quotes.
    Var { name: String, quoted: bool },
    /// `$(…)`; `quoted` when inside double quotes.
    Subst { source: String, quoted: bool },
    /// `$((…))`: arithmetic.
    Arith { expr: String, quoted: bool },
}

/// A word: its parts, concatenated after expansion.
pub type Word = Vec<Part>;

/// A token of the host shell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token {
    Word(Word),
    /// `;`, `&&`, `||`, `|`, `&`
    Op(&'static str),
    /// `>`, `>>`, `<`, `<<`, `<<-`, `>&`, with the file descriptor it applies to.
    Redir {
        fd: u32,
        op: &'static str,
    },
    Newline,
}

/// Why lexing stopped early.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LexError {
    /// An open quote, `$(` or trailing backslash: more input is needed.
    Incomplete,
    /// Input bash would reject outright, with its message.
    Syntax(String),
}

/// Splits `src` into tokens.
#[allow(unused_assignments)]
pub fn lex(src: &str) -> Result<Vec<Token>, LexError> {
    let chars: Vec<char> = src.chars().collect();
    let mut i = 0;
    let mut toks = Vec::new();
    let mut word: Word = Vec::new();
    let mut in_word = false;
    fn push_lit(word: &mut Word, c: char) {
        if let Some(Part::Lit(s)) = word.last_mut() {
            s.push(c);
        } else {
            word.push(Part::Lit(c.to_string()));
        }
    }
    fn push_quoted(word: &mut Word, s: &str) {
        if let Some(Part::Quoted(q)) = word.last_mut() {
            q.push_str(s);
        } else {
            word.push(Part::Quoted(s.to_string()));
        }
    }
    macro_rules! end_word {
        () => {
            if in_word {
                toks.push(Token::Word(std::mem::take(&mut word)));
                in_word = false;
            }
        };
    }
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' => {
                end_word!();
                i += 1;
            }
            '\n' => {
                end_word!();
                toks.push(Token::Newline);
                i += 1;
            }
            '#' if !in_word => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '\\' => {
                in_word = true;
                match chars.get(i + 1) {
                    None => return Err(LexError::Incomplete),
                    Some('\n') => {}
                    Some(&n) => push_quoted(&mut word, &n.to_string()),
                }
                i += 2;
            }
            '\'' => {
                in_word = true;
                let start = i + 1;
                let end = (start..chars.len())
                    .find(|&j| chars[j] == '\'')
                    .ok_or(LexError::Incomplete)?;
                let s: String = chars[start..end].iter().collect();
                push_quoted(&mut word, &s);
                if s.is_empty() {
                    word.push(Part::Quoted(String::new()));
                }
                i = end + 1;
            }
            '"' => {
                in_word = true;
                i += 1;
                let mut lit = String::new();
                let mut any = false;
                loop {
                    let Some(&d) = chars.get(i) else {
                        return Err(LexError::Incomplete);
                    };
                    match d {
                        '"' => {
                            i += 1;
                            break;
                        }
                        '\\' if matches!(chars.get(i + 1), Some('"' | '\\' | '$' | '`' | '\n')) => {
                            if chars[i + 1] != '\n' {
                                lit.push(chars[i + 1]);
                            }
                            i += 2;
                        }
                        '$' => {
                            let (part, next) = dollar(&chars, i, true)?;
                            match part {
                                Some(p) => {
                                    if !lit.is_empty() {
                                        push_quoted(&mut word, &std::mem::take(&mut lit));
                                    }
                                    word.push(p);
                                    any = true;
                                }
                                None => lit.push('$'),
                            }
                            i = next;
                        }
                        _ => {
                            lit.push(d);
                            i += 1;
                        }
                    }
                }
                if !lit.is_empty() || !any {
                    push_quoted(&mut word, &lit);
                }
            }
            '$' => {
                in_word = true;
                let (part, next) = dollar(&chars, i, false)?;
                match part {
                    Some(p) => word.push(p),
                    None => push_lit(&mut word, '$'),
                }
                i = next;
            }
            ';' | '&' | '|' => {
                end_word!();
                let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
                let op = match two.as_str() {
                    "&&" => "&&",
                    "||" => "||",
                    ";;" => ";;",
                    _ => match c {
                        ';' => ";",
                        '&' => "&",
                        _ => "|",
                    },
                };
                toks.push(Token::Op(op));
                i += op.len();
            }
            '<' | '>' => {
                let fd = match (&word[..], in_word) {
                    ([Part::Lit(s)], true) if s.chars().all(|d| d.is_ascii_digit()) => {
                        let fd = s.parse().unwrap_or(1);
                        word.clear();
                        in_word = false;
                        Some(fd)
                    }
                    _ => None,
                };
                end_word!();
                let rest: String = chars[i..(i + 3).min(chars.len())].iter().collect();
                let op: &'static str = if rest.starts_with("<<-") {
                    "<<-"
                } else if rest.starts_with("<<") {
                    "<<"
                } else if rest.starts_with(">>") {
                    ">>"
                } else if rest.starts_with(">&") {
                    ">&"
                } else if c == '<' {
                    "<"
                } else {
                    ">"
                };
                let fd = fd.unwrap_or(if c == '<' { 0 } else { 1 });
                toks.push(Token::Redir { fd, op });
                i += op.len();
            }
            '(' | ')' => {
                end_word!();
                toks.push(Token::Op(if c == '(' { "(" } else { ")" }));
                i += 1;
            }
            _ => {
                in_word = true;
                push_lit(&mut word, c);
                i += 1;
            }
        }
    }
    end_word!();
    Ok(toks)
}

/// Lexes a `$` at `i`: a variable, `${…}` or `$(…)`. `None` when the `$` is literal.
fn dollar(chars: &[char], i: usize, quoted: bool) -> Result<(Option<Part>, usize), LexError> {
    match chars.get(i + 1) {
        Some('{') => {
            let end = (i + 2..chars.len())
                .find(|&j| chars[j] == '}')
                .ok_or(LexError::Incomplete)?;
            let name: String = chars[i + 2..end].iter().collect();
            Ok((Some(Part::Var { name, quoted }), end + 1))
        }
        Some('(') if chars.get(i + 2) == Some(&'(') => {
            let mut depth = 0;
            let mut j = i + 1;
            while j < chars.len() {
                match chars[j] {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            let inner: String = chars[i + 3..j.saturating_sub(1).max(i + 3)]
                                .iter()
                                .collect();
                            return Ok((
                                Some(Part::Arith {
                                    expr: inner,
                                    quoted,
                                }),
                                j + 1,
                            ));
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            Err(LexError::Incomplete)
        }
        Some('(') => {
            let mut depth = 0;
            let mut j = i + 1;
            while j < chars.len() {
                match chars[j] {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            let source: String = chars[i + 2..j].iter().collect();
                            return Ok((Some(Part::Subst { source, quoted }), j + 1));
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            Err(LexError::Incomplete)
        }
        Some(&c) if matches!(c, '?' | '$' | '#' | '!' | '@' | '*' | '-' | '0'..='9') => Ok((
            Some(Part::Var {
                name: c.to_string(),
                quoted,
            }),
            i + 2,
        )),
        Some(&c) if c.is_ascii_alphabetic() || c == '_' => {
            let mut j = i + 1;
            while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                j += 1;
            }
            Ok((
                Some(Part::Var {
                    name: chars[i + 1..j].iter().collect(),
                    quoted,
                }),
                j,
            ))
        }
        _ => Ok((None, i + 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(src: &str) -> Vec<Token> {
        lex(src).unwrap()
    }

    #[test]
    fn quoting_and_operators() {
        let t = words("echo 'a b' \"c $HOME\" d\\ e && ls >> f 2>&1");
        assert_eq!(t[0], Token::Word(vec![Part::Lit("echo".into())]));
        assert_eq!(t[1], Token::Word(vec![Part::Quoted("a b".into())]));
        assert_eq!(
            t[2],
            Token::Word(vec![
                Part::Quoted("c ".into()),
                Part::Var {
                    name: "HOME".into(),
                    quoted: true
                }
            ])
        );
        assert_eq!(
            t[3],
            Token::Word(vec![
                Part::Lit("d".into()),
                Part::Quoted(" ".into()),
                Part::Lit("e".into())
            ])
        );
        assert_eq!(t[4], Token::Op("&&"));
        assert_eq!(t[6], Token::Redir { fd: 1, op: ">>" });
        assert_eq!(t[8], Token::Redir { fd: 2, op: ">&" });
        assert_eq!(lex("echo 'open"), Err(LexError::Incomplete));
        assert_eq!(lex("echo \"$(pwd"), Err(LexError::Incomplete));
        assert_eq!(words("cat <<'EOF'")[1], Token::Redir { fd: 0, op: "<<" });
        assert_eq!(words("echo $? $(pwd)").len(), 3);
        assert_eq!(words("echo a # comment").len(), 2);
    }
}

//! Python's tokenizer: logical lines, INDENT/DEDENT, brackets, every string literal form, numbers,
//! with CPython's tokenizer error messages.

use std::rc::Rc;

/// A source position: line (1-based) and column (0-based, in UTF-8 bytes, as CPython's AST).
pub type Pos = (u32, u32);

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Name(Rc<str>),
    Int(i64),
    /// An integer literal too large for 64 bits (its decimal digits).
    BigInt(Rc<str>),
    Float(f64),
    Str(Rc<str>),
    Bytes(Rc<[u8]>),
    /// An f-string: its raw body, whether it is raw, and where the body starts.
    FStr(Rc<str>, bool, Pos),
    Op(&'static str),
    Newline,
    Indent,
    Dedent,
    End,
}

#[derive(Clone, Debug)]
pub struct Token {
    pub tok: Tok,
    pub start: Pos,
    pub end: Pos,
}

/// Which exception class a compile-time error is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrKind {
    Syntax,
    Indentation,
    Tab,
}

/// A SyntaxError (or IndentationError) as CPython reports it.
#[derive(Clone, Debug)]
pub struct SyntaxErr {
    pub kind: ErrKind,
    pub msg: String,
    pub line: u32,
    /// 1-based byte columns; `col == 0` means no caret line.
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

impl SyntaxErr {
    pub fn new(msg: impl Into<String>, start: Pos, end: Pos) -> SyntaxErr {
        SyntaxErr {
            kind: ErrKind::Syntax,
            msg: msg.into(),
            line: start.0,
            col: start.1 + 1,
            end_line: end.0,
            end_col: end.1 + 1,
        }
    }
    pub fn indent(msg: impl Into<String>, line: u32, col: u32) -> SyntaxErr {
        SyntaxErr {
            kind: ErrKind::Indentation,
            msg: msg.into(),
            line,
            col,
            end_line: line,
            end_col: col,
        }
    }
}

/// A warning the compiler prints (3.12+ `SyntaxWarning: invalid escape sequence '\d'`).
#[derive(Clone, Debug)]
pub struct Warning {
    pub line: u32,
    pub msg: String,
}

const OPS: [&str; 49] = [
    "**=", "//=", ">>=", "<<=", "...", "->", ":=", "**", "//", "<<", ">>", "<=", ">=", "==", "!=",
    "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=", "+", "-", "*", "/", "%", "@", "&", "|",
    "^", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "=", "!", "<>",
];

struct Lexer<'a> {
    src: &'a str,
    b: &'a [u8],
    i: usize,
    line: u32,
    line_start: usize,
    indents: Vec<u32>,
    brackets: Vec<(u8, Pos)>,
    out: Vec<Token>,
    warnings: Vec<Warning>,
    /// Escape warnings are SyntaxWarnings (3.12+) rather than hidden DeprecationWarnings.
    warn_escapes: bool,
}

/// Tokenizes a module.
pub fn tokenize(src: &str, warn_escapes: bool) -> Result<(Vec<Token>, Vec<Warning>), SyntaxErr> {
    let mut lx = Lexer {
        src,
        b: src.as_bytes(),
        i: 0,
        line: 1,
        line_start: 0,
        indents: vec![0],
        brackets: Vec::new(),
        out: Vec::new(),
        warnings: Vec::new(),
        warn_escapes,
    };
    lx.run()?;
    Ok((lx.out, lx.warnings))
}

fn is_id_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}
fn is_id_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

impl<'a> Lexer<'a> {
    fn pos(&self) -> Pos {
        (self.line, (self.i - self.line_start) as u32)
    }
    fn peek(&self, k: usize) -> u8 {
        self.b.get(self.i + k).copied().unwrap_or(0)
    }
    fn push(&mut self, tok: Tok, start: Pos) {
        let end = self.pos();
        self.out.push(Token { tok, start, end });
    }
    fn newline(&mut self) {
        self.i += 1;
        self.line += 1;
        self.line_start = self.i;
    }

    fn run(&mut self) -> Result<(), SyntaxErr> {
        let mut at_line_start = true;
        loop {
            if at_line_start && self.brackets.is_empty() {
                if self.indentation()? {
                    if self.i >= self.b.len() {
                        at_line_start = false;
                    }
                    continue;
                }
                at_line_start = false;
            }
            let c = self.peek(0);
            match c {
                0 if self.i >= self.b.len() => break,
                b' ' | b'\t' | b'\x0c' => self.i += 1,
                b'#' => {
                    while self.i < self.b.len() && self.b[self.i] != b'\n' {
                        self.i += 1;
                    }
                }
                b'\r' => self.i += 1,
                b'\n' => {
                    if self.brackets.is_empty() {
                        let p = self.pos();
                        self.i += 1;
                        self.out.push(Token {
                            tok: Tok::Newline,
                            start: p,
                            end: (p.0, p.1 + 1),
                        });
                        self.i -= 1;
                        at_line_start = true;
                    }
                    self.newline();
                }
                b'\\' => {
                    let p = self.pos();
                    let mut j = self.i + 1;
                    if self.b.get(j) == Some(&b'\r') {
                        j += 1;
                    }
                    if self.b.get(j) == Some(&b'\n') {
                        self.i = j;
                        self.newline();
                    } else if j >= self.b.len() {
                        return Err(SyntaxErr::new("unexpected EOF while parsing", p, p));
                    } else {
                        return Err(SyntaxErr::new(
                            "unexpected character after line continuation character",
                            (p.0, p.1 + 1),
                            (p.0, p.1 + 1),
                        ));
                    }
                }
                b'0'..=b'9' => self.number()?,
                b'.' if self.peek(1).is_ascii_digit() => self.number()?,
                b'\'' | b'"' => self.string(self.i, false, false, false)?,
                _ if c.is_ascii() && !c.is_ascii_alphabetic() && c != b'_' => self.op()?,
                _ => self.name()?,
            }
        }
        if let Some(&(ch, p)) = self.brackets.last() {
            return Err(SyntaxErr::new(
                format!("'{}' was never closed", ch as char),
                p,
                (p.0, p.1 + 1),
            ));
        }
        let p = self.pos();
        if !matches!(self.out.last().map(|t| &t.tok), None | Some(Tok::Newline)) {
            self.out.push(Token {
                tok: Tok::Newline,
                start: p,
                end: (p.0, p.1 + 1),
            });
        }
        while self.indents.len() > 1 {
            self.indents.pop();
            self.out.push(Token {
                tok: Tok::Dedent,
                start: p,
                end: p,
            });
        }
        self.out.push(Token {
            tok: Tok::End,
            start: p,
            end: p,
        });
        Ok(())
    }

    /// Measures the indentation of a new line; returns true when the line was blank or a
    /// comment (skipped whole).
    fn indentation(&mut self) -> Result<bool, SyntaxErr> {
        let mut col = 0u32;
        let mut tabs = false;
        let mut spaces = false;
        while self.i < self.b.len() {
            match self.b[self.i] {
                b' ' => {
                    col += 1;
                    spaces = true
                }
                b'\t' => {
                    col = (col / 8 + 1) * 8;
                    tabs = true
                }
                b'\x0c' => col = 0,
                _ => break,
            }
            self.i += 1;
        }
        match self.peek(0) {
            b'#' | b'\n' | b'\r' => {
                while self.i < self.b.len() && self.b[self.i] != b'\n' {
                    self.i += 1;
                }
                if self.i < self.b.len() {
                    self.newline();
                }
                return Ok(true);
            }
            0 if self.i >= self.b.len() => return Ok(true),
            _ => {}
        }
        let _ = (tabs, spaces);
        let cur = *self.indents.last().unwrap_or(&0);
        let p = self.pos();
        if col > cur {
            if matches!(self.out.last().map(|t| &t.tok), None | Some(Tok::Indent | Tok::Dedent))
                || self.out.is_empty()
            {
                // An indented first line: the parser reports "unexpected indent".
            }
            self.indents.push(col);
            self.out.push(Token {
                tok: Tok::Indent,
                start: (p.0, 0),
                end: p,
            });
        } else if col < cur {
            while col < *self.indents.last().unwrap_or(&0) {
                self.indents.pop();
                self.out.push(Token {
                    tok: Tok::Dedent,
                    start: p,
                    end: p,
                });
            }
            if col != *self.indents.last().unwrap_or(&0) {
                let len = self.line_len();
                return Err(SyntaxErr::indent(
                    "unindent does not match any outer indentation level",
                    self.line,
                    len + 1,
                ));
            }
        }
        Ok(false)
    }

    fn line_len(&self) -> u32 {
        let rest = &self.src[self.line_start..];
        rest.split('\n').next().unwrap_or("").trim_end_matches('\r').len() as u32
    }

    fn op(&mut self) -> Result<(), SyntaxErr> {
        let p = self.pos();
        let rest = &self.b[self.i..];
        let op = OPS.iter().find(|o| rest.starts_with(o.as_bytes())).copied();
        let Some(op) = op else {
            return self.bad_char(p);
        };
        if op == "!" || op == "<>" {
            return Err(SyntaxErr::new("invalid syntax", p, (p.0, p.1 + 1)));
        }
        self.i += op.len();
        match op {
            "(" | "[" | "{" => self.brackets.push((op.as_bytes()[0], p)),
            ")" | "]" | "}" => {
                let want = match op {
                    ")" => b'(',
                    "]" => b'[',
                    _ => b'{',
                };
                match self.brackets.pop() {
                    None => {
                        return Err(SyntaxErr::new(
                            format!("unmatched '{op}'"),
                            p,
                            (p.0, p.1 + 1),
                        ))
                    }
                    Some((open, op_pos)) if open != want => {
                        let msg = if op_pos.0 != p.0 {
                            format!(
                                "closing parenthesis '{op}' does not match opening parenthesis '{}' on line {}",
                                open as char, op_pos.0
                            )
                        } else {
                            format!(
                                "closing parenthesis '{op}' does not match opening parenthesis '{}'",
                                open as char
                            )
                        };
                        return Err(SyntaxErr::new(msg, p, (p.0, p.1 + 1)));
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        self.push(Tok::Op(op), p);
        Ok(())
    }

    fn bad_char(&self, p: Pos) -> Result<(), SyntaxErr> {
        let c = self.src[self.i..].chars().next().unwrap_or(' ');
        if c.is_ascii() {
            return Err(SyntaxErr::new("invalid syntax", p, (p.0, p.1 + 1)));
        }
        Err(SyntaxErr::new(
            format!("invalid character '{c}' (U+{:04X})", c as u32),
            p,
            (p.0, p.1 + 1),
        ))
    }

    fn name(&mut self) -> Result<(), SyntaxErr> {
        let p = self.pos();
        let start = self.i;
        let mut chars = self.src[self.i..].char_indices();
        match chars.next() {
            Some((_, c)) if is_id_start(c) => {}
            _ => return self.bad_char(p),
        }
        let mut end = self.src.len();
        for (k, c) in chars {
            if !is_id_char(c) {
                end = self.i + k;
                break;
            }
        }
        let word = &self.src[start..end];
        // String prefixes.
        let next = self.b.get(end).copied().unwrap_or(0);
        if (next == b'\'' || next == b'"') && word.len() <= 2 {
            let lw = word.to_ascii_lowercase();
            let (raw, bytes, f) = match lw.as_str() {
                "r" => (true, false, false),
                "u" => (false, false, false),
                "b" => (false, true, false),
                "f" => (false, false, true),
                "rb" | "br" => (true, true, false),
                "fr" | "rf" => (true, false, true),
                _ => (false, false, false),
            };
            if matches!(lw.as_str(), "r" | "u" | "b" | "f" | "rb" | "br" | "fr" | "rf") {
                self.i = end;
                return self.string(start, raw, bytes, f);
            }
        }
        self.i = end;
        self.push(Tok::Name(Rc::from(word)), p);
        Ok(())
    }

    fn number(&mut self) -> Result<(), SyntaxErr> {
        let p = self.pos();
        let start = self.i;
        let b = self.b;
        let digits = |i: &mut usize, ok: &dyn Fn(u8) -> bool| {
            while *i < b.len() && (ok(b[*i]) || (b[*i] == b'_' && *i + 1 < b.len() && ok(b[*i + 1]))) {
                *i += 1;
            }
        };
        let mut i = self.i;
        let mut is_float = false;
        if b[i] == b'0' && matches!(self.peek(1), b'x' | b'X' | b'o' | b'O' | b'b' | b'B') {
            let radix = match self.peek(1) | 0x20 {
                b'x' => 16,
                b'o' => 8,
                _ => 2,
            };
            i += 2;
            if i < b.len() && b[i] == b'_' {
                i += 1;
            }
            let ds = i;
            digits(&mut i, &|c: u8| (c as char).is_digit(radix));
            if i == ds || (i < b.len() && (b[i].is_ascii_alphanumeric())) {
                let what = match radix {
                    16 => "hexadecimal",
                    8 => "octal",
                    _ => "binary",
                };
                let bad = (p.0, (i - self.line_start) as u32);
                let msg = if i < b.len() && b[i].is_ascii_digit() {
                    format!("invalid digit '{}' in {what} literal", b[i] as char)
                } else {
                    format!("invalid {what} literal")
                };
                return Err(SyntaxErr::new(msg, bad, bad));
            }
            let text: String = self.src[ds..i].chars().filter(|&c| c != '_').collect();
            self.i = i;
            let tok = match i64::from_str_radix(&text, radix) {
                Ok(v) => Tok::Int(v),
                Err(_) => Tok::BigInt(Rc::from(
                    super::bigint::BigInt::parse_radix(&text, radix)
                        .map(|v| v.to_string())
                        .unwrap_or_default(),
                )),
            };
            self.push(tok, p);
            return Ok(());
        }
        digits(&mut i, &|c: u8| c.is_ascii_digit());
        if i < b.len() && b[i] == b'.' {
            is_float = true;
            i += 1;
            digits(&mut i, &|c: u8| c.is_ascii_digit());
        }
        if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
            let mut j = i + 1;
            if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
                j += 1;
            }
            if j < b.len() && b[j].is_ascii_digit() {
                is_float = true;
                i = j;
                digits(&mut i, &|c: u8| c.is_ascii_digit());
            }
        }
        if i < b.len() && (b[i] == b'j' || b[i] == b'J') {
            return Err(SyntaxErr::new(
                "dockling: python: complex numbers are not simulated",
                p,
                p,
            ));
        }
        if i < b.len() && (b[i].is_ascii_alphabetic() || b[i] == b'_') {
            let keywordish = ["and", "or", "in", "is", "if", "else", "for", "not"]
                .iter()
                .any(|k| self.src[i..].starts_with(k));
            if !keywordish {
                let msg = "invalid decimal literal";
                let at = (p.0, (i - 1 - self.line_start) as u32);
                return Err(SyntaxErr::new(msg, if is_float { at } else { p }, at));
            }
        }
        let text: String = self.src[start..i].chars().filter(|&c| c != '_').collect();
        self.i = i;
        if is_float {
            let v: f64 = text.parse().unwrap_or(0.0);
            self.push(Tok::Float(v), p);
        } else {
            if text.len() > 1 && text.starts_with('0') && text.bytes().any(|c| c != b'0') {
                return Err(SyntaxErr::new(
                    "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers",
                    p,
                    (p.0, p.1 + 1),
                ));
            }
            let tok = match text.parse::<i64>() {
                Ok(v) => Tok::Int(v),
                Err(_) => Tok::BigInt(Rc::from(text.trim_start_matches('0'))),
            };
            self.push(tok, p);
        }
        Ok(())
    }

    /// A string literal starting at `self.i` (the quote); `start` is where its prefix began.
    fn string(&mut self, start: usize, raw: bool, bytes: bool, f: bool) -> Result<(), SyntaxErr> {
        let p = (self.line, (start - self.line_start) as u32);
        let q = self.b[self.i];
        let triple = self.peek(1) == q && self.peek(2) == q;
        let qlen = if triple { 3 } else { 1 };
        self.i += qlen;
        let body_start = self.i;
        let body_pos = self.pos();
        loop {
            if self.i >= self.b.len() {
                let msg = if triple {
                    format!(
                        "unterminated triple-quoted string literal (detected at line {})",
                        self.line
                    )
                } else {
                    format!("unterminated string literal (detected at line {})", self.line)
                };
                return Err(SyntaxErr::new(msg, p, p));
            }
            let c = self.b[self.i];
            if c == b'\\' {
                self.i += 1;
                if self.peek(0) == b'\n' {
                    self.newline();
                } else if self.i < self.b.len() {
                    self.i += 1;
                }
                continue;
            }
            if c == b'\n' {
                if !triple {
                    let msg = format!("unterminated string literal (detected at line {})", self.line);
                    return Err(SyntaxErr::new(msg, p, p));
                }
                self.newline();
                continue;
            }
            if c == q && (!triple || (self.peek(1) == q && self.peek(2) == q)) {
                break;
            }
            self.i += 1;
        }
        let body = &self.src[body_start..self.i];
        self.i += qlen;
        let tok = if f {
            Tok::FStr(Rc::from(body), raw, body_pos)
        } else if bytes {
            if let Some(c) = body.chars().find(|c| !c.is_ascii()) {
                let _ = c;
                return Err(SyntaxErr::new(
                    "bytes can only contain ASCII literal characters",
                    p,
                    self.pos(),
                ));
            }
            let s = if raw {
                body.to_string()
            } else {
                unescape(body, true, &mut |m| self.warn(p.0, m))
            };
            Tok::Bytes(s.chars().map(|c| c as u32 as u8).collect::<Vec<u8>>().into())
        } else if raw {
            Tok::Str(Rc::from(body))
        } else {
            let line = p.0;
            let mut w = Vec::new();
            let s = unescape(body, false, &mut |m| w.push(m));
            for m in w {
                self.warn(line, m);
            }
            Tok::Str(Rc::from(s.as_str()))
        };
        self.push(tok, p);
        Ok(())
    }

    fn warn(&mut self, line: u32, msg: String) {
        if self.warn_escapes {
            self.warnings.push(Warning { line, msg });
        }
    }
}

/// Processes backslash escapes of a (non-raw) literal. `bytes` keeps `\u` literal and maps
/// `\xhh` to the byte (as a char below 256).
pub fn unescape(s: &str, bytes: bool, warn: &mut dyn FnMut(String)) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = it.next() else {
            out.push('\\');
            break;
        };
        match e {
            '\n' => {}
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\x0b'),
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match it.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            it.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            'x' | 'u' | 'U' if !(bytes && e != 'x') => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let mut v = 0u32;
                let mut ok = true;
                for _ in 0..n {
                    match it.peek().and_then(|c| c.to_digit(16)) {
                        Some(d) => {
                            v = v.wrapping_mul(16).wrapping_add(d);
                            it.next();
                        }
                        None => ok = false,
                    }
                }
                if ok {
                    out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                }
            }
            'N' if !bytes => {
                out.push_str("\\N");
            }
            other => {
                warn(format!("invalid escape sequence '\\{other}'"));
                out.push('\\');
                out.push(other);
            }
        }
    }
    out
}

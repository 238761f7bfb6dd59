//! The JavaScript tokenizer. It scans on demand: the parser asks for the next token and, where
//! the grammar decides (template continuations, regular expressions), scans differently.

use std::rc::Rc;

/// A token's kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Num(f64),
    /// A string literal's value (escapes decoded).
    Str(Rc<str>),
    /// An identifier or a keyword (the parser tells them apart).
    Ident(Rc<str>),
    /// `#name` (a private class member).
    Private(Rc<str>),
    Punct(&'static str),
    BigInt,
    Eof,
}

/// A token with where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    /// Byte offsets in the source.
    pub start: u32,
    pub end: u32,
    /// A line break comes between the previous token and this one (automatic semicolons).
    pub nl_before: bool,
    /// An identifier written with an escape (`\u0061`): never a keyword.
    pub escaped: bool,
}

/// Why scanning failed, with V8's wording and where.
#[derive(Clone, Debug, PartialEq)]
pub struct LexError {
    pub msg: String,
    pub start: u32,
    pub end: u32,
}

const PUNCTS: &[&str] = &[
    ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=", "=>", "==",
    "!=", "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=",
    "|=", "^=", "<<", ">>", "**", "{", "}", "(", ")", "[", "]", ";", ",", "<", ">", "+", "-",
    "*", "/", "%", "&", "|", "^", "!", "~", "?", ":", "=", ".", "@", "`",
];

/// The scanner over one source text.
#[derive(Clone, Debug)]
pub struct Lexer<'a> {
    pub src: &'a str,
    pub pos: usize,
}

fn is_id_start(c: char) -> bool {
    c == '$' || c == '_' || c.is_alphabetic()
}

fn is_id_part(c: char) -> bool {
    c == '$' || c == '_' || c == '\u{200c}' || c == '\u{200d}' || c.is_alphanumeric()
}

fn is_line_term(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str) -> Lexer<'a> {
        let mut l = Lexer { src, pos: 0 };
        // A hashbang line is a comment.
        if src.starts_with("#!") {
            l.pos = src.find('\n').unwrap_or(src.len());
        }
        l
    }

    fn peek_char(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn char_at(&self, off: usize) -> Option<char> {
        self.src.get(self.pos + off..)?.chars().next()
    }

    fn err<T>(&self, msg: &str, start: usize, end: usize) -> Result<T, LexError> {
        Err(LexError {
            msg: msg.to_string(),
            start: start as u32,
            end: end.max(start + 1) as u32,
        })
    }

    /// Skips white space and comments; true if a line break was crossed.
    fn skip_space(&mut self) -> Result<bool, LexError> {
        let mut nl = false;
        while let Some(c) = self.peek_char() {
            if is_line_term(c) {
                nl = true;
                self.pos += c.len_utf8();
            } else if c.is_whitespace() || c == '\u{feff}' {
                self.pos += c.len_utf8();
            } else if self.src[self.pos..].starts_with("//") {
                while let Some(c) = self.peek_char() {
                    if is_line_term(c) {
                        break;
                    }
                    self.pos += c.len_utf8();
                }
            } else if self.src[self.pos..].starts_with("/*") {
                let start = self.pos;
                match self.src[self.pos + 2..].find("*/") {
                    Some(i) => {
                        let body = &self.src[self.pos + 2..self.pos + 2 + i];
                        if body.contains(is_line_term) {
                            nl = true;
                        }
                        self.pos += i + 4;
                    }
                    None => return self.err("Invalid or unexpected token", start, start + 2),
                }
            } else {
                break;
            }
        }
        Ok(nl)
    }

    /// The next token in the default (expression-operand-agnostic) goal.
    pub fn next(&mut self) -> Result<Token, LexError> {
        let nl = self.skip_space()?;
        let start = self.pos;
        let mut escaped = false;
        let tok = match self.peek_char() {
            None => Tok::Eof,
            Some(c) if c.is_ascii_digit() || (c == '.' && self.char_at(1).is_some_and(|d| d.is_ascii_digit())) => {
                self.number()?
            }
            Some('"') | Some('\'') => Tok::Str(self.string()?.into()),
            Some('#') => {
                self.pos += 1;
                let name = self.ident_name(&mut escaped)?;
                if name.is_empty() {
                    return self.err("Invalid or unexpected token", start, start + 1);
                }
                Tok::Private(name.into())
            }
            Some(c) if is_id_start(c) || c == '\\' => {
                let name = self.ident_name(&mut escaped)?;
                Tok::Ident(name.into())
            }
            Some(_) => {
                let rest = &self.src[self.pos..];
                match PUNCTS.iter().find(|p| rest.starts_with(**p)) {
                    // `?.` followed by a digit is `?` then a number (`a?.5:b`).
                    Some(&"?.") if rest[2..].starts_with(|c: char| c.is_ascii_digit()) => {
                        self.pos += 1;
                        Tok::Punct("?")
                    }
                    Some(p) => {
                        self.pos += p.len();
                        Tok::Punct(p)
                    }
                    None => {
                        let c = self.peek_char().unwrap_or(' ');
                        return self.err("Invalid or unexpected token", start, start + c.len_utf8());
                    }
                }
            }
        };
        Ok(Token {
            tok,
            start: start as u32,
            end: self.pos as u32,
            nl_before: nl,
            escaped,
        })
    }

    fn ident_name(&mut self, escaped: &mut bool) -> Result<String, LexError> {
        let mut s = String::new();
        while let Some(c) = self.peek_char() {
            if c == '\\' {
                let start = self.pos;
                if self.char_at(1) != Some('u') {
                    return self.err("Invalid or unexpected token", start, start + 1);
                }
                self.pos += 2;
                match self.unicode_escape() {
                    Some(ch) => s.push(ch),
                    None => return self.err("Invalid Unicode escape sequence", start, self.pos),
                }
                *escaped = true;
            } else if is_id_part(c) {
                s.push(c);
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
        Ok(s)
    }

    fn number(&mut self) -> Result<Tok, LexError> {
        let start = self.pos;
        let b = self.src.as_bytes();
        let radix = if b.get(self.pos) == Some(&b'0') {
            match b.get(self.pos + 1).map(|c| c.to_ascii_lowercase()) {
                Some(b'x') => 16,
                Some(b'o') => 8,
                Some(b'b') => 2,
                _ => 10,
            }
        } else {
            10
        };
        let v;
        if radix != 10 {
            self.pos += 2;
            let ds = self.pos;
            while self.pos < b.len() && (b[self.pos].is_ascii_alphanumeric() || b[self.pos] == b'_') {
                self.pos += 1;
            }
            let digits: String = self.src[ds..self.pos].chars().filter(|c| *c != '_').collect();
            if let Some(d) = digits.strip_suffix('n') {
                if u128::from_str_radix(d, radix).is_ok() {
                    return Ok(Tok::BigInt);
                }
            }
            let mut acc = 0f64;
            if digits.is_empty() {
                return self.err("Invalid or unexpected token", start, self.pos);
            }
            for c in digits.chars() {
                match c.to_digit(radix) {
                    Some(d) => acc = acc * radix as f64 + d as f64,
                    None => return self.err("Invalid or unexpected token", start, self.pos),
                }
            }
            v = acc;
        } else {
            // Legacy octal (`010`) is not accepted in strict code; treat as decimal here.
            while self.pos < b.len() && (b[self.pos].is_ascii_digit() || b[self.pos] == b'_') {
                self.pos += 1;
            }
            if self.pos < b.len() && b[self.pos] == b'n' {
                self.pos += 1;
                return Ok(Tok::BigInt);
            }
            if self.pos < b.len() && b[self.pos] == b'.' {
                self.pos += 1;
                while self.pos < b.len() && (b[self.pos].is_ascii_digit() || b[self.pos] == b'_') {
                    self.pos += 1;
                }
            }
            if self.pos < b.len() && (b[self.pos] == b'e' || b[self.pos] == b'E') {
                let save = self.pos;
                self.pos += 1;
                if self.pos < b.len() && (b[self.pos] == b'+' || b[self.pos] == b'-') {
                    self.pos += 1;
                }
                if self.pos < b.len() && b[self.pos].is_ascii_digit() {
                    while self.pos < b.len() && b[self.pos].is_ascii_digit() {
                        self.pos += 1;
                    }
                } else {
                    self.pos = save;
                    return self.err("Invalid or unexpected token", start, save + 1);
                }
            }
            let text: String = self.src[start..self.pos].chars().filter(|c| *c != '_').collect();
            v = text.parse::<f64>().unwrap_or(f64::NAN);
        }
        // An identifier may not follow a number directly (`3in`).
        if let Some(c) = self.peek_char() {
            if is_id_start(c) || c.is_ascii_digit() {
                return self.err("Invalid or unexpected token", start, self.pos);
            }
        }
        Ok(Tok::Num(v))
    }

    /// `\uXXXX` or `\u{X…}` after the `\u` (already consumed).
    fn unicode_escape(&mut self) -> Option<char> {
        let rest = &self.src[self.pos..];
        if let Some(r) = rest.strip_prefix('{') {
            let end = r.find('}')?;
            let v = u32::from_str_radix(&r[..end], 16).ok()?;
            self.pos += end + 2;
            return char::from_u32(v).or(Some('\u{fffd}'));
        }
        let hex = rest.get(..4)?;
        let v = u32::from_str_radix(hex, 16).ok()?;
        self.pos += 4;
        if (0xd800..0xdc00).contains(&v) && self.src[self.pos..].starts_with("\\u") {
            let lo = self.src.get(self.pos + 2..self.pos + 6)?;
            if let Ok(lo) = u32::from_str_radix(lo, 16) {
                if (0xdc00..0xe000).contains(&lo) {
                    self.pos += 6;
                    return char::from_u32(0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00));
                }
            }
        }
        Some(char::from_u32(v).unwrap_or('\u{fffd}'))
    }

    /// One escape sequence after the backslash (consumed); `None` for a line continuation.
    fn escape(&mut self, start: usize, in_template: bool) -> Result<Option<char>, LexError> {
        let Some(c) = self.peek_char() else {
            return self.err("Invalid or unexpected token", start, self.pos);
        };
        self.pos += c.len_utf8();
        Ok(Some(match c {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'v' => '\u{b}',
            '0' if !self.peek_char().is_some_and(|d| d.is_ascii_digit()) => '\0',
            'x' => {
                let hex = self.src.get(self.pos..self.pos + 2).unwrap_or("");
                match u32::from_str_radix(hex, 16) {
                    Ok(v) if hex.len() == 2 => {
                        self.pos += 2;
                        char::from_u32(v).unwrap_or('\u{fffd}')
                    }
                    _ => return self.err("Invalid hexadecimal escape sequence", self.pos - 2, self.pos),
                }
            }
            'u' => match self.unicode_escape() {
                Some(ch) => ch,
                None => return self.err("Invalid Unicode escape sequence", self.pos - 2, self.pos),
            },
            '\r' => {
                if self.peek_char() == Some('\n') {
                    self.pos += 1;
                }
                return Ok(None);
            }
            '\n' | '\u{2028}' | '\u{2029}' => return Ok(None),
            d if d.is_ascii_digit() && in_template => {
                return self.err("Octal escape sequences are not allowed in template strings", self.pos - 2, self.pos)
            }
            d @ '1'..='7' => {
                // Legacy octal escapes (sloppy mode).
                let mut v = d.to_digit(8).unwrap_or(0);
                while let Some(n) = self.peek_char().and_then(|x| x.to_digit(8)) {
                    if v * 8 + n > 255 {
                        break;
                    }
                    v = v * 8 + n;
                    self.pos += 1;
                }
                char::from_u32(v).unwrap_or('\u{fffd}')
            }
            other => other,
        }))
    }

    fn string(&mut self) -> Result<String, LexError> {
        let start = self.pos;
        let q = self.peek_char().unwrap_or('"');
        self.pos += 1;
        let mut s = String::new();
        loop {
            let Some(c) = self.peek_char() else {
                return self.err("Invalid or unexpected token", start, self.pos);
            };
            if c == q {
                self.pos += 1;
                return Ok(s);
            }
            if c == '\n' || c == '\r' {
                return self.err("Invalid or unexpected token", start, self.pos);
            }
            self.pos += c.len_utf8();
            if c == '\\' {
                if let Some(ch) = self.escape(start, false)? {
                    s.push(ch);
                }
            } else {
                s.push(c);
            }
        }
    }

    /// Scans template characters after a `` ` `` or a `}`: (cooked text, raw text, ends the
    /// template). Stops after `${` or the closing backtick.
    pub fn template_part(&mut self) -> Result<(String, String, bool), LexError> {
        let start = self.pos;
        let mut s = String::new();
        loop {
            let Some(c) = self.peek_char() else {
                return self.err("Unexpected end of input", self.src.len(), self.src.len());
            };
            if c == '`' {
                let raw = self.src[start..self.pos].to_string();
                self.pos += 1;
                return Ok((s, raw, true));
            }
            if c == '$' && self.char_at(1) == Some('{') {
                let raw = self.src[start..self.pos].to_string();
                self.pos += 2;
                return Ok((s, raw, false));
            }
            self.pos += c.len_utf8();
            if c == '\\' {
                if let Some(ch) = self.escape(start, true)? {
                    s.push(ch);
                }
            } else if c == '\r' {
                if self.peek_char() == Some('\n') {
                    self.pos += 1;
                }
                s.push('\n');
            } else {
                s.push(c);
            }
        }
    }

    /// Scans a regular expression literal starting at `start` (the `/`): (pattern, flags).
    pub fn regex(&mut self, start: usize) -> Result<(String, String), LexError> {
        self.pos = start + 1;
        let mut in_class = false;
        let body_start = self.pos;
        loop {
            let Some(c) = self.peek_char() else {
                return self.err("Invalid regular expression: missing /", start, self.pos);
            };
            if is_line_term(c) {
                return self.err("Invalid regular expression: missing /", start, self.pos);
            }
            self.pos += c.len_utf8();
            match c {
                '\\' => {
                    if let Some(n) = self.peek_char() {
                        if is_line_term(n) {
                            return self.err("Invalid regular expression: missing /", start, self.pos);
                        }
                        self.pos += n.len_utf8();
                    }
                }
                '[' => in_class = true,
                ']' => in_class = false,
                '/' if !in_class => break,
                _ => {}
            }
        }
        let body = self.src[body_start..self.pos - 1].to_string();
        let fstart = self.pos;
        while let Some(c) = self.peek_char() {
            if !is_id_part(c) {
                break;
            }
            self.pos += c.len_utf8();
        }
        Ok((body, self.src[fstart..self.pos].to_string()))
    }
}

/// 1-based line and UTF-16 column of a byte offset, and the text of that line.
pub fn line_col(src: &str, off: u32) -> (u32, u32, &str) {
    let off = (off as usize).min(src.len());
    let mut off = off;
    while !src.is_char_boundary(off) {
        off -= 1;
    }
    let line_start = src[..off].rfind('\n').map_or(0, |i| i + 1);
    let line = src[..line_start].matches('\n').count() as u32 + 1;
    let col = src[line_start..off].encode_utf16().count() as u32 + 1;
    let line_end = src[line_start..].find('\n').map_or(src.len(), |i| line_start + i);
    let text = src[line_start..line_end].trim_end_matches('\r');
    (line, col, text)
}

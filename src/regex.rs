//! A small POSIX regular-expression engine for `sed`, `grep` and name filters: basic (BRE) and
//! extended (ERE) syntax with `.`, bracket expressions (ranges, `^`, `[:class:]`), `*`, `+`, `?`,
//! `{m,n}`, groups, alternation, anchors, and GNU's `\w \W \s \S \b`. Matching is backtracking
//! with a step budget, so no pattern can hang the simulation; a pattern that exhausts the budget
//! simply does not match. Back-references inside a pattern are refused (`Unsupported`) rather
//! than matched wrongly.

/// The syntax flavour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// POSIX basic (sed, grep): `\( \) \{ \} \+ \? \|` are operators.
    Basic,
    /// POSIX extended (`sed -E`, `grep -E`, Go's regexp for filters).
    Extended,
}

/// Why a pattern could not be compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// Bad syntax, with GNU's wording (`Unmatched ( or \(`).
    Invalid(&'static str),
    /// Valid, but outside what Dockling simulates (named in the message).
    Unsupported(&'static str),
}

#[derive(Clone, Debug)]
enum Atom {
    Char(char),
    Any,
    Class { items: Vec<Item>, negated: bool },
    Group(Vec<Vec<Piece>>, usize),
    Start,
    End,
    WordBoundary,
}

#[derive(Clone, Debug)]
enum Item {
    Char(char),
    Range(char, char),
    Named(fn(char) -> bool),
}

#[derive(Clone, Debug)]
struct Piece {
    atom: Atom,
    min: u32,
    max: u32,
}

/// A compiled pattern.
#[derive(Clone, Debug)]
pub struct Regex {
    alts: Vec<Vec<Piece>>,
    groups: usize,
    icase: bool,
}

const MANY: u32 = u32::MAX;
const BUDGET: u32 = 200_000;

struct Parser {
    s: Vec<char>,
    i: usize,
    syntax: Syntax,
    groups: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }
    fn peek2(&self) -> Option<char> {
        self.s.get(self.i + 1).copied()
    }
    fn ere(&self) -> bool {
        self.syntax == Syntax::Extended
    }
    /// At a `|` (ERE) or `\|` (BRE).
    fn at_bar(&self) -> bool {
        if self.ere() {
            self.peek() == Some('|')
        } else {
            self.peek() == Some('\\') && self.peek2() == Some('|')
        }
    }
    /// At a `)` (ERE) or `\)` (BRE).
    fn at_close(&self) -> bool {
        if self.ere() {
            self.peek() == Some(')')
        } else {
            self.peek() == Some('\\') && self.peek2() == Some(')')
        }
    }

    fn alternatives(&mut self, depth: u32) -> Result<Vec<Vec<Piece>>, Error> {
        let mut alts = vec![self.sequence(depth)?];
        while self.at_bar() {
            self.i += if self.ere() { 1 } else { 2 };
            alts.push(self.sequence(depth)?);
        }
        Ok(alts)
    }

    fn sequence(&mut self, depth: u32) -> Result<Vec<Piece>, Error> {
        let mut seq: Vec<Piece> = Vec::new();
        let start = self.i;
        while let Some(c) = self.peek() {
            if self.at_bar() || (depth > 0 && self.at_close()) {
                break;
            }
            let at_start = self.i == start;
            let atom = match c {
                '^' if at_start || self.ere() => {
                    self.i += 1;
                    Atom::Start
                }
                '$' if self.ere() || self.i + 1 == self.s.len() || self.ends_here(1) => {
                    self.i += 1;
                    Atom::End
                }
                '.' => {
                    self.i += 1;
                    Atom::Any
                }
                '[' => {
                    self.i += 1;
                    self.bracket()?
                }
                '*' if at_start => {
                    self.i += 1;
                    Atom::Char('*')
                }
                '*' | '+' | '?' | '{' if self.ere() && at_start => {
                    return Err(Error::Invalid("Invalid preceding regular expression"));
                }
                '(' if self.ere() => {
                    self.i += 1;
                    self.group(depth)?
                }
                ')' if self.ere() => return Err(Error::Invalid("Unmatched ) or \\)")),
                '\\' => {
                    let Some(n) = self.peek2() else {
                        return Err(Error::Invalid("Trailing backslash"));
                    };
                    self.i += 2;
                    match n {
                        '(' if !self.ere() => self.group(depth)?,
                        ')' if !self.ere() => return Err(Error::Invalid("Unmatched ) or \\)")),
                        '{' if !self.ere() && at_start => return Err(Error::Invalid("Invalid preceding regular expression")),
                        '1'..='9' => return Err(Error::Unsupported("back-references (\\1…) inside a pattern")),
                        'n' => Atom::Char('\n'),
                        't' => Atom::Char('\t'),
                        'w' => Atom::Class { items: vec![Item::Named(is_word)], negated: false },
                        'W' => Atom::Class { items: vec![Item::Named(is_word)], negated: true },
                        's' => Atom::Class { items: vec![Item::Named(char::is_whitespace)], negated: false },
                        'S' => Atom::Class { items: vec![Item::Named(char::is_whitespace)], negated: true },
                        'b' => Atom::WordBoundary,
                        '<' | '>' | 'B' | '`' | '\'' => return Err(Error::Unsupported("the \\< \\> \\B \\` \\' anchors")),
                        c => Atom::Char(c),
                    }
                }
                c => {
                    self.i += 1;
                    Atom::Char(c)
                }
            };
            let (min, max) = self.quantifiers()?;
            seq.push(Piece { atom, min, max });
        }
        Ok(seq)
    }

    /// True when the pattern (or the current group) ends `skip` characters from here.
    fn ends_here(&self, skip: usize) -> bool {
        let j = self.i + skip;
        j == self.s.len()
            || (!self.ere() && self.s.get(j) == Some(&'\\') && matches!(self.s.get(j + 1), Some(')') | Some('|')))
    }

    fn group(&mut self, depth: u32) -> Result<Atom, Error> {
        self.groups += 1;
        let n = self.groups;
        let alts = self.alternatives(depth + 1)?;
        if !self.at_close() {
            return Err(Error::Invalid("Unmatched ( or \\("));
        }
        self.i += if self.ere() { 1 } else { 2 };
        Ok(Atom::Group(alts, n))
    }

    fn quantifiers(&mut self) -> Result<(u32, u32), Error> {
        let (mut min, mut max) = (1u32, 1u32);
        loop {
            let (a, b) = match (self.peek(), self.peek2()) {
                (Some('*'), _) => {
                    self.i += 1;
                    (0, MANY)
                }
                (Some('+'), _) if self.ere() => {
                    self.i += 1;
                    (1, MANY)
                }
                (Some('?'), _) if self.ere() => {
                    self.i += 1;
                    (0, 1)
                }
                (Some('\\'), Some('+')) if !self.ere() => {
                    self.i += 2;
                    (1, MANY)
                }
                (Some('\\'), Some('?')) if !self.ere() => {
                    self.i += 2;
                    (0, 1)
                }
                (Some('{'), _) if self.ere() => {
                    self.i += 1;
                    self.interval()?
                }
                (Some('\\'), Some('{')) if !self.ere() => {
                    self.i += 2;
                    self.interval()?
                }
                _ => return Ok((min, max)),
            };
            min = min.saturating_mul(a);
            max = if max == MANY || b == MANY { MANY } else { max.saturating_mul(b) };
        }
    }

    fn interval(&mut self) -> Result<(u32, u32), Error> {
        let number = |p: &mut Self| -> Option<u32> {
            let start = p.i;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.i += 1;
            }
            (p.i > start).then(|| p.s[start..p.i].iter().collect::<String>().parse().unwrap_or(MANY))
        };
        let min = number(self).ok_or(Error::Invalid("Invalid content of \\{\\}"))?;
        let max = if self.peek() == Some(',') {
            self.i += 1;
            number(self).unwrap_or(MANY)
        } else {
            min
        };
        let closed = if self.ere() {
            self.peek() == Some('}') && {
                self.i += 1;
                true
            }
        } else {
            self.peek() == Some('\\') && self.peek2() == Some('}') && {
                self.i += 2;
                true
            }
        };
        if !closed {
            return Err(Error::Invalid("Unmatched \\{"));
        }
        if max < min || min > 32767 {
            return Err(Error::Invalid("Invalid content of \\{\\}"));
        }
        Ok((min, max))
    }

    fn bracket(&mut self) -> Result<Atom, Error> {
        let negated = self.peek() == Some('^');
        if negated {
            self.i += 1;
        }
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return Err(Error::Invalid("Unmatched [, [^, [:, [., or [="));
            };
            if c == ']' && !first {
                self.i += 1;
                break;
            }
            first = false;
            if c == '[' && self.peek2() == Some(':') {
                let rest: String = self.s[self.i + 2..].iter().collect();
                let Some(end) = rest.find(":]") else {
                    return Err(Error::Invalid("Unmatched [, [^, [:, [., or [="));
                };
                let f: fn(char) -> bool = match &rest[..end] {
                    "alpha" => |c| c.is_ascii_alphabetic(),
                    "digit" => |c| c.is_ascii_digit(),
                    "alnum" => |c| c.is_ascii_alphanumeric(),
                    "upper" => |c| c.is_ascii_uppercase(),
                    "lower" => |c| c.is_ascii_lowercase(),
                    "space" => |c| c.is_ascii_whitespace() || c == '\x0b',
                    "blank" => |c| c == ' ' || c == '\t',
                    "punct" => |c| c.is_ascii_punctuation(),
                    "xdigit" => |c| c.is_ascii_hexdigit(),
                    "print" => |c| !c.is_control(),
                    "cntrl" => |c| c.is_control(),
                    "graph" => |c| !c.is_control() && c != ' ',
                    _ => return Err(Error::Invalid("Invalid character class name")),
                };
                items.push(Item::Named(f));
                self.i += 2 + rest[..end].chars().count() + 2;
                continue;
            }
            if c == '[' && matches!(self.peek2(), Some('.') | Some('=')) {
                return Err(Error::Unsupported("collating elements ([. .] and [= =]) in brackets"));
            }
            self.i += 1;
            if self.peek() == Some('-') && self.peek2().is_some_and(|n| n != ']') {
                let hi = self.s[self.i + 1];
                self.i += 2;
                if hi < c {
                    return Err(Error::Invalid("Invalid range end"));
                }
                items.push(Item::Range(c, hi));
            } else {
                items.push(Item::Char(c));
            }
        }
        Ok(Atom::Class { items, negated })
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Capture spans (in chars) of the groups; index 0 is the whole match.
pub type Captures = Vec<Option<(usize, usize)>>;

struct Matcher<'a> {
    text: &'a [char],
    icase: bool,
    steps: std::cell::Cell<u32>,
}

type Cont<'c> = &'c dyn Fn(usize, &mut Captures) -> bool;

impl Matcher<'_> {
    fn tick(&self) -> bool {
        let n = self.steps.get() + 1;
        self.steps.set(n);
        n <= BUDGET
    }

    fn eq(&self, a: char, b: char) -> bool {
        a == b || (self.icase && a.to_lowercase().eq(b.to_lowercase()))
    }

    fn alts(&self, alts: &[Vec<Piece>], pos: usize, caps: &mut Captures, k: Cont) -> bool {
        alts.iter().any(|seq| self.seq(seq, 0, pos, caps, k))
    }

    fn seq(&self, seq: &[Piece], i: usize, pos: usize, caps: &mut Captures, k: Cont) -> bool {
        if !self.tick() {
            return false;
        }
        match seq.get(i) {
            None => k(pos, caps),
            Some(p) => self.rep(p, 0, pos, caps, &|np, caps| self.seq(seq, i + 1, np, caps, k)),
        }
    }

    fn rep(&self, p: &Piece, count: u32, pos: usize, caps: &mut Captures, k: Cont) -> bool {
        if !self.tick() {
            return false;
        }
        if count < p.max {
            let more = |np: usize, caps: &mut Captures| {
                // An empty iteration past the minimum can never help: stop looping.
                if np == pos && count >= p.min {
                    return false;
                }
                self.rep(p, count + 1, np, caps, k)
            };
            if self.atom(&p.atom, pos, caps, &more) {
                return true;
            }
        }
        count >= p.min && k(pos, caps)
    }

    fn atom(&self, a: &Atom, pos: usize, caps: &mut Captures, k: Cont) -> bool {
        let t = self.text;
        match a {
            Atom::Char(c) => pos < t.len() && self.eq(t[pos], *c) && k(pos + 1, caps),
            Atom::Any => pos < t.len() && k(pos + 1, caps),
            Atom::Class { items, negated } => {
                let Some(&c) = t.get(pos) else { return false };
                let hit = |c: char| {
                    items.iter().any(|it| match it {
                        Item::Char(x) => *x == c,
                        Item::Range(lo, hi) => (*lo..=*hi).contains(&c),
                        Item::Named(f) => f(c),
                    })
                };
                let inside = hit(c) || (self.icase && (hit(c.to_ascii_lowercase()) || hit(c.to_ascii_uppercase())));
                inside != *negated && k(pos + 1, caps)
            }
            Atom::Start => pos == 0 && k(pos, caps),
            Atom::End => pos == t.len() && k(pos, caps),
            Atom::WordBoundary => {
                let before = pos > 0 && is_word(t[pos - 1]);
                let after = pos < t.len() && is_word(t[pos]);
                before != after && k(pos, caps)
            }
            Atom::Group(alts, n) => {
                let n = *n;
                self.alts(alts, pos, caps, &|np, caps| {
                    let saved = caps[n];
                    caps[n] = Some((pos, np));
                    if k(np, caps) {
                        return true;
                    }
                    caps[n] = saved;
                    false
                })
            }
        }
    }
}

impl Regex {
    /// Compiles `pattern`.
    pub fn new(pattern: &str, syntax: Syntax, icase: bool) -> Result<Regex, Error> {
        let mut p = Parser { s: pattern.chars().collect(), i: 0, syntax, groups: 0 };
        let alts = p.alternatives(0)?;
        if p.i < p.s.len() {
            return Err(Error::Invalid("Unmatched ) or \\)"));
        }
        Ok(Regex { alts, groups: p.groups, icase })
    }

    /// The number of groups.
    pub fn groups(&self) -> usize {
        self.groups
    }

    /// The leftmost (then longest-first, as backtracking finds it) match starting at or after
    /// `from`, as char positions of the whole match and each group.
    pub fn find_at(&self, text: &[char], from: usize) -> Option<Captures> {
        let m = Matcher { text, icase: self.icase, steps: std::cell::Cell::new(0) };
        for start in from..=text.len() {
            let mut caps: Captures = vec![None; self.groups + 1];
            let found = std::cell::RefCell::new(None);
            if m.alts(&self.alts, start, &mut caps, &|end, c| {
                let mut c = c.clone();
                c[0] = Some((start, end));
                *found.borrow_mut() = Some(c);
                true
            }) {
                return found.into_inner();
            }
            if m.steps.get() > BUDGET {
                return None;
            }
        }
        None
    }

    /// True when the pattern matches anywhere in `line`.
    pub fn is_match(&self, line: &str) -> bool {
        let t: Vec<char> = line.chars().collect();
        self.find_at(&t, 0).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, s: Syntax, t: &str) -> Option<(usize, usize)> {
        let r = Regex::new(p, s, false).unwrap();
        let c: Vec<char> = t.chars().collect();
        r.find_at(&c, 0).and_then(|c| c[0])
    }

    #[test]
    fn basic_syntax() {
        use Syntax::Basic as B;
        assert_eq!(m("b*c", B, "abbbc"), Some((1, 5)));
        assert_eq!(m("a\\+", B, "caaa"), Some((1, 4)));
        assert_eq!(m("a+", B, "a+"), Some((0, 2)));
        assert_eq!(m("^#", B, "  #x"), None);
        assert_eq!(m("x$", B, "axx"), Some((2, 3)));
        assert_eq!(m("[0-9][0-9]*", B, "v12.3"), Some((1, 3)));
        assert_eq!(m("[^a-z]", B, "ab1"), Some((2, 3)));
        assert_eq!(m("[[:digit:]]\\{2\\}", B, "a1b23"), Some((3, 5)));
        assert_eq!(m("\\(ab\\)*c", B, "ababc"), Some((0, 5)));
        assert_eq!(m("*a", B, "x*a"), Some((1, 3)));
        assert_eq!(m("a\\|b", B, "cb"), Some((1, 2)));
        assert_eq!(m("\\[b\\]", B, "a [b]"), Some((2, 5)));
    }

    #[test]
    fn extended_syntax() {
        use Syntax::Extended as E;
        assert_eq!(m("(foo|bar)+", E, "xbarfoo!"), Some((1, 7)));
        assert_eq!(m("colou?r", E, "color"), Some((0, 5)));
        assert_eq!(m("a{2,3}", E, "aaaa"), Some((0, 3)));
        assert_eq!(m("^$", E, ""), Some((0, 0)));
        assert_eq!(m("\\w+", E, "  hello_1 "), Some((2, 9)));
        assert!(matches!(Regex::new("(a", E, false), Err(Error::Invalid(_))));
        assert!(matches!(Regex::new("\\(a\\)\\1", Syntax::Basic, false), Err(Error::Unsupported(_))));
    }

    #[test]
    fn groups_are_captured() {
        let r = Regex::new("\\([a-z]*\\)=\\([0-9]*\\)", Syntax::Basic, false).unwrap();
        let t: Vec<char> = "port=8080".chars().collect();
        let c = r.find_at(&t, 0).unwrap();
        assert_eq!(c[1], Some((0, 4)));
        assert_eq!(c[2], Some((5, 9)));
    }

    #[test]
    fn pathological_patterns_stop() {
        let r = Regex::new("(a*)*b", Syntax::Extended, false).unwrap();
        assert!(!r.is_match(&"a".repeat(200)));
    }
}

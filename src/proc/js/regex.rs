//! Regular expressions: a backtracking matcher for the JavaScript syntax tutorials use
//! (classes, groups, named groups, lookaround, backreferences, lazy quantifiers, flags
//! `gimsuy`), with a step bound so pathological patterns stop instead of hanging.

use super::builtins::{arg_str, getter, global, link_ctor, methods};
use super::object::Res;
use super::value::*;
use super::vm::{ErrKind, Vm};
use crate::proc::program::Ctx;

/// Backtracking steps one match may take.
const MAX_STEPS: u64 = 5_000_000;
/// Compiled program size bound (counted repetitions are expanded).
const MAX_PROG: usize = 100_000;

#[derive(Clone, Debug, PartialEq)]
enum ClassItem {
    Ch(char),
    Range(char, char),
    Digit(bool),
    Word(bool),
    Space(bool),
}

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Char(char),
    Any,
    Class(Vec<ClassItem>, bool),
    Start,
    End,
    WordB(bool),
    Group(Box<Node>, Option<usize>),
    Look(Box<Node>, bool, bool),
    Backref(usize),
    Cat(Vec<Node>),
    Alt(Vec<Node>),
    Rep(Box<Node>, u32, Option<u32>, bool),
}

#[derive(Clone, Debug, PartialEq)]
enum Inst {
    Char(char),
    Any,
    Class(Vec<ClassItem>, bool),
    Start,
    End,
    WordB(bool),
    Save(usize),
    Split(usize, usize),
    Jmp(usize),
    /// Lookaround: (program start, end, ahead, negate).
    Look(usize, usize, bool, bool),
    Backref(usize),
    /// Loop progress registers: remember the position, and fail if a loop made none.
    Mark(usize),
    Progress(usize),
    /// At the end of the text (a lookbehind body must end where the lookbehind is).
    AtEnd,
    Match,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Regex {
    pub source: String,
    pub flags: String,
    prog: Vec<Inst>,
    pub groups: usize,
    pub names: Vec<(String, usize)>,
    marks: usize,
    icase: bool,
    multiline: bool,
    dotall: bool,
}

struct Parser<'a> {
    c: Vec<char>,
    i: usize,
    groups: usize,
    names: Vec<(String, usize)>,
    _src: &'a str,
    depth: u32,
}

type PR<T> = Result<T, String>;

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.c.get(self.i).copied()
    }
    fn eat(&mut self, ch: char) -> bool {
        if self.peek() == Some(ch) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn alt(&mut self) -> PR<Node> {
        self.depth += 1;
        if self.depth > 200 {
            return Err("regular expression too deeply nested".into());
        }
        let mut alts = vec![self.cat()?];
        while self.eat('|') {
            alts.push(self.cat()?);
        }
        self.depth -= 1;
        Ok(if alts.len() == 1 { alts.pop().unwrap_or(Node::Cat(Vec::new())) } else { Node::Alt(alts) })
    }
    fn cat(&mut self) -> PR<Node> {
        let mut items = Vec::new();
        while let Some(ch) = self.peek() {
            if ch == '|' || ch == ')' {
                break;
            }
            let atom = self.atom()?;
            let atom = self.quant(atom)?;
            items.push(atom);
        }
        Ok(Node::Cat(items))
    }
    fn number(&mut self) -> Option<u32> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        if self.i == start {
            return None;
        }
        self.c[start..self.i].iter().collect::<String>().parse().ok()
    }
    fn quant(&mut self, atom: Node) -> PR<Node> {
        let (min, max) = match self.peek() {
            Some('*') => {
                self.i += 1;
                (0, None)
            }
            Some('+') => {
                self.i += 1;
                (1, None)
            }
            Some('?') => {
                self.i += 1;
                (0, Some(1))
            }
            Some('{') => {
                let save = self.i;
                self.i += 1;
                let Some(min) = self.number() else {
                    self.i = save;
                    return Ok(atom);
                };
                let max = if self.eat(',') { self.number() } else { Some(min) };
                if !self.eat('}') {
                    self.i = save;
                    return Ok(atom);
                }
                if let Some(m) = max {
                    if m < min {
                        return Err("numbers out of order in {} quantifier".into());
                    }
                }
                (min, max)
            }
            _ => return Ok(atom),
        };
        if matches!(atom, Node::Start | Node::End | Node::WordB(_)) {
            return Err("Nothing to repeat".into());
        }
        let lazy = self.eat('?');
        Ok(Node::Rep(Box::new(atom), min, max, lazy))
    }
    fn atom(&mut self) -> PR<Node> {
        let Some(ch) = self.peek() else { return Err("unexpected end".into()) };
        self.i += 1;
        Ok(match ch {
            '.' => Node::Any,
            '^' => Node::Start,
            '$' => Node::End,
            '(' => {
                if self.eat('?') {
                    if self.eat(':') {
                        let n = self.alt()?;
                        self.close()?;
                        Node::Group(Box::new(n), None)
                    } else if self.eat('=') {
                        let n = self.alt()?;
                        self.close()?;
                        Node::Look(Box::new(n), true, false)
                    } else if self.eat('!') {
                        let n = self.alt()?;
                        self.close()?;
                        Node::Look(Box::new(n), true, true)
                    } else if self.eat('<') {
                        if self.eat('=') {
                            let n = self.alt()?;
                            self.close()?;
                            Node::Look(Box::new(n), false, false)
                        } else if self.eat('!') {
                            let n = self.alt()?;
                            self.close()?;
                            Node::Look(Box::new(n), false, true)
                        } else {
                            let mut name = String::new();
                            while let Some(c) = self.peek() {
                                self.i += 1;
                                if c == '>' {
                                    break;
                                }
                                name.push(c);
                            }
                            self.groups += 1;
                            let g = self.groups;
                            self.names.push((name, g));
                            let n = self.alt()?;
                            self.close()?;
                            Node::Group(Box::new(n), Some(g))
                        }
                    } else {
                        return Err("Invalid group".into());
                    }
                } else {
                    self.groups += 1;
                    let g = self.groups;
                    let n = self.alt()?;
                    self.close()?;
                    Node::Group(Box::new(n), Some(g))
                }
            }
            ')' => return Err("Unmatched ')'".into()),
            '[' => self.class()?,
            '\\' => self.escape(false)?,
            '*' | '+' | '?' => return Err("Nothing to repeat".into()),
            c => Node::Char(c),
        })
    }
    fn close(&mut self) -> PR<()> {
        if self.eat(')') {
            Ok(())
        } else {
            Err("Unterminated group".into())
        }
    }
    fn class(&mut self) -> PR<Node> {
        let neg = self.eat('^');
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let Some(ch) = self.peek() else { return Err("Unterminated character class".into()) };
            if ch == ']' && !first {
                self.i += 1;
                break;
            }
            if ch == ']' {
                self.i += 1;
                break;
            }
            first = false;
            self.i += 1;
            let item = if ch == '\\' {
                match self.escape(true)? {
                    Node::Char(c) => ClassItem::Ch(c),
                    Node::Class(mut v, false) if v.len() == 1 => v.remove(0),
                    _ => return Err("Invalid class escape".into()),
                }
            } else {
                ClassItem::Ch(ch)
            };
            if let ClassItem::Ch(lo) = item {
                if self.peek() == Some('-') && self.c.get(self.i + 1).is_some_and(|c| *c != ']') {
                    self.i += 1;
                    let Some(mut hi) = self.peek() else { return Err("Unterminated character class".into()) };
                    self.i += 1;
                    if hi == '\\' {
                        match self.escape(true)? {
                            Node::Char(c) => hi = c,
                            _ => return Err("Invalid character class".into()),
                        }
                    }
                    if hi < lo {
                        return Err("Range out of order in character class".into());
                    }
                    items.push(ClassItem::Range(lo, hi));
                    continue;
                }
            }
            items.push(item);
        }
        Ok(Node::Class(items, neg))
    }
    fn escape(&mut self, in_class: bool) -> PR<Node> {
        let Some(ch) = self.peek() else { return Err("\\ at end of pattern".into()) };
        self.i += 1;
        let cls = |it| Node::Class(vec![it], false);
        Ok(match ch {
            'd' => cls(ClassItem::Digit(true)),
            'D' => cls(ClassItem::Digit(false)),
            'w' => cls(ClassItem::Word(true)),
            'W' => cls(ClassItem::Word(false)),
            's' => cls(ClassItem::Space(true)),
            'S' => cls(ClassItem::Space(false)),
            'b' if !in_class => Node::WordB(true),
            'B' if !in_class => Node::WordB(false),
            'b' => Node::Char('\u{8}'),
            'n' => Node::Char('\n'),
            'r' => Node::Char('\r'),
            't' => Node::Char('\t'),
            'v' => Node::Char('\u{b}'),
            'f' => Node::Char('\u{c}'),
            '0' => Node::Char('\0'),
            'x' => {
                let h: String = self.c.iter().skip(self.i).take(2).collect();
                match u32::from_str_radix(&h, 16) {
                    Ok(v) if h.len() == 2 => {
                        self.i += 2;
                        Node::Char(char::from_u32(v).unwrap_or('x'))
                    }
                    _ => Node::Char('x'),
                }
            }
            'u' => {
                if self.peek() == Some('{') {
                    let end = self.c[self.i..].iter().position(|c| *c == '}');
                    if let Some(e) = end {
                        let h: String = self.c[self.i + 1..self.i + e].iter().collect();
                        if let Ok(v) = u32::from_str_radix(&h, 16) {
                            self.i += e + 1;
                            return Ok(Node::Char(char::from_u32(v).unwrap_or('\u{fffd}')));
                        }
                    }
                    Node::Char('u')
                } else {
                    let h: String = self.c.iter().skip(self.i).take(4).collect();
                    match u32::from_str_radix(&h, 16) {
                        Ok(v) if h.len() == 4 => {
                            self.i += 4;
                            Node::Char(char::from_u32(v).unwrap_or('\u{fffd}'))
                        }
                        _ => Node::Char('u'),
                    }
                }
            }
            'k' if !in_class && self.peek() == Some('<') => {
                self.i += 1;
                let mut name = String::new();
                while let Some(c) = self.peek() {
                    self.i += 1;
                    if c == '>' {
                        break;
                    }
                    name.push(c);
                }
                // Resolved after parsing (names may come later): store by name index.
                match self.names.iter().find(|(n, _)| *n == name) {
                    Some((_, g)) => Node::Backref(*g),
                    None => return Err("Invalid named capture referenced".into()),
                }
            }
            d @ '1'..='9' if !in_class => {
                let mut n = d.to_digit(10).unwrap_or(0) as usize;
                while let Some(x) = self.peek().and_then(|c| c.to_digit(10)) {
                    n = n * 10 + x as usize;
                    self.i += 1;
                }
                Node::Backref(n)
            }
            c => Node::Char(c),
        })
    }
}

struct Compiler {
    prog: Vec<Inst>,
    marks: usize,
}

impl Compiler {
    fn emit(&mut self, i: Inst) -> PR<usize> {
        if self.prog.len() >= MAX_PROG {
            return Err("regular expression too large".into());
        }
        self.prog.push(i);
        Ok(self.prog.len() - 1)
    }
    fn node(&mut self, n: &Node) -> PR<()> {
        match n {
            Node::Char(c) => {
                self.emit(Inst::Char(*c))?;
            }
            Node::Any => {
                self.emit(Inst::Any)?;
            }
            Node::Class(items, neg) => {
                self.emit(Inst::Class(items.clone(), *neg))?;
            }
            Node::Start => {
                self.emit(Inst::Start)?;
            }
            Node::End => {
                self.emit(Inst::End)?;
            }
            Node::WordB(b) => {
                self.emit(Inst::WordB(*b))?;
            }
            Node::Backref(g) => {
                self.emit(Inst::Backref(*g))?;
            }
            Node::Group(inner, g) => {
                if let Some(g) = g {
                    self.emit(Inst::Save(g * 2))?;
                    self.node(inner)?;
                    self.emit(Inst::Save(g * 2 + 1))?;
                } else {
                    self.node(inner)?;
                }
            }
            Node::Look(inner, ahead, neg) => {
                let at = self.emit(Inst::Look(0, 0, *ahead, *neg))?;
                let start = self.prog.len();
                self.node(inner)?;
                if !*ahead {
                    self.emit(Inst::AtEnd)?;
                }
                self.emit(Inst::Match)?;
                let end = self.prog.len();
                self.prog[at] = Inst::Look(start, end, *ahead, *neg);
            }
            Node::Cat(items) => {
                for it in items {
                    self.node(it)?;
                }
            }
            Node::Alt(alts) => {
                let mut jumps = Vec::new();
                for (i, a) in alts.iter().enumerate() {
                    if i + 1 < alts.len() {
                        let split = self.emit(Inst::Split(0, 0))?;
                        self.node(a)?;
                        jumps.push(self.emit(Inst::Jmp(0))?);
                        let next = self.prog.len();
                        self.prog[split] = Inst::Split(split + 1, next);
                    } else {
                        self.node(a)?;
                    }
                }
                let end = self.prog.len();
                for j in jumps {
                    self.prog[j] = Inst::Jmp(end);
                }
            }
            Node::Rep(inner, min, max, lazy) => {
                if *min > 1000 || max.is_some_and(|m| m > 1000) {
                    return Err("regular expression too large".into());
                }
                for _ in 0..*min {
                    self.node(inner)?;
                }
                match max {
                    None => {
                        let mark = self.marks;
                        self.marks += 1;
                        let top = self.emit(Inst::Split(0, 0))?;
                        self.emit(Inst::Mark(mark))?;
                        self.node(inner)?;
                        self.emit(Inst::Progress(mark))?;
                        self.emit(Inst::Jmp(top))?;
                        let end = self.prog.len();
                        self.prog[top] = if *lazy { Inst::Split(end, top + 1) } else { Inst::Split(top + 1, end) };
                    }
                    Some(m) => {
                        let mut splits = Vec::new();
                        for _ in *min..*m {
                            splits.push(self.emit(Inst::Split(0, 0))?);
                            self.node(inner)?;
                        }
                        let end = self.prog.len();
                        for s in splits {
                            self.prog[s] = if *lazy { Inst::Split(end, s + 1) } else { Inst::Split(s + 1, end) };
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

impl Regex {
    pub fn new(source: &str, flags: &str) -> Result<Regex, String> {
        for (i, f) in flags.char_indices() {
            if !"dgimsuyv".contains(f) || flags[..i].contains(f) {
                return Err(format!("Invalid flags supplied to RegExp constructor '{flags}'"));
            }
        }
        let mut p = Parser { c: source.chars().collect(), i: 0, groups: 0, names: Vec::new(), _src: source, depth: 0 };
        let node = p.alt().map_err(|e| format!("Invalid regular expression: /{source}/{flags}: {e}"))?;
        if p.i < p.c.len() {
            return Err(format!("Invalid regular expression: /{source}/{flags}: Unmatched ')'"));
        }
        let mut c = Compiler { prog: Vec::new(), marks: 0 };
        c.emit(Inst::Save(0)).map_err(|e| format!("Invalid regular expression: /{source}/{flags}: {e}"))?;
        c.node(&node).map_err(|e| format!("Invalid regular expression: /{source}/{flags}: {e}"))?;
        c.emit(Inst::Save(1)).map_err(|e| format!("Invalid regular expression: /{source}/{flags}: {e}"))?;
        c.emit(Inst::Match).map_err(|e| format!("Invalid regular expression: /{source}/{flags}: {e}"))?;
        Ok(Regex {
            source: source.to_string(),
            flags: flags.to_string(),
            prog: c.prog,
            groups: p.groups,
            names: p.names,
            marks: c.marks,
            icase: flags.contains('i'),
            multiline: flags.contains('m'),
            dotall: flags.contains('s'),
        })
    }

    pub fn global(&self) -> bool {
        self.flags.contains('g')
    }
    pub fn sticky(&self) -> bool {
        self.flags.contains('y')
    }

    /// Matches at char index `start` or later (only at `start` if sticky); the capture
    /// positions (char indices) or `None`. `Err` when the step bound is exceeded.
    pub fn exec(&self, text: &[char], start: usize, sticky: bool) -> Result<Option<Vec<Option<usize>>>, ()> {
        let mut steps = 0u64;
        for s in start..=text.len() {
            let mut caps = vec![None; (self.groups + 1) * 2];
            let mut marks = vec![usize::MAX; self.marks];
            if self.run(text, 0, s, &mut caps, &mut marks, &mut steps)? {
                return Ok(Some(caps));
            }
            if sticky {
                break;
            }
        }
        Ok(None)
    }

    fn class_has(&self, items: &[ClassItem], c: char) -> bool {
        let test = |c: char| {
            items.iter().any(|it| match it {
                ClassItem::Ch(x) => *x == c,
                ClassItem::Range(a, b) => *a <= c && c <= *b,
                ClassItem::Digit(p) => c.is_ascii_digit() == *p,
                ClassItem::Word(p) => (c.is_ascii_alphanumeric() || c == '_') == *p,
                ClassItem::Space(p) => (c.is_whitespace() || c == '\u{feff}') == *p,
            })
        };
        if test(c) {
            return true;
        }
        if self.icase {
            let l = c.to_lowercase().next().unwrap_or(c);
            let u = c.to_uppercase().next().unwrap_or(c);
            return test(l) || test(u);
        }
        false
    }

    fn eq(&self, a: char, b: char) -> bool {
        a == b || (self.icase && a.to_lowercase().eq(b.to_lowercase()))
    }

    fn is_word(text: &[char], i: usize) -> bool {
        text.get(i).is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
    }

    /// Backtracking over the program with an explicit stack of alternatives.
    fn run(&self, text: &[char], pc0: usize, pos0: usize, caps: &mut Vec<Option<usize>>, marks: &mut Vec<usize>, steps: &mut u64) -> Result<bool, ()> {
        enum Undo {
            Branch(usize, usize),
            Cap(usize, Option<usize>),
            Mark(usize, usize),
        }
        let mut stack: Vec<Undo> = Vec::new();
        let (mut pc, mut pos) = (pc0, pos0);
        loop {
            *steps += 1;
            if *steps > MAX_STEPS {
                return Err(());
            }
            let ok = match self.prog.get(pc) {
                None => false,
                Some(Inst::Match) => return Ok(true),
                Some(Inst::AtEnd) => {
                    if pos == text.len() {
                        pc += 1;
                        true
                    } else {
                        false
                    }
                }
                Some(Inst::Char(c)) => {
                    if text.get(pos).is_some_and(|t| self.eq(*t, *c)) {
                        pos += 1;
                        pc += 1;
                        true
                    } else {
                        false
                    }
                }
                Some(Inst::Any) => match text.get(pos) {
                    Some(c) if self.dotall || !matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}') => {
                        pos += 1;
                        pc += 1;
                        true
                    }
                    _ => false,
                },
                Some(Inst::Class(items, neg)) => match text.get(pos) {
                    Some(c) if self.class_has(items, *c) != *neg => {
                        pos += 1;
                        pc += 1;
                        true
                    }
                    _ => false,
                },
                Some(Inst::Start) => {
                    if pos == 0 || (self.multiline && matches!(text.get(pos - 1), Some('\n') | Some('\r'))) {
                        pc += 1;
                        true
                    } else {
                        false
                    }
                }
                Some(Inst::End) => {
                    if pos == text.len() || (self.multiline && matches!(text.get(pos), Some('\n') | Some('\r'))) {
                        pc += 1;
                        true
                    } else {
                        false
                    }
                }
                Some(Inst::WordB(want)) => {
                    let a = pos > 0 && Self::is_word(text, pos - 1);
                    let b = Self::is_word(text, pos);
                    if (a != b) == *want {
                        pc += 1;
                        true
                    } else {
                        false
                    }
                }
                Some(Inst::Save(n)) => {
                    let n = *n;
                    stack.push(Undo::Cap(n, caps[n]));
                    caps[n] = Some(pos);
                    pc += 1;
                    true
                }
                Some(Inst::Mark(m)) => {
                    let m = *m;
                    stack.push(Undo::Mark(m, marks[m]));
                    marks[m] = pos;
                    pc += 1;
                    true
                }
                Some(Inst::Progress(m)) => {
                    if marks[*m] == pos {
                        false
                    } else {
                        pc += 1;
                        true
                    }
                }
                Some(Inst::Split(a, b)) => {
                    stack.push(Undo::Branch(*b, pos));
                    pc = *a;
                    true
                }
                Some(Inst::Jmp(t)) => {
                    pc = *t;
                    true
                }
                Some(Inst::Backref(g)) => {
                    let (s, e) = (caps.get(g * 2).copied().flatten(), caps.get(g * 2 + 1).copied().flatten());
                    match (s, e) {
                        (Some(s), Some(e)) if e >= s => {
                            let len = e - s;
                            if pos + len <= text.len() && (0..len).all(|k| self.eq(text[pos + k], text[s + k])) {
                                pos += len;
                                pc += 1;
                                true
                            } else {
                                false
                            }
                        }
                        _ => {
                            pc += 1;
                            true
                        }
                    }
                }
                Some(Inst::Look(start, end, ahead, neg)) => {
                    let (start, end, ahead, neg) = (*start, *end, *ahead, *neg);
                    let found = if ahead {
                        let mut c2 = caps.clone();
                        let r = self.run(text, start, pos, &mut c2, marks, steps)?;
                        if r && !neg {
                            *caps = c2;
                        }
                        r
                    } else {
                        // Lookbehind: try every start position before `pos` ending exactly here.
                        let mut hit = false;
                        for b in (0..=pos).rev() {
                            let sub = &text[..pos];
                            let mut c2 = caps.clone();
                            if self.run(sub, start, b, &mut c2, marks, steps)? {
                                hit = true;
                                if !neg {
                                    *caps = c2;
                                }
                                break;
                            }
                        }
                        hit
                    };
                    let _ = end;
                    if found != neg {
                        pc = end;
                        true
                    } else {
                        false
                    }
                }
            };
            if ok {
                continue;
            }
            // Backtrack.
            loop {
                match stack.pop() {
                    None => return Ok(false),
                    Some(Undo::Cap(n, v)) => caps[n] = v,
                    Some(Undo::Mark(m, v)) => marks[m] = v,
                    Some(Undo::Branch(p, at)) => {
                        pc = p;
                        pos = at;
                        break;
                    }
                }
            }
        }
    }

}

// ---- JavaScript surface ----

fn regex_of(vm: &Vm, v: &Val) -> Option<Regex> {
    match v {
        Val::Obj(o) => match &vm.heap.get(*o).kind {
            Kind::Regex(r) => Some((**r).clone()),
            _ => None,
        },
        _ => None,
    }
}

pub fn new_regex(vm: &mut Vm, source: &str, flags: &str) -> Res {
    match Regex::new(source, flags) {
        Ok(r) => {
            let p = vm.realm.regexp_proto;
            let o = vm.heap.alloc(Obj::new(Some(p), Kind::Regex(Box::new(r))));
            vm.heap.get_mut(o).props.insert(Key::s("lastIndex"), Slot::V(Val::Num(0.0)), WRITE);
            Ok(Val::Obj(o))
        }
        Err(m) => Err(vm.error(ErrKind::Syntax, &m)),
    }
}

fn regexp_ctor(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let (src, flags) = match regex_of(vm, &c.arg(0)) {
        Some(r) => (r.source.clone(), if matches!(c.arg(1), Val::Undef) { r.flags.clone() } else { arg_str(vm, ctx, c, 1)?.to_string() }),
        None => {
            let s = if matches!(c.arg(0), Val::Undef) { "(?:)".into() } else { arg_str(vm, ctx, c, 0)?.to_string() };
            let f = if matches!(c.arg(1), Val::Undef) { String::new() } else { arg_str(vm, ctx, c, 1)?.to_string() };
            (s, f)
        }
    };
    new_regex(vm, &src, &flags)
}

fn last_index(vm: &mut Vm, ctx: &mut Ctx, re: &Val) -> Result<usize, Val> {
    let v = vm.get_str(ctx, re, "lastIndex")?;
    let n = vm.to_number(ctx, &v)?;
    Ok(if n.is_nan() || n < 0.0 { 0 } else { n as usize })
}

fn set_last_index(vm: &mut Vm, ctx: &mut Ctx, re: &Val, n: usize) -> Result<(), Val> {
    vm.set(ctx, re, Key::s("lastIndex"), Val::Num(n as f64), true)
}

/// Char index → UTF-16 index.
fn u16_index(text: &[char], i: usize) -> usize {
    text[..i.min(text.len())].iter().map(|c| c.len_utf16()).sum()
}

/// UTF-16 index → char index.
fn char_index(text: &[char], u: usize) -> usize {
    let mut acc = 0;
    for (i, c) in text.iter().enumerate() {
        if acc >= u {
            return i;
        }
        acc += c.len_utf16();
    }
    text.len()
}

/// One match as JavaScript sees it: (start char, end char, groups).
struct Found {
    start: usize,
    end: usize,
    groups: Vec<Option<String>>,
}

fn exec_at(vm: &mut Vm, r: &Regex, text: &[char], from: usize) -> Result<Option<Found>, Val> {
    match r.exec(text, from, r.sticky()) {
        Ok(Some(caps)) => {
            let start = caps[0].unwrap_or(0);
            let end = caps[1].unwrap_or(start);
            let groups = (1..=r.groups)
                .map(|g| match (caps[g * 2], caps[g * 2 + 1]) {
                    (Some(s), Some(e)) if e >= s => Some(text[s..e].iter().collect()),
                    _ => None,
                })
                .collect();
            Ok(Some(Found { start, end, groups }))
        }
        Ok(None) => Ok(None),
        Err(()) => Err(vm.fatal(&format!("the regular expression /{}/ needs too many steps (catastrophic backtracking is not simulated)", r.source))),
    }
}

fn match_array(vm: &mut Vm, r: &Regex, text: &[char], s: &Str, f: &Found) -> Val {
    let whole: String = text[f.start..f.end].iter().collect();
    let mut items = vec![Val::Str(whole.into())];
    for g in &f.groups {
        items.push(g.as_ref().map(|x| Val::Str(x.as_str().into())).unwrap_or(Val::Undef));
    }
    let a = vm.new_array(items);
    if let Val::Obj(o) = &a {
        vm.define(*o, Key::s("index"), Val::Num(u16_index(text, f.start) as f64), DEFAULT);
        vm.define(*o, Key::s("input"), Val::Str(s.clone()), DEFAULT);
        let groups = if r.names.is_empty() {
            Val::Undef
        } else {
            let g = vm.heap.alloc(Obj::new(None, Kind::Ordinary));
            for (name, idx) in &r.names {
                let v = f.groups.get(idx - 1).cloned().flatten().map(|x| Val::Str(x.into())).unwrap_or(Val::Undef);
                vm.define(g, Key::S(name.as_str().into()), v, DEFAULT);
            }
            Val::Obj(g)
        };
        vm.define(*o, Key::s("groups"), groups, DEFAULT);
    }
    a
}

/// `RegExp.prototype.exec` semantics (lastIndex for global/sticky).
fn exec_js(vm: &mut Vm, ctx: &mut Ctx, re: &Val, s: &Str) -> Res {
    let Some(r) = regex_of(vm, re) else {
        return Err(vm.error(ErrKind::Type, "RegExp.prototype.exec called on incompatible receiver"));
    };
    let text: Vec<char> = s.chars().collect();
    let uses_last = r.global() || r.sticky();
    let from = if uses_last { char_index(&text, last_index(vm, ctx, re)?) } else { 0 };
    if from > text.len() {
        set_last_index(vm, ctx, re, 0)?;
        return Ok(Val::Null);
    }
    match exec_at(vm, &r, &text, from)? {
        Some(f) => {
            if uses_last {
                set_last_index(vm, ctx, re, u16_index(&text, f.end))?;
            }
            Ok(match_array(vm, &r, &text, s, &f))
        }
        None => {
            if uses_last {
                set_last_index(vm, ctx, re, 0)?;
            }
            Ok(Val::Null)
        }
    }
}

fn exec(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = arg_str(vm, ctx, c, 0)?;
    let re = c.this.clone();
    exec_js(vm, ctx, &re, &s)
}

fn test(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = arg_str(vm, ctx, c, 0)?;
    let re = c.this.clone();
    let r = exec_js(vm, ctx, &re, &s)?;
    Ok(Val::Bool(!matches!(r, Val::Null)))
}

fn to_string(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    match regex_of(vm, &c.this) {
        Some(r) => Ok(Val::Str(format!("/{}/{}", r.source, r.flags).into())),
        None => Ok(Val::str("/(?:)/")),
    }
}

fn source(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(regex_of(vm, &c.this).map(|r| Val::Str(r.source.into())).unwrap_or(Val::str("(?:)")))
}

fn flags(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    Ok(regex_of(vm, &c.this).map(|r| {
        let mut f: Vec<char> = r.flags.chars().collect();
        f.sort_by_key(|c| "dgimsuvy".find(*c).unwrap_or(9));
        Val::Str(f.into_iter().collect::<String>().into())
    }).unwrap_or(Val::str("")))
}

fn flag(vm: &mut Vm, c: &Call, f: char) -> Res {
    Ok(regex_of(vm, &c.this).map(|r| Val::Bool(r.flags.contains(f))).unwrap_or(Val::Undef))
}

fn global_getter(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    flag(vm, c, 'g')
}
fn ignore_case(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    flag(vm, c, 'i')
}
fn multiline(vm: &mut Vm, _ctx: &mut Ctx, c: &mut Call) -> Res {
    flag(vm, c, 'm')
}

fn this_string(vm: &mut Vm, ctx: &mut Ctx, c: &Call) -> Result<Str, Val> {
    let t = c.this.clone();
    if t.is_nullish() {
        return Err(vm.error(ErrKind::Type, "String.prototype method called on null or undefined"));
    }
    vm.to_str(ctx, &t)
}

/// `str.match(re)`.
pub fn str_match(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = this_string(vm, ctx, c)?;
    let re = match regex_of(vm, &c.arg(0)) {
        Some(_) => c.arg(0),
        None => {
            let src = if matches!(c.arg(0), Val::Undef) { "(?:)".into() } else { arg_str(vm, ctx, c, 0)? };
            new_regex(vm, &escape_if_needed(&src), "")?
        }
    };
    let Some(r) = regex_of(vm, &re) else { return Ok(Val::Null) };
    if !r.global() {
        return exec_js(vm, ctx, &re, &s);
    }
    let text: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut from = 0;
    while from <= text.len() {
        let Some(f) = exec_at(vm, &r, &text, from)? else { break };
        out.push(Val::Str(text[f.start..f.end].iter().collect::<String>().into()));
        from = if f.end == f.start { f.end + 1 } else { f.end };
        if out.len() > 10_000_000 {
            break;
        }
    }
    set_last_index(vm, ctx, &re, 0)?;
    if out.is_empty() {
        return Ok(Val::Null);
    }
    Ok(vm.new_array(out))
}

fn escape_if_needed(s: &str) -> String {
    s.to_string()
}

pub fn str_match_all(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = this_string(vm, ctx, c)?;
    let Some(r) = regex_of(vm, &c.arg(0)) else {
        return Err(vm.fatal("matchAll with a string pattern is not simulated"));
    };
    if !r.global() {
        return Err(vm.error(ErrKind::Type, "String.prototype.matchAll called with a non-global RegExp argument"));
    }
    let text: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut from = 0;
    while from <= text.len() {
        let Some(f) = exec_at(vm, &r, &text, from)? else { break };
        from = if f.end == f.start { f.end + 1 } else { f.end };
        out.push(match_array(vm, &r, &text, &s, &f));
        if out.len() > 10_000_000 {
            break;
        }
    }
    let p = vm.realm.array_iter_proto;
    let mut it = Obj::new(Some(p), Kind::Iter(Box::new(IterKind::List(out, 0))));
    it.tag = Some("RegExp String Iterator");
    Ok(Val::Obj(vm.heap.alloc(it)))
}

pub fn str_search(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = this_string(vm, ctx, c)?;
    let r = match regex_of(vm, &c.arg(0)) {
        Some(r) => r,
        None => {
            let src = arg_str(vm, ctx, c, 0)?;
            match Regex::new(&src, "") {
                Ok(r) => r,
                Err(m) => return Err(vm.error(ErrKind::Syntax, &m)),
            }
        }
    };
    let text: Vec<char> = s.chars().collect();
    Ok(Val::Num(match exec_at(vm, &r, &text, 0)? {
        Some(f) => u16_index(&text, f.start) as f64,
        None => -1.0,
    }))
}

/// `str.replace(re, replacement)` / `replaceAll`.
pub fn replace(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call, all: bool) -> Res {
    let s = this_string(vm, ctx, c)?;
    let Some(r) = regex_of(vm, &c.arg(0)) else { return Ok(Val::Str(s)) };
    if all && !r.global() {
        return Err(vm.error(ErrKind::Type, "replaceAll must be called with a global RegExp"));
    }
    let rep = c.arg(1);
    let is_fn = vm.is_callable(&rep);
    let rep_s = if is_fn { "".into() } else { vm.to_str(ctx, &rep)? };
    let text: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut last = 0;
    let mut from = if r.global() { 0 } else { 0 };
    let mut count = 0;
    while from <= text.len() {
        let Some(f) = exec_at(vm, &r, &text, from)? else { break };
        out.extend(text[last..f.start].iter());
        let matched: String = text[f.start..f.end].iter().collect();
        let piece = if is_fn {
            let mut args = vec![Val::Str(matched.clone().into())];
            for g in &f.groups {
                args.push(g.as_ref().map(|x| Val::Str(x.as_str().into())).unwrap_or(Val::Undef));
            }
            args.push(Val::Num(u16_index(&text, f.start) as f64));
            args.push(Val::Str(s.clone()));
            let v = vm.call(ctx, &rep, Val::Undef, args)?;
            vm.to_str(ctx, &v)?.to_string()
        } else {
            let before: String = text[..f.start].iter().collect();
            let after: String = text[f.end..].iter().collect();
            let named: Vec<(String, Option<String>)> = r.names.iter().map(|(n, i)| (n.clone(), f.groups.get(i - 1).cloned().flatten())).collect();
            super::builtins::substitute_pub(&rep_s, &matched, &before, &after, &f.groups, if r.names.is_empty() { None } else { Some(&named) })
        };
        out.push_str(&piece);
        last = f.end;
        count += 1;
        if !r.global() || count > 10_000_000 {
            break;
        }
        from = if f.end == f.start { f.end + 1 } else { f.end };
    }
    if last <= text.len() {
        out.extend(text[last..].iter());
    }
    if r.global() {
        set_last_index(vm, ctx, &c.arg(0), 0)?;
    }
    Ok(Val::Str(out.into()))
}

/// `str.split(re, limit)`.
pub fn split(vm: &mut Vm, ctx: &mut Ctx, c: &mut Call) -> Res {
    let s = this_string(vm, ctx, c)?;
    let Some(r) = regex_of(vm, &c.arg(0)) else { return Ok(Val::Undef) };
    let limit = match c.arg(1) {
        Val::Undef => usize::MAX,
        v => super::num::to_u32(vm.to_number(ctx, &v)?) as usize,
    };
    let text: Vec<char> = s.chars().collect();
    let mut out: Vec<Val> = Vec::new();
    if text.is_empty() {
        if exec_at(vm, &r, &text, 0)?.is_none() {
            out.push(Val::Str(s));
        }
        return Ok(vm.new_array(out));
    }
    let sticky = Regex { flags: format!("{}y", r.flags.replace(['g', 'y'], "")), ..r.clone() };
    let mut p = 0;
    let mut q = 0;
    while q < text.len() {
        match exec_at(vm, &sticky, &text, q)? {
            Some(f) if f.end != p => {
                out.push(Val::Str(text[p..q].iter().collect::<String>().into()));
                if out.len() >= limit {
                    return Ok(vm.new_array(out));
                }
                for g in &f.groups {
                    out.push(g.as_ref().map(|x| Val::Str(x.as_str().into())).unwrap_or(Val::Undef));
                    if out.len() >= limit {
                        return Ok(vm.new_array(out));
                    }
                }
                p = f.end;
                q = p;
            }
            _ => q += 1,
        }
    }
    out.push(Val::Str(text[p..].iter().collect::<String>().into()));
    out.truncate(limit);
    Ok(vm.new_array(out))
}

pub fn install(vm: &mut Vm) {
    let proto = vm.realm.regexp_proto;
    let ctor = vm.native("RegExp", 2, regexp_ctor);
    link_ctor(vm, ctor, proto);
    methods(vm, proto, &[("exec", 1, exec), ("test", 1, test), ("toString", 0, to_string)]);
    getter(vm, proto, "source", source);
    getter(vm, proto, "flags", flags);
    getter(vm, proto, "global", global_getter);
    getter(vm, proto, "ignoreCase", ignore_case);
    getter(vm, proto, "multiline", multiline);
    global(vm, "RegExp", Val::Obj(ctor));
}

#[cfg(test)]
mod tests {
    use super::Regex;

    fn m(p: &str, f: &str, s: &str) -> Option<(usize, usize)> {
        let r = Regex::new(p, f).ok()?;
        let t: Vec<char> = s.chars().collect();
        r.exec(&t, 0, false).ok().flatten().map(|c| (c[0].unwrap_or(0), c[1].unwrap_or(0)))
    }

    #[test]
    fn matches_common_patterns() {
        assert_eq!(m("\\d+", "", "ab123c"), Some((2, 5)));
        assert_eq!(m("^[a-z]+@[a-z]+\\.com$", "", "bob@mail.com"), Some((0, 12)));
        assert_eq!(m("a.*?b", "", "aXbYb"), Some((0, 3)));
        assert_eq!(m("(\\w+)\\s\\1", "", "hello hello"), Some((0, 11)));
        assert_eq!(m("HELLO", "i", "say hello"), Some((4, 9)));
        assert_eq!(m("(a*)*b", "", "aaac"), None);
        assert_eq!(m("x(?=y)", "", "xzxy"), Some((2, 3)));
        assert_eq!(m("\\bcat\\b", "", "concat cat"), Some((7, 10)));
        assert_eq!(m("colou?r", "", "color"), Some((0, 5)));
        assert_eq!(m("a{2,3}", "", "caaaa"), Some((1, 4)));
        assert!(Regex::new("(", "").is_err());
    }
}

//! Compiles a syntax tree into a flat list of operations with jumps, so a running script can stop
//! at any command (a `sleep`, a command waiting for input) and resume later: its whole state is a
//! program counter and a few iterators.

use super::ast::{Connector, Node, Simple};
use super::lex::{Part, Word};

/// One operation of a compiled script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// Runs pipeline `n`; `checked` when `set -e` applies to its status.
    Run {
        pipeline: usize,
        checked: bool,
    },
    Jump(usize),
    JumpIfOk(usize),
    JumpIfFail(usize),
    /// Starts a `for` loop over the expanded words (`None`: the positional parameters).
    ForStart(Option<Vec<Word>>),
    /// Assigns the next item to the variable, or ends the loop by jumping.
    ForNext {
        var: String,
        end: usize,
    },
    /// Drops the innermost `for` iterator.
    PopIter,
    /// Jumps to the first arm whose pattern matches, or to `end`.
    Case {
        word: Word,
        arms: Vec<(Vec<Word>, usize)>,
        end: usize,
    },
    Negate,
    SetStatus(i32),
    /// Defines (or redefines) a function: its body, compiled on its own.
    Define {
        name: String,
        body: Box<Code>,
    },
}

/// A pipeline of simple commands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipeline {
    pub stages: Vec<Simple>,
}

/// A compiled script.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Code {
    pub ops: Vec<Op>,
    pub pipelines: Vec<Pipeline>,
}

struct Loop {
    breaks: Vec<usize>,
    continue_to: usize,
}

#[derive(Default)]
struct Compiler {
    code: Code,
    loops: Vec<Loop>,
    /// Compiling a function's body: `return` jumps to its end.
    in_function: bool,
    returns: Vec<usize>,
}

fn bare_word(w: &Word) -> Option<&str> {
    match w.as_slice() {
        [Part::Lit(s)] => Some(s),
        _ => None,
    }
}

impl Compiler {
    fn here(&self) -> usize {
        self.code.ops.len()
    }

    fn emit(&mut self, op: Op) -> usize {
        self.code.ops.push(op);
        self.code.ops.len() - 1
    }

    fn patch(&mut self, at: usize, target: usize) {
        match &mut self.code.ops[at] {
            Op::Jump(t) | Op::JumpIfOk(t) | Op::JumpIfFail(t) => *t = target,
            Op::ForNext { end, .. } => *end = target,
            Op::Case { end, .. } => *end = target,
            _ => {}
        }
    }

    fn run(&mut self, stages: Vec<Simple>, checked: bool) {
        self.code.pipelines.push(Pipeline { stages });
        let pipeline = self.code.pipelines.len() - 1;
        self.emit(Op::Run { pipeline, checked });
    }

    fn node(&mut self, n: &Node, checked: bool) {
        match n {
            Node::Simple(s) => {
                let first = s.words.first().and_then(bare_word);
                if s.redirs.is_empty()
                    && s.words.len() <= 2
                    && matches!(first, Some("break" | "continue"))
                    && !self.loops.is_empty()
                {
                    let j = self.emit(Op::Jump(0));
                    let depth: usize = s
                        .words
                        .get(1)
                        .and_then(bare_word)
                        .and_then(|d| d.parse().ok())
                        .unwrap_or(1)
                        .max(1);
                    let idx = self.loops.len().saturating_sub(depth);
                    if first == Some("break") {
                        self.loops[idx].breaks.push(j);
                    } else {
                        let to = self.loops[idx].continue_to;
                        self.patch(j, to);
                    }
                    return;
                }
                // `return [N]` sets the status (the builtin, never an error for `set -e`), then
                // leaves the function.
                if self.in_function && first == Some("return") {
                    self.run(vec![s.clone()], false);
                    let j = self.emit(Op::Jump(0));
                    self.returns.push(j);
                    return;
                }
                self.run(vec![s.clone()], checked);
            }
            Node::Pipeline { stages, negate } => {
                let mut simple = Vec::new();
                for st in stages {
                    match st {
                        Node::Simple(s) => simple.push(s.clone()),
                        other => {
                            // A compound command inside a pipeline runs on its own, without the pipe.
                            self.node(other, false);
                        }
                    }
                }
                if !simple.is_empty() {
                    self.run(simple, checked && !negate);
                }
                if *negate {
                    self.emit(Op::Negate);
                }
            }
            Node::AndOr { first, rest } => {
                self.node(first, false);
                for (i, (c, n)) in rest.iter().enumerate() {
                    let j = self.emit(match c {
                        Connector::And => Op::JumpIfFail(0),
                        Connector::Or => Op::JumpIfOk(0),
                    });
                    self.node(n, checked && i + 1 == rest.len());
                    let here = self.here();
                    self.patch(j, here);
                }
            }
            Node::List(items) => {
                for it in items {
                    self.node(it, checked);
                }
            }
            Node::Group(inner) => self.node(inner, checked),
            Node::Function { name, body } => {
                // Whether `set -e` applies inside depends on where it is called from (a frame
                // called in a condition turns it off), not on where it is defined.
                let mut c = Compiler { in_function: true, ..Compiler::default() };
                c.node(body, true);
                let end = c.here();
                for j in std::mem::take(&mut c.returns) {
                    c.patch(j, end);
                }
                self.emit(Op::Define { name: name.clone(), body: Box::new(c.code) });
            }
            Node::If {
                branches,
                otherwise,
            } => {
                let mut ends = Vec::new();
                for (cond, body) in branches {
                    self.node(cond, false);
                    let skip = self.emit(Op::JumpIfFail(0));
                    self.node(body, checked);
                    ends.push(self.emit(Op::Jump(0)));
                    let here = self.here();
                    self.patch(skip, here);
                }
                match otherwise {
                    Some(e) => self.node(e, checked),
                    None => {
                        self.emit(Op::SetStatus(0));
                    }
                }
                let end = self.here();
                for e in ends {
                    self.patch(e, end);
                }
            }
            Node::While { cond, body, until } => {
                let start = self.here();
                self.node(cond, false);
                let exit = self.emit(if *until {
                    Op::JumpIfOk(0)
                } else {
                    Op::JumpIfFail(0)
                });
                self.loops.push(Loop {
                    breaks: Vec::new(),
                    continue_to: start,
                });
                self.node(body, checked);
                self.emit(Op::Jump(start));
                let lp = self.loops.pop().unwrap_or(Loop {
                    breaks: Vec::new(),
                    continue_to: 0,
                });
                let end = self.here();
                self.patch(exit, end);
                for b in lp.breaks {
                    self.patch(b, end);
                }
                self.emit(Op::SetStatus(0));
            }
            Node::For { var, words, body } => {
                self.emit(Op::ForStart(words.clone()));
                let next = self.emit(Op::ForNext {
                    var: var.clone(),
                    end: 0,
                });
                self.loops.push(Loop {
                    breaks: Vec::new(),
                    continue_to: next,
                });
                self.node(body, checked);
                self.emit(Op::Jump(next));
                let lp = self.loops.pop().unwrap_or(Loop {
                    breaks: Vec::new(),
                    continue_to: 0,
                });
                let end = self.here();
                self.patch(next, end);
                for b in lp.breaks {
                    self.patch(b, end);
                }
                self.emit(Op::PopIter);
            }
            Node::Case { word, arms } => {
                let at = self.emit(Op::Case {
                    word: word.clone(),
                    arms: Vec::new(),
                    end: 0,
                });
                let mut targets = Vec::new();
                let mut ends = Vec::new();
                for (pats, body) in arms {
                    targets.push((pats.clone(), self.here()));
                    self.node(body, checked);
                    ends.push(self.emit(Op::Jump(0)));
                }
                let no_match = self.emit(Op::SetStatus(0));
                let end = self.here();
                if let Op::Case { arms, end: e, .. } = &mut self.code.ops[at] {
                    *arms = targets;
                    *e = no_match;
                }
                for e in ends {
                    self.patch(e, end);
                }
            }
        }
    }
}

/// Compiles a parsed program.
pub fn compile(n: &Node) -> Code {
    let mut c = Compiler::default();
    c.node(n, true);
    // A program lives as long as its process: keep no spare capacity.
    c.code.ops.shrink_to_fit();
    c.code.pipelines.shrink_to_fit();
    c.code
}

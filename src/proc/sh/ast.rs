//! The shell's syntax tree.

use super::lex::Word;

/// A redirection: `fd op target`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redir {
    pub fd: u32,
    pub op: &'static str,
    pub target: Word,
    /// For `<<`: the here-document body, filled in from the lines after the command.
    pub body: Option<String>,
    /// For `<<`: the delimiter was quoted, so the body is not expanded.
    pub quoted: bool,
}

/// A simple command: assignments, words, redirections.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Simple {
    pub assigns: Vec<(String, Word)>,
    pub words: Vec<Word>,
    pub redirs: Vec<Redir>,
}

/// `&&` or `||`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connector {
    And,
    Or,
}

/// A command of any kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    Simple(Simple),
    /// `a | b | c`, possibly negated with `!`.
    Pipeline {
        stages: Vec<Node>,
        negate: bool,
    },
    /// `a && b || c`
    AndOr {
        first: Box<Node>,
        rest: Vec<(Connector, Node)>,
    },
    /// Commands separated by `;`, `&` or newlines.
    List(Vec<Node>),
    If {
        branches: Vec<(Node, Node)>,
        otherwise: Option<Box<Node>>,
    },
    /// `while` (or `until` when `until`) loops.
    While {
        cond: Box<Node>,
        body: Box<Node>,
        until: bool,
    },
    For {
        var: String,
        words: Option<Vec<Word>>,
        body: Box<Node>,
    },
    Case {
        word: Word,
        arms: Vec<(Vec<Word>, Node)>,
    },
    /// `{ …; }` or `( … )` (a subshell runs in the same shell here).
    Group(Box<Node>),
    /// `name() compound-command` (or bash's `function name { …; }`).
    Function {
        name: String,
        body: Box<Node>,
    },
}

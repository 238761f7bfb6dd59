//! The Dockerfile frontend, as BuildKit's `frontend/dockerfile` has it: the low-level parser
//! ([`parse`], [`dump`]), typed instructions ([`instructions`]), word expansion ([`expand`]),
//! build checks ([`lint`]), `.dockerignore` ([`ignore`]) and BuildKit's error excerpts.
//!
//! Parsing never fails: every stage returns what it could build plus [`Diagnostic`]s. The
//! first diagnostic is the error BuildKit stops on; later ones are what it would report next.

mod args;
pub mod directives;
mod dump;
mod duration;
pub mod expand;
mod flags;
mod gostr;
pub mod heredoc;
pub mod ignore;
pub mod instructions;
mod json;
pub mod lint;
mod mount;
mod render;
mod syntax;

use nom::error::{ContextError, ErrorKind, ParseError};

pub use directives::{find_directive, Directive};
pub use dump::dump;
pub use expand::{process_word, process_words, referenced_vars};
pub use gostr::quote;
pub use heredoc::Heredoc;
pub use ignore::Ignore;
pub use instructions::{
    expand_command, instructions, Add, Arg, ArgDef, CmdLine, Command, Copy, Dockerfile, Expose, Healthcheck, KeyValue,
    KeyValues, Maintainer, Meta, Mount, Onbuild, Run, Shell, ShellOrExec, Single, SourceContent, Stage, Volume,
};
pub use lint::{lint, LintOptions, LintResult, Warning};
pub use render::{error_excerpt, render_build_error, render_warnings};
pub use syntax::parse;

/// A byte range in the Dockerfile source.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    /// Offset of the first byte.
    pub start: u32,
    /// Offset one past the last byte.
    pub end: u32,
}

/// A range of 1-based lines (inclusive), one of BuildKit's error locations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LineRange {
    /// First line.
    pub start: u32,
    /// Last line.
    pub end: u32,
}

/// An error or warning with BuildKit's exact message and its place in the source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostic {
    /// The 1-based line BuildKit reports (0 when it reports none).
    pub line: u32,
    /// The bytes concerned.
    pub span: Span,
    /// The message as BuildKit's error string prints it (after `failed to solve: `).
    pub message: String,
    /// The line ranges BuildKit attaches; each prints one source excerpt.
    pub locations: Vec<LineRange>,
}

impl Diagnostic {
    pub(crate) fn new(message: String, start: u32, end: u32, span: Span) -> Diagnostic {
        Diagnostic { line: start, span, message, locations: vec![LineRange { start, end: end.max(start) }] }
    }
}

/// One instruction of the syntax tree (BuildKit's `parser.Node`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Node {
    /// The instruction word as written (`Run`, `FROM`…).
    pub name: String,
    /// The instruction word lower-cased (`run`).
    pub value: String,
    /// The instruction's line(s) joined, continuations removed (BuildKit's `Node.Original`).
    pub original: String,
    /// Leading `--flag[=value]` words, verbatim.
    pub flags: Vec<String>,
    /// The arguments as the low-level parser splits them (quotes kept; JSON decoded).
    pub args: Vec<String>,
    /// ONBUILD's nested instruction.
    pub sub: Option<Box<Node>>,
    /// The arguments were a JSON array.
    pub json: bool,
    /// Here-documents attached to the instruction.
    pub heredocs: Vec<Heredoc>,
    /// Comment lines directly above (without `#`), as BuildKit's `PrevComment`.
    pub comments: Vec<String>,
    /// The source bytes from the first line to the end of the last (heredoc bodies included).
    pub span: Span,
    /// First line (1-based).
    pub start_line: u32,
    /// Last line (1-based).
    pub end_line: u32,
}

/// The syntax tree of a Dockerfile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ast {
    /// The instructions in order.
    pub children: Vec<Node>,
    /// Line of the first instruction.
    pub start_line: u32,
    /// Last line of the last instruction.
    pub end_line: u32,
    /// The escape character in force (`\` or `` ` ``).
    pub escape: char,
    /// The parser directives found at the top.
    pub directives: Vec<Directive>,
}

/// The result of [`parse`]: the tree, the errors BuildKit's parser gives, and its warnings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    /// The syntax tree (as much as could be read).
    pub ast: Ast,
    /// Errors; the first is the one BuildKit reports.
    pub diagnostics: Vec<Diagnostic>,
    /// Parser warnings (empty continuation lines), BuildKit's wording.
    pub warnings: Vec<Diagnostic>,
}

/// The error type of the nom grammars: where a rule failed and what it expected.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PErr<'a> {
    /// The input left where the innermost failure happened.
    pub input: &'a str,
    /// What was expected there (the innermost `context`).
    pub expected: Option<&'static str>,
}

impl<'a> PErr<'a> {
    pub(crate) fn expected(input: &'a str, what: &'static str) -> Self {
        PErr { input, expected: Some(what) }
    }
}

impl<'a> ParseError<&'a str> for PErr<'a> {
    fn from_error_kind(input: &'a str, _: ErrorKind) -> Self {
        PErr { input, expected: None }
    }
    fn append(_: &'a str, _: ErrorKind, other: Self) -> Self {
        other
    }
}

impl<'a> ContextError<&'a str> for PErr<'a> {
    fn add_context(input: &'a str, ctx: &'static str, other: Self) -> Self {
        // Keep the innermost expectation, as kdl-rs does.
        if other.expected.is_some() {
            other
        } else {
            PErr { input, expected: Some(ctx) }
        }
    }
}

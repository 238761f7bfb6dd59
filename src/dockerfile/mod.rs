//! The Dockerfile frontend, as BuildKit's `frontend/dockerfile` has it: the low-level parser
//! ([`parse`], [`dump`]), typed instructions ([`instructions()`]), word expansion ([`expand`]),
//! build checks ([`lint()`]), `.dockerignore` ([`ignore`]) and BuildKit's error excerpts.
//!
//! Parsing never fails: every stage returns what it could build plus [`Diagnostic`]s. The
//! first diagnostic is the error BuildKit stops on; later ones are what it would report next.
//!
//! A build uses it as BuildKit does: reject an empty file (`the Dockerfile cannot be empty`),
//! [`parse`], [`instructions()`] (or [`instructions_with`] and [`Frontend::Builtin`] for Docker
//! 28.2's built-in frontend when there is no `# syntax=`), [`lint()`], then per command
//! [`expand_command`] with the stage's environment. A failure prints as
//! [`render_build_error`]: the source excerpt(s), then `ERROR: failed to solve: <message>`;
//! warnings print first, as [`render_warnings`].

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

use std::borrow::Cow;

use nom::error::{ContextError, ErrorKind, ParseError};

pub use directives::{find_directive, Directive};
pub use dump::dump;
pub use expand::{process_word, process_words, referenced_vars};
pub use gostr::quote;
pub use heredoc::Heredoc;
pub use ignore::Ignore;
pub use instructions::{
    expand_command, instructions, instructions_with, Add, Arg, ArgDef, CmdLine, Command, Copy, Dockerfile, Expose, Frontend, Healthcheck, KeyValue,
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

/// Which instruction a node is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Keyword {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    /// Not an instruction BuildKit knows (rejected by [`instructions()`]).
    #[default]
    Unknown,
}

/// One instruction of the syntax tree (BuildKit's `parser.Node`). Text borrows from the
/// source where it can (single-line instructions), so parsing allocates little.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Node<'a> {
    /// The instruction word as written (`Run`, `FROM`…).
    pub name: Cow<'a, str>,
    /// The instruction word lower-cased (`run`).
    pub value: Cow<'static, str>,
    /// The instruction.
    pub kind: Keyword,
    /// The instruction's line(s) joined, continuations removed (BuildKit's `Node.Original`).
    pub original: Cow<'a, str>,
    /// Leading `--flag[=value]` words, verbatim.
    pub flags: Vec<String>,
    /// The arguments as the low-level parser splits them (quotes kept; JSON decoded).
    pub args: Vec<Cow<'a, str>>,
    /// ONBUILD's nested instruction.
    pub sub: Option<Box<Node<'a>>>,
    /// The arguments were a JSON array.
    pub json: bool,
    /// Here-documents attached to the instruction.
    pub heredocs: Vec<Heredoc<'a>>,
    /// Comment lines directly above (without `#`), as BuildKit's `PrevComment`.
    pub comments: Vec<Cow<'a, str>>,
    /// The source bytes from the first line to the end of the last (heredoc bodies included).
    pub span: Span,
    /// First line (1-based).
    pub start_line: u32,
    /// Last line (1-based).
    pub end_line: u32,
}

fn owned(c: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(c.into_owned())
}

impl Node<'_> {
    /// A copy that owns all its text.
    pub fn into_owned(self) -> Node<'static> {
        Node {
            name: owned(self.name),
            value: self.value,
            kind: self.kind,
            original: owned(self.original),
            flags: self.flags,
            args: self.args.into_iter().map(owned).collect(),
            sub: self.sub.map(|s| Box::new(s.into_owned())),
            json: self.json,
            heredocs: self.heredocs.into_iter().map(Heredoc::into_owned).collect(),
            comments: self.comments.into_iter().map(owned).collect(),
            span: self.span,
            start_line: self.start_line,
            end_line: self.end_line,
        }
    }
}

/// The syntax tree of a Dockerfile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ast<'a> {
    /// The instructions in order.
    pub children: Vec<Node<'a>>,
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
pub struct Parsed<'a> {
    /// The syntax tree (as much as could be read).
    pub ast: Ast<'a>,
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

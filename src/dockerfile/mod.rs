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

use nom::error::{ContextError, ErrorKind, ParseError};

pub use directives::{find_directive, Directive};
pub use dump::dump;
pub(crate) use mount::csv_fields;
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

impl Keyword {
    /// The instruction word lower-cased, as BuildKit's `Node.Value` (`""` for [`Keyword::Unknown`]).
    pub fn as_str(self) -> &'static str {
        use Keyword as K;
        match self {
            K::Add => "add",
            K::Arg => "arg",
            K::Cmd => "cmd",
            K::Copy => "copy",
            K::Entrypoint => "entrypoint",
            K::Env => "env",
            K::Expose => "expose",
            K::From => "from",
            K::Healthcheck => "healthcheck",
            K::Label => "label",
            K::Maintainer => "maintainer",
            K::Onbuild => "onbuild",
            K::Run => "run",
            K::Shell => "shell",
            K::Stopsignal => "stopsignal",
            K::User => "user",
            K::Volume => "volume",
            K::Workdir => "workdir",
            K::Unknown => "",
        }
    }
}

/// A piece of an [`Ast`]'s text: a byte range of the source, or (past the source's end) of
/// the text the parser built (joined continuation lines, decoded JSON strings, unquoted flags).
/// Read it with [`Ast::text`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Text {
    start: u32,
    end: u32,
}

/// A range of an [`Ast`]'s pools (`start..end`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Pool {
    start: u32,
    end: u32,
}

impl Pool {
    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// One instruction of the syntax tree (BuildKit's `parser.Node`). Its text lives in the
/// [`Ast`]; read it through [`Ast::nodes`] (a [`NodeRef`]). Parsing allocates nothing per node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Node {
    /// The instruction.
    pub kind: Keyword,
    /// The arguments were a JSON array.
    pub json: bool,
    /// The source bytes from the first line to the end of the last (heredoc bodies included).
    pub span: Span,
    /// First line (1-based).
    pub start_line: u32,
    /// Last line (1-based).
    pub end_line: u32,
    pub(crate) name: Text,
    /// The lower-cased word of an unknown instruction (known ones use [`Keyword::as_str`]).
    pub(crate) value: Text,
    pub(crate) original: Text,
    pub(crate) flags: Pool,
    pub(crate) args: Pool,
    pub(crate) comments: Pool,
    pub(crate) heredocs: Pool,
    /// ONBUILD's nested instruction: an index in the Ast's `subs`.
    pub(crate) sub: Option<u32>,
}

/// The syntax tree of a Dockerfile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ast<'a> {
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
    /// The source.
    pub(crate) src: &'a str,
    /// Text the parser built; [`Text`] offsets past `src.len()` point here.
    pub(crate) buf: String,
    /// While a joined line is read out of `buf` (set aside), the length set aside: new text
    /// is appended after it.
    pub(crate) buf_off: usize,
    /// The nodes' flags, arguments and comments, each node's a contiguous run.
    pub(crate) texts: Vec<Text>,
    pub(crate) heredocs: Vec<Heredoc<'a>>,
    /// ONBUILD's nested instructions.
    pub(crate) subs: Vec<Node>,
}

impl<'a> Ast<'a> {
    /// The text of `t` (empty if `t` is not of this tree).
    #[inline]
    pub fn text(&self, t: Text) -> &str {
        Texts::resolve(self.src, &self.buf, t)
    }

    /// The instructions, with their text.
    pub fn nodes(&self) -> impl ExactSizeIterator<Item = NodeRef<'_, 'a>> + '_ {
        self.children.iter().map(move |node| NodeRef { ast: self, node })
    }

    /// The `i`th instruction, with its text.
    pub fn node(&self, i: usize) -> Option<NodeRef<'_, 'a>> {
        self.children.get(i).map(|node| NodeRef { ast: self, node })
    }

    fn texts(&self, p: Pool) -> Texts<'_> {
        Texts { src: self.src, buf: &self.buf, items: self.texts.get(p.range()).unwrap_or(&[]) }
    }

    /// Appends `s` to the built text.
    pub(crate) fn own(&mut self, s: &str) -> Text {
        let mark = self.buf.len();
        self.buf.push_str(s);
        self.built_since(mark)
    }

    /// The [`Text`] of what was appended to `buf` since its length was `mark`.
    pub(crate) fn built_since(&self, mark: usize) -> Text {
        let base = self.src.len() + self.buf_off;
        Text { start: (base + mark) as u32, end: (base + self.buf.len()) as u32 }
    }
}

/// An instruction and the tree holding its text.
#[derive(Clone, Copy)]
pub struct NodeRef<'t, 'a> {
    /// The tree.
    pub ast: &'t Ast<'a>,
    /// The instruction.
    pub node: &'t Node,
}

impl std::fmt::Debug for NodeRef<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeRef")
            .field("value", &self.value())
            .field("original", &self.original())
            .field("flags", &self.flags().to_vec())
            .field("args", &self.args().to_vec())
            .field("json", &self.json)
            .field("lines", &(self.start_line, self.end_line))
            .field("sub", &self.sub())
            .finish_non_exhaustive()
    }
}

impl std::ops::Deref for NodeRef<'_, '_> {
    type Target = Node;
    fn deref(&self) -> &Node {
        self.node
    }
}

impl<'t, 'a> NodeRef<'t, 'a> {
    /// The instruction word as written (`Run`, `FROM`…).
    pub fn name(&self) -> &'t str {
        self.ast.text(self.node.name)
    }
    /// The instruction word lower-cased (`run`).
    pub fn value(&self) -> &'t str {
        match self.node.kind {
            Keyword::Unknown => self.ast.text(self.node.value),
            k => k.as_str(),
        }
    }
    /// The instruction's line(s) joined, continuations removed (BuildKit's `Node.Original`).
    pub fn original(&self) -> &'t str {
        self.ast.text(self.node.original)
    }
    /// Leading `--flag[=value]` words, quotes and escapes removed.
    pub fn flags(&self) -> Texts<'t> {
        self.ast.texts(self.node.flags)
    }
    /// The arguments as the low-level parser splits them (quotes kept; JSON decoded).
    pub fn args(&self) -> Texts<'t> {
        self.ast.texts(self.node.args)
    }
    /// Comment lines directly above (without `#`), as BuildKit's `PrevComment`.
    pub fn comments(&self) -> Texts<'t> {
        self.ast.texts(self.node.comments)
    }
    /// Here-documents attached to the instruction.
    pub fn heredocs(&self) -> &'t [Heredoc<'a>] {
        self.ast.heredocs.get(self.node.heredocs.range()).unwrap_or(&[])
    }
    /// ONBUILD's nested instruction.
    pub fn sub(&self) -> Option<NodeRef<'t, 'a>> {
        let node = self.ast.subs.get(self.node.sub? as usize)?;
        Some(NodeRef { ast: self.ast, node })
    }
}

/// A list of texts of an [`Ast`] (a node's flags, arguments or comments).
#[derive(Clone, Copy, Debug)]
pub struct Texts<'t> {
    src: &'t str,
    buf: &'t str,
    items: &'t [Text],
}

impl<'t> Texts<'t> {
    #[inline]
    fn resolve<'s>(src: &'s str, buf: &'s str, t: Text) -> &'s str {
        let (s, e) = (t.start as usize, t.end as usize);
        let got = if s < src.len() { src.get(s..e) } else { buf.get(s - src.len()..e - src.len()) };
        got.unwrap_or("")
    }
    /// How many.
    pub fn len(&self) -> usize {
        self.items.len()
    }
    /// None at all.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    /// The `i`th.
    pub fn get(&self, i: usize) -> Option<&'t str> {
        self.items.get(i).map(|t| Self::resolve(self.src, self.buf, *t))
    }
    /// All of them, in order.
    pub fn iter(&self) -> TextIter<'t> {
        TextIter { src: self.src, buf: self.buf, items: self.items.iter() }
    }
    /// All of them, collected.
    pub fn to_vec(&self) -> Vec<&'t str> {
        self.iter().collect()
    }
}

impl std::ops::Index<usize> for Texts<'_> {
    type Output = str;
    /// The `i`th (empty when out of range).
    fn index(&self, i: usize) -> &str {
        self.get(i).unwrap_or("")
    }
}

impl<'t> IntoIterator for Texts<'t> {
    type Item = &'t str;
    type IntoIter = TextIter<'t>;
    fn into_iter(self) -> TextIter<'t> {
        self.iter()
    }
}

/// The iterator of [`Texts`].
#[derive(Clone, Debug)]
pub struct TextIter<'t> {
    src: &'t str,
    buf: &'t str,
    items: std::slice::Iter<'t, Text>,
}

impl<'t> Iterator for TextIter<'t> {
    type Item = &'t str;
    fn next(&mut self) -> Option<&'t str> {
        self.items.next().map(|t| Texts::resolve(self.src, self.buf, *t))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.items.size_hint()
    }
}

impl DoubleEndedIterator for TextIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.items.next_back().map(|t| Texts::resolve(self.src, self.buf, *t))
    }
}

impl ExactSizeIterator for TextIter<'_> {}

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

//! The interactive interpreter on a tty: banner, `>>> ` and `... ` prompts, multi-line
//! statements, expression echo, `exit`/`quit` (bare words leave the 3.13+ REPL), Ctrl+D.

use std::rc::Rc;

use super::vm::Vm;
use crate::api::StdStream;
use crate::proc::program::Ctx;

#[derive(Clone, Debug)]
pub struct Repl {
    lines: Vec<String>,
    /// Inputs run so far (`<python-input-N>` in 3.13+).
    n: u32,
    colorize: bool,
}

pub enum Feed {
    /// Wait for more input.
    Wait,
    /// A statement is on the frame stack: run it.
    Run,
    Exit(i32),
}

/// Does `src` need more lines (an open bracket, a trailing backslash, a block header)?
fn incomplete(src: &str) -> bool {
    let mut depth: i32 = 0;
    let mut quote: Option<(char, bool)> = None;
    let chars: Vec<char> = src.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some((q, triple)) => {
                if c == '\\' {
                    i += 2;
                    continue;
                }
                if c == q {
                    if !triple {
                        quote = None;
                    } else if chars.get(i + 1) == Some(&q) && chars.get(i + 2) == Some(&q) {
                        quote = None;
                        i += 3;
                        continue;
                    }
                }
            }
            None => match c {
                '#' => {
                    while i < chars.len() && chars[i] != '\n' {
                        i += 1;
                    }
                    continue;
                }
                '\'' | '"' => {
                    let triple = chars.get(i + 1) == Some(&c) && chars.get(i + 2) == Some(&c);
                    quote = Some((c, triple));
                    if triple {
                        i += 3;
                        continue;
                    }
                }
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth -= 1,
                _ => {}
            },
        }
        i += 1;
    }
    if matches!(quote, Some((_, true))) || depth > 0 {
        return true;
    }
    let last = src.trim_end_matches('\n').lines().last().unwrap_or("");
    last.trim_end().ends_with('\\')
}

fn opens_block(line: &str) -> bool {
    let code = line.split('#').next().unwrap_or("").trim_end();
    code.ends_with(':') || line.trim_start().starts_with('@')
}

impl Repl {
    pub fn start(vm: &mut Vm, ctx: &mut Ctx, colorize: bool) -> Repl {
        let banner = super::version_banner(vm.version);
        ctx.write(
            StdStream::Stderr,
            &format!("Python {banner} on linux\nType \"help\", \"copyright\", \"credits\" or \"license\" for more information.\n"),
        );
        let r = Repl {
            lines: Vec::new(),
            n: 0,
            colorize,
        };
        r.write_prompt(vm, ctx);
        r
    }

    fn write_prompt(&self, vm: &mut Vm, ctx: &mut Ctx) {
        let p = if self.lines.is_empty() { ">>> " } else { "... " };
        vm.flush_all(ctx);
        if self.colorize {
            ctx.write(StdStream::Stdout, &format!("\x1b[1;35m{p}\x1b[0m"));
        } else {
            ctx.write(StdStream::Stdout, p);
        }
    }

    pub fn prompt(&mut self, vm: &mut Vm, ctx: &mut Ctx) {
        self.lines.clear();
        self.write_prompt(vm, ctx);
    }

    pub fn reset(&mut self) {
        self.lines.clear();
    }

    /// Consumes the lines that have arrived.
    pub fn feed(&mut self, vm: &mut Vm, ctx: &mut Ctx) -> Feed {
        loop {
            let Some(line) = ctx.read_typed_line() else {
                if ctx.stdin.at_eof() {
                    vm.flush_all(ctx);
                    ctx.write(StdStream::Stdout, "\n");
                    return Feed::Exit(0);
                }
                return Feed::Wait;
            };
            let new313 = vm.version.at_least(13);
            if self.lines.is_empty() {
                let t = line.trim();
                if t.is_empty() {
                    self.write_prompt(vm, ctx);
                    continue;
                }
                if new313 && matches!(t, "exit" | "quit") && vm.module_get(vm.main, t).is_none() {
                    return Feed::Exit(0);
                }
            }
            self.lines.push(line);
            let src = self.lines.join("\n") + "\n";
            let first_block = self.lines.first().is_some_and(|l| opens_block(l));
            let last_blank = self.lines.len() > 1 && self.lines.last().is_some_and(|l| l.trim().is_empty());
            if incomplete(&src) || (first_block && !last_blank) {
                self.write_prompt(vm, ctx);
                continue;
            }
            let file = if new313 { format!("<python-input-{}>", self.n) } else { "<stdin>".to_string() };
            self.n += 1;
            let src = src.trim_end().to_string() + "\n";
            self.lines.clear();
            if new313 {
                vm.sources.push((Rc::from(file.as_str()), Rc::from(src.as_str())));
            }
            match super::compile_source(&src, &file, vm.version, true) {
                Ok((code, warnings)) => {
                    super::print_warnings(vm, ctx, &warnings, &src, &file);
                    let frame = vm.new_frame(code, vm.main, Vec::new(), Vec::new());
                    vm.frames.push(frame);
                    return Feed::Run;
                }
                Err(e) => {
                    let shown = if new313 { file.clone() } else { "<stdin>".to_string() };
                    if let super::vm::Flow::Exc(ev) = super::syntax_error_value(vm, &e, &src, &shown) {
                        let text = vm.format_exception(ctx, &ev, self.colorize);
                        ctx.write(StdStream::Stderr, &text);
                    }
                    self.write_prompt(vm, ctx);
                }
            }
        }
    }
}


//! `npm` (and `npx`, `nodemon`): placeholder while the interpreter comes up.

use crate::proc::program::{Ctx, Program, Status};

#[derive(Clone, Debug)]
pub struct Npm {
    argv: Vec<String>,
}

impl Npm {
    pub fn new(argv: &[String], _ctx: &mut Ctx) -> Npm {
        Npm { argv: argv.to_vec() }
    }
    pub fn npx(argv: &[String], ctx: &mut Ctx) -> Npm {
        Npm::new(argv, ctx)
    }
    pub fn nodemon(argv: &[String], ctx: &mut Ctx) -> Npm {
        Npm::new(argv, ctx)
    }
}

impl Program for Npm {
    fn step(&mut self, ctx: &mut Ctx) -> Status {
        let _ = &self.argv;
        ctx.out.err("dockling: npm is not simulated yet\n");
        Status::Exited(1)
    }
    fn clone_box(&self) -> Box<dyn Program> {
        Box::new(self.clone())
    }
}

/// Parses a `.env` file (`KEY=value` lines, quotes, `#` comments).
pub fn parse_dotenv(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((k, v)) = line.split_once('=') else { continue };
        let mut v = v.trim().to_string();
        if let Some(q) = v.chars().next().filter(|c| *c == '"' || *c == '\'') {
            if let Some(end) = v[1..].find(q) {
                v = v[1..1 + end].to_string();
            }
        } else if let Some(i) = v.find(" #") {
            v = v[..i].trim().to_string();
        }
        out.push((k.trim().to_string(), v));
    }
    out
}

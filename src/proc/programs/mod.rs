//! The simulated programs that run for a while, by the name their executable's
//! `#!dockling:<name>` marker gives: servers, interpreters, package managers. `start` builds one;
//! the container's process steps it (see `proc::program` for the interface).

mod databases;
pub mod http;
mod httpd;
mod nginx;
pub mod packages;
mod registry;

use super::program::{Ctx, Program, Status};

/// Whether `name` is a program started through this registry.
pub fn known(name: &str) -> bool {
    matches!(name, "nginx" | "nginx-entrypoint" | "httpd" | "registry")
        || is_python(name)
        || matches!(name, "node" | "npm" | "npx" | "nodemon") || databases::known(name) || packages::known(name)
}

/// Starts the program `name` (a name `known` accepted) with its command line.
pub fn start(name: &str, argv: &[String], ctx: &mut Ctx) -> Box<dyn Program> {
    match name {
        "nginx" | "nginx-entrypoint" => Box::new(nginx::Nginx::start(name, argv, ctx)),
        "httpd" => Box::new(httpd::Httpd::start(argv, ctx)),
        "registry" => Box::new(registry::Registry::start(argv, ctx)),
        "node" | "npm" | "npx" | "nodemon" => {
            let mut argv = argv.to_vec();
            if argv.is_empty() {
                argv.push(name.to_string());
            }
            super::js::start(&argv, ctx)
        }
        _ if is_python(name) => {
            let mut argv = argv.to_vec();
            if argv.is_empty() {
                argv.push(name.to_string());
            }
            super::python::start(&argv, ctx)
        }
        _ => databases::start(name, argv, ctx)
            .or_else(|| packages::start(name, argv, ctx))
            .unwrap_or_else(|| Box::new(NotSimulated(name.to_string()))),
    }
}

/// The programs the Python interpreter runs: itself, pip, and the console scripts pip writes.
fn is_python(name: &str) -> bool {
    matches!(name, "python" | "pip" | "flask" | "gunicorn" | "waitress-serve")
}

/// The placeholder a process holds while its program is being built.
#[derive(Clone, Debug)]
pub struct Starting;

impl Program for Starting {
    fn step(&mut self, _ctx: &mut Ctx) -> Status {
        Status::Exited(127)
    }
    fn clone_box(&self) -> Box<dyn Program> {
        Box::new(self.clone())
    }
}

/// A program Dockling knows by name but does not run: says so and fails.
#[derive(Clone, Debug)]
struct NotSimulated(String);

impl Program for NotSimulated {
    fn step(&mut self, ctx: &mut Ctx) -> Status {
        ctx.out.err(&format!(
            "dockling: '{}' is not simulated in this image yet\n",
            self.0
        ));
        Status::Exited(127)
    }
    fn clone_box(&self) -> Box<dyn Program> {
        Box::new(self.clone())
    }
}

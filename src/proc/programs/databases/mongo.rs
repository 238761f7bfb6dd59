//! (in progress)
use crate::proc::program::{Ctx, Program, Status};
pub fn start_server(_name: &str, _argv: &[String], _ctx: &mut Ctx) -> Box<dyn Program> { super::Oneshot::boxed("", "dockling: not yet\n", 1) }
#[derive(Clone, Debug)]
pub struct Mongosh;
impl Mongosh { pub fn start(_argv: &[String], _ctx: &mut Ctx) -> Mongosh { Mongosh } }
impl Program for Mongosh { fn step(&mut self, _ctx: &mut Ctx) -> Status { Status::Exited(1) } fn clone_box(&self) -> Box<dyn Program> { Box::new(self.clone()) } }

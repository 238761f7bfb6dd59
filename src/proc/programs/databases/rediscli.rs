//! (in progress)
use crate::proc::program::{Ctx, Program, Status};
#[derive(Clone, Debug)]
pub struct RedisCli;
impl RedisCli { pub fn start(_argv: &[String], _ctx: &mut Ctx) -> RedisCli { RedisCli } }
impl Program for RedisCli { fn step(&mut self, _ctx: &mut Ctx) -> Status { Status::Exited(1) } fn clone_box(&self) -> Box<dyn Program> { Box::new(self.clone()) } }

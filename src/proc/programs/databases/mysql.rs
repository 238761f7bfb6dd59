//! (in progress)
use crate::proc::program::{Ctx, Program};
pub fn start(_name: &str, _argv: &[String], _ctx: &mut Ctx) -> Box<dyn Program> { super::Oneshot::boxed("", "dockling: not yet\n", 1) }

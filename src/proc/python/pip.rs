//! pip: placeholder.
use crate::proc::program::{Ctx, Program, Status};

#[derive(Clone, Debug)]
pub struct Pip {
    args: Vec<String>,
}

impl Pip {
    pub fn new(args: Vec<String>, _ctx: &mut Ctx, _prog: Option<String>) -> Pip {
        Pip { args }
    }
}

impl Program for Pip {
    fn step(&mut self, _ctx: &mut Ctx) -> Status {
        let _ = &self.args;
        Status::Exited(0)
    }
    fn clone_box(&self) -> Box<dyn Program> {
        Box::new(self.clone())
    }
}

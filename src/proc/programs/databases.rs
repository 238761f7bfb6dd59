//! The database images' programs (postgres, psql, mysqld, mysql, redis-server, redis-cli, mongod,
//! mongosh and their entrypoints), by marker name.

use crate::proc::program::{Ctx, Program};

/// Whether `name` is one of the database programs.
pub fn known(_name: &str) -> bool {
    false
}

/// Starts the database program `name`.
pub fn start(_name: &str, _argv: &[String], _ctx: &mut Ctx) -> Option<Box<dyn Program>> {
    None
}

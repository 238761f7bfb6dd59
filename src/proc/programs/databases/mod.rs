//! The database images' programs, by marker name: PostgreSQL (`postgres-entrypoint`,
//! `postgres`, `initdb`, `pg_ctl`, `psql`), MySQL (`mysql-entrypoint`, `mysqld`, `mysql`), Redis
//! (`redis-server`, `redis-cli`) and MongoDB (`mongo-entrypoint`, `mongod`, `mongosh`). Servers
//! keep their data in the container's files (see `store`), and the clients of the same container
//! open those files directly: no network between them is simulated.

mod glob;
mod lines;
mod mongo;
mod mysql;
mod mysqlc;
mod postgres;
mod psql;
mod redis;
mod rediscli;
mod sql;
mod sqlparse;
mod store;
mod table;

use crate::proc::program::{Ctx, Program, Status};
use crate::vfs::Meta;

/// Whether `name` is one of the database programs.
pub fn known(name: &str) -> bool {
    matches!(
        name,
        "postgres-entrypoint"
            | "postgres"
            | "initdb"
            | "pg_ctl"
            | "psql"
            | "mysql-entrypoint"
            | "mysqld"
            | "mysql"
            | "redis-server"
            | "redis-cli"
            | "mongo-entrypoint"
            | "mongod"
            | "mongosh"
    )
}

/// Starts the database program `name`.
pub fn start(name: &str, argv: &[String], ctx: &mut Ctx) -> Option<Box<dyn Program>> {
    Some(match name {
        "postgres-entrypoint" | "postgres" | "initdb" | "pg_ctl" => postgres::start(name, argv, ctx),
        "psql" => Box::new(psql::Psql::start(argv, ctx)),
        "mysql-entrypoint" | "mysqld" => mysql::start(name, argv, ctx),
        "mysql" => mysqlc::start(argv, ctx),
        "redis-server" => redis::start(argv, ctx),
        "redis-cli" => Box::new(rediscli::RedisCli::start(argv, ctx)),
        "mongo-entrypoint" | "mongod" => mongo::start_server(name, argv, ctx),
        "mongosh" => Box::new(mongo::Mongosh::start(argv, ctx)),
        _ => return None,
    })
}

/// A program that prints its output and exits at once (`--version`, usage errors).
#[derive(Clone, Debug)]
pub struct Oneshot {
    pub out: String,
    pub err: String,
    pub code: i32,
}

impl Oneshot {
    pub fn boxed(out: &str, err: &str, code: i32) -> Box<dyn Program> {
        Box::new(Oneshot { out: out.into(), err: err.into(), code })
    }
}

impl Program for Oneshot {
    fn step(&mut self, ctx: &mut Ctx) -> Status {
        ctx.out.out(&std::mem::take(&mut self.out));
        ctx.out.err(&std::mem::take(&mut self.err));
        Status::Exited(self.code)
    }
    fn clone_box(&self) -> Box<dyn Program> {
        Box::new(self.clone())
    }
}

/// The file name of `argv[0]` (`/usr/bin/psql` → `psql`).
pub fn prog_name(argv: &[String]) -> &str {
    argv.first().map(|a| crate::vfs::basename(a)).unwrap_or("")
}

/// File metadata for what a program writes.
pub fn meta(ctx: &Ctx, mode: u32, uid: u32) -> Meta {
    Meta { mode, uid, gid: uid, mtime: ctx.now }
}

/// Writes a file, creating its directory; errors are ignored (a read-only mount).
pub fn put(ctx: &mut Ctx, path: &str, text: &str, uid: u32) {
    let dir = crate::vfs::parent(path).to_string();
    let dm = meta(ctx, 0o755, uid);
    let fm = meta(ctx, 0o644, uid);
    let _ = ctx.fs.mkdir(&dir, true, &dm);
    let _ = ctx.fs.write(path, text.as_bytes(), false, &fm);
}

pub fn exists(ctx: &Ctx, path: &str) -> bool {
    ctx.fs.get(path).is_some()
}

pub fn read(ctx: &Ctx, path: &str) -> Option<String> {
    store::read_file(ctx.fs, path)
}

/// The version in an image's environment (`PG_VERSION=17.5-1.pgdg120+1` → `17.5`), or `dflt`.
pub fn env_version(ctx: &Ctx, var: &str, dflt: &str) -> String {
    ctx.var(var)
        .map(|v| v.split(['-', '~', '+']).next().unwrap_or(v).to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| dflt.to_string())
}

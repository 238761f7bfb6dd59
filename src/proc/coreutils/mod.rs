//! Coreutils over a file tree, shared by the learner's host (GNU flavour) and the containers
//! (GNU in Debian/Ubuntu images, BusyBox in busybox/alpine).

mod date;
mod files;
mod ls;
mod sed;
mod sys;
mod text;

use crate::clock::{Millis, SimTime};
use crate::proc::Captured;
use crate::vfs::{Meta, Tree};

/// Whose messages to imitate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tools {
    Gnu,
    Busybox,
}

/// What a utility may touch.
#[derive(Debug)]
pub struct Env<'a> {
    pub fs: &'a mut Tree,
    pub cwd: &'a str,
    pub now: SimTime,
    pub uid: u32,
    /// stdout is a terminal (`ls` prints columns).
    pub tty: bool,
    pub stdin: &'a str,
    pub tools: Tools,
    /// Names for `ls -l`: uid → user name.
    pub users: &'a [(u32, &'a str)],
    pub hostname: &'a str,
    /// The environment (`env`), `KEY=value`.
    pub environ: &'a [String],
    /// Processes visible to `ps`: (pid, command line).
    pub procs: &'a [(u32, String)],
    /// The shell's file-creation mask (`umask`).
    pub umask: u32,
}

impl Env<'_> {
    pub fn meta(&self, mode: u32) -> Meta {
        Meta {
            mode,
            uid: self.uid,
            gid: self.uid,
            mtime: self.now,
        }
    }
    /// Ownership and mode for a new file (0666) or directory (0777), less the umask.
    pub fn created(&self, dir: bool) -> Meta {
        self.meta(if dir { 0o777 } else { 0o666 } & !self.umask)
    }
    pub fn user_name(&self, uid: u32) -> String {
        self.users
            .iter()
            .find(|(u, _)| *u == uid)
            .map(|(_, n)| n.to_string())
            .unwrap_or_else(|| uid.to_string())
    }
}

/// What a utility did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done(i32),
    /// `sleep`: wait until then, exit 0.
    Sleep(SimTime),
}

/// Names of the utilities implemented here.
pub const NAMES: &[&str] = &[
    "ls", "cat", "mkdir", "rm", "rmdir", "touch", "cp", "mv", "ln", "chmod", "sleep", "head",
    "tail", "grep", "wc", "sort", "uniq", "seq", "tee", "basename", "dirname", "env", "printenv",
    "whoami", "id", "hostname", "uname", "date", "which", "nproc", "yes", "clear", "sed", "find",
    "ps", "expr", "tr", "cut",
];

/// Runs utility `name`; `None` if it is not one of ours.
pub fn run(name: &str, env: &mut Env, args: &[String], out: &mut Captured) -> Option<Outcome> {
    let code = match name {
        "ls" => ls::ls(env, args, out),
        "cat" => files::cat(env, args, out),
        "mkdir" => files::mkdir(env, args, out),
        "rm" => files::rm(env, args, out),
        "touch" => files::touch(env, args, out),
        "rmdir" => files::rmdir(env, args, out),
        "cp" => files::cp(env, args, out),
        "mv" => files::mv(env, args, out),
        "ln" => files::ln(env, args, out),
        "chmod" => files::chmod(env, args, out),
        "head" => text::head_tail(env, args, out, true),
        "tail" => text::head_tail(env, args, out, false),
        "grep" => text::grep(env, args, out),
        "wc" => text::wc(env, args, out),
        "sort" => text::sort(env, args, out),
        "uniq" => text::uniq(env, args, out),
        "seq" => text::seq(env, args, out),
        "sed" => sed::sed(env, args, out),
        "expr" => text::expr(args, out),
        "tr" => text::tr(env, args, out),
        "cut" => text::cut(env, args, out),
        "find" => text::find(env, args, out),
        "ps" => sys::ps(env, args, out),
        "tee" => text::tee(env, args, out),
        "yes" => text::yes(env.tty, args, out),
        "basename" | "dirname" => text::path_part(name, args, out),
        "env" | "printenv" => sys::env(env, args, out),
        "whoami" => sys::whoami(env, out),
        "id" => sys::id(env, out),
        "hostname" => {
            out.out(&format!("{}\n", env.hostname));
            0
        }
        "uname" => sys::uname(env, args, out),
        "date" => date::date(env, args, out),
        "which" => sys::which(env, args, out),
        "nproc" => {
            out.out("2\n");
            0
        }
        "clear" => {
            out.chunks.push(crate::proc::Chunk::Clear);
            0
        }
        "sleep" => return Some(sleep(env, args, out)),
        _ => return None,
    };
    Some(Outcome::Done(code))
}

/// `sleep NUMBER[smhd]…`: waits in virtual time.
fn sleep(env: &Env, args: &[String], out: &mut Captured) -> Outcome {
    if args.is_empty() {
        match env.tools {
            Tools::Gnu => out.err("sleep: missing operand\nTry 'sleep --help' for more information.\n"),
            Tools::Busybox => out.err("BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: sleep [N]...\n\nPause for a time equal to the total of the args given, where each arg can\nhave an optional suffix of (s)econds, (m)inutes, (h)ours, or (d)ays\n"),
        }
        return Outcome::Done(1);
    }
    let mut total_ms: u64 = 0;
    for a in args {
        // `inf`/`infinity` (any case) sleep for ever, in GNU's sleep and BusyBox's
        if a.eq_ignore_ascii_case("inf") || a.eq_ignore_ascii_case("infinity") {
            total_ms = u64::MAX;
            continue;
        }
        let (num, unit_ms) = match a.chars().last() {
            Some('s') => (&a[..a.len() - 1], 1000),
            Some('m') => (&a[..a.len() - 1], 60_000),
            Some('h') => (&a[..a.len() - 1], 3_600_000),
            Some('d') => (&a[..a.len() - 1], 86_400_000),
            _ => (a.as_str(), 1000),
        };
        match crate::text::decimal_scaled(num, unit_ms) {
            Some(ms) => total_ms = total_ms.saturating_add(ms),
            None => {
                match env.tools {
                    Tools::Gnu => out.err(&format!(
                        "sleep: invalid time interval ‘{a}’\nTry 'sleep --help' for more information.\n"
                    )),
                    Tools::Busybox => out.err(&format!("sleep: invalid number '{a}'\n")),
                }
                return Outcome::Done(1);
            }
        }
    }
    Outcome::Sleep(env.now + Millis(total_ms))
}

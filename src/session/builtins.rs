//! The programs of the learner's host: `docker`, the coreutils, `clear` and `help`. Shell builtins
//! (`cd`, `echo`, `export`…) live in the shell itself.

use super::{Host, HOME, UID, USER};
use crate::cli::{self, Ctx, Outcome, Pending};
use crate::clock::SimTime;
use crate::proc::coreutils::{self, Env, Tools};
use crate::proc::sh::{Exec, Run, Shell, System};
use crate::proc::{Captured, Chunk};
use crate::vfs::{Meta, Tree};

const HELP: &str = "\
Dockling — Docker, simulated. Type docker commands as you would on a real machine.

  docker run hello-world      run your first container
  docker ps -a                list containers
  docker images               list images
  docker --help               everything docker can do
  dockling why                why each step of the last build was cached or ran again
                              (Dockling's own command: real Docker has none like it)

This host also has: cd, pwd, ls, cat, echo, printf, mkdir, rm, touch, sleep, clear, help, exit.
Anything Dockling does not simulate says so in one line.
";

impl System for Host {
    type Wait = Pending;

    fn fs(&mut self) -> &mut Tree {
        &mut self.daemon.host_fs
    }

    fn now(&self) -> SimTime {
        self.now
    }

    fn meta(&self, mode: u32) -> Meta {
        Meta {
            mode,
            uid: UID,
            gid: UID,
            mtime: self.now,
        }
    }

    fn exec(&mut self, sh: &mut Shell, cmd: Exec<'_>, out: &mut Captured) -> Run<Pending> {
        let name = cmd.argv[0].as_str();
        let args = &cmd.argv[1..];
        match name {
            "docker" => {
                let mut environ = sh.environ();
                for (k, v) in cmd.assigns {
                    environ.retain(|e| !e.starts_with(&format!("{k}=")));
                    environ.push(format!("{k}={v}"));
                }
                let mut ctx = Ctx {
                    daemon: &mut self.daemon,
                    now: self.now,
                    cwd: &sh.cwd,
                    stdin: cmd.stdin_redirected.then_some(cmd.stdin),
                    env: &environ,
                    uid: UID,
                    tty: self.tty && cmd.tty,
                    io: out,
                };
                return match cli::run(cmd.argv, &mut ctx) {
                    Outcome::Done(code) => Run::Done(code),
                    Outcome::Pending(p) => Run::Wait(p),
                };
            }
            "clear" => {
                out.chunks.push(Chunk::Clear);
                return Run::Done(0);
            }
            "curl" => return Run::Done(self.curl(args, &sh.cwd, out)),
            "dockling" => return Run::Done(self.dockling(args, out)),
            "help" => {
                out.out(HELP);
                return Run::Done(0);
            }
            _ => {}
        }
        let users = [(0, "root"), (UID, USER)];
        let mut environ = sh.environ();
        for (k, v) in cmd.assigns {
            environ.retain(|e| !e.starts_with(&format!("{k}=")));
            environ.push(format!("{k}={v}"));
        }
        let mut env = Env {
            fs: &mut self.daemon.host_fs,
            cwd: &sh.cwd,
            now: self.now,
            uid: UID,
            tty: self.tty && cmd.tty,
            stdin: cmd.stdin,
            tools: Tools::Gnu,
            users: &users,
            hostname: super::HOSTNAME,
            environ: &environ,
            procs: &[],
            umask: sh.umask,
        };
        match coreutils::run(name, &mut env, args, out) {
            Some(coreutils::Outcome::Done(code)) => Run::Done(code),
            Some(coreutils::Outcome::Sleep(t)) => Run::Sleep(t),
            None if name.contains('/') => {
                out.err(&format!("bash: {name}: No such file or directory\n"));
                Run::Done(127)
            }
            None => {
                out.err(&sh.not_found(name));
                Run::Done(127)
            }
        }
    }

    fn wake_time(&self, wait: &Pending) -> Option<SimTime> {
        wait.wake_time()
    }

    fn poll(&mut self, wait: &mut Pending, out: &mut Captured) -> Option<i32> {
        wait.poll(&mut self.daemon, self.now, out)
    }
}

/// `dockling why`: the last build's cache decisions, step by step, in words.
pub fn explain_build(report: &crate::build::BuildReport) -> String {
    let what = if report.tags.is_empty() {
        report.image_id.as_deref().map(|i| crate::vfs::short_id(i).to_string()).unwrap_or_else(|| "failed".into())
    } else {
        report.tags.join(", ")
    };
    let builder = if report.legacy { "the classic builder" } else { "BuildKit" };
    let mut s = format!(
        "dockling why: the last build ({what}, {builder}), step by step\n(a Dockling command: real Docker has nothing like it; `docker build` itself prints what Docker prints)\n\n"
    );
    if report.steps.is_empty() {
        s.push_str("  no steps were built\n");
    }
    for st in &report.steps {
        let tag = if st.cached { "CACHED" } else { "RAN   " };
        s.push_str(&format!("  {tag}  {}\n          {}\n", st.name, st.reason));
    }
    s
}

impl Host {
    /// Dockling's own commands.
    fn dockling(&mut self, args: &[String], out: &mut Captured) -> i32 {
        match args.first().map(String::as_str) {
            Some("why") => match self.daemon.build_reports().last() {
                Some(r) => {
                    out.out(&explain_build(r));
                    0
                }
                None => {
                    out.err("dockling why: no build yet; run docker build first\n");
                    1
                }
            },
            _ => {
                out.out("Usage: dockling why    explain why each step of the last docker build was cached or ran again\n");
                i32::from(!matches!(args.first().map(String::as_str), None | Some("help" | "--help" | "-h")))
            }
        }
    }

    /// `curl` on the host: `localhost` reaches published ports, a container's address reaches
    /// the container directly (as on a Linux host); nothing else is out there.
    fn curl(&mut self, args: &[String], cwd: &str, out: &mut Captured) -> i32 {
        use crate::proc::curl::{parse_curl, ArgsError};
        let a = match parse_curl(args) {
            Ok(a) => a,
            Err(ArgsError::Message(text, code)) => {
                if code == 0 {
                    out.out(&text);
                } else {
                    out.err(&text);
                }
                return code;
            }
        };
        let req = a.request("curl/8.5.0", "127.0.0.1");
        let local = matches!(a.host.as_str(), "localhost" | "127.0.0.1" | "0.0.0.0" | "::1" | "[::1]")
            || a.host == super::HOSTNAME;
        let (ip, reply) = if local {
            ("127.0.0.1".to_string(), self.daemon.http_from_host(a.port, &req, self.now))
        } else if let Some(id) = self.daemon.container_with_ip(&a.host) {
            let mut r = req.clone();
            r.peer = "172.17.0.1".into();
            (a.host.clone(), self.daemon.http_to_container(&id, a.port, &r, self.now))
        } else {
            if !(a.silent && !a.show_error) {
                out.err(&format!("curl: (6) Could not resolve host: {}\n", a.host));
            }
            out.err("dockling: there is no internet in the simulation: localhost and containers answer\n");
            return 6;
        };
        let (code, body) = a.report(&ip, &req, &reply, out);
        if let (Some(file), Some(body)) = (&a.output, body) {
            let name = if file.is_empty() { crate::vfs::basename(&a.path).to_string() } else { file.clone() };
            let path = crate::vfs::normalize(cwd, &name);
            let meta = Meta { mode: 0o644, uid: UID, gid: UID, mtime: self.now };
            if self.daemon.host_fs.write(&path, &body, false, &meta).is_err() {
                out.err(&format!("curl: (23) Failure writing output to destination\n"));
                return 23;
            }
        }
        code
    }
}

/// The learner's shell at login.
pub fn login_shell() -> Shell {
    let env: Vec<String> = [
        ("HOME", HOME),
        ("USER", USER),
        ("LOGNAME", USER),
        ("SHELL", "/bin/bash"),
        ("HOSTNAME", super::HOSTNAME),
        (
            "PATH",
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        ),
        ("TERM", "xterm-256color"),
        ("LANG", "C.UTF-8"),
    ]
    .iter()
    .map(|(k, v)| format!("{k}={v}"))
    .collect();
    Shell::new(crate::proc::sh::Flavor::Bash, "bash", HOME, &env)
}

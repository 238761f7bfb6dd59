//! System information: `env`, `whoami`, `id`, `uname`, `which`.

use super::{Env, Tools};
use crate::proc::Captured;
use crate::vfs::{join, NodeKind};

pub fn env(env: &mut Env, args: &[String], out: &mut Captured) -> i32 {
    if let Some(name) = args.first() {
        return match env
            .environ
            .iter()
            .find_map(|e| e.strip_prefix(&format!("{name}=")))
        {
            Some(v) => {
                out.out(&format!("{v}\n"));
                0
            }
            None => 1,
        };
    }
    let s: String = env.environ.iter().map(|e| format!("{e}\n")).collect();
    out.out(&s);
    0
}

pub fn whoami(env: &mut Env, out: &mut Captured) -> i32 {
    out.out(&format!("{}\n", env.user_name(env.uid)));
    0
}

pub fn id(env: &mut Env, out: &mut Captured) -> i32 {
    let name = env.user_name(env.uid);
    let groups = if env.uid == 0 && env.tools == Tools::Busybox {
        "0(root),1(bin),2(daemon),3(sys),4(adm),6(disk),10(wheel),11(floppy),20(dialout),26(tape),27(video)".to_string()
    } else {
        format!("{}({name})", env.uid)
    };
    out.out(&format!(
        "uid={0}({name}) gid={0}({name}) groups={groups}\n",
        env.uid
    ));
    0
}

pub fn uname(env: &mut Env, args: &[String], out: &mut Captured) -> i32 {
    let all = args.iter().any(|a| a == "-a");
    let s = if all {
        match env.tools {
            Tools::Gnu => format!("Linux {} 6.8.0-dockling #1 SMP PREEMPT_DYNAMIC Tue Jun 24 00:00:00 UTC 2025 x86_64 x86_64 x86_64 GNU/Linux\n", env.hostname),
            Tools::Busybox => format!("Linux {} 6.8.0-dockling #1 SMP PREEMPT_DYNAMIC Tue Jun 24 00:00:00 UTC 2025 x86_64 GNU/Linux\n", env.hostname),
        }
    } else if args.iter().any(|a| a == "-r") {
        "6.8.0-dockling\n".to_string()
    } else if args.iter().any(|a| a == "-m") {
        "x86_64\n".to_string()
    } else if args.iter().any(|a| a == "-n") {
        format!("{}\n", env.hostname)
    } else {
        "Linux\n".to_string()
    };
    out.out(&s);
    0
}

pub fn which(env: &mut Env, args: &[String], out: &mut Captured) -> i32 {
    let path = env
        .environ
        .iter()
        .find_map(|e| e.strip_prefix("PATH="))
        .unwrap_or("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    let mut status = 0;
    for a in args.iter().filter(|a| !a.starts_with('-')) {
        let found = path.split(':').map(|d| join(d, a)).find(|p| {
            matches!(
                env.fs.get(p).map(|n| &n.kind),
                Some(NodeKind::File(_) | NodeKind::Symlink(_))
            )
        });
        match found {
            Some(p) => out.out(&format!("{p}\n")),
            None => status = 1,
        }
    }
    status
}

/// `ps`: BusyBox's table (`PID   USER     TIME  COMMAND`) or procps' default.
pub fn ps(env: &mut Env, _args: &[String], out: &mut Captured) -> i32 {
    let mut s = String::new();
    let mut procs = env.procs.to_vec();
    if procs.last().is_none_or(|(_, cmd)| cmd != "ps") {
        let next = procs.last().map(|p| p.0 + 6).unwrap_or(1);
        procs.push((next, "ps".into()));
    }
    let procs = &procs;
    match env.tools {
        Tools::Busybox => {
            s.push_str("PID   USER     TIME  COMMAND\n");
            for (pid, cmd) in procs {
                s.push_str(&format!(
                    "{pid:>5} {:<8} {:>5} {cmd}\n",
                    env.user_name(env.uid),
                    "0:00"
                ));
            }
        }
        Tools::Gnu => {
            s.push_str("    PID TTY          TIME CMD\n");
            for (pid, cmd) in procs {
                let name = cmd
                    .split_whitespace()
                    .next()
                    .map(crate::vfs::basename)
                    .unwrap_or("");
                s.push_str(&format!(
                    "{pid:>7} {:<8} 00:00:00 {name}\n",
                    if env.tty { "pts/0" } else { "?" }
                ));
            }
        }
    }
    out.out(&s);
    0
}

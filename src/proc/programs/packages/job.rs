//! What every package-manager run is: a list of actions worked out when it starts (text to
//! print, pauses while "downloading", a yes/no question, file-system changes) and played back
//! on the virtual clock.

use std::collections::VecDeque;

use crate::api::StdStream;
use crate::clock::SimTime;
use crate::proc::program::{Ctx, Program, Status, Wait};
use crate::vfs::{Meta, Node, NodeKind};

/// A change to the container's files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FsOp {
    /// A regular file (parents are created).
    Write { path: String, data: Vec<u8>, mode: u32 },
    Symlink { path: String, target: String },
    Mkdir { path: String },
    /// Removes a file or a whole directory; a missing path is fine.
    Remove { path: String },
}

/// How a question is answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// `[Y/n]`: an empty line means yes; only a line starting with y/Y is yes otherwise.
    DefaultYes,
    /// conda's `([y]/n)`: empty or y/yes is yes, n/no is no, anything else asks again.
    Conda,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Act {
    Out(StdStream, String),
    Sleep(u64),
    /// Reads a line (the question is already printed). On "no": print `no` on stdout and exit
    /// with `code`. At end of input: print `eof` and exit with `code`.
    Ask { answer: Answer, question: String, no: String, eof: String, code: i32 },
    Fs(FsOp),
    Exit(i32),
}

/// A program run as a list of actions.
#[derive(Clone, Debug, Default)]
pub struct Job {
    acts: VecDeque<Act>,
    until: Option<SimTime>,
}

impl Job {
    pub fn new() -> Job {
        Job::default()
    }
    pub fn out(&mut self, s: &str) {
        self.push_text(StdStream::Stdout, s);
    }
    pub fn err(&mut self, s: &str) {
        self.push_text(StdStream::Stderr, s);
    }
    fn push_text(&mut self, stream: StdStream, s: &str) {
        if let Some(Act::Out(st, t)) = self.acts.back_mut() {
            if *st == stream {
                t.push_str(s);
                return;
            }
        }
        self.acts.push_back(Act::Out(stream, s.to_string()));
    }
    pub fn sleep(&mut self, ms: u64) {
        if ms > 0 {
            self.acts.push_back(Act::Sleep(ms));
        }
    }
    pub fn ask(&mut self, answer: Answer, question: &str, no: &str, eof: &str, code: i32) {
        self.acts.push_back(Act::Ask {
            answer,
            question: question.into(),
            no: no.into(),
            eof: eof.into(),
            code,
        });
    }
    pub fn fs(&mut self, op: FsOp) {
        self.acts.push_back(Act::Fs(op));
    }
    pub fn write(&mut self, path: &str, data: &str) {
        self.fs(FsOp::Write { path: path.into(), data: data.as_bytes().to_vec(), mode: 0o644 });
    }
    pub fn exit(mut self, code: i32) -> Box<dyn Program> {
        self.acts.push_back(Act::Exit(code));
        Box::new(self)
    }
}

/// `path` with the symlinks among its existing ancestors followed (`/bin/ps` → `/usr/bin/ps`
/// where `/bin` links to `usr/bin`).
fn real(fs: &crate::vfs::Tree, path: &str) -> String {
    let mut head = crate::vfs::parent(path).to_string();
    let mut tail: Vec<String> = vec![crate::vfs::basename(path).to_string()];
    for _ in 0..64 {
        if let Some(c) = fs.canonical(&head) {
            let mut p = c;
            for t in tail.iter().rev() {
                p = crate::vfs::join(&p, t);
            }
            return p;
        }
        if head == "/" || head.is_empty() {
            break;
        }
        tail.push(crate::vfs::basename(&head).to_string());
        head = crate::vfs::parent(&head).to_string();
    }
    path.to_string()
}

/// Applies a change, quietly skipping what the file system refuses (a read-only mount).
pub fn apply(op: &FsOp, ctx: &mut Ctx) {
    let meta = |mode| Meta { mode, uid: 0, gid: 0, mtime: ctx.now };
    let op = &match op {
        FsOp::Write { path, data, mode } => FsOp::Write { path: real(ctx.fs, path), data: data.clone(), mode: *mode },
        FsOp::Symlink { path, target } => FsOp::Symlink { path: real(ctx.fs, path), target: target.clone() },
        FsOp::Mkdir { path } => FsOp::Mkdir { path: real(ctx.fs, path) },
        FsOp::Remove { path } => FsOp::Remove { path: real(ctx.fs, path) },
    };
    match op {
        FsOp::Write { path, data, mode } => {
            let _ = ctx.fs.mkdir(crate::vfs::parent(path), true, &meta(0o755));
            if ctx.fs.get(path).is_some_and(|n| !matches!(n.kind, NodeKind::File(_))) {
                let _ = ctx.fs.remove(path, true);
            }
            let _ = ctx.fs.write(path, data, false, &meta(*mode));
            let m = *mode;
            let _ = ctx.fs.set_meta(path, |x| x.mode = m);
        }
        FsOp::Symlink { path, target } => {
            let node = Node { kind: NodeKind::Symlink(target.clone()), meta: meta(0o777) };
            let _ = ctx.fs.insert(path, node, &meta(0o755));
        }
        FsOp::Mkdir { path } => {
            let _ = ctx.fs.mkdir(path, true, &meta(0o755));
        }
        FsOp::Remove { path } => {
            let _ = ctx.fs.remove(path, true);
        }
    }
}

fn yes(answer: &Answer, line: &str) -> Option<bool> {
    let l = line.trim();
    match answer {
        Answer::DefaultYes => Some(l.is_empty() || l.starts_with(['y', 'Y'])),
        Answer::Conda => match l.to_ascii_lowercase().as_str() {
            "" | "y" | "yes" => Some(true),
            "n" | "no" => Some(false),
            _ => None,
        },
    }
}

impl Program for Job {
    fn step(&mut self, ctx: &mut Ctx) -> Status {
        if let Some(t) = self.until {
            if ctx.now < t {
                return Status::Waiting(Wait { until: Some(t), stdin: false });
            }
            self.until = None;
        }
        while let Some(act) = self.acts.pop_front() {
            match act {
                Act::Out(stream, text) => ctx.write(stream, &text),
                Act::Sleep(ms) => {
                    let t = SimTime(ctx.now.as_ms().saturating_add(ms));
                    self.until = Some(t);
                    return Status::Waiting(Wait { until: Some(t), stdin: false });
                }
                Act::Ask { answer, question, no, eof, code } => match ctx.read_typed_line() {
                    Some(line) => match yes(&answer, &line) {
                        Some(true) => {}
                        Some(false) => {
                            ctx.write(StdStream::Stdout, &no);
                            return Status::Exited(code);
                        }
                        None => {
                            ctx.write(StdStream::Stdout, &question);
                            self.acts.push_front(Act::Ask { answer, question, no, eof, code });
                        }
                    },
                    None if ctx.stdin.at_eof() => {
                        ctx.write(StdStream::Stdout, &eof);
                        return Status::Exited(code);
                    }
                    None => {
                        self.acts.push_front(Act::Ask { answer, question, no, eof, code });
                        return Status::Waiting(Wait { until: None, stdin: true });
                    }
                },
                Act::Fs(op) => apply(&op, ctx),
                Act::Exit(code) => return Status::Exited(code),
            }
        }
        Status::Exited(0)
    }
    fn clone_box(&self) -> Box<dyn Program> {
        Box::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proc::program::Input;
    use crate::proc::Captured;
    use crate::vfs::Tree;

    fn drive(job: Job, input: Input) -> (Status, String, Tree) {
        let mut fs = Tree::new(Meta { mode: 0o755, uid: 0, gid: 0, mtime: SimTime(0) });
        let mut input = input;
        let mut out = Captured::default();
        let env: Vec<String> = Vec::new();
        let mut ctx = Ctx { fs: &mut fs, now: SimTime(0), cwd: "/", env: &env, hostname: "h", ip: "", pid: 1, uid: 0, stdin: &mut input, tty: false, out: &mut out, seed: 0, online: true };
        let mut j = job;
        let mut st = j.step(&mut ctx);
        for _ in 0..10 {
            match st {
                Status::Waiting(Wait { until: Some(t), .. }) => {
                    ctx.now = t;
                    st = j.step(&mut ctx);
                }
                _ => break,
            }
        }
        let text = out.text(StdStream::Stdout);
        (st, text, fs)
    }

    #[test]
    fn plays_back_output_pauses_and_files() {
        let mut j = Job::new();
        j.out("a");
        j.sleep(500);
        j.out("b\n");
        j.write("/x/y", "z");
        let (st, text, fs) = drive(j, Input::default());
        assert_eq!(st, Status::Exited(0));
        assert_eq!(text, "ab\n");
        assert!(fs.get("/x/y").is_some());
    }

    #[test]
    fn questions_wait_for_a_line_and_fail_at_eof() {
        let mk = || {
            let mut j = Job::new();
            j.out("Q? ");
            j.ask(Answer::DefaultYes, "", "Abort.\n", "Abort.\n", 1);
            j.out("go\n");
            j
        };
        let (st, _, _) = drive(mk(), Input::default());
        assert_eq!(st, Status::Waiting(Wait { until: None, stdin: true }));
        assert_eq!(drive(mk(), Input::complete("")).0, Status::Exited(1));
        assert_eq!(drive(mk(), Input::complete("Yes\n")).1, "Q? go\n");
        assert_eq!(drive(mk(), Input::complete("nope\n")).1, "Q? Abort.\n");
        let mut j = Job::new();
        j.ask(Answer::Conda, "again? ", "no\n", "eof\n", 1);
        assert_eq!(drive(j, Input::complete("maybe\nn\n")).1, "again? no\n");
    }
}

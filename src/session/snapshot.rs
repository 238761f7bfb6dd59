//! Save and restore a session. A snapshot is the session's start (seed, time, terminal) and
//! every input since, each with the virtual time it happened at; because everything below the
//! session is deterministic, replaying that log rebuilds the identical state (event sourcing).
//! Snapshots are small text (a share-by-link or local-storage payload), independent of the
//! in-memory representation, and stay valid as long as behaviour does.
//!
//! Format, one record per line:
//! ```text
//! dockling-snapshot 1
//! seed 0
//! start 1751364000000
//! tty false
//! 1751364000000 input docker run -d busybox sleep 60
//! 1751364005000 advance
//! 1751364005000 interrupt
//! ```

use super::{Config, Session};
use crate::clock::SimTime;

/// What the learner did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Op {
    Input(String),
    Interrupt,
    EndOfInput,
    Detach,
    /// Time reached this point and something was due.
    Advance,
}

/// Why a snapshot could not be restored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotError {
    pub line: u32,
    pub message: String,
}

impl std::fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "snapshot line {}: {}", self.line, self.message)
    }
}

const MAGIC: &str = "dockling-snapshot 1";

impl Session {
    /// The session so far, as text `restore` turns back into the same session.
    pub fn snapshot(&self) -> String {
        let c = &self.config;
        let mut s = format!(
            "{MAGIC}\nseed {}\nstart {}\ntty {}\n",
            c.seed,
            c.start.as_ms(),
            c.tty
        );
        for (t, op) in &self.log {
            let ms = t.as_ms();
            match op {
                Op::Input(line) => s.push_str(&format!("{ms} input {line}\n")),
                Op::Interrupt => s.push_str(&format!("{ms} interrupt\n")),
                Op::EndOfInput => s.push_str(&format!("{ms} eof\n")),
                Op::Detach => s.push_str(&format!("{ms} detach\n")),
                Op::Advance => s.push_str(&format!("{ms} advance\n")),
            }
        }
        s
    }

    /// Rebuilds a session from `snapshot()` text by replaying its inputs. Events produced while
    /// replaying are queued as they were (drain them with `poll_event`).
    pub fn restore(text: &str) -> Result<Session, SnapshotError> {
        let err = |line: usize, message: &str| SnapshotError {
            line: line as u32 + 1,
            message: message.to_string(),
        };
        let mut lines = text.lines().enumerate();
        if lines.next().map(|(_, l)| l) != Some(MAGIC) {
            return Err(err(0, "not a Dockling snapshot"));
        }
        let mut config = Config::default();
        let mut header = |key: &str| -> Result<String, SnapshotError> {
            match lines.next() {
                Some((i, l)) => l
                    .strip_prefix(key)
                    .and_then(|r| r.strip_prefix(' '))
                    .map(str::to_string)
                    .ok_or_else(|| err(i, &format!("expected `{key} …`"))),
                None => Err(err(0, &format!("missing `{key}`"))),
            }
        };
        config.seed = header("seed")?
            .parse()
            .map_err(|_| err(1, "bad seed"))?;
        config.start = SimTime::from_ms(header("start")?.parse().map_err(|_| err(2, "bad start"))?);
        config.tty = header("tty")? == "true";
        let mut session = Session::new(config);
        for (i, line) in lines {
            let (ms, rest) = line.split_once(' ').ok_or_else(|| err(i, "expected `<ms> <op>`"))?;
            let t = SimTime::from_ms(ms.parse().map_err(|_| err(i, "bad time"))?);
            let (op, arg) = rest.split_once(' ').unwrap_or((rest, ""));
            if op != "advance" && t > session.now() {
                session.advance_to(t);
            }
            match op {
                "input" => session.input(arg),
                "interrupt" => session.interrupt(),
                "eof" => session.end_of_input(),
                "detach" => session.detach(),
                "advance" => session.advance_to(t),
                _ => return Err(err(i, &format!("unknown operation `{op}`"))),
            }
        }
        Ok(session)
    }
}

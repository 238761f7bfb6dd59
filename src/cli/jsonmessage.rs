//! Renders progress streams as the CLI's `jsonmessage.DisplayJSONMessagesStream` does: on a
//! terminal each ID's line is rewritten in place (with the trailing space of an empty progress
//! bar); otherwise every status prints as a new line.

use super::Ctx;
use crate::api::{ProgressMessage, StdStream};

pub fn display(ctx: &mut Ctx, stream: StdStream, msgs: &[ProgressMessage]) {
    for m in msgs {
        match &m.id {
            Some(id) if ctx.tty => {
                let line = format!("{id}: {} {}", m.status, m.progress.as_deref().unwrap_or(""));
                ctx.io.progress(stream, id, &line);
            }
            Some(_) if m.progress.is_some() => {}
            Some(id) => ctx.io.write(stream, &format!("{id}: {}\n", m.status)),
            None => ctx.io.write(stream, &format!("{}\n", m.status)),
        }
    }
}

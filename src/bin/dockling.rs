//! The native `dockling`: an interactive REPL when stdin is a terminal, script mode otherwise.
//! The only place that touches stdin, stdout and real time.

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::main();
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::io::{BufRead, IsTerminal, Write};

    use dockling::{Config, Event, Session, SimTime, Stream};

    const USAGE: &str = "usage: dockling [--seed N]

  stdin is a terminal:   an interactive shell with docker, simulated
  stdin is not:          script mode - each line runs as if typed; output as a terminal shows it
";

    pub fn main() {
        let mut config = Config::default();
        let mut args = std::env::args().skip(1);
        while let Some(a) = args.next() {
            match a.as_str() {
                "--seed" => match args.next().and_then(|s| s.parse().ok()) {
                    Some(seed) => config.seed = seed,
                    None => fail("--seed needs a number"),
                },
                "-h" | "--help" => {
                    print!("{USAGE}");
                    return;
                }
                other => fail(&format!("unknown argument: {other}")),
            }
        }
        let code = if std::io::stdin().is_terminal() {
            repl(config)
        } else {
            script(config)
        };
        std::process::exit(code);
    }

    fn fail(msg: &str) -> ! {
        eprintln!("dockling: {msg}\n{USAGE}");
        std::process::exit(2);
    }

    /// Script mode: output exactly as the commands write it, no prompts, no echo, no ANSI.
    fn script(config: Config) -> i32 {
        let mut session = Session::new(config);
        let stdin = std::io::stdin();
        let mut out = std::io::stdout().lock();
        let mut err = std::io::stderr().lock();
        for line in stdin.lock().lines() {
            let Ok(line) = line else { break };
            session.run_line(&line, &mut |e| match e {
                Event::Output {
                    stream: Stream::Stdout,
                    text,
                } => {
                    let _ = out.write_all(text.as_bytes());
                }
                Event::Output {
                    stream: Stream::Stderr,
                    text,
                } => {
                    let _ = out.flush();
                    let _ = err.write_all(text.as_bytes());
                }
                Event::Progress { line, .. } => {
                    let _ = writeln!(out, "{line}");
                }
                Event::ProgressRemove { .. } | Event::Clear => {}
            });
            let _ = out.flush();
            if session.exited().is_some() {
                break;
            }
        }
        session.exited().unwrap_or(session.status())
    }

    /// Milliseconds since the Unix epoch, from the real clock.
    fn wall_clock() -> SimTime {
        let d = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        SimTime::from_ms(d.as_millis() as u64)
    }

    /// The interactive shell: a prompt, line editing and history (rustyline), real time.
    fn repl(mut config: Config) -> i32 {
        config.tty = true;
        config.start = wall_clock();
        let mut session = Session::new(config);
        let Ok(mut editor) = rustyline::DefaultEditor::new() else {
            return script(Config::default());
        };
        println!("Dockling - Docker, simulated. Type `help` to start, Ctrl+D to leave.");
        let mut progress: Vec<String> = Vec::new();
        loop {
            let prompt = session.prompt().unwrap_or_default();
            match editor.readline(&prompt) {
                Ok(line) => {
                    if !line.trim().is_empty() {
                        let _ = editor.add_history_entry(line.as_str());
                    }
                    session.input(&line);
                }
                Err(rustyline::error::ReadlineError::Interrupted) => {
                    session.interrupt();
                    continue;
                }
                Err(_) => return session.status(),
            }
            progress.clear();
            // Run the command in real time: sleep until each wake-up.
            loop {
                while let Some(e) = session.poll_event() {
                    show(e, &mut progress);
                }
                if !session.is_busy() {
                    break;
                }
                match session.poll_timeout() {
                    Some(t) => {
                        let now = wall_clock();
                        if t > now {
                            std::thread::sleep(std::time::Duration::from_millis(
                                (t.as_ms() - now.as_ms()).min(1000),
                            ));
                        }
                        session.advance_to(wall_clock());
                    }
                    None => break,
                }
            }
            if let Some(code) = session.exited() {
                return code;
            }
        }
    }

    /// Shows an event on a terminal: progress lines are rewritten in place with ANSI cursor moves.
    fn show(e: Event, progress: &mut Vec<String>) {
        let mut out = std::io::stdout().lock();
        match e {
            Event::Output {
                stream: Stream::Stdout,
                text,
            } => {
                progress.clear();
                let _ = out.write_all(text.as_bytes());
            }
            Event::Output {
                stream: Stream::Stderr,
                text,
            } => {
                progress.clear();
                let _ = out.flush();
                let _ = std::io::stderr().write_all(text.as_bytes());
            }
            Event::Progress { key, line, .. } => match progress.iter().position(|k| *k == key) {
                Some(i) => {
                    let up = progress.len() - i;
                    let _ = write!(out, "\x1b[{up}A\r\x1b[2K{line}\x1b[{up}B\r");
                }
                None => {
                    progress.push(key);
                    let _ = writeln!(out, "{line}");
                }
            },
            // Delete the line (those under it move up), then back to below the block.
            Event::ProgressRemove { key, .. } => {
                if let Some(i) = progress.iter().position(|k| *k == key) {
                    let up = progress.len() - i;
                    let _ = write!(out, "\x1b[{up}A\r\x1b[M");
                    if up > 1 {
                        let _ = write!(out, "\x1b[{}B\r", up - 1);
                    }
                    progress.remove(i);
                }
            }
            Event::Clear => {
                let _ = write!(out, "\x1b[H\x1b[2J");
            }
        }
        let _ = out.flush();
    }
}

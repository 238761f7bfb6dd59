//! Ctrl+C in the middle of things leaves the shell as a real one would.

use dockling::{Config, Event, Session};

fn output(s: &mut Session, line: &str) -> String {
    let mut out = String::new();
    s.run_line(line, &mut |e| {
        if let Event::Output { text, .. } = e {
            out.push_str(&text);
        }
    });
    out
}

#[test]
fn ctrl_c_in_a_function_ends_the_call() {
    let mut s = Session::new(Config::default());
    output(&mut s, "f() { local x=inside; sleep 30; }");
    // The call waits on `sleep`; Ctrl+C ends it, and its parameters and locals with it.
    s.input("x=outside; f a b");
    s.interrupt();
    assert_eq!(output(&mut s, "echo \"[$1] [$#] [$x] $?\""), "[] [0] [outside] 130\n");
    // `local` is again outside a function, and calls are not counted as still nested.
    assert!(output(&mut s, "local y=1 2>&1").contains("can only be used in a function"));
    for _ in 0..30 {
        s.input("f");
        s.interrupt();
    }
    assert_eq!(output(&mut s, "g() { echo called $1; }; g ok"), "called ok\n");
}

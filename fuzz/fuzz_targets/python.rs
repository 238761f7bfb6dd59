//! Fuzzes the python interpreter: any program text runs without panicking, and every run ends or
//! waits within a bounded number of steps (the step budget reports itself instead of hanging).
#![no_main]

mod interpreter;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    interpreter::run(data, "main.py", &["python3", "main.py"], dockling::proc::python::start);
});

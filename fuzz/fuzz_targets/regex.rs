//! Fuzzes the regular-expression engine behind sed and grep: any pattern compiles or is
//! refused, and matching always ends (a step budget bounds backtracking).
#![no_main]

use dockling::regex::{Regex, Syntax};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let (pattern, text) = s.split_once('\n').unwrap_or((&s, "aab ba-b (a)[b] {2} a|b"));
    for syntax in [Syntax::Basic, Syntax::Extended] {
        if let Ok(r) = Regex::new(pattern, syntax, true) {
            let chars: Vec<char> = text.chars().collect();
            let _ = r.find_at(&chars, 0);
        }
    }
});

//! Tracebacks as CPython prints them: the frame lines, the 3.11+ position markers (`~~^~~`,
//! computed as `traceback.py` / `traceback.c` do), 3.13's colours, exception chaining,
//! SyntaxError carets and the "Did you mean" suggestions.

use std::rc::Rc;

use super::ast::{ExprKind, StmtKind};
use super::code::{CodeKind, Span};
use super::value::*;
use super::vm::{exc, Vm};
use crate::proc::program::Ctx;

const RESET: &str = "\x1b[0m";
const MAGENTA: &str = "\x1b[35m";
const BOLD_MAGENTA: &str = "\x1b[1;35m";
const RED: &str = "\x1b[31m";
const BOLD_RED: &str = "\x1b[1;31m";

const MOVE_COST: usize = 2;
const CASE_COST: usize = 1;
const MAX_STRING: usize = 40;

fn levenshtein(a: &str, b: &str, max_cost: usize) -> usize {
    if a == b {
        return 0;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut pre = 0;
    while pre < a.len() && pre < b.len() && a[pre] == b[pre] {
        pre += 1;
    }
    let (mut a, mut b) = (&a[pre..], &b[pre..]);
    while !a.is_empty() && !b.is_empty() && a[a.len() - 1] == b[b.len() - 1] {
        a = &a[..a.len() - 1];
        b = &b[..b.len() - 1];
    }
    if a.is_empty() || b.is_empty() {
        return MOVE_COST * (a.len() + b.len());
    }
    if a.len() > MAX_STRING || b.len() > MAX_STRING {
        return max_cost + 1;
    }
    if b.len() < a.len() {
        std::mem::swap(&mut a, &mut b);
    }
    if (b.len() - a.len()) * MOVE_COST > max_cost {
        return max_cost + 1;
    }
    let mut row: Vec<usize> = (1..=a.len()).map(|i| i * MOVE_COST).collect();
    let mut result = 0;
    for (bi, &bc) in b.iter().enumerate() {
        let mut distance = bi * MOVE_COST;
        result = distance;
        let mut minimum = usize::MAX;
        for (i, &ac) in a.iter().enumerate() {
            let sub = distance
                + if bc == ac {
                    0
                } else if bc.to_lowercase().eq(ac.to_lowercase()) {
                    CASE_COST
                } else {
                    MOVE_COST
                };
            distance = row[i];
            let ins_del = result.min(distance) + MOVE_COST;
            result = ins_del.min(sub);
            row[i] = result;
            minimum = minimum.min(result);
        }
        if minimum > max_cost {
            return max_cost + 1;
        }
    }
    result
}

/// The closest candidate to a wrong name (CPython's `_compute_suggestion_error`).
pub fn suggest(wrong: &str, cands: &[String]) -> Option<String> {
    if cands.len() > 750 || wrong.chars().count() > MAX_STRING {
        return None;
    }
    let wl = wrong.chars().count();
    let mut best = wl;
    let mut out: Option<&String> = None;
    for c in cands {
        if c == wrong {
            continue;
        }
        let max = ((c.chars().count() + wl + 3) * MOVE_COST / 6).min(best.saturating_sub(1));
        let d = levenshtein(wrong, c, max);
        if d > max {
            continue;
        }
        if out.is_none() || d < best {
            out = Some(c);
            best = d;
        }
    }
    out.cloned()
}

fn display_width(s: &str, upto_chars: usize) -> usize {
    s.chars()
        .take(upto_chars)
        .map(|c| {
            let n = c as u32;
            if (0x1100..=0x115f).contains(&n)
                || (0x2e80..=0xa4cf).contains(&n)
                || (0xac00..=0xd7a3).contains(&n)
                || (0xf900..=0xfaff).contains(&n)
                || (0xfe30..=0xfe4f).contains(&n)
                || (0xff00..=0xff60).contains(&n)
                || (0xffe0..=0xffe6).contains(&n)
                || (0x1f300..=0x1f64f).contains(&n)
                || (0x1f900..=0x1f9ff).contains(&n)
                || (0x20000..=0x3fffd).contains(&n)
            {
                2
            } else {
                1
            }
        })
        .sum()
}

fn byte_to_char(s: &str, b: u32) -> usize {
    let b = (b as usize).min(s.len());
    let mut k = b;
    while k > 0 && !s.is_char_boundary(k) {
        k -= 1;
    }
    s[..k].chars().count()
}

/// (left_end_line, left_end_col, right_start_line, right_start_col, primary, secondary)
type Anchors = (usize, usize, usize, usize, char, char);

/// Anchors for binary operations, subscripts and (3.13+) calls in a code segment.
fn anchors(segment: &str, calls: bool) -> Option<Anchors> {
    let wrapped = format!("(\n{segment}\n)");
    let e = super::parser::parse_expression(&wrapped).ok()?;
    let lines: Vec<&str> = segment.split('\n').collect();
    let norm = |ln: usize, off: u32| -> usize { lines.get(ln).map(|l| byte_to_char(l, off)).unwrap_or(0) };
    let next_valid = |mut ln: usize, mut col: usize| -> Option<(usize, usize)> {
        while ln < lines.len() && col >= lines[ln].chars().count() {
            col = 0;
            ln += 1;
        }
        if ln < lines.len() {
            Some((ln, col))
        } else {
            None
        }
    };
    let ch = |ln: usize, col: usize| -> char { lines.get(ln).and_then(|l| l.chars().nth(col)).unwrap_or(' ') };
    let increment_until = |mut ln: usize, mut col: usize, stop: &dyn Fn(char) -> bool| -> Option<(usize, usize)> {
        for _ in 0..10_000 {
            let c = ch(ln, col);
            if c == '\\' || c == '#' {
                let (l2, c2) = next_valid(ln + 1, 0)?;
                ln = l2;
                col = c2;
            } else if !stop(c) {
                let (l2, c2) = next_valid(ln, col + 1)?;
                ln = l2;
                col = c2;
            } else {
                return Some((ln, col));
            }
        }
        None
    };
    let end_of = |x: &super::ast::Expr| -> (usize, usize) {
        let ln = (x.end.0 as usize).saturating_sub(2);
        (ln, norm(ln, x.end.1))
    };
    match &e.kind {
        ExprKind::Bin(l, _, r) => {
            let (ln, col) = end_of(l);
            let (ln, col) = next_valid(ln, col)?;
            let (ln, col) = increment_until(ln, col, &|c| !c.is_whitespace() && c != ')')?;
            let mut right = col + 1;
            let rline = (r.start.0 as usize).saturating_sub(2);
            let line_len = lines.get(ln).map(|l| l.chars().count()).unwrap_or(0);
            if right < line_len && (rline > ln || right < norm(rline, r.start.1)) {
                let c = ch(ln, right);
                if !c.is_whitespace() && c != '\\' && c != '#' {
                    right += 1;
                }
            }
            Some((ln, col, ln, right, '~', '^'))
        }
        ExprKind::Subscript(v, _) => {
            let (ln, col) = end_of(v);
            let (ln, col) = next_valid(ln, col)?;
            let (ln, col) = increment_until(ln, col, &|c| c == '[')?;
            let (rl, rc) = end_of(&e);
            Some((ln, col, rl, rc, '~', '^'))
        }
        ExprKind::Call(f, _) if calls => {
            let (ln, col) = end_of(f);
            let (ln, col) = next_valid(ln, col)?;
            let (ln, col) = increment_until(ln, col, &|c| c == '(')?;
            let (rl, rc) = end_of(&e);
            Some((ln, col, rl, rc, '~', '^'))
        }
        _ => None,
    }
}

/// 3.13's `_should_show_carets` statement check: `return f(…)` / `x = f(…)` spanning the
/// whole value hide the carets.
fn full_call_statement(all_lines: &[String], start: usize, end: usize) -> bool {
    let src = all_lines.join("\n");
    let Ok((body, _)) = super::parser::parse_module(&src, false) else {
        return false;
    };
    let Some(first) = body.first() else {
        return false;
    };
    let value = match &first.kind {
        StmtKind::Return(Some(v)) => match &v.kind {
            ExprKind::Call(f, _) if matches!(f.kind, ExprKind::Name(_)) => Some(v),
            _ => None,
        },
        StmtKind::Assign(targets, v) if targets.len() == 1 && matches!(targets[0].kind, ExprKind::Name(_)) => match &v.kind {
            ExprKind::Call(..) => Some(v),
            _ => None,
        },
        _ => None,
    };
    match value {
        Some(v) => {
            v.start.0 == 1 && v.end.0 as usize == all_lines.len() && v.start.1 as usize == start && v.end.1 as usize == end
        }
        None => false,
    }
}

fn dedent(lines: &[String]) -> Vec<String> {
    let common = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| if l.trim().is_empty() { String::new() } else { l[common.min(l.len())..].to_string() })
        .collect()
}

/// The source line(s) and caret lines of one frame, indented by four spaces.
fn frame_source(version_minor: u8, src_lines: &[&str], sp: Span, colorize: bool) -> String {
    let get = |n: u32| -> String {
        src_lines.get((n as usize).wrapping_sub(1)).map(|l| l.trim_end().to_string()).unwrap_or_default()
    };
    let first = get(sp.line);
    if first.trim().is_empty() {
        return String::new();
    }
    if version_minor < 11 || sp.col == u32::MAX {
        return format!("    {}\n", first.trim());
    }
    if version_minor < 13 {
        // traceback.c (3.11, 3.12): one line; anchors for binary operations and subscripts.
        let stripped = first.trim_start();
        let indent = first.len() - stripped.len();
        let start = byte_to_char(&first, sp.col);
        let end = if sp.end_line != sp.line {
            first.chars().count()
        } else {
            byte_to_char(&first, sp.end_col)
        };
        let mut out = format!("    {stripped}\n");
        let rstripped = first.trim_end().chars().count();
        let mut anch = None;
        if sp.end_line == sp.line && end > start {
            let seg: String = first.chars().skip(start).take(end - start).collect();
            anch = anchors(&seg, false);
        }
        let indent_c = first[..indent].chars().count();
        if anch.is_none() && start == indent_c && end >= rstripped {
            return out;
        }
        if end <= start {
            return out;
        }
        let mut carets = String::new();
        for col in indent_c..end {
            if col < start {
                carets.push(' ');
            } else if let Some((_, le, _, rs, p, s)) = anch {
                let (le, rs) = (le + start, rs + start);
                carets.push(if col >= le && col < rs { s } else { p });
            } else {
                carets.push('^');
            }
        }
        out.push_str(&format!("    {carets}\n"));
        return out;
    }
    // traceback.py (3.13+).
    let nlines = (sp.end_line.saturating_sub(sp.line) + 1) as usize;
    let originals: Vec<String> = (0..nlines).map(|i| get(sp.line + i as u32)).collect();
    let all = dedent(&originals);
    let first_o = &originals[0];
    let last_o = &originals[nlines - 1];
    let dedent_chars = first_o.chars().count().saturating_sub(all[0].chars().count());
    let start = byte_to_char(first_o, sp.col).saturating_sub(dedent_chars);
    let end = byte_to_char(last_o, sp.end_col).saturating_sub(dedent_chars);
    let dp_start = display_width(&all[0], start);
    let dp_end = display_width(&all[nlines - 1], end);
    let joined = all.join("\n");
    let total = joined.chars().count();
    let last_len = all[nlines - 1].chars().count();
    let seg_end = total.saturating_sub(last_len.saturating_sub(end));
    let segment: String = joined.chars().skip(start).take(seg_end.saturating_sub(start)).collect();
    let anch = anchors(&segment, true);
    let show = if full_call_statement(&all, start, end) {
        false
    } else if anch.is_some() {
        true
    } else {
        let before: String = all[0].chars().take(start).collect();
        let after: String = all[nlines - 1].chars().skip(end).collect();
        !before.trim_start().is_empty() || !after.trim_end().is_empty()
    };
    let mut significant: Vec<usize> = vec![0, nlines - 1];
    let (mut le_line, mut le_off, mut rs_line, mut rs_off, mut primary, mut secondary) = (0, 0, 0, 0, '^', '^');
    if let Some((ll, lo, rl, ro, p, s)) = anch {
        le_line = ll;
        rs_line = rl;
        le_off = if ll == 0 { lo + start } else { lo };
        rs_off = if rl == 0 { ro + start } else { ro };
        le_off = display_width(&all[ll.min(nlines - 1)], le_off);
        rs_off = display_width(&all[rl.min(nlines - 1)], rs_off);
        primary = p;
        secondary = s;
        for l in [ll, rl] {
            for k in l.saturating_sub(1)..=l + 1 {
                significant.push(k);
            }
        }
    }
    significant.sort_unstable();
    significant.dedup();
    significant.retain(|&k| k < nlines);
    let mut result: Vec<String> = Vec::new();
    let output_line = |ln: usize, result: &mut Vec<String>| {
        let line = &all[ln];
        if !show {
            result.push(format!("{line}\n"));
            return;
        }
        let spaces = line.chars().count() - line.trim_start().chars().count();
        let n = if ln == nlines - 1 { dp_end } else { display_width(line, line.chars().count()) };
        let mut carets: Vec<char> = Vec::with_capacity(n);
        for col in 0..n {
            if col < spaces || (ln == 0 && col < dp_start) {
                carets.push(' ');
            } else if anch.is_some()
                && (ln > le_line || (ln == le_line && col >= le_off))
                && (ln < rs_line || (ln == rs_line && col < rs_off))
            {
                carets.push(secondary);
            } else {
                carets.push(primary);
            }
        }
        if colorize {
            let chars: Vec<char> = format!("{line}\n").chars().collect();
            let mut cl = String::new();
            let mut cc = String::new();
            let mut k = 0;
            let len = chars.len().max(carets.len());
            while k < len {
                let key = carets.get(k).copied();
                let mut j = k;
                while j < len && carets.get(j).copied() == key {
                    j += 1;
                }
                let text: String = chars.iter().skip(k).take(j - k).collect();
                let cs: String = carets.iter().skip(k).take(j - k).collect();
                match key {
                    Some('^') => {
                        cl.push_str(&format!("{BOLD_RED}{text}{RESET}"));
                        cc.push_str(&format!("{BOLD_RED}{cs}{RESET}"));
                    }
                    Some('~') => {
                        cl.push_str(&format!("{RED}{text}{RESET}"));
                        cc.push_str(&format!("{RED}{cs}{RESET}"));
                    }
                    _ => {
                        cl.push_str(&text);
                        cc.push_str(&cs);
                    }
                }
                k = j;
            }
            result.push(cl);
            result.push(format!("{cc}\n"));
        } else {
            result.push(format!("{line}\n"));
            result.push(format!("{}\n", carets.iter().collect::<String>()));
        }
    };
    for (i, &ln) in significant.iter().enumerate() {
        if i > 0 {
            let diff = ln - significant[i - 1];
            if diff == 2 {
                output_line(ln - 1, &mut result);
            } else if diff > 2 {
                result.push(format!("...<{} lines>...\n", diff - 1));
            }
        }
        output_line(ln, &mut result);
    }
    // textwrap.dedent, then indent every line by four spaces.
    let text: String = result.concat();
    let lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    let common = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| {
            let body = if l.trim().is_empty() { l.trim_start_matches(' ') } else { &l[common.min(l.len())..] };
            format!("    {body}")
        })
        .collect()
}

impl Vm {
    fn exc_type_str(&self, e: &Value) -> String {
        let Some(c) = self.class_of_inst(e) else {
            return self.type_name(e);
        };
        match self.heap.get(c) {
            Obj::Class(k) => {
                if matches!(&*k.module, "builtins" | "__main__") {
                    k.qualname.to_string()
                } else {
                    format!("{}.{}", k.module, k.qualname)
                }
            }
            _ => "Exception".into(),
        }
    }

    /// The source text of a file the interpreter ran, for traceback lines.
    pub fn source_of(&self, ctx: &Ctx, file: &str) -> Option<Rc<str>> {
        if let Some((_, s)) = self.sources.iter().find(|(f, _)| &**f == file) {
            return Some(s.clone());
        }
        if file.starts_with('<') {
            return None;
        }
        match ctx.fs.get(file).map(|n| &n.kind) {
            Some(crate::vfs::NodeKind::File(d)) => Some(Rc::from(String::from_utf8_lossy(d).as_ref())),
            _ => None,
        }
    }

    /// The whole traceback text of an exception (with its chain).
    pub fn format_exception(&mut self, ctx: &mut Ctx, e: &Value, colorize: bool) -> String {
        let mut chain: Vec<(Option<&'static str>, Value)> = Vec::new();
        let mut cur = Some(e.clone());
        let mut seen: Vec<u32> = Vec::new();
        let mut msg: Option<&'static str> = None;
        while let Some(x) = cur.take() {
            if let Some(id) = x.as_obj() {
                if seen.contains(&id) || seen.len() > 100 {
                    break;
                }
                seen.push(id);
            }
            chain.push((msg, x.clone()));
            let info = match self.obj(&x) {
                Some(Obj::Inst(i)) => i.exc.as_deref().cloned(),
                _ => None,
            };
            if let Some(info) = info {
                if let Some(c) = info.cause {
                    msg = Some("\nThe above exception was the direct cause of the following exception:\n\n");
                    cur = Some(c);
                } else if let (Some(c), false) = (info.context, info.suppress_context) {
                    msg = Some("\nDuring handling of the above exception, another exception occurred:\n\n");
                    cur = Some(c);
                }
            }
        }
        let mut out = String::new();
        for (m, x) in chain.iter().rev() {
            out.push_str(&self.format_one(ctx, x, colorize));
            if let Some(m) = m {
                out.push_str(m);
            }
        }
        out
    }

    fn format_one(&mut self, ctx: &mut Ctx, e: &Value, colorize: bool) -> String {
        let tb = match self.obj(e) {
            Some(Obj::Inst(i)) => i.exc.as_ref().map(|x| x.tb.clone()).unwrap_or_default(),
            _ => Vec::new(),
        };
        let minor = self.version.minor;
        let mut out = String::new();
        let frames: Vec<_> = tb
            .iter()
            .rev()
            .filter(|(code, _)| !code.hidden && (code.kind != CodeKind::Comprehension || minor < 12))
            .cloned()
            .collect();
        let is_syntax = self.is_exc_instance(e, exc::SYNTAX);
        if !frames.is_empty() {
            out.push_str("Traceback (most recent call last):\n");
            let mut last: Option<(Rc<str>, u32, Rc<str>)> = None;
            let mut count = 0;
            let mut pieces: Vec<String> = Vec::new();
            for (code, ip) in &frames {
                let sp = code.spans.get(*ip as usize).copied().unwrap_or_default();
                let key = (code.filename.clone(), sp.line, code.name.clone());
                if last.as_ref() != Some(&key) {
                    if count > 3 {
                        let n = count - 3;
                        pieces.push(format!("  [Previous line repeated {n} more time{}]\n", if n > 1 { "s" } else { "" }));
                    }
                    last = Some(key);
                    count = 0;
                }
                count += 1;
                if count > 3 {
                    continue;
                }
                let shown_name = if code.filename.starts_with("<python-input-") || !code.filename.starts_with("<stdin-") {
                    code.filename.clone()
                } else {
                    Rc::from("<stdin>")
                };
                let fname = code.name.to_string();
                if colorize {
                    pieces.push(format!(
                        "  File {MAGENTA}\"{shown_name}\"{RESET}, line {MAGENTA}{}{RESET}, in {MAGENTA}{fname}{RESET}\n",
                        sp.line
                    ));
                } else {
                    pieces.push(format!("  File \"{shown_name}\", line {}, in {fname}\n", sp.line));
                }
                if let Some(src) = self.source_of(ctx, &code.filename) {
                    let lines: Vec<&str> = src.split('\n').collect();
                    pieces.push(frame_source(minor, &lines, sp, colorize));
                }
            }
            if count > 3 {
                let n = count - 3;
                pieces.push(format!("  [Previous line repeated {n} more time{}]\n", if n > 1 { "s" } else { "" }));
            }
            out.push_str(&pieces.concat());
        }
        let etype = self.exc_type_str(e);
        if is_syntax {
            out.push_str(&self.format_syntax(ctx, e, &etype, colorize));
            return out;
        }
        let msg = match self.exc_str(ctx, e) {
            Ok(s) => s.to_string(),
            Err(_) => "<exception str() failed>".to_string(),
        };
        if msg.is_empty() {
            if colorize {
                out.push_str(&format!("{BOLD_MAGENTA}{etype}{RESET}\n"));
            } else {
                out.push_str(&format!("{etype}\n"));
            }
        } else if colorize {
            out.push_str(&format!("{BOLD_MAGENTA}{etype}{RESET}: {MAGENTA}{msg}{RESET}\n"));
        } else {
            out.push_str(&format!("{etype}: {msg}\n"));
        }
        out
    }

    fn format_syntax(&mut self, ctx: &mut Ctx, e: &Value, etype: &str, colorize: bool) -> String {
        let get = |vm: &Vm, k: &str| -> Value {
            match vm.obj(e) {
                Some(Obj::Inst(i)) => i.attrs.get(k).cloned().unwrap_or(Value::None),
                _ => Value::None,
            }
        };
        let filename = get(self, "filename");
        let lineno = get(self, "lineno");
        let text = get(self, "text");
        let offset = get(self, "offset");
        let end_offset = get(self, "end_offset");
        let end_lineno = get(self, "end_lineno");
        let msg = match get(self, "msg") {
            Value::Str(s) => s.to_string(),
            _ => self.exc_str(ctx, e).map(|s| s.to_string()).unwrap_or_default(),
        };
        let mut out = String::new();
        let fname = match &filename {
            Value::Str(s) => s.to_string(),
            _ => "<string>".into(),
        };
        if let Value::Int(l) = lineno {
            if colorize {
                out.push_str(&format!("  File {MAGENTA}\"{fname}\"{RESET}, line {MAGENTA}{l}{RESET}\n"));
            } else {
                out.push_str(&format!("  File \"{fname}\", line {l}\n"));
            }
        }
        if let Value::Str(t) = &text {
            let rtext = t.trim_end_matches('\n');
            let ltext = rtext.trim_start_matches([' ', '\n', '\x0c']);
            let spaces = rtext.chars().count() - ltext.chars().count();
            match offset {
                Value::Int(off) if off > 0 => {
                    let tlen = t.chars().count() as i64;
                    let rlen = rtext.chars().count() as i64;
                    let mut off = off;
                    let mut end = match (&end_offset, lineno.same(&end_lineno) || end_lineno.is_none()) {
                        (Value::Int(eo), true) if *eo != 0 => *eo,
                        (_, true) => off,
                        _ => rlen + 1,
                    };
                    if self.version.minor < 10 {
                        end = off + 1;
                    }
                    if off > tlen {
                        off = rlen + 1;
                    }
                    if end > tlen {
                        end = rlen + 1;
                    }
                    if off >= end || end < 0 {
                        end = off + 1;
                    }
                    let colno = off - 1 - spaces as i64;
                    let end_colno = end - 1 - spaces as i64;
                    if colno >= 0 {
                        let caretspace: String = ltext
                            .chars()
                            .take(colno as usize)
                            .map(|c| if c.is_whitespace() { c } else { ' ' })
                            .collect();
                        let n = (end_colno - colno).max(0) as usize;
                        if colorize {
                            let a: String = ltext.chars().take(colno as usize).collect();
                            let b: String = ltext.chars().skip(colno as usize).take(n).collect();
                            let c: String = ltext.chars().skip(colno as usize + n).collect();
                            out.push_str(&format!("    {a}{BOLD_RED}{b}{RESET}{c}\n"));
                            out.push_str(&format!("    {caretspace}{BOLD_RED}{}{RESET}\n", "^".repeat(n)));
                        } else {
                            out.push_str(&format!("    {ltext}\n"));
                            out.push_str(&format!("    {caretspace}{}\n", "^".repeat(n)));
                        }
                    } else {
                        out.push_str(&format!("    {ltext}\n"));
                    }
                }
                _ => out.push_str(&format!("    {ltext}\n")),
            }
        }
        if colorize {
            out.push_str(&format!("{BOLD_MAGENTA}{etype}{RESET}: {MAGENTA}{msg}{RESET}\n"));
        } else {
            out.push_str(&format!("{etype}: {msg}\n"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let c: Vec<String> = ["print", "len", "counter", "count"].iter().map(|s| s.to_string()).collect();
        assert_eq!(suggest("pritn", &c), Some("print".into()));
        assert_eq!(suggest("coutn", &c), Some("count".into()));
        assert_eq!(suggest("zzzzzz", &c), None);
    }

    #[test]
    fn carets_313() {
        let sp = |l, c, el, ec| Span { line: l, end_line: el, col: c, end_col: ec };
        assert_eq!(frame_source(13, &["print(1/0)"], sp(1, 6, 1, 9), false), "    print(1/0)\n          ~^~\n");
        assert_eq!(frame_source(13, &["x = f()"], sp(1, 4, 1, 7), false), "    x = f()\n");
        assert_eq!(frame_source(13, &["f()"], sp(1, 0, 1, 3), false), "    f()\n    ~^^\n");
        assert_eq!(frame_source(13, &["d['k']"], sp(1, 0, 1, 6), false), "    d['k']\n    ~^^^^^\n");
        assert_eq!(frame_source(11, &["x = f()"], sp(1, 4, 1, 7), false), "    x = f()\n        ^^^\n");
        assert_eq!(frame_source(11, &["f()"], sp(1, 0, 1, 3), false), "    f()\n");
        assert_eq!(frame_source(11, &["x = (1 +", "  'a')"], sp(1, 5, 2, 5), false), "    x = (1 +\n         ^^^\n");
        assert_eq!(frame_source(10, &["  f()"], sp(1, 2, 1, 5), false), "    f()\n");
    }
}

//! GNU `ls` over the host file system: `-l`, `-a`, `-A`, `-1`, `-d`, columns on a terminal and
//! one name per line otherwise.

use super::{Env, Tools};
use crate::clock::SimTime;
use crate::proc::Captured;
use crate::vfs::{normalize, Node, NodeKind};

#[derive(Default)]
struct Opts {
    long: bool,
    all: bool,
    almost_all: bool,
    one: bool,
    dir_itself: bool,
    recursive: bool,
}

/// Collation close to en_US.UTF-8: letters and digits only, case-insensitive, then bytes.
fn collate_key(name: &str) -> (String, String) {
    let key: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (key, name.to_string())
}

pub fn ls(env: &mut Env, args: &[String], out: &mut Captured) -> i32 {
    let tty = env.tty;
    let mut o = Opts::default();
    let mut paths: Vec<String> = Vec::new();
    for a in args {
        if let Some(long) = a.strip_prefix("--") {
            match long {
                "all" => o.all = true,
                "almost-all" => o.almost_all = true,
                "directory" => o.dir_itself = true,
                _ => {
                    out.err(&format!(
                        "ls: unrecognized option '{a}'\nTry 'ls --help' for more information.\n"
                    ));
                    return 2;
                }
            }
        } else if a.len() > 1 && a.starts_with('-') {
            for c in a[1..].chars() {
                match c {
                    'l' => o.long = true,
                    'a' => o.all = true,
                    'A' => o.almost_all = true,
                    '1' => o.one = true,
                    'd' => o.dir_itself = true,
                    'R' => o.recursive = true,
                    'h' => {}
                    _ => {
                        out.err(&format!(
                            "ls: invalid option -- '{c}'\nTry 'ls --help' for more information.\n"
                        ));
                        return 2;
                    }
                }
            }
        } else {
            paths.push(a.clone());
        }
    }
    if paths.is_empty() {
        paths.push(".".into());
    }
    let mut status = 0;
    let mut files: Vec<(String, &Node)> = Vec::new();
    let mut dirs: Vec<(String, String)> = Vec::new();
    let mut sorted = paths.clone();
    crate::text::sort_by(&mut sorted, &|a, b| collate_key(a).cmp(&collate_key(b)));
    for p in &sorted {
        let full = normalize(env.cwd, p);
        match env.fs.get(&full) {
            None => {
                match env.tools {
                    Tools::Gnu => out.err(&format!(
                        "ls: cannot access '{p}': No such file or directory\n"
                    )),
                    Tools::Busybox => out.err(&format!("ls: {p}: No such file or directory\n")),
                }
                status = if env.tools == Tools::Gnu { 2 } else { 1 };
            }
            Some(n) if n.is_dir() && !o.dir_itself => dirs.push((p.clone(), full)),
            Some(n) => files.push((p.clone(), n)),
        }
    }
    let now = env.now;
    let mut text = String::new();
    let show_headers = paths.len() > 1;
    if !files.is_empty() {
        text.push_str(&render(env, &files, &o, tty, now, false));
    }
    let show_headers = show_headers || o.recursive;
    let mut i = 0;
    while i < dirs.len() {
        let (shown, full) = dirs[i].clone();
        if !files.is_empty() || i > 0 {
            text.push('\n');
        }
        if show_headers {
            text.push_str(&format!("{shown}:\n"));
        }
        i += 1;
        let Some(node) = env.fs.get(&full) else {
            continue;
        };
        let NodeKind::Dir(entries) = &node.kind else {
            continue;
        };
        let parent = env.fs.get(crate::vfs::parent(&full)).unwrap_or(node);
        let mut list: Vec<(String, &Node)> = Vec::new();
        if o.all {
            list.push((".".into(), node));
            list.push(("..".into(), parent));
        }
        for (name, n) in entries.iter() {
            if name.starts_with('.') && !(o.all || o.almost_all) {
                continue;
            }
            list.push((name.clone(), n));
        }
        let key = |n: &String| if n == "." || n == ".." { (String::new(), n.clone()) } else { collate_key(n) };
        crate::text::sort_by(&mut list, &|a, b| key(&a.0).cmp(&key(&b.0)));
        text.push_str(&render(env, &list, &o, tty, now, true));
        if o.recursive {
            // Depth first, as GNU and BusyBox list them.
            let subdirs: Vec<(String, String)> = list
                .iter()
                .filter(|(n, node)| n != "." && n != ".." && node.is_dir())
                .map(|(n, _)| (format!("{}/{n}", shown.trim_end_matches('/')), crate::vfs::join(&full, n)))
                .collect();
            for (k, d) in subdirs.into_iter().enumerate() {
                dirs.insert(i + k, d);
            }
        }
    }
    out.out(&text);
    status
}

fn render(
    env: &Env,
    list: &[(String, &Node)],
    o: &Opts,
    tty: bool,
    now: SimTime,
    total: bool,
) -> String {
    if o.long {
        return long(env, list, now, total);
    }
    let names: Vec<&str> = list.iter().map(|(n, _)| n.as_str()).collect();
    if !tty || o.one {
        return names.iter().map(|n| format!("{n}\n")).collect();
    }
    columns(&names, 80)
}

/// GNU ls's vertical columns: the most columns that fit the width, two spaces apart.
fn columns(names: &[&str], width: usize) -> String {
    if names.is_empty() {
        return String::new();
    }
    let n = names.len();
    let lens: Vec<usize> = names.iter().map(|s| s.chars().count()).collect();
    let mut best = (1, n, vec![lens.iter().copied().max().unwrap_or(0)]);
    for cols in (1..=n).rev() {
        let rows = n.div_ceil(cols);
        if rows * cols - n >= rows && cols > 1 {
            continue;
        }
        let widths: Vec<usize> = (0..cols)
            .map(|c| {
                (0..rows)
                    .filter_map(|r| lens.get(c * rows + r))
                    .copied()
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let total: usize = widths.iter().sum::<usize>() + 2 * (cols - 1);
        if total < width {
            best = (cols, rows, widths);
            break;
        }
    }
    let (cols, rows, widths) = best;
    let mut s = String::new();
    for r in 0..rows {
        let mut line = String::new();
        for c in 0..cols {
            let Some(name) = names.get(c * rows + r) else {
                continue;
            };
            line.push_str(name);
            if c + 1 < cols && names.get((c + 1) * rows + r).is_some() {
                line.push_str(&" ".repeat(widths[c] - name.chars().count() + 2));
            }
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}

fn mode_string(n: &Node) -> String {
    let t = match n.kind {
        NodeKind::Dir(_) => 'd',
        NodeKind::Symlink(_) => 'l',
        NodeKind::File(_) => '-',
    };
    let mut s = String::from(t);
    // setuid, setgid and sticky show in the x column: s/t over x, S/T without it.
    for (shift, special, mark) in [(6, 0o4000, 's'), (3, 0o2000, 's'), (0, 0o1000, 't')] {
        let bits = (n.meta.mode >> shift) & 7;
        s.push(if bits & 4 != 0 { 'r' } else { '-' });
        s.push(if bits & 2 != 0 { 'w' } else { '-' });
        let x = bits & 1 != 0;
        s.push(match (n.meta.mode & special != 0, x) {
            (true, true) => mark,
            (true, false) => mark.to_ascii_uppercase(),
            (false, true) => 'x',
            (false, false) => '-',
        });
    }
    s
}

fn links(n: &Node) -> u64 {
    match &n.kind {
        NodeKind::Dir(e) => 2 + e.values().filter(|c| c.is_dir()).count() as u64,
        _ => 1,
    }
}

fn blocks_kb(n: &Node) -> u64 {
    match &n.kind {
        NodeKind::Dir(_) => 4,
        NodeKind::File(d) => (d.len() as u64).div_ceil(4096) * 4,
        NodeKind::Symlink(_) => 0,
    }
}

fn date(t: SimTime, now: SimTime) -> String {
    let c = t.civil();
    let six_months_ms = 15_778_476_000u64;
    if t <= now && now.since(t).0 < six_months_ms {
        format!(
            "{} {:>2} {:02}:{:02}",
            c.month_abbr(),
            c.day,
            c.hour,
            c.minute
        )
    } else {
        format!("{} {:>2}  {}", c.month_abbr(), c.day, c.year)
    }
}

fn long(env: &Env, list: &[(String, &Node)], now: SimTime, total: bool) -> String {
    let rows: Vec<[String; 6]> = list
        .iter()
        .map(|(name, n)| {
            let shown = match &n.kind {
                NodeKind::Symlink(t) => format!("{name} -> {t}"),
                _ => name.clone(),
            };
            [
                mode_string(n),
                links(n).to_string(),
                env.user_name(n.meta.uid),
                env.user_name(n.meta.gid),
                n.size().to_string(),
                format!("{} {shown}", date(n.meta.mtime, now)),
            ]
        })
        .collect();
    let w = |i: usize| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0);
    let (wl, wo, wg, ws) = (w(1), w(2), w(3), w(4));
    let mut s = String::new();
    if total {
        s.push_str(&format!(
            "total {}\n",
            list.iter().map(|(_, n)| blocks_kb(n)).sum::<u64>()
        ));
    }
    for r in rows {
        if env.tools == Tools::Busybox {
            // BusyBox: fixed columns (`%-10s %4lu %-8.8s %-8.8s %9llu`).
            let cut = |x: &str| x.chars().take(8).collect::<String>();
            s.push_str(&format!("{} {:>4} {:<8} {:<8} {:>9} {}\n", r[0], r[1], cut(&r[2]), cut(&r[3]), r[4], r[5]));
        } else {
            s.push_str(&format!("{} {:>wl$} {:<wo$} {:<wg$} {:>ws$} {}\n", r[0], r[1], r[2], r[3], r[4], r[5]));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_fill_vertically() {
        assert_eq!(columns(&["a", "b", "c"], 80), "a  b  c\n");
        let names: Vec<String> = (0..30).map(|i| format!("file-number-{i:02}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let out = columns(&refs, 80);
        assert!(out.lines().all(|l| l.len() < 80));
        assert!(out.starts_with("file-number-00  file-number-"));
    }
}

//! Command-line parsing with cobra/pflag semantics. A command's flags are read from its real
//! `--help` text, so every flag 28.2.2 accepts is known (and nothing else is).


/// One flag of a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagSpec {
    pub long: String,
    pub short: Option<char>,
    /// pflag's type word (`string`, `list`, `int`…); `None` for a boolean.
    pub kind: Option<String>,
}

/// Reads the `Options:` section of a help text.
pub fn flags_from_help(help: &str) -> Vec<FlagSpec> {
    let mut specs = Vec::new();
    let mut in_options = false;
    for line in help.lines() {
        if line.ends_with("Options:") {
            in_options = true;
            continue;
        }
        if !in_options {
            continue;
        }
        if line.is_empty() {
            in_options = false;
            continue;
        }
        let head = line.trim_start();
        let indent = line.len() - head.len();
        if !(head.starts_with('-') && (indent == 2 || indent == 6)) {
            continue;
        }
        let flag_part = head.split("  ").next().unwrap_or("");
        let mut short = None;
        let mut long = None;
        let mut kind = None;
        for tok in flag_part.split(' ') {
            if let Some(s) = tok.strip_prefix("--") {
                long = Some(s.to_string());
            } else if let Some(s) = tok.strip_prefix('-') {
                short = s.trim_end_matches(',').chars().next();
            } else if !tok.is_empty() {
                kind = Some(tok.to_string());
            }
        }
        if let Some(long) = long {
            specs.push(FlagSpec { long, short, kind });
        }
    }
    specs
}

/// The result of parsing: flag values by long name (repeated flags keep every value) and arguments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    pub flags: crate::vecmap::VecMap<String, Vec<String>>,
    pub args: Vec<String>,
    /// `--help` (or `-h` where the command has no `-h` of its own) was given.
    pub help: bool,
    /// `-h` was used for help: cobra prints a deprecation line first.
    pub help_shorthand: bool,
}

impl Parsed {
    pub fn has(&self, long: &str) -> bool {
        self.flags.contains_key(long)
    }
    /// A boolean flag's value (last one wins).
    pub fn bool(&self, long: &str) -> bool {
        self.flags
            .get(long)
            .and_then(|v| v.last())
            .is_some_and(|v| parse_bool(v) == Some(true))
    }
    pub fn string(&self, long: &str) -> Option<&str> {
        self.flags
            .get(long)
            .and_then(|v| v.last())
            .map(|s| s.as_str())
    }
    pub fn list(&self, long: &str) -> &[String] {
        self.flags.get(long).map(|v| v.as_slice()).unwrap_or(&[])
    }
    pub fn int(&self, long: &str, default: i64) -> i64 {
        self.string(long)
            .and_then(|s| s.parse().ok())
            .unwrap_or(default)
    }
}

/// strconv.ParseBool.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// A flag error, worded as pflag words it; the CLI prints it with the usage line and exits 125.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagError(pub String);

fn flag_name(spec: &FlagSpec) -> String {
    match spec.short {
        Some(c) => format!("-{c}, --{}", spec.long),
        None => format!("--{}", spec.long),
    }
}

fn check_value(spec: &FlagSpec, value: &str) -> Result<(), FlagError> {
    let bad = |func: &str| {
        Err(FlagError(format!(
            "invalid argument \"{value}\" for \"{}\" flag: strconv.{func}: parsing \"{value}\": invalid syntax",
            flag_name(spec)
        )))
    };
    match spec.kind.as_deref() {
        None => parse_bool(value)
            .map(|_| ())
            .map_or_else(|| bad("ParseBool"), Ok),
        Some("int") | Some("int64") => value
            .parse::<i64>()
            .map(|_| ())
            .or_else(|_| bad("ParseInt")),
        Some("uint16") | Some("uint64") | Some("uint") => value
            .parse::<u64>()
            .map(|_| ())
            .or_else(|_| bad("ParseUint")),
        _ => Ok(()),
    }
}

/// Parses `args` against `specs`. With `interspersed == false` (run, create, exec) flags end at the
/// first argument.
pub fn parse(args: &[String], specs: &[FlagSpec], interspersed: bool) -> Result<Parsed, FlagError> {
    let has_short_h = specs.iter().any(|s| s.short == Some('h'));
    let mut out = Parsed::default();
    let mut i = 0;
    let push = |out: &mut Parsed, spec: &FlagSpec, v: String| {
        out.flags.get_or_insert_with(spec.long.clone(), Vec::new).push(v);
    };
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            out.args.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(body) = a.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            if name == "help" {
                out.help = true;
                continue;
            }
            let Some(spec) = specs.iter().find(|s| s.long == name) else {
                return Err(FlagError(format!("unknown flag: --{name}")));
            };
            let value = match (inline, &spec.kind) {
                (Some(v), _) => v,
                (None, None) => "true".into(),
                (None, Some(_)) => match args.get(i) {
                    Some(v) => {
                        i += 1;
                        v.clone()
                    }
                    None => return Err(FlagError(format!("flag needs an argument: --{name}"))),
                },
            };
            check_value(spec, &value)?;
            push(&mut out, spec, value);
        } else if a.len() > 1 && a.starts_with('-') {
            let chars: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                j += 1;
                let Some(spec) = specs.iter().find(|s| s.short == Some(c)) else {
                    if c == 'h' && !has_short_h {
                        out.help = true;
                        out.help_shorthand = true;
                        continue;
                    }
                    return Err(FlagError(format!(
                        "unknown shorthand flag: '{c}' in -{}",
                        chars[j - 1..].iter().collect::<String>()
                    )));
                };
                let rest: String = chars[j..].iter().collect();
                let value = if spec.kind.is_none() {
                    if let Some(v) = rest.strip_prefix('=') {
                        j = chars.len();
                        v.to_string()
                    } else {
                        "true".into()
                    }
                } else if !rest.is_empty() {
                    j = chars.len();
                    rest.strip_prefix('=').unwrap_or(&rest).to_string()
                } else {
                    match args.get(i) {
                        Some(v) => {
                            i += 1;
                            v.clone()
                        }
                        None => {
                            return Err(FlagError(format!("flag needs an argument: '{c}' in -{c}")))
                        }
                    }
                };
                check_value(spec, &value)?;
                push(&mut out, spec, value);
            }
        } else {
            out.args.push(a.clone());
            if !interspersed {
                out.args.extend(args[i..].iter().cloned());
                break;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn reads_flags_from_help() {
        let specs = flags_from_help(super::super::help::text("ps").unwrap());
        let names: Vec<&str> = specs.iter().map(|s| s.long.as_str()).collect();
        assert_eq!(
            names,
            ["all", "filter", "format", "last", "latest", "no-trunc", "quiet", "size"]
        );
        assert_eq!(specs[3].kind.as_deref(), Some("int"));
        assert_eq!(specs[0].short, Some('a'));
        let run = flags_from_help(super::super::help::text("run").unwrap());
        assert!(run
            .iter()
            .any(|s| s.long == "publish" && s.short == Some('p')));
        assert!(run.len() > 90, "{}", run.len());
    }

    #[test]
    fn pflag_semantics() {
        let specs = flags_from_help(super::super::help::text("run").unwrap());
        let p = parse(
            &v(&["-it", "--rm", "-p8080:80", "--name=web", "nginx", "-a"]),
            &specs,
            false,
        )
        .unwrap();
        assert!(p.bool("interactive") && p.bool("tty") && p.bool("rm"));
        assert_eq!(p.list("publish"), ["8080:80"]);
        assert_eq!(p.string("name"), Some("web"));
        assert_eq!(p.args, ["nginx", "-a"]);
        assert_eq!(
            parse(&v(&["--nope"]), &specs, false).unwrap_err().0,
            "unknown flag: --nope"
        );
        assert_eq!(
            parse(&v(&["-p"]), &specs, false).unwrap_err().0,
            "flag needs an argument: 'p' in -p"
        );
        let ps = flags_from_help(super::super::help::text("ps").unwrap());
        assert_eq!(
            parse(&v(&["-n", "abc"]), &ps, true).unwrap_err().0,
            "invalid argument \"abc\" for \"-n, --last\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax"
        );
        assert_eq!(
            parse(&v(&["-az"]), &ps, true).unwrap_err().0,
            "unknown shorthand flag: 'z' in -z"
        );
        let p = parse(&v(&["x", "-a"]), &ps, true).unwrap();
        assert!(p.bool("all"));
        assert!(parse(&v(&["-h"]), &ps, true).unwrap().help_shorthand);
    }
}

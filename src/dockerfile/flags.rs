//! Instruction flags as BuildKit's `BFlags`: declared per instruction, then parsed from the
//! node's `--name[=value]` words with BuildKit's error messages.

use super::gostr::with_suggestion;

/// The kind of a declared flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `--name`, `--name=true|false`.
    Bool,
    /// `--name=value` (last one wins is an error: duplicates are rejected).
    Str,
    /// `--name=value`, repeatable.
    Strings,
}

/// One declared flag and what the words set it to.
#[derive(Clone, Debug)]
pub(crate) struct Flag {
    pub name: &'static str,
    pub kind: Kind,
    pub used: bool,
    pub value: String,
    pub values: Vec<String>,
}

/// The flags an instruction declares, after parsing.
#[derive(Debug)]
pub(crate) struct Flags(pub Vec<Flag>);

impl Flags {
    /// Declares `defs` (with string defaults) and parses `words` against them.
    pub(crate) fn parse<S: AsRef<str>>(words: &[S], defs: &[(&'static str, Kind, &str)]) -> Result<Flags, String> {
        let mut flags: Vec<Flag> = defs
            .iter()
            .map(|(name, kind, def)| Flag {
                name,
                kind: *kind,
                used: false,
                value: if *kind == Kind::Bool { "false".into() } else { def.to_string() },
                values: Vec::new(),
            })
            .collect();
        for a in words {
            let a = a.as_ref();
            if a == "--" {
                break;
            }
            let Some(body) = a.strip_prefix("--") else {
                return Err(format!("arg should start with -- : {a}"));
            };
            let (name, value) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (body, None),
            };
            let flag_name = format!("--{name}");
            let names: Vec<&str> = flags.iter().map(|f| f.name).collect();
            let Some(f) = flags.iter_mut().find(|f| f.name == name) else {
                return Err(with_suggestion(format!("unknown flag: {flag_name}"), name, &names, true));
            };
            if f.used && f.kind != Kind::Strings {
                return Err(format!("duplicate flag specified: {flag_name}"));
            }
            f.used = true;
            match (f.kind, value) {
                (Kind::Bool, Some("")) | (Kind::Str | Kind::Strings, None) => {
                    return Err(format!("missing a value on flag: {flag_name}"))
                }
                (Kind::Bool, v) => {
                    f.value = match v.map(str::to_lowercase).as_deref() {
                        None | Some("true") => "true".into(),
                        Some("false") => "false".into(),
                        Some(_) => {
                            return Err(format!(
                                "expecting boolean value for flag {flag_name}, not: {}",
                                v.unwrap_or_default()
                            ))
                        }
                    }
                }
                (Kind::Str, Some(v)) => f.value = v.to_string(),
                (Kind::Strings, Some(v)) => f.values.push(v.to_string()),
            }
        }
        Ok(Flags(flags))
    }

    fn get(&self, name: &str) -> Option<&Flag> {
        self.0.iter().find(|f| f.name == name)
    }

    /// A string flag's value (`None` when unset or empty, as BuildKit treats `""`).
    pub(crate) fn string(&self, name: &str) -> Option<String> {
        self.get(name).map(|f| f.value.clone()).filter(|v| !v.is_empty())
    }

    /// A string flag's value, default included.
    pub(crate) fn string_or_default(&self, name: &str) -> String {
        self.get(name).map(|f| f.value.clone()).unwrap_or_default()
    }

    /// A bool flag's value.
    pub(crate) fn bool(&self, name: &str) -> bool {
        self.get(name).is_some_and(|f| f.value == "true")
    }

    /// A bool flag's value when it was given at all.
    pub(crate) fn bool_if_used(&self, name: &str) -> Option<bool> {
        self.get(name).filter(|f| f.used).map(|f| f.value == "true")
    }

    /// A repeatable flag's values.
    pub(crate) fn strings(&self, name: &str) -> Vec<String> {
        self.get(name).map(|f| f.values.clone()).unwrap_or_default()
    }

    /// The names of the flags given.
    pub(crate) fn used(&self) -> Vec<String> {
        self.0.iter().filter(|f| f.used).map(|f| f.name.to_string()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn bflags_as_upstream() {
        let defs = [("str1", Kind::Str, "HI"), ("str2", Kind::Str, "HI"), ("bool1", Kind::Bool, ""), ("bool2", Kind::Bool, "")];
        let f = Flags::parse(&w(&[]), &defs).unwrap();
        assert_eq!(f.string_or_default("str1"), "HI");
        assert!(!f.bool("bool1"));
        let f = Flags::parse(&w(&["--str1=BYE", "--bool1", "--bool2=false"]), &defs).unwrap();
        assert_eq!(f.string("str1").as_deref(), Some("BYE"));
        assert!(f.bool("bool1") && !f.bool("bool2"));
        let e = |args: &[&str]| Flags::parse(&w(args), &defs).unwrap_err();
        assert_eq!(e(&["--str1"]), "missing a value on flag: --str1");
        assert_eq!(e(&["--bool1="]), "missing a value on flag: --bool1");
        assert_eq!(e(&["--bool1=yes"]), "expecting boolean value for flag --bool1, not: yes");
        assert_eq!(e(&["--str1=a", "--str1=b"]), "duplicate flag specified: --str1");
        assert_eq!(e(&["--str3=x"]), "unknown flag: --str3 (did you mean str1?)");
        assert_eq!(e(&["--zzzzzz"]), "unknown flag: --zzzzzz");
        assert_eq!(e(&["-x"]), "arg should start with -- : -x");
    }
}

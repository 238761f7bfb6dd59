//! Image references as distribution/reference normalises them (`nginx` → `docker.io/library/nginx:latest`).

use std::fmt;

/// A normalised image reference.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Reference {
    /// Registry host, `docker.io` for Docker Hub.
    pub domain: String,
    /// Repository path, `library/nginx` for official images.
    pub path: String,
    pub tag: Option<String>,
    /// `sha256:…` when pinned by digest.
    pub digest: Option<String>,
}

/// Why a reference did not parse; `Display` is the daemon/CLI wording.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReferenceError {
    InvalidFormat,
    Uppercase(String),
}

impl fmt::Display for ReferenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReferenceError::InvalidFormat => f.write_str("invalid reference format"),
            ReferenceError::Uppercase(p) => {
                write!(
                    f,
                    "invalid reference format: repository name ({p}) must be lowercase"
                )
            }
        }
    }
}

pub const DEFAULT_DOMAIN: &str = "docker.io";

fn valid_component(c: &str) -> bool {
    // [a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*
    let b = c.as_bytes();
    if b.is_empty() || !b[0].is_ascii_alphanumeric() || !b[b.len() - 1].is_ascii_alphanumeric() {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        let ch = b[i];
        if ch.is_ascii_lowercase() || ch.is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && matches!(b[i], b'.' | b'_' | b'-') {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|x| x == b'-');
        if !ok || i == start {
            return false;
        }
    }
    true
}

fn valid_tag(t: &str) -> bool {
    // [\w][\w.-]{0,127}
    let b = t.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && (b[0].is_ascii_alphanumeric() || b[0] == b'_')
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

impl Reference {
    /// `ParseNormalizedNamed`: adds `docker.io` and `library/`; does not add a default tag.
    pub fn parse(s: &str) -> Result<Reference, ReferenceError> {
        if s.is_empty() {
            return Err(ReferenceError::InvalidFormat);
        }
        let (rest, digest) = match s.split_once('@') {
            Some((r, d)) => {
                let hex = d
                    .strip_prefix("sha256:")
                    .ok_or(ReferenceError::InvalidFormat)?;
                if hex.len() != 64
                    || !hex
                        .bytes()
                        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
                {
                    return Err(ReferenceError::InvalidFormat);
                }
                (r, Some(d.to_string()))
            }
            None => (s, None),
        };
        let last_slash = rest.rfind('/').map(|i| i + 1).unwrap_or(0);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => (
                &rest[..last_slash + i],
                Some(rest[last_slash + i + 1..].to_string()),
            ),
            None => (rest, None),
        };
        if let Some(t) = &tag {
            if !valid_tag(t) {
                return Err(ReferenceError::InvalidFormat);
            }
        }
        let (domain, path) = match name.split_once('/') {
            Some((first, remainder))
                if first.contains('.')
                    || first.contains(':')
                    || first == "localhost"
                    || first.bytes().any(|c| c.is_ascii_uppercase()) =>
            {
                (first.to_string(), remainder.to_string())
            }
            _ => (DEFAULT_DOMAIN.to_string(), name.to_string()),
        };
        let path = if domain == DEFAULT_DOMAIN && !path.contains('/') {
            format!("library/{path}")
        } else {
            path
        };
        if path.bytes().any(|c| c.is_ascii_uppercase()) {
            return Err(ReferenceError::Uppercase(path));
        }
        if path.split('/').any(|c| !valid_component(c)) || domain.is_empty() {
            return Err(ReferenceError::InvalidFormat);
        }
        Ok(Reference {
            domain,
            path,
            tag,
            digest,
        })
    }

    /// `TagNameOnly`: adds `:latest` when neither tag nor digest is given.
    pub fn with_default_tag(mut self) -> Reference {
        if self.tag.is_none() && self.digest.is_none() {
            self.tag = Some("latest".into());
        }
        self
    }

    /// The repository name as users write it: `nginx`, `me/app`, `localhost:5000/app`.
    pub fn familiar_name(&self) -> String {
        if self.domain == DEFAULT_DOMAIN {
            self.path
                .strip_prefix("library/")
                .unwrap_or(&self.path)
                .to_string()
        } else {
            format!("{}/{}", self.domain, self.path)
        }
    }

    /// The fully qualified name without tag: `docker.io/library/nginx`.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.domain, self.path)
    }

    /// `FamiliarString`: `nginx:latest`, `me/app@sha256:…`.
    pub fn familiar(&self) -> String {
        let mut s = self.familiar_name();
        self.push_suffix(&mut s);
        s
    }

    /// `String`: `docker.io/library/nginx:latest`.
    pub fn full(&self) -> String {
        let mut s = self.full_name();
        self.push_suffix(&mut s);
        s
    }

    fn push_suffix(&self, s: &mut String) {
        if let Some(t) = &self.tag {
            s.push(':');
            s.push_str(t);
        }
        if let Some(d) = &self.digest {
            s.push('@');
            s.push_str(d);
        }
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.full())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_like_distribution() {
        let r = Reference::parse("hello-world").unwrap().with_default_tag();
        assert_eq!(r.full(), "docker.io/library/hello-world:latest");
        assert_eq!(r.familiar(), "hello-world:latest");
        let r = Reference::parse("localhost:5000/app:v1").unwrap();
        assert_eq!(
            (r.domain.as_str(), r.path.as_str(), r.tag.as_deref()),
            ("localhost:5000", "app", Some("v1"))
        );
        assert_eq!(r.familiar(), "localhost:5000/app:v1");
        assert_eq!(Reference::parse("me/app").unwrap().familiar(), "me/app");
        assert_eq!(
            Reference::parse("Hello").unwrap_err().to_string(),
            "invalid reference format: repository name (library/Hello) must be lowercase"
        );
        assert_eq!(
            Reference::parse("a:b:c").unwrap_err(),
            ReferenceError::InvalidFormat
        );
        assert_eq!(
            Reference::parse("-x").unwrap_err(),
            ReferenceError::InvalidFormat
        );
    }
}

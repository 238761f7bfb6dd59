//! Absolute, normalised, `/`-separated paths as plain strings.

/// Resolves `path` against `cwd` (absolute) and removes `.`, `..` and repeated slashes.
/// `..` at the root stays at the root, as in POSIX.
pub fn normalize(cwd: &str, path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let full;
    let p = if path.starts_with('/') {
        path
    } else {
        full = format!("{cwd}/{path}");
        &full
    };
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    if parts.is_empty() {
        "/".into()
    } else {
        let mut s = String::new();
        for part in parts {
            s.push('/');
            s.push_str(part);
        }
        s
    }
}

/// The components of a normalised absolute path (`/` has none).
pub fn split(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

/// The parent of a normalised absolute path (`/` is its own parent).
pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// The last component of a path (`/` for the root).
pub fn basename(path: &str) -> &str {
    let t = path.trim_end_matches('/');
    if t.is_empty() {
        return "/";
    }
    t.rsplit('/').next().unwrap_or(t)
}

/// `dir` + `/` + `name` without doubling the slash.
pub fn join(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes() {
        assert_eq!(
            normalize("/home/learner", "app/../x/./y"),
            "/home/learner/x/y"
        );
        assert_eq!(normalize("/a", "/../.."), "/");
        assert_eq!(normalize("/a/b", ".."), "/a");
        assert_eq!(parent("/a/b"), "/a");
        assert_eq!(parent("/a"), "/");
        assert_eq!(basename("/a/b/"), "b");
    }
}

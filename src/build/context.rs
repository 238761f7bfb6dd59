//! The build context: the directory `docker build` is given, as the builder sees it. Its
//! `.dockerignore` takes paths out; what COPY and ADD read is checksummed into the cache keys,
//! file by file, so a cache miss can say which file changed.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::dockerfile::Ignore;
use crate::vfs::{join, sha256_digest, Meta, Node, NodeKind, Tree};

fn owned_by_root(n: &Node) -> Node {
    let kind = match &n.kind {
        NodeKind::Dir(e) => NodeKind::Dir(Arc::new(e.iter().map(|(k, c)| (k.clone(), owned_by_root(c))).collect())),
        other => other.clone(),
    };
    Node { kind, meta: Meta { uid: 0, gid: 0, ..n.meta.clone() } }
}

/// A context: its files once `.dockerignore` is applied.
#[derive(Clone, Debug)]
pub struct Context {
    pub tree: Tree,
    /// The `.dockerignore` text, if the context has one.
    pub ignore_text: Option<String>,
}

/// The subtree of `fs` at `dir` as a tree of its own (the directory becomes `/`).
pub fn subtree(fs: &Tree, dir: &str) -> Option<Tree> {
    let node = fs.get(&fs.canonical(dir)?)?.clone();
    if !node.is_dir() {
        return None;
    }
    let mut t = Tree::new(node.meta.clone());
    if let NodeKind::Dir(entries) = &node.kind {
        for (name, child) in entries.iter() {
            let _ = t.insert(&join("/", name), child.clone(), &node.meta);
        }
    }
    Some(t)
}

fn filter_into(src: &Node, rel: &str, ig: &Ignore, out: &mut Tree, dir_meta: &Meta) {
    let NodeKind::Dir(entries) = &src.kind else { return };
    for (name, child) in entries.iter() {
        let path = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
        let ignored = ig.matches(&path);
        if ignored && !(child.is_dir() && ig.has_exclusions()) {
            continue;
        }
        let abs = format!("/{path}");
        match &child.kind {
            NodeKind::Dir(_) => {
                if !ignored {
                    let _ = out.mkdir(&abs, true, &child.meta);
                }
                filter_into(child, &path, ig, out, dir_meta);
            }
            _ if !ignored => {
                let _ = out.insert(&abs, child.clone(), dir_meta);
            }
            _ => {}
        }
    }
}

impl Context {
    /// The context of directory tree `files` with its `.dockerignore` applied. `ignore_file`
    /// is the ignore file to use instead of the context's own (`Dockerfile.dockerignore`).
    pub fn new(files: Tree, ignore_file: Option<String>) -> Context {
        let own = match files.get("/.dockerignore").map(|n| &n.kind) {
            Some(NodeKind::File(d)) => Some(String::from_utf8_lossy(d).into_owned()),
            _ => None,
        };
        let ignore_text = ignore_file.or(own);
        let tree = match &ignore_text {
            Some(text) => {
                let ig = Ignore::parse(text);
                let root = files.get("/").cloned();
                let meta = root.as_ref().map(|r| r.meta.clone()).unwrap_or(Meta { mode: 0o755, uid: 0, gid: 0, mtime: crate::clock::SimTime(0) });
                let mut out = Tree::new(meta.clone());
                if let Some(r) = root {
                    filter_into(&r, "", &ig, &mut out, &meta);
                }
                out
            }
            None => files,
        };
        // The client sends every file as root's (buildx's `resetUIDAndGID`).
        let tree = match tree.get("/") {
            Some(root) => Tree::from_root(owned_by_root(root)),
            None => tree,
        };
        Context { tree, ignore_text }
    }

    /// Bytes of regular files and symlink targets (what `load build context` transfers).
    pub fn size(&self) -> u64 {
        fn walk(n: &Node) -> u64 {
            match &n.kind {
                NodeKind::File(d) => d.len() as u64,
                NodeKind::Symlink(t) => t.len() as u64,
                NodeKind::Dir(e) => e.values().map(walk).sum(),
            }
        }
        self.tree.get("/").map(walk).unwrap_or(0)
    }
}

/// The checksum of one file as the cache sees it: content, mode and (for symlinks) target.
pub fn file_digest(n: &Node) -> String {
    match &n.kind {
        NodeKind::File(d) => {
            let mut v = format!("f {:o}\n", n.meta.mode).into_bytes();
            v.extend_from_slice(d);
            sha256_digest(&v)
        }
        NodeKind::Symlink(t) => sha256_digest(format!("l {t}").as_bytes()),
        NodeKind::Dir(_) => sha256_digest(format!("d {:o}", n.meta.mode).as_bytes()),
    }
}

/// Every file under `node` (itself when it is not a directory) with its checksum, by path
/// below `prefix`, in path order.
pub fn digests(node: &Node, prefix: &str, out: &mut BTreeMap<String, String>) {
    out.insert(prefix.to_string(), file_digest(node));
    if let NodeKind::Dir(entries) = &node.kind {
        for (name, child) in entries.iter() {
            let p = if prefix.is_empty() || prefix == "/" { format!("{}{name}", prefix) } else { format!("{prefix}/{name}") };
            digests(child, &p, out);
        }
    }
}

/// The digest of a set of (path, file digest) pairs.
pub fn combined(files: &BTreeMap<String, String>) -> String {
    let mut s = String::new();
    for (p, d) in files {
        s.push_str(p);
        s.push(' ');
        s.push_str(d);
        s.push('\n');
    }
    sha256_digest(s.as_bytes())
}

/// A tree with one file, for `-f -` contexts and here-document sources.
pub fn single_file(name: &str, data: &[u8], meta: &Meta) -> Tree {
    let mut t = Tree::new(Meta { mode: 0o755, ..meta.clone() });
    let _ = t.insert(&join("/", name), Node { kind: NodeKind::File(Arc::new(data.to_vec())), meta: meta.clone() }, meta);
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::SimTime;

    fn meta() -> Meta {
        Meta { mode: 0o644, uid: 1000, gid: 1000, mtime: SimTime(0) }
    }

    #[test]
    fn dockerignore_takes_paths_out() {
        let mut t = Tree::new(Meta { mode: 0o755, ..meta() });
        for p in ["/app.js", "/node_modules/x/index.js", "/logs/a.log", "/logs/keep.log", "/.dockerignore"] {
            let _ = t.mkdir(crate::vfs::parent(p), true, &Meta { mode: 0o755, ..meta() });
            let data: &[u8] = if p == "/.dockerignore" { b"node_modules\nlogs/*.log\n!logs/keep.log\n" } else { b"x" };
            let _ = t.write(p, data, false, &meta());
        }
        let c = Context::new(t, None);
        assert!(c.tree.get("/app.js").is_some());
        assert!(c.tree.get("/node_modules").is_none());
        assert!(c.tree.get("/logs/a.log").is_none());
        assert!(c.tree.get("/logs/keep.log").is_some());
        assert!(c.tree.get("/.dockerignore").is_some());
    }
}

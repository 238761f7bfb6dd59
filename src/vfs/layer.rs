//! Layers: the changes one image layer (or a container's writable layer) makes to the tree below
//! it — added or changed files, directories and symlinks, and whiteouts for deletions — with the
//! canonical tar serialisation whose sha256 is the layer's `DiffID`.

use std::sync::Arc;

use super::path::{join, parent};
use super::tar::{header, read_entries, TarEntry, TarKind};
use super::tree::{Meta, Node, NodeKind, Tree};

/// One change of a layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A file or symlink at the path, or a directory's metadata (its children are entries of
    /// their own). A directory replaces a non-directory below it.
    Put(Node),
    /// Removes the path from the layers below (`.wh.<name>` in a tar).
    Whiteout,
    /// A directory that hides everything the layers below have in it (`.wh..wh..opq`).
    Opaque(Meta),
}

/// A layer: its changes by absolute path, parents before children (path order).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layer {
    pub entries: Vec<(String, Change)>,
}

fn empty_dir(meta: &Meta) -> Node {
    Node {
        kind: NodeKind::Dir(Arc::default()),
        meta: meta.clone(),
    }
}

impl Layer {
    /// A layer holding everything in `tree` (a base layer, an imported tarball).
    pub fn from_tree(tree: &Tree) -> Layer {
        let mut l = Layer::default();
        if let Some(NodeKind::Dir(entries)) = tree.get("/").map(|n| &n.kind) {
            for (name, n) in entries.iter() {
                put_all(n, &join("/", name), &mut l.entries);
            }
        }
        l
    }

    /// The changes that turn `lower` into `upper` (`docker commit`, a build step).
    pub fn diff(lower: &Tree, upper: &Tree) -> Layer {
        let mut l = Layer::default();
        if let (Some(a), Some(b)) = (lower.get("/"), upper.get("/")) {
            diff_dir(a, b, "/", &mut l.entries);
        }
        l
    }

    /// Applies the layer on top of `tree`.
    pub fn apply(&self, tree: &mut Tree) {
        for (path, change) in &self.entries {
            let dir_meta = tree
                .get(parent(path))
                .map(|n| n.meta.clone())
                .unwrap_or_else(|| Meta {
                    mode: 0o755,
                    uid: 0,
                    gid: 0,
                    mtime: crate::clock::SimTime(0),
                });
            match change {
                Change::Whiteout => {
                    let _ = tree.remove(path, true);
                }
                Change::Opaque(meta) => {
                    let _ = tree.insert(path, empty_dir(meta), &dir_meta);
                }
                Change::Put(node) => {
                    let keep = node.is_dir() && tree.get(path).is_some_and(|n| n.is_dir());
                    if keep {
                        let m = node.meta.clone();
                        let _ = tree.set_meta(path, |x| *x = m);
                    } else {
                        let _ = tree.insert(path, node.clone(), &dir_meta);
                    }
                }
            }
        }
    }

    /// The tree of a stack of layers, bottom first.
    pub fn stack<'a>(layers: impl IntoIterator<Item = &'a Layer>, root: Meta) -> Tree {
        let mut t = Tree::new(root);
        for l in layers {
            l.apply(&mut t);
        }
        t
    }

    /// The canonical serialisation: an uncompressed tar with entries in path order, whiteouts as
    /// `.wh.` files, as Docker writes layer tars.
    pub fn to_tar(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (path, change) in &self.entries {
            let rel = path.trim_start_matches('/');
            match change {
                Change::Put(n) => match &n.kind {
                    NodeKind::Dir(_) => out.extend_from_slice(&header(&format!("{rel}/"), n, 0)),
                    NodeKind::File(d) => {
                        out.extend_from_slice(&header(rel, n, d.len() as u64));
                        out.extend_from_slice(d);
                        out.extend(std::iter::repeat_n(0u8, (512 - d.len() % 512) % 512));
                    }
                    NodeKind::Symlink(_) => out.extend_from_slice(&header(rel, n, 0)),
                },
                Change::Whiteout => {
                    let dir = parent(path).trim_start_matches('/');
                    let name = super::path::basename(path);
                    let wh = if dir.is_empty() {
                        format!(".wh.{name}")
                    } else {
                        format!("{dir}/.wh.{name}")
                    };
                    out.extend_from_slice(&header(&wh, &whiteout_node(), 0));
                }
                Change::Opaque(meta) => {
                    out.extend_from_slice(&header(&format!("{rel}/"), &empty_dir(meta), 0));
                    out.extend_from_slice(&header(
                        &format!("{rel}/.wh..wh..opq"),
                        &whiteout_node(),
                        0,
                    ));
                }
            }
        }
        out.extend(std::iter::repeat_n(0u8, 1024));
        out
    }

    /// Reads a layer tar (whiteouts and opaque markers included); `None` if it is not a tar.
    pub fn from_tar(data: &[u8]) -> Option<Layer> {
        let mut entries: Vec<(String, Change)> = Vec::new();
        for TarEntry { path, kind, meta } in read_entries(data)? {
            let name = super::path::basename(&path);
            if name == ".wh..wh..opq" {
                let dir = parent(&path).to_string();
                match entries.iter_mut().find(|(p, _)| *p == dir) {
                    Some(e) => {
                        let dir_meta = match &e.1 {
                            Change::Put(n) => n.meta.clone(),
                            _ => meta,
                        };
                        e.1 = Change::Opaque(dir_meta);
                    }
                    None => entries.push((dir, Change::Opaque(meta))),
                }
                continue;
            }
            if let Some(hidden) = name.strip_prefix(".wh.") {
                entries.push((join(parent(&path), hidden), Change::Whiteout));
                continue;
            }
            let kind = match kind {
                TarKind::Dir => NodeKind::Dir(Arc::default()),
                TarKind::File(d) => NodeKind::File(Arc::new(d)),
                TarKind::Symlink(t) => NodeKind::Symlink(t),
            };
            entries.push((path, Change::Put(Node { kind, meta })));
        }
        crate::text::sort_by(&mut entries, &|a, b| a.0.cmp(&b.0));
        Some(Layer { entries })
    }

    /// `sha256:` of the canonical tar: the layer's DiffID.
    pub fn digest(&self) -> String {
        super::sha256_digest(&self.to_tar())
    }

    /// Bytes of content the layer adds (files and symlink targets), as `docker history` sizes a
    /// layer.
    pub fn content_size(&self) -> u64 {
        self.entries
            .iter()
            .map(|(_, c)| match c {
                Change::Put(n) => match &n.kind {
                    NodeKind::File(d) => d.len() as u64,
                    NodeKind::Symlink(t) => t.len() as u64,
                    NodeKind::Dir(_) => 0,
                },
                _ => 0,
            })
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn whiteout_node() -> Node {
    Node {
        kind: NodeKind::File(Arc::default()),
        meta: Meta {
            mode: 0o644,
            uid: 0,
            gid: 0,
            mtime: crate::clock::SimTime(0),
        },
    }
}

/// `node` at `path` and, for a directory, everything below it.
fn put_all(node: &Node, path: &str, out: &mut Vec<(String, Change)>) {
    match &node.kind {
        NodeKind::Dir(children) => {
            out.push((path.to_string(), Change::Put(empty_dir(&node.meta))));
            for (name, c) in children.iter() {
                put_all(c, &join(path, name), out);
            }
        }
        _ => out.push((path.to_string(), Change::Put(node.clone()))),
    }
}

fn diff_dir(a: &Node, b: &Node, path: &str, out: &mut Vec<(String, Change)>) {
    let (NodeKind::Dir(x), NodeKind::Dir(y)) = (&a.kind, &b.kind) else {
        return;
    };
    if Arc::ptr_eq(x, y) {
        return;
    }
    // Children in name order: deletions and changes interleaved, as a tar of the diff lists them.
    let mut names: Vec<&String> = x.keys().chain(y.keys()).collect();
    crate::text::sort(&mut names);
    names.dedup();
    for name in names {
        let p = join(path, name);
        match (x.get(name), y.get(name)) {
            (Some(_), None) => out.push((p, Change::Whiteout)),
            (None, Some(nb)) => put_all(nb, &p, out),
            (Some(na), Some(nb)) => match (&na.kind, &nb.kind) {
                (NodeKind::Dir(_), NodeKind::Dir(_)) => {
                    let at = out.len();
                    diff_dir(na, nb, &p, out);
                    if na.meta != nb.meta || out.len() > at {
                        out.insert(at, (p, Change::Put(empty_dir(&nb.meta))));
                    }
                }
                (NodeKind::File(da), NodeKind::File(db))
                    if (Arc::ptr_eq(da, db) || da == db) && na.meta == nb.meta => {}
                (NodeKind::Symlink(ta), NodeKind::Symlink(tb))
                    if ta == tb && na.meta == nb.meta => {}
                (NodeKind::Dir(_), _) => {
                    out.push((p.clone(), Change::Whiteout));
                    put_all(nb, &p, out);
                }
                _ => put_all(nb, &p, out),
            },
            (None, None) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::SimTime;

    fn m(mode: u32) -> Meta {
        Meta {
            mode,
            uid: 0,
            gid: 0,
            mtime: SimTime::from_secs(1000),
        }
    }

    fn sample() -> Tree {
        let mut t = Tree::new(m(0o755));
        t.mkdir("/etc/apt", true, &m(0o755)).unwrap();
        t.write("/etc/os-release", b"ID=x\n", false, &m(0o644))
            .unwrap();
        t.write("/etc/apt/sources", b"deb\n", false, &m(0o644))
            .unwrap();
        t.insert(
            "/bin",
            Node {
                kind: NodeKind::Symlink("usr/bin".into()),
                meta: m(0o777),
            },
            &m(0o755),
        )
        .unwrap();
        t
    }

    #[test]
    fn diff_then_apply_gives_the_upper_tree() {
        let lower = sample();
        let mut upper = lower.clone();
        upper.remove("/etc/apt", true).unwrap();
        upper.write("/etc/os-release", b"ID=y\n", false, &m(0o644))
            .unwrap();
        upper.mkdir("/app/src", true, &m(0o755)).unwrap();
        upper.write("/app/src/main.py", b"print(1)\n", false, &m(0o644))
            .unwrap();
        let layer = Layer::diff(&lower, &upper);
        let mut rebuilt = lower.clone();
        layer.apply(&mut rebuilt);
        assert_eq!(rebuilt, upper);
        assert!(layer
            .entries
            .iter()
            .any(|(p, c)| p == "/etc/apt" && *c == Change::Whiteout));
        assert!(Layer::diff(&upper, &upper).is_empty());
    }

    #[test]
    fn tar_round_trip_keeps_whiteouts_and_digest() {
        let lower = sample();
        let mut upper = lower.clone();
        upper.remove("/etc/os-release", false).unwrap();
        upper.write("/etc/new", b"n", false, &m(0o600)).unwrap();
        let layer = Layer::diff(&lower, &upper);
        let tar = layer.to_tar();
        let back = Layer::from_tar(&tar).unwrap();
        assert_eq!(back, layer);
        assert_eq!(back.digest(), layer.digest());
        let full = Layer::from_tree(&lower);
        assert_eq!(Layer::stack([&full, &layer], m(0o755)), upper);
        assert_ne!(full.digest(), layer.digest());
    }

    #[test]
    fn whiteouts_hide_lower_files() {
        let base = Layer::from_tree(&sample());
        let hide = Layer {
            entries: vec![("/etc".into(), Change::Opaque(m(0o755)))],
        };
        let t = Layer::stack([&base, &hide], m(0o755));
        assert!(t.get("/etc").is_some_and(|n| n.is_dir()));
        assert!(t.get("/etc/os-release").is_none());
        let round = Layer::from_tar(&hide.to_tar()).unwrap();
        assert_eq!(round, hide);
    }
}

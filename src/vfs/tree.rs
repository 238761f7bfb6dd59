//! A mutable file tree with POSIX-like errors.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::path::{parent, split};
use crate::clock::SimTime;

/// Ownership, permissions and modification time of a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meta {
    /// Permission bits (e.g. 0o644), without the file type.
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub mtime: SimTime,
}

/// The entries of a directory, shared until written (copy-on-write).
pub type Entries = Arc<BTreeMap<String, Node>>;

/// What a node is. Contents are behind `Arc`s, so cloning a tree is cheap and clones share
/// everything they have not changed: a container's root file system is a clone of its image's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeKind {
    File(Arc<Vec<u8>>),
    Dir(Entries),
    Symlink(String),
}

/// A file, directory or symlink with its metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub kind: NodeKind,
    pub meta: Meta,
}

impl Node {
    pub fn is_dir(&self) -> bool {
        matches!(self.kind, NodeKind::Dir(_))
    }
    /// Size as `ls -l` shows it: bytes of a file, 4096 for a directory, target length for a symlink.
    pub fn size(&self) -> u64 {
        match &self.kind {
            NodeKind::File(d) => d.len() as u64,
            NodeKind::Dir(_) => 4096,
            NodeKind::Symlink(t) => t.len() as u64,
        }
    }
}

/// Why a file-system operation failed, worded as coreutils words it (`strerror`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FsError {
    NotFound,
    NotADirectory,
    IsADirectory,
    Exists,
    NotEmpty,
    /// Under a read-only mount (`-v …:ro`).
    ReadOnly,
}

impl FsError {
    pub fn message(self) -> &'static str {
        match self {
            FsError::NotFound => "No such file or directory",
            FsError::NotADirectory => "Not a directory",
            FsError::IsADirectory => "Is a directory",
            FsError::Exists => "File exists",
            FsError::NotEmpty => "Directory not empty",
            FsError::ReadOnly => "Read-only file system",
        }
    }
}

/// A tree rooted at `/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tree {
    root: Node,
    /// Paths (and everything below them) that writes may not change: read-only mounts.
    readonly: Vec<String>,
}

impl Tree {
    /// An empty tree whose root directory has `meta`.
    pub fn new(meta: Meta) -> Tree {
        Tree {
            root: Node {
                kind: NodeKind::Dir(Arc::default()),
                meta,
            },
            readonly: Vec::new(),
        }
    }

    /// A tree whose root is `root` (a directory).
    pub fn from_root(root: Node) -> Tree {
        Tree { root, readonly: Vec::new() }
    }

    /// Makes `path` and everything below it read-only for `mkdir`, `write`, `insert`,
    /// `set_meta` and `remove` (`graft` still replaces it).
    pub fn set_readonly(&mut self, path: &str) {
        if !self.readonly.iter().any(|p| p == path) {
            self.readonly.push(path.to_string());
        }
    }

    /// Undoes [`Tree::set_readonly`] for exactly `path` (an unmount).
    pub fn set_writable(&mut self, path: &str) {
        self.readonly.retain(|p| p != path);
    }

    fn check_writable(&self, path: &str) -> Result<(), FsError> {
        let hit = self.readonly.iter().any(|ro| {
            path == ro || path.strip_prefix(ro.as_str()).is_some_and(|r| r.starts_with('/')) || ro == "/"
        });
        if hit {
            Err(FsError::ReadOnly)
        } else {
            Ok(())
        }
    }

    /// Puts `node` at `path` whatever is there (a mount), creating missing parents with
    /// `dir_meta`; read-only paths do not stop it.
    pub fn graft(&mut self, path: &str, node: Node, dir_meta: &Meta) -> Result<(), FsError> {
        let ro = std::mem::take(&mut self.readonly);
        let r = self.insert(path, node, dir_meta);
        self.readonly = ro;
        r
    }

    /// The node at `path`. Symlinks in the directories on the way are followed (as the kernel
    /// does); a symlink at the end is returned as is.
    pub fn get(&self, path: &str) -> Option<&Node> {
        let mut node = &self.root;
        for seg in split(path) {
            match &node.kind {
                NodeKind::Dir(entries) => node = entries.get(seg)?,
                NodeKind::Symlink(_) => {
                    let dir = self.canonical(parent(path))?;
                    return self.get_exact(&super::path::join(&dir, super::path::basename(path)));
                }
                _ => return None,
            }
        }
        Some(node)
    }

    fn get_exact(&self, path: &str) -> Option<&Node> {
        let mut node = &self.root;
        for seg in split(path) {
            match &node.kind {
                NodeKind::Dir(entries) => node = entries.get(seg)?,
                _ => return None,
            }
        }
        Some(node)
    }

    /// The path with every symlink followed, if it exists.
    pub fn canonical(&self, path: &str) -> Option<String> {
        let mut resolved = String::from("/");
        let mut rest: std::collections::VecDeque<String> =
            split(path).map(str::to_string).collect();
        let mut hops = 0;
        while let Some(c) = rest.pop_front() {
            let candidate = super::path::join(&resolved, &c);
            match &self.get_exact(&candidate)?.kind {
                NodeKind::Symlink(target) => {
                    hops += 1;
                    if hops > 40 {
                        return None;
                    }
                    let t = super::path::normalize(&resolved, target);
                    let mut again: std::collections::VecDeque<String> =
                        split(&t).map(str::to_string).collect();
                    again.extend(rest);
                    rest = again;
                    resolved = "/".into();
                }
                _ => resolved = candidate,
            }
        }
        Some(resolved)
    }

    fn get_mut(&mut self, path: &str) -> Result<&mut Node, FsError> {
        let resolved;
        let path = match self.canonical(parent(path)) {
            Some(dir) if dir != parent(path) => {
                resolved = super::path::join(&dir, super::path::basename(path));
                resolved.as_str()
            }
            _ => path,
        };
        let mut node = &mut self.root;
        for seg in split(path) {
            match &mut node.kind {
                NodeKind::Dir(entries) => {
                    node = Arc::make_mut(entries)
                        .get_mut(seg)
                        .ok_or(FsError::NotFound)?
                }
                _ => return Err(FsError::NotADirectory),
            }
        }
        Ok(node)
    }

    /// The entries of the directory at `path`.
    pub fn list(&self, path: &str) -> Result<&BTreeMap<String, Node>, FsError> {
        match &self.get(path).ok_or(FsError::NotFound)?.kind {
            NodeKind::Dir(entries) => Ok(entries),
            _ => Err(FsError::NotADirectory),
        }
    }

    fn parent_entries(
        &mut self,
        path: &str,
    ) -> Result<(&mut BTreeMap<String, Node>, String), FsError> {
        let name = split(path).last().ok_or(FsError::Exists)?.to_string();
        match &mut self.get_mut(parent(path))?.kind {
            NodeKind::Dir(entries) => Ok((Arc::make_mut(entries), name)),
            _ => Err(FsError::NotADirectory),
        }
    }

    /// Creates a directory; with `parents`, creates missing ancestors and accepts an existing directory.
    pub fn mkdir(&mut self, path: &str, parents: bool, meta: &Meta) -> Result<(), FsError> {
        if !self.readonly.is_empty() && self.get(path).is_none() {
            self.check_writable(path)?;
        }
        if parents {
            let mut node = &mut self.root;
            for seg in split(path) {
                match &mut node.kind {
                    NodeKind::Dir(entries) => {
                        node = Arc::make_mut(entries)
                            .entry(seg.to_string())
                            .or_insert_with(|| Node {
                                kind: NodeKind::Dir(Arc::default()),
                                meta: meta.clone(),
                            });
                    }
                    _ => return Err(FsError::NotADirectory),
                }
            }
            return if node.is_dir() {
                Ok(())
            } else {
                Err(FsError::NotADirectory)
            };
        }
        let (entries, name) = self.parent_entries(path)?;
        if entries.contains_key(&name) {
            return Err(FsError::Exists);
        }
        entries.insert(
            name,
            Node {
                kind: NodeKind::Dir(Arc::default()),
                meta: meta.clone(),
            },
        );
        Ok(())
    }

    /// Writes (or appends to) a regular file, creating it with `meta` if it does not exist.
    pub fn write(
        &mut self,
        path: &str,
        data: &[u8],
        append: bool,
        meta: &Meta,
    ) -> Result<(), FsError> {
        if !append {
            return self.write_shared(path, Arc::new(data.to_vec()), meta);
        }
        self.put_file(path, meta, |existing| match existing {
            Some(e) => {
                Arc::make_mut(e).extend_from_slice(data);
                None
            }
            None => Some(Arc::new(data.to_vec())),
        })
    }

    /// Replaces a regular file's contents with `data` (shared, not copied), as `write` without
    /// `append` does: an existing file keeps its metadata but `mtime`; a new one gets `meta`.
    pub fn write_shared(&mut self, path: &str, data: Arc<Vec<u8>>, meta: &Meta) -> Result<(), FsError> {
        self.put_file(path, meta, |existing| match existing {
            Some(e) => {
                *e = data;
                None
            }
            None => Some(data),
        })
    }

    /// The one place a regular file is written: `edit` changes an existing file's contents in
    /// place (returning `None`; its `mtime` follows `meta`) or gives a new file's (created
    /// with `meta`).
    fn put_file(
        &mut self,
        path: &str,
        meta: &Meta,
        edit: impl FnOnce(Option<&mut Arc<Vec<u8>>>) -> Option<Arc<Vec<u8>>>,
    ) -> Result<(), FsError> {
        self.check_writable(path)?;
        let (entries, name) = self.parent_entries(path)?;
        match entries.get_mut(&name) {
            Some(Node {
                kind: NodeKind::File(existing),
                meta: m,
            }) => {
                edit(Some(existing));
                m.mtime = meta.mtime;
                Ok(())
            }
            Some(Node {
                kind: NodeKind::Dir(_),
                ..
            }) => Err(FsError::IsADirectory),
            Some(_) => Err(FsError::Exists),
            None => {
                if let Some(data) = edit(None) {
                    entries.insert(name, Node { kind: NodeKind::File(data), meta: meta.clone() });
                }
                Ok(())
            }
        }
    }

    /// Whether `other` is this very tree, sharing its root (a clone nobody has written to since).
    pub fn same_as(&self, other: &Tree) -> bool {
        let shared = match (&self.root.kind, &other.root.kind) {
            (NodeKind::Dir(a), NodeKind::Dir(b)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        shared && self.root.meta == other.root.meta && self.readonly == other.readonly
    }

    /// Puts `node` at `path` (replacing what was there), creating missing parent directories with `dir_meta`.
    pub fn insert(&mut self, path: &str, node: Node, dir_meta: &Meta) -> Result<(), FsError> {
        self.check_writable(path)?;
        self.mkdir(parent(path), true, dir_meta)?;
        let (entries, name) = self.parent_entries(path)?;
        entries.insert(name, node);
        Ok(())
    }

    /// Changes a node's metadata in place.
    pub fn set_meta(&mut self, path: &str, f: impl FnOnce(&mut Meta)) -> Result<(), FsError> {
        self.check_writable(path)?;
        f(&mut self.get_mut(path)?.meta);
        Ok(())
    }

    /// Removes a node; a non-empty directory only with `recursive`.
    pub fn remove(&mut self, path: &str, recursive: bool) -> Result<Node, FsError> {
        self.check_writable(path)?;
        let (entries, name) = self.parent_entries(path)?;
        match entries.get(&name) {
            None => Err(FsError::NotFound),
            Some(Node {
                kind: NodeKind::Dir(children),
                ..
            }) if !recursive && !children.is_empty() => Err(FsError::NotEmpty),
            Some(_) => entries.remove(&name).ok_or(FsError::NotFound),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> Meta {
        Meta {
            mode: 0o755,
            uid: 0,
            gid: 0,
            mtime: SimTime(0),
        }
    }

    #[test]
    fn write_read_remove() {
        let mut t = Tree::new(meta());
        t.mkdir("/a/b", true, &meta()).unwrap();
        assert_eq!(t.mkdir("/a/b", false, &meta()), Err(FsError::Exists));
        assert_eq!(t.mkdir("/x/y", false, &meta()), Err(FsError::NotFound));
        t.write("/a/b/f", b"hi", false, &meta()).unwrap();
        t.write("/a/b/f", b"!", true, &meta()).unwrap();
        assert_eq!(
            t.get("/a/b/f").unwrap().kind,
            NodeKind::File(Arc::new(b"hi!".to_vec()))
        );
        assert_eq!(
            t.write("/a/b/f/g", b"", false, &meta()),
            Err(FsError::NotADirectory)
        );
        assert_eq!(t.remove("/a", false).unwrap_err(), FsError::NotEmpty);
        t.remove("/a", true).unwrap();
        assert!(t.get("/a").is_none());
    }

    #[test]
    fn overwrite_keeps_metadata_and_clones_share_until_written() {
        let mut t = Tree::new(meta());
        t.mkdir("/etc", false, &meta()).unwrap();
        let file = Meta { mode: 0o600, ..meta() };
        t.write("/etc/f", b"a long first text", false, &file).unwrap();
        let c = t.clone();
        assert!(c.same_as(&t));
        let later = Meta { mtime: SimTime(5), ..meta() };
        t.write("/etc/f", b"short", false, &later).unwrap();
        assert!(!c.same_as(&t));
        let n = t.get("/etc/f").unwrap();
        assert_eq!(n.kind, NodeKind::File(Arc::new(b"short".to_vec())));
        assert_eq!((n.meta.mode, n.meta.mtime), (0o600, SimTime(5)));
        // The clone still has the first text.
        assert_eq!(c.get("/etc/f").unwrap().size(), 17);
        let shared = Arc::new(b"shared".to_vec());
        t.write_shared("/etc/g", shared.clone(), &meta()).unwrap();
        assert!(matches!(&t.get("/etc/g").unwrap().kind, NodeKind::File(d) if Arc::ptr_eq(d, &shared)));
        assert_eq!(t.write_shared("/etc", shared, &meta()), Err(FsError::IsADirectory));
    }
}

//! In-memory file trees: the learner's host folder today, image layers and container layers later.
//! Pure data; no `std::fs`.

mod diff;
mod digest;
mod layer;
mod path;
mod tar;
mod tree;

pub use diff::{changes, tar_size};
pub use layer::{Change, Layer};
pub use digest::{hex_of, sha256_digest, short_id};
pub use path::{basename, join, normalize, parent, split};
pub use tar::{read_tar, write_tar};
pub use tree::{Entries, FsError, Meta, Node, NodeKind, Tree};

//! Content digests: real sha256, printed as Docker prints them.

use sha2::{Digest, Sha256};

/// `sha256:<64 hex>` of `bytes`.
pub fn sha256_digest(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let mut s = String::with_capacity(71);
    s.push_str("sha256:");
    for b in hash {
        s.push(char::from_digit((b >> 4) as u32, 16).unwrap_or('0'));
        s.push(char::from_digit((b & 15) as u32, 16).unwrap_or('0'));
    }
    s
}

/// The 64 hex digits of a `sha256:` digest (or the input itself).
pub fn hex_of(digest: &str) -> &str {
    digest.strip_prefix("sha256:").unwrap_or(digest)
}

/// `stringid.TruncateID`: the first 12 hex digits, without the algorithm prefix.
pub fn short_id(id: &str) -> &str {
    let hex = match id.find(':') {
        Some(i) => &id[i + 1..],
        None => id,
    };
    &hex[..hex.len().min(12)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_empty_input() {
        assert_eq!(
            sha256_digest(b""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            short_id("sha256:e3b0c44298fc1c149afbf4c8996fb924"),
            "e3b0c44298fc"
        );
    }
}

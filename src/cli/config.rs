//! The CLI's config file, `$DOCKER_CONFIG/config.json` or `~/.docker/config.json` on the host:
//! stored registry credentials (the file store, base64 `user:password`), as docker 28.2.2
//! writes it (`json.MarshalIndent` with tabs, no trailing newline).

use serde_json::{json, Map, Value};

use super::Ctx;
use crate::daemon::AuthConfig;
use crate::clock::SimTime;
use crate::vfs::{Meta, Tree};

/// The key Docker Hub credentials are stored under.
pub const INDEX_SERVER: &str = "https://index.docker.io/v1/";

/// The config file of the calling user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigFile {
    pub path: String,
    uid: u32,
}

impl ConfigFile {
    /// Where the config file lives for this shell environment.
    pub fn of(ctx: &Ctx) -> ConfigFile {
        let path = match ctx.var("DOCKER_CONFIG") {
            Some(dir) => crate::vfs::normalize(ctx.cwd, &format!("{dir}/config.json")),
            None => format!("{}/.docker/config.json", ctx.var("HOME").unwrap_or("/root")),
        };
        ConfigFile { path, uid: ctx.uid }
    }

    fn read(&self, fs: &Tree) -> Map<String, Value> {
        match fs.get(&self.path).map(|n| &n.kind) {
            Some(crate::vfs::NodeKind::File(d)) => serde_json::from_slice::<Value>(d)
                .ok()
                .and_then(|v| v.as_object().cloned())
                .unwrap_or_default(),
            _ => Map::new(),
        }
    }

    fn write(&self, fs: &mut Tree, now: SimTime, cfg: &Map<String, Value>) -> Result<(), String> {
        let p = &self.path;
        let meta = Meta {
            mode: 0o600,
            uid: self.uid,
            gid: self.uid,
            mtime: now,
        };
        let dir = crate::vfs::parent(p).to_string();
        let dir_meta = Meta { mode: 0o700, ..meta.clone() };
        let err = |e: crate::vfs::FsError| format!("open {p}: {}", e.message().to_ascii_lowercase());
        fs.mkdir(&dir, true, &dir_meta).map_err(err)?;
        let text = crate::json::indented(&Value::Object(cfg.clone()), "\t");
        fs.write(p, text.as_bytes(), false, &meta).map_err(err)
    }

    /// The stored credentials for a registry key (`https://index.docker.io/v1/`, `localhost:5000`).
    pub fn credentials(&self, fs: &Tree, key: &str) -> Option<AuthConfig> {
        let cfg = self.read(fs);
        let auth = cfg.get("auths")?.get(key)?.get("auth")?.as_str()?;
        let decoded = String::from_utf8(base64_decode(auth)?).ok()?;
        let (user, pass) = decoded.split_once(':')?;
        Some(AuthConfig {
            username: user.to_string(),
            password: pass.to_string(),
            server: key.to_string(),
        })
    }

    /// Stores credentials; `true` when the file changed.
    pub fn store(&self, fs: &mut Tree, now: SimTime, auth: &AuthConfig) -> Result<bool, String> {
        let mut cfg = self.read(fs);
        let encoded = base64_encode(format!("{}:{}", auth.username, auth.password).as_bytes());
        let auths = cfg.entry("auths").or_insert_with(|| json!({}));
        if !auths.is_object() {
            *auths = json!({});
        }
        let Some(map) = auths.as_object_mut() else { return Ok(false) };
        if map.get(&auth.server).and_then(|a| a.get("auth")).and_then(Value::as_str) == Some(&encoded) {
            return Ok(false);
        }
        map.insert(auth.server.clone(), json!({ "auth": encoded }));
        sort_keys(map);
        self.write(fs, now, &cfg)?;
        Ok(true)
    }

    /// Forgets the credentials of every key in `keys`.
    pub fn erase(&self, fs: &mut Tree, now: SimTime, keys: &[String]) -> Result<(), String> {
        let mut cfg = self.read(fs);
        if cfg.is_empty() {
            return Ok(());
        }
        if let Some(map) = cfg.get_mut("auths").and_then(Value::as_object_mut) {
            for k in keys {
                map.remove(k);
            }
        }
        self.write(fs, now, &cfg)
    }
}

/// `ConvertToHostname`: `https://registry.example.com/v2/` → `registry.example.com`.
pub fn hostname(server: &str) -> String {
    let s = server
        .strip_prefix("https://")
        .or_else(|| server.strip_prefix("http://"))
        .unwrap_or(server);
    s.split('/').next().unwrap_or(s).to_string()
}

/// The key credentials for a registry domain are stored under.
pub fn auth_key(domain: &str) -> String {
    if domain == "docker.io" {
        INDEX_SERVER.to_string()
    } else {
        domain.to_string()
    }
}

/// Go marshals map keys in sorted order.
fn sort_keys(map: &mut Map<String, Value>) {
    let mut entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
    crate::text::sort_by(&mut entries, &|a, b| a.0.cmp(&b.0));
    map.extend(entries);
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes standard base64 (padding optional); `None` on a bad character.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes().filter(|&c| c != b'=') {
        let v = B64.iter().position(|&x| x == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trip() {
        for s in ["", "a", "ab", "abc", "learner:s3cret!"] {
            let e = base64_encode(s.as_bytes());
            assert_eq!(base64_decode(&e).unwrap(), s.as_bytes());
        }
        assert_eq!(base64_encode(b"user:pass"), "dXNlcjpwYXNz");
    }
}

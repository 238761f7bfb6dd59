//! Images in and out of tar archives and containers: `docker save` (Docker 25+'s OCI layout with
//! `manifest.json`), `docker load`, `docker commit`, `docker import`. Follows moby v28
//! `image/tarexport/{save,load}.go`, `daemon/commit.go`, `daemon/images/image_{commit,import}.go`.

use std::sync::Arc;

use serde_json::{json, Value};

use super::Daemon;
use crate::api::{ApiError, Reference};
use crate::clock::SimTime;
use crate::registry::{History, ImageConfig, ImageData, Layer};
use crate::vfs::{hex_of, sha256_digest, Meta, Tree};

/// The engine version committed and imported images record (`DockerVersion`).
pub const ENGINE_VERSION: &str = "28.2.2";

/// Annotation that keeps a layer's nominal size through save and load (catalog layers stand for
/// bigger real ones; their content is small).
const SIZE_ANNOTATION: &str = "dev.dockling.layer.size";

/// `docker commit` options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommitOptions {
    pub author: String,
    pub comment: String,
    /// Dockerfile instructions (`CMD ["x"]`, `ENV A=1`…).
    pub changes: Vec<String>,
    pub pause: bool,
    pub tag: Option<Reference>,
}

/// What `docker load` reports, line by line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadMessage {
    /// A layer being loaded: its short ID and size (`Loading layer` progress on a terminal).
    Layer(String, u64),
    /// `The image x already exists, renaming the old one with ID … to empty string`.
    Renamed(String, String),
    /// `Loaded image: x` or `Loaded image ID: sha256:…`.
    Loaded(String),
}

fn epoch_meta(mode: u32) -> Meta {
    Meta {
        mode,
        uid: 0,
        gid: 0,
        mtime: SimTime(0),
    }
}

impl Daemon {
    /// `GET /images/get`: a tar of the named images (by name, `name:tag`, or ID).
    pub fn image_save(&self, names: &[String]) -> Result<Vec<u8>, ApiError> {
        // Images in order of first mention, each with the tags that were asked for.
        let mut wanted: Vec<(String, Vec<String>)> = Vec::new();
        let add = |id: String, tag: Option<String>, wanted: &mut Vec<(String, Vec<String>)>| {
            let i = match wanted.iter().position(|(w, _)| *w == id) {
                Some(i) => i,
                None => {
                    wanted.push((id, Vec::new()));
                    wanted.len() - 1
                }
            };
            if let Some(t) = tag {
                if !wanted[i].1.contains(&t) {
                    wanted[i].1.push(t);
                }
            }
        };
        for name in names {
            let by_id = name.starts_with("sha256:")
                || (name.len() >= 12 && name.bytes().all(|b| b.is_ascii_hexdigit()) && self.find_image(name).is_ok_and(|(_, id)| id));
            if by_id {
                let (id, _) = self.find_image(name)?;
                add(id, None, &mut wanted);
                continue;
            }
            let r = Reference::parse(name).map_err(|e| ApiError::bad_request(e.to_string()))?;
            if r.tag.is_none() && r.digest.is_none() {
                let refs: Vec<(String, String)> = self
                    .references_in(&r.full_name())
                    .into_iter()
                    .filter(|(f, _)| !f.contains('@'))
                    .collect();
                if refs.is_empty() {
                    let (id, _) = self
                        .find_image(name)
                        .map_err(|_| ApiError::not_found(format!("No such image: {name}")))?;
                    add(id, None, &mut wanted);
                }
                for (full, id) in refs {
                    add(id, Some(full), &mut wanted);
                }
                continue;
            }
            let full = r.full();
            let Some(id) = self.refs.get(&full).cloned() else {
                return Err(ApiError::not_found("reference does not exist"));
            };
            add(id, r.digest.is_none().then_some(full), &mut wanted);
        }
        let mut t = Tree::new(epoch_meta(0o755));
        let dir = epoch_meta(0o755);
        let _ = t.mkdir("/blobs/sha256", true, &dir);
        let mut manifest_items = Vec::new();
        let mut index = Vec::new();
        let mut repos = serde_json::Map::new();
        for (id, tags) in &wanted {
            let Some(img) = self.images.get(id) else { continue };
            let data = &img.data;
            let config = data.config_json();
            let _ = t.write(&format!("/blobs/sha256/{}", hex_of(id)), config.as_bytes(), false, &epoch_meta(0o644));
            let mut layer_paths = Vec::new();
            let mut descriptors = Vec::new();
            for l in &data.layers {
                let tar = l.content.to_tar();
                let path = format!("blobs/sha256/{}", hex_of(&l.diff_id));
                let _ = t.write(&format!("/{path}"), &tar, false, &epoch_meta(0o644));
                layer_paths.push(path);
                descriptors.push(json!({
                    "mediaType": "application/vnd.oci.image.layer.v1.tar",
                    "digest": l.diff_id,
                    "size": tar.len(),
                    "annotations": {SIZE_ANNOTATION: l.size.to_string()},
                }));
            }
            let manifest = crate::json::compact(&json!({
                "schemaVersion": 2,
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": id, "size": config.len()},
                "layers": descriptors,
            }));
            let mdigest = sha256_digest(manifest.as_bytes());
            let _ = t.write(&format!("/blobs/sha256/{}", hex_of(&mdigest)), manifest.as_bytes(), false, &epoch_meta(0o644));
            let mut repo_tags = Vec::new();
            for full in tags {
                let Ok(r) = Reference::parse(full) else { continue };
                repo_tags.push(r.familiar());
                let entry = repos
                    .entry(r.familiar_name())
                    .or_insert_with(|| json!({}));
                if let (Some(o), Some(tag), Some(top)) = (entry.as_object_mut(), &r.tag, data.layers.last()) {
                    o.insert(tag.clone(), json!(hex_of(&top.diff_id)));
                }
                index.push(json!({
                    "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "digest": mdigest,
                    "size": manifest.len(),
                    "annotations": {"io.containerd.image.name": full, "org.opencontainers.image.ref.name": r.tag.clone().unwrap_or_default()},
                }));
            }
            if tags.is_empty() {
                index.push(json!({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdigest, "size": manifest.len()}));
            }
            manifest_items.push(json!({
                "Config": format!("blobs/sha256/{}", hex_of(id)),
                "RepoTags": if repo_tags.is_empty() { Value::Null } else { json!(repo_tags) },
                "Layers": layer_paths,
            }));
        }
        let file = epoch_meta(0o644);
        let index_json = crate::json::compact(&json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": index}));
        let _ = t.write("/index.json", index_json.as_bytes(), false, &file);
        let manifest_json = format!("{}\n", crate::json::compact(&Value::Array(manifest_items)));
        let _ = t.write("/manifest.json", manifest_json.as_bytes(), false, &file);
        let _ = t.write("/oci-layout", b"{\"imageLayoutVersion\": \"1.0.0\"}", false, &file);
        if !repos.is_empty() {
            let text = format!("{}\n", crate::json::compact(&Value::Object(repos)));
            let _ = t.write("/repositories", text.as_bytes(), false, &file);
        }
        let mut out = Vec::new();
        if let Some(root) = t.get("/") {
            crate::vfs::write_tar(root, &mut out);
        }
        Ok(out)
    }

    /// `POST /images/load`: the images of a `docker save` archive.
    pub fn image_load(&mut self, data: &[u8], now: SimTime) -> Result<Vec<LoadMessage>, ApiError> {
        let bad = || ApiError::server("unexpected EOF");
        let no_repositories = || {
            ApiError::server(
                "open /var/lib/docker/tmp/docker-import-1792351042/repositories: no such file or directory",
            )
        };
        if data.is_empty() {
            return Err(no_repositories());
        }
        let tree = crate::vfs::read_tar(data, &epoch_meta(0o755)).ok_or_else(|| {
            ApiError::server("archive/tar: invalid tar header")
        })?;
        let read = |p: &str| -> Option<Vec<u8>> {
            match tree.get(&format!("/{}", p.trim_start_matches('/'))).map(|n| &n.kind) {
                Some(crate::vfs::NodeKind::File(d)) => Some(d.to_vec()),
                _ => None,
            }
        };
        let Some(manifest) = read("manifest.json") else {
            if read("repositories").is_none() {
                return Err(no_repositories());
            }
            return Err(ApiError::server("dockling: loading archives without manifest.json (docker 1.9 and older) is not simulated"));
        };
        let items: Value = serde_json::from_slice(&manifest).map_err(|_| bad())?;
        // Nominal layer sizes from the OCI manifests, when the archive has them.
        let mut sizes: Vec<(String, u64)> = Vec::new();
        if let Some(idx) = read("index.json").and_then(|d| serde_json::from_slice::<Value>(&d).ok()) {
            for m in idx["manifests"].as_array().into_iter().flatten() {
                let Some(d) = m["digest"].as_str() else { continue };
                let Some(mj) = read(&format!("blobs/sha256/{}", hex_of(d))).and_then(|b| serde_json::from_slice::<Value>(&b).ok()) else { continue };
                for l in mj["layers"].as_array().into_iter().flatten() {
                    if let (Some(dg), Some(s)) = (l["digest"].as_str(), l["annotations"][SIZE_ANNOTATION].as_str()) {
                        if let Ok(n) = s.parse() {
                            sizes.push((dg.to_string(), n));
                        }
                    }
                }
            }
        }
        let mut out = Vec::new();
        let mut ids = Vec::new();
        let mut tagged = 0;
        for item in items.as_array().ok_or_else(bad)? {
            let config_path = item["Config"].as_str().ok_or_else(bad)?;
            let config = read(config_path).ok_or_else(|| ApiError::server(format!("open /var/lib/docker/tmp/docker-import-0/{config_path}: no such file or directory")))?;
            let cfg: Value = serde_json::from_slice(&config).map_err(|_| bad())?;
            let mut layers = Vec::new();
            let diff_ids: Vec<&str> = cfg["rootfs"]["diff_ids"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            let paths: Vec<&str> = item["Layers"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            if diff_ids.len() != paths.len() {
                return Err(ApiError::server(format!(
                    "invalid manifest, layers length mismatch: expected {}, got {}",
                    paths.len(),
                    diff_ids.len()
                )));
            }
            for (i, (diff, path)) in diff_ids.iter().zip(&paths).enumerate() {
                let tar = read(path).ok_or_else(bad)?;
                let content = crate::vfs::Layer::from_tar(&tar).ok_or_else(bad)?;
                let size = sizes.iter().find(|(d, _)| d == diff).map(|(_, s)| *s);
                let layer = Layer::new(content, size);
                if layer.diff_id != *diff {
                    return Err(ApiError::server(format!(
                        "invalid diffID for layer {i}: expected \"{diff}\", got \"{}\"",
                        layer.diff_id
                    )));
                }
                let chain = super::images::chains(diff_ids[..=i].iter().copied())
                    .pop()
                    .unwrap_or_default();
                if !self.has_layer(&chain) {
                    out.push(LoadMessage::Layer(crate::vfs::short_id(diff).to_string(), layer.size));
                }
                layers.push(Arc::new(layer));
            }
            let image = Arc::new(image_from_config(&cfg, layers));
            let id = self.store_image(image);
            ids.push(id.clone());
            for t in item["RepoTags"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                let Ok(r) = Reference::parse(t) else {
                    return Err(ApiError::bad_request(format!("invalid tag \"{t}\"")));
                };
                let full = r.clone().with_default_tag().full();
                if let Some(old) = self.refs.get(&full).cloned() {
                    if old != id {
                        out.push(LoadMessage::Renamed(r.familiar(), old));
                    }
                }
                self.set_ref(full, &id, now);
                out.push(LoadMessage::Loaded(format!("Loaded image: {}", r.familiar())));
                tagged += 1;
            }
        }
        if tagged == 0 {
            for id in ids {
                out.push(LoadMessage::Loaded(format!("Loaded image ID: {id}")));
            }
        }
        Ok(out)
    }

    /// `POST /commit`: a new image from a container's changes.
    pub fn container_commit(
        &mut self,
        name: &str,
        opts: &CommitOptions,
        now: SimTime,
    ) -> Result<String, ApiError> {
        let c = self.find_container(name)?;
        let parent = self
            .images
            .get(&c.image_id)
            .ok_or_else(|| ApiError::no_such_image(&c.image_id))?;
        let layer_view = self.container_layer_view(&c.id).unwrap_or_else(|| c.rootfs.clone());
        let diff = crate::vfs::Layer::diff(&c.base, &layer_view);
        let mut config = parent.data.config.clone();
        config.env = c.config_env.clone();
        config.cmd = c.config_cmd.clone();
        config.entrypoint = c.config_entrypoint.clone();
        config.user = c.user.clone();
        config.labels = c.labels.clone();
        if c.working_dir != "/" || !config.working_dir.is_empty() {
            config.working_dir = c.working_dir.clone();
        }
        let config = apply_changes(config, &opts.changes)?;
        let created_by = c.config_cmd.clone().unwrap_or_default().join(" ");
        let mut history = parent.data.history.clone();
        let mut layers = parent.data.layers.clone();
        let empty = diff.is_empty();
        history.push(History {
            created: now,
            created_by,
            comment: opts.comment.clone(),
            author: opts.author.clone(),
            empty_layer: empty,
        });
        if !empty {
            layers.push(Arc::new(Layer::new(diff, None)));
        }
        let data = ImageData::new(
            now,
            opts.author.clone(),
            opts.comment.clone(),
            config,
            history,
            layers,
            c.image_id.clone(),
            ENGINE_VERSION.into(),
        );
        let id = self.store_image(Arc::new(data));
        if let Some(t) = &opts.tag {
            self.set_ref(t.clone().with_default_tag().full(), &id, now);
        }
        Ok(id)
    }

    /// `POST /images/create?fromSrc=-`: an image of one layer from a tarball.
    pub fn image_import(
        &mut self,
        tar: &[u8],
        tag: Option<&Reference>,
        message: &str,
        changes: &[String],
        now: SimTime,
    ) -> Result<String, ApiError> {
        let config = apply_changes(ImageConfig::default(), changes)?;
        let tree = crate::vfs::read_tar(tar, &epoch_meta(0o755))
            .ok_or_else(|| ApiError::server("archive/tar: invalid tar header"))?;
        let layer = Layer::new(crate::vfs::Layer::from_tree(&tree), None);
        let comment = if message.is_empty() {
            "Imported from -".to_string()
        } else {
            message.to_string()
        };
        let data = ImageData::new(
            now,
            String::new(),
            comment.clone(),
            config,
            vec![History {
                created: now,
                comment,
                ..History::default()
            }],
            vec![Arc::new(layer)],
            String::new(),
            ENGINE_VERSION.into(),
        );
        let id = self.store_image(Arc::new(data));
        if let Some(t) = tag {
            self.set_ref(t.clone().with_default_tag().full(), &id, now);
        }
        Ok(id)
    }
}

/// An image from a config JSON (as `docker save` writes it) and its layers.
fn image_from_config(cfg: &Value, layers: Vec<Arc<Layer>>) -> ImageData {
    let time = |v: &Value| {
        v.as_str()
            .and_then(crate::clock::parse_rfc3339)
            .unwrap_or(SimTime(0))
    };
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    let history = cfg["history"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| History {
            created: time(&h["created"]),
            created_by: s(&h["created_by"]),
            comment: s(&h["comment"]),
            author: s(&h["author"]),
            empty_layer: h["empty_layer"].as_bool().unwrap_or(false),
        })
        .collect();
    ImageData::new(
        time(&cfg["created"]),
        s(&cfg["author"]),
        s(&cfg["comment"]),
        ImageConfig::from_json(&cfg["config"]),
        history,
        layers,
        s(&cfg["parent"]),
        s(&cfg["docker_version"]),
    )
}

/// Applies `docker commit -c` / `docker import -c` changes (a subset of Dockerfile
/// instructions) to a config.
pub fn apply_changes(mut config: ImageConfig, changes: &[String]) -> Result<ImageConfig, ApiError> {
    for change in changes {
        let line = change.trim();
        if line.is_empty() {
            continue;
        }
        let (word, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim();
        let cmd_form = |rest: &str| -> Vec<String> {
            match serde_json::from_str::<Vec<String>>(rest) {
                Ok(v) => v,
                Err(_) => vec!["/bin/sh".into(), "-c".into(), rest.to_string()],
            }
        };
        match word.to_ascii_lowercase().as_str() {
            "cmd" => config.cmd = Some(cmd_form(rest)),
            "entrypoint" => config.entrypoint = Some(cmd_form(rest)),
            "env" => {
                for (k, v) in key_values(rest) {
                    config.env.retain(|e| e.split('=').next() != Some(k.as_str()));
                    config.env.push(format!("{k}={v}"));
                }
            }
            "label" => {
                for (k, v) in key_values(rest) {
                    config.labels.insert(k, v);
                }
            }
            "expose" => {
                for p in rest.split_whitespace() {
                    let p = if p.contains('/') { p.to_string() } else { format!("{p}/tcp") };
                    config.exposed_ports.insert(p, ());
                }
            }
            "user" => config.user = rest.to_string(),
            "workdir" => config.working_dir = rest.to_string(),
            "stopsignal" => config.stop_signal = Some(rest.to_string()),
            "onbuild" => config.on_build.push(rest.to_string()),
            "volume" => {
                let vols = serde_json::from_str::<Vec<String>>(rest)
                    .unwrap_or_else(|_| rest.split_whitespace().map(str::to_string).collect());
                for v in vols {
                    config.volumes.insert(v, ());
                }
            }
            "healthcheck" => {
                return Err(ApiError::bad_request(
                    "dockling: HEALTHCHECK in --change is not simulated yet",
                ))
            }
            _ => {
                return Err(ApiError::bad_request(format!(
                    "{} is not a valid change command",
                    word.to_ascii_uppercase()
                )))
            }
        }
    }
    Ok(config)
}

/// `KEY=value KEY2="two words"` pairs, or the legacy `KEY value` form.
fn key_values(rest: &str) -> Vec<(String, String)> {
    if !rest.split_whitespace().next().unwrap_or("").contains('=') {
        let (k, v) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        return vec![(k.to_string(), v.trim().to_string())];
    }
    let mut out = Vec::new();
    let mut chars = rest.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let mut word = String::new();
        let mut quote: Option<char> = None;
        while let Some(&c) = chars.peek() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => word.push(c),
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c.is_whitespace() => break,
                None => word.push(c),
            }
            chars.next();
        }
        let (k, v) = word.split_once('=').unwrap_or((&word, ""));
        out.push((k.to_string(), v.to_string()));
    }
    out
}

//! Talking to registries: pull, push, login (`POST /auth`) and search, over the simulated
//! registries of `crate::registry::Hub`. Docker Hub is always there; `localhost:PORT` answers only
//! while a `registry` container publishes that port; other hosts (`registry.example.com`) are
//! simulated private registries that require a login to push. Wording follows moby v28
//! (`distribution/pull_v2.go`, `push_v2.go`, `xfer/upload.go`, `registry/search.go`).

use std::sync::Arc;

use super::Daemon;
use crate::api::{ApiError, Filters, ProgressMessage, Reference};
use crate::clock::SimTime;
use crate::registry::{ImageData, SearchResult};
use crate::vfs::short_id;

const MAX_CONCURRENT_DOWNLOADS: usize = 3;
const MAX_CONCURRENT_UPLOADS: usize = 5;

/// Credentials the CLI sends for a registry (`X-Registry-Auth`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuthConfig {
    pub username: String,
    pub password: String,
    pub server: String,
}

/// Where a registry host is served from.
pub(super) enum Endpoint {
    /// Docker Hub or a simulated remote registry.
    Remote,
    /// A `registry` container publishing the port.
    Container(String),
}

fn is_local(domain: &str) -> bool {
    let host = domain.split(':').next().unwrap_or(domain);
    host == "localhost" || host == "127.0.0.1"
}

impl Daemon {
    /// Finds the registry serving `domain`, or the connection error Docker reports.
    pub(super) fn endpoint(&self, domain: &str) -> Result<Endpoint, ApiError> {
        if !is_local(domain) {
            return Ok(Endpoint::Remote);
        }
        let port: u16 = domain
            .rsplit_once(':')
            .and_then(|(_, p)| p.parse().ok())
            .unwrap_or(80);
        let serving = self.containers().find(|c| {
            c.is_running()
                && c.bound.iter().any(|b| b.public_port == Some(port))
                && Reference::parse(&c.image_ref)
                    .map(|r| r.path == "library/registry")
                    .unwrap_or(false)
        });
        match serving {
            Some(c) => Ok(Endpoint::Container(c.id.clone())),
            None => Err(ApiError::server(format!(
                "Get \"http://{domain}/v2/\": dial tcp 127.0.0.1:{port}: connect: connection refused"
            ))),
        }
    }

    /// `POST /images/create?fromImage=…`: pulls `r` (a tag or digest; all tags with `all_tags`)
    /// and returns the progress stream.
    pub fn image_pull(
        &mut self,
        r: &Reference,
        all_tags: bool,
        now: SimTime,
    ) -> Result<Vec<ProgressMessage>, ApiError> {
        self.endpoint(&r.domain)?;
        let full_name = r.full_name();
        let denied = || {
            ApiError::not_found(format!(
                "pull access denied for {}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
                r.familiar_name()
            ))
        };
        let Some(repo) = self.hub.repository(&full_name) else {
            return Err(denied());
        };
        let mut msgs = Vec::new();
        if all_tags {
            let tags: Vec<String> = repo.tags.keys().cloned().collect();
            let mut any_new = false;
            for t in tags {
                let mut tr = r.clone();
                tr.tag = Some(t);
                any_new |= self.pull_one(&tr, &mut msgs, now)?;
            }
            msgs.push(status_line(any_new, &r.familiar()));
            return Ok(msgs);
        }
        let new = self.pull_one(r, &mut msgs, now)?;
        msgs.push(status_line(new, &r.familiar()));
        Ok(msgs)
    }

    /// Pulls one tag or digest; whether anything changed locally.
    fn pull_one(
        &mut self,
        r: &Reference,
        msgs: &mut Vec<ProgressMessage>,
        now: SimTime,
    ) -> Result<bool, ApiError> {
        let full_name = r.full_name();
        let Some(manifest) = self
            .hub
            .resolve(&full_name, r.tag.as_deref(), r.digest.as_deref())
            .cloned()
        else {
            let what = r.tag.as_deref().or(r.digest.as_deref()).unwrap_or("latest");
            let sep = if r.digest.is_some() { "@" } else { ":" };
            return Err(ApiError::not_found(format!(
                "manifest for {}{sep}{what} not found: manifest unknown: manifest unknown",
                r.familiar_name()
            )));
        };
        let head = match (&r.tag, &r.digest) {
            (_, Some(d)) => d.clone(),
            (Some(t), None) => t.clone(),
            (None, None) => "latest".into(),
        };
        let image_id = manifest.image.id.clone();
        let have_image = self.images.contains_key(&image_id);
        let digest_ref = format!("{full_name}@{}", manifest.digest);
        let tag_ref = r.tag.as_ref().map(|t| format!("{full_name}:{t}"));
        let up_to_date = have_image
            && self.refs.get(&digest_ref) == Some(&image_id)
            && tag_ref
                .as_ref()
                .is_none_or(|t| self.refs.get(t) == Some(&image_id));
        msgs.push(ProgressMessage::layer(&head, format!("Pulling from {}", r.path)));
        if !have_image {
            let chains = super::images::chain_ids(&manifest.image);
            let mut fresh: Vec<String> = Vec::new();
            for (layer, chain) in manifest.image.layers.iter().zip(&chains) {
                let id = short_id(&layer.blob_digest).to_string();
                if self.has_layer(chain) {
                    msgs.push(ProgressMessage::layer(&id, "Already exists"));
                } else if !fresh.contains(&id) {
                    msgs.push(ProgressMessage::layer(&id, "Pulling fs layer"));
                    fresh.push(id);
                }
            }
            for id in fresh.iter().skip(MAX_CONCURRENT_DOWNLOADS) {
                msgs.push(ProgressMessage::layer(id, "Waiting"));
            }
            for id in &fresh {
                msgs.push(ProgressMessage::layer(id, "Verifying Checksum"));
                msgs.push(ProgressMessage::layer(id, "Download complete"));
            }
            for id in &fresh {
                msgs.push(ProgressMessage::layer(id, "Pull complete"));
            }
            self.store_image(manifest.image.clone());
        }
        msgs.push(ProgressMessage::status(format!("Digest: {}", manifest.digest)));
        if let Some(t) = tag_ref {
            self.set_ref(t, &image_id, now);
        }
        self.set_ref(digest_ref, &image_id, now);
        Ok(!up_to_date)
    }

    /// `POST /auth`: checks credentials with the registry (Docker Hub and the simulated
    /// registries accept any non-empty username and password).
    pub fn registry_login(&self, auth: &AuthConfig) -> Result<(), ApiError> {
        let domain = match auth.server.as_str() {
            "" | "https://index.docker.io/v1/" | "docker.io" | "index.docker.io" => "docker.io",
            s => s
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .trim_end_matches('/'),
        };
        self.endpoint(domain)?;
        if auth.username.is_empty() || auth.password.is_empty() {
            return Err(ApiError {
                status: 401,
                message: format!(
                    "Get \"https://{}/v2/\": unauthorized: incorrect username or password",
                    if domain == "docker.io" { "registry-1.docker.io" } else { domain }
                ),
                exit_code: None,
            });
        }
        Ok(())
    }

    /// `POST /images/{name}/push`: pushes a tag (or every tag of the repository when `r` has
    /// none) and returns the progress stream; an error after progress is the stream's last word.
    pub fn image_push(
        &mut self,
        r: &Reference,
        auth: Option<&AuthConfig>,
    ) -> (Vec<ProgressMessage>, Result<(), ApiError>) {
        let mut msgs = Vec::new();
        let endpoint = match self.endpoint(&r.domain) {
            Ok(e) => e,
            Err(e) => return (msgs, Err(e)),
        };
        msgs.push(ProgressMessage::status(format!(
            "The push refers to repository [{}]",
            r.full_name()
        )));
        let targets: Vec<(Option<String>, String)> = match &r.tag {
            Some(t) => match self.refs.get(&format!("{}:{t}", r.full_name())) {
                Some(id) => vec![(Some(t.clone()), id.clone())],
                None => Vec::new(),
            },
            None => self
                .references_in(&r.full_name())
                .into_iter()
                .filter(|(full, _)| !full.contains('@'))
                .filter_map(|(full, id)| Some((Some(full.rsplit_once(':')?.1.to_string()), id)))
                .collect(),
        };
        if targets.is_empty() {
            return (
                msgs,
                Err(ApiError::not_found(format!(
                    "An image does not exist locally with the tag: {}",
                    r.familiar_name()
                ))),
            );
        }
        let owner = match endpoint {
            Endpoint::Container(id) => Some(id),
            Endpoint::Remote => None,
        };
        for (tag, image_id) in targets {
            let Some(image) = self.images.get(&image_id).map(|i| i.data.clone()) else {
                continue;
            };
            if let Err(e) = self.push_one(r, tag.as_deref(), image, auth, owner.clone(), &mut msgs) {
                return (msgs, Err(e));
            }
        }
        (msgs, Ok(()))
    }

    fn push_one(
        &mut self,
        r: &Reference,
        tag: Option<&str>,
        image: Arc<ImageData>,
        auth: Option<&AuthConfig>,
        owner: Option<String>,
        msgs: &mut Vec<ProgressMessage>,
    ) -> Result<(), ApiError> {
        let layers: Vec<String> = image.layers.iter().rev().map(|l| l.blob_digest.clone()).collect();
        let ids: Vec<String> = layers.iter().map(|d| short_id(d).to_string()).collect();
        for id in &ids {
            msgs.push(ProgressMessage::layer(id, "Preparing"));
        }
        // Who may write: Docker Hub namespaces belong to their user; private registries need a
        // login; a local registry container lets anyone push.
        if r.domain == "docker.io" {
            let namespace = r.path.split('/').next().unwrap_or("");
            let allowed = auth.is_some_and(|a| a.username == namespace) && namespace != "library";
            if !allowed {
                return Err(ApiError::server(
                    "denied: requested access to the resource is denied",
                ));
            }
        } else if owner.is_none() && auth.is_none() {
            return Err(ApiError::server("no basic auth credentials"));
        }
        for id in ids.iter().skip(MAX_CONCURRENT_UPLOADS) {
            msgs.push(ProgressMessage::layer(id, "Waiting"));
        }
        let existing: Vec<String> = self
            .hub
            .repository(&r.full_name())
            .map(|repo| {
                repo.tags
                    .values()
                    .flat_map(|m| m.image.layers.iter().map(|l| l.blob_digest.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let mut pushed = Vec::new();
        for (digest, id) in layers.iter().zip(&ids) {
            if existing.contains(digest) {
                msgs.push(ProgressMessage::layer(id, "Layer already exists"));
            } else if let Some(from) = self.hub.repository_with_blob(&r.domain, digest) {
                msgs.push(ProgressMessage::layer(id, format!("Mounted from {from}")));
            } else {
                pushed.push(id.clone());
            }
        }
        for id in pushed {
            msgs.push(ProgressMessage::layer(&id, "Pushed"));
        }
        let m = self.hub.push(&r.full_name(), tag, image, owner);
        msgs.push(ProgressMessage::status(format!(
            "{}: digest: {} size: {}",
            tag.unwrap_or("latest"),
            m.digest,
            m.size
        )));
        Ok(())
    }

    /// `GET /images/search`: Docker Hub repositories whose name or description contains the
    /// term, official images first, then by stars.
    pub fn image_search(
        &self,
        term: &str,
        limit: usize,
        filters: &Filters,
    ) -> Result<Vec<SearchResult>, ApiError> {
        filters.validate(&["is-automated", "is-official", "stars"])?;
        if filters.bool_or("is-automated", false)? {
            return Ok(Vec::new());
        }
        let official = filters.bool_or("is-official", false)?;
        let mut min_stars = 0u32;
        for s in filters.get("stars") {
            let n: u32 = s.parse().map_err(|_| {
                ApiError::bad_request(format!(
                    "invalid filter 'stars={s}': strconv.Atoi: parsing \"{s}\": invalid syntax"
                ))
            })?;
            min_stars = min_stars.max(n);
        }
        let needle = term.to_ascii_lowercase();
        let mut out: Vec<SearchResult> = self
            .hub
            .search_entries()
            .into_iter()
            .map(|(_, r)| r)
            .chain(self.hub.search_extra().cloned())
            .filter(|s| s.name.contains(&needle) || s.description.to_ascii_lowercase().contains(&needle))
            .filter(|s| !filters.contains("is-official") || s.official == official)
            .filter(|s| s.stars >= min_stars)
            .collect();
        crate::text::sort_by(&mut out, &|a, b| {
            let exact = |s: &SearchResult| s.name != needle;
            exact(a)
                .cmp(&exact(b))
                .then(b.official.cmp(&a.official))
                .then(b.stars.cmp(&a.stars))
                .then(a.name.cmp(&b.name))
        });
        out.truncate(if limit == 0 { 25 } else { limit });
        Ok(out)
    }
}

fn status_line(new: bool, shown: &str) -> ProgressMessage {
    ProgressMessage::status(if new {
        format!("Status: Downloaded newer image for {shown}")
    } else {
        format!("Status: Image is up to date for {shown}")
    })
}

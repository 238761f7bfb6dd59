//! Engine API 1.50-shaped types: what the CLI sends to the daemon and what it gets back.
//! Field names are Docker's (`Id`, `RepoTags`, `State`…), so the same types can be served as JSON.

mod filters;
mod reference;
mod types;

pub use filters::{path_match, timestamp, Filters};
pub use reference::{Reference, ReferenceError};
pub use types::*;

/// An error answered by the daemon: an HTTP status and dockerd's exact message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub message: String,
    /// For errors while starting a process: the exit code `docker run` reports (126, 127).
    pub exit_code: Option<i32>,
}

impl ApiError {
    #[cold]
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError {
            status: 404,
            message: message.into(),
            exit_code: None,
        }
    }
    #[cold]
    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError {
            status: 409,
            message: message.into(),
            exit_code: None,
        }
    }
    #[cold]
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError {
            status: 400,
            message: message.into(),
            exit_code: None,
        }
    }
    #[cold]
    pub fn server(message: impl Into<String>) -> ApiError {
        ApiError {
            status: 500,
            message: message.into(),
            exit_code: None,
        }
    }
    /// `No such container: x`
    #[cold]
    pub fn no_such_container(name: &str) -> ApiError {
        ApiError::not_found(format!("No such container: {name}"))
    }
    /// `No such image: x`
    #[cold]
    pub fn no_such_image(name: &str) -> ApiError {
        ApiError::not_found(format!("No such image: {name}"))
    }
    pub fn is_not_found(&self) -> bool {
        self.status == 404
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

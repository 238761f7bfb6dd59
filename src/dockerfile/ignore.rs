//! .dockerignore.

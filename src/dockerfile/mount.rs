//! RUN --mount.

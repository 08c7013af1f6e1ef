//! Object storage behind one small trait (SPEC §5, issue 15): a file's
//! bytes go into a temporary object, which is committed under its key once
//! they all arrived and were checked, or discarded (dropping an
//! uncommitted [`TempObject`] removes it). Reads take an optional byte
//! range.
//!
//! One implementation today: the local disk (`file://`, [`LocalDisk`]),
//! the default `$HABILIS_DATA_DIR/objects`, chosen by `HABILIS_STORAGE_URL`.
//! S3 (`s3://…` through `object_store`, multipart) is a later step: the
//! trait is blocking on purpose, run from `web::block`, which an
//! `object_store` implementation would bridge with a runtime handle.

mod local;

use std::io::{self, Read};
use std::sync::Arc;

pub use local::LocalDisk;

use crate::config::Config;

/// Bytes being written, not yet visible under any key.
pub trait TempObject: Send {
    /// Appends `bytes`.
    fn write(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// Makes the bytes durable and visible under `key` (replacing what was
    /// there).
    fn commit(self: Box<Self>, key: &str) -> io::Result<()>;
}

/// Where files' bytes live.
pub trait Storage: Send + Sync {
    /// A new temporary object (`put`, first half: stream into it, then
    /// [`TempObject::commit`]).
    fn put(&self) -> io::Result<Box<dyn TempObject>>;
    /// The bytes of `key`, from `range.0` for `range.1` bytes when given.
    fn get(&self, key: &str, range: Option<(u64, u64)>) -> io::Result<Box<dyn Read + Send>>;
    /// Removes `key`; a missing key is not an error.
    fn delete(&self, key: &str) -> io::Result<()>;
}

/// The storage `HABILIS_STORAGE_URL` names (default: the local disk under
/// `$HABILIS_DATA_DIR/objects`).
pub fn from_config(config: &Config) -> Result<Arc<dyn Storage>, String> {
    match config.storage_url.as_deref() {
        None => Ok(Arc::new(LocalDisk::new(config.data_path("objects")))),
        Some(url) => match url.strip_prefix("file://") {
            Some(path) if !path.is_empty() => Ok(Arc::new(LocalDisk::new(path.into()))),
            _ => Err(format!(
                "HABILIS_STORAGE_URL: only file://<directory> is supported yet, not {url}"
            )),
        },
    }
}

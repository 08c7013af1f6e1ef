//! Object storage behind one small trait (SPEC §5, issue 15).
//!
//! Two ways in:
//! - **in one request** ([`Storage::put`]): a file's bytes go into a
//!   temporary object, made visible under its key once they all arrived
//!   and were checked, or discarded (dropping an uncommitted [`TempObject`]
//!   removes it);
//! - **over many requests** (tus, [`Storage::stage`]): a staged upload
//!   receives its bytes in appends, possibly in several server processes
//!   and across restarts. What the storage needs to find it again is a
//!   small opaque *staging* text that the caller keeps in the database
//!   beside the offset; the database's offset is the truth, and bytes a
//!   dead request wrote past it are dropped by the next append.
//!
//! Reads take an optional byte range. The trait is blocking on purpose:
//! callers run it from `web::block` (or a job), and an implementation on
//! an async client bridges with a runtime handle.
//!
//! Two implementations, chosen by `HABILIS_STORAGE_URL`: the local disk
//! (`file://`, [`LocalDisk`]), the default `$HABILIS_DATA_DIR/objects`;
//! an S3-compatible server (`s3://bucket[/prefix]?endpoint=…&region=…`,
//! [`S3Storage`]).

mod local;
mod s3;
pub mod stream;

use std::io::{self, Read};
use std::sync::Arc;

pub use local::LocalDisk;
pub use s3::{S3Storage, S3Url};

use crate::config::Config;

/// Bytes being written to a key, not yet visible under it.
pub trait TempObject: Send {
    /// Appends `bytes`.
    fn write(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// Makes the bytes durable and visible under the key given to
    /// [`Storage::put`] (replacing what was there).
    fn commit(self: Box<Self>) -> io::Result<()>;
}

/// One request's appends to a staged upload.
pub trait StagedWriter: Send {
    /// Appends `bytes`.
    fn write(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// Makes every byte written so far durable and returns the staging
    /// text to keep for the next append; `last`: the upload is complete,
    /// no byte will follow (a storage that keeps a tail back may flush
    /// it). Dropping the writer without finishing discards this request's
    /// bytes (best effort: the next append drops them in any case).
    fn finish(self: Box<Self>, last: bool) -> io::Result<String>;
}

/// Where files' bytes live.
pub trait Storage: Send + Sync {
    /// A new object `key`, invisible until [`TempObject::commit`] (stream
    /// into it, then commit; the key is known up front so that a storage
    /// can write in place, e.g. an S3 multipart upload).
    fn put(&self, key: &str) -> io::Result<Box<dyn TempObject>>;
    /// The bytes of `key`, from `range.0` for `range.1` bytes when given.
    fn get(&self, key: &str, range: Option<(u64, u64)>) -> io::Result<Box<dyn Read + Send>>;
    /// Removes `key`; a missing key is not an error.
    fn delete(&self, key: &str) -> io::Result<()>;

    /// Starts a staged upload of the object `key` (which it will become on
    /// [`Storage::complete`]); returns the staging text to keep.
    fn stage(&self, key: &str) -> io::Result<String>;
    /// Opens the staged upload `key` to append from `offset`, the byte
    /// count the database holds (anything a dead request left past it is
    /// dropped first).
    fn append(&self, key: &str, staging: &str, offset: u64) -> io::Result<Box<dyn StagedWriter>>;
    /// Makes the staged bytes the object `key` (after the last
    /// [`StagedWriter::finish`]).
    fn complete(&self, key: &str, staging: &str) -> io::Result<()>;
    /// Discards a staged upload; one already gone is not an error.
    fn abort(&self, key: &str, staging: &str) -> io::Result<()>;
}

/// The storage `HABILIS_STORAGE_URL` names (default: the local disk under
/// `$HABILIS_DATA_DIR/objects`).
pub fn from_config(config: &Config) -> Result<Arc<dyn Storage>, String> {
    match config.storage_url.as_deref() {
        None => Ok(Arc::new(LocalDisk::new(config.data_path("objects")))),
        Some(url) if url.starts_with("s3://") => Ok(Arc::new(S3Storage::open(url)?)),
        Some(url) => match url.strip_prefix("file://") {
            Some(path) if !path.is_empty() => Ok(Arc::new(LocalDisk::new(path.into()))),
            _ => Err(format!(
                "HABILIS_STORAGE_URL: file://<directory> or s3://<bucket>[/<prefix>]?endpoint=…&region=…, not {url}"
            )),
        },
    }
}

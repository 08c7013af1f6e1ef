//! [`Storage`] on an S3-compatible server (`s3://bucket[/prefix]?endpoint=…&region=…`)
//! through `object_store` (SPEC §5, issue 15).
//!
//! - **One request** ([`Storage::put`]): bytes gather into one part at a
//!   time; a small object is one `PUT` on commit, a larger one a multipart
//!   upload straight to its key, completed on commit (only then visible)
//!   and aborted when the [`TempObject`] is dropped.
//! - **Staged uploads**: a multipart upload to the key, started by
//!   [`Storage::stage`]. S3 wants every part but the last to be 5 MiB at
//!   least, and an append may bring less: the bytes not yet making a part
//!   (the *tail*) wait in a side object `_staged/<key>/<id>` that the next
//!   append reads back first. The staging text (JSON, kept by the caller in
//!   its database row) names the upload, the parts in order with their
//!   ETags, and the tail; it is all another process needs to go on. Part
//!   numbers follow the staging's part count, so parts a dead request
//!   uploaded past it are overwritten by the next append, or left out of
//!   the completion (which discards them). Each tail is a new object, so a
//!   staging that was never saved never spoils the one that was; older
//!   tails are removed by the next append's finish, and all on completion
//!   or abort.
//! - **Reads** are ranged `GET`s streamed a network chunk at a time.
//!
//! The trait is blocking; the storage owns a small tokio runtime and waits
//! on it with `Handle::block_on`, which is allowed on actix's blocking pool
//! and plain threads (never call it from async code).
//!
//! Memory: one part (8 MiB, more past 2,000 parts so that 10,000 parts
//! reach hundreds of GiB) per upload in progress, never the file.

use std::future::Future;
use std::io::{self, Read};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::multipart::{MultipartStore, PartId};
use object_store::path::Path;
use object_store::signer::{SignedUrlOptions, Signer};
use object_store::{ClientOptions, GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutPayload};
use serde::{Deserialize, Serialize};
use tokio::runtime::{Handle, Runtime};

use super::{StagedWriter, Storage, TempObject};

/// S3's smallest part (but the last).
const MIN_PART: usize = 5 * 1024 * 1024;
/// The part size of the first 2,000 parts; it doubles every 2,000 parts.
const PART: usize = 8 * 1024 * 1024;
/// S3's largest part count.
const MAX_PARTS: usize = 10_000;
/// Where tails of staged uploads wait (never a key: keys have no `_`).
const STAGED_DIR: &str = "_staged";

/// The size of part `idx` (0-based): 8 MiB for the first 2,000, then 16,
/// 32, 64 and 128 MiB (≈ 500 GiB in 10,000 parts).
fn part_size(idx: usize) -> usize {
    PART << (idx / 2_000).min(4)
}

/// The pieces of an `s3://` storage URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Url {
    pub bucket: String,
    /// Path prefix of every object, without slashes at either end.
    pub prefix: Option<String>,
    pub endpoint: Option<String>,
    pub region: Option<String>,
}

impl S3Url {
    /// `s3://bucket[/prefix]?endpoint=http://…&region=…` (both parameters
    /// optional: without an endpoint, AWS itself).
    pub fn parse(text: &str) -> Result<S3Url, String> {
        let bad = |why: &str| {
            format!(
                "HABILIS_STORAGE_URL: {why} (expected s3://bucket[/prefix]?endpoint=https://…&region=…)"
            )
        };
        let url = url::Url::parse(text).map_err(|e| bad(&e.to_string()))?;
        if url.scheme() != "s3" {
            return Err(bad("not an s3:// URL"));
        }
        if !url.username().is_empty() || url.password().is_some() || url.port().is_some() {
            return Err(bad(
                "credentials and ports do not belong in the URL (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY; endpoint=)",
            ));
        }
        let bucket = url.host_str().unwrap_or_default().to_owned();
        if bucket.is_empty() {
            return Err(bad("no bucket"));
        }
        let prefix = url.path().trim_matches('/');
        if prefix
            .split('/')
            .any(|s| s == "." || s == ".." || (s.is_empty() && !prefix.is_empty()))
        {
            return Err(bad("bad prefix"));
        }
        let mut out = S3Url {
            bucket,
            prefix: (!prefix.is_empty()).then(|| prefix.to_owned()),
            endpoint: None,
            region: None,
        };
        for (k, v) in url.query_pairs() {
            match k.as_ref() {
                "endpoint" => {
                    let e = url::Url::parse(&v).map_err(|e| bad(&format!("endpoint: {e}")))?;
                    if !matches!(e.scheme(), "http" | "https") || e.host_str().is_none() {
                        return Err(bad("the endpoint must be an http:// or https:// address"));
                    }
                    out.endpoint = Some(v.trim_end_matches('/').to_owned());
                }
                "region" if !v.is_empty() => out.region = Some(v.into_owned()),
                other => return Err(bad(&format!("unknown parameter `{other}`"))),
            }
        }
        Ok(out)
    }
}

/// What the staging text holds.
#[derive(Debug, Serialize, Deserialize)]
struct Staging {
    upload_id: String,
    /// ETags (object_store's part ids) of parts 1…n, in order.
    parts: Vec<String>,
    /// Bytes in those parts.
    parts_len: u64,
    /// The bytes after them, in a side object.
    tail: Option<Tail>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Tail {
    /// Its name under `_staged/<key>/`.
    id: String,
    len: u64,
}

impl Staging {
    fn parse(text: &str) -> io::Result<Staging> {
        serde_json::from_str(text)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("bad S3 staging: {e}")))
    }
    fn text(&self) -> io::Result<String> {
        serde_json::to_string(self).map_err(io::Error::other)
    }
    fn part_ids(&self) -> Vec<PartId> {
        self.parts
            .iter()
            .map(|p| PartId {
                content_id: p.clone(),
            })
            .collect()
    }
}

fn io_err(e: object_store::Error) -> io::Error {
    match e {
        object_store::Error::NotFound { .. } => io::Error::new(io::ErrorKind::NotFound, e),
        e => io::Error::other(e),
    }
}

/// The client and the runtime that drives it, shared by the storage and
/// its writers and readers.
struct Inner {
    store: AmazonS3,
    prefix: Option<String>,
    handle: Handle,
}

impl Inner {
    /// Runs `fut` to its end on the storage's runtime (from a blocking
    /// thread).
    fn wait<F: Future>(&self, fut: F) -> F::Output {
        self.handle.block_on(fut)
    }

    fn path(&self, key: &str) -> io::Result<Path> {
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "bad object key",
            ));
        }
        Ok(self.under(&[key]))
    }

    /// `prefix/a/b…` (the parts are checked or made here).
    fn under(&self, parts: &[&str]) -> Path {
        let mut all: Vec<&str> = Vec::new();
        if let Some(p) = &self.prefix {
            all.extend(p.split('/'));
        }
        all.extend_from_slice(parts);
        Path::from_iter(all)
    }

    fn staged_dir(&self, key: &str) -> io::Result<Path> {
        self.path(key)?;
        Ok(self.under(&[STAGED_DIR, key]))
    }

    /// Removes the tails of `key` except those named in `keep`.
    fn drop_tails(&self, key: &str, keep: &[&str]) -> io::Result<()> {
        let dir = self.staged_dir(key)?;
        self.wait(async {
            let mut list = self.store.list(Some(&dir));
            while let Some(meta) = list.next().await {
                let meta = meta.map_err(io_err)?;
                if keep.iter().any(|k| meta.location.filename() == Some(k)) {
                    continue;
                }
                match self.store.delete(&meta.location).await {
                    Err(e) if !matches!(e, object_store::Error::NotFound { .. }) => {
                        return Err(io_err(e))
                    }
                    _ => {}
                }
            }
            Ok(())
        })
    }

    /// The first `len` bytes of tail `id` of `key` (less than a part).
    fn read_tail(&self, key: &str, id: &str, len: u64, into: &mut Vec<u8>) -> io::Result<()> {
        if len == 0 {
            return Ok(());
        }
        let path = self.staged_dir(key)?.join(id);
        let bytes = self.wait(async {
            let opts = GetOptions {
                range: Some(GetRange::Bounded(0..len)),
                ..Default::default()
            };
            self.store.get_opts(&path, opts).await?.bytes().await
        });
        let bytes = bytes.map_err(io_err)?;
        if (bytes.len() as u64) < len {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("tail of staged upload {key} is short"),
            ));
        }
        into.extend_from_slice(&bytes[..len as usize]);
        Ok(())
    }

    /// Uploads part `idx` of an upload; its ETag.
    fn put_part(&self, path: &Path, id: &str, idx: usize, bytes: Vec<u8>) -> io::Result<String> {
        if idx >= MAX_PARTS {
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                "object larger than 10,000 parts",
            ));
        }
        let id = id.to_owned();
        let part = self
            .wait(
                self.store
                    .put_part(path, &id, idx, PutPayload::from(Bytes::from(bytes))),
            )
            .map_err(io_err)?;
        Ok(part.content_id)
    }

    /// Aborts a multipart upload: waited for on a plain or blocking
    /// thread, sent off on the runtime from async code (a drop there must
    /// not block; an abort lost with the process is left to the bucket's
    /// lifecycle rule).
    fn abort_soon(self: &Arc<Self>, path: Path, id: String) {
        let me = self.clone();
        let task = async move {
            if let Err(e) = me.store.abort_multipart(&path, &id).await {
                tracing::warn!(error = %e, "abort of an S3 multipart upload failed");
            }
        };
        if Handle::try_current().is_ok() {
            self.handle.spawn(task);
        } else {
            self.handle.block_on(task);
        }
    }
}

/// The storage: see the module's documentation.
pub struct S3Storage {
    inner: Arc<Inner>,
    url: S3Url,
    /// Owned runtime; shut down without waiting when the storage goes
    /// (which may happen in async code, where a runtime cannot be dropped).
    runtime: Option<Runtime>,
}

impl Drop for S3Storage {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

impl S3Storage {
    /// Opens the storage an `s3://` URL names; credentials come from the
    /// usual AWS environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
    /// `AWS_SESSION_TOKEN`, or the instance's role). Nothing is sent yet.
    pub fn open(text: &str) -> Result<S3Storage, String> {
        let url = S3Url::parse(text)?;
        // reqwest is built with rustls and no provider of its own: ring,
        // as the process default (already set is fine).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("habilis-s3")
            .enable_all()
            .build()
            .map_err(|e| format!("HABILIS_STORAGE_URL: cannot start the S3 client: {e}"))?;
        // No limit on a whole request (a download lasts as long as the
        // client takes; a part goes at the link's pace), but a connection
        // that stalls is dropped: 5 minutes for an answer to begin (a
        // 128 MiB part needs 4 Mbit/s) and between two pieces of a body.
        let client = ClientOptions::new()
            .with_timeout_disabled()
            .with_connect_timeout(Duration::from_secs(10))
            .with_read_timeout(Duration::from_secs(300));
        let mut builder = AmazonS3Builder::from_env()
            .with_client_options(client)
            .with_bucket_name(&url.bucket)
            .with_region(
                url.region
                    .clone()
                    .or_else(|| std::env::var("AWS_REGION").ok())
                    .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok())
                    .unwrap_or_else(|| "us-east-1".into()),
            );
        builder = match &url.endpoint {
            // A server at its own address: path-style requests
            // (`endpoint/bucket/key`), which every S3-compatible server
            // answers.
            Some(endpoint) => builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false),
            // AWS itself: `bucket.s3.region.amazonaws.com`, as AWS asks
            // (unless the AWS environment names an endpoint of its own).
            None => builder.with_virtual_hosted_style_request(
                !["AWS_ENDPOINT", "AWS_ENDPOINT_URL"]
                    .iter()
                    .any(|k| std::env::var(k).is_ok_and(|v| !v.is_empty())),
            ),
        };
        let store = {
            let _in = runtime.enter();
            builder
                .build()
                .map_err(|e| format!("HABILIS_STORAGE_URL: {e}"))?
        };
        Ok(S3Storage {
            inner: Arc::new(Inner {
                store,
                prefix: url.prefix.clone(),
                handle: runtime.handle().clone(),
            }),
            url,
            runtime: Some(runtime),
        })
    }

    /// The URL's pieces.
    pub fn url(&self) -> &S3Url {
        &self.url
    }

    /// What lies under the prefix: objects (tails included) by their path,
    /// and multipart uploads in progress as `upload:<path>` (for checks and
    /// tests: nothing but committed objects should be there at rest).
    pub fn contents(&self) -> io::Result<Vec<String>> {
        let inner = &self.inner;
        let prefix = inner.under(&[]);
        let mut out: Vec<String> = inner.wait(async {
            let mut list = inner
                .store
                .list((!prefix.as_ref().is_empty()).then_some(&prefix));
            let mut out = Vec::new();
            while let Some(meta) = list.next().await {
                out.push(meta.map_err(io_err)?.location.to_string());
            }
            Ok::<_, io::Error>(out)
        })?;
        // ListMultipartUploads, which object_store does not offer: a
        // presigned GET of the bucket with `?uploads&prefix=…`.
        let mut query = vec![("uploads".to_owned(), String::new())];
        if let Some(p) = &inner.prefix {
            query.push(("prefix".to_owned(), format!("{p}/")));
        }
        let body = inner.wait(async {
            let signed = inner
                .store
                .signed_url_opts(
                    reqwest13::Method::GET,
                    &Path::from(""),
                    Duration::from_secs(300),
                    &SignedUrlOptions::default().with_query(query),
                )
                .await
                .map_err(io_err)?;
            let res = reqwest13::Client::builder()
                .build()
                .map_err(io::Error::other)?
                .get(signed)
                .send()
                .await
                .map_err(io::Error::other)?;
            let status = res.status();
            let text = res.text().await.map_err(io::Error::other)?;
            if !status.is_success() {
                return Err(io::Error::other(format!(
                    "ListMultipartUploads: {status}: {text}"
                )));
            }
            Ok(text)
        })?;
        for upload in body.split("<Upload>").skip(1) {
            if let Some(key) = upload
                .split_once("<Key>")
                .and_then(|(_, rest)| rest.split_once("</Key>"))
            {
                out.push(format!("upload:{}", key.0));
            }
        }
        Ok(out)
    }
}

/// An object being written by one request.
struct S3Temp {
    inner: Arc<Inner>,
    path: Path,
    /// The multipart upload, once a part was full.
    upload: Option<String>,
    parts: Vec<PartId>,
    buf: Vec<u8>,
    done: bool,
}

impl S3Temp {
    fn flush_part(&mut self) -> io::Result<()> {
        let id = match &self.upload {
            Some(id) => id.clone(),
            None => {
                let id = self
                    .inner
                    .wait(self.inner.store.create_multipart(&self.path))
                    .map_err(io_err)?;
                self.upload = Some(id.clone());
                id
            }
        };
        let idx = self.parts.len();
        let next = Vec::with_capacity(part_size(idx + 1));
        let bytes = std::mem::replace(&mut self.buf, next);
        let etag = self.inner.put_part(&self.path, &id, idx, bytes)?;
        self.parts.push(PartId { content_id: etag });
        Ok(())
    }
}

impl TempObject for S3Temp {
    fn write(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        if self.done {
            return Err(io::Error::other("temporary object already closed"));
        }
        while !bytes.is_empty() {
            let room = part_size(self.parts.len()) - self.buf.len();
            let n = room.min(bytes.len());
            self.buf.extend_from_slice(&bytes[..n]);
            bytes = &bytes[n..];
            if self.buf.len() == part_size(self.parts.len()) {
                self.flush_part()?;
            }
        }
        Ok(())
    }

    fn commit(mut self: Box<Self>) -> io::Result<()> {
        match self.upload.clone() {
            None => {
                let bytes = std::mem::take(&mut self.buf);
                self.inner
                    .wait(
                        self.inner
                            .store
                            .put(&self.path, PutPayload::from(Bytes::from(bytes))),
                    )
                    .map_err(io_err)?;
            }
            Some(id) => {
                if !self.buf.is_empty() {
                    self.flush_part()?;
                }
                let parts = std::mem::take(&mut self.parts);
                self.inner
                    .wait(self.inner.store.complete_multipart(&self.path, &id, parts))
                    .map_err(io_err)?;
            }
        }
        self.done = true;
        Ok(())
    }
}

impl Drop for S3Temp {
    /// Never committed: the parts sent so far are discarded.
    fn drop(&mut self) {
        if !self.done {
            if let Some(id) = self.upload.take() {
                self.inner.abort_soon(self.path.clone(), id);
            }
        }
    }
}

/// One request's appends to a staged upload.
struct S3Append {
    inner: Arc<Inner>,
    key: String,
    path: Path,
    staging: Staging,
    /// The tail this request started from (kept until a newer staging is
    /// saved).
    started_tail: Option<String>,
    /// The tail read back, then the new bytes not yet in a part.
    buf: Vec<u8>,
}

impl S3Append {
    fn flush_part(&mut self) -> io::Result<()> {
        let idx = self.staging.parts.len();
        let next = Vec::with_capacity(part_size(idx + 1));
        let bytes = std::mem::replace(&mut self.buf, next);
        let len = bytes.len() as u64;
        let etag = self
            .inner
            .put_part(&self.path, &self.staging.upload_id, idx, bytes)?;
        self.staging.parts.push(etag);
        self.staging.parts_len += len;
        Ok(())
    }
}

impl StagedWriter for S3Append {
    fn write(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        while !bytes.is_empty() {
            let target = part_size(self.staging.parts.len());
            let room = target - self.buf.len();
            let n = room.min(bytes.len());
            self.buf.extend_from_slice(&bytes[..n]);
            bytes = &bytes[n..];
            if self.buf.len() == target {
                self.flush_part()?;
            }
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>, last: bool) -> io::Result<String> {
        self.staging.tail = None;
        if self.buf.len() >= MIN_PART || (last && !self.buf.is_empty()) {
            self.flush_part()?;
        } else if !self.buf.is_empty() {
            let id = uuid::Uuid::new_v4().simple().to_string();
            let path = self.inner.staged_dir(&self.key)?.join(id.as_str());
            let bytes = std::mem::take(&mut self.buf);
            let len = bytes.len() as u64;
            self.inner
                .wait(
                    self.inner
                        .store
                        .put(&path, PutPayload::from(Bytes::from(bytes))),
                )
                .map_err(io_err)?;
            self.staging.tail = Some(Tail { id, len });
        }
        // Tails older than the one this request started from are nobody's.
        let mut keep: Vec<&str> = Vec::new();
        if let Some(t) = &self.started_tail {
            keep.push(t);
        }
        if let Some(t) = &self.staging.tail {
            keep.push(&t.id);
        }
        if let Err(e) = self.inner.drop_tails(&self.key, &keep) {
            tracing::warn!(error = %e, key = %self.key, "old tails of a staged upload stay");
        }
        self.staging.text()
    }
}

impl S3Storage {
    /// Sends a tail never flushed as the last part (no `finish(true)`),
    /// then completes the multipart upload.
    fn complete_upload(&self, path: &Path, key: &str, mut st: Staging) -> io::Result<()> {
        if let Some(tail) = st.tail.take() {
            let mut buf = Vec::with_capacity(tail.len as usize);
            self.inner.read_tail(key, &tail.id, tail.len, &mut buf)?;
            let idx = st.parts.len();
            let etag = self.inner.put_part(path, &st.upload_id, idx, buf)?;
            st.parts.push(etag);
        }
        self.inner
            .wait(
                self.inner
                    .store
                    .complete_multipart(path, &st.upload_id, st.part_ids()),
            )
            .map_err(io_err)?;
        Ok(())
    }
}

impl Storage for S3Storage {
    fn put(&self, key: &str) -> io::Result<Box<dyn TempObject>> {
        let path = self.inner.path(key)?;
        Ok(Box::new(S3Temp {
            inner: self.inner.clone(),
            path,
            upload: None,
            parts: Vec::new(),
            buf: Vec::with_capacity(PART),
            done: false,
        }))
    }

    fn get(&self, key: &str, range: Option<(u64, u64)>) -> io::Result<Box<dyn Read + Send>> {
        let path = self.inner.path(key)?;
        let inner = &self.inner;
        if let Some((_, 0)) = range {
            // S3 has no empty range: the object must exist, nothing is read.
            inner.wait(inner.store.head(&path)).map_err(io_err)?;
            return Ok(Box::new(io::empty()));
        }
        let opts = GetOptions {
            range: range.map(|(start, len)| GetRange::Bounded(start..start + len)),
            ..Default::default()
        };
        let got = inner
            .wait(inner.store.get_opts(&path, opts))
            .map_err(io_err)?;
        Ok(Box::new(S3Read {
            inner: inner.clone(),
            path,
            pos: got.range.start,
            end: got.range.end,
            etag: got.meta.e_tag.clone(),
            stream: Some(got.into_stream()),
            chunk: Bytes::new(),
            failures: 0,
        }))
    }

    fn delete(&self, key: &str) -> io::Result<()> {
        let path = self.inner.path(key)?;
        match self.inner.wait(self.inner.store.delete(&path)) {
            Err(e) if !matches!(e, object_store::Error::NotFound { .. }) => Err(io_err(e)),
            _ => Ok(()),
        }
    }

    fn stage(&self, key: &str) -> io::Result<String> {
        let path = self.inner.path(key)?;
        let upload_id = self
            .inner
            .wait(self.inner.store.create_multipart(&path))
            .map_err(io_err)?;
        Staging {
            upload_id,
            parts: Vec::new(),
            parts_len: 0,
            tail: None,
        }
        .text()
    }

    fn append(&self, key: &str, staging: &str, offset: u64) -> io::Result<Box<dyn StagedWriter>> {
        let path = self.inner.path(key)?;
        let mut staging = Staging::parse(staging)?;
        let tail_len = staging.tail.as_ref().map_or(0, |t| t.len);
        let held = staging.parts_len + tail_len;
        if offset > held {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("staged upload {key} holds {held} bytes, {offset} expected"),
            ));
        }
        if offset < staging.parts_len {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "staged upload {key}: offset {offset} lies inside a part already sent ({} bytes)",
                    staging.parts_len
                ),
            ));
        }
        let keep = offset - staging.parts_len;
        let mut buf = Vec::with_capacity(part_size(staging.parts.len()));
        let started_tail = staging.tail.take().map(|t| t.id);
        if let Some(id) = &started_tail {
            self.inner.read_tail(key, id, keep, &mut buf)?;
        }
        Ok(Box::new(S3Append {
            inner: self.inner.clone(),
            key: key.to_owned(),
            path,
            staging,
            started_tail,
            buf,
        }))
    }

    fn complete(&self, key: &str, staging: &str) -> io::Result<()> {
        let path = self.inner.path(key)?;
        let st = Staging::parse(staging)?;
        if let Err(e) = self.complete_upload(&path, key, st) {
            // Completed already, by a caller that died before recording
            // it (the upload and its tail are gone, the object is there)?
            let there = self.inner.wait(self.inner.store.head(&path)).is_ok();
            if !(e.kind() == io::ErrorKind::NotFound && there) {
                return Err(e);
            }
        }
        if let Err(e) = self.inner.drop_tails(key, &[]) {
            tracing::warn!(error = %e, key, "tails of a completed upload stay");
        }
        Ok(())
    }

    fn abort(&self, key: &str, staging: &str) -> io::Result<()> {
        let path = self.inner.path(key)?;
        let st = Staging::parse(staging)?;
        match self
            .inner
            .wait(self.inner.store.abort_multipart(&path, &st.upload_id))
        {
            Err(e) if !matches!(e, object_store::Error::NotFound { .. }) => return Err(io_err(e)),
            _ => {}
        }
        self.inner.drop_tails(key, &[])
    }
}

/// A ranged GET's body, read a network chunk at a time. A body that
/// breaks off (a stalled or dropped connection, or a reader paused longer
/// than the client's read timeout) is asked again from where it stopped,
/// for the same version of the object (`If-Match`), a few times in a row at
/// most: a download may last longer than any single request should.
struct S3Read {
    inner: Arc<Inner>,
    path: Path,
    /// The next byte to read, and the end of the range (exclusive).
    pos: u64,
    end: u64,
    etag: Option<String>,
    stream: Option<BoxStream<'static, object_store::Result<Bytes>>>,
    chunk: Bytes,
    /// Failed attempts since the last byte arrived.
    failures: u32,
}

/// Attempts without a byte before a read fails.
const READ_ATTEMPTS: u32 = 4;

impl S3Read {
    /// Counts a failure; the error once there were too many.
    fn failed(&mut self, e: io::Error) -> io::Result<()> {
        self.stream = None;
        self.failures += 1;
        if self.failures >= READ_ATTEMPTS {
            return Err(e);
        }
        tracing::info!(error = %e, pos = self.pos, "S3 read broke off; asking again");
        std::thread::sleep(Duration::from_millis(200 << self.failures));
        Ok(())
    }
}

impl Read for S3Read {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if !self.chunk.is_empty() {
                let n = out.len().min(self.chunk.len());
                out[..n].copy_from_slice(&self.chunk[..n]);
                let _ = self.chunk.split_to(n);
                self.pos += n as u64;
                self.failures = 0;
                return Ok(n);
            }
            if self.pos >= self.end || out.is_empty() {
                return Ok(0);
            }
            let Some(stream) = self.stream.as_mut() else {
                let opts = GetOptions {
                    range: Some(GetRange::Bounded(self.pos..self.end)),
                    if_match: self.etag.clone(),
                    ..Default::default()
                };
                match self.inner.wait(self.inner.store.get_opts(&self.path, opts)) {
                    Ok(got) => self.stream = Some(got.into_stream()),
                    // Another object now, or gone: no point asking again.
                    Err(
                        e @ (object_store::Error::Precondition { .. }
                        | object_store::Error::NotFound { .. }),
                    ) => return Err(io_err(e)),
                    Err(e) => self.failed(io_err(e))?,
                }
                continue;
            };
            match self.inner.wait(stream.next()) {
                Some(Ok(b)) => self.chunk = b,
                Some(Err(e)) => self.failed(io_err(e))?,
                None => self.failed(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("S3 body ended at byte {} of {}", self.pos, self.end),
                ))?,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_read_or_clearly_refused() {
        let u =
            S3Url::parse("s3://data/habilis/prod?endpoint=http://127.0.0.1:9000&region=eu-west-3")
                .expect("url");
        assert_eq!(
            u,
            S3Url {
                bucket: "data".into(),
                prefix: Some("habilis/prod".into()),
                endpoint: Some("http://127.0.0.1:9000".into()),
                region: Some("eu-west-3".into()),
            }
        );
        // The URL parser resolves dot segments before anything else.
        assert_eq!(
            S3Url::parse("s3://b/x/../c")
                .expect("url")
                .prefix
                .as_deref(),
            Some("c")
        );
        let u = S3Url::parse("s3://data").expect("url");
        assert_eq!((u.prefix, u.endpoint, u.region), (None, None, None));
        assert_eq!(
            S3Url::parse("s3://data/").expect("url").prefix,
            None,
            "a trailing slash is no prefix"
        );
        for bad in [
            "s3://",
            "s3:///prefix",
            "s3://b?endpoint=ftp://x",
            "s3://b?endpoint=nonsense",
            "s3://b?colour=blue",
            "s3://key:secret@b",
            "s3://b/a//c",
            "http://b",
        ] {
            let err = S3Url::parse(bad).expect_err(bad);
            assert!(err.starts_with("HABILIS_STORAGE_URL: "), "{bad}: {err}");
        }
    }

    #[test]
    fn parts_grow_so_that_ten_thousand_hold_hundreds_of_gib() {
        assert_eq!(part_size(0), PART);
        assert!(part_size(0) >= MIN_PART);
        assert_eq!(part_size(2_000), 2 * PART);
        assert_eq!(part_size(9_999), 16 * PART);
        let total: u64 = (0..MAX_PARTS).map(|i| part_size(i) as u64).sum();
        assert!(total > 400 * (1 << 30), "{total}");
    }

    #[test]
    fn keys_are_checked_and_prefixed() {
        let s = S3Storage::open("s3://b/p/q?endpoint=http://127.0.0.1:9").expect("open");
        assert_eq!(s.inner.path("abc-1").expect("key").as_ref(), "p/q/abc-1");
        assert!(s.inner.path("../x").is_err());
        assert!(s.inner.path("a/b").is_err());
        assert!(s.inner.path("").is_err());
        assert!(s.put("a.b").is_err());
        assert_eq!(
            s.inner.staged_dir("k").expect("dir").as_ref(),
            "p/q/_staged/k"
        );
        assert!(Staging::parse("not json").is_err());
    }
}

//! Object bytes to and from an HTTP connection, never whole in memory:
//! what the datasets' files and the tickets' attachments share.
//!
//! - [`receive`]: a request body into a temporary object, hashed on the
//!   way, held to a size check chunk by chunk;
//! - [`body`]: a storage reader as a response body;
//! - [`disposition`]: the `Content-Disposition` of a download.

use std::io::Read;
use std::sync::Arc;

use actix_web::web::{self, Bytes};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

use super::{Storage, TempObject};
use crate::error::ApiError;

/// Bytes read from the storage per chunk of a download.
const READ_CHUNK: usize = 256 * 1024;
/// Chunks in flight between the connection and the blocking pool.
const IN_FLIGHT: usize = 16;

/// The bytes of `payload` into a temporary object `key`, hashed on the
/// way; `check` is asked the running size after every chunk and stops the
/// upload with its error. The chunks cross to the blocking pool through a
/// bounded channel, so that memory holds a few chunks at most. On any
/// refusal the temporary object is dropped, which removes it.
///
/// Returns the uncommitted object, its size and its SHA-256.
pub async fn receive(
    store: Arc<dyn Storage>,
    key: String,
    mut payload: web::Payload,
    mut check: impl FnMut(u64) -> Result<(), ApiError>,
) -> Result<(Box<dyn TempObject>, u64, [u8; 32]), ApiError> {
    let temp = {
        let store = store.clone();
        web::block(move || store.put(&key))
            .await?
            .map_err(ApiError::internal)?
    };
    let (tx, mut rx) = mpsc::channel::<Bytes>(IN_FLIGHT);
    let writer = web::block(move || {
        let mut temp = temp;
        let mut hasher = Sha256::new();
        while let Some(chunk) = rx.blocking_recv() {
            hasher.update(&chunk);
            temp.write(&chunk)?;
        }
        Ok::<_, std::io::Error>((temp, <[u8; 32]>::from(hasher.finalize())))
    });
    let mut size: u64 = 0;
    let mut refused: Option<ApiError> = None;
    while let Some(chunk) = payload.next().await {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                refused = Some(ApiError::bad_request(habilis_shared::i18n::Msg::new(
                    "error-body-unreadable",
                )));
                tracing::info!(error = %e, "upload interrupted");
                break;
            }
        };
        size += chunk.len() as u64;
        if let Err(e) = check(size) {
            refused = Some(e);
            break;
        }
        if tx.send(chunk).await.is_err() {
            break;
        }
    }
    drop(tx);
    // The writer ends once the channel is closed; on a refusal its
    // temporary object is dropped, which removes it.
    let written = writer.await?;
    if let Some(e) = refused {
        return Err(e);
    }
    let (temp, digest) = written.map_err(ApiError::internal)?;
    Ok((temp, size, digest))
}

/// The length an upload declares (`Content-Length`), if readable.
pub fn declared_length(req: &actix_web::HttpRequest) -> Option<u64> {
    req.headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// The type an upload declares (`Content-Type`), kept as given when it is
/// 1 to 200 characters, else `application/octet-stream`.
pub fn content_type(req: &actix_web::HttpRequest) -> String {
    req.headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 200)
        .unwrap_or("application/octet-stream")
        .to_owned()
}

/// `attachment` with the last segment of `path` as the file name: an
/// ASCII fallback and the exact name as RFC 8187 `filename*` (RFC 6266).
pub fn disposition(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' && c != '%' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// The reader's bytes as a response body, read on the blocking pool a
/// chunk at a time (a slow client holds back the reading).
pub fn body(
    mut reader: Box<dyn Read + Send>,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    actix_web::rt::task::spawn_blocking(move || {
        let mut buf = vec![0u8; READ_CHUNK];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    if tx
                        .blocking_send(Ok(Bytes::copy_from_slice(&buf[..n])))
                        .is_err()
                    {
                        break;
                    }
                }
                Err(e) => {
                    let _ = tx.blocking_send(Err(e));
                    break;
                }
            }
        }
    });
    futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
}

#[cfg(test)]
mod tests {
    use super::disposition;

    #[test]
    fn a_download_is_named_in_ascii_and_exactly() {
        assert_eq!(
            disposition("raw/résumé \"1\".txt"),
            "attachment; filename=\"r_sum_ _1_.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%221%22.txt"
        );
    }
}

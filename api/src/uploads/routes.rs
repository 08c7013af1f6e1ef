//! `/api/v1/datasets/{id}/uploads` and `/api/v1/uploads/{id}`: tus 1.0
//! over HTTP. Each handler reads the tus headers, authorises once (through
//! [`dataset_for`] or [`upload_for`]) and hands over to [`service`]; the
//! bytes cross to the blocking pool through a bounded channel (as a
//! one-request `PUT` does) and go to the storage's staged upload, hashed on
//! the way: never whole in memory, and no transaction is open meanwhile.

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue, HttpDate};
use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use futures_util::StreamExt;
use habilis_shared::dto::{FileView, Problem};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::Action;
use tokio::sync::mpsc;

use super::queries::{self, UploadRow};
use super::service::{self, Checksum, ChunkHasher, UploadError, OFFSET_OCTET_STREAM};
use super::sha256::Sha256State;
use super::upload_for;
use crate::auth::Caller;
use crate::clock::utc;
use crate::datasets::service::{Arrived, DatasetError, Limits};
use crate::datasets::{dataset_for, DatasetRow, FileRow};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::storage::StagedWriter;

/// Chunks in flight between the connection and the blocking pool.
const IN_FLIGHT: usize = 16;

/// The value of `Tus-Resumable` (documented as the one value it may have).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub enum TusResumable {
    #[serde(rename = "1.0.0")]
    V1,
}

/// The value of `Upload-Defer-Length`.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub enum UploadDeferLength {
    #[serde(rename = "1")]
    Deferred,
}

fn header_str<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Whether `path` is one of the tus endpoints (all their answers, errors
/// included, carry `Tus-Resumable`; see [`answer_headers`]).
pub fn is_tus_path(path: &str) -> bool {
    path.starts_with("/api/v1/uploads/")
        || (path.starts_with("/api/v1/datasets/") && path.ends_with("/uploads"))
}

/// Adds what every tus answer carries, errors included (they are written
/// by `ApiError` and again in the reader's language, so this is done once
/// on the way out, in `app.rs`): `Tus-Resumable`, and `Tus-Version` on a
/// 412.
pub fn answer_headers(headers: &mut HeaderMap, status: StatusCode) {
    headers.insert(
        HeaderName::from_static("tus-resumable"),
        HeaderValue::from_static(service::TUS_VERSION),
    );
    if status == StatusCode::PRECONDITION_FAILED {
        headers.insert(
            HeaderName::from_static("tus-version"),
            HeaderValue::from_static(service::TUS_VERSION),
        );
    }
}

/// `Upload-Expires`: an RFC 9110 date.
fn http_date(t: DateTime<Utc>) -> String {
    HttpDate::from(SystemTime::from(t)).to_string()
}

/// The lease a request takes is named after the process and the request.
fn lease_owner() -> String {
    format!("{}-{}", std::process::id(), uuid::Uuid::new_v4())
}

fn lease_len(state: &AppState) -> Duration {
    Duration::seconds(i64::try_from(state.config.upload_lease_secs).unwrap_or(30))
}

/// The tus capabilities of this server (no token needed).
#[utoipa::path(
    options, path = "/api/v1/datasets/{id}/uploads", tag = "uploads",
    params(("id" = String, Path, description = "Dataset id")),
    responses(
        (status = 204, description = "What this tus server speaks", headers(
            ("Tus-Resumable" = String, description = "`1.0.0`"),
            ("Tus-Version" = String, description = "`1.0.0`"),
            ("Tus-Extension" = String, description = "`creation,creation-with-upload,creation-defer-length,termination,expiration,checksum`"),
            ("Tus-Checksum-Algorithm" = String, description = "`sha1,sha256`"),
            ("Tus-Max-Size" = u64, description = "The policy's per-file limit, in bytes"),
        )),
    )
)]
pub async fn tus_options(state: web::Data<AppState>, _id: web::Path<String>) -> HttpResponse {
    HttpResponse::NoContent()
        .insert_header(("Tus-Version", service::TUS_VERSION))
        .insert_header(("Tus-Extension", service::TUS_EXTENSIONS))
        .insert_header(("Tus-Checksum-Algorithm", service::TUS_CHECKSUMS))
        .insert_header((
            "Tus-Max-Size",
            state.policy.organizations.max_file_bytes.to_string(),
        ))
        .finish()
}

/// The headers of a `POST` or `PATCH` that carries bytes.
struct Sent {
    checksum: Option<Checksum>,
    has_body: bool,
}

/// Reads the body headers: `Content-Type: application/offset+octet-stream`
/// when bytes come (`required`: a `PATCH`), and `Upload-Checksum`.
fn body_headers(req: &HttpRequest, required: bool) -> Result<Sent, UploadError> {
    let content_type = header_str(req, "content-type").map(|v| {
        v.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    });
    let declared: Option<u64> =
        header_str(req, "content-length").and_then(|v| v.trim().parse().ok());
    let chunked = req.headers().contains_key(header::TRANSFER_ENCODING);
    let some_bytes = chunked || declared.is_some_and(|n| n > 0);
    let has_body = match content_type.as_deref() {
        Some(OFFSET_OCTET_STREAM) => true,
        _ if required || some_bytes => return Err(UploadError::ContentType),
        _ => false,
    };
    Ok(Sent {
        checksum: service::parse_checksum(header_str(req, "upload-checksum"))?,
        has_body,
    })
}

/// Start a resumable upload of one file into a dataset (tus `creation`):
/// `Upload-Length` (or `Upload-Defer-Length: 1`) and `Upload-Metadata`
/// (`filename` = the relative path in the dataset, base64; optional
/// `filetype`, and `sha256` = the lowercase hex digest the whole file must
/// have). Refused before anything is stored when it would not fit the
/// per-file limit or the project's quota (the project's other unfinished
/// uploads count as used). With `Content-Type:
/// application/offset+octet-stream`, the body is the first bytes (tus
/// `creation-with-upload`). An empty file, or a body that completes it,
/// is recorded at once (`Habilis-File-Id`).
#[utoipa::path(
    post, path = "/api/v1/datasets/{id}/uploads", tag = "uploads", security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Dataset id"),
        ("Tus-Resumable" = TusResumable, Header, description = "`1.0.0`"),
        ("Upload-Length" = Option<u64>, Header, description = "The file's size in bytes (or send `Upload-Defer-Length: 1`)"),
        ("Upload-Defer-Length" = Option<UploadDeferLength>, Header, description = "`1`: the size is sent later, with a `PATCH`"),
        ("Upload-Metadata" = String, Header, description = "`filename <base64 path>[,filetype <base64>][,sha256 <base64 hex digest>]`"),
        ("Upload-Checksum" = Option<String>, Header, description = "`sha1 <base64>` or `sha256 <base64>` of the body"),
    ),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream", description = "Optional: the first bytes of the file"),
    responses(
        (status = 201, description = "Created; `Location` is the upload's URL", headers(
            ("Location" = String, description = "`/api/v1/uploads/{upload id}`"),
            ("Tus-Resumable" = String, description = "`1.0.0`"),
            ("Upload-Offset" = u64, description = "Bytes received"),
            ("Upload-Expires" = String, description = "When the upload expires without news (RFC 9110 date)"),
            ("Habilis-File-Id" = String, description = "When the file is complete: its id"),
            ("Habilis-File-Sha256" = String, description = "When the file is complete: its SHA-256 (lowercase hex), computed as the bytes arrived"),
        )),
        (status = 400, description = "Malformed `Upload-Length`, `Upload-Defer-Length` or `Upload-Checksum`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses (`file.upload`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such dataset, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The project is not active", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`tus_version`: no `Tus-Resumable: 1.0.0`", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`quota_exceeded`: over the per-file limit or the project's quota (`quota` says the use and the limit); or bytes past `Upload-Length`", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "A body that is not `application/offset+octet-stream`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid path, metadata or expected digest; or the file does not have the expected digest (discarded)", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "`upload_locked`", body = Problem, content_type = "application/problem+json"),
        (status = 460, description = "`checksum_mismatch`: the body does not have its `Upload-Checksum` (nothing kept)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_upload(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<String>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    service::check_version(header_str(&req, "tus-resumable"))?;
    let length = service::parse_creation_length(
        header_str(&req, "upload-length"),
        header_str(&req, "upload-defer-length"),
    )?;
    let sent = body_headers(&req, false)?;
    let meta = service::parse_metadata(header_str(&req, "upload-metadata"));
    let st = state.clone();
    let who = caller.clone();
    let id = id.into_inner();
    let (ds, new) = state
        .db(move |conn| {
            let (ds, _, _) = dataset_for(conn, &st, &who, &id, Some(Action::FileUpload))?;
            let new = service::check_new(conn, &st.policy, &ds, &meta?, length, st.now())?;
            Ok((ds, new))
        })
        .await?;

    let upload_id = uuid::Uuid::now_v7().to_string();
    let key = uuid::Uuid::now_v7().to_string();
    let store = state.storage.clone();
    let staging = {
        let (store, key) = (store.clone(), key.clone());
        web::block(move || store.stage(&key))
            .await?
            .map_err(DatasetError::from)?
    };
    // The request that sends the first bytes (or completes an empty file)
    // holds the upload from the start.
    let owner = lease_owner();
    let leased = sent.has_body || new.length == Some(0);
    let lease = leased.then(|| (owner.clone(), state.now() + lease_len(&state)));
    let st = state.clone();
    let who = caller.clone();
    let d = ds.clone();
    let ids = (upload_id.clone(), key.clone(), staging.clone());
    let created = state
        .db(move |conn| {
            Ok(service::create(
                conn,
                st.now(),
                &st.policy,
                &who,
                &d,
                &new,
                (&ids.0, &ids.1, &ids.2),
                lease.as_ref().map(|(o, t)| (o.as_str(), *t)),
            )?)
        })
        .await;
    let (up, limits) = match created {
        Ok(created) => created,
        Err(e) => {
            let _ = web::block(move || store.abort(&key, &staging)).await;
            return Err(e);
        }
    };
    let mut file = None;
    let mut up = up;
    if sent.has_body {
        // The first bytes; if they cannot be taken, the upload goes (bad
        // input changes nothing).
        let leased = Leased {
            up: up.clone(),
            ds: ds.clone(),
            owner: owner.clone(),
            limits,
        };
        let outcome = spawn_receive(
            state.clone(),
            caller.clone(),
            leased,
            sent.checksum,
            payload,
        )
        .await;
        match outcome {
            Ok(Progress::Advanced(next)) => up = next,
            Ok(Progress::Done(view)) => file = Some(view),
            Err(e) => {
                discard(&state, &up).await;
                return Err(e);
            }
        }
    } else if new_is_empty(&up) {
        let state0 = Sha256State::new();
        file = Some(complete(&state, &caller, &ds, &up, &owner, &state0).await?);
    }
    let mut res = HttpResponse::Created();
    res.insert_header((header::LOCATION, format!("/api/v1/uploads/{}", up.id)))
        .insert_header(("Upload-Expires", http_date(utc(up.expires_at))));
    match &file {
        Some(view) => {
            res.insert_header(("Upload-Offset", view.size.to_string()))
                .insert_header(("Habilis-File-Id", view.id.clone()))
                .insert_header(("Habilis-File-Sha256", view.sha256.clone()));
        }
        None => {
            res.insert_header(("Upload-Offset", up.received().to_string()));
        }
    }
    Ok(res.finish())
}

fn new_is_empty(up: &UploadRow) -> bool {
    up.length() == Some(0)
}

/// Removes an upload that could not begin: its row, then its bytes.
async fn discard(state: &AppState, up: &UploadRow) {
    let id = up.id.clone();
    let _ = state.db(move |conn| Ok(queries::delete(conn, &id)?)).await;
    let (store, key, staging) = (
        state.storage.clone(),
        up.object_key.clone(),
        up.staging.clone(),
    );
    let _ = web::block(move || store.abort(&key, &staging)).await;
}

/// Where an upload is (tus core): `Upload-Offset`, `Upload-Length` (or
/// `Upload-Defer-Length: 1`), `Upload-Metadata`, `Upload-Expires`. Only
/// the account that created it, while it may still upload to the project.
#[utoipa::path(
    head, path = "/api/v1/uploads/{id}", tag = "uploads", security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Upload id"),
        ("Tus-Resumable" = TusResumable, Header, description = "`1.0.0`"),
    ),
    responses(
        (status = 200, description = "The upload's state", headers(
            ("Tus-Resumable" = String, description = "`1.0.0`"),
            ("Upload-Offset" = u64, description = "Bytes received"),
            ("Upload-Length" = u64, description = "The file's size (absent while deferred)"),
            ("Upload-Defer-Length" = String, description = "`1` while the size is deferred"),
            ("Upload-Metadata" = String, description = "`filename`, `filetype` (and `sha256` when given), base64"),
            ("Upload-Expires" = String, description = "When the upload expires without news (RFC 9110 date)"),
            ("Cache-Control" = String, description = "`no-store`"),
        )),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "The policy no longer lets me upload to the project"),
        (status = 404, description = "No such upload, or not mine"),
        (status = 410, description = "`upload_expired`"),
        (status = 412, description = "`tus_version`: no `Tus-Resumable: 1.0.0`"),
    )
)]
pub async fn head_upload(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    service::check_version(header_str(&req, "tus-resumable"))?;
    let st = state.clone();
    let up = state
        .db(move |conn| {
            let (up, _) = upload_for(conn, &st, &caller, &id)?;
            if up.expires_at <= crate::clock::db_time(st.now()) {
                return Err(UploadError::Expired.into());
            }
            Ok(up)
        })
        .await?;
    let mut res = HttpResponse::Ok();
    res.insert_header(("Upload-Offset", up.received().to_string()))
        .insert_header(("Upload-Metadata", service::metadata_header(&up)))
        .insert_header(("Upload-Expires", http_date(utc(up.expires_at))))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    match up.length() {
        Some(l) => res.insert_header(("Upload-Length", l.to_string())),
        None => res.insert_header(("Upload-Defer-Length", "1")),
    };
    Ok(res.finish())
}

/// Send the next bytes of an upload (tus core), from `Upload-Offset` (the
/// upload's offset, else 409), optionally with `Upload-Checksum` (a chunk
/// that does not have it is discarded: 460) and, once, the deferred
/// `Upload-Length`. When the last byte arrives, the file is recorded in
/// the dataset (replacing the file at the same path) and
/// `Habilis-File-Id` names it; a file that does not have the expected
/// `sha256` is discarded with its upload (422). Another request streaming
/// to the same upload: 423 (try again).
#[utoipa::path(
    patch, path = "/api/v1/uploads/{id}", tag = "uploads", security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Upload id"),
        ("Tus-Resumable" = TusResumable, Header, description = "`1.0.0`"),
        ("Upload-Offset" = u64, Header, description = "Where these bytes start: the upload's offset"),
        ("Upload-Length" = Option<u64>, Header, description = "The deferred size, once"),
        ("Upload-Checksum" = Option<String>, Header, description = "`sha1 <base64>` or `sha256 <base64>` of these bytes"),
    ),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream", description = "The next bytes"),
    responses(
        (status = 204, description = "Taken", headers(
            ("Tus-Resumable" = String, description = "`1.0.0`"),
            ("Upload-Offset" = u64, description = "Bytes received"),
            ("Upload-Expires" = String, description = "When the upload expires without news (RFC 9110 date)"),
            ("Habilis-File-Id" = String, description = "When the file is complete: its id (`GET /api/v1/files/{id}/content`)"),
            ("Habilis-File-Sha256" = String, description = "When the file is complete: its SHA-256 (lowercase hex), computed as the bytes arrived"),
        )),
        (status = 400, description = "Malformed `Upload-Offset`, `Upload-Length` or `Upload-Checksum`, or a length that cannot be", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy no longer lets me upload to the project", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such upload, or not mine", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`offset_mismatch` (the detail gives the offset), or the project is not active", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`upload_expired`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`tus_version`: no `Tus-Resumable: 1.0.0`", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Bytes past `Upload-Length`, or `quota_exceeded`", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/offset+octet-stream`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The file does not have the expected `sha256` (the upload is discarded)", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "`upload_locked`: another request is sending bytes to this upload", body = Problem, content_type = "application/problem+json"),
        (status = 460, description = "`checksum_mismatch`: the bytes do not have their `Upload-Checksum` (discarded)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn patch_upload(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<String>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    service::check_version(header_str(&req, "tus-resumable"))?;
    let sent = body_headers(&req, true)?;
    let offset = service::parse_offset(header_str(&req, "upload-offset"))?;
    let length = service::parse_patch_length(header_str(&req, "upload-length"))?;
    let owner = lease_owner();
    let st = state.clone();
    let who = caller.clone();
    let o = owner.clone();
    let lease_until = state.now() + lease_len(&state);
    let (begun, ds) = state
        .db(move |conn| {
            let (up, ds) = upload_for(conn, &st, &who, &id)?;
            let begun = service::begin(
                conn,
                st.now(),
                &st.policy,
                &ds,
                &up.id,
                offset,
                length,
                &o,
                lease_until,
            )?;
            Ok((begun, ds))
        })
        .await?;
    let leased = Leased {
        up: begun.up,
        ds,
        owner,
        limits: begun.limits,
    };
    let progress = spawn_receive(state.clone(), caller, leased, sent.checksum, payload).await?;
    let mut res = HttpResponse::NoContent();
    match progress {
        Progress::Advanced(up) => {
            res.insert_header(("Upload-Offset", up.received().to_string()))
                .insert_header(("Upload-Expires", http_date(utc(up.expires_at))));
        }
        Progress::Done(view) => {
            res.insert_header(("Upload-Offset", view.size.to_string()))
                .insert_header(("Habilis-File-Id", view.id.clone()))
                .insert_header(("Habilis-File-Sha256", view.sha256.clone()));
        }
    }
    Ok(res.finish())
}

/// Cancel an upload (tus `termination`): its row and its bytes go. An
/// expired upload may be cancelled too.
#[utoipa::path(
    delete, path = "/api/v1/uploads/{id}", tag = "uploads", security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Upload id"),
        ("Tus-Resumable" = TusResumable, Header, description = "`1.0.0`"),
    ),
    responses(
        (status = 204, description = "Terminated", headers(
            ("Tus-Resumable" = String, description = "`1.0.0`"),
        )),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy no longer lets me upload to the project", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such upload, or not mine", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`tus_version`: no `Tus-Resumable: 1.0.0`", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "`upload_locked`: a request is sending bytes to it", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_upload(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    service::check_version(header_str(&req, "tus-resumable"))?;
    let st = state.clone();
    let up = state
        .db(move |conn| {
            let (up, _) = upload_for(conn, &st, &caller, &id)?;
            service::terminate(conn, st.now(), &caller, &up)?;
            Ok(up)
        })
        .await?;
    let store = state.storage.clone();
    web::block(move || store.abort(&up.object_key, &up.staging))
        .await?
        .map_err(DatasetError::from)?;
    Ok(HttpResponse::NoContent().finish())
}

/// An upload whose lease this request holds.
struct Leased {
    up: UploadRow,
    ds: DatasetRow,
    owner: String,
    limits: Limits,
}

/// What a request's bytes did.
enum Progress {
    Advanced(UploadRow),
    Done(FileView),
}

/// Runs [`receive`] as a task of its own: should the handler be dropped
/// (the client went away), the bytes are still settled and the lease given
/// back in order, never while another request may already be appending.
async fn spawn_receive(
    state: web::Data<AppState>,
    caller: Caller,
    leased: Leased,
    checksum: Option<Checksum>,
    payload: web::Payload,
) -> ApiResult<Progress> {
    let task = actix_web::rt::spawn(async move {
        let (id, owner) = (leased.up.id.clone(), leased.owner.clone());
        let out = receive(&state, &caller, leased, checksum, payload).await;
        if out.is_err() {
            // Whatever failed, the lease goes back (a no-op when the row
            // went or the lease was saved away already).
            let _ = state
                .db(move |conn| Ok(queries::release(conn, &id, &owner)?))
                .await;
        }
        out
    });
    task.await.map_err(ApiError::internal)?
}

/// The blocking side: writes and hashes each chunk as it comes.
struct Written {
    writer: Box<dyn StagedWriter>,
    whole: Sha256State,
    chunk: Vec<u8>,
    failed: Option<std::io::Error>,
}

/// Streams the request's bytes to the staged upload: the whole-file hash
/// state continues from the row's, the chunk's checksum is computed on the
/// way, the limits hold byte by byte, the lease is renewed. Then the new
/// offset is saved (or, at the last byte, the file recorded).
async fn receive(
    state: &web::Data<AppState>,
    caller: &Caller,
    leased: Leased,
    checksum: Option<Checksum>,
    mut payload: web::Payload,
) -> ApiResult<Progress> {
    let Leased {
        up,
        ds,
        owner,
        limits,
    } = leased;
    let whole = Sha256State::from_text(&up.sha256_state)
        .filter(|s| s.len() == up.received())
        .ok_or_else(|| ApiError::internal(format!("upload {}: bad hash state", up.id)))?;
    let store = state.storage.clone();
    let writer = {
        let (store, key, staging, at) = (
            store.clone(),
            up.object_key.clone(),
            up.staging.clone(),
            up.received(),
        );
        web::block(move || store.append(&key, &staging, at))
            .await?
            .map_err(DatasetError::from)?
    };
    let alg = checksum.as_ref().map(|c| c.alg);
    let (tx, mut rx) = mpsc::channel::<Bytes>(IN_FLIGHT);
    let blocking = web::block(move || {
        let mut w = Written {
            writer,
            whole,
            chunk: Vec::new(),
            failed: None,
        };
        let mut hasher = ChunkHasher::new(alg);
        while let Some(bytes) = rx.blocking_recv() {
            if let Err(e) = w.writer.write(&bytes) {
                w.failed = Some(e);
                break;
            }
            w.whole.update(&bytes);
            hasher.update(&bytes);
        }
        w.chunk = hasher.finish();
        w
    });

    let mut received = up.received();
    let mut refused: Option<ApiError> = None;
    let mut interrupted = false;
    let lease = lease_len(state);
    let renew_every = std::time::Duration::from_secs((state.config.upload_lease_secs / 3).max(1));
    let mut renewed = Instant::now();
    while let Some(chunk) = payload.next().await {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                tracing::info!(error = %e, upload = %up.id, "upload interrupted");
                interrupted = true;
                break;
            }
        };
        received += chunk.len() as u64;
        let over = match up.length() {
            Some(length) if received > length => Some(UploadError::TooLong { length }.into()),
            _ => limits.check(received).err().map(ApiError::from),
        };
        if over.is_some() {
            refused = over;
            break;
        }
        if renewed.elapsed() >= renew_every {
            let (id, o) = (up.id.clone(), owner.clone());
            let until = state.now() + lease;
            if let Err(e) = state
                .db(move |conn| Ok(service::renew(conn, &id, &o, until)?))
                .await
            {
                refused = Some(e);
                break;
            }
            renewed = Instant::now();
        }
        if tx.send(chunk).await.is_err() {
            break;
        }
    }
    drop(tx);
    let w = blocking.await?;
    // Nothing touches the staged bytes again unless the lease is still
    // ours (a request stalled past its lease may have been taken over:
    // its writer is then let go without a write, a flush or a cut).
    let (id, o) = (up.id.clone(), owner.clone());
    let until = state.now() + lease;
    if let Err(e) = state
        .db(move |conn| Ok(service::renew(conn, &id, &o, until)?))
        .await
    {
        std::mem::forget(w.writer);
        return Err(e);
    }
    let failed = if let Some(e) = w.failed {
        Some(DatasetError::from(e).into())
    } else if let Some(e) = refused {
        Some(e)
    } else if interrupted && checksum.is_some() {
        // A chunk cut short cannot be checked.
        Some(ApiError::bad_request(Msg::new("error-body-unreadable")))
    } else if checksum.as_ref().is_some_and(|c| w.chunk != c.digest) {
        // One that does not have its checksum is not kept.
        Some(UploadError::ChecksumMismatch.into())
    } else {
        None
    };
    if let Some(e) = failed {
        drop_writer(w.writer).await;
        return Err(e);
    }
    // Without a checksum, what arrived before an interruption is kept
    // (tus: the client asks with HEAD where to go on from).
    let last = up.length() == Some(w.whole.len());
    let writer = w.writer;
    let staging = web::block(move || writer.finish(last))
        .await?
        .map_err(DatasetError::from)?;
    let whole = w.whole;
    if last {
        let up = UploadRow { staging, ..up };
        return complete(state, caller, &ds, &up, &owner, &whole)
            .await
            .map(Progress::Done);
    }
    let st = state.clone();
    let o = owner.clone();
    let saved = state
        .db(move |conn| {
            Ok(service::advance(
                conn,
                st.now(),
                &st.policy,
                &up,
                &o,
                &whole,
                &staging,
            )?)
        })
        .await?;
    if interrupted {
        return Err(ApiError::bad_request(Msg::new("error-body-unreadable")));
    }
    Ok(Progress::Advanced(saved))
}

/// Discards one request's bytes (the writer truncates on drop: blocking).
async fn drop_writer(writer: Box<dyn StagedWriter>) {
    let _ = web::block(move || drop(writer)).await;
}

/// The last byte arrived: compares the digest with the one expected (a
/// mismatch discards the upload: 422), makes the staged bytes the object,
/// records the file and removes the upload in one transaction (if that
/// fails, the object goes too), then deletes the bytes of the file it
/// replaced.
async fn complete(
    state: &web::Data<AppState>,
    caller: &Caller,
    ds: &DatasetRow,
    up: &UploadRow,
    owner: &str,
    whole: &Sha256State,
) -> ApiResult<FileView> {
    let digest = hex::encode(whole.finish());
    let store: Arc<dyn crate::storage::Storage> = state.storage.clone();
    if up.expected_sha256.as_ref().is_some_and(|e| *e != digest) {
        discard(state, up).await;
        return Err(DatasetError::DigestMismatch.into());
    }
    {
        let (store, key, staging) = (store.clone(), up.object_key.clone(), up.staging.clone());
        if let Err(e) = web::block(move || store.complete(&key, &staging)).await? {
            discard(state, up).await;
            return Err(DatasetError::from(e).into());
        }
    }
    let arrived = Arrived {
        row: FileRow {
            id: up.object_key.clone(),
            dataset_id: ds.id.clone(),
            project_id: ds.project_id.clone(),
            path: up.path.clone(),
            size: i64::try_from(whole.len()).unwrap_or(i64::MAX),
            sha256: digest,
            content_type: up.content_type.clone(),
            object_key: up.object_key.clone(),
            uploaded_by: caller.id().to_owned(),
            uploaded_at: crate::clock::db_time(state.now()),
        },
    };
    let (st, who, d, u, o) = (
        state.clone(),
        caller.clone(),
        ds.clone(),
        up.clone(),
        owner.to_owned(),
    );
    let recorded = state
        .db(move |conn| {
            Ok(service::finish(
                conn,
                st.now(),
                &who,
                &st.policy,
                &d,
                &u,
                &o,
                &arrived,
            )?)
        })
        .await;
    let (view, replaced) = match recorded {
        Ok(r) => r,
        Err(e) => {
            // Nothing left behind: neither the object nor the upload.
            let key = up.object_key.clone();
            let s = store.clone();
            let _ = web::block(move || s.delete(&key)).await;
            let id = up.id.clone();
            let _ = state.db(move |conn| Ok(queries::delete(conn, &id)?)).await;
            return Err(e);
        }
    };
    if let Some(old) = replaced {
        let _ = web::block(move || store.delete(&old)).await;
    }
    Ok(view)
}

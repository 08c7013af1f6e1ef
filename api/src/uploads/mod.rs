//! Resumable uploads with the tus 1.0 protocol (issue 15): creation (and
//! creation with upload, deferred length), core (`HEAD`/`PATCH`),
//! termination, expiration and per-chunk checksums, so that tus-js-client,
//! Uppy and tuspy work unchanged (README "Resumable uploads (tus)" is
//! the contract the SPA, the interop scripts and the benchmark rely on).
//!
//! An upload's state lives in its database row, never in a process: the
//! bytes received, the whole-file SHA-256 state after them
//! ([`sha256::Sha256State`]), the storage's staging text, and a short lease
//! held by the request that is streaming bytes. So an upload begun against
//! one `habilis serve` resumes against another, or after a restart. When
//! the last byte arrives, the file is recorded in its dataset exactly as a
//! one-request `PUT` would be (`datasets::service::record_file_within`).
//!
//! - [`routes`] — HTTP, the tus headers, one authorisation each, the
//!   streaming;
//! - [`service`] — the rules, [`UploadError`];
//! - [`queries`] — diesel;
//! - [`jobs`] — the expiry sweep.

pub mod jobs;
pub mod queries;
pub mod routes;
pub mod service;
pub mod sha256;

use habilis_shared::policy::Action;

pub use queries::UploadRow;
pub use service::UploadError;

use crate::auth::Caller;
use crate::datasets::{self, DatasetRow};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Loads an upload of the caller's and decides `file.upload` on its
/// project: someone else's upload, like an unknown one, is a 404; a project
/// the caller may no longer upload to, a 403 (or 404 when it may not even
/// name it).
pub fn upload_for(
    conn: &mut DbConn,
    st: &AppState,
    caller: &Caller,
    id: &str,
) -> ApiResult<(UploadRow, DatasetRow)> {
    let up = queries::find(conn, id)?
        .filter(|u| u.created_by == caller.id())
        .ok_or_else(ApiError::not_found)?;
    let (ds, _, _) =
        datasets::dataset_for(conn, st, caller, &up.dataset_id, Some(Action::FileUpload))?;
    Ok((up, ds))
}

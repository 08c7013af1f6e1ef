//! Datasets of a project and their files (SPEC §5, issue 15): created in
//! active projects, read as the project is, files streamed in and out of
//! the object storage ([`crate::storage`]) with their SHA-256.
//!
//! - [`routes`]: HTTP, one authorisation each, the streaming;
//! - [`service`]: the rules, one transaction per change, [`DatasetError`];
//! - [`queries`]: diesel, named rows.
//!
//! A dataset is decided on as its project: [`dataset_for`] and
//! [`file_for`] build the project's [`Resource::Project`] for the caller;
//! a dataset or file whose project the caller may not even name is a 404.

pub mod queries;
pub mod routes;
pub mod service;

use habilis_shared::policy::{Action, Resource};

pub use queries::{DatasetRow, FileRow};
pub use service::DatasetError;

use crate::auth::Caller;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::policy::Authz;
use crate::projects::{self, ProjectRow};
use crate::state::AppState;

/// The project of a dataset or file, and the caller's standing in it;
/// 404 (recorded as a denial) when the caller may not know the project.
fn visible(
    conn: &mut DbConn,
    st: &AppState,
    caller: &Caller,
    project: &str,
    kind: &'static str,
    id: &str,
) -> ApiResult<(ProjectRow, Resource)> {
    let p = projects::find(conn, project)?.ok_or_else(ApiError::not_found)?;
    let res = projects::queries::resource(conn, &p, caller)?;
    Authz::new(st, caller)
        .require(Action::ProjectReadName, res)
        .target(kind, id)
        .hidden_as_404()
        .on(conn)?;
    Ok((p, res))
}

/// Loads a dataset the caller may know of, then decides `action` on it
/// (403 when refused; `None`: knowing of it is enough).
pub fn dataset_for(
    conn: &mut DbConn,
    st: &AppState,
    caller: &Caller,
    id: &str,
    action: Option<Action>,
) -> ApiResult<(DatasetRow, ProjectRow, Resource)> {
    let ds = queries::find(conn, id)?.ok_or_else(ApiError::not_found)?;
    let (p, res) = visible(conn, st, caller, &ds.project_id, "dataset", &ds.id)?;
    if let Some(action) = action {
        Authz::new(st, caller)
            .require(action, res)
            .target("dataset", &ds.id)
            .on(conn)?;
    }
    Ok((ds, p, res))
}

/// Loads a file the caller may know of (its project's name), without
/// deciding more: the caller asks for its action (a download records a
/// refusal in the activity log first).
pub fn file_for(
    conn: &mut DbConn,
    st: &AppState,
    caller: &Caller,
    id: &str,
) -> ApiResult<(FileRow, ProjectRow, Resource)> {
    let f = queries::file(conn, id)?.ok_or_else(ApiError::not_found)?;
    let (p, res) = visible(conn, st, caller, &f.project_id, "file", &f.id)?;
    Ok((f, p, res))
}

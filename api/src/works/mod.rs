//! Works (SPEC §5): draft → unpublished → published, annotations, and who
//! sees them (SPEC §2.5). Every decision is the policy's; the list query is
//! built from the same decisions so pagination stays correct.
//!
//! - [`routes`]: HTTP, one authorisation each;
//! - [`service`]: the rules, one transaction per change, [`WorkError`];
//! - [`queries`]: diesel, named rows, the visibility filter.
//!
//! Every handler on one work goes through [`work_for`].

pub mod queries;
pub mod routes;
pub mod service;

use habilis_shared::i18n::Msg;
use habilis_shared::policy::{Action, Resource};

pub use queries::WorkRow;
pub use service::WorkError;

use crate::auth::Caller;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::policy::Authz;
use crate::state::AppState;

/// Loads a work the caller may see: 404 otherwise (recorded as a denial),
/// so that an invisible work's existence does not leak (SPEC §11).
pub fn work_for(
    conn: &mut DbConn,
    st: &AppState,
    caller: &Caller,
    id: &str,
) -> ApiResult<(WorkRow, Resource)> {
    let work = queries::find(conn, id)?.ok_or_else(ApiError::not_found)?;
    let resource = queries::resource(conn, st, &caller.user, &work)?;
    Authz::new(st, caller)
        .require(Action::WorkRead, resource)
        .target("work", &work.id)
        .hidden_as_404()
        .on(conn)?;
    Ok((work, resource))
}

/// [`work_for`], then `action` on it: 403 when the policy refuses.
pub fn work_for_action(
    conn: &mut DbConn,
    st: &AppState,
    caller: &Caller,
    id: &str,
    action: Action,
) -> ApiResult<WorkRow> {
    let (work, resource) = work_for(conn, st, caller, id)?;
    Authz::new(st, caller)
        .require(action, resource)
        .target("work", &work.id)
        .on(conn)?;
    Ok(work)
}

/// The project a work of the caller's may go into (SPEC §4, §5): one the
/// caller sees, in whose organisation their role may annotate. A project
/// they may not even know by name is an unknown `project_id` (422), not a
/// 404 of the work.
pub fn project_to_file_into(
    conn: &mut DbConn,
    st: &AppState,
    caller: &Caller,
    id: &str,
) -> ApiResult<String> {
    let unknown = || ApiError::field("project_id", Msg::new("works-project-unknown"));
    let project = crate::projects::find(conn, id)?.ok_or_else(unknown)?;
    let resource = crate::projects::queries::resource(conn, &project, caller)?;
    if !Authz::new(st, caller)
        .require(Action::ProjectReadName, resource)
        .allows()
    {
        return Err(unknown());
    }
    Authz::new(st, caller)
        .require(Action::ProjectWorks, resource)
        .target("project", &project.id)
        .on(conn)?;
    Ok(project.id)
}

//! Projects (SPEC §4, issue 6): requested by a manager of an organisation,
//! approved by a sponsor and a data steward (the generic approval model of
//! [`approvals`]), with participants.
//!
//! - [`routes`], [`participants`]: HTTP, one authorisation each;
//! - [`service`]: the rules, one transaction per change, [`ProjectError`];
//! - [`queries`]: diesel, named rows, how a caller stands to a project.
//!
//! Every handler goes through [`project_for`]: the caller's role in the
//! project's organisation and how the caller stands to the project make the
//! [`Resource::Project`] the one policy function decides on.

pub mod approvals;
pub mod participants;
pub mod queries;
pub mod routes;
pub mod service;

use habilis_shared::policy::{Action, Resource};

pub use queries::{event, find, history, ProjectRow};
pub use service::ProjectError;

use crate::auth::Caller;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::policy::Authz;
use crate::state::AppState;

/// Loads the project and decides `action` for the caller. A project the
/// caller may not even know by name answers 404; one they know but may not
/// act on, 403.
pub fn project_for(
    conn: &mut DbConn,
    st: &AppState,
    caller: &Caller,
    id: &str,
    action: Action,
) -> ApiResult<(ProjectRow, Resource)> {
    let p = find(conn, id)?.ok_or_else(ApiError::not_found)?;
    let res = queries::resource(conn, &p, caller)?;
    let authz = || Authz::new(st, caller);
    authz()
        .require(Action::ProjectReadName, res)
        .target("project", &p.id)
        .hidden_as_404()
        .on(conn)?;
    if action != Action::ProjectReadName {
        authz()
            .require(action, res)
            .target("project", &p.id)
            .on(conn)?;
    }
    Ok((p, res))
}

//! Compute jobs and the priority scheduler (SPEC §7, §2.6; issue 17):
//! people run engines ([`crate::engines`]) as jobs in their projects; the
//! scheduler orders the waiting jobs by profile rank, in turns between
//! people, within caps; a dispatcher on each replica claims and runs them
//! on an executor (local worker slots or Slurm).
//!
//! - [`routes`]: HTTP, one authorisation each;
//! - [`service`]: submitting and cancelling, the view, [`JobError`];
//! - [`queries`]: diesel, named rows;
//! - [`scheduler`]: the rules of SPEC §2.6 as a pure function of a queue;
//! - [`dispatch`]: claiming, running, watching and recovering jobs;
//! - [`executors`]: where jobs run.
//!
//! A job is decided on as a [`Resource::Job`]: one the caller may not read
//! is a 404, whatever the reason.

pub mod dispatch;
pub mod executors;
pub mod queries;
pub mod routes;
pub mod scheduler;
pub mod service;
pub mod wake;

use habilis_shared::policy::{Action, Resource};

pub use dispatch::Dispatcher;
pub use queries::JobRow;
pub use service::JobError;
pub use wake::Compute;

use crate::accounts::queries::{self as users_q, UserRow};
use crate::auth::Caller;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::policy::Authz;
use crate::projects::{self, ProjectRow};
use crate::state::AppState;

/// The [`Resource::Job`] of a job of `owner` in `p` for the caller.
pub fn resource(
    conn: &mut DbConn,
    caller: &Caller,
    p: &ProjectRow,
    owner: &UserRow,
) -> ApiResult<Resource> {
    let Resource::Project { org_role, relation } = projects::queries::resource(conn, p, caller)?
    else {
        return Err(ApiError::internal("a project's resource is a project"));
    };
    Ok(Resource::Job {
        org_role,
        relation,
        owner: owner.profile(),
        owner_relation: users_q::relation(conn, &caller.user, owner)?,
    })
}

/// A job the caller may read, with its project and owner (404 otherwise,
/// recorded as a denial); then `action` decided on it (403 when refused).
pub fn job_for(
    conn: &mut DbConn,
    st: &AppState,
    caller: &Caller,
    id: &str,
    action: Action,
) -> ApiResult<(JobRow, ProjectRow, UserRow, Resource)> {
    let row = queries::find(conn, id)?.ok_or_else(ApiError::not_found)?;
    let p = projects::find(conn, &row.project_id)?.ok_or_else(ApiError::not_found)?;
    let owner = users_q::find(conn, &row.owner_id)?.ok_or_else(ApiError::not_found)?;
    let res = resource(conn, caller, &p, &owner)?;
    Authz::new(st, caller)
        .require(Action::JobRead, res)
        .target("job", &row.id)
        .hidden_as_404()
        .on(conn)?;
    if action != Action::JobRead {
        Authz::new(st, caller)
            .require(action, res)
            .target("job", &row.id)
            .on(conn)?;
    }
    Ok((row, p, owner, res))
}

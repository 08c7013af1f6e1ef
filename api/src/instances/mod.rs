//! Running instances of ordered services (issue 16 §3–§6): launched from an
//! approved order through a spawner ([`crate::spawners`]), watched until
//! they answer, stopped by their owner, by their project's managers, by
//! the idle purge (after a notice) or with their order; saved
//! configurations; usage per project.
//!
//! - [`routes`]: HTTP, one authorisation each;
//! - [`service`]: the rules, one transaction per change, [`InstanceError`];
//! - [`queries`]: diesel, named rows;
//! - [`jobs`]: the watcher, the reconciliation and the idle purge;
//! - [`readme`]: the README template, Markdown and sanitised HTML;
//! - [`usage`]: instance-hours × price in a window, and its CSV.
//!
//! An instance is decided on as a [`Resource::Service`] of its project:
//! one the caller may not read is a 404, whatever the reason.

pub mod jobs;
pub mod queries;
pub mod readme;
pub mod routes;
pub mod service;
pub mod usage;

use habilis_shared::policy::{Action, Resource};

pub use queries::InstanceRow;
pub use service::{stop_all_of_order, InstanceError};

use crate::auth::Caller;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::policy::Authz;
use crate::projects::{self, ProjectRow};
use crate::state::AppState;

/// The [`Resource::Service`] of `row` for the caller.
pub fn resource(
    conn: &mut DbConn,
    caller: &Caller,
    p: &ProjectRow,
    owner: &str,
) -> ApiResult<Resource> {
    let Resource::Project { org_role, relation } = projects::queries::resource(conn, p, caller)?
    else {
        return Err(ApiError::internal("a project's resource is a project"));
    };
    Ok(Resource::Service {
        org_role,
        relation,
        mine: owner == caller.id(),
    })
}

/// Loads an instance the caller may read (404 otherwise, recorded as a
/// denial), then decides `action` on it (403 when refused).
pub fn instance_for(
    conn: &mut DbConn,
    st: &AppState,
    caller: &Caller,
    id: &str,
    action: Action,
) -> ApiResult<(InstanceRow, ProjectRow)> {
    let row = queries::find(conn, id)?.ok_or_else(ApiError::not_found)?;
    let p = projects::find(conn, &row.project_id)?.ok_or_else(ApiError::not_found)?;
    let res = resource(conn, caller, &p, &row.owner_id)?;
    Authz::new(st, caller)
        .require(Action::InstanceRead, res)
        .target("instance", &row.id)
        .hidden_as_404()
        .on(conn)?;
    if action != Action::InstanceRead {
        Authz::new(st, caller)
            .require(action, res)
            .target("instance", &row.id)
            .on(conn)?;
    }
    Ok((row, p))
}

//! Orders of catalog services for a project (SPEC §4, §6, issue 16):
//! placed by the project's members whose organisation role may launch
//! processing, approved by the project's sponsor and data steward through
//! the generic approvals (`projects::approvals`, subject `order`),
//! modified (back to the approvers) or cancelled by their requester or the
//! project's managers.
//!
//! - [`routes`]: HTTP, one authorisation each;
//! - [`service`]: the rules, one transaction per change, [`OrderError`];
//! - [`queries`]: diesel, named rows.
//!
//! An order is decided on as its project, with whether the caller placed
//! it ([`Resource::Service`]): [`order_for`] builds it; an order whose
//! project the caller may not even name is a 404.

pub mod queries;
pub mod routes;
pub mod service;

use habilis_shared::policy::{Action, Resource};

pub use queries::OrderRow;
pub use service::OrderError;

use crate::auth::Caller;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::policy::Authz;
use crate::projects::{self, ProjectRow};
use crate::state::AppState;

/// The [`Resource::Service`] of something of project resource `project`
/// that is the caller's (`mine`) or not.
pub fn service_resource(project: Resource, mine: bool) -> Resource {
    match project {
        Resource::Project { org_role, relation } => Resource::Service {
            org_role,
            relation,
            mine,
        },
        other => other,
    }
}

/// Loads an order the caller may know of (404, recorded, when they may not
/// name its project), then decides `action` on it (403 when refused).
pub fn order_for(
    conn: &mut DbConn,
    st: &AppState,
    caller: &Caller,
    id: &str,
    action: Action,
) -> ApiResult<(OrderRow, ProjectRow, Resource)> {
    let order = queries::find(conn, id)?.ok_or_else(ApiError::not_found)?;
    let p = projects::find(conn, &order.project_id)?.ok_or_else(ApiError::not_found)?;
    let project = projects::queries::resource(conn, &p, caller)?;
    Authz::new(st, caller)
        .require(Action::ProjectReadName, project)
        .target("order", &order.id)
        .hidden_as_404()
        .on(conn)?;
    let res = service_resource(project, order.requested_by == caller.id());
    Authz::new(st, caller)
        .require(action, res)
        .target("order", &order.id)
        .on(conn)?;
    Ok((order, p, res))
}

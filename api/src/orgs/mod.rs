//! Organisations (SPEC §4, issue 6): the organisations, their members with
//! one organisation role each, bulk invitations and the CSV export.
//!
//! - [`routes`], [`invitations`], [`export`]: HTTP, one authorisation each;
//! - [`service`]: the rules, one transaction per change, [`OrgError`];
//! - [`queries`]: diesel, named rows.
//!
//! Every handler goes through [`org_for`]: the caller's role in the
//! organisation (none when not a member or blocked there) is the
//! [`Resource::Organization`] the one policy function decides on, together
//! with the caller's platform profile.

pub mod export;
pub mod invitations;
pub mod queries;
pub mod routes;
pub mod service;

use habilis_shared::policy::{Action, OrgCapability, OrgRole, Resource};

pub use queries::{find, role_of, OrgRow};
pub use service::OrgError;

use crate::auth::Caller;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::policy::Authz;
use crate::state::AppState;

/// Loads the organisation and decides `cap` for the caller in it. An
/// organisation the caller may not even see by name answers 404 (its
/// existence does not leak); one they see but may not act in, 403.
pub fn org_for(
    conn: &mut DbConn,
    st: &AppState,
    caller: &Caller,
    id: &str,
    cap: OrgCapability,
) -> ApiResult<(OrgRow, Option<OrgRole>)> {
    let org = find(conn, id)?.ok_or_else(ApiError::not_found)?;
    let role = role_of(conn, &org.id, caller.id())?;
    let resource = Resource::Organization { role };
    let authz = || Authz::new(st, caller);
    authz()
        .require(Action::Org(OrgCapability::ProjectsReadNames), resource)
        .target("organization", &org.id)
        .hidden_as_404()
        .on(conn)?;
    if cap != OrgCapability::ProjectsReadNames {
        authz()
            .require(Action::Org(cap), resource)
            .target("organization", &org.id)
            .on(conn)?;
    }
    Ok((org, role))
}

//! Organisations (SPEC §4, issue 6): the organisations, their members with
//! one organisation role each, bulk invitations and the CSV export.
//!
//! Every handler goes through [`org_for`]: the caller's role in the
//! organisation (none when not a member or blocked there) is the
//! [`Resource::Organization`] the one policy function decides on, together
//! with the caller's platform profile.

pub mod export;
pub mod invitations;
pub mod routes;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use habilis_shared::dto::{MembershipState, OrganizationView};
use habilis_shared::policy::{Action, OrgCapability, OrgRole, Resource};

use crate::auth::Caller;
use crate::clock::utc;
use crate::db::schema::{memberships, organizations};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::policy::check;
use crate::state::AppState;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = organizations)]
pub struct OrgRow {
    pub id: String,
    pub name: String,
    pub description: String,
    pub created_at: NaiveDateTime,
}

impl OrgRow {
    pub fn view(&self, my_role: Option<OrgRole>, members: i64) -> OrganizationView {
        OrganizationView {
            id: self.id.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            my_role,
            members,
            created_at: utc(self.created_at),
        }
    }
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<OrgRow>> {
    organizations::table
        .find(id)
        .select(OrgRow::as_select())
        .first(conn)
        .optional()
}

/// `user`'s active role in `org` (a blocked membership has none).
pub fn role_of(conn: &mut DbConn, org: &str, user: &str) -> QueryResult<Option<OrgRole>> {
    let row: Option<(String, String)> = memberships::table
        .find((org, user))
        .select((memberships::role, memberships::state))
        .first(conn)
        .optional()?;
    Ok(row.and_then(|(role, state)| {
        (MembershipState::parse(&state) == Some(MembershipState::Active))
            .then(|| role.parse().ok())
            .flatten()
    }))
}

pub fn member_count(conn: &mut DbConn, org: &str) -> QueryResult<i64> {
    memberships::table
        .filter(memberships::organization_id.eq(org))
        .count()
        .get_result(conn)
}

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
    let target = Some(("organization", org.id.clone()));
    check(
        conn,
        st,
        caller,
        Action::Org(OrgCapability::ProjectsReadNames),
        resource,
        target.clone(),
        true,
    )?;
    if cap != OrgCapability::ProjectsReadNames {
        check(conn, st, caller, Action::Org(cap), resource, target, false)?;
    }
    Ok((org, role))
}

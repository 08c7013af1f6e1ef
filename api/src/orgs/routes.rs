//! `/api/v1/organizations` and their members.

use crate::error::ProblemType;
use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use habilis_shared::dto::{
    AccountState, ChangeMemberRole, CreateOrganization, MemberList, MemberView, MembershipState,
    OrganizationList, OrganizationView, Problem, UpdateOrganization,
};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::{Action, OrgCapability, OrgRole, Resource};
use serde_json::json;
use validator::Validate;

use super::{find, member_count, org_for, OrgRow};
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::Caller;
use crate::clock::{db_time, utc};
use crate::db::schema::{memberships, organizations, users};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::policy::authorize;
use crate::state::AppState;

fn name_taken() -> ApiError {
    ApiError::conflict(
        ProblemType::NameTaken,
        Msg::untranslated("an organisation already has this name"),
    )
}

fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The organisations I belong to (administrators: all of them), by name.
#[utoipa::path(
    get, path = "/api/v1/organizations", tag = "organizations", security(("bearer" = [])),
    responses(
        (status = 200, description = "The organisations I may see", body = OrganizationList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_organizations(
    state: web::Data<AppState>,
    caller: Caller,
) -> ApiResult<web::Json<OrganizationList>> {
    let st = state.clone();
    let list = state
        .db(move |conn| {
            let sees_all = st
                .policy
                .decide(
                    &caller.actor(&st),
                    &Action::Org(OrgCapability::ProjectsReadNames),
                    &Resource::Organization { role: None },
                )
                .allowed;
            let mine: Vec<(String, String)> = memberships::table
                .filter(memberships::user_id.eq(caller.id()))
                .filter(memberships::state.eq(MembershipState::Active.as_str()))
                .select((memberships::organization_id, memberships::role))
                .load(conn)?;
            let mut q = organizations::table
                .select(OrgRow::as_select())
                .order(organizations::name_key.asc())
                .into_boxed();
            if !sees_all {
                q = q.filter(organizations::id.eq_any(mine.iter().map(|(o, _)| o.clone())));
            }
            let rows = q.load::<OrgRow>(conn)?;
            let mut items = Vec::with_capacity(rows.len());
            for org in rows {
                let role = mine
                    .iter()
                    .find(|(o, _)| *o == org.id)
                    .and_then(|(_, r)| r.parse().ok());
                let n = member_count(conn, &org.id)?;
                items.push(org.view(role, n));
            }
            Ok(OrganizationList { items })
        })
        .await?;
    Ok(web::Json(list))
}

/// Create an organisation (SPEC §4: administrators). It starts with no
/// member: invite its managers next.
#[utoipa::path(
    post, path = "/api/v1/organizations", tag = "organizations", request_body = CreateOrganization, security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = OrganizationView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only administrators create organisations", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_organization(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateOrganization>,
) -> ApiResult<HttpResponse> {
    let req = body.into_inner()?;
    req.validate()?;
    if req.name.trim().is_empty() {
        return Err(ApiError::field(
            "name",
            Msg::untranslated("must not be blank"),
        ));
    }
    authorize(&state, &caller, Action::OrgCreate, Resource::None).await?;
    let now = state.now();
    let view = state
        .db(move |conn| {
            conn.write_tx(|conn| {
                let key = name_key(&req.name);
                let taken: bool = diesel::select(diesel::dsl::exists(
                    organizations::table.filter(organizations::name_key.eq(&key)),
                ))
                .get_result(conn)?;
                if taken {
                    return Err(name_taken());
                }
                let id = uuid::Uuid::now_v7().to_string();
                let t = db_time(now);
                diesel::insert_into(organizations::table)
                    .values((
                        organizations::id.eq(&id),
                        organizations::name.eq(req.name.trim()),
                        organizations::name_key.eq(&key),
                        organizations::description.eq(req.description.trim()),
                        organizations::created_by.eq(caller.id()),
                        organizations::created_at.eq(t),
                        organizations::updated_at.eq(t),
                    ))
                    .execute(conn)
                    .map_err(|e| unique_or(e, name_taken))?;
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::OrgCreate, Outcome::Success)
                        .actor(caller.id())
                        .target("organization", id.clone())
                        .detail(json!({ "name": req.name.trim() }))
                        .ctx(&caller.ctx),
                )?;
                let org = find(conn, &id)?.ok_or_else(ApiError::not_found)?;
                Ok(org.view(None, 0))
            })
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/organizations/{}", view.id)))
        .json(view))
}

/// A unique-constraint violation becomes `conflict`; anything else stays.
fn unique_or(e: diesel::result::Error, conflict: fn() -> ApiError) -> ApiError {
    match e {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => conflict(),
        other => other.into(),
    }
}

/// One organisation (members, and administrators).
#[utoipa::path(
    get, path = "/api/v1/organizations/{id}", tag = "organizations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The organisation and my role in it", body = OrganizationView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation, or not mine", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_organization(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<OrganizationView>> {
    let id = id.into_inner();
    let st = state.clone();
    let view = state
        .db(move |conn| {
            let (org, role) = org_for(conn, &st, &caller, &id, OrgCapability::ProjectsReadNames)?;
            let n = member_count(conn, &org.id)?;
            Ok(org.view(role, n))
        })
        .await?;
    Ok(web::Json(view))
}

/// Rename an organisation or change its description (its managers,
/// administrators).
#[utoipa::path(
    patch, path = "/api/v1/organizations/{id}", tag = "organizations", request_body = UpdateOrganization, security(("bearer" = [])),
    params(("id" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "Updated", body = OrganizationView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a manager of it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation, or not mine", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_organization(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: Json<UpdateOrganization>,
) -> ApiResult<web::Json<OrganizationView>> {
    let req = body.into_inner()?;
    req.validate()?;
    if req.name.as_deref().is_some_and(|n| n.trim().is_empty()) {
        return Err(ApiError::field(
            "name",
            Msg::untranslated("must not be blank"),
        ));
    }
    let id = id.into_inner();
    let st = state.clone();
    let view = state
        .db(move |conn| {
            let (org, role) = org_for(conn, &st, &caller, &id, OrgCapability::MembersManage)?;
            let now = st.now();
            conn.write_tx(|conn| {
                if let Some(name) = &req.name {
                    let key = name_key(name);
                    let taken: bool = diesel::select(diesel::dsl::exists(
                        organizations::table
                            .filter(organizations::name_key.eq(&key))
                            .filter(organizations::id.ne(&org.id)),
                    ))
                    .get_result(conn)?;
                    if taken {
                        return Err(name_taken());
                    }
                    diesel::update(organizations::table.find(&org.id))
                        .set((
                            organizations::name.eq(name.trim()),
                            organizations::name_key.eq(&key),
                        ))
                        .execute(conn)
                        .map_err(|e| unique_or(e, name_taken))?;
                }
                if let Some(d) = &req.description {
                    diesel::update(organizations::table.find(&org.id))
                        .set(organizations::description.eq(d.trim()))
                        .execute(conn)?;
                }
                diesel::update(organizations::table.find(&org.id))
                    .set(organizations::updated_at.eq(db_time(now)))
                    .execute(conn)?;
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::OrgUpdate, Outcome::Success)
                        .actor(caller.id())
                        .target("organization", org.id.clone())
                        .detail(
                            json!({ "name": req.name, "description": req.description.is_some() }),
                        )
                        .ctx(&caller.ctx),
                )?;
                let org = find(conn, &org.id)?.ok_or_else(ApiError::not_found)?;
                let n = member_count(conn, &org.id)?;
                Ok(org.view(role, n))
            })
        })
        .await?;
    Ok(web::Json(view))
}

type MemberRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    chrono::NaiveDateTime,
);

type MemberColumns = (
    users::id,
    users::first_name,
    users::last_name,
    users::email,
    users::state,
    memberships::role,
    memberships::state,
    memberships::created_at,
);

/// What a member row shows, in [`MemberRow`] order.
fn member_columns() -> MemberColumns {
    (
        users::id,
        users::first_name,
        users::last_name,
        users::email,
        users::state,
        memberships::role,
        memberships::state,
        memberships::created_at,
    )
}

fn member_view(
    (user_id, first_name, last_name, email, account_state, role, state, added): MemberRow,
) -> Option<MemberView> {
    Some(MemberView {
        user_id,
        first_name,
        last_name,
        email,
        account_state: AccountState::parse(&account_state)?,
        role: role.parse().ok()?,
        state: MembershipState::parse(&state)?,
        added_at: utc(added),
    })
}

/// The members, by last name (every member sees them; administrators too).
#[utoipa::path(
    get, path = "/api/v1/organizations/{id}/members", tag = "organizations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "Members with their role", body = MemberList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation, or not mine", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_members(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<MemberList>> {
    let id = id.into_inner();
    let st = state.clone();
    let list = state
        .db(move |conn| {
            let (org, _) = org_for(conn, &st, &caller, &id, OrgCapability::ProjectsReadNames)?;
            let rows: Vec<MemberRow> = memberships::table
                .inner_join(users::table)
                .filter(memberships::organization_id.eq(&org.id))
                .order((
                    users::last_name.asc(),
                    users::first_name.asc(),
                    users::id.asc(),
                ))
                .select(member_columns())
                .load(conn)?;
            Ok(MemberList {
                items: rows.into_iter().filter_map(member_view).collect(),
            })
        })
        .await?;
    Ok(web::Json(list))
}

/// Refuses a change that would leave the organisation without an active
/// manager (nobody could then manage it but administrators).
fn keep_a_manager(conn: &mut DbConn, org: &str, user: &str) -> ApiResult<()> {
    let managers: Vec<String> = memberships::table
        .filter(memberships::organization_id.eq(org))
        .filter(memberships::role.eq(OrgRole::Manager.as_str()))
        .filter(memberships::state.eq(MembershipState::Active.as_str()))
        .select(memberships::user_id)
        .load(conn)?;
    if managers.len() == 1 && managers[0] == user {
        return Err(ApiError::conflict(
            ProblemType::LastManager,
            Msg::untranslated(
                "this is the last manager of the organisation: name another one first",
            ),
        ));
    }
    Ok(())
}

/// A member's current (role, state), or 404.
fn membership(conn: &mut DbConn, org: &str, user: &str) -> ApiResult<(OrgRole, MembershipState)> {
    let (role, state): (String, String) = memberships::table
        .find((org, user))
        .select((memberships::role, memberships::state))
        .first(conn)
        .optional()?
        .ok_or_else(ApiError::not_found)?;
    Ok((
        role.parse().unwrap_or(OrgRole::User),
        MembershipState::parse(&state).unwrap_or(MembershipState::Blocked),
    ))
}

/// The one member, as listed.
fn member(conn: &mut DbConn, org: &str, user: &str) -> ApiResult<MemberView> {
    let row: MemberRow = memberships::table
        .inner_join(users::table)
        .filter(memberships::organization_id.eq(org))
        .filter(memberships::user_id.eq(user))
        .select(member_columns())
        .first(conn)?;
    member_view(row).ok_or_else(|| ApiError::internal("unreadable membership row"))
}

/// What a manager does to one member, in one transaction with its audit row.
#[derive(Clone, Copy)]
enum Change {
    Role(OrgRole),
    State(MembershipState),
    Remove,
}

async fn change_member(
    state: web::Data<AppState>,
    caller: Caller,
    org_id: String,
    user_id: String,
    change: Change,
) -> ApiResult<Option<MemberView>> {
    let st = state.clone();
    state
        .db(move |conn| {
            let (org, _) = org_for(conn, &st, &caller, &org_id, OrgCapability::MembersManage)?;
            let now = st.now();
            conn.write_tx(|conn| {
                conn.lock_named("memberships")?;
                let (role, current) = membership(conn, &org.id, &user_id)?;
                let demotes_a_manager = role == OrgRole::Manager
                    && current == MembershipState::Active
                    && match change {
                        Change::Role(r) => r != OrgRole::Manager,
                        Change::State(s) => s != MembershipState::Active,
                        Change::Remove => true,
                    };
                if demotes_a_manager {
                    keep_a_manager(conn, &org.id, &user_id)?;
                }
                let one = memberships::table.find((&org.id, &user_id));
                let (action, detail) = match change {
                    Change::Role(r) => {
                        diesel::update(one)
                            .set((
                                memberships::role.eq(r.as_str()),
                                memberships::updated_at.eq(db_time(now)),
                            ))
                            .execute(conn)?;
                        (AuditAction::OrgMemberRole, json!({ "from": role, "to": r }))
                    }
                    Change::State(s) => {
                        diesel::update(one)
                            .set((
                                memberships::state.eq(s.as_str()),
                                memberships::updated_at.eq(db_time(now)),
                            ))
                            .execute(conn)?;
                        let action = match s {
                            MembershipState::Blocked => AuditAction::OrgMemberBlock,
                            MembershipState::Active => AuditAction::OrgMemberUnblock,
                        };
                        (action, json!({ "role": role }))
                    }
                    Change::Remove => {
                        diesel::delete(one).execute(conn)?;
                        (AuditAction::OrgMemberRemove, json!({ "role": role }))
                    }
                };
                audit::append(
                    conn,
                    now,
                    Event::new(action, Outcome::Success)
                        .actor(caller.id())
                        .target("user", user_id.clone())
                        .detail(json!({ "organization_id": org.id, "change": detail }))
                        .ctx(&caller.ctx),
                )?;
                match change {
                    Change::Remove => Ok(None),
                    _ => member(conn, &org.id, &user_id).map(Some),
                }
            })
        })
        .await
}

type MemberPath = web::Path<(String, String)>;

/// Change a member's role (managers of the organisation, administrators).
#[utoipa::path(
    patch, path = "/api/v1/organizations/{id}/members/{user_id}", tag = "organizations", request_body = ChangeMemberRole, security(("bearer" = [])),
    params(("id" = String, Path, description = "Organisation id"), ("user_id" = String, Path, description = "Member's account id")),
    responses(
        (status = 200, description = "The member with the new role", body = MemberView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a manager of it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation or member", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It would leave no manager", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown role", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn change_member_role(
    state: web::Data<AppState>,
    caller: Caller,
    path: MemberPath,
    body: Json<ChangeMemberRole>,
) -> ApiResult<web::Json<MemberView>> {
    let role = body.into_inner()?.role;
    let (org, user) = path.into_inner();
    let view = change_member(state, caller, org, user, Change::Role(role)).await?;
    view.map(web::Json).ok_or_else(ApiError::not_found)
}

/// Remove a member (managers, administrators). The account stays.
#[utoipa::path(
    delete, path = "/api/v1/organizations/{id}/members/{user_id}", tag = "organizations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Organisation id"), ("user_id" = String, Path, description = "Member's account id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a manager of it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation or member", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It would leave no manager", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn remove_member(
    state: web::Data<AppState>,
    caller: Caller,
    path: MemberPath,
) -> ApiResult<HttpResponse> {
    let (org, user) = path.into_inner();
    change_member(state, caller, org, user, Change::Remove).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Block a member inside the organisation: they keep their account and
/// their row, and lose every right in this organisation.
#[utoipa::path(
    post, path = "/api/v1/organizations/{id}/members/{user_id}/block", tag = "organizations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Organisation id"), ("user_id" = String, Path, description = "Member's account id")),
    responses(
        (status = 200, description = "Blocked", body = MemberView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a manager of it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation or member", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It would leave no manager", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn block_member(
    state: web::Data<AppState>,
    caller: Caller,
    path: MemberPath,
) -> ApiResult<web::Json<MemberView>> {
    let (org, user) = path.into_inner();
    let view = change_member(
        state,
        caller,
        org,
        user,
        Change::State(MembershipState::Blocked),
    )
    .await?;
    view.map(web::Json).ok_or_else(ApiError::not_found)
}

/// Lift a block inside the organisation.
#[utoipa::path(
    post, path = "/api/v1/organizations/{id}/members/{user_id}/unblock", tag = "organizations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Organisation id"), ("user_id" = String, Path, description = "Member's account id")),
    responses(
        (status = 200, description = "Active again", body = MemberView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a manager of it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation or member", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn unblock_member(
    state: web::Data<AppState>,
    caller: Caller,
    path: MemberPath,
) -> ApiResult<web::Json<MemberView>> {
    let (org, user) = path.into_inner();
    let view = change_member(
        state,
        caller,
        org,
        user,
        Change::State(MembershipState::Active),
    )
    .await?;
    view.map(web::Json).ok_or_else(ApiError::not_found)
}

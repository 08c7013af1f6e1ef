//! `/api/v1/organizations` and their members: HTTP only. Each handler
//! parses, authorises once (through [`org_for`] or [`Authz`]) and hands over
//! to [`service`].

use actix_web::{web, HttpResponse};
use habilis_shared::dto::{
    ChangeMemberRole, CreateOrganization, MemberPage, MemberQuery, MemberView, MembershipState,
    OrganizationPage, OrganizationView, PageQuery, Problem, UpdateOrganization,
};
use habilis_shared::policy::{Action, OrgCapability, Resource};
use validator::Validate;

use super::org_for;
use super::queries::{self, MemberSelection, MyOrg};
use super::service::{self, Change};
use crate::auth::CallerToken;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::paging::Keyset;
use crate::policy::Authz;
use crate::state::AppState;

/// The organisations I belong to (administrators: all of them), by name.
#[utoipa::path(
    get, path = "/api/v1/organizations", tag = "organizations", params(PageQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the organisations I may see", body = OrganizationPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_organizations(
    state: web::Data<AppState>,
    caller: CallerToken,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<OrganizationPage>> {
    let st = state.clone();
    let page = state
        .db_as(caller, move |conn, caller| {
            let query = query.into_inner();
            let keys = Keyset::parse(query.limit, query.cursor.as_deref(), 2)?;
            Authz::new(&st, &caller)
                .require(Action::OrgList, Resource::None)
                .on(conn)?;
            // Whoever may see an organisation without a role in it sees them all.
            let sees_all = Authz::new(&st, &caller)
                .require(
                    Action::Org(OrgCapability::ProjectsReadNames),
                    Resource::Organization { role: None },
                )
                .allows();
            let mine = queries::active_orgs_of(conn, caller.id())?;
            let only =
                (!sees_all).then(|| mine.iter().map(|m| m.organization_id.clone()).collect());
            let after = keys.key(0).zip(keys.key(1));
            let rows = queries::list(conn, only, after, keys.fetch())?;
            let (rows, next_cursor) =
                keys.page(rows, |(org, key)| vec![key.clone(), org.id.clone()]);
            let ids: Vec<String> = rows.iter().map(|(org, _)| org.id.clone()).collect();
            let counts = queries::member_counts(conn, &ids)?;
            let items = rows
                .iter()
                .map(|(org, _)| {
                    let role = mine
                        .iter()
                        .find(|m| m.organization_id == org.id)
                        .and_then(MyOrg::role);
                    org.view(role, counts.get(&org.id).copied().unwrap_or(0))
                })
                .collect();
            Ok(OrganizationPage { items, next_cursor })
        })
        .await?;
    Ok(web::Json(page))
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
    caller: CallerToken,
    body: Json<CreateOrganization>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            service::check_create(&req)?;
            Authz::new(&st, &caller)
                .require(Action::OrgCreate, Resource::None)
                .on(conn)?;
            let now = st.now();
            Ok(service::create(conn, now, &caller, &req)?)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/organizations/{}", view.id)))
        .json(view))
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
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<web::Json<OrganizationView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let (org, role) = org_for(conn, &st, &caller, &id, OrgCapability::ProjectsReadNames)?;
            let n = queries::member_count(conn, &org.id)?;
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
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<UpdateOrganization>,
) -> ApiResult<web::Json<OrganizationView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            service::check_update(&req)?;
            let (org, role) = org_for(conn, &st, &caller, &id, OrgCapability::MembersManage)?;
            Ok(service::update(conn, st.now(), &caller, &org, role, &req)?)
        })
        .await?;
    Ok(web::Json(view))
}

/// The members, by last name (members but operators, who see the names of
/// granted projects only; administrators too).
#[utoipa::path(
    get, path = "/api/v1/organizations/{id}/members", tag = "organizations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Organisation id"), MemberQuery),
    responses(
        (status = 200, description = "A page of members with their role", body = MemberPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An operator of it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation, or not mine", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter, limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_members(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    query: web::Query<MemberQuery>,
) -> ApiResult<web::Json<MemberPage>> {
    let st = state.clone();
    let page = state
        .db_as(caller, move |conn, caller| {
            let query = query.into_inner();
            let keys = Keyset::parse(query.limit, query.cursor.as_deref(), 3)?;
            let (org, _) = org_for(conn, &st, &caller, &id, OrgCapability::MembersRead)?;
            let after = match (keys.key(0), keys.key(1), keys.key(2)) {
                (Some(last), Some(first), Some(id)) => {
                    Some((last.to_owned(), first.to_owned(), id.to_owned()))
                }
                _ => None,
            };
            let sel = MemberSelection {
                role: query.role,
                state: query.state,
                after,
                limit: keys.fetch(),
            };
            let rows = queries::members(conn, &org.id, sel)?;
            let (rows, next_cursor) = keys.page(rows, |m| {
                vec![m.last_name.clone(), m.first_name.clone(), m.user_id.clone()]
            });
            Ok(MemberPage {
                items: rows
                    .into_iter()
                    .filter_map(queries::MemberRow::view)
                    .collect(),
                next_cursor,
            })
        })
        .await?;
    Ok(web::Json(page))
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
    caller: CallerToken,
    path: MemberPath,
    body: Json<ChangeMemberRole>,
) -> ApiResult<web::Json<MemberView>> {
    let role = body.into_inner()?.role;
    let view = change_member(state, caller, path, Change::Role(role)).await?;
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
    caller: CallerToken,
    path: MemberPath,
) -> ApiResult<HttpResponse> {
    change_member(state, caller, path, Change::Remove).await?;
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
    caller: CallerToken,
    path: MemberPath,
) -> ApiResult<web::Json<MemberView>> {
    let view = change_member(state, caller, path, Change::State(MembershipState::Blocked)).await?;
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
    caller: CallerToken,
    path: MemberPath,
) -> ApiResult<web::Json<MemberView>> {
    let view = change_member(state, caller, path, Change::State(MembershipState::Active)).await?;
    view.map(web::Json).ok_or_else(ApiError::not_found)
}

/// The members' managers (and administrators) apply one [`Change`].
async fn change_member(
    state: web::Data<AppState>,
    caller: CallerToken,
    path: MemberPath,
    change: Change,
) -> ApiResult<Option<MemberView>> {
    let st = state.clone();
    state
        .db_as(caller, move |conn, caller| {
            let (org_id, user_id) = path.into_inner();
            let (org, _) = org_for(conn, &st, &caller, &org_id, OrgCapability::MembersManage)?;
            Ok(service::change_member(
                conn,
                st.now(),
                &caller,
                &org,
                &user_id,
                change,
            )?)
        })
        .await
}

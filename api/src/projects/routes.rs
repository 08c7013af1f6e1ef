//! `/api/v1/projects`: request, list, read, edit, delete, close — HTTP
//! only. Each handler parses, authorises once (through [`project_for`] or
//! [`orgs::org_for`]) and hands over to [`service`].

use actix_web::{web, HttpResponse};
use habilis_shared::dto::{
    CreateProject, Problem, ProjectPage, ProjectQuery, ProjectView, UpdateProject,
};
use habilis_shared::policy::{Action, OrgCapability, Resource};
use validator::Validate;

use super::{project_for, queries, service};
use crate::auth::CallerToken;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::orgs;
use crate::paging::Keyset;
use crate::policy::Authz;
use crate::state::AppState;

/// Request a project in an organisation I manage. It waits (`pending`)
/// until both the sponsor and the data steward approve from their inbox.
#[utoipa::path(
    post, path = "/api/v1/projects", tag = "projects", request_body = CreateProject, security(("bearer" = [])),
    responses(
        (status = 201, description = "Requested: pending until sponsor and data steward approve", body = ProjectView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a manager of the organisation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation, or not mine", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: domain not in the policy list, sponsor or steward missing, inactive, not institutional, or the same person", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_project(
    state: web::Data<AppState>,
    caller: CallerToken,
    body: Json<CreateProject>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            service::check_create(&st, &req)?;
            let (org, _) = orgs::org_for(
                conn,
                &st,
                &caller,
                &req.organization_id,
                OrgCapability::ProjectsManage,
            )?;
            Ok(service::create(conn, &st, &caller, &org, &req)?)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/projects/{}", view.id)))
        .json(view))
}

/// The projects I may see: every project of the organisations I manage,
/// those I answer for or was granted; operators get names only.
#[utoipa::path(
    get, path = "/api/v1/projects", tag = "projects", params(ProjectQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of projects, by name", body = ProjectPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter, limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_projects(
    state: web::Data<AppState>,
    caller: CallerToken,
    query: web::Query<ProjectQuery>,
) -> ApiResult<web::Json<ProjectPage>> {
    let query = query.into_inner();
    let st = state.clone();
    let page = state
        .db_as(caller, move |conn, caller| {
            let keys = Keyset::parse(query.limit, query.cursor.as_deref(), 2)?;
            Authz::new(&st, &caller)
                .require(Action::ProjectList, Resource::None)
                .on(conn)?;
            let standing = queries::standing(conn, &caller)?;
            let allows = |action: Action| {
                let (st, caller) = (&st, &caller);
                move |res: Resource| Authz::new(st, caller).require(action, res).allows()
            };
            // Filtering by state shows the state: only among the projects
            // I may read in full.
            let visible = match query.state {
                None => standing.filter(allows(Action::ProjectReadName)),
                Some(_) => standing.filter(allows(Action::ProjectRead)),
            };
            let sel = queries::ProjectSelection {
                visible,
                organization_id: query.organization_id,
                state: query.state,
                after: keys
                    .key(0)
                    .zip(keys.key(1))
                    .map(|(n, i)| (n.to_owned(), i.to_owned())),
                limit: keys.fetch(),
            };
            let rows = queries::page(conn, sel)?;
            let (rows, next_cursor) = keys.page(rows, |p| vec![p.name.clone(), p.id.clone()]);
            let full = allows(Action::ProjectRead);
            let items = rows
                .iter()
                .map(|p| {
                    if full(standing.resource(p)) {
                        p.view(Vec::new())
                    } else {
                        p.name_view()
                    }
                })
                .collect();
            Ok(ProjectPage { items, next_cursor })
        })
        .await?;
    Ok(web::Json(page))
}

/// One project with its history (operators: its name only).
#[utoipa::path(
    get, path = "/api/v1/projects/{id}", tag = "projects", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")),
    responses(
        (status = 200, description = "The project", body = ProjectView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not visible to me", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_project(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<web::Json<ProjectView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let (p, res) = project_for(conn, &st, &caller, &id, Action::ProjectReadName)?;
            let full = Authz::new(&st, &caller)
                .require(Action::ProjectRead, res)
                .allows();
            Ok(if full {
                p.view(queries::history(conn, &p.id)?)
            } else {
                p.name_view()
            })
        })
        .await?;
    Ok(web::Json(view))
}

/// Edit a project's name, domain or description (managers).
#[utoipa::path(
    patch, path = "/api/v1/projects/{id}", tag = "projects", request_body = UpdateProject, security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")),
    responses(
        (status = 200, description = "Updated", body = ProjectView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a manager of its organisation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The project is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_project(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<UpdateProject>,
) -> ApiResult<web::Json<ProjectView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            service::check_update(&st, &req)?;
            let (p, _) = project_for(conn, &st, &caller, &id, Action::ProjectManage)?;
            Ok(service::update(conn, st.now(), &caller, &p, &req)?)
        })
        .await?;
    Ok(web::Json(view))
}

/// Delete a project that never started (pending or rejected) and that no
/// work refers to; an active project is closed instead.
#[utoipa::path(
    delete, path = "/api/v1/projects/{id}", tag = "projects", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a manager of its organisation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Active or closed, or works refer to it: close it instead", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_project(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    state
        .db_as(caller, move |conn, caller| {
            let (p, _) = project_for(conn, &st, &caller, &id, Action::ProjectManage)?;
            Ok(service::delete(conn, st.now(), &caller, &p)?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Close an active project (managers): it stays, read-only, with its history.
#[utoipa::path(
    post, path = "/api/v1/projects/{id}/close", tag = "projects", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")),
    responses(
        (status = 200, description = "Closed", body = ProjectView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a manager of its organisation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not active", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn close_project(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<web::Json<ProjectView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let (p, _) = project_for(conn, &st, &caller, &id, Action::ProjectManage)?;
            Ok(service::close(conn, st.now(), &caller, &p)?)
        })
        .await?;
    Ok(web::Json(view))
}

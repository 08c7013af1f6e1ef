//! `/api/v1/projects`: request, list, read, edit, delete, close.

use crate::error::ProblemType;
use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use habilis_shared::dto::{
    CreateProject, MembershipState, Problem, ProjectList, ProjectState, ProjectView, UpdateProject,
};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::{Action, OrgCapability};
use serde_json::json;
use validator::Validate;

use super::{event, find, history, project_for, ProjectRow};
use crate::accounts::queries as users_q;
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::Caller;
use crate::clock::db_time;
use crate::db::schema::{
    approval_requests, approvals, memberships, participants, project_events, projects, works,
};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::mail::{self, Mail};
use crate::orgs;
use crate::state::AppState;

fn check_domain(st: &AppState, domain: &str) -> ApiResult<()> {
    let domains = &st.policy.organizations.project_domains;
    if domains.iter().any(|d| d == domain.trim()) {
        return Ok(());
    }
    Err(ApiError::field(
        "domain",
        Msg::untranslated(format!("must be one of: {}", domains.join(", "))),
    ))
}

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
    caller: Caller,
    body: Json<CreateProject>,
) -> ApiResult<HttpResponse> {
    let req = body.into_inner()?;
    req.validate()?;
    if req.name.trim().is_empty() {
        return Err(ApiError::field(
            "name",
            Msg::untranslated("must not be blank"),
        ));
    }
    check_domain(&state, &req.domain)?;
    if req.sponsor_id == req.data_steward_id {
        return Err(ApiError::field(
            "data_steward_id",
            Msg::untranslated("the sponsor and the data steward must be two different people"),
        ));
    }
    let st = state.clone();
    let view = state
        .db(move |conn| {
            let (org, _) = orgs::org_for(
                conn,
                &st,
                &caller,
                &req.organization_id,
                OrgCapability::ProjectsManage,
            )?;
            let mut approvers = Vec::new();
            for (field, id, role) in [
                ("sponsor_id", &req.sponsor_id, "sponsor"),
                ("data_steward_id", &req.data_steward_id, "data_steward"),
            ] {
                let person = users_q::find(conn, id)?
                    .filter(|u| u.state().may_sign_in())
                    .ok_or_else(|| ApiError::field(field, Msg::untranslated("must be an existing active account")))?;
                if !st.policy.email_domain_allowed(&person.email) {
                    return Err(ApiError::field(field, Msg::untranslated("must have an institutional e-mail address")));
                }
                approvers.push((person, role));
            }
            let now = st.now();
            conn.write_tx(|conn| {
                let id = uuid::Uuid::now_v7().to_string();
                let t = db_time(now);
                diesel::insert_into(projects::table)
                    .values((
                        projects::id.eq(&id),
                        projects::organization_id.eq(&org.id),
                        projects::name.eq(req.name.trim()),
                        projects::data_class.eq(req.data_class.as_str()),
                        projects::domain.eq(req.domain.trim()),
                        projects::description.eq(req.description.trim()),
                        projects::owner_id.eq(caller.id()),
                        projects::sponsor_id.eq(&req.sponsor_id),
                        projects::data_steward_id.eq(&req.data_steward_id),
                        projects::state.eq(ProjectState::Pending.as_str()),
                        projects::created_at.eq(t),
                        projects::updated_at.eq(t),
                    ))
                    .execute(conn)?;
                let request = uuid::Uuid::now_v7().to_string();
                diesel::insert_into(approval_requests::table)
                    .values((
                        approval_requests::id.eq(&request),
                        approval_requests::subject_type.eq("project"),
                        approval_requests::subject_id.eq(&id),
                        approval_requests::requested_by.eq(caller.id()),
                        approval_requests::state.eq("pending"),
                        approval_requests::created_at.eq(t),
                    ))
                    .execute(conn)?;
                let requester = caller.user.display_name();
                for (person, role) in &approvers {
                    diesel::insert_into(approvals::table)
                        .values((
                            approvals::id.eq(uuid::Uuid::now_v7().to_string()),
                            approvals::request_id.eq(&request),
                            approvals::approver_id.eq(&person.id),
                            approvals::approver_role.eq(*role),
                        ))
                        .execute(conn)?;
                    mail::enqueue(
                        conn,
                        now,
                        &Mail {
                            to: person.email.clone(),
                            subject: format!("Habilis: project \"{}\" waits for your approval", req.name.trim()),
                            body: format!(
                                "{requester} asks for the project \"{}\" in {} and names you {role}. \
                                 Decide from your Approvals inbox.\n\n--\n\n\
                                 {requester} demande le projet « {} » dans {} et vous désigne comme {role}. \
                                 Décidez depuis votre boîte « Approbations ».\n",
                                req.name.trim(), org.name, req.name.trim(), org.name
                            ),
                        },
                    )?;
                }
                event(conn, &id, now, caller.id(), "requested", None)?;
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::ProjectCreate, Outcome::Success)
                        .actor(caller.id())
                        .target("project", id.clone())
                        .detail(json!({
                            "organization_id": org.id,
                            "sponsor_id": req.sponsor_id,
                            "data_steward_id": req.data_steward_id,
                        }))
                        .ctx(&caller.ctx),
                )?;
                let p = find(conn, &id)?.ok_or_else(ApiError::not_found)?;
                Ok(p.view(history(conn, &id)?))
            })
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/projects/{}", view.id)))
        .json(view))
}

/// The projects I may see: every project of the organisations I manage,
/// those I answer for or was granted; operators get names only.
#[utoipa::path(
    get, path = "/api/v1/projects", tag = "projects", security(("bearer" = [])),
    responses(
        (status = 200, description = "Projects, by name", body = ProjectList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_projects(
    state: web::Data<AppState>,
    caller: Caller,
) -> ApiResult<web::Json<ProjectList>> {
    let st = state.clone();
    let list = state
        .db(move |conn| {
            let my_orgs: Vec<String> = memberships::table
                .filter(memberships::user_id.eq(caller.id()))
                .filter(memberships::state.eq(MembershipState::Active.as_str()))
                .select(memberships::organization_id)
                .load(conn)?;
            let granted: Vec<String> = participants::table
                .filter(super::granted_to(&caller))
                .select(participants::project_id)
                .load(conn)?;
            let me = caller.id().to_owned();
            let candidates: Vec<ProjectRow> = projects::table
                .filter(
                    projects::organization_id
                        .eq_any(my_orgs)
                        .or(projects::id.eq_any(granted))
                        .or(projects::owner_id.eq(me.clone()))
                        .or(projects::sponsor_id.eq(me.clone()))
                        .or(projects::data_steward_id.eq(me)),
                )
                .order((projects::name.asc(), projects::id.asc()))
                .select(ProjectRow::as_select())
                .load(conn)?;
            let actor = caller.actor(&st);
            let mut items = Vec::new();
            for p in candidates {
                let res = super::resource(conn, &p, &caller)?;
                if st.policy.decide(&actor, &Action::ProjectRead, &res).allowed {
                    items.push(p.view(Vec::new()));
                } else if st
                    .policy
                    .decide(&actor, &Action::ProjectReadName, &res)
                    .allowed
                {
                    items.push(p.name_view());
                }
            }
            Ok(ProjectList { items })
        })
        .await?;
    Ok(web::Json(list))
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
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<ProjectView>> {
    let id = id.into_inner();
    let st = state.clone();
    let view = state
        .db(move |conn| {
            let (p, res) = project_for(conn, &st, &caller, &id, Action::ProjectReadName)?;
            let full = st
                .policy
                .decide(&caller.actor(&st), &Action::ProjectRead, &res)
                .allowed;
            Ok(if full {
                p.view(history(conn, &p.id)?)
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
    caller: Caller,
    id: web::Path<String>,
    body: Json<UpdateProject>,
) -> ApiResult<web::Json<ProjectView>> {
    let req = body.into_inner()?;
    req.validate()?;
    if let Some(d) = &req.domain {
        check_domain(&state, d)?;
    }
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
            let (p, _) = project_for(conn, &st, &caller, &id, Action::ProjectManage)?;
            if p.state() == ProjectState::Closed {
                return Err(ApiError::conflict(
                    ProblemType::WrongState,
                    Msg::untranslated("the project is closed"),
                ));
            }
            let now = st.now();
            conn.write_tx(|conn| {
                let one = projects::table.find(&p.id);
                if let Some(n) = &req.name {
                    diesel::update(one)
                        .set(projects::name.eq(n.trim()))
                        .execute(conn)?;
                }
                if let Some(d) = &req.domain {
                    diesel::update(one)
                        .set(projects::domain.eq(d.trim()))
                        .execute(conn)?;
                }
                if let Some(d) = &req.description {
                    diesel::update(one)
                        .set(projects::description.eq(d.trim()))
                        .execute(conn)?;
                }
                diesel::update(one)
                    .set(projects::updated_at.eq(db_time(now)))
                    .execute(conn)?;
                event(conn, &p.id, now, caller.id(), "updated", None)?;
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::ProjectUpdate, Outcome::Success)
                        .actor(caller.id())
                        .target("project", p.id.clone())
                        .detail(json!({ "name": req.name, "domain": req.domain }))
                        .ctx(&caller.ctx),
                )?;
                let p = find(conn, &p.id)?.ok_or_else(ApiError::not_found)?;
                Ok(p.view(history(conn, &p.id)?))
            })
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
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let st = state.clone();
    state
        .db(move |conn| {
            let (p, _) = project_for(conn, &st, &caller, &id, Action::ProjectManage)?;
            let now = st.now();
            conn.write_tx(|conn| {
                // Lock the project row against new children (events,
                // participants) committed by a racing request or job while
                // we delete them: PostgreSQL would refuse the final delete
                // with a foreign-key violation. On SQLite `write_tx` already
                // holds the only write lock.
                if let DbConn::Pg(pg) = conn {
                    projects::table
                        .find(&p.id)
                        .select(projects::id)
                        .for_update()
                        .first::<String>(pg)
                        .optional()?;
                }
                let state = find(conn, &p.id)?.ok_or_else(ApiError::not_found)?.state();
                if !matches!(state, ProjectState::Pending | ProjectState::Rejected) {
                    return Err(ApiError::conflict(
                        ProblemType::WrongState,
                        Msg::untranslated(
                            "only a pending or rejected project is deleted; close an active one",
                        ),
                    ));
                }
                let used: bool = diesel::select(diesel::dsl::exists(
                    works::table.filter(works::project_id.eq(&p.id)),
                ))
                .get_result(conn)?;
                if used {
                    return Err(ApiError::conflict(
                        ProblemType::InUse,
                        Msg::untranslated("works refer to this project: close it instead"),
                    ));
                }
                let requests: Vec<String> = approval_requests::table
                    .filter(approval_requests::subject_type.eq("project"))
                    .filter(approval_requests::subject_id.eq(&p.id))
                    .select(approval_requests::id)
                    .load(conn)?;
                diesel::delete(approvals::table.filter(approvals::request_id.eq_any(&requests)))
                    .execute(conn)?;
                diesel::delete(
                    approval_requests::table.filter(approval_requests::id.eq_any(&requests)),
                )
                .execute(conn)?;
                diesel::delete(participants::table.filter(participants::project_id.eq(&p.id)))
                    .execute(conn)?;
                diesel::delete(project_events::table.filter(project_events::project_id.eq(&p.id)))
                    .execute(conn)?;
                diesel::delete(projects::table.find(&p.id)).execute(conn)?;
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::ProjectDelete, Outcome::Success)
                        .actor(caller.id())
                        .target("project", p.id.clone())
                        .detail(json!({ "name": p.name, "state": state.as_str() }))
                        .ctx(&caller.ctx),
                )?;
                Ok(())
            })
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
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<ProjectView>> {
    let id = id.into_inner();
    let st = state.clone();
    let view = state
        .db(move |conn| {
            let (p, _) = project_for(conn, &st, &caller, &id, Action::ProjectManage)?;
            let now = st.now();
            conn.write_tx(|conn| {
                let n = diesel::update(
                    projects::table
                        .filter(projects::id.eq(&p.id))
                        .filter(projects::state.eq(ProjectState::Active.as_str())),
                )
                .set((
                    projects::state.eq(ProjectState::Closed.as_str()),
                    projects::updated_at.eq(db_time(now)),
                ))
                .execute(conn)?;
                if n != 1 {
                    return Err(ApiError::conflict(
                        ProblemType::WrongState,
                        Msg::untranslated("only an active project is closed"),
                    ));
                }
                event(conn, &p.id, now, caller.id(), "closed", None)?;
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::ProjectClose, Outcome::Success)
                        .actor(caller.id())
                        .target("project", p.id.clone())
                        .ctx(&caller.ctx),
                )?;
                let p = find(conn, &p.id)?.ok_or_else(ApiError::not_found)?;
                Ok(p.view(history(conn, &p.id)?))
            })
        })
        .await?;
    Ok(web::Json(view))
}

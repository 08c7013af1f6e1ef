//! `/api/v1/works*`: record, list, read, advance, delete, annotate — HTTP
//! only. Each handler parses, authorises once (through [`work_for`],
//! [`work_for_action`] or [`Authz`]) and hands over to [`service`].

use actix_web::{web, HttpResponse};
use habilis_shared::dto::{
    AnnotationPage, AnnotationView, ChangeWorkState, CreateAnnotation, CreateWork, PageQuery,
    Problem, TransferWork, UpdateWork, WorkPage, WorkQuery, WorkView,
};
use habilis_shared::policy::{Action, Resource};
use validator::Validate;

use super::queries::{self, AnnotationRow, WorkRow, WorkSelection};
use super::{project_to_file_into, service, work_for, work_for_action};
use crate::activity;
use crate::auth::CallerToken;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::paging::{self, Keyset};
use crate::policy::Authz;
use crate::state::AppState;

/// Record a draft work, in a project if `project_id` names one (an active
/// project I see, in whose organisation my role may annotate).
#[utoipa::path(
    post, path = "/api/v1/works", tag = "works", request_body = CreateWork, security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded as a draft", body = WorkView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses (profile, charter; my role in the project's organisation)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The project is not active", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or a project I do not see", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_work(
    state: web::Data<AppState>,
    caller: CallerToken,
    body: Json<CreateWork>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            Authz::new(&st, &caller)
                .require(Action::WorkCreate, Resource::None)
                .on(conn)?;
            if let Some(project) = &req.project_id {
                project_to_file_into(conn, &st, &caller, project)?;
            }
            Ok(service::create(conn, st.now(), &caller, &req)?)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/works/{}", view.id)))
        .json(view))
}

/// The works I may see (SPEC §2.5), oldest first.
#[utoipa::path(
    get, path = "/api/v1/works", tag = "works", params(WorkQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of works", body = WorkPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter, limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_works(
    state: web::Data<AppState>,
    caller: CallerToken,
    query: web::Query<WorkQuery>,
) -> ApiResult<web::Json<WorkPage>> {
    let st = state.clone();
    let page = state
        .db_as(caller, move |conn, caller| {
            let q = query.into_inner();
            let limit = paging::limit(q.limit)?;
            let after = paging::decode_cursor(q.cursor.as_deref())?;
            Authz::new(&st, &caller)
                .require(Action::WorkList, Resource::None)
                .on(conn)?;
            // Visibility is the policy's own decisions, as a SQL filter.
            let visible = queries::visibility_filter(conn, &st, &caller.user)?;
            let rows = queries::page(
                conn,
                WorkSelection {
                    visible,
                    after,
                    owner_id: q.owner_id,
                    project_id: q.project_id,
                    state: q.state,
                    limit: limit + 1,
                },
            )?;
            let (rows, next_cursor) =
                paging::split_page(rows, limit, |r| paging::encode_cursor(&r.id));
            Ok(WorkPage {
                items: rows.iter().map(WorkRow::view).collect(),
                next_cursor,
            })
        })
        .await?;
    Ok(web::Json(page))
}

/// One work, if I may see it; the view is written to my activity log.
#[utoipa::path(
    get, path = "/api/v1/works/{id}", tag = "works", security(("bearer" = [])),
    params(("id" = String, Path, description = "Work id")),
    responses(
        (status = 200, description = "The work", body = WorkView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such work, or not visible to me", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_work(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<web::Json<WorkView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let (work, _) = work_for(conn, &st, &caller, &id)?;
            activity::record(
                conn,
                caller.id(),
                activity::WORK_VIEW,
                Some(("work", &work.id)),
                Some(&caller.ctx.ip),
                st.now(),
            )?;
            Ok(work.view())
        })
        .await?;
    Ok(web::Json(view))
}

/// Move my work one step: draft → unpublished (`results.create`) →
/// published (`results.publish`).
#[utoipa::path(
    post, path = "/api/v1/works/{id}/state", tag = "works", request_body = ChangeWorkState, security(("bearer" = [])),
    params(("id" = String, Path, description = "Work id")),
    responses(
        (status = 200, description = "The work in its new state", body = WorkView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the owner, or the capability is missing", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such work, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not the next state", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown state", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn change_work_state(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<ChangeWorkState>,
) -> ApiResult<web::Json<WorkView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let to = body.into_inner()?.state;
            let (work, resource) = work_for(conn, &st, &caller, &id)?;
            // The policy first (403 for whoever may not move it), then the
            // state (409 for a step that does not exist).
            Authz::new(&st, &caller)
                .require(Action::WorkAdvance(to), resource)
                .target("work", &work.id)
                .on(conn)?;
            service::check_step(&work, to)?;
            Ok(service::advance(conn, st.now(), &caller, &work, to)?)
        })
        .await?;
    Ok(web::Json(view))
}

/// File my work into a project, or out of its project (`project_id: null`).
/// A work in a closed project stays there, as part of its record.
#[utoipa::path(
    patch, path = "/api/v1/works/{id}", tag = "works", request_body = UpdateWork, security(("bearer" = [])),
    params(("id" = String, Path, description = "Work id")),
    responses(
        (status = 200, description = "The work", body = WorkView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the owner, or my role in the project's organisation may not annotate", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such work, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The project is not active, or the work is in a closed project", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A project I do not see", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_work(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<UpdateWork>,
) -> ApiResult<web::Json<WorkView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            let work = work_for_action(conn, &st, &caller, &id, Action::WorkFile)?;
            let Some(to) = req.project_id else {
                return Ok(work.view());
            };
            let to = match to {
                Some(project) => Some(project_to_file_into(conn, &st, &caller, &project)?),
                None => None,
            };
            Ok(service::file(
                conn,
                st.now(),
                &caller,
                &work,
                to.as_deref(),
            )?)
        })
        .await?;
    Ok(web::Json(view))
}

/// Delete my work (not for novices, SPEC §3.6), with its annotations.
#[utoipa::path(
    delete, path = "/api/v1/works/{id}", tag = "works", security(("bearer" = [])),
    params(("id" = String, Path, description = "Work id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the owner, or the profile may not delete", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such work, or not visible to me", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_work(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    state
        .db_as(caller, move |conn, caller| {
            let work = work_for_action(conn, &st, &caller, &id, Action::WorkDelete)?;
            Ok(service::delete(conn, st.now(), &caller, &work)?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Give my work to someone (SPEC §2.5): the host of one of my secondments
/// (seed 004 §6, results handed to the temporary supervisor) or someone
/// above me in my supervision line. The work keeps its state, author and
/// annotations; the new owner is told by e-mail; the transfer is audited.
#[utoipa::path(
    post, path = "/api/v1/works/{id}/transfer", tag = "works", request_body = TransferWork, security(("bearer" = [])),
    params(("id" = String, Path, description = "Work id")),
    responses(
        (status = 200, description = "The work, now owned by `to`", body = WorkView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the owner", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such work, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The work changed hands meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The recipient is unknown, inactive, or neither a host of mine nor above me", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn transfer_work(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<TransferWork>,
) -> ApiResult<web::Json<WorkView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            let work = work_for_action(conn, &st, &caller, &id, Action::WorkTransfer)?;
            let to = service::recipient(conn, &caller, &req.to)?;
            Ok(service::transfer(conn, st.now(), &caller, &work, &to)?)
        })
        .await?;
    Ok(web::Json(view))
}

/// Annotate a work I may see (`results.modify`).
#[utoipa::path(
    post, path = "/api/v1/works/{id}/annotations", tag = "works", request_body = CreateAnnotation, security(("bearer" = [])),
    params(("id" = String, Path, description = "Work id")),
    responses(
        (status = 201, description = "Annotation added", body = AnnotationView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such work, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_annotation(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<CreateAnnotation>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    let view: AnnotationView = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            let work = work_for_action(conn, &st, &caller, &id, Action::WorkAnnotate)?;
            Ok(service::annotate(conn, st.now(), &caller, &work, &req)?)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The annotations of a work I may see, oldest first.
#[utoipa::path(
    get, path = "/api/v1/works/{id}/annotations", tag = "works", security(("bearer" = [])),
    params(("id" = String, Path, description = "Work id"), PageQuery),
    responses(
        (status = 200, description = "A page of annotations", body = AnnotationPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such work, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_annotations(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<AnnotationPage>> {
    let st = state.clone();
    let page = state
        .db_as(caller, move |conn, caller| {
            let query = query.into_inner();
            let keys = Keyset::parse(query.limit, query.cursor.as_deref(), 1)?;
            let (work, _) = work_for(conn, &st, &caller, &id)?;
            let rows = queries::annotations(conn, &work.id, keys.key(0), keys.fetch())?;
            let (rows, next_cursor) = keys.page(rows, |r| vec![r.id.clone()]);
            Ok(AnnotationPage {
                items: rows.into_iter().map(AnnotationRow::view).collect(),
                next_cursor,
            })
        })
        .await?;
    Ok(web::Json(page))
}

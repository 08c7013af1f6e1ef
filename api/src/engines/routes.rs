//! `/api/v1/engines*`: HTTP only. Listing and reading are for every
//! signed-in account (`engine.list`); creating needs `engine.create`,
//! changing and retiring `engine.modify` (SPEC §2.4, charter first). Each
//! view says whether the caller may run or change the engine.

use actix_web::{web, HttpResponse};
use habilis_shared::dto::{CreateEngine, EnginePage, EngineView, PageQuery, Problem, UpdateEngine};
use habilis_shared::policy::{Action, Capability, Resource};

use super::queries::{self, EngineRow, EngineVersionRow};
use super::service;
use crate::auth::{Caller, CallerToken};
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::paging::Keyset;
use crate::policy::Authz;
use crate::state::AppState;

/// The view of a version with what the caller may do with it.
fn view_for(st: &AppState, caller: &Caller, e: &EngineRow, v: &EngineVersionRow) -> EngineView {
    let mut view = v.view(e);
    let may = |c: Capability| {
        Authz::new(st, caller)
            .require(Action::Capability(c), Resource::None)
            .allows()
    };
    view.can_run = may(Capability::EngineRun);
    view.can_modify = may(Capability::EngineModify);
    view
}

/// The compute engines, oldest first.
#[utoipa::path(
    get, path = "/api/v1/engines", tag = "compute", params(PageQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of engines", body = EnginePage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_engines(
    state: web::Data<AppState>,
    caller: CallerToken,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<EnginePage>> {
    let st = state.clone();
    let page = state
        .db_as(caller, move |conn, caller| {
            let q = query.into_inner();
            let keys = Keyset::parse(q.limit, q.cursor.as_deref(), 1)?;
            Authz::new(&st, &caller)
                .require(Action::EngineList, Resource::None)
                .on(conn)?;
            let rows = queries::page(conn, keys.key(0), keys.fetch())?;
            let (rows, next_cursor) = keys.page(rows, |(e, _)| vec![e.id.clone()]);
            Ok(EnginePage {
                items: rows
                    .iter()
                    .map(|(e, v)| view_for(&st, &caller, e, v))
                    .collect(),
                next_cursor,
            })
        })
        .await?;
    Ok(web::Json(page))
}

/// One engine at its current version (`?version=N` for an earlier one).
#[utoipa::path(
    get, path = "/api/v1/engines/{id}", tag = "compute", security(("bearer" = [])),
    params(("id" = String, Path, description = "Engine id"), VersionQuery),
    responses(
        (status = 200, description = "The engine", body = EngineView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such engine (or version), or retired", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid `version`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_engine(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    query: web::Query<VersionQuery>,
) -> ApiResult<web::Json<EngineView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            Authz::new(&st, &caller)
                .require(Action::EngineList, Resource::None)
                .on(conn)?;
            let (e, cur) = queries::find_live(conn, &id)?.ok_or_else(ApiError::not_found)?;
            let v = match query.version {
                Some(n) if i64::from(n) != cur.version => {
                    queries::version(conn, &id, i64::from(n))?.ok_or_else(ApiError::not_found)?
                }
                _ => cur,
            };
            Ok(view_for(&st, &caller, &e, &v))
        })
        .await?;
    Ok(web::Json(view))
}

/// `?version=`: one version of an engine.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct VersionQuery {
    /// A version number (1, 2, …); the current one when absent.
    pub version: Option<u32>,
}

/// Registers an engine (version 1). The command is an argv template whose
/// placeholders must name parameters of the schema or inputs.
#[utoipa::path(
    post, path = "/api/v1/engines", tag = "compute", request_body = CreateEngine, security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = EngineView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The profile may not create engines (`engine.create`), or the charter is not signed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: a schema that does not compile or whose defaults fail it, a placeholder naming no parameter (`command[1]`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_engine(
    state: web::Data<AppState>,
    caller: CallerToken,
    body: Json<CreateEngine>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            Authz::new(&st, &caller)
                .require(Action::Capability(Capability::EngineCreate), Resource::None)
                .on(conn)?;
            let req = body.into_inner()?;
            let (e, v) = service::create(conn, st.now(), &caller, &req)?;
            Ok(view_for(&st, &caller, &e, &v))
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/engines/{}", view.id)))
        .json(view))
}

/// Changes an engine: a new version, current from now on (jobs already
/// submitted keep theirs).
#[utoipa::path(
    patch, path = "/api/v1/engines/{id}", tag = "compute", request_body = UpdateEngine, security(("bearer" = [])),
    params(("id" = String, Path, description = "Engine id")),
    responses(
        (status = 200, description = "The new version", body = EngineView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The profile may not modify engines (`engine.modify`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such engine, or retired", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed by someone else meanwhile (`wrong_state`): read it again", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_engine(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<UpdateEngine>,
) -> ApiResult<web::Json<EngineView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            Authz::new(&st, &caller)
                .require(Action::Capability(Capability::EngineModify), Resource::None)
                .target("engine", id.as_str())
                .on(conn)?;
            let req = body.into_inner()?;
            let (e, v) = service::update(conn, st.now(), &caller, &id, &req)?;
            Ok(view_for(&st, &caller, &e, &v))
        })
        .await?;
    Ok(web::Json(view))
}

/// Retires an engine: no longer listed or runnable; its jobs and versions
/// stay.
#[utoipa::path(
    delete, path = "/api/v1/engines/{id}", tag = "compute", security(("bearer" = [])),
    params(("id" = String, Path, description = "Engine id")),
    responses(
        (status = 204, description = "Retired"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The profile may not modify engines (`engine.modify`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such engine, or already retired", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_engine(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    state
        .db_as(caller, move |conn, caller| {
            Authz::new(&st, &caller)
                .require(Action::Capability(Capability::EngineModify), Resource::None)
                .target("engine", id.as_str())
                .on(conn)?;
            service::retire(conn, st.now(), &caller, &id)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

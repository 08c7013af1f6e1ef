//! `/api/v1/catalog*`: HTTP only. Reading is for every signed-in account,
//! changing for the profiles of `services.manage_catalog` (admins); each
//! handler asks the policy once and hands over to [`service`].

use actix_web::{web, HttpResponse};
use habilis_shared::dto::{
    CreateOffering, Offering, OfferingPage, PageQuery, Problem, UpdateOffering,
};
use habilis_shared::policy::{Action, Resource};
use validator::Validate;

use super::queries;
use super::service::{self, CatalogError};
use crate::auth::CallerToken;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::paging::Keyset;
use crate::policy::Authz;
use crate::state::AppState;

/// The catalog: the offerings not retired, by category then id; each says
/// whether this server runs it (`available`).
#[utoipa::path(
    get, path = "/api/v1/catalog", tag = "catalog", params(PageQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of offerings", body = OfferingPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_catalog(
    state: web::Data<AppState>,
    caller: CallerToken,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<OfferingPage>> {
    let st = state.clone();
    let page = state
        .db_as(caller, move |conn, caller| {
            let q = query.into_inner();
            let keys = Keyset::parse(q.limit, q.cursor.as_deref(), 2)?;
            Authz::new(&st, &caller)
                .require(Action::CatalogRead, Resource::None)
                .on(conn)?;
            let after = keys.key(0).zip(keys.key(1));
            let rows = queries::page(conn, after, keys.fetch())?;
            let (rows, next_cursor) = keys.page(rows, |r| vec![r.category.clone(), r.id.clone()]);
            Ok(OfferingPage {
                items: rows.iter().map(|r| r.view(&st.spawners)).collect(),
                next_cursor,
            })
        })
        .await?;
    Ok(web::Json(page))
}

/// One offering of the catalog (retired ones are gone).
#[utoipa::path(
    get, path = "/api/v1/catalog/{id}", tag = "catalog", security(("bearer" = [])),
    params(("id" = String, Path, description = "Offering id (a slug)")),
    responses(
        (status = 200, description = "The offering", body = Offering),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such offering", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_offering(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<web::Json<Offering>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            Authz::new(&st, &caller)
                .require(Action::CatalogRead, Resource::None)
                .on(conn)?;
            let row = queries::find_live(conn, &id)?.ok_or(CatalogError::NotFound)?;
            Ok(row.view(&st.spawners))
        })
        .await?;
    Ok(web::Json(view))
}

/// Add an offering (administrators). Its schema must compile (draft
/// 2020-12; remote `$ref`s are refused) with defaults that pass it, its
/// README template must compile.
#[utoipa::path(
    post, path = "/api/v1/catalog", tag = "catalog", request_body = CreateOffering, security(("bearer" = [])),
    responses(
        (status = 201, description = "Added", body = Offering),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An offering has this id (retired ones included)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, schema (with its path) or template", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_offering(
    state: web::Data<AppState>,
    caller: CallerToken,
    body: Json<CreateOffering>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            Authz::new(&st, &caller)
                .require(Action::CatalogManage, Resource::None)
                .on(conn)?;
            let req = body.into_inner()?;
            req.validate()?;
            Ok(service::create(conn, st.now(), &caller, &req)?.view(&st.spawners))
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/catalog/{}", view.id)))
        .json(view))
}

/// Change an offering (administrators): what is sent changes, the result
/// is checked as a new offering is.
#[utoipa::path(
    patch, path = "/api/v1/catalog/{id}", tag = "catalog", request_body = UpdateOffering, security(("bearer" = [])),
    params(("id" = String, Path, description = "Offering id (a slug)")),
    responses(
        (status = 200, description = "The offering", body = Offering),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such offering", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, schema (with its path) or template", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_offering(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<UpdateOffering>,
) -> ApiResult<web::Json<Offering>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            Authz::new(&st, &caller)
                .require(Action::CatalogManage, Resource::None)
                .target("offering", id.as_str())
                .on(conn)?;
            let req = body.into_inner()?;
            req.validate()?;
            Ok(service::update(conn, st.now(), &caller, &id, &req)?.view(&st.spawners))
        })
        .await?;
    Ok(web::Json(view))
}

/// Retire an offering (administrators): no longer listed nor orderable;
/// its orders and running instances keep working.
#[utoipa::path(
    delete, path = "/api/v1/catalog/{id}", tag = "catalog", security(("bearer" = [])),
    params(("id" = String, Path, description = "Offering id (a slug)")),
    responses(
        (status = 204, description = "Retired"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such offering", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_offering(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    state
        .db_as(caller, move |conn, caller| {
            Authz::new(&st, &caller)
                .require(Action::CatalogManage, Resource::None)
                .target("offering", id.as_str())
                .on(conn)?;
            Ok(service::retire(conn, st.now(), &caller, &id)?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

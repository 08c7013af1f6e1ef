//! `/api/v1/projects/{id}/orders`, `/api/v1/orders*`: HTTP only. Each
//! handler parses, authorises once (through [`project_for`] or
//! [`order_for`]) and hands over to [`service`].

use actix_web::{web, HttpResponse};
use habilis_shared::dto::{CreateOrder, OrderPage, OrderView, PageQuery, Problem, UpdateOrder};
use habilis_shared::policy::Action;
use validator::Validate;

use super::service::{self, OrderError};
use super::{order_for, queries};
use crate::auth::CallerToken;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::paging::Keyset;
use crate::projects::project_for;
use crate::state::AppState;

/// Order a service of the catalog for an active project (members whose
/// organisation role may launch processing): `pending`, with one approval
/// each for the project's sponsor and data steward.
#[utoipa::path(
    post, path = "/api/v1/projects/{id}/orders", tag = "orders", request_body = CreateOrder, security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")),
    responses(
        (status = 201, description = "Ordered, waiting for its approvals", body = OrderView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The project is not active", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or no such offering", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_order(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<CreateOrder>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            let (p, _) = project_for(conn, &st, &caller, &id, Action::OrderCreate)?;
            Ok(service::create(conn, st.now(), &caller, &p, &req)?)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/orders/{}", view.id)))
        .json(view))
}

/// The orders of a project I read, oldest first.
#[utoipa::path(
    get, path = "/api/v1/projects/{id}/orders", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id"), PageQuery),
    responses(
        (status = 200, description = "A page of orders", body = OrderPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Sees the project's name only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_orders(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<OrderPage>> {
    let st = state.clone();
    let page = state
        .db_as(caller, move |conn, caller| {
            let q = query.into_inner();
            let keys = Keyset::parse(q.limit, q.cursor.as_deref(), 1)?;
            let (p, _) = project_for(conn, &st, &caller, &id, Action::OrderRead)?;
            let rows = queries::page(conn, &p.id, keys.key(0), keys.fetch())?;
            let (rows, next_cursor) = keys.page(rows, |(o, _, _)| vec![o.id.clone()]);
            Ok(OrderPage {
                items: rows
                    .iter()
                    .map(|(o, project, offering)| o.view(project, offering))
                    .collect(),
                next_cursor,
            })
        })
        .await?;
    Ok(web::Json(page))
}

/// One order of a project I read.
#[utoipa::path(
    get, path = "/api/v1/orders/{id}", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    responses(
        (status = 200, description = "The order", body = OrderView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Sees the project's name only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or not visible to me", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_order(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<web::Json<OrderView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let (order, _, _) = order_for(conn, &st, &caller, &id, Action::OrderRead)?;
            Ok(queries::view(conn, &order.id)?.ok_or(OrderError::NotFound)?)
        })
        .await?;
    Ok(web::Json(view))
}

/// Modify an order (its requester, the project's managers): its offering
/// or comment; it goes back to the sponsor and data steward (`pending`,
/// a new approval request).
#[utoipa::path(
    patch, path = "/api/v1/orders/{id}", tag = "orders", request_body = UpdateOrder, security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    responses(
        (status = 200, description = "The order, pending again", body = OrderView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The order is cancelled, or the project not active", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or no such offering", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_order(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<UpdateOrder>,
) -> ApiResult<web::Json<OrderView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            let (order, p, _) = order_for(conn, &st, &caller, &id, Action::OrderManage)?;
            Ok(service::modify(
                conn,
                st.now(),
                &caller,
                &p,
                &order.id,
                &req,
            )?)
        })
        .await?;
    Ok(web::Json(view))
}

/// Cancel an order (its requester, the project's managers): its pending
/// approvals are withdrawn and its running instances stopped — what they
/// hold is lost.
#[utoipa::path(
    post, path = "/api/v1/orders/{id}/cancel", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    responses(
        (status = 200, description = "The order, cancelled", body = OrderView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The order is already cancelled", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn cancel_order(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<web::Json<OrderView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let (order, _, _) = order_for(conn, &st, &caller, &id, Action::OrderManage)?;
            Ok(service::cancel(
                conn,
                &st.spawners,
                st.now(),
                &caller,
                &order.id,
            )?)
        })
        .await?;
    Ok(web::Json(view))
}

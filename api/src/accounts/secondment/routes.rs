//! `/api/v1/users/{id}/secondments`: HTTP only; the rules are in
//! [`super::service`].

use actix_web::{web, HttpResponse};
use habilis_shared::dto::{CreateSecondment, PageQuery, Problem, SecondmentPage, SecondmentView};
use habilis_shared::policy::Action;
use validator::Validate;

use super::service;
use crate::accounts::access::{account_for, readable_account_for};
use crate::auth::CallerToken;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::paging::{self, Keyset};
use crate::state::AppState;

/// Attach a person to a host supervisor for a period.
///
/// Arranged by a supervisor above the person (`user.second`). The host must
/// be an active account of a profile that may supervise the person, other
/// than their own supervisor; the window must end after it starts and in
/// the future; windows of one person never overlap.
#[utoipa::path(
    post, path = "/api/v1/users/{id}/secondments", tag = "users", request_body = CreateSecondment, security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id of the seconded person")),
    responses(
        (status = 201, description = "Secondment recorded; the host and the person are told by e-mail", body = SecondmentView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses (not your line, profile without supervisors)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The person is not active, or already seconded in an overlapping window", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Window empty or over, host unknown or not eligible", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_secondment(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<CreateSecondment>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    let created = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            let id = id.into_inner();
            let target = account_for(conn, &st, &caller, &id, Action::UserSecond)?;
            let (policy, now) = (&st.policy, st.now());
            Ok(service::second(
                conn,
                policy,
                &caller,
                &target.user,
                &req,
                now,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/users/{}/secondments", created.user_id),
        ))
        .json(created))
}

/// The secondments of a person, past and future (earliest start first):
/// for whoever may see the account, and for a host during the window.
#[utoipa::path(
    get, path = "/api/v1/users/{id}/secondments", tag = "users", security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id"), PageQuery),
    responses(
        (status = 200, description = "A page of the person's secondments", body = SecondmentPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_secondments(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<SecondmentPage>> {
    let st = state.clone();
    let page = state
        .db_as(caller, move |conn, caller| {
            let query = query.into_inner();
            let keys = Keyset::parse(query.limit, query.cursor.as_deref(), 2)?;
            let after = match (keys.key(0), keys.key(1)) {
                (Some(at), Some(id)) => Some((paging::parse_time_key(at)?, id.to_owned())),
                _ => None,
            };
            let id = id.into_inner();
            let target = readable_account_for(conn, &st, &caller, &id, Action::UserRead)?;
            let rows = service::of_person(conn, &target.user.id, after, keys.fetch())?;
            let (rows, next_cursor) =
                keys.page(rows, |r| vec![paging::time_key(r.starts_at), r.id.clone()]);
            Ok(SecondmentPage {
                items: rows.into_iter().map(|r| r.view()).collect(),
                next_cursor,
            })
        })
        .await?;
    Ok(web::Json(page))
}

//! `/api/v1/users/{id}/secondments`: HTTP only; the rules are in
//! [`super::service`].

use actix_web::{web, HttpResponse};
use habilis_shared::dto::{CreateSecondment, Problem, SecondmentList, SecondmentView};
use habilis_shared::policy::Action;
use validator::Validate;

use super::service;
use crate::accounts::access::{account_for, readable_account_for};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::Json;
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
    caller: Caller,
    id: web::Path<String>,
    body: Json<CreateSecondment>,
) -> ApiResult<HttpResponse> {
    let req = body.into_inner()?;
    req.validate()?;
    let id = id.into_inner();
    let st = state.clone();
    let created = state
        .db(move |conn| {
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

/// The secondments of a person, past and future (oldest first): for whoever
/// may see the account, and for a host during the window.
#[utoipa::path(
    get, path = "/api/v1/users/{id}/secondments", tag = "users", security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses(
        (status = 200, description = "The person's secondments", body = SecondmentList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not visible to me", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_secondments(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<SecondmentList>> {
    let id = id.into_inner();
    let st = state.clone();
    let list = state
        .db(move |conn| {
            let target = readable_account_for(conn, &st, &caller, &id, Action::UserRead)?;
            let items = service::of_person(conn, &target.user.id)?;
            Ok(SecondmentList { items })
        })
        .await?;
    Ok(web::Json(list))
}

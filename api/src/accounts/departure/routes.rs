//! `/api/v1/users/{id}/departure…`, `DELETE /users/{id}` and
//! `/users/{id}/handover`: HTTP only; the rules are in [`super::service`].

use actix_web::{web, HttpResponse};
use habilis_shared::dto::{
    CreatedUser, DeleteUserQuery, DepartureView, HandoverSeat, Problem, ScheduleDeparture,
};
use habilis_shared::policy::Action;
use validator::Validate;

use super::service::{self, NewHolder};
use crate::accounts::access::account_for;
use crate::accounts::service::check_email_domain;
use crate::auth::{password, Caller, CallerToken};
use crate::error::{ApiError, ApiResult};
use crate::extract::{self, Json};
use crate::state::AppState;

/// The departure as `caller` may see it: nothing about works, not even
/// counts, for whom the policy keeps away from works (administrators,
/// SPEC §2.5).
fn shown_to(st: &AppState, caller: &Caller, view: DepartureView) -> DepartureView {
    if st.policy.knows_of_works(&caller.actor(st)) {
        return view;
    }
    DepartureView {
        drafts: None,
        unpublished: None,
        published: None,
        ..view
    }
}

/// Schedule a person's departure (SPEC §3.6): the creator line only; an heir
/// for experts. Warning e-mails go out before; at the date their works are
/// handed over and the account becomes a "former member".
#[utoipa::path(
    post, path = "/api/v1/users/{id}/departure", tag = "users", request_body = ScheduleDeparture, security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses(
        (status = 201, description = "Scheduled; what will be handed to whom", body = DepartureView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the creator line, or a seat", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already scheduled or closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Date not in the future, heir missing or not eligible", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn schedule_departure(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<ScheduleDeparture>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            let id = id.into_inner();
            let target = account_for(conn, &st, &caller, &id, Action::UserDepart)?;
            let (date, heir) = (req.date, req.heir_id);
            let policy = &st.policy;
            let view =
                service::schedule(conn, policy, &caller, &target.user, date, heir, st.now())?;
            Ok(shown_to(&st, &caller, view))
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// What a departure would hand over today, and to whom, without
/// scheduling it: the preview the web app shows before one confirms.
#[utoipa::path(
    get, path = "/api/v1/users/{id}/departure/preview", tag = "users", params(("id" = String, Path, description = "Account id"), DeleteUserQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "What would be handed to whom (dated now)", body = DepartureView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the creator line, or a seat", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Heir missing or not eligible", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn preview_departure(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    query: web::Query<DeleteUserQuery>,
) -> ApiResult<web::Json<DepartureView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let heir_id = query.into_inner().heir_id.filter(|h| !h.is_empty());
            let id = id.into_inner();
            let target = account_for(conn, &st, &caller, &id, Action::UserDepart)?;
            let (policy, now) = (&st.policy, st.now());
            let view = service::preview_now(conn, policy, &caller, &target.user, heir_id, now)?;
            Ok(shown_to(&st, &caller, view))
        })
        .await?;
    Ok(web::Json(view))
}

/// The scheduled departure of a person and what it will hand over.
#[utoipa::path(
    get, path = "/api/v1/users/{id}/departure", tag = "users", security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses(
        (status = 200, description = "The departure (no work counts for administrators)", body = DepartureView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "None scheduled, or not visible to me", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_departure(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<web::Json<DepartureView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let id = id.into_inner();
            let target = account_for(conn, &st, &caller, &id, Action::UserRead)?;
            let view = service::scheduled(conn, &target.user)?;
            Ok(shown_to(&st, &caller, view))
        })
        .await?;
    Ok(web::Json(view))
}

/// Delete an account now, with the same hand-over as a departure (only
/// when the departure rules allow; `?heir_id=` for experts).
#[utoipa::path(
    delete, path = "/api/v1/users/{id}", tag = "users", params(("id" = String, Path, description = "Account id"), DeleteUserQuery), security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted; works handed over"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the creator line, or a seat", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A departure is already scheduled, or already gone", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Heir missing or not eligible", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_user(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    query: web::Query<DeleteUserQuery>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    state
        .db_as(caller, move |conn, caller| {
            let id = id.into_inner();
            let heir = query.into_inner().heir_id;
            let target = account_for(conn, &st, &caller, &id, Action::UserDepart)?;
            let (policy, now) = (&st.policy, st.now());
            Ok(service::delete_now(
                conn,
                policy,
                &caller,
                &target.user,
                heir,
                now,
            )?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Give an admin or webmaster seat to a new person (SPEC §3.7): the new
/// account gets the profile and a new initial password (shown once); the
/// old one becomes a "former member".
#[utoipa::path(
    post, path = "/api/v1/users/{id}/handover", tag = "users", request_body = HandoverSeat, security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id of the seat's holder")),
    responses(
        (status = 201, description = "The new holder", body = CreatedUser),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed, or not a seat", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "E-mail taken, or the seat is already handed over", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or e-mail domain", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn handover_seat(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: Json<HandoverSeat>,
) -> ApiResult<HttpResponse> {
    let req = body.into_inner()?;
    req.validate()?;
    let email = extract::email("email", &req.email)?;
    check_email_domain(&state.policy, &email)?;
    let id = id.into_inner();
    let initial = password::generate();
    let hash = {
        let p = initial.clone();
        web::block(move || password::hash(&p))
            .await?
            .map_err(ApiError::internal)?
    };
    let st = state.clone();
    let row = state
        .db(move |conn| {
            let target = account_for(conn, &st, &caller, &id, Action::UserHandover)?;
            let holder = NewHolder {
                first_name: req.first_name,
                last_name: req.last_name,
                email,
                password_hash: hash,
            };
            let (policy, url, now) = (&st.policy, st.config.public_url(), st.now());
            Ok(service::hand_over_seat(
                conn,
                policy,
                &caller,
                &target.user,
                holder,
                &url,
                now,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(CreatedUser {
            user: row.view(false),
            initial_password: initial,
        }))
}

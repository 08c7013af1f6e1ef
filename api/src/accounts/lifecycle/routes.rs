//! `/api/v1/users/{id}/activity` and `/promote`: HTTP only; the rules are
//! in [`super::service`].

use actix_web::web;
use habilis_shared::dto::{ActivityPage, PageQuery, Problem, UserView};
use habilis_shared::policy::Action;

use super::{queries, service};
use crate::accounts::access::{account_for, readable_account_for, view_for};
use crate::auth::CallerToken;
use crate::error::ApiResult;
use crate::paging;
use crate::state::AppState;

/// A person's activity: sign-ins, token use, views of works (newest first).
#[utoipa::path(
    get, path = "/api/v1/users/{id}/activity", tag = "users", params(("id" = String, Path, description = "Account id"), PageQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of activity", body = ActivityPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The account is visible but its activity is not", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn user_activity(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<ActivityPage>> {
    let st = state.clone();
    let page = state
        .db_as(caller, move |conn, caller| {
            let q = query.into_inner();
            let limit = paging::limit(q.limit)?;
            let before = paging::decode_cursor(q.cursor.as_deref())?;
            let id = id.into_inner();
            let target = readable_account_for(conn, &st, &caller, &id, Action::ActivityRead)?;
            // A host sees only what happened during the secondment.
            let rows =
                queries::activity_page(conn, &target.user.id, before, target.window, limit + 1)?;
            let (rows, next_cursor) =
                paging::split_page(rows, limit, |r| paging::encode_cursor(&r.id));
            Ok(ActivityPage {
                items: rows.into_iter().map(queries::ActivityRow::entry).collect(),
                next_cursor,
            })
        })
        .await?;
    Ok(web::Json(page))
}

/// Promote one level (SPEC §3.4): novice → confirmed by the expert above
/// (who becomes the supervisor), confirmed → expert by an admin. Works stay
/// with their owner.
#[utoipa::path(
    post, path = "/api/v1/users/{id}/promote", tag = "users", security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses(
        (status = 200, description = "Promoted", body = UserView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses (not your line, wrong profile)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The account changed meanwhile or is not active", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn promote_user(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<web::Json<UserView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let id = id.into_inner();
            let target = account_for(conn, &st, &caller, &id, Action::UserPromote)?;
            let row = service::promote(conn, &st.policy, &caller, &target.user, st.now())?;
            Ok(view_for(&st, &caller.user, &row, target.relation))
        })
        .await?;
    Ok(web::Json(view))
}

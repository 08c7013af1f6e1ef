//! `/api/v1/approvals*`: my inbox and my decisions. HTTP only; the rules
//! are in [`super::service`].

use actix_web::web;
use habilis_shared::dto::{
    ApprovalListState, ApprovalPage, ApprovalQuery, ApprovalView, DecideApproval, Problem,
};
use habilis_shared::policy::{Action, Resource};
use validator::Validate;

use super::queries::Filter;
use super::service;
use crate::auth::CallerToken;
use crate::clock::db_time;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::paging::{self, Keyset};
use crate::policy::Authz;
use crate::state::AppState;

/// My inbox: the approvals waiting for my decision, oldest first; with
/// `?state=decided`, those I decided, most recent first.
#[utoipa::path(
    get, path = "/api/v1/approvals", tag = "projects", params(ApprovalQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of my approvals", body = ApprovalPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid state, limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_approvals(
    state: web::Data<AppState>,
    caller: CallerToken,
    query: web::Query<ApprovalQuery>,
) -> ApiResult<web::Json<ApprovalPage>> {
    let st = state.clone();
    let page = state
        .db_as(caller, move |conn, caller| {
            let query = query.into_inner();
            let which = query.state.unwrap_or_default();
            let keys = match which {
                ApprovalListState::Pending => {
                    Keyset::parse(query.limit, query.cursor.as_deref(), 1)?
                }
                ApprovalListState::Decided => {
                    Keyset::parse(query.limit, query.cursor.as_deref(), 2)?
                }
            };
            let decided_after = match (keys.key(0), keys.key(1)) {
                (Some(at), Some(id)) => Some((paging::parse_time_key(at)?, id.to_owned())),
                _ => None,
            };
            // The list holds only the caller's own approvals.
            Authz::new(&st, &caller)
                .require(Action::ApprovalList, Resource::None)
                .on(conn)?;
            let me = caller.id();
            let filter = match which {
                ApprovalListState::Pending => Filter::Inbox(me, keys.key(0)),
                ApprovalListState::Decided => Filter::Decided(
                    me,
                    decided_after.as_ref().map(|(at, id)| (*at, id.as_str())),
                ),
            };
            let rows = service::views(conn, filter, keys.fetch(), caller.user.language())?;
            let (items, next_cursor) = keys.page(rows, |a| match which {
                ApprovalListState::Pending => vec![a.id.clone()],
                ApprovalListState::Decided => vec![
                    a.decided_at
                        .map(|t| paging::time_key(db_time(t)))
                        .unwrap_or_default(),
                    a.id.clone(),
                ],
            });
            Ok(ApprovalPage { items, next_cursor })
        })
        .await?;
    Ok(web::Json(page))
}

/// Approve or reject (a rejection needs a comment). The project becomes
/// `active` when sponsor and data steward both approved, `rejected` at the
/// first rejection; the requester is e-mailed at each step.
#[utoipa::path(
    post, path = "/api/v1/approvals/{id}/decision", tag = "projects", request_body = DecideApproval, security(("bearer" = [])),
    params(("id" = String, Path, description = "Approval id")),
    responses(
        (status = 200, description = "Decided", body = ApprovalView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such approval, or not mine", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already decided, or the request is no longer pending", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A rejection without a comment", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn decide(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<DecideApproval>,
) -> ApiResult<web::Json<ApprovalView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            let comment = service::comment(req.decision, req.comment.as_deref())?;
            let id = id.into_inner();
            let approver = service::approver(conn, &id)?;
            let mine = approver.approver_id == caller.id();
            Authz::new(&st, &caller)
                .require(
                    Action::ApprovalDecide,
                    Resource::Approval { approver: mine },
                )
                .target("approval", &id)
                .hidden_as_404()
                .on(conn)?;
            let (request, decision, now) = (&approver.request_id, req.decision, st.now());
            Ok(service::decide(
                conn,
                &caller,
                &id,
                request,
                decision,
                comment.as_deref(),
                now,
                &crate::support::outgoing(&st),
            )?)
        })
        .await?;
    Ok(web::Json(view))
}

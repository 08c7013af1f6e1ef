//! `/api/v1/approvals*`: my inbox and my decisions. HTTP only; the rules
//! are in [`super::service`].

use actix_web::web;
use habilis_shared::dto::{ApprovalList, ApprovalView, DecideApproval, Problem};
use habilis_shared::policy::{Action, Resource};
use validator::Validate;

use super::service;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::policy::Authz;
use crate::state::AppState;

/// My inbox: the approvals waiting for my decision, oldest first.
#[utoipa::path(
    get, path = "/api/v1/approvals", tag = "projects", security(("bearer" = [])),
    responses(
        (status = 200, description = "Waiting for my decision", body = ApprovalList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_approvals(
    state: web::Data<AppState>,
    caller: Caller,
) -> ApiResult<web::Json<ApprovalList>> {
    // No question to the policy: the inbox holds only the caller's own
    // approvals.
    let list = state
        .db(move |conn| {
            Ok(ApprovalList {
                items: service::inbox(conn, caller.id())?,
            })
        })
        .await?;
    Ok(web::Json(list))
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
    caller: Caller,
    id: web::Path<String>,
    body: Json<DecideApproval>,
) -> ApiResult<web::Json<ApprovalView>> {
    let req = body.into_inner()?;
    req.validate()?;
    let comment = service::comment(req.decision, req.comment.as_deref())?;
    let id = id.into_inner();
    let st = state.clone();
    let view = state
        .db(move |conn| {
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
            )?)
        })
        .await?;
    Ok(web::Json(view))
}

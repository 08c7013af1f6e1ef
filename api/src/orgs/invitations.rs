//! Bulk invitations to an organisation (issue 6 §2, seed 003), over HTTP.
//!
//! Up to `organizations.max_invitations_per_request` addresses per request,
//! each with its outcome; the valid ones are applied in one transaction, and
//! a request over the limit changes nothing. An existing account is added at
//! once; anyone else gets a single-use link, accepted by the account with
//! that e-mail once it exists. The rules are [`service`]'s.

use actix_web::{web, HttpResponse};
use habilis_shared::dto::{
    InvitationPage, InvitationReport, InviteMembers, MemberView, PageQuery, Problem,
};
use habilis_shared::policy::{Action, OrgCapability, Resource};

use super::queries::{self, InvitationRow};
use super::{org_for, service};
use crate::auth::{tokens, CallerToken};
use crate::clock::db_time;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::paging::Keyset;
use crate::policy::Authz;
use crate::state::AppState;

/// Invite up to 100 addresses (a JSON list, or one string separated by
/// `;`) with one role; the answer gives every address its outcome.
#[utoipa::path(
    post, path = "/api/v1/organizations/{id}/invitations", tag = "organizations", request_body = InviteMembers, security(("bearer" = [])),
    params(("id" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "Every address with its outcome; the valid ones applied together", body = InvitationReport),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a manager of it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation, or not mine", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No address, or more than the limit (nothing applied)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn invite(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<InviteMembers>,
) -> ApiResult<web::Json<InvitationReport>> {
    let st = state.clone();
    let report = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            let addresses = req.emails.addresses();
            service::check_invitation(&st, &addresses)?;
            let (org, _) = org_for(conn, &st, &caller, &id, OrgCapability::MembersManage)?;
            Ok(service::invite(
                conn, &st, &caller, &org, addresses, req.role,
            )?)
        })
        .await?;
    Ok(web::Json(report))
}

/// The pending invitations, oldest first, with who invited and when.
#[utoipa::path(
    get, path = "/api/v1/organizations/{id}/invitations", tag = "organizations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Organisation id"), PageQuery),
    responses(
        (status = 200, description = "A page of pending invitations", body = InvitationPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a manager of it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation, or not mine", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_invitations(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<InvitationPage>> {
    let st = state.clone();
    let page = state
        .db_as(caller, move |conn, caller| {
            let query = query.into_inner();
            let keys = Keyset::parse(query.limit, query.cursor.as_deref(), 1)?;
            let (org, _) = org_for(conn, &st, &caller, &id, OrgCapability::MembersManage)?;
            let now = db_time(st.now());
            let rows = queries::pending_invitations(conn, &org.id, now, keys.key(0), keys.fetch())?;
            let (rows, next_cursor) = keys.page(rows, |r| vec![r.id.clone()]);
            Ok(InvitationPage {
                items: rows.into_iter().filter_map(InvitationRow::view).collect(),
                next_cursor,
            })
        })
        .await?;
    Ok(web::Json(page))
}

/// Revoke a pending invitation: its link then says so.
#[utoipa::path(
    delete, path = "/api/v1/organizations/{id}/invitations/{invitation_id}", tag = "organizations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Organisation id"), ("invitation_id" = String, Path, description = "Invitation id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a manager of it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation or pending invitation", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn revoke_invitation(
    state: web::Data<AppState>,
    caller: CallerToken,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    state
        .db_as(caller, move |conn, caller| {
            let (id, invitation) = path.into_inner();
            let (org, _) = org_for(conn, &st, &caller, &id, OrgCapability::MembersManage)?;
            Ok(service::revoke_invitation(
                conn,
                st.now(),
                &caller,
                &org,
                &invitation,
            )?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Accept an invitation: the signed-in account whose e-mail it was sent to
/// joins the organisation. Used, revoked and expired links say so (410).
#[utoipa::path(
    post, path = "/api/v1/invitations/{token}/accept", tag = "organizations", security(("bearer" = [])),
    params(("token" = String, Path, description = "The secret from the e-mailed link")),
    responses(
        (status = 200, description = "Joined: my membership", body = MemberView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The invitation is for another e-mail address", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such invitation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already a member", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Already used, revoked or expired", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn accept_invitation(
    state: web::Data<AppState>,
    caller: CallerToken,
    token: web::Path<String>,
) -> ApiResult<web::Json<MemberView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            // Any account holder may accept; the secret, sent to one address, and
            // that address decide the rest (the service's checks).
            Authz::new(&st, &caller)
                .require(Action::InvitationAccept, Resource::None)
                .on(conn)?;
            let digest = tokens::digest(&token.into_inner());
            let now = st.now();
            Ok(service::accept_invitation(conn, now, &caller, &digest)?)
        })
        .await?;
    Ok(web::Json(view))
}

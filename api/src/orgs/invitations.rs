//! Bulk invitations to an organisation (issue 6 §2, seed 003).
//!
//! Up to `organizations.max_invitations_per_request` addresses per request,
//! each with its outcome; the valid ones are applied in one transaction, and
//! a request over the limit changes nothing. An existing account is added at
//! once; anyone else gets a single-use link, accepted by the account with
//! that e-mail once it exists.

use crate::error::ProblemType;
use actix_web::{web, HttpResponse};
use chrono::Duration;
use diesel::prelude::*;
use habilis_shared::dto::{
    InvitationList, InvitationOutcome, InvitationReport, InvitationResult, InvitationView,
    InviteMembers, MemberView, MembershipState, Problem,
};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::{OrgCapability, OrgRole};
use serde_json::json;
use validator::ValidateEmail;

use super::{org_for, OrgRow};
use crate::accounts::queries as users_q;
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::{tokens, Caller};
use crate::clock::{db_time, utc};
use crate::db::schema::{invitations, memberships};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::mail::{self, Mail};
use crate::state::AppState;

fn add_member(
    conn: &mut DbConn,
    org: &str,
    user: &str,
    role: OrgRole,
    by: &str,
    now: chrono::NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(memberships::table)
        .values((
            memberships::organization_id.eq(org),
            memberships::user_id.eq(user),
            memberships::role.eq(role.as_str()),
            memberships::state.eq(MembershipState::Active.as_str()),
            memberships::added_by.eq(by),
            memberships::created_at.eq(now),
            memberships::updated_at.eq(now),
        ))
        .execute(conn)
}

fn is_member(conn: &mut DbConn, org: &str, user: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(memberships::table.find((org, user)))).get_result(conn)
}

/// Pending: neither accepted nor revoked, and not expired at `now`.
type Pending = diesel::dsl::And<
    diesel::dsl::And<
        diesel::dsl::IsNull<invitations::accepted_at>,
        diesel::dsl::IsNull<invitations::revoked_at>,
    >,
    diesel::dsl::Gt<invitations::expires_at, chrono::NaiveDateTime>,
>;

fn pending(now: chrono::NaiveDateTime) -> Pending {
    invitations::accepted_at
        .is_null()
        .and(invitations::revoked_at.is_null())
        .and(invitations::expires_at.gt(now))
}

/// Invites one address to `org` with `role`, inside the caller's
/// transaction: an existing account joins at once (and is told), anyone
/// else gets a single-use link. Also used for project participants.
pub fn invite_one(
    conn: &mut DbConn,
    st: &AppState,
    org: &OrgRow,
    email: &str,
    role: OrgRole,
    caller: &Caller,
    now: chrono::DateTime<chrono::Utc>,
) -> ApiResult<InvitationOutcome> {
    let key = email.to_lowercase();
    let ttl = Duration::days(i64::from(st.policy.organizations.invitation_ttl_days));
    let public_url = st.config.public_url();
    let inviter = caller.user.display_name();
    if !email.validate_email() {
        return Ok(InvitationOutcome::InvalidEmail);
    }
    if !st.policy.email_domain_allowed(email) {
        return Ok(InvitationOutcome::DomainNotAllowed);
    }
    if let Some(user) = users_q::find_by_email_key(conn, &key)? {
        if is_member(conn, &org.id, &user.id)? {
            return Ok(InvitationOutcome::AlreadyMember);
        }
        add_member(conn, &org.id, &user.id, role, caller.id(), db_time(now))?;
        mail::enqueue(
            conn,
            now,
            &Mail {
                to: user.email.clone(),
                subject: format!("Habilis: you joined {}", org.name),
                body: format!(
                    "{inviter} added you to {} as {}.\n\n--\n\n{inviter} vous a ajouté·e à {} comme {}.\n",
                    org.name, role, org.name, role
                ),
            },
        )?;
        return Ok(InvitationOutcome::Added);
    }
    let open: bool = diesel::select(diesel::dsl::exists(
        invitations::table
            .filter(invitations::organization_id.eq(&org.id))
            .filter(invitations::email_key.eq(&key))
            .filter(pending(db_time(now))),
    ))
    .get_result(conn)?;
    if open {
        return Ok(InvitationOutcome::AlreadyInvited);
    }
    let secret = tokens::generate("hinv_");
    diesel::insert_into(invitations::table)
        .values((
            invitations::id.eq(uuid::Uuid::now_v7().to_string()),
            invitations::organization_id.eq(&org.id),
            invitations::email.eq(email),
            invitations::email_key.eq(&key),
            invitations::role.eq(role.as_str()),
            invitations::token_hash.eq(tokens::digest(&secret)),
            invitations::invited_by.eq(caller.id()),
            invitations::created_at.eq(db_time(now)),
            invitations::expires_at.eq(db_time(now + ttl)),
        ))
        .execute(conn)?;
    let until = (now + ttl).format("%Y-%m-%d");
    mail::enqueue(
        conn,
        now,
        &Mail {
            to: email.to_owned(),
            subject: format!("Habilis: invitation to {}", org.name),
            body: format!(
                "{inviter} invites you to join {} on Habilis as {role}.\n\
                 Once your account exists (your supervisor creates it), open:\n\
                 {public_url}/invitations/{secret}\n\
                 The link works once and expires on {until}.\n\n--\n\n\
                 {inviter} vous invite à rejoindre {} sur Habilis comme {role}.\n\
                 Une fois votre compte créé (par votre encadrant), ouvrez :\n\
                 {public_url}/invitations/{secret}\n\
                 Le lien ne sert qu'une fois et expire le {until}.\n",
                org.name, org.name,
            ),
        },
    )?;
    Ok(InvitationOutcome::Invited)
}

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
    caller: Caller,
    id: web::Path<String>,
    body: Json<InviteMembers>,
) -> ApiResult<web::Json<InvitationReport>> {
    let req = body.into_inner()?;
    let addresses = req.emails.addresses();
    let max = state.policy.organizations.max_invitations_per_request as usize;
    if addresses.is_empty() {
        return Err(ApiError::field(
            "emails",
            Msg::untranslated("give at least one address"),
        ));
    }
    if addresses.len() > max {
        return Err(ApiError::field(
            "emails",
            Msg::untranslated(format!(
                "at most {max} addresses per request (got {}); nothing was applied",
                addresses.len()
            )),
        ));
    }
    let id = id.into_inner();
    let st = state.clone();
    let report = state
        .db(move |conn| {
            let (org, _) = org_for(conn, &st, &caller, &id, OrgCapability::MembersManage)?;
            let now = st.now();
            conn.write_tx(|conn| {
                let mut seen = std::collections::HashSet::new();
                let mut results = Vec::with_capacity(addresses.len());
                for email in addresses {
                    let outcome = if !seen.insert(email.to_lowercase()) {
                        InvitationOutcome::Duplicate
                    } else {
                        invite_one(conn, &st, &org, &email, req.role, &caller, now)?
                    };
                    results.push(InvitationResult { email, outcome });
                }
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::OrgInvite, Outcome::Success)
                        .actor(caller.id())
                        .target("organization", org.id.clone())
                        .detail(json!({ "role": req.role, "results": results }))
                        .ctx(&caller.ctx),
                )?;
                Ok(InvitationReport { results })
            })
        })
        .await?;
    Ok(web::Json(report))
}

type InvitationRow = (
    String,
    String,
    String,
    String,
    String,
    chrono::NaiveDateTime,
    chrono::NaiveDateTime,
);

/// The pending invitations, oldest first, with who invited and when.
#[utoipa::path(
    get, path = "/api/v1/organizations/{id}/invitations", tag = "organizations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "Pending invitations", body = InvitationList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a manager of it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation, or not mine", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_invitations(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<InvitationList>> {
    let id = id.into_inner();
    let st = state.clone();
    let list = state
        .db(move |conn| {
            let (org, _) = org_for(conn, &st, &caller, &id, OrgCapability::MembersManage)?;
            let rows: Vec<InvitationRow> = invitations::table
                .filter(invitations::organization_id.eq(&org.id))
                .filter(pending(db_time(st.now())))
                .order((invitations::created_at.asc(), invitations::id.asc()))
                .select((
                    invitations::id,
                    invitations::organization_id,
                    invitations::email,
                    invitations::role,
                    invitations::invited_by,
                    invitations::created_at,
                    invitations::expires_at,
                ))
                .load(conn)?;
            Ok(InvitationList {
                items: rows
                    .into_iter()
                    .filter_map(
                        |(id, organization_id, email, role, invited_by, created, expires)| {
                            Some(InvitationView {
                                id,
                                organization_id,
                                email,
                                role: role.parse().ok()?,
                                invited_by,
                                created_at: utc(created),
                                expires_at: utc(expires),
                            })
                        },
                    )
                    .collect(),
            })
        })
        .await?;
    Ok(web::Json(list))
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
    caller: Caller,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, invitation) = path.into_inner();
    let st = state.clone();
    state
        .db(move |conn| {
            let (org, _) = org_for(conn, &st, &caller, &id, OrgCapability::MembersManage)?;
            let now = st.now();
            conn.write_tx(|conn| {
                let n = diesel::update(
                    invitations::table
                        .filter(invitations::id.eq(&invitation))
                        .filter(invitations::organization_id.eq(&org.id))
                        .filter(pending(db_time(now))),
                )
                .set(invitations::revoked_at.eq(Some(db_time(now))))
                .execute(conn)?;
                if n != 1 {
                    return Err(ApiError::not_found());
                }
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::OrgInvitationRevoke, Outcome::Success)
                        .actor(caller.id())
                        .target("organization", org.id.clone())
                        .detail(json!({ "invitation_id": invitation }))
                        .ctx(&caller.ctx),
                )?;
                Ok(())
            })
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
    caller: Caller,
    token: web::Path<String>,
) -> ApiResult<web::Json<MemberView>> {
    let digest = tokens::digest(&token.into_inner());
    let st = state.clone();
    let view = state
        .db(move |conn| {
            let now = st.now();
            conn.write_tx(|conn| {
                type Row = (
                    String,
                    String,
                    String,
                    String,
                    chrono::NaiveDateTime,
                    Option<chrono::NaiveDateTime>,
                    Option<chrono::NaiveDateTime>,
                );
                let (inv_id, org_id, email_key, role, expires, accepted, revoked): Row =
                    invitations::table
                        .filter(invitations::token_hash.eq(&digest))
                        .select((
                            invitations::id,
                            invitations::organization_id,
                            invitations::email_key,
                            invitations::role,
                            invitations::expires_at,
                            invitations::accepted_at,
                            invitations::revoked_at,
                        ))
                        .first(conn)
                        .optional()?
                        .ok_or_else(ApiError::not_found)?;
                let gone = |why: &str| {
                    ApiError::new(ProblemType::InvitationUnusable, Msg::untranslated(format!("this invitation {why}; ask a manager of the organisation for a new one")))
                };
                if accepted.is_some() {
                    return Err(gone("was already used"));
                }
                if revoked.is_some() {
                    return Err(gone("was revoked"));
                }
                if expires <= db_time(now) {
                    return Err(gone("has expired"));
                }
                if caller.user.email.to_lowercase() != email_key {
                    return Err(ApiError::new(ProblemType::WrongRecipient, Msg::untranslated("this invitation was sent to another e-mail address")));
                }
                if is_member(conn, &org_id, caller.id())? {
                    return Err(ApiError::conflict(ProblemType::AlreadyMember, Msg::untranslated("you are already a member of this organisation")));
                }
                let role: OrgRole = role.parse().unwrap_or(OrgRole::User);
                // Compare-and-set: of two racing accepts, one joins.
                let used = diesel::update(
                    invitations::table
                        .filter(invitations::id.eq(&inv_id))
                        .filter(invitations::accepted_at.is_null()),
                )
                .set((
                    invitations::accepted_at.eq(Some(db_time(now))),
                    invitations::accepted_by.eq(Some(caller.id())),
                ))
                .execute(conn)?;
                if used != 1 {
                    return Err(gone("was already used"));
                }
                add_member(conn, &org_id, caller.id(), role, caller.id(), db_time(now))?;
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::OrgInvitationAccept, Outcome::Success)
                        .actor(caller.id())
                        .target("organization", org_id.clone())
                        .detail(json!({ "invitation_id": inv_id, "role": role }))
                        .ctx(&caller.ctx),
                )?;
                Ok(MemberView {
                    user_id: caller.id().to_owned(),
                    first_name: caller.user.first_name.clone(),
                    last_name: caller.user.last_name.clone(),
                    email: caller.user.email.clone(),
                    account_state: caller.user.state(),
                    role,
                    state: MembershipState::Active,
                    added_at: now,
                })
            })
        })
        .await?;
    Ok(web::Json(view))
}

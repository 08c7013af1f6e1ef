//! Account rules that need the database: creation (quota, uniqueness,
//! supervisor), listing by visibility, block/unblock.

use crate::error::ProblemType;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use habilis_shared::dto::{AccountState, CreateUser};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::{Policy, Profile, Relation};
use serde_json::json;

use super::queries::{self, UserRow};
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::{service::ACTIVATION, tokens, ReqCtx};
use crate::clock::db_time;
use crate::db::schema::{email_tokens, users};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::mail::{self, Email, Recipient};

pub struct NewAccount {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub profile: Profile,
    pub supervisor_id: Option<String>,
    pub created_by: Option<String>,
    pub password_hash: String,
    /// Audit action recorded: `user.create`, or `user.bootstrap_admin`.
    pub audit_action: AuditAction,
}

/// Normalises and checks what a creator sent, before any hashing: the
/// e-mail domain (422) and the supervisor (must fit the hierarchy and be
/// the creator or someone in the creator's subtree).
pub fn check_request(
    conn: &mut DbConn,
    policy: &Policy,
    creator: &UserRow,
    req: &CreateUser,
) -> ApiResult<Option<String>> {
    let email = req.email.trim();
    if !policy.email_domain_allowed(email) {
        return Err(ApiError::field(
            "email",
            Msg::untranslated(format!(
                "the e-mail domain is not an allowed institutional domain ({})",
                policy.accounts.allowed_email_domains.join(", ")
            )),
        ));
    }
    let allowed_supervisors = policy.supervisor_profiles(req.profile);
    if allowed_supervisors.is_empty() {
        if req.supervisor_id.is_some() {
            return Err(ApiError::field(
                "supervisor_id",
                Msg::untranslated(format!("a {} account has no supervisor", req.profile)),
            ));
        }
        return Ok(None);
    }
    let supervisor = match &req.supervisor_id {
        None => creator.clone(),
        Some(id) => {
            let found = queries::find(conn, id)?;
            let ok = match &found {
                Some(s) if s.id == creator.id => true,
                Some(s) => queries::relation(conn, creator, s)? == Relation::Subordinate,
                None => false,
            };
            match found {
                Some(s) if ok => s,
                _ => {
                    return Err(ApiError::field(
                        "supervisor_id",
                        Msg::untranslated("the supervisor must be you or someone you supervise"),
                    ))
                }
            }
        }
    };
    if !allowed_supervisors.contains(&supervisor.profile()) || !supervisor.state().may_sign_in() {
        return Err(ApiError::field(
            "supervisor_id",
            Msg::untranslated(format!(
                "a {} must be supervised by an active {}",
                req.profile,
                allowed_supervisors
                    .iter()
                    .map(|p| p.as_str())
                    .collect::<Vec<_>>()
                    .join(" or ")
            )),
        ));
    }
    Ok(Some(supervisor.id))
}

/// Inserts the account with its activation link, mail and audit row in
/// one transaction. The profile quota (e.g. at most 2 webmasters) is
/// checked under a named row lock so two racing requests cannot both pass.
pub fn insert(
    conn: &mut DbConn,
    policy: &Policy,
    new: NewAccount,
    public_url: &str,
    now: DateTime<Utc>,
    ctx: Option<&ReqCtx>,
) -> ApiResult<UserRow> {
    let key = new.email.trim().to_lowercase();
    let result = conn.write_tx(|conn| {
        if let Some(limit) = policy.profile_limit(new.profile) {
            conn.lock_named("profile_limits")?;
            if queries::count_profile(conn, new.profile)? >= i64::from(limit) {
                return Ok(Err(ApiError::conflict(
                    ProblemType::ProfileLimitReached,
                    Msg::untranslated(format!(
                        "there may be at most {limit} {} accounts",
                        new.profile
                    )),
                )));
            }
        }
        if queries::find_by_email_key(conn, &key)?.is_some() {
            return Ok(Err(duplicate()));
        }
        let id = uuid::Uuid::now_v7().to_string();
        let t = db_time(now);
        diesel::insert_into(users::table)
            .values((
                users::id.eq(&id),
                users::email.eq(new.email.trim()),
                users::email_key.eq(&key),
                users::first_name.eq(new.first_name.trim()),
                users::last_name.eq(new.last_name.trim()),
                users::profile.eq(new.profile.as_str()),
                users::state.eq(AccountState::Created.as_str()),
                users::supervisor_id.eq(&new.supervisor_id),
                users::created_by.eq(&new.created_by),
                users::password_hash.eq(&new.password_hash),
                users::must_change_password.eq(true),
                users::created_at.eq(t),
                users::updated_at.eq(t),
            ))
            .execute(conn)?;
        let link = tokens::generate("");
        let days = policy.accounts.activation_link_days;
        diesel::insert_into(email_tokens::table)
            .values((
                email_tokens::id.eq(uuid::Uuid::now_v7().to_string()),
                email_tokens::user_id.eq(&id),
                email_tokens::purpose.eq(ACTIVATION),
                email_tokens::token_hash.eq(tokens::digest(&link)),
                email_tokens::expires_at.eq(db_time(now + Duration::days(i64::from(days)))),
                email_tokens::created_at.eq(t),
            ))
            .execute(conn)?;
        let mut event = Event::new(new.audit_action, Outcome::Success)
            .target("user", id.clone())
            .detail(json!({ "profile": new.profile, "supervisor_id": new.supervisor_id }));
        if let Some(by) = &new.created_by {
            event = event.actor(by.clone());
        }
        if let Some(ctx) = ctx {
            event = event.ctx(ctx);
        }
        audit::append(conn, now, event)?;
        let row = queries::find(conn, &id)?.ok_or(DieselError::NotFound)?;
        mail::queue(
            conn,
            now,
            &Recipient::of(&row),
            &Email::Activation {
                name: &row.display_name(),
                link: &format!("{public_url}/activate?token={link}"),
                until: now + Duration::days(i64::from(days)),
            },
        )?;
        Ok::<_, ApiError>(Ok(row))
    });
    match result {
        Ok(inner) => inner,
        // The unique index caught a concurrent insert of the same e-mail.
        Err(e) if is_unique_violation(&e) => Err(duplicate()),
        Err(e) => Err(e),
    }
}

fn duplicate() -> ApiError {
    ApiError::conflict(
        ProblemType::EmailTaken,
        Msg::untranslated("an account with this e-mail already exists"),
    )
}

fn is_unique_violation(e: &ApiError) -> bool {
    e.problem == ProblemType::UniqueViolation
}

/// The first admin, created at installation (`habilis bootstrap-admin`),
/// never through the API (SPEC §2.3). Refused (409) once an admin exists.
#[allow(clippy::too_many_arguments)]
pub fn bootstrap_admin(
    conn: &mut DbConn,
    policy: &Policy,
    public_url: &str,
    email: &str,
    first_name: &str,
    last_name: &str,
    password_hash: String,
    must_change_password: bool,
    now: DateTime<Utc>,
) -> ApiResult<UserRow> {
    conn.write_tx(|conn| {
        conn.lock_named("profile_limits")?;
        if queries::count_profile(conn, Profile::Admin)? > 0 {
            return Err(ApiError::conflict(
                ProblemType::AdminExists,
                Msg::untranslated(
                    "an admin account already exists; bootstrap-admin only creates the first one",
                ),
            ));
        }
        let row = insert(
            conn,
            policy,
            NewAccount {
                first_name: first_name.to_owned(),
                last_name: last_name.to_owned(),
                email: email.to_owned(),
                profile: Profile::Admin,
                supervisor_id: None,
                created_by: None,
                password_hash,
                audit_action: AuditAction::UserBootstrapAdmin,
            },
            public_url,
            now,
            None,
        )?;
        if !must_change_password {
            diesel::update(users::table.find(&row.id))
                .set(users::must_change_password.eq(false))
                .execute(conn)?;
        }
        queries::find(conn, &row.id)?.ok_or_else(ApiError::not_found)
    })
}

/// Block or unblock; blocking ends every session at once.
pub fn set_blocked(
    conn: &mut DbConn,
    actor: &UserRow,
    target: &UserRow,
    block: bool,
    now: DateTime<Utc>,
    ctx: &ReqCtx,
) -> ApiResult<UserRow> {
    let (from_ok, to, action) = if block {
        (
            target.state().may_sign_in(),
            AccountState::Blocked,
            AuditAction::UserBlock,
        )
    } else {
        (
            target.state() == AccountState::Blocked,
            AccountState::Active,
            AuditAction::UserUnblock,
        )
    };
    if !from_ok {
        return Err(ApiError::conflict(
            ProblemType::WrongState,
            Msg::untranslated(format!("the account is {}", target.state().as_str())),
        ));
    }
    conn.write_tx(|conn| {
        diesel::update(users::table.find(&target.id))
            .set((
                users::state.eq(to.as_str()),
                users::updated_at.eq(db_time(now)),
            ))
            .execute(conn)?;
        if block {
            crate::auth::service::revoke_user_sessions(conn, &target.id, None, now)?;
        }
        audit::append(
            conn,
            now,
            Event::new(action, Outcome::Success)
                .actor(actor.id.clone())
                .target("user", target.id.clone())
                .ctx(ctx),
        )?;
        queries::find(conn, &target.id)?.ok_or_else(ApiError::not_found)
    })
}

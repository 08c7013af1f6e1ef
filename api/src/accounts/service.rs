//! Account rules that need the database: creation (quota, uniqueness,
//! supervisor), the first admin, block/unblock. One transaction each:
//! change, audit row, outbox mail.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use habilis_shared::dto::{AccountState, CreateUser};
use habilis_shared::policy::{Policy, Profile, Relation};
use serde_json::json;

use super::error::{AccountError, AccountResult};
use super::queries::{self, UserRow};
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::{service::ACTIVATION, tokens, Caller};
use crate::clock::db_time;
use crate::db::schema::{email_tokens, users};
use crate::db::DbConn;
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

/// An account's e-mail must be at an allowed institutional domain
/// (SPEC §3.1).
pub fn check_email_domain(policy: &Policy, email: &str) -> AccountResult<()> {
    if !policy.email_domain_allowed(email.trim()) {
        return Err(AccountError::EmailDomainNotAllowed {
            allowed: policy.accounts.allowed_email_domains.clone(),
        });
    }
    Ok(())
}

/// Normalises and checks what a creator sent, before any hashing: the
/// e-mail domain (422) and the supervisor (must fit the hierarchy and be
/// the creator or someone in the creator's subtree).
pub fn check_request(
    conn: &mut DbConn,
    policy: &Policy,
    creator: &UserRow,
    req: &CreateUser,
) -> AccountResult<Option<String>> {
    check_email_domain(policy, &req.email)?;
    let allowed_supervisors = policy.supervisor_profiles(req.profile);
    if allowed_supervisors.is_empty() {
        if req.supervisor_id.is_some() {
            return Err(AccountError::NoSupervisorForProfile(req.profile));
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
                _ => return Err(AccountError::SupervisorOutsideLine),
            }
        }
    };
    if !allowed_supervisors.contains(&supervisor.profile()) || !supervisor.state().may_sign_in() {
        return Err(AccountError::SupervisorNotEligible {
            profile: req.profile,
            eligible: allowed_supervisors,
        });
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
    ctx: Option<&crate::auth::ReqCtx>,
) -> AccountResult<UserRow> {
    let key = new.email.trim().to_lowercase();
    let result = conn.write_tx(|conn| {
        if let Some(limit) = policy.profile_limit(new.profile) {
            conn.lock_named("profile_limits")?;
            if queries::count_profile(conn, new.profile)? >= i64::from(limit) {
                return Err(AccountError::ProfileLimitReached {
                    limit,
                    profile: new.profile,
                });
            }
        }
        if queries::find_by_email_key(conn, &key)?.is_some() {
            return Err(AccountError::EmailTaken);
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
        let row = queries::find(conn, &id)?.ok_or(AccountError::NotFound)?;
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
        Ok(row)
    });
    match result {
        // The unique index caught a concurrent insert of the same e-mail.
        Err(e) if e.is_unique_violation() => Err(AccountError::EmailTaken),
        other => other,
    }
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
) -> AccountResult<UserRow> {
    conn.write_tx(|conn| {
        conn.lock_named("profile_limits")?;
        if queries::count_profile(conn, Profile::Admin)? > 0 {
            return Err(AccountError::AdminExists);
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
        queries::find(conn, &row.id)?.ok_or(AccountError::NotFound)
    })
}

/// Block or unblock; blocking ends every session at once (and a blocked
/// account's personal access tokens are refused while it stays blocked).
pub fn set_blocked(
    conn: &mut DbConn,
    by: &Caller,
    target: &UserRow,
    block: bool,
    now: DateTime<Utc>,
) -> AccountResult<UserRow> {
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
        return Err(AccountError::WrongState(target.state()));
    }
    conn.write_tx(|conn| {
        queries::set_state(conn, &target.id, to, now)?;
        if block {
            crate::auth::service::revoke_user_sessions(conn, &target.id, None, now)?;
        }
        audit::append(
            conn,
            now,
            Event::new(action, Outcome::Success)
                .actor(by.id())
                .target("user", target.id.clone())
                .ctx(&by.ctx),
        )?;
        queries::find(conn, &target.id)?.ok_or(AccountError::NotFound)
    })
}

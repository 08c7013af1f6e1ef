//! Account rules that need the database: creation (quota, uniqueness,
//! supervisor), the first admin, block/unblock. One transaction each:
//! change, audit row, outbox mail.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use habilis_shared::dto::{AccountState, CreateUser};
use habilis_shared::policy::{Policy, Profile, Relation};
use habilis_shared::Email;
use serde_json::json;

use super::error::{AccountError, AccountResult};
use super::queries::{self, UserRow};
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::{service::ACTIVATION, tokens, Caller};
use crate::clock::db_time;
use crate::db::schema::{email_tokens, users};
use crate::db::DbConn;
use crate::mail::{self, Recipient};

pub struct NewAccount {
    pub first_name: String,
    pub last_name: String,
    pub email: Email,
    pub profile: Profile,
    pub supervisor_id: Option<String>,
    pub created_by: Option<String>,
    pub password_hash: String,
    /// Audit action recorded: `user.create`, or `user.bootstrap_admin`.
    pub audit_action: AuditAction,
    /// Created active, without an activation link (the first admin, who
    /// has nobody to receive a link from); otherwise `created` until the
    /// e-mailed link is opened (SPEC §3.2).
    pub active: bool,
}

/// An account's e-mail must be at an allowed institutional domain
/// (SPEC §3.1).
pub fn check_email_domain(policy: &Policy, email: &Email) -> AccountResult<()> {
    if !policy.email_domain_allowed(email.as_str()) {
        return Err(AccountError::EmailDomainNotAllowed {
            allowed: policy.accounts.allowed_email_domains.clone(),
        });
    }
    Ok(())
}

/// Normalises and checks what a creator sent, before any hashing: the
/// e-mail domain (422; `email` is `req.email` parsed) and the supervisor
/// (must fit the hierarchy and be the creator or someone in the creator's
/// subtree).
pub fn check_request(
    conn: &mut DbConn,
    policy: &Policy,
    creator: &UserRow,
    req: &CreateUser,
    email: &Email,
) -> AccountResult<Option<String>> {
    check_email_domain(policy, email)?;
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
    let key = new.email.key();
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
        if queries::find_by_email_key(conn, key)?.is_some() {
            return Err(AccountError::EmailTaken);
        }
        let id = uuid::Uuid::now_v7().to_string();
        let t = db_time(now);
        diesel::insert_into(users::table)
            .values((
                users::id.eq(&id),
                users::email.eq(new.email.as_str()),
                users::email_key.eq(key),
                users::first_name.eq(new.first_name.trim()),
                users::last_name.eq(new.last_name.trim()),
                users::profile.eq(new.profile.as_str()),
                users::state.eq(if new.active {
                    AccountState::Active.as_str()
                } else {
                    AccountState::Created.as_str()
                }),
                users::activated_at.eq(new.active.then_some(t)),
                users::supervisor_id.eq(&new.supervisor_id),
                users::created_by.eq(&new.created_by),
                users::password_hash.eq(&new.password_hash),
                users::must_change_password.eq(true),
                users::created_at.eq(t),
                users::updated_at.eq(t),
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
        if !new.active {
            issue_activation(conn, policy, &row, public_url, now)?;
        }
        Ok(row)
    });
    match result {
        // The unique index caught a concurrent insert of the same e-mail.
        Err(e) if e.is_unique_violation() => Err(AccountError::EmailTaken),
        other => other,
    }
}

/// A new single-use activation link for `user`, e-mailed; the links sent
/// before stop working (SPEC §3.1: a link went to a misspelt address, or
/// expired).
fn issue_activation(
    conn: &mut DbConn,
    policy: &Policy,
    user: &UserRow,
    public_url: &str,
    now: DateTime<Utc>,
) -> AccountResult<()> {
    diesel::delete(
        email_tokens::table
            .filter(email_tokens::user_id.eq(&user.id))
            .filter(email_tokens::purpose.eq(ACTIVATION))
            .filter(email_tokens::used_at.is_null()),
    )
    .execute(conn)?;
    let link = tokens::generate("");
    let until = now + Duration::days(i64::from(policy.accounts.activation_link_days));
    diesel::insert_into(email_tokens::table)
        .values((
            email_tokens::id.eq(uuid::Uuid::now_v7().to_string()),
            email_tokens::user_id.eq(&user.id),
            email_tokens::purpose.eq(ACTIVATION),
            email_tokens::token_hash.eq(tokens::digest(&link)),
            email_tokens::expires_at.eq(db_time(until)),
            email_tokens::created_at.eq(db_time(now)),
        ))
        .execute(conn)?;
    mail::queue(
        conn,
        now,
        &Recipient::of(user),
        &mail::Email::Activation {
            name: &user.display_name(),
            link: &format!("{public_url}/activate?token={link}"),
            until,
        },
    )?;
    Ok(())
}

/// Whether `user` was never activated: only then does a new activation
/// link make sense.
fn awaits_activation(user: &UserRow) -> bool {
    user.state() == AccountState::Created && user.activated_at.is_none()
}

/// `POST /users/{id}/activation`: a new link replaces the old one, for an
/// account never activated.
pub fn resend_activation(
    conn: &mut DbConn,
    policy: &Policy,
    by: &Caller,
    target: &UserRow,
    public_url: &str,
    now: DateTime<Utc>,
) -> AccountResult<()> {
    if !awaits_activation(target) {
        return Err(AccountError::AlreadyActivated);
    }
    conn.write_tx(|conn| {
        issue_activation(conn, policy, target, public_url, now)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::UserActivationResend, Outcome::Success)
                .actor(by.id())
                .target("user", target.id.clone())
                .ctx(&by.ctx),
        )?;
        Ok(())
    })
}

/// What `PATCH /users/{id}` asks to change, the address parsed; absent
/// fields stay.
#[derive(Debug, Default)]
pub struct IdentityChange {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<Email>,
}

/// `PATCH /users/{id}`: correct the professional identity (SPEC §2.5).
/// A new e-mail address must be at an allowed domain and free; the old and
/// the new address are told, and an account never activated gets its
/// activation link again at the new address. Returns the account as it is
/// now (unchanged, and nothing audited, when nothing differs).
pub fn update_identity(
    conn: &mut DbConn,
    policy: &Policy,
    by: &Caller,
    target: &UserRow,
    change: IdentityChange,
    public_url: &str,
    now: DateTime<Utc>,
) -> AccountResult<UserRow> {
    let trimmed = |v: Option<String>, field: &'static str| -> AccountResult<Option<String>> {
        match v.map(|s| s.trim().to_owned()) {
            Some(s) if s.is_empty() => Err(AccountError::BlankField(field)),
            other => Ok(other),
        }
    };
    if target.state() == AccountState::Deleted {
        return Err(AccountError::WrongState(target.state()));
    }
    let first = trimmed(change.first_name, "first_name")?.filter(|v| *v != target.first_name);
    let last = trimmed(change.last_name, "last_name")?.filter(|v| *v != target.last_name);
    // A change of case only is a change (the address is shown as typed).
    let email = change.email.filter(|v| v.as_str() != target.email);
    if let Some(e) = &email {
        check_email_domain(policy, e)?;
    }
    if first.is_none() && last.is_none() && email.is_none() {
        return Ok(target.clone());
    }
    let result = conn.write_tx(|conn| {
        if let Some(e) = &email {
            if queries::find_by_email_key(conn, e.key())?.is_some_and(|u| u.id != target.id) {
                return Err(AccountError::EmailTaken);
            }
        }
        let mut fields = Vec::new();
        if let Some(v) = &first {
            diesel::update(users::table.find(&target.id))
                .set(users::first_name.eq(v))
                .execute(conn)?;
            fields.push("first_name");
        }
        if let Some(v) = &last {
            diesel::update(users::table.find(&target.id))
                .set(users::last_name.eq(v))
                .execute(conn)?;
            fields.push("last_name");
        }
        if let Some(e) = &email {
            diesel::update(users::table.find(&target.id))
                .set((users::email.eq(e.as_str()), users::email_key.eq(e.key())))
                .execute(conn)?;
            fields.push("email");
        }
        diesel::update(users::table.find(&target.id))
            .set(users::updated_at.eq(db_time(now)))
            .execute(conn)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::UserUpdate, Outcome::Success)
                .actor(by.id())
                .target("user", target.id.clone())
                .detail(json!({ "fields": fields }))
                .ctx(&by.ctx),
        )?;
        let row = queries::find(conn, &target.id)?.ok_or(AccountError::NotFound)?;
        if email.is_some() {
            let name = row.display_name();
            let notice = mail::Email::EmailChanged {
                name: &name,
                old: &target.email,
                new: &row.email,
            };
            // The old address in the account's language, then the new one.
            mail::queue(conn, now, &Recipient::of(target), &notice)?;
            mail::queue(conn, now, &Recipient::of(&row), &notice)?;
            if awaits_activation(&row) {
                issue_activation(conn, policy, &row, public_url, now)?;
            }
        }
        Ok(row)
    });
    match result {
        Err(e) if e.is_unique_violation() => Err(AccountError::EmailTaken),
        other => other,
    }
}

/// The first admin, created at installation (`habilis bootstrap-admin`),
/// never through the API (SPEC §2.3). Refused (409) once an admin exists.
/// `email` comes from the command line: it is parsed here (422 naming
/// `email` if it is no address).
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
    let email = Email::parse(email).map_err(AccountError::InvalidEmail)?;
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
                email,
                profile: Profile::Admin,
                supervisor_id: None,
                created_by: None,
                password_hash,
                audit_action: AuditAction::UserBootstrapAdmin,
                active: true,
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

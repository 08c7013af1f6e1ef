//! Sign-in rules: lockout, sessions and refresh-token rotation, activation
//! links, password changes. Synchronous functions on a connection, called
//! from `web::block` by the routes.

use crate::error::ProblemType;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::dsl::{count_star, max};
use diesel::prelude::*;
use habilis_shared::dto::AccountState;
use habilis_shared::i18n::Msg;
use habilis_shared::policy::Policy;
use serde_json::json;

use super::tokens;
use super::ReqCtx;
use crate::accounts::queries::{self, UserRow};
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::clock::db_time;
use crate::db::schema::{
    api_tokens, email_tokens, login_failures, refresh_tokens, sessions, users,
};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::mail::{self, Email, Recipient};

pub const ACTIVATION: &str = "activation";

/// (token id, session id, expires, used, session revoked, user id)
type RefreshRow = (
    String,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    String,
);

/// Seconds until the account or the client IP may try again, if locked:
/// `lockout_max_failures` failures within `lockout_window_minutes` lock for
/// `lockout_minutes` after the last one (SPEC §12).
pub fn locked_for(
    conn: &mut DbConn,
    policy: &Policy,
    account_key: &str,
    ip: &str,
    now: DateTime<Utc>,
) -> QueryResult<Option<u64>> {
    let rules = &policy.auth;
    let since = db_time(now - Duration::minutes(i64::from(rules.lockout_window_minutes)));
    let by_account: (i64, Option<chrono::NaiveDateTime>) = login_failures::table
        .filter(login_failures::account_key.eq(account_key))
        .filter(login_failures::at.ge(since))
        .select((count_star(), max(login_failures::at)))
        .first(conn)?;
    let by_ip: (i64, Option<chrono::NaiveDateTime>) = login_failures::table
        .filter(login_failures::ip.eq(ip))
        .filter(login_failures::at.ge(since))
        .select((count_star(), max(login_failures::at)))
        .first(conn)?;
    Ok([by_account, by_ip]
        .into_iter()
        .filter_map(|counted| lock_wait(policy, counted, now))
        .max())
}

/// Seconds left of a lock after `(failures in the window, the last one)`,
/// if they reach `lockout_max_failures`.
fn lock_wait(
    policy: &Policy,
    (count, last): (i64, Option<NaiveDateTime>),
    now: DateTime<Utc>,
) -> Option<u64> {
    let rules = &policy.auth;
    if count < i64::from(rules.lockout_max_failures) {
        return None;
    }
    let now_db = db_time(now);
    let until = last? + Duration::minutes(i64::from(rules.lockout_minutes));
    (until > now_db).then(|| {
        u64::try_from((until - now_db).num_seconds())
            .unwrap_or(1)
            .max(1)
    })
}

pub fn record_failure(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    account_key: &str,
    user: Option<&UserRow>,
    ctx: &ReqCtx,
) -> ApiResult<()> {
    conn.write_tx(|conn| {
        diesel::insert_into(login_failures::table)
            .values((
                login_failures::id.eq(uuid::Uuid::now_v7().to_string()),
                login_failures::account_key.eq(account_key),
                login_failures::ip.eq(&ctx.ip),
                login_failures::at.eq(db_time(now)),
            ))
            .execute(conn)?;
        let mut event = Event::new(AuditAction::AuthLogin, Outcome::Failure).ctx(ctx);
        if let Some(u) = user {
            event = event.target("user", u.id.clone());
        }
        audit::append(conn, now, event)?;
        Ok(())
    })
}

/// Opens a session (refresh family) and returns `(session_id, refresh_token)`.
pub fn start_session(
    conn: &mut DbConn,
    policy: &Policy,
    user: &UserRow,
    now: DateTime<Utc>,
    ctx: &ReqCtx,
) -> ApiResult<(String, String)> {
    conn.write_tx(|conn| {
        diesel::delete(
            login_failures::table.filter(login_failures::account_key.eq(&user.email_key)),
        )
        .execute(conn)?;
        diesel::update(users::table.find(&user.id))
            .set((
                users::last_login_at.eq(db_time(now)),
                users::inactivity_warned_at.eq(None::<chrono::NaiveDateTime>),
            ))
            .execute(conn)?;
        let session_id = uuid::Uuid::now_v7().to_string();
        diesel::insert_into(sessions::table)
            .values((
                sessions::id.eq(&session_id),
                sessions::user_id.eq(&user.id),
                sessions::created_at.eq(db_time(now)),
            ))
            .execute(conn)?;
        let refresh = new_refresh(conn, policy, &session_id, now)?;
        crate::activity::record(
            conn,
            &user.id,
            crate::activity::SIGN_IN,
            None,
            Some(&ctx.ip),
            now,
        )?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::AuthLogin, Outcome::Success)
                .actor(user.id.clone())
                .target("user", user.id.clone())
                .ctx(ctx),
        )?;
        Ok((session_id, refresh))
    })
}

fn new_refresh(
    conn: &mut DbConn,
    policy: &Policy,
    session_id: &str,
    now: DateTime<Utc>,
) -> QueryResult<String> {
    let token = tokens::generate(tokens::REFRESH_PREFIX);
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::id.eq(uuid::Uuid::now_v7().to_string()),
            refresh_tokens::session_id.eq(session_id),
            refresh_tokens::token_hash.eq(tokens::digest(&token)),
            refresh_tokens::created_at.eq(db_time(now)),
            refresh_tokens::expires_at.eq(db_time(
                now + Duration::days(i64::from(policy.auth.refresh_token_days)),
            )),
        ))
        .execute(conn)?;
    Ok(token)
}

pub fn revoke_session(
    conn: &mut DbConn,
    session_id: &str,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .filter(sessions::id.eq(session_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(db_time(now)))
    .execute(conn)
}

/// Ends every session of a user, except `keep` (used on block and on
/// password change).
pub fn revoke_user_sessions(
    conn: &mut DbConn,
    user_id: &str,
    keep: Option<&str>,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    let keep = keep.unwrap_or("");
    diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::id.ne(keep))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(db_time(now)))
    .execute(conn)
}

/// Rotation: the presented token is spent and a new one issued in the same
/// family. Presenting a spent token revokes the whole family (it was
/// stolen, or the legitimate holder's copy was). Returns `(user, session, new token)`.
pub fn rotate_refresh(
    conn: &mut DbConn,
    policy: &Policy,
    presented: &str,
    now: DateTime<Utc>,
    ctx: &ReqCtx,
) -> ApiResult<(UserRow, String, String)> {
    let digest = tokens::digest(presented);
    let invalid = || ApiError::unauthorized(Msg::new("auth-refresh-invalid"));
    // The closure answers Ok(Err(..)) when the request fails but what it
    // did must still commit (revoking a family on reuse, auditing).
    conn.write_tx(|conn| {
        let found: Option<RefreshRow> = refresh_tokens::table
            .inner_join(sessions::table)
            .filter(refresh_tokens::token_hash.eq(&digest))
            .select((
                refresh_tokens::id,
                refresh_tokens::session_id,
                refresh_tokens::expires_at,
                refresh_tokens::used_at,
                sessions::revoked_at,
                sessions::user_id,
            ))
            .first(conn)
            .optional()?;
        let Some((id, session_id, expires_at, used_at, revoked_at, user_id)) = found else {
            return Ok(Err(invalid()));
        };
        if revoked_at.is_some() || expires_at <= db_time(now) {
            return Ok(Err(invalid()));
        }
        // Compare-and-set: of two concurrent uses, one wins, the other is reuse.
        let spent = if used_at.is_none() {
            diesel::update(
                refresh_tokens::table
                    .filter(refresh_tokens::id.eq(&id))
                    .filter(refresh_tokens::used_at.is_null()),
            )
            .set(refresh_tokens::used_at.eq(db_time(now)))
            .execute(conn)?
        } else {
            0
        };
        if spent != 1 {
            revoke_session(conn, &session_id, now)?;
            audit::append(
                conn,
                now,
                Event::new(AuditAction::AuthRefreshReuse, Outcome::Denied)
                    .actor(user_id.clone())
                    .target("session", session_id)
                    .ctx(ctx),
            )?;
            return Ok(Err(ApiError::unauthorized(Msg::new("auth-refresh-reused"))));
        }
        let Some(user) = queries::find(conn, &user_id)? else {
            return Ok(Err(invalid()));
        };
        if !user.state().may_sign_in() {
            return Ok(Err(ApiError::unauthorized(Msg::new(
                "auth-account-unusable",
            ))));
        }
        let token = new_refresh(conn, policy, &session_id, now)?;
        Ok::<_, ApiError>(Ok((user, session_id, token)))
    })?
}

/// Opens an activation link: single use, expiring (SPEC §3.1–3.2). Both
/// outcomes are mailed to the person, their supervisors, admins and webmasters.
pub fn activate(
    conn: &mut DbConn,
    policy: &Policy,
    token: &str,
    now: DateTime<Utc>,
    ctx: &ReqCtx,
) -> ApiResult<()> {
    let digest = tokens::digest(token);
    conn.write_tx(|conn| {
        let found: Option<(
            String,
            chrono::NaiveDateTime,
            Option<chrono::NaiveDateTime>,
            String,
        )> = email_tokens::table
            .filter(email_tokens::token_hash.eq(&digest))
            .filter(email_tokens::purpose.eq(ACTIVATION))
            .select((
                email_tokens::id,
                email_tokens::expires_at,
                email_tokens::used_at,
                email_tokens::user_id,
            ))
            .first(conn)
            .optional()?;
        let Some((id, expires_at, used_at, user_id)) = found else {
            return Ok(Err(ApiError::new(
                ProblemType::ActivationLinkUnknown,
                Msg::new("auth-activation-unknown"),
            )));
        };
        let Some(user) = queries::find(conn, &user_id)? else {
            return Ok(Err(ApiError::not_found()));
        };
        let failure = if used_at.is_some() {
            Some((
                ProblemType::ActivationLinkUsed,
                Msg::new("auth-activation-used"),
            ))
        } else if expires_at <= db_time(now) {
            Some((
                ProblemType::ActivationLinkExpired,
                Msg::new("auth-activation-expired"),
            ))
        } else {
            None
        };
        notify_activation(conn, policy, &user, failure.is_none(), now)?;
        if let Some((kind, detail)) = failure {
            audit::append(
                conn,
                now,
                Event::new(AuditAction::AuthActivate, Outcome::Failure)
                    .target("user", user.id.clone())
                    .detail(json!({ "reason": kind.code() }))
                    .ctx(ctx),
            )?;
            return Ok(Err(ApiError::new(kind, detail)));
        }
        diesel::update(email_tokens::table.find(&id))
            .set(email_tokens::used_at.eq(db_time(now)))
            .execute(conn)?;
        let state = match user.state() {
            AccountState::Created => AccountState::Active,
            other => other,
        };
        diesel::update(users::table.find(&user.id))
            .set((
                users::activated_at.eq(db_time(now)),
                users::state.eq(state.as_str()),
            ))
            .execute(conn)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::AuthActivate, Outcome::Success)
                .actor(user.id.clone())
                .target("user", user.id.clone())
                .ctx(ctx),
        )?;
        Ok::<_, ApiError>(Ok(()))
    })?
}

fn notify_activation(
    conn: &mut DbConn,
    policy: &Policy,
    user: &UserRow,
    success: bool,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let mut to = vec![user.email.clone()];
    // Supervisor, and the expert above a novice's supervisor.
    for id in queries::supervisor_chain(conn, user)?.into_iter().take(2) {
        if let Some(s) = queries::find(conn, &id)? {
            to.push(s.email);
        }
    }
    let notified: Vec<_> = policy
        .administration
        .notified_of_activations
        .iter()
        .copied()
        .collect();
    to.extend(queries::emails_of_profiles(conn, &notified)?);
    to.sort();
    to.dedup();
    let name = user.display_name();
    let email = Email::ActivationOutcome {
        name: &name,
        email: &user.email,
        activated: success,
    };
    for addr in to {
        let reader = Recipient::by_address(conn, &addr, user)?;
        mail::queue(conn, now, &reader, &email)?;
    }
    Ok(())
}

/// The purpose of a password reset link in `email_tokens`.
pub const PASSWORD_RESET: &str = "password_reset";

/// How long a password reset link works.
pub const RESET_LINK_MINUTES: i64 = 60;

/// Reset requests are counted in `login_failures` under these prefixes (the
/// client kept for the record), so the lockout rules limit them without
/// ever locking a sign-in.
fn reset_keys(account_key: &str, ip: &str) -> (String, String) {
    (format!("reset:{account_key}"), format!("reset:{ip}"))
}

/// Seconds until this address may be sent a reset link again: the sign-in
/// lockout rules, applied to the reset requests for one address (each one
/// counts, whether or not the address has an account). Not per client: a
/// whole institute behind one address must not lock itself out of
/// recovery, and each address gets few mails whoever asks.
pub fn reset_locked_for(
    conn: &mut DbConn,
    policy: &Policy,
    account_key: &str,
    now: DateTime<Utc>,
) -> QueryResult<Option<u64>> {
    let (key, _) = reset_keys(account_key, "");
    let since = db_time(now - Duration::minutes(i64::from(policy.auth.lockout_window_minutes)));
    let counted: (i64, Option<NaiveDateTime>) = login_failures::table
        .filter(login_failures::account_key.eq(&key))
        .filter(login_failures::at.ge(since))
        .select((count_star(), max(login_failures::at)))
        .first(conn)?;
    Ok(lock_wait(policy, counted, now))
}

/// Whether `user` may receive a reset link: an account that may sign in
/// and was activated (a `created` account needs its activation link).
fn may_reset(user: &UserRow) -> bool {
    user.state().may_sign_in() && user.state() != AccountState::Created
}

/// Records a reset request and, when the address is an account that may
/// sign in, e-mails it a single-use link (the links sent before stop
/// working). What the caller sees does not depend on which case it was.
pub fn request_reset(
    conn: &mut DbConn,
    account_key: &str,
    user: Option<&UserRow>,
    public_url: &str,
    now: DateTime<Utc>,
    ctx: &ReqCtx,
) -> ApiResult<()> {
    let (key, ip) = reset_keys(account_key, &ctx.ip);
    conn.write_tx(|conn| {
        diesel::insert_into(login_failures::table)
            .values((
                login_failures::id.eq(uuid::Uuid::now_v7().to_string()),
                login_failures::account_key.eq(&key),
                login_failures::ip.eq(&ip),
                login_failures::at.eq(db_time(now)),
            ))
            .execute(conn)?;
        let Some(user) = user.filter(|u| may_reset(u)) else {
            return Ok(());
        };
        diesel::delete(
            email_tokens::table
                .filter(email_tokens::user_id.eq(&user.id))
                .filter(email_tokens::purpose.eq(PASSWORD_RESET))
                .filter(email_tokens::used_at.is_null()),
        )
        .execute(conn)?;
        let link = tokens::generate("");
        let until = now + Duration::minutes(RESET_LINK_MINUTES);
        diesel::insert_into(email_tokens::table)
            .values((
                email_tokens::id.eq(uuid::Uuid::now_v7().to_string()),
                email_tokens::user_id.eq(&user.id),
                email_tokens::purpose.eq(PASSWORD_RESET),
                email_tokens::token_hash.eq(tokens::digest(&link)),
                email_tokens::expires_at.eq(db_time(until)),
                email_tokens::created_at.eq(db_time(now)),
            ))
            .execute(conn)?;
        mail::queue(
            conn,
            now,
            &Recipient::of(user),
            &Email::PasswordReset {
                name: &user.display_name(),
                link: &format!("{public_url}/reset-password?token={link}"),
                until,
            },
        )?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::AuthPasswordResetRequest, Outcome::Success)
                .target("user", user.id.clone())
                .ctx(ctx),
        )?;
        Ok(())
    })
}

/// The reset link `token` opens: its id and account, or the problem it
/// has (unknown 404, used or expired 410, as activation links; the last
/// two are audited). The account must still be able to sign in.
pub fn reset_target(
    conn: &mut DbConn,
    token: &str,
    now: DateTime<Utc>,
    ctx: &ReqCtx,
) -> ApiResult<(String, UserRow)> {
    let digest = tokens::digest(token);
    conn.write_tx(|conn| {
        let found: Option<(String, NaiveDateTime, Option<NaiveDateTime>, String)> =
            email_tokens::table
                .filter(email_tokens::token_hash.eq(&digest))
                .filter(email_tokens::purpose.eq(PASSWORD_RESET))
                .select((
                    email_tokens::id,
                    email_tokens::expires_at,
                    email_tokens::used_at,
                    email_tokens::user_id,
                ))
                .first(conn)
                .optional()?;
        let unknown = || {
            ApiError::new(
                ProblemType::ResetLinkUnknown,
                Msg::new("auth-reset-unknown"),
            )
        };
        let Some((id, expires_at, used_at, user_id)) = found else {
            return Ok(Err(unknown()));
        };
        let Some(user) = queries::find(conn, &user_id)? else {
            return Ok(Err(unknown()));
        };
        let failure = if used_at.is_some() {
            Some((ProblemType::ResetLinkUsed, Msg::new("auth-reset-used")))
        } else if expires_at <= db_time(now) {
            Some((
                ProblemType::ResetLinkExpired,
                Msg::new("auth-reset-expired"),
            ))
        } else {
            None
        };
        if let Some((kind, detail)) = failure {
            audit::append(
                conn,
                now,
                Event::new(AuditAction::AuthPasswordReset, Outcome::Failure)
                    .target("user", user.id.clone())
                    .detail(json!({ "reason": kind.code() }))
                    .ctx(ctx),
            )?;
            return Ok(Err(ApiError::new(kind, detail)));
        }
        if !may_reset(&user) {
            return Ok(Err(ApiError::new(
                ProblemType::AccountBlocked,
                Msg::new("auth-account-state").arg("state", user.state().as_str()),
            )));
        }
        Ok::<_, ApiError>(Ok((id, user)))
    })?
}

/// Spends the reset link `token_id` and sets the new password of `user`:
/// every session (refresh family) and API token of the account ends, the
/// other reset links stop working, failed sign-ins are forgotten, the
/// change is audited and the person is told by e-mail.
pub fn complete_reset(
    conn: &mut DbConn,
    token_id: &str,
    user: &UserRow,
    new_hash: &str,
    now: DateTime<Utc>,
    ctx: &ReqCtx,
) -> ApiResult<()> {
    conn.write_tx(|conn| {
        // Compare-and-set: of two concurrent uses, one wins.
        let spent = diesel::update(
            email_tokens::table
                .filter(email_tokens::id.eq(token_id))
                .filter(email_tokens::used_at.is_null()),
        )
        .set(email_tokens::used_at.eq(db_time(now)))
        .execute(conn)?;
        if spent != 1 {
            return Err(ApiError::new(
                ProblemType::ResetLinkUsed,
                Msg::new("auth-reset-used"),
            ));
        }
        diesel::update(users::table.find(&user.id))
            .set((
                users::password_hash.eq(new_hash),
                users::must_change_password.eq(false),
                users::updated_at.eq(db_time(now)),
            ))
            .execute(conn)?;
        let sessions = revoke_user_sessions(conn, &user.id, None, now)?;
        let api_tokens = diesel::update(
            api_tokens::table
                .filter(api_tokens::user_id.eq(&user.id))
                .filter(api_tokens::revoked_at.is_null()),
        )
        .set(api_tokens::revoked_at.eq(db_time(now)))
        .execute(conn)?;
        diesel::delete(
            email_tokens::table
                .filter(email_tokens::user_id.eq(&user.id))
                .filter(email_tokens::purpose.eq(PASSWORD_RESET))
                .filter(email_tokens::used_at.is_null()),
        )
        .execute(conn)?;
        diesel::delete(
            login_failures::table.filter(login_failures::account_key.eq(&user.email_key)),
        )
        .execute(conn)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::AuthPasswordReset, Outcome::Success)
                .actor(user.id.clone())
                .target("user", user.id.clone())
                .detail(json!({ "sessions_ended": sessions, "api_tokens_revoked": api_tokens }))
                .ctx(ctx),
        )?;
        mail::queue(
            conn,
            now,
            &Recipient::of(user),
            &Email::PasswordChanged {
                name: &user.display_name(),
            },
        )?;
        Ok(())
    })
}

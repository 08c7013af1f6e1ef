//! The rules of one's own account: preferences, the charter, personal
//! access tokens. One transaction each: change and audit row.

use chrono::{DateTime, Duration, Utc};
use habilis_shared::dto::{ApiTokenView, CreateApiToken, TokenScope, UpdateMe};
use serde_json::json;

use super::queries::{self, NewToken, Preferences};
use crate::accounts::error::{AccountError, AccountResult};
use crate::accounts::queries::{self as users, UserRow};
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::Caller;
use crate::db::DbConn;

/// How many live tokens one account may hold.
const MAX_TOKENS_PER_ACCOUNT: i64 = 50;
/// A token's lifetime when the request names none.
const DEFAULT_TOKEN_DAYS: u32 = 90;

fn reload(conn: &mut DbConn, id: &str) -> AccountResult<UserRow> {
    users::find(conn, id)?.ok_or(AccountError::NotFound)
}

pub fn update_preferences(
    conn: &mut DbConn,
    me: &Caller,
    change: &UpdateMe,
    now: DateTime<Utc>,
) -> AccountResult<UserRow> {
    let preferences = Preferences {
        language: change.language,
        date_format: change.date_format,
        phone: change
            .phone
            .as_deref()
            .map(str::trim)
            .map(|p| (!p.is_empty()).then_some(p)),
    };
    conn.write_tx(|conn| {
        queries::set_preferences(conn, me.id(), &preferences, now)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::MeUpdate, Outcome::Success)
                .actor(me.id())
                .target("user", me.id().to_owned())
                .detail(json!({
                    "language": change.language,
                    "date_format": change.date_format,
                    "phone_changed": change.phone.is_some(),
                }))
                .ctx(&me.ctx),
        )?;
        reload(conn, me.id())
    })
}

/// Accepts charter `version`, which must be the current one (SPEC §3.3).
pub fn accept_charter(
    conn: &mut DbConn,
    me: &Caller,
    version: &str,
    current: &str,
    now: DateTime<Utc>,
) -> AccountResult<UserRow> {
    if version != current {
        return Err(AccountError::CharterVersion {
            current: current.to_owned(),
        });
    }
    conn.write_tx(|conn| {
        queries::accept_charter(conn, me.id(), current, now)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::CharterSign, Outcome::Success)
                .actor(me.id())
                .detail(json!({ "version": current }))
                .ctx(&me.ctx),
        )?;
        reload(conn, me.id())
    })
}

/// Records a token whose secret hashes to `digest`, within the per-account
/// limit.
pub fn create_token(
    conn: &mut DbConn,
    me: &Caller,
    req: &CreateApiToken,
    digest: &str,
    now: DateTime<Utc>,
) -> AccountResult<ApiTokenView> {
    let scopes = TokenScope::join(&req.scopes);
    let days = req.expires_in_days.unwrap_or(DEFAULT_TOKEN_DAYS);
    let new = NewToken {
        user_id: me.id(),
        name: req.name.trim(),
        token_hash: digest,
        scopes: &scopes,
        expires_at: now + Duration::days(i64::from(days)),
    };
    conn.write_tx(|conn| {
        if queries::count_live_tokens(conn, me.id(), now)? >= MAX_TOKENS_PER_ACCOUNT {
            return Err(AccountError::TooManyTokens {
                max: MAX_TOKENS_PER_ACCOUNT,
            });
        }
        let row = queries::insert_token(conn, &new, now)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::MeTokensCreate, Outcome::Success)
                .actor(me.id())
                .target("api_token", row.id.clone())
                .detail(json!({ "name": new.name, "scopes": scopes }))
                .ctx(&me.ctx),
        )?;
        Ok(row.view())
    })
}

pub fn revoke_token(
    conn: &mut DbConn,
    me: &Caller,
    id: &str,
    now: DateTime<Utc>,
) -> AccountResult<()> {
    conn.write_tx(|conn| {
        if !queries::revoke(conn, me.id(), id, now)? {
            return Err(AccountError::NotFound);
        }
        audit::append(
            conn,
            now,
            Event::new(AuditAction::MeTokensRevoke, Outcome::Success)
                .actor(me.id())
                .target("api_token", id.to_owned())
                .ctx(&me.ctx),
        )?;
        Ok(())
    })
}

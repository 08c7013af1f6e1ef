//! Diesel over `api_tokens` (personal access tokens) and the caller's own
//! preferences.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use habilis_shared::dto::{ApiTokenView, DateFormat, Language, TokenScope};

use crate::clock::{db_time, utc};
use crate::db::schema::{api_tokens, users};
use crate::db::DbConn;

/// A personal access token, without its secret.
#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = api_tokens)]
pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub scopes: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
}

impl TokenRow {
    pub fn view(self) -> ApiTokenView {
        ApiTokenView {
            id: self.id,
            name: self.name,
            scopes: TokenScope::parse_list(&self.scopes),
            created_at: utc(self.created_at),
            expires_at: utc(self.expires_at),
            last_used_at: self.last_used_at.map(utc),
        }
    }
}

/// A token to record; its secret is kept as a digest only.
pub struct NewToken<'a> {
    pub user_id: &'a str,
    pub name: &'a str,
    pub token_hash: &'a str,
    pub scopes: &'a str,
    pub expires_at: DateTime<Utc>,
}

/// Up to `limit` live (not revoked, not expired) tokens of `user` before
/// the id `before`, newest first (ids grow with time).
pub fn live_tokens(
    conn: &mut DbConn,
    user: &str,
    now: DateTime<Utc>,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<TokenRow>> {
    let mut q = api_tokens::table
        .filter(api_tokens::user_id.eq(user))
        .filter(api_tokens::revoked_at.is_null())
        .filter(api_tokens::expires_at.gt(db_time(now)))
        .order(api_tokens::id.desc())
        .limit(limit)
        .select(TokenRow::as_select())
        .into_boxed();
    if let Some(before) = before {
        q = q.filter(api_tokens::id.lt(before.to_owned()));
    }
    q.load(conn)
}

pub fn count_live_tokens(conn: &mut DbConn, user: &str, now: DateTime<Utc>) -> QueryResult<i64> {
    api_tokens::table
        .filter(api_tokens::user_id.eq(user))
        .filter(api_tokens::revoked_at.is_null())
        .filter(api_tokens::expires_at.gt(db_time(now)))
        .count()
        .get_result(conn)
}

pub fn insert_token(
    conn: &mut DbConn,
    new: &NewToken,
    now: DateTime<Utc>,
) -> QueryResult<TokenRow> {
    let id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::id.eq(&id),
            api_tokens::user_id.eq(new.user_id),
            api_tokens::name.eq(new.name),
            api_tokens::token_hash.eq(new.token_hash),
            api_tokens::scopes.eq(new.scopes),
            api_tokens::created_at.eq(db_time(now)),
            api_tokens::expires_at.eq(db_time(new.expires_at)),
        ))
        .execute(conn)?;
    api_tokens::table
        .find(&id)
        .select(TokenRow::as_select())
        .first(conn)
}

/// Revokes token `id` of `user` if it is live; returns whether it was.
pub fn revoke(conn: &mut DbConn, user: &str, id: &str, now: DateTime<Utc>) -> QueryResult<bool> {
    let n = diesel::update(
        api_tokens::table
            .filter(api_tokens::id.eq(id))
            .filter(api_tokens::user_id.eq(user))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(db_time(now)))
    .execute(conn)?;
    Ok(n == 1)
}

/// Revokes every token of `user` at once (blocking, departure).
pub fn revoke_all(conn: &mut DbConn, user: &str, now: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(
        api_tokens::table
            .filter(api_tokens::user_id.eq(user))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(db_time(now)))
    .execute(conn)
}

/// The preferences of `PATCH /me`; `None` leaves one as it is, an empty
/// phone clears it.
pub struct Preferences<'a> {
    pub language: Option<Language>,
    pub date_format: Option<DateFormat>,
    pub phone: Option<Option<&'a str>>,
}

pub fn set_preferences(
    conn: &mut DbConn,
    user: &str,
    p: &Preferences,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let target = users::table.find(user);
    if let Some(lang) = p.language {
        diesel::update(target)
            .set(users::language.eq(lang.as_str()))
            .execute(conn)?;
    }
    if let Some(fmt) = p.date_format {
        diesel::update(target)
            .set(users::date_format.eq(fmt.as_str()))
            .execute(conn)?;
    }
    if let Some(phone) = p.phone {
        diesel::update(target)
            .set(users::phone.eq(phone))
            .execute(conn)?;
    }
    diesel::update(target)
        .set(users::updated_at.eq(db_time(now)))
        .execute(conn)
        .map(drop)
}

pub fn accept_charter(
    conn: &mut DbConn,
    user: &str,
    version: &str,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(users::table.find(user))
        .set((
            users::charter_version.eq(version),
            users::charter_accepted_at.eq(db_time(now)),
            users::updated_at.eq(db_time(now)),
        ))
        .execute(conn)
        .map(drop)
}

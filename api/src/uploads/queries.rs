//! Diesel over `uploads`: named rows and statements, each lease-aware
//! statement conditional on who holds the lease. No rule here.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::uploads;
use crate::db::DbConn;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = uploads)]
pub struct UploadRow {
    pub id: String,
    pub dataset_id: String,
    pub project_id: String,
    pub path: String,
    pub content_type: String,
    pub object_key: String,
    /// `None` while the client defers it.
    pub length: Option<i64>,
    pub received: i64,
    pub sha256_state: String,
    pub expected_sha256: Option<String>,
    pub staging: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub lease_owner: Option<String>,
    pub lease_until: Option<NaiveDateTime>,
}

impl UploadRow {
    pub fn received(&self) -> u64 {
        u64::try_from(self.received).unwrap_or(0)
    }

    pub fn length(&self) -> Option<u64> {
        self.length.map(|l| u64::try_from(l).unwrap_or(0))
    }
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<UploadRow>> {
    uploads::table
        .find(id)
        .select(UploadRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConn, row: &UploadRow) -> QueryResult<usize> {
    diesel::insert_into(uploads::table)
        .values(row)
        .execute(conn)
}

/// Takes the lease for `owner` when nobody holds it (or its holder let it
/// lapse) and the upload is still at `offset`; 1 when taken.
pub fn claim(
    conn: &mut DbConn,
    id: &str,
    offset: i64,
    owner: &str,
    until: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        uploads::table
            .filter(uploads::id.eq(id))
            .filter(uploads::received.eq(offset))
            .filter(
                uploads::lease_until
                    .is_null()
                    .or(uploads::lease_until.lt(now)),
            ),
    )
    .set((
        uploads::lease_owner.eq(owner),
        uploads::lease_until.eq(until),
    ))
    .execute(conn)
}

/// The upload `id` while `owner` holds its lease.
type Mine<'a> = diesel::dsl::Filter<
    diesel::dsl::Filter<uploads::table, diesel::dsl::Eq<uploads::id, &'a str>>,
    diesel::dsl::Eq<uploads::lease_owner, &'a str>,
>;

fn mine<'a>(id: &'a str, owner: &'a str) -> Mine<'a> {
    uploads::table
        .filter(uploads::id.eq(id))
        .filter(uploads::lease_owner.eq(owner))
}

/// Extends `owner`'s lease; 0 when it lost it.
pub fn renew(conn: &mut DbConn, id: &str, owner: &str, until: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(mine(id, owner))
        .set(uploads::lease_until.eq(until))
        .execute(conn)
}

/// Gives `owner`'s lease back.
pub fn release(conn: &mut DbConn, id: &str, owner: &str) -> QueryResult<usize> {
    diesel::update(mine(id, owner))
        .set((
            uploads::lease_owner.eq(None::<String>),
            uploads::lease_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
}

/// Sets the length a deferred upload now knows.
pub fn set_length(conn: &mut DbConn, id: &str, owner: &str, length: i64) -> QueryResult<usize> {
    diesel::update(mine(id, owner))
        .set(uploads::length.eq(Some(length)))
        .execute(conn)
}

/// What one accepted request added: the new offset, hash state, staging
/// and expiry; gives the lease back. 0 when `owner` lost the lease or the
/// offset moved.
#[allow(clippy::too_many_arguments)]
pub fn advance(
    conn: &mut DbConn,
    id: &str,
    owner: &str,
    from: i64,
    to: i64,
    sha256_state: &str,
    staging: &str,
    expires_at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(mine(id, owner).filter(uploads::received.eq(from)))
        .set((
            uploads::received.eq(to),
            uploads::sha256_state.eq(sha256_state),
            uploads::staging.eq(staging),
            uploads::expires_at.eq(expires_at),
            uploads::lease_owner.eq(None::<String>),
            uploads::lease_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
}

/// Deletes the upload `owner` holds the lease of.
pub fn delete_mine(conn: &mut DbConn, id: &str, owner: &str) -> QueryResult<usize> {
    diesel::delete(mine(id, owner)).execute(conn)
}

/// Deletes the upload whatever its lease (it is being discarded by the
/// request that holds it, or could not be finished).
pub fn delete(conn: &mut DbConn, id: &str) -> QueryResult<usize> {
    diesel::delete(uploads::table.find(id)).execute(conn)
}

/// Deletes the upload when no request holds its lease; 1 when deleted.
pub fn delete_free(conn: &mut DbConn, id: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(
        uploads::table.filter(uploads::id.eq(id)).filter(
            uploads::lease_until
                .is_null()
                .or(uploads::lease_until.lt(now)),
        ),
    )
    .execute(conn)
}

/// Up to `limit` uploads expired at `now` that no request holds.
pub fn expired(conn: &mut DbConn, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<UploadRow>> {
    uploads::table
        .filter(uploads::expires_at.le(now))
        .filter(
            uploads::lease_until
                .is_null()
                .or(uploads::lease_until.lt(now)),
        )
        .order(uploads::expires_at.asc())
        .limit(limit)
        .select(UploadRow::as_select())
        .load(conn)
}

/// Deletes an expired upload no request holds; 1 when deleted.
pub fn delete_expired(conn: &mut DbConn, id: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(
        uploads::table
            .filter(uploads::id.eq(id))
            .filter(uploads::expires_at.le(now))
            .filter(
                uploads::lease_until
                    .is_null()
                    .or(uploads::lease_until.lt(now)),
            ),
    )
    .execute(conn)
}

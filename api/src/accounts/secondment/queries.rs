//! Diesel over `secondments`.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use habilis_shared::dto::SecondmentView;

use crate::clock::{db_time, utc};
use crate::db::schema::secondments;
use crate::db::DbConn;

#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = secondments)]
pub struct SecondmentRow {
    pub id: String,
    pub user_id: String,
    pub host_supervisor_id: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub created_by: String,
}

impl SecondmentRow {
    pub fn view(self) -> SecondmentView {
        SecondmentView {
            id: self.id,
            user_id: self.user_id,
            host_supervisor_id: self.host_supervisor_id,
            starts_at: utc(self.starts_at),
            ends_at: utc(self.ends_at),
            created_by: self.created_by,
        }
    }
}

/// The secondments `host` hosts that are open at `at`.
pub fn open_at(
    conn: &mut DbConn,
    host: &str,
    at: NaiveDateTime,
) -> QueryResult<Vec<SecondmentRow>> {
    secondments::table
        .filter(secondments::host_supervisor_id.eq(host))
        .filter(secondments::starts_at.le(at))
        .filter(secondments::ends_at.gt(at))
        .select(SecondmentRow::as_select())
        .load(conn)
}

pub fn ever_hosted(conn: &mut DbConn, host: &str, person: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        secondments::table
            .filter(secondments::host_supervisor_id.eq(host))
            .filter(secondments::user_id.eq(person)),
    ))
    .get_result(conn)
}

/// Whether `person` is seconded during part of `[starts, ends)`.
pub fn overlaps(
    conn: &mut DbConn,
    person: &str,
    starts: NaiveDateTime,
    ends: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        secondments::table
            .filter(secondments::user_id.eq(person))
            .filter(secondments::starts_at.lt(ends))
            .filter(secondments::ends_at.gt(starts)),
    ))
    .get_result(conn)
}

/// A secondment to record.
pub struct NewSecondment<'a> {
    pub user_id: &'a str,
    pub host_supervisor_id: &'a str,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub created_by: &'a str,
}

pub fn insert(
    conn: &mut DbConn,
    new: &NewSecondment,
    now: DateTime<Utc>,
) -> QueryResult<SecondmentRow> {
    let id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(secondments::table)
        .values((
            secondments::id.eq(&id),
            secondments::user_id.eq(new.user_id),
            secondments::host_supervisor_id.eq(new.host_supervisor_id),
            secondments::starts_at.eq(db_time(new.starts_at)),
            secondments::ends_at.eq(db_time(new.ends_at)),
            secondments::created_by.eq(new.created_by),
            secondments::created_at.eq(db_time(now)),
        ))
        .execute(conn)?;
    secondments::table
        .find(&id)
        .select(SecondmentRow::as_select())
        .first(conn)
}

/// Up to `limit` secondments of `person` after the (start, id) `after`,
/// earliest start first.
pub fn of_person(
    conn: &mut DbConn,
    person: &str,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> QueryResult<Vec<SecondmentRow>> {
    let mut q = secondments::table
        .filter(secondments::user_id.eq(person.to_owned()))
        .order((secondments::starts_at.asc(), secondments::id.asc()))
        .limit(limit)
        .select(SecondmentRow::as_select())
        .into_boxed();
    if let Some((at, id)) = after {
        q = q.filter(
            secondments::starts_at
                .gt(at)
                .or(secondments::starts_at.eq(at).and(secondments::id.gt(id))),
        );
    }
    q.load(conn)
}

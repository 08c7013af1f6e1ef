//! Diesel over `departures`, and the rows a departure moves: works and
//! subordinates.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use habilis_shared::policy::WorkState;

use crate::clock::db_time;
use crate::db::schema::{departures, users, works};
use crate::db::DbConn;

/// A scheduled (or done) departure.
#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = departures)]
pub struct DepartureRow {
    pub user_id: String,
    pub date: NaiveDateTime,
    pub heir_id: Option<String>,
    pub scheduled_by: String,
    pub done_at: Option<NaiveDateTime>,
}

pub fn find(conn: &mut DbConn, user_id: &str) -> QueryResult<Option<DepartureRow>> {
    departures::table
        .find(user_id)
        .select(DepartureRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConn, row: &DepartureRow, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::insert_into(departures::table)
        .values((
            departures::user_id.eq(&row.user_id),
            departures::date.eq(row.date),
            departures::heir_id.eq(&row.heir_id),
            departures::scheduled_by.eq(&row.scheduled_by),
            departures::created_at.eq(db_time(now)),
        ))
        .execute(conn)
        .map(drop)
}

pub fn mark_done(conn: &mut DbConn, user_id: &str, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(departures::table.find(user_id))
        .set(departures::done_at.eq(db_time(now)))
        .execute(conn)
        .map(drop)
}

pub fn count_works(conn: &mut DbConn, owner: &str, state: WorkState) -> QueryResult<i64> {
    works::table
        .filter(works::owner_id.eq(owner))
        .filter(works::state.eq(state.as_str()))
        .count()
        .get_result(conn)
}

pub fn count_subordinates(conn: &mut DbConn, supervisor: &str) -> QueryResult<i64> {
    users::table
        .filter(users::supervisor_id.eq(supervisor))
        .count()
        .get_result(conn)
}

/// A work the leaver owns.
#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = works)]
pub struct OwnedWork {
    pub id: String,
    pub state: String,
}

pub fn owned_works(conn: &mut DbConn, owner: &str) -> QueryResult<Vec<OwnedWork>> {
    works::table
        .filter(works::owner_id.eq(owner))
        .select(OwnedWork::as_select())
        .load(conn)
}

pub fn give_work(conn: &mut DbConn, work: &str, to: &str, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(works::table.find(work))
        .set((works::owner_id.eq(to), works::updated_at.eq(db_time(now))))
        .execute(conn)
        .map(drop)
}

/// Everyone `from` supervised now reports to `to`; returns how many.
pub fn move_subordinates(conn: &mut DbConn, from: &str, to: &str) -> QueryResult<usize> {
    diesel::update(users::table.filter(users::supervisor_id.eq(from)))
        .set(users::supervisor_id.eq(to))
        .execute(conn)
}

//! Diesel over `activity` (a person's log) and the profile change of a
//! promotion.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use habilis_shared::dto::ActivityEntry;
use habilis_shared::policy::Profile;

use crate::accounts::secondment::Window;
use crate::clock::{db_time, utc};
use crate::db::schema::{activity, users};
use crate::db::DbConn;

#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = activity)]
pub struct ActivityRow {
    pub id: String,
    pub kind: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub at: NaiveDateTime,
}

impl ActivityRow {
    pub fn entry(self) -> ActivityEntry {
        ActivityEntry {
            id: self.id,
            kind: self.kind,
            target_type: self.target_type,
            target_id: self.target_id,
            at: utc(self.at),
        }
    }
}

/// Up to `limit` entries of `user`'s activity before the id `before`,
/// newest first, within `window` when given.
pub fn activity_page(
    conn: &mut DbConn,
    user: &str,
    before: Option<String>,
    window: Option<Window>,
    limit: i64,
) -> QueryResult<Vec<ActivityRow>> {
    let mut q = activity::table
        .filter(activity::user_id.eq(user))
        .order(activity::id.desc())
        .limit(limit)
        .select(ActivityRow::as_select())
        .into_boxed();
    if let Some(b) = before {
        q = q.filter(activity::id.lt(b));
    }
    if let Some(w) = window {
        q = q
            .filter(activity::at.ge(w.starts_at))
            .filter(activity::at.lt(w.ends_at));
    }
    q.load(conn)
}

/// Moves `user` from profile `from` to `to` under `supervisor`; returns
/// false when the profile was no longer `from` (changed meanwhile).
pub fn change_profile(
    conn: &mut DbConn,
    user: &str,
    from: Profile,
    to: Profile,
    supervisor: Option<&str>,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let changed = diesel::update(
        users::table
            .filter(users::id.eq(user))
            .filter(users::profile.eq(from.as_str())),
    )
    .set((
        users::profile.eq(to.as_str()),
        users::supervisor_id.eq(supervisor),
        users::updated_at.eq(db_time(now)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

//! The per-person activity log (SPEC §2.5): sign-ins, token use, views and
//! downloads of works. Written beside the action; read through
//! `GET /users/{id}/activity` with the visibility rules.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::clock::db_time;
use crate::db::schema::activity;
use crate::db::DbConn;

pub const SIGN_IN: &str = "sign_in";
pub const TOKEN_USE: &str = "token_use";
pub const WORK_VIEW: &str = "work_view";
/// A file's content sent (whole or a range).
pub const FILE_DOWNLOAD: &str = "file_download";
/// A download the policy refused.
pub const FILE_DOWNLOAD_REFUSED: &str = "file_download_refused";

pub fn record(
    conn: &mut DbConn,
    user_id: &str,
    kind: &str,
    target: Option<(&str, &str)>,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(activity::table)
        .values((
            activity::id.eq(uuid::Uuid::now_v7().to_string()),
            activity::user_id.eq(user_id),
            activity::kind.eq(kind),
            activity::target_type.eq(target.map(|t| t.0)),
            activity::target_id.eq(target.map(|t| t.1)),
            activity::ip.eq(ip),
            activity::at.eq(db_time(now)),
        ))
        .execute(conn)
        .map(drop)
}

//! The inactivity review (SPEC §3.8), a daily job: no sign-in for
//! `inactive_after_days` → a warning; still none `inactivity_grace_days`
//! later → blocked (never deleted). Seats (admin, webmaster) are left alone
//! so the platform cannot lock itself out.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use habilis_shared::dto::AccountState;
use habilis_shared::policy::Policy;
use serde_json::json;

use super::error::AccountResult;
use super::queries as users;
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::service as auth_service;
use crate::clock::db_time;
use crate::db::schema::users as user_rows;
use crate::db::DbConn;
use crate::error::ApiResult;
use crate::jobs::{Job, JobCtx};
use crate::mail::{self, Email, Recipient};

/// The job kind, run once a day (its first row comes from a migration).
pub const REVIEW: &str = "inactivity.review";

/// How often the review runs.
pub fn period() -> Duration {
    Duration::days(1)
}

/// The job body of [`REVIEW`].
pub fn review_job(conn: &mut DbConn, ctx: &JobCtx, _job: &Job) -> ApiResult<()> {
    Ok(review(conn, ctx.policy, ctx.now)?)
}

/// An account without sign-in since the cutoff.
#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = user_rows)]
struct Inactive {
    id: String,
    inactivity_warned_at: Option<NaiveDateTime>,
}

/// Accounts that may sign in, are not seats, and have not signed in (or,
/// never having signed in, were created) before `cutoff`.
fn inactive_since(
    conn: &mut DbConn,
    policy: &Policy,
    cutoff: NaiveDateTime,
) -> QueryResult<Vec<Inactive>> {
    let seats: Vec<&str> = policy.accounts.seats.iter().map(|p| p.as_str()).collect();
    user_rows::table
        .filter(user_rows::state.eq_any([
            AccountState::Active.as_str(),
            AccountState::Created.as_str(),
        ]))
        .filter(user_rows::profile.ne_all(seats))
        .filter(
            user_rows::last_login_at
                .lt(cutoff)
                .or(user_rows::last_login_at
                    .is_null()
                    .and(user_rows::created_at.lt(cutoff))),
        )
        .select(Inactive::as_select())
        .load(conn)
}

fn mark_warned(conn: &mut DbConn, id: &str, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(user_rows::table.find(id))
        .set(user_rows::inactivity_warned_at.eq(db_time(now)))
        .execute(conn)
        .map(drop)
}

/// Warns the newly inactive, blocks those warned more than the grace
/// period ago.
pub fn review(conn: &mut DbConn, policy: &Policy, now: DateTime<Utc>) -> AccountResult<()> {
    let days = |d: u32| Duration::days(i64::from(d));
    let cutoff = db_time(now - days(policy.accounts.inactive_after_days));
    let grace_days = policy.accounts.inactivity_grace_days;
    let grace = db_time(now - days(grace_days));
    for account in inactive_since(conn, policy, cutoff)? {
        match account.inactivity_warned_at {
            None => {
                mark_warned(conn, &account.id, now)?;
                if let Some(user) = users::find(conn, &account.id)? {
                    let warning = Email::InactivityWarning {
                        name: &user.display_name(),
                        until: now + days(grace_days),
                    };
                    mail::queue(conn, now, &Recipient::of(&user), &warning)?;
                }
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::UserInactivityWarning, Outcome::Success)
                        .target("user", account.id.clone()),
                )?;
            }
            Some(at) if at <= grace => {
                users::set_state(conn, &account.id, AccountState::Blocked, now)?;
                auth_service::revoke_user_sessions(conn, &account.id, None, now)?;
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::UserBlock, Outcome::Success)
                        .target("user", account.id.clone())
                        .detail(json!({ "reason": "inactivity" })),
                )?;
            }
            Some(_) => {}
        }
    }
    Ok(())
}

//! The departure rules (SPEC §3.6–3.7): who inherits, scheduling, the
//! departure itself, deletion now, seat hand-over, and the one way an
//! account is erased. Each change is one transaction: change, audit row,
//! outbox mail, jobs.

use chrono::{DateTime, Duration, Utc};
use habilis_shared::dto::{AccountState, DepartureView};
use habilis_shared::policy::{Policy, WorkState};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::queries::{self, DepartureRow};
use crate::accounts::error::{AccountError, AccountResult};
use crate::accounts::me::queries as tokens;
use crate::accounts::queries::{self as users, UserRow};
use crate::accounts::service::{self as accounts, NewAccount};
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::{service as auth_service, Caller};
use crate::clock::{db_time, utc};
use crate::db::DbConn;
use crate::jobs;
use crate::mail::{self, Email, Recipient};

/// The job that warns the person some days before (payload: [`Warning`]).
pub const WARNING: &str = "departure.warning";
/// The job of the departure itself, at its date.
pub const EXECUTE: &str = "departure.execute";

/// The payload of a [`WARNING`] job.
#[derive(Serialize, Deserialize, Default)]
pub struct Warning {
    /// Days left before the departure.
    pub days: u32,
}

/// Counts what a departure hands over to `receiver_id` (every count: the
/// routes leave out what the caller may not see).
pub fn preview(
    conn: &mut DbConn,
    row: &DepartureRow,
    receiver_id: String,
) -> AccountResult<DepartureView> {
    let user = row.user_id.as_str();
    Ok(DepartureView {
        drafts: Some(queries::count_works(conn, user, WorkState::Draft)?),
        unpublished: Some(queries::count_works(conn, user, WorkState::Unpublished)?),
        published: Some(queries::count_works(conn, user, WorkState::Published)?),
        subordinates: queries::count_subordinates(conn, user)?,
        user_id: row.user_id.clone(),
        date: utc(row.date),
        heir_id: row.heir_id.clone(),
        receiver_id,
        scheduled_by: row.scheduled_by.clone(),
        done_at: row.done_at.map(utc),
    })
}

/// Who receives a scheduled departure: the heir named, else the supervisor
/// (empty when neither is known any more).
fn scheduled_receiver(row: &DepartureRow, user: &UserRow) -> String {
    row.heir_id
        .clone()
        .or_else(|| user.supervisor_id.clone())
        .unwrap_or_default()
}

/// Checks the heir for `target` (SPEC §3.6): required when the rule says
/// so; an active account, not the person, of a profile that may supervise
/// them (for experts: another expert). Returns who receives the hand-over.
pub fn receiver(
    conn: &mut DbConn,
    policy: &Policy,
    target: &UserRow,
    heir_id: Option<&str>,
) -> AccountResult<String> {
    let profile = target.profile();
    let rule = policy
        .departure
        .get(&profile)
        .ok_or(AccountError::SeatNeverDeleted(profile))?;
    let Some(heir_id) = heir_id else {
        if rule.heir_required {
            return Err(AccountError::HeirRequired(profile));
        }
        return target
            .supervisor_id
            .clone()
            .ok_or(AccountError::NoSupervisorToInherit);
    };
    let mut eligible = policy.supervisor_profiles(profile);
    if rule.heir_required {
        eligible.push(profile);
    }
    match users::find(conn, heir_id)? {
        Some(h)
            if h.id != target.id
                && h.state() == AccountState::Active
                && eligible.contains(&h.profile()) =>
        {
            Ok(h.id)
        }
        _ => Err(AccountError::HeirNotEligible(eligible)),
    }
}

/// The departure of a person, as it stands: what it hands over to whom.
pub fn scheduled(conn: &mut DbConn, target: &UserRow) -> AccountResult<DepartureView> {
    let row = queries::find(conn, &target.id)?.ok_or(AccountError::NotFound)?;
    let receiver_id = scheduled_receiver(&row, target);
    preview(conn, &row, receiver_id)
}

/// What a departure would hand over today, scheduling nothing.
pub fn preview_now(
    conn: &mut DbConn,
    policy: &Policy,
    by: &Caller,
    target: &UserRow,
    heir_id: Option<String>,
    now: DateTime<Utc>,
) -> AccountResult<DepartureView> {
    let receiver_id = receiver(conn, policy, target, heir_id.as_deref())?;
    let row = DepartureRow {
        user_id: target.id.clone(),
        date: db_time(now),
        heir_id,
        scheduled_by: by.id().to_owned(),
        done_at: None,
    };
    preview(conn, &row, receiver_id)
}

fn still_here(target: &UserRow) -> AccountResult<()> {
    if target.state() == AccountState::Deleted {
        return Err(AccountError::AlreadyLeft);
    }
    Ok(())
}

/// Records the departure (one per person) with its audit row.
fn record(
    conn: &mut DbConn,
    row: &DepartureRow,
    by: &Caller,
    detail: serde_json::Value,
    now: DateTime<Utc>,
) -> AccountResult<()> {
    if queries::find(conn, &row.user_id)?.is_some() {
        return Err(AccountError::DepartureExists);
    }
    queries::insert(conn, row, now)?;
    audit::append(
        conn,
        now,
        Event::new(AuditAction::UserDepart, Outcome::Success)
            .actor(by.id())
            .target("user", row.user_id.clone())
            .detail(detail)
            .ctx(&by.ctx),
    )?;
    Ok(())
}

/// Schedules the departure of `target` at `date` and its jobs: warnings
/// (21 and 7 days before by default) and the execution at the date.
pub fn schedule(
    conn: &mut DbConn,
    policy: &Policy,
    by: &Caller,
    target: &UserRow,
    date: DateTime<Utc>,
    heir_id: Option<String>,
    now: DateTime<Utc>,
) -> AccountResult<DepartureView> {
    if date <= now {
        return Err(AccountError::DepartureDateNotFuture);
    }
    still_here(target)?;
    let receiver_id = receiver(conn, policy, target, heir_id.as_deref())?;
    conn.write_tx(|conn| {
        let row = DepartureRow {
            user_id: target.id.clone(),
            date: db_time(date),
            heir_id: heir_id.clone(),
            scheduled_by: by.id().to_owned(),
            done_at: None,
        };
        let detail = json!({ "date": date, "heir_id": heir_id, "receiver_id": receiver_id });
        record(conn, &row, by, detail, now)?;
        users::set_state(conn, &target.id, AccountState::Departing, now)?;
        for days in &policy.accounts.departure_warning_days {
            let at = date - Duration::days(i64::from(*days));
            if at > now {
                let payload = json!(Warning { days: *days });
                jobs::enqueue(conn, WARNING, Some(&target.id), payload, at, now)?;
            }
        }
        jobs::enqueue(conn, EXECUTE, Some(&target.id), json!({}), date, now)?;
        preview(conn, &row, receiver_id.clone())
    })
}

/// Deletes `target` now, with the same hand-over as a departure.
pub fn delete_now(
    conn: &mut DbConn,
    policy: &Policy,
    by: &Caller,
    target: &UserRow,
    heir_id: Option<String>,
    now: DateTime<Utc>,
) -> AccountResult<()> {
    still_here(target)?;
    let receiver_id = receiver(conn, policy, target, heir_id.as_deref())?;
    conn.write_tx(|conn| {
        let row = DepartureRow {
            user_id: target.id.clone(),
            date: db_time(now),
            heir_id,
            scheduled_by: by.id().to_owned(),
            done_at: None,
        };
        let detail = json!({ "date": now, "immediate": true, "receiver_id": receiver_id });
        record(conn, &row, by, detail, now)?;
        execute(conn, &target.id, now)
    })
}

/// Tells the person, `days` before, what will be handed over to whom.
pub fn warn(
    conn: &mut DbConn,
    policy: &Policy,
    user_id: &str,
    days: u32,
    now: DateTime<Utc>,
) -> AccountResult<()> {
    let Some(row) = queries::find(conn, user_id)?.filter(|r| r.done_at.is_none()) else {
        return Ok(());
    };
    let Some(user) = users::find(conn, user_id)? else {
        return Ok(());
    };
    let receiver_id = scheduled_receiver(&row, &user);
    let receiver_name = users::find(conn, &receiver_id)?
        .map(|r| r.display_name())
        .unwrap_or_default();
    let view = preview(conn, &row, receiver_id)?;
    let notice = Email::DepartureNotice {
        name: &user.display_name(),
        date: view.date,
        days: i64::from(days),
        receiver: &receiver_name,
        drafts: view.drafts.unwrap_or_default(),
        unpublished: view.unpublished.unwrap_or_default(),
        published: view.published.unwrap_or_default(),
        may_delete: policy.works.delete_own.contains(&user.profile()),
    };
    mail::queue(conn, now, &Recipient::of(&user), &notice)?;
    Ok(())
}

/// The departure itself, in the caller's transaction. No scientific data is
/// ever lost: the person's works go to the heir or else the supervisor,
/// their subordinates get that person as supervisor, every transfer is
/// audited, and the account is erased to a tombstone.
pub fn execute(conn: &mut DbConn, user_id: &str, now: DateTime<Utc>) -> AccountResult<()> {
    let Some(row) = queries::find(conn, user_id)?.filter(|r| r.done_at.is_none()) else {
        return Ok(());
    };
    let user = users::find(conn, user_id)?.ok_or(AccountError::NotFound)?;
    let receiver_id = row
        .heir_id
        .clone()
        .or_else(|| user.supervisor_id.clone())
        .ok_or_else(|| AccountError::NobodyToInherit(user_id.to_owned()))?;
    let owned = queries::owned_works(conn, user_id)?;
    for work in &owned {
        queries::give_work(conn, &work.id, &receiver_id, now)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::WorkTransfer, Outcome::Success)
                .target("work", work.id.clone())
                .detail(json!({
                    "from": user_id, "to": receiver_id, "state": work.state, "reason": "departure"
                })),
        )?;
    }
    let moved = queries::move_subordinates(conn, user_id, &receiver_id)?;
    erase(conn, user_id, now)?;
    queries::mark_done(conn, user_id, now)?;
    if let Some(r) = users::find(conn, &receiver_id)? {
        let done = Email::DepartureDone {
            name: &user.display_name(),
            works: owned.len(),
            subordinates: moved,
        };
        mail::queue(conn, now, &Recipient::of(&r), &done)?;
    }
    audit::append(
        conn,
        now,
        Event::new(AuditAction::UserDelete, Outcome::Success)
            .target("user", user_id.to_owned())
            .detail(
                json!({ "receiver_id": receiver_id, "works": owned.len(), "subordinates": moved }),
            ),
    )?;
    Ok(())
}

/// The one way an account leaves: personal data and the login erased,
/// every session and personal API token revoked. The row stays as a
/// tombstone ("former member") so that everything referring to it keeps
/// working.
fn erase(conn: &mut DbConn, user_id: &str, now: DateTime<Utc>) -> AccountResult<()> {
    users::erase_personal_data(conn, user_id, now)?;
    auth_service::revoke_user_sessions(conn, user_id, None, now)?;
    tokens::revoke_all(conn, user_id, now)?;
    Ok(())
}

/// The new holder of a seat.
pub struct NewHolder {
    pub first_name: String,
    pub last_name: String,
    pub email: habilis_shared::Email,
    pub password_hash: String,
}

/// Gives the seat of `target` (an admin or webmaster) to a new account of
/// the same profile (SPEC §3.7); `target` becomes a "former member".
pub fn hand_over_seat(
    conn: &mut DbConn,
    policy: &Policy,
    by: &Caller,
    target: &UserRow,
    new: NewHolder,
    public_url: &str,
    now: DateTime<Utc>,
) -> AccountResult<UserRow> {
    if target.state() == AccountState::Deleted {
        return Err(AccountError::SeatAlreadyHandedOver);
    }
    conn.write_tx(|conn| {
        // Free the seat first so the profile limit still holds.
        erase(conn, &target.id, now)?;
        let holder = accounts::insert(
            conn,
            policy,
            NewAccount {
                first_name: new.first_name,
                last_name: new.last_name,
                email: new.email,
                profile: target.profile(),
                supervisor_id: None,
                created_by: Some(by.id().to_owned()),
                password_hash: new.password_hash,
                audit_action: AuditAction::UserHandover,
                active: false,
            },
            public_url,
            now,
            Some(&by.ctx),
        )?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::UserDelete, Outcome::Success)
                .actor(by.id())
                .target("user", target.id.clone())
                .detail(json!({ "handed_over_to": holder.id })),
        )?;
        Ok(holder)
    })
}

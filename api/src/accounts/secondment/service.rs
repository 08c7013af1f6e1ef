//! Arranging a secondment (SPEC §2.5, seed 004 §6): one transaction with
//! its audit row and the e-mails to the person and the host.

use chrono::{DateTime, NaiveDateTime, Utc};
use habilis_shared::dto::{CreateSecondment, SecondmentView};
use habilis_shared::policy::Policy;
use serde_json::json;

use super::queries::{self, NewSecondment};
use crate::accounts::error::{AccountError, AccountResult};

use crate::accounts::queries::{self as users, UserRow};
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::Caller;
use crate::clock::db_time;
use crate::db::DbConn;
use crate::mail::{self, Email, Recipient};

/// Attaches `target` to the host of `req` for its window. The host must be
/// an active account of a profile that may supervise the person, other than
/// their own supervisor; the window must end after it starts and in the
/// future; windows of one person never overlap.
pub fn second(
    conn: &mut DbConn,
    policy: &Policy,
    by: &Caller,
    target: &UserRow,
    req: &CreateSecondment,
    now: DateTime<Utc>,
) -> AccountResult<SecondmentView> {
    if req.ends_at <= req.starts_at {
        return Err(AccountError::WindowEmpty);
    }
    if req.ends_at <= now {
        return Err(AccountError::WindowOver);
    }
    let host = match (&req.host_supervisor_id, &req.host_email) {
        (Some(id), None) => users::find(conn, id)?.ok_or(AccountError::HostUnknown)?,
        (None, Some(text)) => match habilis_shared::Email::parse(text) {
            Ok(email) => users::find_by_email_key(conn, email.key())?,
            // Every account's address parses: this text names nobody.
            Err(_) => None,
        }
        .ok_or(AccountError::HostEmailUnknown)?,
        _ => return Err(AccountError::HostMissing),
    };
    let eligible = host.state().may_sign_in()
        && policy
            .supervisor_profiles(target.profile())
            .contains(&host.profile())
        && host.id != target.id
        && target.supervisor_id.as_deref() != Some(host.id.as_str());
    if !eligible {
        return Err(AccountError::HostNotEligible(target.profile()));
    }
    if !target.state().may_sign_in() {
        return Err(AccountError::WrongState(target.state()));
    }
    conn.write_tx(|conn| {
        conn.lock_named("secondments")?;
        let (starts, ends) = (db_time(req.starts_at), db_time(req.ends_at));
        if queries::overlaps(conn, &target.id, starts, ends)? {
            return Err(AccountError::SecondmentOverlap);
        }
        let row = queries::insert(
            conn,
            &NewSecondment {
                user_id: &target.id,
                host_supervisor_id: &host.id,
                starts_at: req.starts_at,
                ends_at: req.ends_at,
                created_by: by.id(),
            },
            now,
        )?;
        let (person, host_name) = (target.display_name(), host.display_name());
        let notice = Email::Secondment {
            person: &person,
            host: &host_name,
            starts: req.starts_at,
            ends: req.ends_at,
        };
        for to in [target, &host] {
            mail::queue(conn, now, &Recipient::of(to), &notice)?;
        }
        audit::append(
            conn,
            now,
            Event::new(AuditAction::UserSecond, Outcome::Success)
                .actor(by.id())
                .target("user", target.id.clone())
                .detail(json!({
                    "secondment_id": row.id,
                    "host_supervisor_id": host.id,
                    "starts_at": req.starts_at,
                    "ends_at": req.ends_at,
                }))
                .ctx(&by.ctx),
        )?;
        Ok(row.view())
    })
}

/// Up to `limit` secondments of a person, past and future, after the
/// (start, id) `after`, earliest start first.
pub fn of_person(
    conn: &mut DbConn,
    person: &str,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> AccountResult<Vec<queries::SecondmentRow>> {
    Ok(queries::of_person(conn, person, after, limit)?)
}

//! Promotion (SPEC §3.4): one level up, one transaction with its audit
//! row and the e-mails to the person and their supervisor.

use chrono::{DateTime, Utc};
use habilis_shared::policy::Policy;
use serde_json::json;

use super::queries;
use crate::accounts::error::{AccountError, AccountResult};

use crate::accounts::queries::{self as users, UserRow};
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::Caller;
use crate::db::DbConn;
use crate::mail::{self, Email, Recipient};

/// Promotes `target` one level: novice → confirmed by the expert above
/// (who becomes the supervisor), confirmed → expert by an admin. Works stay
/// with their owner.
pub fn promote(
    conn: &mut DbConn,
    policy: &Policy,
    by: &Caller,
    target: &UserRow,
    now: DateTime<Utc>,
) -> AccountResult<UserRow> {
    let from = target.profile();
    let rule = policy
        .promotion
        .get(&from)
        .ok_or(AccountError::NoPromotion(from))?;
    if !target.state().may_sign_in() {
        return Err(AccountError::WrongState(target.state()));
    }
    // The promoter from the line above becomes the supervisor; a profile
    // without supervisors (expert) reports to no one.
    let supervisor = if policy.supervisor_profiles(rule.to).is_empty() {
        None
    } else if rule.from_supervision_line {
        Some(by.id().to_owned())
    } else {
        target.supervisor_id.clone()
    };
    conn.write_tx(|conn| {
        let to = rule.to;
        if !queries::change_profile(conn, &target.id, from, to, supervisor.as_deref(), now)? {
            return Err(AccountError::ChangedMeanwhile);
        }
        let name = target.display_name();
        let notice = Email::Promotion {
            name: &name,
            email: &target.email,
            from,
            to,
        };
        mail::queue(conn, now, &Recipient::of(target), &notice)?;
        if let Some(s) = supervisor.as_deref() {
            if let Some(supervisor) = users::find(conn, s)? {
                mail::queue(conn, now, &Recipient::of(&supervisor), &notice)?;
            }
        }
        audit::append(
            conn,
            now,
            Event::new(AuditAction::UserPromote, Outcome::Success)
                .actor(by.id())
                .target("user", target.id.clone())
                .detail(json!({ "from": from, "to": to, "supervisor_id": supervisor }))
                .ctx(&by.ctx),
        )?;
        users::find(conn, &target.id)?.ok_or(AccountError::NotFound)
    })
}

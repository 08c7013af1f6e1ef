//! The organisation rules (SPEC §4, issue 6, seed 003): unique names, at
//! least one active manager, bulk invitations applied together, single-use
//! invitation links. Each change runs in one transaction with its audit row
//! and its outbox mail, and fails with an [`OrgError`]; the caller has
//! already been authorised (by [`super::org_for`]).

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use habilis_shared::dto::{
    CreateOrganization, InvitationOutcome, InvitationReport, InvitationResult, MemberView,
    MembershipState, OrganizationView, UpdateOrganization,
};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::OrgRole;
use habilis_shared::Email;
use serde_json::json;

use super::queries::{self, NewInvitation, NewOrg, OrgRow};
use crate::accounts::queries as users_q;
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::{tokens, Caller};
use crate::clock::db_time;
use crate::db::DbConn;
use crate::error::{ApiError, ProblemType};
use crate::mail::{self, Recipient};
use crate::state::AppState;

/// Why an organisation rule refused, or the database failed.
#[derive(Debug, thiserror::Error)]
pub enum OrgError {
    #[error("the {field} is blank")]
    Blank { field: &'static str },
    #[error("no address to invite")]
    NoAddress,
    #[error("{got} addresses, over the limit of {max}")]
    TooManyAddresses { max: usize, got: usize },
    #[error("no such organisation, member or invitation")]
    NotFound,
    #[error("an organisation already has this name")]
    NameTaken,
    #[error("the change would leave the organisation without a manager")]
    LastManager,
    #[error("the invitation {}", .0.as_str())]
    Unusable(Unusable),
    #[error("the invitation was sent to another e-mail address")]
    WrongRecipient,
    #[error("already a member")]
    AlreadyMember,
    #[error("unreadable membership row")]
    Unreadable,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// Why an invitation link no longer works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unusable {
    Used,
    Revoked,
    Expired,
}

impl Unusable {
    /// The selector of `orgs-invitation-unusable`.
    pub fn as_str(self) -> &'static str {
        match self {
            Unusable::Used => "used",
            Unusable::Revoked => "revoked",
            Unusable::Expired => "expired",
        }
    }
}

impl From<OrgError> for ApiError {
    fn from(e: OrgError) -> Self {
        match e {
            OrgError::Blank { field } => ApiError::field(field, Msg::new("validation-blank")),
            OrgError::NoAddress => ApiError::field("emails", Msg::new("orgs-invite-none")),
            OrgError::TooManyAddresses { max, got } => ApiError::field(
                "emails",
                Msg::new("orgs-invite-too-many")
                    .arg("max", max)
                    .arg("count", got),
            ),
            OrgError::NotFound => ApiError::not_found(),
            OrgError::NameTaken => {
                ApiError::conflict(ProblemType::NameTaken, Msg::new("orgs-name-taken"))
            }
            OrgError::LastManager => {
                ApiError::conflict(ProblemType::LastManager, Msg::new("orgs-last-manager"))
            }
            OrgError::Unusable(why) => ApiError::new(
                ProblemType::InvitationUnusable,
                Msg::new("orgs-invitation-unusable").arg("why", why.as_str()),
            ),
            OrgError::WrongRecipient => ApiError::new(
                ProblemType::WrongRecipient,
                Msg::new("orgs-invitation-wrong-recipient"),
            ),
            OrgError::AlreadyMember => {
                ApiError::conflict(ProblemType::AlreadyMember, Msg::new("orgs-already-member"))
            }
            OrgError::Unreadable => ApiError::internal(e),
            OrgError::Db(e) => e.into(),
        }
    }
}

type OrgResult<T> = Result<T, OrgError>;

/// A unique-index violation on the name (a racing request took it first)
/// is the same refusal as the check before it.
fn name_unique(e: diesel::result::Error) -> OrgError {
    match e {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => OrgError::NameTaken,
        other => other.into(),
    }
}

fn not_blank(field: &'static str, value: Option<&str>) -> OrgResult<()> {
    match value {
        Some(v) if v.trim().is_empty() => Err(OrgError::Blank { field }),
        _ => Ok(()),
    }
}

/// What [`create`] needs beyond the DTO's own validation.
pub fn check_create(req: &CreateOrganization) -> OrgResult<()> {
    not_blank("name", Some(&req.name))
}

/// What [`update`] needs beyond the DTO's own validation.
pub fn check_update(req: &UpdateOrganization) -> OrgResult<()> {
    not_blank("name", req.name.as_deref())
}

/// Creates an organisation with no member (SPEC §4: its managers are
/// invited next).
pub fn create(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    req: &CreateOrganization,
) -> OrgResult<OrganizationView> {
    conn.write_tx(|conn| {
        let name = req.name.trim();
        if queries::name_taken(conn, &queries::name_key(name), None)? {
            return Err(OrgError::NameTaken);
        }
        let id = uuid::Uuid::now_v7().to_string();
        let new = NewOrg {
            id: &id,
            name,
            description: req.description.trim(),
            created_by: caller.id(),
            at: db_time(now),
        };
        queries::insert(conn, &new).map_err(name_unique)?;
        // Its local support desk comes with it (issue 18 §1).
        crate::support::queries::insert_local_desk(conn, &id, name, db_time(now))?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::OrgCreate, Outcome::Success)
                .actor(caller.id())
                .target("organization", id.clone())
                .detail(json!({ "name": name }))
                .ctx(&caller.ctx),
        )?;
        let org = queries::find(conn, &id)?.ok_or(OrgError::NotFound)?;
        Ok(org.view(None, 0))
    })
}

/// Renames `org` or changes its description.
pub fn update(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    org: &OrgRow,
    my_role: Option<OrgRole>,
    req: &UpdateOrganization,
) -> OrgResult<OrganizationView> {
    conn.write_tx(|conn| {
        if let Some(name) = &req.name {
            let name = name.trim();
            if queries::name_taken(conn, &queries::name_key(name), Some(&org.id))? {
                return Err(OrgError::NameTaken);
            }
            queries::rename(conn, &org.id, name).map_err(name_unique)?;
        }
        if let Some(d) = &req.description {
            queries::describe(conn, &org.id, d.trim())?;
        }
        queries::touch(conn, &org.id, db_time(now))?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::OrgUpdate, Outcome::Success)
                .actor(caller.id())
                .target("organization", org.id.clone())
                .detail(json!({ "name": req.name, "description": req.description.is_some() }))
                .ctx(&caller.ctx),
        )?;
        let org = queries::find(conn, &org.id)?.ok_or(OrgError::NotFound)?;
        let n = queries::member_count(conn, &org.id)?;
        Ok(org.view(my_role, n))
    })
}

/// What a manager does to one member.
#[derive(Clone, Copy, Debug)]
pub enum Change {
    Role(OrgRole),
    State(MembershipState),
    Remove,
}

impl Change {
    /// Does it take the manager role, or its effect, from an active manager?
    fn demotes(self, role: OrgRole, state: MembershipState) -> bool {
        role == OrgRole::Manager
            && state == MembershipState::Active
            && match self {
                Change::Role(r) => r != OrgRole::Manager,
                Change::State(s) => s != MembershipState::Active,
                Change::Remove => true,
            }
    }
}

/// Applies `change` to `user`'s membership of `org`, refusing to leave the
/// organisation without an active manager (nobody could then manage it but
/// administrators). The member as now listed, or `None` once removed.
pub fn change_member(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    org: &OrgRow,
    user: &str,
    change: Change,
) -> OrgResult<Option<MemberView>> {
    conn.write_tx(|conn| {
        conn.lock_named("memberships")?;
        let current = queries::membership(conn, &org.id, user)?.ok_or(OrgError::NotFound)?;
        let role = current.role();
        if change.demotes(role, current.state()) {
            let managers = queries::active_managers(conn, &org.id)?;
            if managers.len() == 1 && managers[0] == user {
                return Err(OrgError::LastManager);
            }
        }
        let at = db_time(now);
        let (action, detail) = match change {
            Change::Role(r) => {
                queries::set_role(conn, &org.id, user, r, at)?;
                (AuditAction::OrgMemberRole, json!({ "from": role, "to": r }))
            }
            Change::State(s) => {
                queries::set_state(conn, &org.id, user, s, at)?;
                let action = match s {
                    MembershipState::Blocked => AuditAction::OrgMemberBlock,
                    MembershipState::Active => AuditAction::OrgMemberUnblock,
                };
                (action, json!({ "role": role }))
            }
            Change::Remove => {
                queries::remove_member(conn, &org.id, user)?;
                (AuditAction::OrgMemberRemove, json!({ "role": role }))
            }
        };
        audit::append(
            conn,
            now,
            Event::new(action, Outcome::Success)
                .actor(caller.id())
                .target("user", user.to_owned())
                .detail(json!({ "organization_id": org.id, "change": detail }))
                .ctx(&caller.ctx),
        )?;
        match change {
            Change::Remove => Ok(None),
            _ => queries::member(conn, &org.id, user)?
                .view()
                .map(Some)
                .ok_or(OrgError::Unreadable),
        }
    })
}

/// At least one address, at most the policy's limit per request (a request
/// over it changes nothing).
pub fn check_invitation(st: &AppState, addresses: &[String]) -> OrgResult<()> {
    let max = st.policy.organizations.max_invitations_per_request as usize;
    if addresses.is_empty() {
        return Err(OrgError::NoAddress);
    }
    if addresses.len() > max {
        return Err(OrgError::TooManyAddresses {
            max,
            got: addresses.len(),
        });
    }
    Ok(())
}

/// Invites every address with `role` in one transaction; each address gets
/// its outcome, a repeated one [`InvitationOutcome::Duplicate`].
pub fn invite(
    conn: &mut DbConn,
    st: &AppState,
    caller: &Caller,
    org: &OrgRow,
    addresses: Vec<String>,
    role: OrgRole,
) -> OrgResult<InvitationReport> {
    let now = st.now();
    conn.write_tx(|conn| {
        let mut seen = HashSet::new();
        let mut results = Vec::with_capacity(addresses.len());
        for email in addresses {
            let outcome = if !seen.insert(Email::key_of(&email)) {
                InvitationOutcome::Duplicate
            } else {
                match Email::parse(&email) {
                    Ok(parsed) => invite_one(conn, st, org, &parsed, role, caller, now)?,
                    Err(_) => InvitationOutcome::InvalidEmail,
                }
            };
            results.push(InvitationResult { email, outcome });
        }
        audit::append(
            conn,
            now,
            Event::new(AuditAction::OrgInvite, Outcome::Success)
                .actor(caller.id())
                .target("organization", org.id.clone())
                .detail(json!({ "role": role, "results": results }))
                .ctx(&caller.ctx),
        )?;
        Ok(InvitationReport { results })
    })
}

/// Invites one address to `org` with `role`, inside the caller's
/// transaction: an existing account joins at once (and is told), anyone
/// else gets a single-use link. Also used for project participants.
pub fn invite_one(
    conn: &mut DbConn,
    st: &AppState,
    org: &OrgRow,
    email: &Email,
    role: OrgRole,
    caller: &Caller,
    now: DateTime<Utc>,
) -> OrgResult<InvitationOutcome> {
    let ttl = Duration::days(i64::from(st.policy.organizations.invitation_ttl_days));
    let public_url = st.config.public_url();
    let inviter = caller.user.display_name();
    if !st.policy.email_domain_allowed(email.as_str()) {
        return Ok(InvitationOutcome::DomainNotAllowed);
    }
    if let Some(user) = users_q::find_by_email_key(conn, email.key())? {
        if queries::is_member(conn, &org.id, &user.id)? {
            return Ok(InvitationOutcome::AlreadyMember);
        }
        queries::add_member(conn, &org.id, &user.id, role, caller.id(), db_time(now))?;
        let email = mail::Email::OrgJoined {
            inviter: &inviter,
            org: &org.name,
            role,
        };
        mail::queue(conn, now, &Recipient::of(&user), &email)?;
        return Ok(InvitationOutcome::Added);
    }
    if queries::invitation_pending(conn, &org.id, email.key(), db_time(now))? {
        return Ok(InvitationOutcome::AlreadyInvited);
    }
    let secret = tokens::generate("hinv_");
    let token_hash = tokens::digest(&secret);
    queries::insert_invitation(
        conn,
        &NewInvitation {
            organization_id: &org.id,
            email,
            role,
            token_hash: &token_hash,
            invited_by: caller.id(),
            at: db_time(now),
            expires_at: db_time(now + ttl),
        },
    )?;
    let link = format!("{public_url}/invitations/{secret}");
    let invitation = mail::Email::OrgInvitation {
        inviter: &inviter,
        org: &org.name,
        role,
        link: &link,
        until: now + ttl,
    };
    mail::queue(
        conn,
        now,
        &Recipient::outsider(email.as_str(), &caller.user),
        &invitation,
    )?;
    Ok(InvitationOutcome::Invited)
}

/// Revokes a pending invitation of `org`: its link then says so.
pub fn revoke_invitation(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    org: &OrgRow,
    invitation: &str,
) -> OrgResult<()> {
    conn.write_tx(|conn| {
        if queries::revoke_invitation(conn, &org.id, invitation, db_time(now))? != 1 {
            return Err(OrgError::NotFound);
        }
        audit::append(
            conn,
            now,
            Event::new(AuditAction::OrgInvitationRevoke, Outcome::Success)
                .actor(caller.id())
                .target("organization", org.id.clone())
                .detail(json!({ "invitation_id": invitation }))
                .ctx(&caller.ctx),
        )?;
        Ok(())
    })
}

/// The signed-in account the invitation `digest` was sent to joins its
/// organisation, once: used, revoked and expired links say which.
pub fn accept_invitation(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    digest: &str,
) -> OrgResult<MemberView> {
    conn.write_tx(|conn| {
        let inv = queries::invitation_by_digest(conn, digest)?.ok_or(OrgError::NotFound)?;
        if inv.accepted_at.is_some() {
            return Err(OrgError::Unusable(Unusable::Used));
        }
        if inv.revoked_at.is_some() {
            return Err(OrgError::Unusable(Unusable::Revoked));
        }
        if inv.expires_at <= db_time(now) {
            return Err(OrgError::Unusable(Unusable::Expired));
        }
        if caller.user.email_key != inv.email_key {
            return Err(OrgError::WrongRecipient);
        }
        if queries::is_member(conn, &inv.organization_id, caller.id())? {
            return Err(OrgError::AlreadyMember);
        }
        let role: OrgRole = inv.role.parse().unwrap_or(OrgRole::User);
        // Compare-and-set: of two racing accepts, one joins.
        if queries::mark_accepted(conn, &inv.id, caller.id(), db_time(now))? != 1 {
            return Err(OrgError::Unusable(Unusable::Used));
        }
        queries::add_member(
            conn,
            &inv.organization_id,
            caller.id(),
            role,
            caller.id(),
            db_time(now),
        )?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::OrgInvitationAccept, Outcome::Success)
                .actor(caller.id())
                .target("organization", inv.organization_id.clone())
                .detail(json!({ "invitation_id": inv.id, "role": role }))
                .ctx(&caller.ctx),
        )?;
        Ok(MemberView {
            user_id: caller.id().to_owned(),
            first_name: caller.user.first_name.clone(),
            last_name: caller.user.last_name.clone(),
            email: caller.user.email.clone(),
            account_state: caller.user.state(),
            role,
            state: MembershipState::Active,
            added_at: now,
        })
    })
}

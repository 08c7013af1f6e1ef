//! The project rules (SPEC §4, issue 6): a domain from the policy's list,
//! two different active institutional approvers, edits until closed,
//! deletion only before it started and while no work refers to it,
//! participants through the organisation. Each change runs in one
//! transaction with its history line, its audit row and its outbox mail,
//! and fails with a [`ProjectError`]; the caller has already been
//! authorised (by [`super::project_for`] or [`crate::orgs::org_for`]).

use chrono::{DateTime, Utc};
use habilis_shared::dto::{
    CreateProject, InviteParticipant, ParticipantState, ParticipantView, ProjectState, ProjectView,
    UpdateProject,
};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::OrgRole;
use habilis_shared::Email;
use serde_json::json;

use super::queries::{self, NewParticipant, NewProject, ProjectEdit, ProjectRow};
use crate::accounts::queries as users_q;
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::Caller;
use crate::clock::db_time;
use crate::db::DbConn;
use crate::error::{ApiError, ProblemType};
use crate::mail::{self, Recipient};
use crate::orgs::{self, OrgError, OrgRow};
use crate::state::AppState;

/// Why a project rule refused, or the database failed.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("the {field} is blank")]
    Blank { field: &'static str },
    #[error("the domain is not one of the policy's")]
    UnknownDomain { domains: String },
    #[error("the sponsor and the data steward are the same person")]
    SameApprover,
    #[error("the {field} is not an existing active account")]
    ApproverInactive { field: &'static str },
    #[error("the {field} has no institutional e-mail address")]
    ApproverNotInstitutional { field: &'static str },
    #[error("the e-mail domain is not an institutional one")]
    DomainNotAllowed,
    #[error("the project is closed")]
    Closed,
    #[error("only a pending or rejected project is deleted")]
    Started,
    #[error("only an active project is closed")]
    NotActive,
    #[error("the project is {}", .0.as_str())]
    NoParticipants(ProjectState),
    #[error("already a participant")]
    AlreadyParticipant,
    #[error("no such project or participant")]
    NotFound,
    #[error(transparent)]
    Org(#[from] OrgError),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl From<ProjectError> for ApiError {
    fn from(e: ProjectError) -> Self {
        use ProjectError as E;
        match e {
            E::Blank { field } => ApiError::field(field, Msg::new("validation-blank")),
            E::UnknownDomain { domains } => ApiError::field(
                "domain",
                Msg::new("projects-domain-unknown").arg("domains", domains),
            ),
            E::SameApprover => {
                ApiError::field("data_steward_id", Msg::new("projects-approvers-same"))
            }
            E::ApproverInactive { field } => {
                ApiError::field(field, Msg::new("projects-approver-inactive"))
            }
            E::ApproverNotInstitutional { field } => {
                ApiError::field(field, Msg::new("projects-approver-not-institutional"))
            }
            E::DomainNotAllowed => {
                ApiError::field("email", Msg::new("projects-participant-domain"))
            }
            E::Closed => ApiError::conflict(ProblemType::WrongState, Msg::new("projects-closed")),
            E::Started => {
                ApiError::conflict(ProblemType::WrongState, Msg::new("projects-delete-started"))
            }
            E::NotActive => ApiError::conflict(
                ProblemType::WrongState,
                Msg::new("projects-close-not-active"),
            ),
            E::NoParticipants(state) => ApiError::conflict(
                ProblemType::WrongState,
                Msg::new("projects-participants-closed").arg("state", state.as_str()),
            ),
            E::AlreadyParticipant => ApiError::conflict(
                ProblemType::AlreadyParticipant,
                Msg::new("projects-already-participant"),
            ),
            E::NotFound => ApiError::not_found(),
            E::Org(e) => e.into(),
            E::Db(e) => e.into(),
        }
    }
}

type ProjectResult<T> = Result<T, ProjectError>;

fn check_domain(st: &AppState, domain: &str) -> ProjectResult<()> {
    let domains = &st.policy.organizations.project_domains;
    if domains.iter().any(|d| d == domain.trim()) {
        return Ok(());
    }
    Err(ProjectError::UnknownDomain {
        domains: domains.join(", "),
    })
}

fn not_blank(field: &'static str, value: Option<&str>) -> ProjectResult<()> {
    match value {
        Some(v) if v.trim().is_empty() => Err(ProjectError::Blank { field }),
        _ => Ok(()),
    }
}

/// What [`create`] checks before anyone is asked: a name, a listed domain,
/// two different approvers.
pub fn check_create(st: &AppState, req: &CreateProject) -> ProjectResult<()> {
    not_blank("name", Some(&req.name))?;
    check_domain(st, &req.domain)?;
    if req.sponsor_id == req.data_steward_id {
        return Err(ProjectError::SameApprover);
    }
    Ok(())
}

/// What [`update`] checks before anyone is asked.
pub fn check_update(st: &AppState, req: &UpdateProject) -> ProjectResult<()> {
    if let Some(d) = &req.domain {
        check_domain(st, d)?;
    }
    not_blank("name", req.name.as_deref())
}

/// Requests the project in `org`: it waits (`pending`) until both the
/// sponsor and the data steward approve from their inbox, who are told.
pub fn create(
    conn: &mut DbConn,
    st: &AppState,
    caller: &Caller,
    org: &OrgRow,
    req: &CreateProject,
) -> ProjectResult<ProjectView> {
    let mut approvers = Vec::new();
    for (field, id, role) in [
        ("sponsor_id", &req.sponsor_id, "sponsor"),
        ("data_steward_id", &req.data_steward_id, "data_steward"),
    ] {
        let person = users_q::find(conn, id)?
            .filter(|u| u.state().may_sign_in())
            .ok_or(ProjectError::ApproverInactive { field })?;
        if !st.policy.email_domain_allowed(&person.email) {
            return Err(ProjectError::ApproverNotInstitutional { field });
        }
        approvers.push((person, role));
    }
    let now = st.now();
    conn.write_tx(|conn| {
        let id = uuid::Uuid::now_v7().to_string();
        let t = db_time(now);
        queries::insert(
            conn,
            &NewProject {
                id: &id,
                organization_id: &org.id,
                name: req.name.trim(),
                data_class: req.data_class,
                domain: req.domain.trim(),
                description: req.description.trim(),
                owner_id: caller.id(),
                sponsor_id: &req.sponsor_id,
                data_steward_id: &req.data_steward_id,
                at: t,
            },
        )?;
        let who: Vec<(&str, &str)> = approvers
            .iter()
            .map(|(person, role)| (person.id.as_str(), *role))
            .collect();
        queries::request_approval(conn, "project", &id, caller.id(), &who, t)?;
        let requester = caller.user.display_name();
        for (person, role) in &approvers {
            let email = mail::Email::ApprovalRequest {
                requester: &requester,
                project: req.name.trim(),
                org: &org.name,
                role,
            };
            mail::queue(conn, now, &Recipient::of(person), &email)?;
        }
        queries::event(conn, &id, now, caller.id(), "requested", None)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::ProjectCreate, Outcome::Success)
                .actor(caller.id())
                .target("project", id.clone())
                .detail(json!({
                    "organization_id": org.id,
                    "sponsor_id": req.sponsor_id,
                    "data_steward_id": req.data_steward_id,
                }))
                .ctx(&caller.ctx),
        )?;
        full_view(conn, &id)
    })
}

/// The project as it now stands, with its history.
fn full_view(conn: &mut DbConn, id: &str) -> ProjectResult<ProjectView> {
    let p = queries::find(conn, id)?.ok_or(ProjectError::NotFound)?;
    Ok(p.view(queries::history(conn, id)?))
}

/// Edits the name, domain or description of a project not yet closed.
pub fn update(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    p: &ProjectRow,
    req: &UpdateProject,
) -> ProjectResult<ProjectView> {
    if p.state() == ProjectState::Closed {
        return Err(ProjectError::Closed);
    }
    conn.write_tx(|conn| {
        let edit = ProjectEdit {
            name: req.name.as_deref().map(str::trim),
            domain: req.domain.as_deref().map(str::trim),
            description: req.description.as_deref().map(str::trim),
            at: db_time(now),
        };
        queries::edit(conn, &p.id, &edit)?;
        queries::event(conn, &p.id, now, caller.id(), "updated", None)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::ProjectUpdate, Outcome::Success)
                .actor(caller.id())
                .target("project", p.id.clone())
                .detail(json!({ "name": req.name, "domain": req.domain }))
                .ctx(&caller.ctx),
        )?;
        full_view(conn, &p.id)
    })
}

/// Deletes a project that never started (pending or rejected); an active
/// project is closed instead. Works only go into active projects, but one
/// filed before that rule (or by an earlier version) is taken out of the
/// project, each on the audit chain, never lost: so a project can always
/// be either closed or deleted.
pub fn delete(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    p: &ProjectRow,
) -> ProjectResult<()> {
    conn.write_tx(|conn| {
        queries::lock(conn, &p.id)?;
        let state = queries::find(conn, &p.id)?
            .ok_or(ProjectError::NotFound)?
            .state();
        if !matches!(state, ProjectState::Pending | ProjectState::Rejected) {
            return Err(ProjectError::Started);
        }
        for work in queries::works_in(conn, &p.id)? {
            queries::unfile(conn, &work, &p.id, db_time(now))?;
            audit::append(
                conn,
                now,
                Event::new(AuditAction::WorkProjectCleared, Outcome::Success)
                    .actor(caller.id())
                    .target("work", work)
                    .detail(json!({ "project_id": p.id, "why": "project deleted" }))
                    .ctx(&caller.ctx),
            )?;
        }
        queries::delete(conn, &p.id)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::ProjectDelete, Outcome::Success)
                .actor(caller.id())
                .target("project", p.id.clone())
                .detail(json!({ "name": p.name, "state": state.as_str() }))
                .ctx(&caller.ctx),
        )?;
        Ok(())
    })
}

/// Closes an active project: it stays, read-only, with its history.
pub fn close(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    p: &ProjectRow,
) -> ProjectResult<ProjectView> {
    conn.write_tx(|conn| {
        let closed = queries::set_state(
            conn,
            &p.id,
            ProjectState::Active,
            ProjectState::Closed,
            db_time(now),
        )?;
        if closed != 1 {
            return Err(ProjectError::NotActive);
        }
        queries::event(conn, &p.id, now, caller.id(), "closed", None)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::ProjectClose, Outcome::Success)
                .actor(caller.id())
                .target("project", p.id.clone())
                .ctx(&caller.ctx),
        )?;
        full_view(conn, &p.id)
    })
}

/// What [`invite_participant`] checks before anyone is asked: an
/// institutional address.
pub fn check_participant(st: &AppState, email: &Email) -> ProjectResult<()> {
    if st.policy.email_domain_allowed(email.as_str()) {
        Ok(())
    } else {
        Err(ProjectError::DomainNotAllowed)
    }
}

/// Invites `email` to a project still open: an existing account takes
/// part at once, anyone else once the account with that e-mail exists.
pub fn invite_participant(
    conn: &mut DbConn,
    st: &AppState,
    caller: &Caller,
    p: &ProjectRow,
    email: &Email,
    req: &InviteParticipant,
) -> ProjectResult<ParticipantView> {
    if matches!(p.state(), ProjectState::Closed | ProjectState::Rejected) {
        return Err(ProjectError::NoParticipants(p.state()));
    }
    let now = st.now();
    conn.write_tx(|conn| {
        if queries::takes_part(conn, &p.id, email.key())? {
            return Err(ProjectError::AlreadyParticipant);
        }
        // A participant takes part through the organisation (SPEC §4:
        // "existing account or invitation to the organisation"): an
        // account not yet a member joins as `user`; anyone else gets
        // the organisation's invitation link.
        let org = orgs::find(conn, &p.organization_id)?.ok_or(ProjectError::NotFound)?;
        orgs::service::invite_one(conn, st, &org, email, OrgRole::User, caller, now)?;
        let account = users_q::find_by_email_key(conn, email.key())?;
        let state = if account.is_some() {
            ParticipantState::Active
        } else {
            ParticipantState::Invited
        };
        let pid = uuid::Uuid::now_v7().to_string();
        queries::insert_participant(
            conn,
            &NewParticipant {
                id: &pid,
                project_id: &p.id,
                user_id: account.as_ref().map(|a| a.id.as_str()),
                email,
                role: req.role.as_deref(),
                state,
                invited_by: caller.id(),
                at: db_time(now),
            },
        )?;
        let inviter = caller.user.display_name();
        let to = match &account {
            Some(a) => Recipient::of(a),
            None => Recipient::outsider(email.as_str(), &caller.user),
        };
        let invitation = mail::Email::ProjectInvitation {
            inviter: &inviter,
            project: &p.name,
            has_account: account.is_some(),
        };
        mail::queue(conn, now, &to, &invitation)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::ProjectParticipantInvite, Outcome::Success)
                .actor(caller.id())
                .target("project", p.id.clone())
                .detail(json!({ "participant_id": pid, "email": email.as_str(), "state": state.as_str() }))
                .ctx(&caller.ctx),
        )?;
        Ok(queries::participant(conn, &pid)?.view())
    })
}

/// Revokes an invitation or an access; the person loses it on their next
/// request (access is decided on every request).
pub fn revoke_participant(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    p: &ProjectRow,
    participant: &str,
) -> ProjectResult<()> {
    conn.write_tx(|conn| {
        let revoked =
            queries::revoke_participant(conn, &p.id, participant, caller.id(), db_time(now))?;
        if revoked != 1 {
            return Err(ProjectError::NotFound);
        }
        audit::append(
            conn,
            now,
            Event::new(AuditAction::ProjectParticipantRevoke, Outcome::Success)
                .actor(caller.id())
                .target("project", p.id.clone())
                .detail(json!({ "participant_id": participant }))
                .ctx(&caller.ctx),
        )?;
        Ok(())
    })
}

//! The support rules (SPEC §8, issue 18, seed 002): desks and their
//! agents, tickets and their states, approval of some requests (never of
//! incidents), escalation to the group desk, and the e-mail of every
//! public update to the requester. Each change runs in one transaction
//! with its history row, its audit row and its e-mails; the caller has
//! already been authorised (by [`super::desk_for`] / [`super::ticket_for`]).
//!
//! States: `new → (awaiting_approval →) open ⇄ pending → resolved →
//! closed`, `resolved → open` on reopening. `pending` means an agent
//! answered publicly and waits for the requester; a comment of the
//! requester (or a participant) brings the ticket back to `open`.

use chrono::{DateTime, Utc};
use habilis_shared::dto::{
    ApprovalDecision, CreateTicket, DeskAgentView, TicketAttachmentView, TicketEventKind,
    TicketState, TicketThread, TicketType,
};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::Policy;
use serde_json::json;

use super::address;
use super::queries::{self, AttachmentRow, DeskRow, EventRow, TicketRow};
use crate::accounts::queries as users;
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::Caller;
use crate::clock::{db_time, utc};
use crate::db::DbConn;
use crate::error::{ApiError, ProblemType};
use crate::mail::{self, Email, Headers, Recipient, TicketUpdate};
use crate::orgs::queries as orgs;
use crate::projects::queries as projects_q;

/// The subject type of a ticket's approval requests.
pub const SUBJECT: &str = "ticket";

/// What a support rule refuses.
#[derive(Debug, thiserror::Error)]
pub enum SupportError {
    #[error("no such desk, ticket or agent")]
    NotFound,
    #[error("the ticket is {}: not possible now", .0.as_str())]
    WrongState(TicketState),
    #[error("the ticket is already at the group desk")]
    AlreadyGroup,
    #[error("the account is not an agent of the ticket's desk")]
    NotAnAgent,
    #[error("no such active account")]
    UnknownAccount,
    #[error("the account is not a member of the desk's organisation")]
    NotMember,
    #[error("already an agent of this desk")]
    AlreadyAgent,
    #[error("no desk named, and no single local desk to default to")]
    NoDesk,
    #[error("no such project")]
    UnknownProject,
    #[error("the request needs an approval and nobody can give it")]
    NoApprover,
    #[error(
        "no active account of the requester's organisations nor agent of the ticket has this id"
    )]
    NotEligible,
    #[error("already follows the ticket")]
    AlreadyParticipant,
    #[error("the ticket has {0} participants, the most it takes")]
    TooManyParticipants(usize),
    #[error("a file of {size} bytes is over the limit of {limit}")]
    AttachmentTooLarge { size: u64, limit: u64 },
    #[error("the ticket holds {0} files, the most it takes")]
    TooManyAttachments(u32),
    #[error("a file name of 1 to 200 characters, without `/`, `\\` or control characters")]
    BadFileName,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl From<SupportError> for ApiError {
    fn from(e: SupportError) -> Self {
        match e {
            SupportError::NotFound => ApiError::not_found(),
            SupportError::WrongState(state) => ApiError::conflict(
                ProblemType::WrongState,
                Msg::new("support-wrong-state").arg("state", state.as_str()),
            ),
            SupportError::AlreadyGroup => {
                ApiError::conflict(ProblemType::WrongState, Msg::new("support-already-group"))
            }
            SupportError::NotAnAgent => {
                ApiError::field("agent_id", Msg::new("support-not-an-agent"))
            }
            SupportError::UnknownAccount => {
                ApiError::field("account_id", Msg::new("support-unknown-account"))
            }
            SupportError::NotMember => {
                ApiError::field("account_id", Msg::new("support-not-member"))
            }
            SupportError::AlreadyAgent => ApiError::conflict(
                ProblemType::AlreadyMember,
                Msg::new("support-already-agent"),
            ),
            SupportError::NoDesk => ApiError::field("desk_id", Msg::new("support-no-desk")),
            SupportError::UnknownProject => {
                ApiError::field("project_id", Msg::new("support-unknown-project"))
            }
            SupportError::NoApprover => {
                ApiError::field("category", Msg::new("support-no-approver"))
            }
            SupportError::NotEligible => {
                ApiError::field("account_id", Msg::new("support-participant-unknown"))
            }
            SupportError::AlreadyParticipant => ApiError::conflict(
                ProblemType::AlreadyMember,
                Msg::new("support-already-participant"),
            ),
            SupportError::TooManyParticipants(limit) => ApiError::conflict(
                ProblemType::WrongState,
                Msg::new("support-too-many-participants").arg("limit", limit),
            ),
            SupportError::AttachmentTooLarge { size, limit } => ApiError::new(
                ProblemType::QuotaExceeded,
                Msg::new("support-attachment-too-large")
                    .arg("size", size.to_string())
                    .arg("limit", limit.to_string()),
            )
            .with_quota(0, size, limit),
            SupportError::TooManyAttachments(limit) => ApiError::new(
                ProblemType::QuotaExceeded,
                Msg::new("support-too-many-attachments").arg("limit", limit),
            )
            .with_quota(u64::from(limit), 1, u64::from(limit)),
            SupportError::BadFileName => ApiError::field("name", Msg::new("support-bad-file-name")),
            SupportError::Db(e) => e.into(),
        }
    }
}

pub type SupportResult<T> = Result<T, SupportError>;

/// Where outgoing support mail says it comes from: the domain of the reply
/// addresses (that of `HABILIS_MAIL_FROM`).
#[derive(Clone, Debug)]
pub struct Outgoing {
    pub domain: String,
}

fn trimmed(text: &str) -> String {
    text.trim().to_owned()
}

// ---------------------------------------------------------------------------
// Agents
// ---------------------------------------------------------------------------

/// Names `account` an agent of `desk`: an active account; for a local
/// desk, an active member of its organisation.
pub fn add_agent(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    desk: &DeskRow,
    account: &str,
) -> SupportResult<DeskAgentView> {
    conn.write_tx(|conn| {
        let person = users::find(conn, account)?
            .filter(|u| u.state().may_sign_in())
            .ok_or(SupportError::UnknownAccount)?;
        if let Some(org) = &desk.org_id {
            if orgs::role_of(conn, org, &person.id)?.is_none() {
                return Err(SupportError::NotMember);
            }
        }
        if queries::is_agent(conn, &desk.id, &person.id)? {
            return Err(SupportError::AlreadyAgent);
        }
        let at = db_time(now);
        queries::add_agent(conn, &desk.id, &person.id, caller.id(), at)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::DeskAgentAdd, Outcome::Success)
                .actor(caller.id())
                .target("desk", desk.id.clone())
                .detail(json!({ "account_id": person.id }))
                .ctx(&caller.ctx),
        )?;
        Ok(DeskAgentView {
            desk_id: desk.id.clone(),
            account_id: person.id.clone(),
            name: person.display_name(),
            assigned_by: caller.id().to_owned(),
            created_at: utc(at),
        })
    })
}

/// Removes `account` from `desk`'s agents (their tickets stay assigned).
pub fn remove_agent(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    desk: &DeskRow,
    account: &str,
) -> SupportResult<()> {
    conn.write_tx(|conn| {
        if queries::remove_agent(conn, &desk.id, account)? == 0 {
            return Err(SupportError::NotFound);
        }
        audit::append(
            conn,
            now,
            Event::new(AuditAction::DeskAgentRemove, Outcome::Success)
                .actor(caller.id())
                .target("desk", desk.id.clone())
                .detail(json!({ "account_id": account }))
                .ctx(&caller.ctx),
        )?;
        Ok(())
    })
}

// ---------------------------------------------------------------------------
// Tickets
// ---------------------------------------------------------------------------

/// The desk a new ticket goes to when none is named: the local desk of the
/// caller's one organisation.
pub fn default_desk(conn: &mut DbConn, caller: &Caller) -> SupportResult<DeskRow> {
    let mine = orgs::active_orgs_of(conn, caller.id())?;
    let [only] = mine.as_slice() else {
        return Err(SupportError::NoDesk);
    };
    queries::local_desk(conn, &only.organization_id)?.ok_or(SupportError::NoDesk)
}

/// One history entry.
struct Entry<'a> {
    kind: TicketEventKind,
    internal: bool,
    body: Option<&'a str>,
    from: Option<TicketState>,
    to: Option<TicketState>,
    desk: Option<&'a str>,
    assignee: Option<&'a str>,
    participant: Option<&'a str>,
}

impl<'a> Entry<'a> {
    fn new(kind: TicketEventKind) -> Self {
        Entry {
            kind,
            internal: false,
            body: None,
            from: None,
            to: None,
            desk: None,
            assignee: None,
            participant: None,
        }
    }

    fn body(mut self, body: &'a str) -> Self {
        self.body = Some(body);
        self
    }

    fn moved(mut self, from: TicketState, to: TicketState) -> Self {
        self.from = Some(from);
        self.to = Some(to);
        self
    }
}

/// Writes `entry` into `ticket`'s history; returns its id.
fn record(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    ticket: &str,
    author: &str,
    entry: Entry<'_>,
) -> SupportResult<String> {
    let id = uuid::Uuid::now_v7().to_string();
    queries::insert_event(
        conn,
        &EventRow {
            id: id.clone(),
            ticket_id: ticket.to_owned(),
            at: db_time(now),
            author_id: author.to_owned(),
            kind: entry.kind.as_str().to_owned(),
            internal: entry.internal,
            body: entry.body.map(str::to_owned),
            from_state: entry.from.map(|s| s.as_str().to_owned()),
            to_state: entry.to.map(|s| s.as_str().to_owned()),
            desk_id: entry.desk.map(str::to_owned),
            assignee_id: entry.assignee.map(str::to_owned),
            message_id: None,
            participant_id: entry.participant.map(str::to_owned),
        },
    )?;
    Ok(id)
}

/// The root `Message-ID` of a ticket's thread (its first e-mail's).
pub fn thread_id(ticket: &str, domain: &str) -> String {
    format!("<ticket-{ticket}@{domain}>")
}

/// A short reference of a ticket for subjects (its id's first group).
fn reference(ticket: &str) -> &str {
    ticket.split('-').next().unwrap_or(ticket)
}

/// A public update to e-mail: what happened, by whom (account and name),
/// with what text (comment, resolution, reason, file name).
#[derive(Clone, Copy)]
struct Update<'a> {
    kind: TicketUpdate,
    by: &'a str,
    name: &'a str,
    text: Option<&'a str>,
    /// Whether the requester is mailed (not for their own comment).
    requester: bool,
}

impl<'a> Update<'a> {
    fn new(kind: TicketUpdate, by: &'a Caller, name: &'a str) -> Self {
        Update {
            kind,
            by: by.id(),
            name,
            text: None,
            requester: true,
        }
    }

    fn text(mut self, text: Option<&'a str>) -> Self {
        self.text = text;
        self
    }
}

/// E-mails public update `event` of `ticket` to its requester and to its
/// participants but the update's author (each in their language),
/// replying to the ticket's own address and threaded under its first
/// e-mail.
fn notify(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    out: &Outgoing,
    ticket: &TicketRow,
    event: &str,
    update: Update<'_>,
) -> SupportResult<()> {
    let mut people = Vec::new();
    if update.requester {
        people.push(ticket.requester_id.clone());
    }
    people.extend(
        queries::participant_ids(conn, &ticket.id)?
            .into_iter()
            .filter(|p| p != update.by && *p != ticket.requester_id),
    );
    if people.is_empty() {
        return Ok(());
    }
    let headers = headers(conn, out, ticket, event, update.kind)?;
    for person in people {
        mail_one(conn, now, ticket, &update, &headers, &person)?;
    }
    Ok(())
}

/// The reply address and threading headers of update `event` of `ticket`
/// (the same for every recipient).
fn headers(
    conn: &mut DbConn,
    out: &Outgoing,
    ticket: &TicketRow,
    event: &str,
    kind: TicketUpdate,
) -> SupportResult<Headers> {
    let key = queries::reply_key(conn)?;
    let root = thread_id(&ticket.id, &out.domain);
    let first = kind == TicketUpdate::Created;
    Ok(Headers {
        reply_to: Some(address::build(&key, &ticket.id, &out.domain)),
        message_id: Some(if first {
            root.clone()
        } else {
            format!("<ticket-{}.{event}@{}>", ticket.id, out.domain)
        }),
        in_reply_to: (!first).then(|| root.clone()),
        references: (!first).then(|| root.clone()),
    })
}

/// One update's e-mail to `person` (nothing for an account that may no
/// longer sign in).
fn mail_one(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    ticket: &TicketRow,
    update: &Update<'_>,
    headers: &Headers,
    person: &str,
) -> SupportResult<()> {
    let Some(person) = users::find(conn, person)?.filter(|u| u.state().may_sign_in()) else {
        return Ok(());
    };
    let email = Email::TicketUpdate {
        update: update.kind,
        reference: reference(&ticket.id),
        subject: &ticket.subject,
        author: update.name,
        text: update.text,
    };
    mail::queue_with(conn, now, &Recipient::of(&person), &email, headers)?;
    Ok(())
}

fn audit_ticket(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    action: AuditAction,
    ticket: &str,
    detail: serde_json::Value,
) -> SupportResult<()> {
    audit::append(
        conn,
        now,
        Event::new(action, Outcome::Success)
            .actor(caller.id())
            .target("ticket", ticket.to_owned())
            .detail(detail)
            .ctx(&caller.ctx),
    )?;
    Ok(())
}

/// The ticket with its history, as `caller` may see it (internal notes
/// for agents only).
pub fn thread(conn: &mut DbConn, id: &str, agent: bool) -> SupportResult<TicketThread> {
    let ticket = queries::find_ticket(conn, id)?.ok_or(SupportError::NotFound)?;
    let name = users::find(conn, &ticket.requester_id)?
        .map(|u| u.display_name())
        .unwrap_or_default();
    let mut history = queries::history(conn, id, agent)?;
    let attachments = queries::attachments(conn, id, agent)?;
    for e in &mut history {
        e.attachment_id = attachments
            .iter()
            .find(|a| a.event_id == e.id)
            .map(|a| a.id.clone());
    }
    Ok(TicketThread {
        ticket: ticket.view(&name),
        history,
        attachments,
        participants: queries::participants(conn, id)?,
    })
}

/// Who approves a request: the sponsor of the project it names (one the
/// requester may at least name), else the requester's supervisor.
fn approver(
    conn: &mut DbConn,
    caller: &Caller,
    project: Option<&crate::projects::ProjectRow>,
) -> SupportResult<(String, &'static str)> {
    if let Some(p) = project {
        return Ok((p.sponsor_id.clone(), "sponsor"));
    }
    let supervisor = caller
        .user
        .supervisor_id
        .as_deref()
        .ok_or(SupportError::NoApprover)?;
    let person = users::find(conn, supervisor)?
        .filter(|u| u.state().may_sign_in())
        .ok_or(SupportError::NoApprover)?;
    Ok((person.id, "supervisor"))
}

/// Opens a ticket at `desk`: `new`; a request of a category the policy
/// holds for approval waits (`awaiting_approval`) for the requester's
/// supervisor, or the sponsor of the project it names. An incident never
/// waits.
#[allow(clippy::too_many_arguments)]
pub fn create(
    conn: &mut DbConn,
    policy: &Policy,
    now: DateTime<Utc>,
    out: &Outgoing,
    caller: &Caller,
    desk: &DeskRow,
    project: Option<&crate::projects::ProjectRow>,
    req: &CreateTicket,
) -> SupportResult<TicketThread> {
    conn.write_tx(|conn| {
        let at = db_time(now);
        let needs_approval =
            req.kind == TicketType::Request && policy.support.needs_approval(&req.category);
        let approver = if needs_approval {
            Some(approver(conn, caller, project)?)
        } else {
            None
        };
        let mut row = TicketRow {
            id: uuid::Uuid::now_v7().to_string(),
            desk_id: desk.id.clone(),
            escalated_from: None,
            requester_id: caller.id().to_owned(),
            kind: req.kind.as_str().to_owned(),
            category: req.category.clone(),
            subject: trimmed(&req.subject),
            body: req.body.trim_end().to_owned(),
            project_id: project.map(|p| p.id.clone()),
            state: TicketState::New.as_str().to_owned(),
            assignee_id: None,
            request_id: None,
            resolution: None,
            created_at: at,
            updated_at: at,
            resolved_at: None,
            closed_at: None,
        };
        queries::insert_ticket(conn, &row)?;
        let created = record(
            conn,
            now,
            &row.id,
            caller.id(),
            Entry::new(TicketEventKind::Created),
        )?;
        let me = caller.user.display_name();
        notify(
            conn,
            now,
            out,
            &row,
            &created,
            Update::new(TicketUpdate::Created, caller, &me),
        )?;
        if let Some((approver_id, role)) = &approver {
            let request = projects_q::request_approval(
                conn,
                SUBJECT,
                &row.id,
                caller.id(),
                &[(approver_id.as_str(), role)],
                at,
            )?;
            row.request_id = Some(request);
            row.state = TicketState::AwaitingApproval.as_str().to_owned();
            queries::save_ticket(conn, &row)?;
            let held = record(
                conn,
                now,
                &row.id,
                caller.id(),
                Entry::new(TicketEventKind::State)
                    .moved(TicketState::New, TicketState::AwaitingApproval),
            )?;
            notify(
                conn,
                now,
                out,
                &row,
                &held,
                Update::new(TicketUpdate::AwaitingApproval, caller, &me),
            )?;
            if let Some(person) = users::find(conn, approver_id)? {
                let email = Email::TicketApproval {
                    requester: &me,
                    subject: &row.subject,
                    category: &row.category,
                    role,
                };
                mail::queue(conn, now, &Recipient::of(&person), &email)?;
            }
        }
        audit_ticket(
            conn,
            now,
            caller,
            AuditAction::TicketCreate,
            &row.id,
            json!({
                "desk_id": desk.id,
                "type": req.kind,
                "category": req.category,
                "project_id": row.project_id,
                "request_id": row.request_id,
            }),
        )?;
        thread(conn, &row.id, false)
    })
}

/// Locks ticket `id` and checks that it is in one of `allowed` states.
fn locked(conn: &mut DbConn, id: &str, allowed: &[TicketState]) -> SupportResult<TicketRow> {
    let row = queries::lock_ticket(conn, id)?.ok_or(SupportError::NotFound)?;
    if !allowed.contains(&row.state()) {
        return Err(SupportError::WrongState(row.state()));
    }
    Ok(row)
}

const IN_PROGRESS: [TicketState; 3] = [TicketState::New, TicketState::Open, TicketState::Pending];

/// A comment, or (agents) an internal note. A public answer of an agent
/// puts a new or open ticket in `pending` (waiting for the requester); a
/// comment of the requester or a participant brings a pending ticket back
/// to `open`. Every public comment but the requester's own is e-mailed to
/// the requester; a note never is.
#[allow(clippy::too_many_arguments)]
pub fn comment(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    out: &Outgoing,
    caller: &Caller,
    id: &str,
    agent: bool,
    body: &str,
    internal: bool,
) -> SupportResult<TicketThread> {
    conn.write_tx(|conn| {
        let allowed = [
            TicketState::New,
            TicketState::AwaitingApproval,
            TicketState::Open,
            TicketState::Pending,
            TicketState::Resolved,
        ];
        let mut row = locked(conn, id, &allowed)?;
        let body = body.trim_end();
        let mut entry = Entry::new(TicketEventKind::Comment).body(body);
        entry.internal = internal;
        let event = record(conn, now, &row.id, caller.id(), entry)?;
        let from = row.state();
        let to = match (internal, agent, from) {
            (true, _, s) => s,
            (false, true, TicketState::New | TicketState::Open) => TicketState::Pending,
            (false, false, TicketState::Pending) => TicketState::Open,
            (_, _, s) => s,
        };
        row.updated_at = db_time(now);
        if to != from {
            row.state = to.as_str().to_owned();
            record(
                conn,
                now,
                &row.id,
                caller.id(),
                Entry::new(TicketEventKind::State).moved(from, to),
            )?;
        }
        queries::save_ticket(conn, &row)?;
        if !internal {
            let who = caller.user.display_name();
            let mut update = Update::new(TicketUpdate::Comment, caller, &who).text(Some(body));
            update.requester = caller.id() != row.requester_id;
            notify(conn, now, out, &row, &event, update)?;
        }
        audit_ticket(
            conn,
            now,
            caller,
            AuditAction::TicketComment,
            &row.id,
            json!({ "event_id": event, "internal": internal }),
        )?;
        thread(conn, &row.id, agent)
    })
}

/// Assigns a ticket being worked to an agent of its desk; a new ticket
/// becomes open.
pub fn assign(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    out: &Outgoing,
    caller: &Caller,
    id: &str,
    agent_id: &str,
) -> SupportResult<TicketThread> {
    conn.write_tx(|conn| {
        let mut row = locked(conn, id, &IN_PROGRESS)?;
        if !queries::is_agent(conn, &row.desk_id, agent_id)? {
            return Err(SupportError::NotAnAgent);
        }
        let agent = users::find(conn, agent_id)?
            .filter(|u| u.state().may_sign_in())
            .ok_or(SupportError::NotAnAgent)?;
        let from = row.state();
        let to = if from == TicketState::New {
            TicketState::Open
        } else {
            from
        };
        row.assignee_id = Some(agent.id.clone());
        row.state = to.as_str().to_owned();
        row.updated_at = db_time(now);
        queries::save_ticket(conn, &row)?;
        let mut entry = Entry::new(TicketEventKind::Assign);
        entry.assignee = Some(&agent.id);
        if to != from {
            entry = entry.moved(from, to);
        }
        let event = record(conn, now, &row.id, caller.id(), entry)?;
        let name = agent.display_name();
        notify(
            conn,
            now,
            out,
            &row,
            &event,
            Update::new(TicketUpdate::Assigned, caller, &name),
        )?;
        audit_ticket(
            conn,
            now,
            caller,
            AuditAction::TicketAssign,
            &row.id,
            json!({ "agent_id": agent.id }),
        )?;
        thread(conn, &row.id, true)
    })
}

/// Passes a ticket of a local desk on to the group desk: open there,
/// unassigned; the local desk keeps seeing it (`escalated_from`).
pub fn escalate(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    out: &Outgoing,
    caller: &Caller,
    id: &str,
    reason: &str,
) -> SupportResult<TicketThread> {
    conn.write_tx(|conn| {
        let mut row = locked(conn, id, &IN_PROGRESS)?;
        let group = queries::group_desk(conn)?.ok_or(SupportError::NotFound)?;
        if row.desk_id == group.id {
            return Err(SupportError::AlreadyGroup);
        }
        let from = row.state();
        row.escalated_from = Some(row.desk_id.clone());
        row.desk_id = group.id.clone();
        row.assignee_id = None;
        row.state = TicketState::Open.as_str().to_owned();
        row.updated_at = db_time(now);
        queries::save_ticket(conn, &row)?;
        let reason = reason.trim_end();
        let mut entry = Entry::new(TicketEventKind::Escalate)
            .body(reason)
            .moved(from, TicketState::Open);
        entry.desk = Some(&group.id);
        let event = record(conn, now, &row.id, caller.id(), entry)?;
        let who = caller.user.display_name();
        notify(
            conn,
            now,
            out,
            &row,
            &event,
            Update::new(TicketUpdate::Escalated, caller, &who).text(Some(reason)),
        )?;
        audit_ticket(
            conn,
            now,
            caller,
            AuditAction::TicketEscalate,
            &row.id,
            json!({ "from_desk": row.escalated_from, "to_desk": group.id }),
        )?;
        thread(conn, &row.id, true)
    })
}

/// A move of the ticket's state only: resolve, reopen, close.
pub enum Move<'a> {
    Resolve(&'a str),
    Reopen,
    Close,
}

/// Resolves a ticket being worked (with its resolution), reopens a
/// resolved one, or closes a resolved one.
#[allow(clippy::too_many_arguments)]
pub fn transition(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    out: &Outgoing,
    caller: &Caller,
    id: &str,
    agent: bool,
    how: Move<'_>,
) -> SupportResult<TicketThread> {
    conn.write_tx(|conn| {
        let (allowed, to, update, action): (&[TicketState], _, _, _) = match how {
            Move::Resolve(_) => (
                &IN_PROGRESS,
                TicketState::Resolved,
                TicketUpdate::Resolved,
                AuditAction::TicketResolve,
            ),
            Move::Reopen => (
                &[TicketState::Resolved],
                TicketState::Open,
                TicketUpdate::Reopened,
                AuditAction::TicketReopen,
            ),
            Move::Close => (
                &[TicketState::Resolved],
                TicketState::Closed,
                TicketUpdate::Closed,
                AuditAction::TicketClose,
            ),
        };
        let mut row = locked(conn, id, allowed)?;
        let from = row.state();
        let at = db_time(now);
        row.state = to.as_str().to_owned();
        row.updated_at = at;
        let mut entry = Entry::new(TicketEventKind::State).moved(from, to);
        match how {
            Move::Resolve(resolution) => {
                let resolution = resolution.trim_end();
                row.resolution = Some(resolution.to_owned());
                row.resolved_at = Some(at);
                entry = entry.body(resolution);
            }
            Move::Reopen => row.resolved_at = None,
            Move::Close => row.closed_at = Some(at),
        }
        let text = entry.body.map(str::to_owned);
        queries::save_ticket(conn, &row)?;
        let event = record(conn, now, &row.id, caller.id(), entry)?;
        let who = caller.user.display_name();
        notify(
            conn,
            now,
            out,
            &row,
            &event,
            Update::new(update, caller, &who).text(text.as_deref()),
        )?;
        audit_ticket(
            conn,
            now,
            caller,
            action,
            &row.id,
            json!({ "from_state": from.as_str(), "to_state": to.as_str() }),
        )?;
        thread(conn, &row.id, agent)
    })
}

/// What a decision on a ticket's approval does, inside the decision's
/// transaction (see `projects::approvals`): approved, the ticket opens for
/// the desk; rejected, it is closed with the approver's comment. The
/// requester is e-mailed either way.
#[allow(clippy::too_many_arguments)]
pub fn on_decision(
    conn: &mut DbConn,
    by: &Caller,
    request_id: &str,
    ticket_id: &str,
    decision: ApprovalDecision,
    settled: bool,
    comment: Option<&str>,
    now: DateTime<Utc>,
    out: &Outgoing,
) -> Result<(), diesel::result::Error> {
    let Some(mut row) = queries::lock_ticket(conn, ticket_id)? else {
        return Ok(());
    };
    let current = row.request_id.as_deref() == Some(request_id)
        && row.state() == TicketState::AwaitingApproval;
    if !current || !settled {
        return Ok(());
    }
    let (to, update) = match decision {
        ApprovalDecision::Approve => (TicketState::Open, TicketUpdate::Approved),
        ApprovalDecision::Reject => (TicketState::Closed, TicketUpdate::Rejected),
    };
    let at = db_time(now);
    row.state = to.as_str().to_owned();
    row.updated_at = at;
    if to == TicketState::Closed {
        row.closed_at = Some(at);
    }
    queries::save_ticket(conn, &row)?;
    let mut entry = Entry::new(TicketEventKind::Approval).moved(TicketState::AwaitingApproval, to);
    if let Some(c) = comment {
        entry = entry.body(c);
    }
    let who = by.user.display_name();
    let event = record(conn, now, &row.id, by.id(), entry).map_err(into_db)?;
    notify(
        conn,
        now,
        out,
        &row,
        &event,
        Update::new(update, by, &who).text(comment),
    )
    .map_err(into_db)
}

fn into_db(e: SupportError) -> diesel::result::Error {
    match e {
        SupportError::Db(e) => e,
        other => diesel::result::Error::QueryBuilderError(other.to_string().into()),
    }
}

// ---------------------------------------------------------------------------
// Participants
// ---------------------------------------------------------------------------

/// The most people who follow one ticket besides its requester.
pub const PARTICIPANTS_MAX: usize = 50;

/// Every state but `closed`: a ticket that still moves.
const NOT_CLOSED: [TicketState; 5] = [
    TicketState::New,
    TicketState::AwaitingApproval,
    TicketState::Open,
    TicketState::Pending,
    TicketState::Resolved,
];

/// Names `account` a participant of ticket `id`: an active account that
/// shares an organisation with the requester or is an agent of one of the
/// ticket's desks (anyone else is answered as unknown: naming them must
/// not tell who exists). They read the ticket, comment on it (also by
/// replying to its e-mails) and receive its public updates; they are
/// e-mailed that they follow it.
pub fn add_participant(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    out: &Outgoing,
    caller: &Caller,
    id: &str,
    agent: bool,
    account: &str,
) -> SupportResult<TicketThread> {
    conn.write_tx(|conn| {
        let row = locked(conn, id, &NOT_CLOSED)?;
        let person = users::find(conn, account)?
            .filter(|u| u.state().may_sign_in())
            .ok_or(SupportError::NotEligible)?;
        let requester_orgs: Vec<String> = orgs::active_orgs_of(conn, &row.requester_id)?
            .into_iter()
            .map(|o| o.organization_id)
            .collect();
        let shares_org = orgs::active_orgs_of(conn, &person.id)?
            .iter()
            .any(|o| requester_orgs.contains(&o.organization_id));
        let desk_agent = queries::agent_desks(conn, &person.id)?
            .iter()
            .any(|d| row.desks().any(|t| t == d));
        if !(shares_org || desk_agent) {
            return Err(SupportError::NotEligible);
        }
        if person.id == row.requester_id || queries::is_participant(conn, &row.id, &person.id)? {
            return Err(SupportError::AlreadyParticipant);
        }
        if queries::participant_ids(conn, &row.id)?.len() >= PARTICIPANTS_MAX {
            return Err(SupportError::TooManyParticipants(PARTICIPANTS_MAX));
        }
        queries::add_participant(conn, &row.id, &person.id, caller.id(), db_time(now))?;
        let mut entry = Entry::new(TicketEventKind::ParticipantAdded);
        entry.participant = Some(&person.id);
        let event = record(conn, now, &row.id, caller.id(), entry)?;
        let who = caller.user.display_name();
        let update = Update::new(TicketUpdate::Followed, caller, &who);
        let headers = headers(conn, out, &row, &event, update.kind)?;
        mail_one(conn, now, &row, &update, &headers, &person.id)?;
        audit_ticket(
            conn,
            now,
            caller,
            AuditAction::TicketParticipantAdd,
            &row.id,
            json!({ "account_id": person.id }),
        )?;
        thread(conn, &row.id, agent)
    })
}

/// `account` no longer follows ticket `id` (404 when they did not).
pub fn remove_participant(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    id: &str,
    account: &str,
) -> SupportResult<()> {
    conn.write_tx(|conn| {
        let row = queries::lock_ticket(conn, id)?.ok_or(SupportError::NotFound)?;
        if queries::remove_participant(conn, &row.id, account)? == 0 {
            return Err(SupportError::NotFound);
        }
        let mut entry = Entry::new(TicketEventKind::ParticipantRemoved);
        entry.participant = Some(account);
        record(conn, now, &row.id, caller.id(), entry)?;
        audit_ticket(
            conn,
            now,
            caller,
            AuditAction::TicketParticipantRemove,
            &row.id,
            json!({ "account_id": account }),
        )?;
        Ok(())
    })
}

// ---------------------------------------------------------------------------
// Attachments
// ---------------------------------------------------------------------------

/// What the policy lets a ticket take: files up to `max_bytes`, at most
/// `per_ticket` of them.
#[derive(Clone, Copy, Debug)]
pub struct AttachLimits {
    pub max_bytes: u64,
    pub per_ticket: u32,
}

impl AttachLimits {
    pub fn of(policy: &Policy) -> Self {
        AttachLimits {
            max_bytes: policy.support.attachment_max_bytes,
            per_ticket: policy.support.attachments_per_ticket,
        }
    }

    /// A file of `size` bytes fits.
    pub fn check(&self, size: u64) -> SupportResult<()> {
        if size > self.max_bytes {
            return Err(SupportError::AttachmentTooLarge {
                size,
                limit: self.max_bytes,
            });
        }
        Ok(())
    }
}

/// A file name as kept: trimmed, 1 to 200 characters, no path separator
/// nor control character (it becomes a download's file name).
pub fn file_name(name: &str) -> SupportResult<String> {
    let name = name.trim();
    let count = name.chars().count();
    if !(1..=200).contains(&count)
        || name == "."
        || name == ".."
        || name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control())
    {
        return Err(SupportError::BadFileName);
    }
    Ok(name.to_owned())
}

/// Whether ticket `id` takes one more file now (asked before the bytes
/// come; [`attach`] asks again in its transaction).
pub fn may_attach(conn: &mut DbConn, id: &str, limits: AttachLimits) -> SupportResult<()> {
    let row = queries::find_ticket(conn, id)?.ok_or(SupportError::NotFound)?;
    if row.state() == TicketState::Closed {
        return Err(SupportError::WrongState(TicketState::Closed));
    }
    room_for_one(conn, id, limits)
}

/// Ticket `id` holds fewer files than the policy allows.
fn room_for_one(conn: &mut DbConn, id: &str, limits: AttachLimits) -> SupportResult<()> {
    if queries::count_attachments(conn, id)? >= i64::from(limits.per_ticket) {
        return Err(SupportError::TooManyAttachments(limits.per_ticket));
    }
    Ok(())
}

/// A file whose bytes are stored (committed under `object_key`).
pub struct Stored {
    pub id: String,
    pub name: String,
    pub size: u64,
    pub sha256: String,
    pub content_type: String,
    pub object_key: String,
    pub internal: bool,
}

/// Records stored file `file` as attached to ticket `id`, with its history
/// entry; a public file is e-mailed (its name) like a comment.
pub fn attach(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    out: &Outgoing,
    caller: &Caller,
    id: &str,
    limits: AttachLimits,
    file: &Stored,
) -> SupportResult<TicketAttachmentView> {
    conn.write_tx(|conn| {
        let mut row = locked(conn, id, &NOT_CLOSED)?;
        room_for_one(conn, &row.id, limits)?;
        let mut entry = Entry::new(TicketEventKind::Attachment).body(&file.name);
        entry.internal = file.internal;
        let event = record(conn, now, &row.id, caller.id(), entry)?;
        let attachment = AttachmentRow {
            id: file.id.clone(),
            ticket_id: row.id.clone(),
            event_id: event.clone(),
            name: file.name.clone(),
            size: i64::try_from(file.size).unwrap_or(i64::MAX),
            sha256: file.sha256.clone(),
            content_type: file.content_type.clone(),
            object_key: file.object_key.clone(),
            uploaded_by: caller.id().to_owned(),
            internal: file.internal,
            created_at: db_time(now),
        };
        queries::insert_attachment(conn, &attachment)?;
        row.updated_at = db_time(now);
        queries::save_ticket(conn, &row)?;
        let who = caller.user.display_name();
        if !file.internal {
            let mut update =
                Update::new(TicketUpdate::Attached, caller, &who).text(Some(&file.name));
            update.requester = caller.id() != row.requester_id;
            notify(conn, now, out, &row, &event, update)?;
        }
        audit_ticket(
            conn,
            now,
            caller,
            AuditAction::TicketAttach,
            &row.id,
            json!({
                "attachment_id": attachment.id,
                "name": attachment.name,
                "size": attachment.size,
                "sha256": attachment.sha256,
                "internal": attachment.internal,
            }),
        )?;
        Ok(attachment.view(who))
    })
}

//! Diesel over `desks`, `desk_agents`, `tickets`, `ticket_participants`,
//! `ticket_events` and the reply-address secret: named rows and
//! statements. No rule here.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use habilis_shared::dto::{
    DeskKind, DeskView, TicketAttachmentView, TicketEventKind, TicketEventView,
    TicketParticipantView, TicketState, TicketType, TicketView,
};

use crate::clock::utc;
use crate::db::schema::{
    desk_agents, desks, organizations, server_secrets, ticket_attachments, ticket_events,
    ticket_participants, tickets, users,
};
use crate::db::DbConn;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = desks)]
pub struct DeskRow {
    pub id: String,
    pub kind: String,
    pub org_id: Option<String>,
    pub name: String,
    pub created_at: NaiveDateTime,
}

impl DeskRow {
    pub fn kind(&self) -> DeskKind {
        DeskKind::parse(&self.kind).unwrap_or(DeskKind::Local)
    }

    pub fn is_group(&self) -> bool {
        self.kind() == DeskKind::Group
    }

    /// Its view; a local desk bears its organisation's current name.
    pub fn view(&self, org_name: Option<&str>, agent: bool) -> DeskView {
        DeskView {
            id: self.id.clone(),
            kind: self.kind(),
            org_id: self.org_id.clone(),
            name: org_name.unwrap_or(&self.name).to_owned(),
            agent,
            created_at: utc(self.created_at),
        }
    }
}

/// Every desk with its organisation's name (a handful: one per
/// organisation and the group desk), by id.
pub fn all_desks(conn: &mut DbConn) -> QueryResult<Vec<(DeskRow, Option<String>)>> {
    desks::table
        .left_join(organizations::table.on(desks::org_id.eq(organizations::id.nullable())))
        .order(desks::id.asc())
        .select((DeskRow::as_select(), organizations::name.nullable()))
        .load(conn)
}

pub fn find_desk(conn: &mut DbConn, id: &str) -> QueryResult<Option<DeskRow>> {
    desks::table
        .find(id)
        .select(DeskRow::as_select())
        .first(conn)
        .optional()
}

pub fn org_name(conn: &mut DbConn, org: &str) -> QueryResult<Option<String>> {
    organizations::table
        .find(org)
        .select(organizations::name)
        .first(conn)
        .optional()
}

pub fn group_desk(conn: &mut DbConn) -> QueryResult<Option<DeskRow>> {
    desks::table
        .filter(desks::kind.eq(DeskKind::Group.as_str()))
        .select(DeskRow::as_select())
        .first(conn)
        .optional()
}

pub fn local_desk(conn: &mut DbConn, org: &str) -> QueryResult<Option<DeskRow>> {
    desks::table
        .filter(desks::org_id.eq(org))
        .select(DeskRow::as_select())
        .first(conn)
        .optional()
}

/// The local desk of a new organisation (in the organisation's
/// transaction).
pub fn insert_local_desk(
    conn: &mut DbConn,
    org: &str,
    name: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(desks::table)
        .values(DeskRow {
            id: uuid::Uuid::now_v7().to_string(),
            kind: DeskKind::Local.as_str().to_owned(),
            org_id: Some(org.to_owned()),
            name: name.to_owned(),
            created_at: at,
        })
        .execute(conn)
}

// ---------------------------------------------------------------------------
// Agents
// ---------------------------------------------------------------------------

/// The desks `user` is an agent of.
pub fn agent_desks(conn: &mut DbConn, user: &str) -> QueryResult<Vec<String>> {
    desk_agents::table
        .filter(desk_agents::account_id.eq(user))
        .select(desk_agents::desk_id)
        .load(conn)
}

pub fn is_agent(conn: &mut DbConn, desk: &str, user: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        desk_agents::table
            .filter(desk_agents::desk_id.eq(desk))
            .filter(desk_agents::account_id.eq(user)),
    ))
    .get_result(conn)
}

/// An agent of a desk, with their name.
pub type AgentRow = (String, String, String, String, NaiveDateTime);

/// A page of a desk's agents by account id: (account, first name, last
/// name, assigned by, since).
pub fn agents_page(
    conn: &mut DbConn,
    desk: &str,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<AgentRow>> {
    let mut q = desk_agents::table
        .inner_join(users::table.on(users::id.eq(desk_agents::account_id)))
        .filter(desk_agents::desk_id.eq(desk.to_owned()))
        .order(desk_agents::account_id.asc())
        .limit(limit)
        .select((
            desk_agents::account_id,
            users::first_name,
            users::last_name,
            desk_agents::assigned_by,
            desk_agents::created_at,
        ))
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(desk_agents::account_id.gt(after.to_owned()));
    }
    q.load(conn)
}

pub fn add_agent(
    conn: &mut DbConn,
    desk: &str,
    user: &str,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(desk_agents::table)
        .values((
            desk_agents::desk_id.eq(desk),
            desk_agents::account_id.eq(user),
            desk_agents::assigned_by.eq(by),
            desk_agents::created_at.eq(at),
        ))
        .execute(conn)
}

pub fn remove_agent(conn: &mut DbConn, desk: &str, user: &str) -> QueryResult<usize> {
    diesel::delete(
        desk_agents::table
            .filter(desk_agents::desk_id.eq(desk))
            .filter(desk_agents::account_id.eq(user)),
    )
    .execute(conn)
}

// ---------------------------------------------------------------------------
// Tickets
// ---------------------------------------------------------------------------

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = tickets)]
pub struct TicketRow {
    pub id: String,
    pub desk_id: String,
    pub escalated_from: Option<String>,
    pub requester_id: String,
    pub kind: String,
    pub category: String,
    pub subject: String,
    pub body: String,
    pub project_id: Option<String>,
    pub state: String,
    pub assignee_id: Option<String>,
    pub request_id: Option<String>,
    pub resolution: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
}

impl TicketRow {
    pub fn state(&self) -> TicketState {
        TicketState::parse(&self.state).unwrap_or(TicketState::Closed)
    }

    pub fn kind(&self) -> TicketType {
        TicketType::parse(&self.kind).unwrap_or(TicketType::Incident)
    }

    /// The desks whose agents see it: where it is, and where it came from.
    pub fn desks(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.desk_id.as_str()).chain(self.escalated_from.as_deref())
    }

    pub fn view(&self, requester_name: &str) -> TicketView {
        TicketView {
            id: self.id.clone(),
            desk_id: self.desk_id.clone(),
            escalated_from: self.escalated_from.clone(),
            requester_id: self.requester_id.clone(),
            requester_name: requester_name.to_owned(),
            kind: self.kind(),
            category: self.category.clone(),
            subject: self.subject.clone(),
            body: self.body.clone(),
            project_id: self.project_id.clone(),
            state: self.state(),
            assignee_id: self.assignee_id.clone(),
            resolution: self.resolution.clone(),
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        }
    }
}

pub fn insert_ticket(conn: &mut DbConn, row: &TicketRow) -> QueryResult<usize> {
    diesel::insert_into(tickets::table)
        .values(row)
        .execute(conn)
}

pub fn find_ticket(conn: &mut DbConn, id: &str) -> QueryResult<Option<TicketRow>> {
    tickets::table
        .find(id)
        .select(TicketRow::as_select())
        .first(conn)
        .optional()
}

/// Locks the ticket row (racing changes on it run one after the other)
/// and reads it as it then is.
pub fn lock_ticket(conn: &mut DbConn, id: &str) -> QueryResult<Option<TicketRow>> {
    diesel::update(tickets::table.find(id))
        .set(tickets::state.eq(tickets::state))
        .execute(conn)?;
    find_ticket(conn, id)
}

/// Writes back what a change set on `row` (state, desk, assignee,
/// request, resolution, times).
pub fn save_ticket(conn: &mut DbConn, row: &TicketRow) -> QueryResult<usize> {
    diesel::update(tickets::table.find(&row.id))
        .set((
            tickets::desk_id.eq(&row.desk_id),
            tickets::escalated_from.eq(&row.escalated_from),
            tickets::state.eq(&row.state),
            tickets::assignee_id.eq(&row.assignee_id),
            tickets::request_id.eq(&row.request_id),
            tickets::resolution.eq(&row.resolution),
            tickets::updated_at.eq(row.updated_at),
            tickets::resolved_at.eq(row.resolved_at),
            tickets::closed_at.eq(row.closed_at),
        ))
        .execute(conn)
}

pub fn is_participant(conn: &mut DbConn, ticket: &str, user: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        ticket_participants::table
            .filter(ticket_participants::ticket_id.eq(ticket))
            .filter(ticket_participants::account_id.eq(user)),
    ))
    .get_result(conn)
}

/// The accounts that follow `ticket`.
pub fn participant_ids(conn: &mut DbConn, ticket: &str) -> QueryResult<Vec<String>> {
    ticket_participants::table
        .filter(ticket_participants::ticket_id.eq(ticket))
        .order(ticket_participants::account_id.asc())
        .select(ticket_participants::account_id)
        .load(conn)
}

/// The participants of `ticket` with their names, by account id.
pub fn participants(conn: &mut DbConn, ticket: &str) -> QueryResult<Vec<TicketParticipantView>> {
    let rows: Vec<(String, String, NaiveDateTime, String, String)> = ticket_participants::table
        .inner_join(users::table.on(users::id.eq(ticket_participants::account_id)))
        .filter(ticket_participants::ticket_id.eq(ticket))
        .order(ticket_participants::account_id.asc())
        .select((
            ticket_participants::account_id,
            ticket_participants::added_by,
            ticket_participants::created_at,
            users::first_name,
            users::last_name,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(account_id, added_by, at, first, last)| TicketParticipantView {
                account_id,
                name: format!("{first} {last}"),
                added_by,
                added_at: utc(at),
            },
        )
        .collect())
}

pub fn add_participant(
    conn: &mut DbConn,
    ticket: &str,
    user: &str,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(ticket_participants::table)
        .values((
            ticket_participants::ticket_id.eq(ticket),
            ticket_participants::account_id.eq(user),
            ticket_participants::added_by.eq(by),
            ticket_participants::created_at.eq(at),
        ))
        .execute(conn)
}

pub fn remove_participant(conn: &mut DbConn, ticket: &str, user: &str) -> QueryResult<usize> {
    diesel::delete(
        ticket_participants::table
            .filter(ticket_participants::ticket_id.eq(ticket))
            .filter(ticket_participants::account_id.eq(user)),
    )
    .execute(conn)
}

/// What a list of tickets is narrowed to.
#[derive(Default)]
pub struct TicketFilter {
    pub state: Option<TicketState>,
    pub kind: Option<TicketType>,
    pub desk: Option<String>,
    /// `Some(None)`: unassigned.
    pub assignee: Option<Option<String>>,
    pub requester: Option<String>,
}

/// A page of the tickets `user` sees (theirs, those they follow, those of
/// the desks in `agent_of`), oldest first, after the id given, with their
/// requesters' names.
pub fn tickets_page(
    conn: &mut DbConn,
    user: &str,
    agent_of: &[String],
    filter: &TicketFilter,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<(TicketRow, String, String)>> {
    let followed = ticket_participants::table
        .filter(ticket_participants::account_id.eq(user.to_owned()))
        .select(ticket_participants::ticket_id);
    let mut q = tickets::table
        .inner_join(users::table.on(users::id.eq(tickets::requester_id)))
        .filter(
            tickets::requester_id
                .eq(user.to_owned())
                .or(tickets::id.eq_any(followed))
                .or(tickets::desk_id.eq_any(agent_of.to_vec()))
                .or(tickets::escalated_from.eq_any(agent_of.to_vec())),
        )
        .order(tickets::id.asc())
        .limit(limit)
        .select((TicketRow::as_select(), users::first_name, users::last_name))
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(tickets::id.gt(after.to_owned()));
    }
    if let Some(state) = filter.state {
        q = q.filter(tickets::state.eq(state.as_str()));
    }
    if let Some(kind) = filter.kind {
        q = q.filter(tickets::kind.eq(kind.as_str()));
    }
    if let Some(desk) = &filter.desk {
        q = q.filter(
            tickets::desk_id
                .eq(desk.clone())
                .or(tickets::escalated_from.eq(desk.clone())),
        );
    }
    match &filter.assignee {
        Some(Some(a)) => q = q.filter(tickets::assignee_id.eq(a.clone())),
        Some(None) => q = q.filter(tickets::assignee_id.is_null()),
        None => {}
    }
    if let Some(requester) = &filter.requester {
        q = q.filter(tickets::requester_id.eq(requester.clone()));
    }
    q.load(conn)
}

/// The subjects of tickets `ids` (the approvals inbox names them).
pub fn subjects(conn: &mut DbConn, ids: &[String]) -> QueryResult<HashMap<String, String>> {
    let rows: Vec<(String, String)> = tickets::table
        .filter(tickets::id.eq_any(ids))
        .select((tickets::id, tickets::subject))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

// ---------------------------------------------------------------------------
// History
// ---------------------------------------------------------------------------

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = ticket_events)]
pub struct EventRow {
    pub id: String,
    pub ticket_id: String,
    pub at: NaiveDateTime,
    pub author_id: String,
    pub kind: String,
    pub internal: bool,
    pub body: Option<String>,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub desk_id: Option<String>,
    pub assignee_id: Option<String>,
    pub message_id: Option<String>,
    pub participant_id: Option<String>,
}

impl EventRow {
    fn view(self, author_name: String) -> TicketEventView {
        TicketEventView {
            kind: TicketEventKind::parse(&self.kind).unwrap_or(TicketEventKind::Comment),
            at: utc(self.at),
            author_name,
            internal: self.internal,
            from_state: self.from_state.as_deref().and_then(TicketState::parse),
            to_state: self.to_state.as_deref().and_then(TicketState::parse),
            id: self.id,
            author_id: self.author_id,
            body: self.body,
            desk_id: self.desk_id,
            assignee_id: self.assignee_id,
            assignee_name: None,
            participant_id: self.participant_id,
            participant_name: None,
            attachment_id: None,
        }
    }
}

pub fn insert_event(conn: &mut DbConn, row: &EventRow) -> QueryResult<usize> {
    diesel::insert_into(ticket_events::table)
        .values(row)
        .execute(conn)
}

/// A ticket's history, oldest first; internal notes only `with_internal`.
pub fn history(
    conn: &mut DbConn,
    ticket: &str,
    with_internal: bool,
) -> QueryResult<Vec<TicketEventView>> {
    let mut q = ticket_events::table
        .inner_join(users::table.on(users::id.eq(ticket_events::author_id)))
        .filter(ticket_events::ticket_id.eq(ticket.to_owned()))
        .order((ticket_events::at.asc(), ticket_events::id.asc()))
        .select((EventRow::as_select(), users::first_name, users::last_name))
        .into_boxed();
    if !with_internal {
        q = q.filter(ticket_events::internal.eq(false));
    }
    let rows: Vec<(EventRow, String, String)> = q.load(conn)?;
    let mut events: Vec<TicketEventView> = rows
        .into_iter()
        .map(|(e, first, last)| e.view(format!("{first} {last}")))
        .collect();
    // The names of the people an entry is about (assignee, participant).
    let mut ids: Vec<String> = events
        .iter()
        .flat_map(|e| [e.assignee_id.clone(), e.participant_id.clone()])
        .flatten()
        .collect();
    ids.sort();
    ids.dedup();
    if !ids.is_empty() {
        let names = names(conn, &ids)?;
        for e in &mut events {
            e.assignee_name = e.assignee_id.as_ref().and_then(|a| names.get(a).cloned());
            e.participant_name = e
                .participant_id
                .as_ref()
                .and_then(|a| names.get(a).cloned());
        }
    }
    Ok(events)
}

/// The display names of accounts `ids`.
fn names(conn: &mut DbConn, ids: &[String]) -> QueryResult<HashMap<String, String>> {
    let rows: Vec<(String, String, String)> = users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::first_name, users::last_name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, first, last)| (id, format!("{first} {last}")))
        .collect())
}

// ---------------------------------------------------------------------------
// Attachments
// ---------------------------------------------------------------------------

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = ticket_attachments)]
pub struct AttachmentRow {
    pub id: String,
    pub ticket_id: String,
    pub event_id: String,
    pub name: String,
    pub size: i64,
    pub sha256: String,
    pub content_type: String,
    pub object_key: String,
    pub uploaded_by: String,
    pub internal: bool,
    pub created_at: NaiveDateTime,
}

impl AttachmentRow {
    pub fn view(&self, uploaded_by_name: String) -> TicketAttachmentView {
        TicketAttachmentView {
            id: self.id.clone(),
            ticket_id: self.ticket_id.clone(),
            event_id: self.event_id.clone(),
            name: self.name.clone(),
            size: self.size,
            sha256: self.sha256.clone(),
            content_type: self.content_type.clone(),
            internal: self.internal,
            uploaded_by: self.uploaded_by.clone(),
            uploaded_by_name,
            created_at: utc(self.created_at),
        }
    }

    pub fn size(&self) -> u64 {
        u64::try_from(self.size).unwrap_or(0)
    }
}

pub fn insert_attachment(conn: &mut DbConn, row: &AttachmentRow) -> QueryResult<usize> {
    diesel::insert_into(ticket_attachments::table)
        .values(row)
        .execute(conn)
}

pub fn count_attachments(conn: &mut DbConn, ticket: &str) -> QueryResult<i64> {
    ticket_attachments::table
        .filter(ticket_attachments::ticket_id.eq(ticket))
        .count()
        .get_result(conn)
}

/// Attachment `id` of `ticket`.
pub fn find_attachment(
    conn: &mut DbConn,
    ticket: &str,
    id: &str,
) -> QueryResult<Option<AttachmentRow>> {
    ticket_attachments::table
        .filter(ticket_attachments::ticket_id.eq(ticket))
        .filter(ticket_attachments::id.eq(id))
        .select(AttachmentRow::as_select())
        .first(conn)
        .optional()
}

/// The files of `ticket`, oldest first, with their uploaders' names;
/// internal ones only `with_internal`.
pub fn attachments(
    conn: &mut DbConn,
    ticket: &str,
    with_internal: bool,
) -> QueryResult<Vec<TicketAttachmentView>> {
    let mut q = ticket_attachments::table
        .inner_join(users::table.on(users::id.eq(ticket_attachments::uploaded_by)))
        .filter(ticket_attachments::ticket_id.eq(ticket.to_owned()))
        .order(ticket_attachments::id.asc())
        .select((
            AttachmentRow::as_select(),
            users::first_name,
            users::last_name,
        ))
        .into_boxed();
    if !with_internal {
        q = q.filter(ticket_attachments::internal.eq(false));
    }
    let rows: Vec<(AttachmentRow, String, String)> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(a, first, last)| a.view(format!("{first} {last}")))
        .collect())
}

/// The key of the reply addresses (made by the migration).
pub fn reply_key(conn: &mut DbConn) -> QueryResult<Vec<u8>> {
    let secret: String = server_secrets::table
        .find("support_reply")
        .select(server_secrets::secret)
        .first(conn)?;
    Ok(secret.into_bytes())
}

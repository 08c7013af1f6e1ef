//! Support desks and tickets (SPEC §8, issue 18): what `/desks*` and
//! `/tickets*` take and show.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError};

use crate::policy::SupportPolicy;

fn category(code: &str) -> Result<(), ValidationError> {
    if SupportPolicy::is_category(code) {
        Ok(())
    } else {
        Err(ValidationError::new("slug"))
    }
}

/// A local desk (one per organisation) or the group desk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DeskKind {
    Local,
    Group,
}

impl DeskKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Local => "local",
            Self::Group => "group",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "local" => Self::Local,
            "group" => Self::Group,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskView {
    pub id: String,
    pub kind: DeskKind,
    /// The organisation of a local desk; none for the group desk.
    pub org_id: Option<String>,
    /// A local desk bears its organisation's name.
    pub name: String,
    /// Whether I am one of its agents.
    pub agent: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskPage {
    pub items: Vec<DeskView>,
    pub next_cursor: Option<String>,
}

/// `POST /desks/{id}/agents`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AddDeskAgent {
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub account_id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskAgentView {
    pub desk_id: String,
    pub account_id: String,
    pub name: String,
    pub assigned_by: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskAgentPage {
    pub items: Vec<DeskAgentView>,
    pub next_cursor: Option<String>,
}

/// An incident (something broke: never held for approval) or a request
/// (something wanted: some categories are approved first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TicketType {
    Incident,
    Request,
}

impl TicketType {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Incident => "incident",
            Self::Request => "request",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "incident" => Self::Incident,
            "request" => Self::Request,
            _ => return None,
        })
    }
}

/// `new → (awaiting_approval →) open ⇄ pending → resolved → closed`;
/// `pending`: an agent answered publicly and waits for the requester
/// (back to `open` when the requester or a participant comments).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TicketState {
    New,
    AwaitingApproval,
    Open,
    Pending,
    Resolved,
    Closed,
}

impl TicketState {
    pub const ALL: [TicketState; 6] = [
        Self::New,
        Self::AwaitingApproval,
        Self::Open,
        Self::Pending,
        Self::Resolved,
        Self::Closed,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::AwaitingApproval => "awaiting_approval",
            Self::Open => "open",
            Self::Pending => "pending",
            Self::Resolved => "resolved",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Being worked: new, open or pending (not waiting for an approval,
    /// not resolved, not closed).
    pub fn in_progress(self) -> bool {
        matches!(self, Self::New | Self::Open | Self::Pending)
    }
}

/// `POST /tickets`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateTicket {
    /// Default: the local desk of my organisation (when I belong to one).
    #[serde(default)]
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub desk_id: Option<String>,
    #[serde(rename = "type")]
    pub kind: TicketType,
    /// A code: 1–64 of `a-z`, `0-9`, `-` (e.g. `admin-rights`).
    #[validate(custom(function = "category"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub category: String,
    #[validate(length(min = 1, max = 200))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub subject: String,
    #[validate(length(min = 1, max = 20000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 20000))]
    pub body: String,
    /// A project the request is about: its sponsor approves it.
    #[serde(default)]
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub project_id: Option<String>,
}

/// `POST /tickets/{id}/comments`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CommentTicket {
    #[validate(length(min = 1, max = 20000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 20000))]
    pub body: String,
    /// An internal note: agents only, never shown to the requester, never
    /// e-mailed.
    #[serde(default)]
    pub internal: bool,
}

/// `POST /tickets/{id}/assign`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssignTicket {
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub agent_id: String,
}

/// `POST /tickets/{id}/escalate`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EscalateTicket {
    #[validate(length(min = 1, max = 20000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 20000))]
    pub reason: String,
}

/// `POST /tickets/{id}/resolve`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResolveTicket {
    #[validate(length(min = 1, max = 20000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 20000))]
    pub resolution: String,
}

/// `GET /tickets`: filters and page.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct TicketQuery {
    /// Only tickets in this state.
    pub state: Option<String>,
    /// Only incidents or only requests.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", param(rename = "type"))]
    pub kind: Option<String>,
    /// Only the tickets at this desk (or escalated from it).
    pub desk: Option<String>,
    /// Only the tickets assigned to this account; `none`: unassigned.
    pub assignee: Option<String>,
    /// Only the tickets this account asked for (e.g. mine, for an agent
    /// whose list also holds their desks' queues).
    pub requester: Option<String>,
    /// Page size, 1–200, default 50.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
    /// Opaque cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketView {
    pub id: String,
    /// The desk handling it now.
    pub desk_id: String,
    /// The local desk it was escalated from (its agents still see it).
    pub escalated_from: Option<String>,
    pub requester_id: String,
    pub requester_name: String,
    #[serde(rename = "type")]
    pub kind: TicketType,
    pub category: String,
    pub subject: String,
    pub body: String,
    pub project_id: Option<String>,
    pub state: TicketState,
    pub assignee_id: Option<String>,
    pub resolution: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketPage {
    pub items: Vec<TicketView>,
    pub next_cursor: Option<String>,
}

/// What happened to a ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TicketEventKind {
    Created,
    Comment,
    State,
    Assign,
    Escalate,
    Approval,
    /// A file attached (`attachment_id`).
    Attachment,
    /// Someone now follows the ticket (`participant_id`).
    ParticipantAdded,
    /// Someone no longer follows it (`participant_id`).
    ParticipantRemoved,
}

impl TicketEventKind {
    pub const ALL: [TicketEventKind; 9] = [
        Self::Created,
        Self::Comment,
        Self::State,
        Self::Assign,
        Self::Escalate,
        Self::Approval,
        Self::Attachment,
        Self::ParticipantAdded,
        Self::ParticipantRemoved,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Comment => "comment",
            Self::State => "state",
            Self::Assign => "assign",
            Self::Escalate => "escalate",
            Self::Approval => "approval",
            Self::Attachment => "attachment",
            Self::ParticipantAdded => "participant_added",
            Self::ParticipantRemoved => "participant_removed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One entry of a ticket's history: who, when, what (a comment or a note,
/// a transition, an assignment, an escalation, an approval decision).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketEventView {
    pub id: String,
    pub kind: TicketEventKind,
    pub at: DateTime<Utc>,
    pub author_id: String,
    pub author_name: String,
    /// An internal note (only agents see these).
    pub internal: bool,
    pub body: Option<String>,
    pub from_state: Option<TicketState>,
    pub to_state: Option<TicketState>,
    pub desk_id: Option<String>,
    pub assignee_id: Option<String>,
    /// The name of the agent assigned.
    pub assignee_name: Option<String>,
    /// The account named or removed as a participant, and their name.
    pub participant_id: Option<String>,
    pub participant_name: Option<String>,
    /// The file attached (one of the thread's `attachments`).
    pub attachment_id: Option<String>,
}

/// A ticket with its whole history (what the reader may see of it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketThread {
    pub ticket: TicketView,
    pub history: Vec<TicketEventView>,
    /// The files attached, oldest first (internal ones for agents only).
    pub attachments: Vec<TicketAttachmentView>,
    /// The people who follow the ticket besides its requester.
    pub participants: Vec<TicketParticipantView>,
}

/// A file attached to a ticket; its bytes are at
/// `/api/v1/tickets/{ticket_id}/attachments/{id}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketAttachmentView {
    pub id: String,
    pub ticket_id: String,
    /// The history entry it was attached by.
    pub event_id: String,
    /// Its file name.
    pub name: String,
    pub size: i64,
    /// Hex SHA-256 of the bytes (also the download's `ETag`).
    pub sha256: String,
    pub content_type: String,
    /// Agents only, like an internal note.
    pub internal: bool,
    pub uploaded_by: String,
    pub uploaded_by_name: String,
    pub created_at: DateTime<Utc>,
}

/// Someone who follows a ticket: they read it, comment on it (also by
/// replying to its e-mails) and receive its public updates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketParticipantView {
    pub account_id: String,
    pub name: String,
    pub added_by: String,
    pub added_at: DateTime<Utc>,
}

/// `POST /tickets/{id}/participants`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AddTicketParticipant {
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub account_id: String,
}

/// `POST /tickets/{id}/attachments?name=…&internal=…`: the query of an
/// upload (the body is the file's bytes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct AttachQuery {
    /// The file's name (`screenshot.png`): 1 to 200 characters, no `/`
    /// (required: without it the upload is refused with 422).
    pub name: Option<String>,
    /// An agents-only file, like an internal note.
    #[serde(default)]
    pub internal: bool,
}

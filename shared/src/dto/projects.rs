//! Projects, their approval by sponsor and data steward, participants
//! (SPEC §4, issue 6).

use serde::{Deserialize, Serialize};
use validator::Validate;

/// `hds` (sensitive health data) or `standard` (SPEC §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DataClass {
    Hds,
    Standard,
}

impl DataClass {
    pub fn as_str(self) -> &'static str {
        match self {
            DataClass::Hds => "hds",
            DataClass::Standard => "standard",
        }
    }
    pub fn parse(s: &str) -> Option<DataClass> {
        match s {
            "hds" => Some(DataClass::Hds),
            "standard" => Some(DataClass::Standard),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ProjectState {
    /// Waiting for the sponsor and the data steward.
    Pending,
    Active,
    Rejected,
    Closed,
}

impl ProjectState {
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectState::Pending => "pending",
            ProjectState::Active => "active",
            ProjectState::Rejected => "rejected",
            ProjectState::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Option<ProjectState> {
        match s {
            "pending" => Some(ProjectState::Pending),
            "active" => Some(ProjectState::Active),
            "rejected" => Some(ProjectState::Rejected),
            "closed" => Some(ProjectState::Closed),
            _ => None,
        }
    }
}

/// `GET /projects`: filters and paging.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct ProjectQuery {
    /// Only the projects of this organisation.
    pub organization_id: Option<String>,
    /// Only projects in this state (projects whose state I may not see
    /// are left out).
    pub state: Option<ProjectState>,
    /// Page size, 1–200, default 50.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
    /// Opaque cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// Which of my approvals `GET /approvals` lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ApprovalListState {
    /// Waiting for my decision on a pending request (my inbox), oldest first.
    #[default]
    Pending,
    /// Those I decided (my history), most recent first.
    Decided,
}

/// `GET /approvals`: filter and paging.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct ApprovalQuery {
    /// `pending` (default) or `decided`.
    pub state: Option<ApprovalListState>,
    /// Page size, 1–200, default 50.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
    /// Opaque cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// `POST /projects`.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateProject {
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub organization_id: String,
    #[validate(length(min = 1, max = 200))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    pub data_class: DataClass,
    /// One of the policy's `organizations.project_domains`.
    #[validate(length(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub domain: String,
    #[serde(default)]
    #[validate(length(max = 2000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub description: String,
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub sponsor_id: String,
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub data_steward_id: String,
}

/// `PATCH /projects/{id}`: only what is sent changes.
#[derive(Clone, Debug, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateProject {
    #[validate(length(min = 1, max = 200))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: Option<String>,
    #[validate(length(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub domain: Option<String>,
    #[validate(length(max = 2000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub description: Option<String>,
}

/// A project as its reader may see it. Operators see names only: then
/// `names_only` is true and every optional field is absent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectView {
    pub id: String,
    pub organization_id: String,
    pub name: String,
    pub names_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<ProjectState>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_class: Option<DataClass>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sponsor_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_steward_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
    /// What happened to it, oldest first (details only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<ProjectEvent>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectEvent {
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor_id: String,
    /// `requested`, `approved`, `rejected`, `activated`, `updated`, `closed`.
    pub kind: String,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectPage {
    pub items: Vec<ProjectView>,
    /// The cursor of the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// The former name of [`ProjectPage`] (one page of the list, SPEC §11).
pub type ProjectList = ProjectPage;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ApprovalDecision {
    Approve,
    Reject,
}

/// `POST /approvals/{id}/decision`; a rejection needs a comment.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecideApproval {
    pub decision: ApprovalDecision,
    #[serde(default)]
    #[validate(length(max = 2000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub comment: Option<String>,
}

/// One approval waiting for (or given by) one approver.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalView {
    pub id: String,
    pub request_id: String,
    /// `project` (catalog orders will reuse the model).
    pub subject_type: String,
    pub subject_id: String,
    /// The subject's name, for the inbox.
    pub subject_name: String,
    pub requested_by: String,
    /// `sponsor` or `data_steward`.
    pub approver_role: String,
    pub decision: Option<ApprovalDecision>,
    pub comment: Option<String>,
    pub requested_at: chrono::DateTime<chrono::Utc>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalPage {
    pub items: Vec<ApprovalView>,
    /// The cursor of the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// The former name of [`ApprovalPage`] (one page of the list, SPEC §11).
pub type ApprovalList = ApprovalPage;

/// `POST /projects/{id}/participants`.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InviteParticipant {
    #[validate(email, length(max = 254))]
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: String,
    /// Free label of the participant's part (e.g. `analyst`).
    #[serde(default)]
    #[validate(length(max = 50))]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub role: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ParticipantState {
    /// An existing account: access now.
    Active,
    /// No account yet: access once the account with this e-mail exists.
    Invited,
    Revoked,
}

impl ParticipantState {
    pub fn as_str(self) -> &'static str {
        match self {
            ParticipantState::Active => "active",
            ParticipantState::Invited => "invited",
            ParticipantState::Revoked => "revoked",
        }
    }
    pub fn parse(s: &str) -> Option<ParticipantState> {
        match s {
            "active" => Some(ParticipantState::Active),
            "invited" => Some(ParticipantState::Invited),
            "revoked" => Some(ParticipantState::Revoked),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ParticipantView {
    pub id: String,
    pub project_id: String,
    pub user_id: Option<String>,
    pub email: String,
    pub role: Option<String>,
    pub state: ParticipantState,
    pub invited_by: String,
    pub invited_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ParticipantPage {
    pub items: Vec<ParticipantView>,
    /// The cursor of the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// The former name of [`ParticipantPage`] (one page of the list, SPEC §11).
pub type ParticipantList = ParticipantPage;

//! Organisations, members and invitations (SPEC §4, issue 6).

use serde::{Deserialize, Serialize};
use validator::Validate;

use super::AccountState;
use crate::policy::OrgRole;

/// `POST /organizations` (admins).
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateOrganization {
    #[validate(length(min = 1, max = 200))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    #[serde(default)]
    #[validate(length(max = 2000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub description: String,
}

/// `PATCH /organizations/{id}` (its managers, admins): only what is sent changes.
#[derive(Clone, Debug, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganization {
    #[validate(length(min = 1, max = 200))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: Option<String>,
    #[validate(length(max = 2000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganizationView {
    pub id: String,
    pub name: String,
    pub description: String,
    /// My role in it (`None` for an administrator who is not a member).
    pub my_role: Option<OrgRole>,
    pub members: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganizationPage {
    pub items: Vec<OrganizationView>,
    /// The cursor of the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// The former name of [`OrganizationPage`] (one page of the list, SPEC §11).
pub type OrganizationList = OrganizationPage;

/// A membership's state inside its organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MembershipState {
    Active,
    /// Blocked by a manager: keeps the row, loses every right in the organisation.
    Blocked,
}

impl MembershipState {
    pub fn as_str(self) -> &'static str {
        match self {
            MembershipState::Active => "active",
            MembershipState::Blocked => "blocked",
        }
    }
    pub fn parse(s: &str) -> Option<MembershipState> {
        match s {
            "active" => Some(MembershipState::Active),
            "blocked" => Some(MembershipState::Blocked),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberView {
    pub user_id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub account_state: AccountState,
    pub role: OrgRole,
    pub state: MembershipState,
    pub added_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberPage {
    pub items: Vec<MemberView>,
    /// The cursor of the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// The former name of [`MemberPage`] (one page of the list, SPEC §11).
pub type MemberList = MemberPage;

/// `GET /organizations/{id}/members`: filters and paging.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct MemberQuery {
    /// Only members with this role.
    pub role: Option<OrgRole>,
    /// Only members in this state.
    pub state: Option<MembershipState>,
    /// Page size, 1–200, default 50.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
    /// Opaque cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// `PATCH /organizations/{id}/members/{user_id}`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangeMemberRole {
    pub role: OrgRole,
}

/// The addresses of a bulk invitation: a JSON list, or one string separated
/// by `;` (spaces and line breaks tolerated).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum EmailList {
    List(Vec<String>),
    Joined(String),
}

impl EmailList {
    /// The addresses, trimmed, empty pieces dropped, in the order given.
    pub fn addresses(&self) -> Vec<String> {
        let pieces: Vec<&str> = match self {
            EmailList::List(v) => v.iter().map(String::as_str).collect(),
            EmailList::Joined(s) => s.split(';').collect(),
        };
        pieces
            .into_iter()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// `POST /organizations/{id}/invitations`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InviteMembers {
    pub emails: EmailList,
    /// The role every address gets.
    pub role: OrgRole,
}

/// What happened to one address of a bulk invitation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum InvitationOutcome {
    /// No account yet: an invitation link was e-mailed.
    Invited,
    /// An account exists: added as a member at once (and told by e-mail).
    Added,
    AlreadyMember,
    /// Already invited and still pending: nothing new sent.
    AlreadyInvited,
    InvalidEmail,
    DomainNotAllowed,
    /// The same address appears earlier in this request.
    Duplicate,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationResult {
    pub email: String,
    pub outcome: InvitationOutcome,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationReport {
    pub results: Vec<InvitationResult>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationView {
    pub id: String,
    pub organization_id: String,
    pub email: String,
    pub role: OrgRole,
    pub invited_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationPage {
    pub items: Vec<InvitationView>,
    /// The cursor of the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// The former name of [`InvitationPage`] (one page of the list, SPEC §11).
pub type InvitationList = InvitationPage;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_joined_list_tolerates_spaces_and_line_breaks() {
        let joined: InviteMembers = serde_json::from_str(
            r#"{"emails": " a@inserm.fr ;b@inserm.fr;\n c@inserm.fr ;; ", "role": "user"}"#,
        )
        .expect("json");
        assert_eq!(
            joined.emails.addresses(),
            ["a@inserm.fr", "b@inserm.fr", "c@inserm.fr"]
        );
        let list: InviteMembers =
            serde_json::from_str(r#"{"emails": ["a@inserm.fr", " "], "role": "manager"}"#)
                .expect("json");
        assert_eq!(list.emails.addresses(), ["a@inserm.fr"]);
        assert!(serde_json::from_str::<InviteMembers>(r#"{"emails": 3, "role": "user"}"#).is_err());
    }
}

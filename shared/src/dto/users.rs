use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::policy::Profile;

/// Account states (SPEC §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountState {
    Created,
    Active,
    Blocked,
    Departing,
    Deleted,
}

impl AccountState {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountState::Created => "created",
            AccountState::Active => "active",
            AccountState::Blocked => "blocked",
            AccountState::Departing => "departing",
            AccountState::Deleted => "deleted",
        }
    }

    pub fn parse(s: &str) -> Option<AccountState> {
        Some(match s {
            "created" => AccountState::Created,
            "active" => AccountState::Active,
            "blocked" => AccountState::Blocked,
            "departing" => AccountState::Departing,
            "deleted" => AccountState::Deleted,
            _ => return None,
        })
    }

    /// May an account in this state sign in and use its tokens?
    pub fn may_sign_in(self) -> bool {
        matches!(
            self,
            AccountState::Created | AccountState::Active | AccountState::Departing
        )
    }
}

/// Interface languages (SPEC §4 preferences).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Language {
    En,
    Fr,
    Ja,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Fr => "fr",
            Language::Ja => "ja",
        }
    }
    pub fn parse(s: &str) -> Option<Language> {
        Some(match s {
            "en" => Language::En,
            "fr" => Language::Fr,
            "ja" => Language::Ja,
            _ => return None,
        })
    }
}

/// Date formats an account may choose (SPEC §4 preferences).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DateFormat {
    #[serde(rename = "dd/MM/yyyy")]
    DayMonthYear,
    #[serde(rename = "MM/dd/yyyy")]
    MonthDayYear,
}

impl DateFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            DateFormat::DayMonthYear => "dd/MM/yyyy",
            DateFormat::MonthDayYear => "MM/dd/yyyy",
        }
    }
    pub fn parse(s: &str) -> Option<DateFormat> {
        Some(match s {
            "dd/MM/yyyy" => DateFormat::DayMonthYear,
            "MM/dd/yyyy" => DateFormat::MonthDayYear,
            _ => return None,
        })
    }
}

/// `POST /users`: create a subordinate account (SPEC §2.3, §3.1).
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    #[validate(length(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub first_name: String,
    #[validate(length(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub last_name: String,
    /// Professional e-mail in an allowed institutional domain.
    #[validate(email, length(max = 254))]
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: String,
    pub profile: Profile,
    /// Defaults to the creator.
    pub supervisor_id: Option<String>,
}

/// An account as its viewer may see it. Personal fields (`phone`,
/// preferences) are present only for the owner and the webmaster (SPEC §2.5).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub profile: Profile,
    pub state: AccountState,
    pub supervisor_id: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personal: Option<PersonalData>,
}

/// What only the owner (and the webmaster, read-only) sees.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonalData {
    pub language: Language,
    pub date_format: DateFormat,
    pub phone: Option<String>,
    pub must_change_password: bool,
    pub charter_version: Option<String>,
    pub charter_accepted_at: Option<chrono::DateTime<chrono::Utc>>,
    pub last_login_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// `201` answer of `POST /users`: the initial password appears here only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedUser {
    pub user: UserView,
    /// Hand it over by another channel than e-mail; it is never shown again.
    pub initial_password: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserPage {
    pub items: Vec<UserView>,
    pub next_cursor: Option<String>,
}

/// `GET /users` query: search and paging.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct UserQuery {
    /// Case-insensitive prefix of the first name, the last name, the full
    /// name ("first last") or the e-mail (for pickers); up to 100 characters.
    pub q: Option<String>,
    /// Page size, 1–200, default 50.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
    /// Opaque cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// `PATCH /me`: the only fields a person may change about themselves.
#[derive(Clone, Debug, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateMe {
    pub language: Option<Language>,
    pub date_format: Option<DateFormat>,
    /// Empty string clears it.
    #[validate(length(max = 40))]
    #[cfg_attr(feature = "openapi", schema(max_length = 40))]
    pub phone: Option<String>,
}

/// `PATCH /users/{id}`: the professional identity of an account, changed
/// by its creator line or an admin (SPEC §2.5). Absent fields stay.
#[derive(Clone, Debug, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    #[validate(length(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub first_name: Option<String>,
    #[validate(length(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub last_name: Option<String>,
    /// Professional e-mail in an allowed institutional domain; the old and
    /// the new address are told.
    #[validate(email, length(max = 254))]
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: Option<String>,
}

/// `POST /me/charter`: accept the current confidentiality charter.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AcceptCharter {
    /// Must equal the policy's `charter_version`.
    #[validate(length(min = 1, max = 50))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50))]
    pub version: String,
}

/// `GET /me`: the caller's account and what the policy lets them create.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub user: UserView,
    pub supervisor: Option<UserView>,
    pub can_create: Vec<Profile>,
    pub current_charter_version: String,
}

/// `POST /users/{id}/departure` (SPEC §3.6).
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScheduleDeparture {
    /// When the account is deleted and its works handed over; in the future.
    pub date: chrono::DateTime<chrono::Utc>,
    /// Who inherits instead of the direct supervisor; required for experts
    /// (another expert).
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub heir_id: Option<String>,
}

/// What a departure will hand over, and to whom.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepartureView {
    pub user_id: String,
    pub date: chrono::DateTime<chrono::Utc>,
    pub heir_id: Option<String>,
    /// The heir, or else the direct supervisor.
    pub receiver_id: String,
    pub scheduled_by: String,
    /// How many works of each state go to the receiver; left out for
    /// administrators, who see nothing about works (SPEC §2.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drafts: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unpublished: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<i64>,
    /// People whose supervisor becomes the receiver.
    pub subordinates: i64,
    pub done_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// `POST /users/{id}/handover`: an admin or webmaster seat to a new person.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HandoverSeat {
    #[validate(email, length(max = 254))]
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: String,
    #[validate(length(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub first_name: String,
    #[validate(length(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub last_name: String,
}

/// `DELETE /users/{id}?heir_id=`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct DeleteUserQuery {
    /// Required for experts: another expert inherits.
    pub heir_id: Option<String>,
}

/// `POST /users/{id}/secondments` (SPEC §2.5): attach a person to a host
/// supervisor for `[starts_at, ends_at)`. The host is named by id, or by
/// exact e-mail address (a host in another team is usually not among the
/// accounts the arranger may list); exactly one of the two.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateSecondment {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub host_supervisor_id: Option<String>,
    /// The host's professional e-mail address, exactly (any case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, max = 254))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 254))]
    pub host_email: Option<String>,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub ends_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondmentView {
    pub id: String,
    pub user_id: String,
    pub host_supervisor_id: String,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub ends_at: chrono::DateTime<chrono::Utc>,
    pub created_by: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondmentPage {
    pub items: Vec<SecondmentView>,
    /// The cursor of the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// The former name of [`SecondmentPage`] (one page of the list, SPEC §11).
pub type SecondmentList = SecondmentPage;

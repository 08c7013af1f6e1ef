use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::policy::WorkState;

/// `POST /works`: record a draft work.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateWork {
    #[validate(length(min = 1, max = 200))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub title: String,
    #[validate(length(max = 5000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    #[serde(default)]
    pub summary: String,
    /// The project the work belongs to: an active project I see, in whose
    /// organisation my role may annotate.
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub project_id: Option<String>,
}

/// `PATCH /works/{id}`: file my work into a project (`project_id`), or out
/// of its project (`project_id: null`). An absent field is left unchanged.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateWork {
    /// An active project I see, in whose organisation my role may annotate;
    /// `null` takes the work out of its project.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<String>, nullable, min_length = 1, max_length = 64)
    )]
    pub project_id: Option<Option<String>>,
}

/// A field that is present, even as `null` (`Some(None)`), unlike one that
/// is absent (`None`, by `#[serde(default)]`).
fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// A work as its viewer may see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkView {
    pub id: String,
    /// Who owns it now (changes when people leave, SPEC §3.7).
    pub owner_id: String,
    /// Who recorded it.
    pub author_id: String,
    pub title: String,
    pub summary: String,
    pub state: WorkState,
    pub project_id: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkPage {
    pub items: Vec<WorkView>,
    pub next_cursor: Option<String>,
}

/// `GET /works` filters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct WorkQuery {
    /// Only this owner's works (those visible to me).
    pub owner_id: Option<String>,
    /// Only the works of this project (those visible to me).
    pub project_id: Option<String>,
    pub state: Option<WorkState>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// `POST /works/{id}/state`: one step forward.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangeWorkState {
    pub state: WorkState,
}

#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateAnnotation {
    #[validate(length(min = 1, max = 5000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 5000))]
    pub body: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnnotationView {
    pub id: String,
    pub work_id: String,
    pub author_id: String,
    pub body: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnnotationPage {
    pub items: Vec<AnnotationView>,
    /// The cursor of the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// The former name of [`AnnotationPage`] (one page of the list, SPEC §11).
pub type AnnotationList = AnnotationPage;

/// One line of a person's activity log (SPEC §2.5).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityEntry {
    pub id: String,
    /// `sign_in`, `token_use`, `work_view`, `file_download`, `file_download_refused`.
    pub kind: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityPage {
    pub items: Vec<ActivityEntry>,
    pub next_cursor: Option<String>,
}

/// `POST /works/{id}/transfer`: the owner gives the work to someone.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TransferWork {
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub to: String,
}

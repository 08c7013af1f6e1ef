//! Datasets and their files (SPEC §5, issue 15).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

/// `POST /projects/{id}/datasets`.
#[derive(Clone, Debug, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateDataset {
    #[validate(length(min = 1, max = 200))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    #[validate(length(max = 2000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    #[serde(default)]
    pub description: Option<String>,
}

/// `PATCH /datasets/{id}`: only what is sent changes.
#[derive(Clone, Debug, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateDataset {
    #[validate(length(min = 1, max = 200))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: Option<String>,
    #[validate(length(max = 2000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub description: Option<String>,
}

/// What a project stores and may store, and what its services cost in a
/// window (`GET /projects/{id}/usage?from=&to=`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectUsage {
    pub project_id: String,
    /// Datasets of the project.
    pub datasets: u64,
    /// Files in them.
    pub files: u64,
    /// Bytes those files hold.
    pub bytes_stored: u64,
    /// The project's quota, in bytes.
    pub quota_bytes: u64,
    /// The largest file the policy accepts, in bytes.
    pub max_file_bytes: u64,
    /// Start of the window of the service usage (default: the first
    /// instant of this month, UTC).
    pub from: Option<DateTime<Utc>>,
    /// End of the window (default: now).
    pub to: Option<DateTime<Utc>>,
    /// Instance-hours of the project's services in the window.
    pub instance_hours: f64,
    /// Their cost (hours × the price per hour at the time), in `unit`.
    pub cost: f64,
    pub unit: String,
    /// The same, per offering.
    pub services: Vec<super::UsageLine>,
}

/// `?from=&to=` of the project's usage (RFC 3339 instants).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct UsageQuery {
    /// Start of the window (RFC 3339); default: the first instant of this
    /// month (UTC).
    pub from: Option<String>,
    /// End of the window (RFC 3339); default: now.
    pub to: Option<String>,
}

/// `GET /me/configurations`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfigurationPage {
    pub items: Vec<super::SavedConfiguration>,
    /// The cursor of the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// A dataset as its reader may see it. Those who see the project's name
/// only (operators) get `names_only` and no description.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DatasetView {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub names_only: bool,
    pub description: Option<String>,
    pub created_by: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DatasetPage {
    pub items: Vec<DatasetView>,
    /// The cursor of the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// One file of a dataset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileView {
    pub id: String,
    pub dataset_id: String,
    /// Relative, normalised (`raw/run-01.fastq.gz`).
    pub path: String,
    pub size: u64,
    /// Lower-case hex SHA-256 of the content.
    pub sha256: String,
    pub content_type: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FilePage {
    pub items: Vec<FileView>,
    /// The cursor of the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// `GET /datasets/{id}/files`: a page, optionally of the paths under a prefix.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct FileQuery {
    /// Page size, 1–200, default 50.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
    /// Opaque cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Only the paths that start with this.
    pub prefix: Option<String>,
}

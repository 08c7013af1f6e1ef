//! The dataset rules (SPEC §5, issue 15): datasets of active projects
//! change, others are read-only; file paths are relative and normalised;
//! a file fits the policy's per-file limit and its project's quota; the
//! digest the client expects is the digest that arrived. Each change runs
//! in one transaction with its audit row and fails with a
//! [`DatasetError`]; the caller has already been authorised.

use std::io;

use base64::Engine;
use chrono::{DateTime, Utc};
use habilis_shared::dto::{CreateDataset, DatasetView, FileView, ProjectState, UpdateDataset};
use habilis_shared::i18n::Msg;
use serde_json::json;

use super::queries::{self, DatasetRow, FileRow};
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::Caller;
use crate::clock::db_time;
use crate::db::DbConn;
use crate::error::{ApiError, ProblemType};
use crate::projects::queries as projects_q;

/// Longest file path, in bytes.
pub const MAX_PATH_BYTES: usize = 1024;

/// Why a dataset rule refused, or the database or the storage failed.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    #[error("the project is {}, its datasets are read-only", .0.as_str())]
    ProjectNotActive(ProjectState),
    #[error("the project has a dataset of this name")]
    NameTaken,
    #[error("the dataset still has files")]
    NotEmpty,
    #[error("uploads to the dataset are in progress")]
    UploadsPending,
    #[error("invalid file path")]
    BadPath,
    #[error("the file is larger than the per-file limit")]
    FileTooLarge { size: u64, limit: u64 },
    #[error("the project's quota would be exceeded")]
    QuotaExceeded { used: u64, size: u64, limit: u64 },
    #[error("malformed expected digest")]
    BadDigest,
    #[error("the content does not have the expected digest")]
    DigestMismatch,
    #[error("range outside the file")]
    BadRange { size: u64 },
    #[error("the file changed meanwhile")]
    Changed,
    #[error("no such dataset or file")]
    NotFound,
    #[error("storage: {0}")]
    Storage(#[from] io::Error),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl From<DatasetError> for ApiError {
    fn from(e: DatasetError) -> Self {
        use DatasetError as E;
        match e {
            E::ProjectNotActive(state) => ApiError::conflict(
                ProblemType::WrongState,
                Msg::new("datasets-project-not-active").arg("state", state.as_str()),
            ),
            E::NameTaken => {
                ApiError::conflict(ProblemType::NameTaken, Msg::new("datasets-name-taken"))
            }
            E::NotEmpty => ApiError::conflict(ProblemType::InUse, Msg::new("datasets-not-empty")),
            E::UploadsPending => {
                ApiError::conflict(ProblemType::InUse, Msg::new("datasets-uploads-pending"))
            }
            E::BadPath => ApiError::field("path", Msg::new("datasets-path-invalid")),
            E::FileTooLarge { size, limit } => ApiError::new(
                ProblemType::QuotaExceeded,
                Msg::new("datasets-file-too-large")
                    .arg("size", size.to_string())
                    .arg("limit", limit.to_string()),
            )
            .with_quota(0, size, limit),
            E::QuotaExceeded { used, size, limit } => ApiError::new(
                ProblemType::QuotaExceeded,
                Msg::new("datasets-quota-exceeded")
                    .arg("used", used.to_string())
                    .arg("size", size.to_string())
                    .arg("limit", limit.to_string()),
            )
            .with_quota(used, size, limit),
            E::BadDigest => ApiError::field("digest", Msg::new("datasets-digest-malformed")),
            E::DigestMismatch => ApiError::field("digest", Msg::new("datasets-digest-mismatch")),
            E::BadRange { size } => ApiError::new(
                ProblemType::RangeNotSatisfiable,
                Msg::new("datasets-range-invalid").arg("size", size.to_string()),
            ),
            E::Changed => ApiError::conflict(ProblemType::WrongState, Msg::new("datasets-changed")),
            E::NotFound => ApiError::not_found(),
            E::Storage(e) => ApiError::internal(e),
            E::Db(e) => e.into(),
        }
    }
}

pub type DatasetResult<T> = Result<T, DatasetError>;

/// A file path as stored: relative, `/`-separated, without empty or `.`
/// segments (dropped) nor `..` (refused), no leading `/`, backslash or
/// control character (NUL included), at most [`MAX_PATH_BYTES`].
pub fn normalise_path(raw: &str) -> DatasetResult<String> {
    if raw.starts_with('/')
        || raw.contains('\\')
        || raw.chars().any(char::is_control)
        || raw.len() > MAX_PATH_BYTES
    {
        return Err(DatasetError::BadPath);
    }
    let mut parts = Vec::new();
    for seg in raw.split('/') {
        match seg {
            "" | "." => {}
            ".." => return Err(DatasetError::BadPath),
            s => parts.push(s),
        }
    }
    if parts.is_empty() {
        return Err(DatasetError::BadPath);
    }
    Ok(parts.join("/"))
}

/// The SHA-256 a client expects, from `Repr-Digest: sha-256=:b64:`
/// (RFC 9530) or `Digest: sha-256=b64` (RFC 3230); `None` when neither
/// names SHA-256.
pub fn expected_digest(
    repr_digest: Option<&str>,
    digest: Option<&str>,
) -> DatasetResult<Option<[u8; 32]>> {
    let member = |header: &str, colons: bool| -> Option<String> {
        header.split(',').find_map(|m| {
            let (k, v) = m.trim().split_once('=')?;
            if !k.trim().eq_ignore_ascii_case("sha-256") {
                return None;
            }
            let v = v.trim();
            Some(if colons {
                v.strip_prefix(':')
                    .and_then(|v| v.strip_suffix(':'))
                    .unwrap_or("!")
                    .to_owned()
            } else {
                v.to_owned()
            })
        })
    };
    let b64 = repr_digest
        .and_then(|h| member(h, true))
        .or_else(|| digest.and_then(|h| member(h, false)));
    let Some(b64) = b64 else {
        return Ok(None);
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.as_bytes())
        .map_err(|_| DatasetError::BadDigest)?;
    <[u8; 32]>::try_from(bytes.as_slice())
        .map(Some)
        .map_err(|_| DatasetError::BadDigest)
}

/// The byte range of `Range: bytes=…` within `size`: `(start, len)`.
/// `Ok(None)`: no range, or one this server answers with the whole file
/// (several ranges, another unit, a malformed header — RFC 9110 §14.2
/// lets it ignore them).
pub fn byte_range(header: Option<&str>, size: u64) -> DatasetResult<Option<(u64, u64)>> {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return Ok(None);
    };
    let (a, b) = (a.trim(), b.trim());
    let range = if a.is_empty() {
        // The last `b` bytes.
        let Ok(n) = b.parse::<u64>() else {
            return Ok(None);
        };
        if n == 0 || size == 0 {
            return Err(DatasetError::BadRange { size });
        }
        let n = n.min(size);
        (size - n, n)
    } else {
        let Ok(start) = a.parse::<u64>() else {
            return Ok(None);
        };
        let end = if b.is_empty() {
            size.saturating_sub(1)
        } else {
            match b.parse::<u64>() {
                Ok(e) if e >= start => e.min(size.saturating_sub(1)),
                _ => return Ok(None),
            }
        };
        if start >= size {
            return Err(DatasetError::BadRange { size });
        }
        (start, end - start + 1)
    };
    Ok(Some(range))
}

/// Datasets change in active projects only; the state is read under the
/// project's lock (see [`projects_q::locked_state`]).
pub fn check_active(conn: &mut DbConn, project: &str) -> DatasetResult<()> {
    match projects_q::locked_state(conn, project)?.ok_or(DatasetError::NotFound)? {
        ProjectState::Active => Ok(()),
        other => Err(DatasetError::ProjectNotActive(other)),
    }
}

/// What the policy lets one file weigh: the per-file limit and the
/// project's quota, counting the file it replaces as freed.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_file: u64,
    pub quota: u64,
    /// Bytes the project stores, less the file this one replaces.
    pub used: u64,
}

impl Limits {
    pub fn check(&self, size: u64) -> DatasetResult<()> {
        if size > self.max_file {
            return Err(DatasetError::FileTooLarge {
                size,
                limit: self.max_file,
            });
        }
        if self.used.saturating_add(size) > self.quota {
            return Err(DatasetError::QuotaExceeded {
                used: self.used,
                size,
                limit: self.quota,
            });
        }
        Ok(())
    }
}

pub fn create(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    project: &str,
    req: &CreateDataset,
) -> DatasetResult<DatasetView> {
    conn.write_tx(|conn| {
        check_active(conn, project)?;
        let name = req.name.trim();
        if queries::name_taken(conn, project, name, None)? {
            return Err(DatasetError::NameTaken);
        }
        let at = db_time(now);
        let row = DatasetRow {
            id: uuid::Uuid::now_v7().to_string(),
            project_id: project.to_owned(),
            name: name.to_owned(),
            description: req.description.as_deref().unwrap_or("").trim().to_owned(),
            created_by: caller.id().to_owned(),
            created_at: at,
            updated_at: at,
        };
        queries::insert(conn, &row)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::DatasetCreate, Outcome::Success)
                .actor(caller.id())
                .target("dataset", row.id.clone())
                .detail(json!({ "project_id": project, "name": row.name }))
                .ctx(&caller.ctx),
        )?;
        Ok(row.view())
    })
}

pub fn update(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    ds: &DatasetRow,
    req: &UpdateDataset,
) -> DatasetResult<DatasetView> {
    conn.write_tx(|conn| {
        check_active(conn, &ds.project_id)?;
        let name = req.name.as_deref().map_or(ds.name.as_str(), str::trim);
        let description = req
            .description
            .as_deref()
            .map_or(ds.description.as_str(), str::trim);
        if queries::name_taken(conn, &ds.project_id, name, Some(&ds.id))? {
            return Err(DatasetError::NameTaken);
        }
        if queries::rename(conn, &ds.id, name, description, db_time(now))? != 1 {
            return Err(DatasetError::NotFound);
        }
        audit::append(
            conn,
            now,
            Event::new(AuditAction::DatasetUpdate, Outcome::Success)
                .actor(caller.id())
                .target("dataset", ds.id.clone())
                .detail(json!({ "from": ds.name, "name": name }))
                .ctx(&caller.ctx),
        )?;
        Ok(queries::find(conn, &ds.id)?
            .ok_or(DatasetError::NotFound)?
            .view())
    })
}

/// Deletes an empty dataset (its files are deleted one by one first, so
/// that each deletion is on record).
pub fn delete(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    ds: &DatasetRow,
) -> DatasetResult<()> {
    conn.write_tx(|conn| {
        check_active(conn, &ds.project_id)?;
        if queries::has_files(conn, &ds.id)? {
            return Err(DatasetError::NotEmpty);
        }
        if queries::has_uploads(conn, &ds.id)? {
            return Err(DatasetError::UploadsPending);
        }
        queries::delete(conn, &ds.id)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::DatasetDelete, Outcome::Success)
                .actor(caller.id())
                .target("dataset", ds.id.clone())
                .detail(json!({ "project_id": ds.project_id, "name": ds.name }))
                .ctx(&caller.ctx),
        )?;
        Ok(())
    })
}

/// The limits a new file at `path` of `ds` is held to: the bytes the
/// project stores (less the file at `path`, which it would replace) and
/// those its unexpired resumable uploads other than `except` will bring
/// count as used — the same account for a one-request `PUT`, a tus upload
/// and the recording of either.
pub fn limits(
    conn: &mut DbConn,
    policy: &habilis_shared::policy::Policy,
    ds: &DatasetRow,
    path: &str,
    except: Option<&str>,
    now: DateTime<Utc>,
) -> DatasetResult<Limits> {
    let used = queries::project_usage(conn, &ds.project_id)?;
    let replaced = queries::file_at(conn, &ds.id, path)?.map_or(0, |f| f.size());
    let reserved = queries::reserved(conn, &ds.project_id, except, db_time(now))?;
    Ok(Limits {
        max_file: policy.organizations.max_file_bytes,
        quota: policy.organizations.project_quota_bytes,
        used: used.saturating_sub(replaced).saturating_add(reserved),
    })
}

/// A file whose bytes are committed under `row.object_key`.
pub struct Arrived {
    pub row: FileRow,
}

/// Records the committed file (replacing the file at the same path, whose
/// object key is returned for deletion), after checking again, under the
/// project's lock, that the project is active and the quota holds.
pub fn record_file(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    policy: &habilis_shared::policy::Policy,
    ds: &DatasetRow,
    arrived: &Arrived,
) -> DatasetResult<(FileView, Option<String>)> {
    conn.write_tx(|conn| record_file_within(conn, now, caller, policy, ds, arrived))
}

/// [`record_file`] inside the caller's write transaction (a resumable
/// upload removes its own row in the same one).
pub fn record_file_within(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    policy: &habilis_shared::policy::Policy,
    ds: &DatasetRow,
    arrived: &Arrived,
) -> DatasetResult<(FileView, Option<String>)> {
    check_active(conn, &ds.project_id)?;
    limits(conn, policy, ds, &arrived.row.path, None, now)?.check(arrived.row.size())?;
    let old = queries::file_at(conn, &ds.id, &arrived.row.path)?;
    if let Some(old) = &old {
        queries::delete_file(conn, &old.id)?;
    }
    queries::insert_file(conn, &arrived.row)?;
    audit::append(
        conn,
        now,
        Event::new(AuditAction::FileUpload, Outcome::Success)
            .actor(caller.id())
            .target("file", arrived.row.id.clone())
            .detail(json!({
                "dataset_id": ds.id,
                "path": arrived.row.path,
                "size": arrived.row.size,
                "sha256": arrived.row.sha256,
                "replaces": old.as_ref().map(|o| o.id.clone()),
            }))
            .ctx(&caller.ctx),
    )?;
    Ok((arrived.row.view(), old.map(|o| o.object_key)))
}

/// Deletes the file's row (its object is deleted after the commit).
pub fn delete_file(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    file: &FileRow,
) -> DatasetResult<()> {
    conn.write_tx(|conn| {
        check_active(conn, &file.project_id)?;
        if queries::delete_file(conn, &file.id)? != 1 {
            return Err(DatasetError::NotFound);
        }
        audit::append(
            conn,
            now,
            Event::new(AuditAction::FileDelete, Outcome::Success)
                .actor(caller.id())
                .target("file", file.id.clone())
                .detail(json!({
                    "dataset_id": file.dataset_id,
                    "path": file.path,
                    "sha256": file.sha256,
                }))
                .ctx(&caller.ctx),
        )?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_and_normalised() {
        assert_eq!(
            normalise_path("raw/run-01.fastq.gz").ok().as_deref(),
            Some("raw/run-01.fastq.gz")
        );
        assert_eq!(normalise_path("a//./b/").ok().as_deref(), Some("a/b"));
        for bad in [
            "",
            "/etc/passwd",
            "a/../b",
            "..",
            "a\\b",
            "a\0b",
            "./",
            &"x".repeat(1025),
        ] {
            assert!(normalise_path(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn digests_and_ranges() {
        let b64 = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        let repr = format!("sha-512=:AA==:, sha-256=:{b64}:");
        assert_eq!(
            expected_digest(Some(&repr), None).ok().flatten(),
            Some([7u8; 32])
        );
        let legacy = format!("SHA-256={b64}");
        assert_eq!(
            expected_digest(None, Some(&legacy)).ok().flatten(),
            Some([7u8; 32])
        );
        assert!(expected_digest(Some("sha-256=:AA==:"), None).is_err());
        assert_eq!(
            expected_digest(Some("sha-512=:AA==:"), None).ok(),
            Some(None)
        );
        assert_eq!(
            byte_range(Some("bytes=0-9"), 100).ok().flatten(),
            Some((0, 10))
        );
        assert_eq!(
            byte_range(Some("bytes=90-"), 100).ok().flatten(),
            Some((90, 10))
        );
        assert_eq!(
            byte_range(Some("bytes=-5"), 100).ok().flatten(),
            Some((95, 5))
        );
        assert_eq!(
            byte_range(Some("bytes=50-500"), 100).ok().flatten(),
            Some((50, 50))
        );
        assert_eq!(byte_range(Some("bytes=0-1,5-6"), 100).ok().flatten(), None);
        assert!(byte_range(Some("bytes=100-"), 100).is_err());
    }
}

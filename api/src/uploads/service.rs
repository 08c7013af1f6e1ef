//! The rules of resumable uploads (issue 15): the tus headers read as the
//! protocol says, the dataset's rules (paths, active projects, the
//! per-file limit and the project's quota, counting the other unfinished
//! uploads as used), the lease a request holds while its bytes stream, and
//! the expiry. Each change is one short transaction, never held while
//! bytes stream; the caller has already been authorised.

use std::io;

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use habilis_shared::dto::FileView;
use habilis_shared::i18n::Msg;
use habilis_shared::policy::Policy;

use super::queries::{self, UploadRow};
use super::sha256::Sha256State;
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::Caller;
use crate::clock::db_time;
use crate::datasets::service::{self as datasets, Arrived, DatasetError, Limits};
use crate::datasets::DatasetRow;
use crate::db::DbConn;
use crate::error::{ApiError, ProblemType};

/// The tus version spoken.
pub const TUS_VERSION: &str = "1.0.0";
/// The tus extensions served.
pub const TUS_EXTENSIONS: &str =
    "creation,creation-with-upload,creation-defer-length,termination,expiration,checksum";
/// The per-chunk checksum algorithms.
pub const TUS_CHECKSUMS: &str = "sha1,sha256";
/// The content type of the bytes of a tus request.
pub const OFFSET_OCTET_STREAM: &str = "application/offset+octet-stream";

/// Why an upload rule refused, or the database or the storage failed.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error(transparent)]
    Dataset(DatasetError),
    #[error("Tus-Resumable is not 1.0.0")]
    TusVersion,
    #[error("the bytes are not application/offset+octet-stream")]
    ContentType,
    #[error("malformed Upload-Offset")]
    BadOffsetHeader,
    #[error("Upload-Length or Upload-Defer-Length missing or malformed")]
    BadLengthHeader,
    #[error("the length is known and cannot change")]
    LengthFixed { length: u64 },
    #[error("the length is less than the bytes received")]
    LengthShort { length: u64, offset: u64 },
    #[error("the bytes go past the upload's length")]
    TooLong { length: u64 },
    #[error("malformed Upload-Metadata")]
    BadMetadata,
    #[error("malformed sha256 metadata")]
    BadSha256,
    #[error("malformed Upload-Checksum")]
    BadChecksumHeader,
    #[error("the chunk does not have its checksum")]
    ChecksumMismatch,
    #[error("the upload is at another offset")]
    OffsetMismatch { offset: u64 },
    #[error("the upload expired")]
    Expired,
    #[error("another request holds the upload")]
    Locked,
    #[error("no such upload")]
    NotFound,
}

impl From<DatasetError> for UploadError {
    fn from(e: DatasetError) -> Self {
        UploadError::Dataset(e)
    }
}

impl From<diesel::result::Error> for UploadError {
    fn from(e: diesel::result::Error) -> Self {
        UploadError::Dataset(DatasetError::Db(e))
    }
}

impl From<io::Error> for UploadError {
    fn from(e: io::Error) -> Self {
        UploadError::Dataset(DatasetError::Storage(e))
    }
}

impl From<UploadError> for ApiError {
    fn from(e: UploadError) -> Self {
        use UploadError as E;
        let bad = |key: &'static str| ApiError::bad_request(Msg::new(key));
        match e {
            E::Dataset(e) => e.into(),
            E::TusVersion => ApiError::new(
                ProblemType::TusVersion,
                Msg::new("datasets-upload-tus-version"),
            ),
            E::ContentType => ApiError::new(
                ProblemType::UnsupportedMediaType,
                Msg::new("datasets-upload-content-type"),
            ),
            E::BadOffsetHeader => bad("datasets-upload-offset-header"),
            E::BadLengthHeader => bad("datasets-upload-length-header"),
            E::LengthFixed { length } => ApiError::bad_request(
                Msg::new("datasets-upload-length-fixed").arg("length", length.to_string()),
            ),
            E::LengthShort { length, offset } => ApiError::bad_request(
                Msg::new("datasets-upload-length-short")
                    .arg("length", length.to_string())
                    .arg("offset", offset.to_string()),
            ),
            E::TooLong { length } => ApiError::new(
                ProblemType::PayloadTooLarge,
                Msg::new("datasets-upload-too-long").arg("length", length.to_string()),
            ),
            E::BadMetadata => ApiError::field("metadata", Msg::new("datasets-upload-metadata")),
            E::BadSha256 => ApiError::field("sha256", Msg::new("datasets-upload-sha256")),
            E::BadChecksumHeader => bad("datasets-upload-checksum-header"),
            E::ChecksumMismatch => ApiError::new(
                ProblemType::ChecksumMismatch,
                Msg::new("datasets-upload-checksum-mismatch"),
            ),
            E::OffsetMismatch { offset } => ApiError::conflict(
                ProblemType::OffsetMismatch,
                Msg::new("datasets-upload-offset-mismatch").arg("offset", offset.to_string()),
            ),
            E::Expired => ApiError::new(
                ProblemType::UploadExpired,
                Msg::new("datasets-upload-expired"),
            ),
            E::Locked => ApiError::new(
                ProblemType::UploadLocked,
                Msg::new("datasets-upload-locked"),
            ),
            E::NotFound => ApiError::not_found(),
        }
    }
}

pub type UploadResult<T> = Result<T, UploadError>;

/// `Tus-Resumable` must name the version served.
pub fn check_version(header: Option<&str>) -> UploadResult<()> {
    match header.map(str::trim) {
        Some(TUS_VERSION) => Ok(()),
        _ => Err(UploadError::TusVersion),
    }
}

/// A non-negative byte count (`Upload-Offset`, `Upload-Length`).
fn count(v: &str) -> Option<u64> {
    let v = v.trim();
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse::<u64>().ok().filter(|n| i64::try_from(*n).is_ok())
}

pub fn parse_offset(header: Option<&str>) -> UploadResult<u64> {
    header.and_then(count).ok_or(UploadError::BadOffsetHeader)
}

/// The length of a new upload: `Upload-Length: n`, or `None` with
/// `Upload-Defer-Length: 1` (exactly one of them).
pub fn parse_creation_length(
    length: Option<&str>,
    defer: Option<&str>,
) -> UploadResult<Option<u64>> {
    match (length, defer.map(str::trim)) {
        (Some(l), None) => count(l).map(Some).ok_or(UploadError::BadLengthHeader),
        (None, Some("1")) => Ok(None),
        _ => Err(UploadError::BadLengthHeader),
    }
}

/// An `Upload-Length` sent with a `PATCH` (the deferred length, once).
pub fn parse_patch_length(length: Option<&str>) -> UploadResult<Option<u64>> {
    length
        .map(|l| count(l).ok_or(UploadError::BadLengthHeader))
        .transpose()
}

/// What `Upload-Metadata` says of a new upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// The relative path in the dataset, as sent (normalised later).
    pub filename: String,
    pub filetype: Option<String>,
    /// The whole-file SHA-256 expected, lowercase hex.
    pub sha256: Option<String>,
}

/// `key base64,key base64,…` (a key alone has an empty value); `filename`
/// is required, `filetype` and `sha256` optional, other keys ignored (tus
/// clients send `name`, `type`, `relativePath`…).
pub fn parse_metadata(header: Option<&str>) -> UploadResult<Metadata> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut seen = std::collections::BTreeSet::new();
    let (mut filename, mut filetype, mut sha256) = (None, None, None);
    for pair in header.unwrap_or_default().split(',') {
        let pair = pair.trim();
        if pair.is_empty() {
            continue;
        }
        let (key, value) = pair.split_once(' ').unwrap_or((pair, ""));
        if key.is_empty() || !key.is_ascii() || !seen.insert(key) {
            return Err(UploadError::BadMetadata);
        }
        let decode = || -> UploadResult<String> {
            let bytes = b64
                .decode(value.trim())
                .map_err(|_| UploadError::BadMetadata)?;
            String::from_utf8(bytes).map_err(|_| UploadError::BadMetadata)
        };
        match key {
            "filename" => filename = Some(decode()?),
            "filetype" => filetype = Some(decode()?),
            "sha256" => sha256 = Some(decode().map_err(|_| UploadError::BadSha256)?),
            _ => {}
        }
    }
    let filename = filename.ok_or(UploadError::BadMetadata)?;
    let sha256 = sha256
        .map(|hex| {
            let hex = hex.trim().to_ascii_lowercase();
            if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                Ok(hex)
            } else {
                Err(UploadError::BadSha256)
            }
        })
        .transpose()?;
    let filetype =
        filetype.filter(|t| !t.is_empty() && t.len() <= 200 && !t.chars().any(char::is_control));
    Ok(Metadata {
        filename,
        filetype,
        sha256,
    })
}

/// The `Upload-Metadata` of an upload, as a `HEAD` gives it back.
pub fn metadata_header(up: &UploadRow) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut out = format!(
        "filename {},filetype {}",
        b64.encode(&up.path),
        b64.encode(&up.content_type)
    );
    if let Some(sha) = &up.expected_sha256 {
        out.push_str(&format!(",sha256 {}", b64.encode(sha)));
    }
    out
}

/// A per-chunk checksum algorithm (tus `checksum`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChecksumAlg {
    Sha1,
    Sha256,
}

/// `Upload-Checksum`: the algorithm and the digest the chunk must have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checksum {
    pub alg: ChecksumAlg,
    pub digest: Vec<u8>,
}

pub fn parse_checksum(header: Option<&str>) -> UploadResult<Option<Checksum>> {
    let Some(h) = header else {
        return Ok(None);
    };
    let (alg, value) = h
        .trim()
        .split_once(' ')
        .ok_or(UploadError::BadChecksumHeader)?;
    let (alg, size) = match alg.to_ascii_lowercase().as_str() {
        "sha1" => (ChecksumAlg::Sha1, 20),
        "sha256" => (ChecksumAlg::Sha256, 32),
        _ => return Err(UploadError::BadChecksumHeader),
    };
    let digest = base64::engine::general_purpose::STANDARD
        .decode(value.trim())
        .map_err(|_| UploadError::BadChecksumHeader)?;
    if digest.len() != size {
        return Err(UploadError::BadChecksumHeader);
    }
    Ok(Some(Checksum { alg, digest }))
}

/// Hashes one request's bytes for its `Upload-Checksum`.
pub enum ChunkHasher {
    None,
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
}

impl ChunkHasher {
    pub fn new(alg: Option<ChecksumAlg>) -> Self {
        use sha2::Digest;
        match alg {
            None => ChunkHasher::None,
            Some(ChecksumAlg::Sha1) => ChunkHasher::Sha1(sha1::Sha1::new()),
            Some(ChecksumAlg::Sha256) => ChunkHasher::Sha256(sha2::Sha256::new()),
        }
    }

    pub fn update(&mut self, bytes: &[u8]) {
        use sha2::Digest;
        match self {
            ChunkHasher::None => {}
            ChunkHasher::Sha1(h) => h.update(bytes),
            ChunkHasher::Sha256(h) => h.update(bytes),
        }
    }

    pub fn finish(self) -> Vec<u8> {
        use sha2::Digest;
        match self {
            ChunkHasher::None => Vec::new(),
            ChunkHasher::Sha1(h) => h.finalize().to_vec(),
            ChunkHasher::Sha256(h) => h.finalize().to_vec(),
        }
    }
}

/// When an upload touched at `now` expires.
pub fn expiry(policy: &Policy, now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::hours(i64::from(policy.organizations.upload_expiry_hours))
}

/// A new upload, checked and ready to be stored.
pub struct NewUpload {
    pub path: String,
    pub content_type: String,
    pub length: Option<u64>,
    pub expected_sha256: Option<String>,
}

/// Checks a new upload into `ds` before anything is stored: its path, an
/// active project, the limits (413 before any byte). Returns it with the
/// normalised path.
pub fn check_new(
    conn: &mut DbConn,
    policy: &Policy,
    ds: &DatasetRow,
    meta: &Metadata,
    length: Option<u64>,
    now: DateTime<Utc>,
) -> UploadResult<NewUpload> {
    let path = datasets::normalise_path(&meta.filename)?;
    datasets::check_active(conn, &ds.project_id)?;
    datasets::limits(conn, policy, ds, &path, None, now)?.check(length.unwrap_or(0))?;
    Ok(NewUpload {
        path,
        content_type: meta
            .filetype
            .clone()
            .unwrap_or_else(|| "application/octet-stream".into()),
        length,
        expected_sha256: meta.sha256.clone(),
    })
}

/// Records the new upload `id` (whose bytes are staged under `key`),
/// checking again under the project's lock; `lease`: the request that
/// will send its first bytes holds it from the start. Returns it with the
/// limits its bytes are held to.
#[allow(clippy::too_many_arguments)]
pub fn create(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    policy: &Policy,
    caller: &Caller,
    ds: &DatasetRow,
    new: &NewUpload,
    ids: (&str, &str, &str),
    lease: Option<(&str, DateTime<Utc>)>,
) -> UploadResult<(UploadRow, Limits)> {
    let (id, key, staging) = ids;
    conn.write_tx(|conn| {
        datasets::check_active(conn, &ds.project_id)?;
        let limits = datasets::limits(conn, policy, ds, &new.path, None, now)?;
        limits.check(new.length.unwrap_or(0))?;
        let row = UploadRow {
            id: id.to_owned(),
            dataset_id: ds.id.clone(),
            project_id: ds.project_id.clone(),
            path: new.path.clone(),
            content_type: new.content_type.clone(),
            object_key: key.to_owned(),
            length: new.length.map(|l| i64::try_from(l).unwrap_or(i64::MAX)),
            received: 0,
            sha256_state: Sha256State::new().to_text(),
            expected_sha256: new.expected_sha256.clone(),
            staging: staging.to_owned(),
            created_by: caller.id().to_owned(),
            created_at: db_time(now),
            expires_at: db_time(expiry(policy, now)),
            lease_owner: lease.map(|(owner, _)| owner.to_owned()),
            lease_until: lease.map(|(_, until)| db_time(until)),
        };
        queries::insert(conn, &row)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::UploadCreate, Outcome::Success)
                .actor(caller.id())
                .target("upload", row.id.clone())
                .detail(serde_json::json!({
                    "dataset_id": ds.id,
                    "path": row.path,
                    "length": row.length,
                }))
                .ctx(&caller.ctx),
        )?;
        Ok((row, limits))
    })
}

/// A `PATCH` about to stream: the upload as it is now (leased by `owner`)
/// and the limits its bytes are held to.
pub struct Begun {
    pub up: UploadRow,
    pub limits: Limits,
}

/// Takes the lease of upload `id` for a `PATCH` from `offset` (setting a
/// deferred `length` when sent), after the rules: not expired (410), an
/// active project (409), the offset the upload is at (409), nobody else
/// streaming (423), a length that fits (400, 413).
#[allow(clippy::too_many_arguments)]
pub fn begin(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    policy: &Policy,
    ds: &DatasetRow,
    id: &str,
    offset: u64,
    length: Option<u64>,
    owner: &str,
    lease_until: DateTime<Utc>,
) -> UploadResult<Begun> {
    conn.write_tx(|conn| {
        let up = queries::find(conn, id)?.ok_or(UploadError::NotFound)?;
        if up.expires_at <= db_time(now) {
            return Err(UploadError::Expired);
        }
        datasets::check_active(conn, &ds.project_id)?;
        if up.received() != offset {
            return Err(UploadError::OffsetMismatch {
                offset: up.received(),
            });
        }
        let limits = datasets::limits(conn, policy, ds, &up.path, Some(&up.id), now)?;
        match (up.length(), length) {
            (Some(known), Some(sent)) if known != sent => {
                return Err(UploadError::LengthFixed { length: known })
            }
            (None, Some(sent)) if sent < up.received() => {
                return Err(UploadError::LengthShort {
                    length: sent,
                    offset: up.received(),
                })
            }
            (None, Some(sent)) => limits.check(sent)?,
            _ => {}
        }
        let claimed = queries::claim(
            conn,
            id,
            up.received,
            owner,
            db_time(lease_until),
            db_time(now),
        )?;
        if claimed != 1 {
            return Err(UploadError::Locked);
        }
        if let (None, Some(sent)) = (up.length, length) {
            queries::set_length(conn, id, owner, i64::try_from(sent).unwrap_or(i64::MAX))?;
        }
        let up = queries::find(conn, id)?.ok_or(UploadError::NotFound)?;
        Ok(Begun { up, limits })
    })
}

/// Keeps `owner`'s lease for `until`; [`UploadError::Locked`] when lost.
pub fn renew(conn: &mut DbConn, id: &str, owner: &str, until: DateTime<Utc>) -> UploadResult<()> {
    match queries::renew(conn, id, owner, db_time(until))? {
        1 => Ok(()),
        _ => Err(UploadError::Locked),
    }
}

/// Saves what one request added (and gives the lease back).
#[allow(clippy::too_many_arguments)]
pub fn advance(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    policy: &Policy,
    up: &UploadRow,
    owner: &str,
    state: &Sha256State,
    staging: &str,
) -> UploadResult<UploadRow> {
    let to = i64::try_from(state.len()).unwrap_or(i64::MAX);
    let expires = db_time(expiry(policy, now));
    match queries::advance(
        conn,
        &up.id,
        owner,
        up.received,
        to,
        &state.to_text(),
        staging,
        expires,
    )? {
        1 => Ok(UploadRow {
            received: to,
            sha256_state: state.to_text(),
            staging: staging.to_owned(),
            expires_at: expires,
            lease_owner: None,
            lease_until: None,
            ..up.clone()
        }),
        _ => Err(UploadError::Locked),
    }
}

/// Records the complete upload as its dataset's file and removes the
/// upload, in one transaction (the same rules as a one-request `PUT`).
#[allow(clippy::too_many_arguments)]
pub fn finish(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    policy: &Policy,
    ds: &DatasetRow,
    up: &UploadRow,
    owner: &str,
    arrived: &Arrived,
) -> UploadResult<(FileView, Option<String>)> {
    conn.write_tx(|conn| {
        if queries::delete_mine(conn, &up.id, owner)? != 1 {
            return Err(UploadError::Locked);
        }
        Ok(datasets::record_file_within(
            conn, now, caller, policy, ds, arrived,
        )?)
    })
}

/// Removes a terminated upload's row, unless a request is streaming to it
/// (423), with its audit row; the caller then discards its staged bytes.
pub fn terminate(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    up: &UploadRow,
) -> UploadResult<()> {
    conn.write_tx(|conn| {
        match queries::delete_free(conn, &up.id, db_time(now))? {
            1 => {}
            _ if queries::find(conn, &up.id)?.is_some() => return Err(UploadError::Locked),
            _ => return Err(UploadError::NotFound),
        }
        audit::append(
            conn,
            now,
            Event::new(AuditAction::UploadTerminate, Outcome::Success)
                .actor(caller.id())
                .target("upload", up.id.clone())
                .detail(serde_json::json!({
                    "dataset_id": up.dataset_id,
                    "path": up.path,
                    "received": up.received,
                }))
                .ctx(&caller.ctx),
        )?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    #[test]
    fn metadata_as_tus_clients_send_it() {
        let sha = "ab".repeat(32);
        let h = format!(
            "relativePath null,filename {},filetype {},sha256 {},is_confidential",
            b64("raw/a.fastq"),
            b64("text/plain"),
            b64(&sha.to_uppercase())
        );
        let m = parse_metadata(Some(&h)).expect("parsed");
        assert_eq!(m.filename, "raw/a.fastq");
        assert_eq!(m.filetype.as_deref(), Some("text/plain"));
        assert_eq!(m.sha256.as_deref(), Some(sha.as_str()));
        for bad in [
            None,
            Some(String::new()),
            Some(format!("filetype {}", b64("x"))),
            Some("filename !!!".to_owned()),
            Some(format!("filename {},filename {}", b64("a"), b64("b"))),
        ] {
            assert!(
                matches!(
                    parse_metadata(bad.as_deref()),
                    Err(UploadError::BadMetadata)
                ),
                "{bad:?}"
            );
        }
        let short = format!("filename {},sha256 {}", b64("a"), b64("abc"));
        assert!(matches!(
            parse_metadata(Some(&short)),
            Err(UploadError::BadSha256)
        ));
    }

    #[test]
    fn headers_are_read_strictly() {
        assert!(check_version(Some("1.0.0")).is_ok());
        assert!(check_version(Some("0.2.2")).is_err());
        assert!(check_version(None).is_err());
        assert_eq!(parse_offset(Some("42")).ok(), Some(42));
        for bad in [
            None,
            Some("-1"),
            Some("+1"),
            Some("1e3"),
            Some(""),
            Some("99999999999999999999"),
        ] {
            assert!(parse_offset(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_creation_length(Some("10"), None).ok(), Some(Some(10)));
        assert_eq!(parse_creation_length(None, Some("1")).ok(), Some(None));
        assert!(parse_creation_length(None, None).is_err());
        assert!(parse_creation_length(Some("10"), Some("1")).is_err());
        assert!(parse_creation_length(None, Some("0")).is_err());
        let sha1 = base64::engine::general_purpose::STANDARD.encode([1u8; 20]);
        let c = parse_checksum(Some(&format!("sha1 {sha1}")))
            .expect("parsed")
            .expect("some");
        assert_eq!(c.alg, ChecksumAlg::Sha1);
        assert!(parse_checksum(Some(&format!("sha256 {sha1}"))).is_err());
        assert!(parse_checksum(Some(&format!("md5 {sha1}"))).is_err());
        assert!(parse_checksum(Some("sha1")).is_err());
        assert_eq!(parse_checksum(None).ok(), Some(None));
    }
}

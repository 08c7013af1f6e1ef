//! The expiry sweep (issue 15, tus `expiration`): uploads nobody touched
//! for the policy's `upload_expiry_hours` are deleted with their staged
//! bytes, each on the audit chain (`upload.expire`). A periodic job (its first row comes from the `uploads`
//! migration), run by the `serve` worker or `habilis jobs run-due`.

use chrono::Duration;

use super::queries;
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::clock::db_time;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::jobs::{Job, JobCtx};

/// The job kind.
pub const EXPIRE: &str = "uploads.expire";

/// Uploads removed per run at most (the next run takes the rest).
const BATCH: i64 = 500;

/// How often the sweep runs.
pub fn period() -> Duration {
    Duration::minutes(15)
}

/// The job body of [`EXPIRE`]: each expired upload no request holds loses
/// its row, then its staged bytes (a storage failure undoes the run's
/// deletions, and the job is retried).
pub fn expire(conn: &mut DbConn, ctx: &JobCtx, _job: &Job) -> ApiResult<()> {
    let now = db_time(ctx.now);
    let mut removed = 0;
    for up in queries::expired(conn, now, BATCH)? {
        if queries::delete_expired(conn, &up.id, now)? != 1 {
            continue;
        }
        audit::append(
            conn,
            ctx.now,
            Event::new(AuditAction::UploadExpire, Outcome::Success)
                .target("upload", up.id.clone())
                .detail(serde_json::json!({
                    "dataset_id": up.dataset_id,
                    "path": up.path,
                    "received": up.received,
                    "created_by": up.created_by,
                })),
        )?;
        ctx.storage
            .abort(&up.object_key, &up.staging)
            .map_err(ApiError::internal)?;
        removed += 1;
    }
    if removed > 0 {
        tracing::info!(removed, "expired uploads removed");
    }
    Ok(())
}

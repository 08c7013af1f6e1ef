//! The departure's job bodies, registered by `app::job_kinds` under the
//! kinds the service enqueues.

use super::service::{self, Warning};
use crate::db::DbConn;
use crate::error::ApiResult;
use crate::jobs::{Job, JobCtx};

pub use super::service::{EXECUTE, WARNING};

/// [`WARNING`]: tells the person what will be handed over to whom.
pub fn warn(conn: &mut DbConn, ctx: &JobCtx, job: &Job) -> ApiResult<()> {
    let Warning { days } = job.payload();
    Ok(service::warn(
        conn,
        ctx.policy,
        job.subject(),
        days,
        ctx.now,
    )?)
}

/// [`EXECUTE`]: the departure itself.
pub fn execute(conn: &mut DbConn, ctx: &JobCtx, job: &Job) -> ApiResult<()> {
    Ok(service::execute(conn, job.subject(), ctx.now)?)
}

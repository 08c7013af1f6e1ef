//! The background side of instances (issue 16 §4, §5):
//!
//! - the **watcher**, a task of each `serve` process: every
//!   [`WATCH_PERIOD`] it asks the spawner about the `starting` instances and
//!   moves those that answer to `running` (opening their usage) or to
//!   `failed` — compare-and-set, so two replicas never move one twice;
//! - the **reconciliation**, once when `serve` starts and as the leased
//!   job [`RECONCILE`]: running instances whose process is gone become
//!   `lost` (usage closed, owner e-mailed);
//! - the **idle purge**, the leased job [`IDLE`]: samples each running
//!   instance's last activity, e-mails a notice with a keep link after the
//!   policy's `idle_notice_after_hours`, stops the instance after
//!   `idle_purge_after_hours` (`instance.purge`), and deletes the working
//!   directory of instances ended `purge_grace_hours` ago
//!   (`instance.remove`).
//!
//! The jobs' rows come from the `instance_jobs` migration; the jobs module
//! leases them, so one replica runs each pass.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;

use super::service;
use crate::clock::Clock;
use crate::db::{DbConn, DbPool};
use crate::error::{ApiError, ApiResult};
use crate::jobs::{Job, JobCtx};
use crate::spawners::Spawners;

/// The job kinds.
pub const RECONCILE: &str = "instances.reconcile";
pub const IDLE: &str = "instances.idle";

/// How often the watcher looks at starting instances.
pub const WATCH_PERIOD: StdDuration = StdDuration::from_millis(500);

/// What the instance jobs need beyond the policy (declared beside the
/// spawners, so that the generic job queue, which carries it, does not
/// import this capability).
pub use crate::spawners::InstanceEnv;

/// How often the reconciliation runs.
pub fn reconcile_period() -> Duration {
    Duration::minutes(5)
}

/// How often the idle purge runs.
pub fn idle_period() -> Duration {
    Duration::minutes(10)
}

/// The job body of [`RECONCILE`] (nothing without spawners: a process
/// that runs none, `habilis jobs run-due` without them, leaves instances
/// alone).
pub fn reconcile(conn: &mut DbConn, ctx: &JobCtx, _job: &Job) -> ApiResult<()> {
    let Some(env) = ctx.instances else {
        return Ok(());
    };
    let n = service::reconcile(conn, &env.spawners, &env.public_url, ctx.now)?;
    if n > 0 {
        tracing::info!(changed = n, "instances reconciled");
    }
    Ok(())
}

/// The job body of [`IDLE`].
pub fn idle(conn: &mut DbConn, ctx: &JobCtx, job: &Job) -> ApiResult<()> {
    let Some(env) = ctx.instances else {
        return Ok(());
    };
    let worker = format!("job-{}", job.id);
    let out = service::idle_sweep(
        conn,
        ctx.policy,
        &env.spawners,
        &env.data_dir,
        &env.public_url,
        &worker,
        ctx.now,
    )?;
    if out.noticed + out.purged + out.removed > 0 {
        tracing::info!(
            noticed = out.noticed,
            purged = out.purged,
            removed = out.removed,
            "idle instances"
        );
    }
    Ok(())
}

/// Reconciles once, now (at `serve` start, before serving).
pub fn reconcile_now(pool: &DbPool, env: &InstanceEnv, clock: &dyn Clock) -> ApiResult<usize> {
    let mut conn = pool.get()?;
    Ok(service::reconcile(
        &mut conn,
        &env.spawners,
        &env.public_url,
        clock.now(),
    )?)
}

/// The watcher of this process (see the module's documentation).
pub fn spawn_watcher(pool: DbPool, spawners: Spawners, clock: Arc<dyn Clock>, period: StdDuration) {
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(period);
        loop {
            tick.tick().await;
            let (pool, spawners, clock) = (pool.clone(), spawners.clone(), clock.clone());
            let pass = actix_web::web::block(move || -> ApiResult<usize> {
                let mut conn = pool.get()?;
                Ok(service::watch_starting(&mut conn, &spawners, clock.now())?)
            })
            .await;
            match pass {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e.detail, "instance watcher pass failed"),
                Err(e) => tracing::warn!(error = %e, "instance watcher could not run"),
            }
        }
    });
}

/// One watcher pass, for tests and `habilis jobs run-due`.
pub fn watch_once(
    pool: &DbPool,
    spawners: &Spawners,
    clock: &dyn Clock,
) -> Result<usize, ApiError> {
    let mut conn = pool.get()?;
    Ok(service::watch_starting(&mut conn, spawners, clock.now())?)
}

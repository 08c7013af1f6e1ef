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

/// How often the watcher looks for starting instances.
pub const WATCH_PERIOD: StdDuration = StdDuration::from_millis(500);

/// How soon the watcher looks again while an instance is starting: a
/// service that answers is `running` within this (issue 16's bench row
/// allows 1.3× the bare start-up, about 0.3 s over a PostgreSQL's).
pub const STARTING_PERIOD: StdDuration = StdDuration::from_millis(25);

/// Wakes this process's watcher at once: a launch here is looked at
/// without waiting for the next tick (other replicas find it at theirs).
static WAKE: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// See [`WAKE`].
pub fn wake_watcher() {
    WAKE.notify_one();
}

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

/// The watcher of this process (see the module's documentation): a pass
/// every `period`, at once when [`wake_watcher`] is called, and every
/// [`STARTING_PERIOD`] while an instance is starting.
pub fn spawn_watcher(pool: DbPool, spawners: Spawners, clock: Arc<dyn Clock>, period: StdDuration) {
    actix_web::rt::spawn(async move {
        let mut wait = StdDuration::ZERO;
        loop {
            let nap = std::pin::pin!(actix_web::rt::time::sleep(wait));
            let woken = std::pin::pin!(WAKE.notified());
            futures_util::future::select(nap, woken).await;
            let (pool, spawners, clock) = (pool.clone(), spawners.clone(), clock.clone());
            let pass = actix_web::web::block(move || -> ApiResult<bool> {
                let mut conn = pool.get()?;
                service::watch_starting(&mut conn, &spawners, clock.now())?;
                Ok(service::any_starting(&mut conn)?)
            })
            .await;
            wait = match pass {
                Ok(Ok(true)) => STARTING_PERIOD.min(period),
                Ok(Ok(false)) => period,
                Ok(Err(e)) => {
                    tracing::warn!(error = %e.detail, "instance watcher pass failed");
                    period
                }
                Err(e) => {
                    tracing::warn!(error = %e, "instance watcher could not run");
                    period
                }
            };
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

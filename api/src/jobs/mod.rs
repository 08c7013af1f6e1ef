//! Background jobs from the `jobs` table: the generic queue. It knows no
//! capability: each one names its job kinds and their bodies, and
//! `app::job_kinds` puts them in a [`Registry`] (departure warnings,
//! departures, the inactivity review, the expiry of abandoned uploads).
//!
//! Workers claim due rows with a compare-and-set lease, as the mail outbox
//! does, so several API processes on one PostgreSQL never run one job twice.
//! A job's work and its completion are one transaction that also checks the
//! lease is still ours: a failure leaves nothing half done, and the job is
//! retried with backoff. `habilis jobs run-due` runs what is due now.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use habilis_shared::i18n::Msg;
use habilis_shared::policy::Policy;

use crate::clock::{db_time, Clock};
use crate::db::schema::jobs;
use crate::db::{DbConn, DbPool};
use crate::error::{ApiError, ApiResult, ProblemType};
use crate::spawners::InstanceEnv;
use crate::storage::Storage;

const LEASE_SECS: i64 = 300;

/// What a job body may use: the policy, the object storage (the upload
/// expiry removes staged bytes), the time of this pass, and what the
/// instance jobs need (the spawners; absent in a process that runs none).
pub struct JobCtx<'a> {
    pub policy: &'a Policy,
    pub storage: &'a dyn Storage,
    pub now: DateTime<Utc>,
    pub instances: Option<&'a InstanceEnv>,
}

/// The work of one job, run inside the job's transaction.
pub type Body = fn(&mut DbConn, &JobCtx, &Job) -> ApiResult<()>;

/// When a kind runs.
#[derive(Clone, Copy)]
enum Schedule {
    /// Once, at the row's `run_at` (or earlier, brought forward by
    /// [`Registry::run_due_by`]).
    Once,
    /// Again and again, this long after each run; never brought forward.
    Every(Duration),
}

#[derive(Clone, Copy)]
struct Kind {
    body: Body,
    schedule: Schedule,
}

/// The job kinds a process runs, each registered by the capability that
/// owns it. A row of an unregistered kind fails and is retried (a newer
/// process may know it).
#[derive(Clone, Default)]
pub struct Registry {
    kinds: BTreeMap<&'static str, Kind>,
    instances: Option<Arc<InstanceEnv>>,
}

impl Registry {
    /// Gives the instance jobs the spawners (without, they do nothing).
    #[must_use]
    pub fn with_instances(mut self, env: InstanceEnv) -> Self {
        self.instances = Some(Arc::new(env));
        self
    }

    /// A kind that runs once, when due.
    #[must_use]
    pub fn once(mut self, kind: &'static str, body: Body) -> Self {
        let schedule = Schedule::Once;
        self.kinds.insert(kind, Kind { body, schedule });
        self
    }

    /// A kind that runs `period` after each run (its first row comes from
    /// a migration).
    #[must_use]
    pub fn every(mut self, kind: &'static str, period: Duration, body: Body) -> Self {
        let schedule = Schedule::Every(period);
        self.kinds.insert(kind, Kind { body, schedule });
        self
    }

    fn periodic(&self) -> Vec<&'static str> {
        self.kinds
            .iter()
            .filter(|(_, k)| matches!(k.schedule, Schedule::Every(_)))
            .map(|(name, _)| *name)
            .collect()
    }

    /// Runs `job`; returns when it runs next, if ever.
    fn run(&self, conn: &mut DbConn, ctx: &JobCtx, job: &Job) -> ApiResult<Option<DateTime<Utc>>> {
        let kind = self
            .kinds
            .get(job.kind.as_str())
            .ok_or_else(|| ApiError::internal(format!("unknown job kind {}", job.kind)))?;
        (kind.body)(conn, ctx, job)?;
        Ok(match kind.schedule {
            Schedule::Once => None,
            Schedule::Every(period) => Some(ctx.now + period),
        })
    }
}

/// Jobs due at `now` and not done (the `/metrics` backlog).
pub fn backlog(conn: &mut DbConn, now: DateTime<Utc>) -> QueryResult<i64> {
    jobs::table
        .filter(jobs::done_at.is_null())
        .filter(jobs::run_at.le(db_time(now)))
        .count()
        .get_result(conn)
}

pub fn enqueue(
    conn: &mut DbConn,
    kind: &str,
    subject: Option<&str>,
    payload: serde_json::Value,
    run_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> QueryResult<String> {
    let id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(jobs::table)
        .values((
            jobs::id.eq(&id),
            jobs::kind.eq(kind),
            jobs::subject_id.eq(subject),
            jobs::payload.eq(payload.to_string()),
            jobs::run_at.eq(db_time(run_at)),
            jobs::attempts.eq(0),
            jobs::created_at.eq(db_time(now)),
        ))
        .execute(conn)?;
    Ok(id)
}

/// One job as its body sees it.
#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = jobs)]
pub struct Job {
    pub id: String,
    pub kind: String,
    pub subject_id: Option<String>,
    pub payload: String,
    pub attempts: i32,
}

impl Job {
    /// The account (or other object) the job is about; empty when none.
    pub fn subject(&self) -> &str {
        self.subject_id.as_deref().unwrap_or_default()
    }

    /// The payload as `T`; its default when the stored text does not read
    /// as one.
    pub fn payload<T: serde::de::DeserializeOwned + Default>(&self) -> T {
        serde_json::from_str(&self.payload).unwrap_or_default()
    }
}

impl Registry {
    /// Claims and runs up to `batch` due jobs as `worker`; returns how many
    /// succeeded.
    pub fn run_due(
        &self,
        pool: &DbPool,
        policy: &Policy,
        storage: &dyn Storage,
        worker: &str,
        now: DateTime<Utc>,
        batch: i64,
    ) -> Result<usize, String> {
        self.run_due_by(pool, policy, storage, worker, now, now, batch)
    }

    /// Like [`run_due`], and also brings forward the one-off jobs (departures
    /// and their warnings) scheduled up to `until`: they run now, at the real
    /// time. The periodic inactivity review keeps its own schedule.
    #[allow(clippy::too_many_arguments)]
    pub fn run_due_by(
        &self,
        pool: &DbPool,
        policy: &Policy,
        storage: &dyn Storage,
        worker: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        batch: i64,
    ) -> Result<usize, String> {
        let mut pooled = pool.get().map_err(|e| e.to_string())?;
        let conn: &mut DbConn = &mut pooled;
        let now_db = db_time(now);
        let until_db = db_time(until.max(now));
        let lease_free = jobs::lease_until.is_null().or(jobs::lease_until.lt(now_db));
        let due: Vec<String> = jobs::table
            .filter(jobs::done_at.is_null())
            .filter(
                jobs::run_at.le(now_db).or(jobs::run_at
                    .le(until_db)
                    .and(jobs::kind.ne_all(self.periodic()))),
            )
            .filter(lease_free)
            .order(jobs::run_at.asc())
            .limit(batch)
            .select(jobs::id)
            .load(conn)
            .map_err(|e| e.to_string())?;
        let mut ran = 0;
        for id in due {
            let claimed = diesel::update(
                jobs::table
                    .filter(jobs::id.eq(&id))
                    .filter(jobs::done_at.is_null())
                    .filter(jobs::lease_until.is_null().or(jobs::lease_until.lt(now_db))),
            )
            .set((
                jobs::lease_owner.eq(worker),
                jobs::lease_until.eq(db_time(now + Duration::seconds(LEASE_SECS))),
            ))
            .execute(conn)
            .map_err(|e| e.to_string())?;
            if claimed != 1 {
                continue;
            }
            let job: Job = jobs::table
                .find(&id)
                .select(Job::as_select())
                .first(conn)
                .map_err(|e| e.to_string())?;
            let ctx = JobCtx {
                policy,
                storage,
                now,
                instances: self.instances.as_deref(),
            };
            let outcome = conn.write_tx(|conn| {
                let next = self.run(conn, &ctx, &job)?;
                let mine = jobs::table
                    .filter(jobs::id.eq(&id))
                    .filter(jobs::lease_owner.eq(worker));
                let finished = match next {
                    None => diesel::update(mine)
                        .set((
                            jobs::done_at.eq(Some(now_db)),
                            jobs::attempts.eq(job.attempts + 1),
                            jobs::lease_owner.eq(None::<String>),
                            jobs::lease_until.eq(None::<chrono::NaiveDateTime>),
                            jobs::last_error.eq(None::<String>),
                        ))
                        .execute(conn)?,
                    Some(t) => diesel::update(mine)
                        .set((
                            jobs::run_at.eq(db_time(t)),
                            jobs::attempts.eq(0),
                            jobs::lease_owner.eq(None::<String>),
                            jobs::lease_until.eq(None::<chrono::NaiveDateTime>),
                            jobs::last_error.eq(None::<String>),
                        ))
                        .execute(conn)?,
                };
                if finished != 1 {
                    // Our lease expired and another worker took the job: undo.
                    return Err(ApiError::conflict(
                        ProblemType::LeaseLost,
                        Msg::new("jobs-lease-lost"),
                    ));
                }
                Ok::<_, ApiError>(())
            });
            match outcome {
                Ok(()) => ran += 1,
                Err(e) => {
                    let attempts = job.attempts + 1;
                    let backoff = (60i64 << attempts.min(8)).min(6 * 3600);
                    crate::metrics::JOB_FAILURES.inc();
                    tracing::warn!(job = %id, kind = %job.kind, attempts, error = %e, "job failed; will retry");
                    diesel::update(
                        jobs::table
                            .filter(jobs::id.eq(&id))
                            .filter(jobs::lease_owner.eq(worker)),
                    )
                    .set((
                        jobs::attempts.eq(attempts),
                        jobs::run_at.eq(db_time(now + Duration::seconds(backoff))),
                        jobs::lease_owner.eq(None::<String>),
                        jobs::lease_until.eq(None::<chrono::NaiveDateTime>),
                        jobs::last_error.eq(Some(e.detail.to_string())),
                    ))
                    .execute(conn)
                    .map_err(|e| e.to_string())?;
                }
            }
        }
        Ok(ran)
    }

    /// The background loop inside `serve`.
    pub fn spawn_worker(
        self,
        pool: DbPool,
        policy: Arc<Policy>,
        storage: Arc<dyn Storage>,
        clock: Arc<dyn Clock>,
        period: StdDuration,
    ) {
        let worker = format!("jobs-{}-{}", std::process::id(), uuid::Uuid::new_v4());
        actix_web::rt::spawn(async move {
            let mut tick = actix_web::rt::time::interval(period);
            loop {
                tick.tick().await;
                let (registry, pool, policy, storage, clock, worker) = (
                    self.clone(),
                    pool.clone(),
                    policy.clone(),
                    storage.clone(),
                    clock.clone(),
                    worker.clone(),
                );
                match actix_web::web::block(move || {
                    registry.run_due(&pool, &policy, &*storage, &worker, clock.now(), 20)
                })
                .await
                {
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => tracing::warn!(error = %e, "jobs worker pass failed"),
                    Err(e) => tracing::warn!(error = %e, "jobs worker could not run"),
                }
            }
        });
    }
}

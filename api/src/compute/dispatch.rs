//! The dispatcher: one per replica that runs jobs (issue 17 §3, §5). Each
//! pass, on the blocking pool:
//!
//! 1. **heartbeat** — this replica's row in `compute_workers` (its slots
//!    count in the scheduler's capacity while it is heard from) and the
//!    leases of the jobs it runs;
//! 2. **watch** — the jobs it runs: their new log bytes go to the database
//!    (every replica serves them), a cancel asked anywhere reaches the
//!    executor, an ended job is recorded with its exit code and resource
//!    use, and a succeeded one becomes a draft work of its owner;
//! 3. **recover** — running jobs whose lease ran out (their replica
//!    stopped): a Slurm job, still known to the cluster, is adopted by a
//!    Slurm replica; any other is stopped if it still runs on this host,
//!    then queued again while it has attempts left
//!    (`HABILIS_COMPUTE_MAX_ATTEMPTS`), failed otherwise — by rule, never
//!    silently lost (`job.recover` in the audit log says which);
//! 4. **dispatch** — under the `compute` lock (`FOR UPDATE SKIP LOCKED` on
//!    PostgreSQL, the writer lock on SQLite), the scheduler
//!    ([`super::scheduler`]) is asked, over the whole queue as it is now,
//!    for as many jobs as this replica has free slots; each is claimed
//!    `queued → running` with this replica's lease in the same
//!    transaction, so no two replicas ever start one job. The claimed jobs
//!    are then started on the executor.
//!
//! A pass runs at every submit, cancel and finish (through [`Compute`]'s
//! wake-up) and on a slow tick (`HABILIS_COMPUTE_TICK_MS`), faster while
//! jobs run.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use habilis_shared::dto::JobState;
use habilis_shared::i18n::Msg;
use habilis_shared::policy::{Policy, Profile};
use serde_json::json;

use super::executors::{Executor, Launch, Status};
use super::queries::{self, Ending, JobRow};
use super::scheduler::{Busy, Scheduler, Snapshot, Waiting};
use super::service::Failure;
use super::wake::Compute;
use crate::accounts::queries as users_q;
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::clock::{db_time, Clock};
use crate::datasets::{self, FileRow};
use crate::db::{DbConn, DbPool};
use crate::engines::{self, EngineVersionRow};
use crate::error::ApiResult;
use crate::projects::queries as projects_q;
use crate::spawners::local::process::{self as proc_util, RunAs};
use crate::storage::Storage;
use crate::works::{self, queries::NewWork};

/// Everything a pass needs.
pub struct Dispatcher {
    pub worker_id: String,
    pub executor: Arc<dyn Executor>,
    pub pool: DbPool,
    pub policy: Arc<Policy>,
    pub clock: Arc<dyn Clock>,
    pub storage: Arc<dyn Storage>,
    /// Jobs' working directories live under `<data_dir>/jobs/<id>`.
    pub jobs_dir: PathBuf,
    pub run_as: Option<RunAs>,
    pub lease: chrono::Duration,
    pub max_attempts: u32,
    pub log_max: u64,
}

/// What one pass did (for tests and logs).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pass {
    pub started: Vec<String>,
    pub ended: Vec<String>,
    pub recovered: Vec<String>,
    pub running: usize,
}

impl Dispatcher {
    /// Runs passes until the process ends: at every wake-up of `compute`,
    /// else every `tick` (250 ms while this replica runs jobs).
    pub fn spawn(self, compute: Arc<Compute>, tick: Duration) {
        let me = Arc::new(self);
        actix_web::rt::spawn(async move {
            let mut busy = false;
            loop {
                let wait = if busy {
                    tick.min(Duration::from_millis(250))
                } else {
                    tick
                };
                tokio::select! {
                    () = compute.notified() => {}
                    () = tokio::time::sleep(wait) => {}
                }
                let d = me.clone();
                match actix_web::web::block(move || d.pass()).await {
                    Ok(Ok(p)) => {
                        busy = p.running > 0;
                        if !p.ended.is_empty() || !p.recovered.is_empty() {
                            // Slots freed: dispatch again at once.
                            compute.wake();
                        }
                    }
                    Ok(Err(e)) => tracing::warn!(error = %e.detail, "compute pass failed"),
                    Err(e) => tracing::warn!(error = %e, "compute pass could not run"),
                }
            }
        });
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// One pass: heartbeat, watch, recover, dispatch.
    pub fn pass(&self) -> ApiResult<Pass> {
        let mut conn = self.pool.get()?;
        let now = self.now();
        // The heartbeat and the leases are written only when a quarter of
        // the lease has gone by (resp. half of it is left): most passes
        // write nothing here, and on PostgreSQL a statement that changes
        // no row costs no commit to disk.
        queries::heartbeat(
            &mut conn,
            &self.worker_id,
            self.executor.kind(),
            i64::from(self.executor.slots()),
            db_time(now),
            db_time(now - self.lease / 4),
        )?;
        queries::renew(
            &mut conn,
            &self.worker_id,
            db_time(now + self.lease),
            db_time(now + self.lease / 2),
        )?;
        // Replicas not heard from in ten leases are forgotten.
        queries::forget_workers(&mut conn, db_time(now - self.lease * 10))?;
        let mut pass = Pass::default();
        let held = queries::held_by(&mut conn, &self.worker_id)?;
        pass.ended = self.watch(&mut conn, &held)?;
        pass.recovered = self.recover(&mut conn)?;
        let (started, running) = self.dispatch(&mut conn, held.len() - pass.ended.len())?;
        pass.started = started;
        pass.running = held.len() - pass.ended.len() + running;
        Ok(pass)
    }

    /// Watches the jobs this replica runs; answers those that ended, all
    /// recorded in one transaction (one commit per pass, not per job).
    fn watch(&self, conn: &mut DbConn, held: &[JobRow]) -> ApiResult<Vec<String>> {
        let mut ended = Vec::new();
        for job in held {
            if let Some(e) = self.watch_one(conn, job)? {
                ended.push(e);
            }
        }
        if ended.is_empty() {
            return Ok(Vec::new());
        }
        let mut cache = PassCache::default();
        let result = conn.write_tx(|conn| -> ApiResult<Vec<(bool, bool)>> {
            let mut events = Vec::new();
            let outcomes = ended
                .iter()
                .map(|e| self.record_end(conn, e, &mut cache, &mut events))
                .collect::<ApiResult<Vec<_>>>()?;
            audit::append_many(conn, self.now(), events)?;
            Ok(outcomes)
        });
        let outcomes = match result {
            Ok(o) => o,
            Err(err) => {
                for e in &ended {
                    self.forget_objects(&e.stored);
                }
                return Err(err);
            }
        };
        let mut out = Vec::with_capacity(ended.len());
        for (e, (done, kept)) in ended.iter().zip(outcomes) {
            if !kept {
                self.forget_objects(&e.stored);
            }
            if done {
                let _ = fs::remove_dir_all(self.jobs_dir.join(&e.job.id));
                out.push(e.job.id.clone());
            }
        }
        Ok(out)
    }

    /// Watches one job this replica runs: its new log bytes, its cancel;
    /// what it ended with, once it ended (recorded by the caller).
    fn watch_one(&self, conn: &mut DbConn, job: &JobRow) -> ApiResult<Option<Ended>> {
        let Some(handle) = job.handle.as_deref() else {
            // Claimed, not started yet (another pass of this replica is
            // starting it).
            return Ok(None);
        };
        if job.cancel_requested {
            if let Err(e) = self.executor.cancel(handle) {
                tracing::warn!(job = %job.id, error = %e, "cancel failed");
            }
        }
        let status = match self.executor.poll(handle) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(job = %job.id, error = %e, "poll failed");
                return Ok(None);
            }
        };
        self.copy_log(conn, job)?;
        let now = self.now();
        let mut ending = Ending {
            state: JobState::Succeeded,
            at: db_time(now),
            exit_code: None,
            cpu_ms: None,
            max_rss_kb: None,
            failure: None,
            work_id: None,
            dataset_id: None,
        };
        let failure = match status {
            Status::Running => return Ok(None),
            Status::Lost(reason) => {
                ending.state = JobState::Failed;
                Some(Failure::Executor { reason })
            }
            Status::Finished {
                exit_code,
                cpu_secs,
                max_rss_kb,
                timed_out,
                cancelled,
            } => {
                ending.exit_code = exit_code.map(i64::from);
                ending.cpu_ms = cpu_secs.map(|s| (s * 1000.0).round() as i64);
                ending.max_rss_kb = max_rss_kb;
                if cancelled || job.cancel_requested {
                    ending.state = JobState::Cancelled;
                    None
                } else if timed_out {
                    ending.state = JobState::TimedOut;
                    let secs = engines::queries::version(conn, &job.engine_id, job.engine_version)?
                        .map_or(0, |v| v.timeout_secs);
                    Some(Failure::Timeout { secs })
                } else {
                    match exit_code {
                        Some(0) => None,
                        Some(code) => {
                            ending.state = JobState::Failed;
                            Some(Failure::Exit {
                                code: i64::from(code),
                            })
                        }
                        None => {
                            ending.state = JobState::Failed;
                            Some(Failure::Signal)
                        }
                    }
                }
            }
        };
        // A succeeded job's output files, stored before the transaction
        // that records them (objects no row names are removed after it).
        let stored = if ending.state == JobState::Succeeded {
            self.store_outputs(job, now)
        } else {
            Vec::new()
        };
        Ok(Some(Ended {
            job: job.clone(),
            state: ending.state,
            at: now,
            exit_code: ending.exit_code,
            cpu_ms: ending.cpu_ms,
            max_rss_kb: ending.max_rss_kb,
            failure: failure.as_ref().map(Failure::text),
            stored,
        }))
    }

    /// Records how a job ended, in the pass's transaction: its draft work
    /// and its outputs when it succeeded. (whether it was still this
    /// replica's to end, whether its outputs were kept).
    fn record_end(
        &self,
        conn: &mut DbConn,
        end: &Ended,
        cache: &mut PassCache,
        events: &mut Vec<Event>,
    ) -> ApiResult<(bool, bool)> {
        let job = &end.job;
        let now = end.at;
        let stored = &end.stored;
        let work_id = uuid::Uuid::now_v7().to_string();
        let dataset_id = uuid::Uuid::now_v7().to_string();
        let mut e = Ending {
            state: end.state,
            at: db_time(now),
            exit_code: end.exit_code,
            cpu_ms: end.cpu_ms,
            max_rss_kb: end.max_rss_kb,
            failure: end.failure.as_deref(),
            work_id: None,
            dataset_id: None,
        };
        if e.state == JobState::Succeeded
            && self.record_work(conn, job, &work_id, now, cache, events)?
        {
            e.work_id = Some(&work_id);
        }
        let kept = !stored.is_empty()
            && e.work_id.is_some()
            && self.record_outputs(conn, job, &dataset_id, stored, now, events)?;
        if kept {
            e.dataset_id = Some(&dataset_id);
        } else if !stored.is_empty() {
            // Not silently: the log the owner reads ends with why.
            let lang = cache.language(conn, &job.owner_id)?;
            let bytes: u64 = stored.iter().map(FileRow::size).sum();
            let line = Msg::new("jobs-outputs-not-kept")
                .arg("files", stored.len())
                .arg("bytes", bytes)
                .arg(
                    "reason",
                    if e.work_id.is_some() {
                        "quota"
                    } else {
                        "inactive"
                    },
                )
                .render(lang);
            queries::append_note(conn, &job.id, &format!("\n[habilis] {line}\n"))?;
        }
        let ended = queries::finish(conn, &job.id, JobState::Running, Some(&self.worker_id), &e)?;
        Ok((ended, kept && ended))
    }

    fn forget_objects(&self, files: &[FileRow]) {
        for f in files {
            let _ = self.storage.delete(&f.object_key);
        }
    }

    /// Stores the regular files under the job's `out/` (at most
    /// [`MAX_OUTPUTS`], symbolic links skipped) as objects, hashed on the
    /// way; their rows are not recorded yet. A file that cannot be read or
    /// stored is left out (and said in the server's log).
    fn store_outputs(&self, job: &JobRow, now: DateTime<Utc>) -> Vec<FileRow> {
        let out = self.jobs_dir.join(&job.id).join("out");
        let mut rows = Vec::new();
        for (rel, path) in output_files(&out) {
            let key = uuid::Uuid::now_v7().to_string();
            match store_file(&*self.storage, &key, &path) {
                Ok((size, sha256)) => rows.push(FileRow {
                    id: key.clone(),
                    dataset_id: String::new(),
                    project_id: job.project_id.clone(),
                    path: rel,
                    size,
                    sha256,
                    content_type: "application/octet-stream".to_owned(),
                    object_key: key,
                    uploaded_by: job.owner_id.clone(),
                    uploaded_at: db_time(now),
                }),
                Err(e) => {
                    tracing::warn!(job = %job.id, file = %rel, error = %e, "output not stored");
                }
            }
        }
        rows
    }

    /// The dataset of a job's outputs, in its project, with its files, if
    /// the project's quota holds them: `false` when it does not (the job
    /// still succeeds; its outputs are not kept).
    fn record_outputs(
        &self,
        conn: &mut DbConn,
        job: &JobRow,
        id: &str,
        files: &[FileRow],
        now: DateTime<Utc>,
        events: &mut Vec<Event>,
    ) -> ApiResult<bool> {
        let at = db_time(now);
        let base: String = format!("{} (outputs)", job.name)
            .chars()
            .take(100)
            .collect();
        let name = if datasets::queries::name_taken(conn, &job.project_id, &base, None)? {
            format!("{base} {}", &job.id[job.id.len() - 8..])
        } else {
            base
        };
        let ds = datasets::DatasetRow {
            id: id.to_owned(),
            project_id: job.project_id.clone(),
            name,
            description: String::new(),
            created_by: job.owner_id.clone(),
            created_at: at,
            updated_at: at,
        };
        let total: u64 = files.iter().map(FileRow::size).sum();
        let limits = match datasets::service::limits(conn, &self.policy, &ds, "", None, now) {
            Ok(l) => l,
            Err(datasets::DatasetError::Db(e)) => return Err(e.into()),
            Err(_) => return Ok(false),
        };
        if files.iter().any(|f| limits.check(f.size()).is_err()) || limits.check(total).is_err() {
            return Ok(false);
        }
        datasets::queries::insert(conn, &ds)?;
        events.push(
            Event::new(AuditAction::DatasetCreate, Outcome::Success)
                .actor(job.owner_id.clone())
                .target("dataset", id.to_owned())
                .detail(json!({ "project_id": job.project_id, "name": ds.name, "job_id": job.id })),
        );
        for f in files {
            let mut row = f.clone();
            row.dataset_id = id.to_owned();
            datasets::queries::insert_file(conn, &row)?;
            events.push(
                Event::new(AuditAction::FileUpload, Outcome::Success)
                    .actor(job.owner_id.clone())
                    .target("file", row.id.clone())
                    .detail(json!({
                        "dataset_id": id,
                        "path": row.path,
                        "size": row.size,
                        "sha256": row.sha256,
                        "job_id": job.id,
                    })),
            );
        }
        Ok(true)
    }

    /// A succeeded job's draft work, owned by the job's owner in its
    /// project (while the project is active): `false` when none was made.
    fn record_work(
        &self,
        conn: &mut DbConn,
        job: &JobRow,
        id: &str,
        now: DateTime<Utc>,
        cache: &mut PassCache,
        events: &mut Vec<Event>,
    ) -> ApiResult<bool> {
        if cache.project_state(conn, &job.project_id)?
            != Some(habilis_shared::dto::ProjectState::Active)
        {
            return Ok(false);
        }
        let lang = cache.language(conn, &job.owner_id)?;
        let engine = cache.engine_name(conn, &job.engine_id, job.engine_version)?;
        let summary = Msg::new("jobs-work-summary")
            .arg("job", job.name.clone())
            .arg("engine", engine)
            .arg("version", job.engine_version)
            .arg("code", 0)
            .render(lang);
        let event = works::service::insert_job_output(
            conn,
            &NewWork {
                id,
                owner_id: &job.owner_id,
                title: &job.name,
                summary: &summary,
                project_id: Some(&job.project_id),
                at: db_time(now),
            },
            &job.id,
        )?;
        events.push(event);
        Ok(true)
    }

    /// Copies the log bytes written since the last pass into the database,
    /// cut at a character boundary, up to `log_max`.
    fn copy_log(&self, conn: &mut DbConn, job: &JobRow) -> ApiResult<()> {
        let path = self.jobs_dir.join(&job.id).join("job.log");
        let Ok(mut f) = fs::File::open(&path) else {
            return Ok(());
        };
        let from = u64::try_from(job.log_bytes).unwrap_or(0);
        if from >= self.log_max {
            return Ok(());
        }
        if f.seek(SeekFrom::Start(from)).is_err() {
            return Ok(());
        }
        let mut buf = Vec::new();
        let _ = f.take(self.log_max - from).read_to_end(&mut buf);
        if buf.is_empty() {
            return Ok(());
        }
        let text = match std::str::from_utf8(&buf) {
            Ok(t) => t.to_owned(),
            // An incomplete character at the end waits for the next pass.
            Err(e) if e.error_len().is_none() && e.valid_up_to() > 0 => {
                buf.truncate(e.valid_up_to());
                String::from_utf8_lossy(&buf).into_owned()
            }
            Err(_) => String::from_utf8_lossy(&buf).into_owned(),
        };
        let read = i64::try_from(buf.len()).unwrap_or(0);
        conn.write_tx(|conn| -> ApiResult<()> {
            let seq = queries::last_log_seq(conn, &job.id)? + 1;
            queries::append_log(conn, &job.id, seq, &text, job.log_bytes + read)?;
            Ok(())
        })
    }

    /// Recovers running jobs whose lease ran out, by rule.
    fn recover(&self, conn: &mut DbConn) -> ApiResult<Vec<String>> {
        let now = self.now();
        let mut out = Vec::new();
        for job in queries::expired(conn, db_time(now))? {
            let Some(old_until) = job.lease_until else {
                continue;
            };
            let slurm_here = self.executor.kind() == "slurm"
                && job.executor.as_deref() == Some("slurm")
                && job.handle.is_some();
            let (rule, done) = if slurm_here {
                let until = db_time(now + self.lease);
                let ok = queries::adopt(conn, &job.id, old_until, &self.worker_id, until)?;
                ("adopted", ok)
            } else {
                if let Some(h) = job.handle.as_deref() {
                    super::executors::local::LocalExecutor::stop_orphan(h);
                }
                // A job whose cancel was asked is not started again.
                let attempts_left =
                    job.attempts < i64::from(self.max_attempts) && !job.cancel_requested;
                conn.write_tx(|conn| -> ApiResult<(&'static str, bool)> {
                    if attempts_left {
                        let ok = queries::requeue(conn, &job.id, old_until)?;
                        if ok {
                            queries::clear_log(conn, &job.id)?;
                        }
                        Ok(("requeued", ok))
                    } else {
                        // Cancelled if its cancel was asked, else lost.
                        let (state, failure, rule) = if job.cancel_requested {
                            (JobState::Cancelled, None, "cancelled")
                        } else {
                            (JobState::Failed, Some(Failure::Lost.text()), "failed")
                        };
                        let ok = queries::finish(
                            conn,
                            &job.id,
                            JobState::Running,
                            job.lease_owner.as_deref(),
                            &Ending {
                                state,
                                at: db_time(now),
                                exit_code: None,
                                cpu_ms: None,
                                max_rss_kb: None,
                                failure: failure.as_deref(),
                                work_id: None,
                                dataset_id: None,
                            },
                        )?;
                        Ok((rule, ok))
                    }
                })?
            };
            if done {
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::JobRecover, Outcome::Success)
                        .target("job", job.id.clone())
                        .detail(json!({
                            "rule": rule,
                            "lost_by": job.lease_owner,
                            "attempts": job.attempts,
                            "by": self.worker_id,
                        })),
                )?;
                out.push(job.id.clone());
            }
        }
        Ok(out)
    }

    /// Claims and starts what the scheduler picks for this replica's free
    /// slots (`held`: the jobs it still runs): (the jobs claimed, how many
    /// of them run).
    fn dispatch(&self, conn: &mut DbConn, held: usize) -> ApiResult<(Vec<String>, usize)> {
        let free = usize::try_from(self.executor.slots())
            .unwrap_or(0)
            .saturating_sub(held);
        if free == 0 {
            return Ok((Vec::new(), 0));
        }
        let now = self.now();
        let since = db_time(now - self.lease);
        let until = db_time(now + self.lease);
        let kind = self.executor.kind();
        let claimed = conn.write_tx(|conn| -> ApiResult<Vec<JobRow>> {
            if !queries::try_lock_dispatch(conn)? {
                return Ok(Vec::new());
            }
            let capacity = queries::live_slots(conn, since)?.max(i64::from(self.executor.slots()));
            // Only each lane's first `free` jobs: this pass picks no other.
            let heads = queries::queued_heads(conn, i64::try_from(free).unwrap_or(i64::MAX))?;
            let capacity = u32::try_from(capacity).unwrap_or(u32::MAX);
            let snapshot = snapshot_of(conn, capacity, heads)?;
            if snapshot.waiting.is_empty() {
                return Ok(Vec::new());
            }
            let picks: Vec<String> = Scheduler::new(&self.policy.priority, snapshot)
                .take(free)
                .map(|p| p.job)
                .collect();
            if picks.is_empty() {
                return Ok(Vec::new());
            }
            // One statement claims them all; a job cancelled since the
            // snapshot (its cancel does not wait for this lock) is left.
            let mut claimed = Vec::with_capacity(picks.len());
            for chunk in picks.chunks(500) {
                queries::claim_many(conn, chunk, &self.worker_id, kind, db_time(now), until)?;
                claimed.extend(queries::claimed_by(conn, chunk, &self.worker_id)?);
            }
            Ok(claimed)
        })?;
        if claimed.is_empty() {
            return Ok((Vec::new(), 0));
        }
        let mut engines = HashMap::new();
        let started: Vec<Result<String, Failure>> = claimed
            .iter()
            .map(|job| self.start(conn, job, &mut engines))
            .collect();
        // The handles (and the jobs that could not start) in one
        // transaction: one commit per pass, not per job.
        let at = db_time(self.now());
        let mut cache = PassCache::default();
        conn.write_tx(|conn| -> ApiResult<()> {
            for (job, s) in claimed.iter().zip(&started) {
                match s {
                    Ok(handle) => {
                        queries::set_handle(conn, &job.id, &self.worker_id, handle)?;
                    }
                    Err(failure) => {
                        self.record_start_failure(conn, job, failure, at, &mut cache)?
                    }
                }
            }
            Ok(())
        })?;
        for (job, s) in claimed.iter().zip(&started) {
            if s.is_err() {
                let _ = fs::remove_dir_all(self.jobs_dir.join(&job.id));
            }
        }
        let running = started.iter().filter(|s| s.is_ok()).count();
        Ok((claimed.into_iter().map(|j| j.id).collect(), running))
    }

    /// Starts a claimed job on the executor: its handle, or why it could
    /// not start.
    fn start(
        &self,
        conn: &mut DbConn,
        job: &JobRow,
        engines: &mut HashMap<(String, i64), Option<EngineVersionRow>>,
    ) -> Result<String, Failure> {
        let launch = self.prepare(conn, job, engines)?;
        self.executor
            .submit(&launch)
            .map_err(|e| Failure::Start { reason: e.0 })
    }

    /// A job that could not start fails, and its log says why in its
    /// owner's language.
    fn record_start_failure(
        &self,
        conn: &mut DbConn,
        job: &JobRow,
        failure: &Failure,
        at: chrono::NaiveDateTime,
        cache: &mut PassCache,
    ) -> ApiResult<()> {
        let text = failure.text();
        let ended = queries::finish(
            conn,
            &job.id,
            JobState::Running,
            Some(&self.worker_id),
            &Ending {
                state: JobState::Failed,
                at,
                exit_code: None,
                cpu_ms: None,
                max_rss_kb: None,
                failure: Some(&text),
                work_id: None,
                dataset_id: None,
            },
        )?;
        if ended {
            let line = failure.msg().render(cache.language(conn, &job.owner_id)?);
            queries::append_note(conn, &job.id, &format!("[habilis] {line}\n"))?;
        }
        Ok(())
    }

    /// The job's working directory (`inputs/`, `out/`, `job.log`), its
    /// input files fetched from storage, and its argv rendered.
    fn prepare(
        &self,
        conn: &mut DbConn,
        job: &JobRow,
        versions: &mut HashMap<(String, i64), Option<EngineVersionRow>>,
    ) -> Result<Launch, Failure> {
        let fail = |what: &str, e: &dyn std::fmt::Display| Failure::Start {
            reason: format!("{what}: {e}"),
        };
        let key = (job.engine_id.clone(), job.engine_version);
        if !versions.contains_key(&key) {
            let v = engines::queries::version(conn, &job.engine_id, job.engine_version)
                .map_err(|e| fail("engine", &e))?;
            versions.insert(key.clone(), v);
        }
        let v = versions
            .get(&key)
            .cloned()
            .flatten()
            .ok_or_else(|| fail("engine", &"no such version"))?;
        let dir = self.jobs_dir.join(&job.id);
        let _ = fs::remove_dir_all(&dir);
        let owner = self.run_as.as_ref();
        for d in [&dir, &dir.join("inputs"), &dir.join("out")] {
            proc_util::make_dir(d, owner, 0o750).map_err(|e| fail("working directory", &e))?;
        }
        let given: BTreeMap<String, String> = serde_json::from_str(&job.inputs).unwrap_or_default();
        let mut inputs = BTreeMap::new();
        for (name, file_id) in &given {
            let file = datasets::queries::file(conn, file_id)
                .map_err(|e| fail("input", &e))?
                .filter(|f| f.project_id == job.project_id)
                .ok_or_else(|| fail(name, &"the file is gone"))?;
            let rel = format!("inputs/{name}");
            let path = dir.join(&rel);
            copy_object(&*self.storage, &file.object_key, &path).map_err(|e| fail(name, &e))?;
            proc_util::give(&path, owner).map_err(|e| fail(name, &e))?;
            inputs.insert(name.clone(), rel);
        }
        let params: serde_json::Value =
            serde_json::from_str(&job.parameters).unwrap_or(serde_json::Value::Null);
        let workdir = dir.display().to_string();
        let outdir = dir.join("out").display().to_string();
        let argv = engines::command::render(
            &v.command(),
            &params,
            &engines::command::Places {
                workdir: &workdir,
                outdir: &outdir,
                inputs: &inputs,
            },
        )
        .map_err(|e| fail("command", &e))?;
        let log_path = dir.join("job.log");
        let res = v.resources();
        Ok(Launch {
            job_id: job.id.clone(),
            argv,
            workdir: dir,
            log_path,
            timeout: Duration::from_secs(u64::try_from(v.timeout_secs).unwrap_or(1)),
            cpus: res.cpus,
            memory_mb: res.memory_mb,
            env: vec![
                ("HABILIS_JOB_ID".to_owned(), job.id.clone()),
                ("HABILIS_OUTDIR".to_owned(), outdir),
            ],
        })
    }
}

/// How a job ended, read from the executor, waiting to be recorded.
struct Ended {
    job: JobRow,
    state: JobState,
    at: DateTime<Utc>,
    exit_code: Option<i64>,
    cpu_ms: Option<i64>,
    max_rss_kb: Option<i64>,
    /// [`Failure::text`].
    failure: Option<String>,
    /// Its outputs, stored as objects, not recorded yet.
    stored: Vec<FileRow>,
}

/// What one transaction of a pass reads once for all its jobs: a
/// project's state (locked, for the transaction), an owner's language, an
/// engine version's name.
#[derive(Default)]
struct PassCache {
    projects: HashMap<String, Option<habilis_shared::dto::ProjectState>>,
    languages: HashMap<String, habilis_shared::dto::Language>,
    engines: HashMap<(String, i64), String>,
}

impl PassCache {
    fn project_state(
        &mut self,
        conn: &mut DbConn,
        id: &str,
    ) -> ApiResult<Option<habilis_shared::dto::ProjectState>> {
        if let Some(s) = self.projects.get(id) {
            return Ok(*s);
        }
        let s = projects_q::locked_state(conn, id)?;
        self.projects.insert(id.to_owned(), s);
        Ok(s)
    }

    fn language(
        &mut self,
        conn: &mut DbConn,
        user: &str,
    ) -> ApiResult<habilis_shared::dto::Language> {
        if let Some(l) = self.languages.get(user) {
            return Ok(*l);
        }
        let l =
            users_q::find(conn, user)?.map_or(habilis_shared::dto::Language::En, |u| u.language());
        self.languages.insert(user.to_owned(), l);
        Ok(l)
    }

    fn engine_name(&mut self, conn: &mut DbConn, id: &str, version: i64) -> ApiResult<String> {
        let key = (id.to_owned(), version);
        if let Some(n) = self.engines.get(&key) {
            return Ok(n.clone());
        }
        let n = engines::queries::version(conn, id, version)?.map_or_else(String::new, |v| v.name);
        self.engines.insert(key, n.clone());
        Ok(n)
    }
}

/// The most output files a job keeps.
pub const MAX_OUTPUTS: usize = 1000;

/// The regular files under `dir`, recursively, as (path relative to `dir`
/// with `/`, absolute path), sorted; symbolic links are skipped, so a job
/// cannot hand over a file outside its directory.
fn output_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let mut stack = vec![(String::new(), dir.to_path_buf())];
    while let Some((prefix, d)) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                continue;
            };
            let rel = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            if kind.is_dir() {
                stack.push((rel, entry.path()));
            } else if kind.is_file() && out.len() < MAX_OUTPUTS {
                out.push((rel, entry.path()));
            }
        }
    }
    out.sort();
    out
}

/// Streams a file into a new object, hashing it: (size, SHA-256 hex).
fn store_file(storage: &dyn Storage, key: &str, path: &Path) -> std::io::Result<(i64, String)> {
    use sha2::Digest;
    let mut from = fs::File::open(path)?;
    let mut temp = storage.put(key)?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0_u8; 64 * 1024];
    let mut size: i64 = 0;
    loop {
        let n = from.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        temp.write(&buf[..n])?;
        size += i64::try_from(n).unwrap_or(0);
    }
    temp.commit()?;
    Ok((size, hex::encode(hasher.finalize())))
}

fn copy_object(storage: &dyn Storage, key: &str, to: &Path) -> std::io::Result<()> {
    let mut from = storage.get(key, None)?;
    let mut out = fs::File::create(to)?;
    std::io::copy(&mut from, &mut out)?;
    Ok(())
}

/// The queue as the scheduler sees it, with `capacity` slots in all.
pub fn snapshot(conn: &mut DbConn, capacity: u32) -> ApiResult<Snapshot> {
    let queued = queries::queued(conn)?;
    snapshot_of(conn, capacity, queued)
}

/// The snapshot of these `queued` jobs (in queue order).
fn snapshot_of(
    conn: &mut DbConn,
    capacity: u32,
    queued: Vec<(String, String, String, bool)>,
) -> ApiResult<Snapshot> {
    let waiting: Vec<Waiting> = queued
        .into_iter()
        .enumerate()
        .map(|(i, (job, owner, profile, public))| Waiting {
            job,
            owner,
            profile: profile.parse().unwrap_or(Profile::Public),
            public,
            seq: i64::try_from(i).unwrap_or(i64::MAX),
        })
        .collect();
    let running: Vec<Busy> = queries::running(conn)?
        .into_iter()
        .map(|(owner, profile)| Busy {
            owner,
            profile: profile.parse().unwrap_or(Profile::Public),
        })
        .collect();
    let mut owners: Vec<String> = waiting.iter().map(|w| w.owner.clone()).collect();
    owners.sort_unstable();
    owners.dedup();
    let last_turn: HashMap<String, i64> = queries::last_started(conn, &owners)?
        .into_iter()
        .filter_map(|(o, t)| Some((o, t?.and_utc().timestamp_micros())))
        .collect();
    Ok(Snapshot {
        waiting,
        running,
        capacity,
        last_turn,
    })
}

//! Diesel over `compute_jobs`, `compute_job_logs` and `compute_workers`:
//! named rows and statements. No rule here.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use habilis_shared::dto::JobState;

use crate::db::schema::{app_locks, compute_job_logs, compute_jobs, compute_workers};
use crate::db::DbConn;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = compute_jobs)]
pub struct JobRow {
    pub id: String,
    pub project_id: String,
    pub owner_id: String,
    pub engine_id: String,
    pub engine_version: i64,
    pub name: String,
    pub parameters: String,
    pub inputs: String,
    pub profile: String,
    pub public: bool,
    pub state: String,
    pub executor: Option<String>,
    pub handle: Option<String>,
    pub attempts: i64,
    pub cancel_requested: bool,
    pub queued_at: NaiveDateTime,
    pub started_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
    pub exit_code: Option<i64>,
    pub cpu_ms: Option<i64>,
    pub max_rss_kb: Option<i64>,
    pub failure: Option<String>,
    pub work_id: Option<String>,
    pub dataset_id: Option<String>,
    pub log_bytes: i64,
    pub lease_owner: Option<String>,
    pub lease_until: Option<NaiveDateTime>,
}

impl JobRow {
    pub fn state(&self) -> JobState {
        JobState::parse(&self.state).unwrap_or(JobState::Failed)
    }
}

pub fn insert(conn: &mut DbConn, row: &JobRow) -> QueryResult<usize> {
    diesel::insert_into(compute_jobs::table)
        .values(row)
        .execute(conn)
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<JobRow>> {
    compute_jobs::table
        .find(id)
        .select(JobRow::as_select())
        .first(conn)
        .optional()
}

/// Filters of a page of jobs.
pub struct JobFilter<'a> {
    pub owners: &'a [String],
    pub project: Option<&'a str>,
    pub state: Option<JobState>,
}

/// A page of the jobs of `owners`, newest first, before the id given.
pub fn page(
    conn: &mut DbConn,
    f: &JobFilter<'_>,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<JobRow>> {
    let mut q = compute_jobs::table
        .filter(compute_jobs::owner_id.eq_any(f.owners))
        .order(compute_jobs::id.desc())
        .limit(limit)
        .select(JobRow::as_select())
        .into_boxed();
    if let Some(p) = f.project {
        q = q.filter(compute_jobs::project_id.eq(p.to_owned()));
    }
    if let Some(s) = f.state {
        q = q.filter(compute_jobs::state.eq(s.as_str()));
    }
    if let Some(b) = before {
        q = q.filter(compute_jobs::id.lt(b.to_owned()));
    }
    q.load(conn)
}

/// Holds the dispatch lock until the transaction ends: `true` when this
/// replica holds it now. On PostgreSQL the row is taken `FOR UPDATE SKIP
/// LOCKED`: a replica that finds another dispatching skips its turn rather
/// than queueing behind it. On SQLite the write transaction already holds
/// the one writer lock.
pub fn try_lock_dispatch(conn: &mut DbConn) -> QueryResult<bool> {
    match conn {
        DbConn::Pg(c) => app_locks::table
            .filter(app_locks::name.eq("compute"))
            .select(app_locks::name)
            .for_update()
            .skip_locked()
            .first::<String>(c)
            .optional()
            .map(|r| r.is_some()),
        DbConn::Sqlite(_) => Ok(true),
    }
}

/// A waiting job as the scheduler sees it: (id, owner, profile, public).
pub fn queued(conn: &mut DbConn) -> QueryResult<Vec<(String, String, String, bool)>> {
    compute_jobs::table
        .filter(compute_jobs::state.eq(JobState::Queued.as_str()))
        .order(compute_jobs::id.asc())
        .select((
            compute_jobs::id,
            compute_jobs::owner_id,
            compute_jobs::profile,
            compute_jobs::public,
        ))
        .load(conn)
}

/// A queued job as [`queued_heads`] reads it.
#[derive(QueryableByName)]
struct QueuedHead {
    #[diesel(sql_type = diesel::sql_types::Text)]
    id: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    owner_id: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    profile: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    public: bool,
}

/// The first `per_lane` queued jobs of each owner, profile and publicness
/// (a scheduler's lane), in queue order: a pass that starts at most
/// `per_lane` jobs picks nothing else (a lane gives its jobs in order), so
/// it need not read the whole queue.
const QUEUED_HEADS: &str = "\
SELECT id, owner_id, profile, public FROM (
  SELECT id, owner_id, profile, public,
         row_number() OVER (PARTITION BY owner_id, profile, public ORDER BY id) AS n
  FROM compute_jobs WHERE state = 'queued') AS q
WHERE n <= $1 ORDER BY id";

/// [`queued`], each lane cut after its first `per_lane` jobs.
pub fn queued_heads(
    conn: &mut DbConn,
    per_lane: i64,
) -> QueryResult<Vec<(String, String, String, bool)>> {
    let rows: Vec<QueuedHead> = match conn {
        DbConn::Sqlite(c) => diesel::sql_query(QUEUED_HEADS)
            .bind::<diesel::sql_types::BigInt, _>(per_lane)
            .load(c)?,
        DbConn::Pg(c) => diesel::sql_query(QUEUED_HEADS)
            .bind::<diesel::sql_types::BigInt, _>(per_lane)
            .load(c)?,
    };
    Ok(rows
        .into_iter()
        .map(|r| (r.id, r.owner_id, r.profile, r.public))
        .collect())
}

/// The running jobs: (owner, profile).
pub fn running(conn: &mut DbConn) -> QueryResult<Vec<(String, String)>> {
    compute_jobs::table
        .filter(compute_jobs::state.eq(JobState::Running.as_str()))
        .select((compute_jobs::owner_id, compute_jobs::profile))
        .load(conn)
}

/// When each of `owners` last had a job started.
pub fn last_started(
    conn: &mut DbConn,
    owners: &[String],
) -> QueryResult<Vec<(String, Option<NaiveDateTime>)>> {
    let mut out = Vec::new();
    // Bounded IN lists (SQLite's variable limit).
    for chunk in owners.chunks(500) {
        let rows: Vec<(String, Option<NaiveDateTime>)> = compute_jobs::table
            .filter(compute_jobs::owner_id.eq_any(chunk))
            .filter(compute_jobs::started_at.is_not_null())
            .group_by(compute_jobs::owner_id)
            .select((
                compute_jobs::owner_id,
                diesel::dsl::max(compute_jobs::started_at),
            ))
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}

/// Claims the queued jobs among `ids` for `worker` in one statement (a job
/// cancelled meanwhile is not claimed); [`claimed_by`] tells which were.
pub fn claim_many(
    conn: &mut DbConn,
    ids: &[String],
    worker: &str,
    executor: &str,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        compute_jobs::table
            .filter(compute_jobs::id.eq_any(ids))
            .filter(compute_jobs::state.eq(JobState::Queued.as_str())),
    )
    .set((
        compute_jobs::state.eq(JobState::Running.as_str()),
        compute_jobs::lease_owner.eq(worker),
        compute_jobs::lease_until.eq(lease_until),
        compute_jobs::started_at.eq(now),
        compute_jobs::executor.eq(executor),
        compute_jobs::attempts.eq(compute_jobs::attempts + 1),
    ))
    .execute(conn)
}

/// The jobs among `ids` that `worker` runs and has not started yet.
pub fn claimed_by(conn: &mut DbConn, ids: &[String], worker: &str) -> QueryResult<Vec<JobRow>> {
    compute_jobs::table
        .filter(compute_jobs::id.eq_any(ids))
        .filter(compute_jobs::state.eq(JobState::Running.as_str()))
        .filter(compute_jobs::lease_owner.eq(worker))
        .filter(compute_jobs::handle.is_null())
        .order(compute_jobs::id.asc())
        .select(JobRow::as_select())
        .load(conn)
}

/// Records the executor's handle of a job `worker` runs.
pub fn set_handle(conn: &mut DbConn, id: &str, worker: &str, handle: &str) -> QueryResult<bool> {
    diesel::update(
        compute_jobs::table
            .filter(compute_jobs::id.eq(id))
            .filter(compute_jobs::lease_owner.eq(worker)),
    )
    .set(compute_jobs::handle.eq(handle))
    .execute(conn)
    .map(|n| n == 1)
}

/// The running jobs `worker` holds.
pub fn held_by(conn: &mut DbConn, worker: &str) -> QueryResult<Vec<JobRow>> {
    compute_jobs::table
        .filter(compute_jobs::state.eq(JobState::Running.as_str()))
        .filter(compute_jobs::lease_owner.eq(worker))
        .select(JobRow::as_select())
        .load(conn)
}

/// Renews, to `until`, the leases of the running jobs `worker` holds that
/// end before `due`.
pub fn renew(
    conn: &mut DbConn,
    worker: &str,
    until: NaiveDateTime,
    due: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        compute_jobs::table
            .filter(compute_jobs::state.eq(JobState::Running.as_str()))
            .filter(compute_jobs::lease_owner.eq(worker))
            .filter(compute_jobs::lease_until.lt(due)),
    )
    .set(compute_jobs::lease_until.eq(until))
    .execute(conn)
}

/// Running jobs whose lease ran out before `now` (their replica stopped).
pub fn expired(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Vec<JobRow>> {
    compute_jobs::table
        .filter(compute_jobs::state.eq(JobState::Running.as_str()))
        .filter(compute_jobs::lease_until.lt(now))
        .select(JobRow::as_select())
        .load(conn)
}

/// What a job ended with.
pub struct Ending<'a> {
    pub state: JobState,
    pub at: NaiveDateTime,
    pub exit_code: Option<i64>,
    pub cpu_ms: Option<i64>,
    pub max_rss_kb: Option<i64>,
    pub failure: Option<&'a str>,
    pub work_id: Option<&'a str>,
    pub dataset_id: Option<&'a str>,
}

/// Ends a running job `worker` holds (`None` as worker: a queued job
/// cancelled before it ran, or a lost job recovered by rule): `false`
/// when it was not in the expected state any more.
pub fn finish(
    conn: &mut DbConn,
    id: &str,
    from: JobState,
    worker: Option<&str>,
    e: &Ending<'_>,
) -> QueryResult<bool> {
    let mut q = diesel::update(compute_jobs::table)
        .filter(compute_jobs::id.eq(id))
        .filter(compute_jobs::state.eq(from.as_str()))
        .into_boxed();
    if let Some(w) = worker {
        q = q.filter(compute_jobs::lease_owner.eq(w));
    }
    q.set((
        compute_jobs::state.eq(e.state.as_str()),
        compute_jobs::finished_at.eq(e.at),
        compute_jobs::exit_code.eq(e.exit_code),
        compute_jobs::cpu_ms.eq(e.cpu_ms),
        compute_jobs::max_rss_kb.eq(e.max_rss_kb),
        compute_jobs::failure.eq(e.failure),
        compute_jobs::work_id.eq(e.work_id),
        compute_jobs::dataset_id.eq(e.dataset_id),
        compute_jobs::lease_owner.eq(None::<String>),
        compute_jobs::lease_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Puts a lost running job back in the queue (not one whose cancel was
/// asked: that one is ended by the caller instead).
pub fn requeue(conn: &mut DbConn, id: &str, lease_until: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        compute_jobs::table
            .filter(compute_jobs::id.eq(id))
            .filter(compute_jobs::state.eq(JobState::Running.as_str()))
            .filter(compute_jobs::cancel_requested.eq(false))
            .filter(compute_jobs::lease_until.eq(lease_until)),
    )
    .set((
        compute_jobs::state.eq(JobState::Queued.as_str()),
        compute_jobs::lease_owner.eq(None::<String>),
        compute_jobs::lease_until.eq(None::<NaiveDateTime>),
        compute_jobs::handle.eq(None::<String>),
        compute_jobs::started_at.eq(None::<NaiveDateTime>),
        compute_jobs::log_bytes.eq(0),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Takes over a lost running job whose executor still knows it (Slurm).
pub fn adopt(
    conn: &mut DbConn,
    id: &str,
    old_until: NaiveDateTime,
    worker: &str,
    until: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        compute_jobs::table
            .filter(compute_jobs::id.eq(id))
            .filter(compute_jobs::state.eq(JobState::Running.as_str()))
            .filter(compute_jobs::lease_until.eq(old_until)),
    )
    .set((
        compute_jobs::lease_owner.eq(worker),
        compute_jobs::lease_until.eq(until),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Asks the replica running a job to stop it.
pub fn request_cancel(conn: &mut DbConn, id: &str) -> QueryResult<bool> {
    diesel::update(
        compute_jobs::table
            .filter(compute_jobs::id.eq(id))
            .filter(compute_jobs::state.eq(JobState::Running.as_str())),
    )
    .set(compute_jobs::cancel_requested.eq(true))
    .execute(conn)
    .map(|n| n == 1)
}

/// Appends a chunk of log, `bytes` of the log file read so far.
pub fn append_log(
    conn: &mut DbConn,
    id: &str,
    seq: i64,
    chunk: &str,
    bytes: i64,
) -> QueryResult<()> {
    diesel::insert_into(compute_job_logs::table)
        .values((
            compute_job_logs::job_id.eq(id),
            compute_job_logs::seq.eq(seq),
            compute_job_logs::chunk.eq(chunk),
        ))
        .execute(conn)?;
    diesel::update(compute_jobs::table.find(id))
        .set(compute_jobs::log_bytes.eq(bytes))
        .execute(conn)?;
    Ok(())
}

/// The chunks of a job's log after `seq`, in order.
pub fn log_after(conn: &mut DbConn, id: &str, seq: i64) -> QueryResult<Vec<(i64, String)>> {
    compute_job_logs::table
        .filter(compute_job_logs::job_id.eq(id))
        .filter(compute_job_logs::seq.gt(seq))
        .order(compute_job_logs::seq.asc())
        .select((compute_job_logs::seq, compute_job_logs::chunk))
        .load(conn)
}

/// The last chunk number of a job's log (0 when empty).
pub fn last_log_seq(conn: &mut DbConn, id: &str) -> QueryResult<i64> {
    compute_job_logs::table
        .filter(compute_job_logs::job_id.eq(id))
        .select(diesel::dsl::max(compute_job_logs::seq))
        .first::<Option<i64>>(conn)
        .map(|s| s.unwrap_or(0))
}

/// Ends a job's stored log with a line from Habilis itself (not from
/// the job's output: the count of bytes copied from its log file stays).
pub fn append_note(conn: &mut DbConn, id: &str, line: &str) -> QueryResult<()> {
    let seq = last_log_seq(conn, id)? + 1;
    diesel::insert_into(compute_job_logs::table)
        .values((
            compute_job_logs::job_id.eq(id),
            compute_job_logs::seq.eq(seq),
            compute_job_logs::chunk.eq(line),
        ))
        .execute(conn)?;
    Ok(())
}

/// Forgets a job's log (a job queued again starts a new one).
pub fn clear_log(conn: &mut DbConn, id: &str) -> QueryResult<usize> {
    diesel::delete(compute_job_logs::table.filter(compute_job_logs::job_id.eq(id))).execute(conn)
}

/// Records this replica as a worker, or its heartbeat when the last one
/// is older than `due`.
pub fn heartbeat(
    conn: &mut DbConn,
    id: &str,
    executor: &str,
    slots: i64,
    now: NaiveDateTime,
    due: NaiveDateTime,
) -> QueryResult<()> {
    let n = diesel::update(
        compute_workers::table
            .find(id)
            .filter(compute_workers::heartbeat_at.lt(due)),
    )
    .set(compute_workers::heartbeat_at.eq(now))
    .execute(conn)?;
    let known = n == 1
        || compute_workers::table
            .find(id)
            .select(compute_workers::id)
            .first::<String>(conn)
            .optional()?
            .is_some();
    if !known {
        diesel::insert_into(compute_workers::table)
            .values((
                compute_workers::id.eq(id),
                compute_workers::executor.eq(executor),
                compute_workers::slots.eq(slots),
                compute_workers::started_at.eq(now),
                compute_workers::heartbeat_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The slots of the workers heard from since `since`.
pub fn live_slots(conn: &mut DbConn, since: NaiveDateTime) -> QueryResult<i64> {
    compute_workers::table
        .filter(compute_workers::heartbeat_at.ge(since))
        .select(compute_workers::slots)
        .load::<i64>(conn)
        .map(|v| v.iter().sum())
}

/// Forgets the workers not heard from since `before`.
pub fn forget_workers(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(compute_workers::table.filter(compute_workers::heartbeat_at.lt(before)))
        .execute(conn)
}

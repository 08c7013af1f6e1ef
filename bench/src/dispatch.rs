//! The dispatch row of `make bench` (issue 17): end-to-end dispatch
//! through the database by three replicas at once, each the real
//! [`Dispatcher`] with [`REPLICA_SLOTS`] slots, over [`JOBS`] queued jobs
//! of [`OWNERS`] people inserted straight into the database (as the test
//! `three_replicas_dispatch_every_job_exactly_once` does; submitting
//! through the API is not what is measured).
//!
//! Each replica runs `pass()` back to back on a thread of its own (a short
//! sleep when a pass did nothing), as the test does: heartbeat, watch,
//! recover, then the scheduler over the whole queue under the `compute`
//! lock, claim, start. Measured: jobs started per second across the three
//! replicas, from the first pass to the moment the last job was started,
//! and the double dispatches (a job id in two `started` lists, or a job
//! with more than one attempt), which must be none.
//!
//! Two executors:
//!
//! - **local**: the real [`LocalExecutor`] running `/bin/true` (one
//!   `execve`, as `nobody` with its limits when the bench runs as root): a process per job,
//!   its working directory, its log, its end recorded with a draft work and
//!   an audit line — the whole path;
//! - **instant**: an executor of this file that starts nothing and answers
//!   "finished, exit 0" at the first poll: the same passes, claims, working
//!   directories and records without the processes, so the two lines
//!   together show what the process spawning costs.
//!
//! The comparison is a fixed number, no process of its own: Slurm's
//! documented sustained rate of 500 jobs/s.

use std::collections::HashSet;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use chrono::Utc;
use diesel::prelude::*;
use habilis_api::clock::{db_time, Clock, SystemClock};
use habilis_api::compute::executors::local::LocalExecutor;
use habilis_api::compute::executors::{ExecError, Executor, Launch, Status};
use habilis_api::compute::{queries, Dispatcher, JobRow};
use habilis_api::db::schema::{compute_jobs, projects, users};
use habilis_api::db::DbConn;
use habilis_api::engines::queries::{EngineRow, EngineVersionRow};
use habilis_api::spawners::local::process::RunAs;
use habilis_shared::policy::Policy;

use crate::stack::{People, Stack};

/// Jobs queued for each run.
pub const JOBS: usize = 5_000;
/// People owning them: as many novices, confirmed scientists, experts
/// and admins. The profiles' caps (default policy: 4, 8, 16 and 32 running
/// jobs per person; 25 %, 50 %, 75 % and 100 % of the slots per profile)
/// leave the 192 slots as the binding limit; with the four people of the
/// test, the caps would hold the platform at 60 running jobs.
pub const OWNERS: usize = 64;
/// Replicas dispatching at once.
pub const REPLICAS: usize = 3;
/// Slots of each replica.
pub const REPLICA_SLOTS: u32 = 64;
/// Slurm's documented sustained rate (jobs/s), the fixed reference.
pub const SLURM_RATE: f64 = 500.0;

/// Which executor the replicas run.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Local,
    Instant,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Local => "local",
            Kind::Instant => "instant",
        }
    }
}

pub struct Dispatch {
    pub jobs: usize,
    /// Jobs started per second, first pass to last start.
    pub jobs_per_sec: f64,
    /// Seconds from the first pass to the last start.
    pub start_secs: f64,
    /// Seconds from the first pass until every job had ended.
    pub drain_secs: f64,
    /// Jobs started by each replica.
    pub per_replica: Vec<usize>,
    /// Passes run by each replica.
    pub passes: Vec<usize>,
    /// Ids in more than one `started` list (or twice in one).
    pub duplicate_ids: usize,
    /// Jobs of this run with more than one attempt.
    pub attempts_over_one: i64,
    /// Jobs of this run that succeeded.
    pub succeeded: i64,
}

impl Dispatch {
    pub fn double(&self) -> i64 {
        self.duplicate_ids as i64 + self.attempts_over_one
    }
}

/// An executor that runs nothing: every job it is given has finished, exit
/// 0, at its first poll.
struct InstantExecutor {
    slots: u32,
}

impl Executor for InstantExecutor {
    fn kind(&self) -> &'static str {
        "local"
    }
    fn slots(&self) -> u32 {
        self.slots
    }
    fn submit(&self, l: &Launch) -> Result<String, ExecError> {
        Ok(format!("instant:{}", l.job_id))
    }
    fn poll(&self, _handle: &str) -> Result<Status, ExecError> {
        Ok(Status::Finished {
            exit_code: Some(0),
            cpu_secs: Some(0.0),
            max_rss_kb: None,
            timed_out: false,
            cancelled: false,
        })
    }
    fn cancel(&self, _handle: &str) -> Result<(), ExecError> {
        Ok(())
    }
}

/// The engine every job runs: `/bin/true`, one CPU, 1 GiB, 60 s.
fn seed_engine(conn: &mut DbConn, admin_id: &str) -> anyhow::Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    let now = db_time(Utc::now());
    let engine = EngineRow {
        id: id.clone(),
        version: 1,
        created_by: admin_id.to_owned(),
        created_at: now,
        updated_at: now,
        retired_at: None,
    };
    let version = EngineVersionRow {
        engine_id: id.clone(),
        version: 1,
        name: "True".into(),
        description: "make bench: /bin/true".into(),
        command: r#"["/bin/true"]"#.into(),
        parameters: "{}".into(),
        inputs: "[]".into(),
        timeout_secs: 60,
        cpus: 1,
        memory_mb: 1024,
        created_by: admin_id.to_owned(),
        created_at: now,
    };
    habilis_api::engines::queries::insert(conn, &engine, &version)?;
    Ok(id)
}

/// [`OWNERS`] active accounts, a quarter of each profile from novice to
/// admin (novices and confirmed scientists under the seeded confirmed and
/// expert): (id, profile).
fn seed_owners(
    conn: &mut DbConn,
    people: &People,
    tag: &str,
) -> anyhow::Result<Vec<(String, &'static str)>> {
    let now = db_time(Utc::now());
    let profiles = ["novice", "confirmed", "expert", "admin"];
    let mut out = Vec::with_capacity(OWNERS);
    for i in 0..OWNERS {
        let profile = profiles[i % profiles.len()];
        let supervisor = match profile {
            "novice" => Some(people.confirmed_id.clone()),
            "confirmed" => Some(people.expert_id.clone()),
            _ => None,
        };
        let id = uuid::Uuid::now_v7().to_string();
        let email = format!("dispatch-{tag}-{i:03}@inserm.fr");
        diesel::insert_into(users::table)
            .values((
                users::id.eq(&id),
                users::email.eq(&email),
                users::email_key.eq(&email),
                users::first_name.eq("Bench"),
                users::last_name.eq(&email),
                users::profile.eq(profile),
                users::state.eq("active"),
                users::supervisor_id.eq(supervisor),
                users::password_hash.eq("!"),
                users::must_change_password.eq(false),
                users::activated_at.eq(now),
                users::created_at.eq(now),
                users::updated_at.eq(now),
            ))
            .execute(conn)?;
        out.push((id, profile));
    }
    Ok(out)
}

/// [`JOBS`] queued jobs of `owners` in turn, in the first bench project;
/// their ids.
fn seed_jobs(
    conn: &mut DbConn,
    owners: &[(String, &'static str)],
    engine: &str,
    tag: &str,
) -> anyhow::Result<HashSet<String>> {
    let project: String = projects::table
        .filter(projects::domain.eq("bench"))
        .order(projects::name.asc())
        .select(projects::id)
        .first(conn)?;
    let now = db_time(Utc::now());
    let mut ids = HashSet::with_capacity(JOBS);
    conn.write_tx(|conn| -> anyhow::Result<()> {
        for i in 0..JOBS {
            let (owner, profile) = &owners[i % owners.len()];
            let id = uuid::Uuid::now_v7().to_string();
            queries::insert(
                conn,
                &JobRow {
                    id: id.clone(),
                    project_id: project.clone(),
                    owner_id: owner.clone(),
                    engine_id: engine.to_owned(),
                    engine_version: 1,
                    name: format!("bench-{tag}-{i}"),
                    parameters: "{}".into(),
                    inputs: "{}".into(),
                    profile: (*profile).to_owned(),
                    public: false,
                    state: "queued".into(),
                    executor: None,
                    handle: None,
                    attempts: 0,
                    cancel_requested: false,
                    queued_at: now,
                    started_at: None,
                    finished_at: None,
                    exit_code: None,
                    cpu_ms: None,
                    max_rss_kb: None,
                    failure: None,
                    work_id: None,
                    dataset_id: None,
                    log_bytes: 0,
                    lease_owner: None,
                    lease_until: None,
                },
            )?;
            ids.insert(id);
        }
        Ok(())
    })?;
    Ok(ids)
}

/// What one replica saw: the ids it started, when it started the last
/// one, how many passes it ran.
struct Seen {
    started: Vec<String>,
    last_start: Option<Instant>,
    passes: usize,
}

/// One run: [`JOBS`] jobs, [`REPLICAS`] replicas of `kind`.
pub fn run(stack: &Stack, people: &People, kind: Kind) -> anyhow::Result<Dispatch> {
    use std::os::unix::fs::PermissionsExt;
    let mut pooled = stack.pool.get()?;
    let conn: &mut DbConn = &mut pooled;
    let engine = seed_engine(conn, &people.admin_id)?;
    let owners = seed_owners(conn, people, kind.name())?;
    let ids = seed_jobs(conn, &owners, &engine, kind.name())?;
    // Replicas of an earlier run are not heard from any more.
    queries::forget_workers(conn, db_time(Utc::now()))?;

    let mut config = habilis_api::config::Config::load_from(|_| None)?;
    let dir = stack.dir.join(format!("dispatch-{}", kind.name()));
    std::fs::create_dir_all(&dir)?;
    // Jobs run as `nobody` when the bench is root: every parent of their
    // working directories must be searchable by others.
    for d in [&stack.dir, &dir] {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755))?;
    }
    config.data_dir = dir.clone();
    let storage = habilis_api::storage::from_config(&config).map_err(|e| anyhow::anyhow!(e))?;
    let policy = Arc::new(Policy::default());
    let run_as = RunAs::resolve(None).map_err(|e| anyhow::anyhow!(e))?;
    let replicas: Vec<Dispatcher> = (0..REPLICAS)
        .map(|i| -> anyhow::Result<Dispatcher> {
            let jobs_dir = dir.join(format!("jobs-{i}"));
            std::fs::create_dir_all(&jobs_dir)?;
            std::fs::set_permissions(&jobs_dir, std::fs::Permissions::from_mode(0o755))?;
            let executor: Arc<dyn Executor> = match kind {
                Kind::Local => Arc::new(LocalExecutor::new(REPLICA_SLOTS, run_as.clone())),
                Kind::Instant => Arc::new(InstantExecutor {
                    slots: REPLICA_SLOTS,
                }),
            };
            Ok(Dispatcher {
                worker_id: format!("bench-{}-{i}", kind.name()),
                executor,
                pool: habilis_api::db::connect_pool(&stack.database_url, 2)
                    .map_err(|e| anyhow::anyhow!("{e}"))?,
                policy: policy.clone(),
                clock: Arc::new(SystemClock) as Arc<dyn Clock>,
                storage: storage.clone(),
                jobs_dir,
                run_as: run_as.clone(),
                lease: chrono::Duration::seconds(60),
                max_attempts: 2,
                log_max: 1024,
            })
        })
        .collect::<anyhow::Result<_>>()?;

    let gate = Barrier::new(REPLICAS + 1);
    let (t0, drained, seen) =
        std::thread::scope(|s| -> anyhow::Result<(Instant, Instant, Vec<Seen>)> {
            let threads: Vec<_> = replicas
                .iter()
                .map(|d| {
                    let gate = &gate;
                    s.spawn(move || -> anyhow::Result<(Seen, Instant)> {
                        let mut seen = Seen {
                            started: Vec::new(),
                            last_start: None,
                            passes: 0,
                        };
                        gate.wait();
                        let until = Instant::now() + Duration::from_secs(600);
                        loop {
                            let pass = d
                                .pass()
                                .map_err(|e| anyhow::anyhow!("pass: {}", e.detail))?;
                            seen.passes += 1;
                            if !pass.started.is_empty() {
                                seen.last_start = Some(Instant::now());
                            }
                            let idle = pass.running == 0 && pass.started.is_empty();
                            let quiet = pass.started.is_empty() && pass.ended.is_empty();
                            seen.started.extend(pass.started);
                            if idle {
                                let mut pooled = d.pool.get()?;
                                let left: i64 = compute_jobs::table
                                    .filter(compute_jobs::state.eq_any(["queued", "running"]))
                                    .count()
                                    .get_result(&mut **pooled)?;
                                if left == 0 {
                                    return Ok((seen, Instant::now()));
                                }
                            }
                            if Instant::now() > until {
                                anyhow::bail!("the queue never drained");
                            }
                            if quiet {
                                std::thread::sleep(Duration::from_millis(1));
                            }
                        }
                    })
                })
                .collect();
            gate.wait();
            let t0 = Instant::now();
            let mut seen = Vec::new();
            let mut drained = t0;
            for t in threads {
                let (s, done) = t
                    .join()
                    .map_err(|_| anyhow::anyhow!("a replica panicked"))??;
                drained = drained.max(done);
                seen.push(s);
            }
            Ok((t0, drained, seen))
        })?;
    let drain_secs = drained.duration_since(t0).as_secs_f64();
    let last = seen
        .iter()
        .filter_map(|s| s.last_start)
        .max()
        .ok_or_else(|| anyhow::anyhow!("no job started"))?;
    let start_secs = last.duration_since(t0).as_secs_f64();
    let mut all: Vec<&String> = seen.iter().flat_map(|s| s.started.iter()).collect();
    let total = all.len();
    all.sort();
    all.dedup();
    let duplicate_ids = total - all.len();
    if all.len() != JOBS || all.iter().any(|id| !ids.contains(*id)) {
        anyhow::bail!("{} distinct jobs started, not the {JOBS} queued", all.len());
    }
    let mine: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut attempts_over_one = 0;
    let mut succeeded = 0;
    for chunk in mine.chunks(1_000) {
        attempts_over_one += compute_jobs::table
            .filter(compute_jobs::id.eq_any(chunk.to_vec()))
            .filter(compute_jobs::attempts.gt(1))
            .count()
            .get_result::<i64>(conn)?;
        succeeded += compute_jobs::table
            .filter(compute_jobs::id.eq_any(chunk.to_vec()))
            .filter(compute_jobs::state.eq("succeeded"))
            .count()
            .get_result::<i64>(conn)?;
    }
    Ok(Dispatch {
        jobs: JOBS,
        jobs_per_sec: JOBS as f64 / start_secs,
        start_secs,
        drain_secs,
        per_replica: seen.iter().map(|s| s.started.len()).collect(),
        passes: seen.iter().map(|s| s.passes).collect(),
        duplicate_ids,
        attempts_over_one,
        succeeded,
    })
}

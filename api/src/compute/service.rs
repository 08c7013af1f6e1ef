//! The job rules (SPEC §7, issue 17 §2, §7): a job runs a live engine's
//! current version in an active project, with parameters laid over the
//! engine's defaults and validated against its schema, and inputs that are
//! files of the project's datasets; it is queued with its owner's profile
//! (the scheduler's rank). A queued job is cancelled at once; a running
//! one is stopped by the replica that runs it. Each change runs in one
//! transaction with its audit row; the caller has already been authorised.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use habilis_shared::dto::{JobState, JobView, Language, ProjectState, SubmitJob};
use habilis_shared::i18n::Msg;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::queries::{self, Ending, JobRow};
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::Caller;
use crate::clock::{db_time, utc};
use crate::datasets;
use crate::db::DbConn;
use crate::engines::{self, EngineVersionRow};
use crate::error::{ApiError, ProblemType};
use crate::projects::queries as projects_q;

/// What a job rule refuses.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("invalid fields")]
    Invalid(BTreeMap<String, Vec<Msg>>),
    #[error("the project is not active")]
    ProjectNotActive(ProjectState),
    #[error("the job is {0:?}")]
    NotCancellable(JobState),
    #[error("no such job")]
    NotFound,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl From<JobError> for ApiError {
    fn from(e: JobError) -> Self {
        match e {
            JobError::Invalid(errors) => ApiError::validation(errors),
            JobError::ProjectNotActive(s) => ApiError::conflict(
                ProblemType::WrongState,
                Msg::new("jobs-project-not-active").arg("state", s.as_str()),
            ),
            JobError::NotCancellable(s) => ApiError::conflict(
                ProblemType::WrongState,
                Msg::new("jobs-not-cancellable").arg("state", s.as_str()),
            ),
            JobError::NotFound => ApiError::not_found(),
            JobError::Db(e) => e.into(),
        }
    }
}

pub type JobResult<T> = Result<T, JobError>;

fn field(name: impl Into<String>, msg: Msg) -> JobError {
    let mut errors = BTreeMap::new();
    errors.insert(name.into(), vec![msg]);
    JobError::Invalid(errors)
}

/// Why a job did not succeed, kept as data and written in the reader's
/// language when shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Failure {
    Exit { code: i64 },
    Signal,
    Timeout { secs: i64 },
    Start { reason: String },
    Lost,
    Executor { reason: String },
    Cancelled { by: String },
}

impl Failure {
    pub fn msg(&self) -> Msg {
        match self {
            Failure::Exit { code } => Msg::new("jobs-failure-exit").arg("code", *code),
            Failure::Signal => Msg::new("jobs-failure-signal"),
            Failure::Timeout { secs } => Msg::new("jobs-failure-timeout").arg("secs", *secs),
            Failure::Start { reason } => {
                Msg::new("jobs-failure-start").arg("reason", reason.clone())
            }
            Failure::Lost => Msg::new("jobs-failure-lost"),
            Failure::Executor { reason } => {
                Msg::new("jobs-failure-executor").arg("reason", reason.clone())
            }
            Failure::Cancelled { by } => Msg::new("jobs-failure-cancelled").arg("who", by.clone()),
        }
    }

    pub fn text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn parse(text: &str) -> Option<Failure> {
        serde_json::from_str(text).ok()
    }
}

/// Checks the inputs of a submission: each a declared input, each
/// required one given, each a file of a dataset of the project.
fn check_inputs(
    conn: &mut DbConn,
    v: &EngineVersionRow,
    project: &str,
    given: &BTreeMap<String, String>,
) -> JobResult<()> {
    let declared = v.inputs();
    for name in given.keys() {
        if !declared.iter().any(|i| &i.name == name) {
            return Err(field(
                format!("inputs.{name}"),
                Msg::new("jobs-input-unknown"),
            ));
        }
    }
    for input in &declared {
        match given.get(&input.name) {
            None if input.required => {
                return Err(field(
                    format!("inputs.{}", input.name),
                    Msg::new("jobs-input-missing"),
                ))
            }
            None => {}
            Some(file_id) => {
                let ok = datasets::queries::file(conn, file_id)?
                    .is_some_and(|f| f.project_id == project);
                if !ok {
                    return Err(field(
                        format!("inputs.{}", input.name),
                        Msg::new("jobs-input-file"),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Queues a job of the caller in `project` (the caller may submit there).
pub fn submit(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    project: &str,
    req: &SubmitJob,
) -> JobResult<JobRow> {
    let Some((_, v)) = engines::queries::find_live(conn, &req.engine_id)? else {
        return Err(field("engine_id", Msg::new("jobs-engine-unknown")));
    };
    let parameters = engines::service::effective_parameters(&v, req.parameters.as_ref())
        .map_err(JobError::Invalid)?;
    check_inputs(conn, &v, project, &req.inputs)?;
    let id = uuid::Uuid::now_v7().to_string();
    let name = req
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map_or_else(
            || format!("{} #{}", v.name, &id[id.len() - 6..]),
            str::to_owned,
        );
    let profile = caller.user.profile();
    let row = JobRow {
        id: id.clone(),
        project_id: project.to_owned(),
        owner_id: caller.id().to_owned(),
        engine_id: v.engine_id.clone(),
        engine_version: v.version,
        name,
        parameters: parameters.to_string(),
        inputs: serde_json::to_string(&req.inputs).unwrap_or_else(|_| "{}".to_owned()),
        profile: profile.as_str().to_owned(),
        // Jobs of accounts are never public: public jobs are the prepared
        // queries of anonymous visitors (SPEC §2.6), which go last.
        public: !profile.is_account(),
        state: JobState::Queued.as_str().to_owned(),
        executor: None,
        handle: None,
        attempts: 0,
        cancel_requested: false,
        queued_at: db_time(now),
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
    };
    conn.write_tx(|conn| {
        match projects_q::locked_state(conn, project)? {
            Some(ProjectState::Active) => {}
            Some(other) => return Err(JobError::ProjectNotActive(other)),
            None => return Err(JobError::NotFound),
        }
        queries::insert(conn, &row)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::JobSubmit, Outcome::Success)
                .actor(caller.id())
                .target("job", id.clone())
                .detail(json!({
                    "project_id": project,
                    "engine_id": v.engine_id,
                    "engine_version": v.version,
                }))
                .ctx(&caller.ctx),
        )?;
        Ok(())
    })?;
    Ok(row)
}

/// Cancels a job: a queued one at once, a running one by asking the
/// replica that runs it (it ends `cancelled` when its process is gone).
pub fn cancel(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    id: &str,
) -> JobResult<JobRow> {
    conn.write_tx(|conn| {
        let row = queries::find(conn, id)?.ok_or(JobError::NotFound)?;
        match row.state() {
            JobState::Queued => {
                let failure = Failure::Cancelled {
                    by: caller.user.display_name(),
                }
                .text();
                let ended = queries::finish(
                    conn,
                    id,
                    JobState::Queued,
                    None,
                    &Ending {
                        state: JobState::Cancelled,
                        at: db_time(now),
                        exit_code: None,
                        cpu_ms: None,
                        max_rss_kb: None,
                        failure: Some(&failure),
                        work_id: None,
                        dataset_id: None,
                    },
                )?;
                if !ended {
                    return Err(JobError::NotCancellable(row.state()));
                }
            }
            JobState::Running => {
                queries::request_cancel(conn, id)?;
            }
            other => return Err(JobError::NotCancellable(other)),
        }
        audit::append(
            conn,
            now,
            Event::new(AuditAction::JobCancel, Outcome::Success)
                .actor(caller.id())
                .target("job", id.to_owned())
                .detail(json!({ "state": row.state }))
                .ctx(&caller.ctx),
        )?;
        queries::find(conn, id)?.ok_or(JobError::NotFound)
    })
}

/// What a view shows beside the row.
pub struct ViewParts<'a> {
    pub project_name: &'a str,
    pub engine_name: &'a str,
    pub owner_name: &'a str,
    pub rank: u32,
    pub can_cancel: bool,
    pub lang: Language,
}

pub fn view(row: &JobRow, p: &ViewParts<'_>) -> JobView {
    JobView {
        id: row.id.clone(),
        name: row.name.clone(),
        project_id: row.project_id.clone(),
        project_name: p.project_name.to_owned(),
        engine_id: row.engine_id.clone(),
        engine_name: p.engine_name.to_owned(),
        engine_version: u32::try_from(row.engine_version).unwrap_or(0),
        owner_id: row.owner_id.clone(),
        owner_name: p.owner_name.to_owned(),
        state: row.state(),
        parameters: serde_json::from_str(&row.parameters).unwrap_or(serde_json::Value::Null),
        inputs: serde_json::from_str(&row.inputs).unwrap_or_default(),
        profile: row
            .profile
            .parse()
            .unwrap_or(habilis_shared::policy::Profile::Public),
        rank: p.rank,
        executor: row.executor.clone(),
        queued_at: utc(row.queued_at),
        started_at: row.started_at.map(utc),
        finished_at: row.finished_at.map(utc),
        exit_code: row.exit_code.and_then(|c| i32::try_from(c).ok()),
        cpu_secs: row.cpu_ms.map(|ms| ms as f64 / 1000.0),
        max_rss_kb: row.max_rss_kb,
        failure: row
            .failure
            .as_deref()
            .and_then(Failure::parse)
            .map(|f| f.msg().render(p.lang)),
        work_id: row.work_id.clone(),
        dataset_id: row.dataset_id.clone(),
        can_cancel: p.can_cancel && !row.state().is_final(),
    }
}

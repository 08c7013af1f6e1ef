//! `/api/v1/projects/{id}/jobs`, `/api/v1/jobs*`, `/api/v1/queue`: HTTP
//! only. Each handler parses, authorises once (through [`job_for`],
//! [`project_for`] or one [`Authz`] question) and hands over to
//! [`service`]; a change wakes this replica's dispatcher.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::stream;
use habilis_shared::dto::{
    JobPage, JobQuery, JobState, JobView, Problem, QueuePosition, QueueView, RankCount, SubmitJob,
};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::{Action, Profile, Resource};
use validator::Validate;

use super::dispatch::snapshot;
use super::queries::{self, JobFilter, JobRow};
use super::scheduler::{self, Scheduler};
use super::service::{self, ViewParts};
use super::{job_for, resource};
use crate::accounts::queries::{self as users_q, UserRow};
use crate::auth::{Caller, CallerToken};
use crate::clock::db_time;
use crate::db::DbConn;
use crate::engines;
use crate::error::{ApiError, ApiResult, ProblemType};
use crate::extract::Json;
use crate::paging::Keyset;
use crate::policy::Authz;
use crate::projects::{self, project_for, ProjectRow};
use crate::state::AppState;

/// The rank of `profile` in the policy.
fn rank_of(st: &AppState, profile: &str) -> u32 {
    profile
        .parse::<Profile>()
        .ok()
        .and_then(|p| st.policy.priority.ranks.get(&p).copied())
        .unwrap_or(0)
}

fn view_of(
    conn: &mut DbConn,
    st: &AppState,
    caller: &Caller,
    row: &JobRow,
    p: &ProjectRow,
    owner: &UserRow,
    res: Resource,
) -> ApiResult<JobView> {
    let engine = engines::queries::version(conn, &row.engine_id, row.engine_version)?
        .map_or_else(String::new, |v| v.name);
    let can_cancel = Authz::new(st, caller)
        .require(Action::JobCancel, res)
        .allows();
    Ok(service::view(
        row,
        &ViewParts {
            project_name: &p.name,
            engine_name: &engine,
            owner_name: &owner.display_name(),
            rank: rank_of(st, &row.profile),
            can_cancel,
            lang: caller.user.language(),
        },
    ))
}

/// The capacity of the platform now: the slots of the replicas heard from
/// within a lease (at least this one's).
fn capacity(conn: &mut DbConn, st: &AppState) -> ApiResult<u32> {
    let lease =
        chrono::Duration::seconds(i64::try_from(st.config.compute_lease_secs).unwrap_or(30));
    let live = queries::live_slots(conn, db_time(st.now() - lease))?;
    let mine = st.compute.runs.map_or(0, |(_, s)| i64::from(s));
    Ok(u32::try_from(live.max(mine)).unwrap_or(u32::MAX))
}

/// Run an engine in a project: the job is queued with the caller's
/// profile; the scheduler decides when it starts.
#[utoipa::path(
    post, path = "/api/v1/projects/{id}/jobs", tag = "compute", request_body = SubmitJob, security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")),
    responses(
        (status = 201, description = "Queued", body = JobView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The profile may not run engines (`engine.run`), the charter is not signed, or the organisation role may not launch processing", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The project is not active (`wrong_state`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: an unknown or retired engine (`engine_id`), parameters outside the engine's schema (`parameters.count`), an input that is not a file of the project (`inputs.table`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn submit_job(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<SubmitJob>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            // The body's shape first (400/422 whoever asks), then the
            // policy, then the rules that read the database.
            let req = body.into_inner()?;
            req.validate()?;
            let (p, res) = project_for(conn, &st, &caller, &id, Action::JobSubmit)?;
            let row = service::submit(conn, st.now(), &caller, &p.id, &req)?;
            let Resource::Project { org_role, relation } = res else {
                return Err(ApiError::internal("a project's resource is a project"));
            };
            let res = Resource::Job {
                org_role,
                relation,
                owner: caller.user.profile(),
                owner_relation: habilis_shared::policy::Relation::Myself,
            };
            let owner = caller.user.clone();
            view_of(conn, &st, &caller, &row, &p, &owner, res)
        })
        .await?;
    state.compute.wake();
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/jobs/{}", view.id)))
        .json(view))
}

/// My jobs, newest first; `owner=subordinates`: the jobs of the people
/// whose activity I see (my supervision subtree, as the policy allows).
#[utoipa::path(
    get, path = "/api/v1/jobs", tag = "compute", security(("bearer" = [])),
    params(JobQuery),
    responses(
        (status = 200, description = "A page of jobs", body = JobPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid state, owner, limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_jobs(
    state: web::Data<AppState>,
    caller: CallerToken,
    query: web::Query<JobQuery>,
) -> ApiResult<web::Json<JobPage>> {
    let st = state.clone();
    let page = state
        .db_as(caller, move |conn, caller| {
            let q = query.into_inner();
            let keys = Keyset::parse(q.limit, q.cursor.as_deref(), 1)?;
            let state_f = match q.state.as_deref() {
                None => None,
                Some(s) => Some(JobState::parse(s).ok_or_else(|| {
                    ApiError::field("state", Msg::new("validation-invalid").arg("code", "state"))
                })?),
            };
            let owners: Vec<String> = match q.owner.as_deref() {
                None | Some("me") => vec![caller.id().to_owned()],
                Some("subordinates") => users_q::subtree_ids(conn, caller.id())?,
                Some(_) => {
                    return Err(ApiError::field(
                        "owner",
                        Msg::new("validation-invalid").arg("code", "owner"),
                    ))
                }
            };
            let filter = JobFilter {
                owners: &owners,
                project: q.project_id.as_deref(),
                state: state_f,
            };
            let rows = queries::page(conn, &filter, keys.key(0), keys.fetch())?;
            let (rows, next_cursor) = keys.page(rows, |r| vec![r.id.clone()]);
            let mut projects: HashMap<String, Option<ProjectRow>> = HashMap::new();
            let mut people: HashMap<String, Option<UserRow>> = HashMap::new();
            let mut items = Vec::with_capacity(rows.len());
            for row in &rows {
                if !projects.contains_key(&row.project_id) {
                    let p = projects::find(conn, &row.project_id)?;
                    projects.insert(row.project_id.clone(), p);
                }
                if !people.contains_key(&row.owner_id) {
                    let u = users_q::find(conn, &row.owner_id)?;
                    people.insert(row.owner_id.clone(), u);
                }
                let (Some(Some(p)), Some(Some(owner))) =
                    (projects.get(&row.project_id), people.get(&row.owner_id))
                else {
                    continue;
                };
                let res = resource(conn, &caller, p, owner)?;
                // Each row as the policy sees it: a subordinate whose
                // activity I may not see is left out.
                if !Authz::new(&st, &caller)
                    .require(Action::JobRead, res)
                    .allows()
                {
                    continue;
                }
                items.push(view_of(conn, &st, &caller, row, p, owner, res)?);
            }
            Ok(JobPage { items, next_cursor })
        })
        .await?;
    Ok(web::Json(page))
}

/// One job.
#[utoipa::path(
    get, path = "/api/v1/jobs/{id}", tag = "compute", security(("bearer" = [])),
    params(("id" = String, Path, description = "Job id")),
    responses(
        (status = 200, description = "The job", body = JobView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such job, or not visible to me", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_job(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<web::Json<JobView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let (row, p, owner, res) = job_for(conn, &st, &caller, &id, Action::JobRead)?;
            view_of(conn, &st, &caller, &row, &p, &owner, res)
        })
        .await?;
    Ok(web::Json(view))
}

/// Cancel a job: a queued one at once; a running one is stopped (its
/// whole process group) by the replica running it, then is `cancelled`.
#[utoipa::path(
    post, path = "/api/v1/jobs/{id}/cancel", tag = "compute", security(("bearer" = [])),
    params(("id" = String, Path, description = "Job id")),
    responses(
        (status = 200, description = "Cancelled, or being stopped", body = JobView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only its owner and the project's managers cancel a job", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such job, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The job has ended (`wrong_state`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn cancel_job(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<web::Json<JobView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let (_, p, owner, res) = job_for(conn, &st, &caller, &id, Action::JobCancel)?;
            let row = service::cancel(conn, st.now(), &caller, &id)?;
            view_of(conn, &st, &caller, &row, &p, &owner, res)
        })
        .await?;
    state.compute.wake();
    Ok(web::Json(view))
}

/// How often a followed log is read again.
const FOLLOW_EVERY: Duration = Duration::from_millis(500);

/// A job's log as it was stored: `text/plain`; with `Accept:
/// text/event-stream`, a live stream that follows a running job: `log`
/// events (data: the new text) and, once it has ended, one `end` event
/// (data: its state).
#[utoipa::path(
    get, path = "/api/v1/jobs/{id}/logs", tag = "compute", security(("bearer" = [])),
    params(("id" = String, Path, description = "Job id")),
    responses(
        (status = 200, description = "The log (`text/plain`), or its live stream (`text/event-stream`)", body = String, content_type = "text/plain"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such job, or not visible to me", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn job_logs(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let follow = req
        .headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/event-stream"));
    let st = state.clone();
    let id = id.into_inner();
    let job = id.clone();
    let text = state
        .db_as(caller, move |conn, caller| {
            job_for(conn, &st, &caller, &job, Action::JobRead)?;
            if follow {
                return Ok(String::new());
            }
            Ok(queries::log_after(conn, &job, 0)?
                .into_iter()
                .map(|(_, c)| c)
                .collect::<String>())
        })
        .await?;
    if !follow {
        return Ok(HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body(text));
    }
    let events = stream::unfold(
        (state.clone(), 0_i64, false, true),
        move |(state, seq, done, first)| {
            let id = id.clone();
            async move {
                if done {
                    return None;
                }
                if !first {
                    tokio::time::sleep(FOLLOW_EVERY).await;
                }
                let read = state
                    .db(move |conn| {
                        let chunks = queries::log_after(conn, &id, seq)?;
                        let st = queries::find(conn, &id)?.map(|j| j.state());
                        Ok((chunks, st))
                    })
                    .await;
                let (chunks, job_state) = match read {
                    Ok(r) => r,
                    Err(e) => return Some((Err(e), (state, seq, true, false))),
                };
                let mut out = String::new();
                let mut last = seq;
                for (s, chunk) in &chunks {
                    out.push_str("event: log\n");
                    for line in chunk.split('\n') {
                        out.push_str("data: ");
                        out.push_str(line.trim_end_matches('\r'));
                        out.push('\n');
                    }
                    out.push('\n');
                    last = *s;
                }
                let ended = chunks.is_empty() && job_state.is_none_or(JobState::is_final);
                if ended {
                    let s = job_state.map_or("gone", JobState::as_str);
                    out.push_str(&format!("event: end\ndata: {s}\n\n"));
                } else if out.is_empty() {
                    out.push_str(": waiting\n\n");
                }
                Some((
                    Ok::<_, ApiError>(web::Bytes::from(out)),
                    (state, last, ended, false),
                ))
            }
        },
    );
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(events))
}

/// Why am I waiting: the job's place in the queue, the jobs ahead by rank
/// (nobody named), and the rule that holds it now, in a sentence.
#[utoipa::path(
    get, path = "/api/v1/jobs/{id}/queue", tag = "compute", security(("bearer" = [])),
    params(("id" = String, Path, description = "Job id")),
    responses(
        (status = 200, description = "Where the job waits and why", body = QueuePosition),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such job, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The job is not waiting (`wrong_state`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn job_queue(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<web::Json<QueuePosition>> {
    let st = state.clone();
    let pos = state
        .db_as(caller, move |conn, caller| {
            let (row, ..) = job_for(conn, &st, &caller, &id, Action::JobRead)?;
            if row.state() != JobState::Queued {
                return Err(ApiError::conflict(
                    ProblemType::WrongState,
                    Msg::new("jobs-not-waiting").arg("state", row.state().as_str()),
                ));
            }
            let cap = capacity(conn, &st)?;
            let snap = snapshot(conn, cap)?;
            let sched = Scheduler::new(&st.policy.priority, snap);
            let e = sched.explain(&row.id).ok_or_else(|| {
                ApiError::conflict(
                    ProblemType::WrongState,
                    Msg::new("jobs-not-waiting").arg("state", row.state().as_str()),
                )
            })?;
            Ok(QueuePosition {
                position: e.position,
                ahead: e.ahead.clone(),
                binding_rule: e.binding_rule,
                reason: scheduler::reason(&e).render(caller.user.language()),
            })
        })
        .await?;
    Ok(web::Json(pos))
}

/// The whole queue by rank, highest first: counts only, nobody named.
#[utoipa::path(
    get, path = "/api/v1/queue", tag = "compute", security(("bearer" = [])),
    responses(
        (status = 200, description = "The queue by rank", body = QueueView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_queue(
    state: web::Data<AppState>,
    caller: CallerToken,
) -> ApiResult<web::Json<QueueView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            Authz::new(&st, &caller)
                .require(Action::QueueRead, Resource::None)
                .on(conn)?;
            let capacity = capacity(conn, &st)?;
            let queued = queries::queued(conn)?;
            let running = queries::running(conn)?;
            let ranks = &st.policy.priority.ranks;
            let mut by_rank: BTreeMap<u32, (u32, u32, BTreeSet<String>)> = BTreeMap::new();
            for (rank, _) in ranks.iter().map(|(p, r)| (*r, p)) {
                by_rank.entry(rank).or_default();
            }
            for (_, owner, profile, _) in &queued {
                let e = by_rank.entry(rank_of(&st, profile)).or_default();
                e.0 += 1;
                e.2.insert(owner.clone());
            }
            for (_, profile) in &running {
                by_rank.entry(rank_of(&st, profile)).or_default().1 += 1;
            }
            Ok(QueueView {
                capacity,
                running: u32::try_from(running.len()).unwrap_or(u32::MAX),
                queued: u32::try_from(queued.len()).unwrap_or(u32::MAX),
                ranks: by_rank
                    .into_iter()
                    .rev()
                    .map(|(rank, (q, r, people))| RankCount {
                        rank,
                        profiles: ranks
                            .iter()
                            .filter(|(_, x)| **x == rank)
                            .map(|(p, _)| *p)
                            .collect(),
                        queued: q,
                        running: r,
                        people: u32::try_from(people.len()).unwrap_or(u32::MAX),
                    })
                    .collect(),
            })
        })
        .await?;
    Ok(web::Json(view))
}

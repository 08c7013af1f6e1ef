//! The work rules (SPEC §5, §2.5): one step at a time, transfers to a host
//! of one of the owner's secondments (seed 004 §6) or to someone above the
//! owner, annotations. Each change runs in one transaction with its audit
//! row and its outbox mail, and fails with a [`WorkError`]; the caller has
//! already been authorised (by [`super::work_for`]).

use chrono::{DateTime, Utc};
use habilis_shared::dto::{AnnotationView, CreateAnnotation, CreateWork, ProjectState, WorkView};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::WorkState;
use serde_json::json;

use super::queries::{self, AnnotationRow, NewWork, WorkRow};
use crate::accounts::queries::{self as users_q, UserRow};
use crate::accounts::secondment;
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::Caller;
use crate::clock::db_time;
use crate::db::DbConn;
use crate::error::{ApiError, ProblemType};
use crate::mail::{self, Email, Recipient};
use crate::projects::queries as projects_q;
use diesel::QueryResult;

/// Why a work rule refused, or the database failed.
#[derive(Debug, thiserror::Error)]
pub enum WorkError {
    #[error("a {} work cannot become {}", .from.as_str(), .to.as_str())]
    NotNext { from: WorkState, to: WorkState },
    #[error("the work changed meanwhile")]
    Changed,
    #[error("no such recipient")]
    UnknownRecipient,
    #[error("the recipient is neither a host nor above, or inactive")]
    IneligibleRecipient,
    #[error("the work changed hands meanwhile")]
    ChangedHands,
    #[error("no such work")]
    NotFound,
    #[error("works go into active projects only (this one is {})", .0.as_str())]
    ProjectNotActive(ProjectState),
    #[error("the work belongs to a closed project")]
    ProjectClosed,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl From<WorkError> for ApiError {
    fn from(e: WorkError) -> Self {
        use WorkError as E;
        match e {
            E::NotNext { from, .. } => ApiError::conflict(
                ProblemType::WrongState,
                Msg::new("works-state-not-next")
                    .arg("from", from.as_str())
                    .arg("next", from.next().map_or("none", WorkState::as_str)),
            ),
            E::Changed => ApiError::conflict(ProblemType::WrongState, Msg::new("works-changed")),
            E::UnknownRecipient => ApiError::field("to", Msg::new("works-transfer-unknown")),
            E::IneligibleRecipient => ApiError::field("to", Msg::new("works-transfer-ineligible")),
            E::ChangedHands => {
                ApiError::conflict(ProblemType::WrongState, Msg::new("works-changed-hands"))
            }
            E::NotFound => ApiError::not_found(),
            E::ProjectNotActive(state) => ApiError::conflict(
                ProblemType::WrongState,
                Msg::new("works-project-not-active").arg("state", state.as_str()),
            ),
            E::ProjectClosed => {
                ApiError::conflict(ProblemType::WrongState, Msg::new("works-project-closed"))
            }
            E::Db(e) => e.into(),
        }
    }
}

type WorkResult<T> = Result<T, WorkError>;

fn reload(conn: &mut DbConn, id: &str) -> WorkResult<WorkView> {
    Ok(queries::find(conn, id)?.ok_or(WorkError::NotFound)?.view())
}

/// The state of a project, read under its lock (see
/// [`projects_q::locked_state`]).
fn locked_project_state(conn: &mut DbConn, project: &str) -> WorkResult<ProjectState> {
    projects_q::locked_state(conn, project)?.ok_or(WorkError::NotFound)
}

/// Works go into active projects only (SPEC §4: a pending or rejected
/// project never started; a closed one is a record): so a project that
/// has works can always be closed, and one that cannot be closed has none.
fn check_open(conn: &mut DbConn, project: &str) -> WorkResult<()> {
    match locked_project_state(conn, project)? {
        ProjectState::Active => Ok(()),
        other => Err(WorkError::ProjectNotActive(other)),
    }
}

/// Records a draft owned and written by the caller, in the project of the
/// request if any (the caller may put works into it: see
/// [`super::project_to_file_into`]).
pub fn create(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    req: &CreateWork,
) -> WorkResult<WorkView> {
    conn.write_tx(|conn| {
        if let Some(project) = &req.project_id {
            check_open(conn, project)?;
        }
        let id = uuid::Uuid::now_v7().to_string();
        queries::insert(
            conn,
            &NewWork {
                id: &id,
                owner_id: caller.id(),
                title: req.title.trim(),
                summary: req.summary.trim(),
                project_id: req.project_id.as_deref(),
                at: db_time(now),
            },
        )?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::WorkCreate, Outcome::Success)
                .actor(caller.id())
                .target("work", id.clone())
                .ctx(&caller.ctx),
        )?;
        reload(conn, &id)
    })
}

/// Records the draft a succeeded compute job leaves to its owner, with
/// its audit row, inside the caller's transaction. For a novice this is
/// the only way to get a work: `works.create` does not list them (SPEC
/// §2.4: `results.create` is "no" for novices; issue 17 closes the door
/// `POST /works` left open until jobs existed).
pub fn record_job_output(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    work: &NewWork<'_>,
    job_id: &str,
) -> QueryResult<()> {
    insert_job_output(conn, work, job_id)
        .and_then(|event| audit::append(conn, now, event))
        .map(drop)
}

/// Inserts a job's draft work (as [`record_job_output`]) and answers its
/// audit event, for the caller to append with others.
pub fn insert_job_output(
    conn: &mut DbConn,
    work: &NewWork<'_>,
    job_id: &str,
) -> QueryResult<Event> {
    queries::insert(conn, work)?;
    Ok(Event::new(AuditAction::WorkCreate, Outcome::Success)
        .actor(work.owner_id.to_owned())
        .target("work", work.id.to_owned())
        .detail(json!({ "job_id": job_id, "state": WorkState::Draft.as_str() })))
}

/// A work moves one step at a time: draft → unpublished → published.
pub fn check_step(work: &WorkRow, to: WorkState) -> WorkResult<()> {
    let from = work.state();
    if from.next() == Some(to) {
        Ok(())
    } else {
        Err(WorkError::NotNext { from, to })
    }
}

/// Moves the work to `to` (see [`check_step`]); of two racing changes one
/// wins, the other is told the work changed.
pub fn advance(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    work: &WorkRow,
    to: WorkState,
) -> WorkResult<WorkView> {
    let from = work.state();
    conn.write_tx(|conn| {
        if queries::set_state(conn, &work.id, from, to, db_time(now))? != 1 {
            return Err(WorkError::Changed);
        }
        audit::append(
            conn,
            now,
            Event::new(AuditAction::WorkState, Outcome::Success)
                .actor(caller.id())
                .target("work", work.id.clone())
                .detail(json!({ "from": from, "to": to }))
                .ctx(&caller.ctx),
        )?;
        reload(conn, &work.id)
    })
}

/// Deletes the work with its annotations.
pub fn delete(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    work: &WorkRow,
) -> WorkResult<()> {
    conn.write_tx(|conn| {
        queries::delete(conn, &work.id)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::WorkDelete, Outcome::Success)
                .actor(caller.id())
                .target("work", work.id.clone())
                .detail(json!({ "title": work.title, "state": work.state }))
                .ctx(&caller.ctx),
        )?;
        Ok(())
    })
}

/// Files the work into `to` (an active project the caller may put works
/// into), or out of its project (`None`). A work stays in a closed
/// project: it is part of that project's record.
pub fn file(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    work: &WorkRow,
    to: Option<&str>,
) -> WorkResult<WorkView> {
    conn.write_tx(|conn| {
        let current = queries::find(conn, &work.id)?.ok_or(WorkError::NotFound)?;
        let from = current.project_id.as_deref();
        if from == to {
            return reload(conn, &work.id);
        }
        if let Some(from) = from {
            if locked_project_state(conn, from)? == ProjectState::Closed {
                return Err(WorkError::ProjectClosed);
            }
        }
        if let Some(to) = to {
            check_open(conn, to)?;
        }
        if queries::set_project(conn, &work.id, from, to, db_time(now))? != 1 {
            return Err(WorkError::Changed);
        }
        audit::append(
            conn,
            now,
            Event::new(AuditAction::WorkFile, Outcome::Success)
                .actor(caller.id())
                .target("work", work.id.clone())
                .detail(json!({ "from": from, "to": to }))
                .ctx(&caller.ctx),
        )?;
        reload(conn, &work.id)
    })
}

/// Writes to the audit chain each project reference the `works_project_fk`
/// migration cleared (it named no project), then forgets it: run after the
/// migrations, in one transaction. Returns how many were recorded.
pub fn record_cleared_projects(conn: &mut DbConn, now: DateTime<Utc>) -> QueryResult<usize> {
    conn.write_tx(|conn| {
        let cleared = queries::cleared_projects(conn)?;
        for c in &cleared {
            audit::append(
                conn,
                now,
                Event::new(AuditAction::WorkProjectCleared, Outcome::Success)
                    .target("work", c.work_id.clone())
                    .detail(json!({
                        "project_id": c.project_id,
                        "why": "no such project",
                        "cleared_at": c.cleared_at.and_utc(),
                    })),
            )?;
            queries::forget_cleared(conn, &c.work_id)?;
        }
        Ok(cleared.len())
    })
}

/// Who may receive the caller's works (SPEC §2.5): an active account, host
/// of one of the caller's secondments (seed 004 §6: results handed to the
/// temporary supervisor) or above the caller in the supervision line.
pub fn recipient(conn: &mut DbConn, caller: &Caller, to: &str) -> WorkResult<UserRow> {
    let to = users_q::find(conn, to)?.ok_or(WorkError::UnknownRecipient)?;
    let eligible = to.id != caller.id()
        && to.state().may_sign_in()
        && (secondment::ever_hosted(conn, &to.id, caller.id())?
            || users_q::is_above(conn, &to.id, &caller.user)?);
    if eligible {
        Ok(to)
    } else {
        Err(WorkError::IneligibleRecipient)
    }
}

/// Gives the work to `to` (see [`recipient`]): it keeps its state, author
/// and annotations; the new owner is told by e-mail.
pub fn transfer(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    work: &WorkRow,
    to: &UserRow,
) -> WorkResult<WorkView> {
    conn.write_tx(|conn| {
        // Compare-and-set on the owner: of two racing transfers one wins.
        if queries::set_owner(conn, &work.id, caller.id(), &to.id, db_time(now))? != 1 {
            return Err(WorkError::ChangedHands);
        }
        let giver = caller.user.display_name();
        let email = Email::WorkTransfer {
            giver: &giver,
            title: &work.title,
            state: work.state(),
        };
        mail::queue(conn, now, &Recipient::of(to), &email)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::WorkTransfer, Outcome::Success)
                .actor(caller.id())
                .target("work", work.id.clone())
                .detail(json!({ "from": caller.id(), "to": to.id, "state": work.state }))
                .ctx(&caller.ctx),
        )?;
        reload(conn, &work.id)
    })
}

/// Adds the caller's annotation to the work.
pub fn annotate(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    work: &WorkRow,
    req: &CreateAnnotation,
) -> WorkResult<AnnotationView> {
    conn.write_tx(|conn| {
        let row = AnnotationRow {
            id: uuid::Uuid::now_v7().to_string(),
            work_id: work.id.clone(),
            author_id: caller.id().to_owned(),
            body: req.body.trim().to_owned(),
            created_at: db_time(now),
        };
        queries::insert_annotation(conn, &row)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::WorkAnnotate, Outcome::Success)
                .actor(caller.id())
                .target("work", work.id.clone())
                .ctx(&caller.ctx),
        )?;
        Ok(row.view())
    })
}

//! Diesel over `approvals` and `approval_requests`, and the state of the
//! project an approval request is about.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use habilis_shared::dto::{ApprovalDecision, ProjectState};

use crate::clock::db_time;
use crate::db::schema::{approval_requests, approvals, projects};
use crate::db::DbConn;

/// What a request may be in.
pub const PENDING: &str = "pending";
pub const APPROVED: &str = "approved";
pub const REJECTED: &str = "rejected";

/// One approval with its request, as listed.
#[derive(Queryable, Debug)]
pub struct ApprovalRow {
    pub id: String,
    pub request_id: String,
    pub subject_type: String,
    pub subject_id: String,
    pub requested_by: String,
    pub approver_role: String,
    pub decision: Option<String>,
    pub comment: Option<String>,
    pub requested_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
}

/// Whose decision an approval waits for, and on which request.
#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = approvals)]
pub struct Approver {
    pub request_id: String,
    pub approver_id: String,
}

/// A request, as a decision reads it.
#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = approval_requests)]
pub struct RequestRow {
    pub subject_type: String,
    pub subject_id: String,
    pub requested_by: String,
    pub state: String,
}

pub fn decision_str(d: ApprovalDecision) -> &'static str {
    match d {
        ApprovalDecision::Approve => "approve",
        ApprovalDecision::Reject => "reject",
    }
}

pub fn parse_decision(s: &str) -> Option<ApprovalDecision> {
    match s {
        "approve" => Some(ApprovalDecision::Approve),
        "reject" => Some(ApprovalDecision::Reject),
        _ => None,
    }
}

/// Which approvals to list.
pub enum Filter<'a> {
    /// One approval, by id.
    Id(&'a str),
    /// Those waiting for this approver's decision on a pending request,
    /// oldest first, after the approval id given.
    Inbox(&'a str, Option<&'a str>),
    /// Those this approver decided, most recently decided first, after the
    /// (decision time, approval id) given.
    Decided(&'a str, Option<(NaiveDateTime, &'a str)>),
}

/// Up to `limit` approvals that `filter` selects, in its order.
pub fn list(conn: &mut DbConn, filter: Filter, limit: i64) -> QueryResult<Vec<ApprovalRow>> {
    let mut q = approvals::table
        .inner_join(approval_requests::table)
        .select((
            approvals::id,
            approvals::request_id,
            approval_requests::subject_type,
            approval_requests::subject_id,
            approval_requests::requested_by,
            approvals::approver_role,
            approvals::decision,
            approvals::comment,
            approval_requests::created_at,
            approvals::decided_at,
        ))
        .limit(limit)
        .into_boxed();
    match filter {
        Filter::Id(id) => q = q.filter(approvals::id.eq(id.to_owned())),
        Filter::Inbox(approver, after) => {
            q = q
                .filter(approvals::approver_id.eq(approver.to_owned()))
                .filter(approvals::decision.is_null())
                .filter(approval_requests::state.eq(PENDING))
                .order(approvals::id.asc());
            if let Some(after) = after {
                q = q.filter(approvals::id.gt(after.to_owned()));
            }
        }
        Filter::Decided(approver, after) => {
            q = q
                .filter(approvals::approver_id.eq(approver.to_owned()))
                .filter(approvals::decision.is_not_null())
                .order((approvals::decided_at.desc(), approvals::id.desc()));
            if let Some((at, id)) = after {
                q = q.filter(
                    approvals::decided_at.lt(at).or(approvals::decided_at
                        .eq(at)
                        .and(approvals::id.lt(id.to_owned()))),
                );
            }
        }
    }
    q.load(conn)
}

/// The names of the projects `ids`, in one statement.
pub fn project_names(
    conn: &mut DbConn,
    ids: &[String],
) -> QueryResult<std::collections::HashMap<String, String>> {
    let rows: Vec<(String, String)> = projects::table
        .filter(projects::id.eq_any(ids))
        .select((projects::id, projects::name))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

pub fn approver(conn: &mut DbConn, id: &str) -> QueryResult<Option<Approver>> {
    approvals::table
        .find(id)
        .select(Approver::as_select())
        .first(conn)
        .optional()
}

/// Locks the request row: racing decisions on it run one after the other.
pub fn lock_request(conn: &mut DbConn, request: &str) -> QueryResult<RequestRow> {
    diesel::update(approval_requests::table.find(request))
        .set(approval_requests::state.eq(approval_requests::state))
        .execute(conn)?;
    approval_requests::table
        .find(request)
        .select(RequestRow::as_select())
        .first(conn)
}

/// Records the decision if none was made yet; returns whether it was.
pub fn record_decision(
    conn: &mut DbConn,
    id: &str,
    decision: ApprovalDecision,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let n = diesel::update(
        approvals::table
            .filter(approvals::id.eq(id))
            .filter(approvals::decision.is_null()),
    )
    .set((
        approvals::decision.eq(decision_str(decision)),
        approvals::comment.eq(comment),
        approvals::decided_at.eq(db_time(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// How many approvals of the request still wait for a decision.
pub fn outstanding(conn: &mut DbConn, request: &str) -> QueryResult<i64> {
    approvals::table
        .filter(approvals::request_id.eq(request))
        .filter(approvals::decision.is_null())
        .count()
        .get_result(conn)
}

pub fn close_request(
    conn: &mut DbConn,
    request: &str,
    state: &str,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(approval_requests::table.find(request))
        .set((
            approval_requests::state.eq(state),
            approval_requests::decided_at.eq(db_time(now)),
        ))
        .execute(conn)
        .map(drop)
}

/// Moves a pending project to `state` (active or rejected).
pub fn settle_project(
    conn: &mut DbConn,
    project: &str,
    state: ProjectState,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(
        projects::table
            .filter(projects::id.eq(project))
            .filter(projects::state.eq(ProjectState::Pending.as_str())),
    )
    .set((
        projects::state.eq(state.as_str()),
        projects::updated_at.eq(db_time(now)),
    ))
    .execute(conn)
    .map(drop)
}

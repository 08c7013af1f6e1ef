//! Deciding an approval: one transaction that records the decision, closes
//! the request when it is settled, moves the project, writes its history,
//! the audit row and the e-mail to the requester.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use habilis_shared::dto::{ApprovalDecision, ApprovalView, OrderState, ProjectState};
use habilis_shared::i18n::{Language, Msg};
use serde_json::json;

use super::queries::{self, ApprovalRow, Filter, RequestRow};
use crate::accounts::queries as users;
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::Caller;
use crate::clock::utc;
use crate::db::DbConn;
use crate::error::{ApiError, ProblemType};
use crate::mail::{self, ApprovalOutcome, Email, Recipient};
use crate::orders::service as orders;
use crate::projects::{event, find};
use crate::support::service::{self as support, Outgoing};

/// What deciding an approval refuses.
#[derive(Debug, thiserror::Error)]
pub enum ApprovalError {
    #[error("no such approval")]
    NotFound,
    #[error("a rejection needs a comment")]
    CommentRequired,
    #[error("the request is already {0}")]
    NotPending(String),
    #[error("already decided")]
    AlreadyDecided,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl From<ApprovalError> for ApiError {
    fn from(e: ApprovalError) -> Self {
        match e {
            ApprovalError::NotFound => ApiError::not_found(),
            ApprovalError::CommentRequired => {
                ApiError::field("comment", Msg::new("projects-approval-comment-required"))
            }
            ApprovalError::NotPending(state) => ApiError::conflict(
                ProblemType::NotPending,
                Msg::new("projects-approval-not-pending").arg("state", state),
            ),
            ApprovalError::AlreadyDecided => ApiError::conflict(
                ProblemType::AlreadyDecided,
                Msg::new("projects-approval-already-decided"),
            ),
            ApprovalError::Db(e) => ApiError::from(e),
        }
    }
}

type ApprovalResult<T> = Result<T, ApprovalError>;

/// The names of the subjects of some approvals: projects by name, orders
/// as "<offering> for <project>" in the reader's language.
struct SubjectNames {
    projects: HashMap<String, String>,
    orders: HashMap<String, (String, String)>,
    tickets: HashMap<String, String>,
    lang: Language,
}

impl SubjectNames {
    fn of(&self, subject_type: &str, id: &str) -> String {
        match subject_type {
            "project" => self.projects.get(id).cloned().unwrap_or_default(),
            orders::SUBJECT => self
                .orders
                .get(id)
                .map(|(offering, project)| {
                    Msg::new("orders-subject")
                        .arg("offering", offering.clone())
                        .arg("project", project.clone())
                        .render(self.lang)
                })
                .unwrap_or_default(),
            support::SUBJECT => self.tickets.get(id).cloned().unwrap_or_default(),
            _ => String::new(),
        }
    }
}

fn view(row: ApprovalRow, names: &SubjectNames) -> ApprovalView {
    let subject_name = names.of(&row.subject_type, &row.subject_id);
    ApprovalView {
        decision: row.decision.as_deref().and_then(queries::parse_decision),
        id: row.id,
        request_id: row.request_id,
        subject_type: row.subject_type,
        subject_id: row.subject_id,
        subject_name,
        requested_by: row.requested_by,
        approver_role: row.approver_role,
        comment: row.comment,
        requested_at: utc(row.requested_at),
        decided_at: row.decided_at.map(utc),
    }
}

/// Up to `limit` approvals of `filter`, with their subjects' names (an
/// order's in `lang`): three statements whatever the count.
pub fn views(
    conn: &mut DbConn,
    filter: Filter,
    limit: i64,
    lang: Language,
) -> ApprovalResult<Vec<ApprovalView>> {
    let rows = queries::list(conn, filter, limit)?;
    let of = |kind: &str| -> Vec<String> {
        rows.iter()
            .filter(|r| r.subject_type == kind)
            .map(|r| r.subject_id.clone())
            .collect()
    };
    let (project_ids, order_ids) = (of("project"), of(orders::SUBJECT));
    let ticket_ids = of(support::SUBJECT);
    let names = SubjectNames {
        projects: queries::project_names(conn, &project_ids)?,
        orders: crate::orders::queries::subject_names(conn, &order_ids)?,
        tickets: crate::support::queries::subjects(conn, &ticket_ids)?,
        lang,
    };
    Ok(rows.into_iter().map(|r| view(r, &names)).collect())
}

/// Who approval `id` waits for, and on which request.
pub fn approver(conn: &mut DbConn, id: &str) -> ApprovalResult<queries::Approver> {
    queries::approver(conn, id)?.ok_or(ApprovalError::NotFound)
}

/// A comment, trimmed; none when empty. A rejection must say why.
pub fn comment(decision: ApprovalDecision, text: Option<&str>) -> ApprovalResult<Option<String>> {
    let comment = text
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    if decision == ApprovalDecision::Reject && comment.is_none() {
        return Err(ApprovalError::CommentRequired);
    }
    Ok(comment)
}

/// Records `by`'s decision on approval `id` of request `request_id`
/// (`out`: how a ticket's requester is e-mailed).
#[allow(clippy::too_many_arguments)]
pub fn decide(
    conn: &mut DbConn,
    by: &Caller,
    id: &str,
    request_id: &str,
    decision: ApprovalDecision,
    comment: Option<&str>,
    now: DateTime<Utc>,
    out: &Outgoing,
) -> ApprovalResult<ApprovalView> {
    conn.write_tx(|conn| {
        let request = queries::lock_request(conn, request_id)?;
        if request.state != queries::PENDING {
            return Err(ApprovalError::NotPending(request.state));
        }
        if !queries::record_decision(conn, id, decision, comment, now)? {
            return Err(ApprovalError::AlreadyDecided);
        }
        let outstanding = queries::outstanding(conn, request_id)?;
        let settled = match decision {
            ApprovalDecision::Reject => Some((queries::REJECTED, ProjectState::Rejected)),
            ApprovalDecision::Approve if outstanding == 0 => {
                Some((queries::APPROVED, ProjectState::Active))
            }
            ApprovalDecision::Approve => None,
        };
        if let Some((request_state, _)) = settled {
            queries::close_request(conn, request_id, request_state, now)?;
        }
        let project = request.subject_type == "project";
        let order = request.subject_type == orders::SUBJECT;
        let ticket = request.subject_type == support::SUBJECT;
        if project {
            on_project(
                conn,
                by,
                &request,
                decision,
                settled.map(|(_, s)| s),
                comment,
                now,
            )?;
        } else if order {
            let settled = settled.map(|(state, _)| {
                if state == queries::APPROVED {
                    OrderState::Approved
                } else {
                    OrderState::Rejected
                }
            });
            orders::on_decision(
                conn,
                by,
                request_id,
                &request.subject_id,
                decision,
                settled,
                comment,
                now,
            )?;
        } else if ticket {
            support::on_decision(
                conn,
                by,
                request_id,
                &request.subject_id,
                decision,
                settled.is_some(),
                comment,
                now,
                out,
            )?;
        }
        audit::append(
            conn,
            now,
            Event::new(AuditAction::ApprovalDecide, Outcome::Success)
                .actor(by.id())
                .target(
                    if project {
                        "project"
                    } else if order {
                        "order"
                    } else if ticket {
                        "ticket"
                    } else {
                        "approval"
                    },
                    request.subject_id.clone(),
                )
                .detail(json!({ "approval_id": id, "decision": decision, "comment": comment }))
                .ctx(&by.ctx),
        )?;
        views(conn, Filter::Id(id), 1, by.user.language())?
            .pop()
            .ok_or(ApprovalError::NotFound)
    })
}

/// What a decision does to the project it is about: its history, its state
/// once settled, the e-mail to whoever asked for it.
fn on_project(
    conn: &mut DbConn,
    by: &Caller,
    request: &RequestRow,
    decision: ApprovalDecision,
    settled: Option<ProjectState>,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> ApprovalResult<()> {
    let project = request.subject_id.as_str();
    let kind = match decision {
        ApprovalDecision::Approve => "approved",
        ApprovalDecision::Reject => "rejected",
    };
    event(conn, project, now, by.id(), kind, comment)?;
    if let Some(state) = settled {
        queries::settle_project(conn, project, state, now)?;
        if state == ProjectState::Active {
            event(conn, project, now, by.id(), "activated", None)?;
        }
    }
    let name = find(conn, project)?.map(|p| p.name).unwrap_or_default();
    if let Some(requester) = users::find(conn, &request.requested_by)? {
        let outcome = match (decision, settled) {
            (ApprovalDecision::Reject, _) => ApprovalOutcome::Rejected,
            (_, Some(_)) => ApprovalOutcome::Approved,
            _ => ApprovalOutcome::Awaiting,
        };
        let decided = Email::ApprovalDecision {
            approver: &by.user.display_name(),
            project: &name,
            outcome,
            comment,
        };
        mail::queue(conn, now, &Recipient::of(&requester), &decided)?;
    }
    Ok(())
}

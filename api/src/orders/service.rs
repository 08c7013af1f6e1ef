//! The order rules (SPEC §4, §6): an order of a live offering, for an
//! active project, goes to the project's sponsor and data steward through
//! the generic approvals (subject `order`); their decisions settle it
//! (approved at the last approval, rejected at the first rejection) and
//! e-mail the requester. Modifying an order sends it back to them (a new
//! request, the old one closed); cancelling closes its request and stops
//! its running instances. Each change runs in one transaction, with its
//! audit row and e-mails; the caller has already been authorised.

use chrono::{DateTime, Utc};
use habilis_shared::dto::{
    ApprovalDecision, CreateOrder, OrderState, OrderView, ProjectState, UpdateOrder,
};
use habilis_shared::i18n::Msg;
use serde_json::json;

use super::queries::{self, OrderRow};
use crate::accounts::queries as users;
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::Caller;
use crate::catalog::queries as catalog;
use crate::clock::db_time;
use crate::db::DbConn;
use crate::error::{ApiError, ProblemType};
use crate::mail::{self, ApprovalOutcome, Email, Recipient};
use crate::projects::{queries as projects_q, ProjectRow};

/// The subject type of an order's approval requests.
pub const SUBJECT: &str = "order";

/// What an order rule refuses.
#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    #[error("the project is {}: it takes no orders", .0.as_str())]
    ProjectNotActive(ProjectState),
    #[error("no such offering in the catalog")]
    UnknownOffering,
    #[error("the order is cancelled")]
    Cancelled,
    #[error("no such order")]
    NotFound,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl From<OrderError> for ApiError {
    fn from(e: OrderError) -> Self {
        match e {
            OrderError::ProjectNotActive(state) => ApiError::conflict(
                ProblemType::WrongState,
                Msg::new("orders-project-not-active").arg("state", state.as_str()),
            ),
            OrderError::UnknownOffering => {
                ApiError::field("offering_id", Msg::new("orders-offering-unknown"))
            }
            OrderError::Cancelled => {
                ApiError::conflict(ProblemType::WrongState, Msg::new("orders-cancelled"))
            }
            OrderError::NotFound => ApiError::not_found(),
            OrderError::Db(e) => e.into(),
        }
    }
}

pub type OrderResult<T> = Result<T, OrderError>;

fn trimmed(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
}

/// Orders are placed and modified in active projects only (the state read
/// under the project's lock).
fn check_active(conn: &mut DbConn, project: &str) -> OrderResult<()> {
    match projects_q::locked_state(conn, project)?.ok_or(OrderError::NotFound)? {
        ProjectState::Active => Ok(()),
        other => Err(OrderError::ProjectNotActive(other)),
    }
}

/// Opens the approval request of order `order` (the project's sponsor and
/// data steward) and e-mails them; returns the request's id.
fn request_approval(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    project: &ProjectRow,
    order: &str,
    offering_name: &str,
) -> OrderResult<String> {
    let approvers = [
        (project.sponsor_id.as_str(), "sponsor"),
        (project.data_steward_id.as_str(), "data_steward"),
    ];
    let request =
        projects_q::request_approval(conn, SUBJECT, order, caller.id(), &approvers, db_time(now))?;
    let requester = caller.user.display_name();
    for (id, role) in approvers {
        let Some(person) = users::find(conn, id)?.filter(|u| u.state().may_sign_in()) else {
            continue;
        };
        let email = Email::OrderRequest {
            requester: &requester,
            offering: offering_name,
            project: &project.name,
            role,
        };
        mail::queue(conn, now, &Recipient::of(&person), &email)?;
    }
    Ok(request)
}

fn view(conn: &mut DbConn, id: &str) -> OrderResult<OrderView> {
    queries::view(conn, id)?.ok_or(OrderError::NotFound)
}

/// Places an order of a live offering for an active project: pending, one
/// approval each for the sponsor and the data steward.
pub fn create(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    project: &ProjectRow,
    req: &CreateOrder,
) -> OrderResult<OrderView> {
    conn.write_tx(|conn| {
        check_active(conn, &project.id)?;
        let offering =
            catalog::find_live(conn, &req.offering_id)?.ok_or(OrderError::UnknownOffering)?;
        let at = db_time(now);
        let mut row = OrderRow {
            id: uuid::Uuid::now_v7().to_string(),
            project_id: project.id.clone(),
            offering_id: offering.id.clone(),
            requested_by: caller.id().to_owned(),
            comment: trimmed(req.comment.as_deref()),
            state: OrderState::Pending.as_str().to_owned(),
            request_id: None,
            created_at: at,
            updated_at: at,
        };
        queries::insert(conn, &row)?;
        let request = request_approval(conn, now, caller, project, &row.id, &offering.name)?;
        row.request_id = Some(request);
        queries::set(
            conn,
            &row.id,
            OrderState::Pending,
            &row.offering_id,
            row.comment.as_deref(),
            row.request_id.as_deref(),
            now,
        )?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::OrderCreate, Outcome::Success)
                .actor(caller.id())
                .target("order", row.id.clone())
                .detail(json!({
                    "project_id": project.id,
                    "offering_id": offering.id,
                    "request_id": row.request_id,
                }))
                .ctx(&caller.ctx),
        )?;
        view(conn, &row.id)
    })
}

/// Modifies an order (its offering, its comment): it goes back to the
/// approvers as a new request, whatever it was (but cancelled).
pub fn modify(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    project: &ProjectRow,
    id: &str,
    req: &UpdateOrder,
) -> OrderResult<OrderView> {
    conn.write_tx(|conn| {
        check_active(conn, &project.id)?;
        let order = queries::lock(conn, id)?.ok_or(OrderError::NotFound)?;
        if order.state() == OrderState::Cancelled {
            return Err(OrderError::Cancelled);
        }
        let offering_id = req.offering_id.as_deref().unwrap_or(&order.offering_id);
        let offering = catalog::find_live(conn, offering_id)?.ok_or(OrderError::UnknownOffering)?;
        let comment = match &req.comment {
            Some(c) => trimmed(Some(c)),
            None => order.comment.clone(),
        };
        if let Some(old) = &order.request_id {
            queries::close_pending_request(conn, old, "superseded", now)?;
        }
        let request = request_approval(conn, now, caller, project, &order.id, &offering.name)?;
        queries::set(
            conn,
            &order.id,
            OrderState::Pending,
            &offering.id,
            comment.as_deref(),
            Some(&request),
            now,
        )?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::OrderUpdate, Outcome::Success)
                .actor(caller.id())
                .target("order", order.id.clone())
                .detail(json!({
                    "from_state": order.state,
                    "offering_id": offering.id,
                    "request_id": request,
                }))
                .ctx(&caller.ctx),
        )?;
        view(conn, &order.id)
    })
}

/// Cancels an order: its pending request is closed, its running instances
/// are stopped (what they hold is lost).
pub fn cancel(
    conn: &mut DbConn,
    spawners: &crate::spawners::Spawners,
    now: DateTime<Utc>,
    caller: &Caller,
    id: &str,
) -> OrderResult<OrderView> {
    conn.write_tx(|conn| {
        let order = queries::lock(conn, id)?.ok_or(OrderError::NotFound)?;
        if order.state() == OrderState::Cancelled {
            return Err(OrderError::Cancelled);
        }
        if let Some(request) = &order.request_id {
            queries::close_pending_request(conn, request, "cancelled", now)?;
        }
        queries::set(
            conn,
            &order.id,
            OrderState::Cancelled,
            &order.offering_id,
            order.comment.as_deref(),
            order.request_id.as_deref(),
            now,
        )?;
        // Its running instances stop in this transaction (inst).
        crate::instances::service::stop_all_of_order(conn, spawners, now, Some(caller), &order.id)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::OrderCancel, Outcome::Success)
                .actor(caller.id())
                .target("order", order.id.clone())
                .detail(json!({ "from_state": order.state }))
                .ctx(&caller.ctx),
        )?;
        view(conn, &order.id)
    })
}

/// What a decision on an order's approval does, inside the decision's
/// transaction (see `projects::approvals`): once the request is settled
/// (`settled`: approved or rejected), the order follows if this request is
/// still its current one; the requester is e-mailed at each decision.
#[allow(clippy::too_many_arguments)]
pub fn on_decision(
    conn: &mut DbConn,
    by: &Caller,
    request_id: &str,
    order_id: &str,
    decision: ApprovalDecision,
    settled: Option<OrderState>,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), diesel::result::Error> {
    let Some(order) = queries::lock(conn, order_id)? else {
        return Ok(());
    };
    let current =
        order.request_id.as_deref() == Some(request_id) && order.state() == OrderState::Pending;
    if !current {
        return Ok(());
    }
    if let Some(state) = settled {
        queries::set(
            conn,
            &order.id,
            state,
            &order.offering_id,
            order.comment.as_deref(),
            order.request_id.as_deref(),
            now,
        )?;
    }
    let Some(named) = queries::view(conn, &order.id)? else {
        return Ok(());
    };
    if let Some(requester) = users::find(conn, &order.requested_by)? {
        let outcome = match (decision, settled) {
            (ApprovalDecision::Reject, _) => ApprovalOutcome::Rejected,
            (_, Some(_)) => ApprovalOutcome::Approved,
            _ => ApprovalOutcome::Awaiting,
        };
        let email = Email::OrderDecision {
            approver: &by.user.display_name(),
            offering: &named.offering_name,
            project: &named.project_name,
            outcome,
            comment,
        };
        mail::queue(conn, now, &Recipient::of(&requester), &email)?;
    }
    Ok(())
}

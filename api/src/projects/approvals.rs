//! The generic approval model: a request on a subject with required
//! approvers (a project's sponsor and data steward; catalog orders later).
//! The request is approved when every approver approved, rejected at the
//! first rejection (with a comment). Deciding locks the request row first,
//! so two approvers deciding at once on PostgreSQL see each other's
//! decision and the subject ends in one consistent state.

use crate::error::ProblemType;
use actix_web::web;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use habilis_shared::dto::{
    ApprovalDecision, ApprovalList, ApprovalView, DecideApproval, Problem, ProjectState,
};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::{Action, Resource};
use serde_json::json;
use validator::Validate;

use super::{event, find};
use crate::accounts::queries as users_q;
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::Caller;
use crate::clock::{db_time, utc};
use crate::db::schema::{approval_requests, approvals, projects};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::mail::{self, Mail};
use crate::policy::check;
use crate::state::AppState;

type Row = (
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    NaiveDateTime,
    Option<NaiveDateTime>,
    String,
);

fn parse_decision(s: &str) -> Option<ApprovalDecision> {
    match s {
        "approve" => Some(ApprovalDecision::Approve),
        "reject" => Some(ApprovalDecision::Reject),
        _ => None,
    }
}

fn decision_str(d: ApprovalDecision) -> &'static str {
    match d {
        ApprovalDecision::Approve => "approve",
        ApprovalDecision::Reject => "reject",
    }
}

fn load(
    conn: &mut DbConn,
    filter_id: Option<&str>,
    approver: Option<&str>,
) -> QueryResult<Vec<ApprovalView>> {
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
            approval_requests::state,
        ))
        .order((approval_requests::created_at.asc(), approvals::id.asc()))
        .into_boxed();
    if let Some(id) = filter_id {
        q = q.filter(approvals::id.eq(id.to_owned()));
    }
    if let Some(a) = approver {
        q = q
            .filter(approvals::approver_id.eq(a.to_owned()))
            .filter(approvals::decision.is_null())
            .filter(approval_requests::state.eq("pending"));
    }
    let rows: Vec<Row> = q.load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for (
        id,
        request_id,
        subject_type,
        subject_id,
        requested_by,
        role,
        decision,
        comment,
        at,
        decided,
        _,
    ) in rows
    {
        let subject_name = match subject_type.as_str() {
            "project" => find(conn, &subject_id)?.map(|p| p.name).unwrap_or_default(),
            _ => String::new(),
        };
        out.push(ApprovalView {
            id,
            request_id,
            subject_type,
            subject_id,
            subject_name,
            requested_by,
            approver_role: role,
            decision: decision.as_deref().and_then(parse_decision),
            comment,
            requested_at: utc(at),
            decided_at: decided.map(utc),
        });
    }
    Ok(out)
}

/// My inbox: the approvals waiting for my decision, oldest first.
#[utoipa::path(
    get, path = "/api/v1/approvals", tag = "projects", security(("bearer" = [])),
    responses(
        (status = 200, description = "Waiting for my decision", body = ApprovalList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_approvals(
    state: web::Data<AppState>,
    caller: Caller,
) -> ApiResult<web::Json<ApprovalList>> {
    let list = state
        .db(move |conn| {
            Ok(ApprovalList {
                items: load(conn, None, Some(caller.id()))?,
            })
        })
        .await?;
    Ok(web::Json(list))
}

/// Approve or reject (a rejection needs a comment). The project becomes
/// `active` when sponsor and data steward both approved, `rejected` at the
/// first rejection; the requester is e-mailed at each step.
#[utoipa::path(
    post, path = "/api/v1/approvals/{id}/decision", tag = "projects", request_body = DecideApproval, security(("bearer" = [])),
    params(("id" = String, Path, description = "Approval id")),
    responses(
        (status = 200, description = "Decided", body = ApprovalView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such approval, or not mine", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already decided, or the request is no longer pending", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A rejection without a comment", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn decide(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: Json<DecideApproval>,
) -> ApiResult<web::Json<ApprovalView>> {
    let req = body.into_inner()?;
    req.validate()?;
    let comment = req
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    if req.decision == ApprovalDecision::Reject && comment.is_none() {
        return Err(ApiError::field(
            "comment",
            Msg::untranslated("say why the request is rejected"),
        ));
    }
    let id = id.into_inner();
    let st = state.clone();
    let view = state
        .db(move |conn| {
            let (request_id, approver_id): (String, String) = approvals::table
                .find(&id)
                .select((approvals::request_id, approvals::approver_id))
                .first(conn)
                .optional()?
                .ok_or_else(ApiError::not_found)?;
            check(
                conn,
                &st,
                &caller,
                Action::ApprovalDecide,
                Resource::Approval {
                    approver: approver_id == caller.id(),
                },
                Some(("approval", id.clone())),
                true,
            )?;
            let now = st.now();
            conn.write_tx(|conn| {
                // Lock the request: racing decisions on it run one after the other.
                diesel::update(approval_requests::table.find(&request_id))
                    .set(approval_requests::state.eq(approval_requests::state))
                    .execute(conn)?;
                let (subject_type, subject_id, requested_by, req_state): (String, String, String, String) =
                    approval_requests::table
                        .find(&request_id)
                        .select((
                            approval_requests::subject_type,
                            approval_requests::subject_id,
                            approval_requests::requested_by,
                            approval_requests::state,
                        ))
                        .first(conn)?;
                if req_state != "pending" {
                    return Err(ApiError::conflict(ProblemType::NotPending, Msg::untranslated(format!("the request is already {req_state}"))));
                }
                let n = diesel::update(
                    approvals::table
                        .filter(approvals::id.eq(&id))
                        .filter(approvals::decision.is_null()),
                )
                .set((
                    approvals::decision.eq(decision_str(req.decision)),
                    approvals::comment.eq(&comment),
                    approvals::decided_at.eq(db_time(now)),
                ))
                .execute(conn)?;
                if n != 1 {
                    return Err(ApiError::conflict(ProblemType::AlreadyDecided, Msg::untranslated("you already decided")));
                }
                let outstanding: i64 = approvals::table
                    .filter(approvals::request_id.eq(&request_id))
                    .filter(approvals::decision.is_null())
                    .count()
                    .get_result(conn)?;
                let outcome = match req.decision {
                    ApprovalDecision::Reject => Some(("rejected", ProjectState::Rejected)),
                    ApprovalDecision::Approve if outstanding == 0 => {
                        Some(("approved", ProjectState::Active))
                    }
                    ApprovalDecision::Approve => None,
                };
                if let Some((request_state, _)) = outcome {
                    diesel::update(approval_requests::table.find(&request_id))
                        .set((
                            approval_requests::state.eq(request_state),
                            approval_requests::decided_at.eq(db_time(now)),
                        ))
                        .execute(conn)?;
                }
                if subject_type == "project" {
                    let kind = match req.decision {
                        ApprovalDecision::Approve => "approved",
                        ApprovalDecision::Reject => "rejected",
                    };
                    event(conn, &subject_id, now, caller.id(), kind, comment.as_deref())?;
                    if let Some((_, project_state)) = outcome {
                        diesel::update(
                            projects::table
                                .filter(projects::id.eq(&subject_id))
                                .filter(projects::state.eq(ProjectState::Pending.as_str())),
                        )
                        .set((
                            projects::state.eq(project_state.as_str()),
                            projects::updated_at.eq(db_time(now)),
                        ))
                        .execute(conn)?;
                        if project_state == ProjectState::Active {
                            event(conn, &subject_id, now, caller.id(), "activated", None)?;
                        }
                    }
                    let name = find(conn, &subject_id)?.map(|p| p.name).unwrap_or_default();
                    if let Some(r) = users_q::find(conn, &requested_by)? {
                        let who = caller.user.display_name();
                        let (en, fr) = match (req.decision, outcome) {
                            (ApprovalDecision::Reject, _) => ("rejected it; the project is rejected", "l'a rejeté ; le projet est rejeté"),
                            (_, Some(_)) => ("approved it; the project is active", "l'a approuvé ; le projet est actif"),
                            _ => ("approved it; one approval is still awaited", "l'a approuvé ; une approbation reste attendue"),
                        };
                        mail::enqueue(
                            conn,
                            now,
                            &Mail {
                                to: r.email,
                                subject: format!("Habilis: project \"{name}\": {who} decided"),
                                body: format!(
                                    "Project \"{name}\": {who} {en}.{}\n\n--\n\nProjet « {name} » : {who} {fr}.\n",
                                    comment.as_deref().map(|c| format!("\nComment: {c}")).unwrap_or_default()
                                ),
                            },
                        )?;
                    }
                }
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::ApprovalDecide, Outcome::Success)
                        .actor(caller.id())
                        .target(if subject_type == "project" { "project" } else { "approval" }, subject_id.clone())
                        .detail(json!({ "approval_id": id, "decision": req.decision, "comment": comment }))
                        .ctx(&caller.ctx),
                )?;
                load(conn, Some(&id), None)?
                    .pop()
                    .ok_or_else(ApiError::not_found)
            })
        })
        .await?;
    Ok(web::Json(view))
}

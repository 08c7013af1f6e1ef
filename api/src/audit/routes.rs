//! `GET /api/v1/audit`: the log, newest first, filterable (admin, webmaster).

use actix_web::web;
use diesel::prelude::*;
use habilis_shared::dto::{AuditEntry, AuditPage, AuditQuery, Problem};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::{Action, Resource};

use super::AuditRow;
use crate::auth::CallerToken;
use crate::clock::{db_time, utc};
use crate::db::schema::audit_log;
use crate::error::{ApiError, ApiResult};
use crate::paging;
use crate::policy::Authz;
use crate::state::AppState;

/// Read the audit log.
#[utoipa::path(
    get, path = "/api/v1/audit", tag = "audit", params(AuditQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of audit entries, newest first", body = AuditPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter, limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_audit(
    state: web::Data<AppState>,
    caller: CallerToken,
    query: web::Query<AuditQuery>,
) -> ApiResult<web::Json<AuditPage>> {
    let st = state.clone();
    let page = state
        .db_as(caller, move |conn, caller| {
            Authz::new(&st, &caller)
                .require(Action::AuditRead, Resource::None)
                .on(conn)?;
            let q = query.into_inner();
            let limit = paging::limit(q.limit)?;
            // An empty cursor is the first page, as everywhere.
            let before: Option<i64> = match q.cursor.as_deref().filter(|c| !c.is_empty()) {
                None => None,
                Some(c) => Some(
                    c.parse::<i64>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| ApiError::field("cursor", Msg::new("validation-cursor")))?,
                ),
            };
            let mut sel = audit_log::table
                .select(AuditRow::as_select())
                .order(audit_log::seq.desc())
                .limit(limit + 1)
                .into_boxed();
            if let Some(b) = before {
                sel = sel.filter(audit_log::seq.lt(b));
            }
            if let Some(actor) = q.actor_id {
                sel = sel.filter(audit_log::actor_id.eq(actor));
            }
            if let Some(action) = q.action {
                sel = sel.filter(audit_log::action.eq(action));
            }
            if let Some(since) = q.since {
                sel = sel.filter(audit_log::at.ge(db_time(since)));
            }
            if let Some(until) = q.until {
                sel = sel.filter(audit_log::at.lt(db_time(until)));
            }
            let (rows, next_cursor) =
                paging::split_page(sel.load::<AuditRow>(conn)?, limit, |r| r.seq.to_string());
            let items = rows
                .into_iter()
                .map(|r| AuditEntry {
                    seq: r.seq,
                    at: utc(r.at),
                    actor_id: r.actor_id,
                    action: r.action,
                    target_type: r.target_type,
                    target_id: r.target_id,
                    outcome: r.outcome,
                    request_id: r.request_id,
                    detail: serde_json::from_str(&r.detail).unwrap_or(serde_json::Value::Null),
                    hash: r.hash,
                })
                .collect();
            Ok(AuditPage { items, next_cursor })
        })
        .await?;
    Ok(web::Json(page))
}

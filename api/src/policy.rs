//! The server side of the policy: loading the document and asking the one
//! decision function of `habilis-shared` (SPEC §2.2). Handlers call
//! [`authorize`] (or [`check`] on a connection outside any transaction);
//! a refusal is written to the audit log before the 403 goes out.

use std::path::Path;

use actix_web::web;
use habilis_shared::policy::{Action, Decision, Policy, Resource};
use serde_json::json;

use crate::audit::{self, Event, Outcome};
use crate::auth::Caller;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The built-in default (SPEC §2) or a TOML/JSON file (by extension),
/// validated; the error names the first problem with its path.
pub fn load(file: Option<&Path>) -> Result<Policy, String> {
    let Some(path) = file else {
        return Ok(Policy::default());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read policy {}: {e}", path.display()))?;
    let parsed = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        Policy::from_json_str(&text)
    } else {
        Policy::from_toml_str(&text)
    };
    parsed.map_err(|e| format!("invalid policy {}: {e}", path.display()))
}

fn denial(
    caller: &Caller,
    action: &Action,
    decision: &Decision,
    target: Option<(&'static str, String)>,
) -> Event {
    let mut event = Event::new(action.code(), Outcome::Denied)
        .actor(caller.id())
        .ctx(&caller.ctx)
        .detail(json!({ "rule": decision.rule, "reason": decision.reason }));
    if let Some((kind, id)) = target {
        event = event.target(kind, id);
    }
    event
}

/// Decides, and on refusal records it and answers 403.
pub async fn authorize(
    state: &web::Data<AppState>,
    caller: &Caller,
    action: Action,
    resource: Resource,
) -> ApiResult<Decision> {
    let decision = state
        .policy
        .decide(&caller.actor(state), &action, &resource);
    if decision.allowed {
        return Ok(decision);
    }
    let event = denial(caller, &action, &decision, None);
    let now = state.now();
    state
        .db(move |conn| audit::append(conn, now, event).map_err(ApiError::from))
        .await?;
    Err(ApiError::denied(&decision))
}

/// Synchronous form for handlers already on a connection. Must not run
/// inside a transaction that the refusal then rolls back (the audit row
/// would go with it). `hide` answers 404 instead of 403 where existence
/// must not leak (SPEC §11).
pub fn check(
    conn: &mut DbConn,
    state: &AppState,
    caller: &Caller,
    action: Action,
    resource: Resource,
    target: Option<(&'static str, String)>,
    hide: bool,
) -> ApiResult<Decision> {
    let decision = state
        .policy
        .decide(&caller.user.actor(&state.policy), &action, &resource);
    if decision.allowed {
        return Ok(decision);
    }
    audit::append(
        conn,
        state.now(),
        denial(caller, &action, &decision, target),
    )?;
    Err(if hide {
        ApiError::not_found()
    } else {
        ApiError::denied(&decision)
    })
}

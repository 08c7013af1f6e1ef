//! The server side of the policy: loading the document and asking the one
//! decision function of `habilis-shared` (SPEC §2.2).
//!
//! Handlers ask through one guard, [`Authz`]:
//!
//! ```ignore
//! Authz::new(&state, &caller)
//!     .require(Action::WorkRead, resource)
//!     .target("work", &id)
//!     .hidden_as_404()
//!     .on(conn)?;          // or `.await?` from async code
//! ```
//!
//! A refusal is written to the audit log before the 403 (or, where the
//! object's existence must not leak, the 404: SPEC §11) goes out. Facts
//! about what a profile sees in general are named queries of the policy
//! (`Policy::sees_all_accounts`, …), never a made-up question.

use std::path::Path;

use actix_web::web;
use habilis_shared::policy::{Action, Decision, Policy, Resource};
use serde_json::json;

use crate::audit::{self, Event};
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
    let mut event = Event::denial(action)
        .actor(caller.id())
        .ctx(&caller.ctx)
        .detail(json!({ "rule": decision.rule, "reason": decision.reason }));
    if let Some((kind, id)) = target {
        event = event.target(kind, id);
    }
    event
}

/// The one way a handler asks the policy: who asks ([`Authz::new`]), what
/// ([`Authz::require`]), about which object ([`Requirement::target`]), and
/// how a refusal answers ([`Requirement::hidden_as_404`]).
pub struct Authz<'a> {
    state: &'a AppState,
    caller: &'a Caller,
}

impl<'a> Authz<'a> {
    pub fn new(state: &'a AppState, caller: &'a Caller) -> Self {
        Authz { state, caller }
    }

    /// The question: may the caller do `action` on `resource`?
    pub fn require(self, action: Action, resource: Resource) -> Requirement<'a> {
        Requirement {
            state: self.state,
            caller: self.caller,
            action,
            resource,
            target: None,
            hidden: false,
        }
    }
}

/// A question to the policy, answered by [`Requirement::on`] (on a
/// connection) or by awaiting it.
#[must_use = "a requirement decides nothing until it is checked"]
pub struct Requirement<'a> {
    state: &'a AppState,
    caller: &'a Caller,
    action: Action,
    resource: Resource,
    target: Option<(&'static str, String)>,
    hidden: bool,
}

impl<'a> Requirement<'a> {
    /// The object asked about, named in the audit row of a refusal.
    pub fn target(mut self, kind: &'static str, id: impl Into<String>) -> Self {
        self.target = Some((kind, id.into()));
        self
    }

    /// A refusal answers 404, as if the object did not exist (SPEC §11).
    pub fn hidden_as_404(mut self) -> Self {
        self.hidden = true;
        self
    }

    /// The decision itself, for a choice of what to show (a list filter,
    /// the name alone or the whole view, the "may I?" answer): nothing is
    /// refused, so nothing is audited.
    pub fn decision(&self) -> Decision {
        self.state
            .policy
            .decide(&self.caller.actor(self.state), &self.action, &self.resource)
    }

    /// Whether the policy allows; see [`Requirement::decision`].
    pub fn allows(&self) -> bool {
        self.decision().allowed
    }

    fn refusal(&self, decision: &Decision) -> ApiError {
        if self.hidden {
            ApiError::not_found()
        } else {
            ApiError::denied(decision)
        }
    }

    /// Decides on `conn`, writing a refusal to the audit log there. Must not
    /// run inside a transaction that the refusal then rolls back (the audit
    /// row would go with it).
    pub fn on(self, conn: &mut DbConn) -> ApiResult<Decision> {
        let decision = self.decision();
        if decision.allowed {
            return Ok(decision);
        }
        let event = denial(self.caller, &self.action, &decision, self.target.clone());
        audit::append(conn, self.state.now(), event)?;
        Err(self.refusal(&decision))
    }

    async fn check(self) -> ApiResult<Decision> {
        let decision = self.decision();
        if decision.allowed {
            return Ok(decision);
        }
        let event = denial(self.caller, &self.action, &decision, self.target.clone());
        let now = self.state.now();
        let pool = self.state.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            audit::append(&mut conn, now, event).map_err(ApiError::from)
        })
        .await??;
        Err(self.refusal(&decision))
    }
}

impl<'a> std::future::IntoFuture for Requirement<'a> {
    type Output = ApiResult<Decision>;
    type IntoFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Self::Output> + 'a>>;

    /// Decides off a connection; a refusal is audited on the blocking pool.
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.check())
    }
}

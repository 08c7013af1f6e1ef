//! Operations and policy endpoints: health, readiness, metrics, the policy
//! document and the "may I?" check.

use actix_web::{web, HttpResponse};
use habilis_shared::dto::{AuthzCheck, AuthzResource, Problem};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::{Action, Actor, Decision, Policy, Resource};
use serde::Serialize;
use validator::Validate;

use crate::auth::CallerToken;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::mail;
use crate::policy::Authz;
use crate::state::AppState;
use crate::{accounts, projects, works};

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: String,
}

/// The process is alive.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "Alive", body = Health)))]
pub async fn healthz() -> web::Json<Health> {
    web::Json(Health {
        status: "ok".into(),
    })
}

/// The database answers and every migration is applied.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "Not ready", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn readyz(state: web::Data<AppState>) -> ApiResult<web::Json<Health>> {
    let pending = state
        .db(|conn| {
            conn.has_pending_migrations().map_err(|e| {
                tracing::error!(cause = %e, "cannot read the migration state");
                ApiError::unavailable(Msg::new("error-database-unavailable"))
            })
        })
        .await
        .map_err(|_| ApiError::unavailable(Msg::new("error-database-unavailable")))?;
    if pending {
        return Err(ApiError::unavailable(Msg::new("error-migrations-pending")));
    }
    Ok(web::Json(Health {
        status: "ready".into(),
    }))
}

/// Prometheus metrics.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format", body = String, content_type = "text/plain")))]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let now = state.now();
    let backlogs = state
        .db(move |conn| {
            Ok(crate::metrics::Backlogs {
                outbox: mail::backlog(conn).ok(),
                jobs: crate::jobs::backlog(conn, now).ok(),
            })
        })
        .await
        .unwrap_or_default();
    let body = state
        .metrics
        .render(state.pool.state(), state.pool.max_size(), backlogs);
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(body)
}

/// The whole policy document (public): profiles, matrices, switches.
#[utoipa::path(get, path = "/api/v1/policy", tag = "policy",
    responses((status = 200, description = "The policy in force", body = Policy)))]
pub async fn get_policy(state: web::Data<AppState>) -> ApiResult<web::Json<Policy>> {
    let d = state
        .policy
        .decide(&Actor::anonymous(), &Action::PolicyRead, &Resource::None);
    if !d.allowed {
        return Err(ApiError::denied(&d));
    }
    Ok(web::Json(state.policy.as_ref().clone()))
}

/// May I do this? Answers with the rule that decides and why.
#[utoipa::path(
    post, path = "/api/v1/authz/check", tag = "policy", request_body = AuthzCheck, security(("bearer" = [])),
    responses(
        (status = 200, description = "The decision", body = Decision),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The resource does not exist or is not visible", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown action code", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn authz_check(
    state: web::Data<AppState>,
    caller: CallerToken,
    body: Json<AuthzCheck>,
) -> ApiResult<web::Json<Decision>> {
    let st = state.clone();
    let decision = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            Authz::new(&st, &caller)
                .require(Action::AuthzCheck, Resource::None)
                .on(conn)?;
            let action: Action = req.action.parse().map_err(|_| {
                ApiError::field(
                    "action",
                    Msg::new("validation-action-unknown").arg("code", req.action.clone()),
                )
            })?;
            let lang = caller.user.language();
            // Each capability's own loader: an object the caller may not
            // see answers 404, so that the check does not confirm it exists.
            let resource = match req.resource {
                // The knowledge base is asked about as the caller stands to
                // it (a desk agent or not), not about an object.
                None if matches!(action, Action::KbReadDrafts | Action::KbWrite) => {
                    crate::kb::resource(conn, &caller)?
                }
                None => Resource::None,
                Some(AuthzResource::User { id }) => {
                    let target =
                        accounts::access::account_for(conn, &st, &caller, &id, Action::UserRead)?;
                    Resource::Account {
                        profile: target.user.profile(),
                        relation: target.relation,
                    }
                }
                Some(AuthzResource::Work { id }) => works::work_for(conn, &st, &caller, &id)?.1,
                Some(AuthzResource::Project { id }) => {
                    projects::project_for(conn, &st, &caller, &id, Action::ProjectReadName)?.1
                }
            };
            let decision = Authz::new(&st, &caller)
                .require(action, resource)
                .decision();
            // The reason in the caller's language; allowed and rule as decided.
            Ok(decision.in_language(lang))
        })
        .await?;
    Ok(web::Json(decision))
}

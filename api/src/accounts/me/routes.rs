//! `/api/v1/me*`: my account, my preferences, the charter, my API tokens.
//! HTTP only; the rules are in [`super::service`].

use actix_web::{web, HttpResponse};
use habilis_shared::dto::{
    AcceptCharter, ApiTokenPage, CreateApiToken, CreatedApiToken, Me, PageQuery, Problem, UpdateMe,
    UserView,
};
use habilis_shared::policy::{Action, Capability, Relation, Resource};
use validator::Validate;

use super::{queries, service};
use crate::accounts::access::view_for;
use crate::accounts::queries as users;
use crate::auth::{tokens, CallerToken, PendingCaller};
use crate::error::ApiResult;
use crate::extract::Json;
use crate::paging::Keyset;
use crate::policy::Authz;
use crate::state::AppState;

/// Who I am, my supervisor, and what the policy lets me create.
///
/// Reachable while a password change is pending.
#[utoipa::path(
    get, path = "/api/v1/me", tag = "me", security(("bearer" = [])),
    responses(
        (status = 200, description = "My account", body = Me),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_me(state: web::Data<AppState>, caller: PendingCaller) -> ApiResult<web::Json<Me>> {
    let caller = caller.0;
    Authz::new(&state, &caller)
        .require(Action::MeRead, Resource::None)
        .await?;
    let st = state.clone();
    let me = state
        .db(move |conn| {
            let supervisor = match &caller.user.supervisor_id {
                Some(id) => users::find(conn, id)?,
                None => None,
            };
            Ok(Me {
                user: caller.user.view(true),
                supervisor: supervisor
                    .map(|s| view_for(&st, &caller.user, &s, Relation::Supervisor)),
                can_create: st.policy.creatable_by(caller.user.profile()),
                current_charter_version: st.policy.charter_version.clone(),
            })
        })
        .await?;
    Ok(web::Json(me))
}

/// Change my preferences: language, date format, phone. Any other field
/// (`profile`, `state`, `supervisor_id`, …) is refused with 422.
#[utoipa::path(
    patch, path = "/api/v1/me", tag = "me", request_body = UpdateMe, security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated account", body = UserView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Password change required", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown or invalid field", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_me(
    state: web::Data<AppState>,
    caller: CallerToken,
    body: Json<UpdateMe>,
) -> ApiResult<web::Json<UserView>> {
    let st = state.clone();
    let row = state
        .db_as(caller, move |conn, caller| {
            let change = body.into_inner()?;
            change.validate()?;
            Authz::new(&st, &caller)
                .require(Action::MeUpdate, Resource::None)
                .on(conn)?;
            let now = st.now();
            Ok(service::update_preferences(conn, &caller, &change, now)?)
        })
        .await?;
    Ok(web::Json(row.view(true)))
}

/// Accept the current confidentiality charter (required before any
/// scientific action, SPEC §3.3).
#[utoipa::path(
    post, path = "/api/v1/me/charter", tag = "me", request_body = AcceptCharter, security(("bearer" = [])),
    responses(
        (status = 200, description = "Charter accepted", body = UserView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not the current charter version", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn accept_charter(
    state: web::Data<AppState>,
    caller: CallerToken,
    body: Json<AcceptCharter>,
) -> ApiResult<web::Json<UserView>> {
    let st = state.clone();
    let row = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            Authz::new(&st, &caller)
                .require(Action::Capability(Capability::CharterSign), Resource::None)
                .on(conn)?;
            let current = st.policy.charter_version.clone();
            let now = st.now();
            Ok(service::accept_charter(
                conn,
                &caller,
                &req.version,
                &current,
                now,
            )?)
        })
        .await?;
    Ok(web::Json(row.view(true)))
}

/// My personal access tokens (not revoked, not expired), newest first.
#[utoipa::path(
    get, path = "/api/v1/me/tokens", tag = "me", params(PageQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of my tokens", body = ApiTokenPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_tokens(
    state: web::Data<AppState>,
    caller: CallerToken,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<ApiTokenPage>> {
    let st = state.clone();
    let page = state
        .db_as(caller, move |conn, caller| {
            let query = query.into_inner();
            let keys = Keyset::parse(query.limit, query.cursor.as_deref(), 1)?;
            Authz::new(&st, &caller)
                .require(Action::TokensManage, Resource::None)
                .on(conn)?;
            let now = st.now();
            let rows = queries::live_tokens(conn, caller.id(), now, keys.key(0), keys.fetch())?;
            let (rows, next_cursor) = keys.page(rows, |r| vec![r.id.clone()]);
            Ok(ApiTokenPage {
                items: rows.into_iter().map(queries::TokenRow::view).collect(),
                next_cursor,
            })
        })
        .await?;
    Ok(web::Json(page))
}

/// Create a personal access token for scripts. The secret is shown once.
#[utoipa::path(
    post, path = "/api/v1/me/tokens", tag = "me", request_body = CreateApiToken, security(("bearer" = [])),
    responses(
        (status = 201, description = "Created; `token` is shown only now", body = CreatedApiToken),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Too many tokens", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_token(
    state: web::Data<AppState>,
    caller: CallerToken,
    body: Json<CreateApiToken>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    let created = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            Authz::new(&st, &caller)
                .require(Action::TokensManage, Resource::None)
                .on(conn)?;
            let secret = tokens::generate(tokens::API_TOKEN_PREFIX);
            let digest = tokens::digest(&secret);
            let now = st.now();
            let info = service::create_token(conn, &caller, &req, &digest, now)?;
            Ok(CreatedApiToken {
                token: secret,
                info,
            })
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(created))
}

/// Revoke one of my tokens.
#[utoipa::path(
    delete, path = "/api/v1/me/tokens/{id}", tag = "me", security(("bearer" = [])),
    params(("id" = String, Path, description = "Token id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such token of mine", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_token(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    state
        .db_as(caller, move |conn, caller| {
            Authz::new(&st, &caller)
                .require(Action::TokensManage, Resource::None)
                .on(conn)?;
            let id = id.into_inner();
            let now = st.now();
            Ok(service::revoke_token(conn, &caller, &id, now)?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

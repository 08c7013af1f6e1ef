//! `/api/v1/me*`: my account, my preferences, the charter, my API tokens.

use crate::error::ProblemType;
use actix_web::{web, HttpResponse};
use chrono::Duration;
use diesel::prelude::*;
use habilis_shared::dto::{
    AcceptCharter, ApiTokenList, ApiTokenView, CreateApiToken, CreatedApiToken, Me, Problem,
    TokenScope, UpdateMe, UserView,
};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::{Action, Capability, Relation, Resource};
use serde_json::json;
use validator::Validate;

use super::queries;
use super::routes::sees_personal;
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::{tokens, Caller, PendingCaller};
use crate::clock::{db_time, utc};
use crate::db::schema::{api_tokens, users};
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::policy::authorize;
use crate::state::AppState;

const MAX_TOKENS_PER_ACCOUNT: i64 = 50;

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
    authorize(&state, &caller, Action::MeRead, Resource::None).await?;
    let st = state.clone();
    let me = state
        .db(move |conn| {
            let supervisor = match &caller.user.supervisor_id {
                Some(id) => queries::find(conn, id)?,
                None => None,
            };
            let profile = caller.user.profile();
            Ok(Me {
                user: caller.user.view(true),
                supervisor: supervisor.map(|s| {
                    let personal = sees_personal(&st, &caller.user, &s, Relation::Supervisor);
                    s.view(personal)
                }),
                can_create: st.policy.creatable_by(profile),
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
    caller: Caller,
    body: Json<UpdateMe>,
) -> ApiResult<web::Json<UserView>> {
    let change = body.into_inner()?;
    change.validate()?;
    authorize(&state, &caller, Action::MeUpdate, Resource::None).await?;
    let now = state.now();
    let row = state
        .db(move |conn| {
            conn.write_tx(|conn| {
                let target = users::table.find(caller.id());
                if let Some(lang) = change.language {
                    diesel::update(target)
                        .set(users::language.eq(lang.as_str()))
                        .execute(conn)?;
                }
                if let Some(fmt) = change.date_format {
                    diesel::update(target)
                        .set(users::date_format.eq(fmt.as_str()))
                        .execute(conn)?;
                }
                if let Some(phone) = &change.phone {
                    let phone = phone.trim();
                    let value = (!phone.is_empty()).then_some(phone);
                    diesel::update(target)
                        .set(users::phone.eq(value))
                        .execute(conn)?;
                }
                diesel::update(target)
                    .set(users::updated_at.eq(db_time(now)))
                    .execute(conn)?;
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::MeUpdate, Outcome::Success)
                        .actor(caller.id())
                        .target("user", caller.id().to_owned())
                        .detail(json!({
                            "language": change.language,
                            "date_format": change.date_format,
                            "phone_changed": change.phone.is_some(),
                        }))
                        .ctx(&caller.ctx),
                )?;
                queries::find(conn, caller.id())?.ok_or_else(ApiError::not_found)
            })
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
    caller: Caller,
    body: Json<AcceptCharter>,
) -> ApiResult<web::Json<UserView>> {
    let req = body.into_inner()?;
    req.validate()?;
    authorize(
        &state,
        &caller,
        Action::Capability(Capability::CharterSign),
        Resource::None,
    )
    .await?;
    let current = state.policy.charter_version.clone();
    if req.version != current {
        return Err(ApiError::field(
            "version",
            Msg::untranslated(format!("the current charter version is {current}")),
        ));
    }
    let now = state.now();
    let row = state
        .db(move |conn| {
            conn.write_tx(|conn| {
                diesel::update(users::table.find(caller.id()))
                    .set((
                        users::charter_version.eq(&current),
                        users::charter_accepted_at.eq(db_time(now)),
                        users::updated_at.eq(db_time(now)),
                    ))
                    .execute(conn)?;
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::CharterSign, Outcome::Success)
                        .actor(caller.id())
                        .detail(json!({ "version": current }))
                        .ctx(&caller.ctx),
                )?;
                queries::find(conn, caller.id())?.ok_or_else(ApiError::not_found)
            })
        })
        .await?;
    Ok(web::Json(row.view(true)))
}

type TokenRow = (
    String,
    String,
    String,
    chrono::NaiveDateTime,
    chrono::NaiveDateTime,
    Option<chrono::NaiveDateTime>,
);

fn token_view((id, name, scopes, created_at, expires_at, last_used_at): TokenRow) -> ApiTokenView {
    ApiTokenView {
        id,
        name,
        scopes: TokenScope::parse_list(&scopes),
        created_at: utc(created_at),
        expires_at: utc(expires_at),
        last_used_at: last_used_at.map(utc),
    }
}

const TOKEN_COLUMNS: (
    api_tokens::id,
    api_tokens::name,
    api_tokens::scopes,
    api_tokens::created_at,
    api_tokens::expires_at,
    api_tokens::last_used_at,
) = (
    api_tokens::id,
    api_tokens::name,
    api_tokens::scopes,
    api_tokens::created_at,
    api_tokens::expires_at,
    api_tokens::last_used_at,
);

/// My personal access tokens (not revoked, not expired).
#[utoipa::path(
    get, path = "/api/v1/me/tokens", tag = "me", security(("bearer" = [])),
    responses(
        (status = 200, description = "My tokens", body = ApiTokenList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_tokens(
    state: web::Data<AppState>,
    caller: Caller,
) -> ApiResult<web::Json<ApiTokenList>> {
    authorize(&state, &caller, Action::TokensManage, Resource::None).await?;
    let now = db_time(state.now());
    let items = state
        .db(move |conn| {
            let rows: Vec<TokenRow> = api_tokens::table
                .filter(api_tokens::user_id.eq(caller.id()))
                .filter(api_tokens::revoked_at.is_null())
                .filter(api_tokens::expires_at.gt(now))
                .order(api_tokens::created_at.desc())
                .select(TOKEN_COLUMNS)
                .load(conn)?;
            Ok(rows.into_iter().map(token_view).collect())
        })
        .await?;
    Ok(web::Json(ApiTokenList { items }))
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
    caller: Caller,
    body: Json<CreateApiToken>,
) -> ApiResult<HttpResponse> {
    let req = body.into_inner()?;
    req.validate()?;
    authorize(&state, &caller, Action::TokensManage, Resource::None).await?;
    let scopes_text = TokenScope::join(&req.scopes);
    let secret = tokens::generate(tokens::API_TOKEN_PREFIX);
    let digest = tokens::digest(&secret);
    let now = state.now();
    let expires = now + Duration::days(i64::from(req.expires_in_days.unwrap_or(90)));
    let name = req.name.trim().to_owned();
    let info = state
        .db(move |conn| {
            conn.write_tx(|conn| {
                let live: i64 = api_tokens::table
                    .filter(api_tokens::user_id.eq(caller.id()))
                    .filter(api_tokens::revoked_at.is_null())
                    .filter(api_tokens::expires_at.gt(db_time(now)))
                    .count()
                    .get_result(conn)?;
                if live >= MAX_TOKENS_PER_ACCOUNT {
                    return Err(ApiError::conflict(
                        ProblemType::TooManyTokens,
                        Msg::untranslated(format!(
                            "at most {MAX_TOKENS_PER_ACCOUNT} live tokens; revoke one first"
                        )),
                    ));
                }
                let id = uuid::Uuid::now_v7().to_string();
                diesel::insert_into(api_tokens::table)
                    .values((
                        api_tokens::id.eq(&id),
                        api_tokens::user_id.eq(caller.id()),
                        api_tokens::name.eq(&name),
                        api_tokens::token_hash.eq(&digest),
                        api_tokens::scopes.eq(&scopes_text),
                        api_tokens::created_at.eq(db_time(now)),
                        api_tokens::expires_at.eq(db_time(expires)),
                    ))
                    .execute(conn)?;
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::MeTokensCreate, Outcome::Success)
                        .actor(caller.id())
                        .target("api_token", id.clone())
                        .detail(json!({ "name": name, "scopes": scopes_text }))
                        .ctx(&caller.ctx),
                )?;
                let row: TokenRow = api_tokens::table
                    .find(&id)
                    .select(TOKEN_COLUMNS)
                    .first(conn)?;
                Ok(token_view(row))
            })
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(CreatedApiToken {
            token: secret,
            info,
        }))
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
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authorize(&state, &caller, Action::TokensManage, Resource::None).await?;
    let id = id.into_inner();
    let now = state.now();
    state
        .db(move |conn| {
            conn.write_tx(|conn| {
                let n = diesel::update(
                    api_tokens::table
                        .filter(api_tokens::id.eq(&id))
                        .filter(api_tokens::user_id.eq(caller.id()))
                        .filter(api_tokens::revoked_at.is_null()),
                )
                .set(api_tokens::revoked_at.eq(db_time(now)))
                .execute(conn)?;
                if n == 0 {
                    return Err(ApiError::not_found());
                }
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::MeTokensRevoke, Outcome::Success)
                        .actor(caller.id())
                        .target("api_token", id.clone())
                        .ctx(&caller.ctx),
                )?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

//! `/api/v1/auth/*`: sign in, refresh, sign out, activation, password change.

use crate::error::ProblemType;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::{web, HttpRequest, HttpResponse};
use habilis_shared::dto::{
    AccountState, Activate, ChangePassword, Login, PasswordResetConfirm, PasswordResetRequest,
    Problem, Refresh, TokenPair,
};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::{Action, Resource};
use habilis_shared::Email;
use serde_json::json;
use validator::Validate;

use super::password::{self, NewPassword};
use super::{service, tokens, PendingCaller, ReqCtx};
use crate::accounts::queries::{self, UserRow};
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::clock::db_time;
use crate::db::schema::users;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::policy::Authz;
use crate::state::AppState;

/// The refresh token also travels as this cookie, scoped to the auth paths,
/// so the SPA never keeps it in script-readable storage.
pub const REFRESH_COOKIE: &str = "habilis_refresh";

fn token_response(
    state: &AppState,
    user: &UserRow,
    session_id: &str,
    refresh: String,
) -> ApiResult<HttpResponse> {
    let access = state
        .jwt
        .issue(&user.id, session_id, state.now(), state.access_ttl_secs())
        .map_err(ApiError::internal)?;
    let cookie = Cookie::build(REFRESH_COOKIE, refresh.clone())
        .path("/api/v1/auth")
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Strict)
        .max_age(actix_web::cookie::time::Duration::days(i64::from(
            state.policy.auth.refresh_token_days,
        )))
        .finish();
    Ok(HttpResponse::Ok()
        .cookie(cookie)
        .insert_header(("Cache-Control", "no-store"))
        .json(TokenPair {
            access_token: access,
            refresh_token: refresh,
            token_type: "Bearer".into(),
            expires_in: u64::try_from(state.access_ttl_secs()).unwrap_or(0),
            must_change_password: user.must_change_password,
        }))
}

/// Sign in with e-mail and password.
///
/// Unknown e-mail and wrong password get the same answer in similar time.
/// Too many failures for the account or the client IP → 429 with `Retry-After`.
#[utoipa::path(
    post, path = "/api/v1/auth/login", tag = "auth", request_body = Login,
    responses(
        (status = 200, description = "Signed in", body = TokenPair),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong e-mail or password", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Account blocked, or not activated yet (`activation_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Locked out for a while", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn login(
    state: web::Data<AppState>,
    ctx: ReqCtx,
    body: Json<Login>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner()?;
    body.validate()?;
    let Login { email, password } = body;
    // Not parsed: any text gets the same answer as an unknown address,
    // and failures count under its key.
    let key = Email::key_of(&email);
    let now = state.now();

    let (locked, user) = {
        let (st, key, ip) = (state.clone(), key.clone(), ctx.ip.clone());
        state
            .db(move |conn| {
                Ok((
                    service::locked_for(conn, &st.policy, &key, &ip, now)?,
                    queries::find_by_email_key(conn, &key)?,
                ))
            })
            .await?
    };
    if let Some(secs) = locked {
        crate::metrics::LOCKOUTS.inc();
        return Err(ApiError::too_many(secs, Msg::new("auth-locked-out")));
    }

    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let verified = web::block(move || match stored {
        Some(hash) => password::verify(&hash, &password),
        None => {
            // Same work as for a real account (no enumeration by timing).
            let _ = password::verify(password::dummy_hash(), &password);
            false
        }
    })
    .await?;

    let user = match user {
        // SPEC §3.2: the activation link first, then the initial password.
        Some(u) if verified && u.state() == AccountState::Created && u.activated_at.is_none() => {
            return Err(ApiError::new(
                ProblemType::ActivationRequired,
                Msg::new("auth-activation-required"),
            ))
        }
        Some(u) if verified && u.state().may_sign_in() => u,
        Some(u) if verified => {
            return Err(ApiError::new(
                ProblemType::AccountBlocked,
                Msg::new("auth-account-state").arg("state", u.state().as_str()),
            ))
        }
        other => {
            let ctx2 = ctx.clone();
            state
                .db(move |conn| service::record_failure(conn, now, &key, other.as_ref(), &ctx2))
                .await?;
            return Err(ApiError::unauthorized(Msg::new("auth-credentials-invalid")));
        }
    };

    let (session_id, refresh) = {
        let (st, u) = (state.clone(), user.clone());
        state
            .db(move |conn| service::start_session(conn, &st.policy, &u, now, &ctx))
            .await?
    };
    token_response(&state, &user, &session_id, refresh)
}

/// Parses an optional JSON body: empty means absent.
fn optional_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> ApiResult<Option<T>> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    crate::extract::parse(bytes).map(Some)
}

/// Trade a refresh token (body or cookie) for a new pair.
///
/// The presented token is spent; presenting it again revokes its whole
/// family (401).
#[utoipa::path(
    post, path = "/api/v1/auth/refresh", tag = "auth", request_body(content = Option<Refresh>, description = "May be empty when the refresh cookie is sent"),
    responses(
        (status = 200, description = "New pair", body = TokenPair),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Invalid, expired or reused refresh token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn refresh(
    state: web::Data<AppState>,
    ctx: ReqCtx,
    req: HttpRequest,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let parsed: Option<Refresh> = optional_json(&body)?;
    if let Some(p) = &parsed {
        p.validate()?;
    }
    let presented = parsed
        .and_then(|r| r.refresh_token)
        .or_else(|| req.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned()))
        .ok_or_else(|| ApiError::unauthorized(Msg::new("auth-refresh-missing")))?;
    if !presented.starts_with(tokens::REFRESH_PREFIX) {
        return Err(ApiError::unauthorized(Msg::new("auth-refresh-invalid")));
    }
    let now = state.now();
    let st = state.clone();
    let (user, session_id, token) = state
        .db(move |conn| service::rotate_refresh(conn, &st.policy, &presented, now, &ctx))
        .await?;
    token_response(&state, &user, &session_id, token)
}

/// Sign out: ends this session (its refresh family and access tokens).
#[utoipa::path(
    post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn logout(state: web::Data<AppState>, caller: PendingCaller) -> ApiResult<HttpResponse> {
    let caller = caller.0;
    Authz::new(&state, &caller)
        .require(Action::Logout, Resource::None)
        .await?;
    let now = state.now();
    let session = caller.session_id().map(str::to_owned);
    state
        .db(move |conn| {
            conn.write_tx(|conn| {
                if let Some(sid) = &session {
                    service::revoke_session(conn, sid, now)?;
                }
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::AuthLogout, Outcome::Success)
                        .actor(caller.id())
                        .ctx(&caller.ctx),
                )?;
                Ok::<_, ApiError>(())
            })
        })
        .await?;
    let expired = Cookie::build(REFRESH_COOKIE, "")
        .path("/api/v1/auth")
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Strict)
        .max_age(actix_web::cookie::time::Duration::ZERO)
        .finish();
    Ok(HttpResponse::NoContent().cookie(expired).finish())
}

/// Open the e-mailed activation link (single use, expires after the
/// policy's `activation_link_days`).
#[utoipa::path(
    post, path = "/api/v1/auth/activate", tag = "auth", request_body = Activate,
    responses(
        (status = 204, description = "Account activated"),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown link", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Link expired or already used", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn activate(
    state: web::Data<AppState>,
    ctx: ReqCtx,
    body: Json<Activate>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner()?;
    body.validate()?;
    let token = body.token;
    let now = state.now();
    let st = state.clone();
    state
        .db(move |conn| service::activate(conn, &st.policy, &token, now, &ctx))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The account's address, for the rules of a new password. Every stored
/// address was parsed on its way in; one that no longer parses is a fault
/// of the data, not of the request.
fn address_of(user: &UserRow) -> ApiResult<Email> {
    Email::parse(&user.email).map_err(|e| ApiError::internal(format!("stored address: {e}")))
}

/// Change my password (required first when `must_change_password`).
///
/// At least `password_min_length` characters, not the current password,
/// not the e-mail address. Other sessions are ended.
#[utoipa::path(
    post, path = "/api/v1/auth/password", tag = "auth", request_body = ChangePassword, security(("bearer" = [])),
    responses(
        (status = 204, description = "Password changed"),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Rejected new password or wrong current password", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn change_password(
    state: web::Data<AppState>,
    caller: PendingCaller,
    body: Json<ChangePassword>,
) -> ApiResult<HttpResponse> {
    let caller = caller.0;
    let body = body.into_inner()?;
    body.validate()?;
    Authz::new(&state, &caller)
        .require(Action::PasswordChange, Resource::None)
        .await?;
    let ChangePassword {
        current_password,
        new_password,
    } = body;
    let new_password = NewPassword::parse(new_password, &state.policy, &address_of(&caller.user)?)?;
    if new_password.expose() == current_password {
        return Err(ApiError::field(
            "new_password",
            Msg::new("auth-password-same"),
        ));
    }
    let stored = caller.user.password_hash.clone();
    let new_hash = web::block(move || {
        if !password::verify(&stored, &current_password) {
            return Ok(None);
        }
        password::hash(new_password.expose()).map(Some)
    })
    .await?
    .map_err(ApiError::internal)?
    .ok_or_else(|| ApiError::field("current_password", Msg::new("auth-password-incorrect")))?;

    let now = state.now();
    state
        .db(move |conn| {
            conn.write_tx(|conn| {
                let next_state = match caller.user.state() {
                    habilis_shared::dto::AccountState::Created => "active",
                    other => other.as_str(),
                };
                diesel::update(users::table.find(caller.id()))
                    .set((
                        users::password_hash.eq(&new_hash),
                        users::must_change_password.eq(false),
                        users::state.eq(next_state),
                        users::updated_at.eq(db_time(now)),
                    ))
                    .execute(conn)?;
                service::revoke_user_sessions(conn, caller.id(), caller.session_id(), now)?;
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::AuthPassword, Outcome::Success)
                        .actor(caller.id())
                        .target("user", caller.id().to_owned())
                        .detail(json!({ "was_initial": caller.user.must_change_password }))
                        .ctx(&caller.ctx),
                )?;
                Ok::<_, ApiError>(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Ask for a link to choose a new password.
///
/// Always 202 with an empty body, in similar time, whether or not the
/// address has an account (the same password hashing work is done either
/// way): nobody learns who has an account. When it has one that may sign
/// in, a single-use link valid one hour is e-mailed; the links sent before
/// stop working. Requests for one address are limited by the sign-in
/// lockout rules → 429 with `Retry-After`.
#[utoipa::path(
    post, path = "/api/v1/auth/password-reset", tag = "auth", request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "If the address has an account, a link is on its way"),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests for a while", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    ctx: ReqCtx,
    body: Json<PasswordResetRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner()?;
    body.validate()?;
    // Not parsed: the answer is the same whether or not it is an address.
    let key = Email::key_of(&body.email);
    let now = state.now();
    let (locked, user) = {
        let (st, key) = (state.clone(), key.clone());
        state
            .db(move |conn| {
                Ok((
                    service::reset_locked_for(conn, &st.policy, &key, now)?,
                    queries::find_by_email_key(conn, &key)?,
                ))
            })
            .await?
    };
    if let Some(secs) = locked {
        return Err(ApiError::too_many(secs, Msg::new("auth-reset-locked-out")));
    }
    // The same argon2 work whatever the address (no enumeration by timing).
    web::block(|| password::verify(password::dummy_hash(), &password::generate())).await?;
    let st = state.clone();
    state
        .db(move |conn| {
            let url = st.config.public_url();
            service::request_reset(conn, &key, user.as_ref(), &url, now, &ctx)
        })
        .await?;
    Ok(HttpResponse::Accepted()
        .insert_header(("Cache-Control", "no-store"))
        .finish())
}

/// Choose a new password with the e-mailed reset link.
///
/// The password follows the rules of a password change. Every session and
/// API token of the account ends; the person is told by e-mail. Unknown
/// link 404, used or expired 410 (as activation links).
#[utoipa::path(
    post, path = "/api/v1/auth/password-reset/confirm", tag = "auth", request_body = PasswordResetConfirm,
    responses(
        (status = 204, description = "Password changed: sign in with it"),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The account is blocked or closed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown link", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Link expired or already used", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or rejected new password", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn confirm_password_reset(
    state: web::Data<AppState>,
    ctx: ReqCtx,
    body: Json<PasswordResetConfirm>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner()?;
    body.validate()?;
    let PasswordResetConfirm {
        token,
        new_password,
    } = body;
    let now = state.now();
    let (token_id, user) = {
        let ctx = ctx.clone();
        state
            .db(move |conn| service::reset_target(conn, &token, now, &ctx))
            .await?
    };
    let new_password = NewPassword::parse(new_password, &state.policy, &address_of(&user)?)?;
    let stored = user.password_hash.clone();
    let new_hash = web::block(move || {
        if password::verify(&stored, new_password.expose()) {
            return Ok(None);
        }
        password::hash(new_password.expose()).map(Some)
    })
    .await?
    .map_err(ApiError::internal)?
    .ok_or_else(|| ApiError::field("new_password", Msg::new("auth-password-same")))?;
    state
        .db(move |conn| service::complete_reset(conn, &token_id, &user, &new_hash, now, &ctx))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

use diesel::prelude::*;

//! Authentication: who is calling.
//!
//! The [`Caller`] extractor accepts a JWT access token or a personal access
//! token (`hpat_…`) as `Authorization: Bearer`, then reads the account from
//! the database on every request: profile and state are never trusted from
//! the token alone, so a blocked account or a revoked session fails at once
//! (SPEC §12). While an account must change its password, only the handlers
//! taking [`PendingCaller`] accept it.

pub mod jwt;
pub mod password;
pub mod routes;
pub mod service;
pub mod tokens;

use crate::error::ProblemType;
use habilis_shared::i18n::Msg;
use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::Method;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use chrono::Duration;
use diesel::prelude::*;
use habilis_shared::dto::TokenScope;
use habilis_shared::policy::Actor;

use crate::accounts::queries::UserRow;
use crate::clock::db_time;
use crate::db::schema::{api_tokens, sessions, users};
use crate::db::{native, DbConn};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// (token id, scopes, expires, revoked, last used, owner)
type TokenRow = (
    String,
    String,
    chrono::NaiveDateTime,
    Option<chrono::NaiveDateTime>,
    Option<chrono::NaiveDateTime>,
    UserRow,
);

/// Request metadata written into audit rows.
#[derive(Clone, Debug)]
pub struct ReqCtx {
    pub request_id: Option<String>,
    pub ip: String,
}

impl ReqCtx {
    pub fn of(req: &HttpRequest, trust_proxy: bool) -> ReqCtx {
        let request_id = req
            .extensions()
            .get::<tracing_actix_web::RequestId>()
            .map(|id| id.to_string());
        let info = req.connection_info();
        let ip = if trust_proxy {
            info.realip_remote_addr().map(str::to_owned)
        } else {
            req.peer_addr().map(|a| a.ip().to_string())
        }
        .unwrap_or_else(|| "unknown".into());
        ReqCtx { request_id, ip }
    }
}

impl FromRequest for ReqCtx {
    type Error = ApiError;
    type Future = std::future::Ready<Result<ReqCtx, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let trust = req
            .app_data::<web::Data<AppState>>()
            .is_some_and(|s| s.config.trust_proxy);
        std::future::ready(Ok(ReqCtx::of(req, trust)))
    }
}

/// How the caller authenticated.
#[derive(Clone, Debug)]
pub enum Credential {
    /// A sign-in session (refresh-token family).
    Session { id: String },
    /// A personal access token.
    ApiToken { id: String, scopes: Vec<TokenScope> },
}

/// An authenticated account whose password is settled.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user: UserRow,
    pub credential: Credential,
    pub ctx: ReqCtx,
}

impl Caller {
    pub fn id(&self) -> &str {
        &self.user.id
    }
    pub fn actor(&self, state: &AppState) -> Actor {
        self.user.actor(&state.policy)
    }
    pub fn session_id(&self) -> Option<&str> {
        match &self.credential {
            Credential::Session { id } => Some(id),
            Credential::ApiToken { .. } => None,
        }
    }
}

/// An authenticated account that may still have to change its password:
/// taken only by `/auth/password`, `/auth/logout` and `GET /me`.
#[derive(Clone, Debug)]
pub struct PendingCaller(pub Caller);

fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .ok_or_else(|| ApiError::unauthorized(Msg::new("auth-bearer-missing")))?;
    let value = header
        .to_str()
        .map_err(|_| ApiError::unauthorized(Msg::new("auth-bearer-malformed")))?;
    let (scheme, token) = value
        .split_once(' ')
        .ok_or_else(|| ApiError::unauthorized(Msg::new("auth-bearer-malformed")))?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(ApiError::unauthorized(Msg::new("auth-bearer-expected")));
    }
    Ok(token.trim().to_owned())
}

/// What the caller presented, checked as far as it can be without the
/// database.
#[derive(Clone, Debug)]
enum Presented {
    /// A JWT access token whose signature and claims are verified.
    Session { sub: String, sid: String },
    /// A personal access token (its digest).
    ApiToken { digest: String },
}

/// A caller whose credential is checked without the database (a JWT's
/// signature, issuer, audience and lifetime; an API token's shape), not yet
/// bound to an account. [`CallerToken::load`] reads the session or token and
/// the account — state and profile are read on every request (SPEC §12) —
/// and decides whether they may go on: the one place that does, whether
/// through the [`Caller`] extractor or on the handler's own connection with
/// [`AppState::db_as`] (one checkout and one `web::block` per request).
#[derive(Clone, Debug)]
pub struct CallerToken {
    presented: Presented,
    ctx: ReqCtx,
    read_only: bool,
    now: chrono::DateTime<chrono::Utc>,
    language: crate::lang::AccountLanguage,
}

impl CallerToken {
    async fn of(req: &HttpRequest, state: &AppState) -> Result<CallerToken, ApiError> {
        let token = bearer(req)?;
        let ctx = ReqCtx::of(req, state.config.trust_proxy);
        let now = state.now();
        let presented = if token.starts_with(tokens::API_TOKEN_PREFIX) {
            Presented::ApiToken {
                digest: tokens::digest(&token),
            }
        } else {
            let claims = state
                .jwt
                .verify_fresh(&token, now)
                .await
                .map_err(|_| ApiError::unauthorized(Msg::new("auth-access-token-invalid")))?;
            Presented::Session {
                sub: claims.sub,
                sid: claims.sid,
            }
        };
        Ok(CallerToken {
            presented,
            ctx,
            read_only: matches!(*req.method(), Method::GET | Method::HEAD),
            now,
            language: crate::lang::slot(req),
        })
    }

    /// Reads the session (or API token) and its account on `conn`, and
    /// refuses a revoked session, an expired or revoked token, an account
    /// that may not sign in, a read-only token on a write, and — unless
    /// `allow_pending` — an account that must change its password first.
    pub fn load(self, conn: &mut DbConn, allow_pending: bool) -> Result<Caller, ApiError> {
        let CallerToken {
            presented,
            ctx,
            read_only,
            now,
            language,
        } = self;
        let (user, credential) = match presented {
            Presented::ApiToken { digest } => {
                let found: Option<TokenRow> = native!(&mut *conn, |c| api_tokens::table
                    .inner_join(users::table)
                    .filter(api_tokens::token_hash.eq(&digest))
                    .select((
                        api_tokens::id,
                        api_tokens::scopes,
                        api_tokens::expires_at,
                        api_tokens::revoked_at,
                        api_tokens::last_used_at,
                        UserRow::as_select(),
                    ))
                    .first(c)
                    .optional())?;
                let Some((id, scopes, expires_at, revoked_at, last_used, user)) = found else {
                    return Err(ApiError::unauthorized(Msg::new("auth-token-invalid")));
                };
                let now_db = db_time(now);
                if revoked_at.is_some() || expires_at <= now_db {
                    return Err(ApiError::unauthorized(Msg::new("auth-token-revoked")));
                }
                // Record use, at most once a minute, to keep reads cheap.
                if last_used.is_none_or(|t| t + Duration::seconds(60) < now_db) {
                    diesel::update(api_tokens::table.find(&id))
                        .set(api_tokens::last_used_at.eq(now_db))
                        .execute(conn)?;
                    crate::activity::record(
                        conn,
                        &user.id,
                        crate::activity::TOKEN_USE,
                        Some(("api_token", &id)),
                        Some(&ctx.ip),
                        now,
                    )?;
                }
                let scopes = TokenScope::parse_list(&scopes);
                (user, Credential::ApiToken { id, scopes })
            }
            Presented::Session { sub, sid } => {
                // Every request: on the backend's own statement cache.
                let found: Option<(Option<chrono::NaiveDateTime>, UserRow)> =
                    native!(&mut *conn, |c| sessions::table
                        .inner_join(users::table)
                        .filter(sessions::id.eq(&sid))
                        .filter(users::id.eq(&sub))
                        .select((sessions::revoked_at, UserRow::as_select()))
                        .first(c)
                        .optional())?;
                match found {
                    Some((None, user)) => (user, Credential::Session { id: sid }),
                    _ => return Err(ApiError::unauthorized(Msg::new("auth-session-ended"))),
                }
            }
        };

        language.set(user.language());
        if !user.state().may_sign_in() {
            return Err(ApiError::unauthorized(Msg::new("auth-account-unusable")));
        }
        if let Credential::ApiToken { scopes, .. } = &credential {
            if !read_only && !scopes.contains(&TokenScope::Write) {
                return Err(ApiError::new(
                    ProblemType::InsufficientScope,
                    Msg::new("auth-token-read-only"),
                ));
            }
        }
        if user.must_change_password && !allow_pending {
            return Err(ApiError::new(
                ProblemType::PasswordChangeRequired,
                Msg::new("auth-password-change-first"),
            ));
        }
        Ok(Caller {
            user,
            credential,
            ctx,
        })
    }
}

fn app_state(req: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::internal("application state missing"))
}

async fn authenticate(req: HttpRequest, allow_pending: bool) -> Result<Caller, ApiError> {
    let state = app_state(&req)?;
    let token = CallerToken::of(&req, &state).await?;
    state.db(move |conn| token.load(conn, allow_pending)).await
}

impl FromRequest for CallerToken {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<CallerToken, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = app_state(&req)?;
            CallerToken::of(&req, &state).await
        })
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Caller, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(authenticate(req.clone(), false))
    }
}

impl FromRequest for PendingCaller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<PendingCaller, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(req, true).await.map(PendingCaller) })
    }
}

/// A caller who may be an anonymous visitor, for what is public (the
/// knowledge base's published articles): a request without an
/// `Authorization` header is anonymous (`None`); one with a header is
/// checked as by [`CallerToken`], so a bad or expired token is a 401,
/// never taken for an anonymous visit.
#[derive(Clone, Debug)]
pub struct MaybeCallerToken(pub Option<CallerToken>);

impl FromRequest for MaybeCallerToken {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<MaybeCallerToken, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            if !req
                .headers()
                .contains_key(actix_web::http::header::AUTHORIZATION)
            {
                return Ok(MaybeCallerToken(None));
            }
            let state = app_state(&req)?;
            CallerToken::of(&req, &state)
                .await
                .map(|t| MaybeCallerToken(Some(t)))
        })
    }
}

/// [`AppState::db`] as the caller, here beside [`CallerToken::load`] so
/// that the state does not depend on authentication.
impl AppState {
    /// Runs diesel work as the caller, on one connection and one trip to
    /// the blocking pool: the caller's session (or API token) and account
    /// are read and checked first ([`CallerToken::load`], the one place
    /// that decides who may go on), then `f` runs on the same connection.
    pub async fn db_as<T, F>(&self, token: CallerToken, f: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConn, Caller) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        self.db(move |conn| {
            let caller = token.load(conn, false)?;
            f(conn, caller)
        })
        .await
    }

    /// [`AppState::db_as`] for a caller who may be anonymous (`None`).
    pub async fn db_maybe_as<T, F>(&self, token: MaybeCallerToken, f: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConn, Option<Caller>) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        self.db(move |conn| {
            let caller = token.0.map(|t| t.load(conn, false)).transpose()?;
            f(conn, caller)
        })
        .await
    }
}

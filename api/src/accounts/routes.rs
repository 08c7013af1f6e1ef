//! `/api/v1/users`: create subordinates, list and read the accounts one may
//! see, block and unblock. HTTP only; the rules are in [`super::service`].

use actix_web::{web, HttpResponse};
use habilis_shared::dto::{
    CreateUser, CreatedUser, Problem, UpdateUser, UserPage, UserQuery, UserView,
};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::{Action, Relation, Resource};
use validator::Validate;

use super::access::{account_for, readable_account_for, view_for};
use super::queries;
use super::service::{self, IdentityChange, NewAccount};
use crate::audit::AuditAction;
use crate::auth::{password, Caller, CallerToken};
use crate::error::{ApiError, ApiResult};
use crate::extract::{self, Json};
use crate::paging;
use crate::policy::Authz;
use crate::state::AppState;

/// The longest search text of `GET /users?q=`.
const MAX_SEARCH_CHARS: usize = 100;

/// Create an account for someone below me (SPEC §2.3).
///
/// The initial password is in this response only (hand it over by another
/// channel than e-mail); an activation link is e-mailed.
#[utoipa::path(
    post, path = "/api/v1/users", tag = "users", request_body = CreateUser, security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = CreatedUser),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The creation matrix refuses", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "E-mail taken or profile quota reached", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or e-mail domain", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_user(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateUser>,
) -> ApiResult<HttpResponse> {
    let req = body.into_inner()?;
    req.validate()?;
    let email = extract::email("email", &req.email)?;
    Authz::new(&state, &caller)
        .require(Action::UserCreate(req.profile), Resource::None)
        .await?;

    let supervisor_id = {
        let (st, creator, r, e) = (
            state.clone(),
            caller.user.clone(),
            req.clone(),
            email.clone(),
        );
        state
            .db(move |conn| Ok(service::check_request(conn, &st.policy, &creator, &r, &e)?))
            .await?
    };
    let initial = password::generate();
    let hash = {
        let p = initial.clone();
        web::block(move || password::hash(&p))
            .await?
            .map_err(ApiError::internal)?
    };
    let now = state.now();
    let st = state.clone();
    let row = state
        .db(move |conn| {
            let new = NewAccount {
                first_name: req.first_name,
                last_name: req.last_name,
                email,
                profile: req.profile,
                supervisor_id,
                created_by: Some(caller.user.id.clone()),
                password_hash: hash,
                audit_action: AuditAction::UserCreate,
                active: false,
            };
            let url = st.config.public_url();
            Ok(service::insert(
                conn,
                &st.policy,
                new,
                &url,
                now,
                Some(&caller.ctx),
            )?)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/users/{}", row.id)))
        .insert_header(("Cache-Control", "no-store"))
        .json(CreatedUser {
            user: row.view(false),
            initial_password: initial,
        }))
}

/// List the accounts I may see (cursor pagination, oldest first).
#[utoipa::path(
    get, path = "/api/v1/users", tag = "users", params(UserQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of accounts", body = UserPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_users(
    state: web::Data<AppState>,
    caller: CallerToken,
    query: web::Query<UserQuery>,
) -> ApiResult<web::Json<UserPage>> {
    let st = state.clone();
    let page = state
        .db_as(caller, move |conn, caller| {
            let query = query.into_inner();
            let limit = paging::limit(query.limit)?;
            let cursor = paging::decode_cursor(query.cursor.as_deref())?;
            let search = match query.q.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(q) if q.chars().count() > MAX_SEARCH_CHARS => {
                    return Err(ApiError::field(
                        "q",
                        Msg::new("accounts-search-too-long").arg("max", MAX_SEARCH_CHARS),
                    ))
                }
                Some(q) => Some(q.to_owned()),
            };
            Authz::new(&st, &caller)
                .require(Action::UserList, Resource::None)
                .on(conn)?;
            let sees_all = st.policy.sees_all_accounts(&caller.actor(&st));
            let among = if sees_all {
                None
            } else {
                Some(queries::visible_ids(conn, &caller.user)?)
            };
            let rows = queries::page(conn, cursor, among, search.as_deref(), limit + 1)?;
            let (rows, next_cursor) =
                paging::split_page(rows, limit, |r| paging::encode_cursor(&r.id));
            let items = rows
                .iter()
                .map(|r| {
                    let relation = if r.id == caller.user.id {
                        Relation::Myself
                    } else {
                        Relation::Other
                    };
                    view_for(&st, &caller.user, r, relation)
                })
                .collect();
            Ok(UserPage { items, next_cursor })
        })
        .await?;
    Ok(web::Json(page))
}

/// One account, if I may see it.
#[utoipa::path(
    get, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses(
        (status = 200, description = "The account", body = UserView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not visible to me", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_user(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<web::Json<UserView>> {
    let id = id.into_inner();
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let target = readable_account_for(conn, &st, &caller, &id, Action::UserRead)?;
            Ok(view_for(&st, &caller.user, &target.user, target.relation))
        })
        .await?;
    Ok(web::Json(view))
}

async fn set_blocked(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: String,
    block: bool,
) -> ApiResult<web::Json<UserView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let action = if block {
                Action::UserBlock
            } else {
                Action::UserUnblock
            };
            let target = account_for(conn, &st, &caller, &id, action)?;
            let row = service::set_blocked(conn, &caller, &target.user, block, st.now())?;
            Ok(view_for(&st, &caller.user, &row, target.relation))
        })
        .await?;
    Ok(web::Json(view))
}

/// Block an account: it cannot sign in and its tokens stop working at once.
#[utoipa::path(
    post, path = "/api/v1/users/{id}/block", tag = "users", security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses(
        (status = 200, description = "Blocked", body = UserView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already blocked or closed", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn block_user(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<web::Json<UserView>> {
    set_blocked(state, caller, id.into_inner(), true).await
}

/// Unblock an account.
#[utoipa::path(
    post, path = "/api/v1/users/{id}/unblock", tag = "users", security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses(
        (status = 200, description = "Unblocked", body = UserView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not blocked", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn unblock_user(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<web::Json<UserView>> {
    set_blocked(state, caller, id.into_inner(), false).await
}

/// Correct the name or e-mail address of an account (SPEC §2.5: the
/// professional identity is the institution's): its creator line or an
/// admin. A new address must be at an allowed domain and free; the old and
/// the new address are told.
#[utoipa::path(
    patch, path = "/api/v1/users/{id}", tag = "users", request_body = UpdateUser, security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses(
        (status = 200, description = "The account as it is now", body = UserView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the creator line nor an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "E-mail taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or e-mail domain", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_user(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<UpdateUser>,
) -> ApiResult<web::Json<UserView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let change = body.into_inner()?;
            change.validate()?;
            let change = IdentityChange {
                email: change
                    .email
                    .as_deref()
                    .map(|e| extract::email("email", e))
                    .transpose()?,
                first_name: change.first_name,
                last_name: change.last_name,
            };
            let id = id.into_inner();
            let target = account_for(conn, &st, &caller, &id, Action::UserEdit)?;
            let url = st.config.public_url();
            let row = service::update_identity(
                conn,
                &st.policy,
                &caller,
                &target.user,
                change,
                &url,
                st.now(),
            )?;
            Ok(view_for(&st, &caller.user, &row, target.relation))
        })
        .await?;
    Ok(web::Json(view))
}

/// E-mail a new activation link to an account never activated; the link
/// sent before stops working. The creator line or an admin.
#[utoipa::path(
    post, path = "/api/v1/users/{id}/activation", tag = "users", security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses(
        (status = 202, description = "A new link is on its way"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the creator line nor an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The account was already activated", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn resend_activation(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    state
        .db_as(caller, move |conn, caller| {
            let id = id.into_inner();
            let target = account_for(conn, &st, &caller, &id, Action::UserActivation)?;
            let url = st.config.public_url();
            service::resend_activation(conn, &st.policy, &caller, &target.user, &url, st.now())?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

//! `/api/v1/users`: create subordinates, list and read the accounts one may
//! see, block and unblock.

use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use habilis_shared::dto::{CreateUser, CreatedUser, Problem, UserPage, UserQuery, UserView};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::{Action, Relation, Resource};
use validator::Validate;

use super::queries::{self, UserRow};
use super::secondment::{self, Window};
use super::service::{self, NewAccount};
use crate::audit::AuditAction;
use crate::auth::{password, Caller};
use crate::db::schema::users;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::paging;
use crate::policy::{authorize, check};
use crate::state::AppState;

/// May `viewer` see the personal data of `target` (owner, webmaster)?
pub fn sees_personal(
    state: &AppState,
    viewer: &UserRow,
    target: &UserRow,
    relation: Relation,
) -> bool {
    state
        .policy
        .decide(
            &viewer.actor(&state.policy),
            &Action::UserReadPersonal,
            &Resource::Account {
                profile: target.profile(),
                relation,
            },
        )
        .allowed
}

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
    authorize(
        &state,
        &caller,
        Action::UserCreate(req.profile),
        Resource::None,
    )
    .await?;

    let supervisor_id = {
        let (st, creator, r) = (state.clone(), caller.user.clone(), req.clone());
        state
            .db(move |conn| service::check_request(conn, &st.policy, &creator, &r))
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
            service::insert(
                conn,
                &st.policy,
                NewAccount {
                    first_name: req.first_name,
                    last_name: req.last_name,
                    email: req.email,
                    profile: req.profile,
                    supervisor_id,
                    created_by: Some(caller.user.id.clone()),
                    password_hash: hash,
                    audit_action: AuditAction::UserCreate,
                },
                &st.config.public_url(),
                now,
                Some(&caller.ctx),
            )
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

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// `%q%` in lower case, with LIKE's own metacharacters escaped.
fn like_pattern(q: &str) -> String {
    let mut p = String::from("%");
    for c in q.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The ids a viewer who may not see everyone may list: self, the
/// supervisors above, everyone in the subtree below (SPEC §2.5).
fn visible_ids(conn: &mut DbConn, viewer: &UserRow) -> ApiResult<Vec<String>> {
    let mut ids = vec![viewer.id.clone()];
    ids.extend(queries::supervisor_chain(conn, viewer)?);
    ids.extend(queries::subtree_ids(conn, &viewer.id)?);
    Ok(ids)
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
    caller: Caller,
    query: web::Query<UserQuery>,
) -> ApiResult<web::Json<UserPage>> {
    let query = query.into_inner();
    let limit = paging::limit(query.limit)?;
    let cursor = paging::decode_cursor(query.cursor.as_deref())?;
    let search = match query.q.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(q) if q.chars().count() > 100 => {
            return Err(ApiError::field(
                "q",
                Msg::untranslated("at most 100 characters"),
            ))
        }
        Some(q) => Some(like_pattern(q)),
    };
    authorize(&state, &caller, Action::UserList, Resource::None).await?;
    let sees_all = state.policy.sees_all_accounts(caller.actor(&state).profile);
    let st = state.clone();
    let page = state
        .db(move |conn| {
            let mut q = users::table
                .select(UserRow::as_select())
                .order(users::id.asc())
                .limit(limit + 1)
                .into_boxed();
            if let Some(after) = &cursor {
                q = q.filter(users::id.gt(after.clone()));
            }
            if !sees_all {
                q = q.filter(users::id.eq_any(visible_ids(conn, &caller.user)?));
            }
            if let Some(pattern) = &search {
                q = q.filter(
                    users::email_key
                        .like(pattern.clone())
                        .escape('\\')
                        .or(lower(users::first_name).like(pattern.clone()).escape('\\'))
                        .or(lower(users::last_name).like(pattern.clone()).escape('\\')),
                );
            }
            let (rows, next_cursor) = paging::split_page(q.load::<UserRow>(conn)?, limit, |r| {
                paging::encode_cursor(&r.id)
            });
            let mut items = Vec::with_capacity(rows.len());
            for r in &rows {
                let relation = if r.id == caller.user.id {
                    Relation::Myself
                } else {
                    Relation::Other
                };
                items.push(r.view(sees_personal(&st, &caller.user, r, relation)));
            }
            Ok(UserPage { items, next_cursor })
        })
        .await?;
    Ok(web::Json(page))
}

/// Loads a target account and checks the viewer may see it (404 otherwise:
/// existence is not revealed).
pub fn visible_target(
    conn: &mut DbConn,
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> ApiResult<(UserRow, Relation)> {
    let target = queries::find(conn, id)?.ok_or_else(ApiError::not_found)?;
    let relation = queries::relation(conn, &caller.user, &target)?;
    check(
        conn,
        state,
        caller,
        Action::UserRead,
        Resource::Account {
            profile: target.profile(),
            relation,
        },
        Some(("user", target.id.clone())),
        true,
    )?;
    Ok((target, relation))
}

/// Like [`visible_target`], for reading only: an open secondment makes the
/// host a supervisor of what the person does during the window, which comes
/// back so that the caller limits what it shows to it (SPEC §2.5).
pub fn readable_target(
    conn: &mut DbConn,
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> ApiResult<(UserRow, Relation, Option<Window>)> {
    let target = queries::find(conn, id)?.ok_or_else(ApiError::not_found)?;
    let relation = queries::relation(conn, &caller.user, &target)?;
    let (relation, window) =
        secondment::reading_relation(conn, state, caller.id(), &target.id, relation)?;
    check(
        conn,
        state,
        caller,
        Action::UserRead,
        Resource::Account {
            profile: target.profile(),
            relation,
        },
        Some(("user", target.id.clone())),
        true,
    )?;
    Ok((target, relation, window))
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
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<UserView>> {
    let id = id.into_inner();
    let st = state.clone();
    let view = state
        .db(move |conn| {
            let (target, relation, _) = readable_target(conn, &st, &caller, &id)?;
            Ok(target.view(sees_personal(&st, &caller.user, &target, relation)))
        })
        .await?;
    Ok(web::Json(view))
}

async fn set_blocked(
    state: web::Data<AppState>,
    caller: Caller,
    id: String,
    block: bool,
) -> ApiResult<web::Json<UserView>> {
    let st = state.clone();
    let view = state
        .db(move |conn| {
            let (target, relation) = visible_target(conn, &st, &caller, &id)?;
            let action = if block {
                Action::UserBlock
            } else {
                Action::UserUnblock
            };
            check(
                conn,
                &st,
                &caller,
                action,
                Resource::Account {
                    profile: target.profile(),
                    relation,
                },
                Some(("user", target.id.clone())),
                false,
            )?;
            let row =
                service::set_blocked(conn, &caller.user, &target, block, st.now(), &caller.ctx)?;
            Ok(row.view(sees_personal(&st, &caller.user, &row, relation)))
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
    caller: Caller,
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
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<UserView>> {
    set_blocked(state, caller, id.into_inner(), false).await
}

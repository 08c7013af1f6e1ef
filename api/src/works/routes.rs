//! `/api/v1/works*`: record, list, read, advance, delete, annotate.

use crate::error::ProblemType;
use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use habilis_shared::dto::{
    AnnotationList, AnnotationView, ChangeWorkState, CreateAnnotation, CreateWork, Problem,
    TransferWork, WorkPage, WorkQuery, WorkView,
};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::{Action, Resource, WorkState};
use serde_json::json;
use validator::Validate;

use super::queries::{self, WorkRow};
use crate::accounts::queries as users_q;
use crate::accounts::secondment;
use crate::activity;
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::Caller;
use crate::clock::{db_time, utc};
use crate::db::schema::{annotations, works};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::mail::{self, Mail};
use crate::paging;
use crate::policy::{authorize, check};
use crate::state::AppState;

/// Loads a work the caller may see (404 otherwise, recorded as a denial).
fn visible_work(
    conn: &mut DbConn,
    st: &AppState,
    caller: &Caller,
    id: &str,
) -> ApiResult<(WorkRow, Resource)> {
    let work = queries::find(conn, id)?.ok_or_else(ApiError::not_found)?;
    let resource = queries::resource(conn, st, &caller.user, &work)?;
    check(
        conn,
        st,
        caller,
        Action::WorkRead,
        resource,
        Some(("work", work.id.clone())),
        true,
    )?;
    Ok((work, resource))
}

/// Record a draft work.
#[utoipa::path(
    post, path = "/api/v1/works", tag = "works", request_body = CreateWork, security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded as a draft", body = WorkView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses (profile, charter)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_work(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateWork>,
) -> ApiResult<HttpResponse> {
    let req = body.into_inner()?;
    req.validate()?;
    authorize(&state, &caller, Action::WorkCreate, Resource::None).await?;
    let now = state.now();
    let row = state
        .db(move |conn| {
            conn.write_tx(|conn| {
                let id = uuid::Uuid::now_v7().to_string();
                let t = db_time(now);
                diesel::insert_into(works::table)
                    .values((
                        works::id.eq(&id),
                        works::owner_id.eq(caller.id()),
                        works::author_id.eq(caller.id()),
                        works::title.eq(req.title.trim()),
                        works::summary.eq(req.summary.trim()),
                        works::state.eq(WorkState::Draft.as_str()),
                        works::project_id.eq(&req.project_id),
                        works::created_at.eq(t),
                        works::updated_at.eq(t),
                    ))
                    .execute(conn)?;
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::WorkCreate, Outcome::Success)
                        .actor(caller.id())
                        .target("work", id.clone())
                        .ctx(&caller.ctx),
                )?;
                queries::find(conn, &id)?.ok_or_else(ApiError::not_found)
            })
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/works/{}", row.id)))
        .json(row.view()))
}

/// The works I may see (SPEC §2.5), oldest first.
#[utoipa::path(
    get, path = "/api/v1/works", tag = "works", params(WorkQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of works", body = WorkPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter, limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_works(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<WorkQuery>,
) -> ApiResult<web::Json<WorkPage>> {
    let q = query.into_inner();
    let limit = paging::limit(q.limit)?;
    let cursor = paging::decode_cursor(q.cursor.as_deref())?;
    let st = state.clone();
    let page = state
        .db(move |conn| {
            let mut sel = works::table
                .select(queries::WorkRow::as_select())
                .order(works::id.asc())
                .limit(limit + 1)
                .into_boxed();
            if let Some(filter) = queries::visibility_filter(conn, &st, &caller.user)? {
                sel = sel.filter(filter);
            }
            if let Some(after) = cursor {
                sel = sel.filter(works::id.gt(after));
            }
            if let Some(owner) = q.owner_id {
                sel = sel.filter(works::owner_id.eq(owner));
            }
            if let Some(s) = q.state {
                sel = sel.filter(works::state.eq(s.as_str()));
            }
            let (rows, next_cursor) = paging::split_page(sel.load::<WorkRow>(conn)?, limit, |r| {
                paging::encode_cursor(&r.id)
            });
            Ok(WorkPage {
                items: rows.iter().map(WorkRow::view).collect(),
                next_cursor,
            })
        })
        .await?;
    Ok(web::Json(page))
}

/// One work, if I may see it; the view is written to my activity log.
#[utoipa::path(
    get, path = "/api/v1/works/{id}", tag = "works", security(("bearer" = [])),
    params(("id" = String, Path, description = "Work id")),
    responses(
        (status = 200, description = "The work", body = WorkView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such work, or not visible to me", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_work(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<WorkView>> {
    let id = id.into_inner();
    let st = state.clone();
    let view = state
        .db(move |conn| {
            let (work, _) = visible_work(conn, &st, &caller, &id)?;
            activity::record(
                conn,
                caller.id(),
                activity::WORK_VIEW,
                Some(("work", &work.id)),
                Some(&caller.ctx.ip),
                st.now(),
            )?;
            Ok(work.view())
        })
        .await?;
    Ok(web::Json(view))
}

/// Move my work one step: draft → unpublished (`results.create`) →
/// published (`results.publish`).
#[utoipa::path(
    post, path = "/api/v1/works/{id}/state", tag = "works", request_body = ChangeWorkState, security(("bearer" = [])),
    params(("id" = String, Path, description = "Work id")),
    responses(
        (status = 200, description = "The work in its new state", body = WorkView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the owner, or the capability is missing", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such work, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not the next state", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown state", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn change_work_state(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: Json<ChangeWorkState>,
) -> ApiResult<web::Json<WorkView>> {
    let to = body.into_inner()?.state;
    let id = id.into_inner();
    let st = state.clone();
    let view = state
        .db(move |conn| {
            let (work, resource) = visible_work(conn, &st, &caller, &id)?;
            let from = work.state();
            if from.next() != Some(to) {
                return Err(ApiError::conflict(
                    ProblemType::WrongState,
                    Msg::untranslated(format!(
                        "a {} work can only become {}",
                        from.as_str(),
                        from.next().map_or("nothing else", WorkState::as_str)
                    )),
                ));
            }
            check(
                conn,
                &st,
                &caller,
                Action::WorkAdvance(to),
                resource,
                Some(("work", work.id.clone())),
                false,
            )?;
            let now = st.now();
            conn.write_tx(|conn| {
                // Compare-and-set on the state: of two racing changes one wins.
                let changed = diesel::update(
                    works::table
                        .filter(works::id.eq(&work.id))
                        .filter(works::state.eq(from.as_str())),
                )
                .set((
                    works::state.eq(to.as_str()),
                    works::updated_at.eq(db_time(now)),
                    works::published_at.eq((to == WorkState::Published).then(|| db_time(now))),
                ))
                .execute(conn)?;
                if changed != 1 {
                    return Err(ApiError::conflict(
                        ProblemType::WrongState,
                        Msg::untranslated("the work changed meanwhile"),
                    ));
                }
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::WorkState, Outcome::Success)
                        .actor(caller.id())
                        .target("work", work.id.clone())
                        .detail(json!({ "from": from, "to": to }))
                        .ctx(&caller.ctx),
                )?;
                queries::find(conn, &work.id)?
                    .ok_or_else(ApiError::not_found)
                    .map(|w| w.view())
            })
        })
        .await?;
    Ok(web::Json(view))
}

/// Delete my work (not for novices, SPEC §3.6), with its annotations.
#[utoipa::path(
    delete, path = "/api/v1/works/{id}", tag = "works", security(("bearer" = [])),
    params(("id" = String, Path, description = "Work id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the owner, or the profile may not delete", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such work, or not visible to me", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_work(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let st = state.clone();
    state
        .db(move |conn| {
            let (work, resource) = visible_work(conn, &st, &caller, &id)?;
            check(
                conn,
                &st,
                &caller,
                Action::WorkDelete,
                resource,
                Some(("work", work.id.clone())),
                false,
            )?;
            let now = st.now();
            conn.write_tx(|conn| {
                diesel::delete(annotations::table.filter(annotations::work_id.eq(&work.id)))
                    .execute(conn)?;
                diesel::delete(works::table.find(&work.id)).execute(conn)?;
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::WorkDelete, Outcome::Success)
                        .actor(caller.id())
                        .target("work", work.id.clone())
                        .detail(json!({ "title": work.title, "state": work.state }))
                        .ctx(&caller.ctx),
                )?;
                Ok::<_, ApiError>(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Give my work to someone (SPEC §2.5): the host of one of my secondments
/// (seed 004 §6, results handed to the temporary supervisor) or someone
/// above me in my supervision line. The work keeps its state, author and
/// annotations; the new owner is told by e-mail; the transfer is audited.
#[utoipa::path(
    post, path = "/api/v1/works/{id}/transfer", tag = "works", request_body = TransferWork, security(("bearer" = [])),
    params(("id" = String, Path, description = "Work id")),
    responses(
        (status = 200, description = "The work, now owned by `to`", body = WorkView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the owner", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such work, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The work changed hands meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The recipient is unknown, inactive, or neither a host of mine nor above me", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn transfer_work(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: Json<TransferWork>,
) -> ApiResult<web::Json<WorkView>> {
    let req = body.into_inner()?;
    req.validate()?;
    let id = id.into_inner();
    let st = state.clone();
    let view = state
        .db(move |conn| {
            let (work, resource) = visible_work(conn, &st, &caller, &id)?;
            check(
                conn,
                &st,
                &caller,
                Action::WorkTransfer,
                resource,
                Some(("work", work.id.clone())),
                false,
            )?;
            let to = users_q::find(conn, &req.to)?
                .ok_or_else(|| ApiError::field("to", Msg::untranslated("no such account")))?;
            let eligible = to.id != caller.id()
                && to.state().may_sign_in()
                && (secondment::ever_hosted(conn, &to.id, caller.id())?
                    || users_q::is_above(conn, &to.id, &caller.user)?);
            if !eligible {
                return Err(ApiError::field("to", Msg::untranslated("give works to a host of one of your secondments or to someone above you, who must be active")));
            }
            let now = st.now();
            conn.write_tx(|conn| {
                // Compare-and-set on the owner: of two racing transfers one wins.
                let changed = diesel::update(
                    works::table
                        .filter(works::id.eq(&work.id))
                        .filter(works::owner_id.eq(caller.id())),
                )
                .set((
                    works::owner_id.eq(&to.id),
                    works::updated_at.eq(db_time(now)),
                ))
                .execute(conn)?;
                if changed != 1 {
                    return Err(ApiError::conflict(ProblemType::WrongState, Msg::untranslated("the work changed hands meanwhile")));
                }
                let giver = caller.user.display_name();
                mail::enqueue(
                    conn,
                    now,
                    &Mail {
                        to: to.email.clone(),
                        subject: format!("Habilis: {giver} gave you a work"),
                        body: format!(
                            "{giver} gave you the work \"{}\" ({}); it is now yours.\n\n--\n\n\
                             {giver} vous a confié le travail « {} » ({}) ; il est désormais à vous.\n",
                            work.title, work.state, work.title, work.state
                        ),
                    },
                )?;
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::WorkTransfer, Outcome::Success)
                        .actor(caller.id())
                        .target("work", work.id.clone())
                        .detail(json!({ "from": caller.id(), "to": to.id, "state": work.state }))
                        .ctx(&caller.ctx),
                )?;
                queries::find(conn, &work.id)?
                    .ok_or_else(ApiError::not_found)
                    .map(|w| w.view())
            })
        })
        .await?;
    Ok(web::Json(view))
}

/// Annotate a work I may see (`results.modify`).
#[utoipa::path(
    post, path = "/api/v1/works/{id}/annotations", tag = "works", request_body = CreateAnnotation, security(("bearer" = [])),
    params(("id" = String, Path, description = "Work id")),
    responses(
        (status = 201, description = "Annotation added", body = AnnotationView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such work, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_annotation(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: Json<CreateAnnotation>,
) -> ApiResult<HttpResponse> {
    let req = body.into_inner()?;
    req.validate()?;
    let id = id.into_inner();
    let st = state.clone();
    let view = state
        .db(move |conn| {
            let (work, resource) = visible_work(conn, &st, &caller, &id)?;
            check(
                conn,
                &st,
                &caller,
                Action::WorkAnnotate,
                resource,
                Some(("work", work.id.clone())),
                false,
            )?;
            let now = st.now();
            conn.write_tx(|conn| {
                let aid = uuid::Uuid::now_v7().to_string();
                diesel::insert_into(annotations::table)
                    .values((
                        annotations::id.eq(&aid),
                        annotations::work_id.eq(&work.id),
                        annotations::author_id.eq(caller.id()),
                        annotations::body.eq(req.body.trim()),
                        annotations::created_at.eq(db_time(now)),
                    ))
                    .execute(conn)?;
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::WorkAnnotate, Outcome::Success)
                        .actor(caller.id())
                        .target("work", work.id.clone())
                        .ctx(&caller.ctx),
                )?;
                Ok::<_, ApiError>(AnnotationView {
                    id: aid,
                    work_id: work.id.clone(),
                    author_id: caller.id().to_owned(),
                    body: req.body.trim().to_owned(),
                    created_at: utc(db_time(now)),
                })
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The annotations of a work I may see, oldest first.
#[utoipa::path(
    get, path = "/api/v1/works/{id}/annotations", tag = "works", security(("bearer" = [])),
    params(("id" = String, Path, description = "Work id")),
    responses(
        (status = 200, description = "Annotations", body = AnnotationList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such work, or not visible to me", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_annotations(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<AnnotationList>> {
    let id = id.into_inner();
    let st = state.clone();
    let list = state
        .db(move |conn| {
            let (work, _) = visible_work(conn, &st, &caller, &id)?;
            let rows: Vec<(String, String, String, chrono::NaiveDateTime)> = annotations::table
                .filter(annotations::work_id.eq(&work.id))
                .order(annotations::id.asc())
                .limit(1000)
                .select((
                    annotations::id,
                    annotations::author_id,
                    annotations::body,
                    annotations::created_at,
                ))
                .load(conn)?;
            Ok(AnnotationList {
                items: rows
                    .into_iter()
                    .map(|(id, author_id, body, at)| AnnotationView {
                        id,
                        work_id: work.id.clone(),
                        author_id,
                        body,
                        created_at: utc(at),
                    })
                    .collect(),
            })
        })
        .await?;
    Ok(web::Json(list))
}

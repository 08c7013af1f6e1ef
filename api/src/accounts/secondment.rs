//! Secondments (SPEC §2.5, seed 004 §6): a novice or confirmed scientist is
//! attached to a host supervisor of another team for `[starts_at, ends_at)`.
//!
//! During the window the host sees what a permanent supervisor would, but
//! only of what the person produces during it (works created in the window,
//! activity recorded in it). Afterwards the host sees only what anyone may
//! (published works), unless the person transfers items to the host
//! (`POST /works/{id}/transfer`, seed 004 §6: « sauf si le Scientifique
//! Novice souhaite transmettre ses résultats à ce supérieur hiérarchique
//! temporaire »).
//!
//! The policy decides who arranges a secondment (`user.second`); the
//! switch `visibility.secondment_host_sees_period_work` turns the host's
//! temporary supervision off entirely.

use crate::error::ProblemType;
use actix_web::{web, HttpResponse};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use habilis_shared::dto::{CreateSecondment, Problem, SecondmentList, SecondmentView};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::{Action, Relation, Resource};
use serde_json::json;
use validator::Validate;

use super::queries;
use super::routes::visible_target;
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::Caller;
use crate::clock::{db_time, utc};
use crate::db::schema::secondments;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::mail::{self, Email, Recipient};
use crate::policy::check;
use crate::state::AppState;

/// A secondment window, `[starts_at, ends_at)`, in database time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
}

impl Window {
    pub fn contains(&self, t: NaiveDateTime) -> bool {
        self.starts_at <= t && t < self.ends_at
    }
}

/// The windows, open at `now`, in which `host` hosts someone: `(person, window)`.
/// Empty when the policy turns temporary supervision off.
pub fn hosted_now(
    conn: &mut DbConn,
    st: &AppState,
    host: &str,
) -> QueryResult<Vec<(String, Window)>> {
    if !st.policy.visibility.secondment_host_sees_period_work {
        return Ok(Vec::new());
    }
    let now = db_time(st.now());
    let rows: Vec<(String, NaiveDateTime, NaiveDateTime)> = secondments::table
        .filter(secondments::host_supervisor_id.eq(host))
        .filter(secondments::starts_at.le(now))
        .filter(secondments::ends_at.gt(now))
        .select((
            secondments::user_id,
            secondments::starts_at,
            secondments::ends_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(user, starts_at, ends_at)| (user, Window { starts_at, ends_at }))
        .collect())
}

/// The window open now in which `host` hosts `person`, if any.
pub fn open_window(
    conn: &mut DbConn,
    st: &AppState,
    host: &str,
    person: &str,
) -> QueryResult<Option<Window>> {
    Ok(hosted_now(conn, st, host)?
        .into_iter()
        .find(|(user, _)| user == person)
        .map(|(_, w)| w))
}

/// Has `host` ever hosted `person` (a possible recipient of their works)?
pub fn ever_hosted(conn: &mut DbConn, host: &str, person: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        secondments::table
            .filter(secondments::host_supervisor_id.eq(host))
            .filter(secondments::user_id.eq(person)),
    ))
    .get_result(conn)
}

/// The relation a reader has to `target`, counting an open secondment as
/// supervision (for reading only: a host never promotes, blocks or closes
/// the account). The window comes back when it is what made the link.
pub fn reading_relation(
    conn: &mut DbConn,
    st: &AppState,
    viewer: &str,
    target: &str,
    relation: Relation,
) -> QueryResult<(Relation, Option<Window>)> {
    if matches!(relation, Relation::Myself | Relation::Subordinate) {
        return Ok((relation, None));
    }
    Ok(match open_window(conn, st, viewer, target)? {
        Some(w) => (Relation::Subordinate, Some(w)),
        None => (relation, None),
    })
}

type Row = (String, String, String, NaiveDateTime, NaiveDateTime, String);

fn view((id, user_id, host_supervisor_id, starts_at, ends_at, created_by): Row) -> SecondmentView {
    SecondmentView {
        id,
        user_id,
        host_supervisor_id,
        starts_at: utc(starts_at),
        ends_at: utc(ends_at),
        created_by,
    }
}

fn columns() -> (
    secondments::id,
    secondments::user_id,
    secondments::host_supervisor_id,
    secondments::starts_at,
    secondments::ends_at,
    secondments::created_by,
) {
    (
        secondments::id,
        secondments::user_id,
        secondments::host_supervisor_id,
        secondments::starts_at,
        secondments::ends_at,
        secondments::created_by,
    )
}

/// Attach a person to a host supervisor for a period.
///
/// Arranged by a supervisor above the person (`user.second`). The host must
/// be an active account of a profile that may supervise the person, other
/// than their own supervisor; the window must end after it starts and in
/// the future; windows of one person never overlap.
#[utoipa::path(
    post, path = "/api/v1/users/{id}/secondments", tag = "users", request_body = CreateSecondment, security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id of the seconded person")),
    responses(
        (status = 201, description = "Secondment recorded; the host and the person are told by e-mail", body = SecondmentView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses (not your line, profile without supervisors)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The person is not active, or already seconded in an overlapping window", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Window empty or over, host unknown or not eligible", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_secondment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: Json<CreateSecondment>,
) -> ApiResult<HttpResponse> {
    let req = body.into_inner()?;
    req.validate()?;
    let id = id.into_inner();
    let st = state.clone();
    let created = state
        .db(move |conn| {
            let (target, relation) = visible_target(conn, &st, &caller, &id)?;
            check(
                conn,
                &st,
                &caller,
                Action::UserSecond,
                Resource::Account {
                    profile: target.profile(),
                    relation,
                },
                Some(("user", target.id.clone())),
                false,
            )?;
            let now = st.now();
            if req.ends_at <= req.starts_at {
                return Err(ApiError::field("ends_at", Msg::untranslated("must be after starts_at")));
            }
            if req.ends_at <= now {
                return Err(ApiError::field("ends_at", Msg::untranslated("the window is already over")));
            }
            let host = queries::find(conn, &req.host_supervisor_id)?.ok_or_else(|| {
                ApiError::field("host_supervisor_id", Msg::untranslated("no such account"))
            })?;
            let eligible = host.state().may_sign_in()
                && st
                    .policy
                    .supervisor_profiles(target.profile())
                    .contains(&host.profile())
                && host.id != target.id
                && target.supervisor_id.as_deref() != Some(host.id.as_str());
            if !eligible {
                return Err(ApiError::field("host_supervisor_id", Msg::untranslated(format!(
                        "the host must be another active account that may supervise {}, not the current supervisor",
                        target.profile().plural_noun()
                    ))));
            }
            if !target.state().may_sign_in() {
                return Err(ApiError::conflict(ProblemType::WrongState, Msg::untranslated(format!("the account is {}", target.state().as_str()))));
            }
            let (starts, ends) = (db_time(req.starts_at), db_time(req.ends_at));
            conn.write_tx(|conn| {
                conn.lock_named("secondments")?;
                let overlapping: bool = diesel::select(diesel::dsl::exists(
                    secondments::table
                        .filter(secondments::user_id.eq(&target.id))
                        .filter(secondments::starts_at.lt(ends))
                        .filter(secondments::ends_at.gt(starts)),
                ))
                .get_result(conn)?;
                if overlapping {
                    return Err(ApiError::conflict(ProblemType::Overlap, Msg::untranslated("the person is already seconded during part of this window")));
                }
                let sid = uuid::Uuid::now_v7().to_string();
                diesel::insert_into(secondments::table)
                    .values((
                        secondments::id.eq(&sid),
                        secondments::user_id.eq(&target.id),
                        secondments::host_supervisor_id.eq(&host.id),
                        secondments::starts_at.eq(starts),
                        secondments::ends_at.eq(ends),
                        secondments::created_by.eq(caller.id()),
                        secondments::created_at.eq(db_time(now)),
                    ))
                    .execute(conn)?;
                let (person, host_name) = (target.display_name(), host.display_name());
                let email = Email::Secondment { person: &person, host: &host_name, starts: req.starts_at, ends: req.ends_at };
                for reader in [&target, &host] {
                    mail::queue(conn, now, &Recipient::of(reader), &email)?;
                }
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::UserSecond, Outcome::Success)
                        .actor(caller.id())
                        .target("user", target.id.clone())
                        .detail(json!({
                            "secondment_id": sid,
                            "host_supervisor_id": host.id,
                            "starts_at": req.starts_at,
                            "ends_at": req.ends_at,
                        }))
                        .ctx(&caller.ctx),
                )?;
                secondments::table
                    .find(&sid)
                    .select(columns())
                    .first::<Row>(conn)
                    .map(view)
                    .map_err(ApiError::from)
            })
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/users/{}/secondments", created.user_id),
        ))
        .json(created))
}

/// The secondments of a person, past and future (oldest first): for whoever
/// may see the account, and for a host during the window.
#[utoipa::path(
    get, path = "/api/v1/users/{id}/secondments", tag = "users", security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses(
        (status = 200, description = "The person's secondments", body = SecondmentList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not visible to me", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_secondments(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<SecondmentList>> {
    let id = id.into_inner();
    let st = state.clone();
    let list = state
        .db(move |conn| {
            let target = super::routes::readable_target(conn, &st, &caller, &id)?.0;
            let items = secondments::table
                .filter(secondments::user_id.eq(&target.id))
                .order((secondments::starts_at.asc(), secondments::id.asc()))
                .select(columns())
                .load::<Row>(conn)?
                .into_iter()
                .map(view)
                .collect();
            Ok(SecondmentList { items })
        })
        .await?;
    Ok(web::Json(list))
}

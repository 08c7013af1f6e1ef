//! A person's activity log and promotion (SPEC §2.5, §3.4).

use crate::error::ProblemType;
use actix_web::web;
use diesel::prelude::*;
use habilis_shared::dto::{ActivityEntry, ActivityPage, PageQuery, Problem, UserView};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::{Action, Resource};
use serde_json::json;

use super::queries;
use super::routes::{readable_target, sees_personal, visible_target};
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::Caller;
use crate::clock::{db_time, utc};
use crate::db::schema::{activity, users};
use crate::error::{ApiError, ApiResult};
use crate::mail::{self, Email, Recipient};
use crate::paging;
use crate::policy::check;
use crate::state::AppState;

/// A person's activity: sign-ins, token use, views of works (newest first).
#[utoipa::path(
    get, path = "/api/v1/users/{id}/activity", tag = "users", params(("id" = String, Path, description = "Account id"), PageQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of activity", body = ActivityPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The account is visible but its activity is not", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn user_activity(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<ActivityPage>> {
    let q = query.into_inner();
    let limit = paging::limit(q.limit)?;
    let before = paging::decode_cursor(q.cursor.as_deref())?;
    let id = id.into_inner();
    let st = state.clone();
    let page = state
        .db(move |conn| {
            let (target, relation, window) = readable_target(conn, &st, &caller, &id)?;
            check(
                conn,
                &st,
                &caller,
                Action::ActivityRead,
                Resource::Account {
                    profile: target.profile(),
                    relation,
                },
                Some(("user", target.id.clone())),
                false,
            )?;
            let mut sel = activity::table
                .filter(activity::user_id.eq(&target.id))
                .order(activity::id.desc())
                .limit(limit + 1)
                .select((
                    activity::id,
                    activity::kind,
                    activity::target_type,
                    activity::target_id,
                    activity::at,
                ))
                .into_boxed();
            if let Some(b) = before {
                sel = sel.filter(activity::id.lt(b));
            }
            // A host sees only what happened during the secondment.
            if let Some(w) = window {
                sel = sel
                    .filter(activity::at.ge(w.starts_at))
                    .filter(activity::at.lt(w.ends_at));
            }
            type Row = (
                String,
                String,
                Option<String>,
                Option<String>,
                chrono::NaiveDateTime,
            );
            let (rows, next_cursor) = paging::split_page(sel.load::<Row>(conn)?, limit, |r| {
                paging::encode_cursor(&r.0)
            });
            Ok(ActivityPage {
                items: rows
                    .into_iter()
                    .map(|(id, kind, target_type, target_id, at)| ActivityEntry {
                        id,
                        kind,
                        target_type,
                        target_id,
                        at: utc(at),
                    })
                    .collect(),
                next_cursor,
            })
        })
        .await?;
    Ok(web::Json(page))
}

/// Promote one level (SPEC §3.4): novice → confirmed by the expert above
/// (who becomes the supervisor), confirmed → expert by an admin. Works stay
/// with their owner.
#[utoipa::path(
    post, path = "/api/v1/users/{id}/promote", tag = "users", security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses(
        (status = 200, description = "Promoted", body = UserView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses (not your line, wrong profile)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The account changed meanwhile or is not active", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn promote_user(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<UserView>> {
    let id = id.into_inner();
    let st = state.clone();
    let view = state
        .db(move |conn| {
            let (target, relation) = visible_target(conn, &st, &caller, &id)?;
            let from = target.profile();
            check(
                conn,
                &st,
                &caller,
                Action::UserPromote,
                Resource::Account {
                    profile: from,
                    relation,
                },
                Some(("user", target.id.clone())),
                false,
            )?;
            let rule = st.policy.promotion.get(&from).cloned().ok_or_else(|| {
                ApiError::conflict(
                    ProblemType::WrongState,
                    Msg::untranslated("no promotion for this profile"),
                )
            })?;
            if !target.state().may_sign_in() {
                return Err(ApiError::conflict(
                    ProblemType::WrongState,
                    Msg::untranslated(format!("the account is {}", target.state().as_str())),
                ));
            }
            // The promoter from the line above becomes the supervisor; a
            // profile without supervisors (expert) reports to no one.
            let supervisor = if st.policy.supervisor_profiles(rule.to).is_empty() {
                None
            } else if rule.from_supervision_line {
                Some(caller.id().to_owned())
            } else {
                target.supervisor_id.clone()
            };
            let now = st.now();
            let row = conn.write_tx(|conn| {
                let changed = diesel::update(
                    users::table
                        .filter(users::id.eq(&target.id))
                        .filter(users::profile.eq(from.as_str())),
                )
                .set((
                    users::profile.eq(rule.to.as_str()),
                    users::supervisor_id.eq(&supervisor),
                    users::updated_at.eq(db_time(now)),
                ))
                .execute(conn)?;
                if changed != 1 {
                    return Err(ApiError::conflict(
                        ProblemType::WrongState,
                        Msg::untranslated("the account changed meanwhile"),
                    ));
                }
                let name = target.display_name();
                let mut to = vec![Recipient::of(&target)];
                if let Some(s) = supervisor
                    .as_deref()
                    .map(|s| queries::find(conn, s))
                    .transpose()?
                    .flatten()
                {
                    to.push(Recipient::of(&s));
                }
                let email = Email::Promotion {
                    name: &name,
                    email: &target.email,
                    from,
                    to: rule.to,
                };
                for recipient in &to {
                    mail::queue(conn, now, recipient, &email)?;
                }
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::UserPromote, Outcome::Success)
                        .actor(caller.id())
                        .target("user", target.id.clone())
                        .detail(json!({ "from": from, "to": rule.to, "supervisor_id": supervisor }))
                        .ctx(&caller.ctx),
                )?;
                queries::find(conn, &target.id)?.ok_or_else(ApiError::not_found)
            })?;
            let personal = sees_personal(&st, &caller.user, &row, relation);
            Ok(row.view(personal))
        })
        .await?;
    Ok(web::Json(view))
}

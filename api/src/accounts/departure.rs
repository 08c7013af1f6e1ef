//! Departure with hand-over (SPEC §3.6–3.7), seat hand-over for admins and
//! webmasters, and the inactivity review (SPEC §3.8).
//!
//! No scientific data is ever lost: at the departure date the person's
//! works (published, unpublished, drafts) go to the heir or else the direct
//! supervisor, their subordinates get that person as supervisor, every
//! transfer is audited, and the account row stays as a tombstone ("former
//! member") so that everything referring to it keeps working — all in one
//! transaction.

use crate::error::ProblemType;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use habilis_shared::dto::{
    AccountState, CreatedUser, DeleteUserQuery, DepartureView, HandoverSeat, Problem,
    ScheduleDeparture,
};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::{Action, Policy, Profile, Resource, WorkState};
use serde_json::json;
use validator::Validate;

use super::queries::{self, UserRow};
use super::routes::visible_target;
use super::service::{self, NewAccount};
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::{password, service as auth_service, Caller};
use crate::clock::{db_time, utc};
use crate::db::schema::{api_tokens, departures, users, works};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::jobs::{self, JobCtx};
use crate::mail::{self, Mail};
use crate::policy::check;
use crate::state::AppState;

type DepartureRow = (
    String,
    chrono::NaiveDateTime,
    Option<String>,
    String,
    Option<chrono::NaiveDateTime>,
);

fn departure_row(conn: &mut DbConn, user_id: &str) -> QueryResult<Option<DepartureRow>> {
    departures::table
        .find(user_id)
        .select((
            departures::user_id,
            departures::date,
            departures::heir_id,
            departures::scheduled_by,
            departures::done_at,
        ))
        .first(conn)
        .optional()
}

/// Counts what a departure hands over.
fn preview(
    conn: &mut DbConn,
    row: &DepartureRow,
    receiver_id: String,
) -> QueryResult<DepartureView> {
    let (user_id, date, heir_id, scheduled_by, done_at) = row.clone();
    let count = |conn: &mut DbConn, state: WorkState| -> QueryResult<i64> {
        works::table
            .filter(works::owner_id.eq(&user_id))
            .filter(works::state.eq(state.as_str()))
            .count()
            .get_result(conn)
    };
    Ok(DepartureView {
        drafts: count(conn, WorkState::Draft)?,
        unpublished: count(conn, WorkState::Unpublished)?,
        published: count(conn, WorkState::Published)?,
        subordinates: users::table
            .filter(users::supervisor_id.eq(&user_id))
            .count()
            .get_result(conn)?,
        user_id,
        date: utc(date),
        heir_id,
        receiver_id,
        scheduled_by,
        done_at: done_at.map(utc),
    })
}

/// Checks the heir for `target` (SPEC §3.6): required when the rule says
/// so; an active account, not the person, of a profile that may supervise
/// them (for experts: another expert). Returns who receives the hand-over.
fn receiver(
    conn: &mut DbConn,
    policy: &Policy,
    target: &UserRow,
    heir_id: Option<&str>,
) -> ApiResult<String> {
    let profile = target.profile();
    let rule = policy.departure.get(&profile).ok_or_else(|| {
        ApiError::new(
            ProblemType::Forbidden,
            Msg::untranslated("this profile is never deleted; hand the seat over"),
        )
    })?;
    let Some(heir_id) = heir_id else {
        if rule.heir_required {
            return Err(ApiError::field(
                "heir_id",
                Msg::untranslated(format!("a departing {profile} needs an heir")),
            ));
        }
        return target.supervisor_id.clone().ok_or_else(|| {
            ApiError::field(
                "heir_id",
                Msg::untranslated("this person has no supervisor: name an heir"),
            )
        });
    };
    let heir = queries::find(conn, heir_id)?;
    let mut eligible = policy.supervisor_profiles(profile);
    if rule.heir_required {
        eligible.push(profile);
    }
    match heir {
        Some(h)
            if h.id != target.id
                && h.state() == AccountState::Active
                && eligible.contains(&h.profile()) =>
        {
            Ok(h.id)
        }
        _ => Err(ApiError::field(
            "heir_id",
            Msg::untranslated(format!(
                "the heir must be another active {}",
                eligible
                    .iter()
                    .map(|p| p.as_str())
                    .collect::<Vec<_>>()
                    .join(" or ")
            )),
        )),
    }
}

/// Records the departure and its jobs: warnings (21 and 7 days before by
/// default) and the execution at the date.
fn schedule(
    conn: &mut DbConn,
    policy: &Policy,
    by: &Caller,
    target: &UserRow,
    date: DateTime<Utc>,
    heir_id: Option<String>,
    now: DateTime<Utc>,
) -> ApiResult<DepartureView> {
    let receiver_id = receiver(conn, policy, target, heir_id.as_deref())?;
    conn.write_tx(|conn| {
        if departure_row(conn, &target.id)?.is_some() {
            return Err(ApiError::conflict(
                ProblemType::DepartureExists,
                Msg::untranslated("a departure is already scheduled for this person"),
            ));
        }
        diesel::insert_into(departures::table)
            .values((
                departures::user_id.eq(&target.id),
                departures::date.eq(db_time(date)),
                departures::heir_id.eq(&heir_id),
                departures::scheduled_by.eq(by.id()),
                departures::created_at.eq(db_time(now)),
            ))
            .execute(conn)?;
        diesel::update(users::table.find(&target.id))
            .set((
                users::state.eq(AccountState::Departing.as_str()),
                users::updated_at.eq(db_time(now)),
            ))
            .execute(conn)?;
        for days in &policy.accounts.departure_warning_days {
            let at = date - Duration::days(i64::from(*days));
            if at > now {
                jobs::enqueue(
                    conn,
                    jobs::DEPARTURE_WARNING,
                    Some(&target.id),
                    json!({ "days": days }),
                    at,
                    now,
                )?;
            }
        }
        jobs::enqueue(
            conn,
            jobs::DEPARTURE,
            Some(&target.id),
            json!({}),
            date,
            now,
        )?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::UserDepart, Outcome::Success)
                .actor(by.id())
                .target("user", target.id.clone())
                .detail(json!({ "date": date, "heir_id": heir_id, "receiver_id": receiver_id }))
                .ctx(&by.ctx),
        )?;
        let row = departure_row(conn, &target.id)?.ok_or_else(ApiError::not_found)?;
        Ok(preview(conn, &row, receiver_id.clone())?)
    })
}

/// The departure warning job: tells the person what will be handed over.
pub fn warn(
    conn: &mut DbConn,
    ctx: &JobCtx,
    user_id: &str,
    payload: &serde_json::Value,
) -> ApiResult<()> {
    let Some(row) = departure_row(conn, user_id)? else {
        return Ok(());
    };
    if row.4.is_some() {
        return Ok(());
    }
    let Some(user) = queries::find(conn, user_id)? else {
        return Ok(());
    };
    let receiver_id = row
        .2
        .clone()
        .or_else(|| user.supervisor_id.clone())
        .unwrap_or_default();
    let receiver_name = queries::find(conn, &receiver_id)?
        .map(|r| r.display_name())
        .unwrap_or_default();
    let view = preview(conn, &row, receiver_id)?;
    let days = payload["days"].as_u64().unwrap_or(0);
    mail::enqueue(
        conn,
        ctx.now,
        &Mail {
            to: user.email.clone(),
            subject: format!("Habilis: your account closes in {days} days / votre compte ferme dans {days} jours"),
            body: format!(
                "Hello {},\n\nYour Habilis account closes on {}. Your works will then be handed to {}: \
                 {} draft(s), {} unpublished, {} published. Until then you may publish your drafts{}.\n\n--\n\n\
                 Bonjour {},\n\nVotre compte Habilis ferme le {}. Vos travaux seront alors confiés à {} : \
                 {} brouillon(s), {} non publié(s), {} publié(s). D'ici là, vous pouvez publier vos brouillons.\n",
                user.first_name,
                view.date.format("%Y-%m-%d"),
                receiver_name,
                view.drafts,
                view.unpublished,
                view.published,
                if ctx.policy.works.delete_own.contains(&user.profile()) { " or delete them" } else { "" },
                user.first_name,
                view.date.format("%Y-%m-%d"),
                receiver_name,
                view.drafts,
                view.unpublished,
                view.published,
            ),
        },
    )?;
    Ok(())
}

/// The departure itself (one transaction, inside the job's).
pub fn execute(conn: &mut DbConn, ctx: &JobCtx, user_id: &str) -> ApiResult<()> {
    let Some(row) = departure_row(conn, user_id)? else {
        return Ok(());
    };
    if row.4.is_some() {
        return Ok(());
    }
    let user = queries::find(conn, user_id)?.ok_or_else(ApiError::not_found)?;
    let receiver_id = row
        .2
        .clone()
        .or_else(|| user.supervisor_id.clone())
        .ok_or_else(|| ApiError::internal(format!("departure of {user_id}: nobody to inherit")))?;
    let now = ctx.now;
    let owned: Vec<(String, String)> = works::table
        .filter(works::owner_id.eq(user_id))
        .select((works::id, works::state))
        .load(conn)?;
    for (work_id, state) in &owned {
        diesel::update(works::table.find(work_id))
            .set((
                works::owner_id.eq(&receiver_id),
                works::updated_at.eq(db_time(now)),
            ))
            .execute(conn)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::WorkTransfer, Outcome::Success)
                .target("work", work_id.clone())
                .detail(json!({ "from": user_id, "to": receiver_id, "state": state, "reason": "departure" })),
        )?;
    }
    let moved = diesel::update(users::table.filter(users::supervisor_id.eq(user_id)))
        .set(users::supervisor_id.eq(&receiver_id))
        .execute(conn)?;
    // Erase personal data and the login; the row stays as a tombstone.
    let tomb = format!("former-{user_id}@deleted.invalid");
    diesel::update(users::table.find(user_id))
        .set((
            users::first_name.eq("Former"),
            users::last_name.eq("member"),
            users::email.eq(&tomb),
            users::email_key.eq(&tomb),
            users::phone.eq(None::<String>),
            users::password_hash.eq("!"),
            users::must_change_password.eq(false),
            users::state.eq(AccountState::Deleted.as_str()),
            users::updated_at.eq(db_time(now)),
        ))
        .execute(conn)?;
    auth_service::revoke_user_sessions(conn, user_id, None, now)?;
    diesel::update(
        api_tokens::table
            .filter(api_tokens::user_id.eq(user_id))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(db_time(now)))
    .execute(conn)?;
    diesel::update(departures::table.find(user_id))
        .set(departures::done_at.eq(db_time(now)))
        .execute(conn)?;
    if let Some(r) = queries::find(conn, &receiver_id)? {
        mail::enqueue(
            conn,
            now,
            &Mail {
                to: r.email,
                subject: format!("Habilis: {} has left / {} est parti·e", user.display_name(), user.display_name()),
                body: format!(
                    "{} has left the platform. You now own their {} work(s) and supervise {} person(s) who reported to them.\n\n--\n\n\
                     {} a quitté la plateforme. Vous détenez désormais ses {} travaux et encadrez {} personne(s) qui en dépendai(en)t.\n",
                    user.display_name(), owned.len(), moved, user.display_name(), owned.len(), moved
                ),
            },
        )?;
    }
    audit::append(
        conn,
        now,
        Event::new(AuditAction::UserDelete, Outcome::Success)
            .target("user", user_id.to_owned())
            .detail(
                json!({ "receiver_id": receiver_id, "works": owned.len(), "subordinates": moved }),
            ),
    )?;
    Ok(())
}

/// SPEC §3.8: no sign-in for `inactive_after_days` → a warning; still none
/// `inactivity_grace_days` later → blocked (never deleted). Seats (admin,
/// webmaster) are left alone so the platform cannot lock itself out.
pub fn review_inactivity(conn: &mut DbConn, ctx: &JobCtx) -> ApiResult<()> {
    let now = ctx.now;
    let cutoff = db_time(now - Duration::days(i64::from(ctx.policy.accounts.inactive_after_days)));
    let grace = db_time(now - Duration::days(i64::from(ctx.policy.accounts.inactivity_grace_days)));
    let seats: Vec<&str> = ctx
        .policy
        .accounts
        .seats
        .iter()
        .map(|p| p.as_str())
        .collect();
    let candidates: Vec<(String, String, String, Option<chrono::NaiveDateTime>)> = users::table
        .filter(users::state.eq_any([
            AccountState::Active.as_str(),
            AccountState::Created.as_str(),
        ]))
        .filter(users::profile.ne_all(seats))
        .filter(
            users::last_login_at.lt(cutoff).or(users::last_login_at
                .is_null()
                .and(users::created_at.lt(cutoff))),
        )
        .select((
            users::id,
            users::email,
            users::first_name,
            users::inactivity_warned_at,
        ))
        .load(conn)?;
    for (id, email, first_name, warned) in candidates {
        match warned {
            None => {
                diesel::update(users::table.find(&id))
                    .set(users::inactivity_warned_at.eq(db_time(now)))
                    .execute(conn)?;
                mail::enqueue(
                    conn,
                    now,
                    &Mail {
                        to: email,
                        subject: "Habilis: your account is inactive / votre compte est inactif".into(),
                        body: format!(
                            "Hello {first_name},\n\nYou have not signed in to Habilis for a long time. Sign in within {} days, \
                             or your account will be blocked (never deleted).\n\n--\n\nBonjour {first_name},\n\nVous ne vous êtes pas \
                             connecté·e à Habilis depuis longtemps. Connectez-vous d'ici {} jours, sinon votre compte sera bloqué \
                             (jamais supprimé).\n",
                            ctx.policy.accounts.inactivity_grace_days, ctx.policy.accounts.inactivity_grace_days
                        ),
                    },
                )?;
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::UserInactivityWarning, Outcome::Success)
                        .target("user", id.clone()),
                )?;
            }
            Some(at) if at <= grace => {
                diesel::update(users::table.find(&id))
                    .set((
                        users::state.eq(AccountState::Blocked.as_str()),
                        users::updated_at.eq(db_time(now)),
                    ))
                    .execute(conn)?;
                auth_service::revoke_user_sessions(conn, &id, None, now)?;
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::UserBlock, Outcome::Success)
                        .target("user", id.clone())
                        .detail(json!({ "reason": "inactivity" })),
                )?;
            }
            Some(_) => {}
        }
    }
    Ok(())
}

fn depart_resource(target: &UserRow, relation: habilis_shared::policy::Relation) -> Resource {
    Resource::Account {
        profile: target.profile(),
        relation,
    }
}

/// The account `caller` may schedule the departure of, or delete now
/// (`user.depart`, SPEC §3.6): 404 when not visible, 403 when not the
/// creator line.
fn departing(conn: &mut DbConn, st: &AppState, caller: &Caller, id: &str) -> ApiResult<UserRow> {
    let (target, relation) = visible_target(conn, st, caller, id)?;
    check(
        conn,
        st,
        caller,
        Action::UserDepart,
        depart_resource(&target, relation),
        Some(("user", target.id.clone())),
        false,
    )?;
    Ok(target)
}

/// Schedule a person's departure (SPEC §3.6): the creator line only; an heir
/// for experts. Warning e-mails go out before; at the date their works are
/// handed over and the account becomes a "former member".
#[utoipa::path(
    post, path = "/api/v1/users/{id}/departure", tag = "users", request_body = ScheduleDeparture, security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses(
        (status = 201, description = "Scheduled; what will be handed to whom", body = DepartureView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the creator line, or a seat", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already scheduled or closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Date not in the future, heir missing or not eligible", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn schedule_departure(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: Json<ScheduleDeparture>,
) -> ApiResult<HttpResponse> {
    let req = body.into_inner()?;
    req.validate()?;
    let id = id.into_inner();
    let st = state.clone();
    let view = state
        .db(move |conn| {
            let target = departing(conn, &st, &caller, &id)?;
            let now = st.now();
            if req.date <= now {
                return Err(ApiError::field(
                    "date",
                    Msg::untranslated("the departure date must be in the future"),
                ));
            }
            if target.state() == AccountState::Deleted {
                return Err(ApiError::conflict(
                    ProblemType::WrongState,
                    Msg::untranslated("this person has already left"),
                ));
            }
            schedule(
                conn,
                &st.policy,
                &caller,
                &target,
                req.date,
                req.heir_id,
                now,
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// What a departure would hand over today, and to whom, without
/// scheduling it: the preview the web app shows before one confirms.
#[utoipa::path(
    get, path = "/api/v1/users/{id}/departure/preview", tag = "users", params(("id" = String, Path, description = "Account id"), DeleteUserQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "What would be handed to whom (dated now)", body = DepartureView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the creator line, or a seat", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Heir missing or not eligible", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn preview_departure(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<DeleteUserQuery>,
) -> ApiResult<web::Json<DepartureView>> {
    let heir_id = query.into_inner().heir_id.filter(|h| !h.is_empty());
    let id = id.into_inner();
    let st = state.clone();
    let view = state
        .db(move |conn| {
            let target = departing(conn, &st, &caller, &id)?;
            let receiver_id = receiver(conn, &st.policy, &target, heir_id.as_deref())?;
            let row = (
                target.id.clone(),
                db_time(st.now()),
                heir_id,
                caller.id().to_owned(),
                None,
            );
            Ok(preview(conn, &row, receiver_id)?)
        })
        .await?;
    Ok(web::Json(view))
}

/// The scheduled departure of a person and what it will hand over.
#[utoipa::path(
    get, path = "/api/v1/users/{id}/departure", tag = "users", security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses(
        (status = 200, description = "The departure", body = DepartureView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "None scheduled, or not visible to me", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_departure(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<DepartureView>> {
    let id = id.into_inner();
    let st = state.clone();
    let view = state
        .db(move |conn| {
            let (target, _) = visible_target(conn, &st, &caller, &id)?;
            let row = departure_row(conn, &target.id)?.ok_or_else(ApiError::not_found)?;
            let receiver_id = row
                .2
                .clone()
                .or_else(|| target.supervisor_id.clone())
                .unwrap_or_default();
            Ok(preview(conn, &row, receiver_id)?)
        })
        .await?;
    Ok(web::Json(view))
}

/// Delete an account now, with the same hand-over as a departure (only
/// when the departure rules allow; `?heir_id=` for experts).
#[utoipa::path(
    delete, path = "/api/v1/users/{id}", tag = "users", params(("id" = String, Path, description = "Account id"), DeleteUserQuery), security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted; works handed over"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the creator line, or a seat", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A departure is already scheduled, or already gone", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Heir missing or not eligible", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_user(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<DeleteUserQuery>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let heir = query.into_inner().heir_id;
    let st = state.clone();
    state
        .db(move |conn| {
            let target = departing(conn, &st, &caller, &id)?;
            if target.state() == AccountState::Deleted {
                return Err(ApiError::conflict(
                    ProblemType::WrongState,
                    Msg::untranslated("this person has already left"),
                ));
            }
            let now = st.now();
            let receiver_id = receiver(conn, &st.policy, &target, heir.as_deref())?;
            conn.write_tx(|conn| {
                if departure_row(conn, &target.id)?.is_some() {
                    return Err(ApiError::conflict(
                        ProblemType::DepartureExists,
                        Msg::untranslated("a departure is already scheduled for this person"),
                    ));
                }
                diesel::insert_into(departures::table)
                    .values((
                        departures::user_id.eq(&target.id),
                        departures::date.eq(db_time(now)),
                        departures::heir_id.eq(&heir),
                        departures::scheduled_by.eq(caller.id()),
                        departures::created_at.eq(db_time(now)),
                    ))
                    .execute(conn)?;
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::UserDepart, Outcome::Success)
                        .actor(caller.id())
                        .target("user", target.id.clone())
                        .detail(
                            json!({ "date": now, "immediate": true, "receiver_id": receiver_id }),
                        )
                        .ctx(&caller.ctx),
                )?;
                execute(
                    conn,
                    &JobCtx {
                        policy: &st.policy,
                        now,
                    },
                    &target.id,
                )
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Give an admin or webmaster seat to a new person (SPEC §3.7): the new
/// account gets the profile and a new initial password (shown once); the
/// old one becomes a "former member".
#[utoipa::path(
    post, path = "/api/v1/users/{id}/handover", tag = "users", request_body = HandoverSeat, security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id of the seat's holder")),
    responses(
        (status = 201, description = "The new holder", body = CreatedUser),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed, or not a seat", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "E-mail taken, or the seat is already handed over", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or e-mail domain", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn handover_seat(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: Json<HandoverSeat>,
) -> ApiResult<HttpResponse> {
    let req = body.into_inner()?;
    req.validate()?;
    if !state.policy.email_domain_allowed(req.email.trim()) {
        return Err(ApiError::field(
            "email",
            Msg::untranslated("the e-mail domain is not an allowed institutional domain"),
        ));
    }
    let id = id.into_inner();
    let initial = password::generate();
    let hash = {
        let p = initial.clone();
        web::block(move || password::hash(&p))
            .await?
            .map_err(ApiError::internal)?
    };
    let st = state.clone();
    let row = state
        .db(move |conn| {
            let (target, relation) = visible_target(conn, &st, &caller, &id)?;
            check(
                conn,
                &st,
                &caller,
                Action::UserHandover,
                depart_resource(&target, relation),
                Some(("user", target.id.clone())),
                false,
            )?;
            if target.state() == AccountState::Deleted {
                return Err(ApiError::conflict(
                    ProblemType::WrongState,
                    Msg::untranslated("this seat was already handed over"),
                ));
            }
            let now = st.now();
            let profile: Profile = target.profile();
            conn.write_tx(|conn| {
                // Free the seat first so the profile limit still holds.
                let tomb = format!("former-{}@deleted.invalid", target.id);
                diesel::update(users::table.find(&target.id))
                    .set((
                        users::first_name.eq("Former"),
                        users::last_name.eq("member"),
                        users::email.eq(&tomb),
                        users::email_key.eq(&tomb),
                        users::phone.eq(None::<String>),
                        users::password_hash.eq("!"),
                        users::state.eq(AccountState::Deleted.as_str()),
                        users::updated_at.eq(db_time(now)),
                    ))
                    .execute(conn)?;
                auth_service::revoke_user_sessions(conn, &target.id, None, now)?;
                let new = service::insert(
                    conn,
                    &st.policy,
                    NewAccount {
                        first_name: req.first_name,
                        last_name: req.last_name,
                        email: req.email,
                        profile,
                        supervisor_id: None,
                        created_by: Some(caller.id().to_owned()),
                        password_hash: hash,
                        audit_action: AuditAction::UserHandover,
                    },
                    &st.config.public_url(),
                    now,
                    Some(&caller.ctx),
                )?;
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::UserDelete, Outcome::Success)
                        .actor(caller.id())
                        .target("user", target.id.clone())
                        .detail(json!({ "handed_over_to": new.id })),
                )?;
                Ok::<_, ApiError>(new)
            })
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(CreatedUser {
            user: row.view(false),
            initial_password: initial,
        }))
}

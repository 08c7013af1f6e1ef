//! Project participants (SPEC §4): invited by e-mail (an existing account
//! gets access at once; anyone else once the account with that e-mail
//! exists), listed with who invited them and when, revoked — by the owner,
//! the sponsor, the data steward or a manager of the organisation. Access is
//! decided on every request, so a revoked participant loses it at once.

use crate::error::ProblemType;
use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use habilis_shared::dto::{
    InviteParticipant, ParticipantList, ParticipantState, ParticipantView, Problem,
};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::Action;
use serde_json::json;
use validator::Validate;

use super::project_for;
use crate::accounts::queries as users_q;
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::Caller;
use crate::clock::{db_time, utc};
use crate::db::schema::participants;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::mail::{self, Mail};
use crate::state::AppState;

type Row = (
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    String,
    String,
    chrono::NaiveDateTime,
);

fn columns() -> (
    participants::id,
    participants::project_id,
    participants::user_id,
    participants::email,
    participants::role,
    participants::state,
    participants::invited_by,
    participants::invited_at,
) {
    (
        participants::id,
        participants::project_id,
        participants::user_id,
        participants::email,
        participants::role,
        participants::state,
        participants::invited_by,
        participants::invited_at,
    )
}

fn view((id, project_id, user_id, email, role, state, invited_by, at): Row) -> ParticipantView {
    ParticipantView {
        id,
        project_id,
        user_id,
        email,
        role,
        state: ParticipantState::parse(&state).unwrap_or(ParticipantState::Revoked),
        invited_by,
        invited_at: utc(at),
    }
}

fn one(conn: &mut DbConn, id: &str) -> ApiResult<ParticipantView> {
    Ok(view(
        participants::table
            .find(id)
            .select(columns())
            .first::<Row>(conn)?,
    ))
}

/// Invite someone to a project by e-mail.
#[utoipa::path(
    post, path = "/api/v1/projects/{id}/participants", tag = "projects", request_body = InviteParticipant, security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")),
    responses(
        (status = 201, description = "Invited (`active` for an existing account, `invited` otherwise)", body = ParticipantView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the owner, sponsor, data steward or a manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already a participant, or the project is closed or rejected", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid e-mail or domain", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn invite_participant(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: Json<InviteParticipant>,
) -> ApiResult<HttpResponse> {
    let req = body.into_inner()?;
    req.validate()?;
    let email = req.email.trim().to_owned();
    if !state.policy.email_domain_allowed(&email) {
        return Err(ApiError::field(
            "email",
            Msg::untranslated("the e-mail domain is not an allowed institutional domain"),
        ));
    }
    let id = id.into_inner();
    let st = state.clone();
    let created = state
        .db(move |conn| {
            let (p, _) = project_for(conn, &st, &caller, &id, Action::ProjectParticipants)?;
            use habilis_shared::dto::ProjectState;
            if matches!(p.state(), ProjectState::Closed | ProjectState::Rejected) {
                return Err(ApiError::conflict(ProblemType::WrongState, Msg::untranslated(format!("the project is {}", p.state().as_str()))));
            }
            let now = st.now();
            let key = email.to_lowercase();
            conn.write_tx(|conn| {
                let there: bool = diesel::select(diesel::dsl::exists(
                    participants::table
                        .filter(participants::project_id.eq(&p.id))
                        .filter(participants::email_key.eq(&key))
                        .filter(participants::state.ne(ParticipantState::Revoked.as_str())),
                ))
                .get_result(conn)?;
                if there {
                    return Err(ApiError::conflict(ProblemType::AlreadyParticipant, Msg::untranslated("this person already takes part in the project")));
                }
                // A participant takes part through the organisation (SPEC §4:
                // "existing account or invitation to the organisation"): an
                // account not yet a member joins as `user`; anyone else gets
                // the organisation's invitation link.
                let org = crate::orgs::find(conn, &p.organization_id)?
                    .ok_or_else(ApiError::not_found)?;
                crate::orgs::invitations::invite_one(
                    conn,
                    &st,
                    &org,
                    &email,
                    habilis_shared::policy::OrgRole::User,
                    &caller,
                    now,
                )?;
                let account = users_q::find_by_email_key(conn, &key)?;
                let state = if account.is_some() {
                    ParticipantState::Active
                } else {
                    ParticipantState::Invited
                };
                let pid = uuid::Uuid::now_v7().to_string();
                diesel::insert_into(participants::table)
                    .values((
                        participants::id.eq(&pid),
                        participants::project_id.eq(&p.id),
                        participants::user_id.eq(account.as_ref().map(|a| a.id.clone())),
                        participants::email.eq(&email),
                        participants::email_key.eq(&key),
                        participants::role.eq(&req.role),
                        participants::state.eq(state.as_str()),
                        participants::invited_by.eq(caller.id()),
                        participants::invited_at.eq(db_time(now)),
                    ))
                    .execute(conn)?;
                let inviter = caller.user.display_name();
                mail::enqueue(
                    conn,
                    now,
                    &Mail {
                        to: email.clone(),
                        subject: format!("Habilis: you take part in \"{}\"", p.name),
                        body: format!(
                            "{inviter} invites you to the project \"{}\" on Habilis.{}\n\n--\n\n\
                             {inviter} vous invite au projet « {} » sur Habilis.\n",
                            p.name,
                            if account.is_some() { "" } else { " Your access opens once your account exists (your supervisor creates it)." },
                            p.name
                        ),
                    },
                )?;
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::ProjectParticipantInvite, Outcome::Success)
                        .actor(caller.id())
                        .target("project", p.id.clone())
                        .detail(json!({ "participant_id": pid, "email": email, "state": state.as_str() }))
                        .ctx(&caller.ctx),
                )?;
                one(conn, &pid)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// The participants: person, invitation date, who invited, status.
#[utoipa::path(
    get, path = "/api/v1/projects/{id}/participants", tag = "projects", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")),
    responses(
        (status = 200, description = "Participants, oldest first", body = ParticipantList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Names only for me", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not visible to me", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_participants(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<ParticipantList>> {
    let id = id.into_inner();
    let st = state.clone();
    let list = state
        .db(move |conn| {
            let (p, _) = project_for(conn, &st, &caller, &id, Action::ProjectRead)?;
            let rows: Vec<Row> = participants::table
                .filter(participants::project_id.eq(&p.id))
                .order((participants::invited_at.asc(), participants::id.asc()))
                .select(columns())
                .load(conn)?;
            Ok(ParticipantList {
                items: rows.into_iter().map(view).collect(),
            })
        })
        .await?;
    Ok(web::Json(list))
}

/// Revoke an invitation or an access; the person loses it on their next request.
#[utoipa::path(
    delete, path = "/api/v1/projects/{id}/participants/{participant_id}", tag = "projects", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id"), ("participant_id" = String, Path, description = "Participant id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the owner, sponsor, data steward or a manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project or participant", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn revoke_participant(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, participant) = path.into_inner();
    let st = state.clone();
    state
        .db(move |conn| {
            let (p, _) = project_for(conn, &st, &caller, &id, Action::ProjectParticipants)?;
            let now = st.now();
            conn.write_tx(|conn| {
                let n = diesel::update(
                    participants::table
                        .filter(participants::id.eq(&participant))
                        .filter(participants::project_id.eq(&p.id))
                        .filter(participants::state.ne(ParticipantState::Revoked.as_str())),
                )
                .set((
                    participants::state.eq(ParticipantState::Revoked.as_str()),
                    participants::revoked_by.eq(Some(caller.id())),
                    participants::revoked_at.eq(Some(db_time(now))),
                ))
                .execute(conn)?;
                if n != 1 {
                    return Err(ApiError::not_found());
                }
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::ProjectParticipantRevoke, Outcome::Success)
                        .actor(caller.id())
                        .target("project", p.id.clone())
                        .detail(json!({ "participant_id": participant }))
                        .ctx(&caller.ctx),
                )?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

//! Project participants (SPEC §4), over HTTP: invited by e-mail (an
//! existing account gets access at once; anyone else once the account with
//! that e-mail exists), listed with who invited them and when, revoked — by
//! the owner, the sponsor, the data steward or a manager of the
//! organisation. Access is decided on every request, so a revoked
//! participant loses it at once. The rules are [`service`]'s.

use actix_web::{web, HttpResponse};
use habilis_shared::dto::{
    InviteParticipant, PageQuery, ParticipantPage, ParticipantView, Problem,
};
use habilis_shared::policy::Action;
use validator::Validate;

use super::queries::{self, ParticipantRow};
use super::{project_for, service};
use crate::auth::CallerToken;
use crate::error::ApiResult;
use crate::extract::{self, Json};
use crate::paging::Keyset;
use crate::state::AppState;

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
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<InviteParticipant>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    let created = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            let email = extract::email("email", &req.email)?;
            service::check_participant(&st, &email)?;
            let (p, _) = project_for(conn, &st, &caller, &id, Action::ProjectParticipants)?;
            Ok(service::invite_participant(
                conn, &st, &caller, &p, &email, &req,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// The participants: person, invitation date, who invited, status.
#[utoipa::path(
    get, path = "/api/v1/projects/{id}/participants", tag = "projects", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id"), PageQuery),
    responses(
        (status = 200, description = "A page of participants, oldest first", body = ParticipantPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Names only for me", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_participants(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<ParticipantPage>> {
    let st = state.clone();
    let page = state
        .db_as(caller, move |conn, caller| {
            let query = query.into_inner();
            let keys = Keyset::parse(query.limit, query.cursor.as_deref(), 1)?;
            let (p, _) = project_for(conn, &st, &caller, &id, Action::ProjectRead)?;
            let rows = queries::participants(conn, &p.id, keys.key(0), keys.fetch())?;
            let (rows, next_cursor) = keys.page(rows, |r| vec![r.id.clone()]);
            Ok(ParticipantPage {
                items: rows.into_iter().map(ParticipantRow::view).collect(),
                next_cursor,
            })
        })
        .await?;
    Ok(web::Json(page))
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
    caller: CallerToken,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    state
        .db_as(caller, move |conn, caller| {
            let (id, participant) = path.into_inner();
            let (p, _) = project_for(conn, &st, &caller, &id, Action::ProjectParticipants)?;
            Ok(service::revoke_participant(
                conn,
                st.now(),
                &caller,
                &p,
                &participant,
            )?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

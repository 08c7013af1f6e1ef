//! `/api/v1/desks*`, `/api/v1/tickets*`: HTTP only. Each handler parses,
//! authorises once (through [`desk_for`] or [`ticket_for`], or the
//! account-holder gate of a list) and hands over to [`service`].

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use habilis_shared::dto::{
    AddDeskAgent, AddTicketParticipant, AssignTicket, AttachQuery, CommentTicket, CreateTicket,
    DeskAgentPage, DeskAgentView, DeskPage, EscalateTicket, PageQuery, Problem, ResolveTicket,
    TicketAttachmentView, TicketPage, TicketParticipantView, TicketQuery, TicketState,
    TicketThread, TicketType,
};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::{Action, Resource};
use validator::Validate;

use super::queries::{self, TicketFilter};
use super::service::{self, AttachLimits, Move, SupportError};
use super::{desk_for, desk_resource, outgoing, ticket_for};
use crate::auth::{Caller, CallerToken};
use crate::clock::utc;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::paging::Keyset;
use crate::policy::Authz;
use crate::state::AppState;
use crate::storage::stream;

/// The support desks I may use or see: the group desk, the local desks of
/// my organisations, those I am an agent of (administrators: all).
#[utoipa::path(
    get, path = "/api/v1/desks", tag = "support", params(PageQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of desks", body = DeskPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_desks(
    state: web::Data<AppState>,
    caller: CallerToken,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<DeskPage>> {
    let st = state.clone();
    let page = state
        .db_as(caller, move |conn, caller| {
            let q = query.into_inner();
            let keys = Keyset::parse(q.limit, q.cursor.as_deref(), 1)?;
            Authz::new(&st, &caller)
                .require(Action::DeskList, Resource::None)
                .on(conn)?;
            let mine = queries::agent_desks(conn, caller.id())?;
            let mut rows = Vec::new();
            for (desk, org_name) in queries::all_desks(conn)? {
                if keys.key(0).is_some_and(|after| desk.id.as_str() <= after) {
                    continue;
                }
                let res = desk_resource(conn, &caller, &desk, &mine)?;
                if Authz::new(&st, &caller)
                    .require(Action::DeskRead, res)
                    .allows()
                {
                    rows.push(desk.view(org_name.as_deref(), mine.contains(&desk.id)));
                }
                if rows.len() as i64 >= keys.fetch() {
                    break;
                }
            }
            let (items, next_cursor) = keys.page(rows, |d| vec![d.id.clone()]);
            Ok(DeskPage { items, next_cursor })
        })
        .await?;
    Ok(web::Json(page))
}

/// The agents of a desk (its agents, and those who name them).
#[utoipa::path(
    get, path = "/api/v1/desks/{id}/agents", tag = "support", security(("bearer" = [])),
    params(("id" = String, Path, description = "Desk id"), PageQuery),
    responses(
        (status = 200, description = "A page of the desk's agents", body = DeskAgentPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such desk, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_desk_agents(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<DeskAgentPage>> {
    let st = state.clone();
    let page = state
        .db_as(caller, move |conn, caller| {
            let q = query.into_inner();
            let keys = Keyset::parse(q.limit, q.cursor.as_deref(), 1)?;
            let (desk, _) = desk_for(conn, &st, &caller, &id, Action::DeskAgentsRead)?;
            let rows = queries::agents_page(conn, &desk.id, keys.key(0), keys.fetch())?;
            let (rows, next_cursor) = keys.page(rows, |r| vec![r.0.clone()]);
            Ok(DeskAgentPage {
                items: rows
                    .into_iter()
                    .map(|(account, first, last, by, at)| DeskAgentView {
                        desk_id: desk.id.clone(),
                        account_id: account,
                        name: format!("{first} {last}"),
                        assigned_by: by,
                        created_at: utc(at),
                    })
                    .collect(),
                next_cursor,
            })
        })
        .await?;
    Ok(web::Json(page))
}

/// Name an agent of a desk: for a local desk, a member of its organisation
/// (by its managers or an administrator); for the group desk, anyone (by
/// the profiles the policy names).
#[utoipa::path(
    post, path = "/api/v1/desks/{id}/agents", tag = "support", request_body = AddDeskAgent, security(("bearer" = [])),
    params(("id" = String, Path, description = "Desk id")),
    responses(
        (status = 201, description = "Now an agent of the desk", body = DeskAgentView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such desk, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already an agent of the desk", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No such active account, or not a member of the organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn add_desk_agent(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<AddDeskAgent>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            let (desk, _) = desk_for(conn, &st, &caller, &id, Action::DeskAgentsManage)?;
            Ok(service::add_agent(
                conn,
                st.now(),
                &caller,
                &desk,
                &req.account_id,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Remove an agent from a desk (the tickets assigned to them stay so).
#[utoipa::path(
    delete, path = "/api/v1/desks/{id}/agents/{account_id}", tag = "support", security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Desk id"),
        ("account_id" = String, Path, description = "The agent's account id"),
    ),
    responses(
        (status = 204, description = "No longer an agent of the desk"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such desk or agent, or not visible to me", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn remove_desk_agent(
    state: web::Data<AppState>,
    caller: CallerToken,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    state
        .db_as(caller, move |conn, caller| {
            let (id, account) = path.into_inner();
            let (desk, _) = desk_for(conn, &st, &caller, &id, Action::DeskAgentsManage)?;
            Ok(service::remove_agent(
                conn,
                st.now(),
                &caller,
                &desk,
                &account,
            )?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Open a ticket, by default at the local desk of my organisation. A
/// request of a category the policy names waits for an approval (my
/// supervisor's, or the sponsor's of the project it names); an incident
/// never does. E-mailed to me with the ticket's reply address.
#[utoipa::path(
    post, path = "/api/v1/tickets", tag = "support", request_body = CreateTicket, security(("bearer" = [])),
    responses(
        (status = 201, description = "Opened (new, or awaiting approval)", body = TicketThread),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses a ticket at this desk", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such desk, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; no desk to default to; no such project; nobody to approve", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_ticket(
    state: web::Data<AppState>,
    caller: CallerToken,
    body: Json<CreateTicket>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            let desk = match &req.desk_id {
                Some(id) => desk_for(conn, &st, &caller, id, Action::TicketCreate)?.0,
                None => {
                    let desk = service::default_desk(conn, &caller)?;
                    desk_for(conn, &st, &caller, &desk.id, Action::TicketCreate)?.0
                }
            };
            let project = match &req.project_id {
                Some(id) => {
                    let p = crate::projects::queries::find(conn, id)?
                        .ok_or(SupportError::UnknownProject)?;
                    let res = crate::projects::queries::resource(conn, &p, &caller)?;
                    if !Authz::new(&st, &caller)
                        .require(Action::ProjectReadName, res)
                        .allows()
                    {
                        return Err(SupportError::UnknownProject.into());
                    }
                    Some(p)
                }
                None => None,
            };
            Ok(service::create(
                conn,
                &st.policy,
                st.now(),
                &outgoing(&st),
                &caller,
                &desk,
                project.as_ref(),
                &req,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/tickets/{}", view.ticket.id)))
        .json(view))
}

fn parse_filter(q: &TicketQuery) -> ApiResult<TicketFilter> {
    let bad = |field: &str| ApiError::field(field, Msg::new("support-bad-filter"));
    Ok(TicketFilter {
        state: match &q.state {
            Some(s) => Some(TicketState::parse(s).ok_or_else(|| bad("state"))?),
            None => None,
        },
        kind: match &q.kind {
            Some(k) => Some(TicketType::parse(k).ok_or_else(|| bad("type"))?),
            None => None,
        },
        desk: q.desk.clone(),
        assignee: q
            .assignee
            .as_ref()
            .map(|a| (a != "none").then(|| a.clone())),
        requester: q.requester.clone(),
    })
}

/// My tickets, those I follow, and (agents) the queues of my desks,
/// oldest first; filters `state`, `type`, `desk`, `assignee` (`none`:
/// unassigned), `requester`.
#[utoipa::path(
    get, path = "/api/v1/tickets", tag = "support", params(TicketQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of tickets", body = TicketPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter, limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_tickets(
    state: web::Data<AppState>,
    caller: CallerToken,
    query: web::Query<TicketQuery>,
) -> ApiResult<web::Json<TicketPage>> {
    let st = state.clone();
    let page = state
        .db_as(caller, move |conn, caller| {
            let q = query.into_inner();
            let keys = Keyset::parse(q.limit, q.cursor.as_deref(), 1)?;
            let filter = parse_filter(&q)?;
            Authz::new(&st, &caller)
                .require(Action::TicketList, Resource::None)
                .on(conn)?;
            let mine = queries::agent_desks(conn, caller.id())?;
            let rows = queries::tickets_page(
                conn,
                caller.id(),
                &mine,
                &filter,
                keys.key(0),
                keys.fetch(),
            )?;
            let (rows, next_cursor) = keys.page(rows, |(t, _, _)| vec![t.id.clone()]);
            Ok(TicketPage {
                items: rows
                    .iter()
                    .map(|(t, first, last)| t.view(&format!("{first} {last}")))
                    .collect(),
                next_cursor,
            })
        })
        .await?;
    Ok(web::Json(page))
}

/// One ticket with its whole history (internal notes for its agents only).
#[utoipa::path(
    get, path = "/api/v1/tickets/{id}", tag = "support", security(("bearer" = [])),
    params(("id" = String, Path, description = "Ticket id")),
    responses(
        (status = 200, description = "The ticket and its history", body = TicketThread),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not visible to me", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_ticket(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<web::Json<TicketThread>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let (ticket, agent) = ticket_for(conn, &st, &caller, &id, Action::TicketRead)?;
            Ok(service::thread(conn, &ticket.id, agent)?)
        })
        .await?;
    Ok(web::Json(view))
}

/// Comment on a ticket; `internal: true` for an agents-only note (never
/// e-mailed). An agent's public answer makes it `pending` (waiting for the
/// requester); the requester's answer makes it `open` again.
#[utoipa::path(
    post, path = "/api/v1/tickets/{id}/comments", tag = "support", request_body = CommentTicket, security(("bearer" = [])),
    params(("id" = String, Path, description = "Ticket id")),
    responses(
        (status = 201, description = "Commented: the ticket and its history", body = TicketThread),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An internal note by someone who is not an agent of the ticket", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The ticket is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn comment_ticket(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<CommentTicket>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            let action = if req.internal {
                Action::TicketWork
            } else {
                Action::TicketComment
            };
            let (ticket, agent) = ticket_for(conn, &st, &caller, &id, action)?;
            Ok(service::comment(
                conn,
                st.now(),
                &outgoing(&st),
                &caller,
                &ticket.id,
                agent,
                &req.body,
                req.internal,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Assign a ticket being worked to an agent of its desk (a new ticket
/// becomes open).
#[utoipa::path(
    post, path = "/api/v1/tickets/{id}/assign", tag = "support", request_body = AssignTicket, security(("bearer" = [])),
    params(("id" = String, Path, description = "Ticket id")),
    responses(
        (status = 200, description = "Assigned", body = TicketThread),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an agent of the ticket's desks", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The ticket is not being worked", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an agent of the ticket's desk", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn assign_ticket(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<AssignTicket>,
) -> ApiResult<web::Json<TicketThread>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            let (ticket, _) = ticket_for(conn, &st, &caller, &id, Action::TicketWork)?;
            Ok(service::assign(
                conn,
                st.now(),
                &outgoing(&st),
                &caller,
                &ticket.id,
                &req.agent_id,
            )?)
        })
        .await?;
    Ok(web::Json(view))
}

/// Pass a ticket of a local desk on to the group desk (history kept; the
/// local desk still sees it).
#[utoipa::path(
    post, path = "/api/v1/tickets/{id}/escalate", tag = "support", request_body = EscalateTicket, security(("bearer" = [])),
    params(("id" = String, Path, description = "Ticket id")),
    responses(
        (status = 200, description = "Escalated", body = TicketThread),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an agent of the ticket's desks", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not being worked, or already at the group desk", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn escalate_ticket(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<EscalateTicket>,
) -> ApiResult<web::Json<TicketThread>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            let (ticket, _) = ticket_for(conn, &st, &caller, &id, Action::TicketWork)?;
            Ok(service::escalate(
                conn,
                st.now(),
                &outgoing(&st),
                &caller,
                &ticket.id,
                &req.reason,
            )?)
        })
        .await?;
    Ok(web::Json(view))
}

/// Resolve a ticket being worked, with its resolution.
#[utoipa::path(
    post, path = "/api/v1/tickets/{id}/resolve", tag = "support", request_body = ResolveTicket, security(("bearer" = [])),
    params(("id" = String, Path, description = "Ticket id")),
    responses(
        (status = 200, description = "Resolved", body = TicketThread),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an agent of the ticket's desks", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The ticket is not being worked", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn resolve_ticket(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<ResolveTicket>,
) -> ApiResult<web::Json<TicketThread>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            let (ticket, agent) = ticket_for(conn, &st, &caller, &id, Action::TicketWork)?;
            Ok(service::transition(
                conn,
                st.now(),
                &outgoing(&st),
                &caller,
                &ticket.id,
                agent,
                Move::Resolve(&req.resolution),
            )?)
        })
        .await?;
    Ok(web::Json(view))
}

async fn settle(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: String,
    how: fn(&str) -> Move<'_>,
) -> ApiResult<web::Json<TicketThread>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let (ticket, agent) = ticket_for(conn, &st, &caller, &id, Action::TicketSettle)?;
            Ok(service::transition(
                conn,
                st.now(),
                &outgoing(&st),
                &caller,
                &ticket.id,
                agent,
                how(""),
            )?)
        })
        .await?;
    Ok(web::Json(view))
}

/// Reopen a resolved ticket (its requester, its agents).
#[utoipa::path(
    post, path = "/api/v1/tickets/{id}/reopen", tag = "support", security(("bearer" = [])),
    params(("id" = String, Path, description = "Ticket id")),
    responses(
        (status = 200, description = "Open again", body = TicketThread),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither its requester nor an agent of its desks", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The ticket is not resolved", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reopen_ticket(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<web::Json<TicketThread>> {
    settle(state, caller, id.into_inner(), |_| Move::Reopen).await
}

/// Close a resolved ticket (its requester, its agents).
#[utoipa::path(
    post, path = "/api/v1/tickets/{id}/close", tag = "support", security(("bearer" = [])),
    params(("id" = String, Path, description = "Ticket id")),
    responses(
        (status = 200, description = "Closed", body = TicketThread),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither its requester nor an agent of its desks", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The ticket is not resolved", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn close_ticket(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<web::Json<TicketThread>> {
    settle(state, caller, id.into_inner(), |_| Move::Close).await
}

/// Attach a file to a ticket (`curl -T shot.png '…/attachments?name=shot.png'`):
/// the body is the file's bytes, streamed to the object storage with
/// their SHA-256. `internal=true` for an agents-only file, like a note.
/// The policy sets the largest file and how many one ticket holds (413
/// `quota_exceeded`, checked from `Content-Length` before anything is
/// stored and again as bytes arrive). A public file is e-mailed (by name)
/// to the requester and the participants.
#[utoipa::path(
    post, path = "/api/v1/tickets/{id}/attachments", tag = "support", security(("bearer" = [])),
    params(("id" = String, Path, description = "Ticket id"), AttachQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file's bytes"),
    responses(
        (status = 201, description = "Attached", body = TicketAttachmentView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An internal file by someone who is not an agent of the ticket", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The ticket is closed", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`quota_exceeded`: the file is over the size limit, or the ticket holds as many files as it may (`quota` says the numbers)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid file name", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn attach_file(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<String>,
    query: web::Query<AttachQuery>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let declared = stream::declared_length(&req);
    let content_type = stream::content_type(&req);
    let limits = AttachLimits::of(&state.policy);
    let st = state.clone();
    let who = caller.clone();
    let (ticket, name) = state
        .db(move |conn| {
            let action = if q.internal {
                Action::TicketWork
            } else {
                Action::TicketComment
            };
            let (ticket, _) = ticket_for(conn, &st, &who, &id, action)?;
            let name = service::file_name(q.name.as_deref().unwrap_or_default())?;
            service::may_attach(conn, &ticket.id, limits)?;
            if let Some(n) = declared {
                limits.check(n)?;
            }
            Ok((ticket, name))
        })
        .await?;
    let store = state.storage.clone();
    let file_id = uuid::Uuid::now_v7().to_string();
    // Object keys are ids, as the datasets' files.
    let object_key = file_id.clone();
    let (temp, size, digest) = stream::receive(store.clone(), object_key.clone(), payload, |n| {
        limits.check(n).map_err(ApiError::from)
    })
    .await?;
    web::block(move || temp.commit())
        .await?
        .map_err(ApiError::internal)?;
    let stored = service::Stored {
        id: file_id,
        name,
        size,
        sha256: hex::encode(digest),
        content_type,
        object_key: object_key.clone(),
        internal: q.internal,
    };
    let st = state.clone();
    let ticket_id = ticket.id.clone();
    let recorded = state
        .db(move |conn| {
            Ok(service::attach(
                conn,
                st.now(),
                &outgoing(&st),
                &caller,
                &ticket_id,
                limits,
                &stored,
            )?)
        })
        .await;
    match recorded {
        Ok(view) => Ok(HttpResponse::Created()
            .insert_header((
                header::LOCATION,
                format!("/api/v1/tickets/{}/attachments/{}", ticket.id, view.id),
            ))
            .json(view)),
        Err(e) => {
            // Nothing left behind: the committed object goes too.
            let _ = web::block(move || store.delete(&object_key)).await;
            Err(e)
        }
    }
}

/// The bytes of a file attached to a ticket, always as a download
/// (`Content-Disposition: attachment`, never shown inline). Internal files
/// are for the ticket's agents only.
#[utoipa::path(
    get, path = "/api/v1/tickets/{id}/attachments/{attachment_id}", tag = "support", security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Ticket id"),
        ("attachment_id" = String, Path, description = "Attachment id"),
    ),
    responses(
        (status = 200, description = "The file", body = Vec<u8>, content_type = "application/octet-stream"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket or file, or not visible to me", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn download_attachment(
    state: web::Data<AppState>,
    caller: CallerToken,
    params: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, attachment) = params.into_inner();
    let st = state.clone();
    let file = state
        .db_as(caller, move |conn, caller| {
            let (ticket, agent) = ticket_for(conn, &st, &caller, &id, Action::TicketRead)?;
            queries::find_attachment(conn, &ticket.id, &attachment)?
                .filter(|a| agent || !a.internal)
                .ok_or_else(ApiError::not_found)
        })
        .await?;
    let store = state.storage.clone();
    let key = file.object_key.clone();
    let reader = web::block(move || store.get(&key, None))
        .await?
        .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", file.sha256)))
        .insert_header((header::CONTENT_DISPOSITION, stream::disposition(&file.name)))
        .insert_header((header::CONTENT_TYPE, file.content_type.clone()))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CONTENT_SECURITY_POLICY, "sandbox"))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .no_chunking(file.size())
        .streaming(stream::body(reader)))
}

/// The people who follow a ticket besides its requester (at most 50).
#[utoipa::path(
    get, path = "/api/v1/tickets/{id}/participants", tag = "support", security(("bearer" = [])),
    params(("id" = String, Path, description = "Ticket id")),
    responses(
        (status = 200, description = "The participants, by account id", body = Vec<TicketParticipantView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not visible to me", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_participants(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<web::Json<Vec<TicketParticipantView>>> {
    let st = state.clone();
    let list = state
        .db_as(caller, move |conn, caller| {
            let (ticket, _) = ticket_for(conn, &st, &caller, &id, Action::TicketRead)?;
            Ok(queries::participants(conn, &ticket.id)?)
        })
        .await?;
    Ok(web::Json(list))
}

/// Name a participant of a ticket (its requester or its agents): an
/// active account of the requester's organisations, or an agent of the
/// ticket's desks. They read it, comment on it, reply to its e-mails and
/// receive its public updates; they are e-mailed that they follow it.
#[utoipa::path(
    post, path = "/api/v1/tickets/{id}/participants", tag = "support", request_body = AddTicketParticipant, security(("bearer" = [])),
    params(("id" = String, Path, description = "Ticket id")),
    responses(
        (status = 201, description = "Named: the ticket and its history", body = TicketThread),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the requester nor an agent of the ticket", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already follows it; the ticket is closed or has 50 participants", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No such account among those who may follow the ticket", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn add_participant(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<AddTicketParticipant>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            let (ticket, agent) = ticket_for(conn, &st, &caller, &id, Action::TicketParticipants)?;
            Ok(service::add_participant(
                conn,
                st.now(),
                &outgoing(&st),
                &caller,
                &ticket.id,
                agent,
                &req.account_id,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Remove a participant (the requester and the agents; a participant may
/// remove themselves).
#[utoipa::path(
    delete, path = "/api/v1/tickets/{id}/participants/{account_id}", tag = "support", security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Ticket id"),
        ("account_id" = String, Path, description = "The participant's account id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the requester, an agent of the ticket nor the participant", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket or participant, or not visible to me", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn remove_participant(
    state: web::Data<AppState>,
    caller: CallerToken,
    params: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, account) = params.into_inner();
    let st = state.clone();
    state
        .db_as(caller, move |conn, caller| {
            // Leaving is reading; removing someone else is managing.
            let action = if account == caller.id() {
                Action::TicketRead
            } else {
                Action::TicketParticipants
            };
            let (ticket, _) = ticket_for(conn, &st, &caller, &id, action)?;
            Ok(service::remove_participant(
                conn,
                st.now(),
                &caller,
                &ticket.id,
                &account,
            )?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

//! Support desks and tickets (SPEC §8, issue 18, seed 002): one local desk
//! per organisation and one group desk, their agents, tickets filed at a
//! desk, approved first when a request's category says so (never an
//! incident), escalated from a local desk to the group desk with their
//! history kept, and every public update e-mailed to the requester with a
//! per-ticket reply address.
//!
//! - [`routes`]: HTTP, one authorisation each;
//! - [`service`]: the rules, one transaction per change, [`SupportError`];
//! - [`queries`]: diesel, named rows;
//! - [`address`]: building and verifying reply addresses (pure).
//!
//! A desk the caller may not know of is a 404 ([`desk_for`]); so is a
//! ticket they may not read ([`ticket_for`]), whoever they are elsewhere.

pub mod address;
pub mod inbound;
pub mod queries;
pub mod routes;
pub mod service;

use habilis_shared::policy::{Action, Resource};

pub use queries::{DeskRow, TicketRow};
pub use service::SupportError;

use crate::auth::Caller;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::orgs::queries as orgs;
use crate::policy::Authz;
use crate::state::AppState;

/// How the caller stands to `desk`.
pub fn desk_resource(
    conn: &mut DbConn,
    caller: &Caller,
    desk: &DeskRow,
    my_desks: &[String],
) -> ApiResult<Resource> {
    let org_role = match &desk.org_id {
        Some(org) => orgs::role_of(conn, org, caller.id())?,
        None => None,
    };
    let agent = my_desks.contains(&desk.id);
    Ok(Resource::Desk {
        group: desk.is_group(),
        org_role,
        agent,
        agent_elsewhere: my_desks.iter().any(|d| *d != desk.id),
    })
}

/// Loads a desk the caller may know of (404, recorded, otherwise), then
/// decides `action` on it (403 when refused).
pub fn desk_for(
    conn: &mut DbConn,
    st: &AppState,
    caller: &Caller,
    id: &str,
    action: Action,
) -> ApiResult<(DeskRow, Resource)> {
    let desk = queries::find_desk(conn, id)?.ok_or_else(ApiError::not_found)?;
    let mine = queries::agent_desks(conn, caller.id())?;
    let res = desk_resource(conn, caller, &desk, &mine)?;
    Authz::new(st, caller)
        .require(Action::DeskRead, res)
        .target("desk", &desk.id)
        .hidden_as_404()
        .on(conn)?;
    if action != Action::DeskRead {
        Authz::new(st, caller)
            .require(action, res)
            .target("desk", &desk.id)
            .on(conn)?;
    }
    Ok((desk, res))
}

/// How the caller stands to `ticket`: its requester, a participant, an
/// agent of its desk or of the desk it was escalated from.
pub fn ticket_resource(
    conn: &mut DbConn,
    caller: &Caller,
    ticket: &TicketRow,
) -> ApiResult<Resource> {
    let mine = queries::agent_desks(conn, caller.id())?;
    Ok(Resource::Ticket {
        requester: ticket.requester_id == caller.id(),
        participant: queries::is_participant(conn, &ticket.id, caller.id())?,
        agent: ticket.desks().any(|d| mine.iter().any(|m| m == d)),
    })
}

/// Loads a ticket the caller may read (404, recorded, otherwise), then
/// decides `action` on it (403 when refused). Returns whether the caller
/// is one of its agents.
pub fn ticket_for(
    conn: &mut DbConn,
    st: &AppState,
    caller: &Caller,
    id: &str,
    action: Action,
) -> ApiResult<(TicketRow, bool)> {
    let ticket = queries::find_ticket(conn, id)?.ok_or_else(ApiError::not_found)?;
    let res = ticket_resource(conn, caller, &ticket)?;
    Authz::new(st, caller)
        .require(Action::TicketRead, res)
        .target("ticket", &ticket.id)
        .hidden_as_404()
        .on(conn)?;
    if action != Action::TicketRead {
        Authz::new(st, caller)
            .require(action, res)
            .target("ticket", &ticket.id)
            .on(conn)?;
    }
    let agent = matches!(res, Resource::Ticket { agent: true, .. });
    Ok((ticket, agent))
}

/// The outgoing-mail settings of support e-mails.
pub fn outgoing(st: &AppState) -> service::Outgoing {
    service::Outgoing {
        domain: st.config.mail_domain(),
    }
}

//! The knowledge base of the support desks (SPEC §8, issue 18 §4):
//! articles in Markdown, drafted by desk agents (often from a solved
//! ticket, [`service::draft_from`]), published as a public FAQ per service
//! of the catalog, found by full-text search and suggested while a ticket
//! is written.
//!
//! - [`routes`]: HTTP, one authorisation each;
//! - [`service`]: the rules, one transaction per change, [`KbError`];
//! - [`queries`]: diesel, named rows;
//! - [`search`]: SQLite FTS5 and PostgreSQL `tsvector`, one code path;
//! - [`redact`]: personal data left out of a draft written from a ticket.
//!
//! Who reads what is decided once per request by [`reader`] (published
//! articles: `kb.read`, anonymous visitors included; drafts:
//! `kb.read_drafts`), and an article is loaded through [`article_for`],
//! which answers 404 for a draft the reader may not see.

pub mod queries;
pub mod redact;
pub mod routes;
pub mod search;
pub mod service;

use habilis_shared::dto::KbArticleState;
use habilis_shared::i18n::Msg;
use habilis_shared::policy::{Action, Actor, Resource};

pub use queries::ArticleRow;
pub use service::KbError;

use crate::auth::Caller;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::policy::Authz;
use crate::state::AppState;

/// Who reads the knowledge base, and what of it they see.
pub struct Reader {
    /// `None`: an anonymous visitor.
    pub caller: Option<Caller>,
    /// How they stand to the knowledge base (desk agent or not).
    pub resource: Resource,
    /// Whether they see the drafts.
    pub drafts: bool,
}

/// How `caller` stands to the knowledge base: an agent of a support desk
/// or not.
pub fn resource(conn: &mut DbConn, caller: &Caller) -> ApiResult<Resource> {
    Ok(Resource::Kb {
        desk_agent: queries::is_desk_agent(conn, caller.id())?,
    })
}

/// The reader of this request: `kb.read` decided (an anonymous visitor the
/// policy keeps out is asked to sign in: 401), and whether they read the
/// drafts (`kb.read_drafts`, asked as a fact: nothing refused yet).
pub fn reader(conn: &mut DbConn, st: &AppState, caller: Option<Caller>) -> ApiResult<Reader> {
    let Some(caller) = caller else {
        let d = st
            .policy
            .decide(&Actor::anonymous(), &Action::KbRead, &Resource::None);
        if !d.allowed {
            return Err(ApiError::unauthorized(Msg::new("kb-sign-in")));
        }
        return Ok(Reader {
            caller: None,
            resource: Resource::None,
            drafts: false,
        });
    };
    let res = resource(conn, &caller)?;
    Authz::new(st, &caller)
        .require(Action::KbRead, res)
        .on(conn)?;
    let drafts = Authz::new(st, &caller)
        .require(Action::KbReadDrafts, res)
        .allows();
    Ok(Reader {
        caller: Some(caller),
        resource: res,
        drafts,
    })
}

/// Loads article `id` for `caller` (`None`: anonymous), standing to the
/// knowledge base as `res`: a draft they may not read is a 404 (recorded
/// in the audit log when they are signed in), as if it did not exist.
pub fn article_for(
    conn: &mut DbConn,
    st: &AppState,
    caller: Option<&Caller>,
    res: Resource,
    id: &str,
) -> ApiResult<ArticleRow> {
    let row = queries::find(conn, id)?.ok_or_else(ApiError::not_found)?;
    if row.state() == KbArticleState::Draft {
        let Some(caller) = caller else {
            return Err(ApiError::not_found());
        };
        Authz::new(st, caller)
            .require(Action::KbReadDrafts, res)
            .target("kb_article", &row.id)
            .hidden_as_404()
            .on(conn)?;
    }
    Ok(row)
}

/// Loads article `id` for a change by `caller`: a draft they may not see is
/// a 404; then `kb.write` is decided (403 when refused).
pub fn article_to_write(
    conn: &mut DbConn,
    st: &AppState,
    caller: &Caller,
    id: &str,
) -> ApiResult<ArticleRow> {
    let res = resource(conn, caller)?;
    let row = article_for(conn, st, Some(caller), res, id)?;
    Authz::new(st, caller)
        .require(Action::KbWrite, res)
        .target("kb_article", &row.id)
        .on(conn)?;
    Ok(row)
}

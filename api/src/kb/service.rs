//! The knowledge-base rules (SPEC §8, issue 18 §4): an article is a draft
//! until published; publishing stamps `published_at`, withdrawing it
//! (back to a draft) clears it; an article names a service of the catalog
//! or none; its text is kept for search beside its Markdown. Each change
//! runs in one transaction with its audit row; the caller has already been
//! authorised.

use chrono::{DateTime, Utc};
use habilis_shared::dto::{
    CreateKbArticle, KbArticleState, KbArticleView, KbSearchHit, KbSuggestion, UpdateKbArticle,
};
use habilis_shared::i18n::Msg;
use serde_json::json;

use super::queries::{self, ArticleChange, ArticleRow};
use super::search::{self, Combine, Find};
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::Caller;
use crate::catalog::queries as catalog;
use crate::clock::{db_time, utc};
use crate::db::DbConn;
use crate::error::ApiError;

/// What a knowledge-base rule refuses.
#[derive(Debug, thiserror::Error)]
pub enum KbError {
    #[error("the title is blank")]
    BlankTitle,
    #[error("no such offering in the catalog")]
    UnknownService,
    #[error("no such article")]
    NotFound,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl From<KbError> for ApiError {
    fn from(e: KbError) -> Self {
        match e {
            KbError::BlankTitle => ApiError::field("title", Msg::new("validation-blank")),
            KbError::UnknownService => ApiError::field("service", Msg::new("kb-service-unknown")),
            KbError::NotFound => ApiError::not_found(),
            KbError::Db(e) => e.into(),
        }
    }
}

pub type KbResult<T> = Result<T, KbError>;

/// Text as stored: without control characters (but line breaks and tabs)
/// nor the search's highlight markers, so that a snippet's only markup is
/// the one search adds.
fn clean(text: &str) -> String {
    search::strip_markers(text)
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect()
}

fn title_of(text: &str) -> KbResult<String> {
    let title = clean(text).trim().to_owned();
    if title.is_empty() {
        return Err(KbError::BlankTitle);
    }
    Ok(title)
}

/// The offering an article names: `None` or `""` is none; anything else
/// must be an offering of the catalog (retired ones too: their FAQ stays).
fn service_of(conn: &mut DbConn, service: Option<&str>) -> KbResult<Option<String>> {
    match service.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(id) => catalog::find(conn, id)?
            .map(|o| Some(o.id))
            .ok_or(KbError::UnknownService),
    }
}

/// An article as shown: `body_html` rendered from its Markdown and
/// sanitised; where it came from and who wrote it only for those who read
/// the drafts (desk agents).
pub fn view(row: &ArticleRow, insider: bool) -> KbArticleView {
    KbArticleView {
        id: row.id.clone(),
        title: row.title.clone(),
        body: row.body.clone(),
        body_html: crate::instances::readme::to_html(&row.body),
        service: row.service.clone(),
        state: row.state(),
        source_ticket_id: row.source_ticket_id.clone().filter(|_| insider),
        created_by: insider.then(|| row.created_by.clone()),
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
        published_at: row.published_at.map(utc),
    }
}

fn audited(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    action: AuditAction,
    row: &ArticleRow,
    detail: serde_json::Value,
) -> KbResult<()> {
    audit::append(
        conn,
        now,
        Event::new(action, Outcome::Success)
            .actor(caller.id())
            .target("kb_article", row.id.clone())
            .detail(detail)
            .ctx(&caller.ctx),
    )?;
    Ok(())
}

/// A new article (a draft unless asked published) by `caller`.
pub fn create(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    req: &CreateKbArticle,
) -> KbResult<ArticleRow> {
    let state = req.state.unwrap_or(KbArticleState::Draft);
    insert_article(
        conn,
        now,
        caller,
        &req.title,
        &req.body,
        req.service.as_deref(),
        state,
        None,
    )
}

/// The draft of an article written from a solved ticket (issue 18 §4,
/// `POST /tickets/{id}/article`): the question and its resolution, under
/// `title`, linked to the ticket. Leaving personal data out of `question`
/// and `resolution` is the caller's job; the caller has been authorised to
/// write articles (`kb.write`).
pub fn draft_from(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    title: &str,
    question: &str,
    resolution: &str,
    source_ticket_id: &str,
) -> KbResult<ArticleRow> {
    let body = format!(
        "## Question\n\n{}\n\n## Resolution\n\n{}\n",
        question.trim(),
        resolution.trim()
    );
    insert_article(
        conn,
        now,
        caller,
        title,
        &body,
        None,
        KbArticleState::Draft,
        Some(source_ticket_id),
    )
}

#[allow(clippy::too_many_arguments)]
fn insert_article(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    title: &str,
    body: &str,
    service: Option<&str>,
    state: KbArticleState,
    source_ticket_id: Option<&str>,
) -> KbResult<ArticleRow> {
    let title = title_of(title)?;
    let body = clean(body);
    conn.write_tx(|conn| {
        let service = service_of(conn, service)?;
        let at = db_time(now);
        let row = ArticleRow {
            id: uuid::Uuid::now_v7().to_string(),
            title,
            body_text: search::plain_text(&body),
            body,
            service,
            state: state.as_str().to_owned(),
            source_ticket_id: source_ticket_id.map(str::to_owned),
            created_by: caller.id().to_owned(),
            created_at: at,
            updated_at: at,
            published_at: (state == KbArticleState::Published).then_some(at),
        };
        queries::insert(conn, &row)?;
        audited(
            conn,
            now,
            caller,
            AuditAction::KbCreate,
            &row,
            json!({
                "state": row.state,
                "service": row.service,
                "source_ticket_id": row.source_ticket_id,
            }),
        )?;
        Ok(row)
    })
}

/// Changes what `req` names of article `id`; publishing stamps
/// `published_at` (kept while it stays published), withdrawing clears it.
pub fn update(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    id: &str,
    req: &UpdateKbArticle,
) -> KbResult<ArticleRow> {
    let title = req.title.as_deref().map(title_of).transpose()?;
    let body = req.body.as_deref().map(clean);
    conn.write_tx(|conn| {
        let old = queries::find(conn, id)?.ok_or(KbError::NotFound)?;
        let service = match &req.service {
            Some(s) => service_of(conn, Some(s))?,
            None => old.service.clone(),
        };
        let title = title.unwrap_or_else(|| old.title.clone());
        let (body, body_text) = match body {
            Some(b) => {
                let text = search::plain_text(&b);
                (b, text)
            }
            None => (old.body.clone(), old.body_text.clone()),
        };
        let state = req.state.unwrap_or(old.state());
        let at = db_time(now);
        let published_at = match (old.state(), state) {
            (_, KbArticleState::Draft) => None,
            (KbArticleState::Published, KbArticleState::Published) => old.published_at.or(Some(at)),
            (KbArticleState::Draft, KbArticleState::Published) => Some(at),
        };
        let change = ArticleChange {
            title: &title,
            body: &body,
            body_text: &body_text,
            service: service.as_deref(),
            state: state.as_str(),
            updated_at: at,
            published_at,
        };
        queries::update(conn, &old.id, &change)?;
        let row = queries::find(conn, &old.id)?.ok_or(KbError::NotFound)?;
        audited(
            conn,
            now,
            caller,
            AuditAction::KbUpdate,
            &row,
            json!({
                "from_state": old.state,
                "state": row.state,
                "service": row.service,
                "title_changed": old.title != row.title,
                "body_changed": old.body != row.body,
            }),
        )?;
        Ok(row)
    })
}

/// Deletes article `id` (and its search entry, with it).
pub fn delete(conn: &mut DbConn, now: DateTime<Utc>, caller: &Caller, id: &str) -> KbResult<()> {
    conn.write_tx(|conn| {
        let old = queries::find(conn, id)?.ok_or(KbError::NotFound)?;
        queries::delete(conn, &old.id)?;
        audited(
            conn,
            now,
            caller,
            AuditAction::KbDelete,
            &old,
            json!({ "state": old.state, "title": old.title }),
        )
    })
}

/// A page of search hits for `text`, best first, with their highlighted
/// title and passage; `drafts` for desk agents.
pub fn search(
    conn: &mut DbConn,
    text: &str,
    drafts: bool,
    service: Option<&str>,
    offset: i64,
    limit: i64,
) -> KbResult<Vec<KbSearchHit>> {
    let terms = search::terms(text);
    let rows = search::find(
        conn,
        &Find {
            terms: &terms,
            combine: Combine::All,
            drafts,
            service,
            offset,
            limit,
        },
    )?;
    Ok(rows
        .into_iter()
        .map(|r| KbSearchHit {
            title_html: search::highlight_html(&r.title_marked),
            snippet_html: search::highlight_html(&r.snippet_marked),
            state: KbArticleState::parse(&r.state).unwrap_or(KbArticleState::Draft),
            id: r.id,
            title: r.title,
            service: r.service,
        })
        .collect())
}

/// Published articles that may answer a ticket being written (`text`):
/// any of its words, best first.
pub fn suggest(
    conn: &mut DbConn,
    text: &str,
    service: Option<&str>,
    limit: i64,
) -> KbResult<Vec<KbSuggestion>> {
    let terms = search::terms(text);
    let rows = search::find(
        conn,
        &Find {
            terms: &terms,
            combine: Combine::Any,
            drafts: false,
            service,
            offset: 0,
            limit,
        },
    )?;
    Ok(rows
        .into_iter()
        .map(|r| KbSuggestion {
            id: r.id,
            title: r.title,
            service: r.service,
        })
        .collect())
}

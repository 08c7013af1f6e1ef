//! `/api/v1/kb/*`: HTTP only. Reading published articles, searching and
//! suggesting need no account ([`MaybeCallerToken`]); drafts and writing
//! are for desk agents (and the profiles the policy names). Each handler
//! authorises through [`reader`] or [`article_to_write`] (or `kb.write`
//! for a new article) and hands over to [`service`].

use actix_web::{web, HttpResponse};
use habilis_shared::dto::{
    CreateKbArticle, KbArticlePage, KbArticleQuery, KbArticleState, KbArticleView, KbSearchPage,
    KbSearchQuery, KbSuggestQuery, KbSuggestions, Problem, UpdateKbArticle, KB_QUERY_MAX,
};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::Action;
use validator::Validate;

use super::{article_for, article_to_write, queries, reader, redact, resource, service};
use crate::accounts::queries as accounts;
use crate::auth::{CallerToken, MaybeCallerToken};
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::paging::{decode_cursor, encode_cursor, split_page, Keyset};
use crate::policy::Authz;
use crate::state::AppState;
use crate::support::queries as support_queries;
use crate::support::{ticket_for, SupportError};

/// Search pages: 1–50 hits, 10 by default; no further than this many hits
/// in (a ranked list is read from its top).
const SEARCH_LIMIT: (u32, u32) = (10, 50);
const SEARCH_MAX_OFFSET: i64 = 1000;
/// Suggestions: 1–10, 5 by default.
const SUGGEST_LIMIT: (u32, u32) = (5, 10);

/// `?limit=` within 1..=max, `default` when absent (422 otherwise).
fn limit_within(asked: Option<u32>, (default, max): (u32, u32)) -> ApiResult<i64> {
    let n = asked.unwrap_or(default);
    if n == 0 || n > max {
        return Err(ApiError::field(
            "limit",
            Msg::new("validation-range-between")
                .arg("min", 1)
                .arg("max", max),
        ));
    }
    Ok(i64::from(n))
}

/// The search text, at most [`KB_QUERY_MAX`] characters (422 otherwise);
/// none is empty.
fn query_text(q: Option<String>) -> ApiResult<String> {
    let q = q.unwrap_or_default();
    if q.chars().count() > KB_QUERY_MAX {
        return Err(ApiError::field(
            "q",
            Msg::new("validation-length-max").arg("max", KB_QUERY_MAX),
        ));
    }
    Ok(q)
}

/// The articles, by title: published ones for everyone (a service's FAQ
/// with `?service=`), drafts too for desk agents.
#[utoipa::path(
    get, path = "/api/v1/kb/articles", tag = "kb", params(KbArticleQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of articles", body = KbArticlePage),
        (status = 401, description = "A token was sent and is not valid, or the knowledge base is for account holders", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_kb_articles(
    state: web::Data<AppState>,
    caller: MaybeCallerToken,
    query: web::Query<KbArticleQuery>,
) -> ApiResult<web::Json<KbArticlePage>> {
    let st = state.clone();
    let page = state
        .db_maybe_as(caller, move |conn, caller| {
            let q = query.into_inner();
            let keys = Keyset::parse(q.limit, q.cursor.as_deref(), 2)?;
            let reader = reader(conn, &st, caller)?;
            let states: &[&str] = match (reader.drafts, q.state) {
                (true, None) => &["draft", "published"],
                (true, Some(KbArticleState::Draft)) => &["draft"],
                (_, Some(KbArticleState::Published)) | (false, None) => &["published"],
                // Drafts asked for by someone who may not see them: none.
                (false, Some(KbArticleState::Draft)) => &[],
            };
            let after = keys.key(0).zip(keys.key(1));
            let rows = if states.is_empty() {
                Vec::new()
            } else {
                queries::page(conn, states, q.service.as_deref(), after, keys.fetch())?
            };
            let (rows, next_cursor) = keys.page(rows, |r| vec![r.title.clone(), r.id.clone()]);
            Ok(KbArticlePage {
                items: rows.iter().map(queries::ArticleRow::summary).collect(),
                next_cursor,
            })
        })
        .await?;
    Ok(web::Json(page))
}

/// Write an article (desk agents): a draft unless `state` is `published`.
#[utoipa::path(
    post, path = "/api/v1/kb/articles", tag = "kb", request_body = CreateKbArticle, security(("bearer" = [])),
    responses(
        (status = 201, description = "The article", body = KbArticleView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses (not a desk agent)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or no such service in the catalog", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_kb_article(
    state: web::Data<AppState>,
    caller: CallerToken,
    body: Json<CreateKbArticle>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            let res = resource(conn, &caller)?;
            Authz::new(&st, &caller)
                .require(Action::KbWrite, res)
                .on(conn)?;
            let row = service::create(conn, st.now(), &caller, &req)?;
            Ok(service::view(&row, true))
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/kb/articles/{}", view.id)))
        .json(view))
}

/// One article, with its Markdown rendered as safe HTML (`body_html`): a
/// published one for everyone, a draft for desk agents.
#[utoipa::path(
    get, path = "/api/v1/kb/articles/{id}", tag = "kb", security((), ("bearer" = [])),
    params(("id" = String, Path, description = "Article id")),
    responses(
        (status = 200, description = "The article", body = KbArticleView),
        (status = 401, description = "A token was sent and is not valid, or the knowledge base is for account holders", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article, or a draft I may not read", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_kb_article(
    state: web::Data<AppState>,
    caller: MaybeCallerToken,
    id: web::Path<String>,
) -> ApiResult<web::Json<KbArticleView>> {
    let st = state.clone();
    let view = state
        .db_maybe_as(caller, move |conn, caller| {
            let reader = reader(conn, &st, caller)?;
            let row = article_for(conn, &st, reader.caller.as_ref(), reader.resource, &id)?;
            Ok(service::view(&row, reader.drafts))
        })
        .await?;
    Ok(web::Json(view))
}

/// Change an article (desk agents): its title, text, service, or state
/// (`published` publishes it, `draft` withdraws it).
#[utoipa::path(
    patch, path = "/api/v1/kb/articles/{id}", tag = "kb", request_body = UpdateKbArticle, security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id")),
    responses(
        (status = 200, description = "The article", body = KbArticleView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses (not a desk agent)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article, or a draft I may not read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or no such service in the catalog", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_kb_article(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<UpdateKbArticle>,
) -> ApiResult<web::Json<KbArticleView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            let row = article_to_write(conn, &st, &caller, &id)?;
            let row = service::update(conn, st.now(), &caller, &row.id, &req)?;
            Ok(service::view(&row, true))
        })
        .await?;
    Ok(web::Json(view))
}

/// Delete an article (desk agents).
#[utoipa::path(
    delete, path = "/api/v1/kb/articles/{id}", tag = "kb", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses (not a desk agent)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article, or a draft I may not read", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_kb_article(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    state
        .db_as(caller, move |conn, caller| {
            let row = article_to_write(conn, &st, &caller, &id)?;
            Ok(service::delete(conn, st.now(), &caller, &row.id)?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Full-text search, best first (a word in the title counts more than in
/// the text): every word of `q` must appear, the last may be the start of
/// a word. Each hit has its title and a passage of its text as HTML with
/// the words found in `<mark>`. Any text is accepted: it is never read as
/// a query language; text without words finds nothing. Published articles,
/// and drafts for desk agents.
#[utoipa::path(
    get, path = "/api/v1/kb/search", tag = "kb", params(KbSearchQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of hits, best first", body = KbSearchPage),
        (status = 401, description = "A token was sent and is not valid, or the knowledge base is for account holders", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Text too long, invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn search_kb(
    state: web::Data<AppState>,
    caller: MaybeCallerToken,
    query: web::Query<KbSearchQuery>,
) -> ApiResult<web::Json<KbSearchPage>> {
    let st = state.clone();
    let page = state
        .db_maybe_as(caller, move |conn, caller| {
            let q = query.into_inner();
            let text = query_text(q.q)?;
            let limit = limit_within(q.limit, SEARCH_LIMIT)?;
            let offset = match decode_cursor(q.cursor.as_deref())? {
                None => 0,
                Some(c) => c
                    .parse::<i64>()
                    .ok()
                    .filter(|o| (1..=SEARCH_MAX_OFFSET).contains(o))
                    .ok_or_else(|| ApiError::field("cursor", Msg::new("validation-cursor")))?,
            };
            let reader = reader(conn, &st, caller)?;
            let hits = service::search(
                conn,
                &text,
                reader.drafts,
                q.service.as_deref(),
                offset,
                limit + 1,
            )?;
            let (items, next) = split_page(hits, limit, |_| String::new());
            let next_offset = offset + limit;
            let next_cursor = next
                .filter(|_| next_offset <= SEARCH_MAX_OFFSET)
                .map(|_| encode_cursor(&next_offset.to_string()));
            Ok(KbSearchPage { items, next_cursor })
        })
        .await?;
    Ok(web::Json(page))
}

/// Published articles that may answer the ticket being written (`q`: its
/// subject and text so far), best first: any of its words.
#[utoipa::path(
    get, path = "/api/v1/kb/suggest", tag = "kb", params(KbSuggestQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A few articles, best first", body = KbSuggestions),
        (status = 401, description = "A token was sent and is not valid, or the knowledge base is for account holders", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Text too long, or invalid limit", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn suggest_kb(
    state: web::Data<AppState>,
    caller: MaybeCallerToken,
    query: web::Query<KbSuggestQuery>,
) -> ApiResult<web::Json<KbSuggestions>> {
    let st = state.clone();
    let items = state
        .db_maybe_as(caller, move |conn, caller| {
            let q = query.into_inner();
            let text = query_text(q.q)?;
            let limit = limit_within(q.limit, SUGGEST_LIMIT)?;
            reader(conn, &st, caller)?;
            Ok(service::suggest(conn, &text, q.service.as_deref(), limit)?)
        })
        .await?;
    Ok(web::Json(KbSuggestions { items }))
}

/// Draft an article from a solved ticket (desk agents who see the ticket):
/// its subject as the title, its first message as the question and its
/// resolution, with personal data left out ([`redact`]: e-mail addresses,
/// and the names of the requester and of everyone who wrote in the ticket).
/// The draft links back to the ticket; the agent reviews and publishes it.
#[utoipa::path(
    post, path = "/api/v1/tickets/{id}/article", tag = "kb", security(("bearer" = [])),
    params(("id" = String, Path, description = "Ticket id")),
    responses(
        (status = 201, description = "The draft article", body = KbArticleView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses (not a desk agent)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The ticket has no resolution yet", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn article_from_ticket(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let (ticket, _) = ticket_for(conn, &st, &caller, &id, Action::TicketRead)?;
            let res = resource(conn, &caller)?;
            Authz::new(&st, &caller)
                .require(Action::KbWrite, res)
                .target("ticket", &ticket.id)
                .on(conn)?;
            let Some(resolution) = ticket.resolution.as_deref() else {
                return Err(SupportError::WrongState(ticket.state()).into());
            };
            let mut people = vec![ticket.requester_id.clone()];
            people.extend(
                support_queries::history(conn, &ticket.id, true)?
                    .into_iter()
                    .map(|e| e.author_id),
            );
            people.sort();
            people.dedup();
            let mut names = Vec::new();
            for person in &people {
                if let Some(u) = accounts::find(conn, person)? {
                    names.push(u.first_name);
                    names.push(u.last_name);
                }
            }
            let words = redact::name_words(names.iter().map(String::as_str));
            // A longer placeholder may push the subject past a title's 200
            // characters.
            let title: String = redact::redact(&ticket.subject, &words)
                .chars()
                .take(200)
                .collect();
            let row = service::draft_from(
                conn,
                st.now(),
                &caller,
                &title,
                &redact::redact(&ticket.body, &words),
                &redact::redact(resolution, &words),
                &ticket.id,
            )?;
            Ok(service::view(&row, true))
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/kb/articles/{}", view.id)))
        .json(view))
}

//! Diesel over `kb_articles`: named rows and statements. No rule here;
//! full-text search is in [`super::search`].

use chrono::NaiveDateTime;
use diesel::prelude::*;
use habilis_shared::dto::{KbArticleState, KbArticleSummary};

use crate::clock::utc;
use crate::db::schema::{desk_agents, kb_articles};
use crate::db::DbConn;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = kb_articles)]
pub struct ArticleRow {
    pub id: String,
    pub title: String,
    pub body: String,
    pub body_text: String,
    pub service: Option<String>,
    pub state: String,
    pub source_ticket_id: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
}

impl ArticleRow {
    /// The state as stored; an unknown one reads as a draft (the more
    /// hidden of the two).
    pub fn state(&self) -> KbArticleState {
        KbArticleState::parse(&self.state).unwrap_or(KbArticleState::Draft)
    }

    pub fn summary(&self) -> KbArticleSummary {
        KbArticleSummary {
            id: self.id.clone(),
            title: self.title.clone(),
            service: self.service.clone(),
            state: self.state(),
            updated_at: utc(self.updated_at),
            published_at: self.published_at.map(utc),
        }
    }
}

/// What a change writes (the id, author and creation stay).
#[derive(AsChangeset, Debug, Clone)]
#[diesel(table_name = kb_articles, treat_none_as_null = true)]
pub struct ArticleChange<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub body_text: &'a str,
    pub service: Option<&'a str>,
    pub state: &'a str,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<ArticleRow>> {
    kb_articles::table
        .find(id)
        .select(ArticleRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConn, row: &ArticleRow) -> QueryResult<usize> {
    diesel::insert_into(kb_articles::table)
        .values(row)
        .execute(conn)
}

pub fn update(conn: &mut DbConn, id: &str, change: &ArticleChange<'_>) -> QueryResult<usize> {
    diesel::update(kb_articles::table.find(id))
        .set(change)
        .execute(conn)
}

pub fn delete(conn: &mut DbConn, id: &str) -> QueryResult<usize> {
    diesel::delete(kb_articles::table.find(id)).execute(conn)
}

/// A page of articles by title then id, after the (title, id) given:
/// those in `states`, of `service` when one is named.
pub fn page(
    conn: &mut DbConn,
    states: &[&str],
    service: Option<&str>,
    after: Option<(&str, &str)>,
    limit: i64,
) -> QueryResult<Vec<ArticleRow>> {
    let mut q = kb_articles::table
        .filter(kb_articles::state.eq_any(states.to_vec()))
        .order((kb_articles::title.asc(), kb_articles::id.asc()))
        .limit(limit)
        .select(ArticleRow::as_select())
        .into_boxed();
    if let Some(service) = service {
        q = q.filter(kb_articles::service.eq(service.to_owned()));
    }
    if let Some((title, id)) = after {
        q = q.filter(
            kb_articles::title
                .gt(title.to_owned())
                .or(kb_articles::title
                    .eq(title.to_owned())
                    .and(kb_articles::id.gt(id.to_owned()))),
        );
    }
    q.load(conn)
}

/// Whether `account` is an agent of a support desk (any desk: articles
/// belong to no desk).
pub fn is_desk_agent(conn: &mut DbConn, account: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        desk_agents::table.filter(desk_agents::account_id.eq(account)),
    ))
    .get_result(conn)
}

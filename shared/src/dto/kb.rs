//! The knowledge base (SPEC §8, issue 18 §4): articles, their pages,
//! search results and suggestions.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

/// Where an article stands: a draft (desk agents only) or published (a
/// public FAQ).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum KbArticleState {
    Draft,
    Published,
}

impl KbArticleState {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "draft" => Self::Draft,
            "published" => Self::Published,
            _ => return None,
        })
    }
}

/// The longest search text taken by `GET /kb/search` and `GET /kb/suggest`,
/// in characters.
pub const KB_QUERY_MAX: usize = 2000;

/// `POST /kb/articles` (desk agents): a draft unless `state` says
/// `published`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateKbArticle {
    #[validate(length(min = 1, max = 200))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub title: String,
    /// Markdown; raw HTML in it is sanitised when shown. (The request
    /// body limit, 64 KiB by default, applies too.)
    #[serde(default)]
    #[validate(length(max = 50000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 50000))]
    pub body: String,
    /// The offering of the catalog the article is about (its FAQ), if any.
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub service: Option<String>,
    /// `draft` (default) or `published`.
    pub state: Option<KbArticleState>,
}

/// `PATCH /kb/articles/{id}` (desk agents): only what is sent changes;
/// `service: ""` takes the article out of any service's FAQ.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateKbArticle {
    #[validate(length(min = 1, max = 200))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub title: Option<String>,
    #[validate(length(max = 50000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 50000))]
    pub body: Option<String>,
    #[validate(length(max = 64))]
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub service: Option<String>,
    /// Publish (`published`) or withdraw (`draft`).
    pub state: Option<KbArticleState>,
}

/// One article.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KbArticleView {
    pub id: String,
    pub title: String,
    /// The Markdown as written.
    pub body: String,
    /// The Markdown rendered as HTML, sanitised (no script, no event
    /// handler, no `javascript:` link): safe to insert into a page.
    pub body_html: String,
    pub service: Option<String>,
    pub state: KbArticleState,
    /// The ticket the article was drafted from (shown to desk agents only).
    pub source_ticket_id: Option<String>,
    /// Its author's account (shown to desk agents only).
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

/// An article in a list: no body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KbArticleSummary {
    pub id: String,
    pub title: String,
    pub service: Option<String>,
    pub state: KbArticleState,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KbArticlePage {
    pub items: Vec<KbArticleSummary>,
    /// The cursor of the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// `GET /kb/articles`: by title; published articles only, unless I read
/// the drafts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct KbArticleQuery {
    /// Only the articles of this offering of the catalog (its FAQ).
    pub service: Option<String>,
    /// Only articles in this state (drafts: desk agents; anyone else gets
    /// none).
    pub state: Option<KbArticleState>,
    /// Page size, 1–200, default 50.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
    /// Opaque cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// `GET /kb/search`: words to find (any text: it is never read as a query
/// language); every word must appear, the last one may be the start of a
/// word.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct KbSearchQuery {
    /// The words to find; none (or only punctuation) finds nothing.
    #[cfg_attr(feature = "openapi", param(max_length = 2000))]
    pub q: Option<String>,
    /// Only the articles of this offering of the catalog.
    pub service: Option<String>,
    /// Page size, 1–50, default 10.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 50))]
    pub limit: Option<u32>,
    /// Opaque cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// An article found, best first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KbSearchHit {
    pub id: String,
    pub title: String,
    /// The title, HTML-escaped, with the words found in `<mark>`…`</mark>`
    /// (the only markup it contains).
    pub title_html: String,
    /// A passage of the text, HTML-escaped, with the words found in
    /// `<mark>`…`</mark>` (the only markup it contains).
    pub snippet_html: String,
    pub service: Option<String>,
    pub state: KbArticleState,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KbSearchPage {
    pub items: Vec<KbSearchHit>,
    /// The cursor of the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// `GET /kb/suggest`: the text of a ticket being written; published
/// articles sharing any of its words, best first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct KbSuggestQuery {
    /// What the person has written so far.
    #[cfg_attr(feature = "openapi", param(max_length = 2000))]
    pub q: Option<String>,
    /// Only the articles of this offering of the catalog.
    pub service: Option<String>,
    /// How many, 1–10, default 5.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 10))]
    pub limit: Option<u32>,
}

/// A published article that may answer a ticket being written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KbSuggestion {
    pub id: String,
    pub title: String,
    pub service: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KbSuggestions {
    pub items: Vec<KbSuggestion>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip() {
        for s in [KbArticleState::Draft, KbArticleState::Published] {
            assert_eq!(KbArticleState::parse(s.as_str()), Some(s));
        }
        assert_eq!(KbArticleState::parse("archived"), None);
    }

    #[test]
    fn requests_deny_unknown_fields() {
        let r: Result<CreateKbArticle, _> =
            serde_json::from_str(r#"{"title":"x","created_by":"someone"}"#);
        assert!(r.is_err());
        let r: Result<UpdateKbArticle, _> = serde_json::from_str(r#"{"published_at":null}"#);
        assert!(r.is_err());
    }
}

//! Full-text search of the knowledge base: SQLite FTS5 (`kb_fts`, kept in
//! step by triggers) and PostgreSQL `tsvector` (the generated
//! `kb_articles.search`, under a GIN index). One code path: the same
//! words, the same ranking rule (a hit in the title weighs more than one in
//! the text), the same highlighting; the one dialect branch is
//! [`find`], which writes each backend's statement.
//!
//! What a person types is never handed to either query language: it is cut
//! into words (runs of letters and digits), and each word is quoted as a
//! plain term, so `"`, `*`, `OR`, `NEAR(`, `'`, `:`, `&`, `!` are only
//! characters between words. Text with no word in it finds nothing without
//! asking the database.
//!
//! Highlighting: both engines mark the words found with two private-use
//! characters ([`OPEN`], [`CLOSE`]) that stored text never holds (the
//! service strips them on the way in, [`strip_markers`]); [`highlight_html`]
//! then escapes everything and turns the markers, and only them, into
//! `<mark>`…`</mark>`.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};

use crate::db::DbConn;

/// Opens a highlighted word in what the engines return.
pub const OPEN: char = '\u{E000}';
/// Closes a highlighted word.
pub const CLOSE: char = '\u{E001}';

/// At most this many words of a query are used (a pasted page finds what
/// its first words find).
const MAX_TERMS: usize = 24;
/// A word longer than this is cut (no article has such a word).
const MAX_TERM_CHARS: usize = 64;
/// The last word is also taken as the start of a word ("the word being
/// typed") from this many characters on: a one-letter prefix matches
/// nearly every article and costs the engines a scan of their index.
const MIN_PREFIX_CHARS: usize = 2;

/// Whether term `i` of `terms` is searched as a prefix.
fn is_prefix(terms: &[String], i: usize) -> bool {
    i + 1 == terms.len() && terms[i].chars().count() >= MIN_PREFIX_CHARS
}

/// How the words of a query combine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Combine {
    /// Every word must appear (search).
    All,
    /// Any word may (suggestions from a ticket being written).
    Any,
}

/// The words of `text`: runs of letters and digits, in order, without
/// repeats (case aside), at most [`MAX_TERMS`] of at most
/// [`MAX_TERM_CHARS`] characters each.
pub fn terms(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        let word: String = word.chars().take(MAX_TERM_CHARS).collect::<String>();
        let word = word.to_lowercase();
        if !out.contains(&word) {
            out.push(word);
        }
        if out.len() == MAX_TERMS {
            break;
        }
    }
    out
}

/// An FTS5 query of `terms`: each a quoted string (a phrase of one word;
/// FTS5's operators and column filters are plain text inside quotes), the
/// last also a prefix ([`is_prefix`]), joined by `AND` or `OR`.
fn fts5_query(terms: &[String], combine: Combine) -> String {
    let quoted: Vec<String> = terms
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let t = t.replace('"', "\"\"");
            if is_prefix(terms, i) {
                format!("\"{t}\"*")
            } else {
                format!("\"{t}\"")
            }
        })
        .collect();
    let join = match combine {
        Combine::All => " AND ",
        Combine::Any => " OR ",
    };
    quoted.join(join)
}

/// A `to_tsquery` text of `terms`: each a quoted lexeme (a quote or a
/// backslash inside would be escaped; words have none), the last also a
/// prefix (`:*`, [`is_prefix`]), joined by `&` or `|`.
fn tsquery(terms: &[String], combine: Combine) -> String {
    let quoted: Vec<String> = terms
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let t = t.replace('\\', "\\\\").replace('\'', "''");
            if is_prefix(terms, i) {
                format!("'{t}':*")
            } else {
                format!("'{t}'")
            }
        })
        .collect();
    let join = match combine {
        Combine::All => " & ",
        Combine::Any => " | ",
    };
    quoted.join(join)
}

/// An article found: its highlighted title and passage as the engine
/// returns them (markers, not HTML yet).
#[derive(QueryableByName, Debug, Clone)]
pub struct HitRow {
    #[diesel(sql_type = Text)]
    pub id: String,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub service: Option<String>,
    #[diesel(sql_type = Text)]
    pub state: String,
    #[diesel(sql_type = Text)]
    pub title_marked: String,
    #[diesel(sql_type = Text)]
    pub snippet_marked: String,
}

/// What to look for, and where.
#[derive(Clone, Copy, Debug)]
pub struct Find<'a> {
    pub terms: &'a [String],
    pub combine: Combine,
    /// Drafts too (desk agents), or published articles only.
    pub drafts: bool,
    pub service: Option<&'a str>,
    pub offset: i64,
    pub limit: i64,
}

// Title weighs ten times the text (FTS5 bm25 weights: the unindexed
// article id, the title, the text; lower is better).
const SQLITE_FIND: &str = "\
SELECT a.id AS id, a.title AS title, a.service AS service, a.state AS state, \
       highlight(kb_fts, 1, '\u{E000}', '\u{E001}') AS title_marked, \
       snippet(kb_fts, 2, '\u{E000}', '\u{E001}', '…', 24) AS snippet_marked \
FROM kb_fts JOIN kb_articles a ON a.id = kb_fts.article_id \
WHERE kb_fts MATCH ?1 \
  AND (a.state = 'published' OR ?2) \
  AND (?3 IS NULL OR a.service = ?3) \
ORDER BY bm25(kb_fts, 0.0, 10.0, 1.0), a.id \
LIMIT ?4 OFFSET ?5";

// Title (weight A) 1.0, text (B) 0.1: ts_rank's default weights would let
// a word repeated in the text outrank it in the title. The headlines are
// written for the page's rows only.
const PG_FIND: &str = "\
WITH query AS (SELECT to_tsquery('simple'::regconfig, $1) AS q), \
hits AS ( \
  SELECT a.id, a.title, a.body_text, a.service, a.state, \
         ts_rank('{0.01, 0.02, 0.1, 1.0}', a.search, query.q) AS rank \
  FROM kb_articles a, query \
  WHERE a.search @@ query.q \
    AND (a.state = 'published' OR $2) \
    AND ($3::text IS NULL OR a.service = $3::text) \
  ORDER BY rank DESC, a.id \
  LIMIT $4 OFFSET $5) \
SELECT h.id AS id, h.title AS title, h.service AS service, h.state AS state, \
       ts_headline('simple'::regconfig, h.title, query.q, \
         'HighlightAll=true, StartSel=\"\u{E000}\", StopSel=\"\u{E001}\"') AS title_marked, \
       ts_headline('simple'::regconfig, h.body_text, query.q, \
         'MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \", \
          StartSel=\"\u{E000}\", StopSel=\"\u{E001}\"') AS snippet_marked \
FROM hits h, query \
ORDER BY h.rank DESC, h.id";

/// The articles matching `find`, best first. No words: nothing, without
/// asking the database.
pub fn find(conn: &mut DbConn, find: &Find<'_>) -> QueryResult<Vec<HitRow>> {
    if find.terms.is_empty() {
        return Ok(Vec::new());
    }
    let service = find.service.map(str::to_owned);
    match conn {
        DbConn::Sqlite(c) => diesel::sql_query(SQLITE_FIND)
            .bind::<Text, _>(fts5_query(find.terms, find.combine))
            .bind::<Bool, _>(find.drafts)
            .bind::<Nullable<Text>, _>(service)
            .bind::<BigInt, _>(find.limit)
            .bind::<BigInt, _>(find.offset)
            .load(c),
        DbConn::Pg(c) => diesel::sql_query(PG_FIND)
            .bind::<Text, _>(tsquery(find.terms, find.combine))
            .bind::<Bool, _>(find.drafts)
            .bind::<Nullable<Text>, _>(service)
            .bind::<BigInt, _>(find.limit)
            .bind::<BigInt, _>(find.offset)
            .load(c),
    }
}

/// `text` without the highlight markers (what is stored never has them).
pub fn strip_markers(text: &str) -> String {
    text.chars().filter(|c| *c != OPEN && *c != CLOSE).collect()
}

/// The engine's marked text as HTML: everything escaped, the marked words
/// in `<mark>`…`</mark>` (balanced whatever the markers), nothing else.
pub fn highlight_html(marked: &str) -> String {
    let mut out = String::with_capacity(marked.len() + 16);
    let mut open = false;
    for c in marked.chars() {
        match c {
            OPEN if !open => {
                out.push_str("<mark>");
                open = true;
            }
            CLOSE if open => {
                out.push_str("</mark>");
                open = false;
            }
            OPEN | CLOSE => {}
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    if open {
        out.push_str("</mark>");
    }
    out
}

/// The text of an article's Markdown, for search: what a reader reads
/// (link texts, code, table cells), one line per block; no markup, no
/// link targets, no raw HTML.
pub fn plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser, TagEnd};
    let mut out = String::with_capacity(markdown.len());
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    for event in parser {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::TableRow
                | TagEnd::TableHead,
            ) => out.push('\n'),
            Event::End(TagEnd::TableCell) => out.push(' '),
            _ => {}
        }
    }
    out.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_only_reach_the_engines() {
        assert_eq!(
            terms("VPN \"refused\" * OR NEAR( it's a:b"),
            ["vpn", "refused", "or", "near", "it", "s", "a", "b"]
        );
        assert!(terms("\"*'():^-+&|!<>").is_empty());
        assert!(terms("").is_empty());
        assert_eq!(terms(&"x".repeat(1000)), ["x".repeat(MAX_TERM_CHARS)]);
        assert_eq!(terms(&"a b ".repeat(500)), ["a", "b"]);
        assert_eq!(
            terms("Mot de passe oublié ログイン"),
            ["mot", "de", "passe", "oublié", "ログイン"]
        );
        let many: String = (0..100).map(|i| format!("w{i} ")).collect();
        assert_eq!(terms(&many).len(), MAX_TERMS);
    }

    #[test]
    fn queries_quote_every_word() {
        let t = terms("vpn OR near");
        assert_eq!(
            fts5_query(&t, Combine::All),
            "\"vpn\" AND \"or\" AND \"near\"*"
        );
        assert_eq!(
            fts5_query(&t, Combine::Any),
            "\"vpn\" OR \"or\" OR \"near\"*"
        );
        assert_eq!(tsquery(&t, Combine::All), "'vpn' & 'or' & 'near':*");
        assert_eq!(tsquery(&t, Combine::Any), "'vpn' | 'or' | 'near':*");
        // A one-letter last word is a word, not the start of every word.
        let t = terms("vpn a");
        assert_eq!(fts5_query(&t, Combine::All), "\"vpn\" AND \"a\"");
        assert_eq!(tsquery(&t, Combine::All), "'vpn' & 'a'");
        assert_eq!(tsquery(&terms("ü"), Combine::All), "'ü'");
    }

    #[test]
    fn highlights_are_the_only_markup() {
        let marked = format!("<b>{OPEN}VPN{CLOSE} & \"x\"</b> {OPEN}cut");
        assert_eq!(
            highlight_html(&marked),
            "&lt;b&gt;<mark>VPN</mark> &amp; &quot;x&quot;&lt;/b&gt; <mark>cut</mark>"
        );
        assert_eq!(
            highlight_html(&format!("{CLOSE}a{OPEN}{OPEN}b")),
            "a<mark>b</mark>"
        );
        assert_eq!(strip_markers(&format!("a{OPEN}b{CLOSE}c")), "abc");
    }

    #[test]
    fn plain_text_is_what_a_reader_reads() {
        let text = plain_text(
            "# Reset\n\nOpen [the portal](https://x.example/secret) and run `passwd`.\n\n\
             <script>alert(1)</script>\n\n| a | b |\n|---|---|\n| c | d |\n",
        );
        assert!(
            text.starts_with("Reset\nOpen the portal and run passwd."),
            "{text}"
        );
        assert!(!text.contains("https://"), "{text}");
        assert!(!text.contains("script"), "{text}");
        assert!(text.contains("c d"), "{text}");
    }
}

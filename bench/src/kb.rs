//! The knowledge-base row of `make bench` (issue 18): `GET
//! /api/v1/kb/search?q=…` over [`ARTICLES`] published articles, asked
//! without an account as the public FAQ is, its p99 against the goal of
//! 20 ms. The articles are written straight into the database through
//! the knowledge base's own insert (on SQLite its triggers keep the FTS5
//! index in step; on PostgreSQL the `tsvector` column is generated), in
//! transactions of 1,000; one word in ten is a support topic, the others
//! ordinary words, so that a query matches a few hundred of them, as a
//! real one would. Each request asks one of [`QUERIES`] in turn (a Lua
//! script), so no answer is the same twice in a row.

use chrono::Utc;
use diesel::prelude::*;
use habilis_api::clock::db_time;
use habilis_api::db::DbConn;
use habilis_api::kb::queries::{self, ArticleRow};
use habilis_api::kb::search;

use crate::stack::{People, Stack};

/// Published articles searched.
pub const ARTICLES: usize = 10_000;
/// Connections of the load run: two, as many as this machine's cores, so
/// that the p99 is a search's own latency under a steady load rather than
/// the time spent queued behind others (the throughput is reported too).
pub const CONNECTIONS: u32 = 2;
/// What the load asks, in turn (URL-encoded).
pub const QUERIES: [&str; 6] = [
    "quota%20cluster",
    "password%20reset",
    "jupyter%20kernel",
    "vpn%20access",
    "postgresql%20backup",
    "slurm%20job%20pending",
];

const WORDS: [&str; 48] = [
    "quota",
    "cluster",
    "password",
    "reset",
    "jupyter",
    "kernel",
    "vpn",
    "access",
    "postgresql",
    "backup",
    "slurm",
    "job",
    "pending",
    "storage",
    "dataset",
    "upload",
    "download",
    "project",
    "sponsor",
    "steward",
    "approval",
    "account",
    "supervisor",
    "charter",
    "network",
    "printer",
    "licence",
    "software",
    "install",
    "python",
    "package",
    "notebook",
    "memory",
    "cpu",
    "gpu",
    "queue",
    "priority",
    "error",
    "timeout",
    "certificate",
    "email",
    "mailbox",
    "calendar",
    "badge",
    "laptop",
    "screen",
    "restore",
    "permission",
];

/// Ordinary words of the articles besides the topics.
const FILLER: usize = 5_000;

/// The `i`th ordinary word: letters only, four to six of them.
fn filler(i: usize) -> String {
    const CONSONANTS: &[u8] = b"bcdfglmnprstv";
    const VOWELS: &[u8] = b"aeiou";
    let mut out = String::new();
    let mut x = i + 1;
    while x > 0 || out.len() < 4 {
        out.push(char::from(CONSONANTS[x % CONSONANTS.len()]));
        x /= CONSONANTS.len();
        out.push(char::from(VOWELS[x % VOWELS.len()]));
        x /= VOWELS.len();
    }
    out
}

/// A tiny deterministic generator (xorshift): the same articles every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % 1_000_003) as usize
    }

    /// `n` words: one in ten a support topic of [`WORDS`], the others
    /// drawn from [`FILLER`] ordinary words, so that a topic word is in
    /// about a sixth of the articles and a two-word query matches a few
    /// hundred of them, as in a real knowledge base (with topic words
    /// alone, every query would match nearly every article).
    fn words(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| {
                if self.next() % 10 == 0 {
                    WORDS[self.next() % WORDS.len()].to_owned()
                } else {
                    filler(self.next() % FILLER)
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Writes the published articles.
pub fn seed(stack: &Stack, people: &People) -> anyhow::Result<()> {
    let mut pooled = stack.pool.get()?;
    let conn: &mut DbConn = &mut pooled;
    let now = db_time(Utc::now());
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for chunk in 0..ARTICLES / 1_000 {
        conn.transaction(|conn| -> QueryResult<()> {
            for i in 0..1_000 {
                let n = chunk * 1_000 + i;
                let title = format!("How to {} ({n})", rng.words(4));
                let body = format!(
                    "## Question\n\n{}.\n\n## Answer\n\n{}.\n\n{}.\n",
                    rng.words(18),
                    rng.words(40),
                    rng.words(30)
                );
                let row = ArticleRow {
                    id: uuid::Uuid::now_v7().to_string(),
                    title,
                    body_text: search::plain_text(&body),
                    body,
                    service: None,
                    state: "published".into(),
                    source_ticket_id: None,
                    created_by: people.admin_id.clone(),
                    created_at: now,
                    updated_at: now,
                    published_at: Some(now),
                };
                queries::insert(conn, &row)?;
            }
            Ok(())
        })?;
    }
    // PostgreSQL's autovacuum analyses a table that grew this much within
    // a minute; without statistics the planner reads every published
    // article rather than asking the GIN index. Written in one go, the
    // bench analyses it itself (SQLite keeps no such statistics unless
    // asked, and plans FTS5 queries without them).
    if let DbConn::Pg(_) = conn {
        diesel::sql_query("ANALYZE kb_articles").execute(conn)?;
    }
    Ok(())
}

/// The Lua script that asks [`QUERIES`] in turn.
pub fn script() -> String {
    let list = QUERIES
        .iter()
        .map(|q| format!("\"{q}\""))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "local queries = {{ {list} }}\nlocal i = 0\nrequest = function()\n  i = i % #queries + 1\n  return wrk.format(\"GET\", \"/api/v1/kb/search?q=\" .. queries[i])\nend\n"
    )
}

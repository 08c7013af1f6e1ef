//! Secondments (SPEC §2.5, seed 004 §6): a novice or confirmed scientist is
//! attached to a host supervisor of another team for `[starts_at, ends_at)`.
//!
//! During the window the host sees what a permanent supervisor would, but
//! only of what the person produces during it (works created in the window,
//! activity recorded in it). Afterwards the host sees only what anyone may
//! (published works), unless the person transfers items to the host
//! (`POST /works/{id}/transfer`, seed 004 §6: « sauf si le Scientifique
//! Novice souhaite transmettre ses résultats à ce supérieur hiérarchique
//! temporaire »).
//!
//! The policy decides who arranges a secondment (`user.second`); the
//! switch `visibility.secondment_host_sees_period_work` turns the host's
//! temporary supervision off entirely.
//!
//! - `mod.rs` (here): what other capabilities ask of secondments (works
//!   read through the host's window);
//! - `routes.rs`: the HTTP handlers;
//! - `service.rs`: arranging a secondment, one transaction;
//! - `queries.rs`: diesel over `secondments`.

mod queries;
pub mod routes;
mod service;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use habilis_shared::policy::Relation;

use crate::clock::db_time;
use crate::db::DbConn;
use crate::state::AppState;

/// A secondment window, `[starts_at, ends_at)`, in database time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
}

impl Window {
    pub fn contains(&self, t: NaiveDateTime) -> bool {
        self.starts_at <= t && t < self.ends_at
    }
}

/// The windows, open at `now`, in which `host` hosts someone: `(person, window)`.
/// Empty when the policy turns temporary supervision off.
pub fn hosted_now(
    conn: &mut DbConn,
    st: &AppState,
    host: &str,
) -> QueryResult<Vec<(String, Window)>> {
    if !st.policy.visibility.secondment_host_sees_period_work {
        return Ok(Vec::new());
    }
    Ok(queries::open_at(conn, host, db_time(st.now()))?
        .into_iter()
        .map(|s| {
            (
                s.user_id,
                Window {
                    starts_at: s.starts_at,
                    ends_at: s.ends_at,
                },
            )
        })
        .collect())
}

/// The window open now in which `host` hosts `person`, if any.
pub fn open_window(
    conn: &mut DbConn,
    st: &AppState,
    host: &str,
    person: &str,
) -> QueryResult<Option<Window>> {
    Ok(hosted_now(conn, st, host)?
        .into_iter()
        .find(|(user, _)| user == person)
        .map(|(_, w)| w))
}

/// Has `host` ever hosted `person` (a possible recipient of their works)?
pub fn ever_hosted(conn: &mut DbConn, host: &str, person: &str) -> QueryResult<bool> {
    queries::ever_hosted(conn, host, person)
}

/// The relation a reader has to `target`, counting an open secondment as
/// supervision (for reading only: a host never promotes, blocks or closes
/// the account). The window comes back when it is what made the link.
pub fn reading_relation(
    conn: &mut DbConn,
    st: &AppState,
    viewer: &str,
    target: &str,
    relation: Relation,
) -> QueryResult<(Relation, Option<Window>)> {
    if matches!(relation, Relation::Myself | Relation::Subordinate) {
        return Ok((relation, None));
    }
    Ok(match open_window(conn, st, viewer, target)? {
        Some(w) => (Relation::Subordinate, Some(w)),
        None => (relation, None),
    })
}

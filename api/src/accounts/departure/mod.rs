//! Departure with hand-over (SPEC §3.6–3.7), and seat hand-over for admins
//! and webmasters.
//!
//! No scientific data is ever lost: at the departure date the person's
//! works (published, unpublished, drafts) go to the heir or else the direct
//! supervisor, their subordinates get that person as supervisor, every
//! transfer is audited, and the account row stays as a tombstone ("former
//! member") so that everything referring to it keeps working — all in one
//! transaction.
//!
//! - `routes.rs`: the HTTP handlers;
//! - `service.rs`: the rules, one transaction each, and the one way an
//!   account is erased;
//! - `queries.rs`: diesel over `departures` and what a departure moves;
//! - `jobs.rs`: the warning and departure job kinds.

pub mod jobs;
mod queries;
pub mod routes;
mod service;

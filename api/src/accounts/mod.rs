//! Accounts: creation by the hierarchy (SPEC §2.3, §3.1), who sees whom
//! (§2.5), block/unblock (§3.5), the caller's own account, preferences,
//! charter and personal access tokens, promotion, secondments, departure
//! and the inactivity review.
//!
//! The accounts themselves are at the top of the folder, each topic in a
//! folder of its own:
//! - `routes.rs`, `service.rs`, `queries.rs`: `/users` (create, list, read,
//!   block), the account rules other topics build on, and diesel over
//!   `users` and the supervision hierarchy (read by other capabilities);
//! - `access.rs`: load an account and decide an action on it — the one
//!   authorisation call of every `/users/{id}…` handler;
//! - `error.rs`: [`AccountError`](error::AccountError), what the rules
//!   refuse, and its one conversion to a problem;
//! - `me/`, `lifecycle/` (activity, promotion), `secondment/`,
//!   `departure/` (and seat hand-over): routes, service and queries each;
//! - `inactivity.rs`: the daily inactivity review job.
//!
//! Nothing here reaches up into the route table or the job queue's
//! runner: `app::job_kinds` registers the job kinds named here.

pub mod access;
pub mod departure;
pub mod error;
pub mod inactivity;
pub mod lifecycle;
pub mod me;
pub mod queries;
pub mod routes;
pub mod secondment;
pub mod service;

//! One's own account (`/api/v1/me*`): who I am, my preferences, the
//! charter (SPEC §3.3), my personal access tokens.
//!
//! - `routes.rs`: the HTTP handlers;
//! - `service.rs`: the rules, one transaction each;
//! - `queries.rs`: diesel over `api_tokens` and one's preferences (the
//!   tokens are revoked from here when an account is erased).

pub mod queries;
pub mod routes;
mod service;

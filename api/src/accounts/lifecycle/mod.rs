//! A person's activity log and promotion (SPEC §2.5, §3.4).
//!
//! - `routes.rs`: the HTTP handlers;
//! - `service.rs`: promotion, one transaction;
//! - `queries.rs`: diesel over `activity` and the profile change.

mod queries;
pub mod routes;
mod service;

//! The generic approval model: a request on a subject with required
//! approvers (a project's sponsor and data steward; catalog orders later).
//! The request is approved when every approver approved, rejected at the
//! first rejection (with a comment). Deciding locks the request row first,
//! so two approvers deciding at once on PostgreSQL see each other's
//! decision and the subject ends in one consistent state.
//!
//! - `routes.rs`: the HTTP handlers;
//! - `service.rs`: deciding, one transaction, and [`ApprovalError`];
//! - `queries.rs`: diesel over `approvals` and `approval_requests`.
//!
//! The e-mail to the requester is `mail::Email::ApprovalDecision`.

mod queries;
pub mod routes;
mod service;

pub use service::ApprovalError;

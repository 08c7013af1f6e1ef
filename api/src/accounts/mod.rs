//! Accounts: creation by the hierarchy (SPEC §2.3, §3.1), who sees whom
//! (§2.5), block/unblock (§3.5), the caller's own account, preferences,
//! charter and personal access tokens.

pub mod departure;
pub mod lifecycle;
pub mod me;
pub mod queries;
pub mod routes;
pub mod secondment;
pub mod service;

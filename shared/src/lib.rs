//! Habilis shared crate: the vocabulary both the server and the SPA speak.
//!
//! - [`policy`]: profiles, actions, the policy document (SPEC §2) and the one
//!   decision function every API handler calls.
//! - [`dto`]: request and response bodies of the REST API.
//!
//! No I/O and no server dependencies: this crate also builds for
//! `wasm32-unknown-unknown`. OpenAPI schemas sit behind the `openapi` feature.

pub mod dto;
pub mod policy;

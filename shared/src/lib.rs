//! Habilis shared crate: the vocabulary both the server and the SPA speak.
//!
//! - [`policy`]: profiles, actions, the policy document (SPEC §2) and the one
//!   decision function every API handler calls.
//! - [`dto`]: request and response bodies of the REST API.
//! - [`email`]: [`Email`], a checked address and its look-up key: what the
//!   server's services take once a request body has been validated.
//! - [`problem`]: every problem type the API answers, with its status.
//! - [`i18n`]: the message catalogs (en, fr, ja) of every text sent to people.
//!
//! No I/O and no server dependencies: this crate also builds for
//! `wasm32-unknown-unknown`. OpenAPI schemas sit behind the `openapi` feature.

pub mod dto;
pub mod email;
pub mod i18n;
pub mod policy;
pub mod problem;

pub use email::{Email, EmailError};

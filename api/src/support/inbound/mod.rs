//! Mail into the support desk (issue 18 §3, §6): a reply to a ticket's
//! e-mail adds a public comment, a new mail to the desk address opens a
//! ticket; anything else is refused, audited, and changes nothing.
//!
//! - [`parse`]: the message read with `mail-parser`, the loop guard's
//!   facts, the text without quoted history and signature (pure);
//! - [`ingest`]: the decisions and the changes, through the desk's own
//!   service functions and the one policy function;
//! - [`smtp`]: the embedded SMTP listener (`HABILIS_SMTP_LISTEN`), a small
//!   RFC 5321 state machine driven by tokio.
//!
//! The other way in is `habilis mail ingest` (one message on standard
//! input, for an MTA's pipe: see `cli.rs`).

pub mod ingest;
pub mod parse;
pub mod smtp;

pub use ingest::{ingest, Accepted, Envelope, IngestError, Outcome, Refusal, Settings};

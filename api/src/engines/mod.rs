//! Compute engines (SPEC §7, §2.4; issue 17 §1): command templates with a
//! JSON Schema of typed parameters, versioned. Every change makes a new
//! version; a job records the version it runs, so changing an engine never
//! changes what a past or waiting job does.
//!
//! - [`routes`]: HTTP, one authorisation each;
//! - [`service`]: the rules, one transaction per change, [`EngineError`];
//! - [`queries`]: diesel, named rows;
//! - [`command`]: the argv template: placeholders, checking, rendering.

pub mod command;
pub mod queries;
pub mod routes;
pub mod service;

pub use queries::EngineVersionRow;
pub use service::EngineError;

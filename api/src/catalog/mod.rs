//! The service catalog (SPEC §6, issue 16): offerings that projects order
//! and launch. Data like the policy: a catalog file (the embedded
//! `api/catalog/default.toml`, or `HABILIS_CATALOG`) seeds the offerings a
//! database does not have yet at start; from then on the API owns them
//! (administrators add, change and retire offerings, audited).
//!
//! - [`file`]: the catalog file, parsed and checked with the path of the
//!   first error (`habilis catalog check FILE`);
//! - [`schema`]: an offering's configuration schema (JSON Schema draft
//!   2020-12, remote `$ref`s never fetched), its defaults, and its README
//!   template (minijinja);
//! - [`routes`]: HTTP, one authorisation each;
//! - [`service`]: the rules, one transaction per change, [`CatalogError`];
//! - [`queries`]: diesel, named rows.

pub mod file;
pub mod queries;
pub mod routes;
pub mod schema;
pub mod service;

pub use queries::OfferingRow;
pub use service::CatalogError;

/// The spawner kinds an offering may name.
pub const SPAWNER_KINDS: [&str; 3] = ["local", "kubernetes", "slurm"];

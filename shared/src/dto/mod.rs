//! Request and response bodies of the REST API (SPEC §11), shared by the
//! server, the SPA and the end-to-end tests so nobody hand-copies JSON shapes.
//!
//! Naming follows the action: `CreateUser` is what `POST /users` takes,
//! `UserView` what it shows. Writable fields are listed explicitly and every
//! request type denies unknown fields, so mass assignment is impossible
//! (SPEC §12).

mod audit;
mod auth;
mod catalog;
mod common;
mod compute;
mod datasets;
mod kb;
mod orgs;
mod projects;
mod support;
mod users;
mod works;

pub use audit::*;
pub use auth::*;
pub use catalog::*;
pub use common::*;
pub use compute::*;
pub use datasets::*;
pub use kb::*;
pub use orgs::*;
pub use projects::*;
pub use support::*;
pub use users::*;
pub use works::*;

//! Habilis single-page app (Yew → WASM).
//!
//! The pages arrive with the SPA issue; until then this crate only proves
//! that the shared DTOs and the policy model compile for
//! `wasm32-unknown-unknown`, which `make wasm-check` verifies.

pub use habilis_shared::{dto, policy};

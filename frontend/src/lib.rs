//! Habilis single-page app (Yew → WASM).
//!
//! It talks only to the public REST API, with the DTOs of `habilis-shared`.
//! The access token lives in memory only; the refresh token is an
//! `HttpOnly` cookie the browser sends to `/api/v1/auth/refresh`, so a page
//! reload or an expired access token refreshes silently once, and a refused
//! refresh returns to sign-in. The policy document is fetched once and
//! decides, with the same function as the server, what the interface shows;
//! the server still decides every request.

pub mod api;
mod app;
mod components;
pub mod format;
mod hooks;
pub mod i18n;
mod json;
mod pages;
mod route;
pub mod schema;
mod state;
pub mod tus;

/// Entry point called by `app.js` once the module is instantiated: the
/// catalog of the browser's language (English if that one cannot be had),
/// then the app.
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    wasm_bindgen_futures::spawn_local(async {
        let lang = state::browser_language();
        if !i18n::load(lang).await && lang != habilis_shared::dto::Language::En {
            i18n::load(habilis_shared::dto::Language::En).await;
        }
        yew::Renderer::<app::App>::new().render();
    });
}

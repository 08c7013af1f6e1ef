//! The reader's language for every text the API writes (issue 13 §2): the
//! signed-in account's `language`, else the first of `en`, `fr`, `ja` in
//! `Accept-Language`, else English. Errors are rendered again here, in that
//! language, after the handler ran (a handler's error is built before anyone
//! knows who reads it); every API answer carries `Content-Language`.

use std::sync::{Arc, OnceLock};

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpMessage, HttpRequest};
use habilis_shared::dto::Language;
use habilis_shared::i18n::negotiate;

use crate::error::ApiError;

/// The signed-in account's language, filled once the account is read —
/// by the caller extractor, or inside the handler's database closure when
/// the handler reads the account on its own connection
/// ([`crate::state::AppState::db_as`]). The request keeps one end, the
/// caller's token the other.
#[derive(Clone, Debug, Default)]
pub struct AccountLanguage(Arc<OnceLock<Language>>);

impl AccountLanguage {
    /// Records the account's language (the first record stays).
    pub fn set(&self, lang: Language) {
        let _ = self.0.set(lang);
    }
}

/// A slot for the account's language, left in `req` for [`of`].
pub fn slot(req: &HttpRequest) -> AccountLanguage {
    let slot = AccountLanguage::default();
    req.extensions_mut().insert(slot.clone());
    slot
}

fn from_header(headers: &header::HeaderMap) -> Option<Language> {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(negotiate)
}

/// The language to answer `req` in.
pub fn of(req: &HttpRequest) -> Language {
    req.extensions()
        .get::<AccountLanguage>()
        .and_then(|l| l.0.get().copied())
        .or_else(|| from_header(req.headers()))
        .unwrap_or(Language::En)
}

/// Writes an error answer again in the reader's language and marks every
/// answer with `Content-Language`.
pub fn localize<B: MessageBody + 'static>(
    mut res: ServiceResponse<B>,
) -> ServiceResponse<EitherBody<B, BoxBody>> {
    let lang = of(res.request());
    let again = res
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>())
        .filter(|_| lang != Language::En)
        .map(|e| e.response_in(lang));
    match again {
        Some(response) => {
            let (req, _) = res.into_parts();
            ServiceResponse::new(req, response).map_into_right_body()
        }
        None => {
            res.headers_mut().insert(
                header::CONTENT_LANGUAGE,
                HeaderValue::from_static(lang.as_str()),
            );
            res.map_into_left_body()
        }
    }
}

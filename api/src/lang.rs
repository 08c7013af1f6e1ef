//! The reader's language for every text the API writes (issue 13 §2): the
//! signed-in account's `language`, else the first of `en`, `fr`, `ja` in
//! `Accept-Language`, else English. Errors are rendered again here, in that
//! language, after the handler ran (a handler's error is built before anyone
//! knows who reads it); every API answer carries `Content-Language`.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpMessage, HttpRequest};
use habilis_shared::dto::Language;
use habilis_shared::i18n::negotiate;

use crate::error::ApiError;

/// The signed-in account's language, left in the request by the caller
/// extractor.
#[derive(Clone, Copy, Debug)]
struct AccountLanguage(Language);

/// Called by the caller extractor once the account is read.
pub fn remember(req: &HttpRequest, lang: Language) {
    req.extensions_mut().insert(AccountLanguage(lang));
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
        .map(|l| l.0)
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

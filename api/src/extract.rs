//! `Json<T>`: the body extractor every handler uses.
//!
//! It parses in two steps so the status says what is wrong: bytes that are
//! not JSON (bad syntax, invalid UTF-8, nesting deeper than serde_json's
//! limit) are 400; well-formed JSON that is not an object, or has unknown,
//! missing or mistyped fields, is 422 naming the field; a body over
//! `HABILIS_BODY_LIMIT` is 413; another content type is 415.
//!
//! actix polls a handler's extractors together, so a body error raised by
//! the extractor could overtake the caller's 401/403. The extractor
//! therefore never fails: it carries the outcome, and the handler takes it
//! with `body.into_inner()?` once the caller is known.

use crate::error::ProblemType;
use habilis_shared::i18n::Msg;
use habilis_shared::{Email, EmailError};
use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

pub struct Json<T>(Result<T, ApiError>);

impl<T> Json<T> {
    /// The parsed body, or the 400/413/415/422 that describes it.
    pub fn into_inner(self) -> Result<T, ApiError> {
        self.0
    }
}

fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| {
            let m = m.trim().to_ascii_lowercase();
            m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
        })
        .unwrap_or(false)
}

/// Parses a JSON body (shared with handlers that take an optional body).
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::bad_request(Msg::new("error-body-malformed").arg("detail", e.to_string()))
    })?;
    // Every request body is a JSON object. serde would also fill a struct
    // from an array, by position (`[null, null]` was a valid PATCH), a
    // shape no client is told about.
    if !value.is_object() {
        return Err(ApiError::field("body", Msg::new("validation-body-object")));
    }
    if let Some(path) = nul_path(&value, String::new()) {
        return Err(ApiError::field(&path, Msg::new("validation-nul")));
    }
    serde_json::from_value(value).map_err(|e| {
        let msg = e.to_string();
        match field_of(&msg) {
            Some((field, FieldError::Unknown)) => {
                ApiError::field(&field, Msg::new("validation-field-unknown"))
            }
            Some((field, FieldError::Missing)) => {
                ApiError::field(&field, Msg::new("validation-field-missing"))
            }
            None => ApiError::field(
                "body",
                Msg::new("validation-field-invalid").arg("detail", msg),
            ),
        }
    })
}

/// The address in `field` of a validated body, as an [`Email`]: the one
/// form services and queries take (STYLE §4). The body's
/// `#[validate(email, length(max = 254))]` has already refused what this
/// refuses, with the same field and messages.
pub fn email(field: &str, text: &str) -> Result<Email, ApiError> {
    Email::parse(text).map_err(|e| email_problem(field, e))
}

/// 422 naming `field`, with the message the body validation gives.
pub fn email_problem(field: &str, e: EmailError) -> ApiError {
    ApiError::field(
        field,
        match e {
            EmailError::Invalid => Msg::new("validation-email"),
            EmailError::TooLong { max } => Msg::new("validation-length-max").arg("max", max),
        },
    )
}

/// The path of the first string (or key) holding a NUL character: no text
/// column takes one (PostgreSQL refuses it), so it is refused at the door.
fn nul_path(value: &serde_json::Value, path: String) -> Option<String> {
    use serde_json::Value;
    let here = |p: &str| {
        if p.is_empty() {
            "body".to_owned()
        } else {
            p.to_owned()
        }
    };
    match value {
        Value::String(s) if s.contains('\0') => Some(here(&path)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| nul_path(v, format!("{path}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            let p = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            if k.contains('\0') {
                Some(here(&path))
            } else {
                nul_path(v, p)
            }
        }),
        _ => None,
    }
}

enum FieldError {
    Unknown,
    Missing,
}

/// serde says "unknown field `profile`, expected one of …" or
/// "missing field `email`": name the field so the SPA can show it in place.
/// Other serde messages (a wrong type, say) name no field by themselves.
fn field_of(msg: &str) -> Option<(String, FieldError)> {
    let what = if msg.starts_with("unknown field") {
        FieldError::Unknown
    } else if msg.starts_with("missing field") {
        FieldError::Missing
    } else {
        return None;
    };
    let start = msg.find('`')? + 1;
    let len = msg[start..].find('`')?;
    Some((msg[start..start + len].to_owned(), what))
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Json<T>, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move { Ok(Json(read(json, bytes.await))) })
    }
}

fn read<T: DeserializeOwned>(
    json: bool,
    bytes: Result<web::Bytes, actix_web::Error>,
) -> Result<T, ApiError> {
    let bytes = bytes.map_err(|e| {
        if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                ProblemType::PayloadTooLarge,
                Msg::new("error-body-too-large"),
            )
        } else {
            ApiError::bad_request(Msg::new("error-body-unreadable"))
        }
    })?;
    if !json {
        return Err(ApiError::new(
            ProblemType::UnsupportedMediaType,
            Msg::new("error-body-not-json"),
        ));
    }
    parse(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
    }

    #[test]
    fn an_address_that_does_not_parse_is_the_validators_422() {
        let ok = email("email", " Jane@inserm.fr ").expect("parses");
        assert_eq!(
            (ok.as_str(), ok.key()),
            ("Jane@inserm.fr", "jane@inserm.fr")
        );
        let keys = |e: ApiError| {
            assert_eq!(e.status().as_u16(), 422);
            let errors = e.errors.expect("field errors");
            assert_eq!(errors.len(), 1);
            errors["host_email"]
                .iter()
                .map(Msg::key)
                .collect::<Vec<_>>()
        };
        let invalid = email("host_email", "jane").expect_err("refused");
        assert_eq!(keys(invalid), ["validation-email"]);
        let long = format!(
            "{}@{}.inserm.fr",
            "a".repeat(60),
            vec!["b".repeat(60); 4].join(".")
        );
        let too_long = email("host_email", &long).expect_err("refused");
        assert_eq!(keys(too_long), ["validation-length-max"]);
    }

    #[test]
    fn syntax_is_400_and_shape_is_422() {
        let status = |b: &[u8]| {
            parse::<Body>(b)
                .map(|_| 200)
                .unwrap_or_else(|e| e.status().as_u16())
        };
        assert_eq!(status(br#"{"name":"x"}"#), 200);
        assert_eq!(status(br#"{"oops": "#), 400);
        assert_eq!(status(b"{\"name\":\"\xff\"}"), 400);
        let deep = "[".repeat(1000) + &"]".repeat(1000);
        assert_eq!(status(deep.as_bytes()), 400);
        assert_eq!(status(br#"{"name":"x","profile":"admin"}"#), 422);
        assert_eq!(status(br#"{"name":5}"#), 422);
        assert_eq!(status(br#"{}"#), 422);
        assert_eq!(status(br#"{"name":"a\u0000b"}"#), 422);
        // A struct is never filled from an array by position.
        assert_eq!(status(br#"["x"]"#), 422);
        assert_eq!(status(b"null"), 422);
        let e = parse::<Body>(br#"{"name":"x","profile":"admin"}"#)
            .err()
            .map(|e| e.errors);
        assert!(e.flatten().is_some_and(|m| m.contains_key("profile")));
    }
}

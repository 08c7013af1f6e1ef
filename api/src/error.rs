//! The one error type handlers return: RFC 9457 problem+json with a
//! machine-readable `type`, never leaking internals (a 500 logs its cause
//! with the request id and says nothing more). SPEC §11, STYLE "three layers".

use std::collections::BTreeMap;
use std::fmt;

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use habilis_shared::dto::Problem;
use habilis_shared::policy::Decision;

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub detail: String,
    pub errors: Option<BTreeMap<String, Vec<String>>>,
    pub retry_after: Option<u64>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, kind: &'static str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            kind,
            detail: detail.into(),
            errors: None,
            retry_after: None,
        }
    }
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", detail)
    }
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }
    pub fn forbidden(kind: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, kind, detail)
    }
    /// 403 from a policy decision, naming the rule that refused.
    pub fn denied(decision: &Decision) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("{} (rule {})", decision.reason, decision.rule),
        )
    }
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "no such resource")
    }
    pub fn conflict(kind: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, kind, detail)
    }
    pub fn too_many(retry_after: u64, detail: impl Into<String>) -> Self {
        let mut e = Self::new(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", detail);
        e.retry_after = Some(retry_after.max(1));
        e
    }
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut errors = BTreeMap::new();
        errors.insert(field.to_owned(), vec![message.into()]);
        Self::validation(errors)
    }
    pub fn validation(errors: BTreeMap<String, Vec<String>>) -> Self {
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "some fields are invalid",
        );
        e.errors = Some(errors);
        e
    }
    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", detail)
    }
    /// A server fault: the cause is logged (with the request id of the
    /// current span), the client learns nothing about internals.
    pub fn internal(cause: impl fmt::Display) -> Self {
        tracing::error!(cause = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "an internal error occurred; it has been logged",
        )
    }

    pub fn title(&self) -> &'static str {
        self.status.canonical_reason().unwrap_or("Error")
    }

    pub fn to_problem(&self) -> Problem {
        Problem {
            kind: self.kind.to_owned(),
            title: self.title().to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            errors: self.errors.clone(),
            request_id: None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.kind, self.detail)
    }
}

impl std::error::Error for ApiError {}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut builder = HttpResponse::build(self.status);
        builder.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        if self.status == StatusCode::UNAUTHORIZED {
            builder.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        if let Some(secs) = self.retry_after {
            builder.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        let body = serde_json::to_string(&self.to_problem())
            .unwrap_or_else(|_| String::from("{\"type\":\"internal_error\"}"));
        builder.body(body)
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error as E};
        match e {
            E::NotFound => ApiError::not_found(),
            // A unique index caught what a racing request inserted first.
            E::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                ApiError::conflict("unique_violation", "this already exists")
            }
            // What the change refers to was removed by a request that
            // committed first (a project deleted while someone was being
            // invited to it): the caller's view is stale, not the server.
            // Logged: a missing validation would surface here too.
            E::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                tracing::warn!(cause = %info.message(), "foreign-key violation answered 409");
                ApiError::conflict(
                    "reference_gone",
                    "what this refers to was removed meanwhile; reload and try again",
                )
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<r2d2::Error> for ApiError {
    fn from(e: r2d2::Error) -> Self {
        tracing::error!(cause = %e, "database pool exhausted or unreachable");
        ApiError::unavailable("the database is unavailable; try again shortly")
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::internal(e)
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errs: validator::ValidationErrors) -> Self {
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (field, list) in errs.field_errors() {
            let msgs = list
                .iter()
                .map(|e| match &e.message {
                    Some(m) => m.to_string(),
                    None => describe_validation(e),
                })
                .collect();
            map.insert(field.to_string(), msgs);
        }
        ApiError::validation(map)
    }
}

fn describe_validation(e: &validator::ValidationError) -> String {
    let param = |k: &str| e.params.get(k).map(|v| v.to_string());
    match e.code.as_ref() {
        "length" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("length must be between {min} and {max}"),
            (Some(min), None) => format!("length must be at least {min}"),
            (None, Some(max)) => format!("length must be at most {max}"),
            _ => "invalid length".into(),
        },
        "range" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("must be between {min} and {max}"),
            _ => "out of range".into(),
        },
        "email" => "not a valid e-mail address".into(),
        other => format!("invalid ({other})"),
    }
}

pub fn query_error(err: &actix_web::error::QueryPayloadError) -> ApiError {
    ApiError::field("query", format!("invalid query string: {err}"))
}

pub fn path_error(_err: &actix_web::error::PathError) -> ApiError {
    ApiError::not_found()
}

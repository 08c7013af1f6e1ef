//! The one error type handlers return: RFC 9457 problem+json with a
//! machine-readable `type` (a [`ProblemType`], declared once in `shared/`),
//! never leaking internals (a 500 logs its cause with the request id and
//! says nothing more). SPEC §11, STYLE "three layers".
//!
//! Texts are [`Msg`]s — catalog keys with arguments — and are written in
//! the reader's language only when the answer goes out: [`crate::lang`]
//! renders the error again for the caller, from the account's language or
//! `Accept-Language`.

use std::collections::BTreeMap;
use std::fmt;

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use habilis_shared::dto::{Language, Problem};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::Decision;
pub use habilis_shared::problem::ProblemType;

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug, Clone)]
pub struct ApiError {
    pub problem: ProblemType,
    pub detail: Msg,
    /// Per-field messages of a 422.
    pub errors: Option<BTreeMap<String, Vec<Msg>>>,
    /// Seconds (`u32`: an answer's size stays small, see `quota`).
    pub retry_after: Option<u32>,
    /// A 405's `Allow` header: the methods the path is served with.
    pub allow: Option<String>,
    /// The HTTP layer's own status, for its errors that have no type of
    /// their own (`ProblemType::Error`).
    status_override: Option<StatusCode>,
    /// A 413 `quota_exceeded`'s use and limit.
    pub quota: Option<Box<habilis_shared::dto::QuotaUse>>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(problem: ProblemType, detail: Msg) -> Self {
        ApiError {
            problem,
            detail,
            errors: None,
            retry_after: None,
            allow: None,
            status_override: None,
            quota: None,
        }
    }
    /// Keeps `status` for an error of the HTTP layer.
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status_override = Some(status);
        self
    }
    pub fn status(&self) -> StatusCode {
        self.status_override.unwrap_or_else(|| {
            StatusCode::from_u16(self.problem.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
        })
    }
    /// The `type` code, e.g. `wrong_state`.
    pub fn kind(&self) -> &'static str {
        self.problem.code()
    }
    pub fn bad_request(detail: Msg) -> Self {
        Self::new(ProblemType::BadRequest, detail)
    }
    pub fn unauthorized(detail: Msg) -> Self {
        Self::new(ProblemType::Unauthorized, detail)
    }
    /// 403 from a policy decision, naming the rule that refused.
    pub fn denied(decision: &Decision) -> Self {
        Self::new(ProblemType::Forbidden, decision.explain())
    }
    pub fn not_found() -> Self {
        Self::new(ProblemType::NotFound, Msg::new("error-not-found"))
    }
    pub fn conflict(problem: ProblemType, detail: Msg) -> Self {
        Self::new(problem, detail)
    }
    pub fn too_many(retry_after: u64, detail: Msg) -> Self {
        let mut e = Self::new(ProblemType::TooManyRequests, detail);
        e.retry_after = Some(u32::try_from(retry_after.max(1)).unwrap_or(u32::MAX));
        e
    }
    /// 422 naming one field.
    pub fn field(field: &str, message: Msg) -> Self {
        let mut errors = BTreeMap::new();
        errors.insert(field.to_owned(), vec![message]);
        Self::validation(errors)
    }
    pub fn validation(errors: BTreeMap<String, Vec<Msg>>) -> Self {
        let mut e = Self::new(ProblemType::ValidationFailed, Msg::new("error-validation"));
        e.errors = Some(errors);
        e
    }
    /// The numbers of a refused use (`quota`: used, asked for, limit).
    pub fn with_quota(mut self, used: u64, requested: u64, limit: u64) -> Self {
        self.quota = Some(Box::new(habilis_shared::dto::QuotaUse {
            used,
            requested,
            limit,
        }));
        self
    }
    pub fn unavailable(detail: Msg) -> Self {
        Self::new(ProblemType::Unavailable, detail)
    }
    /// A server fault: the cause is logged (with the request id of the
    /// current span), the client learns nothing about internals.
    pub fn internal(cause: impl fmt::Display) -> Self {
        tracing::error!(cause = %cause, "internal error");
        Self::new(ProblemType::InternalError, Msg::new("error-internal"))
    }

    /// The problem+json body in `lang`.
    pub fn to_problem(&self, lang: Language) -> Problem {
        Problem {
            kind: self.problem.code().to_owned(),
            title: Msg::new(self.problem.title_key()).render(lang),
            status: self.status().as_u16(),
            detail: self.detail.render(lang),
            errors: self.errors.as_ref().map(|errors| {
                errors
                    .iter()
                    .map(|(field, msgs)| {
                        (field.clone(), msgs.iter().map(|m| m.render(lang)).collect())
                    })
                    .collect()
            }),
            request_id: None,
            quota: self.quota.as_deref().cloned(),
        }
    }

    /// The whole HTTP answer in `lang`, with `Content-Language`.
    pub fn response_in(&self, lang: Language) -> HttpResponse {
        let mut builder = HttpResponse::build(self.status());
        builder.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        builder.insert_header((header::CONTENT_LANGUAGE, lang.as_str()));
        if self.problem == ProblemType::Unauthorized {
            builder.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        if let Some(secs) = self.retry_after {
            builder.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        if let Some(allow) = &self.allow {
            builder.insert_header((header::ALLOW, allow.as_str()));
        }
        let body = serde_json::to_string(&self.to_problem(lang))
            .unwrap_or_else(|_| String::from("{\"type\":\"internal_error\"}"));
        builder.body(body)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.problem.status(),
            self.problem.code(),
            self.detail
        )
    }
}

impl std::error::Error for ApiError {}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    /// English; [`crate::lang`] writes it again in the caller's language.
    fn error_response(&self) -> HttpResponse {
        self.response_in(Language::En)
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error as E};
        match e {
            E::NotFound => ApiError::not_found(),
            // A unique index caught what a racing request inserted first.
            E::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => ApiError::conflict(
                ProblemType::UniqueViolation,
                Msg::new("error-unique-violation"),
            ),
            // What the change refers to was removed by a request that
            // committed first (a project deleted while someone was being
            // invited to it): the caller's view is stale, not the server.
            // Logged: a missing validation would surface here too.
            E::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                tracing::warn!(cause = %info.message(), "foreign-key violation answered 409");
                ApiError::conflict(ProblemType::ReferenceGone, Msg::new("error-reference-gone"))
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<r2d2::Error> for ApiError {
    fn from(e: r2d2::Error) -> Self {
        tracing::error!(cause = %e, "database pool exhausted or unreachable");
        ApiError::unavailable(Msg::new("error-database-unavailable"))
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::internal(e)
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errs: validator::ValidationErrors) -> Self {
        let mut map: BTreeMap<String, Vec<Msg>> = BTreeMap::new();
        collect_validation(&errs, "", &mut map);
        ApiError::validation(map)
    }
}

/// Every field error of `errs`, nested ones included, under its dotted
/// path (`spawner.kind`, `items.2.name`), as the JSON-Schema errors are.
fn collect_validation(
    errs: &validator::ValidationErrors,
    prefix: &str,
    map: &mut BTreeMap<String, Vec<Msg>>,
) {
    use validator::ValidationErrorsKind as Kind;
    for (field, kind) in errs.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            Kind::Field(list) => {
                map.entry(path)
                    .or_default()
                    .extend(list.iter().map(describe_validation));
            }
            Kind::Struct(inner) => collect_validation(inner, &path, map),
            Kind::List(items) => {
                for (i, inner) in items {
                    collect_validation(inner, &format!("{path}.{i}"), map);
                }
            }
        }
    }
}

fn describe_validation(e: &validator::ValidationError) -> Msg {
    let param = |k: &str| e.params.get(k).map(|v| v.to_string());
    match e.code.as_ref() {
        "length" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => Msg::new("validation-length-between")
                .arg("min", min)
                .arg("max", max),
            (Some(min), None) => Msg::new("validation-length-min").arg("min", min),
            (None, Some(max)) => Msg::new("validation-length-max").arg("max", max),
            _ => Msg::new("validation-length"),
        },
        "range" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => Msg::new("validation-range-between")
                .arg("min", min)
                .arg("max", max),
            _ => Msg::new("validation-range"),
        },
        "email" => Msg::new("validation-email"),
        "slug" => Msg::new("validation-slug"),
        other => Msg::new("validation-invalid").arg("code", other.to_owned()),
    }
}

pub fn query_error(err: &actix_web::error::QueryPayloadError) -> ApiError {
    ApiError::field(
        "query",
        Msg::new("validation-query").arg("detail", err.to_string()),
    )
}

pub fn path_error(_err: &actix_web::error::PathError) -> ApiError {
    ApiError::not_found()
}

#[cfg(test)]
mod tests {
    use validator::Validate;

    use super::*;

    #[derive(Validate)]
    struct Inner {
        #[validate(length(max = 3))]
        kind: String,
    }

    #[derive(Validate)]
    struct Outer {
        #[validate(length(min = 1))]
        name: String,
        #[validate(nested)]
        spawner: Inner,
        #[validate(nested)]
        items: Vec<Inner>,
    }

    #[test]
    fn nested_validation_errors_keep_their_dotted_paths() {
        let bad = Outer {
            name: String::new(),
            spawner: Inner {
                kind: "too long".into(),
            },
            items: vec![
                Inner { kind: "ok".into() },
                Inner {
                    kind: "way too long".into(),
                },
            ],
        };
        let err = ApiError::from(bad.validate().expect_err("invalid"));
        let fields: Vec<&str> = err
            .errors
            .as_ref()
            .expect("errors")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(fields, ["items.1.kind", "name", "spawner.kind"]);
    }
}

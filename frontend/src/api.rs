//! The REST client: `/api/v1` over `fetch` (gloo-net), typed end to end.
//!
//! Every body is a request DTO of `habilis_shared::dto` (`B: Serialize`) and
//! every answer is decoded into the type the caller names
//! (`R: DeserializeOwned`); a non-2xx answer is the API's problem+json,
//! decoded into [`Problem`]. Pages do not call it directly but through the
//! hooks of [`crate::hooks`].
//!
//! On a 401 with a token it refreshes once through the refresh cookie and
//! retries; if that fails the session is over and `on_expired` fires.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use gloo_net::http::{Method, RequestBuilder, Response};
use habilis_shared::dto::{AuthzCheck, AuthzResource, Login, Me, Problem, TokenPair};
use habilis_shared::policy::Decision;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;
use web_sys::{AbortSignal, RequestCredentials};
use yew::Callback;

/// Why a call failed.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// The API answered with problem+json.
    Problem(Problem),
    /// No usable answer (network down, server unreachable).
    Network(String),
}

impl Failure {
    /// A form field that cannot make a request DTO (an empty date), refused
    /// before sending with the 422 the server would answer.
    pub fn invalid(field: &str, message: &str) -> Failure {
        Failure::Problem(Problem {
            kind: "validation_failed".into(),
            title: "some fields are invalid".into(),
            status: 422,
            detail: format!("{field}: {message}"),
            errors: Some(BTreeMap::from([(
                field.to_owned(),
                vec![message.to_owned()],
            )])),
            request_id: None,
            quota: None,
        })
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            Failure::Problem(p) => Some(p.status),
            Failure::Network(_) => None,
        }
    }

    pub fn kind(&self) -> &str {
        match self {
            Failure::Problem(p) => &p.kind,
            Failure::Network(_) => "network",
        }
    }

    pub fn field_errors(&self) -> BTreeMap<String, Vec<String>> {
        match self {
            Failure::Problem(p) => p.errors.clone().unwrap_or_default(),
            Failure::Network(_) => BTreeMap::new(),
        }
    }
}

/// `path?query` from a query DTO of `habilis_shared::dto` (`UserQuery`,
/// `AuditQuery`, …): absent fields are left out, values percent-encoded.
pub fn with_query<Q: Serialize>(path: &str, query: &Q) -> String {
    // A flat DTO of strings, numbers, enums and dates always encodes.
    let encoded = serde_urlencoded::to_string(query).unwrap_or_default();
    if encoded.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{encoded}")
    }
}

fn network(e: impl std::fmt::Display) -> Failure {
    Failure::Network(e.to_string())
}

#[derive(Default)]
struct Inner {
    access: Option<String>,
    on_expired: Option<Callback<()>>,
}

/// Cheap to clone; all clones share the token.
#[derive(Clone, Default)]
pub struct Client(Rc<RefCell<Inner>>);

impl PartialEq for Client {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Client {
    pub fn set_on_expired(&self, cb: Callback<()>) {
        self.0.borrow_mut().on_expired = Some(cb);
    }

    fn token(&self) -> Option<String> {
        self.0.borrow().access.clone()
    }

    pub fn forget(&self) {
        self.0.borrow_mut().access = None;
    }

    /// Sends once, refreshes and retries once on a 401 (through
    /// [`raw`](Self::raw)); a non-2xx answer becomes [`Failure::Problem`].
    async fn exchange(
        &self,
        method: Method,
        path: &str,
        json: Option<String>,
    ) -> Result<Response, Failure> {
        let url = format!("/api/v1{path}");
        let body = json.map(JsValue::from);
        let headers: &[(&str, &str)] = if body.is_some() {
            &[("Content-Type", "application/json")]
        } else {
            &[]
        };
        checked(self.raw(method, &url, headers, body.as_ref(), None).await?).await
    }

    fn expire(&self) {
        let cb = {
            let mut inner = self.0.borrow_mut();
            inner.access = None;
            inner.on_expired.clone()
        };
        if let Some(cb) = cb {
            cb.emit(());
        }
    }

    /// One typed request: the body (a request DTO of `habilis_shared::dto`)
    /// as JSON, the answer decoded as `R`.
    ///
    /// Only serialising and decoding are generic: the exchange itself is
    /// one boxed future, so each of the SPA's many `(B, R)` pairs does not
    /// carry its own copy of the fetch, refresh and retry machinery (that
    /// weighed 16 KB of the WebAssembly, 6 KB gzipped), and the answer is a
    /// [`Reply`], not a state machine of its own per pair.
    fn request<B, R>(&self, method: Method, path: &str, body: Option<&B>) -> Reply<R>
    where
        B: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        // A DTO always serialises; the error arm only keeps this total.
        let text = match body.map(serde_json::to_string).transpose() {
            Ok(json) => self.answer_text(method, path, json),
            Err(e) => Box::pin(std::future::ready(Err(network(e)))),
        };
        Reply {
            text,
            answer: PhantomData,
        }
    }

    /// The answer's body as text, after [`exchange`](Self::exchange).
    fn answer_text(
        &self,
        method: Method,
        path: &str,
        json: Option<String>,
    ) -> Pin<Box<dyn Future<Output = Result<String, Failure>>>> {
        let (client, path) = (self.clone(), path.to_owned());
        Box::pin(async move {
            let res = client.exchange(method, &path, json).await?;
            res.text().await.map_err(network)
        })
    }

    pub fn get<R: DeserializeOwned>(&self, path: &str) -> Reply<R> {
        self.request::<(), R>(Method::GET, path, None)
    }

    pub fn post<B, R>(&self, path: &str, body: &B) -> Reply<R>
    where
        B: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        self.request(Method::POST, path, Some(body))
    }

    /// A POST that carries no body: the verb is in the path (`…/block`,
    /// `…/close`, `…/accept`).
    pub fn post_empty<R: DeserializeOwned>(&self, path: &str) -> Reply<R> {
        self.request::<(), R>(Method::POST, path, None)
    }

    pub fn patch<B, R>(&self, path: &str, body: &B) -> Reply<R>
    where
        B: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        self.request(Method::PATCH, path, Some(body))
    }

    pub fn put<B, R>(&self, path: &str, body: &B) -> Reply<R>
    where
        B: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        self.request(Method::PUT, path, Some(body))
    }

    pub fn delete<R: DeserializeOwned>(&self, path: &str) -> Reply<R> {
        self.request::<(), R>(Method::DELETE, path, None)
    }

    /// A DELETE that carries a body (a confirmation: `DeleteInstance`).
    pub fn delete_with<B, R>(&self, path: &str, body: &B) -> Reply<R>
    where
        B: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        self.request(Method::DELETE, path, Some(body))
    }

    /// A text answer (CSV, logs).
    pub async fn get_text(&self, path: &str) -> Result<String, Failure> {
        self.answer_text(Method::GET, path, None).await
    }

    /// The caller's account, as the session keeps it.
    pub async fn me(&self) -> Result<Me, Failure> {
        self.get("/me").await
    }

    /// Does the policy allow `action` on this resource? The server decides
    /// again on the real request: this only picks the buttons to show. Any
    /// failure reads as "no".
    pub async fn allowed(&self, action: &str, resource: AuthzResource) -> bool {
        self.may(action, Some(resource)).await
    }

    /// [`allowed`](Self::allowed), with or without a resource: an action
    /// on nothing in particular (`engine.create`) is asked without one.
    pub async fn may(&self, action: &str, resource: Option<AuthzResource>) -> bool {
        let body = AuthzCheck {
            action: action.to_owned(),
            resource,
        };
        self.post::<_, Decision>("/authz/check", &body)
            .await
            .is_ok_and(|d| d.allowed)
    }

    pub async fn login(&self, body: &Login) -> Result<TokenPair, Failure> {
        self.forget();
        let pair: TokenPair = self.post("/auth/login", body).await?;
        self.0.borrow_mut().access = Some(pair.access_token.clone());
        Ok(pair)
    }

    /// Trades the refresh cookie for a new access token.
    pub async fn refresh(&self) -> bool {
        let Ok(res) = self
            .raw_once(Method::POST, "/api/v1/auth/refresh", &[], None, None)
            .await
        else {
            return false;
        };
        if !res.ok() {
            return false;
        }
        let pair = res.text().await.ok();
        match pair.as_deref().map(crate::json::from_str::<TokenPair>) {
            Some(Ok(pair)) => {
                self.0.borrow_mut().access = Some(pair.access_token);
                true
            }
            _ => false,
        }
    }

    /// One request whose answer the caller reads itself (status and
    /// headers: the tus uploads, file downloads): `url` is absolute
    /// (`/api/v1/…`, as a `Location` gives it), `body` anything `fetch`
    /// takes (a `Blob` slice). The token and the refresh-on-401 are the
    /// same as for every other call; the answer is returned whatever its
    /// status, and only a request that got no answer (network down,
    /// aborted through `signal`) fails.
    pub async fn raw(
        &self,
        method: Method,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&JsValue>,
        signal: Option<&AbortSignal>,
    ) -> Result<Response, Failure> {
        let res = self
            .raw_once(method.clone(), url, headers, body, signal)
            .await?;
        if res.status() == 401 && self.token().is_some() {
            if self.refresh().await {
                return self.raw_once(method, url, headers, body, signal).await;
            }
            self.expire();
        }
        Ok(res)
    }

    async fn raw_once(
        &self,
        method: Method,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&JsValue>,
        signal: Option<&AbortSignal>,
    ) -> Result<Response, Failure> {
        let mut b = RequestBuilder::new(url)
            .method(method)
            .credentials(RequestCredentials::SameOrigin)
            .abort_signal(signal);
        if let Some(t) = self.token() {
            b = b.header("Authorization", &format!("Bearer {t}"));
        }
        for (k, v) in headers {
            b = b.header(k, v);
        }
        let req = match body {
            Some(body) => b.body(body.clone()).map_err(network)?,
            None => b.build().map_err(network)?,
        };
        req.send().await.map_err(network)
    }

    pub async fn logout(&self) {
        let _ = self
            .raw_once(Method::POST, "/api/v1/auth/logout", &[], None, None)
            .await;
        self.forget();
    }
}

/// An empty body (204) reads as `null`, which `()` and
/// [`IgnoredAny`](serde::de::IgnoredAny) accept. Decoded through
/// [`crate::json`] (one parser for every DTO).
/// The answer of a typed request, decoded as `R` once the one boxed
/// exchange has its text: a plain future, so the requests of each answer
/// type add only this decoding step, not an `async` state machine (with its
/// own drop glue per state) around the exchange.
pub struct Reply<R> {
    text: Pin<Box<dyn Future<Output = Result<String, Failure>>>>,
    answer: PhantomData<fn() -> R>,
}

impl<R: DeserializeOwned> Future for Reply<R> {
    type Output = Result<R, Failure>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let Poll::Ready(text) = self.text.as_mut().poll(cx) else {
            return Poll::Pending;
        };
        Poll::Ready(match text {
            Ok(t) => parse_answer(&t).map_err(network),
            Err(f) => Err(f),
        })
    }
}

fn parse_answer<R: DeserializeOwned>(text: &str) -> serde_json::Result<R> {
    crate::json::from_str(if text.is_empty() { "null" } else { text })
}

async fn checked(res: Response) -> Result<Response, Failure> {
    if res.ok() {
        return Ok(res);
    }
    Err(failure_of(res).await)
}

/// The failure a non-2xx answer stands for: its problem+json, or its status.
pub async fn failure_of(res: Response) -> Failure {
    let status = res.status();
    let text = res.text().await.ok();
    match text.as_deref().map(crate::json::from_str::<Problem>) {
        Some(Ok(p)) => Failure::Problem(p),
        _ => Failure::Problem(Problem {
            kind: "unexpected".into(),
            title: String::new(),
            status,
            detail: format!("HTTP {status}"),
            errors: None,
            request_id: None,
            quota: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use habilis_shared::dto::{ApiTokenPage, AuditQuery, DeleteUserQuery, TokenScope, UpdateMe};
    use serde::de::IgnoredAny;

    use super::*;

    #[test]
    fn an_empty_answer_is_unit_or_ignored() {
        assert!(parse_answer::<()>("").is_ok());
        assert!(parse_answer::<IgnoredAny>("").is_ok());
        assert!(parse_answer::<IgnoredAny>(r#"{"id": "u1"}"#).is_ok());
        assert!(parse_answer::<ApiTokenPage>("").is_err());
    }

    #[test]
    fn an_answer_decodes_into_its_dto() {
        let list: ApiTokenPage =
            parse_answer(r#"{"items": [], "next_cursor": null}"#).expect("a token page");
        assert!(list.items.is_empty() && list.next_cursor.is_none());
        assert_eq!(
            parse_answer::<TokenScope>(r#""write""#).ok(),
            Some(TokenScope::Write)
        );
    }

    #[test]
    fn a_partial_update_sends_only_nulls_besides_its_field() {
        // The API reads a null as "unchanged", like an absent field.
        let body = UpdateMe {
            language: Some(habilis_shared::dto::Language::Fr),
            ..UpdateMe::default()
        };
        assert_eq!(
            serde_json::to_string(&body).expect("JSON"),
            r#"{"language":"fr","date_format":null,"phone":null}"#
        );
    }

    #[test]
    fn a_query_leaves_out_absent_fields_and_encodes_values() {
        assert_eq!(
            with_query("/users/u1", &DeleteUserQuery::default()),
            "/users/u1"
        );
        let query = AuditQuery {
            action: Some("user.create".into()),
            since: chrono::DateTime::from_timestamp(0, 0),
            cursor: Some("a+b/c=".into()),
            limit: Some(25),
            ..AuditQuery::default()
        };
        assert_eq!(
            with_query("/audit", &query),
            "/audit?action=user.create&since=1970-01-01T00%3A00%3A00Z&limit=25&cursor=a%2Bb%2Fc%3D"
        );
    }

    #[test]
    fn a_field_refused_before_sending_reads_like_the_servers_422() {
        let f = Failure::invalid("starts_at", "a date is required");
        assert_eq!(f.status(), Some(422));
        assert_eq!(f.kind(), "validation_failed");
        assert_eq!(
            f.field_errors().get("starts_at"),
            Some(&vec!["a date is required".to_owned()])
        );
    }
}

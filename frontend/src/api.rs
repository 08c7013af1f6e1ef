//! The REST client: `/api/v1` over `fetch` (gloo-net).
//!
//! On a 401 with a token it refreshes once through the refresh cookie and
//! retries; if that fails the session is over and `on_expired` fires.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use gloo_net::http::{Method, RequestBuilder, Response};
use habilis_shared::dto::{Problem, TokenPair};
use serde::de::DeserializeOwned;
use serde_json::Value;
use web_sys::RequestCredentials;
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

    async fn send_once(
        &self,
        method: Method,
        path: &str,
        body: Option<&str>,
    ) -> Result<Response, Failure> {
        let mut b = RequestBuilder::new(&format!("/api/v1{path}"))
            .method(method)
            .credentials(RequestCredentials::SameOrigin);
        if let Some(t) = self.token() {
            b = b.header("Authorization", &format!("Bearer {t}"));
        }
        let req = match body {
            Some(json) => b
                .header("Content-Type", "application/json")
                .body(json.to_owned())
                .map_err(network)?,
            None => b.build().map_err(network)?,
        };
        req.send().await.map_err(network)
    }

    async fn exchange(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Response, Failure> {
        let json = body.map(|b| b.to_string());
        let res = self
            .send_once(method.clone(), path, json.as_deref())
            .await?;
        if res.status() == 401 && self.token().is_some() {
            if self.refresh().await {
                let again = self.send_once(method, path, json.as_deref()).await?;
                return checked(again).await;
            }
            self.expire();
        }
        checked(res).await
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

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Failure> {
        let res = self.exchange(Method::GET, path, None).await?;
        res.json().await.map_err(network)
    }

    pub async fn post<T: DeserializeOwned>(&self, path: &str, body: Value) -> Result<T, Failure> {
        let res = self.exchange(Method::POST, path, Some(body)).await?;
        res.json().await.map_err(network)
    }

    pub async fn patch<T: DeserializeOwned>(&self, path: &str, body: Value) -> Result<T, Failure> {
        let res = self.exchange(Method::PATCH, path, Some(body)).await?;
        res.json().await.map_err(network)
    }

    /// A text answer (CSV).
    pub async fn get_text(&self, path: &str) -> Result<String, Failure> {
        let res = self.exchange(Method::GET, path, None).await?;
        res.text().await.map_err(network)
    }

    /// For answers without a body (204).
    pub async fn post_empty(&self, path: &str, body: Option<Value>) -> Result<(), Failure> {
        self.exchange(Method::POST, path, body).await.map(drop)
    }

    pub async fn delete(&self, path: &str) -> Result<(), Failure> {
        self.exchange(Method::DELETE, path, None).await.map(drop)
    }

    /// Does the policy allow `action` on this resource (`{"type": "user"|"work", "id": …}`)?
    /// The server decides again on the real request: this only picks the
    /// buttons to show. Any failure reads as "no".
    pub async fn allowed(&self, action: &str, resource: Value) -> bool {
        let body = serde_json::json!({ "action": action, "resource": resource });
        self.post::<habilis_shared::policy::Decision>("/authz/check", body)
            .await
            .is_ok_and(|d| d.allowed)
    }

    pub async fn login(&self, email: &str, password: &str) -> Result<TokenPair, Failure> {
        self.forget();
        let body = serde_json::json!({ "email": email, "password": password });
        let res = self
            .exchange(Method::POST, "/auth/login", Some(body))
            .await?;
        let pair: TokenPair = res.json().await.map_err(network)?;
        self.0.borrow_mut().access = Some(pair.access_token.clone());
        Ok(pair)
    }

    /// Trades the refresh cookie for a new access token.
    pub async fn refresh(&self) -> bool {
        let Ok(res) = self.send_once(Method::POST, "/auth/refresh", None).await else {
            return false;
        };
        if !res.ok() {
            return false;
        }
        match res.json::<TokenPair>().await {
            Ok(pair) => {
                self.0.borrow_mut().access = Some(pair.access_token);
                true
            }
            Err(_) => false,
        }
    }

    pub async fn logout(&self) {
        let _ = self.send_once(Method::POST, "/auth/logout", None).await;
        self.forget();
    }
}

async fn checked(res: Response) -> Result<Response, Failure> {
    if res.ok() {
        return Ok(res);
    }
    let status = res.status();
    match res.json::<Problem>().await {
        Ok(p) => Err(Failure::Problem(p)),
        Err(_) => Err(Failure::Problem(Problem {
            kind: "unexpected".into(),
            title: String::new(),
            status,
            detail: format!("HTTP {status}"),
            errors: None,
            request_id: None,
        })),
    }
}

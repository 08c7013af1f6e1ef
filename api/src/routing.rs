//! The vocabulary of the route table (`routes.rs`): `web::get().to(h)`,
//! `web::scope(..).route(..)`, `cfg.route(..)` read as in actix-web, and
//! each route also writes down its method and path. From that one table:
//! - a `GET` route answers `HEAD` too (same handler and headers; the HTTP
//!   layer sends no body);
//! - a known path asked with another method answers 405 with `Allow`
//!   ([`allowed`]), an unknown path 404 (`routes::not_found`).
//!
//! The list of known routes is kept once per process, when the table is
//! first registered (every worker registers the same table).

use std::sync::OnceLock;

use actix_web::dev::ResourceDef;
use actix_web::guard;
use actix_web::http::Method;
use actix_web::{FromRequest, Handler, Responder};

/// A method and the path patterns (full, from `/`) it is served on.
struct Known {
    pattern: ResourceDef,
    methods: Vec<Method>,
}

static KNOWN: OnceLock<Vec<Known>> = OnceLock::new();

/// The methods `path` is served with, in a stable order, `HEAD` after
/// `GET`; empty when no route has this path.
pub fn allowed(path: &str) -> Vec<Method> {
    let mut out: Vec<Method> = Vec::new();
    for k in KNOWN.get().map(Vec::as_slice).unwrap_or_default() {
        if k.pattern.is_match(path) {
            for m in &k.methods {
                if !out.contains(m) {
                    out.push(m.clone());
                }
            }
        }
    }
    let rank = |m: &Method| {
        [
            Method::GET,
            Method::HEAD,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ]
        .iter()
        .position(|x| x == m)
        .unwrap_or(usize::MAX)
    };
    out.sort_by_key(rank);
    out
}

/// The value of an `Allow` header: `GET, HEAD, POST`.
pub fn allow_header(methods: &[Method]) -> String {
    methods
        .iter()
        .map(Method::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// One route: its method, and the actix route that serves it.
pub struct MethodRoute {
    method: Method,
    route: actix_web::Route,
}

/// `web::get()` … before `.to(handler)`.
pub struct MethodBuilder(Method);

impl MethodBuilder {
    pub fn to<F, Args>(self, handler: F) -> MethodRoute
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        let route = if self.0 == Method::GET {
            actix_web::web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
        } else {
            actix_web::web::route().method(self.0.clone())
        };
        MethodRoute {
            method: self.0,
            route: route.to(handler),
        }
    }
}

impl MethodRoute {
    fn methods(&self) -> Vec<Method> {
        if self.method == Method::GET {
            vec![Method::GET, Method::HEAD]
        } else {
            vec![self.method.clone()]
        }
    }
}

/// `web::scope("/api/v1")`: an actix scope that writes down its routes.
pub struct Scope {
    prefix: String,
    inner: actix_web::Scope,
    known: Vec<(String, Vec<Method>)>,
}

impl Scope {
    pub fn route(mut self, path: &str, route: MethodRoute) -> Self {
        self.known
            .push((format!("{}{path}", self.prefix), route.methods()));
        self.inner = self.inner.route(path, route.route);
        self
    }

    pub fn default_service(mut self, route: actix_web::Route) -> Self {
        self.inner = self.inner.default_service(route);
        self
    }
}

/// What `routes::api` fills: scopes and top-level routes, registered into
/// actix by [`Table::register`].
#[derive(Default)]
pub struct Table {
    scopes: Vec<actix_web::Scope>,
    /// Top-level paths, each with its routes, in the order first seen.
    top: Vec<(String, Vec<MethodRoute>)>,
    known: Vec<(String, Vec<Method>)>,
}

impl Table {
    pub fn service(&mut self, scope: Scope) -> &mut Self {
        self.known.extend(scope.known);
        self.scopes.push(scope.inner);
        self
    }

    pub fn route(&mut self, path: &str, route: MethodRoute) -> &mut Self {
        self.known.push((path.to_owned(), route.methods()));
        match self.top.iter_mut().find(|(p, _)| p == path) {
            Some((_, routes)) => routes.push(route),
            None => self.top.push((path.to_owned(), vec![route])),
        }
        self
    }

    /// Registers everything, and keeps the list of known routes for 405s.
    /// A top-level path is one resource whose other methods go to
    /// `fallback` (so the SPA's file service never sees them).
    pub fn register(
        self,
        cfg: &mut actix_web::web::ServiceConfig,
        fallback: fn() -> actix_web::Route,
    ) {
        KNOWN.get_or_init(|| {
            let mut known: Vec<Known> = Vec::new();
            for (path, methods) in &self.known {
                match known
                    .iter_mut()
                    .find(|k| k.pattern.pattern() == Some(path.as_str()))
                {
                    Some(k) => k.methods.extend(methods.iter().cloned()),
                    None => known.push(Known {
                        pattern: ResourceDef::new(path.as_str()),
                        methods: methods.clone(),
                    }),
                }
            }
            known
        });
        for scope in self.scopes {
            cfg.service(scope);
        }
        for (path, routes) in self.top {
            let mut resource = actix_web::web::resource(path.as_str());
            for r in routes {
                resource = resource.route(r.route);
            }
            cfg.service(resource.default_service(fallback()));
        }
    }
}

/// The names the route table uses, as in `actix_web::web`.
pub mod web {
    use super::{MethodBuilder, Scope};
    use actix_web::http::Method;

    pub use super::Table as ServiceConfig;
    pub use actix_web::web::to;

    pub fn scope(path: &str) -> Scope {
        Scope {
            prefix: path.to_owned(),
            inner: actix_web::web::scope(path),
            known: Vec::new(),
        }
    }
    /// `GET`, and `HEAD` with it.
    pub fn get() -> MethodBuilder {
        MethodBuilder(Method::GET)
    }
    pub fn post() -> MethodBuilder {
        MethodBuilder(Method::POST)
    }
    pub fn put() -> MethodBuilder {
        MethodBuilder(Method::PUT)
    }
    pub fn patch() -> MethodBuilder {
        MethodBuilder(Method::PATCH)
    }
    pub fn delete() -> MethodBuilder {
        MethodBuilder(Method::DELETE)
    }
    /// `HEAD` with a handler of its own (a path without `GET`: tus).
    pub fn head() -> MethodBuilder {
        MethodBuilder(Method::HEAD)
    }
    pub fn options() -> MethodBuilder {
        MethodBuilder(Method::OPTIONS)
    }
}

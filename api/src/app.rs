//! `Application::build(config)`: pool, migrations, keys, workers, middleware
//! and routes. Tests bind port 0 and start the real server.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::Service;
use actix_web::dev::{Server, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{DefaultHeaders, ErrorHandlerResponse, ErrorHandlers};
use actix_web::{web, App, HttpMessage, HttpResponse, HttpServer};
use habilis_shared::i18n::Msg;
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::accounts::{departure, inactivity};
use crate::auth::jwt::JwtKeys;
use crate::auth::password;
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::error::{self, ApiError, ProblemType, PROBLEM_JSON};
use crate::metrics::Metrics;
use crate::routes::{self, ApiDoc};
use crate::state::AppState;
use crate::{db, instances, jobs, lang, mail, uploads};

/// Applies pending migrations, then what a migration left for the server
/// to finish: the audit rows of the project references the
/// `works_project_fk` migration cleared (audit rows are hash-chained by the
/// server). Every path that migrates goes through here.
pub fn migrate(conn: &mut db::DbConn) -> anyhow::Result<Vec<String>> {
    let applied = conn.migrate()?;
    let recorded = crate::works::service::record_cleared_projects(conn, chrono::Utc::now())?;
    if recorded > 0 {
        tracing::warn!(
            recorded,
            "works named projects that do not exist: their project was cleared (see the audit log)"
        );
    }
    Ok(applied)
}

/// Every kind of background job this process runs, each named and given
/// its body by the capability that owns it.
pub fn job_kinds() -> jobs::Registry {
    jobs::Registry::default()
        .once(departure::jobs::WARNING, departure::jobs::warn)
        .once(departure::jobs::EXECUTE, departure::jobs::execute)
        .every(
            inactivity::REVIEW,
            inactivity::period(),
            inactivity::review_job,
        )
        .every(
            uploads::jobs::EXPIRE,
            uploads::jobs::period(),
            uploads::jobs::expire,
        )
        .every(
            instances::jobs::RECONCILE,
            instances::jobs::reconcile_period(),
            instances::jobs::reconcile,
        )
        .every(
            instances::jobs::IDLE,
            instances::jobs::idle_period(),
            instances::jobs::idle,
        )
}

/// What the instance jobs of this process use (see [`job_kinds`]).
pub fn instance_env(state: &AppState) -> instances::jobs::InstanceEnv {
    instances::jobs::InstanceEnv {
        spawners: state.spawners.clone(),
        data_dir: state.config.data_dir.clone(),
        public_url: state.config.public_url.clone().unwrap_or_default(),
    }
}

pub struct Application {
    server: Server,
    port: u16,
    metrics_port: Option<u16>,
    smtp_port: Option<u16>,
    pub state: web::Data<AppState>,
}

const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; \
base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    pub async fn build_with_clock(
        config: Config,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Application> {
        let policy =
            crate::policy::load(config.policy_file.as_deref()).map_err(anyhow::Error::msg)?;
        let catalog = crate::catalog::file::load(config.catalog_file.as_deref())
            .map_err(anyhow::Error::msg)?;
        let url = config.database_url();
        let pool_size = config.db_pool;
        let (secret, issuer, audience) = (
            config.jwt_secret.clone(),
            config.jwt_issuer.clone(),
            config.jwt_audience.clone(),
        );
        let started = clock.now();
        let (pool, jwt) = web::block(move || -> anyhow::Result<(db::DbPool, JwtKeys)> {
            let pool = db::connect_pool(&url, pool_size)?;
            let mut conn = pool.get()?;
            let applied = migrate(&mut conn)?;
            if !applied.is_empty() {
                tracing::info!(?applied, "migrations applied");
            }
            // The offerings of the catalog file the database lacks.
            let seeded = crate::catalog::service::seed(&mut conn, started, &catalog)?;
            if !seeded.is_empty() {
                tracing::info!(?seeded, "catalog offerings added");
            }
            drop(conn);
            // The signing keys every replica shares (or the configured one).
            let jwt =
                JwtKeys::load_or_create(secret.as_deref(), &pool, &issuer, &audience, started)?;
            // Pay for the dummy hash now, not on the first unknown e-mail.
            let _ = password::dummy_hash();
            Ok((pool, jwt))
        })
        .await??;
        jwt.spawn_reloader();
        let storage = crate::storage::from_config(&config).map_err(anyhow::Error::msg)?;
        let spawners =
            crate::spawners::Spawners::from_config(&config).map_err(anyhow::Error::msg)?;
        let executor =
            crate::compute::executors::from_config(&config).map_err(anyhow::Error::msg)?;
        let compute = Arc::new(crate::compute::wake::Compute::new(
            executor.as_ref().map(|e| (e.kind(), e.slots())),
        ));
        let config = Arc::new(config);
        let state = web::Data::new(AppState {
            pool,
            policy: Arc::new(policy),
            jwt,
            clock,
            config: config.clone(),
            metrics: Arc::new(Metrics::default()),
            storage,
            spawners,
            compute: compute.clone(),
        });

        if config.mail_poll_ms > 0 {
            let deliver = mail::transport(
                config.smtp_url.as_deref(),
                config.mail_dir(),
                &config.mail_from,
            )
            .map_err(anyhow::Error::msg)?;
            mail::spawn_worker(
                state.pool.clone(),
                deliver,
                state.clock.clone(),
                Duration::from_millis(config.mail_poll_ms),
            );
        }

        // Instances whose process died while no server watched (a crash,
        // a restart) are reconciled before anything is served; then this
        // process watches the ones that start.
        {
            let (pool, env, clock) = (
                state.pool.clone(),
                instance_env(&state),
                state.clock.clone(),
            );
            let changed =
                web::block(move || instances::jobs::reconcile_now(&pool, &env, &*clock)).await?;
            match changed {
                Ok(n) if n > 0 => tracing::info!(changed = n, "instances reconciled at start"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e.detail, "instances not reconciled at start"),
            }
        }
        instances::jobs::spawn_watcher(
            state.pool.clone(),
            state.spawners.clone(),
            state.clock.clone(),
            instances::jobs::WATCH_PERIOD,
        );

        if let Some(executor) = executor {
            let run_as =
                crate::spawners::local::process::RunAs::resolve(config.instance_user.as_deref())
                    .map_err(anyhow::Error::msg)?;
            crate::compute::Dispatcher {
                worker_id: uuid::Uuid::now_v7().to_string(),
                executor,
                pool: state.pool.clone(),
                policy: state.policy.clone(),
                clock: state.clock.clone(),
                storage: state.storage.clone(),
                jobs_dir: config.data_path("jobs"),
                run_as,
                lease: chrono::Duration::seconds(
                    i64::try_from(config.compute_lease_secs).unwrap_or(30),
                ),
                max_attempts: config.compute_max_attempts,
                log_max: config.compute_log_max_bytes,
            }
            .spawn(compute, Duration::from_millis(config.compute_tick_ms));
        }

        if config.jobs_poll_ms > 0 {
            job_kinds()
                .with_instances(instance_env(&state))
                .spawn_worker(
                    state.pool.clone(),
                    state.policy.clone(),
                    state.storage.clone(),
                    state.clock.clone(),
                    Duration::from_millis(config.jobs_poll_ms),
                );
        }

        // Incoming support mail over SMTP, when asked (issue 18 §3).
        let smtp_port = match &config.smtp_listen {
            Some(bind) => Some(crate::support::inbound::smtp::start(bind, &state).await?),
            None => None,
        };

        let listener = TcpListener::bind(&config.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.bind))?;
        let port = listener.local_addr()?.port();
        // `/metrics` on its own listener when asked (then only there).
        let metrics_listener = match &config.metrics_bind {
            Some(bind) => Some(
                TcpListener::bind(bind)
                    .map_err(|e| anyhow::anyhow!("cannot listen on {bind} for metrics: {e}"))?,
            ),
            None => None,
        };
        let metrics_addr = match &metrics_listener {
            Some(l) => Some(l.local_addr()?),
            None => None,
        };
        let data = state.clone();
        let mut server = HttpServer::new(move || build_app(data.clone(), metrics_addr))
            .listen(listener)?
            .shutdown_timeout(30);
        if let Some(l) = metrics_listener {
            server = server.listen(l)?;
        }
        if let Some(n) = config.workers {
            server = server.workers(n.max(1));
        }
        Ok(Application {
            server: server.run(),
            port,
            metrics_port: metrics_addr.map(|a| a.port()),
            smtp_port,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port of `HABILIS_METRICS_BIND`, when set.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics_port
    }

    /// The port of the SMTP listener (`HABILIS_SMTP_LISTEN`), when set.
    pub fn smtp_port(&self) -> Option<u16> {
        self.smtp_port
    }

    /// Stops the server from elsewhere (tests, signal handlers).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGINT/SIGTERM, then drains in-flight requests.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

fn build_app(
    state: web::Data<AppState>,
    metrics_addr: Option<std::net::SocketAddr>,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let config = state.config.clone();
    let limit = config.body_limit;
    // Configured origins may also speak tus (Uppy, tus-js-client on
    // another site): its request headers in, its answer headers readable.
    let mut cors = actix_cors::Cors::default()
        .allowed_methods(vec!["GET", "HEAD", "POST", "PATCH", "DELETE"])
        .allowed_headers(vec![
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::HeaderName::from_static("tus-resumable"),
            header::HeaderName::from_static("upload-length"),
            header::HeaderName::from_static("upload-defer-length"),
            header::HeaderName::from_static("upload-metadata"),
            header::HeaderName::from_static("upload-offset"),
            header::HeaderName::from_static("upload-checksum"),
        ])
        .expose_headers(vec![
            header::LOCATION,
            header::HeaderName::from_static("tus-resumable"),
            header::HeaderName::from_static("tus-version"),
            header::HeaderName::from_static("tus-extension"),
            header::HeaderName::from_static("tus-max-size"),
            header::HeaderName::from_static("tus-checksum-algorithm"),
            header::HeaderName::from_static("upload-offset"),
            header::HeaderName::from_static("upload-length"),
            header::HeaderName::from_static("upload-defer-length"),
            header::HeaderName::from_static("upload-metadata"),
            header::HeaderName::from_static("upload-expires"),
            header::HeaderName::from_static("habilis-file-id"),
            header::HeaderName::from_static("habilis-file-sha256"),
        ])
        .max_age(3600);
    for origin in &config.cors_origins {
        cors = cors.allowed_origin(origin);
    }
    let mut headers = DefaultHeaders::new()
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "no-referrer"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"));
    if config.hsts {
        headers = headers.add((
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        ));
    }
    let metrics = state.metrics.clone();
    let dist = config.dist_dir.clone();

    let mut app = App::new()
        .app_data(state.clone())
        .app_data(web::PayloadConfig::new(limit))
        .app_data(
            web::QueryConfig::default().error_handler(|err, _req| error::query_error(&err).into()),
        )
        .app_data(
            web::PathConfig::default().error_handler(|err, _req| error::path_error(&err).into()),
        )
        .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/v1/openapi.json", ApiDoc::openapi()))
        .configure(routes::configure);
    if dist.join("index.html").is_file() {
        let index = dist.join("index.html");
        app = app.service(
            actix_files::Files::new("/", &dist)
                .index_file("index.html")
                .default_handler(web::to(move |req: actix_web::HttpRequest| {
                    let index = index.clone();
                    async move {
                        // Client-side routes get the SPA; API-looking paths
                        // keep their problem+json 404.
                        if is_server_path(req.path()) {
                            return Err(routes::fallback_error(req.path()).into());
                        }
                        actix_files::NamedFile::open_async(index)
                            .await
                            .map(|f| f.into_response(&req))
                            .map_err(actix_web::Error::from)
                    }
                })),
        );
    } else {
        app = app.default_service(web::to(routes::not_found));
    }
    app.wrap(ErrorHandlers::new().default_handler(problem_for_plain_errors))
        .wrap(cors)
        .wrap(headers)
        .wrap_fn(move |mut req, srv| {
            // The documentation's routes (Swagger UI's own) answer HEAD as
            // GET, like every route of the table (the HTTP layer sends no
            // body: it decided that from the request line).
            if req.method() == actix_web::http::Method::HEAD
                && (req.path().starts_with("/api/docs/") || req.path() == "/api/v1/openapi.json")
            {
                req.head_mut().method = actix_web::http::Method::GET;
            }
            // No id, filter or cursor may hold a NUL: PostgreSQL refuses it
            // in text, so such a URL is bad input, answered before routing.
            let raw = req.uri().to_string().to_ascii_lowercase();
            let nul = raw.contains("%00");
            let is_docs = req.path().starts_with("/api/docs");
            // With `HABILIS_METRICS_BIND`, its listener serves `/metrics`
            // and nothing else, and the main listener does not serve it.
            let misplaced = metrics_addr.is_some_and(|addr| {
                (req.app_config().local_addr() == addr) != (req.path() == "/metrics")
            });
            // The refusal is an answer, not an error, so that the layers
            // outside (language, metrics, request id) still see it.
            let served = if nul {
                let refusal = ApiError::bad_request(Msg::new("error-url-nul"));
                Err(req.into_response(HttpResponse::from_error(refusal)))
            } else if misplaced {
                let refusal = ApiError::new(ProblemType::NotFound, Msg::new("error-no-endpoint"));
                Err(req.into_response(HttpResponse::from_error(refusal)))
            } else {
                Ok(srv.call(req))
            };
            async move {
                let fut = match served {
                    Ok(fut) => fut,
                    Err(refused) => return Ok(refused.map_into_right_body()),
                };
                let mut res = fut.await?;
                if !is_docs {
                    res.headers_mut().insert(
                        header::CONTENT_SECURITY_POLICY,
                        HeaderValue::from_static(CSP),
                    );
                }
                Ok(res.map_into_left_body())
            }
        })
        .wrap_fn(|req, srv| {
            // Every answer in the reader's language (errors written again);
            // then, on the tus endpoints, what tus clients read on every
            // answer, errors included (`Tus-Resumable`).
            let tus = uploads::routes::is_tus_path(req.path());
            let fut = srv.call(req);
            async move {
                fut.await.map(lang::localize).map(|mut res| {
                    if tus {
                        let status = res.status();
                        uploads::routes::answer_headers(res.headers_mut(), status);
                    }
                    res
                })
            }
        })
        .wrap_fn(move |req, srv| {
            let started = Instant::now();
            let route = req.match_pattern().unwrap_or_else(|| "unmatched".into());
            let method = req.method().to_string();
            let request_id = req
                .extensions()
                .get::<tracing_actix_web::RequestId>()
                .map(|id| id.to_string());
            let metrics = metrics.clone();
            let fut = srv.call(req);
            async move {
                let mut res = fut.await?;
                metrics.observe(&route, &method, res.status().as_u16(), started.elapsed());
                if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
                    res.headers_mut()
                        .insert(header::HeaderName::from_static("x-request-id"), id);
                }
                Ok(res)
            }
        })
        .wrap(TracingLogger::default())
}

/// Paths that belong to the server, never to the SPA's router.
fn is_server_path(path: &str) -> bool {
    path == "/api"
        || path.starts_with("/api/")
        || matches!(path, "/healthz" | "/readyz" | "/metrics")
}

/// Errors produced by actix itself (payload too large, method not allowed,
/// …) come out as problem+json like ours.
fn problem_for_plain_errors<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let already = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    let is_docs = res.request().path().starts_with("/api/docs");
    if already || is_docs {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let problem = match res.status().as_u16() {
        400 => ApiError::bad_request(Msg::new("error-http")),
        404 => ApiError::new(ProblemType::NotFound, Msg::new("error-no-endpoint")),
        405 => ApiError::new(
            ProblemType::MethodNotAllowed,
            Msg::new("error-method-not-allowed"),
        ),
        413 => ApiError::new(
            ProblemType::PayloadTooLarge,
            Msg::new("error-body-too-large"),
        ),
        415 => ApiError::new(
            ProblemType::UnsupportedMediaType,
            Msg::new("error-body-not-json"),
        ),
        status if status >= 500 => {
            ApiError::new(ProblemType::InternalError, Msg::new("error-internal"))
        }
        _ => ApiError::new(ProblemType::Error, Msg::new("error-http")),
    };
    // The error travels with the answer so that `lang::localize` can write
    // it in the reader's language; the status stays actix's.
    let problem = HttpResponse::from_error(problem.with_status(res.status()));
    let (req, _) = res.into_parts();
    let response: HttpResponse<BoxBody> = problem;
    let res = ServiceResponse::new(req, response).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(res))
}

//! Test fixtures: the real server on port 0 against a fresh database per
//! test — a SQLite file in a temp dir, or a throwaway PostgreSQL database
//! (created here, dropped on drop) when `HABILIS_TEST_DB=postgres`. Objects
//! go to the local disk under the test's temp dir, or, when
//! `HABILIS_TEST_STORAGE_URL` names an S3 bucket (`scripts/with-s3.sh`),
//! under a prefix of the test's own in that bucket.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use habilis_api::app::Application;
use habilis_api::clock::{Clock, ManualClock};
use habilis_api::config::Config;
use habilis_shared::dto::{CreatedUser, TokenPair, UserView};
use habilis_shared::policy::Profile;
use serde_json::{json, Value};

pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123456789";
pub const ADMIN_EMAIL: &str = "admin@inserm.fr";
pub const ADMIN_PASSWORD: &str = "admin password for tests";
pub const NEW_PASSWORD: &str = "a brand new password 42";

pub fn backend() -> String {
    std::env::var("HABILIS_TEST_DB").unwrap_or_else(|_| "sqlite".into())
}

pub fn is_postgres() -> bool {
    backend() == "postgres"
}

/// A storage URL for one test: `HABILIS_TEST_STORAGE_URL` with a fresh
/// prefix (`s3://bucket/<prefix>/t-<uuid>?…`), or `None` for the local
/// disk.
pub fn test_storage_url() -> Option<String> {
    let base = std::env::var("HABILIS_TEST_STORAGE_URL")
        .ok()
        .filter(|v| !v.is_empty())?;
    let fresh = format!("t-{}", uuid::Uuid::new_v4().simple());
    let (head, query) = match base.split_once('?') {
        Some((h, q)) => (h.to_owned(), format!("?{q}")),
        None => (base.clone(), String::new()),
    };
    Some(format!("{}/{fresh}{query}", head.trim_end_matches('/')))
}

fn pg_base() -> String {
    std::env::var("HABILIS_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// A database that exists for one test: a SQLite file in `dir`, or a
/// throwaway PostgreSQL database dropped with this value. Usable on its own
/// (the CLI tests hand its `url` to the binary as `DATABASE_URL`).
pub struct TestDb {
    pub url: String,
    pg_name: Option<String>,
}

impl TestDb {
    pub fn new(dir: &std::path::Path) -> TestDb {
        if is_postgres() {
            let name = format!("habilis_t_{}", uuid::Uuid::new_v4().simple());
            let mut admin = PgConnection::establish(&format!("{}/postgres", pg_base()))
                .expect("PostgreSQL reachable (HABILIS_TEST_PG_URL)");
            admin
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .expect("create test database");
            TestDb {
                url: format!("{}/{name}", pg_base()),
                pg_name: Some(name),
            }
        } else {
            TestDb {
                url: format!("sqlite://{}", dir.join("test.sqlite3").display()),
                pg_name: None,
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = &self.pg_name {
            if let Ok(mut admin) = PgConnection::establish(&format!("{}/postgres", pg_base())) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub state: actix_web::web::Data<habilis_api::state::AppState>,
    pub dir: tempfile::TempDir,
    /// `HABILIS_STORAGE_URL` of this test (`None`: the local disk under
    /// `dir`).
    pub storage_url: Option<String>,
    /// `http://127.0.0.1:PORT` of `HABILIS_METRICS_BIND`, when asked for.
    pub metrics_base: Option<String>,
    /// The port of the SMTP listener (`HABILIS_SMTP_LISTEN`), when asked for.
    pub smtp_port: Option<u16>,
    handle: actix_web::dev::ServerHandle,
    db_url: String,
    // Declared last: dropped after the server stopped (none when the test
    // owns the database, see [`Builder::on`]).
    _db: Option<TestDb>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

/// A signed-in account.
#[derive(Clone, Debug)]
pub struct Session {
    pub id: String,
    pub email: String,
    pub password: String,
    pub access: String,
    pub refresh: String,
}

pub struct Builder {
    /// Local worker slots of this server's dispatcher (`None`: it runs no
    /// jobs, as `HABILIS_COMPUTE_EXECUTOR=none`).
    compute_slots: Option<u32>,
    policy_toml: Option<String>,
    catalog_toml: Option<String>,
    mail_poll_ms: u64,
    spa: bool,
    db_keys: bool,
    metrics_bind: bool,
    smtp: bool,
    /// Another process's database and data directory (`DATABASE_URL`,
    /// `HABILIS_DATA_DIR`), owned by the test.
    shared: Option<(String, PathBuf)>,
}

impl Builder {
    pub fn policy(mut self, toml: &str) -> Self {
        self.policy_toml = Some(toml.to_owned());
        self
    }
    /// Starts with this catalog file (`HABILIS_CATALOG`) in place of the
    /// built-in one.
    pub fn catalog(mut self, toml: &str) -> Self {
        self.catalog_toml = Some(toml.to_owned());
        self
    }
    /// Serves a stand-in SPA (an `index.html` and a stylesheet).
    /// Runs jobs on `slots` local worker slots, dispatching every 50 ms.
    pub fn with_compute(mut self, slots: u32) -> Self {
        self.compute_slots = Some(slots);
        self
    }

    pub fn with_spa(mut self) -> Self {
        self.spa = true;
        self
    }
    pub fn without_mail_worker(mut self) -> Self {
        self.mail_poll_ms = 0;
        self
    }
    /// Signs with the keys kept in the database (no `HABILIS_JWT_SECRET`).
    pub fn with_db_keys(mut self) -> Self {
        self.db_keys = true;
        self
    }
    /// `/metrics` on a listener of its own (`HABILIS_METRICS_BIND`).
    pub fn with_metrics_bind(mut self) -> Self {
        self.metrics_bind = true;
        self
    }
    /// Listens for support mail over SMTP (`HABILIS_SMTP_LISTEN`).
    pub fn with_smtp(mut self) -> Self {
        self.smtp = true;
        self
    }
    /// Serves on a database and data directory the test owns (those of a
    /// `habilis serve` it spawns).
    pub fn on(mut self, db_url: &str, data_dir: &std::path::Path) -> Self {
        self.shared = Some((db_url.to_owned(), data_dir.to_owned()));
        self
    }
    pub async fn start(self) -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        let (db, db_url, data_dir) = match &self.shared {
            Some((url, data)) => (None, url.clone(), data.clone()),
            None => {
                let db = TestDb::new(dir.path());
                let url = db.url.clone();
                (Some(db), url, dir.path().join("data"))
            }
        };
        let mut config = Config {
            bind: "127.0.0.1:0".into(),
            database_url: Some(db_url.clone()),
            data_dir,
            jwt_secret: Some(JWT_SECRET.into()),
            mail_poll_ms: self.mail_poll_ms,
            // Tests run jobs themselves, at the time they choose.
            jobs_poll_ms: 0,
            workers: Some(1),
            db_pool: 4,
            public_url: Some("http://habilis.test".into()),
            dist_dir: dir.path().join("no-dist"),
            storage_url: test_storage_url(),
            compute_executor: "none".into(),
            ..Config::default()
        };
        if let Some(slots) = self.compute_slots {
            config.compute_executor = "local".into();
            config.compute_slots = slots;
            config.compute_tick_ms = 50;
            // Jobs run as an unprivileged account when the tests run as
            // root: it must reach the data directory.
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
                .expect("chmod");
        }
        if self.db_keys {
            config.jwt_secret = None;
        }
        if self.metrics_bind {
            config.metrics_bind = Some("127.0.0.1:0".into());
        }
        if self.smtp {
            config.smtp_listen = Some("127.0.0.1:0".into());
        }
        if self.spa {
            let dist = dir.path().join("dist");
            std::fs::create_dir_all(&dist).expect("dist");
            std::fs::write(
                dist.join("index.html"),
                "<!doctype html><title>Habilis SPA</title>",
            )
            .expect("index");
            std::fs::write(dist.join("style.css"), "body {}").expect("css");
            config.dist_dir = dist;
        }
        if let Some(toml) = self.policy_toml {
            let path = dir.path().join("policy.toml");
            std::fs::write(&path, toml).expect("policy file");
            config.policy_file = Some(path);
        }
        if let Some(toml) = self.catalog_toml {
            let path = dir.path().join("catalog.toml");
            std::fs::write(&path, toml).expect("catalog file");
            config.catalog_file = Some(path);
        }
        let config_storage_url = config.storage_url.clone();
        let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
        let app = Application::build_with_clock(config, clock.clone() as Arc<dyn Clock>)
            .await
            .expect("application builds");
        let base = format!("http://127.0.0.1:{}", app.port());
        let metrics_base = app.metrics_port().map(|p| format!("http://127.0.0.1:{p}"));
        let smtp_port = app.smtp_port();
        let handle = app.handle();
        let state = app.state.clone();
        actix_web::rt::spawn(app.run_until_stopped());
        // First admin, as `habilis bootstrap-admin --password-stdin` would.
        let st = state.clone();
        actix_web::web::block(move || {
            let mut conn = st.pool.get().expect("connection");
            let hash = habilis_api::auth::password::hash(ADMIN_PASSWORD).expect("hash");
            habilis_api::accounts::service::bootstrap_admin(
                &mut conn,
                &st.policy,
                "http://habilis.test",
                ADMIN_EMAIL,
                "Ada",
                "Admin",
                hash,
                false,
                st.now(),
            )
            .expect("bootstrap admin");
        })
        .await
        .expect("blocking");
        TestApp {
            base,
            storage_url: config_storage_url,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            clock,
            state,
            dir,
            metrics_base,
            smtp_port,
            handle,
            db_url,
            _db: db,
        }
    }
}

impl TestApp {
    pub fn builder() -> Builder {
        Builder {
            compute_slots: None,
            policy_toml: None,
            catalog_toml: None,
            mail_poll_ms: 50,
            spa: false,
            db_keys: false,
            metrics_bind: false,
            smtp: false,
            shared: None,
        }
    }

    pub async fn new() -> TestApp {
        Self::builder().start().await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// The `DATABASE_URL` of this test's database (for a second pool, as a
    /// second API process would open).
    pub fn db_url(&self) -> &str {
        &self.db_url
    }

    pub async fn request(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> reqwest::Response {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.expect("request sent")
    }

    pub async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.request("GET", path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> reqwest::Response {
        self.request("POST", path, Some(token), Some(body)).await
    }

    pub async fn login_raw(&self, email: &str, password: &str) -> reqwest::Response {
        self.request(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({ "email": email, "password": password })),
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> Session {
        let res = self.login_raw(email, password).await;
        assert_eq!(res.status(), 200, "login of {email}");
        let pair: TokenPair = res.json().await.expect("token pair");
        let me: Value = self
            .get("/api/v1/me", &pair.access_token)
            .await
            .json()
            .await
            .expect("me");
        Session {
            id: me["user"]["id"].as_str().expect("id").to_owned(),
            email: email.to_owned(),
            password: password.to_owned(),
            access: pair.access_token,
            refresh: pair.refresh_token,
        }
    }

    pub async fn admin(&self) -> Session {
        self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    /// Creates an account as `creator`; returns it with its initial password.
    pub async fn create(
        &self,
        creator: &Session,
        profile: Profile,
        email: &str,
    ) -> (UserView, String) {
        let res = self
            .post(
                "/api/v1/users",
                &creator.access,
                json!({ "first_name": "Test", "last_name": profile.as_str(), "email": email, "profile": profile }),
            )
            .await;
        assert_eq!(
            res.status(),
            201,
            "create {profile} {email}: {:?}",
            res.text().await
        );
        let created: CreatedUser = res.json().await.expect("created user");
        (created.user, created.initial_password)
    }

    /// The token of the newest link e-mailed to `to` whose address holds
    /// `marker` (`activate?token=`, `reset-password?token=`), read from the
    /// outbox (whether or not the mail worker sent it already).
    pub async fn link_token(&self, to: &str, marker: &str) -> Option<String> {
        use diesel::prelude::*;
        use habilis_api::db::schema::outbox;
        let (to, marker) = (to.to_owned(), marker.to_owned());
        let pattern = format!("%{marker}%");
        self.with_db(move |conn| {
            let body: Option<String> = outbox::table
                .filter(outbox::to_addr.eq(&to))
                .filter(outbox::body.like(&pattern))
                .order(outbox::id.desc())
                .select(outbox::body)
                .first(conn)
                .optional()
                .expect("outbox");
            body.and_then(|b| {
                b.split(marker.as_str())
                    .nth(1)
                    .and_then(|rest| rest.split_whitespace().next())
                    .map(str::to_owned)
            })
        })
        .await
    }

    /// Opens the activation link e-mailed to `email` (SPEC §3.2: a
    /// `created` account signs in only after that).
    pub async fn activate(&self, email: &str) {
        let token = self
            .link_token(email, "activate?token=")
            .await
            .unwrap_or_else(|| panic!("no activation link for {email}"));
        let res = self
            .request(
                "POST",
                "/api/v1/auth/activate",
                None,
                Some(json!({ "token": token })),
            )
            .await;
        assert_eq!(res.status(), 204, "activate {email}");
    }

    /// Creates an account, activates it, signs it in and settles its password.
    pub async fn ready(&self, creator: &Session, profile: Profile, email: &str) -> Session {
        let (_, initial) = self.create(creator, profile, email).await;
        self.activate(email).await;
        let first = self.login(email, &initial).await;
        let res = self
            .post(
                "/api/v1/auth/password",
                &first.access,
                json!({ "current_password": initial, "new_password": NEW_PASSWORD }),
            )
            .await;
        assert_eq!(res.status(), 204);
        Session {
            password: NEW_PASSWORD.into(),
            ..first
        }
    }

    /// Accepts the current confidentiality charter as `s` (works need it).
    pub async fn accept_charter(&self, s: &Session) {
        let policy: Value = self
            .request("GET", "/api/v1/policy", None, None)
            .await
            .json()
            .await
            .expect("json");
        let res = self
            .post(
                "/api/v1/me/charter",
                &s.access,
                json!({ "version": policy["charter_version"] }),
            )
            .await;
        assert_eq!(res.status(), 200, "accept the charter");
    }

    /// Records a draft work as `s`; returns its id.
    pub async fn draft(&self, s: &Session, title: &str) -> String {
        let res = self
            .post("/api/v1/works", &s.access, json!({ "title": title }))
            .await;
        assert_eq!(res.status(), 201, "record a draft");
        let w: Value = res.json().await.expect("json");
        w["id"].as_str().expect("id").to_owned()
    }

    /// A draft owned by `s`, recorded as a succeeded compute job records
    /// its output: the way a novice gets a work (`POST /works` refuses
    /// them). Outside any project; `compute::a_job_runs_leaves_its_log_and_a_draft_work`
    /// runs the real job.
    pub async fn job_draft(&self, s: &Session, title: &str) -> String {
        let (owner, title) = (s.id.clone(), title.to_owned());
        let now = self.state.clock.now();
        self.with_db(move |conn| {
            let id = uuid::Uuid::now_v7().to_string();
            let work = habilis_api::works::queries::NewWork {
                id: &id,
                owner_id: &owner,
                title: &title,
                summary: "",
                project_id: None,
                at: habilis_api::clock::db_time(now),
            };
            habilis_api::works::service::record_job_output(conn, now, &work, "test-job")
                .expect("record a job's draft");
            id
        })
        .await
    }

    /// The id of organisation `org`'s local desk, as `s` lists the desks.
    pub async fn local_desk(&self, s: &Session, org: &str) -> String {
        let res = self.get("/api/v1/desks", &s.access).await;
        assert_eq!(res.status(), 200, "list the desks");
        let desks: Value = res.json().await.expect("json");
        desks["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|d| d["org_id"] == org)
            .and_then(|d| d["id"].as_str())
            .expect("the organisation's local desk")
            .to_owned()
    }

    /// A small organisation: admin → expert → confirmed → novice, plus a webmaster.
    pub async fn hierarchy(&self) -> Hierarchy {
        let admin = self.admin().await;
        let expert = self
            .ready(&admin, Profile::Expert, "expert@inserm.fr")
            .await;
        let webmaster = self
            .ready(&admin, Profile::Webmaster, "webmaster@inserm.fr")
            .await;
        let confirmed = self
            .ready(&expert, Profile::Confirmed, "confirmed@inserm.fr")
            .await;
        let novice = self
            .ready(&confirmed, Profile::Novice, "novice@inserm.fr")
            .await;
        Hierarchy {
            admin,
            expert,
            webmaster,
            confirmed,
            novice,
        }
    }

    pub fn mail_dir(&self) -> PathBuf {
        self.state.config.data_dir.join("mail")
    }

    /// Waits (bounded) for an `.eml` whose text satisfies `pred`.
    pub async fn wait_for_mail(&self, pred: impl Fn(&str) -> bool) -> String {
        for _ in 0..200 {
            if let Ok(entries) = std::fs::read_dir(self.mail_dir()) {
                for e in entries.flatten() {
                    if e.path().extension().is_some_and(|x| x == "eml") {
                        if let Ok(text) = std::fs::read_to_string(e.path()) {
                            if pred(&text) {
                                return text;
                            }
                        }
                    }
                }
            }
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "no matching e-mail arrived in {}",
            self.mail_dir().display()
        );
    }

    /// What the test's storage holds: on the local disk, the files under
    /// its directory (temporary and staged ones included); on S3, the
    /// objects under the test's prefix (tails of staged uploads included)
    /// and its multipart uploads in progress (`upload:<path>`). An abort
    /// that async code sent off (a dropped upload) is waited for, within
    /// ten seconds.
    pub async fn objects(&self) -> Vec<String> {
        let Some(url) = self.storage_url.clone() else {
            let root = self.state.config.data_dir.join("objects");
            let mut out = Vec::new();
            for dir in [root.clone(), root.join("tmp"), root.join("uploads")] {
                if let Ok(entries) = std::fs::read_dir(&dir) {
                    for e in entries.flatten() {
                        if e.path().is_file() {
                            out.push(e.path().display().to_string());
                        }
                    }
                }
            }
            return out;
        };
        let store =
            Arc::new(habilis_api::storage::S3Storage::open(&url).expect("test storage URL"));
        let mut waited = 0;
        loop {
            let s = store.clone();
            let now = actix_web::web::block(move || s.contents())
                .await
                .expect("blocking")
                .expect("list the bucket");
            if waited >= 100 || !now.iter().any(|o| o.starts_with("upload:")) {
                return now;
            }
            waited += 1;
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Runs diesel work against the test database.
    pub async fn with_db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut habilis_api::db::DbConn) -> T + Send + 'static,
    ) -> T {
        let pool = self.state.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get().expect("connection");
            f(&mut conn)
        })
        .await
        .expect("blocking")
    }
}

pub struct Hierarchy {
    pub admin: Session,
    pub expert: Session,
    pub webmaster: Session,
    pub confirmed: Session,
    pub novice: Session,
}

/// The answer's `Content-Type`, or "" when it has none.
pub fn content_type(res: &reqwest::Response) -> String {
    res.headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Asserts a problem+json answer with this status; returns the body.
pub async fn problem(res: reqwest::Response, status: u16) -> Value {
    let got = res.status().as_u16();
    let ct = content_type(&res);
    let text = res.text().await.unwrap_or_default();
    assert_eq!(got, status, "status (body: {text})");
    assert!(
        ct.starts_with("application/problem+json"),
        "content-type {ct} for {text}"
    );
    let v: Value = serde_json::from_str(&text).expect("problem JSON");
    assert_eq!(v["status"], status);
    assert!(v["type"].is_string() && v["title"].is_string() && v["detail"].is_string());
    v
}

/// One operation of the OpenAPI document.
pub struct DocumentedOp {
    pub method: &'static str,
    pub path: String,
    pub has_body: bool,
}

/// Every operation the OpenAPI document lists, whatever its method: the
/// suites that must cover every route (the function-level matrix, the
/// attacks) walk this, so a new route cannot be forgotten.
pub fn documented_operations() -> Vec<DocumentedOp> {
    use utoipa::OpenApi;
    let doc = habilis_api::routes::ApiDoc::openapi();
    let mut ops = Vec::new();
    for (path, item) in doc.paths.paths {
        for (method, op) in [
            ("GET", item.get),
            ("HEAD", item.head),
            ("OPTIONS", item.options),
            ("POST", item.post),
            ("PUT", item.put),
            ("PATCH", item.patch),
            ("DELETE", item.delete),
            ("TRACE", item.trace),
        ] {
            if let Some(op) = op {
                ops.push(DocumentedOp {
                    method,
                    path: path.clone(),
                    has_body: op.request_body.is_some(),
                });
            }
        }
    }
    ops
}

impl TestApp {
    /// Approves `project` as each of `approvers` (its sponsor and its data
    /// steward): the project becomes active.
    pub async fn approve(&self, project: &str, approvers: &[&Session]) {
        for approver in approvers {
            let inbox: Value = self
                .get("/api/v1/approvals", &approver.access)
                .await
                .json()
                .await
                .expect("json");
            let approval = inbox["items"]
                .as_array()
                .expect("items")
                .iter()
                .find(|a| a["subject_id"] == project)
                .and_then(|a| a["id"].as_str())
                .expect("approval")
                .to_owned();
            let res = self
                .post(
                    &format!("/api/v1/approvals/{approval}/decision"),
                    &approver.access,
                    json!({ "decision": "approve" }),
                )
                .await;
            assert_eq!(res.status(), 200, "approve {project}");
        }
    }
}

/// A chunked request (no `Content-Length`) of `n` bytes: its status.
pub fn raw_chunked(method: &str, app: &TestApp, token: &str, target: &str, n: usize) -> u16 {
    use std::io::{Read, Write};
    let host = app.base.trim_start_matches("http://").to_owned();
    let mut s = std::net::TcpStream::connect(&host).expect("connect");
    // The server answers before reading everything: never block on it.
    let limit = Some(std::time::Duration::from_secs(5));
    s.set_write_timeout(limit).expect("timeout");
    s.set_read_timeout(limit).expect("timeout");
    write!(
        s,
        "{method} {target} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let chunk = vec![b'x'; 64 * 1024];
    let mut sent = 0;
    while sent < n {
        let k = chunk.len().min(n - sent);
        // The server may answer and close before everything is sent.
        if write!(s, "{k:x}\r\n").is_err()
            || s.write_all(&chunk[..k]).is_err()
            || s.write_all(b"\r\n").is_err()
        {
            break;
        }
        sent += k;
    }
    let _ = s.write_all(b"0\r\n\r\n");
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    answer
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

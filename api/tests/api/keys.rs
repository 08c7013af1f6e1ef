//! Signing keys shared through the database: two `habilis serve` on one
//! database accept each other's tokens, `habilis keys rotate` keeps the
//! previous key for one access-token lifetime (then it verifies nothing),
//! and `HABILIS_JWT_SECRET` overrides the database's keys.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use habilis_api::auth::jwt::{stored_keys, Claims};
use habilis_shared::dto::TokenPair;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use crate::helpers::{TestApp, TestDb, ADMIN_EMAIL, ADMIN_PASSWORD};

fn kid_of(token: &str) -> Option<String> {
    jsonwebtoken::decode_header(token).expect("a JWT").kid
}

fn claims_of(token: &str) -> Claims {
    jsonwebtoken::dangerous::insecure_decode::<Claims>(token)
        .expect("claims")
        .claims
}

/// A token for `like`'s user and session, valid for ten hours from `now`,
/// signed with `secret` under `kid`.
fn forged(like: &str, kid: &str, secret: &str, now: chrono::DateTime<chrono::Utc>) -> String {
    let c = claims_of(like);
    let claims = Claims {
        iat: now.timestamp(),
        nbf: now.timestamp(),
        exp: now.timestamp() + 10 * 3600,
        ..c
    };
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(
        &header,
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("signed")
}

fn habilis(db_url: &str, data_dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_habilis"));
    cmd.env_clear()
        .env("DATABASE_URL", db_url)
        .env("HABILIS_DATA_DIR", data_dir)
        .stdin(Stdio::null());
    cmd
}

fn rotate(db_url: &str, data_dir: &Path) -> String {
    let out = habilis(db_url, data_dir)
        .args(["keys", "rotate"])
        .output()
        .expect("habilis runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "keys rotate: {text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("new signing key"), "{text}");
    text
}

#[actix_web::test]
async fn rotation_keeps_the_previous_key_for_one_access_token_lifetime() {
    let app = TestApp::builder().with_db_keys().start().await;
    let admin = app.admin().await;
    let keys = app.with_db(|c| stored_keys(c).expect("keys")).await;
    assert_eq!(keys.len(), 1, "one key created at start");
    let first = keys[0].clone();
    assert_eq!(kid_of(&admin.access).as_deref(), Some(first.kid.as_str()));

    rotate(app.db_url(), &app.dir.path().join("cli"));
    let keys = app.with_db(|c| stored_keys(c).expect("keys")).await;
    assert_eq!(keys.len(), 2);
    let second = keys[0].clone();
    assert_eq!(second.generation, first.generation + 1);
    assert!(second.retires_at.is_none() && keys[1].retires_at.is_some());

    // The token signed before the rotation still opens the door, and so
    // does any token the previous key signed, for now.
    let res = app.get("/api/v1/me", &admin.access).await;
    assert_eq!(res.status(), 200);
    let old_long = forged(&admin.access, &first.kid, &first.secret, app.state.now());
    assert_eq!(app.get("/api/v1/me", &old_long).await.status(), 200);

    // This process signs with the new key once it has read the keys again
    // (other replicas do within seconds).
    let st = app.state.clone();
    app.with_db(move |c| st.jwt.reload(c).expect("reload"))
        .await;
    let again = app.admin().await;
    assert_eq!(kid_of(&again.access).as_deref(), Some(second.kid.as_str()));
    let new_long = forged(&again.access, &second.kid, &second.secret, app.state.now());

    // One access-token lifetime later, the previous key verifies nothing.
    let ttl = app.state.access_ttl_secs();
    app.clock.advance(chrono::Duration::seconds(ttl + 60));
    let res = app.get("/api/v1/me", &old_long).await;
    assert_eq!(res.status(), 401, "a retired key still verifies");
    assert_eq!(app.get("/api/v1/me", &new_long).await.status(), 200);

    // The next rotation (at that later time) forgets the retired key.
    let now = app.state.now();
    app.with_db(move |c| habilis_api::auth::jwt::rotate(c, now, ttl).expect("rotate"))
        .await;
    let keys = app.with_db(|c| stored_keys(c).expect("keys")).await;
    let kids: Vec<&str> = keys.iter().map(|k| k.kid.as_str()).collect();
    assert_eq!(kids.len(), 2, "{kids:?}");
    assert!(!kids.contains(&first.kid.as_str()), "{kids:?}");
}

#[actix_web::test]
async fn a_configured_secret_overrides_the_database_keys() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    assert_eq!(kid_of(&admin.access), None);
    let keys = app.with_db(|c| stored_keys(c).expect("keys")).await;
    assert!(keys.is_empty(), "no key is created when the secret is set");
    // A token naming a key of the database is not taken either.
    let res = app
        .get(
            "/api/v1/me",
            &forged(
                &admin.access,
                "abc",
                "0123456789abcdef0123456789abcdef",
                app.state.now(),
            ),
        )
        .await;
    assert_eq!(res.status(), 401);
}

/// A `habilis serve` child, killed on drop.
struct Server {
    child: Child,
    base: String,
    log: std::path::PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn serve(db_url: &str, dir: &Path) -> Server {
    std::fs::create_dir_all(dir).expect("data dir");
    let port = free_port();
    let log = dir.join("server.log");
    let child = habilis(db_url, dir)
        .arg("serve")
        .env("HABILIS_BIND", format!("127.0.0.1:{port}"))
        .env("HABILIS_MAIL_POLL_MS", "0")
        .env("HABILIS_JOBS_POLL_MS", "0")
        .env("HABILIS_WORKERS", "1")
        .env("HABILIS_DB_POOL", "4")
        .env("HABILIS_DIST_DIR", dir.join("no-dist"))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("log file"))
        .spawn()
        .expect("habilis serve starts");
    Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
        log,
    }
}

async fn wait_ready(client: &reqwest::Client, s: &mut Server) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(res) = client.get(format!("{}/readyz", s.base)).send().await {
            if res.status() == 200 {
                return;
            }
        }
        let exited = s.child.try_wait().ok().flatten();
        if exited.is_some() || Instant::now() > deadline {
            panic!(
                "habilis serve not ready ({exited:?}): {}",
                std::fs::read_to_string(&s.log).unwrap_or_default()
            );
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn login(client: &reqwest::Client, base: &str) -> TokenPair {
    let res = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status(), 200, "login on {base}");
    res.json().await.expect("token pair")
}

async fn me(client: &reqwest::Client, base: &str, token: &str) -> u16 {
    client
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(token)
        .send()
        .await
        .expect("sent")
        .status()
        .as_u16()
}

#[actix_web::test]
async fn two_serve_processes_on_one_database_accept_each_others_tokens() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = TestDb::new(dir.path());
    // The schema and the first admin, as an operator would before starting
    // the replicas.
    let out = habilis(&db.url, &dir.path().join("cli"))
        .args([
            "bootstrap-admin",
            "--email",
            ADMIN_EMAIL,
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin
                .take()
                .expect("stdin")
                .write_all(ADMIN_PASSWORD.as_bytes())?;
            c.wait_with_output()
        })
        .expect("bootstrap-admin");
    assert!(out.status.success(), "{out:?}");

    // Two replicas start together, each with its own data directory (no
    // file is shared): one key is created, and both use it.
    let mut a = serve(&db.url, &dir.path().join("a"));
    let mut b = serve(&db.url, &dir.path().join("b"));
    let client = reqwest::Client::new();
    wait_ready(&client, &mut a).await;
    wait_ready(&client, &mut b).await;
    let pool = habilis_api::db::connect_pool(&db.url, 1).expect("pool");
    let keys = {
        let mut conn = pool.get().expect("connection");
        stored_keys(&mut conn).expect("keys")
    };
    assert_eq!(keys.len(), 1, "exactly one key for two processes");

    let from_a = login(&client, &a.base).await;
    let from_b = login(&client, &b.base).await;
    assert_eq!(
        kid_of(&from_a.access_token).as_deref(),
        Some(keys[0].kid.as_str())
    );
    assert_eq!(me(&client, &b.base, &from_a.access_token).await, 200);
    assert_eq!(me(&client, &a.base, &from_b.access_token).await, 200);

    // A rotation from the command line reaches both: B signs with the new
    // key within seconds, and A takes the token it has never seen the key
    // of; A's token of before the rotation still works on B.
    rotate(&db.url, &dir.path().join("cli"));
    actix_web::rt::time::sleep(Duration::from_millis(5500)).await;
    let res = client
        .post(format!("{}/api/v1/auth/refresh", b.base))
        .json(&json!({"refresh_token": from_b.refresh_token}))
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status(), 200);
    let renewed: Value = res.json().await.expect("pair");
    let renewed = renewed["access_token"].as_str().expect("token").to_owned();
    assert_ne!(kid_of(&renewed), kid_of(&from_b.access_token));
    assert_eq!(me(&client, &a.base, &renewed).await, 200);
    assert_eq!(me(&client, &b.base, &from_a.access_token).await, 200);
}

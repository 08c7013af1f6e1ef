//! Crash safety (issue 7): `kill -9` the real server during a burst of
//! account creations. After a restart every 201 that was answered is in
//! the database, the audit chain verifies, and every outbox e-mail is
//! delivered exactly once (none lost, none twice).

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use diesel::prelude::*;
use habilis_api::db::schema::{outbox, users};
use serde_json::{json, Value};

use crate::helpers::{TestDb, ADMIN_PASSWORD, JWT_SECRET};

pub(crate) struct Server {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) db: TestDb,
    port: u16,
}

impl Server {
    pub(crate) fn new() -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = TestDb::new(dir.path());
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("free port");
        Server { dir, db, port }
    }

    pub(crate) fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_habilis"));
        cmd.args(args)
            .env_clear()
            .env("HABILIS_DATA_DIR", self.dir.path().join("data"))
            .env("DATABASE_URL", &self.db.url)
            .env("HABILIS_BIND", format!("127.0.0.1:{}", self.port))
            .env("HABILIS_JWT_SECRET", JWT_SECRET)
            .env("HABILIS_MAIL_POLL_MS", "50")
            .env("HABILIS_JOBS_POLL_MS", "0")
            .env("HABILIS_DIST_DIR", self.dir.path().join("no-dist"))
            .env("HABILIS_WORKERS", "2")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        cmd
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub(crate) async fn start(&self, client: &reqwest::Client) -> Child {
        let mut child = self.command(&["serve"]).spawn().expect("serve starts");
        for _ in 0..300 {
            if client
                .get(self.url("/readyz"))
                .send()
                .await
                .is_ok_and(|r| r.status() == 200)
            {
                return child;
            }
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("the server did not become ready");
    }

    fn mail_files(&self) -> Vec<String> {
        std::fs::read_dir(self.dir.path().join("data").join("mail"))
            .map(|d| {
                d.flatten()
                    .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                    .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[actix_web::test]
async fn kill_9_during_account_creations_loses_nothing() {
    let server = Server::new();
    let mut boot = server
        .command(&[
            "bootstrap-admin",
            "--email",
            "admin@inserm.fr",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .spawn()
        .expect("bootstrap");
    boot.stdin
        .take()
        .expect("stdin")
        .write_all(ADMIN_PASSWORD.as_bytes())
        .expect("password");
    assert!(boot.wait().expect("bootstrap ends").success());

    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    let mut child = server.start(&client).await;
    let login: Value = client
        .post(server.url("/api/v1/auth/login"))
        .json(&json!({ "email": "admin@inserm.fr", "password": ADMIN_PASSWORD }))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    let token = login["access_token"].as_str().expect("token").to_owned();

    // Creations keep coming from eight clients, each sending its next
    // one as soon as the last is answered, until the server is gone; the
    // server dies once twenty have been answered, so it is killed under
    // load whatever the speed of the machine (a fixed burst can be over
    // before the kill on a fast one). Every client's last request is the
    // one the kill cut off.
    let clients = 8;
    let kill_after = 20;
    let created = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (client, url, token, created) = (
            client.clone(),
            server.url("/api/v1/users"),
            token.clone(),
            created.clone(),
        );
        tasks.push(actix_web::rt::spawn(async move {
            let (mut answered, mut cut_off) = (Vec::new(), 0usize);
            for i in 0..10_000 {
                let email = format!("burst{c}-{i}@inserm.fr");
                let res = client
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&json!({ "first_name": "B", "last_name": format!("{c}-{i}"), "email": email, "profile": "expert" }))
                    .send()
                    .await;
                match res.map(|r| r.status().as_u16()) {
                    Ok(201) => {
                        created.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        answered.push(email);
                    }
                    Ok(status) => panic!("{email}: unexpected {status} before the kill"),
                    Err(_) => {
                        cut_off += 1;
                        break;
                    }
                }
            }
            (answered, cut_off)
        }));
    }
    for _ in 0..4000 {
        if created.load(std::sync::atomic::Ordering::SeqCst) >= kill_after {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().expect("kill -9");
    child.wait().expect("reaped");
    let (mut answered, mut cut_off) = (Vec::new(), 0);
    for t in tasks {
        let (emails, cut) = t.await.expect("task");
        answered.extend(emails);
        cut_off += cut;
    }

    assert!(
        answered.len() >= kill_after,
        "creations were answered before the kill"
    );
    assert_eq!(
        cut_off, clients,
        "the kill cut off every client's last request"
    );
    // Restart: what was answered 201 is there; the chain verifies.
    let mut child = server.start(&client).await;
    let pool = habilis_api::db::connect_pool(&server.db.url, 1).expect("pool");
    let mut pooled = pool.get().expect("conn");
    let conn: &mut habilis_api::db::DbConn = &mut pooled;
    let stored: Vec<String> = users::table
        .filter(users::email_key.like("burst%"))
        .select(users::email_key)
        .load(conn)
        .expect("users");
    for email in &answered {
        assert!(
            stored.contains(email),
            "{email} was answered 201 but is missing"
        );
    }
    let verify = server
        .command(&["audit", "verify"])
        .stdout(Stdio::piped())
        .output()
        .expect("audit verify");
    assert!(verify.status.success(), "audit chain broken after kill -9");
    assert!(String::from_utf8_lossy(&verify.stdout).starts_with("ok"));

    // A message the killed worker had leased waits for its lease to end
    // (two minutes) before another worker takes it: that is what keeps it
    // from going out twice. Rather than wait, the test ends those leases,
    // as the clock would.
    let orphaned = diesel::update(
        outbox::table
            .filter(outbox::sent_at.is_null())
            .filter(outbox::lease_owner.is_not_null()),
    )
    .set(outbox::lease_until.eq(Some(
        (chrono::Utc::now() - chrono::Duration::seconds(1)).naive_utc(),
    )))
    .execute(conn)
    .expect("end the dead worker's leases");
    eprintln!(
        "{} answered, {} stored, {orphaned} lease(s) of the killed worker",
        answered.len(),
        stored.len()
    );
    // Every stored account has its activation e-mail, delivered once.
    let mut pending = i64::MAX;
    for _ in 0..200 {
        pending = outbox::table
            .filter(outbox::sent_at.is_null())
            .count()
            .get_result(conn)
            .expect("outbox");
        if pending == 0 {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(pending, 0, "the outbox drains after the restart");
    let files = server.mail_files();
    for email in &stored {
        let n = files
            .iter()
            .filter(|m| m.contains(&format!("To: {email}")))
            .count();
        assert_eq!(n, 1, "{email}: {n} e-mails");
    }
    let _ = child.kill();
    let _ = child.wait();
}

//! Running instances (issue 16 §3–§6), with the real local spawner: an
//! order approved by the project's sponsor and data steward, a PostgreSQL
//! launched in one click that `psql` reaches with the README's
//! credentials, the idle notice, keep and purge on the app's clock, the
//! usage it leaves; JupyterLab and its token; schema violations; the
//! confirmation of a deletion; what another project's member and the
//! project's managers see; the caps; two replicas on one database.

use std::sync::Arc;
use std::time::Duration;

use diesel::prelude::*;
use habilis_api::clock::Clock;
use habilis_api::db::schema::{audit_log, instance_usage, instances, outbox};
use habilis_shared::policy::Profile;
use serde_json::{json, Value};

use crate::datasets::{lab, Lab};
use crate::helpers::*;

/// The lab of the datasets tests, its data steward signed in, and an
/// account of another organisation with a project of its own.
pub(crate) struct Services {
    pub(crate) lab: Lab,
    pub(crate) member: Session,
}

pub(crate) async fn services(app: &TestApp) -> Services {
    let lab = lab(app).await;
    let member = app.login("member@inserm.fr", NEW_PASSWORD).await;
    Services { lab, member }
}

/// An approved order of `offering` for the lab's project, by `who`.
pub(crate) async fn approved_order(
    app: &TestApp,
    s: &Services,
    who: &Session,
    offering: &str,
) -> String {
    let res = app
        .post(
            &format!("/api/v1/projects/{}/orders", s.lab.project),
            &who.access,
            json!({ "offering_id": offering, "comment": "for the cohort" }),
        )
        .await;
    let status = res.status();
    let body: Value = res.json().await.expect("json");
    assert_eq!(status, 201, "{body}");
    let order = body["id"].as_str().expect("order").to_owned();
    app.approve(&order, &[&s.lab.h.confirmed, &s.member]).await;
    order
}

/// Runs the due jobs now, as a `serve` worker with spawners would.
pub(crate) async fn run_jobs(app: &TestApp) -> usize {
    let (pool, policy, storage) = (
        app.state.pool.clone(),
        app.state.policy.clone(),
        app.state.storage.clone(),
    );
    let env = habilis_api::app::instance_env(&app.state);
    let now = app.clock.now();
    actix_web::web::block(move || {
        habilis_api::app::job_kinds().with_instances(env).run_due(
            &pool,
            &policy,
            &*storage,
            "test-worker",
            now,
            50,
        )
    })
    .await
    .expect("blocking")
    .expect("jobs pass")
}

pub(crate) async fn launch(app: &TestApp, who: &Session, order: &str, body: Value) -> (u16, Value) {
    let res = app
        .post(
            &format!("/api/v1/orders/{order}/instances"),
            &who.access,
            body,
        )
        .await;
    let status = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Polls the instance until it leaves `starting` (at most a minute).
pub(crate) async fn settled(app: &TestApp, who: &Session, id: &str) -> Value {
    for _ in 0..600 {
        let v: Value = app
            .get(&format!("/api/v1/instances/{id}"), &who.access)
            .await
            .json()
            .await
            .expect("json");
        if v["state"] != "starting" {
            return v;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("instance {id} still starting after a minute");
}

fn psql() -> std::path::PathBuf {
    let mut found: Vec<std::path::PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("Debian PostgreSQL")
        .flatten()
        .map(|e| e.path().join("bin/psql"))
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    found.pop().expect("a psql")
}

/// The password the README gives, on the line that names it.
fn readme_password(readme: &str) -> String {
    readme
        .lines()
        .filter(|l| l.to_lowercase().contains("password"))
        .flat_map(|l| l.split(|c: char| c.is_whitespace() || c == '`' || c == '*' || c == ':'))
        .find(|w| {
            w.len() >= 16
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .unwrap_or_else(|| panic!("no password in the README:\n{readme}"))
        .to_owned()
}

/// Runs `select <n>` through `psql` with the README's coordinates.
fn psql_select(view: &Value, password: &str) -> std::process::Output {
    let url = view["open_url"].as_str().expect("open_url");
    std::process::Command::new(psql())
        .arg(url)
        .args(["-tAc", "select 40 + 2"])
        .env("PGPASSWORD", password)
        .env("PGCONNECT_TIMEOUT", "10")
        .output()
        .expect("psql runs")
}

async fn audit_count(app: &TestApp, action: &'static str, target: &str) -> i64 {
    let target = target.to_owned();
    app.with_db(move |c| {
        audit_log::table
            .filter(audit_log::action.eq(action))
            .filter(audit_log::target_id.eq(target))
            .count()
            .get_result(c)
            .expect("count")
    })
    .await
}

#[actix_web::test]
async fn order_launch_psql_notice_keep_purge_and_usage() {
    let app = TestApp::new().await;
    let s = services(&app).await;
    let mut novice = s.lab.h.novice.clone();
    let mut expert = s.lab.h.expert.clone();
    let order = approved_order(&app, &s, &novice, "postgresql").await;

    // One click: a name, no configuration.
    let (status, body) = launch(&app, &novice, &order, json!({ "name": "cohort-db" })).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["state"], "starting");
    let id = body["id"].as_str().expect("id").to_owned();
    let view = settled(&app, &novice, &id).await;
    assert_eq!(view["state"], "running", "{view}");
    let readme = view["readme"].as_str().expect("the owner sees the README");
    let html = view["readme_html"].as_str().expect("and its HTML");
    assert!(!html.contains("<script"), "{html}");
    let password = readme_password(readme);
    assert!(html.contains(&password));

    // `psql` reaches it with what the README says; a wrong password fails.
    let out = psql_select(&view, &password);
    assert!(
        out.status.success(),
        "psql: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "42");
    assert!(!psql_select(&view, "not-the-password").status.success());

    // The project's manager sees the instance, not its credentials;
    // another organisation's account does not know it exists.
    let seen: Value = app
        .get(&format!("/api/v1/instances/{id}"), &expert.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(seen["id"], id.as_str());
    assert!(seen["readme"].is_null() && seen["readme_html"].is_null());
    assert!(!seen.to_string().contains(&password));
    let list: Value = app
        .get("/api/v1/instances", &expert.access)
        .await
        .json()
        .await
        .expect("json");
    assert!(list["items"]
        .as_array()
        .expect("items")
        .iter()
        .any(|i| i["id"] == id.as_str()));
    assert!(!list.to_string().contains(&password));
    let outsider = app
        .ready(&s.lab.h.admin, Profile::Expert, "outsider@inserm.fr")
        .await;
    for path in [
        format!("/api/v1/instances/{id}"),
        format!("/api/v1/instances/{id}/logs"),
    ] {
        let res = app.get(&path, &outsider.access).await;
        assert_eq!(res.status(), 404, "{path}");
        assert!(!res.text().await.unwrap_or_default().contains(&password));
    }
    let mine: Value = app
        .get("/api/v1/instances", &outsider.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(mine["items"], json!([]));
    let res = app
        .request(
            "DELETE",
            &format!("/api/v1/instances/{id}?confirm=cohort-db"),
            Some(&outsider.access),
            None,
        )
        .await;
    assert_eq!(res.status(), 404);
    // The logs are the owner's and the managers', secrets masked.
    let logs = app
        .get(&format!("/api/v1/instances/{id}/logs"), &novice.access)
        .await;
    assert_eq!(logs.status(), 200);
    assert!(content_type(&logs).starts_with("text/plain"));
    assert!(!logs.text().await.unwrap_or_default().contains(&password));

    // Idle beyond the notice: an e-mail with the keep link.
    run_jobs(&app).await;
    app.clock.advance(chrono::Duration::hours(49));
    // Access tokens live minutes: sign in again on the new day.
    novice = app.login(&novice.email, &novice.password).await;
    expert = app.login(&expert.email, &expert.password).await;
    run_jobs(&app).await;
    let keep_link = format!("/services/{id}/keep");
    let to = novice.email.clone();
    let notices: Vec<String> = app
        .with_db(move |c| {
            outbox::table
                .filter(outbox::to_addr.eq(to))
                .select(outbox::body)
                .load(c)
                .expect("outbox")
        })
        .await;
    assert!(
        notices
            .iter()
            .any(|b| b.contains(&keep_link) && b.contains("cohort-db")),
        "{notices:?}"
    );
    let v: Value = app
        .get(&format!("/api/v1/instances/{id}"), &novice.access)
        .await
        .json()
        .await
        .expect("json");
    assert!(v["idle_notice_at"].is_string(), "{v}");
    assert_eq!(v["state"], "running");
    assert_eq!(audit_count(&app, "instance.idle_notice", &id).await, 1);

    // Keep: the notice goes, the idle clock starts again.
    let res = app
        .post(
            &format!("/api/v1/instances/{id}/keep"),
            &novice.access,
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.expect("json");
    assert!(v["idle_notice_at"].is_null(), "{v}");
    assert_eq!(audit_count(&app, "instance.keep", &id).await, 1);
    // 49 h after the keep: a second notice, still running (72 h to purge).
    app.clock.advance(chrono::Duration::hours(49));
    // Access tokens live minutes: sign in again on the new day.
    novice = app.login(&novice.email, &novice.password).await;
    expert = app.login(&expert.email, &expert.password).await;
    run_jobs(&app).await;
    assert_eq!(audit_count(&app, "instance.idle_notice", &id).await, 2);
    let v: Value = app
        .get(&format!("/api/v1/instances/{id}"), &novice.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(v["state"], "running");
    // 73 h after the keep: purged, once.
    app.clock.advance(chrono::Duration::hours(24));
    // Access tokens live minutes: sign in again on the new day.
    novice = app.login(&novice.email, &novice.password).await;
    expert = app.login(&expert.email, &expert.password).await;
    run_jobs(&app).await;
    run_jobs(&app).await;
    let v: Value = app
        .get(&format!("/api/v1/instances/{id}"), &novice.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(v["state"], "stopped", "{v}");
    assert_eq!(audit_count(&app, "instance.purge", &id).await, 1);
    assert!(
        !psql_select(&view, &password).status.success(),
        "the server is gone"
    );
    let workdir = app.state.config.data_dir.join("instances").join(&id);
    assert!(workdir.exists(), "kept during the grace period");

    // Usage: about 49 + 73 instance-hours × the price, per offering, in
    // the window; open windows default to this month so far.
    let from = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339();
    let to = (app.clock.now() + chrono::Duration::days(1)).to_rfc3339();
    let usage: Value = app
        .client
        .get(app.url(&format!("/api/v1/projects/{}/usage", s.lab.project)))
        .query(&[("from", from.as_str()), ("to", to.as_str())])
        .bearer_auth(&expert.access)
        .send()
        .await
        .expect("usage")
        .json()
        .await
        .expect("json");
    let hours = usage["instance_hours"].as_f64().expect("hours");
    assert!((121.9..122.2).contains(&hours), "{usage}");
    let line = &usage["services"][0];
    assert_eq!(line["offering_id"], "postgresql", "{usage}");
    let catalog: Value = app
        .get("/api/v1/catalog/postgresql", &novice.access)
        .await
        .json()
        .await
        .expect("json");
    let price = catalog["price_per_hour"].as_f64().expect("price");
    let cost = usage["cost"].as_f64().expect("cost");
    assert!((cost - hours * price).abs() < 0.01, "{usage} at {price}");
    assert_eq!(usage["unit"], catalog["unit"]);
    assert!(v["cost_so_far"].as_f64().expect("cost so far") > 0.0 || price == 0.0);
    let csv = app
        .client
        .get(app.url(&format!("/api/v1/projects/{}/usage.csv", s.lab.project)))
        .query(&[("from", from.as_str()), ("to", to.as_str())])
        .bearer_auth(&expert.access)
        .send()
        .await
        .expect("csv");
    assert_eq!(csv.status(), 200);
    assert!(content_type(&csv).starts_with("text/csv"));
    let csv = csv.text().await.expect("text");
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("instance_id,instance_name,"), "{csv}");
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(
        lines[1].contains(&id) && lines[1].contains("cohort-db"),
        "{csv}"
    );
    let bad = app
        .get(
            &format!("/api/v1/projects/{}/usage?from=yesterday", s.lab.project),
            &expert.access,
        )
        .await;
    assert_eq!(bad.status(), 422);
    let rows: i64 = app
        .with_db(|c| instance_usage::table.count().get_result(c).expect("count"))
        .await;
    assert_eq!(rows, 1);

    // After the grace period, the working directory goes and the name is free.
    app.clock.advance(chrono::Duration::hours(25));
    // Access tokens live minutes: sign in again on the new day.
    novice = app.login(&novice.email, &novice.password).await;
    run_jobs(&app).await;
    assert!(!workdir.exists(), "deleted after the grace period");
    assert_eq!(audit_count(&app, "instance.remove", &id).await, 1);
    let list: Value = app
        .get("/api/v1/instances", &novice.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["items"], json!([]));
}

#[actix_web::test]
async fn jupyterlab_answers_with_its_token_only() {
    let app = TestApp::new().await;
    let s = services(&app).await;
    let novice = &s.lab.h.novice;
    let order = approved_order(&app, &s, novice, "jupyterlab").await;
    let (status, body) = launch(&app, novice, &order, json!({ "name": "notebooks" })).await;
    assert_eq!(status, 202, "{body}");
    let id = body["id"].as_str().expect("id").to_owned();
    let view = settled(&app, novice, &id).await;
    assert_eq!(view["state"], "running", "{view}");
    let open = view["open_url"].as_str().expect("open_url");
    let url = url::Url::parse(open).expect("url");
    let token = url
        .query_pairs()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
        .expect("token in the link");
    assert!(view["readme"].as_str().expect("readme").contains(&token));
    let base = format!("http://127.0.0.1:{}", url.port().expect("port"));
    let with = app
        .client
        .get(format!("{base}/api/status"))
        .header("Authorization", format!("token {token}"))
        .send()
        .await
        .expect("status");
    assert_eq!(with.status(), 200);
    let lab = app.client.get(open).send().await.expect("lab");
    assert_eq!(lab.status(), 200);
    let without = app
        .client
        .get(format!("{base}/api/status"))
        .send()
        .await
        .expect("status");
    assert!(
        without.status() == 403 || without.status() == 401,
        "{}",
        without.status()
    );
    // The project's manager gets the link without the token.
    let seen: Value = app
        .get(&format!("/api/v1/instances/{id}"), &s.lab.h.expert.access)
        .await
        .json()
        .await
        .expect("json");
    assert!(!seen.to_string().contains(&token), "{seen}");
    // Delete (the name typed again): the server stops answering.
    let res = app
        .request(
            "DELETE",
            &format!("/api/v1/instances/{id}"),
            Some(&novice.access),
            Some(json!({ "confirm": "notebooks" })),
        )
        .await;
    assert_eq!(res.status(), 204);
    assert!(app
        .client
        .get(format!("{base}/api/status"))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .is_err());
}

/// What the offering's schema refuses for one of its properties.
fn violation(schema: &Value) -> Value {
    let props = schema["properties"].as_object().expect("properties");
    for (name, p) in props {
        if let Some(max) = p["maximum"].as_f64() {
            return json!({ name.clone(): max + 1000.0 });
        }
        if p["type"] == "integer" || p["type"] == "number" || p["type"] == "boolean" {
            return json!({ name.clone(): "not what the schema says" });
        }
        if p["type"] == "string" {
            return json!({ name.clone(): 12 });
        }
    }
    panic!("no property to violate in {schema}");
}

#[actix_web::test]
async fn a_config_that_violates_the_schema_is_refused_and_starts_nothing() {
    let app = TestApp::new().await;
    let s = services(&app).await;
    let novice = &s.lab.h.novice;
    let order = approved_order(&app, &s, novice, "postgresql").await;
    let offering: Value = app
        .get("/api/v1/catalog/postgresql", &novice.access)
        .await
        .json()
        .await
        .expect("json");
    let bad = violation(&offering["config_schema"]);
    let field = bad
        .as_object()
        .and_then(|m| m.keys().next().cloned())
        .expect("field");
    let (status, body) = launch(
        &app,
        novice,
        &order,
        json!({ "name": "bad", "config": bad }),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["errors"][format!("config.{field}")].is_array(),
        "{body}"
    );
    let rows: i64 = app
        .with_db(|c| instances::table.count().get_result(c).expect("count"))
        .await;
    assert_eq!(rows, 0);
    let dir = app.state.config.data_dir.join("instances");
    let started = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
    assert_eq!(started, 0, "nothing under {}", dir.display());
    // A saved configuration is checked the same way when it is saved.
    let res = app
        .post(
            "/api/v1/me/configurations",
            &novice.access,
            json!({ "name": "broken", "offering_id": "postgresql", "config": bad }),
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = app
        .post(
            "/api/v1/me/configurations",
            &novice.access,
            json!({ "name": "defaults", "offering_id": "postgresql", "config": {} }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let saved: Value = res.json().await.expect("json");
    let list: Value = app
        .get("/api/v1/me/configurations", &novice.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["items"][0]["name"], "defaults");
    // Someone else's saved configuration is not theirs to use or delete.
    let other = app
        .get("/api/v1/me/configurations", &s.lab.h.expert.access)
        .await
        .json::<Value>()
        .await
        .expect("json");
    assert_eq!(other["items"], json!([]));
    let res = app
        .request(
            "DELETE",
            &format!(
                "/api/v1/me/configurations/{}",
                saved["id"].as_str().expect("id")
            ),
            Some(&s.lab.h.expert.access),
            None,
        )
        .await;
    assert_eq!(res.status(), 404);
    // A pending order launches nothing.
    let res = app
        .post(
            &format!("/api/v1/projects/{}/orders", s.lab.project),
            &novice.access,
            json!({ "offering_id": "postgresql" }),
        )
        .await;
    let pending: Value = res.json().await.expect("json");
    let (status, body) = launch(
        &app,
        novice,
        pending["id"].as_str().expect("order"),
        json!({ "name": "early" }),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["type"], "order_not_approved");
}

#[actix_web::test]
async fn deleting_needs_the_name_and_caps_hold() {
    let app = TestApp::builder()
        .policy("[services]\nmax_running_per_user = 1\n")
        .start()
        .await;
    let s = services(&app).await;
    let novice = &s.lab.h.novice;
    let order = approved_order(&app, &s, novice, "postgresql").await;
    let (status, body) = launch(&app, novice, &order, json!({ "name": "one" })).await;
    assert_eq!(status, 202, "{body}");
    let id = body["id"].as_str().expect("id").to_owned();
    // The cap: one running instance per person here.
    let (status, body) = launch(&app, novice, &order, json!({ "name": "two" })).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["type"], "instance_limit");
    assert_eq!(body["quota"]["limit"], 1);
    // The same name twice in a project.
    let (status, body) = launch(&app, &s.lab.h.expert, &order, json!({ "name": "one" })).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["type"], "name_taken");
    let view = settled(&app, novice, &id).await;
    assert_eq!(view["state"], "running");
    for (path, body) in [
        (format!("/api/v1/instances/{id}"), None),
        (format!("/api/v1/instances/{id}?confirm=One"), None),
        (
            format!("/api/v1/instances/{id}"),
            Some(json!({ "confirm": "on" })),
        ),
        (
            format!("/api/v1/instances/{id}?confirm=one"),
            Some(json!({ "confirm": "other" })),
        ),
    ] {
        let res = app
            .request("DELETE", &path, Some(&novice.access), body.clone())
            .await;
        assert_eq!(res.status(), 422, "{path} {body:?}");
        let p: Value = res.json().await.expect("json");
        assert_eq!(p["type"], "confirmation_mismatch");
        let v: Value = app
            .get(&format!("/api/v1/instances/{id}"), &novice.access)
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(v["state"], "running", "nothing stopped");
    }
    // The project's manager may, with the name.
    let res = app
        .request(
            "DELETE",
            &format!("/api/v1/instances/{id}?confirm=one"),
            Some(&s.lab.h.expert.access),
            None,
        )
        .await;
    assert_eq!(res.status(), 204);
    let v: Value = app
        .get(&format!("/api/v1/instances/{id}"), &novice.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(v["state"], "stopped");
    assert!(!app
        .state
        .config
        .data_dir
        .join("instances")
        .join(&id)
        .exists());
    assert_eq!(audit_count(&app, "instance.delete", &id).await, 1);
    let open: i64 = app
        .with_db(|c| {
            instance_usage::table
                .filter(instance_usage::ended_at.is_null())
                .count()
                .get_result(c)
                .expect("count")
        })
        .await;
    assert_eq!(open, 0, "usage closed");
    // The name and the cap are free again.
    let (status, body) = launch(&app, novice, &order, json!({ "name": "one" })).await;
    assert_eq!(status, 202, "{body}");
    let again = body["id"].as_str().expect("id").to_owned();
    settled(&app, novice, &again).await;
    let res = app
        .request(
            "DELETE",
            &format!("/api/v1/instances/{again}?confirm=one"),
            Some(&novice.access),
            None,
        )
        .await;
    assert_eq!(res.status(), 204);
}

/// Two `serve` processes on one PostgreSQL database: each watches
/// starting instances and runs the jobs; an instance is moved to running
/// once (one usage row), noticed once and purged once.
#[actix_web::test]
async fn two_replicas_never_act_twice() {
    if !is_postgres() {
        return;
    }
    let app = TestApp::new().await;
    let s = services(&app).await;
    let novice = &s.lab.h.novice;
    let order = approved_order(&app, &s, novice, "postgresql").await;
    let second = habilis_api::app::Application::build_with_clock(
        habilis_api::config::Config {
            bind: "127.0.0.1:0".into(),
            database_url: Some(app.db_url().to_owned()),
            data_dir: app.state.config.data_dir.clone(),
            jwt_secret: Some(JWT_SECRET.into()),
            mail_poll_ms: 0,
            jobs_poll_ms: 0,
            workers: Some(1),
            db_pool: 4,
            public_url: Some("http://habilis.test".into()),
            ..habilis_api::config::Config::default()
        },
        app.clock.clone() as Arc<dyn Clock>,
    )
    .await
    .expect("second replica");
    let second_state = second.state.clone();
    let handle = second.handle();
    actix_web::rt::spawn(second.run_until_stopped());
    let mut ids = Vec::new();
    for name in ["a", "b"] {
        let (status, body) = launch(&app, novice, &order, json!({ "name": name })).await;
        assert_eq!(status, 202, "{body}");
        ids.push(body["id"].as_str().expect("id").to_owned());
    }
    for id in &ids {
        assert_eq!(settled(&app, novice, id).await["state"], "running");
    }
    app.clock.advance(chrono::Duration::hours(80));
    let now = app.clock.now();
    let envs = [
        habilis_api::app::instance_env(&app.state),
        habilis_api::app::instance_env(&second_state),
    ];
    let workers: Vec<_> = envs
        .into_iter()
        .enumerate()
        .map(|(w, env)| {
            let (policy, storage, url) = (
                app.state.policy.clone(),
                app.state.storage.clone(),
                app.db_url().to_owned(),
            );
            std::thread::spawn(move || {
                let pool = habilis_api::db::connect_pool(&url, 2).expect("pool");
                let mut ran = 0;
                for _ in 0..5 {
                    ran += habilis_api::app::job_kinds()
                        .with_instances(env.clone())
                        .run_due(&pool, &policy, &*storage, &format!("replica{w}"), now, 10)
                        .expect("pass");
                }
                ran
            })
        })
        .collect();
    for t in workers {
        t.join().expect("worker");
    }
    for id in &ids {
        assert_eq!(audit_count(&app, "instance.purge", id).await, 1, "{id}");
        assert_eq!(audit_count(&app, "instance.launch", id).await, 1, "{id}");
        let id = id.clone();
        let usage: i64 = app
            .with_db(move |c| {
                instance_usage::table
                    .filter(instance_usage::instance_id.eq(id))
                    .count()
                    .get_result(c)
                    .expect("count")
            })
            .await;
        assert_eq!(usage, 1);
    }
    drop(handle.stop(false));
}

/// `kill -9` of a real `habilis serve`: the instances it started survive
/// it (their own process groups); after the restart the one still alive
/// stays running, the one whose process died meanwhile is `lost`, its
/// usage closed and its owner e-mailed.
#[actix_web::test]
async fn kill_9_of_serve_leaves_instances_reconciled_after_restart() {
    let server = crate::crash::Server::new();
    let data = server.dir.path().join("data");
    // The people, the project and the approved order, through an
    // in-process server on the same database; then it stops.
    let (novice, order) = {
        let app = TestApp::builder().on(&server.db.url, &data).start().await;
        let s = services(&app).await;
        let novice = s.lab.h.novice.clone();
        let order = approved_order(&app, &s, &novice, "postgresql").await;
        (novice, order)
    };
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let path = std::env::var("PATH").unwrap_or_default();
    let home = std::env::var("HOME").unwrap_or_default();
    let start = |server: &crate::crash::Server| {
        let mut cmd = server.command(&["serve"]);
        cmd.env("PATH", &path).env("HOME", &home);
        cmd
    };
    let ready = |client: reqwest::Client, url: String| async move {
        for _ in 0..300 {
            if client
                .get(&url)
                .send()
                .await
                .is_ok_and(|r| r.status() == 200)
            {
                return;
            }
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not become ready");
    };
    let mut child = start(&server).spawn().expect("serve");
    ready(client.clone(), server.url("/readyz")).await;
    let mut ids = Vec::new();
    for name in ["kept", "killed"] {
        let res = client
            .post(server.url(&format!("/api/v1/orders/{order}/instances")))
            .bearer_auth(&novice.access)
            .json(&json!({ "name": name }))
            .send()
            .await
            .expect("launch");
        assert_eq!(res.status(), 202);
        let v: Value = res.json().await.expect("json");
        ids.push(v["id"].as_str().expect("id").to_owned());
    }
    for id in &ids {
        let mut state = Value::Null;
        for _ in 0..600 {
            let v: Value = client
                .get(server.url(&format!("/api/v1/instances/{id}")))
                .bearer_auth(&novice.access)
                .send()
                .await
                .expect("get")
                .json()
                .await
                .expect("json");
            state = v["state"].clone();
            if state != "starting" {
                break;
            }
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(state, "running", "{id}");
    }
    child.kill().expect("kill -9");
    child.wait().expect("reaped");

    // While no server runs, the second instance's process group dies.
    let pool = habilis_api::db::connect_pool(&server.db.url, 2).expect("pool");
    let killed = ids[1].clone();
    let handle: String = {
        let mut pooled = pool.get().expect("conn");
        let conn: &mut habilis_api::db::DbConn = &mut pooled;
        instances::table
            .find(&killed)
            .select(instances::handle)
            .first::<Option<String>>(conn)
            .expect("row")
            .expect("handle")
    };
    let handle: Value = serde_json::from_str(&handle).expect("json");
    let pgid = handle["pgid"].as_i64().expect("pgid");
    let status = std::process::Command::new("kill")
        .args(["-KILL", "--", &format!("-{pgid}")])
        .status()
        .expect("kill");
    assert!(status.success());
    for _ in 0..100 {
        if !std::path::Path::new(&format!("/proc/{pgid}")).exists() {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }

    let mut child = start(&server).spawn().expect("serve again");
    ready(client.clone(), server.url("/readyz")).await;
    let states: Vec<(String, String)> = {
        let mut pooled = pool.get().expect("conn");
        let conn: &mut habilis_api::db::DbConn = &mut pooled;
        instances::table
            .select((instances::name, instances::state))
            .order(instances::name.asc())
            .load(conn)
            .expect("rows")
    };
    assert_eq!(
        states,
        vec![
            ("kept".to_owned(), "running".to_owned()),
            ("killed".to_owned(), "lost".to_owned())
        ]
    );
    {
        let mut pooled = pool.get().expect("conn");
        let conn: &mut habilis_api::db::DbConn = &mut pooled;
        let open: Vec<String> = instance_usage::table
            .filter(instance_usage::ended_at.is_null())
            .select(instance_usage::instance_id)
            .load(conn)
            .expect("usage");
        assert_eq!(open, vec![ids[0].clone()]);
        let told: i64 = outbox::table
            .filter(outbox::to_addr.eq(&novice.email))
            .filter(outbox::body.like("%killed%"))
            .count()
            .get_result(conn)
            .expect("outbox");
        assert_eq!(told, 1);
    }
    // The survivor is still the owner's to delete.
    let res = client
        .delete(server.url(&format!("/api/v1/instances/{}?confirm=kept", ids[0])))
        .bearer_auth(&novice.access)
        .send()
        .await
        .expect("delete");
    assert_eq!(res.status(), 204);
    child.kill().expect("kill");
    child.wait().expect("reaped");
}

//! The service catalog (issue 16): seeded from the catalog file at start
//! (once, audited), read by every account holder, kept by administrators
//! (every change audited), schemas compiled offline with their paths in
//! errors, and `habilis catalog check`.

use std::process::Command;

use diesel::prelude::*;
use habilis_api::db::schema::{audit_log, offerings};
use serde_json::{json, Value};

use crate::helpers::*;

async fn body(res: reqwest::Response, status: u16) -> Value {
    let got = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    assert_eq!(got, status, "{text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// `(action, actor, target, outcome)` of the audit rows about offerings.
async fn audited(app: &TestApp) -> Vec<(String, Option<String>, Option<String>, String)> {
    app.with_db(|c| {
        audit_log::table
            .filter(audit_log::action.like("catalog.%"))
            .order(audit_log::seq)
            .select((
                audit_log::action,
                audit_log::actor_id,
                audit_log::target_id,
                audit_log::outcome,
            ))
            .load(c)
            .expect("audit")
    })
    .await
}

fn offering(id: &str) -> Value {
    json!({
        "id": id,
        "name": "Notebook farm",
        "category": "Notebooks",
        "description": "Notebooks on the cluster.",
        "config_schema": {
            "type": "object",
            "properties": {
                "cpu": { "type": "integer", "minimum": 1, "maximum": 8, "default": 2 }
            },
            "additionalProperties": false
        },
        "readme_template": "Open {{ open_url }} ({{ config.cpu }} cores).",
        "price_per_hour": 0.25,
        "unit": "EUR",
        "spawner": { "kind": "kubernetes" },
        "limits": { "max_per_user": 1 }
    })
}

#[actix_web::test]
async fn the_built_in_catalog_is_seeded_once_and_read_by_every_account() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let page = body(app.get("/api/v1/catalog", &h.novice.access).await, 200).await;
    let items = page["items"].as_array().expect("items");
    let by_id = |id: &str| {
        items
            .iter()
            .find(|o| o["id"] == id)
            .cloned()
            .unwrap_or(Value::Null)
    };
    let pg = by_id("postgresql");
    assert_eq!(pg["available"], true, "{pg}");
    assert_eq!(
        pg["spawner"],
        json!({ "kind": "local", "recipe": "postgresql" })
    );
    assert_eq!(pg["unit"], "EUR");
    assert!(pg["price_per_hour"].as_f64().is_some_and(|p| p > 0.0));
    assert_eq!(
        pg["config_schema"]["properties"]["database"]["default"],
        "research"
    );
    assert_eq!(by_id("jupyterlab")["available"], true);
    for id in ["rstudio", "vscode", "virtual-machine", "hpc-access"] {
        let o = by_id(id);
        assert_eq!(o["available"], false, "{id}: {o}");
    }
    assert_eq!(by_id("hpc-access")["spawner"]["kind"], "slurm");
    assert_eq!(by_id("rstudio")["spawner"]["kind"], "kubernetes");
    // By category, then id.
    let keys: Vec<(String, String)> = items
        .iter()
        .map(|o| {
            (
                o["category"].as_str().unwrap_or_default().to_owned(),
                o["id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    // Paging walks the same list.
    let first = body(
        app.get("/api/v1/catalog?limit=2", &h.webmaster.access)
            .await,
        200,
    )
    .await;
    assert_eq!(first["items"].as_array().map(Vec::len), Some(2));
    let cursor = first["next_cursor"].as_str().expect("a next page");
    let second = body(
        app.get(
            &format!("/api/v1/catalog?limit=2&cursor={cursor}"),
            &h.admin.access,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(second["items"][0]["id"], items[2]["id"]);
    let one = body(
        app.get("/api/v1/catalog/jupyterlab", &h.expert.access)
            .await,
        200,
    )
    .await;
    assert_eq!(one["name"], "JupyterLab");
    problem(app.get("/api/v1/catalog/nope", &h.expert.access).await, 404).await;
    problem(app.request("GET", "/api/v1/catalog", None, None).await, 401).await;

    // Seeded once, each offering audited; seeding again adds nothing and
    // leaves what the API changed.
    let seeds: Vec<_> = audited(&app)
        .await
        .into_iter()
        .filter(|(a, ..)| a == "catalog.seed")
        .collect();
    assert_eq!(seeds.len(), items.len());
    assert!(seeds
        .iter()
        .all(|(_, actor, _, outcome)| actor.is_none() && outcome == "success"));
    let res = app
        .request(
            "PATCH",
            "/api/v1/catalog/postgresql",
            Some(&h.admin.access),
            Some(json!({ "description": "Ours now" })),
        )
        .await;
    body(res, 200).await;
    let now = app.state.now();
    let added = app
        .with_db(move |c| {
            let file = habilis_api::catalog::file::load(None).expect("built-in catalog");
            habilis_api::catalog::service::seed(c, now, &file).expect("seed")
        })
        .await;
    assert!(added.is_empty(), "{added:?}");
    let pg = body(
        app.get("/api/v1/catalog/postgresql", &h.novice.access)
            .await,
        200,
    )
    .await;
    assert_eq!(pg["description"], "Ours now");
}

#[actix_web::test]
async fn habilis_catalog_replaces_the_built_in_catalog() {
    let app = TestApp::builder()
        .catalog(
            r#"
version = 1
[[offerings]]
id = "galaxy"
name = "Galaxy"
category = "Workflows"
price_per_hour = 0.1
unit = "EUR"
spawner = { kind = "kubernetes" }
config_schema = { type = "object" }
"#,
        )
        .start()
        .await;
    let admin = app.admin().await;
    let page = body(app.get("/api/v1/catalog", &admin.access).await, 200).await;
    let ids: Vec<&str> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|o| o["id"].as_str())
        .collect();
    assert_eq!(ids, ["galaxy"]);
}

#[actix_web::test]
async fn administrators_keep_the_catalog_and_every_change_is_audited() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let res = app
        .post(
            "/api/v1/catalog",
            &h.admin.access,
            offering("notebook-farm"),
        )
        .await;
    assert_eq!(
        res.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/api/v1/catalog/notebook-farm")
    );
    let created = body(res, 201).await;
    assert_eq!(created["price_per_hour"], 0.25);
    assert_eq!(created["available"], false);
    assert_eq!(created["limits"], json!({ "max_per_user": 1 }));
    assert_eq!(created["config_schema"]["properties"]["cpu"]["default"], 2);
    // The id is never reused.
    let dup = problem(
        app.post(
            "/api/v1/catalog",
            &h.admin.access,
            offering("notebook-farm"),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(dup["type"], "name_taken");

    let res = app
        .request(
            "PATCH",
            "/api/v1/catalog/notebook-farm",
            Some(&h.admin.access),
            Some(json!({ "price_per_hour": 0.4, "name": "Notebook farm XL" })),
        )
        .await;
    let changed = body(res, 200).await;
    assert_eq!(changed["price_per_hour"], 0.4);
    assert_eq!(changed["name"], "Notebook farm XL");
    assert_eq!(changed["category"], "Notebooks", "what is not sent stays");

    let res = app
        .request(
            "DELETE",
            "/api/v1/catalog/notebook-farm",
            Some(&h.admin.access),
            None,
        )
        .await;
    assert_eq!(res.status(), 204);
    // Retired: gone from the catalog, its row kept.
    problem(
        app.get("/api/v1/catalog/notebook-farm", &h.admin.access)
            .await,
        404,
    )
    .await;
    let page = body(app.get("/api/v1/catalog", &h.novice.access).await, 200).await;
    assert!(!page["items"]
        .as_array()
        .expect("items")
        .iter()
        .any(|o| o["id"] == "notebook-farm"));
    let retired: Option<chrono::NaiveDateTime> = app
        .with_db(|c| {
            offerings::table
                .find("notebook-farm")
                .select(offerings::retired_at)
                .first(c)
                .expect("row kept")
        })
        .await;
    assert!(retired.is_some());
    for (method, body) in [("PATCH", Some(json!({ "name": "Back" }))), ("DELETE", None)] {
        let res = app
            .request(
                method,
                "/api/v1/catalog/notebook-farm",
                Some(&h.admin.access),
                body,
            )
            .await;
        problem(res, 404).await;
    }
    let dup = problem(
        app.post(
            "/api/v1/catalog",
            &h.admin.access,
            offering("notebook-farm"),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(dup["type"], "name_taken");

    let done: Vec<(String, Option<String>, Option<String>, String)> = audited(&app)
        .await
        .into_iter()
        .filter(|(a, ..)| a != "catalog.seed")
        .collect();
    let admin = Some(h.admin.id.clone());
    let target = Some("notebook-farm".to_owned());
    assert_eq!(
        done,
        vec![
            (
                "catalog.create".into(),
                admin.clone(),
                target.clone(),
                "success".into()
            ),
            (
                "catalog.update".into(),
                admin.clone(),
                target.clone(),
                "success".into()
            ),
            ("catalog.delete".into(), admin, target, "success".into()),
        ]
    );
}

#[actix_web::test]
async fn only_administrators_change_the_catalog() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    for s in [&h.expert, &h.confirmed, &h.novice, &h.webmaster] {
        app.accept_charter(s).await;
        let p = problem(
            app.post("/api/v1/catalog", &s.access, offering("mine"))
                .await,
            403,
        )
        .await;
        assert!(
            p["detail"]
                .as_str()
                .is_some_and(|d| d.contains("services.manage_catalog")),
            "{p}"
        );
        problem(
            app.request(
                "PATCH",
                "/api/v1/catalog/postgresql",
                Some(&s.access),
                Some(json!({ "price_per_hour": 0 })),
            )
            .await,
            403,
        )
        .await;
        problem(
            app.request(
                "DELETE",
                "/api/v1/catalog/postgresql",
                Some(&s.access),
                None,
            )
            .await,
            403,
        )
        .await;
        // Reading is for everyone.
        body(app.get("/api/v1/catalog/postgresql", &s.access).await, 200).await;
    }
    let pg = body(
        app.get("/api/v1/catalog/postgresql", &h.admin.access).await,
        200,
    )
    .await;
    assert!(pg["price_per_hour"].as_f64().is_some_and(|p| p > 0.0));
    let rows = audited(&app).await;
    let denied = rows.iter().filter(|(_, _, _, o)| o == "denied").count();
    assert_eq!(denied, 12, "{rows:?}");
    assert!(!rows.iter().any(|(a, ..)| a == "catalog.create"));
}

#[actix_web::test]
async fn invalid_schemas_and_templates_are_refused_with_their_path() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let try_create = |changes: Value| {
        let mut o = offering("broken");
        if let (Some(o), Some(changes)) = (o.as_object_mut(), changes.as_object()) {
            for (k, v) in changes {
                o.insert(k.clone(), v.clone());
            }
        }
        o
    };
    let cases = [
        (
            json!({ "config_schema": { "type": "object",
                    "properties": { "cpu": { "type": "integer", "minimum": "low" } } } }),
            "config_schema",
            "/properties/cpu/minimum",
        ),
        (
            json!({ "config_schema": { "type": "object",
                    "properties": { "cpu": { "type": "integer", "maximum": 4, "default": 9 } } } }),
            "config_schema",
            "/properties/cpu/default",
        ),
        (
            json!({ "config_schema": { "type": "object",
                    "properties": { "x": { "$ref": "https://schemas.example.org/x.json" } } } }),
            "config_schema",
            "",
        ),
        (
            json!({ "config_schema": { "type": "string" } }),
            "config_schema",
            "/type",
        ),
        (
            json!({ "readme_template": "{% for %}" }),
            "readme_template",
            "line 1",
        ),
        (
            json!({ "spawner": { "kind": "docker" } }),
            "spawner.kind",
            "docker",
        ),
        (
            json!({ "spawner": { "kind": "local" } }),
            "spawner.recipe",
            "recipe",
        ),
        (json!({ "id": "Bad Id" }), "id", ""),
        (json!({ "price_per_hour": -1 }), "price_per_hour", ""),
    ];
    for (changes, field, path) in cases {
        let p = problem(
            app.post(
                "/api/v1/catalog",
                &admin.access,
                try_create(changes.clone()),
            )
            .await,
            422,
        )
        .await;
        let messages = p["errors"][field].to_string();
        assert!(
            p["errors"][field].is_array() && messages.contains(path),
            "{changes}: {p}"
        );
    }
    // A change that breaks the schema changes nothing.
    let p = problem(
        app.request(
            "PATCH",
            "/api/v1/catalog/postgresql",
            Some(&admin.access),
            Some(json!({ "config_schema": { "type": "object",
                "properties": { "database": { "type": "string", "pattern": "(" } } } })),
        )
        .await,
        422,
    )
    .await;
    assert!(p["errors"]["config_schema"].is_array(), "{p}");
    let pg = body(
        app.get("/api/v1/catalog/postgresql", &admin.access).await,
        200,
    )
    .await;
    assert_eq!(
        pg["config_schema"]["properties"]["database"]["default"],
        "research"
    );
    let created: i64 = app
        .with_db(|c| {
            offerings::table
                .filter(offerings::id.eq("broken"))
                .count()
                .get_result(c)
                .expect("count")
        })
        .await;
    assert_eq!(created, 0);
}

fn habilis(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_habilis"))
        .args(args)
        .env_clear()
        .output()
        .expect("habilis runs")
}

#[test]
fn catalog_check_says_ok_or_names_the_first_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("good.toml");
    std::fs::write(&good, habilis_api::catalog::file::DEFAULT).expect("write");
    let out = habilis(&["catalog", "check", good.to_str().expect("path")]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("ok: "), "{stdout}");

    let json = dir.path().join("good.json");
    std::fs::write(
        &json,
        json!({ "version": 1, "offerings": [offering("from-json")] }).to_string(),
    )
    .expect("write");
    let out = habilis(&["catalog", "check", json.to_str().expect("path")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        r#"
[[offerings]]
id = "fine"
name = "Fine"
category = "Tools"
price_per_hour = 0
unit = "EUR"
spawner = { kind = "slurm" }
config_schema = { type = "object" }

[[offerings]]
id = "broken"
name = "Broken"
category = "Tools"
price_per_hour = 0
unit = "EUR"
spawner = { kind = "slurm" }
config_schema = { type = "object", properties = { port = { type = "integer", minimum = "low" } } }
"#,
    )
    .expect("write");
    let out = habilis(&["catalog", "check", bad.to_str().expect("path")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("offerings[1].config_schema: /properties/port/minimum"),
        "{stderr}"
    );
    let missing = dir.path().join("missing.toml");
    let out = habilis(&["catalog", "check", missing.to_str().expect("path")]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read catalog"));

    // The server refuses to start with it, before touching any database.
    let out = Command::new(env!("CARGO_BIN_EXE_habilis"))
        .arg("serve")
        .env_clear()
        .env("HABILIS_CATALOG", &bad)
        .env("HABILIS_DATA_DIR", dir.path().join("data"))
        .env("HABILIS_BIND", "127.0.0.1:0")
        .output()
        .expect("habilis runs");
    assert!(!out.status.success());
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("offerings[1].config_schema"), "{all}");
}

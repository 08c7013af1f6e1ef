//! HTTP hygiene: problem+json everywhere, limits, headers, operations endpoints.

use serde_json::{json, Value};

use crate::helpers::*;

#[actix_web::test]
async fn unknown_routes_and_bad_bodies_are_problems() {
    let app = TestApp::new().await;
    let s = app.admin().await;
    problem(app.request("GET", "/api/v1/nope", None, None).await, 404).await;
    problem(app.request("GET", "/nope", None, None).await, 404).await;
    // A known path with another method: 405 with `Allow` (tests/api/http.rs).
    let res = app
        .request("DELETE", "/api/v1/users", Some(&s.access), None)
        .await;
    assert_eq!(res.headers()["allow"], "GET, HEAD, POST");
    problem(res, 405).await;
    // Malformed JSON, wrong content type, invalid UTF-8, deep nesting.
    let raw = |body: Vec<u8>, ct: &'static str| {
        app.client
            .post(app.url("/api/v1/users"))
            .bearer_auth(&s.access)
            .header("content-type", ct)
            .body(body)
            .send()
    };
    problem(
        raw(b"{\"first_name\": ".to_vec(), "application/json")
            .await
            .expect("sent"),
        400,
    )
    .await;
    problem(raw(b"{}".to_vec(), "text/plain").await.expect("sent"), 415).await;
    problem(
        raw(
            vec![b'{', b'"', 0xff, 0xfe, b'"', b':', b'1', b'}'],
            "application/json",
        )
        .await
        .expect("sent"),
        400,
    )
    .await;
    let deep = "[".repeat(5000) + &"]".repeat(5000);
    problem(
        raw(deep.into_bytes(), "application/json")
            .await
            .expect("sent"),
        400,
    )
    .await;
    let nested = format!("{{\"first_name\": {}{}}}", "[".repeat(300), "]".repeat(300));
    problem(
        raw(nested.into_bytes(), "application/json")
            .await
            .expect("sent"),
        400,
    )
    .await;
    // Too large → 413.
    let huge = json!({ "first_name": "x".repeat(200_000), "last_name": "y", "email": "a@inserm.fr", "profile": "expert" });
    problem(app.post("/api/v1/users", &s.access, huge).await, 413).await;
    // NUL bytes and SQL metacharacters are just data.
    let res = app
        .post("/api/v1/users", &s.access, json!({ "first_name": "Robert'); DROP TABLE users;--", "last_name": "\u{0}", "email": "bobby@inserm.fr", "profile": "expert" }))
        .await;
    let body = problem(res, 422).await;
    assert!(body["errors"]["last_name"].is_array(), "{body}");
    let res = app
        .post("/api/v1/users", &s.access, json!({ "first_name": "Robert'); DROP TABLE users;--", "last_name": "O'Brien \\ %", "email": "bobby@inserm.fr", "profile": "expert" }))
        .await;
    assert_eq!(res.status(), 201);
    for url in [
        "/api/v1/users/%00",
        "/api/v1/audit?actor_id=%00",
        "/api/v1/users?cursor=%00",
    ] {
        problem(app.get(url, &s.access).await, 400).await;
    }
    assert_eq!(app.get("/api/v1/users", &s.access).await.status(), 200);
}

/// Every request body is a JSON object. serde fills a struct from an array
/// by position, so `[null, null]` used to pass as a `PATCH` (found by
/// schemathesis's negative data check).
#[actix_web::test]
async fn a_body_that_is_not_a_json_object_is_refused() {
    let app = TestApp::new().await;
    let s = app.admin().await;
    let org: Value = app
        .post("/api/v1/organizations", &s.access, json!({ "name": "Lab" }))
        .await
        .json()
        .await
        .expect("json");
    let url = format!("/api/v1/organizations/{}", org["id"].as_str().expect("id"));
    for body in [
        json!([null, null]),
        json!(["Renamed by position", "and described"]),
        json!(null),
        json!("Lab"),
        json!(7),
    ] {
        let res = app
            .request("PATCH", &url, Some(&s.access), Some(body.clone()))
            .await;
        let p = problem(res, 422).await;
        assert!(p["errors"]["body"].is_array(), "{body}: {p}");
    }
    let positional = json!(["Eve", "Martin", "eve.martin@inserm.fr", "expert"]);
    problem(app.post("/api/v1/users", &s.access, positional).await, 422).await;
    let after: Value = app.get(&url, &s.access).await.json().await.expect("json");
    assert_eq!(after["name"], "Lab");
    assert_eq!(after["description"], "");
}

#[actix_web::test]
async fn security_headers_and_request_ids() {
    let app = TestApp::new().await;
    let res = app.request("GET", "/api/v1/policy", None, None).await;
    let h = res.headers();
    assert_eq!(
        h.get("x-content-type-options")
            .and_then(|v| v.to_str().ok()),
        Some("nosniff")
    );
    assert_eq!(
        h.get("referrer-policy").and_then(|v| v.to_str().ok()),
        Some("no-referrer")
    );
    assert!(h
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("'wasm-unsafe-eval'")));
    assert!(h.get("x-request-id").is_some());
    // CORS is closed unless configured: no allow-origin for a foreign origin.
    let res = app
        .client
        .get(app.url("/api/v1/policy"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .expect("sent");
    assert!(res.headers().get("access-control-allow-origin").is_none());
}

#[actix_web::test]
async fn health_readiness_metrics_and_docs() {
    let app = TestApp::new().await;
    assert_eq!(
        app.request("GET", "/healthz", None, None).await.status(),
        200
    );
    let ready: Value = app
        .request("GET", "/readyz", None, None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(ready["status"], "ready");
    let _ = app.admin().await;
    let metrics = app
        .request("GET", "/metrics", None, None)
        .await
        .text()
        .await
        .expect("text");
    assert!(metrics.contains("habilis_http_requests_total{route=\"/api/v1/auth/login\",method=\"POST\",status=\"200\"}"), "{metrics}");
    assert!(metrics.contains("habilis_http_request_duration_seconds_bucket"));
    assert!(metrics.contains("habilis_db_pool_connections"));
    assert!(metrics.contains("habilis_outbox_backlog"));
    let doc: Value = app
        .request("GET", "/api/v1/openapi.json", None, None)
        .await
        .json()
        .await
        .expect("json");
    assert!(doc["openapi"]
        .as_str()
        .is_some_and(|v| v.starts_with("3.1")));
    let redirect = app.request("GET", "/api/docs", None, None).await;
    assert_eq!(redirect.status(), 308);
    assert_eq!(
        redirect
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok()),
        Some("/api/docs/")
    );
    let ui = app.request("GET", "/api/docs/", None, None).await;
    assert_eq!(ui.status(), 200);
    let html = ui.text().await.expect("html");
    assert!(html.contains("swagger"), "Swagger UI is served offline");
}

#[actix_web::test]
async fn the_spa_is_served_with_client_routes_and_api_paths_stay_problems() {
    let app = TestApp::builder().with_spa().start().await;
    for path in [
        "/",
        "/people/123",
        "/activate?token=abc",
        "/forgot-password",
        "/reset-password?token=abc",
        "/account",
    ] {
        let res = app.request("GET", path, None, None).await;
        assert_eq!(res.status(), 200, "{path}");
        assert!(
            res.text().await.expect("body").contains("Habilis SPA"),
            "{path}"
        );
    }
    let css = app.request("GET", "/style.css", None, None).await;
    assert_eq!(css.status(), 200);
    assert!(content_type(&css).starts_with("text/css"));
    for path in ["/api/nope", "/api/v1/nope", "/api/v2/users"] {
        problem(app.request("GET", path, None, None).await, 404).await;
    }
    // The SPA works under this policy: no inline script, WASM allowed.
    let csp = app.request("GET", "/", None, None).await;
    let csp = csp
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
}

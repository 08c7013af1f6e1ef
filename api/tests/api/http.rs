//! HTTP as integrators expect it: a known path asked with another method
//! answers 405 with `Allow`, `HEAD` works wherever `GET` does, and
//! `/metrics` can live on a listener of its own with the operational gauges
//! and counters.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use crate::helpers::{content_type, documented_operations, problem, TestApp};

/// A documented path with its placeholders filled (ids that exist nowhere).
fn filled(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map_or(rest.len(), |e| start + e + 1);
        out.push_str("00000000-0000-4000-8000-000000000000");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Every documented path, with the methods the document gives it.
fn documented_paths() -> BTreeMap<String, BTreeSet<&'static str>> {
    let mut paths: BTreeMap<String, BTreeSet<&'static str>> = BTreeMap::new();
    for op in documented_operations() {
        paths.entry(op.path).or_default().insert(op.method);
    }
    paths
}

/// The `Allow` header expected for `methods`: `GET, HEAD` first, then the
/// others in the server's order.
fn allow_of(methods: &BTreeSet<&'static str>) -> String {
    let order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
    let mut with_head = methods.clone();
    if with_head.contains("GET") {
        with_head.insert("HEAD");
    }
    order
        .iter()
        .filter(|m| with_head.contains(*m))
        .copied()
        .collect::<Vec<_>>()
        .join(", ")
}

async fn sweep_405(app: &TestApp, token: &str) {
    let mut wrong = Vec::new();
    for (path, methods) in documented_paths() {
        let url = filled(&path);
        let allow = allow_of(&methods);
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            if methods.contains(method) {
                continue;
            }
            let res = app.request(method, &url, Some(token), None).await;
            let status = res.status().as_u16();
            let got_allow = res
                .headers()
                .get("allow")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let ct = content_type(&res);
            if status != 405 || got_allow != allow || ct != "application/problem+json" {
                wrong.push(format!(
                    "{method} {path}: {status} Allow {got_allow:?} ({ct}), expected 405 Allow {allow:?}"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[actix_web::test]
async fn a_known_path_with_another_method_answers_405_with_allow() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    sweep_405(&app, &admin.access).await;

    // The problem names the refusal, in the reader's language too.
    let res = app
        .client
        .delete(app.url("/api/v1/me"))
        .header("accept-language", "fr")
        .send()
        .await
        .expect("sent");
    assert_eq!(res.headers()["allow"], "GET, HEAD, PATCH");
    let body = problem(res, 405).await;
    assert_eq!(body["type"], "method_not_allowed", "{body}");

    // Unknown paths stay 404, whatever the method.
    for (method, path) in [
        ("GET", "/api/v1/nothing-here"),
        ("POST", "/api/v1/users/x/nothing"),
        ("DELETE", "/api/v1"),
    ] {
        let res = app.request(method, path, Some(&admin.access), None).await;
        assert!(res.headers().get("allow").is_none(), "{method} {path}");
        problem(res, 404).await;
    }
}

#[actix_web::test]
async fn the_405_holds_when_the_spa_is_served_too() {
    let app = TestApp::builder().with_spa().start().await;
    for (method, path, allow) in [
        ("POST", "/healthz", "GET, HEAD"),
        ("DELETE", "/metrics", "GET, HEAD"),
        ("PUT", "/api/v1/auth/login", "POST"),
    ] {
        let res = app.request(method, path, None, None).await;
        assert_eq!(res.headers()["allow"], allow, "{method} {path}");
        problem(res, 405).await;
    }
    // The SPA's own pages are not routes of the table.
    let res = app.request("GET", "/some/page", None, None).await;
    assert_eq!(res.status(), 200);
}

#[actix_web::test]
async fn head_answers_wherever_get_does() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let mut wrong = Vec::new();
    for (path, methods) in documented_paths() {
        if !methods.contains("GET") {
            continue;
        }
        let url = filled(&path);
        let get = app.request("GET", &url, Some(&admin.access), None).await;
        let head = app.request("HEAD", &url, Some(&admin.access), None).await;
        let (gs, hs) = (get.status(), head.status());
        let (gct, hct) = (content_type(&get), content_type(&head));
        let body = head.bytes().await.expect("body");
        if gs != hs || gct != hct || !body.is_empty() {
            wrong.push(format!(
                "HEAD {path}: {hs} {hct} ({} body bytes), GET gave {gs} {gct}",
                body.len()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // Same headers as GET, no body.
    let get = app.get("/api/v1/me", &admin.access).await;
    let head = app
        .request("HEAD", "/api/v1/me", Some(&admin.access), None)
        .await;
    assert_eq!(head.status(), 200);
    for name in ["content-type", "content-language", "cache-control"] {
        assert_eq!(
            get.headers().get(name),
            head.headers().get(name),
            "{name} differs between GET and HEAD"
        );
    }
    assert!(head.bytes().await.expect("body").is_empty());
    // The documentation too.
    for path in ["/api/v1/openapi.json", "/api/docs/"] {
        let res = app.request("HEAD", path, None, None).await;
        assert_eq!(res.status(), 200, "HEAD {path}");
        assert!(res.bytes().await.expect("body").is_empty(), "HEAD {path}");
    }
    // A HEAD is refused like its GET.
    let res = app.request("HEAD", "/api/v1/me", None, None).await;
    assert_eq!(res.status(), 401);
}

#[actix_web::test]
async fn metrics_can_have_a_listener_of_their_own() {
    let app = TestApp::builder().with_metrics_bind().start().await;
    let metrics = app.metrics_base.clone().expect("metrics listener");
    // Not on the main listener any more…
    let res = app.request("GET", "/metrics", None, None).await;
    problem(res, 404).await;
    // …only on its own, which serves nothing else.
    let res = app
        .client
        .get(format!("{metrics}/healthz"))
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status(), 404);

    // A lockout, so that the counter has something to count.
    let max = app.state.policy.auth.lockout_max_failures;
    for _ in 0..=max {
        app.request(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "nobody@inserm.fr", "password": "wrong password here"})),
        )
        .await;
    }
    let res = app
        .client
        .get(format!("{metrics}/metrics"))
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status(), 200);
    let text = res.text().await.expect("text");
    for name in [
        "habilis_http_requests_total",
        "habilis_db_pool_connections",
        "habilis_outbox_backlog",
        "habilis_job_backlog",
        "habilis_job_failures_total",
        "habilis_lockouts_total",
        "habilis_audit_write_failures_total",
    ] {
        assert!(
            text.contains(&format!("# TYPE {name} ")),
            "{name} missing:\n{text}"
        );
    }
    let lockouts: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("habilis_lockouts_total "))
        .and_then(|v| v.trim().parse().ok())
        .expect("lockouts value");
    assert!(lockouts >= 1, "{text}");
}

#[actix_web::test]
async fn metrics_stay_on_the_main_listener_by_default() {
    let app = TestApp::new().await;
    assert!(app.metrics_base.is_none());
    let res = app.request("GET", "/metrics", None, None).await;
    assert_eq!(res.status(), 200);
    assert!(res
        .text()
        .await
        .expect("text")
        .contains("habilis_job_backlog"));
}

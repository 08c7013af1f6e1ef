//! Security properties across features: lockout by client IP, fail-closed
//! auditing, personal access tokens of blocked accounts, token scopes.

use diesel::prelude::*;
use habilis_api::db::schema::{outbox, users};
use habilis_shared::policy::Profile;
use serde_json::{json, Value};

use crate::helpers::*;

fn retry_after(res: &reqwest::Response) -> u64 {
    res.headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a numeric Retry-After header")
}

#[actix_web::test]
async fn five_failures_on_five_accounts_lock_the_client_ip() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let expert = app.ready(&admin, Profile::Expert, "expert@inserm.fr").await;
    // One failure per e-mail: no single account reaches the limit.
    for email in [
        "nobody-1@inserm.fr",
        "nobody-2@inserm.fr",
        expert.email.as_str(),
        "nobody-3@inserm.fr",
        "nobody-4@inserm.fr",
    ] {
        let res = app.login_raw(email, "not the password at all").await;
        problem(res, 401).await;
    }
    // The sixth attempt from the same client is refused, right password or not.
    let res = app.login_raw(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let secs = retry_after(&res);
    assert!(secs > 0 && secs <= 15 * 60, "{secs}");
    assert_eq!(problem(res, 429).await["type"], "too_many_requests");
    let res = app.login_raw(&expert.email, &expert.password).await;
    retry_after(&res);
    problem(res, 429).await;
    // Signed-in sessions are not affected: the lock is on signing in.
    assert_eq!(app.get("/api/v1/me", &admin.access).await.status(), 200);
    // It lifts after the lockout period.
    app.clock.advance(chrono::Duration::minutes(16));
    assert_eq!(
        app.login_raw(ADMIN_EMAIL, ADMIN_PASSWORD).await.status(),
        200
    );
}

async fn counts(app: &TestApp) -> (i64, i64) {
    app.with_db(|c| {
        let users: i64 = users::table.count().get_result(c).expect("count users");
        let mails: i64 = outbox::table.count().get_result(c).expect("count outbox");
        (users, mails)
    })
    .await
}

#[actix_web::test]
async fn an_unwritable_audit_log_fails_the_action_and_changes_nothing() {
    let app = TestApp::builder().without_mail_worker().start().await;
    let admin = app.admin().await;
    let before = counts(&app).await;
    app.with_db(|c| {
        diesel::sql_query("ALTER TABLE audit_log RENAME TO audit_log_gone")
            .execute(c)
            .expect("break the audit table");
    })
    .await;
    let res = app
        .post(
            "/api/v1/users",
            &admin.access,
            json!({ "first_name": "Eve", "last_name": "Expert", "email": "eve@inserm.fr", "profile": "expert" }),
        )
        .await;
    let status = res.status().as_u16();
    assert!((500..600).contains(&status), "status {status}");
    let ct = content_type(&res);
    assert!(ct.starts_with("application/problem+json"), "{ct}");
    let text = res.text().await.expect("body");
    let body: Value = serde_json::from_str(&text).expect("problem JSON");
    assert_eq!(body["status"], status);
    for secret in ["audit_log", "SQL", "sql", "relation", "table"] {
        assert!(!text.contains(secret), "internals leak ({secret}): {text}");
    }
    assert_eq!(counts(&app).await, before, "no account, no e-mail");
    let found: i64 = app
        .with_db(|c| {
            users::table
                .filter(users::email.eq("eve@inserm.fr"))
                .count()
                .get_result(c)
                .expect("count")
        })
        .await;
    assert_eq!(found, 0);

    app.with_db(|c| {
        diesel::sql_query("ALTER TABLE audit_log_gone RENAME TO audit_log")
            .execute(c)
            .expect("restore the audit table");
    })
    .await;
    let verdict = app
        .with_db(|c| habilis_api::audit::verify(c).expect("verify"))
        .await;
    assert!(
        matches!(verdict, habilis_api::audit::Verdict::Ok { rows } if rows > 0),
        "{verdict:?}"
    );
    // With the audit log back, the same request succeeds and is chained.
    let (user, _) = app.create(&admin, Profile::Expert, "eve@inserm.fr").await;
    assert_eq!(user.email, "eve@inserm.fr");
    let after = counts(&app).await;
    assert_eq!(after.0, before.0 + 1);
    assert!(after.1 > before.1, "the activation mail is queued");
    let verdict = app
        .with_db(|c| habilis_api::audit::verify(c).expect("verify"))
        .await;
    assert!(
        matches!(verdict, habilis_api::audit::Verdict::Ok { .. }),
        "{verdict:?}"
    );
}

async fn personal_token(app: &TestApp, session: &Session, scopes: &[&str]) -> String {
    let res = app
        .post(
            "/api/v1/me/tokens",
            &session.access,
            json!({ "name": "script", "scopes": scopes }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.expect("created token");
    created["token"].as_str().expect("token").to_owned()
}

#[actix_web::test]
async fn a_blocked_accounts_personal_token_stops_working_at_once() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let pat = personal_token(&app, &h.expert, &["read", "write"]).await;
    assert_eq!(app.get("/api/v1/me", &pat).await.status(), 200);
    let res = app
        .post(
            &format!("/api/v1/users/{}/block", h.expert.id),
            &h.admin.access,
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    problem(app.get("/api/v1/me", &pat).await, 401).await;
    problem(app.get("/api/v1/users", &pat).await, 401).await;
    let res = app
        .request(
            "PATCH",
            "/api/v1/me",
            Some(&pat),
            Some(json!({ "language": "fr" })),
        )
        .await;
    problem(res, 401).await;
}

#[actix_web::test]
async fn a_read_only_token_cannot_patch_me() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let pat = personal_token(&app, &h.expert, &["read"]).await;
    let before: Value = app.get("/api/v1/me", &pat).await.json().await.expect("me");
    let current = before["user"]["personal"]["language"]
        .as_str()
        .expect("language")
        .to_owned();
    let other = if current == "fr" { "ja" } else { "fr" };
    let res = app
        .request(
            "PATCH",
            "/api/v1/me",
            Some(&pat),
            Some(json!({ "language": other })),
        )
        .await;
    assert_eq!(problem(res, 403).await["type"], "insufficient_scope");
    let after: Value = app
        .get("/api/v1/me", &h.expert.access)
        .await
        .json()
        .await
        .expect("me");
    assert_eq!(after["user"]["personal"]["language"], current.as_str());
    // The same change with the session works (the 403 was the scope).
    let res = app
        .request(
            "PATCH",
            "/api/v1/me",
            Some(&h.expert.access),
            Some(json!({ "language": other })),
        )
        .await;
    assert_eq!(res.status(), 200);
}

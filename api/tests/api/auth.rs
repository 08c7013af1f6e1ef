//! Sign-in, tokens, lockout, activation, password change.

use base64::Engine;
use habilis_shared::dto::TokenPair;
use habilis_shared::policy::Profile;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use crate::helpers::*;

#[actix_web::test]
async fn login_then_me() {
    let app = TestApp::new().await;
    let s = app.admin().await;
    let me: Value = app
        .get("/api/v1/me", &s.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(me["user"]["email"], ADMIN_EMAIL);
    assert_eq!(me["user"]["profile"], "admin");
    assert_eq!(me["can_create"], json!(["expert", "webmaster"]));
}

#[actix_web::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = TestApp::new().await;
    let a = problem(app.login_raw(ADMIN_EMAIL, "wrong password!").await, 401).await;
    let b = problem(
        app.login_raw("nobody@inserm.fr", "wrong password!").await,
        401,
    )
    .await;
    assert_eq!(a, b);
}

fn forge(header: &str, claims: &Value, sig: &str) -> String {
    let e = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    format!(
        "{}.{}.{}",
        e(header.as_bytes()),
        e(claims.to_string().as_bytes()),
        sig
    )
}

#[actix_web::test]
async fn forged_and_expired_jwts_are_refused() {
    let app = TestApp::new().await;
    let s = app.admin().await;
    // Take a real token apart to reuse its claims.
    let payload = s.access.split('.').nth(1).expect("payload");
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .expect("b64"),
    )
    .expect("claims");
    let now = chrono::Utc::now().timestamp();
    let sign = |alg: Algorithm, c: &Value, key: &[u8]| {
        jsonwebtoken::encode(&Header::new(alg), c, &EncodingKey::from_secret(key)).expect("sign")
    };
    let mut bad = vec![
        (
            "alg none",
            forge(r#"{"alg":"none","typ":"JWT"}"#, &claims, ""),
        ),
        (
            "HS512",
            sign(Algorithm::HS512, &claims, JWT_SECRET.as_bytes()),
        ),
        (
            "wrong key",
            sign(
                Algorithm::HS256,
                &claims,
                b"another-secret-another-secret-another",
            ),
        ),
    ];
    let mut c = claims.clone();
    c["aud"] = json!("someone-else");
    bad.push((
        "wrong aud",
        sign(Algorithm::HS256, &c, JWT_SECRET.as_bytes()),
    ));
    let mut c = claims.clone();
    c["iss"] = json!("evil");
    bad.push((
        "wrong iss",
        sign(Algorithm::HS256, &c, JWT_SECRET.as_bytes()),
    ));
    let mut c = claims.clone();
    c["exp"] = json!(now - 600);
    c["nbf"] = json!(now - 1200);
    bad.push(("expired", sign(Algorithm::HS256, &c, JWT_SECRET.as_bytes())));
    let mut c = claims.clone();
    c["nbf"] = json!(now + 600);
    c["exp"] = json!(now + 1200);
    bad.push((
        "not yet valid",
        sign(Algorithm::HS256, &c, JWT_SECRET.as_bytes()),
    ));
    bad.push(("garbage", "not.a.jwt".into()));
    for (what, token) in bad {
        let res = app.get("/api/v1/me", &token).await;
        assert_eq!(res.status(), 401, "{what}");
    }
    // The genuine one still works.
    assert_eq!(app.get("/api/v1/me", &s.access).await.status(), 200);
}

#[actix_web::test]
async fn refresh_rotates_and_reuse_revokes_the_family() {
    let app = TestApp::new().await;
    let s = app.admin().await;
    let res = app
        .request(
            "POST",
            "/api/v1/auth/refresh",
            None,
            Some(json!({ "refresh_token": s.refresh })),
        )
        .await;
    assert_eq!(res.status(), 200);
    let pair: TokenPair = res.json().await.expect("pair");
    assert_ne!(pair.refresh_token, s.refresh);
    assert_eq!(
        app.get("/api/v1/me", &pair.access_token).await.status(),
        200
    );

    // Replaying the spent token revokes the family: both tokens die.
    let replay = app
        .request(
            "POST",
            "/api/v1/auth/refresh",
            None,
            Some(json!({ "refresh_token": s.refresh })),
        )
        .await;
    problem(replay, 401).await;
    let next = app
        .request(
            "POST",
            "/api/v1/auth/refresh",
            None,
            Some(json!({ "refresh_token": pair.refresh_token })),
        )
        .await;
    problem(next, 401).await;
    assert_eq!(
        app.get("/api/v1/me", &pair.access_token).await.status(),
        401
    );
    // Another session of the same person is unaffected.
    let other = app.admin().await;
    assert_eq!(app.get("/api/v1/me", &other.access).await.status(), 200);
}

#[actix_web::test]
async fn refresh_accepts_the_cookie() {
    let app = TestApp::new().await;
    let s = app.admin().await;
    let res = app
        .client
        .post(app.url("/api/v1/auth/refresh"))
        .header("cookie", format!("habilis_refresh={}", s.refresh))
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status(), 200);
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("Secure")
            && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(cookie.contains("Path=/api/v1/auth"), "{cookie}");
}

#[actix_web::test]
async fn logout_ends_the_session_at_once() {
    let app = TestApp::new().await;
    let s = app.admin().await;
    let res = app
        .request("POST", "/api/v1/auth/logout", Some(&s.access), None)
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(app.get("/api/v1/me", &s.access).await.status(), 401);
    let r = app
        .request(
            "POST",
            "/api/v1/auth/refresh",
            None,
            Some(json!({ "refresh_token": s.refresh })),
        )
        .await;
    assert_eq!(r.status(), 401);
}

#[actix_web::test]
async fn lockout_after_five_failures_answers_429_with_retry_after() {
    let app = TestApp::new().await;
    for _ in 0..5 {
        assert_eq!(
            app.login_raw(ADMIN_EMAIL, "wrong password!").await.status(),
            401
        );
    }
    // Even the right password is refused while locked.
    let res = app.login_raw(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let retry: u64 = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
    problem(res, 429).await;
    // The lockout lives in the database: after the lockout period it lifts.
    app.clock.advance(chrono::Duration::minutes(16));
    assert_eq!(
        app.login_raw(ADMIN_EMAIL, ADMIN_PASSWORD).await.status(),
        200
    );
}

#[actix_web::test]
async fn blocked_accounts_lose_their_tokens_at_once() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    assert_eq!(app.get("/api/v1/me", &h.expert.access).await.status(), 200);
    let res = app
        .post(
            &format!("/api/v1/users/{}/block", h.expert.id),
            &h.admin.access,
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    problem(app.get("/api/v1/me", &h.expert.access).await, 401).await;
    let res = app.login_raw(&h.expert.email, &h.expert.password).await;
    let body = problem(res, 403).await;
    assert_eq!(body["type"], "account_blocked");
    // Unblock: sign-in works again.
    let res = app
        .post(
            &format!("/api/v1/users/{}/unblock", h.expert.id),
            &h.admin.access,
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        app.login_raw(&h.expert.email, &h.expert.password)
            .await
            .status(),
        200
    );
}

#[actix_web::test]
async fn initial_password_must_be_changed_before_anything_else() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let (_, initial) = app.create(&admin, Profile::Expert, "eve@inserm.fr").await;
    app.activate("eve@inserm.fr").await;
    let s = app.login("eve@inserm.fr", &initial).await;
    // Allowed: GET /me, GET /policy, /auth/password, /auth/logout.
    assert_eq!(app.get("/api/v1/me", &s.access).await.status(), 200);
    assert_eq!(app.get("/api/v1/policy", &s.access).await.status(), 200);
    for (method, path) in [
        ("GET", "/api/v1/users"),
        ("PATCH", "/api/v1/me"),
        ("GET", "/api/v1/me/tokens"),
        ("POST", "/api/v1/authz/check"),
    ] {
        let res = app
            .request(method, path, Some(&s.access), Some(json!({})))
            .await;
        let body = problem(res, 403).await;
        assert_eq!(body["type"], "password_change_required", "{method} {path}");
    }
    // Weak choices are refused with the field named.
    for (new, why) in [
        ("short", "length"),
        ("eve@inserm.fr", "e-mail"),
        (initial.as_str(), "same"),
    ] {
        let res = app
            .post(
                "/api/v1/auth/password",
                &s.access,
                json!({ "current_password": initial, "new_password": new }),
            )
            .await;
        let body = problem(res, 422).await;
        assert!(body["errors"]["new_password"].is_array(), "{why}: {body}");
    }
    let res = app
        .post(
            "/api/v1/auth/password",
            &s.access,
            json!({ "current_password": "not it at all", "new_password": NEW_PASSWORD }),
        )
        .await;
    let body = problem(res, 422).await;
    assert!(body["errors"]["current_password"].is_array());
    let res = app
        .post(
            "/api/v1/auth/password",
            &s.access,
            json!({ "current_password": initial, "new_password": NEW_PASSWORD }),
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(app.get("/api/v1/users", &s.access).await.status(), 200);
    // The old password no longer works, the new one does.
    assert_eq!(app.login_raw("eve@inserm.fr", &initial).await.status(), 401);
    assert_eq!(
        app.login_raw("eve@inserm.fr", NEW_PASSWORD).await.status(),
        200
    );
}

#[actix_web::test]
async fn activation_link_from_the_mail_works_once() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let (user, _) = app.create(&admin, Profile::Expert, "eve@inserm.fr").await;
    assert_eq!(user.state, habilis_shared::dto::AccountState::Created);
    let mail = app
        .wait_for_mail(|m| m.contains("To: eve@inserm.fr") && m.contains("activate?token="))
        .await;
    let token = mail
        .split("activate?token=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("token in mail")
        .to_owned();
    let res = app
        .request(
            "POST",
            "/api/v1/auth/activate",
            None,
            Some(json!({ "token": token })),
        )
        .await;
    assert_eq!(res.status(), 204);
    let res = app
        .request(
            "POST",
            "/api/v1/auth/activate",
            None,
            Some(json!({ "token": token })),
        )
        .await;
    assert_eq!(problem(res, 410).await["type"], "activation_link_used");
    let res = app
        .request(
            "POST",
            "/api/v1/auth/activate",
            None,
            Some(json!({ "token": "nonsense" })),
        )
        .await;
    problem(res, 404).await;
    let seen: serde_json::Value = app
        .get(&format!("/api/v1/users/{}", user.id), &admin.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(seen["state"], "active");
    // The admin is told (SPEC §3.2).
    app.wait_for_mail(|m| m.contains(&format!("To: {ADMIN_EMAIL}")) && m.contains("was activated"))
        .await;
}

#[actix_web::test]
async fn activation_link_expires() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    app.create(&admin, Profile::Expert, "eve@inserm.fr").await;
    let mail = app
        .wait_for_mail(|m| m.contains("To: eve@inserm.fr") && m.contains("activate?token="))
        .await;
    let token = mail
        .split("activate?token=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("token")
        .to_owned();
    app.clock.advance(chrono::Duration::days(8));
    let res = app
        .request(
            "POST",
            "/api/v1/auth/activate",
            None,
            Some(json!({ "token": token })),
        )
        .await;
    assert_eq!(problem(res, 410).await["type"], "activation_link_expired");
}

#[actix_web::test]
async fn personal_access_tokens_are_shown_once_scoped_and_revocable() {
    let app = TestApp::new().await;
    let s = app.admin().await;
    let res = app
        .post(
            "/api/v1/me/tokens",
            &s.access,
            json!({ "name": "read script", "scopes": ["read"], "expires_in_days": 30 }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.expect("json");
    let token = created["token"].as_str().expect("token").to_owned();
    assert!(token.starts_with("hpat_"));
    // Usable as a bearer token for reads.
    assert_eq!(app.get("/api/v1/users", &token).await.status(), 200);
    // Not for writes.
    let res = app
        .post(
            "/api/v1/me/tokens",
            &token,
            json!({ "name": "x", "scopes": ["write"] }),
        )
        .await;
    assert_eq!(problem(res, 403).await["type"], "insufficient_scope");
    // Listed without the secret, with its last use recorded.
    let list: Value = app
        .get("/api/v1/me/tokens", &s.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
    assert!(list["items"][0].get("token").is_none());
    assert!(list["items"][0]["last_used_at"].is_string());
    // The secret is stored hashed only.
    let stored: Vec<String> = app
        .with_db(|c| {
            use diesel::prelude::*;
            use habilis_api::db::schema::api_tokens;
            api_tokens::table
                .select(api_tokens::token_hash)
                .load(c)
                .expect("load")
        })
        .await;
    assert!(!stored.iter().any(|h| h.contains(&token)));
    // Revoke: the token stops working.
    let id = created["id"].as_str().expect("id");
    let res = app
        .request(
            "DELETE",
            &format!("/api/v1/me/tokens/{id}"),
            Some(&s.access),
            None,
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(app.get("/api/v1/users", &token).await.status(), 401);
    let res = app
        .request(
            "DELETE",
            &format!("/api/v1/me/tokens/{id}"),
            Some(&s.access),
            None,
        )
        .await;
    problem(res, 404).await;
}

#[actix_web::test]
async fn nobody_revokes_someone_elses_token() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let created: Value = app
        .post(
            "/api/v1/me/tokens",
            &h.expert.access,
            json!({ "name": "mine", "scopes": ["read", "write"] }),
        )
        .await
        .json()
        .await
        .expect("json");
    let id = created["id"].as_str().expect("id");
    for other in [&h.admin, &h.webmaster, &h.confirmed] {
        let res = app
            .request(
                "DELETE",
                &format!("/api/v1/me/tokens/{id}"),
                Some(&other.access),
                None,
            )
            .await;
        problem(res, 404).await;
    }
}

//! Account recovery (issue 14 §1): password reset by e-mailed link, a new
//! activation link, correcting a name or an e-mail address, and the
//! activation a `created` account needs before it signs in (SPEC §3.2).

use std::time::{Duration, Instant};

use diesel::prelude::*;
use habilis_api::db::schema::{audit_log, outbox};
use habilis_shared::policy::Profile;
use serde_json::{json, Value};

use crate::helpers::*;

const RESET: &str = "reset-password?token=";
const ACTIVATE: &str = "activate?token=";
const CHOSEN: &str = "a password chosen after a reset";

async fn ask_reset(app: &TestApp, email: &str) -> (u16, String, Duration) {
    let started = Instant::now();
    let res = app
        .request(
            "POST",
            "/api/v1/auth/password-reset",
            None,
            Some(json!({ "email": email })),
        )
        .await;
    let elapsed = started.elapsed();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap_or_default(), elapsed)
}

async fn confirm(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    app.request(
        "POST",
        "/api/v1/auth/password-reset/confirm",
        None,
        Some(json!({ "token": token, "new_password": password })),
    )
    .await
}

/// `(action, outcome, target)` of the audit rows with this action.
async fn audited(app: &TestApp, action: &'static str) -> Vec<(String, Option<String>)> {
    app.with_db(move |c| {
        audit_log::table
            .filter(audit_log::action.eq(action))
            .order(audit_log::seq)
            .select((audit_log::outcome, audit_log::target_id))
            .load(c)
            .expect("audit")
    })
    .await
}

/// Subjects of the mails queued to `to`.
async fn subjects(app: &TestApp, to: &str) -> Vec<String> {
    let to = to.to_owned();
    app.with_db(move |c| {
        outbox::table
            .filter(outbox::to_addr.eq(&to))
            .order(outbox::id)
            .select(outbox::subject)
            .load(c)
            .expect("outbox")
    })
    .await
}

#[actix_web::test]
async fn a_reset_request_says_nothing_about_who_has_an_account() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let eve = app.ready(&admin, Profile::Expert, "eve@inserm.fr").await;
    // The first request of the process computes the stand-in hash once.
    assert_eq!(ask_reset(&app, "warm.up@inserm.fr").await.0, 202);

    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        known.push(ask_reset(&app, &eve.email).await);
        unknown.push(ask_reset(&app, "nobody@inserm.fr").await);
    }
    for (status, body, _) in known.iter().chain(&unknown) {
        assert_eq!(*status, 202);
        assert_eq!(body, "", "the same (empty) body whoever asks");
    }
    // Both paths hash a password (argon2 dominates the time): the fastest
    // of each stay within a generous factor of each other.
    let fastest = |v: &[(u16, String, Duration)]| v.iter().map(|r| r.2).min().expect("three");
    let (k, u) = (fastest(&known), fastest(&unknown));
    assert!(
        k < u * 4 && u < k * 4,
        "known {k:?} and unknown {u:?} should take similar time"
    );

    // Only the account gets a link, in the outbox; the unknown address none.
    assert!(app.link_token(&eve.email, RESET).await.is_some());
    assert!(subjects(&app, "nobody@inserm.fr").await.is_empty());
    let rows = audited(&app, "auth.password_reset_request").await;
    assert_eq!(rows.len(), 3);
    assert!(rows
        .iter()
        .all(|(o, t)| o == "success" && t.as_deref() == Some(eve.id.as_str())));
}

#[actix_web::test]
async fn a_reset_link_works_once_and_ends_every_session_and_token() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let eve = app.ready(&admin, Profile::Expert, "eve@inserm.fr").await;
    let second = app.login(&eve.email, &eve.password).await;
    let res = app
        .post(
            "/api/v1/me/tokens",
            &eve.access,
            json!({ "name": "script", "scopes": ["read"] }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let api_token = res.json::<Value>().await.expect("json")["token"]
        .as_str()
        .expect("token")
        .to_owned();
    assert_eq!(app.get("/api/v1/me", &api_token).await.status(), 200);

    assert_eq!(ask_reset(&app, &eve.email).await.0, 202);
    let token = app.link_token(&eve.email, RESET).await.expect("link");

    // The rules of a password change.
    for weak in ["short", "eve@inserm.fr", NEW_PASSWORD] {
        let body = problem(confirm(&app, &token, weak).await, 422).await;
        assert!(body["errors"]["new_password"].is_array(), "{weak}: {body}");
    }
    assert_eq!(confirm(&app, &token, CHOSEN).await.status(), 204);

    // Every session family and API token of the account ended.
    for access in [&eve.access, &second.access, &api_token] {
        problem(app.get("/api/v1/me", access).await, 401).await;
    }
    let res = app
        .request(
            "POST",
            "/api/v1/auth/refresh",
            None,
            Some(json!({ "refresh_token": second.refresh })),
        )
        .await;
    problem(res, 401).await;
    assert_eq!(app.login_raw(&eve.email, NEW_PASSWORD).await.status(), 401);
    app.login(&eve.email, CHOSEN).await;

    // Single use; unknown links are told apart, as activation links are.
    let used = problem(confirm(&app, &token, "yet another password 1").await, 410).await;
    assert_eq!(used["type"], "reset_link_used");
    let unknown = problem(confirm(&app, "no-such-link", CHOSEN).await, 404).await;
    assert_eq!(unknown["type"], "reset_link_unknown");

    let rows = audited(&app, "auth.password_reset").await;
    assert_eq!(
        rows,
        vec![
            ("success".to_owned(), Some(eve.id.clone())),
            ("failure".to_owned(), Some(eve.id.clone())),
        ]
    );
    let sent = subjects(&app, &eve.email).await;
    assert!(
        sent.iter().any(|s| s == "Choose a new Habilis password"),
        "{sent:?}"
    );
    assert!(
        sent.iter()
            .any(|s| s == "Your Habilis password was changed"),
        "{sent:?}"
    );
}

#[actix_web::test]
async fn a_reset_link_expires_after_an_hour_and_a_newer_one_replaces_it() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let eve = app.ready(&admin, Profile::Expert, "eve@inserm.fr").await;
    assert_eq!(ask_reset(&app, &eve.email).await.0, 202);
    let first = app.link_token(&eve.email, RESET).await.expect("link");
    assert_eq!(ask_reset(&app, &eve.email).await.0, 202);
    let second = app.link_token(&eve.email, RESET).await.expect("link");
    assert_ne!(first, second);
    let gone = problem(confirm(&app, &first, CHOSEN).await, 404).await;
    assert_eq!(gone["type"], "reset_link_unknown");

    app.clock.advance(chrono::Duration::minutes(61));
    let expired = problem(confirm(&app, &second, CHOSEN).await, 410).await;
    assert_eq!(expired["type"], "reset_link_expired");
    app.login(&eve.email, &eve.password).await;
}

#[actix_web::test]
async fn reset_requests_follow_the_lockout_rules_and_skip_unusable_accounts() {
    let app = TestApp::new().await;
    // Five per address in the window, whether or not it is an account.
    for email in [ADMIN_EMAIL, "nobody@inserm.fr"] {
        for _ in 0..5 {
            assert_eq!(ask_reset(&app, email).await.0, 202);
        }
        let res = app
            .request(
                "POST",
                "/api/v1/auth/password-reset",
                None,
                Some(json!({ "email": email })),
            )
            .await;
        assert!(res.headers().contains_key("retry-after"));
        problem(res, 429).await;
    }
    // Signing in is not locked by reset requests.
    app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    app.clock.advance(chrono::Duration::minutes(16));
    assert_eq!(ask_reset(&app, ADMIN_EMAIL).await.0, 202);
    let admin = app.admin().await;

    // An account never activated needs its activation link, a blocked one
    // gets nothing: same answer, no link.
    app.create(&admin, Profile::Expert, "new@inserm.fr").await;
    let blocked = app.ready(&admin, Profile::Expert, "gone@inserm.fr").await;
    let res = app
        .post(
            &format!("/api/v1/users/{}/block", blocked.id),
            &admin.access,
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    for email in ["new@inserm.fr", "gone@inserm.fr"] {
        let (status, body, _) = ask_reset(&app, email).await;
        assert_eq!((status, body.as_str()), (202, ""));
        assert!(app.link_token(email, RESET).await.is_none(), "{email}");
    }
}

#[actix_web::test]
async fn a_created_account_signs_in_only_after_its_activation_link() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let (_, initial) = app.create(&admin, Profile::Expert, "eve@inserm.fr").await;
    let body = problem(app.login_raw("eve@inserm.fr", &initial).await, 403).await;
    assert_eq!(body["type"], "activation_required");
    // A wrong password still says only that.
    problem(
        app.login_raw("eve@inserm.fr", "not the password").await,
        401,
    )
    .await;
    app.activate("eve@inserm.fr").await;
    let s = app.login("eve@inserm.fr", &initial).await;
    assert!(!s.access.is_empty());
}

#[actix_web::test]
async fn a_new_activation_link_replaces_the_old_one() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let (user, initial) = app
        .create(&h.confirmed, Profile::Novice, "late@inserm.fr")
        .await;
    let old = app
        .link_token("late@inserm.fr", ACTIVATE)
        .await
        .expect("link");
    let path = format!("/api/v1/users/{}/activation", user.id);
    // Policy before state: a lower profile, someone outside the line.
    problem(app.post(&path, &h.novice.access, json!({})).await, 404).await;
    let path_up = format!("/api/v1/users/{}/activation", h.confirmed.id);
    problem(app.post(&path_up, &h.novice.access, json!({})).await, 403).await;
    problem(app.post(&path, &h.webmaster.access, json!({})).await, 403).await;
    // The creator line (here the expert above the creator) may.
    let res = app.post(&path, &h.expert.access, json!({})).await;
    assert_eq!(res.status(), 202);
    let new = app
        .link_token("late@inserm.fr", ACTIVATE)
        .await
        .expect("link");
    assert_ne!(old, new);
    let res = app
        .request(
            "POST",
            "/api/v1/auth/activate",
            None,
            Some(json!({ "token": old })),
        )
        .await;
    assert_eq!(problem(res, 404).await["type"], "activation_link_unknown");
    app.activate("late@inserm.fr").await;
    app.login("late@inserm.fr", &initial).await;
    // Once activated: 409 for the creator, still 403 for the others.
    let body = problem(app.post(&path, &h.confirmed.access, json!({})).await, 409).await;
    assert_eq!(body["type"], "wrong_state");
    problem(app.post(&path, &h.webmaster.access, json!({})).await, 403).await;
    let rows = audited(&app, "user.activation_resend").await;
    assert_eq!(rows, vec![("success".to_owned(), Some(user.id.clone()))]);
}

#[actix_web::test]
async fn the_creator_line_or_an_admin_corrects_a_name_or_an_address() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let path = format!("/api/v1/users/{}", h.novice.id);
    let patch = |who: &Session, body: Value| {
        let (path, access) = (path.clone(), who.access.clone());
        let app = &app;
        async move { app.request("PATCH", &path, Some(&access), Some(body)).await }
    };
    // Not the person, not a peer of the line, not the webmaster.
    problem(patch(&h.novice, json!({ "first_name": "Me" })).await, 403).await;
    problem(patch(&h.webmaster, json!({ "first_name": "W" })).await, 403).await;
    let up = format!("/api/v1/users/{}", h.confirmed.id);
    let res = app
        .request(
            "PATCH",
            &up,
            Some(&h.novice.access),
            Some(json!({ "first_name": "Boss" })),
        )
        .await;
    problem(res, 403).await;

    let res = patch(&h.confirmed, json!({ "first_name": " Nina " })).await;
    assert_eq!(res.status(), 200);
    let view: Value = res.json().await.expect("json");
    assert_eq!(view["first_name"], "Nina");

    // Domain, duplicates and blank names, as at creation.
    let body = problem(
        patch(&h.confirmed, json!({ "email": "nina@gmail.com" })).await,
        422,
    )
    .await;
    assert!(body["errors"]["email"].is_array(), "{body}");
    let body = problem(
        patch(&h.confirmed, json!({ "email": h.expert.email })).await,
        409,
    )
    .await;
    assert_eq!(body["type"], "email_taken");
    let body = problem(patch(&h.confirmed, json!({ "last_name": "  " })).await, 422).await;
    assert!(body["errors"]["last_name"].is_array(), "{body}");
    let body = problem(
        patch(&h.confirmed, json!({ "email": "not an address" })).await,
        422,
    )
    .await;
    assert!(body["errors"]["email"].is_array(), "{body}");

    // A new address: both are told, and it signs in from now on.
    let res = patch(&h.expert, json!({ "email": "nina.b@inserm.fr" })).await;
    assert_eq!(res.status(), 200);
    for to in [h.novice.email.as_str(), "nina.b@inserm.fr"] {
        let sent = subjects(&app, to).await;
        assert!(
            sent.iter()
                .any(|s| s == "Habilis: your e-mail address was changed"),
            "{to}: {sent:?}"
        );
    }
    app.login("nina.b@inserm.fr", &h.novice.password).await;
    assert_eq!(
        app.login_raw(&h.novice.email, &h.novice.password)
            .await
            .status(),
        401
    );

    // An admin corrects anyone's.
    let res = app
        .request(
            "PATCH",
            &format!("/api/v1/users/{}", h.webmaster.id),
            Some(&h.admin.access),
            Some(json!({ "last_name": "Moderator" })),
        )
        .await;
    assert_eq!(res.status(), 200);
    let rows = audited(&app, "user.update").await;
    assert_eq!(rows.len(), 3, "{rows:?}");

    // A misspelt address of an account never activated: the link goes
    // again, to the corrected address, and the old one stops working.
    let (late, _) = app
        .create(&h.confirmed, Profile::Novice, "lat@inserm.fr")
        .await;
    let old = app
        .link_token("lat@inserm.fr", ACTIVATE)
        .await
        .expect("link");
    let res = app
        .request(
            "PATCH",
            &format!("/api/v1/users/{}", late.id),
            Some(&h.confirmed.access),
            Some(json!({ "email": "late@inserm.fr" })),
        )
        .await;
    assert_eq!(res.status(), 200);
    let new = app
        .link_token("late@inserm.fr", ACTIVATE)
        .await
        .expect("link");
    assert_ne!(old, new);
    let res = app
        .request(
            "POST",
            "/api/v1/auth/activate",
            None,
            Some(json!({ "token": old })),
        )
        .await;
    problem(res, 404).await;
    app.activate("late@inserm.fr").await;
}

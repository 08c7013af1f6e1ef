//! Accounts: the creation matrix over HTTP, quotas, visibility, `/me`,
//! the charter, the policy endpoints and the audit log.

use habilis_shared::policy::Profile;
use serde_json::{json, Value};

use crate::helpers::*;

/// SPEC §2.3, written out: may `by` create `for`?
#[rustfmt::skip]
const CREATION: [(Profile, [bool; 5]); 5] = [
    //                  novice confirmed expert admin webmaster
    (Profile::Novice,    [false, false, false, false, false]),
    (Profile::Confirmed, [true,  false, false, false, false]),
    (Profile::Expert,    [true,  true,  false, false, false]),
    (Profile::Admin,     [false, false, true,  false, true ]),
    (Profile::Webmaster, [false, false, false, false, false]),
];
const TARGETS: [Profile; 5] = [
    Profile::Novice,
    Profile::Confirmed,
    Profile::Expert,
    Profile::Admin,
    Profile::Webmaster,
];

#[actix_web::test]
async fn creation_matrix_over_http() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let session = |p: Profile| match p {
        Profile::Novice => &h.novice,
        Profile::Confirmed => &h.confirmed,
        Profile::Expert => &h.expert,
        Profile::Admin => &h.admin,
        _ => &h.webmaster,
    };
    let mut n = 0;
    for (by, row) in CREATION {
        for (target, expected) in TARGETS.iter().zip(row) {
            n += 1;
            let email = format!("m{n}@inserm.fr");
            let res = app
                .post(
                    "/api/v1/users",
                    &session(by).access,
                    json!({ "first_name": "M", "last_name": "X", "email": email, "profile": target }),
                )
                .await;
            if expected {
                assert_eq!(
                    res.status(),
                    201,
                    "{by} creates {target}: {:?}",
                    res.text().await
                );
            } else {
                let body = problem(res, 403).await;
                assert!(
                    body["detail"]
                        .as_str()
                        .unwrap_or("")
                        .contains("rule creation"),
                    "{by} → {target}: {body}"
                );
            }
        }
    }
    // `public` is not an account profile: refused by the policy too.
    let res = app
        .post("/api/v1/users", &h.admin.access, json!({ "first_name": "P", "last_name": "X", "email": "p@inserm.fr", "profile": "public" }))
        .await;
    problem(res, 403).await;
}

#[actix_web::test]
async fn a_third_webmaster_is_refused() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    app.create(&admin, Profile::Webmaster, "w1@inserm.fr").await;
    app.create(&admin, Profile::Webmaster, "w2@inserm.fr").await;
    let res = app
        .post("/api/v1/users", &admin.access, json!({ "first_name": "W", "last_name": "3", "email": "w3@inserm.fr", "profile": "webmaster" }))
        .await;
    assert_eq!(problem(res, 409).await["type"], "profile_limit_reached");
}

#[actix_web::test]
async fn racing_webmaster_creations_cannot_exceed_the_limit() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    app.create(&admin, Profile::Webmaster, "w1@inserm.fr").await;
    // Several concurrent requests for the last seat: exactly one wins.
    let attempts = (0..4).map(|i| {
        app.post(
            "/api/v1/users",
            &admin.access,
            json!({ "first_name": "W", "last_name": "R", "email": format!("race{i}@inserm.fr"), "profile": "webmaster" }),
        )
    });
    let results = futures_util::future::join_all(attempts).await;
    let codes: Vec<u16> = results.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(codes.iter().filter(|c| **c == 201).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 409).count(), 3, "{codes:?}");
    let count = app
        .with_db(|c| {
            habilis_api::accounts::queries::count_profile(c, Profile::Webmaster).expect("count")
        })
        .await;
    assert_eq!(count, 2);
}

#[actix_web::test]
async fn creation_validates_domain_uniqueness_and_fields() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let body = |email: &str| json!({ "first_name": "E", "last_name": "X", "email": email, "profile": "expert" });
    let res = app
        .post("/api/v1/users", &admin.access, body("eve@gmail.com"))
        .await;
    assert!(problem(res, 422).await["errors"]["email"].is_array());
    app.create(&admin, Profile::Expert, "eve@inserm.fr").await;
    let res = app
        .post("/api/v1/users", &admin.access, body("EVE@Inserm.FR"))
        .await;
    assert_eq!(problem(res, 409).await["type"], "email_taken");
    let res = app.post("/api/v1/users", &admin.access, json!({ "first_name": "", "last_name": "X", "email": "not-an-email", "profile": "expert" })).await;
    let p = problem(res, 422).await;
    assert!(
        p["errors"]["first_name"].is_array() && p["errors"]["email"].is_array(),
        "{p}"
    );
    let res = app.post("/api/v1/users", &admin.access, json!({ "first_name": "E", "last_name": "X", "email": "z@inserm.fr", "profile": "wizard" })).await;
    problem(res, 422).await;
    let res = app.post("/api/v1/users", &admin.access, json!({ "first_name": "E", "last_name": "X", "email": "z@inserm.fr", "profile": "expert", "state": "active" })).await;
    assert!(problem(res, 422).await["errors"]["state"].is_array());
    // An expert has no supervisor.
    let res = app.post("/api/v1/users", &admin.access, json!({ "first_name": "E", "last_name": "X", "email": "z@inserm.fr", "profile": "expert", "supervisor_id": admin.id })).await;
    assert!(problem(res, 422).await["errors"]["supervisor_id"].is_array());
    // Only the initial password's argon2id hash is stored.
    let hashes: Vec<String> = app
        .with_db(|c| {
            use diesel::prelude::*;
            use habilis_api::db::schema::users;
            users::table
                .select(users::password_hash)
                .load(c)
                .expect("load")
        })
        .await;
    assert!(hashes.iter().all(|h| h.starts_with("$argon2id$")));
}

#[actix_web::test]
async fn supervisor_defaults_to_the_creator_and_must_be_below_them() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let (n, _) = app
        .create(&h.confirmed, Profile::Novice, "n2@inserm.fr")
        .await;
    assert_eq!(n.supervisor_id.as_deref(), Some(h.confirmed.id.as_str()));
    // An expert may place a novice under a confirmed of their subtree.
    let res = app
        .post("/api/v1/users", &h.expert.access, json!({ "first_name": "N", "last_name": "3", "email": "n3@inserm.fr", "profile": "novice", "supervisor_id": h.confirmed.id }))
        .await;
    assert_eq!(res.status(), 201);
    // But not under someone outside it, nor under a novice.
    let other = app
        .ready(&h.admin, Profile::Expert, "other@inserm.fr")
        .await;
    let res = app
        .post("/api/v1/users", &h.confirmed.access, json!({ "first_name": "N", "last_name": "4", "email": "n4@inserm.fr", "profile": "novice", "supervisor_id": other.id }))
        .await;
    assert!(problem(res, 422).await["errors"]["supervisor_id"].is_array());
    let res = app
        .post("/api/v1/users", &h.confirmed.access, json!({ "first_name": "N", "last_name": "5", "email": "n5@inserm.fr", "profile": "novice", "supervisor_id": h.novice.id }))
        .await;
    assert!(problem(res, 422).await["errors"]["supervisor_id"].is_array());
}

async fn visible_emails(app: &TestApp, s: &Session) -> Vec<String> {
    let page: Value = app
        .get("/api/v1/users", &s.access)
        .await
        .json()
        .await
        .expect("json");
    let mut v: Vec<String> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|u| u["email"].as_str().unwrap_or("").to_owned())
        .collect();
    v.sort();
    v
}

#[actix_web::test]
async fn people_see_their_line_and_subtree_only() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let other = app
        .ready(&h.admin, Profile::Expert, "other@inserm.fr")
        .await;
    let all = 6;
    assert_eq!(visible_emails(&app, &h.admin).await.len(), all);
    assert_eq!(visible_emails(&app, &h.webmaster).await.len(), all);
    assert_eq!(
        visible_emails(&app, &h.novice).await,
        vec![
            "confirmed@inserm.fr",
            "expert@inserm.fr",
            "novice@inserm.fr"
        ]
    );
    assert_eq!(
        visible_emails(&app, &h.expert).await,
        vec![
            "confirmed@inserm.fr",
            "expert@inserm.fr",
            "novice@inserm.fr"
        ]
    );
    assert_eq!(visible_emails(&app, &other).await, vec!["other@inserm.fr"]);
    // Not visible → 404, whether it exists or not.
    problem(
        app.get(&format!("/api/v1/users/{}", h.novice.id), &other.access)
            .await,
        404,
    )
    .await;
    problem(
        app.get(
            &format!("/api/v1/users/{}", h.webmaster.id),
            &h.novice.access,
        )
        .await,
        404,
    )
    .await;
    problem(
        app.get("/api/v1/users/does-not-exist", &h.admin.access)
            .await,
        404,
    )
    .await;
    // Personal data: owner and webmaster only; the supervisor sees the e-mail.
    let by_sup: Value = app
        .get(
            &format!("/api/v1/users/{}", h.novice.id),
            &h.confirmed.access,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(by_sup["email"], "novice@inserm.fr");
    assert!(by_sup.get("personal").is_none());
    let by_wm: Value = app
        .get(
            &format!("/api/v1/users/{}", h.novice.id),
            &h.webmaster.access,
        )
        .await
        .json()
        .await
        .expect("json");
    assert!(by_wm["personal"].is_object());
    let by_admin: Value = app
        .get(&format!("/api/v1/users/{}", h.novice.id), &h.admin.access)
        .await
        .json()
        .await
        .expect("json");
    assert!(by_admin.get("personal").is_none());
}

#[actix_web::test]
async fn user_list_pages_with_a_cursor() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    for i in 0..5 {
        app.create(&admin, Profile::Expert, &format!("e{i}@inserm.fr"))
            .await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/users?limit=2&cursor={c}"),
            None => "/api/v1/users?limit=2".into(),
        };
        let page: Value = app
            .get(&path, &admin.access)
            .await
            .json()
            .await
            .expect("json");
        for u in page["items"].as_array().expect("items") {
            seen.push(u["id"].as_str().expect("id").to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 6);
    let mut dedup = seen.clone();
    dedup.dedup();
    assert_eq!(dedup, seen);
    for bad in [
        "limit=0",
        "limit=201",
        "limit=-1",
        "limit=abc",
        "cursor=%%%",
        "cursor=-5",
    ] {
        let res = app
            .get(&format!("/api/v1/users?{bad}"), &admin.access)
            .await;
        problem(res, 422).await;
    }
}

#[actix_web::test]
async fn patch_me_changes_preferences_only() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let res = app
        .request("PATCH", "/api/v1/me", Some(&h.novice.access), Some(json!({ "language": "fr", "date_format": "MM/dd/yyyy", "phone": "+33 1 23 45 67 89" })))
        .await;
    assert_eq!(res.status(), 200);
    let me: Value = app
        .get("/api/v1/me", &h.novice.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(me["user"]["personal"]["language"], "fr");
    assert_eq!(me["user"]["personal"]["date_format"], "MM/dd/yyyy");
    for attempt in [
        json!({ "profile": "admin" }),
        json!({ "state": "active" }),
        json!({ "supervisor_id": null }),
        json!({ "email": "x@inserm.fr" }),
        json!({ "language": "de" }),
        json!({ "date_format": "yyyy-MM-dd" }),
        json!({ "language": "en", "profile": "expert" }),
    ] {
        let res = app
            .request(
                "PATCH",
                "/api/v1/me",
                Some(&h.novice.access),
                Some(attempt.clone()),
            )
            .await;
        problem(res, 422).await;
    }
    let me: Value = app
        .get("/api/v1/me", &h.novice.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(me["user"]["profile"], "novice");
    assert_eq!(
        me["user"]["personal"]["language"], "fr",
        "the refused mixed request changed nothing"
    );
    assert_eq!(me["user"]["email"], "novice@inserm.fr");
}

#[actix_web::test]
async fn charter_gates_scientific_actions() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let check = || {
        app.post(
            "/api/v1/authz/check",
            &h.novice.access,
            json!({ "action": "results.read" }),
        )
    };
    let before: Value = check().await.json().await.expect("json");
    assert_eq!(before["allowed"], false);
    assert_eq!(before["rule"], "charter.required");
    let policy: Value = app
        .request("GET", "/api/v1/policy", None, None)
        .await
        .json()
        .await
        .expect("json");
    let version = policy["charter_version"]
        .as_str()
        .expect("version")
        .to_owned();
    let res = app
        .post(
            "/api/v1/me/charter",
            &h.novice.access,
            json!({ "version": "1999-0" }),
        )
        .await;
    assert!(problem(res, 422).await["errors"]["version"].is_array());
    let res = app
        .post(
            "/api/v1/me/charter",
            &h.novice.access,
            json!({ "version": version }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let after: Value = check().await.json().await.expect("json");
    assert_eq!(after["allowed"], true);
    assert_eq!(after["rule"], "capabilities.results.read");
}

#[actix_web::test]
async fn authz_check_explains_decisions() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let d: Value = app
        .post(
            "/api/v1/authz/check",
            &h.expert.access,
            json!({ "action": "user.create.novice" }),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        (d["allowed"].clone(), d["rule"].clone()),
        (json!(true), json!("creation.expert.novice"))
    );
    let d: Value = app
        .post(
            "/api/v1/authz/check",
            &h.novice.access,
            json!({ "action": "user.create.novice" }),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(d["allowed"], false);
    assert!(d["reason"].as_str().is_some_and(|r| !r.is_empty()));
    let d: Value = app
        .post(
            "/api/v1/authz/check",
            &h.admin.access,
            json!({ "action": "user.block", "resource": { "type": "user", "id": h.novice.id } }),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(d["allowed"], true);
    let res = app
        .post(
            "/api/v1/authz/check",
            &h.expert.access,
            json!({ "action": "teleport.now" }),
        )
        .await;
    assert!(problem(res, 422).await["errors"]["action"].is_array());
    let res = app
        .post(
            "/api/v1/authz/check",
            &h.novice.access,
            json!({ "action": "user.read", "resource": { "type": "user", "id": h.webmaster.id } }),
        )
        .await;
    problem(res, 404).await;
}

#[actix_web::test]
async fn policy_is_public() {
    let app = TestApp::new().await;
    let res = app.request("GET", "/api/v1/policy", None, None).await;
    assert_eq!(res.status(), 200);
    let p: Value = res.json().await.expect("json");
    assert_eq!(p["creation"]["expert"], json!(["novice", "confirmed"]));
    assert!(p["capabilities"]["results.read"]["provisional"].is_array());
}

#[actix_web::test]
async fn audit_log_records_changes_and_denials_for_admins_and_webmasters() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    // A denied attempt is recorded.
    let res = app
        .post("/api/v1/users", &h.novice.access, json!({ "first_name": "N", "last_name": "X", "email": "x@inserm.fr", "profile": "novice" }))
        .await;
    problem(res, 403).await;
    for reader in [&h.admin, &h.webmaster] {
        let page: Value = app
            .get("/api/v1/audit?action=user.create", &reader.access)
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(page["items"].as_array().map(Vec::len), Some(4), "{page}");
    }
    let denied: Value = app
        .get(
            &format!(
                "/api/v1/audit?actor_id={}&action=user.create.novice",
                h.novice.id
            ),
            &h.admin.access,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(denied["items"][0]["outcome"], "denied");
    assert_eq!(
        denied["items"][0]["detail"]["rule"],
        "creation.novice.novice"
    );
    // Paging newest first.
    let p1: Value = app
        .get("/api/v1/audit?limit=3", &h.admin.access)
        .await
        .json()
        .await
        .expect("json");
    let cursor = p1["next_cursor"].as_str().expect("cursor");
    let p2: Value = app
        .get(
            &format!("/api/v1/audit?limit=3&cursor={cursor}"),
            &h.admin.access,
        )
        .await
        .json()
        .await
        .expect("json");
    assert!(p1["items"][2]["seq"].as_i64() > p2["items"][0]["seq"].as_i64());
    for who in [&h.expert, &h.confirmed, &h.novice] {
        problem(app.get("/api/v1/audit", &who.access).await, 403).await;
    }
    let res = app
        .get("/api/v1/audit?since=yesterday", &h.admin.access)
        .await;
    problem(res, 422).await;
}

#[actix_web::test]
async fn only_admins_block_and_never_themselves() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    for who in [&h.webmaster, &h.expert, &h.confirmed] {
        let res = app
            .post(
                &format!("/api/v1/users/{}/block", h.novice.id),
                &who.access,
                json!({}),
            )
            .await;
        problem(res, 403).await;
    }
    let res = app
        .post(
            &format!("/api/v1/users/{}/block", h.admin.id),
            &h.admin.access,
            json!({}),
        )
        .await;
    problem(res, 403).await;
    let res = app
        .post(
            &format!("/api/v1/users/{}/unblock", h.novice.id),
            &h.admin.access,
            json!({}),
        )
        .await;
    assert_eq!(problem(res, 409).await["type"], "wrong_state");
}

#[actix_web::test]
async fn a_policy_file_changes_the_rules() {
    // An institute that lets admins create confirmed scientists too, and
    // accepts another e-mail domain.
    let app = TestApp::builder()
        .policy(
            "[accounts]\nallowed_email_domains = [\"example.org\"]\n\n[creation]\nadmin = [\"expert\", \"webmaster\", \"confirmed\"]\n",
        )
        .start()
        .await;
    let admin = app.admin().await;
    let res = app
        .post("/api/v1/users", &admin.access, json!({ "first_name": "C", "last_name": "X", "email": "c@inserm.fr", "profile": "expert" }))
        .await;
    assert!(problem(res, 422).await["errors"]["email"].is_array());
    let (expert, _) = app.create(&admin, Profile::Expert, "e@example.org").await;
    let res = app
        .post("/api/v1/users", &admin.access, json!({ "first_name": "C", "last_name": "X", "email": "c@example.org", "profile": "confirmed", "supervisor_id": expert.id }))
        .await;
    // The matrix now allows it; the supervisor must still be below the admin.
    assert!(problem(res, 422).await["errors"]["supervisor_id"].is_array());
    let d: Value = app
        .post(
            "/api/v1/authz/check",
            &admin.access,
            json!({ "action": "user.create.confirmed" }),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(d["allowed"], true);
}

#[actix_web::test]
async fn people_search_is_case_insensitive_and_stays_within_visibility() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let search = |s: &Session, q: &str| {
        let path = format!("/api/v1/users?q={q}");
        let token = s.access.clone();
        let app = &app;
        async move {
            let page: Value = app.get(&path, &token).await.json().await.expect("json");
            let mut v: Vec<String> = page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|u| u["email"].as_str().unwrap_or("").to_owned())
                .collect();
            v.sort();
            v
        }
    };
    assert_eq!(search(&h.admin, "NOVICE").await, vec!["novice@inserm.fr"]);
    assert_eq!(
        search(&h.admin, "confirmed").await,
        vec!["confirmed@inserm.fr"]
    );
    // The novice finds only what it may see.
    assert!(search(&h.novice, "webmaster").await.is_empty());
    // LIKE metacharacters are plain text.
    assert!(search(&h.admin, "%25").await.is_empty());
    assert!(search(&h.admin, "_").await.is_empty());
    let long = "x".repeat(101);
    problem(
        app.get(&format!("/api/v1/users?q={long}"), &h.admin.access)
            .await,
        422,
    )
    .await;
}

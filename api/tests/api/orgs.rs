//! Organisations, members, bulk invitations and the CSV export (issue 6,
//! SPEC §4).

use habilis_shared::policy::Profile;
use serde_json::{json, Value};

use crate::helpers::*;

async fn org(app: &TestApp, admin: &Session, name: &str) -> String {
    let res = app
        .post(
            "/api/v1/organizations",
            &admin.access,
            json!({ "name": name, "description": "a lab" }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let v: Value = res.json().await.expect("json");
    v["id"].as_str().expect("id").to_owned()
}

async fn invite(app: &TestApp, s: &Session, org: &str, emails: Value, role: &str) -> Value {
    let res = app
        .post(
            &format!("/api/v1/organizations/{org}/invitations"),
            &s.access,
            json!({ "emails": emails, "role": role }),
        )
        .await;
    assert_eq!(res.status(), 200, "invite: {:?}", res.text().await);
    res.json().await.expect("json")
}

fn outcomes(report: &Value) -> Vec<(String, String)> {
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                r["email"].as_str().unwrap_or_default().to_owned(),
                r["outcome"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

async fn members(app: &TestApp, s: &Session, org: &str) -> Vec<(String, String, String)> {
    let v: Value = app
        .get(&format!("/api/v1/organizations/{org}/members"), &s.access)
        .await
        .json()
        .await
        .expect("json");
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| {
            (
                m["email"].as_str().unwrap_or_default().to_owned(),
                m["role"].as_str().unwrap_or_default().to_owned(),
                m["state"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The secret of the invitation link e-mailed to `to`.
async fn invitation_token(app: &TestApp, to: &str) -> String {
    let mail = app
        .wait_for_mail(|m| m.contains(&format!("To: {to}")) && m.contains("/invitations/hinv_"))
        .await;
    let start = mail.find("/invitations/hinv_").expect("link") + "/invitations/".len();
    mail[start..]
        .split(|c: char| c.is_whitespace())
        .next()
        .expect("token")
        .to_owned()
}

#[actix_web::test]
async fn admins_create_organisations_and_managers_run_them() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    problem(
        app.post(
            "/api/v1/organizations",
            &h.expert.access,
            json!({ "name": "Lab" }),
        )
        .await,
        403,
    )
    .await;
    let lab = org(&app, &h.admin, "Plankton Lab").await;
    let dup = app
        .post(
            "/api/v1/organizations",
            &h.admin.access,
            json!({ "name": " plankton lab " }),
        )
        .await;
    assert_eq!(problem(dup, 409).await["type"], "name_taken");
    problem(
        app.post(
            "/api/v1/organizations",
            &h.admin.access,
            json!({ "name": "  " }),
        )
        .await,
        422,
    )
    .await;
    // Not a member yet: the expert does not see it.
    problem(
        app.get(&format!("/api/v1/organizations/{lab}"), &h.expert.access)
            .await,
        404,
    )
    .await;
    // The admin adds the expert (an existing account) as manager.
    let report = invite(&app, &h.admin, &lab, json!([h.expert.email]), "manager").await;
    assert_eq!(
        outcomes(&report),
        [(h.expert.email.clone(), "added".into())]
    );
    let mine: Value = app
        .get("/api/v1/organizations", &h.expert.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(mine["items"][0]["my_role"], "manager");
    // The manager renames it and adds the confirmed as a plain user.
    let res = app
        .request(
            "PATCH",
            &format!("/api/v1/organizations/{lab}"),
            Some(&h.expert.access),
            Some(json!({ "name": "Plankton Ecology Lab" })),
        )
        .await;
    assert_eq!(res.status(), 200);
    invite(&app, &h.expert, &lab, json!(h.confirmed.email), "user").await;
    // A `user` may not manage access (SPEC §4): 403 on every manager action.
    let c = &h.confirmed;
    problem(
        app.request(
            "PATCH",
            &format!("/api/v1/organizations/{lab}"),
            Some(&c.access),
            Some(json!({ "name": "Mine" })),
        )
        .await,
        403,
    )
    .await;
    let report = app
        .post(
            &format!("/api/v1/organizations/{lab}/invitations"),
            &c.access,
            json!({ "emails": "x@inserm.fr", "role": "manager" }),
        )
        .await;
    problem(report, 403).await;
    problem(
        app.request(
            "PATCH",
            &format!("/api/v1/organizations/{lab}/members/{}", c.id),
            Some(&c.access),
            Some(json!({ "role": "manager" })),
        )
        .await,
        403,
    )
    .await;
    problem(
        app.get(
            &format!("/api/v1/organizations/{lab}/members.csv"),
            &c.access,
        )
        .await,
        403,
    )
    .await;
    // …but sees the members.
    assert_eq!(members(&app, c, &lab).await.len(), 2);
    // The last manager cannot be demoted, removed or blocked.
    let me_path = format!("/api/v1/organizations/{lab}/members/{}", h.expert.id);
    let last = app
        .request(
            "PATCH",
            &me_path,
            Some(&h.expert.access),
            Some(json!({ "role": "user" })),
        )
        .await;
    assert_eq!(problem(last, 409).await["type"], "last_manager");
    problem(
        app.request("DELETE", &me_path, Some(&h.expert.access), None)
            .await,
        409,
    )
    .await;
    // Promote the confirmed to contributor, block them, then lift it.
    let c_path = format!("/api/v1/organizations/{lab}/members/{}", c.id);
    let res = app
        .request(
            "PATCH",
            &c_path,
            Some(&h.expert.access),
            Some(json!({ "role": "contributor" })),
        )
        .await;
    assert_eq!(res.status(), 200);
    problem(
        app.request(
            "PATCH",
            &c_path,
            Some(&h.expert.access),
            Some(json!({ "role": "boss" })),
        )
        .await,
        422,
    )
    .await;
    let blocked: Value = app
        .post(&format!("{c_path}/block"), &h.expert.access, json!({}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(blocked["state"], "blocked");
    // Blocked in the organisation: it disappears for them.
    problem(
        app.get(&format!("/api/v1/organizations/{lab}"), &c.access)
            .await,
        404,
    )
    .await;
    let back = app
        .post(&format!("{c_path}/unblock"), &h.expert.access, json!({}))
        .await;
    assert_eq!(back.status(), 200);
    assert_eq!(
        app.get(&format!("/api/v1/organizations/{lab}"), &c.access)
            .await
            .status(),
        200
    );
    let removed = app
        .request("DELETE", &c_path, Some(&h.expert.access), None)
        .await;
    assert_eq!(removed.status(), 204);
    assert_eq!(members(&app, &h.expert, &lab).await.len(), 1);
}

#[actix_web::test]
async fn bulk_invitations_report_every_address_and_over_the_limit_change_nothing() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let lab = org(&app, &h.admin, "Lab").await;
    invite(&app, &h.admin, &lab, json!([h.expert.email]), "manager").await;
    // One pasted string: spaces, line breaks, an invalid address, a foreign
    // domain, an existing account, a member, a duplicate.
    let pasted = format!(
        " new.one@inserm.fr ;\nnot-an-email; someone@gmail.com; {} ;{}; NEW.ONE@inserm.fr ;",
        h.novice.email, h.expert.email
    );
    let report = invite(&app, &h.expert, &lab, json!(pasted), "contributor").await;
    assert_eq!(
        outcomes(&report),
        [
            ("new.one@inserm.fr".to_owned(), "invited".to_owned()),
            ("not-an-email".into(), "invalid_email".into()),
            ("someone@gmail.com".into(), "domain_not_allowed".into()),
            (h.novice.email.clone(), "added".into()),
            (h.expert.email.clone(), "already_member".into()),
            ("NEW.ONE@inserm.fr".into(), "duplicate".into()),
        ]
    );
    let again = invite(&app, &h.expert, &lab, json!(["new.one@inserm.fr"]), "user").await;
    assert_eq!(outcomes(&again)[0].1, "already_invited");
    let pending: Value = app
        .get(
            &format!("/api/v1/organizations/{lab}/invitations"),
            &h.expert.access,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(pending["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(pending["items"][0]["invited_by"], json!(h.expert.id));
    // 101 addresses: 422 and nothing applied.
    let many: Vec<String> = (0..101).map(|i| format!("p{i}@inserm.fr")).collect();
    let res = app
        .post(
            &format!("/api/v1/organizations/{lab}/invitations"),
            &h.expert.access,
            json!({ "emails": many, "role": "user" }),
        )
        .await;
    let p = problem(res, 422).await;
    assert!(p["errors"]["emails"].is_array(), "{p}");
    let joined = many.join(";");
    problem(
        app.post(
            &format!("/api/v1/organizations/{lab}/invitations"),
            &h.expert.access,
            json!({ "emails": joined, "role": "user" }),
        )
        .await,
        422,
    )
    .await;
    let pending: Value = app
        .get(
            &format!("/api/v1/organizations/{lab}/invitations"),
            &h.expert.access,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        pending["items"].as_array().map(Vec::len),
        Some(1),
        "nothing applied"
    );
    assert_eq!(members(&app, &h.expert, &lab).await.len(), 2);
    problem(
        app.post(
            &format!("/api/v1/organizations/{lab}/invitations"),
            &h.expert.access,
            json!({ "emails": " ; ", "role": "user" }),
        )
        .await,
        422,
    )
    .await;
}

#[actix_web::test]
async fn invitation_links_work_once_and_say_why_they_do_not() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let lab = org(&app, &h.admin, "Lab").await;
    invite(
        &app,
        &h.admin,
        &lab,
        json!(["late.comer@inserm.fr"]),
        "user",
    )
    .await;
    let token = invitation_token(&app, "late.comer@inserm.fr").await;
    // Someone else cannot use it.
    let res = app
        .post(
            &format!("/api/v1/invitations/{token}/accept"),
            &h.novice.access,
            json!({}),
        )
        .await;
    assert_eq!(problem(res, 403).await["type"], "wrong_recipient");
    // The account is created later; its owner accepts once.
    let late = app
        .ready(&h.expert, Profile::Confirmed, "late.comer@inserm.fr")
        .await;
    let res = app
        .post(
            &format!("/api/v1/invitations/{token}/accept"),
            &late.access,
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let joined: Value = res.json().await.expect("json");
    assert_eq!(joined["role"], "user");
    let twice = app
        .post(
            &format!("/api/v1/invitations/{token}/accept"),
            &late.access,
            json!({}),
        )
        .await;
    let p = problem(twice, 410).await;
    assert!(
        p["detail"].as_str().unwrap_or("").contains("already used"),
        "{p}"
    );
    problem(
        app.post(
            "/api/v1/invitations/hinv_nothing/accept",
            &late.access,
            json!({}),
        )
        .await,
        404,
    )
    .await;
    // Revoked, then expired.
    invite(
        &app,
        &h.admin,
        &lab,
        json!(["second@inserm.fr", "third@inserm.fr"]),
        "user",
    )
    .await;
    let second = invitation_token(&app, "second@inserm.fr").await;
    let third = invitation_token(&app, "third@inserm.fr").await;
    let list: Value = app
        .get(
            &format!("/api/v1/organizations/{lab}/invitations"),
            &h.admin.access,
        )
        .await
        .json()
        .await
        .expect("json");
    let id = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["email"] == "second@inserm.fr")
        .and_then(|i| i["id"].as_str())
        .expect("second")
        .to_owned();
    let res = app
        .request(
            "DELETE",
            &format!("/api/v1/organizations/{lab}/invitations/{id}"),
            Some(&h.admin.access),
            None,
        )
        .await;
    assert_eq!(res.status(), 204);
    let s = app
        .ready(&h.expert, Profile::Confirmed, "second@inserm.fr")
        .await;
    let p = problem(
        app.post(
            &format!("/api/v1/invitations/{second}/accept"),
            &s.access,
            json!({}),
        )
        .await,
        410,
    )
    .await;
    assert!(
        p["detail"].as_str().unwrap_or("").contains("revoked"),
        "{p}"
    );
    app.clock.advance(chrono::Duration::days(15));
    let t = app
        .ready(&app.admin().await, Profile::Expert, "third@inserm.fr")
        .await;
    let p = problem(
        app.post(
            &format!("/api/v1/invitations/{third}/accept"),
            &t.access,
            json!({}),
        )
        .await,
        410,
    )
    .await;
    assert!(
        p["detail"].as_str().unwrap_or("").contains("expired"),
        "{p}"
    );
}

#[actix_web::test]
async fn a_manager_of_one_organisation_cannot_touch_another() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let a = org(&app, &h.admin, "A").await;
    let b = org(&app, &h.admin, "B").await;
    invite(&app, &h.admin, &a, json!([h.expert.email]), "manager").await;
    invite(&app, &h.admin, &b, json!([h.confirmed.email]), "manager").await;
    let e = &h.expert;
    for (method, path, body) in [
        ("GET", format!("/api/v1/organizations/{b}"), None),
        ("GET", format!("/api/v1/organizations/{b}/members"), None),
        (
            "GET",
            format!("/api/v1/organizations/{b}/members.csv"),
            None,
        ),
        (
            "GET",
            format!("/api/v1/organizations/{b}/invitations"),
            None,
        ),
        (
            "POST",
            format!("/api/v1/organizations/{b}/invitations"),
            Some(json!({ "emails": "z@inserm.fr", "role": "user" })),
        ),
        (
            "PATCH",
            format!("/api/v1/organizations/{b}/members/{}", h.confirmed.id),
            Some(json!({ "role": "user" })),
        ),
        (
            "POST",
            format!("/api/v1/organizations/{b}/members/{}/block", h.confirmed.id),
            Some(json!({})),
        ),
    ] {
        let res = app.request(method, &path, Some(&e.access), body).await;
        problem(res, 404).await;
    }
    let list: Value = app
        .get("/api/v1/organizations", &e.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
    // Administrators see and export every organisation.
    let all: Value = app
        .get("/api/v1/organizations", &h.admin.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(all["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        app.get(
            &format!("/api/v1/organizations/{b}/members.csv"),
            &h.admin.access
        )
        .await
        .status(),
        200
    );
}

#[actix_web::test]
async fn the_csv_export_has_one_line_per_member_and_neutralises_formulas() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let lab = org(&app, &h.admin, "Lab, \"Marine\"").await;
    invite(&app, &h.admin, &lab, json!([h.expert.email]), "manager").await;
    // A name a spreadsheet would run as a formula.
    let (evil, _) = app
        .create(&h.expert, Profile::Confirmed, "evil@inserm.fr")
        .await;
    let id = evil.id.clone();
    app.with_db(move |c| {
        use diesel::prelude::*;
        use habilis_api::db::schema::users;
        diesel::update(users::table.find(id))
            .set(users::first_name.eq("=HYPERLINK(\"http://x\",\"y\")"))
            .execute(c)
            .expect("name");
    })
    .await;
    invite(
        &app,
        &h.expert,
        &lab,
        json!(["evil@inserm.fr", h.novice.email]),
        "user",
    )
    .await;
    let res = app
        .get(
            &format!("/api/v1/organizations/{lab}/members.csv"),
            &h.expert.access,
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap_or("")
        .starts_with("text/csv"));
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap_or("")
        .contains("attachment"));
    let body = res.text().await.expect("text");
    let lines: Vec<&str> = body.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "first_name,last_name,email,created_at,status,language,organization,role"
    );
    assert_eq!(lines.len(), 4, "{body}");
    let evil_line = lines
        .iter()
        .find(|l| l.contains("evil@inserm.fr"))
        .expect("evil line");
    assert!(
        evil_line.starts_with("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
        "{evil_line}"
    );
    assert!(
        evil_line.contains(",\"Lab, \"\"Marine\"\"\",user"),
        "{evil_line}"
    );
    let expert_line = lines
        .iter()
        .find(|l| l.contains(&h.expert.email))
        .expect("expert line");
    assert!(expert_line.ends_with(",manager"), "{expert_line}");
    assert!(expert_line.contains(",active,en,"), "{expert_line}");
}

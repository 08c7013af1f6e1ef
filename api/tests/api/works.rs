//! Works, the visibility engine of SPEC §2.5, activity logs and promotion,
//! through HTTP on a fixed organisation.

use std::collections::BTreeMap;

use diesel::prelude::*;
use habilis_shared::policy::Profile;
use serde_json::{json, Value};

use crate::helpers::*;

/// The organisation of the visibility table:
/// E1 supervises C1, C2; E2 supervises C3; C1 supervises N1, N2;
/// C2 supervises N3; C3 supervises N4. Plus one admin, one webmaster.
struct Org {
    people: BTreeMap<&'static str, Session>,
}

impl Org {
    fn get(&self, name: &str) -> &Session {
        &self.people[name]
    }
}

async fn org(app: &TestApp) -> Org {
    let mut people = BTreeMap::new();
    let admin = app.admin().await;
    let w = app.ready(&admin, Profile::Webmaster, "w@inserm.fr").await;
    let e1 = app.ready(&admin, Profile::Expert, "e1@inserm.fr").await;
    let e2 = app.ready(&admin, Profile::Expert, "e2@inserm.fr").await;
    let c1 = app.ready(&e1, Profile::Confirmed, "c1@inserm.fr").await;
    let c2 = app.ready(&e1, Profile::Confirmed, "c2@inserm.fr").await;
    let c3 = app.ready(&e2, Profile::Confirmed, "c3@inserm.fr").await;
    let n1 = app.ready(&c1, Profile::Novice, "n1@inserm.fr").await;
    let n2 = app.ready(&c1, Profile::Novice, "n2@inserm.fr").await;
    let n3 = app.ready(&c2, Profile::Novice, "n3@inserm.fr").await;
    let n4 = app.ready(&c3, Profile::Novice, "n4@inserm.fr").await;
    for (name, s) in [
        ("A", admin),
        ("W", w),
        ("E1", e1),
        ("E2", e2),
        ("C1", c1),
        ("C2", c2),
        ("C3", c3),
        ("N1", n1),
        ("N2", n2),
        ("N3", n3),
        ("N4", n4),
    ] {
        app.accept_charter(&s).await;
        people.insert(name, s);
    }
    Org { people }
}

const VIEWERS: [&str; 11] = [
    "A", "W", "E1", "E2", "C1", "C2", "C3", "N1", "N2", "N3", "N4",
];
const AUTHORS: [&str; 9] = ["E1", "E2", "C1", "C2", "C3", "N1", "N2", "N3", "N4"];

/// Which works each viewer sees, per state, for the owners of `AUTHORS`
/// (SPEC §2.5 with the default policy: experts see only the published
/// works of their confirmed). Written out by hand.
#[rustfmt::skip]
const DRAFTS: [(&str, &str); 11] = [
    //        E1 E2 C1 C2 C3 N1 N2 N3 N4
    ("A",  ". . . . . . . . ."),
    ("W",  "Y Y Y Y Y Y Y Y Y"),
    ("E1", "Y . . . . Y Y Y ."),
    ("E2", ". Y . . . . . . Y"),
    ("C1", ". . Y . . Y Y . ."),
    ("C2", ". . . Y . . . Y ."),
    ("C3", ". . . . Y . . . Y"),
    ("N1", ". . . . . Y . . ."),
    ("N2", ". . . . . . Y . ."),
    ("N3", ". . . . . . . Y ."),
    ("N4", ". . . . . . . . Y"),
];
#[rustfmt::skip]
const PUBLISHED: [(&str, &str); 11] = [
    //        E1 E2 C1 C2 C3 N1 N2 N3 N4
    ("A",  ". . . . . . . . ."),
    ("W",  "Y Y Y Y Y Y Y Y Y"),
    ("E1", "Y Y Y Y Y Y Y Y Y"),
    ("E2", "Y Y Y Y Y Y Y Y Y"),
    ("C1", "Y Y Y Y Y Y Y Y Y"),
    ("C2", "Y Y Y Y Y Y Y Y Y"),
    ("C3", "Y Y Y Y Y Y Y Y Y"),
    ("N1", "Y Y Y Y Y Y Y Y Y"),
    ("N2", "Y Y Y Y Y Y Y Y Y"),
    ("N3", "Y Y Y Y Y Y Y Y Y"),
    ("N4", "Y Y Y Y Y Y Y Y Y"),
];
/// Activity logs: owners A W E1 E2 C1 C2 C3 N1 N2 N3 N4.
#[rustfmt::skip]
const ACTIVITY: [(&str, &str); 11] = [
    //        A W E1 E2 C1 C2 C3 N1 N2 N3 N4
    ("A",  "Y . Y Y Y Y Y Y Y Y Y"),
    ("W",  "Y Y Y Y Y Y Y Y Y Y Y"),
    ("E1", ". . Y . Y Y . Y Y Y ."),
    ("E2", ". . . Y . . Y . . . Y"),
    ("C1", ". . . . Y . . Y Y . ."),
    ("C2", ". . . . . Y . . . Y ."),
    ("C3", ". . . . . . Y . . . Y"),
    ("N1", ". . . . . . . Y . . ."),
    ("N2", ". . . . . . . . Y . ."),
    ("N3", ". . . . . . . . . Y ."),
    ("N4", ". . . . . . . . . . Y"),
];
/// Personal data: its owner and the webmaster only.
#[rustfmt::skip]
const PERSONAL: [(&str, &str); 11] = [
    //        A W E1 E2 C1 C2 C3 N1 N2 N3 N4
    ("A",  "Y . . . . . . . . . ."),
    ("W",  "Y Y Y Y Y Y Y Y Y Y Y"),
    ("E1", ". . Y . . . . . . . ."),
    ("E2", ". . . Y . . . . . . ."),
    ("C1", ". . . . Y . . . . . ."),
    ("C2", ". . . . . Y . . . . ."),
    ("C3", ". . . . . . Y . . . ."),
    ("N1", ". . . . . . . Y . . ."),
    ("N2", ". . . . . . . . Y . ."),
    ("N3", ". . . . . . . . . Y ."),
    ("N4", ". . . . . . . . . . Y"),
];

fn row(table: &[(&str, &str)], viewer: &str) -> Vec<bool> {
    let (_, cells) = table.iter().find(|(v, _)| *v == viewer).expect("row");
    cells.split(' ').map(|c| c == "Y").collect()
}

#[actix_web::test]
async fn visibility_table_of_spec_2_5() {
    let app = TestApp::builder().without_mail_worker().start().await;
    let org = org(&app).await;
    // Each author records one work per state. Novices cannot move their
    // works forward (no results.create), so the fixture sets those states
    // in the database.
    let mut ids: BTreeMap<(&str, &str), String> = BTreeMap::new();
    for author in AUTHORS {
        for state in ["draft", "unpublished", "published"] {
            let (s, title) = (org.get(author), format!("{author} {state}"));
            // Novices' works are their jobs' drafts.
            let id = if author.starts_with('N') {
                app.job_draft(s, &title).await
            } else {
                app.draft(s, &title).await
            };
            let (id2, st) = (id.clone(), state.to_owned());
            app.with_db(move |c| {
                use habilis_api::db::schema::works;
                diesel::update(works::table.find(id2))
                    .set(works::state.eq(st))
                    .execute(c)
                    .expect("state");
            })
            .await;
            ids.insert((author, state), id);
        }
    }
    for viewer in VIEWERS {
        let s = org.get(viewer);
        let page: Value = app
            .get("/api/v1/works?limit=200", &s.access)
            .await
            .json()
            .await
            .expect("json");
        let listed: Vec<String> = page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|w| w["id"].as_str().unwrap_or("").to_owned())
            .collect();
        for (state, table) in [
            ("draft", &DRAFTS),
            ("unpublished", &DRAFTS),
            ("published", &PUBLISHED),
        ] {
            for (author, expected) in AUTHORS.iter().zip(row(table, viewer)) {
                let id = &ids[&(*author, state)];
                assert_eq!(
                    listed.contains(id),
                    expected,
                    "{viewer} lists the {state} work of {author}"
                );
                let one = app.get(&format!("/api/v1/works/{id}"), &s.access).await;
                assert_eq!(
                    one.status() == 200,
                    expected,
                    "{viewer} reads the {state} work of {author}"
                );
                if !expected {
                    assert_eq!(one.status(), 404);
                }
            }
        }
    }
    for viewer in VIEWERS {
        let s = org.get(viewer);
        for (owner, (activity, personal)) in VIEWERS.iter().zip(
            row(&ACTIVITY, viewer)
                .into_iter()
                .zip(row(&PERSONAL, viewer)),
        ) {
            let id = &org.get(owner).id;
            let res = app
                .get(&format!("/api/v1/users/{id}/activity"), &s.access)
                .await;
            assert_eq!(
                res.status() == 200,
                activity,
                "{viewer} reads the activity of {owner}: {}",
                res.status()
            );
            let res = app.get(&format!("/api/v1/users/{id}"), &s.access).await;
            let has_personal = res.status() == 200
                && res
                    .json::<Value>()
                    .await
                    .expect("json")
                    .get("personal")
                    .is_some();
            assert_eq!(
                has_personal, personal,
                "{viewer} reads the personal data of {owner}"
            );
        }
    }
}

#[actix_web::test]
async fn the_expert_switch_opens_confirmed_drafts() {
    let app = TestApp::builder()
        .policy("[visibility]\nexpert_sees_confirmed_drafts = true\n")
        .without_mail_worker()
        .start()
        .await;
    let org = org(&app).await;
    let w: Value = app
        .post(
            "/api/v1/works",
            &org.get("C1").access,
            json!({ "title": "draft" }),
        )
        .await
        .json()
        .await
        .expect("json");
    let id = w["id"].as_str().expect("id");
    assert_eq!(
        app.get(&format!("/api/v1/works/{id}"), &org.get("E1").access)
            .await
            .status(),
        200
    );
    assert_eq!(
        app.get(&format!("/api/v1/works/{id}"), &org.get("E2").access)
            .await
            .status(),
        404
    );
}

async fn step(app: &TestApp, s: &Session, id: &str, to: &str) -> reqwest::Response {
    app.post(
        &format!("/api/v1/works/{id}/state"),
        &s.access,
        json!({ "state": to }),
    )
    .await
}

async fn promote(app: &TestApp, by: &Session, who: &Session) -> reqwest::Response {
    app.post(
        &format!("/api/v1/users/{}/promote", who.id),
        &by.access,
        json!({}),
    )
    .await
}

#[actix_web::test]
async fn works_move_one_step_at_a_time_by_their_owner() {
    let app = TestApp::builder().without_mail_worker().start().await;
    let org = org(&app).await;
    let (c1, e1, n1) = (org.get("C1"), org.get("E1"), org.get("N1"));
    let w: Value = app
        .post(
            "/api/v1/works",
            &c1.access,
            json!({ "title": "Plankton census", "summary": "first pass" }),
        )
        .await
        .json()
        .await
        .expect("json");
    let id = w["id"].as_str().expect("id").to_owned();
    assert_eq!(w["state"], "draft");
    assert_eq!(
        problem(step(&app, c1, &id, "published").await, 409).await["type"],
        "wrong_state"
    );
    problem(step(&app, e1, &id, "unpublished").await, 404).await; // the expert does not see C1's drafts
    assert_eq!(step(&app, c1, &id, "unpublished").await.status(), 200);
    let published: Value = step(&app, c1, &id, "published")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(published["state"], "published");
    assert!(published["published_at"].is_string());
    problem(step(&app, c1, &id, "draft").await, 409).await;
    problem(step(&app, c1, &id, "archived").await, 422).await;
    // Published: the expert sees it but may not change it; the policy
    // answers before the state (403, not 409).
    problem(step(&app, e1, &id, "published").await, 403).await;
    // A novice records no work by hand: their works are their jobs' drafts.
    problem(
        app.post("/api/v1/works", &n1.access, json!({ "title": "by hand" }))
            .await,
        403,
    )
    .await;
    // A novice's draft cannot be moved by the novice (no results.create).
    let nid = app.job_draft(n1, "novice draft").await;
    let nid = nid.as_str();
    let res = app
        .post(
            &format!("/api/v1/works/{nid}/state"),
            &n1.access,
            json!({ "state": "unpublished" }),
        )
        .await;
    problem(res, 403).await;
    // Nor deleted by the novice (SPEC §3.6); the confirmed deletes their own.
    problem(
        app.request(
            "DELETE",
            &format!("/api/v1/works/{nid}"),
            Some(&n1.access),
            None,
        )
        .await,
        403,
    )
    .await;
    problem(
        app.request(
            "DELETE",
            &format!("/api/v1/works/{nid}"),
            Some(&c1.access),
            None,
        )
        .await,
        403,
    )
    .await;
    assert_eq!(
        app.request(
            "DELETE",
            &format!("/api/v1/works/{id}"),
            Some(&c1.access),
            None
        )
        .await
        .status(),
        204
    );
    problem(
        app.get(&format!("/api/v1/works/{id}"), &c1.access).await,
        404,
    )
    .await;
    // Admins and webmasters record no works.
    for who in ["A", "W"] {
        problem(
            app.post(
                "/api/v1/works",
                &org.get(who).access,
                json!({ "title": "x" }),
            )
            .await,
            403,
        )
        .await;
    }
    problem(
        app.post("/api/v1/works", &c1.access, json!({ "title": "" }))
            .await,
        422,
    )
    .await;
}

#[actix_web::test]
async fn annotations_follow_visibility_and_results_modify() {
    let app = TestApp::builder().without_mail_worker().start().await;
    let org = org(&app).await;
    let nid = app.job_draft(org.get("N1"), "novice draft").await;
    let nid = nid.as_str();
    let path = format!("/api/v1/works/{nid}/annotations");
    assert_eq!(
        app.post(
            &path,
            &org.get("C1").access,
            json!({ "body": "check the units" })
        )
        .await
        .status(),
        201
    );
    assert_eq!(
        app.post(&path, &org.get("E1").access, json!({ "body": "agreed" }))
            .await
            .status(),
        201
    );
    problem(
        app.post(&path, &org.get("N1").access, json!({ "body": "mine" }))
            .await,
        403,
    )
    .await;
    problem(
        app.post(&path, &org.get("W").access, json!({ "body": "moderation" }))
            .await,
        403,
    )
    .await;
    problem(
        app.post(&path, &org.get("C2").access, json!({ "body": "peer" }))
            .await,
        404,
    )
    .await;
    problem(
        app.post(&path, &org.get("C1").access, json!({ "body": "" }))
            .await,
        422,
    )
    .await;
    let list: Value = app
        .get(&path, &org.get("N1").access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(list["items"][0]["body"], "check the units");
}

#[actix_web::test]
async fn activity_records_sign_ins_token_use_and_views() {
    let app = TestApp::builder().without_mail_worker().start().await;
    let org = org(&app).await;
    let (c1, n1) = (org.get("C1"), org.get("N1"));
    let id = app.job_draft(n1, "t").await;
    assert_eq!(
        app.get(&format!("/api/v1/works/{id}"), &c1.access)
            .await
            .status(),
        200
    );
    let token: Value = app
        .post(
            "/api/v1/me/tokens",
            &n1.access,
            json!({ "name": "script", "scopes": ["read"] }),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        app.get("/api/v1/works", token["token"].as_str().expect("token"))
            .await
            .status(),
        200
    );
    let log: Value = app
        .get(&format!("/api/v1/users/{}/activity", n1.id), &c1.access)
        .await
        .json()
        .await
        .expect("json");
    let kinds: Vec<&str> = log["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or(""))
        .collect();
    assert!(
        kinds.contains(&"sign_in") && kinds.contains(&"token_use"),
        "{kinds:?}"
    );
    let mine: Value = app
        .get(&format!("/api/v1/users/{}/activity", c1.id), &c1.access)
        .await
        .json()
        .await
        .expect("json");
    assert!(mine["items"]
        .as_array()
        .expect("items")
        .iter()
        .any(|e| e["kind"] == "work_view" && e["target_id"] == id));
    // Newest first, paged.
    let p1: Value = app
        .get(
            &format!("/api/v1/users/{}/activity?limit=1", n1.id),
            &c1.access,
        )
        .await
        .json()
        .await
        .expect("json");
    let cursor = p1["next_cursor"].as_str().expect("cursor");
    let p2: Value = app
        .get(
            &format!("/api/v1/users/{}/activity?limit=1&cursor={cursor}", n1.id),
            &c1.access,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_ne!(p1["items"][0]["id"], p2["items"][0]["id"]);
}

#[actix_web::test]
async fn promotion_goes_one_level_by_the_right_people() {
    let app = TestApp::new().await;
    let org = org(&app).await;
    let (a, e1, e2, c1, n1) = (
        org.get("A"),
        org.get("E1"),
        org.get("E2"),
        org.get("C1"),
        org.get("N1"),
    );
    let w = json!({ "id": app.job_draft(n1, "kept").await });
    // Not in the line: the other expert cannot see N1 at all.
    problem(promote(&app, e2, n1).await, 404).await;
    // The confirmed supervisor is not "the expert above".
    problem(promote(&app, c1, n1).await, 403).await;
    problem(promote(&app, a, n1).await, 403).await;
    let up: Value = promote(&app, e1, n1).await.json().await.expect("json");
    assert_eq!(up["profile"], "confirmed");
    assert_eq!(
        up["supervisor_id"],
        json!(e1.id),
        "the expert above becomes the supervisor"
    );
    // Works stay with their owner.
    let kept: Value = app
        .get(
            &format!("/api/v1/works/{}", w["id"].as_str().expect("id")),
            &n1.access,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(kept["owner_id"], json!(n1.id));
    // One level at a time: confirmed → expert by an admin only.
    problem(promote(&app, e1, n1).await, 403).await;
    let up: Value = promote(&app, a, n1).await.json().await.expect("json");
    assert_eq!(up["profile"], "expert");
    assert_eq!(up["supervisor_id"], Value::Null, "experts report to no one");
    problem(promote(&app, a, n1).await, 403).await;
    problem(promote(&app, a, org.get("W")).await, 403).await;
    problem(promote(&app, a, a).await, 403).await;
    // Mail to the person and the new supervisor; audited.
    app.wait_for_mail(|m| m.contains("To: n1@inserm.fr") && m.contains("promoted"))
        .await;
    app.wait_for_mail(|m| m.contains("To: e1@inserm.fr") && m.contains("promoted"))
        .await;
    let audit: Value = app
        .get("/api/v1/audit?action=user.promote", &a.access)
        .await
        .json()
        .await
        .expect("json");
    let outcomes: Vec<&str> = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["outcome"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        outcomes.iter().filter(|o| **o == "success").count(),
        2,
        "{outcomes:?}"
    );
    assert_eq!(
        outcomes.iter().filter(|o| **o == "denied").count(),
        6,
        "every refusal is recorded: {outcomes:?}"
    );
}

#[actix_web::test]
async fn authz_check_answers_for_a_work_without_leaking_it() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    for s in [&h.novice, &h.confirmed] {
        app.accept_charter(s).await;
    }
    let w = app.job_draft(&h.novice, "t").await;
    let ask = |action: &str| json!({ "action": action, "resource": { "type": "work", "id": w } });
    let allowed = |v: Value| v["allowed"].as_bool();
    let mine: Value = app
        .post(
            "/api/v1/authz/check",
            &h.novice.access,
            ask("work.transfer"),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(allowed(mine), Some(true));
    let theirs: Value = app
        .post(
            "/api/v1/authz/check",
            &h.confirmed.access,
            ask("work.transfer"),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(allowed(theirs), Some(false));
    problem(
        app.post("/api/v1/authz/check", &h.admin.access, ask("work.read"))
            .await,
        404,
    )
    .await;
}

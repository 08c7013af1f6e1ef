//! Works belong to projects (issue 14 §3, SPEC §4–§5): a real foreign key,
//! filing needs to see the project and a role that may annotate, works go
//! into active projects only, a closed project keeps its works readable,
//! and every project can be either closed or deleted.

use diesel::prelude::*;
use habilis_api::db::schema::{audit_log, works, works_project_cleared};
use habilis_shared::policy::Profile;
use serde_json::{json, Value};

use crate::helpers::*;

struct Lab {
    h: Hierarchy,
    /// A confirmed scientist, `user` of the lab.
    member: Session,
    sponsor: Session,
    steward: Session,
    lab: String,
}

/// A lab managed by the expert, with the confirmed as a `contributor` and
/// another confirmed scientist as a `user`; a sponsor and a data steward
/// outside it.
async fn lab(app: &TestApp) -> Lab {
    let h = app.hierarchy().await;
    let member = app
        .ready(&h.expert, Profile::Confirmed, "member@inserm.fr")
        .await;
    for s in [&h.expert, &h.confirmed, &h.novice, &member] {
        app.accept_charter(s).await;
    }
    let res = app
        .post(
            "/api/v1/organizations",
            &h.admin.access,
            json!({ "name": "Lab" }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let lab = res.json::<Value>().await.expect("json")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    for (email, role) in [
        (&h.expert.email, "manager"),
        (&h.confirmed.email, "contributor"),
        (&member.email, "user"),
    ] {
        let res = app
            .post(
                &format!("/api/v1/organizations/{lab}/invitations"),
                &h.admin.access,
                json!({ "emails": [email], "role": role }),
            )
            .await;
        assert_eq!(res.status(), 200);
    }
    let sponsor = app
        .ready(&h.admin, Profile::Expert, "sponsor@inserm.fr")
        .await;
    let steward = app
        .ready(&h.admin, Profile::Expert, "steward@inserm.fr")
        .await;
    Lab {
        h,
        member,
        sponsor,
        steward,
        lab,
    }
}

/// A pending project of the lab, created by its manager.
async fn project(app: &TestApp, l: &Lab, name: &str) -> String {
    let res = app
        .post(
            "/api/v1/projects",
            &l.h.expert.access,
            json!({
                "organization_id": l.lab, "name": name, "data_class": "hds",
                "domain": "oceanography", "description": "plankton counts",
                "sponsor_id": l.sponsor.id, "data_steward_id": l.steward.id,
            }),
        )
        .await;
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
    res.json::<Value>().await.expect("json")["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// Sponsor and data steward approve (`approve`) or the sponsor rejects.
async fn decide(app: &TestApp, l: &Lab, project: &str, approve: bool) {
    for who in [&l.sponsor, &l.steward] {
        let inbox: Value = app
            .get("/api/v1/approvals", &who.access)
            .await
            .json()
            .await
            .expect("json");
        let approval = inbox["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|a| a["subject_id"] == project)
            .and_then(|a| a["id"].as_str())
            .expect("in the inbox")
            .to_owned();
        let decision = if approve { "approve" } else { "reject" };
        let res = app
            .post(
                &format!("/api/v1/approvals/{approval}/decision"),
                &who.access,
                json!({ "decision": decision, "comment": "seen" }),
            )
            .await;
        assert_eq!(res.status(), 200, "{:?}", res.text().await);
        if !approve {
            return;
        }
    }
}

async fn work_in(app: &TestApp, s: &Session, project: &str) -> reqwest::Response {
    app.post(
        "/api/v1/works",
        &s.access,
        json!({ "title": "Counts", "project_id": project }),
    )
    .await
}

async fn file(app: &TestApp, s: &Session, work: &str, body: Value) -> reqwest::Response {
    app.request(
        "PATCH",
        &format!("/api/v1/works/{work}"),
        Some(&s.access),
        Some(body),
    )
    .await
}

async fn project_of(app: &TestApp, s: &Session, work: &str) -> Value {
    let res = app.get(&format!("/api/v1/works/{work}"), &s.access).await;
    assert_eq!(res.status(), 200);
    res.json::<Value>().await.expect("json")["project_id"].clone()
}

async fn audit_count(app: &TestApp, action: &'static str, work: &str) -> i64 {
    let work = work.to_owned();
    app.with_db(move |c| {
        audit_log::table
            .filter(audit_log::action.eq(action))
            .filter(audit_log::target_id.eq(work))
            .count()
            .get_result::<i64>(c)
            .expect("count")
    })
    .await
}

#[actix_web::test]
async fn works_go_into_active_projects_their_author_sees_and_may_annotate_in() {
    let app = TestApp::new().await;
    let l = lab(&app).await;
    let p = project(&app, &l, "Plankton").await;
    let manager = &l.h.expert;

    // Pending: it never started, so no work goes in (409, nothing written).
    let refused = problem(work_in(&app, manager, &p).await, 409).await;
    assert_eq!(refused["type"], "wrong_state", "{refused}");
    decide(&app, &l, &p, true).await;

    // Active: the manager records a work in it.
    let res = work_in(&app, manager, &p).await;
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
    let recorded: Value = res.json().await.expect("json");
    assert_eq!(recorded["project_id"], json!(p));
    // A `user` member who does not even see the project: an unknown project.
    let unknown = problem(work_in(&app, &l.member, &p).await, 422).await;
    assert!(unknown["errors"]["project_id"].is_array(), "{unknown}");
    // Granted access, the `user` role still may not annotate: 403.
    let res = app
        .post(
            &format!("/api/v1/projects/{p}/participants"),
            &manager.access,
            json!({ "email": l.member.email }),
        )
        .await;
    assert_eq!(res.status(), 201);
    problem(work_in(&app, &l.member, &p).await, 403).await;
    // A project that does not exist: 422, like one I do not see.
    problem(work_in(&app, manager, "no-such-project").await, 422).await;
    // A contributor granted access puts works in.
    let res = app
        .post(
            &format!("/api/v1/projects/{p}/participants"),
            &manager.access,
            json!({ "email": l.h.confirmed.email }),
        )
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(work_in(&app, &l.h.confirmed, &p).await.status(), 201);

    // Filing an existing work in and out.
    let loose = app.draft(manager, "Loose").await;
    assert_eq!(project_of(&app, manager, &loose).await, Value::Null);
    let res = file(&app, manager, &loose, json!({ "project_id": p })).await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    assert_eq!(project_of(&app, manager, &loose).await, json!(p));
    assert_eq!(audit_count(&app, "work.file", &loose).await, 1);
    // `{}` changes nothing; a wrong type or an unknown field is refused.
    assert_eq!(file(&app, manager, &loose, json!({})).await.status(), 200);
    assert_eq!(project_of(&app, manager, &loose).await, json!(p));
    let bad = file(&app, manager, &loose, json!({ "project_id": 5 })).await;
    assert!(
        matches!(bad.status().as_u16(), 400 | 422),
        "{}",
        bad.status()
    );
    let bad = file(&app, manager, &loose, json!({ "title": "x" })).await;
    assert!(
        matches!(bad.status().as_u16(), 400 | 422),
        "{}",
        bad.status()
    );
    problem(
        file(&app, manager, &loose, json!({ "project_id": "nope" })).await,
        422,
    )
    .await;
    assert_eq!(project_of(&app, manager, &loose).await, json!(p));
    // Someone else's work: the expert's draft is not even visible to the
    // confirmed below (404); the confirmed sees their novice's draft, but
    // only its owner files it (403).
    let theirs = app.job_draft(&l.h.novice, "Mine").await;
    problem(
        file(&app, &l.h.confirmed, &theirs, json!({ "project_id": p })).await,
        403,
    )
    .await;
    problem(
        file(&app, &l.h.confirmed, &loose, json!({ "project_id": null })).await,
        404,
    )
    .await;
    // Out again.
    let res = file(&app, manager, &loose, json!({ "project_id": null })).await;
    assert_eq!(res.status(), 200);
    assert_eq!(project_of(&app, manager, &loose).await, Value::Null);
    assert_eq!(audit_count(&app, "work.file", &loose).await, 2);

    // The project's page lists its works (those I see).
    let listed: Value = app
        .get(&format!("/api/v1/works?project_id={p}"), &manager.access)
        .await
        .json()
        .await
        .expect("json");
    let listed = listed["items"].as_array().expect("items");
    assert!(listed.iter().all(|w| w["project_id"] == json!(p)));
    assert!(listed.iter().any(|w| w["id"] == recorded["id"]));
    assert!(!listed.iter().any(|w| w["id"] == json!(loose)));

    // Closing keeps the works readable, in the project, which accepts no
    // more and lets none out.
    let res = app
        .post(
            &format!("/api/v1/projects/{p}/close"),
            &manager.access,
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    let inside = recorded["id"].as_str().expect("id");
    assert_eq!(project_of(&app, manager, inside).await, json!(p));
    problem(
        file(&app, manager, inside, json!({ "project_id": null })).await,
        409,
    )
    .await;
    problem(
        file(&app, manager, &loose, json!({ "project_id": p })).await,
        409,
    )
    .await;
    problem(work_in(&app, manager, &p).await, 409).await;
    assert_eq!(project_of(&app, manager, &loose).await, Value::Null);
}

#[actix_web::test]
async fn every_project_can_be_closed_or_deleted() {
    let app = TestApp::new().await;
    let l = lab(&app).await;
    let manager = &l.h.expert;
    let pending = project(&app, &l, "Pending").await;
    let rejected = project(&app, &l, "Rejected").await;
    decide(&app, &l, &rejected, false).await;
    // Neither takes works through the API...
    for p in [&pending, &rejected] {
        problem(work_in(&app, manager, p).await, 409).await;
    }
    // ...but works filed before that rule may name them: deleting the
    // project takes them out, on the audit chain, and keeps them.
    for p in [&pending, &rejected] {
        let w = app.draft(manager, "Old").await;
        let (w2, p2) = (w.clone(), p.clone());
        app.with_db(move |c| {
            diesel::update(works::table.find(&w2))
                .set(works::project_id.eq(Some(&p2)))
                .execute(c)
                .expect("legacy filing")
        })
        .await;
        let res = app
            .request(
                "DELETE",
                &format!("/api/v1/projects/{p}"),
                Some(&manager.access),
                None,
            )
            .await;
        assert_eq!(res.status(), 204, "{:?}", res.text().await);
        assert_eq!(project_of(&app, manager, &w).await, Value::Null);
        assert_eq!(audit_count(&app, "work.project_cleared", &w).await, 1);
    }
    // An active project with works closes.
    let active = project(&app, &l, "Active").await;
    decide(&app, &l, &active, true).await;
    assert_eq!(work_in(&app, manager, &active).await.status(), 201);
    let res = app
        .post(
            &format!("/api/v1/projects/{active}/close"),
            &manager.access,
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let verdict = app
        .with_db(|c| habilis_api::audit::verify(c).expect("verify"))
        .await;
    assert!(
        matches!(verdict, habilis_api::audit::Verdict::Ok { .. }),
        "{verdict:?}"
    );
}

/// The migration that made `works.project_id` a foreign key keeps the
/// values that name a project and clears the others; the server writes each
/// clearing to the audit chain once, and the chain stays whole.
#[actix_web::test]
async fn the_migration_clears_dangling_projects_on_the_audit_chain() {
    let app = TestApp::builder().without_mail_worker().start().await;
    let l = lab(&app).await;
    let manager = &l.h.expert;
    let p = project(&app, &l, "Real").await;
    decide(&app, &l, &p, true).await;
    let res = work_in(&app, manager, &p).await;
    assert_eq!(res.status(), 201);
    let kept = res.json::<Value>().await.expect("json")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let dangling = app.draft(manager, "Dangling").await;
    let d = dangling.clone();
    let (reverted, applied) = app
        .with_db(move |c| {
            let reverted = c
                .revert_through("2026-12-01-062000")
                .expect("down to before the foreign key");
            // Without the key, a work may name any project.
            diesel::update(works::table.find(&d))
                .set(works::project_id.eq(Some("gone")))
                .execute(c)
                .expect("dangling");
            let applied = habilis_api::app::migrate(c).expect("up again");
            let left: i64 = works_project_cleared::table
                .count()
                .get_result(c)
                .expect("count");
            assert_eq!(left, 0, "every clearing is recorded, then forgotten");
            (reverted, applied)
        })
        .await;
    assert!(!reverted.is_empty());
    assert_eq!(reverted.len(), applied.len(), "{reverted:?} {applied:?}");
    assert_eq!(project_of(&app, manager, &kept).await, json!(p));
    assert_eq!(project_of(&app, manager, &dangling).await, Value::Null);
    assert_eq!(
        audit_count(&app, "work.project_cleared", &dangling).await,
        1
    );
    assert_eq!(audit_count(&app, "work.project_cleared", &kept).await, 0);
    // Migrating again records nothing twice.
    app.with_db(|c| habilis_api::app::migrate(c).expect("nothing to do"))
        .await;
    assert_eq!(
        audit_count(&app, "work.project_cleared", &dangling).await,
        1
    );
    let verdict = app
        .with_db(|c| habilis_api::audit::verify(c).expect("verify"))
        .await;
    assert!(
        matches!(verdict, habilis_api::audit::Verdict::Ok { .. }),
        "{verdict:?}"
    );
}

//! Projects, approvals by sponsor and data steward, participants (issue 6,
//! SPEC §4).

use habilis_shared::policy::Profile;
use serde_json::{json, Value};

use crate::helpers::*;

struct Setup {
    h: Hierarchy,
    lab: String,
    sponsor: Session,
    steward: Session,
}

/// A lab managed by the expert, with the confirmed as a `user` member; a
/// sponsor and a data steward (two other experts, not members).
async fn setup(app: &TestApp) -> Setup {
    let h = app.hierarchy().await;
    let res = app
        .post(
            "/api/v1/organizations",
            &h.admin.access,
            json!({ "name": "Lab" }),
        )
        .await;
    let lab = res.json::<Value>().await.expect("json")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    for (email, role) in [(&h.expert.email, "manager"), (&h.confirmed.email, "user")] {
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
    Setup {
        h,
        lab,
        sponsor,
        steward,
    }
}

fn body(s: &Setup, name: &str) -> Value {
    json!({
        "organization_id": s.lab, "name": name, "data_class": "hds", "domain": "oceanography",
        "description": "plankton counts", "sponsor_id": s.sponsor.id, "data_steward_id": s.steward.id,
    })
}

async fn create(app: &TestApp, s: &Setup, name: &str) -> Value {
    let res = app
        .post("/api/v1/projects", &s.h.expert.access, body(s, name))
        .await;
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
    res.json().await.expect("json")
}

/// The inbox entry of `who` for `project`.
async fn approval_of(app: &TestApp, who: &Session, project: &str) -> Option<String> {
    let inbox: Value = app
        .get("/api/v1/approvals", &who.access)
        .await
        .json()
        .await
        .expect("json");
    inbox["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|a| a["subject_id"] == project)
        .and_then(|a| a["id"].as_str())
        .map(str::to_owned)
}

async fn decide(app: &TestApp, who: &Session, approval: &str, body: Value) -> reqwest::Response {
    app.post(
        &format!("/api/v1/approvals/{approval}/decision"),
        &who.access,
        body,
    )
    .await
}

async fn state_of(app: &TestApp, who: &Session, project: &str) -> Value {
    let p: Value = app
        .get(&format!("/api/v1/projects/{project}"), &who.access)
        .await
        .json()
        .await
        .expect("json");
    p["state"].clone()
}

#[actix_web::test]
async fn a_project_becomes_active_when_sponsor_and_steward_approve() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    // Bad requests change nothing.
    let mut bad = body(&s, "P");
    bad["domain"] = json!("astrology");
    problem(
        app.post("/api/v1/projects", &s.h.expert.access, bad).await,
        422,
    )
    .await;
    let mut same = body(&s, "P");
    same["data_steward_id"] = json!(s.sponsor.id);
    problem(
        app.post("/api/v1/projects", &s.h.expert.access, same).await,
        422,
    )
    .await;
    let mut ghost = body(&s, "P");
    ghost["sponsor_id"] = json!("nobody");
    let p = problem(
        app.post("/api/v1/projects", &s.h.expert.access, ghost)
            .await,
        422,
    )
    .await;
    assert!(p["errors"]["sponsor_id"].is_array(), "{p}");
    // Only managers create (a `user` member gets 403, a stranger 404).
    problem(
        app.post("/api/v1/projects", &s.h.confirmed.access, body(&s, "P"))
            .await,
        403,
    )
    .await;
    problem(
        app.post("/api/v1/projects", &s.h.novice.access, body(&s, "P"))
            .await,
        404,
    )
    .await;
    let list: Value = app
        .get("/api/v1/projects", &s.h.expert.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["items"], json!([]), "nothing was created");

    let project = create(&app, &s, "Plankton").await;
    let id = project["id"].as_str().expect("id").to_owned();
    assert_eq!(project["state"], "pending");
    app.wait_for_mail(|m| {
        m.contains("To: sponsor@inserm.fr") && m.contains("waits for your approval")
    })
    .await;
    let sponsor_ap = approval_of(&app, &s.sponsor, &id)
        .await
        .expect("in the sponsor's inbox");
    let steward_ap = approval_of(&app, &s.steward, &id)
        .await
        .expect("in the steward's inbox");
    assert!(approval_of(&app, &s.h.confirmed, &id).await.is_none());
    // Nobody decides for someone else; a rejection needs a comment.
    problem(
        decide(
            &app,
            &s.steward,
            &sponsor_ap,
            json!({ "decision": "approve" }),
        )
        .await,
        404,
    )
    .await;
    problem(
        decide(
            &app,
            &s.sponsor,
            &sponsor_ap,
            json!({ "decision": "reject" }),
        )
        .await,
        422,
    )
    .await;
    problem(
        decide(
            &app,
            &s.sponsor,
            &sponsor_ap,
            json!({ "decision": "maybe" }),
        )
        .await,
        422,
    )
    .await;
    // One approval: still pending; the requester hears of it.
    let res = decide(
        &app,
        &s.sponsor,
        &sponsor_ap,
        json!({ "decision": "approve" }),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(state_of(&app, &s.h.expert, &id).await, "pending");
    app.wait_for_mail(|m| {
        m.contains("To: expert@inserm.fr") && m.contains("one approval is still awaited")
    })
    .await;
    let twice = decide(
        &app,
        &s.sponsor,
        &sponsor_ap,
        json!({ "decision": "approve" }),
    )
    .await;
    assert_eq!(problem(twice, 409).await["type"], "already_decided");
    assert!(
        approval_of(&app, &s.sponsor, &id).await.is_none(),
        "out of the inbox"
    );
    // Both: active, with its history.
    let res = decide(
        &app,
        &s.steward,
        &steward_ap,
        json!({ "decision": "approve", "comment": "ok" }),
    )
    .await;
    assert_eq!(res.status(), 200);
    let p: Value = app
        .get(&format!("/api/v1/projects/{id}"), &s.h.expert.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(p["state"], "active");
    let kinds: Vec<&str> = p["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["requested", "approved", "approved", "activated"]);
    // Sponsor and steward see their project; the `user` member, not granted, does not.
    assert_eq!(state_of(&app, &s.sponsor, &id).await, "active");
    problem(
        app.get(&format!("/api/v1/projects/{id}"), &s.h.confirmed.access)
            .await,
        404,
    )
    .await;

    // A rejection ends it; deciding afterwards is refused.
    let other = create(&app, &s, "Doomed").await;
    let other_id = other["id"].as_str().expect("id").to_owned();
    let st_ap = approval_of(&app, &s.steward, &other_id)
        .await
        .expect("inbox");
    let sp_ap = approval_of(&app, &s.sponsor, &other_id)
        .await
        .expect("inbox");
    let res = decide(
        &app,
        &s.steward,
        &st_ap,
        json!({ "decision": "reject", "comment": "no ethics approval" }),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(state_of(&app, &s.h.expert, &other_id).await, "rejected");
    let late = decide(&app, &s.sponsor, &sp_ap, json!({ "decision": "approve" })).await;
    assert_eq!(problem(late, 409).await["type"], "not_pending");
    // Managers edit, close, and delete what never started.
    let res = app
        .request(
            "PATCH",
            &format!("/api/v1/projects/{id}"),
            Some(&s.h.expert.access),
            Some(json!({ "description": "counts, 2027" })),
        )
        .await;
    assert_eq!(res.status(), 200);
    problem(
        app.request(
            "DELETE",
            &format!("/api/v1/projects/{id}"),
            Some(&s.h.expert.access),
            None,
        )
        .await,
        409,
    )
    .await;
    let res = app
        .request(
            "DELETE",
            &format!("/api/v1/projects/{other_id}"),
            Some(&s.h.expert.access),
            None,
        )
        .await;
    assert_eq!(res.status(), 204);
    problem(
        app.post(
            &format!("/api/v1/projects/{id}/close"),
            &s.sponsor.access,
            json!({}),
        )
        .await,
        403,
    )
    .await;
    let closed = app
        .post(
            &format!("/api/v1/projects/{id}/close"),
            &s.h.expert.access,
            json!({}),
        )
        .await;
    assert_eq!(closed.status(), 200);
    assert_eq!(state_of(&app, &s.h.expert, &id).await, "closed");
}

#[actix_web::test]
async fn racing_decisions_leave_one_consistent_state() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    for round in 0..3 {
        let p = create(&app, &s, &format!("Race {round}")).await;
        let id = p["id"].as_str().expect("id").to_owned();
        let a = approval_of(&app, &s.sponsor, &id).await.expect("inbox");
        let b = approval_of(&app, &s.steward, &id).await.expect("inbox");
        let (ra, rb) = futures_util::future::join(
            decide(&app, &s.sponsor, &a, json!({ "decision": "approve" })),
            decide(&app, &s.steward, &b, json!({ "decision": "approve" })),
        )
        .await;
        assert_eq!((ra.status().as_u16(), rb.status().as_u16()), (200, 200));
        let view: Value = app
            .get(&format!("/api/v1/projects/{id}"), &s.h.expert.access)
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(view["state"], "active", "round {round}");
        let activated = view["history"]
            .as_array()
            .expect("history")
            .iter()
            .filter(|e| e["kind"] == "activated")
            .count();
        assert_eq!(activated, 1, "round {round}");
    }
    // Approve and reject at once: whichever order, a final state follows
    // from the decisions recorded.
    let p = create(&app, &s, "Split").await;
    let id = p["id"].as_str().expect("id").to_owned();
    let a = approval_of(&app, &s.sponsor, &id).await.expect("inbox");
    let b = approval_of(&app, &s.steward, &id).await.expect("inbox");
    let (ra, rb) = futures_util::future::join(
        decide(&app, &s.sponsor, &a, json!({ "decision": "approve" })),
        decide(
            &app,
            &s.steward,
            &b,
            json!({ "decision": "reject", "comment": "no" }),
        ),
    )
    .await;
    let codes = (ra.status().as_u16(), rb.status().as_u16());
    assert!(codes == (200, 200) || codes == (409, 200), "{codes:?}");
    assert_eq!(state_of(&app, &s.h.expert, &id).await, "rejected");
}

#[actix_web::test]
async fn participants_are_invited_listed_and_revoked_and_operators_see_names_only() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let p = create(&app, &s, "Shared").await;
    let id = p["id"].as_str().expect("id").to_owned();
    let path = format!("/api/v1/projects/{id}/participants");
    // A `user` member may not invite; nor may a stranger.
    problem(
        app.post(
            &path,
            &s.h.confirmed.access,
            json!({ "email": "x@inserm.fr" }),
        )
        .await,
        404,
    )
    .await;
    problem(
        app.post(&path, &s.h.novice.access, json!({ "email": "x@inserm.fr" }))
            .await,
        404,
    )
    .await;
    problem(
        app.post(
            &path,
            &s.h.expert.access,
            json!({ "email": "not-an-email" }),
        )
        .await,
        422,
    )
    .await;
    problem(
        app.post(&path, &s.h.expert.access, json!({ "email": "x@gmail.com" }))
            .await,
        422,
    )
    .await;
    // The owner invites the confirmed (a member) and a newcomer (no account).
    let res = app
        .post(
            &path,
            &s.h.expert.access,
            json!({ "email": s.h.confirmed.email, "role": "analyst" }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let confirmed: Value = res.json().await.expect("json");
    assert_eq!(confirmed["state"], "active");
    let again = app
        .post(
            &path,
            &s.h.expert.access,
            json!({ "email": s.h.confirmed.email }),
        )
        .await;
    assert_eq!(problem(again, 409).await["type"], "already_participant");
    // The sponsor may invite too (SPEC §4).
    let res = app
        .post(
            &path,
            &s.sponsor.access,
            json!({ "email": "newcomer@inserm.fr" }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let newcomer: Value = res.json().await.expect("json");
    assert_eq!(newcomer["state"], "invited");
    app.wait_for_mail(|m| m.contains("To: newcomer@inserm.fr") && m.contains("/invitations/hinv_"))
        .await;
    let list: Value = app
        .get(&path, &s.h.confirmed.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(list["items"][0]["invited_by"], json!(s.h.expert.id));
    // Granted, the confirmed sees the project; the participant cannot manage access.
    assert_eq!(state_of(&app, &s.h.confirmed, &id).await, "pending");
    problem(
        app.request(
            "DELETE",
            &format!("{path}/{}", newcomer["id"].as_str().unwrap_or("")),
            Some(&s.h.confirmed.access),
            None,
        )
        .await,
        403,
    )
    .await;
    // Revoked: access is gone on the next request.
    let res = app
        .request(
            "DELETE",
            &format!("{path}/{}", confirmed["id"].as_str().unwrap_or("")),
            Some(&s.steward.access),
            None,
        )
        .await;
    assert_eq!(res.status(), 204);
    problem(
        app.get(&format!("/api/v1/projects/{id}"), &s.h.confirmed.access)
            .await,
        404,
    )
    .await;
    let listed: Value = app
        .get("/api/v1/projects", &s.h.confirmed.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(listed["items"], json!([]));
    problem(
        app.request(
            "DELETE",
            &format!("{path}/{}", confirmed["id"].as_str().unwrap_or("")),
            Some(&s.steward.access),
            None,
        )
        .await,
        404,
    )
    .await;
    // An operator granted the project sees its name only.
    let op = app
        .ready(&s.h.admin, Profile::Expert, "operator@inserm.fr")
        .await;
    let res = app
        .post(
            &format!("/api/v1/organizations/{}/invitations", s.lab),
            &s.h.expert.access,
            json!({ "emails": "operator@inserm.fr", "role": "operator" }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .post(
            &path,
            &s.h.expert.access,
            json!({ "email": "operator@inserm.fr" }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let seen: Value = app
        .get("/api/v1/projects", &op.access)
        .await
        .json()
        .await
        .expect("json");
    let only = &seen["items"][0];
    assert_eq!(
        (only["name"].as_str(), only["names_only"].as_bool()),
        (Some("Shared"), Some(true))
    );
    assert!(
        only.get("description").is_none() && only.get("sponsor_id").is_none(),
        "{only}"
    );
    let one: Value = app
        .get(&format!("/api/v1/projects/{id}"), &op.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(one["names_only"], true);
    assert!(one.get("history").is_none());
    problem(app.get(&path, &op.access).await, 403).await;
}

/// Someone is invited to a project while another request deletes it
/// (PostgreSQL: the invitation's insert waits for the deletion's row lock,
/// then finds the project gone). A clear 4xx, never a 500, and nothing left
/// behind. On SQLite the writers of a process take turns on one lock, so
/// the two cannot interleave.
#[actix_web::test]
async fn inviting_into_a_project_being_deleted_answers_4xx() {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    if !is_postgres() {
        return;
    }
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let p = create(&app, &s, "Doomed").await;
    let id = p["id"].as_str().expect("id").to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok());
    let url = app.db_url().to_owned();

    // The deletion, in the order the handler uses, in a transaction left
    // open until the invitation is seen waiting for it.
    let (deleted_tx, deleted_rx) = std::sync::mpsc::channel::<()>();
    let (commit_tx, commit_rx) = std::sync::mpsc::channel::<()>();
    let deleter = std::thread::spawn({
        let (url, id) = (url.clone(), id.clone());
        move || {
            let mut c = PgConnection::establish(&url).expect("connect");
            c.batch_execute(&format!(
                "BEGIN;
                 DELETE FROM approvals WHERE request_id IN (SELECT id FROM approval_requests
                   WHERE subject_type = 'project' AND subject_id = '{id}');
                 DELETE FROM approval_requests WHERE subject_type = 'project' AND subject_id = '{id}';
                 DELETE FROM participants WHERE project_id = '{id}';
                 DELETE FROM project_events WHERE project_id = '{id}';
                 DELETE FROM projects WHERE id = '{id}';"
            ))
            .expect("delete");
            deleted_tx.send(()).expect("signal");
            let _ = commit_rx.recv();
            c.batch_execute("COMMIT").expect("commit");
        }
    });
    deleted_rx.recv().expect("deleted");

    // Commits once a backend of this database waits on a lock (or after
    // 10 s: then the invitation simply finds no project).
    let watcher = tokio::task::spawn_blocking(move || {
        let mut c = PgConnection::establish(&url).expect("connect");
        let mut overlapped = false;
        for _ in 0..200 {
            let waiting: i64 = diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "SELECT count(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock'",
            )
            .get_result(&mut c)
            .expect("pg_stat_activity");
            if waiting > 0 {
                overlapped = true;
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        commit_tx.send(()).expect("commit");
        overlapped
    });
    let res = app
        .post(
            &format!("/api/v1/projects/{id}/participants"),
            &s.h.expert.access,
            json!({ "email": s.h.confirmed.email, "role": "analyst" }),
        )
        .await;
    let overlapped = watcher.await.expect("watcher");
    deleter.join().expect("deleter");
    if overlapped {
        // Waited for the deletion, then met the foreign key.
        let body = problem(res, 409).await;
        assert_eq!(body["type"], "reference_gone", "{body}");
    } else {
        problem(res, 404).await;
    }
    let left: i64 = app
        .with_db(move |c| {
            use habilis_api::db::schema::participants;
            participants::table
                .filter(participants::project_id.eq(&id))
                .count()
                .get_result(c)
                .expect("count")
        })
        .await;
    assert_eq!(left, 0);
}

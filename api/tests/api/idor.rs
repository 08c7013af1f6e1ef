//! Object-level authorisation (IDOR, issue 7): every documented route with
//! an id, aimed at real objects of one branch of the organisation by people
//! of another branch who must not see them, with bodies the route would
//! accept. Always 403 or 404, never the object's data, nothing changed.
//!
//! The routes come from the OpenAPI document; a new route with an id fails
//! this test until it says which object its id names.

use diesel::prelude::*;
use habilis_api::db::schema::{memberships, organizations, participants, projects, users, works};
use habilis_shared::policy::Profile;
use serde_json::{json, Value};
use utoipa::OpenApi;

use crate::helpers::*;

async fn id_of(res: reqwest::Response) -> String {
    let status = res.status();
    let v: Value = res.json().await.expect("json");
    assert!(status.is_success(), "{v}");
    v["id"].as_str().expect("id").to_owned()
}

type Snapshot = (i64, i64, i64, i64, i64, Vec<(String, String)>, Vec<String>);

fn snapshot(c: &mut habilis_api::db::DbConn) -> Snapshot {
    (
        users::table.count().get_result(c).expect("users"),
        organizations::table.count().get_result(c).expect("orgs"),
        memberships::table.count().get_result(c).expect("members"),
        participants::table
            .count()
            .get_result(c)
            .expect("participants"),
        projects::table.count().get_result(c).expect("projects"),
        works::table
            .select((works::owner_id, works::state))
            .order(works::id)
            .load(c)
            .expect("works"),
        users::table
            .select(users::state)
            .order(users::id)
            .load(c)
            .expect("states"),
    )
}

#[actix_web::test]
async fn another_branch_never_reaches_these_objects() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    // The other branch: an expert and a confirmed of their own.
    let outsider = app
        .ready(&h.admin, Profile::Expert, "outsider@inserm.fr")
        .await;
    let peer = app
        .ready(&outsider, Profile::Confirmed, "peer@inserm.fr")
        .await;

    // Objects of the first branch.
    app.accept_charter(&h.novice).await;
    let token = id_of(
        app.post(
            "/api/v1/me/tokens",
            &h.novice.access,
            json!({ "name": "SECRET-TOKEN", "scopes": ["read"] }),
        )
        .await,
    )
    .await;
    let work = id_of(
        app.post(
            "/api/v1/works",
            &h.novice.access,
            json!({ "title": "SECRET-WORK" }),
        )
        .await,
    )
    .await;
    let org = id_of(
        app.post(
            "/api/v1/organizations",
            &h.admin.access,
            json!({ "name": "SECRET-ORG" }),
        )
        .await,
    )
    .await;
    let res = app
        .post(
            &format!("/api/v1/organizations/{org}/invitations"),
            &h.admin.access,
            json!({ "emails": [h.expert.email.clone(), h.novice.email.clone(), "pending@inserm.fr".to_owned()], "role": "manager" }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let pending: Value = app
        .get(
            &format!("/api/v1/organizations/{org}/invitations"),
            &h.admin.access,
        )
        .await
        .json()
        .await
        .expect("json");
    let invitation = pending["items"][0]["id"]
        .as_str()
        .expect("invitation")
        .to_owned();
    let project = id_of(
        app.post(
            "/api/v1/projects",
            &h.expert.access,
            json!({ "organization_id": org, "name": "SECRET-PROJECT", "data_class": "hds", "domain": "ecology",
                    "sponsor_id": h.confirmed.id, "data_steward_id": h.webmaster.id }),
        )
        .await,
    )
    .await;
    let participant = id_of(
        app.post(
            &format!("/api/v1/projects/{project}/participants"),
            &h.expert.access,
            json!({ "email": h.novice.email }),
        )
        .await,
    )
    .await;
    let inbox: Value = app
        .get("/api/v1/approvals", &h.confirmed.access)
        .await
        .json()
        .await
        .expect("json");
    let approval = inbox["items"][0]["id"]
        .as_str()
        .expect("approval")
        .to_owned();

    let secrets = [
        "SECRET-TOKEN",
        "SECRET-WORK",
        "SECRET-ORG",
        "SECRET-PROJECT",
        h.novice.email.as_str(),
        "pending@inserm.fr",
    ];
    let before = app.with_db(snapshot).await;
    let doc = habilis_api::routes::ApiDoc::openapi();
    let mut tried = 0;
    for (path, item) in doc.paths.paths.iter() {
        if !path.contains('{') || path.starts_with("/api/v1/invitations/") {
            continue;
        }
        let root = path.trim_start_matches("/api/v1/");
        let id = match root.split('/').next().unwrap_or_default() {
            "users" => &h.novice.id,
            "works" => &work,
            "organizations" => &org,
            "projects" => &project,
            "approvals" => &approval,
            "me" => &token,
            other => panic!("{path}: say which object /{other}/{{id}} names"),
        };
        let url = path
            .replace("{id}", id)
            .replace("{user_id}", &h.novice.id)
            .replace("{invitation_id}", &invitation)
            .replace("{participant_id}", &participant);
        assert!(!url.contains('{'), "{path}: unknown parameter");
        let in_a_month = (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339();
        let in_two = (chrono::Utc::now() + chrono::Duration::days(60)).to_rfc3339();
        for (method, op) in [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ] {
            if op.is_none() {
                continue;
            }
            for who in [&outsider, &peer] {
                // A body the route accepts, so that only authorisation refuses.
                let body = match (method, root.rsplit('/').next().unwrap_or_default()) {
                    ("POST", "departure") => Some(json!({ "date": in_a_month })),
                    ("POST", "handover") => Some(
                        json!({ "email": "new.seat@inserm.fr", "first_name": "A", "last_name": "B" }),
                    ),
                    ("POST", "secondments") => Some(
                        json!({ "host_supervisor_id": who.id, "starts_at": in_a_month, "ends_at": in_two }),
                    ),
                    ("POST", "state") => Some(json!({ "state": "unpublished" })),
                    ("POST", "annotations") => Some(json!({ "body": "pwned" })),
                    ("POST", "transfer") => Some(json!({ "to": who.id })),
                    ("POST", "invitations") => {
                        Some(json!({ "emails": who.email, "role": "manager" }))
                    }
                    ("POST", "participants") => Some(json!({ "email": who.email })),
                    ("POST", "decision") => Some(json!({ "decision": "approve" })),
                    ("PATCH", "{user_id}") => Some(json!({ "role": "manager" })),
                    ("PATCH", _) => Some(json!({ "name": "pwned" })),
                    ("POST", _) => Some(json!({})),
                    _ => None,
                };
                let res = app.request(method, &url, Some(&who.access), body).await;
                let status = res.status().as_u16();
                let text = res.text().await.unwrap_or_default();
                assert!(
                    matches!(status, 403 | 404),
                    "{method} {path} by {}: {status} {text}",
                    who.email
                );
                for s in secrets {
                    assert!(
                        !text.contains(s),
                        "{method} {path} by {} leaks {s}: {text}",
                        who.email
                    );
                }
                tried += 1;
            }
        }
    }
    assert!(tried >= 60, "{tried} attempts");
    let after = app.with_db(snapshot).await;
    assert_eq!(before, after, "an attempt changed something");
}

//! Every route, from one table that must list every documented operation:
//! no token → 401, a profile the policy refuses → 403 (or 404 where
//! existence must not leak), malformed JSON → 400, invalid fields → 422
//! with `errors`, always as problem+json.

use std::collections::BTreeSet;

use serde_json::{json, Value};
use utoipa::OpenApi;

use crate::helpers::*;

#[derive(Clone, Copy)]
enum Who {
    Novice,
    Confirmed,
    Expert,
    Admin,
}

struct Route {
    method: &'static str,
    /// `{novice}`, `{webmaster}` and `{token}` are filled in per test.
    path: &'static str,
    /// Reachable without a token.
    public: bool,
    /// Takes a JSON body: an example of invalid fields (→ 422).
    invalid: Option<Value>,
    /// A caller the policy refuses, and the status it gets.
    refused: Option<(Who, &'static str, u16)>,
    /// A body the route accepts, sent by the refused caller (so that only
    /// the policy can be the reason for the refusal).
    valid: Option<Value>,
}

const fn r(method: &'static str, path: &'static str) -> Route {
    Route {
        method,
        path,
        public: false,
        invalid: None,
        refused: None,
        valid: None,
    }
}

fn table() -> Vec<Route> {
    vec![
        Route {
            public: true,
            invalid: Some(json!({ "email": "", "password": "" })),
            ..r("POST", "/api/v1/auth/login")
        },
        Route {
            public: true,
            invalid: Some(json!({ "refresh_token": "" })),
            ..r("POST", "/api/v1/auth/refresh")
        },
        r("POST", "/api/v1/auth/logout"),
        Route {
            public: true,
            invalid: Some(json!({ "token": "" })),
            ..r("POST", "/api/v1/auth/activate")
        },
        Route {
            invalid: Some(json!({ "current_password": "", "new_password": 5 })),
            ..r("POST", "/api/v1/auth/password")
        },
        r("GET", "/api/v1/me"),
        Route {
            invalid: Some(json!({ "language": "klingon" })),
            ..r("PATCH", "/api/v1/me")
        },
        Route {
            invalid: Some(json!({ "version": "" })),
            ..r("POST", "/api/v1/me/charter")
        },
        r("GET", "/api/v1/me/tokens"),
        Route {
            invalid: Some(json!({ "name": "", "scopes": [] })),
            ..r("POST", "/api/v1/me/tokens")
        },
        Route {
            refused: Some((Who::Admin, "someone else's token", 404)),
            ..r("DELETE", "/api/v1/me/tokens/{token}")
        },
        Route {
            public: true,
            ..r("GET", "/api/v1/policy")
        },
        Route {
            invalid: Some(json!({ "action": "" })),
            ..r("POST", "/api/v1/authz/check")
        },
        r("GET", "/api/v1/users"),
        Route {
            invalid: Some(
                json!({ "first_name": "", "last_name": "x", "email": "nope", "profile": "novice" }),
            ),
            refused: Some((Who::Novice, "creation matrix", 403)),
            valid: Some(
                json!({ "first_name": "N", "last_name": "X", "email": "n9@inserm.fr", "profile": "novice" }),
            ),
            ..r("POST", "/api/v1/users")
        },
        Route {
            refused: Some((Who::Novice, "not visible", 404)),
            ..r("GET", "/api/v1/users/{webmaster}")
        },
        Route {
            refused: Some((Who::Expert, "admins only", 403)),
            ..r("POST", "/api/v1/users/{novice}/block")
        },
        Route {
            refused: Some((Who::Expert, "admins only", 403)),
            ..r("POST", "/api/v1/users/{novice}/unblock")
        },
        Route {
            refused: Some((Who::Expert, "admins and webmasters only", 403)),
            ..r("GET", "/api/v1/audit")
        },
        Route {
            refused: Some((Who::Admin, "only the expert above", 403)),
            ..r("POST", "/api/v1/users/{novice}/promote")
        },
        Route {
            refused: Some((Who::Admin, "not the creator line", 403)),
            ..r("DELETE", "/api/v1/users/{novice}")
        },
        Route {
            invalid: Some(json!({ "date": "soon" })),
            refused: Some((Who::Admin, "not the creator line", 403)),
            valid: Some(json!({ "date": "2999-01-01T00:00:00Z" })),
            ..r("POST", "/api/v1/users/{novice}/departure")
        },
        Route {
            refused: Some((Who::Novice, "not visible", 404)),
            ..r("GET", "/api/v1/users/{webmaster}/departure")
        },
        Route {
            refused: Some((Who::Admin, "not the creator line", 403)),
            ..r("GET", "/api/v1/users/{novice}/departure/preview")
        },
        Route {
            invalid: Some(json!({ "email": "nope", "first_name": "", "last_name": "x" })),
            refused: Some((Who::Admin, "a novice is not a seat", 403)),
            valid: Some(json!({ "email": "seat@inserm.fr", "first_name": "S", "last_name": "T" })),
            ..r("POST", "/api/v1/users/{novice}/handover")
        },
        Route {
            refused: Some((Who::Novice, "not visible", 404)),
            ..r("GET", "/api/v1/users/{webmaster}/activity")
        },
        Route {
            invalid: Some(
                json!({ "host_supervisor_id": "", "starts_at": "2999-01-01T00:00:00Z", "ends_at": "2999-02-01T00:00:00Z" }),
            ),
            refused: Some((Who::Admin, "only a supervisor above", 403)),
            valid: Some(
                json!({ "host_supervisor_id": "someone", "starts_at": "2999-01-01T00:00:00Z", "ends_at": "2999-02-01T00:00:00Z" }),
            ),
            ..r("POST", "/api/v1/users/{novice}/secondments")
        },
        Route {
            refused: Some((Who::Novice, "not visible", 404)),
            ..r("GET", "/api/v1/users/{webmaster}/secondments")
        },
        Route {
            invalid: Some(json!({ "to": "" })),
            refused: Some((Who::Expert, "only the owner gives a work away", 403)),
            valid: Some(json!({ "to": "someone" })),
            ..r("POST", "/api/v1/works/{work}/transfer")
        },
        Route {
            refused: Some((Who::Novice, "a non-member gets an empty list", 200)),
            ..r("GET", "/api/v1/organizations")
        },
        Route {
            invalid: Some(json!({ "name": "" })),
            refused: Some((Who::Expert, "only administrators create organisations", 403)),
            valid: Some(json!({ "name": "Another lab" })),
            ..r("POST", "/api/v1/organizations")
        },
        Route {
            refused: Some((Who::Novice, "not a member", 404)),
            ..r("GET", "/api/v1/organizations/{org}")
        },
        Route {
            invalid: Some(json!({ "name": "" })),
            refused: Some((Who::Novice, "not a member", 404)),
            valid: Some(json!({ "name": "Renamed" })),
            ..r("PATCH", "/api/v1/organizations/{org}")
        },
        Route {
            refused: Some((Who::Novice, "not a member", 404)),
            ..r("GET", "/api/v1/organizations/{org}/members")
        },
        Route {
            refused: Some((Who::Novice, "not a member", 404)),
            ..r("GET", "/api/v1/organizations/{org}/members.csv")
        },
        Route {
            invalid: Some(json!({ "role": "boss" })),
            refused: Some((Who::Novice, "not a member", 404)),
            valid: Some(json!({ "role": "user" })),
            ..r("PATCH", "/api/v1/organizations/{org}/members/{member}")
        },
        Route {
            refused: Some((Who::Novice, "not a member", 404)),
            ..r("DELETE", "/api/v1/organizations/{org}/members/{member}")
        },
        Route {
            refused: Some((Who::Novice, "not a member", 404)),
            ..r("POST", "/api/v1/organizations/{org}/members/{member}/block")
        },
        Route {
            refused: Some((Who::Novice, "not a member", 404)),
            ..r(
                "POST",
                "/api/v1/organizations/{org}/members/{member}/unblock",
            )
        },
        Route {
            refused: Some((Who::Novice, "not a member", 404)),
            ..r("GET", "/api/v1/organizations/{org}/invitations")
        },
        Route {
            invalid: Some(json!({ "emails": 3, "role": "user" })),
            refused: Some((Who::Novice, "not a member", 404)),
            valid: Some(json!({ "emails": "someone@inserm.fr", "role": "user" })),
            ..r("POST", "/api/v1/organizations/{org}/invitations")
        },
        Route {
            refused: Some((Who::Novice, "not a member", 404)),
            ..r(
                "DELETE",
                "/api/v1/organizations/{org}/invitations/{invitation}",
            )
        },
        Route {
            refused: Some((Who::Novice, "no such invitation", 404)),
            ..r("POST", "/api/v1/invitations/{secret}/accept")
        },
        Route {
            refused: Some((Who::Novice, "not in any project: an empty list", 200)),
            ..r("GET", "/api/v1/projects")
        },
        Route {
            invalid: Some(
                json!({ "organization_id": "", "name": "", "data_class": "hds", "domain": "x", "sponsor_id": "a", "data_steward_id": "b" }),
            ),
            refused: Some((
                Who::Confirmed,
                "a `user` member may not create projects",
                403,
            )),
            valid: Some(
                json!({ "organization_id": "{org}", "name": "p", "data_class": "standard", "domain": "ecology", "sponsor_id": "{webmaster}", "data_steward_id": "{novice}" }),
            ),
            ..r("POST", "/api/v1/projects")
        },
        Route {
            refused: Some((Who::Novice, "not granted", 404)),
            ..r("GET", "/api/v1/projects/{project}")
        },
        Route {
            invalid: Some(json!({ "name": "" })),
            refused: Some((
                Who::Confirmed,
                "the data steward does not manage the project",
                403,
            )),
            valid: Some(json!({ "name": "renamed" })),
            ..r("PATCH", "/api/v1/projects/{project}")
        },
        Route {
            refused: Some((
                Who::Confirmed,
                "the data steward does not manage the project",
                403,
            )),
            ..r("DELETE", "/api/v1/projects/{project}")
        },
        Route {
            refused: Some((
                Who::Confirmed,
                "the data steward does not manage the project",
                403,
            )),
            ..r("POST", "/api/v1/projects/{project}/close")
        },
        Route {
            refused: Some((Who::Novice, "not granted", 404)),
            ..r("GET", "/api/v1/projects/{project}/participants")
        },
        Route {
            invalid: Some(json!({ "email": "nope" })),
            refused: Some((Who::Novice, "not granted", 404)),
            valid: Some(json!({ "email": "someone@inserm.fr" })),
            ..r("POST", "/api/v1/projects/{project}/participants")
        },
        Route {
            refused: Some((Who::Novice, "not granted", 404)),
            ..r(
                "DELETE",
                "/api/v1/projects/{project}/participants/{participant}",
            )
        },
        Route {
            refused: Some((Who::Novice, "nothing waits for me: an empty inbox", 200)),
            ..r("GET", "/api/v1/approvals")
        },
        Route {
            invalid: Some(json!({ "decision": "maybe" })),
            refused: Some((Who::Novice, "not the approver", 404)),
            valid: Some(json!({ "decision": "approve" })),
            ..r("POST", "/api/v1/approvals/{approval}/decision")
        },
        Route {
            refused: Some((Who::Admin, "admins see no works: an empty list", 200)),
            ..r("GET", "/api/v1/works")
        },
        Route {
            invalid: Some(json!({ "title": "" })),
            refused: Some((Who::Admin, "admins record no works", 403)),
            valid: Some(json!({ "title": "t" })),
            ..r("POST", "/api/v1/works")
        },
        Route {
            refused: Some((Who::Admin, "admins see no works", 404)),
            ..r("GET", "/api/v1/works/{work}")
        },
        Route {
            refused: Some((Who::Admin, "admins see no works", 404)),
            ..r("DELETE", "/api/v1/works/{work}")
        },
        Route {
            invalid: Some(json!({ "state": "archived" })),
            refused: Some((Who::Admin, "admins see no works", 404)),
            valid: Some(json!({ "state": "unpublished" })),
            ..r("POST", "/api/v1/works/{work}/state")
        },
        Route {
            refused: Some((Who::Admin, "admins see no works", 404)),
            ..r("GET", "/api/v1/works/{work}/annotations")
        },
        Route {
            invalid: Some(json!({ "body": "" })),
            refused: Some((Who::Novice, "novices may not modify results", 403)),
            valid: Some(json!({ "body": "note" })),
            ..r("POST", "/api/v1/works/{work}/annotations")
        },
        Route {
            public: true,
            ..r("GET", "/healthz")
        },
        Route {
            public: true,
            ..r("GET", "/readyz")
        },
        Route {
            public: true,
            ..r("GET", "/metrics")
        },
    ]
}

#[test]
fn the_table_lists_every_documented_operation() {
    let doc = habilis_api::routes::ApiDoc::openapi();
    let mut documented = BTreeSet::new();
    for (path, item) in doc.paths.paths.iter() {
        for (method, op) in [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PATCH", &item.patch),
            ("PUT", &item.put),
            ("DELETE", &item.delete),
        ] {
            if op.is_some() {
                documented.insert(format!("{method} {path}"));
            }
        }
    }
    let tested: BTreeSet<String> = table()
        .iter()
        .map(|r| {
            let p = r
                .path
                .replace("{novice}", "{id}")
                .replace("{webmaster}", "{id}")
                .replace("{token}", "{id}")
                .replace("{work}", "{id}")
                .replace("{org}", "{id}")
                .replace("{member}", "{user_id}")
                .replace("{invitation}", "{invitation_id}")
                .replace("{secret}", "{token}")
                .replace("{project}", "{id}")
                .replace("{participant}", "{participant_id}")
                .replace("{approval}", "{id}");
            format!("{} {p}", r.method)
        })
        .collect();
    assert_eq!(
        documented, tested,
        "every route needs a row in tests/api/routes.rs"
    );
}

#[actix_web::test]
async fn every_route_refuses_what_it_must() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let token: Value = app
        .post(
            "/api/v1/me/tokens",
            &h.expert.access,
            json!({ "name": "t", "scopes": ["read"] }),
        )
        .await
        .json()
        .await
        .expect("json");
    let token_id = token["id"].as_str().expect("id").to_owned();
    // A draft of the novice, seen by its supervisors only.
    for s in [&h.novice, &h.confirmed, &h.expert] {
        app.accept_charter(s).await;
    }
    let work: Value = app
        .post(
            "/api/v1/works",
            &h.novice.access,
            json!({ "title": "route table" }),
        )
        .await
        .json()
        .await
        .expect("json");
    let work_id = work["id"].as_str().expect("id").to_owned();
    // An organisation the novice is not in, with the confirmed as member.
    let org: Value = app
        .post(
            "/api/v1/organizations",
            &h.admin.access,
            json!({ "name": "Route table lab" }),
        )
        .await
        .json()
        .await
        .expect("json");
    let org_id = org["id"].as_str().expect("id").to_owned();
    let added = app
        .post(
            &format!("/api/v1/organizations/{org_id}/invitations"),
            &h.admin.access,
            json!({ "emails": [h.confirmed.email], "role": "user" }),
        )
        .await;
    assert_eq!(added.status(), 200);
    let added = app
        .post(
            &format!("/api/v1/organizations/{org_id}/invitations"),
            &h.admin.access,
            json!({ "emails": [h.expert.email], "role": "manager" }),
        )
        .await;
    assert_eq!(added.status(), 200);
    // A project of that organisation: the webmaster sponsors it, the
    // confirmed is its data steward.
    let project: Value = app
        .post(
            "/api/v1/projects",
            &h.expert.access,
            json!({ "organization_id": org_id, "name": "Route table project", "data_class": "standard",
                    "domain": "ecology", "sponsor_id": h.webmaster.id, "data_steward_id": h.confirmed.id }),
        )
        .await
        .json()
        .await
        .expect("json");
    let project_id = project["id"].as_str().expect("project id").to_owned();
    let inbox: Value = app
        .get("/api/v1/approvals", &h.webmaster.access)
        .await
        .json()
        .await
        .expect("json");
    let approval_id = inbox["items"][0]["id"]
        .as_str()
        .expect("approval")
        .to_owned();
    let fill = |text: &str| {
        text.replace("{novice}", &h.novice.id)
            .replace("{webmaster}", &h.webmaster.id)
            .replace("{token}", &token_id)
            .replace("{work}", &work_id)
            .replace("{org}", &org_id)
            .replace("{member}", &h.confirmed.id)
            .replace("{invitation}", "none")
            .replace("{secret}", "hinv_none")
            .replace("{project}", &project_id)
            .replace("{participant}", "none")
            .replace("{approval}", &approval_id)
    };
    for route in table() {
        let path = fill(route.path);
        let what = format!("{} {}", route.method, route.path);

        if !route.public {
            let res = app.request(route.method, &path, None, None).await;
            let body = problem(res, 401).await;
            assert_eq!(body["type"], "unauthorized", "{what}");
            let res = app
                .request(route.method, &path, Some("Bearer-garbage"), None)
                .await;
            problem(res, 401).await;
        }

        if let Some(invalid) = &route.invalid {
            let res = app
                .client
                .request(route.method.parse().expect("method"), app.url(&path))
                .bearer_auth(&h.admin.access)
                .header("content-type", "application/json")
                .body("{\"oops\": ")
                .send()
                .await
                .expect("sent");
            problem(res, 400).await;
            let res = app
                .request(
                    route.method,
                    &path,
                    Some(&h.admin.access),
                    Some(invalid.clone()),
                )
                .await;
            let body = problem(res, 422).await;
            assert!(body["errors"].is_object(), "{what}: {body}");
        }

        if let Some((who, why, status)) = route.refused {
            let s = match who {
                Who::Novice => &h.novice,
                Who::Confirmed => &h.confirmed,
                Who::Expert => &h.expert,
                Who::Admin => &h.admin,
            };
            let body = route
                .valid
                .as_ref()
                .map(|v| serde_json::from_str(&fill(&v.to_string())).expect("valid body"))
                .unwrap_or_else(|| json!({}));
            let res = app
                .request(route.method, &path, Some(&s.access), Some(body))
                .await;
            let got = res.status().as_u16();
            let body = res.text().await.unwrap_or_default();
            assert_eq!(got, status, "{what} ({why}): {body}");
        }
    }
}

//! Every list pages the same way (SPEC §11, issue 14 §2): `?limit=` (1–200,
//! default 50) and `?cursor=`, answering `{items, next_cursor}`. One fixture
//! gives every list at least two rows; each is walked one row at a time to
//! its end and must give exactly the rows of one big page, in the same
//! order. Then the filters, and the reads that leak nothing (§4).

use habilis_shared::policy::Profile;
use serde_json::{json, Value};

use crate::helpers::*;

/// The id of a listed row (members are named by their account, audit
/// entries by their sequence number).
fn row_id(item: &Value) -> String {
    if let Some(id) = item["id"].as_str().or_else(|| item["user_id"].as_str()) {
        return id.to_owned();
    }
    item["seq"].as_i64().expect("a row id").to_string()
}

fn join(path: &str, query: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}{query}")
}

async fn page(app: &TestApp, token: &str, path: &str) -> Value {
    let res = app.get(path, token).await;
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    assert_eq!(status, 200, "GET {path}: {text}");
    let v: Value = serde_json::from_str(&text).expect("json");
    assert!(v["items"].is_array(), "GET {path}: {v}");
    assert!(
        v.as_object().is_some_and(|o| o.contains_key("next_cursor")),
        "GET {path}: next_cursor is always present: {v}"
    );
    v
}

fn ids(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(row_id)
        .collect()
}

/// Walks `path` with `limit=1` to its end; checks it against one page of
/// 200, the empty cursor, a foreign cursor and out-of-range limits.
async fn walk(app: &TestApp, token: &str, path: &str) -> usize {
    let all = page(app, token, &join(path, "limit=200")).await;
    assert!(all["next_cursor"].is_null(), "{path}: fits in one page");
    let expected = ids(&all);
    assert!(
        expected.len() >= 2,
        "{path}: the fixture gives it two rows at least"
    );
    let mut walked = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(c) => format!("limit=1&cursor={c}"),
            None => "limit=1".to_owned(),
        };
        let v = page(app, token, &join(path, &query)).await;
        let got = ids(&v);
        assert!(got.len() <= 1, "{path}: limit=1 gave {}", got.len());
        walked.extend(got);
        match v["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
        assert!(
            walked.len() <= expected.len(),
            "{path}: the walk never ends"
        );
    }
    assert_eq!(walked, expected, "{path}: one row at a time = one page");
    // An empty cursor is the first page.
    let first = page(app, token, &join(path, "limit=1&cursor=")).await;
    assert_eq!(ids(&first), expected[..1], "{path}: empty cursor");
    // The default page holds them all (fewer than 50).
    assert_eq!(
        ids(&page(app, token, path).await),
        expected,
        "{path}: default"
    );
    for bad in [
        "cursor=%25%25%25",
        "cursor=bm90IG91cnM",
        "limit=0",
        "limit=201",
        "limit=x",
    ] {
        let p = problem(app.get(&join(path, bad), token).await, 422).await;
        assert!(p["errors"].is_object(), "{path}?{bad}: {p}");
    }
    expected.len()
}

struct Fixture {
    h: Hierarchy,
    lab: String,
    sponsor: Session,
    work: String,
}

/// Two or more rows in every list of the API.
async fn fixture(app: &TestApp) -> Fixture {
    let h = app.hierarchy().await;
    let admin = &h.admin;
    let mut labs = Vec::new();
    // Two with names equal but for case: the order breaks the tie by id.
    // Sorted by name whatever the case.
    for name in ["Lab b", "lab a", "Lab C"] {
        let res = app
            .post(
                "/api/v1/organizations",
                &admin.access,
                json!({ "name": name }),
            )
            .await;
        assert_eq!(res.status(), 201);
        labs.push(
            res.json::<Value>().await.expect("json")["id"]
                .as_str()
                .expect("id")
                .to_owned(),
        );
    }
    let lab = labs[0].clone();
    for (who, role) in [
        (&h.expert, "manager"),
        (&h.confirmed, "contributor"),
        (&h.novice, "user"),
        (&h.webmaster, "operator"),
    ] {
        let res = app
            .post(
                &format!("/api/v1/organizations/{lab}/invitations"),
                &admin.access,
                json!({ "emails": [who.email], "role": role }),
            )
            .await;
        assert_eq!(res.status(), 200);
    }
    let res = app
        .post(
            &format!("/api/v1/organizations/{lab}/invitations"),
            &h.expert.access,
            json!({ "emails": ["x1@inserm.fr", "x2@inserm.fr", "x3@inserm.fr"], "role": "user" }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let sponsor = app.ready(admin, Profile::Expert, "sponsor@inserm.fr").await;
    let steward = app.ready(admin, Profile::Expert, "steward@inserm.fr").await;
    let mut projects = Vec::new();
    // Two of the same name: the order breaks the tie by id.
    for name in ["Plankton", "Algae", "Plankton", "Corals"] {
        let res = app
            .post(
                "/api/v1/projects",
                &h.expert.access,
                json!({
                    "organization_id": lab, "name": name, "data_class": "standard",
                    "domain": "oceanography", "sponsor_id": sponsor.id, "data_steward_id": steward.id,
                }),
            )
            .await;
        assert_eq!(res.status(), 201, "{:?}", res.text().await);
        projects.push(
            res.json::<Value>().await.expect("json")["id"]
                .as_str()
                .expect("id")
                .to_owned(),
        );
    }
    // The sponsor decides two of four.
    let inbox = page(app, &sponsor.access, "/api/v1/approvals").await;
    for id in ids(&inbox).iter().take(2) {
        let res = app
            .post(
                &format!("/api/v1/approvals/{id}/decision"),
                &sponsor.access,
                json!({ "decision": "approve" }),
            )
            .await;
        assert_eq!(res.status(), 200);
    }
    for email in ["p1@inserm.fr", "p2@inserm.fr", &h.novice.email] {
        let res = app
            .post(
                &format!("/api/v1/projects/{}/participants", projects[0]),
                &h.expert.access,
                json!({ "email": email }),
            )
            .await;
        assert_eq!(res.status(), 201, "{:?}", res.text().await);
    }
    for (starts, ends) in [
        ("2999-03-01T00:00:00Z", "2999-04-01T00:00:00Z"),
        ("2999-01-01T00:00:00Z", "2999-02-01T00:00:00Z"),
    ] {
        let res = app
            .post(
                &format!("/api/v1/users/{}/secondments", h.novice.id),
                &h.confirmed.access,
                json!({ "host_supervisor_id": h.expert.id, "starts_at": starts, "ends_at": ends }),
            )
            .await;
        assert_eq!(res.status(), 201, "{:?}", res.text().await);
    }
    app.accept_charter(&h.expert).await;
    let work = app.draft(&h.expert, "Census").await;
    app.draft(&h.expert, "Census, again").await;
    for body in ["one", "two", "three"] {
        let res = app
            .post(
                &format!("/api/v1/works/{work}/annotations"),
                &h.expert.access,
                json!({ "body": body }),
            )
            .await;
        assert_eq!(res.status(), 201, "{:?}", res.text().await);
    }
    for name in ["a", "b", "c"] {
        let res = app
            .post(
                "/api/v1/me/tokens",
                &h.expert.access,
                json!({ "name": name, "scopes": ["read"] }),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    Fixture {
        h,
        lab,
        sponsor,
        work,
    }
}

#[actix_web::test]
async fn every_list_walks_to_its_end_one_row_at_a_time() {
    let app = TestApp::builder().without_mail_worker().start().await;
    let f = fixture(&app).await;
    let (h, lab, work) = (&f.h, &f.lab, &f.work);
    let expert = h.expert.access.as_str();
    let lists: Vec<(&str, String, usize)> = vec![
        (expert, "/api/v1/me/tokens".into(), 3),
        (&h.admin.access, "/api/v1/organizations".into(), 3),
        (expert, format!("/api/v1/organizations/{lab}/members"), 4),
        // Three addresses, and the two participants without an account.
        (
            expert,
            format!("/api/v1/organizations/{lab}/invitations"),
            5,
        ),
        (expert, "/api/v1/projects".into(), 4),
        (expert, format!("/api/v1/projects?organization_id={lab}"), 4),
        (
            expert,
            format!(
                "/api/v1/projects/{}/participants",
                first_project(&app, expert).await
            ),
            3,
        ),
        (&f.sponsor.access, "/api/v1/approvals".into(), 2),
        (
            &f.sponsor.access,
            "/api/v1/approvals?state=decided".into(),
            2,
        ),
        (
            &h.confirmed.access,
            format!("/api/v1/users/{}/secondments", h.novice.id),
            2,
        ),
        (expert, format!("/api/v1/works/{work}/annotations"), 3),
        (&h.admin.access, "/api/v1/users".into(), 7),
        (expert, "/api/v1/works".into(), 2),
    ];
    for (token, path, count) in lists {
        assert_eq!(walk(&app, token, &path).await, count, "{path}");
    }
    // The audit log (too long to walk here) takes an empty cursor too.
    let audit = page(&app, &h.admin.access, "/api/v1/audit?limit=2").await;
    assert_eq!(
        page(&app, &h.admin.access, "/api/v1/audit?limit=2&cursor=").await,
        audit
    );
    // Orders people can rely on: organisations and projects by name (ties
    // by id), members by last name, secondments by start.
    let names = |v: &Value, key: &str| -> Vec<String> {
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i[key].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let projects = page(&app, expert, "/api/v1/projects").await;
    assert_eq!(
        names(&projects, "name"),
        ["Algae", "Corals", "Plankton", "Plankton"]
    );
    let orgs = page(&app, &h.admin.access, "/api/v1/organizations").await;
    assert_eq!(names(&orgs, "name"), ["lab a", "Lab b", "Lab C"]);
    let sec = page(
        &app,
        &h.confirmed.access,
        &format!("/api/v1/users/{}/secondments", h.novice.id),
    )
    .await;
    assert_eq!(
        names(&sec, "starts_at"),
        ["2999-01-01T00:00:00Z", "2999-03-01T00:00:00Z"]
    );
}

async fn first_project(app: &TestApp, token: &str) -> String {
    let v = page(app, token, "/api/v1/projects?limit=200").await;
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|p| p["name"] == "Plankton")
        .and_then(|p| p["id"].as_str())
        .expect("a Plankton project")
        .to_owned()
}

#[actix_web::test]
async fn lists_filter_and_refuse_unknown_filter_values() {
    let app = TestApp::builder().without_mail_worker().start().await;
    let f = fixture(&app).await;
    let (h, lab) = (&f.h, &f.lab);
    let expert = h.expert.access.as_str();
    let count = |v: Value| v["items"].as_array().map_or(0, Vec::len);
    // Projects by organisation and by state.
    assert_eq!(
        count(
            page(
                &app,
                expert,
                &format!("/api/v1/projects?organization_id={lab}")
            )
            .await
        ),
        4
    );
    assert_eq!(
        count(page(&app, expert, "/api/v1/projects?organization_id=nowhere").await),
        0
    );
    assert_eq!(
        count(page(&app, expert, "/api/v1/projects?state=pending").await),
        4,
        "one approval of two does not make a project active"
    );
    assert_eq!(
        count(page(&app, expert, "/api/v1/projects?state=active").await),
        0
    );
    // Members by role and by state.
    let members = format!("/api/v1/organizations/{lab}/members");
    let only = |v: Value| -> Vec<String> {
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|m| m["user_id"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(
        only(page(&app, expert, &format!("{members}?role=manager")).await),
        [h.expert.id.as_str()]
    );
    assert_eq!(
        only(
            page(
                &app,
                expert,
                &format!("{members}?role=operator&state=active")
            )
            .await
        ),
        [h.webmaster.id.as_str()]
    );
    assert_eq!(
        count(page(&app, expert, &format!("{members}?state=blocked")).await),
        0
    );
    // Approvals: pending by default, decided on request.
    let sponsor = f.sponsor.access.as_str();
    let pending = page(&app, sponsor, "/api/v1/approvals").await;
    assert_eq!(count(pending.clone()), 2);
    assert_eq!(
        page(&app, sponsor, "/api/v1/approvals?state=pending").await,
        pending
    );
    let decided = page(&app, sponsor, "/api/v1/approvals?state=decided").await;
    assert!(decided["items"]
        .as_array()
        .expect("items")
        .iter()
        .all(|a| a["decision"] == "approve" && a["subject_name"].is_string()));
    // Unknown values: 422 with errors, as problem+json.
    for bad in [
        "/api/v1/projects?state=sleeping".to_owned(),
        "/api/v1/projects?colour=red".to_owned(),
        format!("{members}?role=boss"),
        format!("{members}?state=gone"),
        "/api/v1/approvals?state=maybe".to_owned(),
        "/api/v1/users?q=".to_owned() + &"x".repeat(101),
    ] {
        let p = problem(app.get(&bad, expert).await, 422).await;
        assert!(p["errors"].is_object(), "{bad}: {p}");
    }
    // A cursor of one approvals list is not one of the other.
    let decided_cursor = page(&app, sponsor, "/api/v1/approvals?state=decided&limit=1").await
        ["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_owned();
    problem(
        app.get(
            &format!("/api/v1/approvals?cursor={decided_cursor}"),
            sponsor,
        )
        .await,
        422,
    )
    .await;
}

#[actix_web::test]
async fn people_are_found_by_a_prefix_of_their_names_or_e_mail() {
    let app = TestApp::builder().without_mail_worker().start().await;
    let admin = app.admin().await;
    let people = [
        ("Zoë", "O'Hara", "zoe.ohara@inserm.fr"),
        ("Anne", "Zola", "anne.zola@inserm.fr"),
        ("100%", "Sure_ly", "percent@inserm.fr"),
        ("Élodie", "Martin", "elodie@inserm.fr"),
    ];
    for (first, last, email) in people {
        let res = app
            .post(
                "/api/v1/users",
                &admin.access,
                json!({ "first_name": first, "last_name": last, "email": email, "profile": "expert" }),
            )
            .await;
        assert_eq!(res.status(), 201, "{:?}", res.text().await);
    }
    let found = |q: &'static str| {
        let (app, token) = (&app, admin.access.clone());
        async move {
            let v = page(app, &token, &format!("/api/v1/users?q={q}&limit=200")).await;
            let mut emails: Vec<String> = v["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|u| u["email"].as_str().unwrap_or_default().to_owned())
                .collect();
            emails.sort();
            emails
        }
    };
    assert_eq!(
        found("zo").await,
        ["anne.zola@inserm.fr", "zoe.ohara@inserm.fr"]
    );
    assert_eq!(
        found("zoë%20o%27h").await,
        ["zoe.ohara@inserm.fr"],
        "full name"
    );
    assert_eq!(found("Anne.Z").await, ["anne.zola@inserm.fr"], "e-mail");
    assert!(found("ola").await.is_empty(), "a prefix, not any part");
    assert!(
        found("%25").await.is_empty(),
        "% is a character, not a wildcard"
    );
    assert_eq!(found("100%25").await, ["percent@inserm.fr"]);
    assert!(
        found("_").await.is_empty(),
        "_ is a character, not a wildcard"
    );
    assert_eq!(found("sure_").await, ["percent@inserm.fr"]);
    assert_eq!(found("Élodie").await, ["elodie@inserm.fr"]);
    if !is_postgres() {
        // SQLite folds every letter as Rust does; PostgreSQL folds by its
        // database locale (a C locale folds ASCII only).
        assert_eq!(found("élodie").await, ["elodie@inserm.fr"]);
        assert_eq!(found("ZOË").await, ["zoe.ohara@inserm.fr"]);
    }
}

#[actix_web::test]
async fn reads_leak_nothing_and_the_policy_speaks_before_the_state() {
    let app = TestApp::builder().without_mail_worker().start().await;
    let f = fixture(&app).await;
    let (h, lab) = (&f.h, &f.lab);
    // Operators see the names of granted projects, not who the members are.
    let members = format!("/api/v1/organizations/{lab}/members");
    let p = problem(app.get(&members, &h.webmaster.access).await, 403).await;
    assert!(!p.to_string().contains(&h.expert.email));
    page(&app, &h.novice.access, &members).await;
    page(&app, &h.admin.access, &members).await;
    // A departure shows admins nothing about works, not even counts.
    let res = app
        .post(
            &format!("/api/v1/users/{}/departure", h.novice.id),
            &h.confirmed.access,
            json!({ "date": "2999-06-01T00:00:00Z" }),
        )
        .await;
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
    let departure = format!("/api/v1/users/{}/departure", h.novice.id);
    let seen = |who: &Session| {
        let (app, path, token) = (&app, departure.clone(), who.access.clone());
        async move {
            let res = app.get(&path, &token).await;
            assert_eq!(res.status(), 200);
            res.json::<Value>().await.expect("json")
        }
    };
    let by_admin = seen(&h.admin).await;
    for key in ["drafts", "unpublished", "published"] {
        assert!(by_admin.get(key).is_none(), "admin sees {key}: {by_admin}");
    }
    assert!(by_admin["receiver_id"].is_string());
    for who in [&h.novice, &h.webmaster] {
        let v = seen(who).await;
        assert!(v["drafts"].is_i64() && v["published"].is_i64(), "{v}");
    }
    // The policy first: a webmaster moving a work is refused (403) whether
    // or not the step exists; its owner asking a step that does not exist
    // is told about the state (409).
    for step in ["unpublished", "published", "draft"] {
        let res = app
            .post(
                &format!("/api/v1/works/{}/state", f.work),
                &h.webmaster.access,
                json!({ "state": step }),
            )
            .await;
        problem(res, 403).await;
    }
    let res = app
        .post(
            &format!("/api/v1/works/{}/state", f.work),
            &h.expert.access,
            json!({ "state": "published" }),
        )
        .await;
    assert_eq!(problem(res, 409).await["type"], "wrong_state");
}

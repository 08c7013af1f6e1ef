//! Secondments and work transfers (issue 5 §5, SPEC §2.5, seed 004 §6):
//! the host sees, as a supervisor, what the person produces during the
//! window; afterwards only what everyone sees, unless works are transferred.

use diesel::prelude::*;
use habilis_api::db::schema::works;
use habilis_shared::policy::Profile;
use serde_json::{json, Value};

use crate::helpers::*;

async fn listed(app: &TestApp, s: &Session) -> Vec<String> {
    let page: Value = app
        .get("/api/v1/works?limit=100", &s.access)
        .await
        .json()
        .await
        .expect("json");
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|w| w["title"].as_str().map(str::to_owned))
        .collect()
}

fn at(app: &TestApp, days: i64) -> String {
    use habilis_api::clock::Clock;
    (app.clock.now() + chrono::Duration::days(days)).to_rfc3339()
}

/// admin → expert → {confirmed → novice, host, peer}.
struct Org {
    h: Hierarchy,
    host: Session,
    peer: Session,
}

async fn org(app: &TestApp) -> Org {
    let h = app.hierarchy().await;
    let host = app
        .ready(&h.expert, Profile::Confirmed, "host@inserm.fr")
        .await;
    let peer = app
        .ready(&h.expert, Profile::Confirmed, "peer@inserm.fr")
        .await;
    for s in [&h.novice, &h.confirmed, &host, &peer] {
        app.accept_charter(s).await;
    }
    Org { h, host, peer }
}

async fn relogin(app: &TestApp, s: &Session) -> Session {
    app.login(&s.email, &s.password).await
}

#[actix_web::test]
async fn the_host_sees_what_is_produced_during_the_window_only() {
    let app = TestApp::new().await;
    let Org { h, host, peer } = org(&app).await;
    app.job_draft(&h.novice, "before").await;
    let path = format!("/api/v1/users/{}/secondments", h.novice.id);
    let res = app
        .post(
            &path,
            &h.confirmed.access,
            json!({ "host_supervisor_id": host.id, "starts_at": at(&app, 1), "ends_at": at(&app, 11) }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let s: Value = res.json().await.expect("json");
    assert_eq!(
        (s["user_id"].as_str(), s["host_supervisor_id"].as_str()),
        (Some(h.novice.id.as_str()), Some(host.id.as_str()))
    );
    app.wait_for_mail(|m| m.contains("To: host@inserm.fr") && m.contains("is seconded to"))
        .await;

    // Not yet open: the host sees nothing of the novice.
    assert!(!listed(&app, &host).await.contains(&"before".to_owned()));
    problem(
        app.get(
            &format!("/api/v1/users/{}/activity", h.novice.id),
            &host.access,
        )
        .await,
        404,
    )
    .await;

    // During the window: what is produced in it, as a supervisor sees it.
    app.clock.advance(chrono::Duration::days(2));
    let (novice, host, peer) = (
        relogin(&app, &h.novice).await,
        relogin(&app, &host).await,
        relogin(&app, &peer).await,
    );
    let during = app.job_draft(&novice, "during").await;
    let seen = listed(&app, &host).await;
    assert!(seen.contains(&"during".to_owned()), "{seen:?}");
    assert!(!seen.contains(&"before".to_owned()), "{seen:?}");
    assert_eq!(
        app.get(&format!("/api/v1/works/{during}"), &host.access)
            .await
            .status(),
        200
    );
    assert!(!listed(&app, &peer).await.contains(&"during".to_owned()));
    problem(
        app.get(&format!("/api/v1/works/{during}"), &peer.access)
            .await,
        404,
    )
    .await;
    // The person, their secondments and their activity of the window.
    assert_eq!(
        app.get(&format!("/api/v1/users/{}", h.novice.id), &host.access)
            .await
            .status(),
        200
    );
    let list: Value = app
        .get(&path, &host.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
    let activity: Value = app
        .get(
            &format!("/api/v1/users/{}/activity", h.novice.id),
            &host.access,
        )
        .await
        .json()
        .await
        .expect("json");
    let items = activity["items"].as_array().expect("items");
    assert!(!items.is_empty(), "the sign-in during the window is shown");
    let start = s["starts_at"].as_str().expect("start");
    let start = chrono::DateTime::parse_from_rfc3339(start).expect("date");
    assert!(items.iter().all(|e| {
        chrono::DateTime::parse_from_rfc3339(e["at"].as_str().unwrap_or(""))
            .is_ok_and(|t| t >= start)
    }));
    // Reading only: the host never promotes nor closes the account.
    let promote = app
        .post(
            &format!("/api/v1/users/{}/promote", h.novice.id),
            &host.access,
            json!({}),
        )
        .await
        .status()
        .as_u16();
    assert!(matches!(promote, 403 | 404), "{promote}");

    // After the window: only what everyone sees.
    app.clock.advance(chrono::Duration::days(10));
    let (novice, host) = (relogin(&app, &novice).await, relogin(&app, &host).await);
    assert!(!listed(&app, &host).await.contains(&"during".to_owned()));
    problem(
        app.get(&format!("/api/v1/works/{during}"), &host.access)
            .await,
        404,
    )
    .await;
    // … unless the person transfers the work to the host.
    let transfer = format!("/api/v1/works/{during}/transfer");
    problem(
        app.post(&transfer, &novice.access, json!({ "to": peer.id }))
            .await,
        422,
    )
    .await;
    problem(
        app.post(&transfer, &novice.access, json!({ "to": novice.id }))
            .await,
        422,
    )
    .await;
    problem(
        app.post(&transfer, &novice.access, json!({ "to": "nobody" }))
            .await,
        422,
    )
    .await;
    let confirmed = relogin(&app, &h.confirmed).await;
    problem(
        app.post(&transfer, &confirmed.access, json!({ "to": host.id }))
            .await,
        403,
    )
    .await;
    let res = app
        .post(&transfer, &novice.access, json!({ "to": host.id }))
        .await;
    assert_eq!(res.status(), 200);
    let moved: Value = res.json().await.expect("json");
    assert_eq!(
        (moved["owner_id"].as_str(), moved["author_id"].as_str()),
        (Some(host.id.as_str()), Some(novice.id.as_str()))
    );
    assert!(listed(&app, &host).await.contains(&"during".to_owned()));
    app.wait_for_mail(|m| m.contains("To: host@inserm.fr") && m.contains("gave you"))
        .await;
    // Gone from the novice; a second transfer finds nothing to give.
    problem(
        app.post(&transfer, &novice.access, json!({ "to": host.id }))
            .await,
        404,
    )
    .await;
    let admin = app.admin().await;
    for action in ["user.second", "work.transfer"] {
        let page: Value = app
            .get(&format!("/api/v1/audit?action={action}"), &admin.access)
            .await
            .json()
            .await
            .expect("json");
        let done = page["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|e| e["outcome"] == "success")
            .count();
        assert_eq!(done, 1, "{action}: {page}");
    }
}

#[actix_web::test]
async fn bad_secondments_are_refused_and_change_nothing() {
    let app = TestApp::new().await;
    let Org { h, host, peer } = org(&app).await;
    let path = format!("/api/v1/users/{}/secondments", h.novice.id);
    let body = |host: &str, from: i64, to: i64| json!({ "host_supervisor_id": host, "starts_at": at(&app, from), "ends_at": at(&app, to) });
    // The window must be a window, not over; the host must be eligible.
    for (b, field) in [
        (body(&host.id, 5, 5), "ends_at"),
        (body(&host.id, -10, -1), "ends_at"),
        (body(&h.confirmed.id, 1, 5), "host_supervisor_id"),
        (body(&h.novice.id, 1, 5), "host_supervisor_id"),
        (body(&h.admin.id, 1, 5), "host_supervisor_id"),
        (body("no-such-account", 1, 5), "host_supervisor_id"),
    ] {
        let p = problem(app.post(&path, &h.confirmed.access, b).await, 422).await;
        assert!(p["errors"][field].is_array(), "{p}");
    }
    problem(
        app.post(
            &path,
            &h.confirmed.access,
            json!({ "host_supervisor_id": host.id }),
        )
        .await,
        422,
    )
    .await;
    // Not in the line: the peer does not see the novice; the admin sees
    // the account but may not second it; experts have no supervisor.
    problem(
        app.post(&path, &peer.access, body(&host.id, 1, 5)).await,
        404,
    )
    .await;
    problem(
        app.post(&path, &h.admin.access, body(&host.id, 1, 5)).await,
        403,
    )
    .await;
    problem(
        app.post(
            &format!("/api/v1/users/{}/secondments", h.expert.id),
            &h.admin.access,
            body(&host.id, 1, 5),
        )
        .await,
        403,
    )
    .await;
    problem(
        app.post(&path, &h.novice.access, body(&host.id, 1, 5))
            .await,
        403,
    )
    .await;
    let list: Value = app
        .get(&path, &h.confirmed.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["items"], json!([]), "nothing was recorded");
    // The expert above may second the novice too; windows never overlap.
    let ok = app
        .post(&path, &h.expert.access, body(&host.id, 1, 5))
        .await;
    assert_eq!(ok.status(), 201);
    let clash = app
        .post(&path, &h.confirmed.access, body(&peer.id, 4, 8))
        .await;
    assert_eq!(problem(clash, 409).await["type"], "overlap");
    let after = app
        .post(&path, &h.confirmed.access, body(&peer.id, 5, 8))
        .await;
    assert_eq!(after.status(), 201, "[start, end): back to back is fine");
}

#[actix_web::test]
async fn racing_secondments_one_wins() {
    let app = TestApp::new().await;
    let Org { h, host, peer } = org(&app).await;
    let path = format!("/api/v1/users/{}/secondments", h.novice.id);
    let a =
        json!({ "host_supervisor_id": host.id, "starts_at": at(&app, 1), "ends_at": at(&app, 9) });
    let b =
        json!({ "host_supervisor_id": peer.id, "starts_at": at(&app, 2), "ends_at": at(&app, 8) });
    let tries = [(&h.confirmed, a), (&h.expert, b)].map(|(s, b)| app.post(&path, &s.access, b));
    let mut codes: Vec<u16> = futures_util::future::join_all(tries)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    codes.sort_unstable();
    assert_eq!(codes, [201, 409]);
}

#[actix_web::test]
async fn the_policy_switch_turns_temporary_supervision_off() {
    let app = TestApp::builder()
        .policy("[visibility]\nsecondment_host_sees_period_work = false\n")
        .start()
        .await;
    let Org { h, host, .. } = org(&app).await;
    let path = format!("/api/v1/users/{}/secondments", h.novice.id);
    let res = app
        .post(
            &path,
            &h.confirmed.access,
            json!({ "host_supervisor_id": host.id, "starts_at": at(&app, 0), "ends_at": at(&app, 9) }),
        )
        .await;
    assert_eq!(res.status(), 201);
    app.clock.advance(chrono::Duration::hours(1));
    let (novice, host) = (relogin(&app, &h.novice).await, relogin(&app, &host).await);
    let id = app.job_draft(&novice, "during").await;
    assert!(!listed(&app, &host).await.contains(&"during".to_owned()));
    problem(
        app.get(&format!("/api/v1/works/{id}"), &host.access).await,
        404,
    )
    .await;
    // Transfers to the host remain possible: the person decides.
    let res = app
        .post(
            &format!("/api/v1/works/{id}/transfer"),
            &novice.access,
            json!({ "to": host.id }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let owner = app
        .with_db(move |c| {
            works::table
                .find(id)
                .select(works::owner_id)
                .first::<String>(c)
                .expect("work")
        })
        .await;
    assert_eq!(owner, host.id);
}

#[actix_web::test]
async fn a_host_outside_my_line_is_named_by_exact_e_mail() {
    let app = TestApp::new().await;
    let Org { h, host, .. } = org(&app).await;
    // The confirmed supervisor does not see the host (another branch)...
    let found: Value = app
        .get("/api/v1/users?q=host", &h.confirmed.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(found["items"], json!([]), "{found}");
    let path = format!("/api/v1/users/{}/secondments", h.novice.id);
    let (from, to) = (at(&app, 1), at(&app, 5));
    // ...names it by e-mail address, exactly; not by a part of it, not by
    // both an id and an address, not by neither.
    for (b, field) in [
        (
            json!({ "host_email": "host@inserm", "starts_at": from, "ends_at": to }),
            "host_email",
        ),
        (
            json!({ "host_email": "nobody@inserm.fr", "starts_at": from, "ends_at": to }),
            "host_email",
        ),
        (
            json!({ "host_email": "host@inserm.fr", "host_supervisor_id": host.id, "starts_at": from, "ends_at": to }),
            "host_supervisor_id",
        ),
        (
            json!({ "starts_at": from, "ends_at": to }),
            "host_supervisor_id",
        ),
    ] {
        let p = problem(app.post(&path, &h.confirmed.access, b).await, 422).await;
        assert!(p["errors"][field].is_array(), "{p}");
    }
    // The eligibility rules are those of an id.
    let p = problem(
        app.post(
            &path,
            &h.confirmed.access,
            json!({ "host_email": h.confirmed.email, "starts_at": from, "ends_at": to }),
        )
        .await,
        422,
    )
    .await;
    assert!(p["errors"]["host_supervisor_id"].is_array(), "{p}");
    let res = app
        .post(
            &path,
            &h.confirmed.access,
            json!({ "host_email": " Host@INSERM.fr ", "starts_at": from, "ends_at": to }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let s: Value = res.json().await.expect("json");
    assert_eq!(s["host_supervisor_id"].as_str(), Some(host.id.as_str()));
}

//! Departure with hand-over, deletion, seat hand-over, inactivity, and the
//! jobs that run them (issue 5, SPEC §3.6–3.8).

use std::sync::Arc;

use diesel::prelude::*;
use habilis_api::clock::Clock;
use habilis_api::db::schema::{audit_log, users, works};
use habilis_shared::policy::Profile;
use serde_json::{json, Value};

use crate::helpers::*;

async fn run_jobs(app: &TestApp) -> usize {
    let (pool, policy, storage, now) = (
        app.state.pool.clone(),
        app.state.policy.clone(),
        app.state.storage.clone(),
        app.clock.now(),
    );
    actix_web::web::block(move || {
        habilis_api::app::job_kinds().run_due(&pool, &policy, &*storage, "test-worker", now, 500)
    })
    .await
    .expect("block")
    .expect("jobs pass")
}

async fn owner_of(app: &TestApp, id: &str) -> String {
    let id = id.to_owned();
    app.with_db(move |c| {
        works::table
            .find(id)
            .select(works::owner_id)
            .first::<String>(c)
            .expect("work")
    })
    .await
}

fn in_days(app: &TestApp, days: i64) -> String {
    (app.clock.now() + chrono::Duration::days(days)).to_rfc3339()
}

#[actix_web::test]
async fn a_novice_leaves_and_the_supervisor_inherits_everything() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    app.accept_charter(&h.novice).await;
    let draft = app.job_draft(&h.novice, "draft").await;
    let published = app.job_draft(&h.novice, "published").await;
    let p = published.clone();
    app.with_db(move |c| {
        diesel::update(works::table.find(p))
            .set(works::state.eq("published"))
            .execute(c)
            .expect("state");
    })
    .await;
    // The confirmed above schedules it, with a preview of the hand-over.
    let path = format!("/api/v1/users/{}/departure", h.novice.id);
    problem(
        app.post(
            &path,
            &h.confirmed.access,
            json!({ "date": in_days(&app, -1) }),
        )
        .await,
        422,
    )
    .await;
    problem(
        app.post(&path, &h.admin.access, json!({ "date": in_days(&app, 30) }))
            .await,
        403,
    )
    .await;
    let res = app
        .post(
            &path,
            &h.confirmed.access,
            json!({ "date": in_days(&app, 30) }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let view: Value = res.json().await.expect("json");
    assert_eq!(
        (view["drafts"].as_i64(), view["published"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(view["receiver_id"], json!(h.confirmed.id));
    let again = app
        .post(
            &path,
            &h.expert.access,
            json!({ "date": in_days(&app, 40) }),
        )
        .await;
    assert_eq!(problem(again, 409).await["type"], "departure_exists");
    // Warnings at 21 and 7 days before.
    app.clock.advance(chrono::Duration::days(10));
    run_jobs(&app).await;
    app.wait_for_mail(|m| {
        m.contains("To: novice@inserm.fr")
            && m.contains("closes in 21 days")
            && m.contains("1 draft")
    })
    .await;
    app.clock.advance(chrono::Duration::days(14));
    run_jobs(&app).await;
    app.wait_for_mail(|m| m.contains("To: novice@inserm.fr") && m.contains("closes in 7 days"))
        .await;
    // Until the date the novice still works; then the hand-over.
    let novice = app.login(&h.novice.email, &h.novice.password).await;
    app.clock.advance(chrono::Duration::days(7));
    run_jobs(&app).await;
    // Access tokens live 15 minutes: sign in again at the new time.
    let admin = app.admin().await;
    let confirmed = app.login(&h.confirmed.email, &h.confirmed.password).await;
    assert_eq!(owner_of(&app, &draft).await, h.confirmed.id);
    assert_eq!(owner_of(&app, &published).await, h.confirmed.id);
    problem(app.get("/api/v1/me", &novice.access).await, 401).await;
    problem(
        app.login_raw(&h.novice.email, &h.novice.password).await,
        401,
    )
    .await;
    let tomb: Value = app
        .get(&format!("/api/v1/users/{}", h.novice.id), &admin.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        (tomb["state"].as_str(), tomb["first_name"].as_str()),
        (Some("deleted"), Some("Former"))
    );
    assert!(
        !tomb["email"].as_str().unwrap_or("").contains("novice@"),
        "personal data erased"
    );
    // The confirmed now sees and owns the draft; every transfer is audited.
    assert_eq!(
        app.get(&format!("/api/v1/works/{draft}"), &confirmed.access)
            .await
            .status(),
        200
    );
    let transfers: Value = app
        .get("/api/v1/audit?action=work.transfer", &admin.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(transfers["items"].as_array().map(Vec::len), Some(2));
    app.wait_for_mail(|m| m.contains("To: confirmed@inserm.fr") && m.contains("has left"))
        .await;
    // Nothing runs twice.
    app.clock.advance(chrono::Duration::days(1));
    let _ = run_jobs(&app).await;
    let admin = app.admin().await;
    let deletions: Value = app
        .get("/api/v1/audit?action=user.delete", &admin.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(deletions["items"].as_array().map(Vec::len), Some(1));
}

#[actix_web::test]
async fn an_expert_needs_another_expert_as_heir() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let other = app
        .ready(&h.admin, Profile::Expert, "other@inserm.fr")
        .await;
    app.accept_charter(&h.expert).await;
    let mine = app.draft(&h.expert, "expert's").await;
    let path = format!("/api/v1/users/{}/departure", h.expert.id);
    let date = in_days(&app, 5);
    assert!(problem(
        app.post(&path, &h.admin.access, json!({ "date": date }))
            .await,
        422
    )
    .await["errors"]["heir_id"]
        .is_array());
    let res = app
        .post(
            &path,
            &h.admin.access,
            json!({ "date": date, "heir_id": h.confirmed.id }),
        )
        .await;
    assert!(problem(res, 422).await["errors"]["heir_id"].is_array());
    let res = app
        .post(
            &path,
            &h.admin.access,
            json!({ "date": date, "heir_id": h.expert.id }),
        )
        .await;
    problem(res, 422).await;
    let res = app
        .post(
            &path,
            &h.admin.access,
            json!({ "date": date, "heir_id": other.id }),
        )
        .await;
    assert_eq!(res.status(), 201);
    app.clock.advance(chrono::Duration::days(6));
    run_jobs(&app).await;
    assert_eq!(owner_of(&app, &mine).await, other.id);
    // The confirmed who reported to the expert now reports to the heir.
    let admin = app.admin().await;
    let c: Value = app
        .get(&format!("/api/v1/users/{}", h.confirmed.id), &admin.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(c["supervisor_id"], json!(other.id));
}

#[actix_web::test]
async fn delete_now_hands_over_and_seats_are_handed_over_not_deleted() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    app.accept_charter(&h.novice).await;
    let w = app.job_draft(&h.novice, "n").await;
    problem(
        app.request(
            "DELETE",
            &format!("/api/v1/users/{}", h.novice.id),
            Some(&h.admin.access),
            None,
        )
        .await,
        403,
    )
    .await;
    let res = app
        .request(
            "DELETE",
            &format!("/api/v1/users/{}", h.novice.id),
            Some(&h.confirmed.access),
            None,
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(owner_of(&app, &w).await, h.confirmed.id);
    problem(
        app.request(
            "DELETE",
            &format!("/api/v1/users/{}", h.novice.id),
            Some(&h.confirmed.access),
            None,
        )
        .await,
        409,
    )
    .await;
    // Seats: never deleted.
    problem(
        app.request(
            "DELETE",
            &format!("/api/v1/users/{}", h.webmaster.id),
            Some(&h.admin.access),
            None,
        )
        .await,
        403,
    )
    .await;
    let path = format!("/api/v1/users/{}/handover", h.webmaster.id);
    problem(
        app.post(
            &path,
            &h.webmaster.access,
            json!({ "email": "w2@inserm.fr", "first_name": "W", "last_name": "Two" }),
        )
        .await,
        403,
    )
    .await;
    problem(
        app.post(
            &path,
            &h.admin.access,
            json!({ "email": "w2@gmail.com", "first_name": "W", "last_name": "Two" }),
        )
        .await,
        422,
    )
    .await;
    let res = app
        .post(
            &path,
            &h.admin.access,
            json!({ "email": "w2@inserm.fr", "first_name": "W", "last_name": "Two" }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.expect("json");
    assert_eq!(created["user"]["profile"], "webmaster");
    let initial = created["initial_password"].as_str().expect("password");
    app.activate("w2@inserm.fr").await;
    assert_eq!(app.login_raw("w2@inserm.fr", initial).await.status(), 200);
    problem(app.get("/api/v1/me", &h.webmaster.access).await, 401).await;
    problem(
        app.post(
            &path,
            &h.admin.access,
            json!({ "email": "w3@inserm.fr", "first_name": "W", "last_name": "3" }),
        )
        .await,
        409,
    )
    .await;
    let count = app
        .with_db(|c| {
            habilis_api::accounts::queries::count_profile(c, Profile::Webmaster).expect("count")
        })
        .await;
    assert_eq!(count, 1);
    // Handing over a non-seat is refused.
    let res = app
        .post(
            &format!("/api/v1/users/{}/handover", h.expert.id),
            &h.admin.access,
            json!({ "email": "x@inserm.fr", "first_name": "X", "last_name": "Y" }),
        )
        .await;
    problem(res, 403).await;
}

/// A hand-over erases the former holder as a departure does: their
/// personal API tokens are revoked, not merely refused while the account
/// stays closed.
#[actix_web::test]
async fn a_handed_over_seat_leaves_no_live_token_behind() {
    // arrange
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let res = app
        .post(
            "/api/v1/me/tokens",
            &h.webmaster.access,
            json!({ "name": "script", "scopes": ["read"] }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.expect("json");
    let token = created["token"].as_str().expect("token").to_owned();
    assert_eq!(app.get("/api/v1/me", &token).await.status(), 200);

    // act
    let res = app
        .post(
            &format!("/api/v1/users/{}/handover", h.webmaster.id),
            &h.admin.access,
            json!({ "email": "w2@inserm.fr", "first_name": "W", "last_name": "Two" }),
        )
        .await;
    assert_eq!(res.status(), 201);

    // assert
    problem(app.get("/api/v1/me", &token).await, 401).await;
    let former = h.webmaster.id.clone();
    let live: i64 = app
        .with_db(move |c| {
            use habilis_api::db::schema::api_tokens;
            api_tokens::table
                .filter(api_tokens::user_id.eq(former))
                .filter(api_tokens::revoked_at.is_null())
                .count()
                .get_result(c)
                .expect("count")
        })
        .await;
    assert_eq!(live, 0, "the former holder's token is still live");
}

#[actix_web::test]
async fn racing_departures_one_wins() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let path = format!("/api/v1/users/{}/departure", h.novice.id);
    let date = in_days(&app, 30);
    let tries = [&h.confirmed, &h.expert, &h.confirmed, &h.expert]
        .map(|s| app.post(&path, &s.access, json!({ "date": date })));
    let codes: Vec<u16> = futures_util::future::join_all(tries)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(codes.iter().filter(|c| **c == 201).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 409).count(), 3, "{codes:?}");
}

#[actix_web::test]
async fn no_work_is_ever_orphaned() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let e2 = app.ready(&h.admin, Profile::Expert, "e2@inserm.fr").await;
    let n2 = app
        .ready(&h.confirmed, Profile::Novice, "n2@inserm.fr")
        .await;
    let c2 = app
        .ready(&h.expert, Profile::Confirmed, "c2@inserm.fr")
        .await;
    for s in [&h.expert, &e2, &h.confirmed, &c2, &h.novice, &n2] {
        app.accept_charter(s).await;
        app.job_draft(s, "w1").await;
        app.job_draft(s, "w2").await;
    }
    // People leave at every level: a novice, a confirmed with a novice
    // below, an expert with confirmed below (heir: the other expert).
    let date = in_days(&app, 2);
    for (who, by, heir) in [
        (&h.novice, &h.confirmed, None),
        (&h.confirmed, &h.expert, None),
        (&h.expert, &h.admin, Some(&e2.id)),
    ] {
        let mut body = json!({ "date": date });
        if let Some(heir) = heir {
            body["heir_id"] = json!(heir);
        }
        let res = app
            .post(
                &format!("/api/v1/users/{}/departure", who.id),
                &by.access,
                body,
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    app.clock.advance(chrono::Duration::days(3));
    run_jobs(&app).await;
    let (owners, supervisors) = app
        .with_db(|c| {
            let owners: Vec<(String, String)> = works::table
                .inner_join(users::table.on(users::id.eq(works::owner_id)))
                .select((works::id, users::state))
                .load(c)
                .expect("owners");
            let total: i64 = works::table.count().get_result(c).expect("count");
            assert_eq!(owners.len() as i64, total);
            let sups: Vec<(String, Option<String>)> = users::table
                .filter(users::state.ne("deleted"))
                .filter(users::profile.eq_any(["novice", "confirmed"]))
                .select((users::id, users::supervisor_id))
                .load(c)
                .expect("people");
            let mut sup_states = vec![];
            for (_, sup) in sups {
                let sup = sup.expect("a supervisor");
                let st: String = users::table
                    .find(sup)
                    .select(users::state)
                    .first(c)
                    .expect("sup");
                sup_states.push(st);
            }
            (owners, sup_states)
        })
        .await;
    assert_eq!(owners.len(), 12);
    assert!(
        owners.iter().all(|(_, state)| state != "deleted"),
        "{owners:?}"
    );
    assert!(
        supervisors.iter().all(|s| s != "deleted"),
        "{supervisors:?}"
    );
    let _ = (n2, c2);
}

#[actix_web::test]
async fn two_workers_never_run_one_job_twice() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let expert = app.ready(&admin, Profile::Expert, "boss@inserm.fr").await;
    let confirmed = app
        .ready(&expert, Profile::Confirmed, "lead@inserm.fr")
        .await;
    let date = in_days(&app, 1);
    for i in 0..12 {
        let n = app
            .create(&confirmed, Profile::Novice, &format!("n{i}@inserm.fr"))
            .await
            .0;
        let res = app
            .post(
                &format!("/api/v1/users/{}/departure", n.id),
                &confirmed.access,
                json!({ "date": date }),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    app.clock.advance(chrono::Duration::days(2));
    let now = app.clock.now();
    let policy = app.state.policy.clone();
    let storage = app.state.storage.clone();
    let url = app.db_url().to_owned();
    let workers: Vec<_> = (0..2)
        .map(|w| {
            let (policy, url, storage) = (Arc::clone(&policy), url.clone(), storage.clone());
            std::thread::spawn(move || {
                let pool = habilis_api::db::connect_pool(&url, 2).expect("pool");
                let mut ran = 0;
                for _ in 0..20 {
                    ran += habilis_api::app::job_kinds()
                        .run_due(&pool, &policy, &*storage, &format!("w{w}"), now, 3)
                        .expect("pass");
                }
                ran
            })
        })
        .collect();
    let ran: usize = workers.into_iter().map(|t| t.join().expect("worker")).sum();
    let deletions: i64 = app
        .with_db(|c| {
            audit_log::table
                .filter(audit_log::action.eq("user.delete"))
                .count()
                .get_result(c)
                .expect("count")
        })
        .await;
    assert_eq!(deletions, 12);
    assert!(ran >= 12, "{ran}");
    let verdict = app
        .with_db(|c| habilis_api::audit::verify(c).expect("verify"))
        .await;
    assert!(matches!(verdict, habilis_api::audit::Verdict::Ok { .. }));
}

#[actix_web::test]
async fn a_failing_job_changes_nothing_and_is_retried() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    app.accept_charter(&h.novice).await;
    let w = app.job_draft(&h.novice, "kept").await;
    let res = app
        .post(
            &format!("/api/v1/users/{}/departure", h.novice.id),
            &h.confirmed.access,
            json!({ "date": in_days(&app, 1) }),
        )
        .await;
    assert_eq!(res.status(), 201);
    app.clock.advance(chrono::Duration::days(2));
    // Break the hand-over half-way: the account update will fail after the
    // works were moved, inside the same transaction.
    app.with_db(|c| {
        diesel::sql_query("ALTER TABLE departures RENAME TO departures_gone")
            .execute(c)
            .expect("break");
    })
    .await;
    run_jobs(&app).await;
    app.with_db(|c| {
        diesel::sql_query("ALTER TABLE departures_gone RENAME TO departures")
            .execute(c)
            .expect("restore");
    })
    .await;
    assert_eq!(owner_of(&app, &w).await, h.novice.id, "nothing half done");
    let (attempts, error): (i32, Option<String>) = app
        .with_db(|c| {
            use habilis_api::db::schema::jobs;
            jobs::table
                .filter(jobs::kind.eq("departure.execute"))
                .select((jobs::attempts, jobs::last_error))
                .first(c)
                .expect("job")
        })
        .await;
    assert_eq!(attempts, 1);
    assert!(error.is_some());
    app.clock.advance(chrono::Duration::hours(1));
    assert!(run_jobs(&app).await >= 1);
    assert_eq!(owner_of(&app, &w).await, h.confirmed.id);
}

#[actix_web::test]
async fn inactive_accounts_are_warned_then_blocked_never_deleted() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    app.clock.advance(chrono::Duration::days(366));
    run_jobs(&app).await;
    app.wait_for_mail(|m| m.contains("To: novice@inserm.fr") && m.contains("inactive"))
        .await;
    // Signing in clears the warning.
    app.login(&h.expert.email, &h.expert.password).await;
    app.clock.advance(chrono::Duration::days(31));
    run_jobs(&app).await;
    let back = app.admin().await;
    for (who, want) in [
        (&h.novice, "blocked"),
        (&h.confirmed, "blocked"),
        (&h.expert, "active"),
    ] {
        let v: Value = app
            .get(&format!("/api/v1/users/{}", who.id), &back.access)
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(v["state"], want, "{}", who.email);
    }
    let admin_state: String = {
        let id = h.admin.id.clone();
        app.with_db(move |c| {
            users::table
                .find(id)
                .select(users::state)
                .first(c)
                .expect("admin")
        })
        .await
    };
    assert_ne!(
        admin_state, "blocked",
        "seats are never blocked by the review"
    );
}

#[actix_web::test]
async fn a_departure_preview_says_what_goes_to_whom_and_schedules_nothing() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    app.accept_charter(&h.novice).await;
    app.job_draft(&h.novice, "a draft").await;
    let path = format!("/api/v1/users/{}/departure/preview", h.novice.id);
    let view: Value = app
        .get(&path, &h.confirmed.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        (view["drafts"].as_i64(), view["receiver_id"].as_str()),
        (Some(1), Some(h.confirmed.id.as_str()))
    );
    // With an heir: the expert above may inherit a novice's works.
    let with_heir: Value = app
        .get(
            &format!("{path}?heir_id={}", h.expert.id),
            &h.confirmed.access,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(with_heir["receiver_id"], json!(h.expert.id));
    problem(
        app.get(
            &format!("{path}?heir_id={}", h.webmaster.id),
            &h.confirmed.access,
        )
        .await,
        422,
    )
    .await;
    problem(app.get(&path, &h.admin.access).await, 403).await;
    problem(app.get(&path, &h.novice.access).await, 403).await;
    // Nothing was scheduled.
    problem(
        app.get(
            &format!("/api/v1/users/{}/departure", h.novice.id),
            &h.confirmed.access,
        )
        .await,
        404,
    )
    .await;
}

#[actix_web::test]
async fn run_due_until_brings_departures_forward_not_the_periodic_review() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    app.accept_charter(&h.novice).await;
    let draft = app.job_draft(&h.novice, "draft").await;
    let res = app
        .post(
            &format!("/api/v1/users/{}/departure", h.novice.id),
            &h.confirmed.access,
            json!({ "date": in_days(&app, 30) }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let run = |until_days: i64| {
        let (pool, policy, storage, now) = (
            app.state.pool.clone(),
            app.state.policy.clone(),
            app.state.storage.clone(),
            app.clock.now(),
        );
        actix_web::web::block(move || {
            habilis_api::app::job_kinds().run_due_by(
                &pool,
                &policy,
                &*storage,
                "cli",
                now,
                now + chrono::Duration::days(until_days),
                500,
            )
        })
    };
    // Today: only the inactivity review is due; the departure waits.
    run(0).await.expect("block").expect("jobs");
    assert_eq!(owner_of(&app, &draft).await, h.novice.id);
    // Brought forward: the warnings and the departure run now; the review,
    // rescheduled for tomorrow, does not run again.
    let ran = run(31).await.expect("block").expect("jobs");
    assert_eq!(ran, 3, "two warnings and the departure");
    assert_eq!(owner_of(&app, &draft).await, h.confirmed.id);
    problem(
        app.login_raw(&h.novice.email, &h.novice.password).await,
        401,
    )
    .await;
    assert_eq!(run(31).await.expect("block").expect("jobs"), 0);
}

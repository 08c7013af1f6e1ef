//! Compute engines, jobs and the priority queue (issue 17): engines are
//! versioned and checked (schema, command placeholders); jobs are queued
//! by those who may run engines in an active project, run for real on the
//! local worker slots, leave their log and a draft work; cancelling and
//! timing out stop the whole process group; "why am I waiting" names the
//! rule; replicas sharing one database never start a job twice, and the
//! jobs of a replica killed with `kill -9` are recovered by rule.

use std::sync::Arc;
use std::time::Duration;

use diesel::prelude::*;
use habilis_api::clock::{Clock, SystemClock};
use habilis_api::compute::executors::local::LocalExecutor;
use habilis_api::compute::{Dispatcher, JobRow};
use habilis_api::db::schema::{audit_log, compute_jobs};
use serde_json::{json, Value};

use crate::datasets::lab;
use crate::helpers::*;

async fn json_of(res: reqwest::Response, status: u16) -> Value {
    let got = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    assert_eq!(got, status, "{text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// An engine `command` with an integer parameter `n` (1–1000, default 3).
async fn engine(app: &TestApp, s: &Session, name: &str, command: Value, timeout: u32) -> String {
    let body = json!({
        "name": name,
        "description": "test engine",
        "command": command,
        "parameters": {"type": "object", "properties": {
            "n": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 3}
        }},
        "timeout_secs": timeout,
        "resources": {"cpus": 1, "memory_mb": 256},
    });
    let v = json_of(app.post("/api/v1/engines", &s.access, body).await, 201).await;
    v["id"].as_str().expect("engine id").to_owned()
}

async fn submit(app: &TestApp, s: &Session, project: &str, engine: &str, params: Value) -> Value {
    json_of(
        app.post(
            &format!("/api/v1/projects/{project}/jobs"),
            &s.access,
            json!({ "engine_id": engine, "parameters": params }),
        )
        .await,
        201,
    )
    .await
}

/// The job once `done(job)` holds (or panics after 60 s).
async fn wait_for(app: &TestApp, s: &Session, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..600 {
        let v = json_of(app.get(&format!("/api/v1/jobs/{id}"), &s.access).await, 200).await;
        if done(&v) {
            return v;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("job {id} never got there");
}

fn ended(v: &Value) -> bool {
    !matches!(v["state"].as_str(), Some("queued" | "running"))
}

async fn row(app: &TestApp, id: &str) -> JobRow {
    let id = id.to_owned();
    app.with_db(move |c| {
        compute_jobs::table
            .find(id)
            .select(JobRow::as_select())
            .first(c)
            .expect("job row")
    })
    .await
}

/// The process group of a local handle (`local:<boot>:<pid>:<ticks>`).
fn group_of(handle: &str) -> i32 {
    handle
        .split(':')
        .nth(2)
        .and_then(|p| p.parse().ok())
        .expect("pid")
}

fn group_alive(pgid: i32) -> bool {
    habilis_api::spawners::local::process::group_exists(pgid)
}

#[actix_web::test]
async fn engines_are_versioned_checked_and_kept_to_those_who_may() {
    let app = TestApp::new().await;
    let l = lab(&app).await;
    let h = &l.h;
    let admin = app.admin().await;
    app.accept_charter(&admin).await;
    let id = engine(&app, &admin, "Counter", json!(["seq", "1", "{n}"]), 60).await;

    // A novice may not create (SPEC §2.4 "undecided → no"), nor change.
    let body = json!({"name": "x", "command": ["true"], "timeout_secs": 5});
    let p = problem(
        app.post("/api/v1/engines", &h.novice.access, body.clone())
            .await,
        403,
    )
    .await;
    assert_eq!(p["type"], "forbidden");
    let p = problem(
        app.request(
            "PATCH",
            &format!("/api/v1/engines/{id}"),
            Some(&h.novice.access),
            Some(json!({"timeout_secs": 9})),
        )
        .await,
        403,
    )
    .await;
    assert!(p["detail"].as_str().unwrap_or("").contains("engine"), "{p}");
    // The webmaster has no engine rights at all; its list still answers.
    problem(
        app.post("/api/v1/engines", &h.webmaster.access, body.clone())
            .await,
        403,
    )
    .await;
    let list = json_of(app.get("/api/v1/engines", &h.webmaster.access).await, 200).await;
    assert_eq!(list["items"][0]["can_run"], false);
    let list = json_of(app.get("/api/v1/engines", &h.novice.access).await, 200).await;
    assert_eq!(list["items"][0]["can_run"], true);
    assert_eq!(list["items"][0]["can_modify"], false);

    // Placeholders must name parameters; the schema must compile and its
    // defaults pass it; remote references are refused. Nothing is created.
    for (bad, field) in [
        (
            json!({"name": "x", "command": ["seq", "{size}"], "timeout_secs": 5}),
            "command[1]",
        ),
        (
            json!({"name": "x", "command": ["{n}"], "timeout_secs": 5,
                "parameters": {"type": "object", "properties": {"n": {"type": "string", "default": "a"}}}}),
            "command[0]",
        ),
        (
            json!({"name": "x", "command": ["seq", "{n"], "timeout_secs": 5}),
            "command[1]",
        ),
        (
            json!({"name": "x", "command": ["true"], "timeout_secs": 5,
                "parameters": {"type": "object", "properties": {"n": {"type": "integer", "default": "x"}}}}),
            "parameters",
        ),
        (
            json!({"name": "x", "command": ["true"], "timeout_secs": 5,
                "parameters": {"type": "array"}}),
            "parameters.type",
        ),
        (
            json!({"name": "x", "command": [], "timeout_secs": 5}),
            "command",
        ),
        (
            json!({"name": "x", "command": ["true"], "timeout_secs": 0}),
            "timeout_secs",
        ),
    ] {
        let p = problem(
            app.post("/api/v1/engines", &h.expert.access, bad.clone())
                .await,
            422,
        )
        .await;
        let errors = p["errors"].as_object().expect("errors");
        assert!(
            errors.keys().any(|k| k.starts_with(field)),
            "{bad}: {errors:?}"
        );
    }
    let list = json_of(app.get("/api/v1/engines", &h.expert.access).await, 200).await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));

    // The expert changes the command: version 2; version 1 is kept.
    let v2 = json_of(
        app.request(
            "PATCH",
            &format!("/api/v1/engines/{id}"),
            Some(&h.expert.access),
            Some(json!({"command": ["seq", "0", "{n}"]})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(v2["version"], 2);
    let v1 = json_of(
        app.get(&format!("/api/v1/engines/{id}?version=1"), &h.expert.access)
            .await,
        200,
    )
    .await;
    assert_eq!(v1["command"], json!(["seq", "1", "{n}"]));
    // A change that breaks the command is refused and changes nothing.
    problem(
        app.request(
            "PATCH",
            &format!("/api/v1/engines/{id}"),
            Some(&h.expert.access),
            Some(json!({"parameters": {"type": "object"}})),
        )
        .await,
        422,
    )
    .await;
    let cur = json_of(
        app.get(&format!("/api/v1/engines/{id}"), &h.expert.access)
            .await,
        200,
    )
    .await;
    assert_eq!(cur["version"], 2);

    // Retiring: the novice may not; the admin may; then it is gone.
    problem(
        app.request(
            "DELETE",
            &format!("/api/v1/engines/{id}"),
            Some(&h.novice.access),
            None,
        )
        .await,
        403,
    )
    .await;
    let res = app
        .request(
            "DELETE",
            &format!("/api/v1/engines/{id}"),
            Some(&admin.access),
            None,
        )
        .await;
    assert_eq!(res.status(), 204);
    problem(
        app.get(&format!("/api/v1/engines/{id}"), &h.expert.access)
            .await,
        404,
    )
    .await;
    let p = problem(
        app.post(
            &format!("/api/v1/projects/{}/jobs", l.project),
            &h.expert.access,
            json!({"engine_id": id}),
        )
        .await,
        422,
    )
    .await;
    assert!(p["errors"]["engine_id"].is_array(), "{p}");
}

#[actix_web::test]
async fn a_job_runs_leaves_its_log_and_a_draft_work() {
    let app = TestApp::builder().with_compute(2).start().await;
    let l = lab(&app).await;
    let h = &l.h;
    let admin = app.admin().await;
    app.accept_charter(&admin).await;
    let id = engine(&app, &admin, "Counter", json!(["seq", "1", "{n}"]), 60).await;

    // Parameters outside the schema: 422 with their paths, nothing queued.
    for (params, field) in [
        (json!({"n": 0}), "parameters.n"),
        (json!({"n": "x"}), "parameters.n"),
    ] {
        let p = problem(
            app.post(
                &format!("/api/v1/projects/{}/jobs", l.project),
                &h.novice.access,
                json!({"engine_id": id, "parameters": params}),
            )
            .await,
            422,
        )
        .await;
        assert!(p["errors"][field].is_array(), "{p}");
    }
    // Who may not: the webmaster (no engine.run, operator), a stranger
    // (the project is not visible: 404).
    problem(
        app.post(
            &format!("/api/v1/projects/{}/jobs", l.project),
            &h.webmaster.access,
            json!({"engine_id": id}),
        )
        .await,
        403,
    )
    .await;
    let stranger = app
        .ready(
            &h.expert,
            habilis_shared::policy::Profile::Confirmed,
            "stranger@inserm.fr",
        )
        .await;
    app.accept_charter(&stranger).await;
    problem(
        app.post(
            &format!("/api/v1/projects/{}/jobs", l.project),
            &stranger.access,
            json!({"engine_id": id}),
        )
        .await,
        404,
    )
    .await;
    let none = json_of(app.get("/api/v1/jobs", &h.novice.access).await, 200).await;
    assert_eq!(none["items"], json!([]));

    // The novice runs it: queued, then succeeded, with its log and a draft.
    let job = submit(&app, &h.novice, &l.project, &id, json!({"n": 4})).await;
    assert_eq!(job["state"], "queued");
    assert_eq!(job["profile"], "novice");
    assert_eq!(job["rank"], 2);
    let job_id = job["id"].as_str().expect("id").to_owned();
    let done = wait_for(&app, &h.novice, &job_id, ended).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!(done["exit_code"], 0);
    assert_eq!(done["executor"], "local");
    assert!(done["cpu_secs"].is_number(), "{done}");
    let log = app
        .get(&format!("/api/v1/jobs/{job_id}/logs"), &h.novice.access)
        .await;
    assert_eq!(log.status(), 200);
    assert_eq!(log.text().await.expect("log"), "1\n2\n3\n4\n");
    let work = done["work_id"].as_str().expect("a draft work");
    let w = json_of(
        app.get(&format!("/api/v1/works/{work}"), &h.novice.access)
            .await,
        200,
    )
    .await;
    assert_eq!(w["state"], "draft");
    assert_eq!(w["project_id"], l.project.as_str());

    // The live log of an ended job: its text, then the end.
    let res = app
        .client
        .get(app.url(&format!("/api/v1/jobs/{job_id}/logs")))
        .bearer_auth(&h.novice.access)
        .header("Accept", "text/event-stream")
        .send()
        .await
        .expect("sse");
    assert_eq!(content_type(&res), "text/event-stream");
    let body = res.text().await.expect("stream");
    assert!(body.contains("event: log\ndata: 1\ndata: 2\n"), "{body}");
    assert!(body.ends_with("event: end\ndata: succeeded\n\n"), "{body}");

    // Visibility: the owner's supervisor line sees it (the confirmed
    // created the novice), the stranger does not, and "subordinates"
    // lists it for the supervisor.
    json_of(
        app.get(&format!("/api/v1/jobs/{job_id}"), &h.confirmed.access)
            .await,
        200,
    )
    .await;
    problem(
        app.get(&format!("/api/v1/jobs/{job_id}"), &stranger.access)
            .await,
        404,
    )
    .await;
    problem(
        app.get(&format!("/api/v1/jobs/{job_id}/logs"), &stranger.access)
            .await,
        404,
    )
    .await;
    let theirs = json_of(
        app.get("/api/v1/jobs?owner=subordinates", &h.confirmed.access)
            .await,
        200,
    )
    .await;
    assert!(theirs["items"]
        .as_array()
        .expect("items")
        .iter()
        .any(|j| j["id"] == job_id.as_str()));
    let mine = json_of(
        app.get("/api/v1/jobs?state=succeeded", &h.novice.access)
            .await,
        200,
    )
    .await;
    assert_eq!(mine["items"].as_array().map(Vec::len), Some(1));
    problem(
        app.get("/api/v1/jobs?state=bogus", &h.novice.access).await,
        422,
    )
    .await;
    // An ended job cannot be cancelled.
    problem(
        app.post(
            &format!("/api/v1/jobs/{job_id}/cancel"),
            &h.novice.access,
            json!({}),
        )
        .await,
        409,
    )
    .await;

    // What a job writes under {outdir} becomes a dataset of the project,
    // its files recorded with their digests, the novice's.
    let copier = engine(
        &app,
        &admin,
        "Copier",
        json!(["cp", "/etc/os-release", "{outdir}/os-release.txt"]),
        60,
    )
    .await;
    let job = submit(&app, &h.novice, &l.project, &copier, json!({})).await;
    let job_id = job["id"].as_str().expect("id").to_owned();
    let done = wait_for(&app, &h.novice, &job_id, ended).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    let ds = done["dataset_id"].as_str().expect("an outputs dataset");
    let d = json_of(
        app.get(&format!("/api/v1/datasets/{ds}"), &h.novice.access)
            .await,
        200,
    )
    .await;
    assert!(
        d["name"].as_str().unwrap_or("").ends_with("(outputs)"),
        "{d}"
    );
    let files = json_of(
        app.get(&format!("/api/v1/datasets/{ds}/files"), &h.novice.access)
            .await,
        200,
    )
    .await;
    let f = &files["items"][0];
    assert_eq!(f["path"], "os-release.txt", "{files}");
    let expected = std::fs::metadata("/etc/os-release")
        .expect("os-release")
        .len();
    assert_eq!(f["size"].as_u64(), Some(expected), "{files}");
    // Its bytes, downloaded by the expert (the novice may not download).
    let res = app
        .get(
            &format!(
                "/api/v1/files/{}/content",
                f["id"].as_str().expect("file id")
            ),
            &h.expert.access,
        )
        .await;
    assert_eq!(res.status(), 200);
    let body = res.bytes().await.expect("bytes");
    assert_eq!(
        body.as_ref(),
        std::fs::read("/etc/os-release")
            .expect("os-release")
            .as_slice()
    );
}

#[actix_web::test]
async fn cancel_and_timeout_stop_the_whole_process_group() {
    let app = TestApp::builder().with_compute(2).start().await;
    let l = lab(&app).await;
    let h = &l.h;
    let admin = app.admin().await;
    app.accept_charter(&admin).await;
    // A parent that starts a child and waits: both must go.
    let sleeper = engine(
        &app,
        &admin,
        "Sleeper",
        json!(["/bin/sh", "-c", "sleep {n} & wait", "sh"]),
        2,
    )
    .await;
    let long = engine(&app, &admin, "Long", json!(["sleep", "{n}"]), 600).await;

    let job = submit(&app, &h.novice, &l.project, &long, json!({"n": 120})).await;
    let job_id = job["id"].as_str().expect("id").to_owned();
    wait_for(&app, &h.novice, &job_id, |v| v["state"] == "running").await;
    let handle = loop {
        if let Some(h) = row(&app, &job_id).await.handle {
            break h;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    };
    let pgid = group_of(&handle);
    assert!(group_alive(pgid));
    // Another member may not cancel it (the webmaster takes part in the
    // project but is neither its owner nor a manager)...
    let p = problem(
        app.post(
            &format!("/api/v1/jobs/{job_id}/cancel"),
            &h.webmaster.access,
            json!({}),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(p["type"], "forbidden");
    // ...its owner may.
    json_of(
        app.post(
            &format!("/api/v1/jobs/{job_id}/cancel"),
            &h.novice.access,
            json!({}),
        )
        .await,
        200,
    )
    .await;
    let done = wait_for(&app, &h.novice, &job_id, ended).await;
    assert_eq!(done["state"], "cancelled", "{done}");
    assert!(!group_alive(pgid), "the process group survives its cancel");

    let job = submit(&app, &h.novice, &l.project, &sleeper, json!({"n": 60})).await;
    let job_id = job["id"].as_str().expect("id").to_owned();
    let done = wait_for(&app, &h.novice, &job_id, ended).await;
    assert_eq!(done["state"], "timed_out", "{done}");
    assert!(
        done["failure"].as_str().unwrap_or("").contains("2"),
        "{done}"
    );
    let handle = row(&app, &job_id).await.handle.expect("handle");
    assert!(
        !group_alive(group_of(&handle)),
        "the child of a timed-out job survives"
    );
    assert!(done["work_id"].is_null());
}

#[actix_web::test]
async fn why_am_i_waiting_names_the_rank_ahead() {
    // Two slots, and an expert may hold them all (by default an expert
    // holds at most 75 % of the slots: one of two, and their second job
    // would wait for its share rather than for a slot).
    let app = TestApp::builder()
        .with_compute(2)
        .policy(
            "[priority.caps]\n\
             public = { max_running = 1, max_share = 0.05 }\n\
             novice = { max_running = 4, max_share = 0.25 }\n\
             confirmed = { max_running = 8, max_share = 0.5 }\n\
             expert = { max_running = 16, max_share = 1.0 }\n\
             admin = { max_running = 32, max_share = 1.0 }\n\
             webmaster = { max_running = 2, max_share = 0.1 }\n",
        )
        .start()
        .await;
    let l = lab(&app).await;
    let h = &l.h;
    let admin = app.admin().await;
    app.accept_charter(&admin).await;
    let long = engine(&app, &admin, "Long", json!(["sleep", "{n}"]), 600).await;
    // A novice and the expert (rank 4) hold the two slots; the expert
    // waits with a second job, which could run; the confirmed (rank 3)
    // comes after it.
    let novice = submit(&app, &h.novice, &l.project, &long, json!({"n": 120})).await;
    let novice = novice["id"].as_str().expect("id").to_owned();
    wait_for(&app, &h.novice, &novice, |v| v["state"] == "running").await;
    let first = submit(&app, &h.expert, &l.project, &long, json!({"n": 120})).await;
    let first = first["id"].as_str().expect("id").to_owned();
    wait_for(&app, &h.expert, &first, |v| v["state"] == "running").await;
    let second = submit(&app, &h.expert, &l.project, &long, json!({"n": 120})).await;
    let second = second["id"].as_str().expect("id").to_owned();
    let mine = submit(&app, &h.confirmed, &l.project, &long, json!({"n": 1})).await;
    let mine = mine["id"].as_str().expect("id").to_owned();

    let q = json_of(
        app.get(&format!("/api/v1/jobs/{mine}/queue"), &h.confirmed.access)
            .await,
        200,
    )
    .await;
    assert_eq!(q["position"], 2, "{q}");
    assert_eq!(q["binding_rule"], "rank", "{q}");
    assert_eq!(
        q["ahead"],
        json!([{"rank": 4, "profiles": ["expert"], "jobs": 1, "people": 1}])
    );
    assert!(q["reason"].as_str().unwrap_or("").contains("expert"), "{q}");
    // In French for a reader who chose French.
    let res = app
        .request(
            "PATCH",
            "/api/v1/me",
            Some(&h.confirmed.access),
            Some(json!({ "language": "fr" })),
        )
        .await;
    assert!(res.status().is_success());
    let fr = json_of(
        app.get(&format!("/api/v1/jobs/{mine}/queue"), &h.confirmed.access)
            .await,
        200,
    )
    .await;
    assert_ne!(fr["reason"], q["reason"], "{fr}");
    assert!(fr["reason"].as_str().unwrap_or("").contains("rang"), "{fr}");
    // The expert's own second job waits for the slot.
    let q2 = json_of(
        app.get(&format!("/api/v1/jobs/{second}/queue"), &h.expert.access)
            .await,
        200,
    )
    .await;
    assert_eq!(q2["position"], 1);
    assert_eq!(q2["binding_rule"], "capacity", "{q2}");
    // A running job is not waiting.
    problem(
        app.get(&format!("/api/v1/jobs/{first}/queue"), &h.expert.access)
            .await,
        409,
    )
    .await;

    // The whole queue, by rank, nobody named.
    let whole = json_of(app.get("/api/v1/queue", &h.novice.access).await, 200).await;
    assert_eq!(whole["capacity"], 2);
    assert_eq!(whole["running"], 2);
    assert_eq!(whole["queued"], 2);
    let text = whole.to_string();
    assert!(
        !text.contains(&h.expert.id) && !text.contains("expert@"),
        "{text}"
    );
    let r4 = whole["ranks"]
        .as_array()
        .expect("ranks")
        .iter()
        .find(|r| r["rank"] == 4)
        .cloned()
        .expect("rank 4");
    assert_eq!(
        (
            r4["queued"].clone(),
            r4["running"].clone(),
            r4["people"].clone()
        ),
        (json!(1), json!(1), json!(1))
    );

    // Cancelling the queued ones ends them at once; then the slot frees.
    for (s, id) in [
        (&h.expert, &second),
        (&h.confirmed, &mine),
        (&h.expert, &first),
        (&h.novice, &novice),
    ] {
        json_of(
            app.post(&format!("/api/v1/jobs/{id}/cancel"), &s.access, json!({}))
                .await,
            200,
        )
        .await;
        let v = wait_for(&app, s, id, ended).await;
        assert_eq!(v["state"], "cancelled");
    }
}

/// Three dispatchers on one database, as three replicas: every job is
/// started exactly once.
#[actix_web::test]
async fn three_replicas_dispatch_every_job_exactly_once() {
    let app = TestApp::new().await;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(app.dir.path(), std::fs::Permissions::from_mode(0o755))
        .expect("chmod");
    let l = lab(&app).await;
    let h = &l.h;
    let admin = app.admin().await;
    app.accept_charter(&admin).await;
    let engine_id = engine(&app, &admin, "True", json!(["true"]), 60).await;
    let first = submit(&app, &h.novice, &l.project, &engine_id, json!({})).await;
    // 2,000 jobs of four people, copied from the first (as submitted).
    const JOBS: usize = 2000;
    let template = row(&app, first["id"].as_str().expect("id")).await;
    let people = [
        (h.novice.id.clone(), "novice"),
        (h.confirmed.id.clone(), "confirmed"),
        (h.expert.id.clone(), "expert"),
        (h.webmaster.id.clone(), "webmaster"),
    ];
    app.with_db(move |c| {
        c.transaction::<_, diesel::result::Error, _>(|c| {
            for i in 1..JOBS {
                let mut r = template.clone();
                r.id = uuid::Uuid::now_v7().to_string();
                let (owner, profile) = &people[i % people.len()];
                r.owner_id = owner.clone();
                r.profile = (*profile).to_owned();
                habilis_api::compute::queries::insert(c, &r)?;
            }
            Ok(())
        })
        .expect("jobs");
    })
    .await;
    let replicas: Vec<Arc<Dispatcher>> = (0..3)
        .map(|i| {
            Arc::new(Dispatcher {
                worker_id: format!("replica-{i}"),
                executor: Arc::new(LocalExecutor::new(
                    16,
                    habilis_api::spawners::local::process::RunAs::resolve(None).expect("run as"),
                )),
                pool: habilis_api::db::connect_pool(app.db_url(), 4).expect("pool"),
                policy: app.state.policy.clone(),
                clock: Arc::new(SystemClock) as Arc<dyn Clock>,
                storage: app.state.storage.clone(),
                jobs_dir: app.dir.path().join(format!("jobs-{i}")),
                run_as: habilis_api::spawners::local::process::RunAs::resolve(None)
                    .expect("run as"),
                lease: chrono::Duration::seconds(60),
                max_attempts: 2,
                log_max: 1024,
            })
        })
        .collect();
    let threads: Vec<_> = replicas
        .into_iter()
        .map(|d| {
            std::thread::spawn(move || {
                let mut started = Vec::new();
                let until = std::time::Instant::now() + Duration::from_secs(600);
                loop {
                    let pass = d.pass().expect("pass");
                    let idle = pass.running == 0 && pass.started.is_empty();
                    started.extend(pass.started);
                    if idle {
                        let mut conn = d.pool.get().expect("conn");
                        let left: i64 = compute_jobs::table
                            .filter(compute_jobs::state.eq_any(["queued", "running"]))
                            .count()
                            .get_result(&mut **conn)
                            .expect("count");
                        if left == 0 {
                            return started;
                        }
                    }
                    assert!(std::time::Instant::now() < until, "the queue never drained");
                    std::thread::sleep(Duration::from_millis(5));
                }
            })
        })
        .collect();
    let mut all: Vec<String> = Vec::new();
    let mut per_replica = Vec::new();
    for t in threads {
        let started = t.join().expect("replica");
        per_replica.push(started.len());
        all.extend(started);
    }
    let total = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), total, "a job was dispatched twice");
    assert_eq!(total, JOBS, "every job dispatched once: {per_replica:?}");
    let (succeeded, once): (i64, i64) = app
        .with_db(|c| {
            let s = compute_jobs::table
                .filter(compute_jobs::state.eq("succeeded"))
                .count()
                .get_result(c)
                .expect("count");
            let o = compute_jobs::table
                .filter(compute_jobs::attempts.eq(1))
                .count()
                .get_result(c)
                .expect("count");
            (s, o)
        })
        .await;
    assert_eq!((succeeded, once), (JOBS as i64, JOBS as i64));
    // The ends recorded a pass at a time left the audit chain whole, with
    // one draft work created per job.
    let (verdict, works) = app
        .with_db(|c| {
            let v = habilis_api::audit::verify(c).expect("verify");
            let w = audit_log::table
                .filter(audit_log::action.eq("work.create"))
                .count()
                .get_result::<i64>(c)
                .expect("count");
            (v, w)
        })
        .await;
    assert!(
        matches!(verdict, habilis_api::audit::Verdict::Ok { .. }),
        "{verdict:?}"
    );
    assert_eq!(works, JOBS as i64);
}

/// `kill -9` of a replica running jobs: another replica finds their
/// leases run out, stops what is left of them on this host and queues them
/// again while attempts remain; without attempts left they fail, named
/// `lost`. Both are in the audit log.
#[actix_web::test]
async fn jobs_of_a_killed_replica_are_recovered_by_rule() {
    let app = TestApp::new().await;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(app.dir.path(), std::fs::Permissions::from_mode(0o755))
        .expect("chmod");
    let l = lab(&app).await;
    let h = &l.h;
    let admin = app.admin().await;
    app.accept_charter(&admin).await;
    let long = engine(&app, &admin, "Long", json!(["sleep", "{n}"]), 600).await;
    let a = submit(&app, &h.novice, &l.project, &long, json!({"n": 300})).await;
    let b = submit(&app, &h.expert, &l.project, &long, json!({"n": 300})).await;
    let (a, b) = (
        a["id"].as_str().expect("id").to_owned(),
        b["id"].as_str().expect("id").to_owned(),
    );

    // A real `habilis serve` on the same database runs them…
    let data = app.dir.path().join("replica");
    std::fs::create_dir_all(&data).expect("data");
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let mut replica = std::process::Command::new(env!("CARGO_BIN_EXE_habilis"))
        .arg("serve")
        .env_clear()
        .env("DATABASE_URL", app.db_url())
        .env("HABILIS_DATA_DIR", &data)
        .env("HABILIS_BIND", format!("127.0.0.1:{port}"))
        .env("HABILIS_JWT_SECRET", JWT_SECRET)
        .env("HABILIS_JOBS_POLL_MS", "0")
        .env("HABILIS_MAIL_POLL_MS", "0")
        .env("HABILIS_DIST_DIR", data.join("no-dist"))
        .env("HABILIS_COMPUTE_SLOTS", "2")
        .env("HABILIS_COMPUTE_TICK_MS", "50")
        .env("HABILIS_COMPUTE_LEASE_SECS", "2")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("replica starts");
    let mut handles = Vec::new();
    for id in [&a, &b] {
        let handle = loop {
            if let Some(h) = row(&app, id).await.handle {
                break h;
            }
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        };
        handles.push(group_of(&handle));
    }
    // …and is killed outright: its jobs' processes live on, their leases
    // run out.
    replica.kill().expect("kill -9");
    let _ = replica.wait();
    assert!(handles.iter().all(|g| group_alive(*g)));
    actix_web::rt::time::sleep(Duration::from_millis(2500)).await;

    // The recovering replica: one attempt left for each job.
    let recovering = |max_attempts| Dispatcher {
        worker_id: format!("recovering-{max_attempts}"),
        executor: Arc::new(LocalExecutor::new(0, None)),
        pool: app.state.pool.clone(),
        policy: app.state.policy.clone(),
        clock: Arc::new(SystemClock) as Arc<dyn Clock>,
        storage: app.state.storage.clone(),
        jobs_dir: app.dir.path().join("jobs"),
        run_as: None,
        lease: chrono::Duration::seconds(2),
        max_attempts,
        log_max: 1024,
    };
    // `b` has used its one attempt under max 1: it fails; `a` under max 2
    // goes back to the queue. (One pass decides each by the same rule, so
    // the test gives `b` a replica with max 1 first.)
    let d1 = recovering(1);
    let b_only = b.clone();
    let a_keep = a.clone();
    // Keep `a` out of the first pass: its lease is renewed by hand.
    app.with_db(move |c| {
        diesel::update(compute_jobs::table.find(a_keep))
            .set(
                compute_jobs::lease_until
                    .eq(chrono::Utc::now().naive_utc() + chrono::Duration::seconds(60)),
            )
            .execute(c)
            .expect("keep");
    })
    .await;
    let pass = actix_web::web::block(move || d1.pass())
        .await
        .expect("block")
        .expect("pass");
    assert_eq!(pass.recovered, vec![b_only.clone()]);
    let app_ref = &app;
    let vb = row(app_ref, &b).await;
    assert_eq!(vb.state, "failed");
    assert!(
        vb.failure.as_deref().unwrap_or("").contains("lost"),
        "{:?}",
        vb.failure
    );
    let a_back = a.clone();
    app.with_db(move |c| {
        diesel::update(compute_jobs::table.find(a_back))
            .set(
                compute_jobs::lease_until
                    .eq(chrono::Utc::now().naive_utc() - chrono::Duration::seconds(1)),
            )
            .execute(c)
            .expect("expire");
    })
    .await;
    let d2 = recovering(2);
    let pass = actix_web::web::block(move || d2.pass())
        .await
        .expect("block")
        .expect("pass");
    assert_eq!(pass.recovered, vec![a.clone()]);
    let va = row(&app, &a).await;
    assert_eq!(va.state, "queued");
    assert_eq!(va.attempts, 1);
    // What was left of both on this host is stopped.
    for g in handles {
        assert!(!group_alive(g), "an orphaned job survives");
    }
    let rules: Vec<String> = app
        .with_db(|c| {
            audit_log::table
                .filter(audit_log::action.eq("job.recover"))
                .select(audit_log::detail)
                .load::<String>(c)
                .expect("audit")
        })
        .await;
    assert_eq!(rules.len(), 2, "{rules:?}");
    assert!(
        rules.iter().any(|r| r.contains("\"failed\""))
            && rules.iter().any(|r| r.contains("\"requeued\"")),
        "{rules:?}"
    );
    json_of(
        app.post(
            &format!("/api/v1/jobs/{}/cancel", va.id),
            &h.novice.access,
            json!({}),
        )
        .await,
        200,
    )
    .await;
}

/// A job submitted through the API, dispatched by a replica whose executor
/// is Slurm (the single-node Slurm of `scripts/with-slurm.sh`, run by
/// `make test-slurm`): it ends with its log and its draft work as on the
/// local slots. Skipped without `HABILIS_SLURM=1`.
#[actix_web::test]
async fn a_job_runs_through_slurm() {
    if std::env::var("HABILIS_SLURM").as_deref() != Ok("1") {
        eprintln!("skipped: no single-node Slurm (HABILIS_SLURM=1, make test-slurm)");
        return;
    }
    let app = TestApp::new().await;
    let l = lab(&app).await;
    let h = &l.h;
    let admin = app.admin().await;
    app.accept_charter(&admin).await;
    let id = engine(&app, &admin, "Counter", json!(["seq", "1", "{n}"]), 120).await;
    let job = submit(&app, &h.novice, &l.project, &id, json!({"n": 5})).await;
    let job_id = job["id"].as_str().expect("id").to_owned();
    let replica = Arc::new(Dispatcher {
        worker_id: "slurm-replica".to_owned(),
        executor: Arc::new(habilis_api::compute::executors::slurm::SlurmExecutor {
            slots: 2,
            partition: None,
            bin_dir: None,
        }),
        pool: app.state.pool.clone(),
        policy: app.state.policy.clone(),
        clock: Arc::new(SystemClock) as Arc<dyn Clock>,
        storage: app.state.storage.clone(),
        jobs_dir: app.dir.path().join("slurm-jobs"),
        run_as: None,
        lease: chrono::Duration::seconds(60),
        max_attempts: 2,
        log_max: 1024 * 1024,
    });
    let mut executor = None;
    for _ in 0..600 {
        let d = replica.clone();
        actix_web::web::block(move || d.pass())
            .await
            .expect("block")
            .expect("pass");
        let r = row(&app, &job_id).await;
        executor = r.executor.clone();
        if !matches!(r.state.as_str(), "queued" | "running") {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(executor.as_deref(), Some("slurm"));
    let done = json_of(
        app.get(&format!("/api/v1/jobs/{job_id}"), &h.novice.access)
            .await,
        200,
    )
    .await;
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!(done["exit_code"], 0);
    assert!(done["work_id"].is_string(), "{done}");
    let log = app
        .get(&format!("/api/v1/jobs/{job_id}/logs"), &h.novice.access)
        .await
        .text()
        .await
        .expect("log");
    assert_eq!(log, "1\n2\n3\n4\n5\n");
}

#[actix_web::test]
async fn outputs_over_the_limits_are_not_kept_and_the_log_says_why() {
    let app = TestApp::builder()
        .with_compute(2)
        .policy("[organizations]\nmax_file_bytes = 16\n")
        .start()
        .await;
    let l = lab(&app).await;
    let admin = app.admin().await;
    app.accept_charter(&admin).await;
    let copier = engine(
        &app,
        &admin,
        "Copier",
        json!(["cp", "/etc/os-release", "{outdir}/os-release.txt"]),
        60,
    )
    .await;
    let job = submit(&app, &l.h.novice, &l.project, &copier, json!({})).await;
    let job_id = job["id"].as_str().expect("id").to_owned();
    let done = wait_for(&app, &l.h.novice, &job_id, ended).await;
    // The job succeeded and left its draft; its file was over the limit.
    assert_eq!(done["state"], "succeeded", "{done}");
    assert!(done["work_id"].is_string(), "{done}");
    assert!(done["dataset_id"].is_null(), "{done}");
    let log = app
        .get(&format!("/api/v1/jobs/{job_id}/logs"), &l.h.novice.access)
        .await;
    assert_eq!(log.status(), 200);
    let text = log.text().await.expect("log");
    let size = std::fs::metadata("/etc/os-release")
        .expect("os-release")
        .len();
    assert!(
        text.ends_with(&format!(
            "[habilis] 1 output file(s) ({size} bytes) were not kept: they exceed the project's storage quota or a file size limit. Free space in the project's data, then run the job again.\n"
        )),
        "{text:?}"
    );
    // Nothing of it is stored: no outputs dataset in the project.
    let sets = json_of(
        app.get(
            &format!("/api/v1/projects/{}/datasets", l.project),
            &l.h.novice.access,
        )
        .await,
        200,
    )
    .await;
    let names: Vec<&str> = sets["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|d| d["name"].as_str())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with("(outputs)")), "{names:?}");
}

#[actix_web::test]
async fn a_job_runs_as_the_instance_account_with_its_limits() {
    let app = TestApp::builder().with_compute(2).start().await;
    let l = lab(&app).await;
    let admin = app.admin().await;
    app.accept_charter(&admin).await;
    let who = engine(
        &app,
        &admin,
        "Who",
        json!(["sh", "-c", "id -u; id -G; ulimit -v; echo \"$USER\""]),
        60,
    )
    .await;
    let job = submit(&app, &l.h.novice, &l.project, &who, json!({})).await;
    let job_id = job["id"].as_str().expect("id").to_owned();
    let done = wait_for(&app, &l.h.novice, &job_id, ended).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    let log = app
        .get(&format!("/api/v1/jobs/{job_id}/logs"), &l.h.novice.access)
        .await
        .text()
        .await
        .expect("log");
    // As root, the server runs jobs as `nobody`, with no supplementary
    // group; otherwise as its own account.
    let run_as = habilis_api::spawners::local::process::RunAs::resolve(None).expect("account");
    let (uid, groups, user) = match &run_as {
        Some(u) => (u.uid.to_string(), u.gid.to_string(), u.name.clone()),
        None => {
            let id = |flag: &str| {
                let out = std::process::Command::new("id")
                    .arg(flag)
                    .output()
                    .expect("id");
                String::from_utf8_lossy(&out.stdout).trim().to_owned()
            };
            (id("-u"), id("-G"), String::new())
        }
    };
    // The engine's 256 MB address-space limit, in KiB.
    assert_eq!(
        log,
        format!("{uid}\n{groups}\n{}\n{user}\n", 256 * 1024),
        "the job's account, groups, memory limit and USER"
    );
}

#[actix_web::test]
async fn a_program_that_cannot_start_fails_its_job_and_the_log_says_why() {
    // arrange
    let app = TestApp::builder().with_compute(2).start().await;
    let l = lab(&app).await;
    let admin = app.admin().await;
    app.accept_charter(&admin).await;
    let missing = engine(&app, &admin, "Missing", json!(["/no/such/program"]), 60).await;
    // act
    let job = submit(&app, &l.h.novice, &l.project, &missing, json!({})).await;
    let job_id = job["id"].as_str().expect("id").to_owned();
    let done = wait_for(&app, &l.h.novice, &job_id, ended).await;
    // assert
    assert_eq!(done["state"], "failed", "{done}");
    let log = app
        .get(&format!("/api/v1/jobs/{job_id}/logs"), &l.h.novice.access)
        .await
        .text()
        .await
        .expect("log");
    assert_eq!(
        log,
        "[habilis] The program could not be started: \
         /no/such/program: no such program in PATH\n"
    );
    let r = row(&app, &job_id).await;
    assert_eq!(r.handle, None);
    assert_eq!(r.lease_owner, None);
    // The slot is free again: the next job runs.
    let ok = engine(&app, &admin, "True", json!(["true"]), 60).await;
    let job = submit(&app, &l.h.novice, &l.project, &ok, json!({})).await;
    let job_id = job["id"].as_str().expect("id").to_owned();
    let done = wait_for(&app, &l.h.novice, &job_id, ended).await;
    assert_eq!(done["state"], "succeeded", "{done}");
}

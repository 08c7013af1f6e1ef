//! Orders of catalog services (issue 16): placed by project members whose
//! organisation role may launch processing, approved by the project's
//! sponsor and data steward through the approvals inbox, e-mailed to the
//! requester in their language, modified (back to the approvers) and
//! cancelled by the requester or the project's managers; nobody outside
//! the project learns of them.

use diesel::prelude::*;
use habilis_api::db::schema::{audit_log, outbox};
use habilis_shared::policy::Profile;
use serde_json::{json, Value};

use crate::helpers::*;

/// An organisation (expert manager, confirmed contributor, novice and
/// member users, webmaster operator, another contributor not in the
/// project) with an active project of the expert's: the confirmed sponsors
/// it, the member stewards its data, the novice and the webmaster take
/// part.
struct Shop {
    h: Hierarchy,
    member: Session,
    /// A contributor of the organisation who takes no part in the project.
    neighbour: Session,
    project: String,
}

async fn shop(app: &TestApp) -> Shop {
    let h = app.hierarchy().await;
    let member = app
        .ready(&h.confirmed, Profile::Novice, "member@inserm.fr")
        .await;
    let neighbour = app
        .ready(&h.expert, Profile::Confirmed, "neighbour@inserm.fr")
        .await;
    for s in [
        &h.expert,
        &h.confirmed,
        &h.novice,
        &h.webmaster,
        &member,
        &neighbour,
    ] {
        app.accept_charter(s).await;
    }
    let org = json_of(
        app.post(
            "/api/v1/organizations",
            &h.admin.access,
            json!({ "name": "Service lab" }),
        )
        .await,
        201,
    )
    .await["id"]
        .as_str()
        .expect("org")
        .to_owned();
    for (emails, role) in [
        (vec![h.expert.email.clone()], "manager"),
        (
            vec![h.confirmed.email.clone(), neighbour.email.clone()],
            "contributor",
        ),
        (vec![h.novice.email.clone(), member.email.clone()], "user"),
        (vec![h.webmaster.email.clone()], "operator"),
    ] {
        let res = app
            .post(
                &format!("/api/v1/organizations/{org}/invitations"),
                &h.admin.access,
                json!({ "emails": emails, "role": role }),
            )
            .await;
        assert_eq!(res.status(), 200);
    }
    let project = json_of(
        app.post(
            "/api/v1/projects",
            &h.expert.access,
            json!({ "organization_id": org, "name": "Cohort", "data_class": "standard",
                    "domain": "ecology", "sponsor_id": h.confirmed.id,
                    "data_steward_id": member.id }),
        )
        .await,
        201,
    )
    .await["id"]
        .as_str()
        .expect("project")
        .to_owned();
    app.approve(&project, &[&h.confirmed, &member]).await;
    for s in [&h.novice, &h.webmaster] {
        let res = app
            .post(
                &format!("/api/v1/projects/{project}/participants"),
                &h.expert.access,
                json!({ "email": s.email }),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    Shop {
        h,
        member,
        neighbour,
        project,
    }
}

async fn json_of(res: reqwest::Response, status: u16) -> Value {
    let got = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    assert_eq!(got, status, "{text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

async fn order(app: &TestApp, s: &Session, project: &str, offering: &str) -> Value {
    json_of(
        app.post(
            &format!("/api/v1/projects/{project}/orders"),
            &s.access,
            json!({ "offering_id": offering, "comment": "for the cohort study" }),
        )
        .await,
        201,
    )
    .await
}

/// The approval waiting in `approver`'s inbox for `order`, as listed.
async fn waiting(app: &TestApp, approver: &Session, order: &str) -> Option<Value> {
    let inbox = json_of(app.get("/api/v1/approvals", &approver.access).await, 200).await;
    inbox["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|a| a["subject_id"] == order)
        .cloned()
}

async fn decide(
    app: &TestApp,
    approver: &Session,
    approval: &str,
    body: Value,
) -> reqwest::Response {
    app.post(
        &format!("/api/v1/approvals/{approval}/decision"),
        &approver.access,
        body,
    )
    .await
}

async fn state_of(app: &TestApp, s: &Session, order: &str) -> Value {
    json_of(
        app.get(&format!("/api/v1/orders/{order}"), &s.access).await,
        200,
    )
    .await["state"]
        .clone()
}

/// (subject, body) of the e-mails queued for `to`, oldest first.
async fn mails_to(app: &TestApp, to: &str) -> Vec<(String, String)> {
    let to = to.to_owned();
    app.with_db(move |c| {
        outbox::table
            .filter(outbox::to_addr.eq(to))
            .order(outbox::id.asc())
            .select((outbox::subject, outbox::body))
            .load(c)
            .expect("outbox")
    })
    .await
}

/// Audit rows of `action` about `target`.
async fn audit_of(app: &TestApp, action: &'static str, target: &str) -> Vec<Option<String>> {
    let target = target.to_owned();
    app.with_db(move |c| {
        audit_log::table
            .filter(audit_log::action.eq(action))
            .filter(audit_log::target_id.eq(target))
            .filter(audit_log::outcome.eq("success"))
            .select(audit_log::actor_id)
            .load(c)
            .expect("audit")
    })
    .await
}

#[actix_web::test]
async fn an_order_goes_to_the_sponsor_and_the_data_steward_and_is_approved() {
    let app = TestApp::new().await;
    let s = shop(&app).await;
    // The member reads French: the inbox names the order in French.
    let res = app
        .request(
            "PATCH",
            "/api/v1/me",
            Some(&s.member.access),
            Some(json!({ "language": "fr" })),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .post(
            &format!("/api/v1/projects/{}/orders", s.project),
            &s.h.novice.access,
            json!({ "offering_id": "postgresql", "comment": "  for the cohort study  " }),
        )
        .await;
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let o = json_of(res, 201).await;
    let id = o["id"].as_str().expect("id").to_owned();
    assert_eq!(location, Some(format!("/api/v1/orders/{id}")));
    assert_eq!(o["state"], "pending");
    assert_eq!(o["project_id"], s.project);
    assert_eq!(o["project_name"], "Cohort");
    assert_eq!(o["offering_id"], "postgresql");
    assert_eq!(o["offering_name"], "PostgreSQL database");
    assert_eq!(o["requested_by"], s.h.novice.id);
    assert_eq!(o["comment"], "for the cohort study");
    assert_eq!(
        audit_of(&app, "order.create", &id).await,
        [Some(s.h.novice.id.clone())]
    );

    // One approval each, named for the inbox, in the reader's language.
    let sponsor = waiting(&app, &s.h.confirmed, &id).await.expect("sponsor's");
    assert_eq!(sponsor["subject_type"], "order");
    assert_eq!(sponsor["approver_role"], "sponsor");
    assert_eq!(sponsor["requested_by"], s.h.novice.id);
    assert_eq!(sponsor["subject_name"], "PostgreSQL database for Cohort");
    let steward = waiting(&app, &s.member, &id).await.expect("steward's");
    assert_eq!(steward["approver_role"], "data_steward");
    assert_eq!(steward["subject_name"], "PostgreSQL database pour Cohort");
    assert!(waiting(&app, &s.h.expert, &id).await.is_none());
    // Both were told.
    for to in ["confirmed@inserm.fr", "member@inserm.fr"] {
        let mails = mails_to(&app, to).await;
        assert!(
            mails
                .iter()
                .any(|(subject, _)| subject.contains("PostgreSQL database")
                    && subject.contains("Cohort")),
            "{to}: {mails:?}"
        );
    }

    // The sponsor approves: still pending, the requester is told.
    let res = decide(
        &app,
        &s.h.confirmed,
        sponsor["id"].as_str().expect("id"),
        json!({ "decision": "approve" }),
    )
    .await;
    let decided = json_of(res, 200).await;
    assert_eq!(decided["subject_name"], "PostgreSQL database for Cohort");
    assert_eq!(state_of(&app, &s.h.novice, &id).await, "pending");
    // The data steward approves: approved.
    let res = decide(
        &app,
        &s.member,
        steward["id"].as_str().expect("id"),
        json!({ "decision": "approve", "comment": "ok" }),
    )
    .await;
    json_of(res, 200).await;
    assert_eq!(state_of(&app, &s.h.novice, &id).await, "approved");
    let mails = mails_to(&app, "novice@inserm.fr").await;
    let about: Vec<&String> = mails
        .iter()
        .filter(|(subject, _)| subject.contains("your order"))
        .map(|(_, body)| body)
        .collect();
    assert_eq!(about.len(), 2, "{mails:?}");
    assert!(
        about[0].contains("one approval is still awaited"),
        "{}",
        about[0]
    );
    assert!(about[1].contains("the order is approved"), "{}", about[1]);
    // Settled: nothing left in the inboxes, deciding again is refused.
    assert!(waiting(&app, &s.h.confirmed, &id).await.is_none());
    let again = problem(
        decide(
            &app,
            &s.h.confirmed,
            sponsor["id"].as_str().expect("id"),
            json!({ "decision": "approve" }),
        )
        .await,
        409,
    )
    .await;
    assert!(again["type"] == "not_pending" || again["type"] == "already_decided");
    assert_eq!(
        audit_of(&app, "approval.decide", &id).await,
        [Some(s.h.confirmed.id.clone()), Some(s.member.id.clone())]
    );

    // The project's orders, for those who read the project.
    let list = json_of(
        app.get(
            &format!("/api/v1/projects/{}/orders", s.project),
            &s.h.confirmed.access,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(list["items"][0]["id"], id.as_str());
    assert_eq!(list["items"][0]["state"], "approved");
}

#[actix_web::test]
async fn a_rejection_needs_a_comment_and_rejects_the_order() {
    let app = TestApp::new().await;
    let s = shop(&app).await;
    let res = app
        .request(
            "PATCH",
            "/api/v1/me",
            Some(&s.h.confirmed.access),
            Some(json!({ "language": "fr" })),
        )
        .await;
    assert_eq!(res.status(), 200);
    // The confirmed (French) orders; the expert is not an approver, the
    // member is: it rejects.
    let o = order(&app, &s.h.expert, &s.project, "jupyterlab").await;
    let id = o["id"].as_str().expect("id").to_owned();
    let steward = waiting(&app, &s.member, &id).await.expect("steward's");
    let approval = steward["id"].as_str().expect("id");
    let p = problem(
        decide(&app, &s.member, approval, json!({ "decision": "reject" })).await,
        422,
    )
    .await;
    assert!(p["errors"]["comment"].is_array(), "{p}");
    assert_eq!(state_of(&app, &s.h.expert, &id).await, "pending");
    let res = decide(
        &app,
        &s.member,
        approval,
        json!({ "decision": "reject", "comment": "Use the shared server." }),
    )
    .await;
    json_of(res, 200).await;
    assert_eq!(state_of(&app, &s.h.expert, &id).await, "rejected");
    // The sponsor's approval is no longer waited for.
    assert!(waiting(&app, &s.h.confirmed, &id).await.is_none());
    let mails = mails_to(&app, "expert@inserm.fr").await;
    let (_, body) = mails
        .iter()
        .rev()
        .find(|(subject, _)| subject.contains("your order"))
        .expect("the requester is told");
    assert!(body.contains("rejected it"), "{body}");
    assert!(body.contains("Use the shared server."), "{body}");

    // A French requester reads French.
    let o = order(&app, &s.h.confirmed, &s.project, "postgresql").await;
    let id = o["id"].as_str().expect("id").to_owned();
    let steward = waiting(&app, &s.member, &id).await.expect("steward's");
    let res = decide(
        &app,
        &s.member,
        steward["id"].as_str().expect("id"),
        json!({ "decision": "reject", "comment": "Pas maintenant." }),
    )
    .await;
    json_of(res, 200).await;
    let mails = mails_to(&app, "confirmed@inserm.fr").await;
    let (subject, body) = mails.last().expect("an e-mail");
    assert!(subject.contains("votre commande"), "{subject}");
    assert!(body.contains("Pas maintenant."), "{body}");
}

#[actix_web::test]
async fn modifying_an_order_sends_it_back_to_its_approvers() {
    let app = TestApp::new().await;
    let s = shop(&app).await;
    let o = order(&app, &s.h.novice, &s.project, "postgresql").await;
    let id = o["id"].as_str().expect("id").to_owned();
    app.approve(&id, &[&s.h.confirmed, &s.member]).await;
    assert_eq!(state_of(&app, &s.h.novice, &id).await, "approved");

    // An approved order modified: pending again, a new request.
    let res = app
        .request(
            "PATCH",
            &format!("/api/v1/orders/{id}"),
            Some(&s.h.novice.access),
            Some(json!({ "offering_id": "jupyterlab", "comment": "a notebook after all" })),
        )
        .await;
    let changed = json_of(res, 200).await;
    assert_eq!(changed["state"], "pending");
    assert_eq!(changed["offering_id"], "jupyterlab");
    assert_eq!(changed["offering_name"], "JupyterLab");
    assert_eq!(changed["comment"], "a notebook after all");
    let first = waiting(&app, &s.h.confirmed, &id)
        .await
        .expect("asked again");
    assert_eq!(first["subject_name"], "JupyterLab for Cohort");

    // Modified again while pending: the first request is withdrawn.
    let res = app
        .request(
            "PATCH",
            &format!("/api/v1/orders/{id}"),
            Some(&s.h.expert.access),
            Some(json!({ "comment": "the manager's words" })),
        )
        .await;
    let changed = json_of(res, 200).await;
    assert_eq!(
        changed["offering_id"], "jupyterlab",
        "what is not sent stays"
    );
    let second = waiting(&app, &s.h.confirmed, &id)
        .await
        .expect("asked again");
    assert_ne!(first["id"], second["id"]);
    let inbox = json_of(
        app.get("/api/v1/approvals", &s.h.confirmed.access).await,
        200,
    )
    .await;
    let about: usize = inbox["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|a| a["subject_id"] == id.as_str())
        .count();
    assert_eq!(about, 1, "{inbox}");
    let stale = problem(
        decide(
            &app,
            &s.h.confirmed,
            first["id"].as_str().expect("id"),
            json!({ "decision": "approve" }),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(stale["type"], "not_pending");
    assert_eq!(state_of(&app, &s.h.novice, &id).await, "pending");
    app.approve(&id, &[&s.h.confirmed, &s.member]).await;
    assert_eq!(state_of(&app, &s.h.novice, &id).await, "approved");
    assert_eq!(
        audit_of(&app, "order.update", &id).await,
        [Some(s.h.novice.id.clone()), Some(s.h.expert.id.clone())]
    );

    // Neither an unknown nor a retired offering.
    let p = problem(
        app.request(
            "PATCH",
            &format!("/api/v1/orders/{id}"),
            Some(&s.h.novice.access),
            Some(json!({ "offering_id": "nope" })),
        )
        .await,
        422,
    )
    .await;
    assert!(p["errors"]["offering_id"].is_array(), "{p}");
    assert_eq!(state_of(&app, &s.h.novice, &id).await, "approved");
}

#[actix_web::test]
async fn a_cancelled_order_is_withdrawn_from_its_approvers() {
    let app = TestApp::new().await;
    let s = shop(&app).await;
    let o = order(&app, &s.h.novice, &s.project, "postgresql").await;
    let id = o["id"].as_str().expect("id").to_owned();
    let pending = waiting(&app, &s.member, &id).await.expect("steward's");
    // Another participant may not cancel it; the requester may.
    problem(
        app.post(
            &format!("/api/v1/orders/{id}/cancel"),
            &s.h.confirmed.access,
            json!({}),
        )
        .await,
        403,
    )
    .await;
    let cancelled = json_of(
        app.post(
            &format!("/api/v1/orders/{id}/cancel"),
            &s.h.novice.access,
            json!({}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(cancelled["state"], "cancelled");
    assert!(waiting(&app, &s.member, &id).await.is_none());
    let p = problem(
        decide(
            &app,
            &s.member,
            pending["id"].as_str().expect("id"),
            json!({ "decision": "approve" }),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(p["type"], "not_pending");
    assert_eq!(state_of(&app, &s.h.novice, &id).await, "cancelled");
    for (method, path, body) in [
        ("POST", format!("/api/v1/orders/{id}/cancel"), None),
        (
            "PATCH",
            format!("/api/v1/orders/{id}"),
            Some(json!({ "comment": "again" })),
        ),
    ] {
        let p = problem(
            app.request(method, &path, Some(&s.h.novice.access), body)
                .await,
            409,
        )
        .await;
        assert_eq!(p["type"], "wrong_state");
    }
    // The project's manager cancels an approved order of someone else's.
    let o = order(&app, &s.h.novice, &s.project, "jupyterlab").await;
    let other = o["id"].as_str().expect("id").to_owned();
    app.approve(&other, &[&s.h.confirmed, &s.member]).await;
    let cancelled = json_of(
        app.post(
            &format!("/api/v1/orders/{other}/cancel"),
            &s.h.expert.access,
            json!({}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(cancelled["state"], "cancelled");
    assert_eq!(
        audit_of(&app, "order.cancel", &id).await,
        [Some(s.h.novice.id.clone())]
    );
    assert_eq!(
        audit_of(&app, "order.cancel", &other).await,
        [Some(s.h.expert.id.clone())]
    );
}

/// Cancelling stops the order's instances (`orders::service::cancel`
/// calls `crate::instances::service::stop_all_of_order`).
#[actix_web::test]
async fn cancelling_an_order_stops_its_instances() {
    let app = TestApp::new().await;
    let s = shop(&app).await;
    let o = order(&app, &s.h.novice, &s.project, "postgresql").await;
    let id = o["id"].as_str().expect("id").to_owned();
    app.approve(&id, &[&s.h.confirmed, &s.member]).await;
    let instance = json_of(
        app.post(
            &format!("/api/v1/orders/{id}/instances"),
            &s.h.novice.access,
            json!({ "name": "cohort-db" }),
        )
        .await,
        202,
    )
    .await;
    let instance = instance["id"].as_str().expect("id").to_owned();
    json_of(
        app.post(
            &format!("/api/v1/orders/{id}/cancel"),
            &s.h.novice.access,
            json!({}),
        )
        .await,
        200,
    )
    .await;
    let v = json_of(
        app.get(&format!("/api/v1/instances/{instance}"), &s.h.novice.access)
            .await,
        200,
    )
    .await;
    assert!(v["state"] == "stopping" || v["state"] == "stopped", "{v}");
}

#[actix_web::test]
async fn who_may_order_and_who_learns_of_orders() {
    let app = TestApp::new().await;
    let s = shop(&app).await;
    let path = format!("/api/v1/projects/{}/orders", s.project);
    let body = json!({ "offering_id": "postgresql" });
    // The operator takes part but may not launch processing: 403.
    let p = problem(
        app.post(&path, &s.h.webmaster.access, body.clone()).await,
        403,
    )
    .await;
    assert!(
        p["detail"]
            .as_str()
            .is_some_and(|d| d.contains("services.order.create")),
        "{p}"
    );
    // Outside the project: 404, as if it did not exist.
    let outsider = app
        .ready(&s.h.admin, Profile::Expert, "outsider@inserm.fr")
        .await;
    app.accept_charter(&outsider).await;
    for who in [&s.neighbour, &outsider, &s.h.admin] {
        problem(app.post(&path, &who.access, body.clone()).await, 404).await;
        problem(app.get(&path, &who.access).await, 404).await;
    }
    // The sponsor (a contributor) orders; so does the project's owner.
    order(&app, &s.h.confirmed, &s.project, "postgresql").await;
    let o = order(&app, &s.h.novice, &s.project, "jupyterlab").await;
    let id = o["id"].as_str().expect("id").to_owned();
    let one = format!("/api/v1/orders/{id}");
    let cancel = format!("/api/v1/orders/{id}/cancel");
    for who in [&s.neighbour, &outsider, &s.h.admin] {
        let res = app.get(&one, &who.access).await;
        let text = problem(res, 404).await.to_string();
        assert!(
            !text.contains("jupyterlab") && !text.contains("Cohort"),
            "{text}"
        );
        problem(
            app.request(
                "PATCH",
                &one,
                Some(&who.access),
                Some(json!({ "comment": "pwned" })),
            )
            .await,
            404,
        )
        .await;
        problem(app.post(&cancel, &who.access, json!({})).await, 404).await;
    }
    // The operator knows the project by name only.
    problem(app.get(&one, &s.h.webmaster.access).await, 403).await;
    problem(app.get(&path, &s.h.webmaster.access).await, 403).await;
    // Readers of the project read its orders; only the requester and the
    // managers change them.
    for who in [&s.h.expert, &s.h.confirmed, &s.member] {
        json_of(app.get(&one, &who.access).await, 200).await;
    }
    problem(
        app.request(
            "PATCH",
            &one,
            Some(&s.h.confirmed.access),
            Some(json!({ "comment": "mine now" })),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(state_of(&app, &s.h.novice, &id).await, "pending");
    let unchanged = json_of(app.get(&one, &s.h.novice.access).await, 200).await;
    assert_eq!(unchanged["comment"], "for the cohort study");

    // Unknown offering: 422; a retired one too, while its orders remain.
    let p = problem(
        app.post(&path, &s.h.novice.access, json!({ "offering_id": "nope" }))
            .await,
        422,
    )
    .await;
    assert!(p["errors"]["offering_id"].is_array(), "{p}");
    let res = app
        .request(
            "DELETE",
            "/api/v1/catalog/jupyterlab",
            Some(&s.h.admin.access),
            None,
        )
        .await;
    assert_eq!(res.status(), 204);
    problem(
        app.post(
            &path,
            &s.h.novice.access,
            json!({ "offering_id": "jupyterlab" }),
        )
        .await,
        422,
    )
    .await;
    let kept = json_of(app.get(&one, &s.h.novice.access).await, 200).await;
    assert_eq!(kept["offering_name"], "JupyterLab");

    // A project not active takes no orders.
    let pending = json_of(
        app.post(
            "/api/v1/projects",
            &s.h.expert.access,
            json!({ "organization_id": json_of(app.get(&format!("/api/v1/projects/{}", s.project), &s.h.expert.access).await, 200).await["organization_id"],
                    "name": "Later", "data_class": "standard", "domain": "ecology",
                    "sponsor_id": s.h.confirmed.id, "data_steward_id": s.member.id }),
        )
        .await,
        201,
    )
    .await;
    let p = problem(
        app.post(
            &format!(
                "/api/v1/projects/{}/orders",
                pending["id"].as_str().expect("id")
            ),
            &s.h.expert.access,
            body.clone(),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(p["type"], "wrong_state");
}

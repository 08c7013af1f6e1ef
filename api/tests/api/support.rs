//! Support desks and tickets (issue 18): a request held for the
//! requester's supervisor, worked at the local desk, escalated to the group
//! desk, resolved there, reopened and closed by the requester; an incident
//! never held; every public update e-mailed to the requester with the
//! ticket's reply address and threading headers, internal notes never;
//! transitions out of order refused with nothing written; nobody outside
//! the ticket learns of it.

use diesel::prelude::*;
use habilis_api::db::schema::{approval_requests, outbox, ticket_events, tickets};
use habilis_shared::policy::Profile;
use serde_json::{json, Value};

use crate::helpers::*;

async fn json_of(res: reqwest::Response, status: u16) -> Value {
    let got = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    assert_eq!(got, status, "{text}");
    serde_json::from_str(&text).expect("json")
}

/// "Help lab" (expert manager, confirmed contributor, novice user, the
/// local agent a contributor) and its desk, with the local agent named by
/// the manager; the group desk with its agent named by the admin; "Other
/// lab" with an outsider, manager and agent of its own desk.
struct Desk {
    h: Hierarchy,
    agent: Session,
    group_agent: Session,
    outsider: Session,
    local: String,
    group: String,
}

async fn desk(app: &TestApp) -> Desk {
    let h = app.hierarchy().await;
    let agent = app
        .ready(&h.expert, Profile::Confirmed, "agent@inserm.fr")
        .await;
    let group_agent = app
        .ready(&h.admin, Profile::Expert, "group.agent@inserm.fr")
        .await;
    let outsider = app
        .ready(&h.admin, Profile::Expert, "outsider@inserm.fr")
        .await;
    let org = |name: &'static str| {
        let admin = h.admin.access.clone();
        async move {
            json_of(
                app.post("/api/v1/organizations", &admin, json!({ "name": name }))
                    .await,
                201,
            )
            .await["id"]
                .as_str()
                .expect("org")
                .to_owned()
        }
    };
    let help = org("Help lab").await;
    let other = org("Other lab").await;
    for (org, emails, role) in [
        (&help, vec![h.expert.email.clone()], "manager"),
        (
            &help,
            vec![h.confirmed.email.clone(), agent.email.clone()],
            "contributor",
        ),
        (&help, vec![h.novice.email.clone()], "user"),
        (&other, vec![outsider.email.clone()], "manager"),
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
    // Every organisation has its local desk; the group desk exists.
    let desks = json_of(app.get("/api/v1/desks", &h.admin.access).await, 200).await;
    let find = |pred: &dyn Fn(&Value) -> bool| {
        desks["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|d| pred(d))
            .and_then(|d| d["id"].as_str())
            .expect("desk")
            .to_owned()
    };
    let local = find(&|d| d["org_id"] == help.as_str());
    let other_desk = find(&|d| d["org_id"] == other.as_str());
    let group = find(&|d| d["kind"] == "group");
    // The manager names the local agent; only the admin names the group's.
    let res = app
        .post(
            &format!("/api/v1/desks/{local}/agents"),
            &h.expert.access,
            json!({ "account_id": agent.id }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let res = app
        .post(
            &format!("/api/v1/desks/{group}/agents"),
            &h.expert.access,
            json!({ "account_id": h.expert.id }),
        )
        .await;
    problem(res, 403).await;
    let res = app
        .post(
            &format!("/api/v1/desks/{group}/agents"),
            &h.admin.access,
            json!({ "account_id": group_agent.id }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let res = app
        .post(
            &format!("/api/v1/desks/{other_desk}/agents"),
            &outsider.access,
            json!({ "account_id": outsider.id }),
        )
        .await;
    assert_eq!(res.status(), 201);
    // The outsider cannot even see Help lab's desk.
    let res = app
        .post(
            &format!("/api/v1/desks/{local}/agents"),
            &outsider.access,
            json!({ "account_id": outsider.id }),
        )
        .await;
    problem(res, 404).await;
    // A local agent must be a member of the organisation.
    let res = app
        .post(
            &format!("/api/v1/desks/{local}/agents"),
            &h.expert.access,
            json!({ "account_id": outsider.id }),
        )
        .await;
    problem(res, 422).await;
    Desk {
        h,
        agent,
        group_agent,
        outsider,
        local,
        group,
    }
}

async fn open(app: &TestApp, who: &Session, body: Value) -> Value {
    json_of(app.post("/api/v1/tickets", &who.access, body).await, 201).await
}

async fn act(app: &TestApp, who: &Session, ticket: &str, what: &str, body: Value) -> Value {
    let status = if what == "comments" { 201 } else { 200 };
    json_of(
        app.post(
            &format!("/api/v1/tickets/{ticket}/{what}"),
            &who.access,
            body,
        )
        .await,
        status,
    )
    .await
}

/// The history rows and the ticket row, as stored.
async fn stored(app: &TestApp, ticket: &str) -> (i64, String) {
    let ticket = ticket.to_owned();
    app.with_db(move |c| {
        let events: i64 = ticket_events::table
            .filter(ticket_events::ticket_id.eq(&ticket))
            .count()
            .get_result(c)
            .expect("events");
        let state: String = tickets::table
            .find(&ticket)
            .select(tickets::state)
            .first(c)
            .expect("ticket");
        (events, state)
    })
    .await
}

/// The support e-mails queued for `to`: (subject, text, headers).
async fn support_mail(app: &TestApp, to: &str) -> Vec<(String, String, Option<String>)> {
    let to = to.to_owned();
    app.with_db(move |c| {
        outbox::table
            .filter(outbox::to_addr.eq(&to))
            .filter(outbox::subject.like("Habilis support [%"))
            .order(outbox::id.asc())
            .select((outbox::subject, outbox::body, outbox::headers))
            .load(c)
            .expect("outbox")
    })
    .await
}

#[actix_web::test]
async fn a_request_goes_through_approval_escalation_and_back_to_its_requester() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let (novice, agent, group_agent) = (&d.h.novice, &d.agent, &d.group_agent);

    // A request of a category held for approval, at my local desk by default.
    let created = open(
        &app,
        novice,
        json!({ "type": "request", "category": "admin-rights",
                "subject": "Admin rights on the wiki", "body": "I need to edit the menu." }),
    )
    .await;
    let t = created["ticket"]["id"].as_str().expect("id").to_owned();
    assert_eq!(created["ticket"]["desk_id"], d.local.as_str());
    assert_eq!(created["ticket"]["state"], "awaiting_approval");

    // The agent sees it in the queue, but may not take it before approval.
    let queue = json_of(app.get("/api/v1/tickets", &agent.access).await, 200).await;
    assert!(queue["items"]
        .as_array()
        .expect("items")
        .iter()
        .any(|i| i["id"] == t.as_str()));
    let before = stored(&app, &t).await;
    let res = app
        .post(
            &format!("/api/v1/tickets/{t}/assign"),
            &agent.access,
            json!({ "agent_id": agent.id }),
        )
        .await;
    let p = problem(res, 409).await;
    assert_eq!(p["type"], "wrong_state", "{p}");
    assert_eq!(stored(&app, &t).await, before, "nothing written");

    // The requester's supervisor approves it from the approvals inbox.
    let inbox = json_of(
        app.get("/api/v1/approvals", &d.h.confirmed.access).await,
        200,
    )
    .await;
    let approval = inbox["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|a| a["subject_id"] == t.as_str())
        .expect("the ticket's approval")
        .clone();
    assert_eq!(approval["subject_type"], "ticket");
    assert_eq!(approval["subject_name"], "Admin rights on the wiki");
    let res = app
        .post(
            &format!(
                "/api/v1/approvals/{}/decision",
                approval["id"].as_str().expect("id")
            ),
            &d.h.confirmed.access,
            json!({ "decision": "approve" }),
        )
        .await;
    assert_eq!(res.status(), 200);

    // The local desk works it: a note, an assignment, a question, an answer.
    let note = act(
        &app,
        agent,
        &t,
        "comments",
        json!({ "body": "INTERNAL-NOTE check the ACL", "internal": true }),
    )
    .await;
    assert_eq!(note["ticket"]["state"], "open");
    // The requester acting as an agent is refused.
    for (what, body) in [
        ("comments", json!({ "body": "sneaky", "internal": true })),
        ("assign", json!({ "agent_id": novice.id })),
        ("escalate", json!({ "reason": "now" })),
        ("resolve", json!({ "resolution": "done" })),
    ] {
        let before = stored(&app, &t).await;
        let res = app
            .post(&format!("/api/v1/tickets/{t}/{what}"), &novice.access, body)
            .await;
        problem(res, 403).await;
        assert_eq!(stored(&app, &t).await, before, "{what}: nothing written");
    }
    let assigned = act(&app, agent, &t, "assign", json!({ "agent_id": agent.id })).await;
    assert_eq!(assigned["ticket"]["assignee_id"], agent.id.as_str());
    let asked = act(
        &app,
        agent,
        &t,
        "comments",
        json!({ "body": "Which wiki?" }),
    )
    .await;
    assert_eq!(asked["ticket"]["state"], "pending");
    let answered = act(
        &app,
        novice,
        &t,
        "comments",
        json!({ "body": "The lab wiki." }),
    )
    .await;
    assert_eq!(answered["ticket"]["state"], "open");

    // Beyond the local desk: escalated, history kept, both desks see it.
    let escalated = act(
        &app,
        agent,
        &t,
        "escalate",
        json!({ "reason": "Only the group administers the wiki." }),
    )
    .await;
    assert_eq!(escalated["ticket"]["desk_id"], d.group.as_str());
    assert_eq!(escalated["ticket"]["escalated_from"], d.local.as_str());
    assert_eq!(escalated["ticket"]["assignee_id"], Value::Null);
    let res = app
        .post(
            &format!("/api/v1/tickets/{t}/escalate"),
            &agent.access,
            json!({ "reason": "again" }),
        )
        .await;
    problem(res, 409).await;
    let seen = json_of(
        app.get(&format!("/api/v1/tickets/{t}"), &group_agent.access)
            .await,
        200,
    )
    .await;
    assert!(
        seen.to_string().contains("INTERNAL-NOTE"),
        "agents read the notes"
    );
    json_of(
        app.get(&format!("/api/v1/tickets/{t}"), &agent.access)
            .await,
        200,
    )
    .await;

    // The group desk resolves it; the requester reopens, then closes.
    act(
        &app,
        group_agent,
        &t,
        "assign",
        json!({ "agent_id": group_agent.id }),
    )
    .await;
    let resolved = act(
        &app,
        group_agent,
        &t,
        "resolve",
        json!({ "resolution": "Granted editor rights." }),
    )
    .await;
    assert_eq!(resolved["ticket"]["state"], "resolved");
    assert_eq!(resolved["ticket"]["resolution"], "Granted editor rights.");
    let reopened = act(&app, novice, &t, "reopen", json!({})).await;
    assert_eq!(reopened["ticket"]["state"], "open");
    act(
        &app,
        group_agent,
        &t,
        "resolve",
        json!({ "resolution": "Granted admin rights." }),
    )
    .await;
    let closed = act(&app, novice, &t, "close", json!({})).await;
    assert_eq!(closed["ticket"]["state"], "closed");
    let before = stored(&app, &t).await;
    for what in ["reopen", "close"] {
        let res = app
            .post(
                &format!("/api/v1/tickets/{t}/{what}"),
                &novice.access,
                json!({}),
            )
            .await;
        problem(res, 409).await;
    }
    let res = app
        .post(
            &format!("/api/v1/tickets/{t}/comments"),
            &novice.access,
            json!({ "body": "late" }),
        )
        .await;
    problem(res, 409).await;
    assert_eq!(stored(&app, &t).await, before, "nothing written");

    // The requester's view: the whole history, never a note.
    let mine = json_of(
        app.get(&format!("/api/v1/tickets/{t}"), &novice.access)
            .await,
        200,
    )
    .await;
    let text = mine.to_string();
    assert!(!text.contains("INTERNAL-NOTE"), "{text}");
    let kinds: Vec<&str> = mine["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|e| e["kind"].as_str().expect("kind"))
        .collect();
    for k in [
        "created", "approval", "assign", "comment", "escalate", "state",
    ] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
    assert!(mine["history"]
        .as_array()
        .expect("history")
        .iter()
        .all(|e| e["internal"] == false));

    // Every public update e-mailed, but the requester's own comment; no note.
    let mail = support_mail(&app, &novice.email).await;
    // created, awaiting approval, approved, assigned, question, escalated,
    // assigned, resolved, reopened, resolved, closed.
    assert_eq!(
        mail.len(),
        11,
        "{:#?}",
        mail.iter().map(|m| &m.1).collect::<Vec<_>>()
    );
    let everything: Vec<String> = app
        .with_db(|c| outbox::table.select(outbox::body).load(c).expect("outbox"))
        .await;
    assert!(everything.iter().all(|b| !b.contains("INTERNAL-NOTE")));
    assert!(mail.iter().any(|m| m.1.contains("Which wiki?")));
    assert!(mail.iter().all(|m| !m.1.contains("The lab wiki.")));
    // Threaded under the first one, replying to the ticket's own address.
    let headers: Vec<Value> = mail
        .iter()
        .map(|m| serde_json::from_str(m.2.as_deref().expect("headers")).expect("json"))
        .collect();
    let domain = app.state.config.mail_domain();
    let root = format!("<ticket-{t}@{domain}>");
    assert_eq!(headers[0]["message_id"], root.as_str());
    for h in &headers[1..] {
        assert_eq!(h["in_reply_to"], root.as_str());
        assert_eq!(h["references"], root.as_str());
        assert_ne!(h["message_id"], root.as_str());
    }
    let reply_to = headers[0]["reply_to"]
        .as_str()
        .expect("reply-to")
        .to_owned();
    let key = app
        .with_db(|c| habilis_api::support::queries::reply_key(c).expect("key"))
        .await;
    assert_eq!(
        habilis_api::support::address::verify(&key, &domain, &reply_to).as_deref(),
        Some(t.as_str())
    );
    assert!(headers.iter().all(|h| h["reply_to"] == reply_to.as_str()));
    // As delivered: the .eml carries the headers.
    let eml = app
        .wait_for_mail(|m| {
            m.contains(&format!("To: {}", novice.email)) && m.contains("Which wiki?")
        })
        .await;
    assert!(eml.contains(&format!("Reply-To: {reply_to}")), "{eml}");
    assert!(eml.contains(&format!("In-Reply-To: {root}")), "{eml}");
    assert!(eml.contains(&format!("References: {root}")), "{eml}");

    // Nobody else learns of it: another organisation's agent, the admin.
    for who in [&d.outsider, &d.h.admin, &d.h.webmaster] {
        let res = app.get(&format!("/api/v1/tickets/{t}"), &who.access).await;
        problem(res, 404).await;
        let res = app
            .post(
                &format!("/api/v1/tickets/{t}/comments"),
                &who.access,
                json!({ "body": "hi" }),
            )
            .await;
        problem(res, 404).await;
        let list = json_of(app.get("/api/v1/tickets", &who.access).await, 200).await;
        assert!(!list.to_string().contains(&t), "listed to an outsider");
    }
}

#[actix_web::test]
async fn an_incident_is_never_held_and_a_rejected_request_is_closed() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let novice = &d.h.novice;
    let requests = || {
        app.with_db(|c| {
            approval_requests::table
                .count()
                .get_result::<i64>(c)
                .expect("requests")
        })
    };
    let before = requests().await;
    // Even of a category held for approval, an incident is open to the desk.
    let incident = open(
        &app,
        novice,
        json!({ "type": "incident", "category": "admin-rights",
                "subject": "The admin page crashes", "body": "Error 500." }),
    )
    .await;
    assert_eq!(incident["ticket"]["state"], "new");
    assert_eq!(incident["ticket"]["type"], "incident");
    // A request of another category is not held either.
    let printer = open(
        &app,
        novice,
        json!({ "type": "request", "category": "printer", "subject": "Toner", "body": "Please." }),
    )
    .await;
    assert_eq!(printer["ticket"]["state"], "new");
    assert_eq!(requests().await, before, "no approval asked");
    let inbox = json_of(
        app.get("/api/v1/approvals", &d.h.confirmed.access).await,
        200,
    )
    .await;
    assert_eq!(inbox["items"].as_array().expect("items").len(), 0);

    // Out of order: a new ticket is neither reopened nor closed.
    let t = incident["ticket"]["id"].as_str().expect("id").to_owned();
    let before = stored(&app, &t).await;
    for what in ["reopen", "close"] {
        let res = app
            .post(
                &format!("/api/v1/tickets/{t}/{what}"),
                &d.agent.access,
                json!({}),
            )
            .await;
        let p = problem(res, 409).await;
        assert_eq!(p["type"], "wrong_state");
    }
    assert_eq!(stored(&app, &t).await, before, "nothing written");
    // Filters.
    let incidents = json_of(
        app.get(
            "/api/v1/tickets?type=incident&state=new&assignee=none",
            &d.agent.access,
        )
        .await,
        200,
    )
    .await;
    let ids: Vec<&str> = incidents["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, [t.as_str()]);
    let res = app
        .get("/api/v1/tickets?state=sleeping", &d.agent.access)
        .await;
    problem(res, 422).await;
    let page = json_of(
        app.get("/api/v1/tickets?limit=1", &novice.access).await,
        200,
    )
    .await;
    assert_eq!(page["items"].as_array().expect("items").len(), 1);
    let cursor = page["next_cursor"].as_str().expect("next page").to_owned();
    let next = json_of(
        app.get(
            &format!("/api/v1/tickets?limit=1&cursor={cursor}"),
            &novice.access,
        )
        .await,
        200,
    )
    .await;
    assert_ne!(next["items"][0]["id"], page["items"][0]["id"]);

    // A rejected request is closed with the approver's comment.
    let held = open(
        &app,
        novice,
        json!({ "type": "request", "category": "admin-rights", "subject": "Root on the cluster", "body": "Please." }),
    )
    .await;
    let h = held["ticket"]["id"].as_str().expect("id").to_owned();
    let inbox = json_of(
        app.get("/api/v1/approvals", &d.h.confirmed.access).await,
        200,
    )
    .await;
    let approval = inbox["items"][0]["id"]
        .as_str()
        .expect("approval")
        .to_owned();
    let res = app
        .post(
            &format!("/api/v1/approvals/{approval}/decision"),
            &d.h.confirmed.access,
            json!({ "decision": "reject", "comment": "Not for a novice." }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let thread = json_of(
        app.get(&format!("/api/v1/tickets/{h}"), &novice.access)
            .await,
        200,
    )
    .await;
    assert_eq!(thread["ticket"]["state"], "closed");
    let last = thread["history"]
        .as_array()
        .expect("history")
        .last()
        .cloned()
        .expect("event");
    assert_eq!(last["kind"], "approval");
    assert_eq!(last["body"], "Not for a novice.");
    let mail = support_mail(&app, &novice.email).await;
    assert!(mail.iter().any(|m| m.1.contains("Not for a novice.")));

    // A desk of another organisation takes no ticket from me; the group
    // desk takes tickets from desk agents only.
    let desks = json_of(app.get("/api/v1/desks", &novice.access).await, 200).await;
    let kinds: Vec<&str> = desks["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|d| d["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(kinds.len(), 2, "the group desk and mine: {desks}");
    let res = app
        .post(
            "/api/v1/tickets",
            &novice.access,
            json!({ "desk_id": d.group, "type": "incident", "category": "x", "subject": "s", "body": "b" }),
        )
        .await;
    problem(res, 403).await;
    let agent_ticket = open(
        &app,
        &d.agent,
        json!({ "desk_id": d.group, "type": "incident", "category": "x", "subject": "s", "body": "b" }),
    )
    .await;
    assert_eq!(agent_ticket["ticket"]["desk_id"], d.group.as_str());
}

/// The kinds of a thread's history, in order.
fn kinds(thread: &Value) -> Vec<String> {
    thread["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[actix_web::test]
async fn participants_follow_a_ticket_and_only_people_of_the_ticket_may_be_named() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let (novice, confirmed, agent) = (&d.h.novice, &d.h.confirmed, &d.agent);
    let created = open(
        &app,
        novice,
        json!({ "type": "incident", "category": "printer",
                "subject": "The lab printer jams", "body": "Every third page." }),
    )
    .await;
    let t = created["ticket"]["id"].as_str().expect("id").to_owned();
    let path = format!("/api/v1/tickets/{t}/participants");

    // Someone of another organisation, or nobody at all: the same answer,
    // nothing written.
    let before = stored(&app, &t).await;
    for account in [d.outsider.id.as_str(), "no-such-account"] {
        let p = problem(
            app.post(&path, &novice.access, json!({ "account_id": account }))
                .await,
            422,
        )
        .await;
        assert!(p["errors"]["account_id"].is_array(), "{p}");
    }
    assert_eq!(stored(&app, &t).await, before, "nothing written");
    // The confirmed is not on the ticket yet: they do not even see it.
    problem(app.get(&path, &confirmed.access).await, 404).await;

    // The requester names a colleague of their organisation.
    let named = json_of(
        app.post(&path, &novice.access, json!({ "account_id": confirmed.id }))
            .await,
        201,
    )
    .await;
    assert_eq!(
        named["participants"][0]["account_id"],
        confirmed.id.as_str()
    );
    let added = named["history"]
        .as_array()
        .expect("history")
        .iter()
        .find(|e| e["kind"] == "participant_added")
        .expect("the entry")
        .clone();
    assert_eq!(added["participant_id"], confirmed.id.as_str());
    assert!(added["participant_name"]
        .as_str()
        .is_some_and(|n| !n.is_empty()));
    // Once; the requester is not a participant of their own ticket.
    for account in [confirmed.id.as_str(), novice.id.as_str()] {
        let p = problem(
            app.post(&path, &novice.access, json!({ "account_id": account }))
                .await,
            409,
        )
        .await;
        assert_eq!(p["type"], "already_member", "{p}");
    }
    // They are told, and now read the ticket and its participants.
    let told = support_mail(&app, &confirmed.email).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].2.as_deref().is_some_and(|h| h.contains("support+")));
    let listed = json_of(app.get(&path, &confirmed.access).await, 200).await;
    assert_eq!(listed[0]["account_id"], confirmed.id.as_str());
    json_of(
        app.get(&format!("/api/v1/tickets/{t}"), &confirmed.access)
            .await,
        200,
    )
    .await;
    // A participant comments; the requester is e-mailed, they are not.
    act(
        &app,
        confirmed,
        &t,
        "comments",
        json!({ "body": "Mine jams too." }),
    )
    .await;
    let novice_mail = support_mail(&app, &novice.email).await;
    assert!(novice_mail.iter().any(|m| m.1.contains("Mine jams too.")));
    assert_eq!(support_mail(&app, &confirmed.email).await.len(), 1);
    // An agent's answer reaches both.
    act(
        &app,
        agent,
        &t,
        "comments",
        json!({ "body": "A new drum is ordered." }),
    )
    .await;
    for who in [&novice.email, &confirmed.email] {
        assert!(
            support_mail(&app, who)
                .await
                .iter()
                .any(|m| m.1.contains("A new drum is ordered.")),
            "{who}"
        );
    }
    // A participant names nobody, nor removes anyone else.
    let before = stored(&app, &t).await;
    problem(
        app.post(
            &path,
            &confirmed.access,
            json!({ "account_id": d.h.expert.id }),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(stored(&app, &t).await, before, "nothing written");
    // The outsider learns nothing of it.
    problem(app.get(&path, &d.outsider.access).await, 404).await;
    problem(
        app.request(
            "DELETE",
            &format!("{path}/{}", confirmed.id),
            Some(&d.outsider.access),
            None,
        )
        .await,
        404,
    )
    .await;
    // The assignment names the agent in the history.
    let assigned = act(&app, agent, &t, "assign", json!({ "agent_id": agent.id })).await;
    let entry = assigned["history"]
        .as_array()
        .expect("history")
        .iter()
        .rev()
        .find(|e| e["kind"] == "assign")
        .expect("assign")
        .clone();
    assert_eq!(entry["assignee_id"], agent.id.as_str());
    assert!(entry["assignee_name"]
        .as_str()
        .is_some_and(|n| !n.is_empty()));
    // The participant leaves; they no longer see the ticket.
    let res = app
        .request(
            "DELETE",
            &format!("{path}/{}", confirmed.id),
            Some(&confirmed.access),
            None,
        )
        .await;
    assert_eq!(res.status(), 204);
    problem(
        app.get(&format!("/api/v1/tickets/{t}"), &confirmed.access)
            .await,
        404,
    )
    .await;
    let thread = json_of(
        app.get(&format!("/api/v1/tickets/{t}"), &novice.access)
            .await,
        200,
    )
    .await;
    assert!(kinds(&thread).contains(&"participant_removed".to_owned()));
    assert_eq!(thread["participants"], json!([]));
    // Twice: there is nobody to remove.
    problem(
        app.request(
            "DELETE",
            &format!("{path}/{}", confirmed.id),
            Some(&novice.access),
            None,
        )
        .await,
        404,
    )
    .await;
}

/// Uploads `bytes` as `name` to ticket `t`.
async fn attach(
    app: &TestApp,
    who: &Session,
    t: &str,
    query: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/tickets/{t}/attachments?{query}")))
        .bearer_auth(&who.access)
        .header("Content-Type", "image/png")
        .body(bytes)
        .send()
        .await
        .expect("sent")
}

/// The attachment rows of the database.
async fn attachment_rows(app: &TestApp) -> i64 {
    app.with_db(|c| {
        habilis_api::db::schema::ticket_attachments::table
            .count()
            .get_result(c)
            .expect("count")
    })
    .await
}

#[actix_web::test]
async fn a_ticket_takes_files_within_its_limits_and_internal_ones_stay_with_the_agents() {
    let app = TestApp::builder()
        .policy("[support]\nattachment_max_bytes = 1000\nattachments_per_ticket = 4\n")
        .start()
        .await;
    let d = desk(&app).await;
    let (novice, agent) = (&d.h.novice, &d.agent);
    let created = open(
        &app,
        novice,
        json!({ "type": "incident", "category": "vpn",
                "subject": "The VPN drops", "body": "See the screenshot." }),
    )
    .await;
    let t = created["ticket"]["id"].as_str().expect("id").to_owned();
    let objects_before = app.objects().await.len();

    // The requester attaches a screenshot: stored with its digest.
    let shot: Vec<u8> = (0..600u32).map(|i| (i % 251) as u8).collect();
    let res = attach(&app, novice, &t, "name=vpn%20error.png", shot.clone()).await;
    let view = json_of(res, 201).await;
    assert_eq!(view["name"], "vpn error.png");
    assert_eq!(view["size"], 600);
    assert_eq!(view["content_type"], "image/png");
    assert_eq!(view["internal"], false);
    let id = view["id"].as_str().expect("id").to_owned();
    let url = format!("/api/v1/tickets/{t}/attachments/{id}");
    let res = app.get(&url, &agent.access).await;
    assert_eq!(res.status(), 200);
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.bytes().await.expect("bytes").to_vec(), shot);
    // In the thread, with its history entry.
    let thread = json_of(
        app.get(&format!("/api/v1/tickets/{t}"), &novice.access)
            .await,
        200,
    )
    .await;
    assert_eq!(thread["attachments"][0]["id"], id.as_str());
    let entry = thread["history"]
        .as_array()
        .expect("history")
        .iter()
        .find(|e| e["kind"] == "attachment")
        .expect("entry")
        .clone();
    assert_eq!(entry["attachment_id"], id.as_str());
    assert_eq!(entry["body"], "vpn error.png");

    // An agent's internal file: the requester neither sees nor gets it.
    let res = attach(
        &app,
        agent,
        &t,
        "name=trace.log&internal=true",
        b"INTERNAL".to_vec(),
    )
    .await;
    let internal = json_of(res, 201).await;
    let internal_id = internal["id"].as_str().expect("id").to_owned();
    let thread = json_of(
        app.get(&format!("/api/v1/tickets/{t}"), &novice.access)
            .await,
        200,
    )
    .await;
    assert_eq!(thread["attachments"].as_array().map(Vec::len), Some(1));
    assert!(!thread.to_string().contains("trace.log"));
    problem(
        app.get(
            &format!("/api/v1/tickets/{t}/attachments/{internal_id}"),
            &novice.access,
        )
        .await,
        404,
    )
    .await;
    // An agent's public file is e-mailed to the requester by name.
    let res = attach(&app, agent, &t, "name=fix.txt", b"reinstall".to_vec()).await;
    json_of(res, 201).await;
    assert!(support_mail(&app, &novice.email)
        .await
        .iter()
        .any(|m| m.1.contains("fix.txt")));
    assert!(!support_mail(&app, &novice.email)
        .await
        .iter()
        .any(|m| m.1.contains("trace.log")));

    // Refused, nothing written, nothing stored: an internal file of the
    // requester, a bad name or none, the outsider, too large (declared or
    // not), one file too many, a closed ticket.
    let rows = attachment_rows(&app).await;
    let stored_now = app.objects().await.len();
    problem(
        attach(&app, novice, &t, "name=x.txt&internal=true", b"x".to_vec()).await,
        403,
    )
    .await;
    for query in ["name=a%2Fb.txt", "name=", "other=1", ""] {
        let res = attach(&app, novice, &t, query, b"x".to_vec()).await;
        let status = res.status().as_u16();
        assert!(status == 422 || status == 400, "{query}: {status}");
        let p = problem(res, status).await;
        assert!(p["type"].is_string(), "{p}");
    }
    problem(
        attach(&app, &d.outsider, &t, "name=x.txt", b"x".to_vec()).await,
        404,
    )
    .await;
    let p = problem(
        attach(&app, novice, &t, "name=big.bin", vec![7u8; 1001]).await,
        413,
    )
    .await;
    assert_eq!(p["type"], "quota_exceeded", "{p}");
    assert_eq!(p["quota"]["limit"], 1000, "{p}");
    // Without Content-Length: stopped as the bytes arrive.
    let status = raw_chunked(
        "POST",
        &app,
        &novice.access,
        &format!("/api/v1/tickets/{t}/attachments?name=stream.bin"),
        1600,
    );
    assert_eq!(status, 413);
    // The fourth file is the last.
    let res = attach(&app, novice, &t, "name=more.txt", b"more".to_vec()).await;
    json_of(res, 201).await;
    let p = problem(
        attach(&app, novice, &t, "name=one-too-many.txt", b"x".to_vec()).await,
        413,
    )
    .await;
    assert_eq!(p["quota"]["limit"], 4, "{p}");
    assert_eq!(attachment_rows(&app).await, rows + 1);
    assert_eq!(
        app.objects().await.len(),
        stored_now + 1,
        "only the fourth file"
    );
    assert_eq!(stored_now, objects_before + 3);
    // A closed ticket takes no file.
    act(
        &app,
        agent,
        &t,
        "resolve",
        json!({ "resolution": "A new profile." }),
    )
    .await;
    act(&app, novice, &t, "close", json!({})).await;
    let p = problem(
        attach(&app, novice, &t, "name=late.txt", b"x".to_vec()).await,
        409,
    )
    .await;
    assert_eq!(p["type"], "wrong_state", "{p}");
}
